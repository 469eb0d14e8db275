package bundle

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
)

// Key files are text: lines starting with "#" and blank lines are
// comments, and exactly one line is "<label> <base64>", where the label
// names the kind of key and the version of this format, and the base64
// (standard alphabet, padded) holds the 32-byte Ed25519 seed of a private
// key or the 32-byte public key. docs/bundle-format.md specifies them.
const (
	PrivateKeyLabel = "kubeproof-ed25519-private-key-v1"
	PublicKeyLabel  = "kubeproof-ed25519-public-key-v1"
)

// KeyError reports a key file that cannot be used.
type KeyError struct {
	Reason string
	Hint   string // advice for a human, if any
}

func (e *KeyError) Error() string {
	if e.Hint != "" {
		return "malformed key file: " + e.Reason + " (" + e.Hint + ")"
	}
	return "malformed key file: " + e.Reason
}

// MarshalPrivateKey encodes key as a private key file.
func MarshalPrivateKey(key ed25519.PrivateKey) []byte {
	pub := key.Public().(ed25519.PublicKey)
	return fmt.Appendf(nil, "# kubeproof signing key %s: keep this file secret; it signs bundles (kubeproof-collect --sign-key)\n%s %s\n",
		KeyID(pub), PrivateKeyLabel, base64.StdEncoding.EncodeToString(key.Seed()))
}

// MarshalPublicKey encodes pub as a public key file.
func MarshalPublicKey(pub ed25519.PublicKey) []byte {
	return fmt.Appendf(nil, "# kubeproof public key %s: verifies bundles it signed (kubeproof verify --trusted-key)\n%s %s\n",
		KeyID(pub), PublicKeyLabel, base64.StdEncoding.EncodeToString(pub))
}

// ParsePrivateKey decodes a private key file.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	seed, err := parseKeyFile(data, PrivateKeyLabel, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ParsePublicKey decodes a public key file.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	key, err := parseKeyFile(data, PublicKeyLabel, ed25519.PublicKeySize)
	if err != nil {
		return nil, err
	}
	return ed25519.PublicKey(key), nil
}

func parseKeyFile(data []byte, label string, size int) ([]byte, error) {
	var found []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		found = append(found, line)
	}
	if len(found) != 1 {
		return nil, &KeyError{Reason: fmt.Sprintf("%d key lines, want exactly one %q line", len(found), label)}
	}
	fields := strings.Fields(found[0])
	switch {
	case fields[0] == label:
	case label == PrivateKeyLabel && fields[0] == PublicKeyLabel:
		return nil, &KeyError{Reason: "this is a public key", Hint: "signing takes the private key file, NAME.key"}
	case label == PublicKeyLabel && fields[0] == PrivateKeyLabel:
		return nil, &KeyError{Reason: "this is a private key", Hint: "give verifiers the public key file, NAME.pub, and keep the private key on the signing side"}
	default:
		return nil, &KeyError{Reason: fmt.Sprintf("unknown key type %q, want %q", shortText(fields[0]), label)}
	}
	if len(fields) != 2 {
		return nil, &KeyError{Reason: fmt.Sprintf("want %q and the key in base64, separated by a space", label)}
	}
	key, err := base64.StdEncoding.Strict().DecodeString(fields[1])
	if err != nil {
		return nil, &KeyError{Reason: "the key is not valid base64: " + err.Error()}
	}
	if len(key) != size {
		return nil, &KeyError{Reason: fmt.Sprintf("a key of %d bytes, want %d", len(key), size)}
	}
	return key, nil
}

// shortText cuts an untrusted value for an error message.
func shortText(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
