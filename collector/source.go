package collector

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"syscall"
)

// fileInfo is what the collector keeps of a stat call.
type fileInfo struct {
	typ  string // a bundle.Type* constant
	mode uint32 // permission and special bits, 07777
	uid  int
	gid  int
	size int64
	link string // symlink target
}

// rawProc is a process as read from /proc or a node spec, before it is
// matched to a component.
type rawProc struct {
	pid  int
	comm string
	exe  string
	uid  int
	argv []string
	env  []string // nil: not read
}

// source is where the collector reads a node: the live host (possibly under
// a root directory such as a mounted disk image) or a node spec. Paths are
// always absolute node paths.
type source interface {
	// lstat returns the stat record of p without following a final symlink.
	lstat(p string) (fileInfo, error)
	// readFile returns at most max bytes of the regular file p, following
	// symlinks within the node's root. It never opens anything but a
	// regular file; for a larger file it returns the first max bytes and
	// errTooLarge.
	readFile(p string, max int64) ([]byte, error)
	// readDir returns the sorted names in directory p.
	readDir(p string) ([]string, error)
	// resolves returns the error met following every symlink of p, the
	// last one too, within the node's root: a loop among them gives an
	// error of kind "loop", as the kernel's ELOOP.
	resolves(p string) error
	// processes returns the running processes, with the problems met.
	processes() ([]rawProc, []problem)
	// accounts returns the node's user and group names by id.
	accounts() (users, groups map[int]string)
	// effectiveUser is the account the collection runs as.
	effectiveUser() (uid, gid int)
	// executable opens a process's executable for reading build info; nil
	// where not available (node specs, disk images; a root whose /proc is
	// the node's proc file system has them).
	executable(pid int) (io.ReaderAt, io.Closer, error)
	mode() string
}

var (
	errTooLarge   = errors.New("file larger than the read limit")
	errNotRegular = errors.New("not a regular file")
	errLoop       = errors.New("too many levels of symbolic links")
)

// maxLinkHops bounds symlink resolution, as the kernel's ELOOP does.
const maxLinkHops = 40

// hostSource reads the running host, or a directory holding a node's root
// file system. Symlinks are resolved by the collector itself, confined to
// the root: an absolute link target in a disk image means a path inside
// the image, never on the machine running the collector.
type hostSource struct {
	root string // "/" on a live host
	live bool
	// mounts are the node paths mounted under root when only some are
	// (a container's --root /host; mounts.go), nil otherwise.
	mounts []string
	// procfs: root's /proc is the node's proc file system (mounted into
	// a container), whose processes' executables can be read.
	procfs bool
}

func newHostSource(root string) (*hostSource, error) {
	if root == "" {
		root = "/"
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("root %s: not a directory", root)
	}
	s := &hostSource{root: abs, live: abs == "/"}
	if !s.live {
		s.mounts = mountPointsBelow(abs, selfMountinfo())
		if rp, err := s.resolve("/proc", true); err == nil {
			s.procfs = isProcfs(s.host(rp))
		}
	}
	return s, nil
}

func (s *hostSource) mode() string {
	if s.live {
		return "live"
	}
	return "root"
}

func (s *hostSource) host(p string) string { return filepath.Join(s.root, filepath.FromSlash(p)) }

