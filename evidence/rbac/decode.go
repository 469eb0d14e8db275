package rbac

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
)

// Kind is the kind of an RBAC object.
type Kind string

// The kinds of rbac.authorization.k8s.io/v1 this package reads.
const (
	KindRole               Kind = "Role"
	KindClusterRole        Kind = "ClusterRole"
	KindRoleBinding        Kind = "RoleBinding"
	KindClusterRoleBinding Kind = "ClusterRoleBinding"
)

// APIVersion is the only version of the RBAC API an item may carry.
const APIVersion = "rbac.authorization.k8s.io/v1"

// Subject kinds.
const (
	SubjectUser           = "User"
	SubjectGroup          = "Group"
	SubjectServiceAccount = "ServiceAccount"
)

// ObjectRef names an object: its kind, namespace ("" for cluster-scoped
// kinds) and name.
type ObjectRef struct {
	Kind      Kind
	Namespace string
	Name      string
}

// String is "Kind name" or "Kind namespace/name".
func (r ObjectRef) String() string {
	if r.Namespace == "" {
		return string(r.Kind) + " " + r.Name
	}
	return string(r.Kind) + " " + r.Namespace + "/" + r.Name
}

// compare orders refs by kind, namespace and name.
func (r ObjectRef) compare(o ObjectRef) int {
	return cmp.Or(cmp.Compare(r.Kind, o.Kind), cmp.Compare(r.Namespace, o.Namespace), cmp.Compare(r.Name, o.Name))
}

// Object is one decoded RBAC object: a *Role, *ClusterRole, *RoleBinding
// or *ClusterRoleBinding.
type Object interface {
	Ref() ObjectRef
	object()
}

// Meta is the part of an object's metadata RBAC reads.
type Meta struct {
	Namespace string // "" for ClusterRoles and ClusterRoleBindings
	Name      string
	Labels    map[string]string
}

// Role is a namespaced set of rules.
type Role struct {
	Meta
	Rules []Rule
}

// ClusterRole is a cluster-scoped set of rules, which an aggregation
// rule may fill from other ClusterRoles.
type ClusterRole struct {
	Meta
	Rules       []Rule
	Aggregation *AggregationRule // nil: not aggregated
}

// AggregationRule selects the ClusterRoles whose rules an aggregated
// ClusterRole gets: those that any selector matches.
type AggregationRule struct {
	Selectors []Selector
}

// RoleBinding grants a Role of its namespace, or a ClusterRole within its
// namespace, to subjects.
type RoleBinding struct {
	Meta
	Subjects []Subject
	RoleRef  RoleRef
}

// ClusterRoleBinding grants a ClusterRole cluster-wide to subjects.
type ClusterRoleBinding struct {
	Meta
	Subjects []Subject
	RoleRef  RoleRef
}

// Subject is who a binding names: a User, a Group or a ServiceAccount
// (with a namespace).
type Subject struct {
	Kind      string
	APIGroup  string
	Name      string
	Namespace string
}

// String is "User jane", "Group system:masters", "ServiceAccount
// kube-system/default".
func (s Subject) String() string {
	if s.Kind == SubjectServiceAccount {
		return s.Kind + " " + s.Namespace + "/" + s.Name
	}
	return s.Kind + " " + s.Name
}

// RoleRef is the role a binding grants.
type RoleRef struct {
	APIGroup string
	Kind     string
	Name     string
}

func (o *Role) Ref() ObjectRef { return ObjectRef{KindRole, o.Namespace, o.Name} }
func (o *ClusterRole) Ref() ObjectRef {
	return ObjectRef{KindClusterRole, "", o.Name}
}
func (o *RoleBinding) Ref() ObjectRef { return ObjectRef{KindRoleBinding, o.Namespace, o.Name} }
func (o *ClusterRoleBinding) Ref() ObjectRef {
	return ObjectRef{KindClusterRoleBinding, "", o.Name}
}

func (*Role) object()               {}
func (*ClusterRole) object()        {}
func (*RoleBinding) object()        {}
func (*ClusterRoleBinding) object() {}

