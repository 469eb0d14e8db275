package analyzer

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/results"
)

// The operators of the evaluation core, each at its boundary and one step
// past it on either side. These tests were written against mutants that
// the rest of the suite let live (issue 15): each case names what it
// guards.

// TestModeAtMostExtraBits: "mode at most" is a bit test, never a
// numerical comparison. A mode numerically below the limit that carries a
// bit the limit does not allow fails: 0444 is not "600 or more
// restrictive" (group and others may read a key), 0611 is not "644"
// (execute bits). Killed mutant: uint32(m)&^l.Mode == 0 → uint32(m) <= l.Mode.
func TestModeAtMostExtraBits(t *testing.T) {
	tests := []struct {
		mode, limit string
		want        bool
	}{
		// numerically smaller, with a forbidden bit: the cases
		{"0444", "600", false},
		{"0611", "644", false},
		{"0400", "440", true},
		{"0077", "700", false},
		{"0001", "600", false},
		{"0010", "644", false},
		{"0100", "644", false},
		{"0111", "755", true},
		// the boundary itself and subsets of it
		{"0600", "600", true},
		{"0644", "644", true},
		{"0640", "644", true},
		{"0604", "644", true},
		{"0000", "600", true},
		{"0000", "0", true},
		{"0700", "700", true},
		// one bit past the limit, numerically larger
		{"0601", "600", false},
		{"0610", "600", false},
		{"0660", "644", false},
		{"0645", "644", false},
		{"0664", "644", false},
		{"0744", "644", false},
		{"0701", "700", false},
		// special bits are bits too: setuid, setgid and sticky exceed 0755
		{"04755", "755", false},
		{"02755", "755", false},
		{"01755", "755", false},
		{"01644", "1644", true},
		// a mode that does not parse never passes
		{"rw-r--r--", "644", false},
		{"", "644", false},
		{"0999", "777", false},
	}
	for _, tt := range tests {
		l := leaf(t, "file: {paths: [/f]}\nop: mode\nvalue: \""+tt.limit+"\"").Leaf
		st := &bundle.Stat{Path: "/f", Type: "file", Mode: tt.mode}
		ok, obs, field := fileTest(l, st)
		if ok != tt.want {
			t.Errorf("mode %s at most %s = %v, want %v", tt.mode, tt.limit, ok, tt.want)
		}
		if obs != tt.mode || field != "mode" {
			t.Errorf("mode %s: observed %q field %q, want %q \"mode\"", tt.mode, obs, field, tt.mode)
		}
	}
}

// TestModeVerdicts runs the two cases through the whole file
// evaluation, as the checks of a key file and a manifest read them.
func TestModeVerdicts(t *testing.T) {
	stats := []bundle.Stat{
		file("/etc/kubernetes/pki/apiserver.key", "0444", "root", "root"),
		file("/etc/kubernetes/manifests/etcd.yaml", "0611", "root", "root"),
		file("/etc/kubernetes/pki/ca.key", "0400", "root", "root"),
	}
	n := testNode(t, []bundle.Process{proc("kube-apiserver")}, stats, nil)
	tests := []struct {
		path, limit string
		want        state
		observed    string
	}{
		{"/etc/kubernetes/pki/apiserver.key", "600", failed, "permissions=444"},
		{"/etc/kubernetes/manifests/etcd.yaml", "644", failed, "permissions=611"},
		{"/etc/kubernetes/pki/ca.key", "600", passed, "permissions=400"},
	}
	for _, tt := range tests {
		o := evalTest(leaf(t, "file: {paths: ["+tt.path+"]}\nop: mode\nvalue: \""+tt.limit+"\""), "kube-apiserver", n)
		if o.state != tt.want {
			t.Errorf("%s at most %s: %v, want %v (%v)", tt.path, tt.limit, o.state, tt.want, o.observed)
		}
		if len(o.observed) != 1 || o.observed[0] != tt.observed {
			t.Errorf("%s: observed %q, want %q", tt.path, o.observed, tt.observed)
		}
		if want := "permissions of " + tt.path + " are " + tt.limit + " or more restrictive"; o.expected != want {
			t.Errorf("%s: expected %q, want %q", tt.path, o.expected, want)
		}
		if len(o.cites) != 1 || o.cites[0].Locator != tt.path+" mode" || o.cites[0].Member != bundle.StatPath {
			t.Errorf("%s: citations %+v, want one of the stat record's mode", tt.path, o.cites)
		}
	}
}

