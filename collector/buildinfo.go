package collector

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
)

// Reading the Kubernetes version of a component's executable: Go records
// its build settings (the -ldflags that set the version) in the binary's
// .go.buildinfo section. The standard library's debug/buildinfo reads it
// for every object format and would double the collector's size; nodes run
// ELF, so this reads ELF only, within small bounds, and never executes the
// binary.

var (
	errNotELF       = errors.New("not an ELF file")
	errNoBuildInfo  = errors.New("no Go build information")
	buildInfoMagic  = []byte("\xff Go buildinf:")
	maxSections     = 4096
	maxBuildInfo    = 1 << 20
	maxSectionNames = 1 << 20
)

// elfSection reads the content of the named section of an ELF file, at
// most max bytes.
func elfSection(r io.ReaderAt, name string, max int) ([]byte, error) {
	var ident [16]byte
	if _, err := r.ReadAt(ident[:], 0); err != nil {
		return nil, errNotELF
	}
	if !bytes.Equal(ident[:4], []byte("\x7fELF")) {
		return nil, errNotELF
	}
	var bo binary.ByteOrder
	switch ident[5] {
	case 1:
		bo = binary.LittleEndian
	case 2:
		bo = binary.BigEndian
	default:
		return nil, errNotELF
	}
	is64 := ident[4] == 2
	var shoff uint64
	var shentsize, shnum, shstrndx uint16
	if is64 {
		var h [64]byte
		if _, err := r.ReadAt(h[:], 0); err != nil {
			return nil, errNotELF
		}
		shoff = bo.Uint64(h[40:])
		shentsize, shnum, shstrndx = bo.Uint16(h[58:]), bo.Uint16(h[60:]), bo.Uint16(h[62:])
	} else {
		var h [52]byte
		if _, err := r.ReadAt(h[:], 0); err != nil {
			return nil, errNotELF
		}
		shoff = uint64(bo.Uint32(h[32:]))
		shentsize, shnum, shstrndx = bo.Uint16(h[46:]), bo.Uint16(h[48:]), bo.Uint16(h[50:])
	}
	want := uint16(40)
	if is64 {
		want = 64
	}
	if shentsize != want || shnum == 0 || int(shnum) > maxSections || shstrndx >= shnum {
		return nil, errNotELF
	}
	table := make([]byte, int(shnum)*int(shentsize))
	if _, err := r.ReadAt(table, int64(shoff)); err != nil {
		return nil, errNotELF
	}
	section := func(i int) (nameOff uint32, off, size uint64) {
		s := table[i*int(shentsize):]
		if is64 {
			return bo.Uint32(s), bo.Uint64(s[24:]), bo.Uint64(s[32:])
		}
		return bo.Uint32(s), uint64(bo.Uint32(s[16:])), uint64(bo.Uint32(s[20:]))
	}
	_, strOff, strSize := section(int(shstrndx))
	if strSize > uint64(maxSectionNames) {
		return nil, errNotELF
	}
	names := make([]byte, strSize)
	if _, err := r.ReadAt(names, int64(strOff)); err != nil {
		return nil, errNotELF
	}
	for i := 0; i < int(shnum); i++ {
		nameOff, off, size := section(i)
		if uint64(nameOff) >= uint64(len(names)) {
			continue
		}
		n := names[nameOff:]
		if end := bytes.IndexByte(n, 0); end >= 0 {
			n = n[:end]
		}
		if string(n) != name {
			continue
		}
		if size > uint64(max) {
			size = uint64(max)
		}
		data := make([]byte, size)
		if _, err := r.ReadAt(data, int64(off)); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		return data, nil
	}
	return nil, errNoBuildInfo
}

// goModInfo returns the module and build-settings text of a Go binary
// built by Go 1.18 or later (the format with inline strings).
func goModInfo(r io.ReaderAt) (string, error) {
	data, err := elfSection(r, ".go.buildinfo", maxBuildInfo)
	if err != nil {
		return "", err
	}
	if len(data) < 32 || !bytes.HasPrefix(data, buildInfoMagic) || data[15]&2 == 0 {
		return "", errNoBuildInfo
	}
	rest := data[32:]
	var fields [2]string
	for i := range fields {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return "", errNoBuildInfo
		}
		fields[i] = string(rest[w : w+int(n)])
		rest = rest[w+int(n):]
	}
	mod := fields[1]
	// The text is framed by 16-byte sentinels.
	if len(mod) >= 33 && mod[len(mod)-17] == '\n' {
		mod = mod[16 : len(mod)-16]
	}
	return mod, nil
}
