package collector

import (
	"bytes"
	"path"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
)

// imageComponents are the images whose tag is a Kubernetes version.
var imageComponents = map[string]bool{
	"kube-apiserver": true, "kube-controller-manager": true, "kube-scheduler": true, "kube-proxy": true, "hyperkube": true,
}

var archSuffixes = []string{"-amd64", "-arm64", "-arm", "-ppc64le", "-s390x"}

// versionsInManifest returns the component versions named by the image
// tags of a pod manifest ("image: registry/kube-apiserver:v1.20.4").
func versionsInManifest(p string, text []byte) []bundle.VersionEvidence {
	if !bytes.Contains(text, []byte("image:")) {
		return nil
	}
	var out []bundle.VersionEvidence
	for _, line := range strings.Split(string(text), "\n") {
		l := strings.TrimSpace(line)
		l = strings.TrimSpace(strings.TrimPrefix(l, "- "))
		v, ok := strings.CutPrefix(l, "image:")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		if i := strings.LastIndexByte(v, '/'); i >= 0 {
			v = v[i+1:]
		}
		name, tag, ok := strings.Cut(v, ":")
		if !ok {
			continue
		}
		for _, a := range archSuffixes {
			name = strings.TrimSuffix(name, a)
		}
		if name == "hardened-kubernetes" {
			// RKE2 runs every component from one image; the manifest's
			// name says which (kube-apiserver.yaml).
			name = strings.TrimSuffix(strings.TrimSuffix(path.Base(p), ".yaml"), ".yml")
		}
		if imageComponents[name] && isVersion(tag) {
			out = append(out, bundle.VersionEvidence{Version: tag, Component: name, Source: "image-tag", Path: p})
		}
	}
	return out
}

// isVersion accepts vMAJOR.MINOR.PATCH with an optional suffix.
func isVersion(s string) bool {
	rest, ok := strings.CutPrefix(s, "v")
	if !ok {
		return false
	}
	for i := 0; i < 3; i++ {
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 {
			return false
		}
		rest = rest[n:]
		if i < 2 {
			if !strings.HasPrefix(rest, ".") {
				return false
			}
			rest = rest[1:]
		}
	}
	for _, c := range rest {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}

// gitVersionVars are the linker variables that hold a Kubernetes binary's
// version (set with -ldflags -X by the Kubernetes build).
var gitVersionVars = []string{
	"k8s.io/component-base/version.gitVersion=",
	"k8s.io/client-go/pkg/version.gitVersion=",
	"k8s.io/kubernetes/pkg/version.gitVersion=",
	// The k3s and rke2 launchers carry only their own version, which is
	// the Kubernetes version with the distribution's suffix
	// (v1.33.4+k3s1); the binaries they unpack carry gitVersion too.
	"github.com/k3s-io/k3s/pkg/version.Version=",
	"github.com/rancher/rke2/pkg/version.Version=",
}

// versionFromModInfo finds the Kubernetes version in the -ldflags build
// setting of a Go binary's module information.
func versionFromModInfo(modinfo string) string {
	for _, line := range strings.Split(modinfo, "\n") {
		if !strings.HasPrefix(line, "build\t-ldflags=") {
			continue
		}
		for _, v := range gitVersionVars {
			if i := strings.Index(line, v); i >= 0 {
				rest := line[i+len(v):]
				if j := strings.IndexAny(rest, " '\"\\"); j >= 0 {
					rest = rest[:j]
				}
				if strings.HasPrefix(rest, "v") {
					return rest
				}
			}
		}
	}
	return ""
}
