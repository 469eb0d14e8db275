package analyzer

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/results"
)

// Bounds on what one result carries, so that a report grows with what a
// bundle deserves and not with what it repeats. Occurrences of a repeated
// flag are bounded where they are cited, in package evidence.
const (
	// maxQuoted bytes of an observed value, a reason or a citation's
	// value are kept; the rest is counted, not quoted.
	maxQuoted = 1024
	// maxCitations of one result; the rest are counted.
	maxCitations = 32
)

// Evaluate returns the verdict of check on node, within the bounds above.
// It never changes check.
func Evaluate(check *catalog.Check, n *evidence.Node) results.Result {
	r := evaluate(check, n)
	boundResult(&r)
	return r
}

func boundResult(r *results.Result) {
	r.Observed = quote(r.Observed)
	r.Reason = quote(r.Reason)
	r.Expected = quote(r.Expected)
	if len(r.Citations) > maxCitations {
		more := len(r.Citations) - maxCitations + 1
		last := r.Citations[maxCitations-1]
		r.Citations = append(r.Citations[:maxCitations-1:maxCitations-1], results.Citation{
			Bundle: last.Bundle, Node: last.Node, Member: last.Member, MemberSHA256: last.MemberSHA256,
			Locator: "…", Observed: fmt.Sprintf("%d more citations, not listed", more), Unverified: last.Unverified,
		})
	}
	cloned := false
	for i := range r.Citations {
		if q := quote(r.Citations[i].Observed); q != r.Citations[i].Observed {
			if !cloned { // the citations may be shared with the node's lookups
				r.Citations, cloned = slices.Clone(r.Citations), true
			}
			r.Citations[i].Observed = q
		}
	}
}

// quote keeps at most maxQuoted bytes of s, cut at a character boundary,
// and says how much was left out.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes more)", s[:cut], len(s)-cut)
}
