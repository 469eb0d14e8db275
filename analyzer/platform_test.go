package analyzer

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/results"
)

// TestDetectFixtures: every fixture node is recognised as what it is,
// from its bundle alone; no kubeadm node is taken for a distribution.
func TestDetectFixtures(t *testing.T) {
	bundles, err := filepath.Glob(filepath.Join(bundlesDir, "*.kpb"))
	if err != nil || len(bundles) < 20 {
		t.Fatalf("%d fixture bundles (%v)", len(bundles), err)
	}
	for _, f := range bundles {
		spec := strings.TrimSuffix(filepath.Base(f), ".kpb")
		// A spec is named after its platform ("eks-al2-node" is EKS's);
		// kubeadm specs are of none.
		want, _, _ := strings.Cut(spec, "-")
		if want == "kubeadm" {
			want = ""
		}
		b, err := bundle.Open(f, bundle.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		n, err := evidence.NewNode(f, b)
		if err != nil {
			t.Fatal(err)
		}
		d := detectPlatform(n)
		got := ""
		if d.platform != nil {
			got = d.platform.Name
		}
		if got != want || d.warning != "" {
			t.Errorf("%s: platform %q (%s; warning %q), want %q", spec, got, d.reason, d.warning, want)
		}
		if want != "" && len(d.citations) == 0 {
			t.Errorf("%s: reason %q with %d citations: want the signals it shows, cited", spec, d.reason, len(d.citations))
		}
	}
}

// TestDetectSignals: each platform from the signals its profile names;
// one hint alone is not enough; the signs of two platforms give none and
// a warning.
func TestDetectSignals(t *testing.T) {
	for _, tt := range []struct {
		name    string
		procs   []bundle.Process
		stats   []bundle.Stat
		want    string
		warning string
	}{
		{"k3s server", []bundle.Process{proc("k3s-server", "server")}, nil, "k3s", ""},
		{"k3s agent", []bundle.Process{proc("k3s-agent", "agent")}, []bundle.Stat{dir("/var/lib/rancher/k3s", "0755")}, "k3s", ""},
		{"rke2 by its paths", []bundle.Process{proc("kubelet")}, []bundle.Stat{dir("/var/lib/rancher/rke2", "0755"), dir("/etc/rancher/rke2", "0755")}, "rke2", ""},
		{"one hint", []bundle.Process{proc("kubelet")}, []bundle.Stat{dir("/var/lib/rancher/rke2", "0755")}, "", ""},
		{"microk8s", []bundle.Process{proc("kubelite")}, nil, "microk8s", ""},
		{"eks", []bundle.Process{proc("kubelet")}, []bundle.Stat{dir("/etc/eks", "0755")}, "eks", ""},
		{"aks", []bundle.Process{proc("kubelet")}, []bundle.Stat{file("/etc/kubernetes/azure.json", "0600", "root", "root"), dir("/opt/azure/containers", "0755")}, "aks", ""},
		{"gke", []bundle.Process{proc("kubelet")}, []bundle.Stat{file("/home/kubernetes/kube-env", "0600", "root", "root")}, "gke", ""},
		{"a path under a signal's", []bundle.Process{proc("kubelet")}, []bundle.Stat{file("/etc/eks/image-credential-provider/config.json", "0644", "root", "root")}, "eks", ""},
		{"an error is no sign", []bundle.Process{proc("kubelet")}, []bundle.Stat{{Path: "/etc/eks", Error: "permission denied", ErrorKind: "permission"}}, "", ""},
		{"two platforms", []bundle.Process{proc("k3s-server", "server")}, []bundle.Stat{dir("/var/lib/rancher/rke2", "0755"), dir("/etc/rancher/rke2", "0755")}, "", "several platforms: K3s (a k3s-server process"},
		{"plain", []bundle.Process{proc("kube-apiserver"), proc("kubelet")}, []bundle.Stat{dir("/etc/kubernetes", "0755")}, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := testNode(t, tt.procs, tt.stats, nil)
			d := detectPlatform(n)
			got := ""
			if d.platform != nil {
				got = d.platform.Name
			}
			if got != tt.want {
				t.Errorf("platform %q (%s), want %q", got, d.reason, tt.want)
			}
			if !strings.Contains(d.warning, tt.warning) || tt.warning == "" && d.warning != "" {
				t.Errorf("warning %q, want %q", d.warning, tt.warning)
			}
			if got != "" && len(d.citations) == 0 {
				t.Error("no citation of the signals")
			}
		})
	}
}

