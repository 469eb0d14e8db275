package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// KubeMinor parses a Kubernetes version ("v1.32.4", "1.27", "v1.28.2+k3s1")
// and returns its minor number. Only Kubernetes 1.x exists.
func KubeMinor(v string) (int, error) {
	s := strings.TrimPrefix(strings.TrimSpace(v), "v")
	major, rest, ok := strings.Cut(s, ".")
	if !ok || major != "1" {
		return 0, fmt.Errorf("Kubernetes version %q: want 1.MINOR or v1.MINOR.PATCH", v)
	}
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	if end == 0 || end > 3 || end < len(rest) && rest[end] != '.' {
		return 0, fmt.Errorf("Kubernetes version %q: want 1.MINOR or v1.MINOR.PATCH", v)
	}
	return strconv.Atoi(rest[:end])
}

// Pick is the embedded benchmark for a Kubernetes minor version.
type Pick struct {
	Benchmark string
	// Newer is set when the version is newer than every embedded
	// benchmark's range: the newest benchmark was picked, and the report
	// warns about it.
	Newer string
}

// PickFor returns the embedded CIS benchmark whose Kubernetes range holds
// minor (a platform's benchmark is never picked by version alone: see
// PlatformOf) (kube-bench's mapping: 1.15 → cis-1.5, 1.16–1.18 → cis-1.6, …);
// a version newer than every range gets the newest benchmark with a
// warning; an older one gets none.
func PickFor(minor int) (Pick, error) {
	idx := embeddedIndex()
	if idx.err != nil {
		return Pick{}, idx.err
	}
	var newest string
	newestTo := -1
	oldest, oldestFrom := "", 1<<30
	byPlatform, err := benchmarkPlatforms()
	if err != nil {
		return Pick{}, err
	}
	for _, b := range idx.names {
		if byPlatform[b] != "" {
			continue // picked through its platform's profile only
		}
		r := idx.ranges[b]
		from, to := minorOf(r.From), minorOf(r.To)
		if r.To == "" {
			to = from
		}
		if minor >= from && minor <= to {
			return Pick{Benchmark: b}, nil
		}
		if to > newestTo {
			newest, newestTo = b, to
		}
		if from < oldestFrom {
			oldest, oldestFrom = b, from
		}
	}
	if newest != "" && minor > newestTo {
		return Pick{Benchmark: newest, Newer: fmt.Sprintf("Kubernetes 1.%d is newer than every embedded benchmark; %s, for Kubernetes up to 1.%d, is the newest", minor, newest, newestTo)}, nil
	}
	if oldest != "" && minor < oldestFrom {
		return Pick{}, fmt.Errorf("Kubernetes 1.%d is older than every embedded benchmark (the oldest, %s, is for 1.%d)", minor, oldest, oldestFrom)
	}
	return Pick{}, fmt.Errorf("no embedded benchmark is for Kubernetes 1.%d", minor)
}

// PlatformOf returns the name of the platform whose profile names
// benchmark b ("eks" for eks-1.8.0), or "" for a CIS benchmark, picked by
// Kubernetes version alone. A platform's benchmark audits that platform's
// layout: it is picked only for a node detected as the platform.
func PlatformOf(b string) (string, error) {
	m, err := benchmarkPlatforms()
	return m[b], err
}

// benchmarkPlatforms maps each benchmark a profile names to its platform.
func benchmarkPlatforms() (map[string]string, error) {
	pls, err := Platforms()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range pls {
		for _, b := range p.Benchmarks {
			out[b.Benchmark] = p.Name
		}
	}
	return out, nil
}
