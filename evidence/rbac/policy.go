package rbac

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Policy is the RBAC state of a cluster as a snapshot holds it: its
// Roles, ClusterRoles (with their aggregation resolved), RoleBindings and
// ClusterRoleBindings. It answers what the RBAC authorizer would answer
// about any request. A Policy is immutable and safe for concurrent use.
type Policy struct {
	roles           map[ObjectRef]*role // Roles and ClusterRoles
	roleOrder       []ObjectRef         // sorted
	clusterBindings []*binding          // sorted by name
	bindings        map[string][]*binding
	namespaces      []string // sorted namespaces that have RoleBindings
	problems        []Problem
}

// role is a Role or ClusterRole with the rules it grants.
type role struct {
	ref   ObjectRef
	rules []EffectiveRule
}

// binding is a RoleBinding or ClusterRoleBinding with its role resolved.
type binding struct {
	ref      ObjectRef
	subjects []Subject
	roleRef  RoleRef
	role     *role // nil: the roleRef resolves to no role, and the binding grants nothing
	dangling *Problem
}

// RuleRef names a rule where it is written: rules[Index] of Role.
type RuleRef struct {
	Role  ObjectRef
	Index int
}

func (r RuleRef) String() string { return r.Role.String() + " rules[" + strconv.Itoa(r.Index) + "]" }

// EffectiveRule is a rule a role grants, with where it comes from. A
// role grants its own rules and, for a ClusterRole with an aggregation
// rule, every rule of the ClusterRoles its selectors reach (repeatedly,
// as the aggregation controller's passes do: an aggregated role selected
// by another passes on what it aggregates), each rule once.
type EffectiveRule struct {
	Rule
	// Stored is the index of the rule in the role's own rules, or -1
	// for a rule of an aggregated ClusterRole that the snapshot's copy
	// of it does not hold yet (the controller had not written it, or
	// the snapshot was made by hand).
	Stored int
	// Source is where the rule is written: in the role itself, or, for
	// an aggregated rule, in the ClusterRole it was aggregated from
	// (the first, in the controller's order, that is not itself
	// aggregated, if there is one).
	Source RuleRef
	// Via holds the aggregated ClusterRoles between the role and
	// Source.Role, in the order aggregation passes the rule up.
	Via []string
}

// cite says where the rule comes from, from the role r down:
// "ClusterRole admin rules[3] ← ClusterRole edit ← ClusterRole
// system:aggregate-to-edit rules[2]".
func (e *EffectiveRule) cite(r ObjectRef) string {
	if e.Source.Role == r {
		return e.Source.String()
	}
	var b strings.Builder
	b.WriteString(r.String())
	if e.Stored >= 0 {
		b.WriteString(" rules[" + strconv.Itoa(e.Stored) + "]")
	}
	for _, v := range e.Via {
		b.WriteString(" ← ClusterRole " + v)
	}
	b.WriteString(" ← " + e.Source.String())
	return b.String()
}

// Grant is one way a request is allowed: a binding's subject is granted
// a rule of the role the binding references.
type Grant struct {
	Binding      ObjectRef
	SubjectIndex int     // in the binding's subjects
	Subject      Subject // as it applies: a ServiceAccount's namespace defaulted to the binding's
	Role         ObjectRef
	RuleIndex    int // in the role's effective rules (Policy.Rules)
	Rule         EffectiveRule
	// Scope is the namespace the grant holds in, "" for cluster-wide
	// (a ClusterRoleBinding).
	Scope string
}

// BindingLocator cites the binding's subject: "ClusterRoleBinding
// cluster-admin subjects[0]".
func (g Grant) BindingLocator() string {
	return g.Binding.String() + " subjects[" + strconv.Itoa(g.SubjectIndex) + "]"
}

// RuleLocator cites the rule and where it comes from: "ClusterRole
// cluster-admin rules[0]", or for an aggregated rule the way it came.
func (g Grant) RuleLocator() string { return g.Rule.cite(g.Role) }

// String cites the whole grant: "ClusterRoleBinding cluster-admin
// subjects[0] → ClusterRole cluster-admin rules[0]".
func (g Grant) String() string { return g.BindingLocator() + " → " + g.RuleLocator() }

