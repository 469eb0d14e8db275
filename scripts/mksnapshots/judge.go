package main

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The judge reads a cluster's List files the way a consumer would (JSON,
// nothing of the builder) and lists every object that violates each
// section-5 check, by the rules fixtures/snapshots/README.md states. Its
// rows are planted.tsv; main checks them against what the builder meant
// to plant (cluster.expect), so that neither can drift alone.

type jmeta struct {
	Name, Namespace string
	Labels          map[string]string
	Annotations     map[string]string
}

type jrule struct {
	APIGroups, Resources, Verbs, ResourceNames, NonResourceURLs []string
}

type jsubject struct{ Kind, Name, Namespace string }

func (s jsubject) String() string {
	if s.Kind == "ServiceAccount" {
		return "ServiceAccount " + s.Namespace + "/" + s.Name
	}
	return s.Kind + " " + s.Name
}

type jsc struct {
	Privileged               *bool
	AllowPrivilegeEscalation *bool
	RunAsUser                *int64
	RunAsNonRoot             *bool
	Capabilities             *struct{ Add, Drop []string }
	SeccompProfile           *struct{ Type string }
	WindowsOptions           *struct{ HostProcess *bool }
}

type jcontainer struct {
	Name            string
	SecurityContext *json.RawMessage
	Ports           []struct {
		Name          string
		ContainerPort int
		HostPort      int
	}
	Env []struct {
		Name      string
		ValueFrom *struct {
			SecretKeyRef *struct{ Name, Key string }
		}
	}
	EnvFrom []struct {
		SecretRef *struct{ Name string }
	}
}

type jpod struct {
	Metadata jmeta
	Spec     struct {
		ServiceAccountName            string
		AutomountServiceAccountToken  *bool
		HostPID, HostIPC, HostNetwork bool
		SecurityContext               *json.RawMessage
		Containers                    []jcontainer
		InitContainers                []jcontainer
		EphemeralContainers           []jcontainer
		Volumes                       []struct {
			Name      string
			HostPath  *struct{ Path, Type string }
			Projected *struct {
				Sources []struct {
					ServiceAccountToken *struct{ Path string }
				}
			}
		}
		OS *struct{ Name string }
	}
}

type jwebhook struct {
	Name              string
	NamespaceSelector *jselector
	Rules             []struct{ APIGroups, Resources, Operations []string }
}

type jselector struct {
	MatchLabels      map[string]string
	MatchExpressions []struct {
		Key, Operator string
		Values        []string
	}
}

func (s *jselector) matches(l map[string]string) bool {
	if s == nil {
		return true
	}
	for k, v := range s.MatchLabels {
		if l[k] != v {
			return false
		}
	}
	for _, e := range s.MatchExpressions {
		v, ok := l[e.Key]
		switch e.Operator {
		case "In":
			if !ok || !slices.Contains(e.Values, v) {
				return false
			}
		case "NotIn":
			if ok && slices.Contains(e.Values, v) {
				return false
			}
		case "Exists":
			if !ok {
				return false
			}
		case "DoesNotExist":
			if ok {
				return false
			}
		}
	}
	return true
}

// item is one object of a List with its kind.
type item struct {
	Kind     string
	Metadata jmeta
	raw      json.RawMessage
}

func (it item) key() string { return objKey(it.Kind, it.Metadata.Namespace, it.Metadata.Name) }

// view is what the judge reads from a cluster's files.
type view struct {
	items  []item
	byKind map[string][]item
}

func readView(files map[string][]byte) (*view, error) {
	v := &view{byKind: map[string][]item{}}
	for _, name := range sortedKeys(files) {
		var l struct {
			Kind  string
			Items []json.RawMessage
		}
		if err := json.Unmarshal(files[name], &l); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if l.Kind != "List" {
			return nil, fmt.Errorf("%s: kind %q, want List", name, l.Kind)
		}
		for _, raw := range l.Items {
			var it item
			if err := json.Unmarshal(raw, &it); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			it.raw = raw
			v.items = append(v.items, it)
			v.byKind[it.Kind] = append(v.byKind[it.Kind], it)
		}
	}
	return v, nil
}

