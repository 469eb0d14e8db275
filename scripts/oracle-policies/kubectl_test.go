package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fake kubectl on a small cluster: what kube-bench's audits read.

const tinyCluster = `{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"reader"},
 "rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["get","list","watch"]}]},
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"all-secrets"},
 "rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["*"]}]},
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"launcher"},
 "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["create"]}]},
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"everyone-reads"},
 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"reader"},
 "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:authenticated"},
             {"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"bob"}]},
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"alice-all"},
 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"all-secrets"},
 "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"alice"}]},
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"ci","namespace":"team"},
 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"launcher"},
 "subjects":[{"kind":"ServiceAccount","name":"ci","namespace":"team"}]},
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"team"},
 "spec":{"hostNetwork":true,"serviceAccount":"ci","serviceAccountName":"ci","containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}},
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"etcd-cp","namespace":"kube-system"},
 "spec":{"containers":[{"name":"etcd","image":"z"}]}},
{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default","namespace":"team"},"automountServiceAccountToken":false},
{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default","namespace":"kube-system"}}
]}`

func tinyStore(t *testing.T, indexed bool) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "all.json"), []byte(tinyCluster), 0o644); err != nil {
		t.Fatal(err)
	}
	if !indexed {
		return dir
	}
	s, err := loadStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(t.TempDir(), "index")
	os.MkdirAll(idx, 0o755)
	if err := s.writeIndex(idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

func TestFakeKubectl(t *testing.T) {
	for _, indexed := range []bool{false, true} {
		dir := tinyStore(t, indexed)
		t.Setenv(envCluster, dir)
		t.Setenv(envLog, "")
		for _, tc := range []struct {
			args         string
			code         int
			stdout, errs string
		}{
			{"auth can-i get,list,watch secrets --all-namespaces --as=system:authenticated", 1, "no\n", ""},
			{"auth can-i get secrets --all-namespaces --as=system:authenticated", 0, "yes\n", ""},
			{"auth can-i get,list,watch secrets --all-namespaces --as=alice", 0, "yes\n", ""},
			{"auth can-i create pods --all-namespaces --as=system:serviceaccount:team:ci", 1, "no\n", ""},
			{"auth can-i create pods -n team --as=system:serviceaccount:team:ci", 0, "yes\n", ""},
			{"auth can-i delete nodes --all-namespaces --as=carol --as-group=system:masters", 0, "yes\n", ""},
			{"get clusterrolebindings -o=custom-columns=NAME:.metadata.name,ROLE:.roleRef.name,SUBJECT:.subjects[*].name --no-headers", 0,
				"alice-all        all-secrets   alice\neveryone-reads   reader        system:authenticated,bob\n", ""},
			{"get pods --all-namespaces -o custom-columns=POD_NAMESPACE:.metadata.namespace,POD_NAME:.metadata.name,POD_SERVICE_ACCOUNT:.spec.serviceAccount --no-headers", 0,
				"kube-system   etcd-cp   <none>\nteam          web       ci\n", ""},
			{"get pod web --namespace team -o jsonpath={.spec.hostNetwork}", 0, "true", ""},
			{"get pod etcd-cp --namespace kube-system -o jsonpath={.spec.hostPID}", 0, "", ""},
			{"get serviceaccount -n kube-system <none> -o json", 1, "", "Error from server (NotFound): serviceaccounts \"<none>\" not found\n"},
			{"get frobs -A -o json", 1, "", "error: the server doesn't have a resource type \"frobs\"\n"},
			{"cluster-info", 2, "", "unsupported command"},
		} {
			var out, errs bytes.Buffer
			code := fakeKubectl(strings.Fields(tc.args), &out, &errs)
			if code != tc.code || out.String() != tc.stdout || !strings.Contains(errs.String(), tc.errs) {
				t.Errorf("indexed %v: kubectl %s: exit %d, stdout %q, stderr %q; want %d, %q, %q", indexed, tc.args, code, out.String(), errs.String(), tc.code, tc.stdout, tc.errs)
			}
		}
	}
}

// TestFakeKubectlLists: the List and field selector of 5.1.5's audit,
// the single object of 5.2.x's.
func TestFakeKubectlLists(t *testing.T) {
	t.Setenv(envCluster, tinyStore(t, true))
	t.Setenv(envLog, "")
	var out, errs bytes.Buffer
	if code := fakeKubectl(strings.Fields("get serviceaccount --all-namespaces --field-selector metadata.name=default -o=json"), &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if !strings.Contains(out.String(), `"kind": "List"`) || strings.Count(out.String(), `"name": "default"`) != 2 {
		t.Errorf("not a List of the two default ServiceAccounts: %s", out.String())
	}
	out.Reset()
	if code := fakeKubectl(strings.Fields("get pod web --namespace team -o json"), &out, &errs); code != 0 || !strings.HasPrefix(out.String(), "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Pod\"") {
		t.Errorf("one pod: exit %d, %q", code, out.String())
	}
}
