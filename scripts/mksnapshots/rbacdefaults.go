package main

import (
	"reflect"
	"sort"
	"strings"
)

// The API server's bootstrap RBAC policy, as a v1.33 API server creates
// and reconciles it at every start (labelled kubernetes.io/bootstrapping:
// rbac-defaults, annotated rbac.authorization.kubernetes.io/autoupdate).
// Facts read from the golden files the Kubernetes repository keeps of it,
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/
// {cluster-roles,controller-roles,namespace-roles,namespace-role-bindings}.yaml
// (kubernetes/kubernetes, read at commits 025f2834 and 008b3652), less
// the controller roles that v1.33 only creates behind feature gates that
// are off by default there (resource-claim-controller and
// device-taint-eviction-controller: DynamicResourceAllocation;
// volumeattributesclass-protection-controller: VolumeAttributesClass),
// and the ClusterRoleBindings as v1.33 binds them.

// rule is one PolicyRule.
type rule struct {
	groups, resources, verbs, names, urls []string
}

func split(s string) []string { return strings.Split(s, ",") }

// r is a resource rule: groups ("" the core group, comma separated),
// resources and verbs, comma separated.
func r(groups, resources, verbs string) rule {
	return rule{groups: split(groups), resources: split(resources), verbs: split(verbs)}
}

// rn is a resource rule limited to resourceNames.
func rn(groups, resources, verbs, names string) rule {
	x := r(groups, resources, verbs)
	x.names = split(names)
	return x
}

// nr is a non-resource rule.
func nr(urls, verbs string) rule { return rule{urls: split(urls), verbs: split(verbs)} }

func (x rule) obj() obj {
	o := obj{"verbs": list(x.verbs...)}
	if x.urls != nil {
		o["nonResourceURLs"] = list(x.urls...)
		return o
	}
	o["apiGroups"] = list(x.groups...)
	o["resources"] = list(x.resources...)
	if x.names != nil {
		o["resourceNames"] = list(x.names...)
	}
	return o
}

func rulesObj(rs []rule) []any {
	out := make([]any, len(rs))
	for i, x := range rs {
		out[i] = x.obj()
	}
	return out
}

// events is the rule every controller role ends with.
var events = r(",events.k8s.io", "events", "create,patch,update")

// roleDef is a ClusterRole (or a Role, with ns).
type roleDef struct {
	ns, name  string
	labels    map[string]string
	ann       map[string]string
	aggregate []string // clusterRoleSelectors: one matchLabels label each, value "true"
	rules     []rule
}

const (
	aggAdmin = "rbac.authorization.k8s.io/aggregate-to-admin"
	aggEdit  = "rbac.authorization.k8s.io/aggregate-to-edit"
	aggView  = "rbac.authorization.k8s.io/aggregate-to-view"
)

var bootstrapLabels = map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}
var autoupdate = map[string]string{"rbac.authorization.kubernetes.io/autoupdate": "true"}

func bootstrapRole(name string, extraLabels map[string]string, rules ...rule) roleDef {
	return roleDef{name: name, labels: merge(bootstrapLabels, extraLabels), ann: autoupdate, rules: rules}
}

