package reports

import "strings"

// The catalog writes remediation text as a small subset of Markdown:
// paragraphs separated by blank lines (single line breaks are the YAML's
// wrapping, not the author's), "- " or "1. " list items, ``` code blocks,
// and `code` spans. The PDF sets it as text, code in Courier
// (layoutMarkup), the workbook as plain text (markupText); neither shows
// the backticks. The text and JSON reports keep the catalog's text.

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

// markupText is marked-up text as plain text, for a cell: each block on
// its lines, a blank line where the PDF leaves space (before a paragraph,
// between a list and what is not), list items after their bullet or
// number, code spans as their text, code lines as they are.
func markupText(s string) string {
	var b strings.Builder
	prev := blockKind(0)
	for i, bl := range parseMarkup(s) {
		if i > 0 {
			b.WriteByte('\n')
			if bl.kind == blockPara || bl.kind != prev {
				b.WriteByte('\n')
			}
		}
		prev = bl.kind
		if bl.kind == blockCode {
			b.WriteString(bl.text)
			continue
		}
		if bl.marker != "" {
			b.WriteString(bl.marker + " ")
		}
		for _, sp := range spans(bl.text) {
			b.WriteString(sp.text)
		}
	}
	return b.String()
}
