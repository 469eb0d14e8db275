package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/internal/skips"
)

// The collector is copied onto restricted nodes: it must stay one small
// static binary for amd64 and arm64.
const (
	maxCollectorSize = 4 << 20
	staticLDFlags    = "-s -w"
	collectorGCFlags = "all=-l"
)

func TestStaticBinarySize(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: builds two binaries")
	}
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "LDFLAGS := "+staticLDFlags) || !strings.Contains(string(mk), "COLLECTOR_GCFLAGS := "+collectorGCFlags) {
		t.Fatal("the Makefile's static build flags differ from this test's: keep them the same")
	}
	dir := t.TempDir()
	for _, arch := range []string{"amd64", "arm64"} {
		bin := filepath.Join(dir, "kubeproof-collect-"+arch)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags="+staticLDFlags, "-gcflags="+collectorGCFlags, "-o", bin, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building for %s: %v\n%s", arch, err, out)
		}
		fi, err := os.Stat(bin)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d bytes", arch, fi.Size())
		if arch == "amd64" && fi.Size() > maxCollectorSize {
			t.Errorf("static stripped collector for %s is %d bytes, over the budget of %d", arch, fi.Size(), maxCollectorSize)
		}
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		// Statically linked: no program interpreter, no shared libraries.
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s binary asks for a dynamic loader", arch)
			}
		}
		if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
			t.Errorf("%s binary needs %v", arch, libs)
		}
		f.Close()
	}
}
