package collector

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
)

// pkiCert is a certificate made for a test, with its key.
type pkiCert struct {
	der  []byte
	cert *x509.Certificate
	key  crypto.Signer
}

func (c pkiCert) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.der})
}

// issue signs a certificate for tmpl and key with parent (self-signed when
// parent is nil). It panics on error: the templates are the test's own.
func issue(tmpl *x509.Certificate, key crypto.Signer, parent *pkiCert) pkiCert {
	signerCert, signerKey := tmpl, key
	if parent != nil {
		signerCert, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, key.Public(), signerKey)
	if err != nil {
		panic(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return pkiCert{der, c, key}
}

func caTemplate(cn string, serial int64) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
}

func mustKey[K crypto.Signer](k K, err error) K {
	if err != nil {
		panic(err)
	}
	return k
}

// pkiChain is a root (RSA), an intermediate (ECDSA P-384) and a leaf
// (Ed25519), made once: RSA keys are slow to generate.
var pkiChain = sync.OnceValue(func() (c struct{ root, inter, leaf pkiCert }) {
	rootKey := mustKey(rsa.GenerateKey(rand.Reader, 2048))
	c.root = issue(caTemplate("kubernetes", 1), rootKey, nil)
	interKey := mustKey(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))
	c.inter = issue(caTemplate("etcd-ca", 2), interKey, &c.root)
	_, leafKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	paris := time.FixedZone("CET", 3600)
	spiffe, _ := url.Parse("spiffe://cluster.local/ns/kube-system/sa/etcd")
	c.leaf = issue(&x509.Certificate{
		SerialNumber:   big.NewInt(0x1F2E3D),
		Subject:        pkix.Name{CommonName: "kube-etcd", Organization: []string{"system:masters"}},
		NotBefore:      time.Date(2024, 1, 1, 1, 0, 0, 0, paris),
		NotAfter:       time.Date(2025, 1, 1, 1, 0, 0, 0, paris),
		DNSNames:       []string{"localhost", "master-1"},
		IPAddresses:    []net.IP{net.ParseIP("10.0.0.10"), net.ParseIP("::1")},
		EmailAddresses: []string{"ops@example.com"},
		URIs:           []*url.URL{spiffe},
		KeyUsage:       x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, leafKey, &c.inter)
	return c
})

func TestParseCertificatesFields(t *testing.T) {
	ch := pkiChain()
	data := slices.Concat(ch.leaf.pem(), ch.inter.pem(), ch.root.pem())
	certs, err := ParseCertificates("/etc/kubernetes/pki/etcd/server.crt", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 3 {
		t.Fatalf("%d certificates, want 3", len(certs))
	}
	leaf := certs[0]
	want := bundle.Certificate{
		Path:               "/etc/kubernetes/pki/etcd/server.crt",
		Index:              0,
		Subject:            "CN=kube-etcd,O=system:masters",
		Issuer:             "CN=etcd-ca",
		Serial:             "1F2E3D",
		DNSNames:           []string{"localhost", "master-1"},
		IPAddresses:        []string{"10.0.0.10", "::1"},
		EmailAddresses:     []string{"ops@example.com"},
		URIs:               []string{"spiffe://cluster.local/ns/kube-system/sa/etcd"},
		NotBefore:          time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:           time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyAlgorithm:       "Ed25519",
		KeySize:            256,
		SignatureAlgorithm: "ECDSA-SHA384",
		IsCA:               false,
		SHA256:             bundle.Hash(ch.leaf.der),
	}
	if !equalCert(leaf, want) {
		t.Errorf("leaf:\n got %+v\nwant %+v", leaf, want)
	}
	if leaf.NotBefore.Location() != time.UTC || leaf.NotAfter.Location() != time.UTC {
		t.Errorf("times not in UTC: %v %v", leaf.NotBefore, leaf.NotAfter)
	}
	checks := []struct {
		got          bundle.Certificate
		index        int
		subject, alg string
		size         int
		sig          string
		ca           bool
		der          []byte
	}{
		{certs[1], 1, "CN=etcd-ca", "ECDSA", 384, "SHA256-RSA", true, ch.inter.der},
		{certs[2], 2, "CN=kubernetes", "RSA", 2048, "SHA256-RSA", true, ch.root.der},
	}
	for _, c := range checks {
		g := c.got
		if g.Index != c.index || g.Subject != c.subject || g.KeyAlgorithm != c.alg || g.KeySize != c.size ||
			g.SignatureAlgorithm != c.sig || g.IsCA != c.ca || g.SHA256 != bundle.Hash(c.der) || g.IssuerSHA256 != nil {
			t.Errorf("certificate %d: got %+v", c.index, g)
		}
	}
	if certs[2].Serial != "1" || certs[2].Issuer != "CN=kubernetes" {
		t.Errorf("root serial %q issuer %q", certs[2].Serial, certs[2].Issuer)
	}
}

func equalCert(a, b bundle.Certificate) bool {
	return a.Path == b.Path && a.Index == b.Index && a.Subject == b.Subject && a.Issuer == b.Issuer &&
		a.Serial == b.Serial && slices.Equal(a.DNSNames, b.DNSNames) && slices.Equal(a.IPAddresses, b.IPAddresses) &&
		slices.Equal(a.EmailAddresses, b.EmailAddresses) && slices.Equal(a.URIs, b.URIs) &&
		a.NotBefore.Equal(b.NotBefore) && a.NotAfter.Equal(b.NotAfter) && a.KeyAlgorithm == b.KeyAlgorithm &&
		a.KeySize == b.KeySize && a.SignatureAlgorithm == b.SignatureAlgorithm && a.IsCA == b.IsCA &&
		a.SHA256 == b.SHA256 && (a.IssuerSHA256 == nil) == (b.IssuerSHA256 == nil) &&
		(a.IssuerSHA256 == nil || *a.IssuerSHA256 == *b.IssuerSHA256)
}

func TestParseCertificatesKeySkipped(t *testing.T) {
	ch := pkiChain()
	key := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte("KPCANARY not even DER")})
	data := slices.Concat(key, ch.inter.pem())
	certs, err := ParseCertificates("/var/lib/kubelet/pki/kubelet-client-current.pem", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 1 || certs[0].Index != 1 || certs[0].SHA256 != bundle.Hash(ch.inter.der) {
		t.Fatalf("got %+v, want the certificate at index 1", certs)
	}
	// The key's body is never decoded: a body that is not even base64
	// makes no error.
	bad := []byte("-----BEGIN RSA PRIVATE KEY-----\n!!! not base64 !!!\n-----END RSA PRIVATE KEY-----\n")
	certs, err = ParseCertificates("/k.pem", slices.Concat(bad, ch.leaf.pem()))
	if err != nil || len(certs) != 1 || certs[0].Index != 1 {
		t.Fatalf("got %v, %v", certs, err)
	}
	if blocks := pemBlocks(slices.Concat(bad, ch.leaf.pem())); blocks[0].text != nil {
		t.Errorf("the key block's text was kept: %q", blocks[0].text)
	}
}

func TestParseCertificatesNone(t *testing.T) {
	for _, data := range []string{"", "garbage\x00\xff", "-----BEGIN PUBLIC KEY-----\nMCow\n-----END PUBLIC KEY-----\n", "-----BEGIN CERTIFICATE REQUEST-----\nxx\n-----END CERTIFICATE REQUEST-----\n"} {
		certs, err := ParseCertificates("/x.pem", []byte(data))
		if certs != nil || err != nil {
			t.Errorf("ParseCertificates(%q) = %v, %v; want nil, nil", data, certs, err)
		}
	}
}

func TestParseCertificatesCorrupt(t *testing.T) {
	ch := pkiChain()
	badDER := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x00}})
	badB64 := []byte("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
	unclosed := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n")
	data := slices.Concat(ch.leaf.pem(), badDER, ch.inter.pem(), badB64, unclosed)
	const p = "/etc/kubernetes/pki/ca.crt"
	certs, err := ParseCertificates(p, data)
	if len(certs) != 2 || certs[0].Index != 0 || certs[1].Index != 2 {
		t.Errorf("good certificates: got %+v", certs)
	}
	if err == nil {
		t.Fatal("no error")
	}
	var ce *CertificateError
	if !errors.As(err, &ce) || ce.Path != p || ce.Index != 1 {
		t.Errorf("first error %#v, want a *CertificateError for block 1", ce)
	}
	msg := err.Error()
	for _, s := range []string{`"` + p + `"`, "block 1", "block 3", "block 4", "no END line"} {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q does not say %q", msg, s)
		}
	}
}