func (v *view) decode(it item, into any) {
	if err := json.Unmarshal(it.raw, into); err != nil {
		panic(fmt.Sprintf("%s: %v", it.key(), err))
	}
}

// systemNamespaces are the namespaces Kubernetes itself creates and
// uses; README.md says which checks the benchmark's wording exempts them
// from.
var systemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}

// binding is a RoleBinding or ClusterRoleBinding with its role's rules.
type binding struct {
	it       item
	roleKind string
	role     string
	subjects []jsubject
	rules    []jrule // nil: the role does not exist
}

func (b binding) scope() string {
	if b.it.Kind == "RoleBinding" {
		return "in namespace " + b.it.Metadata.Namespace
	}
	return "cluster-wide"
}

func (b binding) via() string { return b.roleKind + " " + b.role }

func (v *view) bindings() []binding {
	roles := map[string][]jrule{}
	for _, k := range []string{"Role", "ClusterRole"} {
		for _, it := range v.byKind[k] {
			var r struct{ Rules []jrule }
			v.decode(it, &r)
			if r.Rules == nil {
				r.Rules = []jrule{}
			}
			roles[it.key()] = r.Rules
		}
	}
	var out []binding
	for _, k := range []string{"RoleBinding", "ClusterRoleBinding"} {
		for _, it := range v.byKind[k] {
			var b struct {
				RoleRef  struct{ Kind, Name string }
				Subjects []jsubject
			}
			v.decode(it, &b)
			ns := ""
			if b.RoleRef.Kind == "Role" {
				ns = it.Metadata.Namespace
			}
			out = append(out, binding{it: it, roleKind: b.RoleRef.Kind, role: b.RoleRef.Name, subjects: b.Subjects,
				rules: roles[objKey(b.RoleRef.Kind, ns, b.RoleRef.Name)]})
		}
	}
	return out
}

// access is a question put to RBAC rules: any of verbs on one of the
// resources ("res" or "res/sub") of group.
type access struct {
	group     string
	resources []string
	verbs     []string // nil: any verb
}

func has(list []string, s string) bool { return slices.Contains(list, s) || slices.Contains(list, "*") }

func resourceMatches(rules []string, res string) bool {
	if has(rules, res) {
		return true
	}
	if base, sub, ok := strings.Cut(res, "/"); ok {
		_ = base
		return slices.Contains(rules, "*/"+sub)
	}
	return false
}

// grant returns the verbs of a rule that answer the question, and what
// it names: "" when the rule does not answer.
func (a access) grant(r jrule) (verbs []string, res []string) {
	if r.NonResourceURLs != nil || !has(r.APIGroups, a.group) {
		return nil, nil
	}
	for _, x := range a.resources {
		if resourceMatches(r.Resources, x) {
			res = append(res, x)
		}
	}
	if res == nil {
		return nil, nil
	}
	if a.verbs == nil {
		return r.Verbs, res
	}
	for _, x := range a.verbs {
		if has(r.Verbs, x) {
			verbs = append(verbs, x)
		}
	}
	if verbs == nil {
		return nil, nil
	}
	return verbs, res
}

