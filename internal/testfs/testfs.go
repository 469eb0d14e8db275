// Package testfs gives tests a small, full-able file system: a tmpfs of a
// given size, mounted for the test and unmounted after it.
package testfs

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

// Tiny mounts a tmpfs of size bytes on a new temporary directory and
// returns it. It skips the test where mounting is not allowed (not root,
// or a container without CAP_SYS_ADMIN).
func Tiny(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root; skipped")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0755", size)); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); skipped", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}
