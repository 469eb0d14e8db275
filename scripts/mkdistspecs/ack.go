package main

import (
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/internal/goelf"
)

// An ACK (Alibaba Cloud Container Service for Kubernetes) managed cluster's
// worker: ACK runs the control plane, the customer's ECS instances run the
// kubelet, kube-proxy (a DaemonSet), containerd and Terway. ACK's node
// initialisation installs a kubeadm-shaped kubelet: a systemd unit with a
// 10-kubeadm.conf drop-in, /var/lib/kubelet/config.yaml (the node pool's
// kubelet configuration), /etc/kubernetes/kubelet.conf and pki/ca.crt, and
// /etc/kubernetes/kubelet-customized-args.conf, whose KUBELET_CUSTOMIZED_ARGS
// go last on the command line and so win over the configuration file.
// fixtures/specs/ack-node/README.md names the sources and what is not
// verified.

const (
	ackVersion = "v1.32.1-aliyun.1"
	ackGo      = "go1.23.6"
	ackRegion  = "cn-hangzhou"
	ackIP      = "10.88.3.21"
	ackNode    = ackRegion + "." + ackIP // ACK names a node <region>.<private IP>
	ackECS     = "i-bp1d8k2m5x7q9w3e6r0t"
	ackCluster = "c8f2d6a1e4b7c49d5a3e0f1b2c3d4e5f6"
	ackPool    = "np4e1b7c9d2a3f4e5d6c7b8a9f0e1d2c3"
)

var ackAt = time.Date(2026, 7, 21, 2, 14, 55, 0, time.UTC)

