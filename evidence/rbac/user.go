package rbac

import (
	"slices"
	"strings"
)

// User is who makes a request, as the authenticator hands it to the
// authorizer: a name and groups. RBAC sees nothing else of a user.
type User struct {
	Name   string
	Groups []string
}

// Names and groups the API server gives users.
const (
	// SuperuserGroup is the group the API server allows every request
	// of before any authorizer is asked: no RBAC object grants or can
	// revoke it, so no RBAC evaluation shows its power (BypassesRBAC).
	SuperuserGroup = "system:masters"
	// Authenticated is every authenticated user's group.
	Authenticated = "system:authenticated"
	// Unauthenticated is the group of anonymous requests.
	Unauthenticated = "system:unauthenticated"
	// Anonymous is the user name of anonymous requests.
	Anonymous = "system:anonymous"
	// AllServiceAccounts is every service account's group.
	AllServiceAccounts = "system:serviceaccounts"

	serviceAccountUserPrefix  = "system:serviceaccount:"
	serviceAccountGroupPrefix = "system:serviceaccounts:"
)

// BypassesRBAC reports whether members of group are allowed everything
// before RBAC is asked. Only system:masters is: the API server puts a
// privileged-group authorizer for it ahead of its configured
// authorization modes, so its members' power shows in no Role or binding
// (CIS 5.1.7 asks that nobody be in it).
func BypassesRBAC(group string) bool { return group == SuperuserGroup }

// ServiceAccountUserName is the user name a service account's tokens
// authenticate as: system:serviceaccount:NAMESPACE:NAME.
func ServiceAccountUserName(namespace, name string) string {
	return serviceAccountUserPrefix + namespace + ":" + name
}

// ServiceAccountGroup is the group of every service account of a
// namespace: system:serviceaccounts:NAMESPACE.
func ServiceAccountGroup(namespace string) string { return serviceAccountGroupPrefix + namespace }

// ServiceAccountUser is the user a service account's token authenticates
// as: its user name, in groups system:serviceaccounts,
// system:serviceaccounts:NAMESPACE and system:authenticated.
func ServiceAccountUser(namespace, name string) User {
	return User{
		Name:   ServiceAccountUserName(namespace, name),
		Groups: []string{AllServiceAccounts, ServiceAccountGroup(namespace), Authenticated},
	}
}

// AuthenticatedUser is a user an authenticator vouched for with these
// groups, after the API server adds system:authenticated: it does unless
// the user is system:anonymous or the groups already hold
// system:authenticated or system:unauthenticated.
func AuthenticatedUser(name string, groups ...string) User {
	g := slices.Clone(groups)
	if name != Anonymous && !slices.Contains(g, Authenticated) && !slices.Contains(g, Unauthenticated) {
		g = append(g, Authenticated)
	}
	return User{Name: name, Groups: g}
}

// AnonymousUser is who an unauthenticated request is, where the API
// server allows anonymous requests: system:anonymous in group
// system:unauthenticated.
func AnonymousUser() User {
	return User{Name: Anonymous, Groups: []string{Unauthenticated}}
}

// Impersonate is the user that kubectl --as=NAME [--as-group=GROUP...]
// makes a request as. A service account's user name without groups gets
// its service account groups; a user other than system:anonymous gets
// system:authenticated unless the groups hold it or system:unauthenticated;
// system:anonymous gets system:unauthenticated unless the groups hold it.
// So `kubectl auth can-i … --as=system:authenticated` asks about a user
// named system:authenticated in the group of the same name.
func Impersonate(name string, groups ...string) User {
	g := slices.Clone(groups)
	if len(g) == 0 {
		if ns, _, ok := splitServiceAccount(name); ok {
			g = []string{AllServiceAccounts, ServiceAccountGroup(ns)}
		}
	}
	if name == Anonymous {
		if !slices.Contains(g, Unauthenticated) {
			g = append(g, Unauthenticated)
		}
		return User{Name: name, Groups: g}
	}
	return AuthenticatedUser(name, g...)
}

// splitServiceAccount splits system:serviceaccount:NAMESPACE:NAME. Like
// the API server, it wants exactly two parts after the prefix; it does
// not check that they are valid object names.
func splitServiceAccount(user string) (namespace, name string, ok bool) {
	rest, found := strings.CutPrefix(user, serviceAccountUserPrefix)
	if !found {
		return "", "", false
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// bypass returns the first group of u that bypasses RBAC, or "".
func (u User) bypass() string {
	for _, g := range u.Groups {
		if BypassesRBAC(g) {
			return g
		}
	}
	return ""
}
