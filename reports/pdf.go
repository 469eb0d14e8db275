package reports

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"

	"github.com/kubeproof/kubeproof/results"
)

// The PDF embeds its fonts so the analyzer needs nothing but its binary:
// DejaVu Sans (regular and bold) for Latin, Greek, Cyrillic and more, and
// Droid Sans Fallback for Chinese, Japanese and Korean. gofpdf subsets
// both, so a report carries only the glyphs it uses. Licences are in
// fonts/.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
	//go:embed fonts/DroidSansFallbackFull.ttf
	fontCJK []byte
)

// face is one embedded font. gofpdf draws a string in one font, and Droid
// Sans Fallback has no Latin letters, so text is laid out in runs, each in
// the first face that has its glyphs.
type face uint8

const (
	faceRegular face = iota
	faceBold
	faceCJK
	numFaces
)

var faces = [numFaces]struct {
	family, style string
	data          *[]byte
}{
	faceRegular: {"dejavu", "", &fontRegular},
	faceBold:    {"dejavu", "B", &fontBold},
	faceCJK:     {"droidfallback", "", &fontCJK},
}

// advances holds a font's advance widths for the Basic Multilingual Plane,
// in thousandths of an em as gofpdf rounds them; -1 marks a missing glyph.
type advances []int16

var fontMetrics struct {
	once sync.Once
	adv  [numFaces]advances
	err  error
}

func metrics() ([numFaces]advances, error) {
	fontMetrics.once.Do(func() {
		for i, f := range faces {
			a, err := parseAdvances(*f.data)
			if err != nil {
				fontMetrics.err = fmt.Errorf("embedded font %s %s: %w", f.family, f.style, err)
				return
			}
			fontMetrics.adv[i] = a
		}
	})
	return fontMetrics.adv, fontMetrics.err
}

var errFont = errors.New("malformed TrueType font")

// parseAdvances reads the cmap, head, hhea and hmtx tables of a TrueType
// font: enough to know which characters it has and how wide they are.
func parseAdvances(ttf []byte) (advances, error) {
	be := binary.BigEndian
	if len(ttf) < 12 {
		return nil, errFont
	}
	tables := map[string][]byte{}
	n := int(be.Uint16(ttf[4:]))
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errFont
		}
		off, size := uint64(be.Uint32(ttf[rec+8:])), uint64(be.Uint32(ttf[rec+12:]))
		if off+size > uint64(len(ttf)) {
			return nil, errFont
		}
		tables[string(ttf[rec:rec+4])] = ttf[off : off+size]
	}
	head, hhea, hmtx, cmap := tables["head"], tables["hhea"], tables["hmtx"], tables["cmap"]
	if len(head) < 20 || len(hhea) < 36 || len(cmap) < 4 {
		return nil, errFont
	}
	upem := float64(be.Uint16(head[18:]))
	nh := int(be.Uint16(hhea[34:]))
	if upem == 0 || nh == 0 || len(hmtx) < 4*nh {
		return nil, errFont
	}
	adv := make(advances, 1<<16)
	for i := range adv {
		adv[i] = -1
	}
	set := func(r, g uint32) {
		if g == 0 || r == 0 || r >= 1<<16 {
			return
		}
		if int(g) >= nh {
			g = uint32(nh - 1)
		}
		adv[r] = int16(math.Round(float64(be.Uint16(hmtx[4*g:])) * 1000 / upem))
	}
	// Prefer the full Unicode subtable (3,10 format 12), else the BMP one.
	var sub []byte
	var subFormat uint16
	for i := 0; i < int(be.Uint16(cmap[2:])); i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return nil, errFont
		}
		platform, encoding, off := be.Uint16(cmap[rec:]), be.Uint16(cmap[rec+2:]), be.Uint32(cmap[rec+4:])
		if uint64(off)+4 > uint64(len(cmap)) {
			return nil, errFont
		}
		format := be.Uint16(cmap[off:])
		if (platform == 3 && (encoding == 1 || encoding == 10) || platform == 0) && (format == 4 || format == 12) {
			if sub == nil || format == 12 && subFormat == 4 {
				sub, subFormat = cmap[off:], format
			}
		}
	}
	switch {
	case sub == nil:
		return nil, fmt.Errorf("%w: no Unicode cmap", errFont)
	case subFormat == 12:
		if len(sub) < 16 {
			return nil, errFont
		}
		groups := int(be.Uint32(sub[12:]))
		if 16+12*groups > len(sub) {
			return nil, errFont
		}
		for i := 0; i < groups; i++ {
			g := sub[16+12*i:]
			start, end, glyph := be.Uint32(g), be.Uint32(g[4:]), be.Uint32(g[8:])
			for r := start; r <= end && r < 1<<16; r++ {
				set(r, glyph+r-start)
			}
		}
	default: // format 4
		if len(sub) < 14 {
			return nil, errFont
		}
		segs := int(be.Uint16(sub[6:])) / 2
		ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
		if ranges+2*segs > len(sub) {
			return nil, errFont
		}
		for s := 0; s < segs; s++ {
			start, end := uint32(be.Uint16(sub[starts+2*s:])), uint32(be.Uint16(sub[ends+2*s:]))
			delta, ro := uint32(be.Uint16(sub[deltas+2*s:])), int(be.Uint16(sub[ranges+2*s:]))
			for r := start; r <= end && r < 0xFFFF; r++ {
				if ro == 0 {
					set(r, (r+delta)&0xFFFF)
					continue
				}
				at := ranges + 2*s + ro + 2*int(r-start)
				if at+2 > len(sub) {
					return nil, errFont
				}
				if g := uint32(be.Uint16(sub[at:])); g != 0 {
					set(r, (g+delta)&0xFFFF)
				}
			}
		}
	}
	return adv, nil
}

// Page geometry, in millimetres (A4 portrait).
const (
	pageW, pageH  = 210.0, 297.0
	marginL       = 15.0
	marginR       = 15.0
	marginT       = 15.0
	contentW      = pageW - marginL - marginR
	contentBottom = pageH - 19.0
	ptToMM        = 25.4 / 72
)