// rbacRows lists, for one access question, every (binding, subject) whose
// role grants it.
func rbacRows(check string, bs []binding, a access) []row {
	var out []row
	for _, b := range bs {
		var parts []string
		for _, r := range b.rules {
			verbs, res := a.grant(r)
			if b.it.Kind == "RoleBinding" {
				// A RoleBinding grants nothing on cluster-scoped resources.
				res = slices.DeleteFunc(res, func(x string) bool { return clusterScoped[strings.Split(x, "/")[0]] })
				if len(res) == 0 {
					verbs = nil
				}
			}
			if verbs == nil {
				continue
			}
			p := strings.Join(verbs, ",") + " " + strings.Join(res, ",")
			if slices.Contains(r.Verbs, "*") && a.verbs != nil {
				p = "* (" + strings.Join(verbs, ",") + ") " + strings.Join(res, ",")
			}
			if len(r.ResourceNames) > 0 {
				p += " [resourceNames " + strings.Join(r.ResourceNames, ",") + "]"
			}
			if !slices.Contains(parts, p) {
				parts = append(parts, p)
			}
		}
		if parts == nil {
			continue
		}
		for _, s := range b.subjects {
			out = append(out, row{check: check, object: b.it.Kind + " " + nsName(b.it.Metadata) + " subject " + s.String(),
				what: strings.Join(parts, "; ") + " " + b.scope() + " via " + b.via(), cause: b.it.key()})
		}
	}
	return out
}

// clusterScoped are the resources the access checks ask about that
// belong to no namespace (impersonated users, groups, uids and extras
// included: impersonation asks with no namespace but for ServiceAccounts).
var clusterScoped = map[string]bool{"persistentvolumes": true, "nodes": true, "certificatesigningrequests": true,
	"validatingwebhookconfigurations": true, "mutatingwebhookconfigurations": true,
	"users": true, "groups": true, "uids": true, "userextras": true}

func nsName(m jmeta) string {
	if m.Namespace == "" {
		return m.Name
	}
	return m.Namespace + "/" + m.Name
}

