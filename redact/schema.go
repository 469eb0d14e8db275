package redact

import (
	_ "embed"
	"path"
	"strings"
	"sync"
)

// Schemas of the structured files the collector copies (schemas.txt):
// for each known document type, the key paths whose values are settings
// and what each holds. A scalar is kept only where its schema says so.
//
// schemas.txt is indented by two spaces a level. A line is
//
//	key [how]
//
// where key is a mapping key, "*" for any key, and ends in "[]" for a
// sequence (the rest of the line and the lines below then describe each
// item). Lines at column 1 are the top-level keys of the type or
// fragment above them. how is a kind letter (s b n d p u c x t: kindLetters), "*frag"
// to take a fragment's fields, or one of the special values below; a key
// with neither has the fields of the lines below it. "=name kind group…"
// starts a document type matched by its kind and apiVersion group ("-"
// for the core group), "=name" alone one matched by file path only, and
// "&frag" a fragment.
//
// Special values:
//
//	argv          a sequence that is a whole command line: its first item names the program
//	args          a sequence of arguments for a program whose flags are not known
//	container     a container: command and args form one command line, of the program its command or image
//	              names; "container *frag" takes the other fields from a fragment
//	flag=COMP     the value of the flag named by the key, for component COMP (the key's map holds a component's flags)
//	flagitem=COMP a {name, value} item: value is the flag name's
//	envitem       a {name, value} item of an environment list
//	envmap        a map of environment variables to values

//go:embed schemas.txt
var schemasText string

// field is a node of a schema.
type field struct {
	kind  kind
	how   string // special value, see above
	comp  string // flag=, flagitem=: the component
	keys  map[string]*field
	any   *field // "*"
	items *field // for sequences
}

func (f *field) child(key string) *field {
	if f == nil {
		return nil
	}
	if c, ok := f.keys[key]; ok {
		return c
	}
	return f.any
}

// docType is a document type of schemas.txt.
type docType struct {
	name   string
	kind   string
	groups []string
	root   *field
}

var (
	schemasOnce sync.Once
	docTypes    []*docType
	docByName   map[string]*docType
)

func loadSchemas() {
	schemasOnce.Do(func() { docTypes, docByName = parseSchemas(schemasText) })
}

// parseSchemas reads schemas.txt. It panics on a malformed file: the file
// is part of the program, and a test loads it.
func parseSchemas(text string) ([]*docType, map[string]*docType) {
	type frame struct {
		indent int
		f      *field
	}
	frags := map[string]*field{}
	var refs, includes []struct {
		f    *field
		frag string
	}
	var types []*docType
	byName := map[string]*docType{}
	var stack []frame
	for n, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		words := strings.Fields(line)
		bad := func(msg string) { panic("redact: schemas.txt line " + itoa(n+1) + ": " + msg) }
		if indent == 0 && (words[0][0] == '=' || words[0][0] == '&') {
			root := &field{keys: map[string]*field{}}
			switch w := words[0]; w[0] {
			case '=':
				t := &docType{name: w[1:], root: root}
				if len(words) > 1 {
					t.kind = words[1]
					for _, g := range words[2:] {
						if g == "-" {
							g = ""
						}
						t.groups = append(t.groups, g)
					}
				}
				types = append(types, t)
				byName[t.name] = t
			case '&':
				frags[w[1:]] = root
			}
			stack = []frame{{-1, root}}
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			bad("indented under nothing")
		}
		parent := stack[len(stack)-1].f
		key := words[0]
		if frag, ok := strings.CutPrefix(key, "*"); ok && frag != "" && len(words) == 1 {
			includes = append(includes, struct {
				f    *field
				frag string
			}{parent, frag})
			continue
		}
		seqs := 0
		for strings.HasSuffix(key, "[]") {
			key = strings.TrimSuffix(key, "[]")
			seqs++
		}
		f := &field{}
		if len(words) > 1 {
			how := words[1]
			switch {
			case how[0] == '*':
				f.keys = map[string]*field{}
				refs = append(refs, struct {
					f    *field
					frag string
				}{f, how[1:]})
			case len(how) == 1:
				k, ok := kindLetters[how[0]]
				if !ok {
					bad("unknown kind " + how)
				}
				f.kind = k
			default:
				name, comp, _ := strings.Cut(how, "=")
				switch name {
				case "argv", "args", "container", "envitem", "envmap":
				case "flag", "flagitem":
					f.comp = comp
				default:
					bad("unknown value " + how)
				}
				f.how = name
				if name == "container" && len(words) > 2 {
					f.keys = map[string]*field{}
					refs = append(refs, struct {
						f    *field
						frag string
					}{f, strings.TrimPrefix(words[2], "*")})
				}
			}
		} else {
			f.keys = map[string]*field{}
		}
		target := f
		for ; seqs > 0; seqs-- {
			target = &field{items: target}
		}
		if key == "*" {
			parent.any = target
		} else {
			if parent.keys == nil {
				parent.keys = map[string]*field{}
			}
			if old, ok := parent.keys[key]; ok {
				// A key given twice describes a map and a sequence form
				// of one field (kubeadm's extraArgs in v1beta3 and v1beta4).
				if target.items != nil {
					old.items = target.items
				} else {
					old.kind, old.how, old.comp, old.any = target.kind, target.how, target.comp, target.any
					for k, v := range target.keys {
						if old.keys == nil {
							old.keys = map[string]*field{}
						}
						old.keys[k] = v
					}
				}
				target = old
			} else {
				parent.keys[key] = target
			}
		}
		stack = append(stack, frame{indent, f})
	}
	for _, r := range refs {
		fr, ok := frags[r.frag]
		if !ok {
			panic("redact: schemas.txt: unknown fragment " + r.frag)
		}
		// Fragments are shared, not copied: a fragment may refer to
		// itself (a JSON schema's nested properties).
		if r.f.how == "container" {
			r.f.keys, r.f.any = fr.keys, fr.any
		} else {
			*r.f = *fr
		}
	}
	// Includes add a fragment's fields to a map's own, which win.
	for _, in := range includes {
		fr, ok := frags[in.frag]
		if !ok {
			panic("redact: schemas.txt: unknown fragment " + in.frag)
		}
		for k, v := range fr.keys {
			if _, own := in.f.keys[k]; !own {
				in.f.keys[k] = v
			}
		}
		if in.f.any == nil {
			in.f.any = fr.any
		}
	}
	return types, byName
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	k := len(b)
	for i > 0 {
		k--
		b[k] = byte('0' + i%10)
		i /= 10
	}
	return string(b[k:])
}

