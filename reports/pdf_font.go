package reports

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
)

// The PDF embeds its fonts so the analyzer needs nothing but its binary:
// DejaVu Sans (regular and bold) for Latin, Greek, Cyrillic and more, and
// Droid Sans Fallback for Chinese, Japanese and Korean. gofpdf subsets
// both, so a report carries only the glyphs it uses. Licences are in
// fonts/.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
	//go:embed fonts/DroidSansFallbackFull.ttf
	fontCJK []byte
)

// face is one embedded font. gofpdf draws a string in one font, and Droid
// Sans Fallback has no Latin letters, so text is laid out in runs, each in
// the first face that has its glyphs.
type face uint8

const (
	faceRegular face = iota
	faceBold
	faceCJK
	faceMono // PDF's built-in Courier: code spans, printable ASCII only
	numFaces
)

var faces = [numFaces]struct {
	family, style string
	data          *[]byte // nil: a font every PDF reader has, not embedded
}{
	faceRegular: {"dejavu", "", &fontRegular},
	faceBold:    {"dejavu", "B", &fontBold},
	faceCJK:     {"droidfallback", "", &fontCJK},
	faceMono:    {"courier", "", nil},
}

// advances holds a font's advance widths for the Basic Multilingual Plane,
// in thousandths of an em as gofpdf rounds them; -1 marks a missing glyph.
type advances []int16

var fontMetrics struct {
	once sync.Once
	adv  [numFaces]advances
	err  error
}

func metrics() ([numFaces]advances, error) {
	fontMetrics.once.Do(func() {
		for i, f := range faces {
			if f.data == nil {
				fontMetrics.adv[i] = monoAdvances()
				continue
			}
			a, err := parseAdvances(*f.data)
			if err != nil {
				fontMetrics.err = fmt.Errorf("embedded font %s %s: %w", f.family, f.style, err)
				return
			}
			fontMetrics.adv[i] = a
		}
	})
	return fontMetrics.adv, fontMetrics.err
}

var errFont = errors.New("malformed TrueType font")

// monoAdvances are Courier's: 600 thousandths of an em for printable
// ASCII, the only characters set in it (it is not embedded, and a
// reader's Courier may have no more).
func monoAdvances() advances {
	adv := make(advances, 1<<16)
	for i := range adv {
		adv[i] = -1
	}
	for r := ' '; r <= '~'; r++ {
		adv[r] = 600
	}
	return adv
}

// parseAdvances reads the cmap, head, hhea and hmtx tables of a TrueType
// font: enough to know which characters it has and how wide they are.
func parseAdvances(ttf []byte) (advances, error) {
	be := binary.BigEndian
	if len(ttf) < 12 {
		return nil, errFont
	}
	tables := map[string][]byte{}
	n := int(be.Uint16(ttf[4:]))
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errFont
		}
		off, size := uint64(be.Uint32(ttf[rec+8:])), uint64(be.Uint32(ttf[rec+12:]))
		if off+size > uint64(len(ttf)) {
			return nil, errFont
		}
		tables[string(ttf[rec:rec+4])] = ttf[off : off+size]
	}
	head, hhea, hmtx, cmap := tables["head"], tables["hhea"], tables["hmtx"], tables["cmap"]
	if len(head) < 20 || len(hhea) < 36 || len(cmap) < 4 {
		return nil, errFont
	}
	upem := float64(be.Uint16(head[18:]))
	nh := int(be.Uint16(hhea[34:]))
	if upem == 0 || nh == 0 || len(hmtx) < 4*nh {
		return nil, errFont
	}
	adv := make(advances, 1<<16)
	for i := range adv {
		adv[i] = -1
	}
	set := func(r, g uint32) {
		if g == 0 || r == 0 || r >= 1<<16 {
			return
		}
		if int(g) >= nh {
			g = uint32(nh - 1)
		}
		adv[r] = int16(math.Round(float64(be.Uint16(hmtx[4*g:])) * 1000 / upem))
	}
	// Prefer the full Unicode subtable (3,10 format 12), else the BMP one.
	var sub []byte
	var subFormat uint16
	for i := 0; i < int(be.Uint16(cmap[2:])); i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return nil, errFont
		}
		platform, encoding, off := be.Uint16(cmap[rec:]), be.Uint16(cmap[rec+2:]), be.Uint32(cmap[rec+4:])
		if uint64(off)+4 > uint64(len(cmap)) {
			return nil, errFont
		}
		format := be.Uint16(cmap[off:])
		if (platform == 3 && (encoding == 1 || encoding == 10) || platform == 0) && (format == 4 || format == 12) {
			if sub == nil || format == 12 && subFormat == 4 {
				sub, subFormat = cmap[off:], format
			}
		}
	}
	switch {
	case sub == nil:
		return nil, fmt.Errorf("%w: no Unicode cmap", errFont)
	case subFormat == 12:
		if len(sub) < 16 {
			return nil, errFont
		}
		groups := int(be.Uint32(sub[12:]))
		if 16+12*groups > len(sub) {
			return nil, errFont
		}
		for i := 0; i < groups; i++ {
			g := sub[16+12*i:]
			start, end, glyph := be.Uint32(g), be.Uint32(g[4:]), be.Uint32(g[8:])
			for r := start; r <= end && r < 1<<16; r++ {
				set(r, glyph+r-start)
			}
		}
	default: // format 4
		if len(sub) < 14 {
			return nil, errFont
		}
		segs := int(be.Uint16(sub[6:])) / 2
		ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
		if ranges+2*segs > len(sub) {
			return nil, errFont
		}
		for s := 0; s < segs; s++ {
			start, end := uint32(be.Uint16(sub[starts+2*s:])), uint32(be.Uint16(sub[ends+2*s:]))
			delta, ro := uint32(be.Uint16(sub[deltas+2*s:])), int(be.Uint16(sub[ranges+2*s:]))
			for r := start; r <= end && r < 0xFFFF; r++ {
				if ro == 0 {
					set(r, (r+delta)&0xFFFF)
					continue
				}
				at := ranges + 2*s + ro + 2*int(r-start)
				if at+2 > len(sub) {
					return nil, errFont
				}
				if g := uint32(be.Uint16(sub[at:])); g != 0 {
					set(r, (g+delta)&0xFFFF)
				}
			}
		}
	}
	return adv, nil
}
