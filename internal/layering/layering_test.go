// Package layering holds the test that keeps the dependency direction of
// DESIGN.md: cmd → reports → analyzer → bundle, and cmd → collector → bundle.
package layering

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/kubeproof/kubeproof"

func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr)
	}
	return strings.Fields(string(out))
}

func TestLayering(t *testing.T) {
	tests := []struct {
		pkg       string
		forbidden []string // import path prefixes
	}{
		{module + "/cmd/kubeproof-collect", []string{"github.com/xuri/excelize", "github.com/jung-kurt/gofpdf", "github.com/urfave/cli", "sigs.k8s.io/yaml", module + "/analyzer", module + "/reports"}},
		{module + "/collector", []string{"github.com/xuri/excelize", "github.com/jung-kurt/gofpdf", "sigs.k8s.io/yaml", module + "/analyzer", module + "/reports", module + "/cmd"}},
		{module + "/analyzer", []string{module + "/collector", module + "/reports", module + "/cmd", "github.com/xuri/excelize", "github.com/jung-kurt/gofpdf", "github.com/urfave/cli"}},
		{module + "/reports", []string{module + "/collector", module + "/cmd", module + "/analyzer", module + "/bundle", module + "/redact", "github.com/urfave/cli", "sigs.k8s.io/yaml"}},
		{module + "/diff", []string{module + "/collector", module + "/cmd", module + "/analyzer", module + "/bundle", module + "/reports", module + "/catalog", "github.com/xuri/excelize", "github.com/jung-kurt/gofpdf", "github.com/urfave/cli", "sigs.k8s.io/yaml"}},
		{module + "/bundle", []string{module + "/collector", module + "/analyzer", module + "/reports", "sigs.k8s.io/yaml", "github.com/urfave/cli"}},
		{module + "/redact", []string{module + "/bundle", module + "/collector", module + "/analyzer", module + "/reports", module + "/cmd"}},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			for _, d := range deps(t, tt.pkg) {
				for _, f := range tt.forbidden {
					if d == f || strings.HasPrefix(d, f+"/") || strings.HasPrefix(d, f) && strings.HasPrefix(f, "github.com/") && !strings.HasPrefix(f, module) {
						t.Errorf("%s depends on %s", tt.pkg, d)
					}
				}
			}
		})
	}
}

// TestBundleImportsOnlyStdlibAndZstd keeps the format package small.
func TestBundleImportsOnlyStdlibAndZstd(t *testing.T) {
	for _, d := range deps(t, module+"/bundle") {
		if !strings.Contains(strings.SplitN(d, "/", 2)[0], ".") {
			continue // standard library
		}
		if strings.HasPrefix(d, "github.com/klauspost/compress") || d == module+"/bundle" {
			continue
		}
		t.Errorf("bundle depends on %s", d)
	}
}

// TestRedactImportsOnlyStdlib keeps the redactor, which the collector
// links, small and free of parsers that could read a secret differently
// from the component that owns it.
func TestRedactImportsOnlyStdlib(t *testing.T) {
	for _, d := range deps(t, module+"/redact") {
		if !strings.Contains(strings.SplitN(d, "/", 2)[0], ".") || d == module+"/redact" {
			continue // standard library
		}
		t.Errorf("redact depends on %s", d)
	}
}

// TestResultsImportsOnlyStdlib keeps the results model, which every
// renderer depends on, free of everything else.
func TestResultsImportsOnlyStdlib(t *testing.T) {
	for _, d := range deps(t, module+"/results") {
		if !strings.Contains(strings.SplitN(d, "/", 2)[0], ".") || d == module+"/results" {
			continue
		}
		t.Errorf("results depends on %s", d)
	}
}
