// Package fleet sums a report up across its nodes: each check's verdicts
// over every node that ran it ("1.2.21 FAIL on 312 of 1,000 nodes"), and
// the inconsistencies between nodes that should be alike — nodes that
// ran the same target (every control plane, every worker) and observed
// different values for one check, such as one API server started with
// --profiling=true among many without it.
package fleet

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// Summary is a report seen across its nodes.
type Summary struct {
	// Nodes counts the node scopes (not the clusters'); Clusters the
	// clusters they belong to, as CA certificates and API endpoints tell.
	Nodes    int
	Clusters int
	// Checks, in target order, then by check id.
	Checks []Check
	// Inconsistencies, the ones whose verdicts differ first, then in
	// check order.
	Inconsistencies []Inconsistency
}

// Check is one check across the scopes that ran it. Checks are told
// apart by target and library name, so that one check keeps one row when
// nodes were analyzed against benchmarks that number it differently.
type Check struct {
	Target string
	// ID is the check's id, or its ids joined with " / " when the
	// benchmarks of the nodes differ ("1.2.18 / 1.2.21").
	ID     string
	Name   string
	Title  string
	Review bool
	Scored bool
	// Totals count the shown verdicts (WAIVED apart).
	Totals results.Totals
	// Ran counts the scopes that ran the check.
	Ran int
	// Failing and Waived name the scopes whose result is shown FAIL, or
	// WAIVED, sorted.
	Failing []string
	Waived  []string
	ids     []string
}

// Inconsistency is a check whose observed value differs between scopes
// that ran the same target.
type Inconsistency struct {
	Target, ID, Name, Title string
	// Cluster names the cluster whose nodes differ (its name and API
	// endpoint, or its CA): only nodes of one cluster are compared.
	Cluster string
	// VerdictsDiffer: the groups do not all have the same shown verdict.
	VerdictsDiffer bool
	// Groups of scopes by observed value, the largest first.
	Groups []ValueGroup
}

// ValueGroup is the scopes that observed one value.
type ValueGroup struct {
	Observed string
	// Status is the shown verdict of the group's first scope; Statuses
	// counts every shown verdict in the group (a value can pass on one
	// node and be unknown on another when other evidence differs).
	Status   results.Status
	Statuses results.Totals
	Nodes    []string
	// Citation is the first scope's first citation, or nil.
	Citation *results.Citation
}

type key struct{ target, name string }

