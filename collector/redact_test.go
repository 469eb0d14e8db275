package collector

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

var updateRedact = flag.Bool("update-redact", false, "rewrite collector/testdata/redact/*.golden")

// redactCanary marks the secrets planted in test inputs; none may survive.
var redactCanary = regexp.MustCompile(`(?i)kpcanary[a-z0-9_]*`)

// redactGoldens are the golden inputs with the node path each stands for
// (the path is the hint for the file kind).
var redactGoldens = []struct {
	file string
	path string
}{
	{"admin.conf", "/etc/kubernetes/admin.conf"},
	{"bootstrap-kubelet.conf", "/etc/kubernetes/bootstrap-kubelet.conf"},
	{"encryption-config.yaml", "/etc/kubernetes/encryption-config.yaml"},
	{"10-kubeadm.conf", "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf"},
	{"kube-apiserver.yaml", "/etc/kubernetes/manifests/kube-apiserver.yaml"},
	{"kubelet-client-current.pem", "/var/lib/kubelet/pki/kubelet-client-current.pem"},
	{"docker-config.json", "/root/.docker/config.json"},
	{"known_tokens.csv", "/etc/kubernetes/known_tokens.csv"},
	{"basic_auth.csv", "/etc/kubernetes/basic_auth.csv"},
	{"kubelet.env", "/etc/kubernetes/kubelet.env"},
	{"containerd-config.toml", "/etc/containerd/config.toml"},
	{"secret.yaml", "/etc/kubernetes/addons/cloud-secret.yaml"},
	{"kubeadm-config.yaml", "/etc/kubernetes/kubeadm-config.yaml"},
	{"kubelet-config.yaml", "/var/lib/kubelet/config.yaml"},
	{"10-calico.conflist", "/etc/cni/net.d/10-calico.conflist"},
	{"webhook-crlf.kubeconfig", "/etc/kubernetes/webhook.kubeconfig"},
	{"etcd.env", "/etc/etcd.env"},
	{"audit-policy.yaml", "/etc/kubernetes/audit-policy.yaml"},
}

// redactKeeps are values that must survive redaction word for word: the
// paths and settings the checks read.
var redactKeeps = map[string][]string{
	"admin.conf": {"client-certificate-data: LS0t", "certificate-authority-data: LS0t", "server: https://10.0.0.10:6443"},
	"bootstrap-kubelet.conf": {"tokenFile: /var/lib/kubelet/token", "username: admin", "client-id: kubernetes",
		"value: production", "idp-issuer-url: https://accounts.example.com"},
	"encryption-config.yaml": {"- name: key1", "- name: key2", "endpoint: unix:///tmp/socketfile.sock", "- secrets", "- secretbox:"},
	"10-kubeadm.conf": {"--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf", "--token-auth-file=/etc/kubernetes/known_tokens.csv",
		`"NO_PROXY=10.0.0.0/8"`, "http://proxyuser:"},
	"kube-apiserver.yaml": {"--token-auth-file=/etc/kubernetes/known_tokens.csv", "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
		"--service-account-key-file=/etc/kubernetes/pki/sa.pub", "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
		"--enable-bootstrap-token-auth=true", "--service-account-max-token-expiration=48h", "--etcd-keyfile=",
		"automountServiceAccountToken: false", "secretName: bootstrap-token-abcdef", "value: \"4\"", "key: token", "name: api-token"},
	"kubelet-client-current.pem": {"-----BEGIN CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----", "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="},
	"docker-config.json":         {`"email":"ops@example.com"`, `"ecr-login"`},
	"known_tokens.csv":           {`,admin,admin,"system:masters"`},
	"kubelet.env": {"KUBELET_TOKEN_FILE=/var/lib/kubelet/token", "--discovery-token-ca-cert-hash sha256:9a9b",
		"--kubeconfig=/etc/kubernetes/kubelet.conf", `KUBELET_CLOUDPROVIDER=""`},
	"containerd-config.toml": {`key_file = "/etc/containerd/certs.d/client.key"`, `username = "robot$ci"`, `auth = ""`},
	"secret.yaml":            {"log-level: info", "name: cloud-config"},
	"kubeadm-config.yaml": {"token-auth-file: /etc/kubernetes/known_tokens.csv", `enable-bootstrap-token-auth: "true"`,
		"service-account-max-token-expiration: 48h", "unsafeSkipCAVerification: false", "- sha256:9a9b", `ttl: "24h"`},
	"10-calico.conflist":      {`"etcd_key_file": "/etc/cni/net.d/calico-tls/etcd-key"`},
	"webhook-crlf.kubeconfig": {"client-key: /etc/kubernetes/pki/webhook.key"},
	"etcd.env":                {"ETCD_KEY_FILE=/etc/ssl/etcd/ssl/member-node1-key.pem", "ETCD_CLIENT_CERT_AUTH=true"},
}

