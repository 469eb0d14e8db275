// Package consistency holds tests that keep the collector and the embedded
// catalogs in step: they live apart (the analyzer never imports the
// collector), so only a test can see both.
package consistency

import (
	"sort"
	"testing"

	"github.com/kubeproof/kubeproof/analyzer"
	"github.com/kubeproof/kubeproof/collector"
	"github.com/kubeproof/kubeproof/redact"
)

// configTypes are the redactor's document types of the config files that
// catalog checks read fields of, by component.
var configTypes = map[string]string{"kubelet": "kubelet-config", "kube-proxy": "kube-proxy-config"}

// TestCatalogReadsKeptValues: every flag and config field a catalog check
// reads is one whose value the collector keeps — a known setting of its
// component, never a secret — so that no verdict rests on a marker.
func TestCatalogReadsKeptValues(t *testing.T) {
	seen := 0
	for _, b := range analyzer.Benchmarks() {
		cat, err := analyzer.LoadEmbedded(b)
		if err != nil {
			t.Fatal(err)
		}
		var walk func(id, component string, tt *analyzer.Test)
		walk = func(id, component string, tt *analyzer.Test) {
			if tt == nil {
				return
			}
			if tt.Component != "" {
				component = tt.Component
			}
			for _, sub := range append(append([]*analyzer.Test{}, tt.All...), tt.Any...) {
				walk(id, component, sub)
			}
			flags := []string{tt.Flag}
			if tt.File != nil {
				flags = append(flags, tt.File.Flag)
			}
			if tt.Feature != "" {
				flags = append(flags, "feature-gates")
			}
			for _, f := range flags {
				if f == "" {
					continue
				}
				seen++
				if known, secret := redact.Flag(component, f); !known || secret {
					t.Errorf("%s %s reads %s --%s, whose value the collector does not keep (known %v, secret %v)", b, id, component, f, known, secret)
				}
			}
			fields := []string{tt.Config}
			if tt.File != nil {
				fields = append(fields, tt.File.Config)
			}
			if tt.Feature != "" && configTypes[component] != "" {
				fields = append(fields, "featureGates."+tt.Feature) // the fallback of a component with a config file
			}
			for _, f := range fields {
				if f == "" {
					continue
				}
				seen++
				if dt := configTypes[component]; dt == "" || !redact.KeepsField(dt, f) {
					t.Errorf("%s %s reads the %s config field %s, whose value the collector does not keep", b, id, component, f)
				}
			}
		}
		for _, s := range cat.Sections {
			for _, g := range s.Groups {
				for _, c := range g.Checks {
					walk(c.ID, c.Component, c.Test)
				}
			}
		}
	}
	if seen < 50 {
		t.Errorf("only %d flags and fields read by the catalogs", seen)
	}
}

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
