package reports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/diff"
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
	d = safeDiff(d)
	x, err := newWorkbook(diffInfo(d), sheetDiffSummary, sheetChanges, sheetScopes)
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
		{"Analyzer version", d.Old.AnalyzerVersion, d.New.AnalyzerVersion},
		{"Benchmark", orNone(d.Old.Benchmark), orNone(d.New.Benchmark)},
		{"Nodes", d.Old.Nodes, d.New.Nodes},
		{"Clusters", d.Old.Clusters, d.New.Clusters},
		{"Waivers", waiversLine(d.Old.Waivers), waiversLine(d.New.Waivers)},
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
		if err := line(x.bold, k.title, c.Of(k.kind)); err != nil {
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
	for _, note := range append(diffRules[:len(diffRules):len(diffRules)],
		"The Changes sheet lists every change, the Scopes sheet every node and cluster of either report.") {
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
		{"Old waiver", 36, kWrap, whole}, {"New waiver", 36, kWrap, whole},
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
		if err := x.colourFormats(sheetChanges, fmt.Sprintf("I2:J%d", len(rows)+1), statusColours()); err != nil {
			return err
		}
		// The kinds of change that call for attention.
		var kinds []cellColour
		for _, k := range diffKinds {
			if k.rgb != "" {
				kinds = append(kinds, colourOf(string(k.kind), k.rgb))
			}
		}
		return x.colourFormats(sheetChanges, fmt.Sprintf("H2:H%d", len(rows)+1), kinds)
	}
	return x.stream(sheetChanges, cols, len(rows), 0, setup, func(add func(...any) error) error {
		for _, e := range rows {
			s, c := e.s, e.c
			var oldID, newID, oldStatus, newStatus, expected, oldObserved, newObserved string
			if c.Old != nil {
				oldID, oldStatus, expected, oldObserved = c.Old.ID, string(c.Old.Shown()), c.Old.Expected, c.Old.Observed
			}
			if c.New != nil {
				newID, newStatus, expected, newObserved = c.New.ID, string(c.New.Shown()), c.New.Expected, c.New.Observed
				if c.Old != nil && c.Old.Expected != c.New.Expected {
					expected = c.Old.Expected + " → " + c.New.Expected
				}
			}
			oldEv, newEv := changeEvidence(c)
			scope := "node"
			if s.Scope == results.ScopeCluster {
				scope = "cluster"
			}
			if err := add(scope, s.Node, c.Target, c.Name, oldID, newID, c.Title(), string(c.Kind),
				oldStatus, newStatus, string(c.Cause), c.Old.WaiverNote(), c.New.WaiverNote(), strings.Join(c.Definition, "\n"), expected, oldObserved, newObserved,
				citationLines(oldEv), citationLines(newEv)); err != nil {
				return err
			}
		}
		return nil
	})
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
			values := []any{scope, s.Node, in, s.Old.Benchmark, s.New.Benchmark, s.Old.KubeVersion, s.New.KubeVersion, s.Old.Bundle.Short(), s.New.Bundle.Short(),
				s.Old.CollectedAt, s.New.CollectedAt}
			for _, k := range diffKinds {
				values = append(values, s.Counts.Of(k.kind))
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
