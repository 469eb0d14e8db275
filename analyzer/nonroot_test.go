package analyzer

import (
	"bytes"
	"github.com/kubeproof/kubeproof/results"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
)

func openNode(t *testing.T, file string) *evidence.Node {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	n, err := evidence.NewNode(file, b)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNonRootVerdicts evaluates every check of every benchmark against two
// collections of the same node root: as root and as nobody (the pairs in
// testdata/nonroot, written by the collector's TestFaultNonRootKubeadm). A
// partial collection may only turn a verdict into WARN: it never passes or
// fails a check that the full evidence decides otherwise.
func TestNonRootVerdicts(t *testing.T) {
	files, err := filepath.Glob("testdata/nonroot/*-nobody.kpb")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("%d non-root bundles in testdata/nonroot, want 2", len(files))
	}
	for _, file := range files {
		layout := strings.TrimSuffix(filepath.Base(file), "-nobody.kpb")
		t.Run(layout, func(t *testing.T) {
			root := openNode(t, strings.TrimSuffix(file, "-nobody.kpb")+"-root.kpb")
			nonRoot := openNode(t, file)
			if c := nonRoot.Manifest.Collection; !c.Partial || c.User.UID == 0 {
				t.Fatalf("%s is not a partial non-root collection: %+v", file, c)
			}
			if root.Manifest.Collection.Partial || root.Manifest.Collection.User.UID != 0 {
				t.Fatalf("the root collection of %s is partial or not by root", layout)
			}
			for _, name := range catalog.Benchmarks() {
				cat, err := catalog.LoadEmbedded(name)
				if err != nil {
					t.Fatal(err)
				}
				warned := 0
				for _, s := range cat.Sections {
					for _, g := range s.Groups {
						for _, c := range g.Checks {
							want, got := Evaluate(c, root), Evaluate(c, nonRoot)
							if got.Status == want.Status {
								continue
							}
							if got.Status != results.Warn {
								t.Errorf("%s %s: %s as nobody, %s as root (%s)", name, c.ID, got.Status, want.Status, got.Observed)
								continue
							}
							warned++
							t.Logf("%s %s: %s as root, WARN as nobody: %s", name, c.ID, want.Status, got.Reason)
						}
					}
				}
				t.Logf("%s: %d verdicts WARN as nobody that root decides", name, warned)
				// kubeadm's own layout hides nothing the checks need: flags
				// come from world-readable command lines, the kubelet config
				// is 0644, and stat records need no read permission. The
				// hardened one hides the PKI directory's entries.
				// A platform's benchmark may read only what any user sees
				// (gke-1.9.0's node section is four stat checks).
				pl, err := catalog.PlatformOf(name)
				if err != nil {
					t.Fatal(err)
				}
				if strings.HasSuffix(layout, "-hardened") && warned == 0 && pl == "" {
					t.Errorf("%s: no verdict differs: the hardened non-root bundle exercises nothing", name)
				}
			}
		})
	}
}

// TestUnlistedDirectoryNeverPasses: a check over the files under a
// directory that could not be listed (a 0700 PKI directory met by a
// non-root collection), or whose entries could not be examined, has no
// evidence about those files: it warns, and never passes on the
// directory's own record alone.
func TestUnlistedDirectoryNeverPasses(t *testing.T) {
	cat := cis16(t)
	check := func(id string) *catalog.Check { return findCheck(t, cat, id) }
	pki := bundle.Stat{Path: "/etc/kubernetes/pki", Type: bundle.TypeDir, Mode: "0700", UID: intp(0), GID: intp(0), User: "root", Group: "root"}
	tests := []struct {
		name     string
		stats    []bundle.Stat
		problems []bundle.Problem
	}{
		{"directory not listable",
			[]bundle.Stat{pki},
			[]bundle.Problem{{Path: "/etc/kubernetes/pki", Op: "readdir", Kind: "permission", Message: "open: permission denied"}}},
		{"entry not examinable",
			[]bundle.Stat{pki, {Path: "/etc/kubernetes/pki/ca.crt", Error: "lstat: permission denied", ErrorKind: "permission"}},
			[]bundle.Problem{{Path: "/etc/kubernetes/pki/ca.crt", Op: "stat", Kind: "permission", Message: "lstat: permission denied"}}},
		{"subdirectory not listable",
			[]bundle.Stat{pki, {Path: "/etc/kubernetes/pki/etcd", Type: bundle.TypeDir, Mode: "0700", UID: intp(0), GID: intp(0), User: "root", Group: "root"}},
			[]bundle.Problem{{Path: "/etc/kubernetes/pki/etcd", Op: "readdir", Kind: "permission", Message: "open: permission denied"}}},
		{"path limit reached",
			[]bundle.Stat{pki},
			[]bundle.Problem{{Path: "/opt/cni/bin/x", Op: "stat", Kind: "limit", Message: "more than 20000 paths: the rest were not examined"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := problemNode(t, []bundle.Process{proc("kube-apiserver")}, tt.stats, tt.problems)
			for _, id := range []string{"1.1.19", "1.1.20", "1.1.21"} {
				if r := Evaluate(check(id), n); r.Status != results.Warn {
					t.Errorf("%s: %s (%s), want WARN", id, r.Status, r.Observed)
				}
			}
		})
	}
	// The same directory, listed, with nothing wrong: the check passes.
	n := problemNode(t, []bundle.Process{proc("kube-apiserver")}, []bundle.Stat{pki, file("/etc/kubernetes/pki/ca.crt", "0644", "root", "root")}, nil)
	if r := Evaluate(check("1.1.19"), n); r.Status != results.Pass {
		t.Errorf("1.1.19 on a complete listing: %s (%s), want PASS", r.Status, r.Observed)
	}
}

// problemNode builds a Node, through a real bundle, whose collection met
// the problems given.
func problemNode(t *testing.T, procs []bundle.Process, stats []bundle.Stat, problems []bundle.Problem) *evidence.Node {
	t.Helper()
	for i := range stats {
		if stats[i].Reasons == nil {
			stats[i].Reasons = []string{"test"}
		}
	}
	if problems == nil {
		problems = []bundle.Problem{}
	}
	w := bundle.NewWriter()
	for name, v := range map[string]any{
		bundle.ProcessesPath: bundle.Processes{Processes: procs},
		bundle.StatPath:      bundle.Stats{Files: stats},
		bundle.PKIPath:       bundle.PKI{Certificates: []bundle.Certificate{}},
		bundle.ProblemsPath:  bundle.Problems{Problems: problems},
	} {
		if err := w.AddJSON(name, v); err != nil {
			t.Fatal(err)
		}
	}
	data, _, _, err := w.Finish(bundle.Manifest{
		Host:       bundle.Host{Hostname: "n1", Roles: []string{"master"}, Components: []string{"kube-apiserver"}},
		Collection: bundle.Collection{Partial: len(problems) > 0, Problems: len(problems)},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := evidence.NewNode("n1.kpb", b)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
