package analyzer

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/redact"
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
	cites    []Citation
}

// evaluate returns the verdict of check on node (Evaluate bounds it).
func evaluate(check *Check, n *Node) Result {
	r := Result{Check: check}
	if !n.Runs(check.Component) {
		r.Status = NA
		r.Reason = check.Component + " does not run on this node"
		r.Observed = "no " + check.Component + " process in the bundle"
		r.Citations = []Citation{n.processesCitation("components: " + strings.Join(n.Manifest.Host.Components, ","))}
		return r
	}
	if check.Test == nil {
		r.Status = Warn
		r.Reason = "manual review: the benchmark gives no automated test"
		r.Expected = "manual review"
		if p, _ := n.process(check.Component); p != nil {
			r.Citations = []Citation{n.argvCitation(p, -1, fmt.Sprintf("%s runs (pid %d, %s)", check.Component, p.PID, arguments(p)))}
		}
		return r
	}
	o := evalTest(check.Test, check.Component, n)
	r.Expected = o.expected
	r.Observed = strings.Join(o.observed, "; ")
	r.Citations = o.cites
	switch {
	case check.Review:
		r.Status = Warn
		r.Reason = "manual review: the evidence below is for the reviewer, it decides nothing alone"
	case o.state == passed:
		r.Status = Pass
	case o.state == failed && !check.Scored:
		// As kube-bench does: an unscored recommendation that fails its
		// test asks for review rather than failing the audit.
		r.Status = Warn
		r.Reason = "not scored: the test failed, review whether it applies"
	case o.state == failed:
		r.Status = Fail
	default:
		r.Status = Warn
		r.Reason = o.reason
	}
	return r
}

func evalTest(t *Test, component string, n *Node) outcome {
	if len(t.All) > 0 || len(t.Any) > 0 {
		return evalComposed(t, component, n)
	}
	if t.Component != "" {
		component = t.Component
	}
	switch {
	case t.File != nil:
		return evalFile(t, component, n)
	case t.Feature != "":
		return evalFeature(t, component, n)
	default:
		return evalSetting(t, component, n)
	}
}

