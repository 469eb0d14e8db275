package main

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/internal/detkey"
)

// A kubeadm v1.33 cluster: `kubeadm init --pod-network-cidr=10.244.0.0/16`
// on the control-plane node, `kubeadm join` on the workers. What kubeadm
// creates is read from its documentation ("Implementation details",
// kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/)
// and its manifests (cmd/kubeadm/app/phases/addons/{dns,proxy}/manifests.go,
// cmd/kubeadm/app/phases/{bootstraptoken,uploadconfig,kubelet,kubeconfig}).

const (
	k8sVersion = "v1.33.13"
	etcdImage  = "registry.k8s.io/etcd:3.5.24-0"
	dnsImage   = "registry.k8s.io/coredns/coredns:v1.12.0"
)

const (
	originBootstrap = "bootstrap policy"
	originKCM       = "kube-controller-manager"
	originKubeadm   = "kubeadm"
	originKubelet   = "kubelet (static pod)"
)

var cpTaint = obj{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}

// namespace adds a Namespace, its default ServiceAccount (created by the
// service account controller; automount as given, nil for unset) and
// its kube-root-ca.crt ConfigMap.
func (c *cluster) namespace(origin, name string, lbl map[string]string, automount *bool) *object {
	l := merge(map[string]string{"kubernetes.io/metadata.name": name}, lbl)
	o := c.add(origin, obj{"kind": "Namespace", "metadata": meta("", name, l, nil),
		"spec": obj{"finalizers": list("kubernetes")}, "status": obj{"phase": "Active"}})
	saOrigin := "service account controller"
	if automount != nil && *automount {
		saOrigin = "" // set to true on purpose
	}
	c.serviceAccount(saOrigin, name, "default", automount, nil, nil)
	c.add("root-ca-cert-publisher", obj{"kind": "ConfigMap", "metadata": meta(name, "kube-root-ca.crt", nil,
		map[string]string{"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}),
		"data": obj{"ca.crt": c.caPEM()}})
	return o
}

// serviceAccount adds a ServiceAccount.
func (c *cluster) serviceAccount(origin, ns, name string, automount *bool, lbl, ann map[string]string) *object {
	m := obj{"kind": "ServiceAccount", "metadata": meta(ns, name, lbl, ann)}
	if automount != nil {
		m["automountServiceAccountToken"] = *automount
	}
	return c.add(origin, m)
}

// caPEM is the cluster CA certificate (public; deterministic).
func (c *cluster) caPEM() string {
	if c.ca != "" {
		return c.ca
	}
	key := c.caKey()
	at := c.nodes[0].initAt()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(len(c.name)*7919 + 1)), Subject: pkix.Name{CommonName: "kubernetes"},
		NotBefore: at.Add(-5 * time.Minute), NotAfter: at.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(detkey.NewStream("ca-serial"), tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	c.caCert, _ = x509.ParseCertificate(der)
	c.ca = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	return c.ca
}

// caKey is the cluster CA's key (never written out).
func (c *cluster) caKey() *rsa.PrivateKey {
	return detkey.RSAKey("kubeproof-snapshot-ca-"+c.name, 2048)
}

// initAt is when the cluster was initialised (fixed per fixture).
func (n node) initAt() time.Time { return time.Date(2025, 5, 20, 8, 0, 0, 0, time.UTC) }

// bootstrap adds the objects the API server, the controller manager and
// kubeadm create: namespaces, the RBAC bootstrap policy, kubeadm's RBAC,
// the controllers' ServiceAccounts, the static pods, CoreDNS and
// kube-proxy.
func (c *cluster) bootstrap(hardened bool) {
	at := c.nodes[0].initAt()
	c.at(at)
	var off *bool
	if hardened {
		off = bptr(false) // CIS 5.1.5 remediation: every default ServiceAccount
	}
	psaPrivileged := map[string]string(nil)
	psaRestricted := map[string]string(nil)
	if hardened {
		psaPrivileged = psa("privileged")
		psaRestricted = psa("restricted")
	}
	c.namespace("API server", "default", psaRestricted, off)
	c.namespace("API server", "kube-node-lease", psaRestricted, off)
	c.namespace("API server", "kube-public", psaRestricted, off)
	c.namespace("API server", "kube-system", psaPrivileged, off)
	c.service("API server", "default", "kubernetes", map[string]string{"component": "apiserver", "provider": "kubernetes"}, nil,
		[]obj{{"name": "https", "port": 443, "targetPort": 6443}}, "")

	for _, d := range bootstrapClusterRoles() {
		c.addRole(originBootstrap, d)
	}
	for _, d := range controllerRoles() {
		d.name = "system:controller:" + d.name
		c.addRole(originBootstrap, d)
	}
	for _, d := range namespaceRoles() {
		c.addRole(originBootstrap, d)
	}
	for _, d := range bootstrapClusterRoleBindings() {
		c.addBinding(originBootstrap, d)
	}
	for _, d := range namespaceRoleBindings() {
		c.addBinding(originBootstrap, d)
	}
	// The controller manager (--use-service-account-credentials) creates
	// one ServiceAccount per controller it runs.
	for _, n := range []string{"attachdetach-controller", "bootstrap-signer", "certificate-controller",
		"clusterrole-aggregation-controller", "cronjob-controller", "daemon-set-controller", "deployment-controller",
		"disruption-controller", "endpoint-controller", "endpointslice-controller", "endpointslicemirroring-controller",
		"ephemeral-volume-controller", "expand-controller", "generic-garbage-collector", "horizontal-pod-autoscaler",
		"job-controller", "legacy-service-account-token-cleaner", "namespace-controller", "node-controller",
		"persistent-volume-binder", "pod-garbage-collector", "pv-protection-controller", "pvc-protection-controller",
		"replicaset-controller", "replication-controller", "resourcequota-controller", "root-ca-cert-publisher",
		"service-account-controller", "service-cidrs-controller", "statefulset-controller", "token-cleaner",
		"ttl-after-finished-controller", "ttl-controller", "validatingadmissionpolicy-status-controller"} {
		c.serviceAccount(originKCM, "kube-system", n, nil, nil, nil)
	}

	c.kubeadmRBAC()
	c.staticPods(at.Add(-2 * time.Minute))
	c.at(at.Add(90 * time.Second))
	c.coreDNS()
	c.kubeProxy()
	c.kubeadmConfig()
}

func psa(level string) map[string]string {
	return map[string]string{
		"pod-security.kubernetes.io/enforce":         level,
		"pod-security.kubernetes.io/enforce-version": "latest",
		"pod-security.kubernetes.io/warn":            level,
		"pod-security.kubernetes.io/warn-version":    "latest",
		"pod-security.kubernetes.io/audit":           level,
		"pod-security.kubernetes.io/audit-version":   "latest",
	}
}

func (c *cluster) kubeadmRBAC() {
	const tokenGroup = "system:bootstrappers:kubeadm:default-node-token"
	k := originKubeadm
	crb := func(name, role string, s ...subject) {
		c.addBinding(k, bindingDef{name: name, roleKind: "ClusterRole", role: role, subjects: s})
	}
	rb := func(ns, name, role string, s ...subject) {
		c.addBinding(k, bindingDef{ns: ns, name: name, roleKind: "Role", role: role, subjects: s})
	}
	// kubeconfig phase: admin.conf's group (kubeadm v1.29 and later).
	crb("kubeadm:cluster-admins", "cluster-admin", group("kubeadm:cluster-admins"))
	// bootstrap-token phase.
	crb("kubeadm:kubelet-bootstrap", "system:node-bootstrapper", group(tokenGroup))
	crb("kubeadm:node-autoapprove-bootstrap", "system:certificates.k8s.io:certificatesigningrequests:nodeclient", group(tokenGroup))
	crb("kubeadm:node-autoapprove-certificate-rotation", "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", group("system:nodes"))
	c.addRole(k, roleDef{name: "kubeadm:get-nodes", rules: []rule{r("", "nodes", "get")}})
	crb("kubeadm:get-nodes", "kubeadm:get-nodes", group(tokenGroup))
	c.addRole(k, roleDef{ns: "kube-public", name: "kubeadm:bootstrap-signer-clusterinfo", rules: []rule{rn("", "configmaps", "get", "cluster-info")}})
	rb("kube-public", "kubeadm:bootstrap-signer-clusterinfo", "kubeadm:bootstrap-signer-clusterinfo", user("system:anonymous"))
	// upload-config and kubelet phases.
	c.addRole(k, roleDef{ns: "kube-system", name: "kubeadm:nodes-kubeadm-config", rules: []rule{rn("", "configmaps", "get", "kubeadm-config")}})
	rb("kube-system", "kubeadm:nodes-kubeadm-config", "kubeadm:nodes-kubeadm-config", group(tokenGroup), group("system:nodes"))
	c.addRole(k, roleDef{ns: "kube-system", name: "kubeadm:kubelet-config", rules: []rule{rn("", "configmaps", "get", "kubelet-config")}})
	rb("kube-system", "kubeadm:kubelet-config", "kubeadm:kubelet-config", group("system:nodes"), group(tokenGroup))
	// addons.
	c.addRole(k, roleDef{name: "system:coredns", rules: []rule{
		r("", "endpoints,services,pods,namespaces", "list,watch"),
		r("discovery.k8s.io", "endpointslices", "list,watch")}})
	crb("system:coredns", "system:coredns", sa("kube-system", "coredns"))
	crb("kubeadm:node-proxier", "system:node-proxier", sa("kube-system", "kube-proxy"))
	c.addRole(k, roleDef{ns: "kube-system", name: "kube-proxy", rules: []rule{rn("", "configmaps", "get", "kube-proxy")}})
	rb("kube-system", "kube-proxy", "kube-proxy", group(tokenGroup))
	c.serviceAccount(k, "kube-system", "coredns", nil, nil, nil)
	c.serviceAccount(k, "kube-system", "kube-proxy", nil, nil, nil)
}

// staticPods adds the mirror pods of the control-plane node's static pods.
func (c *cluster) staticPods(at time.Time) {
	cp := c.nodes[0]
	ip := cp.ip
	hp := func(name, path, typ string) obj { return hostPathVol(name, path, typ) }
	certVols := []obj{hp("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"), hp("etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate")}
	certMounts := []obj{mount("ca-certs", "/etc/ssl/certs", true), mount("etc-ca-certificates", "/etc/ca-certificates", true)}
	shareVols := []obj{hp("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", "DirectoryOrCreate"),
		hp("usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate")}
	shareMounts := []obj{mount("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", true),
		mount("usr-share-ca-certificates", "/usr/share/ca-certificates", true)}
	probe := func(host, path string, port int, scheme string, failures int, delay bool) obj {
		p := obj{"httpGet": obj{"host": host, "path": path, "port": port, "scheme": scheme}}
		fillProbe(p, "failureThreshold", failures, "timeoutSeconds", 15)
		if delay {
			p["initialDelaySeconds"] = 10
		} else {
			p["periodSeconds"] = 1
		}
		return p
	}
	type sp struct {
		name, image string
		cmd         []string
		vols        []obj
		mounts      []obj
		req         obj
		ann         map[string]string
		host, path  string
		port        int
		scheme      string
	}
	etcd := []string{"etcd", "--advertise-client-urls=https://" + ip + ":2379", "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
		"--client-cert-auth=true", "--data-dir=/var/lib/etcd", "--experimental-initial-corrupt-check=true",
		"--experimental-watch-progress-notify-interval=5s", "--initial-advertise-peer-urls=https://" + ip + ":2380",
		"--initial-cluster=" + cp.name + "=https://" + ip + ":2380", "--key-file=/etc/kubernetes/pki/etcd/server.key",
		"--listen-client-urls=https://127.0.0.1:2379,https://" + ip + ":2379", "--listen-metrics-urls=http://127.0.0.1:2381",
		"--listen-peer-urls=https://" + ip + ":2380", "--name=" + cp.name, "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
		"--peer-client-cert-auth=true", "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
		"--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt", "--snapshot-count=10000", "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"}
	apiserver := []string{"kube-apiserver", "--advertise-address=" + ip, "--allow-privileged=true", "--authorization-mode=Node,RBAC",
		"--client-ca-file=/etc/kubernetes/pki/ca.crt", "--enable-admission-plugins=NodeRestriction", "--enable-bootstrap-token-auth=true",
		"--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt", "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
		"--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key", "--etcd-servers=https://127.0.0.1:2379",
		"--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
		"--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
		"--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
		"--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
		"--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key", "--requestheader-allowed-names=front-proxy-client",
		"--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt", "--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--requestheader-group-headers=X-Remote-Group", "--requestheader-username-headers=X-Remote-User", "--secure-port=6443",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local", "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
		"--service-account-signing-key-file=/etc/kubernetes/pki/sa.key", "--service-cluster-ip-range=10.96.0.0/12",
		"--tls-cert-file=/etc/kubernetes/pki/apiserver.crt", "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key"}
	kcm := []string{"kube-controller-manager", "--allocate-node-cidrs=true", "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
		"--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf", "--bind-address=127.0.0.1",
		"--client-ca-file=/etc/kubernetes/pki/ca.crt", "--cluster-cidr=10.244.0.0/16", "--cluster-name=kubernetes",
		"--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt", "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
		"--controllers=*,bootstrapsigner,tokencleaner", "--kubeconfig=/etc/kubernetes/controller-manager.conf", "--leader-elect=true",
		"--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt", "--root-ca-file=/etc/kubernetes/pki/ca.crt",
		"--service-account-private-key-file=/etc/kubernetes/pki/sa.key", "--service-cluster-ip-range=10.96.0.0/12",
		"--use-service-account-credentials=true"}
	sched := []string{"kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
		"--authorization-kubeconfig=/etc/kubernetes/scheduler.conf", "--bind-address=127.0.0.1",
		"--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true"}
	pods := []sp{
		{name: "etcd", image: etcdImage, cmd: etcd,
			vols:   []obj{hp("etcd-certs", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate"), hp("etcd-data", "/var/lib/etcd", "DirectoryOrCreate")},
			mounts: []obj{mount("etcd-data", "/var/lib/etcd", false), mount("etcd-certs", "/etc/kubernetes/pki/etcd", false)},
			req:    obj{"requests": obj{"cpu": "100m", "memory": "100Mi"}},
			ann:    map[string]string{"kubeadm.kubernetes.io/etcd.advertise-client-urls": "https://" + ip + ":2379"},
			host:   "127.0.0.1", path: "/livez", port: 2381, scheme: "HTTP"},
		{name: "kube-apiserver", image: "registry.k8s.io/kube-apiserver:" + k8sVersion, cmd: apiserver,
			vols:   append(append(append([]obj{}, certVols...), hp("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate")), shareVols...),
			mounts: append(append(append([]obj{}, certMounts...), mount("k8s-certs", "/etc/kubernetes/pki", true)), shareMounts...),
			req:    obj{"requests": obj{"cpu": "250m"}},
			ann:    map[string]string{"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": ip + ":6443"},
			host:   ip, path: "/livez", port: 6443, scheme: "HTTPS"},
		{name: "kube-controller-manager", image: "registry.k8s.io/kube-controller-manager:" + k8sVersion, cmd: kcm,
			vols: append(append(append([]obj{}, certVols...), hp("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", "DirectoryOrCreate"),
				hp("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate"), hp("kubeconfig", "/etc/kubernetes/controller-manager.conf", "FileOrCreate")), shareVols...),
			mounts: append(append(append([]obj{}, certMounts...), mount("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", false),
				mount("k8s-certs", "/etc/kubernetes/pki", true), mount("kubeconfig", "/etc/kubernetes/controller-manager.conf", true)), shareMounts...),
			req:  obj{"requests": obj{"cpu": "200m"}},
			host: "127.0.0.1", path: "/healthz", port: 10257, scheme: "HTTPS"},
		{name: "kube-scheduler", image: "registry.k8s.io/kube-scheduler:" + k8sVersion, cmd: sched,
			vols:   []obj{hp("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate")},
			mounts: []obj{mount("kubeconfig", "/etc/kubernetes/scheduler.conf", true)},
			req:    obj{"requests": obj{"cpu": "100m"}},
			host:   "127.0.0.1", path: "/livez", port: 10259, scheme: "HTTPS"},
	}
	for i, p := range pods {
		readyPath := p.path
		if p.name == "kube-apiserver" || p.name == "etcd" {
			readyPath = "/readyz"
		}
		x := ctr{name: p.name, image: p.image, command: p.cmd, mounts: p.mounts, resources: p.req,
			liveness: probe(p.host, p.path, p.port, p.scheme, 8, true),
			startup:  probe(p.host, p.path, p.port, p.scheme, 24, true)}
		if p.name != "kube-controller-manager" {
			x.ready = probe(p.host, readyPath, p.port, p.scheme, 3, false)
		}
		if p.name == "kube-scheduler" || p.name == "kube-controller-manager" {
			x.liveness = probe(p.host, p.path, p.port, p.scheme, 8, true)
			x.ready = nil
			if p.name == "kube-scheduler" {
				x.ready = probe(p.host, "/readyz", p.port, p.scheme, 3, false)
			}
		}
		hash := hashOf(c.name, "config", p.name)[:32]
		t := podTmpl{labels: map[string]string{"component": p.name, "tier": "control-plane"},
			ann: merge(p.ann, map[string]string{"kubernetes.io/config.hash": hash, "kubernetes.io/config.mirror": hash,
				"kubernetes.io/config.seen": ts(at.Add(time.Duration(i) * time.Second)), "kubernetes.io/config.source": "file"}),
			hostNetwork: true, priorityClass: "system-node-critical",
			sc:         obj{"seccompProfile": obj{"type": "RuntimeDefault"}},
			containers: []ctr{x}, volumes: p.vols,
			tolerations: []obj{{"operator": "Exists", "effect": "NoExecute"}}}
		owner := obj{"apiVersion": "v1", "kind": "Node", "name": cp.name, "uid": uid(c.name, "Node", "", cp.name), "controller": true}
		c.addPod(originKubelet, "kube-system", p.name+"-"+cp.name, t, placement{node: cp, owner: owner},
			at.Add(time.Duration(40+i)*time.Second), false, nil, nil)
	}
}

func (c *cluster) coreDNS() {
	t := podTmpl{labels: map[string]string{"k8s-app": "kube-dns"}, sa: "coredns", priorityClass: "system-cluster-critical",
		dnsPolicy: "Default", nodeSelector: map[string]string{"kubernetes.io/os": "linux"},
		tolerations: []obj{{"key": "CriticalAddonsOnly", "operator": "Exists"}, cpTaint},
		affinity: obj{"podAntiAffinity": obj{"preferredDuringSchedulingIgnoredDuringExecution": []any{obj{"weight": 100,
			"podAffinityTerm": obj{"topologyKey": "kubernetes.io/hostname", "labelSelector": obj{"matchExpressions": []any{
				obj{"key": "k8s-app", "operator": "In", "values": list("kube-dns")}}}}}}}},
		volumes: []obj{{"name": "config-volume", "configMap": obj{"name": "coredns", "defaultMode": 420,
			"items": []any{obj{"key": "Corefile", "path": "Corefile"}}}}},
		containers: []ctr{{name: "coredns", image: dnsImage, args: []string{"-conf", "/etc/coredns/Corefile"},
			resources: res("100m", "70Mi", "", "170Mi"),
			mounts:    []obj{mount("config-volume", "/etc/coredns", true)},
			ports: []obj{port("dns", 53, "UDP"), port("dns-tcp", 53, "TCP"), port("metrics", 9153, "TCP"),
				port("liveness-probe", 8080, "TCP"), port("readiness-probe", 8181, "TCP")},
			liveness: httpProbe("/health", "liveness-probe", "HTTP", "initialDelaySeconds", 60, "timeoutSeconds", 5, "failureThreshold", 5),
			ready:    httpProbe("/ready", "readiness-probe", "HTTP"),
			sc: obj{"allowPrivilegeEscalation": false, "capabilities": obj{"add": list("NET_BIND_SERVICE"), "drop": list("ALL")},
				"readOnlyRootFilesystem": true}}}}
	c.deployment(originKubeadm, "kube-system", "coredns", 2, t, nil)
	c.get("Deployment", "kube-system", "coredns").m["spec"].(obj)["strategy"] = obj{"type": "RollingUpdate", "rollingUpdate": obj{"maxSurge": "25%", "maxUnavailable": 1}}
	c.add(originKubeadm, obj{"kind": "Service", "metadata": meta("kube-system", "kube-dns",
		map[string]string{"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
		map[string]string{"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}),
		"spec": obj{"clusterIP": "10.96.0.10", "clusterIPs": list("10.96.0.10"), "internalTrafficPolicy": "Cluster",
			"ipFamilies": list("IPv4"), "ipFamilyPolicy": "SingleStack", "selector": obj{"k8s-app": "kube-dns"},
			"sessionAffinity": "None", "type": "ClusterIP",
			"ports": []any{obj{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
				obj{"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
				obj{"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}}},
		"status": obj{"loadBalancer": obj{}}})
}

func (c *cluster) kubeProxy() {
	t := podTmpl{labels: map[string]string{"k8s-app": "kube-proxy"}, sa: "kube-proxy", hostNetwork: true,
		priorityClass: "system-node-critical", nodeSelector: map[string]string{"kubernetes.io/os": "linux"},
		tolerations: []obj{{"operator": "Exists"}},
		volumes: []obj{configMapVol("kube-proxy", "kube-proxy"), hostPathVol("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
			hostPathVol("lib-modules", "/lib/modules", "")},
		containers: []ctr{{name: "kube-proxy", image: "registry.k8s.io/kube-proxy:" + k8sVersion,
			command: []string{"/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"},
			env:     []obj{envField("NODE_NAME", "spec.nodeName")},
			sc:      obj{"privileged": true},
			mounts: []obj{mount("kube-proxy", "/var/lib/kube-proxy", false), mount("xtables-lock", "/run/xtables.lock", false),
				mount("lib-modules", "/lib/modules", true)}}}}
	c.daemonSet(originKubeadm, "kube-system", "kube-proxy", t)
}

// kubeadmConfig adds kubeadm's ConfigMaps and its bootstrap token.
func (c *cluster) kubeadmConfig() {
	cp := c.nodes[0]
	ks := "kube-system"
	cm := func(origin, ns, name string, data obj, ann map[string]string) {
		c.add(origin, obj{"kind": "ConfigMap", "metadata": meta(ns, name, nil, ann), "data": data})
	}
	cm(originKubeadm, ks, "kubeadm-config", obj{"ClusterConfiguration": "apiServer: {}\napiVersion: kubeadm.k8s.io/v1beta4\ncaCertificateValidityPeriod: 87600h0m0s\ncertificateValidityPeriod: 8760h0m0s\ncertificatesDir: /etc/kubernetes/pki\nclusterName: kubernetes\ncontrollerManager: {}\ndns: {}\nencryptionAlgorithm: RSA-2048\netcd:\n  local:\n    dataDir: /var/lib/etcd\nimageRepository: registry.k8s.io\nkind: ClusterConfiguration\nkubernetesVersion: " + k8sVersion + "\nnetworking:\n  dnsDomain: cluster.local\n  podSubnet: 10.244.0.0/16\n  serviceSubnet: 10.96.0.0/12\nproxy: {}\nscheduler: {}\n"}, nil)
	cm(originKubeadm, ks, "kubelet-config", obj{"kubelet": "apiVersion: kubelet.config.k8s.io/v1beta1\nauthentication:\n  anonymous:\n    enabled: false\n  webhook:\n    cacheTTL: 0s\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\nauthorization:\n  mode: Webhook\ncgroupDriver: systemd\nclusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local\nkind: KubeletConfiguration\nrotateCertificates: true\nstaticPodPath: /etc/kubernetes/manifests\n"}, nil)
	cm(originKubeadm, ks, "kube-proxy", obj{
		"config.conf":     "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\nclientConnection:\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\nclusterCIDR: 10.244.0.0/16\nkind: KubeProxyConfiguration\nmetricsBindAddress: \"\"\nmode: \"\"\n",
		"kubeconfig.conf": "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n    server: https://" + cp.ip + ":6443\n  name: default\ncontexts:\n- context:\n    cluster: default\n    namespace: default\n    user: default\n  name: default\ncurrent-context: default\nusers:\n- name: default\n  user:\n    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n"},
		map[string]string{"kubeadm.kubernetes.io/component-config.hash": "sha256:" + hashOf(c.name, "kube-proxy-config")})
	cm(originKubeadm, ks, "coredns", obj{"Corefile": ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30 {\n       disable success cluster.local\n       disable denial cluster.local\n    }\n    loop\n    reload\n    loadbalance\n}\n"}, nil)
	ca := c.caPEM()
	cm("API server", ks, "extension-apiserver-authentication", obj{"client-ca-file": ca, "requestheader-allowed-names": "[\"front-proxy-client\"]",
		"requestheader-client-ca-file": ca, "requestheader-extra-headers-prefix": "[\"X-Remote-Extra-\"]",
		"requestheader-group-headers": "[\"X-Remote-Group\"]", "requestheader-uid-headers": "[]", "requestheader-username-headers": "[\"X-Remote-User\"]"}, nil)
	cm("API server", ks, "kube-apiserver-legacy-service-account-token-tracking", obj{"since": "2025-05-20"}, nil)
	cm(originKubeadm, "kube-public", "cluster-info", obj{
		"kubeconfig": "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: " + base64.StdEncoding.EncodeToString([]byte(ca)) + "\n    server: https://" + cp.ip + ":6443\n  name: \"\"\ncontexts: null\ncurrent-context: \"\"\nkind: Config\npreferences: {}\nusers: null\n"}, nil)
	// The join token of `kubeadm token create`, still valid.
	id := suffix(6, c.name, "token-id")
	secret := c.plantCanary("BootstrapTokenSecret", "base64", "Secret kube-system/bootstrap-token-"+id+" data.token-secret", "bootstrap token secret (base64 in data)")
	c.add(originKubeadm, obj{"kind": "Secret", "type": "bootstrap.kubernetes.io/token", "metadata": meta(ks, "bootstrap-token-"+id, nil, nil),
		"data": obj{"auth-extra-groups": b64("system:bootstrappers:kubeadm:default-node-token"), "description": b64("Proxy for managing TTL for the kubeadm-certs secret"),
			"expiration": b64("2025-06-30T10:00:00Z"), "token-id": b64(id), "token-secret": b64(secret),
			"usage-bootstrap-authentication": b64("true"), "usage-bootstrap-signing": b64("true")}})
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// plantCanary makes a canary token, unique to this cluster and name, and
// records it.
func (c *cluster) plantCanary(name, encoding, where, form string) string {
	v := "KPCANARY" + strings.ToUpper(c.name[:1]) + name + strings.ToUpper(suffix(8, c.name, "canary", name))
	for _, x := range c.canary {
		if x.value == v {
			panic("canary planted twice: " + v)
		}
	}
	c.canary = append(c.canary, canaryRow{v, encoding, where, form})
	return v
}

// csr adds a CertificateSigningRequest with a real PKCS#10 request for
// the subject; approved ones carry the issued condition.
func (c *cluster) csr(origin, name, signer, requester string, groups []string, cn string, orgs []string, usages []string, approved bool, at time.Time) *object {
	key := detkey.RSAKey("kubeproof-snapshot-csr", 2048)
	der, err := x509.CreateCertificateRequest(detkey.NewStream("csr:"+name), &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: cn, Organization: orgs}}, key)
	if err != nil {
		panic(err)
	}
	life := 365 * 24 * time.Hour
	if signer == "kubernetes.io/kube-apiserver-client" {
		life = 24 * time.Hour
	}
	c.caPEM()
	cert, err := x509.CreateCertificate(detkey.NewStream("cert:"+name), &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes([]byte(hashOf(c.name, name)[:16])), Subject: pkix.Name{CommonName: cn, Organization: orgs},
		NotBefore: at.Add(time.Minute), NotAfter: at.Add(time.Minute + life), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, c.caCert, &key.PublicKey, c.caKey())
	if err != nil {
		panic(err)
	}
	req := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
	md := meta("", name, nil, nil)
	md["creationTimestamp"] = ts(at)
	spec := obj{"request": base64.StdEncoding.EncodeToString(req), "signerName": signer, "usages": list(usages...),
		"username": requester, "groups": list(append(groups, "system:authenticated")...)}
	if strings.HasPrefix(requester, "system:serviceaccount:") || strings.HasPrefix(requester, "system:node:") {
		spec["uid"] = uid(c.name, "user", requester)
	}
	if signer == "kubernetes.io/kube-apiserver-client" {
		spec["expirationSeconds"] = 86400
	}
	m := obj{"kind": "CertificateSigningRequest", "metadata": md, "spec": spec, "status": obj{}}
	if approved {
		m["status"] = obj{"conditions": []any{obj{"type": "Approved", "status": "True", "reason": "KubectlApprove",
			"message": "This CSR was approved by kubectl certificate approve.", "lastUpdateTime": ts(at.Add(time.Minute)),
			"lastTransitionTime": ts(at.Add(time.Minute))}},
			"certificate": base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert}))}
		if signer == "kubernetes.io/kube-apiserver-client-kubelet" {
			m["status"].(obj)["conditions"].([]any)[0].(obj)["reason"] = "AutoApproved"
			m["status"].(obj)["conditions"].([]any)[0].(obj)["message"] = "Auto approving self kubelet client certificate after SubjectAccessReview."
		}
	}
	return c.add(origin, m)
}
