package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"

	"github.com/kubeproof/kubeproof/diff"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// The PDF of a diff: a short document for a ticket. Its first page sums
// up both reports and counts the changes; then come the regressions, the
// fixes and the other changes of verdict, each with the evidence that
// changed, then the nodes and checks that came or went, then what the
// benchmark states otherwise. A change that several nodes share (a
// fleet's nodes, built alike, change alike) is listed once, with its
// nodes, and the evidence of the first.
//
// It shares only the embedded fonts (fontRegular, fontBold, fontCJK) and
// the status colours with the audit's PDF; its drawing is its own and
// small: text in DejaVu Sans, ideographs in Droid Sans Fallback, wrapped
// at spaces.

// Page geometry in millimetres (A4 portrait).
const (
	dpPageW   = 210.0
	dpPageH   = 297.0
	dpMargin  = 15.0
	dpWidth   = dpPageW - 2*dpMargin
	dpBottom  = dpPageH - 19.0
	dpPtToMM  = 25.4 / 72
	dpGroupOf = 12 // nodes named in a change shared by many
)

type dpColor struct{ r, g, b int }

func dpHex(s string) dpColor {
	v, _ := strconv.ParseUint(s, 16, 32)
	return dpColor{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}
}

var (
	dpInk    = dpColor{0x21, 0x21, 0x21}
	dpGrey   = dpColor{0x75, 0x75, 0x75}
	dpRule   = dpColor{0xd0, 0xd0, 0xd0}
	dpWhite  = dpColor{0xff, 0xff, 0xff}
	dpBand   = dpHex("37474F")
	dpShade  = dpColor{0xec, 0xef, 0xf1}
	dpMissed = dpColor{0xbd, 0xbd, 0xbd} // a status that is not there
)

// dpFont is a face and size.
type dpFont struct {
	bold bool
	size float64 // points
}

func (f dpFont) lineH() float64 { return f.size * dpPtToMM * 1.3 }

// dpRun is text in one face.
type dpRun struct {
	cjk  bool
	text string
	w    float64
}

type dpLine struct {
	runs []dpRun
	w    float64
}

type diffPDF struct {
	f      *gofpdf.Fpdf
	d      *diff.Diff
	y      float64
	footer string
	onPage func() // redraws a broken table's header
	widths map[[2]int32]float64
	// TextHook, set by tests, sees every string drawn.
	textHook func(string)
}

// DiffPDF writes the PDF of a diff to w.
func DiffPDF(w io.Writer, d *diff.Diff) error {
	f := gofpdf.NewCustom(&gofpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	p := &diffPDF{f: f, d: d, widths: map[[2]int32]float64{}, footer: "kubeproof diff · " + diffSubject(d)}
	// The alias must be set before fonts are added, so that gofpdf keeps
	// the digits that replace it in the font subsets.
	f.AliasNbPages("{nb}")
	f.AddUTF8FontFromBytes("dejavu", "", fontRegular)
	f.AddUTF8FontFromBytes("dejavu", "B", fontBold)
	f.AddUTF8FontFromBytes("droidfallback", "", fontCJK)
	f.SetCatalogSort(true)
	t := d.New.ReportTime.UTC()
	f.SetCreationDate(t)
	f.SetModificationDate(t)
	f.SetTitle("CIS Kubernetes Benchmark audit: what changed, "+dpClean(diffSubject(d)), true)
	f.SetSubject(dpClean(diffSubject(d)), true)
	f.SetCreator("kubeproof "+dpClean(d.New.AnalyzerVersion), true)
	f.SetProducer("kubeproof "+dpClean(d.New.AnalyzerVersion), true)
	f.SetMargins(dpMargin, dpMargin, dpMargin)
	f.SetAutoPageBreak(false, 0)
	f.SetFooterFunc(p.drawFooter)
	f.SetLineWidth(0.2)

	p.first()
	groups := dpGroups(d)
	for _, k := range []struct {
		kind  diff.Kind
		title string
		note  string
	}{
		{diff.Regressed, "Regressions", "Checks that fail in NEW and did not in OLD (or were not run), and checks that passed and now need review."},
		{diff.Fixed, "Fixed", "Checks that failed or needed review in OLD and pass in NEW."},
		{diff.Changed, "Other changes of verdict", "Changes that are neither: FAIL → WARN, FAIL → NA, NA → PASS, …"},
	} {
		p.changeSection(k.title, k.note, groups[k.kind])
	}
	p.scopesSection()
	p.tableSection("Checks added", "Checks NEW runs and OLD did not (a failing one is a regression, above).", groups[diff.Added], false)
	p.tableSection("Checks removed", "Checks OLD ran and NEW does not.", groups[diff.Removed], false)
	p.tableSection("Redefined by the benchmark", "The same verdict, but the benchmark states the check otherwise: another id, title, assessment or expectation.", groups[diff.Redefined], true)
	if err := f.Output(w); err != nil {
		return fmt.Errorf("pdf diff: %w", err)
	}
	return nil
}

// dpClean makes untrusted text drawable: escaped as the text formats
// escape it, and only the Basic Multilingual Plane, which is all that
// gofpdf encodes.
func dpClean(s string) string {
	s = display.EscapeLines(s)
	if strings.IndexFunc(s, func(r rune) bool { return r > 0xffff }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r > 0xffff {
			return '\uFFFD'
		}
		return r
	}, s)
}

