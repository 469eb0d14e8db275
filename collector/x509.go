package collector

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// A reader of X.509 certificates (RFC 5280) in DER, for the metadata the
// collector reports. It stands in for crypto/x509, whose parser brings
// big-number arithmetic, RSA, ECDSA, the NIST curves, net and net/url into
// the collector: too much weight for its size budget.
//
// It accepts the certificates crypto/x509.ParseCertificate of Go 1.26
// accepts (with the default GODEBUG settings), rejects those it rejects,
// and gives the values the collector used to take from it: Subject and
// Issuer as pkix.Name.String, SANs as x509 decodes them (a URI as url.Parse
// then URL.String give it), the names of SignatureAlgorithm.String. Its
// parsing follows x509's step by step, with x509's error messages, so that
// the two can be compared (x509_test.go does). Deliberate differences:
//
//   - An X25519 key is reported as "X25519", 256, as ParseCertificates
//     documents; x509 leaves such a key unparsed and gave "0", 0.
//   - An rfc822Name name constraint holding "@" is not checked against
//     RFC 2821 mailbox syntax (x509 rejects the certificate when it fails);
//     name constraints are not reported, and that parser is large.
//   - With GODEBUG=x509negativeserial=1 x509 accepts negative serial
//     numbers; this reader never does.
//
// The work is linear in the size of the input (but for one check of an
// elliptic curve point, of fixed size): every loop consumes input, nothing
// recurses, and allocations are proportional to the input.

// certificate is what the collector keeps of a certificate: the metadata it
// reports and what linkIssuers needs to link it to its issuer.
type certificate struct {
	raw, tbs, signature   []byte
	rawIssuer, rawSubject []byte
	version               int // 1, 2 or 3

	serial                             string
	issuer, subject                    string
	notBefore, notAfter                time.Time
	dnsNames, emailAddresses, uris     []string
	ipAddresses                        []string
	keyAlgorithm                       string
	keySize                            int
	key                                keyKind
	ed25519Key                         []byte
	signatureAlgorithm                 *signatureAlgorithm
	basicConstraints, isCA             bool
	keyUsage                           int // bit i is KeyUsage 1<<i of x509; 0 when absent
	subjectKeyID, authorityKeyID       []byte
	hasSubjectKeyID, hasAuthorityKeyID bool
}

// keyUsageCertSign is x509.KeyUsageCertSign.
const keyUsageCertSign = 1 << 5

// keyKind is the kind of a subject public key.
type keyKind uint8

const (
	unknownKey keyKind = iota
	rsaKey
	dsaKey
	ecdsaKey
	ed25519Key
	x25519Key
)

// DER tags, as single identifier octets.
const (
	tagBoolean         = 0x01
	tagInteger         = 0x02
	tagBitString       = 0x03
	tagOctetString     = 0x04
	tagOID             = 0x06
	tagUTF8String      = 0x0c
	tagNumericString   = 0x12
	tagPrintableString = 0x13
	tagT61String       = 0x14
	tagIA5String       = 0x16
	tagUTCTime         = 0x17
	tagGeneralizedTime = 0x18
	tagBMPString       = 0x1e
	tagSequence        = 0x30
	tagSet             = 0x31
)

// ctxTag returns the tag [n] of the context-specific class.
func ctxTag(n byte, constructed bool) byte {
	if constructed {
		return 0x80 | 0x20 | n
	}
	return 0x80 | n
}

// derString is DER input read front to back, with the rules of
// golang.org/x/crypto/cryptobyte, which x509 uses: one-octet tags only,
// definite lengths of at most four octets, minimally encoded.
type derString []byte

func (s derString) empty() bool { return len(s) == 0 }

// next reads one element: its tag, and its body, or the whole element when
// header is true.
func (s *derString) next(header bool) (byte, derString, bool) {
	b := *s
	if len(b) < 2 {
		return 0, nil, false
	}
	tag, l := b[0], b[1]
	if tag&0x1f == 0x1f {
		return 0, nil, false
	}
	hdr, n := 2, uint64(l)
	if l&0x80 != 0 {
		ll := int(l & 0x7f)
		if ll == 0 || ll > 4 || len(b) < 2+ll || b[2] == 0 {
			return 0, nil, false
		}
		n = 0
		for _, c := range b[2 : 2+ll] {
			n = n<<8 | uint64(c)
		}
		if n < 128 {
			return 0, nil, false
		}
		hdr += ll
	}
	if n > uint64(len(b)-hdr) {
		return 0, nil, false
	}
	end := hdr + int(n)
	*s = b[end:]
	if header {
		return tag, derString(b[:end]), true
	}
	return tag, derString(b[hdr:end]), true
}

// readAny reads the body of the next element, whatever its tag.
func (s *derString) readAny() (byte, derString, bool) { return s.next(false) }

// read reads the body of the next element, which must have the tag.
func (s *derString) read(tag byte) (derString, bool) {
	t, body, ok := s.next(false)
	return body, ok && t == tag
}

// readElement reads the next element, header included, which must have the
// tag.
func (s *derString) readElement(tag byte) (derString, bool) {
	t, el, ok := s.next(true)
	return el, ok && t == tag
}

func (s derString) peek(tag byte) bool { return len(s) > 0 && s[0] == tag }

// readOptional reads the body of the next element if it has the tag.
func (s *derString) readOptional(tag byte) (body derString, present, ok bool) {
	if !s.peek(tag) {
		return nil, false, true
	}
	body, ok = s.read(tag)
	return body, true, ok
}

func (s *derString) skipOptional(tag byte) bool {
	_, _, ok := s.readOptional(tag)
	return ok
}

// readBool reads a BOOLEAN: one octet, 0 or 0xff.
func (s *derString) readBool() (bool, bool) {
	v, ok := s.read(tagBoolean)
	if !ok || len(v) != 1 || v[0] != 0 && v[0] != 0xff {
		return false, false
	}
	return v[0] == 0xff, true
}

// validInteger reports whether b is a minimally encoded INTEGER body.
func validInteger(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	return len(b) == 1 || !(b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0)
}

// readInteger reads the body of an INTEGER of any size.
func (s *derString) readInteger(tag byte) ([]byte, bool) {
	v, ok := s.read(tag)
	return v, ok && validInteger(v)
}

// readInt64 reads an INTEGER that fits in an int64.
func (s *derString) readInt64(tag byte) (int64, bool) {
	v, ok := s.readInteger(tag)
	if !ok || len(v) > 8 {
		return 0, false
	}
	return int64Of(v), true
}

// int64Of returns the value of a valid INTEGER body of at most 8 octets.
func int64Of(v []byte) int64 {
	var n int64
	for _, c := range v {
		n = n<<8 | int64(c)
	}
	shift := 64 - uint(len(v))*8
	return n << shift >> shift
}

// readOID reads an OBJECT IDENTIFIER and returns its body: subidentifiers
// of at most 31 bits, minimally encoded.
func (s *derString) readOID() ([]byte, bool) {
	v, ok := s.read(tagOID)
	return v, ok && validOID(v)
}

func validOID(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for len(b) > 0 {
		n, rest, ok := base128(b)
		if !ok || n > 1<<31-1 {
			return false
		}
		b = rest
	}
	return true
}

// base128 reads one subidentifier of at most five octets.
func base128(b []byte) (uint64, []byte, bool) {
	var n uint64
	for i := 0; i < len(b) && i < 5; i++ {
		if i == 0 && b[0] == 0x80 {
			return 0, nil, false
		}
		n = n<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return n, b[i+1:], true
		}
	}
	return 0, nil, false
}

// oidString formats a valid OID body as asn1.ObjectIdentifier.String does.
func oidString(b []byte) string {
	var out []byte
	for i := 0; len(b) > 0; i++ {
		n, rest, _ := base128(b)
		b = rest
		if i == 0 {
			first := min(n/40, 2)
			out = strconv.AppendUint(out, first, 10)
			n -= first * 40
		}
		out = append(out, '.')
		out = strconv.AppendUint(out, n, 10)
	}
	return string(out)
}

// bitString is a BIT STRING: its octets and the count of unused bits in
// the last one.
type bitString struct {
	bytes  []byte
	unused int
}

// readBitString reads a BIT STRING whose unused bits are zero.
func (s *derString) readBitString() (bitString, bool) {
	v, ok := s.read(tagBitString)
	if !ok || len(v) == 0 {
		return bitString{}, false
	}
	unused, data := int(v[0]), v[1:]
	if unused > 7 || len(data) == 0 && unused != 0 || len(data) > 0 && data[len(data)-1]&(1<<unused-1) != 0 {
		return bitString{}, false
	}
	return bitString{data, unused}, true
}