// TestOwnerOperator: the owner matches by name where the record has one,
// else by number, and both the user and the group must match.
func TestOwnerOperator(t *testing.T) {
	stat := func(user, group string, uid, gid *int) *bundle.Stat {
		return &bundle.Stat{Path: "/f", Type: "file", Mode: "0600", User: user, Group: group, UID: uid, GID: gid}
	}
	tests := []struct {
		name, want string
		st         *bundle.Stat
		ok         bool
		observed   string
	}{
		{"names match", "root:root", stat("root", "root", intp(0), intp(0)), true, "root:root"},
		{"numbers match", "0:0", stat("root", "root", intp(0), intp(0)), true, "root:root"},
		{"names match, no numbers", "etcd:etcd", stat("etcd", "etcd", nil, nil), true, "etcd:etcd"},
		{"numbers match, no names", "998:996", stat("", "", intp(998), intp(996)), true, "998:996"},
		{"user differs", "root:root", stat("etcd", "root", intp(998), intp(0)), false, "etcd:root"},
		{"group differs", "root:root", stat("root", "etcd", intp(0), intp(996)), false, "root:etcd"},
		{"both differ", "root:root", stat("etcd", "etcd", intp(998), intp(996)), false, "etcd:etcd"},
		{"uid differs, no names", "0:0", stat("", "", intp(998), intp(0)), false, "998:0"},
		{"gid differs, no names", "0:0", stat("", "", intp(0), intp(996)), false, "0:996"},
		{"a name is not matched by a number", "root:root", stat("", "", intp(0), intp(0)), false, "0:0"},
		{"no record of the owner", "root:root", stat("", "", nil, nil), false, ":"},
		{"mixed: user by name, group by number", "etcd:0", stat("etcd", "root", intp(998), intp(0)), true, "etcd:root"},
		{"mixed: user by number, group by name", "998:etcd", stat("etcd", "etcd", intp(998), intp(996)), true, "etcd:etcd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := leaf(t, "file: {paths: [/f]}\nop: owner\nvalue: \""+tt.want+"\"").Leaf
			ok, obs, field := fileTest(l, tt.st)
			if ok != tt.ok || obs != tt.observed || field != "owner" {
				t.Errorf("owner %s of %+v = %v %q %q, want %v %q \"owner\"", tt.want, tt.st, ok, obs, field, tt.ok, tt.observed)
			}
		})
	}
}

// TestExistsOperator: the default file operator reads the type and passes
// on any collected record.
func TestExistsOperator(t *testing.T) {
	l := leaf(t, "file: {paths: [/f]}\nop: exists").Leaf
	ok, obs, field := fileTest(l, &bundle.Stat{Path: "/f", Type: "dir", Mode: "0777"})
	if !ok || obs != "dir" || field != "type" {
		t.Errorf("exists = %v %q %q, want true \"dir\" \"type\"", ok, obs, field)
	}
}

func set(v string) evidence.Observation {
	return evidence.Observation{State: evidence.Set, Value: v, Desc: "--x",
		Citations: []results.Citation{{Member: bundle.ProcessesPath, Locator: "pid 1 x argv[1]", Observed: "--x=" + v}}}
}

