package redact

import (
	"slices"
	"strings"
	"testing"
)

// Tests of the YAML reader at the edges of its input: files that end
// without a line break (or inside a token), CRLF, byte order marks,
// Unicode line breaks, document markers, blanks around keys, anchors, the
// nesting bound; the spans it gives its nodes, which redaction replaces
// in place; the line and text of what it refuses (issue 15, make mutate).

// checkSpans checks that every node's span is where its text is.
func checkSpans(t *testing.T, src string, n *node, path string) {
	t.Helper()
	if n == nil {
		return
	}
	if n.start < 0 || n.end < n.start || n.end > len(src) {
		t.Errorf("%q %s: span [%d,%d) out of the source", src, path, n.start, n.end)
		return
	}
	text := src[n.start:n.end]
	if want := strings.Count(src[:n.start], "\n") + 1; n.line != want {
		t.Errorf("%q %s: line %d, want %d", src, path, n.line, want)
	}
	switch n.kind {
	case scalarNode:
		switch n.style {
		case 0:
			if !strings.ContainsAny(text, "\n") && text != n.value {
				t.Errorf("%q %s: plain span %q, value %q", src, path, text, n.value)
			}
		case '"', '\'':
			if len(text) < 2 || text[0] != n.style || text[len(text)-1] != n.style {
				t.Errorf("%q %s: quoted span %q", src, path, text)
			}
		case '|', '>':
			if text == "" || text[0] != n.style || strings.HasSuffix(text, "\n") {
				t.Errorf("%q %s: block span %q", src, path, text)
			}
		}
	case aliasNode:
		if text != "*"+n.value {
			t.Errorf("%q %s: alias span %q, name %q", src, path, text, n.value)
		}
	case mapNode:
		for i, k := range n.keys {
			checkSpans(t, src, k, path+".key")
			checkSpans(t, src, n.vals[i], path+"."+k.value)
			if k.start < n.start || n.vals[i].end > n.end {
				t.Errorf("%q %s: entry %q [%d,%d) outside the mapping [%d,%d)", src, path, k.value, k.start, n.vals[i].end, n.start, n.end)
			}
		}
	case seqNode:
		for i, it := range n.items {
			checkSpans(t, src, it, path+"[]")
			if it.start < n.start || it.end > n.end || i > 0 && it.start < n.items[i-1].end {
				t.Errorf("%q %s: item %d [%d,%d) outside the sequence [%d,%d) or before the last", src, path, i, it.start, it.end, n.start, n.end)
			}
		}
	}
}

