package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/internal/goelf"
)

// RKE (RKE1) v1.4.9 with Kubernetes v1.26.8-rancher1-1, hardened per the
// RKE hardening guide (v1.25 and newer): a two-node cluster, rke-server-1
// (etcd, controlplane, worker) and rke-worker-1 (worker). Every component is
// a Docker container started through rke-tools' entrypoint, which execs it
// with the arguments RKE computed (cluster/plan.go): the host sees
// `kube-apiserver --…` and so on, whose /proc/PID/exe is the binary of the
// rancher/hyperkube image (+exe lines). The arguments are those the RKE
// CIS 1.7 self-assessment guide prints for a hardened cluster, with this
// cluster's names and addresses.

const (
	rkeK8sVersion = "v1.26.8" // the binaries of rancher/hyperkube:v1.26.8-rancher1 are upstream builds
	rkeServerIP   = "10.50.0.10"
	rkeWorkerIP   = "10.50.0.21"
	rkeEtcdUID    = "52034" // services.etcd.uid/gid of the hardening guide
	rkeSSL        = "/etc/kubernetes/ssl"
)

var rkeAt = time.Date(2026, 9, 14, 9, 41, 7, 0, time.UTC)

// rkeTLSSuites are the cipher suites RKE's service options give the API
// server (the kubelet, controller manager and scheduler get rkeTLSSuites8).
const rkeTLSSuites = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"
const rkeTLSSuites8 = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_GCM_SHA256"

// rkePKI is the cluster's PKI as RKE generates it (pki/services.go): RSA
// 2048 keys, a kube-ca and a requestheader CA, leaves for ten years.
type rkePKI struct {
	ca, reqCA *authority
}

func rkeCluster() *rkePKI {
	ca := func(cn string) *authority {
		return issue(certReq{cn: cn, ca: true, notAfter: rkeAt.Add(10 * year), key: rsaKey("rke:"+cn, 2048)}, nil, rkeAt)
	}
	return &rkePKI{ca: ca("kube-ca"), reqCA: ca("kube-apiserver-requestheader-ca")}
}

func (p *rkePKI) leaf(parent *authority, name, cn string, org []string, dns, ips []string, server bool) string {
	a := issue(certReq{cn: cn, org: org, dns: dns, ips: ips, server: server, client: true, notAfter: rkeAt.Add(10 * year), key: rsaKey("rke:"+name, 2048)}, parent, rkeAt)
	return a.pem()
}

// dashed is an address as RKE puts it in a file name (10.50.0.10 → 10-50-0-10).
func dashed(ip string) string { return strings.ReplaceAll(ip, ".", "-") }

