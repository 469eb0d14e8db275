package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/diff"
	"github.com/kubeproof/kubeproof/results"
)

// The PDF of a diff: a short document for a ticket, drawn as the audit's
// PDF is (pdfDoc: its fonts, page breaks, footer, outline, tables and
// status badges). Its first page sums up both reports and counts the
// changes; then come the changes of verdict (regressions first), each
// with the evidence that changed, then the nodes that came or went, then
// the checks that came, went or were restated by the benchmark, in
// tables. A change that several nodes share (a fleet's nodes, built
// alike, change alike) is listed once, with its nodes, and the evidence
// of the first.

// groupNamesMax is how many nodes a change that many share names.
const groupNamesMax = 12

// diffDoc is a diff being drawn.
type diffDoc struct {
	*pdfDoc
	d *diff.Diff
}

// DiffPDF writes the PDF of a diff to w.
func DiffPDF(w io.Writer, d *diff.Diff) error {
	d = safeDiff(d)
	doc, err := newPDF(diffInfo(d))
	if err != nil {
		return fmt.Errorf("pdf diff: %w", err)
	}
	p := &diffDoc{pdfDoc: doc, d: d}
	p.first()
	groups := groupChanges(d)
	for _, k := range diffKinds {
		if !k.table {
			p.changeSection(k.title, k.note, groups[k.kind])
		}
	}
	p.scopesSection()
	for _, k := range diffKinds {
		if k.table {
			p.tableSection(k.title, k.note, groups[k.kind], k.kind == diff.Redefined)
		}
	}
	if err := doc.f.Output(w); err != nil {
		return fmt.Errorf("pdf diff: %w", err)
	}
	return nil
}

// first draws the first page: both reports side by side, the changes
// counted, what regressed, and how changes are told.
func (p *diffDoc) first() {
	d := p.d
	p.newPage()
	p.bookmark("Summary", 0)
	p.titleBlock("What changed between two audits", diffSubject(d))

	t := &table{cols: []tcol{{"", 36, "L"}, {"OLD", 72, "L"}, {"NEW", 72, "L"}}, st: style{size: 8, color: black}}
	p.tableStart(t, "")
	for _, r := range [][3]string{
		{"Report time", reportTime(d.Old.ReportTime), reportTime(d.New.ReportTime)},
		{"Analyzer version", d.Old.AnalyzerVersion, d.New.AnalyzerVersion},
		{"Benchmark", orNone(d.Old.Benchmark), orNone(d.New.Benchmark)},
		{"Nodes", strconv.Itoa(d.Old.Nodes), strconv.Itoa(d.New.Nodes)},
		{"Clusters", strconv.Itoa(d.Old.Clusters), strconv.Itoa(d.New.Clusters)},
		{"Verdicts", totalsLine(d.Old.Totals), totalsLine(d.New.Totals)},
		{"Waivers", waiversLine(d.Old.Waivers), waiversLine(d.New.Waivers)},
	} {
		if r[0] == "Waivers" && !p.waivers() {
			continue
		}
		p.tableRow(t, []tcell{{text: r[0], bold: true}, {text: r[1]}, {text: r[2]}})
	}
	p.tableEnd()
	p.y += 6

	// The counts, as tiles (those of waivers when a side has waivers); a
	// kind without changes in grey.
	c := d.Counts
	var ts []tile
	for _, k := range diffKinds {
		if (k.kind == diff.Waived || k.kind == diff.WaiverEnded) && !p.waivers() {
			continue
		}
		ink := white
		if k.rgb == statusRGB[results.Warn] {
			ink = black
		}
		ts = append(ts, tile{c.Of(k.kind), k.label, kindFill(k.rgb), ink})
	}
	ts = append(ts, tile{c.Unchanged, "unchanged", statusFill(results.NA), white})
	for i := range ts {
		if ts[i].n == 0 {
			ts[i].fill, ts[i].ink = groupBG, grey
		}
	}
	p.tileRow(ts, p.y, 21)
	p.y += 27

	verdict := "Nothing regressed."
	if c.Regressed > 0 {
		nodes, clusters := 0, 0
		for i := range d.Scopes {
			switch s := &d.Scopes[i]; {
			case s.Counts.Regressed == 0:
			case s.Scope == results.ScopeCluster:
				clusters++
			default:
				nodes++
			}
		}
		var on []string
		if nodes > 0 {
			on = append(on, plural(nodes, "node"))
		}
		if clusters > 0 {
			on = append(on, plural(clusters, "cluster"))
		}
		verdict = fmt.Sprintf("%s regressed, on %s.", plural(c.Regressed, "verdict"), strings.Join(on, " and "))
	}
	p.paragraph(verdict, style{size: 11, bold: true, color: black}, marginL, contentW)
	p.y += 1
	p.paragraph(fmt.Sprintf("Nodes and clusters: %d only in NEW, %d only in OLD, %d analyzed against another benchmark.",
		c.NewNodes, c.RemovedNodes, c.BenchmarkChanges), style{size: 9, color: black}, marginL, contentW)
	p.y += 4
	for _, s := range append(diffRules[:len(diffRules):len(diffRules)],
		"A change that several nodes share is listed once, with its nodes and the evidence of the first. The workbook (--format xlsx) and the JSON list every change of every node.") {
		p.paragraph(s, style{size: 8.5, color: grey}, marginL, contentW)
		p.y += 1.5
	}
}

