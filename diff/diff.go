// Package diff compares two reports of the results model: an earlier one
// (OLD) and a later one (NEW) of the same cluster. Per scope (a node, or a
// cluster's policies) and check it finds what an auditor asks after a
// re-audit: which findings were fixed, which regressed, which nodes and
// checks came and went, and which nodes were analyzed against another
// benchmark. Every changed verdict carries the evidence that changed, both
// citations, and its cause: the benchmark (the check's definition
// changed, or the benchmark added or dropped the check), the node (same
// check, other evidence), or the analyzer (same benchmark, same evidence).
//
// A check that starts failing is a regression whatever it was before
// (unless a waiver accepts it, below):
// PASS, WARN, INFO or NA in OLD, or absent from OLD (a check the node's
// new roles or the new benchmark add) and FAIL in NEW. PASS → WARN is a
// regression too (a verdict that held now needs review). FAIL or WARN →
// PASS is fixed. Every other change of verdict (FAIL → WARN, FAIL → NA, a
// check NEW no longer runs) is listed, but is neither; a failing check
// of a node only NEW has counts with that node, not as a regression, so
// that adding a node to a cluster is not read as a change of the others.
//
// Waivers (risk acceptances, see the waivers package) are compared by
// what the reports show: a FAIL or WARN that a waiver covers is WAIVED.
// A finding that a waiver starts to cover in NEW is "waived" (a FAIL
// that stays a FAIL under a new waiver, and a check that starts failing
// under a waiver that accepts it, are waived, not regressed: the waiver is
// the decision the auditor already took, as analyze's --exit-code does
// not count waived failures); a finding that OLD showed WAIVED and NEW
// shows FAIL or WARN again (the waiver expired, was removed, or selects
// the check no more) is "waiver-ended", unless a waived WARN became an
// unwaived FAIL, which regressed. Neither is a fix or a regression. A
// waived finding that passes in NEW is fixed; a verdict that changes under
// a waiver that covers both sides is another change. Each verdict carries
// its waiver (ticket, approver, expiry, justification); a change of
// waiver alone has the cause "waiver".
//
// Scopes match by scope and node name; checks match by their stable
// library name (results.Check.Name), the same in every benchmark that has
// the check, or by id for checks without one (reports written before
// checks carried their name). The package reads nothing and imports only
// the results model: callers analyze or read the two reports.
package diff

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/results"
)

// Kind is what happened to a check between OLD and NEW.
type Kind string

const (
	// Fixed: FAIL or WARN became PASS.
	Fixed Kind = "fixed"
	// Regressed: the check fails in NEW and did not in OLD (PASS,
	// WARN, INFO, NA, or absent: then Change.Old is nil), or PASS became
	// WARN, and no waiver covers it in NEW.
	Regressed Kind = "regressed"
	// Changed: any other change of verdict (FAIL → WARN, FAIL → NA …).
	Changed Kind = "changed"
	// Added and Removed: the check is in one report only (a check
	// added that fails in NEW is Regressed).
	Added   Kind = "added"
	Removed Kind = "removed"
	// Redefined: the same verdict, but the benchmark states the check
	// differently (another id, title, assessment or expectation).
	Redefined Kind = "redefined"
	// Waived: NEW shows the check WAIVED and OLD did not: a waiver now
	// accepts its FAIL or WARN (Change.Old is nil for a check only NEW
	// has).
	Waived Kind = "waived"
	// WaiverEnded: OLD showed the check WAIVED, NEW shows its FAIL or
	// WARN: the waiver expired, was removed or selects it no more.
	WaiverEnded Kind = "waiver-ended"
)

// Kinds are the kinds of change in the order the renderers list them:
// what calls for action first.
var Kinds = []Kind{Regressed, WaiverEnded, Fixed, Waived, Changed, Added, Removed, Redefined}

// Cause is where a change comes from.
type Cause string