func redactGoldenPath(file, ext string) string { return filepath.Join("testdata", "redact", file+ext) }

func TestRedactGolden(t *testing.T) {
	ins, err := filepath.Glob(redactGoldenPath("*", ".in"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != len(redactGoldens) {
		t.Fatalf("%d golden inputs in testdata/redact, %d in the table: keep them in step", len(ins), len(redactGoldens))
	}
	planted := 0
	for _, g := range redactGoldens {
		t.Run(g.file, func(t *testing.T) {
			in, err := os.ReadFile(redactGoldenPath(g.file, ".in"))
			if err != nil {
				t.Fatal(err)
			}
			out, n := Redact(g.path, in)
			checkRedacted(t, g.path, in, out, n)
			planted += len(redactCanary.FindAll(in, -1))
			for _, k := range redactKeeps[g.file] {
				if !bytes.Contains(out, []byte(k)) {
					t.Errorf("%q was redacted: it is not a secret", k)
				}
			}
			if len(redactCanary.FindAll(in, -1)) == 0 && n != 0 {
				t.Errorf("%d redactions in an input with no secret", n)
			}
			golden := redactGoldenPath(g.file, ".golden")
			if *updateRedact {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestRedactGolden -update-redact)", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("output differs from %s (run with -update-redact and review the diff):\n%s", golden, redactLineDiff(want, out))
			}
		})
	}
	if planted < 40 {
		t.Errorf("only %d canaries planted in the golden inputs: the test would prove little", planted)
	}
}

// checkRedacted asserts the properties every redaction has.
func checkRedacted(t *testing.T, name string, in, out []byte, n int) {
	t.Helper()
	if got, want := bytes.Count(out, []byte("\n")), bytes.Count(in, []byte("\n")); got != want {
		t.Fatalf("%d lines out, %d in", got, want)
	}
	for _, c := range redactCanary.FindAll(in, -1) {
		if bytes.Contains(out, c) {
			t.Errorf("redactCanary %s survived", c)
		}
	}
	if m := countRedactionMarkers(out) - countRedactionMarkers(in); m != n {
		t.Errorf("n = %d, but %d markers were added", n, m)
	}
	kind := kindOf(name, in)
	inLines, outLines := strings.Split(string(in), "\n"), strings.Split(string(out), "\n")
	for i := range inLines {
		a, b := inLines[i], outLines[i]
		if a == b {
			continue
		}
		trimmed := strings.TrimSpace(b)
		switch {
		case trimmed == "":
			// a line inside a multi-line secret
		case strings.HasSuffix(a, b) && !strings.Contains(b, markerPrefix):
			// the rest of the last line of a multi-line secret
		case !strings.Contains(b, markerPrefix):
			t.Errorf("line %d changed with no marker:\n in: %q\nout: %q", i+1, a, b)
		default:
			if p := redactStructure(kind, a); !strings.HasPrefix(b, p) {
				t.Errorf("line %d lost its structure %q:\n in: %q\nout: %q", i+1, p, a, b)
			}
		}
	}
	again, n2 := Redact(name, out)
	if n2 != 0 || !bytes.Equal(again, out) {
		t.Errorf("redacting the output again replaced %d values:\n%s", n2, redactLineDiff(out, again))
	}
}

// redactStructure is the part of a line that redaction must leave alone: the
// indentation, sequence dashes and key of a YAML or JSON line, the name
// of a KEY=value line.
func redactStructure(kind redactKind, line string) string {
	switch kind {
	case kindCSV:
		return ""
	case kindShell:
		if i := strings.IndexByte(line, '='); i >= 0 {
			return line[:i+1]
		}
		n, _ := indentOf([]byte(line))
		return line[:n]
	}
	y := parseYAML([]byte(line))
	if y.isKey {
		k := bytes.IndexByte([]byte(line[y.keyCol:]), ':')
		// the key may be quoted and hold a colon: take the colon before the value
		for k >= 0 && y.keyCol+k+1 < len(line) && line[y.keyCol+k+1] != ' ' && line[y.keyCol+k+1] != '\t' {
			j := strings.IndexByte(line[y.keyCol+k+1:], ':')
			if j < 0 {
				break
			}
			k += j + 1
		}
		return line[:y.keyCol+k+1]
	}
	return line[:y.keyCol]
}

func countRedactionMarkers(b []byte) int {
	n := 0
	for i := bytes.Index(b, []byte(markerPrefix)); i >= 0; {
		if m := markerAt(b, i); m > 0 {
			n++
			i += m
		} else {
			i++
		}
		j := bytes.Index(b[i:], []byte(markerPrefix))
		if j < 0 {
			break
		}
		i += j
	}
	return n
}

// redactLineDiff shows the lines that differ.
func redactLineDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			fmt.Fprintf(&b, "line %d\n  want %q\n  got  %q\n", i+1, a, c)
		}
	}
	return b.String()
}

