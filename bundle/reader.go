package bundle

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
)

// Limits bound what a Reader accepts. The zero value of a field means the
// default.
type Limits struct {
	MaxMembers      int   // members, the manifest included
	MaxMemberSize   int64 // bytes of one member
	MaxManifestSize int64 // bytes of manifest.json
	MaxTotalSize    int64 // decompressed bytes of the whole tar stream
}

// DefaultLimits are generous for any real node (a control-plane bundle
// holds a few hundred members and well under a megabyte) and keep a
// hostile bundle from taking more than about 100 MiB of memory.
var DefaultLimits = Limits{
	MaxMembers:      20000,
	MaxMemberSize:   16 << 20,
	MaxManifestSize: 8 << 20,
	MaxTotalSize:    64 << 20,
}

func (l Limits) withDefaults() Limits {
	if l.MaxMembers <= 0 {
		l.MaxMembers = DefaultLimits.MaxMembers
	}
	if l.MaxMemberSize <= 0 {
		l.MaxMemberSize = DefaultLimits.MaxMemberSize
	}
	if l.MaxManifestSize <= 0 {
		l.MaxManifestSize = DefaultLimits.MaxManifestSize
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = DefaultLimits.MaxTotalSize
	}
	return l
}

// ReadOptions tune ReadWith and OpenWith.
type ReadOptions struct {
	Limits Limits
	// KeepUnverified keeps the content of members whose size or SHA-256
	// differs from the manifest, instead of leaving them out: for a caller
	// that analyzes a damaged bundle anyway and marks what rests on those
	// members (Verified tells them apart). The problems are reported all
	// the same, and problems with the stream are still fatal.
	KeepUnverified bool
}

// Bundle is a bundle read and verified.
type Bundle struct {
	Manifest Manifest
	// ManifestBytes are the manifest exactly as stored; Digest is their SHA-256.
	ManifestBytes []byte
	Digest        Digest
	// Signature is the bundle's signature, checked against its own public
	// key and the digest; nil if the bundle is unsigned or the signature
	// was refused (a *SignatureError among the problems). Whether the key
	// is trusted is for a Keyring to say.
	Signature  *Signature
	members    map[string][]byte
	unverified map[string]bool // listed members that did not verify
}

// Member returns the content of a member that verified, or, read with
// KeepUnverified, of a listed member whose content differs from the
// manifest (Verified says which).
func (b *Bundle) Member(name string) ([]byte, bool) {
	data, ok := b.members[name]
	return data, ok
}

// Verified reports whether name is a listed member that was read and
// matched the manifest.
func (b *Bundle) Verified(name string) bool {
	_, ok := b.members[name]
	return ok && !b.unverified[name]
}

// Unverified returns the listed members that failed verification (changed,
// missing, or refused), in manifest order.
func (b *Bundle) Unverified() []string {
	var out []string
	for _, m := range b.Manifest.Members {
		if b.unverified[m.Path] {
			out = append(out, m.Path)
		}
	}
	return out
}

// MemberDigest returns the manifest's SHA-256 of a member.
func (b *Bundle) MemberDigest(name string) (Digest, bool) {
	for _, m := range b.Manifest.Members {
		if m.Path == name {
			return m.SHA256, true
		}
	}
	return Digest{}, false
}

// DecodeJSON decodes the JSON member name into v.
func (b *Bundle) DecodeJSON(name string, v any) error {
	data, ok := b.members[name]
	if !ok {
		reason := fmt.Sprintf("bundle %s: member %q is missing", b.Digest.Short(), name)
		if b.unverified[name] {
			reason += " (it failed verification)"
		}
		return &FormatError{Reason: reason}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return &FormatError{Reason: "decoding " + name, Err: err}
	}
	return nil
}

// Supported format versions.
const (
	FormatVersion    = 3 // the newest written by this program (API snapshots)
	NodeFormat       = 2 // written by this program for a node's evidence
	MinFormatVersion = 1 // oldest read by this program
)

// Open reads and verifies the bundle file at name; see Read.
func Open(name string, lim Limits) (*Bundle, error) {
	return OpenWith(name, ReadOptions{Limits: lim})
}

