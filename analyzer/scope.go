package analyzer

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/results"
)

// The policies of section 5 are the cluster's, not a node's: they are
// evaluated once per cluster, in a cluster scope beside the nodes, from
// the cluster's API snapshot when one is given (kubeproof-collect api),
// and as reviews that say a snapshot would decide them when not.

// policyTarget is the target of section 5, evaluated in the cluster
// scope with catalog.ClusterTargets' others.
const policyTarget = "policies"

// isClusterTarget reports whether a target is evaluated once per cluster.
func isClusterTarget(t string) bool { return slices.Contains(catalog.ClusterTargets, t) }

// isSnapshot reports whether a peeked manifest is an API snapshot's.
func isSnapshot(p *bundle.Peek) bool {
	return p != nil && p.Manifest.Kind == bundle.KindAPISnapshot
}

// snapshotResult is an API snapshot, read.
type snapshotResult struct {
	file     string
	snap     *evidence.Snapshot
	problems []error
	err      error
}

// readSnapshot reads and verifies an API snapshot as analyzeFile does a
// node's bundle.
func readSnapshot(file string, opts Options) snapshotResult {
	b, err := bundle.OpenWith(file, bundle.ReadOptions{Limits: opts.Limits, KeepUnverified: opts.AllowUnverified})
	var problems []error
	if err != nil {
		var ve *bundle.VerifyError
		if b == nil || !opts.AllowUnverified || !errors.As(err, &ve) ||
			opts.RequireSignature && errors.Is(err, bundle.ErrSignature) {
			return snapshotResult{file: file, err: err}
		}
		problems = ve.Problems
	}
	if opts.RequireSignature {
		if err := opts.Trusted.Require(b); err != nil {
			return snapshotResult{file: file, err: fmt.Errorf("%s: %w", file, err)}
		}
	}
	s, err := evidence.NewSnapshot(file, b)
	if err != nil {
		return snapshotResult{file: file, err: err}
	}
	return snapshotResult{file: file, snap: s, problems: problems}
}

// wantsCluster reports whether a node calls for a cluster scope: it
// would run the policies target (asked for with --targets, or by its
// roles), or its benchmark has a cluster target of a managed service.
func wantsCluster(n *results.NodeResult, opts Options, pk *picker) bool {
	if len(opts.Targets) > 0 {
		return slices.ContainsFunc(opts.Targets, isClusterTarget)
	}
	if slices.Contains(TargetsForRoles(n.Bundle.Host.Roles), policyTarget) {
		return true
	}
	cat, err := catalogOf(*n, pk)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(cat.Sections, func(sec *catalog.Section) bool {
		return sec.Target != policyTarget && isClusterTarget(sec.Target)
	})
}

// clusterScopes makes the cluster scopes: one per API snapshot, and one
// for the nodes that would run the policies target but whose cluster has
// no snapshot.
func clusterScopes(snaps []snapshotResult, nodes []results.NodeResult, opts Options, pk *picker) ([]results.NodeResult, error) {
	if len(opts.Targets) > 0 && !slices.ContainsFunc(opts.Targets, isClusterTarget) {
		return nil, nil
	}
	var out []results.NodeResult
	claimed := make([]bool, len(nodes))
	for _, sr := range snaps {
		s := sr.snap
		var mine []int
		names := s.NodeNames()
		for i, n := range nodes {
			if names[n.Node] || len(snaps) == 1 {
				mine = append(mine, i)
				claimed[i] = true
			}
		}
		c, err := snapshotChoice(s, nodes, mine, pk)
		if err != nil {
			return nil, err
		}
		scope := results.NodeResult{Scope: results.ScopeCluster, Node: s.Name, Bundle: snapshotInfo(sr, opts),
			Benchmark: c.cat.Benchmark, BenchmarkReason: c.reason, BenchmarkVersion: c.cat.Version, KubeVersion: c.version}
		evaluatePolicies(&scope, c.cat, s, results.Citation{}, opts)
		out = append(out, scope)
	}
	// The nodes of no snapshot: one scope, the benchmark of its control
	// plane (the first node that runs the policies target).
	var rest []int
	for i := range nodes {
		if !claimed[i] && wantsCluster(&nodes[i], opts, pk) {
			rest = append(rest, i)
		}
	}
	if len(rest) == 0 {
		return out, nil
	}
	lead := nodes[rest[0]]
	cat, err := catalogOf(lead, pk)
	if err != nil {
		return nil, err
	}
	scope := results.NodeResult{Scope: results.ScopeCluster, Node: results.NoSnapshotName,
		Benchmark: cat.Benchmark, BenchmarkVersion: cat.Version,
		BenchmarkReason: fmt.Sprintf("the benchmark of %s", nodeList(namesOf(nodes, rest))),
		Bundle:          results.BundleInfo{Verification: "no API snapshot given", Host: results.Host{Hostname: "cluster"}}}
	cite := results.Citation{Bundle: lead.Bundle.Digest, Node: lead.Node, Member: bundle.ManifestPath, MemberSHA256: lead.Bundle.Digest,
		Locator: "host", Observed: "roles: " + strings.Join(lead.Bundle.Host.Roles, ",") + "; no API snapshot of the cluster was given"}
	evaluatePolicies(&scope, cat, nil, cite, opts)
	return append(out, scope), nil
}