func TestRedactCases(t *testing.T) {
	const (
		yml   = "/etc/kubernetes/x.yaml"
		conf  = "/etc/kubernetes/admin.conf"
		json  = "/etc/cni/net.d/10-x.conflist"
		unit  = "/etc/systemd/system/kubelet.service.d/20-x.conf"
		env   = "/etc/default/kubelet"
		toml  = "/etc/containerd/config.toml"
		csv   = "/etc/kubernetes/known_tokens.csv"
		pemf  = "/etc/kubernetes/pki/x.pem"
		plain = "/var/snap/microk8s/current/args/kube-apiserver"
	)
	// Markers of the values used below.
	var (
		abc  = redactionMarker([]byte("abc"), false)
		abcP = redactionMarker([]byte("abc"), true)
	)
	cases := []struct {
		name, path, in, want string
		n                    int
	}{
		// YAML keys and scalar styles.
		{"plain token", conf, "token: abc\n", `token: "` + abc + "\"\n", 1},
		{"double-quoted token", conf, `token: "abc"`, `token: "` + abc + `"`, 1},
		{"single-quoted secret", yml, "secret: 'abc'", "secret: '" + abc + "'", 1},
		{"password has no hash", conf, "password: abc # comment\n", `password: "` + abcP + "\" # comment\n", 1},
		{"list item key", conf, "- token: abc\n  name: x\n", `- token: "` + abc + "\"\n  name: x\n", 1},
		{"nested list item key", yml, "  - - bearerToken: abc\n", `  - - bearerToken: "` + abc + "\"\n", 1},
		{"quoted key", yml, `"token": abc`, `"token": "` + abc + `"`, 1},
		{"key case", yml, "Password: abc\nAPIKey: abc\napi-key: abc\nprivate-key: abc\nprivateKey: abc\n",
			`Password: "` + abcP + "\"\nAPIKey: \"" + abc + "\"\napi-key: \"" + abc + "\"\nprivate-key: \"" + abc + "\"\nprivateKey: \"" + abc + "\"\n", 5},
		{"tag and anchor", yml, "token: !!str &t abc\n", `token: !!str &t "` + abc + "\"\n", 1},
		{"literal block", yml, "secret: |\n  abc\n  def\n\nnext: 1\n",
			"secret: |\n  " + redactionMarker([]byte("abc\ndef\n"), false) + "\n\n\nnext: 1\n", 1},
		{"folded strip block", yml, "a:\n  secret: >-\n    abc\n      def\n  b: 1\n",
			"a:\n  secret: >-\n    " + redactionMarker([]byte("abc\n  def"), false) + "\n\n  b: 1\n", 1},
		{"value on the next line", yml, "token:\n  abc\n  def\nb: 1\n", "token:\n  \"" + redactionMarker([]byte("abc\n  def"), false) + "\"\n\nb: 1\n", 1},
		{"multi-line double quotes", yml, "token: \"abc\n  def\" # c\nb: 1\n", "token: \"" + redactionMarker([]byte("abc\n  def"), false) + "\"\n # c\nb: 1\n", 1},
		{"multi-line plain", yml, "token: abc\n  def\nb: 1\n", "token: \"" + redactionMarker([]byte("abc\n  def"), false) + "\"\n\nb: 1\n", 1},
		{"unclosed quote runs to the end", yml, "token: \"abc\nb: 1\n", "token: \"" + redactionMarker([]byte("abc\nb: 1"), false) + "\"\n\n", 1},
		{"secret data", yml, "apiVersion: v1\ndata:\n  ca.crt: abc\n  other: |\n    abc\nkind: Secret\n---\ndata:\n  ca.crt: abc\n",
			"apiVersion: v1\ndata:\n  ca.crt: \"" + abcP + "\"\n  other: |\n    " + redactionMarker([]byte("abc\n"), true) + "\nkind: Secret\n---\ndata:\n  ca.crt: abc\n", 2},
		{"pod env", yml, "env:\n- name: ETCD_PASSWORD\n  value: abc\n- name: PATH\n  value: /bin\n",
			"env:\n- name: ETCD_PASSWORD\n  value: \"" + abcP + "\"\n- name: PATH\n  value: /bin\n", 1},
		{"encryption secret", yml, "keys:\n- name: key1\n  secret: abc\n", "keys:\n- name: key1\n  secret: \"" + abc + "\"\n", 1},
		{"flow mapping", yml, "keys: [{name: key1, secret: abc}]\n", "keys: [{name: key1, secret: \"" + abc + "\"}]\n", 1},

		// JSON.
		{"json pairs", json, `{"token": "abc", "password":"abc", "auth": 123, "name": "x"}`,
			`{"token": "` + abc + `", "password":"` + abcP + `", "auth": "` + redactionMarker([]byte("123"), true) + `", "name": "x"}`, 3},
		{"json env", json, `[{"name": "A_TOKEN", "value": "abc"}, {"name": "B", "value": "c"}]`,
			`[{"name": "A_TOKEN", "value": "` + abc + `"}, {"name": "B", "value": "c"}]`, 1},
		{"json args", json, "[\"--token\", \"abc\",\n\"--password\",\n\"abc\"]", "[\"--token\", \"" + abc + "\",\n\"--password\",\n\"" + abcP + "\"]", 2},

		// PEM private keys.
		{"rsa key", pemf, "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n",
			redactionMarker([]byte("-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n"), false) + "\n\n\n", 1},
		{"indented key in block", yml, "tls.crt: |\n  -----BEGIN EC PRIVATE KEY-----\n  abc\n  -----END EC PRIVATE KEY-----\nb: 1\n",
			"tls.crt: |\n  " + redactionMarker([]byte("-----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY-----\n"), false) + "\n\n\nb: 1\n", 1},
		{"key without END", pemf, "-----BEGIN PRIVATE KEY-----\nabc\n-----BEGIN CERTIFICATE-----\nxyz\n-----END CERTIFICATE-----\n",
			redactionMarker([]byte("-----BEGIN PRIVATE KEY-----\nabc\n"), false) + "\n\n-----BEGIN CERTIFICATE-----\nxyz\n-----END CERTIFICATE-----\n", 1},
		{"key in a JSON string", json, `{"pem": "x\n-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n"}`,
			`{"pem": "x\n` + redactionMarker([]byte(`-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----`), false) + `\n"}`, 1},
		{"malformed BEGIN line", pemf, "-----BEGIN ENCRYPTED PRIVATE KEY\nabc\n", redactionMarker([]byte("-----BEGIN ENCRYPTED PRIVATE KEY\nabc\n"), false) + "\n\n", 1},
		{"base64 key anywhere", yml, "foo: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCmFiYw==\n",
			"foo: \"" + redactionMarker([]byte("LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCmFiYw=="), false) + "\"\n", 1},
		{"wrapped base64 key", yml, "foo: |\n  LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t\n  Cm\n",
			"foo: |\n  " + redactionMarker([]byte("LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCm"), false) + "\n\n", 1},

		// Env, systemd, TOML.
		{"env file", env, "A_TOKEN=abc\nexport DB_PASSWORD='abc'\nPASSWD=a b c\nSECRET_FILE=/etc/x\n",
			"A_TOKEN=\"" + abc + "\"\nexport DB_PASSWORD='" + abcP + "'\nPASSWD=\"" + redactionMarker([]byte("a b c"), true) + "\"\nSECRET_FILE=/etc/x\n", 3},
		{"systemd environment", unit, `Environment="A_TOKEN=abc" "B=c" MY_PRIVATE_KEY=abc`,
			`Environment="A_TOKEN=` + abc + `" "B=c" MY_PRIVATE_KEY="` + abc + `"`, 2},
		{"toml", toml, "  password = \"abc\"\n  auth = ''\n", "  password = \"" + abcP + "\"\n  auth = ''\n", 1},

		// Flags.
		{"flag forms", plain, "--token=abc --password abc --etcd-password=\"abc\" --bootstrap-token=abc --discovery-token abc --certificate-key=abc",
			`--token="` + abc + `" --password "` + abcP + `" --etcd-password="` + abcP + `" --bootstrap-token="` + abc + `" --discovery-token "` + abc + `" --certificate-key="` + abc + `"`, 6},
		{"flags in a plain YAML item", yml, "- --token=abc\n- kubeadm join --token abc --x\n",
			"- '--token=" + abc + "'\n- 'kubeadm join --token " + abc + " --x'\n", 2},
		{"flag then its value", yml, "- --token\n# c\n- abc\n- --v=2\n", "- --token\n# c\n- \"" + abc + "\"\n- --v=2\n", 1},
		{"flag continued", unit, "ExecStart=/bin/kubeadm join --token \\\n  abc \\\n  --v=2\n", "ExecStart=/bin/kubeadm join --token \\\n  \"" + abc + "\" \\\n  --v=2\n", 1},
		{"bootstrap token anywhere", yml, "# kubeadm join --discovery-token-ca-cert-hash x abcdef.0123456789abcdef\n",
			"# kubeadm join --discovery-token-ca-cert-hash x " + redactionMarker([]byte("abcdef.0123456789abcdef"), false) + "\n", 1},
		{"url password", yml, "server: https://admin:abc@h:6443/x\n", "server: 'https://admin:" + abcP + "@h:6443/x'\n", 1},
		{"url token user", env, "REPO=https://abc@github.com/x\n", "REPO=https://" + abc + "@github.com/x\n", 1},

		// CSV.
		{"token csv", csv, "abc,user,1,\"g1,g2\"\n\"abc\",u,2\n# c\n", abcP + ",user,1,\"g1,g2\"\n\"" + abcP + "\",u,2\n# c\n", 2},

		// CRLF keeps its line ends.
		{"crlf", yml, "token: |\r\n  abc\r\n  def\r\nb: 1\r\n", "token: |\r\n  " + redactionMarker([]byte("abc\ndef\n"), false) + "\r\n\r\nb: 1\r\n", 1},

		// Not secrets.
		{"paths", conf, "client-key: /etc/kubernetes/pki/x.key\ntokenFile: /var/run/t\nkeyFile: /k\npasswordFile: /p\n", "", 0},
		{"path flags", yml, "- --token-auth-file=/etc/t.csv\n- --tls-private-key-file=/k\n- --service-account-key-file=/k\n- --basic-auth-file=/b\n", "", 0},
		{"settings", yml, "- --enable-bootstrap-token-auth=true\n- --service-account-max-token-expiration=48h\n- --discovery-token-ca-cert-hash sha256:abc\n- --token-ttl 24h\n", "", 0},
		{"booleans", yml, "automountServiceAccountToken: false\nencryptSecrets: true\n", "", 0},
		{"names", yml, "secretName: abc\ntokenSecretName: x\nsecretKeyRef:\n  name: x\n  key: token\n", "", 0},
		{"collections", yml, "secretbox:\n  keys:\n  - name: k\nsecret:\n  name: x\nbootstrapToken:\n  apiServerEndpoint: x\nsecrets: [a]\n", "", 0},
		{"empty values", yml, "token: \"\"\npassword: null\nsecret: ~\ntoken:\n", "", 0},
		{"kms endpoint", yml, "- kms:\n    name: p\n    endpoint: unix:///tmp/s.sock\n", "", 0},
		{"certificate data", conf, "certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n", "", 0},
		{"certificate and public key", pemf, "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n", "", 0},
		{"env paths", env, "ETCD_KEY_FILE=/k\nKUBE_TOKEN_TTL=24h\n", "", 0},
		{"hosts", yml, "server: https://node-1.example.com:6443\nimage: registry.k8s.io/pause:3.9\n", "", 0},
		{"markers stay", yml, "token: \"" + abc + "\"\n- '--token=" + abc + "'\n", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := c.want
			if c.n == 0 && want == "" {
				want = c.in
			}
			out, n := Redact(c.path, []byte(c.in))
			if string(out) != want || n != c.n {
				t.Errorf("Redact(%q)\n got %d: %q\nwant %d: %q", c.in, n, out, c.n, want)
			}
			checkRedacted(t, c.path, []byte(c.in), out, n)
		})
	}
}

