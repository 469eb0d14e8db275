package analyzer

import (
	"fmt"
	"strings"

	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/results"
)

// detection is the platform a node was recognised as, and from what.
type detection struct {
	platform  *catalog.Platform
	reason    string
	citations []results.Citation
	// warning: the signals of several platforms; none was assumed.
	warning string
}

// detectPlatform recognises the node's distribution from its bundle
// alone, by the signals of the embedded platform profiles: a platform is
// the node's when the signals it shows weigh catalog.DetectWeight or
// more. A node that shows the signals of several platforms gets none, and
// a warning; a plain kubeadm node shows none.
func detectPlatform(n *evidence.Node) detection {
	ps, err := catalog.Platforms()
	if err != nil {
		return detection{warning: fmt.Sprintf("platform profiles could not be read: %v; no platform assumed", err)}
	}
	type candidate struct {
		p      *catalog.Platform
		weight int
		seen   []string
		cites  []results.Citation
	}
	var matched []candidate
	for _, p := range ps {
		c := candidate{p: p}
		for _, s := range p.Recognise {
			cite, ok := n.Shows(s)
			if !ok {
				continue
			}
			c.weight += s.Weight
			c.seen = append(c.seen, cite.Observed)
			c.cites = append(c.cites, cite)
		}
		if c.weight >= catalog.DetectWeight {
			matched = append(matched, c)
		}
	}
	switch len(matched) {
	case 0:
		return detection{}
	case 1:
		c := matched[0]
		return detection{platform: c.p, reason: c.p.Title + ": " + strings.Join(c.seen, "; "), citations: c.cites}
	}
	var parts []string
	for _, c := range matched {
		parts = append(parts, fmt.Sprintf("%s (%s)", c.p.Title, strings.Join(c.seen, "; ")))
	}
	return detection{warning: fmt.Sprintf("%s shows the signs of several platforms: %s; none is assumed, and its benchmark is picked by its Kubernetes version", n.Name, strings.Join(parts, ", "))}
}
