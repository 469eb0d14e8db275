package bundle_test

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/kubeproof/kubeproof/bundle"
)

// fuzzLimits are small, so that a mutated bomb costs little time; the code
// paths are those of the default limits.
var fuzzLimits = bundle.Limits{MaxMembers: 500, MaxMemberSize: 256 << 10, MaxManifestSize: 256 << 10, MaxTotalSize: 1 << 20}

// seedBundles returns the committed bundles, valid and hostile, and a few
// written by the Writer. It fails if a glob matches nothing.
func seedBundles(t testing.TB) [][]byte {
	t.Helper()
	var seeds [][]byte
	for _, pattern := range []string{"testdata/v*/*.kpb", filepath.Join(hostileDir, "*.kpb")} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no seed matches %s", pattern)
		}
		for _, f := range files {
			seeds = append(seeds, readTestdata(t, f))
		}
	}
	if n := len(hostiles); len(seeds) < n+1 {
		t.Fatalf("%d seed files, want at least %d", len(seeds), n+1)
	}
	sample, _, _ := writeSample(t, sortedNames(sampleMembers(t)))
	empty, _, _, err := bundle.NewWriter().Finish(bundle.Manifest{})
	if err != nil {
		t.Fatal(err)
	}
	return append(seeds, sample, empty, unlistedExtras(t, 2))
}

// checkRead reads data and checks what any answer must satisfy: problems
// are typed, and whatever is returned verified against the manifest.
func checkRead(t *testing.T, data []byte) {
	b, err := bundle.Read(bytes.NewReader(data), fuzzLimits)
	if err != nil {
		checkProblems(t, err)
	}
	if b == nil {
		if err == nil {
			t.Fatal("no bundle and no error")
		}
		return
	}
	if bundle.Hash(b.ManifestBytes) != b.Digest {
		t.Fatal("the digest is not the hash of the manifest bytes")
	}
	if s := b.Signature; s != nil {
		doc, _ := bundle.EncodeJSON(s)
		if _, perr := bundle.ParseSignature(doc, b.Digest); perr != nil || s.Digest != b.Digest {
			t.Fatalf("a signature that does not verify is returned: %v", perr)
		}
	}
	m, perr := bundle.ParseManifest(b.ManifestBytes, fuzzLimits)
	if perr != nil || !reflect.DeepEqual(m, b.Manifest) {
		t.Fatalf("the manifest does not parse back: %v", perr)
	}
	if m.Format < bundle.MinFormatVersion || m.Format > bundle.FormatVersion {
		t.Fatalf("format %d accepted", m.Format)
	}
	for _, mem := range m.Members {
		data, ok := b.Member(mem.Path)
		if !ok {
			if err == nil {
				t.Fatalf("listed member %q absent, and no error", mem.Path)
			}
			continue
		}
		if int64(len(data)) != mem.Size || bundle.Hash(data) != mem.SHA256 {
			t.Fatalf("member %q returned with %d bytes %s, manifest says %d bytes %s",
				mem.Path, len(data), bundle.Hash(data), mem.Size, mem.SHA256)
		}
	}
}

// FuzzRead feeds the Reader whole files: seeded from the Writer's output
// and every committed bundle.
func FuzzRead(f *testing.F) {
	for _, s := range seedBundles(f) {
		f.Add(s)
	}
	f.Fuzz(checkRead)
}

var fuzzEncoder = func() *zstd.Encoder {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(true), zstd.WithEncoderConcurrency(1))
	if err != nil {
		panic(err)
	}
	return enc
}()

// FuzzReadTar feeds the Reader tar streams, compressed for it: mutations
// of the compressed bytes mostly meet the zstd checksum, while these reach
// the tar reader and the member checks.
func FuzzReadTar(f *testing.F) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderMaxMemory(1<<20))
	if err != nil {
		f.Fatal(err)
	}
	defer dec.Close()
	n := 0
	for _, s := range seedBundles(f) {
		raw, err := dec.DecodeAll(s, nil)
		if err != nil || len(raw) == 0 {
			continue // not zstd, corrupt, or a bomb
		}
		f.Add(raw)
		n++
	}
	if n < 10 {
		f.Fatalf("only %d tar seeds", n)
	}
	f.Add(tarOf(f, file(bundle.ManifestPath, sampleManifestBytes(f, 1, nil)), sparse("files/s", 100)))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkRead(t, fuzzEncoder.EncodeAll(raw, nil))
	})
}

// seedManifests returns the manifests of the committed valid bundles and
// of the Writer's output. It fails if a glob matches nothing.
func seedManifests(t testing.TB) [][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/v*/*.kpb")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no seed matches testdata/v*/*.kpb")
	}
	var seeds [][]byte
	for _, f := range files {
		seeds = append(seeds, mustRead(t, readTestdata(t, f)).ManifestBytes)
	}
	sample, _, _ := writeSample(t, sortedNames(sampleMembers(t)))
	seeds = append(seeds, mustRead(t, sample).ManifestBytes)
	// The unknown-version fixture's manifest, found without the Reader.
	raw, err := decompress(readTestdata(t, filepath.Join(hostileDir, "unknown-version.kpb")))
	if err != nil {
		t.Fatal(err)
	}
	hdr, body := firstMember(t, raw)
	if hdr != bundle.ManifestPath {
		t.Fatalf("first member %q", hdr)
	}
	seeds = append(seeds, body)
	return seeds
}

func decompress(data []byte) ([]byte, error) {
	dec, err := zstd.NewReader(nil)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	return dec.DecodeAll(data, nil)
}

func firstMember(t testing.TB, raw []byte) (string, []byte) {
	tr := tar.NewReader(bytes.NewReader(raw))
	hdr, err := tr.Next()
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(tr)
	if err != nil {
		t.Fatal(err)
	}
	return hdr.Name, body
}

