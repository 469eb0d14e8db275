package collector

import (
	"bytes"
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
)

// PKI metadata. Only certificates are decoded: a private key block is
// recognised by its PEM type line and skipped without its body being
// base64-decoded, so key material never exists anywhere but in the bytes
// read from the file. Certificates are read by the DER reader of x509.go,
// not crypto/x509, to keep the collector small.

// CertificateError is a CERTIFICATE block that could not be parsed.
type CertificateError struct {
	Path  string
	Index int // position of the block among the PEM blocks of the file
	Err   error
}

func (e *CertificateError) Error() string {
	return fmt.Sprintf("collector: parsing certificate block %d of %q: %v", e.Index, e.Path, e.Err)
}

func (e *CertificateError) Unwrap() error { return e.Err }

// parsedCert is a certificate's metadata with the parsed certificate, which
// linkIssuers needs.
type parsedCert struct {
	bundle.Certificate
	cert *certificate
}

// ParseCertificates returns the metadata of every X.509 certificate in the
// PEM data of the file at path, in the order of the file.
//
// Non-certificate PEM blocks (keys, requests, CRLs) are skipped without being
// decoded; Index counts every PEM block, so it is the position of the block
// in the file. Data with no PEM block at all is tried as one DER
// certificate. A file with no certificate gives (nil, nil). Each CERTIFICATE
// block that fails to parse gives a *CertificateError naming the path and
// the block index; the certificates that did parse are returned with the
// (joined) errors.
//
// Serial is the serial number in uppercase hexadecimal, as `openssl x509
// -serial` prints it; times are UTC; KeySize is the RSA modulus size, the
// ECDSA curve size, or 256 for Ed25519 and X25519.
// IssuerSHA256 is left nil: the collector links each certificate to its
// issuer once every certificate of the node is parsed.
func ParseCertificates(path string, data []byte) ([]bundle.Certificate, error) {
	pcs, err := parseCerts(path, data)
	if len(pcs) == 0 {
		return nil, err
	}
	out := make([]bundle.Certificate, len(pcs))
	for i, pc := range pcs {
		out[i] = pc.Certificate
	}
	return out, err
}

// certTypes are the PEM types that hold a certificate. A TRUSTED
// CERTIFICATE (OpenSSL) is a certificate followed by trust settings.
var certTypes = map[string]bool{"CERTIFICATE": true, "X509 CERTIFICATE": true, "TRUSTED CERTIFICATE": true}

// parseCerts is ParseCertificates keeping the parsed certificates.
func parseCerts(path string, data []byte) ([]parsedCert, error) {
	var (
		out  []parsedCert
		errs []error
	)
	blocks := pemBlocks(data)
	if len(blocks) == 0 {
		// A DER file (.cer, .der): one certificate or nothing.
		if c, err := parseCertificate(data); err == nil {
			return []parsedCert{newParsedCert(path, 0, c)}, nil
		}
		return nil, nil
	}
	for i, b := range blocks {
		if !certTypes[b.typ] {
			continue
		}
		c, err := parseCertBlock(b)
		if err != nil {
			errs = append(errs, &CertificateError{Path: path, Index: i, Err: err})
			continue
		}
		out = append(out, newParsedCert(path, i, c))
	}
	return out, errors.Join(errs...)
}

func parseCertBlock(b pemBlock) (*certificate, error) {
	if !b.closed {
		return nil, errors.New("no END line")
	}
	p, rest := pem.Decode(b.text)
	if p == nil || len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("malformed PEM block")
	}
	if b.typ == "TRUSTED CERTIFICATE" {
		// Keep the certificate, drop OpenSSL's trust settings after it.
		// The first element is found by encoding/asn1's rules, as
		// before, then parsed alone.
		r := asn1Reader{b: p.Bytes}
		h, ok := r.header()
		if ok {
			_, ok = r.body(h.length)
		}
		if !ok {
			return nil, errors.New("asn1: malformed first element")
		}
		return parseCertificate(p.Bytes[:r.off])
	}
	return parseCertificate(p.Bytes)
}

