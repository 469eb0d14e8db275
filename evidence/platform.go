package evidence

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/results"
)

// SetPlatform tells the node its platform (nil: none), which says where
// components that another process embeds get their arguments.
func (n *Node) SetPlatform(p *catalog.Platform) {
	n.platform = p
	n.args = nil
}

// Platform returns the node's platform profile, or nil.
func (n *Node) Platform() *catalog.Platform { return n.platform }

// argItem is one argument a component reads: from its process's command
// line, or from a file its platform reads as arguments.
type argItem struct {
	text  string
	index int // argv index; -1 for an argument from a file
	cite  *results.Citation
	// platformDefault: the platform's process passes it unless the
	// user's arguments replace it.
	platformDefault bool
}

// argList is the arguments a component reads, in the order it reads them
// (a later occurrence of a flag wins), and why some could not be read.
type argList struct {
	items []argItem
	// unknown says which file of arguments exists but could not be read:
	// a flag found nowhere else is then unknown, not unset.
	unknown string
}

type argKey struct {
	pid int
	src string
}

// argList returns the arguments the component reads from process p
// through src (nil: p's own command line): a platform's configuration
// file read as flags comes first, then the command line; an args file
// replaces the command line.
func (n *Node) argList(p *bundle.Process, src *catalog.ComponentSource) argList {
	key := argKey{pid: p.PID}
	if src != nil {
		key.src = src.Arg + "|" + src.ArgsFile
		if src.ConfigArgs != nil {
			key.src += "|" + src.ConfigArgs.Flag
		}
	}
	if l, ok := n.args[key]; ok {
		return l
	}
	var l argList
	if src != nil && src.ArgsFile != "" {
		l = n.argsFile(src.ArgsFile)
	} else {
		if src != nil {
			l.items = append(l.items, n.defaultArgs(p, src)...)
		}
		if cfg := processConfig(n.platform, p.Component); cfg != nil {
			c := n.configArgs(p, cfg)
			l.items, l.unknown = append(l.items, c.items...), c.unknown
		}
		for i := 1; i < len(p.Argv); i++ {
			l.items = append(l.items, argItem{text: p.Argv[i], index: i})
		}
		if src != nil && src.ConfigArgs != nil {
			c := n.configFileArgs(p, src)
			l.items = append(l.items, c.items...)
			if l.unknown == "" {
				l.unknown = c.unknown
			}
		}
		if src != nil && src.Arg != "" && l.unknown == "" {
			l.unknown = unreadableItem(l.items, src.Arg)
		}
	}
	if n.args == nil {
		n.args = map[argKey]argList{}
	}
	n.args[key] = l
	return l
}

// ArgsUnknown says why arguments of the component could not all be read
// ("" when they could).
func (n *Node) ArgsUnknown(component string) string {
	p, src := n.process(component)
	if p == nil {
		return ""
	}
	return n.argList(p, src).unknown
}

// defaultArgs are the arguments process p passes the component through
// src before any the user gives, for the node's Kubernetes version.
func (n *Node) defaultArgs(p *bundle.Process, src *catalog.ComponentSource) []argItem {
	if len(src.Defaults) == 0 {
		return nil
	}
	minor := -1
	if v, ok := n.KubernetesVersion(); ok {
		if m, err := catalog.KubeMinor(v.Version); err == nil {
			minor = m
		}
	}
	var out []argItem
	for _, d := range src.Defaults {
		if !d.Holds(minor) {
			continue
		}
		if d.Path != "" {
			if pr, _ := n.presence(d.Path); pr != present {
				continue
			}
		}
		why := ""
		if d.Path != "" {
			why = ", as " + d.Path + " exists"
		}
		if d.Flag != "" {
			v, _, _ := n.flag(p.Component, d.Flag)
			if on, err := strconv.ParseBool(v); err != nil || !on {
				continue
			}
			why += ", as its --" + d.Flag + " is " + v
		}
		c := n.argvCitation(p, -1, fmt.Sprintf("%s passes %s to it by default%s (%s profile: %s); no argument of its %s overrides it", p.Component, d.Arg, why, n.platform.Name, d.Source, arguments(p)))
		out = append(out, argItem{text: "--" + src.Arg + "=" + d.Arg, index: -1, cite: &c, platformDefault: true})
	}
	return out
}