const (
	// CauseBenchmark: the benchmark differs and defines the check
	// differently, or has it and the other does not.
	CauseBenchmark Cause = "benchmark"
	// CauseNode: the check is the same, the evidence differs (or the
	// node's roles or components differ, for checks added or removed
	// under the same benchmark).
	CauseNode Cause = "node"
	// CauseBoth: the benchmark redefined the check and the evidence
	// changed too.
	CauseBoth Cause = "benchmark and node"
	// CauseAnalyzer: same benchmark, same definition, same evidence, yet
	// another verdict: the analyzers differ.
	CauseAnalyzer Cause = "analyzer"
	// CauseWaiver: the same verdict, covered by a waiver on one side
	// only: the waivers differ, or one expired by the other's date.
	CauseWaiver Cause = "waiver"
)

// Presence says whether a scope is in both reports.
type Presence string

const (
	InBoth      Presence = ""
	NewScope    Presence = "new"
	RemovedNode Presence = "removed"
)

// Diff is the comparison of two reports.
type Diff struct {
	Old Side `json:"old"`
	New Side `json:"new"`
	// Scopes lists every scope of either report: those of NEW in its
	// order, then those only OLD has.
	Scopes []Scope `json:"scopes"`
	Counts Counts  `json:"counts"`
}

// Side sums up one of the two reports.
type Side struct {
	AnalyzerVersion string         `json:"analyzer_version"`
	Benchmark       string         `json:"benchmark"`
	ReportTime      time.Time      `json:"report_time"`
	Nodes           int            `json:"nodes"`
	Clusters        int            `json:"clusters"`
	Totals          results.Totals `json:"totals"`
	// Waivers names the waivers file the report was made with, if any.
	Waivers *Waivers `json:"waivers,omitempty"`
}

// Waivers names a waivers file.
type Waivers struct {
	File   string         `json:"file"`
	Digest results.Digest `json:"digest"`
}

// Counts count the changes of a diff.
type Counts struct {
	Fixed        int `json:"fixed"`
	Regressed    int `json:"regressed"`
	Changed      int `json:"changed"`
	Added        int `json:"added"`
	Removed      int `json:"removed"`
	Redefined    int `json:"redefined"`
	Waived       int `json:"waived"`
	WaiverEnded  int `json:"waiver_ended"`
	NewNodes     int `json:"new_scopes"`
	RemovedNodes int `json:"removed_scopes"`
	// BenchmarkChanges counts scopes analyzed against another benchmark.
	BenchmarkChanges int `json:"benchmark_changes"`
	Unchanged        int `json:"unchanged"`
}

// Of is the count of changes of kind k.
func (c Counts) Of(k Kind) int {
	if n := c.of(k); n != nil {
		return *n
	}
	return 0
}

func (c *Counts) of(k Kind) *int {
	switch k {
	case Fixed:
		return &c.Fixed
	case Regressed:
		return &c.Regressed
	case Changed:
		return &c.Changed
	case Added:
		return &c.Added
	case Removed:
		return &c.Removed
	case Redefined:
		return &c.Redefined
	case Waived:
		return &c.Waived
	case WaiverEnded:
		return &c.WaiverEnded
	}
	return nil
}

func (c *Counts) add(k Kind) {
	if n := c.of(k); n != nil {
		*n++
	}
}

// sum adds the changes counted in o (of a scope) to c.
func (c *Counts) sum(o Counts) {
	for _, k := range Kinds {
		*c.of(k) += o.Of(k)
	}
	c.Unchanged += o.Unchanged
}

// Regressed reports whether any verdict regressed: the diff's exit code.
func (d *Diff) Regressed() bool { return d.Counts.Regressed > 0 }