// bootstrapClusterRoles are cluster-roles.yaml.
func bootstrapClusterRoles() []roleDef {
	rw := "create,delete,deletecollection,patch,update"
	ro := "get,list,watch"
	b := bootstrapRole
	return []roleDef{
		{name: "admin", labels: bootstrapLabels, ann: autoupdate, aggregate: []string{aggAdmin}},
		b("cluster-admin", nil, r("*", "*", "*"), nr("*", "*")),
		{name: "edit", labels: merge(bootstrapLabels, map[string]string{aggAdmin: "true"}), ann: autoupdate, aggregate: []string{aggEdit}},
		b("system:aggregate-to-admin", map[string]string{aggAdmin: "true"},
			r("authorization.k8s.io", "localsubjectaccessreviews", "create"),
			r("rbac.authorization.k8s.io", "rolebindings,roles", "create,delete,deletecollection,get,list,patch,update,watch")),
		b("system:aggregate-to-edit", map[string]string{aggEdit: "true"},
			r("", "pods/attach,pods/exec,pods/portforward,pods/proxy,secrets,services/proxy", ro),
			r("", "serviceaccounts", "impersonate"),
			r("", "pods,pods/attach,pods/exec,pods/portforward,pods/proxy", rw),
			r("", "pods/eviction", "create"),
			r("", "configmaps,events,persistentvolumeclaims,replicationcontrollers,replicationcontrollers/scale,secrets,serviceaccounts,services,services/proxy", rw),
			r("", "serviceaccounts/token", "create"),
			r("apps", "daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,replicasets/scale,statefulsets,statefulsets/scale", rw),
			r("autoscaling", "horizontalpodautoscalers", rw),
			r("batch", "cronjobs,jobs", rw),
			r("extensions", "daemonsets,deployments,deployments/rollback,deployments/scale,ingresses,networkpolicies,replicasets,replicasets/scale,replicationcontrollers/scale", rw),
			r("policy", "poddisruptionbudgets", rw),
			r("networking.k8s.io", "ingresses,networkpolicies", rw),
			r("coordination.k8s.io", "leases", "create,delete,deletecollection,get,list,patch,update,watch")),
		b("system:aggregate-to-view", map[string]string{aggView: "true"},
			r("", "configmaps,endpoints,persistentvolumeclaims,persistentvolumeclaims/status,pods,replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/status", ro),
			r("", "bindings,events,limitranges,namespaces/status,pods/log,pods/status,replicationcontrollers/status,resourcequotas,resourcequotas/status", ro),
			r("", "namespaces", ro),
			r("discovery.k8s.io", "endpointslices", ro),
			r("apps", "controllerrevisions,daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,replicasets,replicasets/scale,replicasets/status,statefulsets,statefulsets/scale,statefulsets/status", ro),
			r("autoscaling", "horizontalpodautoscalers,horizontalpodautoscalers/status", ro),
			r("batch", "cronjobs,cronjobs/status,jobs,jobs/status", ro),
			r("extensions", "daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,ingresses,ingresses/status,networkpolicies,replicasets,replicasets/scale,replicasets/status,replicationcontrollers/scale", ro),
			r("policy", "poddisruptionbudgets,poddisruptionbudgets/status", ro),
			r("networking.k8s.io", "ingresses,ingresses/status,networkpolicies", ro)),
		b("system:auth-delegator", nil,
			r("authentication.k8s.io", "tokenreviews", "create"),
			r("authorization.k8s.io", "subjectaccessreviews", "create")),
		b("system:basic-user", nil,
			r("authorization.k8s.io", "selfsubjectaccessreviews,selfsubjectrulesreviews", "create"),
			r("authentication.k8s.io", "selfsubjectreviews", "create")),
		b("system:certificates.k8s.io:certificatesigningrequests:nodeclient", nil,
			r("certificates.k8s.io", "certificatesigningrequests/nodeclient", "create")),
		b("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", nil,
			r("certificates.k8s.io", "certificatesigningrequests/selfnodeclient", "create")),
		b("system:certificates.k8s.io:kube-apiserver-client-approver", nil,
			rn("certificates.k8s.io", "signers", "approve", "kubernetes.io/kube-apiserver-client")),
		b("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", nil,
			rn("certificates.k8s.io", "signers", "approve", "kubernetes.io/kube-apiserver-client-kubelet")),
		b("system:certificates.k8s.io:kubelet-serving-approver", nil,
			rn("certificates.k8s.io", "signers", "approve", "kubernetes.io/kubelet-serving")),
		b("system:certificates.k8s.io:legacy-unknown-approver", nil,
			rn("certificates.k8s.io", "signers", "approve", "kubernetes.io/legacy-unknown")),
		b("system:discovery", nil,
			nr("/api,/api/*,/apis,/apis/*,/healthz,/livez,/openapi,/openapi/*,/readyz,/version,/version/", "get")),
		b("system:heapster", nil,
			r("", "events,namespaces,nodes,pods", ro),
			r("extensions", "deployments", ro)),
		b("system:kube-aggregator", nil, r("", "endpoints,services", ro)),
		b("system:kube-controller-manager", nil,
			r(",events.k8s.io", "events", "create,patch,update"),
			r("coordination.k8s.io", "leases", "create"),
			rn("coordination.k8s.io", "leases", "get,update", "kube-controller-manager"),
			r("", "secrets,serviceaccounts", "create"),
			r("", "secrets", "delete"),
			r("", "configmaps,namespaces,secrets,serviceaccounts", "get"),
			r("", "secrets,serviceaccounts", "update"),
			r("authentication.k8s.io", "tokenreviews", "create"),
			r("authorization.k8s.io", "subjectaccessreviews", "create"),
			r("*", "*", "list,watch"),
			r("", "serviceaccounts/token", "create")),
		b("system:kube-dns", nil, r("", "endpoints,services", "list,watch")),
		b("system:kube-scheduler", nil,
			r(",events.k8s.io", "events", "create,patch,update"),
			r("coordination.k8s.io", "leases", "create"),
			rn("coordination.k8s.io", "leases", "get,update", "kube-scheduler"),
			r("", "nodes", ro),
			r("", "pods", "delete,get,list,watch"),
			r("", "bindings,pods/binding", "create"),
			r("", "pods/status", "patch,update"),
			r("", "replicationcontrollers,services", ro),
			r("apps,extensions", "replicasets", ro),
			r("apps", "statefulsets", ro),
			r("policy", "poddisruptionbudgets", ro),
			r("", "persistentvolumeclaims,persistentvolumes", ro),
			r("authentication.k8s.io", "tokenreviews", "create"),
			r("authorization.k8s.io", "subjectaccessreviews", "create"),
			r("storage.k8s.io", "csinodes", ro),
			r("", "namespaces", ro),
			r("storage.k8s.io", "csidrivers", ro),
			r("storage.k8s.io", "csistoragecapacities", ro)),
		b("system:kubelet-api-admin", nil,
			r("", "nodes", ro),
			r("", "nodes", "proxy"),
			r("", "nodes/log,nodes/metrics,nodes/proxy,nodes/stats", "*")),
		b("system:monitoring", nil,
			nr("/healthz,/healthz/*,/livez,/livez/*,/metrics,/metrics/slis,/readyz,/readyz/*", "get")),
		b("system:node", nil,
			r("authentication.k8s.io", "tokenreviews", "create"),
			r("authorization.k8s.io", "localsubjectaccessreviews,subjectaccessreviews", "create"),
			r("", "services", ro),
			r("", "nodes", "create,get,list,watch"),
			r("", "nodes/status", "patch,update"),
			r("", "nodes", "patch,update"),
			r("", "events", "create,patch,update"),
			r("", "pods", ro),
			r("", "pods", "create,delete"),
			r("", "pods/status", "patch,update"),
			r("", "pods/eviction", "create"),
			r("", "configmaps,secrets", ro),
			r("", "persistentvolumeclaims,persistentvolumes", "get"),
			r("", "endpoints", "get"),
			r("certificates.k8s.io", "certificatesigningrequests", "create,get,list,watch"),
			r("coordination.k8s.io", "leases", "create,delete,get,patch,update"),
			r("storage.k8s.io", "volumeattachments", "get"),
			r("", "serviceaccounts/token", "create"),
			r("", "persistentvolumeclaims/status", "get,patch,update"),
			r("storage.k8s.io", "csidrivers", ro),
			r("storage.k8s.io", "csinodes", "create,delete,get,patch,update"),
			r("node.k8s.io", "runtimeclasses", ro)),
		b("system:node-bootstrapper", nil,
			r("certificates.k8s.io", "certificatesigningrequests", "create,get,list,watch")),
		b("system:node-problem-detector", nil,
			r("", "nodes", "get"),
			r("", "nodes/status", "patch"),
			r(",events.k8s.io", "events", "create,patch,update")),
		b("system:node-proxier", nil,
			r("", "endpoints,services", "list,watch"),
			r("", "nodes", ro),
			r(",events.k8s.io", "events", "create,patch,update"),
			r("discovery.k8s.io", "endpointslices", "list,watch")),
		b("system:persistent-volume-provisioner", nil,
			r("", "persistentvolumes", "create,delete,get,list,watch"),
			r("", "persistentvolumeclaims", "get,list,update,watch"),
			r("storage.k8s.io", "storageclasses", ro),
			r("", "events", "watch"),
			r(",events.k8s.io", "events", "create,patch,update")),
		b("system:public-info-viewer", nil, nr("/healthz,/livez,/readyz,/version,/version/", "get")),
		b("system:service-account-issuer-discovery", nil, nr("/.well-known/openid-configuration,/openid/v1/jwks", "get")),
		b("system:volume-scheduler", nil,
			r("", "persistentvolumes", "get,list,patch,update,watch"),
			r("storage.k8s.io", "storageclasses", ro),
			r("", "persistentvolumeclaims", "get,list,patch,update,watch")),
		{name: "view", labels: merge(bootstrapLabels, map[string]string{aggEdit: "true"}), ann: autoupdate, aggregate: []string{aggView}},
	}
}