func platformNamed(t *testing.T, name string) *catalog.Platform {
	t.Helper()
	ps, err := catalog.Platforms()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no platform %s", name)
	return nil
}

// TestK3sSettings: the settings of k3s's embedded components come from
// the --<component>-arg items of its configuration file, its drop-ins
// (in name order; a key ending in + adds to a list) and its command line,
// which k3s reads after the files.
func TestK3sSettings(t *testing.T) {
	const cfg, dropIns = "/etc/rancher/k3s/config.yaml", "/etc/rancher/k3s/config.yaml.d"
	node := func(t *testing.T, args []string, stats []bundle.Stat, files map[string]string) *evidence.Node {
		n := testNode(t, []bundle.Process{proc("k3s-server", append([]string{"server"}, args...)...)}, stats, files)
		n.SetPlatform(platformNamed(t, "k3s"))
		return n
	}
	withConfig := []bundle.Stat{file(cfg, "0600", "root", "root"), dir(dropIns, "0755"), file(dropIns+"/10-cis.yaml", "0600", "root", "root"), file(dropIns+"/20-more.yaml", "0600", "root", "root")}
	files := map[string]string{
		cfg:                       "kube-apiserver-arg:\n  - profiling=true\n  - audit-log-maxage=30\nprotect-kernel-defaults: true\n",
		dropIns + "/10-cis.yaml":  "kube-apiserver-arg:\n  - profiling=false\n",
		dropIns + "/20-more.yaml": "kube-apiserver-arg+:\n  - audit-log-maxbackup=10\n",
	}
	setting := func(flag string) *catalog.Setting { return &catalog.Setting{Flag: flag} }
	for _, tt := range []struct {
		name           string
		args           []string
		stats          []bundle.Stat
		files          map[string]string
		component      string
		flag           string
		state          evidence.State
		value, citedIn string
	}{
		{"drop-in replaces", nil, withConfig, files, "kube-apiserver", "profiling", evidence.Set, "false", "files/etc/rancher/k3s/config.yaml.d/10-cis.yaml"},
		{"replaced list is gone", nil, withConfig, files, "kube-apiserver", "audit-log-maxage", evidence.Unset, "", ""},
		{"+ adds", nil, withConfig, files, "kube-apiserver", "audit-log-maxbackup", evidence.Set, "10", "files/etc/rancher/k3s/config.yaml.d/20-more.yaml"},
		{"command line last", []string{"--kube-apiserver-arg=profiling=true"}, withConfig, files, "kube-apiserver", "profiling", evidence.Set, "true", bundle.ProcessesPath},
		{"k3s's own flag from the file", nil, withConfig, files, "k3s-server", "protect-kernel-defaults", evidence.Set, "true", "files/etc/rancher/k3s/config.yaml"},
		{"no file at all: k3s's default", nil, missing(cfg, dropIns), nil, "kube-apiserver", "profiling", evidence.Set, "false", bundle.ProcessesPath},
		{"no file, no default", nil, missing(cfg, dropIns), nil, "kube-apiserver", "audit-log-maxage", evidence.Unset, "", ""},
		{"an item replaces the default", []string{"--kube-apiserver-arg=enable-admission-plugins=AlwaysAdmit"}, missing(cfg, dropIns), nil, "kube-apiserver", "enable-admission-plugins", evidence.Set, "AlwaysAdmit", bundle.ProcessesPath},
		{"flag+= keeps the default", []string{"--kube-apiserver-arg=enable-admission-plugins+=EventRateLimit"}, missing(cfg, dropIns), nil, "kube-apiserver", "enable-admission-plugins", evidence.Set, "NodeRestriction,EventRateLimit", bundle.ProcessesPath},
		{"flag-= goes before the default", []string{"--kube-apiserver-arg=enable-admission-plugins-=EventRateLimit"}, missing(cfg, dropIns), nil, "kube-apiserver", "enable-admission-plugins", evidence.Set, "EventRateLimit,NodeRestriction", bundle.ProcessesPath},
		{"a redacted item hides any flag", []string{"--kube-apiserver-arg=<redacted:14>"}, missing(cfg, dropIns), nil, "kube-apiserver", "profiling", evidence.Unknown, "", ""},
		{"default with its condition unmet", nil, missing(cfg, dropIns), nil, "kube-apiserver", "encryption-provider-config", evidence.Unset, "", ""},
		{"default with its condition met", nil, append([]bundle.Stat{file(cfg, "0600", "root", "root")}, missing(dropIns)...), map[string]string{cfg: "secrets-encryption: true\n"}, "kube-apiserver", "encryption-provider-config", evidence.Set, "/var/lib/rancher/k3s/server/cred/encryption-config.json", bundle.ProcessesPath},
		{"file not copied", nil, []bundle.Stat{file(cfg, "0600", "root", "root"), dir(dropIns, "0755")}, nil, "kube-apiserver", "profiling", evidence.Unknown, "", ""},
		{"no record of the file", nil, nil, nil, "kube-apiserver", "profiling", evidence.Unknown, "", ""},
		{"another file by --config", []string{"--config=/srv/k3s.yaml"}, append(missing(cfg+"x"), file("/srv/k3s.yaml", "0600", "root", "root"), bundle.Stat{Path: "/srv/k3s.yaml.d", Error: "lstat: no such file or directory", ErrorKind: "not-exist"}),
			map[string]string{"/srv/k3s.yaml": "kube-apiserver-arg: [profiling=false]\n"}, "kube-apiserver", "profiling", evidence.Set, "false", "files/srv/k3s.yaml"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := node(t, tt.args, tt.stats, tt.files)
			o := n.Setting(tt.component, setting(tt.flag))
			if o.State != tt.state || o.Value != tt.value {
				t.Fatalf("state %v value %q (reason %q), want %v %q", o.State, o.Value, o.Reason, tt.state, tt.value)
			}
			if tt.citedIn != "" {
				if len(o.Citations) == 0 || o.Citations[len(o.Citations)-1].Member != tt.citedIn {
					t.Errorf("citations %+v: want the last in %s", o.Citations, tt.citedIn)
				}
			}
			if o.State == evidence.Unknown && o.Reason == "" {
				t.Error("unknown without a reason")
			}
		})
	}
}

