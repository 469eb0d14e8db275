package bundle

import "testing"

// TestHasControl: each range of characters refused in identifiers, at
// both ends and one past (issue 15: the boundaries let mutants live).
func TestHasControl(t *testing.T) {
	for _, tt := range []struct {
		r    rune
		want bool
	}{
		{0x1f, true}, {0x20, false}, {0x7e, false}, {0x7f, true}, {0x9f, true}, {0xa0, false},
		{0x061b, false}, {0x061c, true}, {0x061d, false},
		{0x200d, false}, {0x200e, true}, {0x200f, true}, {0x2010, false},
		{0x2029, false}, {0x202a, true}, {0x202c, true}, {0x202e, true}, {0x202f, false},
		{0x2065, false}, {0x2066, true}, {0x2068, true}, {0x2069, true}, {0x206a, false},
		{0xfffc, false}, {0xfffd, true}, {0xfffe, false},
	} {
		if got := hasControl("a" + string(tt.r) + "b"); got != tt.want {
			t.Errorf("hasControl(%U) = %v, want %v", tt.r, got, tt.want)
		}
	}
	if hasControl("") || hasControl("kube-apiserver v1.29.2") {
		t.Error("plain text has a control character")
	}
}
