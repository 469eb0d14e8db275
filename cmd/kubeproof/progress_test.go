package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgressBar: the bar counts the bundles read, the rate and the time
// left from its clock, and is not redrawn more than once per cell or
// second.
func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	bar := progressBarClock(&out, now)
	at = at.Add(2 * time.Second)
	bar(100, 1000) // 50/s, 18 s left
	if got := out.String(); !strings.Contains(got, "[###                           ] 100/1000 bundles, 50/s, 18s left") {
		t.Errorf("%q", got)
	}
	out.Reset()
	at = at.Add(100 * time.Millisecond)
	bar(101, 1000) // same cell, within the second: not redrawn
	if out.Len() != 0 {
		t.Errorf("redrawn: %q", out.String())
	}
	at = at.Add(time.Second)
	bar(102, 1000) // a second later: redrawn
	if !strings.Contains(out.String(), "102/1000") {
		t.Errorf("%q", out.String())
	}
	out.Reset()
	bar(1000, 1000)
	if got := out.String(); !strings.Contains(got, "1000/1000 bundles") || strings.Contains(got, "left") {
		t.Errorf("%q", got)
	}
}