// TestValueOperatorBoundaries applies each value operator to values at,
// just below and just above its operand.
func TestValueOperatorBoundaries(t *testing.T) {
	unset := evidence.Observation{State: evidence.Unset, Desc: "--x"}
	unknown := evidence.Observation{State: evidence.Unknown, Desc: "--x", Reason: "not collected"}
	redacted := set("abc<redacted:12>")
	tests := []struct {
		test string
		ob   evidence.Observation
		want state
	}{
		// gt / gte / lt / lte at the operand and one step away
		{"op: gt\nvalue: \"10\"", set("10"), failed},
		{"op: gt\nvalue: \"10\"", set("11"), passed},
		{"op: gt\nvalue: \"10\"", set("9"), failed},
		{"op: gte\nvalue: \"10\"", set("10"), passed},
		{"op: gte\nvalue: \"10\"", set("9"), failed},
		{"op: gte\nvalue: \"10\"", set("11"), passed},
		{"op: lt\nvalue: \"10\"", set("10"), failed},
		{"op: lt\nvalue: \"10\"", set("9"), passed},
		{"op: lt\nvalue: \"10\"", set("11"), failed},
		{"op: lte\nvalue: \"10\"", set("10"), passed},
		{"op: lte\nvalue: \"10\"", set("11"), failed},
		{"op: lte\nvalue: \"10\"", set("9"), passed},
		{"op: gte\nvalue: \"0.5\"", set("0.4999"), failed},
		{"op: gte\nvalue: \"-1\"", set("-1"), passed},
		{"op: lt\nvalue: \"0\"", set("-1"), passed},
		// durations compare as durations, on either side
		{"op: gte\nvalue: 5m", set("300s"), passed},
		{"op: gte\nvalue: 5m", set("299s"), failed},
		{"op: lte\nvalue: 1h", set("60m"), passed},
		{"op: lte\nvalue: 1h", set("1h0m1s"), failed},
		{"op: gt\nvalue: \"0\"", set("1ns"), passed},
		// a value that is not a number fails, whichever way it compares
		{"op: gte\nvalue: \"10\"", set("ten"), failed},
		{"op: lte\nvalue: \"10\"", set("ten"), failed},
		{"op: lt\nvalue: \"10\"", set(""), failed},
		// eq / noteq: as booleans where both parse as booleans, else as text
		{"op: eq\nvalue: \"false\"", set("False"), passed},
		{"op: eq\nvalue: \"false\"", set("0"), passed},
		{"op: eq\nvalue: \"true\"", set("1"), passed},
		{"op: eq\nvalue: \"true\"", set("T"), passed},
		{"op: eq\nvalue: \"true\"", set("false"), failed},
		{"op: eq\nvalue: \"true\"", set("yes"), failed}, // not a Go boolean: compared as text
		{"op: eq\nvalue: RBAC", set("rbac"), failed},
		{"op: eq\nvalue: RBAC", set("RBAC"), passed},
		{"op: eq\nvalue: \"0\"", set("00"), failed},
		{"op: eq\nvalue: \"1\"", set("true"), passed},
		{"op: noteq\nvalue: \"false\"", set("False"), failed},
		{"op: noteq\nvalue: \"false\"", set("true"), passed},
		{"op: noteq\nvalue: RBAC", set("rbac"), passed},
		// has / nothave: whole elements of a comma list, spaces trimmed
		{"op: has\nvalue: RBAC", set("Node, RBAC"), passed},
		{"op: has\nvalue: RBAC", set("Node,RBACX"), failed},
		{"op: has\nvalue: RBAC", set("RBAC"), passed},
		{"op: has\nvalue: RBAC", set(""), failed},
		{"op: nothave\nvalue: AlwaysAllow", set("Node,AlwaysAllow"), failed},
		{"op: nothave\nvalue: AlwaysAllow", set("Node,AlwaysAllowX"), passed},
		// valid: every non-empty element is one of the allowed
		{"op: valid\nvalue: a,b", set("a,b"), passed},
		{"op: valid\nvalue: a,b", set("b"), passed},
		{"op: valid\nvalue: a,b", set("a, ,b"), passed},
		{"op: valid\nvalue: a,b", set("a,c"), failed},
		{"op: valid\nvalue: a,b", set("c,a"), failed},
		{"op: valid\nvalue: a,b", set("ab"), failed},
		// regex
		{"op: regex\nvalue: ^a+$", set("aaa"), passed},
		{"op: regex\nvalue: ^a+$", set("aab"), failed},
		// set / notset on a set value; a redacted value decides set and notset only
		{"op: set", set(""), passed},
		{"op: notset", set("x"), failed},
		{"op: set", redacted, passed},
		{"op: notset", redacted, failed},
		{"op: eq\nvalue: abc", redacted, undecided},
		{"op: noteq\nvalue: abc", redacted, undecided},
		{"op: has\nvalue: abc", redacted, undecided},
		// unset: fails a value test unless absence is compliant
		{"op: set", unset, failed},
		{"op: notset", unset, passed},
		{"op: eq\nvalue: \"true\"", unset, failed},
		{"op: noteq\nvalue: \"true\"", unset, failed},
		{"op: noteq\nvalue: \"true\"\nunset: pass", unset, passed},
		{"op: nothave\nvalue: x\nunset: pass", unset, passed},
		{"op: gte\nvalue: \"1\"", unset, failed},
		// unknown never passes, whatever the operator
		{"op: set", unknown, undecided},
		{"op: notset", unknown, undecided},
		{"op: noteq\nvalue: \"true\"\nunset: pass", unknown, undecided},
		{"op: gte\nvalue: \"1\"", unknown, undecided},
	}
	for _, tt := range tests {
		l := leaf(t, "flag: x\n"+tt.test).Leaf
		o := compare(l, tt.ob)
		if o.state != tt.want {
			t.Errorf("%s on %+v: %v, want %v (%v %q)", strings.ReplaceAll(tt.test, "\n", " "), tt.ob.Value, o.state, tt.want, o.observed, o.reason)
		}
		if len(o.cites) != len(tt.ob.Citations) {
			t.Errorf("%s: citations %+v, want the observation's", tt.test, o.cites)
		}
		switch {
		case tt.ob.State == evidence.Unknown:
			if o.reason != tt.ob.Reason || o.observed[0] != "--x: not collected" {
				t.Errorf("%s on unknown: reason %q observed %q", tt.test, o.reason, o.observed)
			}
		case tt.ob.State == evidence.Unset:
			if o.observed[0] != "--x is not set" {
				t.Errorf("%s on unset: observed %q", tt.test, o.observed)
			}
		case o.state == undecided:
			if !strings.Contains(o.reason, "redacted") {
				t.Errorf("%s on a redacted value: reason %q", tt.test, o.reason)
			}
		default:
			if o.observed[0] != "--x="+tt.ob.Value {
				t.Errorf("%s: observed %q", tt.test, o.observed)
			}
		}
	}
}

