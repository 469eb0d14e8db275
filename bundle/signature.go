package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
)

// SignatureAlgorithm is the one signature algorithm of format v1.
const SignatureAlgorithm = "ed25519"

// signatureContext is prefixed to the digest before signing, so that a
// bundle signature can never be taken for anything else the same key
// signs, nor anything else for a bundle signature.
const signatureContext = "kubeproof bundle signature v1\x00"

// maxSignatureSize bounds the signature document (a real one is about
// 300 bytes).
const maxSignatureSize = 4096

// Signature is the signature document, the content of a bundle's
// signature frame: an Ed25519 signature of the bundle digest, with the
// public key that made it. Signing leaves the manifest, and with it the
// bundle digest, exactly as it was: a bundle has one digest whether or not
// it is signed.
type Signature struct {
	Algorithm string `json:"algorithm"`
	// KeyID names the key: the first 16 hex digits of the SHA-256 of
	// PublicKey (see KeyID).
	KeyID     string `json:"key_id"`
	PublicKey []byte `json:"public_key"` // 32 bytes, base64 in JSON
	// Digest is the bundle digest signed, repeated here so that a
	// signature moved to another bundle is named as such.
	Digest    Digest `json:"digest"`
	Signature []byte `json:"signature"` // 64 bytes, base64 in JSON
}

// KeyID returns the id of a public key: the first 16 hex digits of its
// SHA-256. Keys are compared in full; the id is for people.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// signedMessage is what a bundle signature signs.
func signedMessage(d Digest) []byte { return append([]byte(signatureContext), d[:]...) }

// NewSignature signs the bundle digest d with key.
func NewSignature(d Digest, key ed25519.PrivateKey) Signature {
	pub := key.Public().(ed25519.PublicKey)
	return Signature{
		Algorithm: SignatureAlgorithm,
		KeyID:     KeyID(pub),
		PublicKey: slices.Clone(pub),
		Digest:    d,
		Signature: ed25519.Sign(key, signedMessage(d)),
	}
}

// ParseSignature decodes a signature document and checks it against the
// bundle digest d: the one JSON encoding (so that no byte of it can change
// unseen), the algorithm, the sizes of the key and the signature, the key
// id, the digest, and the signature itself. It says nothing about whether
// the key is to be trusted (see Keyring).
func ParseSignature(data []byte, d Digest) (*Signature, error) {
	if len(data) > maxSignatureSize {
		return nil, &SignatureError{Reason: fmt.Sprintf("larger than %d bytes", maxSignatureSize)}
	}
	var s Signature
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, &SignatureError{Reason: "decoding the signature document", Err: err}
	}
	if again, err := EncodeJSON(s); err != nil || !bytes.Equal(again, data) {
		// Also refuses data after the object, and base64 with stray bits.
		return nil, &SignatureError{KeyID: s.KeyID, Reason: "the signature document is not in the one JSON encoding of bundle documents"}
	}
	bad := func(format string, args ...any) (*Signature, error) {
		return nil, &SignatureError{KeyID: s.KeyID, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case s.Algorithm != SignatureAlgorithm:
		return bad("unsupported algorithm %q (want %q)", s.Algorithm, SignatureAlgorithm)
	case len(s.PublicKey) != ed25519.PublicKeySize:
		return bad("public key of %d bytes, want %d", len(s.PublicKey), ed25519.PublicKeySize)
	case len(s.Signature) != ed25519.SignatureSize:
		return bad("signature of %d bytes, want %d", len(s.Signature), ed25519.SignatureSize)
	case s.KeyID != KeyID(s.PublicKey):
		return bad("key id %q is not that of the public key (%s)", s.KeyID, KeyID(s.PublicKey))
	case s.Digest != d:
		return bad("it signs bundle %s, not this bundle (%s): the signature was moved or the manifest changed", s.Digest.Prefixed(), d.Prefixed())
	case !ed25519.Verify(s.PublicKey, signedMessage(d), s.Signature):
		return bad("the signature does not verify: the signature or the manifest was changed")
	}
	return &s, nil
}

// SignatureFrame returns the signature frame that signs the bundle whose
// digest is d: appended to the unsigned bundle's bytes, it makes the
// signed bundle. It is deterministic, as Ed25519 signatures are.
func SignatureFrame(d Digest, key ed25519.PrivateKey) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("bundle: signing: private key of %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	doc, err := EncodeJSON(NewSignature(d, key))
	if err != nil {
		return nil, fmt.Errorf("bundle: signing: %w", err)
	}
	frame := binary.LittleEndian.AppendUint32(nil, signatureMagic)
	frame = binary.LittleEndian.AppendUint32(frame, uint32(len(doc)))
	return append(frame, doc...), nil
}

