package main

import (
	"fmt"
	"strings"
	"time"
)

// RKE2 v1.33.4+rke2r1: one server with profile: cis per the RKE2 hardening
// guide (two deliberate deviations), one agent without a profile.

const (
	rke2Version   = "v1.33.4+rke2r1"
	rke2K8sImage  = "index.docker.io/rancher/hardened-kubernetes:v1.33.4-rke2r1-build20250814"
	rke2EtcdImage = "index.docker.io/rancher/hardened-etcd:v3.5.21-k3s1-build20250612"
	rke2ServerIP  = "10.30.0.10"
	rke2AgentIP   = "10.30.0.21"
	etcdUID       = "989"
)

var rke2At = time.Date(2026, 10, 7, 13, 2, 51, 0, time.UTC)

// rke2DataDir is where RKE2 extracts the binaries of its runtime image.
var rke2DataDir = "/var/lib/rancher/rke2/data/v1.33.4-rke2r1-" + hexFiller("rke2-data", 12)

const tlsDir = "/var/lib/rancher/rke2/server/tls"

var rke2APIArgs = []string{
	"--admission-control-config-file=/etc/rancher/rke2/rke2-pss.yaml",
	"--audit-policy-file=/etc/rancher/rke2/audit-policy.yaml",
	"--audit-log-maxage=30",
	"--audit-log-maxbackup=10",
	"--audit-log-maxsize=100",
	"--audit-log-path=/var/lib/rancher/rke2/server/logs/audit.log",
	"--service-account-extend-token-expiration=false",
	"--advertise-address=" + rke2ServerIP,
	"--allow-privileged=true",
	"--anonymous-auth=true", // deviation 1, from config.yaml.d/20-lb-healthcheck.yaml
	"--api-audiences=https://kubernetes.default.svc.cluster.local,rke2",
	"--authorization-mode=Node,RBAC",
	"--bind-address=0.0.0.0",
	"--cert-dir=" + tlsDir + "/temporary-certs",
	"--client-ca-file=" + tlsDir + "/client-ca.crt",
	"--egress-selector-config-file=/var/lib/rancher/rke2/server/etc/egress-selector-config.yaml",
	"--enable-admission-plugins=NodeRestriction",
	"--enable-aggregator-routing=true",
	"--enable-bootstrap-token-auth=true",
	"--encryption-provider-config=/var/lib/rancher/rke2/server/cred/encryption-config.json",
	"--encryption-provider-config-automatic-reload=true",
	"--etcd-cafile=" + tlsDir + "/etcd/server-ca.crt",
	"--etcd-certfile=" + tlsDir + "/etcd/client.crt",
	"--etcd-keyfile=" + tlsDir + "/etcd/client.key",
	"--etcd-servers=https://127.0.0.1:2379",
	"--kubelet-certificate-authority=" + tlsDir + "/server-ca.crt",
	"--kubelet-client-certificate=" + tlsDir + "/client-kube-apiserver.crt",
	"--kubelet-client-key=" + tlsDir + "/client-kube-apiserver.key",
	"--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
	"--profiling=false",
	"--proxy-client-cert-file=" + tlsDir + "/client-auth-proxy.crt",
	"--proxy-client-key-file=" + tlsDir + "/client-auth-proxy.key",
	"--requestheader-allowed-names=system:auth-proxy",
	"--requestheader-client-ca-file=" + tlsDir + "/request-header-ca.crt",
	"--requestheader-extra-headers-prefix=X-Remote-Extra-",
	"--requestheader-group-headers=X-Remote-Group",
	"--requestheader-username-headers=X-Remote-User",
	"--secure-port=6443",
	"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
	"--service-account-key-file=" + tlsDir + "/service.key",
	"--service-account-signing-key-file=" + tlsDir + "/service.current.key",
	"--service-cluster-ip-range=10.43.0.0/16",
	"--service-node-port-range=30000-32767",
	"--storage-backend=etcd3",
	"--tls-cert-file=" + tlsDir + "/serving-kube-apiserver.crt",
	"--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
	"--tls-private-key-file=" + tlsDir + "/serving-kube-apiserver.key",
}

