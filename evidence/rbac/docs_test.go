package rbac

import (
	"slices"
	"strings"
	"testing"
)

// TestDocumentationExamples holds the authorizer to the examples of the
// Kubernetes RBAC documentation (testdata/docs.yaml): each case gives the
// decision and the grant that decided it, or, for a denial, "" and what
// the authorizer reports beside it.
func TestDocumentationExamples(t *testing.T) {
	p := fixturePolicy(t, "docs.yaml")
	jane := AuthenticatedUser("jane")
	dave := AuthenticatedUser("dave")
	mia := AuthenticatedUser("mia", "manager")
	lou := AuthenticatedUser("lou")
	cora := AuthenticatedUser("cora")
	sam := AuthenticatedUser("sam")
	bob := AuthenticatedUser("bob")
	myapp := ServiceAccountUser("acme", "myapp")
	ops := AuthenticatedUser("olga", "ops")
	rita := AuthenticatedUser("rita")
	qaTester := ServiceAccountUser("qa", "tester")
	devTester := ServiceAccountUser("dev", "tester")
	kubeSystemDefault := ServiceAccountUser("kube-system", "default")
	masters := AuthenticatedUser("kubernetes-admin", SuperuserGroup)
	user1 := AuthenticatedUser("user-1")
	monitor := AuthenticatedUser("mo", "monitors")
	gus := AuthenticatedUser("gus")

	const (
		janeGrant  = "RoleBinding default/read-pods subjects[0] → Role default/pod-reader rules[0]"
		ghost      = "RoleBinding default/ghost roleRef: Role \"deleted-role\" does not exist in namespace default; the binding grants nothing"
		viewPods   = "ClusterRole view ← ClusterRole system:aggregate-to-view rules[0]"
		adminViews = "ClusterRole admin ← ClusterRole edit ← ClusterRole view ← ClusterRole system:aggregate-to-view rules[0]"
	)
	tests := []struct {
		name       string
		user       User
		req        Request
		grant      string   // the deciding grant; "" for a denial
		unresolved []string // Decision.Unresolved
	}{
		// Role and RoleBinding: jane reads pods in default, nowhere else.
		{"role in its namespace", jane, Request{Verb: "get", Resource: "pods", Namespace: "default"}, janeGrant, []string{ghost}},
		{"role: list", jane, Request{Verb: "list", Resource: "pods", Namespace: "default"}, janeGrant, []string{ghost}},
		{"role: watch one", jane, Request{Verb: "watch", Resource: "pods", Name: "web", Namespace: "default"}, janeGrant, []string{ghost}},
		{"role: other namespace", jane, Request{Verb: "get", Resource: "pods", Namespace: "kube-system"}, "", nil},
		{"role: all namespaces", jane, Request{Verb: "list", Resource: "pods"}, "", nil},
		{"role: other verb", jane, Request{Verb: "create", Resource: "pods", Namespace: "default"}, "", []string{ghost}},
		{"role: subresource not covered by its resource", jane, Request{Verb: "get", Resource: "pods", Subresource: "log", Name: "web", Namespace: "default"}, "", []string{ghost}},
		{"role: other group", jane, Request{Verb: "get", APIGroup: "metrics.k8s.io", Resource: "pods", Namespace: "default"}, "", []string{ghost}},
		{"role: names are case sensitive", AuthenticatedUser("Jane"), Request{Verb: "get", Resource: "pods", Namespace: "default"}, "", nil},

		// A RoleBinding to a ClusterRole grants it in its namespace only.
		{"clusterrole via rolebinding", dave, Request{Verb: "get", Resource: "secrets", Name: "db", Namespace: "development"},
			"RoleBinding development/read-secrets subjects[0] → ClusterRole secret-reader rules[0]", nil},
		{"clusterrole via rolebinding: other namespace", dave, Request{Verb: "get", Resource: "secrets", Namespace: "default"}, "", nil},
		{"clusterrole via rolebinding: all namespaces", dave, Request{Verb: "list", Resource: "secrets"}, "", nil},

		// A ClusterRoleBinding grants it everywhere, to a group.
		{"clusterrolebinding to a group: all namespaces", mia, Request{Verb: "list", Resource: "secrets"},
			"ClusterRoleBinding read-secrets-global subjects[0] → ClusterRole secret-reader rules[0]", nil},
		{"clusterrolebinding to a group: a namespace", mia, Request{Verb: "watch", Resource: "secrets", Namespace: "anywhere"},
			"ClusterRoleBinding read-secrets-global subjects[0] → ClusterRole secret-reader rules[0]", nil},
		{"clusterrolebinding to a group: not a member", AuthenticatedUser("manager"), Request{Verb: "list", Resource: "secrets"}, "", nil},

		// Subresources.
		{"pods/log", lou, Request{Verb: "get", Resource: "pods", Subresource: "log", Name: "web", Namespace: "default"},
			"RoleBinding default/read-logs subjects[0] → Role default/pod-and-pod-logs-reader rules[0]", nil},
		{"pods/exec not pods/log", lou, Request{Verb: "get", Resource: "pods", Subresource: "exec", Name: "web", Namespace: "default"}, "", nil},

		// resourceNames.
		{"resourceNames: get the named one", cora, Request{Verb: "get", Resource: "configmaps", Name: "my-configmap", Namespace: "default"},
			"RoleBinding default/update-my-configmap subjects[0] → Role default/configmap-updater rules[0]", nil},
		{"resourceNames: update the named one", cora, Request{Verb: "update", Resource: "configmaps", Name: "my-configmap", Namespace: "default"},
			"RoleBinding default/update-my-configmap subjects[0] → Role default/configmap-updater rules[0]", nil},
		{"resourceNames: another name", cora, Request{Verb: "get", Resource: "configmaps", Name: "other", Namespace: "default"}, "", nil},
		{"resourceNames: list has no name", cora, Request{Verb: "list", Resource: "configmaps", Namespace: "default"}, "", nil},
		{"resourceNames: get without a name", cora, Request{Verb: "get", Resource: "configmaps", Namespace: "default"}, "", nil},
		{"resourceNames: a verb not listed", cora, Request{Verb: "delete", Resource: "configmaps", Name: "my-configmap", Namespace: "default"}, "", nil},

		// */scale: the scale subresource of every resource of apps.
		{"*/scale: deployments", sam, Request{Verb: "patch", APIGroup: "apps", Resource: "deployments", Subresource: "scale", Name: "web", Namespace: "prod"},
			"RoleBinding prod/scaler subjects[0] → ClusterRole scaler rules[0]", nil},
		{"*/scale: statefulsets", sam, Request{Verb: "update", APIGroup: "apps", Resource: "statefulsets", Subresource: "scale", Name: "db", Namespace: "prod"},
			"RoleBinding prod/scaler subjects[0] → ClusterRole scaler rules[0]", nil},
		{"*/scale: not the resource itself", sam, Request{Verb: "get", APIGroup: "apps", Resource: "deployments", Name: "web", Namespace: "prod"}, "", nil},
		{"*/scale: not another subresource", sam, Request{Verb: "update", APIGroup: "apps", Resource: "deployments", Subresource: "status", Name: "web", Namespace: "prod"}, "", nil},
		{"*/scale: not another group", sam, Request{Verb: "update", Resource: "replicationcontrollers", Subresource: "scale", Name: "rc", Namespace: "prod"}, "", nil},

		// Aggregated ClusterRoles: monitoring gets what is labelled for it.
		{"aggregated monitoring", monitor, Request{Verb: "list", Resource: "endpointslices"},
			"ClusterRoleBinding monitoring subjects[0] → ClusterRole monitoring ← ClusterRole monitoring-endpoints rules[0]", nil},
		{"aggregated monitoring: no more", monitor, Request{Verb: "list", Resource: "secrets"}, "", nil},

		// The default roles' aggregation: admin ⊇ edit ⊇ view, and custom
		// resources labelled for them.
		{"admin: rolebindings", bob, Request{Verb: "create", APIGroup: "rbac.authorization.k8s.io", Resource: "rolebindings", Namespace: "acme"},
			"RoleBinding acme/bob-admin-binding subjects[0] → ClusterRole admin ← ClusterRole system:aggregate-to-admin rules[1]", nil},
		{"admin: edit's rules", bob, Request{Verb: "create", Resource: "pods", Subresource: "exec", Name: "web", Namespace: "acme"},
			"RoleBinding acme/bob-admin-binding subjects[0] → ClusterRole admin ← ClusterRole edit ← ClusterRole system:aggregate-to-edit rules[0]", nil},
		{"admin: view's rules, two levels down", bob, Request{Verb: "get", Resource: "pods", Name: "web", Namespace: "acme"},
			"RoleBinding acme/bob-admin-binding subjects[0] → " + adminViews, nil},
		{"admin: a custom resource", bob, Request{Verb: "delete", APIGroup: "stable.example.com", Resource: "crontabs", Name: "c", Namespace: "acme"},
			"RoleBinding acme/bob-admin-binding subjects[0] → ClusterRole admin ← ClusterRole aggregate-cron-tabs-edit rules[0]", nil},
		{"admin: only in its namespace", bob, Request{Verb: "get", Resource: "pods", Namespace: "default"}, "", nil},
		{"admin: not resourcequotas", bob, Request{Verb: "update", Resource: "resourcequotas", Namespace: "acme"}, "", nil},
		{"view: service account", myapp, Request{Verb: "list", Resource: "pods", Namespace: "acme"},
			"RoleBinding acme/myapp-view-binding subjects[0] → " + viewPods, nil},
		{"view: custom resource read", myapp, Request{Verb: "watch", APIGroup: "stable.example.com", Resource: "crontabs", Namespace: "acme"},
			"RoleBinding acme/myapp-view-binding subjects[0] → ClusterRole view ← ClusterRole aggregate-cron-tabs-view rules[0]", nil},
		{"view: no custom resource write", myapp, Request{Verb: "update", APIGroup: "stable.example.com", Resource: "crontabs", Name: "c", Namespace: "acme"}, "", nil},
		{"view: no writes", myapp, Request{Verb: "create", Resource: "pods", Namespace: "acme"}, "", nil},
		{"view: no secrets", myapp, Request{Verb: "get", Resource: "secrets", Name: "s", Namespace: "acme"}, "", nil},
		{"view: edit's scale is not view's", myapp, Request{Verb: "update", APIGroup: "apps", Resource: "deployments", Subresource: "scale", Name: "d", Namespace: "acme"}, "", nil},

		// Non-resource URLs: exact, and a prefix with a trailing *.
		{"nonResourceURL exact", ops, Request{Verb: "get", Path: "/healthz"},
			"ClusterRoleBinding healthz-readers subjects[0] → ClusterRole healthz-reader rules[0]", nil},
		{"nonResourceURL subpath", ops, Request{Verb: "post", Path: "/healthz/etcd"},
			"ClusterRoleBinding healthz-readers subjects[0] → ClusterRole healthz-reader rules[0]", nil},
		{"nonResourceURL: the prefix wants its slash", ops, Request{Verb: "get", Path: "/healthzx"}, "", nil},
		{"nonResourceURL: other path", ops, Request{Verb: "get", Path: "/metrics"}, "", nil},
		{"nonResourceURL: other verb", ops, Request{Verb: "delete", Path: "/healthz"}, "", nil},
		{"nonResourceURL: not through a RoleBinding", rita, Request{Verb: "get", Path: "/healthz", Namespace: "default"}, "", nil},

		// Service account users and their groups.
		{"group of a namespace's service accounts", qaTester, Request{Verb: "get", Resource: "pods", Name: "p", Namespace: "qa"},
			"RoleBinding qa/qa-service-accounts-view subjects[0] → " + viewPods, nil},
		{"group of another namespace's service accounts", devTester, Request{Verb: "get", Resource: "pods", Name: "p", Namespace: "qa"}, "", nil},
		{"group of all service accounts", devTester, Request{Verb: "list", Resource: "nodes"},
			"ClusterRoleBinding service-accounts-read-nodes subjects[0] → ClusterRole node-reader rules[0]", nil},
		{"group of all service accounts: not a user", jane, Request{Verb: "list", Resource: "nodes"}, "", nil},
		{"service account, namespace from the RoleBinding", kubeSystemDefault, Request{Verb: "list", Resource: "pods", Namespace: "kube-system"},
			"RoleBinding kube-system/default-sa-read-pods subjects[0] → ClusterRole monitoring-endpoints rules[0]", nil},
		{"service account, namespace given", kubeSystemDefault, Request{Verb: "list", Resource: "secrets"},
			"ClusterRoleBinding default-sa-secrets subjects[0] → ClusterRole secret-reader rules[0]", nil},
		{"service account of another namespace", ServiceAccountUser("default", "default"), Request{Verb: "list", Resource: "pods", Namespace: "kube-system"}, "", nil},
		{"a user named like a service account is one", AuthenticatedUser("system:serviceaccount:kube-system:default"), Request{Verb: "list", Resource: "secrets"},
			"ClusterRoleBinding default-sa-secrets subjects[0] → ClusterRole secret-reader rules[0]", nil},

		// cluster-admin, and system:masters.
		{"cluster-admin: anything", masters, Request{Verb: "escalate", APIGroup: "rbac.authorization.k8s.io", Resource: "clusterroles"},
			"ClusterRoleBinding cluster-admin subjects[0] → ClusterRole cluster-admin rules[0]", nil},
		{"cluster-admin: any URL", masters, Request{Verb: "get", Path: "/debug/pprof"},
			"ClusterRoleBinding cluster-admin subjects[0] → ClusterRole cluster-admin rules[1]", nil},

		// bind with resourceNames.
		{"bind a named clusterrole", user1, Request{Verb: "bind", APIGroup: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "admin", Namespace: "user-1-namespace"},
			"RoleBinding user-1-namespace/role-grantor-binding subjects[0] → ClusterRole role-grantor rules[1]", nil},
		{"bind another clusterrole", user1, Request{Verb: "bind", APIGroup: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "cluster-admin", Namespace: "user-1-namespace"}, "", nil},
		{"create rolebindings", user1, Request{Verb: "create", APIGroup: "rbac.authorization.k8s.io", Resource: "rolebindings", Namespace: "user-1-namespace"},
			"RoleBinding user-1-namespace/role-grantor-binding subjects[0] → ClusterRole role-grantor rules[0]", nil},

		// A dangling roleRef grants nothing, and is reported.
		{"dangling roleRef", gus, Request{Verb: "get", Resource: "pods", Namespace: "default"}, "", []string{ghost}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := p.Can(tt.user, tt.req)
			if d.Allowed != (tt.grant != "") {
				t.Fatalf("%v: allowed %v, want %v (%s)", tt.req, d.Allowed, tt.grant != "", d)
			}
			if tt.grant != "" && d.Grants[0].String() != tt.grant {
				t.Errorf("%v: decided by\n  %s\nwant\n  %s", tt.req, d.Grants[0], tt.grant)
			}
			if tt.grant == "" && len(d.Grants) != 0 {
				t.Errorf("denied with grants %q", grantStrings(d.Grants))
			}
			var unresolved []string
			for _, u := range d.Unresolved {
				unresolved = append(unresolved, u.String())
			}
			if !slices.Equal(unresolved, tt.unresolved) {
				t.Errorf("unresolved %q, want %q", unresolved, tt.unresolved)
			}
			for _, g := range d.Grants {
				if !g.Rule.Allows(tt.req) {
					t.Errorf("grant %s does not allow the request", g)
				}
			}
			if want := tt.user.bypass(); d.Superuser != want {
				t.Errorf("superuser %q, want %q", d.Superuser, want)
			}
		})
	}
}

