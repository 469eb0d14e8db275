package bundle_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/kubeproof/kubeproof/bundle"
)

var updateHostile = flag.Bool("update-hostile", false, "regenerate the hostile bundles under testdata/hostile/")

const hostileDir = "testdata/hostile"

// entry is one tar entry of a hand-built stream. The generators build what
// the Writer refuses to: links, devices, bad names, duplicates, lies.
type entry struct {
	hdr   *tar.Header
	data  []byte
	zeros int64  // if > 0, the content is that many zero bytes (hdr.Size says so too)
	raw   []byte // if set, written to the stream as is, in place of an entry
}

func header(name string, typ byte, size int64) *tar.Header {
	return &tar.Header{Typeflag: typ, Name: name, Mode: 0o644, Size: size, ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
}

func file(name string, data []byte) entry {
	return entry{hdr: header(name, tar.TypeReg, int64(len(data))), data: data}
}

func zeros(name string, n int64) entry { return entry{hdr: header(name, tar.TypeReg, n), zeros: n} }

func symlink(name, target string) entry {
	h := header(name, tar.TypeSymlink, 0)
	h.Linkname = target
	return entry{hdr: h}
}

func hardlink(name, target string) entry {
	h := header(name, tar.TypeLink, 0)
	h.Linkname = target
	return entry{hdr: h}
}

func device(name string, major, minor int64) entry {
	h := header(name, tar.TypeChar, 0)
	h.Devmajor, h.Devminor = major, minor
	return entry{hdr: h}
}

// sparse is a PAX (GNU 0.1) sparse file: a header and no data on disk that
// a tar reader expands to size zero bytes. archive/tar cannot write one.
func sparse(name string, size int64) entry {
	var raw []byte
	raw = append(raw, rawBlock(tar.TypeXHeader, "PaxHeaders/"+name, paxRecords(
		"GNU.sparse.major", "0",
		"GNU.sparse.minor", "1",
		"GNU.sparse.name", name,
		"GNU.sparse.size", fmt.Sprint(size),
		"GNU.sparse.numblocks", "1",
		"GNU.sparse.map", fmt.Sprintf("%d,0", size),
	))...)
	raw = append(raw, rawBlock(tar.TypeReg, name, nil)...)
	return entry{raw: raw}
}

func paxRecords(kv ...string) []byte {
	var b []byte
	for i := 0; i < len(kv); i += 2 {
		rec := " " + kv[i] + "=" + kv[i+1] + "\n"
		n := len(rec)
		for len(fmt.Sprint(n))+len(rec) != n {
			n = len(fmt.Sprint(n)) + len(rec)
		}
		b = append(b, fmt.Sprint(n)+rec...)
	}
	return b
}

// rawBlock returns a USTAR header block of type typ followed by data and
// its padding.
func rawBlock(typ byte, name string, data []byte) []byte {
	var blk [512]byte
	copy(blk[0:100], name)
	copy(blk[100:108], "0000644\x00")
	copy(blk[108:116], "0000000\x00")
	copy(blk[116:124], "0000000\x00")
	copy(blk[124:136], fmt.Sprintf("%011o\x00", len(data)))
	copy(blk[136:148], "00000000000\x00")
	blk[156] = typ
	copy(blk[257:265], "ustar\x0000")
	copy(blk[148:156], "        ")
	var sum int
	for _, c := range blk {
		sum += int(c)
	}
	copy(blk[148:156], fmt.Sprintf("%06o\x00 ", sum))
	out := append(blk[:], data...)
	if pad := len(data) % 512; pad != 0 {
		out = append(out, make([]byte, 512-pad)...)
	}
	return out
}

// writeTar writes the entries and the end-of-archive marker to w.
func writeTar(w io.Writer, ents ...entry) error {
	tw := tar.NewWriter(w)
	for _, e := range ents {
		if e.raw != nil {
			if err := tw.Flush(); err != nil {
				return err
			}
			if _, err := w.Write(e.raw); err != nil {
				return err
			}
			continue
		}
		if err := tw.WriteHeader(e.hdr); err != nil {
			return fmt.Errorf("%s: %w", e.hdr.Name, err)
		}
		if e.zeros > 0 {
			if _, err := io.CopyN(tw, zeroReader{}, e.zeros); err != nil {
				return err
			}
		} else if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	return tw.Close()
}

func tarOf(t testing.TB, ents ...entry) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writeTar(&b, ents...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// encoderOptions are the Writer's zstd settings.
func encoderOptions(crc bool) []zstd.EOption {
	return []zstd.EOption{
		zstd.WithEncoderLevel(zstd.SpeedBetterCompression),
		zstd.WithEncoderConcurrency(1),
		zstd.WithEncoderCRC(crc),
		zstd.WithWindowSize(4 << 20),
	}
}

// zstdFrame compresses raw into one frame as the Writer does (with the
// content size in the frame header).
func zstdFrame(t testing.TB, raw []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil, encoderOptions(true)...)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(raw, nil)
}

// zstdStream compresses raw as a stream: the frame header holds no content
// size, as a hostile writer may choose.
func zstdStream(t testing.TB, raw []byte, opts ...zstd.EOption) []byte {
	t.Helper()
	return zstdTar(t, func(w io.Writer) error { _, err := w.Write(raw); return err }, opts...)
}

// zstdTar compresses what write writes as a stream, without holding the
// uncompressed bytes. opts are added to the Writer's settings.
func zstdTar(t testing.TB, write func(io.Writer) error, opts ...zstd.EOption) []byte {
	t.Helper()
	var b bytes.Buffer
	enc, err := zstd.NewWriter(&b, append(encoderOptions(true), opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(enc); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sampleEntries are the members of the sample bundle, sorted.
func sampleEntries(t testing.TB) []entry {
	members := sampleMembers(t)
	var ents []entry
	for _, name := range sortedNames(members) {
		ents = append(ents, file(name, members[name]))
	}
	return ents
}

// sampleManifestBytes encodes the sample manifest with the given format and
// the regular files among listed as its members.
func sampleManifestBytes(t testing.TB, format int, listed []entry) []byte {
	t.Helper()
	m := sampleManifest()
	m.Format = format
	m.Members = []bundle.Member{}
	for _, e := range listed {
		m.Members = append(m.Members, bundle.Member{Path: e.hdr.Name, Size: int64(len(e.data)), SHA256: bundle.Hash(e.data)})
	}
	slices.SortFunc(m.Members, func(a, b bundle.Member) int { return strings.Compare(a.Path, b.Path) })
	data, err := bundle.EncodeJSON(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// build returns a bundle whose manifest lists listed and whose tar stream
// holds the manifest and then ents.
func build(t testing.TB, listed, ents []entry) []byte {
	t.Helper()
	all := append([]entry{file(bundle.ManifestPath, sampleManifestBytes(t, bundle.NodeFormat, listed))}, ents...)
	return zstdFrame(t, tarOf(t, all...))
}

// withSample returns the sample entries followed by extra.
func withSample(t testing.TB, extra ...entry) []entry {
	return append(sampleEntries(t), extra...)
}

// validBundle is the sample bundle built by hand: the base of the hostile ones.
func validBundle(t testing.TB) []byte { return build(t, sampleEntries(t), sampleEntries(t)) }

const kubeletConf = "files/etc/kubernetes/kubelet.conf"

var (
	tamperOrig = []byte("authentication:\n  anonymous:\n    enabled: false\n")
	tamperNew  = []byte("authentication:\n  anonymous:\n    enabled: true \n")
)

// hostile is one named fixture: how it is made and what reading it must say.
type hostile struct {
	file  string
	build func(t testing.TB) []byte
	is    []error
	msg   string
	// partial: only members are refused; Read still returns the good ones.
	partial bool
	// tampered is a member of the sample whose content this bundle
	// changes: the check says what becomes of it.
	tampered string
	check    func(t *testing.T, b *bundle.Bundle, err error)
}

var hostiles = []hostile{
	{
		file: "traversal.kpb",
		build: func(t testing.TB) []byte {
			return build(t, sampleEntries(t), withSample(t,
				file("../etc/passwd", []byte("root::0:0:root:/root:/bin/sh\n")),
				file("files/../../x", []byte("x"))))
		},
		is: []error{bundle.ErrInsecurePath}, msg: `member "../etc/passwd": insecure member path (dot element)`, partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			wantMemberErrors(t, err, bundle.ErrInsecurePath, "../etc/passwd", "files/../../x")
		},
	},
	{
		file: "absolute.kpb",
		build: func(t testing.TB) []byte {
			return build(t, sampleEntries(t), withSample(t, file("/etc/shadow", []byte("root:$6$salt$hash:19000:0:99999:7:::\n"))))
		},
		is: []error{bundle.ErrInsecurePath}, msg: `member "/etc/shadow": insecure member path (absolute)`, partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			wantMemberErrors(t, err, bundle.ErrInsecurePath, "/etc/shadow")
		},
	},
	{
		file: "symlink.kpb",
		build: func(t testing.TB) []byte {
			return build(t, sampleEntries(t), withSample(t, symlink("files/etc/kubernetes/admin.conf", "/etc/shadow")))
		},
		is: []error{bundle.ErrMemberType}, msg: "symlink to /etc/shadow", partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			wantMemberErrors(t, err, bundle.ErrMemberType, "files/etc/kubernetes/admin.conf")
		},
	},
	{
		file: "hardlink.kpb",
		build: func(t testing.TB) []byte {
			return build(t, sampleEntries(t), withSample(t, hardlink("files/etc/kubernetes/admin.conf", "manifest.json")))
		},
		is: []error{bundle.ErrMemberType}, msg: "hard link to manifest.json", partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			wantMemberErrors(t, err, bundle.ErrMemberType, "files/etc/kubernetes/admin.conf")
		},
	},
	{
		file: "device.kpb",
		build: func(t testing.TB) []byte {
			return build(t, sampleEntries(t), withSample(t, device("files/dev/kmsg", 1, 11)))
		},
		is: []error{bundle.ErrMemberType}, msg: `member "files/dev/kmsg": member is not a regular file (device)`, partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			wantMemberErrors(t, err, bundle.ErrMemberType, "files/dev/kmsg")
		},
	},
	{
		// A second copy of a listed member, that a careless extractor
		// would let overwrite the first.
		file: "duplicate.kpb",
		build: func(t testing.TB) []byte {
			return build(t, sampleEntries(t), withSample(t, file(bundle.ProcessesPath, []byte(`{"processes": []}`+"\n"))))
		},
		is: []error{bundle.ErrDuplicate}, msg: `member "facts/processes.json": duplicate member`, partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			wantMemberErrors(t, err, bundle.ErrDuplicate, bundle.ProcessesPath)
		},
	},
	{
		file: "unlisted.kpb",
		build: func(t testing.TB) []byte {
			return build(t, sampleEntries(t), withSample(t, file("files/etc/kubernetes/extra.conf", []byte("smuggled: true\n"))))
		},
		is: []error{bundle.ErrUnlisted}, msg: `member "files/etc/kubernetes/extra.conf": member not listed in manifest`, partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			wantMemberErrors(t, err, bundle.ErrUnlisted, "files/etc/kubernetes/extra.conf")
			if _, ok := b.Member("files/etc/kubernetes/extra.conf"); ok {
				t.Error("the unlisted member is returned")
			}
		},
	},
	{
		// Content changed after the manifest was made, size kept.
		file: "digest-mismatch.kpb",
		build: func(t testing.TB) []byte {
			listed := append(sampleEntries(t), file("files/var/lib/kubelet/config.yaml", tamperOrig))
			ents := append(sampleEntries(t), file("files/var/lib/kubelet/config.yaml", tamperNew))
			return build(t, listed, ents)
		},
		is:  []error{bundle.ErrIntegrity},
		msg: fmt.Sprintf(`member "files/var/lib/kubelet/config.yaml": sha256 %s, manifest says %s`, bundle.Hash(tamperNew), bundle.Hash(tamperOrig)), partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			var ie *bundle.IntegrityError
			if !errors.As(err, &ie) || ie.Path != "files/var/lib/kubelet/config.yaml" || ie.Missing ||
				ie.Want != bundle.Hash(tamperOrig) || ie.Got != bundle.Hash(tamperNew) ||
				ie.WantSize != int64(len(tamperOrig)) || ie.GotSize != ie.WantSize {
				t.Errorf("IntegrityError = %+v", ie)
			}
			if _, ok := b.Member(ie.Path); ok {
				t.Error("the tampered member is returned")
			}
		},
	},
	{
		file: "missing-member.kpb",
		build: func(t testing.TB) []byte {
			return build(t, append(sampleEntries(t), file("files/etc/kubernetes/admin.conf", []byte("apiVersion: v1\n"))), sampleEntries(t))
		},
		is: []error{bundle.ErrIntegrity}, msg: `member "files/etc/kubernetes/admin.conf": listed in the manifest but missing from the bundle`, partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			var ie *bundle.IntegrityError
			if !errors.As(err, &ie) || !ie.Missing || ie.Path != "files/etc/kubernetes/admin.conf" || ie.Want != bundle.Hash([]byte("apiVersion: v1\n")) {
				t.Errorf("IntegrityError = %+v", ie)
			}
		},
	},
	{
		file: "truncated.kpb",
		build: func(t testing.TB) []byte {
			data := validBundle(t)
			return data[:len(data)/2]
		},
		is: []error{bundle.ErrFormat}, msg: "truncated",
	},
	{
		file: "not-zstd.kpb",
		build: func(t testing.TB) []byte {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			if _, err := zw.Write(tarOf(t, append([]entry{file(bundle.ManifestPath, sampleManifestBytes(t, 1, sampleEntries(t)))}, sampleEntries(t)...)...)); err != nil {
				t.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		},
		is: []error{bundle.ErrFormat}, msg: "not a zstd stream (is this a kubeproof bundle?)",
	},
	{
		file: "manifest-not-first.kpb",
		build: func(t testing.TB) []byte {
			ents := sampleEntries(t)
			m := file(bundle.ManifestPath, sampleManifestBytes(t, 1, ents))
			return zstdFrame(t, tarOf(t, append([]entry{ents[0], m}, ents[1:]...)...))
		},
		is: []error{bundle.ErrFormat}, msg: `first member is "facts/pki.json", want "manifest.json"`,
	},
	{
		file: "manifest-symlink.kpb",
		build: func(t testing.TB) []byte {
			return zstdFrame(t, tarOf(t, append([]entry{symlink(bundle.ManifestPath, "/etc/shadow")}, sampleEntries(t)...)...))
		},
		is: []error{bundle.ErrFormat}, msg: `"manifest.json" is not a regular file (symlink to /etc/shadow)`,
	},
	{
		file: "unknown-version.kpb",
		build: func(t testing.TB) []byte {
			ents := sampleEntries(t)
			return zstdFrame(t, tarOf(t, append([]entry{file(bundle.ManifestPath, sampleManifestBytes(t, 99, ents))}, ents...)...))
		},
		is: []error{bundle.ErrVersion}, msg: "unsupported bundle format version 99 (this program reads versions 1 to 3; a newer kubeproof may read it)",
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			var ve *bundle.VersionError
			if !errors.As(err, &ve) || ve.Got != 99 || ve.Min != bundle.MinFormatVersion || ve.Max != bundle.FormatVersion {
				t.Errorf("VersionError = %+v", ve)
			}
		},
	},
	{
		// A header claiming more than MaxMemberSize; the zeros compress to
		// almost nothing.
		file: "oversized-member.kpb",
		build: func(t testing.TB) []byte {
			small := file("files/var/log/huge.log", []byte("small\n"))
			return zstdTar(t, func(w io.Writer) error {
				return writeTar(w, append([]entry{file(bundle.ManifestPath, sampleManifestBytes(t, 1, withSample(t, small)))},
					withSample(t, zeros("files/var/log/huge.log", bundle.DefaultLimits.MaxMemberSize+1))...)...)
			})
		},
		is: []error{bundle.ErrLimit}, msg: fmt.Sprintf(`member "files/var/log/huge.log": member size exceeds the limit of %d`, bundle.DefaultLimits.MaxMemberSize), partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			var le *bundle.LimitError
			if !errors.As(err, &le) || le.What != "member size" || le.Path != "files/var/log/huge.log" || le.Limit != bundle.DefaultLimits.MaxMemberSize {
				t.Errorf("LimitError = %+v", le)
			}
			checkMemory(t, "oversized-member.kpb")
		},
	},
	{
		// Listed members of zeros, each under MaxMemberSize, that together
		// with an unlisted member of zeros decompress to more than
		// MaxTotalSize: the reader must stop at the limit, holding no more
		// than it.
		file: "bomb.kpb",
		build: func(t testing.TB) []byte {
			const each = 15 << 20
			z := make([]byte, each)
			var listed, ents []entry
			for i := range 4 {
				name := fmt.Sprintf("files/var/zeros/%d", i)
				listed = append(listed, file(name, z))
				ents = append(ents, zeros(name, each))
			}
			ents = append(ents, zeros("files/var/zeros/bomb", 64<<20))
			return zstdTar(t, func(w io.Writer) error {
				return writeTar(w, append([]entry{file(bundle.ManifestPath, sampleManifestBytes(t, 1, withSample(t, listed...)))},
					withSample(t, ents...)...)...)
			})
		},
		is: []error{bundle.ErrLimit}, msg: fmt.Sprintf("exceeds the limit of %d", bundle.DefaultLimits.MaxTotalSize),
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			var le *bundle.LimitError
			if !errors.As(err, &le) || le.Limit != bundle.DefaultLimits.MaxTotalSize {
				t.Errorf("LimitError = %+v", le)
			}
			checkMemory(t, "bomb.kpb")
		},
	},
	{
		// PAX sparse members: no data on disk, 16 MiB of zeros each once
		// expanded, listed with the right digests.
		file: "sparse.kpb",
		build: func(t testing.TB) []byte {
			z := make([]byte, bundle.DefaultLimits.MaxMemberSize)
			var listed, ents []entry
			for i := range 8 {
				name := fmt.Sprintf("files/var/sparse/%d", i)
				listed = append(listed, file(name, z))
				ents = append(ents, sparse(name, int64(len(z))))
			}
			return build(t, withSample(t, listed...), withSample(t, ents...))
		},
		is: []error{bundle.ErrMemberType}, msg: `member "files/var/sparse/0": member is not a regular file (sparse file)`, partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			if _, ok := b.Member("files/var/sparse/0"); ok {
				t.Error("a sparse member is returned")
			}
			checkMemory(t, "sparse.kpb")
		},
	},
	{
		// A byte of the compressed data flipped, so that the frame decodes
		// but its content checksum does not match.
		file: "crc.kpb",
		build: func(t testing.TB) []byte {
			data := validBundle(t)
			for i := len(data) / 2; i < len(data); i++ {
				c := bytes.Clone(data)
				c[i] ^= 0x01
				_, err := bundle.Read(bytes.NewReader(c), bundle.Limits{})
				if err != nil && strings.Contains(err.Error(), "checksum mismatch") {
					return c
				}
			}
			t.Fatal("no flip that only the checksum catches")
			return nil
		},
		is: []error{bundle.ErrFormat}, msg: "zstd checksum mismatch (the file is corrupt)",
	},
	{
		// A frame written without the content checksum.
		file: "no-checksum.kpb",
		build: func(t testing.TB) []byte {
			enc, err := zstd.NewWriter(nil, encoderOptions(false)...)
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			return enc.EncodeAll(tarOf(t, append([]entry{file(bundle.ManifestPath, sampleManifestBytes(t, 1, sampleEntries(t)))}, sampleEntries(t)...)...), nil)
		},
		is: []error{bundle.ErrFormat}, msg: "zstd frame has no content checksum",
	},
	{
		// A second frame after the bundle, holding a second tar archive.
		file: "trailing-frame.kpb",
		build: func(t testing.TB) []byte {
			extra := zstdFrame(t, tarOf(t, file("files/etc/kubernetes/extra.conf", []byte("smuggled: true\n"))))
			return append(validBundle(t), extra...)
		},
		is: []error{bundle.ErrFormat}, msg: "data after the zstd frame",
	},
	{
		file: "trailing-garbage.kpb",
		build: func(t testing.TB) []byte {
			return append(validBundle(t), "# appended by hand\n"...)
		},
		is: []error{bundle.ErrFormat}, msg: "data after the zstd frame",
	},
	{
		// A window larger than the reader accepts: decoding would need
		// that much memory.
		file: "window.kpb",
		build: func(t testing.TB) []byte {
			data := validBundle(t)
			// The Writer's frame is single-segment (window = content size)
			// with a 2-byte content size: clear the single-segment flag and
			// insert a window descriptor of 2^(10+16) bytes = 64 MiB.
			if data[4] != 0x64 {
				t.Fatalf("frame header descriptor %#x, want 0x64", data[4])
			}
			return slices.Concat(data[:4], []byte{0x44, 16 << 3}, data[5:])
		},
		is: []error{bundle.ErrLimit}, msg: "zstd window or frame size exceeds the limit",
	},
	{
		// A signature whose bytes were changed: the members are sound,
		// the signature vouches for nothing.
		file: "signature-bad.kpb",
		build: func(t testing.TB) []byte {
			data := validBundle(t)
			s := bundle.NewSignature(mustRead(t, data).Digest, testKey)
			s.Signature[0] ^= 0x80
			return append(data, signatureFrame(sigMagic, mustJSON(t, s))...)
		},
		is: []error{bundle.ErrSignature}, msg: "bad signature: the signature does not verify", partial: true,
		check: func(t *testing.T, b *bundle.Bundle, err error) {
			var se *bundle.SignatureError
			if !errors.As(err, &se) || se.KeyID != bundle.KeyID(testPub) || b.Signature != nil {
				t.Errorf("SignatureError = %+v, signature %v", se, b.Signature)
			}
		},
	},
	{
		// The signature of another bundle, moved onto this one.
		file: "signature-moved.kpb",
		build: func(t testing.TB) []byte {
			other := build(t, sampleEntries(t)[1:], sampleEntries(t)[1:])
			signed, err := bundle.Sign(other, testKey)
			if err != nil {
				t.Fatal(err)
			}
			return append(validBundle(t), signed[len(other):]...)
		},
		is: []error{bundle.ErrSignature}, msg: "not this bundle", partial: true,
	},
	{
		file: "signature-twice.kpb",
		build: func(t testing.TB) []byte {
			data := validBundle(t)
			f, err := bundle.SignatureFrame(mustRead(t, data).Digest, testKey)
			if err != nil {
				t.Fatal(err)
			}
			return slices.Concat(data, f, f)
		},
		is: []error{bundle.ErrFormat}, msg: "a second signature frame",
	},
	{
		file: "signature-first.kpb",
		build: func(t testing.TB) []byte {
			data := validBundle(t)
			f, err := bundle.SignatureFrame(mustRead(t, data).Digest, testKey)
			if err != nil {
				t.Fatal(err)
			}
			return slices.Concat(f, data)
		},
		is: []error{bundle.ErrFormat}, msg: "the file starts with a skippable frame",
	},
	{
		// A skippable frame that is not a signature: it would hide data no
		// digest covers.
		file: "skippable-frame.kpb",
		build: func(t testing.TB) []byte {
			return append(validBundle(t), signatureFrame(0x184D2A50, []byte("files/etc/kubernetes/extra.conf: smuggled\n"))...)
		},
		is: []error{bundle.ErrFormat}, msg: "not a kubeproof signature frame",
	},
	{
		file:  "empty.kpb",
		build: func(t testing.TB) []byte { return []byte{} },
		is:    []error{bundle.ErrFormat}, msg: "empty archive, no manifest",
	},
}

