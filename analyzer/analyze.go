package analyzer

import (
	"errors"
	"fmt"
	"github.com/kubeproof/kubeproof/results"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
)

// Options select what Analyze evaluates.
type Options struct {
	// Catalog, when set, is the benchmark of every node (--benchmark,
	// --checks-dir); CatalogReason says how it was chosen ("chosen with
	// --benchmark").
	Catalog       *catalog.Catalog
	CatalogReason string
	// KubeVersion, when set and Catalog is not, picks the benchmark of
	// every node by this Kubernetes version ("1.27", kube-bench's
	// --version). With neither, each node gets the benchmark of its own
	// Kubernetes version.
	KubeVersion string
	// Targets to run on every node; empty means by each node's roles.
	Targets []string
	// Checks, when given, are the only check or group ids evaluated.
	Checks []string
	// Skip lists check or group ids reported as INFO "skipped".
	Skip []string
	// Limits for reading bundles.
	Limits bundle.Limits
	// Trusted are the keys whose signatures are trusted; nil trusts none
	// (a signed bundle is then "signed by an unknown key").
	Trusted *bundle.Keyring
	// RequireSignature refuses bundles that are not signed by a trusted key.
	RequireSignature bool
	// AllowUnverified analyzes a bundle whose members fail verification
	// (changed, missing, refused) or whose signature is bad, instead of
	// refusing it: members whose content differs from the manifest are
	// read all the same, every citation of such a member is marked
	// Unverified, and the bundle's results.BundleInfo says it FAILED verification.
	// Problems with the stream (truncated, not zstd, a bad manifest, a
	// limit) are never analyzable.
	AllowUnverified bool
	// ReportTime is the report's date; zero means the latest collection
	// end among the bundles (never the clock: reports are reproducible).
	ReportTime time.Time
	// Version of the analyzer, recorded in the report.
	Version string
	// Progress, if set, is called after each bundle.
	Progress func(done, total int)
	// KeepGoing analyzes the bundles that can be read and lists the others
	// in Report.Refused, instead of failing the whole run.
	KeepGoing bool
	// MemoryBudget bounds the memory of the bundles analyzed at once,
	// whatever the number of workers; 0 means DefaultMemoryBudget.
	MemoryBudget int64
}

// TargetsForRoles maps node roles to the targets kube-bench runs for them.
func TargetsForRoles(roles []string) []string {
	set := map[string]bool{}
	for _, r := range roles {
		switch r {
		case "master":
			set["master"], set["controlplane"], set["policies"] = true, true, true
		case "etcd":
			set["etcd"] = true
		case "node":
			set["node"] = true
		}
	}
	var out []string
	for _, t := range catalog.Targets {
		if set[t] {
			out = append(out, t)
		}
	}
	return out
}

// BundleError reports bundles refused by verification.
type BundleError struct {
	Errs []error
}

func (e *BundleError) Error() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = err.Error()
	}
	return fmt.Sprintf("%s refused:\n%s", plural(len(e.Errs), "bundle"), strings.Join(msgs, "\n"))
}

func (e *BundleError) Unwrap() []error { return e.Errs }

