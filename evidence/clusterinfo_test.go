package evidence

import (
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
)

func TestClusterInfo(t *testing.T) {
	const kubeletConf = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: <redacted>
    server: https://10.0.0.1:6443
  name: default-cluster
contexts:
- context: {cluster: default-cluster, user: default-auth}
  name: default-context
current-context: default-context
`
	const twoClusters = `kind: Config
clusters:
- name: staging
  cluster: {server: "https://staging:6443"}
- name: prod
  cluster: {server: "https://prod:6443"}
contexts:
- name: a
  context: {cluster: staging}
- name: b
  context: {cluster: prod}
current-context: b
`
	const noCurrent = `kind: Config
clusters:
- name: staging
  cluster: {server: "https://staging:6443"}
- name: prod
  cluster: {server: "https://prod:6443"}
`
	kubelet := func(args ...string) bundle.Process { return pr(100, "kubelet", args...) }
	for _, tc := range []struct {
		name  string
		fx    fx
		want  string // name|endpoint
		cites []string
	}{
		{"the kubelet's --kubeconfig", fx{procs: []bundle.Process{kubelet("--kubeconfig=/k/kubelet.conf")}, files: map[string]string{"/k/kubelet.conf": kubeletConf}},
			"default-cluster|https://10.0.0.1:6443",
			[]string{"files/k/kubelet.conf|clusters[name=default-cluster].name (line 7)|default-cluster", "files/k/kubelet.conf|clusters[name=default-cluster].cluster.server (line 6)|https://10.0.0.1:6443"}},
		{"--cluster-name names the cluster; a kubeconfig the endpoint", fx{
			procs: []bundle.Process{kubelet(), pr(200, "kube-controller-manager", "--cluster-name=prod-az1", "--kubeconfig=/etc/kubernetes/controller-manager.conf")},
			files: map[string]string{"/etc/kubernetes/controller-manager.conf": twoClusters}},
			"prod-az1|https://prod:6443",
			[]string{"facts/processes.json|pid 200 kube-controller-manager argv[1]|--cluster-name=prod-az1", "files/etc/kubernetes/controller-manager.conf|clusters[name=prod].cluster.server (line 6)|https://prod:6443"}},
		{"the current context picks among clusters", fx{files: map[string]string{"/etc/kubernetes/admin.conf": twoClusters}},
			"prod|https://prod:6443", nil},
		{"no current context among two clusters: unknown", fx{files: map[string]string{"/etc/kubernetes/admin.conf": noCurrent}}, "|", nil},
		{"not a kubeconfig", fx{files: map[string]string{"/etc/kubernetes/admin.conf": "kind: KubeletConfiguration\nclusters: []\n"}}, "|", nil},
		{"invalid YAML, then a kubeconfig found among the copied files", fx{files: map[string]string{"/etc/kubernetes/admin.conf": "[\n", "/var/lib/k3s/agent/kubelet.kubeconfig": kubeletConf}},
			"default-cluster|https://10.0.0.1:6443", nil},
		{"nothing copied", fx{procs: []bundle.Process{kubelet("--kubeconfig=/gone.conf")}}, "|", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ci := tc.fx.node(t).ClusterInfo()
			if got := ci.Name + "|" + ci.Endpoint; got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if ci.Name+ci.Endpoint == "" && len(ci.Citations) > 0 {
				t.Errorf("citations for nothing found: %v", ci.Citations)
			}
			if ci.Name != "" && ci.Endpoint != "" && len(ci.Citations) != 2 {
				t.Errorf("%d citations, want one per field", len(ci.Citations))
			}
			if tc.cites != nil {
				var got []string
				for _, c := range ci.Citations {
					got = append(got, c.Member+"|"+c.Locator+"|"+c.Observed)
				}
				if len(got) != len(tc.cites) {
					t.Fatalf("citations %q, want %q", got, tc.cites)
				}
				for i := range got {
					if got[i] != tc.cites[i] {
						t.Errorf("citation %d %q, want %q", i, got[i], tc.cites[i])
					}
				}
			}
		})
	}
}