// wantMemberErrors checks that the problems include a *MemberError wrapping
// target for each of paths.
func wantMemberErrors(t *testing.T, err error, target error, paths ...string) {
	t.Helper()
	var ve *bundle.VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("%v is not a *VerifyError", err)
	}
	for _, p := range paths {
		found := false
		for _, prob := range ve.Problems {
			var me *bundle.MemberError
			if errors.As(prob, &me) && me.Path == p && errors.Is(me, target) {
				found = true
			}
		}
		if !found {
			t.Errorf("no *MemberError{Path: %q, Err: %v} among %v", p, target, ve.Problems)
		}
	}
}

// maxReadAlloc bounds the memory that reading one hostile bundle may take.
const maxReadAlloc = 100 << 20

// checkMemory reads the fixture again and checks that reading it
// allocated less than maxReadAlloc in all (so that its peak was lower still).
func checkMemory(t *testing.T, name string) {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b, _ := bundle.Open(filepath.Join(hostileDir, name), bundle.Limits{})
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(b)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%s: %.1f MiB allocated, heap in use %.1f MiB before and %.1f MiB after",
		name, float64(alloc)/(1<<20), float64(before.HeapInuse)/(1<<20), float64(after.HeapInuse)/(1<<20))
	if alloc > maxReadAlloc {
		t.Errorf("%s: reading allocated %d MiB, want at most %d MiB", name, alloc>>20, maxReadAlloc>>20)
	}
	if after.HeapInuse > before.HeapInuse+maxReadAlloc {
		t.Errorf("%s: heap in use grew from %d MiB to %d MiB", name, before.HeapInuse>>20, after.HeapInuse>>20)
	}
}

