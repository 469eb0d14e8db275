package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/internal/goelf"
)

// MicroK8s 1.33 (Kubernetes v1.33.4), snap revision 8148 on the 1.33/stable
// channel, a single control-plane node with `microk8s enable cis-hardening`
// (which enables rbac) applied.
//
// A snap's data lives in /var/snap/microk8s/<revision>, and
// /var/snap/microk8s/current is a symbolic link to it. Node specs cannot
// hold links, so this spec places the data under current/ and gives the
// kubelite process SNAP_DATA=/var/snap/microk8s/current: the paths then
// resolve as they would through the link (README.md says so).

const (
	mkRev     = "8148"
	mkVersion = "v1.33.4"
	mkIP      = "10.40.0.10"
	mkNode    = "mk8s-cp-1"
	snapData  = "/var/snap/microk8s/current"
	snapComm  = "/var/snap/microk8s/common"
	snapDir   = "/snap/microk8s/" + mkRev
)

var mkAt = time.Date(2026, 10, 8, 9, 41, 5, 0, time.UTC)

func mkCert(parent *authority, seed, cn string, org []string, dns, ips []string, server, client bool, days int) string {
	a := issue(certReq{cn: cn, org: org, dns: dns, ips: ips, server: server, client: client, notAfter: mkAt.Add(time.Duration(days) * 24 * time.Hour), key: rsaKey("mk8s:"+seed, 2048)}, parent, mkAt)
	return a.pem()
}

