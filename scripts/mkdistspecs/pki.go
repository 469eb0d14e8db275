package main

// Certificates and fake private keys of the distribution specs.
//
// Certificates are real X.509 made from deterministic key material (a
// SHA-256 counter stream), so they parse and chain. k3s and RKE2 make ECDSA
// P-256 keys for every CA and leaf; MicroK8s makes RSA 2048 keys with
// openssl. Private halves are never written: every place a private key
// sits holds a PEM-looking block whose body starts with a canary.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"time"
)

type stream struct {
	seed string
	n    uint64
	buf  []byte
}

func newStream(seed string) *stream { return &stream{seed: seed} }

func (s *stream) Read(p []byte) (int, error) {
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

func (s *stream) intn(n int) int {
	var b [8]byte
	s.Read(b[:])
	return int(binary.BigEndian.Uint64(b[:]) % uint64(n))
}

// ecKey makes a deterministic P-256 key from a seed.
func ecKey(seed string) *ecdsa.PrivateKey {
	s := newStream("ec:" + seed)
	d := make([]byte, 32)
	for {
		s.Read(d)
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
		if err == nil {
			return k
		}
	}
}

func prime(s *stream, bits int) *big.Int {
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

// rsaKey makes a deterministic RSA key of the given size from a seed.
func rsaKey(seed string, bits int) *rsa.PrivateKey {
	s := newStream("rsa:" + seed)
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

// authority is a CA whose key can sign.
type authority struct {
	cert *x509.Certificate
	der  []byte
	key  crypto.Signer
}

func (a *authority) pem() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.der}))
}

type certReq struct {
	cn       string
	org      []string
	dns      []string
	ips      []string
	server   bool
	client   bool
	ca       bool
	notAfter time.Time
	key      crypto.Signer // the subject's key
}

// issue makes a certificate for r signed by parent (nil: self-signed).
// Serial numbers come from a stream seeded by the subject; RSA PKCS#1
// v1.5 signatures are deterministic and ECDSA ones are made so (rfc6979).
func issue(r certReq, parent *authority, notBefore time.Time) *authority {
	ser := newStream("serial:" + r.cn + fmt.Sprint(r.org))
	sb := make([]byte, 8)
	ser.Read(sb)
	sb[0] &= 0x7f
	t := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(sb),
		Subject:      pkix.Name{CommonName: r.cn, Organization: r.org},
		NotBefore:    notBefore,
		NotAfter:     r.notAfter,
		DNSNames:     r.dns,
	}
	for _, ip := range r.ips {
		t.IPAddresses = append(t.IPAddresses, net.ParseIP(ip))
	}
	t.BasicConstraintsValid = true
	if r.ca {
		t.IsCA = true
		t.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign
	} else {
		t.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		if r.server {
			t.ExtKeyUsage = append(t.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
		}
		if r.client {
			t.ExtKeyUsage = append(t.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
		}
	}
	signer, parentCert := r.key, t
	if parent != nil {
		signer, parentCert = parent.key, parent.cert
	}
	if k, ok := signer.(*ecdsa.PrivateKey); ok {
		signer = rfc6979{k}
	}
	der, err := x509.CreateCertificate(ser, t, parentCert, r.key.Public(), signer)
	if err != nil {
		panic(fmt.Sprintf("certificate %s: %v", r.cn, err))
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return &authority{cert: c, der: der, key: r.key}
}

// rfc6979 signs with deterministic ECDSA (RFC 6979): a nil random source
// asks crypto/ecdsa for it, so every run writes the same certificates.
type rfc6979 struct{ k *ecdsa.PrivateKey }

func (s rfc6979) Public() crypto.PublicKey { return s.k.Public() }

func (s rfc6979) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return s.k.Sign(nil, digest, opts)
}

const b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// fakeKey is a PEM-looking private key block whose body starts with the
// canary, followed by base64-looking filler.
func fakeKey(label, canary string, lines int) string {
	s := newStream("filler:" + canary)
	body := []byte(canary + "+")
	total := lines*64 - 4
	for len(body) < total {
		body = append(body, b64chars[s.intn(64)])
	}
	body = append(body, "=="...)
	out := "-----BEGIN " + label + "-----\n"
	for len(body) > 64 {
		out += string(body[:64]) + "\n"
		body = body[64:]
	}
	return out + string(body) + "\n-----END " + label + "-----\n"
}

// filler is canary-led base64-looking text of n characters (tokens, AES keys).
func filler(canary string, n int) string {
	s := newStream("token:" + canary)
	b := []byte(canary)
	for len(b) < n {
		b = append(b, b64chars[s.intn(62)])
	}
	return string(b)
}

func hexFiller(seed string, n int) string {
	s := newStream("hex:" + seed)
	const hex = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hex[s.intn(16)]
	}
	return string(b)
}
