package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/internal/bundletest"
)

// TestTamperedFacts (issue 15): the TKEStack worker's bundle with its
// process list changed after collection (the kubelet's and kube-proxy's
// node name, same length) and the stream compressed again, so that the zstd checksum
// holds: verify and analyze name the member and refuse the bundle; with
// --allow-unverified every verdict that rests on the process list says
// its evidence is unverified.
func TestTamperedFacts(t *testing.T) {
	src, err := os.ReadFile(fx + "tkestack-worker.kpb")
	if err != nil {
		t.Fatal(err)
	}
	raw := bundletest.Unseal(t, src)
	const from, to = `"--hostname-override=10.0.0.14"`, `"--hostname-override=10.0.0.99"`
	if bytes.Count(raw, []byte(from)) != 2 {
		t.Fatalf("the worker's process list holds %s %d times, want twice (kubelet, kube-proxy)", from, bytes.Count(raw, []byte(from)))
	}
	raw = bytes.ReplaceAll(raw, []byte(from), []byte(to))
	tampered := filepath.Join(t.TempDir(), "worker.kpb")
	if err := os.WriteFile(tampered, bundletest.Reseal(t, raw), 0o644); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cliCase{
		{name: "verify", setup: func(*testing.T, string) []string { return []string{"verify", tampered} },
			code: 4, stdout: []string{`member "facts/processes.json": sha256 `}, not: []string{"checksum"}},
		{name: "analyze refuses it", setup: func(*testing.T, string) []string { return []string{"analyze", "--benchmark", "cis-1.6", tampered} },
			code: 4, stderr: []string{`member "facts/processes.json": sha256 `}},
		{name: "analyze it anyway", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", "--allow-unverified", "--format", "json", "--targets", "node", "--check", "4.2.8", tampered}
		}, stderr: []string{"FAILED verification: 1 member"},
			check: func(t *testing.T, _, stdout, _ string) {
				if !strings.Contains(stdout, `"member": "facts/processes.json"`) || !strings.Contains(stdout, `"unverified": true`) || !strings.Contains(stdout, "10.0.0.99") {
					t.Errorf("4.2.8 does not cite the tampered process list as unverified:\n%.3000s", stdout)
				}
			}},
	})
}