// TestParseYAMLEdges: inputs read as goyaml reads them, spans right.
func TestParseYAMLEdges(t *testing.T) {
	for _, in := range []string{
		// The end of the file without a line break, in every token.
		"a", "'a'", "\"a\"", "'a'  ", "a:", "a: ", "a: b", "a: &x", "a: !t", "a: &x 1\nb: *x", "- x", "-", "- ", "a: [x]", "a: {b: c}", "[a, b]",
		"a: 'x'", "a: \"x\"", "a: 1 # c", "a: 1\n# c", "a:\n  b: c", "a: |\n  x", "a: >-\n  x", "- 'a'", "'a': 1", "\"a\": 1",
		// Line ends and prefixes.
		"\na: 1\n", "\n\na: 1\n\n", "\r\na: 1\r\n", "a: 1\r\nb: 2\r\n", "# c\na: 1\n", "\xEF\xBB\xBFa: 1\n", "\xEF\xBB\xBF", "\xEF\xBB\xBFa",
		"a: x\u2019y\u20acz\n", // E2 80 99 and E2 82 AC: no line breaks
		// Document markers.
		"---", "---\n", "a: 1\n---", "---\n---\na: 1\n", "a: 1\n...\n", "a: 1\n...\n---\nb: 2\n", "a: 1\n---\nb", "--- a\n",
		"--- |\n  x\n---\nb: 1\n", "--- >\n  x\n...\n", "--- |1\n  x\n", "&a\n---\nb: 1\n", "a: &x\n---\nb: 1\n", "--- &a\n", "!t\n...\n",
		"- &a\n---\n", "---\n- a\n...\n", "--- # c\na: 1\n",
		// Keys: blanks, quotes, "#", "-".
		"'a' : 1\n", "\"a\"\t: 1\n", "'a'  :  1\n", "a  : 1\n", "a: 1\nb : 2\n", "a: 1\n-x: 2\n", "a: 1\n-: 2\n", "a#b: 1\n", "a# b: 1\n",
		"a #b: 1\n", "'a#': 1\n", "'it''s': 1\n", "\"a\\\"b\": 1\n", "'a': 'b'\n'c': d\n",
		// Sequences and their items.
		"-\n- x\n", "- \n- x", "- - - x\n", "a:\n- x\n- y\nb: 1\n", "a:\n  -\n  - x\n", "- a: 1\n  b: 2\n- c\n", "- |\n  x\n- y\n",
		// Anchors and aliases.
		"a: &x-1_b 1\nb: *x-1_b\n", "a: &Z9 1\nb: *Z9\n", "a: &az 1\nb: *az\n", "- &a\n  b: 1\n- *a\n", "[&a x, *a]\n", "{a: &b c, d: *b}\n",
		// Block scalars.
		"a: |\n  x\nb: 1\n", "a: |+\n  x\n\nb: 1\n", "a: >\n  x\n  y\n", "a: |2\n   x\n", "a: |\n\n  x\n",
		"a:\n  b: |\n    x\n  c: 1\n", "a: |", "a: |-", "a: >+", "a: |2", "a:\n  b: |1\n    x\n", "a:\n  b: >2\n     x\n",
		"--- |\n x\n", "|\n x\n", "- |\n x\n", "a: |\n  x\n  \nb: 1\n", "a: |\n  x\n   \n", "a: |+\n  x\n  \n",
		"k:\n- a\n-x: 1\n", "k:\n- a\nl: 1\n",
		// Continuation lines of a plain scalar: deeper than its parent,
		// a "- " only two columns deeper or more, a "---" ends it.
		"a: x\n y\n", "- a\n b\n", "a: x\n  - b\n", "- a\n  - b\n", "a: x\n -b\n", "- a\n -b\n", "a\n---\nb\n", "a\n b\n",
		// Plain scalars: "#" starts a comment only after a blank; empty
		// lines between lines of a multi-line scalar; flow scalars over
		// lines.
		"a: 1 #c\n", "a: x# y\n", "a: x#\n", "- x #y\n", "a: x\n\n  y\n", "a: x\n\n\n  y\n  z\n", "a: x\n  \n  y\n",
		"[a\n, b]\n", "a: [b,\n --- ]\n", "[a\n b]\n", "{a: b\n c}\n", "[a,\n\n b]\n",
		// Escapes.
		"a: \"\\x41\\u00e9\\U0001F600\"\n", "a: \"\\x41\"",
		// Quoted scalars over lines.
		"a: 'x\n  y'\n", "a: \"x\\\n  y\"\n", "a: \"x\n\n  y\"\n", "a: \"x\n\\\n  y\"\n", "a: \"x\\\r\n  y\"\r\n",
	} {
		ours, theirs, oe, te := compareParsers([]byte(in))
		if te != nil {
			t.Errorf("%q: goyaml refuses it (%v): not a valid case", in, te)
			continue
		}
		if oe != nil {
			t.Errorf("%q: %v", in, oe)
			continue
		}
		if !slices.Equal(ours, theirs) {
			t.Errorf("%q:\n ours   %q\n goyaml %q", in, ours, theirs)
		}
		f, _ := parseYAML([]byte(in))
		for _, d := range f.docs {
			checkSpans(t, in, d.root, "root")
		}
	}
}

