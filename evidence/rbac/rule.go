package rbac

import (
	"strconv"
	"strings"
)

// Rule is one entry of a role's rules: a PolicyRule of
// rbac.authorization.k8s.io/v1.
type Rule struct {
	Verbs           []string
	APIGroups       []string
	Resources       []string
	ResourceNames   []string
	NonResourceURLs []string
}

// Request is what an authorizer is asked: a verb on a resource (with an
// API group, an optional subresource and object name, in a namespace or
// cluster-wide), or a verb on a non-resource URL path.
//
// A request with a Path is a non-resource request: the resource fields
// and Namespace are then ignored, as the API server gives such requests
// no namespace. Namespace "" asks cluster-wide: about a cluster-scoped
// resource, or about a namespaced one in all namespaces at once (kubectl
// --all-namespaces); only ClusterRoleBindings can grant it.
type Request struct {
	Verb        string
	APIGroup    string // "" is the core group
	Resource    string
	Subresource string
	Name        string
	Namespace   string
	Path        string
}

// NonResource reports whether r is a request for a non-resource URL.
func (r Request) NonResource() bool { return r.Path != "" }

// namespace is the namespace the authorizer sees for r.
func (r Request) namespace() string {
	if r.NonResource() {
		return ""
	}
	return r.Namespace
}

// String describes r as kubectl auth can-i would take it:
// "get pods/log named web in namespace dev", "get /healthz".
func (r Request) String() string {
	var b strings.Builder
	b.WriteString(r.Verb)
	b.WriteByte(' ')
	if r.NonResource() {
		b.WriteString(r.Path)
		return b.String()
	}
	b.WriteString(r.Resource)
	if r.APIGroup != "" {
		b.WriteByte('.')
		b.WriteString(r.APIGroup)
	}
	if r.Subresource != "" {
		b.WriteByte('/')
		b.WriteString(r.Subresource)
	}
	if r.Name != "" {
		b.WriteString(" named ")
		b.WriteString(r.Name)
	}
	if ns := r.namespace(); ns != "" {
		b.WriteString(" in namespace ")
		b.WriteString(ns)
	} else {
		b.WriteString(" cluster-wide")
	}
	return b.String()
}

// Allows reports whether the rule allows the request, as the RBAC
// authorizer matches one rule: the verb, then for a resource request the
// API group, the resource (with its subresource) and the object's name,
// for a non-resource request the URL path.
func (rule *Rule) Allows(r Request) bool {
	if !has(rule.Verbs, r.Verb) {
		return false
	}
	if r.NonResource() {
		return urlMatches(rule.NonResourceURLs, r.Path)
	}
	return has(rule.APIGroups, r.APIGroup) &&
		resourceMatches(rule.Resources, r.Resource, r.Subresource) &&
		nameMatches(rule.ResourceNames, r.Name)
}

// has reports whether list holds want or the wildcard "*". It matches
// verbs and API groups.
func has(list []string, want string) bool {
	for _, v := range list {
		if v == All || v == want {
			return true
		}
	}
	return false
}

// All is the wildcard of verbs, API groups, resources and non-resource
// URLs.
const All = "*"

// resourceMatches: "*" matches every resource and subresource; otherwise
// a rule names "resource" or "resource/subresource" exactly, or
// "*/subresource" for that subresource of every resource. A rule for
// "pods" does not cover "pods/log".
func resourceMatches(list []string, resource, subresource string) bool {
	combined := resource
	if subresource != "" {
		combined = resource + "/" + subresource
	}
	for _, v := range list {
		if v == All || v == combined {
			return true
		}
		if subresource != "" && v == "*/"+subresource {
			return true
		}
	}
	return false
}

// nameMatches: a rule without resourceNames covers every object; a rule
// with them covers only requests that name one of them, so never a
// request without a name (list, watch, create, deletecollection).
func nameMatches(list []string, name string) bool {
	if len(list) == 0 {
		return true
	}
	for _, v := range list {
		if v == name {
			return true
		}
	}
	return false
}

// urlMatches: a rule's URL matches a path exactly, or, when it ends in
// "*", every path that starts with what precedes its trailing stars ("*"
// alone matches every path; "/healthz/*" matches "/healthz/etcd" but not
// "/healthz").
func urlMatches(list []string, path string) bool {
	for _, v := range list {
		if v == path {
			return true
		}
		if strings.HasSuffix(v, All) && strings.HasPrefix(path, strings.TrimRight(v, All)) {
			return true
		}
	}
	return false
}

// key is a rule's identity for de-duplication: two rules are the same
// when every list holds the same strings in the same order (an empty list
// and an absent one are the same), as the aggregation controller compares
// rules.
func (rule *Rule) key() string {
	var b strings.Builder
	for _, list := range [][]string{rule.Verbs, rule.APIGroups, rule.Resources, rule.ResourceNames, rule.NonResourceURLs} {
		b.WriteString(strconv.Itoa(len(list)))
		b.WriteByte(';')
		for _, v := range list {
			b.WriteString(strconv.Itoa(len(v)))
			b.WriteByte(':')
			b.WriteString(v)
		}
	}
	return b.String()
}

// String renders the rule compactly, its lists in the order of the API's
// fields, empty lists left out: {apiGroups:[""] resources:["pods"]
// verbs:["get"]}.
func (rule *Rule) String() string {
	var parts []string
	for _, f := range []struct {
		name string
		list []string
	}{{"apiGroups", rule.APIGroups}, {"resources", rule.Resources}, {"resourceNames", rule.ResourceNames}, {"nonResourceURLs", rule.NonResourceURLs}, {"verbs", rule.Verbs}} {
		if len(f.list) == 0 {
			continue
		}
		q := make([]string, len(f.list))
		for i, v := range f.list {
			q[i] = strconv.Quote(v)
		}
		parts = append(parts, f.name+":["+strings.Join(q, ",")+"]")
	}
	return "{" + strings.Join(parts, " ") + "}"
}
