package reports

import (
	"slices"

	"github.com/kubeproof/kubeproof/diff"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// safeReport returns rep with every string that came from a bundle
// escaped for display (display.Escape): host names and OS descriptions,
// file names, observed values, citations, verification problems. The
// text, PDF and workbook renderers show it; the JSON report keeps the
// values as they are, escaped by JSON itself. Nodes with nothing to
// escape are shared with rep, not copied.
func safeReport(rep *results.Report) *results.Report {
	var out *results.Report
	copyReport := func() {
		if out == nil {
			c := *rep
			c.Nodes = slices.Clone(rep.Nodes)
			c.Clusters = slices.Clone(rep.Clusters)
			out = &c
		}
	}
	for i := range rep.Nodes {
		if !needsEscape(func(f func(*string)) { walkNode(&rep.Nodes[i], f) }) {
			continue
		}
		copyReport()
		n := cloneNode(rep.Nodes[i])
		walkNode(&n, escapeString)
		out.Nodes[i] = n
	}
	// The cluster scopes carry strings of an API snapshot: its cluster
	// name, the objects' names and values in citations.
	for i := range rep.Clusters {
		if !needsEscape(func(f func(*string)) { walkNode(&rep.Clusters[i], f) }) {
			continue
		}
		copyReport()
		n := cloneNode(rep.Clusters[i])
		walkNode(&n, escapeString)
		out.Clusters[i] = n
	}
	if needsEscape(func(f func(*string)) { walkExcluded(rep, f) }) {
		copyReport()
		out.Refused = slices.Clone(rep.Refused)
		out.LeftOut = slices.Clone(rep.LeftOut)
		walkExcluded(out, escapeString)
	}
	if out == nil {
		return rep
	}
	return out
}

func escapeString(p *string) { *p = display.Escape(*p) }

func escapeAll(ps ...*string) {
	for _, p := range ps {
		escapeString(p)
	}
}

func needsEscape(walk func(func(*string))) bool {
	found := false
	walk(func(p *string) {
		if !found && display.Escape(*p) != *p {
			found = true
		}
	})
	return found
}

// walkNode calls f on every string of n that a bundle supplied.
func walkNode(n *results.NodeResult, f func(*string)) {
	f(&n.Node)
	walkBundle(&n.Bundle, f)
	f(&n.Cluster.Name)
	f(&n.Cluster.Endpoint)
	walkCitations(n.Cluster.Citations, f)
	for ti := range n.Targets {
		for ri := range n.Targets[ti].Results {
			r := &n.Targets[ti].Results[ri]
			f(&r.Observed)
			f(&r.Reason)
			f(&r.Expected)
			walkCitations(r.Citations, f)
		}
	}
}

func walkCitations(cs []results.Citation, f func(*string)) {
	for ci := range cs {
		c := &cs[ci]
		f(&c.Node)
		f(&c.Member)
		f(&c.Locator)
		f(&c.Observed)
	}
}

func walkBundle(b *results.BundleInfo, f func(*string)) {
	h := &b.Host
	for _, p := range []*string{&b.File, &b.CollectorVersion, &b.Verification, &b.SignerKeyID, &b.Mode, &b.User,
		&h.Hostname, &h.OS.ID, &h.OS.VersionID, &h.OS.PrettyName, &h.Kernel, &h.Architecture} {
		f(p)
	}
	for _, l := range [][]string{h.Roles, h.Components, h.Runtimes, b.Problems, b.UnverifiedMembers} {
		for i := range l {
			f(&l[i])
		}
	}
	for i := range h.Kubernetes {
		k := &h.Kubernetes[i]
		f(&k.Version)
		f(&k.Component)
		f(&k.Source)
		f(&k.Path)
	}
}

// walkExcluded calls f on the strings of the bundles a report leaves out.
func walkExcluded(rep *results.Report, f func(*string)) {
	for i := range rep.Refused {
		f(&rep.Refused[i].File)
		f(&rep.Refused[i].Reason)
	}
	for i := range rep.LeftOut {
		f(&rep.LeftOut[i].File)
		f(&rep.LeftOut[i].Host)
		f(&rep.LeftOut[i].Reason)
	}
}

// cloneNode copies every slice walkNode writes through.
func cloneNode(n results.NodeResult) results.NodeResult {
	b := &n.Bundle
	b.Problems = slices.Clone(b.Problems)
	b.UnverifiedMembers = slices.Clone(b.UnverifiedMembers)
	b.Host.Roles = slices.Clone(b.Host.Roles)
	b.Host.Components = slices.Clone(b.Host.Components)
	b.Host.Runtimes = slices.Clone(b.Host.Runtimes)
	b.Host.Kubernetes = slices.Clone(b.Host.Kubernetes)
	n.Cluster.Citations = slices.Clone(n.Cluster.Citations)
	n.Targets = slices.Clone(n.Targets)
	for ti := range n.Targets {
		rs := slices.Clone(n.Targets[ti].Results)
		for ri := range rs {
			rs[ri].Citations = slices.Clone(rs[ri].Citations)
		}
		n.Targets[ti].Results = rs
	}
	return n
}

// safeDiff returns a copy of d with every string escaped for display, as
// safeReport does for a report: node and benchmark names, versions, check
// names, titles and statements, values, citations. The diff's PDF and
// workbook show it; d itself is left as it is.
func safeDiff(d *diff.Diff) *diff.Diff {
	out := *d
	escapeAll(&out.Old.AnalyzerVersion, &out.Old.Benchmark, &out.New.AnalyzerVersion, &out.New.Benchmark)
	for _, w := range []**diff.Waivers{&out.Old.Waivers, &out.New.Waivers} {
		if *w != nil {
			c := **w
			escapeString(&c.File)
			*w = &c
		}
	}
	out.Scopes = slices.Clone(d.Scopes)
	for i := range out.Scopes {
		s := &out.Scopes[i]
		escapeAll(&s.Node, &s.Old.Benchmark, &s.Old.Reason, &s.Old.KubeVersion, &s.New.Benchmark, &s.New.Reason, &s.New.KubeVersion)
		s.Changes = slices.Clone(s.Changes)
		for j := range s.Changes {
			c := &s.Changes[j]
			escapeAll(&c.Name, &c.Target)
			c.Definition = slices.Clone(c.Definition)
			for k := range c.Definition {
				escapeString(&c.Definition[k])
			}
			c.Old, c.New = safeVerdict(c.Old), safeVerdict(c.New)
			c.Evidence = slices.Clone(c.Evidence)
			for k := range c.Evidence {
				e := &c.Evidence[k]
				e.Old, e.New = safeCitation(e.Old), safeCitation(e.New)
			}
		}
	}
	return &out
}

func safeVerdict(v *diff.Verdict) *diff.Verdict {
	if v == nil {
		return nil
	}
	c := *v
	escapeAll(&c.ID, &c.Title, &c.Assessment, &c.Expected, &c.Observed, &c.Reason)
	c.Citations = slices.Clone(c.Citations)
	walkCitations(c.Citations, escapeString)
	if c.Waiver != nil {
		w := *c.Waiver
		escapeAll(&w.Check, &w.Justification, &w.Approver, &w.Ticket, &w.Benchmark, &w.Expires)
		c.Waiver = &w
	}
	return &c
}

func safeCitation(c *results.Citation) *results.Citation {
	if c == nil {
		return nil
	}
	cs := []results.Citation{*c}
	walkCitations(cs, escapeString)
	return &cs[0]
}
