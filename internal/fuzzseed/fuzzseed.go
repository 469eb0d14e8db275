// Package fuzzseed keeps the seeds of fuzz targets honest: a seed that
// never reaches the property its target checks tests nothing, however
// many of them there are (issue 15: FuzzRedactCanary once ran 2 of its
// 18 seeds). Only tests import it.
package fuzzseed

import (
	"flag"
	"testing"
)

// Fuzzing reports whether this run generates inputs (go test -fuzz). A
// plain go test runs only the seeds: those added with F.Add and those
// under testdata/fuzz/.
func Fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// Unexercised says that the input does not reach the property, for the
// reason why. A seed that does not fails the test; an input the fuzzer
// generated may (the caller then returns).
func Unexercised(t testing.TB, why string) {
	t.Helper()
	if !Fuzzing() {
		t.Fatalf("a seed that does not reach the property it is for: %s", why)
	}
}