func newParsedCert(path string, index int, c *certificate) parsedCert {
	m := bundle.Certificate{
		Path:               path,
		Index:              index,
		Subject:            c.subject,
		Issuer:             c.issuer,
		Serial:             c.serial,
		DNSNames:           c.dnsNames,
		IPAddresses:        c.ipAddresses,
		EmailAddresses:     c.emailAddresses,
		URIs:               c.uris,
		NotBefore:          c.notBefore.UTC(),
		NotAfter:           c.notAfter.UTC(),
		KeyAlgorithm:       c.keyAlgorithm,
		KeySize:            c.keySize,
		SignatureAlgorithm: c.signatureAlgorithm.name,
		IsCA:               c.basicConstraints && c.isCA,
		SHA256:             bundle.Hash(c.raw),
	}
	return parsedCert{Certificate: m, cert: c}
}

// linkIssuers sets IssuerSHA256 of each certificate to the fingerprint of
// another certificate in certs that issued it, as far as can be told
// without checking RSA and ECDSA signatures (that would bring back the
// weight crypto/x509 was dropped for), by issuedBy.
// A self-signed certificate gets none: a root has no issuer, and another
// copy of the same certificate (same fingerprint) is never its issuer.
// Where several certificates qualify (a CA renewed with the same key), the
// one with the smallest fingerprint is chosen, so the result does not
// depend on the order of certs.
//
// Until the collector dropped crypto/x509, a link was proven by the
// issuer's key verifying the signature. Now, but for Ed25519, it rests on
// names and key identifiers, which anyone making a certificate can copy: a
// forged certificate with a CA's name as issuer and that CA's subject key
// identifier as authority key identifier is linked to the CA. One with the
// CA's name and another key identifier is not; one with no authority key
// identifier is linked by name. The link records what the certificates
// claim; whether a signature holds is for a verifier.
func linkIssuers(certs []parsedCert) {
	bySubject := map[string][]int{}
	for i, pc := range certs {
		if pc.cert != nil {
			k := string(pc.cert.rawSubject)
			bySubject[k] = append(bySubject[k], i)
		}
	}
	// The same certificate is often collected from several paths; check
	// each distinct certificate once.
	done := map[bundle.Digest]*bundle.Digest{}
	for i := range certs {
		c := &certs[i]
		c.IssuerSHA256 = nil
		if c.cert == nil {
			continue
		}
		if d, ok := done[c.SHA256]; ok {
			c.IssuerSHA256 = cloneDigest(d)
			continue
		}
		var best *bundle.Digest
		if !selfSigned(c.cert) {
			for _, j := range bySubject[string(c.cert.rawIssuer)] {
				p := &certs[j]
				if p.SHA256 == c.SHA256 || (best != nil && bytes.Compare(p.SHA256[:], best[:]) >= 0) {
					continue
				}
				if issuedBy(c.cert, p.cert) {
					best = cloneDigest(&p.SHA256)
				}
			}
		}
		done[c.SHA256] = best
		c.IssuerSHA256 = cloneDigest(best)
	}
}

// selfSigned reports whether c names itself as its issuer, by name and, if
// it has an authority key identifier, by key: a root. A self-issued
// certificate naming another key (a CA's key rollover) is not; one without
// an authority key identifier cannot be told from a root, and is taken
// for one.
func selfSigned(c *certificate) bool {
	return bytes.Equal(c.rawIssuer, c.rawSubject) &&
		(!c.hasAuthorityKeyID || c.hasSubjectKeyID && bytes.Equal(c.authorityKeyID, c.subjectKeyID))
}

