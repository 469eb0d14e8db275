package collector

import (
	"bytes"
	"context"
	"encoding/json"
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

// TestKeepsNotSecret is the other half of the canary test: the values of
// the HA spec that are not secrets (NOT-SECRET.tsv: host names, paths,
// modes, addresses, the flags the checks read) survive redaction wherever
// the collector keeps what holds them — a command line, an environment,
// a copied file, a stat record.
func TestKeepsNotSecret(t *testing.T) {
	dir := filepath.Join(specsDir, "kubeadm-ha-master")
	data, err := os.ReadFile(filepath.Join(dir, "NOT-SECRET.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	res := collectSpec(t, dir, fixtureTime)
	b, err := bundle.Read(bytes.NewReader(res.Bundle), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	procs, _ := b.Member(bundle.ProcessesPath)
	stats, _ := b.Member(bundle.StatPath)
	// Values the redactor removes by design: it keeps what it knows to be
	// a setting, and these are not known to be.
	byDesign := map[string]string{
		"https://vault.prod-az1.example.internal:8200": "the value of VAULT_ADDR, a variable of a program (an exec plugin) whose variables are not known",
		"--user=healthcheck":                           "etcdctl's --user holds user:password; this one holds a name alone, but is redacted all the same",
		"10.0.100.10":                                  "kube-vip's settings are environment variables of a program whose variables are not known",
		"65012":                                        "kube-vip's settings are environment variables of a program whose variables are not known",
		"plndr-svcs-lock":                              "kube-vip's settings are environment variables of a program whose variables are not known",
		"10.0.0.12":                                    "in kube-vip.yaml an environment value (bgp_routerid); kept elsewhere on the node",
		"--client-id=k8s-prod-az1":                     "an argument of an image credential provider, a program whose flags are not known",
	}
	checked, uncopied := 0, 0
	for n, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		value, where, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("NOT-SECRET.tsv:%d: want VALUE<TAB>WHERE", n+2)
		}
		quoted, _ := json.Marshal(value)
		inJSON := func(doc []byte) bool {
			return bytes.Contains(doc, []byte(value)) || bytes.Contains(doc, quoted[1:len(quoted)-1])
		}
		var places []string
		found := false
		for _, place := range strings.Split(where, "; ") {
			switch {
			case strings.HasPrefix(place, "procs.tsv"):
				places = append(places, "processes")
				found = found || inJSON(procs)
			case strings.HasPrefix(place, "stat data"):
				places = append(places, "stat records")
				found = found || inJSON(stats)
			case strings.HasPrefix(place, "/"):
				p, _, _ := strings.Cut(place, " ")
				if copyData, ok := b.Member(bundle.FileMember(p)); ok {
					places = append(places, p)
					found = found || bytes.Contains(copyData, []byte(value))
				}
			}
		}
		switch {
		case len(places) == 0:
			uncopied++ // only in files kept as stat records: nothing to check
		case !found && byDesign[value] != "":
			t.Logf("redacted by design: %q in %s: %s", value, where, byDesign[value])
		case !found:
			t.Errorf("%q (%s) is not in %s", value, where, strings.Join(places, ", "))
		case byDesign[value] != "" && !strings.Contains(where, "everywhere"):
			t.Errorf("%q is kept: drop it from the list of values redacted by design", value)
		default:
			checked++
		}
	}
	if checked < 80 {
		t.Errorf("only %d values checked", checked)
	}
	t.Logf("%d values kept; %d stand only in files of types the redactor does not copy", checked, uncopied)
}

// TestSnapshotFixtureBundles seals each fixture cluster's kubectl output
// (fixtures/snapshots/CLUSTER/*.json) into fixtures/bundles/snapshot-CLUSTER.kpb
// and checks the committed bundles are what a fresh capture gives (make
// fixtures rewrites them), with every object kept and none of the
// canaries.
func TestSnapshotFixtureBundles(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "fixtures", "snapshots", "*", "canaries.tsv"))
	if err != nil || len(dirs) < 2 {
		t.Fatalf("want the fixture clusters, found %d (%v)", len(dirs), err)
	}
	for _, c := range dirs {
		dir := filepath.Dir(c)
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			var in []SnapshotInput
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				in = append(in, SnapshotInput{Name: filepath.Base(f), R: bytes.NewReader(data)})
			}
			res, err := Snapshot(in, SnapshotOptions{Time: fixtureTime, Version: "fixture", Cluster: name, Hostname: "capture"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Kept < 300 {
				t.Errorf("%s: %d objects kept, want at least 300", name, res.Kept)
			}
			planted, err := canary.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range canary.NewScanner(planted).Find(res.Bundle) {
				t.Errorf("canary %q (%s) in the compressed bundle: …%s…", h.Canary.Value, h.Canary.Where, h.Text)
			}
			b, err := bundle.Read(bytes.NewReader(res.Bundle), bundle.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			sc := canary.NewScanner(planted)
			for _, m := range append([]string{bundle.ManifestPath}, memberPaths(b)...) {
				data := b.ManifestBytes
				if m != bundle.ManifestPath {
					data, _ = b.Member(m)
				}
				for _, h := range sc.Find(data) {
					t.Errorf("canary %q (%s, %s) leaked into %s: …%s…", h.Canary.Value, h.Canary.Form, h.Canary.Where, m, h.Text)
				}
			}
			file := filepath.Join("..", "fixtures", "bundles", "snapshot-"+name+".kpb")
			if *updateFixtures {
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
				t.Errorf("%s differs from a fresh capture of %s (digest %s); run `make fixtures` if the change is intended", file, dir, res.Digest)
			}
		})
	}
}
