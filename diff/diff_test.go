package diff

import (
	"testing"

	"github.com/kubeproof/kubeproof/results"
)

// res is one result of a hand-made report.
type res struct {
	name, id, title string
	status          results.Status
	observed        string // also the citation's observed value
	scored          bool
}

func report(benchmark string, nodes map[string][]res) *results.Report {
	rep := &results.Report{Benchmark: benchmark}
	for _, node := range []string{"a", "b", "c"} {
		rs, ok := nodes[node]
		if !ok {
			continue
		}
		sec := &results.Section{Benchmark: benchmark, Target: "master", ID: "1"}
		tr := results.TargetResult{Section: sec}
		for _, r := range rs {
			chk := &results.Check{ID: r.id, Title: r.title, Name: r.name, Scored: r.scored, Target: "master", Group: "1.2"}
			tr.Results = append(tr.Results, results.Result{Check: chk, Status: r.status, Expected: "x", Observed: r.observed,
				Citations: []results.Citation{{Node: node, Member: "facts/processes.json", Locator: "pid 10 kube-apiserver argv", Observed: r.observed}}})
		}
		rep.Nodes = append(rep.Nodes, results.NodeResult{Node: node, Benchmark: benchmark, Targets: []results.TargetResult{tr}})
	}
	return rep
}

