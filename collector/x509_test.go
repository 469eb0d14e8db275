package collector

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/skips"
)

// The reader of x509.go is checked against crypto/x509 and the conversion
// ParseCertificates made of its result before x509.go replaced them.

// x509Metadata is what ParseCertificates reported of der with crypto/x509.
func x509Metadata(der []byte) (bundle.Certificate, *x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return bundle.Certificate{}, nil, err
	}
	m := bundle.Certificate{
		Subject:            c.Subject.String(),
		Issuer:             c.Issuer.String(),
		DNSNames:           c.DNSNames,
		EmailAddresses:     c.EmailAddresses,
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		IsCA:               c.BasicConstraintsValid && c.IsCA,
		SHA256:             bundle.Hash(c.Raw),
	}
	if c.SerialNumber != nil {
		m.Serial = strings.ToUpper(c.SerialNumber.Text(16))
	}
	for _, ip := range c.IPAddresses {
		m.IPAddresses = append(m.IPAddresses, ip.String())
	}
	for _, u := range c.URIs {
		m.URIs = append(m.URIs, u.String())
	}
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		m.KeyAlgorithm, m.KeySize = "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		m.KeyAlgorithm, m.KeySize = "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		m.KeyAlgorithm, m.KeySize = "Ed25519", 256
	case *ecdh.PublicKey:
		m.KeyAlgorithm, m.KeySize = "X25519", 256
	default:
		m.KeyAlgorithm = c.PublicKeyAlgorithm.String()
	}
	return m, c, nil
}

// x25519Key reports whether c has an X25519 key as x509.go reports one:
// no parameters, 32 octets.
func hasX25519Key(c *x509.Certificate) bool {
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		Key       asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil {
		return false
	}
	return spki.Algorithm.Algorithm.Equal(asn1.ObjectIdentifier{1, 3, 101, 110}) &&
		len(spki.Algorithm.Parameters.FullBytes) == 0 && len(spki.Key.RightAlign()) == 32
}

// lenient reports whether x509 rejects a certificate for a reason x509.go
// deliberately ignores (see its package comment).
func lenient(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "x509: failed to parse rfc822Name constraint") && strings.Contains(msg, "@")
}

// differ returns how our reading of der differs from x509's, or "".
func differ(der []byte) string {
	want, xc, werr := x509Metadata(der)
	c, gerr := parseCertificate(der)
	switch {
	case werr != nil && gerr != nil:
		return ""
	case werr != nil:
		if lenient(werr) {
			return ""
		}
		return fmt.Sprintf("x509 rejects it (%v), x509.go accepts it", werr)
	case gerr != nil:
		return fmt.Sprintf("x509 accepts it, x509.go rejects it (%v)", gerr)
	}
	got := newParsedCert("", 0, c).Certificate
	if want.KeyAlgorithm == "0" && hasX25519Key(xc) {
		want.KeyAlgorithm, want.KeySize = "X25519", 256 // the one deliberate change
	}
	var diffs []string
	field := func(name string, w, g any) {
		if fmt.Sprint(w) != fmt.Sprint(g) {
			diffs = append(diffs, fmt.Sprintf("%s: x509 %q, x509.go %q", name, w, g))
		}
	}
	field("Subject", want.Subject, got.Subject)
	field("Issuer", want.Issuer, got.Issuer)
	field("Serial", want.Serial, got.Serial)
	field("DNSNames", want.DNSNames, got.DNSNames)
	field("IPAddresses", want.IPAddresses, got.IPAddresses)
	field("EmailAddresses", want.EmailAddresses, got.EmailAddresses)
	field("URIs", want.URIs, got.URIs)
	field("KeyAlgorithm", want.KeyAlgorithm, got.KeyAlgorithm)
	field("KeySize", want.KeySize, got.KeySize)
	field("SignatureAlgorithm", want.SignatureAlgorithm, got.SignatureAlgorithm)
	field("IsCA", want.IsCA, got.IsCA)
	field("SHA256", want.SHA256, got.SHA256)
	for _, tt := range []struct {
		name string
		w, g time.Time
	}{{"NotBefore", want.NotBefore, got.NotBefore}, {"NotAfter", want.NotAfter, got.NotAfter}} {
		if !tt.w.Equal(tt.g) || tt.g.Location() != time.UTC {
			diffs = append(diffs, fmt.Sprintf("%s: x509 %v, x509.go %v", tt.name, tt.w, tt.g))
		}
	}
	// And what linkIssuers reads.
	field("RawSubject", xc.RawSubject, c.rawSubject)
	field("RawIssuer", xc.RawIssuer, c.rawIssuer)
	field("Version", xc.Version, c.version)
	field("BasicConstraints", xc.BasicConstraintsValid, c.basicConstraints)
	field("KeyUsage", int(xc.KeyUsage), c.keyUsage)
	field("SubjectKeyId", xc.SubjectKeyId, c.subjectKeyID)
	field("AuthorityKeyId", xc.AuthorityKeyId, c.authorityKeyID)
	field("TBS", xc.RawTBSCertificate, c.tbs)
	field("Signature", xc.Signature, c.signature)
	if k, ok := xc.PublicKey.(ed25519.PublicKey); ok {
		field("Ed25519 key", []byte(k), c.ed25519Key)
	}
	return strings.Join(diffs, "; ")
}

// DER building blocks for certificates x509.CreateCertificate will not make.

