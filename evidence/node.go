package evidence

import (
	"fmt"
	"sort"
	"strings"

	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/results"
)

// Node is the evidence of one bundle, indexed for the checks' lookups.
type Node struct {
	Name     string // the host name
	File     string // the bundle file as given
	Digest   bundle.Digest
	Manifest bundle.Manifest

	b        *bundle.Bundle
	procs    []bundle.Process
	stats    map[string]*bundle.Stat
	statList []bundle.Stat
	problems []bundle.Problem
	configs  map[string]*configDoc
	// platform is the node's platform profile, once detected: how
	// components embedded in another process get their arguments.
	platform *catalog.Platform
	args     map[argKey]argList
	digests  map[string]bundle.Digest
	// hex are the digests as citations spell them, made once: a node's
	// results cite the same few members thousands of times.
	hex     map[string]results.Digest
	hexSelf results.Digest

	// unverified are the listed members that failed verification: empty
	// unless the analysis goes on past them.
	unverified map[string]bool
}

// Bundle returns the bundle the node was read from.
func (n *Node) Bundle() *bundle.Bundle { return n.b }

// Unverified reports whether a member failed verification (and was read
// only because the analysis goes on past it).
func (n *Node) Unverified(member string) bool { return n.unverified[member] }

// AnyUnverified reports whether some member failed verification.
func (n *Node) AnyUnverified() bool { return len(n.unverified) > 0 }

