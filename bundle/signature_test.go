package bundle_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/zstd"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/fixturegen"
)

// signedV1 is smallV1 signed with the test key when it was committed. It
// is never re-signed: every run checks a signature made on another machine.
const signedV1 = "testdata/v1/small-signed.kpb"

const keysDir = "../fixtures/keys"

var (
	testKey  = fixturegen.TestKey()
	testPub  = testKey.Public().(ed25519.PublicKey)
	otherKey = fixturegen.OtherKey()
	otherPub = otherKey.Public().(ed25519.PublicKey)
)

// signatureFrame wraps a signature document in a skippable frame with the
// given magic number.
func signatureFrame(magic uint32, doc []byte) []byte {
	f := binary.LittleEndian.AppendUint32(nil, magic)
	f = binary.LittleEndian.AppendUint32(f, uint32(len(doc)))
	return append(f, doc...)
}

const sigMagic = 0x184D2A5B

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	data, err := bundle.EncodeJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestKeyFiles pins the key file format on the committed test keys.
func TestKeyFiles(t *testing.T) {
	for _, tt := range []struct {
		file string
		want []byte
	}{
		{"test.key", bundle.MarshalPrivateKey(testKey)},
		{"test.pub", bundle.MarshalPublicKey(testPub)},
		{"other.pub", bundle.MarshalPublicKey(otherPub)},
	} {
		got := readTestdata(t, filepath.Join(keysDir, tt.file))
		if !bytes.Equal(got, tt.want) {
			t.Errorf("%s:\n%s\nwant\n%s", tt.file, got, tt.want)
		}
	}
	priv, err := bundle.ParsePrivateKey(readTestdata(t, filepath.Join(keysDir, "test.key")))
	if err != nil || !priv.Equal(testKey) {
		t.Errorf("test.key parses to %x, %v", priv, err)
	}
	pub, err := bundle.ParsePublicKey(readTestdata(t, filepath.Join(keysDir, "test.pub")))
	if err != nil || !pub.Equal(testPub) {
		t.Errorf("test.pub parses to %x, %v", pub, err)
	}
	if id := bundle.KeyID(testPub); id != "861e14f0b0981c7c" || !strings.Contains(string(bundle.MarshalPublicKey(testPub)), id) {
		t.Errorf("key id %s", id)
	}
}

func TestParseKeyFile(t *testing.T) {
	pub := base64.StdEncoding.EncodeToString(testPub)
	seed := base64.StdEncoding.EncodeToString(testKey.Seed())
	for _, tt := range []struct {
		name, in string
		private  bool
		err      string // "" for success
	}{
		{"public", "kubeproof-ed25519-public-key-v1 " + pub + "\n", false, ""},
		{"private", "kubeproof-ed25519-private-key-v1 " + seed + "\n", true, ""},
		{"comments, blank lines, CRLF, no final newline", "# a comment\r\n\r\n  kubeproof-ed25519-public-key-v1   " + pub + "\r\n# more", false, ""},
		{"public as private", "kubeproof-ed25519-public-key-v1 " + pub + "\n", true, "this is a public key (signing takes the private key file, NAME.key)"},
		{"private as public", "kubeproof-ed25519-private-key-v1 " + seed + "\n", false, "this is a private key"},
		{"empty", "", false, "0 key lines"},
		{"only comments", "# kubeproof-ed25519-public-key-v1 " + pub + "\n", false, "0 key lines"},
		{"two keys", "kubeproof-ed25519-public-key-v1 " + pub + "\nkubeproof-ed25519-public-key-v1 " + pub + "\n", false, "2 key lines"},
		{"no key", "kubeproof-ed25519-public-key-v1\n", false, "separated by a space"},
		{"trailing field", "kubeproof-ed25519-public-key-v1 " + pub + " extra\n", false, "separated by a space"},
		{"unknown version", "kubeproof-ed25519-public-key-v2 " + pub + "\n", false, `unknown key type "kubeproof-ed25519-public-key-v2"`},
		{"an ssh key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB example\n", false, `unknown key type "ssh-ed25519"`},
		{"bad base64", "kubeproof-ed25519-public-key-v1 not*base64\n", false, "not valid base64"},
		{"unpadded", "kubeproof-ed25519-public-key-v1 " + strings.TrimRight(pub, "=") + "\n", false, "not valid base64"},
		{"stray bits", "kubeproof-ed25519-public-key-v1 " + pub[:42] + "N=\n", false, "not valid base64"},
		{"short key", "kubeproof-ed25519-public-key-v1 " + base64.StdEncoding.EncodeToString(testPub[:31]) + "\n", false, "a key of 31 bytes, want 32"},
		{"long seed", "kubeproof-ed25519-private-key-v1 " + base64.StdEncoding.EncodeToString(testKey) + "\n", true, "a key of 64 bytes, want 32"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.private {
				var k ed25519.PrivateKey
				k, err = bundle.ParsePrivateKey([]byte(tt.in))
				if err == nil && !k.Equal(testKey) {
					t.Errorf("parsed another key")
				}
			} else {
				var k ed25519.PublicKey
				k, err = bundle.ParsePublicKey([]byte(tt.in))
				if err == nil && !k.Equal(testPub) {
					t.Errorf("parsed another key")
				}
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("error %v, want one saying %q", err, tt.err)
			case tt.err != "":
				var ke *bundle.KeyError
				if !errors.As(err, &ke) {
					t.Errorf("%T is not a *KeyError", err)
				}
				if strings.Contains(err.Error(), seed) {
					t.Error("the error shows the private key")
				}
			}
		})
	}
}

