package catalog

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/internal/skips"
)

// TestCatalogDirHostile (issue 11): catalog directories that used to hang
// the loader or take gigabytes. Each case is one file in a directory of
// its own; the loader must refuse it within a second and a bounded
// allocation, naming the file and the problem.
func TestCatalogDirHostile(t *testing.T) {
	bigScalar := strings.Repeat("x", 900<<10)
	var aliases strings.Builder
	aliases.WriteString("benchmark: b\ntarget: master\nid: \"1\"\ntitle: &big " + bigScalar + "\nrefs:\n")
	for range 1000 {
		aliases.WriteString("- *big\n")
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, file string)
		want  string
	}{
		{"fifo.yaml", func(t *testing.T, file string) {
			if err := syscall.Mkfifo(file, 0o644); err != nil {
				skips.Skip(t, "cannot make a FIFO here (%v); skipped", err)
			}
		}, "not a regular file (a FIFO)"},
		{"link-to-fifo.yaml", func(t *testing.T, file string) {
			if err := syscall.Mkfifo(file+".fifo", 0o644); err != nil {
				skips.Skip(t, "cannot make a FIFO here (%v); skipped", err)
			}
			os.Symlink(filepath.Base(file)+".fifo", file)
		}, "not a regular file (a FIFO)"},
		{"zero.yaml", func(t *testing.T, file string) {
			if _, err := os.Stat("/dev/zero"); err != nil {
				skips.Skip(t, "no /dev/zero here; skipped")
			}
			os.Symlink("/dev/zero", file)
		}, "not a regular file (a character device)"},
		{"huge.yaml", func(t *testing.T, file string) {
			os.WriteFile(file, []byte("title: "+strings.Repeat("x", 3<<20)), 0o644)
		}, "over the limit of 1048576 for a catalog file"},
		{"aliases.yaml", func(t *testing.T, file string) {
			os.WriteFile(file, []byte(aliases.String()), 0o644)
		}, "aliases expand to more than 2097152 bytes"},
		{"self-alias.yaml", func(t *testing.T, file string) {
			os.WriteFile(file, []byte("a: &a [x, *a]\n"), 0o644)
		}, "aliases expand to more than"},
		{"title.yaml", func(t *testing.T, file string) {
			os.WriteFile(file, []byte(strings.Replace(goodSection, "title: Nine", "title: "+strings.Repeat("Nine ", 20000), 1)), 0o644)
		}, "check 1.2.9: title: 99999 bytes, over the limit of 512"},
		{"remediation.yaml", func(t *testing.T, file string) {
			os.WriteFile(file, []byte(strings.Replace(goodSection, "remediation: do it\n", "remediation: "+strings.Repeat("do it ", 5000)+"\n", 1)), 0o644)
		}, "remediation: 29999 bytes, over the limit of 16384"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, tt.name)
			tt.setup(t, file)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			done := make(chan error, 1)
			go func() {
				_, err := LoadDir(dir, "b")
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the loader hangs")
			}
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.name) {
				t.Errorf("got %v, want an error naming %s and %q", err, tt.name, tt.want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("the loader allocated %d MiB", alloc>>20)
			}
		})
	}
}
