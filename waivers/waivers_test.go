package waivers

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/results"
)

func TestParseMalformed(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 0, "empty file"},
		{"syntax", "waivers:\n  - check: \"1.2.21\n", 2, "not valid YAML"},
		{"tab indentation", "waivers:\n\t- check: 1.2.21\n", 2, "not valid YAML"},
		{"not a mapping", "- check: 1.2.21\n", 1, "want a mapping"},
		{"unknown top field", "waiver:\n  - check: 1.2.21\n", 1, `unknown field "waiver"`},
		{"no list", "waivers: {}\n", 1, "waivers: want a list"},
		{"list of texts", "waivers:\n  - 1.2.21\n", 2, "must be a mapping"},
		{"unknown field", ok("  - check: 1.2.21", "    expiry: 2027-01-01"), 8, `unknown field "expiry"`},
		{"field twice", ok("  - check: 1.2.21", "    check: 1.2.22"), 8, `"check" given twice`},
		{"no check", strings.Replace(ok("  - check: 1.2.21"), "  - check: 1.2.21\n    nodes", "  - nodes", 1), 2, "without check"},
		{"bad check", ok("  - check: 1.2.x"), 2, `check "1.2.x"`},
		{"no selector", strings.Replace(ok("  - check: 1.2.21"), "    nodes: [\"*\"]\n", "", 1), 2, "selects no node"},
		{"empty nodes", strings.Replace(ok("  - check: 1.2.21"), `["*"]`, "[]", 1), 3, "empty list"},
		{"bad glob", strings.Replace(ok("  - check: 1.2.21"), `["*"]`, `["cp-["]`, 1), 3, "not a valid glob"},
		{"bad role", ok("  - check: 1.2.21", "    roles: [boss]"), 8, `"boss" is not a role`},
		{"nodes a mapping", strings.Replace(ok("  - check: 1.2.21"), `["*"]`, `{a: b}`, 1), 3, "want a list of texts"},
		{"no justification", strings.Replace(ok("  - check: 1.2.21"), "    justification: because\n", "", 1), 2, "without justification"},
		{"null approver", strings.Replace(ok("  - check: 1.2.21"), "approver: j.doe", "approver: ~", 1), 5, "approver: want a text"},
		{"no expiry", strings.Replace(ok("  - check: 1.2.21"), "    expires: 2027-06-30\n", "", 1), 2, "without expires"},
		{"bad date", strings.Replace(ok("  - check: 1.2.21"), "2027-06-30", "30/06/2027", 1), 7, `"30/06/2027" is not a date`},
		{"impossible date", strings.Replace(ok("  - check: 1.2.21"), "2027-06-30", "2027-02-30", 1), 7, "not a date"},
		{"second document", ok("  - check: 1.2.21") + "---\nwaivers: []\n", 8, "second YAML document"},
		{"bad benchmark", ok("  - check: 1.2.21", "    benchmark: \"cis-[\""), 8, "not a benchmark name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("w.yaml", []byte(tc.in))
			var we *Error
			if !errors.As(err, &we) {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if we.File != "w.yaml" || we.Line != tc.line || !strings.Contains(we.Msg, tc.msg) {
				t.Errorf("got %q (line %d), want line %d and %q", err, we.Line, tc.line, tc.msg)
			}
			if tc.line > 0 && !strings.HasPrefix(err.Error(), "w.yaml:") {
				t.Errorf("%q does not start with the file and line", err)
			}
		})
	}
}

// ok is a valid waivers file of one waiver, its first line given, extra
// lines appended to it.
func ok(first string, extra ...string) string {
	s := "waivers:\n" + first + "\n" +
		"    nodes: [\"*\"]\n" +
		"    justification: because\n" +
		"    approver: j.doe\n" +
		"    ticket: SEC-1\n" +
		"    expires: 2027-06-30\n"
	for _, e := range extra {
		s += e + "\n"
	}
	return s
}

