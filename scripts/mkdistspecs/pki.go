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

func newStream(seed string) *stream                  { return detkey.NewStream(seed) }
func ecKey(seed string) *ecdsa.PrivateKey            { return detkey.ECKey(seed) }
func rsaKey(seed string, bits int) *rsa.PrivateKey   { return detkey.RSAKey(seed, bits) }
func fakeKey(label, canary string, lines int) string { return detkey.FakeKey(label, canary, lines) }
func filler(canary string, n int) string             { return detkey.Filler(canary, n) }
func hexFiller(seed string, n int) string            { return detkey.HexFiller(seed, n) }

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
		signer = detkey.Signer{K: k}
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