// controllerRoles are controller-roles.yaml: name without the
// system:controller: prefix, each bound to the kube-system
// ServiceAccount of that name (controller-role-bindings.yaml).
func controllerRoles() []roleDef {
	ro := "get,list,watch"
	c := func(name string, rules ...rule) roleDef {
		return bootstrapRole(name, nil, rules...)
	}
	return []roleDef{
		c("attachdetach-controller",
			r("", "persistentvolumeclaims,persistentvolumes", "list,watch"),
			r("", "nodes", ro),
			r("", "nodes/status", "patch,update"),
			r("", "pods", "list,watch"),
			events,
			r("storage.k8s.io", "volumeattachments", "create,delete,get,list,watch"),
			r("storage.k8s.io", "csidrivers", ro),
			r("storage.k8s.io", "csinodes", ro)),
		c("certificate-controller",
			r("certificates.k8s.io", "certificatesigningrequests", "delete,get,list,watch"),
			r("certificates.k8s.io", "certificatesigningrequests/approval,certificatesigningrequests/status", "update"),
			rn("certificates.k8s.io", "signers", "approve", "kubernetes.io/kube-apiserver-client-kubelet"),
			rn("certificates.k8s.io", "signers", "sign", "kubernetes.io/kube-apiserver-client,kubernetes.io/kube-apiserver-client-kubelet,kubernetes.io/kubelet-serving,kubernetes.io/legacy-unknown"),
			r("authorization.k8s.io", "subjectaccessreviews", "create"),
			events),
		c("clusterrole-aggregation-controller",
			r("rbac.authorization.k8s.io", "clusterroles", "escalate,get,list,patch,update,watch")),
		c("cronjob-controller",
			r("batch", "cronjobs", "get,list,update,watch"),
			r("batch", "jobs", "create,delete,get,list,patch,update,watch"),
			r("batch", "cronjobs/status", "update"),
			r("batch", "cronjobs/finalizers", "update"),
			r("", "pods", "delete,list,watch"),
			events),
		c("daemon-set-controller",
			r("apps,extensions", "daemonsets", ro),
			r("apps,extensions", "daemonsets/status", "update"),
			r("apps,extensions", "daemonsets/finalizers", "update"),
			r("", "nodes", "list,watch"),
			r("", "pods", "create,delete,list,patch,watch"),
			r("", "pods/binding", "create"),
			r("apps", "controllerrevisions", "create,delete,get,list,patch,update,watch"),
			events),
		c("deployment-controller",
			r("apps,extensions", "deployments", "get,list,update,watch"),
			r("apps,extensions", "deployments/status", "update"),
			r("apps,extensions", "deployments/finalizers", "update"),
			r("apps,extensions", "replicasets", "create,delete,get,list,patch,update,watch"),
			r("", "pods", "get,list,update,watch"),
			events),
		c("disruption-controller",
			r("apps,extensions", "deployments", ro),
			r("apps,extensions", "replicasets", ro),
			r("", "replicationcontrollers", ro),
			r("policy", "poddisruptionbudgets", ro),
			r("apps", "statefulsets", ro),
			r("policy", "poddisruptionbudgets/status", "update"),
			r("", "pods/status", "patch,update"),
			r("*", "*/scale", "get"),
			events),
		c("endpoint-controller",
			r("", "pods,services", ro),
			r("", "endpoints", "create,delete,get,list,update,watch"),
			r("", "endpoints/restricted", "create"),
			events),
		c("endpointslice-controller",
			r("", "nodes,pods,services", ro),
			r("", "services/finalizers", "update"),
			r("discovery.k8s.io", "endpointslices", "create,delete,get,list,update,watch"),
			events),
		c("endpointslicemirroring-controller",
			r("", "endpoints,services", ro),
			r("", "services/finalizers", "update"),
			r("", "endpoints/finalizers", "update"),
			r("discovery.k8s.io", "endpointslices", "create,delete,get,list,update,watch"),
			events),
		c("ephemeral-volume-controller",
			r("", "pods", ro),
			r("", "pods/finalizers", "update"),
			r("", "persistentvolumeclaims", "create,get,list,watch"),
			events),
		c("expand-controller",
			r("", "persistentvolumes", "get,list,patch,update,watch"),
			r("", "persistentvolumeclaims/status", "patch,update"),
			r("", "persistentvolumeclaims", ro),
			events),
		c("generic-garbage-collector",
			r("*", "*", "delete,get,list,patch,update,watch"),
			events),
		c("horizontal-pod-autoscaler",
			r("autoscaling", "horizontalpodautoscalers", ro),
			r("autoscaling", "horizontalpodautoscalers/status", "update"),
			r("*", "*/scale", "get,update"),
			r("", "pods", "list,watch"),
			r("metrics.k8s.io", "pods", "list,watch"),
			r("custom.metrics.k8s.io", "*", ro),
			r("external.metrics.k8s.io", "*", ro),
			events),
		c("job-controller",
			r("batch", "jobs", "get,list,patch,update,watch"),
			r("batch", "jobs/status", "update"),
			r("batch", "jobs/finalizers", "update"),
			r("", "pods", "create,delete,list,patch,watch"),
			events),
		c("legacy-service-account-token-cleaner",
			rn("", "configmaps", "get", "kube-apiserver-legacy-service-account-token-tracking"),
			r("", "secrets", "delete,patch")),
		c("namespace-controller",
			r("", "namespaces", "delete,get,list,watch"),
			r("", "namespaces/finalize,namespaces/status", "update"),
			r("*", "*", "delete,deletecollection,get,list,watch")),
		c("node-controller",
			r("", "nodes", "delete,get,list,patch,update,watch"),
			r("", "nodes/status", "patch,update"),
			r("", "pods/status", "patch,update"),
			r("", "pods", "delete,get,list,watch"),
			events),
		c("persistent-volume-binder",
			r("", "persistentvolumes", "create,delete,get,list,update,watch"),
			r("", "persistentvolumes/status", "update"),
			r("", "persistentvolumeclaims", "get,list,update,watch"),
			r("", "persistentvolumeclaims/status", "update"),
			r("", "pods", "create,delete,get,list,watch"),
			r("storage.k8s.io", "storageclasses", ro),
			r("", "nodes", "list,watch"),
			events,
			r("", "events", "watch")),
		c("pod-garbage-collector",
			r("", "pods", "delete,list,watch"),
			r("", "nodes", ro),
			r("", "pods/status", "patch")),
		c("pv-protection-controller",
			r("", "persistentvolumes", "get,list,update,watch"),
			events),
		c("pvc-protection-controller",
			r("", "persistentvolumeclaims", "get,list,update,watch"),
			r("", "persistentvolumeclaims/status", "update"),
			r("", "pods", ro),
			events),
		c("replicaset-controller",
			r("apps,extensions", "replicasets", "get,list,update,watch"),
			r("apps,extensions", "replicasets/status", "update"),
			r("apps,extensions", "replicasets/finalizers", "update"),
			r("", "pods", "create,delete,list,patch,watch"),
			events),
		c("replication-controller",
			r("", "replicationcontrollers", "get,list,update,watch"),
			r("", "replicationcontrollers/status", "update"),
			r("", "replicationcontrollers/finalizers", "update"),
			r("", "pods", "create,delete,list,patch,watch"),
			events),
		c("resourcequota-controller",
			r("*", "*", "list,watch"),
			r("", "resourcequotas/status", "update"),
			events),
		c("root-ca-cert-publisher",
			r("", "configmaps", "create,update"),
			events),
		c("route-controller",
			r("", "nodes", "list,watch"),
			r("", "nodes/status", "patch"),
			events),
		c("selinux-warning-controller",
			events,
			r("", "persistentvolumes", ro),
			r("", "persistentvolumeclaims", ro),
			r("", "pods", ro),
			r("storage.k8s.io", "csidrivers", ro)),
		c("service-account-controller",
			r("", "serviceaccounts", "create"),
			events),
		c("service-cidrs-controller",
			r("networking.k8s.io", "servicecidrs", "get,list,patch,update,watch"),
			r("networking.k8s.io", "servicecidrs/finalizers", "patch,update"),
			r("networking.k8s.io", "servicecidrs/status", "patch,update"),
			r("networking.k8s.io", "ipaddresses", ro),
			events),
		c("service-controller",
			r("", "services", ro),
			r("", "services/status", "patch,update"),
			r("", "nodes", "list,watch"),
			events),
		c("statefulset-controller",
			r("", "pods", "list,watch"),
			r("apps", "statefulsets", ro),
			r("apps", "statefulsets/status", "update"),
			r("apps", "statefulsets/finalizers", "update"),
			r("", "pods", "create,delete,get,patch,update"),
			r("apps", "controllerrevisions", "create,delete,get,list,patch,update,watch"),
			r("", "persistentvolumeclaims", "create,get,list,watch"),
			r("", "persistentvolumeclaims", "delete,update"),
			r("", "pods/finalizers", "update"),
			events),
		c("ttl-after-finished-controller",
			r("batch", "jobs", "delete,get,list,watch"),
			events),
		c("ttl-controller",
			r("", "nodes", "list,patch,update,watch"),
			events),
		c("validatingadmissionpolicy-status-controller",
			r("admissionregistration.k8s.io", "validatingadmissionpolicies", ro),
			r("admissionregistration.k8s.io", "validatingadmissionpolicies/status", "get,patch,update"),
			events),
	}
}

