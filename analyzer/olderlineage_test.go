package analyzer

import (
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/results"
)

// embeddedCheck is one check of an embedded benchmark, by id.
func embeddedCheck(t *testing.T, benchmark, id string) *catalog.Check {
	t.Helper()
	cat, err := catalog.LoadEmbedded(benchmark)
	if err != nil {
		t.Fatal(err)
	}
	return findCheck(t, cat, id)
}

func dir(p, mode string) bundle.Stat {
	st := file(p, mode, "root", "root")
	st.Type = "dir"
	return st
}

// TestOlderLineageDifferences pins the verdicts of cis-1.5, cis-1.20,
// cis-1.23 and cis-1.24 that deliberately differ from kube-bench's on the
// same node state (docs/differences/older-lineage.md), and a few agreements that
// no fixture shows; the fixture tables under fixtures/expected pin the
// others. kubeBench is kube-bench v0.15.6's verdict on the same state, as
// scripts/oracle gave it on specs laid out that way.
func TestOlderLineageDifferences(t *testing.T) {
	// kube-proxy runs as a DaemonSet: its kubeconfig is in a ConfigMap, no
	// file of the well-known list exists on the host.
	proxyNode := testNode(t, []bundle.Process{proc("kube-proxy", "--config=/var/lib/kube-proxy/config.conf")},
		missing(listedPaths(t, "cis-1.5", "4.1.3")...), nil)
	// etcd configured through its environment only (an EnvironmentFile of
	// a systemd unit), no flags.
	etcd := proc("etcd")
	etcd.Env = []string{"ETCD_CERT_FILE=/etc/etcd/server.crt", "ETCD_KEY_FILE=/etc/etcd/server.key", "ETCD_CLIENT_CERT_AUTH=true",
		"ETCD_PEER_CERT_FILE=/etc/etcd/peer.crt", "ETCD_PEER_KEY_FILE=/etc/etcd/peer.key", "ETCD_PEER_CLIENT_CERT_AUTH=true",
		"ETCD_TRUSTED_CA_FILE=/etc/etcd/ca.crt"}
	etcdNode := testNode(t, []bundle.Process{etcd}, nil, nil)
	// Calico-style CNI: a configuration in the default /etc/cni/net.d, no
	// --cni-conf-dir flag, no host-local IPAM state.
	cniNode := testNode(t, []bundle.Process{proc("kube-apiserver"), proc("kubelet", "--config=/var/lib/kubelet/config.yaml")},
		append([]bundle.Stat{dir("/etc/cni/net.d", "0755"), file("/etc/cni/net.d/10-calico.conflist", "0600", "root", "root")},
			missing("/var/lib/cni/networks")...), nil)

	// A kubelet run from flags alone: no --config, no config file at any
	// well-known path; /etc/default/kubelet (its environment file, 0644)
	// is there, and kube-bench's path list names it.
	var noConfig []bundle.Stat
	for _, p := range []string{"/var/lib/kubelet/config.yaml", "/var/lib/kubelet/config.yml", "/etc/kubernetes/kubelet-config.yaml",
		"/etc/kubernetes/kubelet-config.yml", "/etc/kubernetes/kubelet.yaml", "/etc/kubernetes/kubelet/kubelet-config.json",
		"/etc/kubernetes/kubelet/config.json", "/etc/kubernetes/kubelet/config", "/home/kubernetes/kubelet-config.yaml",
		"/home/kubernetes/kubelet-config.yml", "/etc/default/kubeletconfig.json"} {
		noConfig = append(noConfig, missing(p)...)
	}
	flagsNode := testNode(t, []bundle.Process{proc("kubelet", "--kubeconfig=/etc/kubernetes/kubelet.conf")},
		append(noConfig, file("/etc/default/kubelet", "0644", "root", "root"), file("/etc/kubernetes/kubelet.conf", "0600", "root", "root")), nil)
	// A kubelet whose kubeconfig and client CA file do not exist.
	missingNode := testNode(t, []bundle.Process{proc("kubelet", "--kubeconfig=/etc/kubernetes/kubelet.conf", "--client-ca-file=/etc/kubernetes/pki/ca.crt")},
		missing("/etc/kubernetes/kubelet.conf", "/etc/kubernetes/pki/ca.crt"), nil)

	for _, tc := range []struct {
		benchmark, id string
		node          string
		want          results.Status
		kubeBench     results.Status
	}{
		{"cis-1.5", "4.1.3", "proxy", results.Pass, results.Fail},
		{"cis-1.5", "4.1.4", "proxy", results.Pass, results.Fail},
		{"cis-1.20", "4.1.3", "proxy", results.Pass, results.Warn},
		{"cis-1.20", "4.1.4", "proxy", results.Pass, results.Warn},
		{"cis-1.23", "4.1.3", "proxy", results.Pass, results.Warn},
		{"cis-1.23", "4.1.4", "proxy", results.Pass, results.Warn},
		{"cis-1.24", "4.1.3", "proxy", results.Pass, results.Warn},
		{"cis-1.24", "4.1.4", "proxy", results.Pass, results.Warn},
		{"cis-1.5", "2.1", "etcd", results.Pass, results.Fail},
		{"cis-1.5", "2.2", "etcd", results.Pass, results.Fail},
		{"cis-1.5", "2.4", "etcd", results.Pass, results.Fail},
		{"cis-1.5", "2.5", "etcd", results.Pass, results.Fail},
		{"cis-1.5", "2.7", "etcd", results.Pass, results.Warn},
		{"cis-1.20", "1.1.9", "cni", results.Pass, results.Warn},
		{"cis-1.20", "1.1.10", "cni", results.Pass, results.Warn},
		{"cis-1.23", "1.1.9", "cni", results.Pass, results.Warn},
		{"cis-1.23", "1.1.10", "cni", results.Pass, results.Warn},
		{"cis-1.24", "1.1.9", "cni", results.Pass, results.Warn},
		{"cis-1.24", "1.1.10", "cni", results.Pass, results.Warn},
		{"cis-1.24", "4.1.9", "flags", results.Pass, results.Warn},
		{"cis-1.24", "4.1.10", "flags", results.Pass, results.Pass},
		{"cis-1.5", "4.1.9", "flags", results.Pass, results.Pass},
		// Agreements, pinned because the library was changed for them: a
		// missing kubelet kubeconfig or client CA file fails.
		{"cis-1.5", "4.1.6", "missing", results.Fail, results.Fail},
		{"cis-1.5", "4.1.7", "missing", results.Fail, results.Fail},
		{"cis-1.5", "4.1.8", "missing", results.Fail, results.Fail},
		{"cis-1.20", "4.1.6", "missing", results.Fail, results.Fail},
		{"cis-1.24", "4.1.6", "missing", results.Fail, results.Fail},
		{"cis-1.24", "4.1.7", "missing", results.Warn, results.Warn},
	} {
		n := map[string]*evidence.Node{"proxy": proxyNode, "etcd": etcdNode, "cni": cniNode, "flags": flagsNode, "missing": missingNode}[tc.node]
		r := Evaluate(embeddedCheck(t, tc.benchmark, tc.id), n)
		if r.Status != tc.want {
			t.Errorf("%s %s on the %s node: %s, want %s (kube-bench: %s); observed %q, reason %q",
				tc.benchmark, tc.id, tc.node, r.Status, tc.want, tc.kubeBench, r.Observed, r.Reason)
		}
	}
}