// FuzzParseManifest checks that a manifest that parses encodes to one that
// parses to the same value, and that the encoding is then a fixed point.
func FuzzParseManifest(f *testing.F) {
	for _, s := range seedManifests(f) {
		f.Add(s)
	}
	f.Add([]byte(`{"format":1,"collector":{"name":"","version":""},"host":{"hostname":"h","os":{},"roles":null,"components":[]},` +
		`"collection":{"started":"2024-01-01T10:00:00+01:00","finished":"0001-01-01T00:00:00Z","user":{"uid":0,"gid":0},"mode":"","partial":false,"problems":0},` +
		`"members":[{"path":"files/a","size":1,"sha256":"sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"}]}`))
	f.Add([]byte(`{"format":2,"signature":"x"}`))
	f.Add([]byte(`{"FORMAT":1,"Members":[],"host":{"Runtimes":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := bundle.ParseManifest(data, bundle.Limits{})
		if err != nil {
			checkProblems(t, &bundle.VerifyError{Problems: []error{err}})
			return
		}
		enc, err := bundle.EncodeJSON(m)
		if err != nil {
			t.Fatalf("EncodeJSON of a parsed manifest: %v", err)
		}
		m2, err := bundle.ParseManifest(enc, bundle.Limits{})
		if err != nil {
			t.Fatalf("the re-encoded manifest does not parse: %v\n%s", err, enc)
		}
		if !equalManifests(m, m2) {
			t.Fatalf("the manifest changed through EncodeJSON:\n%+v\n%+v", m, m2)
		}
		enc2, err := bundle.EncodeJSON(m2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("the encoding is not a fixed point (%v):\n%s\n%s", err, enc, enc2)
		}
	})
}

// equalManifests compares manifests as values: times by instant and
// offset (a parsed time's *Location differs from parse to parse), and an
// empty slice as nil (EncodeJSON omits empty optional lists).
func equalManifests(a, b bundle.Manifest) bool {
	for _, p := range [][2]time.Time{
		{a.Collection.Started, b.Collection.Started},
		{a.Collection.Finished, b.Collection.Finished},
	} {
		_, oa := p[0].Zone()
		_, ob := p[1].Zone()
		if !p[0].Equal(p[1]) || oa != ob {
			return false
		}
	}
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func normalize(m bundle.Manifest) bundle.Manifest {
	m.Collection.Started, m.Collection.Finished = time.Time{}, time.Time{}
	nilIfEmpty(&m.Host.Roles)
	nilIfEmpty(&m.Host.Components)
	nilIfEmpty(&m.Host.Runtimes)
	nilIfEmpty(&m.Host.Kubernetes)
	nilIfEmpty(&m.Members)
	return m
}

func nilIfEmpty[T any](s *[]T) {
	if len(*s) == 0 {
		*s = nil
	}
}

// TestFuzzSeeds runs the fuzz properties over the seeds, and checks that
// a few edge cases of JSON keep to them.
func TestFuzzSeeds(t *testing.T) {
	for _, in := range []string{
		`{"format":1,"host":{"runtimes":[]}}`,
		`{"format":1,"collection":{"started":"2024-01-01T10:00:00+01:00"}}`,
		`{"format":1,"members":[{"path":"files/a","size":0,"sha256":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}]}`,
	} {
		m, err := bundle.ParseManifest([]byte(in), bundle.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		enc, _ := bundle.EncodeJSON(m)
		m2, err := bundle.ParseManifest(enc, bundle.Limits{})
		if err != nil || !equalManifests(m, m2) {
			t.Errorf("%s: round trip gives %+v, %v", in, m2, err)
		}
	}
}

// FuzzParseSignature checks that a signature document is accepted only in
// its one encoding, and only when it verifies.
func FuzzParseSignature(f *testing.F) {
	d := bundle.Hash([]byte("manifest"))
	good, err := bundle.EncodeJSON(bundle.NewSignature(d, testKey))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"algorithm":"ed25519","key_id":"","public_key":"","digest":"","signature":""}`))
	f.Add([]byte("{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := bundle.ParseSignature(data, d)
		if err != nil {
			if !errors.Is(err, bundle.ErrSignature) {
				t.Fatalf("%v is not ErrSignature", err)
			}
			return
		}
		enc, err := bundle.EncodeJSON(s)
		if err != nil || !bytes.Equal(enc, data) {
			t.Fatalf("accepted a document that is not in the one encoding:\n%q\n%q", data, enc)
		}
		if !ed25519.Verify(s.PublicKey, append([]byte("kubeproof bundle signature v1\x00"), d[:]...), s.Signature) {
			t.Fatal("accepted a signature that does not verify")
		}
	})
}

// FuzzParseKeyFile checks that key files never panic the parsers and
// that a key that parses is written back to a file that parses to it.
func FuzzParseKeyFile(f *testing.F) {
	f.Add(bundle.MarshalPrivateKey(testKey))
	f.Add(bundle.MarshalPublicKey(testPub))
	f.Add([]byte("kubeproof-ed25519-public-key-v1 \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if k, err := bundle.ParsePrivateKey(data); err == nil {
			if k2, err := bundle.ParsePrivateKey(bundle.MarshalPrivateKey(k)); err != nil || !k2.Equal(k) {
				t.Fatalf("private key round trip: %v", err)
			}
		}
		if k, err := bundle.ParsePublicKey(data); err == nil {
			if k2, err := bundle.ParsePublicKey(bundle.MarshalPublicKey(k)); err != nil || !k2.Equal(k) {
				t.Fatalf("public key round trip: %v", err)
			}
		}
	})
}