// TestMicroK8sArgs: kubelite's components read their flags from the
// snap's args files, with the snap's variables expanded; a missing args
// file leaves the settings unknown.
func TestMicroK8sArgs(t *testing.T) {
	const args = "/var/snap/microk8s/current/args/kube-apiserver"
	n := testNode(t, []bundle.Process{proc("kubelite", "--scheduler-args-file=/var/snap/microk8s/current/args/kube-scheduler")},
		[]bundle.Stat{file(args, "0660", "root", "microk8s")},
		map[string]string{args: "# API server\n--cert-dir=${SNAP_DATA}/certs\n--profiling=false\n\n--authorization-mode=RBAC,Node\n"})
	n.SetPlatform(platformNamed(t, "microk8s"))
	for _, tt := range []struct{ flag, value, locator string }{
		{"profiling", "false", "line 3"},
		{"cert-dir", "/var/snap/microk8s/current/certs", "line 2"},
		{"authorization-mode", "RBAC,Node", "line 5"},
	} {
		o := n.Setting("kube-apiserver", &catalog.Setting{Flag: tt.flag})
		if o.State != evidence.Set || o.Value != tt.value {
			t.Errorf("--%s: %v %q (%s), want %q", tt.flag, o.State, o.Value, o.Reason, tt.value)
			continue
		}
		if c := o.Citations[0]; c.Member != "files"+args || c.Locator != tt.locator {
			t.Errorf("--%s cited at %s %s, want files%s %s", tt.flag, c.Member, c.Locator, args, tt.locator)
		}
	}
	if o := n.Setting("kube-apiserver", &catalog.Setting{Flag: "anonymous-auth"}); o.State != evidence.Unset {
		t.Errorf("--anonymous-auth: %v (%s), want unset", o.State, o.Reason)
	}
	if o := n.Setting("kube-scheduler", &catalog.Setting{Flag: "profiling"}); o.State != evidence.Unknown || !strings.Contains(o.Reason, "kube-scheduler") {
		t.Errorf("scheduler without its args file: %v (%q), want unknown, naming the file", o.State, o.Reason)
	}
	if !n.Runs("kube-controller-manager") || n.Runs("etcd") {
		t.Error("kubelite runs the controller manager and no etcd")
	}
}

