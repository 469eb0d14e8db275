package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/jung-kurt/gofpdf"

	"github.com/kubeproof/kubeproof/fleet"
	"github.com/kubeproof/kubeproof/results"
)

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

// pdfTextHook, set by tests, sees every string the PDF draws as text or
// as a bookmark, as the PDF holds it.
var pdfTextHook func(string)

// pdfDoc is one report being drawn. Positions are absolute; y is where the
// next thing goes. Page breaks are explicit, so nothing is ever drawn past
// the footer.
type pdfDoc struct {
	f          *gofpdf.Fpdf
	rep        *results.Report
	opts       PDFOptions
	id         string
	adv        [numFaces]advances
	y          float64
	font       face
	size       float64
	onPage     func() // redraws a broken table's caption and header
	footerText string

	layouts  map[layoutKey][]line
	markups  map[layoutKey][]mline
	toc      []tocEntry
	tocPage  int
	anchors  map[*checkResults]int // links to the findings blocks
	overflow []notice              // notices the cover had no room for
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

// PDFWith writes the PDF report of rep to w. The report leads with what
// holds for the whole fleet (the cover, the summary, every check counted
// over the nodes, the findings grouped by check, the review checklist,
// the waivers and the sign-off page); the evidence of each node is in an
// appendix that opts.Detail sizes.
func PDFWith(w io.Writer, rep *results.Report, opts PDFOptions) error {
	switch opts.Detail {
	case "":
		opts.Detail = PDFDetailFailures
	case PDFDetailNone, PDFDetailFailures, PDFDetailAll:
	default:
		return fmt.Errorf("pdf report: detail %q: want %s, %s or %s", opts.Detail, PDFDetailNone, PDFDetailFailures, PDFDetailAll)
	}
	rep = safeReport(rep)
	id := ReportID(rep)
	d, err := newPDF(docInfo{
		title:   "CIS Kubernetes Benchmark audit: " + rep.BenchmarkNames(),
		subject: fmt.Sprintf("%s, %s, report %s", rep.BenchmarkNames(), pdfScope(rep), id),
		version: rep.AnalyzerVersion,
		id:      id,
		footer:  "kubeproof · " + rep.BenchmarkNames() + " · report " + id,
		time:    rep.ReportTime,
	})
	if err != nil {
		return fmt.Errorf("pdf report: %w", err)
	}
	d.rep, d.opts, d.anchors = rep, opts, map[*checkResults]int{}
	f := d.f

	sum := fleet.Summarize(rep)
	checks := indexChecks(sum, rep.Scopes())
	for _, c := range findingChecks(checks) {
		d.anchors[c] = f.AddLink()
	}
	d.cover()
	d.reserveContents()
	nodesListed := d.summary(checks)
	d.fleetTable(checks)
	d.findings(checks)
	d.inconsistencies(sum)
	d.checklist(checks)
	d.waivers()
	d.signoff()
	d.evidence(checks)
	d.bundlesAppendix(nodesListed)
	d.fillContents()
	if err := f.Output(w); err != nil {
		return fmt.Errorf("pdf report: %w", err)
	}
	return nil
}

// newPDF starts a PDF document, A4 portrait, with the embedded fonts, the
// properties of info (dated info.time, so that the same input gives the
// same bytes) and info.footer with the page number on every page. The
// audit report and the diff both draw with it.
func newPDF(info docInfo) (*pdfDoc, error) {
	adv, err := metrics()
	if err != nil {
		return nil, err
	}
	f := gofpdf.NewCustom(&gofpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	d := &pdfDoc{f: f, id: info.id, adv: adv, font: numFaces, footerText: clean(info.footer)}
	// The alias must be set before fonts are added, so that gofpdf keeps
	// the digits that replace it in the font subsets.
	f.AliasNbPages("{nb}")
	for _, fc := range faces {
		if fc.data != nil {
			f.AddUTF8FontFromBytes(fc.family, fc.style, *fc.data)
		}
	}
	f.SetCatalogSort(true)
	f.SetCreationDate(info.time.UTC())
	f.SetModificationDate(info.time.UTC())
	f.SetTitle(clean(info.title), true)
	f.SetSubject(clean(info.subject), true)
	f.SetCreator("kubeproof "+clean(info.version), true)
	f.SetProducer("kubeproof "+clean(info.version), true)
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(false, 0)
	f.SetFooterFunc(d.footer)
	f.SetLineWidth(0.2)
	return d, nil
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
	d.text(d.footerText, st, marginL, y+1.5, contentW-32, "L")
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
	// gofpdf encodes a bookmark as the current font would: it must be one
	// of the Unicode faces.
	if d.font == numFaces || d.font == faceMono {
		d.setFont(faceRegular, 9)
	}
	if pdfTextHook != nil {
		pdfTextHook(clean(s))
	}
	d.f.Bookmark(clean(s), level, d.y)
}
