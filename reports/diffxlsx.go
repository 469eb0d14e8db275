package reports

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kubeproof/kubeproof/diff"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// The sheets of a diff's workbook.
const (
	sheetDiffSummary = "Summary"
	sheetChanges     = "Changes"
	sheetScopes      = "Scopes"
)

// DiffXLSX writes the workbook of a diff to w: a summary of both reports
// and the counts, the changes one per row (regressions first), and every
// node and cluster of either report.
func DiffXLSX(w io.Writer, d *diff.Diff) error {
	info := bookInfo{title: "CIS Kubernetes Benchmark audit: changes", subject: diffSubject(d), version: d.New.AnalyzerVersion,
		footer: "kubeproof diff: " + diffSubject(d), time: d.New.ReportTime}
	x, err := newWorkbook(info, sheetDiffSummary, sheetChanges, sheetScopes)
	if err != nil {
		return fmt.Errorf("xlsx diff: %w", err)
	}
	defer x.f.Close()
	for _, step := range []func(*diff.Diff) error{x.diffSummary, x.changes, x.scopes} {
		if err := step(d); err != nil {
			return fmt.Errorf("xlsx diff: %w", err)
		}
	}
	if err := x.write(w, d.New.ReportTime); err != nil {
		return fmt.Errorf("xlsx diff: %w", err)
	}
	return nil
}

// diffSubject names the two reports: "cis-1.6 of 2025-01-02 → cis-1.20 of
// 2025-07-02".
func diffSubject(d *diff.Diff) string {
	side := func(s diff.Side) string {
		return fmt.Sprintf("%s of %s", dpOrNone(display.Escape(s.Benchmark)), s.ReportTime.UTC().Format(time.DateOnly))
	}
	return side(d.Old) + " → " + side(d.New)
}

func dpOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// diffKinds are the kinds of change in the order a diff lists them, with
// how a table heads each.
var diffKinds = []struct {
	kind  diff.Kind
	title string
}{
	{diff.Regressed, "Regressed"},
	{diff.Fixed, "Fixed"},
	{diff.Changed, "Other verdict changes"},
	{diff.Added, "Checks added"},
	{diff.Removed, "Checks removed"},
	{diff.Redefined, "Redefined by the benchmark"},
}

func kindCount(c diff.Counts, k diff.Kind) int {
	switch k {
	case diff.Regressed:
		return c.Regressed
	case diff.Fixed:
		return c.Fixed
	case diff.Changed:
		return c.Changed
	case diff.Added:
		return c.Added
	case diff.Removed:
		return c.Removed
	case diff.Redefined:
		return c.Redefined
	}
	return 0
}