// processConfig returns the configuration file that processes of the
// component read as flags on platform pl, or nil.
func processConfig(pl *catalog.Platform, component string) *catalog.ProcessConfig {
	if pl == nil || pl.Config == nil {
		return nil
	}
	for _, c := range pl.Config.Processes {
		if c == component {
			return pl.Config
		}
	}
	return nil
}

// presence says whether a path exists on the node as far as the bundle
// shows: yes, no (the collector found nothing there), or unknown (no
// record of it, or an error other than "does not exist").
type presence int

const (
	presenceUnknown presence = iota
	present
	absent
)

func (n *Node) presence(p string) (presence, *bundle.Stat) {
	st, _ := n.Stat(p)
	if st != nil {
		if st.Error == "" {
			return present, st
		}
		if st.ErrorKind == "not-exist" {
			return absent, st
		}
		return presenceUnknown, st
	}
	if rec := n.stats[p]; rec != nil && rec.ErrorKind == "not-exist" {
		return absent, rec
	}
	return presenceUnknown, nil
}

// configArgs reads the platform configuration file of process p (and its
// drop-ins) as the process does, into flags placed before its command
// line: each key is a flag, a list gives one flag per item; a drop-in's
// key replaces the same key of the files before it, a key ending in "+"
// adds to it.
func (n *Node) configArgs(p *bundle.Process, cfg *catalog.ProcessConfig) argList {
	var l argList
	file, dropIns := cfg.File, cfg.DropIns
	chosen := ""
	if cfg.Flag != "" {
		for i := 1; i < len(p.Argv); i++ {
			a := p.Argv[i]
			if v, ok := strings.CutPrefix(a, "--"+cfg.Flag+"="); ok {
				chosen = v
			} else if a == "--"+cfg.Flag && i+1 < len(p.Argv) {
				chosen = p.Argv[i+1]
			}
		}
	}
	if chosen == "" && cfg.Env != "" {
		for _, e := range p.Env {
			if k, v, ok := strings.Cut(e, "="); ok && k == cfg.Env && v != "" {
				chosen = v
			}
		}
	}
	if chosen != "" && path.Clean(chosen) != file {
		file, dropIns = path.Clean(chosen), path.Clean(chosen)+".d"
		if !path.IsAbs(file) {
			l.unknown = fmt.Sprintf("%s reads its configuration from %q, a relative path", p.Component, chosen)
			return l
		}
	}
	files := []string{file}
	switch pr, _ := n.presence(file); pr {
	case absent:
		files = nil
	case presenceUnknown:
		l.unknown = fmt.Sprintf("%s reads flags from %s, of which the bundle has no readable record", p.Component, file)
		return l
	}
	if dropIns != "" {
		switch pr, _ := n.presence(dropIns); pr {
		case present:
			files = append(files, n.dirFiles(dropIns, ".yaml")...)
		case presenceUnknown:
			l.unknown = fmt.Sprintf("%s reads flags from the files of %s, of which the bundle has no readable record", p.Component, dropIns)
			return l
		}
	}
	type item struct {
		value string
		cite  results.Citation
	}
	var order []string
	values := map[string][]item{}
	for _, f := range files {
		d := n.config(f)
		if d.err != nil {
			l.unknown = d.err.Error()
			return l
		}
		root := d.root
		if root.Kind == yamlv3.DocumentNode && len(root.Content) > 0 {
			root = root.Content[0]
		}
		if root.Kind != yamlv3.MappingNode {
			if root.Kind == yamlv3.DocumentNode || root.Kind == 0 {
				continue // an empty file
			}
			l.unknown = fmt.Sprintf("%s is not a mapping of flags to values", f)
			return l
		}
		for i := 0; i+1 < len(root.Content); i += 2 {
			key, val := root.Content[i].Value, root.Content[i+1]
			name, add := strings.CutSuffix(key, "+")
			var its []item
			one := func(v *yamlv3.Node, at string) {
				its = append(its, item{value: v.Value, cite: n.citation(d.member, fmt.Sprintf("%s (line %d)", at, v.Line), key+": "+v.Value)})
			}
			switch val.Kind {
			case yamlv3.ScalarNode:
				one(val, key)
			case yamlv3.SequenceNode:
				for j, c := range val.Content {
					if c.Kind == yamlv3.ScalarNode {
						one(c, fmt.Sprintf("%s[%d]", key, j))
					}
				}
			default:
				continue
			}
			if _, seen := values[name]; !seen {
				order = append(order, name)
			}
			if add {
				values[name] = append(values[name], its...)
			} else {
				values[name] = its
			}
		}
	}
	for _, name := range order {
		for _, it := range values[name] {
			c := it.cite
			l.items = append(l.items, argItem{text: "--" + name + "=" + it.value, index: -1, cite: &c})
		}
	}
	return l
}