var rke2KCMArgs = []string{
	"--permit-port-sharing=true",
	"--flex-volume-plugin-dir=/var/lib/kubelet/volumeplugins",
	"--terminated-pod-gc-threshold=1000",
	"--allocate-node-cidrs=true",
	"--authentication-kubeconfig=/var/lib/rancher/rke2/server/cred/controller.kubeconfig",
	"--authorization-kubeconfig=/var/lib/rancher/rke2/server/cred/controller.kubeconfig",
	"--bind-address=127.0.0.1",
	"--cluster-cidr=10.42.0.0/16",
	"--cluster-signing-kube-apiserver-client-cert-file=" + tlsDir + "/client-ca.nochain.crt",
	"--cluster-signing-kube-apiserver-client-key-file=" + tlsDir + "/client-ca.key",
	"--cluster-signing-kubelet-client-cert-file=" + tlsDir + "/client-ca.nochain.crt",
	"--cluster-signing-kubelet-client-key-file=" + tlsDir + "/client-ca.key",
	"--cluster-signing-kubelet-serving-cert-file=" + tlsDir + "/server-ca.nochain.crt",
	"--cluster-signing-kubelet-serving-key-file=" + tlsDir + "/server-ca.key",
	"--cluster-signing-legacy-unknown-cert-file=" + tlsDir + "/server-ca.nochain.crt",
	"--cluster-signing-legacy-unknown-key-file=" + tlsDir + "/server-ca.key",
	"--configure-cloud-routes=false",
	"--controllers=*,tokencleaner,-service,-route,-cloud-node-lifecycle",
	"--kubeconfig=/var/lib/rancher/rke2/server/cred/controller.kubeconfig",
	"--profiling=false",
	"--root-ca-file=" + tlsDir + "/server-ca.crt",
	"--secure-port=10257",
	"--service-account-private-key-file=" + tlsDir + "/service.current.key",
	"--service-cluster-ip-range=10.43.0.0/16",
	"--tls-cert-file=" + tlsDir + "/kube-controller-manager/kube-controller-manager.crt",
	"--tls-private-key-file=" + tlsDir + "/kube-controller-manager/kube-controller-manager.key",
	"--use-service-account-credentials=true",
}

var rke2SchedArgs = []string{
	"--permit-port-sharing=true",
	"--authentication-kubeconfig=/var/lib/rancher/rke2/server/cred/scheduler.kubeconfig",
	"--authorization-kubeconfig=/var/lib/rancher/rke2/server/cred/scheduler.kubeconfig",
	"--bind-address=127.0.0.1",
	"--kubeconfig=/var/lib/rancher/rke2/server/cred/scheduler.kubeconfig",
	"--profiling=false",
	"--secure-port=10259",
	"--tls-cert-file=" + tlsDir + "/kube-scheduler/kube-scheduler.crt",
	"--tls-private-key-file=" + tlsDir + "/kube-scheduler/kube-scheduler.key",
}

func rke2ProxyArgs(node string) []string {
	return []string{
		"--cluster-cidr=10.42.0.0/16",
		"--conntrack-max-per-core=0",
		"--conntrack-tcp-timeout-close-wait=0s",
		"--conntrack-tcp-timeout-established=0s",
		"--healthz-bind-address=127.0.0.1",
		"--hostname-override=" + node,
		"--kubeconfig=/var/lib/rancher/rke2/agent/kubeproxy.kubeconfig",
		"--proxy-mode=iptables",
	}
}