// TestParseYAMLRefused: what the reader refuses, by line and reason.
func TestParseYAMLRefused(t *testing.T) {
	for _, tt := range []struct {
		in   string
		line int
		msg  string
	}{
		{"a: 1\r", 1, "a carriage return that ends no line"},
		{"a: 1\nb: 2\r", 2, "a carriage return that ends no line"},
		{"a: 1\rb: 2\n", 1, "a carriage return that ends no line"},
		{"a: x\u0085y\n", 1, "a Unicode line break"},
		{"a: 1\nb: x\u2028y\n", 2, "a Unicode line break"},
		{"a: x\u2029y\n", 1, "a Unicode line break"},
		{"\u2028", 1, "a Unicode line break"},
		{"a: \xff\n", 1, "not valid UTF-8"},
		{"a: \x01\n", 1, "control character"},
		{"a: 'x'#c\n", 1, "unexpected '#'"},
		{"a: 'x' y\n", 1, "unexpected 'y'"},
		{"\"a", 1, "unclosed quoted scalar"},
		{"'a", 1, "unclosed quoted scalar"},
		{"a: \"x\n", 1, "unclosed quoted scalar"},
		{"a: & x\n", 1, "bad anchor or alias name"},
		{"a: &\n", 1, "bad anchor or alias name"},
		{"a: &x.y 1\n", 1, "bad anchor or alias name"},
		{"'a'\nb\n", 2, "unexpected content at column 1"},
		{"a: 1\n...\nb\n c: 1\n", 4, "unexpected content at column 2"},
		{"--- |\nfoo\n", 2, "unexpected content at column 1"},
		{"a: 1\n... x\n", 2, "content after a document end marker"},
		{"a: b\n\t- c\n", 2, "a tab indents a line"},
		{"? a\n", 1, "explicit mapping keys are not supported"},
		{"a:\n  b: 1\n c: 2\n", 3, "bad indentation of a mapping entry"},
		{"- a\n - b\n", 2, "bad indentation of a sequence entry"},
		{"a: |x\n", 1, "unexpected 'x' after a block scalar header"},
		{"a: |1-+\n  x\n", 1, "unexpected '+' after a block scalar header"},
		{"a:\n  b: |\n  x\n", 3, "expected a mapping key"},
		{"a: x\nb\n", 2, "expected a mapping key"},
		{"- a\n - b\n", 2, "bad indentation of a sequence entry"}, // goyaml reads "a - b"
		{"a: x\n - b\n", 2, "bad indentation of a mapping entry"},
		{"- a\n  b: c\n", 2, "bad indentation of a sequence entry"},
		{"[a\n---\n]\n", 2, "document marker inside a flow collection"},
		{"a: 'x\n---\n  y'\n", 2, "document marker inside a quoted scalar"},
		{"a: \"x\n...\n\"\n", 2, "document marker inside a quoted scalar"},
		{"a: [b, \n", 1, "unclosed flow collection"},
		{"a: [b,\n---\n]\n", 2, "document marker inside a flow collection"},
		{"a: {b: c,\n...\n}\n", 2, "document marker inside a flow collection"},
		{"a: [b\n", 2, "expected ',' or ']' in a flow collection"},
		{"a: \"\\q\"\n", 1, "bad escape \\q"},
		{"a: \"\\x41", 1, "unclosed quoted scalar"},
		{"a: \"x\\\n  ", 1, "unclosed quoted scalar"},
		{"a: \"\\x4", 1, "bad escape"},
		{"a: \"\\u00e", 1, "bad escape"},
		{"a: \"\\U0001F60", 1, "bad escape"},
		{"a: \"\\xg1\"\n", 1, "bad escape"},
		{"a: b: c\n", 1, "a block collection cannot start on its key's line"},
	} {
		_, err := parseYAML([]byte(tt.in))
		se, ok := err.(*SyntaxError)
		if !ok || se.Line != tt.line || se.Msg != tt.msg {
			t.Errorf("parseYAML(%q) = %v, want line %d: %s", tt.in, err, tt.line, tt.msg)
		}
	}
}

// TestParseYAMLSubslice: the reader reads its input's bytes, never those
// past its end that the slice's capacity holds.
func TestParseYAMLSubslice(t *testing.T) {
	for _, full := range []string{"a: \"\\x41\"\n", "a: \"\\u00e9\"\n", "a: \"\\U0001F600\"\n"} {
		b := []byte(full)
		n := strings.IndexByte(full, '\\') + 3 // the escape cut after its first digit
		_, err := parseYAML(b[:n])
		if se, ok := err.(*SyntaxError); !ok || se.Msg != "bad escape" {
			t.Errorf("parseYAML(%q, followed in memory by %q) = %v, want a bad escape", b[:n], full[n:], err)
		}
	}
}

// TestParseYAMLDepth: nesting is bounded at 200 nodes.
func TestParseYAMLDepth(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{strings.Repeat("- ", 199) + "x\n", true}, // 200 nodes deep
		{strings.Repeat("- ", 200) + "x\n", false},
		{strings.Repeat("[", 199) + strings.Repeat("]", 199) + "\n", true},
		{strings.Repeat("[", 201) + strings.Repeat("]", 201) + "\n", false},
		{"a: " + strings.Repeat("[", 199) + strings.Repeat("]", 199) + "\n", false},
		{"a: " + strings.Repeat("[", 198) + strings.Repeat("]", 198) + "\n", true},
		// Depth is nesting, not count: siblings do not add up.
		{"[" + strings.Repeat("[], ", 300) + "]\n", true},
		{"{" + strings.Repeat("a: {}, ", 300) + "}\n", true},
		{strings.Repeat("- a\n", 300), true},
		{strings.Repeat("- [a]\n", 300), true},
		{strings.Repeat("a: b\n", 300), true},
	} {
		_, err := parseYAML([]byte(tt.in))
		if se, _ := err.(*SyntaxError); (err == nil) != tt.ok || err != nil && se.Msg != "nested too deeply" {
			t.Errorf("parseYAML(%.20q… %d bytes) = %v, want ok %v", tt.in, len(tt.in), err, tt.ok)
		}
	}
}

