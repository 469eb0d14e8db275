package analyzer

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// Bounds on what one result carries, so that a report grows with what a
// bundle deserves and not with what it repeats: a flag given 20,000 times
// in one command line once made a 13 KB bundle cost 13 s, 433 MB and an
// 88 MB JSON report.
const (
	// maxFlagCitations occurrences of one flag are cited: the first and
	// the last halves (the last decides a flag's value), with a citation
	// that counts the others.
	maxFlagCitations = 8
	// maxQuoted bytes of an observed value, a reason or a citation's
	// value are kept; the rest is counted, not quoted.
	maxQuoted = 1024
	// maxCitations of one result; the rest are counted.
	maxCitations = 32
)

// Evaluate returns the verdict of check on node, within the bounds above.
// It never changes check.
func Evaluate(check *Check, n *Node) Result {
	r := evaluate(check, n)
	boundResult(&r)
	return r
}

// citedOccurrences picks the occurrences of a flag to cite; omitted
// counts the others.
func citedOccurrences(occ []flagOcc) (cited []flagOcc, omitted int) {
	if len(occ) <= maxFlagCitations {
		return occ, 0
	}
	half := maxFlagCitations / 2
	cited = append(append([]flagOcc{}, occ[:half]...), occ[len(occ)-half:]...)
	return cited, len(occ) - maxFlagCitations
}

func boundResult(r *Result) {
	r.Observed = quote(r.Observed)
	r.Reason = quote(r.Reason)
	r.Expected = quote(r.Expected)
	if len(r.Citations) > maxCitations {
		more := len(r.Citations) - maxCitations + 1
		last := r.Citations[maxCitations-1]
		r.Citations = append(r.Citations[:maxCitations-1:maxCitations-1], Citation{
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
