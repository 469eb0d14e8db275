// Package reports renders the analyzer's results model. Renderers only
// lay out what the model holds: none re-evaluates a check, reads a
// bundle, or looks at the clock, so the same report gives the same bytes.
package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kubeproof/kubeproof/fleet"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// TextOptions tune the console layout.
type TextOptions struct {
	Color bool // ANSI colours, for a terminal
}

var statusColor = map[results.Status]string{
	results.Pass: "\x1b[32m", results.Fail: "\x1b[31m", results.Warn: "\x1b[33m", results.Info: "\x1b[34m", results.NA: "\x1b[90m",
	results.Waived: "\x1b[35m",
}

// Text writes the layout kube-bench users know: [PASS] lines per target,
// remediations for what failed or needs review with the evidence, and a
// summary per target; then a summary per node and for the cluster.
func Text(w io.Writer, rep *results.Report, opts TextOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	ew := &errWriter{w: bw}
	tag := func(s results.Status) string {
		t := "[" + string(s) + "]"
		if opts.Color {
			return statusColor[s] + t + "\x1b[0m"
		}
		return t
	}
	rep = safeReport(rep)
	info := tag(results.Info)
	for _, nt := range notices(rep) {
		ew.printf("!! %s: %s\n", nt.title, nt.text)
		for _, it := range nt.items {
			ew.printf("!!   %s\n", it)
		}
		ew.printf("\n")
	}
	if failed := failedBundles(rep); len(failed) > 0 {
		ew.printf("!! WARNING: %s\n", failureWarning(rep, len(failed)))
		for _, b := range failed {
			ew.printf("!!   %s (%s): %s\n", b.Host.Hostname, b.File, b.Verification)
		}
		ew.printf("\n")
	}
	textHeader(ew, rep)
	for i, n := range rep.Scopes() {
		if i > 0 {
			ew.printf("\n")
		}
		switch {
		case n.IsCluster() && n.Bundle.Digest == "":
			ew.printf("== Cluster %s · %s ==\n", display.Escape(n.Node), n.Benchmark)
		case n.IsCluster():
			ew.printf("== Cluster %s · API snapshot %s · %s ==\n", display.Escape(n.Node), n.Bundle.Digest.Prefixed(), n.Benchmark)
		default:
			ew.printf("== Node %s (%s) · bundle %s · %s ==\n", n.Node, strings.Join(n.Bundle.Host.Roles, ", "), n.Bundle.Digest.Prefixed(), n.Benchmark)
		}
		ew.printf("bundle: %s\n", n.Bundle.Verification)
		for _, p := range n.Bundle.Problems {
			ew.printf("bundle problem: %s\n", p)
		}
		if n.Bundle.Partial {
			ew.printf("note: this bundle's collection was partial; checks that needed the missing evidence are WARN\n")
		}
		if n.PlatformReason != "" {
			ew.printf("platform: %s\n", display.Escape(n.PlatformReason))
		}
		if n.BenchmarkReason != "" {
			ew.printf("benchmark: %s\n", n.BenchmarkReason)
		}
		for _, tr := range n.Targets {
			ew.printf("%s %s %s\n", info, tr.Section.ID, display.Escape(tr.Section.Title))
			group := ""
			for _, r := range tr.Results {
				if r.Check.Group != group {
					group = r.Check.Group
					ew.printf("%s %s %s\n", info, group, display.Escape(tr.Section.GroupTitle(group)))
				}
				line := fmt.Sprintf("%s %s %s", tag(r.Shown()), r.Check.ID, display.Escape(r.Check.DisplayTitle()))
				if r.Status == results.NA {
					line += " — " + r.Reason
				}
				if r.Unverified {
					line += " " + unverifiedMark
				}
				ew.printf("%s\n", line)
			}
			ew.printf("\n== Remediations %s ==\n", tr.Section.Target)
			for _, r := range tr.Results {
				if r.Status != results.Fail && r.Status != results.Warn {
					continue
				}
				ew.printf("%s %s\n", r.Check.ID, display.EscapeLines(strings.TrimRight(r.Check.Remediation, "\n")))
				if r.Reason != "" {
					ew.printf("  why %s: %s\n", r.Status, r.Reason)
				}
				if note := r.WaiverNote(); note != "" {
					ew.printf("  %s\n", display.Escape(note))
				}
				if n.IsCluster() && r.Explanation != "" {
					ew.printf("  note: %s\n", r.Explanation)
				}
				for _, c := range r.Citations {
					what := "evidence"
					if c.Unverified {
						what = "evidence (UNVERIFIED: the member failed verification)"
					}
					ew.printf("  %s: %s %s: %s\n", what, c.Member, c.Locator, shorten(c.Observed, 160))
				}
				ew.printf("\n")
			}
			ew.printf("\n== Summary %s ==\n", tr.Section.Target)
			summary(ew, tr.Totals)
		}
		if len(n.Targets) > 1 {
			ew.printf("\n== Summary total (%s) ==\n", n.Node)
			summary(ew, n.Totals)
		}
	}
	if len(rep.Nodes) > 1 || len(rep.Clusters) > 0 && len(rep.Nodes) > 0 {
		ew.printf("\n== Summary cluster: %s ==\n", scopeCount(rep))
		summary(ew, rep.Totals)
		ew.printf("%s\n", signatureSummary(rep))
	}
	if len(rep.Nodes) > 1 {
		textFleet(ew, fleet.Summarize(rep))
	}
	textWaivers(ew, rep.Waivers)
	// The analyzer's version, as every other format carries it.
	ew.printf("\n== Analyzed by kubeproof %s ==\n", rep.AnalyzerVersion)
	if ew.err != nil {
		return ew.err
	}
	return bw.Flush()
}

func summary(ew *errWriter, t results.Totals) {
	ew.printf("%d checks PASS\n%d checks FAIL\n%d checks WARN\n%d checks INFO\n", t.Pass, t.Fail, t.Warn, t.Info)
	if t.Waived > 0 {
		ew.printf("%d checks WAIVED\n", t.Waived)
	}
	if t.NA > 0 {
		ew.printf("%d checks NOT APPLICABLE\n", t.NA)
	}
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, args...)
}

// scopeCount is "3 nodes", or "3 nodes and the cluster's policies".
func scopeCount(rep *results.Report) string {
	s := plural(len(rep.Nodes), "node")
	switch len(rep.Clusters) {
	case 0:
	case 1:
		s += " and the cluster's policies"
	default:
		s += fmt.Sprintf(" and the policies of %d clusters", len(rep.Clusters))
	}
	return s
}
