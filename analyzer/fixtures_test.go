package analyzer

import (
	"bufio"
	"github.com/kubeproof/kubeproof/results"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/redact"
)

const bundlesDir = "../fixtures/bundles"

func fixtureBundles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(bundlesDir, "*.kpb"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("want at least 4 fixture bundles in %s, found %d (run `make fixtures`)", bundlesDir, len(files))
	}
	return files
}

func cis16(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.LoadEmbedded("cis-1.6")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestEmbeddedCatalogs(t *testing.T) {
	for _, b := range catalog.Benchmarks() {
		cat, err := catalog.LoadEmbedded(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		var targets []string
		checks := 0
		for _, s := range cat.Sections {
			targets = append(targets, s.Target)
			for _, g := range s.Groups {
				checks += len(g.Checks)
			}
		}
		pl, err := catalog.PlatformOf(b)
		if err != nil {
			t.Fatal(err)
		}
		if pl != "" {
			// A managed platform's benchmark: its worker node section, and
			// reviews of what the provider runs.
			if !slices.Contains(targets, "node") || checks < 40 {
				t.Errorf("%s (%s) has targets %v and %d checks, want a node section and 40 checks or more", b, pl, targets, checks)
			}
			continue
		}
		// The CIS benchmarks have every target but a managed service's.
		if want := catalog.Targets[:len(catalog.Targets)-1]; !slices.Equal(targets, want) {
			t.Errorf("%s has targets %v, want %v", b, targets, want)
		}
		if checks < 100 {
			t.Errorf("%s has only %d checks", b, checks)
		}
	}
}

// reference reads fixtures/expected/tkestack-cis-1.6.tsv: target → id → status.
func reference(t *testing.T) map[string]map[string]results.Status {
	f, err := os.Open("../fixtures/expected/tkestack-cis-1.6.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ref := map[string]map[string]results.Status{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if ref[f[0]] == nil {
			ref[f[0]] = map[string]results.Status{}
		}
		ref[f[0]][f[1]] = results.Status(f[2])
	}
	return ref
}

// TestReferenceScan: on the TKEStack fixtures the analyzer gives the
// verdicts of the reference kube-bench scan, check by check: master 43
// PASS / 11 FAIL / 11 WARN, node 18 / 1 / 4, on the master (which runs a
// kubelet too) and on the worker.
func TestReferenceScan(t *testing.T) {
	ref := reference(t)
	cat := cis16(t)
	for _, tc := range []struct {
		bundle  string
		targets []string
	}{
		{"tkestack-master.kpb", []string{"master", "node"}},
		{"tkestack-worker.kpb", []string{"node"}},
		// The worker's bundle of format 1, as the first collector wrote it
		// (the master's: TestFormatsAgree).
		{"v1/tkestack-worker.kpb", []string{"node"}},
	} {
		t.Run(tc.bundle, func(t *testing.T) {
			rep, err := Analyze([]string{filepath.Join(bundlesDir, tc.bundle)}, Options{Catalog: cat, Targets: tc.targets})
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range rep.Nodes[0].Targets {
				want := ref[tr.Section.Target]
				var wantTotals, gotTotals results.Totals
				for _, s := range want {
					wantTotals.Add(s)
				}
				seen := map[string]bool{}
				for _, r := range tr.Results {
					seen[r.Check.ID] = true
					gotTotals.Add(r.Status)
					if w, ok := want[r.Check.ID]; !ok {
						t.Errorf("%s %s: not in the reference scan", tr.Section.Target, r.Check.ID)
					} else if r.Status != w {
						t.Errorf("%s %s: %s, reference %s (expected %q, observed %q, reason %q)", tr.Section.Target, r.Check.ID, r.Status, w, r.Expected, r.Observed, r.Reason)
					}
				}
				for id := range want {
					if !seen[id] {
						t.Errorf("%s %s: in the reference, missing from our results", tr.Section.Target, id)
					}
				}
				if gotTotals != wantTotals {
					t.Errorf("%s totals %+v, want %+v", tr.Section.Target, gotTotals, wantTotals)
				}
			}
		})
	}
}

// TestEveryVerdictCited walks every result of every fixture: each verdict
// has a citation, and each citation's member exists in its bundle with the
// cited digest.
func TestEveryVerdictCited(t *testing.T) {
	cat := cis16(t)
	for _, file := range fixtureBundles(t) {
		b, err := bundle.Open(file, bundle.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Analyze([]string{file}, Options{Catalog: cat, Targets: catalog.Targets})
		if err != nil {
			t.Fatal(err)
		}
		count := 0
		for _, tr := range allTargets(rep) {
			for _, r := range tr.Results {
				count++
				if len(r.Citations) == 0 {
					t.Errorf("%s %s: %s without a citation", file, r.Check.ID, r.Status)
				}
				for _, c := range r.Citations {
					if c.Bundle != results.Digest(b.Digest.String()) {
						t.Errorf("%s %s: citation of bundle %s", file, r.Check.ID, c.Bundle)
					}
					want, ok := b.MemberDigest(c.Member)
					if c.Member == bundle.ManifestPath {
						want, ok = b.Digest, true
					}
					if !ok || results.Digest(want.String()) != c.MemberSHA256 {
						t.Errorf("%s %s: citation of member %q with digest %s: not in the bundle", file, r.Check.ID, c.Member, c.MemberSHA256.Short())
					}
				}
			}
		}
		if count < 100 {
			t.Errorf("%s: only %d results", file, count)
		}
	}
}

// TestFormatsAgree: a node collected by the format-1 collector and by
// today's gives the same verdict on every check of every target, but for
// what format 1 did not collect: the processes' environments (etcd reads
// any setting from ETCD_*, and its whole configuration from
// ETCD_CONFIG_FILE, so every etcd setting its flags do not give is
// unknown) and paths the collector has learnt since (/var/lib/cni/networks).
// Those checks WARN, saying so, never PASS. The format-1 bundles
// (fixtures/bundles/v1) are never regenerated.
func TestFormatsAgree(t *testing.T) {
	cat := cis16(t)
	old, err := filepath.Glob(filepath.Join(bundlesDir, "v1", "*.kpb"))
	if err != nil || len(old) < 4 {
		t.Fatalf("want the 4 format-1 fixture bundles, found %d (%v)", len(old), err)
	}
	for _, file := range old {
		t.Run(filepath.Base(file), func(t *testing.T) {
			verdicts := func(f string) (map[string]results.Result, int) {
				rep, err := Analyze([]string{f}, Options{Catalog: cat, Targets: catalog.Targets})
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]results.Result{}
				for _, tr := range allTargets(rep) {
					for _, r := range tr.Results {
						out[tr.Section.Target+" "+r.Check.ID] = r
					}
				}
				return out, rep.Nodes[0].Bundle.FormatVersion
			}
			v1, f1 := verdicts(file)
			v2, f2 := verdicts(filepath.Join(bundlesDir, filepath.Base(file)))
			if f1 != 1 || f2 != bundle.NodeFormat {
				t.Fatalf("formats %d and %d, want 1 and %d", f1, f2, bundle.NodeFormat)
			}
			if len(v1) < 100 || len(v1) != len(v2) {
				t.Fatalf("%d and %d results", len(v1), len(v2))
			}
			lacking := 0
			for id, r := range v1 {
				switch {
				case r.Status == v2[id].Status:
				case r.Status == results.Warn && (strings.Contains(r.Reason, "no environment of etcd") || strings.Contains(r.Reason, "was not collected")):
					lacking++
				default:
					t.Errorf("%s: %s in format 1 (%s), %s in format %d", id, r.Status, r.Reason, v2[id].Status, f2)
				}
			}
			t.Logf("%d verdicts equal, %d WARN in format 1 for want of evidence it did not collect", len(v1)-lacking, lacking)
		})
	}
}

// TestNoCheckReadsRedacted: on every fixture, no verdict rests on a value
// the collector redacted — the values the checks read are settings, and
// settings are kept. (A check that reads a redacted value WARNs; on these
// nodes none has to.)
func TestNoCheckReadsRedacted(t *testing.T) {
	cat := cis16(t)
	files := fixtureBundles(t)
	v1, _ := filepath.Glob(filepath.Join(bundlesDir, "v1", "*.kpb"))
	for _, file := range append(files, v1...) {
		rep, err := Analyze([]string{file}, Options{Catalog: cat, Targets: catalog.Targets})
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range allTargets(rep) {
			for _, r := range tr.Results {
				if strings.Contains(r.Reason, "redacted") {
					t.Errorf("%s %s %s: %s", file, tr.Section.Target, r.Check.ID, r.Reason)
				}
				for _, c := range r.Citations {
					if redact.ContainsMarker(c.Observed) {
						t.Errorf("%s %s %s: cites a redacted value: %s %s: %q", file, tr.Section.Target, r.Check.ID, c.Member, c.Locator, c.Observed)
					}
				}
			}
		}
	}
}

// TestExpectedVerdicts checks every table fixtures/expected/BENCHMARK/SPEC.tsv:
// the bundle of node spec SPEC analyzed against BENCHMARK gives, check by
// check, the verdict the table states (columns: target, id, status, and
// the state that decides it or where the expectation comes from). The
// tables are written from sources other than this code: kube-bench run
// on the same node state, a distribution's self-assessment, the spec's
// README.
func TestExpectedVerdicts(t *testing.T) {
	tables, err := filepath.Glob("../fixtures/expected/*/*.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		spec := strings.TrimSuffix(filepath.Base(table), ".tsv")
		benchmark := filepath.Base(filepath.Dir(table))
		t.Run(benchmark+"/"+spec, func(t *testing.T) {
			cat, err := catalog.LoadEmbedded(benchmark)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]results.Status{}
			data, err := os.ReadFile(table)
			if err != nil {
				t.Fatal(err)
			}
			for n, line := range strings.Split(string(data), "\n") {
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				f := strings.Split(line, "\t")
				if len(f) < 3 {
					t.Fatalf("%s:%d: want target, id, status", table, n+1)
				}
				want[f[0]+" "+f[1]] = results.Status(f[2])
			}
			rep, err := Analyze([]string{filepath.Join(bundlesDir, spec+".kpb")}, Options{Catalog: cat})
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, tr := range allTargets(rep) {
				for _, r := range tr.Results {
					key := tr.Section.Target + " " + r.Check.ID
					w, ok := want[key]
					if !ok {
						t.Errorf("%s: not in the table", key)
						continue
					}
					seen++
					if r.Status != w {
						t.Errorf("%s: %s, want %s (observed %q, reason %q)", key, r.Status, w, r.Observed, r.Reason)
					}
				}
			}
			if seen != len(want) {
				t.Errorf("%d of the table's %d verdicts were produced", seen, len(want))
			}
		})
	}
}

// allTargets are the target results of every scope of a report: the
// cluster's policies, then the nodes'.
func allTargets(rep *results.Report) []results.TargetResult {
	var out []results.TargetResult
	for _, n := range rep.Scopes() {
		out = append(out, n.Targets...)
	}
	return out
}
