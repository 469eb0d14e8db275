package analyzer

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/results"
)

// TestCitationsDecide (issue 15): a citation must support the verdict it
// is attached to. For every check of every benchmark on every fixture
// bundle, each leaf's citations are re-read from the cited member at the
// cited locator — by this test's own reading of the member's JSON or
// YAML, not the evidence package's — and must hold the observed value
// they quote; the values re-read then decide each leaf, and the leaves
// the check, as the engine decided them.
func TestCitationsDecide(t *testing.T) {
	decided := 0
	for _, file := range fixtureBundles(t) {
		b, err := bundle.Open(file, bundle.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		n, err := evidence.NewNode(file, b)
		if err != nil {
			t.Fatal(err)
		}
		rr := newRereader(t, b)
		for _, bm := range catalog.Benchmarks() {
			cat, err := catalog.LoadEmbedded(bm)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range cat.Sections {
				for _, g := range s.Groups {
					for _, c := range g.Checks {
						r := evaluate(c, n)
						where := fmt.Sprintf("%s %s %s %s", file, bm, s.Target, c.ID)
						for _, ci := range r.Citations {
							if err := rr.check(ci); err != nil {
								t.Errorf("%s: citation %s %q: %v", where, ci.Locator, ci.Observed, err)
							}
						}
						if c.Test == nil || r.Status != results.Pass && r.Status != results.Fail {
							continue
						}
						got, err := rr.decide(c.Test, c.Component, n)
						if err != nil {
							t.Errorf("%s (%s): %v", where, r.Status, err)
							continue
						}
						want := map[results.Status]state{results.Pass: passed, results.Fail: failed}[r.Status]
						if got != want {
							t.Errorf("%s: %s, but its citations decide %v (observed %q)", where, r.Status, got, r.Observed)
						}
						decided++
					}
				}
			}
		}
	}
	if decided < 10000 {
		t.Errorf("only %d verdicts decided by their citations", decided)
	}
}

// rereader reads the members of a bundle for TestCitationsDecide.
type rereader struct {
	t     *testing.T
	b     *bundle.Bundle
	procs map[int]struct{ Argv, Env []string }
	stats map[string]rawStat
	docs  map[string]*yamlv3.Node
}

type rawStat struct {
	Type      string `json:"type"`
	Mode      string `json:"mode"`
	UID       *int   `json:"uid"`
	GID       *int   `json:"gid"`
	User      string `json:"user"`
	Group     string `json:"group"`
	Link      string `json:"link"`
	Error     string `json:"error"`
	ErrorKind string `json:"error_kind"`
}

func newRereader(t *testing.T, b *bundle.Bundle) *rereader {
	rr := &rereader{t: t, b: b, procs: map[int]struct{ Argv, Env []string }{}, stats: map[string]rawStat{}, docs: map[string]*yamlv3.Node{}}
	var procs struct {
		Processes []struct {
			PID  int      `json:"pid"`
			Argv []string `json:"argv"`
			Env  []string `json:"env"`
		} `json:"processes"`
	}
	rr.decode(bundle.ProcessesPath, &procs)
	for _, p := range procs.Processes {
		rr.procs[p.PID] = struct{ Argv, Env []string }{p.Argv, p.Env}
	}
	var stats struct {
		Files []json.RawMessage `json:"files"`
	}
	rr.decode(bundle.StatPath, &stats)
	for _, raw := range stats.Files {
		var p struct {
			Path string `json:"path"`
		}
		var st rawStat
		if json.Unmarshal(raw, &p) != nil || json.Unmarshal(raw, &st) != nil {
			t.Fatalf("a stat record: %s", raw)
		}
		rr.stats[p.Path] = st
	}
	return rr
}

func (rr *rereader) decode(member string, v any) {
	data, ok := rr.b.Member(member)
	if !ok {
		rr.t.Fatalf("no member %s", member)
	}
	if err := json.Unmarshal(data, v); err != nil {
		rr.t.Fatalf("%s: %v", member, err)
	}
}

func (rr *rereader) doc(member string) (*yamlv3.Node, error) {
	if d, ok := rr.docs[member]; ok {
		return d, nil
	}
	data, ok := rr.b.Member(member)
	if !ok {
		return nil, fmt.Errorf("no member %s", member)
	}
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %v", member, err)
	}
	d := &root
	if d.Kind == yamlv3.DocumentNode && len(d.Content) > 0 {
		d = d.Content[0]
	}
	rr.docs[member] = d
	return d, nil
}

