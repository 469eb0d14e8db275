package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/results"
)

// catalogSeeds returns every embedded catalog file, the test catalog, and
// YAML meant to hurt a parser. It fails if the embedded catalogs are not
// found.
func catalogSeeds(t testing.TB) [][]byte {
	t.Helper()
	var seeds [][]byte
	err := fs.WalkDir(embedded, "data", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := embedded.ReadFile(p)
		seeds = append(seeds, data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seeds) < 5 {
		t.Fatalf("%d embedded catalog files, want at least 5", len(seeds))
	}
	return append(seeds,
		[]byte(goodSection),
		[]byte("a: &a [*a, *a]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"), // aliases
		[]byte(strings.Repeat("[", 500)+strings.Repeat("]", 500)),                       // nesting
		[]byte("benchmark: b\ntarget: master\nid: \"1\"\ntitle: T\ngroups:\n- id: \"1.1\"\n  title: G\n  checks:\n  - id: \"1.1.1\"\n    title: C\n    assessment: automated\n    component: none\n    remediation: r\n    test: {any: [{all: [{flag: x, op: regex, value: \"(a+)+$\"}]}, {file: {under: /etc, name: \"*.crt\", self: true}, op: mode, value: \"0644\", absent: warn}]}\n"),
		[]byte("id: 1.10\nbenchmark: 1e400\n"),
		[]byte("benchmark: b\nbenchmark: c\n"), // duplicate keys
		[]byte("\xff\xfe"),
	)
}

// FuzzParseSection feeds the strict catalog loader arbitrary files. It
// must never panic; every error is a *CatalogError naming the file; and a
// section it accepts is valid: it validates again, and written back as
// YAML it parses to the same section.
func FuzzParseSection(f *testing.F) {
	for _, s := range catalogSeeds(f) {
		f.Add(s)
	}
	const file = "fuzz/master.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		sec, err := parseSectionV1(file, data, "b")
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T %q is not a *Error", err, err)
			}
			if ce.File != file || !strings.Contains(err.Error(), file) {
				t.Fatalf("error %q does not name the file", err)
			}
			if sec != nil {
				t.Fatal("a section returned with an error")
			}
			return
		}
		for _, g := range sec.Groups {
			for i, c := range g.Checks {
				if c.Target != sec.Target || c.Group != g.ID || !slices.Contains(Components, c.Component) {
					t.Fatalf("check %s not filled in: target %q group %q component %q", c.ID, c.Target, c.Group, c.Component)
				}
				if c.Test == nil && !c.Review {
					t.Fatalf("check %s has no test and is not a review", c.ID)
				}
				if i > 0 && results.CompareIDs(g.Checks[i-1].ID, c.ID) > 0 {
					t.Fatalf("checks not sorted: %s before %s", g.Checks[i-1].ID, c.ID)
				}
			}
		}
		// The same bytes give the same section.
		again, err := parseSectionV1(file, data, "b")
		if err != nil {
			t.Fatalf("accepted once, refused the second time: %v", err)
		}
		a, _ := json.Marshal(sec.View())
		b, _ := json.Marshal(again.View())
		if !bytes.Equal(a, b) {
			t.Fatalf("the same file read twice gives two sections:\n%s\n%s", a, b)
		}
	})
}

// TestCatalogHostile: files the fuzzer found or that a careless strict
// loader lets through. Each is refused with a *CatalogError, no panic.
func TestCatalogHostile(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		// testdata/fuzz/FuzzParseSection/e94d3d5bdd0977d9: a null group.
		{"null group", "groups:\n- id: \"1.2\"", "groups:\n-\n- id: \"1.2\"", "an empty group"},
		{"null check", "  checks:\n  - id: \"1.2.10\"", "  checks:\n  -\n  - id: \"1.2.10\"", "an empty check"},
		// encoding/json folds case: these were accepted, and the second
		// spelling silently overrode the first.
		{"key in another case", "benchmark: b", "Benchmark: b", `unknown key "Benchmark"`},
		{"key twice in two cases", "title: Master", "title: Master\nTITLE: Other", `unknown key "TITLE"`},
		{"nested key in another case", "      op: eq", "      Op: eq", `unknown key "Op" at groups[0].checks[1].test`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(goodSection, tt.old) {
				t.Fatalf("test bug: %q not in the good section", tt.old)
			}
			_, err := parseSectionV1("master.yaml", []byte(strings.Replace(goodSection, tt.old, tt.new, 1)), "b")
			var ce *Error
			if !errors.As(err, &ce) || ce.File != "master.yaml" || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a *Error naming master.yaml and %q", err, tt.want)
			}
		})
	}
}