func TestParse(t *testing.T) {
	in := `# risk acceptances
waivers:
  - check: "1.2.21"
    nodes: ["cp-*", worker-7]
    justification: "profiling needed by the SRE dashboards until Q3"
    approver: "j.doe"
    ticket: "SEC-1234"
    expires: 2027-06-30
  - check: apiserver-audit-log-path
    roles: [control-plane, worker, cluster]
    benchmark: "cis-1.*"
    justification: logs go to the cloud
    approver: a.b
    expires: "2026-12-31"
`
	f, err := Parse("w.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []results.Waiver{
		{Line: 3, Check: "1.2.21", Nodes: []string{"cp-*", "worker-7"}, Justification: "profiling needed by the SRE dashboards until Q3", Approver: "j.doe", Ticket: "SEC-1234", Expires: "2027-06-30"},
		{Line: 9, Check: "apiserver-audit-log-path", Roles: []string{"master", "node", "cluster"}, Benchmark: "cis-1.*", Justification: "logs go to the cloud", Approver: "a.b", Expires: "2026-12-31"},
	}
	if len(f.Waivers) != len(want) {
		t.Fatalf("got %d waivers, want %d", len(f.Waivers), len(want))
	}
	for i := range want {
		g, w := f.Waivers[i], want[i]
		if g.Line != w.Line || g.Check != w.Check || !slices.Equal(g.Nodes, w.Nodes) || !slices.Equal(g.Roles, w.Roles) || g.Benchmark != w.Benchmark ||
			g.Justification != w.Justification || g.Approver != w.Approver || g.Ticket != w.Ticket || g.Expires != w.Expires || g.Expired {
			t.Errorf("waiver %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	if len(f.Digest) != 64 || f.Name != "w.yaml" {
		t.Errorf("digest %q, name %q", f.Digest, f.Name)
	}
	g, _ := Parse("w.yaml", []byte(in+"\n"))
	if g.Digest == f.Digest {
		t.Error("the digest does not depend on the file's bytes")
	}
}

// report builds a report of scopes, each a node name, its roles, its
// benchmark and results "id=STATUS".
func report(day string, scopes ...scope) *results.Report {
	rep := &results.Report{ReportTime: must(time.Parse("2006-01-02 15:04", day))}
	for _, s := range scopes {
		n := results.NodeResult{Node: s.name, Benchmark: s.benchmark, Bundle: results.BundleInfo{Host: results.Host{Roles: s.roles}}}
		if s.cluster {
			n.Scope = results.ScopeCluster
		}
		tr := results.TargetResult{Section: &results.Section{Target: "master"}}
		for _, r := range s.results {
			id, st, _ := strings.Cut(r, "=")
			name := ""
			if id == "1.2.21" {
				name = "apiserver-profiling"
			}
			tr.Results = append(tr.Results, results.Result{Check: &results.Check{ID: id, Name: name}, Status: results.Status(st)})
		}
		n.Targets = []results.TargetResult{tr}
		if s.cluster {
			rep.Clusters = append(rep.Clusters, n)
		} else {
			rep.Nodes = append(rep.Nodes, n)
		}
	}
	rep.Recount()
	return rep
}

type scope struct {
	name      string
	roles     []string
	benchmark string
	cluster   bool
	results   []string
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func w(line int, check, expires string, nodes ...string) results.Waiver {
	return results.Waiver{Line: line, Check: check, Nodes: nodes, Justification: "j", Approver: "a", Ticket: "T-" + check, Expires: expires}
}

func TestApply(t *testing.T) {
	cp1 := scope{name: "cp-1", roles: []string{"master", "etcd"}, benchmark: "cis-1.6", results: []string{"1.2.21=FAIL", "1.2.22=WARN", "1.2.23=PASS", "1.3.1=FAIL"}}
	cp2 := scope{name: "cp-2", roles: []string{"master"}, benchmark: "cis-1.6", results: []string{"1.2.21=FAIL", "1.2.22=PASS"}}
	wk := scope{name: "wk-1", roles: []string{"node"}, benchmark: "cis-1.20", results: []string{"1.2.21=FAIL"}}
	cl := scope{name: "prod", cluster: true, benchmark: "cis-1.6", results: []string{"5.1.1=WARN"}}
	roles := func(wv results.Waiver, r ...string) results.Waiver { wv.Nodes, wv.Roles = nil, r; return wv }
	bench := func(wv results.Waiver, b string) results.Waiver { wv.Benchmark = b; return wv }
	for _, tc := range []struct {
		name    string
		day     string
		waivers []results.Waiver
		// shown: node/id → status shown; waiverLine: node/id → line of the waiver set on it
		shown      map[string]results.Status
		waiverLine map[string]int
		matched    []int // per entry
		applied    []int
		warnings   []string // substrings, one per warning, in order
		totals     results.Totals
	}{
		{
			name: "a glob waives a FAIL on the nodes it names", day: "2027-01-01 10:00",
			waivers: []results.Waiver{w(3, "1.2.21", "2027-06-30", "cp-*")},
			shown:   map[string]results.Status{"cp-1/1.2.21": results.Waived, "cp-2/1.2.21": results.Waived, "wk-1/1.2.21": results.Fail},
			matched: []int{2}, applied: []int{2},
			totals: results.Totals{Pass: 2, Fail: 2, Warn: 2, Waived: 2},
		},
		{
			name: "the last day still holds", day: "2027-06-30 23:59",
			waivers: []results.Waiver{w(3, "1.2.21", "2027-06-30", "cp-1")},
			shown:   map[string]results.Status{"cp-1/1.2.21": results.Waived},
			matched: []int{1}, applied: []int{1},
			totals: results.Totals{Pass: 2, Fail: 3, Warn: 2, Waived: 1},
		},
		{
			name: "expired the day after: the FAIL stands and the report says so", day: "2027-07-01 00:00",
			waivers:    []results.Waiver{w(3, "1.2.21", "2027-06-30", "cp-1")},
			shown:      map[string]results.Status{"cp-1/1.2.21": results.Fail},
			waiverLine: map[string]int{"cp-1/1.2.21": 3},
			matched:    []int{1}, applied: []int{1},
			warnings: []string{"w.yaml:3 (check 1.2.21, T-1.2.21) expired 2027-06-30"},
			totals:   results.Totals{Pass: 2, Fail: 4, Warn: 2},
		},
		{
			name: "unmatched: a check no node has", day: "2027-01-01 10:00",
			waivers: []results.Waiver{w(7, "9.9.9", "2027-06-30", "*")},
			matched: []int{0}, applied: []int{0},
			warnings: []string{"w.yaml:7 (check 9.9.9, T-9.9.9) matches no result"},
			totals:   results.Totals{Pass: 2, Fail: 4, Warn: 2},
		},
		{
			name: "unmatched: a node that is not in the report", day: "2027-01-01 10:00",
			waivers: []results.Waiver{w(7, "1.2.21", "2027-06-30", "cp-9")},
			matched: []int{0}, applied: []int{0},
			warnings: []string{"matches no result"},
			totals:   results.Totals{Pass: 2, Fail: 4, Warn: 2},
		},
		{
			name: "a PASS is never waived", day: "2027-01-01 10:00",
			waivers: []results.Waiver{w(4, "1.2.23", "2027-06-30", "*")},
			shown:   map[string]results.Status{"cp-1/1.2.23": results.Pass},
			matched: []int{1}, applied: []int{0},
			warnings: []string{"waives nothing: the 1 results it selects neither fail nor warn"},
			totals:   results.Totals{Pass: 2, Fail: 4, Warn: 2},
		},
		{
			name: "overlapping: the first in the file covers the result", day: "2027-01-01 10:00",
			waivers:    []results.Waiver{w(3, "1.2", "2027-06-30", "cp-1"), w(9, "1.2.21", "2027-03-31", "*")},
			shown:      map[string]results.Status{"cp-1/1.2.21": results.Waived, "cp-1/1.2.22": results.Waived, "cp-2/1.2.21": results.Waived, "cp-1/1.3.1": results.Fail},
			waiverLine: map[string]int{"cp-1/1.2.21": 3, "cp-1/1.2.22": 3, "cp-2/1.2.21": 9, "wk-1/1.2.21": 9},
			matched:    []int{3, 3}, applied: []int{2, 2},
			totals: results.Totals{Pass: 2, Fail: 1, Warn: 1, Waived: 4},
		},
		{
			name: "overlapping: an expired first waiver yields to one that holds", day: "2027-05-01 10:00",
			waivers:    []results.Waiver{w(3, "1.2.21", "2027-03-31", "*"), w(9, "apiserver-profiling", "2027-06-30", "cp-2")},
			shown:      map[string]results.Status{"cp-1/1.2.21": results.Fail, "cp-2/1.2.21": results.Waived},
			waiverLine: map[string]int{"cp-1/1.2.21": 3, "cp-2/1.2.21": 9, "wk-1/1.2.21": 3},
			matched:    []int{3, 1}, applied: []int{2, 1},
			warnings: []string{"expired 2027-03-31: the 2 results"},
			totals:   results.Totals{Pass: 2, Fail: 3, Warn: 2, Waived: 1},
		},
		{
			name: "roles: a worker role and the cluster's policies", day: "2027-01-01 10:00",
			waivers: []results.Waiver{roles(w(3, "1.2.21", "2027-06-30"), "node"), roles(w(5, "5.1.1", "2027-06-30"), "cluster")},
			shown:   map[string]results.Status{"cp-1/1.2.21": results.Fail, "wk-1/1.2.21": results.Waived, "prod/5.1.1": results.Waived},
			matched: []int{1, 1}, applied: []int{1, 1},
			totals: results.Totals{Pass: 2, Fail: 3, Warn: 1, Waived: 2},
		},
		{
			name: "roles and nodes both must hold", day: "2027-01-01 10:00",
			waivers: []results.Waiver{func() results.Waiver {
				x := w(3, "1.2.21", "2027-06-30", "*-1")
				x.Roles = []string{"master"}
				return x
			}()},
			shown:   map[string]results.Status{"cp-1/1.2.21": results.Waived, "wk-1/1.2.21": results.Fail, "cp-2/1.2.21": results.Fail},
			matched: []int{1}, applied: []int{1},
			totals: results.Totals{Pass: 2, Fail: 3, Warn: 2, Waived: 1},
		},
		{
			name: "a benchmark: ids of another benchmark are not selected", day: "2027-01-01 10:00",
			waivers: []results.Waiver{bench(w(3, "1.2.21", "2027-06-30", "*"), "cis-1.2?")},
			shown:   map[string]results.Status{"cp-1/1.2.21": results.Fail, "wk-1/1.2.21": results.Waived},
			matched: []int{1}, applied: []int{1},
			totals: results.Totals{Pass: 2, Fail: 3, Warn: 2, Waived: 1},
		},
		{
			name: "a group id is not a prefix of a longer number", day: "2027-01-01 10:00",
			waivers: []results.Waiver{w(3, "1.2.2", "2027-06-30", "*")},
			shown:   map[string]results.Status{"cp-1/1.2.21": results.Fail, "cp-1/1.2.22": results.Warn},
			matched: []int{0}, applied: []int{0},
			warnings: []string{"matches no result"},
			totals:   results.Totals{Pass: 2, Fail: 4, Warn: 2},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := report(tc.day, cp1, cp2, wk, cl)
			Apply(rep, &File{Name: "w.yaml", Digest: "d", Waivers: tc.waivers})
			for _, n := range rep.Scopes() {
				for _, r := range n.Targets[0].Results {
					k := n.Node + "/" + r.Check.ID
					if want, ok := tc.shown[k]; ok && r.Shown() != want {
						t.Errorf("%s shown %s, want %s", k, r.Shown(), want)
					}
					want := tc.waiverLine[k]
					if want == 0 && r.Shown() == results.Waived {
						want = -1 // any
					}
					got := 0
					if r.Waiver != nil {
						got = r.Waiver.Line
					}
					if want >= 0 && got != want || want < 0 && got == 0 {
						t.Errorf("%s: waiver at line %d, want %d", k, got, want)
					}
					if r.Waiver != nil && r.Status != results.Fail && r.Status != results.Warn {
						t.Errorf("%s: a %s result carries a waiver", k, r.Status)
					}
				}
			}
			for i, e := range rep.Waivers.Entries {
				if e.Matched != tc.matched[i] || e.Applied != tc.applied[i] {
					t.Errorf("entry %d: matched %d applied %d, want %d and %d", i, e.Matched, e.Applied, tc.matched[i], tc.applied[i])
				}
			}
			if len(rep.Warnings) != len(tc.warnings) {
				t.Fatalf("warnings %q, want %d", rep.Warnings, len(tc.warnings))
			}
			for i, want := range tc.warnings {
				if !strings.Contains(rep.Warnings[i], want) {
					t.Errorf("warning %q, want %q in it", rep.Warnings[i], want)
				}
			}
			if rep.Totals != tc.totals {
				t.Errorf("totals %+v, want %+v", rep.Totals, tc.totals)
			}
			if rep.Waivers.File != "w.yaml" || rep.Waivers.Digest != "d" {
				t.Errorf("waiver set %+v", rep.Waivers)
			}
		})
	}
}

func TestWaiverNote(t *testing.T) {
	r := results.Result{Status: results.Fail, Waiver: &results.Waiver{Line: 4, Approver: "j.doe", Ticket: "SEC-1", Justification: "why", Expires: "2027-06-30"}}
	if got, want := r.WaiverNote(), "waived until 2027-06-30 by j.doe (SEC-1): why"; got != want {
		t.Errorf("note %q, want %q", got, want)
	}
	r.Waiver.Expired, r.Waiver.Ticket = true, ""
	if got, want := r.WaiverNote(), "waiver line 4 (approved by j.doe) expired 2027-06-30; the FAIL stands"; got != want {
		t.Errorf("note %q, want %q", got, want)
	}
	if r.Shown() != results.Fail {
		t.Errorf("an expired waiver shows %s", r.Shown())
	}
	r.Waiver = nil
	if r.WaiverNote() != "" {
		t.Error("a note without a waiver")
	}
}

// FuzzParse: any bytes are either refused with an *Error naming the file
// or read into waivers that hold every required field and a line.
func FuzzParse(f *testing.F) {
	f.Add([]byte(ok("  - check: 1.2.21")))
	f.Add([]byte(ok("  - check: apiserver-profiling", "    roles: [master]", "    benchmark: cis-1.*")))
	f.Add([]byte("waivers:\n  - check: 1.2\n    roles: worker\n    justification: j\n    approver: a\n    expires: 2027-01-01\n"))
	f.Add([]byte("waivers: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		wf, err := Parse("f.yaml", data)
		if err != nil {
			var we *Error
			if !errors.As(err, &we) || we.File != "f.yaml" || we.Line < 0 {
				t.Fatalf("refused without a file and line: %v", err)
			}
			return
		}
		for _, w := range wf.Waivers {
			if w.Line <= 0 || w.Check == "" || w.Justification == "" || w.Approver == "" || len(w.Nodes)+len(w.Roles) == 0 {
				t.Fatalf("accepted an incomplete waiver %+v", w)
			}
			if _, err := time.Parse(dateLayout, w.Expires); err != nil {
				t.Fatalf("accepted expiry %q", w.Expires)
			}
		}
	})
}
