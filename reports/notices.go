package reports

import (
	"fmt"

	"github.com/kubeproof/kubeproof/results"
)

// notice is something a report says on its first page, before any
// verdict: bundles refused (analyze --keep-going), bundles left out
// (duplicates, older bundles of a host), warnings (bundles of different
// clusters, nodes no check applies to).
type notice struct {
	title string
	text  string
	items []string
	alert bool // red: the report is missing nodes
}

func notices(rep *results.Report) []notice {
	var out []notice
	if n := len(rep.Refused); n > 0 {
		verb := "were"
		if n == 1 {
			verb = "was"
		}
		nt := notice{title: "BUNDLES REFUSED", alert: true,
			text: fmt.Sprintf("%d of %s could not be read and %s left out of this report (--keep-going); their nodes are not audited here:",
				n, plural(n+len(rep.Nodes)+len(rep.LeftOut), "bundle"), verb)}
		for _, r := range rep.Refused {
			nt.items = append(nt.items, r.File+": "+r.Reason)
		}
		out = append(out, nt)
	}
	for _, w := range rep.Warnings {
		out = append(out, notice{title: "WARNING", text: w})
	}
	if n := len(rep.LeftOut); n > 0 {
		nt := notice{title: "BUNDLES LEFT OUT", text: fmt.Sprintf("%s not analyzed: the same bundle given twice, or an older bundle of a host:", plural(n, "bundle"))}
		for _, l := range rep.LeftOut {
			nt.items = append(nt.items, fmt.Sprintf("%s (%s, collected %s): %s", l.File, l.Host, reportTime(l.CollectedAt), l.Reason))
		}
		out = append(out, nt)
	}
	return out
}

// noticeText is a notice as one block of text, with at most max items.
func noticeText(n notice, max int) string {
	s := n.text
	for i, it := range n.items {
		if i == max {
			s += fmt.Sprintf("\n… and %d more", len(n.items)-max)
			break
		}
		s += "\n• " + it
	}
	return s
}
