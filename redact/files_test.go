package redact

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/kubeproof/kubeproof/internal/canary"
)

var update = flag.Bool("update", false, "rewrite redact/testdata/files/*.golden")

// canaryRE marks the secrets planted in the test inputs.
var canaryRE = regexp.MustCompile(`KPCANARY[A-Za-z0-9]+`)

// goldenFiles are the test inputs with the node path each stands for (the
// path tells the file's kind) and what must survive their redaction word
// for word. A "" golden means the file is not copied at all.
var goldenFiles = []struct {
	file, path string
	copied     bool
	keeps      []string
}{
	{"admin.conf", "/etc/kubernetes/admin.conf", true, []string{"client-certificate-data: LS0t", "certificate-authority-data: LS0t", "server: https://10.0.0.10:6443"}},
	{"bootstrap-kubelet.conf", "/etc/kubernetes/bootstrap-kubelet.conf", true, []string{"tokenFile: /var/lib/kubelet/token", "username: admin", "command: aws-iam-authenticator", "name: AWS_PROFILE", "- -i"}},
	{"encryption-config.yaml", "/etc/kubernetes/encryption-config.yaml", true, []string{"- name: key1", "- name: key2", "endpoint: unix:///tmp/socketfile.sock", "- secrets", "- secretbox:", "timeout: 3s"}},
	{"10-kubeadm.conf", "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", true, []string{"--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf", "EnvironmentFile=-/etc/default/kubelet", `"NO_PROXY=10.0.0.0/8"`, "http://<redacted:", "$KUBELET_KUBEADM_ARGS", "--v=2"}},
	{"kube-apiserver.yaml", "/etc/kubernetes/manifests/kube-apiserver.yaml", true, []string{"--token-auth-file=/etc/kubernetes/known_tokens.csv", "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
		"--service-account-key-file=/etc/kubernetes/pki/sa.pub", "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
		"--enable-bootstrap-token-auth=true", "--service-account-max-token-expiration=48h", "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
		"automountServiceAccountToken: false", "secretName: bootstrap-token-abcdef", "key: token", "name: api-token", "- --etcd-password", "image: registry.k8s.io/kube-apiserver:v1.29.3"}},
	{"kubelet-client-current.pem", "/var/lib/kubelet/pki/kubelet-client-current.pem", false, nil},
	{"docker-config.json", "/root/.docker/config.json", false, nil},
	{"known_tokens.csv", "/etc/kubernetes/known_tokens.csv", false, nil},
	{"basic_auth.csv", "/etc/kubernetes/basic_auth.csv", false, nil},
	{"kubelet.env", "/etc/kubernetes/kubelet.env", true, []string{"--node-ip=10.0.0.21", "--hostname-override=node-1", "--kubeconfig=/etc/kubernetes/kubelet.conf", "PATH=/usr/local/bin:/usr/bin:/bin", `KUBELET_CLOUDPROVIDER=""`}},
	{"containerd-config.toml", "/etc/containerd/config.toml", false, nil},
	{"containerd-forms.toml", "/etc/containerd/config.toml", false, nil},
	{"secret.yaml", "/etc/kubernetes/addons/cloud-secret.yaml", false, nil},
	{"jwk.json", "/etc/kubernetes/oidc/jwk.json", false, nil},
	{"kubeadm-config.yaml", "/etc/kubernetes/kubeadm-config.yaml", true, []string{"token-auth-file: /etc/kubernetes/known_tokens.csv", `enable-bootstrap-token-auth: "true"`,
		"service-account-max-token-expiration: 48h", "unsafeSkipCAVerification: false", "- sha256:9a9b", `ttl: "24h"`, "apiServerEndpoint: 10.0.0.10:6443", "node-ip: 10.0.0.10"}},
	{"kubelet-config.yaml", "/var/lib/kubelet/config.yaml", true, []string{"readOnlyPort: 0", "clientCAFile: /etc/kubernetes/pki/ca.crt"}},
	{"kubelet-dropin.conf", "/etc/kubernetes/kubelet.conf.d/10-hardening.conf", true, []string{"readOnlyPort: 0", "protectKernelDefaults: true", "enabled: false"}},
	{"10-calico.conflist", "/etc/cni/net.d/10-calico.conflist", true, []string{`"etcd_key_file": "/etc/cni/net.d/calico-tls/etcd-key"`, `"type": "calico"`, `"mtu": 1440`}},
	{"cni-next-line.conflist", "/etc/cni/net.d/10-calico.conflist", true, []string{`"kubeconfig": "/etc/cni/net.d/calico-kubeconfig"`, `"mtu": 1440`, "@10.0.0.10:2379"}},
	{"webhook-crlf.kubeconfig", "/etc/kubernetes/webhook.kubeconfig", true, []string{"client-key: /etc/kubernetes/pki/webhook.key", "server: https://authn.example.com/authenticate"}},
	{"etcd.env", "/etc/etcd.env", true, []string{"ETCD_KEY_FILE=/etc/ssl/etcd/ssl/member-node1-key.pem", "ETCD_CLIENT_CERT_AUTH=true", "ETCD_DATA_DIR=/var/lib/etcd"}},
	{"commented.env", "/etc/default/etcd", true, []string{"--node-ip=10.0.0.5", "ETCD_DATA_DIR=/var/lib/etcd", "ETCD_AUTH_TOKEN=simple", "@10.0.0.1:2379,https://10.0.0.2:2379"}},
	{"audit-policy.yaml", "/etc/kubernetes/audit-policy.yaml", true, []string{"level: Metadata", `resources: ["secrets", "configmaps", "serviceaccounts/token"]`, `- "RequestReceived"`}},
	{"pod-tricky.yaml", "/etc/kubernetes/manifests/kube-vip.yaml", true, []string{"name: vip_password", "- name: ETCD_DATA_DIR\n      value: /var/lib/etcd", "--endpoints=https://127.0.0.1:2379", "name: Authorization", "path: /etc/kube-vip", "secretKeyRef: {name: vip-secret, key: password}"}},
	{"keys-in-kubeconfig.conf", "/etc/kubernetes/admin.conf", true, []string{"server: https://etcd01.k8sproductionaz1:6443"}},
	// systemd reads an unquoted value to the end of its line; AKS's labels
	// are the kubelet's --node-labels.
	{"aks-default-kubelet", "/etc/default/kubelet", true, []string{"--anonymous-auth=false", "--node-ip=10.224.0.6", "--kubeconfig=/var/lib/kubelet/kubeconfig",
		"--image-credential-provider-config=/var/lib/kubelet/credential-provider-config.yaml", "KUBELET_NODE_LABELS=kubernetes.azure.com/role=agent,agentpool=nodepool1"}},
	// A JSON document in /etc/default is no environment file.
	{"aks-kubeletconfig.json", "/etc/default/kubeletconfig.json", true, []string{`"protectKernelDefaults": true`, `"clientCAFile": "/etc/kubernetes/certs/ca.crt"`, `"mode": "Webhook"`}},
	// MicroK8s's args directory: flag files beside YAML documents.
	{"microk8s-eventconfig", "/var/snap/microk8s/current/args/eventconfig.yaml", true, []string{"qps: 5000", "burst: 20000", "type: Server"}},
	{"microk8s-apiserver-args", "/var/snap/microk8s/current/args/kube-apiserver", true, []string{"--client-ca-file=${SNAP_DATA}/certs/ca.crt", "--profiling=false", "--authorization-mode=RBAC,Node"}},
	// EKS's nodeadm passes the kubelet's flags in NODEADM_KUBELET_ARGS.
	// OpenShift's API server reads more flags from its KubeAPIServerConfig (JSON, one line).
	{"openshift-kube-apiserver-config.yaml", "/etc/kubernetes/static-pod-resources/kube-apiserver-pod-7/configmaps/config/config.yaml", true, []string{`"anonymous-auth":["true"]`, `"authorization-mode":["Scope","SystemMasters","RBAC","Node"]`,
		`"etcd-keyfile":["/etc/kubernetes/static-pod-resources/secrets/etcd-client/tls.key"]`, `"minTLSVersion":"VersionTLS12"`, `"servicesSubnet":"172.30.0.0/16"`, `"https://10.0.0.5:2379"`,
		`"serviceAccountPublicKeyFiles":["/etc/kubernetes/static-pod-resources/configmaps/sa-token-signing-certs"`}},
	{"nodeadm-environment", "/etc/eks/kubelet/environment", true, []string{"--node-ip=10.0.12.34", "--config=/etc/kubernetes/kubelet/config.json", "--config-dir=/etc/kubernetes/kubelet/config.json.d", "--cloud-provider=external"}},
}