// TestSign checks what signing promises: the digest, the manifest and
// every member stay; the signed file is the unsigned one and a signature
// frame; signing is deterministic; the signature is checked and the key
// judged by a Keyring.
func TestSign(t *testing.T) {
	data := readTestdata(t, smallV1)
	orig := mustRead(t, data)
	signed, err := bundle.Sign(data, testKey)
	if err != nil {
		t.Fatal(err)
	}
	frame, err := bundle.SignatureFrame(orig.Digest, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(signed, append(bytes.Clone(data), frame...)) {
		t.Error("the signed bundle is not the unsigned one followed by its signature frame")
	}
	if again, _ := bundle.Sign(data, testKey); !bytes.Equal(again, signed) {
		t.Error("signing twice gives different bytes")
	}
	b := mustRead(t, signed)
	if b.Digest != orig.Digest || !bytes.Equal(b.ManifestBytes, orig.ManifestBytes) || !reflect.DeepEqual(b.Manifest, orig.Manifest) {
		t.Error("signing changed the manifest or the digest")
	}
	for _, m := range orig.Manifest.Members {
		x, _ := orig.Member(m.Path)
		y, ok := b.Member(m.Path)
		if !ok || !bytes.Equal(x, y) || !b.Verified(m.Path) {
			t.Errorf("member %s differs once signed", m.Path)
		}
	}
	s := b.Signature
	if s == nil || s.Algorithm != "ed25519" || s.KeyID != bundle.KeyID(testPub) || !bytes.Equal(s.PublicKey, testPub) || s.Digest != b.Digest {
		t.Fatalf("signature %+v", s)
	}
	if orig.Signature != nil {
		t.Error("an unsigned bundle has a signature")
	}
	// The message signed, as docs/bundle-format.md §7 specifies it.
	if msg := append([]byte("kubeproof bundle signature v1\x00"), b.Digest[:]...); !ed25519.Verify(testPub, msg, s.Signature) {
		t.Error("the signature is not of the documented message")
	}

	// Trust.
	id := bundle.KeyID(testPub)
	for _, tt := range []struct {
		name  string
		keys  *bundle.Keyring
		b     *bundle.Bundle
		trust bundle.Trust
		says  string
	}{
		{"trusted", bundle.NewKeyring(otherPub, testPub), b, bundle.Trusted, "signed and verified (key " + id + ")"},
		{"another key trusted", bundle.NewKeyring(otherPub), b, bundle.UnknownKey, "signed by an unknown key " + id},
		{"no key trusted", nil, b, bundle.UnknownKey, "signed by an unknown key " + id},
		{"unsigned", bundle.NewKeyring(testPub), orig, bundle.Unsigned, "unsigned"},
	} {
		if got := tt.keys.Trust(tt.b); got != tt.trust {
			t.Errorf("%s: Trust = %v, want %v", tt.name, got, tt.trust)
		}
		if got := tt.keys.Describe(tt.b); got != tt.says {
			t.Errorf("%s: Describe = %q, want %q", tt.name, got, tt.says)
		}
		err := tt.keys.Require(tt.b)
		var te *bundle.TrustError
		switch {
		case tt.trust == bundle.Trusted && err != nil:
			t.Errorf("%s: Require: %v", tt.name, err)
		case tt.trust != bundle.Trusted && (!errors.Is(err, bundle.ErrUntrusted) || !errors.As(err, &te) || te.Trust != tt.trust):
			t.Errorf("%s: Require: %v, want a *TrustError", tt.name, err)
		}
	}
	// A key with the same id but other bytes is not trusted: keys are
	// compared in full.
	forged := *s
	forged.PublicKey = otherPub
	fb := *b
	fb.Signature = &forged
	if bundle.NewKeyring(testPub).Trust(&fb) == bundle.Trusted {
		t.Error("a key is trusted by its id alone")
	}

	// Sign refuses what it cannot vouch for.
	if _, err := bundle.Sign(signed, otherKey); err == nil || !strings.Contains(err.Error(), "already signed (key "+id+")") {
		t.Errorf("signing a signed bundle: %v", err)
	}
	if _, err := bundle.Sign(readTestdata(t, filepath.Join(hostileDir, "digest-mismatch.kpb")), testKey); !errors.Is(err, bundle.ErrIntegrity) {
		t.Errorf("signing a damaged bundle: %v", err)
	}
	if _, err := bundle.SignatureFrame(b.Digest, testKey[:32]); err == nil {
		t.Error("a 32-byte private key accepted")
	}
}

// TestSignedRelease reads the committed signed bundle: its signature,
// made when it was committed, verifies with the committed public key.
func TestSignedRelease(t *testing.T) {
	unsigned := readTestdata(t, smallV1)
	if _, err := os.Stat(signedV1); os.IsNotExist(err) && *update {
		signed, err := bundle.Sign(unsigned, testKey)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(signedV1, signed, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data := readTestdata(t, signedV1)
	b, err := bundle.Open(signedV1, bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := bundle.ParsePublicKey(readTestdata(t, filepath.Join(keysDir, "test.pub")))
	if err != nil {
		t.Fatal(err)
	}
	if err := bundle.NewKeyring(pub).Require(b); err != nil {
		t.Error(err)
	}
	if !bytes.HasPrefix(data, unsigned) || b.Digest != mustRead(t, unsigned).Digest {
		t.Error("the signed bundle is not the unsigned one with a signature")
	}
}

// TestSignatureProblems covers what may follow a bundle's frame. A
// signature that is malformed or does not verify is a problem of the
// bundle (the members are still returned); anything but one signature
// frame after the bundle's frame is a malformed stream.
func TestSignatureProblems(t *testing.T) {
	data := readTestdata(t, smallV1)
	d := mustRead(t, data).Digest
	good := bundle.NewSignature(d, testKey)
	doc := func(edit func(s *bundle.Signature)) []byte {
		s := good
		s.PublicKey, s.Signature = bytes.Clone(s.PublicKey), bytes.Clone(s.Signature)
		edit(&s)
		return signatureFrame(sigMagic, mustJSON(t, s))
	}
	goodFrame := doc(func(*bundle.Signature) {})
	goodDoc := mustJSON(t, good)
	pubB64 := base64.StdEncoding.EncodeToString(good.PublicKey)
	bare := func(t *testing.T, s string) []byte { return signatureFrame(sigMagic, []byte(s)) }
	for _, tt := range []struct {
		name  string
		after []byte // appended to the unsigned bundle
		file  []byte // instead, the whole file
		fatal bool
		msg   string
	}{
		{name: "signature bit flipped", after: doc(func(s *bundle.Signature) { s.Signature[10] ^= 1 }),
			msg: "bad signature: the signature does not verify"},
		{name: "signature of another bundle", after: doc(func(s *bundle.Signature) {
			*s = bundle.NewSignature(bundle.Hash([]byte("another manifest")), testKey)
		}), msg: "it signs bundle sha256:" + bundle.Hash([]byte("another manifest")).String() + ", not this bundle"},
		{name: "signed digest changed", after: doc(func(s *bundle.Signature) { s.Digest = bundle.Hash([]byte("x")) }), msg: "not this bundle"},
		{name: "key swapped", after: doc(func(s *bundle.Signature) { s.PublicKey, s.KeyID = otherPub, bundle.KeyID(otherPub) }),
			msg: "does not verify"},
		{name: "key id of another key", after: doc(func(s *bundle.Signature) { s.KeyID = bundle.KeyID(otherPub) }),
			msg: `key id "` + bundle.KeyID(otherPub) + `" is not that of the public key`},
		{name: "unknown algorithm", after: doc(func(s *bundle.Signature) { s.Algorithm = "rsa" }), msg: `unsupported algorithm "rsa"`},
		{name: "short public key", after: doc(func(s *bundle.Signature) { s.PublicKey = s.PublicKey[:31] }), msg: "public key of 31 bytes, want 32"},
		{name: "short signature", after: doc(func(s *bundle.Signature) { s.Signature = s.Signature[:63] }), msg: "signature of 63 bytes, want 64"},
		{name: "unknown field", after: bare(t, strings.Replace(string(goodDoc), "{\n", "{\n  \"comment\": \"x\",\n", 1)), msg: `unknown field "comment"`},
		{name: "not JSON", after: bare(t, "signed, honest\n"), msg: "decoding the signature document"},
		{name: "compact JSON", after: bare(t, strings.Join(strings.Fields(string(goodDoc)), "")+"\n"), msg: "not in the one JSON encoding"},
		{name: "data after the document", after: bare(t, string(goodDoc)+"{}\n"), msg: "not in the one JSON encoding"},
		{name: "base64 with stray bits", after: bare(t, strings.Replace(string(goodDoc), pubB64, pubB64[:42]+string(pubB64[42]^1)+"=", 1)),
			msg: "not in the one JSON encoding"},
		{name: "empty document", after: bare(t, ""), msg: "decoding the signature document"},

		{name: "two signature frames", after: append(bytes.Clone(goodFrame), goodFrame...), fatal: true, msg: "a second signature frame"},
		{name: "data after the signature frame", after: append(bytes.Clone(goodFrame), "\n"...), fatal: true, msg: "data after the signature frame"},
		{name: "another skippable frame", after: signatureFrame(0x184D2A50, goodDoc), fatal: true, msg: "a skippable frame (magic 0x184d2a50) after the zstd frame, not a kubeproof signature frame"},
		{name: "another skippable frame after the signature", after: append(bytes.Clone(goodFrame), signatureFrame(0x184D2A5E, nil)...), fatal: true, msg: "data after the signature frame"},
		{name: "truncated signature frame", after: goodFrame[:len(goodFrame)-1], fatal: true, msg: "truncated signature frame"},
		{name: "frame size beyond the limit", after: signatureFrame(sigMagic, bytes.Repeat([]byte(" "), 4097)), fatal: true, msg: "a signature frame of 4097 bytes, more than 4096"},
		{name: "frame size field only", after: goodFrame[:6], fatal: true, msg: "data after the zstd frame"},
		{name: "a second bundle frame", after: data, fatal: true, msg: "data after the zstd frame"},
		{name: "huge data after the frame", after: bytes.Repeat([]byte{0x5b, 0x2a, 0x4d, 0x18, 0xff, 0xff, 0xff, 0xff}, 1<<16), fatal: true, msg: "a signature frame of 4294967295 bytes"},
		{name: "signature before the bundle", file: append(bytes.Clone(goodFrame), data...), fatal: true, msg: "the file starts with a skippable frame"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == nil {
				file = append(bytes.Clone(data), tt.after...)
			}
			b, err := bundle.Read(bytes.NewReader(file), bundle.Limits{})
			if err == nil {
				t.Fatal("read without error")
			}
			checkProblems(t, err)
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%q does not say %q", err, tt.msg)
			}
			if tt.fatal {
				if b != nil || !errors.Is(err, bundle.ErrFormat) {
					t.Errorf("want a fatal ErrFormat, got %v (bundle %v)", err, b != nil)
				}
				return
			}
			var se *bundle.SignatureError
			if !errors.Is(err, bundle.ErrSignature) || !errors.As(err, &se) {
				t.Fatalf("%v is not a *SignatureError", err)
			}
			if b == nil || b.Signature != nil || len(b.Unverified()) != 0 {
				t.Fatal("a bad signature must leave the verified members, and no signature")
			}
			for _, m := range b.Manifest.Members {
				if !b.Verified(m.Path) {
					t.Errorf("member %s lost", m.Path)
				}
			}
		})
	}
}

// TestSignatureFrameWalk signs bundles whose frames are laid out in every
// way an encoder may choose (content size or none, single segment or a
// window descriptor, raw, RLE and compressed blocks, many blocks), and
// reads them through readers that return a byte or a few at a time, so
// that the frame's end is found wherever the reads cut it.
func TestSignatureFrameWalk(t *testing.T) {
	random := make([]byte, 300<<10)
	for i := range random {
		random[i] = byte(i*7919 + i>>9*31 + i>>3)
	}
	for i := 0; i < len(random); i += 4 {
		binary.LittleEndian.PutUint32(random[i:], uint32(i)*2654435761)
	}
	extra := []entry{file("files/var/random.bin", random), file("files/var/zeros.bin", make([]byte, 400<<10))}
	ents := withSample(t, extra...)
	raw := tarOf(t, append([]entry{file(bundle.ManifestPath, sampleManifestBytes(t, 1, ents))}, ents...)...)
	encodings := map[string][]byte{
		"writer settings, one segment": zstdFrame(t, raw),
		"stream, no content size":      zstdStream(t, raw),
		"fastest, small window":        zstdStream(t, raw, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithWindowSize(1<<17)),
		"best":                         zstdStream(t, raw, zstd.WithEncoderLevel(zstd.SpeedBestCompression)),
		"no entropy coding":            zstdStream(t, raw, zstd.WithNoEntropyCompression(true)),
		"tiny bundle":                  zstdFrame(t, tarOf(t, file(bundle.ManifestPath, sampleManifestBytes(t, 1, nil)))),
	}
	for name, data := range encodings {
		b0, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		frame, err := bundle.SignatureFrame(b0.Digest, testKey)
		if err != nil {
			t.Fatal(err)
		}
		signed := append(bytes.Clone(data), frame...)
		for _, wrap := range []struct {
			name string
			fn   func(io.Reader) io.Reader
		}{
			{"whole", func(r io.Reader) io.Reader { return r }},
			{"byte by byte", iotest.OneByteReader},
			{"half reads", iotest.HalfReader},
		} {
			b, err := bundle.Read(wrap.fn(bytes.NewReader(signed)), bundle.Limits{})
			if err != nil {
				t.Errorf("%s, %s: %v", name, wrap.name, err)
				continue
			}
			if b.Signature == nil || b.Digest != b0.Digest {
				t.Errorf("%s, %s: signature %v", name, wrap.name, b.Signature)
			}
		}
	}
}

// TestByteFlipsSigned flips every bit, and every whole byte, of the
// committed signed bundle, and verifies each as `kubeproof verify
// --trusted-key --require-signature` does. Every flip must be refused,
// except those that leave every decompressed byte as it was (see
// TestByteFlips); a flip in the signature frame is always refused.
func TestByteFlipsSigned(t *testing.T) {
	data := readTestdata(t, signedV1)
	unsigned := len(readTestdata(t, smallV1))
	keys := bundle.NewKeyring(testPub)
	orig := mustRead(t, data)
	var flips, detected, harmless int
	for i := range data {
		for _, mask := range []byte{0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff} {
			c := bytes.Clone(data)
			c[i] ^= mask
			flips++
			b, err := bundle.Read(bytes.NewReader(c), bundle.Limits{})
			if err == nil {
				err = keys.Require(b)
			}
			if err != nil {
				detected++
				continue
			}
			if i >= unsigned {
				t.Errorf("flip of %#02x at offset %d, in the signature frame: not detected", mask, i)
				continue
			}
			if b.Digest != orig.Digest || !reflect.DeepEqual(b.Signature, orig.Signature) || !reflect.DeepEqual(b.Manifest, orig.Manifest) {
				t.Errorf("flip of %#02x at offset %d: verified, and the content changed", mask, i)
				continue
			}
			sameMembers(t, orig, b, fmt.Sprintf("flip of %#02x at offset %d", mask, i))
			harmless++
		}
	}
	t.Logf("%d flips of a %d-byte signed bundle (signature frame from offset %d): %d detected, %d changed no decompressed byte",
		flips, len(data), unsigned, detected, harmless)
	if detected < flips*9/10 {
		t.Errorf("only %d of %d flips detected", detected, flips)
	}
}

// TestKeepUnverified reads damaged bundles as analyze --allow-unverified
// does: members whose content changed are returned, marked; the problems
// are reported all the same.
func TestKeepUnverified(t *testing.T) {
	const changed = "files/var/lib/kubelet/config.yaml"
	for _, tt := range []struct {
		file       string
		keep       bool
		unverified []string
		content    []byte // of changed, if returned
	}{
		{"digest-mismatch.kpb", false, []string{changed}, nil},
		{"digest-mismatch.kpb", true, []string{changed}, tamperNew},
		{"missing-member.kpb", true, []string{"files/etc/kubernetes/admin.conf"}, nil},
		{"symlink.kpb", true, nil, nil}, // an unlisted entry: no listed member fails
		{"sparse.kpb", true, []string{"files/var/sparse/0", "files/var/sparse/1", "files/var/sparse/2", "files/var/sparse/3",
			"files/var/sparse/4", "files/var/sparse/5", "files/var/sparse/6", "files/var/sparse/7"}, nil},
	} {
		name := filepath.Join(hostileDir, tt.file)
		b, err := bundle.OpenWith(name, bundle.ReadOptions{KeepUnverified: tt.keep})
		if err == nil || b == nil {
			t.Fatalf("%s: %v, %v", name, b, err)
		}
		if got := b.Unverified(); !reflect.DeepEqual(got, tt.unverified) {
			t.Errorf("%s, keep %v: unverified %q, want %q", tt.file, tt.keep, got, tt.unverified)
		}
		data, ok := b.Member(changed)
		switch {
		case tt.content != nil && (!ok || !bytes.Equal(data, tt.content) || b.Verified(changed)):
			t.Errorf("%s, keep %v: changed member %q (%v), verified %v", tt.file, tt.keep, data, ok, b.Verified(changed))
		case tt.content == nil && tt.file == "digest-mismatch.kpb" && ok:
			t.Errorf("%s: the changed member is returned by a strict read", tt.file)
		}
		for _, m := range b.Manifest.Members {
			if _, ok := b.Member(m.Path); ok && !b.Verified(m.Path) != slices.Contains(tt.unverified, m.Path) {
				t.Errorf("%s: Verified(%s) = %v", tt.file, m.Path, b.Verified(m.Path))
			}
		}
	}
	// Problems with the stream are never kept.
	if b, err := bundle.OpenWith(filepath.Join(hostileDir, "truncated.kpb"), bundle.ReadOptions{KeepUnverified: true}); b != nil || err == nil {
		t.Errorf("truncated bundle read with KeepUnverified: %v, %v", b, err)
	}
}
