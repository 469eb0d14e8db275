package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// ErrNotReport is returned by ReadJSON for JSON that is not a kubeproof
// report (kube-bench's own JSON lacks the kubeproof section).
var ErrNotReport = errors.New("reports: not a kubeproof JSON report")

// ReadJSON reads back a report that JSON wrote, into the results model.
// What the JSON holds comes back so that JSON writes the same bytes again;
// what it does not hold (check components and references, the report's
// --targets, --check and --skip, platform citations) stays empty. A report
// written before checks carried their library name gives checks without
// one.
func ReadJSON(r io.Reader) (*results.Report, error) {
	var in struct {
		Controls  []jsonControls `json:"Controls"`
		KubeProof *jsonMeta      `json:"kubeproof"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("reading JSON report: %w", err)
	}
	if in.KubeProof == nil {
		return nil, ErrNotReport
	}
	meta := in.KubeProof
	rep := &results.Report{
		Benchmark: meta.Benchmark, Benchmarks: meta.Benchmarks, AnalyzerVersion: meta.AnalyzerVersion,
		ReportTime: meta.ReportTime, Refused: meta.Refused, LeftOut: meta.LeftOut, Warnings: meta.Warnings, Waivers: meta.Waivers,
	}
	// Consecutive controls of one node (or cluster) and bundle are its
	// targets; the bundles of the meta section follow the same order,
	// one per scope but for clusters without an API snapshot.
	var scopes []results.NodeResult
	for i := range in.Controls {
		c := &in.Controls[i]
		if c.Scope != "" && c.Scope != results.ScopeCluster {
			return nil, fmt.Errorf("reading JSON report: control %q of %q: unknown scope %q", c.ID, c.Node, c.Scope)
		}
		last := len(scopes) - 1
		if last < 0 || scopes[last].Node != c.Node || scopes[last].Scope != c.Scope || scopes[last].Bundle.Digest != c.Bundle {
			scopes = append(scopes, results.NodeResult{
				Scope: c.Scope, Node: c.Node, Bundle: results.BundleInfo{Digest: c.Bundle},
				Benchmark: c.Benchmark, BenchmarkReason: c.BenchmarkReason, BenchmarkVersion: c.Version,
				KubeVersion: c.DetectedVersion, Platform: c.Platform, PlatformReason: c.PlatformReason,
			})
			last++
		}
		n := &scopes[last]
		tr := readControl(c)
		n.Targets = append(n.Targets, tr)
		n.Totals.Merge(tr.Totals)
	}
	// Pair the scopes with their bundles; a bundle no control names is a
	// node without targets.
	bundles := meta.Bundles
	emptyNode := func(b results.BundleInfo) results.NodeResult {
		return results.NodeResult{Node: b.Host.Hostname, Bundle: b}
	}
	var all []results.NodeResult
	for _, n := range scopes {
		if n.IsCluster() && n.Bundle.Digest == "" {
			all = append(all, n)
			continue
		}
		at := -1
		for i, b := range bundles {
			if b.Digest == n.Bundle.Digest {
				at = i
				break
			}
		}
		if at >= 0 {
			for _, b := range bundles[:at] {
				all = append(all, emptyNode(b))
			}
			n.Bundle = bundles[at]
			bundles = bundles[at+1:]
			// The control keeps the minor version only; the bundle's
			// observations of it, the whole one.
			for _, v := range n.Bundle.Host.Kubernetes {
				if n.KubeVersion != "" && minorVersion(v.Version) == n.KubeVersion {
					n.KubeVersion = v.Version
					break
				}
			}
		}
		all = append(all, n)
	}
	for _, b := range bundles {
		all = append(all, emptyNode(b))
	}
	for _, n := range all {
		if n.IsCluster() {
			rep.Clusters = append(rep.Clusters, n)
		} else {
			rep.Nodes = append(rep.Nodes, n)
		}
		rep.Totals.Merge(n.Totals)
	}
	return rep, nil
}

// readControl rebuilds one target's section, checks and results.
func readControl(c *jsonControls) results.TargetResult {
	sec := &results.Section{Benchmark: c.Benchmark, Target: c.NodeType, ID: c.ID, Title: c.Text}
	tr := results.TargetResult{Section: sec}
	for _, g := range c.Tests {
		sec.Groups = append(sec.Groups, &results.Group{ID: g.Section, Title: g.Desc})
		grp := sec.Groups[len(sec.Groups)-1]
		for _, jr := range g.Results {
			title, assessment := splitTitle(jr.TestDesc)
			chk := &results.Check{
				ID: jr.TestNumber, Title: title, Assessment: assessment, Review: jr.Type == "manual",
				Scored: jr.Scored, Remediation: jr.Remediation, Target: c.NodeType, Group: g.Section, Name: jr.Check,
			}
			grp.Checks = append(grp.Checks, chk)
			r := results.Result{
				Check: chk, Status: results.Status(jr.Status), Expected: jr.ExpectedResult, Observed: jr.ActualValue,
				Reason: jr.Reason, Explanation: jr.Explanation, Citations: jr.Citations, Unverified: jr.Unverified, Waiver: jr.Waiver,
			}
			tr.Results = append(tr.Results, r)
			tr.Totals.Add(r.Shown())
		}
	}
	return tr
}

// splitTitle parses a title as DisplayTitle writes it, "TITLE (Label)".
func splitTitle(s string) (title, assessment string) {
	for label, a := range map[string]string{"Automated": "automated", "Manual": "manual", "Scored": "scored", "Not Scored": "not-scored"} {
		if t, ok := strings.CutSuffix(s, " ("+label+")"); ok {
			return t, a
		}
	}
	return s, "automated"
}
