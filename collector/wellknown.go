package collector

import "strings"

// Well-known paths of the Kubernetes layouts the collector knows. They are
// a starting point only: every absolute path in a component's flags, its
// config file or its kubeconfig is followed too. The paths of the
// distributions (k3s, RKE2, MicroK8s, the managed services…) come from
// their platform profiles, catalog/data/platforms: platform_paths.go.

// wellKnownFiles are stat'ed (and read, by their kind) wherever they exist.
var wellKnownFiles = []string{
	// kubeadm, TKEStack (kubeadm based) and most hand-made installs.
	"/etc/kubernetes/manifests/kube-apiserver.yaml",
	"/etc/kubernetes/manifests/kube-controller-manager.yaml",
	"/etc/kubernetes/manifests/kube-scheduler.yaml",
	"/etc/kubernetes/manifests/etcd.yaml",
	"/etc/kubernetes/admin.conf",
	"/etc/kubernetes/super-admin.conf",
	"/etc/kubernetes/scheduler.conf",
	"/etc/kubernetes/controller-manager.conf",
	"/etc/kubernetes/kubelet.conf",
	"/etc/kubernetes/bootstrap-kubelet.conf",
	"/etc/kubernetes/kubelet.kubeconfig",
	"/etc/kubernetes/kubelet-config.yaml",
	"/etc/kubernetes/kubelet.env",
	"/etc/kubernetes/kubeadm-config.yaml",
	"/etc/kubernetes/known_tokens.csv",
	"/etc/kubernetes/basic_auth.csv",
	"/etc/kubernetes/audit-policy.yaml",
	"/etc/kubernetes/encryption-config.yaml",
	"/etc/kubernetes/admission-control-config.yaml",
	"/etc/kubernetes/proxy.kubeconfig",
	"/etc/kubernetes/kube-proxy.kubeconfig",
	"/var/lib/kubelet/config.yaml",
	"/var/lib/kubelet/kubeconfig",
	"/var/lib/kubelet/kubeadm-flags.env",
	"/var/lib/kube-proxy/kubeconfig.conf",
	"/var/lib/kube-proxy/config.conf",
	"/etc/systemd/system/kubelet.service",
	"/lib/systemd/system/kubelet.service",
	"/usr/lib/systemd/system/kubelet.service",
	"/etc/systemd/system/etcd.service",
	"/etc/systemd/system/kube-proxy.service",
	"/etc/default/kubelet",
	"/etc/sysconfig/kubelet",
	"/etc/default/kube-proxy",
	"/etc/sysconfig/kube-proxy",
	"/etc/default/etcd",
	"/etc/etcd.env",
	"/etc/etcd/etcd.conf",
	"/etc/etcd/etcd.conf.yml",
	"/var/lib/etcd",
	// kubespray
	"/etc/kubernetes/kubelet-config.yaml",
	"/etc/kubernetes/kubeadm-images.yaml",
	// Other layouts the catalogs name (OpenShift, snaps, GKE-style
	// /home/kubernetes, hand-made installs): internal/consistency keeps
	// this list complete.
	"/etc/default/kubeletconfig.json",
	"/etc/kubernetes/cert/ca.pem",
	"/etc/kubernetes/certs/ca.crt",
	"/etc/kubernetes/kube-proxy-kubeconfig",
	"/etc/kubernetes/kubeconfig-kubelet",
	"/etc/kubernetes/kubelet-config.yml",
	"/etc/kubernetes/kubelet-kubeconfig",
	"/etc/kubernetes/kubelet-kubeconfig.conf",
	"/etc/kubernetes/kubelet.yaml",
	"/etc/kubernetes/kubelet/config",
	"/etc/kubernetes/kubelet/config.json",
	"/etc/kubernetes/kubelet/kubeconfig",
	"/etc/kubernetes/kubelet/kubelet-config.json",
	"/etc/kubernetes/proxy.conf",
	"/etc/systemd/system/atomic-openshift-node.service",
	"/etc/systemd/system/origin-node.service",
	"/etc/systemd/system/snap.kubelet.daemon.service",
	"/etc/systemd/system/snap.microk8s.daemon-kubelet.service",
	"/home/kubernetes/kubelet-config.yaml",
	"/home/kubernetes/kubelet-config.yml",
	"/system/secrets/kubernetes/kube-controller-manager/kubeconfig",
	"/system/secrets/kubernetes/kube-scheduler/kubeconfig",
	"/usr/lib/systemd/system/etcd.service",
	"/var/lib/kube-controller-manager/kubeconfig",
	"/var/lib/kube-proxy/kubeconfig",
	"/var/lib/kube-scheduler/kubeconfig",
	"/var/lib/kubelet/config.yml",
	"/var/snap/etcd/common/etcd.conf.yaml",
	"/var/snap/etcd/common/etcd.conf.yml",
	"/var/snap/kube-apiserver/current/args",
	"/var/snap/kube-controller-manager/current/args",
	"/var/snap/kube-scheduler/current/args",
	// node identity
	"/etc/os-release",
}

