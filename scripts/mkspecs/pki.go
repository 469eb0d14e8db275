package main

// Certificates and fake private keys of the generated specs.
//
// Certificates are real X.509 (they parse and chain), made here from
// deterministic key material so that every run writes the same bytes: RSA
// keys come from primes drawn from a SHA-256 counter stream (stdlib
// math/big's ProbablyPrime), ECDSA keys from a scalar of the same stream.
// The private halves never leave this program: the specs hold, in every
// place a private key sits, a PEM-looking block whose body starts with a
// canary (fixtures/specs/README.md, "Secrets are fake and carry canaries").
//
// Subjects, SANs, usages and validity follow kubeadm's certlist.go and
// kubeconfig.go of each version (cmd/kubeadm/app/phases/certs/certlist.go,
// cmd/kubeadm/app/phases/kubeconfig/kubeconfig.go, cmd/kubeadm/app/util/pkiutil):
// CAs for 10 years, leaves for 1 year, RSA 2048, SHA-256 with RSA.

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// stream is a deterministic byte source: SHA-256 of a seed and a counter.
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

// prime draws a prime of the given size with its two top bits set, so
// that the product of two has exactly twice the bits.
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

// rsaKey makes a deterministic RSA-2048 key from a seed.
func rsaKey(seed string) *rsa.PrivateKey {
	s := newStream("rsa:" + seed)
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for {
		p, q := prime(s, 1024), prime(s, 1024)
		if p.Cmp(q) == 0 {
			continue
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != 2048 {
			continue
		}
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 65537}, D: d, Primes: []*big.Int{p, q}}
		k.Precompute()
		if err := k.Validate(); err != nil {
			continue
		}
		return k
	}
}

// ecPublic makes a deterministic P-256 public key (the kubelet's rotated
// client certificates carry ECDSA P-256 keys: the kubelet makes them for
// its CSRs).
func ecPublic(seed string) *ecdsa.PublicKey {
	s := newStream("ec:" + seed)
	d := make([]byte, 32)
	for {
		s.Read(d)
		priv, err := ecdh.P256().NewPrivateKey(d)
		if err != nil {
			continue
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), priv.PublicKey().Bytes())
		if err != nil {
			panic(err)
		}
		return pub
	}
}

// keyPool hands out deterministic keys; specs share them (only public
// halves are ever written, inside certificates and sa.pub).
type keyPool struct{ keys map[string]*rsa.PrivateKey }

func (kp *keyPool) get(name string) *rsa.PrivateKey {
	if kp.keys == nil {
		kp.keys = map[string]*rsa.PrivateKey{}
	}
	if k, ok := kp.keys[name]; ok {
		return k
	}
	k := rsaKey(name)
	kp.keys[name] = k
	return k
}

var pool keyPool

// issued is a certificate with the key that signed it available for
// issuing further certificates (CAs only).
type issued struct {
	cert *x509.Certificate
	der  []byte
	key  *rsa.PrivateKey
}

func (c issued) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.der})
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
	pub      crypto.PublicKey // the subject's key; defaults to keyName's RSA key
	keyName  string
}

func serial(s *stream) *big.Int {
	b := make([]byte, 8)
	s.Read(b)
	b[0] &= 0x7f
	return new(big.Int).SetBytes(b)
}

// sign issues a certificate for r, signed by parent (nil: self-signed).
func sign(ser *stream, r certReq, parent *issued, notBefore time.Time) issued {
	key := pool.get(r.keyName)
	var pub crypto.PublicKey = &key.PublicKey
	if r.pub != nil {
		pub = r.pub
	}
	t := &x509.Certificate{
		SerialNumber:       serial(ser),
		Subject:            pkix.Name{CommonName: r.cn, Organization: r.org},
		NotBefore:          notBefore,
		NotAfter:           r.notAfter,
		DNSNames:           r.dns,
		SignatureAlgorithm: x509.SHA256WithRSA,
	}
	for _, ip := range r.ips {
		t.IPAddresses = append(t.IPAddresses, net.ParseIP(ip))
	}
	if r.ca {
		t.IsCA, t.BasicConstraintsValid = true, true
		t.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign
	} else {
		t.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		t.BasicConstraintsValid = true
		if r.server {
			t.ExtKeyUsage = append(t.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
		}
		if r.client {
			t.ExtKeyUsage = append(t.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
		}
	}
	signer, parentCert := key, t
	if parent != nil {
		signer, parentCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(ser, t, parentCert, pub, signer)
	if err != nil {
		panic(fmt.Sprintf("certificate %s: %v", r.cn, err))
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return issued{cert: c, der: der, key: key}
}

func publicKeyPEM(k *rsa.PrivateKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

const b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// fakeKey is a PEM-looking private key block whose body starts with the
// canary, followed by base64-looking filler of a plausible length.
func fakeKey(label, canary string, lines int) []byte {
	s := newStream("filler:" + canary)
	body := []byte(canary + "+")
	total := lines*64 - 4
	for len(body) < total {
		body = append(body, b64chars[s.intn(64)])
	}
	body = append(body, "=="...)
	out := []byte("-----BEGIN " + label + "-----\n")
	for len(body) > 64 {
		out = append(append(out, body[:64]...), '\n')
		body = body[64:]
	}
	out = append(append(out, body...), '\n')
	return append(out, "-----END "+label+"-----\n"...)
}
