package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// topFindings is how many of the most widespread findings the summary
// lists.
const topFindings = 10

// summary draws the executive summary: the verdicts in a sentence, the
// chart, the verdicts per target, the most widespread findings and, for a
// small cluster, the verdicts per node. It reports whether it listed the
// nodes.
func (d *pdfDoc) summary(checks []*checkResults) (nodesListed bool) {
	rep := d.rep
	d.newPage()
	d.section("Summary", 0)
	d.heading("Summary", 16, 0)
	for _, nt := range d.overflow {
		d.noticeBox(nt)
	}
	if len(d.overflow) > 0 {
		d.y += 5
	}
	t := rep.Totals
	passed, applicable := rep.Score()
	s := fmt.Sprintf("%s audited against %s. Verdicts: %s PASS, %s FAIL, %s WARN (to review), %s WAIVED, "+
		"%s INFO and %s not applicable. Compliance score: %s, %s of %s passed. %s.",
		firstUpper(pdfScope(rep)), rep.BenchmarkNames(), thousands(t.Pass), thousands(t.Fail), thousands(t.Warn), thousands(t.Waived),
		thousands(t.Info), thousands(t.NA), percent(passed, applicable), thousands(passed), countNoun(applicable, "automated check"),
		firstUpper(signatureSummary(rep)))
	d.paragraph(s, style{size: 9.5, color: black}, marginL, contentW)
	d.y += 4

	var labels []string
	var totals []results.Totals
	title, axis := "Verdicts per node", "Node"
	if len(rep.Nodes) <= chartNodeLimit {
		for _, n := range rep.Scopes() {
			labels, totals = append(labels, n.Node), append(totals, n.Totals)
		}
	} else {
		title, axis = fmt.Sprintf("Verdicts per target (%s)", countNoun(len(rep.Nodes), "node")), "Target"
		for _, tt := range targetTotals(rep) {
			labels, totals = append(labels, tt.Section.Target), append(totals, tt.Totals)
		}
	}
	if len(labels) > 0 {
		d.chart(title, axis, labels, totals)
	}

	d.y += 4
	d.heading("Verdicts per target", 12, 12)
	cols := []tcol{{"Target", 22, "L"}, {"Section", 58, "L"}, {"Nodes", 16, "R"}}
	for _, s := range pdfStatuses {
		cols = append(cols, tcol{statusHeader(s), 14, "R"})
	}
	tb := &table{cols: cols, st: style{size: 8, color: black}, hsize: 7}
	d.tableStart(tb, "")
	for _, tt := range targetTotals(rep) {
		cells := []tcell{{text: tt.Section.Target}, {text: tt.Section.ID + " " + tt.Section.Title}, {text: thousands(tt.Nodes)}}
		d.tableRow(tb, append(cells, countCells(tt.Totals)...))
	}
	d.tableRow(tb, append([]tcell{{text: "All", bold: true}, {}, {text: thousands(len(rep.Nodes)), bold: true}}, countCells(rep.Totals)...))
	d.tableEnd()

	if top := widespread(checks, topFindings); len(top) > 0 {
		d.y += 6
		d.heading("Most widespread findings", 12, 20)
		tb := &table{cols: []tcol{{"", 15, "C"}, {"ID", 20, "L"}, {"Check", 91, "L"}, {"Outcome", 54, "L"}}, st: style{size: 7.5, color: black}, pad: 0.9}
		for _, c := range top {
			cells := []tcell{{text: string(worst(c)), status: worst(c)}, {text: c.id(), bold: true}, {text: c.check.Title}, {text: outcomeLine(c)}}
			top := d.y
			d.tableRow(tb, cells)
			if link, ok := d.anchors[c]; ok && d.y > top {
				d.f.Link(marginL, top, contentW, d.y-top, link)
			}
		}
		d.y += 1.5
		d.paragraph("Ordered by the number of nodes with a FAIL, then WARN. The findings section explains each.", style{size: 7.5, color: grey}, marginL, contentW)
	}

	if len(rep.Nodes) <= chartNodeLimit {
		d.y += 6
		d.heading("Verdicts per node", 12, 12)
		d.nodeTable("Verdicts per node (continued)")
		return true
	}
	return false
}

