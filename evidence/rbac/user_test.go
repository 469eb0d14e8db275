package rbac

import (
	"reflect"
	"testing"
)

func TestUsers(t *testing.T) {
	tests := []struct {
		name string
		got  User
		want User
	}{
		{"service account", ServiceAccountUser("kube-system", "default"),
			User{"system:serviceaccount:kube-system:default", []string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"}}},
		{"authenticated", AuthenticatedUser("jane", "dev"), User{"jane", []string{"dev", "system:authenticated"}}},
		{"authenticated, no groups", AuthenticatedUser("jane"), User{"jane", []string{"system:authenticated"}}},
		{"authenticated, already", AuthenticatedUser("jane", "system:authenticated", "dev"), User{"jane", []string{"system:authenticated", "dev"}}},
		{"authenticated, unauthenticated group", AuthenticatedUser("jane", "system:unauthenticated"), User{"jane", []string{"system:unauthenticated"}}},
		{"authenticated, anonymous", AuthenticatedUser("system:anonymous"), User{"system:anonymous", nil}},
		{"anonymous", AnonymousUser(), User{"system:anonymous", []string{"system:unauthenticated"}}},
		// kube-bench's 5.1.2 and 5.1.4: kubectl auth can-i … --as=system:authenticated
		{"--as=system:authenticated", Impersonate("system:authenticated"), User{"system:authenticated", []string{"system:authenticated"}}},
		{"--as=jane --as-group=dev", Impersonate("jane", "dev"), User{"jane", []string{"dev", "system:authenticated"}}},
		{"--as a service account", Impersonate("system:serviceaccount:ns:sa"),
			User{"system:serviceaccount:ns:sa", []string{"system:serviceaccounts", "system:serviceaccounts:ns", "system:authenticated"}}},
		{"--as a service account with groups", Impersonate("system:serviceaccount:ns:sa", "g"), User{"system:serviceaccount:ns:sa", []string{"g", "system:authenticated"}}},
		{"--as a malformed service account name", Impersonate("system:serviceaccount:ns:sa:x"), User{"system:serviceaccount:ns:sa:x", []string{"system:authenticated"}}},
		{"--as a service account name without a name", Impersonate("system:serviceaccount:ns:"), User{"system:serviceaccount:ns:", []string{"system:authenticated"}}},
		{"--as a service account name without a namespace", Impersonate("system:serviceaccount::sa"), User{"system:serviceaccount::sa", []string{"system:authenticated"}}},
		{"--as=system:anonymous", Impersonate("system:anonymous"), User{"system:anonymous", []string{"system:unauthenticated"}}},
		{"--as=system:anonymous with the group", Impersonate("system:anonymous", "system:unauthenticated"), User{"system:anonymous", []string{"system:unauthenticated"}}},
		{"--as=system:anonymous --as-group=g", Impersonate("system:anonymous", "g"), User{"system:anonymous", []string{"g", "system:unauthenticated"}}},
		{"--as-group=system:unauthenticated", Impersonate("jane", "system:unauthenticated"), User{"jane", []string{"system:unauthenticated"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("%#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

// TestUserGroupsNotShared: the helpers copy the groups they are given.
func TestUserGroupsNotShared(t *testing.T) {
	groups := make([]string, 1, 4)
	groups[0] = "dev"
	u := AuthenticatedUser("jane", groups...)
	v := Impersonate("system:anonymous", groups...)
	groups[0] = "changed"
	if u.Groups[0] != "dev" || v.Groups[0] != "dev" {
		t.Errorf("%v %v share the caller's slice", u.Groups, v.Groups)
	}
}

func TestBypassesRBAC(t *testing.T) {
	for group, want := range map[string]bool{
		"system:masters": true, "system:authenticated": false, "system:nodes": false, "System:masters": false, "": false,
	} {
		if BypassesRBAC(group) != want {
			t.Errorf("BypassesRBAC(%q) = %v", group, !want)
		}
	}
	if got := (User{Groups: []string{"a", "system:masters", "b"}}).bypass(); got != "system:masters" {
		t.Errorf("bypass %q", got)
	}
	if got := (User{Name: "system:masters", Groups: []string{"a"}}).bypass(); got != "" {
		t.Errorf("a user named system:masters bypasses: %q", got)
	}
}
