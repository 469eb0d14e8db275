package catalog

import (
	"regexp"

	"github.com/kubeproof/kubeproof/results"
)

// Targets, in the order kube-bench runs them. The node targets are
// evaluated on each node; ClusterTargets once per cluster. (The results
// model holds the list, so that renderers order targets without the
// catalog.)
var Targets = results.Targets

// ClusterTargets are the targets of the cluster as a whole: its policies
// (section 5, decided from an API snapshot) and a managed service's
// account settings (reviews).
var ClusterTargets = []string{"policies", "managedservices"}

// APIRules are the policy rules that decide section-5 checks from an API
// snapshot (package evidence implements each; a test holds them equal).
var APIRules = []string{
	"default-namespace", "default-service-account",
	"namespace-network-policy", "namespace-policy-control",
	"pod-added-capabilities", "pod-capabilities", "pod-host-ipc", "pod-host-network", "pod-host-path",
	"pod-host-pid", "pod-host-ports", "pod-net-raw", "pod-privilege-escalation", "pod-privileged",
	"pod-root", "pod-seccomp", "pod-security-context", "pod-token-mount", "pod-windows-host-process",
	"secret-env",
	"rbac-bind-escalate-impersonate", "rbac-cluster-admin", "rbac-csr-approve", "rbac-node-proxy", "rbac-pod-create",
	"rbac-pv-create", "rbac-secrets", "rbac-system-masters", "rbac-token-create", "rbac-webhooks", "rbac-wildcards",
}

// Assessments are the labels a benchmark gives its checks: automated or
// manual since CIS 1.6; scored or not-scored before (cis-1.5).
var Assessments = []string{"automated", "manual", "scored", "not-scored"}

// Components a check can apply to; "none" applies everywhere.
var Components = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd", "kubelet", "kube-proxy", "none"}

// Catalog is one benchmark, resolved: every check of every section with
// the benchmark's ids, titles and settings applied to the library's
// definition. It is immutable once loaded.
type Catalog struct {
	Benchmark string // "cis-1.6"
	Title     string // "CIS Kubernetes Benchmark v1.6.0"
	// Version is the benchmark version as kube-bench writes it in the
	// JSON report's Controls ("cis-1.6").
	Version string
	// Kubernetes is the range of Kubernetes minor versions the benchmark
	// is for, and the one auto-pick chooses it for.
	Kubernetes VersionRange
	Sections   []*Section
}

// VersionRange is a range of Kubernetes minor versions, both ends
// included ("1.16" to "1.18"); an empty To means "and later".
type VersionRange struct {
	From string `json:"from"`
	To   string `json:"to,omitempty"`
}

// Section is one target of a benchmark.
type Section struct {
	Benchmark string
	Target    string
	ID        string
	Title     string
	Groups    []*Group
	File      string // where it was defined, for messages
	view      *results.Section
}

// Group is a subsection of checks.
type Group struct {
	ID     string
	Title  string
	Checks []*Check
}

// Check is one recommendation of a benchmark. It is a definition only:
// evaluating it returns a result and never changes it.
type Check struct {
	ID string
	// Name is the check's stable name in the check library
	// ("apiserver-profiling"): the same check in every benchmark that has
	// it, whatever its id there. Empty for a check defined inline.
	Name       string
	Title      string
	Assessment string // automated | manual | scored | not-scored: how the benchmark labels it
	// Review: the verdict is WARN (manual review) whatever the evidence,
	// which is still cited.
	Review bool
	// Scored: a failed test is FAIL; unscored, a failed test is WARN.
	Scored bool
	// Skip, when set, says why the benchmark skips the check on its
	// platform (kube-bench's type: skip): the verdict is INFO with this
	// reason, and nothing is evaluated.
	Skip      string
	Component string
	Test      *Test // nil only when Review or API
	// API names the policy rule that decides the check from a cluster's
	// API snapshot; without a snapshot the check is a review (WARN).
	API         string
	Remediation string
	References  []string
	Target      string
	Group       string // the group id
	view        *results.Check
}

// DisplayTitle is the title as kube-bench prints it, with the assessment.
func (c *Check) DisplayTitle() string { return c.View().DisplayTitle() }

// View returns the check as the results model describes it.
func (c *Check) View() *results.Check {
	if c.view != nil {
		return c.view
	}
	return c.describe()
}

func (c *Check) describe() *results.Check {
	return &results.Check{
		ID: c.ID, Name: c.Name, Title: c.Title, Assessment: c.Assessment, Review: c.Review, Scored: c.Scored,
		Component: c.Component, Remediation: c.Remediation, References: c.References,
		Target: c.Target, Group: c.Group,
	}
}

// View returns the section as the results model describes it.
func (s *Section) View() *results.Section {
	if s.view != nil {
		return s.view
	}
	v := &results.Section{Benchmark: s.Benchmark, Target: s.Target, ID: s.ID, Title: s.Title}
	for _, g := range s.Groups {
		vg := &results.Group{ID: g.ID, Title: g.Title}
		for _, c := range g.Checks {
			vg.Checks = append(vg.Checks, c.View())
		}
		v.Groups = append(v.Groups, vg)
	}
	return v
}

