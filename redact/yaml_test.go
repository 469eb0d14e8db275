package redact

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"
)

// flatten lists a parsed document as "path = value" lines: the shape and
// every scalar, so that two parsers can be compared.
func flatten(n *node, path string, out *[]string) {
	if n == nil {
		*out = append(*out, path+` = "~"`)
		return
	}
	switch n.kind {
	case scalarNode:
		v := n.value
		if n.style == '>' {
			v = "(folded)"
		} else if n.isNull() || v == "" {
			v = "~" // empty and null alike: tags aside, both say nothing
		}
		*out = append(*out, fmt.Sprintf("%s = %q", path, v))
	case aliasNode:
		*out = append(*out, path+" = *"+n.value)
	case mapNode:
		*out = append(*out, path+" {}")
		for i, k := range n.keys {
			flatten(n.vals[i], path+"."+k.value, out)
		}
	case seqNode:
		*out = append(*out, path+" []")
		for i, it := range n.items {
			flatten(it, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

func flattenGo(n *yamlv3.Node, path string, out *[]string) {
	switch n.Kind {
	case yamlv3.DocumentNode:
		if len(n.Content) == 0 {
			*out = append(*out, path+` = "~"`)
			return
		}
		flattenGo(n.Content[0], path, out)
	case yamlv3.ScalarNode:
		v := n.Value
		if n.Style&yamlv3.FoldedStyle != 0 {
			v = "(folded)"
		} else if n.Tag == "!!null" || v == "" {
			v = "~"
		}
		*out = append(*out, fmt.Sprintf("%s = %q", path, v))
	case yamlv3.AliasNode:
		*out = append(*out, path+" = *"+n.Value)
	case yamlv3.MappingNode:
		*out = append(*out, path+" {}")
		for i := 0; i+1 < len(n.Content); i += 2 {
			flattenGo(n.Content[i+1], path+"."+n.Content[i].Value, out)
		}
	case yamlv3.SequenceNode:
		*out = append(*out, path+" []")
		for i, c := range n.Content {
			flattenGo(c, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

// compareParsers reports how the two parsers read data: both refuse it,
// or only one does, or both read it the same way (or not).
func compareParsers(data []byte) (ours, theirs []string, oursErr, theirsErr error) {
	f, oursErr := parseYAML(data)
	if oursErr == nil {
		for i, d := range f.docs {
			flatten(d.root, fmt.Sprintf("doc%d", i), &ours)
		}
	}
	dec := yamlv3.NewDecoder(bytes.NewReader(data))
	for i := 0; ; i++ {
		var n yamlv3.Node
		err := dec.Decode(&n)
		if err != nil {
			if err.Error() != "EOF" {
				theirsErr = err
			}
			break
		}
		flattenGo(&n, fmt.Sprintf("doc%d", i), &theirs)
	}
	return
}

func TestParseYAMLTable(t *testing.T) {
	tests := []string{
		"a: 1\nb: two\n",
		"a:\n- x\n- y\nb: z\n",
		"- a: 1\n  b: 2\n- c: 3\n",
		"a: |\n  line1\n  line2\nb: 1\n",
		"a: |-\n  kept\n\n  para\nb: 1\n",
		"a: >\n  folded\n  text\nb: 1\n",
		"a: |2\n    indented\nb: 1\n",
		"a: 'it''s'\nb: \"esc\\t\\\"q\\u00e9\"\n",
		"a: \"multi\n  line\"\nb: 'also\n\n  here'\n",
		"a: plain\n  continued\n  more\nb: c\n",
		"{\"json\": [1, 2, {\"x\": null}], \"y\": \"s\"}\n",
		"a: {b: c, d: [e, f]}\n",
		"a: [x, {y: z}, [1, 2]]\n",
		"a: &anc\n  b: 1\nc: *anc\n",
		"---\na: 1\n---\nb: 2\n...\n",
		"--- |\n  block root\n",
		"# comment\na: 1 # trailing\n# end\n",
		"a: \"x # not a comment\"\nb: c#d\n",
		"a:\r\n  b: c\r\n",
		"\xEF\xBB\xBFa: 1\n",
		"a: !!str 123\nb: !custom\n  c: d\n",
		"a:\n  - b\n  -\n    c: d\n",
		"a: ''\nb:\nc: ~\n",
		"key with spaces: v\n\"quoted key\": v2\n",
		"a: [\n  1,\n  2\n]\n",
		"a: {\n  \"b\":\"c\",\n  d: e\n}\n",
		"- - a\n  - b\n- c\n",
		"a: -1\nb: -item\n",
		"a: http://x:80/p\n",
		"%YAML 1.1\n---\na: 1\n",
	}
	for _, in := range tests {
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
	}
	// What the reader refuses, it must refuse as a SyntaxError, never a panic.
	for _, in := range []string{"a: b: c\n", "a:\n\t- tab\n", "? explicit\n: key\n", "a: [unclosed\n", "a: \"unclosed\n", "a: 1\n b: 2\n", "a:\n  - x\n y: z\n", "b: - item\n"} {
		if _, err := parseYAML([]byte(in)); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}

// TestParseYAMLCorpus compares the reader with goyaml on every YAML and
// JSON file of the fixture specs and the test inputs.
func TestParseYAMLCorpus(t *testing.T) {
	var files []string
	for _, root := range []string{"../fixtures/specs", "testdata/files"} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				switch strings.TrimSuffix(filepath.Ext(strings.TrimSuffix(p, ".in")), ".in") {
				case ".yaml", ".yml", ".conf", ".json", ".conflist", ".kubeconfig", ".config":
					files = append(files, p)
				}
			}
			return nil
		})
	}
	compared := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ours, theirs, oe, te := compareParsers(data)
		switch {
		case te != nil:
			continue // not YAML: a systemd drop-in, an INI file
		case oe != nil:
			t.Errorf("%s: goyaml reads it, ours refuses it: %v", p, oe)
		case !slices.Equal(ours, theirs):
			t.Errorf("%s: read differently:\n ours   %q\n goyaml %q", p, ours, theirs)
		default:
			compared++
		}
	}
	if compared < 60 {
		t.Errorf("only %d files compared", compared)
	}
}

// FuzzParseYAML: the reader never panics, and where both it and goyaml
// read a document they read the same tree.
func FuzzParseYAML(f *testing.F) {
	for _, s := range []string{"a: 1\n", "- [a, {b: c}]\n", "a: |\n  x\n", "k: \"v\\n\"\n", "{\"a\":[1,2]}"} {
		f.Add([]byte(s))
	}
	for _, p := range []string{"testdata/files/kube-apiserver.yaml.in", "testdata/files/pod-tricky.yaml.in", "testdata/files/kubeadm-config.yaml.in"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ours, theirs, oe, te := compareParsers(data)
		if oe == nil && te == nil && !slices.Equal(ours, theirs) {
			t.Fatalf("read differently:\n ours   %q\n goyaml %q", ours, theirs)
		}
	})
}
