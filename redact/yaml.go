package redact

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A structural YAML reader for redaction. It reads YAML 1.2 as node
// configuration uses it (JSON included, which is YAML's flow style) into a
// tree whose every scalar knows its byte span in the source, so that a
// value can be replaced in place and every other byte kept. It is not a
// general YAML library: it decodes what redaction decides on, refuses
// what it does not understand (explicit keys, tabs as indentation, a
// mapping key after a value on one line…), and a refused document is
// never copied.

// nodeKind is a YAML node's kind.
type nodeKind uint8

const (
	scalarNode nodeKind = iota
	mapNode
	seqNode
	aliasNode
)

// node is one YAML node. For a scalar, [start, end) is its source text:
// the quotes of a quoted scalar, the header and content lines of a block
// scalar, the whole of a multi-line plain scalar. For a collection it
// spans from its first to its last byte.
type node struct {
	kind       nodeKind
	start, end int
	style      byte   // scalar: 0 plain, '"', '\'', '|', '>'
	flow       bool   // written in flow style, or inside a flow collection
	value      string // scalar: the decoded value
	keys, vals []*node
	items      []*node
	line       int // 1-based line of start
}

// isNull reports whether a scalar is empty or YAML's null.
func (n *node) isNull() bool {
	if n == nil {
		return true
	}
	if n.kind != scalarNode || n.style != 0 {
		return false
	}
	switch n.value {
	case "", "~", "null", "Null", "NULL":
		return true
	}
	return false
}

// get returns the value of key in a mapping, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != mapNode {
		return nil
	}
	for i, k := range n.keys {
		if k.kind == scalarNode && k.value == key {
			return n.vals[i]
		}
	}
	return nil
}

// span is a region of the source: a comment's text.
type span struct{ start, end int }

// yamlDoc is one document of a stream.
type yamlDoc struct {
	root *node // nil for an empty document
}

// yamlFile is a parsed YAML stream.
type yamlFile struct {
	docs     []yamlDoc
	comments []span // the text of every comment, "#" excluded
}

// SyntaxError reports YAML the reader does not accept.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// maxDepth bounds nesting, so that hostile input cannot exhaust the stack.
const maxDepth = 200

type yamlParser struct {
	src      []byte
	pos      int
	depth    int
	comments []span
	lineOf   []int // offset of the start of each line
}

var errStop = errors.New("stop")

func parseYAML(src []byte) (f *yamlFile, err error) {
	p := &yamlParser{src: src, lineOf: []int{0}}
	for i, c := range src {
		if c == '\n' {
			p.lineOf = append(p.lineOf, i+1)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*SyntaxError)
			if !ok {
				panic(r)
			}
			f, err = nil, se
		}
	}()
	f = &yamlFile{}
	if !utf8.Valid(src) {
		p.fail(0, "not valid UTF-8")
	}
	for i, c := range src {
		if c == 0 || c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			p.fail(i, "control character")
		}
		if c == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			p.fail(i, "a carriage return that ends no line")
		}
		// NEL, LS and PS: line breaks to libyaml, text to a reader of
		// lines; such a file is not read rather than read differently.
		if c == 0xC2 && i+1 < len(src) && src[i+1] == 0x85 || c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && (src[i+2] == 0xA8 || src[i+2] == 0xA9) {
			p.fail(i, "a Unicode line break")
		}
	}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		p.pos, p.lineOf[0] = 3, 3 // a byte order mark: line 1 starts after it
	}
	for {
		start := p.pos
		doc, more := p.document()
		// A stream with nothing but blanks and comments after its last
		// document holds no further document.
		if doc.root != nil || more || p.docMarker(p.lineStartOrSelf(start)) != 0 || hasMarkerFrom(p, start) {
			f.docs = append(f.docs, doc)
		}
		if !more {
			break
		}
	}
	f.comments = p.comments
	return f, nil
}