// Decision is the RBAC authorizer's answer about one user and request,
// with what decided it.
type Decision struct {
	// Allowed: some rule granted to the user allows the request.
	Allowed bool
	// Grants lists every grant that allows the request, in the order
	// of Policy's grants; the authorizer would name the first. A
	// binding counts once for a user, through the first of its
	// subjects that names them, as the authorizer takes it.
	Grants []Grant
	// Unresolved lists the bindings that name the user but grant
	// nothing because their roleRef resolves to no role: the errors the
	// authorizer reports beside a denial.
	Unresolved []Problem
	// Superuser is a group of the user that bypasses RBAC
	// (system:masters), "" if none: the API server allows every request
	// of such a user whatever Allowed says.
	Superuser string
}

// String says what decided: "allowed by ClusterRoleBinding … → …",
// "denied: no rule allows it".
func (d Decision) String() string {
	var s string
	if d.Allowed {
		s = "allowed by " + d.Grants[0].String()
	} else {
		s = "denied: no rule allows it"
		for _, p := range d.Unresolved {
			s += "; " + p.String()
		}
	}
	if d.Superuser != "" {
		s += "; group " + d.Superuser + " bypasses RBAC"
	}
	return s
}

// ProblemKind classes the anomalies of a policy.
type ProblemKind string

// The problems NewPolicy reports.
const (
	// Dangling: a binding's roleRef resolves to no role (none of that
	// name, or a kind that cannot be bound there): it grants nothing.
	Dangling ProblemKind = "dangling-roleref"
	// InertSubject: a binding's subject can match no user (an unknown
	// kind, a ServiceAccount of a ClusterRoleBinding without a
	// namespace).
	InertSubject ProblemKind = "inert-subject"
	// Duplicate: an object appears twice; the first is used.
	Duplicate ProblemKind = "duplicate"
	// AggregationPending: an aggregated ClusterRole's selectors reach
	// rules its stored rules do not hold yet. They are counted.
	AggregationPending ProblemKind = "aggregation-pending"
	// AggregationStale: an aggregated ClusterRole holds rules that no
	// ClusterRole its selectors reach has, which the controller would
	// remove. They are counted while they are there.
	AggregationStale ProblemKind = "aggregation-stale"
)

// Problem is an anomaly of one object that changes what it grants.
type Problem struct {
	Object ObjectRef
	Field  string // roleRef, subjects[1], rules, …; "" for the whole object
	Kind   ProblemKind
	Detail string
}

func (p Problem) String() string {
	s := p.Object.String()
	if p.Field != "" {
		s += " " + p.Field
	}
	return s + ": " + p.Detail
}

// NewPolicy builds the policy of a snapshot's RBAC objects. Objects of
// the same kind, namespace and name after the first are left out and
// reported (Duplicate); nil objects are skipped.
func NewPolicy(objs []Object) *Policy {
	p := &Policy{roles: map[ObjectRef]*role{}, bindings: map[string][]*binding{}}
	seen := map[ObjectRef]bool{}
	var clusterRoles []*ClusterRole
	var roles []*Role
	var rbs []*RoleBinding
	var crbs []*ClusterRoleBinding
	for _, o := range objs {
		if o == nil || isNilObject(o) {
			continue
		}
		ref := o.Ref()
		if seen[ref] {
			p.problems = append(p.problems, Problem{Object: ref, Kind: Duplicate, Detail: "appears more than once; the first is used"})
			continue
		}
		seen[ref] = true
		switch o := o.(type) {
		case *Role:
			roles = append(roles, o)
		case *ClusterRole:
			clusterRoles = append(clusterRoles, o)
		case *RoleBinding:
			rbs = append(rbs, o)
		case *ClusterRoleBinding:
			crbs = append(crbs, o)
		}
	}
	for _, r := range roles {
		p.addRole(r.Ref(), own(r.Ref(), r.Rules))
	}
	p.addClusterRoles(clusterRoles)
	slices.SortFunc(p.roleOrder, ObjectRef.compare)

	for _, b := range crbs {
		p.clusterBindings = append(p.clusterBindings, p.newBinding(b.Ref(), b.Subjects, b.RoleRef))
	}
	for _, b := range rbs {
		p.bindings[b.Namespace] = append(p.bindings[b.Namespace], p.newBinding(b.Ref(), b.Subjects, b.RoleRef))
	}
	byName := func(a, b *binding) int { return cmp.Compare(a.ref.Name, b.ref.Name) }
	slices.SortFunc(p.clusterBindings, byName)
	for ns, list := range p.bindings {
		slices.SortFunc(list, byName)
		p.namespaces = append(p.namespaces, ns)
	}
	slices.Sort(p.namespaces)
	for _, b := range p.allBindings() {
		if b.dangling != nil {
			p.problems = append(p.problems, *b.dangling)
		}
		for i, s := range b.subjects {
			if why := inert(s, b.ref.Namespace); why != "" {
				p.problems = append(p.problems, Problem{Object: b.ref, Field: "subjects[" + strconv.Itoa(i) + "]", Kind: InertSubject, Detail: why})
			}
		}
	}
	slices.SortStableFunc(p.problems, func(a, b Problem) int { return a.Object.compare(b.Object) })
	return p
}