func TestParseCertificatesForms(t *testing.T) {
	ch := pkiChain()
	// Indented, CRLF, a header: still read.
	text := strings.ReplaceAll(string(ch.leaf.pem()), "\n", "\r\n  ")
	certs, err := ParseCertificates("/a.crt", []byte("  "+text))
	if err != nil || len(certs) != 1 {
		t.Errorf("indented CRLF PEM: %v, %v", certs, err)
	}
	// DER.
	certs, err = ParseCertificates("/a.der", ch.inter.der)
	if err != nil || len(certs) != 1 || certs[0].SHA256 != bundle.Hash(ch.inter.der) {
		t.Errorf("DER: %v, %v", certs, err)
	}
	// OpenSSL TRUSTED CERTIFICATE: the certificate, then trust settings.
	trusted := pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: slices.Concat(ch.root.der, []byte{0x30, 0x00})})
	certs, err = ParseCertificates("/a.pem", trusted)
	if err != nil || len(certs) != 1 || certs[0].SHA256 != bundle.Hash(ch.root.der) {
		t.Errorf("TRUSTED CERTIFICATE: %v, %v", certs, err)
	}
}

func TestLinkIssuers(t *testing.T) {
	ch := pkiChain()
	// An impostor: the intermediate's subject with another key.
	impKey := mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	imp := issue(caTemplate("etcd-ca", 9), impKey, nil)
	impLeaf := issue(&x509.Certificate{
		SerialNumber: big.NewInt(10), Subject: pkix.Name{CommonName: "rogue"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
	}, mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)), &imp)
	// The intermediate renewed with the same key: both verify the leaf.
	renewed := issue(caTemplate("etcd-ca", 3), ch.inter.key, &ch.root)
	// A certificate whose issuer was not collected.
	orphanCA := issue(caTemplate("elsewhere", 11), impKey, nil)
	orphan := issue(&x509.Certificate{
		SerialNumber: big.NewInt(12), Subject: pkix.Name{CommonName: "orphan"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
	}, impKey, &orphanCA)

	files := []struct {
		path string
		c    pkiCert
	}{
		{"/pki/etcd/server.crt", ch.leaf},
		{"/pki/etcd/ca.crt", ch.inter},
		{"/pki/etcd/ca-renewed.crt", renewed},
		{"/pki/ca.crt", ch.root},
		{"/copy/ca.crt", ch.root},
		{"/pki/impostor.crt", imp},
		{"/pki/rogue.crt", impLeaf},
		{"/pki/orphan.crt", orphan},
	}
	firstInter := bundle.Hash(ch.inter.der)
	if h := bundle.Hash(renewed.der); bytes.Compare(h[:], firstInter[:]) < 0 {
		firstInter = h
	}
	want := map[string]*bundle.Digest{
		"/pki/etcd/server.crt":     &firstInter,
		"/pki/etcd/ca.crt":         digestOf(ch.root.der),
		"/pki/etcd/ca-renewed.crt": digestOf(ch.root.der),
		"/pki/ca.crt":              nil,
		"/copy/ca.crt":             nil,
		"/pki/impostor.crt":        nil,
		"/pki/rogue.crt":           digestOf(imp.der),
		"/pki/orphan.crt":          nil,
	}
	for round := 0; round < 4; round++ {
		var all []parsedCert
		for _, f := range files {
			pcs, err := parseCerts(f.path, f.c.pem())
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, pcs...)
		}
		// The order of the certificates must not matter.
		if round%2 == 1 {
			slices.Reverse(all)
		}
		if round >= 2 {
			all = append(all[3:], all[:3]...)
		}
		linkIssuers(all)
		for _, pc := range all {
			w, g := want[pc.Path], pc.IssuerSHA256
			if (w == nil) != (g == nil) || w != nil && *w != *g {
				t.Errorf("round %d: %s issuer %v, want %v", round, pc.Path, short(g), short(w))
			}
		}
	}
}

