package evidence

import (
	"fmt"
	"path"
	"sort"
	"strings"

	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/redact"
	"github.com/kubeproof/kubeproof/results"
)

// A component that runs in a static pod names paths as its container
// sees them. Where the platform profile names the pod's manifest
// (catalog.ComponentSource.Pod), those paths are mapped to the node's
// through the manifest's volumes: the hostPath volume mounted at the
// longest mount path that holds the path (OpenShift mounts the revision
// directory /etc/kubernetes/static-pod-resources/kube-apiserver-pod-7 at
// /etc/kubernetes/static-pod-resources). Where no profile says so, a
// path is the node's as it is (kubeadm mounts every path at itself).

// NodePath returns the node path of a path the component names, with the
// citation of the mount that maps it (nil when the path is the node's as
// it is), or why it cannot be known.
func (n *Node) NodePath(component, p string) (string, *results.Citation, string) {
	_, src := n.process(component)
	if src == nil || src.Pod == "" || !path.IsAbs(p) {
		return p, nil, ""
	}
	return n.podPath(component, src.Pod, p)
}

func (n *Node) podPath(component, manifest, p string) (string, *results.Citation, string) {
	d := n.config(manifest)
	if d.err != nil {
		return "", nil, fmt.Sprintf("%s names %s in its container, whose mounts are in its pod manifest %s: %v", component, p, manifest, d.err)
	}
	root := d.root
	if root != nil && root.Kind == yamlv3.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	spec := mapValue(root, "spec")
	var container *yamlv3.Node
	if cs := mapValue(spec, "containers"); cs != nil && cs.Kind == yamlv3.SequenceNode {
		for _, c := range cs.Content {
			if name := mapValue(c, "name"); name != nil && name.Value == component {
				container = c
			}
		}
	}
	if container == nil {
		return "", nil, fmt.Sprintf("%s: no container named %s in its pod manifest %s", p, component, manifest)
	}
	clean := path.Clean(p)
	var mount, volume string
	if ms := mapValue(container, "volumeMounts"); ms != nil && ms.Kind == yamlv3.SequenceNode {
		for _, m := range ms.Content {
			mp, name := mapValue(m, "mountPath"), mapValue(m, "name")
			if mp == nil || name == nil || redact.IsMarker(mp.Value) {
				continue
			}
			at := path.Clean(mp.Value)
			if (clean == at || strings.HasPrefix(clean, strings.TrimSuffix(at, "/")+"/")) && len(at) > len(mount) {
				mount, volume = at, name.Value
			}
		}
	}
	if mount == "" {
		return "", nil, fmt.Sprintf("%s is in the file system of %s's container, not on the node (no volume of %s is mounted there)", p, component, manifest)
	}
	if vs := mapValue(spec, "volumes"); vs != nil && vs.Kind == yamlv3.SequenceNode {
		for _, v := range vs.Content {
			if name := mapValue(v, "name"); name == nil || name.Value != volume {
				continue
			}
			hp := mapValue(mapValue(v, "hostPath"), "path")
			if hp == nil || hp.Value == "" || redact.IsMarker(hp.Value) || !path.IsAbs(hp.Value) {
				return "", nil, fmt.Sprintf("%s is on the volume %s of %s, which is not a directory of the node", p, volume, manifest)
			}
			host := path.Join(hp.Value, strings.TrimPrefix(clean, mount))
			c := n.citation(d.member, fmt.Sprintf("volume %s hostPath.path (line %d)", volume, hp.Line),
				fmt.Sprintf("%s in the %s container is %s on the node (%s mounted at %s)", p, component, host, hp.Value, mount))
			return host, &c, ""
		}
	}
	return "", nil, fmt.Sprintf("%s: the volume %s mounted at %s is not among the volumes of %s", p, volume, mount, manifest)
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(m *yamlv3.Node, key string) *yamlv3.Node {
	if m == nil || m.Kind != yamlv3.MappingNode {
		return nil
	}
	var v *yamlv3.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v = m.Content[i+1] // the last of duplicate keys, as the YAML decoders keep
		}
	}
	return v
}

