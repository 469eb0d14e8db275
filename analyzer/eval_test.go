package analyzer

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/results"
)

func mustMemberDigest(t *testing.T, n *evidence.Node, member string) string {
	t.Helper()
	d, ok := n.Bundle().MemberDigest(member)
	if !ok {
		t.Fatalf("no member %s", member)
	}
	return d.String()
}

// testNode builds a Node from facts, through a real bundle.
func testNode(t *testing.T, procs []bundle.Process, stats []bundle.Stat, files map[string]string) *evidence.Node {
	t.Helper()
	return testNodeProblems(t, procs, stats, files, nil)
}

// testNodeProblems is testNode with the collector's problems.
func testNodeProblems(t *testing.T, procs []bundle.Process, stats []bundle.Stat, files map[string]string, problems []bundle.Problem) *evidence.Node {
	t.Helper()
	if problems == nil {
		problems = []bundle.Problem{}
	}
	w := bundle.NewWriter()
	if procs == nil {
		procs = []bundle.Process{}
	}
	for i := range stats {
		if stats[i].Reasons == nil {
			stats[i].Reasons = []string{"test"}
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.AddJSON(bundle.ProcessesPath, bundle.Processes{Processes: procs}))
	must(w.AddJSON(bundle.StatPath, bundle.Stats{Files: stats}))
	must(w.AddJSON(bundle.PKIPath, bundle.PKI{Certificates: []bundle.Certificate{}}))
	must(w.AddJSON(bundle.ProblemsPath, bundle.Problems{Problems: problems}))
	for p, content := range files {
		must(w.Add(bundle.FileMember(p), []byte(content)))
	}
	data, _, _, err := w.Finish(bundle.Manifest{Host: bundle.Host{Hostname: "n1", Roles: []string{"master", "node"}}})
	must(err)
	b, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
	must(err)
	n, err := evidence.NewNode("n1.kpb", b)
	must(err)
	return n
}

func intp(i int) *int { return &i }

func file(p, mode, user, group string) bundle.Stat {
	uid, gid := 0, 0
	if user != "root" {
		uid = 998
	}
	if group != "root" {
		gid = 996
	}
	return bundle.Stat{Path: p, Type: "file", Mode: mode, UID: intp(uid), GID: intp(gid), User: user, Group: group}
}

func proc(component string, args ...string) bundle.Process {
	return bundle.Process{PID: 100 + len(component), Component: component, Kind: "component", Name: component, Argv: append([]string{component}, args...), Env: []string{}}
}

// leaf parses a one-leaf test from YAML, validated as the loader does.
func leaf(t *testing.T, y string) *catalog.Test {
	t.Helper()
	cat, err := catalog.Load(fstest.MapFS{"t.yaml": {Data: []byte(`benchmark: b
target: master
id: "1"
title: T
groups:
- id: "1.1"
  title: G
  checks:
  - id: "1.1.1"
    title: C
    assessment: automated
    scored: true
    component: kube-apiserver
    remediation: r
    test:
` + indent(y, "      "))}}, "b", "mem")
	if err != nil {
		t.Fatalf("parsing test %q: %v", y, err)
	}
	return cat.Sections[0].Groups[0].Checks[0].Test
}

func indent(s, pre string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = pre + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestOperators(t *testing.T) {
	n := testNode(t, []bundle.Process{proc("kube-apiserver",
		"--profiling=true",
		"--authorization-mode=Node,RBAC",
		"--audit-log-maxage", "30",
		"--request-timeout=300s",
		"--enable-admission-plugins=NodeRestriction",
		"--enable-admission-plugins=PodSecurityPolicy",
		"--insecure-port=0",
		"--insecure-port=8080",
		"--anonymous-auth",
		"--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_GCM_SHA256",
	)}, nil, nil)
	tests := []struct {
		test string
		want state
	}{
		{"flag: profiling\nop: eq\nvalue: \"true\"", passed},
		{"flag: profiling\nop: eq\nvalue: \"false\"", failed},
		{"flag: profiling\nop: noteq\nvalue: \"false\"", passed},
		{"flag: profiling\nop: set", passed},
		{"flag: basic-auth-file\nop: notset", passed},
		{"flag: profiling\nop: notset", failed},
		{"flag: basic-auth-file\nop: set", failed},
		{"flag: authorization-mode\nop: has\nvalue: RBAC", passed},
		{"flag: authorization-mode\nop: has\nvalue: AlwaysAllow", failed},
		{"flag: authorization-mode\nop: nothave\nvalue: AlwaysAllow", passed},
		{"flag: audit-log-maxage\nop: gte\nvalue: \"30\"", passed}, // --flag value form
		{"flag: audit-log-maxage\nop: gt\nvalue: \"30\"", failed},
		{"flag: audit-log-maxage\nop: lte\nvalue: \"30\"", passed},
		{"flag: audit-log-maxage\nop: lt\nvalue: \"31\"", passed},
		{"flag: request-timeout\nop: gte\nvalue: 5m", passed}, // durations compare as durations
		{"flag: request-timeout\nop: gt\nvalue: 5m", failed},
		{"flag: audit-log-maxbackup\nop: gte\nvalue: \"10\"", failed}, // unset fails a value test
		{"flag: kubelet-https\nop: eq\nvalue: \"true\"\nunset: pass", passed},
		// repeated list flags accumulate; other repeated flags take the last value
		{"flag: enable-admission-plugins\nop: has\nvalue: NodeRestriction", passed},
		{"flag: enable-admission-plugins\nop: has\nvalue: PodSecurityPolicy", passed},
		{"flag: insecure-port\nop: eq\nvalue: \"0\"", failed},
		{"flag: anonymous-auth\nop: eq\nvalue: \"true\"", passed}, // a bare boolean flag
		{"flag: profiling\nop: regex\nvalue: ^t.*e$", passed},
		{"flag: profiling\nop: regex\nvalue: ^false$", failed},
		{"flag: tls-cipher-suites\nop: valid\nvalue: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_GCM_SHA256,TLS_X", passed},
		{"flag: tls-cipher-suites\nop: valid\nvalue: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", failed},
		{"all:\n- flag: profiling\n  op: set\n- flag: basic-auth-file\n  op: notset", passed},
		{"all:\n- flag: profiling\n  op: set\n- flag: basic-auth-file\n  op: set", failed},
		{"any:\n- flag: profiling\n  op: notset\n- flag: profiling\n  op: eq\n  value: \"true\"", passed},
		{"any:\n- flag: profiling\n  op: notset\n- flag: profiling\n  op: eq\n  value: \"false\"", failed},
	}
	for _, tt := range tests {
		o := evalTest(leaf(t, tt.test), "kube-apiserver", n)
		if o.state != tt.want {
			t.Errorf("%s\n  state %v, want %v (observed %v, reason %q)", tt.test, o.state, tt.want, o.observed, o.reason)
		}
		if len(o.cites) == 0 {
			t.Errorf("%s: no citation", tt.test)
		}
	}
}

func TestFlagCitation(t *testing.T) {
	n := testNode(t, []bundle.Process{proc("kube-apiserver", "--secure-port=6443", "--profiling", "false")}, nil, nil)
	o := evalTest(leaf(t, "flag: profiling\nop: eq\nvalue: \"false\""), "kube-apiserver", n)
	if o.state != passed {
		t.Fatalf("--profiling false (space form) = %v", o.state)
	}
	c := o.cites[0]
	if c.Member != bundle.ProcessesPath || c.Locator != "pid 114 kube-apiserver argv[2]" || c.Observed != "--profiling false" || c.MemberSHA256 != results.Digest(mustMemberDigest(t, n, bundle.ProcessesPath)) {
		t.Errorf("citation = %+v", c)
	}
	// Absence is cited by the command line's length, never by quoting it:
	// a citation holds only what the check read.
	o = evalTest(leaf(t, "flag: basic-auth-file\nop: notset"), "kube-apiserver", n)
	if got := o.cites[0].Observed; got != "--basic-auth-file not set among its 3 arguments" || strings.Contains(got, "6443") {
		t.Errorf("absence citation = %+v", o.cites[0])
	}
}

const kubeletConfig = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
readOnlyPort: 0
featureGates:
  RotateKubeletServerCertificate: true
tlsCipherSuites:
- TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
`

func TestKubeletPrecedence(t *testing.T) {
	cfg := "/var/lib/kubelet/config.yaml"
	stats := []bundle.Stat{file(cfg, "0644", "root", "root")}
	files := map[string]string{cfg: kubeletConfig}
	tests := []struct {
		name string
		args []string
		test string
		want state
		loc  string
	}{
		{"config only", []string{"--config=" + cfg}, "flag: anonymous-auth\nconfig: authentication.anonymous.enabled\nop: eq\nvalue: \"false\"", passed, "authentication.anonymous.enabled (line 5)"},
		{"flag overrides config", []string{"--config=" + cfg, "--anonymous-auth=true"}, "flag: anonymous-auth\nconfig: authentication.anonymous.enabled\nop: eq\nvalue: \"false\"", failed, "pid 107 kubelet argv[2]"},
		{"no config file", []string{}, "flag: anonymous-auth\nconfig: authentication.anonymous.enabled\nop: eq\nvalue: \"false\"", failed, "pid 107 kubelet argv"},
		{"list field", []string{"--config", cfg}, "flag: tls-cipher-suites\nconfig: tlsCipherSuites\nop: has\nvalue: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", passed, "tlsCipherSuites (line 12)"},
		{"feature gate in config", []string{"--config=" + cfg}, "feature: RotateKubeletServerCertificate\nop: eq\nvalue: \"true\"", passed, "featureGates.RotateKubeletServerCertificate (line 10)"},
		{"feature gate flag wins", []string{"--config=" + cfg, "--feature-gates=A=true,RotateKubeletServerCertificate=false"}, "feature: RotateKubeletServerCertificate\nop: eq\nvalue: \"true\"", failed, "pid 107 kubelet argv[2]"},
		{"field absent", []string{"--config=" + cfg}, "flag: protect-kernel-defaults\nconfig: protectKernelDefaults\nop: eq\nvalue: \"true\"", failed, "protectKernelDefaults"},
		{"number", []string{"--config=" + cfg}, "flag: read-only-port\nconfig: readOnlyPort\nop: eq\nvalue: \"0\"", passed, "readOnlyPort (line 8)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := testNode(t, []bundle.Process{proc("kubelet", tt.args...)}, stats, files)
			o := evalTest(leaf(t, tt.test), "kubelet", n)
			if o.state != tt.want {
				t.Errorf("state %v, want %v (%v)", o.state, tt.want, o.observed)
			}
			found := false
			for _, c := range o.cites {
				if c.Locator == tt.loc {
					found = true
				}
			}
			if !found {
				t.Errorf("no citation at %q in %+v", tt.loc, o.cites)
			}
		})
	}
}

func TestConfigUnreadable(t *testing.T) {
	cfg := "/var/lib/kubelet/config.yaml"
	st := bundle.Stat{Path: cfg, Error: "open: permission denied", ErrorKind: "permission"}
	n := testNode(t, []bundle.Process{proc("kubelet", "--config="+cfg)}, []bundle.Stat{st}, nil)
	o := evalTest(leaf(t, "flag: anonymous-auth\nconfig: authentication.anonymous.enabled\nop: eq\nvalue: \"false\""), "kubelet", n)
	if o.state != undecided || !strings.Contains(o.reason, "permission denied") {
		t.Errorf("state %v reason %q; want undecided naming the error", o.state, o.reason)
	}
}

func TestFileOperators(t *testing.T) {
	stats := []bundle.Stat{
		file("/etc/kubernetes/manifests/kube-apiserver.yaml", "0600", "root", "root"),
		file("/etc/kubernetes/admin.conf", "0644", "root", "root"),
		file("/etc/kubernetes/loose.conf", "0666", "root", "root"),
		{Path: "/var/lib/etcd", Type: "dir", Mode: "0700", UID: intp(998), GID: intp(996), User: "etcd", Group: "etcd"},
		{Path: "/var/lib/other", Type: "dir", Mode: "0700", UID: intp(1000), GID: intp(1000)},
		{Path: "/etc/kubernetes/pki", Type: "dir", Mode: "0755", UID: intp(0), GID: intp(0), User: "root", Group: "root"},
		file("/etc/kubernetes/pki/ca.crt", "0644", "root", "root"),
		file("/etc/kubernetes/pki/ca.key", "0600", "root", "root"),
		file("/etc/kubernetes/pki/apiserver.key", "0640", "root", "root"),
		{Path: "/etc/kubernetes/pki/link.crt", Type: "symlink", Mode: "0777", Link: "ca.crt", UID: intp(0), GID: intp(0)},
		{Path: "/etc/kubernetes/secret.conf", Error: "lstat: permission denied", ErrorKind: "permission"},
		{Path: "/etc/kubernetes/gone.conf", Error: "lstat: no such file or directory", ErrorKind: "not-exist"},
		{Path: "/etc/kubernetes/kubelet.conf", Type: "symlink", Link: "/etc/kubernetes/admin.conf", Mode: "0777", UID: intp(0), GID: intp(0)},
	}
	n := testNode(t, []bundle.Process{proc("kube-apiserver", "--kubeconfig=/etc/kubernetes/kubelet.conf"), proc("etcd", "--data-dir=/var/lib/etcd")}, stats, nil)
	tests := []struct {
		test string
		want state
	}{
		{"file: {paths: [/etc/kubernetes/manifests/kube-apiserver.yaml]}\nop: mode\nvalue: \"644\"", passed},
		{"file: {paths: [/etc/kubernetes/manifests/kube-apiserver.yaml]}\nop: mode\nvalue: \"600\"", passed},
		{"file: {paths: [/etc/kubernetes/admin.conf]}\nop: mode\nvalue: \"600\"", failed},
		{"file: {paths: [/etc/kubernetes/loose.conf]}\nop: mode\nvalue: \"644\"", failed},
		{"file: {paths: [/etc/kubernetes/admin.conf]}\nop: owner\nvalue: root:root", passed},
		{"file: {paths: [/etc/kubernetes/admin.conf]}\nop: owner\nvalue: \"0:0\"", passed},
		{"file: {flag: data-dir}\ncomponent: etcd\nop: owner\nvalue: etcd:etcd", passed},
		{"file: {flag: data-dir}\ncomponent: etcd\nop: owner\nvalue: \"998:996\"", passed},
		{"file: {flag: data-dir}\ncomponent: etcd\nop: owner\nvalue: root:root", failed},
		{"file: {paths: [/var/lib/other]}\nop: owner\nvalue: \"1000:1000\"", passed},
		{"file: {flag: data-dir}\ncomponent: etcd\nop: mode\nvalue: \"700\"", passed},
		{"file: {under: /etc/kubernetes/pki, name: \"*.crt\"}\nop: mode\nvalue: \"644\"", passed}, // the symlink is left out
		{"file: {under: /etc/kubernetes/pki, name: \"*.key\"}\nop: mode\nvalue: \"600\"", failed},
		{"file: {under: /etc/kubernetes/pki, self: true}\nop: owner\nvalue: root:root", passed},
		{"file: {paths: [/etc/kubernetes/secret.conf]}\nop: mode\nvalue: \"644\"", undecided}, // permission denied: missing evidence
		{"file: {paths: [/etc/kubernetes/gone.conf]}\nop: mode\nvalue: \"644\"", undecided},   // absent: warn by default
		{"file: {paths: [/etc/kubernetes/gone.conf]}\nop: mode\nvalue: \"644\"\nabsent: pass", passed},
		{"file: {paths: [/etc/kubernetes/gone.conf]}\nop: mode\nvalue: \"644\"\nabsent: fail", failed},
		{"file: {paths: [/etc/kubernetes/never-collected.conf]}\nop: mode\nvalue: \"644\"", undecided},
		{"file: {paths: [/etc/kubernetes/gone.conf, /etc/kubernetes/admin.conf]}\nop: mode\nvalue: \"644\"", passed},
		{"file: {flag: kubeconfig}\nop: mode\nvalue: \"644\"", passed}, // symlink followed to its target
		{"file: {flag: token-auth-file}\nop: mode\nvalue: \"644\"", undecided},
		{"file: {flag: token-auth-file, default: /etc/kubernetes/admin.conf}\nop: exists", passed},
		{"file: {under: /nowhere}\nop: mode\nvalue: \"644\"", undecided},
		// every: each path of the list that exists, not the first.
		{"file: {paths: [/etc/kubernetes/admin.conf, /etc/kubernetes/loose.conf], every: true}\nop: mode\nvalue: \"644\"", failed},
		{"file: {paths: [/etc/kubernetes/loose.conf, /etc/kubernetes/admin.conf]}\nop: mode\nvalue: \"644\"", failed},
		{"file: {paths: [/etc/kubernetes/admin.conf, /etc/kubernetes/loose.conf]}\nop: mode\nvalue: \"644\"", passed},
		{"file: {paths: [/etc/kubernetes/admin.conf, /etc/kubernetes/manifests/kube-apiserver.yaml], every: true}\nop: mode\nvalue: \"644\"", passed},
		{"file: {paths: [/etc/kubernetes/gone.conf, /etc/kubernetes/admin.conf], every: true}\nop: mode\nvalue: \"644\"", passed},
		{"file: {paths: [/etc/kubernetes/gone.conf], every: true}\nop: mode\nvalue: \"644\"\nabsent: fail", failed},
		{"file: {paths: [/etc/kubernetes/gone.conf], every: true}\nop: mode\nvalue: \"644\"\nabsent: pass", passed},
		{"file: {paths: [/etc/kubernetes/secret.conf, /etc/kubernetes/admin.conf], every: true}\nop: mode\nvalue: \"644\"", undecided},
		{"file: {paths: [/etc/kubernetes/secret.conf, /etc/kubernetes/loose.conf], every: true}\nop: mode\nvalue: \"644\"", failed},
		{"file: {paths: [/etc/kubernetes/admin.conf, /etc/kubernetes/never-collected.conf], every: true}\nop: mode\nvalue: \"644\"", undecided},
		{"file: {paths: [/etc/kubernetes/pki/none.crt, /etc/kubernetes/admin.conf], every: true}\nop: mode\nvalue: \"644\"", passed}, // pki was listed: none.crt does not exist
		{"file: {paths: [/etc/kubernetes/gone.conf/x.conf], every: true}\nop: mode\nvalue: \"644\"\nabsent: fail", failed},           // its directory does not exist
		{"file: {paths: [/etc/kubernetes/kubelet.conf, /etc/kubernetes/admin.conf], every: true}\nop: mode\nvalue: \"600\"", failed},
	}
	for _, tt := range tests {
		o := evalTest(leaf(t, tt.test), "kube-apiserver", n)
		if o.state != tt.want {
			t.Errorf("%s\n  state %v, want %v (observed %v, reason %q)", tt.test, o.state, tt.want, o.observed, o.reason)
		}
		if tt.want != undecided && len(o.cites) == 0 {
			t.Errorf("%s: no citation", tt.test)
		}
	}
}

func TestEvaluateStatuses(t *testing.T) {
	n := testNode(t, []bundle.Process{proc("kube-apiserver", "--profiling=true")}, nil, nil)
	mk := func(review bool, component, test string) *catalog.Check {
		c := &catalog.Check{ID: "1.2.21", Title: "T", Assessment: "automated", Component: component, Review: review, Scored: true, Remediation: "r"}
		if test != "" {
			c.Test = leaf(t, test)
		}
		return c
	}
	tests := []struct {
		check *catalog.Check
		want  results.Status
	}{
		{mk(false, "kube-apiserver", "flag: profiling\nop: eq\nvalue: \"false\""), results.Fail},
		{mk(false, "kube-apiserver", "flag: profiling\nop: eq\nvalue: \"true\""), results.Pass},
		{mk(true, "kube-apiserver", "flag: profiling\nop: eq\nvalue: \"true\""), results.Warn},
		{mk(true, "kube-apiserver", ""), results.Warn},
		{mk(false, "kube-proxy", "flag: profiling\nop: eq\nvalue: \"true\""), results.NA},
		{mk(true, "none", ""), results.Warn},
		{unscored(mk(false, "kube-apiserver", "flag: profiling\nop: eq\nvalue: \"false\"")), results.Warn}, // unscored failure asks for review
		{unscored(mk(false, "kube-apiserver", "flag: profiling\nop: eq\nvalue: \"true\"")), results.Pass},
	}
	for _, tt := range tests {
		r := Evaluate(tt.check, n)
		if r.Status != tt.want {
			t.Errorf("%+v: status %s, want %s (%s)", tt.check, r.Status, tt.want, r.Reason)
		}
	}
}

func unscored(c *catalog.Check) *catalog.Check {
	c.Scored = false
	return c
}

// TestConfigReadDenied: a config file whose stat was taken but whose read
// was refused names the collector's problem, and cites it.
func TestConfigReadDenied(t *testing.T) {
	cfg := "/var/lib/kubelet/config.yaml"
	n := testNodeProblems(t, []bundle.Process{proc("kubelet", "--config="+cfg)}, []bundle.Stat{file(cfg, "0600", "root", "root")}, nil,
		[]bundle.Problem{{Path: cfg, Op: "read", Kind: "permission", Message: "open: permission denied"}})
	o := evalTest(leaf(t, "flag: anonymous-auth\nconfig: authentication.anonymous.enabled\nop: eq\nvalue: \"false\""), "kubelet", n)
	if o.state != undecided || !strings.Contains(o.reason, "could not be read: open: permission denied (permission)") {
		t.Errorf("state %v reason %q", o.state, o.reason)
	}
	found := false
	for _, c := range o.cites {
		if c.Member == bundle.ProblemsPath && c.Locator == cfg+" read" {
			found = true
		}
	}
	if !found {
		t.Errorf("no citation of the problem in %+v", o.cites)
	}
}
