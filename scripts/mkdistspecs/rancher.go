package main

// The layout k3s and RKE2 share: RKE2 embeds k3s's server and agent code,
// so its PKI, kubeconfigs and agent files sit at the same places under
// /var/lib/rancher/rke2 as k3s's under /var/lib/rancher/k3s.

import (
	"fmt"
	"time"
)

type rancher struct {
	dist                                                string // "k3s" or "rke2"
	data                                                string // /var/lib/rancher/<dist>
	at                                                  time.Time
	clientCA, serverCA, reqCA, etcdServerCA, etcdPeerCA *authority
}

// cluster makes the CAs of a k3s or RKE2 cluster created at at: the same
// for every node of the cluster.
func cluster(dist string, at time.Time) *rancher {
	r := &rancher{dist: dist, data: "/var/lib/rancher/" + dist, at: at}
	ts := at.Unix()
	ca := func(name, cn string) *authority {
		return issue(certReq{cn: fmt.Sprintf("%s@%d", cn, ts), ca: true, notAfter: at.Add(10 * year), key: ecKey(dist + ":" + name)}, nil, at)
	}
	r.clientCA = ca("client-ca", dist+"-client-ca")
	r.serverCA = ca("server-ca", dist+"-server-ca")
	r.reqCA = ca("request-header-ca", dist+"-request-header-ca")
	r.etcdServerCA = ca("etcd-server-ca", "etcd-server-ca")
	r.etcdPeerCA = ca("etcd-peer-ca", "etcd-peer-ca")
	return r
}

// leaf issues a one-year leaf certificate.
func (r *rancher) leaf(parent *authority, seed, cn string, org []string, dns, ips []string, server, client bool, at time.Time) string {
	a := issue(certReq{cn: cn, org: org, dns: dns, ips: ips, server: server, client: client, notAfter: at.Add(year), key: ecKey(r.dist + ":" + seed)}, parent, at)
	return a.pem()
}

// pair writes name.crt (certMode) and its fake key name.key (0600).
func (r *rancher) pair(s *spec, p, certMode, cert, canary string) {
	s.file(p+".crt", certMode, cert)
	s.key(p+".key", "EC PRIVATE KEY", canary)
}

// kubeconfigFiles is the kubeconfig k3s writes for its own clients: the
// CA and the client pair referenced by path.
func kubeconfigFiles(server, ca, cert, key string) string {
	return fmt.Sprintf(`apiVersion: v1
clusters:
- cluster:
    server: %s
    certificate-authority: %s
  name: local
contexts:
- context:
    cluster: local
    namespace: default
    user: user
  name: Default
current-context: Default
kind: Config
preferences: {}
users:
- name: user
  user:
    client-certificate: %s
    client-key: %s
`, server, ca, cert, key)
}