func evalComposed(t *Test, component string, n *Node) outcome {
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

func appendCites(dst, src []Citation) []Citation {
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

// setting is the value of a flag, a config field, or both with the
// component's precedence (the flag wins).
type setting struct {
	value string
	set   bool
	desc  string // how it reads in expected and observed text
	cites []Citation
	err   string // why it could not be read
}

func (n *Node) setting(component, flagName, field string) setting {
	var s setting
	var p *bundle.Process
	if flagName != "" {
		s.desc = "--" + flagName
		val, occ, proc := n.flag(component, flagName)
		p = proc
		if len(occ) > 0 {
			s.value, s.set = val, true
			cited, omitted := citedOccurrences(occ)
			for i, o := range cited {
				if omitted > 0 && i == maxFlagCitations/2 {
					s.cites = append(s.cites, n.argvCitation(p, -1, fmt.Sprintf("--%s given %d times; %d occurrences between these are not cited", flagName, len(occ), omitted)))
				}
				s.cites = append(s.cites, n.argvCitation(p, o.index, occObserved(p, o)))
			}
			return s
		}
		if p != nil && field == "" {
			s.cites = append(s.cites, n.argvCitation(p, -1, fmt.Sprintf("--%s not set among its %s", flagName, arguments(p))))
		}
	}
	if field == "" {
		return s
	}
	if s.desc != "" {
		s.desc += " or "
	}
	s.desc += field
	if p == nil {
		p, _ = n.process(component)
	}
	cfgPath, occ, _ := n.flag(component, "config")
	if len(occ) == 0 {
		// No config file: the setting is unset; the command line shows it.
		if p != nil {
			what := "no --config"
			if flagName != "" {
				what = fmt.Sprintf("neither --%s nor --config", flagName)
			}
			s.cites = append(s.cites, n.argvCitation(p, -1, fmt.Sprintf("%s among its %s", what, arguments(p))))
		}
		return s
	}
	if p != nil && flagName != "" {
		s.cites = append(s.cites, n.argvCitation(p, -1, fmt.Sprintf("--%s not set; --config=%s", flagName, cfgPath)))
	}
	doc := n.config(cfgPath)
	if doc.err != nil {
		s.err = doc.err.Error()
		if n.unverified[doc.member] {
			// The copy was there and failed verification: cite it, so the
			// verdict is marked as resting on it.
			s.cites = append(s.cites, Citation{Bundle: n.Digest, Node: n.Name, Member: doc.member, MemberSHA256: n.memberDigest(doc.member),
				Locator: "copy of " + cfgPath, Observed: "failed verification, not read"})
		} else if pr := n.readProblem(cfgPath); pr != nil {
			s.cites = append(s.cites, n.problemCitation(pr))
		} else if st := n.stats[cfgPath]; st != nil {
			s.cites = append(s.cites, n.statCitation(st, "error", st.Error))
		}
		return s
	}
	val, line, ok := doc.lookup(field)
	c := Citation{Bundle: n.Digest, Node: n.Name, Member: doc.member, MemberSHA256: n.memberDigest(doc.member)}
	if ok {
		s.value, s.set = val, true
		c.Locator = fmt.Sprintf("%s (line %d)", field, line)
		c.Observed = val
	} else {
		c.Locator = field
		c.Observed = "not present in " + cfgPath
	}
	s.cites = append(s.cites, c)
	return s
}

func evalSetting(t *Test, component string, n *Node) outcome {
	s := n.setting(component, t.Flag, t.Config)
	return compare(t, s)
}

func evalFeature(t *Test, component string, n *Node) outcome {
	s := setting{desc: "feature gate " + t.Feature}
	_, occ, p := n.flag(component, "feature-gates")
	found := false
	for _, o := range occ {
		for _, item := range strings.Split(o.value, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(item), "=")
			if k == t.Feature {
				s.value, s.set, found = v, true, true
				s.cites = append(s.cites, n.argvCitation(p, o.index, occObserved(p, o)))
			}
		}
	}
	if !found {
		fs := n.setting(component, "", "featureGates."+t.Feature)
		if fs.set || fs.err != "" || len(fs.cites) > 0 {
			fs.desc = s.desc
			if p != nil {
				fs.cites = append([]Citation{n.argvCitation(p, -1, fmt.Sprintf("%s not in --feature-gates among its %s", t.Feature, arguments(p)))}, fs.cites...)
			}
			s = fs
		}
	}
	return compare(t, s)
}

// compare applies a value operator to a setting.
func compare(t *Test, s setting) outcome {
	o := outcome{expected: expectedText(t, s.desc), cites: s.cites}
	if s.set {
		o.observed = []string{fmt.Sprintf("%s=%s", s.desc, s.value)}
	} else {
		o.observed = []string{s.desc + " is not set"}
	}
	if s.err != "" {
		o.state, o.reason = undecided, s.err
		o.observed = []string{s.desc + ": " + s.err}
		return o
	}
	if !s.set {
		switch {
		case t.Op == "notset", t.Unset == "pass":
			o.state = passed
		default:
			o.state = failed
		}
		return o
	}
	if t.Op != "set" && t.Op != "notset" && redact.ContainsMarker(s.value) {
		// The collector kept the flag but not its value: what the value
		// is cannot be known here.
		o.state = undecided
		o.reason = s.desc + " is set, but its value was redacted on the node (not a setting the collector keeps)"
		return o
	}
	ok := false
	switch t.Op {
	case "set":
		ok = true
	case "notset":
		ok = false
	case "eq":
		ok = s.value == t.Value
	case "noteq":
		ok = s.value != t.Value
	case "has":
		ok = hasElement(s.value, t.Value)
	case "nothave":
		ok = !hasElement(s.value, t.Value)
	case "gt", "gte", "lt", "lte":
		got, gok := parseNumber(s.value)
		want, _ := parseNumber(t.Value)
		if !gok {
			o.state, o.reason = failed, fmt.Sprintf("%q is not a number", s.value)
			return o
		}
		switch t.Op {
		case "gt":
			ok = got > want
		case "gte":
			ok = got >= want
		case "lt":
			ok = got < want
		case "lte":
			ok = got <= want
		}
	case "regex":
		ok = t.re.MatchString(s.value)
	case "valid":
		ok = validElements(s.value, t.Value)
	}
	if ok {
		o.state = passed
	} else {
		o.state = failed
	}
	return o
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

// parseNumber reads an integer, a decimal or a Go duration (as seconds).
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, true
	}
	if d, err := time.ParseDuration(s); err == nil {
		return d.Seconds(), true
	}
	return 0, false
}

