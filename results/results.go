// Package results is the model every report renders: nodes, the checks
// run on each, their verdicts and the citations behind them. It holds
// data only — no evaluation, no I/O — and imports nothing but the
// standard library, so that renderers depend on it alone.
package results

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Status is a verdict.
type Status string

// Verdicts, as the CIS tooling names them, and NA for a check whose
// component does not run on the node.
const (
	Pass Status = "PASS"
	Fail Status = "FAIL"
	Warn Status = "WARN"
	Info Status = "INFO"
	NA   Status = "NA"
	// Waived is how reports show a FAIL or WARN that a waiver (a risk
	// acceptance) covers: counted apart, never as PASS. A Result's Status
	// keeps the verdict; Shown gives the status to show.
	Waived Status = "WAIVED"
)

// Digest is a SHA-256 digest as 64 lowercase hex digits: a bundle's
// digest or a member's.
type Digest string

// String returns the 64 hex digits.
func (d Digest) String() string { return string(d) }

// Prefixed returns "sha256:" and the 64 hex digits.
func (d Digest) Prefixed() string { return "sha256:" + string(d) }

// Short returns the first 12 hex digits, for tables.
func (d Digest) Short() string {
	if len(d) < 12 {
		return string(d)
	}
	return string(d[:12])
}

// Citation points at the exact evidence behind a verdict.
type Citation struct {
	Bundle       Digest `json:"bundle"`
	Node         string `json:"node"`
	Member       string `json:"member"`
	MemberSHA256 Digest `json:"member_sha256"`
	// Locator finds the byte within the member: "pid 1010 kube-apiserver
	// argv[12]", "authentication.anonymous.enabled (line 7)",
	// "/etc/kubernetes/admin.conf mode".
	Locator  string `json:"locator"`
	Observed string `json:"observed"`
	// Unverified marks evidence from a member that failed verification,
	// read only because the analysis was asked to go on.
	Unverified bool `json:"unverified,omitempty"`
}

// Check describes the recommendation a result answers, as the benchmark
// the node was analyzed against states it.
type Check struct {
	ID    string
	Title string
	// Assessment is how the benchmark labels the check in its title:
	// "automated" or "manual"; benchmarks before CIS 1.6 (cis-1.5) label
	// checks "scored" or "not-scored" instead.
	Assessment string
	// Review: the verdict is a manual review (WARN) whatever the evidence.
	Review      bool
	Scored      bool
	Component   string
	Remediation string
	References  []string
	Target      string // master, etcd, controlplane, node, policies
	Group       string // the id of its group ("1.2")
	// Name is the check's stable name in the check library, the same in
	// every benchmark that has it ("apiserver-profiling").
	Name string
}

// DisplayTitle is the title as kube-bench prints it, with the assessment.
func (c *Check) DisplayTitle() string {
	return c.Title + " (" + c.AssessmentLabel() + ")"
}

// AssessmentLabel is the assessment as the benchmark writes it after a
// title: "Automated", "Manual", "Scored" or "Not Scored".
func (c *Check) AssessmentLabel() string {
	switch c.Assessment {
	case "manual":
		return "Manual"
	case "scored":
		return "Scored"
	case "not-scored":
		return "Not Scored"
	}
	return "Automated"
}

// Section is one target of a benchmark: its id, title and groups.
type Section struct {
	Benchmark string
	Target    string
	ID        string
	Title     string
	Groups    []*Group
}

// Group is a subsection of checks.
type Group struct {
	ID     string
	Title  string
	Checks []*Check
}

// GroupTitle returns the title of the group id, or "".
func (s *Section) GroupTitle(id string) string {
	for _, g := range s.Groups {
		if g.ID == id {
			return g.Title
		}
	}
	return ""
}

