package analyzer

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/results"
)

// TestDifferencesFromKubeBench pins every verdict docs/differences.md
// lists where kubeproof and kube-bench differ on the same node state: the
// state, our verdict, and (in the doc) kube-bench's with the reason. Each
// case names its entry in the doc.
func TestDifferencesFromKubeBench(t *testing.T) {
	const unit, dropIn = "/usr/lib/systemd/system/kubelet.service", "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf"
	dir := func(p string) bundle.Stat {
		return bundle.Stat{Path: p, Type: "dir", Mode: "0755", UID: intp(0), GID: intp(0), User: "root", Group: "root"}
	}
	gone := func(p string) bundle.Stat { return missing(p)[0] }
	// What the collector records of the other places of a kubelet unit.
	var elsewhere []bundle.Stat
	for _, p := range []string{"/etc/systemd/system/kubelet.service", "/lib/systemd/system/kubelet.service", "/etc/systemd/system/snap.kubelet.daemon.service",
		"/etc/systemd/system/snap.microk8s.daemon-kubelet.service", "/etc/systemd/system/atomic-openshift-node.service", "/etc/systemd/system/origin-node.service",
		"/etc/systemd/system/kubelet.service.d", "/lib/systemd/system/kubelet.service.d"} {
		elsewhere = append(elsewhere, gone(p))
	}
	units := func(unitMode string, extra ...bundle.Stat) []bundle.Stat {
		return append(append([]bundle.Stat{file(unit, unitMode, "root", "root"), dir("/usr/lib/systemd/system/kubelet.service.d"),
			file(dropIn, "0644", "root", "root")}, extra...), elsewhere...)
	}
	// An encryption configuration that leaves secrets to identity while
	// it encrypts configmaps.
	const encPath = "/etc/kubernetes/enc.yaml"
	encProcs := []bundle.Process{proc("kube-apiserver", "--encryption-provider-config="+encPath)}
	encStats := []bundle.Stat{file(encPath, "0600", "root", "root")}
	encFiles := map[string]string{encPath: "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n" +
		"- resources: [secrets]\n  providers:\n  - identity: {}\n  - aescbc:\n      keys:\n      - name: k1\n        secret: <redacted:44>\n" +
		"- resources: [configmaps]\n  providers:\n  - aescbc:\n      keys:\n      - name: k1\n        secret: <redacted:44>\n"}
	cases := []struct {
		doc, id string
		procs   []bundle.Process
		stats   []bundle.Stat
		files   map[string]string
		want    results.Status
		// explanation, when set, is a substring of the result's.
		explanation string
	}{
		{
			doc: "booleans", id: "1.2.21",
			procs: []bundle.Process{proc("kube-apiserver", "--profiling=False")}, want: results.Pass,
		},
		{
			doc: "cni-dir", id: "1.1.9",
			procs: []bundle.Process{proc("kube-apiserver"), proc("kubelet")},
			stats: []bundle.Stat{dir("/etc/cni/net.d"), file("/etc/cni/net.d/10-calico.conflist", "0644", "root", "root"), gone("/var/lib/cni/networks")},
			want:  results.Pass,
		},
		{
			doc: "cni-dir", id: "1.1.9",
			procs: []bundle.Process{proc("kube-apiserver"), proc("kubelet")},
			stats: []bundle.Stat{dir("/etc/cni/net.d"), file("/etc/cni/net.d/10-flannel.conflist", "0666", "root", "root"), gone("/var/lib/cni/networks")},
			want:  results.Warn, // unscored: a failing test is WARN
		},
		{
			doc: "kubelet-unit", id: "4.1.1",
			procs: []bundle.Process{proc("kubelet")},
			stats: units("0644", file("/usr/lib/systemd/system/kubelet.service.d/20-extra.conf", "0666", "root", "root")),
			want:  results.Fail,
		},
		{
			doc: "kubelet-unit", id: "4.1.1",
			procs: []bundle.Process{proc("kubelet")},
			stats: units("0664"),
			want:  results.Fail,
		},
		{
			doc: "kubelet-unit", id: "4.1.1",
			procs: []bundle.Process{proc("kubelet")}, stats: units("0644"), want: results.Pass,
		},
		{
			doc: "kubelet-config-dir", id: "4.2.4",
			procs: []bundle.Process{proc("kubelet", "--config=/var/lib/kubelet/config.yaml", "--config-dir=/etc/kubernetes/kubelet.conf.d")},
			stats: []bundle.Stat{file("/var/lib/kubelet/config.yaml", "0644", "root", "root"), dir("/etc/kubernetes/kubelet.conf.d"),
				file("/etc/kubernetes/kubelet.conf.d/50-port.conf", "0644", "root", "root")},
			files: map[string]string{
				"/var/lib/kubelet/config.yaml":                "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 0\n",
				"/etc/kubernetes/kubelet.conf.d/50-port.conf": "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 10255\n",
			},
			want: results.Warn, // unscored in cis-1.6: the failing test is WARN
		},
		{
			// The file leaves authentication out: v1beta1 disables anonymous requests.
			doc: "kubelet-config-defaults", id: "4.2.1",
			procs: []bundle.Process{proc("kubelet", "--config=/etc/default/kubeletconfig.json")},
			stats: []bundle.Stat{file("/etc/default/kubeletconfig.json", "0600", "root", "root")},
			files: map[string]string{"/etc/default/kubeletconfig.json": "{\"kind\": \"KubeletConfiguration\", \"apiVersion\": \"kubelet.config.k8s.io/v1beta1\", \"readOnlyPort\": 0}\n"},
			want:  results.Pass,
		},
		{
			doc: "kubelet-config-defaults", id: "4.2.2",
			procs: []bundle.Process{proc("kubelet", "--config=/etc/default/kubeletconfig.json")},
			stats: []bundle.Stat{file("/etc/default/kubeletconfig.json", "0600", "root", "root")},
			files: map[string]string{"/etc/default/kubeletconfig.json": "{\"kind\": \"KubeletConfiguration\", \"apiVersion\": \"kubelet.config.k8s.io/v1beta1\"}\n"},
			want:  results.Pass,
		},
		{
			// No configuration file: the flag's default enables anonymous requests.
			doc: "kubelet-config-defaults", id: "4.2.1",
			procs: []bundle.Process{proc("kubelet", "--kubeconfig=/etc/kubernetes/kubelet.conf")},
			want:  results.Fail,
		},
		{
			doc: "cipher-aliases", id: "4.2.13",
			procs: []bundle.Process{proc("kubelet", "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")},
			want:  results.Pass,
		},
		{doc: "encryption-providers", id: "1.2.34", procs: encProcs, stats: encStats, files: encFiles, want: results.Warn},
	}
	cat := cis16(t)
	for _, tt := range cases {
		t.Run(tt.doc+" "+tt.id, func(t *testing.T) {
			c := findCheck(t, cat, tt.id)
			n := testNode(t, tt.procs, tt.stats, tt.files)
			r := Evaluate(c, n)
			if r.Status != tt.want {
				t.Errorf("%s %s: %s, want %s (expected %q, observed %q, reason %q)", cat.Benchmark, tt.id, r.Status, tt.want, r.Expected, r.Observed, r.Reason)
			}
			if tt.explanation != "" && !strings.Contains(r.Explanation, tt.explanation) {
				t.Errorf("explanation %q, want %q", r.Explanation, tt.explanation)
			}
			if len(r.Citations) == 0 {
				t.Error("no citation")
			}
		})
	}
}