func TestLinkIssuersSHA1(t *testing.T) {
	key := pkiChain().root.key
	caT := caTemplate("legacy-ca", 20)
	caT.SignatureAlgorithm = x509.SHA1WithRSA
	ca := issue(caT, key, nil)
	leaf := issue(&x509.Certificate{
		SerialNumber: big.NewInt(21), Subject: pkix.Name{CommonName: "legacy"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), SignatureAlgorithm: x509.SHA1WithRSA,
	}, mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)), &ca)
	var all []parsedCert
	for _, c := range []pkiCert{leaf, ca} {
		pcs, err := parseCerts("/legacy.crt", c.pem())
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, pcs...)
	}
	linkIssuers(all)
	if all[0].SignatureAlgorithm != "SHA1-RSA" || all[0].IssuerSHA256 == nil || *all[0].IssuerSHA256 != bundle.Hash(ca.der) || all[1].IssuerSHA256 != nil {
		t.Errorf("SHA-1 chain: leaf %s issuer %s, CA issuer %s", all[0].SignatureAlgorithm, short(all[0].IssuerSHA256), short(all[1].IssuerSHA256))
	}
}

// TestLinkIssuersOffline shows what a link rests on now that signatures
// (but Ed25519 ones) are not checked: issuer name, authority key
// identifier, the parent's right to issue and the kind of its key.
func TestLinkIssuersOffline(t *testing.T) {
	ch := pkiChain()
	root := ch.root // RSA, with a subject key identifier
	otherRSA := testKeys().rsa2048
	leafTmpl := func(cn string) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber: big.NewInt(40), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
		}
	}
	// forge makes a certificate naming issuer (a raw subject) as its
	// issuer, with authority key identifier aki, signed by key.
	forge := func(cn string, issuer, aki []byte, key crypto.Signer) pkiCert {
		return issue(leafTmpl(cn), mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)),
			&pkiCert{cert: &x509.Certificate{RawSubject: issuer, SubjectKeyId: aki}, key: key})
	}
	edKey := testKeys().ed
	edCA := issue(caTemplate("ed-ca", 41), edKey, nil)
	_, otherEd, _ := ed25519.GenerateKey(rand.Reader)
	notCATmpl := caTemplate("not-a-ca", 42)
	notCATmpl.IsCA = false
	notCA := issue(notCATmpl, mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)), nil)
	noCertSignTmpl := caTemplate("no-cert-sign", 43)
	noCertSignTmpl.KeyUsage = x509.KeyUsageDigitalSignature
	noCertSign := issue(noCertSignTmpl, mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)), nil)
	oldKey := mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	oldCA := issue(caTemplate("rollover-ca", 44), oldKey, nil)
	// Self-issued: x509 sets no authority key identifier unless told to,
	// and without one such a certificate looks like a root.
	newCATmpl := caTemplate("rollover-ca", 45)
	newCATmpl.AuthorityKeyId = oldCA.cert.SubjectKeyId
	newCA := issue(newCATmpl, mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)), &oldCA)

	tests := []struct {
		name   string
		c      pkiCert
		issuer *pkiCert
	}{
		{"the root's name, another key identifier", forge("forged", root.cert.RawSubject, []byte("another key"), otherRSA), nil},
		{"the root's name and key identifier, copied", forge("copied", root.cert.RawSubject, root.cert.SubjectKeyId, otherRSA), &root},
		{"the root's name, no key identifier", forge("no-aki", root.cert.RawSubject, nil, otherRSA), &root},
		{"the root's name and key identifier, an ECDSA signature", forge("ecdsa", root.cert.RawSubject, root.cert.SubjectKeyId, ch.inter.key), nil},
		{"issued by the Ed25519 CA", issue(leafTmpl("ed-leaf"), otherRSA, &edCA), &edCA},
		{"the Ed25519 CA's name and key identifier, a bad signature", forge("ed-forged", edCA.cert.RawSubject, edCA.cert.SubjectKeyId, otherEd), nil},
		{"issued by a certificate that is not a CA", issue(leafTmpl("under-not-ca"), otherRSA, &notCA), nil},
		{"issued by a CA without keyCertSign", issue(leafTmpl("under-no-cert-sign"), otherRSA, &noCertSign), nil},
		{"a self-issued certificate of a new key", newCA, &oldCA},
		{"issued by the new key", issue(leafTmpl("rolled"), otherRSA, &newCA), &newCA},
		{"the old key", oldCA, nil},
	}
	all := []parsedCert{}
	for _, c := range []pkiCert{root, edCA, notCA, noCertSign, oldCA, newCA} {
		pcs, err := parseCerts("/ca.crt", c.pem())
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, pcs...)
	}
	first := len(all)
	for _, tt := range tests {
		pcs, err := parseCerts("/"+tt.name, tt.c.pem())
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		all = append(all, pcs...)
	}
	linkIssuers(all)
	for i, tt := range tests {
		got := all[first+i].IssuerSHA256
		var want *bundle.Digest
		if tt.issuer != nil {
			want = digestOf(tt.issuer.der)
		}
		if (got == nil) != (want == nil) || got != nil && *got != *want {
			t.Errorf("%s: issuer %s, want %s", tt.name, short(got), short(want))
		}
	}
}