func expectedText(t *Test, desc string) string {
	q := "'" + desc + "'"
	switch t.Op {
	case "set":
		return q + " is set"
	case "notset":
		return q + " is not set"
	case "eq":
		return fmt.Sprintf("%s is equal to '%s'", q, t.Value)
	case "noteq":
		s := fmt.Sprintf("%s is not equal to '%s'", q, t.Value)
		if t.Unset == "pass" {
			s += " (or not set)"
		}
		return s
	case "has":
		return fmt.Sprintf("%s has '%s'", q, t.Value)
	case "nothave":
		s := fmt.Sprintf("%s does not have '%s'", q, t.Value)
		if t.Unset == "pass" {
			s += " (or not set)"
		}
		return s
	case "gt":
		return fmt.Sprintf("%s is greater than %s", q, t.Value)
	case "gte":
		return fmt.Sprintf("%s is at least %s", q, t.Value)
	case "lt":
		return fmt.Sprintf("%s is less than %s", q, t.Value)
	case "lte":
		return fmt.Sprintf("%s is at most %s", q, t.Value)
	case "regex":
		return fmt.Sprintf("%s matches %s", q, t.Value)
	case "valid":
		return fmt.Sprintf("every element of %s is one of %s", q, t.Value)
	}
	return q + " " + t.Op + " " + t.Value
}

