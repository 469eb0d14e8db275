package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// `kubectl auth can-i VERB RESOURCE`, answered as an API server with the
// Node and RBAC authorizers would answer the SelfSubjectAccessReview
// kubectl sends: kubectl passes VERB through untouched (so "get,list,watch"
// is one verb, which only a "*" in a rule's verbs matches), --all-namespaces
// asks with no namespace (so only ClusterRoleBindings apply), and
// impersonating a user without --as-group adds the group
// system:authenticated (and, for a ServiceAccount, its two groups).

type canIRequest struct {
	user                string
	groups              []string
	verb, group         string
	resource, sub, name string
	namespace           string
}

func (s *store) canI(args []string, stdout, stderr io.Writer) int {
	var pos, asGroups []string
	as := ""
	all := false
	ns := "default"
	sub := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-A" || a == "--all-namespaces":
			all = true
		case strings.HasPrefix(a, "--as="):
			as = strings.TrimPrefix(a, "--as=")
		case a == "--as" && i+1 < len(args):
			i++
			as = args[i]
		case strings.HasPrefix(a, "--as-group="):
			asGroups = append(asGroups, strings.TrimPrefix(a, "--as-group="))
		case (a == "-n" || a == "--namespace") && i+1 < len(args):
			i++
			ns = args[i]
		case strings.HasPrefix(a, "--namespace="):
			ns = strings.TrimPrefix(a, "--namespace=")
		case strings.HasPrefix(a, "--subresource="):
			sub = strings.TrimPrefix(a, "--subresource=")
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(stderr, "kubectl (kubeproof oracle fake): auth can-i: unsupported flag %q\n", a)
			return 2
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, "error: you must specify two arguments: verb resource or verb resource/resourceName.")
		return 1
	}
	r := canIRequest{verb: pos[0], sub: sub}
	res, name, _ := strings.Cut(pos[1], "/")
	r.name = name
	r.resource, r.group, _ = strings.Cut(res, ".")
	if all {
		r.namespace = ""
	} else {
		r.namespace = ns
	}
	switch {
	case as == "":
		// kube-bench runs as the cluster's administrator.
		r.user, r.groups = "kubernetes-admin", []string{"kubeadm:cluster-admins", "system:authenticated"}
	case len(asGroups) > 0:
		r.user, r.groups = as, asGroups
	case as == "system:anonymous":
		r.user, r.groups = as, []string{"system:unauthenticated"}
	default:
		r.user, r.groups = as, []string{"system:authenticated"}
		if rest, ok := strings.CutPrefix(as, "system:serviceaccount:"); ok {
			sans, _, _ := strings.Cut(rest, ":")
			r.groups = append(r.groups, "system:serviceaccounts", "system:serviceaccounts:"+sans)
		}
	}
	ok, reason := s.authorize(r)
	if ok {
		fmt.Fprintln(stdout, "yes")
		return 0
	}
	fmt.Fprint(stdout, "no")
	if reason != "" {
		fmt.Fprintf(stdout, " - %s", reason)
	}
	fmt.Fprintln(stdout)
	return 1
}

// authorize returns whether RBAC allows the request, and the reason an
// API server gives with a denial (the roles bindings point at that do
// not exist).
func (s *store) authorize(r canIRequest) (bool, string) {
	if slices.Contains(r.groups, "system:masters") {
		return true, "" // the API server's privileged group
	}
	roles := map[string][]any{}
	for _, k := range []string{"Role", "ClusterRole"} {
		for _, it := range s.kind(k) {
			ns, name := metaOf(it)
			rules, _ := it["rules"].([]any)
			roles[k+"/"+ns+"/"+name] = rules
		}
	}
	var missing []string
	bindings := append(append([]map[string]any{}, s.kind("ClusterRoleBinding")...), s.kind("RoleBinding")...)
	for _, it := range bindings {
		k := kindOf(it)
		ns, _ := metaOf(it)
		if k == "RoleBinding" && (r.namespace == "" || ns != r.namespace) {
			continue
		}
		if !appliesTo(it, r) {
			continue
		}
		ref, _ := it["roleRef"].(map[string]any)
		rk, _ := ref["kind"].(string)
		rn, _ := ref["name"].(string)
		key := "ClusterRole//" + rn
		if rk == "Role" {
			key = "Role/" + ns + "/" + rn
		}
		rules, ok := roles[key]
		if !ok {
			missing = append(missing, fmt.Sprintf("%s.rbac.authorization.k8s.io %q not found", strings.ToLower(rk), rn))
			continue
		}
		for _, x := range rules {
			if ruleAllows(x.(map[string]any), r) {
				return true, ""
			}
		}
	}
	if missing != nil {
		return false, "RBAC: " + strings.Join(missing, ", ")
	}
	return false, ""
}

func appliesTo(binding map[string]any, r canIRequest) bool {
	subjects, _ := binding["subjects"].([]any)
	bns, _ := metaOf(binding)
	for _, x := range subjects {
		s := x.(map[string]any)
		kind, _ := s["kind"].(string)
		name, _ := s["name"].(string)
		ns, _ := s["namespace"].(string)
		switch kind {
		case "User":
			if name == r.user {
				return true
			}
		case "Group":
			if slices.Contains(r.groups, name) {
				return true
			}
		case "ServiceAccount":
			if ns == "" {
				ns = bns
			}
			if r.user == "system:serviceaccount:"+ns+":"+name {
				return true
			}
		}
	}
	return false
}

func strs(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func ruleAllows(rule map[string]any, r canIRequest) bool {
	verbs := strs(rule["verbs"])
	if !slices.Contains(verbs, "*") && !slices.Contains(verbs, r.verb) {
		return false
	}
	if _, nonResource := rule["nonResourceURLs"]; nonResource {
		return false
	}
	groups := strs(rule["apiGroups"])
	if !slices.Contains(groups, "*") && !slices.Contains(groups, r.group) {
		return false
	}
	res := r.resource
	if r.sub != "" {
		res += "/" + r.sub
	}
	resources := strs(rule["resources"])
	matched := slices.Contains(resources, "*") || slices.Contains(resources, res) ||
		(r.sub != "" && slices.Contains(resources, "*/"+r.sub))
	if !matched {
		return false
	}
	names := strs(rule["resourceNames"])
	return len(names) == 0 || slices.Contains(names, r.name)
}
