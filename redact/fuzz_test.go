package redact

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/internal/canary"
	"github.com/kubeproof/kubeproof/internal/fuzzseed"
)

// fuzzNames are node paths that make File read data as each kind it knows.
var fuzzNames = []string{
	"/etc/kubernetes/manifests/x.yaml", "/etc/kubernetes/admin.conf", "/etc/cni/net.d/10-x.conflist",
	"/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "/etc/default/kubelet",
	"/var/snap/microk8s/current/args/kube-apiserver", "/etc/etcd/etcd.conf.yml", "/etc/rancher/k3s/config.yaml",
}

// FuzzRedactFile: whatever a file holds, redaction never panics, keeps
// the file's lines, is idempotent, and leaves YAML readable with its shape.
func FuzzRedactFile(f *testing.F) {
	ins, _ := filepath.Glob("testdata/files/*.in")
	if len(ins) < 20 {
		f.Fatalf("only %d seed inputs", len(ins))
	}
	for _, p := range ins {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		// Each seed under the first name that copies it: a seed that is
		// not copied checks nothing of the copy (issue 15).
		which := slices.IndexFunc(fuzzNames, func(name string) bool { return New(nil).File(name, data, Via{}).Data != nil })
		if which < 0 {
			f.Fatalf("%s: no name copies it", p)
		}
		f.Add(uint8(which), data)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := fuzzNames[int(which)%len(fuzzNames)]
		r := New(nil)
		out := r.File(name, data, Via{})
		if out.Data == nil {
			if out.Skipped == "" {
				t.Fatal("no copy and no reason")
			}
			fuzzseed.Unexercised(t, fmt.Sprintf("%s is not copied: %s", name, out.Skipped))
			return
		}
		checkInvariants(t, r, name, Via{}, data, out)
	})
}

