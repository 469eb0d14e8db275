package release

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/skips"
)

// TestReproducibleBuild builds one release target, the collector for
// linux/amd64, twice: from this module with the usual build cache, and
// from a copy of the module in another directory with an empty one, so
// that neither the source's path nor a cached result can make the two
// alike. The bytes must be the same. Then the binary must say the version
// it was built with, and write it into a bundle. (make release builds
// every target the same way; building them all twice is a check done by
// hand, docs/release.md.)
func TestReproducibleBuild(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: builds the collector twice, once with an empty build cache")
	}
	const v = "9.8.7-repro"
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	target := Target{Collector, "linux", "amd64"}
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	first := filepath.Join(tmp, "a", target.Exe())
	if err := Build(ctx, root, target, v, first); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(tmp, "elsewhere", "src")
	copyPackages(t, root, src, target.Package)
	second := filepath.Join(tmp, "b", target.Exe())
	if err := Build(ctx, src, target, v, second, "GOCACHE="+filepath.Join(tmp, "cache")); err != nil {
		t.Fatal(err)
	}
	a, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("two builds of the same source differ (%d and %d bytes)", len(a), len(b))
	}
	t.Logf("%s: %d bytes, twice", target.Base(v), len(a))

	info, err := buildinfo.Read(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
		if strings.HasPrefix(s.Key, "vcs") {
			t.Errorf("VCS stamp %s=%s", s.Key, s.Value)
		}
	}
	// (Go leaves -ldflags out of the build information of a -trimpath
	// build: the version below shows them at work.)
	for k, want := range map[string]string{"-trimpath": "true", "CGO_ENABLED": "0", "GOOS": "linux", "GOARCH": "amd64", "GOAMD64": "v1", "-gcflags": "all=-l"} {
		if settings[k] != want {
			t.Errorf("build setting %s=%q, want %q", k, settings[k], want)
		}
	}
	if id, err := exec.Command("go", "tool", "buildid", first).Output(); err != nil || strings.TrimSpace(string(id)) != "" {
		t.Errorf("build id %q (%v), want none", id, err)
	}
	if strings.Contains(string(a), root) || strings.Contains(string(a), src) {
		t.Error("the binary holds the path of the source")
	}

	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		skips.Skip(t, "this machine cannot run a linux/amd64 binary to read its version; skipped")
	}
	out, err := exec.Command(first, "-version").Output()
	if err != nil || string(out) != "kubeproof-collect "+v+"\n" {
		t.Errorf("-version: %q %v", out, err)
	}
	cmd := exec.Command(first, "-spec", filepath.Join(root, "fixtures/specs/tkestack-worker"), "-o", "-", "-q")
	data, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	bun, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := bun.Manifest.Collector.Version; got != v {
		t.Errorf("the bundle records collector version %q, want %q", got, v)
	}
}

// copyPackages copies go.mod, go.sum and the files of every package of
// the module that pkg needs from root to dst.
func copyPackages(t *testing.T, root, dst, pkg string) {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if .Module}}{{if .Module.Main}}{{.Dir}}{{end}}{{end}}", pkg)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dirs := append(strings.Fields(string(out)), root)
	if len(dirs) < 3 {
		t.Fatalf("packages of %s: %q", pkg, dirs)
	}
	for _, dir := range dirs {
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || dir == root && e.Name() != "go.mod" && e.Name() != "go.sum" {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			to := filepath.Join(dst, rel, e.Name())
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(to, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
