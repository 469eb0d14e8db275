package reports

import (
	"math"

	"github.com/kubeproof/kubeproof/results"
)

type tcol struct {
	title string
	w     float64
	align string
}

type tcell struct {
	text   string
	bold   bool
	mono   bool
	size   float64 // 0: the table's
	color  *rgb
	status results.Status // non-empty: a coloured status badge
}

type table struct {
	cols  []tcol
	st    style
	pad   float64 // cell padding; 0: cellPad
	hsize float64 // the header's font size; 0: the table's
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
	if t.hsize > 0 {
		hs.size = t.hsize
	}
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
		st.mono = c.mono
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