func tlv(tag byte, parts ...[]byte) []byte {
	body := slices.Concat(parts...)
	out := []byte{tag}
	switch n := len(body); {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	case n < 0x10000:
		out = append(out, 0x82, byte(n>>8), byte(n))
	default:
		out = append(out, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
	return append(out, body...)
}

func seq(parts ...[]byte) []byte { return tlv(0x30, parts...) }

func oidEl(ints ...int) []byte {
	b, err := asn1.Marshal(asn1.ObjectIdentifier(ints))
	if err != nil {
		panic(err)
	}
	return b
}

func intEl(b ...byte) []byte { return tlv(tagInteger, b) }

func bitsEl(unused byte, b ...byte) []byte { return tlv(tagBitString, []byte{unused}, b) }

func str(tag byte, v string) []byte { return tlv(tag, []byte(v)) }

func atv(oid []byte, tag byte, v string) []byte { return seq(oid, str(tag, v)) }

func rdn(atvs ...[]byte) []byte { return tlv(tagSet, atvs...) }

func nameEl(rdns ...[]byte) []byte { return seq(rdns...) }

var (
	oidCN     = oidEl(2, 5, 4, 3)
	oidO      = oidEl(2, 5, 4, 10)
	oidOU     = oidEl(2, 5, 4, 11)
	null      = []byte{0x05, 0x00}
	sha256RSA = seq(oidEl(1, 2, 840, 113549, 1, 1, 11), null)
)

func cnName(v string) []byte { return nameEl(rdn(atv(oidCN, tagUTF8String, v))) }

func extEl(oid []byte, critical bool, value []byte) []byte {
	var crit []byte
	if critical {
		crit = []byte{tagBoolean, 1, 0xff}
	}
	return seq(oid, crit, tlv(tagOctetString, value))
}

func extOID(n int) []byte { return oidEl(2, 5, 29, n) }

// spec is a certificate in parts.
type spec struct {
	version, serial, sigAlg, outerSigAlg []byte
	issuer, notBefore, notAfter, subject []byte
	spki, afterSPKI, tbsTail, signature  []byte
	certTail                             []byte
	exts                                 [][]byte
	noExtensions                         bool
}

var testKeys = sync.OnceValue(func() (k struct {
	rsa2048, rsa4096       *rsa.PrivateKey
	p224, p256, p384, p521 *ecdsa.PrivateKey
	ed                     ed25519.PrivateKey
	x25519                 *ecdh.PrivateKey
	spkiP256, spkiEd       []byte
}) {
	k.rsa2048 = mustKey(rsa.GenerateKey(rand.Reader, 2048))
	k.rsa4096 = mustKey(rsa.GenerateKey(rand.Reader, 4096))
	k.p224 = mustKey(ecdsa.GenerateKey(elliptic.P224(), rand.Reader))
	k.p256 = mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	k.p384 = mustKey(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))
	k.p521 = mustKey(ecdsa.GenerateKey(elliptic.P521(), rand.Reader))
	_, k.ed, _ = ed25519.GenerateKey(rand.Reader)
	k.x25519 = must(ecdh.X25519().GenerateKey(rand.Reader))
	k.spkiP256 = must(x509.MarshalPKIXPublicKey(k.p256.Public()))
	k.spkiEd = must(x509.MarshalPKIXPublicKey(k.ed.Public()))
	return k
})

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func baseSpec() spec {
	return spec{
		version:   tlv(ctxTag(0, true), intEl(2)),
		serial:    intEl(0x01),
		sigAlg:    sha256RSA,
		issuer:    cnName("issuer"),
		notBefore: str(tagUTCTime, "240101000000Z"),
		notAfter:  str(tagUTCTime, "340101000000Z"),
		subject:   cnName("subject"),
		spki:      testKeys().spkiP256,
		signature: bitsEl(0, 1, 2, 3, 4),
	}
}

func (s spec) der() []byte {
	outer := s.outerSigAlg
	if outer == nil {
		outer = s.sigAlg
	}
	var exts []byte
	if !s.noExtensions && s.exts != nil {
		exts = tlv(ctxTag(3, true), seq(s.exts...))
	}
	tbs := seq(s.version, s.serial, s.sigAlg, s.issuer, seq(s.notBefore, s.notAfter), s.subject, s.spki, s.afterSPKI, exts, s.tbsTail)
	return seq(tbs, outer, s.signature, s.certTail)
}

// build is a certificate: baseSpec changed by f.
func build(f func(*spec)) []byte {
	s := baseSpec()
	f(&s)
	return s.der()
}

type testCert struct {
	name string
	der  []byte
}

// handBuilt are certificates built part by part: names, serials, times,
// keys, algorithms and extensions that are odd, malformed, or both.
func handBuilt() []testCert {
	var out []testCert
	add := func(name string, f func(*spec)) { out = append(out, testCert{name, build(f)}) }
	k := testKeys()

	// Names.
	values := []string{
		"plain", "a,b", "a+b", `"quoted"`, `back\slash`, "<a>;b", "#lead", " lead", "trail ", " ", "#", "##",
		"mid#dle", "mid dle", "é", "日本語", "", "x*y", "x&y", "tab\tx", "=eq", "'apos'", strings.Repeat("long", 40),
	}
	for _, v := range values {
		for _, tag := range []byte{tagUTF8String, tagPrintableString, tagIA5String, tagT61String} {
			add(fmt.Sprintf("name %q tag %#x", v, tag), func(s *spec) {
				s.subject = nameEl(rdn(atv(oidCN, tag, v)), rdn(atv(oidO, tag, v)), rdn(atv(oidEl(2, 5, 4, 12), tag, v)))
			})
		}
	}
	bmp := func(s string, terminator bool) []byte {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r>>8), byte(r))
		}
		if terminator {
			b = append(b, 0, 0)
		}
		return tlv(tagBMPString, b)
	}
	for _, tt := range []struct {
		name string
		v    []byte
	}{
		{"BMPString", bmp("Zürich", false)},
		{"BMPString terminated", bmp("Zürich", true)},
		{"BMPString empty", bmp("", false)},
		{"BMPString odd", tlv(tagBMPString, []byte{0, 'a', 0})},
		{"BMPString surrogate", tlv(tagBMPString, []byte{0xd8, 0x00, 0xdc, 0x00})},
		{"BMPString fffe", tlv(tagBMPString, []byte{0xff, 0xfe})},
		{"BMPString fdd0", tlv(tagBMPString, []byte{0xfd, 0xd0})},
		{"T61String latin-1", tlv(tagT61String, []byte{'M', 0xfc, 'n', 0xe9})},
		{"NumericString", str(tagNumericString, "12 34")},
		{"NumericString bad", str(tagNumericString, "12a")},
		{"PrintableString bad", str(tagPrintableString, "a@b")},
		{"PrintableString *&", str(tagPrintableString, "*.example&co")},
		{"UTF8String bad", tlv(tagUTF8String, []byte{0xff})},
		{"IA5String bad", tlv(tagIA5String, []byte{'a', 0x80})},
		{"UniversalString", tlv(0x1c, []byte{0, 0, 0, 'a'})},
		{"SEQUENCE value", seq()},
		{"INTEGER value", intEl(1)},
		{"OCTET STRING value", tlv(tagOctetString, []byte("x"))},
		{"context value", tlv(0x80, []byte("x"))},
	} {
		for _, oid := range [][]byte{oidCN, oidEl(2, 5, 4, 12)} {
			add("name "+tt.name+" "+oidString(oid[2:]), func(s *spec) { s.subject = nameEl(rdn(seq(oid, tt.v))) })
		}
	}
	allAttrs := nameEl(
		rdn(atv(oidEl(2, 5, 4, 6), tagPrintableString, "DE")),
		rdn(atv(oidEl(0, 9, 2342, 19200300, 100, 1, 25), tagIA5String, "example")),
		rdn(atv(oidO, tagUTF8String, "org one"), atv(oidCN, tagUTF8String, "multi")),
		rdn(atv(oidEl(2, 5, 4, 8), tagUTF8String, "Bavaria")),
		rdn(atv(oidEl(2, 5, 4, 7), tagUTF8String, "Munich")),
		rdn(atv(oidEl(2, 5, 4, 9), tagUTF8String, "Main St 1")),
		rdn(atv(oidEl(2, 5, 4, 17), tagUTF8String, "80331")),
		rdn(atv(oidOU, tagUTF8String, "ou1"), atv(oidOU, tagUTF8String, "ou2")),
		rdn(atv(oidEl(2, 5, 4, 5), tagPrintableString, "SN1")),
		rdn(atv(oidEl(1, 2, 840, 113549, 1, 9, 1), tagIA5String, "a@example.com")),
		rdn(atv(oidO, tagUTF8String, "org two")),
		rdn(atv(oidCN, tagUTF8String, "last cn")),
		rdn(atv(oidEl(2, 5, 4, 5), tagPrintableString, "SN2")),
		rdn(atv(oidEl(2, 999, 2147483647), tagUTF8String, "big arc")),
		rdn(atv(oidEl(1, 39, 0), tagUTF8String, "1.39")),
		rdn(atv(oidEl(2, 5, 4, 42), tagUTF8String, strings.Repeat("g", 200))),
		rdn(atv(oidEl(2, 5, 4, 43), tagUTF8String, strings.Repeat("h", 70000))),
		rdn(),
	)
	add("name all attributes", func(s *spec) { s.subject, s.issuer = allAttrs, allAttrs })
	add("name empty", func(s *spec) { s.subject, s.issuer = nameEl(), nameEl() })
	add("name empty RDN", func(s *spec) { s.subject = nameEl(rdn()) })
	add("name CN then empty CN", func(s *spec) {
		s.subject = nameEl(rdn(atv(oidCN, tagUTF8String, "first")), rdn(atv(oidCN, tagUTF8String, "")))
	})
	add("name trailing data in attribute", func(s *spec) {
		s.subject = nameEl(rdn(seq(oidCN, str(tagUTF8String, "x"), intEl(5))))
	})
	add("name bad OID", func(s *spec) { s.subject = nameEl(rdn(seq(tlv(tagOID, []byte{0x80, 0x01}), str(tagUTF8String, "x")))) })
	add("name huge OID arc", func(s *spec) {
		s.subject = nameEl(rdn(seq(tlv(tagOID, []byte{0x2a, 0x88, 0x80, 0x80, 0x80, 0x00}), str(tagUTF8String, "x"))))
	})
	add("name max OID arc", func(s *spec) {
		s.subject = nameEl(rdn(seq(tlv(tagOID, []byte{0x2a, 0x87, 0xff, 0xff, 0xff, 0x7f}), str(tagUTF8String, "x"))))
	})
	add("name empty OID", func(s *spec) { s.subject = nameEl(rdn(seq(tlv(tagOID, nil), str(tagUTF8String, "x")))) })
	add("name no value", func(s *spec) { s.subject = nameEl(rdn(seq(oidCN))) })
	add("name not a SET", func(s *spec) { s.subject = nameEl(seq(atv(oidCN, tagUTF8String, "x"))) })
	add("name attribute not a SEQUENCE", func(s *spec) { s.subject = nameEl(rdn(tlv(tagSet, oidCN))) })
	add("name is a SET", func(s *spec) { s.subject = tlv(tagSet, rdn(atv(oidCN, tagUTF8String, "x"))) })

	// Serial numbers.
	for _, serial := range [][]byte{
		{0x00}, {0x01}, {0x7f}, {0x00, 0x80}, {0x00, 0xff}, {0x80}, {0xff}, {0xff, 0x7f}, {0x00, 0x00}, {0x00, 0x7f}, {},
		bytes.Repeat([]byte{0x5a}, 20), append([]byte{0x00}, bytes.Repeat([]byte{0xa5}, 20)...), bytes.Repeat([]byte{0x12}, 40),
		{0x01, 0x00, 0x00}, {0x0f, 0xff},
	} {
		add(fmt.Sprintf("serial %x", serial), func(s *spec) { s.serial = intEl(serial...) })
	}
	add("serial not INTEGER", func(s *spec) { s.serial = tlv(tagOctetString, []byte{1}) })

	// Times.
	for _, tt := range []struct {
		tag  byte
		text string
	}{
		{tagUTCTime, "240101000000Z"}, {tagUTCTime, "4912312359Z"}, {tagUTCTime, "500101000000Z"}, {tagUTCTime, "491231235959Z"},
		{tagUTCTime, "240101000000+0100"}, {tagUTCTime, "240101000000-0530"}, {tagUTCTime, "2401010000Z"}, {tagUTCTime, "24010100000Z"},
		{tagUTCTime, "240101000000"}, {tagUTCTime, "240101000000.5Z"}, {tagUTCTime, "240230000000Z"}, {tagUTCTime, "240101000060Z"},
		{tagUTCTime, "240101000000+0000"}, {tagUTCTime, "240101000000-0000"}, {tagUTCTime, "240101000000+2400"}, {tagUTCTime, ""},
		{tagUTCTime, "000101000000Z"}, {tagUTCTime, "991231235959Z"}, {tagUTCTime, "240101000000z"}, {tagUTCTime, " 40101000000Z"},
		{tagGeneralizedTime, "20240101000000Z"}, {tagGeneralizedTime, "20500101000000Z"}, {tagGeneralizedTime, "19491231235959Z"},
		{tagGeneralizedTime, "20240101000000.123Z"}, {tagGeneralizedTime, "20240101000000+0100"}, {tagGeneralizedTime, "20240101000000+0000"},
		{tagGeneralizedTime, "202401010000Z"}, {tagGeneralizedTime, "00000101000000Z"}, {tagGeneralizedTime, "99991231235959Z"},
		{tagGeneralizedTime, "20240229000000Z"}, {tagGeneralizedTime, "20230229000000Z"}, {tagGeneralizedTime, "2024010100000Z"},
		{tagInteger, "240101000000Z"}, {0x1c, "240101000000Z"},
	} {
		add(fmt.Sprintf("notBefore %#x %q", tt.tag, tt.text), func(s *spec) { s.notBefore = str(tt.tag, tt.text) })
		add(fmt.Sprintf("notAfter %#x %q", tt.tag, tt.text), func(s *spec) { s.notAfter = str(tt.tag, tt.text) })
	}
	add("validity trailing data", func(s *spec) { s.notAfter = slices.Concat(s.notAfter, intEl(1)) })

	// Versions and structure.
	add("version 1 implicit", func(s *spec) { s.version = nil })
	add("version 1 explicit", func(s *spec) { s.version = tlv(ctxTag(0, true), intEl(0)) })
	add("version 1 with extensions", func(s *spec) {
		s.version = nil
		s.exts = [][]byte{extEl(extOID(19), true, seq([]byte{tagBoolean, 1, 0xff}))}
	})
	add("version 2 unique IDs", func(s *spec) {
		s.version = tlv(ctxTag(0, true), intEl(1))
		s.afterSPKI = slices.Concat(bitsEl(0, 1), tlv(0x82, []byte{0, 2}))
		s.exts = [][]byte{extEl(extOID(19), true, seq([]byte{tagBoolean, 1, 0xff}))}
	})
	add("version 3 unique IDs", func(s *spec) { s.afterSPKI = tlv(0x81, []byte{0, 1}) })
	add("version 4", func(s *spec) { s.version = tlv(ctxTag(0, true), intEl(3)) })
	add("version -1", func(s *spec) { s.version = tlv(ctxTag(0, true), intEl(0xff)) })
	add("version huge", func(s *spec) { s.version = tlv(ctxTag(0, true), intEl(1, 0, 0, 0, 0, 0, 0, 0, 2)) })
	add("version trailing", func(s *spec) { s.version = tlv(ctxTag(0, true), intEl(2), intEl(2)) })
	add("version not INTEGER", func(s *spec) { s.version = tlv(ctxTag(0, true), tlv(tagOctetString, []byte{2})) })
	add("tbs trailing data", func(s *spec) { s.tbsTail = intEl(7) })
	add("certificate trailing data inside", func(s *spec) { s.certTail = intEl(7) })
	add("signature padding bits", func(s *spec) { s.signature = bitsEl(3, 0xf8) })
	add("signature bad padding", func(s *spec) { s.signature = bitsEl(3, 0xff) })
	add("signature padding 8", func(s *spec) { s.signature = bitsEl(8, 0x00) })
	add("signature empty", func(s *spec) { s.signature = bitsEl(0) })
	add("signature empty padded", func(s *spec) { s.signature = bitsEl(1) })
	add("signature missing", func(s *spec) { s.signature = nil })
	add("outer algorithm differs", func(s *spec) { s.outerSigAlg = seq(oidEl(1, 2, 840, 113549, 1, 1, 11)) })

	// Signature algorithms.
	sigOIDs := [][]int{
		{1, 2, 840, 113549, 1, 1, 4}, {1, 2, 840, 113549, 1, 1, 5}, {1, 3, 14, 3, 2, 29}, {1, 2, 840, 113549, 1, 1, 11},
		{1, 2, 840, 113549, 1, 1, 12}, {1, 2, 840, 113549, 1, 1, 13}, {1, 2, 840, 10040, 4, 3}, {2, 16, 840, 1, 101, 3, 4, 3, 2},
		{1, 2, 840, 10045, 4, 1}, {1, 2, 840, 10045, 4, 3, 2}, {1, 2, 840, 10045, 4, 3, 3}, {1, 2, 840, 10045, 4, 3, 4},
		{1, 3, 101, 112}, {1, 2, 840, 113549, 1, 1, 2}, {1, 2, 3, 4}, {1, 2, 840, 113549, 1, 1, 10},
	}
	for _, o := range sigOIDs {
		for _, params := range [][]byte{nil, null, intEl(5)} {
			add(fmt.Sprintf("signature %v params %x", o, params), func(s *spec) { s.sigAlg = seq(oidEl(o...), params) })
		}
	}
	add("signature algorithm params trailing", func(s *spec) { s.sigAlg = seq(oidEl(1, 2, 840, 113549, 1, 1, 11), null, null) })
	add("signature algorithm bad params", func(s *spec) { s.sigAlg = seq(oidEl(1, 2, 840, 113549, 1, 1, 11), []byte{0x05}) })
	add("signature algorithm bad OID", func(s *spec) { s.sigAlg = seq(tlv(tagOID, []byte{0x2a, 0x86})) })
	for name, params := range pssParams() {
		add("RSASSA-PSS "+name, func(s *spec) { s.sigAlg = seq(oidEl(1, 2, 840, 113549, 1, 1, 10), params) })
	}

	// Keys.
	p256 := must(k.p256.PublicKey.Bytes()) // uncompressed
	ecSPKI := func(curve []byte, pt []byte) []byte {
		return seq(seq(oidEl(1, 2, 840, 10045, 2, 1), curve), bitsEl(0, pt...))
	}
	curveP256 := oidEl(1, 2, 840, 10045, 3, 1, 7)
	offCurve := slices.Clone(p256)
	offCurve[len(offCurve)-1] ^= 1
	pAsX := slices.Concat([]byte{4}, bytes.Repeat([]byte{0xff}, 64))
	copy(pAsX[1:], elliptic.P256().Params().P.FillBytes(make([]byte, 32)))
	compressed := slices.Concat([]byte{2 + p256[64]&1}, p256[1:33])
	for _, tt := range []struct {
		name string
		spki []byte
	}{
		{"ECDSA P-256", ecSPKI(curveP256, p256)},
		{"ECDSA off curve", ecSPKI(curveP256, offCurve)},
		{"ECDSA x = p", ecSPKI(curveP256, pAsX)},
		{"ECDSA compressed", ecSPKI(curveP256, compressed)},
		{"ECDSA infinity", ecSPKI(curveP256, []byte{0})},
		{"ECDSA short", ecSPKI(curveP256, p256[:64])},
		{"ECDSA empty", ecSPKI(curveP256, nil)},
		{"ECDSA secp256k1", ecSPKI(oidEl(1, 3, 132, 0, 10), p256)},
		{"ECDSA no parameters", ecSPKI(nil, p256)},
		{"ECDSA P-384 curve, P-256 point", ecSPKI(oidEl(1, 3, 132, 0, 34), p256)},
		{"ECDSA parameters trailing", ecSPKI(slices.Concat(curveP256, null), p256)},
		{"RSA no NULL", seq(seq(oidEl(1, 2, 840, 113549, 1, 1, 1)), bitsEl(0, seq(intEl(0x00, 0xc1, 0x01), intEl(3))...))},
		{"RSA small", seq(seq(oidEl(1, 2, 840, 113549, 1, 1, 1), null), bitsEl(0, seq(intEl(0x00, 0xc1, 0x01), intEl(3))...))},
		{"RSA modulus zero", seq(seq(oidEl(1, 2, 840, 113549, 1, 1, 1), null), bitsEl(0, seq(intEl(0), intEl(3))...))},
		{"RSA modulus negative", seq(seq(oidEl(1, 2, 840, 113549, 1, 1, 1), null), bitsEl(0, seq(intEl(0x81), intEl(3))...))},
		{"RSA exponent zero", seq(seq(oidEl(1, 2, 840, 113549, 1, 1, 1), null), bitsEl(0, seq(intEl(0x05), intEl(0))...))},
		{"RSA exponent huge", seq(seq(oidEl(1, 2, 840, 113549, 1, 1, 1), null), bitsEl(0, seq(intEl(0x05), intEl(1, 0, 0, 0, 0, 0, 0, 0, 0))...))},
		{"RSA modulus not minimal", seq(seq(oidEl(1, 2, 840, 113549, 1, 1, 1), null), bitsEl(0, seq(intEl(0, 0x05), intEl(3))...))},
		{"RSA key trailing", seq(seq(oidEl(1, 2, 840, 113549, 1, 1, 1), null), bitsEl(0, slices.Concat(seq(intEl(0x05), intEl(3), intEl(9)), null)...))},
		{"RSA key padded bits", seq(seq(oidEl(1, 2, 840, 113549, 1, 1, 1), null), bitsEl(4, 0x03, 0x00, 0x60, 0x20, 0x50, 0x20, 0x30, 0x10))},
		{"Ed25519", testKeys().spkiEd},
		{"Ed25519 with params", seq(seq(oidEl(1, 3, 101, 112), null), bitsEl(0, make([]byte, 32)...))},
		{"Ed25519 short", seq(seq(oidEl(1, 3, 101, 112)), bitsEl(0, make([]byte, 31)...))},
		{"X25519", must(x509.MarshalPKIXPublicKey(k.x25519.PublicKey()))},
		{"X25519 with params", seq(seq(oidEl(1, 3, 101, 110), null), bitsEl(0, make([]byte, 32)...))},
		{"X25519 short", seq(seq(oidEl(1, 3, 101, 110)), bitsEl(0, make([]byte, 31)...))},
		{"DSA", seq(seq(oidEl(1, 2, 840, 10040, 4, 1), seq(intEl(0x17), intEl(0x0b), intEl(0x02))), bitsEl(0, intEl(0x05)...))},
		{"DSA zero", seq(seq(oidEl(1, 2, 840, 10040, 4, 1), seq(intEl(0x17), intEl(0), intEl(0x02))), bitsEl(0, intEl(0x05)...))},
		{"DSA no params", seq(seq(oidEl(1, 2, 840, 10040, 4, 1)), bitsEl(0, intEl(0x05)...))},
		{"DSA bad key", seq(seq(oidEl(1, 2, 840, 10040, 4, 1), seq(intEl(0x17), intEl(0x0b), intEl(0x02))), bitsEl(0, 0x05))},
		{"unknown algorithm", seq(seq(oidEl(1, 2, 3, 4, 5)), bitsEl(0, 1, 2, 3))},
		{"unknown algorithm bad key bits", seq(seq(oidEl(1, 2, 3, 4, 5)), bitsEl(2, 0xff))},
		{"no key", seq(seq(oidEl(1, 2, 3, 4, 5)))},
		{"key not BIT STRING", seq(seq(oidEl(1, 2, 3, 4, 5)), tlv(tagOctetString, []byte{1}))},
		{"SPKI trailing", seq(seq(oidEl(1, 3, 101, 112)), bitsEl(0, make([]byte, 32)...), null)},
	} {
		add("key "+tt.name, func(s *spec) { s.spki = tt.spki })
	}

	// Extensions.
	bc := func(parts ...[]byte) []byte { return extEl(extOID(19), true, seq(parts...)) }
	yes := []byte{tagBoolean, 1, 0xff}
	no := []byte{tagBoolean, 1, 0}
	san := func(names ...[]byte) []byte { return extEl(extOID(17), false, seq(names...)) }
	exts := map[string][][]byte{
		"none":                              {},
		"BC CA":                             {bc(yes)},
		"BC CA pathlen 0":                   {bc(yes, intEl(0))},
		"BC CA pathlen max":                 {bc(yes, intEl(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))},
		"BC CA pathlen too big":             {bc(yes, intEl(0x00, 0x80, 0, 0, 0, 0, 0, 0, 0))},
		"BC CA pathlen negative":            {bc(yes, intEl(0xff))},
		"BC not CA":                         {bc()},
		"BC explicit false":                 {bc(no)},
		"BC bad boolean":                    {bc([]byte{tagBoolean, 1, 1})},
		"BC long boolean":                   {bc([]byte{tagBoolean, 2, 0xff, 0xff})},
		"BC trailing":                       {bc(yes, intEl(1), null)},
		"BC not SEQUENCE":                   {extEl(extOID(19), true, yes)},
		"KU cert sign":                      {extEl(extOID(15), true, bitsEl(2, 0x04))},
		"KU digital signature":              {extEl(extOID(15), true, bitsEl(7, 0x80))},
		"KU decipher only":                  {extEl(extOID(15), true, bitsEl(7, 0x00, 0x80))},
		"KU empty":                          {extEl(extOID(15), true, bitsEl(0))},
		"KU bad":                            {extEl(extOID(15), true, bitsEl(1, 0x01))},
		"SKI AKI":                           {extEl(extOID(14), false, tlv(tagOctetString, []byte{1, 2})), extEl(extOID(35), false, seq(tlv(0x80, []byte{3, 4})))},
		"SKI critical":                      {extEl(extOID(14), true, tlv(tagOctetString, []byte{1, 2}))},
		"SKI empty":                         {extEl(extOID(14), false, tlv(tagOctetString, nil))},
		"SKI not OCTET STRING":              {extEl(extOID(14), false, intEl(1))},
		"AKI critical":                      {extEl(extOID(35), true, seq(tlv(0x80, []byte{3, 4})))},
		"AKI issuer and serial":             {extEl(extOID(35), false, seq(tlv(0xa1, tlv(0xa4, cnName("x"))), tlv(0x82, []byte{1})))},
		"AKI empty":                         {extEl(extOID(35), false, seq())},
		"AKI bad":                           {extEl(extOID(35), false, tlv(tagOctetString, nil))},
		"duplicate":                         {bc(yes), bc(yes)},
		"unknown critical":                  {extEl(oidEl(1, 2, 3, 4), true, []byte("anything"))},
		"critical false explicit":           {seq(extOID(19), no, tlv(tagOctetString, seq(yes)))},
		"critical bad":                      {seq(extOID(19), []byte{tagBoolean, 1, 7}, tlv(tagOctetString, seq(yes)))},
		"extension no value":                {seq(extOID(19))},
		"extension bad OID":                 {seq(tlv(tagOID, []byte{0xff}), tlv(tagOctetString, nil))},
		"extension trailing":                {seq(extOID(19), tlv(tagOctetString, seq(yes)), null)},
		"extension value trailing":          {extEl(extOID(19), false, slices.Concat(seq(yes), null))},
		"EKU":                               {extEl(extOID(37), false, seq(oidEl(1, 3, 6, 1, 5, 5, 7, 3, 1), oidEl(1, 2, 3)))},
		"EKU bad":                           {extEl(extOID(37), false, seq(intEl(1)))},
		"policies":                          {extEl(extOID(32), false, seq(seq(oidEl(2, 5, 29, 32, 0)), seq(tlv(tagOID, []byte{0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}))))},
		"policies duplicate":                {extEl(extOID(32), false, seq(seq(oidEl(1, 2)), seq(oidEl(1, 2))))},
		"policies bad OID":                  {extEl(extOID(32), false, seq(seq(tlv(tagOID, []byte{0x2a, 0x80, 0x01}))))},
		"policies truncated OID":            {extEl(extOID(32), false, seq(seq(tlv(tagOID, []byte{0x2a, 0x81}))))},
		"policies empty OID":                {extEl(extOID(32), false, seq(seq(tlv(tagOID, nil))))},
		"policy mappings":                   {extEl(extOID(33), false, seq(seq(oidEl(1, 2), oidEl(1, 3))))},
		"policy mappings bad":               {extEl(extOID(33), false, seq(seq(oidEl(1, 2))))},
		"inhibit any policy":                {extEl(extOID(54), false, intEl(1))},
		"inhibit any policy bad":            {extEl(extOID(54), false, intEl(0, 1))},
		"policy constraints":                {extEl(extOID(36), false, seq(tlv(0x80, []byte{1}), tlv(0x81, []byte{2})))},
		"policy constraints bad":            {extEl(extOID(36), false, seq(tlv(0x80, []byte{0, 1})))},
		"CRL DP":                            {extEl(extOID(31), false, seq(seq(tlv(0xa0, tlv(0xa0, str(0x86, "http://crl"), str(0x82, "x"))))))},
		"CRL DP relative name":              {extEl(extOID(31), false, seq(seq(tlv(0xa0, tlv(0xa1, atv(oidCN, tagUTF8String, "x"))))))},
		"CRL DP empty":                      {extEl(extOID(31), false, seq(seq()))},
		"CRL DP bad":                        {extEl(extOID(31), false, seq(intEl(1)))},
		"AIA":                               {extEl(oidEl(1, 3, 6, 1, 5, 5, 7, 1, 1), false, seq(seq(oidEl(1, 3, 6, 1, 5, 5, 7, 48, 1), str(0x86, "http://ocsp")), seq(oidEl(1, 2), str(0x82, "x"))))},
		"AIA critical":                      {extEl(oidEl(1, 3, 6, 1, 5, 5, 7, 1, 1), true, seq())},
		"AIA bad":                           {extEl(oidEl(1, 3, 6, 1, 5, 5, 7, 1, 1), false, seq(seq(intEl(1))))},
		"SAN all kinds":                     {san(str(0x82, "example.com"), str(0x82, "*.example.com"), str(0x81, "a@example.com"), tlv(0x87, []byte{10, 0, 0, 1}), tlv(0x87, net.ParseIP("2001:db8::1")), str(0x86, "spiffe://cluster.local/ns/a/sa/b"), tlv(0xa0, oidEl(1, 2, 3), tlv(0xa0, str(tagUTF8String, "other"))), tlv(0xa4, cnName("dir")), tlv(0x88, oidEl(1, 2, 3)))},
		"SAN IPs":                           {san(tlv(0x87, net.ParseIP("::ffff:1.2.3.4")), tlv(0x87, net.ParseIP("::")), tlv(0x87, net.ParseIP("1:0:0:1:0:0:0:1")), tlv(0x87, net.ParseIP("1:0:0:0:1:0:0:0")), tlv(0x87, net.ParseIP("0:0:1::")), tlv(0x87, net.ParseIP("::1:0:0:0:0:0:0")), tlv(0x87, net.ParseIP("fe80::abcd:1")), tlv(0x87, net.ParseIP("1:2:3:4:5:6:7:8")), tlv(0x87, make([]byte, 16)), tlv(0x87, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 1, 2, 3, 4}))},
		"SAN IP length 5":                   {san(tlv(0x87, []byte{1, 2, 3, 4, 5}))},
		"SAN IP length 0":                   {san(tlv(0x87, nil))},
		"SAN empty":                         {san()},
		"SAN empty DNS":                     {san(str(0x82, ""))},
		"SAN DNS non-ASCII":                 {san(str(0x82, "é.example"))},
		"SAN email non-ASCII":               {san(str(0x81, "é@example"))},
		"SAN URI non-ASCII":                 {san(str(0x86, "http://é.example/"))},
		"SAN constructed DNS":               {san(tlv(0xa2, str(tagIA5String, "x")))},
		"SAN universal tag":                 {san(str(0x02, "x"))},
		"SAN not SEQUENCE":                  {extEl(extOID(17), false, tlv(tagSet))},
		"SAN bad element":                   {extEl(extOID(17), false, seq([]byte{0x82, 0x05, 'a'}))},
		"name constraints":                  {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x82, ".example.com")), seq(str(0x82, "example.org")), seq(tlv(0x87, []byte{10, 0, 0, 0, 255, 0, 0, 0})), seq(str(0x81, "example.com")), seq(str(0x81, ".example.com")), seq(str(0x81, "a@example.com")), seq(str(0x86, "example.com")), seq(str(0x86, ".example.com")), seq(tlv(0xa4, cnName("x")))), tlv(0xa1, seq(str(0x82, "bad.example.com")))))},
		"name constraints empty":            {extEl(extOID(30), true, seq())},
		"name constraints empty [0]":        {extEl(extOID(30), true, seq(tlv(0xa0)))},
		"name constraints trailing":         {extEl(extOID(30), true, slices.Concat(seq(tlv(0xa0, seq(str(0x82, "x")))), null))},
		"name constraints inner trailing":   {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x82, "x"))), null))},
		"name constraints bad DNS":          {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x82, "a..b")))))},
		"name constraints DNS dot":          {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x82, ".")))))},
		"name constraints empty DNS":        {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x82, "")))))},
		"name constraints DNS space":        {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x82, "a b")))))},
		"name constraints non-ASCII":        {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x82, "é")))))},
		"name constraints IP length":        {extEl(extOID(30), true, seq(tlv(0xa0, seq(tlv(0x87, []byte{10, 0, 0, 0})))))},
		"name constraints IP mask":          {extEl(extOID(30), true, seq(tlv(0xa0, seq(tlv(0x87, []byte{10, 0, 0, 0, 255, 0, 255, 0})))))},
		"name constraints IPv6":             {extEl(extOID(30), true, seq(tlv(0xa0, seq(tlv(0x87, slices.Concat(net.ParseIP("2001:db8::"), bytes.Repeat([]byte{0xff}, 4), []byte{0xfe}, make([]byte, 11)))))))},
		"name constraints URI IP":           {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x86, "10.0.0.1")))))},
		"name constraints URI IPv6":         {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x86, "::1")))))},
		"name constraints URI zone":         {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x86, "fe80::1%eth0")))))},
		"name constraints URI bad":          {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x86, "a..b")))))},
		"name constraints email bad domain": {extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x81, "a..b")))))},
		"name constraints bad subtree":      {extEl(extOID(30), true, seq(tlv(0xa0, intEl(1))))},
	}
	for _, u := range testURIs {
		exts["SAN URI "+u] = [][]byte{san(str(0x86, u))}
	}
	for name, e := range exts {
		add("extensions "+name, func(s *spec) { s.exts = e })
	}
	add("extensions empty [3]", func(s *spec) { s.afterSPKI = tlv(ctxTag(3, true)) })
	add("extensions [3] not SEQUENCE", func(s *spec) { s.afterSPKI = tlv(ctxTag(3, true), tlv(tagSet)) })
	add("extensions [3] trailing", func(s *spec) { s.afterSPKI = tlv(ctxTag(3, true), seq(), null) })
	add("extensions element not SEQUENCE", func(s *spec) { s.afterSPKI = tlv(ctxTag(3, true), seq(null)) })
	return out
}

