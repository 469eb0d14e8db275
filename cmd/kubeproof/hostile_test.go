package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
)

var updateHostile = flag.Bool("update-hostile", false, "regenerate the bundles under testdata/hostile/")

// hostileDir holds one bundle per issue-11 case of the analyzer's side,
// each made from a fixture bundle by its build function below (as
// archive/tar keeps one file per bug). TestHostileFixtures checks that
// the committed files are what the functions make.
const hostileDir = "testdata/hostile"

// control is what a hostile node may put in any string: an escape
// sequence that clears the screen, a newline that forges a verdict line,
// a C1 control (CSI), a bidirectional override, a DEL.
const control = "\x1b[2J\x1b[H\n[PASS] 1.1.1 forged\r\u009b31m\u202egnp.exe\x7f"

type hostileBundle struct {
	file  string
	from  string // fixture bundle
	edit  func(m *bundle.Manifest, members map[string][]byte) error
	notes string
}

func editJSON[T any](members map[string][]byte, name string, f func(*T)) error {
	var v T
	if err := json.Unmarshal(members[name], &v); err != nil {
		return err
	}
	f(&v)
	data, err := bundle.EncodeJSON(v)
	members[name] = data
	return err
}

var hostileBundles = []hostileBundle{
	{
		// Control characters in every free-text string of a bundle (the
		// host name itself is refused: manifest-control-hostname.kpb in
		// bundle/testdata/hostile).
		file: "control-characters.kpb", from: "tkestack-worker.kpb",
		edit: func(m *bundle.Manifest, members map[string][]byte) error {
			m.Host.OS.PrettyName += control
			m.Host.Kernel += control
			if err := editJSON(members, bundle.ProcessesPath, func(p *bundle.Processes) {
				for i := range p.Processes {
					if p.Processes[i].Component == "kubelet" {
						p.Processes[i].Argv = append(p.Processes[i].Argv, "--node-labels="+control, "--protect-kernel-defaults="+control)
						p.Processes[i].Executable += control
					}
				}
			}); err != nil {
				return err
			}
			if err := editJSON(members, bundle.StatPath, func(s *bundle.Stats) {
				s.Files = append(s.Files, bundle.Stat{Path: "/etc/kubernetes/" + control, Type: "file", Mode: "0644", Content: "not-copied", Reasons: []string{control}})
				slices.SortFunc(s.Files, func(a, b bundle.Stat) int { return strings.Compare(a.Path, b.Path) })
			}); err != nil {
				return err
			}
			return editJSON(members, bundle.ProblemsPath, func(p *bundle.Problems) {
				p.Problems = append(p.Problems, bundle.Problem{Path: "/etc/kubernetes/" + control, Op: "read", Kind: "other", Message: control})
			})
		},
	},
	{
		// A flag given 20,000 times in one command line: a list flag
		// (every occurrence counts) and a plain one (the last counts).
		file: "repeated-flag.kpb", from: "tkestack-master.kpb",
		edit: func(m *bundle.Manifest, members map[string][]byte) error {
			return editJSON(members, bundle.ProcessesPath, func(p *bundle.Processes) {
				for i := range p.Processes {
					if p.Processes[i].Component == "kube-apiserver" {
						for range 20000 {
							p.Processes[i].Argv = append(p.Processes[i].Argv, "--enable-admission-plugins=NodeRestriction", "--profiling=true")
						}
					}
				}
			})
		},
	},
	{
		// One path of 100,000 characters among the stat records: inspect
		// once padded every row to it.
		file: "long-path.kpb", from: "tkestack-worker.kpb",
		edit: func(m *bundle.Manifest, members map[string][]byte) error {
			return editJSON(members, bundle.StatPath, func(s *bundle.Stats) {
				s.Files = append(s.Files, bundle.Stat{Path: "/var/lib/" + strings.Repeat("x", 100000), Type: "file", Mode: "0644", Content: "not-copied", Reasons: []string{"walk /var/lib"}})
			})
		},
	},
	{
		// Two bundles of one host, an hour apart.
		file: "worker-older.kpb", from: "tkestack-worker.kpb",
		edit: func(m *bundle.Manifest, members map[string][]byte) error {
			m.Collection.Started = m.Collection.Started.Add(-time.Hour)
			m.Collection.Finished = m.Collection.Finished.Add(-time.Hour)
			return nil
		},
	},
	{
		// A host where the collector found no Kubernetes component.
		file: "no-kubernetes.kpb", from: "tkestack-worker.kpb",
		edit: func(m *bundle.Manifest, members map[string][]byte) error {
			m.Host.Hostname = "plain-vm"
			m.Host.Roles, m.Host.Components, m.Host.Kubernetes = []string{}, []string{}, nil
			return editJSON(members, bundle.ProcessesPath, func(p *bundle.Processes) {
				p.Processes = slices.DeleteFunc(p.Processes, func(p bundle.Process) bool { return p.Kind == "component" })
			})
		},
	},
}

func buildHostile(t *testing.T, h hostileBundle) []byte {
	t.Helper()
	src, err := bundle.Open(filepath.Join(fx, h.from), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	members := map[string][]byte{}
	for _, m := range src.Manifest.Members {
		data, _ := src.Member(m.Path)
		members[m.Path] = data
	}
	man := src.Manifest
	if err := h.edit(&man, members); err != nil {
		t.Fatalf("%s: %v", h.file, err)
	}
	w := bundle.NewWriter()
	for _, name := range slices.Sorted(mapsKeys(members)) {
		if err := w.Add(name, members[name]); err != nil {
			t.Fatal(err)
		}
	}
	data, _, _, err := w.Finish(man)
	if err != nil {
		t.Fatalf("%s: %v", h.file, err)
	}
	return data
}

func mapsKeys(m map[string][]byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestHostileFixtures(t *testing.T) {
	if *updateHostile {
		os.MkdirAll(hostileDir, 0o755)
	}
	for _, h := range hostileBundles {
		data := buildHostile(t, h)
		name := filepath.Join(hostileDir, h.file)
		if *updateHostile {
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (generate with go test ./cmd/kubeproof -run TestHostileFixtures -update-hostile)", err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s differs from what its build function makes (regenerate with -update-hostile)", name)
		}
	}
	files, _ := filepath.Glob(filepath.Join(hostileDir, "*.kpb"))
	for _, f := range files {
		if !slices.ContainsFunc(hostileBundles, func(h hostileBundle) bool { return h.file == filepath.Base(f) }) {
			t.Errorf("%s has no build function", f)
		}
	}
}
