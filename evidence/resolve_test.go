package evidence

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/internal/bundletest"
	"github.com/kubeproof/kubeproof/results"
)

// The evidence resolvers, each rule of each component's precedence and
// each way a place can fail to be read, with the exact observation and
// citations that come out (issue 15: the evaluation core was tested only
// through the analyzer, so that the evidence package's own tests killed
// under a tenth of its mutants).

// fx is a node's facts, made into a real bundle by node.
type fx struct {
	procs    []bundle.Process
	stats    []bundle.Stat
	files    map[string]string
	problems []bundle.Problem
	host     bundle.Host
}

func (f fx) node(t *testing.T) *Node {
	t.Helper()
	w := bundle.NewWriter()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	procs, stats, problems := f.procs, f.stats, f.problems
	if procs == nil {
		procs = []bundle.Process{}
	}
	if stats == nil {
		stats = []bundle.Stat{}
	}
	for i := range stats {
		if stats[i].Reasons == nil {
			stats[i].Reasons = []string{"test"}
		}
	}
	if problems == nil {
		problems = []bundle.Problem{}
	}
	must(w.AddJSON(bundle.ProcessesPath, bundle.Processes{Processes: procs}))
	must(w.AddJSON(bundle.StatPath, bundle.Stats{Files: stats}))
	must(w.AddJSON(bundle.PKIPath, bundle.PKI{Certificates: []bundle.Certificate{}}))
	must(w.AddJSON(bundle.ProblemsPath, bundle.Problems{Problems: problems}))
	for p, content := range f.files {
		must(w.Add(bundle.FileMember(p), []byte(content)))
	}
	host := f.host
	if host.Hostname == "" {
		host.Hostname = "n1"
	}
	data, _, _, err := w.Finish(bundle.Manifest{Host: host})
	must(err)
	b, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
	must(err)
	n, err := NewNode("n1.kpb", b)
	must(err)
	return n
}

func pr(pid int, component string, argv ...string) bundle.Process {
	return bundle.Process{PID: pid, Component: component, Kind: "component", Name: component, Argv: append([]string{component}, argv...), Env: []string{}}
}

func withEnv(p bundle.Process, env ...string) bundle.Process {
	p.Env = env
	return p
}

func ip(i int) *int { return &i }

func reg(p, mode string) bundle.Stat {
	return bundle.Stat{Path: p, Type: bundle.TypeFile, Mode: mode, UID: ip(0), GID: ip(0), User: "root", Group: "root"}
}

func dirst(p string) bundle.Stat {
	return bundle.Stat{Path: p, Type: bundle.TypeDir, Mode: "0755", UID: ip(0), GID: ip(0), User: "root", Group: "root"}
}

func link(p, target string) bundle.Stat {
	return bundle.Stat{Path: p, Type: bundle.TypeSymlink, Mode: "0777", Link: target, UID: ip(0), GID: ip(0)}
}

func gone(p string) bundle.Stat {
	return bundle.Stat{Path: p, Error: "lstat " + p + ": no such file or directory", ErrorKind: "not-exist"}
}

func denied(p string) bundle.Stat {
	return bundle.Stat{Path: p, Error: "lstat " + p + ": permission denied", ErrorKind: "permission"}
}

// show spells an observation: its state and value or reason, then each
// citation as member|locator|observed.
func show(o Observation) string {
	var b strings.Builder
	switch o.State {
	case Set:
		fmt.Fprintf(&b, "set %q", o.Value)
	case Unset:
		b.WriteString("unset")
	default:
		fmt.Fprintf(&b, "unknown: %s", o.Reason)
	}
	fmt.Fprintf(&b, " [%s]", o.Desc)
	b.WriteString(showCites(o.Citations))
	return b.String()
}

func showCites(cs []results.Citation) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "\n  %s|%s|%s", c.Member, c.Locator, c.Observed)
	}
	return b.String()
}

func checkShow(t *testing.T, name, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}

const kubeletCfg = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: 0
authentication:
  anonymous:
    enabled: false
tlsCipherSuites:
- A
- B
featureGates:
  RotateKubeletServerCertificate: true
  Other: false