// Summarize sums rep up. Every scope counts (the clusters' too), but only
// node scopes are compared for inconsistencies: a cluster's policies are
// decided once.
func Summarize(rep *results.Report) *Summary {
	s := &Summary{Nodes: len(rep.Nodes)}
	index := map[key]int{}
	type obs struct {
		node, cluster string
		res           *results.Result
	}
	clusters := map[string]string{} // key → label
	caGroup, _ := results.CAGroups(rep.Nodes)
	observed := map[key][]obs{}
	for si, n := range rep.Scopes() {
		var ck string
		if si < len(rep.Nodes) {
			var label string
			ck, label = clusterOf(&n, caGroup[si])
			if _, ok := clusters[ck]; !ok {
				clusters[ck] = label
			}
		}
		for _, tr := range n.Targets {
			for i := range tr.Results {
				r := &tr.Results[i]
				if r.Check == nil {
					continue
				}
				k := key{tr.Section.Target, r.Check.Name}
				if k.name == "" {
					k.name = r.Check.ID
				}
				ci, ok := index[k]
				if !ok {
					ci = len(s.Checks)
					index[k] = ci
					s.Checks = append(s.Checks, Check{Target: k.target, Name: r.Check.Name, Title: r.Check.Title, Review: r.Check.Review, Scored: r.Check.Scored})
				}
				c := &s.Checks[ci]
				if !slices.Contains(c.ids, r.Check.ID) {
					c.ids = append(c.ids, r.Check.ID)
				}
				c.Ran++
				shown := r.Shown()
				c.Totals.Add(shown)
				switch shown {
				case results.Fail:
					c.Failing = append(c.Failing, n.Node)
				case results.Waived:
					c.Waived = append(c.Waived, n.Node)
				}
				if !n.IsCluster() && shown != results.NA && shown != results.Info {
					observed[k] = append(observed[k], obs{n.Node, ck, r})
				}
			}
		}
	}
	for i := range s.Checks {
		c := &s.Checks[i]
		slices.SortFunc(c.ids, results.CompareIDs)
		c.ID = strings.Join(c.ids, " / ")
		slices.Sort(c.Failing)
		slices.Sort(c.Waived)
	}
	slices.SortStableFunc(s.Checks, func(a, b Check) int {
		return cmp.Or(cmp.Compare(targetRank(a.Target), targetRank(b.Target)), results.CompareIDs(a.ids[0], b.ids[0]), strings.Compare(a.Name, b.Name))
	})
	s.Clusters = len(clusters)
	for _, c := range s.Checks {
		all := observed[key{c.Target, cmp.Or(c.Name, c.ids[0])}]
		// Nodes of one cluster are compared, never nodes of two.
		byCluster := map[string][]obs{}
		for _, o := range all {
			byCluster[o.cluster] = append(byCluster[o.cluster], o)
		}
		for _, ck := range slices.Sorted(maps.Keys(byCluster)) {
			obs := byCluster[ck]
			if len(obs) < 2 {
				continue
			}
			groups := map[string]int{}
			inc := Inconsistency{Cluster: clusters[ck]}
			for _, o := range obs {
				v := normalize(o.res.Observed, o.node)
				gi, ok := groups[v]
				if !ok {
					gi = len(inc.Groups)
					groups[v] = gi
					g := ValueGroup{Observed: o.res.Observed, Status: o.res.Shown()}
					if len(o.res.Citations) > 0 {
						cit := o.res.Citations[0]
						g.Citation = &cit
					}
					inc.Groups = append(inc.Groups, g)
				}
				g := &inc.Groups[gi]
				g.Nodes = append(g.Nodes, o.node)
				g.Statuses.Add(o.res.Shown())
			}
			if len(inc.Groups) < 2 {
				continue
			}
			inc.Target, inc.ID, inc.Name, inc.Title = c.Target, c.ID, c.Name, c.Title
			shared := false
			var every results.Totals
			for _, g := range inc.Groups {
				every.Merge(g.Statuses)
				shared = shared || len(g.Nodes) > 1
			}
			inc.VerdictsDiffer = kinds(every) > 1
			// A value every node has its own of (an address, a name) is
			// the node's, not a difference between alike nodes: it is one
			// only when the verdicts differ too.
			if !shared && !inc.VerdictsDiffer {
				continue
			}
			for i := range inc.Groups {
				slices.Sort(inc.Groups[i].Nodes)
			}
			slices.SortStableFunc(inc.Groups, func(a, b ValueGroup) int {
				return cmp.Or(cmp.Compare(len(b.Nodes), len(a.Nodes)), strings.Compare(a.Nodes[0], b.Nodes[0]))
			})
			s.Inconsistencies = append(s.Inconsistencies, inc)
		}
	}
	slices.SortStableFunc(s.Inconsistencies, func(a, b Inconsistency) int {
		switch {
		case a.VerdictsDiffer && !b.VerdictsDiffer:
			return -1
		case !a.VerdictsDiffer && b.VerdictsDiffer:
			return 1
		}
		return 0
	})
	return s
}

// clusterOf tells which cluster a node belongs to: its group of nodes
// sharing a CA certificate (results.CAGroups), else the API endpoint its
// kubeconfigs name, else none known ("": every such node taken as one
// cluster). The label names it for reports: the first node's cluster name
// and endpoint.
func clusterOf(n *results.NodeResult, caGroup int) (key, label string) {
	label = strings.TrimSpace(n.Cluster.Name + " " + n.Cluster.Endpoint)
	switch {
	case caGroup >= 0:
		return fmt.Sprintf("ca:%06d", caGroup), label
	case n.Cluster.Endpoint != "":
		return "api:" + n.Cluster.Endpoint, label
	}
	return "", label
}

// kinds counts the statuses t holds.
func kinds(t results.Totals) int {
	n := 0
	for _, c := range []int{t.Pass, t.Fail, t.Warn, t.Info, t.NA, t.Waived} {
		if c > 0 {
			n++
		}
	}
	return n
}

// targetRank orders targets as the benchmarks do.
func targetRank(t string) int {
	if i := slices.Index(results.Targets, t); i >= 0 {
		return i
	}
	return len(results.Targets)
}

// normalize makes one node's observed value comparable with another's:
// the node's own name in it (a serving certificate named after the host,
// a hostname-override flag) does not make it differ.
func normalize(observed, node string) string {
	if node == "" {
		return observed
	}
	return strings.ReplaceAll(observed, node, "<node>")
}

// Line is the check's fleet line: "1.2.21 FAIL on 312 of 1,000 nodes",
// or, with nothing failing, its most telling count.
func (c Check) Line() string {
	t := c.Totals
	of := fmt.Sprintf("of %s", Count(c.Ran, "node"))
	var parts []string
	for _, p := range []struct {
		n int
		s results.Status
	}{{t.Fail, results.Fail}, {t.Waived, results.Waived}, {t.Warn, results.Warn}, {t.Pass, results.Pass}, {t.Info, results.Info}, {t.NA, results.NA}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%s on %s", p.s, Thousands(p.n)))
		}
	}
	return c.ID + " " + strings.Join(parts, ", ") + " " + of
}

// Count writes n and a noun, pluralised: "1 node", "1,000 nodes".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return Thousands(n) + " " + noun + "s"
}

// Thousands writes n with commas between thousands: 1,000.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