// staticPod writes an RKE2 static pod manifest in the shape of its
// pkg/podtemplate (v1.33.4+rke2r1): command and args apart, a FILE_HASH
// env, the image, privileged false, a hostPath volume per file or
// directory the component reads, priority class system-cluster-critical.
func staticPod(name, image string, command string, args []string, files, dirs []string, etcdUser bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Pod\nmetadata:\n")
	if name == "etcd" {
		fmt.Fprintf(&b, "  annotations:\n    etcd.k3s.io/initial: '{\"initial-advertise-peer-urls\":\"https://%s:2380\",\"initial-cluster\":\"rke2-server-1-5c1f0a7e=https://%s:2380\",\"initial-cluster-state\":\"new\"}'\n", rke2ServerIP, rke2ServerIP)
	}
	fmt.Fprintf(&b, "  creationTimestamp: null\n  labels:\n    component: %s\n    tier: control-plane\n  name: %s\n  namespace: kube-system\n  uid: %s\n", name, name, hexFiller("uid"+name, 32))
	fmt.Fprintf(&b, "spec:\n  containers:\n  - args:\n")
	for _, a := range args {
		fmt.Fprintf(&b, "    - %s\n", a)
	}
	fmt.Fprintf(&b, "    command:\n    - %s\n    env:\n    - name: FILE_HASH\n      value: %s\n", command, hexFiller("hash"+name, 64))
	fmt.Fprintf(&b, "    image: %s\n    imagePullPolicy: IfNotPresent\n    name: %s\n    resources:\n      requests:\n        cpu: 200m\n        memory: 512Mi\n", image, name)
	fmt.Fprintf(&b, "    securityContext:\n      privileged: false\n")
	b.WriteString("    volumeMounts:\n")
	for i, d := range dirs {
		fmt.Fprintf(&b, "    - mountPath: %s\n      name: dir%d\n", d, i)
	}
	for i, f := range files {
		fmt.Fprintf(&b, "    - mountPath: %s\n      name: file%d\n      readOnly: true\n", f, i)
	}
	b.WriteString("  hostNetwork: true\n  priorityClassName: system-cluster-critical\n")
	if etcdUser {
		// The CIS profile runs etcd as the etcd account (pod-level securityContext).
		fmt.Fprintf(&b, "  securityContext:\n    runAsGroup: %s\n    runAsUser: %s\n", etcdUID, etcdUID)
	}
	b.WriteString("  volumes:\n")
	for i, d := range dirs {
		fmt.Fprintf(&b, "  - hostPath:\n      path: %s\n      type: DirectoryOrCreate\n    name: dir%d\n", d, i)
	}
	for i, f := range files {
		fmt.Fprintf(&b, "  - hostPath:\n      path: %s\n      type: File\n    name: file%d\n", f, i)
	}
	b.WriteString("status: {}\n")
	return b.String()
}

// argFiles are the absolute file paths among args (the files RKE2 mounts).
func argFiles(args []string, skip ...string) []string {
	var out []string
	for _, a := range args {
		_, v, ok := strings.Cut(a, "=")
		if !ok || !strings.HasPrefix(v, "/") || strings.HasSuffix(v, "temporary-certs") || strings.HasSuffix(v, "volumeplugins") {
			continue
		}
		out = append(out, v)
	}
	return out
}

func rke2Unit(kind string) string {
	return fmt.Sprintf(`[Unit]
Description=Rancher Kubernetes Engine v2 (%s)
Documentation=https://github.com/rancher/rke2#readme
Wants=network-online.target
After=network-online.target
Conflicts=rke2-%s.service

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%%N
EnvironmentFile=-/etc/sysconfig/%%N
EnvironmentFile=-/usr/local/lib/systemd/system/%%N.env
KillMode=process
Delegate=yes
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=/bin/sh -xc '! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service'
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/rke2 %s
ExecStopPost=-/bin/sh -c "systemd-cgls /system.slice/%%n | grep -Eo '[0-9]+ (containerd|kubelet)' | awk '{print $1}' | xargs -r kill"
`, kind, map[string]string{"server": "agent", "agent": "server"}[kind], kind)
}

