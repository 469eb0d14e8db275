package collector

import (
	"bytes"
	"context"
	"errors"
	"github.com/kubeproof/kubeproof/bundle"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func TestRoles(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"kube-apiserver", "etcd", "kubelet"}, []string{"etcd", "master", "node"}},
		{[]string{"kubelet", "kube-proxy"}, []string{"node"}},
		{[]string{"k3s-server"}, []string{"master", "node"}},
		{nil, []string{}},
	}
	for _, tt := range tests {
		if got := roles(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("roles(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestPathsInArgs(t *testing.T) {
	argv := []string{"kube-apiserver",
		"--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
		"--client-ca-file", "/etc/kubernetes/pki/ca.crt",
		"--enable-admission-plugins=NodeRestriction",
		"--etcd-servers=https://127.0.0.1:2379",
		"--kube-apiserver-arg=audit-policy-file=/etc/k3s/audit.yaml",
		"--cni-conf-dir=/etc/cni/net.d,/opt/cni/extra",
		"--v", "2",
		"--root-dir=/proc/1/root", // pseudo file systems are never collected
		"--glob=/etc/*.conf",
	}
	got := pathsInArgs(argv)
	want := []flagPath{
		{"tls-cert-file", "/etc/kubernetes/pki/apiserver.crt"},
		{"client-ca-file", "/etc/kubernetes/pki/ca.crt"},
		{"audit-policy-file", "/etc/k3s/audit.yaml"},
		{"cni-conf-dir", "/etc/cni/net.d"},
		{"cni-conf-dir", "/opt/cni/extra"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pathsInArgs:\n got %v\nwant %v", got, want)
	}
}

func TestPathsInText(t *testing.T) {
	text := `apiVersion: v1
spec:
  containers:
  - command:
    - kube-apiserver
    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    - --etcd-servers=https://127.0.0.1:2379/x
    image: registry.tke.com/library/kube-apiserver:v1.20.4
    volumeMounts:
    - mountPath: /etc/kubernetes/pki
  - name: x
    hostPath:
      path: "/etc/ssl/certs"
clusters:
- cluster:
    certificate-authority: /etc/kubernetes/pki/ca.crt
    server: https://10.0.0.1:6443
EnvironmentFile=-/etc/sysconfig/kubelet
ExecStart=/usr/bin/kubelet $KUBELET_ARGS
staticPodPath: /etc/kubernetes/manifests
`
	got := pathsInText([]byte(text))
	want := []flagPath{
		{"tls-cert-file", "/etc/kubernetes/pki/apiserver.crt"},
		{"mountPath", "/etc/kubernetes/pki"},
		{"path", "/etc/ssl/certs"},
		{"certificate-authority", "/etc/kubernetes/pki/ca.crt"},
		{"EnvironmentFile", "/etc/sysconfig/kubelet"},
		{"ExecStart", "/usr/bin/kubelet"},
		{"staticPodPath", "/etc/kubernetes/manifests"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pathsInText:\n got %v\nwant %v", got, want)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		path                 string
		secret, cert, config bool
	}{
		{"/etc/kubernetes/pki/apiserver.key", true, false, false},
		{"/etc/kubernetes/pki/apiserver.crt", false, true, false},
		{"/var/lib/kubelet/pki/kubelet-client-current.pem", false, true, false},
		{"/etc/kubernetes/pki/apiserver-key.pem", true, true, false},
		{"/etc/kubernetes/known_tokens.csv", true, false, false},
		{"/etc/kubernetes/basic_auth.csv", true, false, false},
		{"/etc/kubernetes/admin.conf", false, false, true},
		{"/var/lib/kubelet/config.yaml", false, false, true},
		{"/etc/sysconfig/kubelet", false, false, true},
		{"/etc/cni/net.d/10-flannel.conflist", false, false, true},
		{"/opt/cni/bin/bridge", false, false, false},
		{"/usr/bin/kubelet", false, false, false},
		{"/etc/kubernetes/pki/sa.pub", false, false, false},
	}
	for _, tt := range tests {
		if got := secretName(tt.path); got != tt.secret {
			t.Errorf("secretName(%q) = %v", tt.path, got)
		}
		if got := certName(tt.path); got != tt.cert {
			t.Errorf("certName(%q) = %v", tt.path, got)
		}
		if got := configName(tt.path); got != tt.config {
			t.Errorf("configName(%q) = %v", tt.path, got)
		}
	}
	for key, want := range map[string]bool{
		"tls-private-key-file": true, "token-auth-file": true, "basic-auth-file": true,
		"service-account-key-file": true, "kubeconfig": false, "tls-cert-file": false,
		"client-ca-file": false, "encryption-provider-config": false, "etcd-keyfile": true,
	} {
		if got := secretKey(key); got != want {
			t.Errorf("secretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestSpecErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no files dir", map[string]string{"procs.tsv": "kubelet\t\n"}, "missing files/"},
		{"bad mode", map[string]string{"files/etc/a": "x", "attrs.tsv": "/etc/a 0999 root root\n"}, `attrs.tsv:1: bad octal mode "0999"`},
		{"unknown owner", map[string]string{"files/etc/a": "x", "attrs.tsv": "# c\n/etc/a 0600 etcd root\n"}, `attrs.tsv:2: unknown owner "etcd"`},
		{"missing path", map[string]string{"files/etc/a": "x", "attrs.tsv": "/var/lib/etcd 0700 root root\n"}, "is not in files/"},
		{"bad kind", map[string]string{"files/etc/a": "x", "attrs.tsv": "/x 0700 root root socket\n"}, `kind "socket"`},
		{"relative path", map[string]string{"files/etc/a": "x", "attrs.tsv": "etc/a 0700 root root\n"}, "not a clean absolute path"},
		{"bad users", map[string]string{"files/etc/a": "x", "users.tsv": "etcd x 1\n"}, "users.tsv:1: bad uid"},
		{"short attrs", map[string]string{"files/etc/a": "x", "attrs.tsv": "/etc/a 0600\n"}, "want PATH MODE OWNER GROUP"},
		{"exe first", map[string]string{"files/etc/a": "x", "procs.tsv": "+exe\t/usr/local/bin/kubelet\n"}, "procs.tsv:1: +exe before any process"},
		{"relative exe", map[string]string{"files/etc/a": "x", "procs.tsv": "kubelet\t\n+exe\tbin/kubelet\n"}, `procs.tsv:2: +exe "bin/kubelet"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				p := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, []byte(content), 0o644)
			}
			_, err := loadSpec(dir)
			var se *SpecError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a *SpecError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestSpecAttrs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	write("files/etc/kubernetes/admin.conf", "kind: Config\n")
	write("users.tsv", "etcd 998 996 /var/lib/etcd /sbin/nologin\n")
	write("attrs.tsv", "/etc/kubernetes/admin.conf 0600 - -\n/var/lib/etcd 0700 etcd etcd dir\n/etc/kubernetes - root etcd\n")
	write("procs.tsv", "etcd\t--data-dir=/var/lib/etcd  --name=m1\n/usr/bin/kubelet\t\nkube-proxy\t--v=2\n+exe\t/usr/local/bin/kube-proxy\n")
	s, err := loadSpec(dir)
	if err != nil {
		t.Fatal(err)
	}
	check := func(p string, want fileInfo) {
		t.Helper()
		got, err := s.lstat(p)
		if err != nil {
			t.Fatalf("lstat %s: %v", p, err)
		}
		if got != want {
			t.Errorf("lstat %s = %+v, want %+v", p, got, want)
		}
	}
	check("/etc/kubernetes/admin.conf", fileInfo{typ: "file", mode: 0o600, size: 13})
	check("/var/lib/etcd", fileInfo{typ: "dir", mode: 0o700, uid: 998, gid: 996})
	check("/var/lib", fileInfo{typ: "dir", mode: 0o755})
	check("/etc/kubernetes", fileInfo{typ: "dir", mode: 0o755, gid: 996})
	procs, _ := s.processes()
	// A bare ARGV0 has no executable unless a +exe line names it (a
	// container's process, whose binary /proc/PID/exe opens).
	if len(procs) != 3 || !reflect.DeepEqual(procs[0].argv, []string{"etcd", "--data-dir=/var/lib/etcd", "--name=m1"}) || procs[0].exe != "" ||
		procs[1].exe != "/usr/bin/kubelet" || procs[2].exe != "/usr/local/bin/kube-proxy" || procs[2].comm != "kube-proxy" {
		t.Errorf("processes = %+v", procs)
	}
	if names, _ := s.readDir("/var/lib"); !reflect.DeepEqual(names, []string{"etcd"}) {
		t.Errorf("readDir /var/lib = %v", names)
	}
}

// TestHostSourceConfined: symlinks in a root directory resolve inside it,
// loops end with an error, and special files are never opened.
func TestHostSourceConfined(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "etc/kubernetes"), 0o755))
	must(os.WriteFile(filepath.Join(root, "etc/kubernetes/admin.conf"), []byte("inside"), 0o600))
	must(os.WriteFile(filepath.Join(outside, "secret"), []byte("outside"), 0o600))
	must(os.Symlink("/etc/kubernetes/admin.conf", filepath.Join(root, "etc/abs-link")))
	must(os.Symlink("../../../../../../"+outside+"/secret", filepath.Join(root, "etc/escape")))
	must(os.Symlink("loop-b", filepath.Join(root, "etc/loop-a")))
	must(os.Symlink("loop-a", filepath.Join(root, "etc/loop-b")))
	must(syscall.Mkfifo(filepath.Join(root, "etc/fifo"), 0o644))
	s, err := newHostSource(root)
	must(err)

	if data, err := s.readFile("/etc/abs-link", 100); err != nil || string(data) != "inside" {
		t.Errorf("absolute link: %q, %v; want the file inside the root", data, err)
	}
	if data, err := s.readFile("/etc/escape", 100); err == nil {
		t.Errorf("link escaping the root read %q", data)
	}
	if _, err := s.readFile("/etc/loop-a", 100); errorKind(err) != "loop" {
		t.Errorf("symlink loop: %v (kind %s), want a loop error", err, errorKind(err))
	}
	if _, err := s.readFile("/etc/fifo", 100); errorKind(err) != "special-file" {
		t.Errorf("fifo: %v, want special-file", err)
	}
	if fi, err := s.lstat("/etc/abs-link"); err != nil || fi.typ != "symlink" || fi.link != "/etc/kubernetes/admin.conf" {
		t.Errorf("lstat link = %+v, %v", fi, err)
	}
	if fi, err := s.lstat("/etc/kubernetes/admin.conf"); err != nil || fi.mode != 0o600 || fi.typ != "file" {
		t.Errorf("lstat file = %+v, %v", fi, err)
	}
	data, err := s.readFile("/etc/kubernetes/admin.conf", 3)
	if !errors.Is(err, errTooLarge) || string(data) != "ins" {
		t.Errorf("capped read = %q, %v", data, err)
	}
}

// TestPathNotUTF8: a file name that is not valid UTF-8 keeps its bytes in
// path_b64 (JSON strings hold only UTF-8).
func TestPathNotUTF8(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "etc/kubernetes/manifests")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	name := "kube-apiserver\xff.yaml"
	if err := os.WriteFile(filepath.Join(dir, name), []byte("kind: Pod\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(root, "proc"), 0o755)
	res, err := Collect(context.Background(), Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Read(bytes.NewReader(res.Bundle), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var st bundle.Stats
	if err := b.DecodeJSON(bundle.StatPath, &st); err != nil {
		t.Fatal(err)
	}
	want := "/etc/kubernetes/manifests/" + name
	found := false
	for _, s := range st.Files {
		if string(s.PathB64) == want {
			found = true
			if s.Mode != "0600" {
				t.Errorf("mode %s, want 0600", s.Mode)
			}
		} else if s.PathB64 != nil {
			t.Errorf("path_b64 set on %q", s.Path)
		}
	}
	if !found {
		t.Errorf("no stat record keeps %q byte for byte", want)
	}
	var probs bundle.Problems
	if err := b.DecodeJSON(bundle.ProblemsPath, &probs); err != nil {
		t.Fatal(err)
	}
	if len(probs.Problems) != 1 || !strings.Contains(probs.Problems[0].Message, "not valid UTF-8") || !res.Partial() {
		t.Errorf("problems %+v, partial %v: want the missing copy recorded", probs.Problems, res.Partial())
	}
}

func TestExpandUnitSpecifiers(t *testing.T) {
	for _, tt := range []struct{ path, in, want string }{
		{"/usr/local/lib/systemd/system/rke2-server.service", "EnvironmentFile=-/usr/local/lib/systemd/system/%N.env", "EnvironmentFile=-/usr/local/lib/systemd/system/rke2-server.env"},
		{"/etc/systemd/system/kubelet.service.d/10-x.conf", "EnvironmentFile=/etc/default/%N\nDescription=%n 100%%", "EnvironmentFile=/etc/default/kubelet\nDescription=kubelet.service 100%"},
		{"/etc/systemd/system/etcd@a.service", "ExecStart=/usr/bin/etcd --name %i --data-dir /var/lib/%p/%i", "ExecStart=/usr/bin/etcd --name a --data-dir /var/lib/etcd/a"},
		{"/etc/systemd/system/k3s.service", "no specifier", "no specifier"},
	} {
		if got := string(expandUnitSpecifiers(tt.path, []byte(tt.in))); got != tt.want {
			t.Errorf("%s: %q → %q, want %q", tt.path, tt.in, got, tt.want)
		}
	}
}
