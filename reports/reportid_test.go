package reports

import (
	"testing"

	"github.com/kubeproof/kubeproof/results"
)

// TestReportIDWaivers: the waivers file is an input of the report id;
// without one the id is what it was before waivers existed.
func TestReportIDWaivers(t *testing.T) {
	rep := &results.Report{Benchmark: "cis-1.6", AnalyzerVersion: "v1"}
	plain := ReportID(rep)
	rep.Waivers = &results.WaiverSet{File: "w.yaml", Digest: "aa"}
	a := ReportID(rep)
	rep.Waivers.Digest = "bb"
	b := ReportID(rep)
	rep.Waivers.File = "other.yaml"
	if a == plain || b == plain || a == b {
		t.Errorf("ids %s, %s, %s: the waivers' digest does not make the id", plain, a, b)
	}
	if ReportID(rep) != b {
		t.Error("the waivers file's name changed the id; only its bytes should")
	}
}
