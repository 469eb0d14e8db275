// Package goelf writes minimal ELF executables that hold nothing but Go
// build information (a .go.buildinfo section in the Go 1.18+
// inline-string format), so a node spec can carry the version evidence of
// a Go binary in a few hundred bytes: what `go version -m`,
// debug/buildinfo and the collector's buildinfo.go read. Used by
// scripts/mkbuildinfo and scripts/mkdistspecs.
package goelf

import (
	"bytes"
	"encoding/binary"
	"strconv"
)

var (
	infoStart = []byte("0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6")
	infoEnd   = []byte("\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2")
)

// Binary returns a 64-bit little-endian ELF whose .go.buildinfo holds
// goVersion and modinfo (the text `go version -m` prints, tab separated).
func Binary(goVersion, modinfo string) []byte {
	var bi bytes.Buffer
	bi.WriteString("\xff Go buildinf:")
	bi.WriteByte(8)    // pointer size
	bi.WriteByte(0x02) // little endian, inline strings
	bi.Write(make([]byte, 16))
	putString := func(s []byte) {
		var n [binary.MaxVarintLen64]byte
		bi.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		bi.Write(s)
	}
	putString([]byte(goVersion))
	putString(append(append(append([]byte{}, infoStart...), modinfo...), infoEnd...))
	for bi.Len()%16 != 0 {
		bi.WriteByte(0)
	}

	shstr := []byte("\x00.shstrtab\x00.go.buildinfo\x00")
	const ehsize, phsize, shsize = 64, 56, 64
	const vaddr = 0x400000
	dataOff := uint64(ehsize+phsize+15) &^ 15 // readers look for the magic at 16-byte alignment
	strOff := dataOff + uint64(bi.Len())
	shOff := (strOff + uint64(len(shstr)) + 7) &^ 7

	le := binary.LittleEndian
	var out bytes.Buffer
	w := func(v any) { binary.Write(&out, le, v) }
	// ELF header
	out.Write([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0})
	out.Write(make([]byte, 8))
	w(uint16(2))    // ET_EXEC
	w(uint16(0x3e)) // EM_X86_64
	w(uint32(1))
	w(uint64(vaddr + dataOff)) // entry (never run)
	w(uint64(ehsize))          // phoff
	w(shOff)                   // shoff
	w(uint32(0))
	w(uint16(ehsize))
	w(uint16(phsize))
	w(uint16(1)) // phnum
	w(uint16(shsize))
	w(uint16(3)) // shnum: null, .shstrtab, .go.buildinfo
	w(uint16(1)) // shstrndx
	// one PT_LOAD covering the build info, so address-based readers
	// (debug/buildinfo) find it too
	w(uint32(1))
	w(uint32(6)) // R+W
	w(dataOff)
	w(uint64(vaddr + dataOff))
	w(uint64(vaddr + dataOff))
	w(uint64(bi.Len()))
	w(uint64(bi.Len()))
	w(uint64(0x1000))
	for uint64(out.Len()) < dataOff {
		out.WriteByte(0)
	}
	out.Write(bi.Bytes())
	out.Write(shstr)
	for uint64(out.Len()) < shOff {
		out.WriteByte(0)
	}
	section := func(name uint32, typ uint32, flags, addr, off, size, align uint64) {
		w(name)
		w(typ)
		w(flags)
		w(addr)
		w(off)
		w(size)
		w(uint32(0))
		w(uint32(0))
		w(align)
		w(uint64(0))
	}
	section(0, 0, 0, 0, 0, 0, 0)
	section(1, 3, 0, 0, strOff, uint64(len(shstr)), 1)              // .shstrtab
	section(11, 1, 3, vaddr+dataOff, dataOff, uint64(bi.Len()), 16) // .go.buildinfo, SHF_WRITE|SHF_ALLOC
	return out.Bytes()
}

// KubernetesModInfo is the module and build-settings text of a
// Kubernetes component (cmd/NAME) built with its version stamped by
// -ldflags, as the Kubernetes build does.
func KubernetesModInfo(component, version string) string {
	ldflags := "-s -w -X 'k8s.io/component-base/version.gitVersion=" + version +
		"' -X 'k8s.io/client-go/pkg/version.gitVersion=" + version + "'"
	return "path\tk8s.io/kubernetes/cmd/" + component + "\n" +
		"mod\tk8s.io/kubernetes\t(devel)\t\n" +
		"build\t-buildmode=exe\n" +
		"build\t-compiler=gc\n" +
		"build\t-ldflags=" + strconv.Quote(ldflags) + "\n" +
		"build\tCGO_ENABLED=0\n" +
		"build\tGOARCH=amd64\n" +
		"build\tGOOS=linux\n" +
		"build\tGOAMD64=v1\n"
}