// Result is the verdict of one check on one node.
type Result struct {
	Check    *Check `json:"-"`
	Status   Status `json:"status"`
	Expected string `json:"expected"`
	Observed string `json:"observed"`
	Reason   string `json:"reason,omitempty"`
	// Explanation is kubeproof's own account of a verdict whose Reason
	// is kube-bench's words (a manual check: what the evidence shows).
	Explanation string     `json:"explanation,omitempty"`
	Citations   []Citation `json:"citations"`
	// Unverified: some of the citations are unverified, so the verdict
	// may rest on tampered or damaged evidence.
	Unverified bool `json:"unverified,omitempty"`
	// Waiver is the waiver that selects this FAIL or WARN, if any; an
	// expired one stays here, so that reports can say it expired.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// Shown is the status reports show: Waived for a result a waiver covers
// on the report's date, else the verdict.
func (r *Result) Shown() Status {
	if r.Waiver != nil && !r.Waiver.Expired {
		return Waived
	}
	return r.Status
}

// WaiverNote says in one line which waiver covers the result, or which
// one expired; "" without a waiver.
func (r *Result) WaiverNote() string {
	w := r.Waiver
	if w == nil {
		return ""
	}
	ref := w.Ticket
	if ref == "" {
		ref = "line " + strconv.Itoa(w.Line)
	}
	if w.Expired {
		return fmt.Sprintf("waiver %s (approved by %s) expired %s; the %s stands", ref, w.Approver, w.Expires, r.Status)
	}
	return fmt.Sprintf("waived until %s by %s (%s): %s", w.Expires, w.Approver, ref, w.Justification)
}

// Waiver is a risk acceptance from a waivers file: the checks and nodes
// it selects, who accepted the risk, why, and until when.
type Waiver struct {
	// Line is the waiver's line in its file.
	Line int `json:"line"`
	// Check is a check id ("1.2.21"), a group or section id ("1.2"), or
	// a check's library name ("apiserver-profiling").
	Check string `json:"check"`
	// Nodes are host names or globs ("cp-*", "*"); Roles are node roles
	// (master, worker, etcd) or "cluster" for a cluster's policies.
	Nodes         []string `json:"nodes,omitempty"`
	Roles         []string `json:"roles,omitempty"`
	Justification string   `json:"justification"`
	Approver      string   `json:"approver"`
	Ticket        string   `json:"ticket,omitempty"`
	// Benchmark, if given, is a benchmark name or glob: the waiver selects
	// only nodes analyzed against it (check ids differ between benchmarks).
	Benchmark string `json:"benchmark,omitempty"`
	// Expires is the last day the waiver holds, as YYYY-MM-DD.
	Expires string `json:"expires"`
	// Expired: the report's date is after Expires.
	Expired bool `json:"expired,omitempty"`
}

// WaiverSet is the waivers file a report was made with.
type WaiverSet struct {
	File    string        `json:"file"`
	Digest  Digest        `json:"digest"`
	Entries []WaiverEntry `json:"entries"`
}

// WaiverEntry is one waiver and what it did in the report.
type WaiverEntry struct {
	Waiver Waiver `json:"waiver"`
	// Matched counts the results its selectors match, whatever their
	// verdict; Applied the FAIL and WARN results among them it waives
	// (or would, had it not expired).
	Matched int `json:"matched"`
	Applied int `json:"applied"`
}

// Totals count verdicts.
type Totals struct {
	Pass int `json:"pass"`
	Fail int `json:"fail"`
	Warn int `json:"warn"`
	Info int `json:"info"`
	NA   int `json:"na"`
	// Waived counts results shown WAIVED; Fail and Warn do not.
	Waived int `json:"waived"`
}

// Add counts one verdict.
func (t *Totals) Add(s Status) {
	switch s {
	case Pass:
		t.Pass++
	case Fail:
		t.Fail++
	case Warn:
		t.Warn++
	case Info:
		t.Info++
	case NA:
		t.NA++
	case Waived:
		t.Waived++
	}
}

// Merge adds other's counts.
func (t *Totals) Merge(o Totals) {
	t.Pass += o.Pass
	t.Fail += o.Fail
	t.Warn += o.Warn
	t.Info += o.Info
	t.NA += o.NA
	t.Waived += o.Waived
}

// TargetResult holds the results of one target on one node.
type TargetResult struct {
	Section *Section
	Results []Result
	Totals  Totals
}

// Host holds the facts of a node that reports show: the fields of the
// bundle's manifest.
type Host struct {
	Hostname     string    `json:"hostname"`
	OS           OSRelease `json:"os"`
	Kernel       string    `json:"kernel,omitempty"`
	Architecture string    `json:"architecture,omitempty"`
	Roles        []string  `json:"roles"`
	Components   []string  `json:"components"`
	Runtimes     []string  `json:"runtimes,omitempty"`
	Kubernetes   []Version `json:"kubernetes,omitempty"`
}

// OSRelease identifies the node's system.
type OSRelease struct {
	ID         string `json:"id,omitempty"`
	VersionID  string `json:"version_id,omitempty"`
	PrettyName string `json:"pretty_name,omitempty"`
}

// Version is one observation of a Kubernetes version, and where.
type Version struct {
	Version   string `json:"version"`
	Component string `json:"component,omitempty"`
	Source    string `json:"source"`
	Path      string `json:"path"`
}

// BundleInfo describes the bundle a node's results came from.
type BundleInfo struct {
	File             string    `json:"file"`
	Digest           Digest    `json:"digest"`
	Host             Host      `json:"host"`
	CollectedAt      time.Time `json:"collected_at"`
	CollectorVersion string    `json:"collector_version"`
	FormatVersion    int       `json:"format_version"`
	Partial          bool      `json:"partial"`
	// Verification sums up, for people, whether the bundle verified and
	// who signed it: "signed and verified (key 0123456789abcdef)", "signed
	// by an unknown key 0123456789abcdef", "unsigned", or, analyzed
	// anyway, "FAILED verification: 2 members; unsigned".
	Verification string `json:"verification"`
	// Signature is "verified" (by a trusted key), "unknown-key",
	// "unsigned" or "bad".
	Signature string `json:"signature"`
	// SignerKeyID is the id of the key that signed the bundle, if any.
	SignerKeyID string `json:"signer_key_id,omitempty"`
	// Problems found verifying the bundle (only when it was analyzed
	// anyway), and the listed members that failed verification.
	Problems          []string `json:"problems,omitempty"`
	UnverifiedMembers []string `json:"unverified_members,omitempty"`
	// ClusterCAs are the digests of the CA certificates in the bundle
	// (but the kubelets' own): nodes of one cluster share one.
	ClusterCAs []Digest `json:"cluster_cas,omitempty"`
	// CollectionStarted is when the collection began (CollectedAt is
	// when it finished); Mode how ("live", "root": a mounted file system
	// such as a disk image, "spec"); User who ran it ("root (uid 0)").
	CollectionStarted time.Time `json:"collection_started,omitzero"`
	Mode              string    `json:"mode,omitempty"`
	User              string    `json:"user,omitempty"`
}

// ClusterInfo names the cluster a node belongs to, as its kubeconfigs and
// flags state it; empty fields are unknown.
type ClusterInfo struct {
	Name      string     `json:"name,omitempty"`
	Endpoint  string     `json:"endpoint,omitempty"`
	Citations []Citation `json:"citations,omitempty"`
}

// Signature states of BundleInfo.Signature.
const (
	SignatureVerified   = "verified"
	SignatureUnknownKey = "unknown-key"
	SignatureUnsigned   = "unsigned"
	SignatureBad        = "bad"
)

// Failed reports whether the bundle failed verification and was analyzed
// anyway.
func (b BundleInfo) Failed() bool { return len(b.Problems) > 0 }

// Targets are the benchmarks' targets in the order kube-bench runs them
// (catalog.Targets is this list).
var Targets = []string{"master", "etcd", "controlplane", "node", "policies", "managedservices"}

// ScopeCluster is the Scope of the results of a cluster as a whole: the
// policies of section 5, decided once per cluster from its API snapshot.
const ScopeCluster = "cluster"

// NodeResult holds every result for one node, or, with Scope
// ScopeCluster, for one cluster (Node is then the cluster's name and
// Bundle its API snapshot, if one was given).
type NodeResult struct {
	// Scope is "" for a node and ScopeCluster for a cluster.
	Scope  string
	Node   string
	Bundle BundleInfo
	// Benchmark is the benchmark the node was analyzed against, and
	// BenchmarkReason why: "v1.32.4 from the kubelet's build info →
	// cis-1.12", or "chosen with --benchmark".
	Benchmark       string
	BenchmarkReason string
	// BenchmarkVersion is the benchmark's version as kube-bench writes it
	// in its JSON ("cis-1.6").
	BenchmarkVersion string
	// KubeVersion is the node's own Kubernetes version ("v1.32.4"), when
	// its bundle records one.
	KubeVersion string
	// Platform is the distribution the node was recognised as ("k3s"),
	// or "" for none; PlatformReason says from what, and
	// PlatformCitations point at it.
	Platform          string
	PlatformTitle     string
	PlatformReason    string
	PlatformCitations []Citation
	// Cluster is the cluster the node's kubeconfigs and flags name.
	Cluster ClusterInfo
	Targets []TargetResult
	Totals  Totals
}

// Report is the results model every renderer takes.
type Report struct {
	// Benchmark names the benchmark of every node, or "" when the nodes
	// were analyzed against different ones (Benchmarks lists them).
	Benchmark       string
	Benchmarks      []string
	AnalyzerVersion string
	ReportTime      time.Time
	Targets         []string // as asked, or empty for "by role"
	Checks          []string // --check, as asked
	Skip            []string // --skip, as asked
	Nodes           []NodeResult
	// Clusters are the cluster scopes (Scope ScopeCluster): the policies
	// of each cluster, once, beside the nodes. Totals count them too.
	Clusters []NodeResult
	Totals   Totals
	// Refused lists the bundles that could not be read (analyzed with
	// --keep-going); LeftOut the duplicates and older bundles of a host,
	// not analyzed; Warnings what the reader of the report must know first
	// (bundles of different clusters in one report). Every renderer shows
	// them on its first page.
	Refused  []RefusedBundle
	LeftOut  []LeftOutBundle
	Warnings []string
	// Waivers is the waivers file given (--waivers), nil without one.
	Waivers *WaiverSet
}

// RefusedBundle is a bundle that could not be read or verified, left out
// of a report made with --keep-going. Every report lists these on its
// first page: a report never leaves a node out silently.
type RefusedBundle struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
	// Err is the error that refused it, for the exit code.
	Err error `json:"-"`
}