type rgb struct{ r, g, b int }

func hexRGB(s string) rgb {
	v, _ := strconv.ParseUint(s, 16, 32)
	return rgb{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}
}

var (
	black     = rgb{0x21, 0x21, 0x21}
	white     = rgb{0xff, 0xff, 0xff}
	grey      = rgb{0x75, 0x75, 0x75}
	rule      = rgb{0xd0, 0xd0, 0xd0}
	headerBG  = hexRGB("37474F")
	groupBG   = rgb{0xec, 0xef, 0xf1}
	gridColor = rgb{0xe0, 0xe0, 0xe0}
)

func statusFill(s results.Status) rgb { return hexRGB(statusRGB[s]) }

// statusText is the text colour on a status fill.
func statusText(s results.Status) rgb {
	if s == results.Warn {
		return black
	}
	return white
}

// style is how a piece of text is set.
type style struct {
	size  float64 // points
	bold  bool
	color rgb
}

func (s style) lineH() float64 { return s.size * ptToMM * 1.32 }

// run is text in one face; line is a laid-out line of runs.
type run struct {
	face face
	text string
	w    float64 // mm
}

type line struct {
	runs []run
	w    float64
}

type glyph struct {
	r    rune
	face face
	w    float64 // mm
}

// pdfTextHook, set by tests, sees every string the PDF draws as text or
// as a bookmark, as the PDF holds it.
var pdfTextHook func(string)

// pdfDoc is one report being drawn. Positions are absolute; y is where the
// next thing goes. Page breaks are explicit, so nothing is ever drawn past
// the footer.
type pdfDoc struct {
	f      *gofpdf.Fpdf
	rep    *results.Report
	id     string
	adv    [numFaces]advances
	y      float64
	font   face
	size   float64
	onPage func() // redraws a broken table's caption and header

	layouts  map[layoutKey][]line
	remedies map[string]remedy // by target and check id
}

// Levels of PDFOptions.Detail: how much per-node detail the PDF's
// appendix holds.
const (
	PDFDetailNone     = "none"     // the fleet view and findings only
	PDFDetailFailures = "failures" // and each node's FAIL and WARN with evidence
	PDFDetailAll      = "all"      // and the citations of every verdict
)

// PDFOptions shape the PDF report.
type PDFOptions struct {
	// Detail is one of PDFDetailNone, PDFDetailFailures (the default,
	// also for "") and PDFDetailAll.
	Detail string
}

// PDF writes the PDF report of rep to w, with the default options.
func PDF(w io.Writer, rep *results.Report) error {
	return PDFWith(w, rep, PDFOptions{})
}

// PDFWith writes the PDF report of rep to w.
func PDFWith(w io.Writer, rep *results.Report, opts PDFOptions) error {
	rep = safeReport(rep)
	adv, err := metrics()
	if err != nil {
		return fmt.Errorf("pdf report: %w", err)
	}
	f := gofpdf.NewCustom(&gofpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	d := &pdfDoc{f: f, rep: rep, id: ReportID(rep), adv: adv, font: numFaces, remedies: map[string]remedy{}}
	// The alias must be set before fonts are added, so that gofpdf keeps
	// the digits that replace it in the font subsets.
	f.AliasNbPages("{nb}")
	for _, fc := range faces {
		f.AddUTF8FontFromBytes(fc.family, fc.style, *fc.data)
	}
	f.SetCatalogSort(true)
	f.SetCreationDate(rep.ReportTime.UTC())
	f.SetModificationDate(rep.ReportTime.UTC())
	f.SetTitle("CIS Kubernetes Benchmark audit: "+rep.BenchmarkNames(), true)
	f.SetSubject(fmt.Sprintf("%s, %s, report %s", rep.BenchmarkNames(), scope(rep), d.id), true)
	f.SetCreator("kubeproof "+rep.AnalyzerVersion, true)
	f.SetProducer("kubeproof "+rep.AnalyzerVersion, true)
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(false, 0)
	f.SetFooterFunc(d.footer)
	f.SetLineWidth(0.2)

	d.cover()
	d.summary()
	d.results()
	d.findings()
	d.appendix()
	if err := f.Output(w); err != nil {
		return fmt.Errorf("pdf report: %w", err)
	}
	return nil
}

// clean makes untrusted text drawable: valid UTF-8, no control
// characters (bidirectional ones included, as in the workbook), and only
// the Basic Multilingual Plane, which is all that gofpdf encodes.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r < 0x20 && r != '\n' || r >= 0x7f && r < 0xa0 || r > 0xffff || r == utf8.RuneError || bidiControl(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r == '\n':
			return r
		case r < 0x20 || r >= 0x7f && r < 0xa0 || r > 0xffff || bidiControl(r):
			return '\uFFFD'
		}
		return r
	}, s)
}

// shape picks a face and width for every character of s.
func (d *pdfDoc) shape(s string, st style) []glyph {
	primary := faceRegular
	if st.bold {
		primary = faceBold
	}
	scale := st.size * ptToMM / 1000
	gs := make([]glyph, 0, len(s))
	for _, r := range s {
		f := primary
		w := d.adv[f][r]
		if w < 0 {
			if cw := d.adv[faceCJK][r]; cw >= 0 {
				f, w = faceCJK, cw
			} else {
				r, w = '\uFFFD', d.adv[f]['\uFFFD']
				if w < 0 {
					r, w = '?', d.adv[f]['?']
				}
			}
		}
		gs = append(gs, glyph{r: r, face: f, w: float64(w) * scale})
	}
	return gs
}

func isIdeograph(r rune) bool {
	return r >= 0x2e80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef)
}

// breakAfter lists the characters after which a long line may break
// besides spaces: command lines and paths have few spaces.
func breakAfter(r rune) bool {
	switch r {
	case ' ', ',', '/', ';', '|', '&', '=':
		return true
	}
	return false
}

