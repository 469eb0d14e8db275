package main

import "time"

// The versions, one kubeadm cluster each: a control-plane node made by
// `kubeadm init --pod-network-cidr=10.244.0.0/16` and a worker made by
// `kubeadm join`, every other setting kubeadm's default, flannel as the
// CNI.
//
// Every fact below was read in the Kubernetes source of the named release
// (k8s.io/kubernetes at tag vX.Y.Z, cmd/kubeadm/app/...) unless a comment
// names another source. "constants.go" is cmd/kubeadm/app/constants/constants.go.
//
// Which release: the latest patch release of each minor that could be
// established here (the module proxy's stored versions of k8s.io/kubernetes
// and the kubernetes/kubelet tags). 1.15.12, 1.18.20, 1.23.17, 1.24.17,
// 1.25.16, 1.26.15, 1.27.16, 1.28.15 and 1.31.14 are the final releases of
// their minors; 1.33.13 (2026-06-11) closes 1.33 a fortnight before its end
// of life; 1.35.8 (2026-08-20) is the newest 1.35 seen, 1.35 was still
// maintained when these specs were made.
var versions = []version{
	{
		minor: 15, release: "v1.15.12",
		// constants.go: DefaultImageRepository "k8s.gcr.io" (apis/kubeadm/v1beta2/defaults.go),
		// SupportedEtcdVersion[15] = "3.3.10", PauseVersion = "3.1".
		registry: "k8s.gcr.io", etcd: "3.3.10", pause: "3.1",
		runtime: "docker", os: bionic, kernel: "4.15.0-101-generic",
		packages: legacyDebs, initAt: time.Date(2020, 6, 2, 9, 14, 21, 0, time.UTC),
	},
	{
		minor: 18, release: "v1.18.20",
		// SupportedEtcdVersion[18] = "3.4.3-0"; PauseVersion "3.2" (constants_unix.go).
		registry: "k8s.gcr.io", etcd: "3.4.3-0", pause: "3.2",
		runtime: "docker", os: focal2, kernel: "5.4.0-77-generic",
		packages: legacyDebs, initAt: time.Date(2021, 7, 6, 13, 2, 45, 0, time.UTC),
	},
	{
		minor: 23, release: "v1.23.17",
		// DefaultImageRepository became "registry.k8s.io" in the 1.23 patch
		// releases (apis/kubeadm/v1beta3/defaults.go at v1.23.17);
		// SupportedEtcdVersion[23] = "3.5.6-0"; PauseVersion "3.6".
		registry: "registry.k8s.io", etcd: "3.5.6-0", pause: "3.6",
		runtime: "containerd", os: focal5, kernel: "5.4.0-139-generic",
		packages: legacyDebs, initAt: time.Date(2023, 3, 6, 10, 41, 9, 0, time.UTC),
	},
	{
		minor: 24, release: "v1.24.17",
		// SupportedEtcdVersion[24] = "3.5.6-0"; PauseVersion "3.7".
		registry: "registry.k8s.io", etcd: "3.5.6-0", pause: "3.7",
		runtime: "containerd", os: jammy3, kernel: "5.15.0-83-generic",
		packages: legacyDebs, initAt: time.Date(2023, 9, 4, 8, 30, 52, 0, time.UTC),
	},
	{
		minor: 25, release: "v1.25.16",
		// SupportedEtcdVersion[25] = "3.5.9-0"; PauseVersion "3.8".
		registry: "registry.k8s.io", etcd: "3.5.9-0", pause: "3.8",
		runtime: "containerd", os: jammy3, kernel: "5.15.0-89-generic",
		packages: communityDebs, initAt: time.Date(2023, 12, 4, 15, 7, 33, 0, time.UTC),
	},
	{
		minor: 26, release: "v1.26.15",
		// SupportedEtcdVersion[26] = "3.5.10-0"; PauseVersion "3.9".
		registry: "registry.k8s.io", etcd: "3.5.10-0", pause: "3.9",
		runtime: "containerd", os: jammy4, kernel: "5.15.0-101-generic",
		packages: communityDebs, initAt: time.Date(2024, 4, 2, 11, 19, 4, 0, time.UTC),
	},
	{
		minor: 27, release: "v1.27.16",
		// SupportedEtcdVersion[27] = "3.5.12-0"; PauseVersion "3.9".
		registry: "registry.k8s.io", etcd: "3.5.12-0", pause: "3.9",
		runtime: "containerd", os: jammy4, kernel: "5.15.0-117-generic",
		packages: communityDebs, initAt: time.Date(2024, 8, 5, 9, 55, 40, 0, time.UTC),
	},
	{
		minor: 28, release: "v1.28.15",
		// SupportedEtcdVersion[28] = "3.5.15-0"; PauseVersion "3.9".
		registry: "registry.k8s.io", etcd: "3.5.15-0", pause: "3.9",
		runtime: "containerd", os: jammy5, kernel: "5.15.0-124-generic",
		packages: communityDebs, initAt: time.Date(2024, 11, 4, 14, 12, 18, 0, time.UTC),
		// Not kubeadm's default: the operator set etcd settings through the
		// environment with a kubeadm patch (--patches, target etcd), so that
		// the bundles exercise etcd's ETCD_* variables.
		etcdEnv: []string{"ETCD_AUTO_TLS=false", "ETCD_QUOTA_BACKEND_BYTES=8589934592"},
	},
	{
		minor: 31, release: "v1.31.14",
		// SupportedEtcdVersion[31] = "3.5.24-0"; PauseVersion "3.10".
		registry: "registry.k8s.io", etcd: "3.5.24-0", pause: "3.10",
		runtime: "containerd", os: noble3, kernel: "6.8.0-88-generic",
		packages: communityDebs, initAt: time.Date(2025, 12, 1, 10, 3, 27, 0, time.UTC),
	},
	{
		minor: 33, release: "v1.33.13",
		// SupportedEtcdVersion[33] = "3.5.24-0"; PauseVersion "3.10".
		registry: "registry.k8s.io", etcd: "3.5.24-0", pause: "3.10",
		runtime: "containerd", os: noble4, kernel: "6.8.0-101-generic",
		packages: communityDebs, initAt: time.Date(2026, 7, 1, 8, 48, 12, 0, time.UTC),
		// Not kubeadm's default: a kubelet configuration drop-in directory
		// (--config-dir, beta and on by default since 1.30) given in
		// /etc/default/kubelet, with one drop-in that sets a field.
		kubeletDropIn: true,
	},
	{
		minor: 35, release: "v1.35.8",
		// SupportedEtcdVersion[35] = "3.6.6-0"; PauseVersion "3.10.1".
		registry: "registry.k8s.io", etcd: "3.6.6-0", pause: "3.10.1",
		runtime: "containerd", os: noble4, kernel: "6.8.0-106-generic",
		packages: communityDebs, initAt: time.Date(2026, 9, 7, 12, 26, 50, 0, time.UTC),
	},
}