var (
	argvLoc   = regexp.MustCompile(`^pid (\d+) \S+ (argv|env)(?:\[(\d+)\])?$`)
	notAmong  = regexp.MustCompile(`^(.*) among its (\d+) (?:arguments?|variables)(?:; --config=(.*))?$`)
	notFlag   = regexp.MustCompile(`^(?:--(\S+) not set|neither --(\S+) nor --config|no --config|(\S+) not in --feature-gates)$`)
	notEnv    = regexp.MustCompile(`^\$(\S+) not set$`)
	lineLoc   = regexp.MustCompile(`^(.+) \(line (\d+)\)$`)
	notInFile = regexp.MustCompile(`^not present in (.+)$`)
	// A configuration file's API default, where no file the component
	// reads sets the field.
	fileDefault = regexp.MustCompile(`^not set in any configuration file \S+ reads: the configuration's default, (.*), applies$`)
)

// check re-reads a citation's member at its locator and compares what is
// there with the observed value it quotes.
func (rr *rereader) check(c results.Citation) error {
	if c.Member != bundle.ManifestPath {
		if d, ok := rr.b.MemberDigest(c.Member); !ok || results.Digest(d.String()) != c.MemberSHA256 {
			return fmt.Errorf("member %s with digest %s: not the bundle's", c.Member, c.MemberSHA256)
		}
	}
	switch {
	case c.Member == bundle.ProcessesPath:
		return rr.checkProcess(c)
	case c.Member == bundle.StatPath:
		return rr.checkStat(c)
	case strings.HasPrefix(c.Member, "files/"):
		return rr.checkField(c)
	}
	return nil // the manifest's host facts, the collector's problems
}

func (rr *rereader) checkProcess(c results.Citation) error {
	if c.Locator == "processes" {
		return nil
	}
	m := argvLoc.FindStringSubmatch(c.Locator)
	if m == nil {
		return fmt.Errorf("unknown locator")
	}
	pid, _ := strconv.Atoi(m[1])
	p, ok := rr.procs[pid]
	if !ok {
		return fmt.Errorf("no process %d", pid)
	}
	list := p.Argv
	if m[2] == "env" {
		list = p.Env
	}
	if m[3] != "" {
		i, _ := strconv.Atoi(m[3])
		if i >= len(list) {
			return fmt.Errorf("%s has %d elements", m[2], len(list))
		}
		if c.Observed == list[i] || i+1 < len(list) && c.Observed == list[i]+" "+list[i+1] {
			return nil
		}
		return fmt.Errorf("%s[%d] is %q", m[2], i, list[i])
	}
	// The whole command line or environment: what is not in it.
	if strings.Contains(c.Observed, " runs (pid ") {
		return nil
	}
	if strings.Contains(c.Observed, " occurrences between these are not cited") {
		return nil
	}
	a := notAmong.FindStringSubmatch(c.Observed)
	if a == nil {
		return fmt.Errorf("unknown observation")
	}
	count, _ := strconv.Atoi(a[2])
	if m[2] == "argv" {
		count++
	}
	if count != len(list) {
		return fmt.Errorf("%s has %d elements, the citation says %d", m[2], len(list), count)
	}
	if m[2] == "env" {
		e := notEnv.FindStringSubmatch(a[1])
		if e == nil {
			return fmt.Errorf("unknown observation")
		}
		for _, kv := range list {
			if strings.HasPrefix(kv, e[1]+"=") {
				return fmt.Errorf("$%s is set: %q", e[1], kv)
			}
		}
		return nil
	}
	f := notFlag.FindStringSubmatch(a[1])
	if f == nil {
		return fmt.Errorf("unknown observation")
	}
	var absent []string
	switch {
	case f[1] != "":
		absent = []string{f[1]}
	case f[2] != "":
		absent = []string{f[2], "config"}
	case f[3] != "":
		for _, arg := range list[1:] {
			if name, value := flagValue(arg); name == "feature-gates" && gateValue(value, f[3]) != nil {
				return fmt.Errorf("feature gate %s is set: %q", f[3], arg)
			}
		}
	default:
		absent = []string{"config"}
	}
	for _, arg := range list[1:] {
		for _, name := range absent {
			if n, _ := flagValue(arg); n == name {
				return fmt.Errorf("--%s is set: %q", name, arg)
			}
		}
	}
	if a[3] != "" && !slicesContainsFlag(list[1:], "config", a[3]) {
		return fmt.Errorf("no --config=%s", a[3])
	}
	return nil
}