// judge returns the rows of every check.
func judge(files map[string][]byte) ([]row, error) {
	v, err := readView(files)
	if err != nil {
		return nil, err
	}
	var out []row
	add := func(rs ...row) { out = append(out, rs...) }
	bs := v.bindings()

	// 5.1.1 cluster-admin bound.
	for _, b := range bs {
		if b.roleKind != "ClusterRole" || b.role != "cluster-admin" {
			continue
		}
		for _, s := range b.subjects {
			add(row{check: "5.1.1", object: b.it.Kind + " " + nsName(b.it.Metadata) + " subject " + s.String(),
				what: "ClusterRole cluster-admin " + b.scope(), cause: b.it.key()})
		}
	}
	// 5.1.2 secrets.
	add(rbacRows("5.1.2", bs, access{"", []string{"secrets"}, []string{"get", "list", "watch"}})...)
	// 5.1.3 wildcards in Roles and ClusterRoles.
	for _, k := range []string{"Role", "ClusterRole"} {
		for _, it := range v.byKind[k] {
			var r struct{ Rules []jrule }
			v.decode(it, &r)
			for i, x := range r.Rules {
				var w []string
				for _, f := range []struct {
					name string
					l    []string
				}{{"apiGroups", x.APIGroups}, {"resources", x.Resources}, {"verbs", x.Verbs}, {"nonResourceURLs", x.NonResourceURLs}} {
					if slices.Contains(f.l, "*") {
						w = append(w, f.name+" "+jsonList(f.l))
					}
				}
				if w != nil {
					add(row{check: "5.1.3", object: k + " " + nsName(it.Metadata), what: "rule " + strconv.Itoa(i+1) + ": " + strings.Join(w, ", "), cause: it.key()})
				}
			}
		}
	}
	// 5.1.4 create pods.
	add(rbacRows("5.1.4", bs, access{"", []string{"pods"}, []string{"create"}})...)

	// ServiceAccounts and pods.
	sas := map[string]*bool{}
	for _, it := range v.byKind["ServiceAccount"] {
		var s struct{ AutomountServiceAccountToken *bool }
		v.decode(it, &s)
		sas[nsName(it.Metadata)] = s.AutomountServiceAccountToken
	}
	bound := map[string][]string{} // ServiceAccount ns/name -> bindings naming it
	for _, b := range bs {
		for _, s := range b.subjects {
			if s.Kind == "ServiceAccount" {
				k := s.Namespace + "/" + s.Name
				bound[k] = append(bound[k], b.it.Kind+" "+nsName(b.it.Metadata)+" ("+b.via()+")")
			}
		}
	}
	var pods []jpod
	podItems := v.byKind["Pod"]
	for _, it := range podItems {
		var p jpod
		v.decode(it, &p)
		pods = append(pods, p)
	}
	// 5.1.5 default ServiceAccounts.
	for _, it := range v.byKind["ServiceAccount"] {
		if it.Metadata.Name != "default" {
			continue
		}
		k := nsName(it.Metadata)
		obj := "ServiceAccount " + k
		switch a := sas[k]; {
		case a == nil:
			add(row{check: "5.1.5", object: obj, what: "automountServiceAccountToken not set (tokens are mounted by default)", cause: it.key()})
		case *a:
			add(row{check: "5.1.5", object: obj, what: "automountServiceAccountToken: true", cause: it.key()})
		}
		for _, b := range bs {
			for _, s := range b.subjects {
				if s.Kind == "ServiceAccount" && s.Namespace+"/"+s.Name == k {
					add(row{check: "5.1.5", object: obj, what: "bound by " + b.it.Kind + " " + nsName(b.it.Metadata) + " to " + b.via(), cause: b.it.key()})
				}
			}
		}
		for i, p := range pods {
			if p.Metadata.Namespace == it.Metadata.Namespace && p.Spec.ServiceAccountName == "default" {
				tok := "no token mounted"
				if tokenVolume(p) != "" {
					tok = "token mounted"
				}
				add(row{check: "5.1.5", object: obj, what: "used by Pod " + nsName(p.Metadata) + " (" + tok + ")", cause: podItems[i].key()})
			}
		}
	}
	// 5.1.6 tokens mounted.
	for i, p := range pods {
		vol := tokenVolume(p)
		if vol == "" {
			continue
		}
		k := p.Metadata.Namespace + "/" + p.Spec.ServiceAccountName
		why := "pod automountServiceAccountToken " + boolWord(p.Spec.AutomountServiceAccountToken) +
			", ServiceAccount " + k + " automountServiceAccountToken " + boolWord(sas[k])
		need := "ServiceAccount has no role bindings"
		if len(bound[k]) > 0 {
			need = "ServiceAccount is bound by " + strings.Join(bound[k], ", ") + ": the token may be needed"
		}
		add(row{check: "5.1.6", object: "Pod " + nsName(p.Metadata), what: "token volume " + vol + " (" + why + "); " + need, cause: podItems[i].key()})
	}
	// 5.1.7 system:masters.
	for _, b := range bs {
		for _, s := range b.subjects {
			if s.Kind == "Group" && s.Name == "system:masters" {
				add(row{check: "5.1.7", object: b.it.Kind + " " + nsName(b.it.Metadata) + " subject " + s.String(),
					what: "binds the system:masters group to " + b.via(), cause: b.it.key()})
			}
		}
	}
	for _, it := range v.byKind["CertificateSigningRequest"] {
		var c struct {
			Spec   struct{ Request, SignerName, Username string }
			Status struct {
				Conditions []struct{ Type, Status string }
			}
		}
		v.decode(it, &c)
		der, _ := base64.StdEncoding.DecodeString(c.Spec.Request)
		blk, _ := pem.Decode(der)
		if blk == nil {
			return nil, fmt.Errorf("%s: spec.request is not a PEM block", it.key())
		}
		req, err := x509.ParseCertificateRequest(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", it.key(), err)
		}
		if slices.Contains(req.Subject.Organization, "system:masters") {
			state := "pending"
			for _, x := range c.Status.Conditions {
				if x.Status == "True" {
					state = strings.ToLower(x.Type)
				}
			}
			add(row{check: "5.1.7", object: "CertificateSigningRequest " + it.Metadata.Name,
				what: "requests O=system:masters (CN=" + req.Subject.CommonName + ") from signer " + c.Spec.SignerName + ", requested by " + c.Spec.Username + ", " + state, cause: it.key()})
		}
	}
	// 5.1.8 bind, escalate, impersonate.
	add(rbacRows("5.1.8", bs, access{"rbac.authorization.k8s.io", []string{"roles", "clusterroles"}, []string{"bind", "escalate"}})...)
	add(rbacRows("5.1.8", bs, access{"", []string{"users", "groups", "serviceaccounts"}, []string{"impersonate"}})...)
	add(rbacRows("5.1.8", bs, access{"authentication.k8s.io", []string{"uids", "userextras"}, []string{"impersonate"}})...)
	// 5.1.9 create PersistentVolumes.
	add(rbacRows("5.1.9", bs, access{"", []string{"persistentvolumes"}, []string{"create"}})...)
	// 5.1.10 nodes/proxy.
	add(rbacRows("5.1.10", bs, access{"", []string{"nodes/proxy"}, nil})...)
	// 5.1.11 CSR approval.
	add(rbacRows("5.1.11", bs, access{"certificates.k8s.io", []string{"certificatesigningrequests/approval"}, []string{"update", "patch"}})...)
	// 5.1.12 webhook configurations.
	add(rbacRows("5.1.12", bs, access{"admissionregistration.k8s.io", []string{"validatingwebhookconfigurations", "mutatingwebhookconfigurations"},
		[]string{"create", "update", "patch", "delete", "deletecollection"}})...)
	// 5.1.13 token creation.
	add(rbacRows("5.1.13", bs, access{"", []string{"serviceaccounts/token"}, []string{"create"}})...)

	// Namespaces: workloads, policies, network policies.
	podCount := map[string]int{}
	for _, p := range pods {
		podCount[p.Metadata.Namespace]++
	}
	var hooks []jwebhook
	for _, it := range v.byKind["ValidatingWebhookConfiguration"] {
		var w struct{ Webhooks []jwebhook }
		v.decode(it, &w)
		for _, h := range w.Webhooks {
			h.Name = it.Metadata.Name + "/" + h.Name
			hooks = append(hooks, h)
		}
	}
	nps := map[string]int{}
	for _, it := range v.byKind["NetworkPolicy"] {
		nps[it.Metadata.Namespace]++
	}
	for _, it := range v.byKind["Namespace"] {
		ns := it.Metadata.Name
		l := it.Metadata.Labels
		if n := podCount[ns]; n > 0 {
			level := l["pod-security.kubernetes.io/enforce"]
			if level != "baseline" && level != "restricted" {
				var covered []string
				for _, h := range hooks {
					if coversPods(h) && h.NamespaceSelector.matches(l) {
						covered = append(covered, h.Name)
					}
				}
				if covered == nil {
					what := podCountText(n) + "; no pod-security.kubernetes.io/enforce label"
					if level != "" {
						what = podCountText(n) + "; pod-security.kubernetes.io/enforce: " + level + " (admits every pod)"
					}
					add(row{check: "5.2.1", object: "Namespace " + ns, what: what + "; no validating webhook for pods selects it", cause: it.key()})
				}
			}
		}
		if nps[ns] == 0 {
			what := "no NetworkPolicy; no pods"
			if n := podCount[ns]; n > 0 {
				what = "no NetworkPolicy; " + podCountText(n)
			}
			add(row{check: "5.3.2", object: "Namespace " + ns, what: what, cause: it.key()})
		}
	}

	// Pod security.
	for i, p := range pods {
		pk := podItems[i].key()
		po := "Pod " + nsName(p.Metadata)
		podSC := parseSC(p.Spec.SecurityContext)
		windows := p.Spec.OS != nil && p.Spec.OS.Name == "windows"
		if p.Spec.HostPID {
			add(row{check: "5.2.3", object: po, what: "hostPID: true", cause: pk})
		}
		if p.Spec.HostIPC {
			add(row{check: "5.2.4", object: po, what: "hostIPC: true", cause: pk})
		}
		if p.Spec.HostNetwork {
			add(row{check: "5.2.5", object: po, what: "hostNetwork: true", cause: pk})
		}
		if podSC.WindowsOptions != nil && isTrue(podSC.WindowsOptions.HostProcess) {
			add(row{check: "5.2.10", object: po, what: "securityContext.windowsOptions.hostProcess: true (pod)", cause: pk})
		}
		for _, vol := range p.Spec.Volumes {
			if vol.HostPath != nil {
				w := "hostPath " + vol.HostPath.Path
				if vol.HostPath.Type != "" {
					w += " (" + vol.HostPath.Type + ")"
				}
				add(row{check: "5.2.11", object: po + " volume " + vol.Name, what: w, cause: pk})
			}
		}
		for _, group := range []struct {
			kind string
			cs   []jcontainer
		}{{"container", p.Spec.Containers}, {"initContainer", p.Spec.InitContainers}, {"ephemeralContainer", p.Spec.EphemeralContainers}} {
			for _, ct := range group.cs {
				co := po + " " + group.kind + " " + ct.Name
				r := func(check, what string) { add(row{check: check, object: co, what: what, cause: pk}) }
				sc := parseSC(ct.SecurityContext)
				if isTrue(sc.Privileged) {
					r("5.2.2", "privileged: true")
				}
				if sc.WindowsOptions != nil && isTrue(sc.WindowsOptions.HostProcess) {
					r("5.2.10", "securityContext.windowsOptions.hostProcess: true (container)")
				}
				for _, pt := range ct.Ports {
					if pt.HostPort != 0 {
						w := "port " + strconv.Itoa(pt.ContainerPort) + " hostPort " + strconv.Itoa(pt.HostPort)
						if p.Spec.HostNetwork {
							w += " (on the host network the API sets hostPort to the containerPort)"
						}
						r("5.2.12", w)
					}
				}
				for _, e := range ct.Env {
					if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
						r("5.4.1", "env "+e.Name+" from secretKeyRef "+e.ValueFrom.SecretKeyRef.Name+"/"+e.ValueFrom.SecretKeyRef.Key)
					}
				}
				for _, e := range ct.EnvFrom {
					if e.SecretRef != nil {
						r("5.4.1", "envFrom secretRef "+e.SecretRef.Name)
					}
				}
				if ct.SecurityContext == nil || string(*ct.SecurityContext) == "{}" {
					ps := "pod securityContext is empty"
					if p.Spec.SecurityContext != nil && string(*p.Spec.SecurityContext) != "{}" {
						ps = "pod securityContext sets only pod-level fields"
					}
					r("5.6.3", "no securityContext on the container; "+ps)
				}
				if windows {
					continue // the Linux fields below do not apply
				}
				switch {
				case sc.AllowPrivilegeEscalation != nil && *sc.AllowPrivilegeEscalation:
					r("5.2.6", "allowPrivilegeEscalation: true")
				case sc.AllowPrivilegeEscalation == nil && isTrue(sc.Privileged):
					r("5.2.6", "allowPrivilegeEscalation not set; privileged implies it")
				case sc.AllowPrivilegeEscalation == nil:
					r("5.2.6", "allowPrivilegeEscalation not set (defaults to true)")
				}
				user, nonRoot := sc.RunAsUser, sc.RunAsNonRoot
				if user == nil {
					user = podSC.RunAsUser
				}
				if nonRoot == nil {
					nonRoot = podSC.RunAsNonRoot
				}
				switch {
				case user != nil && *user == 0:
					r("5.2.7", "runAsUser: 0")
				case user == nil && !isTrue(nonRoot):
					r("5.2.7", "runAsNonRoot not set and no runAsUser (the image's user decides)")
				}
				var add_, drop []string
				if sc.Capabilities != nil {
					add_, drop = sc.Capabilities.Add, sc.Capabilities.Drop
				}
				switch {
				case isTrue(sc.Privileged):
					r("5.2.8", "privileged: true (every capability)")
				case slices.Contains(add_, "NET_RAW") || slices.Contains(add_, "ALL"):
					r("5.2.8", "capabilities.add: NET_RAW")
				case !slices.Contains(drop, "NET_RAW") && !slices.Contains(drop, "ALL"):
					r("5.2.8", "NET_RAW not dropped (container runtimes grant it by default)")
				}
				if len(add_) > 0 {
					r("5.2.9", "capabilities.add: "+strings.Join(add_, ","))
				}
				if !slices.Contains(drop, "ALL") {
					r("5.2.9", "capabilities.drop lacks ALL (the runtime's default set stays)")
				}
				prof := ""
				where := ""
				if sc.SeccompProfile != nil {
					prof, where = sc.SeccompProfile.Type, "container"
				} else if podSC.SeccompProfile != nil {
					prof, where = podSC.SeccompProfile.Type, "pod"
				}
				switch prof {
				case "":
					r("5.6.2", "no seccompProfile on the pod or the container")
				case "Unconfined":
					r("5.6.2", "seccompProfile Unconfined ("+where+")")
				}
			}
		}
	}
	// 5.6.4 the default namespace.
	for _, it := range v.items {
		if it.Metadata.Namespace != "default" {
			continue
		}
		switch it.key() {
		case "Service default/kubernetes", "ServiceAccount default/default", "ConfigMap default/kube-root-ca.crt":
			continue
		}
		if it.Kind == "NetworkPolicy" {
			continue // a restriction of the namespace, not a use of it
		}
		add(row{check: "5.6.4", object: it.Kind + " default/" + it.Metadata.Name, what: it.Kind + " in the default namespace", cause: it.key()})
	}
	sortRows(out)
	return out, nil
}

