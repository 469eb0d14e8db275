// Package fixturegen makes many distinct node bundles from the fixture
// bundles, for benchmarks of whole-cluster runs.
package fixturegen

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/kubeproof/kubeproof/bundle"
)

// Vary returns a copy of src as node number i: another host name, and a
// command line changed in a way that changes verdicts (every other node
// turns profiling off on its components, every third sets the kubelet's
// protect-kernel-defaults).
func Vary(src *bundle.Bundle, i int) ([]byte, error) { return VaryHeavy(src, i, 0) }

// VaryHeavy is Vary with extraStats more stat records (a node with many
// files under its walked directories), for measuring memory with bundles
// that weigh more than the fixtures: 20,000 records make a stat member of
// about 5 MB.
func VaryHeavy(src *bundle.Bundle, i, extraStats int) ([]byte, error) {
	w := bundle.NewWriter()
	for _, m := range src.Manifest.Members {
		data, ok := src.Member(m.Path)
		if !ok {
			return nil, fmt.Errorf("member %s missing", m.Path)
		}
		if m.Path == bundle.ProcessesPath {
			var procs bundle.Processes
			if err := src.DecodeJSON(m.Path, &procs); err != nil {
				return nil, err
			}
			for j := range procs.Processes {
				p := &procs.Processes[j]
				p.PID += i
				if i%2 == 0 && p.Kind == "component" {
					p.Argv = append(p.Argv, "--profiling=false")
				}
				if i%3 == 0 && p.Component == "kubelet" {
					p.Argv = append(p.Argv, "--protect-kernel-defaults=true")
				}
			}
			var err error
			if data, err = bundle.EncodeJSON(procs); err != nil {
				return nil, err
			}
		}
		if m.Path == bundle.StatPath && extraStats > 0 {
			var st bundle.Stats
			if err := src.DecodeJSON(m.Path, &st); err != nil {
				return nil, err
			}
			uid := 0
			for j := range extraStats {
				st.Files = append(st.Files, bundle.Stat{Path: fmt.Sprintf("/var/lib/kubelet/pods/%08d-%04d/volumes/kubernetes.io~configmap/data/file-%d.conf", i, j/100, j),
					Type: "file", Mode: "0644", UID: &uid, GID: &uid, User: "root", Group: "root", Size: int64(j), Content: "not-copied", Reasons: []string{"walk /var/lib/kubelet"}})
			}
			var err error
			if data, err = bundle.EncodeJSON(st); err != nil {
				return nil, err
			}
		}
		if err := w.Add(m.Path, data); err != nil {
			return nil, err
		}
	}
	man := src.Manifest
	man.Host.Hostname = fmt.Sprintf("%s-%04d", man.Host.Hostname, i)
	data, _, _, err := w.Finish(man)
	return data, err
}

// Cluster writes n bundles varied from the given fixture bundles into dir
// and returns their paths.
func Cluster(dir string, fixtures []string, n int) ([]string, error) {
	return HeavyCluster(dir, fixtures, n, 0)
}

// HeavyCluster is Cluster with extraStats more stat records per bundle
// (VaryHeavy).
func HeavyCluster(dir string, fixtures []string, n, extraStats int) ([]string, error) {
	var srcs []*bundle.Bundle
	for _, f := range fixtures {
		b, err := bundle.Open(f, bundle.Limits{})
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, b)
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("no fixture bundles")
	}
	var files []string
	for i := 0; i < n; i++ {
		data, err := VaryHeavy(srcs[i%len(srcs)], i, extraStats)
		if err != nil {
			return nil, err
		}
		name := filepath.Join(dir, fmt.Sprintf("node-%04d.kpb", i))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return nil, err
		}
		files = append(files, name)
	}
	return files, nil
}