`

func TestSettingFlags(t *testing.T) {
	n := fx{procs: []bundle.Process{
		pr(10, "kube-apiserver", "--profiling=false", "--audit-log-maxage", "30", "--anonymous-auth", "--v=2",
			"-secure-port=6443", "--insecure-port=0", "--insecure-port=8080", "positional",
			"--enable-admission-plugins=A,B", "--enable-admission-plugins", "C", "--kubelet-https"),
		pr(11, "kube-scheduler", "--bind-address=127.0.0.1"),
	}}.node(t)
	tests := []struct {
		component, flag string
		want            string
	}{
		{"kube-apiserver", "profiling", "set \"false\" [--profiling]\n  facts/processes.json|pid 10 kube-apiserver argv[1]|--profiling=false"},
		{"kube-apiserver", "audit-log-maxage", "set \"30\" [--audit-log-maxage]\n  facts/processes.json|pid 10 kube-apiserver argv[2]|--audit-log-maxage 30"},
		{"kube-apiserver", "anonymous-auth", "set \"true\" [--anonymous-auth]\n  facts/processes.json|pid 10 kube-apiserver argv[4]|--anonymous-auth"},
		{"kube-apiserver", "secure-port", "set \"6443\" [--secure-port]\n  facts/processes.json|pid 10 kube-apiserver argv[6]|-secure-port=6443"},
		// the last occurrence of a plain flag decides; every one is cited
		{"kube-apiserver", "insecure-port", "set \"8080\" [--insecure-port]\n  facts/processes.json|pid 10 kube-apiserver argv[7]|--insecure-port=0\n  facts/processes.json|pid 10 kube-apiserver argv[8]|--insecure-port=8080"},
		// a list flag accumulates
		{"kube-apiserver", "enable-admission-plugins", "set \"A,B,C\" [--enable-admission-plugins]\n  facts/processes.json|pid 10 kube-apiserver argv[10]|--enable-admission-plugins=A,B\n  facts/processes.json|pid 10 kube-apiserver argv[11]|--enable-admission-plugins C"},
		// a bare flag last on the line
		{"kube-apiserver", "kubelet-https", "set \"true\" [--kubelet-https]\n  facts/processes.json|pid 10 kube-apiserver argv[13]|--kubelet-https"},
		{"kube-apiserver", "token-auth-file", "unset [--token-auth-file]\n  facts/processes.json|pid 10 kube-apiserver argv|--token-auth-file not set among its 13 arguments"},
		{"kube-scheduler", "profiling", "unset [--profiling]\n  facts/processes.json|pid 11 kube-scheduler argv|--profiling not set among its 1 argument"},
		{"kube-controller-manager", "profiling", "unknown: kube-controller-manager does not run on this node [--profiling]"},
		// a value is not a flag
		{"kube-apiserver", "positional", "unset [--positional]\n  facts/processes.json|pid 10 kube-apiserver argv|--positional not set among its 13 arguments"},
	}
	for _, tt := range tests {
		o := n.Setting(tt.component, &catalog.Setting{Flag: tt.flag})
		checkShow(t, tt.component+" --"+tt.flag, show(o), tt.want)
	}
	// Embedded in k3s, in both forms.
	k3s := fx{procs: []bundle.Process{pr(12, "k3s-server", "--kube-apiserver-arg=profiling=true", "--kubelet-arg", "anonymous-auth=false", "--kube-apiserver-arg", "--kube-apiserver-arg=--v=3")}}.node(t)
	platforms, err := catalog.Platforms()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range platforms {
		if p.Name == "k3s" {
			k3s.SetPlatform(p)
		}
	}
	for _, tt := range []struct{ component, flag, want string }{
		{"kube-apiserver", "profiling", "set \"true\" [--profiling]\n  facts/processes.json|pid 12 k3s-server argv[1]|--kube-apiserver-arg=profiling=true"},
		{"kubelet", "anonymous-auth", "set \"false\" [--anonymous-auth]\n  facts/processes.json|pid 12 k3s-server argv[2]|--kubelet-arg anonymous-auth=false"},
		{"kube-apiserver", "v", "set \"3\" [--v]\n  facts/processes.json|pid 12 k3s-server argv[5]|--kube-apiserver-arg=--v=3"},
		// not on the command line: k3s's config file, not collected here, may set it
		{"kube-proxy", "v", "unknown: --v: k3s-server reads flags from /etc/rancher/k3s/config.yaml, of which the bundle has no readable record [--v]"},
		{"etcd", "v", "unset [--v]\n  facts/processes.json|pid 12 k3s-server argv|--v not set among its 5 arguments\n  facts/processes.json|pid 12 k3s-server env|$ETCD_V not set among its 0 variables"},
	} {
		checkShow(t, "k3s "+tt.component+" --"+tt.flag, show(k3s.Setting(tt.component, &catalog.Setting{Flag: tt.flag})), tt.want)
	}
	if !k3s.Runs("kubelet") || !k3s.Runs("none") || k3s.Runs("kube-scheduler-x") {
		t.Error("Runs: k3s-server runs the kubelet; 'none' always runs; an unknown component does not")
	}
}

// TestManyOccurrences: a flag given more often than maxFlagCitations is
// cited by its first and last halves and a count of the others.
func TestManyOccurrences(t *testing.T) {
	var args []string
	for i := range 11 {
		args = append(args, fmt.Sprintf("--profiling=%d", i))
	}
	n := fx{procs: []bundle.Process{pr(5, "kube-apiserver", args...)}}.node(t)
	o := n.Setting("kube-apiserver", &catalog.Setting{Flag: "profiling"})
	var locs []string
	for _, c := range o.Citations {
		locs = append(locs, c.Locator+"="+c.Observed)
	}
	want := "pid 5 kube-apiserver argv[1]=--profiling=0,pid 5 kube-apiserver argv[2]=--profiling=1,pid 5 kube-apiserver argv[3]=--profiling=2,pid 5 kube-apiserver argv[4]=--profiling=3," +
		"pid 5 kube-apiserver argv=--profiling given 11 times; 3 occurrences between these are not cited," +
		"pid 5 kube-apiserver argv[8]=--profiling=7,pid 5 kube-apiserver argv[9]=--profiling=8,pid 5 kube-apiserver argv[10]=--profiling=9,pid 5 kube-apiserver argv[11]=--profiling=10"
	if got := strings.Join(locs, ","); got != want || o.Value != "10" {
		t.Errorf("value %q, citations\n%s\nwant\n%s", o.Value, got, want)
	}
	// Exactly maxFlagCitations: every one, no count.
	n = fx{procs: []bundle.Process{pr(5, "kube-apiserver", args[:maxFlagCitations]...)}}.node(t)
	if o := n.Setting("kube-apiserver", &catalog.Setting{Flag: "profiling"}); len(o.Citations) != maxFlagCitations {
		t.Errorf("%d occurrences: %d citations, want each", maxFlagCitations, len(o.Citations))
	}
}

func TestSettingEnv(t *testing.T) {
	n := fx{procs: []bundle.Process{
		withEnv(pr(1, "kube-apiserver", "--profiling=false"), "A=1", "SECRET_X=v", "B"),
		{PID: 2, Component: "kube-scheduler", Kind: "component", Name: "kube-scheduler", Argv: []string{"kube-scheduler"}},
	}}.node(t)
	for _, tt := range []struct {
		component string
		s         catalog.Setting
		want      string
	}{
		{"kube-apiserver", catalog.Setting{Env: "SECRET_X"}, "set \"v\" [$SECRET_X]\n  facts/processes.json|pid 1 kube-apiserver env[1]|SECRET_X=v"},
		{"kube-apiserver", catalog.Setting{Flag: "x", Env: "SECRET_X"}, "set \"v\" [--x or $SECRET_X]\n  facts/processes.json|pid 1 kube-apiserver env[1]|SECRET_X=v"},
		{"kube-apiserver", catalog.Setting{Flag: "profiling", Env: "SECRET_X"}, "set \"false\" [--profiling or $SECRET_X]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--profiling=false"},
		{"kube-apiserver", catalog.Setting{Env: "B"}, "unset [$B]\n  facts/processes.json|pid 1 kube-apiserver env|$B not set among its 3 variables"},
		{"kube-scheduler", catalog.Setting{Env: "A"}, "unknown: no environment of kube-scheduler in the bundle (bundles of format 1 hold none; a collection as non-root cannot read it): $A may set it [$A]"},
	} {
		checkShow(t, fmt.Sprintf("%s %+v", tt.component, tt.s), show(n.Setting(tt.component, &tt.s)), tt.want)
	}
}

func TestSettingKubelet(t *testing.T) {
	cfg := "/var/lib/kubelet/config.yaml"
	dropins := "/etc/kubernetes/kubelet.conf.d"
	base := fx{
		stats: []bundle.Stat{reg(cfg, "0644"), dirst(dropins), reg(dropins+"/20-b.conf", "0644"), reg(dropins+"/10-a.conf", "0644"),
			reg(dropins+"/30-c.yaml", "0644"), denied(dropins + "/05-x.conf")},
		files: map[string]string{
			cfg:                      kubeletCfg,
			dropins + "/10-a.conf":   "readOnlyPort: 10255\nserverTLSBootstrap: true\n",
			dropins + "/20-b.conf":   "readOnlyPort: 10256\n",
			dropins + "/30-c.yaml":   "readOnlyPort: 1\n",
			"/etc/bad.yaml":          "a: [\n",
			"/etc/k/config.yaml":     "kind: KubeletConfiguration\n",
			"/etc/proxy/config.yaml": "metricsBindAddress: 127.0.0.1:10249\n",
			"/etc/sched/config.yaml": "profiling: false\n",
		},
	}
	setting := catalog.Setting{Flag: "read-only-port", Field: "readOnlyPort"}
	tests := []struct {
		name string
		args []string
		s    catalog.Setting
		want string
	}{
		{"config", []string{"--config=" + cfg}, setting,
			"set \"0\" [--read-only-port or readOnlyPort]\n  facts/processes.json|pid 3 kubelet argv|--read-only-port not set among its 1 argument; --config=" + cfg + "\n  files/var/lib/kubelet/config.yaml|readOnlyPort (line 3)|0"},
		{"flag over config", []string{"--config=" + cfg, "--read-only-port=10255"}, setting,
			"set \"10255\" [--read-only-port or readOnlyPort]\n  facts/processes.json|pid 3 kubelet argv[2]|--read-only-port=10255"},
		{"nested field", []string{"--config", cfg}, catalog.Setting{Field: "authentication.anonymous.enabled"},
			"set \"false\" [authentication.anonymous.enabled]\n  files/var/lib/kubelet/config.yaml|authentication.anonymous.enabled (line 6)|false"},
		{"sequence field", []string{"--config=" + cfg}, catalog.Setting{Field: "tlsCipherSuites"},
			"set \"A,B\" [tlsCipherSuites]\n  files/var/lib/kubelet/config.yaml|tlsCipherSuites (line 8)|A,B"},
		{"mapping field", []string{"--config=" + cfg}, catalog.Setting{Field: "featureGates"},
			"set \"RotateKubeletServerCertificate=true,Other=false\" [featureGates]\n  files/var/lib/kubelet/config.yaml|featureGates (line 11)|RotateKubeletServerCertificate=true,Other=false"},
		{"field through a scalar", []string{"--config=" + cfg}, catalog.Setting{Field: "readOnlyPort.x"},
			"unset [readOnlyPort.x]\n  files/var/lib/kubelet/config.yaml|readOnlyPort.x|not present in " + cfg},
		{"field absent", []string{"--config=" + cfg}, catalog.Setting{Flag: "protect-kernel-defaults", Field: "protectKernelDefaults"},
			"unset [--protect-kernel-defaults or protectKernelDefaults]\n  facts/processes.json|pid 3 kubelet argv|--protect-kernel-defaults not set among its 1 argument; --config=" + cfg + "\n  files/var/lib/kubelet/config.yaml|protectKernelDefaults|not present in " + cfg},
		{"no config", []string{"--v=2"}, setting,
			"unset [--read-only-port or readOnlyPort]\n  facts/processes.json|pid 3 kubelet argv|neither --read-only-port nor --config among its 1 argument"},
		// drop-ins: *.conf in name order after --config; the last that sets the field wins
		{"drop-ins", []string{"--config=" + cfg, "--config-dir=" + dropins}, setting,
			"unknown: the kubelet's --config-dir " + dropins + ": " + dropins + "/05-x.conf could not be examined: lstat " + dropins + "/05-x.conf: permission denied [--read-only-port or readOnlyPort]\n  facts/processes.json|pid 3 kubelet argv|--read-only-port not set among its 2 arguments; --config=" + cfg},
		{"drop-in dir not collected", []string{"--config-dir=/etc/nowhere"}, setting,
			"unknown: the kubelet's --config-dir /etc/nowhere: not collected [--read-only-port or readOnlyPort]\n  facts/processes.json|pid 3 kubelet argv|neither --read-only-port nor --config among its 1 argument"},
		{"drop-in dir is a file", []string{"--config-dir=" + cfg}, setting,
			"unknown: the kubelet's --config-dir " + cfg + ": not a directory [--read-only-port or readOnlyPort]\n  facts/processes.json|pid 3 kubelet argv|neither --read-only-port nor --config among its 1 argument"},
		{"config not copied", []string{"--config=/etc/k/missing.yaml"}, setting,
			"unknown: no copy of /etc/k/missing.yaml in the bundle [--read-only-port or readOnlyPort]\n  facts/processes.json|pid 3 kubelet argv|--read-only-port not set among its 1 argument; --config=/etc/k/missing.yaml"},
		{"config not YAML", []string{"--config=/etc/bad.yaml"}, setting,
			"unknown: /etc/bad.yaml is not valid YAML: yaml: line 1: did not find expected node content [--read-only-port or readOnlyPort]\n  facts/processes.json|pid 3 kubelet argv|--read-only-port not set among its 1 argument; --config=/etc/bad.yaml"},
	}
	for _, tt := range tests {
		f := base
		f.procs = []bundle.Process{pr(3, "kubelet", tt.args...)}
		checkShow(t, tt.name, show(f.node(t).Setting("kubelet", &tt.s)), tt.want)
	}
	// Drop-ins readable: 10-a, then 20-b, override the config; 30-c.yaml
	// is not a drop-in.
	f := base
	f.stats = f.stats[:5]
	f.procs = []bundle.Process{pr(3, "kubelet", "--config="+cfg, "--config-dir="+dropins)}
	n := f.node(t)
	checkShow(t, "drop-ins", show(n.Setting("kubelet", &setting)),
		"set \"10256\" [--read-only-port or readOnlyPort]\n  facts/processes.json|pid 3 kubelet argv|--read-only-port not set among its 2 arguments; --config="+cfg+
			"\n  files/etc/kubernetes/kubelet.conf.d/20-b.conf|readOnlyPort (line 1)|10256")
	checkShow(t, "drop-in only", show(n.Setting("kubelet", &catalog.Setting{Field: "serverTLSBootstrap"})),
		"set \"true\" [serverTLSBootstrap]\n  files/etc/kubernetes/kubelet.conf.d/10-a.conf|serverTLSBootstrap (line 2)|true")
	checkShow(t, "in none", show(n.Setting("kubelet", &catalog.Setting{Field: "x"})),
		"unset [x]"+
			"\n  files/var/lib/kubelet/config.yaml|x|not present in "+cfg+
			"\n  files/etc/kubernetes/kubelet.conf.d/10-a.conf|x|not present in "+dropins+"/10-a.conf"+
			"\n  files/etc/kubernetes/kubelet.conf.d/20-b.conf|x|not present in "+dropins+"/20-b.conf")
	// Other components read their --config but no drop-ins.
	f = base
	f.procs = []bundle.Process{pr(4, "kube-proxy", "--config=/etc/proxy/config.yaml", "--config-dir="+dropins), pr(5, "kube-scheduler", "--config=/etc/sched/config.yaml")}
	n = f.node(t)
	checkShow(t, "kube-proxy", show(n.Setting("kube-proxy", &catalog.Setting{Flag: "metrics-bind-address", Field: "metricsBindAddress"})),
		"set \"127.0.0.1:10249\" [--metrics-bind-address or metricsBindAddress]\n  facts/processes.json|pid 4 kube-proxy argv|--metrics-bind-address not set among its 2 arguments; --config=/etc/proxy/config.yaml\n  files/etc/proxy/config.yaml|metricsBindAddress (line 1)|127.0.0.1:10249")
	checkShow(t, "kube-proxy drop-ins ignored", show(n.Setting("kube-proxy", &catalog.Setting{Field: "readOnlyPort"})),
		"unset [readOnlyPort]\n  files/etc/proxy/config.yaml|readOnlyPort|not present in /etc/proxy/config.yaml")
	checkShow(t, "kube-scheduler", show(n.Setting("kube-scheduler", &catalog.Setting{Flag: "profiling", Field: "profiling"})),
		"set \"false\" [--profiling or profiling]\n  facts/processes.json|pid 5 kube-scheduler argv|--profiling not set among its 1 argument; --config=/etc/sched/config.yaml\n  files/etc/sched/config.yaml|profiling (line 1)|false")
}

// TestConfigUnreadable: why a config file could not be read, and the
// citation that shows it.
func TestConfigUnreadable(t *testing.T) {
	cfg := "/var/lib/kubelet/config.yaml"
	s := catalog.Setting{Field: "readOnlyPort"}
	tests := []struct {
		name string
		f    fx
		want string
	}{
		{"stat error", fx{stats: []bundle.Stat{denied(cfg)}},
			"unknown: " + cfg + " could not be collected: lstat " + cfg + ": permission denied [readOnlyPort]\n  facts/stat.json|" + cfg + " error|lstat " + cfg + ": permission denied"},
		{"read problem", fx{stats: []bundle.Stat{reg(cfg, "0600")}, problems: []bundle.Problem{{Path: cfg, Op: "stat", Kind: "other", Message: "x"}, {Path: cfg, Op: "read", Kind: "permission", Message: "open: permission denied"}}},
			"unknown: " + cfg + " could not be read: open: permission denied (permission) [readOnlyPort]\n  facts/problems.json|" + cfg + " read|open: permission denied (permission)"},
		{"not copied", fx{stats: []bundle.Stat{func() bundle.Stat { s := reg(cfg, "0644"); s.NotCopied = "larger than 1 MiB"; return s }()}},
			"unknown: " + cfg + " was not copied: larger than 1 MiB [readOnlyPort]\n  facts/stat.json|" + cfg + " error|"},
		{"stat only", fx{stats: []bundle.Stat{func() bundle.Stat { s := reg(cfg, "0644"); s.Content = "stat-only"; return s }()}},
			"unknown: " + cfg + " was not copied (stat-only) [readOnlyPort]\n  facts/stat.json|" + cfg + " error|"},
		{"no record", fx{},
			"unknown: no copy of " + cfg + " in the bundle [readOnlyPort]"},
	}
	for _, tt := range tests {
		tt.f.procs = []bundle.Process{pr(3, "kubelet", "--config="+cfg)}
		checkShow(t, tt.name, show(tt.f.node(t).Setting("kubelet", &s)), tt.want)
	}
}

func TestSettingEtcd(t *testing.T) {
	conf := "/etc/etcd/etcd.conf.yml"
	files := map[string]string{conf: "name: m1\nclient-transport-security:\n  cert-file: /etc/etcd/server.crt\n  client-cert-auth: true\npeer-transport-security:\n  auto-tls: false\n"}
	stats := []bundle.Stat{reg(conf, "0644")}
	tests := []struct {
		name string
		p    bundle.Process
		s    catalog.Setting
		want string
	}{
		{"flag", pr(7, "etcd", "--cert-file=/a.crt"), catalog.Setting{Flag: "cert-file"},
			"set \"/a.crt\" [--cert-file]\n  facts/processes.json|pid 7 etcd argv[1]|--cert-file=/a.crt"},
		{"variable", withEnv(pr(7, "etcd"), "ETCD_CERT_FILE=/b.crt"), catalog.Setting{Flag: "cert-file"},
			"set \"/b.crt\" [--cert-file]\n  facts/processes.json|pid 7 etcd argv|--cert-file not set among its 0 arguments\n  facts/processes.json|pid 7 etcd env[0]|ETCD_CERT_FILE=/b.crt"},
		{"flag over variable", withEnv(pr(7, "etcd", "--client-cert-auth=false"), "ETCD_CLIENT_CERT_AUTH=true"), catalog.Setting{Flag: "client-cert-auth"},
			"set \"false\" [--client-cert-auth]\n  facts/processes.json|pid 7 etcd argv[1]|--client-cert-auth=false"},
		{"neither", pr(7, "etcd", "--name=m1"), catalog.Setting{Flag: "auto-tls"},
			"unset [--auto-tls]\n  facts/processes.json|pid 7 etcd argv|--auto-tls not set among its 1 argument\n  facts/processes.json|pid 7 etcd env|$ETCD_AUTO_TLS not set among its 0 variables"},
		{"config file: the TLS key", pr(7, "etcd", "--config-file="+conf, "--cert-file=/ignored.crt"), catalog.Setting{Flag: "cert-file"},
			"set \"/etc/etcd/server.crt\" [--cert-file (etcd --config-file " + conf + ": client-transport-security.cert-file)]\n  facts/processes.json|pid 7 etcd argv[1]|--config-file=" + conf + "\n  files/etc/etcd/etcd.conf.yml|client-transport-security.cert-file (line 3)|/etc/etcd/server.crt"},
		{"config file: the peer TLS key", pr(7, "etcd", "--config-file="+conf), catalog.Setting{Flag: "peer-auto-tls"},
			"set \"false\" [--peer-auto-tls (etcd --config-file " + conf + ": peer-transport-security.auto-tls)]\n  facts/processes.json|pid 7 etcd argv[1]|--config-file=" + conf + "\n  files/etc/etcd/etcd.conf.yml|peer-transport-security.auto-tls (line 6)|false"},
		{"config file: a plain key", withEnv(pr(7, "etcd"), "ETCD_CONFIG_FILE="+conf, "ETCD_NAME=x"), catalog.Setting{Flag: "name"},
			"set \"m1\" [--name (etcd --config-file " + conf + ": name)]\n  facts/processes.json|pid 7 etcd argv|--config-file not set among its 0 arguments\n  facts/processes.json|pid 7 etcd env[0]|ETCD_CONFIG_FILE=" + conf + "\n  files/etc/etcd/etcd.conf.yml|name (line 1)|m1"},
		{"config file: a field", pr(7, "etcd", "--config-file="+conf), catalog.Setting{Field: "client-transport-security.client-cert-auth"},
			"set \"true\" [client-transport-security.client-cert-auth (etcd --config-file " + conf + ": client-transport-security.client-cert-auth)]\n  facts/processes.json|pid 7 etcd argv[1]|--config-file=" + conf + "\n  files/etc/etcd/etcd.conf.yml|client-transport-security.client-cert-auth (line 4)|true"},
		{"config file: absent key", pr(7, "etcd", "--config-file="+conf), catalog.Setting{Flag: "auto-tls"},
			"unset [--auto-tls (etcd --config-file " + conf + ": client-transport-security.auto-tls)]\n  facts/processes.json|pid 7 etcd argv[1]|--config-file=" + conf + "\n  files/etc/etcd/etcd.conf.yml|client-transport-security.auto-tls|not present in " + conf},
		{"config file unreadable", pr(7, "etcd", "--config-file=/etc/etcd/other.yml"), catalog.Setting{Flag: "auto-tls"},
			"unknown: etcd reads its settings from /etc/etcd/other.yml (--config-file), which could not be read: no copy of /etc/etcd/other.yml in the bundle [--auto-tls]\n  facts/processes.json|pid 7 etcd argv[1]|--config-file=/etc/etcd/other.yml"},
		{"the config file itself", pr(7, "etcd", "--config-file="+conf), catalog.Setting{Flag: "config-file"},
			"set \"" + conf + "\" [--config-file]\n  facts/processes.json|pid 7 etcd argv[1]|--config-file=" + conf},
		{"no environment", bundle.Process{PID: 7, Component: "etcd", Kind: "component", Argv: []string{"etcd"}}, catalog.Setting{Flag: "auto-tls"},
			"unknown: no environment of etcd in the bundle (bundles of format 1 hold none; a collection as non-root cannot read it): $ETCD_CONFIG_FILE may set it [--auto-tls]\n  facts/processes.json|pid 7 etcd argv|--config-file not set among its 0 arguments"},
	}
	for _, tt := range tests {
		n := fx{procs: []bundle.Process{tt.p}, stats: stats, files: files}.node(t)
		checkShow(t, tt.name, show(n.Setting("etcd", &tt.s)), tt.want)
	}
}

func TestFeature(t *testing.T) {
	cfg := "/var/lib/kubelet/config.yaml"
	f := fx{stats: []bundle.Stat{reg(cfg, "0644")}, files: map[string]string{cfg: kubeletCfg}}
	tests := []struct {
		name, component string
		args            []string
		gate, want      string
	}{
		{"flag", "kube-apiserver", []string{"--feature-gates=A=true, RotateKubeletServerCertificate=false,B=true"}, "RotateKubeletServerCertificate",
			"set \"false\" [feature gate RotateKubeletServerCertificate]\n  facts/processes.json|pid 9 kube-apiserver argv[1]|--feature-gates=A=true, RotateKubeletServerCertificate=false,B=true"},
		{"repeated: the last", "kube-apiserver", []string{"--feature-gates=X=true", "--v=1", "--feature-gates=Y=true,X=false"}, "X",
			"set \"false\" [feature gate X]\n  facts/processes.json|pid 9 kube-apiserver argv[1]|--feature-gates=X=true\n  facts/processes.json|pid 9 kube-apiserver argv[3]|--feature-gates=Y=true,X=false"},
		{"twice in one", "kube-apiserver", []string{"--feature-gates=X=true,X=false"}, "X",
			"set \"false\" [feature gate X]\n  facts/processes.json|pid 9 kube-apiserver argv[1]|--feature-gates=X=true,X=false"},
		{"not set, no config", "kube-apiserver", []string{"--feature-gates=A=true"}, "X",
			"unset [feature gate X]\n  facts/processes.json|pid 9 kube-apiserver argv|X not in --feature-gates among its 1 argument"},
		{"kubelet config", "kubelet", []string{"--config=" + cfg}, "RotateKubeletServerCertificate",
			"set \"true\" [feature gate RotateKubeletServerCertificate]\n  facts/processes.json|pid 9 kubelet argv|RotateKubeletServerCertificate not in --feature-gates among its 1 argument\n  files/var/lib/kubelet/config.yaml|featureGates.RotateKubeletServerCertificate (line 11)|true"},
		{"kubelet flag over config", "kubelet", []string{"--config=" + cfg, "--feature-gates=RotateKubeletServerCertificate=false"}, "RotateKubeletServerCertificate",
			"set \"false\" [feature gate RotateKubeletServerCertificate]\n  facts/processes.json|pid 9 kubelet argv[2]|--feature-gates=RotateKubeletServerCertificate=false"},
		{"not running", "kube-proxy", nil, "X", ""},
	}
	for _, tt := range tests {
		f.procs = []bundle.Process{pr(9, tt.component, tt.args...)}
		n := f.node(t)
		if tt.want == "" {
			checkShow(t, tt.name, show(n.Feature("kube-scheduler", tt.gate)), "unknown: kube-scheduler does not run on this node [feature gate X]")
			continue
		}
		checkShow(t, tt.name, show(n.Feature(tt.component, tt.gate)), tt.want)
	}
}

func TestField(t *testing.T) {
	enc := "/etc/kubernetes/enc.yaml"
	f := fx{stats: []bundle.Stat{reg(enc, "0600")}, files: map[string]string{enc: `kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - aescbc:
      keys: [{name: k1, secret: <redacted:44>}]
  - identity: {}