// rightAlign returns the bits as octets, padded on the left, as
// asn1.BitString.RightAlign does.
func (b bitString) rightAlign() []byte {
	if b.unused == 0 || len(b.bytes) == 0 {
		return b.bytes
	}
	shift := uint(b.unused)
	a := make([]byte, len(b.bytes))
	a[0] = b.bytes[0] >> shift
	for i := 1; i < len(b.bytes); i++ {
		a[i] = b.bytes[i-1]<<(8-shift) | b.bytes[i]>>shift
	}
	return a
}

// bitSet reports whether bit i (0 is the most significant bit of the first
// octet) is set, as asn1.BitString.At does.
func (b bitString) bitSet(i int) bool {
	if i < 0 || i >= len(b.bytes)*8-b.unused {
		return false
	}
	return b.bytes[i/8]&(0x80>>(i%8)) != 0
}

// Object identifiers, as DER bodies.
var (
	oidRSA             = []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01}
	oidDSA             = []byte{0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01}
	oidECDSA           = []byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}
	oidEd25519         = []byte{0x2b, 0x65, 0x70}
	oidX25519          = []byte{0x2b, 0x65, 0x6e}
	oidRSAPSS          = []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a}
	oidMGF1            = []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08}
	oidSHA256          = []byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}
	oidSHA384          = []byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02}
	oidSHA512          = []byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03}
	oidAuthorityInfo   = []byte{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01}
	oidExtensionArc    = []byte{0x55, 0x1d} // 2.5.29
	oidAttributeArc    = []byte{0x55, 0x04} // 2.5.4
	derNull            = []byte{0x05, 0x00}
	errMalformedCert   = errors.New("x509: malformed certificate")
	errMalformedTBS    = errors.New("x509: malformed tbs certificate")
	errMalformedExt    = errors.New("x509: malformed extensions")
	errInvalidRDNs     = errors.New("x509: invalid RDNSequence")
	errMalformedIssuer = errors.New("x509: malformed issuer")
)

// signatureAlgorithm is a signature algorithm x509 knows.
type signatureAlgorithm struct {
	oid  []byte
	name string // as x509.SignatureAlgorithm.String gives it
	// signer is the kind of key whose signatures x509 checks with it:
	// unknownKey for MD5 and DSA, which it never checks.
	signer keyKind
}

var (
	unknownSignature = &signatureAlgorithm{name: "0"}
	rsaPSS           = [...]*signatureAlgorithm{
		{name: "SHA256-RSAPSS", signer: rsaKey},
		{name: "SHA384-RSAPSS", signer: rsaKey},
		{name: "SHA512-RSAPSS", signer: rsaKey},
	}
	signatureAlgorithms = []*signatureAlgorithm{
		{[]byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04}, "MD5-RSA", unknownKey},
		{[]byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05}, "SHA1-RSA", rsaKey},
		{[]byte{0x2b, 0x0e, 0x03, 0x02, 0x1d}, "SHA1-RSA", rsaKey},
		{[]byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b}, "SHA256-RSA", rsaKey},
		{[]byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c}, "SHA384-RSA", rsaKey},
		{[]byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d}, "SHA512-RSA", rsaKey},
		{[]byte{0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03}, "DSA-SHA1", unknownKey},
		{[]byte{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x02}, "DSA-SHA256", unknownKey},
		{[]byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01}, "ECDSA-SHA1", ecdsaKey},
		{[]byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}, "ECDSA-SHA256", ecdsaKey},
		{[]byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03}, "ECDSA-SHA384", ecdsaKey},
		{[]byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04}, "ECDSA-SHA512", ecdsaKey},
		{oidEd25519, "Ed25519", ed25519Key},
	}
)

// parseCertificate parses a DER certificate with nothing after it.
func parseCertificate(der []byte) (*certificate, error) {
	c, err := parseFirstCertificate(der)
	if err != nil {
		return nil, err
	}
	if len(c.raw) != len(der) {
		return nil, errors.New("x509: trailing data")
	}
	return c, nil
}

// parseFirstCertificate parses the DER certificate at the start of der.
func parseFirstCertificate(der []byte) (*certificate, error) {
	c := &certificate{}
	input := derString(der)
	raw, ok := input.readElement(tagSequence)
	if !ok {
		return nil, errMalformedCert
	}
	c.raw = raw
	body, ok := raw.read(tagSequence)
	if !ok {
		return nil, errMalformedCert
	}
	tbsElement, ok := body.readElement(tagSequence)
	if !ok {
		return nil, errMalformedTBS
	}
	c.tbs = tbsElement
	tbs, ok := tbsElement.read(tagSequence)
	if !ok {
		return nil, errMalformedTBS
	}

	version, present, ok := tbs.readOptional(ctxTag(0, true))
	if ok && present {
		var v int64
		v, ok = version.readInt64(tagInteger)
		ok = ok && version.empty()
		c.version = int(v)
	}
	if !ok || c.version < 0 {
		return nil, errors.New("x509: malformed version")
	}
	c.version++ // 1-based, as x509 counts
	if c.version > 3 {
		return nil, errors.New("x509: invalid version")
	}

	serial, ok := tbs.readInteger(tagInteger)
	if !ok {
		return nil, errors.New("x509: malformed serial number")
	}
	if serial[0]&0x80 != 0 {
		return nil, errors.New("x509: negative serial number")
	}
	c.serial = hexSerial(serial)

	sigAI, ok := tbs.read(tagSequence)
	if !ok {
		return nil, errors.New("x509: malformed signature algorithm identifier")
	}
	outerSigAI, ok := body.read(tagSequence)
	if !ok {
		return nil, errors.New("x509: malformed algorithm identifier")
	}
	if !bytes.Equal(outerSigAI, sigAI) {
		return nil, errors.New("x509: inner and outer signature algorithm identifiers don't match")
	}
	sigOID, sigParams, err := parseAlgorithmIdentifier(sigAI)
	if err != nil {
		return nil, err
	}
	c.signatureAlgorithm = signatureAlgorithmOf(sigOID, sigParams)

	issuer, ok := tbs.readElement(tagSequence)
	if !ok {
		return nil, errMalformedIssuer
	}
	c.rawIssuer = issuer
	if c.issuer, err = parseName(issuer); err != nil {
		return nil, err
	}

	validity, ok := tbs.read(tagSequence)
	if !ok {
		return nil, errors.New("x509: malformed validity")
	}
	if c.notBefore, err = validity.readTime(); err != nil {
		return nil, err
	}
	if c.notAfter, err = validity.readTime(); err != nil {
		return nil, err
	}

	subject, ok := tbs.readElement(tagSequence)
	if !ok {
		return nil, errMalformedIssuer // sic: x509 says issuer
	}
	c.rawSubject = subject
	if c.subject, err = parseName(subject); err != nil {
		return nil, err
	}

	spkiElement, ok := tbs.readElement(tagSequence)
	var spki derString
	if ok {
		spki, ok = spkiElement.read(tagSequence)
	}
	if !ok {
		return nil, errors.New("x509: malformed spki")
	}
	keyAI, ok := spki.read(tagSequence)
	if !ok {
		return nil, errors.New("x509: malformed public key algorithm identifier")
	}
	keyOID, keyParams, err := parseAlgorithmIdentifier(keyAI)
	if err != nil {
		return nil, err
	}
	key, ok := spki.readBitString()
	if !ok {
		return nil, errors.New("x509: malformed subjectPublicKey")
	}
	if err := c.parsePublicKey(keyOID, keyParams, key); err != nil {
		return nil, err
	}

	if c.version > 1 {
		if !tbs.skipOptional(ctxTag(1, false)) {
			return nil, errors.New("x509: malformed issuerUniqueID")
		}
		if !tbs.skipOptional(ctxTag(2, false)) {
			return nil, errors.New("x509: malformed subjectUniqueID")
		}
		if c.version == 3 {
			if err := c.parseExtensions(&tbs); err != nil {
				return nil, err
			}
		}
	}

	sig, ok := body.readBitString()
	if !ok {
		return nil, errors.New("x509: malformed signature")
	}
	c.signature = sig.rightAlign()
	return c, nil
}

