package rbac

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/internal/fuzzseed"
)

// encode writes an object back as the API prints it, for the round trip
// of FuzzDecode.
func encode(o Object) []byte {
	m := map[string]any{"apiVersion": APIVersion, "kind": string(o.Ref().Kind)}
	meta := func(md Meta) map[string]any {
		out := map[string]any{"name": md.Name}
		if md.Namespace != "" {
			out["namespace"] = md.Namespace
		}
		if md.Labels != nil {
			out["labels"] = md.Labels
		}
		return out
	}
	rules := func(rs []Rule) []any {
		var out []any
		for _, r := range rs {
			out = append(out, map[string]any{"verbs": r.Verbs, "apiGroups": r.APIGroups, "resources": r.Resources, "resourceNames": r.ResourceNames, "nonResourceURLs": r.NonResourceURLs})
		}
		return out
	}
	subjects := func(ss []Subject) []any {
		var out []any
		for _, s := range ss {
			out = append(out, map[string]any{"kind": s.Kind, "apiGroup": s.APIGroup, "name": s.Name, "namespace": s.Namespace})
		}
		return out
	}
	roleRef := func(r RoleRef) map[string]any {
		return map[string]any{"apiGroup": r.APIGroup, "kind": r.Kind, "name": r.Name}
	}
	switch o := o.(type) {
	case *Role:
		m["metadata"], m["rules"] = meta(o.Meta), rules(o.Rules)
	case *ClusterRole:
		m["metadata"], m["rules"] = meta(o.Meta), rules(o.Rules)
		if o.Aggregation != nil {
			var sels []any
			for _, s := range o.Aggregation.Selectors {
				var exprs []any
				for _, e := range s.MatchExpressions {
					exprs = append(exprs, map[string]any{"key": e.Key, "operator": string(e.Operator), "values": e.Values})
				}
				sels = append(sels, map[string]any{"matchLabels": s.MatchLabels, "matchExpressions": exprs})
			}
			m["aggregationRule"] = map[string]any{"clusterRoleSelectors": sels}
		}
	case *RoleBinding:
		m["metadata"], m["subjects"], m["roleRef"] = meta(o.Meta), subjects(o.Subjects), roleRef(o.RoleRef)
	case *ClusterRoleBinding:
		m["metadata"], m["subjects"], m["roleRef"] = meta(o.Meta), subjects(o.Subjects), roleRef(o.RoleRef)
	}
	data, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return data
}

