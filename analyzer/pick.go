package analyzer

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/results"
)

// choice is the benchmark a node is analyzed against, and why.
type choice struct {
	cat    *catalog.Catalog
	reason string
	// version is the node's own Kubernetes version ("v1.32.4"), and from
	// where it came, when the choice rests on it.
	version, from string
	warning       string // a version newer than every benchmark
}

// picker chooses each node's benchmark: the one given (--benchmark,
// --checks-dir, --version), or by the node's Kubernetes version.
type picker struct {
	fixed *choice
	mu    sync.Mutex
	cats  map[string]*catalog.Catalog
}

// newPicker validates the options' choice of benchmark.
func newPicker(opts Options) (*picker, error) {
	p := &picker{cats: map[string]*catalog.Catalog{}}
	switch {
	case opts.Catalog != nil:
		reason := opts.CatalogReason
		if reason == "" {
			reason = "chosen with --benchmark"
		}
		p.fixed = &choice{cat: opts.Catalog, reason: reason}
	case opts.KubeVersion != "":
		minor, err := catalog.KubeMinor(opts.KubeVersion)
		if err != nil {
			return nil, &exit.UsageError{Err: fmt.Errorf("--version: %v", err)}
		}
		c, err := p.byMinor(minor)
		if err != nil {
			return nil, &exit.UsageError{Err: fmt.Errorf("--version %s: %v; choose one with --benchmark", opts.KubeVersion, err)}
		}
		c.reason = fmt.Sprintf("Kubernetes 1.%d given with --version → %s", minor, c.cat.Benchmark)
		p.fixed = &c
	}
	return p, nil
}

// byMinor is the embedded benchmark for a Kubernetes minor version.
func (p *picker) byMinor(minor int) (choice, error) {
	pk, err := catalog.PickFor(minor)
	if err != nil {
		return choice{}, err
	}
	cat, err := p.load(pk.Benchmark)
	if err != nil {
		return choice{}, err
	}
	return choice{cat: cat, warning: pk.Newer}, nil
}

// load returns an embedded benchmark, loaded once per run.
func (p *picker) load(name string) (*catalog.Catalog, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cat, ok := p.cats[name]
	if !ok {
		var err error
		if cat, err = catalog.LoadEmbedded(name); err != nil {
			return nil, err
		}
		p.cats[name] = cat
	}
	return cat, nil
}

// forNode picks n's benchmark by its own Kubernetes version; ok is false
// when the bundle records no version.
func (p *picker) forNode(n *evidence.Node) (c choice, ok bool, err error) {
	if p.fixed != nil {
		return *p.fixed, true, nil
	}
	v, ok := n.KubernetesVersion()
	if !ok {
		return choice{}, false, nil
	}
	c, err = p.forVersion(v, n.Platform())
	return c, true, err
}

// forVersion picks the benchmark of a Kubernetes version: the platform's
// own benchmark for it where its profile names one, else the CIS
// benchmark of the version.
func (p *picker) forVersion(v evidence.KubeVersion, pl *catalog.Platform) (choice, error) {
	minor, err := catalog.KubeMinor(v.Version)
	if err == nil && pl != nil {
		if name := pl.BenchmarkFor(minor); name != "" {
			cat, err := p.load(name)
			if err != nil {
				return choice{}, err
			}
			return choice{cat: cat, version: v.Version, from: v.From,
				reason: fmt.Sprintf("%s from %s, on %s → %s", v.Version, v.From, pl.Title, name)}, nil
		}
	}
	if err == nil {
		var c choice
		if c, err = p.byMinor(minor); err == nil {
			c.version, c.from = v.Version, v.From
			c.reason = fmt.Sprintf("%s from %s → %s", v.Version, v.From, c.cat.Benchmark)
			if pl != nil && len(pl.Benchmarks) > 0 {
				c.reason = fmt.Sprintf("%s from %s → %s (no %s benchmark for 1.%d is embedded: the CIS benchmark, on %s's settings)",
					v.Version, v.From, c.cat.Benchmark, pl.Title, minor, pl.Title)
			}
			return c, nil
		}
	}
	return choice{}, &exit.ChoiceError{Err: fmt.Errorf("%s from %s: %v; choose the benchmark with --benchmark NAME or --version 1.MINOR", v.Version, v.From, err)}
}

// apiServer is the version of a cluster's API server, seen on one node.
type apiServer struct {
	node    string
	version string
	from    string
	cas     []results.Digest
}

// forCluster picks the benchmark of a node whose bundle records no
// Kubernetes version by its cluster's API server, as kube-bench does when
// it asks the API server for its version: the API servers seen on the
// other nodes of this run that share a CA certificate with the node. Of
// several versions (an upgrade in progress) the oldest is taken, since a
// kubelet is never newer than its API servers.
func (p *picker) forCluster(file string, cas []results.Digest, servers []apiServer, pl *catalog.Platform) (choice, error) {
	var match []apiServer
	for _, s := range servers {
		if slices.ContainsFunc(cas, func(d results.Digest) bool { return slices.Contains(s.cas, d) }) {
			match = append(match, s)
		}
	}
	if len(match) == 0 {
		why := "its bundle records no Kubernetes version (no static pod image tag, no build info of a component's executable)"
		if len(cas) == 0 {
			why += " and no CA certificate that would tie it to another node of this run"
		} else {
			why += " and no node of its cluster among the bundles runs an API server"
		}
		return choice{}, &exit.ChoiceError{Err: fmt.Errorf("%s: no benchmark can be picked: %s; choose one with --benchmark NAME or --version 1.MINOR", file, why)}
	}
	oldest, oldestMinor := match[0], 1<<30
	var versions []string
	for _, s := range match {
		m, err := catalog.KubeMinor(s.version)
		if err != nil {
			continue
		}
		if !slices.Contains(versions, s.version) {
			versions = append(versions, s.version)
		}
		if m < oldestMinor || m == oldestMinor && s.version < oldest.version {
			oldest, oldestMinor = s, m
		}
	}
	c, err := p.forVersion(evidence.KubeVersion{Version: oldest.version, From: oldest.from + " on " + oldest.node}, pl)
	if err != nil {
		return choice{}, err
	}
	c.version, c.from = "", ""
	c.reason = fmt.Sprintf("%s from %s on %s, a node of the same cluster (no version in this bundle) → %s", oldest.version, oldest.from, oldest.node, c.cat.Benchmark)
	if len(versions) > 1 {
		slices.Sort(versions)
		c.reason = fmt.Sprintf("%s, the oldest of the cluster's API servers (%s), from %s on %s (no version in this bundle) → %s", oldest.version, strings.Join(versions, ", "), oldest.from, oldest.node, c.cat.Benchmark)
	}
	return c, nil
}
