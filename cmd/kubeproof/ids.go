package main

import (
	"fmt"
	"strings"

	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/results"
)

// checkIDs refuses --check and --skip ids that name no check, group or
// section of the benchmark (of any embedded benchmark when each node gets
// its own): an id that matches nothing would silently give an empty or
// unchanged report. The error suggests the nearest id.
func checkIDs(cat *catalog.Catalog, flag string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	cats, where := []*catalog.Catalog{cat}, ""
	if cat == nil {
		cats, where = nil, "any embedded benchmark"
		for _, b := range catalog.Benchmarks() {
			c, err := catalog.LoadEmbedded(b)
			if err != nil {
				return err
			}
			cats = append(cats, c)
		}
	} else {
		where = cat.Benchmark
	}
	var known []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			known = append(known, id)
		}
	}
	for _, c := range cats {
		for _, s := range c.Sections {
			add(s.ID)
			for _, g := range s.Groups {
				add(g.ID)
				for _, ch := range g.Checks {
					add(ch.ID)
				}
			}
		}
	}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		msg := fmt.Sprintf("%s %q: no check, group or section of %s has this id", flag, id, where)
		if near := nearest(id, known); near != "" {
			msg += fmt.Sprintf(" (the nearest is %s)", near)
		}
		return &exit.UsageError{Err: fmt.Errorf("%s", msg)}
	}
	return nil
}

// nearest returns the id closest to id by edit distance, the first of
// equals in catalog order; none if even that one shares little with id.
func nearest(id string, known []string) string {
	best, bestD := "", len(id)+1
	for _, k := range known {
		if d := editDistance(id, k); d < bestD {
			best, bestD = k, d
		}
	}
	if bestD > max(2, len(id)/2) {
		return ""
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b)) // ids are short; a long one is no typo
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// nothingToAudit fails a report in which no check applies to any node
// (every bundle is of a host where the collector found no Kubernetes
// component, or the targets asked for are not run on any node), and
// names such nodes in a report that has others.
func nothingToAudit(rep *results.Report) error {
	var idle []string
	for _, n := range rep.Nodes {
		t := n.Totals
		if t.Pass+t.Fail+t.Warn+t.Info == 0 {
			idle = append(idle, fmt.Sprintf("%s (%s)", n.Node, n.Bundle.File))
		}
	}
	if len(idle) == 0 {
		return nil
	}
	list := strings.Join(idle[:min(len(idle), 5)], ", ")
	if len(idle) > 5 {
		list += fmt.Sprintf(" and %d more", len(idle)-5)
	}
	t := rep.Totals
	if t.Pass+t.Fail+t.Warn+t.Info == 0 {
		return &exit.NothingError{
			Err:  fmt.Errorf("nothing to audit: no check applies to any node; no Kubernetes component runs on %s", list),
			Hint: "collect on the nodes that run the control plane, etcd or a kubelet; or name the targets to run with --targets",
		}
	}
	rep.Warnings = append(rep.Warnings, fmt.Sprintf("no check applies to %s: no Kubernetes component the checks audit runs there", plural(len(idle), "node")+": "+list))
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