func ackNodeSpec() *spec {
	const c = "KPCANARYack"
	s := newSpec("ack-node", "iZbp1d8k2m5x7q9w3e6r0tZ", "Node "+ackNode+" ("+ackIP+"), ACK managed cluster worker, Kubernetes "+ackVersion+", Alibaba Cloud Linux 3")
	s.file("/etc/os-release", "0644", osReleaseAlinux3)

	ca := issue(certReq{cn: "kubernetes", org: []string{ackCluster}, ca: true, notAfter: ackAt.Add(10 * year), key: rsaKey("ack:ca", 2048)}, nil, ackAt.Add(-90*24*time.Hour))
	client := issue(certReq{cn: "system:node:" + ackNode, org: []string{"system:nodes"}, client: true, notAfter: ackAt.Add(year), key: rsaKey("ack:kubelet-client", 2048)}, ca, ackAt)
	serving := issue(certReq{cn: ackNode + "@1784600095", dns: []string{ackNode}, ips: []string{ackIP}, server: true, notAfter: ackAt.Add(year), key: rsaKey("ack:kubelet-serving", 2048)}, nil, ackAt)

	// kubelet
	s.file("/usr/bin/kubelet", "0755", string(goelf.Binary(ackGo, goelf.KubernetesModInfo("kubelet", ackVersion))))
	s.file("/usr/bin/kubectl", "0755", string(goelf.Binary(ackGo, goelf.KubernetesModInfo("kubectl", ackVersion))))
	s.file("/etc/systemd/system/kubelet.service", "0644", `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=http://kubernetes.io/docs/
After=containerd.service
Requires=containerd.service

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`)
	s.dir("/etc/systemd/system/kubelet.service.d", "0755")
	s.file("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "0644", `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
Environment="KUBELET_SYSTEM_PODS_ARGS=--max-pods=64 --pod-infra-container-image=registry-`+ackRegion+`-vpc.ack.aliyuncs.com/acs/pause:3.9"
Environment="KUBELET_NETWORK_ARGS=--node-ip=`+ackIP+` --hostname-override=`+ackNode+` --provider-id=`+ackRegion+`.`+ackECS+`"
Environment="KUBELET_CLOUD_ARGS=--cloud-provider=external"
Environment="KUBELET_NODE_LABELS=--node-labels=alibabacloud.com/nodepool-id=`+ackPool+`,ack.aliyun.com=`+ackCluster+`"
EnvironmentFile=-/etc/kubernetes/kubelet-customized-args.conf
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_SYSTEM_PODS_ARGS $KUBELET_NETWORK_ARGS $KUBELET_CLOUD_ARGS $KUBELET_NODE_LABELS $KUBELET_CUSTOMIZED_ARGS
`)
	// The customer's own flags (ACK's FAQ: "How do I modify a kubelet parameter
	// that is not on the supported list?"): the legacy read-only port, opened
	// again for an old monitoring agent. They go last, so they win over the
	// node pool's readOnlyPort: 0.
	s.file("/etc/kubernetes/kubelet-customized-args.conf", "0644", `KUBELET_CUSTOMIZED_ARGS="--read-only-port=10255"
`)
	s.dir("/etc/kubernetes", "0755")
	s.dir("/etc/kubernetes/pki", "0755")
	s.file("/etc/kubernetes/pki/ca.crt", "0644", ca.pem())
	s.file("/etc/kubernetes/kubelet.conf", "0600", `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: `+b64(ca.pem())+`
    server: https://10.88.0.254:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:`+ackNode+`
  name: system:node:`+ackNode+`@kubernetes
current-context: system:node:`+ackNode+`@kubernetes
preferences: {}
users:
- name: system:node:`+ackNode+`
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
`)
	s.dir("/var/lib/kubelet", "0700")
	s.file("/var/lib/kubelet/config.yaml", "0644", `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 0.0.0.0
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
cgroupDriver: systemd
clusterDNS:
- 192.168.0.10
clusterDomain: cluster.local
containerLogMaxFiles: 10
containerLogMaxSize: 100Mi
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
cpuCFSQuota: true
cpuManagerPolicy: none
eventBurst: 10
eventRecordQPS: 5
evictionHard:
  imagefs.available: 15%
  memory.available: 300Mi
  nodefs.available: 10%
  nodefs.inodesFree: 5%
imageGCHighThresholdPercent: 85
imageGCLowThresholdPercent: 80
kubeAPIBurst: 10
kubeAPIQPS: 5
kubeReserved:
  cpu: 70m
  memory: 1470Mi
  pid: "1000"
podPidsLimit: 16384
readOnlyPort: 0
registryBurst: 10
registryPullQPS: 5
rotateCertificates: true
serializeImagePulls: false
systemReserved:
  cpu: 70m
  memory: 1470Mi
  pid: "1000"
topologyManagerPolicy: none
`)
	s.dir("/var/lib/kubelet/pki", "0755")
	// kubelet-client-current.pem is a link to the dated pair on a real node;
	// a spec holds no links.
	s.file("/var/lib/kubelet/pki/kubelet-client-current.pem", "0600", client.pem()+fakeKey("EC PRIVATE KEY", c+"KubeletClientKey", 3))
	s.canary(c+"KubeletClientKey", "plain", "/var/lib/kubelet/pki/kubelet-client-current.pem", "PEM EC PRIVATE KEY body")
	s.file("/var/lib/kubelet/pki/kubelet.crt", "0644", serving.pem())
	s.file("/var/lib/kubelet/pki/kubelet.key", "0600", fakeKey("RSA PRIVATE KEY", c+"KubeletServingKey", 25))
	s.canary(c+"KubeletServingKey", "plain", "/var/lib/kubelet/pki/kubelet.key", "PEM RSA PRIVATE KEY body")

	// containerd and Terway's CNI configuration
	s.dir("/etc/containerd", "0755")
	s.file("/etc/containerd/config.toml", "0644", `version = 2
root = "/var/lib/containerd"
state = "/run/containerd"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry-`+ackRegion+`-vpc.ack.aliyuncs.com/acs/pause:3.9"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/opt/cni/bin"
    conf_dir = "/etc/cni/net.d"
`)
	s.dir("/etc/cni", "0755")
	s.dir("/etc/cni/net.d", "0755")
	s.file("/etc/cni/net.d/10-terway.conflist", "0644", `{
  "cniVersion": "0.4.0",
  "name": "terway",
  "plugins": [
    {
      "type": "terway",
      "capabilities": {"bandwidth": true}
    },
    {
      "type": "portmap",
      "capabilities": {"portMappings": true},
      "externalSetMarkChain": "KUBE-MARK-MASQ"
    }
  ]
}
`)

	// Processes: systemd's expansion of the unit's ExecStart (empty
	// variables drop out), kube-proxy's DaemonSet container, containerd.
	kubeletArgs := strings.Fields("--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf" +
		" --config=/var/lib/kubelet/config.yaml --max-pods=64 --pod-infra-container-image=registry-" + ackRegion + "-vpc.ack.aliyuncs.com/acs/pause:3.9" +
		" --node-ip=" + ackIP + " --hostname-override=" + ackNode + " --provider-id=" + ackRegion + "." + ackECS +
		" --cloud-provider=external --node-labels=alibabacloud.com/nodepool-id=" + ackPool + ",ack.aliyun.com=" + ackCluster +
		" --read-only-port=10255")
	s.proc("/usr/bin/kubelet", kubeletArgs...)
	s.env("LANG=en_US.UTF-8")
	s.env("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin")
	s.env("INVOCATION_ID=" + hexFiller("ack-kubelet-invocation", 32))
	s.env("KUBELET_CUSTOMIZED_ARGS=--read-only-port=10255")
	s.proc("/usr/bin/containerd")
	s.env("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin")
	s.proc("/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override="+ackNode)
	s.env("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	s.env("KUBERNETES_SERVICE_HOST=10.88.0.254")
	s.env("KUBERNETES_SERVICE_PORT=6443")
	return s
}

var osReleaseAlinux3 = `NAME="Alibaba Cloud Linux"
VERSION="3 (OpenAnolis Edition)"
ID="alinux"
ID_LIKE="rhel fedora centos anolis"
VERSION_ID="3"
PLATFORM_ID="platform:al8"
PRETTY_NAME="Alibaba Cloud Linux 3 (OpenAnolis Edition)"
ANSI_COLOR="0;31"
HOME_URL="https://www.aliyun.com/"
`