// waivers reports whether either report was made with waivers, or the
// diff has changes of waivers.
func (p *diffDoc) waivers() bool {
	d := p.d
	return d.Old.Waivers != nil || d.New.Waivers != nil || d.Counts.Waived > 0 || d.Counts.WaiverEnded > 0
}

// kindFill is the colour of a kind of change: its status colour, else
// slate.
func kindFill(hex string) rgb {
	if hex == "" {
		return hexRGB("546E7A")
	}
	return hexRGB(hex)
}

// changeGroup is one change that one or more scopes share.
type changeGroup struct {
	change *diff.Change
	scopes []*diff.Scope
}

// groupChanges groups the changes of d by kind, and within a kind the
// changes that are the same but for the node (their evidence aside), in
// order of first appearance.
func groupChanges(d *diff.Diff) map[diff.Kind][]*changeGroup {
	out := map[diff.Kind][]*changeGroup{}
	index := map[string]*changeGroup{}
	side := func(v *diff.Verdict) string {
		if v == nil {
			return "\x00none"
		}
		return strings.Join([]string{v.ID, v.Title, v.Assessment, string(v.Status), v.Expected, v.Observed, v.Reason, v.WaiverNote()}, "\x00")
	}
	for i := range d.Scopes {
		s := &d.Scopes[i]
		for j := range s.Changes {
			c := &s.Changes[j]
			key := strings.Join([]string{string(c.Kind), string(c.Cause), c.Name, c.Target, side(c.Old), side(c.New),
				strings.Join(c.Definition, "\x00")}, "\x01")
			if g, ok := index[key]; ok {
				g.scopes = append(g.scopes, s)
				continue
			}
			g := &changeGroup{change: c, scopes: []*diff.Scope{s}}
			index[key] = g
			out[c.Kind] = append(out[c.Kind], g)
		}
	}
	return out
}

// scopeNames names the scopes of a group: every one up to groupNamesMax,
// else the first ones "and N more".
func (g *changeGroup) scopeNames() string {
	var names []string
	for i, s := range g.scopes {
		if i == groupNamesMax && len(g.scopes) > groupNamesMax+1 {
			names = append(names, fmt.Sprintf("and %s more", thousands(len(g.scopes)-groupNamesMax)))
			break
		}
		names = append(names, s.Label())
	}
	return strings.Join(names, ", ")
}

func (p *diffDoc) changeSection(title, note string, groups []*changeGroup) {
	if len(groups) == 0 {
		return
	}
	p.y += 4
	// The heading stays with its first change.
	first := p.layChange(groups[0])
	p.heading(fmt.Sprintf("%s (%s)", title, thousands(len(groups))), 14, min(first.h, 60)+12)
	p.bookmark(title, 0)
	p.paragraph(note, style{size: 8.5, color: grey}, marginL, contentW)
	p.y += 2
	p.drawChange(first)
	for _, g := range groups[1:] {
		p.drawChange(p.layChange(g))
	}
}

// laidChange is a change laid out, to be drawn.
type laidChange struct {
	g     *changeGroup
	title []line
	rows  []brow
	h     float64
}

// Styles of a change block: as the audit's finding blocks.
var (
	changeTitle = style{size: 8.5, bold: true, color: black}
	changeValue = style{size: 7.5, color: black}
	changeSmall = style{size: 7, color: grey}
)