- resources: [configmaps]
  providers:
  - kms: {name: k}
`, "/etc/kubernetes/bad.yaml": "[\n"}}
	file := &catalog.Setting{Flag: "encryption-provider-config"}
	tests := []struct {
		path string
		args []string
		want string
	}{
		{"resources[].providers[0].~", []string{"--encryption-provider-config=" + enc},
			"set \"aescbc,kms\" [resources[].providers[0].~ in " + enc + "]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=" + enc + "\n  files/etc/kubernetes/enc.yaml|resources[].providers[0].~ (line 5)|aescbc,kms"},
		{"resources[].providers[].~", []string{"--encryption-provider-config=" + enc},
			"set \"aescbc,identity,kms\" [resources[].providers[].~ in " + enc + "]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=" + enc + "\n  files/etc/kubernetes/enc.yaml|resources[].providers[].~ (line 5)|aescbc,identity,kms"},
		{"resources[].resources[]", []string{"--encryption-provider-config=" + enc},
			"set \"secrets,configmaps\" [resources[].resources[] in " + enc + "]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=" + enc + "\n  files/etc/kubernetes/enc.yaml|resources[].resources[] (line 3)|secrets,configmaps"},
		{"resources[].providers[].*.name", []string{"--encryption-provider-config=" + enc},
			"set \"k\" [resources[].providers[].*.name in " + enc + "]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=" + enc + "\n  files/etc/kubernetes/enc.yaml|resources[].providers[].*.name (line 10)|k"},
		{"kind", []string{"--encryption-provider-config=" + enc},
			"set \"EncryptionConfiguration\" [kind in " + enc + "]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=" + enc + "\n  files/etc/kubernetes/enc.yaml|kind (line 1)|EncryptionConfiguration"},
		{"resources", []string{"--encryption-provider-config=" + enc}, // a sequence is not a value
			"unset [resources in " + enc + "]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=" + enc + "\n  files/etc/kubernetes/enc.yaml|resources|not present in " + enc},
		{"kind[]", []string{"--encryption-provider-config=" + enc},
			"unset [kind[] in " + enc + "]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=" + enc + "\n  files/etc/kubernetes/enc.yaml|kind[]|not present in " + enc},
		{"kind[0]", []string{"--encryption-provider-config=" + enc},
			"unset [kind[0] in " + enc + "]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=" + enc + "\n  files/etc/kubernetes/enc.yaml|kind[0]|not present in " + enc},
		{"kind.~", []string{"--encryption-provider-config=" + enc},
			"unset [kind.~ in " + enc + "]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=" + enc + "\n  files/etc/kubernetes/enc.yaml|kind.~|not present in " + enc},
		{"kind.*", []string{"--encryption-provider-config=" + enc},
			"unset [kind.* in " + enc + "]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=" + enc + "\n  files/etc/kubernetes/enc.yaml|kind.*|not present in " + enc},
		{"resources[]", []string{},
			"unset [resources[] in the file named by --encryption-provider-config]\n  facts/processes.json|pid 1 kube-apiserver argv|--encryption-provider-config not set among its 0 arguments"},
		{"resources[]", []string{"--encryption-provider-config=/etc/kubernetes/none.yaml"},
			"unknown: no copy of /etc/kubernetes/none.yaml in the bundle [resources[] in the file named by --encryption-provider-config]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=/etc/kubernetes/none.yaml"},
		{"resources[]", []string{"--encryption-provider-config=/etc/kubernetes/bad.yaml"},
			"unknown: /etc/kubernetes/bad.yaml is not valid YAML: yaml: line 1: did not find expected node content [resources[] in the file named by --encryption-provider-config]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--encryption-provider-config=/etc/kubernetes/bad.yaml"},
	}
	for _, tt := range tests {
		f.procs = []bundle.Process{pr(1, "kube-apiserver", tt.args...)}
		checkShow(t, tt.path, show(f.node(t).Field("kube-apiserver", &catalog.Field{File: file, Path: tt.path})), tt.want)
	}
	f.procs = nil
	checkShow(t, "not running", show(f.node(t).Field("kube-apiserver", &catalog.Field{File: file, Path: "kind"})),
		"unknown: kube-apiserver does not run on this node [kind in the file named by --encryption-provider-config]")
}

// showFiles spells a file set.
func showFiles(fs FileSet) string {
	s := fmt.Sprintf("%s paths=%v unknown=%q unseen=%q", fs.Desc, fs.Paths, fs.Unknown, fs.Unseen)
	return s + showCites(fs.Citations)
}

func TestFiles(t *testing.T) {
	f := fx{
		procs: []bundle.Process{pr(1, "kube-apiserver", "--kubeconfig=/etc/kubernetes/kubelet.conf", "--token-auth-file=/etc/kubernetes/secret.csv", "--x-dir=/srv/link"),
			pr(2, "kubelet", "--cni-dir=/etc/cni/net.d")},
		stats: []bundle.Stat{
			dirst("/etc"), dirst("/etc/kubernetes"), reg("/etc/kubernetes/admin.conf", "0600"), link("/etc/kubernetes/kubelet.conf", "admin.conf"),
			denied("/etc/kubernetes/secret.csv"), gone("/etc/kubernetes/gone.conf"),
			dirst("/etc/kubernetes/pki"), reg("/etc/kubernetes/pki/ca.crt", "0644"), reg("/etc/kubernetes/pki/ca.key", "0600"),
			dirst("/etc/kubernetes/pki/etcd"), reg("/etc/kubernetes/pki/etcd/ca.crt", "0644"), link("/etc/kubernetes/pki/l.crt", "ca.crt"),
			denied("/etc/kubernetes/pki/hidden.key"),
			link("/srv/link", "/etc/kubernetes/pki/etcd"), link("/lib", "usr/lib"), dirst("/usr/lib"), reg("/usr/lib/k.service", "0644"),
			gone("/etc/cni/net.d"), denied("/var/lib/cni"),
			dirst("/opt/empty"),
			link("/loop/a", "/loop/b"), link("/loop/b", "/loop/a"),
		},
	}
	n := f.node(t)
	tests := []struct {
		name  string
		files catalog.Files
		want  string
	}{
		{"first that exists", catalog.Files{Paths: []string{"/etc/kubernetes/gone.conf", "/etc/kubernetes/admin.conf", "/etc/kubernetes/pki/ca.crt"}},
			"/etc/kubernetes/admin.conf paths=[/etc/kubernetes/admin.conf] unknown=\"\" unseen=[]"},
		{"none exists", catalog.Files{Paths: []string{"/etc/kubernetes/gone.conf", "/lib/never.service"}},
			"/etc/kubernetes/gone.conf or /lib/never.service paths=[] unknown=\"\" unseen=[]\n  facts/stat.json|/etc/kubernetes/gone.conf error|lstat /etc/kubernetes/gone.conf: no such file or directory\n  facts/stat.json|/usr/lib entries|listed; no never.service"},
		// A path the collection has no record of, in a directory it did
		// not list, may exist: unknown, never absent.
		{"not collected", catalog.Files{Paths: []string{"/etc/kubernetes/gone.conf", "/etc/kubernetes/never.conf"}},
			"/etc/kubernetes/never.conf paths=[] unknown=\"/etc/kubernetes/never.conf was not collected: whether it exists is not known\" unseen=[]\n  facts/stat.json|/etc/kubernetes/gone.conf error|lstat /etc/kubernetes/gone.conf: no such file or directory"},
		{"one could not be examined", catalog.Files{Paths: []string{"/etc/kubernetes/gone.conf", "/etc/kubernetes/secret.csv"}},
			"/etc/kubernetes/secret.csv paths=[] unknown=\"/etc/kubernetes/secret.csv could not be examined: lstat /etc/kubernetes/secret.csv: permission denied\" unseen=[]\n  facts/stat.json|/etc/kubernetes/gone.conf error|lstat /etc/kubernetes/gone.conf: no such file or directory\n  facts/stat.json|/etc/kubernetes/secret.csv error|lstat /etc/kubernetes/secret.csv: permission denied"},
		{"a default", catalog.Files{Paths: []string{"/etc/kubernetes/gone.conf"}, Default: "/etc/kubernetes/default.conf"},
			"/etc/kubernetes/default.conf paths=[/etc/kubernetes/default.conf] unknown=\"\" unseen=[]\n  facts/stat.json|/etc/kubernetes/gone.conf error|lstat /etc/kubernetes/gone.conf: no such file or directory"},
		{"named by a flag", catalog.Files{Setting: &catalog.Setting{Flag: "kubeconfig"}, Default: "/x"},
			"/etc/kubernetes/kubelet.conf paths=[/etc/kubernetes/kubelet.conf] unknown=\"\" unseen=[]\n  facts/processes.json|pid 1 kube-apiserver argv[1]|--kubeconfig=/etc/kubernetes/kubelet.conf"},
		{"flag unset: the default", catalog.Files{Setting: &catalog.Setting{Flag: "audit-policy-file"}, Default: "/etc/kubernetes/audit.yaml"},
			"/etc/kubernetes/audit.yaml paths=[/etc/kubernetes/audit.yaml] unknown=\"\" unseen=[]\n  facts/processes.json|pid 1 kube-apiserver argv|--audit-policy-file not set among its 3 arguments"},
		{"flag unset, no default", catalog.Files{Setting: &catalog.Setting{Flag: "audit-policy-file"}},
			"the file named by --audit-policy-file paths=[] unknown=\"\" unseen=[]\n  facts/processes.json|pid 1 kube-apiserver argv|--audit-policy-file not set among its 3 arguments"},
		{"every", catalog.Files{Paths: []string{"/etc/kubernetes/admin.conf", "/etc/kubernetes/kubelet.conf", "/etc/kubernetes/gone.conf", "/etc/kubernetes/pki/none.crt", "/etc/kubernetes/pki/ca.key", "/var/lib/cni/x", "/nowhere/x"}, Every: true},
			"/etc/kubernetes/admin.conf, /etc/kubernetes/kubelet.conf, /etc/kubernetes/gone.conf, /etc/kubernetes/pki/none.crt, /etc/kubernetes/pki/ca.key, /var/lib/cni/x, /nowhere/x paths=[/etc/kubernetes/admin.conf /etc/kubernetes/pki/ca.key] unknown=\"\" unseen=[\"/etc/kubernetes/pki/none.crt was not collected\" \"/var/lib/cni/x was not collected\" \"/nowhere/x was not collected\"]" +
				"\n  facts/stat.json|/etc/kubernetes/gone.conf error|lstat /etc/kubernetes/gone.conf: no such file or directory"},
		// a directory listed whole: a name not in it does not exist
		{"every: listed", catalog.Files{Paths: []string{"/lib/none.service", "/usr/lib/k.service", "/lib/k.service"}, Every: true},
			"/lib/none.service, /usr/lib/k.service, /lib/k.service paths=[/usr/lib/k.service] unknown=\"\" unseen=[]" +
				"\n  facts/stat.json|/usr/lib entries|listed; no none.service"},
		{"every: an unexaminable one", catalog.Files{Paths: []string{"/etc/kubernetes/secret.csv", "/etc/cni/net.d/x.conf"}, Every: true},
			"/etc/kubernetes/secret.csv, /etc/cni/net.d/x.conf paths=[] unknown=\"\" unseen=[\"/etc/kubernetes/secret.csv could not be examined: lstat /etc/kubernetes/secret.csv: permission denied\"]" +
				"\n  facts/stat.json|/etc/kubernetes/secret.csv error|lstat /etc/kubernetes/secret.csv: permission denied" +
				"\n  facts/stat.json|/etc/cni/net.d error|lstat /etc/cni/net.d: no such file or directory"},
		{"under, by name", catalog.Files{Under: "/etc/kubernetes/pki", Name: "*.crt"},
			"/etc/kubernetes/pki/**/*.crt paths=[/etc/kubernetes/pki/ca.crt /etc/kubernetes/pki/etcd/ca.crt] unknown=\"\" unseen=[\"/etc/kubernetes/pki/hidden.key could not be examined: lstat /etc/kubernetes/pki/hidden.key: permission denied\"]" +
				"\n  facts/stat.json|/etc/kubernetes/pki/hidden.key error|lstat /etc/kubernetes/pki/hidden.key: permission denied"},
		{"under, by type, with itself", catalog.Files{Under: "/etc/kubernetes/pki", Type: "dir", Self: true},
			"/etc/kubernetes/pki paths=[/etc/kubernetes/pki /etc/kubernetes/pki/etcd] unknown=\"\" unseen=[\"/etc/kubernetes/pki/hidden.key could not be examined: lstat /etc/kubernetes/pki/hidden.key: permission denied\"]" +
				"\n  facts/stat.json|/etc/kubernetes/pki/hidden.key error|lstat /etc/kubernetes/pki/hidden.key: permission denied"},
		{"under a symlink", catalog.Files{Under: "/srv/link", Name: "*.crt"},
			"/srv/link/**/*.crt paths=[/etc/kubernetes/pki/etcd/ca.crt] unknown=\"\" unseen=[]\n  facts/stat.json|/srv/link link|/etc/kubernetes/pki/etcd"},
		{"under a directory named by a flag", catalog.Files{Under: "/etc/kubernetes", UnderSetting: &catalog.Setting{Flag: "x-dir"}, Type: "file"},
			"/srv/link paths=[/etc/kubernetes/pki/etcd/ca.crt] unknown=\"\" unseen=[]\n  facts/processes.json|pid 1 kube-apiserver argv[3]|--x-dir=/srv/link\n  facts/stat.json|/srv/link link|/etc/kubernetes/pki/etcd"},
		{"under: a directory that does not exist", catalog.Files{Under: "/etc/cni/net.d", Name: "*.conf"},
			"/etc/cni/net.d/**/*.conf paths=[] unknown=\"\" unseen=[]\n  facts/stat.json|/etc/cni/net.d error|lstat /etc/cni/net.d: no such file or directory"},
		{"under: a directory that could not be examined", catalog.Files{Under: "/var/lib/cni", Type: "file"},
			"/var/lib/cni paths=[] unknown=\"/var/lib/cni could not be examined: lstat /var/lib/cni: permission denied\" unseen=[]\n  facts/stat.json|/var/lib/cni error|lstat /var/lib/cni: permission denied"},
		{"under: an empty directory", catalog.Files{Under: "/opt/empty", Name: "*.conf", Type: "file"},
			"/opt/empty/**/*.conf paths=[] unknown=\"\" unseen=[]\n  facts/stat.json|/opt/empty entries|listed; no *.conf file"},
		{"under: an empty directory, anything", catalog.Files{Under: "/opt/empty"},
			"/opt/empty paths=[] unknown=\"\" unseen=[]\n  facts/stat.json|/opt/empty entries|listed; no entry"},
		{"under: not collected", catalog.Files{Under: "/nowhere"},
			"/nowhere paths=[] unknown=\"/nowhere was not collected\" unseen=[]"},
		{"under: a setting of a component that does not run", catalog.Files{Under: "/opt/empty", UnderSetting: &catalog.Setting{Flag: "x"}},
			"/opt/empty paths=[] unknown=\"\" unseen=[]\n  facts/stat.json|/opt/empty entries|listed; no entry"},
	}
	for _, tt := range tests {
		component := "kube-apiserver"
		if strings.Contains(tt.name, "does not run") {
			component = "kube-proxy"
		}
		checkShow(t, tt.name, showFiles(n.Files(component, &tt.files)), tt.want)
	}
	// The kubelet's CNI directory, named by a flag whose value does not
	// exist.
	checkShow(t, "cni", showFiles(n.Files("kubelet", &catalog.Files{Under: "/etc/cni/net.d", UnderSetting: &catalog.Setting{Flag: "cni-dir"}})),
		"/etc/cni/net.d paths=[] unknown=\"\" unseen=[]\n  facts/processes.json|pid 2 kubelet argv[1]|--cni-dir=/etc/cni/net.d\n  facts/stat.json|/etc/cni/net.d error|lstat /etc/cni/net.d: no such file or directory")
}

func TestStatResolve(t *testing.T) {
	n := fx{stats: []bundle.Stat{
		dirst("/usr/lib"), reg("/usr/lib/k.service", "0644"), link("/lib", "usr/lib"),
		link("/a", "/b"), link("/b", "/c/d"), dirst("/c"), reg("/c/d", "0600"),
		link("/loop/a", "/loop/b"), link("/loop/b", "/loop/a"), link("/dangling", "/none"),
		denied("/secret"),
	}}.node(t)
	tests := []struct{ path, want string }{
		{"/lib/k.service", "/usr/lib/k.service 0644 via /lib"},
		{"/lib/./k.service", "/usr/lib/k.service 0644 via /lib"},
		{"/a", "/c/d 0600 via /a,/b"},
		{"/c/d", "/c/d 0600 via "},
		{"/loop/a", "nil via /loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a,/loop/b,/loop/a"},
		{"/dangling", "nil via /dangling"},
		{"/nowhere", "nil via "},
		{"/secret", "/secret  via "},
	}
	for _, tt := range tests {
		st, chain := n.Stat(tt.path)
		var via []string
		for _, c := range chain {
			if c != st {
				via = append(via, c.Path)
			}
		}
		got := "nil"
		if st != nil {
			got = st.Path + " " + st.Mode
		}
		got += " via " + strings.Join(via, ",")
		if got != tt.want {
			t.Errorf("Stat(%s) = %s, want %s", tt.path, got, tt.want)
		}
	}
}

// TestUnseen: what a walk could not examine makes its set incomplete,
// with the citations that show it.
func TestUnseen(t *testing.T) {
	stats := []bundle.Stat{dirst("/etc/kubernetes/pki"), reg("/etc/kubernetes/pki/ca.crt", "0644"), denied("/etc/kubernetes/pki/a.key"), denied("/etc/kubernetes/pki/b.key"), denied("/etc/kubernetes/pkix")}
	tests := []struct {
		name     string
		problems []bundle.Problem
		stats    []bundle.Stat
		want     string
	}{
		{"two entries", nil, stats,
			"/etc/kubernetes/pki paths=[/etc/kubernetes/pki/ca.crt] unknown=\"\" unseen=[\"2 entries under /etc/kubernetes/pki could not be examined (/etc/kubernetes/pki/a.key: lstat /etc/kubernetes/pki/a.key: permission denied, …)\"]" +
				"\n  facts/stat.json|/etc/kubernetes/pki/a.key error|lstat /etc/kubernetes/pki/a.key: permission denied\n  facts/stat.json|/etc/kubernetes/pki/b.key error|lstat /etc/kubernetes/pki/b.key: permission denied"},
		{"a listing refused, a limit, and what does not count", []bundle.Problem{
			{Path: "/etc/kubernetes/pki/sub", Op: "readdir", Kind: "permission", Message: "open: permission denied"},
			{Path: "/etc/kubernetes/pkiy", Op: "readdir", Kind: "permission", Message: "elsewhere"},
			{Path: "/etc/kubernetes/pki/gone", Op: "readdir", Kind: "not-exist", Message: "vanished"},
			{Path: "", Op: "collect", Kind: "limit", Message: "time limit of 60s"},
			{Path: "/etc/kubernetes/pki/x", Op: "read", Kind: "limit", Message: "a read limit"},
		}, stats[:2],
			"/etc/kubernetes/pki paths=[/etc/kubernetes/pki/ca.crt] unknown=\"\" unseen=[\"/etc/kubernetes/pki/sub could not be listed: open: permission denied\" \"the collection stopped early: time limit of 60s\"]" +
				"\n  facts/problems.json|/etc/kubernetes/pki/sub readdir|permission: open: permission denied\n  facts/problems.json|collect|limit: time limit of 60s"},
		{"a stat limit", []bundle.Problem{{Path: "/x", Op: "stat", Kind: "limit", Message: "path limit of 10000"}}, stats[:2],
			"/etc/kubernetes/pki paths=[/etc/kubernetes/pki/ca.crt] unknown=\"\" unseen=[\"the collection stopped early: path limit of 10000\"]\n  facts/problems.json|/x stat|limit: path limit of 10000"},
	}
	for _, tt := range tests {
		n := fx{stats: tt.stats, problems: tt.problems}.node(t)
		checkShow(t, tt.name, showFiles(n.Files("none", &catalog.Files{Under: "/etc/kubernetes/pki", Type: "file"})), tt.want)
	}
}

func TestKubernetesVersion(t *testing.T) {
	ev := func(component, source, path string) bundle.VersionEvidence {
		return bundle.VersionEvidence{Version: "v1." + fmt.Sprint(len(component)) + ".0", Component: component, Source: source, Path: path}
	}
	tests := []struct {
		name string
		vs   []bundle.VersionEvidence
		want string
	}{
		{"none", nil, "none"},
		{"the API server first", []bundle.VersionEvidence{ev("kubelet", "go-buildinfo", "/usr/bin/kubelet"), ev("kube-apiserver", "image-tag", "/etc/kubernetes/manifests/kube-apiserver.yaml"), ev("kube-proxy", "image-tag", "/p")},
			"v1.14.0 kube-apiserver: the kube-apiserver image tag in /etc/kubernetes/manifests/kube-apiserver.yaml"},
		{"then the kubelet", []bundle.VersionEvidence{ev("kube-proxy", "image-tag", "/p"), ev("etcd", "image-tag", "/e"), ev("kubelet", "go-buildinfo", "/usr/bin/kubelet")},
			"v1.7.0 kubelet: the kubelet's build info (/usr/bin/kubelet)"},
		{"then the others, in order", []bundle.VersionEvidence{ev("hyperkube", "x", "/h"), ev("kube-proxy", "image-tag", "/p"), ev("kube-scheduler", "image-tag", "/s")},
			"v1.14.0 kube-scheduler: the kube-scheduler image tag in /s"},
		{"an unranked one", []bundle.VersionEvidence{ev("", "version-file", "/v")},
			"v1.0.0 : a component's version-file (/v)"},
		{"the first of equals", []bundle.VersionEvidence{ev("etcd", "image-tag", "/a"), ev("other", "image-tag", "/b")},
			"v1.4.0 etcd: the etcd image tag in /a"},
	}
	for _, tt := range tests {
		n := fx{host: bundle.Host{Kubernetes: tt.vs}}.node(t)
		v, ok := n.KubernetesVersion()
		got := "none"
		if ok {
			got = v.Version + " " + v.Component + ": " + v.From
		}
		if got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestNodeCitations(t *testing.T) {
	n := fx{procs: []bundle.Process{pr(4, "kubelet", "--v=2"), pr(5, "kube-proxy")}, host: bundle.Host{Hostname: "worker-1"}}.node(t)
	if n.Name != "worker-1" || n.File != "n1.kpb" {
		t.Errorf("node %q from %q", n.Name, n.File)
	}
	c, ok := n.ProcessCitation("kubelet")
	if !ok || c.Locator != "pid 4 kubelet argv" || c.Observed != "kubelet runs (pid 4, 1 argument)" || c.Member != bundle.ProcessesPath || c.Node != "worker-1" ||
		c.Bundle != results.Digest(n.Digest.String()) || c.MemberSHA256 != results.Digest(mustDigest(t, n, bundle.ProcessesPath)) {
		t.Errorf("process citation %+v", c)
	}
	if c, _ := n.ProcessCitation("kube-proxy"); c.Observed != "kube-proxy runs (pid 5, 0 arguments)" {
		t.Errorf("process citation %+v", c)
	}
	if _, ok := n.ProcessCitation("etcd"); ok {
		t.Error("a citation of a process that does not run")
	}
	if c := n.ProcessesCitation("x"); c.Locator != "processes" || c.Observed != "x" || c.Member != bundle.ProcessesPath {
		t.Errorf("processes citation %+v", c)
	}
	if c := n.ManifestCitation("h"); c.Member != bundle.ManifestPath || c.MemberSHA256 != results.Digest(n.Digest.String()) || c.Locator != "host" {
		t.Errorf("manifest citation %+v", c)
	}
	if got := n.memberHex("files/none"); got != results.Digest(bundle.Digest{}.String()) {
		t.Errorf("an unlisted member's digest %s, want the zero digest", got)
	}
	if n.AnyUnverified() || n.Unverified(bundle.ProcessesPath) || n.Bundle() == nil {
		t.Error("a verified bundle has unverified members")
	}
	// A bundle without a host name is named by its digest.
	n = fx{host: bundle.Host{Hostname: "x"}}.node(t)
	n2, err := NewNode("f", n.Bundle())
	if err != nil || n2.Name != "x" {
		t.Errorf("NewNode: %v %q", err, n2.Name)
	}
}

func mustDigest(t *testing.T, n *Node, member string) string {
	t.Helper()
	d, ok := n.Bundle().MemberDigest(member)
	if !ok {
		t.Fatalf("no member %s", member)
	}
	return d.String()
}

// reseal compresses a tar stream as the Writer does (with the checksum).
func reseal(t *testing.T, raw []byte) []byte { return bundletest.Reseal(t, raw) }

// formatOne writes a bundle of format 1, as the first collectors did: the
// Writer writes only the current format.
func formatOne(t *testing.T, members map[string][]byte) *bundle.Bundle {
	t.Helper()
	m := bundle.Manifest{Format: 1, Collector: bundle.Collector{Name: "kubeproof-collect", Version: "0.1.0"}, Host: bundle.Host{Hostname: "old", Roles: []string{}, Components: []string{}}}
	var names []string
	for name, data := range members {
		names = append(names, name)
		m.Members = append(m.Members, bundle.Member{Path: name, Size: int64(len(data)), SHA256: bundle.Hash(data)})
	}
	sort.Strings(names)
	sort.Slice(m.Members, func(i, j int) bool { return m.Members[i].Path < m.Members[j].Path })
	man, err := bundle.EncodeJSON(m)
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	for _, name := range append([]string{bundle.ManifestPath}, names...) {
		data := members[name]
		if name == bundle.ManifestPath {
			data = man
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Read(bytes.NewReader(reseal(t, raw.Bytes())), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jsonOf(t *testing.T, v any) []byte {
	t.Helper()
	data, err := bundle.EncodeJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestFormatOne: a format-1 bundle's command lines and copies are
// redacted again as they are read, by today's rules, and a copy of a kind
// no longer copied is not read.
func TestFormatOne(t *testing.T) {
	secret := "--oidc-client-secret=hunter2hunter2"
	procs := bundle.Processes{Processes: []bundle.Process{{PID: 1, Component: "kube-apiserver", Kind: "component", Name: "kube-apiserver",
		Argv: []string{"kube-apiserver", "--profiling=false", secret}, ArgvB64: [][]byte{[]byte("kube-apiserver"), []byte("--profiling=false"), []byte(secret)}}}}
	members := map[string][]byte{
		bundle.ProcessesPath: jsonOf(t, procs),
		bundle.StatPath:      jsonOf(t, bundle.Stats{Files: []bundle.Stat{}}),
		bundle.PKIPath:       jsonOf(t, bundle.PKI{Certificates: []bundle.Certificate{}}),
		bundle.ProblemsPath:  jsonOf(t, bundle.Problems{Problems: []bundle.Problem{}}),
		"files/etc/kubernetes/encryption-config.yaml": []byte("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- providers:\n  - aescbc:\n      keys:\n      - name: k1\n        secret: c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=\n"),
		"files/etc/kubernetes/known_tokens.csv":       []byte("token,user,uid\n"),
	}
	b := formatOne(t, members)
	got, err := Processes(b)
	if err != nil {
		t.Fatal(err)
	}
	p := got[0]
	if p.Argv[1] != "--profiling=false" || !strings.HasPrefix(p.Argv[2], "--oidc-client-secret=<redacted:") || p.ArgvB64 != nil || p.Redactions != 1 {
		t.Errorf("format 1: argv %q, argv_b64 %q, %d redactions; want the secret redacted and the bytes dropped", p.Argv, p.ArgvB64, p.Redactions)
	}
	n, err := NewNode("old.kpb", b)
	if err != nil {
		t.Fatal(err)
	}
	n.procs[0].Argv = append(n.procs[0].Argv, "--encryption-provider-config=/etc/kubernetes/encryption-config.yaml", "--token-auth-file=/etc/kubernetes/known_tokens.csv")
	o := n.Field("kube-apiserver", &catalog.Field{File: &catalog.Setting{Flag: "encryption-provider-config"}, Path: "resources[].providers[].*.keys[].secret"})
	if o.State != Set || !strings.HasPrefix(o.Value, "<redacted:") {
		t.Errorf("a format-1 copy: %s, want the secret redacted again", show(o))
	}
	o = n.Field("kube-apiserver", &catalog.Field{File: &catalog.Setting{Flag: "token-auth-file"}, Path: "x"})
	if want := "unknown: the copy of /etc/kubernetes/known_tokens.csv in this format-1 bundle is of a type that is no longer copied, and is not read"; !strings.HasPrefix(show(o), want) {
		t.Errorf("a copy no longer made: %s, want %s", show(o), want)
	}
	// Format 2: as collected.
	procs.Processes[0].Argv[2] = "--oidc-client-secret=<redacted:15>"
	n2 := fx{procs: procs.Processes}.node(t)
	if p := n2.procs[0]; p.Argv[2] != "--oidc-client-secret=<redacted:15>" || p.ArgvB64 == nil || p.Redactions != 0 {
		t.Errorf("format 2: argv %q argv_b64 %q redactions %d, want them as collected", p.Argv, p.ArgvB64, p.Redactions)
	}
}

// TestUnverifiedCopy: a config file whose copy failed verification is not
// read, and its citation says so.
func TestUnverifiedCopy(t *testing.T) {
	cfg := "/var/lib/kubelet/config.yaml"
	w := bundle.NewWriter()
	for name, v := range map[string]any{
		bundle.ProcessesPath: bundle.Processes{Processes: []bundle.Process{pr(3, "kubelet", "--config="+cfg)}},
		bundle.StatPath:      bundle.Stats{Files: []bundle.Stat{func() bundle.Stat { s := reg(cfg, "0644"); s.Reasons = []string{"x"}; return s }()}},
		bundle.PKIPath:       bundle.PKI{Certificates: []bundle.Certificate{}},
		bundle.ProblemsPath:  bundle.Problems{Problems: []bundle.Problem{}},
	} {
		if err := w.AddJSON(name, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Add(bundle.FileMember(cfg), []byte("readOnlyPort: 0\n")); err != nil {
		t.Fatal(err)
	}
	data, _, _, err := w.Finish(bundle.Manifest{Host: bundle.Host{Hostname: "n"}})
	if err != nil {
		t.Fatal(err)
	}
	raw := bundletest.Unseal(t, data)
	raw = bytes.Replace(raw, []byte("readOnlyPort: 0\n"), []byte("readOnlyPort: 1\n"), 1)
	b, err := bundle.Read(bytes.NewReader(reseal(t, raw)), bundle.Limits{})
	if !errors.Is(err, bundle.ErrIntegrity) {
		t.Fatalf("the tampered bundle: %v", err)
	}
	n, err := NewNode("n.kpb", b)
	if err != nil {
		t.Fatal(err)
	}
	member := bundle.FileMember(cfg)
	if !n.AnyUnverified() || !n.Unverified(member) || n.Unverified(bundle.ProcessesPath) {
		t.Errorf("unverified: any %v, %s %v", n.AnyUnverified(), member, n.Unverified(member))
	}
	checkShow(t, "unverified config", show(n.Setting("kubelet", &catalog.Setting{Field: "readOnlyPort"})),
		"unknown: the copy of "+cfg+" failed verification and could not be read [readOnlyPort]\n  "+member+"|copy of "+cfg+"|failed verification, not read")
}

// TestEdges: a drop-in directory's entries that are gone or in a
// subdirectory are not drop-ins, a comment-only config sets nothing, the
// keys of a map end a field path, and a process without arguments is
// cited as such.
func TestEdges(t *testing.T) {
	dir := "/etc/kubernetes/kubelet.conf.d"
	n := fx{
		procs: []bundle.Process{pr(3, "kubelet", "--config=/etc/k/empty.yaml", "--config-dir="+dir), {PID: 4, Component: "kube-proxy", Kind: "component"}},
		stats: []bundle.Stat{reg("/etc/k/empty.yaml", "0644"), dirst(dir), gone(dir + "/15-gone.conf"), dirst(dir + "/sub"), reg(dir+"/sub/99-deep.conf", "0644"), reg(dir+"/20-b.conf", "0644")},
		files: map[string]string{"/etc/k/empty.yaml": "# nothing set here\n", dir + "/20-b.conf": "readOnlyPort: 7\nmap:\n  a: 1\n", dir + "/sub/99-deep.conf": "readOnlyPort: 99\n"},
	}.node(t)
	checkShow(t, "drop-ins", show(n.Setting("kubelet", &catalog.Setting{Field: "readOnlyPort"})),
		"set \"7\" [readOnlyPort]\n  files/etc/kubernetes/kubelet.conf.d/20-b.conf|readOnlyPort (line 1)|7")
	checkShow(t, "comment only", show(n.Setting("kubelet", &catalog.Setting{Field: "x"})),
		"unset [x]\n  files/etc/k/empty.yaml|x|not present in /etc/k/empty.yaml\n  files/etc/kubernetes/kubelet.conf.d/20-b.conf|x|not present in /etc/kubernetes/kubelet.conf.d/20-b.conf")
	if c, ok := n.ProcessCitation("kube-proxy"); !ok || c.Observed != "kube-proxy runs (pid 4, 0 arguments)" {
		t.Errorf("a process without arguments: %+v", c)
	}
	enc := "/etc/kubernetes/enc.yaml"
	f := fx{procs: []bundle.Process{pr(1, "kube-apiserver", "--encryption-provider-config="+enc)}, stats: []bundle.Stat{reg(enc, "0600")},
		files: map[string]string{enc: "resources:\n- providers:\n  - aescbc: {keys: [{name: k}]}\n"}}.node(t)
	file := &catalog.Setting{Flag: "encryption-provider-config"}
	for path, want := range map[string]string{
		"resources[].providers[0].~":            "set \"aescbc\"",
		"resources[].providers[0].~.x":          "unset",
		"resources[].providers[].*":             "unset", // a mapping is not a value
		"resources[].providers[].*.keys[].name": "set \"k\"",
	} {
		if got := show(f.Field("kube-apiserver", &catalog.Field{File: file, Path: path})); !strings.HasPrefix(got, want+" ") {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
}

// TestFieldEmptyFile: a file that holds only a comment has no field.
func TestFieldEmptyFile(t *testing.T) {
	enc := "/etc/kubernetes/enc.yaml"
	n := fx{procs: []bundle.Process{pr(1, "kube-apiserver", "--encryption-provider-config="+enc)}, stats: []bundle.Stat{reg(enc, "0600")},
		files: map[string]string{enc: "# written by hand, emptied\n"}}.node(t)
	o := n.Field("kube-apiserver", &catalog.Field{File: &catalog.Setting{Flag: "encryption-provider-config"}, Path: "resources[].providers[0].~"})
	if o.State != Unset {
		t.Errorf("a comment-only file: %s", show(o))
	}
}

// TestEmptyAndLooping: the first item of an empty list is no value; a
// path under a directory that is a symlink loop is not known to be
// absent.
func TestEmptyAndLooping(t *testing.T) {
	enc := "/etc/kubernetes/enc.yaml"
	n := fx{procs: []bundle.Process{pr(1, "kube-apiserver", "--encryption-provider-config="+enc)},
		stats: []bundle.Stat{reg(enc, "0600"), link("/loop/a", "/loop/b"), link("/loop/b", "/loop/a")},
		files: map[string]string{enc: "resources:\n- resources: [secrets]\n  providers: []\n"}}.node(t)
	if o := n.Field("kube-apiserver", &catalog.Field{File: &catalog.Setting{Flag: "encryption-provider-config"}, Path: "resources[].providers[0].~"}); o.State != Unset {
		t.Errorf("the first provider of none: %s", show(o))
	}
	checkShow(t, "under a loop", showFiles(n.Files("kube-apiserver", &catalog.Files{Paths: []string{"/loop/a/x.conf"}, Every: true})),
		"/loop/a/x.conf paths=[] unknown=\"\" unseen=[\"/loop/a/x.conf was not collected\"]")
}