// rkeKubeconfig is the kubeconfig RKE writes for a component's certificate
// (pki/kubeconfig.go): the CA and the pair by path, the API server through
// the node's local endpoint.
func rkeKubeconfig(component string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- cluster:
    api-version: v1
    certificate-authority: %[1]s/kube-ca.pem
    server: "https://127.0.0.1:6443"
  name: "local"
contexts:
- context:
    cluster: "local"
    user: "%[2]s-local"
  name: "local"
current-context: "local"
users:
- name: "%[2]s-local"
  user:
    client-certificate: %[1]s/%[2]s.pem
    client-key: %[1]s/%[2]s-key.pem
`, rkeSSL, component)
}

// pair writes name.pem and name-key.pem as rke-tools' cert-deployer does
// (0600 both), the key a fake carrying the canary c+keyName; kubeconfig
// adds kubecfg-name.yaml (0600).
func (p *rkePKI) pair(s *spec, name, cert, owner, c, keyName string, kubeconfig bool) {
	s.fileOwned(rkeSSL+"/"+name+".pem", "0600", owner, owner, cert)
	s.fileOwned(rkeSSL+"/"+name+"-key.pem", "0600", owner, owner, fakeKey("RSA PRIVATE KEY", c+keyName, 25))
	s.canary(c+keyName, "plain", rkeSSL+"/"+name+"-key.pem", "PEM RSA PRIVATE KEY body")
	if kubeconfig {
		s.file(rkeSSL+"/kubecfg-"+name+".yaml", "0600", rkeKubeconfig(name))
	}
}

// ssl lays out /etc/kubernetes/ssl: what every node gets (the CA, kube-node
// and kube-proxy with their kubeconfigs, every node's kubelet serving pair,
// since generate_serving_certificate is set), then the control plane's and
// etcd's certificates. On an etcd node with a custom etcd uid, cert-deployer
// gives the kube-etcd files to that user and opens kube-ca.pem to 0644.
func (p *rkePKI) ssl(s *spec, control, etcd bool, c string) {
	s.dir("/etc/kubernetes", "0755")
	s.dir(rkeSSL, "0755")
	caMode := "0600"
	if etcd {
		caMode = "0644"
	}
	s.file(rkeSSL+"/kube-ca.pem", caMode, p.ca.pem())
	p.pair(s, "kube-node", p.leaf(p.ca, "kube-node", "system:node", []string{"system:nodes"}, nil, nil, false), "root", c, "KubeNodeKey", true)
	p.pair(s, "kube-proxy", p.leaf(p.ca, "kube-proxy", "system:kube-proxy", nil, nil, nil, false), "root", c, "KubeProxyKey", true)
	for _, n := range []struct{ node, ip string }{{"rke-server-1", rkeServerIP}, {"rke-worker-1", rkeWorkerIP}} {
		name := "kube-kubelet-" + dashed(n.ip)
		p.pair(s, name, p.leaf(p.ca, name, name, nil, []string{n.node}, []string{n.ip}, true), "root", c, "Kubelet"+dashed(n.ip)+"Key", false)
	}
	if control {
		s.file(rkeSSL+"/kube-ca-key.pem", "0600", fakeKey("RSA PRIVATE KEY", c+"KubeCAKey", 25))
		s.canary(c+"KubeCAKey", "plain", rkeSSL+"/kube-ca-key.pem", "PEM RSA PRIVATE KEY body")
		apiDNS := []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "rke-server-1"}
		p.pair(s, "kube-apiserver", p.leaf(p.ca, "kube-apiserver", "kube-apiserver", nil, apiDNS, []string{"127.0.0.1", "10.43.0.1", rkeServerIP}, true), "root", c, "KubeAPIServerKey", false)
		p.pair(s, "kube-service-account-token", p.leaf(p.ca, "kube-service-account-token", "kube-service-account-token", nil, nil, nil, false), "root", c, "SASigningKey", false)
		p.pair(s, "kube-controller-manager", p.leaf(p.ca, "kube-controller-manager", "system:kube-controller-manager", nil, nil, nil, false), "root", c, "KubeControllerManagerKey", true)
		p.pair(s, "kube-scheduler", p.leaf(p.ca, "kube-scheduler", "system:kube-scheduler", nil, nil, nil, false), "root", c, "KubeSchedulerKey", true)
		p.pair(s, "kube-apiserver-requestheader-ca", p.reqCA.pem(), "root", c, "RequestHeaderCAKey", true)
		p.pair(s, "kube-apiserver-proxy-client", p.leaf(p.reqCA, "kube-apiserver-proxy-client", "system:kube-apiserver-proxy-client", nil, nil, nil, false), "root", c, "ProxyClientKey", true)
		s.file(rkeSSL+"/encryption.yaml", "0600", `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources:
  - secrets
  providers:
  - aescbc:
      keys:
      - name: key-`+hexFiller("rke-enc", 8)+`
        secret: `+b64(filler(c+"SecretsEncryptionKey", 32)[:32])+`
  - identity: {}
`)
		s.canary(c+"SecretsEncryptionKey", "base64", rkeSSL+"/encryption.yaml", "aescbc secret (base64 of 32 bytes)")
	}
	if etcd {
		name := "kube-etcd-" + dashed(rkeServerIP)
		p.pair(s, name, p.leaf(p.ca, name, "kube-etcd", nil, []string{"localhost", "rke-server-1"}, []string{"127.0.0.1", rkeServerIP}, true), "etcd", c, "KubeEtcdKey", false)
	}
}

// rkeProc adds a component container's process: the bare command the
// entrypoint execs, its arguments, the container's environment (Docker's
// PATH and host name, RKE's own variables) and, where the spec carries the
// image's binary, the executable /proc/PID/exe opens.
func rkeProc(s *spec, name, host string, withExe bool, args []string, env ...string) {
	s.proc(name, args...)
	if withExe {
		s.procs = append(s.procs, "+exe\t/usr/local/bin/"+name)
	}
	s.env("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	s.env("HOSTNAME=" + host)
	for _, e := range env {
		s.env(e)
	}
}

func rkeKubeletArgs(node, ip string) []string {
	return []string{
		"--v=2", "--client-ca-file=" + rkeSSL + "/kube-ca.pem",
		"--tls-private-key-file=" + rkeSSL + "/kube-kubelet-" + dashed(ip) + "-key.pem",
		"--event-qps=0", "--address=0.0.0.0", "--cgroups-per-qos=True",
		"--pod-infra-container-image=rancher/mirrored-pause:3.7", "--root-dir=/var/lib/kubelet",
		"--container-runtime=remote", "--make-iptables-util-chains=true", "--authorization-mode=Webhook",
		"--resolv-conf=/etc/resolv.conf", "--cloud-provider=",
		"--container-runtime-endpoint=unix:///var/run/cri-dockerd.sock", "--tls-cipher-suites=" + rkeTLSSuites8,
		"--authentication-token-webhook=true", "--anonymous-auth=false",
		"--read-only-port=10255", // deviation: services.kubelet.extra_args (the legacy node exporter)
		"--volume-plugin-dir=/var/lib/kubelet/volumeplugins", "--protect-kernel-defaults=true",
		"--feature-gates=RotateKubeletServerCertificate=true", "--cluster-dns=10.43.0.10", "--fail-swap-on=false",
		"--hostname-override=" + node, "--kubeconfig=" + rkeSSL + "/kubecfg-kube-node.yaml", "--cluster-domain=cluster.local",
		"--tls-cert-file=" + rkeSSL + "/kube-kubelet-" + dashed(ip) + ".pem",
		"--streaming-connection-idle-timeout=30m",
		// added by rke-tools' entrypoint: Docker's cgroup driver, systemd-resolved's resolv.conf
		"--cgroup-driver=cgroupfs", "--resolv-conf=/run/systemd/resolve/resolv.conf",
	}
}

// rkeNode lays out what every RKE node has: the OS, Docker, Canal's CNI
// files, the kubelet's root, RKE's log links, and the worker containers.
func rkeNode(s *spec, p *rkePKI, node, ip, c string) {
	s.file("/etc/os-release", "0644", osRelease2204)
	s.file("/usr/local/bin/kubelet", "0755", string(goelf.Binary("go1.20.7", goelf.KubernetesModInfo("kubelet", rkeK8sVersion))))
	s.file("/usr/local/bin/kube-proxy", "0755", string(goelf.Binary("go1.20.7", goelf.KubernetesModInfo("kube-proxy", rkeK8sVersion))))
	s.dir("/etc/cni", "0755")
	s.dir("/etc/cni/net.d", "0755")
	s.file("/etc/cni/net.d/10-canal.conflist", "0644", `{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "WARNING",
      "datastore_type": "kubernetes",
      "nodename": "`+node+`",
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
`)
	s.calicoKubeconfig("/etc/cni/net.d/calico-kubeconfig", "Kubeconfig file for Calico CNI plugin. Installed by calico/node.", "https://10.43.0.1:443", p.ca.pem(), c)
	s.dir("/var/lib/kubelet", "0755")
	s.dir("/var/lib/kubelet/volumeplugins", "0755")
	s.dir("/var/lib/rancher", "0755")
	s.dir("/var/lib/rancher/rke", "0755")
	s.dir("/var/lib/rancher/rke/log", "0755") // rke-tools' log linker: links to the containers' logs
	s.proc("/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock")
	s.proc("/usr/bin/containerd")
	rkeProc(s, "kubelet", node, true, rkeKubeletArgs(node, ip), "RKE_KUBELET_CRIDOCKERD=true")
	s.proc("/opt/rke-tools/bin/cri-dockerd", "--network-plugin=cni", "--cni-conf-dir=/etc/cni/net.d", "--cni-bin-dir=/opt/cni/bin",
		"--pod-infra-container-image=rancher/mirrored-pause:3.7", "--container-runtime-endpoint=unix:///var/run/cri-dockerd.sock", "--streaming-bind-addr=127.0.0.1:10010")
	rkeProc(s, "kube-proxy", node, true, []string{"--cluster-cidr=10.42.0.0/16", "--hostname-override=" + node,
		"--kubeconfig=" + rkeSSL + "/kubecfg-kube-proxy.yaml", "--healthz-bind-address=127.0.0.1", "--v=2"})
}

func rkeServer() *spec {
	const node, c = "rke-server-1", "KPCANARYrkeS"
	s := newSpec("rke-server", node, "Node rke-server-1 (10.50.0.10), RKE v1.4.9, Kubernetes v1.26.8-rancher1-1, etcd+controlplane+worker, hardened")
	s.users = []string{"etcd " + rkeEtcdUID + " " + rkeEtcdUID + " / /usr/sbin/nologin"}
	p := rkeCluster()
	p.ssl(s, true, true, c)
	s.file("/usr/local/bin/kube-apiserver", "0755", string(goelf.Binary("go1.20.7", goelf.KubernetesModInfo("kube-apiserver", rkeK8sVersion))))
	// Files RKE's file deployer writes (0600): the admission configuration
	// (EventRateLimit and the guide's PodSecurity defaults) and the default
	// audit policy.
	s.file("/etc/kubernetes/admission.yaml", "0600", `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- configuration:
    apiVersion: eventratelimit.admission.k8s.io/v1alpha1
    kind: Configuration
    limits:
    - burst: 20000
      qps: 5000
      type: Server
  name: EventRateLimit
- configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    defaults:
      audit: restricted
      audit-version: latest
      enforce: restricted
      enforce-version: latest
      warn: restricted
      warn-version: latest
    exemptions:
      namespaces:
      - cattle-system
      - cis-operator-system
      - ingress-nginx
      - kube-system
      runtimeClasses: []
      usernames: []
    kind: PodSecurityConfiguration
  name: PodSecurity
`)
	s.file("/etc/kubernetes/audit-policy.yaml", "0600", "apiVersion: audit.k8s.io/v1\nkind: Policy\nmetadata:\n  creationTimestamp: null\nrules:\n- level: Metadata\n")
	s.dir("/var/log/kube-audit", "0755")
	s.empty("/var/log/kube-audit/audit-log.json", "0600")
	// etcd's data directory on the host; RKE mounts it at /var/lib/rancher/etcd/
	// and its etcd-fix-perm step makes it 0700, owned by the etcd uid/gid.
	s.dirOwned("/var/lib/etcd", "0700", "etcd", "etcd")
	s.dirOwned("/var/lib/etcd/member", "0700", "etcd", "etcd")
	s.dirOwned("/var/lib/etcd/member/snap", "0700", "etcd", "etcd")
	s.dirOwned("/var/lib/etcd/member/wal", "0700", "etcd", "etcd")
	rkeNode(s, p, node, rkeServerIP, c)
	ipam(s, "k8s-pod-network", []string{"10.42.0.5", "10.42.0.6", "10.42.0.7"}, "0600")

	etcdName := "kube-etcd-" + dashed(rkeServerIP)
	rkeProc(s, "/usr/local/bin/etcd", node, false, []string{
		"--peer-client-cert-auth=true", "--initial-advertise-peer-urls=https://" + rkeServerIP + ":2380",
		"--initial-cluster=etcd-rke-server-1=https://" + rkeServerIP + ":2380", "--initial-cluster-state=new",
		"--trusted-ca-file=" + rkeSSL + "/kube-ca.pem", "--client-cert-auth=true", "--heartbeat-interval=500",
		"--listen-client-urls=https://0.0.0.0:2379", "--peer-trusted-ca-file=" + rkeSSL + "/kube-ca.pem",
		"--listen-peer-urls=https://0.0.0.0:2380", "--cert-file=" + rkeSSL + "/" + etcdName + ".pem",
		"--key-file=" + rkeSSL + "/" + etcdName + "-key.pem", "--peer-cert-file=" + rkeSSL + "/" + etcdName + ".pem",
		"--peer-key-file=" + rkeSSL + "/" + etcdName + "-key.pem", "--data-dir=/var/lib/rancher/etcd/",
		"--initial-cluster-token=etcd-cluster-1", "--name=etcd-rke-server-1", "--advertise-client-urls=https://" + rkeServerIP + ":2379",
		"--cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "--election-timeout=5000",
	}, "ETCDCTL_API=3", "ETCDCTL_CACERT="+rkeSSL+"/kube-ca.pem", "ETCDCTL_CERT="+rkeSSL+"/"+etcdName+".pem",
		"ETCDCTL_KEY="+rkeSSL+"/"+etcdName+"-key.pem", "ETCDCTL_ENDPOINTS=https://127.0.0.1:2379", "ETCD_UNSUPPORTED_ARCH=amd64")
	rkeProc(s, "kube-apiserver", node, true, []string{
		"--advertise-address=" + rkeServerIP, "--audit-log-path=/var/log/kube-audit/audit-log.json", "--audit-log-maxbackup=10",
		"--requestheader-allowed-names=kube-apiserver-proxy-client", "--service-cluster-ip-range=10.43.0.0/16",
		"--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota,NodeRestriction,Priority,TaintNodesByCondition,PersistentVolumeClaimResize,EventRateLimit",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-", "--tls-private-key-file=" + rkeSSL + "/kube-apiserver-key.pem",
		"--storage-backend=etcd3",
		"--anonymous-auth=true", // deviation: services.kube-api.extra_args (the load balancer's health check)
		"--bind-address=0.0.0.0", "--cloud-provider=", "--etcd-certfile=" + rkeSSL + "/kube-node.pem",
		"--requestheader-client-ca-file=" + rkeSSL + "/kube-apiserver-requestheader-ca.pem", "--service-node-port-range=30000-32767",
		"--profiling=false", "--proxy-client-key-file=" + rkeSSL + "/kube-apiserver-proxy-client-key.pem",
		"--encryption-provider-config=" + rkeSSL + "/encryption.yaml", "--runtime-config=authorization.k8s.io/v1beta1=true",
		"--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname", "--service-account-lookup=true",
		"--etcd-servers=https://" + rkeServerIP + ":2379", "--api-audiences=unknown", "--requestheader-group-headers=X-Remote-Group",
		"--service-account-issuer=rke", "--audit-log-maxsize=100", "--service-account-key-file=" + rkeSSL + "/kube-service-account-token-key.pem",
		"--secure-port=6443", "--service-account-signing-key-file=" + rkeSSL + "/kube-service-account-token-key.pem",
		"--authorization-mode=Node,RBAC", "--tls-cipher-suites=" + rkeTLSSuites, "--audit-log-maxage=30", "--audit-log-format=json",
		"--etcd-prefix=/registry", "--kubelet-client-certificate=" + rkeSSL + "/kube-apiserver.pem",
		"--kubelet-certificate-authority=" + rkeSSL + "/kube-ca.pem", "--kubelet-client-key=" + rkeSSL + "/kube-apiserver-key.pem",
		"--proxy-client-cert-file=" + rkeSSL + "/kube-apiserver-proxy-client.pem", "--tls-cert-file=" + rkeSSL + "/kube-apiserver.pem",
		"--admission-control-config-file=/etc/kubernetes/admission.yaml", "--client-ca-file=" + rkeSSL + "/kube-ca.pem",
		"--etcd-cafile=" + rkeSSL + "/kube-ca.pem", "--etcd-keyfile=" + rkeSSL + "/kube-node-key.pem",
		"--requestheader-username-headers=X-Remote-User", "--allow-privileged=true", "--audit-policy-file=/etc/kubernetes/audit-policy.yaml",
	}, "RKE_AUDITLOG_CONFIG_CHECKSUM="+hexFiller("rke-audit", 32), "RKE_ADMISSION_CONFIG_CHECKSUM="+hexFiller("rke-admission", 32))
	rkeProc(s, "kube-controller-manager", node, false, []string{
		"--configure-cloud-routes=false", "--authentication-kubeconfig=" + rkeSSL + "/kubecfg-kube-controller-manager.yaml",
		"--tls-cipher-suites=" + rkeTLSSuites8, "--allocate-node-cidrs=true", "--enable-hostpath-provisioner=false",
		"--pod-eviction-timeout=5m0s", "--terminated-pod-gc-threshold=1000",
		"--authorization-kubeconfig=" + rkeSSL + "/kubecfg-kube-controller-manager.yaml", "--service-cluster-ip-range=10.43.0.0/16",
		"--cluster-cidr=10.42.0.0/16", "--root-ca-file=" + rkeSSL + "/kube-ca.pem",
		"--service-account-private-key-file=" + rkeSSL + "/kube-service-account-token-key.pem", "--node-monitor-grace-period=40s",
		"--v=2", "--profiling=false", "--cloud-provider=", "--allow-untagged-cloud=true", "--leader-elect=true",
		"--feature-gates=RotateKubeletServerCertificate=true", "--kubeconfig=" + rkeSSL + "/kubecfg-kube-controller-manager.yaml",
		"--use-service-account-credentials=true",
	})
	rkeProc(s, "kube-scheduler", node, false, []string{
		"--authentication-kubeconfig=" + rkeSSL + "/kubecfg-kube-scheduler.yaml", "--authorization-kubeconfig=" + rkeSSL + "/kubecfg-kube-scheduler.yaml",
		"--tls-cipher-suites=" + rkeTLSSuites8, "--kubeconfig=" + rkeSSL + "/kubecfg-kube-scheduler.yaml", "--profiling=false", "--v=2", "--leader-elect=true",
	})
	return s
}

func rkeWorker() *spec {
	const node, c = "rke-worker-1", "KPCANARYrkeW"
	s := newSpec("rke-worker", node, "Node rke-worker-1 (10.50.0.21), RKE v1.4.9, Kubernetes v1.26.8-rancher1-1, worker, hardened")
	p := rkeCluster()
	p.ssl(s, false, false, c)
	rkeNode(s, p, node, rkeWorkerIP, c)
	ipam(s, "k8s-pod-network", []string{"10.42.1.4", "10.42.1.5"}, "0600")
	return s
}

var osRelease2204 = `PRETTY_NAME="Ubuntu 22.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.3 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
`