// Checks returns every check of the catalog, in section, group and id
// order.
func (c *Catalog) Checks() []*Check {
	var out []*Check
	for _, s := range c.Sections {
		out = append(out, s.Checks()...)
	}
	return out
}

// Checks returns every check of the section, in group and id order.
func (s *Section) Checks() []*Check {
	var out []*Check
	for _, g := range s.Groups {
		out = append(out, g.Checks...)
	}
	return out
}

// Leaves returns the leaves of a test, depth first (All before Any); nil
// for a check with no test.
func (t *Test) Leaves() []*Leaf {
	if t == nil {
		return nil
	}
	if t.Leaf != nil {
		return []*Leaf{t.Leaf}
	}
	var out []*Leaf
	for _, sub := range t.All {
		out = append(out, sub.Leaves()...)
	}
	for _, sub := range t.Any {
		out = append(out, sub.Leaves()...)
	}
	return out
}

// Test is a composition (All or Any of sub-tests) or a Leaf.
type Test struct {
	All  []*Test
	Any  []*Test
	Leaf *Leaf
}

// Leaf tests one piece of evidence with one operator.
type Leaf struct {
	// Evidence is one of *Setting, *Feature, *Files, *Field.
	Evidence Evidence
	Op       Op
	// Value is the operand, the benchmark's parameter applied.
	Value string
	// UnsetPasses: an op that needs a value passes on unset evidence
	// (the benchmark defines absence as compliant).
	UnsetPasses bool
	// Absent is the verdict on a file that does not exist: "pass", "fail"
	// or "warn" (the default).
	Absent string
	// Component overrides the check's component for this leaf.
	Component string
	// Regexp is Value compiled, for OpRegex; Mode is Value parsed, for
	// OpMode.
	Regexp *regexp.Regexp
	Mode   uint32
}

// Evidence is a typed reference to what a leaf reads.
type Evidence interface{ evidence() }

// Setting is a setting of a component, by the names it has: a
// command-line flag, a field of the component's configuration file, an
// environment variable. The evidence package resolves it as the component
// does (etcd: a --config-file wins over everything; the kubelet: flags
// over --config-dir drop-ins over --config; etcd: a flag over ETCD_*).
type Setting struct {
	Flag  string // without dashes
	Field string // dotted path in the config file
	Env   string // an environment variable
	// ConfigDefault is the value the component takes when it reads a
	// configuration file that leaves Field out (KubeletConfiguration
	// v1beta1 disables anonymous authentication; the flag does not).
	ConfigDefault string
}

// Feature is a feature gate: --feature-gates, or featureGates in the
// config file.
type Feature struct {
	Name string
}

// Files are the files whose stat records a file leaf tests: the file a
// setting names (with a default), the first of a list of paths that
// exists, or every file under a directory.
type Files struct {
	Setting *Setting // the file named by this setting's value
	Paths   []string // else the first of these that exists (every one, with Every)
	Every   bool     // every path of Paths that exists, not the first
	Default string   // else this path
	Under   string   // or every collected file under this directory …
	Name    string   // … whose base name matches this pattern (with a "/": whose path below the directory does)
	Self    bool     // … and the directory itself
	Type    string   // … of this type only ("file", "dir"), or any
	// UnderSetting names the directory by a setting (the CNI directory by
	// --cni-conf-dir), with Under as its default.
	UnderSetting *Setting
}

// Field is a field of a YAML or JSON file that a setting names (the
// encryption provider configuration, named by the API server's
// --encryption-provider-config). Path is dotted; "[]" after a key takes
// every item of its list and "[0]" the first, "*" every value of a map,
// "~" the keys of a map.
type Field struct {
	File *Setting
	Path string
}

func (*Setting) evidence() {}
func (*Feature) evidence() {}
func (*Files) evidence()   {}
func (*Field) evidence()   {}

// Op is a test operator.
type Op string

// Operators.
const (
	OpSet     Op = "set"
	OpNotSet  Op = "notset"
	OpEq      Op = "eq"
	OpNotEq   Op = "noteq"
	OpHas     Op = "has"
	OpNotHave Op = "nothave"
	OpGt      Op = "gt"
	OpGte     Op = "gte"
	OpLt      Op = "lt"
	OpLte     Op = "lte"
	OpRegex   Op = "regex"
	OpValid   Op = "valid"
	OpMode    Op = "mode"
	OpOwner   Op = "owner"
	OpExists  Op = "exists"
)

// needsValue says which operators take a value.
var needsValue = map[Op]bool{
	OpSet: false, OpNotSet: false, OpExists: false,
	OpEq: true, OpNotEq: true, OpHas: true, OpNotHave: true, OpGt: true, OpGte: true, OpLt: true, OpLte: true,
	OpRegex: true, OpValid: true, OpMode: true, OpOwner: true,
}

// fileOps apply to files only.
var fileOps = map[Op]bool{OpMode: true, OpOwner: true, OpExists: true}