// TestNotANumberReason: a failed comparison of a value that is not a
// number says so.
func TestNotANumberReason(t *testing.T) {
	o := compare(leaf(t, "flag: x\nop: gte\nvalue: \"10\"").Leaf, set("ten"))
	if o.state != failed || o.reason != `"ten" is not a number` {
		t.Errorf("state %v reason %q", o.state, o.reason)
	}
}

// TestExpectedText pins the wording of each operator's expectation: it is
// what a report shows next to the observed value.
func TestExpectedText(t *testing.T) {
	tests := []struct{ test, want string }{
		{"op: set", "'--x' is set"},
		{"op: notset", "'--x' is not set"},
		{"op: eq\nvalue: a", "'--x' is equal to 'a'"},
		{"op: noteq\nvalue: a", "'--x' is not equal to 'a'"},
		{"op: noteq\nvalue: a\nunset: pass", "'--x' is not equal to 'a' (or not set)"},
		{"op: has\nvalue: a", "'--x' has 'a'"},
		{"op: nothave\nvalue: a", "'--x' does not have 'a'"},
		{"op: nothave\nvalue: a\nunset: pass", "'--x' does not have 'a' (or not set)"},
		{"op: gt\nvalue: \"1\"", "'--x' is greater than 1"},
		{"op: gte\nvalue: \"1\"", "'--x' is at least 1"},
		{"op: lt\nvalue: \"1\"", "'--x' is less than 1"},
		{"op: lte\nvalue: \"1\"", "'--x' is at most 1"},
		{"op: regex\nvalue: ^a$", "'--x' matches ^a$"},
		{"op: valid\nvalue: a,b", "every element of '--x' is one of a,b"},
	}
	for _, tt := range tests {
		if got := expectedText(leaf(t, "flag: x\n"+tt.test).Leaf, "--x"); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.test, got, tt.want)
		}
	}
	for _, tt := range []struct{ test, want string }{
		{"op: mode\nvalue: \"0600\"", "permissions of /f are 600 or more restrictive"},
		{"op: owner\nvalue: root:root", "/f is owned by root:root"},
		{"op: exists", "/f exists"},
	} {
		if got := fileExpected(leaf(t, "file: {paths: [/f]}\n"+tt.test).Leaf, "/f"); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.test, got, tt.want)
		}
	}
}