// Sign returns the bundle in data signed by key: data with a signature
// frame appended. The bundle must read without any problem and be
// unsigned. (The collector, which knows the digest of what it wrote, can
// append SignatureFrame itself, without reading the bundle back.)
func Sign(data []byte, key ed25519.PrivateKey) ([]byte, error) {
	b, err := Read(bytes.NewReader(data), Limits{})
	if err != nil {
		return nil, fmt.Errorf("bundle: signing: %w", err)
	}
	if b.Signature != nil {
		return nil, fmt.Errorf("bundle: signing: the bundle is already signed (key %s)", b.Signature.KeyID)
	}
	frame, err := SignatureFrame(b.Digest, key)
	if err != nil {
		return nil, err
	}
	return append(slices.Clip(data), frame...), nil
}

// Trust is what a bundle's signature says about who made it, given the
// keys trusted.
type Trust int

const (
	// Unsigned: the bundle holds no signature.
	Unsigned Trust = iota
	// UnknownKey: a valid signature by a key not among those trusted.
	UnknownKey
	// Trusted: a valid signature by a trusted key.
	Trusted
)

func (t Trust) String() string {
	switch t {
	case Trusted:
		return "trusted"
	case UnknownKey:
		return "unknown-key"
	}
	return "unsigned"
}

// Keyring holds the public keys whose signatures are trusted. The zero
// value and nil trust no key.
type Keyring struct {
	keys map[string]ed25519.PublicKey // by key id
}

// NewKeyring returns a keyring trusting keys.
func NewKeyring(keys ...ed25519.PublicKey) *Keyring {
	k := &Keyring{}
	for _, pub := range keys {
		k.Add(pub)
	}
	return k
}

// Add trusts pub.
func (k *Keyring) Add(pub ed25519.PublicKey) {
	if k.keys == nil {
		k.keys = make(map[string]ed25519.PublicKey)
	}
	k.keys[KeyID(pub)] = slices.Clone(pub)
}

// Len returns the number of keys trusted.
func (k *Keyring) Len() int {
	if k == nil {
		return 0
	}
	return len(k.keys)
}

// Trust says whether b is signed, and if so whether by a trusted key.
// Read has already checked the signature itself: a bad one is a problem
// of the bundle (ErrSignature), never a Trust.
func (k *Keyring) Trust(b *Bundle) Trust {
	if b.Signature == nil {
		return Unsigned
	}
	if k != nil {
		if pub, ok := k.keys[b.Signature.KeyID]; ok && bytes.Equal(pub, b.Signature.PublicKey) {
			return Trusted
		}
	}
	return UnknownKey
}

// Describe says in words what Trust says: "signed and verified (key
// 0123456789abcdef)", "signed by an unknown key 0123456789abcdef" or
// "unsigned".
func (k *Keyring) Describe(b *Bundle) string {
	switch k.Trust(b) {
	case Trusted:
		return "signed and verified (key " + b.Signature.KeyID + ")"
	case UnknownKey:
		return "signed by an unknown key " + b.Signature.KeyID
	}
	return "unsigned"
}

// Require returns a *TrustError unless b is signed by a trusted key.
func (k *Keyring) Require(b *Bundle) error {
	switch t := k.Trust(b); t {
	case Trusted:
		return nil
	case UnknownKey:
		return &TrustError{Trust: t, KeyID: b.Signature.KeyID}
	default:
		return &TrustError{Trust: t}
	}
}

// TrustError reports a bundle that is not signed by a trusted key, where
// one is required.
type TrustError struct {
	Trust Trust
	KeyID string
}

func (e *TrustError) Error() string {
	if e.Trust == UnknownKey {
		return fmt.Sprintf("signed by an unknown key %s, and a signature by a trusted key is required", e.KeyID)
	}
	return "unsigned, and a signature by a trusted key is required"
}

func (e *TrustError) Unwrap() error { return ErrUntrusted }

// SignatureError reports a signature document that is malformed or does
// not verify.
type SignatureError struct {
	KeyID  string // the key the signature names, where it could be read
	Reason string
	Err    error
}

func (e *SignatureError) Error() string {
	msg := "bad signature: " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *SignatureError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrSignature}
	}
	return []error{ErrSignature, e.Err}
}
