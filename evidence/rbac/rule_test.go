package rbac

import "testing"

// TestRuleAllows: one rule, one request, each matching rule of the
// authorizer and a case that breaks it.
func TestRuleAllows(t *testing.T) {
	pods := Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}
	tests := []struct {
		name string
		rule Rule
		req  Request
		want bool
	}{
		{"exact", pods, Request{Verb: "get", Resource: "pods"}, true},
		{"verb differs", pods, Request{Verb: "list", Resource: "pods"}, false},
		{"verb wildcard", Rule{Verbs: []string{"*"}, APIGroups: []string{""}, Resources: []string{"pods"}}, Request{Verb: "deletecollection", Resource: "pods"}, true},
		{"verb wildcard asked, rule names verbs", pods, Request{Verb: "*", Resource: "pods"}, false},
		{"verb list, second", Rule{Verbs: []string{"list", "get"}, APIGroups: []string{""}, Resources: []string{"pods"}}, Request{Verb: "get", Resource: "pods"}, true},
		{"no verbs", Rule{APIGroups: []string{""}, Resources: []string{"pods"}}, Request{Verb: "get", Resource: "pods"}, false},
		{"group differs", pods, Request{Verb: "get", APIGroup: "apps", Resource: "pods"}, false},
		{"group wildcard", Rule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"pods"}}, Request{Verb: "get", APIGroup: "metrics.k8s.io", Resource: "pods"}, true},
		{"group list, second", Rule{Verbs: []string{"get"}, APIGroups: []string{"apps", ""}, Resources: []string{"pods"}}, Request{Verb: "get", Resource: "pods"}, true},
		{"no groups", Rule{Verbs: []string{"get"}, Resources: []string{"pods"}}, Request{Verb: "get", Resource: "pods"}, false},
		{"resource differs", pods, Request{Verb: "get", Resource: "services"}, false},
		{"resource wildcard", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"*"}}, Request{Verb: "get", Resource: "services"}, true},
		{"resource wildcard covers subresources", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"*"}}, Request{Verb: "get", Resource: "pods", Subresource: "log"}, true},
		{"resource does not cover its subresource", pods, Request{Verb: "get", Resource: "pods", Subresource: "log"}, false},
		{"resource/subresource", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/log"}}, Request{Verb: "get", Resource: "pods", Subresource: "log"}, true},
		{"resource/subresource, not the resource", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/log"}}, Request{Verb: "get", Resource: "pods"}, false},
		{"resource/* is no wildcard", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/*"}}, Request{Verb: "get", Resource: "pods", Subresource: "log"}, false},
		{"*/subresource", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"*/log"}}, Request{Verb: "get", Resource: "pods", Subresource: "log"}, true},
		{"*/subresource, other subresource", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"*/log"}}, Request{Verb: "get", Resource: "pods", Subresource: "exec"}, false},
		{"*/subresource, a longer one ending alike", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"*/log"}}, Request{Verb: "get", Resource: "pods", Subresource: "catalog"}, false},
		{"*/subresource, no subresource", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"*/log"}}, Request{Verb: "get", Resource: "log"}, false},
		{"*/ and no subresource", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"*/"}}, Request{Verb: "get", Resource: "pods"}, false},
		{"resource list, second", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"services", "pods"}}, Request{Verb: "get", Resource: "pods"}, true},
		{"resourceNames: named", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}, ResourceNames: []string{"a", "b"}}, Request{Verb: "get", Resource: "pods", Name: "b"}, true},
		{"resourceNames: other name", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}, ResourceNames: []string{"a"}}, Request{Verb: "get", Resource: "pods", Name: "c"}, false},
		{"resourceNames: no name", Rule{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"pods"}, ResourceNames: []string{"a"}}, Request{Verb: "list", Resource: "pods"}, false},
		{"resourceNames: * is a name", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}, ResourceNames: []string{"*"}}, Request{Verb: "get", Resource: "pods", Name: "a"}, false},
		{"no resourceNames: any name", pods, Request{Verb: "get", Resource: "pods", Name: "a"}, true},
		{"resource rule, URL request", pods, Request{Verb: "get", Path: "/pods"}, false},
		{"URL exact", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}, Request{Verb: "get", Path: "/healthz"}, true},
		{"URL exact, longer path", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}, Request{Verb: "get", Path: "/healthz/etcd"}, false},
		{"URL prefix", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz/*"}}, Request{Verb: "get", Path: "/healthz/etcd"}, true},
		{"URL prefix, the bare path", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz/*"}}, Request{Verb: "get", Path: "/healthz"}, false},
		{"URL prefix without a slash", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz*"}}, Request{Verb: "get", Path: "/healthzx"}, true},
		{"URL prefix, several stars", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/api**"}}, Request{Verb: "get", Path: "/apis/apps"}, true},
		{"URL star inside is literal", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/a*/b"}}, Request{Verb: "get", Path: "/ax/b"}, false},
		{"URL wildcard", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"*"}}, Request{Verb: "get", Path: "/anything"}, true},
		{"URL list, second", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/version", "/healthz"}}, Request{Verb: "get", Path: "/healthz"}, true},
		{"URL verb differs", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"*"}}, Request{Verb: "post", Path: "/healthz"}, false},
		{"URL rule, resource request", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"*"}}, Request{Verb: "get", Resource: "pods"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rule.Allows(tt.req); got != tt.want {
				t.Errorf("%s allows %s: %v, want %v", tt.rule.String(), tt.req, got, tt.want)
			}
		})
	}
}

