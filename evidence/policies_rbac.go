package evidence

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kubeproof/kubeproof/evidence/rbac"
	"github.com/kubeproof/kubeproof/results"
)

// The RBAC rules of section 5.1, decided by the offline authorizer of
// package rbac over the snapshot's roles and bindings.

// rbacKinds are the kinds the RBAC rules read.
var rbacKinds = []string{"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}

// rbacState is the snapshot's policy, built once: the objects decoded,
// the bindings among them in the snapshot's order (ClusterRoleBindings,
// then RoleBindings), and what could not be read.
type rbacState struct {
	policy   *rbac.Policy
	objects  map[rbac.ObjectRef]*Object
	bindings []binding
	bad      []string
}

// binding is a decoded ClusterRoleBinding or RoleBinding.
type binding struct {
	object   *Object
	subjects []rbac.Subject
	roleRef  rbac.RoleRef
}

func (s *Snapshot) rbac() *rbacState {
	s.rbacOnce.Do(func() {
		st := &rbacState{objects: map[rbac.ObjectRef]*Object{}}
		var objs []rbac.Object
		for _, kind := range rbacKinds {
			for _, o := range s.Objects(kind) {
				obj, err := rbac.Decode(o.Raw)
				if err != nil {
					st.bad = append(st.bad, o.Ref()+": "+err.Error())
					continue
				}
				st.objects[rbac.ObjectRef{Kind: rbac.Kind(o.Kind), Namespace: o.Namespace, Name: o.Name}] = o
				switch b := obj.(type) {
				case *rbac.ClusterRoleBinding:
					st.bindings = append(st.bindings, binding{o, b.Subjects, b.RoleRef})
				case *rbac.RoleBinding:
					st.bindings = append(st.bindings, binding{o, b.Subjects, b.RoleRef})
				}
				objs = append(objs, obj)
			}
		}
		st.policy = rbac.NewPolicy(objs)
		s.rbacState = st
	})
	return s.rbacState
}

// bootstrapLabel marks the roles and bindings the API server creates and
// reconciles on every start (its bootstrap policy): an auditor cannot
// change them, and the rules count them as the system's.
const bootstrapLabel = "kubernetes.io/bootstrapping"

// systemSubject reports whether a subject is the cluster's own: a user
// or group named system:…, or a service account of a system namespace.
func systemSubject(sub rbac.Subject) bool {
	if sub.Kind == rbac.SubjectServiceAccount {
		return isSystemNamespace(sub.Namespace)
	}
	return strings.HasPrefix(sub.Name, "system:") && !broadGroups[sub.Name]
}

// broadGroups are the groups that hold every user, or every service
// account: what they may do, anyone may.
var broadGroups = map[string]bool{
	"system:authenticated": true, "system:unauthenticated": true, "system:serviceaccounts": true, "system:anonymous": true,
}

const rbacScope = "subjects of the cluster itself (users and groups named system:…, service accounts of kube-system, kube-public and kube-node-lease) are listed apart and not counted; system:authenticated, system:unauthenticated and system:serviceaccounts count"

// rbacPrecondition says why the RBAC rules cannot decide, or "".
func (s *Snapshot) rbacPrecondition(r *RuleResult) bool {
	if !s.Has("ClusterRole") || !s.Has("ClusterRoleBinding") {
		r.Unknown = "the snapshot holds no ClusterRole or no ClusterRoleBinding objects: capture roles, clusterroles, rolebindings and clusterrolebindings (kubectl get … -A -o json)"
		r.Examined = []results.Citation{s.ManifestCitation("no RBAC objects")}
		return false
	}
	st := s.rbac()
	if len(st.bad) > 0 {
		r.Unknown = fmt.Sprintf("%d RBAC objects could not be read (%s)", len(st.bad), st.bad[0])
	}
	r.Examined = []results.Citation{s.KindCitation("ClusterRoleBinding", fmt.Sprintf("%d ClusterRoleBinding, %d RoleBinding, %d ClusterRole and %d Role objects",
		len(s.Objects("ClusterRoleBinding")), len(s.Objects("RoleBinding")), len(s.Objects("ClusterRole")), len(s.Objects("Role"))))}
	return true
}

// grantFinding turns a grant into a finding on its binding.
func (s *Snapshot) grantFinding(g rbac.Grant, what string) Finding {
	st := s.rbac()
	o := st.objects[g.Binding]
	where := "cluster-wide"
	if g.Scope != "" {
		where = "in namespace " + g.Scope
	}
	return Finding{Object: o, Field: fmt.Sprintf("subjects[%d]", g.SubjectIndex),
		Observed: fmt.Sprintf("%s can %s %s, through %s", g.Subject, what, where, g.RuleLocator()),
		System:   systemSubject(g.Subject) || st.objects[g.Binding].Labels[bootstrapLabel] == "rbac-defaults"}
}

// queryRule finds every grant of the requests of the named queries.
func queryRule(expected string, queries ...string) policyRule {
	return func(s *Snapshot) RuleResult {
		r := RuleResult{Expected: expected, Scope: rbacScope}
		if !s.rbacPrecondition(&r) {
			return r
		}
		p := s.rbac().policy
		type key struct {
			b rbac.ObjectRef
			i int
		}
		seen := map[key]bool{}
		for _, q := range rbac.Sensitive() {
			if !slices.Contains(queries, q.Name) {
				continue
			}
			for _, req := range q.Requests {
				for _, g := range p.WhoCanAnywhere(req) {
					if g.Scope != "" && clusterScoped[q.Name] {
						// A RoleBinding grants nothing on cluster-scoped
						// resources: the rule holds only in its namespace.
						continue
					}
					k := key{g.Binding, g.SubjectIndex}
					if seen[k] {
						continue
					}
					seen[k] = true
					r.Findings = append(r.Findings, s.grantFinding(g, q.Title))
				}
			}
		}
		return r
	}
}

// clusterScoped are the queries about resources that exist outside any
// namespace (PersistentVolumes, Nodes, CertificateSigningRequests, webhook
// configurations): only ClusterRoleBindings grant them.
var clusterScoped = map[string]bool{"persistentvolumes-create": true, "nodes-proxy": true, "csr-approve": true, "webhooks-write": true}

func clusterAdminRule(s *Snapshot) RuleResult {
	r := RuleResult{Expected: "cluster-admin is bound only by the API server's own binding (ClusterRoleBinding cluster-admin to system:masters)", Scope: rbacScope}
	if !s.rbacPrecondition(&r) {
		return r
	}
	for _, b := range s.rbac().bindings {
		if b.roleRef.Kind != "ClusterRole" || b.roleRef.Name != "cluster-admin" {
			continue
		}
		o := b.object
		for i, sub := range b.subjects {
			if sub.Kind == rbac.SubjectServiceAccount && sub.Namespace == "" {
				sub.Namespace = o.Namespace
			}
			// The bootstrap binding's own subject is system:masters; anyone
			// added to it counts.
			r.Findings = append(r.Findings, Finding{Object: o, Field: fmt.Sprintf("subjects[%d]", i),
				Observed: sub.String() + " holds cluster-admin", System: systemSubject(sub)})
		}
	}
	return r
}

func systemMastersRule(s *Snapshot) RuleResult {
	r := RuleResult{Expected: "no binding names the group system:masters but the API server's own, and no CertificateSigningRequest asks for a certificate in it (the group bypasses RBAC: membership comes from client certificates, which cannot be revoked)", Scope: "the bootstrap binding cluster-admin is listed apart"}
	if !s.rbacPrecondition(&r) {
		return r
	}
	for _, o := range s.Objects("CertificateSigningRequest") {
		var csr struct {
			Spec struct {
				RequestSubject *struct {
					CommonName   string   `json:"commonName"`
					Organization []string `json:"organization"`
				} `json:"requestSubject"`
			} `json:"spec"`
			Status struct {
				Conditions []struct {
					Type   string `json:"type"`
					Status string `json:"status"`
				} `json:"conditions"`
			} `json:"status"`
		}
		if json.Unmarshal(o.Raw, &csr) != nil || csr.Spec.RequestSubject == nil {
			continue
		}
		for _, org := range csr.Spec.RequestSubject.Organization {
			if !rbac.BypassesRBAC(org) {
				continue
			}
			state := "pending"
			for _, c := range csr.Status.Conditions {
				if c.Status == "True" && (c.Type == "Approved" || c.Type == "Denied") {
					state = strings.ToLower(c.Type)
				}
			}
			r.Findings = append(r.Findings, Finding{Object: o, Field: "spec.requestSubject.organization",
				Observed: fmt.Sprintf("a certificate for %s in %s (%s)", csr.Spec.RequestSubject.CommonName, org, state)})
		}
	}
	for _, b := range s.rbac().bindings {
		for i, sub := range b.subjects {
			if sub.Kind == rbac.SubjectGroup && rbac.BypassesRBAC(sub.Name) {
				r.Findings = append(r.Findings, Finding{Object: b.object, Field: fmt.Sprintf("subjects[%d]", i), Observed: "Group " + sub.Name,
					System: b.object.Labels[bootstrapLabel] == "rbac-defaults"})
			}
		}
	}
	return r
}

func wildcardRule(s *Snapshot) RuleResult {
	r := RuleResult{Expected: "no Role or ClusterRole uses \"*\" in verbs, apiGroups, resources or nonResourceURLs",
		Scope: "the API server's bootstrap roles (label kubernetes.io/bootstrapping: rbac-defaults, such as cluster-admin) are listed apart and not counted"}
	if !s.rbacPrecondition(&r) {
		return r
	}
	st := s.rbac()
	for _, w := range st.policy.Wildcards() {
		o := st.objects[w.At.Role]
		r.Findings = append(r.Findings, Finding{Object: o, Field: fmt.Sprintf("rules[%d]", w.At.Index),
			Observed: "\"*\" in " + strings.Join(w.Fields, ", "), System: o.Labels[bootstrapLabel] == "rbac-defaults"})
	}
	return r
}

func init() {
	policyRules["rbac-cluster-admin"] = clusterAdminRule
	policyRules["rbac-system-masters"] = systemMastersRule
	policyRules["rbac-wildcards"] = wildcardRule
	policyRules["rbac-secrets"] = queryRule("no subject but the cluster's own can get, list or watch Secrets", "secrets-read")
	policyRules["rbac-pod-create"] = queryRule("no subject but the cluster's own can create Pods, or the workloads that create them", "pods-create", "workloads-create")
	policyRules["rbac-bind-escalate-impersonate"] = queryRule("no subject but the cluster's own holds bind, escalate or impersonate", "bind", "escalate", "impersonate")
	policyRules["rbac-pv-create"] = queryRule("no subject but the cluster's own can create PersistentVolumes", "persistentvolumes-create")
	policyRules["rbac-node-proxy"] = queryRule("no subject but the cluster's own can reach nodes/proxy", "nodes-proxy")
	policyRules["rbac-csr-approve"] = queryRule("no subject but the cluster's own can approve CertificateSigningRequests", "csr-approve")
	policyRules["rbac-webhooks"] = queryRule("no subject but the cluster's own can write admission webhook configurations", "webhooks-write")
	policyRules["rbac-token-create"] = queryRule("no subject but the cluster's own can create service account tokens", "serviceaccounts-token")
}