// ErrNotRBAC: the item is not an RBAC object this package reads (a Pod,
// a List, an RBAC kind it does not know). Callers that read a mixed
// snapshot skip such items and count them.
var ErrNotRBAC = errors.New("rbac: not a Role, ClusterRole, RoleBinding or ClusterRoleBinding")

// DecodeError says which object and which field of it could not be read.
// Kind, Namespace and Name are what was read of the object before the
// problem (possibly nothing).
type DecodeError struct {
	Kind      string
	Namespace string
	Name      string
	Field     string // a path such as rules[2].verbs[0], "" for the whole item
	Reason    string
	Err       error // ErrNotRBAC, or nil
}

func (e *DecodeError) Error() string {
	what := "item"
	if e.Kind != "" {
		what = e.Kind
	}
	if e.Name != "" || e.Namespace != "" {
		n := e.Name
		if e.Namespace != "" {
			n = e.Namespace + "/" + e.Name
		}
		what += " " + strconv.Quote(n)
	}
	if e.Field == "" {
		return "rbac: " + what + ": " + e.Reason
	}
	return "rbac: " + what + ": " + e.Field + ": " + e.Reason
}

func (e *DecodeError) Unwrap() error { return e.Err }

// decoder reads one item, remembering what it knows of the object for
// its errors.
type decoder struct {
	kind, namespace, name string
}

// fieldError is a problem at a path inside the item.
type fieldError struct {
	field, reason string
}

func (e *fieldError) Error() string { return e.field + ": " + e.reason }

func (d *decoder) fail(err error) error {
	de := &DecodeError{Kind: d.kind, Namespace: d.namespace, Name: d.name}
	var fe *fieldError
	var nr *notRBACError
	switch {
	case errors.As(err, &fe):
		de.Field, de.Reason = fe.field, fe.reason
	case errors.As(err, &nr):
		de.Reason, de.Err = nr.Error(), ErrNotRBAC
	default:
		de.Reason = err.Error()
	}
	return de
}

// Decode reads one item of `kubectl get … -o json` (an object of
// rbac.authorization.k8s.io/v1) into its Object. Unknown fields are
// ignored, as the API server's own clients do; fields are matched by
// their exact names. It never panics; an item that is not one of the four
// RBAC kinds gives a *DecodeError wrapping ErrNotRBAC, and a malformed one
// a *DecodeError naming the object and the field.
//
// Decode also refuses what the API server would never have stored and
// that would change an evaluation: a Role or RoleBinding without a
// namespace, an object without a name, a label selector with an unknown
// operator or with values where its operator takes none (or none where
// it needs some).
func Decode(data []byte) (Object, error) {
	d := &decoder{}
	obj, err := d.decode(data)
	if err != nil {
		return nil, d.fail(err)
	}
	return obj, nil
}

func (d *decoder) decode(data []byte) (Object, error) {
	v, err := parse(data)
	if err != nil {
		return nil, err
	}
	top, err := fields(v, "")
	if err != nil {
		return nil, err
	}
	if top == nil {
		return nil, &fieldError{"", "want an object, got null"}
	}
	kind, err := str(top, "kind", "")
	if err != nil {
		return nil, err
	}
	d.kind = kind
	switch Kind(kind) {
	case KindRole, KindClusterRole, KindRoleBinding, KindClusterRoleBinding:
	default:
		// Name the item if its metadata can say, for the caller's count.
		if m, err := fields(top["metadata"], "metadata"); err == nil {
			d.namespace, _ = str(m, "namespace", "metadata")
			d.name, _ = str(m, "name", "metadata")
		}
		return nil, &notRBACError{kind}
	}
	version, err := str(top, "apiVersion", "")
	if err != nil {
		return nil, err
	}
	if version != APIVersion {
		return nil, &fieldError{"apiVersion", fmt.Sprintf("want %q, got %q", APIVersion, version)}
	}
	meta, err := d.meta(top)
	if err != nil {
		return nil, err
	}
	namespaced := Kind(kind) == KindRole || Kind(kind) == KindRoleBinding
	if namespaced && meta.Namespace == "" {
		return nil, &fieldError{"metadata.namespace", "a " + kind + " needs a namespace"}
	}
	if !namespaced {
		// The API server stores cluster-scoped objects without one.
		meta.Namespace = ""
		d.namespace = ""
	}
	switch Kind(kind) {
	case KindRole:
		rules, err := rulesOf(top)
		if err != nil {
			return nil, err
		}
		return &Role{Meta: meta, Rules: rules}, nil
	case KindClusterRole:
		rules, err := rulesOf(top)
		if err != nil {
			return nil, err
		}
		agg, err := aggregationOf(top)
		if err != nil {
			return nil, err
		}
		return &ClusterRole{Meta: meta, Rules: rules, Aggregation: agg}, nil
	case KindRoleBinding:
		subjects, ref, err := bindingOf(top)
		if err != nil {
			return nil, err
		}
		return &RoleBinding{Meta: meta, Subjects: subjects, RoleRef: ref}, nil
	default:
		subjects, ref, err := bindingOf(top)
		if err != nil {
			return nil, err
		}
		return &ClusterRoleBinding{Meta: meta, Subjects: subjects, RoleRef: ref}, nil
	}
}

