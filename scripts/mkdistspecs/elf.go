package main

// A minimal ELF executable that holds nothing but Go build information
// (a .go.buildinfo section in the Go 1.18+ inline-string format), so a
// spec can carry the version evidence of a Go binary in a few hundred
// bytes: what `go version -m` and the collector's buildinfo.go read.

import "github.com/kubeproof/kubeproof/internal/goelf"

// goBinary is a minimal ELF with only Go build information (internal/goelf).
func goBinary(goVersion, modinfo string) string { return string(goelf.Binary(goVersion, modinfo)) }

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
