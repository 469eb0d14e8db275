package rbac

import (
	"os"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// fixtureItems reads a multi-document YAML file of testdata into the JSON
// of each item, as kubectl prints them.
func fixtureItems(t testing.TB, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var items [][]byte
	for _, doc := range strings.Split(string(data), "\n---\n") {
		j, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(j) == "null" {
			continue
		}
		items = append(items, j)
	}
	if len(items) == 0 {
		t.Fatalf("%s: no items", name)
	}
	return items
}

// decodeAll decodes items, failing on any error.
func decodeAll(t testing.TB, items [][]byte) []Object {
	t.Helper()
	var objs []Object
	for i, item := range items {
		o, err := Decode(item)
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		objs = append(objs, o)
	}
	return objs
}

// fixturePolicy is the policy of a testdata file.
func fixturePolicy(t testing.TB, name string) *Policy {
	t.Helper()
	return NewPolicy(decodeAll(t, fixtureItems(t, name)))
}

// yamlObjects decodes YAML documents written in a test.
func yamlObjects(t testing.TB, docs ...string) []Object {
	t.Helper()
	var objs []Object
	for _, doc := range docs {
		j, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		o, err := Decode(j)
		if err != nil {
			t.Fatalf("%v\n%s", err, doc)
		}
		objs = append(objs, o)
	}
	return objs
}

func grantStrings(gs []Grant) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.String()
	}
	return out
}

func problemStrings(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p.Kind) + ": " + p.String()
	}
	return out
}