// hexSerial formats a non-negative INTEGER body as big.Int.Text(16) does,
// upper-cased.
func hexSerial(b []byte) string {
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	s := strings.ToUpper(hex.EncodeToString(b))
	if len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

// parseAlgorithmIdentifier returns the OID and the parameters element (nil
// when absent) of an AlgorithmIdentifier body. What follows the parameters
// is ignored, as x509 does.
func parseAlgorithmIdentifier(ai derString) (oid, params []byte, err error) {
	oid, ok := ai.readOID()
	if !ok {
		return nil, nil, errors.New("x509: malformed OID")
	}
	if ai.empty() {
		return oid, nil, nil
	}
	_, el, ok := ai.next(true)
	if !ok {
		return nil, nil, errors.New("x509: malformed parameters")
	}
	return oid, el, nil
}

// signatureAlgorithmOf names a signature algorithm as
// x509.SignatureAlgorithm.String does; "0" when x509 does not know it.
func signatureAlgorithmOf(oid, params []byte) *signatureAlgorithm {
	if bytes.Equal(oid, oidEd25519) && len(params) != 0 {
		return unknownSignature
	}
	if bytes.Equal(oid, oidRSAPSS) {
		return pssAlgorithm(params)
	}
	for _, a := range signatureAlgorithms {
		if bytes.Equal(oid, a.oid) {
			return a
		}
	}
	return unknownSignature
}

// parsePublicKey checks the subject public key as x509 does and sets the
// key's kind, name and size.
func (c *certificate) parsePublicKey(oid, params []byte, key bitString) error {
	c.keyAlgorithm = "0"
	data := key.rightAlign()
	switch {
	case bytes.Equal(oid, oidRSA):
		if !bytes.Equal(params, derNull) {
			return errors.New("x509: RSA key missing NULL parameters")
		}
		d := derString(data)
		seq, ok := d.read(tagSequence)
		if !ok {
			return errors.New("x509: invalid RSA public key")
		}
		n, ok := seq.readInteger(tagInteger)
		if !ok {
			return errors.New("x509: invalid RSA modulus")
		}
		e, ok := seq.readInt64(tagInteger)
		if !ok {
			return errors.New("x509: invalid RSA public exponent")
		}
		if !positive(n) {
			return errors.New("x509: RSA modulus is not a positive number")
		}
		if e <= 0 {
			return errors.New("x509: RSA public exponent is not a positive number")
		}
		c.key, c.keyAlgorithm, c.keySize = rsaKey, "RSA", bitLen(n)
	case bytes.Equal(oid, oidECDSA):
		p := derString(params)
		curveOID, ok := p.readOID()
		if !ok {
			return errors.New("x509: invalid ECDSA parameters")
		}
		cv := curveOf(curveOID)
		if cv == nil {
			return errors.New("x509: unsupported elliptic curve")
		}
		if !cv.validPoint(data) {
			return errors.New("ecdsa: invalid public key")
		}
		c.key, c.keyAlgorithm, c.keySize = ecdsaKey, "ECDSA", cv.bits
	case bytes.Equal(oid, oidEd25519):
		if len(params) != 0 {
			return errors.New("x509: Ed25519 key encoded with illegal parameters")
		}
		if len(data) != ed25519.PublicKeySize {
			return errors.New("x509: wrong Ed25519 public key size")
		}
		c.key, c.keyAlgorithm, c.keySize, c.ed25519Key = ed25519Key, "Ed25519", 256, data
	case bytes.Equal(oid, oidDSA):
		d := derString(data)
		y, ok := d.readInteger(tagInteger)
		if !ok {
			return errors.New("x509: invalid DSA public key")
		}
		p := derString(params)
		seq, ok := p.read(tagSequence)
		var pqg [3][]byte
		for i := range pqg {
			if ok {
				pqg[i], ok = seq.readInteger(tagInteger)
			}
		}
		if !ok {
			return errors.New("x509: invalid DSA parameters")
		}
		if !positive(y) || !positive(pqg[0]) || !positive(pqg[1]) || !positive(pqg[2]) {
			return errors.New("x509: zero or negative DSA parameter")
		}
		c.key, c.keyAlgorithm = dsaKey, "DSA"
	case bytes.Equal(oid, oidX25519):
		// x509 does not parse X25519 keys in certificates: it checks
		// nothing, and reported "0".
		if len(params) == 0 && len(data) == 32 {
			c.key, c.keyAlgorithm, c.keySize = x25519Key, "X25519", 256
		}
	}
	return nil
}

// positive reports whether a valid INTEGER body is greater than zero.
func positive(n []byte) bool {
	if n[0]&0x80 != 0 {
		return false
	}
	for _, b := range n {
		if b != 0 {
			return true
		}
	}
	return false
}

// bitLen is the size in bits of a non-negative INTEGER body.
func bitLen(n []byte) int {
	for len(n) > 0 && n[0] == 0 {
		n = n[1:]
	}
	if len(n) == 0 {
		return 0
	}
	return (len(n)-1)*8 + bits.Len8(n[0])
}

// parseExtensions reads the extensions of a version 3 certificate, if any,
// from the rest of the TBSCertificate.
func (c *certificate) parseExtensions(tbs *derString) error {
	exts, present, ok := tbs.readOptional(ctxTag(3, true))
	if !ok {
		return errMalformedExt
	}
	if !present {
		return nil
	}
	seq, ok := exts.read(tagSequence)
	if !ok {
		return errMalformedExt
	}
	type extension struct {
		oid      []byte
		critical bool
		value    derString
	}
	var list []extension
	seen := map[string]bool{}
	for !seq.empty() {
		ext, ok := seq.read(tagSequence)
		if !ok {
			return errors.New("x509: malformed extension")
		}
		var e extension
		if e.oid, ok = ext.readOID(); !ok {
			return errors.New("x509: malformed extension OID field")
		}
		if ext.peek(tagBoolean) {
			if e.critical, ok = ext.readBool(); !ok {
				return errors.New("x509: malformed extension critical field")
			}
		}
		if e.value, ok = ext.read(tagOctetString); !ok {
			return errors.New("x509: malformed extension value field")
		}
		// A valid OID has one encoding: its octets name it.
		if seen[string(e.oid)] {
			return fmt.Errorf("x509: certificate contains duplicate extension with OID %q", oidString(e.oid))
		}
		seen[string(e.oid)] = true
		list = append(list, e)
	}
	for _, e := range list {
		if err := c.processExtension(e.oid, e.critical, e.value); err != nil {
			return err
		}
	}
	return nil
}

// processExtension checks one extension as x509's processExtensions does,
// and keeps what the collector needs of it.
func (c *certificate) processExtension(oid []byte, critical bool, val derString) error {
	if bytes.Equal(oid, oidAuthorityInfo) {
		return checkAuthorityInfoAccess(critical, val)
	}
	if len(oid) != 3 || !bytes.HasPrefix(oid, oidExtensionArc) {
		return nil
	}
	switch oid[2] {
	case 15: // key usage
		usage, ok := val.readBitString()
		if !ok {
			return errors.New("x509: invalid key usage")
		}
		c.keyUsage = 0
		for i := 0; i < 9; i++ {
			if usage.bitSet(i) {
				c.keyUsage |= 1 << i
			}
		}
	case 19: // basic constraints
		seq, ok := val.read(tagSequence)
		if ok && seq.peek(tagBoolean) {
			c.isCA, ok = seq.readBool()
		}
		if ok && seq.peek(tagInteger) {
			var n []byte
			n, ok = seq.readInteger(tagInteger)
			// x509 reads it into a uint no larger than math.MaxInt.
			ok = ok && n[0]&0x80 == 0 && len(n) <= 8
		}
		if !ok {
			return errors.New("x509: invalid basic constraints")
		}
		c.basicConstraints = true
	case 17: // subject alternative names
		return c.parseSANs(val)
	case 30:
		return checkNameConstraints(val)
	case 31:
		return checkCRLDistributionPoints(val)
	case 35: // authority key identifier
		if critical {
			return errors.New("x509: authority key identifier incorrectly marked critical")
		}
		seq, ok := val.read(tagSequence)
		if !ok {
			return errors.New("x509: invalid authority key identifier")
		}
		if seq.peek(ctxTag(0, false)) {
			id, ok := seq.read(ctxTag(0, false))
			if !ok {
				return errors.New("x509: invalid authority key identifier")
			}
			c.authorityKeyID, c.hasAuthorityKeyID = id, true
		}
	case 36: // policy constraints
		seq, ok := val.read(tagSequence)
		for _, tag := range []byte{ctxTag(0, false), ctxTag(1, false)} {
			if ok && seq.peek(tag) {
				_, ok = seq.readInt64(tag)
			}
		}
		if !ok {
			return errors.New("x509: invalid policy constraints extension")
		}
	case 37: // extended key usage
		seq, ok := val.read(tagSequence)
		for ok && !seq.empty() {
			_, ok = seq.readOID()
		}
		if !ok {
			return errors.New("x509: invalid extended key usages")
		}
	case 14: // subject key identifier
		if critical {
			return errors.New("x509: subject key identifier incorrectly marked critical")
		}
		id, ok := val.read(tagOctetString)
		if !ok {
			return errors.New("x509: invalid subject key identifier")
		}
		c.subjectKeyID, c.hasSubjectKeyID = id, true
	case 32:
		return checkCertificatePolicies(val)
	case 33: // policy mappings
		seq, ok := val.read(tagSequence)
		for ok && !seq.empty() {
			var m derString
			m, ok = seq.read(tagSequence)
			if ok {
				_, ok = m.read(tagOID)
			}
			if ok {
				_, ok = m.read(tagOID)
			}
		}
		if !ok {
			return errors.New("x509: invalid policy mappings extension")
		}
	case 54: // inhibit anyPolicy
		if _, ok := val.readInt64(tagInteger); !ok {
			return errors.New("x509: invalid inhibit any policy extension")
		}
	}
	return nil
}

func checkAuthorityInfoAccess(critical bool, val derString) error {
	if critical {
		return errors.New("x509: authority info access incorrectly marked critical")
	}
	seq, ok := val.read(tagSequence)
	for ok && !seq.empty() {
		var aia derString
		aia, ok = seq.read(tagSequence)
		if ok {
			_, ok = aia.readOID()
		}
		if ok && aia.peek(ctxTag(6, false)) {
			_, ok = aia.read(ctxTag(6, false))
		}
	}
	if !ok {
		return errors.New("x509: invalid authority info access")
	}
	return nil
}

func checkCRLDistributionPoints(val derString) error {
	seq, ok := val.read(tagSequence)
	if !ok {
		return errors.New("x509: invalid CRL distribution points")
	}
	for !seq.empty() {
		dp, ok := seq.read(tagSequence)
		var name derString
		var present bool
		if ok {
			name, present, ok = dp.readOptional(ctxTag(0, true))
		}
		if ok && present {
			name, ok = name.read(ctxTag(0, true))
			for ok && name.peek(ctxTag(6, false)) {
				_, ok = name.read(ctxTag(6, false))
			}
		}
		if !ok {
			return errors.New("x509: invalid CRL distribution point")
		}
	}
	return nil
}

func checkCertificatePolicies(val derString) error {
	bad := errors.New("x509: invalid certificate policies")
	seq, ok := val.read(tagSequence)
	if !ok {
		return bad
	}
	seen := map[string]bool{}
	for !seq.empty() {
		p, ok := seq.read(tagSequence)
		var oid derString
		if ok {
			oid, ok = p.read(tagOID)
		}
		if !ok || seen[string(oid)] {
			return bad
		}
		seen[string(oid)] = true
		// x509.OID: any size, each subidentifier minimally encoded.
		if len(oid) == 0 || oid[len(oid)-1]&0x80 != 0 {
			return bad
		}
		start := true
		for _, b := range oid {
			if start && b == 0x80 {
				return bad
			}
			start = b&0x80 == 0
		}
	}
	return nil
}

// checkNameConstraints checks a NameConstraints extension as x509 does,
// except the syntax of mailbox constraints (see the package comment).
func checkNameConstraints(val derString) error {
	bad := errors.New("x509: invalid NameConstraints extension")
	top, ok := val.read(tagSequence)
	if !ok || !val.empty() {
		return bad
	}
	permitted, havePermitted, ok := top.readOptional(ctxTag(0, true))
	if !ok {
		return bad
	}
	excluded, haveExcluded, ok := top.readOptional(ctxTag(1, true))
	if !ok || !top.empty() {
		return bad
	}
	if !havePermitted && !haveExcluded || len(permitted) == 0 && len(excluded) == 0 {
		return errors.New("x509: empty name constraints extension")
	}
	for _, subtrees := range []derString{permitted, excluded} {
		for !subtrees.empty() {
			seq, ok := subtrees.read(tagSequence)
			var tag byte
			var value derString
			if ok {
				tag, value, ok = seq.readAny()
			}
			if !ok {
				return bad
			}
			if err := checkNameConstraint(tag, string(value)); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkNameConstraint(tag byte, v string) error {
	switch tag {
	case ctxTag(2, false), ctxTag(1, false), ctxTag(6, false):
		if !isIA5(v) {
			return fmt.Errorf("x509: invalid constraint value: x509: %q cannot be encoded as an IA5String", v)
		}
	}
	switch tag {
	case ctxTag(2, false): // dNSName
		if !domainNameValid(v, true) {
			return fmt.Errorf("x509: failed to parse dnsName constraint %q", v)
		}
	case ctxTag(7, false): // iPAddress
		if len(v) != 8 && len(v) != 32 {
			return fmt.Errorf("x509: IP constraint contained value of length %d", len(v))
		}
		if mask := v[len(v)/2:]; !validIPMask(mask) {
			return fmt.Errorf("x509: IP constraint contained invalid mask %x", mask)
		}
	case ctxTag(1, false): // rfc822Name
		if !strings.Contains(v, "@") && !domainNameValid(v, true) {
			return fmt.Errorf("x509: failed to parse rfc822Name constraint %q", v)
		}
	case ctxTag(6, false): // uniformResourceIdentifier
		if kind, _ := parseIP(v); kind == ipv4 || kind == ipv6 {
			return fmt.Errorf("x509: failed to parse URI constraint %q: cannot be IP address", v)
		}
		if !domainNameValid(v, true) {
			return fmt.Errorf("x509: failed to parse URI constraint %q", v)
		}
	}
	return nil
}

// validIPMask reports whether mask is ones followed by zeros.
func validIPMask(mask string) bool {
	zero := false
	for i := 0; i < len(mask); i++ {
		b := mask[i]
		switch {
		case zero && b != 0:
			return false
		case zero || b == 0xff:
		case b == 0 || b == 0x80 || b == 0xc0 || b == 0xe0 || b == 0xf0 || b == 0xf8 || b == 0xfc || b == 0xfe:
			zero = true
		default:
			return false
		}
	}
	return true
}

// parseSANs reads a subjectAltName extension: rfc822Name, dNSName,
// uniformResourceIdentifier and iPAddress names; x509 skips the others.
func (c *certificate) parseSANs(val derString) error {
	seq, ok := val.read(tagSequence)
	if !ok {
		return errors.New("x509: invalid subject alternative names")
	}
	for !seq.empty() {
		tag, data, ok := seq.readAny()
		if !ok {
			return errors.New("x509: invalid subject alternative name")
		}
		switch tag {
		case ctxTag(1, false):
			if !isIA5(string(data)) {
				return errors.New("x509: SAN rfc822Name is malformed")
			}
			c.emailAddresses = append(c.emailAddresses, string(data))
		case ctxTag(2, false):
			if !isIA5(string(data)) {
				return errors.New("x509: SAN dNSName is malformed")
			}
			c.dnsNames = append(c.dnsNames, string(data))
		case ctxTag(6, false):
			u, err := sanURI(string(data))
			if err != nil {
				return err
			}
			c.uris = append(c.uris, u)
		case ctxTag(7, false):
			if len(data) != 4 && len(data) != 16 {
				return errors.New("x509: cannot parse IP address of length " + strconv.Itoa(len(data)))
			}
			c.ipAddresses = append(c.ipAddresses, formatIP(data))
		}
	}
	return nil
}

func isIA5(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// formatIP formats a 4- or 16-octet address as net.IP.String does.
func formatIP(ip []byte) string {
	if len(ip) == 16 && isZeros(ip[:10]) && ip[10] == 0xff && ip[11] == 0xff {
		ip = ip[12:]
	}
	var out []byte
	if len(ip) == 4 {
		for i, b := range ip {
			if i > 0 {
				out = append(out, '.')
			}
			out = strconv.AppendUint(out, uint64(b), 10)
		}
		return string(out)
	}
	group := func(i int) uint16 { return uint16(ip[2*i])<<8 | uint16(ip[2*i+1]) }
	// RFC 5952: the first longest run of two or more zero groups is "::".
	zeroStart, zeroEnd := 8, 8
	for i := 0; i < 8; i++ {
		j := i
		for j < 8 && group(j) == 0 {
			j++
		}
		if l := j - i; l >= 2 && l > zeroEnd-zeroStart {
			zeroStart, zeroEnd = i, j
		}
	}
	for i := 0; i < 8; i++ {
		if i == zeroStart {
			out = append(out, ':', ':')
			i = zeroEnd
			if i >= 8 {
				break
			}
		} else if i > 0 {
			out = append(out, ':')
		}
		out = strconv.AppendUint(out, uint64(group(i)), 16)
	}
	return string(out)
}

func isZeros(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// readTime reads a UTCTime or a GeneralizedTime as cryptobyte does: the
// text must be what time.Format gives back for the time it parses to.
func (s *derString) readTime() (time.Time, error) {
	switch {
	case s.peek(tagUTCTime):
		bad := errors.New("x509: malformed UTCTime")
		v, ok := s.read(tagUTCTime)
		if !ok {
			return time.Time{}, bad
		}
		text := string(v)
		layout := "060102150405Z0700"
		t, err := time.Parse(layout, text)
		if err != nil {
			layout = "0601021504Z0700" // without seconds
			t, err = time.Parse(layout, text)
		}
		if err != nil || t.Format(layout) != text {
			return time.Time{}, bad
		}
		if t.Year() >= 2050 {
			t = t.AddDate(-100, 0, 0)
		}
		return t, nil
	case s.peek(tagGeneralizedTime):
		const layout = "20060102150405Z0700"
		bad := errors.New("x509: malformed GeneralizedTime")
		v, ok := s.read(tagGeneralizedTime)
		if !ok {
			return time.Time{}, bad
		}
		t, err := time.Parse(layout, string(v))
		if err != nil || t.Format(layout) != string(v) {
			return time.Time{}, bad
		}
		return t, nil
	}
	return time.Time{}, errors.New("x509: unsupported time format")
}

// Distinguished names.

// attribute is one AttributeTypeAndValue of a name.
type attribute struct {
	oid   []byte
	value string
}

// parseName reads a Name element and formats it as pkix.Name.String does
// after x509 parsed it.
func parseName(el derString) (string, error) {
	seq, ok := el.read(tagSequence)
	if !ok {
		return "", errInvalidRDNs
	}
	var attrs []attribute
	for !seq.empty() {
		set, ok := seq.read(tagSet)
		if !ok {
			return "", errInvalidRDNs
		}
		for !set.empty() {
			atv, ok := set.read(tagSequence)
			if !ok {
				return "", errors.New("x509: invalid RDNSequence: invalid attribute")
			}
			oid, ok := atv.readOID()
			if !ok {
				return "", errors.New("x509: invalid RDNSequence: invalid attribute type")
			}
			tag, value, ok := atv.readAny()
			if !ok {
				return "", errors.New("x509: invalid RDNSequence: invalid attribute value")
			}
			s, err := decodeString(tag, value)
			if err != nil {
				return "", fmt.Errorf("x509: invalid RDNSequence: invalid attribute value: %s", err)
			}
			attrs = append(attrs, attribute{oid, s})
		}
	}
	return formatName(attrs), nil
}

// decodeString decodes the ASN.1 string types x509 accepts in names.
func decodeString(tag byte, v []byte) (string, error) {
	switch tag {
	case tagT61String:
		// Read as Latin-1, as x509 (and BoringSSL) do.
		var b []byte
		for _, c := range v {
			b = utf8.AppendRune(b, rune(c))
		}
		return string(b), nil
	case tagPrintableString:
		for _, c := range v {
			if !printable(c) && c != '*' && c != '&' {
				return "", errors.New("invalid PrintableString")
			}
		}
		return string(v), nil
	case tagUTF8String:
		if !utf8.Valid(v) {
			return "", errors.New("invalid UTF-8 string")
		}
		return string(v), nil
	case tagBMPString:
		if len(v)%2 != 0 {
			return "", errors.New("invalid BMPString")
		}
		if l := len(v); l >= 2 && v[l-1] == 0 && v[l-2] == 0 {
			v = v[:l-2] // a terminator
		}
		u := make([]uint16, 0, len(v)/2)
		for ; len(v) > 0; v = v[2:] {
			p := uint16(v[0])<<8 | uint16(v[1])
			if p == 0xfffe || p == 0xffff || 0xfdd0 <= p && p <= 0xfdef || 0xd800 <= p && p <= 0xdfff {
				return "", errors.New("invalid BMPString")
			}
			u = append(u, p)
		}
		return string(utf16.Decode(u)), nil
	case tagIA5String:
		if !isIA5(string(v)) {
			return "", errors.New("invalid IA5String")
		}
		return string(v), nil
	case tagNumericString:
		for _, c := range v {
			if c != ' ' && (c < '0' || c > '9') {
				return "", errors.New("invalid NumericString")
			}
		}
		return string(v), nil
	}
	return "", fmt.Errorf("unsupported string type: %d", tag)
}

// printable reports whether c is in the PrintableString set (encoding/asn1
// without its '*' and '&' leniency).
func printable(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		'\'' <= c && c <= ')' || '+' <= c && c <= '/' || c == ' ' || c == ':' || c == '=' || c == '?'
}

// nameAttributes are the attributes pkix.Name has fields for, in the order
// Name.String writes them. It keeps the last CN and SERIALNUMBER only, and
// writes each other attribute as one RDN of all its values.
var nameAttributes = []struct {
	n     byte // 2.5.4.n
	label string
	last  bool
}{
	{5, "SERIALNUMBER", true}, {3, "CN", true}, {11, "OU", false}, {10, "O", false},
	{17, "POSTALCODE", false}, {9, "STREET", false}, {7, "L", false}, {8, "ST", false}, {6, "C", false},
}

// nameAttribute returns n when oid is 2.5.4.n of nameAttributes, else 0.
func nameAttribute(oid []byte) byte {
	if len(oid) != 3 || !bytes.HasPrefix(oid, oidAttributeArc) {
		return 0
	}
	switch n := oid[2]; n {
	case 3, 5, 6, 7, 8, 9, 10, 11, 17:
		return n
	}
	return 0
}

// formatName formats a parsed name as pkix.Name.String does: the known
// attributes first, then the others, last first, as OID=#DER.
func formatName(attrs []attribute) string {
	var b strings.Builder
	sep := func(first bool) {
		switch {
		case !first:
			b.WriteByte('+')
		case b.Len() > 0:
			b.WriteByte(',')
		}
	}
	for _, na := range nameAttributes {
		if na.last {
			v := ""
			for _, a := range attrs {
				if nameAttribute(a.oid) == na.n {
					v = a.value
				}
			}
			if v != "" {
				sep(true)
				b.WriteString(na.label + "=")
				escapeValue(&b, v)
			}
			continue
		}
		first := true
		for _, a := range attrs {
			if nameAttribute(a.oid) == na.n {
				sep(first)
				first = false
				b.WriteString(na.label + "=")
				escapeValue(&b, a.value)
			}
		}
	}
	for i := len(attrs) - 1; i >= 0; i-- {
		if a := attrs[i]; nameAttribute(a.oid) == 0 {
			sep(true)
			b.WriteString(oidString(a.oid))
			b.WriteString("=#")
			b.WriteString(hex.EncodeToString(marshalString(a.value)))
		}
	}
	return b.String()
}

// escapeValue writes an attribute value escaped as pkix.RDNSequence.String
// does.
func escapeValue(b *strings.Builder, v string) {
	for k, c := range v {
		escape := false
		switch c {
		case ',', '+', '"', '\\', '<', '>', ';':
			escape = true
		case ' ':
			escape = k == 0 || k == len(v)-1
		case '#':
			escape = k == 0
		}
		if escape {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
}

// marshalString encodes a string as asn1.Marshal does: a PrintableString
// when it can be one, else a UTF8String.
func marshalString(s string) []byte {
	tag := byte(tagPrintableString)
	for i := 0; i < len(s); i++ {
		if !printable(s[i]) {
			tag = tagUTF8String
			break
		}
	}
	out := []byte{tag}
	if n := len(s); n < 0x80 {
		out = append(out, byte(n))
	} else {
		var l []byte
		for ; n > 0; n >>= 8 {
			l = append([]byte{byte(n)}, l...)
		}
		out = append(append(out, 0x80|byte(len(l))), l...)
	}
	return append(out, s...)
}

// RSASSA-PSS parameters.

// pssAlgorithm names an RSASSA-PSS signature algorithm from its parameters
// as x509 does: SHA-256, SHA-384 or SHA-512 with MGF1 of the same hash, a
// salt as long as the hash and the default trailer; anything else is
// unknown. x509 reads the parameters with encoding/asn1, whose rules
// differ from cryptobyte's: asn1Element follows them.
func pssAlgorithm(params []byte) *signatureAlgorithm {
	seq, ok := asn1Sequence(params)
	if !ok {
		return unknownSignature
	}
	hashOID, hashParams, ok := seq.explicitAlgorithm(0)
	if !ok {
		return unknownSignature
	}
	mgfOID, mgfParams, ok := seq.explicitAlgorithm(1)
	if !ok {
		return unknownSignature
	}
	salt, ok := seq.explicitInt(2, false)
	if !ok {
		return unknownSignature
	}
	trailer, ok := seq.explicitInt(3, true)
	if !ok {
		return unknownSignature
	}
	mgfHash, ok := asn1Sequence(mgfParams)
	if !ok {
		return unknownSignature
	}
	mgfHashOID, mgfHashParams, ok := mgfHash.algorithm()
	if !ok {
		return unknownSignature
	}
	nullOrAbsent := func(b []byte) bool { return len(b) == 0 || bytes.Equal(b, derNull) }
	if !nullOrAbsent(hashParams) || !bytes.Equal(mgfOID, oidMGF1) || !bytes.Equal(mgfHashOID, hashOID) ||
		!nullOrAbsent(mgfHashParams) || trailer != 1 {
		return unknownSignature
	}
	switch {
	case bytes.Equal(hashOID, oidSHA256) && salt == 32:
		return rsaPSS[0]
	case bytes.Equal(hashOID, oidSHA384) && salt == 48:
		return rsaPSS[1]
	case bytes.Equal(hashOID, oidSHA512) && salt == 64:
		return rsaPSS[2]
	}
	return unknownSignature
}

// asn1Reader reads the fields of one SEQUENCE as encoding/asn1 unmarshals a
// struct: fields in order, extra ones ignored, an explicit tag unwrapped
// without checking that its length covers the field inside.
type asn1Reader struct {
	b   []byte
	off int
}

// asn1Header is a tag and length as encoding/asn1 parses them.
type asn1Header struct {
	class, tag int
	compound   bool
	length     int
}

// header reads a tag and length (parseTagAndLength).
func (r *asn1Reader) header() (asn1Header, bool) {
	var h asn1Header
	if r.off >= len(r.b) {
		return h, false
	}
	c := r.b[r.off]
	r.off++
	h.class, h.compound, h.tag = int(c>>6), c&0x20 != 0, int(c&0x1f)
	if h.tag == 0x1f {
		n, rest, ok := base128(r.b[r.off:])
		if !ok || n > 1<<31-1 || n < 0x1f {
			return h, false
		}
		r.off = len(r.b) - len(rest)
		h.tag = int(n)
	}
	if r.off >= len(r.b) {
		return h, false
	}
	c = r.b[r.off]
	r.off++
	if c&0x80 == 0 {
		h.length = int(c)
		return h, true
	}
	n := int(c & 0x7f)
	if n == 0 {
		return h, false
	}
	for i := 0; i < n; i++ {
		if r.off >= len(r.b) || h.length >= 1<<23 {
			return h, false
		}
		h.length = h.length<<8 | int(r.b[r.off])
		r.off++
		if h.length == 0 {
			return h, false
		}
	}
	return h, h.length >= 0x80
}

// body returns the next length octets.
func (r *asn1Reader) body(length int) ([]byte, bool) {
	if length > len(r.b)-r.off {
		return nil, false
	}
	v := r.b[r.off : r.off+length]
	r.off += length
	return v, true
}

// asn1Sequence reads the SEQUENCE at the start of b, as asn1.Unmarshal
// into a struct does, and returns a reader of its contents. What follows
// the SEQUENCE is ignored.
func asn1Sequence(b []byte) (*asn1Reader, bool) {
	r := &asn1Reader{b: b}
	h, ok := r.header()
	if !ok || h.class != 0 || h.tag != 16 || !h.compound {
		return nil, false
	}
	v, ok := r.body(h.length)
	return &asn1Reader{b: v}, ok
}

// algorithm reads the fields of a pkix.AlgorithmIdentifier: the OID and,
// if anything follows, the parameters element.
func (r *asn1Reader) algorithm() (oid, params []byte, ok bool) {
	h, ok := r.header()
	if !ok || h.class != 0 || h.tag != 6 || h.compound {
		return nil, nil, false
	}
	if oid, ok = r.body(h.length); !ok || !validOID(oid) {
		return nil, nil, false
	}
	if r.off == len(r.b) {
		return oid, nil, true
	}
	start := r.off
	if h, ok = r.header(); !ok {
		return nil, nil, false
	}
	if _, ok = r.body(h.length); !ok {
		return nil, nil, false
	}
	return oid, r.b[start:r.off], true
}

// explicit unwraps the explicit tag [n] of the next field and returns the
// header of the element inside. missing is true when the field is absent,
// which only an optional field may be.
func (r *asn1Reader) explicit(n int) (h asn1Header, missing, ok bool) {
	if r.off == len(r.b) {
		return h, true, true
	}
	start := r.off
	if h, ok = r.header(); !ok {
		return h, false, false
	}
	if r.off == len(r.b) {
		return h, false, false // "explicit tag has no child"
	}
	if h.class != 2 || h.tag != n || h.length != 0 && !h.compound {
		r.off = start
		return h, true, true
	}
	if h.length == 0 {
		return h, false, false
	}
	h, ok = r.header()
	return h, false, ok
}

// explicitAlgorithm reads a required [n] EXPLICIT AlgorithmIdentifier.
func (r *asn1Reader) explicitAlgorithm(n int) (oid, params []byte, ok bool) {
	h, missing, ok := r.explicit(n)
	if !ok || missing || h.class != 0 || h.tag != 16 || !h.compound {
		return nil, nil, false
	}
	v, ok := r.body(h.length)
	if !ok {
		return nil, nil, false
	}
	inner := asn1Reader{b: v}
	if len(v) == 0 {
		return nil, nil, false
	}
	return inner.algorithm()
}

// explicitInt reads an [n] EXPLICIT INTEGER that fits in an int64. An
// optional one defaults to 1, the only default pssParameters has.
func (r *asn1Reader) explicitInt(n int, optional bool) (int64, bool) {
	start := r.off
	h, missing, ok := r.explicit(n)
	if !ok {
		return 0, false
	}
	if !missing && (h.class != 0 || h.tag != 2 || h.compound) {
		// A mismatched tag inside: absent, if the field may be.
		missing, r.off = true, start
	}
	if missing {
		return 1, optional
	}
	v, ok := r.body(h.length)
	if !ok || !validInteger(v) || len(v) > 8 {
		return 0, false
	}
	return int64Of(v), true
}

// Elliptic curves.

// curve is a NIST prime curve y² = x³ - 3x + b over GF(p).
type curve struct {
	oid  []byte
	bits int
	p, b string // hexadecimal
}

var curves = []curve{
	{[]byte{0x2b, 0x81, 0x04, 0x00, 0x21}, 224,
		"ffffffffffffffffffffffffffffffff000000000000000000000001",
		"b4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4"},
	{[]byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}, 256,
		"ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
		"5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"},
	{[]byte{0x2b, 0x81, 0x04, 0x00, 0x22}, 384,
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
		"b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef"},
	{[]byte{0x2b, 0x81, 0x04, 0x00, 0x23}, 521,
		"01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00"},
}

func curveOf(oid []byte) *curve {
	for i := range curves {
		if bytes.Equal(oid, curves[i].oid) {
			return &curves[i]
		}
	}
	return nil
}

// validPoint reports whether data is an uncompressed point (0x04, X, Y) of
// the curve, X and Y reduced, as ecdsa.ParseUncompressedPublicKey checks.
// The arithmetic is plain and slow, and needs no constant time: these are
// public keys.
func (cv *curve) validPoint(data []byte) bool {
	size := (cv.bits + 7) / 8
	if len(data) != 1+2*size || data[0] != 4 {
		return false
	}
	limbs := (cv.bits+63)/64 + 1
	pb, _ := hex.DecodeString(cv.p)
	bb, _ := hex.DecodeString(cv.b)
	p, b := natFrom(pb, limbs), natFrom(bb, limbs)
	x, y := natFrom(data[1:1+size], limbs), natFrom(data[1+size:], limbs)
	if !x.less(p) || !y.less(p) {
		return false
	}
	x3 := x.mulMod(x, p).mulMod(x, p)
	threeX := x.addMod(x, p).addMod(x, p)
	return y.mulMod(y, p).equal(x3.subMod(threeX, p).addMod(b, p))
}

// nat is a natural number, little-endian 64-bit limbs, of a fixed length
// one limb longer than the modulus needs.
type nat []uint64

func natFrom(be []byte, limbs int) nat {
	n := make(nat, limbs)
	for i, c := range be {
		pos := len(be) - 1 - i
		n[pos/8] |= uint64(c) << (8 * (pos % 8))
	}
	return n
}

func (a nat) less(b nat) bool {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

func (a nat) equal(b nat) bool { return !a.less(b) && !b.less(a) }

func (a nat) add(b nat) nat {
	r := make(nat, len(a))
	var carry uint64
	for i := range a {
		r[i], carry = bits.Add64(a[i], b[i], carry)
	}
	return r
}

func (a nat) sub(b nat) nat {
	r := make(nat, len(a))
	var borrow uint64
	for i := range a {
		r[i], borrow = bits.Sub64(a[i], b[i], borrow)
	}
	return r
}

// addMod returns a+b mod p, for a, b < p.
func (a nat) addMod(b, p nat) nat {
	r := a.add(b)
	if !r.less(p) {
		r = r.sub(p)
	}
	return r
}

// subMod returns a-b mod p, for a, b < p.
func (a nat) subMod(b, p nat) nat {
	if a.less(b) {
		return a.add(p).sub(b)
	}
	return a.sub(b)
}

// mulMod returns a·b mod p, for a, b < p: the product, then reduced one
// bit at a time from the top.
func (a nat) mulMod(b, p nat) nat {
	prod := make(nat, 2*len(a))
	for i, ai := range a {
		var carry uint64
		for j, bj := range b {
			hi, lo := bits.Mul64(ai, bj)
			var c uint64
			lo, c = bits.Add64(lo, prod[i+j], 0)
			hi += c
			lo, c = bits.Add64(lo, carry, 0)
			hi += c
			prod[i+j], carry = lo, hi
		}
		prod[i+len(b)] = carry
	}
	r := make(nat, len(a))
	for i := len(prod)*64 - 1; i >= 0; i-- {
		var top uint64 = prod[i/64] >> (i % 64) & 1
		for k := range r {
			r[k], top = r[k]<<1|top, r[k]>>63
		}
		if !r.less(p) {
			r = r.sub(p)
		}
	}
	return r
}

// URIs.

// sanURI returns a uniformResourceIdentifier SAN as x509 reports it: read
// by url.Parse, checked by domainNameValid, written back by URL.String.
// What follows is url.Parse and URL.String of Go 1.26 for the ASCII text an
// IA5String holds, with the default GODEBUG (urlstrictcolons=1).
func sanURI(s string) (string, error) {
	if !isIA5(s) {
		return "", errors.New("x509: SAN uniformResourceIdentifier is malformed")
	}
	u, err := parseURL(s)
	if err != nil {
		return "", fmt.Errorf("x509: cannot parse URI %q: %s", s, err)
	}
	if len(u.host) > 0 && !domainNameValid(u.host, false) {
		return "", fmt.Errorf("x509: cannot parse URI %q: invalid domain", s)
	}
	return u.String(), nil
}

// uriRef holds the fields of url.URL that Parse sets.
type uriRef struct {
	scheme, opaque        string
	user                  bool
	username, password    string
	passwordSet           bool
	host                  string
	path, rawPath         string
	rawQuery              string
	fragment, rawFragment string
	forceQuery, omitHost  bool
}

// URL escaping modes, as net/url names them.
type escaping int

const (
	escapePath escaping = iota
	escapeHost
	escapeZone
	escapeUserPassword
	escapeFragment
)

func parseURL(raw string) (*uriRef, error) {
	rest, frag, _ := strings.Cut(raw, "#")
	u, err := parseURLWithoutFragment(rest)
	if err != nil || frag == "" {
		return u, err
	}
	if u.fragment, err = unescapeURL(frag, escapeFragment); err != nil {
		return nil, err
	}
	if escapeURL(u.fragment, escapeFragment) != frag {
		u.rawFragment = frag
	}
	return u, nil
}

func parseURLWithoutFragment(raw string) (*uriRef, error) {
	for i := 0; i < len(raw); i++ {
		if raw[i] < ' ' || raw[i] == 0x7f {
			return nil, errors.New("invalid control character in URL")
		}
	}
	u := &uriRef{}
	if raw == "*" {
		u.path = "*"
		return u, nil
	}
	scheme, rest, err := urlScheme(raw)
	if err != nil {
		return nil, err
	}
	u.scheme = strings.ToLower(scheme)
	if strings.HasSuffix(rest, "?") && strings.Count(rest, "?") == 1 {
		u.forceQuery = true
		rest = rest[:len(rest)-1]
	} else {
		rest, u.rawQuery, _ = strings.Cut(rest, "?")
	}
	if !strings.HasPrefix(rest, "/") {
		if u.scheme != "" {
			u.opaque = rest // a rootless path
			return u, nil
		}
		if segment, _, _ := strings.Cut(rest, "/"); strings.Contains(segment, ":") {
			return nil, errors.New("first path segment in URL cannot contain colon")
		}
	}
	if (u.scheme != "" || !strings.HasPrefix(rest, "///")) && strings.HasPrefix(rest, "//") {
		authority := rest[2:]
		rest = ""
		if i := strings.Index(authority, "/"); i >= 0 {
			authority, rest = authority[:i], authority[i:]
		}
		if err := u.parseAuthority(authority); err != nil {
			return nil, err
		}
	} else if u.scheme != "" && strings.HasPrefix(rest, "/") {
		u.omitHost = true
	}
	if u.path, err = unescapeURL(rest, escapePath); err != nil {
		return nil, err
	}
	if escapeURL(u.path, escapePath) != rest {
		u.rawPath = rest
	}
	return u, nil
}

// urlScheme splits "scheme:rest"; no scheme when raw does not start with
// [a-zA-Z][a-zA-Z0-9+.-]*:.
func urlScheme(raw string) (scheme, rest string, err error) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return "", raw, nil
			}
		case c == ':':
			if i == 0 {
				return "", "", errors.New("missing protocol scheme")
			}
			return raw[:i], raw[i+1:], nil
		default:
			return "", raw, nil
		}
	}
	return "", raw, nil
}

func (u *uriRef) parseAuthority(authority string) error {
	i := strings.LastIndex(authority, "@")
	var err error
	if u.host, err = parseURLHost(u.scheme, authority[i+1:]); err != nil {
		return err
	}
	if i < 0 {
		return nil
	}
	userinfo := authority[:i]
	for j := 0; j < len(userinfo); j++ {
		c := userinfo[j]
		if !(unreserved(c) || strings.IndexByte("-._:~!$&'()*+,;=%@", c) >= 0) {
			return errors.New("invalid userinfo")
		}
	}
	u.user = true
	username, password, found := strings.Cut(userinfo, ":")
	if u.username, err = unescapeURL(username, escapeUserPassword); err != nil {
		return err
	}
	if found {
		if u.password, err = unescapeURL(password, escapeUserPassword); err != nil {
			return err
		}
		u.passwordSet = true
	}
	return nil
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// parseURLHost reads host[:port] (url's parseHost).
func parseURLHost(scheme, host string) (string, error) {
	open := strings.LastIndex(host, "[")
	switch {
	case open > 0:
		return "", errors.New("invalid IP-literal")
	case open == 0:
		closing := strings.LastIndex(host, "]")
		if closing < 0 {
			return "", errors.New("missing ']' in host")
		}
		port := host[closing+1:]
		if !validPort(port) {
			return "", fmt.Errorf("invalid port %q after host", port)
		}
		name := host[1:closing]
		var literal string
		if zone := strings.Index(name, "%25"); zone >= 0 {
			a, err := unescapeURL(name[:zone], escapeHost)
			if err != nil {
				return "", err
			}
			z, err := unescapeURL(name[zone:], escapeZone)
			if err != nil {
				return "", err
			}
			literal = a + z
		} else {
			var err error
			if literal, err = unescapeURL(name, escapeHost); err != nil {
				return "", err
			}
		}
		// Only an IPv6 address may be in brackets.
		if kind, _ := parseIP(literal); kind == ipInvalid || kind == ipv4 {
			return "", errors.New("invalid IP-literal")
		}
		return "[" + literal + "]" + port, nil
	}
	if i := strings.Index(host, ":"); i >= 0 {
		// Several colons are allowed, the last one starting the port,
		// except in http and https URLs.
		if scheme != "http" && scheme != "https" {
			i = strings.LastIndex(host, ":")
		}
		if port := host[i:]; !validPort(port) {
			return "", fmt.Errorf("invalid port %q after host", port)
		}
	}
	return unescapeURL(host, escapeHost)
}

// validPort reports whether port is empty or ":" and digits.
func validPort(port string) bool {
	if port == "" {
		return true
	}
	if port[0] != ':' {
		return false
	}
	for i := 1; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	return true
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte { return 9*(c>>6) + (c & 15) }

// shouldEscape is url's table of which bytes to escape in each mode.
func shouldEscape(c byte, mode escaping) bool {
	if unreserved(c) {
		return false
	}
	if mode == escapeHost || mode == escapeZone {
		switch c {
		case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '[', ']', '<', '>', '"':
			return false
		}
	}
	switch c {
	case '-', '_', '.', '~':
		return false
	case '$', '&', '+', ',', '/', ':', ';', '=', '?', '@':
		switch mode {
		case escapePath:
			return c == '?'
		case escapeUserPassword:
			return c == '@' || c == '/' || c == '?' || c == ':'
		case escapeFragment:
			return false
		}
	}
	if mode == escapeFragment {
		switch c {
		case '!', '(', ')', '*':
			return false
		}
	}
	return true
}

// unescapeURL decodes %XX escapes as url's unescape does for mode.
func unescapeURL(s string, mode escaping) (string, error) {
	n := 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '%':
			n++
			if i+2 >= len(s) || !ishex(s[i+1]) || !ishex(s[i+2]) {
				return "", errors.New("invalid URL escape")
			}
			// In a host, only non-ASCII bytes may be escaped, and "%25"
			// for the zone of an IPv6 literal.
			if mode == escapeHost && unhex(s[i+1]) < 8 && s[i:i+3] != "%25" {
				return "", errors.New("invalid URL escape")
			}
			if mode == escapeZone {
				v := unhex(s[i+1])<<4 | unhex(s[i+2])
				if s[i:i+3] != "%25" && v != ' ' && shouldEscape(v, escapeHost) {
					return "", errors.New("invalid URL escape")
				}
			}
			i += 3
		default:
			if (mode == escapeHost || mode == escapeZone) && s[i] < 0x80 && shouldEscape(s[i], mode) {
				return "", fmt.Errorf("invalid character %q in host name", s[i:i+1])
			}
			i++
		}
	}
	if n == 0 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}

func escapeURL(s string, mode escaping) string {
	const upperhex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; shouldEscape(c, mode) {
			b.WriteByte('%')
			b.WriteByte(upperhex[c>>4])
			b.WriteByte(upperhex[c&15])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// validEncoded reports whether s holds no byte that escaping would change,
// counting sub-delimiters and brackets as fine.
func validEncoded(s string, mode escaping) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '[', ']', '%':
		default:
			if shouldEscape(s[i], mode) {
				return false
			}
		}
	}
	return true
}

// escaped returns the raw form when it is a valid encoding of the decoded
// one, else the decoded one escaped (EscapedPath, EscapedFragment).
func escaped(decoded, raw string, mode escaping) string {
	if raw != "" && validEncoded(raw, mode) {
		if d, err := unescapeURL(raw, mode); err == nil && d == decoded {
			return raw
		}
	}
	if mode == escapePath && decoded == "*" {
		return "*"
	}
	return escapeURL(decoded, mode)
}

// String is url.URL.String.
func (u *uriRef) String() string {
	var b strings.Builder
	if u.scheme != "" {
		b.WriteString(u.scheme)
		b.WriteByte(':')
	}
	if u.opaque != "" {
		b.WriteString(u.opaque)
	} else {
		if (u.scheme != "" || u.host != "" || u.user) && !(u.omitHost && u.host == "" && !u.user) {
			if u.host != "" || u.path != "" || u.user {
				b.WriteString("//")
			}
			if u.user {
				b.WriteString(escapeURL(u.username, escapeUserPassword))
				if u.passwordSet {
					b.WriteByte(':')
					b.WriteString(escapeURL(u.password, escapeUserPassword))
				}
				b.WriteByte('@')
			}
			b.WriteString(escapeURL(u.host, escapeHost))
		}
		path := escaped(u.path, u.rawPath, escapePath)
		if path != "" && path[0] != '/' && u.host != "" {
			b.WriteByte('/')
		}
		if b.Len() == 0 {
			// A first segment with a colon would read as a scheme.
			if segment, _, _ := strings.Cut(path, "/"); strings.Contains(segment, ":") {
				b.WriteString("./")
			}
		}
		b.WriteString(path)
	}
	if u.forceQuery || u.rawQuery != "" {
		b.WriteByte('?')
		b.WriteString(u.rawQuery)
	}
	if u.fragment != "" {
		b.WriteByte('#')
		b.WriteString(escaped(u.fragment, u.rawFragment, escapeFragment))
	}
	return b.String()
}

// IP addresses.

// ipKind is what netip.ParseAddr makes of a string.
type ipKind int

const (
	ipInvalid ipKind = iota
	ipv4
	ipv6
	ipv6Zone // with a zone: not an address for net.ParseIP
)

// parseIP classifies s as netip.ParseAddr parses it.
func parseIP(s string) (ipKind, string) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			if !validIPv4(s) {
				return ipInvalid, ""
			}
			return ipv4, ""
		case ':':
			return parseIPv6(s)
		case '%':
			return ipInvalid, ""
		}
	}
	return ipInvalid, ""
}

