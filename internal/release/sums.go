package release

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
)

// File names of a release directory besides the artefacts.
const (
	SumsFile      = "SHA256SUMS"
	SignatureFile = "SHA256SUMS.sig"
)

// Sums is SHA256SUMS: one "<hex SHA-256>  <name>" line per artefact,
// sorted by name, as sha256sum writes and `sha256sum -c` checks.
func Sums(artefacts map[string][]byte) []byte {
	names := make([]string, 0, len(artefacts))
	for n := range artefacts {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		h := sha256.Sum256(artefacts[n])
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h[:]), n)
	}
	return b.Bytes()
}

// SumsEntry is a line of SHA256SUMS.
type SumsEntry struct {
	Name string
	Sum  [sha256.Size]byte
}

// ParseSums reads SHA256SUMS strictly: every line "<64 hex digits>, two
// spaces (or a space and the binary marker *), a plain file name", each
// name once. A name with a directory, "..", or a control character is
// refused: verify-release checks the files of one directory.
func ParseSums(data []byte) ([]SumsEntry, error) {
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return nil, errors.New("SHA256SUMS: empty, or the last line has no newline (truncated?)")
	}
	var out []SumsEntry
	seen := map[string]bool{}
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		bad := func(why string) error { return fmt.Errorf("SHA256SUMS line %d: %s", i+1, why) }
		if len(line) < 67 || (line[64:66] != "  " && line[64:66] != " *") {
			return nil, bad("want a SHA-256 in hex, two spaces and a file name")
		}
		sum, err := hex.DecodeString(line[:64])
		if err != nil || strings.ToLower(line[:64]) != line[:64] {
			return nil, bad("the SHA-256 is not 64 lower-case hex digits")
		}
		name := line[66:]
		if name == "." || name == ".." || strings.ContainsAny(name, `/\`) || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return nil, bad(fmt.Sprintf("%q is not a plain file name", name))
		}
		if name == SumsFile || name == SignatureFile {
			return nil, bad(fmt.Sprintf("%s cannot list itself or its signature", SumsFile))
		}
		if seen[name] {
			return nil, bad(fmt.Sprintf("%q listed twice", name))
		}
		seen[name] = true
		e := SumsEntry{Name: name}
		copy(e.Sum[:], sum)
		out = append(out, e)
	}
	return out, nil
}

// The release signature signs the SHA-256 of SHA256SUMS, after a context
// string of its own, so that it can never be taken for a bundle signature
// made with the same key, nor the other way round.
const (
	signatureContext = "kubeproof release signature v1\x00"
	// SignatureLabel starts the signature line of SHA256SUMS.sig.
	SignatureLabel = "kubeproof-ed25519-release-signature-v1"
)

// SignedMessage is what the release signature signs: the context string
// and the SHA-256 of SHA256SUMS (docs/release.md shows how to check it
// with openssl).
func SignedMessage(sums []byte) []byte {
	h := sha256.Sum256(sums)
	return append([]byte(signatureContext), h[:]...)
}

// Sign returns SHA256SUMS.sig for the SHA256SUMS bytes sums: a comment,
// then "<label> <base64 public key> <base64 signature>". Ed25519 is
// deterministic: the same sums and key give the same file.
func Sign(sums []byte, key ed25519.PrivateKey) []byte {
	pub := key.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(key, SignedMessage(sums))
	return fmt.Appendf(nil, "# kubeproof release signature of SHA256SUMS by key %s (kubeproof verify-release)\n%s %s %s\n",
		bundle.KeyID(pub), SignatureLabel, base64.StdEncoding.EncodeToString(pub), base64.StdEncoding.EncodeToString(sig))
}

// Signature is a parsed SHA256SUMS.sig.
type Signature struct {
	PublicKey ed25519.PublicKey
	Sig       []byte
}

// KeyID is the signer's key id, as keygen prints it.
func (s *Signature) KeyID() string { return bundle.KeyID(s.PublicKey) }

// ErrBadSignature marks a signature file that is malformed or does not
// verify.
var ErrBadSignature = errors.New("bad release signature")

// ParseSignature reads SHA256SUMS.sig and checks it against sums: the
// format, the sizes, and the signature itself. Whether the key is trusted
// is the caller's decision.
func ParseSignature(data, sums []byte) (*Signature, error) {
	if len(data) > 4096 {
		return nil, fmt.Errorf("%w: %s larger than 4096 bytes", ErrBadSignature, SignatureFile)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		return nil, fmt.Errorf("%w: %d signature lines, want one %q line", ErrBadSignature, len(lines), SignatureLabel)
	}
	f := strings.Fields(lines[0])
	if len(f) != 3 || f[0] != SignatureLabel {
		return nil, fmt.Errorf("%w: want %q, the public key and the signature in base64", ErrBadSignature, SignatureLabel)
	}
	pub, err1 := base64.StdEncoding.Strict().DecodeString(f[1])
	sig, err2 := base64.StdEncoding.Strict().DecodeString(f[2])
	switch {
	case err1 != nil || len(pub) != ed25519.PublicKeySize:
		return nil, fmt.Errorf("%w: the public key is not %d bytes of base64", ErrBadSignature, ed25519.PublicKeySize)
	case err2 != nil || len(sig) != ed25519.SignatureSize:
		return nil, fmt.Errorf("%w: the signature is not %d bytes of base64", ErrBadSignature, ed25519.SignatureSize)
	case !ed25519.Verify(pub, SignedMessage(sums), sig):
		return nil, fmt.Errorf("%w: it does not verify: %s or %s was changed", ErrBadSignature, SumsFile, SignatureFile)
	}
	return &Signature{PublicKey: pub, Sig: sig}, nil
}

// Problem is a file of a release directory that failed verification.
type Problem struct {
	Name   string
	Reason string
}

func (p Problem) Error() string { return p.Name + ": " + p.Reason }

// Check is the outcome of checking a release directory.
type Check struct {
	Verified  []string   // artefacts whose SHA-256 matches SHA256SUMS
	Problems  []Problem  // artefacts missing, changed, or not listed
	Signature *Signature // nil: unsigned
}

// CheckDir checks the directory dir against its SHA256SUMS: every listed
// file present with its SHA-256, and no other file but SHA256SUMS.sig
// (whatever crosses the air gap is covered). It parses and checks
// SHA256SUMS.sig where present. An error means the directory could not be
// checked at all (no SHA256SUMS, a malformed one, a bad signature).
func CheckDir(dir string) (*Check, error) {
	sums, err := os.ReadFile(filepath.Join(dir, SumsFile))
	if err != nil {
		return nil, err
	}
	entries, err := ParseSums(sums)
	if err != nil {
		return nil, err
	}
	c := &Check{}
	if data, err := os.ReadFile(filepath.Join(dir, SignatureFile)); err == nil {
		if c.Signature, err = ParseSignature(data, sums); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	listed := map[string]bool{SumsFile: true, SignatureFile: true}
	for _, e := range entries {
		listed[e.Name] = true
		got, err := fileSum(filepath.Join(dir, e.Name))
		switch {
		case errors.Is(err, os.ErrNotExist):
			c.Problems = append(c.Problems, Problem{e.Name, "missing"})
		case err != nil:
			c.Problems = append(c.Problems, Problem{e.Name, err.Error()})
		case got != e.Sum:
			c.Problems = append(c.Problems, Problem{e.Name, fmt.Sprintf("SHA-256 %x, want %x: the file was changed or damaged", got, e.Sum)})
		default:
			c.Verified = append(c.Verified, e.Name)
		}
	}
	all, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range all {
		if !listed[e.Name()] {
			c.Problems = append(c.Problems, Problem{e.Name(), "not listed in " + SumsFile})
		}
	}
	sort.Slice(c.Problems, func(i, j int) bool { return c.Problems[i].Name < c.Problems[j].Name })
	return c, nil
}

// fileSum hashes a regular file (never a FIFO or a device).
func fileSum(name string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	fi, err := os.Lstat(name)
	if err != nil {
		return sum, err
	}
	if !fi.Mode().IsRegular() {
		return sum, errors.New("not a regular file")
	}
	f, err := os.Open(name)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}
