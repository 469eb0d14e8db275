// Package consistency holds tests that keep the collector and the embedded
// catalogs in step: they live apart (the analyzer never imports the
// collector), so only a test can see both.
package consistency

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/collector"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/redact"
)

// TestCatalogReadsKeptValues: every flag and config field a catalog check
// reads is one whose value the collector keeps — a known setting of its
// component, never a secret — so that no verdict rests on a marker.
func TestCatalogReadsKeptValues(t *testing.T) {
	seen := 0
	for _, b := range catalog.Benchmarks() {
		cat, err := catalog.LoadEmbedded(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cat.Checks() {
			for _, l := range c.Test.Leaves() {
				component := c.Component
				if l.Component != "" {
					component = l.Component
				}
				var settings []*catalog.Setting
				var fields []string
				switch e := l.Evidence.(type) {
				case *catalog.Setting:
					settings = append(settings, e)
				case *catalog.Files:
					settings = append(settings, e.Setting, e.UnderSetting)
				case *catalog.Field:
					settings = append(settings, e.File)
				case *catalog.Feature:
					settings = append(settings, &catalog.Setting{Flag: "feature-gates"})
					if evidence.ConfigDocType(component) != "" {
						fields = append(fields, "featureGates."+e.Name) // the fallback of a component with a config file
					}
				}
				for _, st := range settings {
					if st == nil {
						continue
					}
					if st.Flag != "" {
						seen++
						if known, secret := redact.Flag(component, st.Flag); !known || secret {
							t.Errorf("%s %s reads %s --%s, whose value the collector does not keep (known %v, secret %v)", b, c.ID, component, st.Flag, known, secret)
						}
					}
					if st.Field != "" {
						fields = append(fields, st.Field)
					}
				}
				for _, f := range fields {
					seen++
					if dt := evidence.ConfigDocType(component); dt == "" || !redact.KeepsField(dt, f) {
						t.Errorf("%s %s reads the %s config field %s, whose value the collector does not keep", b, c.ID, component, f)
					}
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
	for _, b := range catalog.Benchmarks() {
		cat, err := catalog.LoadEmbedded(b)
		if err != nil {
			t.Fatal(err)
		}
		missing := map[string][]string{}
		for _, c := range cat.Checks() {
			for _, l := range c.Test.Leaves() {
				if f, ok := l.Evidence.(*catalog.Files); ok {
					for _, p := range append(append([]string{}, f.Paths...), f.Default, f.Under) {
						if p != "" && !collector.Covers(p) {
							missing[p] = append(missing[p], c.ID)
						}
					}
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

// TestCatalogFlagFilesCollected: a check that reads a field of the file a
// flag names (the encryption provider configuration) needs the collector
// to copy that file; one that walks the directory a flag names (the CNI
// directory) needs it walked. Otherwise the check could only say "not
// collected" on every node.
func TestCatalogFlagFilesCollected(t *testing.T) {
	fields, walks := 0, 0
	for _, b := range catalog.Benchmarks() {
		cat, err := catalog.LoadEmbedded(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cat.Checks() {
			for _, l := range c.Test.Leaves() {
				switch e := l.Evidence.(type) {
				case *catalog.Field:
					if e.File != nil && e.File.Flag != "" {
						fields++
						if !collector.CopiesFlagFile(e.File.Flag) {
							t.Errorf("%s %s reads fields of the file --%s names, which the collector does not copy", b, c.ID, e.File.Flag)
						}
					}
				case *catalog.Files:
					if e.UnderSetting != nil && e.UnderSetting.Flag != "" {
						walks++
						if _, ok := collector.WalksFlagDir(e.UnderSetting.Flag); !ok {
							t.Errorf("%s %s walks the directory --%s names, which the collector does not walk", b, c.ID, e.UnderSetting.Flag)
						}
					}
				}
			}
		}
	}
	if fields == 0 || walks == 0 {
		t.Errorf("%d field reads and %d directory walks through flags: the test sees nothing", fields, walks)
	}
}

var update = flag.Bool("update", false, "rewrite collector/platform_paths.go from the platform profiles")

// TestPlatformPaths: the collector gathers every path a platform profile
// names (what it collects, what its signals look for, its configuration
// files and args files): collector/platform_paths.go is generated from
// the profiles, and must be what they say today.
func TestPlatformPaths(t *testing.T) {
	ps, err := catalog.Platforms()
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		depth          int
		platform       string
		component, key string
	}
	paths := map[string]entry{}
	for _, p := range ps {
		for _, c := range p.Paths() {
			e, seen := paths[c.Path]
			if !seen || c.Levels() > e.depth {
				e.depth = c.Levels()
			}
			if !seen {
				e.platform = p.Name
			} else if !strings.Contains(e.platform, p.Name) {
				e.platform += "," + p.Name
			}
			if c.As != nil {
				if e.key != "" && (e.component != c.As.Component || e.key != c.As.Flag) {
					t.Errorf("%s: read as %s --%s and as %s --%s", c.Path, e.component, e.key, c.As.Component, c.As.Flag)
				}
				e.component, e.key = c.As.Component, c.As.Flag
			}
			paths[c.Path] = e
		}
	}
	var b strings.Builder
	b.WriteString("// Code generated by go test ./internal/consistency -run TestPlatformPaths -update; DO NOT EDIT.\n\npackage collector\n\n")
	b.WriteString("// platformPaths are the paths the platform profiles (catalog/data/platforms)\n// name, with the depth to gather them to.\nvar platformPaths = []platformPath{\n")
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		e := paths[p]
		if e.key != "" {
			fmt.Fprintf(&b, "\t{%q, %d, %q, %q, %q},\n", p, e.depth, e.platform, e.component, e.key)
		} else {
			fmt.Fprintf(&b, "\t{%q, %d, %q, \"\", \"\"},\n", p, e.depth, e.platform)
		}
	}
	b.WriteString("}\n")
	const file = "../../collector/platform_paths.go"
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != b.String() {
		if *update {
			if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("%s is not what the platform profiles name; run go test ./internal/consistency -run TestPlatformPaths -update", file)
	}
	for p := range paths {
		if !collector.Covers(p) {
			t.Errorf("%s: named by a platform profile, not gathered", p)
		}
	}
}