// notRBACError is the error for an item of another kind.
type notRBACError struct{ kind string }

func (e *notRBACError) Error() string {
	if e.kind == "" {
		return "no kind"
	}
	return "kind " + strconv.Quote(e.kind) + " is not an RBAC object"
}

func (d *decoder) meta(top map[string]any) (Meta, error) {
	m, err := fields(top["metadata"], "metadata")
	if err != nil {
		return Meta{}, err
	}
	var meta Meta
	if meta.Namespace, err = str(m, "namespace", "metadata"); err != nil {
		return Meta{}, err
	}
	d.namespace = meta.Namespace
	if meta.Name, err = str(m, "name", "metadata"); err != nil {
		return Meta{}, err
	}
	d.name = meta.Name
	if meta.Labels, err = strMap(m, "labels", "metadata"); err != nil {
		return Meta{}, err
	}
	if meta.Name == "" {
		return Meta{}, &fieldError{"metadata.name", "an object needs a name"}
	}
	return meta, nil
}

func rulesOf(top map[string]any) ([]Rule, error) {
	items, err := array(top["rules"], "rules")
	if err != nil {
		return nil, err
	}
	var rules []Rule
	for i, raw := range items {
		path := "rules[" + strconv.Itoa(i) + "]"
		m, err := fields(raw, path)
		if err != nil {
			return nil, err
		}
		var r Rule
		for _, f := range []struct {
			name string
			to   *[]string
		}{{"verbs", &r.Verbs}, {"apiGroups", &r.APIGroups}, {"resources", &r.Resources}, {"resourceNames", &r.ResourceNames}, {"nonResourceURLs", &r.NonResourceURLs}} {
			if *f.to, err = strs(m, f.name, path); err != nil {
				return nil, err
			}
		}
		rules = append(rules, r)
	}
	return rules, nil
}

func aggregationOf(top map[string]any) (*AggregationRule, error) {
	m, err := fields(top["aggregationRule"], "aggregationRule")
	if err != nil || m == nil {
		return nil, err
	}
	items, err := array(m["clusterRoleSelectors"], "aggregationRule.clusterRoleSelectors")
	if err != nil {
		return nil, err
	}
	agg := &AggregationRule{}
	for i, raw := range items {
		path := "aggregationRule.clusterRoleSelectors[" + strconv.Itoa(i) + "]"
		sel, err := selectorOf(raw, path)
		if err != nil {
			return nil, err
		}
		agg.Selectors = append(agg.Selectors, sel)
	}
	return agg, nil
}