// widespread are the n automated checks that fail on the most nodes, then
// those undecided (WARN) on the most.
func widespread(checks []*checkResults, n int) []*checkResults {
	type ranked struct {
		c          *checkResults
		fail, warn int
	}
	var rs []ranked
	for _, c := range checks {
		if c.check.Review {
			continue
		}
		t := checkTotals(c)
		if t.Fail+t.Warn > 0 {
			rs = append(rs, ranked{c, t.Fail, t.Warn})
		}
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		if a.fail != b.fail {
			return b.fail - a.fail
		}
		return b.warn - a.warn
	})
	var out []*checkResults
	for i, r := range rs {
		if i == n {
			break
		}
		out = append(out, r.c)
	}
	return out
}

func firstUpper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// niceStep is a 1, 2 or 5 times a power of ten that cuts max into at most
// about six intervals.
func niceStep(max int) int {
	if max <= 0 {
		return 1
	}
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if max/(m*p) <= 6 {
				return m * p
			}
		}
	}
}

// legendStatuses are the verdicts a chart counts: those with a bar.
func legendStatuses(totals []results.Totals) []results.Status {
	var out []results.Status
	for _, s := range pdfStatuses {
		for _, t := range totals {
			if statusCount(t, s) > 0 {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// chart draws a horizontal stacked bar per label of the verdicts, with a
// legend of every verdict it counts, a value axis and the axis titles.
func (d *pdfDoc) chart(title, axis string, labels []string, totals []results.Totals) {
	n := len(labels)
	rowH := 8.0
	if n > 0 && 120/float64(n) < rowH {
		rowH = 120 / float64(n)
	}
	plotH := rowH * float64(max(n, 1))
	d.need(8 + 7 + 6 + plotH + 14)
	d.text(title, style{size: 11, bold: true, color: black}, marginL, d.y, contentW, "L")
	d.y += 7

	statuses := legendStatuses(totals)
	lx := marginL
	for _, s := range statuses {
		d.fill(statusFill(s), lx, d.y+0.8, 3.2, 3.2)
		st := style{size: 8, color: black}
		d.text(statusHeader(s), st, lx+4.5, d.y, 20, "L")
		lx += 4.5 + d.width(statusHeader(s), st) + 7
	}
	d.y += 7

	const labelW = 45.0
	plotX := marginL + labelW + 3
	plotW := contentW - labelW - 3 - 14
	top := d.y + 5
	d.text(axis, style{size: 8, bold: true, color: grey}, marginL, d.y, labelW, "R")

	maxV := 0
	for _, t := range totals {
		maxV = max(maxV, statusSum(t))
	}
	step := niceStep(maxV)
	axisMax := max(step, (maxV+step-1)/step*step)
	scale := plotW / float64(axisMax)

	tick := style{size: 7, color: grey}
	d.f.SetLineWidth(0.15)
	for v := 0; v <= axisMax; v += step {
		x := plotX + float64(v)*scale
		d.f.SetDrawColor(gridColor.r, gridColor.g, gridColor.b)
		d.f.Line(x, top, x, top+plotH)
		d.text(thousands(v), tick, x-10, top+plotH+1, 20, "C")
	}
	d.f.SetLineWidth(0.3)
	d.f.SetDrawColor(grey.r, grey.g, grey.b)
	d.f.Line(plotX, top, plotX, top+plotH)
	d.f.Line(plotX, top+plotH, plotX+plotW, top+plotH)
	d.f.SetLineWidth(0.2)
	d.text("Checks", style{size: 8, bold: true, color: grey}, plotX, top+plotH+5.5, plotW, "C")

	barH := rowH * 0.68
	labelSt := style{size: math.Min(8, rowH*2.2), color: black}
	for i, t := range totals {
		y := top + float64(i)*rowH
		by := y + (rowH-barH)/2
		d.text(labels[i], labelSt, marginL, y+(rowH-labelSt.lineH())/2, labelW, "R")
		x := plotX
		for _, s := range statuses {
			v := statusCount(t, s)
			if v == 0 {
				continue
			}
			w := float64(v) * scale
			d.fill(statusFill(s), x, by, w, barH)
			vs := style{size: math.Min(7, barH*2.4), bold: true, color: statusText(s)}
			if d.width(thousands(v), vs)+1 < w {
				d.text(thousands(v), vs, x, by+(barH-vs.lineH())/2, w, "C")
			}
			x += w
		}
		tot := style{size: math.Min(7, barH*2.4), color: grey}
		d.text(thousands(statusSum(t)), tot, x+1, by+(barH-tot.lineH())/2, 14, "L")
	}
	d.y = top + plotH + 11
}
