package reports

import (
	"fmt"
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// unverifiedMark follows a verdict that rests on evidence that failed
// verification (analyze --allow-unverified).
const unverifiedMark = "[unverified evidence]"

// signatureKinds are the signature states in the order reports count them.
var signatureKinds = []struct{ state, text string }{
	{results.SignatureVerified, "signed and verified"},
	{results.SignatureUnknownKey, "signed by an unknown key"},
	{results.SignatureUnsigned, "unsigned"},
	{results.SignatureBad, "with a bad signature"},
}

// signatureSummary counts the bundles by signature, and those that failed
// verification: "2 bundles: 1 signed and verified, 1 unsigned".
func signatureSummary(rep *results.Report) string {
	bs := bundles(rep)
	counts := map[string]int{}
	failed := 0
	for _, b := range bs {
		s := b.Signature
		if s == "" {
			s = results.SignatureUnsigned
		}
		counts[s]++
		if b.Failed() {
			failed++
		}
	}
	var parts []string
	for _, k := range signatureKinds {
		if n := counts[k.state]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k.text))
		}
	}
	s := plural(len(bs), "bundle")
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	if failed > 0 {
		s += fmt.Sprintf("; %d FAILED verification", failed)
	}
	return s
}

// failedBundles are the bundles analyzed although they failed verification.
func failedBundles(rep *results.Report) []results.BundleInfo {
	var out []results.BundleInfo
	for _, b := range bundles(rep) {
		if b.Failed() {
			out = append(out, b)
		}
	}
	return out
}

// failureWarning is the first thing a report says when some of its
// bundles failed verification.
func failureWarning(rep *results.Report, failed int) string {
	verb := "were"
	if failed == 1 {
		verb = "was"
	}
	return fmt.Sprintf("%d of %s FAILED verification and %s analyzed anyway (--allow-unverified): their evidence may have been "+
		"changed after collection. Verdicts marked %s rest on bundle members that failed verification.",
		failed, plural(len(bundles(rep)), "bundle"), verb, unverifiedMark)
}