// testURIs are URIs for SANs: url.Parse and URL.String have many cases.
var testURIs = []string{
	"spiffe://cluster.local/ns/default/sa/x", "HTTPS://Example.COM/a%20b", "http://[::1]:80/", "http://[fe80::1%25en0]/",
	"http://[fe80::1%25%65n0]/", "http://[fe80::1%25]/", "http://[1.2.3.4]/", "http://[::ffff:1.2.3.4]/", "http://a:b:c/",
	"https://a:1:2/", "foo://a:1:2/", "foo://a:b/", "mailto:user@example.com", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
	"/relative/path", "rel:colon", "a/b:c", "b:c/d", "./a:b", "*", "", "http://user:p%40ss@host/", "http://us er@host/",
	"http://user@pass@host/", "http://us%zzer@host/", "http://host/%zz", "http://host/a%2fb", "http://host/a%2Fb%20c",
	"http://host/?q#frag%20x", "http://host/#", "http://host/#a#b", "http://example.com./", "http://a..b/",
	"http://%c3%a9.com/", "http://h%41/", "http://h%25/", "//host/path", "///path", "http:/path", "http:", "HTTP:opaque?x#y",
	"a?b?", "?", "#", "#frag", "http://host:port/", "http://[::1]x/", "http://[::1/", "http://a[b]/", "x://[v1.fe]/",
	"file:///etc/passwd", "ldap://[2001:db8::7]/c=GB?objectClass?one", "http://127.0.0.1:8080", "http://-/",
	"http://a b/", "http://a\x01b/", "http://a\x7fb/", "http://[::1]:8o/", "http://h/é", "http://h/a b", "http://h/a?b c",
	"http://h/p#f g", "http://h/p#%zz", "http://h/%e9", "http://h/<>\"{}|\\^`", "http://h:/", "http://:80/", "http://@h/",
	"http://:@h/", "http://u:@h/", "1http://h/", "+x:y", "x+y.z-w:q", "HTTP://[FE80::1%25EN0]:8443/Path?Q#F",
	"s3://bucket/key with space", "http://h?", "http://h/?", "x:?", "x:/?#", "tel:+1-201-555-0123", "data:,hello",
	"http://[::1%25eth0]", "http://[fe80::1%25eth%250]/", "http://[::1]]/", "http://[[::1]/", "http://h/%2", "http://h/%",
	"http://a.b.c.d.e.f.g/", "http://.a/", "http://a./", "http://a:/", "http://%2e/", "http://h/*", "x:*", "/*", "//",
	"http://[0:0:0:0:0:0:0:0:0]/", "http://[::1.2.3.4]/", "http://[1::2::3]/", "http://[::01.2.3.4]/", "http://[12345::]/",
}

