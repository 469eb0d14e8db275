package analyzer

import (
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
)

// RefusedBundle is a bundle that could not be read or verified, left out
// of a report made with Options.KeepGoing. Every report lists these on its
// first page: a report never leaves a node out silently.
type RefusedBundle struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
	// Err is the error that refused it, for the exit code.
	Err error `json:"-"`
}

// LeftOutBundle is a bundle that was read but not analyzed: the same
// bundle as another one given (by digest), or an older bundle of a host
// whose newest bundle is analyzed.
type LeftOutBundle struct {
	File        string        `json:"file"`
	Digest      bundle.Digest `json:"digest"`
	Host        string        `json:"host"`
	CollectedAt time.Time     `json:"collected_at"`
	Reason      string        `json:"reason"`
}

// keepGoing keeps the nodes of the bundles that were read, and lists the
// others with the reason each was refused.
func keepGoing(files []string, nodes []NodeResult, errs []error) ([]NodeResult, []RefusedBundle) {
	var kept []NodeResult
	var refused []RefusedBundle
	for i, err := range errs {
		if err == nil {
			kept = append(kept, nodes[i])
			continue
		}
		reason := strings.TrimPrefix(err.Error(), files[i]+": ")
		refused = append(refused, RefusedBundle{File: files[i], Reason: strings.Join(strings.Fields(reason), " "), Err: err})
	}
	return kept, refused
}
