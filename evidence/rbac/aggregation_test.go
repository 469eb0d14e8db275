package rbac

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestSelectorMatches(t *testing.T) {
	labels := map[string]string{"tier": "web", "env": "prod", "empty": ""}
	tests := []struct {
		name string
		sel  Selector
		want bool
	}{
		{"empty selector matches everything", Selector{}, true},
		{"matchLabels", Selector{MatchLabels: map[string]string{"tier": "web"}}, true},
		{"matchLabels, all of them", Selector{MatchLabels: map[string]string{"tier": "web", "env": "dev"}}, false},
		{"matchLabels, value differs", Selector{MatchLabels: map[string]string{"tier": "db"}}, false},
		{"matchLabels, absent key", Selector{MatchLabels: map[string]string{"zone": ""}}, false},
		{"matchLabels, empty value", Selector{MatchLabels: map[string]string{"empty": ""}}, true},
		{"In", Selector{MatchExpressions: []Requirement{{"tier", In, []string{"db", "web"}}}}, true},
		{"In, other value", Selector{MatchExpressions: []Requirement{{"tier", In, []string{"db"}}}}, false},
		{"In, absent key", Selector{MatchExpressions: []Requirement{{"zone", In, []string{"a"}}}}, false},
		{"NotIn", Selector{MatchExpressions: []Requirement{{"tier", NotIn, []string{"db"}}}}, true},
		{"NotIn, value listed", Selector{MatchExpressions: []Requirement{{"tier", NotIn, []string{"web"}}}}, false},
		{"NotIn, absent key", Selector{MatchExpressions: []Requirement{{"zone", NotIn, []string{"a"}}}}, true},
		{"Exists", Selector{MatchExpressions: []Requirement{{"empty", Exists, nil}}}, true},
		{"Exists, absent", Selector{MatchExpressions: []Requirement{{"zone", Exists, nil}}}, false},
		{"DoesNotExist", Selector{MatchExpressions: []Requirement{{"zone", DoesNotExist, nil}}}, true},
		{"DoesNotExist, present", Selector{MatchExpressions: []Requirement{{"tier", DoesNotExist, nil}}}, false},
		{"unknown operator", Selector{MatchExpressions: []Requirement{{"tier", "Gt", []string{"a"}}}}, false},
		{"labels and expressions, both hold", Selector{MatchLabels: map[string]string{"env": "prod"}, MatchExpressions: []Requirement{{"tier", Exists, nil}, {"zone", DoesNotExist, nil}}}, true},
		{"labels hold, an expression does not", Selector{MatchLabels: map[string]string{"env": "prod"}, MatchExpressions: []Requirement{{"tier", Exists, nil}, {"env", DoesNotExist, nil}}}, false},
		{"an expression holds, labels do not", Selector{MatchLabels: map[string]string{"env": "dev"}, MatchExpressions: []Requirement{{"tier", Exists, nil}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sel.Matches(labels); got != tt.want {
				t.Errorf("%+v: %v, want %v", tt.sel, got, tt.want)
			}
		})
	}
}

// clusterRole writes a ClusterRole document: labels as "k=v,k=v",
// selectors as matchLabels "k=v" each, rules as "verb resource" each.
func clusterRole(name, labels string, selectors []string, rules ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: %q\n  labels: {", name)
	for i, kv := range strings.Split(labels, ",") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %q", k, v)
	}
	b.WriteString("}\n")
	if selectors != nil {
		b.WriteString("aggregationRule:\n  clusterRoleSelectors:\n")
		for _, s := range selectors {
			if s == "" {
				b.WriteString("  - {}\n")
				continue
			}
			k, v, _ := strings.Cut(s, "=")
			fmt.Fprintf(&b, "  - matchLabels: {%q: %q}\n", k, v)
		}
	}
	b.WriteString("rules:\n")
	for _, r := range rules {
		verb, res, _ := strings.Cut(r, " ")
		fmt.Fprintf(&b, "- {apiGroups: [\"\"], resources: [%q], verbs: [%q]}\n", res, verb)
	}
	return b.String()
}

// effective renders a role's effective rules with their sources.
func effective(t *testing.T, p *Policy, name string) []string {
	t.Helper()
	ref := ObjectRef{Kind: KindClusterRole, Name: name}
	rules, ok := p.Rules(ref)
	if !ok {
		t.Fatalf("no %s", ref)
	}
	var out []string
	for _, r := range rules {
		out = append(out, r.Verbs[0]+" "+r.Resources[0]+" = "+r.cite(ref))
	}
	return out
}

func TestAggregation(t *testing.T) {
	sel := func(s ...string) []string { return s }
	tests := []struct {
		name     string
		roles    []string
		role     string
		want     []string
		problems []string
	}{
		{
			name: "selected roles in name order, itself excluded, each rule once",
			roles: []string{
				clusterRole("agg", "pick=yes", sel("pick=yes")),
				clusterRole("b", "pick=yes", nil, "get pods", "list pods"),
				clusterRole("a", "pick=yes", nil, "get services", "get pods"),
				clusterRole("c", "pick=no", nil, "get secrets"),
			},
			role: "agg",
			want: []string{
				"get services = ClusterRole agg ← ClusterRole a rules[0]",
				"get pods = ClusterRole agg ← ClusterRole a rules[1]",
				"list pods = ClusterRole agg ← ClusterRole b rules[1]",
			},
			problems: []string{"aggregation-pending: ClusterRole agg rules: its stored rules lack 3 rules of the ClusterRoles its aggregationRule selects; counted"},
		},
		{
			name: "selectors in order, any of them",
			roles: []string{
				clusterRole("agg", "", sel("x=1", "y=1")),
				clusterRole("a", "y=1", nil, "get a"),
				clusterRole("b", "x=1", nil, "get b"),
			},
			role: "agg",
			want: []string{
				"get b = ClusterRole agg ← ClusterRole b rules[0]",
				"get a = ClusterRole agg ← ClusterRole a rules[0]",
			},
			problems: []string{"aggregation-pending: ClusterRole agg rules: its stored rules lack 2 rules of the ClusterRoles its aggregationRule selects; counted"},
		},
		{
			name: "transitive, through aggregated roles",
			roles: []string{
				clusterRole("top", "", sel("to-top=1")),
				clusterRole("mid", "to-top=1", sel("to-mid=1")),
				clusterRole("low", "to-mid=1", sel("to-low=1")),
				clusterRole("leaf", "to-low=1", nil, "get leaves"),
				clusterRole("side", "to-mid=1", nil, "get sides"),
			},
			role: "top",
			want: []string{
				"get sides = ClusterRole top ← ClusterRole mid ← ClusterRole side rules[0]",
				"get leaves = ClusterRole top ← ClusterRole mid ← ClusterRole low ← ClusterRole leaf rules[0]",
			},
			problems: []string{
				"aggregation-pending: ClusterRole top rules: its stored rules lack 2 rules of the ClusterRoles its aggregationRule selects; counted",
			},
		},
		{
			name: "a cycle ends, and its members grant each other's rules",
			roles: []string{
				clusterRole("a", "in-b=1", sel("in-a=1"), "get a"),
				clusterRole("b", "in-a=1", sel("in-b=1"), "get b"),
			},
			role: "a",
			want: []string{
				"get a = ClusterRole a rules[0]",
				"get b = ClusterRole a ← ClusterRole b rules[0]",
			},
			problems: []string{
				"aggregation-pending: ClusterRole a rules: its stored rules lack 1 rule of the ClusterRoles its aggregationRule selects; counted",
				// the controller, replacing rules, may lose a cycle's rules
				"aggregation-stale: ClusterRole a rules: rules [0] come from no ClusterRole its aggregationRule selects; counted while they are there",
			},
		},
		{
			name:  "selecting itself adds nothing",
			roles: []string{clusterRole("self", "s=1", sel("s=1"), "get own")},
			role:  "self",
			want:  []string{"get own = ClusterRole self rules[0]"},
			problems: []string{
				"aggregation-stale: ClusterRole self rules: rules [0] come from no ClusterRole its aggregationRule selects; counted while they are there",
			},
		},
		{
			name: "an empty selector selects every other ClusterRole",
			roles: []string{
				clusterRole("all", "", sel("")),
				clusterRole("x", "", nil, "get x"),
				clusterRole("y", "any=thing", nil, "get y"),
			},
			role: "all",
			want: []string{
				"get x = ClusterRole all ← ClusterRole x rules[0]",
				"get y = ClusterRole all ← ClusterRole y rules[0]",
			},
			problems: []string{
				"aggregation-pending: ClusterRole all rules: its stored rules lack 2 rules of the ClusterRoles its aggregationRule selects; counted",
			},
		},
		{
			name: "filled by the controller: stored, cited where written",
			roles: []string{
				clusterRole("top", "", sel("to-top=1"), "get mid", "get leaf"),
				clusterRole("mid", "to-top=1", sel("to-mid=1"), "get leaf", "get mid"),
				clusterRole("leaf", "to-mid=1", nil, "get leaf"),
				clusterRole("midrule", "to-top=1", nil, "get mid"),
			},
			role: "top",
			want: []string{
				"get mid = ClusterRole top rules[0] ← ClusterRole midrule rules[0]",
				"get leaf = ClusterRole top rules[1] ← ClusterRole mid ← ClusterRole leaf rules[0]",
			},
		},
		{
			name: "an aggregated role's copy is the source when nothing else has the rule",
			roles: []string{
				clusterRole("top", "", sel("to-top=1")),
				clusterRole("mid", "to-top=1", sel("to-mid=1"), "get stale"),
			},
			role:     "top",
			want:     []string{"get stale = ClusterRole top ← ClusterRole mid rules[0]"},
			problems: []string{"aggregation-pending: ClusterRole top rules: its stored rules lack 1 rule of the ClusterRoles its aggregationRule selects; counted"},
		},
		{
			name: "stored and aggregated: stored first, stale ones kept",
			roles: []string{
				clusterRole("agg", "", sel("p=1"), "get old", "get kept"),
				clusterRole("src", "p=1", nil, "get kept", "get new"),
			},
			role: "agg",
			want: []string{
				"get old = ClusterRole agg rules[0]",
				"get kept = ClusterRole agg rules[1] ← ClusterRole src rules[0]",
				"get new = ClusterRole agg ← ClusterRole src rules[1]",
			},
			problems: []string{
				"aggregation-pending: ClusterRole agg rules: its stored rules lack 1 rule of the ClusterRoles its aggregationRule selects; counted",
				"aggregation-stale: ClusterRole agg rules: rules [0] come from no ClusterRole its aggregationRule selects; counted while they are there",
			},
		},
		{
			name:  "no selector matches: the stored rules",
			roles: []string{clusterRole("agg", "", sel("none=1"), "get own"), clusterRole("other", "", nil, "get other")},
			role:  "agg",
			want:  []string{"get own = ClusterRole agg rules[0]"},
			problems: []string{
				"aggregation-stale: ClusterRole agg rules: rules [0] come from no ClusterRole its aggregationRule selects; counted while they are there",
			},
		},
		{
			name:  "labels of a non-aggregated role do not matter to it",
			roles: []string{clusterRole("plain", "p=1", nil, "get a", "get a")},
			role:  "plain",
			want:  []string{"get a = ClusterRole plain rules[0]", "get a = ClusterRole plain rules[1]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPolicy(yamlObjects(t, tt.roles...))
			if got := effective(t, p, tt.role); !slices.Equal(got, tt.want) {
				t.Errorf("effective rules\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			var got []string
			for _, pr := range problemStrings(p.Problems()) {
				if strings.Contains(pr, "ClusterRole "+tt.role+" ") {
					got = append(got, pr)
				}
			}
			if !slices.Equal(got, tt.problems) {
				t.Errorf("problems\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.problems, "\n  "))
			}
		})
	}
}

// TestAggregatedGrant: a grant through an aggregated role allows what the
// selected roles allow, and carries the rule's fields as well as its
// source.
func TestAggregatedGrant(t *testing.T) {
	objs := yamlObjects(t,
		clusterRole("agg", "", []string{"p=1"}, "get stored"),
		clusterRole("src", "p=1", nil, "get pods"),
		`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
subjects: [{kind: User, name: u}]
roleRef: {kind: ClusterRole, name: agg}`)
	p := NewPolicy(objs)
	d := p.Can(User{Name: "u"}, Request{Verb: "get", Resource: "pods"})
	if !d.Allowed || len(d.Grants) != 1 {
		t.Fatalf("%s", d)
	}
	g := d.Grants[0]
	want := Grant{
		Binding: ObjectRef{KindClusterRoleBinding, "", "b"}, SubjectIndex: 0, Subject: Subject{Kind: "User", Name: "u"},
		Role: ObjectRef{KindClusterRole, "", "agg"}, RuleIndex: 1, Scope: "",
	}
	if g.Binding != want.Binding || g.SubjectIndex != 0 || g.Subject != want.Subject || g.Role != want.Role || g.RuleIndex != 1 || g.Scope != "" {
		t.Errorf("grant %+v", g)
	}
	if g.Rule.Stored != -1 || g.Rule.Source != (RuleRef{ObjectRef{KindClusterRole, "", "src"}, 0}) || len(g.Rule.Via) != 0 {
		t.Errorf("rule %+v", g.Rule)
	}
	if g.BindingLocator() != "ClusterRoleBinding b subjects[0]" || g.RuleLocator() != "ClusterRole agg ← ClusterRole src rules[0]" {
		t.Errorf("locators %q %q", g.BindingLocator(), g.RuleLocator())
	}
	if d := p.Can(User{Name: "u"}, Request{Verb: "get", Resource: "stored"}); !d.Allowed || d.Grants[0].RuleIndex != 0 || d.Grants[0].Rule.Stored != 0 {
		t.Errorf("the stored rule: %s", d)
	}
}
