package main

import (
	"strings"
	"time"
)

// RKE2 v1.24.17+rke2r1, the last v1.24 release: a server with profile:
// cis-1.6, the profile of the PodSecurityPolicy era (PSA configurations and
// the cis-1.23 profile came with v1.25), for rke2-cis-1.24 (and the
// neighbouring rke2-cis-1.23). What differs from the v1.33 server: the
// kubelet gets every setting as a flag (no --config-dir drop-in until
// v1.32), the API server admits with PodSecurityPolicy and no admission
// configuration, the controller manager and scheduler serve with their
// own generated certificates. The flags are those RKE2's CIS 1.24
// self-assessment prints for a hardened v1.24 server, with this cluster's
// names and addresses; the same two deviations as rke2-server.

const (
	rke2v124Version   = "v1.24.17+rke2r1"
	rke2v124K8sImage  = "index.docker.io/rancher/hardened-kubernetes:v1.24.17-rke2r1-build20230824"
	rke2v124EtcdImage = "index.docker.io/rancher/hardened-etcd:v3.5.9-k3s1-build20230802"
	rke2v124IP        = "10.31.0.10"
)

var rke2v124At = time.Date(2026, 6, 2, 8, 17, 40, 0, time.UTC)

var rke2v124DataDir = "/var/lib/rancher/rke2/data/v1.24.17-rke2r1-" + hexFiller("rke2-124-data", 12)

