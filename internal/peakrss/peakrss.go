// Package peakrss reads the process's peak resident set size, for the
// benchmarks that state a memory goal (Linux only: elsewhere it reads 0).
package peakrss

import (
	"os"
	"strconv"
	"strings"
)

// Reset sets the peak back to the current resident set, where the kernel
// allows (clear_refs 5); benchmarks call it before each run.
func Reset() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// Bytes is VmHWM from /proc/self/status, or 0 where it cannot be read.
func Bytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