func podCountText(n int) string {
	if n == 1 {
		return "1 pod"
	}
	return strconv.Itoa(n) + " pods"
}

func jsonList(l []string) string {
	data, _ := json.Marshal(l)
	return string(data)
}

func isTrue(b *bool) bool { return b != nil && *b }

func boolWord(b *bool) string {
	if b == nil {
		return "not set"
	}
	return strconv.FormatBool(*b)
}

func parseSC(raw *json.RawMessage) jsc {
	var sc jsc
	if raw != nil {
		json.Unmarshal(*raw, &sc)
	}
	return sc
}

// tokenVolume names the projected ServiceAccount token volume of a pod.
func tokenVolume(p jpod) string {
	for _, v := range p.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, s := range v.Projected.Sources {
			if s.ServiceAccountToken != nil {
				return v.Name
			}
		}
	}
	return ""
}

// coversPods says whether a webhook is called for pod creation.
func coversPods(h jwebhook) bool {
	for _, r := range h.Rules {
		if (slices.Contains(r.APIGroups, "") || slices.Contains(r.APIGroups, "*")) &&
			(slices.Contains(r.Resources, "pods") || slices.Contains(r.Resources, "*") || slices.Contains(r.Resources, "*/*")) &&
			(slices.Contains(r.Operations, "CREATE") || slices.Contains(r.Operations, "*")) {
			return true
		}
	}
	return false
}

// checkLess orders check ids by numeric segments (5.1.10 after 5.1.9).
func checkLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.Atoi(as[i])
		y, _ := strconv.Atoi(bs[i])
		if x != y {
			return x < y
		}
	}
	return len(as) < len(bs)
}

func sortRows(rs []row) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.check != b.check {
			return checkLess(a.check, b.check)
		}
		if a.object != b.object {
			return a.object < b.object
		}
		return a.what < b.what
	})
}