// mkKubeconfig is MicroK8s's client-x509.config.template with the
// certificate and key embedded (create_kubeconfig_x509).
func mkKubeconfig(user, ca, cert, key string) string {
	return fmt.Sprintf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: %s
    server: https://127.0.0.1:16443
  name: microk8s-cluster
contexts:
- context:
    cluster: microk8s-cluster
    user: %s
  name: microk8s
current-context: microk8s
kind: Config
preferences: {}
users:
- name: %s
  user:
    client-certificate-data: %s
    client-key-data: %s
`, b64(ca), user, user, b64(cert), b64(key))
}

// args files: the snap's default-args of the 1.33 branch, then what the
// rbac and cis-hardening addons change (refresh_opt_in_config replaces
// a flag in place; cis-hardening's addArgument appends a flag only when
// the file does not mention it yet).
var mkAPIServerArgs = `--cert-dir=${SNAP_DATA}/certs
--service-cluster-ip-range=10.152.183.0/24
--authorization-mode=RBAC,Node
--service-account-key-file=${SNAP_DATA}/certs/serviceaccount.key
--client-ca-file=${SNAP_DATA}/certs/ca.crt
--tls-cert-file=${SNAP_DATA}/certs/server.crt
--tls-private-key-file=${SNAP_DATA}/certs/server.key
--tls-cipher-suites=TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,TLS_RSA_WITH_3DES_EDE_CBC_SHA,TLS_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_CBC_SHA,TLS_RSA_WITH_AES_256_GCM_SHA384
--kubelet-client-certificate=${SNAP_DATA}/certs/apiserver-kubelet-client.crt
--kubelet-client-key=${SNAP_DATA}/certs/apiserver-kubelet-client.key
--secure-port=16443
--etcd-servers="unix://${SNAP_DATA}/var/kubernetes/backend/kine.sock:12379"
--allow-privileged=true
--service-account-issuer='https://kubernetes.default.svc'
--service-account-signing-key-file=${SNAP_DATA}/certs/serviceaccount.key
--event-ttl=5m
--profiling=false

# Enable the aggregation layer
--requestheader-client-ca-file=${SNAP_DATA}/certs/front-proxy-ca.crt
--requestheader-allowed-names=front-proxy-client
--requestheader-extra-headers-prefix=X-Remote-Extra-
--requestheader-group-headers=X-Remote-Group
--requestheader-username-headers=X-Remote-User
--proxy-client-cert-file=${SNAP_DATA}/certs/front-proxy-client.crt
--proxy-client-key-file=${SNAP_DATA}/certs/front-proxy-client.key
#~Enable the aggregation layer
--enable-admission-plugins=EventRateLimit
--admission-control-config-file=${SNAP_DATA}/args/admission-control-config-file.yaml
--kubelet-certificate-authority=${SNAP_DATA}/certs/ca.crt
--kubelet-preferred-address-types=InternalIP,Hostname,InternalDNS,ExternalDNS,ExternalIP
--audit-log-path=/var/log/apiserver/audit.log
--audit-log-maxage=30
--audit-log-maxbackup=10
--audit-log-maxsize=100
--audit-policy-file=${SNAP_DATA}/args/audit-policy.yaml
--request-timeout=300s
`

var mkKCMArgs = `--kubeconfig=${SNAP_DATA}/credentials/controller.config
--service-account-private-key-file=${SNAP_DATA}/certs/serviceaccount.key
--root-ca-file=${SNAP_DATA}/certs/ca.crt
--cluster-signing-cert-file=${SNAP_DATA}/certs/ca.crt
--cluster-signing-key-file=${SNAP_DATA}/certs/ca.key
--use-service-account-credentials
--leader-elect-lease-duration=60s
--leader-elect-renew-deadline=30s
--profiling=false
--terminated-pod-gc-threshold=10
`

var mkSchedArgs = `--kubeconfig=${SNAP_DATA}/credentials/scheduler.config
--leader-elect-lease-duration=60s
--leader-elect-renew-deadline=30s
--profiling=false
`

var mkKubeletArgs = `--kubeconfig=${SNAP_DATA}/credentials/kubelet.config
--cert-dir=${SNAP_DATA}/certs
--client-ca-file=${SNAP_DATA}/certs/ca.crt
--anonymous-auth=false
--root-dir=${SNAP_COMMON}/var/lib/kubelet
--fail-swap-on=false
--eviction-hard="memory.available<100Mi,nodefs.available<1Gi,imagefs.available<1Gi"
--container-runtime-endpoint=${SNAP_COMMON}/run/containerd.sock
--containerd=${SNAP_COMMON}/run/containerd.sock
--node-labels="microk8s.io/cluster=true,node.kubernetes.io/microk8s-controlplane=microk8s-controlplane"
--authentication-token-webhook=true
--read-only-port=0
--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_GCM_SHA256
--serialize-image-pulls=false
--resolv-conf=/run/systemd/resolve/resolv.conf
--protect-kernel-defaults=true
--event-qps=0
--authorization-mode=Webhook
--tls-cert-file=${SNAP_DATA}/certs/kubelet.crt
--tls-private-key-file=${SNAP_DATA}/certs/kubelet.key
`

var mkProxyArgs = `--kubeconfig=${SNAP_DATA}/credentials/proxy.config
--cluster-cidr=10.1.0.0/16
--healthz-bind-address=127.0.0.1
--profiling=false
`

var mkKubeliteArgs = `--scheduler-args-file=$SNAP_DATA/args/kube-scheduler
--controller-manager-args-file=$SNAP_DATA/args/kube-controller-manager
--proxy-args-file=$SNAP_DATA/args/kube-proxy
--kubelet-args-file=$SNAP_DATA/args/kubelet
--apiserver-args-file=$SNAP_DATA/args/kube-apiserver
--kubeconfig-file=$SNAP_DATA/credentials/client.config
--start-control-plane=true
`

func microk8s() *spec {
	const c = "KPCANARYmk8s"
	s := newSpec("microk8s", mkNode, "Node mk8s-cp-1 (10.40.0.10), MicroK8s 1.33 (Kubernetes "+mkVersion+", snap revision "+mkRev+"), cis-hardening enabled")
	args, certs, creds := snapData+"/args", snapData+"/certs", snapData+"/credentials"
	// cis-hardening: chmod -R g-wr,o-wr and chown -R root:root on args,
	// credentials and certs (directories 0755 become 0711, files 0600).
	for _, d := range []string{args, certs, creds} {
		s.dir(d, "0711")
	}
	s.dir(args+"/cni-network", "0711")
	argsFiles := map[string]string{
		"kube-apiserver": mkAPIServerArgs, "kube-controller-manager": mkKCMArgs, "kube-scheduler": mkSchedArgs,
		"kubelet": mkKubeletArgs, "kube-proxy": mkProxyArgs, "kubelite": mkKubeliteArgs,
		"k8s-dqlite":                         "--storage-dir=${SNAP_DATA}/var/kubernetes/backend/\n--listen=unix://${SNAP_DATA}/var/kubernetes/backend/kine.sock:12379\n",
		"containerd":                         "--config ${SNAP_DATA}/args/containerd.toml\n--root ${SNAP_COMMON}/var/lib/containerd\n--state ${SNAP_COMMON}/run/containerd\n--address ${SNAP_COMMON}/run/containerd.sock\n",
		"containerd-env":                     "# Attempt to change the maximum number of open file descriptors\nulimit -n 65536 || true\n\n# Attempt to change the maximum locked memory limit\nulimit -l 16384 || true\n\n# Uncomment to configure a proxy for containerd\n# HTTPS_PROXY=http://squid.internal:3128\n# NO_PROXY=10.1.0.0/16,10.152.183.0/24\n",
		"admission-control-config-file.yaml": "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: EventRateLimit\n    path: eventconfig.yaml\n",
		"eventconfig.yaml":                   "apiVersion: eventratelimit.admission.k8s.io/v1alpha1\nkind: Configuration\nlimits:\n  - type: Server\n    qps: 5000\n    burst: 20000\n",
		"audit-policy.yaml":                  "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n",
		"containerd.toml": `version = 2
oom_score = 0

[grpc]
  uid = 0
  gid = 0
  max_recv_message_size = 16777216
  max_send_message_size = 16777216

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  sandbox_image = "registry.k8s.io/pause:3.10"

  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "${SNAPSHOTTER}"
    default_runtime_name = "${RUNTIME}"

  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${SNAP_DATA}/opt/cni/bin"
    conf_dir = "${SNAP_DATA}/args/cni-network"

  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "${SNAP_DATA}/args/certs.d"
`,
	}
	names := make([]string, 0, len(argsFiles))
	for name := range argsFiles {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s.file(args+"/"+name, "0600", argsFiles[name])
	}
	caKey := rsaKey("mk8s:ca", 2048)
	ca := issue(certReq{cn: "10.152.183.1", ca: true, notAfter: mkAt.Add(3650 * 24 * time.Hour), key: caKey}, nil, mkAt)
	s.file(args+"/cni-network/10-calico.conflist", "0600", `{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "info",
      "datastore_type": "kubernetes",
      "nodename_file_optional": true,
      "mtu": 1440,
      "ipam": {
          "type": "calico-ipam"
      },
      "policy": {
          "type": "k8s"
      },
      "kubernetes": {
          "kubeconfig": "`+args+`/cni-network/calico-kubeconfig"
      }
    },
    {
      "type": "portmap",
      "snat": true,
      "capabilities": {"portMappings": true}
    }
  ]
}
`)
	s.calicoKubeconfig(args+"/cni-network/calico-kubeconfig", "Kubeconfig file for Calico CNI plugin.", "https://10.152.183.1:443", ca.pem(), c)

	// PKI: openssl-made RSA 2048 (utils.sh produce_certs, create_user_certs_and_configs).
	fpKey := rsaKey("mk8s:front-proxy-ca", 2048)
	fp := issue(certReq{cn: "front-proxy-ca", ca: true, notAfter: mkAt.Add(3650 * 24 * time.Hour), key: fpKey}, nil, mkAt)
	s.file(certs+"/ca.crt", "0600", ca.pem())
	s.key(certs+"/ca.key", "RSA PRIVATE KEY", c+"CAKey")
	s.file(certs+"/front-proxy-ca.crt", "0600", fp.pem())
	s.key(certs+"/front-proxy-ca.key", "RSA PRIVATE KEY", c+"FrontProxyCAKey")
	sans := []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster", "kubernetes.default.svc.cluster.local"}
	s.file(certs+"/server.crt", "0600", mkCert(ca, "server", "127.0.0.1", []string{"Canonical"}, sans, []string{"127.0.0.1", "10.152.183.1", mkIP}, true, true, 365))
	s.key(certs+"/server.key", "RSA PRIVATE KEY", c+"ServerKey")
	s.file(certs+"/front-proxy-client.crt", "0600", mkCert(fp, "front-proxy-client", "front-proxy-client", nil, sans, []string{"127.0.0.1", "10.152.183.1", mkIP}, true, true, 365))
	s.key(certs+"/front-proxy-client.key", "RSA PRIVATE KEY", c+"FrontProxyClientKey")
	s.key(certs+"/serviceaccount.key", "RSA PRIVATE KEY", c+"ServiceAccountKey")
	type user struct{ file, cn, org, config, name, k string }
	users := []user{
		{"kubelet", "system:node:" + mkNode, "system:nodes", "kubelet.config", "system:node:" + mkNode, "KubeletKey"},
		{"client", "admin", "system:masters", "client.config", "admin", "ClientKey"},
		{"proxy", "system:kube-proxy", "", "proxy.config", "system:kube-proxy", "ProxyKey"},
		{"scheduler", "system:kube-scheduler", "", "scheduler.config", "system:kube-scheduler", "SchedulerKey"},
		{"controller", "system:kube-controller-manager", "", "controller.config", "system:kube-controller-manager", "ControllerKey"},
		{"apiserver-kubelet-client", "kube-apiserver-kubelet-client", "system:masters", "", "", "APIServerKubeletClientKey"},
	}
	for _, u := range users {
		var org []string
		if u.org != "" {
			org = []string{u.org}
		}
		var dns, ips []string
		if u.file == "kubelet" {
			dns, ips = []string{mkNode}, []string{mkIP}
		}
		cert := mkCert(ca, u.file, u.cn, org, dns, ips, u.file == "kubelet", true, 365)
		s.file(certs+"/"+u.file+".crt", "0600", cert)
		s.key(certs+"/"+u.file+".key", "RSA PRIVATE KEY", c+u.k)
		if u.config == "" {
			continue
		}
		mode := "0600"
		if u.config == "client.config" {
			mode = "0644" // deviation: loosened again so that non-root users can run kubectl
		}
		kc := c + "Kubeconfig" + u.k
		s.file(creds+"/"+u.config, mode, mkKubeconfig(u.name, ca.pem(), cert, fakeKey("RSA PRIVATE KEY", kc, 25)))
		s.canary(kc, "base64", creds+"/"+u.config, "client-key-data (base64 of a PEM RSA PRIVATE KEY)")
	}
	s.file(certs+"/csr.conf", "0600", strings.Replace(`[ req ]