// layout wraps s to width, at spaces and punctuation, around ideographs,
// and inside a word only when a word is wider than the line. With
// maxLines > 0 the text is cut to that many lines, the cut marked with "…".
func (d *pdfDoc) layout(s string, st style, width float64, maxLines int) []line {
	// A cluster repeats the same titles and remediations on every node.
	key := layoutKey{s, st.size, st.bold, width, maxLines}
	if ls, ok := d.layouts[key]; ok {
		return ls
	}
	ls := d.layoutNew(s, st, width, maxLines)
	if d.layouts == nil {
		d.layouts = map[layoutKey][]line{}
	}
	if len(d.layouts) < 20000 {
		d.layouts[key] = ls
	}
	return ls
}

type layoutKey struct {
	s        string
	size     float64
	bold     bool
	width    float64
	maxLines int
}

func (d *pdfDoc) layoutNew(s string, st style, width float64, maxLines int) []line {
	var lines [][]glyph
	for _, para := range strings.Split(clean(s), "\n") {
		lines = wrap(lines, d.shape(para, st), width)
		if maxLines > 0 && len(lines) > maxLines {
			break
		}
	}
	if maxLines > 0 && len(lines) > maxLines {
		lines = lines[:maxLines]
		gs := lines[maxLines-1]
		ell := d.shape("…", st)[0]
		w := ell.w
		for _, g := range gs {
			w += g.w
		}
		for len(gs) > 0 && w > width {
			w -= gs[len(gs)-1].w
			gs = gs[:len(gs)-1]
		}
		lines[maxLines-1] = append(gs, ell)
	}
	out := make([]line, len(lines))
	for i, gs := range lines {
		out[i] = toLine(gs)
	}
	return out
}

func wrap(lines [][]glyph, gs []glyph, width float64) [][]glyph {
	if len(gs) == 0 {
		return append(lines, nil)
	}
	var cur []glyph
	curW := 0.0
	emit := func() {
		for len(cur) > 0 && cur[len(cur)-1].r == ' ' {
			cur = cur[:len(cur)-1]
		}
		lines = append(lines, cur)
		cur, curW = nil, 0
	}
	for i := 0; i < len(gs); {
		// The next token runs to a break opportunity.
		j := i + 1
		if !isIdeograph(gs[i].r) && !breakAfter(gs[i].r) {
			for j < len(gs) && !isIdeograph(gs[j].r) && !breakAfter(gs[j-1].r) {
				j++
			}
		}
		for j < len(gs) && gs[j].r == ' ' {
			j++
		}
		tok := gs[i:j:j]
		i = j
		w, trimmed := 0.0, 0.0
		for _, g := range tok {
			w += g.w
			if g.r != ' ' {
				trimmed = w
			}
		}
		if curW+trimmed <= width {
			cur, curW = append(cur, tok...), curW+w
			continue
		}
		if len(cur) > 0 {
			emit()
		}
		if trimmed <= width {
			cur, curW = append(cur, tok...), w
			continue
		}
		for _, g := range tok {
			if curW+g.w > width && len(cur) > 0 {
				emit()
			}
			cur, curW = append(cur, g), curW+g.w
		}
	}
	if len(cur) > 0 {
		emit()
	}
	return lines
}

func toLine(gs []glyph) line {
	var l line
	var b strings.Builder
	for i, g := range gs {
		if i == 0 || g.face != gs[i-1].face {
			if i > 0 {
				l.runs[len(l.runs)-1].text = b.String()
				b.Reset()
			}
			l.runs = append(l.runs, run{face: g.face})
		}
		b.WriteRune(g.r)
		l.runs[len(l.runs)-1].w += g.w
		l.w += g.w
	}
	if len(l.runs) > 0 {
		l.runs[len(l.runs)-1].text = b.String()
	}
	return l
}

// width of s on one line.
func (d *pdfDoc) width(s string, st style) float64 {
	w := 0.0
	for _, g := range d.shape(clean(s), st) {
		w += g.w
	}
	return w
}

func (d *pdfDoc) setFont(f face, size float64) {
	if f == d.font && size == d.size {
		return
	}
	d.font, d.size = f, size
	d.f.SetFont(faces[f].family, faces[f].style, size)
}

// draw sets one line with its top at y, aligned "L", "C" or "R" in [x, x+w].
func (d *pdfDoc) draw(l line, st style, x, y, w float64, align string) {
	switch align {
	case "C":
		x += (w - l.w) / 2
	case "R":
		x += w - l.w
	}
	baseline := y + st.lineH()/2 + 0.34*st.size*ptToMM
	d.f.SetTextColor(st.color.r, st.color.g, st.color.b)
	for _, r := range l.runs {
		if strings.TrimSpace(r.text) != "" {
			d.setFont(r.face, st.size)
			if pdfTextHook != nil {
				pdfTextHook(r.text)
			}
			d.f.Text(x, baseline, r.text)
		}
		x += r.w
	}
}

// text sets s on one line, cut with "…" if it is wider than w.
func (d *pdfDoc) text(s string, st style, x, y, w float64, align string) {
	ls := d.layout(strings.ReplaceAll(s, "\n", " "), st, w, 1)
	if len(ls) > 0 {
		d.draw(ls[0], st, x, y, w, align)
	}
}

func (d *pdfDoc) fill(c rgb, x, y, w, h float64) {
	d.f.SetFillColor(c.r, c.g, c.b)
	d.f.Rect(x, y, w, h, "F")
}

func (d *pdfDoc) hline(c rgb, x1, x2, y float64) {
	d.f.SetDrawColor(c.r, c.g, c.b)
	d.f.Line(x1, y, x2, y)
}

func (d *pdfDoc) newPage() {
	d.f.AddPage()
	d.font = numFaces // gofpdf re-selects its font on a new page
	d.y = marginT
	if d.onPage != nil {
		d.onPage()
	}
}

// need starts a new page unless h millimetres fit on this one.
func (d *pdfDoc) need(h float64) {
	if d.y+h > contentBottom {
		d.newPage()
	}
}

