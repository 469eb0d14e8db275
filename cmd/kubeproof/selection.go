package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/results"
)

// selection is what analyze makes of the bundle files before analyzing
// them: one file per bundle digest (the same bundle given twice, or under
// two paths, is one node), the newest bundle of each host (unless
// --all-bundles), and, with --keep-going, the files it could not read.
type selection struct {
	files   []string
	leftOut []results.LeftOutBundle
	refused []results.RefusedBundle
	// labels name the nodes of a host analyzed several times
	// (--all-bundles): "host @ collection time".
	labels map[string]string
}

func selectBundles(files []string, lim bundle.Limits, all bool) *selection {
	sel := &selection{labels: map[string]string{}}
	type peeked struct {
		file string
		p    *bundle.Peek
	}
	var ok []peeked
	byDigest := map[bundle.Digest]string{}
	for _, f := range files {
		p, err := bundle.PeekManifest(f, lim)
		if err != nil {
			sel.refused = append(sel.refused, results.RefusedBundle{File: f, Reason: reasonOf(f, err), Err: err})
			continue
		}
		if first, dup := byDigest[p.Digest]; dup {
			sel.leftOut = append(sel.leftOut, leftOut(f, p, "the same bundle as "+first+" (same digest), analyzed once"))
			continue
		}
		byDigest[p.Digest] = f
		ok = append(ok, peeked{f, p})
	}
	// Several bundles of one host: the newest by collection time, unless
	// every one is asked for.
	byHost := map[string][]peeked{}
	var hosts []string
	for _, pk := range ok {
		h := pk.p.Manifest.Host.Hostname
		if _, seen := byHost[h]; !seen {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], pk)
	}
	keep := map[string]bool{}
	for _, h := range hosts {
		group := byHost[h]
		if len(group) == 1 || h == "" {
			for _, pk := range group {
				keep[pk.file] = true
			}
			continue
		}
		sort.SliceStable(group, func(i, j int) bool {
			return group[i].p.Manifest.Collection.Finished.After(group[j].p.Manifest.Collection.Finished)
		})
		newest := group[0]
		for _, pk := range group {
			if all {
				keep[pk.file] = true
				sel.labels[pk.file] = fmt.Sprintf("%s @ %s", h, collected(pk.p))
				continue
			}
			if pk.file == newest.file {
				keep[pk.file] = true
				continue
			}
			sel.leftOut = append(sel.leftOut, leftOut(pk.file, pk.p, fmt.Sprintf("an older bundle of %s; the newest, %s (collected %s), is analyzed (--all-bundles analyzes every one)",
				h, newest.file, collected(newest.p))))
		}
	}
	for _, pk := range ok {
		if keep[pk.file] {
			sel.files = append(sel.files, pk.file)
		}
	}
	return sel
}

func collected(p *bundle.Peek) string {
	return p.Manifest.Collection.Finished.UTC().Format(time.RFC3339)
}

func leftOut(file string, p *bundle.Peek, reason string) results.LeftOutBundle {
	return results.LeftOutBundle{File: file, Digest: results.Digest(p.Digest.String()), Host: p.Manifest.Host.Hostname,
		CollectedAt: p.Manifest.Collection.Finished.UTC(), Reason: reason}
}

// reasonOf is an error's message on one line, without the file name it
// starts with.
func reasonOf(file string, err error) string {
	return strings.Join(strings.Fields(strings.TrimPrefix(err.Error(), file+": ")), " ")
}

// applySelection puts what the selection left out into the report, and
// labels the nodes of a host analyzed several times.
func applySelection(rep *results.Report, sel *selection) {
	rep.LeftOut = sel.leftOut
	rep.Refused = append(append([]results.RefusedBundle{}, sel.refused...), rep.Refused...)
	sort.SliceStable(rep.Refused, func(i, j int) bool { return rep.Refused[i].File < rep.Refused[j].File })
	if len(sel.labels) == 0 {
		return
	}
	for i := range rep.Nodes {
		if l, ok := sel.labels[rep.Nodes[i].Bundle.File]; ok {
			rep.Nodes[i].Node = l
		}
	}
	sort.SliceStable(rep.Nodes, func(i, j int) bool {
		a, b := rep.Nodes[i], rep.Nodes[j]
		if a.Node != b.Node {
			return a.Node < b.Node
		}
		return a.Bundle.Digest.String() < b.Bundle.Digest.String()
	})
}