// pssParams are RSASSA-PSS parameters, well and badly formed.
func pssParams() map[string][]byte {
	hash := func(o ...int) []byte { return seq(oidEl(o...), null) }
	sha256 := []int{2, 16, 840, 1, 101, 3, 4, 2, 1}
	sha384 := []int{2, 16, 840, 1, 101, 3, 4, 2, 2}
	sha512 := []int{2, 16, 840, 1, 101, 3, 4, 2, 3}
	mgf1 := []int{1, 2, 840, 113549, 1, 1, 8}
	pss := func(h []int, mgfHash []byte, salt byte, extra ...[]byte) []byte {
		return seq(slices.Concat([][]byte{
			tlv(0xa0, hash(h...)),
			tlv(0xa1, seq(oidEl(mgf1...), mgfHash)),
			tlv(0xa2, intEl(salt)),
		}, extra)...)
	}
	return map[string][]byte{
		"SHA256":                 pss(sha256, hash(sha256...), 32),
		"SHA384":                 pss(sha384, hash(sha384...), 48),
		"SHA512":                 pss(sha512, hash(sha512...), 64),
		"SHA256 salt 20":         pss(sha256, hash(sha256...), 20),
		"SHA256 MGF SHA384":      pss(sha256, hash(sha384...), 32),
		"SHA256 MGF no params":   pss(sha256, seq(oidEl(sha256...)), 32),
		"SHA256 MGF int params":  pss(sha256, seq(oidEl(sha256...), intEl(1)), 32),
		"SHA256 no MGF hash":     pss(sha256, nil, 32),
		"SHA256 trailer 1":       pss(sha256, hash(sha256...), 32, tlv(0xa3, intEl(1))),
		"SHA256 trailer 2":       pss(sha256, hash(sha256...), 32, tlv(0xa3, intEl(2))),
		"SHA256 trailer odd tag": pss(sha256, hash(sha256...), 32, tlv(0xa3, tlv(tagOctetString, []byte{2}))),
		"SHA256 trailer empty":   pss(sha256, hash(sha256...), 32, tlv(0xa3)),
		"SHA256 trailer [4]":     pss(sha256, hash(sha256...), 32, tlv(0xa4, intEl(2))),
		"SHA256 NULL after":      pss(sha256, hash(sha256...), 32, null),
		"SHA256 extra fields":    pss(sha256, hash(sha256...), 32, tlv(0xa3, intEl(1)), null, null),
		"SHA256 hash no params": seq(tlv(0xa0, seq(oidEl(sha256...))), tlv(0xa1, seq(oidEl(mgf1...), seq(oidEl(sha256...)))),
			tlv(0xa2, intEl(32))),
		"SHA256 hash int params": seq(tlv(0xa0, seq(oidEl(sha256...), intEl(0))), tlv(0xa1, seq(oidEl(mgf1...), hash(sha256...))),
			tlv(0xa2, intEl(32))),
		"SHA256 salt missing":  seq(tlv(0xa0, hash(sha256...)), tlv(0xa1, seq(oidEl(mgf1...), hash(sha256...)))),
		"SHA256 salt big":      seq(tlv(0xa0, hash(sha256...)), tlv(0xa1, seq(oidEl(mgf1...), hash(sha256...))), tlv(0xa2, intEl(1, 0, 0, 0, 0, 0, 0, 0, 32))),
		"SHA256 salt 0020":     seq(tlv(0xa0, hash(sha256...)), tlv(0xa1, seq(oidEl(mgf1...), hash(sha256...))), tlv(0xa2, intEl(0, 32))),
		"SHA256 salt octets":   seq(tlv(0xa0, hash(sha256...)), tlv(0xa1, seq(oidEl(mgf1...), hash(sha256...))), tlv(0xa2, tlv(tagOctetString, []byte{32}))),
		"SHA256 MGF OID other": seq(tlv(0xa0, hash(sha256...)), tlv(0xa1, seq(oidEl(1, 2, 3), hash(sha256...))), tlv(0xa2, intEl(32))),
		"SHA256 explicit short": seq([]byte{0xa0, 0x01}, hash(sha256...), tlv(0xa1, seq(oidEl(mgf1...), hash(sha256...))),
			tlv(0xa2, intEl(32))),
		"SHA256 explicit primitive": seq(tlv(0x80, hash(sha256...)), tlv(0xa1, seq(oidEl(mgf1...), hash(sha256...))), tlv(0xa2, intEl(32))),
		"SHA256 explicit empty":     seq(tlv(0xa0), tlv(0xa1, seq(oidEl(mgf1...), hash(sha256...))), tlv(0xa2, intEl(32))),
		"SHA256 high tag":           seq([]byte{0xbf, 0x1f, 0x0f}, hash(sha256...), tlv(0xa1, seq(oidEl(mgf1...), hash(sha256...))), tlv(0xa2, intEl(32))),
		"SHA256 trailing after":     slices.Concat(pss(sha256, hash(sha256...), 32), null),
		"not a SEQUENCE":            tlv(tagSet),
		"empty SEQUENCE":            seq(),
		"NULL":                      null,
		"long form length":          append([]byte{0x30, 0x81, 0x05}, null...),
	}
}