// TestParseYAMLStream: the documents of a stream ("r" for one with a
// root, "-" for an empty one), the comments found (each once), and blank
// or commented tails that hold no document.
func TestParseYAMLStream(t *testing.T) {
	for _, tt := range []struct {
		in       string
		docs     string
		comments []string
	}{
		{"", "", nil},
		{"\n", "", nil},
		{"# a\n", "", []string{" a"}},
		{"a: 1 # b\n# c\nd: 2 #e\n", "r", []string{" b", " c", "e"}},
		{"a: 1\n...\n", "r", nil},
		{"a: 1\n...", "r", nil},
		{"a: 1\n...\n# c\n", "r", []string{" c"}},
		{"a: 1\n...\nb: 2\n", "rr", nil},   // YAML 1.2: a bare document after "..."
		{"a: 1\n...\n  b: 2\n", "rr", nil}, // … indented
		{"a: 1\n---\n", "r-", nil},
		{"a: 1\n---", "r-", nil},
		{"a: 1\n---\n# c\n", "r-", []string{" c"}},
		{"---\n", "-", nil},
		{"---\n...\n", "-", nil},
		{"---\n---\na: 1\n", "-r", nil},
		{"--- # a\n--- # b\n", "--", []string{" a", " b"}},
		{"a: |\n  x\n# c\n", "r", []string{" c"}},
		{"a: [x, # c\n  y]\n", "r", []string{" c"}},
		{"a:   # c\n  b: 1\n", "r", []string{" c"}},
		{"- # c\n  x\n", "r", []string{" c"}},
		{"a: &x # c\n  b: 1\n", "r", []string{" c"}},
	} {
		f, err := parseYAML([]byte(tt.in))
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		var cs []string
		for _, c := range f.comments {
			cs = append(cs, tt.in[c.start:c.end])
		}
		docs := ""
		for _, d := range f.docs {
			if d.root == nil {
				docs += "-"
			} else {
				docs += "r"
			}
		}
		if docs != tt.docs || !slices.Equal(cs, tt.comments) {
			t.Errorf("%q: documents %q, comments %q; want %q, %q", tt.in, docs, cs, tt.docs, tt.comments)
		}
	}
}

// TestFileEmptyDocuments: an empty document names no type.
func TestFileEmptyDocuments(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"
	for _, in := range []string{pod + "---\n", "---\n" + pod, pod + "---\n---\n", pod + "...\n", "# c\n---\n" + pod + "---"} {
		f := New(nil).File("/etc/kubernetes/manifests/a.yaml", []byte(in), Via{})
		if f.Type != "pod" || f.Skipped != "" {
			t.Errorf("%q: type %q (skipped %q), want pod", in, f.Type, f.Skipped)
		}
	}
}

// TestParseYAMLSpans: where scalars start and end, to the byte, where a
// redaction would replace them.
func TestParseYAMLSpans(t *testing.T) {
	for _, tt := range []struct {
		in         string
		path       []string
		start, end int
	}{
		{"a: |\n  x\n  \nb: 1\n", []string{"a"}, 3, 8},   // a line of blanks no longer than the indentation is not in it
		{"a: |\n  x\n   \nb: 1\n", []string{"a"}, 3, 12}, // a longer one is content
		{"a: |\n  x\n   \n  y\n", []string{"a"}, 3, 16},  // … unless content follows
		{"a: |+\n  x\n\nb: 1\n", []string{"a"}, 3, 9},    // kept empty lines are in the value, not the span
		{"a: 'x'  # c\n", []string{"a"}, 3, 6},
		{"a: x y  \nb: 1\n", []string{"a"}, 3, 6},
		{"a: x\n  y\nb: 1\n", []string{"a"}, 3, 8},
		{"a:\n- x\n-  y \n", []string{"a", "1"}, 10, 11},
		{"\xEF\xBB\xBFa: b\n", []string{"a"}, 6, 7},
		{"a: [x, 'y' ]\n", []string{"a", "1"}, 7, 10},
	} {
		f, err := parseYAML([]byte(tt.in))
		if err != nil || len(f.docs) != 1 {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		n := f.docs[0].root
		for _, k := range tt.path {
			switch n.kind {
			case mapNode:
				n = n.get(k)
			case seqNode:
				n = n.items[int(k[0]-'0')]
			}
		}
		if n == nil || n.start != tt.start || n.end != tt.end {
			t.Errorf("%q %v: node %+v, want [%d,%d)", tt.in, tt.path, n, tt.start, tt.end)
		}
	}
}

func TestIsAlnumByte(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if got := isAlnumByte(byte(c)); got != want {
			t.Errorf("isAlnumByte(%q) = %v, want %v", byte(c), got, want)
		}
	}
}