// namespaceRoles are namespace-roles.yaml.
func namespaceRoles() []roleDef {
	ro := "get,list,watch"
	lead := "create,get,list,update,watch"
	n := func(ns, name string, rules ...rule) roleDef {
		d := bootstrapRole(name, nil, rules...)
		d.ns = ns
		return d
	}
	return []roleDef{
		n("kube-public", "system:controller:bootstrap-signer",
			r("", "configmaps", ro),
			rn("", "configmaps", "update", "cluster-info"),
			events),
		n("kube-system", "extension-apiserver-authentication-reader",
			rn("", "configmaps", ro, "extension-apiserver-authentication")),
		n("kube-system", "system::leader-locking-kube-controller-manager",
			r("coordination.k8s.io", "leases", lead),
			r("coordination.k8s.io", "leasecandidates", lead)),
		n("kube-system", "system::leader-locking-kube-scheduler",
			r("coordination.k8s.io", "leases", lead),
			r("coordination.k8s.io", "leasecandidates", lead)),
		n("kube-system", "system:controller:bootstrap-signer", r("", "secrets", ro)),
		n("kube-system", "system:controller:cloud-provider", r("", "configmaps", "create,get,list,watch")),
		n("kube-system", "system:controller:token-cleaner",
			r("", "secrets", "delete,get,list,watch"),
			events),
	}
}