// evalFile resolves the files of a file leaf and tests their stat records.
func evalFile(t *Test, component string, n *Node) outcome {
	f := t.File
	var o outcome
	var targets []string
	var desc string
	var unseen []string // what the collection could not examine under f.Under
	switch {
	case f.Under != "":
		desc = f.Under
		if f.Name != "" {
			desc += "/**/" + f.Name
		}
		for i := range n.statList {
			st := &n.statList[i]
			if st.Error != "" || st.Type == bundle.TypeSymlink {
				continue
			}
			if st.Path == f.Under {
				if f.Self {
					targets = append(targets, st.Path)
				}
				continue
			}
			if !strings.HasPrefix(st.Path, f.Under+"/") {
				continue
			}
			if f.Name != "" {
				if ok, _ := path.Match(f.Name, path.Base(st.Path)); !ok {
					continue
				}
			}
			targets = append(targets, st.Path)
		}
		if _, ok := n.stats[f.Under]; !ok {
			o.expected = fileExpected(t, desc)
			o.state, o.reason = undecided, f.Under+" was not collected"
			o.observed = []string{o.reason}
			return o
		}
		var cites []Citation
		unseen, cites = n.unseenUnder(f.Under)
		o.cites = append(o.cites, cites...)
	default:
		p := ""
		if f.Flag != "" || f.Config != "" {
			s := n.setting(component, f.Flag, f.Config)
			o.cites = append(o.cites, s.cites...)
			if s.err != "" {
				o.expected = fileExpected(t, "the file named by "+s.desc)
				o.state, o.reason = undecided, s.err
				o.observed = []string{s.err}
				return o
			}
			if s.set {
				p = s.value
				desc = p
			} else {
				desc = "the file named by " + s.desc
			}
		}
		if p == "" && len(f.Paths) > 0 {
			for _, c := range f.Paths {
				if st, _ := n.stat(c); st != nil && st.Error == "" {
					p = c
					break
				}
			}
			if p == "" {
				desc = strings.Join(f.Paths, " or ")
				for _, c := range f.Paths {
					if st := n.stats[c]; st != nil {
						o.cites = append(o.cites, n.statCitation(st, "error", st.Error))
						if st.ErrorKind != "not-exist" {
							o.expected = fileExpected(t, c)
							o.state, o.reason = undecided, fmt.Sprintf("%s could not be examined: %s", c, st.Error)
							o.observed = []string{o.reason}
							return o
						}
					}
				}
			}
		}
		if p == "" && f.Default != "" {
			p = f.Default
		}
		if p != "" {
			targets = []string{p}
			desc = p
		}
	}
	o.expected = fileExpected(t, desc)
	if len(targets) == 0 {
		o.observed = []string{"no file: " + desc}
		if len(unseen) > 0 {
			// None found, but not every entry could be examined.
			o.state, o.reason = undecided, strings.Join(unseen, "; ")
			o.observed = append(o.observed, o.reason)
			return o
		}
		return absent(t, o)
	}
	// A file that fails decides; passing files decide nothing while
	// others went unseen.
	allPass, anyUndecided := true, len(unseen) > 0
	var failures []string
	reasons := unseen
	for _, p := range targets {
		st, chain := n.stat(p)
		for _, link := range chain[:max(0, len(chain)-1)] {
			o.cites = append(o.cites, n.statCitation(link, "link", link.Link))
		}
		if st == nil {
			if len(targets) == 1 {
				if rec := n.stats[p]; rec == nil && len(chain) == 0 {
					o.state, o.reason = undecided, p+" was not collected"
					o.observed = []string{o.reason}
					return o
				}
			}
			anyUndecided = true
			reasons = append(reasons, p+" was not collected")
			continue
		}
		if st.Error != "" {
			o.cites = append(o.cites, n.statCitation(st, "error", st.Error))
			if st.ErrorKind == "not-exist" && len(targets) == 1 {
				o.observed = []string{p + " does not exist"}
				return absent(t, o)
			}
			anyUndecided = true
			reasons = append(reasons, fmt.Sprintf("%s: %s", p, st.Error))
			continue
		}
		ok, obs, field := fileTest(t, st)
		o.cites = append(o.cites, n.statCitation(st, field, obs))
		if !ok {
			allPass = false
			failures = append(failures, fmt.Sprintf("%s %s", st.Path, obs))
		}
		if len(targets) == 1 {
			o.observed = append(o.observed, obsText(t, obs))
		}
	}
	switch {
	case !allPass:
		o.state = failed
		if len(targets) > 1 {
			o.observed = append(o.observed, fmt.Sprintf("%d of %d files fail: %s", len(failures), len(targets), strings.Join(failures, ", ")))
		}
	case anyUndecided:
		o.state, o.reason = undecided, strings.Join(reasons, "; ")
		o.observed = append(o.observed, o.reason)
	default:
		o.state = passed
		if len(targets) > 1 {
			o.observed = append(o.observed, fmt.Sprintf("all %d files pass", len(targets)))
		}
	}
	return o
}

// unseenUnder returns what the collection could not examine below dir,
// with citations: a directory it could not list, an entry it could not
// stat, or a path limit or time limit that ended it early. A scan of dir's
// entries is then incomplete, and can fail a check but never pass it.
func (n *Node) unseenUnder(dir string) ([]string, []Citation) {
	var reasons []string
	var cites []Citation
	for _, p := range n.problems {
		switch {
		case p.Kind == "limit" && (p.Op == "stat" || p.Op == "collect"):
			reasons = append(reasons, "the collection stopped early: "+p.Message)
		case p.Op == "readdir" && p.Kind != "not-exist" && (p.Path == dir || strings.HasPrefix(p.Path, dir+"/")):
			reasons = append(reasons, fmt.Sprintf("%s could not be listed: %s", p.Path, p.Message))
		default:
			continue
		}
		cites = append(cites, Citation{Bundle: n.Digest, Node: n.Name, Member: bundle.ProblemsPath, MemberSHA256: n.memberDigest(bundle.ProblemsPath),
			Locator: strings.TrimSpace(p.Path + " " + p.Op), Observed: p.Kind + ": " + p.Message})
	}
	var first *bundle.Stat
	errs := 0
	for i := range n.statList {
		st := &n.statList[i]
		if st.Error != "" && st.ErrorKind != "not-exist" && strings.HasPrefix(st.Path, dir+"/") {
			if errs++; first == nil {
				first = st
			}
			cites = append(cites, n.statCitation(st, "error", st.Error))
		}
	}
	switch {
	case errs == 1:
		reasons = append(reasons, fmt.Sprintf("%s could not be examined: %s", first.Path, first.Error))
	case errs > 1:
		reasons = append(reasons, fmt.Sprintf("%d entries under %s could not be examined (%s: %s, …)", errs, dir, first.Path, first.Error))
	}
	return reasons, cites
}

