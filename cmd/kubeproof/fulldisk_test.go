package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/internal/testfs"
)

// TestFullDisk: reports that do not fit leave no file behind (not even the
// formats that did fit), and the error says why.
func TestFullDisk(t *testing.T) {
	dir := testfs.Tiny(t, 64<<10) // the PDF alone is about 100 KB
	fx := "../../fixtures/bundles/"
	var stdout, stderr bytes.Buffer
	code := run([]string{"kubeproof", "analyze", "--benchmark", "cis-1.6", "--format", "text,json,xlsx,pdf", "--output-dir", dir, fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit code %d, want 1\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "no space left on device") {
		t.Errorf("stderr %q does not say the disk is full", stderr.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind in the full file system: %v", entries)
	}
}
