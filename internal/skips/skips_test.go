package skips

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRecord: a skip appends its package, test and reason to the file
// KUBEPROOF_SKIPS names, and skips.
func TestRecord(t *testing.T) {
	file := filepath.Join(t.TempDir(), "skips")
	t.Setenv(Env, file)
	t.Run("sub", func(t *testing.T) {
		Skip(t, "needs %s; skipped", "root")
		t.Error("not skipped")
	})
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), "./internal/skips\tTestRecord/sub\tneeds root; skipped\n"; got != want {
		t.Errorf("recorded %q, want %q", got, want)
	}
}

// skipCall is a direct call of testing's Skip methods.
var skipCall = regexp.MustCompile(`(\w*)\.(Skip|Skipf|SkipNow)\(`)

// TestEverySkipIsListed: no test of the module skips but through Skip, so
// that .ci/run's list is every skip there was.
func TestEverySkipIsListed(t *testing.T) {
	root := "../.."
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no module root at %s: %v", root, err)
	}
	files := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") || filepath.Dir(p) == "." {
			return nil
		}
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range skipCall.FindAllStringSubmatch(line, -1) {
				if m[1] == "skips" {
					continue
				}
				t.Errorf("%s:%d: skips without skips.Skip: %s", p, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Errorf("only %d test files under %s", files, root)
	}
}
