// Command mkbuildinfo writes a minimal ELF file that carries nothing but Go
// build information: the stand-in for a component's executable in a node
// spec (fixtures/specs/*/files/usr/bin/kubelet), so that a spec can say
// which Kubernetes version its binaries are without holding a real 50 MB
// kubelet. The file has one PT_LOAD segment and a .go.buildinfo section in
// the layout Go 1.18 and later write (inline strings), which both the Go
// toolchain (`go version -m FILE`) and the collector's reader
// (collector/buildinfo.go) accept. It is not runnable.
//
//	go run ./scripts/mkbuildinfo -version v1.33.13-eks-3a1d7c2 -o FILE
//
// The build setting is the -ldflags line the Kubernetes build writes
// (hack/lib/version.sh sets gitVersion through -X), so the version is found
// where it is found in real binaries. The output is deterministic.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"strconv"
)

// The 16-byte sentinels the go command puts around the module information
// (cmd/go/internal/modload: infoStart, infoEnd).
var (
	infoStart = []byte{0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6}
	infoEnd   = []byte{0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2}
)

const (
	baseAddr  = 0x400000
	dataOff   = 128 // after the ELF header (64) and one program header (56), 16-aligned
	ehSize    = 64
	phSize    = 56
	shSize    = 64
	ptLoad    = 1
	shtProg   = 1
	shtStrtab = 3
)

// modInfo is the module and build-settings text of a Kubernetes component
// built with its version stamped by -ldflags.
func modInfo(component, version, goVersion string) string {
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

// buildInfo is the content of the .go.buildinfo section: the 32-byte
// header (magic, pointer size, flags with the inline-strings bit) and the
// Go version and module information as varint-prefixed strings.
func buildInfo(goVersion, mod string) []byte {
	var b bytes.Buffer
	b.WriteString("\xff Go buildinf:")
	b.WriteByte(8)    // pointer size
	b.WriteByte(0x02) // little endian, strings inline
	b.Write(make([]byte, 32-b.Len()))
	framed := append(append(append([]byte{}, infoStart...), mod...), infoEnd...)
	for _, s := range [][]byte{[]byte(goVersion), framed} {
		b.Write(binary.AppendUvarint(nil, uint64(len(s))))
		b.Write(s)
	}
	return b.Bytes()
}

// elfFile lays out the ELF64 little-endian file around the section data.
func elfFile(data []byte) []byte {
	shstrtab := []byte("\x00.go.buildinfo\x00.shstrtab\x00")
	strOff := dataOff + len(data)
	shOff := (strOff + len(shstrtab) + 7) &^ 7
	size := shOff + 3*shSize
	out := make([]byte, size)
	le := binary.LittleEndian

	copy(out, []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0})
	le.PutUint16(out[16:], 2)  // ET_EXEC
	le.PutUint16(out[18:], 62) // EM_X86_64
	le.PutUint32(out[20:], 1)  // EV_CURRENT
	le.PutUint64(out[24:], baseAddr+dataOff)
	le.PutUint64(out[32:], ehSize) // e_phoff
	le.PutUint64(out[40:], uint64(shOff))
	le.PutUint16(out[52:], ehSize)
	le.PutUint16(out[54:], phSize)
	le.PutUint16(out[56:], 1) // e_phnum
	le.PutUint16(out[58:], shSize)
	le.PutUint16(out[60:], 3) // e_shnum: null, .go.buildinfo, .shstrtab
	le.PutUint16(out[62:], 2) // e_shstrndx

	ph := out[ehSize:]
	le.PutUint32(ph[0:], ptLoad)
	le.PutUint32(ph[4:], 4+2) // PF_R|PF_W
	le.PutUint64(ph[8:], 0)
	le.PutUint64(ph[16:], baseAddr)
	le.PutUint64(ph[24:], baseAddr)
	le.PutUint64(ph[32:], uint64(strOff))
	le.PutUint64(ph[40:], uint64(strOff))
	le.PutUint64(ph[48:], 0x1000)

	copy(out[dataOff:], data)
	copy(out[strOff:], shstrtab)

	sh := out[shOff+shSize:] // section 1: .go.buildinfo
	le.PutUint32(sh[0:], 1)
	le.PutUint32(sh[4:], shtProg)
	le.PutUint64(sh[8:], 3) // SHF_WRITE|SHF_ALLOC
	le.PutUint64(sh[16:], baseAddr+dataOff)
	le.PutUint64(sh[24:], dataOff)
	le.PutUint64(sh[32:], uint64(len(data)))
	le.PutUint64(sh[48:], 16)
	sh = out[shOff+2*shSize:] // section 2: .shstrtab
	le.PutUint32(sh[0:], 15)
	le.PutUint32(sh[4:], shtStrtab)
	le.PutUint64(sh[24:], uint64(strOff))
	le.PutUint64(sh[32:], uint64(len(shstrtab)))
	le.PutUint64(sh[48:], 1)
	return out
}

// Generate returns the stand-in executable of component at version.
func Generate(component, version, goVersion string) []byte {
	return elfFile(buildInfo(goVersion, modInfo(component, version, goVersion)))
}

func main() {
	version := flag.String("version", "", "the Kubernetes version to stamp (gitVersion), e.g. v1.33.13-eks-3a1d7c2")
	component := flag.String("component", "kubelet", "the component (its cmd/ package name)")
	goVersion := flag.String("go", "go1.24.4", "the Go version the stand-in claims to be built with")
	out := flag.String("o", "", "write the file here (mode 0755)")
	flag.Parse()
	if *version == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: mkbuildinfo -version vX.Y.Z[-suffix] [-component kubelet] [-go go1.N.M] -o FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(*out, Generate(*component, *version, *goVersion), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "mkbuildinfo:", err)
		os.Exit(1)
	}
}