// TestPlatformInReport: the report names each node's platform and why.
func TestPlatformInReport(t *testing.T) {
	rep, err := Analyze([]string{filepath.Join(bundlesDir, "tkestack-worker.kpb"), filepath.Join(bundlesDir, "tkestack-master.kpb"), filepath.Join(bundlesDir, "kubeadm-master.kpb")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range rep.Nodes {
		want := ""
		if strings.HasPrefix(n.Node, "VM-0-") {
			want = "tkestack"
		}
		if n.Platform != want {
			t.Errorf("%s: platform %q, want %q", n.Node, n.Platform, want)
		}
		if want != "" && (n.PlatformReason == "" || len(n.PlatformCitations) == 0) {
			t.Errorf("%s: no reason or citation for the platform", n.Node)
		}
		for _, c := range n.PlatformCitations {
			if c.Node != n.Node || c.Bundle != results.Digest(n.Bundle.Digest.String()) {
				t.Errorf("%s: citation %+v of another bundle", n.Node, c)
			}
		}
	}
}

// TestConfigCopyOfOtherType: a --config file whose copy the redactor read
// as something else (an environment file) says nothing of the component's
// fields: they are unknown, never absent (an AKS kubelet configuration
// in /etc/default was once copied as an environment file, and its
// settings judged as unset).
func TestConfigCopyOfOtherType(t *testing.T) {
	const cfg = "/etc/default/kubeletconfig.json"
	for _, tt := range []struct {
		copyType string
		want     evidence.State
	}{
		{"env", evidence.Unknown},
		{"kubelet-config", evidence.Set},
		{"", evidence.Set}, // format 1: no copy_type; the copy is read as it is
	} {
		st := file(cfg, "0600", "root", "root")
		st.CopyType = tt.copyType
		n := testNode(t, []bundle.Process{proc("kubelet", "--config="+cfg)}, []bundle.Stat{st},
			map[string]string{cfg: "{\"kind\": \"KubeletConfiguration\", \"apiVersion\": \"kubelet.config.k8s.io/v1beta1\", \"readOnlyPort\": 0}\n"})
		o := n.Setting("kubelet", &catalog.Setting{Flag: "read-only-port", Field: "readOnlyPort"})
		if o.State != tt.want {
			t.Errorf("copy_type %q: %v %q (%s), want %v", tt.copyType, o.State, o.Value, o.Reason, tt.want)
		}
		if tt.want == evidence.Unknown && !strings.Contains(o.Reason, "read as env") {
			t.Errorf("copy_type %q: reason %q should say how the copy was read", tt.copyType, o.Reason)
		}
	}
}

// TestDetectRKE: an RKE1 node is recognised from its own marks (the
// kubelet's kubecfg-kube-node.yaml, the API server's kube-apiserver.pem,
// RKE's log link directory, a -rancher version), never as RKE2; RKE2's
// +rke2r version and paths never make a node RKE's; a kubespray node, which
// keeps its certificates in /etc/kubernetes/ssl too, is neither.
func TestDetectRKE(t *testing.T) {
	nodeKube := "--kubeconfig=/etc/kubernetes/ssl/kubecfg-kube-node.yaml"
	for _, tt := range []struct {
		name     string
		procs    []bundle.Process
		stats    []bundle.Stat
		versions []bundle.VersionEvidence
		want     string
	}{
		{"rke worker", []bundle.Process{proc("kubelet", nodeKube, "--client-ca-file=/etc/kubernetes/ssl/kube-ca.pem")}, nil, nil, "rke"},
		{"rke control plane", []bundle.Process{proc("kube-apiserver", "--tls-cert-file=/etc/kubernetes/ssl/kube-apiserver.pem")}, nil, nil, "rke"},
		{"rke paths", []bundle.Process{proc("kubelet")}, []bundle.Stat{file("/etc/kubernetes/ssl/kubecfg-kube-node.yaml", "0600", "root", "root"), dir("/var/lib/rancher/rke/log", "0755")}, nil, "rke"},
		{"one rke hint", []bundle.Process{proc("kubelet")}, []bundle.Stat{dir("/var/lib/rancher/rke/log", "0755")}, nil, ""},
		{"rke image version", []bundle.Process{proc("kubelet")}, nil, []bundle.VersionEvidence{{Version: "v1.26.8-rancher1", Component: "kubelet", Source: "image-tag", Path: "/x"}}, "rke"},
		{"rke2 is not rke", []bundle.Process{proc("rke2-server", "server"), proc("kubelet", "--kubeconfig=/var/lib/rancher/rke2/agent/kubelet.kubeconfig")},
			[]bundle.Stat{dir("/var/lib/rancher/rke2", "0755"), dir("/var/lib/rancher", "0755")},
			[]bundle.VersionEvidence{{Version: "v1.33.4+rke2r1", Component: "kubelet", Source: "go-buildinfo", Path: "/usr/local/bin/rke2"}}, "rke2"},
		{"kubespray's /etc/kubernetes/ssl", []bundle.Process{proc("kube-apiserver", "--client-ca-file=/etc/kubernetes/ssl/ca.crt", "--tls-cert-file=/etc/kubernetes/ssl/apiserver.crt"), proc("kubelet", "--kubeconfig=/etc/kubernetes/kubelet.conf")},
			[]bundle.Stat{dir("/etc/kubernetes/ssl", "0755"), file("/etc/kubernetes/ssl/ca.crt", "0644", "root", "root")}, []bundle.VersionEvidence{{Version: "v1.29.3", Component: "kube-apiserver", Source: "go-buildinfo", Path: "/usr/local/bin/kube-apiserver"}}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := versionedNode(t, tt.procs, tt.stats, tt.versions)
			d := detectPlatform(n)
			got := ""
			if d.platform != nil {
				got = d.platform.Name
			}
			if got != tt.want || d.warning != "" {
				t.Errorf("platform %q (%s; warning %q), want %q", got, d.reason, d.warning, tt.want)
			}
		})
	}
}

// TestDetectTKGIAndACK: TKGI from its BOSH layout (a +vmware version alone
// is a Tanzu Kubernetes Grid node, kubeadm-built, which kube-bench maps to
// tkgi-1.2.53 all the same), ACK from its -aliyun version; kubeadm nodes
// are neither.
func TestDetectTKGIAndACK(t *testing.T) {
	kubeadmKubelet := proc("kubelet", "--kubeconfig=/etc/kubernetes/kubelet.conf", "--config=/var/lib/kubelet/config.yaml")
	for _, tt := range []struct {
		name     string
		procs    []bundle.Process
		stats    []bundle.Stat
		versions []bundle.VersionEvidence
		want     string
	}{
		{"tkgi worker", []bundle.Process{proc("kubelet", "--config=/var/vcap/jobs/kubelet/config/kubeletconfig.yml")},
			[]bundle.Stat{dir("/var/vcap/jobs", "0750"), dir("/var/vcap/jobs/kubelet", "0750")},
			[]bundle.VersionEvidence{{Version: "v1.21.14+vmware.1", Component: "kubelet", Source: "go-buildinfo", Path: "/var/vcap/packages/kubernetes/bin/kubelet"}}, "tkgi"},
		{"tkgi layout without a version", []bundle.Process{proc("kube-apiserver")}, []bundle.Stat{dir("/var/vcap/jobs", "0750")}, nil, "tkgi"},
		{"a vmware build on kubeadm (TKG) is not tkgi", []bundle.Process{kubeadmKubelet}, []bundle.Stat{dir("/etc/kubernetes/manifests", "0755")},
			[]bundle.VersionEvidence{{Version: "v1.23.8+vmware.2", Component: "kubelet", Source: "go-buildinfo", Path: "/usr/bin/kubelet"}}, ""},
		{"ack worker", []bundle.Process{kubeadmKubelet}, []bundle.Stat{file("/etc/kubernetes/kubelet.conf", "0600", "root", "root")},
			[]bundle.VersionEvidence{{Version: "v1.32.7-aliyun.1", Component: "kubelet", Source: "go-buildinfo", Path: "/usr/bin/kubelet"}}, "ack"},
		{"ack's customized-args file alone", []bundle.Process{kubeadmKubelet}, []bundle.Stat{file("/etc/kubernetes/kubelet-customized-args.conf", "0644", "root", "root")},
			[]bundle.VersionEvidence{{Version: "v1.32.7", Component: "kubelet", Source: "go-buildinfo", Path: "/usr/bin/kubelet"}}, ""},
		{"kubeadm is neither", []bundle.Process{kubeadmKubelet}, []bundle.Stat{dir("/etc/kubernetes/manifests", "0755")},
			[]bundle.VersionEvidence{{Version: "v1.32.7", Component: "kubelet", Source: "go-buildinfo", Path: "/usr/bin/kubelet"}}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := versionedNode(t, tt.procs, tt.stats, tt.versions)
			d := detectPlatform(n)
			got := ""
			if d.platform != nil {
				got = d.platform.Name
			}
			if got != tt.want || d.warning != "" {
				t.Errorf("platform %q (%s; warning %q), want %q", got, d.reason, d.warning, tt.want)
			}
		})
	}
}