func TestRedactNothingSameSlice(t *testing.T) {
	in := []byte("kind: Config\n")
	out, n := Redact("/x.yaml", in)
	if n != 0 || &out[0] != &in[0] {
		t.Errorf("Redact with nothing to redact copied the data (n=%d)", n)
	}
	if out, n := Redact("/x", nil); len(out) != 0 || n != 0 {
		t.Errorf("Redact(nil) = %q, %d", out, n)
	}
}

func TestRedactMarker(t *testing.T) {
	// sha256("abc") = ba7816bf8f01cfea414140de5dae2223…
	if got, want := redactionMarker([]byte("abc"), false), "<redacted: 3 bytes, sha256:ba7816bf8f01cfea>"; got != want {
		t.Errorf("marker = %q, want %q", got, want)
	}
	if got, want := redactionMarker([]byte("abc"), true), "<redacted: 3 bytes>"; got != want {
		t.Errorf("password marker = %q, want %q", got, want)
	}
	for _, s := range []string{"<redacted: 3 bytes>", "<redacted: 0 bytes, sha256:ba7816bf8f01cfea>"} {
		if markerAt([]byte(s), 0) != len(s) {
			t.Errorf("markerAt(%q) does not see a marker", s)
		}
	}
	for _, s := range []string{"<redacted: bytes>", "<redacted: 3 bytes", "<redacted: 3 bytes, sha256:ba78>", "<redacted: 3 bytes, sha256:BA7816BF8F01CFEA>"} {
		if markerAt([]byte(s), 0) != 0 {
			t.Errorf("markerAt(%q) sees a marker", s)
		}
	}
}

