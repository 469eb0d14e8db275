package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Digest is a SHA-256 content address. It is written in JSON as 64
// lowercase hex digits; String gives the same, and Prefixed adds "sha256:".
type Digest [sha256.Size]byte

// Hash returns the digest of data.
func Hash(data []byte) Digest { return sha256.Sum256(data) }

// ParseDigest parses 64 hex digits, with or without a "sha256:" prefix.
func ParseDigest(s string) (Digest, error) {
	var d Digest
	h := strings.TrimPrefix(s, "sha256:")
	if len(h) != 2*len(d) {
		return d, fmt.Errorf("bundle: invalid digest %q: want %d hex digits", s, 2*len(d))
	}
	if _, err := hex.Decode(d[:], []byte(h)); err != nil {
		return d, fmt.Errorf("bundle: invalid digest %q: %v", s, err)
	}
	if strings.ToLower(h) != h {
		return d, fmt.Errorf("bundle: invalid digest %q: hex digits must be lowercase", s)
	}
	return d, nil
}

// String returns the 64 hex digits.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// Prefixed returns "sha256:" and the hex digits, as shown to people.
func (d Digest) Prefixed() string { return "sha256:" + d.String() }

// Short returns the first 12 hex digits, for tables.
func (d Digest) Short() string { return d.String()[:12] }

// IsZero reports whether d is the zero value.
func (d Digest) IsZero() bool { return d == Digest{} }

// MarshalText implements encoding.TextMarshaler.
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Digest) UnmarshalText(b []byte) error {
	v, err := ParseDigest(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