// OpenWith is Open with options; see ReadWith.
func OpenWith(name string, opts ReadOptions) (*Bundle, error) {
	f, err := openRegular(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := ReadWith(f, opts)
	if err != nil {
		var ve *VerifyError
		if errors.As(err, &ve) {
			ve.File = name
			return b, ve
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

// Read reads a bundle, verifying every member against the manifest while it
// streams. Problems with single members (a bad name, a link, a duplicate, a
// digest mismatch, a missing member) are collected, and reading goes on:
// the error is then a *VerifyError listing all of them, and the returned
// Bundle holds only the members that verified. Problems with the stream or
// the manifest (not zstd, truncated, unknown version, a limit exceeded)
// stop reading: the Bundle is nil and the error is a *VerifyError holding
// that problem (and any found before it).
//
// A signed bundle's zstd frame is followed by a signature frame: Read
// checks the signature against the digest (a bad or malformed one is a
// *SignatureError among the problems) and sets Bundle.Signature.
func Read(r io.Reader, lim Limits) (*Bundle, error) {
	return ReadWith(r, ReadOptions{Limits: lim})
}

// ReadWith is Read with options.
func ReadWith(r io.Reader, opts ReadOptions) (*Bundle, error) {
	lim := opts.Limits.withDefaults()
	br := bufio.NewReader(r)
	if err := checkFrameHeader(br); err != nil {
		return nil, &VerifyError{Problems: []error{err}}
	}
	// The decoder sees the bundle's frame only; the walker keeps what
	// follows it (the signature frame), which is checked at the end.
	fw := &frameWalker{r: br}
	zr, err := zstd.NewReader(fw,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(maxDecoderWindow),
		zstd.WithDecoderMaxMemory(uint64(lim.MaxTotalSize)),
	)
	if err != nil {
		return nil, &VerifyError{Problems: []error{&FormatError{Reason: "zstd decoder", Err: err}}}
	}
	defer zr.Close()
	rd := &reader{lim: lim, keep: opts.KeepUnverified, seen: make(map[string]bool), frames: fw}
	rd.counter = &countingReader{r: zr, limit: lim.MaxTotalSize}
	b, fatal := rd.read()
	if fatal != nil {
		return nil, &VerifyError{Problems: append(rd.problems, fatal)}
	}
	if len(rd.problems) > 0 {
		return b, &VerifyError{Problems: rd.problems}
	}
	return b, nil
}

type reader struct {
	lim      Limits
	keep     bool // ReadOptions.KeepUnverified
	counter  *countingReader
	problems []error
	seen     map[string]bool
	kept     int64 // bytes of the members read into memory
	frames   *frameWalker
}

// zstdMagic starts every zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// checkFrameHeader refuses a bundle that does not start with a zstd frame
// carrying a content checksum: without one, corruption of the tar headers
// and of anything no member digest covers would go unseen. (A skippable
// frame first would hide the header of the real one.) A stream too short
// to tell is left to the decoder to report.
func checkFrameHeader(br *bufio.Reader) error {
	hdr, err := br.Peek(5)
	if err != nil {
		return nil
	}
	if isSkippable(hdr) {
		return &FormatError{Reason: "the file starts with a skippable frame, not the bundle's zstd frame (a signature frame follows the bundle's frame)"}
	}
	if !bytes.Equal(hdr[:4], zstdMagic) {
		return &FormatError{Reason: "not a zstd stream (is this a kubeproof bundle?)", Err: zstd.ErrMagicMismatch}
	}
	if hdr[4]&0x04 == 0 {
		return &FormatError{Reason: "zstd frame has no content checksum"}
	}
	return nil
}

// next is tar.Reader.Next, leaving the judgement of names to checkName
// (archive/tar refuses non-local names itself when GODEBUG has
// tarinsecurepath=0, which would stop the reading of the whole bundle).
func next(tr *tar.Reader) (*tar.Header, error) {
	hdr, err := tr.Next()
	if hdr != nil && errors.Is(err, tar.ErrInsecurePath) {
		err = nil
	}
	return hdr, err
}

func (rd *reader) problem(err error) { rd.problems = append(rd.problems, err) }

func (rd *reader) read() (*Bundle, error) {
	tr := tar.NewReader(rd.counter)
	b, err := rd.readManifest(tr)
	if err != nil {
		return nil, err
	}
	listed := make(map[string]Member, len(b.Manifest.Members))
	for _, m := range b.Manifest.Members {
		listed[m.Path] = m
	}
	count := 1
	for {
		hdr, err := next(tr)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, rd.streamError(err)
		}
		count++
		if count > rd.lim.MaxMembers {
			return nil, &LimitError{What: "member count", Limit: int64(rd.lim.MaxMembers)}
		}
		name := hdr.Name
		if err := checkName(name); err != nil {
			rd.problem(err)
			continue
		}
		if hdr.Typeflag != tar.TypeReg || isSparse(hdr) {
			rd.problem(&MemberError{Path: name, Detail: describeType(hdr), Err: ErrMemberType})
			continue
		}
		if rd.seen[name] || name == ManifestPath {
			rd.problem(&MemberError{Path: name, Err: ErrDuplicate})
			continue
		}
		rd.seen[name] = true
		want, ok := listed[name]
		if !ok {
			rd.problem(&MemberError{Path: name, Err: ErrUnlisted})
			continue
		}
		if hdr.Size > rd.lim.MaxMemberSize {
			rd.problem(&LimitError{What: "member size", Path: name, Limit: rd.lim.MaxMemberSize})
			continue
		}
		// Members are kept in memory: bound their sum, and allocate each
		// once, at its size (at most MaxMemberSize).
		if rd.kept += hdr.Size; rd.kept > rd.lim.MaxTotalSize {
			return nil, &LimitError{What: "total size", Limit: rd.lim.MaxTotalSize}
		}
		data := make([]byte, hdr.Size)
		if _, err := io.ReadFull(tr, data); err != nil {
			return nil, rd.streamError(err)
		}
		got := Hash(data)
		if int64(len(data)) != want.Size || got != want.SHA256 {
			rd.problem(&IntegrityError{Path: name, WantSize: want.Size, GotSize: int64(len(data)), Want: want.SHA256, Got: got})
			if rd.keep {
				b.members[name] = data
				b.unverified[name] = true
			}
			continue
		}
		b.members[name] = data
	}
	// The zstd checksum is checked at the end of the frame: read the
	// stream to its end so that corruption after the tar trailer and
	// truncation are found too. Nothing may follow the end-of-archive
	// marker: data there (a second frame, say) is covered by no digest.
	if n, err := io.Copy(io.Discard, rd.counter); err != nil {
		return nil, rd.streamError(err)
	} else if n > 0 {
		return nil, &FormatError{Reason: fmt.Sprintf("%d bytes of data after the end of the tar archive", n)}
	}
	for _, m := range b.Manifest.Members {
		if !rd.seen[m.Path] {
			rd.problem(&IntegrityError{Path: m.Path, Missing: true, WantSize: m.Size, Want: m.SHA256})
		}
		if _, ok := b.members[m.Path]; !ok {
			b.unverified[m.Path] = true
		}
	}
	// What follows the bundle's frame: nothing, or its signature.
	sig, err := rd.frames.signature()
	if err != nil {
		return nil, err
	}
	if sig != nil {
		if s, err := ParseSignature(sig, b.Digest); err != nil {
			rd.problem(err)
		} else {
			b.Signature = s
		}
	}
	return b, nil
}

func (rd *reader) readManifest(tr *tar.Reader) (*Bundle, error) {
	hdr, err := next(tr)
	if err == io.EOF {
		return nil, &FormatError{Reason: "empty archive, no manifest"}
	}
	if err != nil {
		return nil, rd.streamError(err)
	}
	if hdr.Name != ManifestPath {
		return nil, &FormatError{Reason: fmt.Sprintf("first member is %q, want %q", hdr.Name, ManifestPath)}
	}
	if hdr.Typeflag != tar.TypeReg || isSparse(hdr) {
		return nil, &FormatError{Reason: fmt.Sprintf("%q is not a regular file (%s)", ManifestPath, describeType(hdr))}
	}
	if hdr.Size > rd.lim.MaxManifestSize {
		return nil, &LimitError{What: "manifest size", Path: ManifestPath, Limit: rd.lim.MaxManifestSize}
	}
	mb := make([]byte, hdr.Size)
	if _, err := io.ReadFull(tr, mb); err != nil {
		return nil, rd.streamError(err)
	}
	m, err := ParseManifest(mb, rd.lim)
	if err != nil {
		return nil, err
	}
	rd.seen[ManifestPath] = true
	return &Bundle{Manifest: m, ManifestBytes: mb, Digest: Hash(mb), members: make(map[string][]byte, len(m.Members)), unverified: map[string]bool{}}, nil
}

// ParseManifest decodes and validates manifest bytes: a supported format
// version, no unknown fields, and a member list of unique, clean local
// paths within the limits.
func ParseManifest(data []byte, lim Limits) (Manifest, error) {
	lim = lim.withDefaults()
	var m Manifest
	if int64(len(data)) > lim.MaxManifestSize {
		return m, &LimitError{What: "manifest size", Path: ManifestPath, Limit: lim.MaxManifestSize}
	}
	var v struct {
		Format *int `json:"format"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return m, &FormatError{Reason: "decoding manifest.json", Err: err}
	}
	if v.Format == nil {
		return m, &FormatError{Reason: "manifest.json has no format version"}
	}
	if *v.Format < MinFormatVersion || *v.Format > FormatVersion {
		return m, &VersionError{Got: *v.Format, Min: MinFormatVersion, Max: FormatVersion}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, &FormatError{Reason: "decoding manifest.json", Err: err}
	}
	if dec.More() {
		return m, &FormatError{Reason: "manifest.json has data after the manifest"}
	}
	// Another JSON parser must read the same manifest from these bytes.
	if err := checkKeys(data, reflect.TypeFor[Manifest]()); err != nil {
		return m, &FormatError{Reason: "manifest.json", Err: err}
	}
	if err := checkIdentifiers(m); err != nil {
		return m, &FormatError{Reason: "manifest.json", Err: err}
	}
	if err := checkKind(m); err != nil {
		return m, &FormatError{Reason: "manifest.json", Err: err}
	}
	if len(m.Members)+1 > lim.MaxMembers {
		return m, &LimitError{What: "member count", Path: ManifestPath, Limit: int64(lim.MaxMembers)}
	}
	seen := make(map[string]bool, len(m.Members))
	for _, mem := range m.Members {
		if err := checkName(mem.Path); err != nil {
			return m, &FormatError{Reason: "manifest.json lists a bad member", Err: err}
		}
		if mem.Path == ManifestPath || seen[mem.Path] {
			return m, &FormatError{Reason: "manifest.json lists a member twice", Err: &MemberError{Path: mem.Path, Err: ErrDuplicate}}
		}
		seen[mem.Path] = true
		if mem.Size < 0 {
			return m, &FormatError{Reason: fmt.Sprintf("manifest.json lists a negative size for %q", mem.Path)}
		}
		if mem.Size > lim.MaxMemberSize {
			return m, &LimitError{What: "member size", Path: mem.Path, Limit: lim.MaxMemberSize}
		}
	}
	return m, nil
}

func (rd *reader) streamError(err error) error {
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &FormatError{Reason: "truncated stream", Err: err}
	case errors.Is(err, zstd.ErrMagicMismatch) && rd.counter.n > 0:
		return &FormatError{Reason: "data after the zstd frame", Err: err}
	case errors.Is(err, zstd.ErrMagicMismatch):
		return &FormatError{Reason: "not a zstd stream (is this a kubeproof bundle?)", Err: err}
	case errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded), errors.Is(err, zstd.ErrFrameSizeExceeded):
		return &LimitError{What: "zstd window or frame size", Limit: rd.lim.MaxTotalSize}
	case errors.Is(err, zstd.ErrCRCMismatch):
		return &FormatError{Reason: "zstd checksum mismatch (the file is corrupt)", Err: err}
	}
	return &FormatError{Reason: "reading stream", Err: err}
}

// countingReader fails once more than limit bytes have been read: the
// guard against decompression bombs.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n > c.limit {
		return 0, &LimitError{What: "decompressed size", Limit: c.limit}
	}
	if rem := c.limit + 1 - c.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return n, &LimitError{What: "decompressed size", Limit: c.limit}
	}
	return n, err
}

// checkName accepts only clean, relative, slash-separated UTF-8 paths with
// no "." or ".." elements: names that cannot escape a directory they are
// extracted into.
func checkName(name string) error {
	bad := func(why string) error {
		return &MemberError{Path: name, Detail: why, Err: ErrInsecurePath}
	}
	switch {
	case name == "":
		return bad("empty name")
	case !utf8.ValidString(name):
		return bad("not UTF-8")
	case strings.ContainsAny(name, "\\\x00"):
		return bad("backslash or NUL")
	case strings.HasPrefix(name, "/"):
		return bad("absolute")
	case path.Clean(name) != name:
		return bad("not clean")
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." || elem == "." {
			return bad("dot element")
		}
	}
	return nil
}

// isSparse reports a sparse file: archive/tar expands its holes into zeros
// that the stream does not hold, so neither its size nor the decompressed
// size limit would bound what it gives. The Writer never writes one.
func isSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

func describeType(h *tar.Header) string {
	if isSparse(h) {
		return "sparse file"
	}
	switch h.Typeflag {
	case tar.TypeSymlink:
		return "symlink to " + h.Linkname
	case tar.TypeLink:
		return "hard link to " + h.Linkname
	case tar.TypeDir:
		return "directory"
	case tar.TypeChar, tar.TypeBlock:
		return "device"
	case tar.TypeFifo:
		return "fifo"
	}
	return fmt.Sprintf("type %q", h.Typeflag)
}
