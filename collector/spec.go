package collector

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/kubeproof/kubeproof/redact"
)

// specSource reads a node spec (DESIGN.md, "Node specs"): a files/ tree
// rooted at /, attrs.tsv for modes, owners and entries git cannot keep,
// procs.tsv for the running processes and users.tsv for accounts. Every
// file's content comes from files/; every mode and owner from the spec's
// rules, never from the checkout (git keeps neither).
type specSource struct {
	dir     string
	entries map[string]*specEntry // by node path
	procs   []rawProc
	users   map[int]string
	groups  map[int]string
}

type specEntry struct {
	info fileInfo
	host string // path of the content in the spec, "" for entries made by attrs.tsv
}

// SpecError reports a malformed node spec file.
type SpecError struct {
	File string
	Line int
	Msg  string
}

func (e *SpecError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("node spec %s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("node spec %s: %s", e.File, e.Msg)
}

func loadSpec(dir string) (*specSource, error) {
	s := &specSource{
		dir:     dir,
		entries: map[string]*specEntry{"/": {info: fileInfo{typ: "dir", mode: 0o755}}},
		users:   map[int]string{0: "root"},
		groups:  map[int]string{0: "root"},
	}
	if fi, err := os.Stat(filepath.Join(dir, "files")); err != nil || !fi.IsDir() {
		return nil, &SpecError{File: filepath.Join(dir, "files"), Msg: "missing files/ directory"}
	}
	byName := map[string][2]int{"root": {0, 0}}
	if err := eachLine(filepath.Join(dir, "users.tsv"), true, func(file string, n int, line string) error {
		f := strings.Fields(line)
		if len(f) < 3 {
			return &SpecError{File: file, Line: n, Msg: "want NAME UID GID [HOME] [SHELL]"}
		}
		uid, err1 := strconv.Atoi(f[1])
		gid, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil || uid < 0 || gid < 0 {
			return &SpecError{File: file, Line: n, Msg: fmt.Sprintf("bad uid or gid in %q", line)}
		}
		s.users[uid] = f[0]
		s.groups[gid] = f[0]
		byName[f[0]] = [2]int{uid, gid}
		return nil
	}); err != nil {
		return nil, err
	}
	root := filepath.Join(dir, "files")
	err := filepath.WalkDir(root, func(hp string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, hp)
		np := path.Clean("/" + filepath.ToSlash(rel))
		fi, err := d.Info()
		if err != nil {
			return err
		}
		e := &specEntry{host: hp}
		switch {
		case fi.IsDir():
			e.info = fileInfo{typ: "dir", mode: 0o755}
		case fi.Mode().IsRegular():
			e.info = fileInfo{typ: "file", mode: 0o644, size: fi.Size()}
			if fi.Mode().Perm()&0o111 != 0 {
				e.info.mode = 0o755
			}
		default:
			return &SpecError{File: hp, Msg: "only files and directories may stand in files/ (links and special files are not portable through git)"}
		}
		s.entries[np] = e
		return nil
	})
	if err != nil {
		var se *SpecError
		if asSpecError(err, &se) {
			return nil, se
		}
		return nil, &SpecError{File: root, Msg: err.Error()}
	}
	if err := eachLine(filepath.Join(dir, "attrs.tsv"), true, func(file string, n int, line string) error {
		return s.applyAttr(file, n, line, byName)
	}); err != nil {
		return nil, err
	}
	pid := 1000
	if err := eachLine(filepath.Join(dir, "procs.tsv"), true, func(file string, n int, line string) error {
		if assign, ok := strings.CutPrefix(line, "+env\t"); ok {
			// "+env<TAB>NAME=VALUE": a variable of the process above.
			if len(s.procs) == 0 {
				return &SpecError{File: file, Line: n, Msg: "+env before any process"}
			}
			if !strings.Contains(assign, "=") {
				return &SpecError{File: file, Line: n, Msg: "want +env<TAB>NAME=VALUE"}
			}
			p := &s.procs[len(s.procs)-1]
			p.env = append(p.env, assign)
			return nil
		}
		if exe, ok := strings.CutPrefix(line, "+exe\t"); ok {
			// "+exe<TAB>PATH": the executable of the process above, as the
			// kernel names it, when it is not ARGV0 (a container's process
			// runs a binary of its image; /proc/PID/exe opens it).
			if len(s.procs) == 0 {
				return &SpecError{File: file, Line: n, Msg: "+exe before any process"}
			}
			if exe = strings.TrimSpace(exe); !path.IsAbs(exe) || path.Clean(exe) != exe {
				return &SpecError{File: file, Line: n, Msg: fmt.Sprintf("+exe %q: want a clean absolute path", exe)}
			}
			s.procs[len(s.procs)-1].exe = exe
			return nil
		}
		argv0, args, _ := strings.Cut(line, "\t")
		argv0 = strings.TrimSpace(argv0)
		if argv0 == "" {
			return &SpecError{File: file, Line: n, Msg: "empty ARGV0"}
		}
		p := rawProc{pid: pid, argv: append([]string{argv0}, strings.Fields(args)...), comm: path.Base(argv0), env: []string{}}
		if len(p.comm) > 15 { // the kernel truncates comm to 15 bytes
			p.comm = p.comm[:15]
		}
		if path.IsAbs(argv0) {
			p.exe = argv0
		}
		pid += 10
		s.procs = append(s.procs, p)
		return nil
	}); err != nil {
		return nil, err
	}
	return s, nil
}

func asSpecError(err error, target **SpecError) bool {
	se, ok := err.(*SpecError)
	if ok {
		*target = se
	}
	return ok
}

