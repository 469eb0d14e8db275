package main

// The static pod manifests kubeadm writes to /etc/kubernetes/manifests.
//
// Sources, at each release's tag of k8s.io/kubernetes:
//   - cmd/kubeadm/app/phases/controlplane/manifests.go: getAPIServerCommand,
//     getControllerManagerCommand, getSchedulerCommand, GetStaticPodSpecs
//     (probes, resources, annotations, ports);
//   - cmd/kubeadm/app/phases/controlplane/volumes.go: host path mounts;
//   - cmd/kubeadm/app/phases/etcd/local.go: GetEtcdPodSpec, getEtcdCommand;
//   - cmd/kubeadm/app/util/staticpod/utils.go: ComponentPod (priority class,
//     priority, seccomp profile), LivenessProbe/ReadinessProbe/StartupProbe
//     (delays, timeouts, thresholds), EtcdProbe (1.15);
//   - cmd/kubeadm/app/util/arguments.go: flags are "--name=value", sorted by
//     name (BuildArgumentListFromMap, ArgumentsToCommand from 1.31).
// kubeadm marshals the v1.Pod through JSON, so keys are sorted and empty
// values are left out.

import (
	"sort"
	"strings"
)

type arg struct{ name, value string }

func sortedArgs(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, "--"+k+"="+m[k])
	}
	return out
}

func apiserverArgs(n node) []string {
	m := n.v.minor
	a := map[string]string{
		"advertise-address":                  n.ip,
		"enable-admission-plugins":           "NodeRestriction",
		"service-cluster-ip-range":           "10.96.0.0/12",
		"service-account-key-file":           "/etc/kubernetes/pki/sa.pub",
		"client-ca-file":                     "/etc/kubernetes/pki/ca.crt",
		"tls-cert-file":                      "/etc/kubernetes/pki/apiserver.crt",
		"tls-private-key-file":               "/etc/kubernetes/pki/apiserver.key",
		"kubelet-client-certificate":         "/etc/kubernetes/pki/apiserver-kubelet-client.crt",
		"kubelet-client-key":                 "/etc/kubernetes/pki/apiserver-kubelet-client.key",
		"enable-bootstrap-token-auth":        "true",
		"secure-port":                        "6443",
		"allow-privileged":                   "true",
		"kubelet-preferred-address-types":    "InternalIP,ExternalIP,Hostname",
		"requestheader-username-headers":     "X-Remote-User",
		"requestheader-group-headers":        "X-Remote-Group",
		"requestheader-extra-headers-prefix": "X-Remote-Extra-",
		"requestheader-client-ca-file":       "/etc/kubernetes/pki/front-proxy-ca.crt",
		"requestheader-allowed-names":        "front-proxy-client",
		"proxy-client-cert-file":             "/etc/kubernetes/pki/front-proxy-client.crt",
		"proxy-client-key-file":              "/etc/kubernetes/pki/front-proxy-client.key",
		"etcd-servers":                       "https://127.0.0.1:2379",
		"etcd-cafile":                        "/etc/kubernetes/pki/etcd/ca.crt",
		"etcd-certfile":                      "/etc/kubernetes/pki/apiserver-etcd-client.crt",
		"etcd-keyfile":                       "/etc/kubernetes/pki/apiserver-etcd-client.key",
		// getAuthzModes: "Node,RBAC" unless the user asks otherwise.
		"authorization-mode": "Node,RBAC",
	}
	if m <= 20 {
		// "insecure-port": "0" is in the defaults up to 1.20; gone from 1.21
		// (the flag was removed from kube-apiserver in 1.24).
		a["insecure-port"] = "0"
	}
	if m >= 20 {
		// Service account token issuance flags, in the defaults from 1.20.
		a["service-account-signing-key-file"] = "/etc/kubernetes/pki/sa.key"
		a["service-account-issuer"] = "https://kubernetes.default.svc.cluster.local"
	}
	return append([]string{"kube-apiserver"}, sortedArgs(a)...)
}

