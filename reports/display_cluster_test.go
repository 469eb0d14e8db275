package reports

import (
	"testing"

	"github.com/kubeproof/kubeproof/results"
)

// TestSafeReportEscapesClusters: a cluster scope's name and citations come
// from an API snapshot and are escaped like a node's.
func TestSafeReportEscapesClusters(t *testing.T) {
	rep := &results.Report{Clusters: []results.NodeResult{{Scope: results.ScopeCluster, Node: "prod\x1b[2J",
		Targets: []results.TargetResult{{Results: []results.Result{{Status: results.Warn, Observed: "x\ny",
			Citations: []results.Citation{{Locator: "items[0] Pod a/b\x1b]8;;", Observed: "v\r"}}}}}}}}}
	out := safeReport(rep)
	c := out.Clusters[0]
	r := c.Targets[0].Results[0]
	if c.Node != `prod\x1b[2J` || r.Citations[0].Locator != `items[0] Pod a/b\x1b]8;;` || r.Citations[0].Observed != `v\r` {
		t.Errorf("not escaped: %q %q %q", c.Node, r.Citations[0].Locator, r.Citations[0].Observed)
	}
	if rep.Clusters[0].Node != "prod\x1b[2J" {
		t.Error("the report given was changed")
	}
}
