package redact

import (
	"path"
	"strings"
)

// edit replaces src[start:end] by text, then by as many line breaks as
// the replaced bytes held, so that every line keeps its number.
type edit struct {
	start, end int
	text       string
}

// applyEdits returns src with the edits applied (sorted by start, not
// overlapping; a later overlapping edit is dropped).
func applyEdits(src []byte, edits []edit) []byte {
	sortEdits(edits)
	out := make([]byte, 0, len(src))
	last := 0
	for _, e := range edits {
		if e.start < last {
			continue
		}
		out = append(out, src[last:e.start]...)
		out = append(out, e.text...)
		for i := e.start; i < e.end; i++ {
			if src[i] == '\n' {
				if i > e.start && src[i-1] == '\r' {
					out = append(out, '\r')
				}
				out = append(out, '\n')
			}
		}
		last = e.end
	}
	return append(out, src[last:]...)
}

func sortEdits(es []edit) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].start < es[j-1].start; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// yamlRedaction walks a parsed YAML file with its schemas and collects
// the edits that redact it.
type yamlRedaction struct {
	r     *Redactor
	src   []byte
	edits []edit
	n     int // values redacted
}

// walk redacts the node n, of schema field f (nil: nothing under n is
// known), for component comp. key is the mapping key n is the value of.
func (y *yamlRedaction) walk(n *node, f *field, comp, key string) {
	if n == nil {
		return
	}
	switch n.kind {
	case aliasNode:
		return // a reference: what it refers to is redacted where it stands
	case scalarNode:
		y.scalar(n, f, comp, key)
		return
	}
	if f != nil {
		switch f.how {
		case "container":
			y.container(n, f)
			return
		case "argv":
			if n.kind == seqNode {
				y.argv(n.items, "")
				return
			}
		case "args":
			if n.kind == seqNode {
				y.argv(n.items, "-") // "-": no program, no flags known
				return
			}
		case "flag":
			if n.kind == seqNode {
				for _, it := range n.items {
					y.scalar(it, f, comp, key)
				}
				return
			}
		case "flagitem", "envitem":
			if n.kind == mapNode {
				y.nameValue(n, f, comp)
				return
			}
		case "envmap":
			if n.kind == mapNode {
				for i, k := range n.keys {
					y.scalar(n.vals[i], f, comp, k.value)
				}
				return
			}
		}
	}
	switch n.kind {
	case mapNode:
		for i, k := range n.keys {
			if k.kind == scalarNode && holdsKey(k.value) {
				y.redactScalar(k, whole(k.value))
			}
			kv := ""
			if k.kind == scalarNode {
				kv = k.value
			}
			y.walk(n.vals[i], f.child(kv), comp, kv)
		}
	case seqNode:
		var items *field
		if f != nil {
			items = f.items
		}
		for _, it := range n.items {
			y.walk(it, items, comp, key)
		}
	}
}

// scalar decides a scalar value.
func (y *yamlRedaction) scalar(n *node, f *field, comp, key string) {
	if n.kind != scalarNode {
		y.walk(n, nil, comp, key)
		return
	}
	var cs []cut
	switch {
	case f == nil:
		cs = decide(unknown, n.value)
	case f.how == "flag":
		c := f.comp
		if c == "" {
			c = comp
		}
		// k3s and rke2 read "key+" as the flag key, its list appended to
		// the earlier files' (kube-apiserver-arg+).
		d, known := lookup(c, strings.TrimSuffix(key, "+"))
		cs = flagValueCuts(d, known, n.value)
	case f.how == "envmap":
		cs = envValueCuts(comp, key, n.value)
	case f.how != "":
		cs = decide(unknown, n.value)
	default:
		cs = decide(f.kind, n.value)
	}
	y.redactScalar(n, cs)
}

// nameValue redacts a {name, value} item: an environment variable, or a
// flag of kubeadm's v1beta4 extraArgs.
func (y *yamlRedaction) nameValue(n *node, f *field, comp string) {
	name := ""
	if nm := n.get("name"); nm != nil && nm.kind == scalarNode {
		name = nm.value
	}
	for i, k := range n.keys {
		v := n.vals[i]
		switch {
		case k.value == "name" && v.kind == scalarNode:
			y.redactScalar(v, decide(setting, v.value))
		case k.value == "value" && v.kind == scalarNode:
			var cs []cut
			if f.how == "envitem" {
				cs = envValueCuts(comp, name, v.value)
			} else {
				c := f.comp
				if c == "" {
					c = comp
				}
				d, known := lookup(c, name)
				cs = flagValueCuts(d, known, v.value)
			}
			y.redactScalar(v, cs)
		default:
			y.walk(v, f.child(k.value), comp, k.value)
		}
	}
}

