package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/kubeproof/kubeproof/analyzer"
	"github.com/kubeproof/kubeproof/internal/fixturegen"
	"github.com/kubeproof/kubeproof/internal/skips"
)

// TestMemory (issue 11): analyze stays under 400 MiB of peak resident
// memory with GOMAXPROCS=16, for 1,000 distinct bundles and for bundles
// heavy enough that 16 of them at once would take more (20,000 stat
// records each). Measured as the issue asks, with /usr/bin/time -v on
// the built binary.
func TestMemory(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "builds the binary and 1,040 bundles; skipped with -short")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		skips.Skip(t, "GNU time (/usr/bin/time) is not installed; skipped")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kubeproof")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fixtures := versionedFixtures(t)
	const limit = 400 << 20
	for _, tt := range []struct {
		name     string
		n, stats int
	}{
		{"1000 bundles", 1000, 0},
		{"40 heavy bundles", 40, 20000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cluster := filepath.Join(dir, tt.name)
			os.Mkdir(cluster, 0o755)
			if _, err := fixturegen.HeavyCluster(cluster, fixtures, tt.n, tt.stats); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("/usr/bin/time", "-v", bin, "analyze", "--format", "json", "-o", os.DevNull, cluster)
			cmd.Env = append(os.Environ(), "GOMAXPROCS=16")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			m := regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`).FindSubmatch(out)
			if m == nil {
				t.Fatalf("no peak RSS in:\n%s", out)
			}
			kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
			t.Logf("%s: peak RSS %d MiB", tt.name, kb>>10)
			if kb<<10 > limit {
				t.Errorf("%s: peak RSS %d MiB, over %d MiB", tt.name, kb>>10, limit>>20)
			}
		})
	}
}

// versionedFixtures are the fixture bundles analyze picks a benchmark for
// by itself. The managed-node specs (eks-node, aks-node, gke-node) carry
// their Kubernetes version only in their kubelet's build info, which a
// collection from a node spec does not read yet, and no API server node of
// their clusters is among the fixtures: analyze refuses such bundles
// without --benchmark, and this test measures memory, not the version pick.
func versionedFixtures(t *testing.T) []string {
	t.Helper()
	all, _ := filepath.Glob(fx + "*.kpb")
	rep, err := analyzer.Analyze(all, analyzer.Options{KeepGoing: true, Targets: []string{"node"}})
	if err != nil {
		t.Fatal(err)
	}
	refused := map[string]bool{}
	for _, r := range rep.Refused {
		refused[r.File] = true
	}
	var out []string
	for _, f := range all {
		if !refused[f] {
			out = append(out, f)
		}
	}
	if len(out) < 20 {
		t.Fatalf("analyze picks a benchmark for only %d of %d fixture bundles", len(out), len(all))
	}
	return out
}