func (d *pdfDoc) footer() {
	y := pageH - 13
	d.hline(rule, marginL, pageW-marginR, y)
	st := style{size: 7, color: grey}
	d.text("kubeproof · "+d.rep.BenchmarkNames()+" · report "+d.id, st, marginL, y+1.5, contentW-32, "L")
	// The total is only known at the end: gofpdf replaces the alias then,
	// so this text is set left-aligned in a box wide enough for it.
	d.text(fmt.Sprintf("page %d of {nb}", d.f.PageNo()), st, pageW-marginR-30, y+1.5, 30, "L")
	d.font = numFaces
}

// paragraph sets s wrapped to w at x, breaking pages between lines.
func (d *pdfDoc) paragraph(s string, st style, x, w float64) {
	for _, l := range d.layout(s, st, w, 0) {
		d.need(st.lineH())
		d.draw(l, st, x, d.y, w, "L")
		d.y += st.lineH()
	}
}

func (d *pdfDoc) heading(s string, size float64, keep float64) {
	st := style{size: size, bold: true, color: black}
	ls := d.layout(s, st, contentW, 3)
	h := float64(len(ls))*st.lineH() + 1.5
	d.need(h + keep)
	for _, l := range ls {
		d.draw(l, st, marginL, d.y, contentW, "L")
		d.y += st.lineH()
	}
	d.y += 1.5
}

func (d *pdfDoc) bookmark(s string, level int) {
	if d.font == numFaces {
		d.setFont(faceRegular, 9)
	}
	if pdfTextHook != nil {
		pdfTextHook(clean(s))
	}
	d.f.Bookmark(clean(s), level, d.y)
}

// ---- cover ----

func (d *pdfDoc) cover() {
	rep := d.rep
	d.newPage()
	d.bookmark("Cover", 0)
	d.fill(headerBG, 0, 0, pageW, 8)
	d.y = 50
	d.text("CIS Kubernetes Benchmark audit", style{size: 24, bold: true, color: black}, marginL, d.y, contentW, "L")
	d.y += 13
	d.text(rep.BenchmarkNames(), style{size: 14, color: grey}, marginL, d.y, contentW, "L")
	d.y += 16

	nodes := make([]string, 0, len(rep.Nodes))
	for _, n := range rep.Nodes {
		nodes = append(nodes, n.Node)
	}
	nodeList := strings.Join(nodes, ", ")
	if len(nodes) > 12 {
		nodeList = strings.Join(nodes[:12], ", ") + fmt.Sprintf(" and %d more", len(nodes)-12)
	}
	rows := [][2]string{
		{"Benchmark", benchmarksText(rep)},
		{"Scope", scope(rep)},
		{"Bundles", signatureSummary(rep)},
		{"Nodes", nodeList},
		{"Targets", targetsText(rep)},
		{"Report date", reportTime(rep.ReportTime)},
		{"Analyzer version", rep.AnalyzerVersion},
		{"Report ID", d.id},
	}
	label, value := style{size: 10, bold: true, color: grey}, style{size: 10, color: black}
	for _, r := range rows {
		ls := d.layout(r[1], value, contentW-45, 4)
		d.text(r[0], label, marginL, d.y, 45, "L")
		for _, l := range ls {
			d.draw(l, value, marginL+45, d.y, contentW-45, "L")
			d.y += value.lineH()
		}
		d.y += 1.5
	}
	for _, nt := range notices(rep) {
		d.noticeBox(nt)
	}
	d.failureBox()

	d.y += 10
	d.text("Verdicts", style{size: 12, bold: true, color: black}, marginL, d.y, contentW, "L")
	d.y += 8
	d.tiles(rep.Totals, d.y)
	d.y += 30

	note := "This report was produced offline from evidence bundles collected on each node. Every verdict " +
		"cites the bundle member and the value it was read from; bundle digests are listed in the appendix. " +
		"The report ID is derived from the bundles, benchmark, analyzer version, report time, targets, check selection and how each bundle verified: " +
		"the same inputs always give the same report."
	d.paragraph(note, style{size: 9, color: grey}, marginL, contentW)
}

// failureBox draws, on the cover, a red box saying which bundles failed
// verification and were analyzed anyway.
func (d *pdfDoc) failureBox() {
	failed := failedBundles(d.rep)
	if len(failed) == 0 {
		return
	}
	const pad = 3.5
	head := style{size: 10, bold: true, color: white}
	body := style{size: 8.5, color: white}
	lines := d.layout("VERIFICATION FAILED", head, contentW-2*pad, 1)
	msg := d.layout(failureWarning(d.rep, len(failed)), body, contentW-2*pad, 5)
	var items []line
	for i, b := range failed {
		if i == 4 {
			items = append(items, d.layout(fmt.Sprintf("… and %d more: see the appendix", len(failed)-4), body, contentW-2*pad, 1)...)
			break
		}
		items = append(items, d.layout("• "+b.Host.Hostname+" ("+b.File+"): "+b.Verification, body, contentW-2*pad, 2)...)
	}
	h := 2*pad + head.lineH() + 1 + float64(len(msg)+len(items))*body.lineH()
	d.y += 6
	d.fill(statusFill(results.Fail), marginL, d.y, contentW, h)
	y := d.y + pad
	d.draw(lines[0], head, marginL+pad, y, contentW-2*pad, "L")
	y += head.lineH() + 1
	for _, l := range append(msg, items...) {
		d.draw(l, body, marginL+pad, y, contentW-2*pad, "L")
		y += body.lineH()
	}
	d.y += h
}

