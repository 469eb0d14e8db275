package redact

import (
	"slices"
	"testing"
)

// Tests of the YAML redaction walk (walk.go) through File, to the byte:
// the special values of the schemas (container, argv, args, flag,
// flagitem, envitem, envmap) with nodes of every shape where they expect
// one, the quoting of what replaces a value, and the edits (issue 15,
// make mutate). Each output below was checked by hand against the
// schema and the rule of the closed world: what is not known is redacted.

func TestWalkFiles(t *testing.T) {
	for _, tt := range []struct {
		name, in  string
		typ, want string
		n         int
	}{
		// A kubeconfig's exec plugin: command (a scalar) names the program, whose
		// arguments are not known; its env list's values are redacted unless known.
		{"/root/.kube/config", "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws-iam-authenticator\n      args: [\"token\", \"-i\", \"cluster\"]\n      env:\n      - name: AWS_PROFILE\n        value: prod\n      - {name: PATH, value: /bin}\n",
			"kubeconfig", "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws-iam-authenticator\n      args: [\"<redacted:5>\", \"-i\", \"<redacted:7>\"]\n      env:\n      - name: AWS_PROFILE\n        value: <redacted:4>\n      - {name: PATH, value: /bin}\n", 3},
		// A container: the image names the program (kube-apiserver), command and
		// args are one command line; an env value keeps its URL but the userinfo.
		{"/etc/kubernetes/manifests/a.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: registry.k8s.io/kube-apiserver:v1.30.2\n    args: [\"--token-auth-file=/x\", \"--oidc-client-secret=s\", '--v=2']\n    env:\n    - name: HTTPS_PROXY\n      value: 'http://u:p@h:3128'\n  - command: [/usr/local/bin/kube-apiserver, --token-auth-file=/x]\n    args:\n    - --basic-auth-file=/y\n    - --profiling=false\n",
			"pod", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: registry.k8s.io/kube-apiserver:v1.30.2\n    args: [\"--token-auth-file=/x\", \"--oidc-client-secret=<redacted:1>\", '--v=2']\n    env:\n    - name: HTTPS_PROXY\n      value: \"http://<redacted:3>@h:3128\"\n  - command: [/usr/local/bin/kube-apiserver, --token-auth-file=/x]\n    args:\n    - --basic-auth-file=/y\n    - --profiling=false\n", 2},
		// An image by digest, items that are not scalars, a command that is a
		// map, args that are a scalar, a first item that is a flag.
		{"/etc/kubernetes/manifests/a.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: registry.k8s.io/kube-apiserver@sha256:abc\n    args: [--oidc-client-secret=s, [x], {a: b}]\n  - image: etcd:3.5\n    command: {a: b}\n    args: x\n  - image: k\n    command: [\"--x\"]\n",
			"pod", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: registry.k8s.io/kube-apiserver@sha256:abc\n    args: [\"--oidc-client-secret=<redacted:1>\", [\"<redacted:1>\"], {a: \"<redacted:1>\"}]\n  - image: etcd:3.5\n    command: {a: \"<redacted:1>\"}\n    args: <redacted:1>\n  - image: k\n    command: [\"--x\"]\n", 5},
		// A key that holds key material; quoted, flow and plain values redacted
		// whole keep their style; a multi-line value of a setting; a comment.
		{"/etc/kubernetes/manifests/a.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a # the name\n  labels: {app: x, \"-----BEGIN RSA PRIVATE KEY-----\": y}\n  annotations: {secret: 'abc', other: \"a\\tb\", plain: text, partial: x}\nspec:\n  nodeName: |\n    n1\n  hostname: 'x''y'\n",
			"pod", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a # <redacted:9>\n  labels: {app: x, \"<redacted:31>\": y}\n  annotations: {secret: '<redacted:3>', other: \"<redacted:3>\", plain: \"<redacted:4>\", partial: \"<redacted:1>\"}\nspec:\n  nodeName: <redacted:3>\n\n  hostname: 'x''y'\n", 7},
		// etcd's config file: its keys are its flags; a flag's list is decided
		// item by item.
		{"/etc/etcd/etcd.yml", "name: n\nlisten-client-urls: [https://u:p@h:2379, \"https://h2:2379\"]\nauth-token: simple\nno-such-key: v\nclient-transport-security:\n  key-file: /k\n",
			"etcd-config", "name: n\nlisten-client-urls: [\"https://<redacted:3>@h:2379\", \"https://h2:2379\"]\nauth-token: simple\nno-such-key: <redacted:1>\nclient-transport-security:\n  key-file: /k\n", 2},
		// A flag's value that is a map, a setting that is a list: closed world.
		{"/etc/etcd/etcd.yml", "listen-client-urls: {a: https://u:p@h:2379}\nname: [a, {b: c}]\n",
			"etcd-config", "listen-client-urls: {a: \"<redacted:18>\"}\nname: [a, {b: \"<redacted:1>\"}]\n", 2},
		// k3s: "key+" is the flag key.
		{"/etc/rancher/k3s/config.yaml", "kube-apiserver-arg+:\n- oidc-client-secret=s\n- profiling=false\ntoken: abc\n",
			"k3s-config", "kube-apiserver-arg+:\n- oidc-client-secret=<redacted:1>\n- profiling=false\ntoken: <redacted:3>\n", 2},
		// kubeadm v1beta4: extraArgs as {name, value} items, extraEnvs; v1beta3
		// extraArgs as a map.
		{"/etc/kubernetes/kubeadm.yaml", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - name: oidc-client-secret\n    value: s\n  - name: profiling\n    value: \"false\"\n  extraEnvs:\n  - name: HTTP_PROXY\n    value: http://u:p@h\n  - name: SECRET\n    value: x\ncontrollerManager:\n  extraArgs:\n    profiling: \"false\"\n    no-such-flag: v\n",
			"kubeadm-cluster", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - name: oidc-client-secret\n    value: <redacted:1>\n  - name: profiling\n    value: \"false\"\n  extraEnvs:\n  - name: HTTP_PROXY\n    value: http://<redacted:3>@h\n  - name: SECRET\n    value: <redacted:1>\ncontrollerManager:\n  extraArgs:\n    profiling: \"false\"\n    no-such-flag: <redacted:1>\n", 4},
		// extraEnvs: a value that needs quoting, a value that is a map, name
		// after value, a name that is not a scalar.
		{"/etc/kubernetes/kubeadm.yaml", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraEnvs:\n  - name: HTTP_PROXY\n    value: http://u:p@h/a\tb\n  - name: NO_PROXY\n    value:\n      x: 1\n  - value: v\n    name: PATH\n  - {name: [x], value: v}\n",
			"kubeadm-cluster", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraEnvs:\n  - name: HTTP_PROXY\n    value: \"http://<redacted:3>@h/a\\tb\"\n  - name: NO_PROXY\n    value:\n      x: <redacted:1>\n  - value: v\n    name: PATH\n  - {name: [\"<redacted:1>\"], value: \"<redacted:1>\"}\n", 4},
		// extraArgs and extraEnvs of the wrong shape.
		{"/etc/kubernetes/kubeadm.yaml", "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs: [oidc-client-secret]\n  extraEnvs: {a: b}\n",
			"kubeadm-cluster", "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs: [\"<redacted:18>\"]\n  extraEnvs: {a: \"<redacted:1>\"}\n", 2},
		// A credential provider: args of a program whose flags are not known.
		{"/etc/kubernetes/cred.yaml", "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n- name: ecr\n  args: [get-credentials, --token, t]\n  env:\n  - name: AWS_PROFILE\n    value: p\n",
			"credential-provider", "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n- name: ecr\n  args: [\"<redacted:15>\", --token, \"<redacted:1>\"]\n  env:\n  - name: AWS_PROFILE\n    value: <redacted:1>\n", 3},
	} {
		f := New(nil).File(tt.name, []byte(tt.in), Via{})
		if f.Type != tt.typ || string(f.Data) != tt.want || f.Redactions != tt.n {
			t.Errorf("File(%s, %q)\n = %s %q (%d redactions, skipped %q)\nwant %s %q (%d)", tt.name, tt.in, f.Type, f.Data, f.Redactions, f.Skipped, tt.typ, tt.want, tt.n)
		}
	}
}

// TestContainerProgram: a container's args are read as a command line of
// the program its command or image names; when neither names one, no
// argument is taken for a program path and kept whole. (":v1" named no
// program, and "--oidc-client-secret=s" was kept as the program.)
func TestContainerProgram(t *testing.T) {
	const head = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
	for _, tt := range []struct {
		in, want string
		n        int
	}{
		{"  - image: \":v1\"\n    args: [--oidc-client-secret=s, --v=2]\n",
			"  - image: \":v1\"\n    args: [\"--oidc-client-secret=<redacted:1>\", \"--v=<redacted:1>\"]\n", 2},
		{"  - image: reg/:v1\n    args: [--oidc-client-secret=s]\n",
			"  - image: reg/:v1\n    args: [\"--oidc-client-secret=<redacted:1>\"]\n", 1},
		{"  - args: [--oidc-client-secret=s]\n",
			"  - args: [\"--oidc-client-secret=<redacted:1>\"]\n", 1},
		{"  - image: {a: b}\n    args: [--oidc-client-secret=s]\n",
			"  - image: {a: \"<redacted:1>\"}\n    args: [\"--oidc-client-secret=<redacted:1>\"]\n", 2},
		// An empty command: the image's entrypoint runs the args.
		{"  - image: registry.k8s.io/kube-apiserver:v1.30.2\n    command: []\n    args: [--oidc-client-secret=s, --v=2]\n",
			"  - image: registry.k8s.io/kube-apiserver:v1.30.2\n    command: []\n    args: [\"--oidc-client-secret=<redacted:1>\", --v=2]\n", 1},
		// A command whose first item is no scalar names no program.
		{"  - command: [[x], --oidc-client-secret=s]\n",
			"  - command: [[\"<redacted:1>\"], \"--oidc-client-secret=<redacted:1>\"]\n", 2},
		{"  - image: k\n    lifecycle:\n      postStart:\n        exec:\n          command: [{a: b}, --oidc-client-secret=s]\n",
			"  - image: k\n    lifecycle:\n      postStart:\n        exec:\n          command: [{a: \"<redacted:1>\"}, \"--oidc-client-secret=<redacted:1>\"]\n", 2},
	} {
		f := New(nil).File("/etc/kubernetes/manifests/a.yaml", []byte(head+tt.in), Via{})
		if string(f.Data) != head+tt.want || f.Redactions != tt.n {
			t.Errorf("File(%q)\n = %q (%d redactions)\nwant %q (%d)", tt.in, f.Data, f.Redactions, head+tt.want, tt.n)
		}
	}
}

func TestPlainSafe(t *testing.T) {
	for _, v := range []string{"ok", "a:b", "a#b", "a-b", "/p", "1.5", "a b", "<redacted:3>", "x<redacted:1>"} {
		if !plainSafe(v) {
			t.Errorf("plainSafe(%q) = false", v)
		}
	}
	for _, v := range []string{"", " a", "a ", "\ta", "a: b", "a #b", "a\nb", "a\rb", "a\tb",
		"-a", "?a", ":a", ",a", "[a", "]a", "{a", "}a", "#a", "&a", "*a", "!a", "|a", ">a", "'a", "\"a", "%a", "@a", "`a"} {
		if plainSafe(v) {
			t.Errorf("plainSafe(%q) = true", v)
		}
	}
}

func TestDoubleQuote(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", `""`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"\n\t\r", `"\n\t\r"`},
		{"\x00\x01\x0f\x10\x1f", `"\u0000\u0001\u000f\u0010\u001f"`},
		{" ~\x7fé", "\" ~\x7fé\""},
	} {
		if got := doubleQuote(tt.in); got != tt.want {
			t.Errorf("doubleQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestImageProgram(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"registry.k8s.io/kube-apiserver:v1.30.2", "kube-apiserver"},
		{"registry.k8s.io/kube-apiserver@sha256:abc", "kube-apiserver"},
		{"registry.k8s.io/etcd:3.5.12-0@sha256:abc", "etcd"},
		{"localhost:5000/etcd", "etcd"},
		{"etcd", "etcd"},
		{":v1", ""},
		{"reg/:v1", ""},
	} {
		if got := imageProgram(tt.in); got != tt.want {
			t.Errorf("imageProgram(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestApplyEdits: edits in order of their start (ties in the order they
// were made), a later overlapping one dropped, and every line break they
// replace put back, "\r\n" as such.
func TestApplyEdits(t *testing.T) {
	for _, tt := range []struct {
		src   string
		edits []edit
		want  string
	}{
		{"abcdef", nil, "abcdef"},
		{"abcdef", []edit{{4, 5, "E"}, {0, 1, "A"}}, "AbcdEf"},
		{"abcdef", []edit{{0, 3, "X"}, {2, 4, "Y"}, {4, 6, "Z"}}, "XdZ"},
		{"abcdef", []edit{{1, 2, "first"}, {1, 3, "second"}}, "afirstcdef"},
		{"abcdef", []edit{{3, 4, "c"}, {1, 2, "a"}, {2, 3, "b"}, {0, 1, "z"}}, "zabcef"},
		{"a: x\n  y\nb: 1\n", []edit{{3, 8, "M"}}, "a: M\n\nb: 1\n"},
		{"a: x\r\n  y\r\nb: 1\r\n", []edit{{3, 9, "M"}}, "a: M\r\n\r\nb: 1\r\n"},
		{"\nx\r\n", []edit{{0, 2, "M"}}, "M\n\r\n"},
		{"x\ry\n", []edit{{1, 3, "M"}}, "xM\n"},
	} {
		es := slices.Clone(tt.edits)
		if got := string(applyEdits([]byte(tt.src), es)); got != tt.want {
			t.Errorf("applyEdits(%q, %v) = %q, want %q", tt.src, tt.edits, got, tt.want)
		}
	}
}
