package bundle

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// chunks returns at most n bytes a read.
type chunks struct {
	r io.Reader
	n int
}

func (c chunks) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// frames are zstd frames of every header layout and block type the
// walker must follow: single segment or a window descriptor, content
// sizes of 1, 2, 4 and 8 bytes or none, with and without the checksum,
// raw, RLE and compressed blocks, one block or many.
func frames(t *testing.T) map[string][]byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 300<<10)
	for i := range random {
		random[i] = byte(rng.IntN(256))
	}
	text := bytes.Repeat([]byte("apiVersion: v1\nkind: Config\n"), 12000)
	mixed := append(append(bytes.Clone(text[:70000]), make([]byte, 200<<10)...), random[:50000]...)
	out := map[string][]byte{}
	for name, content := range map[string][]byte{"empty": {}, "tiny": []byte("x"), "short": text[:200], "text": text, "random": random, "mixed": mixed} {
		for _, crc := range []bool{true, false} {
			for _, single := range []bool{true, false} {
				enc, err := zstd.NewWriter(nil, zstd.WithEncoderCRC(crc), zstd.WithSingleSegment(single), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<17))
				if err != nil {
					t.Fatal(err)
				}
				out[name+map[bool]string{true: " crc", false: ""}[crc]+map[bool]string{true: " single", false: " window"}[single]] = enc.EncodeAll(content, nil)
				enc.Close()
			}
			// As a stream: no content size in the header.
			var b bytes.Buffer
			enc, err := zstd.NewWriter(&b, zstd.WithEncoderCRC(crc), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<17))
			if err != nil {
				t.Fatal(err)
			}
			enc.Write(content)
			enc.Close()
			out[name+map[bool]string{true: " crc", false: ""}[crc]+" stream"] = b.Bytes()
		}
	}
	// Dictionary ids of 1, 2 and 4 bytes.
	for _, id := range []uint32{7, 300, 70000} {
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderCRC(true), zstd.WithEncoderConcurrency(1), zstd.WithEncoderDictRaw(id, text[:5000]))
		if err != nil {
			t.Fatal(err)
		}
		f := enc.EncodeAll(text[:3000], nil)
		enc.Close()
		if f[4]&3 == 0 {
			t.Fatalf("dictionary %d: no dictionary id in the frame header", id)
		}
		out[fmt.Sprintf("dictionary %d", id)] = f
	}
	return out
}

// TestFrameWalker: fed a frame and what follows it through reads of any
// size, the walker passes exactly the frame and keeps exactly what
// follows (issue 15: the decoder reads along the frame's structure, so
// the reader's tests never split a block header from its content).
func TestFrameWalker(t *testing.T) {
	trailers := map[string][]byte{"nothing": nil, "a signature frame": append([]byte{0x5b, 0x2a, 0x4d, 0x18, 3, 0, 0, 0}, "abc"...), "garbage": []byte("# appended\n")}
	for name, frame := range frames(t) {
		for tn, trailer := range trailers {
			for _, in := range []int{1, 3, 7, 1 << 20} {
				for _, out := range []int{1, 9, 4096} {
					if (in < 3 || out < 4) && len(frame) > 20000 {
						continue // a byte at a time through the large frames: slow, and no new case
					}
					w := &frameWalker{r: chunks{bytes.NewReader(append(bytes.Clone(frame), trailer...)), in}}
					var got bytes.Buffer
					buf := make([]byte, out)
					for {
						n, err := w.Read(buf)
						got.Write(buf[:n])
						if err == io.EOF {
							break
						}
						if err != nil {
							t.Fatalf("%s, then %s, reads of %d/%d: %v", name, tn, in, out, err)
						}
					}
					if w.state != walkAfter || !bytes.Equal(got.Bytes(), frame) {
						t.Fatalf("%s, then %s, reads of %d/%d: state %d, passed %d bytes of the %d-byte frame", name, tn, in, out, w.state, got.Len(), len(frame))
					}
					sig, err := w.signature()
					switch {
					case tn == "nothing" && (sig != nil || err != nil),
						tn == "a signature frame" && (string(sig) != "abc" || err != nil),
						tn == "garbage" && err == nil:
						t.Fatalf("%s, then %s, reads of %d/%d: after the frame %q %v", name, tn, in, out, sig, err)
					}
				}
			}
		}
	}
}