func digestOf(der []byte) *bundle.Digest { d := bundle.Hash(der); return &d }

func short(d *bundle.Digest) string {
	if d == nil {
		return "none"
	}
	return d.Short()
}

func TestHasPrivateKey(t *testing.T) {
	cases := []struct {
		data string
		want bool
	}{
		{"-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n", true},
		{"-----BEGIN EC PRIVATE KEY-----\n", true},
		{"-----BEGIN ENCRYPTED PRIVATE KEY-----\n", true},
		{"-----BEGIN OPENSSH PRIVATE KEY-----\n", true},
		{"-----BEGIN PRIVATE KEY-----\n", true},
		{"key: |\n  -----BEGIN PRIVATE KEY-----\n", true},
		{`{"k": "-----BEGIN PRIVATE KEY-----\nabc"}`, true},
		{"-----BEGIN private key", true},
		{"-----BEGIN CERTIFICATE-----\nPRIVATE KEY\n-----END CERTIFICATE-----\n", false},
		{"-----BEGIN PUBLIC KEY-----\n", false},
		{"PRIVATE KEY", false},
		{"", false},
	}
	for _, c := range cases {
		if got := HasPrivateKey([]byte(c.data)); got != c.want {
			t.Errorf("HasPrivateKey(%q) = %v", c.data, got)
		}
	}
}

// FuzzParseCertificates checks that no input makes parsing or linking
// panic, and that what comes out is consistent.
func FuzzParseCertificates(f *testing.F) {
	ch := pkiChain()
	seeds := [][]byte{
		slices.Concat(ch.leaf.pem(), ch.inter.pem(), ch.root.pem()),
		slices.Concat(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("x")}), ch.leaf.pem()),
		ch.inter.der,
		[]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
		[]byte("-----BEGIN CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n"),
		pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: ch.root.der}),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pcs, err := parseCerts("/f.pem", data)
		begins := bytes.Count(data, pemBegin)
		for _, pc := range pcs {
			if pc.cert == nil || pc.SHA256 != bundle.Hash(pc.cert.raw) || pc.Index < 0 || pc.Index > max(begins-1, 0) {
				t.Fatalf("inconsistent certificate %+v", pc.Certificate)
			}
		}
		if err != nil && !strings.Contains(err.Error(), `"/f.pem"`) {
			t.Fatalf("error does not name the file: %v", err)
		}
		linkIssuers(append(pcs, pcs...))
	})
}
