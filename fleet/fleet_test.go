package fleet

import (
	"slices"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/results"
)

// res is a result of check id (library name name) with a verdict and an
// observed value.
type res struct {
	target, id, name string
	status           results.Status
	observed         string
	waived           bool
}

func node(name, benchmark string, rs ...res) results.NodeResult {
	n := results.NodeResult{Node: name, Benchmark: benchmark}
	byTarget := map[string]int{}
	for _, r := range rs {
		i, ok := byTarget[r.target]
		if !ok {
			i = len(n.Targets)
			byTarget[r.target] = i
			n.Targets = append(n.Targets, results.TargetResult{Section: &results.Section{Target: r.target}})
		}
		out := results.Result{Check: &results.Check{ID: r.id, Name: r.name, Title: r.name + " title"}, Status: r.status, Observed: r.observed,
			Citations: []results.Citation{{Node: name, Member: "facts/processes.json", Observed: r.observed}}}
		if r.waived {
			out.Waiver = &results.Waiver{Line: 1}
		}
		n.Targets[i].Results = append(n.Targets[i].Results, out)
	}
	return n
}

func prof(v string, s results.Status) res {
	return res{"master", "1.2.21", "apiserver-profiling", s, "--profiling=" + v, false}
}

func TestSummarize(t *testing.T) {
	rep := &results.Report{
		Nodes: []results.NodeResult{
			node("cp-2", "cis-1.6", prof("false", results.Pass), res{"node", "4.2.8", "kubelet-hostname-override", results.Warn, "--hostname-override=10.0.0.2", false}),
			node("cp-1", "cis-1.6", prof("true", results.Fail), res{"node", "4.2.8", "kubelet-hostname-override", results.Warn, "--hostname-override=10.0.0.1", false}),
			node("cp-3", "cis-1.6", prof("false", results.Pass), res{"node", "4.1.1", "kubelet-unit-mode", results.NA, "", false}),
			// another benchmark numbers the check otherwise: one row
			node("cp-4", "cis-1.20", res{"master", "1.2.18", "apiserver-profiling", results.Pass, "--profiling=false", false}),
			node("cp-5", "cis-1.6", res{"master", "1.2.21", "apiserver-profiling", results.Fail, "--profiling=true", true}),
			// workers: the node's own name in a value is no difference
			node("wk-1", "cis-1.6", res{"node", "4.2.10", "kubelet-tls", results.Pass, "--tls-cert-file=/pki/wk-1.crt", false}),
			node("wk-2", "cis-1.6", res{"node", "4.2.10", "kubelet-tls", results.Pass, "--tls-cert-file=/pki/wk-2.crt", false}),
		},
		Clusters: []results.NodeResult{
			node("prod", "cis-1.6", res{"policies", "5.1.1", "rbac-cluster-admin", results.Warn, "2 subjects", false}),
			node("staging", "cis-1.6", res{"policies", "5.1.1", "rbac-cluster-admin", results.Pass, "0 subjects", false}),
		},
	}
	rep.Nodes[0].Scope = ""
	for i := range rep.Clusters {
		rep.Clusters[i].Scope = results.ScopeCluster
	}
	s := Summarize(rep)
	if s.Nodes != 7 {
		t.Errorf("nodes %d", s.Nodes)
	}
	var ids []string
	for _, c := range s.Checks {
		ids = append(ids, c.Target+" "+c.ID)
	}
	if want := []string{"master 1.2.18 / 1.2.21", "node 4.1.1", "node 4.2.8", "node 4.2.10", "policies 5.1.1"}; !slices.Equal(ids, want) {
		t.Fatalf("checks %q, want %q", ids, want)
	}
	p := s.Checks[0]
	if p.Ran != 5 || p.Totals != (results.Totals{Pass: 3, Fail: 1, Waived: 1}) || !slices.Equal(p.Failing, []string{"cp-1"}) || !slices.Equal(p.Waived, []string{"cp-5"}) {
		t.Errorf("profiling row %+v", p)
	}
	if got, want := p.Line(), "1.2.18 / 1.2.21 FAIL on 1, WAIVED on 1, PASS on 3 of 5 nodes"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	if c := s.Checks[4]; c.Ran != 2 || c.Totals != (results.Totals{Pass: 1, Warn: 1}) {
		t.Errorf("the clusters' row %+v", c)
	}
	// Inconsistencies: profiling (verdicts differ), not the per-node
	// addresses of 4.2.8, not the certificate named after each worker,
	// not the clusters.
	if len(s.Inconsistencies) != 1 {
		t.Fatalf("inconsistencies %+v", s.Inconsistencies)
	}
	inc := s.Inconsistencies[0]
	if inc.ID != "1.2.18 / 1.2.21" || !inc.VerdictsDiffer || len(inc.Groups) != 2 {
		t.Fatalf("inconsistency %+v", inc)
	}
	g0, g1 := inc.Groups[0], inc.Groups[1]
	if g0.Observed != "--profiling=false" || !slices.Equal(g0.Nodes, []string{"cp-2", "cp-3", "cp-4"}) || g0.Status != results.Pass || g0.Citation == nil || g0.Citation.Node != "cp-2" {
		t.Errorf("largest group %+v", g0)
	}
	if g1.Observed != "--profiling=true" || !slices.Equal(g1.Nodes, []string{"cp-1", "cp-5"}) || g1.Statuses != (results.Totals{Fail: 1, Waived: 1}) {
		t.Errorf("outliers %+v", g1)
	}
}

func TestInconsistencyRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		nodes    []results.NodeResult
		want     int
		verdicts bool
	}{
		{"one value", []results.NodeResult{node("a", "b", prof("false", results.Pass)), node("c", "b", prof("false", results.Pass))}, 0, false},
		{"every node its own value, same verdict", []results.NodeResult{node("a", "b", prof("x", results.Pass)), node("c", "b", prof("y", results.Pass))}, 0, false},
		{"every node its own value, verdicts differ", []results.NodeResult{node("a", "b", prof("x", results.Pass)), node("c", "b", prof("y", results.Fail))}, 1, true},
		{"a shared value and an outlier, same verdict", []results.NodeResult{node("a", "b", prof("x", results.Warn)), node("c", "b", prof("x", results.Warn)), node("d", "b", prof("y", results.Warn))}, 1, false},
		{"one value, verdicts differ (other evidence)", []results.NodeResult{node("a", "b", prof("x", results.Pass)), node("c", "b", prof("x", results.Warn))}, 0, false},
		{"not applicable and INFO are not compared", []results.NodeResult{node("a", "b", prof("x", results.NA)), node("c", "b", prof("y", results.Info)), node("d", "b", prof("y", results.Info))}, 0, false},
		{"other targets are not alike", []results.NodeResult{node("a", "b", prof("x", results.Pass)), node("c", "b", res{"node", "1.2.21", "apiserver-profiling", results.Pass, "y", false}), node("d", "b", res{"node", "1.2.21", "apiserver-profiling", results.Pass, "y", false})}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Summarize(&results.Report{Nodes: tc.nodes})
			if len(s.Inconsistencies) != tc.want {
				t.Fatalf("%d inconsistencies, want %d: %+v", len(s.Inconsistencies), tc.want, s.Inconsistencies)
			}
			if tc.want > 0 && s.Inconsistencies[0].VerdictsDiffer != tc.verdicts {
				t.Errorf("verdicts differ = %v, want %v", s.Inconsistencies[0].VerdictsDiffer, tc.verdicts)
			}
		})
	}
}

func TestInconsistencyOrder(t *testing.T) {
	// Same-verdict inconsistencies come after those whose verdicts differ.
	mk := func(id, v string, s results.Status) res { return res{"master", id, "c" + id, s, v, false} }
	s := Summarize(&results.Report{Nodes: []results.NodeResult{
		node("a", "b", mk("1.1.1", "x", results.Pass), mk("1.1.2", "x", results.Pass)),
		node("c", "b", mk("1.1.1", "x", results.Pass), mk("1.1.2", "x", results.Pass)),
		node("d", "b", mk("1.1.1", "y", results.Pass), mk("1.1.2", "y", results.Fail)),
	}})
	var got []string
	for _, inc := range s.Inconsistencies {
		got = append(got, inc.ID)
	}
	if !slices.Equal(got, []string{"1.1.2", "1.1.1"}) {
		t.Errorf("order %q", got)
	}
}

func TestCountAndThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
	if Count(1, "node") != "1 node" || Count(1000, "node") != "1,000 nodes" || Count(0, "node") != "0 nodes" {
		t.Error("Count")
	}
	c := Check{ID: "1.2.21", Ran: 1000, Totals: results.Totals{Fail: 312, Pass: 688}}
	if got := c.Line(); !strings.HasPrefix(got, "1.2.21 FAIL on 312, PASS on 688 of 1,000 nodes") {
		t.Errorf("line %q", got)
	}
}

// TestInconsistencyPerCluster: nodes of two clusters are never compared
// with each other; a cluster is a group of nodes sharing a CA, else an
// API endpoint.
func TestInconsistencyPerCluster(t *testing.T) {
	in := func(n results.NodeResult, cas []results.Digest, name, endpoint string) results.NodeResult {
		n.Bundle.ClusterCAs = cas
		n.Cluster = results.ClusterInfo{Name: name, Endpoint: endpoint}
		return n
	}
	a, b, c := results.Digest("aa"), results.Digest("bb"), results.Digest("cc")
	rep := &results.Report{Nodes: []results.NodeResult{
		// prod: two CAs on the master, one on the worker, shared
		in(node("p-cp", "cis-1.6", prof("true", results.Fail)), []results.Digest{a, b}, "kubernetes", "https://prod:6443"),
		in(node("p-w1", "cis-1.6", prof("false", results.Pass)), []results.Digest{b}, "default-cluster", "https://prod:6443"),
		in(node("p-w2", "cis-1.6", prof("false", results.Pass)), []results.Digest{b}, "default-cluster", "https://prod:6443"),
		// staging: alike within, but unlike prod's majority
		in(node("s-1", "cis-1.6", prof("true", results.Fail)), []results.Digest{c}, "staging", ""),
		in(node("s-2", "cis-1.6", prof("true", results.Fail)), []results.Digest{c}, "staging", ""),
		// no CA in these bundles: told apart by their endpoints
		in(node("x-1", "cis-1.6", prof("x", results.Pass)), nil, "", "https://x:6443"),
		in(node("y-1", "cis-1.6", prof("y", results.Fail)), nil, "", "https://y:6443"),
	}}
	s := Summarize(rep)
	if s.Clusters != 4 {
		t.Errorf("%d clusters, want 4", s.Clusters)
	}
	if len(s.Inconsistencies) != 1 {
		t.Fatalf("inconsistencies %+v, want prod's alone", s.Inconsistencies)
	}
	inc := s.Inconsistencies[0]
	if inc.Cluster != "kubernetes https://prod:6443" || len(inc.Groups) != 2 || !slices.Equal(inc.Groups[0].Nodes, []string{"p-w1", "p-w2"}) || !slices.Equal(inc.Groups[1].Nodes, []string{"p-cp"}) {
		t.Errorf("inconsistency %+v", inc)
	}
}
