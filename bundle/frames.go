package bundle

import (
	"encoding/binary"
	"fmt"
	"io"
)

// A signed bundle is its zstd frame followed by one signature frame: a
// zstd skippable frame (RFC 8878 §3.1.2) whose magic number is
// signatureMagic and whose user data is the signature document. zstd
// decoders skip it, so the tar stream, the manifest and the bundle digest
// are the same with or without it, and signing is appending.
const signatureMagic = 0x184D2A5B

// maxTrailer bounds what may follow the bundle's frame: one signature frame.
const maxTrailer = 8 + maxSignatureSize

// isSkippable reports whether b starts with the magic number of a
// skippable frame (0x184D2A50 to 0x184D2A5F).
func isSkippable(b []byte) bool {
	return len(b) >= 4 && b[0]&0xf0 == 0x50 && b[1] == 0x2a && b[2] == 0x4d && b[3] == 0x18
}

// frameWalker passes the bundle's zstd frame to the decoder and keeps what
// follows it. It follows the frame's structure (header, block headers,
// checksum) without decoding anything and judges nothing: the decoder
// checks the frame. If the structure cannot be followed, everything is
// passed on, for the decoder to refuse.
type frameWalker struct {
	r     io.Reader
	state walkState
	hdr   [18]byte // the frame header: at most 4+1+1+4+8 bytes
	bh    [3]byte  // a block header
	have  int      // bytes of hdr or bh filled
	need  int      // size of the frame header, once known
	skip  int64    // bytes of a block's content or of the checksum still to pass
	last  bool     // the block being passed is the frame's last
	after []byte   // what follows the frame, at most maxTrailer+1 bytes
}

type walkState uint8

const (
	walkHeader      walkState = iota // reading the frame header
	walkBlockHeader                  // reading a block header
	walkBlock                        // passing a block's content
	walkChecksum                     // passing the content checksum
	walkAfter                        // the frame has ended
	walkLost                         // not a frame this walker can follow
)

func (w *frameWalker) Read(p []byte) (int, error) {
	if w.state == walkAfter {
		return 0, io.EOF
	}
	n, err := w.r.Read(p)
	if w.state == walkLost {
		return n, err
	}
	if end := w.scan(p[:n]); end >= 0 {
		w.keep(p[end:n])
		w.state = walkAfter
		if end == 0 {
			return 0, io.EOF
		}
		return end, nil
	}
	return n, err
}

// scan follows the frame through p and returns where in p it ends, or -1.
func (w *frameWalker) scan(p []byte) int {
	for i := 0; i < len(p); {
		switch w.state {
		case walkHeader:
			w.hdr[w.have] = p[i]
			w.have++
			i++
			if w.have == 5 {
				if [4]byte(w.hdr[:4]) != [4]byte(zstdMagic) {
					w.state = walkLost
					return -1
				}
				// Frame_Header_Descriptor: Frame_Content_Size_Flag (2 bits),
				// Single_Segment_Flag, unused, reserved, Content_Checksum_Flag,
				// Dictionary_ID_Flag (2 bits).
				fhd := w.hdr[4]
				fcs := [4]int{0, 2, 4, 8}[fhd>>6]
				if fhd&0x20 == 0 {
					fcs++ // no single segment: a Window_Descriptor byte
				} else if fhd>>6 == 0 {
					fcs++ // single segment: a one-byte Frame_Content_Size
				}
				w.need = 5 + [4]int{0, 1, 2, 4}[fhd&3] + fcs
			}
			if w.have >= 5 && w.have == w.need {
				w.state, w.have = walkBlockHeader, 0
			}
		case walkBlockHeader:
			w.bh[w.have] = p[i]
			w.have++
			i++
			if w.have < 3 {
				continue
			}
			w.have = 0
			// Last_Block (1 bit), Block_Type (2 bits), Block_Size (21 bits).
			h := uint32(w.bh[0]) | uint32(w.bh[1])<<8 | uint32(w.bh[2])<<16
			w.last = h&1 != 0
			w.state, w.skip = walkBlock, int64(h>>3)
			switch h >> 1 & 3 {
			case 1: // RLE: one byte, repeated Block_Size times
				w.skip = 1
			case 3: // reserved: the decoder refuses it
				w.state = walkLost
				return -1
			}
			if w.skip == 0 && w.next() {
				return i
			}
		case walkBlock, walkChecksum:
			k := min(w.skip, int64(len(p)-i))
			w.skip -= k
			i += int(k)
			if w.skip == 0 && w.next() {
				return i
			}
		}
	}
	return -1
}

// next moves on once a block's content or the checksum has passed; it
// reports the end of the frame.
func (w *frameWalker) next() bool {
	switch {
	case w.state == walkChecksum:
		return true
	case !w.last:
		w.state = walkBlockHeader
		return false
	case w.hdr[4]&0x04 != 0:
		w.state, w.skip = walkChecksum, 4
		return false
	}
	return true
}

func (w *frameWalker) keep(p []byte) {
	if room := maxTrailer + 1 - len(w.after); room > 0 {
		w.after = append(w.after, p[:min(len(p), room)]...)
	}
}

// signature reads what follows the bundle's frame, once the decoder has
// read the frame to its end, and returns the signature document, or nil
// if nothing follows. Anything else after the frame is an error.
func (w *frameWalker) signature() ([]byte, error) {
	if w.state != walkAfter {
		return nil, &FormatError{Reason: "the zstd frame's structure could not be followed"}
	}
	if len(w.after) <= maxTrailer {
		rest, err := io.ReadAll(io.LimitReader(w.r, int64(maxTrailer+1-len(w.after))))
		if err != nil {
			return nil, &FormatError{Reason: "reading after the zstd frame", Err: err}
		}
		w.after = append(w.after, rest...)
	}
	t := w.after
	switch {
	case len(t) == 0:
		return nil, nil
	case len(t) < 8 || !isSkippable(t):
		return nil, &FormatError{Reason: "data after the zstd frame"}
	case binary.LittleEndian.Uint32(t) != signatureMagic:
		return nil, &FormatError{Reason: fmt.Sprintf("a skippable frame (magic %#08x) after the zstd frame, not a kubeproof signature frame", binary.LittleEndian.Uint32(t))}
	}
	size := int64(binary.LittleEndian.Uint32(t[4:]))
	switch {
	case size > maxSignatureSize:
		return nil, &FormatError{Reason: fmt.Sprintf("a signature frame of %d bytes, more than %d", size, maxSignatureSize)}
	case 8+size > int64(len(t)):
		return nil, &FormatError{Reason: "truncated signature frame"}
	case 8+size < int64(len(t)) && isSkippable(t[8+size:]) && len(t[8+size:]) >= 4 && binary.LittleEndian.Uint32(t[8+size:]) == signatureMagic:
		return nil, &FormatError{Reason: "a second signature frame: a bundle has at most one signature"}
	case 8+size < int64(len(t)):
		return nil, &FormatError{Reason: "data after the signature frame"}
	}
	return t[8 : 8+size], nil
}
