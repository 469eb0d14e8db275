package redact

import (
	_ "embed"
	"strings"
	"sync"
)

// Command lines. The flags of the Kubernetes components, etcd, the
// distributions that embed them and the container runtimes are known and
// finite (flags.txt): the value of a known flag is kept when it is what
// its flag carries (a path, a boolean, a list of plugins, an address with
// no userinfo), and every other value is redacted: the values of unknown
// flags, of flags that carry secrets, the argument after a bare unknown
// flag, and positional arguments. Flag names are always kept, so that a
// check still sees that a flag is set.

//go:embed flags.txt
var flagsText string

// flagDef is what a known flag carries.
type flagDef struct {
	kind   kind
	target string // passThrough: the component the value is passed to
}

// table is the flags of one component.
type table struct {
	flags       map[string]flagDef
	subcommands map[string]bool // positional words that are settings (k3s "server")
	// wordSep: the component's parser reads "_" in a flag name as "-"
	// (pflag's WordSepNormalizeFunc, installed by every Kubernetes
	// component); etcd and the distributions' Go flag parsers do not.
	wordSep bool
}

// lookup returns the flag that the component's parser takes name for.
func (t *table) lookup(name string) (flagDef, bool) {
	if t == nil {
		return flagDef{}, false
	}
	if t.wordSep {
		name = strings.ReplaceAll(name, "_", "-")
	}
	d, ok := t.flags[name]
	return d, ok
}

var (
	tablesOnce sync.Once
	tables     map[string]*table
)

// tableOf returns the flags of a component, or nil when it is unknown.
func tableOf(component string) *table {
	tablesOnce.Do(func() { tables = parseFlags(flagsText) })
	return tables[component]
}

// parseFlags reads flags.txt: "@name [include…] [!wordsep]" starts a
// section, and each following word is a flag, "name" for a setting or
// "name:K" with a kind letter (kindLetters), "name:a=component" for a
// pass-through flag; "+word" is a subcommand. "#" starts a comment.
// !wordsep marks a component whose parser reads "_" as "-"; it is the
// section's own, not taken by those that include it.
func parseFlags(text string) map[string]*table {
	out := map[string]*table{}
	includes := map[string][]string{}
	var cur *table
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		if name, ok := strings.CutPrefix(words[0], "@"); ok {
			cur = &table{flags: map[string]flagDef{}, subcommands: map[string]bool{}}
			out[name] = cur
			for _, w := range words[1:] {
				switch {
				case w == "!wordsep":
					cur.wordSep = true
				case strings.HasPrefix(w, "!"):
					panic("redact: flags.txt: unknown option " + w)
				default:
					includes[name] = append(includes[name], w)
				}
			}
			continue
		}
		if cur == nil {
			panic("redact: flags.txt: a flag before the first section")
		}
		for _, w := range words {
			if sub, ok := strings.CutPrefix(w, "+"); ok {
				cur.subcommands[sub] = true
				continue
			}
			name, spec, _ := strings.Cut(w, ":")
			if cur.wordSep {
				name = strings.ReplaceAll(name, "_", "-")
			}
			d := flagDef{kind: setting}
			if spec != "" {
				k, ok := kindLetters[spec[0]]
				if !ok {
					panic("redact: flags.txt: unknown kind in " + w)
				}
				d.kind = k
				if k == passThrough {
					d.target = strings.TrimPrefix(spec[1:], "=")
				}
			}
			cur.flags[name] = d
		}
	}
	// Sections include others, once, in order: a section's own
	// definitions win.
	var resolve func(name string, seen map[string]bool)
	resolve = func(name string, seen map[string]bool) {
		if seen[name] {
			return
		}
		seen[name] = true
		t := out[name]
		for _, inc := range includes[name] {
			it := out[inc]
			if it == nil {
				panic("redact: flags.txt: unknown section " + inc)
			}
			resolve(inc, seen)
			for f, d := range it.flags {
				if _, own := t.flags[f]; !own {
					t.flags[f] = d
				}
			}
			for s := range it.subcommands {
				t.subcommands[s] = true
			}
		}
		includes[name] = nil
	}
	for name := range out {
		resolve(name, map[string]bool{})
	}
	return out
}

// Flag returns whether a flag of a component is known, and whether its
// value is kept whatever it holds (a setting, as opposed to a secret).
// The analyzer uses it to tell "set to a redacted value" from a setting.
func Flag(component, name string) (known, secretValue bool) {
	d, ok := tableOf(component).lookup(name)
	return ok, ok && d.kind == secret
}