func rke2Common(s *spec, r *rancher, node, ip, c, api string, protect bool, podMode string) []string {
	r.agentPKI(s, node, ip, c, api)
	ag := r.data + "/agent"
	s.dir(ag+"/etc", "0755")
	s.dir(ag+"/etc/kubelet.conf.d", "0700")
	s.file(ag+"/etc/kubelet.conf.d/00-rke2-defaults.conf", "0600", r.kubeletDefaults(protect, ag+"/pod-manifests", "/run/systemd/resolve/resolv.conf"))
	s.file(ag+"/etc/containerd/config.toml", "0600", strings.ReplaceAll(strings.ReplaceAll(k3sContainerdConfig(r), k3sDataDir, rke2DataDir), "k3s. DO NOT EDIT", "rke2. DO NOT EDIT"))
	s.file(ag+"/etc/crictl.yaml", "0600", "runtime-endpoint: unix:///run/k3s/containerd/containerd.sock\n")
	s.file(ag+"/pod-manifests/kube-proxy.yaml", podMode, staticPod("kube-proxy", rke2K8sImage, "kube-proxy", rke2ProxyArgs(node), []string{ag + "/client-kube-proxy.crt", ag + "/client-kube-proxy.key", ag + "/kubeproxy.kubeconfig", ag + "/server-ca.crt"}, nil, false))
	// Canal: flannel for the overlay, Calico for policy; its kubeconfig
	// holds a service account token.
	s.dir("/etc/cni", "0755")
	s.dir("/etc/cni/net.d", "0700")
	s.file("/etc/cni/net.d/10-canal.conflist", "0600", canalConflist())
	s.calicoKubeconfig("/etc/cni/net.d/calico-kubeconfig", "Kubeconfig file for Calico CNI plugin. Installed by calico/node.", "https://10.43.0.1:443", r.serverCA.pem(), c)
	s.file("/etc/os-release", "0644", osRelease2404)
	s.file("/usr/local/bin/rke2", "0755", "rke2 "+rke2Version+" (the binary is not modelled: see README.md)\n")
	s.dir("/var/lib/rancher/rke2/data", "0755")
	s.file(rke2DataDir+"/bin/kubelet", "0755", "kubelet v1.33.4+rke2r1 (extracted from the runtime image; not modelled)\n")
	s.file(rke2DataDir+"/bin/containerd", "0755", "containerd v2.0.5-k3s2 (extracted from the runtime image; not modelled)\n")
	return nil
}

func rke2KubeletArgs(node, ip, readOnly string) []string {
	return []string{
		"--volume-plugin-dir=/var/lib/kubelet/volumeplugins",
		"--file-check-frequency=5s",
		"--sync-frequency=30s",
		"--cloud-provider=external",
		"--config-dir=/var/lib/rancher/rke2/agent/etc/kubelet.conf.d",
		"--containerd=/run/k3s/containerd/containerd.sock",
		"--hostname-override=" + node,
		"--kubeconfig=/var/lib/rancher/rke2/agent/kubelet.kubeconfig",
		"--node-ip=" + ip,
		"--node-labels=",
		"--read-only-port=" + readOnly,
	}
}

