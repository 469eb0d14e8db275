package bundle_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/kubeproof/kubeproof/bundle"
)

// Tests written against the mutants of the bundle package that the suite
// let live (issue 15, make mutate): each names the boundary it holds.

// chunkReader returns at most n bytes a read.
type chunkReader struct {
	r io.Reader
	n int
}

func (c chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// outcome is what reading a bundle gives, as a comparable string.
func outcome(b *bundle.Bundle, err error) string {
	var s strings.Builder
	if err != nil {
		s.WriteString("error: " + err.Error() + "\n")
	}
	if b != nil {
		s.WriteString("digest " + b.Digest.String() + "\n")
		for _, m := range b.Manifest.Members {
			data, ok := b.Member(m.Path)
			s.WriteString(m.Path + " " + bundle.Hash(data).String() + " " + map[bool]string{true: "read", false: "not read"}[ok] + "\n")
		}
		if b.Signature != nil {
			s.WriteString("signed by " + b.Signature.KeyID + "\n")
		}
	}
	return s.String()
}

// TestReadInPieces: the walker that finds the end of the bundle's zstd
// frame follows its header, block headers, blocks and checksum across
// reads of any size. Every committed bundle, good or hostile, signed or
// not, reads the same whole, a byte at a time, and in pieces of 2, 3, 5
// and 7 bytes.
func TestReadInPieces(t *testing.T) {
	var files []string
	for _, pattern := range []string{"testdata/v1/*.kpb", "testdata/v2/*.kpb", "testdata/golden/*.kpb", filepath.Join(hostileDir, "*.kpb")} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 40 {
		t.Fatalf("only %d bundles to read", len(files))
	}
	signed, err := bundle.Sign(validBundle(t), testKey)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{"signed": signed, "signed, then 4 bytes": append(bytes.Clone(signed), 1, 2, 3, 4)}
	for _, f := range files {
		if strings.Contains(f, "bomb") || strings.Contains(f, "oversized") || strings.Contains(f, "sparse") {
			continue // large once decompressed: read whole by TestHostile
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = data
	}
	for name, data := range inputs {
		want := outcome(bundle.Read(bytes.NewReader(data), bundle.Limits{}))
		readers := map[string]io.Reader{
			"one byte": iotest.OneByteReader(bytes.NewReader(data)),
			"half":     iotest.HalfReader(bytes.NewReader(data)),
		}
		for _, n := range []int{2, 3, 5, 7} {
			readers[string(rune('0'+n))+" bytes"] = chunkReader{bytes.NewReader(data), n}
		}
		for rn, r := range readers {
			if got := outcome(bundle.Read(r, bundle.Limits{})); got != want {
				t.Errorf("%s read %s:\n got %s\nwant %s", name, rn, got, want)
			}
		}
	}
}

// TestSecondSignatureFrameMagic: four bytes after the signature frame are
// enough to name a second signature frame.
func TestSecondSignatureFrameMagic(t *testing.T) {
	signed, err := bundle.Sign(validBundle(t), testKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		tail []byte
		want string
	}{
		{[]byte{0x5b, 0x2a, 0x4d, 0x18}, "a second signature frame"},
		{[]byte{0x5b, 0x2a, 0x4d}, "data after the signature frame"},
		{[]byte{0x50, 0x2a, 0x4d, 0x18}, "data after the signature frame"},
	} {
		_, err := bundle.Read(bytes.NewReader(append(bytes.Clone(signed), tt.tail...)), bundle.Limits{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("signed bundle and % x: %v, want %q", tt.tail, err, tt.want)
		}
	}
}

// TestLimitBoundaries: each limit admits exactly its value.
func TestLimitBoundaries(t *testing.T) {
	data := validBundle(t)
	b := mustRead(t, data)
	largest, total := int64(0), int64(0)
	for _, m := range b.Manifest.Members {
		largest = max(largest, m.Size)
	}
	raw, err := decompress(data)
	if err != nil {
		t.Fatal(err)
	}
	total = int64(len(raw))
	members := len(b.Manifest.Members) + 1
	tests := []struct {
		name string
		lim  bundle.Limits
		ok   bool
	}{
		{"member size at the limit", bundle.Limits{MaxMemberSize: largest}, true},
		{"member size one under", bundle.Limits{MaxMemberSize: largest - 1}, false},
		{"member count at the limit", bundle.Limits{MaxMembers: members}, true},
		{"member count one under", bundle.Limits{MaxMembers: members - 1}, false},
		{"decompressed size at the limit", bundle.Limits{MaxTotalSize: total}, true},
		{"decompressed size one under", bundle.Limits{MaxTotalSize: total - 1}, false},
		{"manifest size at the limit", bundle.Limits{MaxManifestSize: int64(len(b.ManifestBytes))}, true},
		{"manifest size one under", bundle.Limits{MaxManifestSize: int64(len(b.ManifestBytes)) - 1}, false},
	}
	for _, tt := range tests {
		_, err := bundle.Read(bytes.NewReader(data), tt.lim)
		if (err == nil) != tt.ok {
			t.Errorf("%s (%+v): %v", tt.name, tt.lim, err)
		}
		if !tt.ok && !errors.Is(err, bundle.ErrLimit) {
			t.Errorf("%s: %v, want a limit error", tt.name, err)
		}
	}
}

// TestSignatureDocumentSize: a document of exactly the maximum size is
// read (and refused for what it says), one byte more is refused unread.
func TestSignatureDocumentSize(t *testing.T) {
	d := bundle.Hash([]byte("m"))
	for _, tt := range []struct {
		size    int
		tooLong bool
	}{{4096, false}, {4097, true}} {
		_, err := bundle.ParseSignature(bytes.Repeat([]byte(" "), tt.size), d)
		if got := err != nil && strings.Contains(err.Error(), "larger than 4096 bytes"); got != tt.tooLong {
			t.Errorf("%d bytes: %v", tt.size, err)
		}
	}
}

// TestSignatureErrorUnwrap: a signature error is ErrSignature and, when
// it has one, its cause.
func TestSignatureErrorUnwrap(t *testing.T) {
	cause := errors.New("cause")
	if e := (&bundle.SignatureError{Reason: "r"}); len(e.Unwrap()) != 1 || !errors.Is(e, bundle.ErrSignature) || e.Error() != "bad signature: r" {
		t.Errorf("without a cause: %v %v", e.Unwrap(), e)
	}
	if e := (&bundle.SignatureError{Reason: "r", Err: cause}); !errors.Is(e, cause) || !errors.Is(e, bundle.ErrSignature) || e.Error() != "bad signature: r: cause" {
		t.Errorf("with a cause: %v %v", e.Unwrap(), e)
	}
}

// TestFileMemberSlashes: every leading slash goes, and an empty path is
// the directory itself.
func TestFileMemberSlashes(t *testing.T) {
	for in, want := range map[string]string{"": "files/", "/": "files/", "///etc/x": "files/etc/x", "etc/x": "files/etc/x"} {
		if got := bundle.FileMember(in); got != want {
			t.Errorf("FileMember(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestKeyTypeQuoted: an unknown key type is quoted whole up to 40 bytes,
// cut beyond.
func TestKeyTypeQuoted(t *testing.T) {
	for _, tt := range []struct{ typ, want string }{
		{strings.Repeat("a", 40), `"` + strings.Repeat("a", 40) + `"`},
		{strings.Repeat("b", 41), `"` + strings.Repeat("b", 40) + `…"`},
	} {
		_, err := bundle.ParsePublicKey([]byte(tt.typ + " AAAA\n"))
		if err == nil || !strings.Contains(err.Error(), "unknown key type "+tt.want+",") {
			t.Errorf("key type of %d bytes: %v, want %s", len(tt.typ), err, tt.want)
		}
	}
}

// TestManifestKeysBehindPointers: the exact spelling of keys is checked
// inside a struct reached through a pointer (the redaction record) too,
// where encoding/json would match any case.
func TestManifestKeysBehindPointers(t *testing.T) {
	m := sampleManifest()
	m.Format = bundle.NodeFormat
	m.Redaction = &bundle.Redaction{Rules: "closed-world"}
	good, err := bundle.EncodeJSON(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.ParseManifest(good, bundle.Limits{}); err != nil {
		t.Fatalf("the manifest with a redaction record: %v", err)
	}
	bad := bytes.Replace(good, []byte(`"rules":`), []byte(`"Rules":`), 1)
	if bytes.Equal(bad, good) {
		t.Fatal("no rules key in the manifest")
	}
	_, err = bundle.ParseManifest(bad, bundle.Limits{})
	if err == nil || !strings.Contains(err.Error(), `unknown key "redaction.Rules"`) {
		t.Errorf("a key spelt Rules: %v", err)
	}
}

// TestManifestKeysInLists: keys are checked inside the items of a list,
// and the error names the item.
func TestManifestKeysInLists(t *testing.T) {
	data := sampleManifestBytes(t, bundle.NodeFormat, sampleEntries(t))
	i := bytes.Index(data, []byte(`"size":`))
	j := bytes.Index(data[i+1:], []byte(`"size":`)) + i + 1
	if i < 0 || j <= i {
		t.Fatal("fewer than two members")
	}
	bad := slices.Concat(data[:j], []byte(`"Size":`), data[j+len(`"size":`):])
	_, err := bundle.ParseManifest(bad, bundle.Limits{})
	if err == nil || !strings.Contains(err.Error(), `unknown key "members[1].Size"`) {
		t.Errorf("a key spelt Size in the second member: %v", err)
	}
}

// TestManifestMemberCount: ParseManifest counts the manifest itself
// among the members a limit admits.
func TestManifestMemberCount(t *testing.T) {
	ents := sampleEntries(t)
	data := sampleManifestBytes(t, bundle.NodeFormat, ents)
	if _, err := bundle.ParseManifest(data, bundle.Limits{MaxMembers: len(ents) + 1}); err != nil {
		t.Errorf("%d members and the manifest, limit %d: %v", len(ents), len(ents)+1, err)
	}
	_, err := bundle.ParseManifest(data, bundle.Limits{MaxMembers: len(ents)})
	var le *bundle.LimitError
	if !errors.As(err, &le) || le.What != "member count" || le.Path != bundle.ManifestPath {
		t.Errorf("%d members and the manifest, limit %d: %v", len(ents), len(ents), err)
	}
}