// noticeBox draws, on the cover, a box with a notice (notices): red when
// nodes are missing from the report, amber otherwise.
func (d *pdfDoc) noticeBox(nt notice) {
	const pad = 3.5
	head := style{size: 10, bold: true, color: white}
	body := style{size: 8.5, color: white}
	fill := statusFill(results.Fail)
	if !nt.alert {
		head.color, body.color = black, black
		fill = statusFill(results.Warn)
	}
	title := d.layout(nt.title, head, contentW-2*pad, 1)
	lines := d.layout(nt.text, body, contentW-2*pad, 6)
	for i, it := range nt.items {
		if i == 4 {
			lines = append(lines, d.layout(fmt.Sprintf("… and %d more: see the text or JSON report", len(nt.items)-4), body, contentW-2*pad, 1)...)
			break
		}
		lines = append(lines, d.layout("• "+it, body, contentW-2*pad, 2)...)
	}
	h := 2*pad + head.lineH() + 1 + float64(len(lines))*body.lineH()
	d.y += 6
	d.fill(fill, marginL, d.y, contentW, h)
	y := d.y + pad
	d.draw(title[0], head, marginL+pad, y, contentW-2*pad, "L")
	y += head.lineH() + 1
	for _, l := range lines {
		d.draw(l, body, marginL+pad, y, contentW-2*pad, "L")
		y += body.lineH()
	}
	d.y += h
}

// tiles draws one coloured box per verdict with its count.
func (d *pdfDoc) tiles(t results.Totals, y float64) {
	const gap = 3.0
	w := (contentW - gap*float64(len(allStatuses)-1)) / float64(len(allStatuses))
	for i, s := range allStatuses {
		x := marginL + float64(i)*(w+gap)
		d.fill(statusFill(s), x, y, w, 22)
		c := statusText(s)
		d.text(strconv.Itoa(count(t, s)), style{size: 20, bold: true, color: c}, x, y+3, w, "C")
		d.text(string(s), style{size: 9, bold: true, color: c}, x, y+14, w, "C")
	}
}

// ---- executive summary ----

func (d *pdfDoc) summary() {
	rep := d.rep
	d.newPage()
	d.bookmark("Executive summary", 0)
	d.heading("Executive summary", 16, 0)
	t := rep.Totals
	d.paragraph(fmt.Sprintf("%s audited against %s: %d checks passed, %d failed, %d need review (WARN), %d are informational and %d do not apply. %s.",
		firstUpper(scope(rep)), rep.BenchmarkNames(), t.Pass, t.Fail, t.Warn, t.Info, t.NA, firstUpper(signatureSummary(rep))), style{size: 9.5, color: black}, marginL, contentW)
	d.y += 4

	type bar struct {
		label  string
		totals results.Totals
	}
	var bars []bar
	what := "node"
	if len(rep.Nodes) <= chartNodeLimit {
		for _, n := range rep.Nodes {
			bars = append(bars, bar{n.Node, n.Totals})
		}
	} else {
		what = "target"
		for _, tt := range targetTotals(rep) {
			bars = append(bars, bar{tt.Section.Target, tt.Totals})
		}
	}
	title := "Verdicts per " + what
	if what == "target" {
		title += fmt.Sprintf(" (%d nodes)", len(rep.Nodes))
	}
	labels := make([]string, len(bars))
	totals := make([]results.Totals, len(bars))
	for i, b := range bars {
		labels[i], totals[i] = b.label, b.totals
	}
	if len(bars) > 0 {
		d.chart(title, strings.ToUpper(what[:1])+what[1:], labels, totals)
	}

	d.y += 6
	d.heading("Verdicts per target", 12, 12)
	cols := []tcol{{"Target", 22, "L"}, {"Section", 68, "L"}, {"Nodes", 15, "R"}}
	for _, s := range allStatuses {
		cols = append(cols, tcol{string(s), 15, "R"})
	}
	tb := &table{cols: cols, st: style{size: 8, color: black}}
	d.tableStart(tb, "")
	for _, tt := range targetTotals(rep) {
		cells := []tcell{{text: tt.Section.Target}, {text: tt.Section.ID + " " + tt.Section.Title}, {text: strconv.Itoa(tt.Nodes)}}
		d.tableRow(tb, append(cells, countCells(tt.Totals)...))
	}
	d.tableRow(tb, append([]tcell{{text: "Cluster", bold: true}, {}, {text: strconv.Itoa(len(rep.Nodes)), bold: true}}, countCells(rep.Totals)...))
	d.tableEnd()

	d.y += 6
	d.heading("Verdicts per node", 12, 12)
	cols = []tcol{{"Node", 55, "L"}, {"Roles", 35, "L"}, {"Total", 15, "R"}}
	for _, s := range allStatuses {
		cols = append(cols, tcol{string(s), 15, "R"})
	}
	tb = &table{cols: cols, st: style{size: 8, color: black}}
	d.tableStart(tb, "Verdicts per node (continued)")
	for _, n := range rep.Scopes() {
		roles := strings.Join(n.Bundle.Host.Roles, ", ")
		if n.IsCluster() {
			roles = "cluster: policies"
		}
		cells := []tcell{{text: n.Node}, {text: roles}, {text: strconv.Itoa(sum(n.Totals))}}
		d.tableRow(tb, append(cells, countCells(n.Totals)...))
	}
	d.tableEnd()
}