func (s *specSource) applyAttr(file string, n int, line string, byName map[string][2]int) error {
	f := strings.Fields(line)
	if len(f) < 4 || len(f) > 5 {
		return &SpecError{File: file, Line: n, Msg: "want PATH MODE OWNER GROUP [KIND]"}
	}
	p := f[0]
	if !path.IsAbs(p) || path.Clean(p) != p {
		return &SpecError{File: file, Line: n, Msg: fmt.Sprintf("path %q is not a clean absolute path", p)}
	}
	e, ok := s.entries[p]
	if len(f) == 5 {
		kind := f[4]
		if kind != "dir" && kind != "file" {
			return &SpecError{File: file, Line: n, Msg: fmt.Sprintf("kind %q: want dir or file", kind)}
		}
		if !ok {
			e = &specEntry{info: fileInfo{typ: kind, mode: 0o644}}
			if kind == "dir" {
				e.info.mode = 0o755
			}
			s.entries[p] = e
			s.addParents(p)
		} else if e.info.typ != kind {
			return &SpecError{File: file, Line: n, Msg: fmt.Sprintf("%s is a %s in files/, not a %s", p, e.info.typ, kind)}
		}
	} else if !ok {
		return &SpecError{File: file, Line: n, Msg: fmt.Sprintf("%s is not in files/ (add KIND dir or file to create it)", p)}
	}
	if f[1] != "-" {
		m, err := strconv.ParseUint(f[1], 8, 32)
		if err != nil || m > 0o7777 {
			return &SpecError{File: file, Line: n, Msg: fmt.Sprintf("bad octal mode %q", f[1])}
		}
		e.info.mode = uint32(m)
	}
	if f[2] != "-" {
		ids, ok := byName[f[2]]
		if !ok {
			return &SpecError{File: file, Line: n, Msg: fmt.Sprintf("unknown owner %q (add it to users.tsv)", f[2])}
		}
		e.info.uid = ids[0]
	}
	if f[3] != "-" {
		ids, ok := byName[f[3]]
		if !ok {
			return &SpecError{File: file, Line: n, Msg: fmt.Sprintf("unknown group %q (add a user of that name to users.tsv)", f[3])}
		}
		e.info.gid = ids[1]
	}
	return nil
}

func (s *specSource) addParents(p string) {
	for d := path.Dir(p); ; d = path.Dir(d) {
		if _, ok := s.entries[d]; !ok {
			s.entries[d] = &specEntry{info: fileInfo{typ: "dir", mode: 0o755}}
		}
		if d == "/" {
			return
		}
	}
}

// eachLine calls fn for every line of file that is neither blank nor a
// comment. A missing optional file is no error.
func eachLine(file string, optional bool, fn func(file string, n int, line string) error) error {
	data, err := os.ReadFile(file)
	if err != nil {
		if optional && os.IsNotExist(err) {
			return nil
		}
		return &SpecError{File: file, Msg: err.Error()}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if err := fn(file, n, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return &SpecError{File: file, Msg: err.Error()}
	}
	return nil
}

func (s *specSource) mode() string { return "spec" }

func (s *specSource) lstat(p string) (fileInfo, error) {
	e, ok := s.entries[path.Clean(p)]
	if !ok {
		return fileInfo{}, &fs.PathError{Op: "lstat", Path: p, Err: syscall.ENOENT}
	}
	return e.info, nil
}

func (s *specSource) readFile(p string, max int64) ([]byte, error) {
	e, ok := s.entries[path.Clean(p)]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: p, Err: syscall.ENOENT}
	}
	if e.info.typ != "file" {
		return nil, &fs.PathError{Op: "read", Path: p, Err: errNotRegular}
	}
	if e.host == "" {
		return []byte{}, nil
	}
	f, err := os.Open(e.host)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCapped(f, max)
}

func (s *specSource) readDir(p string) ([]string, error) {
	p = path.Clean(p)
	e, ok := s.entries[p]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: p, Err: syscall.ENOENT}
	}
	if e.info.typ != "dir" {
		return nil, &fs.PathError{Op: "readdirent", Path: p, Err: fmt.Errorf("not a directory")}
	}
	var names []string
	for q := range s.entries {
		if q != p && path.Dir(q) == p {
			names = append(names, path.Base(q))
		}
	}
	sort.Strings(names)
	return names, nil
}

func (s *specSource) processes() ([]rawProc, []problem) {
	var out []rawProc
	for _, p := range s.procs {
		if c, _ := redact.Identify(p.argv, p.exe, p.comm); c != "" {
			out = append(out, p)
		}
	}
	return out, nil
}

// resolves: a node spec holds no symlinks.
func (s *specSource) resolves(string) error { return nil }

func (s *specSource) accounts() (map[int]string, map[int]string) { return s.users, s.groups }
func (s *specSource) effectiveUser() (int, int)                  { return 0, 0 }

// executable opens the spec's file at the process's executable path, so
// that a spec can carry a component's build information (a stand-in ELF
// made by scripts/mkbuildinfo); a process whose executable the spec does
// not hold has none.
func (s *specSource) executable(pid int) (io.ReaderAt, io.Closer, error) {
	for _, p := range s.procs {
		if p.pid != pid || p.exe == "" {
			continue
		}
		e, ok := s.entries[path.Clean(p.exe)]
		if !ok || e.host == "" || e.info.typ != "file" {
			return nil, nil, nil
		}
		f, err := os.Open(e.host)
		if err != nil {
			return nil, nil, err
		}
		return f, f, nil
	}
	return nil, nil, nil
}