// argCut is a part of argument i to redact.
type argCut struct {
	arg int
	cut
}

// planArgs returns the parts of a command line to redact. args[0] is the
// program. A component of "" or unknown name knows no flags: every value
// is redacted.
func planArgs(component string, args []string) []argCut {
	t := tableOf(component)
	var cuts []argCut
	add := func(i int, cs []cut, offset int) {
		for _, c := range cs {
			c = cut{c.start + offset, c.end + offset}
			if IsMarker(args[i][c.start:c.end]) {
				continue // redacted already: redaction is idempotent
			}
			cuts = append(cuts, argCut{i, c})
		}
	}
	positional := false // after "--"
	for i := 1; i < len(args); i++ {
		a := args[i]
		if positional || a == "" || a == "-" || a[0] != '-' {
			if !positional && t != nil && t.subcommands[a] {
				continue
			}
			if a != "" {
				add(i, whole(a), 0)
			}
			continue
		}
		if a == "--" {
			positional = true
			continue
		}
		dashes := 1
		if a[1] == '-' {
			dashes = 2
		}
		name, value, hasValue := strings.Cut(a[dashes:], "=")
		d, known := t.lookup(name)
		if hasValue {
			add(i, flagValueCuts(d, known, value), dashes+len(name)+1)
			continue
		}
		if known && d.kind == boolean {
			continue // a bare boolean: "--profiling" is "--profiling=true"
		}
		if i+1 >= len(args) {
			continue
		}
		next := args[i+1]
		if known {
			// The flag parser takes the next argument as the value,
			// whatever it starts with.
			add(i+1, flagValueCuts(d, true, next), 0)
			i++
			continue
		}
		// An unknown flag with no "=": the next argument may be its
		// value. It is kept only when it is a known flag, or empty.
		if next != "" && next[0] == '-' && next != "-" && next != "--" {
			nn, _, _ := strings.Cut(strings.TrimLeft(next, "-"), "=")
			if _, ok := t.lookup(nn); ok {
				continue
			}
		}
		if next != "" {
			add(i+1, whole(next), 0)
		}
		i++
	}
	return cuts
}

// flagValueCuts decides the value of a flag.
func flagValueCuts(d flagDef, known bool, value string) []cut {
	if !known {
		if value == "" || IsMarker(value) {
			return nil
		}
		return whole(value)
	}
	if d.kind != passThrough {
		return decide(d.kind, value)
	}
	// k3s: --kube-apiserver-arg=profiling=false or =--profiling=false.
	inner := strings.TrimLeft(value, "-")
	skip := len(value) - len(inner)
	name, v, ok := strings.Cut(inner, "=")
	// The embedded component parses the name as its own flag.
	id, iknown := tableOf(d.target).lookup(name)
	if !ok {
		if iknown && id.kind == boolean {
			return nil
		}
		if !iknown {
			return whole(value)
		}
		return nil
	}
	var out []cut
	for _, c := range flagValueCuts(id, iknown, v) {
		out = append(out, cut{c.start + skip + len(name) + 1, c.end + skip + len(name) + 1})
	}
	return out
}

// Argv returns a command line with every value that is not a known
// setting of the component replaced by a marker, and the number of
// markers. argv is not changed.
func (r *Redactor) Argv(component string, argv []string) ([]string, int) {
	cuts := planArgs(component, argv)
	if len(cuts) == 0 {
		return argv, 0
	}
	out := append([]string(nil), argv...)
	byArg := map[int][]cut{}
	for _, c := range cuts {
		byArg[c.arg] = append(byArg[c.arg], c.cut)
	}
	for i, cs := range byArg {
		out[i] = r.apply(argv[i], cs)
	}
	return out, len(cuts)
}

// apply replaces the cuts of v (sorted, not overlapping) by markers.
func (r *Redactor) apply(v string, cs []cut) string {
	var b strings.Builder
	last := 0
	for _, c := range sortCuts(cs) {
		if c.start < last {
			continue
		}
		b.WriteString(v[last:c.start])
		b.WriteString(r.Marker(v[c.start:c.end]))
		last = c.end
	}
	b.WriteString(v[last:])
	return b.String()
}

func sortCuts(cs []cut) []cut {
	out := append([]cut(nil), cs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].start < out[j-1].start; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
