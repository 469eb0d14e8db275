package rbac

import (
	"errors"
	"reflect"
	"testing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		json string
		want Object
	}{
		{"Role", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"namespace":"dev","name":"r","labels":{"a":"b"},"uid":"x","managedFields":[{}]},
			"rules":[{"apiGroups":[""],"resources":["pods","pods/log"],"verbs":["get"],"resourceNames":["p"]},{"verbs":["*"],"nonResourceURLs":["/x"]}]}`,
			&Role{Meta{"dev", "r", map[string]string{"a": "b"}}, []Rule{
				{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods", "pods/log"}, ResourceNames: []string{"p"}},
				{Verbs: []string{"*"}, NonResourceURLs: []string{"/x"}},
			}}},
		{"ClusterRole with aggregation", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"c","namespace":"ignored"},
			"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"k":"v"},"matchExpressions":[{"key":"a","operator":"In","values":["1","2"]},{"key":"b","operator":"DoesNotExist"}]},{},null]},"rules":null}`,
			&ClusterRole{Meta: Meta{Name: "c"}, Aggregation: &AggregationRule{[]Selector{
				{MatchLabels: map[string]string{"k": "v"}, MatchExpressions: []Requirement{{"a", In, []string{"1", "2"}}, {"b", DoesNotExist, nil}}},
				{}, {},
			}}}},
		{"ClusterRole, aggregationRule null", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":null,"rules":[]}`,
			&ClusterRole{Meta: Meta{Name: "c"}}},
		{"ClusterRole, aggregationRule without selectors", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{}}`,
			&ClusterRole{Meta: Meta{Name: "c"}, Aggregation: &AggregationRule{}}},
		{"RoleBinding", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"namespace":"dev","name":"b"},
			"subjects":[{"kind":"ServiceAccount","name":"sa"},{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"u"}],
			"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}}`,
			&RoleBinding{Meta{"dev", "b", nil}, []Subject{{Kind: "ServiceAccount", Name: "sa"}, {Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: "u"}}, RoleRef{"rbac.authorization.k8s.io", "Role", "r"}}},
		{"ClusterRoleBinding without subjects", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"kind":"ClusterRole","name":"c"}}`,
			&ClusterRoleBinding{Meta{"", "b", nil}, nil, RoleRef{"", "ClusterRole", "c"}}},
		{"null strings are empty", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"namespace":"dev","name":"r","labels":{"a":null}},"rules":[{"verbs":[null,"get"]}]}`,
			&Role{Meta{"dev", "r", map[string]string{"a": ""}}, []Rule{{Verbs: []string{"", "get"}}}}},
		{"numbers of any size where they are ignored", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"c","generation":1e999}} `,
			&ClusterRole{Meta: Meta{Name: "c"}}},
		{"field names are exact", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"namespace":"dev","name":"r"},"rules":[{"Verbs":["get"],"verbs":["list"]}]}`,
			&Role{Meta{"dev", "r", nil}, []Rule{{Verbs: []string{"list"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	const v1 = `"apiVersion":"rbac.authorization.k8s.io/v1",`
	tests := []struct {
		name    string
		json    string
		want    string
		notRBAC bool
	}{
		{"not JSON", `{"kind":`, "rbac: item: malformed JSON: unexpected EOF", false},
		{"empty", ``, "rbac: item: malformed JSON: unexpected EOF", false},
		{"two items", `{"kind":"Role"} {"kind":"Role"}`, "rbac: item: malformed JSON: data after the item", false},
		{"not an object", `[1]`, "rbac: item: want an object, got an array", false},
		{"null", `null`, "rbac: item: want an object, got null", false},
		{"no kind", `{"metadata":{"name":"x"}}`, `rbac: item "x": no kind`, true},
		{"kind not a string", `{"kind":3}`, "rbac: item: kind: want a string, got a number", false},
		{"another kind", `{"apiVersion":"v1","kind":"Pod","metadata":{"namespace":"dev","name":"p"}}`, `rbac: Pod "dev/p": kind "Pod" is not an RBAC object`, true},
		{"a List", `{"apiVersion":"v1","kind":"List","items":[]}`, `rbac: List: kind "List" is not an RBAC object`, true},
		{"another kind, bad metadata", `{"kind":"Pod","metadata":7}`, `rbac: Pod: kind "Pod" is not an RBAC object`, true},
		{"old API version", `{"apiVersion":"rbac.authorization.k8s.io/v1beta1","kind":"Role","metadata":{"namespace":"d","name":"r"}}`,
			`rbac: Role: apiVersion: want "rbac.authorization.k8s.io/v1", got "rbac.authorization.k8s.io/v1beta1"`, false},
		{"no API version", `{"kind":"Role","metadata":{"namespace":"d","name":"r"}}`, `rbac: Role: apiVersion: want "rbac.authorization.k8s.io/v1", got ""`, false},
		{"metadata not an object", `{` + v1 + `"kind":"Role","metadata":[]}`, "rbac: Role: metadata: want an object, got an array", false},
		{"name not a string", `{` + v1 + `"kind":"Role","metadata":{"name":1}}`, "rbac: Role: metadata.name: want a string, got a number", false},
		{"no name", `{` + v1 + `"kind":"ClusterRole","metadata":{}}`, "rbac: ClusterRole: metadata.name: an object needs a name", false},
		{"no metadata", `{` + v1 + `"kind":"ClusterRole"}`, "rbac: ClusterRole: metadata.name: an object needs a name", false},
		{"Role without a namespace", `{` + v1 + `"kind":"Role","metadata":{"name":"r"}}`, `rbac: Role "r": metadata.namespace: a Role needs a namespace`, false},
		{"RoleBinding without a namespace", `{` + v1 + `"kind":"RoleBinding","metadata":{"name":"b"}}`, `rbac: RoleBinding "b": metadata.namespace: a RoleBinding needs a namespace`, false},
		{"labels not an object", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c","labels":"x"}}`, `rbac: ClusterRole "c": metadata.labels: want an object, got a string`, false},
		{"a label not a string", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c","labels":{"b":true,"a":1}}}`, `rbac: ClusterRole "c": metadata.labels["a"]: want a string, got a number`, false},
		{"rules not an array", `{` + v1 + `"kind":"Role","metadata":{"namespace":"d","name":"r"},"rules":{}}`, `rbac: Role "d/r": rules: want an array, got an object`, false},
		{"a rule not an object", `{` + v1 + `"kind":"Role","metadata":{"namespace":"d","name":"r"},"rules":[{},"get"]}`, `rbac: Role "d/r": rules[1]: want an object, got a string`, false},
		{"verbs not an array", `{` + v1 + `"kind":"Role","metadata":{"namespace":"d","name":"r"},"rules":[{"verbs":"get"}]}`, `rbac: Role "d/r": rules[0].verbs: want an array, got a string`, false},
		{"a verb not a string", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"rules":[{"verbs":["get"]},{"verbs":["get",false]}]}`, `rbac: ClusterRole "c": rules[1].verbs[1]: want a string, got a boolean`, false},
		{"a resource not a string", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"rules":[{"resources":[["pods"]]}]}`, `rbac: ClusterRole "c": rules[0].resources[0]: want a string, got an array`, false},
		{"apiGroups", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"rules":[{"apiGroups":[{}]}]}`, `rbac: ClusterRole "c": rules[0].apiGroups[0]: want a string, got an object`, false},
		{"resourceNames", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"rules":[{"resourceNames":1}]}`, `rbac: ClusterRole "c": rules[0].resourceNames: want an array, got a number`, false},
		{"nonResourceURLs", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"rules":[{"nonResourceURLs":[1]}]}`, `rbac: ClusterRole "c": rules[0].nonResourceURLs[0]: want a string, got a number`, false},
		{"aggregationRule not an object", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":[]}`, `rbac: ClusterRole "c": aggregationRule: want an object, got an array`, false},
		{"selectors not an array", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":{}}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors: want an array, got an object`, false},
		{"a selector not an object", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[1]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0]: want an object, got a number`, false},
		{"matchLabels", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"k":1}}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0].matchLabels["k"]: want a string, got a number`, false},
		{"matchExpressions not an array", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":{}}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0].matchExpressions: want an array, got an object`, false},
		{"an expression not an object", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[true]}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0].matchExpressions[0]: want an object, got a boolean`, false},
		{"key", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":1}]}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0].matchExpressions[0].key: want a string, got a number`, false},
		{"operator", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"k","operator":1}]}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: want a string, got a number`, false},
		{"values", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"k","operator":"In","values":"a"}]}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: want an array, got a string`, false},
		{"unknown operator", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{},{"matchExpressions":[{"key":"k","operator":"Gt","values":["1"]}]}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[1].matchExpressions[0]: unknown operator "Gt"`, false},
		{"In without values", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"k","operator":"In"}]}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0].matchExpressions[0]: operator In needs values`, false},
		{"NotIn without values", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"k","operator":"NotIn","values":[]}]}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0].matchExpressions[0]: operator NotIn needs values`, false},
		{"Exists with values", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"k","operator":"Exists","values":["x"]}]}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0].matchExpressions[0]: operator Exists takes no values`, false},
		{"DoesNotExist with values", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"k","operator":"DoesNotExist","values":["x"]}]}]}}`, `rbac: ClusterRole "c": aggregationRule.clusterRoleSelectors[0].matchExpressions[0]: operator DoesNotExist takes no values`, false},
		{"subjects not an array", `{` + v1 + `"kind":"ClusterRoleBinding","metadata":{"name":"b"},"subjects":{}}`, `rbac: ClusterRoleBinding "b": subjects: want an array, got an object`, false},
		{"a subject not an object", `{` + v1 + `"kind":"ClusterRoleBinding","metadata":{"name":"b"},"subjects":[{},[]]}`, `rbac: ClusterRoleBinding "b": subjects[1]: want an object, got an array`, false},
		{"subject kind", `{` + v1 + `"kind":"RoleBinding","metadata":{"namespace":"d","name":"b"},"subjects":[{"kind":1}]}`, `rbac: RoleBinding "d/b": subjects[0].kind: want a string, got a number`, false},
		{"subject namespace", `{` + v1 + `"kind":"RoleBinding","metadata":{"namespace":"d","name":"b"},"subjects":[{"namespace":{}}]}`, `rbac: RoleBinding "d/b": subjects[0].namespace: want a string, got an object`, false},
		{"subject name", `{` + v1 + `"kind":"RoleBinding","metadata":{"namespace":"d","name":"b"},"subjects":[{"name":[]}]}`, `rbac: RoleBinding "d/b": subjects[0].name: want a string, got an array`, false},
		{"subject apiGroup", `{` + v1 + `"kind":"RoleBinding","metadata":{"namespace":"d","name":"b"},"subjects":[{"apiGroup":2}]}`, `rbac: RoleBinding "d/b": subjects[0].apiGroup: want a string, got a number`, false},
		{"roleRef not an object", `{` + v1 + `"kind":"RoleBinding","metadata":{"namespace":"d","name":"b"},"roleRef":"r"}`, `rbac: RoleBinding "d/b": roleRef: want an object, got a string`, false},
		{"roleRef name", `{` + v1 + `"kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"name":1}}`, `rbac: ClusterRoleBinding "b": roleRef.name: want a string, got a number`, false},
		{"roleRef kind", `{` + v1 + `"kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"kind":1}}`, `rbac: ClusterRoleBinding "b": roleRef.kind: want a string, got a number`, false},
		{"roleRef apiGroup", `{` + v1 + `"kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"apiGroup":1}}`, `rbac: ClusterRoleBinding "b": roleRef.apiGroup: want a string, got a number`, false},
		{"trailing data", `{` + v1 + `"kind":"ClusterRole","metadata":{"name":"c"}} x`, `rbac: item: malformed JSON: data after the item`, false},
		{"bad JSON inside", `{"kind":"Role","metadata":{"name":}}`, `rbac: item: malformed JSON: invalid character '}' looking for beginning of value`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Decode([]byte(tt.json))
			if err == nil {
				t.Fatalf("decoded %#v", o)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n  %s\nwant\n  %s", err, tt.want)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Errorf("%T, not a *DecodeError", err)
			}
			if errors.Is(err, ErrNotRBAC) != tt.notRBAC {
				t.Errorf("errors.Is(err, ErrNotRBAC) = %v", !tt.notRBAC)
			}
		})
	}
}

