package catalog

import (
	"fmt"
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

// TestBoundsAtTheirValues: each bound of a catalog holds at its value and
// refuses one past it (the loader's hostile cases above are far past
// them; these are the edges).
func TestBoundsAtTheirValues(t *testing.T) {
	pad := func(prefix string, n int) string { return prefix + strings.Repeat("x", n-len(prefix)) }
	withTitle := func(n int) string { return strings.Replace(goodSection, "title: Nine", "title: "+pad("Nine", n), 1) }
	withRemediation := func(n int) string {
		return strings.Replace(goodSection, "remediation: do it\n", "remediation: "+pad("do", n)+"\n", 1)
	}
	withValue := func(n int) string {
		return strings.Replace(goodSection, `value: "false"`, `value: "`+pad("f", n)+`"`, 1)
	}
	withRefs := func(k int) string {
		return strings.Replace(goodSection, "  - id: \"1.2.9\"\n", "  - id: \"1.2.9\"\n    references:\n"+strings.Repeat("    - https://example.com/r\n", k), 1)
	}
	withGroupID := func(n int) string {
		return strings.ReplaceAll(goodSection, `"1.2`, `"1.`+strings.Repeat("2", n-2))
	}
	for _, tc := range []struct {
		name string
		yaml string
		want string // "" to load
	}{
		{"title at 512", withTitle(maxTitleLen), ""},
		{"title at 513", withTitle(maxTitleLen + 1), "title: 513 bytes, over the limit of 512"},
		{"remediation at 16384", withRemediation(maxTextLen), ""},
		{"remediation at 16385", withRemediation(maxTextLen + 1), "remediation: 16385 bytes, over the limit of 16384"},
		{"a test's value at 16384", withValue(maxTextLen), ""},
		{"a test's value at 16385", withValue(maxTextLen + 1), "a value of 16385 bytes, over the limit of 16384"},
		{"100 references", withRefs(100), ""},
		{"101 references", withRefs(101), "101 references, over the limit of 100"},
		{"a check id at 32 bytes", withGroupID(29), ""},
		{"a check id at 33 bytes", withGroupID(30), "33 bytes, over the limit of 32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parseSectionV1("master.yaml", []byte(tc.yaml), "b")
			if err == nil {
				err = (&Catalog{Sections: []*Section{s}}).checkLengths()
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestReadCatalogFileBounds: a file of exactly the limit is read, one
// byte more is refused, and the catalog's budget falls by what was read.
func TestReadCatalogFileBounds(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("at.yaml", MaxCatalogFileSize)
	write("over.yaml", MaxCatalogFileSize+1)
	write("small.yaml", 10)
	budget := int64(maxCatalogDirSize)
	data, err := readCatalogFile(dirFS(dir), "at.yaml", "at.yaml", &budget)
	if err != nil || len(data) != MaxCatalogFileSize || budget != maxCatalogDirSize-MaxCatalogFileSize {
		t.Fatalf("at the limit: %d bytes, %v, budget %d", len(data), err, budget)
	}
	if _, err := readCatalogFile(dirFS(dir), "over.yaml", "over.yaml", &budget); err == nil || !strings.Contains(err.Error(), "1048577 bytes, over the limit of 1048576") {
		t.Fatalf("over the limit: %v", err)
	}
	// A budget smaller than the file size is the limit.
	budget = 10
	if _, err := readCatalogFile(dirFS(dir), "small.yaml", "small.yaml", &budget); err != nil || budget != 0 {
		t.Fatalf("at the budget: %v, budget %d", err, budget)
	}
	budget = 9
	if _, err := readCatalogFile(dirFS(dir), "small.yaml", "small.yaml", &budget); err == nil {
		t.Fatal("a file over the remaining budget was read")
	}
}

// TestExpansionAtItsBound: aliases that expand to exactly the bound load;
// past it they are refused.
func TestExpansionAtItsBound(t *testing.T) {
	if err := checkExpansion("f.yaml", make([]byte, MaxCatalogFileSize+1)); err == nil {
		t.Error("a file over the size limit passed the expansion check")
	}
	// Each node counts its value's length plus one; a document of one
	// mapping whose value is a scalar of n bytes aliased k times.
	doc := func(n, k int) []byte {
		var b strings.Builder
		b.WriteString("a: &x " + strings.Repeat("y", n) + "\nb: [")
		for i := range k {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*x")
		}
		b.WriteString("]\n")
		return []byte(b.String())
	}
	if err := checkExpansion("f.yaml", make([]byte, MaxCatalogFileSize)); err != nil {
		t.Errorf("a file at the size limit refused: %v", err)
	}
	// The tree of doc(n, 4) counts 7 + 5(n+1): the document, the mapping
	// and the sequence 1 each, the keys 2 each, the scalar and its four
	// aliases n+1 each. 7 + 5·419429 is the bound itself.
	if err := checkExpansion("f.yaml", doc(419428, 4)); err != nil {
		t.Errorf("aliases expanding to exactly the bound refused: %v", err)
	}
	if err := checkExpansion("f.yaml", doc(419429, 4)); err == nil {
		t.Error("aliases expanding past the bound passed")
	}
	if err := checkExpansion("f.yaml", doc(1000, 100)); err != nil {
		t.Errorf("a small expansion refused: %v", err)
	}
	if err := checkExpansion("f.yaml", doc(100_000, 30)); err == nil || !strings.Contains(err.Error(), "aliases expand to more than 2097152 bytes") {
		t.Errorf("3 MB of aliases: %v", err)
	}
	if err := checkExpansion("f.yaml", doc(100_000, 19)); err != nil {
		t.Errorf("2 MB less a little of aliases refused: %v", err)
	}
}

// TestModeAndNameEdges: the octal mode operand up to 7777 and no further;
// check names of lowercase letters, digits and dashes, each class at its
// edges.
func TestModeAndNameEdges(t *testing.T) {
	mode := func(v string) error {
		src := strings.Replace(goodSection, "flag: profiling\n      op: eq\n      value: \"false\"", "file: {paths: [/etc/x]}\n      op: mode\n      value: \""+v+"\"", 1)
		_, err := parseSectionV1("master.yaml", []byte(src), "b")
		return err
	}
	for v, ok := range map[string]bool{"7777": true, "0": true, "644": true, "10000": false, "17777": false, "8": false} {
		if err := mode(v); (err == nil) != ok {
			t.Errorf("mode %q: %v, want accepted %v", v, err, ok)
		}
	}
	for name, ok := range map[string]bool{"a": true, "z": true, "0": true, "9": true, "-": true, "apiserver-profiling-2": true,
		"": false, "A": false, "`": false, "{": false, "/": false, ":": false, "_": false, ".": false, "é": false} {
		if validName(name) != ok {
			t.Errorf("validName(%q) = %v", name, !ok)
		}
	}
}

// TestCatalogFileCount: a directory of 64 catalog files is read; 65 are
// refused before the 65th is.
func TestCatalogFileCount(t *testing.T) {
	for _, tc := range []struct {
		files int
		want  string
	}{
		// 64 library files are read; then the benchmark file is missing.
		{maxCatalogFiles, "no b.yaml benchmark file"},
		{maxCatalogFiles + 1, "more than 64 catalog files"},
	} {
		dir := t.TempDir()
		for i := range tc.files {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d.yaml", i)), []byte("format: 2\nchecks: []\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := LoadDir(dir, "b")
		got := ""
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%d files: %q, want %q", tc.files, got, tc.want)
		}
	}
}
