// Package detkey makes deterministic key material and fake secrets for
// the fixture generators (scripts/mkspecs, scripts/mkdistspecs): every run
// writes the same bytes. Keys come from a SHA-256 counter stream; they
// sign the fixtures' real X.509 certificates and are never written out.
// Private keys in the fixtures are FakeKey blocks that carry a canary.
package detkey

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"math/big"
)

// Stream is a deterministic byte source: SHA-256 of a seed and a counter.
type Stream struct {
	seed string
	n    uint64
	buf  []byte
}

// NewStream starts the stream of a seed.
func NewStream(seed string) *Stream { return &Stream{seed: seed} }

func (s *Stream) Read(p []byte) (int, error) {
	for i := range p {
		if len(s.buf) == 0 {
			var c [8]byte
			binary.BigEndian.PutUint64(c[:], s.n)
			s.n++
			sum := sha256.Sum256(append([]byte(s.seed), c[:]...))
			s.buf = sum[:]
		}
		p[i], s.buf = s.buf[0], s.buf[1:]
	}
	return len(p), nil
}

// Intn draws a number in [0, n).
func (s *Stream) Intn(n int) int {
	var b [8]byte
	s.Read(b[:])
	return int(binary.BigEndian.Uint64(b[:]) % uint64(n))
}

// ECKey makes a deterministic P-256 key from a seed.
func ECKey(seed string) *ecdsa.PrivateKey {
	s := NewStream("ec:" + seed)
	d := make([]byte, 32)
	for {
		s.Read(d)
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
		if err == nil {
			return k
		}
	}
}

// prime draws a prime of the given size with its two top bits set, so
// that the product of two has exactly twice the bits.
func prime(s *Stream, bits int) *big.Int {
	b := make([]byte, bits/8)
	for {
		s.Read(b)
		b[0] |= 0xc0
		b[len(b)-1] |= 1
		p := new(big.Int).SetBytes(b)
		if p.ProbablyPrime(20) {
			return p
		}
	}
}

// RSAKey makes a deterministic RSA key of the given size from a seed.
func RSAKey(seed string, bits int) *rsa.PrivateKey {
	s := NewStream("rsa:" + seed)
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for {
		p, q := prime(s, bits/2), prime(s, bits/2)
		if p.Cmp(q) == 0 {
			continue
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != bits {
			continue
		}
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 65537}, D: d, Primes: []*big.Int{p, q}}
		k.Precompute()
		if k.Validate() == nil {
			return k
		}
	}
}

// Signer signs with deterministic ECDSA (RFC 6979): a nil random source
// makes crypto/ecdsa derive the nonce from the key and the digest.
type Signer struct{ K *ecdsa.PrivateKey }

func (s Signer) Public() crypto.PublicKey { return s.K.Public() }

func (s Signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return s.K.Sign(nil, digest, opts)
}

const b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// FakeKey is a PEM-looking private key block of lines lines whose body
// starts with the canary, followed by base64-looking filler.
func FakeKey(label, canary string, lines int) string {
	s := NewStream("filler:" + canary)
	body := []byte(canary + "+")
	total := lines*64 - 4
	for len(body) < total {
		body = append(body, b64chars[s.Intn(64)])
	}
	body = append(body, "=="...)
	out := "-----BEGIN " + label + "-----\n"
	for len(body) > 64 {
		out += string(body[:64]) + "\n"
		body = body[64:]
	}
	return out + string(body) + "\n-----END " + label + "-----\n"
}

// Filler is canary-led base64-looking text of n characters (tokens, keys).
func Filler(canary string, n int) string {
	s := NewStream("token:" + canary)
	b := []byte(canary)
	for len(b) < n {
		b = append(b, b64chars[s.Intn(62)])
	}
	return string(b)
}

// HexFiller is n deterministic hex digits.
func HexFiller(seed string, n int) string {
	s := NewStream("hex:" + seed)
	const hex = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hex[s.Intn(16)]
	}
	return string(b)
}
