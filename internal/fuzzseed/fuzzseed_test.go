package fuzzseed

import (
	"flag"
	"testing"
)

// recorder is a testing.TB that records Fatalf instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestUnexercised(t *testing.T) {
	f := flag.Lookup("test.fuzz")
	if f == nil {
		t.Fatal("no -test.fuzz flag: the testing package changed")
	}
	old := f.Value.String()
	defer f.Value.Set(old)
	for _, tt := range []struct {
		fuzz   string
		failed bool
	}{{"", true}, {"^FuzzX$", false}} {
		if err := f.Value.Set(tt.fuzz); err != nil {
			t.Fatal(err)
		}
		r := &recorder{TB: t}
		Unexercised(r, "why")
		if r.failed != tt.failed || Fuzzing() != (tt.fuzz != "") {
			t.Errorf("-test.fuzz=%q: failed %v, want %v", tt.fuzz, r.failed, tt.failed)
		}
	}
}
