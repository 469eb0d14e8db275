package main

// The kubelet's and kube-proxy's files.
//
// Sources, at each release's tag of k8s.io/kubernetes:
//   - cmd/kubeadm/app/phases/kubelet/flags.go (and flags_unix.go in 1.18):
//     the flags in /var/lib/kubelet/kubeadm-flags.env;
//   - cmd/kubeadm/app/componentconfigs/kubelet.go (defaults.go in 1.15),
//     kubelet_unix.go from 1.31: the fields kubeadm sets in the
//     KubeletConfiguration it writes to /var/lib/kubelet/config.yaml;
//   - cmd/kubeadm/app/componentconfigs/kubeproxy.go (defaults.go in 1.15):
//     the KubeProxyConfiguration of the kube-proxy ConfigMap (config.conf);
//   - cmd/kubeadm/app/phases/addons/proxy/manifests.go: the DaemonSet's
//     command (--config=/var/lib/kube-proxy/config.conf
//     --hostname-override=$(NODE_NAME)) and kubeconfig.conf.
// Which zero-valued fields appear in config.yaml and config.conf depends on
// the JSON tags of k8s.io/kubelet config/v1beta1 and k8s.io/kube-proxy
// config/v1alpha1 at the same release (fields without omitempty are written
// as 0s, "", null or {}): the lines below were checked against those types
// serialized at v0.15.12, v0.18.19, v0.23.17, v0.24.17, v0.25.16, v0.26.15,
// v0.27.16, v0.28.15, v0.31.14, v0.33.13 and v0.35.8.
// The conditions are exact at the generated minors (and at 1.20, whose
// existing spec is hand-written); where a field appeared between two of
// them (say between 1.28 and 1.31) the boundary written is the release the
// field is known to have come with, not one these fixtures test.

import "strings"

// kubeletFlags is KUBELET_KUBEADM_ARGS, sorted as kubeadm sorts it.
func kubeletFlags(n node) []string {
	v, m := n.v, n.v.minor
	f := map[string]string{}
	switch {
	case v.runtime == "docker":
		// CRISocket is the dockershim socket: --network-plugin=cni and the
		// pause image; the cgroup driver read from `docker info` (systemd,
		// /etc/docker/daemon.json as the container runtime docs of the day
		// set it); --resolv-conf because systemd-resolved is active
		// (buildKubeletArgMap in 1.15, flags_unix.go in 1.18).
		f["network-plugin"] = "cni"
		f["pod-infra-container-image"] = image0(v, "pause", v.pause)
		f["cgroup-driver"] = "systemd"
		f["resolv-conf"] = "/run/systemd/resolve/resolv.conf"
	case m <= 23:
		// Another CRI: --container-runtime=remote and the socket kubeadm
		// found (util/runtime/runtime_unix.go: /run/containerd/containerd.sock).
		f["container-runtime"] = "remote"
		f["container-runtime-endpoint"] = "/run/containerd/containerd.sock"
		f["pod-infra-container-image"] = image0(v, "pause", v.pause)
	case m <= 25:
		// 1.24, 1.25: "unix://" socket URLs (constants_unix.go
		// CRISocketContainerd); --container-runtime=remote until 1.26.
		f["container-runtime"] = "remote"
		f["container-runtime-endpoint"] = "unix:///var/run/containerd/containerd.sock"
		f["pod-infra-container-image"] = image0(v, "pause", v.pause)
	case m <= 33:
		f["container-runtime-endpoint"] = "unix:///var/run/containerd/containerd.sock"
		f["pod-infra-container-image"] = image0(v, "pause", v.pause)
	default:
		// 1.35: the NodeLocalCRISocket gate (beta, on) moves the endpoint to
		// /var/lib/kubelet/instance-config.yaml, and the pause image flag is
		// gone: nothing is left.
	}
	return sortedArgs(f)
}

func image0(v version, name, tag string) string { return v.registry + "/" + name + ":" + tag }