// kubeconfigData is the admin kubeconfig k3s and RKE2 write to
// /etc/rancher/<dist>/<dist>.yaml: everything embedded.
func kubeconfigData(server, ca, cert, keyPEM string) string {
	return fmt.Sprintf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: %s
    server: %s
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: %s
    client-key-data: %s
`, b64(ca), server, b64(cert), b64(keyPEM))
}

// serverPKI lays out <data>/server/tls and <data>/server/cred of a server
// node, with fake keys carrying canaries prefixed by c.
func (r *rancher) serverPKI(s *spec, node, ip, c string, apiPort int) {
	tls := r.data + "/server/tls"
	at := r.at
	s.dir(r.data+"/server", "0700")
	s.dir(tls, "0700")
	s.dir(tls+"/temporary-certs", "0700")
	for _, ca := range []struct {
		name string
		a    *authority
		k    string
	}{{"client-ca", r.clientCA, "ClientCAKey"}, {"server-ca", r.serverCA, "ServerCAKey"}, {"request-header-ca", r.reqCA, "RequestHeaderCAKey"}} {
		s.file(tls+"/"+ca.name+".crt", "0644", ca.a.pem())
		if ca.name != "request-header-ca" {
			s.file(tls+"/"+ca.name+".nochain.crt", "0644", ca.a.pem())
		}
		s.key(tls+"/"+ca.name+".key", "EC PRIVATE KEY", c+ca.k)
	}
	clients := []struct {
		file, cn string
		org      []string
		k        string
	}{
		{"client-admin", "system:admin", []string{"system:masters"}, "ClientAdminKey"},
		{"client-controller", "system:kube-controller-manager", nil, "ClientControllerKey"},
		{"client-scheduler", "system:kube-scheduler", nil, "ClientSchedulerKey"},
		{"client-kube-apiserver", "system:apiserver", []string{"system:masters"}, "ClientKubeAPIServerKey"},
		{"client-kube-proxy", "system:kube-proxy", nil, "ClientKubeProxyKey"},
		{"client-" + r.dist + "-controller", "system:" + r.dist + "-controller", nil, "ClientDistControllerKey"},
		{"client-supervisor", "system:" + r.dist + "-supervisor", []string{"system:masters"}, "ClientSupervisorKey"},
	}
	if r.dist == "k3s" {
		clients = append(clients, struct {
			file, cn string
			org      []string
			k        string
		}{"client-k3s-cloud-controller", "k3s-cloud-controller-manager", nil, "ClientCloudControllerKey"})
	}
	for _, cl := range clients {
		r.pair(s, tls+"/"+cl.file, "0644", r.leaf(r.clientCA, cl.file, cl.cn, cl.org, nil, nil, false, true, at), c+cl.k)
	}
	r.pair(s, tls+"/client-auth-proxy", "0644", r.leaf(r.reqCA, "client-auth-proxy", "system:auth-proxy", nil, nil, nil, false, true, at), c+"ClientAuthProxyKey")
	sans := []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost", node}
	r.pair(s, tls+"/serving-kube-apiserver", "0644", r.leaf(r.serverCA, "serving-kube-apiserver", "kube-apiserver", nil, sans, []string{"10.43.0.1", "127.0.0.1", "::1", ip}, true, false, at), c+"ServingKubeAPIServerKey")
	s.key(tls+"/service.key", "RSA PRIVATE KEY", c+"ServiceAccountKey")
	s.key(tls+"/service.current.key", "RSA PRIVATE KEY", c+"ServiceAccountCurrentKey")
	for _, comp := range []string{"kube-controller-manager", "kube-scheduler"} {
		s.dir(tls+"/"+comp, "0700")
		k := "KCMServingKey"
		if comp == "kube-scheduler" {
			k = "SchedulerServingKey"
		}
		r.pair(s, tls+"/"+comp+"/"+comp, "0644", r.leaf(r.serverCA, comp+"-serving", comp, nil, []string{"localhost", node}, []string{"127.0.0.1"}, true, false, at), c+k)
	}
	// The supervisor's listener keeps its serving pair in a JSON file.
	dyn := r.leaf(r.serverCA, "dynamic-listener", r.dist, nil, []string{"kubernetes", "kubernetes.default", "localhost", node}, []string{"10.43.0.1", "127.0.0.1", ip}, true, false, at)
	s.file(tls+"/dynamic-cert.json", "0600", fmt.Sprintf(`{"metadata":{"name":"%s-serving","namespace":"kube-system","creationTimestamp":null,"annotations":{"listener.cattle.io/cn-%s":"%s","listener.cattle.io/cn-127.0.0.1":"127.0.0.1","listener.cattle.io/cn-localhost":"localhost","listener.cattle.io/fingerprint":"SHA1=%s"}},"data":{"tls.crt":"%s","tls.key":"%s"},"type":"kubernetes.io/tls"}`+"\n",
		r.dist, ip, ip, hexFiller(r.dist+"fp", 40), b64(dyn), b64(fakeKey("EC PRIVATE KEY", c+"DynamicListenerKey", 3))))
	s.canary(c+"DynamicListenerKey", "base64", tls+"/dynamic-cert.json", "base64 of a PEM EC PRIVATE KEY in a JSON string (tls.key)")
	// etcd
	s.dir(tls+"/etcd", "0700")
	r.pair(s, tls+"/etcd/server-ca", "0644", r.etcdServerCA.pem(), c+"EtcdServerCAKey")
	r.pair(s, tls+"/etcd/peer-ca", "0644", r.etcdPeerCA.pem(), c+"EtcdPeerCAKey")
	r.pair(s, tls+"/etcd/client", "0644", r.leaf(r.etcdServerCA, "etcd-client", "etcd-client", []string{"system:masters"}, nil, nil, false, true, at), c+"EtcdClientKey")
	r.pair(s, tls+"/etcd/server-client", "0644", r.leaf(r.etcdServerCA, "etcd-server", "etcd-server", nil, []string{"localhost", node}, []string{"127.0.0.1", "::1", ip}, true, true, at), c+"EtcdServerKey")
	r.pair(s, tls+"/etcd/peer-server-client", "0644", r.leaf(r.etcdPeerCA, "etcd-peer", "etcd-peer", nil, []string{"localhost", node}, []string{"127.0.0.1", "::1", ip}, true, true, at), c+"EtcdPeerKey")

	// cred: kubeconfigs by path, the node passwords, IPsec PSK.
	cred := r.data + "/server/cred"
	s.dir(cred, "0700")
	api := fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	for _, kc := range []struct{ file, pair string }{
		{"admin", "client-admin"}, {"controller", "client-controller"}, {"scheduler", "client-scheduler"},
		{"api-server", "client-kube-apiserver"}, {"supervisor", "client-supervisor"}, {r.dist + "-controller", "client-" + r.dist + "-controller"},
	} {
		s.file(cred+"/"+kc.file+".kubeconfig", "0600", kubeconfigFiles(api, tls+"/server-ca.crt", tls+"/"+kc.pair+".crt", tls+"/"+kc.pair+".key"))
	}
	if r.dist == "k3s" {
		s.file(cred+"/cloud-controller.kubeconfig", "0600", kubeconfigFiles(api, tls+"/server-ca.crt", tls+"/client-k3s-cloud-controller.crt", tls+"/client-k3s-cloud-controller.key"))
	}
	s.file(cred+"/passwd", "0600", fmt.Sprintf("%s,node,node,%s:agent\n%s,server,server,%s:server\n", filler(c+"NodePasswd", 32), r.dist, filler(c+"ServerPasswd", 32), r.dist))
	s.canary(c+"NodePasswd", "plain", cred+"/passwd", "first CSV column (node password)")
	s.canary(c+"ServerPasswd", "plain", cred+"/passwd", "first CSV column (server password)")
	s.file(cred+"/ipsec.psk", "0600", filler(c+"IPsecPSK", 64)+"\n")
	s.canary(c+"IPsecPSK", "plain", cred+"/ipsec.psk", "whole file")
}

// encryptionConfig is what secrets-encryption writes to
// <data>/server/cred/encryption-config.json (one JSON line).
func encryptionConfig(keyCanary string) string {
	return `{"kind":"EncryptionConfiguration","apiVersion":"apiserver.config.k8s.io/v1","resources":[{"resources":["secrets"],"providers":[{"aescbc":{"keys":[{"name":"aescbckey-2026-10-06T08:14:27Z","secret":"` +
		b64(filler(keyCanary, 32)[:32]) + `"}]}},{"identity":{}}]}]}` + "\n"
}

// agentPKI lays out <data>/agent of any node: the CAs, the kubelet's and
// kube-proxy's pairs and kubeconfigs. All 0600, as the CIS profile of
// RKE2 and k3s's hardened defaults leave them.
func (r *rancher) agentPKI(s *spec, node, ip, c string, apiServer string) {
	ag := r.data + "/agent"
	at := r.at.Add(time.Duration(len(node)) * time.Minute)
	s.file(ag+"/client-ca.crt", "0600", r.clientCA.pem())
	s.file(ag+"/server-ca.crt", "0600", r.serverCA.pem())
	r.pair(s, ag+"/client-kubelet", "0600", r.leaf(r.clientCA, "client-kubelet-"+node, "system:node:"+node, []string{"system:nodes"}, nil, nil, false, true, at), c+"ClientKubeletKey")
	r.pair(s, ag+"/serving-kubelet", "0600", r.leaf(r.serverCA, "serving-kubelet-"+node, node, nil, []string{node, "localhost"}, []string{"127.0.0.1", ip}, true, false, at), c+"ServingKubeletKey")
	r.pair(s, ag+"/client-kube-proxy", "0600", r.leaf(r.clientCA, "client-kube-proxy-"+node, "system:kube-proxy", nil, nil, nil, false, true, at), c+"AgentKubeProxyKey")
	r.pair(s, ag+"/client-"+r.dist+"-controller", "0600", r.leaf(r.clientCA, "client-controller-"+node, "system:"+r.dist+"-controller", nil, nil, nil, false, true, at), c+"AgentDistControllerKey")
	s.file(ag+"/kubelet.kubeconfig", "0600", kubeconfigFiles(apiServer, ag+"/server-ca.crt", ag+"/client-kubelet.crt", ag+"/client-kubelet.key"))
	s.file(ag+"/kubeproxy.kubeconfig", "0600", kubeconfigFiles(apiServer, ag+"/server-ca.crt", ag+"/client-kube-proxy.crt", ag+"/client-kube-proxy.key"))
	s.file(ag+"/"+r.dist+"controller.kubeconfig", "0600", kubeconfigFiles(apiServer, ag+"/server-ca.crt", ag+"/client-"+r.dist+"-controller.crt", ag+"/client-"+r.dist+"-controller.key"))
	s.dir(ag+"/pod-manifests", "0755")
	s.dir(ag+"/containerd", "0711")
}

// kubeletDefaults is the KubeletConfiguration k3s (00-k3s-defaults.conf)
// and RKE2 (00-rke2-defaults.conf) write into the kubelet's --config-dir,
// as the RKE2 CIS 1.12 self-assessment prints it.
func (r *rancher) kubeletDefaults(protectKernelDefaults bool, staticPods, resolv string) string {
	ag := r.data + "/agent"
	pkd := ""
	if protectKernelDefaults {
		pkd = "protectKernelDefaults: true\n"
	}
	return `address: 0.0.0.0
apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 2m0s
    enabled: true
  x509:
    clientCAFile: ` + ag + `/client-ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 5m0s
    cacheUnauthorizedTTL: 30s
cgroupDriver: systemd
clusterDNS:
- 10.43.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: unix:///run/k3s/containerd/containerd.sock
cpuManagerReconcilePeriod: 10s
crashLoopBackOff: {}
evictionHard:
  imagefs.available: 5%
  nodefs.available: 5%
evictionMinimumReclaim:
  imagefs.available: 10%
  nodefs.available: 10%
evictionPressureTransitionPeriod: 5m0s
failSwapOn: false
fileCheckFrequency: 20s
healthzBindAddress: 127.0.0.1
httpCheckFrequency: 20s
imageMaximumGCAge: 0s
imageMinimumGCAge: 2m0s
kind: KubeletConfiguration
logging:
  flushFrequency: 5s
  format: text
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 5m0s
nodeStatusUpdateFrequency: 10s
` + pkd + `resolvConf: ` + resolv + `
runtimeRequestTimeout: 2m0s
serializeImagePulls: false
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: ` + staticPods + `
streamingConnectionIdleTimeout: 4h0m0s
syncFrequency: 1m0s
tlsCertFile: ` + ag + `/serving-kubelet.crt
tlsPrivateKeyFile: ` + ag + `/serving-kubelet.key
volumeStatsAggPeriod: 1m0s
`
}

func flannelConflist() string {
	return `{
  "name":"cbr0",
  "cniVersion":"1.0.0",
  "plugins":[
    {
      "type":"flannel",
      "delegate":{
        "hairpinMode":true,
        "forceAddress":true,
        "isDefaultGateway":true
      }
    },
    {
      "type":"portmap",
      "capabilities":{
        "portMappings":true
      }
    },
    {
      "type":"bandwidth",
      "capabilities":{
        "bandwidth":true
      }
    }
  ]
}
`
}

// ipam lays out host-local IPAM state under /var/lib/cni/networks/<net>.
func ipam(s *spec, network string, ips []string, mode string) {
	d := "/var/lib/cni/networks/" + network
	s.dir("/var/lib/cni", "0755")
	s.dir("/var/lib/cni/networks", "0755")
	s.dir(d, "0755")
	for i, ip := range ips {
		s.file(d+"/"+ip, mode, fmt.Sprintf("%s\neth0", hexFiller(network+ip, 64)))
		_ = i
	}
	s.file(d+"/last_reserved_ip.0", mode, ips[len(ips)-1])
	s.empty(d+"/lock", "0750")
}