// layChange lays out one change as a finding block: the verdicts of OLD
// and NEW as badges, the id and title, then labelled rows (nodes, check,
// cause, what the benchmark changed, the expected and observed values,
// the evidence on each side).
func (p *diffDoc) layChange(g *changeGroup) laidChange {
	c := g.change
	label := "Nodes"
	if len(g.scopes) > 1 {
		label = thousands(len(g.scopes)) + " nodes"
	}
	rows := []brow{p.textRow(label, g.scopeNames(), changeValue)}
	if c.Name != "" {
		rows = append(rows, p.textRow("Check", c.Name+" ("+c.Target+")", changeValue))
	} else {
		rows = append(rows, p.textRow("Target", c.Target, changeValue))
	}
	rows = append(rows, p.textRow("Cause", string(c.Cause), changeValue))
	for i, def := range c.Definition {
		rows = append(rows, p.textRow(firstOnly(i, "Benchmark"), def, changeValue))
	}
	switch o, n := c.Old, c.New; {
	case o != nil && n != nil:
		if o.Expected == n.Expected {
			rows = append(rows, p.textRow("Expected", n.Expected, changeValue))
		}
		if o.Observed != n.Observed {
			rows = append(rows, p.badgeRow("Observed", o.Shown(), quoteNothing(o.Observed), changeValue),
				p.badgeRow("", n.Shown(), quoteNothing(n.Observed), changeValue))
		} else {
			rows = append(rows, p.textRow("Observed", quoteNothing(n.Observed), changeValue))
		}
		if n.Reason != "" && n.Reason != o.Reason {
			rows = append(rows, p.textRow("Reason", n.Reason, changeValue))
		}
	case n != nil, o != nil:
		v := n
		if v == nil {
			v = o
		}
		rows = append(rows, p.textRow("Expected", v.Expected, changeValue), p.textRow("Observed", quoteNothing(v.Observed), changeValue))
	}
	if c.Old.WaiverNote() != "" || c.New.WaiverNote() != "" {
		for i, v := range []*diff.Verdict{c.Old, c.New} {
			if v != nil {
				rows = append(rows, p.waiverRow(firstOnly(i, "Waiver"), []string{"OLD", "NEW"}[i], v))
			}
		}
	}
	if len(g.scopes) > 1 && len(c.Evidence) > 0 {
		rows = append(rows, p.textRow("Evidence", "of "+g.scopes[0].Label()+":", changeSmall))
	}
	for _, e := range c.Evidence {
		if e.Old != nil {
			rows = append(rows, p.textRow("OLD", diff.CitationLine(e.Old), changeSmall))
		}
		if e.New != nil {
			rows = append(rows, p.textRow("NEW", diff.CitationLine(e.New), style{size: changeSmall.size, color: black}))
		}
	}

	title := p.layout(changeID(c)+"  "+c.Title(), changeTitle, contentW-(rowValueX-marginL), 3)
	h := float64(len(title))*changeTitle.lineH() + 0.5 + 3.2
	for _, r := range rows {
		for _, l := range r.lines {
			h += l.gap + r.st.lineH()
		}
	}
	return laidChange{g: g, title: title, rows: rows, h: h}
}

// waiverRow is the waiver of one side of a change: in the waived colour
// while it holds, in red once expired.
func (p *diffDoc) waiverRow(label, side string, v *diff.Verdict) brow {
	st := style{size: changeValue.size, color: black}
	note := v.WaiverNote()
	switch {
	case note == "":
		note = "none"
	case v.Waiver.Expired:
		st.bold, st.color = true, statusFill(results.Fail)
	default:
		st.bold, st.color = true, statusFill(results.Waived)
	}
	return p.textRow(label, side+": "+note, st)
}

// drawChange draws a change laid out, on one page if it fits on one.
func (p *diffDoc) drawChange(lc laidChange) {
	c := lc.g.change
	if lc.h < contentBottom-marginT {
		p.need(lc.h)
	} else {
		p.need(float64(len(lc.title))*changeTitle.lineH() + 4*changeValue.lineH() + 2)
	}
	p.bookmark(changeID(c)+" "+c.Title(), 1)
	h := changeTitle.lineH()
	p.verdictBadge(c.Old, marginL, p.y, h)
	p.text("→", changeTitle, marginL+badgeW, p.y, 6, "C")
	p.verdictBadge(c.New, marginL+badgeW+6, p.y, h)
	for _, l := range lc.title {
		p.draw(l, changeTitle, rowValueX, p.y, contentW-(rowValueX-marginL), "L")
		p.y += changeTitle.lineH()
	}
	p.y += 0.5
	p.drawRows(lc.rows, changeID(c)+" "+c.Title()+" (continued)")
	p.y += 1.2
	p.hline(rule, marginL, marginL+contentW, p.y)
	p.y += 2
}

