package analyzer

import (
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// keepGoing keeps the nodes of the bundles that were read, and lists the
// others with the reason each was refused.
func keepGoing(files []string, nodes []results.NodeResult, errs []error) ([]results.NodeResult, []results.RefusedBundle) {
	var kept []results.NodeResult
	var refused []results.RefusedBundle
	for i, err := range errs {
		if err == nil {
			kept = append(kept, nodes[i])
			continue
		}
		reason := strings.TrimPrefix(err.Error(), files[i]+": ")
		refused = append(refused, results.RefusedBundle{File: files[i], Reason: strings.Join(strings.Fields(reason), " "), Err: err})
	}
	return kept, refused
}