// dirFiles lists the files directly in dir whose names end in suffix, in
// name order, as the collector recorded them.
func (n *Node) dirFiles(dir, suffix string) []string {
	var out []string
	prefix := strings.TrimSuffix(dir, "/") + "/"
	for i := range n.statList {
		st := &n.statList[i]
		rest, ok := strings.CutPrefix(st.Path, prefix)
		if !ok || strings.Contains(rest, "/") || !strings.HasSuffix(rest, suffix) || st.Error != "" || st.Type != bundle.TypeFile {
			continue
		}
		out = append(out, st.Path)
	}
	sort.Strings(out)
	return out
}

// argsFile reads a file of command-line flags (MicroK8s's args files):
// one or more arguments a line, blank lines and # comments ignored, the
// platform's variables expanded.
func (n *Node) argsFile(p string) argList {
	var l argList
	switch pr, st := n.presence(p); pr {
	case absent:
		l.unknown = fmt.Sprintf("%s, the file of the component's flags, does not exist", p)
		return l
	case presenceUnknown:
		why := "the bundle has no record of it"
		if st != nil {
			why = st.Error
		}
		l.unknown = fmt.Sprintf("%s, the file of the component's flags, could not be read: %s", p, why)
		return l
	}
	member := bundle.FileMember(p)
	data, _, ok := copyOf(n.b, p, member)
	if !ok {
		l.unknown = fmt.Sprintf("no copy of %s, the file of the component's flags, in the bundle", p)
		return l
	}
	for num, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, f := range strings.Fields(line) {
			f = n.expand(strings.Trim(f, `"'`))
			c := n.citation(member, fmt.Sprintf("line %d", num+1), line)
			l.items = append(l.items, argItem{text: f, index: -1, cite: &c})
		}
	}
	return l
}