// NewNode indexes a bundle. A bundle read with KeepUnverified may hold
// members that failed verification: the citations of evidence read from
// them are marked Unverified.
func NewNode(file string, b *bundle.Bundle) (*Node, error) {
	n := &Node{
		Name: b.Manifest.Host.Hostname, File: file, Digest: b.Digest, Manifest: b.Manifest,
		b: b, stats: map[string]*bundle.Stat{}, configs: map[string]*configDoc{}, digests: map[string]bundle.Digest{}, hex: map[string]results.Digest{},
		hexSelf: results.Digest(b.Digest.String()),
	}
	if n.Name == "" {
		n.Name = b.Digest.Short()
	}
	for _, m := range b.Manifest.Members {
		n.digests[m.Path] = m.SHA256
		n.hex[m.Path] = results.Digest(m.SHA256.String())
	}
	for _, m := range b.Unverified() {
		if n.unverified == nil {
			n.unverified = map[string]bool{}
		}
		n.unverified[m] = true
	}
	var stats bundle.Stats
	var probs bundle.Problems
	for _, d := range []struct {
		name string
		v    any
	}{{bundle.StatPath, &stats}, {bundle.ProblemsPath, &probs}} {
		if err := b.DecodeJSON(d.name, d.v); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	procs, err := Processes(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	n.procs = procs
	n.statList = stats.Files
	sort.Slice(n.statList, func(i, j int) bool { return n.statList[i].Path < n.statList[j].Path })
	for i := range n.statList {
		n.stats[n.statList[i].Path] = &n.statList[i]
	}
	n.problems = probs.Problems
	return n, nil
}

// process returns the process that runs the component, and the source
// through which that process gets the component's arguments: for the
// component's own process, what its platform says of it (nil, or its
// static pod and a file of more flags, as OpenShift's API server); on a
// platform whose profile says so, the process that embeds it (k3s server
// runs kube-apiserver, MicroK8s's kubelite runs them all) with the
// pass-through flag or args file.
func (n *Node) process(component string) (*bundle.Process, *catalog.ComponentSource) {
	for i := range n.procs {
		if n.procs[i].Component == component {
			return &n.procs[i], n.ownSource(component)
		}
	}
	if n.platform == nil {
		return nil, nil
	}
	for _, src := range n.platform.Components[component] {
		for i := range n.procs {
			if n.procs[i].Component == src.Process {
				return &n.procs[i], &src
			}
		}
	}
	return nil, nil
}

// ownSource returns what the platform says of the component's own
// process (OpenShift's API server: its static pod and the file of more
// flags it reads), or nil.
func (n *Node) ownSource(component string) *catalog.ComponentSource {
	if n.platform == nil {
		return nil
	}
	for i, src := range n.platform.Components[component] {
		if src.Process == component {
			return &n.platform.Components[component][i]
		}
	}
	return nil
}

// Runs reports whether the component runs on the node.
func (n *Node) Runs(component string) bool {
	if component == "none" {
		return true
	}
	p, _ := n.process(component)
	return p != nil
}

// flagOcc is one occurrence of a flag among the arguments a component
// reads.
type flagOcc struct {
	value string
	index int // argv index; -1 for an argument read from a file
	bare  bool
	// cite is where an argument read from a file is.
	cite *results.Citation
}

// listFlags accumulate over repeated occurrences, as the components' flag
// parser does for slice and map flags; other flags take their last value.
var listFlags = map[string]bool{
	"enable-admission-plugins":  true,
	"disable-admission-plugins": true,
	"authorization-mode":        true,
	"tls-cipher-suites":         true,
	"feature-gates":             true,
	"admission-control":         true,
}

// flag returns the value of --name among the arguments the component
// reads (argList says where they come from).
func (n *Node) flag(component, name string) (value string, occ []flagOcc, p *bundle.Process) {
	p, src := n.process(component)
	if p == nil {
		return "", nil, nil
	}
	list := n.argList(p, src)
	items := list.items
	via := ""
	if src != nil {
		via = src.Arg
	}
	var defaults []flagOcc // the platform's own, until an item of the user's replaces them
	for i := 0; i < len(items); i++ {
		arg := items[i].text
		if via != "" {
			// k3s: --kube-apiserver-arg=profiling=false or --kube-apiserver-arg profiling=false
			v, ok := strings.CutPrefix(arg, "--"+via+"=")
			if !ok && arg == "--"+via && i+1 < len(items) {
				v, ok = items[i+1].text, true
			}
			if !ok {
				continue
			}
			k, val, hasEq := strings.Cut(strings.TrimLeft(v, "-"), "=")
			if !hasEq {
				val = "true" // a bare item is the flag set to true
			}
			op := ""
			if base := strings.TrimRight(k, "+-"); base != k {
				op, k = k[len(base):len(base)+1], base
			}
			if k != name {
				continue
			}
			o := flagOcc{value: val, index: items[i].index, cite: items[i].cite}
			if items[i].platformDefault {
				defaults = append(defaults, o)
				continue
			}
			// As k3s merges its defaults with the user's items (pkg/util/args.go):
			// a plain item replaces the default, "flag+=v" keeps it and adds
			// v after it, "flag-=v" adds v before it.
			switch op {
			case "+":
				occ = append(append(defaults, occ...), o)
			case "-":
				occ = append(append([]flagOcc{o}, defaults...), occ...)
			default:
				occ = append(occ, o)
			}
			defaults = nil
			continue
		}
		if !strings.HasPrefix(arg, "-") {
			continue
		}
		k, val, hasEq := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if k != name {
			continue
		}
		o := flagOcc{value: val, index: items[i].index, cite: items[i].cite}
		if !hasEq {
			if i+1 < len(items) && !strings.HasPrefix(items[i+1].text, "-") {
				o.value = items[i+1].text
			} else {
				o.value, o.bare = "true", true
			}
		}
		occ = append(occ, o)
	}
	if len(occ) == 0 && list.unknown != "" {
		// Arguments that could not be read may replace the defaults.
		return "", nil, p
	}
	occ = append(defaults, occ...) // defaults no item replaced
	if len(occ) == 0 {
		return "", nil, p
	}
	if listFlags[name] {
		vals := make([]string, len(occ))
		for i, o := range occ {
			vals[i] = o.value
		}
		return strings.Join(vals, ","), occ, p
	}
	return occ[len(occ)-1].value, occ, p
}

// configDoc is a parsed YAML copy of a node file.
type configDoc struct {
	path   string // node path
	member string
	root   *yamlv3.Node
	err    error
}

func (n *Node) config(p string) *configDoc {
	if d, ok := n.configs[p]; ok {
		return d
	}
	d := &configDoc{path: p, member: bundle.FileMember(p)}
	n.configs[p] = d
	data, present, ok := copyOf(n.b, p, d.member)
	if present && !ok {
		d.err = fmt.Errorf("the copy of %s in this format-%d bundle is of a type that is no longer copied, and is not read", p, n.Manifest.Format)
		return d
	}
	if !ok {
		d.err = fmt.Errorf("no copy of %s in the bundle", p)
		if n.unverified[d.member] {
			d.err = fmt.Errorf("the copy of %s failed verification and could not be read", p)
		} else if st := n.stats[p]; st != nil && st.Error != "" {
			d.err = fmt.Errorf("%s could not be collected: %s", p, st.Error)
		} else if pr := n.readProblem(p); pr != nil {
			d.err = fmt.Errorf("%s could not be read: %s (%s)", p, pr.Message, pr.Kind)
		} else if st != nil && st.NotCopied != "" {
			d.err = fmt.Errorf("%s was not copied: %s", p, st.NotCopied)
		} else if st != nil && st.Content != "" {
			d.err = fmt.Errorf("%s was not copied (%s)", p, st.Content)
		}
		return d
	}
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(data, &root); err != nil {
		d.err = fmt.Errorf("%s is not valid YAML: %v", p, err)
		return d
	}
	d.root = &root
	return d
}

// lookup finds a dotted field; it returns the value as text (sequences
// joined with commas), its line, and whether it is present.
func (d *configDoc) lookup(field string) (string, int, bool) {
	if d.root == nil {
		return "", 0, false
	}
	node := d.root
	if node.Kind == yamlv3.DocumentNode && len(node.Content) > 0 {
		node = node.Content[0]
	}
	for _, key := range strings.Split(field, ".") {
		if node.Kind != yamlv3.MappingNode {
			return "", 0, false
		}
		var next *yamlv3.Node
		for i := 0; i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value == key {
				next = node.Content[i+1]
			}
		}
		if next == nil {
			return "", 0, false
		}
		node = next
	}
	switch node.Kind {
	case yamlv3.ScalarNode:
		return node.Value, node.Line, true
	case yamlv3.SequenceNode:
		var vals []string
		for _, c := range node.Content {
			vals = append(vals, c.Value)
		}
		return strings.Join(vals, ","), node.Line, true
	case yamlv3.MappingNode:
		var vals []string
		for i := 0; i+1 < len(node.Content); i += 2 {
			vals = append(vals, node.Content[i].Value+"="+node.Content[i+1].Value)
		}
		return strings.Join(vals, ","), node.Line, true
	}
	return "", node.Line, true
}

// Member digest, for citations.
func (n *Node) memberDigest(member string) bundle.Digest { return n.digests[member] }

// memberHex is a member's digest as citations spell it.
func (n *Node) memberHex(member string) results.Digest {
	if h, ok := n.hex[member]; ok {
		return h
	}
	return results.Digest(n.digests[member].String()) // an unlisted member: the zero digest
}

// readProblem returns the problem the collector met reading the file at p.
func (n *Node) readProblem(p string) *bundle.Problem {
	for i := range n.problems {
		if pr := &n.problems[i]; pr.Path == p && pr.Op == "read" {
			return pr
		}
	}
	return nil
}
