package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kubeproof/kubeproof/internal/skips"
)

// TestOutputSpecialFile (issue 11): -o onto a device, a FIFO, or a link
// to standard output streams the bundle to it; the special file and the
// link stay what they were.
func TestOutputSpecialFile(t *testing.T) {
	collectTo := func(t *testing.T, out string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run([]string{"-spec", workerDir, "-time", "2021-09-15T08:00:00Z", "-o", out}, &stdout, &stderr)
		return stderr.String(), err
	}
	t.Run("device", func(t *testing.T) {
		dir := t.TempDir()
		null := filepath.Join(dir, "null")
		if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
			skips.Skip(t, "cannot make a device node here (%v): needs root or CAP_MKNOD; skipped", err)
		}
		if stderr, err := collectTo(t, null); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		if fi, _ := os.Lstat(null); fi.Mode()&os.ModeCharDevice == 0 {
			t.Errorf("the device was replaced: %v", fi.Mode())
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("left behind: %v", entries)
		}
	})
	t.Run("link to standard output", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		link := filepath.Join(t.TempDir(), "stdout")
		os.Symlink(fmt.Sprintf("/proc/self/fd/%d", w.Fd()), link)
		if _, err := os.Stat(link); err != nil {
			w.Close()
			skips.Skip(t, "no /proc/self/fd here (%v); skipped", err)
		}
		got := make(chan []byte)
		go func() {
			data, _ := io.ReadAll(r)
			got <- data
		}()
		stderr, err := collectTo(t, link)
		w.Close()
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		data := <-got
		if !bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
			t.Errorf("standard output got %d bytes that are not a bundle", len(data))
		}
		if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the link was replaced: %v", fi.Mode())
		}
		if !strings.Contains(stderr, "wrote "+link) {
			t.Errorf("stderr: %s", stderr)
		}
	})
	t.Run("under a file", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
		out := filepath.Join(dir, "file", "node.kpb")
		_, err := collectTo(t, out)
		if err == nil || err.Error() != "writing "+out+": not a directory" {
			t.Errorf("got %v, want the path given and the reason, and no temporary name", err)
		}
	})
}

// TestHelpPlaceholders (issue 11): every flag that takes a value names
// its kind (-o FILE), never the type or "value".
func TestHelpPlaceholders(t *testing.T) {
	var stdout, stderr bytes.Buffer
	run([]string{"-h"}, &stdout, &stderr)
	for _, line := range strings.Split(stderr.String(), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.HasPrefix(f[0], "-") && (f[1] == "value" || f[1] == "string" || f[1] == "int" || f[1] == "duration") {
			t.Errorf("placeholder %q in %q", f[1], line)
		}
	}
	if !strings.Contains(stderr.String(), "-output FILE") {
		t.Errorf("help:\n%s", stderr.String())
	}
}