func findCheck(t *testing.T, cat *catalog.Catalog, id string) *catalog.Check {
	t.Helper()
	for _, c := range cat.Checks() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("%s has no check %s", cat.Benchmark, id)
	return nil
}

// TestDifferencesIndexed: every entry of docs/differences.md names the
// tests that pin its verdicts, and every name here is an entry of the doc,
// so that an entry without a test, or a test of an entry the doc dropped,
// cannot go unnoticed.
func TestDifferencesIndexed(t *testing.T) {
	pinnedBy := map[string][]string{
		"booleans":                {"TestDifferencesFromKubeBench"},
		"cni-dir":                 {"TestDifferencesFromKubeBench", "TestOlderLineageDifferences", "TestNewerLineageDifferences", "TestExpectedVerdicts"},
		"kubelet-unit":            {"TestDifferencesFromKubeBench"},
		"kubelet-config-dir":      {"TestDifferencesFromKubeBench", "TestExpectedVerdicts"},
		"kubelet-config-defaults": {"TestDifferencesFromKubeBench"},
		"cipher-aliases":          {"TestDifferencesFromKubeBench", "TestExpectedVerdicts"},
		"encryption-providers":    {"TestDifferencesFromKubeBench"},
		"proxy-kubeconfig":        {"TestOlderLineageDifferences", "TestNewerLineageDifferences", "TestExpectedVerdicts"},
		"etcd-environment":        {"TestOlderLineageDifferences"},
		"kubelet-config-absent":   {"TestOlderLineageDifferences"},
		"pod-pids-limit":          {"TestNewerLineageDifferences"},
		"seccomp-default":         {"TestNewerLineageDifferences"},
		"proxy-metrics":           {"TestNewerLineageDifferences"},
		// The worker tables of fixtures/expected hold the node target only.
		"targets": {"TestExpectedVerdicts"},
	}
	doc, err := os.ReadFile("../docs/differences.md")
	if err != nil {
		t.Fatal(err)
	}
	var sources strings.Builder
	tests, _ := filepath.Glob("*_test.go")
	for _, f := range tests {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources.Write(data)
	}
	entries := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if name, ok := strings.CutPrefix(line, "### "); ok {
			entries[name] = true
			if len(pinnedBy[name]) == 0 {
				t.Errorf("docs/differences.md entry %q names no test here", name)
			}
		}
	}
	for name, funcs := range pinnedBy {
		if !entries[name] {
			t.Errorf("%q is not an entry of docs/differences.md", name)
		}
		for _, f := range funcs {
			if !strings.Contains(sources.String(), "func "+f+"(") {
				t.Errorf("%s: no test %s in this package", name, f)
			}
		}
		if !strings.Contains(string(doc), "(#"+name+")") {
			t.Errorf("%s: not in the index of docs/differences.md", name)
		}
	}
}

