package diff

import (
	"strings"
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

// TestCompareWaivers: a waiver that starts or stops covering a finding
// is a change of its own kind, neither a regression nor a fix.
func TestCompareWaivers(t *testing.T) {
	active := &results.Waiver{Line: 3, Check: "1.2.21", Nodes: []string{"*"}, Justification: "dashboards", Approver: "j.doe",
		Ticket: "SEC-1234", Expires: "2027-06-30"}
	expired := *active
	expired.Expired = true
	observed := map[results.Status]string{results.Pass: "false", results.Fail: "true", results.Warn: "maybe", results.NA: "not running"}
	side := func(s results.Status, w *results.Waiver) *results.Report {
		rep := report("cis-1.6", map[string][]res{"a": {{"apiserver-profiling", "1.2.21", "profiling off", s, observed[s], true}}})
		rep.Nodes[0].Targets[0].Results[0].Waiver = w
		rep.Recount()
		return rep
	}
	tests := []struct {
		name                string
		old, new            *results.Report
		kind                Kind // "": unchanged
		cause               Cause
		oldShown, newShown  results.Status
		waived, waiverEnded int
	}{
		{"a new waiver", side(results.Fail, nil), side(results.Fail, active), Waived, CauseWaiver, results.Fail, results.Waived, 1, 0},
		{"a new waiver over a warn", side(results.Warn, nil), side(results.Warn, active), Waived, CauseWaiver, results.Warn, results.Waived, 1, 0},
		{"renewed after it expired", side(results.Fail, &expired), side(results.Fail, active), Waived, CauseWaiver, results.Fail, results.Waived, 1, 0},
		{"expired", side(results.Fail, active), side(results.Fail, &expired), WaiverEnded, CauseWaiver, results.Waived, results.Fail, 0, 1},
		{"removed", side(results.Fail, active), side(results.Fail, nil), WaiverEnded, CauseWaiver, results.Waived, results.Fail, 0, 1},
		{"a waived fail warns, unwaived", side(results.Fail, active), side(results.Warn, nil), WaiverEnded, CauseNode, results.Waived, results.Warn, 0, 1},
		{"a waived warn fails, unwaived: regressed", side(results.Warn, active), side(results.Fail, nil), Regressed, CauseNode, results.Waived, results.Fail, 0, 0},
		{"starts failing under a waiver: waived, not regressed", side(results.Pass, nil), side(results.Fail, active), Waived, CauseNode, results.Pass, results.Waived, 1, 0},
		{"a waived fail passes: fixed", side(results.Fail, active), side(results.Pass, nil), Fixed, CauseNode, results.Waived, results.Pass, 0, 0},
		{"a waived fail no longer applies", side(results.Fail, active), side(results.NA, nil), Changed, CauseNode, results.Waived, results.NA, 0, 0},
		{"warn to fail under one waiver", side(results.Warn, active), side(results.Fail, active), Changed, CauseNode, results.Waived, results.Waived, 0, 0},
		{"the same waiver", side(results.Fail, active), side(results.Fail, active), "", "", "", "", 0, 0},
		{"expired on both sides", side(results.Fail, &expired), side(results.Fail, &expired), "", "", "", "", 0, 0},
		{"added and waived", report("cis-1.6", map[string][]res{"a": {}}), side(results.Fail, active), Waived, CauseNode, "", results.Waived, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Compare(tt.old, tt.new)
			if d.Counts.Waived != tt.waived || d.Counts.WaiverEnded != tt.waiverEnded {
				t.Errorf("counts %d waived, %d waivers ended; want %d, %d", d.Counts.Waived, d.Counts.WaiverEnded, tt.waived, tt.waiverEnded)
			}
			if want := tt.kind == Regressed; d.Regressed() != want {
				t.Errorf("Regressed() = %v, want %v", d.Regressed(), want)
			}
			changes := d.Scopes[0].Changes
			if tt.kind == "" {
				if len(changes) != 0 || d.Counts.Unchanged != 1 {
					t.Fatalf("changes %+v, want none", changes)
				}
				return
			}
			if len(changes) != 1 {
				t.Fatalf("%d changes, want 1", len(changes))
			}
			c := changes[0]
			if c.Kind != tt.kind || c.Cause != tt.cause {
				t.Errorf("%s (cause %s), want %s (cause %s)", c.Kind, c.Cause, tt.kind, tt.cause)
			}
			var oldShown results.Status
			if c.Old != nil {
				oldShown = c.Old.Shown()
			}
			if oldShown != tt.oldShown || c.New.Shown() != tt.newShown {
				t.Errorf("shown %s → %s, want %s → %s", oldShown, c.New.Shown(), tt.oldShown, tt.newShown)
			}
		})
	}
}

func TestWaiverNote(t *testing.T) {
	w := &results.Waiver{Line: 3, Justification: "dashboards", Approver: "j.doe", Ticket: "SEC-1234", Expires: "2027-06-30"}
	expired := *w
	expired.Expired = true
	for _, tc := range []struct {
		v    *Verdict
		want string
	}{
		{nil, ""},
		{&Verdict{Status: results.Fail}, ""},
		{&Verdict{Status: results.Fail, Waiver: w}, "FAIL waived until 2027-06-30 by j.doe (SEC-1234): dashboards"},
		{&Verdict{Status: results.Warn, Waiver: &expired}, "waiver SEC-1234 (approved by j.doe) expired 2027-06-30; the WARN stands"},
	} {
		if got := tc.v.WaiverNote(); got != tc.want {
			t.Errorf("WaiverNote() = %q, want %q", got, tc.want)
		}
	}
}

// TestTextWaivers: the text names the waiver of each side.
func TestTextWaivers(t *testing.T) {
	w := &results.Waiver{Line: 3, Check: "1.2.21", Nodes: []string{"*"}, Justification: "dashboards\u202e", Approver: "j.doe",
		Ticket: "SEC-1234", Expires: "2027-06-30"}
	old := report("cis-1.6", map[string][]res{"a": {{"apiserver-profiling", "1.2.21", "profiling off", results.Fail, "true", true}}})
	new := report("cis-1.6", map[string][]res{"a": {{"apiserver-profiling", "1.2.21", "profiling off", results.Fail, "true", true}}})
	new.Nodes[0].Targets[0].Results[0].Waiver = w
	new.Waivers = &results.WaiverSet{File: "w.yaml", Digest: results.Digest(strings.Repeat("ab", 32))}
	new.Recount()
	var b strings.Builder
	if err := Text(&b, Compare(old, new)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"NEW: report of 0001-01-01T00:00:00Z, kubeproof , cis-1.6, 1 node; 0 PASS, 0 FAIL, 0 WARN, 1 WAIVED, 0 INFO, 0 NA; waivers w.yaml (sha256:abababababab)",
		"changes: 0 regressed, 0 fixed, 1 waived, 0 waivers ended,",
		"[WAIVED] 1.2.21 profiling off (apiserver-profiling, master)\n    FAIL → WAIVED; cause: waiver\n",
		"    OLD waiver: (none)\n    NEW waiver: FAIL waived until 2027-06-30 by j.doe (SEC-1234): dashboards\\u202e\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the text lacks %q:\n%s", want, b.String())
		}
	}
}