// subject is an RBAC subject.
type subject struct{ kind, ns, name string }

func user(n string) subject  { return subject{kind: "User", name: n} }
func group(n string) subject { return subject{kind: "Group", name: n} }
func sa(ns, n string) subject {
	return subject{kind: "ServiceAccount", ns: ns, name: n}
}

func (s subject) obj() obj {
	if s.kind == "ServiceAccount" {
		return obj{"kind": s.kind, "name": s.name, "namespace": s.ns}
	}
	return obj{"apiGroup": "rbac.authorization.k8s.io", "kind": s.kind, "name": s.name}
}

// String is how planted.tsv names a subject.
func (s subject) String() string {
	if s.kind == "ServiceAccount" {
		return "ServiceAccount " + s.ns + "/" + s.name
	}
	return s.kind + " " + s.name
}

// bindingDef is a ClusterRoleBinding (ns empty) or RoleBinding.
type bindingDef struct {
	ns, name string
	labels   map[string]string
	ann      map[string]string
	roleKind string // ClusterRole or Role
	role     string
	subjects []subject
}

// bootstrapClusterRoleBindings binds as a v1.33 API server does.
func bootstrapClusterRoleBindings() []bindingDef {
	b := func(name string, subjects ...subject) bindingDef {
		return bindingDef{name: name, labels: bootstrapLabels, ann: autoupdate, roleKind: "ClusterRole", role: name, subjects: subjects}
	}
	out := []bindingDef{
		b("cluster-admin", group("system:masters")),
		b("system:basic-user", group("system:authenticated")),
		b("system:discovery", group("system:authenticated")),
		b("system:kube-controller-manager", user("system:kube-controller-manager")),
		b("system:kube-dns", sa("kube-system", "kube-dns")),
		b("system:kube-scheduler", user("system:kube-scheduler")),
		b("system:monitoring", group("system:monitoring")),
		b("system:node"),
		b("system:node-proxier", user("system:kube-proxy")),
		b("system:public-info-viewer", group("system:authenticated"), group("system:unauthenticated")),
		b("system:service-account-issuer-discovery", group("system:serviceaccounts")),
		b("system:volume-scheduler", user("system:kube-scheduler")),
	}
	for _, d := range controllerRoles() {
		x := b("system:controller:"+d.name, sa("kube-system", d.name))
		out = append(out, x)
	}
	return out
}