// LeftOutBundle is a bundle that was read but not analyzed: the same
// bundle as another one given (by digest), or an older bundle of a host
// whose newest bundle is analyzed.
type LeftOutBundle struct {
	File        string    `json:"file"`
	Digest      Digest    `json:"digest"`
	Host        string    `json:"host"`
	CollectedAt time.Time `json:"collected_at"`
	Reason      string    `json:"reason"`
}

// BenchmarkNames describes the benchmarks of a report: the one, or every
// one joined with ", ".
func (r *Report) BenchmarkNames() string {
	if r.Benchmark != "" {
		return r.Benchmark
	}
	return strings.Join(r.Benchmarks, ", ")
}

// IsCluster reports whether the results are a cluster's.
func (n *NodeResult) IsCluster() bool { return n.Scope == ScopeCluster }

// NoSnapshotName names the cluster scope of a report without an API
// snapshot: it says "cluster" itself.
const NoSnapshotName = "cluster (no API snapshot)"

// ScopeTitle names a scope for reports: "node NAME", "cluster NAME", or
// NoSnapshotName as it is.
func ScopeTitle(scope, name string) string {
	switch {
	case scope != ScopeCluster:
		return "node " + name
	case name == NoSnapshotName:
		return name
	}
	return "cluster " + name
}