default_bits = 2048
prompt = no
default_md = sha256
req_extensions = req_ext
distinguished_name = dn

[ dn ]
C = GB
ST = Canonical
L = Canonical
O = Canonical
OU = Canonical
CN = 127.0.0.1

[ req_ext ]
subjectAltName = @alt_names

[ alt_names ]
DNS.1 = kubernetes
DNS.2 = kubernetes.default
DNS.3 = kubernetes.default.svc
DNS.4 = kubernetes.default.svc.cluster
DNS.5 = kubernetes.default.svc.cluster.local
IP.1 = 127.0.0.1
IP.2 = 10.152.183.1
#MOREIPS

[ v3_ext ]
authorityKeyIdentifier=keyid,issuer:always
basicConstraints=CA:FALSE
keyUsage=keyEncipherment,dataEncipherment,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=@alt_names
`, "#MOREIPS", "IP.3 = "+mkIP, 1))
	s.file(creds+"/callback-token.txt", "0600", filler(c+"CallbackToken", 32)+"\n")
	s.canary(c+"CallbackToken", "plain", creds+"/callback-token.txt", "whole file")

	// dqlite datastore (chmod -R o-rwX at setup).
	be := snapData + "/var/kubernetes/backend"
	s.dir(snapData+"/var", "0755")
	s.dir(snapData+"/var/kubernetes", "0755")
	s.dir(be, "0770")
	dq := issue(certReq{cn: "k8s", ca: true, notAfter: mkAt.Add(3650 * 24 * time.Hour), key: rsaKey("mk8s:dqlite", 4096), dns: []string{"dqlite"}}, nil, mkAt)
	s.file(be+"/cluster.crt", "0660", dq.pem())
	s.key(be+"/cluster.key", "RSA PRIVATE KEY", c+"DqliteClusterKey")
	s.file(be+"/info.yaml", "0660", "Address: "+mkIP+":19001\nID: 3297041220608546238\nRole: 0\n")
	s.file(be+"/cluster.yaml", "0660", "- Address: "+mkIP+":19001\n  ID: 3297041220608546238\n  Role: 0\n")
	s.file(be+"/localnode.yaml", "0660", "Address: "+mkIP+":19001\nID: 3297041220608546238\nRole: 0\n")
	s.dir(snapData+"/var/lock", "0755")
	for _, l := range []string{"lite.lock", "cis-hardening", "no-flanneld", "no-etcd", "ha-cluster"} {
		s.empty(snapData+"/var/lock/"+l, "0644")
	}
	s.dir("/var/log/apiserver", "0700")
	s.empty("/var/log/apiserver/audit.log", "0600")

	// Units: snapd writes one per daemon; cis-hardening tightens kubelite's.
	unit := func(app, mode string) {
		s.file("/etc/systemd/system/snap.microk8s.daemon-"+app+".service", mode, fmt.Sprintf(`[Unit]
