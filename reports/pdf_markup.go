package reports

import (
	"strings"
	"unicode"
)

// mline is a laid-out line of marked-up text.
type mline struct {
	line
	dx     float64 // indent from the text's left edge
	gap    float64 // space above, between blocks
	marker *line   // a list item's marker, set at the left edge
	kind   blockKind
}

// layoutMarkup lays s out in width: paragraphs a third of a line apart,
// list items with a hanging indent, code lines in Courier unwrapped but
// for lines too long for the width.
func (d *pdfDoc) layoutMarkup(s string, st style, width float64) []mline {
	key := layoutKey{s, st.size, st.bold, st.mono, width, 0}
	if ls, ok := d.markups[key]; ok {
		return ls
	}
	var out []mline
	indent := d.width("00.", st) + 1.2
	for bi, b := range parseMarkup(s) {
		gap := 0.0
		if bi > 0 && (b.kind == blockPara || b.kind != out[len(out)-1].kind) {
			gap = st.lineH() / 3
		}
		var gs []glyph
		dx, w := 0.0, width
		if b.kind == blockItem {
			dx, w = indent, width-indent
		}
		if b.kind == blockCode {
			gs = d.shapeIn(nil, clean(b.text), faceMono, st.size)
		} else {
			for _, sp := range spans(clean(b.text)) {
				f := faceRegular
				if st.bold {
					f = faceBold
				}
				if sp.code {
					f = faceMono
				}
				gs = d.shapeIn(gs, sp.text, f, st.size)
			}
		}
		for li, g := range wrap(nil, gs, w) {
			ml := mline{line: toLine(g), dx: dx, kind: b.kind}
			if li == 0 {
				ml.gap = gap
				if b.kind == blockItem {
					m := toLine(d.shape(b.marker, st))
					ml.marker = &m
				}
			}
			out = append(out, ml)
		}
	}
	if len(out) == 0 {
		out = []mline{{}}
	}
	if d.markups == nil {
		d.markups = map[layoutKey][]mline{}
	}
	if len(d.markups) < 5000 {
		d.markups[key] = out
	}
	return out
}

// height of laid-out marked-up text.
func markupHeight(ls []mline, st style) float64 {
	h := 0.0
	for _, l := range ls {
		h += l.gap + st.lineH()
	}
	return h
}

// drawMarkup sets ls at x from d.y on, breaking pages between lines
// (after cont, if given, has drawn a continuation line on the new page).
func (d *pdfDoc) drawMarkup(ls []mline, st style, x, w float64, cont func()) {
	for _, l := range ls {
		if d.y+l.gap+st.lineH() > contentBottom {
			d.newPage()
			if cont != nil {
				cont()
			}
		} else {
			d.y += l.gap
		}
		if l.marker != nil {
			d.draw(*l.marker, st, x, d.y, w, "L")
		}
		d.draw(l.line, st, x+l.dx, d.y, w-l.dx, "L")
		d.y += st.lineH()
	}
}

// firstSentences is the beginning of s up to about n characters, cut at
// the end of a sentence where one ends in time, else at a word.
func firstSentences(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	r := []rune(s)
	cut := -1
	for i := 0; i < n && i < len(r)-1; i++ {
		if (r[i] == '.' || r[i] == ':' || r[i] == ';') && r[i+1] == ' ' && i > n/3 && !inCode(r[:i]) {
			cut = i + 1
		}
	}
	if cut > 0 {
		return strings.TrimRight(string(r[:cut]), ":;") + " …"
	}
	cut = n
	for cut > n/2 && !unicode.IsSpace(r[cut]) {
		cut--
	}
	out := string(r[:cut])
	if inCode([]rune(out)) {
		out += "`"
	}
	return strings.TrimSpace(out) + " …"
}

// inCode reports whether r ends inside a `code` span.
func inCode(r []rune) bool {
	n := 0
	for _, c := range r {
		if c == '`' {
			n++
		}
	}
	return n%2 == 1
}
