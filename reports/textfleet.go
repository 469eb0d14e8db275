package reports

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/fleet"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// textHeader names the report before anything else: its id, the
// analyzer, the report time and the benchmark of each node.
func textHeader(ew *errWriter, rep *results.Report) {
	ew.printf("== kubeproof report %s · kubeproof %s · report time %s ==\n", ReportID(rep), rep.AnalyzerVersion, rep.ReportTime.UTC().Format(time.RFC3339))
	for _, b := range benchmarkNodes(rep) {
		ew.printf("benchmark %s: %s\n", b.benchmark, nameList(b.nodes, 8))
	}
	if w := rep.Waivers; w != nil {
		ew.printf("waivers: %s (%s, %s)\n", display.Escape(w.File), w.Digest.Prefixed(), fleet.Count(len(w.Entries), "waiver"))
	}
	ew.printf("\n")
}

type benchmarkGroup struct {
	benchmark string
	nodes     []string
}

// benchmarkNodes groups the scopes by benchmark, in the order the
// benchmarks first appear.
func benchmarkNodes(rep *results.Report) []benchmarkGroup {
	var out []benchmarkGroup
	for _, n := range rep.Scopes() {
		i := slices.IndexFunc(out, func(g benchmarkGroup) bool { return g.benchmark == n.Benchmark })
		if i < 0 {
			i = len(out)
			out = append(out, benchmarkGroup{benchmark: n.Benchmark})
		}
		name := n.Node
		if n.IsCluster() {
			name = n.Title()
		}
		out[i].nodes = append(out[i].nodes, display.Escape(name))
	}
	return out
}

// nameList lists names, at most max of them and a count of the others.
func nameList(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more (%s)", strings.Join(names[:max], ", "), len(names)-max, fleet.Count(len(names), "scope"))
}

// textFleet writes the fleet view: every check that does not pass on
// some node, with its counts, and the inconsistencies between nodes that
// ran the same target.
func textFleet(ew *errWriter, s *fleet.Summary) {
	ew.printf("\n== Fleet: %s ==\n", fleet.Count(s.Nodes, "node"))
	any := false
	for _, c := range s.Checks {
		t := c.Totals
		if t.Fail+t.Warn+t.Waived == 0 || c.Review {
			continue
		}
		any = true
		ew.printf("%s", c.Line())
		if len(c.Failing) > 0 {
			ew.printf(": %s", nameList(c.Failing, 8))
		}
		ew.printf("\n")
	}
	if !any {
		ew.printf("no automated check fails, warns or is waived on any node\n")
	}
	if len(s.Inconsistencies) == 0 {
		return
	}
	ew.printf("\n== Inconsistencies: %s where nodes of one target observed different values ==\n", fleet.Count(len(s.Inconsistencies), "check"))
	for _, inc := range s.Inconsistencies {
		verdicts := "same verdict"
		if inc.VerdictsDiffer {
			verdicts = "verdicts differ"
		}
		where := ""
		if s.Clusters > 1 && inc.Cluster != "" {
			where = " in cluster " + display.Escape(inc.Cluster)
		}
		ew.printf("%s %s %s (%s)%s:\n", inc.Target, inc.ID, display.Escape(inc.Title), verdicts, where)
		for i, g := range inc.Groups {
			if i == maxTextGroups {
				ew.printf("  and %s more\n", fleet.Count(len(inc.Groups)-i, "other value"))
				break
			}
			ew.printf("  [%s] %s: %s\n", g.Status, shorten(display.Escape(g.Observed), 120), nameList(g.Nodes, 8))
			if c := g.Citation; c != nil {
				ew.printf("    evidence (%s): %s %s: %s\n", display.Escape(c.Node), c.Member, c.Locator, shorten(display.Escape(c.Observed), 120))
			}
		}
	}
}

// maxTextGroups values of one inconsistency are listed.
const maxTextGroups = 10

// textWaivers lists the waivers file's entries with what each did.
func textWaivers(ew *errWriter, set *results.WaiverSet) {
	if set == nil {
		return
	}
	ew.printf("\n== Waivers: %s ==\n", display.Escape(set.File))
	for _, e := range set.Entries {
		w := e.Waiver
		state := "holds until " + w.Expires
		if w.Expired {
			state = "EXPIRED " + w.Expires
		}
		sel := append(slices.Clone(w.Nodes), w.Roles...)
		ew.printf("line %d: %s on %s, %s; approved by %s%s; matched %d, waived %d\n  %s\n", w.Line, w.Check, display.Escape(strings.Join(sel, ", ")), state,
			display.Escape(w.Approver), display.Escape(ticket(w.Ticket)), e.Matched, e.Applied, display.Escape(w.Justification))
	}
}

func ticket(t string) string {
	if t == "" {
		return ""
	}
	return " (" + t + ")"
}