// TestDifferencesFilesIndexed: every file of docs/differences/ is linked
// from docs/differences.md, and every reason an OpenShift expected-verdict
// table gives for a difference from kube-bench ("(#cni)") is an entry of
// docs/differences/openshift.md.
func TestDifferencesFilesIndexed(t *testing.T) {
	doc, err := os.ReadFile("../docs/differences.md")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../docs/differences/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in docs/differences (%v)", err)
	}
	for _, f := range files {
		if !strings.Contains(string(doc), "differences/"+filepath.Base(f)) {
			t.Errorf("docs/differences/%s is not linked from docs/differences.md", filepath.Base(f))
		}
	}
	ocp, err := os.ReadFile("../docs/differences/openshift.md")
	if err != nil {
		t.Fatal(err)
	}
	tables, _ := filepath.Glob("../fixtures/expected/rh-*/*.tsv")
	if len(tables) < 6 {
		t.Fatalf("%d OpenShift tables", len(tables))
	}
	anchor := regexp.MustCompile(`\(#([a-z-]+)\)\]$`)
	for _, table := range tables {
		data, err := os.ReadFile(table)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "#") || !strings.Contains(line, "differs:") && !strings.Contains(line, "for another reason:") {
				continue
			}
			m := anchor.FindStringSubmatch(line)
			if m == nil {
				t.Errorf("%s:%d: a difference with no entry of docs/differences/openshift.md", table, n+1)
				continue
			}
			if !strings.Contains(string(ocp), "{#"+m[1]+"}") {
				t.Errorf("%s:%d: #%s is no entry of docs/differences/openshift.md", table, n+1, m[1])
			}
		}
	}
}