func slicesContainsFlag(args []string, name, value string) bool {
	for i, arg := range args {
		if n, v := flagValue(arg); n == name && (v == value || v == "" && i+1 < len(args) && args[i+1] == value) {
			return true
		}
	}
	return false
}

// flagValue splits "--name=value" (or -name=value); a bare flag has the
// value "".
func flagValue(arg string) (string, string) {
	if !strings.HasPrefix(arg, "-") {
		return "", ""
	}
	name, value, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	return name, value
}

// gateValue returns the value of a gate in a --feature-gates list.
func gateValue(list, gate string) *string {
	var v *string
	for _, item := range strings.Split(list, ",") {
		if k, val, ok := strings.Cut(strings.TrimSpace(item), "="); ok && k == gate {
			v = &val
		}
	}
	return v
}

func (rr *rereader) checkStat(c results.Citation) error {
	i := strings.LastIndexByte(c.Locator, ' ')
	if i < 0 {
		return fmt.Errorf("unknown locator")
	}
	p, field := c.Locator[:i], c.Locator[i+1:]
	st, ok := rr.stats[p]
	if !ok {
		return fmt.Errorf("no stat record of %s", p)
	}
	var got string
	switch field {
	case "mode":
		got = st.Mode
	case "owner":
		got = owner(st)
	case "type":
		got = st.Type
	case "error":
		got = st.Error
	case "link":
		got = st.Link
	case "entries":
		what, ok := strings.CutPrefix(c.Observed, "listed; no ")
		if !ok || st.Type != bundle.TypeDir {
			return fmt.Errorf("not a listing of a directory")
		}
		// "listed; no NAME" (a file of the directory), or of a walk
		// "listed; no [PATTERN ]TYPE" (nothing under it matches).
		if !strings.Contains(what, " ") && what != "entry" && what != "file" && what != "dir" {
			if _, ok := rr.stats[p+"/"+what]; ok {
				return fmt.Errorf("%s/%s has a record", p, what)
			}
			return nil
		}
		pattern, typ, _ := cutLast(what, ' ')
		if !strings.Contains(what, " ") {
			pattern, typ = "", what
		}
		for q, e := range rr.stats {
			if !strings.HasPrefix(q, p+"/") || e.Error != "" || e.Type == bundle.TypeSymlink || typ != "entry" && e.Type != typ {
				continue
			}
			if ok, _ := path.Match(pattern, path.Base(q)); pattern == "" || ok {
				return fmt.Errorf("%s is under it", q)
			}
		}
		return nil
	default:
		return fmt.Errorf("unknown stat field %q", field)
	}
	if got != c.Observed {
		return fmt.Errorf("the record's %s is %q", field, got)
	}
	return nil
}

func owner(st rawStat) string {
	u, g := st.User, st.Group
	if u == "" && st.UID != nil {
		u = strconv.Itoa(*st.UID)
	}
	if g == "" && st.GID != nil {
		g = strconv.Itoa(*st.GID)
	}
	return u + ":" + g
}