func (x *workbook) diffSummary(d *diff.Diff) error {
	const sh = sheetDiffSummary
	if err := x.str(sh, "A1", "CIS Kubernetes Benchmark audit: what changed", x.title); err != nil {
		return err
	}
	row := 3
	put := func(col int, v any, style int) error {
		c := cell(col, row)
		switch v := v.(type) {
		case string:
			return x.str(sh, c, v, style)
		case int:
			return x.int(sh, c, v, x.number)
		case time.Time:
			if err := x.f.SetCellValue(sh, c, v.UTC().Truncate(time.Second)); err != nil {
				return err
			}
			return x.f.SetCellStyle(sh, c, c, x.date)
		}
		return fmt.Errorf("cell %s: unexpected %T", c, v)
	}
	line := func(style int, values ...any) error {
		for i, v := range values {
			if err := put(i+1, v, style); err != nil {
				return err
			}
		}
		row++
		return nil
	}
	if err := line(x.header, "", "OLD", "NEW"); err != nil {
		return err
	}
	for _, r := range []struct {
		label    string
		old, new any
	}{
		{"Report time", d.Old.ReportTime, d.New.ReportTime},
		{"Analyzer version", display.Escape(d.Old.AnalyzerVersion), display.Escape(d.New.AnalyzerVersion)},
		{"Benchmark", dpOrNone(display.Escape(d.Old.Benchmark)), dpOrNone(display.Escape(d.New.Benchmark))},
		{"Nodes", d.Old.Nodes, d.New.Nodes},
		{"Clusters", d.Old.Clusters, d.New.Clusters},
	} {
		if err := line(x.bold, r.label, r.old, r.new); err != nil {
			return err
		}
	}
	for _, s := range bookStatuses {
		if err := line(x.bold, string(s), count(d.Old.Totals, s), count(d.New.Totals, s)); err != nil {
			return err
		}
	}
	row++
	if err := line(x.header, "Changes", "Count", ""); err != nil {
		return err
	}
	c := d.Counts
	for _, k := range diffKinds {
		if err := line(x.bold, k.title, kindCount(c, k.kind)); err != nil {
			return err
		}
	}
	for _, r := range []struct {
		label string
		n     int
	}{
		{"Unchanged", c.Unchanged},
		{"Nodes or clusters only in NEW", c.NewNodes},
		{"Nodes or clusters only in OLD", c.RemovedNodes},
		{"Analyzed against another benchmark", c.BenchmarkChanges},
	} {
		if err := line(x.bold, r.label, r.n); err != nil {
			return err
		}
	}
	row++
	for _, note := range []string{
		"A check that starts failing regressed, whatever it was before (PASS, WARN, INFO, NA, or not run); PASS → WARN regressed too. FAIL or WARN → PASS is fixed.",
		"Each change names its cause: the benchmark (it states the check otherwise, or has it and the other not), the node (other evidence), both, or the analyzer (same statement, same evidence).",
		"The Changes sheet lists every change, the Scopes sheet every node and cluster of either report.",
	} {
		if err := x.str(sh, cell(1, row), note, x.wrap); err != nil {
			return err
		}
		if err := x.f.MergeCell(sh, cell(1, row), cell(3, row)); err != nil {
			return err
		}
		if err := x.f.SetRowHeight(sh, row, rowHeight(wrappedLines(note, 30+22+22))); err != nil {
			return err
		}
		row++
	}
	for col, w := range []float64{30, 22, 22} {
		if err := x.f.SetColWidth(sh, colName(col+1), colName(col+1), w); err != nil {
			return err
		}
	}
	return nil
}

func (x *workbook) changes(d *diff.Diff) error {
	const whole = "the JSON diff has it whole"
	cols := []column{
		{"Scope", 9, kText, ""}, {"Node", 22, kText, ""}, {"Target", 12, kText, ""}, {"Check", 26, kText, ""},
		{"Old ID", 8, kText, ""}, {"New ID", 8, kText, ""}, {"Title", 44, kWrap, "the benchmark has it"},
		{"Change", 11, kText, ""}, {"Old status", 10, kText, ""}, {"New status", 10, kText, ""}, {"Cause", 12, kWrap, ""},
		{"Benchmark changes", 30, kWrap, whole}, {"Expected", 28, kWrap, whole},
		{"Old observed", 28, kWrap, whole}, {"New observed", 28, kWrap, whole},
		{"Old evidence", 50, kWrap, whole}, {"New evidence", 50, kWrap, whole},
	}
	type entry struct {
		s *diff.Scope
		c *diff.Change
	}
	var rows []entry
	for _, k := range diffKinds {
		for i := range d.Scopes {
			s := &d.Scopes[i]
			for j := range s.Changes {
				if s.Changes[j].Kind == k.kind {
					rows = append(rows, entry{s, &s.Changes[j]})
				}
			}
		}
	}
	setup := func() error {
		if len(rows) == 0 {
			return nil
		}
		if err := x.statusFormats(sheetChanges, fmt.Sprintf("I2:J%d", len(rows)+1)); err != nil {
			return err
		}
		return x.kindFormats(sheetChanges, fmt.Sprintf("H2:H%d", len(rows)+1))
	}
	esc := display.Escape
	return x.stream(sheetChanges, cols, len(rows), 0, setup, func(add func(...any) error) error {
		for _, e := range rows {
			s, c := e.s, e.c
			var oldID, newID, oldStatus, newStatus, expected, oldObserved, newObserved string
			if c.Old != nil {
				oldID, oldStatus, expected, oldObserved = c.Old.ID, string(c.Old.Status), c.Old.Expected, c.Old.Observed
			}
			if c.New != nil {
				newID, newStatus, expected, newObserved = c.New.ID, string(c.New.Status), c.New.Expected, c.New.Observed
				if c.Old != nil && c.Old.Expected != c.New.Expected {
					expected = c.Old.Expected + " → " + c.New.Expected
				}
			}
			oldEv, newEv := changeEvidence(c)
			scope := "node"
			if s.Scope == results.ScopeCluster {
				scope = "cluster"
			}
			if err := add(scope, esc(s.Node), esc(c.Target), esc(c.Name), esc(oldID), esc(newID), esc(c.Title()), string(c.Kind),
				esc(oldStatus), esc(newStatus), string(c.Cause), display.EscapeLines(strings.Join(c.Definition, "\n")), esc(expected), esc(oldObserved), esc(newObserved),
				citationLines(escapedCitationsOf(oldEv)), citationLines(escapedCitationsOf(newEv))); err != nil {
				return err
			}
		}
		return nil
	})
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

func escapedCitationsOf(cs []results.Citation) []results.Citation {
	out := slices.Clone(cs)
	for i := range out {
		for _, p := range []*string{&out[i].Member, &out[i].Locator, &out[i].Observed} {
			*p = display.Escape(*p)
		}
	}
	return out
}

// kindFormats colours the kinds of change that call for attention.
func (x *workbook) kindFormats(sheet, ref string) error {
	var opts []excelize.ConditionalFormatOptions
	for _, k := range []struct {
		kind diff.Kind
		rgb  string
	}{{diff.Regressed, statusRGB[results.Fail]}, {diff.Fixed, statusRGB[results.Pass]}} {
		id, err := x.f.NewConditionalStyle(&excelize.Style{
			Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{k.rgb}},
		})
		if err != nil {
			return err
		}
		opts = append(opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Value: `"` + string(k.kind) + `"`, Format: &id})
	}
	return x.f.SetConditionalFormat(sheet, ref, opts)
}

