package collector

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/kubeproof/kubeproof/redact"
)

// maxCmdline caps the bytes read of one /proc/PID/cmdline. The kernel's own
// limit on arguments is far larger, but no Kubernetes component has a
// command line near it.
const maxCmdline = 1 << 20

// maxProcs bounds how many /proc entries are examined.
const maxProcs = 100000

func (s *hostSource) processes() ([]rawProc, []problem) {
	// /proc is resolved within the root like any path: in a disk image, a
	// link /proc -> /proc means the image's own, never this machine's.
	rp, err := s.resolve("/proc", true)
	if err != nil {
		return nil, []problem{problemFor("/proc", "readdir", err)}
	}
	procDir := s.host(rp)
	entries, err := readDirEntries(procDir)
	if err != nil {
		return nil, []problem{problemFor("/proc", "readdir", err)}
	}
	var procs []rawProc
	var problems []problem
	for i, e := range entries {
		if i >= maxProcs {
			problems = append(problems, problem{Path: "/proc", Op: "readdir", Kind: "limit", Message: "more than " + strconv.Itoa(maxProcs) + " entries; the rest were not examined"})
			break
		}
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 || !e.IsDir() {
			continue
		}
		dir := procDir + "/" + e.Name()
		raw, err := readProcFile(dir+"/cmdline", maxCmdline)
		if errors.Is(err, errTooLarge) {
			problems = append(problems, problem{Path: "/proc/" + e.Name() + "/cmdline", Op: "proc", Kind: "limit", Message: "command line longer than " + strconv.Itoa(maxCmdline) + " bytes: the rest was not read"})
		} else if err != nil {
			// The process may have exited since the directory was listed:
			// not a problem unless it was one we would have kept, which we
			// cannot know. Record only errors other than vanishing.
			if !errors.Is(err, fs.ErrNotExist) && !isESRCH(err) {
				problems = append(problems, problemFor("/proc/"+e.Name()+"/cmdline", "proc", err))
			}
			continue
		}
		argv := splitCmdline(raw)
		if len(argv) == 0 {
			continue // kernel thread or zombie
		}
		// uid -1: unknown, when the status is gone (the process exited).
		p := rawProc{pid: pid, argv: argv, uid: -1}
		if comm, err := readProcFile(dir+"/comm", 64); err == nil {
			p.comm = strings.TrimRight(string(comm), "\n")
		}
		if status, err := readProcFile(dir+"/status", 64<<10); err == nil || errors.Is(err, errTooLarge) {
			p.uid = statusUID(status)
		}
		if component, _ := redact.Identify(p.argv, "", p.comm); component == "" {
			continue
		}
		// The environment: etcd and the distributions take settings from
		// it. It is redacted with the command line.
		if raw, err := readProcFile(dir+"/environ", maxCmdline); err == nil || errors.Is(err, errTooLarge) {
			p.env = splitCmdline(raw)
			if p.env == nil {
				p.env = []string{}
			}
			if err != nil {
				problems = append(problems, problem{Path: "/proc/" + e.Name() + "/environ", Op: "proc", Kind: "limit", Message: "environment longer than " + strconv.Itoa(maxCmdline) + " bytes: the rest was not read"})
			}
		} else if !errors.Is(err, fs.ErrNotExist) && !isESRCH(err) {
			problems = append(problems, problemFor("/proc/"+e.Name()+"/environ", "proc", err))
		}
		if exe, err := os.Readlink(dir + "/exe"); err == nil {
			p.exe = exe
		} else if !errors.Is(err, fs.ErrNotExist) {
			problems = append(problems, problemFor("/proc/"+e.Name()+"/exe", "readlink", err))
		}
		procs = append(procs, p)
	}
	return procs, problems
}

// readDirEntries lists a directory without blocking, whatever stands at
// hp: O_DIRECTORY refuses a FIFO before opening it.
func readDirEntries(hp string) ([]fs.DirEntry, error) {
	f, err := os.OpenFile(hp, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries, err
}

// readProcFile reads at most max bytes of a file of /proc/PID. The kernel's
// are regular files; a root directory's /proc may hold anything, and a
// FIFO there must not block the collection. Files of a live /proc are not
// asked to be the same file at stat and open: the kernel may give an
// entry a new inode in between.
func readProcFile(hp string, max int64) ([]byte, error) {
	f, err := openRegular(hp, hp, false)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCapped(f, max)
}

func isESRCH(err error) bool { return strings.Contains(err.Error(), "no such process") }

// splitCmdline splits a NUL-separated command line. A process that rewrote
// its arguments into one space-separated string (some do) has no NUL but
// the last: it is kept as one element, as the kernel shows it.
func splitCmdline(raw []byte) []string {
	raw = bytes.TrimSuffix(raw, []byte{0})
	if len(raw) == 0 {
		return nil
	}
	parts := bytes.Split(raw, []byte{0})
	argv := make([]string, len(parts))
	for i, p := range parts {
		argv[i] = string(p)
	}
	return argv
}

func statusUID(status []byte) int {
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 2 {
				if uid, err := strconv.Atoi(f[1]); err == nil { // effective uid
					return uid
				}
			}
		}
	}
	return -1
}

// roles derives the node roles from the components found.
func roles(found []string) []string {
	set := map[string]bool{}
	for _, c := range found {
		switch c {
		case "kube-apiserver", "kube-controller-manager", "kube-scheduler":
			set["master"] = true
		case "etcd":
			set["etcd"] = true
		case "kubelet", "k3s-agent", "rke2-agent":
			set["node"] = true
		case "k3s-server", "rke2-server", "kubelite":
			set["master"] = true
			set["node"] = true
		}
	}
	out := make([]string, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}
