package analyzer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/redact"
	"github.com/kubeproof/kubeproof/results"
)

// state is a leaf's or composition's outcome.
type state int

const (
	passed state = iota
	failed
	undecided // evidence missing or unreadable: never a pass
)

// outcome is the evaluation of a test.
type outcome struct {
	state    state
	expected string
	observed []string
	reason   string
	cites    []results.Citation
}

// ManualReason is what kube-bench says of a check that the benchmark
// marks manual; importers of its JSON (DefectDojo) look for these words.
const ManualReason = "Test marked as a manual test"

// evaluate returns the verdict of check on node, unbounded.
func evaluate(check *catalog.Check, n *evidence.Node) results.Result {
	r := results.Result{Check: check.View()}
	if check.Skip != "" {
		// As kube-bench does with type: skip: INFO, nothing evaluated.
		r.Status = results.Info
		r.Reason = "skipped by the benchmark: " + check.Skip
		r.Expected = "skipped"
		r.Observed = "not evaluated"
		r.Citations = []results.Citation{n.ManifestCitation("skipped by the benchmark")}
		return r
	}
	if !n.Runs(check.Component) {
		r.Status = results.NA
		r.Reason = check.Component + " does not run on this node"
		r.Observed = "no " + check.Component + " process in the bundle"
		r.Citations = []results.Citation{n.ProcessesCitation("components: " + strings.Join(n.Manifest.Host.Components, ","))}
		return r
	}
	if check.Test == nil {
		r.Status = results.Warn
		r.Reason = ManualReason
		r.Explanation = "the benchmark leaves this check to a person: nothing in a bundle can decide it"
		r.Expected = "manual review"
		if c, ok := n.ProcessCitation(check.Component); ok {
			r.Citations = []results.Citation{c}
		}
		return r
	}
	o := evalTest(check.Test, check.Component, n)
	r.Expected = o.expected
	r.Observed = strings.Join(o.observed, "; ")
	r.Citations = o.cites
	switch {
	case check.Review:
		r.Status = results.Warn
		r.Reason = ManualReason
		r.Explanation = "the benchmark leaves this check to a person; " + reviewHint(o)
	case o.state == passed:
		r.Status = results.Pass
	case o.state == failed && !check.Scored:
		// As kube-bench does: an unscored recommendation that fails its
		// test asks for review rather than failing the audit.
		r.Status = results.Warn
		r.Reason = "not scored: the test failed, review whether it applies"
	case o.state == failed:
		r.Status = results.Fail
	default:
		r.Status = results.Warn
		r.Reason = o.reason
	}
	return r
}

func evalTest(t *catalog.Test, component string, n *evidence.Node) outcome {
	if len(t.All) > 0 || len(t.Any) > 0 {
		return evalComposed(t, component, n)
	}
	l := t.Leaf
	if l.Component != "" {
		component = l.Component
	}
	switch e := l.Evidence.(type) {
	case *catalog.Files:
		return evalFile(l, e, component, n)
	case *catalog.Feature:
		return compare(l, n.Feature(component, e.Name))
	case *catalog.Field:
		return compare(l, n.Field(component, e))
	case *catalog.Setting:
		return compare(l, n.Setting(component, e))
	}
	panic(fmt.Sprintf("analyzer: evidence of type %T", l.Evidence))
}

func evalComposed(t *catalog.Test, component string, n *evidence.Node) outcome {
	list, and := t.All, true
	if len(t.Any) > 0 {
		list, and = t.Any, false
	}
	var o outcome
	var exp, reasons []string
	anyPass, anyFail, anyUndecided := false, false, false
	for _, sub := range list {
		so := evalTest(sub, component, n)
		exp = append(exp, so.expected)
		o.observed = append(o.observed, so.observed...)
		o.cites = appendCites(o.cites, so.cites)
		switch so.state {
		case passed:
			anyPass = true
		case failed:
			anyFail = true
		default:
			anyUndecided = true
			reasons = append(reasons, so.reason)
		}
	}
	sep := " AND "
	if !and {
		sep = " OR "
	}
	o.expected = strings.Join(exp, sep)
	if len(list) > 1 {
		o.expected = "(" + o.expected + ")"
	}
	switch {
	case and && anyFail, !and && !anyPass && !anyUndecided:
		o.state = failed
	case and && !anyUndecided, !and && anyPass:
		o.state = passed
	default:
		o.state = undecided
		o.reason = strings.Join(reasons, "; ")
	}
	return o
}

