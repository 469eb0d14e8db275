package analyzer

import (
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/results"
)

// missing are stat records of paths that do not exist.
func missing(paths ...string) []bundle.Stat {
	var out []bundle.Stat
	for _, p := range paths {
		out = append(out, bundle.Stat{Path: p, Error: "lstat " + p + ": no such file or directory", ErrorKind: "not-exist"})
	}
	return out
}

// kubeletWith is a node whose kubelet reads its settings from a config
// file with the given body.
func kubeletWith(t *testing.T, config string) *evidence.Node {
	t.Helper()
	const cfg = "/var/lib/kubelet/config.yaml"
	return testNode(t, []bundle.Process{proc("kubelet", "--config="+cfg)},
		[]bundle.Stat{file(cfg, "0600", "root", "root")},
		map[string]string{cfg: "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n" + config})
}

// proxyWith is a node whose kube-proxy runs from the DaemonSet's config
// file with the given body.
func proxyWith(t *testing.T, config string) *evidence.Node {
	t.Helper()
	const cfg = "/var/lib/kube-proxy/config.conf"
	return testNode(t, []bundle.Process{proc("kube-proxy", "--config="+cfg)},
		[]bundle.Stat{file(cfg, "0644", "root", "root")},
		map[string]string{cfg: "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n" + config})
}

// TestNewerLineageDifferences pins the verdicts of cis-1.7 to cis-2.0 that
// deliberately differ from kube-bench's on the same node state
// (docs/differences/newer-lineage.md), and the node states next to them where
// the two agree. The fixture tables under fixtures/expected pin the rest.
func TestNewerLineageDifferences(t *testing.T) {
	all := []string{"cis-1.7", "cis-1.8", "cis-1.9", "cis-1.10", "cis-1.11", "cis-1.12", "cis-2.0"}
	from := func(b string) []string {
		for i, x := range all {
			if x == b {
				return all[i:]
			}
		}
		t.Fatalf("no benchmark %s", b)
		return nil
	}
	nodes := map[string]*evidence.Node{
		"pids-unlimited": kubeletWith(t, "podPidsLimit: -1\n"),
		"pids-4096":      kubeletWith(t, "podPidsLimit: 4096\n"),
		"pids-unset":     kubeletWith(t, "readOnlyPort: 0\n"),
		"seccomp-false":  kubeletWith(t, "seccompDefault: false\n"),
		"seccomp-true":   kubeletWith(t, "seccompDefault: true\n"),
		"metrics-any":    proxyWith(t, "metricsBindAddress: 0.0.0.0:10249\n"),
		"metrics-empty":  proxyWith(t, "metricsBindAddress: \"\"\n"),
		"metrics-local":  proxyWith(t, "metricsBindAddress: 127.0.0.1:10249\n"),
		// kube-proxy as a DaemonSet: its kubeconfig is in a ConfigMap, no
		// file of the well-known list exists on the host.
		"proxy-daemonset": testNode(t, []bundle.Process{proc("kube-proxy", "--config=/var/lib/kube-proxy/config.conf")},
			missing(listedPaths(t, "cis-1.7", "4.1.3")...), nil),
		// Calico-style CNI: its configuration in the kubelet's default
		// /etc/cni/net.d (the kubelet of 1.24 and later has no
		// --cni-conf-dir), no host-local IPAM state.
		"cni-default": testNode(t, []bundle.Process{proc("kube-apiserver"), proc("kubelet", "--config=/var/lib/kubelet/config.yaml")},
			append([]bundle.Stat{
				{Path: "/etc/cni/net.d", Type: "dir", Mode: "0755", UID: intp(0), GID: intp(0), User: "root", Group: "root"},
				file("/etc/cni/net.d/10-calico.conflist", "0600", "root", "root"),
			}, missing("/var/lib/cni/networks")...), nil),
	}

	type row struct {
		id, node  string
		want      results.Status
		kubeBench results.Status
	}
	cases := map[string][]row{}
	add := func(benchmarks []string, rows ...row) {
		for _, b := range benchmarks {
			cases[b] = append(cases[b], rows...)
		}
	}
	// A pod PID limit of -1 is no limit; kube-bench passes any value set.
	add(from("cis-1.7"),
		row{"4.2.13", "pids-unlimited", results.Warn, results.Pass},
		row{"4.2.13", "pids-4096", results.Pass, results.Pass},
		row{"4.2.13", "pids-unset", results.Warn, results.Warn})
	// seccompDefault: false is not "set to true"; kube-bench passes any value set.
	add(from("cis-1.11"),
		row{"4.2.14", "seccomp-false", results.Warn, results.Pass},
		row{"4.2.14", "seccomp-true", results.Pass, results.Pass})
	// kube-bench reads metricsBindAddress from kube-proxy's kubeconfig,
	// where it never is; we read kube-proxy's --config.
	add(from("cis-1.9"),
		row{"4.3.1", "metrics-any", results.Fail, results.Pass},
		row{"4.3.1", "metrics-empty", results.Pass, results.Pass},
		row{"4.3.1", "metrics-local", results.Pass, results.Pass})
	// No proxy kubeconfig on the host: "if it exists" holds.
	add(from("cis-1.7"),
		row{"4.1.3", "proxy-daemonset", results.Pass, results.Warn},
		row{"4.1.4", "proxy-daemonset", results.Pass, results.Warn})
	// CNI files found in the kubelet's default directory.
	add(from("cis-1.7"),
		row{"1.1.9", "cni-default", results.Pass, results.Warn},
		row{"1.1.10", "cni-default", results.Pass, results.Warn})

	for _, b := range all {
		for _, tc := range cases[b] {
			r := Evaluate(embeddedCheck(t, b, tc.id), nodes[tc.node])
			if r.Status != tc.want {
				t.Errorf("%s %s on the %s node: %s, want %s (kube-bench: %s); observed %q, reason %q",
					b, tc.id, tc.node, r.Status, tc.want, tc.kubeBench, r.Observed, r.Reason)
			}
		}
	}
}

