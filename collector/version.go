package collector

import (
	"bytes"
	"debug/buildinfo"
	"regexp"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
)

// imageTag matches the image of a Kubernetes component in a pod manifest.
var imageTag = regexp.MustCompile(`(?m)^\s*-?\s*image:\s*["']?\S*?/?(kube-apiserver|kube-controller-manager|kube-scheduler|kube-proxy|hyperkube)(?:-amd64|-arm64|-arm|-ppc64le|-s390x)?:(v\d+\.\d+\.\d+[0-9A-Za-z.+-]*)`)

// versionsInManifest returns the component versions named by image tags.
func versionsInManifest(p string, text []byte) []bundle.VersionEvidence {
	var out []bundle.VersionEvidence
	if !bytes.Contains(text, []byte("image:")) {
		return nil
	}
	for _, m := range imageTag.FindAllSubmatch(text, -1) {
		out = append(out, bundle.VersionEvidence{Version: string(m[2]), Component: string(m[1]), Source: "image-tag", Path: p})
	}
	return out
}

// gitVersionVars are the linker variables that hold a Kubernetes binary's
// version (set with -ldflags -X by the Kubernetes build).
var gitVersionVars = []string{
	"k8s.io/component-base/version.gitVersion=",
	"k8s.io/client-go/pkg/version.gitVersion=",
	"k8s.io/kubernetes/pkg/version.gitVersion=",
}

// versionFromBuildSettings finds the Kubernetes version in the -ldflags
// build setting of a Go binary.
func versionFromBuildSettings(bi *buildinfo.BuildInfo) string {
	for _, s := range bi.Settings {
		if s.Key != "-ldflags" {
			continue
		}
		for _, v := range gitVersionVars {
			if i := strings.Index(s.Value, v); i >= 0 {
				rest := s.Value[i+len(v):]
				rest = strings.Trim(rest, `'"`)
				if j := strings.IndexAny(rest, ` '"`); j >= 0 {
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