func TestRedactKind(t *testing.T) {
	cases := []struct {
		path, data string
		want       redactKind
	}{
		{"/etc/kubernetes/admin.conf", "apiVersion: v1\n", kindYAML},
		{"/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "[Service]\n", kindShell},
		{"/etc/kubernetes/x.conf", "# c\n[Service]\n", kindShell},
		{"/etc/cni/net.d/10-flannel.conf", "\n {\"name\": 1}", kindJSON},
		{"/etc/crio/crio.conf", "[crio]\n", kindShell},
		{"/var/lib/kubelet/kubeadm-flags.env", "A=1\n", kindShell},
		{"/etc/kubernetes/kubelet", "KUBELET_ARGS=1\n", kindShell},
		{"/var/snap/microk8s/current/args/kubelet", "--v=2\n", kindShell},
		{"/etc/kubernetes/basic_auth.csv", "a,b,c\n", kindCSV},
		{"/etc/kubernetes/other.csv", "a,b,c\n", kindShell},
		{"/etc/kubernetes/manifests/etcd.yaml", "[a, b]\n", kindYAML},
		{"/etc/kubernetes/x.conf", "-----BEGIN RSA PRIVATE KEY-----\n--v=2\n", kindShell},
		{"/etc/kubernetes/x.conf", "<redacted: 3 bytes>\n--v=2\n", kindShell},
	}
	for _, c := range cases {
		if got := kindOf(c.path, []byte(c.data)); got != c.want {
			t.Errorf("kindOf(%q, %q) = %d, want %d", c.path, c.data, got, c.want)
		}
	}
}

func TestRedactClassify(t *testing.T) {
	cases := []struct {
		name  string
		want  secretClass
		exact bool
	}{
		{"token", secretHashed, true},
		{"client-key-data", secretHashed, true},
		{"password", secretPassword, true},
		{"ETCD_PASSWORD", secretPassword, false},
		{"auth", secretPassword, true},
		{"AWS_SECRET_ACCESS_KEY", secretHashed, false},
		{"etcd-password", secretPassword, false},
		{"discovery-token", secretHashed, false},
		{"tlsBootstrapToken", secretHashed, false},
		{"client-key", notSecret, false},
		{"tokenFile", notSecret, false},
		{"token-auth-file", notSecret, false},
		{"tls-private-key-file", notSecret, false},
		{"enable-bootstrap-token-auth", notSecret, false},
		{"service-account-max-token-expiration", notSecret, false},
		{"discovery-token-ca-cert-hash", notSecret, false},
		{"secretName", notSecret, false},
		{"key", notSecret, false},
		{"authorization-mode", notSecret, false},
		{"secure-port", notSecret, false},
		{"endpoint", notSecret, false},
	}
	for _, c := range cases {
		got, exact := classifyName([]byte(c.name))
		if got != c.want || got != notSecret && exact != c.exact {
			t.Errorf("classifyName(%q) = %d, %v; want %d, %v", c.name, got, exact, c.want, c.exact)
		}
	}
}

// redactSeeds returns the golden inputs with their node paths, for the fuzz
// targets. A seed list that matched nothing would make the fuzzing weak.
func redactSeeds(t testing.TB) (paths []string, data [][]byte) {
	ins, err := filepath.Glob(redactGoldenPath("*", ".in"))
	if err != nil || len(ins) == 0 {
		t.Fatalf("no seed inputs in testdata/redact (%v)", err)
	}
	for _, g := range redactGoldens {
		b, err := os.ReadFile(redactGoldenPath(g.file, ".in"))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, g.path)
		data = append(data, b)
	}
	return paths, data
}

