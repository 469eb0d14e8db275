package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/collector"
)

// changedSpecBundles collects the TKEStack master twice: as its spec
// says, and half a year later with the profiling fixed (1.2.21 FAIL →
// PASS) and the API server's manifest made world-writable (1.1.1 PASS →
// FAIL).
func changedSpecBundles(t *testing.T) (old, new string) {
	t.Helper()
	spec := "../../fixtures/specs/tkestack-master"
	dir := t.TempDir()
	changed := filepath.Join(dir, "spec")
	if err := os.CopyFS(changed, os.DirFS(spec)); err != nil {
		t.Fatal(err)
	}
	edit := func(file, from, to string) {
		t.Helper()
		p := filepath.Join(changed, file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(from)) {
			t.Fatalf("%s has no %q", file, from)
		}
		if err := os.WriteFile(p, bytes.Replace(data, []byte(from), []byte(to), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("procs.tsv", "--authorization-mode=Node,RBAC", "--authorization-mode=Node,RBAC --profiling=false")
	edit("attrs.tsv", "/etc/kubernetes/manifests/kube-apiserver.yaml 0600", "/etc/kubernetes/manifests/kube-apiserver.yaml 0666")
	collect := func(spec, name string, at time.Time) string {
		t.Helper()
		res, err := collector.Collect(context.Background(), collector.Options{Spec: spec, Time: at})
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, res.Bundle, 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	return collect(spec, "old.kpb", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)),
		collect(changed, "new.kpb", time.Date(2025, 7, 2, 3, 4, 5, 0, time.UTC))
}

func TestDiff(t *testing.T) {
	master := fx + "tkestack-master.kpb"
	oldBundle, newBundle := changedSpecBundles(t)
	dir := t.TempDir()
	report := filepath.Join(dir, "report.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"kubeproof", "analyze", "--benchmark", "cis-1.6", "--format", "json", "-o", report, master}, &stdout, &stderr); code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, stderr.String())
	}
	notReport := filepath.Join(dir, "kube-bench.json")
	if err := os.WriteFile(notReport, []byte(`{"Controls": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	benchmarks := []string{"--old-benchmark", "cis-1.6", "--new-benchmark", "cis-1.20"}
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string
		stderr string
	}{
		{"benchmark change text", append([]string{"diff", master, master}, benchmarks...), 0, "diff-tkestack-cis-1.6-cis-1.20.txt", ""},
		{"benchmark change json", append([]string{"diff", "--format", "json", master, master}, benchmarks...), 0, "diff-tkestack-cis-1.6-cis-1.20.json", ""},
		{"old report, new bundle", []string{"diff", "--new-benchmark", "cis-1.20", report, master}, 0, "diff-tkestack-cis-1.6-cis-1.20.txt", ""},
		{"node change text", []string{"diff", "--benchmark", "cis-1.6", oldBundle, newBundle}, 1, "diff-node-change.txt", "1 verdict regressed"},
		{"node change json", []string{"diff", "--benchmark", "cis-1.6", "--format", "json", oldBundle, newBundle}, 1, "diff-node-change.json", ""},
		{"bundle lists", []string{"diff", "--benchmark", "cis-1.6", oldBundle + "," + fx + "tkestack-worker.kpb", newBundle}, 1, "", "1 verdict regressed"},
		{"nothing changed", []string{"diff", "--benchmark", "cis-1.6", report, master}, 0, "", ""},
		{"one argument", []string{"diff", master}, 2, "", "diff takes two arguments"},
		{"three arguments", []string{"diff", master, master, master}, 2, "", "diff takes two arguments"},
		{"unknown format", []string{"diff", "--format", "html", master, master}, 2, "", `--format "html"`},
		{"both benchmark flags", []string{"diff", "--benchmark", "cis-1.6", "--old-benchmark", "cis-1.6", master, master}, 2, "", "give one or the other"},
		{"unknown side benchmark", []string{"diff", "--old-benchmark", "cis-0.1", master, master}, 2, "", "--old-benchmark"},
		{"missing file", []string{"diff", "nope.json", master}, 2, "", "OLD: nope.json: no such file or directory"},
		{"not our report", []string{"diff", notReport, master}, 4, "", "not a kubeproof JSON report"},
		{"bad bundle", []string{"diff", "--benchmark", "cis-1.6", master, "main.go"}, 4, "", "NEW:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"kubeproof"}, tt.args...), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstderr: %s", code, tt.code, stderr.String())
			}
			if tt.stderr != "" && !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.stderr)
			}
			if tt.golden != "" {
				golden(t, filepath.Join("testdata", tt.golden), stdout.Bytes())
			}
		})
	}
}
