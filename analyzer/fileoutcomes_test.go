package analyzer

import (
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
)

// TestFileOutcomes pins what a file leaf says beside its state: the
// observed text, the reason an undecided one gives, and each citation
// (member, locator, observed), for each way a file set resolves. The
// states alone let mutants of the messages and citations live (issue 15).
func TestFileOutcomes(t *testing.T) {
	stats := []bundle.Stat{
		file("/etc/kubernetes/manifests/kube-apiserver.yaml", "0600", "root", "root"),
		file("/etc/kubernetes/admin.conf", "0644", "root", "root"),
		file("/etc/kubernetes/loose.conf", "0666", "root", "root"),
		{Path: "/etc/kubernetes/secret.conf", Error: "lstat: permission denied", ErrorKind: "permission"},
		{Path: "/etc/kubernetes/gone.conf", Error: "lstat: no such file or directory", ErrorKind: "not-exist"},
		{Path: "/etc/kubernetes/kubelet.conf", Type: "symlink", Link: "/etc/kubernetes/admin.conf", Mode: "0777", UID: intp(0), GID: intp(0)},
		{Path: "/etc/kubernetes/pki", Type: "dir", Mode: "0755", UID: intp(0), GID: intp(0), User: "root", Group: "root"},
		file("/etc/kubernetes/pki/ca.crt", "0644", "root", "root"),
		file("/etc/kubernetes/pki/ca.key", "0600", "root", "root"),
		file("/etc/kubernetes/pki/apiserver.key", "0640", "root", "root"),
	}
	stats = append(stats, bundle.Stat{Path: "/etc/kubernetes/dangling.conf", Type: "symlink", Link: "/etc/kubernetes/none.conf", Mode: "0777", UID: intp(0), GID: intp(0)})
	n := testNode(t, []bundle.Process{proc("kube-apiserver", "--kubeconfig=/etc/kubernetes/kubelet.conf",
		"--token-auth-file=/etc/kubernetes/uncollected.csv", "--audit-policy-file=/etc/kubernetes/dangling.conf", "--service-account-key-file=/etc/kubernetes/gone.conf")}, stats, nil)
	tests := []struct {
		test             string
		state            state
		observed, reason string
		cites            []string
	}{
		{"file: {paths: [/etc/kubernetes/admin.conf]}\nop: mode\nvalue: \"600\"",
			failed, "permissions=644", "",
			[]string{"stat.json|/etc/kubernetes/admin.conf mode|0644"}},
		{"file: {paths: [/etc/kubernetes/manifests/kube-apiserver.yaml]}\nop: owner\nvalue: root:root",
			passed, "root:root", "",
			[]string{"stat.json|/etc/kubernetes/manifests/kube-apiserver.yaml owner|root:root"}},
		{"file: {flag: kubeconfig}\nop: mode\nvalue: \"644\"",
			passed, "permissions=644", "",
			[]string{"processes.json|pid 114 kube-apiserver argv[1]|--kubeconfig=/etc/kubernetes/kubelet.conf", "stat.json|/etc/kubernetes/kubelet.conf link|/etc/kubernetes/admin.conf", "stat.json|/etc/kubernetes/admin.conf mode|0644"}},
		{"file: {paths: [/etc/kubernetes/gone.conf]}\nop: mode\nvalue: \"644\"",
			undecided, "no file: /etc/kubernetes/gone.conf", "no such file on the node: no file: /etc/kubernetes/gone.conf",
			[]string{"stat.json|/etc/kubernetes/gone.conf error|lstat: no such file or directory"}},
		{"file: {paths: [/etc/kubernetes/gone.conf]}\nop: mode\nvalue: \"644\"\nabsent: fail",
			failed, "no file: /etc/kubernetes/gone.conf", "",
			[]string{"stat.json|/etc/kubernetes/gone.conf error|lstat: no such file or directory"}},
		{"file: {paths: [/etc/kubernetes/secret.conf]}\nop: mode\nvalue: \"644\"",
			undecided, "/etc/kubernetes/secret.conf could not be examined: lstat: permission denied", "/etc/kubernetes/secret.conf could not be examined: lstat: permission denied",
			[]string{"stat.json|/etc/kubernetes/secret.conf error|lstat: permission denied"}},
		{"file: {under: /etc/kubernetes/pki, name: \"*.key\"}\nop: mode\nvalue: \"600\"",
			failed, "1 of 2 files fail: /etc/kubernetes/pki/apiserver.key 0640", "",
			[]string{"stat.json|/etc/kubernetes/pki/apiserver.key mode|0640", "stat.json|/etc/kubernetes/pki/ca.key mode|0600"}},
		{"file: {under: /etc/kubernetes/pki, name: \"*\", type: file}\nop: owner\nvalue: root:root",
			passed, "all 3 files pass", "",
			[]string{"stat.json|/etc/kubernetes/pki/apiserver.key owner|root:root", "stat.json|/etc/kubernetes/pki/ca.crt owner|root:root", "stat.json|/etc/kubernetes/pki/ca.key owner|root:root"}},
		{"file: {under: /etc/kubernetes/pki, name: \"*.crt\"}\nop: mode\nvalue: \"644\"",
			passed, "permissions=644", "",
			[]string{"stat.json|/etc/kubernetes/pki/ca.crt mode|0644"}},
		{"file: {paths: [/etc/kubernetes/admin.conf, /etc/kubernetes/never.conf], every: true}\nop: mode\nvalue: \"644\"",
			undecided, "permissions=644; /etc/kubernetes/never.conf was not collected", "/etc/kubernetes/never.conf was not collected",
			[]string{"stat.json|/etc/kubernetes/admin.conf mode|0644"}},
		{"file: {paths: [/etc/kubernetes/secret.conf, /etc/kubernetes/loose.conf], every: true}\nop: mode\nvalue: \"644\"",
			failed, "permissions=666", "",
			[]string{"stat.json|/etc/kubernetes/secret.conf error|lstat: permission denied", "stat.json|/etc/kubernetes/loose.conf mode|0666"}},
		{"file: {paths: [/etc/kubernetes/secret.conf, /etc/kubernetes/admin.conf], every: true}\nop: mode\nvalue: \"644\"",
			undecided, "permissions=644; /etc/kubernetes/secret.conf could not be examined: lstat: permission denied", "/etc/kubernetes/secret.conf could not be examined: lstat: permission denied",
			[]string{"stat.json|/etc/kubernetes/secret.conf error|lstat: permission denied", "stat.json|/etc/kubernetes/admin.conf mode|0644"}},
		{"file: {paths: [/etc/kubernetes/never.conf, /etc/kubernetes/other.conf], every: true}\nop: mode\nvalue: \"644\"",
			undecided, "no file: /etc/kubernetes/never.conf, /etc/kubernetes/other.conf; /etc/kubernetes/never.conf was not collected; /etc/kubernetes/other.conf was not collected", "/etc/kubernetes/never.conf was not collected; /etc/kubernetes/other.conf was not collected",
			nil},
		{"file: {paths: [/etc/kubernetes/admin.conf, /etc/kubernetes/loose.conf, /etc/kubernetes/manifests/kube-apiserver.yaml], every: true}\nop: mode\nvalue: \"644\"",
			failed, "1 of 3 files fail: /etc/kubernetes/loose.conf 0666", "",
			[]string{"stat.json|/etc/kubernetes/admin.conf mode|0644", "stat.json|/etc/kubernetes/loose.conf mode|0666", "stat.json|/etc/kubernetes/manifests/kube-apiserver.yaml mode|0600"}},
		{"file: {under: /nowhere}\nop: mode\nvalue: \"644\"",
			undecided, "/nowhere was not collected", "/nowhere was not collected",
			nil},
		// named by a flag: a path with no record, a link to one, a file
		// that does not exist
		{"file: {flag: token-auth-file}\nop: mode\nvalue: \"600\"",
			undecided, "/etc/kubernetes/uncollected.csv was not collected", "/etc/kubernetes/uncollected.csv was not collected",
			[]string{"processes.json|pid 114 kube-apiserver argv[2]|--token-auth-file=/etc/kubernetes/uncollected.csv"}},
		{"file: {flag: audit-policy-file}\nop: mode\nvalue: \"600\"",
			undecided, "/etc/kubernetes/dangling.conf was not collected", "/etc/kubernetes/dangling.conf was not collected",
			[]string{"processes.json|pid 114 kube-apiserver argv[3]|--audit-policy-file=/etc/kubernetes/dangling.conf"}},
		{"file: {flag: service-account-key-file}\nop: mode\nvalue: \"600\"\nabsent: fail",
			failed, "/etc/kubernetes/gone.conf does not exist", "",
			[]string{"processes.json|pid 114 kube-apiserver argv[4]|--service-account-key-file=/etc/kubernetes/gone.conf", "stat.json|/etc/kubernetes/gone.conf error|lstat: no such file or directory"}},
		{"file: {paths: [/etc/kubernetes/admin.conf]}\nop: exists",
			passed, "file", "",
			[]string{"stat.json|/etc/kubernetes/admin.conf type|file"}},
	}
	for _, tt := range tests {
		o := evalTest(leaf(t, tt.test), "kube-apiserver", n)
		var cites []string
		for _, c := range o.cites {
			cites = append(cites, strings.TrimPrefix(c.Member, "facts/")+"|"+c.Locator+"|"+c.Observed)
		}
		if o.state != tt.state || strings.Join(o.observed, "; ") != tt.observed || o.reason != tt.reason || strings.Join(cites, "\n") != strings.Join(tt.cites, "\n") {
			t.Errorf("%s:\n got %v %q reason %q\n  %s\nwant %v %q reason %q\n  %s", tt.test, o.state, strings.Join(o.observed, "; "), o.reason, strings.Join(cites, "\n  "),
				tt.state, tt.observed, tt.reason, strings.Join(tt.cites, "\n  "))
		}
	}
}