// Title is ScopeTitle of the scope.
func (n *NodeResult) Title() string { return ScopeTitle(n.Scope, n.Node) }

// ScopeLabel is "node" or "cluster", for reports.
func (n *NodeResult) ScopeLabel() string {
	if n.IsCluster() {
		return "cluster"
	}
	return "node"
}

// Scopes returns the nodes, then the cluster scopes: every set of results
// of the report, in the order reports show them (the policies last, as
// kube-bench runs them).
func (r *Report) Scopes() []NodeResult {
	if len(r.Clusters) == 0 {
		return r.Nodes
	}
	return append(slices.Clone(r.Nodes), r.Clusters...)
}

// ScoreRule says how Score is computed, for reports to print beside it.
const ScoreRule = "automated checks that PASS, of the automated checks that apply " +
	"(PASS, FAIL, WARN or WAIVED; manual checks, INFO and not applicable are left out; " +
	"a waived check does not count as passed)"

// Score is the compliance score: the automated (not manual) results of
// every scope that pass, and those that apply, as ScoreRule says.
func (r *Report) Score() (passed, applicable int) {
	for _, n := range r.Scopes() {
		for _, tr := range n.Targets {
			for i := range tr.Results {
				res := &tr.Results[i]
				if res.Check == nil || res.Check.Review {
					continue
				}
				switch res.Shown() {
				case Pass:
					passed++
					applicable++
				case Fail, Warn, Waived:
					applicable++
				}
			}
		}
	}
	return passed, applicable
}

// Recount counts every target's, scope's and the report's totals again
// from the results' shown statuses (after waivers were set).
func (r *Report) Recount() {
	r.Totals = Totals{}
	for _, scopes := range [][]NodeResult{r.Nodes, r.Clusters} {
		for si := range scopes {
			n := &scopes[si]
			n.Totals = Totals{}
			for ti := range n.Targets {
				tr := &n.Targets[ti]
				tr.Totals = Totals{}
				for ri := range tr.Results {
					tr.Totals.Add(tr.Results[ri].Shown())
				}
				n.Totals.Merge(tr.Totals)
			}
			r.Totals.Merge(n.Totals)
		}
	}
}
