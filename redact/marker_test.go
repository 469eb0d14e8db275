package redact

import (
	"strings"
	"testing"
)

// TestMarkerSyntax: what is a marker and what is not, at every edge of
// the syntax: the length's digits, the key id's and digest's hex, the
// closing bracket, the format-1 form (issue 15).
func TestMarkerSyntax(t *testing.T) {
	digest := "0123456789abcdef"
	tests := []struct {
		s    string
		is   bool
		want int // markerLen at 0
	}{
		{"<redacted:12>", true, 13},
		{"<redacted:0>", true, 12},
		{"<redacted:1234567890>", true, 21},
		{"<redacted:12:hmac-1a2b3c4d:" + digest + ">", true, 44},
		{"<redacted: 1675 bytes, sha256:3c9a5e0d1f2b4a67>", true, 47},
		{"<redacted: no end", false, 0},
		{"<redacted:>", false, 0},
		{"<redacted:12", false, 0},
		{"<redacted:12x>", false, 0},
		{"<redacted:x12>", false, 0},
		{"<redacted:12:hmac-1a2b3c4d:" + digest, false, 0},
		{"<redacted:12:hmac-1a2b3c4d:" + digest[:15] + ">", false, 0},
		{"<redacted:12:hmac-1a2b3c4d:" + digest + "0>", false, 0},
		{"<redacted:12:hmac-1a2b3c4d:" + strings.ToUpper(digest) + ">", false, 0},
		{"<redacted:12:hmac-1a2b3c4D:" + digest + ">", false, 0},
		{"<redacted:12:hmac-1a2b3c4:" + digest + "0>", false, 0},
		{"<redacted:12:hmax-1a2b3c4d:" + digest + ">", false, 0},
		{"<redacted:12:hmac-1a2b3c4d;" + digest + ">", false, 0},
		{"<redacted:12:", false, 0},
		{"<redacted:12>x", false, 13},
		{"<REDACTED:12>", false, 0},
		{"", false, 0},
	}
	for _, tt := range tests {
		if got := IsMarker(tt.s); got != tt.is {
			t.Errorf("IsMarker(%q) = %v, want %v", tt.s, got, tt.is)
		}
		if tt.s != "" {
			if got := markerLen(tt.s, 0); got != tt.want {
				t.Errorf("markerLen(%q) = %d, want %d", tt.s, got, tt.want)
			}
		}
	}
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"a=<redacted:3>", true},
		{"<redacted<redacted:3>", true},
		{"<redacted:x> and <redacted:4>", true},
		{"<redacted:x> and <redacted:>", false},
		{"<redacted", false},
		{"plain", false},
		{"x<redacted: 3 bytes>", true},
	} {
		if got := ContainsMarker(tt.s); got != tt.want {
			t.Errorf("ContainsMarker(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestMarkerKeyed: a keyed marker holds the key's id and the first 16
// hex digits of the value's keyed digest; without a key, the length only.
func TestMarkerKeyed(t *testing.T) {
	var none *Redactor
	if got := none.Marker("abc"); got != "<redacted:3>" || none.KeyID() != "" || none.Digest("abc") != "" {
		t.Errorf("no redactor: %q %q", got, none.KeyID())
	}
	if got := New(nil).Marker("abcd"); got != "<redacted:4>" || New(nil).Digest("x") != "" {
		t.Errorf("no key: %q", got)
	}
	if e := New([]byte{}); e.Marker("abcd") != "<redacted:4>" || e.KeyID() != "" || e.Digest("x") != "" {
		t.Errorf("an empty key is no key: %q %q", e.Marker("abcd"), e.KeyID())
	}
	r := New([]byte("0123456789abcdef0123456789abcdef"))
	m := r.Marker("secret")
	want := "<redacted:6:" + r.KeyID() + ":" + r.Digest("secret")[:16] + ">"
	if m != want || !IsMarker(m) || len(r.Digest("secret")) != 64 || !strings.HasPrefix(r.KeyID(), "hmac-") || len(r.KeyID()) != 13 {
		t.Errorf("keyed marker %q, want %q (key id %q)", m, want, r.KeyID())
	}
	if r.Marker("secret") != m || r.Marker("secreT") == m {
		t.Error("the keyed digest is not a function of the value")
	}
	if New(DeriveKey([]byte("a"))).KeyID() == New(DeriveKey([]byte("b"))).KeyID() || len(DeriveKey([]byte("a"))) != KeyLen {
		t.Error("derived keys")
	}
}