// typeOf returns the document type of a parsed document: by its kind and
// apiVersion group, or for documents with no kind by the file's path and
// how the file was found.
func typeOf(root *node, name string, via Via) *docType {
	loadSchemas()
	if root == nil || root.kind != mapNode {
		return nil
	}
	if k := root.get("kind"); k != nil && k.kind == scalarNode && k.value != "" {
		group := ""
		if av := root.get("apiVersion"); av != nil && av.kind == scalarNode {
			if g, _, ok := strings.Cut(av.value, "/"); ok {
				group = g
			}
		}
		api := via.Key == apiObject
		for _, t := range docTypes {
			if t.kind != k.value || strings.HasPrefix(t.name, "api-") != api {
				continue
			}
			for _, g := range t.groups {
				if g == group {
					return t
				}
			}
		}
		return docByName["object"]
	}
	base := path.Base(name)
	switch {
	case via.Component == "etcd" && via.Key == "config-file",
		strings.HasPrefix(base, "etcd") && (strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")):
		return docByName["etcd-config"]
	case inDistConfig(name, "k3s") || via.Component == "k3s-server" || via.Component == "k3s-agent":
		return docByName["k3s-config"]
	case inDistConfig(name, "rke2") || via.Component == "rke2-server" || via.Component == "rke2-agent":
		return docByName["rke2-config"]
	case root.get("cniVersion") != nil || root.get("plugins") != nil && strings.Contains(name, "/cni/") ||
		root.get("type") != nil && strings.Contains(name, "/cni/"):
		return docByName["cni"]
	}
	return nil
}

// inDistConfig reports whether name is a k3s or rke2 configuration file:
// config.yaml or a file of config.yaml.d.
func inDistConfig(name, dist string) bool {
	dir := "/etc/rancher/" + dist + "/"
	return name == dir+"config.yaml" || strings.HasPrefix(name, dir+"config.yaml.d/")
}

// KeepsField reports whether the values at a dotted field path of a
// document type ("kubelet-config", "authentication.anonymous.enabled")
// are kept: the path is a known setting, not a secret. Catalog checks
// read only such fields (a test keeps them in step).
func KeepsField(docType, fieldPath string) bool {
	loadSchemas()
	t := docByName[docType]
	if t == nil {
		return false
	}
	f := t.root
	for _, key := range strings.Split(fieldPath, ".") {
		f = f.child(key)
		for f != nil && f.items != nil && f.keys == nil && f.any == nil && f.kind == unknown && f.how == "" {
			f = f.items // a list: its items' kind
		}
		if f == nil {
			return false
		}
	}
	return f.how != "" || f.keys != nil || f.any != nil || f.kind != unknown && f.kind != secret
}