func (rr *rereader) checkField(c results.Citation) error {
	d, err := rr.doc(c.Member)
	if err != nil {
		return err
	}
	if m := lineLoc.FindStringSubmatch(c.Locator); m != nil {
		line, _ := strconv.Atoi(m[2])
		segs := strings.Split(m[1], ".")
		last := strings.TrimSuffix(strings.TrimSuffix(segs[len(segs)-1], "[]"), "[0]")
		found := false
		walkPairs(d, func(k, v *yamlv3.Node) {
			switch {
			case last == "~":
				// Keys of a mapping: the value quoted is the keys found,
				// the first of them on the line.
				if k.Line == line && strings.Contains(","+c.Observed+",", ","+k.Value+",") {
					found = true
				}
			case k.Value == last && v.Line == line && (render(v) == c.Observed || strings.HasPrefix(c.Observed, render(v))):
				found = true
			}
		})
		if !found {
			return fmt.Errorf("no %s of value %q at line %d", last, c.Observed, line)
		}
		return nil
	}
	if notInFile.MatchString(c.Observed) || fileDefault.MatchString(c.Observed) {
		if lookup(d, c.Locator) {
			return fmt.Errorf("%s is present", c.Locator)
		}
		return nil
	}
	return fmt.Errorf("unknown locator")
}

// walkPairs calls fn with every key and value of every mapping.
func walkPairs(n *yamlv3.Node, fn func(k, v *yamlv3.Node)) {
	if n.Kind == yamlv3.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			fn(n.Content[i], n.Content[i+1])
		}
	}
	for _, c := range n.Content {
		walkPairs(c, fn)
	}
}

// render is a value as a citation quotes it: scalars as they are, a
// sequence's items and a mapping's key=value pairs joined by commas.
func render(n *yamlv3.Node) string {
	var vals []string
	switch n.Kind {
	case yamlv3.ScalarNode:
		return n.Value
	case yamlv3.SequenceNode:
		for _, c := range n.Content {
			vals = append(vals, c.Value)
		}
	case yamlv3.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			vals = append(vals, n.Content[i].Value+"="+n.Content[i+1].Value)
		}
	}
	return strings.Join(vals, ",")
}

// lookup reports whether a dotted path of plain keys is present.
func lookup(n *yamlv3.Node, dotted string) bool {
	for _, key := range strings.Split(dotted, ".") {
		if n.Kind != yamlv3.MappingNode {
			return false
		}
		var next *yamlv3.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return false
		}
		n = next
	}
	return true
}

// accumulating are the flags whose occurrences add up (the components'
// string-slice and map flags); the last occurrence of any other counts.
var accumulating = map[string]bool{
	"enable-admission-plugins": true, "disable-admission-plugins": true, "authorization-mode": true,
	"tls-cipher-suites": true, "feature-gates": true, "admission-control": true,
}

// decide decides a test from what its citations quote (each checked by
// check): the values they show, or the absence they show, put to the
// leaf's operator; leaves composed with and/or over three states.
func (rr *rereader) decide(t *catalog.Test, component string, n *evidence.Node) (state, error) {
	if len(t.All) > 0 || len(t.Any) > 0 {
		list, and := t.All, true
		if len(t.Any) > 0 {
			list, and = t.Any, false
		}
		anyPass, anyFail, anyUndecided := false, false, false
		for _, sub := range list {
			s, err := rr.decide(sub, component, n)
			if err != nil {
				return undecided, err
			}
			switch s {
			case passed:
				anyPass = true
			case failed:
				anyFail = true
			default:
				anyUndecided = true
			}
		}
		switch {
		case and && anyFail, !and && !anyPass && !anyUndecided:
			return failed, nil
		case and && !anyUndecided, !and && anyPass:
			return passed, nil
		}
		return undecided, nil
	}
	// The engine's outcome of the leaf gives its citations; its state is
	// what the citations must give again.
	o := evalTest(t, component, n)
	if o.state == undecided {
		return undecided, nil
	}
	l := t.Leaf
	var got state
	var err error
	if f, ok := l.Evidence.(*catalog.Files); ok {
		got, err = rr.decideFile(l, f, o.cites)
	} else {
		got, err = rr.decideValue(l, o.cites)
	}
	if err != nil {
		return undecided, fmt.Errorf("%s: %v", o.expected, err)
	}
	if got != o.state {
		return got, fmt.Errorf("%s: the leaf is %v, its citations %+v decide %v", o.expected, o.state, o.cites, got)
	}
	return got, nil
}

