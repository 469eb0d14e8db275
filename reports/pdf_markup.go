package reports

import (
	"strings"
	"unicode"
)

// The catalog writes remediation text as a small subset of Markdown:
// paragraphs separated by blank lines (single line breaks are the YAML's
// wrapping, not the author's), "- " or "1. " list items, ``` code blocks,
// and `code` spans. The PDF sets it as text, code in Courier, never the
// backticks.

type blockKind uint8

const (
	blockPara blockKind = iota
	blockItem
	blockCode
)

// mblock is a paragraph, a list item (with its marker) or a line of code.
type mblock struct {
	kind   blockKind
	marker string
	text   string // with `code` spans, unparsed; a code line verbatim
}

// span is a piece of a paragraph in one face.
type span struct {
	text string
	code bool
}

func parseMarkup(s string) []mblock {
	var out []mblock
	open := false // the last block takes more lines
	inFence := false
	for _, raw := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		l := strings.TrimSpace(raw)
		if strings.HasPrefix(l, "```") {
			inFence, open = !inFence, false
			continue
		}
		if inFence {
			out = append(out, mblock{kind: blockCode, text: strings.TrimRight(raw, " \t")})
			continue
		}
		if l == "" {
			open = false
			continue
		}
		if marker, rest, ok := listItem(l); ok {
			out = append(out, mblock{kind: blockItem, marker: marker, text: rest})
			open = true
			continue
		}
		if open {
			out[len(out)-1].text += " " + l
			continue
		}
		out = append(out, mblock{kind: blockPara, text: l})
		open = true
	}
	return out
}

// listItem recognises "- x", "* x", "• x", "1. x" and "1) x".
func listItem(l string) (marker, rest string, ok bool) {
	for _, b := range []string{"- ", "* ", "• "} {
		if strings.HasPrefix(l, b) {
			return "•", strings.TrimSpace(l[len(b):]), true
		}
	}
	i := 0
	for i < len(l) && i < 3 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' ' {
		return l[:i] + ".", strings.TrimSpace(l[i+2:]), true
	}
	return "", "", false
}

// spans splits text at backticks: `code` spans, and the text between. A
// backtick without its pair is dropped, so none is ever printed.
func spans(text string) []span {
	var out []span
	for text != "" {
		i := strings.IndexByte(text, '`')
		if i < 0 {
			out = append(out, span{text: text})
			break
		}
		if i > 0 {
			out = append(out, span{text: text[:i]})
		}
		text = text[i+1:]
		j := strings.IndexByte(text, '`')
		if j < 0 {
			out = append(out, span{text: text})
			break
		}
		if j > 0 {
			out = append(out, span{text: text[:j], code: true})
		}
		text = text[j+1:]
	}
	return out
}

// plainMarkup is text without its markup, for places that set one line
// in one face: backticks dropped, lines joined.
func plainMarkup(s string) string {
	var parts []string
	for _, b := range parseMarkup(s) {
		t := b.text
		if b.kind != blockCode {
			t = strings.ReplaceAll(t, "`", "")
		}
		if b.marker != "" {
			t = b.marker + " " + t
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

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