// expand replaces the platform's variables (${SNAP_DATA}) in s.
func (n *Node) expand(s string) string {
	if n.platform == nil || !strings.Contains(s, "$") {
		return s
	}
	for _, k := range sortedKeys(n.platform.Variables) {
		s = strings.ReplaceAll(s, "${"+k+"}", n.platform.Variables[k])
		s = strings.ReplaceAll(s, "$"+k, n.platform.Variables[k])
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Longer names first: $SNAP_DATA before $SNAP.
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return keys
}

// Shows reports whether the node shows a platform's signal, with the
// citation that shows it.
func (n *Node) Shows(s catalog.Signal) (results.Citation, bool) {
	switch {
	case s.Process != "":
		for i := range n.procs {
			if p := &n.procs[i]; p.Component == s.Process {
				return n.argvCitation(p, -1, fmt.Sprintf("a %s process (pid %d)", p.Component, p.PID)), true
			}
		}
	case s.Version != "":
		for _, e := range n.Manifest.Host.Kubernetes {
			if strings.Contains(e.Version, s.Version) {
				return n.ManifestCitation(fmt.Sprintf("Kubernetes %s from %s", e.Version, describeVersionSource(e))), true
			}
		}
	case s.VersionPattern != "":
		re, err := regexp.Compile(s.VersionPattern)
		if err != nil {
			break
		}
		for _, e := range n.Manifest.Host.Kubernetes {
			if re.MatchString(e.Version) {
				return n.ManifestCitation(fmt.Sprintf("Kubernetes %s from %s", e.Version, describeVersionSource(e))), true
			}
		}
	case s.OS != "":
		if id := n.Manifest.Host.OS.ID; id == s.OS {
			return n.ManifestCitation(fmt.Sprintf("operating system %s (ID=%s in /etc/os-release)", n.Manifest.Host.OS.PrettyName, id)), true
		}
	case s.Path != "":
		if pr, st := n.presence(s.Path); pr == present {
			return n.StatCitation(st, "type", fmt.Sprintf("%s exists (%s)", s.Path, st.Type)), true
		}
		prefix := strings.TrimSuffix(s.Path, "/") + "/"
		for i := range n.statList {
			if st := &n.statList[i]; strings.HasPrefix(st.Path, prefix) && st.Error == "" {
				return n.StatCitation(st, "type", fmt.Sprintf("%s exists (%s %s is in it)", s.Path, st.Type, st.Path)), true
			}
		}
	case s.Arg != "":
		for i := range n.procs {
			p := &n.procs[i]
			if p.Component != s.Component {
				continue
			}
			for j := 1; j < len(p.Argv); j++ {
				if strings.Contains(p.Argv[j], s.Arg) {
					return n.argvCitation(p, j, fmt.Sprintf("%s %s", p.Component, p.Argv[j])), true
				}
			}
		}
	case s.Image != "":
		for _, e := range n.Manifest.Host.Kubernetes {
			if e.Source != "image-tag" {
				continue
			}
			data, _, ok := copyOf(n.b, e.Path, bundle.FileMember(e.Path))
			if !ok {
				continue
			}
			for num, line := range strings.Split(string(data), "\n") {
				v, ok := strings.CutPrefix(strings.TrimPrefix(strings.TrimSpace(line), "- "), "image:")
				if v = strings.Trim(strings.TrimSpace(v), `"'`); ok && strings.HasPrefix(v, s.Image) {
					return n.citation(bundle.FileMember(e.Path), fmt.Sprintf("line %d", num+1), fmt.Sprintf("static pod image %s (%s)", v, e.Path)), true
				}
			}
		}
	}
	return results.Citation{}, false
}

// flagAbsent cites the arguments of a component that do not set --name:
// its command line, or what its platform passes it.
func (n *Node) flagAbsent(component string, p *bundle.Process, name, more string) results.Citation {
	_, src := n.process(component)
	switch {
	case src != nil && src.ArgsFile != "":
		return n.citation(bundle.FileMember(src.ArgsFile), "flags", fmt.Sprintf("--%s not set in %s, the flags %s gives %s%s", name, src.ArgsFile, p.Component, component, more))
	case src != nil && src.ConfigArgs != nil:
		return n.argvCitation(p, -1, fmt.Sprintf("--%s not set among its %s or in %s of the file its --%s names%s", name, arguments(p), src.ConfigArgs.Field, src.ConfigArgs.Flag, more))
	case src != nil && src.Arg != "":
		return n.argvCitation(p, -1, fmt.Sprintf("--%s not set among the --%s items of %s's %s or its configuration%s", name, src.Arg, p.Component, arguments(p), more))
	case processConfig(n.platform, p.Component) != nil:
		return n.argvCitation(p, -1, fmt.Sprintf("--%s not set among its %s or in its configuration file%s", name, arguments(p), more))
	}
	return n.argvCitation(p, -1, fmt.Sprintf("--%s not set among its %s%s", name, arguments(p), more))
}

// unreadableItem says which --via item names no flag one can read (a
// value the collector redacted): any of the component's flags may hide
// in it, so none found elsewhere is certain ("" when all are readable).
func unreadableItem(items []argItem, via string) string {
	for i, it := range items {
		v, ok := strings.CutPrefix(it.text, "--"+via+"=")
		if !ok && it.text == "--"+via && i+1 < len(items) {
			v, ok = items[i+1].text, true
		}
		if !ok {
			continue
		}
		k, _, _ := strings.Cut(strings.TrimLeft(v, "-"), "=")
		k = strings.TrimRight(k, "+-")
		if k == "" || strings.Trim(k, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return fmt.Sprintf("an --%s item, %q, names no flag that can be read", via, v)
		}
	}
	return ""
}