// isNilObject catches a typed nil inside the interface.
func isNilObject(o Object) bool {
	switch o := o.(type) {
	case *Role:
		return o == nil
	case *ClusterRole:
		return o == nil
	case *RoleBinding:
		return o == nil
	case *ClusterRoleBinding:
		return o == nil
	}
	return true
}

func (p *Policy) addRole(ref ObjectRef, rules []EffectiveRule) {
	p.roles[ref] = &role{ref: ref, rules: rules}
	p.roleOrder = append(p.roleOrder, ref)
}

// own is a role's own rules, each its own source.
func own(ref ObjectRef, rules []Rule) []EffectiveRule {
	out := make([]EffectiveRule, len(rules))
	for i, r := range rules {
		out[i] = EffectiveRule{Rule: r, Stored: i, Source: RuleRef{ref, i}}
	}
	return out
}

// addClusterRoles adds the ClusterRoles, resolving aggregation. The
// aggregation controller replaces an aggregated ClusterRole's rules with
// the rules of the ClusterRoles its selectors match (in selector order,
// each selector's matches by name, itself excluded, each rule once), and
// runs again whenever a ClusterRole changes, so what one aggregated role
// gets passes on to those that select it. A snapshot may be taken before
// the controller wrote its result, or after someone edited the stored
// rules: what the authorizer reads is the stored rules, what it will read
// is the controller's. Both count: a role grants the union, its stored
// rules first, then the aggregated ones it does not hold yet.
func (p *Policy) addClusterRoles(crs []*ClusterRole) {
	byName := map[string]*ClusterRole{}
	for _, c := range crs {
		byName[c.Name] = c
	}
	names := make([]string, 0, len(crs))
	for _, c := range crs {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	// The ClusterRoles each aggregated one selects directly.
	selects := map[string][]string{}
	for _, name := range names {
		c := byName[name]
		if c.Aggregation == nil {
			continue
		}
		picked := map[string]bool{name: true}
		list := []string{}
		for _, sel := range c.Aggregation.Selectors {
			for _, other := range names {
				if !picked[other] && sel.Matches(byName[other].Labels) {
					picked[other] = true
					list = append(list, other)
				}
			}
		}
		selects[name] = list
	}
	for _, name := range names {
		c := byName[name]
		ref := c.Ref()
		if c.Aggregation == nil {
			p.addRole(ref, own(ref, c.Rules))
			continue
		}
		rules, pending, stale := aggregate(c, byName, selects)
		p.addRole(ref, rules)
		if pending > 0 {
			p.problems = append(p.problems, Problem{Object: ref, Field: "rules", Kind: AggregationPending,
				Detail: fmt.Sprintf("its stored rules lack %s of the ClusterRoles its aggregationRule selects; counted", count(pending, "rule"))})
		}
		if len(stale) > 0 {
			p.problems = append(p.problems, Problem{Object: ref, Field: "rules", Kind: AggregationStale,
				Detail: fmt.Sprintf("rules %v come from no ClusterRole its aggregationRule selects; counted while they are there", stale)})
		}
	}
}

// count is "1 rule", "2 rules".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// aggregate resolves one aggregated ClusterRole: a breadth-first walk
// of what its selectors reach, through aggregated roles, each role once
// (so cycles end), collecting every rule with its first source, where a
// role that is not aggregated is preferred: that is where the rule is
// written rather than copied. It returns the role's effective rules, how
// many of them are not stored, and the indices of stored rules that no
// reached role has.
func aggregate(c *ClusterRole, byName map[string]*ClusterRole, selects map[string][]string) (rules []EffectiveRule, pending int, stale []int) {
	parent := map[string]string{}
	visited := map[string]bool{c.Name: true}
	var order []string
	queue := []string{c.Name}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, next := range selects[cur] {
			if !visited[next] {
				visited[next] = true
				parent[next] = cur
				order = append(order, next)
				queue = append(queue, next)
			}
		}
	}
	source := map[string]RuleRef{}
	rule := map[string]Rule{}
	var keys []string // in order of first sight
	for _, name := range order {
		r := byName[name]
		for j := range r.Rules {
			k := r.Rules[j].key()
			prev, ok := source[k]
			switch {
			case !ok:
				keys = append(keys, k)
				rule[k] = r.Rules[j]
				source[k] = RuleRef{r.Ref(), j}
			case byName[prev.Role.Name].Aggregation != nil && r.Aggregation == nil:
				source[k] = RuleRef{r.Ref(), j}
			}
		}
	}
	via := func(name string) []string {
		var path []string
		for p := parent[name]; p != c.Name; p = parent[p] {
			path = append(path, p)
		}
		slices.Reverse(path)
		return path
	}
	ref := c.Ref()
	stored := map[string]bool{}
	for i, r := range c.Rules {
		k := r.key()
		stored[k] = true
		if src, ok := source[k]; ok {
			rules = append(rules, EffectiveRule{Rule: r, Stored: i, Source: src, Via: via(src.Role.Name)})
			continue
		}
		stale = append(stale, i)
		rules = append(rules, EffectiveRule{Rule: r, Stored: i, Source: RuleRef{ref, i}})
	}
	for _, k := range keys {
		if stored[k] {
			continue
		}
		pending++
		src := source[k]
		rules = append(rules, EffectiveRule{Rule: rule[k], Stored: -1, Source: src, Via: via(src.Role.Name)})
	}
	return rules, pending, stale
}

