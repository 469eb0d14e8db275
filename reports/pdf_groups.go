package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/kubeproof/kubeproof/fleet"
	"github.com/kubeproof/kubeproof/results"
)

// checkResults is one check's results across the scopes of a report, as
// the fleet summary counts them: one check of the check library (by
// target and name), whatever id each node's benchmark gives it.
type checkResults struct {
	fleet   *fleet.Check
	target  string
	check   *results.Check // as the first scope has it
	section *results.Section
	items   []scopedResult
}

type scopedResult struct {
	scope *results.NodeResult
	r     *results.Result
}

// id is the check's id, or its ids joined when benchmarks differ.
func (c *checkResults) id() string { return c.fleet.ID }

// indexChecks gathers the results of the scopes by check, in the order of
// the fleet summary sum.
func indexChecks(sum *fleet.Summary, scopes []results.NodeResult) []*checkResults {
	type key struct{ target, name string }
	byKey := map[key]*checkResults{}
	for si := range scopes {
		n := &scopes[si]
		for ti := range n.Targets {
			tr := &n.Targets[ti]
			for ri := range tr.Results {
				r := &tr.Results[ri]
				if r.Check == nil {
					continue
				}
				k := key{tr.Section.Target, cmp.Or(r.Check.Name, r.Check.ID)}
				c := byKey[k]
				if c == nil {
					c = &checkResults{target: tr.Section.Target, check: r.Check, section: tr.Section}
					byKey[k] = c
				}
				c.items = append(c.items, scopedResult{n, r})
			}
		}
	}
	out := make([]*checkResults, 0, len(sum.Checks))
	for i := range sum.Checks {
		fc := &sum.Checks[i]
		if c := byKey[key{fc.Target, cmp.Or(fc.Name, fc.ID)}]; c != nil {
			c.fleet = fc
			out = append(out, c)
		}
	}
	return out
}

// scopeCountText is "1 node", "1,000 nodes" or "the cluster".
func scopeCountText(items []scopedResult) string {
	nodes, clusters := 0, 0
	for _, it := range items {
		if it.scope.IsCluster() {
			clusters++
		} else {
			nodes++
		}
	}
	var parts []string
	if nodes > 0 {
		parts = append(parts, countNoun(nodes, "node"))
	}
	switch {
	case clusters == 1:
		parts = append(parts, "the cluster")
	case clusters > 1:
		parts = append(parts, countNoun(clusters, "cluster"))
	}
	return strings.Join(parts, ", ")
}

// thousands writes n with thousands separators: 1,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// countNoun is "1 node" or "1,000 nodes".
func countNoun(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return thousands(n) + " " + word + "s"
}

// resultGroup is the results of one check on several scopes that read
// alike: the same shown verdict and, as the key says, the same values.
type resultGroup struct {
	status results.Status // shown
	first  *results.Result
	items  []scopedResult
}

// groupResults groups the items whose shown verdict keep accepts by key,
// the groups ordered by severity, then largest first, then first seen.
func groupResults(items []scopedResult, keep func(results.Status) bool, key func(*results.Result, string) string) []*resultGroup {
	var out []*resultGroup
	byKey := map[string]*resultGroup{}
	for _, it := range items {
		s := it.r.Shown()
		if !keep(s) {
			continue
		}
		k := string(s) + "\x00" + key(it.r, it.scope.Node)
		g := byKey[k]
		if g == nil {
			g = &resultGroup{status: s, first: it.r}
			byKey[k] = g
			out = append(out, g)
		}
		g.items = append(g.items, it)
	}
	slices.SortStableFunc(out, func(a, b *resultGroup) int {
		if c := severity(a.status) - severity(b.status); c != 0 {
			return c
		}
		return len(b.items) - len(a.items)
	})
	return out
}

// nodePlaceholder stands for each node's own name in the values of a
// group, as in the fleet summary: a certificate named after its host is
// one finding on a thousand nodes, not a thousand.
const nodePlaceholder = "<node>"