// Scope is one node, or one cluster's policies, in either report.
type Scope struct {
	Scope    string   `json:"scope,omitempty"` // "" for a node, results.ScopeCluster
	Node     string   `json:"node"`
	Presence Presence `json:"presence,omitempty"`
	// Old and New describe the scope in each report; the one of a report
	// without the scope is empty.
	Old     ScopeSide `json:"old"`
	New     ScopeSide `json:"new"`
	Changes []Change  `json:"changes"`
	Counts  Counts    `json:"counts"`
}

// BenchmarkChanged reports whether the scope was analyzed against another
// benchmark in NEW.
func (s *Scope) BenchmarkChanged() bool {
	return s.Presence == InBoth && s.Old.Benchmark != s.New.Benchmark
}

// Label is "node NAME" or "cluster NAME".
func (s *Scope) Label() string {
	return results.ScopeTitle(s.Scope, s.Node)
}

// ScopeSide is a scope as one report has it.
type ScopeSide struct {
	Benchmark   string         `json:"benchmark,omitempty"`
	Reason      string         `json:"benchmark_reason,omitempty"`
	KubeVersion string         `json:"kube_version,omitempty"`
	Bundle      results.Digest `json:"bundle,omitempty"`
	CollectedAt time.Time      `json:"collected_at,omitzero"`
	Totals      results.Totals `json:"totals"`
}