// walkDir is a directory whose entries are collected, to the given depth
// (1: the entries themselves; 0 would be the directory alone).
type walkDir struct {
	path  string
	depth int
}

// platformPath is a path a platform profile names, to gather to depth.
type platformPath struct {
	path     string
	depth    int
	platform string // the profiles that name it
	// component and key name the flag whose file it is, when a profile
	// says so (redact.Via).
	component, key string
}

// wellKnownDirs are walked wherever they exist.
var wellKnownDirs = []walkDir{
	{"/etc/kubernetes/manifests", 1},
	{"/etc/kubernetes/pki", 3},
	{"/etc/kubernetes/ssl", 2},
	{"/etc/ssl/etcd/ssl", 2},
	{"/etc/cni/net.d", 2},
	{"/var/lib/cni/networks", 2}, // host-local IPAM state, read by the CNI file checks
	{"/opt/cni/bin", 1},
	{"/etc/systemd/system/kubelet.service.d", 1},
	{"/lib/systemd/system/kubelet.service.d", 1},
	{"/usr/lib/systemd/system/kubelet.service.d", 1},
	{"/etc/systemd/system/etcd.service.d", 1},
	{"/var/lib/kubelet/pki", 1},
	{"/var/lib/etcd", 1},
}

// walkFlags name the component flags whose value is a directory to walk,
// with the depth.
var walkFlags = map[string]int{
	"cert-dir":          1,
	"data-dir":          1,
	"pod-manifest-path": 1,
	"cni-conf-dir":      1,
	"cni-bin-dir":       1,
	"config-dir":        1, // the kubelet's drop-ins
}

// walkFields name config-file fields whose value is a directory to walk.
var walkFields = map[string]int{
	"staticPodPath": 1,
	"data-dir":      1,
}

// skipPrefixes are never collected: pseudo file systems whose entries are
// not configuration and may block or change under the reader.
var skipPrefixes = []string{"/proc/", "/sys/", "/dev/"}

// CopiesFlagFile reports whether the collector copies the content of the
// file a component's flag names (configuration it reads, redacted), and
// WalksFlagDir whether it walks the directory a flag names, and how deep.
// Catalog checks that read fields of such files, or walk such directories,
// rely on them (a test keeps the two in step).
func CopiesFlagFile(flag string) bool { return configKeys[flag] }

// WalksFlagDir: see CopiesFlagFile.
func WalksFlagDir(flag string) (depth int, ok bool) {
	depth, ok = walkFlags[flag]
	return depth, ok
}

// Covers reports whether the collector looks at the node path p whatever
// runs on the node: p is a well-known file, or lies within the walked
// depth of a well-known directory or of a path a platform profile names. Catalog checks that name files by
// well-known paths rely on it (a test keeps the two in step).
func Covers(p string) bool {
	for _, f := range wellKnownFiles {
		if f == p {
			return true
		}
	}
	dirs := wellKnownDirs[:len(wellKnownDirs):len(wellKnownDirs)]
	for _, d := range platformPaths {
		dirs = append(dirs, walkDir{d.path, d.depth})
	}
	for _, d := range dirs {
		if p == d.path {
			return true
		}
		if rest, ok := strings.CutPrefix(p, d.path+"/"); ok && strings.Count(rest, "/") < d.depth {
			return true
		}
	}
	return false
}

// KnownPaths are the paths the collector looks at on every node, whatever
// runs there: the well-known files and directories, the platform
// profiles' paths, the files of the host's identity and accounts, and
// /proc. (Beyond them it follows the paths the components name.) A
// container that collects a node (deploy/) must see at least these; its
// test checks the mounts against them.
func KnownPaths() []string {
	out := []string{"/proc", "/etc/hostname", "/etc/passwd", "/etc/group", "/usr/lib/os-release"}
	out = append(out, wellKnownFiles...)
	for _, d := range wellKnownDirs {
		out = append(out, d.path)
	}
	for _, p := range platformPaths {
		out = append(out, p.path)
	}
	return out
}