// TestComposition: all is a conjunction and any a disjunction over three
// states, where undecided never becomes a pass: all(pass, undecided) and
// any(fail, undecided) are undecided; a failure decides all, a pass
// decides any.
func TestComposition(t *testing.T) {
	n := testNode(t, []bundle.Process{proc("kube-apiserver", "--profiling=false")}, []bundle.Stat{
		{Path: "/secret", Error: "lstat: permission denied", ErrorKind: "permission"},
	}, nil)
	const (
		p = "- flag: profiling\n  op: eq\n  value: \"false\""
		f = "- flag: profiling\n  op: eq\n  value: \"true\""
		u = "- file: {paths: [/secret]}\n  op: mode\n  value: \"600\""
	)
	tests := []struct {
		op   string
		subs []string
		want state
	}{
		{"all", []string{p, p}, passed},
		{"all", []string{p, f}, failed},
		{"all", []string{f, p}, failed},
		{"all", []string{p, u}, undecided},
		{"all", []string{u, p}, undecided},
		{"all", []string{u, f}, failed},
		{"all", []string{f, u}, failed},
		{"all", []string{u, u}, undecided},
		{"any", []string{f, f}, failed},
		{"any", []string{p, f}, passed},
		{"any", []string{f, p}, passed},
		{"any", []string{f, u}, undecided},
		{"any", []string{u, f}, undecided},
		{"any", []string{u, p}, passed},
		{"any", []string{p, u}, passed},
		{"any", []string{u, u}, undecided},
		{"all", []string{p}, passed},
		{"any", []string{f}, failed},
	}
	for _, tt := range tests {
		y := tt.op + ":\n" + strings.Join(tt.subs, "\n")
		o := evalTest(leaf(t, y), "kube-apiserver", n)
		if o.state != tt.want {
			t.Errorf("%s: %v, want %v", y, o.state, tt.want)
		}
		if o.state == undecided && !strings.Contains(o.reason, "permission denied") {
			t.Errorf("%s: undecided with reason %q, want the sub-test's", y, o.reason)
		}
		sep := map[string]string{"all": " AND ", "any": " OR "}[tt.op]
		if len(tt.subs) > 1 && (!strings.HasPrefix(o.expected, "(") || strings.Count(o.expected, sep) != len(tt.subs)-1) {
			t.Errorf("%s: expected %q, want the sub-tests joined by %q in parentheses", y, o.expected, sep)
		}
		if len(tt.subs) == 1 && strings.HasPrefix(o.expected, "(") {
			t.Errorf("%s: expected %q, want no parentheses around one test", y, o.expected)
		}
		if len(o.observed) != len(tt.subs) {
			t.Errorf("%s: observed %q, want one per sub-test", y, o.observed)
		}
	}
}

