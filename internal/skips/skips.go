// Package skips is the one way a test of this module skips: with a
// reason that says why this machine cannot run it, recorded where CI can
// list it. A skip that a regression could take too (a "pending" feature)
// is a failure, not a skip (issue 15).
//
// When KUBEPROOF_SKIPS names a file, every skip appends a line to it:
//
//	<package dir>	<test name>	<reason>
//
// .ci/run sets it for its go test ./... and prints the list at the end,
// so that a CI log shows what did not run. Only tests import this
// package; TestEverySkipIsListed keeps every skip of the module going
// through it.
package skips

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Env names the file that skips are appended to.
const Env = "KUBEPROOF_SKIPS"

// Skip records the skip and skips t; the reason says why the machine
// cannot run the test ("needs root", "skipped with -short: …").
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	why := fmt.Sprintf(format, args...)
	if err := record(t.Name(), why); err != nil {
		t.Fatalf("recording the skip (%s): %v", why, err)
	}
	t.Skip(why)
}

func record(test, why string) error {
	name := os.Getenv(Env)
	if name == "" {
		return nil
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s\t%s\t%s\n", packageDir(), test, strings.ReplaceAll(why, "\n", " "))
	// One write of one short line: appends from parallel test binaries
	// do not interleave.
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// packageDir is the test's package directory relative to the module root
// (go test runs a test in its package's directory).
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "?"
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil {
				return wd
			}
			return "./" + filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}