// TestRKEDifferences pins the RKE entries of docs/differences/rancher.md
// that no fixture reaches.
func TestRKEDifferences(t *testing.T) {
	for _, tt := range []struct {
		doc, benchmark, id string
		procs              []bundle.Process
		want               results.Status
	}{
		// kube-bench's rke-cis-1.7 audit never finds the binary and passes.
		{"rke-bind-address", "rke-cis-1.7", "1.3.7", []bundle.Process{proc("kube-controller-manager", "--bind-address=0.0.0.0")}, results.Fail},
		{"rke-bind-address", "rke-cis-1.7", "1.3.7", []bundle.Process{proc("kube-controller-manager")}, results.Pass},
		{"rke-bind-address", "rke-cis-1.7", "1.4.2", []bundle.Process{proc("kube-scheduler", "--bind-address=0.0.0.0")}, results.Fail},
		// kube-bench runs these two of rke-cis-1.24 and fails them.
		{"rke-not-applicable", "rke-cis-1.24", "1.1.1", []bundle.Process{proc("kube-apiserver")}, results.Info},
		{"rke-not-applicable", "rke-cis-1.24", "4.1.1", []bundle.Process{proc("kubelet")}, results.Info},
	} {
		t.Run(tt.doc+" "+tt.benchmark+" "+tt.id, func(t *testing.T) {
			cat, err := catalog.LoadEmbedded(tt.benchmark)
			if err != nil {
				t.Fatal(err)
			}
			r := Evaluate(findCheck(t, cat, tt.id), testNode(t, tt.procs, nil, nil))
			if r.Status != tt.want {
				t.Errorf("%s %s: %s, want %s (observed %q, reason %q)", tt.benchmark, tt.id, r.Status, tt.want, r.Observed, r.Reason)
			}
		})
	}
}

// versionedNode is testNode with the Kubernetes versions the collector
// recorded in the manifest.
func versionedNode(t *testing.T, procs []bundle.Process, stats []bundle.Stat, versions []bundle.VersionEvidence) *evidence.Node {
	t.Helper()
	if procs == nil {
		procs = []bundle.Process{}
	}
	for i := range stats {
		stats[i].Reasons = []string{"test"}
	}
	w := bundle.NewWriter()
	for _, err := range []error{
		w.AddJSON(bundle.ProcessesPath, bundle.Processes{Processes: procs}),
		w.AddJSON(bundle.StatPath, bundle.Stats{Files: stats}),
		w.AddJSON(bundle.PKIPath, bundle.PKI{Certificates: []bundle.Certificate{}}),
		w.AddJSON(bundle.ProblemsPath, bundle.Problems{Problems: []bundle.Problem{}}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	data, _, _, err := w.Finish(bundle.Manifest{Host: bundle.Host{Hostname: "n1", Roles: []string{"node"}, Kubernetes: versions}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := evidence.NewNode("n1.kpb", b)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
