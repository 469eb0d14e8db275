package collector

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A node collected from inside a container (deploy/: a DaemonSet or a Job)
// is seen through --root /host, under which only some of the node's
// directories are mounted. A path outside them does not exist in the
// container, whatever it is on the node: the collector must not record it
// as absent, which a check could take for a fact. So when --root is not a
// mount point itself but has mount points below it, a path outside every
// one of them is recorded as not mounted (kind "other"), which the
// analyzer counts as evidence it could not see, never as absent.

// errNotMounted marks a path outside the directories mounted under --root.
var errNotMounted = errors.New("not mounted under --root: outside the node's directories mounted into the collector's container")

// procSuperMagic is the file system type of /proc (statfs(2)).
const procSuperMagic = 0x9fa0

// mountPointsBelow returns the mount points of mountinfo (the format of
// /proc/self/mountinfo) strictly below root, as node paths under root:
// nil when root is itself a mount point (a mounted disk image: all of it
// is there) or has none below (a directory tree).
func mountPointsBelow(root string, mountinfo []byte) []string {
	root = filepath.Clean(root)
	var below []string
	for _, line := range strings.Split(string(mountinfo), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		mp := unescapeMountinfo(f[4])
		if mp == root {
			return nil
		}
		if rest, ok := strings.CutPrefix(mp, root+"/"); ok && root != "/" {
			below = append(below, path.Clean("/"+filepath.ToSlash(rest)))
		}
	}
	return below
}

// unescapeMountinfo decodes the octal escapes (\040 for a space) of a
// mountinfo field.
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// covered reports whether the node path p can be seen under the root:
// there are no mount points to go by, or p lies in one, or p is a
// directory on the way to one.
func covered(mounts []string, p string) bool {
	if mounts == nil {
		return true
	}
	for _, m := range mounts {
		if p == m || strings.HasPrefix(p, m+"/") || p == "/" || strings.HasPrefix(m, p+"/") {
			return true
		}
	}
	return false
}

// notMounted turns a "does not exist" for a node path outside the mounted
// directories into errNotMounted.
func (s *hostSource) notMounted(p string, err error) error {
	if err != nil && errors.Is(err, fs.ErrNotExist) && !covered(s.mounts, p) {
		return &fs.PathError{Op: "stat", Path: p, Err: errNotMounted}
	}
	return err
}

// isProcfs reports whether the directory hp is a mounted proc file system
// (the node's /proc mounted under --root).
func isProcfs(hp string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(hp, &st) == nil && st.Type == procSuperMagic
}

// selfMountinfo is the collector's own mount table.
func selfMountinfo() []byte {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	return data
}
