package results

import "testing"

// TestDisplayTitle: the title carries the benchmark's own label, as
// kube-bench prints it: Automated/Manual since CIS 1.6, Scored/Not Scored
// in cis-1.5.
func TestDisplayTitle(t *testing.T) {
	for _, tc := range []struct{ assessment, want string }{
		{"automated", "Ensure X (Automated)"},
		{"", "Ensure X (Automated)"},
		{"manual", "Ensure X (Manual)"},
		{"scored", "Ensure X (Scored)"},
		{"not-scored", "Ensure X (Not Scored)"},
	} {
		c := &Check{Title: "Ensure X", Assessment: tc.assessment}
		if got := c.DisplayTitle(); got != tc.want {
			t.Errorf("assessment %q: %q, want %q", tc.assessment, got, tc.want)
		}
	}
}
