package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/collector"
	"github.com/kubeproof/kubeproof/internal/canary"
	"github.com/kubeproof/kubeproof/internal/skips"
)

// TestNoCanaryInReports collects every fixture spec, with and without a
// redaction key, and searches what every command prints and writes for
// the spec's canaries: inspect (text and JSON), verify, and the text,
// JSON, XLSX and PDF reports. A canary, any 16-byte piece of it or its
// base64 found anywhere fails the test.
func TestNoCanaryInReports(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: collects and renders every fixture spec in all formats")
	}
	specs, err := filepath.Glob("../../fixtures/specs/*/procs.tsv")
	if err != nil || len(specs) < 5 {
		t.Fatalf("want the fixture specs, found %d (%v)", len(specs), err)
	}
	pdftotext, _ := exec.LookPath("pdftotext")
	if pdftotext == "" {
		t.Log("pdftotext is not on PATH (Debian: poppler-utils): the PDF reports are not searched")
	}
	total := 0
	for _, procs := range specs {
		dir := filepath.Dir(procs)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			planted, err := canary.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(planted) < 3 {
				t.Fatalf("only %d canaries in %s", len(planted), dir)
			}
			total += len(planted)
			sc := canary.NewScanner(planted)
			for _, key := range [][]byte{nil, []byte("a fleet key of thirty-two bytes!")} {
				res, err := collector.Collect(context.Background(), collector.Options{Spec: dir, Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), RedactionKey: key})
				if err != nil {
					t.Fatal(err)
				}
				work := t.TempDir()
				file := filepath.Join(work, "node.kpb")
				if err := os.WriteFile(file, res.Bundle, 0o600); err != nil {
					t.Fatal(err)
				}
				outputs := everyOutput(t, work, file, "cis-1.6")
				for name, data := range outputs {
					for _, h := range sc.Find(data) {
						t.Errorf("canary %q (%s, %s) found in %s: …%s…", h.Canary.Value, h.Canary.Form, h.Canary.Where, name, h.Text)
					}
				}
			}
		})
	}
	t.Logf("%d canaries planted in %d specs, none found in any output", total, len(specs))
}

// TestNoCanaryInSnapshotReports seals each fixture cluster's kubectl
// output (fixtures/snapshots) into an API snapshot, with and without a
// redaction key, and searches every output for the canaries planted in
// Secrets, ConfigMaps, environment values, annotations, arguments and
// commands.
func TestNoCanaryInSnapshotReports(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: seals and renders every fixture cluster in all formats")
	}
	dirs, err := filepath.Glob("../../fixtures/snapshots/*/canaries.tsv")
	if err != nil || len(dirs) < 2 {
		t.Fatalf("want the fixture clusters, found %d (%v)", len(dirs), err)
	}
	total := 0
	for _, c := range dirs {
		dir := filepath.Dir(c)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			planted, err := canary.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(planted) < 5 {
				t.Fatalf("only %d canaries in %s", len(planted), dir)
			}
			total += len(planted)
			sc := canary.NewScanner(planted)
			files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			for _, key := range [][]byte{nil, []byte("a fleet key of thirty-two bytes!")} {
				var in []collector.SnapshotInput
				for _, f := range files {
					in = append(in, collector.SnapshotInput{Name: filepath.Base(f), R: bytes.NewReader(mustReadFile(t, f))})
				}
				res, err := collector.Snapshot(in, collector.SnapshotOptions{Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), RedactionKey: key, Cluster: filepath.Base(dir)})
				if err != nil {
					t.Fatal(err)
				}
				work := t.TempDir()
				file := filepath.Join(work, "cluster.kpb")
				if err := os.WriteFile(file, res.Bundle, 0o600); err != nil {
					t.Fatal(err)
				}
				outputs := everyOutput(t, work, file, "cis-1.12")
				outputs["bundle"] = res.Bundle
				for name, data := range outputs {
					for _, h := range sc.Find(data) {
						t.Errorf("canary %q (%s, %s) found in %s: …%s…", h.Canary.Value, h.Canary.Form, h.Canary.Where, name, h.Text)
					}
				}
			}
		})
	}
	t.Logf("%d canaries planted in %d clusters, none found in any output", total, len(dirs))
}

// everyOutput runs inspect, verify and analyze (every format) on a bundle
// and returns what each printed and wrote, the workbook's parts one by one
// and the PDF as text (where pdftotext is installed).
func everyOutput(t *testing.T, work, file, benchmark string) map[string][]byte {
	t.Helper()
	pdftotext, _ := exec.LookPath("pdftotext")
	outputs := map[string][]byte{}
	for _, args := range [][]string{
		{"inspect", file}, {"inspect", "--json", file}, {"verify", file},
		{"analyze", "--benchmark", benchmark, "--format", "text,json,xlsx,pdf", "--output-dir", filepath.Join(work, "out"), file},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"kubeproof"}, args...), &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		outputs[args[0]+" "+args[1]+" (stdout)"] = stdout.Bytes()
		outputs[args[0]+" "+args[1]+" (stderr)"] = stderr.Bytes()
	}
	for _, name := range []string{"report.txt", "report.json"} {
		outputs[name] = mustReadFile(t, filepath.Join(work, "out", name))
	}
	// The workbook is a zip of XML parts: search each.
	zr, err := zip.OpenReader(filepath.Join(work, "out", "report.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		outputs["report.xlsx:"+f.Name] = data
	}
	zr.Close()
	if pdftotext != "" {
		text, err := exec.Command(pdftotext, "-layout", filepath.Join(work, "out", "report.pdf"), "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		if len(text) < 1000 {
			t.Fatalf("pdftotext gave %d bytes: the PDF search would prove nothing", len(text))
		}
		outputs["report.pdf (text)"] = text
	}
	return outputs
}

func mustReadFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
