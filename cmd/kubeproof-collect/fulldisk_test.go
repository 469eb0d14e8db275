package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/internal/testfs"
)

// TestFullDisk: a bundle that does not fit leaves no file behind, and the
// error says why.
func TestFullDisk(t *testing.T) {
	dir := testfs.Tiny(t, 8<<10) // the TKEStack master's bundle is about 14 KiB
	var stdout, stderr bytes.Buffer
	err := run([]string{"-o", dir, "-spec", "../../fixtures/specs/tkestack-master", "-q"}, &stdout, &stderr)
	if err == nil {
		t.Fatal("collecting into a full file system succeeded")
	}
	if !strings.Contains(err.Error(), "no space left on device") {
		t.Errorf("error %q does not say the disk is full", err)
	}
	if code := exit.Code(err); code != exit.Failed {
		t.Errorf("exit code %d, want %d", code, exit.Failed)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind in the full file system: %v", entries)
	}
}
