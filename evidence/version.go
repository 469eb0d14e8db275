package evidence

import (
	"fmt"

	"github.com/kubeproof/kubeproof/bundle"
)

// versionOrder is whose version speaks for the node: the API server's, as
// kube-bench asks the API server (kubectl version) first, then the
// kubelet's (kubelet --version), then any other component's.
var versionOrder = []string{"kube-apiserver", "kubelet", "kube-controller-manager", "kube-scheduler", "kube-proxy", "hyperkube"}

// KubeVersion is the Kubernetes version of a node and where it was found.
type KubeVersion struct {
	Version   string // "v1.32.4"
	Component string // whose version it is
	// From says where: "the kubelet's build info (/usr/bin/kubelet)".
	From string
}

// KubernetesVersion returns the node's Kubernetes version as the bundle
// records it (image tags of static pods, build info of executables), by
// versionOrder; ok is false when the bundle records none.
func (n *Node) KubernetesVersion() (v KubeVersion, ok bool) {
	vs := n.Manifest.Host.Kubernetes
	best := -1
	for i, e := range vs {
		if best < 0 || rank(e.Component) < rank(vs[best].Component) {
			best = i
		}
	}
	if best < 0 {
		return KubeVersion{}, false
	}
	e := vs[best]
	return KubeVersion{
		Version:   e.Version,
		Component: e.Component,
		From:      describeVersionSource(e),
	}, true
}

func rank(component string) int {
	for i, c := range versionOrder {
		if c == component {
			return i
		}
	}
	return len(versionOrder)
}

func describeVersionSource(e bundle.VersionEvidence) string {
	who := e.Component
	if who == "" {
		who = "a component"
	}
	switch e.Source {
	case "image-tag":
		return fmt.Sprintf("the %s image tag in %s", who, e.Path)
	case "go-buildinfo":
		return fmt.Sprintf("the %s's build info (%s)", who, e.Path)
	}
	return fmt.Sprintf("%s's %s (%s)", who, e.Source, e.Path)
}