func TestCompare(t *testing.T) {
	prof := func(s results.Status, obs string) res {
		return res{"apiserver-profiling", "1.2.21", "profiling off", s, obs, true}
	}
	type want struct {
		node  string
		kind  Kind
		cause Cause
		id    string
	}
	tests := []struct {
		name           string
		old, new       *results.Report
		want           []want
		newN, removedN int
		regressed      bool
		evidence       int // evidence pairs of the first change
	}{
		{"unchanged", report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}}), nil, 0, 0, false, 0},
		{"fixed", report("cis-1.6", map[string][]res{"a": {prof(results.Fail, "true")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}}),
			[]want{{"a", Fixed, CauseNode, "1.2.21"}}, 0, 0, false, 1},
		{"warn is fixed too", report("cis-1.6", map[string][]res{"a": {prof(results.Warn, "true")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}}),
			[]want{{"a", Fixed, CauseNode, "1.2.21"}}, 0, 0, false, 1},
		{"regressed", report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Fail, "true")}}),
			[]want{{"a", Regressed, CauseNode, "1.2.21"}}, 0, 0, true, 1},
		{"warn to fail regressed", report("cis-1.6", map[string][]res{"a": {prof(results.Warn, "true")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Fail, "true")}}),
			[]want{{"a", Regressed, CauseAnalyzer, "1.2.21"}}, 0, 0, true, 0},
		{"fail to warn is another change", report("cis-1.6", map[string][]res{"a": {prof(results.Fail, "true")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Warn, "maybe")}}),
			[]want{{"a", Changed, CauseNode, "1.2.21"}}, 0, 0, false, 1},
		{"na to fail regressed", report("cis-1.6", map[string][]res{"a": {prof(results.NA, "not running")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Fail, "true")}}),
			[]want{{"a", Regressed, CauseNode, "1.2.21"}}, 0, 0, true, 1},
		{"info to fail regressed", report("cis-1.6", map[string][]res{"a": {prof(results.Info, "skipped")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Fail, "true")}}),
			[]want{{"a", Regressed, CauseNode, "1.2.21"}}, 0, 0, true, 1},
		{"fail to na is another change", report("cis-1.6", map[string][]res{"a": {prof(results.Fail, "true")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.NA, "not running")}}),
			[]want{{"a", Changed, CauseNode, "1.2.21"}}, 0, 0, false, 1},
		{"na to pass is another change", report("cis-1.6", map[string][]res{"a": {prof(results.NA, "not running")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}}),
			[]want{{"a", Changed, CauseNode, "1.2.21"}}, 0, 0, false, 1},
		{"added and failing regressed", report("cis-1.6", map[string][]res{"a": {}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Fail, "true")}}),
			[]want{{"a", Regressed, CauseNode, "1.2.21"}}, 0, 0, true, 0},
		{"added by the benchmark and failing regressed", report("cis-1.6", map[string][]res{"a": {}}),
			report("cis-1.20", map[string][]res{"a": {prof(results.Fail, "true")}}),
			[]want{{"a", Regressed, CauseBenchmark, "1.2.21"}}, 0, 0, true, 0},
		{"added and warning is added", report("cis-1.6", map[string][]res{"a": {}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Warn, "true")}}),
			[]want{{"a", Added, CauseNode, "1.2.21"}}, 0, 0, false, 0},
		{"new and removed nodes", report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}, "b": {prof(results.Pass, "false")}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}, "c": {prof(results.Fail, "true")}}),
			nil, 1, 1, false, 0},
		{"new and removed checks, same benchmark: the node", report("cis-1.6", map[string][]res{"a": {{"etcd-peer-tls", "2.4", "t", results.Pass, "", true}}}),
			report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}}),
			[]want{{"a", Added, CauseNode, "1.2.21"}, {"a", Removed, CauseNode, "2.4"}}, 0, 0, false, 0},
		{"check new in the benchmark", report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}}),
			report("cis-1.20", map[string][]res{"a": {prof(results.Pass, "false"), {"apiserver-new", "1.2.35", "t", results.Pass, "", true}}}),
			[]want{{"a", Added, CauseBenchmark, "1.2.35"}}, 0, 0, false, 0},
		{"renumbered by the benchmark, same verdict", report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}}),
			report("cis-1.20", map[string][]res{"a": {{"apiserver-profiling", "1.2.18", "profiling off", results.Pass, "false", true}}}),
			[]want{{"a", Redefined, CauseBenchmark, "1.2.18"}}, 0, 0, false, 0},
		{"benchmark makes it unscored: the benchmark", report("cis-1.6", map[string][]res{"a": {prof(results.Fail, "true")}}),
			report("cis-1.20", map[string][]res{"a": {{"apiserver-profiling", "1.2.18", "profiling off", results.Warn, "true", false}}}),
			[]want{{"a", Changed, CauseBenchmark, "1.2.18"}}, 0, 0, false, 0},
		{"new benchmark, other evidence: the node", report("cis-1.6", map[string][]res{"a": {prof(results.Fail, "true")}}),
			report("cis-1.20", map[string][]res{"a": {{"apiserver-profiling", "1.2.18", "profiling off", results.Pass, "false", true}}}),
			[]want{{"a", Fixed, CauseNode, "1.2.18"}}, 0, 0, false, 1},
		{"new benchmark, unscored and other evidence: both", report("cis-1.6", map[string][]res{"a": {prof(results.Pass, "false")}}),
			report("cis-1.20", map[string][]res{"a": {{"apiserver-profiling", "1.2.18", "profiling off", results.Warn, "true", false}}}),
			[]want{{"a", Regressed, CauseBoth, "1.2.18"}}, 0, 0, true, 1},
		{"checks without names match by id", report("cis-1.6", map[string][]res{"a": {{"", "1.2.21", "t", results.Fail, "true", true}}}),
			report("cis-1.6", map[string][]res{"a": {{"", "1.2.21", "t", results.Pass, "false", true}}}),
			[]want{{"a", Fixed, CauseNode, "1.2.21"}}, 0, 0, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Compare(tt.old, tt.new)
			var got []want
			var first *Change
			for i := range d.Scopes {
				s := &d.Scopes[i]
				for j := range s.Changes {
					c := &s.Changes[j]
					if first == nil {
						first = c
					}
					got = append(got, want{s.Node, c.Kind, c.Cause, c.ID()})
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("changes %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("change %d: %v, want %v", i, got[i], tt.want[i])
				}
			}
			if d.Counts.NewNodes != tt.newN || d.Counts.RemovedNodes != tt.removedN {
				t.Errorf("%d new and %d removed scopes, want %d and %d", d.Counts.NewNodes, d.Counts.RemovedNodes, tt.newN, tt.removedN)
			}
			if d.Regressed() != tt.regressed {
				t.Errorf("Regressed() = %v", d.Regressed())
			}
			if first != nil && len(first.Evidence) != tt.evidence {
				t.Errorf("%d evidence pairs, want %d: %+v", len(first.Evidence), tt.evidence, first.Evidence)
			}
		})
	}
}

// TestRestartedProcess: a process with another pid but the same argv is
// the same evidence.
func TestRestartedProcess(t *testing.T) {
	old := []results.Citation{{Member: "facts/processes.json", Locator: "pid 10 kube-apiserver argv[3]", Observed: "--profiling=false"}}
	new := []results.Citation{{Member: "facts/processes.json", Locator: "pid 20 kube-apiserver argv[3]", Observed: "--profiling=false"}}
	if e := evidence(old, new); len(e) != 0 {
		t.Errorf("evidence changed: %+v", e)
	}
	new[0].Observed = "--profiling=true"
	if e := evidence(old, new); len(e) != 1 || e[0].Old == nil || e[0].New == nil {
		t.Errorf("evidence %+v, want one pair", e)
	}
}