// Analyze reads every bundle file, verifies it, picks its benchmark and
// evaluates it. A bundle that fails verification makes the whole run
// fail, naming every such bundle and its problems: a report never
// silently leaves a node out. With AllowUnverified, a bundle with
// problems of its members or signature is analyzed instead, and marked.
//
// Each node is analyzed against the benchmark of its own Kubernetes
// version, unless Options fix one; a node whose bundle records no version
// takes its cluster's API server version from another bundle of the run.
func Analyze(files []string, opts Options) (*results.Report, error) {
	for _, t := range opts.Targets {
		if !slices.Contains(catalog.Targets, t) {
			return nil, fmt.Errorf("unknown target %q: want some of %s", t, strings.Join(catalog.Targets, ", "))
		}
	}
	pk, err := newPicker(opts)
	if err != nil {
		return nil, err
	}
	out := make([]fileResult, len(files))
	var mu sync.Mutex
	done := 0
	progress := func() {
		if opts.Progress != nil {
			mu.Lock()
			done++
			opts.Progress(done, len(files))
			mu.Unlock()
		}
	}
	mem := newBudget(opts.MemoryBudget)
	// With a benchmark per node, the bundles that record no Kubernetes
	// version wait for the API servers of the others (a manifest is read
	// cheaply); each bundle is still read in full once.
	// Each manifest is read first, alone and cheaply: for the weight of the
	// bundle against the memory budget, and, with a benchmark per node, to
	// know the bundles that record no Kubernetes version: they wait for the
	// API servers of the others. Each bundle is still read in full once.
	weights := make([]int64, len(files))
	noVersion := make([]bool, len(files))
	snapshot := make([]bool, len(files))
	parallel(indexes(len(files)), func(i int) {
		p, err := bundle.PeekManifest(files[i], opts.Limits)
		if err != nil {
			p = nil
		}
		weights[i] = weight(p)
		noVersion[i] = p != nil && len(p.Manifest.Host.Kubernetes) == 0
		snapshot[i] = isSnapshot(p)
	})
	// API snapshots are read apart: they hold a cluster's objects, not a
	// node's evidence.
	var snapFiles []string
	nodeFiles := files[:0:0]
	for i, f := range files {
		if snapshot[i] {
			snapFiles = append(snapFiles, f)
		} else {
			nodeFiles = append(nodeFiles, f)
		}
	}
	if len(snapFiles) > 0 {
		files = nodeFiles
		ws, nv := weights[:0:0], noVersion[:0:0]
		for i := range snapshot {
			if !snapshot[i] {
				ws, nv = append(ws, weights[i]), append(nv, noVersion[i])
			}
		}
		weights, noVersion = ws, nv
		out = out[:len(files)]
	}
	var first, later []int
	for i := range files {
		if pk.fixed == nil && noVersion[i] {
			later = append(later, i)
		} else {
			first = append(first, i)
		}
	}
	byOwnVersion := func(n *evidence.Node) (choice, bool, error) { return pk.forNode(n) }
	parallel(first, func(i int) {
		w := mem.acquire(weights[i])
		out[i] = analyzeFile(files[i], opts, byOwnVersion)
		mem.release(w)
		if !out[i].deferred {
			progress()
		}
	})
	var servers []apiServer
	for i, r := range out {
		if r.deferred { // the manifest could be peeked but not read: rare
			later = append(later, i)
		}
		if r.server != nil {
			servers = append(servers, *r.server)
		}
	}
	parallel(later, func(i int) {
		byCluster := func(n *evidence.Node) (choice, bool, error) {
			if c, ok, err := pk.forNode(n); ok || err != nil {
				return c, ok, err
			}
			c, err := pk.forCluster(files[i], clusterCAs(n), servers, n.Platform())
			return c, true, err
		}
		w := mem.acquire(weights[i])
		out[i] = analyzeFile(files[i], opts, byCluster)
		mem.release(w)
		progress()
	})
	nodes := make([]results.NodeResult, len(files))
	errs := make([]error, len(files))
	var bad []error
	var refused []results.RefusedBundle
	var warnings []string
	warned := map[string][]string{}
	for i, r := range out {
		nodes[i], errs[i] = r.node, r.err
		if r.err != nil {
			bad = append(bad, r.err)
		} else if r.warning != "" {
			if _, ok := warned[r.warning]; !ok {
				warnings = append(warnings, r.warning)
			}
			warned[r.warning] = append(warned[r.warning], r.node.Node)
		}
	}
	for i, w := range warnings {
		warnings[i] = w + " (" + nodeList(warned[w]) + ")"
	}
	for _, r := range out {
		if r.err == nil && r.platformWarning != "" {
			warnings = append(warnings, r.platformWarning)
		}
	}
	if len(bad) > 0 {
		if !opts.KeepGoing {
			return nil, &BundleError{Errs: bad}
		}
		nodes, refused = keepGoing(files, nodes, errs)
	}
	sort.SliceStable(nodes, func(i, j int) bool {
		if nodes[i].Node != nodes[j].Node {
			return nodes[i].Node < nodes[j].Node
		}
		return nodes[i].Bundle.Digest.String() < nodes[j].Bundle.Digest.String()
	})
	snaps, err := readSnapshots(snapFiles, opts)
	if err != nil {
		return nil, err
	}
	clusters, err := clusterScopes(snaps, nodes, opts, pk)
	if err != nil {
		return nil, err
	}
	rep := &results.Report{Clusters: clusters, AnalyzerVersion: opts.Version, ReportTime: opts.ReportTime, Targets: opts.Targets, Checks: opts.Checks, Skip: opts.Skip, Nodes: nodes, Refused: refused}
	rep.Benchmarks = benchmarksOf(nodes)
	if len(rep.Benchmarks) == 1 {
		rep.Benchmark = rep.Benchmarks[0]
	} else if len(rep.Benchmarks) == 0 && pk.fixed != nil {
		rep.Benchmark, rep.Benchmarks = pk.fixed.cat.Benchmark, []string{pk.fixed.cat.Benchmark}
	}
	for _, n := range rep.Scopes() {
		rep.Totals.Merge(n.Totals)
		if opts.ReportTime.IsZero() && n.Bundle.CollectedAt.After(rep.ReportTime) {
			rep.ReportTime = n.Bundle.CollectedAt
		}
	}
	rep.ReportTime = rep.ReportTime.UTC()
	rep.Warnings = append(warnings, clusterWarnings(rep.Nodes)...)
	return rep, nil
}