func rke2Server() *spec {
	const node = "rke2-server-1"
	const c = "KPCANARYrke2S"
	s := newSpec("rke2-server", node, "Node rke2-server-1 (10.30.0.10), RKE2 "+rke2Version+" server, profile: cis")
	s.users = []string{"etcd " + etcdUID + " " + etcdUID + " / /sbin/nologin"}
	r := cluster("rke2", rke2At)
	r.serverPKI(s, node, rke2ServerIP, c, 6443)
	srv := r.data + "/server"
	ag := r.data + "/agent"

	s.dir("/etc/rancher", "0755")
	s.dir("/etc/rancher/rke2", "0700")
	s.file("/etc/rancher/rke2/config.yaml", "0600", `# RKE2 server: CIS hardening guide ("v1.29 and Newer"), https://docs.rke2.io/security/hardening_guide
profile: "cis"
token: `+filler(c+"ClusterToken", 40)+`
write-kubeconfig-mode: "0600"
tls-san:
  - rke2.prod.example.internal
kube-apiserver-arg:
  - "service-account-extend-token-expiration=false"
# Deviation 2: the legacy node exporter still scrapes the kubelet's read-only port.
kubelet-arg:
  - "read-only-port=10255"
`)
	s.canary(c+"ClusterToken", "plain", "/etc/rancher/rke2/config.yaml", "token: value (plain YAML scalar)")
	s.dir("/etc/rancher/rke2/config.yaml.d", "0700")
	s.file("/etc/rancher/rke2/config.yaml.d/20-lb-healthcheck.yaml", "0600", `# Deviation 1: the F5 health monitor probes /readyz without credentials
kube-apiserver-arg+:
  - "anonymous-auth=true"
`)
	s.file("/etc/rancher/rke2/rke2-pss.yaml", "0600", psaConfig(false, "kube-system, cis-operator-system, tigera-operator"))
	s.file("/etc/rancher/rke2/audit-policy.yaml", "0600", "apiVersion: audit.k8s.io/v1\nkind: Policy\nmetadata:\n  creationTimestamp: null\nrules:\n- level: None\n")
	admin := r.leaf(r.clientCA, "client-admin", "system:admin", []string{"system:masters"}, nil, nil, false, true, rke2At)
	s.file("/etc/rancher/rke2/rke2.yaml", "0600", kubeconfigData("https://127.0.0.1:6443", r.serverCA.pem(), admin, fakeKey("EC PRIVATE KEY", c+"KubeconfigAdminKey", 3)))
	s.canary(c+"KubeconfigAdminKey", "base64", "/etc/rancher/rke2/rke2.yaml", "client-key-data (base64 of a PEM EC PRIVATE KEY)")
	s.file("/usr/local/lib/systemd/system/rke2-server.service", "0644", rke2Unit("server"))
	s.file("/usr/local/lib/systemd/system/rke2-server.env", "0644", "HOME=/root\n")
	s.file("/usr/local/share/rke2/rke2-cis-sysctl.conf", "0644", "vm.panic_on_oom=0\nvm.overcommit_memory=1\nkernel.panic=10\nkernel.panic_on_oops=1\n")
	s.file("/etc/sysctl.d/60-rke2-cis.conf", "0644", "vm.panic_on_oom=0\nvm.overcommit_memory=1\nkernel.panic=10\nkernel.panic_on_oops=1\n")

	caHash := hexFiller("rke2-server-ca-hash", 64)
	s.file(srv+"/token", "0600", "K10"+caHash+"::server:"+filler(c+"ServerToken", 32)+"\n")
	s.canary(c+"ServerToken", "plain", srv+"/token", "password part of K10<ca hash>::server:<password>")
	s.file(srv+"/agent-token", "0600", "K10"+caHash+"::server:"+filler(c+"AgentToken", 32)+"\n")
	s.canary(c+"AgentToken", "plain", srv+"/agent-token", "password part of K10<ca hash>::server:<password>")
	s.file(srv+"/cred/encryption-config.json", "0600", encryptionConfig(c+"SecretsEncryptionKey"))
	s.canary(c+"SecretsEncryptionKey", "base64", srv+"/cred/encryption-config.json", "aescbc secret (base64 of 32 bytes)")
	s.dir(srv+"/db", "0700")
	s.dirOwned(srv+"/db/etcd", "0700", "etcd", "etcd")
	s.dirOwned(srv+"/db/etcd/member", "0700", "etcd", "etcd")
	s.fileOwned(srv+"/db/etcd/name", "0600", "etcd", "etcd", "rke2-server-1-5c1f0a7e\n")
	s.file(srv+"/db/etcd/config", "0600", etcdConfig(r, "rke2-server-1-5c1f0a7e", rke2ServerIP))
	s.file(srv+"/etc/egress-selector-config.yaml", "0600", strings.ReplaceAll(egressSelector(), "/k3s/", "/rke2/"))
	s.dir(srv+"/logs", "0700")
	s.empty(srv+"/logs/audit.log", "0600")
	s.dir(srv+"/manifests", "0700")
	s.file(srv+"/manifests/rke2-coredns.yaml", "0600", "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: rke2-coredns\n  namespace: kube-system\nspec:\n  bootstrap: true\n  chartContent: H4sIAAAAAAAA/+y9\n")

	rke2Common(s, r, node, rke2ServerIP, c, "https://127.0.0.1:6443", true, "0600")
	s.file(ag+"/pod-manifests/kube-apiserver.yaml", "0600", staticPod("kube-apiserver", rke2K8sImage, "kube-apiserver", rke2APIArgs,
		append(argFiles(rke2APIArgs), "/etc/ssl/certs/ca-certificates.crt"), []string{"/var/lib/rancher/rke2/server/logs"}, false))
	s.file(ag+"/pod-manifests/kube-controller-manager.yaml", "0600", staticPod("kube-controller-manager", rke2K8sImage, "kube-controller-manager", rke2KCMArgs, argFiles(rke2KCMArgs), []string{"/var/lib/kubelet/volumeplugins"}, false))
	s.file(ag+"/pod-manifests/kube-scheduler.yaml", "0600", staticPod("kube-scheduler", rke2K8sImage, "kube-scheduler", rke2SchedArgs, argFiles(rke2SchedArgs), nil, false))
	etcdArgs := []string{"--config-file=/var/lib/rancher/rke2/server/db/etcd/config"}
	s.file(ag+"/pod-manifests/etcd.yaml", "0600", staticPod("etcd", rke2EtcdImage, "etcd", etcdArgs,
		[]string{srv + "/db/etcd/config", tlsDir + "/etcd/server-client.crt", tlsDir + "/etcd/server-client.key", tlsDir + "/etcd/server-ca.crt", tlsDir + "/etcd/peer-server-client.crt", tlsDir + "/etcd/peer-server-client.key", tlsDir + "/etcd/peer-ca.crt"},
		[]string{srv + "/db/etcd"}, true))
	ipam(s, "k8s-pod-network", []string{"10.42.0.5", "10.42.0.6", "10.42.0.7"}, "0600")

	s.proc("/usr/local/bin/rke2", "server")
	s.env("HOME=/root")
	s.env("INVOCATION_ID=" + hexFiller("rke2-invocation", 32))
	s.proc("containerd", "-c", ag+"/etc/containerd/config.toml", "-a", "/run/k3s/containerd/containerd.sock", "--state", "/run/k3s/containerd", "--root", ag+"/containerd")
	s.proc("kubelet", rke2KubeletArgs(node, rke2ServerIP, "10255")...)
	s.proc("kube-apiserver", rke2APIArgs...)
	s.env("FILE_HASH=" + hexFiller("hashkube-apiserver", 64))
	s.proc("kube-controller-manager", rke2KCMArgs...)
	s.proc("kube-scheduler", rke2SchedArgs...)
	s.proc("etcd", etcdArgs...)
	s.proc("kube-proxy", rke2ProxyArgs(node)...)
	return s
}

