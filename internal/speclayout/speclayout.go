// Package speclayout lays a node spec out on a live host, for the tools
// that run the real collector (the end-to-end test of kubeproof-collect)
// or kube-bench (scripts/oracle) on a spec's node state inside private
// mount namespaces.
package speclayout

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// LayOut writes node spec spec onto this host (DESIGN.md, "Node specs"):
// the files of files/ (0644, or 0755 if executable in the spec), users.tsv
// as /etc/passwd and /etc/group unless the spec has its own, attrs.tsv's
// modes, owners and empty entries, and the host name of /etc/hostname. Only
// paths inside accepts are written: the others would land on this
// machine's own file system, and are returned, sorted. It needs root, and
// is meant for private mount namespaces whose tmpfs mounts inside accepts.
func LayOut(spec string, inside func(p string) bool) ([]string, error) {
	skipped := map[string]bool{}
	users := map[string][2]int{"root": {0, 0}}
	passwd := "root:x:0:0:root:/root:/bin/sh\n"
	group := "root:x:0:\n"
	if err := EachFields(filepath.Join(spec, "users.tsv"), func(f []string) error {
		if len(f) < 3 {
			return fmt.Errorf("users.tsv: want NAME UID GID, got %q", strings.Join(f, " "))
		}
		uid, err1 := strconv.Atoi(f[1])
		gid, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("users.tsv: bad uid or gid in %q", strings.Join(f, " "))
		}
		users[f[0]] = [2]int{uid, gid}
		passwd += fmt.Sprintf("%s:x:%d:%d::/nonexistent:/sbin/nologin\n", f[0], uid, gid)
		group += fmt.Sprintf("%s:x:%d:\n", f[0], gid)
		return nil
	}); err != nil {
		return nil, err
	}
	files := filepath.Join(spec, "files")
	err := filepath.WalkDir(files, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(files, p)
		dst := path.Clean("/" + filepath.ToSlash(rel))
		if dst == "/" {
			return nil
		}
		if !inside(dst) {
			// Outside the tmpfs mounts it would be written to this
			// machine's own file system.
			if !d.IsDir() {
				skipped[dst] = true
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if info.Mode().Perm()&0o111 != 0 {
			mode = 0o755
		}
		if err := os.MkdirAll(path.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, mode); err != nil {
			return err
		}
		return os.Chmod(dst, mode)
	})
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(files, "etc", "passwd")); err != nil {
		if err := os.WriteFile("/etc/passwd", []byte(passwd), 0o644); err != nil {
			return nil, err
		}
		if err := os.WriteFile("/etc/group", []byte(group), 0o644); err != nil {
			return nil, err
		}
	}
	if err := EachFields(filepath.Join(spec, "attrs.tsv"), func(f []string) error {
		if len(f) < 4 {
			return fmt.Errorf("attrs.tsv: want PATH MODE OWNER GROUP [KIND], got %q", strings.Join(f, " "))
		}
		p := f[0]
		if !inside(p) {
			skipped[p] = true
			return nil
		}
		if len(f) == 5 {
			if _, err := os.Lstat(p); err != nil {
				if err := os.MkdirAll(path.Dir(p), 0o755); err != nil {
					return err
				}
				if f[4] == "dir" {
					if err := os.Mkdir(p, 0o755); err != nil {
						return err
					}
				} else if err := os.WriteFile(p, nil, 0o644); err != nil {
					return err
				}
			}
		}
		if f[1] != "-" {
			m, err := strconv.ParseUint(f[1], 8, 32)
			if err != nil {
				return fmt.Errorf("attrs.tsv: bad mode %q", f[1])
			}
			if err := os.Chmod(p, os.FileMode(m&0o777)|specialBits(m)); err != nil {
				return err
			}
		}
		uid, gid := -1, -1
		if f[2] != "-" {
			u, ok := users[f[2]]
			if !ok {
				return fmt.Errorf("attrs.tsv: unknown owner %q", f[2])
			}
			uid = u[0]
		}
		if f[3] != "-" {
			g, ok := users[f[3]]
			if !ok {
				return fmt.Errorf("attrs.tsv: unknown group %q", f[3])
			}
			gid = g[1]
		}
		return os.Lchown(p, uid, gid)
	}); err != nil {
		return nil, err
	}
	if host, err := os.ReadFile("/etc/hostname"); err == nil {
		if err := syscall.Sethostname(bytes.TrimSpace(host)); err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(skipped))
	for p := range skipped {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

func specialBits(m uint64) os.FileMode {
	var fm os.FileMode
	if m&0o4000 != 0 {
		fm |= os.ModeSetuid
	}
	if m&0o2000 != 0 {
		fm |= os.ModeSetgid
	}
	if m&0o1000 != 0 {
		fm |= os.ModeSticky
	}
	return fm
}

// Proc is one line of procs.tsv with its +env lines.
type Proc struct {
	Argv []string
	Env  []string // never nil: a process with no +env line has an empty environment
	Exe  string   // from a +exe line: the executable, when it is not Argv[0]
}

// ReadProcs reads procs.tsv: ARGV0<TAB>arguments (split on white space),
// +env<TAB>NAME=VALUE lines adding to the process above, and +exe<TAB>PATH
// naming its executable.
func ReadProcs(file string) ([]Proc, error) {
	var procs []Proc
	err := EachLine(file, func(line string) error {
		if assign, ok := strings.CutPrefix(line, "+env\t"); ok {
			if len(procs) == 0 || !strings.Contains(assign, "=") {
				return fmt.Errorf("procs.tsv: bad +env line %q", line)
			}
			procs[len(procs)-1].Env = append(procs[len(procs)-1].Env, assign)
			return nil
		}
		if exe, ok := strings.CutPrefix(line, "+exe\t"); ok {
			// The executable the kernel names when it is not ARGV0; a fake
			// process runs this program whatever the spec says.
			if len(procs) == 0 || !strings.HasPrefix(exe, "/") {
				return fmt.Errorf("procs.tsv: bad +exe line %q", line)
			}
			procs[len(procs)-1].Exe = exe
			return nil
		}
		argv0, args, _ := strings.Cut(line, "\t")
		argv0 = strings.TrimSpace(argv0)
		if argv0 == "" {
			return fmt.Errorf("procs.tsv: empty ARGV0 in %q", line)
		}
		procs = append(procs, Proc{Argv: append([]string{argv0}, strings.Fields(args)...), Env: []string{}})
		return nil
	})
	return procs, err
}

func EachLine(file string, fn func(line string) error) error {
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if err := fn(line); err != nil {
			return err
		}
	}
	return sc.Err()
}

func EachFields(file string, fn func(fields []string) error) error {
	return EachLine(file, func(line string) error { return fn(strings.Fields(line)) })
}
