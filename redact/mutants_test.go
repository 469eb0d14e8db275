package redact

import (
	"slices"
	"testing"
)

// Tests written against mutants of the redaction that the suite let live
// (issue 15, make mutate).

// TestEnvArgsVars: variables that carry flags are read as the flags of
// the process's component, or of every component (/etc/kubernetes/config)
// when the file belongs to none; blanks around and between the flags are
// kept.
func TestEnvArgsVars(t *testing.T) {
	r := New(nil)
	for _, tt := range []struct {
		component string
		in, want  []string
	}{
		{"kube-apiserver", []string{"KUBE_EXTRA=--secure-port=6443 --v=2"}, []string{"KUBE_EXTRA=--secure-port=6443 --v=2"}},
		{"", []string{"KUBE_EXTRA=--secure-port=6443 --v=2"}, []string{"KUBE_EXTRA=--secure-port=<redacted:4> --v=2"}},
		{"kubelet", []string{"KUBELET_EXTRA_ARGS=   ", "KUBELET_ARGS=--v=2  ", "KUBELET_OPTS=\t--v=2\n--token=abc "},
			[]string{"KUBELET_EXTRA_ARGS=   ", "KUBELET_ARGS=--v=2  ", "KUBELET_OPTS=\t--v=2\n--token=<redacted:3> "}},
		{"kubelet", []string{"KUBELET_EXTRA_ARGS=not-a-flag"}, []string{"KUBELET_EXTRA_ARGS=<redacted:10>"}},
	} {
		got, _ := r.Env(tt.component, tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Env(%q, %q) = %q, want %q", tt.component, tt.in, got, tt.want)
		}
	}
}

// TestEmbeddedFlagValues: a k3s pass-through flag's value is redacted as
// the embedded component's flag, at the right place in the argument.
func TestEmbeddedFlagValues(t *testing.T) {
	in := []string{"/usr/local/bin/k3s", "server",
		"--kube-apiserver-arg=--oidc-client-secret=s3cret",
		"--kube-apiserver-arg=etcd-servers=https://u:pw@etcd:2379",
		"--kube-apiserver-arg=profiling=false"}
	want := []string{"/usr/local/bin/k3s", "server",
		"--kube-apiserver-arg=--oidc-client-secret=<redacted:6>",
		"--kube-apiserver-arg=etcd-servers=https://<redacted:4>@etcd:2379",
		"--kube-apiserver-arg=profiling=false"}
	if got, n := New(nil).Argv("k3s-server", in); !slices.Equal(got, want) || n != 2 {
		t.Errorf("got %q (%d redactions)\nwant %q", got, n, want)
	}
}

// TestSortCuts: cuts come out in order of their start, whatever order
// they came in, and apply replaces each once.
func TestSortCuts(t *testing.T) {
	in := []cut{{7, 9}, {0, 2}, {4, 5}, {2, 3}}
	want := []cut{{0, 2}, {2, 3}, {4, 5}, {7, 9}}
	if got := sortCuts(in); !slices.Equal(got, want) || !slices.Equal(in, []cut{{7, 9}, {0, 2}, {4, 5}, {2, 3}}) {
		t.Errorf("sortCuts = %v, want %v (and the input unchanged: %v)", got, want, in)
	}
	if got := New(nil).apply("abcdefghij", in); got != "<redacted:2><redacted:1>d<redacted:1>fg<redacted:2>j" {
		t.Errorf("apply = %q", got)
	}
}

// TestFileTypes: a copy names the types of its documents, each once, in
// order.
func TestFileTypes(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"
	cfg := "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 0\n"
	for _, tt := range []struct {
		name, text string
		want       string
	}{
		{"/etc/kubernetes/manifests/a.yaml", pod, "pod"},
		{"/etc/kubernetes/manifests/a.yaml", pod + "---\n" + pod, "pod"},
		{"/etc/kubernetes/manifests/a.yaml", pod + "---\n" + cfg + "---\n" + pod, "pod,kubelet-config"},
	} {
		out := New(nil).File(tt.name, []byte(tt.text), Via{})
		if out.Data == nil || out.Type != tt.want {
			t.Errorf("%q: type %q (skipped %q), want %q", tt.text, out.Type, out.Skipped, tt.want)
		}
	}
}
