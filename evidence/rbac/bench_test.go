package rbac

import (
	"encoding/json"
	"fmt"
	"testing"
)

// largePolicy is a cluster of 5,000 RBAC objects as JSON items: 100
// namespaces with 20 Roles and 20 RoleBindings each, 500 ClusterRoles (30
// of them aggregated, into admin, edit and view, which aggregate each
// other as the defaults do) and 500 ClusterRoleBindings; 5 rules a role,
// 3 subjects a binding.
func largePolicy(tb testing.TB) [][]byte {
	tb.Helper()
	var items [][]byte
	add := func(v any) {
		data, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		items = append(items, data)
	}
	rules := func(i int) []map[string]any {
		resources := []string{"pods", "secrets", "configmaps", "services", "deployments", "jobs", "nodes", "persistentvolumes"}
		verbs := []string{"get", "list", "watch", "create", "update", "delete"}
		var out []map[string]any
		for j := range 5 {
			out = append(out, map[string]any{
				"apiGroups": []string{"", "apps"},
				"resources": []string{resources[(i+j)%len(resources)], resources[(i+2*j)%len(resources)] + "/status"},
				"verbs":     []string{verbs[(i/7+j)%len(verbs)], verbs[(i*j+1)%len(verbs)]},
			})
		}
		return out
	}
	subjects := func(i int, ns string) []map[string]any {
		return []map[string]any{
			{"kind": "User", "name": fmt.Sprintf("user-%d", i%700)},
			{"kind": "Group", "name": fmt.Sprintf("group-%d", i%50)},
			{"kind": "ServiceAccount", "name": fmt.Sprintf("sa-%d", i%30), "namespace": ns},
		}
	}
	meta := func(ns, name string, labels map[string]string) map[string]any {
		m := map[string]any{"name": name, "labels": labels}
		if ns != "" {
			m["namespace"] = ns
		}
		return m
	}
	for n := range 100 {
		ns := fmt.Sprintf("ns-%d", n)
		for i := range 20 {
			add(map[string]any{"apiVersion": APIVersion, "kind": "Role", "metadata": meta(ns, fmt.Sprintf("role-%d", i), nil), "rules": rules(n*20 + i)})
			ref := map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": fmt.Sprintf("role-%d", i)}
			if i%4 == 0 {
				ref = map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": []string{"admin", "edit", "view"}[i%3]}
			}
			add(map[string]any{"apiVersion": APIVersion, "kind": "RoleBinding", "metadata": meta(ns, fmt.Sprintf("binding-%d", i), nil), "subjects": subjects(n*20+i, ns), "roleRef": ref})
		}
	}
	for _, agg := range []struct{ name, label, selects string }{
		{"admin", "", "aggregate-to-admin"}, {"edit", "aggregate-to-admin", "aggregate-to-edit"}, {"view", "aggregate-to-edit", "aggregate-to-view"},
	} {
		labels := map[string]string{}
		if agg.label != "" {
			labels["rbac.authorization.k8s.io/"+agg.label] = "true"
		}
		add(map[string]any{"apiVersion": APIVersion, "kind": "ClusterRole", "metadata": meta("", agg.name, labels),
			"aggregationRule": map[string]any{"clusterRoleSelectors": []any{map[string]any{"matchLabels": map[string]string{"rbac.authorization.k8s.io/" + agg.selects: "true"}}}}})
	}
	for i := range 497 {
		labels := map[string]string{}
		if i < 30 {
			labels["rbac.authorization.k8s.io/"+[]string{"aggregate-to-admin", "aggregate-to-edit", "aggregate-to-view"}[i%3]] = "true"
		}
		add(map[string]any{"apiVersion": APIVersion, "kind": "ClusterRole", "metadata": meta("", fmt.Sprintf("clusterrole-%d", i), labels), "rules": rules(i)})
	}
	for i := range 500 {
		add(map[string]any{"apiVersion": APIVersion, "kind": "ClusterRoleBinding", "metadata": meta("", fmt.Sprintf("clusterbinding-%d", i), nil),
			"subjects": subjects(i, fmt.Sprintf("ns-%d", i%100)), "roleRef": map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": fmt.Sprintf("clusterrole-%d", i%497)}})
	}
	if len(items) != 5000 {
		tb.Fatalf("%d items", len(items))
	}
	return items
}

func BenchmarkDecode(b *testing.B) {
	items := largePolicy(b)
	b.ResetTimer()
	for b.Loop() {
		for _, item := range items {
			if _, err := Decode(item); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkNewPolicy(b *testing.B) {
	objs := decodeAll(b, largePolicy(b))
	b.ResetTimer()
	for b.Loop() {
		NewPolicy(objs)
	}
}

func benchQuery(b *testing.B, query func(p *Policy) int) {
	p := NewPolicy(decodeAll(b, largePolicy(b)))
	if query(p) == 0 {
		b.Fatal("the query finds nothing")
	}
	b.ResetTimer()
	for b.Loop() {
		query(p)
	}
}

func BenchmarkWhoCan(b *testing.B) {
	benchQuery(b, func(p *Policy) int {
		return len(p.WhoCan(Request{Verb: "get", Resource: "secrets", Namespace: "ns-7"}))
	})
}

func BenchmarkWhoCanAnywhere(b *testing.B) {
	benchQuery(b, func(p *Policy) int { return len(p.WhoCanAnywhere(Request{Verb: "get", Resource: "secrets"})) })
}

func BenchmarkCan(b *testing.B) {
	u := AuthenticatedUser("user-7", "group-7")
	benchQuery(b, func(p *Policy) int { return len(p.CanAnywhere(u, Request{Verb: "get", Resource: "secrets"}).Grants) })
}

// TestLargePolicy keeps the benchmark's policy honest: it decodes, and
// the aggregated roles resolve.
func TestLargePolicy(t *testing.T) {
	p := NewPolicy(decodeAll(t, largePolicy(t)))
	rules, _ := p.Rules(ObjectRef{Kind: KindClusterRole, Name: "admin"})
	if len(rules) == 0 {
		t.Fatal("admin aggregates nothing")
	}
	if n := len(p.WhoCanAnywhere(Request{Verb: "get", Resource: "secrets"})); n == 0 {
		t.Fatal("nobody reads secrets")
	}
}
