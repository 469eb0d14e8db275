package main

// A minimal ELF executable that holds nothing but Go build information
// (a .go.buildinfo section in the Go 1.18+ inline-string format), so a
// spec can carry the version evidence of a Go binary in a few hundred
// bytes: what `go version -m` and the collector's buildinfo.go read.

import (
	"bytes"
	"encoding/binary"
)

var (
	infoStart = []byte("0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6")
	infoEnd   = []byte("\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2")
)

// goBinary returns a 64-bit little-endian ELF whose .go.buildinfo holds
// goVersion and modinfo (the text `go version -m` prints, tab separated).
func goBinary(goVersion, modinfo string) string {
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
	return out.String()
}

// k3sModinfo is the build information of a k3s binary as scripts/build
// and scripts/package-cli of k3s make it (ldflags as the version.sh of
// the release sets them; -w -s strip, no -trimpath, so -ldflags is kept).
func k3sModinfo(path string, cgo bool, ldflags string, deps string) string {
	cg := "0"
	tags := "urfave_cli_no_docs"
	if cgo {
		cg = "1"
		tags = "ctrd,netcgo,osusergo,providerless,urfave_cli_no_docs,sqlite_omit_load_extension,apparmor,seccomp"
	}
	return "path\t" + path + "\n" +
		"mod\tgithub.com/k3s-io/k3s\t(devel)\t\n" + deps +
		"build\t-buildmode=exe\n" +
		"build\t-compiler=gc\n" +
		"build\t-tags=" + tags + "\n" +
		"build\t-ldflags=\"" + ldflags + "\"\n" +
		"build\tCGO_ENABLED=" + cg + "\n" +
		"build\tGOARCH=amd64\n" +
		"build\tGOOS=linux\n" +
		"build\tGOAMD64=v1\n"
}

const k3sCommit = "d4f5a4e7"

// k3sServerBinary is <data-dir>/data/<hash>/bin/k3s: the multicall binary
// the k3s-server and k3s-agent processes run (their /proc/PID/exe).
func k3sServerBinary() string {
	v := k3sVersion
	ld := "-X github.com/k3s-io/k3s/pkg/version.Version=" + v + " -X github.com/k3s-io/k3s/pkg/version.GitCommit=" + k3sCommit +
		" -X k8s.io/client-go/pkg/version.gitVersion=" + v + " -X k8s.io/client-go/pkg/version.gitCommit=" + k3sCommit + hexFiller("k3scommit", 32) +
		" -X k8s.io/client-go/pkg/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.buildDate=2025-08-19T18:37:55Z" +
		" -X k8s.io/component-base/version.gitVersion=" + v + " -X k8s.io/component-base/version.gitCommit=" + k3sCommit + hexFiller("k3scommit", 32) +
		" -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=2025-08-19T18:37:55Z" +
		" -X github.com/containerd/containerd/v2/version.Version=v2.0.5-k3s2 -X go.etcd.io/etcd/api/v3/version.GitSHA=HEAD -w -s"
	deps := "dep\tgithub.com/urfave/cli\tv1.22.16\th1:MH0k6uJxdwdeWQTwhSO42Pwr4YLrNLwBtg1MRgTqPdQ=\n" +
		"dep\tgo.etcd.io/etcd/server/v3\tv3.5.21\t\n=>\tgithub.com/k3s-io/etcd/server/v3\tv3.5.21-k3s1\th1:" + b64(hexFiller("etcdsum", 24)) + "\n" +
		"dep\tk8s.io/apiserver\tv0.33.4\t\n=>\tgithub.com/k3s-io/kubernetes/staging/src/k8s.io/apiserver\tv1.33.4-k3s1\th1:" + b64(hexFiller("apisum", 24)) + "\n" +
		"dep\tk8s.io/component-base\tv0.33.4\t\n=>\tgithub.com/k3s-io/kubernetes/staging/src/k8s.io/component-base\tv1.33.4-k3s1\th1:" + b64(hexFiller("cbsum", 24)) + "\n" +
		"dep\tk8s.io/kubernetes\tv1.33.4\t\n=>\tgithub.com/k3s-io/kubernetes\tv1.33.4-k3s1\th1:" + b64(hexFiller("k8ssum", 24)) + "\n"
	return goBinary("go1.24.5", k3sModinfo("github.com/k3s-io/k3s/cmd/server", true, ld, deps))
}

// k3sWrapperBinary is /usr/local/bin/k3s: the self-extracting wrapper
// (cmd/k3s, built by scripts/package-cli with only k3s's own version).
func k3sWrapperBinary() string {
	ld := "-X github.com/k3s-io/k3s/pkg/version.Version=" + k3sVersion + " -X github.com/k3s-io/k3s/pkg/version.GitCommit=" + k3sCommit + " -w -s -extldflags '-static'"
	deps := "dep\tgithub.com/urfave/cli\tv1.22.16\th1:MH0k6uJxdwdeWQTwhSO42Pwr4YLrNLwBtg1MRgTqPdQ=\n"
	mi := k3sModinfo("command-line-arguments", false, ld, deps)
	return goBinary("go1.24.5", mi)
}