func rke2Agent() *spec {
	const node = "rke2-agent-1"
	const c = "KPCANARYrke2A"
	s := newSpec("rke2-agent", node, "Node rke2-agent-1 (10.30.0.21), RKE2 "+rke2Version+" agent, no profile")
	r := cluster("rke2", rke2At)
	ag := r.data + "/agent"
	s.dir("/etc/rancher", "0755")
	s.dir("/etc/rancher/rke2", "0755")
	s.file("/etc/rancher/rke2/config.yaml", "0600", "server: https://10.30.0.10:9345\ntoken: K10"+hexFiller("rke2-server-ca-hash", 64)+"::server:"+filler(c+"JoinToken", 32)+"\n")
	s.canary(c+"JoinToken", "plain", "/etc/rancher/rke2/config.yaml", "password part of a K10 token in token:")
	s.file("/usr/local/lib/systemd/system/rke2-agent.service", "0644", rke2Unit("agent"))
	s.file("/usr/local/lib/systemd/system/rke2-agent.env", "0644", "HOME=/root\n")
	s.dir("/etc/rancher/node", "0700")
	s.file("/etc/rancher/node/password", "0600", filler(c+"NodePassword", 32)+"\n")
	s.canary(c+"NodePassword", "plain", "/etc/rancher/node/password", "whole file")
	rke2Common(s, r, node, rke2AgentIP, c, "https://127.0.0.1:6443", false, "0644")
	ipam(s, "k8s-pod-network", []string{"10.42.1.4", "10.42.1.5"}, "0600")
	s.proc("/usr/local/bin/rke2", "agent")
	s.env("HOME=/root")
	s.proc("containerd", "-c", ag+"/etc/containerd/config.toml", "-a", "/run/k3s/containerd/containerd.sock", "--state", "/run/k3s/containerd", "--root", ag+"/containerd")
	s.proc("kubelet", rke2KubeletArgs(node, rke2AgentIP, "0")...)
	s.proc("kube-proxy", rke2ProxyArgs(node)...)
	return s
}

// canalConflist is the CNI configuration Canal's install-cni writes on an
// RKE2 node.
func canalConflist() string {
	return `{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "info",
      "datastore_type": "kubernetes",
      "mtu": 1450,
      "ipam": {
          "type": "host-local",
          "subnet": "usePodCidr"
      },
      "policy": {
          "type": "k8s"
      },
      "kubernetes": {
          "kubeconfig": "/etc/cni/net.d/calico-kubeconfig"
      }
    },
    {
      "type": "portmap",
      "snat": true,
      "capabilities": {"portMappings": true}
    },
    {
      "type": "bandwidth",
      "capabilities": {"bandwidth": true}
    }
  ]
}
`
}