type version struct {
	minor         int
	release       string // the Kubernetes (and kubeadm) release
	registry      string // kubeadm's default image repository
	etcd          string // etcd image tag kubeadm picks for this minor
	pause         string // pause image tag
	runtime       string // "docker" (dockershim) or "containerd"
	os            osRelease
	kernel        string
	packages      packaging
	initAt        time.Time // when `kubeadm init` ran: certificates start here
	etcdEnv       []string  // extra etcd environment (not a kubeadm default)
	kubeletDropIn bool      // a kubelet --config-dir drop-in (not a kubeadm default)
}

// packaging is where the official packages put the kubelet unit, the
// kubeadm drop-in and the KUBELET_EXTRA_ARGS file.
//
// Source: kubernetes/release. The Google-hosted apt repository
// (apt.kubernetes.io, frozen in September 2023) was built from
// build/debs/.../kubeadm.install and later cmd/kubepkg/templates/latest/deb:
// the drop-in at etc/systemd/system/kubelet.service.d/10-kubeadm.conf and the
// unit at lib/systemd/system/kubelet.service; the kubelet package ships no
// /etc/default/kubelet. The community repository (pkgs.k8s.io, from August
// 2023; the only one with 1.25.16 and later patch releases) is built from
// cmd/krel/templates/latest/{kubeadm/kubeadm.spec,kubelet/kubelet.spec}:
// both files under %{_unitdir} (/usr/lib/systemd/system), and kubelet.env
// installed as /etc/default/kubelet on Debian-likes (the drop-in's
// /etc/sysconfig/kubelet is rewritten to /etc/default/kubelet by the spec).
type packaging struct {
	name     string
	unit     string
	dropIn   string
	extraEnv string // /etc/default/kubelet as the package ships it, "" if it ships none
}

