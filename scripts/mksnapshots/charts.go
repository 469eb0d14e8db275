package main

import (
	"encoding/json"
	"time"
)

// Add-ons installed the way their projects document, with the objects and
// settings that section 5 reads (RBAC rules, pod and container security
// contexts, host namespaces, host paths and ports, ServiceAccounts,
// webhooks) as the releases named below ship them. Rules and fields no
// section-5 check reads are abbreviated. Sources:
//   - Calico v3.29.3, manifests/calico.yaml (docs.tigera.io, "Install
//     Calico networking and network policy for on-premises deployments");
//   - ingress-nginx Helm chart 4.12.1 (controller v1.12.1), values.yaml
//     and templates/ (github.com/kubernetes/ingress-nginx, charts/ingress-nginx);
//   - cert-manager Helm chart v1.16.3 (cert-manager.io/docs/installation/helm,
//     deploy/charts/cert-manager/templates/);
//   - metrics-server v0.7.2 components.yaml (github.com/kubernetes-sigs/metrics-server releases);
//   - Gatekeeper v3.18.2 deploy/gatekeeper.yaml (open-policy-agent.github.io/gatekeeper);
//   - prometheus-community charts prometheus-node-exporter 4.43.1 and
//     prometheus 27.5.1 (server only).

const (
	originCalico   = "manifest calico v3.29.3"
	originIngress  = "chart ingress-nginx 4.12.1"
	originCertMgr  = "chart cert-manager v1.16.3"
	originMetrics  = "manifest metrics-server v0.7.2"
	originGK       = "manifest gatekeeper v3.18.2"
	originNodeExp  = "chart prometheus-node-exporter 4.43.1"
	originPromServ = "chart prometheus 27.5.1"
)

// helm returns the labels and annotations Helm puts on what it installs.
func helm(chart, appVersion, release, ns, name, component string) (map[string]string, map[string]string) {
	l := map[string]string{"app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": chart,
		"app.kubernetes.io/instance": release, "app.kubernetes.io/name": name, "app.kubernetes.io/version": appVersion}
	if component != "" {
		l["app.kubernetes.io/component"] = component
	}
	return l, map[string]string{"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": ns}
}

// lastApplied sets the annotation `kubectl apply` leaves: the object as
// applied, compact JSON.
func lastApplied(o *object, applied obj) {
	data, _ := json.Marshal(applied)
	md := o.m["metadata"].(obj)
	ann, _ := md["annotations"].(obj)
	if ann == nil {
		ann = obj{}
		md["annotations"] = ann
	}
	ann["kubectl.kubernetes.io/last-applied-configuration"] = string(data) + "\n"
}

// appliedForm is an object as a manifest writes it: the printed object
// less what the API server adds.
func appliedForm(o *object) obj {
	out := obj{"apiVersion": o.m["apiVersion"], "kind": o.kind}
	md := o.m["metadata"].(obj)
	out["metadata"] = kv("name", md["name"], "namespace", md["namespace"], "labels", md["labels"], "annotations", obj{})
	for k, v := range o.m {
		switch k {
		case "apiVersion", "kind", "metadata", "status":
			continue
		}
		out[k] = v
	}
	return out
}

// applied adds the last-applied annotation to objects installed with
// `kubectl apply -f`.
func applied(os ...*object) {
	for _, o := range os {
		lastApplied(o, appliedForm(o))
	}
}