func controllerManagerArgs(n node) []string {
	m := n.v.minor
	kc := "/etc/kubernetes/controller-manager.conf"
	a := map[string]string{
		"bind-address":                     "127.0.0.1",
		"leader-elect":                     "true",
		"kubeconfig":                       kc,
		"authentication-kubeconfig":        kc,
		"authorization-kubeconfig":         kc,
		"client-ca-file":                   "/etc/kubernetes/pki/ca.crt",
		"requestheader-client-ca-file":     "/etc/kubernetes/pki/front-proxy-ca.crt",
		"root-ca-file":                     "/etc/kubernetes/pki/ca.crt",
		"service-account-private-key-file": "/etc/kubernetes/pki/sa.key",
		"cluster-signing-cert-file":        "/etc/kubernetes/pki/ca.crt",
		"cluster-signing-key-file":         "/etc/kubernetes/pki/ca.key",
		"use-service-account-credentials":  "true",
		"controllers":                      "*,bootstrapsigner,tokencleaner",
		// With --pod-network-cidr: node CIDR allocation.
		"allocate-node-cidrs": "true",
		"cluster-cidr":        "10.244.0.0/16",
	}
	if m <= 18 {
		// calcNodeCidrSize: "24" for an IPv4 pod subnet; set up to 1.18
		// (1.18: when the IPv6DualStack gate is off, its default).
		a["node-cidr-mask-size"] = "24"
	}
	if m >= 18 {
		// With a pod subnet, from 1.18: the service range and the cluster name.
		a["service-cluster-ip-range"] = "10.96.0.0/12"
		a["cluster-name"] = "kubernetes"
	}
	if m >= 18 && m <= 20 {
		// "port": "0" (no insecure serving) in 1.18 to 1.20 only; 1.15 kept the
		// insecure port 10252, which its liveness probe uses.
		a["port"] = "0"
	}
	return append([]string{"kube-controller-manager"}, sortedArgs(a)...)
}

func schedulerArgs(n node) []string {
	m := n.v.minor
	kc := "/etc/kubernetes/scheduler.conf"
	a := map[string]string{
		"bind-address": "127.0.0.1",
		"leader-elect": "true",
		"kubeconfig":   kc,
	}
	if m >= 18 {
		a["authentication-kubeconfig"] = kc
		a["authorization-kubeconfig"] = kc
	}
	if m >= 18 && m <= 20 {
		a["port"] = "0"
	}
	return append([]string{"kube-scheduler"}, sortedArgs(a)...)
}

func etcdArgs(n node) []string {
	m := n.v.minor
	a := map[string]string{
		"name":                        n.name,
		"listen-client-urls":          "https://127.0.0.1:2379,https://" + n.ip + ":2379",
		"advertise-client-urls":       "https://" + n.ip + ":2379",
		"listen-peer-urls":            "https://" + n.ip + ":2380",
		"initial-advertise-peer-urls": "https://" + n.ip + ":2380",
		"data-dir":                    "/var/lib/etcd",
		"cert-file":                   "/etc/kubernetes/pki/etcd/server.crt",
		"key-file":                    "/etc/kubernetes/pki/etcd/server.key",
		"trusted-ca-file":             "/etc/kubernetes/pki/etcd/ca.crt",
		"client-cert-auth":            "true",
		"peer-cert-file":              "/etc/kubernetes/pki/etcd/peer.crt",
		"peer-key-file":               "/etc/kubernetes/pki/etcd/peer.key",
		"peer-trusted-ca-file":        "/etc/kubernetes/pki/etcd/ca.crt",
		"peer-client-cert-auth":       "true",
		"snapshot-count":              "10000",
		"initial-cluster":             n.name + "=https://" + n.ip + ":2380",
	}
	if m >= 18 {
		a["listen-metrics-urls"] = "http://127.0.0.1:2381"
	}
	switch {
	case strings.HasPrefix(n.v.etcd, "3.6."):
		// local.go at 1.35: with etcd 3.6.0 or later the graduated forms.
		a["feature-gates"] = "InitialCorruptCheck=true"
		a["watch-progress-notify-interval"] = "5s"
	case m >= 23:
		// In the defaults of the 1.22-1.24 patch releases on (v1.23.17 has it).
		a["experimental-initial-corrupt-check"] = "true"
		if m >= 25 {
			a["experimental-watch-progress-notify-interval"] = "5s"
		}
	}
	return append([]string{"etcd"}, sortedArgs(a)...)
}

// yw writes YAML lines.
type yw struct{ b strings.Builder }

