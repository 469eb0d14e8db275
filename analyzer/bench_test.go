package analyzer_test

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/kubeproof/kubeproof/analyzer"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/internal/fixturegen"
	"github.com/kubeproof/kubeproof/internal/peakrss"
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
		peakrss.Reset()
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
		peak = max(peak, peakrss.Bytes())
	}
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
	}
}
