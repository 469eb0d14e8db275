package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestAccessGrant: how the judge reads a PolicyRule, as the RBAC
// authorizer matches rules (kubernetes.io/docs/reference/access-authn-authz/rbac/).
func TestAccessGrant(t *testing.T) {
	secrets := access{"", []string{"secrets"}, []string{"get", "list", "watch"}}
	proxy := access{"", []string{"nodes/proxy"}, nil}
	for _, tc := range []struct {
		name  string
		a     access
		rule  jrule
		verbs []string
	}{
		{"exact", secrets, jrule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list"}}, []string{"get", "list"}},
		{"verb wildcard", secrets, jrule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"*"}}, []string{"get", "list", "watch"}},
		{"resource wildcard", secrets, jrule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"watch"}}, []string{"watch"}},
		{"other group", secrets, jrule{APIGroups: []string{"apps"}, Resources: []string{"secrets"}, Verbs: []string{"get"}}, nil},
		{"other verb", secrets, jrule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"create"}}, nil},
		{"non-resource", secrets, jrule{NonResourceURLs: []string{"*"}, Verbs: []string{"*"}}, nil},
		{"subresource", proxy, jrule{APIGroups: []string{""}, Resources: []string{"nodes/proxy"}, Verbs: []string{"get"}}, []string{"get"}},
		{"parent is not the subresource", proxy, jrule{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"get", "proxy"}}, nil},
		{"*/subresource", proxy, jrule{APIGroups: []string{""}, Resources: []string{"*/proxy"}, Verbs: []string{"get"}}, []string{"get"}},
		{"* covers subresources", proxy, jrule{APIGroups: []string{""}, Resources: []string{"*"}, Verbs: []string{"list"}}, []string{"list"}},
	} {
		got, _ := tc.a.grant(tc.rule)
		if !slices.Equal(got, tc.verbs) {
			t.Errorf("%s: verbs %v, want %v", tc.name, got, tc.verbs)
		}
	}
}

// TestSelector: namespace selectors of admission webhooks.
func TestSelector(t *testing.T) {
	var s jselector
	json.Unmarshal([]byte(`{"matchExpressions":[{"key":"admission.gatekeeper.sh/ignore","operator":"DoesNotExist"},
		{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["gatekeeper-system"]}]}`), &s)
	for _, tc := range []struct {
		labels map[string]string
		want   bool
	}{
		{map[string]string{"kubernetes.io/metadata.name": "team-b"}, true},
		{map[string]string{"kubernetes.io/metadata.name": "legacy", "admission.gatekeeper.sh/ignore": "true"}, false},
		{map[string]string{"kubernetes.io/metadata.name": "gatekeeper-system"}, false},
	} {
		if got := s.matches(tc.labels); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.labels, got, tc.want)
		}
	}
	var nilSel *jselector
	if !nilSel.matches(nil) {
		t.Error("an absent selector must select every namespace")
	}
}

// TestJudgeSmallCluster: the judge on a cluster of a few objects.
func TestJudgeSmallCluster(t *testing.T) {
	c := newCluster("test", day1, linuxNodes(false))
	c.namespace("", "default", nil, nil)
	c.namespace("", "app", map[string]string{"pod-security.kubernetes.io/enforce": "baseline"}, bptr(false))
	c.addRole("", roleDef{name: "cluster-admin", rules: []rule{r("*", "*", "*")}})
	c.addRole("", roleDef{name: "pv", rules: []rule{r("", "persistentvolumes", "create")}})
	// A RoleBinding grants nothing on cluster-scoped resources.
	c.addBinding("", bindingDef{ns: "app", name: "pv-in-ns", roleKind: "ClusterRole", role: "pv", subjects: []subject{user("bob")}})
	c.addBinding("", bindingDef{name: "pv", roleKind: "ClusterRole", role: "pv", subjects: []subject{user("carol")}})
	c.serviceAccount("", "app", "web", nil, nil, nil)
	c.deployment("", "app", "web", 1, podTmpl{labels: map[string]string{"app": "web"}, sa: "web", hostNetwork: true,
		containers: []ctr{{name: "web", image: "nginx:1.27", ports: []obj{port("http", 8080, "TCP")}}}})
	rows, err := judge(c.lists())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.check+" "+r.object] = r.what
	}
	pod := ""
	for _, o := range c.objs {
		if o.kind == "Pod" {
			pod = "Pod app/" + o.name
		}
	}
	for _, want := range []string{
		"5.1.9 ClusterRoleBinding pv subject User carol",
		"5.2.5 " + pod,
		"5.2.12 " + pod + " container web",
		"5.1.6 " + pod,
		"5.3.2 Namespace app",
		"5.1.5 ServiceAccount default/default",
	} {
		if _, ok := got[want]; !ok {
			t.Errorf("no row %q", want)
		}
	}
	for _, absent := range []string{"5.1.9 RoleBinding app/pv-in-ns subject User bob", "5.2.1 Namespace app", "5.1.5 ServiceAccount app/default"} {
		if w, ok := got[absent]; ok {
			t.Errorf("unexpected row %q (%s)", absent, w)
		}
	}
	if w := got["5.2.12 "+pod+" container web"]; !strings.Contains(w, "hostPort 8080") {
		t.Errorf("hostPort of a host-network pod: %q, want the defaulted hostPort", w)
	}
}

func TestCheckLess(t *testing.T) {
	ids := []string{"5.1.10", "5.1.9", "5.2.1", "5.1.1"}
	slices.SortFunc(ids, func(a, b string) int {
		if checkLess(a, b) {
			return -1
		}
		if checkLess(b, a) {
			return 1
		}
		return 0
	})
	if want := []string{"5.1.1", "5.1.9", "5.1.10", "5.2.1"}; !slices.Equal(ids, want) {
		t.Errorf("%v, want %v", ids, want)
	}
}
