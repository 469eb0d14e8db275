package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedTablesAreDerived: the committed expected tables of the
// fixture clusters are what snapexpect derives from planted.tsv (run
// `go run ./scripts/snapexpect` after regenerating the clusters).
func TestCommittedTablesAreDerived(t *testing.T) {
	out := t.TempDir()
	if err := write("../..", out); err != nil {
		t.Fatal(err)
	}
	got, _ := filepath.Glob(filepath.Join(out, "fixtures/expected/*/snapshot-*.tsv"))
	if len(got) != 4 {
		t.Fatalf("%d tables derived, want 4", len(got))
	}
	for _, g := range got {
		rel, _ := filepath.Rel(out, g)
		want, err := os.ReadFile(filepath.Join("../..", rel))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(g)
		if !bytes.Equal(data, want) {
			t.Errorf("%s is not what snapexpect derives: run go run ./scripts/snapexpect", rel)
		}
	}
}

func TestCounts(t *testing.T) {
	for _, tt := range []struct {
		r    row
		want bool
	}{
		{row{"5.2.2", "Pod kube-system/kube-proxy-x container kube-proxy", "privileged: true", "default: kubeadm"}, false},
		{row{"5.2.2", "Pod team-a/web container web", "privileged: true", "planted"}, true},
		{row{"5.1.1", "ClusterRoleBinding cluster-admin subject Group system:masters", "", "default: bootstrap policy"}, false},
		{row{"5.1.1", "ClusterRoleBinding cluster-admin subject User alice@example.com", "", "planted"}, true},
		{row{"5.1.2", "ClusterRoleBinding x subject Group system:authenticated", "", "planted"}, true},
		{row{"5.1.2", "ClusterRoleBinding y subject ServiceAccount kube-system/z", "", "default: bootstrap policy"}, false},
		{row{"5.1.3", "ClusterRole cluster-admin", "", "default: bootstrap policy"}, false},
		{row{"5.1.5", "RoleBinding a/b subject ServiceAccount a/default", "", "planted"}, false},
		{row{"5.1.5", "ServiceAccount a/default", "", "default: service account controller"}, true},
		{row{"5.1.7", "CertificateSigningRequest alice-admin", "", "planted"}, true},
		{row{"5.1.7", "ClusterRoleBinding cluster-admin subject Group system:masters", "", "default: bootstrap policy"}, false},
		{row{"5.6.4", "Pod default/x", "", "planted"}, true},
	} {
		if got, _ := counts(tt.r); got != tt.want {
			t.Errorf("counts(%+v) = %v, want %v", tt.r, got, tt.want)
		}
	}
}