// kubeletConfig is /var/lib/kubelet/config.yaml.
func kubeletConfig(n node) string {
	m := n.v.minor
	if m == 15 {
		// 1.15 ran the kubelet's own defaulting (Scheme.Default) over
		// kubeadm's settings before writing the file, so every default is
		// spelled out (componentconfigs/defaults.go, DefaultKubeletConfiguration;
		// defaults from pkg/kubelet/apis/config/v1beta1/defaults.go).
		return kubeletConfig115
	}
	type l struct {
		s  string
		ok bool
	}
	cre := `""`
	if m >= 35 {
		cre = "unix:///var/run/containerd/containerd.sock"
	}
	lines := []l{
		{"apiVersion: kubelet.config.k8s.io/v1beta1", true},
		{"authentication:\n  anonymous:\n    enabled: false\n  webhook:\n    cacheTTL: 0s\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt", true},
		{"authorization:\n  mode: Webhook\n  webhook:\n    cacheAuthorizedTTL: 0s\n    cacheUnauthorizedTTL: 0s", true},
		// Default(): cgroupDriver systemd when unset, from 1.21.
		{"cgroupDriver: systemd", m >= 21},
		{"clusterDNS:\n- 10.96.0.10", true},
		{"clusterDomain: cluster.local", true},
		// A field without omitempty from 1.27; set by the instance
		// configuration patch in 1.35 (phases/kubelet/config.go).
		{"containerRuntimeEndpoint: " + cre, m >= 27},
		{"cpuManagerReconcilePeriod: 0s", true},
		{"crashLoopBackOff: {}", m >= 33},
		{"evictionPressureTransitionPeriod: 0s", true},
		{"fileCheckFrequency: 0s", true},
		{"healthzBindAddress: 127.0.0.1", true},
		{"healthzPort: 10248", true},
		{"httpCheckFrequency: 0s", true},
		{"imageMaximumGCAge: 0s", m >= 29},
		{"imageMinimumGCAge: 0s", true},
		{"kind: KubeletConfiguration", true},
		{"logging: {}", m >= 20 && m < 22},
		{"logging:\n  flushFrequency: 0\n  options:\n    json:\n      infoBufferSize: \"0\"\n  verbosity: 0", m >= 22 && m < 29},
		{"logging:\n  flushFrequency: 0\n  options:\n    json:\n      infoBufferSize: \"0\"\n    text:\n      infoBufferSize: \"0\"\n  verbosity: 0", m >= 29},
		{"memorySwap: {}", m >= 22},
		{"nodeStatusReportFrequency: 0s", true},
		{"nodeStatusUpdateFrequency: 0s", true},
		// Default() (kubelet_unix.go from 1.31) points the kubelet at
		// systemd-resolved's resolv.conf when systemd-resolved is active, as
		// on Ubuntu; up to 1.19 this was the --resolv-conf flag.
		{"resolvConf: /run/systemd/resolve/resolv.conf", m >= 20},
		{"rotateCertificates: true", true},
		{"runtimeRequestTimeout: 0s", true},
		{"shutdownGracePeriod: 0s", m >= 20},
		{"shutdownGracePeriodCriticalPods: 0s", m >= 20},
		{"staticPodPath: /etc/kubernetes/manifests", true},
		{"streamingConnectionIdleTimeout: 0s", true},
		{"syncFrequency: 0s", true},
		{"volumeStatsAggPeriod: 0s", true},
	}
	var b strings.Builder
	for _, x := range lines {
		if x.ok {
			b.WriteString(x.s + "\n")
		}
	}
	return b.String()
}

const kubeletConfig115 = `address: 0.0.0.0
apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 2m0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 5m0s
    cacheUnauthorizedTTL: 30s
cgroupDriver: cgroupfs
cgroupsPerQOS: true
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
configMapAndSecretChangeDetectionStrategy: Watch
containerLogMaxFiles: 5
containerLogMaxSize: 10Mi
contentType: application/vnd.kubernetes.protobuf
cpuCFSQuota: true
cpuCFSQuotaPeriod: 100ms
cpuManagerPolicy: none
cpuManagerReconcilePeriod: 10s
enableControllerAttachDetach: true
enableDebuggingHandlers: true
enforceNodeAllocatable:
- pods
eventBurst: 10
eventRecordQPS: 5
evictionHard:
  imagefs.available: 15%
  memory.available: 100Mi
  nodefs.available: 10%
  nodefs.inodesFree: 5%
evictionPressureTransitionPeriod: 5m0s
failSwapOn: true
fileCheckFrequency: 20s
hairpinMode: promiscuous-bridge
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 20s
imageGCHighThresholdPercent: 85
imageGCLowThresholdPercent: 80
imageMinimumGCAge: 2m0s
iptablesDropBit: 15
iptablesMasqueradeBit: 14
kind: KubeletConfiguration
kubeAPIBurst: 10
kubeAPIQPS: 5
makeIPTablesUtilChains: true
maxOpenFiles: 1000000
maxPods: 110
nodeLeaseDurationSeconds: 40
nodeStatusReportFrequency: 1m0s
nodeStatusUpdateFrequency: 10s
oomScoreAdj: -999
podPidsLimit: -1
port: 10250
registryBurst: 10
registryPullQPS: 5
resolvConf: /etc/resolv.conf
rotateCertificates: true
runtimeRequestTimeout: 2m0s
serializeImagePulls: true
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 4h0m0s
syncFrequency: 1m0s
volumeStatsAggPeriod: 1m0s
`