// canarySlots are configuration files with one place ("@@") where a
// secret stands: a value that is not a known setting. FuzzRedactCanary
// puts a canary there, in every quoting the format allows.
var canarySlots = []struct {
	name, text string
}{
	{"/etc/kubernetes/manifests/p.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    env:\n    - value: @@\n      name: X\n"},
	{"/etc/kubernetes/manifests/p.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    env: [{name: X, value: @@}]\n"},
	{"/etc/kubernetes/manifests/p.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command: [kube-apiserver, --oidc-client-secret=@@]\n"},
	{"/etc/kubernetes/manifests/p.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --password\n    - @@\n"},
	{"/etc/kubernetes/manifests/p.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    livenessProbe:\n      httpGet:\n        httpHeaders:\n        - value: @@\n          name: Authorization\n"},
	{"/etc/kubernetes/manifests/p.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    x: @@\n"},
	{"/etc/kubernetes/manifests/p.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - livenessProbe:\n      exec:\n        command: [etcdctl, --user=root:@@, get]\n"},
	{"/etc/kubernetes/manifests/p.yaml", "# password: @@\napiVersion: v1\nkind: Pod\n"},
	{"/etc/kubernetes/admin.conf", "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: @@\n"},
	{"/etc/kubernetes/admin.conf", "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://u:@@@host:6443\n"},
	{"/etc/kubernetes/admin.conf", "apiVersion: v1\nkind: Config\nusers:\n- user:\n    auth-provider:\n      config:\n        refresh-token: @@\n"},
	{"/etc/kubernetes/admin.conf", "apiVersion: v1\nkind: Config\nusers:\n- user:\n    exec:\n      command: helper\n      args: [--password, @@]\n"},
	{"/etc/kubernetes/enc.yaml", "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- providers:\n  - aescbc:\n      keys:\n      - secret: @@\n        name: k\n"},
	{"/var/lib/kubelet/config.yaml", "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nstaticPodURLHeader:\n  Authorization: [@@]\n"},
	{"/var/lib/kubelet/config.yaml", "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nnotAField:\n  deeper: @@\n"},
	{"/etc/kubernetes/kubeadm.yaml", "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nbootstrapTokens:\n- token: @@\n"},
	{"/etc/kubernetes/kubeadm.yaml", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - name: oidc-client-secret\n    value: @@\n"},
	{"/etc/cni/net.d/10-c.conflist", "{\"cniVersion\": \"0.3.1\", \"plugins\": [{\"type\": \"calico\", \"policy\": {\"k8s_auth_token\":\n @@}}]}\n"},
	{"/etc/systemd/system/kubelet.service.d/10.conf", "[Service]\nEnvironment=\"KUBELET_EXTRA_ARGS=--token=@@\"\n"},
	{"/etc/systemd/system/kubelet.service.d/10.conf", "[Service]\nEnvironment=VAULT_TOKEN=@@\n"},
	{"/etc/systemd/system/kubelet.service.d/10.conf", "[Service]\nExecStart=/usr/bin/kubelet --password @@\n"},
	{"/etc/systemd/system/kubelet.service.d/10.conf", "[Service]\n# token=@@\n"},
	{"/etc/default/kubelet", "KUBELET_EXTRA_ARGS=\"--node-ip=10.0.0.1 --bootstrap-token=@@\"\n"},
	{"/etc/default/etcd", "ETCD_INITIAL_CLUSTER_TOKEN=@@\n"},
	{"/etc/default/etcd", "ETCDCTL_USER=root:@@\n"},
	{"/etc/default/etcd", "export SECRET=@@ # note\n"},
	{"/var/snap/microk8s/current/args/kube-apiserver", "--token-auth-file=/x\n--oidc-client-secret @@\n"},
	{"/etc/etcd/etcd.conf.yml", "name: m1\ninitial-cluster-token: @@\n"},
	{"/etc/rancher/k3s/config.yaml", "token: @@\nkube-apiserver-arg:\n- oidc-client-secret=@@\n"},
}

// FuzzRedactCanary: a secret in any of the places above, written in any
// quoting, leaves no trace in the copy.
func FuzzRedactCanary(f *testing.F) {
	for i := range canarySlots {
		for style := 0; style < 4; style++ {
			f.Add(uint8(i), uint8(style), []byte("KPCfuzz0123456789abcdef"))
		}
	}
	f.Add(uint8(0), uint8(1), []byte("with spaces and # hash"))
	f.Add(uint8(9), uint8(0), []byte("p@ss:word/"))
	f.Fuzz(func(t *testing.T, slot, style uint8, raw []byte) {
		s := canarySlots[int(slot)%len(canarySlots)]
		// The canary: printable, no quote or backslash (the quoting is
		// the fuzzer's other input), at least one piece long.
		var b strings.Builder
		b.WriteString("KPC")
		for _, c := range raw {
			if c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\' && c != '@' && c != '#' {
				b.WriteByte(c)
			}
		}
		for b.Len() < canary.Piece {
			b.WriteString("x7")
		}
		secret := b.String()
		value := secret
		switch style % 4 {
		case 1:
			value = `"` + secret + `"`
		case 2:
			value = "'" + secret + "'"
		case 3:
			value = secret + " # trailing"
		}
		if strings.HasSuffix(s.name, ".conflist") {
			value = `"` + secret + `"` // JSON strings only
		}
		// In a flow collection a plain scalar ends at ',', ']' or '}':
		// what follows would be another entry, no longer the value.
		before := s.text[:strings.Index(s.text, "@@")]
		line := before[strings.LastIndexByte(before, '\n')+1:]
		flow := strings.ContainsAny(line, "[{")
		if flow && strings.ContainsAny(secret, ",[]{}") && value == secret {
			value = `"` + secret + `"`
		}
		// A comment in a flow collection ends the line, and the
		// collection goes on on the next, indented deeper.
		if flow && style%4 == 3 {
			value = secret + " # trailing\n" + strings.Repeat(" ", len(line)-len(strings.TrimLeft(line, " "))+2)
			if strings.ContainsAny(secret, ",[]{}") {
				value = `"` + secret + `"` + value[len(secret):]
			}
		}
		text := strings.ReplaceAll(s.text, "@@", value)
		out := New(nil).File(s.name, []byte(text), Via{})
		if out.Data == nil {
			// Not copied: nothing can leak, and nothing was tested.
			fuzzseed.Unexercised(t, fmt.Sprintf("%s is not copied (%s): %q", s.name, out.Skipped, text))
			return
		}
		sc := canary.NewScanner([]canary.Canary{{Value: secret}})
		if hits := sc.Find(out.Data); len(hits) > 0 {
			t.Fatalf("the secret survived in %s:\n in: %q\nout: %q", s.name, text, out.Data)
		}
		if !bytes.Contains(out.Data, []byte("<redacted:")) {
			t.Fatalf("no marker in %q", out.Data)
		}
	})
}
