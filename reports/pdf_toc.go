package reports

import (
	"strconv"
	"strings"
)

// The table of contents is on page 2, but the page of a section is known
// only once it is drawn: the page is left blank (but for its footer) while
// the report is drawn, then filled in (gofpdf's SetPage), so the report is
// laid out once and the output depends on nothing but the report.

// tocEntry is a section: its title, its level in the outline and the
// contents (0 or 1), and where it starts.
type tocEntry struct {
	title string
	level int
	page  int
	link  int
}

// tocMaxLines is how many entries fit on the contents page.
const tocMaxLines = 46

// section starts a section: a bookmark in the PDF's outline, and an entry
// of the table of contents that links to it.
func (d *pdfDoc) section(title string, level int) {
	d.bookmark(title, level)
	link := d.f.AddLink()
	d.f.SetLink(link, d.y, d.f.PageNo())
	d.toc = append(d.toc, tocEntry{title: title, level: level, page: d.f.PageNo(), link: link})
}

// reserveContents adds the page the contents will be drawn on.
func (d *pdfDoc) reserveContents() {
	d.newPage()
	d.tocPage = d.f.PageNo()
	d.bookmark("Contents", 0)
}

// contentsEntries are the entries the contents page lists: every
// section, and the subsections of each section, in order, as long as they
// fit on the page with the rest.
func contentsEntries(toc []tocEntry) []tocEntry {
	if len(toc) <= tocMaxLines {
		return toc
	}
	var sections [][]tocEntry
	for _, e := range toc {
		if e.level == 0 || len(sections) == 0 {
			sections = append(sections, nil)
		}
		sections[len(sections)-1] = append(sections[len(sections)-1], e)
	}
	lines := min(len(sections), tocMaxLines) // the sections' own lines
	var out []tocEntry
	for _, sec := range sections {
		if len(out) == tocMaxLines {
			break
		}
		out = append(out, sec[0])
		if subs := len(sec) - 1; subs > 0 && lines+subs <= tocMaxLines {
			out = append(out, sec[1:]...)
			lines += subs
		}
	}
	return out
}

// fillContents draws the table of contents on its page, then returns to
// the last page (whose footer gofpdf draws when the document closes).
func (d *pdfDoc) fillContents() {
	if d.tocPage == 0 {
		return
	}
	last := d.f.PageNo()
	d.f.SetPage(d.tocPage)
	// The page's content stream goes on from where it stopped: set every
	// state it relies on again.
	d.font = numFaces
	d.fill(white, 0, 0, 0, 0)
	d.y = marginT
	d.heading("Contents", 16, 0)
	d.y += 2
	entries := contentsEntries(d.toc)
	for _, e := range entries {
		st := style{size: 10, color: black}
		x := marginL
		if e.level == 0 {
			st.bold = true
			d.y += 1.2
		} else {
			st.size = 9
			x += 6
		}
		num := strconv.Itoa(e.page)
		numW := d.width(num, st)
		titleW := pageW - marginR - 12 - x
		ls := d.layout(e.title, st, titleW, 1)
		d.draw(ls[0], st, x, d.y, titleW, "L")
		// A dotted leader from the title to the page number.
		lead := style{size: st.size, color: rule}
		from, to := x+ls[0].w+2, pageW-marginR-numW-2
		if unit := d.width(" .", lead); to > from && unit > 0 {
			if n := int((to - from) / unit); n > 0 {
				d.text(strings.Repeat(" .", n), lead, from, d.y, to-from, "R")
			}
		}
		d.text(num, st, pageW-marginR-numW-0.5, d.y, numW+1, "L")
		d.f.Link(x, d.y, pageW-marginR-x, st.lineH(), e.link)
		d.y += st.lineH() + 0.8
	}
	if len(entries) < len(d.toc) {
		d.y += 3
		d.paragraph("The PDF's outline (bookmarks) lists every subsection.", style{size: 8.5, color: grey}, marginL, contentW)
	}
	d.f.SetPage(last)
	d.font = numFaces
	d.fill(white, 0, 0, 0, 0)
}