func appendCites(dst, src []results.Citation) []results.Citation {
next:
	for _, c := range src {
		for _, d := range dst {
			if d == c {
				continue next
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// compare applies a value operator to an observation.
func compare(l *catalog.Leaf, ob evidence.Observation) outcome {
	o := outcome{expected: expectedText(l, ob.Desc), cites: ob.Citations}
	switch ob.State {
	case evidence.Unknown:
		o.state, o.reason = undecided, ob.Reason
		o.observed = []string{ob.Desc + ": " + ob.Reason}
		return o
	case evidence.Unset:
		o.observed = []string{ob.Desc + " is not set"}
		if l.Op == catalog.OpNotSet || l.UnsetPasses {
			o.state = passed
		} else {
			o.state = failed
		}
		return o
	}
	o.observed = []string{fmt.Sprintf("%s=%s", ob.Desc, ob.Value)}
	if l.Op != catalog.OpSet && l.Op != catalog.OpNotSet && redact.ContainsMarker(ob.Value) {
		// The collector kept the setting but not its value: what the value
		// is cannot be known here.
		o.state = undecided
		o.reason = ob.Desc + " is set, but its value was redacted on the node (not a setting the collector keeps)"
		return o
	}
	ok := false
	switch l.Op {
	case catalog.OpSet:
		ok = true
	case catalog.OpNotSet:
		ok = false
	case catalog.OpEq:
		ok = equal(ob.Value, l.Value)
	case catalog.OpNotEq:
		ok = !equal(ob.Value, l.Value)
	case catalog.OpHas:
		ok = hasElement(ob.Value, l.Value)
	case catalog.OpNotHave:
		ok = !hasElement(ob.Value, l.Value)
	case catalog.OpGt, catalog.OpGte, catalog.OpLt, catalog.OpLte:
		got, gok := catalog.ParseNumber(ob.Value)
		want, _ := catalog.ParseNumber(l.Value)
		if !gok {
			o.state, o.reason = failed, fmt.Sprintf("%q is not a number", ob.Value)
			return o
		}
		switch l.Op {
		case catalog.OpGt:
			ok = got > want
		case catalog.OpGte:
			ok = got >= want
		case catalog.OpLt:
			ok = got < want
		case catalog.OpLte:
			ok = got <= want
		}
	case catalog.OpRegex:
		ok = l.Regexp.MatchString(ob.Value)
	case catalog.OpValid:
		ok = validElements(ob.Value, l.Value)
	}
	if ok {
		o.state = passed
	} else {
		o.state = failed
	}
	return o
}

// equal compares a setting's value with the expected one: as booleans
// when both read as booleans the way the components parse them (Go's
// strconv.ParseBool: "False" is false), as text otherwise.
func equal(got, want string) bool {
	if g, err := strconv.ParseBool(got); err == nil {
		if w, err := strconv.ParseBool(want); err == nil {
			return g == w
		}
	}
	return got == want
}

func hasElement(list, want string) bool {
	for _, e := range strings.Split(list, ",") {
		if strings.TrimSpace(e) == want {
			return true
		}
	}
	return false
}

func validElements(list, allowed string) bool {
	for _, e := range strings.Split(list, ",") {
		if e = strings.TrimSpace(e); e != "" && !hasElement(allowed, e) {
			return false
		}
	}
	return true
}

func expectedText(l *catalog.Leaf, desc string) string {
	q := "'" + desc + "'"
	switch l.Op {
	case catalog.OpSet:
		return q + " is set"
	case catalog.OpNotSet:
		return q + " is not set"
	case catalog.OpEq:
		return fmt.Sprintf("%s is equal to '%s'", q, l.Value)
	case catalog.OpNotEq:
		s := fmt.Sprintf("%s is not equal to '%s'", q, l.Value)
		if l.UnsetPasses {
			s += " (or not set)"
		}
		return s
	case catalog.OpHas:
		return fmt.Sprintf("%s has '%s'", q, l.Value)
	case catalog.OpNotHave:
		s := fmt.Sprintf("%s does not have '%s'", q, l.Value)
		if l.UnsetPasses {
			s += " (or not set)"
		}
		return s
	case catalog.OpGt:
		return fmt.Sprintf("%s is greater than %s", q, l.Value)
	case catalog.OpGte:
		return fmt.Sprintf("%s is at least %s", q, l.Value)
	case catalog.OpLt:
		return fmt.Sprintf("%s is less than %s", q, l.Value)
	case catalog.OpLte:
		return fmt.Sprintf("%s is at most %s", q, l.Value)
	case catalog.OpRegex:
		return fmt.Sprintf("%s matches %s", q, l.Value)
	case catalog.OpValid:
		return fmt.Sprintf("every element of %s is one of %s", q, l.Value)
	}
	return q + " " + string(l.Op) + " " + l.Value
}

// evalFile tests the stat records of the files of a file leaf.
func evalFile(l *catalog.Leaf, f *catalog.Files, component string, n *evidence.Node) outcome {
	fs := n.Files(component, f)
	o := outcome{expected: fileExpected(l, fs.Desc), cites: fs.Citations}
	if fs.Unknown != "" {
		o.state, o.reason = undecided, fs.Unknown
		o.observed = []string{fs.Unknown}
		return o
	}
	if len(fs.Paths) == 0 {
		o.observed = []string{"no file: " + fs.Desc}
		if len(fs.Unseen) > 0 {
			// None found, but not every entry could be examined.
			o.state, o.reason = undecided, strings.Join(fs.Unseen, "; ")
			o.observed = append(o.observed, o.reason)
			return o
		}
		return absent(l, o)
	}
	// A file that fails decides; passing files decide nothing while
	// others went unseen.
	allPass, anyUndecided := true, len(fs.Unseen) > 0
	var failures []string
	reasons := fs.Unseen
	for _, p := range fs.Paths {
		st, chain := n.Stat(p)
		for _, link := range chain[:max(0, len(chain)-1)] {
			o.cites = append(o.cites, n.StatCitation(link, "link", link.Link))
		}
		if st == nil {
			if len(fs.Paths) == 1 && len(chain) == 0 {
				o.state, o.reason = undecided, p+" was not collected"
				o.observed = []string{o.reason}
				return o
			}
			anyUndecided = true
			reasons = append(reasons, p+" was not collected")
			continue
		}
		if st.Error != "" {
			o.cites = append(o.cites, n.StatCitation(st, "error", st.Error))
			if st.ErrorKind == "not-exist" && len(fs.Paths) == 1 {
				o.observed = []string{p + " does not exist"}
				return absent(l, o)
			}
			anyUndecided = true
			reasons = append(reasons, fmt.Sprintf("%s: %s", p, st.Error))
			continue
		}
		ok, obs, field := fileTest(l, st)
		o.cites = append(o.cites, n.StatCitation(st, field, obs))
		if !ok {
			allPass = false
			failures = append(failures, fmt.Sprintf("%s %s", st.Path, obs))
		}
		if len(fs.Paths) == 1 {
			o.observed = append(o.observed, obsText(l, obs))
		}
	}
	switch {
	case !allPass:
		o.state = failed
		if len(fs.Paths) > 1 {
			o.observed = append(o.observed, fmt.Sprintf("%d of %d files fail: %s", len(failures), len(fs.Paths), strings.Join(failures, ", ")))
		}
	case anyUndecided:
		o.state, o.reason = undecided, strings.Join(reasons, "; ")
		o.observed = append(o.observed, o.reason)
	default:
		o.state = passed
		if len(fs.Paths) > 1 {
			o.observed = append(o.observed, fmt.Sprintf("all %d files pass", len(fs.Paths)))
		}
	}
	return o
}

func absent(l *catalog.Leaf, o outcome) outcome {
	switch l.Absent {
	case "pass":
		o.state = passed
	case "fail":
		o.state = failed
	default:
		o.state, o.reason = undecided, "no such file on the node: "+strings.Join(o.observed, "; ")
	}
	return o
}

func obsText(l *catalog.Leaf, obs string) string {
	if l.Op == catalog.OpMode {
		return "permissions=" + strings.TrimPrefix(obs, "0")
	}
	return obs
}

func fileExpected(l *catalog.Leaf, desc string) string {
	switch l.Op {
	case catalog.OpMode:
		return fmt.Sprintf("permissions of %s are %s or more restrictive", desc, strings.TrimLeft(l.Value, "0"))
	case catalog.OpOwner:
		return fmt.Sprintf("%s is owned by %s", desc, l.Value)
	}
	return desc + " exists"
}

// fileTest applies a file operator; it returns the observed value and the
// stat field it read.
func fileTest(l *catalog.Leaf, st *bundle.Stat) (bool, string, string) {
	switch l.Op {
	case catalog.OpMode:
		m, err := strconv.ParseUint(st.Mode, 8, 32)
		if err != nil {
			return false, st.Mode, "mode"
		}
		return uint32(m)&^l.Mode == 0, st.Mode, "mode"
	case catalog.OpOwner:
		wu, wg, _ := strings.Cut(l.Value, ":")
		u, g := st.User, st.Group
		uid, gid := "", ""
		if st.UID != nil {
			uid = strconv.Itoa(*st.UID)
		}
		if st.GID != nil {
			gid = strconv.Itoa(*st.GID)
		}
		if u == "" {
			u = uid
		}
		if g == "" {
			g = gid
		}
		ok := (wu == st.User && st.User != "" || wu == uid) && (wg == st.Group && st.Group != "" || wg == gid)
		return ok, u + ":" + g, "owner"
	}
	return true, st.Type, "type"
}

// reviewHint says what the automated reading of a manual check's
// evidence gives, for the person who decides.
func reviewHint(o outcome) string {
	switch o.state {
	case passed:
		return "the evidence cited meets the expected value"
	case failed:
		return "the evidence cited does not meet the expected value"
	}
	if o.reason != "" {
		return "the evidence cited cannot decide it: " + o.reason
	}
	return "the evidence cited cannot decide it"
}
