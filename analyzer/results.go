package analyzer

import (
	"time"

	"github.com/kubeproof/kubeproof/bundle"
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
)

// Citation points at the exact evidence behind a verdict.
type Citation struct {
	Bundle       bundle.Digest `json:"bundle"`
	Node         string        `json:"node"`
	Member       string        `json:"member"`
	MemberSHA256 bundle.Digest `json:"member_sha256"`
	// Locator finds the byte within the member: "pid 1010 kube-apiserver
	// argv[12]", "authentication.anonymous.enabled (line 7)",
	// "/etc/kubernetes/admin.conf mode".
	Locator  string `json:"locator"`
	Observed string `json:"observed"`
	// Unverified marks evidence from a member that failed verification,
	// read only because the analysis was asked to go on
	// (Options.AllowUnverified).
	Unverified bool `json:"unverified,omitempty"`
}

// Result is the verdict of one check on one node. It refers to its Check
// and never changes it.
type Result struct {
	Check     *Check     `json:"-"`
	Status    Status     `json:"status"`
	Expected  string     `json:"expected"`
	Observed  string     `json:"observed"`
	Reason    string     `json:"reason,omitempty"`
	Citations []Citation `json:"citations"`
	// Unverified: some of the citations are unverified, so the verdict
	// may rest on tampered or damaged evidence.
	Unverified bool `json:"unverified,omitempty"`
}

// Totals count verdicts.
type Totals struct {
	Pass int `json:"pass"`
	Fail int `json:"fail"`
	Warn int `json:"warn"`
	Info int `json:"info"`
	NA   int `json:"na"`
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
	}
}

// Merge adds other's counts.
func (t *Totals) Merge(o Totals) {
	t.Pass += o.Pass
	t.Fail += o.Fail
	t.Warn += o.Warn
	t.Info += o.Info
	t.NA += o.NA
}

// TargetResult holds the results of one target (catalog section) on one node.
type TargetResult struct {
	Section *Section
	Results []Result
	Totals  Totals
}

// BundleInfo describes the bundle a node's results came from.
type BundleInfo struct {
	File             string        `json:"file"`
	Digest           bundle.Digest `json:"digest"`
	Host             bundle.Host   `json:"host"`
	CollectedAt      time.Time     `json:"collected_at"`
	CollectorVersion string        `json:"collector_version"`
	FormatVersion    int           `json:"format_version"`
	Partial          bool          `json:"partial"`
	// Verification sums up, for people, whether the bundle verified and
	// who signed it: "signed and verified (key 0123456789abcdef)", "signed
	// by an unknown key 0123456789abcdef", "unsigned", or, analyzed with
	// Options.AllowUnverified, "FAILED verification: 2 members; unsigned".
	Verification string `json:"verification"`
	// Signature is "verified" (by a trusted key), "unknown-key",
	// "unsigned" or "bad".
	Signature string `json:"signature"`
	// SignerKeyID is the id of the key that signed the bundle, if any.
	SignerKeyID string `json:"signer_key_id,omitempty"`
	// Problems found verifying the bundle (only with AllowUnverified: a
	// bundle with problems is refused otherwise), and the listed members
	// that failed verification.
	Problems          []string `json:"problems,omitempty"`
	UnverifiedMembers []string `json:"unverified_members,omitempty"`
	// ClusterCAs are the digests of the CA certificates in the bundle
	// (but the kubelets' own): nodes of one cluster share one.
	ClusterCAs []bundle.Digest `json:"cluster_cas,omitempty"`
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

// NodeResult holds every result for one node.
type NodeResult struct {
	Node    string
	Bundle  BundleInfo
	Targets []TargetResult
	Totals  Totals
}

// Report is the results model every renderer takes.
type Report struct {
	Benchmark       string
	AnalyzerVersion string
	ReportTime      time.Time
	Targets         []string // as asked, or empty for "by role"
	Checks          []string // --check, as asked
	Skip            []string // --skip, as asked
	Nodes           []NodeResult
	Totals          Totals
	// Refused lists the bundles that could not be read (Options.KeepGoing);
	// LeftOut the duplicates and older bundles of a host, not analyzed;
	// Warnings what the reader of the report must know first (bundles of
	// different clusters in one report). Every renderer shows them on its
	// first page.
	Refused  []RefusedBundle
	LeftOut  []LeftOutBundle
	Warnings []string
}
