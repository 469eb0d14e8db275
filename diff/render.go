package diff

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// JSON writes the diff as indented JSON: the two reports summed up, the
// counts, and every scope with its changes, verdicts and citations.
func JSON(w io.Writer, d *Diff) error {
	out := struct {
		Regressed bool `json:"regressed"`
		*Diff
	}{d.Regressed(), d}
	for i := range d.Scopes {
		if d.Scopes[i].Changes == nil {
			d.Scopes[i].Changes = []Change{}
		}
	}
	if d.Scopes == nil {
		d.Scopes = []Scope{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	// encoding/json leaves DEL, C1 and bidirectional controls raw.
	_, err := w.Write(display.JSON(b.Bytes()))
	return err
}

// Text writes the diff for people: a summary, then per scope its changes,
// regressions first, each with its cause and the evidence that changed.
func Text(w io.Writer, d *Diff) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	esc := display.Escape
	p("kubeproof diff\n")
	for _, s := range []struct {
		label string
		side  Side
	}{{"OLD", d.Old}, {"NEW", d.New}} {
		p("%s: report of %s, kubeproof %s, %s, %s; %s%s\n", s.label, s.side.ReportTime.UTC().Format(time.RFC3339), esc(s.side.AnalyzerVersion),
			esc(orNone(s.side.Benchmark)), scopesText(s.side.Nodes, s.side.Clusters), totalsText(s.side.Totals), waiversText(s.side.Waivers))
	}
	p("changes: %s\n", countsText(d.Counts))
	p("scopes: %d new, %d removed, %d analyzed against another benchmark\n", d.Counts.NewNodes, d.Counts.RemovedNodes, d.Counts.BenchmarkChanges)
	for i := range d.Scopes {
		s := &d.Scopes[i]
		p("\n")
		switch s.Presence {
		case NewScope:
			p("== %s: NEW (only in NEW) · %s · %s ==\n", esc(s.Label()), esc(orNone(s.New.Benchmark)), totalsText(s.New.Totals))
			continue
		case RemovedNode:
			p("== %s: REMOVED (only in OLD) · %s · %s ==\n", esc(s.Label()), esc(orNone(s.Old.Benchmark)), totalsText(s.Old.Totals))
			continue
		}
		if s.BenchmarkChanged() {
			p("== %s · benchmark %s → %s ==\n", esc(s.Label()), esc(orNone(s.Old.Benchmark)), esc(orNone(s.New.Benchmark)))
			p("each change names its cause: the benchmark (it states the check otherwise, or has it and the other not) or the node (other evidence)\n")
		} else {
			p("== %s · benchmark %s ==\n", esc(s.Label()), esc(orNone(s.New.Benchmark)))
		}
		for _, side := range []struct {
			label string
			s     ScopeSide
		}{{"OLD", s.Old}, {"NEW", s.New}} {
			p("%s: %s%s\n", side.label, bundleText(side.s), totalsText(side.s.Totals))
		}
		p("%s\n", countsText(s.Counts))
		for _, k := range Kinds {
			for j := range s.Changes {
				if ch := &s.Changes[j]; ch.Kind == k {
					writeChange(p, ch)
				}
			}
		}
	}
	return bw.Flush()
}

func writeChange(p func(string, ...any), ch *Change) {
	esc := display.Escape
	id := ch.ID()
	if ch.Old != nil && ch.New != nil && ch.Old.ID != ch.New.ID {
		id = ch.Old.ID + " → " + ch.New.ID
	}
	name := ch.Target
	if ch.Name != "" {
		name = ch.Name + ", " + ch.Target
	}
	p("[%s] %s %s (%s)\n", strings.ToUpper(string(ch.Kind)), esc(id), esc(ch.Title()), esc(name))
	switch {
	case ch.Old == nil:
		p("    %s in NEW, not in OLD; cause: %s\n", ch.New.Shown(), ch.Cause)
		p("    expected: %s\n    observed: %s\n", esc(ch.New.Expected), esc(ch.New.Observed))
	case ch.New == nil:
		p("    %s in OLD, not in NEW; cause: %s\n", ch.Old.Shown(), ch.Cause)
	case ch.Kind == Redefined:
		p("    %s, verdict unchanged; cause: %s\n", ch.New.Shown(), ch.Cause)
		for _, def := range ch.Definition {
			p("    benchmark: %s\n", esc(def))
		}
	default:
		p("    %s → %s; cause: %s\n", ch.Old.Shown(), ch.New.Shown(), ch.Cause)
		for _, def := range ch.Definition {
			p("    benchmark: %s\n", esc(def))
		}
		if ch.Old.Expected == ch.New.Expected {
			p("    expected: %s\n", esc(ch.New.Expected))
		}
		if ch.Old.Observed != ch.New.Observed {
			p("    observed: %s → %s\n", quoteEmpty(ch.Old.Observed), quoteEmpty(ch.New.Observed))
		} else {
			p("    observed: %s\n", quoteEmpty(ch.New.Observed))
		}
		if ch.New.Reason != "" && ch.New.Reason != ch.Old.Reason {
			p("    reason: %s\n", esc(ch.New.Reason))
		}
	}
	if ch.Old.WaiverNote() != "" || ch.New.WaiverNote() != "" {
		for _, side := range []struct {
			label string
			v     *Verdict
		}{{"OLD", ch.Old}, {"NEW", ch.New}} {
			if side.v != nil {
				p("    %s waiver: %s\n", side.label, esc(orNone(side.v.WaiverNote())))
			}
		}
	}
	for _, e := range ch.Evidence {
		if e.Old != nil {
			p("    - OLD %s\n", CitationLine(e.Old))
		}
		if e.New != nil {
			p("    + NEW %s\n", CitationLine(e.New))
		}
	}
}

// CitationLine is a citation as a diff tells it, escaped for display:
// "member @ locator: value (bundle …, member sha256:…)", and UNVERIFIED
// for evidence that failed verification.
func CitationLine(c *results.Citation) string {
	s := fmt.Sprintf("%s @ %s: %s (bundle %s, member sha256:%s)", display.Escape(c.Member), display.Escape(c.Locator),
		quoteEmpty(c.Observed), c.Bundle.Short(), c.MemberSHA256.Short())
	if c.Unverified {
		s += " UNVERIFIED"
	}
	return s
}

func quoteEmpty(s string) string {
	if s == "" {
		return "(nothing)"
	}
	return display.Escape(s)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func bundleText(s ScopeSide) string {
	if s.Bundle == "" {
		return ""
	}
	out := "bundle " + s.Bundle.Short()
	if !s.CollectedAt.IsZero() {
		out += " collected " + s.CollectedAt.UTC().Format(time.RFC3339)
	}
	if s.KubeVersion != "" {
		out += ", Kubernetes " + display.Escape(s.KubeVersion)
	}
	return out + "; "
}

func totalsText(t results.Totals) string {
	waived := ""
	if t.Waived > 0 {
		waived = fmt.Sprintf(", %d WAIVED", t.Waived)
	}
	return fmt.Sprintf("%d PASS, %d FAIL, %d WARN%s, %d INFO, %d NA", t.Pass, t.Fail, t.Warn, waived, t.Info, t.NA)
}

func countsText(c Counts) string {
	return fmt.Sprintf("%d regressed, %d fixed, %d waived, %d waivers ended, %d other verdict changes, %d checks added, %d removed, %d redefined; %d unchanged",
		c.Regressed, c.Fixed, c.Waived, c.WaiverEnded, c.Changed, c.Added, c.Removed, c.Redefined, c.Unchanged)
}

func waiversText(w *Waivers) string {
	if w == nil {
		return ""
	}
	return fmt.Sprintf("; waivers %s (sha256:%s)", display.Escape(w.File), w.Digest.Short())
}

func scopesText(nodes, clusters int) string {
	s := fmt.Sprintf("%d node", nodes)
	if nodes != 1 {
		s += "s"
	}
	if clusters > 0 {
		s += fmt.Sprintf(", %d cluster", clusters)
		if clusters != 1 {
			s += "s"
		}
	}
	return s
}
