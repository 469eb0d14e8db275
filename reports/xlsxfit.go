package reports

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Row heights. Spreadsheets do not all fit a row to its wrapped text when
// they open a file (Excel keeps the height the file gives, Google's
// preview and LibreOffice's import too, mostly), so every row whose text
// wraps gets a height from an estimate of its lines. The estimate lays the
// text out as a spreadsheet does, word by word, with the advance widths
// of Arial (Liberation Sans), which are a little wider than those of
// Calibri, the workbook's font: a row may be a little taller than its
// text, never shorter. A row is at most 409 points high in every
// spreadsheet, so a cell whose text would need more lines is cut to fit,
// and says where the whole text is.
const (
	lineHeight = 15.0 // points per line of 11-point text
	maxLines   = 27   // 409 points
)

// arialAdvance holds the advance widths of printable ASCII in Arial, in
// thousandths of an em.
var arialAdvance = [128]int16{
	' ': 278, '!': 278, '"': 355, '#': 556, '$': 556, '%': 889, '&': 667, '\'': 191, '(': 333, ')': 333, '*': 389,
	'+': 584, ',': 278, '-': 333, '.': 278, '/': 278, '0': 556, '1': 556, '2': 556, '3': 556, '4': 556, '5': 556,
	'6': 556, '7': 556, '8': 556, '9': 556, ':': 278, ';': 278, '<': 584, '=': 584, '>': 584, '?': 556, '@': 1015,
	'A': 667, 'B': 667, 'C': 722, 'D': 722, 'E': 667, 'F': 611, 'G': 778, 'H': 722, 'I': 278, 'J': 500, 'K': 667,
	'L': 556, 'M': 833, 'N': 722, 'O': 778, 'P': 667, 'Q': 778, 'R': 722, 'S': 667, 'T': 611, 'U': 722, 'V': 667,
	'W': 944, 'X': 667, 'Y': 667, 'Z': 611, '[': 278, '\\': 278, ']': 278, '^': 469, '_': 556, '`': 333, 'a': 556,
	'b': 556, 'c': 500, 'd': 556, 'e': 556, 'f': 278, 'g': 556, 'h': 556, 'i': 222, 'j': 222, 'k': 500, 'l': 222,
	'm': 833, 'n': 556, 'o': 556, 'p': 556, 'q': 556, 'r': 333, 's': 500, 't': 278, 'u': 556, 'v': 500, 'w': 722,
	'x': 500, 'y': 500, 'z': 500, '{': 334, '|': 260, '}': 334, '~': 584,
}

// runeWidth is the width of r in column-width units: the width of a digit.
func runeWidth(r rune) float64 {
	const digit = 556.0
	switch {
	case r < utf8.RuneSelf && arialAdvance[r] > 0:
		return float64(arialAdvance[r]) / digit
	case r == '\t':
		return 8 * 278 / digit
	case r >= 0x1100 && isWide(r):
		return 1000 / digit
	case unicode.Is(unicode.Mn, r):
		return 0
	}
	return 667 / digit // Latin letters with accents, Greek, Cyrillic: about a capital
}

func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || r >= 0xff00 && r <= 0xff60 || r >= 0x3000 && r <= 0x303f
}

// lineWidth is how much text fits on a line of a column width units wide:
// the column less the cell's margins, and a twentieth for the fonts
// whose letters are wider than Arial's in proportion to their digits.
func lineWidth(width float64) float64 { return max(1, (width-0.6)*0.95) }

// wrappedLines estimates how many lines s takes in a wrapped cell of a
// column width units wide: each paragraph broken at spaces, a word wider
// than the line broken where it overflows. Spreadsheets also break after
// hyphens and slashes, so they need as many lines or fewer.
func wrappedLines(s string, width float64) int {
	per := lineWidth(width)
	// No character is wider than two digits: a short text fits one line.
	if 2*float64(len(s)) <= per && strings.IndexByte(s, '\n') < 0 {
		return 1
	}
	lines := 0
	for p := range strings.SplitSeq(s, "\n") {
		lines += paragraphLines(strings.TrimSuffix(p, "\r"), per)
	}
	return lines
}

// paragraphLines lays out a paragraph word by word: x is the width taken
// on the current line, word the width of the word being read, and
// wordStart where it starts in p.
func paragraphLines(p string, per float64) int {
	lines, x := 1, 0.0
	space := runeWidth(' ')
	place := func(word string, w float64, first bool) {
		sp := space
		if first {
			sp = 0
		}
		switch {
		case x+sp+w <= per:
			x += sp + w
		case w <= per:
			lines++
			x = w
		default:
			// A word wider than the line is broken between characters.
			if x > 0 {
				lines++
				x = 0
			}
			for _, r := range word {
				rw := runeWidth(r)
				if x+rw > per && x > 0 {
					lines++
					x = 0
				}
				x += rw
			}
		}
	}
	start, w, first := 0, 0.0, true
	for i, r := range p {
		if r == ' ' {
			place(p[start:i], w, first)
			start, w, first = i+1, 0, false
			continue
		}
		w += runeWidth(r)
	}
	place(p[start:], w, first)
	return lines
}

// rowHeight is the height in points of a row whose tallest cell takes
// lines lines.
func rowHeight(lines int) float64 { return lineHeight * float64(min(max(lines, 1), maxLines)) }

// fitCell returns s, or s cut so that it fits maxLines lines of a column
// width units wide and ends saying how much was cut and where is the
// whole text (where, like "the Evidence sheet has every citation"), and
// the lines it takes.
func fitCell(s string, width float64, where string) (string, int) {
	if lines := wrappedLines(s, width); lines <= maxLines {
		return s, lines
	}
	runes := []rune(s)
	cut := func(n int) string {
		return string(runes[:n]) + fmt.Sprintf("… (%d more characters cut to fit the cell; %s)", len(runes)-n, where)
	}
	// The longest prefix that fits with its note.
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if wrappedLines(cut(mid), width) <= maxLines {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return cut(lo), wrappedLines(cut(lo), width)
}