// checkProblems checks the promise of the error types: a Read error is a
// *VerifyError and each of its problems wraps one sentinel error.
func checkProblems(t testing.TB, err error) {
	t.Helper()
	var ve *bundle.VerifyError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 {
		t.Fatalf("%T %v is not a *VerifyError with problems", err, err)
	}
	sentinels := []error{bundle.ErrFormat, bundle.ErrVersion, bundle.ErrIntegrity, bundle.ErrInsecurePath,
		bundle.ErrMemberType, bundle.ErrDuplicate, bundle.ErrUnlisted, bundle.ErrLimit, bundle.ErrSignature}
	for _, p := range ve.Problems {
		if !slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(p, s) }) {
			t.Errorf("problem %q (%T) wraps no sentinel error", p, p)
		}
	}
}

func TestHostile(t *testing.T) {
	if *updateHostile {
		if err := os.MkdirAll(hostileDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, h := range hostiles {
			if err := os.WriteFile(filepath.Join(hostileDir, h.file), h.build(t), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	// Every case has its committed file, and every committed file its case.
	files, err := filepath.Glob(filepath.Join(hostileDir, "*.kpb"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no fixtures match %s/*.kpb (generate them with -update-hostile)", hostileDir)
	}
	for _, f := range files {
		if !slices.ContainsFunc(hostiles, func(h hostile) bool { return h.file == filepath.Base(f) }) {
			t.Errorf("%s has no case in the table", f)
		}
	}

	good := sampleEntries(t)
	for _, h := range hostiles {
		t.Run(h.file, func(t *testing.T) {
			name := filepath.Join(hostileDir, h.file)
			if _, err := os.Stat(name); err != nil {
				t.Fatalf("%v (generate with -update-hostile)", err)
			}
			b, err := bundle.Open(name, bundle.Limits{})
			if err == nil {
				t.Fatal("read without error")
			}
			checkProblems(t, err)
			if !strings.HasPrefix(err.Error(), name+": ") {
				t.Errorf("the error does not name the file: %q", err)
			}
			for _, target := range h.is {
				if !errors.Is(err, target) {
					t.Errorf("%q: is not %v", err, target)
				}
			}
			if !strings.Contains(err.Error(), h.msg) {
				t.Errorf("%q does not say %q", err, h.msg)
			}
			if h.partial {
				if b == nil {
					t.Fatal("no bundle for member-level problems")
				}
				for _, e := range good {
					if e.hdr.Name == h.tampered {
						continue
					}
					if got, ok := b.Member(e.hdr.Name); !ok || !bytes.Equal(got, e.data) {
						t.Errorf("good member %q not returned", e.hdr.Name)
					}
				}
			} else if b != nil {
				t.Error("a bundle is returned past a fatal problem")
			}
			if h.check != nil {
				h.check(t, b, err)
			}
		})
	}
}

// TestHostileSmall keeps the hostile fixtures small on disk: the point of
// the bombs is that they are.
func TestHostileSmall(t *testing.T) {
	for _, h := range hostiles {
		fi, err := os.Stat(filepath.Join(hostileDir, h.file))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if fi.Size() > 64<<10 {
			t.Errorf("%s: %d bytes on disk", h.file, fi.Size())
		}
	}
}

// TestByteFlips flips every bit, and every whole byte, of a small valid
// bundle file. Read must never panic, and must return an error unless the
// flip left the decompressed stream exactly as it was: zstd's content
// checksum covers every decompressed byte, not the encoding, so a flip in
// bits that no decoding uses (the frame header's unused bit, entropy table
// entries of unused symbols) changes nothing that is read.
func TestByteFlips(t *testing.T) {
	data := readTestdata(t, smallV1)
	orig := mustRead(t, data)
	dec, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	origRaw, err := dec.DecodeAll(data, nil)
	if err != nil {
		t.Fatal(err)
	}

	var flips, detected, harmless int
	for i := range data {
		for _, mask := range []byte{0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff} {
			c := bytes.Clone(data)
			c[i] ^= mask
			flips++
			b, err := bundle.Read(bytes.NewReader(c), bundle.Limits{})
			if err != nil {
				detected++
				checkProblems(t, err)
				continue
			}
			// Not detected: only acceptable if nothing read changed.
			raw, derr := dec.DecodeAll(c, nil)
			if derr != nil || !bytes.Equal(raw, origRaw) || b.Digest != orig.Digest || !reflect.DeepEqual(b.Manifest, orig.Manifest) {
				t.Errorf("flip of %#02x at offset %d: read without error, and the content changed", mask, i)
				continue
			}
			sameMembers(t, orig, b, fmt.Sprintf("flip of %#02x at offset %d", mask, i))
			harmless++
		}
	}
	t.Logf("%d flips of a %d-byte bundle: %d detected, %d changed no decompressed byte", flips, len(data), detected, harmless)
	if detected < flips*9/10 {
		t.Errorf("only %d of %d flips detected", detected, flips)
	}
}

// TestTruncations reads every proper prefix of a small valid bundle file.
func TestTruncations(t *testing.T) {
	data := readTestdata(t, smallV1)
	for n := range len(data) {
		b, err := bundle.Read(bytes.NewReader(data[:n]), bundle.Limits{})
		if err == nil || b != nil {
			t.Errorf("prefix of %d bytes: %v, %v", n, b, err)
			continue
		}
		checkProblems(t, err)
		if !errors.Is(err, bundle.ErrFormat) {
			t.Errorf("prefix of %d bytes: %v, want ErrFormat", n, err)
		}
	}
}

// With GODEBUG=tarinsecurepath=0, archive/tar reports non-local names
// itself; the reader must still collect them as member problems.
func TestHostileTarInsecurePath(t *testing.T) {
	t.Setenv("GODEBUG", "tarinsecurepath=0")
	b, err := bundle.Open(filepath.Join(hostileDir, "traversal.kpb"), bundle.Limits{})
	if b == nil {
		t.Fatalf("no bundle: %v", err)
	}
	wantMemberErrors(t, err, bundle.ErrInsecurePath, "../etc/passwd", "files/../../x")
}

// sameMembers reports every member of orig whose content differs in b.
func sameMembers(t *testing.T, orig, b *bundle.Bundle, what string) {
	t.Helper()
	for _, m := range orig.Manifest.Members {
		x, _ := orig.Member(m.Path)
		y, _ := b.Member(m.Path)
		if !bytes.Equal(x, y) {
			t.Errorf("%s: member %s changed", what, m.Path)
		}
	}
}