// goldenVia is how the collector reaches a test input, where that decides
// its kind: the kubelet unit's EnvironmentFile= names nodeadm's file.
var goldenVia = map[string]Via{
	"nodeadm-environment": {Component: "kubelet", Key: "EnvironmentFile"},
}

func TestFileGolden(t *testing.T) {
	ins, err := filepath.Glob("testdata/files/*.in")
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != len(goldenFiles) {
		t.Errorf("%d inputs in testdata/files, %d in the table: keep them in step", len(ins), len(goldenFiles))
	}
	r := New(nil)
	planted := 0
	for _, g := range goldenFiles {
		t.Run(g.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "files", g.file+".in"))
			if err != nil {
				t.Fatal(err)
			}
			var cs []canary.Canary
			for _, m := range canaryRE.FindAll(in, -1) {
				cs = append(cs, canary.Canary{Value: string(m)})
			}
			planted += len(cs)
			f := r.File(g.path, in, goldenVia[g.file])
			if !g.copied {
				if f.Data != nil {
					t.Fatalf("copied as %q; want no copy", f.Type)
				}
				if f.Skipped == "" {
					t.Error("no reason given for the missing copy")
				}
				return
			}
			if f.Data == nil {
				t.Fatalf("not copied: %s", f.Skipped)
			}
			out := f.Data
			golden := filepath.Join("testdata", "files", g.file+".golden")
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./redact -update)", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("redaction of %s changed (go test ./redact -update if intended):\n%s", g.file, out)
			}
			for _, h := range canary.NewScanner(cs).Find(out) {
				t.Errorf("canary %s survived: …%s…", h.Canary.Value, h.Text)
			}
			for _, k := range g.keeps {
				if !bytes.Contains(out, []byte(k)) {
					t.Errorf("lost %q", k)
				}
			}
			checkInvariants(t, r, g.path, goldenVia[g.file], in, f)
		})
	}
	if planted < 75 {
		t.Errorf("only %d canaries planted in the inputs: the test would prove little", planted)
	}
}