func rke2v124APIArgs() []string {
	return []string{
		"--audit-policy-file=/etc/rancher/rke2/audit-policy.yaml",
		"--audit-log-maxage=30",
		"--audit-log-maxbackup=10",
		"--audit-log-maxsize=100",
		"--audit-log-path=/var/lib/rancher/rke2/server/logs/audit.log",
		"--advertise-address=" + rke2v124IP,
		"--allow-privileged=true",
		"--anonymous-auth=true", // deviation 1, from config.yaml.d/20-lb-healthcheck.yaml
		"--api-audiences=https://kubernetes.default.svc.cluster.local,rke2",
		"--authorization-mode=Node,RBAC",
		"--bind-address=0.0.0.0",
		"--cert-dir=" + tlsDir + "/temporary-certs",
		"--client-ca-file=" + tlsDir + "/client-ca.crt",
		"--egress-selector-config-file=/var/lib/rancher/rke2/server/etc/egress-selector-config.yaml",
		"--enable-admission-plugins=NodeRestriction,PodSecurityPolicy",
		"--enable-aggregator-routing=true",
		"--enable-bootstrap-token-auth=true",
		"--encryption-provider-config=/var/lib/rancher/rke2/server/cred/encryption-config.json",
		"--etcd-cafile=" + tlsDir + "/etcd/server-ca.crt",
		"--etcd-certfile=" + tlsDir + "/etcd/client.crt",
		"--etcd-keyfile=" + tlsDir + "/etcd/client.key",
		"--etcd-servers=https://127.0.0.1:2379",
		"--feature-gates=JobTrackingWithFinalizers=true",
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
}

func rke2v124KCMArgs() []string {
	var out []string
	for _, a := range rke2KCMArgs {
		// v1.24's controller manager serves with a self-generated pair.
		if strings.HasPrefix(a, "--tls-") {
			continue
		}
		out = append(out, a)
		if strings.HasPrefix(a, "--controllers=") {
			out = append(out, "--feature-gates=JobTrackingWithFinalizers=true")
		}
	}
	return out
}

func rke2v124SchedArgs() []string {
	var out []string
	for _, a := range rke2SchedArgs {
		if !strings.HasPrefix(a, "--tls-") {
			out = append(out, a)
		}
	}
	return out
}

func rke2v124KubeletArgs(node, ip string) []string {
	ag := "/var/lib/rancher/rke2/agent"
	return []string{
		"--volume-plugin-dir=/var/lib/kubelet/volumeplugins", "--file-check-frequency=5s", "--sync-frequency=30s",
		"--address=0.0.0.0", "--alsologtostderr=false", "--anonymous-auth=false", "--authentication-token-webhook=true",
		"--authorization-mode=Webhook", "--cgroup-driver=systemd", "--client-ca-file=" + ag + "/client-ca.crt",
		"--cloud-provider=external", "--cluster-dns=10.43.0.10", "--cluster-domain=cluster.local",
		"--container-runtime-endpoint=unix:///run/k3s/containerd/containerd.sock", "--containerd=/run/k3s/containerd/containerd.sock",
		"--eviction-hard=imagefs.available<5%,nodefs.available<5%", "--eviction-minimum-reclaim=imagefs.available=10%,nodefs.available=10%",
		"--fail-swap-on=false", "--healthz-bind-address=127.0.0.1", "--hostname-override=" + node,
		"--kubeconfig=" + ag + "/kubelet.kubeconfig", "--log-file=" + ag + "/logs/kubelet.log", "--log-file-max-size=50",
		"--logtostderr=false", "--node-ip=" + ip, "--node-labels=", "--pod-infra-container-image=index.docker.io/rancher/pause:3.6",
		"--pod-manifest-path=" + ag + "/pod-manifests", "--protect-kernel-defaults=true",
		"--read-only-port=10255", // deviation 2, from config.yaml's kubelet-arg
		"--resolv-conf=/run/systemd/resolve/resolv.conf", "--serialize-image-pulls=false", "--stderrthreshold=FATAL",
		"--tls-cert-file=" + ag + "/serving-kubelet.crt", "--tls-private-key-file=" + ag + "/serving-kubelet.key",
	}
}

func rke2Server124() *spec {
	const node = "rke2-server-124"
	const c = "KPCANARYrke2V"
	s := newSpec("rke2-server-1.24", node, "Node rke2-server-124 (10.31.0.10), RKE2 "+rke2v124Version+" server, profile: cis-1.6")
	s.users = []string{"etcd " + etcdUID + " " + etcdUID + " / /sbin/nologin"}
	r := cluster("rke2", rke2v124At)
	r.serverPKI(s, node, rke2v124IP, c, 6443)
	srv := r.data + "/server"
	ag := r.data + "/agent"

	s.dir("/etc/rancher", "0755")
	s.dir("/etc/rancher/rke2", "0700")
	s.file("/etc/rancher/rke2/config.yaml", "0600", `# RKE2 v1.24 server: CIS hardening guide (the cis-1.6 profile), https://docs.rke2.io/security/hardening_guide
profile: "cis-1.6"
token: `+filler(c+"ClusterToken", 40)+`
write-kubeconfig-mode: "0600"
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
	s.file("/etc/rancher/rke2/audit-policy.yaml", "0600", "apiVersion: audit.k8s.io/v1\nkind: Policy\nmetadata:\n  creationTimestamp: null\nrules:\n- level: None\n")
	admin := r.leaf(r.clientCA, "client-admin", "system:admin", []string{"system:masters"}, nil, nil, false, true, rke2v124At)
	s.file("/etc/rancher/rke2/rke2.yaml", "0600", kubeconfigData("https://127.0.0.1:6443", r.serverCA.pem(), admin, fakeKey("EC PRIVATE KEY", c+"KubeconfigAdminKey", 3)))
	s.canary(c+"KubeconfigAdminKey", "base64", "/etc/rancher/rke2/rke2.yaml", "client-key-data (base64 of a PEM EC PRIVATE KEY)")
	s.file("/usr/local/lib/systemd/system/rke2-server.service", "0644", rke2Unit("server"))
	s.file("/usr/local/lib/systemd/system/rke2-server.env", "0644", "HOME=/root\n")
	s.file("/usr/local/share/rke2/rke2-cis-sysctl.conf", "0644", "vm.panic_on_oom=0\nvm.overcommit_memory=1\nkernel.panic=10\nkernel.panic_on_oops=1\n")
	s.file("/etc/sysctl.d/60-rke2-cis.conf", "0644", "vm.panic_on_oom=0\nvm.overcommit_memory=1\nkernel.panic=10\nkernel.panic_on_oops=1\n")

	caHash := hexFiller("rke2-124-ca-hash", 64)
	s.file(srv+"/token", "0600", "K10"+caHash+"::server:"+filler(c+"ServerToken", 32)+"\n")
	s.canary(c+"ServerToken", "plain", srv+"/token", "password part of K10<ca hash>::server:<password>")
	s.file(srv+"/cred/encryption-config.json", "0600", encryptionConfig(c+"SecretsEncryptionKey"))
	s.canary(c+"SecretsEncryptionKey", "base64", srv+"/cred/encryption-config.json", "aescbc secret (base64 of 32 bytes)")
	s.dir(srv+"/db", "0700")
	s.dirOwned(srv+"/db/etcd", "0700", "etcd", "etcd")
	s.dirOwned(srv+"/db/etcd/member", "0700", "etcd", "etcd")
	s.file(srv+"/db/etcd/config", "0600", etcdConfig(r, node+"-3e7d2a1c", rke2v124IP))
	s.file(srv+"/etc/egress-selector-config.yaml", "0600", strings.ReplaceAll(egressSelector(), "/k3s/", "/rke2/"))
	s.dir(srv+"/logs", "0700")
	s.empty(srv+"/logs/audit.log", "0600")
	s.dir(srv+"/manifests", "0700")

	// The agent side: PKI and kubeconfigs as every release lays them out,
	// the kubelet's log directory, kube-proxy's static pod, Canal.
	r.agentPKI(s, node, rke2v124IP, c, "https://127.0.0.1:6443")
	s.dir(ag+"/etc", "0755")
	s.dir(ag+"/logs", "0750")
	s.file(ag+"/etc/containerd/config.toml", "0600", strings.ReplaceAll(strings.ReplaceAll(k3sContainerdConfig(r), k3sDataDir, rke2v124DataDir), "k3s. DO NOT EDIT", "rke2. DO NOT EDIT"))
	s.file(ag+"/etc/crictl.yaml", "0600", "runtime-endpoint: unix:///run/k3s/containerd/containerd.sock\n")
	s.file(ag+"/pod-manifests/kube-proxy.yaml", "0600", staticPod("kube-proxy", rke2v124K8sImage, "kube-proxy", rke2ProxyArgs(node), []string{ag + "/client-kube-proxy.crt", ag + "/client-kube-proxy.key", ag + "/kubeproxy.kubeconfig", ag + "/server-ca.crt"}, nil, false))
	s.dir("/etc/cni", "0755")
	s.dir("/etc/cni/net.d", "0700")
	s.file("/etc/cni/net.d/10-canal.conflist", "0600", canalConflist())
	s.calicoKubeconfig("/etc/cni/net.d/calico-kubeconfig", "Kubeconfig file for Calico CNI plugin. Installed by calico/node.", "https://10.43.0.1:443", r.serverCA.pem(), c)
	s.file("/etc/os-release", "0644", osRelease2204)
	s.file("/usr/local/bin/rke2", "0755", "rke2 "+rke2v124Version+" (the binary is not modelled: see README.md)\n")
	s.dir("/var/lib/rancher/rke2/data", "0755")
	s.file(rke2v124DataDir+"/bin/kubelet", "0755", "kubelet v1.24.17+rke2r1 (extracted from the runtime image; not modelled)\n")
	s.file(rke2v124DataDir+"/bin/containerd", "0755", "containerd v1.7.3-k3s1 (extracted from the runtime image; not modelled)\n")

	apiArgs, kcmArgs, schedArgs := rke2v124APIArgs(), rke2v124KCMArgs(), rke2v124SchedArgs()
	s.file(ag+"/pod-manifests/kube-apiserver.yaml", "0600", staticPod("kube-apiserver", rke2v124K8sImage, "kube-apiserver", apiArgs,
		append(argFiles(apiArgs), "/etc/ssl/certs/ca-certificates.crt"), []string{"/var/lib/rancher/rke2/server/logs"}, false))
	s.file(ag+"/pod-manifests/kube-controller-manager.yaml", "0600", staticPod("kube-controller-manager", rke2v124K8sImage, "kube-controller-manager", kcmArgs, argFiles(kcmArgs), []string{"/var/lib/kubelet/volumeplugins"}, false))
	s.file(ag+"/pod-manifests/kube-scheduler.yaml", "0600", staticPod("kube-scheduler", rke2v124K8sImage, "kube-scheduler", schedArgs, argFiles(schedArgs), nil, false))
	etcdArgs := []string{"--config-file=/var/lib/rancher/rke2/server/db/etcd/config"}
	s.file(ag+"/pod-manifests/etcd.yaml", "0600", staticPod("etcd", rke2v124EtcdImage, "etcd", etcdArgs,
		[]string{srv + "/db/etcd/config", tlsDir + "/etcd/server-client.crt", tlsDir + "/etcd/server-client.key", tlsDir + "/etcd/server-ca.crt", tlsDir + "/etcd/peer-server-client.crt", tlsDir + "/etcd/peer-server-client.key", tlsDir + "/etcd/peer-ca.crt"},
		[]string{srv + "/db/etcd"}, true))
	ipam(s, "k8s-pod-network", []string{"10.42.0.3", "10.42.0.4"}, "0600")

	s.proc("/usr/local/bin/rke2", "server")
	s.env("HOME=/root")
	s.proc("containerd", "-c", ag+"/etc/containerd/config.toml", "-a", "/run/k3s/containerd/containerd.sock", "--state", "/run/k3s/containerd", "--root", ag+"/containerd")
	s.proc("kubelet", rke2v124KubeletArgs(node, rke2v124IP)...)
	s.proc("kube-apiserver", apiArgs...)
	s.env("FILE_HASH=" + hexFiller("hash124kube-apiserver", 64))
	s.proc("kube-controller-manager", kcmArgs...)
	s.proc("kube-scheduler", schedArgs...)
	s.proc("etcd", etcdArgs...)
	s.proc("kube-proxy", rke2ProxyArgs(node)...)
	return s
}
