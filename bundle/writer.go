package bundle

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// epoch is the modification time of every tar header: bundles carry their
// collection time in the manifest, never in the tar stream, so that equal
// content gives equal bytes.
var epoch = time.Unix(0, 0).UTC()

// Writer assembles a bundle in memory and encodes it deterministically:
// members sorted by path after the manifest, fixed header times, modes and
// owners, and pinned zstd settings. Bundles are small (the collector caps
// what it reads), so holding them in memory is the simple and safe choice.
type Writer struct {
	members map[string][]byte
}

// NewWriter returns an empty Writer.
func NewWriter() *Writer { return &Writer{members: make(map[string][]byte)} }

// Add adds a member. The name must be a clean local path, other than the
// manifest's, not added before.
func (w *Writer) Add(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	if name == ManifestPath {
		return &MemberError{Path: name, Detail: "the manifest is written by Finish", Err: ErrDuplicate}
	}
	if _, dup := w.members[name]; dup {
		return &MemberError{Path: name, Err: ErrDuplicate}
	}
	w.members[name] = bytes.Clone(data)
	return nil
}

// AddJSON adds a member holding v encoded by EncodeJSON.
func (w *Writer) AddJSON(name string, v any) error {
	data, err := EncodeJSON(v)
	if err != nil {
		return fmt.Errorf("bundle: encoding %s: %w", name, err)
	}
	return w.Add(name, data)
}

// Has reports whether a member of that name was added.
func (w *Writer) Has(name string) bool {
	_, ok := w.members[name]
	return ok
}

// Finish completes m with the format version and the member list, and
// returns the encoded bundle, the manifest as written and the bundle digest.
func (w *Writer) Finish(m Manifest) (data []byte, manifest Manifest, digest Digest, err error) {
	names := make([]string, 0, len(w.members))
	for name := range w.members {
		names = append(names, name)
	}
	sort.Strings(names)
	m.Format = NodeFormat
	if m.Kind != "" {
		m.Format = FormatVersion
	}
	m.Members = make([]Member, 0, len(names))
	for _, name := range names {
		data := w.members[name]
		m.Members = append(m.Members, Member{Path: name, Size: int64(len(data)), SHA256: Hash(data)})
	}
	mb, err := EncodeJSON(m)
	if err != nil {
		return nil, m, Digest{}, fmt.Errorf("bundle: encoding manifest: %w", err)
	}
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	add := func(name string, data []byte) error {
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     name,
			Mode:     0o644,
			Size:     int64(len(data)),
			ModTime:  epoch,
			Format:   tar.FormatPAX,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("bundle: writing header of %s: %w", name, err)
		}
		_, err := tw.Write(data)
		return err
	}
	if err := add(ManifestPath, mb); err != nil {
		return nil, m, Digest{}, err
	}
	for _, name := range names {
		if err := add(name, w.members[name]); err != nil {
			return nil, m, Digest{}, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, m, Digest{}, err
	}
	enc, err := encoder()
	if err != nil {
		return nil, m, Digest{}, fmt.Errorf("bundle: zstd encoder: %w", err)
	}
	return enc.EncodeAll(raw.Bytes(), nil), m, Hash(mb), nil
}

// encoder returns the one zstd encoder of the process: its tables take
// megabytes, and EncodeAll may be called concurrently on one encoder.
var encoder = sync.OnceValues(func() (*zstd.Encoder, error) {
	return zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedBetterCompression),
		zstd.WithEncoderConcurrency(1),
		zstd.WithEncoderCRC(true),
		zstd.WithWindowSize(encoderWindow),
	)
})

// encoderWindow is the zstd window the Writer uses; readers accept windows
// up to maxDecoderWindow, so memory stays bounded on hostile input.
const (
	encoderWindow    = 4 << 20
	maxDecoderWindow = 16 << 20
)

// EncodeJSON is the one JSON encoding of bundle documents: two-space
// indentation, no HTML escaping, a final newline. Struct field order and
// sorted slices make it deterministic.
func EncodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
