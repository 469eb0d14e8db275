package redact

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Tests of the schemas.txt reader on small schemas of its own: nesting
// and dedenting, sequences, fragments taken whole or included, keys
// given twice, the special values, and the errors by line (issue 15, make
// mutate).

// describe lists a field's tree as "path kind/how/comp" lines, sorted,
// to depth levels (fragments may refer to themselves).
func describe(f *field, path string, depth int, out *[]string) {
	if f == nil || depth == 0 {
		return
	}
	var tags []string
	if f.kind != unknown {
		tags = append(tags, fmt.Sprintf("k%d", f.kind))
	}
	if f.how != "" {
		tags = append(tags, f.how)
	}
	if f.comp != "" {
		tags = append(tags, "="+f.comp)
	}
	if f.keys != nil {
		tags = append(tags, "{}")
	}
	*out = append(*out, strings.TrimSpace(path+" "+strings.Join(tags, ",")))
	for k, c := range f.keys {
		describe(c, path+"."+k, depth-1, out)
	}
	describe(f.any, path+".*", depth-1, out)
	describe(f.items, path+"[]", depth-1, out)
}

func TestParseSchemas(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		want       []string // describe of the type named "t"
	}{
		{"siblings", "=t\na s\nb n\n", []string{"{}", ".a k1", ".b k3"}},
		{"nesting and dedent by two levels", "=t\na\n  b\n    c s\nd s\n", []string{"{}", ".a {}", ".a.b {}", ".a.b.c k1", ".d k1"}},
		{"siblings under a key", "=t\na\n  b s\n  c d\n", []string{"{}", ".a {}", ".a.b k1", ".a.c k4"}},
		{"odd indentation", "=t\na\n   b s\n  c s\n", []string{"{}", ".a {}", ".a.b k1", ".a.c k1"}},
		{"comments and blank lines", "# head\n=t # type\n\na s # note\n   \n# b s\n", []string{"{}", ".a k1"}},
		{"sequences", "=t\na[] s\nb[][] p\nc[]\n  d u\n", []string{"{}", ".a", ".a[] k1", ".b", ".b[]", ".b[][] k5", ".c", ".c[] {}", ".c[].d k6"}},
		{"any key", "=t\n* x\n", []string{"{}", ".* k8"}},
		{"special values", "=t\na argv\nb args\nc flag=kubelet\nd flagitem=etcd\ne envitem\nf envmap\ng container\nh flag\n",
			[]string{"{}", ".a argv", ".b args", ".c flag,=kubelet", ".d flagitem,=etcd", ".e envitem", ".f envmap", ".g container", ".h flag"}},
		{"a fragment taken whole", "=t\na *fr\n&fr\nb s\nc\n  d b\n", []string{"{}", ".a {}", ".a.b k1", ".a.c {}", ".a.c.d k2"}},
		{"a fragment defined first", "&fr\nb s\n=t\na *fr\n", []string{"{}", ".a {}", ".a.b k1"}},
		{"a container with a fragment", "=t\na container *fr\n&fr\nimage s\n* n\n", []string{"{}", ".a container,{}", ".a.* k3", ".a.image k1"}},
		{"an included fragment: own fields win", "=t\na\n  *fr\n  b n\n&fr\nb s\nc s\n* d\n", []string{"{}", ".a {}", ".a.* k4", ".a.b k3", ".a.c k1"}},
		{"an included fragment: own any wins", "=t\na\n  * p\n  *fr\n&fr\nc s\n* d\n", []string{"{}", ".a {}", ".a.* k5", ".a.c k1"}},
		{"'*fr' with a kind is a key", "=t\n*fr s\n", []string{"{}", ".*fr k1"}},
		{"a key twice: map and sequence forms", "=t\na\n  b s\na[]\n  c s\n", []string{"{}", ".a {}", ".a.b k1", ".a[] {}", ".a[].c k1"}},
		{"a key twice: the kind replaced", "=t\na s\na x\n", []string{"{}", ".a k8"}},
	} {
		types, byName := parseSchemas(tt.text)
		ty := byName["t"]
		if ty == nil || !slices.Contains(types, ty) {
			t.Errorf("%s: no type t", tt.name)
			continue
		}
		var got []string
		describe(ty.root, "", 6, &got)
		sort.Strings(got)
		sort.Strings(tt.want)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q\n got  %q\n want %q", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestParseSchemaTypes(t *testing.T) {
	types, byName := parseSchemas("=a Pod -\nx s\n=b KubeletConfiguration kubelet.config.k8s.io -\n=c\n&f\ny s\n")
	var got []string
	for _, ty := range types {
		got = append(got, fmt.Sprintf("%s %s %q", ty.name, ty.kind, ty.groups))
	}
	want := []string{`a Pod [""]`, `b KubeletConfiguration ["kubelet.config.k8s.io" ""]`, "c  []"}
	if !slices.Equal(got, want) || len(byName) != 3 || byName["f"] != nil {
		t.Errorf("types %q (by name %d), want %q", got, len(byName), want)
	}
}

func TestParseSchemasErrors(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"a s\n", "redact: schemas.txt line 1: indented under nothing"},
		{"=t\na q\n", "redact: schemas.txt line 2: unknown kind q"},
		{"=t\n\na flog=x\n", "redact: schemas.txt line 3: unknown value flog=x"},
		{"=t\na *nofrag\n", "redact: schemas.txt: unknown fragment nofrag"},
		{"=t\na\n  *nofrag\n", "redact: schemas.txt: unknown fragment nofrag"},
		{"=t\na container *nofrag\n", "redact: schemas.txt: unknown fragment nofrag"},
	} {
		func() {
			defer func() {
				if r := recover(); r != tt.want {
					t.Errorf("parseSchemas(%q) panics with %v, want %q", tt.text, r, tt.want)
				}
			}()
			parseSchemas(tt.text)
		}()
	}
}

func TestItoa(t *testing.T) {
	for _, i := range []int{0, 1, 9, 10, 99, 100, 12345, 1 << 40} {
		if got := itoa(i); got != fmt.Sprint(i) {
			t.Errorf("itoa(%d) = %q", i, got)
		}
	}
}

func TestKeepsField(t *testing.T) {
	for _, tt := range []struct {
		typ, path string
		want      bool
	}{
		{"kubelet-config", "readOnlyPort", true},
		{"kubelet-config", "authentication.anonymous.enabled", true},
		{"kubelet-config", "authentication.anonymous", true},
		{"kubelet-config", "noSuchField", false},
		{"no-such-type", "readOnlyPort", false},
		{"pod", "spec.hostNetwork", true},
		{"pod", "spec.containers.image", true},                                          // through a list of containers
		{"pod", "spec.containers.env", true},                                            // a special value
		{"pod", "spec.containers.lifecycle.postStart.httpGet.httpHeaders.value", false}, // a secret
		{"pod", "spec.containers.lifecycle.postStart.httpGet.httpHeaders.name", true},
		{"pod", "metadata.labels.app", true}, // any key
		{"pod", "metadata.annotations.app", false},
		{"pod", "spec", true}, // a map of known fields
	} {
		if got := KeepsField(tt.typ, tt.path); got != tt.want {
			t.Errorf("KeepsField(%q, %q) = %v, want %v", tt.typ, tt.path, got, tt.want)
		}
	}
}