func (w *yw) line(indent int, s string) {
	w.b.WriteString(strings.Repeat(" ", indent))
	w.b.WriteString(s)
	w.b.WriteByte('\n')
}

type probe struct {
	host, path, port, scheme string
	exec                     []string
	initialDelay, period     int
	timeout, failure         int
}

func (w *yw) probe(indent int, key string, p probe) {
	w.line(indent, key+":")
	i := indent + 2
	if p.exec != nil {
		w.line(i, "exec:")
		w.line(i+2, "command:")
		for _, c := range p.exec {
			w.line(i+2, "- "+c)
		}
	}
	w.line(i, "failureThreshold: "+itoa(p.failure))
	if p.exec == nil {
		w.line(i, "httpGet:")
		w.line(i+2, "host: "+p.host)
		w.line(i+2, "path: "+yamlString(p.path))
		w.line(i+2, "port: "+p.port)
		w.line(i+2, "scheme: "+p.scheme)
	}
	if p.initialDelay > 0 {
		w.line(i, "initialDelaySeconds: "+itoa(p.initialDelay))
	}
	if p.period > 0 {
		w.line(i, "periodSeconds: "+itoa(p.period))
	}
	w.line(i, "timeoutSeconds: "+itoa(p.timeout))
}

// yamlString quotes what YAML would not read as a plain string.
func yamlString(s string) string {
	if strings.ContainsAny(s, "?&*#") && !strings.HasPrefix(s, "/") || strings.Contains(s, ": ") {
		return "'" + s + "'"
	}
	return s
}

// probes of a component at a version (staticpod/utils.go).
func liveness(m int, host, path, port, scheme string) probe {
	if m < 20 {
		// 1.15-1.19: initialDelaySeconds 15, timeoutSeconds 15, failureThreshold 8.
		return probe{host: host, path: path, port: port, scheme: scheme, initialDelay: 15, timeout: 15, failure: 8}
	}
	// 1.20 on: createHTTPProbe(..., 10, 15, 8, 10).
	return probe{host: host, path: path, port: port, scheme: scheme, initialDelay: 10, period: 10, timeout: 15, failure: 8}
}

func readiness(host, path, port, scheme string) probe {
	// createHTTPProbe(..., 0, 15, 3, 1).
	return probe{host: host, path: path, port: port, scheme: scheme, period: 1, timeout: 15, failure: 3}
}

func startup(host, path, port, scheme string) probe {
	// period 10; failureThreshold = ceil(4m control-plane timeout / 10s) = 24.
	return probe{host: host, path: path, port: port, scheme: scheme, initialDelay: 10, period: 10, timeout: 15, failure: 24}
}

type mount struct {
	name, path, hostType string
	readOnly             bool
}

type container struct {
	name, image, cpu, memory string
	command                  []string
	env                      []string // NAME=VALUE
	liveness, readiness      *probe
	startup                  *probe
	probePort                int // 1.35: named container port "probe-port"
	mounts                   []mount
	volumes                  []mount // sorted by name (VolumeMapToSlice)
}