// FuzzRedact checks that redaction never panics, keeps the line count,
// changes nothing when it finds nothing, and is idempotent: redacting its
// own output finds nothing more.
func FuzzRedact(f *testing.F) {
	paths, data := redactSeeds(f)
	for i := range paths {
		f.Add(paths[i], data[i])
	}
	f.Fuzz(func(t *testing.T, name string, in []byte) {
		out, n := Redact(name, in)
		if got, want := bytes.Count(out, []byte("\n")), bytes.Count(in, []byte("\n")); got != want {
			t.Fatalf("%d lines out, %d in", got, want)
		}
		if n == 0 && !bytes.Equal(out, in) {
			t.Fatalf("output changed with no redaction")
		}
		if n < 0 || n > 0 && bytes.Equal(out, in) {
			t.Fatalf("n = %d but the output is the input", n)
		}
		again, n2 := Redact(name, out)
		if n2 != 0 || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent (%d more):\n in: %q\nout: %q\nagain: %q", n2, in, out, again)
		}
	})
}

// secretForms put a redactCanary in a secret position, for each kind of file.
var secretForms = map[redactKind][]string{
	kindYAML: {
		"token: %s", "password: \"%s\"", "secret: '%s'", "client-key-data: %s", "- bearerToken: %s",
		"secret: |\n  %s\n  %s", "token: >-\n    %s", "token:\n  %s", "privateKey: \"x\n  %s\"",
		"- --token=%s", "- --password\n- %s", "command: kubeadm join --token %s", "{name: k, secret: %s}",
		"- name: ETCD_PASSWORD\n  value: %s", "-----BEGIN RSA PRIVATE KEY-----\n%s\n-----END RSA PRIVATE KEY-----",
		"server: https://u:%s@h", `"api-key": "%s"`, "MY_TOKEN=%s",
	},
	kindJSON: {
		`"token": "%s"`, `{"auth":"%s"}`, `"password": %s`, `["--token", "%s"]`, `"--password=%s"`,
		`{"name": "X_SECRET", "value": "%s"}`, `"k": "-----BEGIN EC PRIVATE KEY-----\n%s\n-----END EC PRIVATE KEY-----"`,
	},
	kindShell: {
		"A_TOKEN=%s", "export DB_PASSWORD='%s'", `Environment="X_SECRET=%s" "Y=z"`, "Environment=MY_PASSWD=%s",
		"ExecStart=/bin/x --token=%s --v=2", "ExecStart=/bin/x --password %s", "x --token \\\n  %s",
		`password = "%s"`, "ARGS=\"--bootstrap-token '%s'\"",
	},
	kindCSV: {"%s,user,uid", `"%s",user,uid,"a,b"`},
}

