package analyzer

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
)

// Options select what Analyze evaluates.
type Options struct {
	Catalog *Catalog
	// Targets to run on every node; empty means by each node's roles.
	Targets []string
	// Checks, when given, are the only check or group ids evaluated.
	Checks []string
	// Skip lists check or group ids reported as INFO "skipped".
	Skip []string
	// Limits for reading bundles.
	Limits bundle.Limits
	// ReportTime is the report's date; zero means the latest collection
	// end among the bundles (never the clock: reports are reproducible).
	ReportTime time.Time
	// Version of the analyzer, recorded in the report.
	Version string
	// Progress, if set, is called after each bundle.
	Progress func(done, total int)
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
	for _, t := range Targets {
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
	return fmt.Sprintf("%d bundle(s) refused:\n%s", len(e.Errs), strings.Join(msgs, "\n"))
}

func (e *BundleError) Unwrap() []error { return e.Errs }

// Analyze reads every bundle file, verifies it, and evaluates the catalog
// against it. A bundle that fails verification makes the whole run fail,
// naming every such bundle and its problems: a report never silently
// leaves a node out.
func Analyze(files []string, opts Options) (*Report, error) {
	if opts.Catalog == nil {
		return nil, errors.New("analyzer: no catalog")
	}
	for _, t := range opts.Targets {
		if !contains(Targets, t) {
			return nil, fmt.Errorf("unknown target %q: want some of %s", t, strings.Join(Targets, ", "))
		}
	}
	nodes := make([]NodeResult, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	next := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				nodes[i], errs[i] = analyzeFile(files[i], opts)
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress(done, len(files))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	var bad []error
	for _, err := range errs {
		if err != nil {
			bad = append(bad, err)
		}
	}
	if len(bad) > 0 {
		return nil, &BundleError{Errs: bad}
	}
	sort.SliceStable(nodes, func(i, j int) bool {
		if nodes[i].Node != nodes[j].Node {
			return nodes[i].Node < nodes[j].Node
		}
		return nodes[i].Bundle.Digest.String() < nodes[j].Bundle.Digest.String()
	})
	rep := &Report{Benchmark: opts.Catalog.Benchmark, AnalyzerVersion: opts.Version, ReportTime: opts.ReportTime, Targets: opts.Targets, Nodes: nodes}
	for _, n := range nodes {
		rep.Totals.Merge(n.Totals)
		if opts.ReportTime.IsZero() && n.Bundle.CollectedAt.After(rep.ReportTime) {
			rep.ReportTime = n.Bundle.CollectedAt
		}
	}
	rep.ReportTime = rep.ReportTime.UTC()
	return rep, nil
}

func analyzeFile(file string, opts Options) (NodeResult, error) {
	b, err := bundle.Open(file, opts.Limits)
	if err != nil {
		return NodeResult{}, err
	}
	n, err := NewNode(file, b)
	if err != nil {
		return NodeResult{}, err
	}
	return EvaluateNode(n, opts), nil
}

// EvaluateNode runs the selected targets of the catalog on one node.
func EvaluateNode(n *Node, opts Options) NodeResult {
	m := n.Manifest
	nr := NodeResult{
		Node: n.Name,
		Bundle: BundleInfo{
			File: n.File, Digest: n.Digest, Host: m.Host, CollectedAt: m.Collection.Finished.UTC(),
			CollectorVersion: m.Collector.Version, FormatVersion: m.Format, Partial: m.Collection.Partial,
			Verification: "verified",
		},
	}
	targets := opts.Targets
	if len(targets) == 0 {
		targets = TargetsForRoles(m.Host.Roles)
	}
	for _, sec := range opts.Catalog.Sections {
		if !contains(targets, sec.Target) {
			continue
		}
		tr := TargetResult{Section: sec}
		for _, g := range sec.Groups {
			for _, c := range g.Checks {
				if len(opts.Checks) > 0 && !selected(opts.Checks, c) {
					continue
				}
				var r Result
				if selected(opts.Skip, c) {
					r = Result{Check: c, Status: Info, Reason: "skipped by --skip", Expected: "skipped", Observed: "not evaluated",
						Citations: []Citation{n.manifestCitation("skipped on request")}}
				} else {
					r = Evaluate(c, n)
				}
				if len(r.Citations) == 0 {
					r.Citations = []Citation{n.manifestCitation("roles: " + strings.Join(m.Host.Roles, ","))}
				}
				tr.Totals.Add(r.Status)
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

// selected reports whether a check is named by id or by one of its
// groups' ids.
func selected(ids []string, c *Check) bool {
	for _, id := range ids {
		if id == c.ID || strings.HasPrefix(c.ID, id+".") {
			return true
		}
	}
	return false
}

func (n *Node) manifestCitation(observed string) Citation {
	return Citation{Bundle: n.Digest, Node: n.Name, Member: bundle.ManifestPath, MemberSHA256: n.Digest, Locator: "host", Observed: observed}
}