// nodeless is s with node's name replaced by nodePlaceholder. Names
// shorter than three characters are left: they would match anywhere.
func nodeless(s, node string) string {
	if len(node) < 3 {
		return s
	}
	return strings.ReplaceAll(s, node, nodePlaceholder)
}

// show is how a group shows a value of its first result: with the node's
// name as nodePlaceholder when the group has several nodes.
func (g *resultGroup) show(s string) string {
	if len(g.items) < 2 {
		return s
	}
	return nodeless(s, g.items[0].scope.Node)
}

// pidPlaceholder stands for the process ids in the places of a group's
// evidence: the same flag of the same component is read from another pid
// on every node.
const pidPlaceholder = "<pid>"

// pidless replaces the number after every word "pid" in s by
// pidPlaceholder.
func pidless(s string) string {
	if !strings.Contains(s, "pid ") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "pid ") && (i == 0 || !unicode.IsLetter(rune(s[i-1]))) {
			j := i + 4
			for j < len(s) && isDigit(rune(s[j])) {
				j++
			}
			b.WriteString("pid ")
			if j > i+4 {
				b.WriteString(pidPlaceholder)
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// observedKey groups results by what was observed and why, and by the
// waiver that applies: the distinct values of the findings.
func observedKey(r *results.Result, node string) string {
	return nodeless(r.Observed, node) + "\x00" + r.Reason + "\x00" + r.WaiverNote()
}

// evidenceKey groups results by everything a reader checks but the node
// and the digests: the values, and the members and places they were read
// from.
func evidenceKey(r *results.Result, node string) string {
	var b strings.Builder
	b.WriteString(observedKey(r, node))
	b.WriteString("\x00" + r.Expected)
	if r.Unverified {
		b.WriteString("\x00unverified")
	}
	for _, c := range r.Citations {
		b.WriteString("\x01" + nodeless(c.Member, node) + "\x00" + pidless(nodeless(c.Locator, node)) + "\x00" + nodeless(c.Observed, node))
		if c.Unverified {
			b.WriteString("\x00unverified")
		}
	}
	return b.String()
}

// nodeNames is the names of the scopes of items.
func nodeNames(items []scopedResult) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.scope.Node
	}
	return out
}

// nodesText names the scopes of a group among those that ran the check:
// "every node that ran it (1,000)" when they all did, "all 1,000 but
// node-7 and node-9" when few did not, else the names, at most max of
// them (max 0: all).
func nodesText(group, ran []scopedResult, max int) string {
	if len(ran) > 1 && len(group) == len(ran) {
		return "all " + countNoun(len(ran), scopeWord(ran)) + " that ran it"
	}
	names := nodeNames(group)
	if len(ran) > 4 && len(group) > len(ran)/2 {
		in := map[*results.NodeResult]bool{}
		for _, it := range group {
			in[it.scope] = true
		}
		var out []scopedResult
		for _, it := range ran {
			if !in[it.scope] {
				out = append(out, it)
			}
		}
		return fmt.Sprintf("%s of %s, all but %s", thousands(len(group)), countNoun(len(ran), scopeWord(ran)), listNames(nodeNames(out), max))
	}
	return countNoun(len(group), scopeWord(group)) + ": " + listNames(names, max)
}

func scopeWord(items []scopedResult) string {
	for _, it := range items {
		if !it.scope.IsCluster() {
			return "node"
		}
	}
	return "cluster"
}

// listNames joins names, at most max of them (0: all), saying how many
// more there are.
func listNames(names []string, max int) string {
	if max > 0 && len(names) > max {
		return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %s more", thousands(len(names)-max))
	}
	return strings.Join(names, ", ")
}

// pdfScope is "1,000 nodes, 1,000 bundles".
func pdfScope(rep *results.Report) string {
	return countNoun(len(rep.Nodes), "node") + ", " + countNoun(len(bundleDigests(rep)), "bundle")
}