// FuzzRedactCanary puts a redactCanary in a secret position between arbitrary
// text and checks that it never survives.
func FuzzRedactCanary(f *testing.F) {
	paths, data := redactSeeds(f)
	for i := range paths {
		half := len(data[i]) / 2
		f.Add(paths[i], data[i][:half], data[i][half:], uint8(i), uint8(i%3), "abc123")
	}
	f.Fuzz(func(t *testing.T, name string, prefix, suffix []byte, form, indent uint8, body string) {
		// The redactCanary is letters and digits: it is the value, whole.
		var b strings.Builder
		for _, c := range body {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				b.WriteRune(c)
			}
		}
		c := "KPCANARY" + b.String()
		// A canary the fuzzer wrote into the text around the form is in
		// no secret position (testdata/fuzz/FuzzRedactCanary/113c1f087c5060b9).
		if bytes.Contains(prefix, []byte("KPCANARY")) || bytes.Contains(suffix, []byte("KPCANARY")) {
			t.Skip("the canary stands outside the secret form")
		}
		var in []byte
		in = append(in, prefix...)
		in = append(in, '\n')
		mark := len(in)
		in = append(in, strings.Repeat(" ", int(indent%4)*2)...)
		in = append(in, "FORM"...)
		in = append(in, '\n')
		in = append(in, suffix...)
		// The form depends on the kind the whole file is read as.
		forms := secretForms[kindOf(name, bytes.Replace(in, []byte("FORM"), []byte("x"), 1))]
		s := strings.ReplaceAll(forms[int(form)%len(forms)], "%s", c)
		s = strings.ReplaceAll(s, "\n", "\n"+strings.Repeat(" ", int(indent%4)*2))
		in = append(in[:mark:mark], bytes.Replace(in[mark:], []byte("FORM"), []byte(s), 1)...)
		if kindOf(name, in) != kindOf(name, bytes.Replace(in, []byte(s), []byte("x"), 1)) {
			t.Skip("the form changes the kind of the file")
		}
		out, _ := Redact(name, in)
		if bytes.Contains(out, []byte(c)) {
			t.Fatalf("redactCanary survived:\n in: %q\nout: %q", in, out)
		}
	})
}

func redactCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestRedactLinear feeds inputs built to make a careless scanner
// quadratic and checks that 8 times the input costs about 8 times the time.
func TestRedactLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	rep := func(s string, size int) string { return strings.Repeat(s, size/len(s)+1) }
	gens := map[string]func(int) string{
		"base64 headers": func(n int) string { return rep("LS0tLS1CRUdJTiAAAAAA\n", n) },
		"wrapped key": func(n int) string {
			return "a: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB\n" + rep("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n", n)
		},
		"nested blocks": func(n int) string {
			var b strings.Builder
			for i := 0; b.Len() < n; i++ {
				b.WriteString(strings.Repeat(" ", i%2000) + "password: |\n")
			}
			return b.String()
		},
		"one-line flags":   func(n int) string { return "- " + rep("--token=a ", n) + "-----BEGIN PRIVATE KEY----- # x\n" },
		"one-line json":    func(n int) string { return "{" + rep(`"password": "x", `, n) + "}" },
		"keys without END": func(n int) string { return rep("-----BEGIN PRIVATE KEY-----\n", n) },
		"unclosed quotes":  func(n int) string { return rep("a: \"x\n", n) },
		"empty blocks":     func(n int) string { return "token: |\n" + rep("\n", n) },
		"marker blocks":    func(n int) string { return rep("token: |\n  <redacted: 1 bytes>\n", n) },
		"pod env":          func(n int) string { return rep("- name: A_TOKEN\n  value: x\n", n) },
		"long line":        func(n int) string { return rep("a", n) + ": b\n" },
		"markers":          func(n int) string { return rep("<redacted: 1 bytes>", n) },
	}
	cost := func(data []byte) time.Duration {
		best := time.Duration(1<<63 - 1)
		for range 3 {
			runtime.GC()
			t0 := redactCPUTime()
			Redact("/x/y", data)
			best = min(best, redactCPUTime()-t0)
		}
		return best
	}
	for name, g := range gens {
		small, big := []byte(g(1<<19)), []byte(g(4<<20))
		d1, d2 := cost(small), cost(big)
		// Linear: 8 times the time; quadratic: 64 times.
		if d2 > 24*max(d1, 5*time.Millisecond) {
			t.Errorf("%s: %v for %d bytes, %v for %d bytes: not linear", name, d1, len(small), d2, len(big))
		}
	}
}