// Change is what happened to one check of one scope.
type Change struct {
	Kind  Kind  `json:"kind"`
	Cause Cause `json:"cause"`
	// Name is the check's library name ("" for a check matched by id).
	Name   string   `json:"check,omitempty"`
	Target string   `json:"target"`
	Old    *Verdict `json:"old"` // nil for an added check
	New    *Verdict `json:"new"` // nil for a removed check
	// Definition lists how the benchmark's statements of the check
	// differ: "id 1.2.21 → 1.2.18", "title", "assessment Manual →
	// Automated", "expected …".
	Definition []string `json:"definition,omitempty"`
	// Evidence lists the citations that differ, paired where they point
	// at the same place.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// ID is the check's id in NEW, or in OLD for a removed check.
func (c *Change) ID() string {
	if c.New != nil {
		return c.New.ID
	}
	return c.Old.ID
}

// Title is the check's title in NEW, or in OLD for a removed check.
func (c *Change) Title() string {
	if c.New != nil {
		return c.New.Title
	}
	return c.Old.Title
}

// Verdict is a check's result in one report.
type Verdict struct {
	ID         string             `json:"id"`
	Title      string             `json:"title"`
	Assessment string             `json:"assessment"`
	Review     bool               `json:"review,omitempty"`
	Scored     bool               `json:"scored"`
	Status     results.Status     `json:"status"`
	Expected   string             `json:"expected"`
	Observed   string             `json:"observed"`
	Reason     string             `json:"reason,omitempty"`
	Citations  []results.Citation `json:"citations"`
	// Waiver is the waiver that selects the FAIL or WARN, if any (an
	// expired one too: Waiver.Expired).
	Waiver *results.Waiver `json:"waiver,omitempty"`
}

// Shown is the status reports show: WAIVED for a verdict a waiver
// covers, else the verdict.
func (v *Verdict) Shown() results.Status {
	if v.Waiver != nil && !v.Waiver.Expired {
		return results.Waived
	}
	return v.Status
}

// WaiverNote says in one line which waiver covers the verdict ("FAIL
// waived until 2027-06-30 by j.doe (SEC-1234): why") or which one expired
// ("waiver SEC-1234 (approved by j.doe) expired 2027-06-30; the FAIL
// stands"); "" for a verdict without a waiver.
func (v *Verdict) WaiverNote() string {
	if v == nil || v.Waiver == nil {
		return ""
	}
	r := results.Result{Status: v.Status, Waiver: v.Waiver}
	if v.Waiver.Expired {
		return r.WaiverNote()
	}
	return string(v.Status) + " " + r.WaiverNote()
}

// Evidence is one citation that changed: Old and New point at the same
// member and locator, or one of them is nil (evidence read in one report
// only).
type Evidence struct {
	Old *results.Citation `json:"old"`
	New *results.Citation `json:"new"`
}

// Compare compares OLD with NEW.
func Compare(old, new *results.Report) *Diff {
	d := &Diff{Old: side(old), New: side(new)}
	oldScopes := old.Scopes()
	used := make([]bool, len(oldScopes))
	oldIndex := scopeIndex(oldScopes)
	for i, key := range scopeKeys(new.Scopes()) {
		n := &new.Scopes()[i]
		if j, ok := oldIndex[key]; ok {
			used[j] = true
			d.Scopes = append(d.Scopes, compareScope(&oldScopes[j], n))
		} else {
			d.Scopes = append(d.Scopes, Scope{Scope: n.Scope, Node: n.Node, Presence: NewScope, New: scopeSide(n)})
		}
	}
	for j := range oldScopes {
		if !used[j] {
			o := &oldScopes[j]
			d.Scopes = append(d.Scopes, Scope{Scope: o.Scope, Node: o.Node, Presence: RemovedNode, Old: scopeSide(o)})
		}
	}
	for i := range d.Scopes {
		s := &d.Scopes[i]
		switch s.Presence {
		case NewScope:
			d.Counts.NewNodes++
		case RemovedNode:
			d.Counts.RemovedNodes++
		}
		if s.BenchmarkChanged() {
			d.Counts.BenchmarkChanges++
		}
		d.Counts.sum(s.Counts)
	}
	return d
}

func side(r *results.Report) Side {
	s := Side{AnalyzerVersion: r.AnalyzerVersion, Benchmark: r.BenchmarkNames(), ReportTime: r.ReportTime,
		Nodes: len(r.Nodes), Clusters: len(r.Clusters), Totals: r.Totals}
	if r.Waivers != nil {
		s.Waivers = &Waivers{File: r.Waivers.File, Digest: r.Waivers.Digest}
	}
	return s
}

func scopeSide(n *results.NodeResult) ScopeSide {
	return ScopeSide{Benchmark: n.Benchmark, Reason: n.BenchmarkReason, KubeVersion: n.KubeVersion,
		Bundle: n.Bundle.Digest, CollectedAt: n.Bundle.CollectedAt, Totals: n.Totals}
}

// scopeKeys names each scope by scope and node; a node met again (every
// bundle of a host, --all-bundles) gets its occurrence appended.
func scopeKeys(ns []results.NodeResult) []string {
	keys := make([]string, len(ns))
	seen := map[string]int{}
	for i, n := range ns {
		k := n.Scope + "\x00" + n.Node
		seen[k]++
		keys[i] = fmt.Sprintf("%s\x00%d", k, seen[k])
	}
	return keys
}

func scopeIndex(ns []results.NodeResult) map[string]int {
	m := map[string]int{}
	for i, k := range scopeKeys(ns) {
		m[k] = i
	}
	return m
}

// entry is one result with the key it is matched by.
type entry struct {
	key    string
	target string
	r      *results.Result
}

// entries lists the results of a scope, each keyed by its library name
// (or id), with its occurrence for a check run twice (two targets).
func entries(n *results.NodeResult) []entry {
	var out []entry
	seen := map[string]int{}
	for ti := range n.Targets {
		tr := &n.Targets[ti]
		for ri := range tr.Results {
			r := &tr.Results[ri]
			k := "id:" + r.Check.ID
			if r.Check.Name != "" {
				k = "name:" + r.Check.Name
			}
			seen[k]++
			out = append(out, entry{key: fmt.Sprintf("%s#%d", k, seen[k]), target: tr.Section.Target, r: r})
		}
	}
	return out
}

func compareScope(o, n *results.NodeResult) Scope {
	s := Scope{Scope: n.Scope, Node: n.Node, Old: scopeSide(o), New: scopeSide(n)}
	benchmarkChanged := o.Benchmark != n.Benchmark
	olds := entries(o)
	oldByKey := map[string]int{}
	for i, e := range olds {
		oldByKey[e.key] = i
	}
	// Checks of one report only: a benchmark change explains them; under
	// one benchmark, the node's roles or components do.
	onlyOne := CauseNode
	if benchmarkChanged {
		onlyOne = CauseBenchmark
	}
	used := make([]bool, len(olds))
	for _, ne := range entries(n) {
		i, ok := oldByKey[ne.key]
		if !ok {
			k := Added
			switch {
			case ne.r.Shown() == results.Waived:
				k = Waived
			case ne.r.Status == results.Fail:
				k = Regressed
			}
			s.add(Change{Kind: k, Cause: onlyOne, Name: ne.r.Check.Name, Target: ne.target, New: verdict(ne.r)})
			continue
		}
		used[i] = true
		if c, changed := compareResult(olds[i].r, ne.r, benchmarkChanged); changed {
			c.Target = ne.target
			s.add(c)
		} else {
			s.Counts.Unchanged++
		}
	}
	for i, oe := range olds {
		if !used[i] {
			s.add(Change{Kind: Removed, Cause: onlyOne, Name: oe.r.Check.Name, Target: oe.target, Old: verdict(oe.r)})
		}
	}
	return s
}

func (s *Scope) add(c Change) {
	s.Changes = append(s.Changes, c)
	s.Counts.add(c.Kind)
}

func verdict(r *results.Result) *Verdict {
	return &Verdict{ID: r.Check.ID, Title: r.Check.Title, Assessment: r.Check.AssessmentLabel(), Review: r.Check.Review,
		Scored: r.Check.Scored, Status: r.Status, Expected: r.Expected, Observed: r.Observed, Reason: r.Reason, Citations: r.Citations,
		Waiver: r.Waiver}
}

// compareResult compares one check's results; changed is false when the
// verdict, the definition and the evidence are the same.
func compareResult(o, n *results.Result, benchmarkChanged bool) (Change, bool) {
	c := Change{Name: n.Check.Name, Old: verdict(o), New: verdict(n)}
	// What the benchmark states; only a statement that can change a
	// verdict (assessment, review, scored, expectation) explains one.
	decisive := false
	if o.Check.ID != n.Check.ID {
		c.Definition = append(c.Definition, fmt.Sprintf("id %s → %s", o.Check.ID, n.Check.ID))
	}
	if o.Check.Title != n.Check.Title {
		c.Definition = append(c.Definition, "title")
	}
	if a, b := o.Check.AssessmentLabel(), n.Check.AssessmentLabel(); a != b {
		c.Definition = append(c.Definition, fmt.Sprintf("assessment %s → %s", a, b))
		decisive = true
	}
	if o.Check.Review != n.Check.Review {
		c.Definition = append(c.Definition, fmt.Sprintf("manual review %s → %s", yesNo(o.Check.Review), yesNo(n.Check.Review)))
		decisive = true
	}
	if o.Check.Scored != n.Check.Scored {
		c.Definition = append(c.Definition, fmt.Sprintf("scored %s → %s", yesNo(o.Check.Scored), yesNo(n.Check.Scored)))
		decisive = true
	}
	if o.Expected != n.Expected {
		c.Definition = append(c.Definition, fmt.Sprintf("expected %q → %q", o.Expected, n.Expected))
		decisive = true
	}
	c.Evidence = evidence(o.Citations, n.Citations)
	evidenceChanged := len(c.Evidence) > 0 || o.Observed != n.Observed
	sameVerdict := o.Status == n.Status
	sameShown := sameVerdict && o.Shown() == n.Shown()
	switch {
	case sameShown && len(c.Definition) == 0:
		// Same verdict, same statement: the evidence may differ (a pid,
		// a digest), but nothing an auditor acts on changed.
		return c, false
	case sameShown:
		c.Kind = Redefined
	default:
		c.Kind = kind(o, n)
	}
	switch {
	case sameVerdict && c.Kind != Redefined:
		// Only the waiver changed.
		c.Cause = CauseWaiver
	case benchmarkChanged && decisive && evidenceChanged:
		c.Cause = CauseBoth
	case benchmarkChanged && (decisive || !evidenceChanged || c.Kind == Redefined):
		c.Cause = CauseBenchmark
	case evidenceChanged:
		c.Cause = CauseNode
	case len(c.Definition) > 0:
		// One benchmark name, two statements: a catalog loaded with
		// --checks-dir, or another analyzer's embedded one.
		c.Cause = CauseBenchmark
	default:
		c.Cause = CauseAnalyzer
	}
	return c, true
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// kind classifies a change of what the reports show (WAIVED for a
// verdict a waiver covers): a waiver that starts or stops covering a
// finding, else a change of verdict (verdictKind).
func kind(o, n *results.Result) Kind {
	ow, nw := o.Shown() == results.Waived, n.Shown() == results.Waived
	switch {
	case nw && !ow:
		return Waived
	case ow && nw:
		// Another verdict, both accepted by a waiver.
		return Changed
	case ow && (n.Status == results.Fail || n.Status == results.Warn) && !(o.Status == results.Warn && n.Status == results.Fail):
		return WaiverEnded
	}
	return verdictKind(o.Status, n.Status)
}

// verdictKind classifies a change of verdict (o != n): a check that
// starts failing regressed, whatever it was.
func verdictKind(o, n results.Status) Kind {
	switch {
	case n == results.Fail, o == results.Pass && n == results.Warn:
		return Regressed
	case (o == results.Fail || o == results.Warn) && n == results.Pass:
		return Fixed
	}
	return Changed
}

// evidence pairs the citations of two results by member and locator and
// returns those that differ.
func evidence(old, new []results.Citation) []Evidence {
	key := func(c *results.Citation) string { return c.Member + "\x00" + c.Locator }
	oldAt := map[string][]int{}
	for i := range old {
		oldAt[key(&old[i])] = append(oldAt[key(&old[i])], i)
	}
	used := make([]bool, len(old))
	var out []Evidence
	var unmatched []*results.Citation
	for i := range new {
		nc := &new[i]
		if at := oldAt[key(nc)]; len(at) > 0 {
			j := at[0]
			oldAt[key(nc)] = at[1:]
			used[j] = true
			if old[j].Observed != nc.Observed || old[j].Unverified != nc.Unverified {
				out = append(out, Evidence{Old: &old[j], New: nc})
			}
			continue
		}
		unmatched = append(unmatched, nc)
	}
	// Evidence at other places (a process with another pid): paired in
	// order, member by member where one matches.
	var oldLeft []*results.Citation
	for j := range old {
		if !used[j] {
			oldLeft = append(oldLeft, &old[j])
		}
	}
	for _, nc := range unmatched {
		i := slices.IndexFunc(oldLeft, func(c *results.Citation) bool { return c.Member == nc.Member })
		if i < 0 {
			out = append(out, Evidence{New: nc})
			continue
		}
		oc := oldLeft[i]
		oldLeft = slices.Delete(oldLeft, i, i+1)
		if oc.Observed != nc.Observed || !samePlace(oc.Locator, nc.Locator) {
			out = append(out, Evidence{Old: oc, New: nc})
		}
	}
	for _, oc := range oldLeft {
		out = append(out, Evidence{Old: oc})
	}
	return out
}

// samePlace reports whether two locators differ only in a process id
// ("pid 1010 kube-apiserver argv[12]" and "pid 2020 kube-apiserver
// argv[12]"): a restarted process is the same place.
func samePlace(a, b string) bool {
	strip := func(s string) string {
		if rest, ok := strings.CutPrefix(s, "pid "); ok {
			if _, after, ok := strings.Cut(rest, " "); ok {
				return after
			}
		}
		return s
	}
	return strip(a) == strip(b)
}
