// Package rbac evaluates the RBAC objects of an offline API snapshot as
// the Kubernetes RBAC authorizer evaluates them on a live cluster: can a
// user do a request (Policy.Can), who can (Policy.WhoCan), and which
// objects decided (every Grant cites a binding's subject and a role's
// rule). It reads the objects as `kubectl get … -o json` prints them
// (Decode) and imports only the standard library.
//
// Semantics, each as the authorizer (plugin/pkg/auth/authorizer/rbac),
// its rule resolver (pkg/registry/rbac/validation) and the ClusterRole
// aggregation controller have it:
//   - A rule allows a request when it holds the verb (or "*") and, for a
//     resource request, the API group (or "*"), the resource as
//     "resource" or "resource/subresource" (or "*", or "*/subresource"),
//     and, if it lists resourceNames, the request's object name (so never
//     a request without one); for a non-resource request, the path
//     exactly or, for a URL ending in "*", as a prefix.
//   - A request in a namespace is granted by ClusterRoleBindings and by
//     the RoleBindings of that namespace; a request without one
//     (cluster-scoped, all namespaces, every non-resource URL) by
//     ClusterRoleBindings alone. So nonResourceURLs grant only through a
//     ClusterRole bound cluster-wide.
//   - A ClusterRoleBinding grants a ClusterRole; a RoleBinding grants a
//     Role of its own namespace or a ClusterRole within its namespace. A
//     roleRef that resolves to no role grants nothing (Problems,
//     Dangling).
//   - Subjects: a User by name, a Group by the user's groups, a
//     ServiceAccount as the user system:serviceaccount:NAMESPACE:NAME,
//     its namespace defaulting to a RoleBinding's. Users and groups come
//     from authentication: ServiceAccountUser, AuthenticatedUser,
//     AnonymousUser and Impersonate give them as the API server does.
//   - Aggregation: an aggregated ClusterRole grants its stored rules and
//     the rules of every ClusterRole its selectors reach, through other
//     aggregated roles, cycles included; each rule once, with the role it
//     is written in (EffectiveRule).
//
// What RBAC cannot show: members of system:masters are allowed every
// request before any authorizer is asked (BypassesRBAC, Decision.
// Superuser); the API server may run other authorizers (Node, webhooks)
// beside RBAC; this package answers for RBAC alone.
//
// Determinism: every list this package returns is sorted (grants by
// binding kind, namespace, name, subject index, rule index), whatever the
// order of the objects it was given.
package rbac