// hasMarkerFrom reports whether a "---" line starts at or after start.
func hasMarkerFrom(p *yamlParser, start int) bool {
	for ls := p.lineStartOrSelf(start); ls < len(p.src); ls = p.nextLine(ls) {
		if p.docMarker(ls) == '-' {
			return true
		}
	}
	return false
}

func (p *yamlParser) fail(pos int, format string, args ...any) {
	panic(&SyntaxError{Line: p.line(pos), Msg: fmt.Sprintf(format, args...)})
}

// line returns the 1-based line of offset pos.
func (p *yamlParser) line(pos int) int {
	lo, hi := 0, len(p.lineOf)
	for lo+1 < hi {
		m := (lo + hi) / 2
		if p.lineOf[m] <= pos {
			lo = m
		} else {
			hi = m
		}
	}
	return lo + 1
}

func (p *yamlParser) lineStart(pos int) int { return p.lineOf[p.line(pos)-1] }

func (p *yamlParser) col(pos int) int { return pos - p.lineStart(pos) }

// lineEnd returns the offset of the end of the line holding pos, before
// "\r\n" or "\n".
func (p *yamlParser) lineEnd(pos int) int {
	for pos < len(p.src) && p.src[pos] != '\n' {
		pos++
	}
	if pos > 0 && pos <= len(p.src) && p.src[pos-1] == '\r' {
		pos--
	}
	return pos
}