func podYAML(n node, c container, annotation string) string {
	m := n.v.minor
	w := &yw{}
	w.line(0, "apiVersion: v1")
	w.line(0, "kind: Pod")
	w.line(0, "metadata:")
	if annotation != "" && m >= 18 {
		// ComponentPod gained annotations in 1.18 (API server endpoint, etcd URLs).
		w.line(2, "annotations:")
		w.line(4, annotation)
	}
	if m < 34 {
		// Up to apimachinery 0.33 ObjectMeta.creationTimestamp has no
		// omitzero, so the zero time is written as null.
		w.line(2, "creationTimestamp: null")
	}
	w.line(2, "labels:")
	w.line(4, "component: "+c.name)
	w.line(4, "tier: control-plane")
	w.line(2, "name: "+c.name)
	w.line(2, "namespace: kube-system")
	w.line(0, "spec:")
	w.line(2, "containers:")
	w.line(2, "- command:")
	for _, a := range c.command {
		w.line(4, "- "+a)
	}
	if len(c.env) > 0 {
		w.line(4, "env:")
		for _, e := range c.env {
			k, v, _ := strings.Cut(e, "=")
			w.line(4, "- name: "+k)
			w.line(6, "value: "+quoteIfNeeded(v))
		}
	}
	w.line(4, "image: "+c.image)
	w.line(4, "imagePullPolicy: IfNotPresent")
	if c.liveness != nil {
		w.probe(4, "livenessProbe", *c.liveness)
	}
	w.line(4, "name: "+c.name)
	if c.probePort > 0 {
		w.line(4, "ports:")
		w.line(4, "- containerPort: "+itoa(c.probePort))
		w.line(6, "name: probe-port")
		w.line(6, "protocol: TCP")
	}
	if c.readiness != nil {
		w.probe(4, "readinessProbe", *c.readiness)
	}
	if c.cpu != "" {
		w.line(4, "resources:")
		w.line(6, "requests:")
		w.line(8, "cpu: "+c.cpu)
		if c.memory != "" {
			w.line(8, "memory: "+c.memory)
		}
	}
	if c.startup != nil {
		w.probe(4, "startupProbe", *c.startup)
	}
	w.line(4, "volumeMounts:")
	for _, v := range c.mounts {
		w.line(4, "- mountPath: "+v.path)
		w.line(6, "name: "+v.name)
		if v.readOnly {
			w.line(6, "readOnly: true")
		}
	}
	w.line(2, "hostNetwork: true")
	if m >= 25 {
		// ComponentPod sets Priority 2000001000 (system-node-critical) from 1.25.
		w.line(2, "priority: 2000001000")
	}
	if m >= 20 {
		w.line(2, "priorityClassName: system-node-critical")
	} else {
		w.line(2, "priorityClassName: system-cluster-critical")
	}
	if m >= 23 {
		// RuntimeDefault seccomp profile for the control plane pods (1.22 on).
		w.line(2, "securityContext:")
		w.line(4, "seccompProfile:")
		w.line(6, "type: RuntimeDefault")
	}
	w.line(2, "volumes:")
	for _, v := range c.volumes {
		w.line(2, "- hostPath:")
		w.line(6, "path: "+v.path)
		w.line(6, "type: "+v.hostType)
		w.line(4, "name: "+v.name)
	}
	w.line(0, "status: {}")
	return w.b.String()
}

func quoteIfNeeded(v string) string {
	if v == "true" || v == "false" || strings.Trim(v, "0123456789") == "" {
		return `"` + v + `"`
	}
	return v
}

// Host path mounts of the control plane on Ubuntu (volumes.go): /etc/ssl/certs
// always; of /etc/pki, /usr/share/ca-certificates,
// /usr/local/share/ca-certificates and /etc/ca-certificates those that exist
// (all but /etc/pki on Ubuntu).
var caMounts = []mount{
	{"ca-certs", "/etc/ssl/certs", "DirectoryOrCreate", true},
	{"etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate", true},
	{"usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", "DirectoryOrCreate", true},
	{"usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate", true},
}