// TestDocumentationWhoCan asks the reverse questions of the same objects.
func TestDocumentationWhoCan(t *testing.T) {
	p := fixturePolicy(t, "docs.yaml")
	tests := []struct {
		name string
		req  Request
		who  func(Request) []Grant
		want []string
	}{
		{"read secrets in development", Request{Verb: "get", Resource: "secrets", Name: "s", Namespace: "development"}, p.WhoCan, []string{
			"ClusterRoleBinding cluster-admin subjects[0] → ClusterRole cluster-admin rules[0]",
			"ClusterRoleBinding default-sa-secrets subjects[0] → ClusterRole secret-reader rules[0]",
			"ClusterRoleBinding read-secrets-global subjects[0] → ClusterRole secret-reader rules[0]",
			"RoleBinding development/read-secrets subjects[0] → ClusterRole secret-reader rules[0]",
		}},
		{"read secrets cluster-wide", Request{Verb: "list", Resource: "secrets"}, p.WhoCan, []string{
			"ClusterRoleBinding cluster-admin subjects[0] → ClusterRole cluster-admin rules[0]",
			"ClusterRoleBinding default-sa-secrets subjects[0] → ClusterRole secret-reader rules[0]",
			"ClusterRoleBinding read-secrets-global subjects[0] → ClusterRole secret-reader rules[0]",
		}},
		{"read secrets anywhere", Request{Verb: "get", Resource: "secrets", Name: "s"}, p.WhoCanAnywhere, []string{
			"ClusterRoleBinding cluster-admin subjects[0] → ClusterRole cluster-admin rules[0]",
			"ClusterRoleBinding default-sa-secrets subjects[0] → ClusterRole secret-reader rules[0]",
			"ClusterRoleBinding read-secrets-global subjects[0] → ClusterRole secret-reader rules[0]",
			"RoleBinding acme/bob-admin-binding subjects[0] → ClusterRole admin ← ClusterRole edit ← ClusterRole system:aggregate-to-edit rules[3]",
			"RoleBinding development/read-secrets subjects[0] → ClusterRole secret-reader rules[0]",
		}},
		{"healthz anywhere: only cluster-wide", Request{Verb: "get", Path: "/healthz"}, p.WhoCanAnywhere, []string{
			"ClusterRoleBinding cluster-admin subjects[0] → ClusterRole cluster-admin rules[1]",
			"ClusterRoleBinding healthz-readers subjects[0] → ClusterRole healthz-reader rules[0]",
		}},
		{"healthz, a namespace given", Request{Verb: "get", Path: "/healthz", Namespace: "default"}, p.WhoCan, []string{
			"ClusterRoleBinding cluster-admin subjects[0] → ClusterRole cluster-admin rules[1]",
			"ClusterRoleBinding healthz-readers subjects[0] → ClusterRole healthz-reader rules[0]",
		}},
		{"crontabs in acme: every rule that allows", Request{Verb: "get", APIGroup: "stable.example.com", Resource: "crontabs", Name: "c", Namespace: "acme"}, p.WhoCan, []string{
			"ClusterRoleBinding cluster-admin subjects[0] → ClusterRole cluster-admin rules[0]",
			"RoleBinding acme/bob-admin-binding subjects[0] → ClusterRole admin ← ClusterRole aggregate-cron-tabs-edit rules[0]",
			"RoleBinding acme/bob-admin-binding subjects[0] → ClusterRole admin ← ClusterRole edit ← ClusterRole view ← ClusterRole aggregate-cron-tabs-view rules[0]",
			"RoleBinding acme/myapp-view-binding subjects[0] → ClusterRole view ← ClusterRole aggregate-cron-tabs-view rules[0]",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := grantStrings(tt.who(tt.req))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// TestDocumentationProblems: what the documentation's objects (and ours
// around them) hold that grants less than it seems.
func TestDocumentationProblems(t *testing.T) {
	p := fixturePolicy(t, "docs.yaml")
	want := []string{
		// 2 rules of system:aggregate-to-admin, 1 of aggregate-cron-tabs-edit,
		// 4 of system:aggregate-to-edit, 2 of system:aggregate-to-view, 1 of
		// aggregate-cron-tabs-view.
		"aggregation-pending: ClusterRole admin rules: its stored rules lack 10 rules of the ClusterRoles its aggregationRule selects; counted",
		"aggregation-pending: ClusterRole edit rules: its stored rules lack 8 rules of the ClusterRoles its aggregationRule selects; counted",
		"aggregation-pending: ClusterRole monitoring rules: its stored rules lack 1 rule of the ClusterRoles its aggregationRule selects; counted",
		"aggregation-pending: ClusterRole view rules: its stored rules lack 3 rules of the ClusterRoles its aggregationRule selects; counted",
		"inert-subject: ClusterRoleBinding default-sa-secrets subjects[1]: a ServiceAccount subject of a ClusterRoleBinding without a namespace matches no user",
		"dangling-roleref: RoleBinding default/ghost roleRef: Role \"deleted-role\" does not exist in namespace default; the binding grants nothing",
	}
	if got := problemStrings(p.Problems()); !slices.Equal(got, want) {
		t.Errorf("problems\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if got := problemStrings(p.Dangling()); !slices.Equal(got, want[len(want)-1:]) {
		t.Errorf("dangling %q", got)
	}
}
