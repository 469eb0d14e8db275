package results

import "testing"

// TestDisplayTitle: the title carries the benchmark's own label, as
// kube-bench prints it: Automated/Manual since CIS 1.6, Scored/Not Scored
// in cis-1.5.
func TestDisplayTitle(t *testing.T) {
	for _, tc := range []struct{ assessment, want string }{
		{"automated", "Ensure X (Automated)"},
		{"", "Ensure X (Automated)"},
		{"manual", "Ensure X (Manual)"},
		{"scored", "Ensure X (Scored)"},
		{"not-scored", "Ensure X (Not Scored)"},
	} {
		c := &Check{Title: "Ensure X", Assessment: tc.assessment}
		if got := c.DisplayTitle(); got != tc.want {
			t.Errorf("assessment %q: %q, want %q", tc.assessment, got, tc.want)
		}
	}
}

func TestScore(t *testing.T) {
	auto, manual := &Check{ID: "1"}, &Check{ID: "2", Review: true}
	rs := func(c *Check, ss ...Status) []Result {
		var out []Result
		for _, s := range ss {
			out = append(out, Result{Check: c, Status: s})
		}
		return out
	}
	waived := Result{Check: auto, Status: Fail, Waiver: &Waiver{Expires: "2030-01-01"}}
	expired := Result{Check: auto, Status: Warn, Waiver: &Waiver{Expires: "2020-01-01", Expired: true}}
	node := append(rs(auto, Pass, Pass, Fail, Warn, Info, NA), waived, expired)
	node = append(node, rs(manual, Pass, Warn, Fail)...)
	rep := &Report{
		Nodes:    []NodeResult{{Targets: []TargetResult{{Results: node}}}},
		Clusters: []NodeResult{{Scope: ScopeCluster, Targets: []TargetResult{{Results: rs(auto, Pass, Fail)}}}},
	}
	// Passed: 2 on the node + 1 in the cluster. Applicable: PASS, FAIL,
	// WARN, the waived FAIL, the expired waiver's WARN (5 + 2 on the node
	// less INFO and NA) and the cluster's 2.
	if p, a := rep.Score(); p != 3 || a != 8 {
		t.Errorf("score %d/%d, want 3/8", p, a)
	}
	rep.Recount()
	if want := (Totals{Pass: 4, Fail: 3, Warn: 3, Info: 1, NA: 1, Waived: 1}); rep.Totals != want {
		t.Errorf("totals %+v, want %+v", rep.Totals, want)
	}
	if got := rep.Nodes[0].Targets[0].Totals.Waived; got != 1 {
		t.Errorf("target waived %d", got)
	}
}