# Auto-generated, DO NOT EDIT
Description=Service for snap application microk8s.daemon-%s
Requires=%s
Wants=network.target
After=%s network.target snapd.apparmor.service
X-Snappy=yes

[Service]
EnvironmentFile=-/etc/environment
ExecStart=/usr/bin/snap run microk8s.daemon-%s
SyslogIdentifier=microk8s.daemon-%s
Restart=always
WorkingDirectory=/var/snap/microk8s/%s
TimeoutStopSec=30
Type=simple
Delegate=true

[Install]
WantedBy=multi-user.target
`, app, "snap-microk8s-"+mkRev+".mount", "snap-microk8s-"+mkRev+".mount", app, app, mkRev))
	}
	unit("kubelite", "0600")
	unit("k8s-dqlite", "0644")
	unit("containerd", "0644")
	unit("cluster-agent", "0644")
	s.file(snapDir+"/meta/snap.yaml", "0644", "name: microk8s\nversion: "+mkVersion+"\nsummary: Kubernetes for workstations and appliances\nconfinement: classic\ngrade: stable\nbase: core20\n")
	// kubelite is a Go binary stamped with the Kubernetes version as the
	// Kubernetes build stamps it; the stand-in carries only that.
	s.file(snapDir+"/kubelite", "0755", string(goelf.Binary("go1.24.5", goelf.KubernetesModInfo("kubelite", mkVersion))))
	s.file(snapDir+"/bin/k8s-dqlite", "0755", "k8s-dqlite (not modelled)\n")
	s.file(snapDir+"/bin/containerd", "0755", "containerd (not modelled)\n")
	s.file("/etc/os-release", "0644", osRelease2404)

	envs := []string{"SNAP=" + snapDir, "SNAP_DATA=" + snapData, "SNAP_COMMON=" + snapComm, "SNAP_NAME=microk8s", "SNAP_REVISION=" + mkRev, "SNAP_VERSION=" + mkVersion}
	s.proc(snapDir+"/kubelite", "--scheduler-args-file="+args+"/kube-scheduler", "--controller-manager-args-file="+args+"/kube-controller-manager",
		"--proxy-args-file="+args+"/kube-proxy", "--kubelet-args-file="+args+"/kubelet", "--apiserver-args-file="+args+"/kube-apiserver",
		"--kubeconfig-file="+creds+"/client.config", "--start-control-plane=true")
	for _, e := range envs {
		s.env(e)
	}
	s.proc(snapDir+"/bin/k8s-dqlite", "--storage-dir="+be+"/", "--listen=unix://"+be+"/kine.sock:12379")
	for _, e := range envs {
		s.env(e)
	}
	s.proc(snapDir+"/bin/containerd", "--config", args+"/containerd.toml", "--root", snapComm+"/var/lib/containerd", "--state", snapComm+"/run/containerd", "--address", snapComm+"/run/containerd.sock")
	for _, e := range envs {
		s.env(e)
	}
	return s
}