func namesOf(nodes []results.NodeResult, idx []int) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = nodes[j].Node
	}
	return out
}

// catalogOf is the catalog a node was analyzed against.
func catalogOf(n results.NodeResult, pk *picker) (*catalog.Catalog, error) {
	if pk.fixed != nil {
		return pk.fixed.cat, nil
	}
	return pk.load(n.Benchmark)
}

// snapshotChoice picks the benchmark of a snapshot's cluster: the one
// given; else that of its nodes' control plane (or of its nodes, on a
// managed service whose control plane is not collected); else the
// benchmark of the version the snapshot records.
func snapshotChoice(s *evidence.Snapshot, nodes []results.NodeResult, mine []int, pk *picker) (choice, error) {
	if pk.fixed != nil {
		return *pk.fixed, nil
	}
	for _, pass := range []bool{true, false} {
		for _, i := range mine {
			n := nodes[i]
			if pass && !slices.Contains(n.Bundle.Host.Roles, "master") {
				continue
			}
			cat, err := pk.load(n.Benchmark)
			if err != nil {
				return choice{}, err
			}
			return choice{cat: cat, version: n.KubeVersion, reason: fmt.Sprintf("the benchmark of node %s (%s)", n.Node, n.BenchmarkReason)}, nil
		}
	}
	v, ok := s.KubernetesVersion()
	if !ok {
		return choice{}, fmt.Errorf("%s: the API snapshot records no Kubernetes version and no node bundle of its cluster was given: capture kubectl version -o json with it, or choose the benchmark with --benchmark", s.File)
	}
	c, err := pk.forVersion(v, nil)
	if err != nil {
		return choice{}, fmt.Errorf("%s: %w", s.File, err)
	}
	return c, nil
}

// snapshotInfo describes the snapshot's bundle for reports.
func snapshotInfo(sr snapshotResult, opts Options) results.BundleInfo {
	s := sr.snap
	m := s.Manifest
	info := results.BundleInfo{File: s.File, Digest: results.Digest(s.Digest.String()), Host: results.Host{Hostname: s.Name, Roles: []string{}, Components: []string{}},
		CollectedAt: m.Collection.Finished, CollectorVersion: m.Collector.Version, FormatVersion: m.Format}
	collection(&info, &m)
	for _, v := range m.Host.Kubernetes {
		info.Host.Kubernetes = append(info.Host.Kubernetes, results.Version{Version: v.Version, Component: v.Component, Source: v.Source, Path: v.Path})
	}
	signature(&info, s.Bundle(), sr.problems, opts.Trusted)
	return info
}

// evaluatePolicies evaluates the cluster targets of cat into scope: those
// asked for with --targets, or all.
func evaluatePolicies(scope *results.NodeResult, cat *catalog.Catalog, s *evidence.Snapshot, fallback results.Citation, opts Options) {
	for _, sec := range cat.Sections {
		if !isClusterTarget(sec.Target) || len(opts.Targets) > 0 && !slices.Contains(opts.Targets, sec.Target) {
			continue
		}
		tr := results.TargetResult{Section: sec.View()}
		for _, c := range sec.Checks() {
			if len(opts.Checks) > 0 && !selected(opts.Checks, c) {
				continue
			}
			var r results.Result
			if selected(opts.Skip, c) {
				r = skippedResult(c, scopeCitation(s, fallback, "skipped on request"))
			} else {
				r = evaluateAPI(c, s, fallback)
			}
			boundResult(&r)
			tr.Totals.Add(r.Shown())
			tr.Results = append(tr.Results, r)
		}
		if len(tr.Results) > 0 {
			scope.Totals.Merge(tr.Totals)
			scope.Targets = append(scope.Targets, tr)
		}
	}
}