// generated are certificates made by x509.CreateCertificate with every
// kind of key, CA and leaf, with and without SANs.
var generated = sync.OnceValue(func() []testCert {
	k := testKeys()
	signers := []struct {
		name string
		key  crypto.Signer
	}{
		{"RSA-2048", k.rsa2048}, {"RSA-4096", k.rsa4096}, {"P-224", k.p224}, {"P-256", k.p256},
		{"P-384", k.p384}, {"P-521", k.p521}, {"Ed25519", k.ed},
	}
	spiffe, _ := url.Parse("spiffe://cluster.local/ns/kube-system/sa/x")
	odd, _ := url.Parse("HTTP://User:P%40ss@Example.com:8443/a%2Fb?q=1#frag ment")
	var out []testCert
	for i, s := range signers {
		ca := &x509.Certificate{
			SerialNumber: big.NewInt(int64(i)),
			Subject: pkix.Name{
				CommonName: `#ca, "one" + \two `, Organization: []string{"o1", "o2"}, OrganizationalUnit: []string{"ou"},
				Country: []string{"DE"}, Province: []string{"BY"}, Locality: []string{"München"}, StreetAddress: []string{"a;b"},
				PostalCode: []string{"80331"}, SerialNumber: "42",
				ExtraNames: []pkix.AttributeTypeAndValue{
					{Type: asn1.ObjectIdentifier{2, 5, 4, 12}, Value: "title"},
					{Type: asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}, Value: "dc"},
					{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "extra cn"},
					{Type: asn1.ObjectIdentifier{2, 5, 4, 42}, Value: asn1.RawValue{Tag: asn1.TagBMPString, Bytes: []byte{0, 'G', 0, 0xfc}}},
					{Type: asn1.ObjectIdentifier{2, 5, 4, 4}, Value: asn1.RawValue{Tag: asn1.TagT61String, Bytes: []byte{'S', 0xe9}}},
				},
			},
			NotBefore:             time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter:              time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC),
			IsCA:                  true,
			BasicConstraintsValid: true,
			MaxPathLen:            2,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			PermittedDNSDomains:   []string{".cluster.local"},
			ExcludedIPRanges:      []*net.IPNet{{IP: net.IP{10, 0, 0, 0}, Mask: net.CIDRMask(8, 32)}},
			CRLDistributionPoints: []string{"http://crl.example/ca.crl"},
			OCSPServer:            []string{"http://ocsp.example"},
			PolicyIdentifiers:     []asn1.ObjectIdentifier{{2, 5, 29, 32, 0}},
		}
		caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, s.key.Public(), s.key)
		if err != nil {
			panic(err)
		}
		out = append(out, testCert{"generated CA " + s.name, caDER})
		caCert, _ := x509.ParseCertificate(caDER)
		for j, l := range signers {
			leaf := &x509.Certificate{
				SerialNumber:       new(big.Int).SetBytes(bytes.Repeat([]byte{0x7f, 0xee}, 10)),
				Subject:            pkix.Name{CommonName: "leaf " + l.name, Organization: []string{"system:nodes"}},
				NotBefore:          time.Date(2024, 2, 29, 23, 59, 59, 0, time.FixedZone("x", -3600)),
				NotAfter:           time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC),
				KeyUsage:           x509.KeyUsageDigitalSignature,
				ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
				UnknownExtKeyUsage: []asn1.ObjectIdentifier{{1, 2, 3}},
			}
			if j%2 == 0 {
				leaf.DNSNames = []string{"localhost", "*.svc.cluster.local"}
				leaf.IPAddresses = []net.IP{net.ParseIP("10.96.0.1"), net.ParseIP("fd00::1"), net.ParseIP("::ffff:192.168.1.1")}
				leaf.EmailAddresses = []string{"ops@example.com"}
				leaf.URIs = []*url.URL{spiffe, odd}
			}
			if j == 3 {
				leaf.SerialNumber = big.NewInt(0)
			}
			der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, l.key.Public(), s.key)
			if err != nil {
				panic(err)
			}
			out = append(out, testCert{"generated " + l.name + " leaf of " + s.name, der})
		}
	}
	// Each signature algorithm x509 makes.
	for _, alg := range []x509.SignatureAlgorithm{
		x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA, x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS,
		x509.SHA512WithRSAPSS, x509.SHA1WithRSA,
	} {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), SignatureAlgorithm: alg, NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1e9, 0)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.rsa2048.Public(), k.rsa2048)
		if err != nil {
			panic(err)
		}
		out = append(out, testCert{"generated " + alg.String(), der})
	}
	for _, alg := range []x509.SignatureAlgorithm{x509.ECDSAWithSHA1, x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512} {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), SignatureAlgorithm: alg, NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1e9, 0)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.p384.Public(), k.p384)
		if err != nil {
			panic(err)
		}
		out = append(out, testCert{"generated " + alg.String(), der})
	}
	// A multi-valued RDN, issued by an Ed25519 CA. (x509 cannot make a
	// certificate for an X25519 key: handBuilt has one.)
	raw, err := asn1.Marshal(pkix.RDNSequence{
		{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "multi"}, {Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: "valued"}},
		{{Type: asn1.ObjectIdentifier{2, 5, 4, 11}, Value: "x+y"}},
	})
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), RawSubject: raw, NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1e9, 0)}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(8), Subject: pkix.Name{CommonName: "ed ca"}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caTmpl, k.p256.Public(), k.ed)
	if err != nil {
		panic(err)
	}
	out = append(out, testCert{"generated multi-valued RDN", der})
	return out
})