func (x *workbook) scopes(d *diff.Diff) error {
	cols := []column{
		{"Scope", 9, kText, ""}, {"Node", 22, kText, ""}, {"In", 9, kText, ""},
		{"Old benchmark", 13, kText, ""}, {"New benchmark", 13, kText, ""},
		{"Old Kubernetes", 12, kText, ""}, {"New Kubernetes", 12, kText, ""},
		{"Old bundle", 14, kText, ""}, {"New bundle", 14, kText, ""},
		{"Old collected at", 22, kTime, ""}, {"New collected at", 22, kTime, ""},
	}
	for _, k := range diffKinds {
		cols = append(cols, column{k.title, 11, kNumber, ""})
	}
	cols = append(cols, column{"Unchanged", 11, kNumber, ""})
	for _, side := range []string{"Old", "New"} {
		for _, s := range bookStatuses {
			cols = append(cols, column{side + " " + string(s), 8, kNumber, ""})
		}
	}
	return x.stream(sheetScopes, cols, len(d.Scopes), 0, nil, func(add func(...any) error) error {
		for i := range d.Scopes {
			s := &d.Scopes[i]
			in := "both"
			switch s.Presence {
			case diff.NewScope:
				in = "NEW only"
			case diff.RemovedNode:
				in = "OLD only"
			}
			scope := "node"
			if s.Scope == results.ScopeCluster {
				scope = "cluster"
			}
			values := []any{scope, display.Escape(s.Node), in, display.Escape(s.Old.Benchmark), display.Escape(s.New.Benchmark),
				display.Escape(s.Old.KubeVersion), display.Escape(s.New.KubeVersion), s.Old.Bundle.Short(), s.New.Bundle.Short(),
				s.Old.CollectedAt, s.New.CollectedAt}
			for _, k := range diffKinds {
				values = append(values, kindCount(s.Counts, k.kind))
			}
			values = append(values, s.Counts.Unchanged)
			for _, t := range []results.Totals{s.Old.Totals, s.New.Totals} {
				for _, st := range bookStatuses {
					values = append(values, count(t, st))
				}
			}
			if err := add(values...); err != nil {
				return err
			}
		}
		return nil
	})
}