// validIPv4 reports whether s is four decimal fields of at most 255,
// without leading zeros.
func validIPv4(s string) bool {
	fields, val, digits := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			if digits == 1 && val == 0 {
				return false
			}
			val = val*10 + int(c-'0')
			digits++
			if val > 255 {
				return false
			}
		case c == '.':
			if i == 0 || i == len(s)-1 || s[i-1] == '.' || fields == 3 {
				return false
			}
			fields++
			val, digits = 0, 0
		default:
			return false
		}
	}
	return fields == 3
}

func parseIPv6(in string) (ipKind, string) {
	s, zone, hasZone := strings.Cut(in, "%")
	if hasZone && zone == "" {
		return ipInvalid, ""
	}
	kind := ipv6
	if hasZone {
		kind = ipv6Zone
	}
	ellipsis := -1
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis = 0
		s = s[2:]
		if len(s) == 0 {
			return kind, zone
		}
	}
	i := 0 // octets parsed
	for i < 16 {
		off, acc := 0, 0
		for ; off < len(s) && ishex(s[off]); off++ {
			acc = acc<<4 + int(unhex(s[off])) // unhex works for letters too
			if off > 3 {
				return ipInvalid, ""
			}
		}
		if off == 0 {
			return ipInvalid, ""
		}
		if off < len(s) && s[off] == '.' {
			// A trailing IPv4 address, in the last four octets.
			if ellipsis < 0 && i != 12 || i+4 > 16 || !validIPv4(s) {
				return ipInvalid, ""
			}
			s = ""
			i += 4
			break
		}
		i += 2
		s = s[off:]
		if len(s) == 0 {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return ipInvalid, ""
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return ipInvalid, ""
			}
			ellipsis = i
			s = s[1:]
			if len(s) == 0 {
				break
			}
		}
	}
	if len(s) != 0 {
		return ipInvalid, ""
	}
	if i < 16 && ellipsis < 0 || i == 16 && ellipsis >= 0 {
		return ipInvalid, ""
	}
	return kind, zone
}

// domainNameValid is crypto/x509's check of a domain name, with its gaps:
// labels of printable ASCII, none empty, no final dot.
func domainNameValid(s string, constraint bool) bool {
	if len(s) == 0 {
		return true
	}
	if s[len(s)-1] == '.' {
		return false
	}
	if constraint && s[0] == '.' {
		s = s[1:]
	}
	lastDot := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && (s[i] < 33 || s[i] > 126) {
			return false
		}
		if i == len(s) || s[i] == '.' {
			if i-(lastDot+1) == 0 {
				return false
			}
			lastDot = i
		}
	}
	return true
}
