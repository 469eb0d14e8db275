package rbac

import (
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const readPods = `apiVersion: rbac.authorization.k8s.io/v1
kind: %s
metadata: {namespace: %s, name: %s}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]`

func roleDoc(kind, ns, name string) string {
	return strings.Replace(strings.Replace(strings.Replace(readPods, "%s", kind, 1), "%s", ns, 1), "%s", name, 1)
}

func bindingDoc(kind, ns, name, refKind, refName string, subjects ...string) string {
	s := "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata: {namespace: \"" + ns + "\", name: \"" + name + "\"}\n"
	s += "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + refKind + ", name: " + refName + "}\nsubjects:\n"
	for _, sub := range subjects {
		s += "- " + sub + "\n"
	}
	return s
}

// TestRoleRefs: what each kind of binding can grant, and what grants
// nothing.
func TestRoleRefs(t *testing.T) {
	objs := yamlObjects(t,
		roleDoc("Role", "a", "r"),
		roleDoc("ClusterRole", "", "c"),
		bindingDoc("RoleBinding", "a", "role-here", "Role", "r", "{kind: User, name: u1}"),
		bindingDoc("RoleBinding", "b", "role-elsewhere", "Role", "r", "{kind: User, name: u2}"),
		bindingDoc("RoleBinding", "b", "clusterrole", "ClusterRole", "c", "{kind: User, name: u3}"),
		bindingDoc("ClusterRoleBinding", "", "clusterrole", "ClusterRole", "c", "{kind: User, name: u4}"),
		bindingDoc("ClusterRoleBinding", "", "role", "Role", "r", "{kind: User, name: u5}"),
		bindingDoc("ClusterRoleBinding", "", "missing", "ClusterRole", "gone", "{kind: User, name: u6}"),
		bindingDoc("RoleBinding", "a", "odd-kind", "Foo", "r", "{kind: User, name: u7}"),
		bindingDoc("RoleBinding", "a", "lowercase-kind", "role", "r", "{kind: User, name: u8}"),
		strings.Replace(bindingDoc("RoleBinding", "a", "other-api-group", "Role", "r", "{kind: User, name: u9}"), "apiGroup: rbac.authorization.k8s.io", "apiGroup: example.com", 1),
	)
	p := NewPolicy(objs)
	tests := []struct {
		user  string
		ns    string
		grant string
	}{
		{"u1", "a", "RoleBinding a/role-here subjects[0] → Role a/r rules[0]"},
		{"u1", "b", ""},
		{"u2", "b", ""}, // a Role of another namespace
		{"u3", "b", "RoleBinding b/clusterrole subjects[0] → ClusterRole c rules[0]"},
		{"u3", "a", ""},
		{"u4", "a", "ClusterRoleBinding clusterrole subjects[0] → ClusterRole c rules[0]"},
		{"u4", "", "ClusterRoleBinding clusterrole subjects[0] → ClusterRole c rules[0]"},
		{"u5", "a", ""},
		{"u6", "", ""},
		{"u7", "a", ""},
		{"u8", "a", ""},
		{"u9", "a", "RoleBinding a/other-api-group subjects[0] → Role a/r rules[0]"}, // the authorizer does not read roleRef.apiGroup
	}
	for _, tt := range tests {
		d := p.Can(User{Name: tt.user}, Request{Verb: "get", Resource: "pods", Namespace: tt.ns})
		got := ""
		if d.Allowed {
			got = d.Grants[0].String()
		}
		if got != tt.grant {
			t.Errorf("%s in %q: %q, want %q", tt.user, tt.ns, got, tt.grant)
		}
	}
	want := []string{
		`dangling-roleref: ClusterRoleBinding missing roleRef: ClusterRole "gone" does not exist; the binding grants nothing`,
		`dangling-roleref: ClusterRoleBinding role roleRef: a ClusterRoleBinding cannot grant a Role ("r"); the binding grants nothing`,
		`dangling-roleref: RoleBinding a/lowercase-kind roleRef: roleRef kind "role" is neither Role nor ClusterRole; the binding grants nothing`,
		`dangling-roleref: RoleBinding a/odd-kind roleRef: roleRef kind "Foo" is neither Role nor ClusterRole; the binding grants nothing`,
		`dangling-roleref: RoleBinding b/role-elsewhere roleRef: Role "r" does not exist in namespace b; the binding grants nothing`,
	}
	if got := problemStrings(p.Dangling()); !slices.Equal(got, want) {
		t.Errorf("dangling\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if got := problemStrings(p.Problems()); !slices.Equal(got, want) {
		t.Errorf("problems %q", got)
	}
	// Dangling bindings are what the authorizer reports beside a denial.
	d := p.Can(User{Name: "u2"}, Request{Verb: "get", Resource: "pods", Namespace: "b"})
	if len(d.Unresolved) != 1 || d.Unresolved[0].Object.Name != "role-elsewhere" || d.String() != "denied: no rule allows it; "+d.Unresolved[0].String() {
		t.Errorf("%s", d)
	}
	if d := p.Can(User{Name: "u2"}, Request{Verb: "get", Resource: "pods", Namespace: "a"}); len(d.Unresolved) != 0 {
		t.Errorf("a RoleBinding of b reported for a request in a: %s", d)
	}
	if got := grantStrings(p.WhoCanAnywhere(Request{Verb: "get", Resource: "pods"})); len(got) != 4 {
		t.Errorf("who can anywhere: %q", got)
	}
}

// TestSubjects: which users each subject names, in a RoleBinding and in a
// ClusterRoleBinding.
func TestSubjects(t *testing.T) {
	objs := yamlObjects(t,
		roleDoc("ClusterRole", "", "c"),
		bindingDoc("RoleBinding", "a", "rb", "ClusterRole", "c",
			"{kind: User, name: jane}",
			"{kind: Group, name: devs}",
			"{kind: ServiceAccount, name: local}",
			"{kind: ServiceAccount, name: remote, namespace: b}",
			"{kind: user, name: lower}",
			"{kind: Robot, name: r2}",
			"{kind: ServiceAccount, name: jane}"),
		bindingDoc("ClusterRoleBinding", "", "crb", "ClusterRole", "c",
			"{kind: ServiceAccount, name: nowhere}",
			"{kind: ServiceAccount, name: sa, namespace: c}",
			"{kind: Group, name: system:serviceaccounts:d}"),
	)
	p := NewPolicy(objs)
	pods := func(ns string) Request { return Request{Verb: "get", Resource: "pods", Namespace: ns} }
	tests := []struct {
		name  string
		user  User
		req   Request
		grant string
	}{
		{"user", User{Name: "jane"}, pods("a"), "RoleBinding a/rb subjects[0] → ClusterRole c rules[0]"},
		{"group", User{Name: "x", Groups: []string{"qa", "devs"}}, pods("a"), "RoleBinding a/rb subjects[1] → ClusterRole c rules[0]"},
		{"group name is not a user name", User{Name: "devs"}, pods("a"), ""},
		{"service account of the binding's namespace", ServiceAccountUser("a", "local"), pods("a"), "RoleBinding a/rb subjects[2] → ClusterRole c rules[0]"},
		{"service account, another namespace", ServiceAccountUser("b", "local"), pods("a"), ""},
		{"service account of another namespace, granted in this one", ServiceAccountUser("b", "remote"), pods("a"), "RoleBinding a/rb subjects[3] → ClusterRole c rules[0]"},
		{"… not in its own", ServiceAccountUser("b", "remote"), pods("b"), ""},
		{"a kind in lower case names nobody", User{Name: "lower"}, pods("a"), ""},
		{"an unknown kind names nobody", User{Name: "r2"}, pods("a"), ""},
		{"a service account is not a user of its name", User{Name: "local"}, pods("a"), ""},
		{"the first subject that names the user", User{Name: "jane", Groups: []string{"devs"}}, pods("a"), "RoleBinding a/rb subjects[0] → ClusterRole c rules[0]"},
		{"service account without a namespace in a ClusterRoleBinding", ServiceAccountUser("", "nowhere"), pods(""), ""},
		{"… nor as its user name", User{Name: "system:serviceaccount::nowhere"}, pods(""), ""},
		{"service account in a ClusterRoleBinding", ServiceAccountUser("c", "sa"), pods("x"), "ClusterRoleBinding crb subjects[1] → ClusterRole c rules[0]"},
		{"service account group", ServiceAccountUser("d", "any"), pods(""), "ClusterRoleBinding crb subjects[2] → ClusterRole c rules[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := p.Can(tt.user, tt.req)
			got := ""
			if d.Allowed {
				got = d.Grants[0].String()
				if len(d.Grants) != 1 {
					t.Errorf("a binding counted more than once for a user: %q", grantStrings(d.Grants))
				}
			}
			if got != tt.grant {
				t.Errorf("%q, want %q", got, tt.grant)
			}
		})
	}
	// WhoCan lists every subject that can match someone, the service
	// account's namespace filled in.
	var subjects []string
	for _, g := range p.WhoCan(pods("a")) {
		subjects = append(subjects, g.BindingLocator()+" "+g.Subject.String()+" in "+g.Scope)
	}
	want := []string{
		"ClusterRoleBinding crb subjects[1] ServiceAccount c/sa in ",
		"ClusterRoleBinding crb subjects[2] Group system:serviceaccounts:d in ",
		"RoleBinding a/rb subjects[0] User jane in a",
		"RoleBinding a/rb subjects[1] Group devs in a",
		"RoleBinding a/rb subjects[2] ServiceAccount a/local in a",
		"RoleBinding a/rb subjects[3] ServiceAccount b/remote in a",
		"RoleBinding a/rb subjects[6] ServiceAccount a/jane in a",
	}
	if !slices.Equal(subjects, want) {
		t.Errorf("who can\n  %s\nwant\n  %s", strings.Join(subjects, "\n  "), strings.Join(want, "\n  "))
	}
	wantProblems := []string{
		"inert-subject: ClusterRoleBinding crb subjects[0]: a ServiceAccount subject of a ClusterRoleBinding without a namespace matches no user",
		`inert-subject: RoleBinding a/rb subjects[4]: subject kind "user" matches no user`,
		`inert-subject: RoleBinding a/rb subjects[5]: subject kind "Robot" matches no user`,
	}
	if got := problemStrings(p.Problems()); !slices.Equal(got, wantProblems) {
		t.Errorf("problems\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(wantProblems, "\n  "))
	}
}

// TestAnywhere: the same user and request everywhere at once, and a
// non-resource request, which no RoleBinding grants.
func TestAnywhere(t *testing.T) {
	objs := yamlObjects(t,
		roleDoc("ClusterRole", "", "c"),
		`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: urls}
rules: [{nonResourceURLs: ["*"], verbs: [get]}]`,
		bindingDoc("RoleBinding", "b", "x", "ClusterRole", "c", "{kind: User, name: u}"),
		bindingDoc("RoleBinding", "a", "y", "ClusterRole", "c", "{kind: User, name: u}"),
		bindingDoc("RoleBinding", "a", "u", "ClusterRole", "urls", "{kind: User, name: u}"),
		bindingDoc("RoleBinding", "a", "z", "ClusterRole", "gone", "{kind: User, name: u}"),
		bindingDoc("RoleBinding", "c", "w", "ClusterRole", "c", "{kind: User, name: v}"),
	)
	p := NewPolicy(objs)
	u := User{Name: "u"}
	d := p.CanAnywhere(u, Request{Verb: "get", Resource: "pods", Namespace: "ignored"})
	want := []string{"RoleBinding a/y subjects[0] → ClusterRole c rules[0]", "RoleBinding b/x subjects[0] → ClusterRole c rules[0]"}
	if got := grantStrings(d.Grants); !d.Allowed || !slices.Equal(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
	if d.Grants[0].Scope != "a" || d.Grants[1].Scope != "b" {
		t.Errorf("scopes %q %q", d.Grants[0].Scope, d.Grants[1].Scope)
	}
	if len(d.Unresolved) != 1 || d.Unresolved[0].Object.Name != "z" {
		t.Errorf("unresolved %v", d.Unresolved)
	}
	if d := p.CanAnywhere(u, Request{Verb: "get", Path: "/healthz"}); d.Allowed || len(d.Unresolved) != 0 {
		t.Errorf("a RoleBinding granted a URL: %s", d)
	}
	if d := p.Can(u, Request{Verb: "get", Path: "/healthz", Namespace: "a"}); d.Allowed {
		t.Errorf("a RoleBinding granted a URL: %s", d)
	}
	if got := p.WhoCanAnywhere(Request{Verb: "get", Path: "/healthz"}); len(got) != 0 {
		t.Errorf("who can anywhere a URL: %q", grantStrings(got))
	}
	if got := grantStrings(p.WhoCan(Request{Verb: "get", Path: "/healthz", Namespace: "a"})); len(got) != 0 {
		t.Errorf("who can a URL: %q", got)
	}
	if got := grantStrings(p.WhoCan(Request{Verb: "get", Resource: "pods", Namespace: "a"})); !slices.Equal(got, want[:1]) {
		t.Errorf("who can in a: %q", got)
	}
	if got := grantStrings(p.WhoCan(Request{Verb: "get", Resource: "pods"})); len(got) != 0 {
		t.Errorf("who can cluster-wide: %q", got)
	}
	wantAll := []string{
		"RoleBinding a/y subjects[0] → ClusterRole c rules[0]",
		"RoleBinding b/x subjects[0] → ClusterRole c rules[0]",
		"RoleBinding c/w subjects[0] → ClusterRole c rules[0]",
	}
	if got := grantStrings(p.WhoCanAnywhere(Request{Verb: "get", Resource: "pods", Namespace: "a"})); !slices.Equal(got, wantAll) {
		t.Errorf("who can anywhere: %q", got)
	}
}

// TestDeterminism: the order of the objects changes nothing.
func TestDeterminism(t *testing.T) {
	objs := decodeAll(t, fixtureItems(t, "docs.yaml"))
	want := NewPolicy(objs)
	reqs := []Request{
		{Verb: "get", Resource: "secrets"},
		{Verb: "get", Resource: "pods", Namespace: "acme"},
		{Verb: "get", Path: "/healthz"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := slices.Clone(objs)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got := NewPolicy(shuffled)
		for _, r := range reqs {
			if !reflect.DeepEqual(got.WhoCanAnywhere(r), want.WhoCanAnywhere(r)) {
				t.Fatalf("%s: grants differ", r)
			}
			u := AuthenticatedUser("bob", "manager", "ops")
			if !reflect.DeepEqual(got.CanAnywhere(u, r), want.CanAnywhere(u, r)) {
				t.Fatalf("%s: decisions differ", r)
			}
		}
		if !reflect.DeepEqual(got.Problems(), want.Problems()) || !reflect.DeepEqual(got.Wildcards(), want.Wildcards()) {
			t.Fatal("problems or wildcards differ")
		}
	}
}

// TestDuplicates: the first of two objects of the same name is used.
func TestDuplicates(t *testing.T) {
	first := roleDoc("ClusterRole", "", "c")
	second := strings.Replace(first, "[get]", "[list]", 1)
	objs := yamlObjects(t, first, second, bindingDoc("ClusterRoleBinding", "", "b", "ClusterRole", "c", "{kind: User, name: u}"))
	objs = append(objs, nil, (*Role)(nil), (*ClusterRole)(nil), (*RoleBinding)(nil), (*ClusterRoleBinding)(nil))
	p := NewPolicy(objs)
	if !p.Can(User{Name: "u"}, Request{Verb: "get", Resource: "pods"}).Allowed || p.Can(User{Name: "u"}, Request{Verb: "list", Resource: "pods"}).Allowed {
		t.Error("the second object was used")
	}
	want := []string{"duplicate: ClusterRole c: appears more than once; the first is used"}
	if got := problemStrings(p.Problems()); !slices.Equal(got, want) {
		t.Errorf("%q", got)
	}
	if _, ok := p.Rules(ObjectRef{Kind: KindRole, Namespace: "x", Name: "c"}); ok {
		t.Error("a Role that does not exist")
	}
	rules, _ := p.Rules(ObjectRef{Kind: KindClusterRole, Name: "c"})
	rules[0].Verbs = nil
	if again, _ := p.Rules(ObjectRef{Kind: KindClusterRole, Name: "c"}); again[0].Verbs == nil {
		t.Error("Rules shares the policy's slice")
	}
}

func TestDecisionString(t *testing.T) {
	g := Grant{Binding: ObjectRef{KindClusterRoleBinding, "", "b"}, Role: ObjectRef{KindClusterRole, "", "c"},
		Rule: EffectiveRule{Source: RuleRef{ObjectRef{KindClusterRole, "", "c"}, 2}}}
	tests := []struct {
		d    Decision
		want string
	}{
		{Decision{Allowed: true, Grants: []Grant{g}}, "allowed by ClusterRoleBinding b subjects[0] → ClusterRole c rules[2]"},
		{Decision{}, "denied: no rule allows it"},
		{Decision{Superuser: "system:masters"}, "denied: no rule allows it; group system:masters bypasses RBAC"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
}

func TestWildcards(t *testing.T) {
	p := fixturePolicy(t, "docs.yaml")
	extra := yamlObjects(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {namespace: dev, name: odd}
rules:
- {apiGroups: [""], resources: [pods], resourceNames: ["*"], verbs: [get]}
- {apiGroups: [""], resources: ["*/status", pods], verbs: [get, "*"]}
- {nonResourceURLs: ["/healthz/*"], verbs: [get]}`)
	var got []string
	for _, w := range NewPolicy(append(decodeAll(t, fixtureItems(t, "docs.yaml")), extra...)).Wildcards() {
		got = append(got, w.At.String()+" "+strings.Join(w.Fields, ",")+" "+w.Rule.String())
	}
	want := []string{
		`ClusterRole cluster-admin rules[0] verbs,apiGroups,resources {apiGroups:["*"] resources:["*"] verbs:["*"]}`,
		`ClusterRole cluster-admin rules[1] verbs,nonResourceURLs {nonResourceURLs:["*"] verbs:["*"]}`,
		`ClusterRole example.com-superuser rules[0] verbs,resources {apiGroups:["example.com"] resources:["*"] verbs:["*"]}`,
		`ClusterRole scaler rules[0] resources {apiGroups:["apps"] resources:["*/scale"] verbs:["get","update","patch"]}`,
		`Role dev/odd rules[1] verbs,resources {apiGroups:[""] resources:["*/status","pods"] verbs:["get","*"]}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("wildcards\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if n := len(p.Wildcards()); n != 4 {
		t.Errorf("%d wildcards in the documentation's objects", n)
	}
	// An aggregated role's wildcards are where they are written, once.
	agg := NewPolicy(yamlObjects(t,
		clusterRole("agg", "", []string{"p=1"}),
		strings.Replace(clusterRole("src", "p=1", nil, "get pods"), `[""]`, `["*"]`, 1)))
	if got := agg.Wildcards(); len(got) != 1 || got[0].At.Role.Name != "src" {
		t.Errorf("%+v", got)
	}
}

// TestSensitive: the CIS queries are what their names say, cluster-admin
// is granted every one, and a role with none of them none.
func TestSensitive(t *testing.T) {
	p := fixturePolicy(t, "docs.yaml")
	admin := AuthenticatedUser("root", "system:masters")
	names := map[string]bool{}
	for _, q := range Sensitive() {
		if names[q.Name] || q.Name == "" || q.Title == "" || len(q.Requests) == 0 {
			t.Errorf("query %+v", q)
		}
		names[q.Name] = true
		for _, r := range q.Requests {
			if r.Verb == "" || r.Resource == "" || r.Namespace != "" || r.Name != "" || r.NonResource() {
				t.Errorf("%s: request %+v", q.Name, r)
			}
			d := p.Can(admin, r)
			if !d.Allowed || d.Grants[0].String() != "ClusterRoleBinding cluster-admin subjects[0] → ClusterRole cluster-admin rules[0]" || d.Superuser != SuperuserGroup {
				t.Errorf("%s: %s", r, d)
			}
			if d := p.CanAnywhere(AuthenticatedUser("jane"), r); d.Allowed {
				t.Errorf("%s: %s", r, d)
			}
		}
	}
	want := []string{"bind", "csr-approve", "escalate", "impersonate", "nodes-proxy", "persistentvolumes-create", "pods-create", "secrets-read", "serviceaccounts-token", "webhooks-write", "workloads-create"}
	if got := slices.Sorted(maps.Keys(names)); !slices.Equal(got, want) {
		t.Errorf("queries %q", got)
	}
	// Spot checks of what the requests ask.
	byName := map[string][]string{}
	for _, q := range Sensitive() {
		for _, r := range q.Requests {
			byName[q.Name] = append(byName[q.Name], r.String())
		}
	}
	spot := map[string]string{
		"secrets-read":          "watch secrets cluster-wide",
		"nodes-proxy":           "get nodes/proxy cluster-wide",
		"csr-approve":           "update certificatesigningrequests.certificates.k8s.io/approval cluster-wide",
		"serviceaccounts-token": "create serviceaccounts/token cluster-wide",
		"webhooks-write":        "delete mutatingwebhookconfigurations.admissionregistration.k8s.io cluster-wide",
		"workloads-create":      "create cronjobs.batch cluster-wide",
		"impersonate":           "impersonate serviceaccounts cluster-wide",
		"bind":                  "bind clusterroles.rbac.authorization.k8s.io cluster-wide",
	}
	for name, req := range spot {
		if !slices.Contains(byName[name], req) {
			t.Errorf("%s lacks %q: %q", name, req, byName[name])
		}
	}
	// Who can read secrets anywhere, as 5.1.2 asks of the documentation's
	// objects: cluster-admin, two ClusterRoleBindings, edit through
	// admin, and dave's RoleBinding.
	var who []string
	for _, r := range Sensitive()[0].Requests {
		for _, g := range p.WhoCanAnywhere(r) {
			who = append(who, g.BindingLocator())
		}
	}
	slices.Sort(who)
	who = slices.Compact(who)
	if len(who) != 5 {
		t.Errorf("secrets readers %q", who)
	}
}