// kubeProxyConfig is config.conf of the kube-proxy ConfigMap.
func kubeProxyConfig(n node) string {
	m := n.v.minor
	if m == 15 {
		// As for the kubelet, 1.15 wrote kube-proxy's config defaulted
		// (pkg/proxy/apis/config/v1alpha1/defaults.go).
		return kubeProxyConfig115
	}
	type l struct {
		s  string
		ok bool
	}
	logging := "logging:\n  flushFrequency: 0\n  options:\n    json:\n      infoBufferSize: \"0\"\n"
	if m >= 29 {
		logging += "    text:\n      infoBufferSize: \"0\"\n"
	}
	logging += "  verbosity: 0"
	lines := []l{
		{"apiVersion: kubeproxy.config.k8s.io/v1alpha1", true},
		{"bindAddress: 0.0.0.0", true},
		{"bindAddressHardFail: false", m >= 20},
		{"clientConnection:\n  acceptContentTypes: \"\"\n  burst: 0\n  contentType: \"\"\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n  qps: 0", true},
		{"clusterCIDR: 10.244.0.0/16", true},
		{"configSyncPeriod: 0s", true},
		{"conntrack:\n  maxPerCore: null\n  min: null", true},
		{"  tcpBeLiberal: false", m >= 29},
		{"  tcpCloseWaitTimeout: null\n  tcpEstablishedTimeout: null", true},
		{"  udpStreamTimeout: 0s\n  udpTimeout: 0s", m >= 29},
		{"detectLocal:\n  bridgeInterface: \"\"\n  interfaceNamePrefix: \"\"", m >= 24},
		{"detectLocalMode: \"\"", true},
		{"enableProfiling: false", true},
		{"healthzBindAddress: \"\"", true},
		{"hostnameOverride: \"\"", true},
		{"iptables:", true},
		{"  localhostNodePorts: null", m >= 26},
		{"  masqueradeAll: false\n  masqueradeBit: null\n  minSyncPeriod: 0s\n  syncPeriod: 0s", true},
		{"ipvs:\n  excludeCIDRs: null\n  minSyncPeriod: 0s\n  scheduler: \"\"\n  strictARP: false\n  syncPeriod: 0s\n  tcpFinTimeout: 0s\n  tcpTimeout: 0s\n  udpTimeout: 0s", true},
		{"kind: KubeProxyConfiguration", true},
		{logging, m >= 28},
		{"metricsBindAddress: \"\"", true},
		{"mode: \"\"", true},
		{"nftables:\n  masqueradeAll: false\n  masqueradeBit: null\n  minSyncPeriod: 0s\n  syncPeriod: 0s", m >= 29},
		{"nodePortAddresses: null", true},
		{"oomScoreAdj: null", true},
		{"portRange: \"\"", true},
		{"showHiddenMetricsForVersion: \"\"", true},
		{"udpIdleTimeout: 0s", m <= 25},
		{"winkernel:\n  enableDSR: false", true},
		{"  forwardHealthCheckVip: false", m >= 24},
		{"  networkName: \"\"", true},
		{"  rootHnsEndpointName: \"\"", m >= 24},
		{"  sourceVip: \"\"", true},
	}
	var b strings.Builder
	for _, x := range lines {
		if x.ok {
			b.WriteString(x.s + "\n")
		}
	}
	return b.String()
}

const kubeProxyConfig115 = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
clientConnection:
  acceptContentTypes: ""
  burst: 10
  contentType: application/vnd.kubernetes.protobuf
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 5
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 15m0s
conntrack:
  maxPerCore: 32768
  min: 131072
  tcpCloseWaitTimeout: 1h0m0s
  tcpEstablishedTimeout: 24h0m0s
enableProfiling: false
healthzBindAddress: 0.0.0.0:10256
hostnameOverride: ""
iptables:
  masqueradeAll: false
  masqueradeBit: 14
  minSyncPeriod: 0s
  syncPeriod: 30s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 30s
kind: KubeProxyConfiguration
metricsBindAddress: 127.0.0.1:10249
mode: ""
nodePortAddresses: null
oomScoreAdj: -999
portRange: ""
resourceContainer: /kube-proxy
udpIdleTimeout: 250ms
winkernel:
  enableDSR: false
  networkName: ""
  sourceVip: ""
`

// The kubeadm drop-in of the official packages (kubernetes/release: the
// same text in build/debs (2019), cmd/kubepkg/templates (2020-2023) and
// cmd/krel/templates/latest/kubeadm/10-kubeadm.conf, with
// /etc/sysconfig/kubelet rewritten to /etc/default/kubelet for debs).
const kubeadmDropIn = `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`

// kubelet.service: kubernetes/release, cmd/kubepkg/templates/latest/deb/kubelet/lib/systemd/system/kubelet.service
// (network-online.target since 2020-04-22) and cmd/krel/templates/latest/kubelet/kubelet.service.
func kubeletUnit(p packaging) string {
	doc := "https://kubernetes.io/docs/home/"
	if p.name == "pkgs.k8s.io" {
		doc = "https://kubernetes.io/docs/"
	}
	return "[Unit]\nDescription=kubelet: The Kubernetes Node Agent\nDocumentation=" + doc +
		"\nWants=network-online.target\nAfter=network-online.target\n\n[Service]\nExecStart=/usr/bin/kubelet\n" +
		"Restart=always\nStartLimitInterval=0\nRestartSec=10\n\n[Install]\nWantedBy=multi-user.target\n"
}

// The --config-dir drop-in of the 1.33 master (not a kubeadm default).
const (
	kubeletDropInDir  = "/etc/kubernetes/kubelet.conf.d"
	kubeletDropInFile = kubeletDropInDir + "/50-protect-kernel-defaults.conf"
	kubeletDropInText = `# Hardening drop-in, merged over /var/lib/kubelet/config.yaml by the kubelet
# (--config-dir in /etc/default/kubelet).
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
protectKernelDefaults: true
`
)