func byName(ms []mount) []mount {
	out := append([]mount(nil), ms...)
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func image(v version, name string) string {
	return v.registry + "/" + name + ":" + v.release
}

func port(m, p int) string {
	if m >= 35 {
		// 1.35: probes name the container port "probe-port".
		return "probe-port"
	}
	return itoa(p)
}

func manifests(n node) map[string]string {
	v, m := n.v, n.v.minor
	pki := mount{"k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate", true}
	out := map[string]string{}

	// kube-apiserver
	api := container{name: "kube-apiserver", image: image(v, "kube-apiserver"), cpu: "250m", command: apiserverArgs(n)}
	api.mounts = byName(append([]mount{pki}, caMounts...))
	api.volumes = api.mounts
	ap := port(m, 6443)
	switch {
	case m < 18:
		l := liveness(m, n.ip, "/healthz", ap, "HTTPS")
		api.liveness = &l
	case m < 20:
		l := liveness(m, n.ip, "/healthz", ap, "HTTPS")
		api.liveness = &l
	default:
		l, r, s := liveness(m, n.ip, "/livez", ap, "HTTPS"), readiness(n.ip, "/readyz", ap, "HTTPS"), startup(n.ip, "/livez", ap, "HTTPS")
		api.liveness, api.readiness, api.startup = &l, &r, &s
	}
	if m >= 35 {
		api.probePort = 6443
	}
	out["kube-apiserver.yaml"] = podYAML(n, api, "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: "+n.ip+":6443")

	// kube-controller-manager
	kcm := container{name: "kube-controller-manager", image: image(v, "kube-controller-manager"), cpu: "200m", command: controllerManagerArgs(n)}
	kcm.mounts = byName(append([]mount{pki,
		{"kubeconfig", "/etc/kubernetes/controller-manager.conf", "FileOrCreate", true},
		{"flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", "DirectoryOrCreate", false},
	}, caMounts...))
	kcm.volumes = kcm.mounts
	if m < 18 {
		// 1.15: insecure port 10252 over HTTP.
		l := liveness(m, "127.0.0.1", "/healthz", "10252", "HTTP")
		kcm.liveness = &l
	} else {
		l := liveness(m, "127.0.0.1", "/healthz", port(m, 10257), "HTTPS")
		kcm.liveness = &l
		if m >= 20 {
			s := startup("127.0.0.1", "/healthz", port(m, 10257), "HTTPS")
			kcm.startup = &s
		}
	}
	if m >= 35 {
		kcm.probePort = 10257
	}
	out["kube-controller-manager.yaml"] = podYAML(n, kcm, "")

	// kube-scheduler
	sch := container{name: "kube-scheduler", image: image(v, "kube-scheduler"), cpu: "100m", command: schedulerArgs(n)}
	sch.mounts = []mount{{"kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate", true}}
	sch.volumes = sch.mounts
	switch {
	case m < 18:
		l := liveness(m, "127.0.0.1", "/healthz", "10251", "HTTP")
		sch.liveness = &l
	case m < 33:
		l := liveness(m, "127.0.0.1", "/healthz", port(m, 10259), "HTTPS")
		sch.liveness = &l
		if m >= 20 {
			s := startup("127.0.0.1", "/healthz", port(m, 10259), "HTTPS")
			sch.startup = &s
		}
	default:
		// 1.33 on: /livez and /readyz.
		p := port(m, 10259)
		l, r, s := liveness(m, "127.0.0.1", "/livez", p, "HTTPS"), readiness("127.0.0.1", "/readyz", p, "HTTPS"), startup("127.0.0.1", "/livez", p, "HTTPS")
		sch.liveness, sch.readiness, sch.startup = &l, &r, &s
	}
	if m >= 35 {
		sch.probePort = 10259
	}
	out["kube-scheduler.yaml"] = podYAML(n, sch, "")

	// etcd
	et := container{name: "etcd", image: v.registry + "/etcd:" + v.etcd, command: etcdArgs(n), env: v.etcdEnv}
	// Data first, then certificates, as GetEtcdPodSpec lists them.
	et.mounts = []mount{
		{"etcd-data", "/var/lib/etcd", "DirectoryOrCreate", false},
		{"etcd-certs", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate", false},
	}
	et.volumes = byName(et.mounts)
	if m >= 20 {
		et.cpu, et.memory = "100m", "100Mi"
	}
	ep := port(m, 2381)
	switch {
	case m < 18:
		// 1.15: an etcdctl exec probe with the healthcheck client certificate.
		l := liveness(m, "", "", "", "")
		l.exec = []string{"/bin/sh", "-ec", "ETCDCTL_API=3 etcdctl --endpoints=https://[127.0.0.1]:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key get foo"}
		et.liveness = &l
	case m < 25:
		l := liveness(m, "127.0.0.1", "/health", ep, "HTTP")
		et.liveness = &l
		if m >= 20 {
			s := startup("127.0.0.1", "/health", ep, "HTTP")
			et.startup = &s
		}
	case m < 31:
		l, s := liveness(m, "127.0.0.1", "/health?exclude=NOSPACE&serializable=true", ep, "HTTP"), startup("127.0.0.1", "/health?serializable=false", ep, "HTTP")
		et.liveness, et.startup = &l, &s
	default:
		l, r, s := liveness(m, "127.0.0.1", "/livez", ep, "HTTP"), readiness("127.0.0.1", "/readyz", ep, "HTTP"), startup("127.0.0.1", "/readyz", ep, "HTTP")
		et.liveness, et.readiness, et.startup = &l, &r, &s
	}
	if m >= 35 {
		et.probePort = 2381
	}
	out["etcd.yaml"] = podYAML(n, et, "kubeadm.kubernetes.io/etcd.advertise-client-urls: https://"+n.ip+":2379")
	return out
}