// TestNewerLineageReviews: the checks kube-bench audits with kubectl from
// cis-1.9 on, and the kubelet's IPAddressDeny, are reviews here: a node's
// bundle holds no API objects, and no kubelet setting shows a systemd
// directive. They WARN with kube-bench's manual reason, as kube-bench WARNs
// them on a node where kubectl cannot reach the API server.
func TestNewerLineageReviews(t *testing.T) {
	n := testNode(t, []bundle.Process{proc("kube-apiserver"), proc("kubelet")}, nil, nil)
	for _, tc := range []struct{ benchmark, id string }{
		{"cis-1.9", "5.1.1"}, {"cis-1.9", "5.1.6"},
		{"cis-1.10", "5.2.2"}, {"cis-1.10", "5.2.9"},
		{"cis-1.12", "5.2.6"}, {"cis-2.0", "5.1.2"},
		{"cis-1.11", "4.2.15"},
	} {
		c := embeddedCheck(t, tc.benchmark, tc.id)
		r := Evaluate(c, n)
		if !c.Review || c.Test != nil || r.Status != results.Warn || r.Reason != ManualReason {
			t.Errorf("%s %s: review %v, test %v, %s %q; want a review, WARN %q", tc.benchmark, tc.id, c.Review, c.Test != nil, r.Status, r.Reason, ManualReason)
		}
	}
}

// listedPaths are the well-known paths a check's file leaves name: a
// synthetic node that says none of them exists must record each as
// absent, as the collector does.
func listedPaths(t *testing.T, benchmark, id string) []string {
	t.Helper()
	var out []string
	for _, l := range embeddedCheck(t, benchmark, id).Test.Leaves() {
		if f, ok := l.Evidence.(*catalog.Files); ok {
			out = append(out, f.Paths...)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s %s names no file", benchmark, id)
	}
	return out
}
