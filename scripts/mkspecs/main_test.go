package main

import (
	"path/filepath"
	"testing"

	"github.com/kubeproof/kubeproof/internal/skips"
	"github.com/kubeproof/kubeproof/internal/testfs"
)

// TestCommittedSpecsAreGenerated: the committed kubeadm-1.MINOR-* specs are
// exactly what the generator writes, so that nobody edits them by hand and
// the generator stays deterministic. Run `go run ./scripts/mkspecs` after a
// change to it.
func TestCommittedSpecsAreGenerated(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: makes ~50 RSA keys")
	}
	tmp := t.TempDir()
	if err := generate(tmp, ""); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join("..", "..", "fixtures", "specs")
	count := 0
	for _, v := range versions {
		m, w := nodesOf(v)
		for _, n := range []node{m, w} {
			count += testfs.SameTree(t, filepath.Join(committed, n.dir), filepath.Join(tmp, n.dir), "go run ./scripts/mkspecs")
		}
	}
	t.Logf("%d generated files match", count)
}

// TestNodeNames: the spec names follow kubeadm-1.MINOR-{master,worker}.
func TestNodeNames(t *testing.T) {
	for _, tc := range []struct {
		minor          int
		master, worker string
	}{
		{15, "kubeadm-1.15-master", "kubeadm-1.15-worker"},
		{35, "kubeadm-1.35-master", "kubeadm-1.35-worker"},
	} {
		m, w := nodesOf(version{minor: tc.minor})
		if m.dir != tc.master || w.dir != tc.worker || !m.master || w.master {
			t.Errorf("minor %d: %s, %s", tc.minor, m.dir, w.dir)
		}
	}
}
