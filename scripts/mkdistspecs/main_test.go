package main

import (
	"bytes"
	"debug/buildinfo"
	"os"
	"path/filepath"
	"testing"

	"github.com/kubeproof/kubeproof/internal/skips"
	"github.com/kubeproof/kubeproof/internal/testfs"
)

// TestCommittedSpecsAreGenerated: the committed k3s, RKE2 and MicroK8s
// specs are exactly what the generator writes (README.md aside, which is
// written by hand), so that nobody edits them by hand and the generator
// stays deterministic. Run `go run ./scripts/mkdistspecs` after a change.
func TestCommittedSpecsAreGenerated(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: makes RSA keys")
	}
	tmp := t.TempDir()
	committed := filepath.Join("..", "..", "fixtures", "specs")
	count := 0
	for _, mk := range makers {
		s := mk()
		if err := s.write(tmp); err != nil {
			t.Fatal(err)
		}
		count += testfs.SameTree(t, filepath.Join(committed, s.name), filepath.Join(tmp, s.name), "go run ./scripts/mkdistspecs", "README.md")
	}
	t.Logf("%d generated files match", count)
}

// TestGoBinary: the minimal ELF files carry build information that the
// standard library's reader accepts, with the version where k3s puts it.
func TestGoBinary(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k3s")
	if err := os.WriteFile(p, []byte(k3sServerBinary()), 0o755); err != nil {
		t.Fatal(err)
	}
	bi, err := buildinfo.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if bi.GoVersion != "go1.24.5" || bi.Path != "github.com/k3s-io/k3s/cmd/server" {
		t.Errorf("build info: %s %s", bi.GoVersion, bi.Path)
	}
	found := false
	for _, s := range bi.Settings {
		if s.Key == "-ldflags" && bytes.Contains([]byte(s.Value), []byte("k8s.io/component-base/version.gitVersion="+k3sVersion)) {
			found = true
		}
	}
	if !found {
		t.Errorf("no component-base gitVersion %s in -ldflags: %+v", k3sVersion, bi.Settings)
	}
}