var legacyDebs = packaging{
	name:   "apt.kubernetes.io",
	unit:   "/lib/systemd/system/kubelet.service",
	dropIn: "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
}

var communityDebs = packaging{
	name:     "pkgs.k8s.io",
	unit:     "/usr/lib/systemd/system/kubelet.service",
	dropIn:   "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
	extraEnv: "KUBELET_EXTRA_ARGS=\n",
}

// osRelease is /etc/os-release of an Ubuntu LTS point release.
type osRelease struct {
	pretty, version, id, codename, name string
	newStyle                            bool // PRETTY_NAME first (22.04 and later)
}

var (
	bionic = osRelease{pretty: "Ubuntu 18.04.4 LTS", version: "18.04.4 LTS (Bionic Beaver)", id: "18.04", codename: "bionic"}
	focal2 = osRelease{pretty: "Ubuntu 20.04.2 LTS", version: "20.04.2 LTS (Focal Fossa)", id: "20.04", codename: "focal"}
	focal5 = osRelease{pretty: "Ubuntu 20.04.5 LTS", version: "20.04.5 LTS (Focal Fossa)", id: "20.04", codename: "focal"}
	jammy3 = osRelease{pretty: "Ubuntu 22.04.3 LTS", version: "22.04.3 LTS (Jammy Jellyfish)", id: "22.04", codename: "jammy", newStyle: true}
	jammy4 = osRelease{pretty: "Ubuntu 22.04.4 LTS", version: "22.04.4 LTS (Jammy Jellyfish)", id: "22.04", codename: "jammy", newStyle: true}
	jammy5 = osRelease{pretty: "Ubuntu 22.04.5 LTS", version: "22.04.5 LTS (Jammy Jellyfish)", id: "22.04", codename: "jammy", newStyle: true}
	noble3 = osRelease{pretty: "Ubuntu 24.04.3 LTS", version: "24.04.3 LTS (Noble Numbat)", id: "24.04", codename: "noble", newStyle: true}
	noble4 = osRelease{pretty: "Ubuntu 24.04.4 LTS", version: "24.04.4 LTS (Noble Numbat)", id: "24.04", codename: "noble", newStyle: true}
)

func (o osRelease) text() string {
	if !o.newStyle {
		return "NAME=\"Ubuntu\"\nVERSION=\"" + o.version + "\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"" + o.pretty +
			"\"\nVERSION_ID=\"" + o.id + "\"\nHOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\n" +
			"BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\n" +
			"PRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\n" +
			"VERSION_CODENAME=" + o.codename + "\nUBUNTU_CODENAME=" + o.codename + "\n"
	}
	s := "PRETTY_NAME=\"" + o.pretty + "\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"" + o.id + "\"\nVERSION=\"" + o.version +
		"\"\nVERSION_CODENAME=" + o.codename + "\nID=ubuntu\nID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\n" +
		"SUPPORT_URL=\"https://help.ubuntu.com/\"\nBUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\n" +
		"PRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\nUBUNTU_CODENAME=" + o.codename + "\n"
	if o.id == "24.04" {
		s += "LOGO=ubuntu-logo\n"
	}
	return s
}

// The node of a spec.
type node struct {
	v      version
	master bool
	name   string // host and node name (kubeadm names nodes by hostname)
	ip     string
	cpIP   string // the control plane's advertise address
	dir    string // spec directory name
}

func nodesOf(v version) (master, worker node) {
	cp := "192.168." + itoa(v.minor) + ".10"
	master = node{v: v, master: true, name: "k8s-v1" + itoa(v.minor) + "-master", ip: cp, cpIP: cp,
		dir: "kubeadm-1." + itoa(v.minor) + "-master"}
	worker = node{v: v, name: "k8s-v1" + itoa(v.minor) + "-worker", ip: "192.168." + itoa(v.minor) + ".11", cpIP: cp,
		dir: "kubeadm-1." + itoa(v.minor) + "-worker"}
	return
}
