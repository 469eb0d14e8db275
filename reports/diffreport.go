package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/diff"
	"github.com/kubeproof/kubeproof/results"
)

// What the diff's PDF and workbook share: their properties, the kinds of
// change with their headings, and how a change's evidence is told. Both
// show the diff as safeDiff escapes it.

// diffInfo is what the diff's documents say about themselves.
func diffInfo(d *diff.Diff) docInfo {
	return docInfo{title: "CIS Kubernetes Benchmark audit: what changed", subject: diffSubject(d), version: d.New.AnalyzerVersion,
		footer: "kubeproof diff · " + diffSubject(d), time: d.New.ReportTime}
}

// diffSubject names the two reports: "cis-1.6 of 2025-01-02 → cis-1.20 of
// 2025-07-02".
func diffSubject(d *diff.Diff) string {
	side := func(s diff.Side) string {
		return fmt.Sprintf("%s of %s", orNone(s.Benchmark), s.ReportTime.UTC().Format(time.DateOnly))
	}
	return side(d.Old) + " → " + side(d.New)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// diffKinds heads each kind of change (diff.Kinds, in order), says what
// it holds, counts it in a word and colours it (rgb; "" for none). The
// PDF lists the kinds with table set in tables, the others change by
// change with their evidence.
var diffKinds = []struct {
	kind               diff.Kind
	title, label, note string
	rgb                string
	table              bool
}{
	{diff.Regressed, "Regressions", "regressed", "Checks that fail in NEW and did not in OLD (or were not run), and checks that passed and now need review; none a waiver accepts.", statusRGB[results.Fail], false},
	{diff.WaiverEnded, "Waivers ended", "waivers ended", "Findings OLD showed WAIVED that NEW shows as FAIL or WARN again: the waiver expired, was removed, or selects the check no more.", statusRGB[results.Warn], false},
	{diff.Fixed, "Fixed", "fixed", "Checks that failed or needed review in OLD (waived or not) and pass in NEW.", statusRGB[results.Pass], false},
	{diff.Waived, "Waived", "waived", "Findings a waiver accepts in NEW and did not in OLD: a FAIL or WARN under a new waiver, or a check that starts failing under one. Neither regressions nor fixes.", statusRGB[results.Waived], false},
	{diff.Changed, "Other changes of verdict", "other changes", "Changes that are neither: FAIL → WARN, FAIL → NA, NA → PASS, …", "", false},
	{diff.Added, "Checks added", "checks added", "Checks NEW runs and OLD did not (a failing one is a regression, above).", "", true},
	{diff.Removed, "Checks removed", "checks removed", "Checks OLD ran and NEW does not.", "", true},
	{diff.Redefined, "Redefined by the benchmark", "redefined", "The same verdict, but the benchmark states the check otherwise: another id, title, assessment or expectation.", "", true},
}

// diffRules say how a diff tells changes, on the first page of the PDF
// and the workbook's summary.
var diffRules = []string{
	"How changes are told: a check that starts failing regressed, whatever it was before (PASS, WARN, INFO, NA, or not run); PASS → WARN regressed too; FAIL or WARN → PASS is fixed. A node only NEW has is listed with its verdicts, not as regressions.",
	"Each change names its cause: the benchmark (it states the check otherwise, or has it and the other does not), the node (same check, other evidence), both, the analyzer (same statement, same evidence, another verdict), or the waivers (same verdict, waived on one side only). Checks are matched across benchmarks by their name in kubeproof's check library, so a renumbered check is the same check.",
	"Waivers are compared as the reports show them: a finding a waiver starts to accept is waived, one whose waiver expired, was removed or selects it no more is a waiver ended; neither is a regression or a fix, and a check that starts failing under a waiver that accepts it is waived.",
}

// waiversLine names a report's waivers file.
func waiversLine(w *diff.Waivers) string {
	if w == nil {
		return "none"
	}
	return fmt.Sprintf("%s (sha256:%s)", w.File, w.Digest.Short())
}

// changeID is a change's check id, "1.2.21 → 1.2.18" where the benchmark
// renumbered it.
func changeID(c *diff.Change) string {
	if c.Old != nil && c.New != nil && c.Old.ID != c.New.ID {
		return c.Old.ID + " → " + c.New.ID
	}
	return c.ID()
}

// changeEvidence is the evidence of a change on each side: the citations
// that changed, or, when none did (the benchmark or the analyzer changed
// the verdict), every citation of each verdict.
func changeEvidence(c *diff.Change) (old, new []results.Citation) {
	if len(c.Evidence) == 0 {
		if c.Old != nil {
			old = c.Old.Citations
		}
		if c.New != nil {
			new = c.New.Citations
		}
		return old, new
	}
	for _, e := range c.Evidence {
		if e.Old != nil {
			old = append(old, *e.Old)
		}
		if e.New != nil {
			new = append(new, *e.New)
		}
	}
	return old, new
}

// totalsLine is a report's verdicts on one line: "PASS 8 · FAIL 6 · …",
// WAIVED only when there are waived results.
func totalsLine(t results.Totals) string {
	var parts []string
	for _, s := range bookStatuses {
		if s == results.Waived && t.Waived == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s\u00a0%d", s, count(t, s)))
	}
	return strings.Join(parts, " · ")
}