// resolve returns the node path p with every symlink among its elements
// (the last one too, if followLast) replaced by its target.
func (s *hostSource) resolve(p string, followLast bool) (string, error) {
	parts := splitPath(p)
	cur := "/"
	hops := 0
	for i := 0; i < len(parts); i++ {
		next := path.Join(cur, parts[i])
		if i == len(parts)-1 && !followLast {
			return next, nil
		}
		fi, err := os.Lstat(s.host(next))
		if err != nil {
			return "", s.notMounted(next, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > maxLinkHops {
			return "", &fs.PathError{Op: "resolve", Path: p, Err: errLoop}
		}
		target, err := os.Readlink(s.host(next))
		if err != nil {
			return "", err
		}
		if !path.IsAbs(target) {
			target = path.Join(cur, target)
		}
		parts = append(splitPath(target), parts[i+1:]...)
		cur = "/"
		i = -1
	}
	return cur, nil
}

func (s *hostSource) resolves(p string) error {
	_, err := s.resolve(p, true)
	return err
}

func splitPath(p string) []string {
	var parts []string
	for _, e := range splitSlash(path.Clean("/" + p)) {
		if e != "" {
			parts = append(parts, e)
		}
	}
	return parts
}

func splitSlash(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}

func (s *hostSource) lstat(p string) (fileInfo, error) {
	rp, err := s.resolve(p, false)
	if err != nil {
		return fileInfo{}, err
	}
	fi, err := os.Lstat(s.host(rp))
	if err != nil {
		return fileInfo{}, s.notMounted(rp, err)
	}
	info := infoFromFS(fi)
	if info.typ == "symlink" {
		if info.link, err = os.Readlink(s.host(rp)); err != nil {
			return info, err
		}
	}
	return info, nil
}

func infoFromFS(fi fs.FileInfo) fileInfo {
	info := fileInfo{typ: typeOf(fi.Mode()), size: fi.Size(), mode: uint32(fi.Mode().Perm())}
	m := fi.Mode()
	if m&fs.ModeSetuid != 0 {
		info.mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		info.mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		info.mode |= 0o1000
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		info.uid, info.gid = int(st.Uid), int(st.Gid)
	}
	return info
}

func typeOf(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "file"
	case m.IsDir():
		return "dir"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "device"
	}
	return "other"
}

func (s *hostSource) readFile(p string, max int64) ([]byte, error) {
	rp, err := s.resolve(p, true)
	if err != nil {
		return nil, err
	}
	f, err := openRegular(s.host(rp), p, true)
	if err != nil {
		return nil, s.notMounted(rp, err)
	}
	defer f.Close()
	return readCapped(f, max)
}

// openRegular opens the host file hp (the node path p, for errors) if it
// is a regular file. The type is checked before opening, since opening a
// FIFO can block and opening a device can have side effects, and again on
// the open file, which may have been replaced in between; same also asks
// that it be the very file first examined.
func openRegular(hp, p string, same bool) (*os.File, error) {
	fi, err := os.Lstat(hp)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: p, Err: errNotRegular}
	}
	f, err := os.OpenFile(hp, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	if fi2, err := f.Stat(); err != nil || !fi2.Mode().IsRegular() || same && !os.SameFile(fi, fi2) {
		f.Close()
		return nil, &fs.PathError{Op: "read", Path: p, Err: errNotRegular}
	}
	return f, nil
}

func readCapped(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return data[:max], errTooLarge
	}
	return data, nil
}

func (s *hostSource) readDir(p string) ([]string, error) {
	rp, err := s.resolve(p, true)
	if err != nil {
		return nil, err
	}
	// O_DIRECTORY: the directory may have been replaced by a FIFO since
	// it was examined, and opening that without it would block.
	f, err := os.OpenFile(s.host(rp), os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, s.notMounted(rp, err)
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	sort.Strings(names)
	return names, err
}

func (s *hostSource) effectiveUser() (int, int) { return os.Geteuid(), os.Getegid() }

func (s *hostSource) executable(pid int) (io.ReaderAt, io.Closer, error) {
	procDir := "/proc"
	switch {
	case s.live:
	case s.procfs:
		// The node's /proc mounted under root (a container): its
		// processes are live.
		rp, err := s.resolve("/proc", true)
		if err != nil {
			return nil, nil, err
		}
		procDir = s.host(rp)
	default:
		return nil, nil, nil // a disk image has no running process
	}
	// /proc/PID/exe opens the process's binary even when it lives in a
	// container's mount namespace.
	f, err := os.Open(fmt.Sprintf("%s/%d/exe", procDir, pid))
	if err != nil {
		return nil, nil, err
	}
	return f, f, nil
}
