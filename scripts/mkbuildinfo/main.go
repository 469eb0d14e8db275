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
	"flag"
	"fmt"
	"os"

	"github.com/kubeproof/kubeproof/internal/goelf"
)

// Generate returns the stand-in executable of component at version.
func Generate(component, version, goVersion string) []byte {
	return goelf.Binary(goVersion, goelf.KubernetesModInfo(component, version))
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