// container redacts a container, or a kubeconfig's exec plugin: its
// command and args are one command line, of the program that its command
// or its image names.
func (y *yamlRedaction) container(n *node, f *field) {
	if n.kind != mapNode {
		y.walk(n, nil, "", "")
		return
	}
	var argv []*node
	cmd, args := n.get("command"), n.get("args")
	program := ""
	switch {
	case cmd != nil && cmd.kind == seqNode && len(cmd.items) > 0:
		argv = append(argv, cmd.items...)
	case cmd != nil && cmd.kind == scalarNode:
		argv = append(argv, cmd) // a kubeconfig's exec plugin: command is the program
	default:
		// The image's entrypoint runs the args. An image that names no
		// program (none, ":v1") runs an unknown one: its args are never
		// read as a program path kept whole.
		program = "-"
		if img := n.get("image"); img != nil && img.kind == scalarNode && imageProgram(img.value) != "" {
			program = imageProgram(img.value)
		}
	}
	if args != nil && args.kind == seqNode {
		argv = append(argv, args.items...)
	}
	comp := y.argv(argv, program)
	for i, k := range n.keys {
		switch {
		case k.value == "command" && cmd != nil && cmd.kind != mapNode,
			k.value == "args" && args != nil && args.kind == seqNode:
			continue
		}
		y.walk(n.vals[i], f.child(k.value), comp, k.value)
	}
}

// imageProgram names the program an image runs, from its repository's
// last path element: registry.k8s.io/kube-apiserver:v1.30.2 runs
// kube-apiserver.
func imageProgram(image string) string {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	base := path.Base(image)
	if i := strings.IndexByte(base, ':'); i >= 0 {
		base = base[:i]
	}
	return base
}

// argv redacts a command line held in YAML scalars. program, when not
// empty, is the program that runs the items (an image's entrypoint); else
// the first item is. It returns the component.
func (y *yamlRedaction) argv(items []*node, program string) string {
	var args []string
	var nodes []*node
	if program == "" && len(items) > 0 && items[0].kind != scalarNode {
		program = "-" // no program named: none whose flags are known
	}
	if program != "" {
		args = append(args, program)
		nodes = append(nodes, nil)
	}
	for _, it := range items {
		if it.kind != scalarNode {
			y.walk(it, nil, "", "")
			continue
		}
		args = append(args, it.value)
		nodes = append(nodes, it)
	}
	if len(args) == 0 {
		return ""
	}
	comp := Program(args)
	byArg := map[int][]cut{}
	for _, c := range planArgs(comp, args) {
		byArg[c.arg] = append(byArg[c.arg], c.cut)
	}
	for i, cs := range byArg {
		if nodes[i] != nil {
			y.redactScalar(nodes[i], cs)
		}
	}
	// The program itself: a path or a name, kept on one line.
	if nodes[0] != nil {
		y.redactScalar(nodes[0], decide(filePath, args[0]))
	}
	return comp
}

// redactScalar replaces the cuts of a scalar's value by markers.
func (y *yamlRedaction) redactScalar(n *node, cs []cut) {
	if len(cs) == 0 {
		return
	}
	y.n += len(cs)
	if len(cs) == 1 && cs[0].start == 0 && cs[0].end == len(n.value) {
		m := y.r.Marker(n.value)
		switch {
		case n.style == '"' || n.style == 0 && n.flow:
			m = `"` + m + `"`
		case n.style == '\'':
			m = "'" + m + "'"
		}
		y.edits = append(y.edits, edit{n.start, n.end, m})
		return
	}
	v := y.r.apply(n.value, cs)
	if n.style != 0 || n.flow || !plainSafe(v) {
		v = doubleQuote(v)
	}
	y.edits = append(y.edits, edit{n.start, n.end, v})
}

// plainSafe reports whether v can stand as a plain scalar in block
// context and read back as itself.
func plainSafe(v string) bool {
	if v == "" || strings.ContainsAny(v[:1], "-?:,[]{}#&*!|>'\"%@` \t") || strings.TrimSpace(v) != v {
		return false
	}
	return !strings.Contains(v, ": ") && !strings.Contains(v, " #") && !strings.ContainsAny(v, "\n\r\t")
}

// doubleQuote returns v as a double-quoted YAML and JSON string.
func doubleQuote(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// comments redacts the text of every comment.
func (y *yamlRedaction) comments(cs []span) {
	for _, c := range cs {
		t := string(y.src[c.start:c.end])
		if harmless(strings.TrimSpace(t)) {
			continue
		}
		y.n++
		y.edits = append(y.edits, edit{c.start, c.end, " " + y.r.Marker(t)})
	}
}
