package canary

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestFind: the scanner finds a canary whole, cut to any 16-byte piece,
// and base64-encoded at each alignment in either alphabet; and nothing in
// text that holds none.
func TestFind(t *testing.T) {
	secret := "KPC042-Winter2026!pass/word+more"
	sc := NewScanner([]Canary{{Value: secret, Where: "here", Form: "test"}, {Value: "kpc049Zs"}})
	found := func(text string) bool { return len(sc.Find([]byte(text))) > 0 }
	cases := map[string]string{
		"whole":      "x: " + secret + "\n",
		"piece":      "...ter2026!pass/word...",
		"short":      "auth_pass kpc049Zs",
		"in a pdf":   "line " + secret[:20] + "-\n" + secret[20:],
		"xml around": "<t>" + secret[3:19] + "</t>",
	}
	for pad := 0; pad < 3; pad++ {
		for name, enc := range map[string]*base64.Encoding{"std": base64.StdEncoding, "url": base64.URLEncoding} {
			b := enc.EncodeToString([]byte(strings.Repeat("z", pad) + secret + "tail"))
			cases["base64 "+name+" "+string(rune('0'+pad))] = "data: " + b
		}
	}
	for name, text := range cases {
		if !found(text) {
			t.Errorf("%s: not found in %q", name, text)
		}
	}
	for _, text := range []string{"", "KPC042-Winter202", "nothing here at all", "kpc049Z", base64.StdEncoding.EncodeToString([]byte("unrelated text of some length"))} {
		if found(text) && text != "KPC042-Winter202" {
			t.Errorf("found in %q", text)
		}
	}
	// A 16-byte prefix is a piece: found.
	if !found("KPC042-Winter202") {
		t.Error("a 16-byte piece is not found")
	}
}