// TestFrameWalkerLost: what the walker cannot follow it passes on whole,
// for the decoder to refuse; the signature is then not looked for.
func TestFrameWalkerLost(t *testing.T) {
	frame := frames(t)["text crc single"]
	// The first block header follows the frame header (RFC 8878 §3.1.1.1):
	// magic, descriptor, window byte unless single segment, dictionary id,
	// content size.
	fhd := frame[4]
	fcs := [4]int{0, 2, 4, 8}[fhd>>6]
	if fhd&0x20 == 0 || fhd>>6 == 0 {
		fcs++
	}
	reserved := bytes.Clone(frame)
	reserved[5+[4]int{0, 1, 2, 4}[fhd&3]+fcs] |= 0x06 // block type 3, reserved
	for name, data := range map[string][]byte{"not zstd": []byte("not a zstd frame at all"), "reserved block type": reserved} {
		w := &frameWalker{r: chunks{bytes.NewReader(data), 3}}
		got, err := io.ReadAll(w)
		if err != nil || !bytes.Equal(got, data) || w.state != walkLost {
			t.Errorf("%s: passed %d of %d bytes, state %d, %v", name, len(got), len(data), w.state, err)
		}
		if _, err := w.signature(); err == nil {
			t.Errorf("%s: the signature looked for past a frame not followed", name)
		}
	}
}

// TestTrailerFull: a signature frame of the largest size, read whole
// with the frame's end, and one byte more behind it.
func TestTrailerFull(t *testing.T) {
	full := append([]byte{0x5b, 0x2a, 0x4d, 0x18, 0, 0x10, 0, 0}, make([]byte, maxSignatureSize)...)
	w := &frameWalker{state: walkAfter, after: full, r: bytes.NewReader([]byte{0})}
	if _, err := w.signature(); err == nil {
		t.Error("a byte after the largest signature frame: no error")
	}
	w = &frameWalker{state: walkAfter, after: bytes.Clone(full), r: bytes.NewReader(nil)}
	if doc, err := w.signature(); err != nil || len(doc) != maxSignatureSize {
		t.Errorf("the largest signature frame: %d bytes, %v", len(doc), err)
	}
}

// TestTrailerBound: the walker keeps at most maxTrailer+1 bytes of what
// follows the frame, however much there is.
func TestTrailerBound(t *testing.T) {
	frame := frames(t)["short crc single"]
	for _, extra := range []int{maxTrailer - 1, maxTrailer, maxTrailer + 1, maxTrailer + 2, 3 * maxTrailer} {
		w := &frameWalker{r: chunks{bytes.NewReader(append(bytes.Clone(frame), make([]byte, extra)...)), 1 << 20}}
		if _, err := io.Copy(io.Discard, w); err != nil {
			t.Fatal(err)
		}
		if want := min(extra, maxTrailer+1); len(w.after) != want {
			t.Errorf("%d bytes after the frame: kept %d, want %d", extra, len(w.after), want)
		}
		_, err := w.signature()
		if err == nil {
			t.Errorf("%d zero bytes after the frame: no error", extra)
		}
	}
}

// TestTrailerReadBound: however what follows the frame arrives, the
// walker reads at most maxTrailer+1 bytes of it, looking for the
// signature too.
func TestTrailerReadBound(t *testing.T) {
	frame := frames(t)["short crc single"]
	for _, in := range []int{1, 16, 4096} {
		w := &frameWalker{r: chunks{bytes.NewReader(append(bytes.Clone(frame), make([]byte, 3*maxTrailer)...)), in}}
		if _, err := io.Copy(io.Discard, w); err != nil {
			t.Fatal(err)
		}
		if _, err := w.signature(); err == nil {
			t.Errorf("reads of %d: zeros after the frame, no error", in)
		}
		if len(w.after) != maxTrailer+1 {
			t.Errorf("reads of %d: %d bytes read after the frame, want %d", in, len(w.after), maxTrailer+1)
		}
	}
}