// namespaceRoleBindings are namespace-role-bindings.yaml.
func namespaceRoleBindings() []bindingDef {
	b := func(ns, name, role string, subjects ...subject) bindingDef {
		return bindingDef{ns: ns, name: name, labels: bootstrapLabels, ann: autoupdate, roleKind: "Role", role: role, subjects: subjects}
	}
	return []bindingDef{
		b("kube-public", "system:controller:bootstrap-signer", "system:controller:bootstrap-signer", sa("kube-system", "bootstrap-signer")),
		b("kube-system", "system::extension-apiserver-authentication-reader", "extension-apiserver-authentication-reader",
			user("system:kube-controller-manager"), user("system:kube-scheduler")),
		b("kube-system", "system::leader-locking-kube-controller-manager", "system::leader-locking-kube-controller-manager",
			user("system:kube-controller-manager"), sa("kube-system", "kube-controller-manager"), sa("kube-system", "leader-election-controller")),
		b("kube-system", "system::leader-locking-kube-scheduler", "system::leader-locking-kube-scheduler",
			user("system:kube-scheduler"), sa("kube-system", "kube-scheduler")),
		b("kube-system", "system:controller:bootstrap-signer", "system:controller:bootstrap-signer", sa("kube-system", "bootstrap-signer")),
		b("kube-system", "system:controller:cloud-provider", "system:controller:cloud-provider", sa("kube-system", "cloud-provider")),
		b("kube-system", "system:controller:token-cleaner", "system:controller:token-cleaner", sa("kube-system", "token-cleaner")),
	}
}

