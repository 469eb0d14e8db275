package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/kubeproof/kubeproof/internal/skips"
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
			want, got := filepath.Join(committed, n.dir), filepath.Join(tmp, n.dir)
			seen := map[string]bool{}
			err := filepath.WalkDir(got, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(got, p)
				seen[rel] = true
				a, _ := os.ReadFile(p)
				b, err := os.ReadFile(filepath.Join(want, rel))
				if err != nil {
					t.Errorf("%s/%s is not committed (run go run ./scripts/mkspecs)", n.dir, rel)
					return nil
				}
				if !bytes.Equal(a, b) {
					t.Errorf("%s/%s differs from the generator's output (run go run ./scripts/mkspecs)", n.dir, rel)
				}
				count++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			filepath.WalkDir(want, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(want, p)
				if !seen[rel] {
					t.Errorf("%s/%s is committed but not generated", n.dir, rel)
				}
				return nil
			})
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
