package analyzer_test

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/analyzer"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/internal/fixturegen"
	"github.com/kubeproof/kubeproof/reports"
)

// BenchmarkAnalyze1000Nodes analyzes a 1,000-node cluster (bundles varied
// from the fixtures) and renders text and JSON, as `kubeproof analyze`
// does. It reports the peak resident memory of the analysis (VmHWM, reset
// before each run where the kernel allows).
func BenchmarkAnalyze1000Nodes(b *testing.B) {
	cat, err := catalog.LoadEmbedded("cis-1.6")
	if err != nil {
		b.Fatal(err)
	}
	benchmarkCluster(b, analyzer.Options{Catalog: cat, Version: "bench"})
}

// BenchmarkAnalyze1000NodesAutoPick is the same cluster with each node's
// benchmark picked by its Kubernetes version (the default of analyze).
func BenchmarkAnalyze1000NodesAutoPick(b *testing.B) {
	benchmarkCluster(b, analyzer.Options{Version: "bench"})
}

// clusterFixtures are the bundles the 1,000-node cluster is varied from:
// the same five since the benchmark was written, so that its figures stay
// comparable as fixtures are added.
var clusterFixtures = []string{"tkestack-master", "tkestack-worker", "kubeadm-master", "kubeadm-worker", "kubeadm-ha-master"}

func benchmarkCluster(b *testing.B, opts analyzer.Options) {
	var fixtures []string
	for _, f := range clusterFixtures {
		fixtures = append(fixtures, filepath.Join("..", "fixtures", "bundles", f+".kpb"))
	}
	files, err := fixturegen.Cluster(b.TempDir(), fixtures, 1000)
	if err != nil {
		b.Fatal(err)
	}
	var peak int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resetPeakRSS()
		rep, err := analyzer.Analyze(files, opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := reports.Text(io.Discard, rep, reports.TextOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := reports.JSON(io.Discard, rep); err != nil {
			b.Fatal(err)
		}
		if len(rep.Nodes) != 1000 {
			b.Fatalf("%d nodes in the report", len(rep.Nodes))
		}
		peak = max(peak, peakRSS())
	}
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
	}
}

// resetPeakRSS resets the kernel's high-water mark of this process's
// resident memory (Linux: write 5 to /proc/self/clear_refs).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