// fixtureCerts are the certificates of the node specs: PEM files and the
// base64 data of kubeconfigs.
func fixtureCerts(t testing.TB) []testCert {
	t.Helper()
	var out []testCert
	kubeconfig := regexp.MustCompile(`(?m)^\s*(?:client-certificate-data|certificate-authority-data):\s*(\S+)`)
	pems := func(name string, data []byte) {
		for i := 0; ; i++ {
			var b *pem.Block
			b, data = pem.Decode(data)
			if b == nil {
				return
			}
			if b.Type == "CERTIFICATE" {
				out = append(out, testCert{fmt.Sprintf("%s #%d", name, i), b.Bytes})
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(specsDir, "*", "files"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range files {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			pems(p, data)
			for _, m := range kubeconfig.FindAllSubmatch(data, -1) {
				if dec, err := base64.StdEncoding.DecodeString(string(m[1])); err == nil {
					pems(p+" kubeconfig", dec)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestX509Differential reads every test certificate with x509.go and with
// crypto/x509, and wants the same answer.
func TestX509Differential(t *testing.T) {
	fixtures := fixtureCerts(t)
	if len(fixtures) < 60 {
		t.Fatalf("only %d certificates in the fixtures: the glob or the kubeconfig pattern is wrong", len(fixtures))
	}
	var kubeconfigs int
	for _, c := range fixtures {
		if strings.Contains(c.name, " kubeconfig #") {
			kubeconfigs++
		}
	}
	if kubeconfigs == 0 {
		t.Fatal("no certificate from a kubeconfig")
	}
	pki := pkiChain()
	sets := []struct {
		name  string
		certs []testCert
	}{
		{"fixtures", fixtures},
		{"generated", generated()},
		{"hand-built", handBuilt()},
		{"pki_test", []testCert{{"root", pki.root.der}, {"inter", pki.inter.der}, {"leaf", pki.leaf.der}}},
	}
	for _, set := range sets {
		var accepted, rejected int
		for _, c := range set.certs {
			if d := differ(c.der); d != "" {
				t.Errorf("%s: %s", c.name, d)
			}
			if _, err := x509.ParseCertificate(c.der); err == nil {
				accepted++
			} else {
				rejected++
			}
		}
		t.Logf("%s: %d certificates, %d accepted, %d rejected by x509", set.name, len(set.certs), accepted, rejected)
	}
	for _, c := range fixtures {
		if _, err := parseCertificate(c.der); err != nil {
			t.Errorf("fixture %s: %v", c.name, err)
		}
	}
}

// TestX509Mutations changes every octet of a few certificates in a few
// ways: the two readers must agree on each result.
func TestX509Mutations(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: thousands of certificate parses")
	}
	gen := generated()
	seeds := []testCert{gen[1], gen[len(gen)-1], gen[9], fixtureCerts(t)[0]}
	for _, c := range handBuilt() {
		switch c.name {
		case "extensions SAN all kinds", "extensions name constraints", "RSASSA-PSS SHA256",
			"extensions SAN IPs", "key DSA", `name "a,b" tag 0xc`:
			seeds = append(seeds, c)
		}
	}
	if len(seeds) != 10 {
		t.Fatalf("%d seeds, want 10", len(seeds))
	}
	n := 0
	for _, seed := range seeds {
		for i := range seed.der {
			for _, f := range []func(byte) byte{
				func(b byte) byte { return b ^ 0x01 }, func(b byte) byte { return b ^ 0x80 },
				func(b byte) byte { return b + 1 }, func(byte) byte { return 0 }, func(byte) byte { return 0xff },
			} {
				der := slices.Clone(seed.der)
				der[i] = f(der[i])
				n++
				if d := differ(der); d != "" {
					t.Errorf("%s, octet %d %#x→%#x: %s", seed.name, i, seed.der[i], der[i], d)
				}
			}
		}
	}
	t.Logf("%d mutations of %d certificates", n, len(seeds))
}

func TestSANURI(t *testing.T) {
	for _, s := range testURIs {
		want, werr := url.Parse(s)
		got, gerr := sanURI(s)
		if werr != nil {
			if gerr == nil {
				t.Errorf("%q: url.Parse: %v; sanURI = %q", s, werr, got)
			}
			continue
		}
		if gerr != nil {
			// x509 also wants ASCII and checks the host.
			if !strings.Contains(gerr.Error(), "invalid domain") && !strings.Contains(gerr.Error(), "malformed") {
				t.Errorf("%q: url.Parse = %q; sanURI: %v", s, want, gerr)
			}
			continue
		}
		if got != want.String() {
			t.Errorf("%q: url.Parse gives %q, sanURI %q", s, want.String(), got)
		}
	}
}

func TestOIDs(t *testing.T) {
	for _, tt := range []struct {
		got  []byte
		want asn1.ObjectIdentifier
	}{
		{oidRSA, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}},
		{oidDSA, asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}},
		{oidECDSA, asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}},
		{oidEd25519, asn1.ObjectIdentifier{1, 3, 101, 112}},
		{oidX25519, asn1.ObjectIdentifier{1, 3, 101, 110}},
		{oidRSAPSS, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}},
		{oidMGF1, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}},
		{oidSHA256, asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}},
		{oidSHA384, asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}},
		{oidSHA512, asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}},
		{oidAuthorityInfo, asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}},
		{curves[0].oid, asn1.ObjectIdentifier{1, 3, 132, 0, 33}},
		{curves[1].oid, asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}},
		{curves[2].oid, asn1.ObjectIdentifier{1, 3, 132, 0, 34}},
		{curves[3].oid, asn1.ObjectIdentifier{1, 3, 132, 0, 35}},
	} {
		if want := oidEl(tt.want...)[2:]; !bytes.Equal(tt.got, want) {
			t.Errorf("%v: % x, want % x", tt.want, tt.got, want)
		}
		if s := oidString(tt.got); s != tt.want.String() {
			t.Errorf("oidString(% x) = %s, want %s", tt.got, s, tt.want)
		}
	}
	for i, e := range []elliptic.Curve{elliptic.P224(), elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		p, b := e.Params().P, e.Params().B
		if cp, _ := new(big.Int).SetString(curves[i].p, 16); cp.Cmp(p) != 0 {
			t.Errorf("%s: p %x", e.Params().Name, cp)
		}
		if cb, _ := new(big.Int).SetString(curves[i].b, 16); cb.Cmp(b) != 0 {
			t.Errorf("%s: b %x", e.Params().Name, cb)
		}
		if curves[i].bits != e.Params().BitSize {
			t.Errorf("%s: %d bits", e.Params().Name, curves[i].bits)
		}
	}
}

