package evidence

import (
	"fmt"
	"strings"

	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/kubeproof/kubeproof/catalog"
)

// Field resolves a field of the YAML or JSON file a setting names (the
// providers of the API server's --encryption-provider-config). The
// values found are joined with commas; none found is Unset.
func (n *Node) Field(component string, f *catalog.Field) Observation {
	o := Observation{Desc: f.Path + " in the file named by " + describe(f.File)}
	file := n.Setting(component, f.File)
	o.cite(file.Citations...)
	switch file.State {
	case Unknown:
		return o.unknown("%s", file.Reason)
	case Unset:
		// No file, so no such field: what the file would configure is
		// not configured.
		o.State = Unset
		return o
	}
	host, mapped, why := n.NodePath(component, file.Value)
	if why != "" {
		return o.unknown("%s", why)
	}
	if mapped != nil {
		o.cite(*mapped)
	}
	d := n.config(host)
	if d.err != nil {
		return o.unknown("%s", d.err)
	}
	o.Desc = f.Path + " in " + host
	root := d.root
	if root != nil && root.Kind == yamlv3.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	var vals []string
	line := 0
	walkPath(root, strings.Split(f.Path, "."), func(v *yamlv3.Node, text string) {
		vals = append(vals, text)
		if line == 0 {
			line = v.Line
		}
	})
	if len(vals) == 0 {
		o.cite(n.fieldCitation(d, f.Path, "not present in "+d.path))
		o.State = Unset
		return o
	}
	o.State, o.Value = Set, strings.Join(vals, ",")
	o.cite(n.fieldCitation(d, fmt.Sprintf("%s (line %d)", f.Path, line), o.Value))
	return o
}

// walkPath calls fn with every node the path reaches: a key of a
// mapping, "[]" for every item of a sequence (after a key: "providers[]"),
// "*" for every value of a mapping, "~" for every key of one.
func walkPath(n *yamlv3.Node, segs []string, fn func(*yamlv3.Node, string)) {
	if n == nil {
		return
	}
	if len(segs) == 0 {
		if n.Kind == yamlv3.ScalarNode {
			fn(n, n.Value)
		}
		return
	}
	seg := segs[0]
	items := strings.HasSuffix(seg, "[]")
	firstItem := strings.HasSuffix(seg, "[0]")
	seg = strings.TrimSuffix(strings.TrimSuffix(seg, "[]"), "[0]")
	var next []*yamlv3.Node
	switch {
	case seg == "~":
		if n.Kind == yamlv3.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if len(segs) == 1 {
					fn(n.Content[i], n.Content[i].Value)
				}
			}
		}
		return
	case seg == "*":
		if n.Kind == yamlv3.MappingNode {
			for i := 1; i < len(n.Content); i += 2 {
				next = append(next, n.Content[i])
			}
		}
	case seg == "":
		next = []*yamlv3.Node{n}
	default:
		if n.Kind == yamlv3.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == seg {
					next = append(next, n.Content[i+1])
				}
			}
		}
	}
	for _, v := range next {
		if firstItem {
			if v.Kind == yamlv3.SequenceNode && len(v.Content) > 0 {
				walkPath(v.Content[0], segs[1:], fn)
			}
			continue
		}
		if items {
			if v.Kind == yamlv3.SequenceNode {
				for _, it := range v.Content {
					walkPath(it, segs[1:], fn)
				}
			}
			continue
		}
		walkPath(v, segs[1:], fn)
	}
}