// ---- text ----

func (p *diffPDF) setFont(cjk, bold bool, size float64) {
	switch {
	case cjk:
		p.f.SetFont("droidfallback", "", size)
	case bold:
		p.f.SetFont("dejavu", "B", size)
	default:
		p.f.SetFont("dejavu", "", size)
	}
}

// runeWidth is the width of r at 1 point, in millimetres.
func (p *diffPDF) runeWidth(r rune, cjk, bold bool) float64 {
	face := int32(0)
	switch {
	case cjk:
		face = 2
	case bold:
		face = 1
	}
	key := [2]int32{face, r}
	if w, ok := p.widths[key]; ok {
		return w
	}
	p.setFont(cjk, bold, 100)
	w := p.f.GetStringWidth(string(r)) / 100
	p.widths[key] = w
	return w
}

// words splits s into the pieces a line may break between: words with
// the spaces after them, each ideograph on its own.
func dpWords(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		switch {
		case isWide(r):
			if start < i {
				out = append(out, s[start:i])
			}
			out = append(out, string(r))
			start = i + utf8.RuneLen(r)
		case r == ' ':
			out = append(out, s[start:i+1])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// layout wraps s (already clean) to width millimetres.
func (p *diffPDF) layout(s string, font dpFont, width float64) []dpLine {
	var lines []dpLine
	for para := range strings.SplitSeq(s, "\n") {
		var cur dpLine
		push := func() {
			lines = append(lines, cur)
			cur = dpLine{}
		}
		add := func(r rune) {
			cjk := isWide(r)
			w := p.runeWidth(r, cjk, font.bold) * font.size
			if n := len(cur.runs); n > 0 && cur.runs[n-1].cjk == cjk {
				cur.runs[n-1].text += string(r)
				cur.runs[n-1].w += w
			} else {
				cur.runs = append(cur.runs, dpRun{cjk: cjk, text: string(r), w: w})
			}
			cur.w += w
		}
		for _, word := range dpWords(para) {
			w := 0.0
			for _, r := range strings.TrimRight(word, " ") {
				w += p.runeWidth(r, isWide(r), font.bold) * font.size
			}
			if cur.w > 0 && cur.w+w > width {
				push()
			}
			for _, r := range word {
				if cur.w > 0 && r != ' ' && cur.w+p.runeWidth(r, isWide(r), font.bold)*font.size > width {
					push() // a word wider than the line
				}
				add(r)
			}
		}
		lines = append(lines, cur)
	}
	return lines
}

// draw sets a line with its top at y.
func (p *diffPDF) draw(l dpLine, font dpFont, c dpColor, x, y float64) {
	baseline := y + font.lineH()/2 + 0.34*font.size*dpPtToMM
	p.f.SetTextColor(c.r, c.g, c.b)
	for _, r := range l.runs {
		if strings.TrimSpace(r.text) != "" {
			p.setFont(r.cjk, font.bold, font.size)
			if p.textHook != nil {
				p.textHook(r.text)
			}
			p.f.Text(x, baseline, r.text)
		}
		x += r.w
	}
}

// text sets s on one line at y, cut to fit w.
func (p *diffPDF) text(s string, font dpFont, c dpColor, x, y, w float64, align string) {
	ls := p.layout(dpClean(strings.ReplaceAll(s, "\n", " ")), font, w)
	if len(ls) == 0 {
		return
	}
	l := ls[0]
	switch align {
	case "C":
		x += (w - l.w) / 2
	case "R":
		x += w - l.w
	}
	p.draw(l, font, c, x, y)
}

// paragraph sets s wrapped to w at x, breaking pages between lines.
func (p *diffPDF) paragraph(s string, font dpFont, c dpColor, x, w float64) {
	for _, l := range p.layout(dpClean(s), font, w) {
		p.need(font.lineH())
		p.draw(l, font, c, x, p.y)
		p.y += font.lineH()
	}
}

func (p *diffPDF) fill(c dpColor, x, y, w, h float64) {
	p.f.SetFillColor(c.r, c.g, c.b)
	p.f.Rect(x, y, w, h, "F")
}

func (p *diffPDF) hline(c dpColor, x1, x2, y float64) {
	p.f.SetDrawColor(c.r, c.g, c.b)
	p.f.Line(x1, y, x2, y)
}

// ---- pages ----

func (p *diffPDF) newPage() {
	p.f.AddPage()
	p.y = dpMargin
	if p.onPage != nil {
		p.onPage()
	}
}

// need starts a new page unless h millimetres fit on this one.
func (p *diffPDF) need(h float64) {
	if p.y+h > dpBottom {
		p.newPage()
	}
}

func (p *diffPDF) drawFooter() {
	y := dpPageH - 13
	p.hline(dpRule, dpMargin, dpPageW-dpMargin, y)
	font := dpFont{size: 7}
	p.text(p.footer, font, dpGrey, dpMargin, y+1.5, dpWidth-32, "L")
	// The total is known only at the end, when gofpdf replaces the alias.
	p.text(fmt.Sprintf("page %d of {nb}", p.f.PageNo()), font, dpGrey, dpPageW-dpMargin-30, y+1.5, 30, "L")
}

func (p *diffPDF) bookmark(s string, level int) {
	p.setFont(false, false, 9)
	if p.textHook != nil {
		p.textHook(dpClean(s))
	}
	p.f.Bookmark(dpClean(s), level, p.y)
}

func (p *diffPDF) heading(s string, size float64, keep float64) {
	font := dpFont{bold: true, size: size}
	ls := p.layout(dpClean(s), font, dpWidth)
	p.need(float64(len(ls))*font.lineH() + 2 + keep)
	for _, l := range ls {
		p.draw(l, font, dpInk, dpMargin, p.y)
		p.y += font.lineH()
	}
	p.y += 2
}

// pill draws a status in its colour, w wide, its top at y.
func (p *diffPDF) pill(s results.Status, x, y, w float64) {
	font := dpFont{bold: true, size: 7.5}
	fill, ink := dpMissed, dpWhite
	if rgb, ok := statusRGB[s]; ok {
		fill = dpHex(rgb)
		if s == results.Warn {
			ink = dpInk
		}
	}
	label := string(s)
	if s == "" {
		label = "none"
	}
	p.fill(fill, x, y, w, font.lineH()+0.6)
	p.text(label, font, ink, x, y+0.3, w, "C")
}

// ---- first page ----

func (p *diffPDF) first() {
	d := p.d
	p.newPage()
	p.bookmark("Summary", 0)
	p.fill(dpBand, 0, 0, dpPageW, 8)
	p.y = 20
	p.paragraph("What changed between two audits", dpFont{bold: true, size: 20}, dpInk, dpMargin, dpWidth)
	p.y += 1
	p.paragraph("CIS Kubernetes Benchmark · kubeproof diff · "+diffSubject(d), dpFont{size: 10}, dpGrey, dpMargin, dpWidth)
	p.y += 6

	// OLD and NEW side by side.
	cols := []dpCol{{"", 40}, {"OLD", 70}, {"NEW", 70}}
	rows := [][]string{
		{"Report time", reportTime(d.Old.ReportTime), reportTime(d.New.ReportTime)},
		{"Analyzer version", d.Old.AnalyzerVersion, d.New.AnalyzerVersion},
		{"Benchmark", dpOrNone(d.Old.Benchmark), dpOrNone(d.New.Benchmark)},
		{"Nodes", strconv.Itoa(d.Old.Nodes), strconv.Itoa(d.New.Nodes)},
		{"Clusters", strconv.Itoa(d.Old.Clusters), strconv.Itoa(d.New.Clusters)},
		{"Verdicts", dpTotals(d.Old.Totals), dpTotals(d.New.Totals)},
	}
	p.table(cols, rows, nil)
	p.y += 6

	// The counts, as tiles.
	c := d.Counts
	tiles := []struct {
		label string
		n     int
		color string
	}{
		{"regressed", c.Regressed, statusRGB[results.Fail]},
		{"fixed", c.Fixed, statusRGB[results.Pass]},
		{"other changes", c.Changed, "546E7A"},
		{"checks added", c.Added, "546E7A"},
		{"checks removed", c.Removed, "546E7A"},
		{"redefined", c.Redefined, "546E7A"},
		{"unchanged", c.Unchanged, "9E9E9E"},
	}
	const gap = 2.0
	w := (dpWidth - gap*float64(len(tiles)-1)) / float64(len(tiles))
	for i, t := range tiles {
		x := dpMargin + float64(i)*(w+gap)
		col := dpHex(t.color)
		if t.n == 0 {
			col = dpShade
		}
		ink := dpWhite
		if t.n == 0 {
			ink = dpGrey
		}
		p.fill(col, x, p.y, w, 17)
		p.text(strconv.Itoa(t.n), dpFont{bold: true, size: 16}, ink, x, p.y+2.5, w, "C")
		p.text(t.label, dpFont{size: 7.5}, ink, x, p.y+11, w, "C")
	}
	p.y += 23
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
	p.paragraph(verdict, dpFont{bold: true, size: 11}, dpInk, dpMargin, dpWidth)
	p.y += 1
	p.paragraph(fmt.Sprintf("Nodes and clusters: %d only in NEW, %d only in OLD, %d analyzed against another benchmark.",
		c.NewNodes, c.RemovedNodes, c.BenchmarkChanges), dpFont{size: 9}, dpInk, dpMargin, dpWidth)
	p.y += 4
	for _, s := range []string{
		"How changes are told: a check that starts failing regressed, whatever it was before (PASS, WARN, INFO, NA, or not run); PASS → WARN regressed too; FAIL or WARN → PASS is fixed. A node only NEW has is listed with its verdicts, not as regressions.",
		"Each change names its cause: the benchmark (it states the check otherwise, or has it and the other does not), the node (same check, other evidence), both, or the analyzer (same statement, same evidence, another verdict). Checks are matched across benchmarks by their name in kubeproof's check library, so a renumbered check is the same check.",
		"A change that several nodes share is listed once, with its nodes and the evidence of the first. The workbook (--format xlsx) and the JSON list every change of every node.",
	} {
		p.paragraph(s, dpFont{size: 8.5}, dpGrey, dpMargin, dpWidth)
		p.y += 1.5
	}
}

// ---- changes ----

// dpGroup is one change that one or more scopes share.
type dpGroup struct {
	change *diff.Change
	scopes []*diff.Scope
}

// dpGroups groups the changes of d by kind, and within a kind the changes
// that are the same but for the node (its evidence aside), in order of
// first appearance.
func dpGroups(d *diff.Diff) map[diff.Kind][]*dpGroup {
	out := map[diff.Kind][]*dpGroup{}
	index := map[string]*dpGroup{}
	side := func(v *diff.Verdict) string {
		if v == nil {
			return "\x00none"
		}
		return strings.Join([]string{v.ID, v.Title, v.Assessment, string(v.Status), v.Expected, v.Observed, v.Reason}, "\x00")
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
			g := &dpGroup{change: c, scopes: []*diff.Scope{s}}
			index[key] = g
			out[c.Kind] = append(out[c.Kind], g)
		}
	}
	return out
}

// scopeNames names the scopes of a group: every one up to dpGroupOf,
// else the first ones "and N more".
func (g *dpGroup) scopeNames() string {
	var names []string
	for i, s := range g.scopes {
		if i == dpGroupOf && len(g.scopes) > dpGroupOf+1 {
			names = append(names, fmt.Sprintf("and %d more", len(g.scopes)-dpGroupOf))
			break
		}
		names = append(names, s.Label())
	}
	return strings.Join(names, ", ")
}

func (g *dpGroup) idText() string {
	c := g.change
	if c.Old != nil && c.New != nil && c.Old.ID != c.New.ID {
		return c.Old.ID + " → " + c.New.ID
	}
	return c.ID()
}

func (p *diffPDF) changeSection(title, note string, groups []*dpGroup) {
	if len(groups) == 0 {
		return
	}
	p.y += 4
	// The heading stays with its first change.
	first := p.change(groups[0])
	p.heading(fmt.Sprintf("%s (%d)", title, len(groups)), 14, min(first.height, 60)+12)
	p.bookmark(title, 0)
	p.paragraph(note, dpFont{size: 8.5}, dpGrey, dpMargin, dpWidth)
	p.y += 2
	first.draw()
	for _, g := range groups[1:] {
		p.change(g).draw()
	}
}

// dpBlock is something laid out, to be drawn.
type dpBlock struct {
	height float64
	draw   func()
}

// dpField is one labelled line of a change.
type dpField struct {
	label, text string
	mono        bool
}

// change lays out one change: its statuses, id and title, then labelled
// lines (nodes, check, cause, what the benchmark changed, expected and
// observed values, the evidence on each side).
func (p *diffPDF) change(g *dpGroup) dpBlock {
	c := g.change
	const pillW, labelW = 13.0, 24.0
	head := dpFont{bold: true, size: 9.5}
	body := dpFont{size: 8.5}
	titleX := dpMargin + 2*pillW + 9
	title := p.layout(dpClean(g.idText()+"  "+c.Title()), head, dpMargin+dpWidth-titleX)

	fields := []dpField{{"Nodes", g.scopeNames(), false}}
	if len(g.scopes) > 1 {
		fields[0].label = fmt.Sprintf("%d nodes", len(g.scopes))
	}
	if c.Name != "" {
		fields = append(fields, dpField{"Check", c.Name + " (" + c.Target + ")", false})
	} else {
		fields = append(fields, dpField{"Target", c.Target, false})
	}
	fields = append(fields, dpField{"Cause", string(c.Cause), false})
	for _, def := range c.Definition {
		fields = append(fields, dpField{"Benchmark", def, false})
	}
	switch {
	case c.Old != nil && c.New != nil:
		if c.Old.Expected == c.New.Expected {
			fields = append(fields, dpField{"Expected", c.New.Expected, false})
		}
		if c.Old.Observed != c.New.Observed {
			fields = append(fields, dpField{"Observed", dpQuote(c.Old.Observed) + " → " + dpQuote(c.New.Observed), false})
		} else {
			fields = append(fields, dpField{"Observed", dpQuote(c.New.Observed), false})
		}
		if c.New.Reason != "" && c.New.Reason != c.Old.Reason {
			fields = append(fields, dpField{"Reason", c.New.Reason, false})
		}
	case c.New != nil:
		fields = append(fields, dpField{"Expected", c.New.Expected, false}, dpField{"Observed", dpQuote(c.New.Observed), false})
	case c.Old != nil:
		fields = append(fields, dpField{"Expected", c.Old.Expected, false}, dpField{"Observed", dpQuote(c.Old.Observed), false})
	}
	evidence := c.Evidence
	if len(g.scopes) > 1 && len(evidence) > 0 {
		fields = append(fields, dpField{"Evidence", "of " + g.scopes[0].Label() + ":", false})
	}
	for _, e := range evidence {
		if e.Old != nil {
			fields = append(fields, dpField{"OLD", dpCitation(e.Old), true})
		}
		if e.New != nil {
			fields = append(fields, dpField{"NEW", dpCitation(e.New), true})
		}
	}

	// Lay it all out, then keep it on one page if it fits on one.
	type laid struct {
		label string
		lines []dpLine
	}
	var laidOut []laid
	h := float64(len(title))*head.lineH() + 1.5
	for _, f := range fields {
		ls := p.layout(dpClean(f.text), body, dpWidth-labelW)
		laidOut = append(laidOut, laid{f.label, ls})
		h += float64(len(ls)) * body.lineH()
	}
	h += 3
	return dpBlock{height: h, draw: func() {
		// Kept on one page if it fits on one.
		if h < dpBottom-dpMargin {
			p.need(h)
		} else {
			p.need(float64(len(title))*head.lineH() + 1.5 + 3*body.lineH())
		}
		p.drawChange(c, title, titleX, pillW)
		for _, f := range laidOut {
			p.drawField(f.label, f.lines, labelW)
		}
		p.y += 1.5
		p.hline(dpRule, dpMargin, dpMargin+dpWidth, p.y)
		p.y += 1.5
	}}
}

func (p *diffPDF) drawChange(c *diff.Change, title []dpLine, titleX, pillW float64) {
	head := dpFont{bold: true, size: 9.5}
	var oldStatus, newStatus results.Status
	if c.Old != nil {
		oldStatus = c.Old.Status
	}
	if c.New != nil {
		newStatus = c.New.Status
	}
	p.pill(oldStatus, dpMargin, p.y, pillW)
	p.text("→", head, dpInk, dpMargin+pillW, p.y, 6, "C")
	p.pill(newStatus, dpMargin+pillW+6, p.y, pillW)
	for _, l := range title {
		p.draw(l, head, dpInk, titleX, p.y)
		p.y += head.lineH()
	}
	p.y += 1.5
}

func (p *diffPDF) drawField(label string, lines []dpLine, labelW float64) {
	body := dpFont{size: 8.5}
	color := dpGrey
	if label == "NEW" {
		color = dpInk
	}
	for i, l := range lines {
		p.need(body.lineH())
		if i == 0 {
			p.text(label, dpFont{bold: true, size: body.size}, color, dpMargin, p.y, labelW-2, "L")
		}
		p.draw(l, body, dpInk, dpMargin+labelW, p.y)
		p.y += body.lineH()
	}
}

func dpCitation(c *results.Citation) string {
	s := fmt.Sprintf("%s @ %s: %s (bundle %s, member sha256:%s)", c.Member, c.Locator, dpQuote(c.Observed),
		c.Bundle.Short(), c.MemberSHA256.Short())
	if c.Unverified {
		s += " UNVERIFIED"
	}
	return s
}

func dpQuote(s string) string {
	if s == "" {
		return "(nothing)"
	}
	return s
}

// ---- tables ----

type dpCol struct {
	name string
	w    float64
}

// table draws rows under a header, each cell wrapped; a row that does not
// fit goes to the next page, under the header again. status, if not nil,
// gives the status of a row's cell to draw as a pill (column, status).
func (p *diffPDF) table(cols []dpCol, rows [][]string, status func(row int) (int, results.Status)) {
	const pad = 1.2
	head := dpFont{bold: true, size: 8}
	body := dpFont{size: 8}
	header := func() {
		h := head.lineH() + 2*pad
		p.fill(dpBand, dpMargin, p.y, dpWidth, h)
		x := dpMargin
		for _, c := range cols {
			p.text(c.name, head, dpWhite, x+pad, p.y+pad, c.w-2*pad, "L")
			x += c.w
		}
		p.y += h
	}
	p.need(head.lineH() + body.lineH() + 4*pad)
	header()
	p.onPage = header
	for i, row := range rows {
		pillCol, pill := -1, results.Status("")
		if status != nil {
			pillCol, pill = status(i)
		}
		cells := make([][]dpLine, len(cols))
		lines := 1
		for j, c := range cols {
			if j == pillCol {
				continue
			}
			cells[j] = p.layout(dpClean(row[j]), body, c.w-2*pad)
			lines = max(lines, len(cells[j]))
		}
		h := float64(lines)*body.lineH() + 2*pad
		p.need(h)
		if i%2 == 1 {
			p.fill(dpShade, dpMargin, p.y, dpWidth, h)
		}
		x := dpMargin
		for j, c := range cols {
			if j == pillCol {
				p.pill(pill, x+pad, p.y+pad, min(13, c.w-2*pad))
			}
			for k, l := range cells[j] {
				p.draw(l, body, dpInk, x+pad, p.y+pad+float64(k)*body.lineH())
			}
			x += c.w
		}
		p.y += h
	}
	p.onPage = nil
}

// tableSection lists changes in a table, one row per group.
func (p *diffPDF) tableSection(title, note string, groups []*dpGroup, definitions bool) {
	if len(groups) == 0 {
		return
	}
	p.y += 4
	p.heading(fmt.Sprintf("%s (%d)", title, len(groups)), 14, 30)
	p.bookmark(title, 0)
	p.paragraph(note, dpFont{size: 8.5}, dpGrey, dpMargin, dpWidth)
	p.y += 2
	cols := []dpCol{{"ID", 26}, {"Title", 62}, {"Verdict", 16}, {"Cause", 22}, {"Nodes", 54}}
	if definitions {
		cols = []dpCol{{"ID", 26}, {"Title", 56}, {"Verdict", 16}, {"Benchmark change", 40}, {"Nodes", 42}}
	}
	var rows [][]string
	var statuses []results.Status
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
			nodes = fmt.Sprintf("%d: %s", len(g.scopes), nodes)
		}
		rows = append(rows, []string{g.idText(), c.Title(), "", fourth, nodes})
		statuses = append(statuses, v.Status)
	}
	p.table(cols, rows, func(i int) (int, results.Status) { return 2, statuses[i] })
}