func absent(t *Test, o outcome) outcome {
	switch t.Absent {
	case "pass":
		o.state = passed
	case "fail":
		o.state = failed
	default:
		o.state, o.reason = undecided, "no such file on the node: "+strings.Join(o.observed, "; ")
	}
	return o
}

func obsText(t *Test, obs string) string {
	switch t.Op {
	case "mode":
		return "permissions=" + strings.TrimPrefix(obs, "0")
	}
	return obs
}

func fileExpected(t *Test, desc string) string {
	switch t.Op {
	case "mode":
		return fmt.Sprintf("permissions of %s are %s or more restrictive", desc, strings.TrimLeft(t.Value, "0"))
	case "owner":
		return fmt.Sprintf("%s is owned by %s", desc, t.Value)
	}
	return desc + " exists"
}

// fileTest applies a file operator; it returns the observed value and the
// stat field it read.
func fileTest(t *Test, st *bundle.Stat) (bool, string, string) {
	switch t.Op {
	case "mode":
		m, err := strconv.ParseUint(st.Mode, 8, 32)
		if err != nil {
			return false, st.Mode, "mode"
		}
		return uint32(m)&^t.mode == 0, st.Mode, "mode"
	case "owner":
		wu, wg, _ := strings.Cut(t.Value, ":")
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

func (n *Node) statCitation(st *bundle.Stat, field, observed string) Citation {
	return Citation{Bundle: n.Digest, Node: n.Name, Member: bundle.StatPath, MemberSHA256: n.memberDigest(bundle.StatPath),
		Locator: st.Path + " " + field, Observed: observed}
}

// arguments says how long a command line is: citations quote what a
// check read of it, never the whole of it.
func arguments(p *bundle.Process) string {
	if len(p.Argv) == 2 {
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", max(len(p.Argv)-1, 0))
}

// occObserved quotes one occurrence of a flag as the command line holds
// it: "--name=value", or "--name value" when the value is the next
// argument.
func occObserved(p *bundle.Process, o flagOcc) string {
	a := p.Argv[o.index]
	if !o.bare && !strings.Contains(a, "=") && o.index+1 < len(p.Argv) {
		return a + " " + p.Argv[o.index+1]
	}
	return a
}

func (n *Node) argvCitation(p *bundle.Process, index int, observed string) Citation {
	loc := fmt.Sprintf("pid %d %s argv", p.PID, p.Component)
	if index >= 0 {
		loc = fmt.Sprintf("pid %d %s argv[%d]", p.PID, p.Component, index)
	}
	return Citation{Bundle: n.Digest, Node: n.Name, Member: bundle.ProcessesPath, MemberSHA256: n.memberDigest(bundle.ProcessesPath),
		Locator: loc, Observed: observed}
}

func (n *Node) processesCitation(observed string) Citation {
	return Citation{Bundle: n.Digest, Node: n.Name, Member: bundle.ProcessesPath, MemberSHA256: n.memberDigest(bundle.ProcessesPath),
		Locator: "processes", Observed: observed}
}

func (n *Node) problemCitation(pr *bundle.Problem) Citation {
	return Citation{Bundle: n.Digest, Node: n.Name, Member: bundle.ProblemsPath, MemberSHA256: n.memberDigest(bundle.ProblemsPath),
		Locator: pr.Path + " " + pr.Op, Observed: pr.Message + " (" + pr.Kind + ")"}
}
