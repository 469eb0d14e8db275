package display

import (
	"encoding/json"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want, lines string }{
		{"plain host-1.example", "plain host-1.example", "plain host-1.example"},
		{"ünïcödé 中文", "ünïcödé 中文", "ünïcödé 中文"},
		{"\x1b[2J\n[PASS] 1.1.1 forged", `\x1b[2J\n[PASS] 1.1.1 forged`, "\\x1b[2J\n[PASS] 1.1.1 forged"},
		{"a\tb\rc\x00d\x7fe", `a\tb\rc\x00d\x7fe`, `a\tb\rc\x00d\x7fe`},
		{"csi \u009b2J", `csi \u009b2J`, `csi \u009b2J`},
		{"rlo \u202egnp.exe", `rlo \u202egnp.exe`, `rlo \u202egnp.exe`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`, `bad \xff\xfe utf8`},
		{"sep \u2028 x", `sep \u2028 x`, `sep \u2028 x`},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := EscapeLines(tt.in); got != tt.lines {
			t.Errorf("EscapeLines(%q) = %q, want %q", tt.in, got, tt.lines)
		}
	}
}

func TestJSON(t *testing.T) {
	in := "del\x7f c1\u0085\u009b bidi\u202e nl\n ok ü"
	enc, _ := json.Marshal(map[string]string{"k": in})
	got := JSON(enc)
	want := `{"k":"del\u007f c1\u0085\u009b bidi\u202e nl\n ok ü"}`
	if string(got) != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil || back["k"] != in {
		t.Errorf("does not read back: %q %v", back["k"], err)
	}
	clean := []byte("{\n  \"k\": \"ü\"\n}")
	if got := JSON(clean); &got[0] != &clean[0] {
		t.Error("clean JSON was copied")
	}
}
