package catalog

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestEmbeddedBenchmarksOnlyMap: an embedded benchmark file maps ids to
// library checks and says what differs; it never defines a check in
// place, so no benchmark repeats another's checks.
func TestEmbeddedBenchmarksOnlyMap(t *testing.T) {
	names := Benchmarks()
	if len(names) == 0 {
		t.Fatal("no embedded benchmark")
	}
	for _, b := range names {
		file := "data/benchmarks/" + b + ".yaml"
		data, err := embedded.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var raw rawBenchmark
		if err := decodeStrict(file, data, &raw); err != nil {
			t.Fatal(err)
		}
		if raw.Benchmark != b {
			t.Errorf("%s: benchmark %q, want the file's name", file, raw.Benchmark)
		}
		for _, s := range raw.Sections {
			for _, g := range s.Groups {
				for _, e := range g.Checks {
					if e.Check == "" || e.Test != nil || e.Remediation != "" {
						t.Errorf("%s %s: defines a check in place; embedded benchmarks name a library check", b, e.ID)
					}
				}
			}
		}
	}
}

// TestLibraryChecksUsedOnce: every library check is used by some embedded
// benchmark (a check no benchmark runs is untested), and no two library
// checks share their logic — the same component, test and parameters
// under two names would let benchmarks drift apart.
func TestLibraryChecksUsedOnce(t *testing.T) {
	lib, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string][]string{}
	for _, b := range Benchmarks() {
		data, err := embedded.ReadFile("data/benchmarks/" + b + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		var raw rawBenchmark
		if err := decodeStrict(b, data, &raw); err != nil {
			t.Fatal(err)
		}
		for _, s := range raw.Sections {
			for _, g := range s.Groups {
				for _, e := range g.Checks {
					used[e.Check] = append(used[e.Check], b+" "+e.ID)
				}
			}
		}
	}
	logic := map[string]string{}
	for _, name := range lib.Names() {
		c := lib.checks[name]
		if len(used[name]) == 0 {
			t.Errorf("library check %s (%s) is used by no embedded benchmark", name, lib.where[name])
		}
		if c.Test == nil {
			continue // a review-only check is told apart by its title
		}
		key, err := json.Marshal(struct {
			Component string
			Test      *rawTest
			Params    map[string]string
		}{c.Component, c.Test, c.Params})
		if err != nil {
			t.Fatal(err)
		}
		if other, dup := logic[string(key)]; dup {
			t.Errorf("library checks %s and %s have the same component, test and parameters", other, name)
		}
		logic[string(key)] = name
	}
}

// TestBenchmarkVersionRanges: the CIS benchmarks' Kubernetes ranges do not
// overlap, so that picking a benchmark by version is unambiguous. A
// platform's own benchmarks (k3s-cis-1.9) are picked only through its
// profile: theirs may overlap the CIS ranges, never one another's within
// the platform, and each is reachable: its platform's profile maps some
// Kubernetes versions to it (perhaps more than the benchmark was written
// for, as kube-bench does), and no version to two benchmarks.
func TestBenchmarkVersionRanges(t *testing.T) {
	owner := map[string]map[int]string{} // platform ("" for CIS) → minor → benchmark
	for _, b := range Benchmarks() {
		cat, err := LoadEmbedded(b)
		if err != nil {
			t.Fatal(err)
		}
		if cat.Platform != BenchmarkPlatform(b) {
			t.Errorf("%s: platform %q, the index says %q", b, cat.Platform, BenchmarkPlatform(b))
		}
		from, to := minorOf(cat.Kubernetes.From), minorOf(cat.Kubernetes.To)
		if cat.Kubernetes.To == "" {
			to = from
		}
		if from == 1<<30 || to == 1<<30 || to < from || !strings.HasPrefix(cat.Kubernetes.From, "1.") {
			t.Errorf("%s: kubernetes range %+v", b, cat.Kubernetes)
			continue
		}
		if owner[cat.Platform] == nil {
			owner[cat.Platform] = map[int]string{}
		}
		for m := from; m <= to; m++ {
			if other, dup := owner[cat.Platform][m]; dup {
				t.Errorf("Kubernetes 1.%d is in the ranges of both %s and %s", m, other, b)
			}
			owner[cat.Platform][m] = b
		}
	}
	profiles, err := Platforms()
	if err != nil {
		t.Fatal(err)
	}
	mapped := map[string]bool{}
	for _, p := range profiles {
		for _, pb := range p.Benchmarks {
			mapped[pb.Benchmark] = true
			from, to := minorOf(pb.Kubernetes.From), minorOf(pb.Kubernetes.To)
			if pb.Kubernetes.To == "" {
				to = from
			}
			for m := from; m <= to; m++ {
				if got := p.BenchmarkFor(m); got != pb.Benchmark {
					t.Errorf("%s: Kubernetes 1.%d maps to %s and %s", p.Name, m, got, pb.Benchmark)
				}
			}
		}
	}
	for platform, minors := range owner {
		if platform == "" {
			continue
		}
		seen := map[string]bool{}
		for _, b := range minors {
			if !mapped[b] && !seen[b] {
				t.Errorf("%s is platform %s's benchmark, but its profile maps no Kubernetes version to it", b, platform)
			}
			seen[b] = true
		}
	}
}
