// Package display makes strings from bundles safe to show. Every string a
// bundle holds is data, chosen by whoever controlled the node or edited
// the file: shown raw, an escape sequence in it would act on the
// auditor's terminal (clear the screen, move the cursor), a newline would
// forge a line of its own ("[PASS] 1.1.1 …"), a bidirectional control
// would make the text read backwards. Escape shows each such character as
// a visible escape instead, so the text keeps every byte's meaning and
// loses its power.
package display

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unsafe reports the characters Escape replaces: C0 and C1 controls and
// DEL (unicode.IsControl), the bidirectional controls, and the line and
// paragraph separators.
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || Bidi(r) || r == 0x2028 || r == 0x2029
}

// Bidi reports the characters that reorder the text around them
// ("Trojan Source").
func Bidi(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// Escape returns s with every unsafe character (Unsafe) and every byte
// that is not UTF-8 written as an escape: \n, \r, \t, \xNN for the other
// ASCII controls and invalid bytes, \uNNNN above. A string with none is
// returned as it is, without allocating.
func Escape(s string) string { return escape(s, false) }

// EscapeLines is Escape for text of several lines (a remediation, an
// error that lists problems): newlines are kept.
func EscapeLines(s string) string { return escape(s, true) }

func escape(s string, keepNewlines bool) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || Unsafe(r) && !(keepNewlines && r == '\n') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && Unsafe(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case Unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// JSON escapes, in encoded JSON, the characters encoding/json leaves raw
// (it escapes C0 controls, U+2028 and U+2029 only): DEL, the C1 controls
// and the bidirectional controls become \u escapes, which every JSON
// parser reads back as the same characters. Outside strings, encoded JSON
// holds none of them, so the bytes are rewritten wherever they are.
func JSON(data []byte) []byte {
	i := 0
	for i < len(data) {
		c := data[i]
		if c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == 0x7f || (r != utf8.RuneError || size > 1) && Unsafe(r) {
			break
		}
		i += size
	}
	if i == len(data) {
		return data
	}
	out := make([]byte, 0, len(data)+32)
	out = append(out, data[:i]...)
	for i < len(data) {
		r, size := utf8.DecodeRune(data[i:])
		if r == 0x7f || (r != utf8.RuneError || size > 1) && Unsafe(r) && r >= 0x7f {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, data[i:i+size]...)
		}
		i += size
	}
	return out
}