// TestValidPoint checks the curve arithmetic on random points and their
// neighbours against crypto/elliptic.
func TestValidPoint(t *testing.T) {
	for i, e := range []elliptic.Curve{elliptic.P224(), elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		size := (e.Params().BitSize + 7) / 8
		for n := 0; n < 50; n++ {
			_, x, y, err := elliptic.GenerateKey(e, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			for _, dy := range []int64{0, 1, -1} {
				yy := new(big.Int).Add(y, big.NewInt(dy))
				if yy.Sign() < 0 || yy.BitLen() > e.Params().BitSize {
					continue
				}
				pt := slices.Concat([]byte{4}, x.FillBytes(make([]byte, size)), yy.FillBytes(make([]byte, size)))
				if got, want := curves[i].validPoint(pt), e.IsOnCurve(x, yy); got != want {
					t.Errorf("%s: validPoint(%x, %x) = %v", e.Params().Name, x, yy, got)
				}
			}
		}
	}
}

// TestX509Deliberate pins the differences the package comment of x509.go
// lists, which differ lets through.
func TestX509Deliberate(t *testing.T) {
	x25519 := build(func(s *spec) { s.spki = must(x509.MarshalPKIXPublicKey(testKeys().x25519.PublicKey())) })
	want, _, err := x509Metadata(x25519)
	if err != nil || want.KeyAlgorithm != "0" || want.KeySize != 0 {
		t.Errorf("x509 on an X25519 key: %q %d %v", want.KeyAlgorithm, want.KeySize, err)
	}
	c, err := parseCertificate(x25519)
	if err != nil || c.keyAlgorithm != "X25519" || c.keySize != 256 {
		t.Errorf("x509.go on an X25519 key: %v", err)
	}

	mailbox := build(func(s *spec) {
		s.exts = [][]byte{extEl(extOID(30), true, seq(tlv(0xa0, seq(str(0x81, "a..b@example.com")))))}
	})
	if _, err := x509.ParseCertificate(mailbox); err == nil || !lenient(err) {
		t.Errorf("x509 on a bad mailbox constraint: %v", err)
	}
	if _, err := parseCertificate(mailbox); err != nil {
		t.Errorf("x509.go on a bad mailbox constraint: %v", err)
	}
}

// FuzzX509Differential reads random input with both readers: they must
// agree on whether it is a certificate and on what it says.
func FuzzX509Differential(f *testing.F) {
	seeds := slices.Concat(generated(), handBuilt(), fixtureCerts(f))
	if len(seeds) < 500 {
		f.Fatalf("only %d seeds", len(seeds))
	}
	for _, c := range seeds {
		if len(c.der) < 8000 {
			f.Add(c.der)
		}
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		if d := differ(der); d != "" {
			t.Fatal(d)
		}
	})
}

