package analyzer

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/results"
)

// kubeBenchMapping is kube-bench's choice of benchmark by Kubernetes minor
// version (its cfg/config.yaml version_mapping), with cis-2.0 for 1.34–1.35
// as the issue sets it.
var kubeBenchMapping = map[int]string{
	15: "cis-1.5", 16: "cis-1.6", 17: "cis-1.6", 18: "cis-1.6", 19: "cis-1.20", 20: "cis-1.20", 21: "cis-1.20",
	22: "cis-1.23", 23: "cis-1.23", 24: "cis-1.24", 25: "cis-1.7", 26: "cis-1.8", 27: "cis-1.9", 28: "cis-1.10",
	29: "cis-1.11", 30: "cis-1.11", 31: "cis-1.11", 32: "cis-1.12", 33: "cis-1.12", 34: "cis-2.0", 35: "cis-2.0",
}

func TestKubeMinor(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"v1.32.4", 32, true}, {"1.27", 27, true}, {"v1.28.2+k3s1", 28, true}, {"1.15.12", 15, true}, {" v1.9.0 ", 9, true},
		{"v2.0.1", 0, false}, {"1", 0, false}, {"1.", 0, false}, {"1.x", 0, false}, {"v1.32a", 0, false}, {"1.1234", 0, false}, {"", 0, false},
	} {
		got, err := catalog.KubeMinor(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("KubeMinor(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestPickMatchesKubeBench: every embedded benchmark is picked for exactly
// the Kubernetes versions kube-bench picks it for; versions newer than
// every benchmark get the newest with a warning; older ones get none.
func TestPickMatchesKubeBench(t *testing.T) {
	var embedded []string // the CIS benchmarks: a platform's is picked through its profile
	for _, b := range catalog.Benchmarks() {
		if pl, err := catalog.PlatformOf(b); err != nil {
			t.Fatal(err)
		} else if pl == "" {
			embedded = append(embedded, b)
		}
	}
	covered := map[string]bool{}
	for minor := 10; minor <= 40; minor++ {
		pk, err := catalog.PickFor(minor)
		want, mapped := kubeBenchMapping[minor]
		switch {
		case mapped && slices.Contains(embedded, want):
			if err != nil || pk.Benchmark != want || pk.Newer != "" {
				t.Errorf("1.%d: picked %q (newer %q, %v), want %s", minor, pk.Benchmark, pk.Newer, err, want)
			}
			covered[want] = true
		case err == nil && pk.Newer == "":
			t.Errorf("1.%d: picked %s, which kube-bench does not pick for it", minor, pk.Benchmark)
		case err == nil:
			if newest := embedded[len(embedded)-1]; pk.Benchmark != newest || !strings.Contains(pk.Newer, "newer than every embedded benchmark") {
				t.Errorf("1.%d: picked %s with %q, want the newest %s with a warning", minor, pk.Benchmark, pk.Newer, newest)
			}
		}
	}
	for _, b := range embedded {
		if !covered[b] {
			t.Errorf("embedded benchmark %s is picked for no Kubernetes version kube-bench maps to it", b)
		}
	}
	if _, err := catalog.PickFor(10); err == nil || !strings.Contains(err.Error(), "older than every embedded benchmark") {
		t.Errorf("1.10: %v, want older than every benchmark", err)
	}
	if pk, err := catalog.PickFor(99); err != nil || pk.Newer == "" {
		t.Errorf("1.99: %+v, %v; want the newest with a warning", pk, err)
	}
}

// kubeBenchPlatforms is kube-bench v0.15.6's choice of a managed
// platform's benchmark by Kubernetes minor version (cmd/util.go:
// eksBenchmark, aksBenchmark, gkeBenchmark), for 1.15–1.34.
func kubeBenchPlatforms(platform string, minor int) string {
	switch platform {
	case "eks":
		switch {
		case minor <= 19:
			return "eks-1.0.1"
		case minor >= 29 && minor <= 31:
			return "eks-1.7.0"
		case minor >= 32 && minor <= 34:
			return "eks-1.8.0"
		}
		return "eks-1.5.0"
	case "aks":
		switch {
		case minor <= 24:
			// kube-bench: 1.19–1.24; its default sends 1.15–1.18 to
			// aks-1.8, a benchmark of Kubernetes ten versions later, which
			// the profile does not follow (docs/differences/managed.md).
			return "aks-1.0"
		case minor >= 29 && minor <= 31:
			return "aks-1.7"
		}
		return "aks-1.8"
	case "gke":
		switch {
		case minor <= 19:
			return "gke-1.0"
		case minor <= 27:
			return "gke-1.2.0"
		case minor <= 29:
			return "gke-1.6.0"
		case minor == 30:
			return "gke-1.8.0"
		}
		return "gke-1.9.0"
	}
	return ""
}

// TestPlatformPickMatchesKubeBench: for EKS, AKS and GKE nodes of
// Kubernetes 1.15–1.34, the profile picks the benchmark kube-bench picks
// wherever that benchmark is embedded, and none otherwise (the CIS
// benchmark of the version then applies); every managed benchmark is
// picked for some version. Past 1.34 kube-bench sends EKS nodes back to
// eks-1.5.0 and AKS nodes to aks-1.8; the profiles stop at 1.34
// (docs/differences/managed.md).
func TestPlatformPickMatchesKubeBench(t *testing.T) {
	pls, err := catalog.Platforms()
	if err != nil {
		t.Fatal(err)
	}
	picked := map[string]bool{}
	for _, p := range pls {
		if p.Name != "eks" && p.Name != "aks" && p.Name != "gke" {
			continue
		}
		for minor := 15; minor <= 34; minor++ {
			want := kubeBenchPlatforms(p.Name, minor)
			if !slices.Contains(catalog.Benchmarks(), want) {
				want = ""
			}
			got := p.BenchmarkFor(minor)
			if got != want {
				t.Errorf("%s 1.%d: %q, want %q", p.Name, minor, got, want)
			}
			picked[got] = true
		}
		if got := p.BenchmarkFor(35); got != "" {
			t.Errorf("%s 1.35: %q, want none", p.Name, got)
		}
	}
	for _, b := range catalog.Benchmarks() {
		if pl, _ := catalog.PlatformOf(b); (pl == "eks" || pl == "aks" || pl == "gke") && !picked[b] {
			t.Errorf("%s is picked for no version", b)
		}
	}
}

// TestAutoPick: with no benchmark given, each node gets the benchmark of
// its own version and says where the version came from; a worker whose
// bundle records none takes its cluster's API server version from the
// master's bundle; alone, it is refused with a message that says what to do.
func TestAutoPick(t *testing.T) {
	master, worker := bundlesDir+"/tkestack-master.kpb", bundlesDir+"/tkestack-worker.kpb"
	pk, err := catalog.PickFor(20)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Analyze([]string{master, worker}, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Nodes) != 2 {
		t.Fatalf("%d nodes", len(rep.Nodes))
	}
	byName := map[string]results.NodeResult{}
	for _, n := range rep.Nodes {
		byName[n.Node] = n
	}
	m, w := byName["VM-0-11-centos"], byName["VM-0-14-centos"]
	wantM := "v1.20.4 from the kube-apiserver image tag in /etc/kubernetes/manifests/kube-apiserver.yaml → " + pk.Benchmark
	if m.Benchmark != pk.Benchmark || m.BenchmarkReason != wantM || m.KubeVersion != "v1.20.4" {
		t.Errorf("master: %s, %q, version %q; want %s, %q", m.Benchmark, m.BenchmarkReason, m.KubeVersion, pk.Benchmark, wantM)
	}
	wantW := "v1.20.4 from the kube-apiserver image tag in /etc/kubernetes/manifests/kube-apiserver.yaml on VM-0-11-centos, a node of the same cluster (no version in this bundle) → " + pk.Benchmark
	if w.Benchmark != pk.Benchmark || w.BenchmarkReason != wantW || w.KubeVersion != "" {
		t.Errorf("worker: %s, %q, version %q; want %s, %q", w.Benchmark, w.BenchmarkReason, w.KubeVersion, pk.Benchmark, wantW)
	}
	if rep.Benchmark != pk.Benchmark || !slices.Equal(rep.Benchmarks, []string{pk.Benchmark}) {
		t.Errorf("report benchmark %q %v", rep.Benchmark, rep.Benchmarks)
	}
	if pk.Newer != "" && !slices.ContainsFunc(rep.Warnings, func(s string) bool { return strings.Contains(s, "newer than every embedded benchmark") }) {
		t.Errorf("no warning for a version newer than every benchmark: %q", rep.Warnings)
	}

	// The worker alone: no version, no cluster to take one from.
	_, err = Analyze([]string{worker}, Options{Version: "test"})
	var ce *exit.ChoiceError
	if !errors.As(err, &ce) || exit.Code(err) != exit.Usage ||
		!strings.Contains(err.Error(), "tkestack-worker.kpb: no benchmark can be picked: its bundle records no Kubernetes version") ||
		!strings.Contains(err.Error(), "--benchmark NAME or --version 1.MINOR") {
		t.Errorf("worker alone: %v (exit %d)", err, exit.Code(err))
	}
	rep, err = Analyze([]string{worker}, Options{Version: "test", KeepGoing: true})
	if err != nil || len(rep.Nodes) != 0 || len(rep.Refused) != 1 || !strings.Contains(rep.Refused[0].Reason, "no benchmark can be picked") {
		t.Errorf("worker alone, keep going: %v, %+v", err, rep)
	}

	// --version picks for every node, --benchmark (Catalog) fixes one.
	rep, err = Analyze([]string{worker}, Options{Version: "test", KubeVersion: "1.17"})
	if err != nil || rep.Nodes[0].Benchmark != "cis-1.6" || rep.Nodes[0].BenchmarkReason != "Kubernetes 1.17 given with --version → cis-1.6" {
		t.Errorf("--version 1.17: %v, %+v", err, rep)
	}
	cat := cis16(t)
	rep, err = Analyze([]string{master}, Options{Version: "test", Catalog: cat, CatalogReason: "chosen with --benchmark cis-1.6"})
	if err != nil || rep.Nodes[0].Benchmark != "cis-1.6" || rep.Nodes[0].BenchmarkReason != "chosen with --benchmark cis-1.6" ||
		rep.Nodes[0].BenchmarkVersion != cat.Version || rep.Nodes[0].KubeVersion != "v1.20.4" {
		t.Errorf("--benchmark cis-1.6: %v, %+v", err, rep.Nodes[0])
	}
	for _, bad := range []string{"2.0", "1.x", "1.3"} {
		_, err := Analyze([]string{worker}, Options{Version: "test", KubeVersion: bad})
		var ue *exit.UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--version") {
			t.Errorf("--version %s: %v, want a usage error", bad, err)
		}
	}
}

// TestForCluster: a node without a version takes the API server version
// of a node that shares a CA with it; of several, the oldest; none that
// shares a CA is an error that says why.
func TestForCluster(t *testing.T) {
	p, err := newPicker(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ca1, ca2, ca3 := results.Digest("aa"), results.Digest("bb"), results.Digest("cc")
	from := "the kube-apiserver image tag in /etc/kubernetes/manifests/kube-apiserver.yaml"
	servers := []apiServer{
		{node: "cp-1", version: "v1.17.3", from: from, cas: []results.Digest{ca1, ca2}},
		{node: "cp-2", version: "v1.16.9", from: from, cas: []results.Digest{ca2}},
		{node: "other", version: "v1.15.1", from: from, cas: []results.Digest{ca3}},
	}
	c, err := p.forCluster("w.kpb", []results.Digest{ca1}, servers, nil)
	if err != nil || c.cat.Benchmark != "cis-1.6" || !strings.HasPrefix(c.reason, "v1.17.3 from "+from+" on cp-1, a node of the same cluster") {
		t.Errorf("one server: %v, %q", err, c.reason)
	}
	c, err = p.forCluster("w.kpb", []results.Digest{ca2}, servers, nil)
	if err != nil || !strings.HasPrefix(c.reason, "v1.16.9, the oldest of the cluster's API servers (v1.16.9, v1.17.3), from "+from+" on cp-2") {
		t.Errorf("two servers: %v, %q", err, c.reason)
	}
	_, err = p.forCluster("w.kpb", []results.Digest{"dd"}, servers, nil)
	if err == nil || !strings.Contains(err.Error(), "no node of its cluster among the bundles runs an API server") {
		t.Errorf("no shared CA: %v", err)
	}
	_, err = p.forCluster("w.kpb", nil, servers, nil)
	if err == nil || !strings.Contains(err.Error(), "no CA certificate that would tie it to another node") {
		t.Errorf("no CA: %v", err)
	}
}

// TestPlatformBenchmark: a platform whose profile names a benchmark for
// the node's version gets it; otherwise the CIS benchmark of the version,
// and the reason says so.
func TestPlatformBenchmark(t *testing.T) {
	pl := &catalog.Platform{Name: "dist", Title: "Dist", Benchmarks: []catalog.PlatformBenchmark{
		{Kubernetes: catalog.VersionRange{From: "1.24", To: "1.25"}, Benchmark: "cis-1.5"},
	}}
	p, err := newPicker(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		version, want, reason string
	}{
		{"v1.25.3+dist1", "cis-1.5", "v1.25.3+dist1 from the kubelet's build info, on Dist → cis-1.5"},
		{"v1.24.0", "cis-1.5", "on Dist → cis-1.5"},
		{"v1.26.1", "cis-1.8", "→ cis-1.8 (no Dist benchmark for 1.26 is embedded: the CIS benchmark, on Dist's settings)"},
	} {
		c, err := p.forVersion(evidence.KubeVersion{Version: tt.version, From: "the kubelet's build info"}, pl)
		if err != nil {
			t.Fatal(err)
		}
		if c.cat.Benchmark != tt.want || !strings.Contains(c.reason, tt.reason) {
			t.Errorf("%s: %s (%q), want %s (%q)", tt.version, c.cat.Benchmark, c.reason, tt.want, tt.reason)
		}
	}
	c, err := p.forVersion(evidence.KubeVersion{Version: "v1.25.3", From: "x"}, nil)
	if err != nil || c.cat.Benchmark != "cis-1.7" || strings.Contains(c.reason, "(") {
		t.Errorf("no platform: %v %q", err, c.reason)
	}
}

// TestRancherPickMatchesKubeBench: the K3s, RKE2 and RKE profiles pick the
// benchmark kube-bench v0.15.6 picks from a +k3s / +rke2r / -rancher version
// (cmd/util.go k3sBenchmark, rke2Benchmark, rkeBenchmark) up to Kubernetes
// 1.34, the newest it maps at all, from the first version with a
// benchmark of the platform's own (k3s 1.22, RKE2 and RKE 1.23); newer
// versions fall back to CIS. MicroK8s 1.24, which kube-bench never maps to
// cis-1.24-microk8s, gets it.
func TestRancherPickMatchesKubeBench(t *testing.T) {
	k3s := func(m int) string {
		switch {
		case m == 22 || m == 23:
			return "k3s-cis-1.23"
		case m == 24:
			return "k3s-cis-1.24"
		case m == 25:
			return "k3s-cis-1.7"
		case m == 26:
			return "k3s-cis-1.8"
		}
		return "k3s-cis-1.9"
	}
	rke2 := func(m int) string {
		switch {
		case m == 23:
			return "rke2-cis-1.23"
		case m == 24:
			return "rke2-cis-1.24"
		case m == 25:
			return "rke2-cis-1.7"
		}
		return "rke2-cis-1.8"
	}
	rke := func(m int) string {
		switch m {
		case 23:
			return "rke-cis-1.23"
		case 24:
			return "rke-cis-1.24"
		}
		return "rke-cis-1.7"
	}
	microk8s := func(m int) string {
		if m == 24 {
			return "cis-1.24-microk8s"
		}
		return ""
	}
	profiles, err := catalog.Platforms()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		platform string
		from     int
		want     func(int) string
	}{{"k3s", 22, k3s}, {"rke2", 23, rke2}, {"rke", 23, rke}, {"microk8s", 20, microk8s}} {
		var p *catalog.Platform
		for _, x := range profiles {
			if x.Name == tc.platform {
				p = x
			}
		}
		if p == nil {
			t.Fatalf("no %s profile", tc.platform)
		}
		for m := tc.from; m <= 40; m++ {
			want := tc.want(m)
			if !slices.Contains(catalog.Benchmarks(), want) || m > 34 {
				want = ""
			}
			if got := p.BenchmarkFor(m); got != want {
				t.Errorf("%s 1.%d: %q, want %q", tc.platform, m, got, want)
			}
		}
	}
}
