package reports

import (
	"github.com/kubeproof/kubeproof/results"
)

// pdfStatuses are the verdicts the PDF counts, as shown (Result.Shown): a
// waived FAIL or WARN is WAIVED, counted apart, never as PASS.
var pdfStatuses = []results.Status{results.Pass, results.Fail, results.Warn, results.Waived, results.Info, results.NA}

func statusFill(s results.Status) rgb {
	if c, ok := statusRGB[s]; ok {
		return hexRGB(c)
	}
	return grey
}

// statusText is the text colour on a status fill.
func statusText(s results.Status) rgb {
	if s == results.Warn {
		return black
	}
	return white
}

// statusCount is the count of s in t, WAIVED included.
func statusCount(t results.Totals, s results.Status) int {
	if s == results.Waived {
		return t.Waived
	}
	return count(t, s)
}

func statusSum(t results.Totals) int {
	n := 0
	for _, s := range pdfStatuses {
		n += statusCount(t, s)
	}
	return n
}

// finding reports whether a shown verdict is one the findings list:
// failed, to review, or failed or to review but accepted by a waiver.
func isFinding(s results.Status) bool {
	return s == results.Fail || s == results.Warn || s == results.Waived
}

// severity orders the shown verdicts of findings: FAIL first.
func severity(s results.Status) int {
	switch s {
	case results.Fail:
		return 0
	case results.Warn:
		return 1
	case results.Waived:
		return 2
	case results.Info:
		return 3
	case results.Pass:
		return 4
	}
	return 5
}
