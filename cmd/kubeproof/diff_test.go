package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

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
	// OLD's bundle analyzed with waivers, as a JSON report: it keeps them.
	waived := filepath.Join(dir, "waived.json")
	if code := run([]string{"kubeproof", "analyze", "--benchmark", "cis-1.6", "--waivers", "testdata/waivers-diff.yaml", "--format", "json", "-o", waived, oldBundle}, &stdout, &stderr); code != 0 {
		t.Fatalf("analyze --waivers: exit %d: %s", code, stderr.String())
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
		{"waivers text", []string{"diff", "--benchmark", "cis-1.6", "--waivers", "testdata/waivers-diff.yaml", oldBundle, newBundle}, 0, "diff-waivers.txt",
			"warning: NEW: waiver testdata/waivers-diff.yaml:10 (check 1.2.22, SEC-1500) expired 2025-03-31"},
		{"waivers json", []string{"diff", "--benchmark", "cis-1.6", "--waivers", "testdata/waivers-diff.yaml", "--format", "json", oldBundle, newBundle}, 0, "diff-waivers.json", ""},
		{"a report keeps its waivers", []string{"diff", "--benchmark", "cis-1.6", waived, newBundle}, 1, "diff-waivers-report.txt", "1 verdict regressed"},
		{"waivers for a report side", []string{"diff", "--benchmark", "cis-1.6", "--waivers", "testdata/waivers-diff.yaml", report, master}, 0, "",
			"warning: OLD is a JSON report: it keeps the waivers it was made with"},
		{"bad waivers", []string{"diff", "--waivers", "testdata/waivers-bad.yaml", master, master}, 2, "", "--waivers: testdata/waivers-bad.yaml:"},
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

// TestDiffFormats: every format of a diff at once into a directory (text
// and JSON as to standard output, the workbook and the PDF readable), and
// the usage errors of --format, --output and --output-dir.
func TestDiffFormats(t *testing.T) {
	oldBundle, newBundle := changedSpecBundles(t)
	dir := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	code := run([]string{"kubeproof", "diff", "--benchmark", "cis-1.6", "--format", "text,json,xlsx,pdf", "--output-dir", dir, oldBundle, newBundle}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit code %d, want 1 (a verdict regressed)\nstderr: %s", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("standard output %q, want nothing", stdout.String())
	}
	for _, name := range []string{"diff.txt", "diff.json", "diff.xlsx", "diff.pdf"} {
		if !strings.Contains(stderr.String(), "wrote "+filepath.Join(dir, name)) {
			t.Errorf("stderr does not say it wrote %s: %s", name, stderr.String())
		}
	}
	for file, golden := range map[string]string{"diff.txt": "diff-node-change.txt", "diff.json": "diff-node-change.json"} {
		got, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("testdata", golden))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from testdata/%s", file, golden)
		}
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "diff.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Changes")
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, r := range rows[1:] {
		changes = append(changes, strings.Join([]string{r[5], r[7], r[8], r[9], r[10]}, " "))
	}
	if got := strings.Join(changes, "; "); got != "1.1.1 regressed PASS FAIL node; 1.2.21 fixed FAIL PASS node" {
		t.Errorf("the workbook's changes: %s", got)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "diff.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("diff.pdf starts %.10q", pdf)
	}
	if text := pdfPage1(t, filepath.Join(dir, "diff.pdf")); text != "" && !strings.Contains(text, "1 verdict regressed, on 1 node.") {
		t.Errorf("the PDF's first page does not say what regressed:\n%s", text)
	}

	// One format to a file; the formats that are not text need a file.
	file := filepath.Join(t.TempDir(), "changes.xlsx")
	stderr.Reset()
	if code := run([]string{"kubeproof", "diff", "--benchmark", "cis-1.6", "--format", "xlsx", "-o", file, oldBundle, newBundle}, &stdout, &stderr); code != 1 {
		t.Errorf("--format xlsx -o: exit code %d\n%s", code, stderr.String())
	}
	if _, err := excelize.OpenFile(file); err != nil {
		t.Errorf("--format xlsx -o: %v", err)
	}
	for _, tt := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--format", "xlsx"}, "give --output-dir DIR"},
		{[]string{"--format", "pdf"}, "give --output-dir DIR"},
		{[]string{"--format", "text,json"}, "give --output-dir DIR"},
		{[]string{"--format", "text,json", "-o", file}, "--output takes one format"},
		{[]string{"--format", "text", "-o", file, "--output-dir", dir}, "exclude each other"},
		{[]string{"--format", "text,html", "--output-dir", dir}, `--format "html": want some of text, json, xlsx, pdf`},
		{[]string{"--format", ","}, "no format given"},
	} {
		stderr.Reset()
		args := append([]string{"kubeproof", "diff"}, tt.args...)
		if code := run(append(args, oldBundle, newBundle), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("%q: exit code %d, stderr %q; want 2 and %q", tt.args, code, stderr.String(), tt.stderr)
		}
	}
}