// newBinding resolves a binding's roleRef as the authorizer does: a
// ClusterRoleBinding grants a ClusterRole; a RoleBinding a Role of its
// own namespace or a ClusterRole (within its namespace). The roleRef's
// apiGroup is not consulted.
func (p *Policy) newBinding(ref ObjectRef, subjects []Subject, rr RoleRef) *binding {
	b := &binding{ref: ref, subjects: subjects, roleRef: rr}
	var why string
	switch {
	case rr.Kind == string(KindClusterRole):
		b.role = p.roles[ObjectRef{KindClusterRole, "", rr.Name}]
		why = "ClusterRole " + strconv.Quote(rr.Name) + " does not exist"
	case rr.Kind == string(KindRole) && ref.Kind == KindRoleBinding:
		b.role = p.roles[ObjectRef{KindRole, ref.Namespace, rr.Name}]
		why = "Role " + strconv.Quote(rr.Name) + " does not exist in namespace " + ref.Namespace
	case rr.Kind == string(KindRole):
		why = "a ClusterRoleBinding cannot grant a Role (" + strconv.Quote(rr.Name) + ")"
	default:
		why = "roleRef kind " + strconv.Quote(rr.Kind) + " is neither Role nor ClusterRole"
	}
	if b.role == nil {
		b.dangling = &Problem{Object: ref, Field: "roleRef", Kind: Dangling, Detail: why + "; the binding grants nothing"}
	}
	return b
}

// inert says why a subject can match no user, or "".
func inert(s Subject, bindingNamespace string) string {
	switch s.Kind {
	case SubjectUser, SubjectGroup:
		return ""
	case SubjectServiceAccount:
		if s.Namespace == "" && bindingNamespace == "" {
			return "a ServiceAccount subject of a ClusterRoleBinding without a namespace matches no user"
		}
		return ""
	}
	return "subject kind " + strconv.Quote(s.Kind) + " matches no user"
}

// applied is a subject as it applies in a binding of namespace ns: a
// ServiceAccount without a namespace is one of the binding's.
func applied(s Subject, ns string) Subject {
	if s.Kind == SubjectServiceAccount && s.Namespace == "" {
		s.Namespace = ns
	}
	return s
}

// appliesTo reports whether subject s of a binding in namespace ns ("" for
// a ClusterRoleBinding) names user u.
func appliesTo(s Subject, ns string, u User) bool {
	switch s.Kind {
	case SubjectUser:
		return u.Name == s.Name
	case SubjectGroup:
		return slices.Contains(u.Groups, s.Name)
	case SubjectServiceAccount:
		s = applied(s, ns)
		return s.Namespace != "" && u.Name == ServiceAccountUserName(s.Namespace, s.Name)
	}
	return false
}

// allBindings lists every binding in grant order: ClusterRoleBindings by
// name, then RoleBindings by namespace and name.
func (p *Policy) allBindings() []*binding {
	out := slices.Clone(p.clusterBindings)
	for _, ns := range p.namespaces {
		out = append(out, p.bindings[ns]...)
	}
	return out
}

