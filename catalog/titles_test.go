package catalog

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateTitles = flag.Bool("update-titles", false, "rewrite testdata/titles/*.tsv from the embedded benchmarks")

// TestBenchmarkTitles pins, for every check of every embedded benchmark,
// what kube-bench users read and import: the title with its label
// ("(Automated)", "(Not Scored)"), scored, and whether the check is a
// manual review. A library check's defaults (title, assessment, review,
// scored) reach every benchmark that does not override them, so a change
// to a shared check shows here, benchmark by benchmark. The tables of
// cis-1.5, cis-1.20, cis-1.23 and cis-1.24 were compared field by field
// with kube-bench v0.15.6's cfg (text, scored, type: manual).
func TestBenchmarkTitles(t *testing.T) {
	for _, b := range Benchmarks() {
		cat, err := LoadEmbedded(b)
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "# %s (%s): TARGET ID SCORED TYPE TITLE, as the analyzer reports them (go test ./catalog -update-titles)\n", b, cat.Title)
		for _, s := range cat.Sections {
			for _, g := range s.Groups {
				for _, c := range g.Checks {
					typ := "-"
					if c.Review {
						typ = "manual"
					}
					if c.Skip != "" {
						typ = "skip"
					}
					fmt.Fprintf(&sb, "%s\t%s\t%v\t%s\t%s\n", s.Target, c.ID, c.Scored, typ, c.DisplayTitle())
				}
			}
		}
		file := filepath.Join("testdata", "titles", b+".tsv")
		if *updateTitles {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(sb.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test ./catalog -update-titles)", err)
		}
		if got := sb.String(); got != string(want) {
			gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
			for i := 0; i < len(gl) || i < len(wl); i++ {
				var g, w string
				if i < len(gl) {
					g = gl[i]
				}
				if i < len(wl) {
					w = wl[i]
				}
				if g != w {
					t.Errorf("%s line %d:\n got:  %s\n want: %s", file, i+1, g, w)
					break
				}
			}
		}
	}
}
