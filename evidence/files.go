package evidence

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/results"
)

// FileSet is the files a file leaf tests.
type FileSet struct {
	// Desc names the files as they read in verdicts.
	Desc string
	// Paths are the node paths of the files, as the collection recorded
	// them (a directory reached through a symlink is walked at its target,
	// as find DIR/ does).
	Paths []string
	// Unknown says why the set itself could not be determined.
	Unknown string
	// Unseen says what under the directory could not be examined: the
	// set may be incomplete, so it can fail a check but never pass it.
	Unseen    []string
	Citations []results.Citation
}

// Files resolves the files of a file leaf.
func (n *Node) Files(component string, f *catalog.Files) FileSet {
	if f.Under != "" {
		return n.filesUnder(component, f)
	}
	var fs FileSet
	p := ""
	if f.Setting != nil {
		o := n.Setting(component, f.Setting)
		fs.Citations = append(fs.Citations, o.Citations...)
		switch o.State {
		case Unknown:
			fs.Desc = "the file named by " + o.Desc
			fs.Unknown = o.Reason
			return fs
		case Set:
			p, fs.Desc = o.Value, o.Value
			host, mapped, why := n.NodePath(component, p)
			if why != "" {
				fs.Unknown = why
				return fs
			}
			if mapped != nil {
				fs.Citations = append(fs.Citations, *mapped)
				p, fs.Desc = host, host+" ("+o.Value+" in its container)"
			}
		default:
			fs.Desc = "the file named by " + o.Desc
		}
	}
	if f.Every {
		return n.everyFile(f.Paths)
	}
	if p == "" && len(f.Paths) > 0 {
		for _, c := range f.Paths {
			if st, _ := n.Stat(c); st != nil && st.Error == "" {
				p = c
				break
			}
		}
		if p == "" {
			fs.Desc = strings.Join(f.Paths, " or ")
			for _, c := range f.Paths {
				st := n.stats[c]
				if st == nil {
					// No record: absent only if its directory shows it.
					cite, absent := n.unrecordedAbsent(c)
					if !absent {
						fs.Desc = c
						fs.Unknown = c + " was not collected: whether it exists is not known"
						return fs
					}
					fs.Citations = append(fs.Citations, cite)
					continue
				}
				fs.Citations = append(fs.Citations, n.statCitation(st, "error", st.Error))
				if st.ErrorKind != "not-exist" {
					fs.Desc = c
					fs.Unknown = fmt.Sprintf("%s could not be examined: %s", c, st.Error)
					return fs
				}
			}
		}
	}
	if p == "" && f.Default != "" {
		p = f.Default
	}
	if p != "" {
		fs.Paths, fs.Desc = []string{p}, p
	}
	return fs
}

// everyFile resolves every path of a list that exists; one that could not
// be examined leaves the set incomplete.
func (n *Node) everyFile(paths []string) FileSet {
	fs := FileSet{Desc: strings.Join(paths, ", ")}
	for _, c := range paths {
		st, _ := n.Stat(c)
		switch {
		case st == nil:
			if s := n.stats[c]; s == nil {
				if cite, absent := n.unrecordedAbsent(c); !absent {
					fs.Unseen = append(fs.Unseen, c+" was not collected")
				} else {
					fs.Citations = append(fs.Citations, cite)
				}
			}
		case st.Error == "":
			if !slices.ContainsFunc(fs.Paths, func(q string) bool { s, _ := n.Stat(q); return s == st }) {
				fs.Paths = append(fs.Paths, c) // /lib → /usr/lib: once
			}
		case st.ErrorKind == "not-exist":
			fs.Citations = append(fs.Citations, n.statCitation(st, "error", st.Error))
		default:
			fs.Citations = append(fs.Citations, n.statCitation(st, "error", st.Error))
			fs.Unseen = append(fs.Unseen, fmt.Sprintf("%s could not be examined: %s", c, st.Error))
		}
	}
	return fs
}

// unrecordedAbsent reports whether the file c, which has no stat record,
// is known not to exist — its directory does not exist, or was listed
// without it — with the citation of the directory's record that shows it.
func (n *Node) unrecordedAbsent(c string) (results.Citation, bool) {
	ok, dir := n.absentIn(path.Dir(c))
	switch {
	case !ok:
		return results.Citation{}, false
	case dir.Error != "":
		return n.statCitation(dir, "error", dir.Error), true
	}
	return n.statCitation(dir, "entries", "listed; no "+path.Base(c)), true
}

// absentIn reports whether a file of dir that has no stat record does not
// exist — dir does not exist, or it was listed without trouble — with the
// record of dir that shows it.
func (n *Node) absentIn(dir string) (bool, *bundle.Stat) {
	st, _ := n.Stat(dir)
	if st == nil {
		real, _ := n.resolve(dir)
		st = n.stats[real]
		return st != nil && st.ErrorKind == "not-exist", st
	}
	if st.Error != "" {
		return st.ErrorKind == "not-exist", st
	}
	reasons, _ := n.unseenUnder(dir)
	return st.Type == bundle.TypeDir && len(reasons) == 0, st
}