func firstUpper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// countCells are the five verdict counts of a totals row; non-zero
// failures and warnings stand out in their colour.
func countCells(t results.Totals) []tcell {
	var cs []tcell
	for _, s := range allStatuses {
		c := tcell{text: strconv.Itoa(count(t, s))}
		if (s == results.Fail || s == results.Warn) && count(t, s) > 0 {
			c.bold = true
			col := statusFill(s)
			if s == results.Warn {
				col = rgb{0xb2, 0x6a, 0x00}
			}
			c.color = &col
		}
		cs = append(cs, c)
	}
	return cs
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

// chart draws a horizontal stacked bar per label of the PASS, FAIL, WARN
// and INFO counts, with a legend, a value axis and the axis titles.
func (d *pdfDoc) chart(title, axis string, labels []string, totals []results.Totals) {
	n := len(labels)
	rowH := 8.0
	if n > 0 && 150/float64(n) < rowH {
		rowH = 150 / float64(n)
	}
	plotH := rowH * float64(max(n, 1))
	d.need(8 + 7 + 6 + plotH + 14)
	d.text(title, style{size: 11, bold: true, color: black}, marginL, d.y, contentW, "L")
	d.y += 7

	// Legend.
	lx := marginL
	for _, s := range chartStatuses {
		d.fill(statusFill(s), lx, d.y+0.8, 3.2, 3.2)
		st := style{size: 8, color: black}
		d.text(string(s), st, lx+4.5, d.y, 20, "L")
		lx += 4.5 + d.width(string(s), st) + 7
	}
	d.y += 7

	const labelW = 45.0
	plotX := marginL + labelW + 3
	plotW := contentW - labelW - 3 - 12
	top := d.y + 5
	d.text(axis, style{size: 8, bold: true, color: grey}, marginL, d.y, labelW, "R")

	maxV := 0
	for _, t := range totals {
		maxV = max(maxV, t.Pass+t.Fail+t.Warn+t.Info)
	}
	step := niceStep(maxV)
	axisMax := max(step, (maxV+step-1)/step*step)
	scale := plotW / float64(axisMax)

	// Grid and value axis.
	tick := style{size: 7, color: grey}
	d.f.SetLineWidth(0.15)
	for v := 0; v <= axisMax; v += step {
		x := plotX + float64(v)*scale
		d.f.SetDrawColor(gridColor.r, gridColor.g, gridColor.b)
		d.f.Line(x, top, x, top+plotH)
		d.text(strconv.Itoa(v), tick, x-10, top+plotH+1, 20, "C")
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
		for _, s := range chartStatuses {
			v := count(t, s)
			if v == 0 {
				continue
			}
			w := float64(v) * scale
			d.fill(statusFill(s), x, by, w, barH)
			vs := style{size: math.Min(7, barH*2.4), bold: true, color: statusText(s)}
			if d.width(strconv.Itoa(v), vs)+1 < w {
				d.text(strconv.Itoa(v), vs, x, by+(barH-vs.lineH())/2, w, "C")
			}
			x += w
		}
		tot := style{size: math.Min(7, barH*2.4), color: grey}
		d.text(strconv.Itoa(t.Pass+t.Fail+t.Warn+t.Info), tot, x+1, by+(barH-tot.lineH())/2, 14, "L")
	}
	d.y = top + plotH + 11
}

// ---- tables ----

type tcol struct {
	title string
	w     float64
	align string
}

type tcell struct {
	text   string
	bold   bool
	size   float64 // 0: the table's
	color  *rgb
	status results.Status // non-empty: a coloured status badge
}

type table struct {
	cols []tcol
	st   style
	pad  float64 // cell padding; 0: cellPad
}

const cellPad = 1.2

func (t *table) padding() float64 {
	if t.pad > 0 {
		return t.pad
	}
	return cellPad
}

// tableStart draws the header and arranges for it to be drawn again, under
// caption, on every page the table continues on.
func (d *pdfDoc) tableStart(t *table, caption string) {
	hs := style{size: t.st.size, bold: true, color: white}
	cellPad := t.padding()
	header := func() {
		h := hs.lineH() + 2*cellPad
		x := marginL
		d.fill(headerBG, marginL, d.y, contentW, h)
		for _, c := range t.cols {
			d.text(c.title, hs, x+cellPad, d.y+cellPad, c.w-2*cellPad, c.align)
			x += c.w
		}
		d.y += h
	}
	d.need(2 * (hs.lineH() + 2*cellPad))
	header()
	d.onPage = func() {
		if caption != "" {
			d.text(caption, style{size: 8, color: grey}, marginL, d.y, contentW, "L")
			d.y += style{size: 8}.lineH() + 1
		}
		header()
	}
}

func (d *pdfDoc) tableEnd() { d.onPage = nil }

// tableRow draws one row, on the next page (with the header again) if it
// does not fit on this one. Cells wrap; a cell too long for a page is cut.
func (d *pdfDoc) tableRow(t *table, cells []tcell) {
	cellPad := t.padding()
	maxLines := int((contentBottom - marginT - 20) / t.st.lineH())
	type laid struct {
		lines []line
		st    style
	}
	lay := make([]laid, len(cells))
	h := 0.0
	for i, c := range cells {
		st := t.st
		if c.size > 0 {
			st.size = c.size
		}
		st.bold = c.bold || c.status != ""
		if c.color != nil {
			st.color = *c.color
		}
		if c.status != "" {
			st.color = statusText(c.status)
		}
		ls := d.layout(c.text, st, t.cols[i].w-2*cellPad, maxLines)
		lay[i] = laid{ls, st}
		h = math.Max(h, float64(len(ls))*st.lineH())
	}
	h += 2 * cellPad
	d.need(h)
	x := marginL
	for i, c := range cells {
		col := t.cols[i]
		if c.status != "" {
			// A badge as high as one line, level with the row's first line.
			d.fill(statusFill(c.status), x+0.6, d.y+0.6, col.w-1.2, lay[i].st.lineH()+2*cellPad-1.2)
		}
		y := d.y + cellPad
		for _, l := range lay[i].lines {
			d.draw(l, lay[i].st, x+cellPad, y, col.w-2*cellPad, col.align)
			y += lay[i].st.lineH()
		}
		x += col.w
	}
	d.y += h
	d.hline(rule, marginL, marginL+contentW, d.y)
}

// tableSpan draws a row across the table: a group heading.
func (d *pdfDoc) tableSpan(t *table, s string) {
	cellPad := t.padding()
	st := style{size: t.st.size, bold: true, color: black}
	ls := d.layout(s, st, contentW-2*cellPad, 3)
	h := float64(len(ls))*st.lineH() + 2*cellPad
	d.need(h + t.st.lineH() + 2*cellPad) // keep with the first row
	d.fill(groupBG, marginL, d.y, contentW, h)
	y := d.y + cellPad
	for _, l := range ls {
		d.draw(l, st, marginL+cellPad, y, contentW-2*cellPad, "L")
		y += st.lineH()
	}
	d.y += h
}

// ---- results per node ----

// totalsLine counts verdicts on one line; no-break spaces keep each
// count with its verdict.
func totalsLine(t results.Totals) string {
	return fmt.Sprintf("PASS\u00a0%d · FAIL\u00a0%d · WARN\u00a0%d · INFO\u00a0%d · NA\u00a0%d", t.Pass, t.Fail, t.Warn, t.Info, t.NA)
}

func (d *pdfDoc) results() {
	for i, n := range d.rep.Scopes() {
		// Nodes follow each other without a page break each: a cluster of
		// a thousand nodes would waste hundreds of pages.
		if i == 0 {
			d.newPage()
			d.bookmark("Results by node", 0)
		} else {
			d.y += 4
			d.need(45)
		}
		d.bookmark(n.Node, 1)
		d.heading(scopeTitle(n), 13, 35)
		meta := fmt.Sprintf("roles: %s · host: %s · bundle sha256:%s · %s",
			strings.Join(n.Bundle.Host.Roles, ", "), n.Bundle.Host.Hostname, n.Bundle.Digest.Short(), totalsLine(n.Totals))
		if n.IsCluster() {
			meta = fmt.Sprintf("the cluster's policies, once for the cluster · API snapshot sha256:%s · %s", n.Bundle.Digest.Short(), totalsLine(n.Totals))
			if n.Bundle.Digest == "" {
				meta = "the cluster's policies, once for the cluster · no API snapshot given: each policy check is a review · " + totalsLine(n.Totals)
			}
		}
		meta += " · " + n.Bundle.Verification
		if n.PlatformReason != "" {
			meta += " · platform: " + n.PlatformReason
		}
		if n.BenchmarkReason != "" {
			meta += " · benchmark: " + n.BenchmarkReason
		}
		if n.Bundle.Partial {
			meta += " · partial collection: checks that needed the missing evidence are WARN"
		}
		d.paragraph(meta, style{size: 7.5, color: grey}, marginL, contentW)
		d.y += 2
		for _, tr := range n.Targets {
			d.heading(fmt.Sprintf("%s %s (%s) · %s", tr.Section.ID, tr.Section.Title, tr.Section.Target, totalsLine(tr.Totals)), 9.5, 20)
			tb := &table{cols: []tcol{{"ID", 14, "L"}, {"Title", 151, "L"}, {"Status", 15, "C"}}, st: style{size: 7.5, color: black}, pad: 0.8}
			d.tableStart(tb, fmt.Sprintf("%s · %s %s (continued)", scopeTitle(n), tr.Section.ID, tr.Section.Title))
			group := ""
			for _, r := range tr.Results {
				if r.Check.Group != group {
					group = r.Check.Group
					d.tableSpan(tb, group+" "+tr.Section.GroupTitle(group))
				}
				title := r.Check.DisplayTitle()
				if r.Status == results.NA && r.Reason != "" {
					title += " — " + r.Reason
				}
				if r.Unverified {
					title += " " + unverifiedMark
				}
				d.tableRow(tb, []tcell{{text: r.Check.ID}, {text: title}, {text: string(r.Status), status: r.Status}})
			}
			d.tableEnd()
			d.y += 3
		}
	}
}

// ---- failures and warnings ----

func (d *pdfDoc) findings() {
	var fails, warns int
	for _, n := range d.rep.Scopes() {
		for _, tr := range n.Targets {
			for _, r := range tr.Results {
				switch r.Status {
				case results.Fail:
					fails++
				case results.Warn:
					warns++
				}
			}
		}
	}
	d.newPage()
	d.bookmark("Failures and warnings", 0)
	d.heading("Failures and warnings", 16, 0)
	intro := fmt.Sprintf("%d FAIL and %d WARN verdicts, each with what was expected, what was observed, the remediation and the evidence "+
		"(bundle member, where in it, the first 12 hex digits of the member's SHA-256, and the value read).", fails, warns)
	if fails+warns == 0 {
		intro = "No check failed and none needs review."
	}
	d.paragraph(intro, style{size: 9, color: black}, marginL, contentW)
	d.y += 3
	for _, n := range d.rep.Scopes() {
		first := true
		for _, tr := range n.Targets {
			for _, r := range tr.Results {
				if r.Status != results.Fail && r.Status != results.Warn {
					continue
				}
				if first {
					first = false
					d.heading(scopeTitle(n), 11, 16)
					d.bookmark(n.Node, 1)
				}
				d.finding(n, tr, r)
			}
		}
	}
}

// remedy is where a check's remediation was first printed in full.
type remedy struct {
	page, link int
}

// finding draws one FAIL or WARN. A remediation longer than a line is
// printed in full the first time its check appears and referred to, with
// a link, after that: a cluster repeats the same failure on many nodes.
func (d *pdfDoc) finding(n results.NodeResult, tr results.TargetResult, r results.Result) {
	const badgeW, labelW = 13.0, 22.0
	titleSt := style{size: 8.5, bold: true, color: black}
	label := style{size: 7.5, bold: true, color: grey}
	value := style{size: 7.5, color: black}
	valueX, valueW := marginL+badgeW+2+labelW, contentW-labelW-badgeW-2

	type row struct {
		label, text string
		anchor      string // remember where this row is, under this key
		link        int    // the row links here
	}
	title := d.layout(r.Check.ID+"  "+r.Check.DisplayTitle(), titleSt, contentW-badgeW-2, 4)
	rows := []row{
		{label: "Node", text: n.Node + " · " + tr.Section.Target + " · " + r.Check.Group + " " + tr.Section.GroupTitle(r.Check.Group)},
		{label: "Expected", text: r.Expected},
		{label: "Observed", text: shorten(r.Observed, 400)},
	}
	if r.Reason != "" {
		rows = append(rows, row{label: "Reason", text: r.Reason})
	}
	if r.Unverified {
		rows = append(rows, row{label: "Warning", text: "this verdict rests on evidence that FAILED verification (marked UNVERIFIED below): " +
			"it may have been changed after collection"})
	}
	rem := shorten(strings.TrimSpace(r.Check.Remediation), 1500)
	key := r.Check.Target + " " + r.Check.ID
	if ref, ok := d.remedies[key]; ok && len(d.layout(rem, value, valueW, 0)) > 1 {
		rows = append(rows, row{label: "Remediation", text: fmt.Sprintf("as for %s on page %d", r.Check.ID, ref.page), link: ref.link})
	} else {
		rows = append(rows, row{label: "Remediation", text: rem, anchor: key})
	}
	for i, c := range r.Citations {
		l := "Evidence"
		if i > 0 {
			l = ""
		}
		ev := "• " + c.Member
		if c.Unverified {
			ev = "• UNVERIFIED · " + c.Member
		}
		if c.Locator != "" {
			ev += " · " + c.Locator
		}
		ev += " · sha256:" + c.MemberSHA256.Short() + " · observed: " + shorten(c.Observed, 200)
		rows = append(rows, row{label: l, text: ev})
	}
	if len(r.Citations) == 0 {
		rows = append(rows, row{label: "Evidence", text: "none: the verdict rests on the absence of evidence"})
	}

	titleH := float64(len(title)) * titleSt.lineH()
	d.need(titleH + 2*value.lineH() + 2)
	top := d.y
	d.fill(statusFill(r.Status), marginL, top+0.3, badgeW, titleSt.lineH()-0.6)
	d.text(string(r.Status), style{size: 7.5, bold: true, color: statusText(r.Status)}, marginL, top+(titleSt.lineH()-style{size: 7.5}.lineH())/2, badgeW, "C")
	for _, l := range title {
		d.draw(l, titleSt, marginL+badgeW+2, d.y, contentW-badgeW-2, "L")
		d.y += titleSt.lineH()
	}
	d.y += 0.5
	for _, rw := range rows {
		st := value
		if rw.link != 0 {
			st.color = headerBG
		}
		for i, l := range d.layout(rw.text, st, valueW, 0) {
			if d.y+value.lineH() > contentBottom {
				d.newPage()
				d.text(fmt.Sprintf("%s %s on %s (continued)", r.Status, r.Check.ID, n.Node), style{size: 7.5, color: grey}, marginL, d.y, contentW, "L")
				d.y += value.lineH() + 1
			}
			if i == 0 {
				d.text(rw.label, label, marginL+badgeW+2, d.y, labelW, "L")
				if rw.anchor != "" {
					if _, seen := d.remedies[rw.anchor]; !seen {
						link := d.f.AddLink()
						d.f.SetLink(link, d.y, d.f.PageNo())
						d.remedies[rw.anchor] = remedy{d.f.PageNo(), link}
					}
				}
				if rw.link != 0 {
					d.f.Link(valueX, d.y, l.w, st.lineH(), rw.link)
				}
			}
			d.draw(l, st, valueX, d.y, valueW, "L")
			d.y += value.lineH()
		}
	}
	d.y += 1.2
	d.hline(rule, marginL, marginL+contentW, d.y)
	d.y += 1.8
}

// ---- appendix ----

func (d *pdfDoc) appendix() {
	d.newPage()
	d.bookmark("Appendix: bundles", 0)
	d.heading("Appendix: evidence bundles", 16, 0)
	d.paragraph("Every bundle this report was built from, with its digest (the SHA-256 of the bundle's manifest, which "+
		"lists the SHA-256 of every member) and its signature. Check a bundle with kubeproof verify, and its signer "+
		"with --trusted-key, before trusting a printout: the digest is what the citations in this report refer to, "+
		"and it is the same whether or not the bundle is signed. "+signatureSummary(d.rep)+".",
		style{size: 9, color: black}, marginL, contentW)
	d.y += 3
	d.onPage = func() {
		d.text("Appendix: evidence bundles (continued)", style{size: 8, color: grey}, marginL, d.y, contentW, "L")
		d.y += style{size: 8}.lineH() + 1
	}
	host := style{size: 8, bold: true, color: black}
	meta := style{size: 7.5, color: grey}
	digest := style{size: 7.5, color: black}
	for _, b := range bundles(d.rep) {
		title := b.Host.Hostname
		if len(b.Host.Roles) > 0 {
			title += " · " + strings.Join(b.Host.Roles, ", ")
		}
		info := fmt.Sprintf("%s · collected %s · collector %s · format %d · partial: %s",
			b.File, b.CollectedAt.UTC().Format("2006-01-02 15:04:05 UTC"), b.CollectorVersion, b.FormatVersion, yesNo(b.Partial))
		if b.Verification != "" {
			info += " · " + b.Verification
		}
		ti, in := d.layout(title, host, contentW, 2), d.layout(info, meta, contentW, 3)
		for i, p := range b.Problems {
			if i == 10 {
				in = append(in, d.layout(fmt.Sprintf("… and %d more problems (see the JSON report)", len(b.Problems)-10), meta, contentW, 1)...)
				break
			}
			in = append(in, d.layout("problem: "+p, meta, contentW, 3)...)
		}
		// The digest always fits one line: 64 hex digits are 108 mm at most.
		dg := d.layout("SHA-256 "+b.Digest.String(), digest, contentW, 1)
		d.need(float64(len(ti))*host.lineH() + float64(len(in))*meta.lineH() + digest.lineH() + 2.5)
		for _, part := range []struct {
			lines []line
			st    style
		}{{ti, host}, {in, meta}, {dg, digest}} {
			for _, l := range part.lines {
				d.draw(l, part.st, marginL, d.y, contentW, "L")
				d.y += part.st.lineH()
			}
		}
		d.y += 1
		d.hline(rule, marginL, marginL+contentW, d.y)
		d.y += 1.5
	}
	d.onPage = nil
}

// scopeTitle is "Node NAME" or "Cluster NAME".
func scopeTitle(n results.NodeResult) string {
	if n.IsCluster() {
		return "Cluster " + n.Node
	}
	return "Node " + n.Node
}