// addRole adds a Role or ClusterRole.
func (c *cluster) addRole(origin string, d roleDef) *object {
	kind := "ClusterRole"
	if d.ns != "" {
		kind = "Role"
	}
	m := obj{"kind": kind, "metadata": meta(d.ns, d.name, d.labels, d.ann), "rules": rulesObj(d.rules)}
	if len(d.rules) == 0 {
		m["rules"] = nil // the API prints "rules": null for a role without rules
	}
	if d.aggregate != nil {
		var sel []any
		for _, l := range d.aggregate {
			sel = append(sel, obj{"matchLabels": obj{l: "true"}})
		}
		m["aggregationRule"] = obj{"clusterRoleSelectors": sel}
	}
	return c.add(origin, m)
}

// addBinding adds a RoleBinding or ClusterRoleBinding.
func (c *cluster) addBinding(origin string, d bindingDef) *object {
	kind := "ClusterRoleBinding"
	if d.ns != "" {
		kind = "RoleBinding"
	}
	m := obj{"kind": kind, "metadata": meta(d.ns, d.name, d.labels, d.ann),
		"roleRef": obj{"apiGroup": "rbac.authorization.k8s.io", "kind": d.roleKind, "name": d.role}}
	if len(d.subjects) > 0 {
		var s []any
		for _, x := range d.subjects {
			s = append(s, x.obj())
		}
		m["subjects"] = s
	}
	return c.add(origin, m)
}

