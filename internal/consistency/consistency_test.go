// Package consistency holds tests that keep the collector and the embedded
// catalogs in step: they live apart (the analyzer never imports the
// collector), so only a test can see both.
package consistency

import (
	"sort"
	"testing"

	"github.com/kubeproof/kubeproof/analyzer"
	"github.com/kubeproof/kubeproof/collector"
)

// TestCatalogPathsCollected: every file a catalog check names by a fixed
// path is one the collector looks at on every node; otherwise the check
// could only ever say "not collected".
func TestCatalogPathsCollected(t *testing.T) {
	for _, b := range analyzer.Benchmarks() {
		cat, err := analyzer.LoadEmbedded(b)
		if err != nil {
			t.Fatal(err)
		}
		missing := map[string][]string{}
		var walk func(id string, tt *analyzer.Test)
		walk = func(id string, tt *analyzer.Test) {
			if tt == nil {
				return
			}
			for _, sub := range append(append([]*analyzer.Test{}, tt.All...), tt.Any...) {
				walk(id, sub)
			}
			if f := tt.File; f != nil {
				for _, p := range append(append([]string{}, f.Paths...), f.Default, f.Under) {
					if p != "" && !collector.Covers(p) {
						missing[p] = append(missing[p], id)
					}
				}
			}
		}
		for _, s := range cat.Sections {
			for _, g := range s.Groups {
				for _, c := range g.Checks {
					walk(c.ID, c.Test)
				}
			}
		}
		var paths []string
		for p := range missing {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			t.Errorf("%s: %s is named by checks %v but the collector does not look at it", b, p, missing[p])
		}
	}
}