// FuzzX509Fields builds certificates around fuzzed fields: names, a URI,
// an IP address, times, a serial number, RSASSA-PSS parameters, a point.
func FuzzX509Fields(f *testing.F) {
	for _, v := range []string{"a,b", " #x ", "é", ""} {
		f.Add(byte(tagUTF8String), []byte(v), "spiffe://a/b", []byte{10, 0, 0, 1}, byte(tagUTCTime), "240101000000Z", []byte{1}, []byte(nil), []byte(nil))
	}
	for _, u := range testURIs {
		f.Add(byte(tagPrintableString), []byte("x"), u, []byte(nil), byte(tagGeneralizedTime), "20240101000000Z", []byte{0, 0x80}, []byte(nil), []byte(nil))
	}
	for _, p := range pssParams() {
		f.Add(byte(tagBMPString), []byte{0, 'x'}, "", []byte(net.ParseIP("::1")), byte(tagUTCTime), "4912312359Z", []byte{0x7f}, p, []byte(nil))
	}
	pt := must(testKeys().p256.PublicKey.Bytes())
	f.Add(byte(tagT61String), []byte{0xe9}, "x:y", []byte(nil), byte(tagUTCTime), "240101000000+0100", []byte{0}, []byte(nil), pt)
	f.Fuzz(func(t *testing.T, nameTag byte, nameValue []byte, uri string, ip []byte, timeTag byte, timeText string, serial, pss, point []byte) {
		der := build(func(s *spec) {
			s.subject = nameEl(rdn(seq(oidCN, tlv(nameTag, nameValue)), seq(oidO, tlv(nameTag, nameValue))), rdn(seq(oidEl(2, 5, 4, 12), tlv(nameTag, nameValue))))
			names := [][]byte{str(0x86, uri)}
			if len(ip) > 0 {
				names = append(names, tlv(0x87, ip))
			}
			s.exts = [][]byte{extEl(extOID(17), false, seq(names...))}
			s.notBefore = tlv(timeTag, []byte(timeText))
			s.serial = intEl(serial...)
			if len(pss) > 0 {
				s.sigAlg = seq(oidEl(1, 2, 840, 113549, 1, 1, 10), pss)
			}
			if len(point) > 0 {
				s.spki = seq(seq(oidEl(1, 2, 840, 10045, 2, 1), oidEl(1, 2, 840, 10045, 3, 1, 7)), bitsEl(0, point...))
			}
		})
		if d := differ(der); d != "" {
			t.Fatal(d)
		}
	})
}