// issuedBy reports whether parent, whose subject is c's issuer, may have
// issued c:
//   - parent may issue certificates, as x509's CheckSignatureFrom requires:
//     a CA by its basic constraints (or a version 1 certificate, which has
//     none), with keyCertSign if it has a key usage;
//   - its key is of the kind c's signature algorithm names: RSA, ECDSA or
//     Ed25519. MD5 and DSA signatures, which x509 never checked, link
//     nothing; SHA-1 ones do, as before: the link is evidence of what
//     signed what, and the signature algorithm is reported beside it;
//   - when c has an authority key identifier, it is parent's subject key
//     identifier (a parent without one does not qualify);
//   - an Ed25519 key verifies c's signature (crypto/ed25519 is in the
//     collector anyway).
func issuedBy(c, parent *certificate) bool {
	if parent.version == 3 && !parent.basicConstraints || parent.basicConstraints && !parent.isCA {
		return false
	}
	if parent.keyUsage != 0 && parent.keyUsage&keyUsageCertSign == 0 {
		return false
	}
	if signer := c.signatureAlgorithm.signer; signer == unknownKey || signer != parent.key {
		return false
	}
	if c.hasAuthorityKeyID && !(parent.hasSubjectKeyID && bytes.Equal(c.authorityKeyID, parent.subjectKeyID)) {
		return false
	}
	if parent.key == ed25519Key {
		return ed25519.Verify(parent.ed25519Key, c.tbs, c.signature)
	}
	return true
}

func cloneDigest(d *bundle.Digest) *bundle.Digest {
	if d == nil {
		return nil
	}
	v := *d
	return &v
}

// HasPrivateKey reports whether data holds a private key in PEM form: a
// line with "-----BEGIN" followed by "PRIVATE KEY" (RSA, EC, ENCRYPTED,
// OPENSSH, PKCS#8...), even if the block is malformed or the line is
// indented or quoted. It does not look for keys in DER or base64 form.
func HasPrivateKey(data []byte) bool {
	for len(data) > 0 {
		i := bytes.Index(data, pemBegin)
		if i < 0 {
			return false
		}
		data = data[i+len(pemBegin):]
		line := data
		if j := bytes.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		if containsFold(line, privateKey) {
			return true
		}
	}
	return false
}

var (
	pemBegin   = []byte("-----BEGIN")
	pemEnd     = []byte("-----END")
	privateKey = []byte("PRIVATE KEY")
	dashes     = []byte("-----")
)

// containsFold reports whether s contains the upper-case ASCII word w,
// ignoring the case of s.
func containsFold(s, w []byte) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for j < len(w) && upperASCII(s[i+j]) == w[j] {
			j++
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// pemBlock is one "-----BEGIN TYPE-----" … "-----END TYPE-----" block.
type pemBlock struct {
	typ    string
	text   []byte // the block's lines, trimmed, from BEGIN to END
	closed bool   // the END line was found
}

// pemBlocks splits data into its PEM blocks. The body of a block is kept
// only for certificate types: other blocks (keys) are skipped line by line.
// Lines may be indented or end in CRLF.
func pemBlocks(data []byte) []pemBlock {
	var (
		out []pemBlock
		cur *pemBlock
	)
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSpace(line)
		if cur == nil {
			typ, ok := pemType(line, pemBegin)
			if !ok {
				continue
			}
			out = append(out, pemBlock{typ: typ})
			cur = &out[len(out)-1]
			if certTypes[typ] {
				cur.text = append(append(cur.text, line...), '\n')
			}
			continue
		}
		if typ, ok := pemType(line, pemEnd); ok {
			if certTypes[cur.typ] {
				cur.text = append(append(cur.text, line...), '\n')
			}
			cur.closed = typ == cur.typ
			cur = nil
			continue
		}
		if typ, ok := pemType(line, pemBegin); ok {
			// A BEGIN inside a block: that block was never closed.
			out = append(out, pemBlock{typ: typ})
			cur = &out[len(out)-1]
		}
		if certTypes[cur.typ] {
			cur.text = append(append(cur.text, line...), '\n')
		}
	}
	return out
}

// pemType returns TYPE of a "-----BEGIN TYPE-----" (or END) line.
func pemType(line, prefix []byte) (string, bool) {
	if !bytes.HasPrefix(line, prefix) || !bytes.HasSuffix(line, dashes) || len(line) < len(prefix)+len(dashes)+1 {
		return "", false
	}
	t := line[len(prefix) : len(line)-len(dashes)]
	if len(t) == 0 || t[0] != ' ' {
		return "", false
	}
	return strings.TrimSpace(string(t)), true
}