func (c *cluster) calico() {
	k, ks := originCalico, "kube-system"
	var made []*object
	add := func(o *object) { made = append(made, o) }
	add(c.serviceAccount(k, ks, "calico-kube-controllers", nil, nil, nil))
	add(c.serviceAccount(k, ks, "calico-node", nil, nil, nil))
	add(c.serviceAccount(k, ks, "calico-cni-plugin", nil, nil, nil))
	cfg := c.add(k, obj{"kind": "ConfigMap", "metadata": meta(ks, "calico-config", nil, nil), "data": obj{
		"calico_backend": "bird", "typha_service_name": "none", "veth_mtu": "0",
		"cni_network_config": "{\n  \"name\": \"k8s-pod-network\",\n  \"cniVersion\": \"0.3.1\",\n  \"plugins\": [\n    {\n      \"type\": \"calico\",\n      \"log_level\": \"info\",\n      \"datastore_type\": \"kubernetes\",\n      \"nodename\": \"__KUBERNETES_NODE_NAME__\",\n      \"mtu\": __CNI_MTU__,\n      \"ipam\": {\n          \"type\": \"calico-ipam\"\n      },\n      \"policy\": {\n          \"type\": \"k8s\"\n      },\n      \"kubernetes\": {\n          \"kubeconfig\": \"__KUBECONFIG_FILEPATH__\"\n      }\n    },\n    {\n      \"type\": \"portmap\",\n      \"snat\": true,\n      \"capabilities\": {\"portMappings\": true}\n    },\n    {\n      \"type\": \"bandwidth\",\n      \"capabilities\": {\"bandwidth\": true}\n    }\n  ]\n}"}})
	add(cfg)
	crd := "crd.projectcalico.org"
	add(c.addRole(k, roleDef{name: "calico-kube-controllers", rules: []rule{
		r("", "nodes", "watch,list,get"),
		r("", "pods", "get,list,watch"),
		r(crd, "ipreservations", "list"),
		r(crd, "blockaffinities,ipamblocks,ipamhandles,tiers", "get,list,create,update,delete,watch"),
		r(crd, "ippools", "list,watch"),
		r(crd, "hostendpoints", "get,list,create,update,delete"),
		r(crd, "clusterinformations", "get,list,create,update,watch"),
		r(crd, "kubecontrollersconfigurations", "get,create,list,update,watch"),
		r(crd, "tiers", "create")}}))
	add(c.addRole(k, roleDef{name: "calico-cni-plugin", rules: []rule{
		r("", "pods,nodes,namespaces", "get"),
		r("", "pods/status", "patch"),
		r(crd, "blockaffinities,ipamblocks,ipamhandles,clusterinformations,ippools,ipreservations,ipamconfigs", "get,list,create,update,delete")}}))
	add(c.addRole(k, roleDef{name: "calico-node", rules: []rule{
		rn("", "serviceaccounts/token", "create", "calico-cni-plugin"),
		r("", "pods,nodes,namespaces", "get"),
		r("discovery.k8s.io", "endpointslices", "watch,list"),
		r("", "endpoints,services", "watch,list,get"),
		r("", "configmaps", "get"),
		r("", "nodes/status", "patch,update"),
		r("networking.k8s.io", "networkpolicies", "watch,list"),
		r("policy.networking.k8s.io", "adminnetworkpolicies,baselineadminnetworkpolicies", "watch,list"),
		r("", "pods,namespaces,serviceaccounts", "list,watch"),
		r("", "pods/status", "patch"),
		r(crd, "globalfelixconfigs,felixconfigurations,bgppeers,bgpfilters,globalbgpconfigs,bgpconfigurations,ippools,ipreservations,ipamblocks,globalnetworkpolicies,stagedglobalnetworkpolicies,networkpolicies,stagednetworkpolicies,stagedkubernetesnetworkpolicies,globalnetworksets,networksets,clusterinformations,hostendpoints,blockaffinities,caliconodestatuses,tiers", "get,list,watch"),
		r(crd, "ippools,felixconfigurations,clusterinformations", "create,update"),
		r(crd, "caliconodestatuses", "update"),
		r("", "nodes", "get,list,watch"),
		r(crd, "bgpconfigurations,bgppeers", "create,update"),
		r(crd, "blockaffinities,ipamblocks,ipamhandles", "get,list,create,update,delete"),
		r(crd, "ipamconfigs", "get,create"),
		r(crd, "blockaffinities", "watch"),
		r("apps", "daemonsets", "get")}}))
	for _, n := range []string{"calico-kube-controllers", "calico-node", "calico-cni-plugin"} {
		add(c.addBinding(k, bindingDef{name: n, roleKind: "ClusterRole", role: n, subjects: []subject{sa(ks, n)}}))
	}
	hp := hostPathVol
	cniEnv := []obj{env("CNI_NET_DIR", "/etc/cni/net.d")}
	_ = cniEnv
	envFromSvc := []obj{{"configMapRef": obj{"name": "kubernetes-services-endpoint", "optional": true}}}
	image := func(n string) string { return "docker.io/calico/" + n + ":v3.29.3" }
	node := podTmpl{labels: map[string]string{"k8s-app": "calico-node"}, sa: "calico-node", hostNetwork: true,
		priorityClass: "system-node-critical", nodeSelector: map[string]string{"kubernetes.io/os": "linux"},
		tolerations: []obj{{"effect": "NoSchedule", "operator": "Exists"}, {"key": "CriticalAddonsOnly", "operator": "Exists"},
			{"effect": "NoExecute", "operator": "Exists"}},
		grace: intp(0),
		init: []ctr{
			{name: "upgrade-ipam", image: image("cni"), command: []string{"/opt/cni/bin/calico-ipam", "-upgrade"}, envFrom: envFromSvc,
				env:    []obj{envField("KUBERNETES_NODE_NAME", "spec.nodeName"), envConfigMap("CALICO_NETWORKING_BACKEND", "calico-config", "calico_backend")},
				mounts: []obj{mount("host-local-net-dir", "/var/lib/cni/networks", false), mount("cni-bin-dir", "/host/opt/cni/bin", false)},
				sc:     obj{"privileged": true}},
			{name: "install-cni", image: image("cni"), command: []string{"/opt/cni/bin/install"}, envFrom: envFromSvc,
				env: []obj{env("CNI_CONF_NAME", "10-calico.conflist"), envConfigMap("CNI_NETWORK_CONFIG", "calico-config", "cni_network_config"),
					envField("KUBERNETES_NODE_NAME", "spec.nodeName"), envConfigMap("CNI_MTU", "calico-config", "veth_mtu"), env("SLEEP", "false")},
				mounts: []obj{mount("cni-bin-dir", "/host/opt/cni/bin", false), mount("cni-net-dir", "/host/etc/cni/net.d", false)},
				sc:     obj{"privileged": true}},
			{name: "mount-bpffs", image: image("node"), command: []string{"calico-node", "-init", "-best-effort"},
				mounts: []obj{mount("sys-fs", "/sys/fs", false), mount("bpffs", "/sys/fs/bpf", false), mount("nodeproc", "/nodeproc", true)},
				sc:     obj{"privileged": true}},
		},
		containers: []ctr{{name: "calico-node", image: image("node"), envFrom: envFromSvc,
			env: []obj{env("DATASTORE_TYPE", "kubernetes"), env("WAIT_FOR_DATASTORE", "true"), envField("NODENAME", "spec.nodeName"),
				envConfigMap("CALICO_NETWORKING_BACKEND", "calico-config", "calico_backend"), env("CLUSTER_TYPE", "k8s,bgp"),
				env("IP", "autodetect"), env("CALICO_IPV4POOL_IPIP", "Always"), env("CALICO_IPV4POOL_VXLAN", "Never"),
				env("CALICO_IPV6POOL_VXLAN", "Never"), envConfigMap("FELIX_IPINIPMTU", "calico-config", "veth_mtu"),
				env("CALICO_IPV4POOL_CIDR", "10.244.0.0/16"), env("CALICO_DISABLE_FILE_LOGGING", "true"),
				env("FELIX_DEFAULTENDPOINTTOHOSTACTION", "ACCEPT"), env("FELIX_IPV6SUPPORT", "false"), env("FELIX_HEALTHENABLED", "true")},
			sc:        obj{"privileged": true},
			resources: obj{"requests": obj{"cpu": "250m"}},
			lifecycle: obj{"preStop": obj{"exec": obj{"command": list("/bin/calico-node", "-shutdown")}}},
			liveness:  execProbe([]string{"/bin/calico-node", "-felix-live", "-bird-live"}, "initialDelaySeconds", 10, "failureThreshold", 6, "timeoutSeconds", 10),
			ready:     execProbe([]string{"/bin/calico-node", "-felix-ready", "-bird-ready"}, "timeoutSeconds", 10),
			mounts: []obj{mount("cni-net-dir", "/host/etc/cni/net.d", false), mount("lib-modules", "/lib/modules", true),
				mount("xtables-lock", "/run/xtables.lock", false), mount("var-run-calico", "/var/run/calico", false),
				mount("var-lib-calico", "/var/lib/calico", false), mount("policysync", "/var/run/nodeagent", false),
				mount("bpffs", "/sys/fs/bpf", false), mount("cni-log-dir", "/var/log/calico/cni", true)}}},
		volumes: []obj{hp("lib-modules", "/lib/modules", ""), hp("var-run-calico", "/var/run/calico", "DirectoryOrCreate"),
			hp("var-lib-calico", "/var/lib/calico", "DirectoryOrCreate"), hp("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
			hp("sys-fs", "/sys/fs/", "DirectoryOrCreate"), hp("bpffs", "/sys/fs/bpf", "Directory"), hp("nodeproc", "/proc", ""),
			hp("cni-bin-dir", "/opt/cni/bin", "DirectoryOrCreate"), hp("cni-net-dir", "/etc/cni/net.d", ""),
			hp("cni-log-dir", "/var/log/calico/cni", ""), hp("host-local-net-dir", "/var/lib/cni/networks", ""),
			hp("policysync", "/var/run/nodeagent", "DirectoryOrCreate")}}
	w := c.daemonSet(k, ks, "calico-node", node)
	add(w.ctl)
	kc := podTmpl{labels: map[string]string{"k8s-app": "calico-kube-controllers"}, sa: "calico-kube-controllers",
		priorityClass: "system-cluster-critical", nodeSelector: map[string]string{"kubernetes.io/os": "linux"},
		tolerations: []obj{{"key": "CriticalAddonsOnly", "operator": "Exists"}, cpTaint},
		containers: []ctr{{name: "calico-kube-controllers", image: image("kube-controllers"),
			env:      []obj{env("ENABLED_CONTROLLERS", "node,loadbalancer"), env("DATASTORE_TYPE", "kubernetes")},
			liveness: execProbe([]string{"/usr/bin/check-status", "-l"}, "initialDelaySeconds", 10, "failureThreshold", 6, "timeoutSeconds", 10),
			ready:    execProbe([]string{"/usr/bin/check-status", "-r"}, "periodSeconds", 10)}}}
	w2 := c.deployment(k, ks, "calico-kube-controllers", 1, kc)
	w2.ctl.m["spec"].(obj)["strategy"] = obj{"type": "Recreate"}
	add(w2.ctl)
	applied(made...)
}

func intp(i int) *int { return &i }

// ingressNginx installs the chart; hardened runs the controller on
// unprivileged ports without the NET_BIND_SERVICE capability the chart
// adds by default, and sets the namespace's Pod Security labels.
func (c *cluster) ingressNginx(hardened bool) {
	k, ns := originIngress, "ingress-nginx"
	var nsl map[string]string
	if hardened {
		nsl = psa("restricted")
	}
	c.namespace("helm --create-namespace", ns, nsl, nil)
	if hardened {
		c.get("ServiceAccount", ns, "default").m["automountServiceAccountToken"] = false
	}
	l := func(component string) (map[string]string, map[string]string) {
		return helm("ingress-nginx-4.12.1", "1.12.1", "ingress-nginx", ns, "ingress-nginx", component)
	}
	cl, ca := l("controller")
	al, aa := l("admission-webhook")
	c.serviceAccount(k, ns, "ingress-nginx", bptr(true), cl, ca)
	c.serviceAccount(k, ns, "ingress-nginx-admission", bptr(true), al, aa)
	c.add(k, obj{"kind": "ConfigMap", "metadata": meta(ns, "ingress-nginx-controller", cl, ca), "data": obj{"allow-snippet-annotations": "false"}})
	ro := "get,list,watch"
	c.addRole(k, roleDef{name: "ingress-nginx", labels: cl, ann: ca, rules: []rule{
		r("", "configmaps,endpoints,nodes,pods,secrets,namespaces", "list,watch"),
		r("coordination.k8s.io", "leases", "list,watch"),
		r("", "nodes", "get"),
		r("", "services", ro),
		r("networking.k8s.io", "ingresses", ro),
		r("", "events", "create,patch"),
		r("networking.k8s.io", "ingresses/status", "update"),
		r("networking.k8s.io", "ingressclasses", ro),
		r("discovery.k8s.io", "endpointslices", "list,watch,get")}})
	c.addRole(k, roleDef{ns: ns, name: "ingress-nginx", labels: cl, ann: ca, rules: []rule{
		r("", "namespaces", "get"),
		r("", "configmaps,pods,secrets,endpoints", ro),
		r("", "services", ro),
		r("networking.k8s.io", "ingresses", ro),
		r("networking.k8s.io", "ingresses/status", "update"),
		r("networking.k8s.io", "ingressclasses", ro),
		rn("coordination.k8s.io", "leases", "get,update", "ingress-nginx-leader"),
		r("coordination.k8s.io", "leases", "create"),
		r("", "events", "create,patch"),
		r("discovery.k8s.io", "endpointslices", "list,watch,get")}})
	c.addRole(k, roleDef{name: "ingress-nginx-admission", labels: al, ann: aa, rules: []rule{
		r("admissionregistration.k8s.io", "validatingwebhookconfigurations", "get,update")}})
	c.addRole(k, roleDef{ns: ns, name: "ingress-nginx-admission", labels: al, ann: aa, rules: []rule{
		r("", "secrets", "get,create")}})
	c.addBinding(k, bindingDef{name: "ingress-nginx", labels: cl, ann: ca, roleKind: "ClusterRole", role: "ingress-nginx", subjects: []subject{sa(ns, "ingress-nginx")}})
	c.addBinding(k, bindingDef{ns: ns, name: "ingress-nginx", labels: cl, ann: ca, roleKind: "Role", role: "ingress-nginx", subjects: []subject{sa(ns, "ingress-nginx")}})
	c.addBinding(k, bindingDef{name: "ingress-nginx-admission", labels: al, ann: aa, roleKind: "ClusterRole", role: "ingress-nginx-admission", subjects: []subject{sa(ns, "ingress-nginx-admission")}})
	c.addBinding(k, bindingDef{ns: ns, name: "ingress-nginx-admission", labels: al, ann: aa, roleKind: "Role", role: "ingress-nginx-admission", subjects: []subject{sa(ns, "ingress-nginx-admission")}})

	httpPort, httpsPort, hookPort := 80, 443, 8443
	caps := obj{"add": list("NET_BIND_SERVICE"), "drop": list("ALL")}
	args := []string{"/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller", "--election-id=ingress-nginx-leader",
		"--controller-class=k8s.io/ingress-nginx", "--ingress-class=nginx", "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller"}
	replicas := 1
	if hardened {
		httpPort, httpsPort, hookPort = 8080, 8443, 8444
		caps = obj{"drop": list("ALL")}
		args = append(args, "--http-port=8080", "--https-port=8443")
		replicas = 2
	}
	args = append(args, "--validating-webhook=:"+itoa(hookPort), "--validating-webhook-certificate=/usr/local/certificates/cert",
		"--validating-webhook-key=/usr/local/certificates/key")
	sel := map[string]string{"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx"}
	t := podTmpl{labels: merge(cl, sel), sa: "ingress-nginx", nodeSelector: map[string]string{"kubernetes.io/os": "linux"}, grace: intp(300),
		volumes: []obj{secretVol("webhook-cert", "ingress-nginx-admission")},
		containers: []ctr{{name: "controller", image: "registry.k8s.io/ingress-nginx/controller:v1.12.1@sha256:d2fbc4ec70d8aa2050dd91a91506e998765e86c96f32cffb56c503c9c34eed5b",
			args: args,
			env: []obj{envField("POD_NAME", "metadata.name"), envField("POD_NAMESPACE", "metadata.namespace"),
				env("LD_PRELOAD", "/usr/local/lib/libmimalloc.so")},
			ports:     []obj{port("http", httpPort, "TCP"), port("https", httpsPort, "TCP"), port("webhook", hookPort, "TCP")},
			resources: res("100m", "90Mi", "", ""),
			lifecycle: obj{"preStop": obj{"exec": obj{"command": list("/wait-shutdown")}}},
			liveness:  httpProbe("/healthz", 10254, "HTTP", "initialDelaySeconds", 10, "failureThreshold", 5),
			ready:     httpProbe("/healthz", 10254, "HTTP", "initialDelaySeconds", 10),
			mounts:    []obj{mount("webhook-cert", "/usr/local/certificates/", true)},
			sc: obj{"allowPrivilegeEscalation": false, "capabilities": caps, "readOnlyRootFilesystem": false,
				"runAsGroup": 82, "runAsNonRoot": true, "runAsUser": 101, "seccompProfile": obj{"type": "RuntimeDefault"}}}}}
	c.deployment(k, ns, "ingress-nginx-controller", replicas, t, nil, ca)
	c.service(k, ns, "ingress-nginx-controller", cl, sel, []obj{{"name": "http", "port": 80, "targetPort": "http", "appProtocol": "http"},
		{"name": "https", "port": 443, "targetPort": "https", "appProtocol": "https"}}, "LoadBalancer")
	c.service(k, ns, "ingress-nginx-controller-admission", cl, sel, []obj{{"name": "https-webhook", "port": 443, "targetPort": "webhook", "appProtocol": "https"}}, "")
	key := c.plantCanary("IngressAdmissionKey", "base64", "Secret ingress-nginx/ingress-nginx-admission data.key", "webhook TLS private key (base64 in data)")
	c.add("ingress-nginx-admission-create job", obj{"kind": "Secret", "type": "Opaque", "metadata": meta(ns, "ingress-nginx-admission", nil, nil),
		"data": obj{"ca": b64(c.caPEM()), "cert": b64(c.caPEM()), "key": b64(fakePEM("EC PRIVATE KEY", key))}})
	c.helmRelease(ns, "ingress-nginx", "IngressHelmRelease")
	c.add(k, obj{"kind": "ValidatingWebhookConfiguration", "metadata": meta("", "ingress-nginx-admission", al, aa),
		"webhooks": []any{obj{"name": "validate.nginx.ingress.kubernetes.io", "admissionReviewVersions": list("v1"),
			"clientConfig": obj{"caBundle": b64(c.caPEM()), "service": obj{"name": "ingress-nginx-controller-admission", "namespace": ns,
				"path": "/networking/v1/ingresses", "port": 443}},
			"failurePolicy": "Fail", "matchPolicy": "Equivalent", "namespaceSelector": obj{}, "objectSelector": obj{},
			"rules": []any{obj{"apiGroups": list("networking.k8s.io"), "apiVersions": list("v1"), "operations": list("CREATE", "UPDATE"),
				"resources": list("ingresses"), "scope": "*"}},
			"sideEffects": "None", "timeoutSeconds": 10}}})
}

// fakePEM is a PEM block whose body is the canary (its characters are
// base64's) and filler: not a real key.
func fakePEM(label, canary string) string {
	return "-----BEGIN " + label + "-----\n" + canary + hashOf(canary)[:64-len(canary)%64] + "\n-----END " + label + "-----\n"
}

// helmRelease adds the Secret where Helm 3 stores a release.
func (c *cluster) helmRelease(ns, release, canaryName string) {
	v := c.plantCanary(canaryName, "base64", "Secret "+ns+"/sh.helm.release.v1."+release+".v1 data.release", "Helm release (values and manifest; base64 in data)")
	c.add("helm", obj{"kind": "Secret", "type": "helm.sh/release.v1",
		"metadata": meta(ns, "sh.helm.release.v1."+release+".v1", map[string]string{"name": release, "owner": "helm", "status": "deployed", "version": "1"}, nil),
		"data":     obj{"release": b64("H4sIAAAAAAAC/" + v + hashOf(release)[:40])}})
}

func (c *cluster) certManager(hardened bool) {
	k, ns := originCertMgr, "cert-manager"
	var nsl map[string]string
	if hardened {
		nsl = psa("restricted")
	}
	c.namespace("helm --create-namespace", ns, nsl, bptr(false))
	c.get("ServiceAccount", ns, "default").origin = "service account controller"
	h := func(name, component string) (map[string]string, map[string]string) {
		return helm("cert-manager-v1.16.3", "v1.16.3", "cert-manager", ns, name, component)
	}
	cl, ca := h("cert-manager", "controller")
	il, ia := h("cainjector", "cainjector")
	wl, wa := h("webhook", "webhook")
	c.serviceAccount(k, ns, "cert-manager", bptr(true), cl, ca)
	c.serviceAccount(k, ns, "cert-manager-cainjector", bptr(true), il, ia)
	c.serviceAccount(k, ns, "cert-manager-webhook", bptr(true), wl, wa)
	ro := "get,list,watch"
	cm := "cert-manager.io"
	acme := "acme.cert-manager.io"
	role := func(name string, l, a map[string]string, rules ...rule) {
		c.addRole(k, roleDef{name: name, labels: l, ann: a, rules: rules})
	}
	role("cert-manager-cainjector", il, ia,
		r(cm, "certificates", ro),
		r("", "secrets", ro),
		r("", "events", "get,create,update,patch"),
		r("admissionregistration.k8s.io", "validatingwebhookconfigurations,mutatingwebhookconfigurations", "get,list,watch,update,patch"),
		r("apiregistration.k8s.io", "apiservices", "get,list,watch,update,patch"),
		r("apiextensions.k8s.io", "customresourcedefinitions", "get,list,watch,update,patch"))
	role("cert-manager-controller-issuers", cl, ca,
		r(cm, "issuers,issuers/status", "update,patch"),
		r(cm, "issuers", ro),
		r("", "secrets", "get,list,watch,create,update,delete"),
		r("", "events", "create,patch"))
	role("cert-manager-controller-clusterissuers", cl, ca,
		r(cm, "clusterissuers,clusterissuers/status", "update,patch"),
		r(cm, "clusterissuers", ro),
		r("", "secrets", "get,list,watch,create,update,delete"),
		r("", "events", "create,patch"))
	role("cert-manager-controller-certificates", cl, ca,
		r(cm, "certificates,certificates/status,certificaterequests,certificaterequests/status", "update,patch"),
		r(cm, "certificates,certificaterequests,clusterissuers,issuers", ro),
		r(cm, "certificates/finalizers,certificaterequests/finalizers", "update"),
		r(acme, "orders", "create,delete,get,list,watch"),
		r("", "secrets", "get,list,watch,create,update,delete,patch"),
		r("", "events", "create,patch"))
	role("cert-manager-controller-orders", cl, ca,
		r(acme, "orders,orders/status", "update,patch"),
		r(acme, "orders,challenges", ro),
		r(cm, "clusterissuers,issuers", ro),
		r(acme, "challenges", "create,delete"),
		r(acme, "orders/finalizers", "update"),
		r("", "secrets", ro),
		r("", "events", "create,patch"))
	role("cert-manager-controller-challenges", cl, ca,
		r(acme, "challenges,challenges/status", "update,patch"),
		r(acme, "challenges", ro),
		r(cm, "issuers,clusterissuers", ro),
		r("", "secrets", ro),
		r("", "events", "create,patch"),
		r("", "pods,services", "get,list,watch,create,delete"),
		r("networking.k8s.io", "ingresses", "get,list,watch,create,delete,update"),
		r("gateway.networking.k8s.io", "httproutes", "get,list,watch,create,delete,update"),
		r("route.openshift.io", "routes/custom-host", "create"),
		r(acme, "challenges/finalizers", "update"))
	role("cert-manager-controller-ingress-shim", cl, ca,
		r(cm, "certificates,certificaterequests", "create,update,delete"),
		r(cm, "certificates,certificaterequests,issuers,clusterissuers", ro),
		r("networking.k8s.io", "ingresses", ro),
		r("networking.k8s.io", "ingresses/finalizers", "update"),
		r("gateway.networking.k8s.io", "gateways,httproutes", ro),
		r("gateway.networking.k8s.io", "gateways/finalizers,httproutes/finalizers", "update"),
		r("", "events", "create,patch"))
	role("cert-manager-cluster-view", merge(cl, map[string]string{"rbac.authorization.k8s.io/aggregate-to-cluster-reader": "true"}), ca,
		r(cm, "clusterissuers", ro))
	role("cert-manager-view", merge(cl, map[string]string{aggView: "true", aggEdit: "true", aggAdmin: "true", "rbac.authorization.k8s.io/aggregate-to-cluster-reader": "true"}), ca,
		r(cm, "certificates,certificaterequests,issuers", ro),
		r(acme, "challenges,orders", ro))
	role("cert-manager-edit", merge(cl, map[string]string{aggEdit: "true", aggAdmin: "true"}), ca,
		r(cm, "certificates,certificaterequests,issuers", "create,delete,deletecollection,patch,update"),
		r(cm, "certificates/status", "update"),
		r(acme, "challenges,orders", "create,delete,deletecollection,patch,update"))
	role("cert-manager-controller-approve:cert-manager-io", cl, ca,
		rn(cm, "signers", "approve", "issuers.cert-manager.io/*,clusterissuers.cert-manager.io/*"))
	role("cert-manager-controller-certificatesigningrequests", cl, ca,
		r("certificates.k8s.io", "certificatesigningrequests", "get,list,watch,update"),
		r("certificates.k8s.io", "certificatesigningrequests/status", "update,patch"),
		rn("certificates.k8s.io", "signers", "sign", "issuers.cert-manager.io/*,clusterissuers.cert-manager.io/*"),
		r("authorization.k8s.io", "subjectaccessreviews", "create"))
	role("cert-manager-webhook:subjectaccessreviews", wl, wa, r("authorization.k8s.io", "subjectaccessreviews", "create"))
	crb := func(name, role string, l, a map[string]string, s subject) {
		c.addBinding(k, bindingDef{name: name, labels: l, ann: a, roleKind: "ClusterRole", role: role, subjects: []subject{s}})
	}
	crb("cert-manager-cainjector", "cert-manager-cainjector", il, ia, sa(ns, "cert-manager-cainjector"))
	for _, n := range []string{"issuers", "clusterissuers", "certificates", "orders", "challenges", "ingress-shim",
		"approve:cert-manager-io", "certificatesigningrequests"} {
		crb("cert-manager-controller-"+n, "cert-manager-controller-"+n, cl, ca, sa(ns, "cert-manager"))
	}
	crb("cert-manager-webhook:subjectaccessreviews", "cert-manager-webhook:subjectaccessreviews", wl, wa, sa(ns, "cert-manager-webhook"))
	lease := r("coordination.k8s.io", "leases", "get,create,update,patch")
	c.addRole(k, roleDef{ns: "kube-system", name: "cert-manager-cainjector:leaderelection", labels: il, ann: ia, rules: []rule{
		rn("coordination.k8s.io", "leases", "get,update,patch", "cert-manager-cainjector-leader-election,cert-manager-cainjector-leader-election-core"),
		r("coordination.k8s.io", "leases", "create")}})
	c.addRole(k, roleDef{ns: "kube-system", name: "cert-manager:leaderelection", labels: cl, ann: ca, rules: []rule{
		rn("coordination.k8s.io", "leases", "get,update,patch", "cert-manager-controller"),
		r("coordination.k8s.io", "leases", "create")}})
	_ = lease
	c.addRole(k, roleDef{ns: ns, name: "cert-manager-tokenrequest", labels: cl, ann: ca, rules: []rule{
		rn("", "serviceaccounts/token", "create", "cert-manager")}})
	c.addRole(k, roleDef{ns: ns, name: "cert-manager-webhook:dynamic-serving", labels: wl, ann: wa, rules: []rule{
		rn("", "secrets", "get,list,watch,update", "cert-manager-webhook-ca"),
		r("", "secrets", "create")}})
	rb := func(bns, name, role string, l, a map[string]string, s subject) {
		c.addBinding(k, bindingDef{ns: bns, name: name, labels: l, ann: a, roleKind: "Role", role: role, subjects: []subject{s}})
	}
	rb("kube-system", "cert-manager-cainjector:leaderelection", "cert-manager-cainjector:leaderelection", il, ia, sa(ns, "cert-manager-cainjector"))
	rb("kube-system", "cert-manager:leaderelection", "cert-manager:leaderelection", cl, ca, sa(ns, "cert-manager"))
	rb(ns, "cert-manager-cert-manager-tokenrequest", "cert-manager-tokenrequest", cl, ca, sa(ns, "cert-manager"))
	rb(ns, "cert-manager-webhook:dynamic-serving", "cert-manager-webhook:dynamic-serving", wl, wa, sa(ns, "cert-manager-webhook"))

	podSC := obj{"runAsNonRoot": true, "seccompProfile": obj{"type": "RuntimeDefault"}}
	ctrSC := obj{"allowPrivilegeEscalation": false, "capabilities": obj{"drop": list("ALL")}, "readOnlyRootFilesystem": true}
	dep := func(name, image string, l, a map[string]string, component string, args []string, ports []obj, probes ...obj) {
		sel := map[string]string{"app.kubernetes.io/component": component, "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/name": name}
		x := ctr{name: "cert-manager-" + component, image: "quay.io/jetstack/cert-manager-" + image + ":v1.16.3", args: args, ports: ports, sc: ctrSC,
			env: []obj{envField("POD_NAMESPACE", "metadata.namespace")}}
		if component == "controller" {
			x.name = "cert-manager-controller"
		}
		if len(probes) > 0 {
			x.liveness = probes[0]
		}
		if len(probes) > 1 {
			x.ready = probes[1]
		}
		saName := "cert-manager"
		if component != "controller" {
			saName = "cert-manager-" + component
		}
		depName := "cert-manager"
		if component != "controller" {
			depName = "cert-manager-" + component
		}
		t := podTmpl{labels: merge(l, sel), ann: map[string]string{"prometheus.io/path": "/metrics", "prometheus.io/port": "9402", "prometheus.io/scrape": "true"},
			sa: saName, sc: podSC, nodeSelector: map[string]string{"kubernetes.io/os": "linux"}, enableLinks: bptr(false),
			containers: []ctr{x}}
		if component == "webhook" {
			t.ann = nil
		}
		c.deployment(k, ns, depName, 1, t, nil, a)
	}
	dep("cert-manager", "controller", cl, ca, "controller",
		[]string{"--v=2", "--cluster-resource-namespace=$(POD_NAMESPACE)", "--leader-election-namespace=kube-system",
			"--acme-http01-solver-image=quay.io/jetstack/cert-manager-acmesolver:v1.16.3", "--max-concurrent-challenges=60"},
		[]obj{port("http-metrics", 9402, "TCP"), port("http-healthz", 9403, "TCP")},
		httpProbe("/livez", "http-healthz", "HTTP", "initialDelaySeconds", 10, "timeoutSeconds", 15, "failureThreshold", 8))
	dep("cainjector", "cainjector", il, ia, "cainjector", []string{"--v=2", "--leader-election-namespace=kube-system"},
		[]obj{port("http-metrics", 9402, "TCP")})
	dep("webhook", "webhook", wl, wa, "webhook",
		[]string{"--v=2", "--secure-port=10250", "--dynamic-serving-ca-secret-namespace=$(POD_NAMESPACE)",
			"--dynamic-serving-ca-secret-name=cert-manager-webhook-ca",
			"--dynamic-serving-dns-names=cert-manager-webhook,cert-manager-webhook.$(POD_NAMESPACE),cert-manager-webhook.$(POD_NAMESPACE).svc"},
		[]obj{port("https", 10250, "TCP"), port("healthcheck", 6080, "TCP"), port("http-metrics", 9402, "TCP")},
		httpProbe("/livez", "healthcheck", "HTTP", "initialDelaySeconds", 60, "periodSeconds", 10),
		httpProbe("/healthz", "healthcheck", "HTTP", "initialDelaySeconds", 5, "periodSeconds", 5))
	sel := func(name, component string) map[string]string {
		return map[string]string{"app.kubernetes.io/component": component, "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/name": name}
	}
	c.service(k, ns, "cert-manager", cl, sel("cert-manager", "controller"), []obj{{"name": "tcp-prometheus-servicemonitor", "port": 9402, "targetPort": "http-metrics"}}, "")
	c.service(k, ns, "cert-manager-cainjector", il, sel("cainjector", "cainjector"), []obj{{"name": "http-metrics", "port": 9402}}, "")
	c.service(k, ns, "cert-manager-webhook", wl, sel("webhook", "webhook"), []obj{{"name": "https", "port": 443, "targetPort": "https"},
		{"name": "metrics", "port": 9402, "targetPort": "http-metrics"}}, "")
	key := c.plantCanary("CertManagerWebhookCAKey", "base64", "Secret cert-manager/cert-manager-webhook-ca data.tls.key", "webhook CA private key (base64 in data)")
	c.add("cert-manager-webhook", obj{"kind": "Secret", "type": "kubernetes.io/tls",
		"metadata": meta(ns, "cert-manager-webhook-ca", nil, map[string]string{"cert-manager.io/allow-direct-injection": "true"}),
		"data":     obj{"ca.crt": b64(c.caPEM()), "tls.crt": b64(c.caPEM()), "tls.key": b64(fakePEM("EC PRIVATE KEY", key))}})
	c.helmRelease(ns, "cert-manager", "CertManagerHelmRelease")
	hook := func(kind, name string, rules []any) {
		c.add(k, obj{"kind": kind, "metadata": meta("", "cert-manager-webhook", wl, merge(wa, map[string]string{"cert-manager.io/inject-ca-from-secret": "cert-manager/cert-manager-webhook-ca"})),
			"webhooks": []any{obj{"name": name, "admissionReviewVersions": list("v1"),
				"clientConfig":  obj{"caBundle": b64(c.caPEM()), "service": obj{"name": "cert-manager-webhook", "namespace": ns, "path": "/" + map[string]string{"ValidatingWebhookConfiguration": "validate", "MutatingWebhookConfiguration": "mutate"}[kind], "port": 443}},
				"failurePolicy": "Fail", "matchPolicy": "Equivalent",
				"namespaceSelector": obj{"matchExpressions": []any{obj{"key": "cert-manager.io/disable-validation", "operator": "NotIn", "values": list("true")}}},
				"objectSelector":    obj{}, "rules": rules, "sideEffects": "None", "timeoutSeconds": 30}}})
	}
	hook("ValidatingWebhookConfiguration", "webhook.cert-manager.io", []any{obj{"apiGroups": list("cert-manager.io", "acme.cert-manager.io"),
		"apiVersions": list("v1"), "operations": list("CREATE", "UPDATE"), "resources": list("*/*"), "scope": "*"}})
	hook("MutatingWebhookConfiguration", "webhook.cert-manager.io", []any{obj{"apiGroups": list("cert-manager.io"),
		"apiVersions": list("v1"), "operations": list("CREATE"), "resources": list("certificaterequests"), "scope": "*"}})
}

func (c *cluster) metricsServer() {
	k, ks := originMetrics, "kube-system"
	l := map[string]string{"k8s-app": "metrics-server"}
	var made []*object
	made = append(made, c.serviceAccount(k, ks, "metrics-server", nil, l, nil))
	made = append(made, c.addRole(k, roleDef{name: "system:aggregated-metrics-reader",
		labels: merge(l, map[string]string{aggAdmin: "true", aggEdit: "true", aggView: "true"}),
		rules:  []rule{r("metrics.k8s.io", "pods,nodes", "get,list,watch")}}))
	made = append(made, c.addRole(k, roleDef{name: "system:metrics-server", labels: l, rules: []rule{
		r("", "nodes/metrics", "get"), r("", "pods,nodes", "get,list,watch")}}))
	made = append(made, c.addBinding(k, bindingDef{ns: ks, name: "metrics-server-auth-reader", labels: l, roleKind: "Role",
		role: "extension-apiserver-authentication-reader", subjects: []subject{sa(ks, "metrics-server")}}))
	made = append(made, c.addBinding(k, bindingDef{name: "metrics-server:system:auth-delegator", labels: l, roleKind: "ClusterRole",
		role: "system:auth-delegator", subjects: []subject{sa(ks, "metrics-server")}}))
	made = append(made, c.addBinding(k, bindingDef{name: "system:metrics-server", labels: l, roleKind: "ClusterRole",
		role: "system:metrics-server", subjects: []subject{sa(ks, "metrics-server")}}))
	made = append(made, c.service(k, ks, "metrics-server", l, l, []obj{{"name": "https", "port": 443, "targetPort": "https", "appProtocol": "https"}}, ""))
	t := podTmpl{labels: l, sa: "metrics-server", priorityClass: "system-cluster-critical", nodeSelector: map[string]string{"kubernetes.io/os": "linux"},
		volumes: []obj{emptyDirVol("tmp-dir")},
		containers: []ctr{{name: "metrics-server", image: "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
			args: []string{"--cert-dir=/tmp", "--secure-port=10250", "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
				"--kubelet-use-node-status-port", "--metric-resolution=15s"},
			ports:     []obj{port("https", 10250, "TCP")},
			resources: res("100m", "200Mi", "", ""),
			liveness:  httpProbe("/livez", "https", "HTTPS", "periodSeconds", 10, "failureThreshold", 3),
			ready:     httpProbe("/readyz", "https", "HTTPS", "initialDelaySeconds", 20, "periodSeconds", 10, "failureThreshold", 3),
			mounts:    []obj{mount("tmp-dir", "/tmp", false)},
			sc: obj{"allowPrivilegeEscalation": false, "capabilities": obj{"drop": list("ALL")}, "readOnlyRootFilesystem": true,
				"runAsNonRoot": true, "runAsUser": 1000, "seccompProfile": obj{"type": "RuntimeDefault"}}}}}
	w := c.deployment(k, ks, "metrics-server", 1, t, nil)
	w.ctl.m["spec"].(obj)["strategy"] = obj{"type": "RollingUpdate", "rollingUpdate": obj{"maxUnavailable": 0, "maxSurge": "25%"}}
	made = append(made, w.ctl)
	applied(made...)
}

// gatekeeper installs OPA Gatekeeper from its release manifest: a
// validating admission webhook for every namespace not labelled
// admission.gatekeeper.sh/ignore.
func (c *cluster) gatekeeper() {
	k, ns := originGK, "gatekeeper-system"
	var made []*object
	made = append(made, c.namespace(k, ns, merge(map[string]string{"admission.gatekeeper.sh/ignore": "no-self-managing",
		"control-plane": "controller-manager", "gatekeeper.sh/system": "yes",
		"pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/audit-version": "latest",
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.24",
		"pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/warn-version": "latest"}), nil))
	l := map[string]string{"gatekeeper.sh/system": "yes"}
	made = append(made, c.serviceAccount(k, ns, "gatekeeper-admin", nil, l, nil))
	made = append(made, c.addRole(k, roleDef{ns: ns, name: "gatekeeper-manager-role", labels: l, rules: []rule{
		r("", "events", "create,patch"),
		r("", "secrets", "create,delete,get,list,patch,update,watch")}}))
	made = append(made, c.addRole(k, roleDef{name: "gatekeeper-manager-role", labels: l, rules: []rule{
		r("", "events", "create,patch"),
		r("", "namespaces", "get,list,watch"),
		r("*", "*", "get,list,watch"),
		r("admissionregistration.k8s.io", "mutatingwebhookconfigurations,validatingwebhookconfigurations", "create,delete,get,list,patch,update,watch"),
		r("admissionregistration.k8s.io", "validatingadmissionpolicies,validatingadmissionpolicybindings", "create,delete,get,list,patch,update,watch"),
		r("apiextensions.k8s.io", "customresourcedefinitions", "create,delete,get,list,patch,update,watch"),
		r("config.gatekeeper.sh", "configs,configs/status", "create,delete,get,list,patch,update,watch"),
		r("constraints.gatekeeper.sh", "*", "create,delete,get,list,patch,update,watch"),
		r("expansion.gatekeeper.sh", "*", "create,delete,get,list,patch,update,watch"),
		r("externaldata.gatekeeper.sh", "providers", "create,delete,get,list,patch,update,watch"),
		r("mutations.gatekeeper.sh", "*", "create,delete,get,list,patch,update,watch"),
		r("status.gatekeeper.sh", "*", "create,delete,get,list,patch,update,watch"),
		r("templates.gatekeeper.sh", "constrainttemplates,constrainttemplates/finalizers,constrainttemplates/status", "create,delete,get,list,patch,update,watch")}}))
	made = append(made, c.addBinding(k, bindingDef{ns: ns, name: "gatekeeper-manager-rolebinding", labels: l, roleKind: "Role",
		role: "gatekeeper-manager-role", subjects: []subject{sa(ns, "gatekeeper-admin")}}))
	made = append(made, c.addBinding(k, bindingDef{name: "gatekeeper-manager-rolebinding", labels: l, roleKind: "ClusterRole",
		role: "gatekeeper-manager-role", subjects: []subject{sa(ns, "gatekeeper-admin")}}))
	sc := obj{"allowPrivilegeEscalation": false, "capabilities": obj{"drop": list("ALL")}, "readOnlyRootFilesystem": true,
		"runAsGroup": 999, "runAsNonRoot": true, "runAsUser": 1000, "seccompProfile": obj{"type": "RuntimeDefault"}}
	dep := func(name, component string, replicas int, args []string, ports []obj) {
		cl := merge(l, map[string]string{"control-plane": component, "gatekeeper.sh/operation": map[string]string{"audit-controller": "audit", "controller-manager": "webhook"}[component]})
		t := podTmpl{labels: cl, sa: "gatekeeper-admin", priorityClass: "system-cluster-critical", grace: intp(60),
			nodeSelector: map[string]string{"kubernetes.io/os": "linux"},
			containers: []ctr{{name: "manager", image: "openpolicyagent/gatekeeper:v3.18.2", args: args, command: []string{"/manager"},
				env: []obj{envField("POD_NAMESPACE", "metadata.namespace"), envField("POD_NAME", "metadata.name"),
					env("NAMESPACE", ns), env("CONTAINER_NAME", "manager")},
				ports:     ports,
				resources: res("100m", "512Mi", "", "512Mi"),
				liveness:  httpProbe("/healthz", 9090, "HTTP"), ready: httpProbe("/readyz", 9090, "HTTP"),
				sc: sc}}}
		if component == "controller-manager" {
			t.volumes = []obj{secretVol("cert", "gatekeeper-webhook-server-cert")}
			t.containers[0].mounts = []obj{mount("cert", "/certs", true)}
		} else {
			t.volumes = []obj{emptyDirVol("tmp-volume")}
			t.containers[0].mounts = []obj{mount("tmp-volume", "/tmp/audit", false)}
		}
		w := c.deployment(k, ns, name, replicas, t, nil)
		made = append(made, w.ctl)
	}
	dep("gatekeeper-audit", "audit-controller", 1, []string{"--operation=audit", "--operation=status", "--operation=mutation-status",
		"--logtostderr", "--disable-opa-builtin={http.send}", "--disable-cert-rotation"},
		[]obj{port("metrics", 8888, "TCP"), port("healthz", 9090, "TCP")})
	dep("gatekeeper-controller-manager", "controller-manager", 3, []string{"--port=8443", "--logtostderr", "--exempt-namespace=gatekeeper-system",
		"--operation=webhook", "--operation=mutation-webhook", "--disable-opa-builtin={http.send}"},
		[]obj{port("webhook-server", 8443, "TCP"), port("metrics", 8888, "TCP"), port("healthz", 9090, "TCP")})
	made = append(made, c.service(k, ns, "gatekeeper-webhook-service", l, map[string]string{"control-plane": "controller-manager", "gatekeeper.sh/operation": "webhook", "gatekeeper.sh/system": "yes"},
		[]obj{{"name": "https-webhook-server", "port": 443, "targetPort": "webhook-server"}}, ""))
	key := c.plantCanary("GatekeeperWebhookKey", "base64", "Secret gatekeeper-system/gatekeeper-webhook-server-cert data.tls.key", "webhook TLS private key (base64 in data)")
	made = append(made, c.add(k, obj{"kind": "Secret", "type": "Opaque", "metadata": meta(ns, "gatekeeper-webhook-server-cert", l, nil),
		"data": obj{"ca.crt": b64(c.caPEM()), "ca.key": b64(fakePEM("RSA PRIVATE KEY", key)), "tls.crt": b64(c.caPEM()), "tls.key": b64(fakePEM("RSA PRIVATE KEY", key))}}))
	ignore := obj{"key": "admission.gatekeeper.sh/ignore", "operator": "DoesNotExist"}
	notSelf := obj{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": list(ns)}
	svc := func(path string) obj {
		return obj{"caBundle": b64(c.caPEM()), "service": obj{"name": "gatekeeper-webhook-service", "namespace": ns, "path": path, "port": 443}}
	}
	made = append(made, c.add(k, obj{"kind": "ValidatingWebhookConfiguration", "metadata": meta("", "gatekeeper-validating-webhook-configuration", l, nil),
		"webhooks": []any{
			obj{"name": "validation.gatekeeper.sh", "admissionReviewVersions": list("v1", "v1beta1"), "clientConfig": svc("/v1/admit"),
				"failurePolicy": "Ignore", "matchPolicy": "Exact", "namespaceSelector": obj{"matchExpressions": []any{ignore, notSelf}},
				"objectSelector": obj{}, "sideEffects": "None", "timeoutSeconds": 3,
				"rules": []any{obj{"apiGroups": list("*"), "apiVersions": list("*"), "operations": list("CREATE", "UPDATE"), "resources": list("*", "pods/ephemeralcontainers", "pods/exec", "pods/log", "pods/eviction", "pods/portforward", "pods/proxy", "pods/attach", "pods/binding", "deployments/scale", "replicasets/scale", "statefulsets/scale", "replicationcontrollers/scale", "services/proxy", "nodes/proxy", "services/status"), "scope": "*"}}},
			obj{"name": "check-ignore-label.gatekeeper.sh", "admissionReviewVersions": list("v1", "v1beta1"), "clientConfig": svc("/v1/admitlabel"),
				"failurePolicy": "Fail", "matchPolicy": "Exact", "namespaceSelector": obj{"matchExpressions": []any{notSelf}},
				"objectSelector": obj{}, "sideEffects": "None", "timeoutSeconds": 3,
				"rules": []any{obj{"apiGroups": list(""), "apiVersions": list("*"), "operations": list("CREATE", "UPDATE"), "resources": list("namespaces"), "scope": "*"}}},
		}}))
	made = append(made, c.add(k, obj{"kind": "MutatingWebhookConfiguration", "metadata": meta("", "gatekeeper-mutating-webhook-configuration", l, nil),
		"webhooks": []any{obj{"name": "mutation.gatekeeper.sh", "admissionReviewVersions": list("v1", "v1beta1"), "clientConfig": svc("/v1/mutate"),
			"failurePolicy": "Ignore", "matchPolicy": "Exact", "namespaceSelector": obj{"matchExpressions": []any{ignore, notSelf}},
			"objectSelector": obj{}, "reinvocationPolicy": "Never", "sideEffects": "None", "timeoutSeconds": 1,
			"rules": []any{obj{"apiGroups": list("*"), "apiVersions": list("*"), "operations": list("CREATE", "UPDATE"), "resources": list("*"), "scope": "*"}}}}}))
	applied(made...)
}

// monitoring installs node-exporter and a Prometheus server with the
// community charts' defaults (the namespace set to the privileged Pod
// Security level that node-exporter needs).
func (c *cluster) monitoring(at time.Time) {
	ns := "monitoring"
	c.at(at)
	c.namespace("helm --create-namespace", ns, map[string]string{"pod-security.kubernetes.io/enforce": "privileged",
		"admission.gatekeeper.sh/ignore": "true"}, nil)
	nl, na := helm("prometheus-node-exporter-4.43.1", "1.8.2", "node-exporter", ns, "prometheus-node-exporter", "metrics")
	c.serviceAccount(originNodeExp, ns, "node-exporter-prometheus-node-exporter", bptr(false), nl, na)
	sel := map[string]string{"app.kubernetes.io/instance": "node-exporter", "app.kubernetes.io/name": "prometheus-node-exporter"}
	t := podTmpl{labels: merge(nl, sel), ann: map[string]string{"cluster-autoscaler.kubernetes.io/safe-to-evict": "true"},
		sa: "node-exporter-prometheus-node-exporter", automount: bptr(false), hostNetwork: true, hostPID: true,
		sc:           obj{"fsGroup": 65534, "runAsGroup": 65534, "runAsNonRoot": true, "runAsUser": 65534},
		nodeSelector: map[string]string{"kubernetes.io/os": "linux"}, tolerations: []obj{{"effect": "NoSchedule", "operator": "Exists"}},
		volumes: []obj{hostPathVol("proc", "/proc", ""), hostPathVol("sys", "/sys", ""), hostPathVol("root", "/", "")},
		containers: []ctr{{name: "node-exporter", image: "quay.io/prometheus/node-exporter:v1.8.2",
			args: []string{"--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root", "--path.udev.data=/host/root/run/udev/data",
				"--web.listen-address=[$(HOST_IP)]:9100"},
			env:      []obj{env("HOST_IP", "0.0.0.0")},
			ports:    []obj{port("metrics", 9100, "TCP")},
			liveness: httpProbe("/", 9100, "HTTP"), ready: httpProbe("/", 9100, "HTTP"),
			sc: obj{"readOnlyRootFilesystem": true},
			mounts: []obj{mount("proc", "/host/proc", true), mount("sys", "/host/sys", true),
				{"name": "root", "mountPath": "/host/root", "mountPropagation": "HostToContainer", "readOnly": true}}}}}
	ne := c.daemonSet(originNodeExp, ns, "node-exporter-prometheus-node-exporter", t, nil)
	c.service(originNodeExp, ns, "node-exporter-prometheus-node-exporter", nl, sel, []obj{{"name": "metrics", "port": 9100, "targetPort": 9100}}, "",
		"ipFamilyPolicy", "SingleStack")
	pl, pa := helm("prometheus-27.5.1", "v3.2.1", "prometheus", ns, "prometheus", "server")
	c.serviceAccount(originPromServ, ns, "prometheus-server", nil, pl, pa)
	c.addRole(originPromServ, roleDef{name: "prometheus-server", labels: pl, ann: pa, rules: []rule{
		r("", "nodes,nodes/proxy,nodes/metrics,services,endpoints,pods,ingresses,configmaps", "get,list,watch"),
		r("extensions,networking.k8s.io", "ingresses/status,ingresses", "get,list,watch"),
		r("discovery.k8s.io", "endpointslices", "get,list,watch"),
		nr("/metrics", "get")}})
	c.addBinding(originPromServ, bindingDef{name: "prometheus-server", labels: pl, ann: pa, roleKind: "ClusterRole", role: "prometheus-server",
		subjects: []subject{sa(ns, "prometheus-server")}})
	psel := map[string]string{"app.kubernetes.io/component": "server", "app.kubernetes.io/instance": "prometheus", "app.kubernetes.io/name": "prometheus"}
	pt := podTmpl{labels: merge(pl, psel), sa: "prometheus-server", enableLinks: bptr(true),
		sc:      obj{"fsGroup": 65534, "runAsGroup": 65534, "runAsNonRoot": true, "runAsUser": 65534},
		volumes: []obj{configMapVol("config-volume", "prometheus-server"), pvcVol("storage-volume", "prometheus-server")},
		containers: []ctr{
			{name: "prometheus-server-configmap-reload", image: "quay.io/prometheus-operator/prometheus-config-reloader:v0.80.0",
				args:   []string{"--watched-dir=/etc/config", "--listen-address=0.0.0.0:8080", "--reload-url=http://127.0.0.1:9090/-/reload"},
				ports:  []obj{port("metrics", 8080, "TCP")},
				mounts: []obj{mount("config-volume", "/etc/config", true)}},
			{name: "prometheus-server", image: "quay.io/prometheus/prometheus:v3.2.1",
				args: []string{"--storage.tsdb.retention.time=15d", "--config.file=/etc/config/prometheus.yml", "--storage.tsdb.path=/data",
					"--web.console.libraries=/etc/prometheus/console_libraries", "--web.console.templates=/etc/prometheus/consoles", "--web.enable-lifecycle"},
				ports:    []obj{port("", 9090, "TCP")},
				liveness: httpProbe("/-/healthy", 9090, "HTTP", "initialDelaySeconds", 30, "timeoutSeconds", 10),
				ready:    httpProbe("/-/ready", 9090, "HTTP", "initialDelaySeconds", 30, "timeoutSeconds", 4),
				mounts:   []obj{mount("config-volume", "/etc/config", false), mount("storage-volume", "/data", false)}}}}
	ps := c.deployment(originPromServ, ns, "prometheus-server", 1, pt, nil, pa)
	ps.ctl.m["spec"].(obj)["strategy"] = obj{"type": "Recreate"}
	c.service(originPromServ, ns, "prometheus-server", pl, psel, []obj{{"name": "http", "port": 80, "targetPort": 9090}}, "")
	c.add(originPromServ, obj{"kind": "ConfigMap", "metadata": meta(ns, "prometheus-server", pl, pa), "data": obj{
		"prometheus.yml": "global:\n  evaluation_interval: 1m\n  scrape_interval: 1m\n  scrape_timeout: 10s\nscrape_configs:\n- job_name: kubernetes-nodes\n  kubernetes_sd_configs:\n  - role: node\n  relabel_configs:\n  - replacement: kubernetes.default.svc:443\n    target_label: __address__\n  - regex: (.+)\n    replacement: /api/v1/nodes/$1/proxy/metrics\n    source_labels:\n    - __meta_kubernetes_node_name\n    target_label: __metrics_path__\n  scheme: https\n"}})
	c.helmRelease(ns, "node-exporter", "NodeExporterHelmRelease")
	c.helmRelease(ns, "prometheus", "PrometheusHelmRelease")
	_ = ne
}