// filesUnder resolves a directory walk: every collected file under the
// directory, matching the leaf's name pattern.
func (n *Node) filesUnder(component string, f *catalog.Files) FileSet {
	dir := f.Under
	var fs FileSet
	// A directory named by a setting of a component that does not run
	// here is the default one.
	if f.UnderSetting != nil && n.Runs(component) {
		o := n.Setting(component, f.UnderSetting)
		fs.Citations = append(fs.Citations, o.Citations...)
		switch o.State {
		case Unknown:
			fs.Desc, fs.Unknown = "the directory named by "+o.Desc, o.Reason
			return fs
		case Set:
			dir = o.Value
		}
	}
	fs.Desc = dir
	if f.Name != "" {
		fs.Desc += "/**/" + f.Name
	}
	real, chain := n.resolve(dir)
	for _, link := range chain {
		fs.Citations = append(fs.Citations, n.statCitation(link, "link", link.Link))
	}
	top, ok := n.stats[real]
	if !ok {
		fs.Unknown = dir + " was not collected"
		return fs
	}
	if top.Error != "" && top.ErrorKind != "not-exist" {
		// Not known to be absent: what it holds is not known.
		fs.Citations = append(fs.Citations, n.statCitation(top, "error", top.Error))
		fs.Unknown = fmt.Sprintf("%s could not be examined: %s", real, top.Error)
		return fs
	}
	for i := range n.statList {
		st := &n.statList[i]
		if st.Error != "" || st.Type == bundle.TypeSymlink {
			continue
		}
		if st.Path == real {
			if f.Self {
				fs.Paths = append(fs.Paths, st.Path)
			}
			continue
		}
		if !strings.HasPrefix(st.Path, real+"/") {
			continue
		}
		if f.Name != "" {
			// A pattern with a "/" matches the path below the directory
			// ("kube-scheduler-pod-*/configmaps/scheduler-kubeconfig/kubeconfig"),
			// one without it the base name.
			name := path.Base(st.Path)
			if strings.Contains(f.Name, "/") {
				name = strings.TrimPrefix(st.Path, real+"/")
			}
			if ok, _ := path.Match(f.Name, name); !ok {
				continue
			}
		}
		if f.Type != "" && st.Type != f.Type {
			continue
		}
		fs.Paths = append(fs.Paths, st.Path)
	}
	var cites []results.Citation
	fs.Unseen, cites = n.unseenUnder(real)
	fs.Citations = append(fs.Citations, cites...)
	if len(fs.Paths) == 0 && len(fs.Unseen) == 0 {
		// No file: the verdict rests on the directory's record, which
		// says it does not exist or that it was listed.
		if top.Error != "" {
			fs.Citations = append(fs.Citations, n.statCitation(top, "error", top.Error))
		} else {
			fs.Citations = append(fs.Citations, n.statCitation(top, "entries", "listed; no "+entriesWanted(f)))
		}
	}
	return fs
}

// entriesWanted names what a directory walk looks for: "*.conf file",
// "file", "entry".
func entriesWanted(f *catalog.Files) string {
	what := f.Type
	if what == "" {
		what = "entry"
	}
	if f.Name != "" {
		what = f.Name + " " + what
	}
	return what
}

// Stat returns the stat record of a node path, with every symlink along
// it resolved among the collected records, and the links it went
// through. A path the collection has no record of gives nil.
func (n *Node) Stat(p string) (*bundle.Stat, []*bundle.Stat) {
	real, chain := n.resolve(p)
	st := n.stats[real]
	if st == nil || st.Type == bundle.TypeSymlink {
		return nil, append(chain, recordOrNil(st)...)
	}
	return st, append(chain, st)
}

func recordOrNil(st *bundle.Stat) []*bundle.Stat {
	if st == nil {
		return nil
	}
	return []*bundle.Stat{st}
}

// resolve returns p with every symlink among its elements, the last one
// too, replaced by its target as recorded; and the links met.
func (n *Node) resolve(p string) (string, []*bundle.Stat) {
	var chain []*bundle.Stat
	p = path.Clean(p)
	for hops := 0; hops < 40; hops++ {
		changed := false
		// From the root down: the first element that is a symlink.
		for i := 1; i <= len(p); i++ {
			if i < len(p) && p[i] != '/' {
				continue
			}
			prefix := p[:i]
			st := n.stats[prefix]
			if st == nil || st.Type != bundle.TypeSymlink {
				continue
			}
			chain = append(chain, st)
			target := st.Link
			if !path.IsAbs(target) {
				target = path.Join(path.Dir(prefix), target)
			}
			p = path.Clean(target + p[i:])
			changed = true
			break
		}
		if !changed {
			return p, chain
		}
	}
	return p, chain
}

// unseenUnder returns what the collection could not examine below dir,
// with citations: a directory it could not list, an entry it could not
// stat, or a path limit or time limit that ended it early.
func (n *Node) unseenUnder(dir string) ([]string, []results.Citation) {
	var reasons []string
	var cites []results.Citation
	for _, p := range n.problems {
		switch {
		case p.Kind == "limit" && (p.Op == "stat" || p.Op == "collect"):
			reasons = append(reasons, "the collection stopped early: "+p.Message)
		case p.Op == "readdir" && p.Kind != "not-exist" && (p.Path == dir || strings.HasPrefix(p.Path, dir+"/")):
			reasons = append(reasons, fmt.Sprintf("%s could not be listed: %s", p.Path, p.Message))
		default:
			continue
		}
		cites = append(cites, n.citation(bundle.ProblemsPath, strings.TrimSpace(p.Path+" "+p.Op), p.Kind+": "+p.Message))
	}
	var first *bundle.Stat
	errs := 0
	for i := range n.statList {
		st := &n.statList[i]
		if st.Error != "" && st.ErrorKind != "not-exist" && strings.HasPrefix(st.Path, dir+"/") {
			if errs++; first == nil {
				first = st
			}
			cites = append(cites, n.statCitation(st, "error", st.Error))
		}
	}
	switch {
	case errs == 1:
		reasons = append(reasons, fmt.Sprintf("%s could not be examined: %s", first.Path, first.Error))
	case errs > 1:
		reasons = append(reasons, fmt.Sprintf("%d entries under %s could not be examined (%s: %s, …)", errs, dir, first.Path, first.Error))
	}
	return reasons, cites
}
