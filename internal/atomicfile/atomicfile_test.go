package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kubeproof/kubeproof/internal/skips"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.bin")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(name, []byte("new content"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil || string(got) != "new content" {
		t.Fatalf("got %q, %v", got, err)
	}
	fi, _ := os.Stat(name)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteFileErrorLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	// The destination is a directory: the rename fails after the data
	// was written, and the temporary file must be gone.
	name := filepath.Join(dir, "sub")
	if err := os.MkdirAll(filepath.Join(name, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(name, []byte("data"), 0o600); err == nil {
		t.Fatal("want an error writing over a non-empty directory")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestCreateCommitAbort(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "report.json")
	f, err := Create(name, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half"))
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Fatalf("the file appeared before Commit: %v", err)
	}
	f.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Abort left %v", entries)
	}
	f, err = Create(name, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("whole"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // no effect after Commit
	if got, _ := os.ReadFile(name); string(got) != "whole" {
		t.Errorf("content %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestSpecialFiles (issue 11): a destination that is a device, a FIFO, or
// a link to one (/dev/stdout is a link to the process's standard output)
// is written to, never replaced by a regular file.
func TestSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	t.Run("character device", func(t *testing.T) {
		// A null device of our own, so that a regression replaces a node
		// in a temporary directory, not the host's /dev/null.
		null := filepath.Join(dir, "null")
		if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3 /* 1:3, as /dev/null */); err != nil {
			skips.Skip(t, "cannot make a device node here (%v): needs root or CAP_MKNOD; skipped", err)
		}
		for _, write := range writers {
			if err := write(null, []byte("report")); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Lstat(null); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
				t.Fatalf("the device was replaced: %v %v", fi.Mode(), err)
			}
		}
		assertOnly(t, dir, "null")
	})
	t.Run("FIFO and a link to it", func(t *testing.T) {
		sub := t.TempDir()
		fifo := filepath.Join(sub, "fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			skips.Skip(t, "cannot make a FIFO here (%v); skipped", err)
		}
		link := filepath.Join(sub, "stdout")
		if err := os.Symlink(fifo, link); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{fifo, link} {
			for _, write := range writers {
				got := make(chan string)
				go func() {
					data, _ := os.ReadFile(fifo)
					got <- string(data)
				}()
				if err := write(name, []byte("streamed")); err != nil {
					t.Fatal(err)
				}
				if s := <-got; s != "streamed" {
					t.Errorf("the reader got %q", s)
				}
			}
		}
		if fi, _ := os.Lstat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the FIFO was replaced: %v", fi.Mode())
		}
		if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the link was replaced: %v", fi.Mode())
		}
		assertOnly(t, sub, "fifo", "stdout")
	})
	t.Run("link to standard output", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		sub := t.TempDir()
		link := filepath.Join(sub, "stdout")
		if err := os.Symlink(fmt.Sprintf("/proc/self/fd/%d", w.Fd()), link); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(link); err != nil {
			w.Close()
			skips.Skip(t, "no /proc/self/fd here (%v); skipped", err)
		}
		got := make(chan string)
		go func() {
			data, _ := io.ReadAll(r)
			got <- string(data)
		}()
		err = WriteFile(link, []byte("to stdout"), 0o600)
		w.Close()
		if err != nil {
			t.Fatal(err)
		}
		if s := <-got; s != "to stdout" {
			t.Errorf("standard output got %q", s)
		}
		if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the link was replaced: %v", fi.Mode())
		}
	})
}

var writers = []func(string, []byte) error{
	func(name string, data []byte) error { return WriteFile(name, data, 0o600) },
	func(name string, data []byte) error {
		f, err := Create(name, 0o644)
		if err != nil {
			return err
		}
		defer f.Abort()
		if !f.Special() {
			return fmt.Errorf("%s: not written as a special file", name)
		}
		if _, err := f.Write(data); err != nil {
			return err
		}
		return f.Commit()
	},
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}

// TestErrorNamesDestination (issue 11): errors name the path the caller
// gave, never the temporary file.
func TestErrorNamesDestination(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	sub := filepath.Join(dir, "sub")
	os.MkdirAll(filepath.Join(sub, "x"), 0o755)
	for _, name := range []string{filepath.Join(file, "x.pdf"), sub, filepath.Join(dir, "missing", "x.pdf")} {
		err := WriteFile(name, []byte("data"), 0o644)
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		if !strings.HasPrefix(err.Error(), "writing "+name+": ") || strings.Contains(err.Error(), ".tmp-") {
			t.Errorf("%s: error %q", name, err)
		}
	}
}
