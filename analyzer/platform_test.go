package analyzer

import (
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
		switch want {
		case "kubeadm":
			want = ""
		case "ocp": // ocp-master, ocp-worker: OpenShift Container Platform's
			want = "openshift"
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
		{"openshift control plane", []bundle.Process{proc("kube-apiserver"), proc("kubelet")}, []bundle.Stat{dir("/etc/kubernetes/static-pod-resources", "0755")}, "openshift", ""},
		{"openshift worker", []bundle.Process{proc("kubelet", "--node-labels=node-role.kubernetes.io/worker,node.openshift.io/os_id=rhcos")}, nil, "openshift", ""},
		{"openshift by two hints", []bundle.Process{proc("kubelet", "--config=/etc/kubernetes/kubelet.conf"), proc("crio")}, nil, "openshift", ""},
		// kubeadm's kubelet.conf is its kubeconfig, not its --config; CRI-O alone is a hint.
		{"kubeadm with cri-o", []bundle.Process{proc("kubelet", "--kubeconfig=/etc/kubernetes/kubelet.conf", "--config=/var/lib/kubelet/config.yaml"), proc("crio")},
			[]bundle.Stat{file("/etc/kubernetes/kubelet.conf", "0600", "root", "root")}, "", ""},
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
