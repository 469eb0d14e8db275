package catalog

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestExtends: a benchmark that extends an embedded one has its checks,
// less the dropped ids, with its own entries replacing those of the same
// id and adding the others.
func TestExtends(t *testing.T) {
	const head = "format: 2\nbenchmark: site\ntitle: Site policy\nversion: site-1\nkubernetes: {from: \"1.32\", to: \"1.33\"}\nextends: cis-1.12\n"
	file := head + `drop: ["1.1.9", "1.1.10"]
sections:
  - target: master
    groups:
      - id: "1.2"
        checks:
          - {id: "1.2.15", check: apiserver-profiling, review: true}
          - {id: "1.2.99", check: apiserver-profiling, title: "Profiling, again"}
      - id: "1.9"
        title: Site group
        checks:
          - {id: "1.9.1", check: apiserver-profiling}
`
	cat, err := Load(fstest.MapFS{"site.yaml": {Data: []byte(file)}}, "site", "testdir")
	if err != nil {
		t.Fatal(err)
	}
	base, err := LoadEmbedded("cis-1.12")
	if err != nil {
		t.Fatal(err)
	}
	got, want := checkIndex(cat), checkIndex(base)
	for _, id := range []string{"1.1.9", "1.1.10"} {
		if got[id] != nil {
			t.Errorf("%s: dropped, still there", id)
		}
		delete(want, id)
	}
	if c := got["1.2.15"]; c == nil || !c.Review {
		t.Errorf("1.2.15: want the replacing entry (a review), got %+v", c)
	}
	if c := got["1.2.99"]; c == nil || c.Title != "Profiling, again" {
		t.Errorf("1.2.99: want the added entry, got %+v", c)
	}
	if got["1.9.1"] == nil {
		t.Error("1.9.1: the added group is missing")
	}
	for id, c := range want {
		if id == "1.2.15" {
			continue
		}
		g := got[id]
		if g == nil || g.Name != c.Name || g.Title != c.Title || g.Review != c.Review || g.Scored != c.Scored {
			t.Errorf("%s: %+v, want the base's %+v", id, g, c)
		}
	}
	if cat.Benchmark != "site" || cat.Version != "site-1" || cat.Title != "Site policy" {
		t.Errorf("header %q %q %q: want the extending file's", cat.Benchmark, cat.Version, cat.Title)
	}
}

// TestExtendsErrors: what cannot be resolved is an error naming the file
// and the field.
func TestExtendsErrors(t *testing.T) {
	head := func(name, extends string) string {
		return "format: 2\nbenchmark: " + name + "\ntitle: T\nversion: v\nkubernetes: {from: \"1.32\", to: \"1.33\"}\n" + extends
	}
	for _, tt := range []struct {
		name, bench, file, want string
	}{
		{"unknown base", "site", head("site", "extends: cis-9.9\n"), `extends: "cis-9.9": no such embedded benchmark`},
		{"itself", "cis-1.12", head("cis-1.12", "extends: cis-1.12\n"), `a cycle (cis-1.12 → cis-1.12)`},
		{"drop unknown", "site", head("site", "extends: cis-1.12\ndrop: [\"9.9.9\"]\n"), `drop: "9.9.9": cis-1.12 has no such check`},
		{"drop alone", "site", head("site", "drop: [\"1.1.1\"]\nsections: []\n"), `drop: drop goes with extends`},
		{"renumbered section", "site", head("site", "extends: cis-1.12\nsections:\n  - {id: \"7\", target: master, groups: []}\n"), `section "7" of target master: cis-1.12 numbers it 1`},
		{"no sections", "site", head("site", ""), `sections: no sections`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{tt.bench + ".yaml": {Data: []byte(tt.file)}}, tt.bench, "testdir")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "testdir/"+tt.bench+".yaml") {
				t.Errorf("error %v, want one naming testdir/%s.yaml with %q", err, tt.bench, tt.want)
			}
		})
	}
}

// TestCIS20IsCIS112: cis-2.0 keeps every check of cis-1.12 (kube-bench
// pull request 2126): same ids, checks, titles and flags.
func TestCIS20IsCIS112(t *testing.T) {
	a, err := LoadEmbedded("cis-1.12")
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadEmbedded("cis-2.0")
	if err != nil {
		t.Fatal(err)
	}
	ia, ib := checkIndex(a), checkIndex(b)
	if len(ia) != len(ib) || len(ia) == 0 {
		t.Fatalf("%d checks in cis-1.12, %d in cis-2.0", len(ia), len(ib))
	}
	for id, c := range ia {
		d := ib[id]
		if d == nil || d.Name != c.Name || d.Title != c.Title || d.Review != c.Review || d.Scored != c.Scored || d.Assessment != c.Assessment {
			t.Errorf("%s: cis-2.0 %+v, cis-1.12 %+v", id, d, c)
		}
	}
	if b.Version != "cis-2.0" || b.Kubernetes.From != "1.34" {
		t.Errorf("cis-2.0 header: version %q, from %q", b.Version, b.Kubernetes.From)
	}
}

func checkIndex(cat *Catalog) map[string]*Check {
	m := map[string]*Check{}
	for _, c := range cat.Checks() {
		m[c.ID] = c
	}
	return m
}

// TestSkip: an entry's skip carries its reason and leaves the check
// otherwise whole; a skip without a reason, or with review, is an error.
func TestSkip(t *testing.T) {
	const head = "format: 2\nbenchmark: site\ntitle: Site policy\nversion: site-1\nkubernetes: {from: \"1.32\", to: \"1.33\"}\nextends: cis-1.12\n"
	load := func(entry string) (*Catalog, error) {
		file := head + "sections:\n  - target: master\n    groups:\n      - id: \"1.2\"\n        checks:\n          - " + entry + "\n"
		return Load(fstest.MapFS{"site.yaml": {Data: []byte(file)}}, "site", "testdir")
	}
	cat, err := load(`{id: "1.2.15", check: apiserver-profiling, skip: "no such thing here"}`)
	if err != nil {
		t.Fatal(err)
	}
	if c := checkIndex(cat)["1.2.15"]; c == nil || c.Skip != "no such thing here" || c.Test == nil {
		t.Errorf("1.2.15: %+v, want skipped with its reason and its test kept", c)
	}
	for _, bad := range []string{
		`{id: "1.2.15", check: apiserver-profiling, skip: "  "}`,
		`{id: "1.2.15", check: apiserver-profiling, skip: "why", review: true}`,
	} {
		if _, err := load(bad); err == nil || !strings.Contains(err.Error(), "skip") {
			t.Errorf("%s: %v, want an error about skip", bad, err)
		}
	}
}
