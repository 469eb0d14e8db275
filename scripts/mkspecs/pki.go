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
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"

	"github.com/kubeproof/kubeproof/internal/detkey"
)

type stream = detkey.Stream

func newStream(seed string) *stream         { return detkey.NewStream(seed) }
func rsaKey(seed string) *rsa.PrivateKey    { return detkey.RSAKey(seed, 2048) }
func ecPublic(seed string) *ecdsa.PublicKey { return &detkey.ECKey(seed).PublicKey }

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

// fakeKey is a PEM-looking private key block whose body starts with the
// canary (detkey.FakeKey).
func fakeKey(label, canary string, lines int) []byte {
	return []byte(detkey.FakeKey(label, canary, lines))
}