// checkInvariants holds for every redaction: the copy has the input's
// lines; redacting it again changes nothing; YAML that the components'
// parser reads, it still reads, with the same keys.
func checkInvariants(t *testing.T, r *Redactor, name string, via Via, in []byte, f File) {
	t.Helper()
	if got, want := bytes.Count(f.Data, []byte("\n")), bytes.Count(in, []byte("\n")); got != want {
		t.Errorf("%d lines in the copy, %d in the file", got, want)
	}
	again := r.File(name, f.Data, via)
	if !bytes.Equal(again.Data, f.Data) || again.Redactions != 0 {
		t.Errorf("redacting the copy again changes it (%d more):\n%s", again.Redactions, again.Data)
	}
	if f.Type == "systemd" || f.Type == "env" || f.Type == "flags" {
		return
	}
	var before, after []yamlv3.Node
	if !decodeAll(in, &before) {
		return
	}
	if !decodeAll(f.Data, &after) {
		t.Fatalf("the input parses as YAML, the copy does not:\n%s", f.Data)
	}
	if len(before) != len(after) {
		t.Fatalf("%d documents, %d in the copy", len(before), len(after))
	}
	for i := range before {
		sameShape(t, "", &before[i], &after[i])
	}
}

func decodeAll(data []byte, docs *[]yamlv3.Node) bool {
	dec := yamlv3.NewDecoder(bytes.NewReader(data))
	for {
		var n yamlv3.Node
		err := dec.Decode(&n)
		if err != nil {
			return err.Error() == "EOF"
		}
		*docs = append(*docs, n)
	}
}

