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

// TestBenchmarkVersionRanges: the CIS benchmarks' Kubernetes ranges do
// not overlap, so that picking a benchmark by version is unambiguous. A
// platform's benchmark (one a profile names) is picked only through its
// profile, for a node detected as that platform: it may share versions
// with the CIS benchmarks, but a profile maps each version to one
// benchmark at most, inside the range the benchmark's header gives, and
// names only benchmarks no other profile names.
func TestBenchmarkVersionRanges(t *testing.T) {
	owner := map[int]string{}
	headers := map[string][2]int{}
	for _, b := range Benchmarks() {
		cat, err := LoadEmbedded(b)
		if err != nil {
			t.Fatal(err)
		}
		from, to := minorOf(cat.Kubernetes.From), minorOf(cat.Kubernetes.To)
		if cat.Kubernetes.To == "" {
			to = from
		}
		if from == 1<<30 || to == 1<<30 || to < from || !strings.HasPrefix(cat.Kubernetes.From, "1.") {
			t.Errorf("%s: kubernetes range %+v", b, cat.Kubernetes)
			continue
		}
		headers[b] = [2]int{from, to}
		if pl, err := PlatformOf(b); err != nil {
			t.Fatal(err)
		} else if pl != "" {
			continue
		}
		for m := from; m <= to; m++ {
			if other, dup := owner[m]; dup {
				t.Errorf("Kubernetes 1.%d is in the ranges of both %s and %s", m, other, b)
			}
			owner[m] = b
		}
	}
	pls, err := Platforms()
	if err != nil {
		t.Fatal(err)
	}
	namedBy := map[string]string{}
	for _, p := range pls {
		mapped := map[int]string{}
		for _, pb := range p.Benchmarks {
			if other, ok := namedBy[pb.Benchmark]; ok && other != p.Name {
				t.Errorf("%s is named by the profiles of both %s and %s", pb.Benchmark, other, p.Name)
			}
			namedBy[pb.Benchmark] = p.Name
			from, to := minorOf(pb.Kubernetes.From), minorOf(pb.Kubernetes.To)
			if pb.Kubernetes.To == "" {
				to = from
			}
			if h := headers[pb.Benchmark]; from < h[0] || to > h[1] || to < from {
				t.Errorf("%s: %s for %+v, outside the benchmark's own range 1.%d–1.%d", p.File, pb.Benchmark, pb.Kubernetes, h[0], h[1])
			}
			for m := from; m <= to; m++ {
				if other, dup := mapped[m]; dup {
					t.Errorf("%s: Kubernetes 1.%d maps to both %s and %s", p.File, m, other, pb.Benchmark)
				}
				mapped[m] = pb.Benchmark
			}
		}
	}
}

// TestGroupComponents: in every embedded benchmark, a check of the API
// server's, controller manager's, scheduler's or kubelet's group, or of the
// etcd target, reads that component (a check matched by title alone once
// read the API server's --profiling for the scheduler's 1.4.1).
func TestGroupComponents(t *testing.T) {
	want := map[string]string{
		"API Server": "kube-apiserver", "Controller Manager": "kube-controller-manager",
		"Scheduler": "kube-scheduler", "Kubelet": "kubelet",
	}
	seen := 0
	for _, b := range Benchmarks() {
		cat, err := LoadEmbedded(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range cat.Sections {
			for _, g := range s.Groups {
				w, ok := want[g.Title]
				if s.Target == "etcd" {
					w, ok = "etcd", true
				}
				if !ok || s.Target == "policies" {
					continue
				}
				for _, c := range g.Checks {
					seen++
					if c.Component != w {
						t.Errorf("%s %s (%s, group %q): component %s, want %s", b, c.ID, c.Name, g.Title, c.Component, w)
					}
				}
			}
		}
	}
	if seen < 1000 {
		t.Errorf("%d checks in component groups: the group titles changed?", seen)
	}
}