func TestObjectRef(t *testing.T) {
	objs := []Object{
		&Role{Meta: Meta{Namespace: "n", Name: "r"}},
		&ClusterRole{Meta: Meta{Name: "c"}},
		&RoleBinding{Meta: Meta{Namespace: "n", Name: "b"}},
		&ClusterRoleBinding{Meta: Meta{Name: "cb"}},
	}
	want := []string{"Role n/r", "ClusterRole c", "RoleBinding n/b", "ClusterRoleBinding cb"}
	for i, o := range objs {
		if got := o.Ref().String(); got != want[i] {
			t.Errorf("%q, want %q", got, want[i])
		}
	}
	subjects := map[Subject]string{
		{Kind: "User", Name: "u", Namespace: "ignored"}:     "User u",
		{Kind: "ServiceAccount", Name: "s", Namespace: "n"}: "ServiceAccount n/s",
		{Kind: "Group", Name: "system:masters"}:             "Group system:masters",
	}
	for s, want := range subjects {
		if s.String() != want {
			t.Errorf("%q, want %q", s.String(), want)
		}
	}
}

func TestFieldError(t *testing.T) {
	if got := (&fieldError{"rules[0]", "want an object"}).Error(); got != "rules[0]: want an object" {
		t.Errorf("%q", got)
	}
}