// sameShape checks that b has a's structure: the same kinds, keys and
// sequence lengths, and every scalar either a's or a marker.
func sameShape(t *testing.T, path string, a, b *yamlv3.Node) {
	t.Helper()
	if a.Kind != b.Kind {
		t.Errorf("%s: kind %v became %v", path, a.Kind, b.Kind)
		return
	}
	switch a.Kind {
	case yamlv3.ScalarNode:
		if a.Value != b.Value && !ContainsMarker(b.Value) {
			t.Errorf("%s: %q became %q", path, a.Value, b.Value)
		}
	case yamlv3.MappingNode, yamlv3.SequenceNode, yamlv3.DocumentNode:
		if len(a.Content) != len(b.Content) {
			t.Errorf("%s: %d children became %d", path, len(a.Content), len(b.Content))
			return
		}
		for i := range a.Content {
			p := path
			if a.Kind == yamlv3.MappingNode && i%2 == 1 {
				p += "." + a.Content[i-1].Value
			}
			sameShape(t, p, a.Content[i], b.Content[i])
		}
	}
}

// TestMarkersAreKeyed: with a key, markers carry a digest that tells equal
// values apart from different ones, and never the digest of another key.
func TestMarkersAreKeyed(t *testing.T) {
	plain := New(nil)
	if got := plain.Marker("admin123"); got != "<redacted:8>" {
		t.Errorf("unkeyed marker %q", got)
	}
	a, b := New([]byte("fleet key one, thirty-two bytes!")), New([]byte("fleet key two, thirty-two bytes!"))
	ma, ma2, mb := a.Marker("admin123"), a.Marker("admin123"), b.Marker("admin123")
	if ma != ma2 || ma == mb || !IsMarker(ma) || !IsMarker(mb) {
		t.Errorf("keyed markers %q %q %q", ma, ma2, mb)
	}
	if a.Marker("admin124") == ma {
		t.Error("two values, one marker")
	}
	if !strings.HasPrefix(ma, "<redacted:8:"+a.KeyID()+":") || a.KeyID() == b.KeyID() || len(a.KeyID()) != len("hmac-12345678") {
		t.Errorf("marker %q, key ids %q %q", ma, a.KeyID(), b.KeyID())
	}
	// A marker holds nothing that splits a command line or a list.
	for _, m := range []string{ma, plain.Marker("x")} {
		if strings.ContainsAny(m, " \t,=\"#'\n") {
			t.Errorf("marker %q holds a separator", m)
		}
	}
	for _, s := range []string{"<redacted:1675 bytes>", "<redacted:>", "<redacted:8:hmac-zz:00>", "redacted:8", "<redacted:8"} {
		if IsMarker(s) {
			t.Errorf("IsMarker(%q)", s)
		}
	}
	if !IsMarker("<redacted: 1675 bytes, sha256:0123456789abcdef>") {
		t.Error("format-1 markers are markers")
	}
}

// BenchmarkFile redacts every test input once per iteration.
func BenchmarkFile(b *testing.B) {
	type input struct {
		name string
		data []byte
	}
	var ins []input
	size := 0
	for _, g := range goldenFiles {
		data, err := os.ReadFile(filepath.Join("testdata", "files", g.file+".in"))
		if err != nil {
			b.Fatal(err)
		}
		ins = append(ins, input{g.path, data})
		size += len(data)
	}
	r := New([]byte("a fleet key of thirty-two bytes!"))
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, in := range ins {
			r.File(in.name, in.data, Via{})
		}
	}
}
