package analyzer

import (
	"path/filepath"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/results"
)

// TestManagedFixturesPick: the managed-node specs are each detected as
// their platform and analyzed against the platform's benchmark for their
// version, as kube-bench would pick it from the API server's version
// string; kube-bench itself, given the node alone, runs the CIS benchmark
// of the minor (docs/differences/managed.md#platform-from-the-node).
func TestManagedFixturesPick(t *testing.T) {
	for spec, want := range map[string]string{
		"eks-node": "eks-1.8.0", "eks-al2-node": "eks-1.8.0", "aks-node": "aks-1.8", "gke-node": "gke-1.9.0",
		"ack-node": "ack-1.0", "tkgi-master": "tkgi-1.2.53", "tkgi-worker": "tkgi-1.2.53",
	} {
		rep, err := Analyze([]string{filepath.Join(bundlesDir, spec+".kpb")}, Options{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Nodes[0].Benchmark; got != want {
			t.Errorf("%s: %s (%s), want %s", spec, got, rep.Nodes[0].BenchmarkReason, want)
		}
	}
}

// TestManagedDifferences pins the verdicts docs/differences/managed.md
// lists where kubeproof and kube-bench differ on a managed benchmark, each
// case naming its entry.
func TestManagedDifferences(t *testing.T) {
	cfg := func(path, body string) ([]bundle.Stat, map[string]string) {
		return []bundle.Stat{file(path, "0644", "root", "root")}, map[string]string{path: body}
	}
	gkeStats, gkeFiles := cfg("/home/kubernetes/kubelet-config.yaml",
		"apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmakeIPTablesUtilChains: false\n")
	cases := []struct {
		doc, benchmark, id string
		procs              []bundle.Process
		stats              []bundle.Stat
		files              map[string]string
		want               results.Status
	}{
		// kube-bench's "unset" alternative names --make-iptables-utils-chains,
		// a flag that never exists: its test passes whatever the setting.
		{doc: "gke-iptables-chains", benchmark: "gke-1.6.0", id: "3.2.6",
			procs: []bundle.Process{proc("kubelet", "--config=/home/kubernetes/kubelet-config.yaml")},
			stats: gkeStats, files: gkeFiles, want: results.Fail},
		// kube-bench reads --anonymous-auth's value as the authorization mode.
		{doc: "aks-authorization-flag", benchmark: "aks-1.8", id: "3.2.2",
			procs: []bundle.Process{proc("kubelet", "--anonymous-auth=false", "--authorization-mode=AlwaysAllow")},
			want:  results.Fail},
		{doc: "aks-authorization-flag", benchmark: "aks-1.8", id: "3.2.2",
			procs: []bundle.Process{proc("kubelet", "--anonymous-auth=false", "--authorization-mode=Webhook")},
			want:  results.Pass},
		// Checks kube-bench automates with kubectl, or skips, are reviews here.
		{doc: "cluster-checks-reviewed", benchmark: "eks-1.8.0", id: "4.1.1",
			procs: []bundle.Process{proc("kubelet")}, want: results.Warn},
		{doc: "cluster-checks-reviewed", benchmark: "gke-1.9.0", id: "5.1.1",
			procs: []bundle.Process{proc("kubelet")}, want: results.Warn},
		{doc: "cluster-checks-reviewed", benchmark: "aks-1.8", id: "4.5.1",
			procs: []bundle.Process{proc("kubelet")}, want: results.Warn},
	}
	for _, tt := range cases {
		t.Run(tt.doc+" "+tt.benchmark+" "+tt.id, func(t *testing.T) {
			cat, err := catalog.LoadEmbedded(tt.benchmark)
			if err != nil {
				t.Fatal(err)
			}
			c := findCheck(t, cat, tt.id)
			r := Evaluate(c, testNode(t, tt.procs, tt.stats, tt.files))
			if r.Status != tt.want {
				t.Errorf("%s %s: %s, want %s (expected %q, observed %q, reason %q)", tt.benchmark, tt.id, r.Status, tt.want, r.Expected, r.Observed, r.Reason)
			}
		})
	}
	// Managed Services is kube-bench's target managedservices, a cluster
	// target here.
	for _, b := range []string{"eks-1.5.0", "eks-1.7.0", "eks-1.8.0", "aks-1.7", "aks-1.8", "gke-1.6.0", "gke-1.8.0", "gke-1.9.0", "ack-1.0"} {
		cat, err := catalog.LoadEmbedded(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range cat.Sections {
			if s.Title == "Managed Services" && s.Target != "managedservices" {
				t.Errorf("%s: section %s (Managed Services) on %s, want managedservices", b, s.ID, s.Target)
			}
		}
	}
}
