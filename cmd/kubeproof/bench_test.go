package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/kubeproof/kubeproof/internal/fixturegen"
	"github.com/kubeproof/kubeproof/internal/peakrss"
)

// BenchmarkAnalyze1000AllFormats is `kubeproof analyze` over a 1,000-node
// cluster (bundles varied from the fixtures, as the analyzer's
// BenchmarkAnalyze1000Nodes makes them) writing every format with
// --pdf-detail failures, as an auditor runs it for a fleet. Issue 13's
// goal: under 8 s and 400 MiB, the PDF under 3 MB. It reports the
// process's peak resident set and the size of each report.
func BenchmarkAnalyze1000AllFormats(b *testing.B) {
	var fixtures []string
	for _, f := range []string{"tkestack-master", "tkestack-worker", "kubeadm-master", "kubeadm-worker", "kubeadm-ha-master"} {
		fixtures = append(fixtures, filepath.Join("..", "..", "fixtures", "bundles", f+".kpb"))
	}
	files, err := fixturegen.Cluster(b.TempDir(), fixtures, 1000)
	if err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	args := append([]string{"kubeproof", "analyze", "--benchmark", "cis-1.6", "--format", "text,json,xlsx,pdf,junit,sarif", "--pdf-detail", "failures",
		"--output-dir", out}, files...)
	var peak int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		peakrss.Reset()
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
		peak = max(peak, peakrss.Bytes())
	}
	b.StopTimer()
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
	}
	for _, f := range []string{"pdf", "xlsx", "json", "txt", "sarif", "junit.xml"} {
		fi, err := os.Stat(filepath.Join(out, "report."+f))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size())/(1<<20), f+"-MiB")
	}
}