// scope lists the bindings the authorizer consults for a request in
// namespace ns: every ClusterRoleBinding, and the RoleBindings of ns.
func (p *Policy) scope(ns string) []*binding {
	if ns == "" {
		return p.clusterBindings
	}
	return append(slices.Clone(p.clusterBindings), p.bindings[ns]...)
}

// allowing returns the indices of the rules of b's role that allow r.
func allowing(b *binding, r Request) []int {
	var out []int
	for j := range b.role.rules {
		if b.role.rules[j].Allows(r) {
			out = append(out, j)
		}
	}
	return out
}

// grants appends the grants of binding b to subject i by the rules of
// its role at indices rules.
func grants(out []Grant, b *binding, i int, rules []int) []Grant {
	for _, j := range rules {
		out = append(out, Grant{
			Binding: b.ref, SubjectIndex: i, Subject: applied(b.subjects[i], b.ref.Namespace),
			Role: b.role.ref, RuleIndex: j, Rule: b.role.rules[j], Scope: b.ref.Namespace,
		})
	}
	return out
}

// Can answers as the RBAC authorizer would whether u may make request r:
// allowed if a ClusterRoleBinding, or a RoleBinding of the request's
// namespace, names the user (by name, by one of its groups, or as a
// service account) and grants a role with a rule that allows r.
func (p *Policy) Can(u User, r Request) Decision {
	return p.decide(u, r, p.scope(r.namespace()))
}

// CanAnywhere is Can for every namespace at once: it ignores r.Namespace
// and lists the grants to u, cluster-wide and in every namespace, that
// allow r there (for a non-resource request, only cluster-wide ones).
func (p *Policy) CanAnywhere(u User, r Request) Decision {
	if r.NonResource() {
		return p.decide(u, r, p.clusterBindings)
	}
	return p.decide(u, r, p.allBindings())
}

func (p *Policy) decide(u User, r Request, bindings []*binding) Decision {
	d := Decision{Superuser: u.bypass()}
	for _, b := range bindings {
		i := slices.IndexFunc(b.subjects, func(s Subject) bool { return appliesTo(s, b.ref.Namespace, u) })
		if i < 0 {
			continue
		}
		if b.role == nil {
			d.Unresolved = append(d.Unresolved, *b.dangling)
			continue
		}
		d.Grants = grants(d.Grants, b, i, allowing(b, r))
	}
	d.Allowed = len(d.Grants) > 0
	return d
}

// WhoCan lists every grant of request r in its namespace: each subject of
// each ClusterRoleBinding, and of each RoleBinding of r.Namespace, whose
// role has a rule that allows r, once per such rule. Subjects that can
// match no user are left out (Problems lists them), and so is the group
// system:masters, which the API server allows everything without a grant
// (BypassesRBAC). The order is that of bindings (ClusterRoleBindings, then
// RoleBindings by namespace, each by name), then subject, then rule.
func (p *Policy) WhoCan(r Request) []Grant {
	return p.who(r, p.scope(r.namespace()))
}

// WhoCanAnywhere is WhoCan for every namespace at once: it ignores
// r.Namespace; each grant's Scope says where it holds.
func (p *Policy) WhoCanAnywhere(r Request) []Grant {
	if r.NonResource() {
		return p.who(r, p.clusterBindings)
	}
	return p.who(r, p.allBindings())
}

func (p *Policy) who(r Request, bindings []*binding) []Grant {
	var out []Grant
	for _, b := range bindings {
		if b.role == nil {
			continue
		}
		rules := allowing(b, r)
		if len(rules) == 0 {
			continue
		}
		for i, s := range b.subjects {
			if inert(s, b.ref.Namespace) == "" {
				out = grants(out, b, i, rules)
			}
		}
	}
	return out
}

// Rules returns the effective rules of a Role or ClusterRole, which
// Grant.RuleIndex indexes, and whether the role exists.
func (p *Policy) Rules(ref ObjectRef) ([]EffectiveRule, bool) {
	r, ok := p.roles[ref]
	if !ok {
		return nil, false
	}
	return slices.Clone(r.rules), true
}

// Problems lists the anomalies found, by object: dangling roleRefs,
// inert subjects, duplicates, aggregation not reconciled.
func (p *Policy) Problems() []Problem { return slices.Clone(p.problems) }

// Dangling lists the bindings whose roleRef resolves to no role, which
// grant nothing.
func (p *Policy) Dangling() []Problem {
	var out []Problem
	for _, pr := range p.problems {
		if pr.Kind == Dangling {
			out = append(out, pr)
		}
	}
	return out
}