// aggregate fills the rules of aggregated ClusterRoles as the
// clusterrole-aggregation controller does: the rules of every ClusterRole
// whose labels match a selector, taken in name order, each rule once;
// repeated until nothing changes (edit feeds admin, view feeds edit).
func (c *cluster) aggregate() {
	for changed := true; changed; {
		changed = false
		for _, o := range c.objs {
			if o.kind != "ClusterRole" || o.m["aggregationRule"] == nil {
				continue
			}
			sels := o.m["aggregationRule"].(obj)["clusterRoleSelectors"].([]any)
			var sources []*object
			for _, p := range c.objs {
				if p.kind != "ClusterRole" || p == o {
					continue
				}
				lbl, _ := p.m["metadata"].(obj)["labels"].(obj)
				for _, s := range sels {
					ok := true
					for k, v := range s.(obj)["matchLabels"].(obj) {
						if lbl[k] != v {
							ok = false
						}
					}
					if ok {
						sources = append(sources, p)
						break
					}
				}
			}
			sort.Slice(sources, func(i, j int) bool { return sources[i].name < sources[j].name })
			var rules []any
			for _, p := range sources {
				pr, _ := p.m["rules"].([]any)
				for _, x := range pr {
					dup := false
					for _, y := range rules {
						if reflect.DeepEqual(x, y) {
							dup = true
							break
						}
					}
					if !dup {
						rules = append(rules, x)
					}
				}
			}
			old, _ := o.m["rules"].([]any)
			if !reflect.DeepEqual(old, rules) {
				o.m["rules"] = rules
				changed = true
			}
		}
	}
}
