package reports

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// style is how a piece of text is set.
type style struct {
	size  float64 // points
	bold  bool
	mono  bool // Courier, for digests and code
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
	if st.mono {
		primary = faceMono
	}
	return d.shapeIn(nil, s, primary, st.size)
}

// shapeIn appends the glyphs of s to gs, each in primary if it has the
// character, else in the text face or the CJK face.
func (d *pdfDoc) shapeIn(gs []glyph, s string, primary face, size float64) []glyph {
	scale := size * ptToMM / 1000
	if gs == nil {
		gs = make([]glyph, 0, len(s))
	}
	for _, r := range s {
		f := primary
		w := d.adv[f][r]
		if w < 0 && f == faceMono {
			f, w = faceRegular, d.adv[faceRegular][r]
		}
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
// canBreak reports whether a line may break after gs[k]: not inside a
// number written with thousands separators ("1,000").
func canBreak(gs []glyph, k int) bool {
	if gs[k].r == ',' && k > 0 && k+1 < len(gs) && isDigit(gs[k-1].r) && isDigit(gs[k+1].r) {
		return false
	}
	return breakAfter(gs[k].r)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

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
	key := layoutKey{s, st.size, st.bold, st.mono, width, maxLines}
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
	mono     bool
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
		if !isIdeograph(gs[i].r) && !canBreak(gs, i) {
			for j < len(gs) && !isIdeograph(gs[j].r) && !canBreak(gs, j-1) {
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
