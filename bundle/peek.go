package bundle

import (
	"archive/tar"
	"bufio"
	"fmt"
	"os"
	"syscall"

	"github.com/klauspost/compress/zstd"
)

// openRegular opens a bundle file for reading, refusing anything but a
// regular file. O_NONBLOCK: opening a FIFO (or a link to one) for reading
// would otherwise wait for a writer forever. It is refused by what the
// open file is, not by what its name was a moment before.
func openRegular(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &NotRegularError{File: name, Mode: fi.Mode()}
	}
	return f, nil
}

// Peek is what the manifest of a bundle file says, read without the rest
// of the bundle: enough to tell bundles apart (Digest), to know whose and
// when they are, and how much memory reading them in full will take
// (Size). Nothing but the manifest is verified: Open verifies the rest.
type Peek struct {
	Manifest Manifest
	Digest   Digest
	// Size is the sum of the sizes the manifest lists, the manifest's
	// own included.
	Size int64
}

// PeekManifest reads the manifest of the bundle file name, within the
// limits, and stops there.
func PeekManifest(name string, lim Limits) (*Peek, error) {
	lim = lim.withDefaults()
	f, err := openRegular(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if err := checkFrameHeader(br); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	zr, err := zstd.NewReader(br,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(maxDecoderWindow),
		zstd.WithDecoderMaxMemory(uint64(lim.MaxTotalSize)),
	)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, &FormatError{Reason: "zstd decoder", Err: err})
	}
	defer zr.Close()
	rd := &reader{lim: lim, seen: make(map[string]bool)}
	rd.counter = &countingReader{r: zr, limit: lim.MaxTotalSize}
	b, err := rd.readManifest(tar.NewReader(rd.counter))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &Peek{Manifest: b.Manifest, Digest: b.Digest, Size: int64(len(b.ManifestBytes))}
	for _, m := range b.Manifest.Members {
		p.Size += m.Size
	}
	return p, nil
}