func scopeCitation(s *evidence.Snapshot, fallback results.Citation, observed string) results.Citation {
	if s != nil {
		return s.ManifestCitation(observed)
	}
	c := fallback
	c.Observed = observed
	return c
}

// NoSnapshotHint is the explanation of a policy check that an API
// snapshot would decide, when none was given.
const NoSnapshotHint = "an API snapshot of the cluster decides this check (kubeproof-collect api, docs/api-snapshot.md); none was given"

// evaluateAPI decides a check of the policies target from the snapshot s
// (nil when the cluster has none).
func evaluateAPI(c *catalog.Check, s *evidence.Snapshot, fallback results.Citation) results.Result {
	r := results.Result{Check: c.View()}
	switch {
	case c.Skip != "":
		r.Status, r.Reason, r.Expected, r.Observed = results.Info, "skipped by the benchmark: "+c.Skip, "skipped", "not evaluated"
		r.Citations = []results.Citation{scopeCitation(s, fallback, "skipped by the benchmark")}
		return r
	case c.API == "":
		r.Status, r.Reason, r.Expected = results.Warn, ManualReason, "manual review"
		r.Explanation = "the benchmark leaves this check to a person: no API object decides it"
		r.Citations = []results.Citation{scopeCitation(s, fallback, "a manual check")}
		return r
	case s == nil:
		r.Status, r.Expected, r.Observed = results.Warn, "decided from an API snapshot", "no API snapshot"
		r.Reason = "no API snapshot of the cluster: nothing decides this check"
		if c.Review {
			r.Reason = ManualReason
		}
		r.Explanation = NoSnapshotHint
		r.Citations = []results.Citation{fallback}
		return r
	}
	rr, err := s.EvaluateRule(c.API)
	if err != nil {
		r.Status, r.Reason = results.Warn, err.Error()
		r.Citations = []results.Citation{s.ManifestCitation("no rule")}
		return r
	}
	r.Expected = rr.Expected
	counted := rr.Counted()
	excluded := len(rr.Findings) - len(counted)
	var notes []string
	if rr.Scope != "" {
		notes = append(notes, rr.Scope)
	}
	if excluded > 0 {
		notes = append(notes, fmt.Sprintf("%d not counted there", excluded))
	}
	switch {
	case len(counted) == 0 && rr.Unknown != "":
		r.Status, r.Reason, r.Observed = results.Warn, rr.Unknown, "unknown"
		r.Citations = rr.Examined
	case len(counted) == 0:
		r.Status = results.Pass
		r.Observed = "none found"
		r.Citations = rr.Examined
	default:
		r.Status = results.Fail
		if !c.Scored {
			r.Status = results.Warn
			r.Reason = "not scored: the test failed, review whether it applies"
		}
		r.Observed = findingsText(counted)
		for _, f := range counted {
			r.Citations = append(r.Citations, s.Cite(f))
		}
	}
	if len(counted) == 0 {
		for i, f := range rr.Findings {
			if i == 5 {
				break
			}
			r.Citations = append(r.Citations, s.Cite(f))
		}
	}
	r.Explanation = strings.Join(notes, "; ")
	return r
}

// findingsText sums findings up: "3 findings: Pod team-a/web …; …".
func findingsText(fs []evidence.Finding) string {
	var parts []string
	for i, f := range fs {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(fs)-3))
			break
		}
		parts = append(parts, f.Object.Ref()+" "+f.Field+": "+f.Observed)
	}
	return fmt.Sprintf("%s: %s", plural(len(fs), "finding"), strings.Join(parts, "; "))
}

// readSnapshots reads the API snapshots given.
func readSnapshots(files []string, opts Options) ([]snapshotResult, error) {
	out := make([]snapshotResult, len(files))
	parallel(indexes(len(files)), func(i int) { out[i] = readSnapshot(files[i], opts) })
	var bad []error
	for _, r := range out {
		if r.err != nil {
			bad = append(bad, r.err)
		}
	}
	if len(bad) > 0 {
		return nil, &BundleError{Errs: bad}
	}
	return out, nil
}
