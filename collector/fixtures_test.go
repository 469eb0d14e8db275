package collector

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/canary"
	"github.com/kubeproof/kubeproof/internal/version"
)

var updateFixtures = flag.Bool("update-fixtures", false, "rewrite fixtures/bundles/*.kpb from fixtures/specs")

// fixtureTime is the recorded collection time of the committed bundles: the
// day of the reference TKEStack scan.
var fixtureTime = time.Date(2021, 9, 15, 8, 0, 0, 0, time.UTC)

const specsDir = "../fixtures/specs"

func specDirs(t testing.TB) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(specsDir, "*", "procs.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, m := range matches {
		dirs = append(dirs, filepath.Dir(m))
	}
	for _, want := range []string{"tkestack-master", "tkestack-worker", "kubeadm-master", "kubeadm-worker"} {
		if _, err := os.Stat(filepath.Join(specsDir, want, "procs.tsv")); err != nil {
			t.Fatalf("node spec %s is missing: %v", want, err)
		}
	}
	return dirs
}

func collectSpec(t testing.TB, dir string, at time.Time) *Result {
	t.Helper()
	return collectSpecOpts(t, dir, Options{Time: at})
}

func collectSpecOpts(t testing.TB, dir string, opts Options) *Result {
	t.Helper()
	opts.Spec, opts.Version = dir, version.Version
	res, err := Collect(context.Background(), opts)
	if err != nil {
		t.Fatalf("collecting %s: %v", dir, err)
	}
	return res
}

// TestFixtureBundles pins the committed bundles: collecting a spec gives
// its bundle byte for byte. `make fixtures` rewrites them.
func TestFixtureBundles(t *testing.T) {
	for _, dir := range specDirs(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			res := collectSpec(t, dir, fixtureTime)
			file := filepath.Join("..", "fixtures", "bundles", name+".kpb")
			if *updateFixtures {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, res.Bundle, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run `make fixtures`)", err)
			}
			if !bytes.Equal(res.Bundle, want) {
				t.Errorf("%s differs from a fresh collection of %s (digest %s); run `make fixtures` if the change is intended", file, dir, res.Digest)
			}
			if res.Partial() {
				t.Errorf("collection of %s was partial: %+v", dir, res.Problems)
			}
		})
	}
}

// TestNoSecretLeaves proves with canaries that no secret of the fixtures
// reaches a bundle: every secret in the specs is a canary (canaries.tsv,
// or a KPCANARY… string), and none, no 16-byte piece of one and none of
// their base64 forms may appear in any member of the bundle.
func TestNoSecretLeaves(t *testing.T) {
	for _, dir := range specDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			planted, err := canary.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(planted) < 3 {
				t.Fatalf("only %d canaries planted in %s: the test would prove nothing", len(planted), dir)
			}
			sc := canary.NewScanner(planted)
			// With and without a redaction key: keyed markers must hide
			// as much as plain ones.
			for _, key := range [][]byte{nil, []byte("0123456789abcdef0123456789abcdef")} {
				res := collectSpecOpts(t, dir, Options{Time: fixtureTime, RedactionKey: key})
				b, err := bundle.Read(bytes.NewReader(res.Bundle), bundle.Limits{})
				if err != nil {
					t.Fatal(err)
				}
				members := append([]string{bundle.ManifestPath}, memberPaths(b)...)
				for _, m := range members {
					data := b.ManifestBytes
					if m != bundle.ManifestPath {
						data, _ = b.Member(m)
					}
					for _, h := range sc.Find(data) {
						t.Errorf("canary %q (%s, %s) leaked into %s: …%s…", h.Canary.Value, h.Canary.Form, h.Canary.Where, m, h.Text)
					}
				}
				// Redaction must have happened, not just omission.
				copies := 0
				for _, m := range members {
					if strings.HasPrefix(m, bundle.FilesPrefix) {
						copies++
					}
				}
				if copies == 0 {
					t.Error("no file copies in the bundle")
				}
			}
			t.Logf("%d canaries planted, none found in the bundle", len(planted))
		})
	}
}

func memberPaths(b *bundle.Bundle) []string {
	var out []string
	for _, m := range b.Manifest.Members {
		out = append(out, m.Path)
	}
	return out
}

// TestCollectDeterministic: the same spec collected at different times
// gives the same members; at the same time, the same bytes.
func TestCollectDeterministic(t *testing.T) {
	dir := filepath.Join(specsDir, "tkestack-master")
	a := collectSpec(t, dir, fixtureTime)
	b := collectSpec(t, dir, fixtureTime)
	if !bytes.Equal(a.Bundle, b.Bundle) {
		t.Fatal("two collections of the same spec at the same time differ")
	}
	c := collectSpec(t, dir, fixtureTime.Add(time.Hour))
	if a.Digest == c.Digest {
		t.Error("bundle digest ignores the collection time")
	}
	if len(a.Manifest.Members) != len(c.Manifest.Members) {
		t.Fatalf("member lists differ: %d vs %d", len(a.Manifest.Members), len(c.Manifest.Members))
	}
	for i := range a.Manifest.Members {
		if a.Manifest.Members[i] != c.Manifest.Members[i] {
			t.Errorf("member %s differs between collections: %v vs %v", a.Manifest.Members[i].Path, a.Manifest.Members[i], c.Manifest.Members[i])
		}
	}
}

// BenchmarkCollectTKEStackMaster measures a whole collection of the
// TKEStack master spec, and reports the bundle size.
func BenchmarkCollectTKEStackMaster(b *testing.B) {
	dir := filepath.Join(specsDir, "tkestack-master")
	var size int
	for i := 0; i < b.N; i++ {
		res := collectSpec(b, dir, fixtureTime)
		size = len(res.Bundle)
	}
	b.ReportMetric(float64(size), "bundle-bytes")
}
