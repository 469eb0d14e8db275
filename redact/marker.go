package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// A marker stands where a value was removed. It says how many bytes the
// value had and, when the collection was given a redaction key, a keyed
// digest of the value:
//
//	<redacted:12>
//	<redacted:12:hmac-1a2b3c4d:0123456789abcdef>
//
// The digest is the first 16 hex digits of HMAC-SHA256(key, value), and
// hmac-1a2b3c4d names the key (KeyID). Two markers with the same key ID
// and digest stand for the same value, on one node or across a fleet
// collected with one key; without the key, a digest cannot be tested
// against guesses, so a short password stays unknown. A marker never
// holds a plain hash. It holds no blank, ',', '=', '"' or '#', so that it
// stays one token in a command line, a comma list, a key=value pair, YAML
// and JSON.

const (
	markerOpen  = "<redacted:"
	markerClose = ">"
)

// KeyLen is the size of a redaction key.
const KeyLen = 32

// Redactor redacts with one redaction key, or none. The zero value (and
// New(nil)) writes markers without digests. A Redactor is safe for
// concurrent use; it holds no state but the key.
type Redactor struct {
	key   []byte
	keyID string
}

// New returns a Redactor whose markers carry keyed digests made with key,
// or none when key is empty. The key must never leave the collecting host
// or the fleet that shares it.
func New(key []byte) *Redactor {
	r := &Redactor{}
	if len(key) > 0 {
		r.key = append([]byte(nil), key...)
		m := hmac.New(sha256.New, r.key)
		m.Write([]byte("kubeproof redaction key id"))
		r.keyID = "hmac-" + hex.EncodeToString(m.Sum(nil)[:4])
	}
	return r
}

// DeriveKey derives a redaction key from other secret key material (the
// seed of a signing key), so that one secret held by the people who
// collect serves both purposes without one revealing the other.
func DeriveKey(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("kubeproof redaction key v1"))
	return m.Sum(nil)
}

// KeyID names the redaction key ("hmac-1a2b3c4d"), or "" when there is
// none. It reveals nothing about the key.
func (r *Redactor) KeyID() string {
	if r == nil {
		return ""
	}
	return r.keyID
}

// Marker returns the marker for value.
func (r *Redactor) Marker(value string) string {
	var b strings.Builder
	b.WriteString(markerOpen)
	b.WriteString(strconv.Itoa(len(value)))
	if r != nil && r.key != nil {
		b.WriteByte(':')
		b.WriteString(r.keyID)
		b.WriteByte(':')
		b.WriteString(r.Digest(value)[:16])
	}
	b.WriteString(markerClose)
	return b.String()
}

// Digest returns the keyed digest of a value as 64 hex digits, or "" when
// the Redactor has no key.
func (r *Redactor) Digest(value string) string {
	if r == nil || r.key == nil {
		return ""
	}
	m := hmac.New(sha256.New, r.key)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// IsMarker reports whether s is a marker, of this format or of the
// format-1 collector ("<redacted: 1675 bytes, sha256:…>").
func IsMarker(s string) bool { return markerLen(s, 0) == len(s) && len(s) > 0 }

// markerLen returns the length of the marker that starts at s[i], or 0.
func markerLen(s string, i int) int {
	rest := s[i:]
	if strings.HasPrefix(rest, "<redacted: ") { // format 1
		if j := strings.IndexByte(rest, '>'); j > 0 {
			return j + 1
		}
		return 0
	}
	if !strings.HasPrefix(rest, markerOpen) {
		return 0
	}
	k := len(markerOpen)
	d := k
	for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
		k++
	}
	if k == d {
		return 0
	}
	if k < len(rest) && rest[k] == ':' {
		// ":hmac-XXXXXXXX:XXXXXXXXXXXXXXXX"
		const tail = len(":hmac-12345678:0123456789abcdef")
		if k+tail > len(rest) || rest[k+1:k+6] != "hmac-" || rest[k+14] != ':' || !isHex(rest[k+6:k+14]) || !isHex(rest[k+15:k+tail]) {
			return 0
		}
		k += tail
	}
	if k < len(rest) && rest[k] == '>' {
		return k + 1
	}
	return 0
}

// ContainsMarker reports whether s holds a marker anywhere.
func ContainsMarker(s string) bool {
	for i := strings.Index(s, "<redacted"); i >= 0; {
		if markerLen(s, i) > 0 {
			return true
		}
		j := strings.Index(s[i+1:], "<redacted")
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