// fileResult is what analyzing one bundle gave.
type fileResult struct {
	node results.NodeResult
	err  error
	// deferred: the bundle records no Kubernetes version; its benchmark
	// is picked once every bundle's API server is known.
	deferred bool
	// server is the node's API server version, for deferred nodes.
	server  *apiServer
	warning string
	// platformWarning: the node shows the signs of several platforms.
	platformWarning string
}

func indexes(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// parallel calls f for each index on GOMAXPROCS workers.
func parallel(idx []int, f func(i int)) {
	if len(idx) == 0 {
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(idx)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for _, i := range idx {
		next <- i
	}
	close(next)
	wg.Wait()
}

// analyzeFile reads, verifies and evaluates one bundle against the
// benchmark choose picks for it; choose may defer the node (false).
func analyzeFile(file string, opts Options, choose func(*evidence.Node) (choice, bool, error)) fileResult {
	b, err := bundle.OpenWith(file, bundle.ReadOptions{Limits: opts.Limits, KeepUnverified: opts.AllowUnverified})
	var problems []error
	if err != nil {
		// b is nil past a problem with the stream: never analyzable.
		var ve *bundle.VerifyError
		if b == nil || !opts.AllowUnverified || !errors.As(err, &ve) ||
			opts.RequireSignature && errors.Is(err, bundle.ErrSignature) {
			return fileResult{err: err}
		}
		problems = ve.Problems
	}
	if opts.RequireSignature {
		if err := opts.Trusted.Require(b); err != nil {
			return fileResult{err: fmt.Errorf("%s: %w", file, err)}
		}
	}
	n, err := evidence.NewNode(file, b)
	if err != nil {
		return fileResult{err: err}
	}
	det := detectPlatform(n)
	n.SetPlatform(det.platform)
	// The node's API server speaks for the nodes of its cluster whose
	// bundles record no version, even if its own benchmark cannot be
	// picked: they then get the same answer.
	var server *apiServer
	v, hasVersion := n.KubernetesVersion()
	if hasVersion && v.Component == "kube-apiserver" {
		server = &apiServer{node: n.Name, version: v.Version, from: v.From, cas: clusterCAs(n)}
	}
	c, ok, err := choose(n)
	switch {
	case err != nil && strings.HasPrefix(err.Error(), file+": "):
		return fileResult{err: err, server: server}
	case err != nil:
		return fileResult{err: fmt.Errorf("%s: %w", file, err), server: server}
	case !ok:
		return fileResult{deferred: true}
	}
	r := fileResult{node: evaluateNode(n, problems, c, opts), warning: c.warning, server: server}
	if hasVersion {
		r.node.KubeVersion = v.Version
	}
	if det.platform != nil {
		r.node.Platform, r.node.PlatformTitle = det.platform.Name, det.platform.Title
		r.node.PlatformReason, r.node.PlatformCitations = det.reason, det.citations
	}
	r.platformWarning = det.warning
	return r
}

// benchmarksOf lists the nodes' benchmarks in version order.
func benchmarksOf(nodes []results.NodeResult) []string {
	var out []string
	for _, n := range nodes {
		if n.Benchmark != "" && !slices.Contains(out, n.Benchmark) {
			out = append(out, n.Benchmark)
		}
	}
	order := catalog.Benchmarks()
	slices.SortFunc(out, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	return out
}

// bundleInfo describes the node's bundle, with what verification found.
func bundleInfo(n *evidence.Node, verifyProblems []error, trusted *bundle.Keyring) results.BundleInfo {
	m := n.Manifest
	b := n.Bundle()
	info := results.BundleInfo{
		File: n.File, Digest: results.Digest(n.Digest.String()), Host: resultsHost(m.Host), CollectedAt: m.Collection.Finished.UTC(),
		CollectorVersion: m.Collector.Version, FormatVersion: m.Format, Partial: m.Collection.Partial,
		UnverifiedMembers: b.Unverified(), ClusterCAs: clusterCAs(n),
	}
	collection(&info, &m)
	signature(&info, b, verifyProblems, trusted)
	return info
}

// collection fills in when, how and as whom the bundle was collected.
func collection(info *results.BundleInfo, m *bundle.Manifest) {
	info.CollectionStarted = m.Collection.Started.UTC()
	info.Mode = m.Collection.Mode
	u := m.Collection.User
	switch {
	case u.Name != "":
		info.User = fmt.Sprintf("%s (uid %d)", u.Name, u.UID)
	case m.Collection.Mode != "":
		info.User = fmt.Sprintf("uid %d", u.UID)
	}
}

// signature fills in how the bundle verified and who signed it.
func signature(info *results.BundleInfo, b *bundle.Bundle, verifyProblems []error, trusted *bundle.Keyring) {
	var se *bundle.SignatureError
	var sig string
	switch {
	case slices.ContainsFunc(verifyProblems, func(err error) bool { return errors.Is(err, bundle.ErrSignature) }):
		info.Signature, sig = results.SignatureBad, "bad signature"
		for _, p := range verifyProblems {
			if errors.As(p, &se) && se.KeyID != "" {
				info.SignerKeyID = se.KeyID
				sig += " (key " + se.KeyID + ")"
				break
			}
		}
	default:
		sig = trusted.Describe(b)
		switch trusted.Trust(b) {
		case bundle.Trusted:
			info.Signature, info.SignerKeyID = results.SignatureVerified, b.Signature.KeyID
		case bundle.UnknownKey:
			info.Signature, info.SignerKeyID = results.SignatureUnknownKey, b.Signature.KeyID
		default:
			info.Signature = results.SignatureUnsigned
		}
	}
	info.Verification = sig
	if len(verifyProblems) == 0 {
		return
	}
	// Problems about the members that failed are counted as those
	// members; the signature's are in sig; the rest (an unlisted or
	// duplicate entry, say) are counted as other problems.
	unverified := map[string]bool{}
	for _, m := range b.Unverified() {
		unverified[m] = true
	}
	other := 0
	for _, p := range verifyProblems {
		info.Problems = append(info.Problems, p.Error())
		if !errors.Is(p, bundle.ErrSignature) && !unverified[problemPath(p)] {
			other++
		}
	}
	info.UnverifiedMembers = b.Unverified()
	var parts []string
	if k := len(info.UnverifiedMembers); k > 0 {
		parts = append(parts, plural(k, "member"))
	}
	if other > 0 {
		parts = append(parts, plural(other, "other problem"))
	}
	if len(parts) == 0 {
		info.Verification = "FAILED verification: " + sig
	} else {
		info.Verification = "FAILED verification: " + strings.Join(parts, ", ") + "; " + sig
	}
}

// problemPath is the member a verification problem is about, if any.
func problemPath(err error) string {
	var ie *bundle.IntegrityError
	var me *bundle.MemberError
	var le *bundle.LimitError
	switch {
	case errors.As(err, &ie):
		return ie.Path
	case errors.As(err, &me):
		return me.Path
	case errors.As(err, &le):
		return le.Path
	}
	return ""
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// EvaluateNode runs the selected targets of cat on one node.
func EvaluateNode(n *evidence.Node, cat *catalog.Catalog, opts Options) results.NodeResult {
	return evaluateNode(n, nil, choice{cat: cat, reason: "chosen with --benchmark"}, opts)
}

func evaluateNode(n *evidence.Node, verifyProblems []error, c choice, opts Options) results.NodeResult {
	m := n.Manifest
	nr := results.NodeResult{Node: n.Name, Bundle: bundleInfo(n, verifyProblems, opts.Trusted),
		Benchmark: c.cat.Benchmark, BenchmarkReason: c.reason, BenchmarkVersion: c.cat.Version, Cluster: n.ClusterInfo()}
	targets := opts.Targets
	if len(targets) == 0 {
		targets = TargetsForRoles(m.Host.Roles)
	}
	for _, sec := range c.cat.Sections {
		// The policies are the cluster's: evaluated once, in its scope.
		if !slices.Contains(targets, sec.Target) || isClusterTarget(sec.Target) {
			continue
		}
		tr := results.TargetResult{Section: sec.View()}
		size := 0
		for _, g := range sec.Groups {
			size += len(g.Checks)
		}
		tr.Results = make([]results.Result, 0, size)
		for _, g := range sec.Groups {
			for _, c := range g.Checks {
				if len(opts.Checks) > 0 && !selected(opts.Checks, c) {
					continue
				}
				var r results.Result
				if selected(opts.Skip, c) {
					r = skippedResult(c, n.ManifestCitation("skipped on request"))
				} else {
					r = Evaluate(c, n)
				}
				if len(r.Citations) == 0 {
					r.Citations = []results.Citation{n.ManifestCitation("roles: " + strings.Join(m.Host.Roles, ","))}
				}
				if n.AnyUnverified() {
					markUnverified(n, &r)
				}
				tr.Totals.Add(r.Shown())
				tr.Results = append(tr.Results, r)
			}
		}
		if len(tr.Results) > 0 {
			nr.Totals.Merge(tr.Totals)
			nr.Targets = append(nr.Targets, tr)
		}
	}
	return nr
}

// skippedResult is the INFO result of a check skipped with --skip.
func skippedResult(c *catalog.Check, cite results.Citation) results.Result {
	return results.Result{Check: c.View(), Status: results.Info, Reason: "skipped by --skip", Expected: "skipped", Observed: "not evaluated",
		Citations: []results.Citation{cite}}
}

// selected reports whether a check is named by id or by one of its
// groups' ids.
func selected(ids []string, c *catalog.Check) bool {
	for _, id := range ids {
		if id == c.ID || strings.HasPrefix(c.ID, id+".") {
			return true
		}
	}
	return false
}

// markUnverified marks the citations of members that failed verification,
// and the result that rests on them.
func markUnverified(n *evidence.Node, r *results.Result) {
	for i := range r.Citations {
		if n.Unverified(r.Citations[i].Member) {
			if !r.Unverified {
				// Citations may share their backing array with the
				// node's lookups: copy before changing.
				r.Citations = slices.Clone(r.Citations)
			}
			r.Citations[i].Unverified = true
			r.Unverified = true
		}
	}
}

// resultsHost is the manifest's host facts as the results model holds them.
func resultsHost(h bundle.Host) results.Host {
	out := results.Host{
		Hostname: h.Hostname, Kernel: h.Kernel, Architecture: h.Architecture,
		OS:    results.OSRelease{ID: h.OS.ID, VersionID: h.OS.VersionID, PrettyName: h.OS.PrettyName},
		Roles: h.Roles, Components: h.Components, Runtimes: h.Runtimes,
	}
	for _, v := range h.Kubernetes {
		out.Kubernetes = append(out.Kubernetes, results.Version{Version: v.Version, Component: v.Component, Source: v.Source, Path: v.Path})
	}
	return out
}

// nodeList names nodes, at most five of them.
func nodeList(names []string) string {
	slices.Sort(names)
	list := strings.Join(names[:min(len(names), 5)], ", ")
	if len(names) > 5 {
		list += fmt.Sprintf(" and %d more", len(names)-5)
	}
	return plural(len(names), "node") + ": " + list
}