// verdictBadge draws a verdict's status as a badge, or "none" in grey
// for a check the report does not have.
func (p *diffDoc) verdictBadge(v *diff.Verdict, x, y, h float64) {
	if v != nil {
		p.badge(v.Shown(), x, y, badgeW, h)
		return
	}
	st := style{size: 7, bold: true, color: grey}
	p.fill(rule, x, y+0.3, badgeW, h-0.6)
	p.text("none", st, x, y+(h-st.lineH())/2, badgeW, "C")
}

func firstOnly(i int, label string) string {
	if i == 0 {
		return label
	}
	return ""
}

func quoteNothing(s string) string {
	if s == "" {
		return "(nothing)"
	}
	return s
}

// tableSection lists changes in a table, one row per group.
func (p *diffDoc) tableSection(title, note string, groups []*changeGroup, definitions bool) {
	if len(groups) == 0 {
		return
	}
	p.y += 4
	p.heading(fmt.Sprintf("%s (%s)", title, thousands(len(groups))), 14, 30)
	p.bookmark(title, 0)
	p.paragraph(note, style{size: 8.5, color: grey}, marginL, contentW)
	p.y += 2
	t := &table{cols: []tcol{{"ID", 26, "L"}, {"Title", 62, "L"}, {"Verdict", 16, "C"}, {"Cause", 22, "L"}, {"Nodes", 54, "L"}},
		st: style{size: 7.5, color: black}}
	if definitions {
		t.cols = []tcol{{"ID", 26, "L"}, {"Title", 56, "L"}, {"Verdict", 16, "C"}, {"Benchmark change", 40, "L"}, {"Nodes", 42, "L"}}
	}
	p.tableStart(t, title+" (continued)")
	for _, g := range groups {
		c := g.change
		v := c.New
		if v == nil {
			v = c.Old
		}
		fourth := string(c.Cause)
		if definitions {
			fourth = strings.Join(c.Definition, "; ")
		}
		nodes := g.scopeNames()
		if len(g.scopes) > 1 {
			nodes = thousands(len(g.scopes)) + ": " + nodes
		}
		p.tableRow(t, []tcell{{text: changeID(c)}, {text: c.Title()}, {text: string(v.Shown()), status: v.Shown()}, {text: fourth}, {text: nodes}})
	}
	p.tableEnd()
}

// scopesSection lists the nodes and clusters of one report only, and
// those analyzed against another benchmark.
func (p *diffDoc) scopesSection() {
	var rows [][]string
	for i := range p.d.Scopes {
		s := &p.d.Scopes[i]
		switch {
		case s.Presence == diff.NewScope:
			rows = append(rows, []string{s.Label(), "only in NEW", orNone(s.New.Benchmark), scopeSideLine(s.New)})
		case s.Presence == diff.RemovedNode:
			rows = append(rows, []string{s.Label(), "only in OLD", orNone(s.Old.Benchmark), scopeSideLine(s.Old)})
		case s.BenchmarkChanged():
			rows = append(rows, []string{s.Label(), "benchmark changed", orNone(s.Old.Benchmark) + " → " + orNone(s.New.Benchmark), scopeSideLine(s.New)})
		}
	}
	if len(rows) == 0 {
		return
	}
	const title = "Nodes and clusters that came, went or changed benchmark"
	p.y += 4
	p.heading(fmt.Sprintf("%s (%s)", title, thousands(len(rows))), 14, 30)
	p.bookmark("Nodes and clusters", 0)
	p.paragraph("A node only NEW has is new to the audit: its verdicts are its own, not regressions. The verdicts shown are NEW's (OLD's for a node only OLD has).",
		style{size: 8.5, color: grey}, marginL, contentW)
	p.y += 2
	t := &table{cols: []tcol{{"Node or cluster", 50, "L"}, {"In", 28, "L"}, {"Benchmark", 34, "L"}, {"Verdicts", 68, "L"}},
		st: style{size: 7.5, color: black}}
	p.tableStart(t, title+" (continued)")
	for _, r := range rows {
		p.tableRow(t, []tcell{{text: r[0]}, {text: r[1]}, {text: r[2]}, {text: r[3]}})
	}
	p.tableEnd()
}

// scopeSideLine sums up a scope in one report: its Kubernetes version,
// verdicts and collection day.
func scopeSideLine(s diff.ScopeSide) string {
	out := totalsLine(s.Totals)
	if s.KubeVersion != "" {
		out = "Kubernetes " + s.KubeVersion + "; " + out
	}
	if !s.CollectedAt.IsZero() {
		out += "; collected " + s.CollectedAt.UTC().Format(time.DateOnly)
	}
	return out
}
