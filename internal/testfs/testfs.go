// Package testfs holds file system helpers of tests: a small, full-able
// tmpfs mounted for a test, and the comparison of a generated tree with
// its committed copy.
package testfs

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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

// SameTree reports, as test errors, every file of the generated tree got
// that is missing from or differs in the committed tree want, and every
// file of want that got lacks (but for names in handWritten, files kept
// by hand beside generated ones). regenerate is the command that writes
// want again, for the messages. It returns the number of files that
// match.
func SameTree(t *testing.T, want, got, regenerate string, handWritten ...string) int {
	t.Helper()
	seen := map[string]bool{}
	count := 0
	err := filepath.WalkDir(got, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(got, p)
		seen[rel] = true
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(want, rel))
		switch {
		case err != nil:
			t.Errorf("%s is not committed (run %s)", filepath.Join(want, rel), regenerate)
		case !bytes.Equal(a, b):
			t.Errorf("%s differs from the generator's output (run %s)", filepath.Join(want, rel), regenerate)
		default:
			count++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(want, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(want, p)
		if !seen[rel] && !slices.Contains(handWritten, rel) {
			t.Errorf("%s is committed but not generated", filepath.Join(want, rel))
		}
		return nil
	})
	return count
}
