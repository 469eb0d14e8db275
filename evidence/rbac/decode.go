package rbac

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	switch {
	case r.Kind != o.Kind:
		return cmpString(string(r.Kind), string(o.Kind))
	case r.Namespace != o.Namespace:
		return cmpString(r.Namespace, o.Namespace)
	}
	return cmpString(r.Name, o.Name)
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
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
	top, err := fields(data, "")
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

func (d *decoder) meta(top map[string]json.RawMessage) (Meta, error) {
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

func rulesOf(top map[string]json.RawMessage) ([]Rule, error) {
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

func aggregationOf(top map[string]json.RawMessage) (*AggregationRule, error) {
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

func selectorOf(raw json.RawMessage, path string) (Selector, error) {
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

func bindingOf(top map[string]json.RawMessage) ([]Subject, RoleRef, error) {
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

// The JSON readers below take a field's raw value and its path. An absent
// field and a null are the zero value, as for the API server.

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// fields reads an object into its members, by exact name.
func fields(raw json.RawMessage, path string) (map[string]json.RawMessage, error) {
	if isNull(raw) {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, typeError(path, "an object", raw, err)
	}
	return m, nil
}

func array(raw json.RawMessage, path string) ([]json.RawMessage, error) {
	if isNull(raw) {
		return nil, nil
	}
	var a []json.RawMessage
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, typeError(path, "an array", raw, err)
	}
	return a, nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func str(m map[string]json.RawMessage, name, path string) (string, error) {
	raw := m[name]
	if isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", typeError(join(path, name), "a string", raw, err)
	}
	return s, nil
}

func strs(m map[string]json.RawMessage, name, path string) ([]string, error) {
	items, err := array(m[name], join(path, name))
	if err != nil {
		return nil, err
	}
	var out []string
	for i, raw := range items {
		var s string
		if isNull(raw) {
			out = append(out, "")
			continue
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, typeError(join(path, name)+"["+strconv.Itoa(i)+"]", "a string", raw, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func strMap(m map[string]json.RawMessage, name, path string) (map[string]string, error) {
	obj, err := fields(m[name], join(path, name))
	if err != nil || obj == nil {
		return nil, err
	}
	out := make(map[string]string, len(obj))
	// Sorted, so that of several bad values the same one is named.
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		raw := obj[k]
		var v string
		if !isNull(raw) {
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, typeError(join(path, name)+"["+strconv.Quote(k)+"]", "a string", raw, err)
			}
		}
		out[k] = v
	}
	return out, nil
}

// typeError says what a field should have been and what it was: a JSON
// syntax error, or a value of another type.
func typeError(path, want string, raw json.RawMessage, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) || !json.Valid(raw) {
		return &fieldError{path, "malformed JSON: " + err.Error()}
	}
	return &fieldError{path, "want " + want + ", got " + jsonType(raw)}
}

func jsonType(raw json.RawMessage) string {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