func TestRequestString(t *testing.T) {
	tests := []struct {
		req  Request
		want string
	}{
		{Request{Verb: "get", Resource: "pods", Subresource: "log", Name: "web", Namespace: "dev"}, "get pods/log named web in namespace dev"},
		{Request{Verb: "list", APIGroup: "apps", Resource: "deployments"}, "list deployments.apps cluster-wide"},
		{Request{Verb: "get", Path: "/healthz", Namespace: "dev"}, "get /healthz"},
	}
	for _, tt := range tests {
		if got := tt.req.String(); got != tt.want {
			t.Errorf("%#v: %q, want %q", tt.req, got, tt.want)
		}
	}
}

func TestRuleString(t *testing.T) {
	tests := []struct {
		rule Rule
		want string
	}{
		{Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}, ResourceNames: []string{"a"}}, `{apiGroups:[""] resources:["pods"] resourceNames:["a"] verbs:["get"]}`},
		{Rule{Verbs: []string{"get", "post"}, NonResourceURLs: []string{"/healthz"}}, `{nonResourceURLs:["/healthz"] verbs:["get","post"]}`},
		{Rule{}, `{}`},
	}
	for _, tt := range tests {
		if got := tt.rule.String(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
}

// TestRuleKey: rules are the same when their lists are, in order; an
// empty list and an absent one are the same; nothing else collides.
func TestRuleKey(t *testing.T) {
	base := Rule{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}}
	same := []Rule{
		{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}, ResourceNames: []string{}},
		{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}, NonResourceURLs: []string{}},
	}
	differ := []Rule{
		{Verbs: []string{"list", "get"}, APIGroups: []string{""}, Resources: []string{"pods"}},
		{Verbs: []string{"get"}, APIGroups: []string{"list", ""}, Resources: []string{"pods"}},
		{Verbs: []string{"get", "list"}, APIGroups: []string{""}, ResourceNames: []string{"pods"}},
		{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}, NonResourceURLs: []string{""}},
		{Verbs: []string{"get", "list"}, APIGroups: []string{}, Resources: []string{"", "pods"}},
		{Verbs: []string{"get;list"}, APIGroups: []string{""}, Resources: []string{"pods"}},
		{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}, ResourceNames: []string{""}},
	}
	for _, r := range same {
		if r.key() != base.key() {
			t.Errorf("%s and %s differ", r.String(), base.String())
		}
	}
	for _, r := range differ {
		if r.key() == base.key() {
			t.Errorf("%s and %s are the same", r.String(), base.String())
		}
	}
}