// TestCompositionCitesOnce: two sub-tests that read the same evidence
// cite it once.
func TestCompositionCitesOnce(t *testing.T) {
	n := testNode(t, []bundle.Process{proc("kube-apiserver", "--profiling=false")}, nil, nil)
	o := evalTest(leaf(t, "all:\n- flag: profiling\n  op: set\n- flag: profiling\n  op: eq\n  value: \"false\""), "kube-apiserver", n)
	if len(o.cites) != 1 {
		t.Errorf("citations %+v, want one", o.cites)
	}
}

// TestEvaluateReasons: every status evaluate gives says why, in the words
// the reports and kube-bench's importers expect.
func TestEvaluateReasons(t *testing.T) {
	n := testNode(t, []bundle.Process{proc("kube-apiserver", "--profiling=true")}, []bundle.Stat{
		{Path: "/secret", Error: "lstat: permission denied", ErrorKind: "permission"},
	}, nil)
	mk := func(review, scored bool, component, test string) *catalog.Check {
		c := &catalog.Check{ID: "1.2.21", Title: "T", Assessment: "automated", Component: component, Review: review, Scored: scored, Remediation: "r"}
		if test != "" {
			c.Test = leaf(t, test)
		}
		return c
	}
	tests := []struct {
		name   string
		check  *catalog.Check
		status results.Status
		reason *regexp.Regexp
	}{
		{"not applicable", mk(false, true, "kube-proxy", "flag: profiling\nop: set"), results.NA, regexp.MustCompile(`^kube-proxy does not run on this node$`)},
		{"manual", mk(false, true, "kube-apiserver", ""), results.Warn, regexp.MustCompile("^" + ManualReason + "$")},
		{"review, passing", mk(true, true, "kube-apiserver", "flag: profiling\nop: set"), results.Warn, regexp.MustCompile("^" + ManualReason + "$")},
		{"unscored failure", mk(false, false, "kube-apiserver", "flag: profiling\nop: notset"), results.Warn, regexp.MustCompile(`^not scored: `)},
		{"undecided", mk(false, true, "kube-apiserver", "file: {paths: [/secret]}\nop: mode\nvalue: \"600\""), results.Warn, regexp.MustCompile(`permission denied`)},
		{"pass", mk(false, true, "kube-apiserver", "flag: profiling\nop: set"), results.Pass, regexp.MustCompile(`^$`)},
		{"fail", mk(false, true, "kube-apiserver", "flag: profiling\nop: notset"), results.Fail, regexp.MustCompile(`^$`)},
	}
	for _, tt := range tests {
		r := evaluate(tt.check, n)
		if r.Status != tt.status || !tt.reason.MatchString(r.Reason) {
			t.Errorf("%s: %s %q, want %s matching %s", tt.name, r.Status, r.Reason, tt.status, tt.reason)
		}
		if len(r.Citations) == 0 {
			t.Errorf("%s: no citation", tt.name)
		}
	}
	// The hint of a reviewed check says what the evidence gives.
	for _, tt := range []struct {
		test, hint string
	}{
		{"flag: profiling\nop: set", "meets the expected value"},
		{"flag: profiling\nop: notset", "does not meet the expected value"},
		{"file: {paths: [/secret]}\nop: mode\nvalue: \"600\"", "cannot decide it: /secret could not be examined"},
	} {
		r := evaluate(mk(true, true, "kube-apiserver", tt.test), n)
		if !strings.Contains(r.Explanation, tt.hint) {
			t.Errorf("review of %q: explanation %q, want %q", tt.test, r.Explanation, tt.hint)
		}
	}
}
