package rbac

import (
	"slices"
	"strings"
)

// Wildcard is a rule that uses the wildcard "*" where a list could name
// things: where it is and which lists do.
type Wildcard struct {
	At   RuleRef // the role and the index of the rule in its own rules
	Rule Rule
	// Fields names the lists that hold a wildcard, in this order:
	// verbs, apiGroups, resources ("*" or "*/subresource"),
	// nonResourceURLs ("*" alone; a path ending in "*" names a prefix).
	Fields []string
}

// Wildcards lists every rule, of every Role and ClusterRole as the
// snapshot stores it, that holds a wildcard, by role (kind, namespace,
// name) and rule index. Aggregated rules are listed where they are
// written. A "*" in resourceNames is not a wildcard: RBAC takes it as a
// name.
func (p *Policy) Wildcards() []Wildcard {
	var out []Wildcard
	for _, ref := range p.roleOrder {
		for _, e := range p.roles[ref].rules {
			if e.Stored < 0 {
				continue
			}
			var fields []string
			if slices.Contains(e.Verbs, All) {
				fields = append(fields, "verbs")
			}
			if slices.Contains(e.APIGroups, All) {
				fields = append(fields, "apiGroups")
			}
			if slices.ContainsFunc(e.Resources, func(r string) bool { return r == All || strings.HasPrefix(r, "*/") }) {
				fields = append(fields, "resources")
			}
			if slices.Contains(e.NonResourceURLs, All) {
				fields = append(fields, "nonResourceURLs")
			}
			if len(fields) > 0 {
				out = append(out, Wildcard{At: RuleRef{ref, e.Stored}, Rule: e.Rule, Fields: fields})
			}
		}
	}
	return out
}

// Query is a named set of requests that the CIS benchmark asks be
// granted to as few subjects as possible.
type Query struct {
	Name     string // a stable name: secrets-read, pods-create, …
	Title    string
	Requests []Request
}

func requests(verbs []string, group string, resources ...string) []Request {
	var out []Request
	for _, res := range resources {
		resource, sub, _ := strings.Cut(res, "/")
		for _, v := range verbs {
			out = append(out, Request{Verb: v, APIGroup: group, Resource: resource, Subresource: sub})
		}
	}
	return out
}

// Sensitive returns the queries of the CIS benchmark's RBAC section
// (5.1.2, 5.1.4, 5.1.8 to 5.1.13) and the workload kinds that create
// pods: each request names no namespace and no object, so that
// WhoCanAnywhere finds every grant of it, and Can asks cluster-wide.
func Sensitive() []Query {
	create := []string{"create"}
	return []Query{
		{"secrets-read", "get, list or watch Secrets", requests([]string{"get", "list", "watch"}, "", "secrets")},
		{"pods-create", "create Pods", requests(create, "", "pods")},
		{"workloads-create", "create the workloads that create Pods", append(append(
			requests(create, "apps", "deployments", "replicasets", "statefulsets", "daemonsets"),
			requests(create, "batch", "jobs", "cronjobs")...),
			requests(create, "", "replicationcontrollers")...)},
		{"bind", "bind Roles or ClusterRoles they do not hold", requests([]string{"bind"}, "rbac.authorization.k8s.io", "roles", "clusterroles")},
		{"escalate", "escalate: write Roles or ClusterRoles with rules they do not hold", requests([]string{"escalate"}, "rbac.authorization.k8s.io", "roles", "clusterroles")},
		{"impersonate", "impersonate users, groups, service accounts or user attributes", append(
			requests([]string{"impersonate"}, "", "users", "groups", "serviceaccounts"),
			requests([]string{"impersonate"}, "authentication.k8s.io", "uids", "userextras")...)},
		{"persistentvolumes-create", "create PersistentVolumes", requests(create, "", "persistentvolumes")},
		// The kubelet API behind nodes/proxy takes each HTTP method as a verb.
		{"nodes-proxy", "reach the kubelet API through nodes/proxy", requests([]string{"get", "create", "update", "patch", "delete"}, "", "nodes/proxy")},
		{"csr-approve", "approve CertificateSigningRequests", requests([]string{"update", "patch"}, "certificates.k8s.io", "certificatesigningrequests/approval")},
		{"webhooks-write", "create, update or delete admission webhook configurations", requests([]string{"create", "update", "patch", "delete"}, "admissionregistration.k8s.io", "validatingwebhookconfigurations", "mutatingwebhookconfigurations")},
		{"serviceaccounts-token", "create service account tokens", requests(create, "", "serviceaccounts/token")},
	}
}