func (p *yamlParser) at(pos int) byte {
	if pos < len(p.src) {
		return p.src[pos]
	}
	return 0
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// blankOrEnd reports whether pos is a blank, a line end or the end.
func (p *yamlParser) blankOrEnd(pos int) bool {
	c := p.at(pos)
	return c == 0 && pos >= len(p.src) || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// skipInline skips blanks and a comment on the current line; it returns
// the position of the line end or of the first other byte.
func (p *yamlParser) skipInline(pos int) int {
	for pos < len(p.src) && isBlank(p.src[pos]) {
		pos++
	}
	if p.at(pos) == '#' && (pos == 0 || pos == p.lineStart(pos) || isBlank(p.src[pos-1])) {
		end := p.lineEnd(pos)
		p.comment(pos, end)
		pos = end
	}
	return pos
}

func (p *yamlParser) comment(pos, end int) {
	if n := len(p.comments); n > 0 && p.comments[n-1].start == pos+1 {
		return // seen already, from another path
	}
	p.comments = append(p.comments, span{pos + 1, end})
}

// atLineEnd reports whether pos is at "\r\n", "\n" or the end.
func (p *yamlParser) atLineEnd(pos int) bool {
	return pos >= len(p.src) || p.src[pos] == '\n' || p.src[pos] == '\r' && p.at(pos+1) == '\n'
}

// nextLine returns the start of the line after pos's.
func (p *yamlParser) nextLine(pos int) int {
	for pos < len(p.src) && p.src[pos] != '\n' {
		pos++
	}
	if pos < len(p.src) {
		pos++
	}
	return pos
}

// significant returns the position of the first byte of the next line
// (from the line holding pos, which must be at a line start or a line
// end) that holds something other than blanks and a comment, and its
// column; at the end, len(src) and -1. Tabs may not indent.
func (p *yamlParser) significant(pos int) (int, int) {
	if !p.atLineEnd(pos) && pos != p.lineStart(pos) {
		p.fail(pos, "unexpected %q", p.src[pos])
	}
	if p.atLineEnd(pos) {
		pos = p.nextLine(pos)
	}
	for pos < len(p.src) {
		ls := pos
		for pos < len(p.src) && p.src[pos] == ' ' {
			pos++
		}
		q := p.skipInline(pos)
		if !p.atLineEnd(q) {
			if p.src[pos] == '\t' {
				p.fail(pos, "a tab indents a line")
			}
			return pos, pos - ls
		}
		pos = p.nextLine(q)
	}
	return len(p.src), -1
}

// docMarker reports whether a document marker ("---" or "...") starts
// the line at pos.
func (p *yamlParser) docMarker(pos int) byte {
	if pos != p.lineStart(pos) || pos+3 > len(p.src) {
		return 0
	}
	s := string(p.src[pos : pos+3])
	if (s == "---" || s == "...") && p.blankOrEnd(pos+3) {
		return s[0]
	}
	return 0
}

// document reads one document; more is set when another follows.
func (p *yamlParser) document() (yamlDoc, bool) {
	var doc yamlDoc
	pos, col := p.significant(p.lineStartOrSelf(p.pos))
	for col == 0 && p.at(pos) == '%' { // directives
		pos, col = p.significant(p.lineEnd(pos))
	}
	if pos >= len(p.src) {
		p.pos = pos
		return doc, false
	}
	if col == 0 && p.docMarker(pos) == '-' {
		q := p.skipInline(pos + 3)
		if !p.atLineEnd(q) {
			// "--- value", "--- |", "--- !tag": the root starts here.
			doc.root = p.blockNodeAt(q, -1, false)
			return p.endDocument(doc)
		}
		pos, col = p.significant(q)
		if pos >= len(p.src) {
			p.pos = pos
			return doc, false
		}
	}
	if col == 0 && p.docMarker(pos) != 0 {
		p.pos = pos // an empty document, ended by "..." or the next "---"
		return p.endDocument(doc)
	}
	doc.root = p.blockNodeAt(pos, -1, false)
	return p.endDocument(doc)
}

// endDocument checks what follows a document's root: the end, "..." or
// the next document's "---".
func (p *yamlParser) endDocument(doc yamlDoc) (yamlDoc, bool) {
	from := p.pos
	if doc.root != nil {
		from = p.lineEndAfter(doc.root)
	} else if p.docMarker(from) == 0 {
		from = p.lineEnd(from)
	}
	pos, col := from, 0
	if p.docMarker(from) == 0 {
		pos, col = p.significant(from)
	}
	if pos >= len(p.src) {
		p.pos = pos
		return doc, false
	}
	if col != 0 || p.docMarker(pos) == 0 {
		p.fail(pos, "unexpected content at column %d", col+1)
	}
	if p.docMarker(pos) == '.' {
		q := p.skipInline(pos + 3)
		if !p.atLineEnd(q) {
			p.fail(q, "content after a document end marker")
		}
		nq, _ := p.significant(q)
		p.pos = nq
		return doc, nq < len(p.src)
	}
	p.pos = pos
	return doc, true
}

func (p *yamlParser) lineStartOrSelf(pos int) int {
	if pos >= len(p.src) {
		return pos
	}
	return p.lineStart(pos)
}

// lineEndAfter returns the end of the line on which n ends.
func (p *yamlParser) lineEndAfter(n *node) int {
	if n == nil {
		return p.pos
	}
	e := n.end
	if e > 0 && p.src[e-1] == '\n' {
		return e - 1
	}
	// Blanks and a comment may follow on the line.
	q := p.skipInline(e)
	if !p.atLineEnd(q) {
		p.fail(q, "unexpected %q after a value", p.src[q])
	}
	return q
}

// blockNodeAt reads the node that starts at pos, in block context, as
// the value of something indented at parent (-1 for the root). inSeq is
// set for the content of a "- " entry on the same line.
func (p *yamlParser) blockNodeAt(pos, parent int, inSeq bool) *node {
	p.depth++
	if p.depth > maxDepth {
		p.fail(pos, "nested too deeply")
	}
	defer func() { p.depth-- }()
	col := p.col(pos)
	// Properties: anchors and tags, maybe alone on the line.
	for c := p.at(pos); c == '&' || c == '!'; c = p.at(pos) {
		pos = p.property(pos, false)
		q := p.skipInline(pos)
		if p.atLineEnd(q) {
			np, ncol := p.significant(q)
			if np >= len(p.src) || ncol <= parent || p.docMarker(np) != 0 && ncol == 0 {
				return &node{kind: scalarNode, start: q, end: q, line: p.line(q)}
			}
			return p.blockNodeAt(np, parent, false)
		}
		pos = q
		col = p.col(pos)
	}
	c := p.at(pos)
	switch {
	case c == '-' && p.blankOrEnd(pos+1):
		return p.blockSeq(pos, col)
	case c == '?' && p.blankOrEnd(pos+1):
		p.fail(pos, "explicit mapping keys are not supported")
	case c == '*':
		e := p.property(pos, false)
		if p.keyEnd(pos) >= 0 {
			return p.blockMap(pos, col)
		}
		return &node{kind: aliasNode, start: pos, end: e, value: string(p.src[pos+1 : e]), line: p.line(pos)}
	case c == '|' || c == '>':
		return p.blockScalar(pos, parent)
	}
	if p.keyEnd(pos) >= 0 {
		return p.blockMap(pos, col)
	}
	switch c {
	case '[', '{':
		return p.flowNode(pos, parent)
	case '"', '\'':
		n := p.quoted(pos, parent)
		return n
	}
	return p.plain(pos, parent, false)
}

// property returns the end of the anchor, alias or tag at pos. Anchor and
// alias names are letters, digits, '-' and '_', as goyaml reads them; a
// name followed by anything but a blank (or, in flow, an indicator) is
// refused.
func (p *yamlParser) property(pos int, flow bool) int {
	e := pos + 1
	if p.src[pos] == '!' {
		for e < len(p.src) && !p.blankOrEnd(e) && !(flow && inFlowIndicator(p.src[e])) {
			e++
		}
		return e
	}
	for e < len(p.src) && (isAlnumByte(p.src[e]) || p.src[e] == '-' || p.src[e] == '_') {
		e++
	}
	if e == pos+1 || !p.blankOrEnd(e) && !(flow && inFlowIndicator(p.src[e])) {
		p.fail(pos, "bad anchor or alias name")
	}
	return e
}

func isAlnumByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func inFlowIndicator(c byte) bool { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' }

// keyEnd returns the position of the ':' that ends an implicit block
// mapping key starting at pos, or -1 if none starts there. A key is a
// plain or quoted scalar on one line followed by ':' and a blank or the
// line end.
func (p *yamlParser) keyEnd(pos int) int {
	end := p.lineEnd(pos)
	switch c := p.at(pos); c {
	case '"', '\'':
		e := p.quoteEndOnLine(pos, end)
		if e < 0 {
			return -1
		}
		q := e
		for q < end && isBlank(p.src[q]) {
			q++
		}
		if q < end && p.src[q] == ':' && p.blankOrEnd(q+1) {
			return q
		}
		return -1
	case '[', '{', '#', '|', '>', '%', '@', '`', ',', ']', '}':
		return -1
	case '-', '?', ':':
		if p.blankOrEnd(pos + 1) {
			return -1
		}
	case '&', '!', '*':
		// A property or alias before a key: "&a key: v" is not
		// supported; "*a : v" neither.
		return -1
	}
	for q := pos; q < end; q++ {
		switch p.src[q] {
		case ':':
			if p.blankOrEnd(q + 1) {
				return q
			}
		case '#':
			if q > pos && isBlank(p.src[q-1]) {
				return -1
			}
		}
	}
	return -1
}

// quoteEndOnLine returns the position after the quote closing the
// scalar opening at pos, if it closes before end; else -1.
func (p *yamlParser) quoteEndOnLine(pos, end int) int {
	q := p.src[pos]
	for k := pos + 1; k < end; k++ {
		switch {
		case q == '"' && p.src[k] == '\\':
			k++
		case q == '\'' && p.src[k] == '\'' && k+1 < end && p.src[k+1] == '\'':
			k++
		case p.src[k] == q:
			return k + 1
		}
	}
	return -1
}

// blockMap reads a block mapping whose first key starts at pos, at
// column col.
func (p *yamlParser) blockMap(pos, col int) *node {
	m := &node{kind: mapNode, start: pos, line: p.line(pos)}
	for {
		ke := p.keyEnd(pos)
		if ke < 0 {
			p.fail(pos, "expected a mapping key")
		}
		var key *node
		if c := p.src[pos]; c == '"' || c == '\'' {
			key = p.quoted(pos, col)
		} else {
			e := ke
			for e > pos && isBlank(p.src[e-1]) {
				e--
			}
			key = &node{kind: scalarNode, start: pos, end: e, value: string(p.src[pos:e]), line: p.line(pos)}
		}
		val := p.blockValue(ke+1, col)
		m.keys = append(m.keys, key)
		m.vals = append(m.vals, val)
		end := ke + 1
		if val != nil && val.end > end {
			end = val.end
		}
		m.end = end
		np, ncol := p.significant(p.lineEndAfterPos(end))
		if np >= len(p.src) || ncol < col || ncol == 0 && p.docMarker(np) != 0 {
			return m
		}
		if ncol > col {
			p.fail(np, "bad indentation of a mapping entry")
		}
		if p.src[np] == '-' && p.blankOrEnd(np+1) {
			return m // a sequence at the parent's column ends this mapping
		}
		pos = np
	}
}

// lineEndAfterPos returns the end of the line holding the byte before
// end (or end's line), after checking that only blanks or a comment
// follow end on it.
func (p *yamlParser) lineEndAfterPos(end int) int {
	if end > 0 && end <= len(p.src) && p.src[end-1] == '\n' {
		return end - 1
	}
	q := p.skipInline(end)
	if !p.atLineEnd(q) {
		p.fail(q, "unexpected %q", p.src[q])
	}
	return q
}

// blockValue reads the value of a mapping key whose ':' is before pos;
// the key is at column col.
func (p *yamlParser) blockValue(pos, col int) *node {
	q := p.skipInline(pos)
	if !p.atLineEnd(q) {
		n := p.blockNodeAt(q, col, false)
		if (n.kind == mapNode || n.kind == seqNode) && !n.flow && p.line(n.start) == p.line(q) {
			p.fail(q, "a block collection cannot start on its key's line")
		}
		return n
	}
	np, ncol := p.significant(q)
	switch {
	case np >= len(p.src) || ncol == 0 && p.docMarker(np) != 0:
		return &node{kind: scalarNode, start: q, end: q, line: p.line(q)}
	case ncol > col:
		return p.blockNodeAt(np, col, false)
	case ncol == col && p.src[np] == '-' && p.blankOrEnd(np+1):
		return p.blockSeq(np, ncol) // compact: "key:\n- item"
	}
	return &node{kind: scalarNode, start: q, end: q, line: p.line(q)}
}

// blockSeq reads a block sequence whose first "-" is at pos, column col.
func (p *yamlParser) blockSeq(pos, col int) *node {
	s := &node{kind: seqNode, start: pos, line: p.line(pos)}
	for {
		q := p.skipInline(pos + 1)
		var item *node
		if p.atLineEnd(q) {
			np, ncol := p.significant(q)
			if np < len(p.src) && ncol > col && !(ncol == 0 && p.docMarker(np) != 0) {
				item = p.blockNodeAt(np, col, false)
			} else {
				item = &node{kind: scalarNode, start: q, end: q, line: p.line(q)}
			}
		} else {
			item = p.blockNodeAt(q, col, true)
		}
		s.items = append(s.items, item)
		end := pos + 1
		if item.end > end {
			end = item.end
		}
		s.end = end
		np, ncol := p.significant(p.lineEndAfterPos(end))
		if np >= len(p.src) || ncol < col || ncol == 0 && p.docMarker(np) != 0 {
			return s
		}
		if ncol > col || !(p.src[np] == '-' && p.blankOrEnd(np+1)) {
			if ncol == col {
				return s // the parent mapping's next key (compact sequence)
			}
			p.fail(np, "bad indentation of a sequence entry")
		}
		pos = np
	}
}

// blockScalar reads a literal or folded block scalar whose indicator is
// at pos; its content is indented more than parent.
func (p *yamlParser) blockScalar(pos, parent int) *node {
	n := &node{kind: scalarNode, start: pos, style: p.src[pos], line: p.line(pos)}
	q := pos + 1
	indent, chomp := 0, byte(0)
	for i := 0; i < 2 && q < len(p.src); i++ {
		c := p.src[q]
		switch {
		case c == '+' || c == '-':
			chomp = c
			q++
		case c >= '1' && c <= '9':
			indent = int(c-'0') + max(parent, 0)
			if parent < 0 {
				indent = int(c - '0')
			}
			q++
		}
	}
	q = p.skipInline(q)
	if !p.atLineEnd(q) {
		p.fail(q, "unexpected %q after a block scalar header", p.src[q])
	}
	end := q
	var lines []string
	for ls := p.nextLine(q); ls < len(p.src) && q < len(p.src); {
		le := p.lineEnd(ls)
		k := ls
		for k < le && p.src[k] == ' ' {
			k++
		}
		if k == le { // a line of spaces: empty, or spaces beyond the indentation
			if indent > 0 && k-ls > indent {
				lines = append(lines, string(p.src[ls+indent:le]))
				end = le
			} else if le < len(p.src) {
				lines = append(lines, "") // an empty line counts by its line break
			}
			ls = p.nextLine(le)
			continue
		}
		if indent == 0 {
			// As libyaml: content is indented by one at least, at the
			// root too.
			if k-ls <= parent || k-ls < 1 {
				break
			}
			indent = k - ls
		}
		if k-ls < indent {
			break
		}
		if k-ls == 0 && p.docMarker(ls) != 0 {
			break
		}
		lines = append(lines, string(p.src[ls+indent:le]))
		end = le
		ls = p.nextLine(le)
	}
	// Trailing empty lines belong to the scalar only with "+".
	trailing := 0
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
		trailing++
	}
	n.end = end
	sep := "\n"
	if n.style == '>' {
		sep = " "
	}
	n.value = strings.Join(lines, sep)
	// Chomping: the final line break is kept unless "-", and only if the
	// last line has one; "+" keeps the trailing empty lines too.
	if chomp != '-' && len(lines) > 0 && end < len(p.src) {
		n.value += "\n"
	}
	if chomp == '+' {
		n.value += strings.Repeat("\n", trailing)
	}
	return n
}

// quoted reads a single- or double-quoted scalar starting at pos; it may
// span lines.
func (p *yamlParser) quoted(pos, parent int) *node {
	q := p.src[pos]
	n := &node{kind: scalarNode, start: pos, style: q, line: p.line(pos)}
	var b strings.Builder
	k := pos + 1
	for {
		if k >= len(p.src) {
			p.fail(pos, "unclosed quoted scalar")
		}
		c := p.src[k]
		switch {
		case c == q && q == '\'' && p.at(k+1) == '\'':
			b.WriteByte('\'')
			k += 2
		case c == q:
			n.end = k + 1
			n.value = b.String()
			return n
		case c == '\\' && q == '"':
			k = p.escape(&b, k)
		case c == '\n' || c == '\r' && p.at(k+1) == '\n':
			// Folding: trailing blanks dropped, one line break becomes a
			// space, each further empty line a newline.
			s := strings.TrimRight(b.String(), " \t")
			b.Reset()
			b.WriteString(s)
			k = p.nextLine(k)
			empty := 0
			for {
				ls := k
				for k < len(p.src) && isBlank(p.src[k]) {
					k++
				}
				if k == ls && p.docMarker(ls) != 0 {
					p.fail(k, "document marker inside a quoted scalar")
				}
				if p.atLineEnd(k) && k < len(p.src) {
					empty++
					k = p.nextLine(k)
					continue
				}
				break
			}
			if empty == 0 {
				b.WriteByte(' ')
			}
			for ; empty > 0; empty-- {
				b.WriteByte('\n')
			}
		default:
			b.WriteByte(c)
			k++
		}
	}
}

// escape decodes the escape sequence at src[k] ('\\') into b and returns
// the position after it.
func (p *yamlParser) escape(b *strings.Builder, k int) int {
	c := p.at(k + 1)
	switch c {
	case '0':
		b.WriteByte(0)
	case 'a':
		b.WriteByte(7)
	case 'b':
		b.WriteByte(8)
	case 't', '\t':
		b.WriteByte('\t')
	case 'n':
		b.WriteByte('\n')
	case 'v':
		b.WriteByte(11)
	case 'f':
		b.WriteByte(12)
	case 'r':
		b.WriteByte('\r')
	case 'e':
		b.WriteByte(0x1b)
	case ' ', '"', '/', '\\':
		b.WriteByte(c)
	case 'N':
		b.WriteString("\u0085")
	case '_':
		b.WriteString("\u00a0")
	case 'L':
		b.WriteString("\u2028")
	case 'P':
		b.WriteString("\u2029")
	case 'x', 'u', 'U':
		w := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
		if k+2+w > len(p.src) {
			p.fail(k, "bad escape")
		}
		v, err := strconv.ParseUint(string(p.src[k+2:k+2+w]), 16, 32)
		if err != nil {
			p.fail(k, "bad escape")
		}
		b.WriteRune(rune(v))
		return k + 2 + w
	case '\n', '\r':
		// An escaped line break: the break and the next line's leading
		// blanks vanish.
		k = p.nextLine(k + 1)
		for k < len(p.src) && isBlank(p.src[k]) {
			k++
		}
		return k
	default:
		p.fail(k, "bad escape \\%c", c)
	}
	return k + 2
}

// plain reads a plain scalar starting at pos. In block context it may
// continue on lines indented more than parent; in flow context it ends at
// a flow indicator.
func (p *yamlParser) plain(pos, parent int, flow bool) *node {
	n := &node{kind: scalarNode, start: pos, flow: flow, line: p.line(pos)}
	var parts []string
	k := pos
	for {
		le := p.lineEnd(k)
		e := k
		stop := false
		for e < le {
			c := p.src[e]
			if c == '#' && e > pos && isBlank(p.src[e-1]) {
				break
			}
			// As goyaml reads it: ':' ends a plain scalar only before a
			// blank, in flow context too ("{0:}" is the key "0:").
			if c == ':' && p.blankOrEnd(e+1) {
				if flow {
					break // a key's end, in flow
				}
				p.fail(e, "a mapping value is not allowed here")
			}
			if flow && inFlowIndicator(c) {
				stop = true
				break
			}
			e++
		}
		t := e
		for t > k && isBlank(p.src[t-1]) {
			t--
		}
		if t > k {
			parts = append(parts, string(p.src[k:t]))
			n.end = t
		}
		if stop || e < le && (p.src[e] == ':' || flow) {
			break
		}
		if e < le { // a comment ends the scalar
			p.skipInline(e)
			break
		}
		// Continuation lines.
		np, ncol := p.nextContinuation(le, parent, flow)
		if np < 0 {
			break
		}
		if np > p.nextLine(le) && len(parts) > 0 {
			// Empty lines between: each is a newline.
			for ls := p.nextLine(le); ls < p.lineStart(np); ls = p.nextLine(ls) {
				parts = append(parts, "\n")
			}
		}
		_ = ncol
		k = np
	}
	var b strings.Builder
	for i, s := range parts {
		if i > 0 && s != "\n" && parts[i-1] != "\n" {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	n.value = b.String()
	if n.end == 0 {
		n.end = pos
	}
	return n
}

// nextContinuation returns the start of the next line continuing a plain
// scalar, or -1.
func (p *yamlParser) nextContinuation(le, parent int, flow bool) (int, int) {
	ls := p.nextLine(le)
	for ls < len(p.src) {
		k := ls
		for k < len(p.src) && isBlank(p.src[k]) {
			k++
		}
		if p.atLineEnd(k) {
			ls = p.nextLine(k)
			continue
		}
		if p.src[k] == '#' {
			return -1, 0
		}
		col := k - ls
		if !flow && col <= parent || col == 0 && p.docMarker(ls) != 0 {
			return -1, 0
		}
		if !flow && (p.keyEnd(k) >= 0 || p.src[k] == '-' && p.blankOrEnd(k+1) && col <= parent+1) {
			return -1, 0
		}
		return k, col
	}
	return -1, 0
}

// flowNode reads a flow collection starting at pos ('[' or '{').
func (p *yamlParser) flowNode(pos, parent int) *node {
	p.depth++
	if p.depth > maxDepth {
		p.fail(pos, "nested too deeply")
	}
	defer func() { p.depth-- }()
	open := p.src[pos]
	n := &node{kind: seqNode, start: pos, flow: true, line: p.line(pos)}
	closer := byte(']')
	if open == '{' {
		n.kind, closer = mapNode, '}'
	}
	k := pos + 1
	for {
		k = p.flowSpace(k, parent)
		if k >= len(p.src) {
			p.fail(pos, "unclosed flow collection")
		}
		if p.src[k] == closer {
			n.end = k + 1
			return n
		}
		// An entry.
		entry, e := p.flowScalarOrNode(k, parent)
		k = p.flowSpace(e, parent)
		if n.kind == mapNode || p.at(k) == ':' {
			var val *node
			if p.at(k) == ':' {
				k = p.flowSpace(k+1, parent)
				if c := p.at(k); c == ',' || c == closer {
					val = &node{kind: scalarNode, start: k, end: k, flow: true, line: p.line(k)}
				} else {
					val, k = p.flowScalarOrNode(k, parent)
					k = p.flowSpace(k, parent)
				}
			} else {
				val = &node{kind: scalarNode, start: k, end: k, flow: true, line: p.line(k)}
			}
			if n.kind == mapNode {
				n.keys = append(n.keys, entry)
				n.vals = append(n.vals, val)
			} else {
				// "[a: b]": a single-pair mapping inside a sequence.
				n.items = append(n.items, &node{kind: mapNode, flow: true, start: entry.start, end: val.end, keys: []*node{entry}, vals: []*node{val}, line: entry.line})
			}
		} else {
			n.items = append(n.items, entry)
		}
		switch p.at(k) {
		case ',':
			k++
		case closer:
		default:
			p.fail(k, "expected ',' or %q in a flow collection", closer)
		}
	}
}

// flowSpace skips blanks, line breaks and comments inside a flow
// collection.
func (p *yamlParser) flowSpace(k, parent int) int {
	for k < len(p.src) {
		c := p.src[k]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if c == '\n' && p.docMarker(k+1) != 0 {
				p.fail(k+1, "document marker inside a flow collection")
			}
			k++
		case c == '#' && (k == 0 || isBlank(p.src[k-1]) || p.src[k-1] == '\n'):
			e := p.lineEnd(k)
			p.comment(k, e)
			k = e
		default:
			return k
		}
	}
	return k
}

// flowScalarOrNode reads one node inside a flow collection and returns
// it with the position after it.
func (p *yamlParser) flowScalarOrNode(k, parent int) (*node, int) {
	for c := p.at(k); c == '&' || c == '!'; c = p.at(k) {
		k = p.property(k, true)
		k = p.flowSpace(k, parent)
	}
	switch c := p.at(k); c {
	case '[', '{':
		n := p.flowNode(k, parent)
		return n, n.end
	case '"', '\'':
		n := p.quoted(k, parent)
		n.flow = true
		return n, n.end
	case '*':
		e := p.property(k, true)
		return &node{kind: aliasNode, start: k, end: e, flow: true, value: string(p.src[k+1 : e]), line: p.line(k)}, e
	case ',', ']', '}', ':':
		if c == ':' && !p.blankOrEnd(k+1) {
			break // ":x" is a plain scalar
		}
		return &node{kind: scalarNode, start: k, end: k, flow: true, line: p.line(k)}, k
	case '?':
		p.fail(k, "explicit mapping keys are not supported")
	case '-':
		if p.blankOrEnd(k + 1) {
			p.fail(k, "block indicator %q inside a flow collection", c)
		}
	case '|', '>', '%', '@', '`', '#':
		p.fail(k, "unexpected %q in a flow collection", c)
	}
	n := p.plain(k, parent, true)
	return n, max(n.end, k)
}