// configFileArgs reads the arguments the component of process p takes
// from the file its flag src.ConfigArgs.Flag names: every --flag=value of
// the map at src.ConfigArgs.Field, and the fields src.ConfigArgs.Unset
// names for the flags the map leaves out. They come after the command
// line, which they override (OpenShift's kube-apiserver parses them after
// its own arguments).
func (n *Node) configFileArgs(p *bundle.Process, src *catalog.ComponentSource) argList {
	var l argList
	ca := src.ConfigArgs
	named := ""
	for i := 1; i < len(p.Argv); i++ {
		a := p.Argv[i]
		k, v, hasEq := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || k != ca.Flag {
			continue
		}
		if !hasEq && i+1 < len(p.Argv) {
			v = p.Argv[i+1]
		}
		named = v
	}
	if named == "" {
		return l // no such file: the command line is all
	}
	if redact.ContainsMarker(named) {
		l.unknown = fmt.Sprintf("its --%s was redacted on the node: the file of its other flags is not known", ca.Flag)
		return l
	}
	file, mapped, why := n.NodePath(p.Component, named)
	if why != "" {
		l.unknown = fmt.Sprintf("--%s=%s: %s", ca.Flag, named, why)
		return l
	}
	switch pr, st := n.presence(file); pr {
	case absent:
		l.unknown = fmt.Sprintf("%s, the file of its flags that --%s names, does not exist", file, ca.Flag)
		return l
	case presenceUnknown:
		why := "the bundle has no record of it"
		if st != nil {
			why = st.Error
		}
		l.unknown = fmt.Sprintf("%s, the file of its flags that --%s names, could not be read: %s", file, ca.Flag, why)
		return l
	}
	d := n.config(file)
	if d.err != nil {
		l.unknown = d.err.Error()
		return l
	}
	root := d.root
	if root != nil && root.Kind == yamlv3.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	via := "; the file its --" + ca.Flag + " names"
	if mapped != nil {
		via += ", " + named + " in its container"
	}
	add := func(flag, at string, v *yamlv3.Node) {
		switch v.Kind {
		case yamlv3.ScalarNode:
			c := n.citation(d.member, fmt.Sprintf("%s (line %d)", at, v.Line), fmt.Sprintf("%s: %s (read as --%s%s)", at, v.Value, flag, via))
			l.items = append(l.items, argItem{text: "--" + flag + "=" + v.Value, index: -1, cite: &c})
		case yamlv3.SequenceNode:
			for j, it := range v.Content {
				if it.Kind != yamlv3.ScalarNode {
					continue
				}
				c := n.citation(d.member, fmt.Sprintf("%s[%d] (line %d)", at, j, it.Line), fmt.Sprintf("%s[%d]: %s (read as --%s%s)", at, j, it.Value, flag, via))
				l.items = append(l.items, argItem{text: "--" + flag + "=" + it.Value, index: -1, cite: &c})
			}
		}
	}
	args := fieldNode(root, ca.Field)
	seen := map[string]bool{}
	if args != nil {
		if args.Kind != yamlv3.MappingNode {
			l.unknown = fmt.Sprintf("%s in %s is not a map of flags to values", ca.Field, file)
			return l
		}
		for i := 0; i+1 < len(args.Content); i += 2 {
			flag := args.Content[i].Value
			seen[flag] = true
			add(flag, ca.Field+"."+flag, args.Content[i+1])
		}
	}
	flags := make([]string, 0, len(ca.Unset))
	for f := range ca.Unset {
		flags = append(flags, f)
	}
	sort.Strings(flags)
	for _, f := range flags {
		if seen[f] {
			continue
		}
		if v := fieldNode(root, ca.Unset[f]); v != nil && !(v.Kind == yamlv3.ScalarNode && v.Value == "") {
			add(f, ca.Unset[f], v)
		}
	}
	return l
}

// fieldNode returns the node at a dotted path of mapping keys, or nil.
func fieldNode(root *yamlv3.Node, field string) *yamlv3.Node {
	node := root
	for _, key := range strings.Split(field, ".") {
		node = mapValue(node, key)
		if node == nil {
			return nil
		}
	}
	return node
}