// FuzzDecode feeds Decode arbitrary items. It must never panic; an error
// is a *DecodeError; an object has what the API server requires of it
// (a name; a namespace exactly for Roles and RoleBindings; valid
// selectors), and reads back the same once written out again.
func FuzzDecode(f *testing.F) {
	for _, item := range fixtureItems(f, "docs.yaml") {
		f.Add(item)
	}
	f.Add([]byte(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"c","labels":{"a":"b"}},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"k","operator":"NotIn","values":["x"]},{"key":"e","operator":"Exists"}]},null]},"rules":[{"verbs":[null]}]}`))
	f.Add([]byte(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"k","operator":"In"}]}]}}`))
	f.Add([]byte(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"r"}}`))
	f.Add([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}`))
	f.Add([]byte(`{"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"namespace":"n","name":"b"},"subjects":[{"kind":"ServiceAccount","name":"s"}],"roleRef":{"kind":"Role","name":"r"}}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Decode(data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || !strings.HasPrefix(err.Error(), "rbac: ") || o != nil {
				t.Fatalf("%T %v with %v", err, err, o)
			}
			return
		}
		ref := o.Ref()
		namespaced := ref.Kind == KindRole || ref.Kind == KindRoleBinding
		if ref.Name == "" || namespaced != (ref.Namespace != "") {
			t.Fatalf("%s: name or namespace", ref)
		}
		if c, ok := o.(*ClusterRole); ok && c.Aggregation != nil {
			for _, s := range c.Aggregation.Selectors {
				for _, r := range s.MatchExpressions {
					if err := r.validate(); err != nil {
						t.Fatalf("%s: %v", ref, err)
					}
				}
			}
		}
		again, err := Decode(encode(o))
		if err != nil {
			t.Fatalf("%s written out does not read: %v", ref, err)
		}
		if !reflect.DeepEqual(normal(again), normal(o)) {
			t.Fatalf("round trip\n%#v\n%#v", again, o)
		}
	})
}

// normal makes the empty lists and maps of an object nil, which the
// round trip does not keep apart.
func normal(o Object) Object {
	rules := func(rs []Rule) []Rule {
		var out []Rule
		for _, r := range rs {
			for _, l := range []*[]string{&r.Verbs, &r.APIGroups, &r.Resources, &r.ResourceNames, &r.NonResourceURLs} {
				if len(*l) == 0 {
					*l = nil
				}
			}
			out = append(out, r)
		}
		return out
	}
	meta := func(m Meta) Meta {
		if len(m.Labels) == 0 {
			m.Labels = nil
		}
		return m
	}
	switch o := o.(type) {
	case *Role:
		return &Role{meta(o.Meta), rules(o.Rules)}
	case *ClusterRole:
		c := &ClusterRole{Meta: meta(o.Meta), Rules: rules(o.Rules)}
		if o.Aggregation != nil {
			c.Aggregation = &AggregationRule{}
			for _, s := range o.Aggregation.Selectors {
				if len(s.MatchLabels) == 0 {
					s.MatchLabels = nil
				}
				var exprs []Requirement
				for _, e := range s.MatchExpressions {
					if len(e.Values) == 0 {
						e.Values = nil
					}
					exprs = append(exprs, e)
				}
				s.MatchExpressions = exprs
				c.Aggregation.Selectors = append(c.Aggregation.Selectors, s)
			}
		}
		return c
	case *RoleBinding:
		return &RoleBinding{meta(o.Meta), o.Subjects, o.RoleRef}
	case *ClusterRoleBinding:
		return &ClusterRoleBinding{meta(o.Meta), o.Subjects, o.RoleRef}
	}
	return o
}

// The reference below is the RBAC authorizer written out again, as
// plainly as its sources state it, over the objects themselves: rules
// matched field by field, bindings resolved by scanning, aggregation as a
// fixed point of unions. FuzzPolicy holds Policy to it.

func refAllows(rule Rule, r Request) bool {
	verb := false
	for _, v := range rule.Verbs {
		verb = verb || v == "*" || v == r.Verb
	}
	if !verb {
		return false
	}
	if r.Path != "" {
		for _, u := range rule.NonResourceURLs {
			if u == "*" || u == r.Path || strings.HasSuffix(u, "*") && strings.HasPrefix(r.Path, strings.TrimRight(u, "*")) {
				return true
			}
		}
		return false
	}
	group := false
	for _, g := range rule.APIGroups {
		group = group || g == "*" || g == r.APIGroup
	}
	combined := r.Resource
	if r.Subresource != "" {
		combined += "/" + r.Subresource
	}
	resource := false
	for _, x := range rule.Resources {
		resource = resource || x == "*" || x == combined ||
			r.Subresource != "" && len(x) == len(r.Subresource)+2 && strings.HasPrefix(x, "*/") && strings.HasSuffix(x, r.Subresource)
	}
	name := len(rule.ResourceNames) == 0
	for _, n := range rule.ResourceNames {
		name = name || n == r.Name
	}
	return group && resource && name
}

func refApplies(s Subject, bindingNS string, u User) bool {
	switch s.Kind {
	case "User":
		return s.Name == u.Name
	case "Group":
		return slices.Contains(u.Groups, s.Name)
	case "ServiceAccount":
		ns := s.Namespace
		if ns == "" {
			ns = bindingNS
		}
		return ns != "" && u.Name == "system:serviceaccount:"+ns+":"+s.Name
	}
	return false
}

type reference struct {
	roles    map[ObjectRef][]Rule // effective rules
	bindings []Object
}

func newReference(objs []Object) *reference {
	ref := &reference{roles: map[ObjectRef][]Rule{}}
	seen := map[ObjectRef]bool{}
	var crs []*ClusterRole
	for _, o := range objs {
		if seen[o.Ref()] {
			continue
		}
		seen[o.Ref()] = true
		switch o := o.(type) {
		case *Role:
			ref.roles[o.Ref()] = o.Rules
		case *ClusterRole:
			ref.roles[o.Ref()] = o.Rules
			crs = append(crs, o)
		default:
			ref.bindings = append(ref.bindings, o)
		}
	}
	// The least fixed point of eff(X) = stored(X) ∪ eff(Y) for every Y≠X
	// that X's selectors match.
	for changed := true; changed; {
		changed = false
		for _, x := range crs {
			if x.Aggregation == nil {
				continue
			}
			have := map[string]bool{}
			for _, r := range ref.roles[x.Ref()] {
				have[r.key()] = true
			}
			for _, y := range crs {
				if y.Name == x.Name || !slices.ContainsFunc(x.Aggregation.Selectors, func(s Selector) bool { return s.Matches(y.Labels) }) {
					continue
				}
				for _, r := range ref.roles[y.Ref()] {
					if !have[r.key()] {
						have[r.key()] = true
						ref.roles[x.Ref()] = append(ref.roles[x.Ref()], r)
						changed = true
					}
				}
			}
		}
	}
	return ref
}

// allows answers for u and r in namespace ns ("*": any).
func (ref *reference) allows(u User, r Request, ns string) bool {
	if r.Path != "" && ns != "*" {
		ns = ""
	}
	for _, o := range ref.bindings {
		var subjects []Subject
		var rr RoleRef
		var bns string
		switch b := o.(type) {
		case *ClusterRoleBinding:
			subjects, rr = b.Subjects, b.RoleRef
		case *RoleBinding:
			if r.Path != "" || ns != "*" && ns != b.Namespace {
				continue
			}
			subjects, rr, bns = b.Subjects, b.RoleRef, b.Namespace
		}
		if !slices.ContainsFunc(subjects, func(s Subject) bool { return refApplies(s, bns, u) }) {
			continue
		}
		var rules []Rule
		switch {
		case rr.Kind == "ClusterRole":
			rules = ref.roles[ObjectRef{KindClusterRole, "", rr.Name}]
		case rr.Kind == "Role" && bns != "":
			rules = ref.roles[ObjectRef{KindRole, bns, rr.Name}]
		}
		if slices.ContainsFunc(rules, func(rule Rule) bool { return refAllows(rule, r) }) {
			return true
		}
	}
	return false
}

// policySeeds are the documentation's objects as one JSON array, and the
// documentation test's users and requests.
func policySeeds(f *testing.F) []byte {
	items := fixtureItems(f, "docs.yaml")
	var b strings.Builder
	b.WriteString("[")
	for i, item := range items {
		if i > 0 {
			b.WriteString(",")
		}
		b.Write(item)
	}
	b.WriteString("]")
	return []byte(b.String())
}

// FuzzPolicy builds policies from arbitrary items and asks them arbitrary
// questions. It must never panic, and agree with the reference: the
// decision in the namespace and anywhere, and every grant it gives must
// allow the request, name the user, hold where it says, and be the rule
// Policy.Rules says it is; WhoCan's grants must be WhoCanAnywhere's in
// scope; all lists sorted.
func FuzzPolicy(f *testing.F) {
	docs := policySeeds(f)
	type seed struct {
		verb, group, resource, sub, name, ns, path, user, groups string
	}
	for _, s := range []seed{
		{"get", "", "pods", "", "", "default", "", "jane", ""},
		{"get", "", "secrets", "", "db", "development", "", "dave", ""},
		{"list", "", "secrets", "", "", "", "", "mia", "manager"},
		{"get", "", "configmaps", "", "my-configmap", "default", "", "cora", ""},
		{"patch", "apps", "deployments", "scale", "web", "prod", "", "sam", ""},
		{"create", "", "pods", "exec", "web", "acme", "", "bob", ""},
		{"watch", "stable.example.com", "crontabs", "", "", "acme", "", "system:serviceaccount:acme:myapp", "system:serviceaccounts,system:serviceaccounts:acme"},
		{"post", "", "", "", "", "", "/healthz/etcd", "olga", "ops"},
		{"get", "", "", "", "", "default", "/healthz", "rita", ""},
		{"list", "", "pods", "", "", "kube-system", "", "system:serviceaccount:kube-system:default", ""},
		{"bind", "rbac.authorization.k8s.io", "clusterroles", "", "admin", "user-1-namespace", "", "user-1", ""},
		{"escalate", "rbac.authorization.k8s.io", "roles", "", "", "x", "", "root", "system:masters"},
	} {
		f.Add(docs, s.verb, s.group, s.resource, s.sub, s.name, s.ns, s.path, s.user, s.groups)
	}
	cycle := `[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"a","labels":{"b":"1"}},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"a":"1"}}]},"rules":[{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}]},
		{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"b","labels":{"a":"1"}},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"b","operator":"Exists"}]}]},"rules":[{"verbs":["*"],"nonResourceURLs":["/x*"]}]},
		{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"subjects":[{"kind":"Group","name":"g"}],"roleRef":{"kind":"ClusterRole","name":"b"}},
		{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"namespace":"n","name":"b"},"subjects":[{"kind":"ServiceAccount","name":"s"}],"roleRef":{"kind":"ClusterRole","name":"a"}},
		{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"namespace":"n","name":"b"},"subjects":[{"kind":"User","name":"u"}],"roleRef":{"kind":"ClusterRole","name":"a"}}]`
	f.Add([]byte(cycle), "get", "", "pods", "", "p", "n", "", "system:serviceaccount:n:s", "")
	f.Add([]byte(cycle), "get", "", "", "", "", "", "/xyz", "u", "g")
	f.Fuzz(func(t *testing.T, items []byte, verb, group, resource, sub, name, ns, path, user, groups string) {
		var raws []json.RawMessage
		if json.Unmarshal(items, &raws) != nil {
			fuzzseed.Unexercised(t, "not a JSON array")
			return
		}
		var objs []Object
		for _, raw := range raws {
			if o, err := Decode(raw); err == nil {
				objs = append(objs, o)
			}
		}
		if len(objs) == 0 {
			fuzzseed.Unexercised(t, "no RBAC object")
			return
		}
		p := NewPolicy(objs)
		ref := newReference(objs)
		u := User{Name: user}
		if groups != "" {
			u.Groups = strings.Split(groups, ",")
		}
		r := Request{Verb: verb, APIGroup: group, Resource: resource, Subresource: sub, Name: name, Namespace: ns, Path: path}

		d := p.Can(u, r)
		if want := ref.allows(u, r, ns); d.Allowed != want {
			t.Fatalf("%s for %+v: allowed %v, the reference says %v", r, u, d.Allowed, want)
		}
		da := p.CanAnywhere(u, r)
		if want := ref.allows(u, r, "*"); da.Allowed != want {
			t.Fatalf("%s anywhere for %+v: allowed %v, the reference says %v", r, u, da.Allowed, want)
		}
		scope := r.namespace()
		check := func(gs []Grant, user *User, anywhere bool) {
			for i, g := range gs {
				if !refAllows(g.Rule.Rule, r) {
					t.Fatalf("%s does not allow %s", g, r)
				}
				rules, ok := p.Rules(g.Role)
				if !ok || g.RuleIndex >= len(rules) || !reflect.DeepEqual(rules[g.RuleIndex], g.Rule) {
					t.Fatalf("%s: not rule %d of %s", g, g.RuleIndex, g.Role)
				}
				if g.Scope != g.Binding.Namespace || !anywhere && g.Scope != "" && g.Scope != scope || r.NonResource() && g.Scope != "" {
					t.Fatalf("%s holds in %q, asked in %q", g, g.Scope, scope)
				}
				if user != nil && !refApplies(g.Subject, g.Scope, *user) {
					t.Fatalf("%s does not name %+v", g, *user)
				}
				if i > 0 && compareGrants(gs[i-1], g) >= 0 {
					t.Fatalf("grants out of order: %s, %s", gs[i-1], g)
				}
			}
		}
		check(d.Grants, &u, false)
		check(da.Grants, &u, true)
		who, whoAll := p.WhoCan(r), p.WhoCanAnywhere(r)
		check(who, nil, false)
		check(whoAll, nil, true)
		var inScope []Grant
		for _, g := range whoAll {
			if g.Scope == "" || g.Scope == scope {
				inScope = append(inScope, g)
			}
		}
		if !reflect.DeepEqual(inScope, who) {
			t.Fatalf("WhoCan is not WhoCanAnywhere in scope:\n%q\n%q", grantStrings(who), grantStrings(inScope))
		}
		for _, g := range d.Grants {
			if !slices.ContainsFunc(who, func(w Grant) bool {
				return w.Binding == g.Binding && w.SubjectIndex == g.SubjectIndex && w.RuleIndex == g.RuleIndex
			}) {
				t.Fatalf("%s is not among who can", g)
			}
		}
		for i, pr := range p.Problems() {
			if i > 0 && p.Problems()[i-1].Object.compare(pr.Object) > 0 {
				t.Fatal("problems out of order")
			}
		}
		_ = p.Wildcards()
	})
}

// compareGrants orders grants as Policy lists them: ClusterRoleBindings
// then RoleBindings, by namespace, name, subject and rule.
func compareGrants(a, b Grant) int {
	if c := a.Binding.compare(b.Binding); c != 0 {
		return c
	}
	if a.SubjectIndex != b.SubjectIndex {
		return a.SubjectIndex - b.SubjectIndex
	}
	return a.RuleIndex - b.RuleIndex
}
