package analyzer

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/internal/snapshottest"
	"github.com/kubeproof/kubeproof/results"
)

const quietPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"team-a"},"spec":{"nodeName":"k8s-v133-master","containers":[{"name":"app","image":"app:1"}]}}`

func TestClusterScopeWithNodes(t *testing.T) {
	snap := snapshottest.Write(t, "prod", snapshottest.PrivilegedPod)
	rep, err := Analyze([]string{filepath.Join(bundlesDir, "kubeadm-1.33-master.kpb"), snap}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Nodes) != 1 || len(rep.Clusters) != 1 {
		t.Fatalf("%d nodes and %d clusters", len(rep.Nodes), len(rep.Clusters))
	}
	for _, tr := range rep.Nodes[0].Targets {
		if tr.Section.Target == "policies" {
			t.Error("the node has a policies target")
		}
	}
	c := rep.Clusters[0]
	if c.Scope != results.ScopeCluster || c.Node != "prod" || c.Benchmark != "cis-1.12" || !strings.Contains(c.BenchmarkReason, "node k8s-v133-master") {
		t.Errorf("cluster %q scope %q benchmark %s (%s)", c.Node, c.Scope, c.Benchmark, c.BenchmarkReason)
	}
	r := findResult(t, c, "5.2.2")
	if r.Status != results.Warn || len(r.Citations) != 1 || r.Citations[0].Member != "api/pods.json" ||
		!strings.Contains(r.Citations[0].Locator, "Pod team-a/web spec.containers[0] (app) securityContext.privileged") {
		t.Errorf("5.2.2: %s %+v", r.Status, r.Citations)
	}
	if r := findResult(t, c, "5.2.3"); r.Status != results.Pass {
		t.Errorf("5.2.3: %s %s", r.Status, r.Reason)
	}
	// The totals count the cluster's verdicts once.
	want := rep.Nodes[0].Totals
	want.Merge(c.Totals)
	if rep.Totals != want {
		t.Errorf("totals %+v, want %+v", rep.Totals, want)
	}
}

func TestClusterScopeSnapshotAlone(t *testing.T) {
	// No node and no version: the benchmark cannot be picked.
	snap := snapshottest.Write(t, "lone", quietPod)
	if _, err := Analyze([]string{snap}, Options{}); err == nil || !strings.Contains(err.Error(), "--benchmark") {
		t.Errorf("error %v", err)
	}
	// The version of the API server's pod picks it.
	apiserver := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"kube-apiserver-cp1","namespace":"kube-system"},"spec":{"containers":[{"name":"kube-apiserver","image":"registry.k8s.io/kube-apiserver:v1.27.6"}]}}`
	rep, err := Analyze([]string{snapshottest.Write(t, "lone", quietPod, apiserver)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Clusters) != 1 || rep.Clusters[0].Benchmark != "cis-1.9" || !strings.Contains(rep.Clusters[0].BenchmarkReason, "v1.27.6 from the image of Pod kube-system/kube-apiserver-cp1") {
		t.Errorf("%d clusters: %s (%s)", len(rep.Clusters), rep.Clusters[0].Benchmark, rep.Clusters[0].BenchmarkReason)
	}
}

func TestClusterScopeWithoutSnapshot(t *testing.T) {
	rep, err := Analyze([]string{filepath.Join(bundlesDir, "kubeadm-1.33-master.kpb"), filepath.Join(bundlesDir, "kubeadm-1.33-worker.kpb")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Clusters) != 1 || rep.Clusters[0].Bundle.Digest != "" {
		t.Fatalf("%d clusters", len(rep.Clusters))
	}
	r := findResult(t, rep.Clusters[0], "5.2.2")
	if r.Status != results.Warn || r.Explanation != NoSnapshotHint || len(r.Citations) != 1 || r.Citations[0].Node != "k8s-v133-master" {
		t.Errorf("5.2.2 %s %q %+v", r.Status, r.Explanation, r.Citations)
	}
	// Targets without policies: no cluster scope.
	rep, err = Analyze([]string{filepath.Join(bundlesDir, "kubeadm-1.33-master.kpb")}, Options{Targets: []string{"master", "node"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Clusters) != 0 {
		t.Errorf("%d clusters", len(rep.Clusters))
	}
}

func findResult(t *testing.T, n results.NodeResult, id string) results.Result {
	t.Helper()
	for _, tr := range n.Targets {
		for _, r := range tr.Results {
			if r.Check.ID == id {
				return r
			}
		}
	}
	t.Fatalf("%s: no result %s", n.Node, id)
	return results.Result{}
}

// TestEvaluateAPIVerdicts: findings FAIL a scored check and WARN an
// unscored one; none PASS; an unknown WARNs; the review flag does not
// stop a snapshot from deciding.
func TestEvaluateAPIVerdicts(t *testing.T) {
	read := func(file string) *evidence.Snapshot {
		b, err := bundle.Open(file, bundle.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := evidence.NewSnapshot(file, b)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	bad, good := read(snapshottest.Write(t, "bad", snapshottest.PrivilegedPod)), read(snapshottest.Write(t, "good", quietPod))
	check := func(scored, review bool, api string) *catalog.Check {
		return &catalog.Check{ID: "5.2.2", Title: "t", Assessment: "manual", Scored: scored, Review: review, API: api, Component: "none", Target: "policies"}
	}
	for _, tt := range []struct {
		name  string
		c     *catalog.Check
		s     *evidence.Snapshot
		want  results.Status
		cites string
	}{
		{"scored with findings", check(true, false, "pod-privileged"), bad, results.Fail, "items[0] Pod team-a/web"},
		{"unscored with findings", check(false, false, "pod-privileged"), bad, results.Warn, "items[0] Pod team-a/web"},
		{"reviewed with findings", check(false, true, "pod-privileged"), bad, results.Warn, "items[0] Pod team-a/web"},
		{"no findings", check(false, true, "pod-privileged"), good, results.Pass, "1 Pod objects"},
		{"kind missing", check(true, false, "default-service-account"), good, results.Warn, "no ServiceAccount objects"},
		{"no rule", check(true, false, ""), good, results.Warn, "a manual check"},
		{"no snapshot", check(true, false, "pod-privileged"), nil, results.Warn, "fallback"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := evaluateAPI(tt.c, tt.s, results.Citation{Member: "manifest.json", Locator: "host", Observed: "fallback"})
			if r.Status != tt.want {
				t.Errorf("%s (%s), want %s", r.Status, r.Reason, tt.want)
			}
			var cites []string
			for _, c := range r.Citations {
				cites = append(cites, c.Locator+" "+c.Observed)
			}
			if !strings.Contains(strings.Join(cites, "|"), tt.cites) {
				t.Errorf("citations %q, want %q", cites, tt.cites)
			}
		})
	}
}

// TestClusterScopeManagedServicesOnly: --targets managedservices on a
// managed service's worker gives the cluster scope with that target alone.
func TestClusterScopeManagedServicesOnly(t *testing.T) {
	rep, err := Analyze([]string{filepath.Join(bundlesDir, "eks-node.kpb")}, Options{Targets: []string{"managedservices"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Clusters) != 1 || len(rep.Clusters[0].Targets) != 1 || rep.Clusters[0].Targets[0].Section.Target != "managedservices" {
		t.Fatalf("%d clusters", len(rep.Clusters))
	}
	if len(rep.Nodes) != 1 || len(rep.Nodes[0].Targets) != 0 {
		t.Errorf("the node has targets %d", len(rep.Nodes[0].Targets))
	}
}
