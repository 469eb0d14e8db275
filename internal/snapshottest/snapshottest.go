// Package snapshottest makes API snapshot bundles for tests: objects given
// as JSON, sealed by the collector as kubectl's output would be. Only
// tests import it.
package snapshottest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/collector"
)

// PrivilegedPod is a pod the policies of section 5 flag (a privileged
// container in team-a), on node k8s-v133-master.
const PrivilegedPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"team-a"},"spec":{"nodeName":"k8s-v133-master","containers":[{"name":"app","image":"app:1","securityContext":{"privileged":true}}]}}`

// Write seals objects into an API snapshot of cluster name, in a file
// of a temporary directory, and returns its path.
func Write(t testing.TB, name string, objects ...string) string {
	t.Helper()
	in := []collector.SnapshotInput{{Name: "objects.json", R: strings.NewReader(`{"kind":"List","apiVersion":"v1","items":[` + strings.Join(objects, ",") + `]}`)}}
	res, err := collector.Snapshot(in, collector.SnapshotOptions{Time: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Version: "test", Cluster: name})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), name+".kpb")
	if err := os.WriteFile(file, res.Bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}