// scopesSection lists the nodes and clusters of one report only, and
// those analyzed against another benchmark.
func (p *diffPDF) scopesSection() {
	var rows [][]string
	for i := range p.d.Scopes {
		s := &p.d.Scopes[i]
		switch {
		case s.Presence == diff.NewScope:
			rows = append(rows, []string{s.Label(), "only in NEW", dpOrNone(s.New.Benchmark), dpScopeSide(s.New)})
		case s.Presence == diff.RemovedNode:
			rows = append(rows, []string{s.Label(), "only in OLD", dpOrNone(s.Old.Benchmark), dpScopeSide(s.Old)})
		case s.BenchmarkChanged():
			rows = append(rows, []string{s.Label(), "benchmark changed", dpOrNone(s.Old.Benchmark) + " → " + dpOrNone(s.New.Benchmark), dpScopeSide(s.New)})
		}
	}
	if len(rows) == 0 {
		return
	}
	p.y += 4
	p.heading(fmt.Sprintf("Nodes and clusters that came, went or changed benchmark (%d)", len(rows)), 14, 30)
	p.bookmark("Nodes and clusters", 0)
	p.paragraph("A node only NEW has is new to the audit: its verdicts are its own, not regressions. The verdicts shown are NEW's (OLD's for a node only OLD has).",
		dpFont{size: 8.5}, dpGrey, dpMargin, dpWidth)
	p.y += 2
	p.table([]dpCol{{"Node or cluster", 50}, {"In", 28}, {"Benchmark", 34}, {"Verdicts", 68}}, rows, nil)
}

func dpScopeSide(s diff.ScopeSide) string {
	out := dpTotals(s.Totals)
	if s.KubeVersion != "" {
		out = "Kubernetes " + s.KubeVersion + "; " + out
	}
	if !s.CollectedAt.IsZero() {
		out += "; collected " + s.CollectedAt.UTC().Format(time.DateOnly)
	}
	return out
}

func dpTotals(t results.Totals) string {
	var parts []string
	for _, s := range bookStatuses {
		if s == results.Waived && t.Waived == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s\u00a0%d", s, count(t, s)))
	}
	return strings.Join(parts, " · ")
}