// decideValue decides a setting, feature gate or field leaf from the
// values its citations quote, or from the absence they show.
func (rr *rereader) decideValue(l *catalog.Leaf, cites []results.Citation) (state, error) {
	var name, gate string
	switch e := l.Evidence.(type) {
	case *catalog.Setting:
		name = e.Flag
	case *catalog.Feature:
		name, gate = "feature-gates", e.Name
	}
	var values []string
	absent := false
	for _, c := range cites {
		switch {
		case c.Member == bundle.ProcessesPath && strings.Contains(c.Locator, "argv["):
			arg, _, _ := strings.Cut(c.Observed, " ")
			k, v := flagValue(arg)
			if arg != c.Observed {
				v = c.Observed[len(arg)+1:]
			} else if !strings.Contains(arg, "=") {
				v = "true"
			}
			if k != name {
				// A component embedded in another (k3s): --kube-apiserver-arg=name=value.
				inner, val, _ := strings.Cut(strings.TrimLeft(v, "-"), "=")
				if inner != name || name == "" {
					continue // the flag that names a file, not the setting
				}
				v = val
			}
			if gate != "" {
				g := gateValue(v, gate)
				if g == nil {
					continue
				}
				v = *g
			}
			values = append(values, v)
		case c.Member == bundle.ProcessesPath && strings.Contains(c.Locator, "env["):
			_, v, _ := strings.Cut(c.Observed, "=")
			values = append(values, v)
		case strings.HasPrefix(c.Member, "files/") && lineLoc.MatchString(c.Locator):
			values = append(values, c.Observed)
		case strings.HasPrefix(c.Member, "files/") && fileDefault.MatchString(c.Observed):
			// Shown absent from every file read (by their own
			// citations): the default the citation names.
			values = append(values, fileDefault.FindStringSubmatch(c.Observed)[1])
		case strings.Contains(c.Observed, " not set among ") || strings.Contains(c.Observed, " not in --feature-gates ") ||
			strings.Contains(c.Observed, "nor --config among") || strings.HasPrefix(c.Observed, "not present in "):
			absent = true
		}
	}
	ob := evidence.Observation{Desc: "--" + name}
	switch {
	case len(values) > 0 && accumulating[name] && gate == "":
		ob.State, ob.Value = evidence.Set, strings.Join(values, ",")
	case len(values) > 0:
		ob.State, ob.Value = evidence.Set, values[len(values)-1]
	case absent:
		ob.State = evidence.Unset
	default:
		return undecided, fmt.Errorf("no citation shows the value or its absence")
	}
	return compare(l, ob).state, nil
}

// decideFile decides a file leaf from the stat fields its citations
// quote: every file cited passes, or one fails; a file shown not to exist
// decides as the leaf says of an absent one.
func (rr *rereader) decideFile(l *catalog.Leaf, f *catalog.Files, cites []results.Citation) (state, error) {
	field := map[catalog.Op]string{catalog.OpMode: "mode", catalog.OpOwner: "owner"}[l.Op]
	if field == "" {
		field = "type"
	}
	tested, allPass, notExist := 0, true, false
	for _, c := range cites {
		if c.Member != bundle.StatPath {
			continue
		}
		p, fld, _ := cutLast(c.Locator, ' ')
		st := rr.stats[p]
		switch fld {
		case field:
			tested++
			uid, gid := st.UID, st.GID
			ok, _, _ := fileTest(l, &bundle.Stat{Path: p, Type: st.Type, Mode: st.Mode, User: st.User, Group: st.Group, UID: uid, GID: gid})
			allPass = allPass && ok
		case "error":
			notExist = notExist || st.ErrorKind == "not-exist"
		case "entries":
			notExist = true // checked: the listing holds none
		}
	}
	switch {
	case tested > 0 && !allPass:
		return failed, nil
	case tested > 0:
		return passed, nil
	case notExist && l.Absent == "pass":
		return passed, nil
	case notExist && l.Absent == "fail":
		return failed, nil
	}
	return undecided, fmt.Errorf("no citation shows a file's %s or its absence", field)
}

func cutLast(s string, sep byte) (string, string, bool) {
	i := strings.LastIndexByte(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}