func selectorOf(raw any, path string) (Selector, error) {
	m, err := fields(raw, path)
	if err != nil {
		return Selector{}, err
	}
	var sel Selector
	if m == nil {
		// A null selector in the list decodes as an empty one, which
		// matches every ClusterRole (the list holds values, not
		// pointers).
		return sel, nil
	}
	if sel.MatchLabels, err = strMap(m, "matchLabels", path); err != nil {
		return Selector{}, err
	}
	exprs, err := array(m["matchExpressions"], path+".matchExpressions")
	if err != nil {
		return Selector{}, err
	}
	for i, raw := range exprs {
		epath := path + ".matchExpressions[" + strconv.Itoa(i) + "]"
		em, err := fields(raw, epath)
		if err != nil {
			return Selector{}, err
		}
		var req Requirement
		if req.Key, err = str(em, "key", epath); err != nil {
			return Selector{}, err
		}
		var op string
		if op, err = str(em, "operator", epath); err != nil {
			return Selector{}, err
		}
		req.Operator = Operator(op)
		if req.Values, err = strs(em, "values", epath); err != nil {
			return Selector{}, err
		}
		if err := req.validate(); err != nil {
			return Selector{}, &fieldError{epath, err.Error()}
		}
		sel.MatchExpressions = append(sel.MatchExpressions, req)
	}
	return sel, nil
}

func bindingOf(top map[string]any) ([]Subject, RoleRef, error) {
	items, err := array(top["subjects"], "subjects")
	if err != nil {
		return nil, RoleRef{}, err
	}
	var subjects []Subject
	for i, raw := range items {
		path := "subjects[" + strconv.Itoa(i) + "]"
		m, err := fields(raw, path)
		if err != nil {
			return nil, RoleRef{}, err
		}
		var s Subject
		for _, f := range []struct {
			name string
			to   *string
		}{{"kind", &s.Kind}, {"apiGroup", &s.APIGroup}, {"name", &s.Name}, {"namespace", &s.Namespace}} {
			if *f.to, err = str(m, f.name, path); err != nil {
				return nil, RoleRef{}, err
			}
		}
		subjects = append(subjects, s)
	}
	m, err := fields(top["roleRef"], "roleRef")
	if err != nil {
		return nil, RoleRef{}, err
	}
	var ref RoleRef
	for _, f := range []struct {
		name string
		to   *string
	}{{"apiGroup", &ref.APIGroup}, {"kind", &ref.Kind}, {"name", &ref.Name}} {
		if *f.to, err = str(m, f.name, "roleRef"); err != nil {
			return nil, RoleRef{}, err
		}
	}
	return subjects, ref, nil
}

// The JSON readers below take a field's value, as encoding/json decodes
// it into an any, and its path. An absent field and a null are the zero
// value, as for the API server.

// parse reads one JSON value, keeping numbers as text (no number in an
// ignored field can fail to fit), and refuses anything after it.
func parse(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, &fieldError{"", "malformed JSON: " + err.Error()}
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return nil, &fieldError{"", "malformed JSON: data after the item"}
	}
	return v, nil
}

// fields reads an object into its members, by exact name.
func fields(v any, path string) (map[string]any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	}
	return nil, typeError(path, "an object", v)
}

func array(v any, path string) ([]any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case []any:
		return v, nil
	}
	return nil, typeError(path, "an array", v)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func text(v any, path string) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	}
	return "", typeError(path, "a string", v)
}

func str(m map[string]any, name, path string) (string, error) {
	return text(m[name], join(path, name))
}

func strs(m map[string]any, name, path string) ([]string, error) {
	items, err := array(m[name], join(path, name))
	if err != nil || items == nil {
		return nil, err
	}
	out := make([]string, len(items))
	for i, v := range items {
		if out[i], err = text(v, join(path, name)+"["+strconv.Itoa(i)+"]"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func strMap(m map[string]any, name, path string) (map[string]string, error) {
	obj, err := fields(m[name], join(path, name))
	if err != nil || obj == nil {
		return nil, err
	}
	out := make(map[string]string, len(obj))
	// Sorted, so that of several bad values the same one is named.
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if out[k], err = text(obj[k], join(path, name)+"["+strconv.Quote(k)+"]"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// typeError says what a field should have been and what it was.
func typeError(path, want string, v any) error {
	got := "a number"
	switch v.(type) {
	case map[string]any:
		got = "an object"
	case []any:
		got = "an array"
	case string:
		got = "a string"
	case bool:
		got = "a boolean"
	case nil:
		got = "null"
	}
	return &fieldError{path, "want " + want + ", got " + got}
}
