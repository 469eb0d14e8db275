package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestCLI runs command lines in-process and checks exit codes, and
// compares output with golden files where one is named.
func TestCLI(t *testing.T) {

	tests := []struct {
		name   string
		args   []string
		code   int
		golden string // compared with standard output
		stderr string // substring
	}{
		{"verify fixtures", []string{"verify", fx}, 0, "", ""},
		{"inspect master", []string{"inspect", fx + "tkestack-master.kpb"}, 0, "inspect-tkestack-master.txt", ""},
		{"analyze tkestack text", []string{"analyze", "--benchmark", "cis-1.6", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, 0, "analyze-tkestack.txt", ""},
		{"analyze tkestack json", []string{"analyze", "--benchmark", "cis-1.6", "--format", "json", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, 0, "analyze-tkestack.json", ""},
		{"analyze tkestack junit", []string{"analyze", "--benchmark", "cis-1.6", "--format", "junit", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, 0, "analyze-tkestack.junit.xml", ""},
		{"analyze tkestack sarif", []string{"analyze", "--benchmark", "cis-1.6", "--format", "sarif", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, 0, "analyze-tkestack.sarif", ""},
		{"analyze kubeadm text", []string{"analyze", "--benchmark", "cis-1.6", fx + "kubeadm-master.kpb", fx + "kubeadm-worker.kpb"}, 0, "analyze-kubeadm.txt", ""},
		{"exit code on failures", []string{"analyze", "--benchmark", "cis-1.6", "--exit-code", "7", "--check", "1.2.21", fx + "tkestack-master.kpb"}, 7, "", "checks failed"},
		{"verify reports the problem", []string{"verify", "main.go"}, 4, "verify-not-a-bundle.txt", ""},
		{"only some checks", []string{"analyze", "--benchmark", "cis-1.6", "--targets", "node", "--check", "4.2.6", fx + "tkestack-worker.kpb"}, 0, "analyze-check-4.2.6.txt", ""},
		{"flags after arguments", []string{"analyze", "--benchmark", "cis-1.6", fx + "tkestack-worker.kpb", "--targets", "node", "--check=4.2.6"}, 0, "analyze-check-4.2.6.txt", ""},
		{"pdf needs a file", []string{"analyze", "--benchmark", "cis-1.6", "--format", "pdf", fx}, 2, "", "give --output-dir"},
		{"one file, two formats", []string{"analyze", "--benchmark", "cis-1.6", "--format", "text,json", "-o", "x", fx}, 2, "", "--output takes one format"},
		{"unknown format", []string{"analyze", "--benchmark", "cis-1.6", "--format", "html", fx}, 2, "", `--format "html"`},
		{"unknown flag", []string{"analyze", "--benchmark", "cis-1.6", "--frobnicate", fx}, 2, "", "flag provided but not defined"},
		{"unknown target", []string{"analyze", "--benchmark", "cis-1.6", "--targets", "workers", fx}, 2, "", `unknown target "workers"`},
		{"unknown benchmark", []string{"analyze", "--benchmark", "cis-1.6", "--benchmark", "cis-0.1", fx}, 2, "", "unknown benchmark"},
		{"no bundle", []string{"analyze"}, 2, "", "no bundle given"},
		// kube-bench's spellings, and the benchmark picked per node.
		{"analyze tkestack auto", []string{"analyze", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, 0, "analyze-tkestack-auto.txt", ""},
		{"run is analyze", []string{"run", "--benchmark", "cis-1.6", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, 0, "analyze-tkestack.txt", ""},
		{"--json is --format json", []string{"analyze", "--benchmark", "cis-1.6", "--json", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, 0, "analyze-tkestack.json", ""},
		{"--json and another format", []string{"analyze", "--json", "--format", "text", fx}, 2, "", "--json is --format json"},
		{"--version picks", []string{"run", "--version", "1.16", "--targets", "node", "--check", "4.2.6", fx + "tkestack-worker.kpb"}, 0, "analyze-version-4.2.6.txt", ""},
		{"--version and --benchmark", []string{"analyze", "--version", "1.16", "--benchmark", "cis-1.6", fx}, 2, "", "--benchmark and --version exclude each other"},
		{"bad --version", []string{"analyze", "--version", "2.1", fx}, 2, "", "--version: Kubernetes version \"2.1\""},
		{"--checks-dir needs --benchmark", []string{"analyze", "--checks-dir", "testdata", fx}, 2, "", "--checks-dir needs --benchmark"},
		{"worker alone", []string{"analyze", fx + "tkestack-worker.kpb"}, 2, "", "no benchmark can be picked: its bundle records no Kubernetes version"},
		// Waivers: one holds, one expired, one waives a PASS, one matches nothing.
		{"waivers text", []string{"analyze", "--benchmark", "cis-1.6", "--waivers", "testdata/waivers-tkestack.yaml", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, 0, "analyze-tkestack-waivers.txt", "waiver testdata/waivers-tkestack.yaml:20 (check 9.9.9) matches no result"},
		{"waivers json", []string{"analyze", "--benchmark", "cis-1.6", "--format", "json", "--waivers", "testdata/waivers-tkestack.yaml", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, 0, "analyze-tkestack-waivers.json", "expired 2021-06-30"},
		{"a waived FAIL does not fail --exit-code", []string{"analyze", "--benchmark", "cis-1.6", "--exit-code", "7", "--check", "1.2.21", "--waivers", "testdata/waivers-tkestack.yaml", fx + "tkestack-master.kpb"}, 0, "", ""},
		{"malformed waivers", []string{"analyze", "--benchmark", "cis-1.6", "--waivers", "testdata/waivers-bad.yaml", fx}, 2, "", `--waivers: testdata/waivers-bad.yaml:6: expires: "31.12.2021" is not a date`},
		{"missing waivers", []string{"analyze", "--benchmark", "cis-1.6", "--waivers", "testdata/nope.yaml", fx}, 2, "", "--waivers testdata/nope.yaml: no such file"},
		{"bad --pdf-detail", []string{"analyze", "--benchmark", "cis-1.6", "--pdf-detail", "some", fx}, 2, "", `--pdf-detail "some": want none, failures or all`},
		{"version command", []string{"version"}, 0, "version.txt", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"missing file", []string{"verify", "nope.kpb"}, 2, "", "nope.kpb: no such file or directory"},
		{"not a bundle", []string{"verify", "main.go"}, 4, "", "1 of 1 bundle failed verification"},
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

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/kubeproof -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test ./cmd/kubeproof -update if intended)\n%s", file, firstDiff(want, got))
	}
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, w, g)
		}
	}
	return ""
}

// TestOutputDir writes all six formats from one run and checks that a
// second run gives the same bytes.
func TestOutputDir(t *testing.T) {
	fx := "../../fixtures/bundles/"
	read := func(dir string) map[string][]byte {
		out := map[string][]byte{}
		for _, ext := range []string{"txt", "json", "xlsx", "pdf", "junit.xml", "sarif"} {
			data, err := os.ReadFile(filepath.Join(dir, "report."+ext))
			if err != nil {
				t.Fatal(err)
			}
			if len(data) == 0 {
				t.Errorf("report.%s is empty", ext)
			}
			out[ext] = data
		}
		return out
	}
	var runs []map[string][]byte
	for i := 0; i < 2; i++ {
		dir := t.TempDir()
		var stdout, stderr bytes.Buffer
		if code := run([]string{"kubeproof", "analyze", "--benchmark", "cis-1.6", "--format", "text,json,xlsx,pdf,junit,sarif", "--output-dir", dir, fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 6 {
			t.Errorf("%d files in the output directory, want 6 (no temporary files left)", len(entries))
		}
		runs = append(runs, read(dir))
	}
	for ext := range runs[0] {
		if !bytes.Equal(runs[0][ext], runs[1][ext]) {
			t.Errorf("report.%s differs between two runs", ext)
		}
	}
	if !bytes.HasPrefix(runs[0]["pdf"], []byte("%PDF-")) || !bytes.HasPrefix(runs[0]["xlsx"], []byte("PK")) {
		t.Error("report.pdf or report.xlsx is not what its name says")
	}
}
