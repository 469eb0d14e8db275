package redact

import (
	"slices"
	"strings"
	"testing"
)

func TestArgv(t *testing.T) {
	tests := []struct {
		name      string
		component string
		in, want  []string
	}{
		{"known settings kept", "kube-apiserver",
			[]string{"kube-apiserver", "--profiling=false", "--anonymous-auth", "--token-auth-file=/etc/k/t.csv", "--authorization-mode=Node,RBAC", "--secure-port", "6443", "--request-timeout=1m0s"},
			[]string{"kube-apiserver", "--profiling=false", "--anonymous-auth", "--token-auth-file=/etc/k/t.csv", "--authorization-mode=Node,RBAC", "--secure-port", "6443", "--request-timeout=1m0s"}},
		{"unknown flags lose their values, keep their names", "kube-apiserver",
			[]string{"kube-apiserver", "--oidc-client-secret=s3cr3t", "--token", "abc.def", "--password", "--profiling=false"},
			[]string{"kube-apiserver", "--oidc-client-secret=<redacted:6>", "--token", "<redacted:7>", "--password", "--profiling=false"}},
		{"a flag-shaped secret after an unknown flag", "kube-apiserver",
			[]string{"kube-apiserver", "--password", "-KPC-s3cret", "--v=2"},
			[]string{"kube-apiserver", "--password", "<redacted:11>", "--v=2"}},
		// a flag that takes a value, last on the line: nothing follows it
		{"an unknown flag last", "kube-apiserver",
			[]string{"kube-apiserver", "--profiling=false", "--password"},
			[]string{"kube-apiserver", "--profiling=false", "--password"}},
		{"a known flag last, its value missing", "kube-apiserver",
			[]string{"kube-apiserver", "--secure-port"},
			[]string{"kube-apiserver", "--secure-port"}},
		{"positional arguments", "kube-apiserver",
			[]string{"kube-apiserver", "hunter2", "--", "--profiling=false"},
			[]string{"kube-apiserver", "<redacted:7>", "--", "<redacted:17>"}},
		{"userinfo in URLs; hosts kept even when shaped like a token", "kube-apiserver",
			[]string{"kube-apiserver", "--etcd-servers=https://user:SECRET@etcd01.k8sproductionaz1:2379,https://10.0.0.12:2379?token=abc"},
			[]string{"kube-apiserver", "--etcd-servers=https://<redacted:11>@etcd01.k8sproductionaz1:2379,https://10.0.0.12:2379?token=<redacted:3>"}},
		{"a boolean that is not one", "kube-apiserver",
			[]string{"kube-apiserver", "--profiling=letmein", "--profiling=False", "--service-account-lookup=T"},
			[]string{"kube-apiserver", "--profiling=<redacted:7>", "--profiling=False", "--service-account-lookup=T"}},
		{"a key in a setting", "kube-apiserver",
			[]string{"kube-apiserver", "--advertise-address=-----BEGIN RSA PRIVATE KEY-----"},
			[]string{"kube-apiserver", "--advertise-address=<redacted:31>"}},
		{"etcd: secrets, modes and single dashes", "etcd",
			[]string{"etcd", "--initial-cluster-token=tok3n", "--auth-token=simple", "-data-dir", "/var/lib/etcd",
				"--auth-token=jwt,pub-key=/p.pub,priv-key=/p.key,sign-method=RS256,ttl=10m", "--auth-token=jwt,secret=x"},
			[]string{"etcd", "--initial-cluster-token=<redacted:5>", "--auth-token=simple", "-data-dir", "/var/lib/etcd",
				"--auth-token=jwt,pub-key=/p.pub,priv-key=/p.key,sign-method=RS256,ttl=10m", "--auth-token=<redacted:12>"}},
		{"k3s passes flags through", "k3s-server",
			[]string{"/usr/local/bin/k3s", "server", "--token=K10abc::server:xyz", "--kube-apiserver-arg=profiling=false",
				"--kube-apiserver-arg", "oidc-client-secret=s3", "--kubelet-arg=--read-only-port=0", "--datastore-endpoint=postgres://u:pw@db:5432/k3s"},
			[]string{"/usr/local/bin/k3s", "server", "--token=<redacted:18>", "--kube-apiserver-arg=profiling=false",
				"--kube-apiserver-arg", "oidc-client-secret=<redacted:2>", "--kubelet-arg=--read-only-port=0", "--datastore-endpoint=postgres://<redacted:4>@db:5432/k3s"}},
		{"k3s: a data source name without a scheme is not a URL", "k3s-server",
			[]string{"k3s", "server", "--datastore-endpoint=k3s:pw@tcp(db:3306)/k3s", "--datastore-endpoint", "host=db password=pw", "--server=https://10.0.0.1:6443"},
			[]string{"k3s", "server", "--datastore-endpoint=<redacted:23>", "--datastore-endpoint", "<redacted:7> <redacted:11>", "--server=https://10.0.0.1:6443"}},
		{"an unknown program knows no flags", "",
			[]string{"/usr/bin/etcdctl-wrapper", "--user=root:pw", "get", "/x"},
			[]string{"/usr/bin/etcdctl-wrapper", "--user=<redacted:7>", "<redacted:3>", "<redacted:2>"}},
		{"redacting twice changes nothing", "kube-apiserver",
			[]string{"kube-apiserver", "--oidc-client-secret=<redacted:6>", "--password", "<redacted:7>", "--etcd-servers=https://<redacted:4>@h:2379"},
			[]string{"kube-apiserver", "--oidc-client-secret=<redacted:6>", "--password", "<redacted:7>", "--etcd-servers=https://<redacted:4>@h:2379"}},
	}
	r := New(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := r.Argv(tt.component, tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Argv(%s)\n got %q\nwant %q", tt.component, got, tt.want)
			}
			markers := 0
			for _, a := range got {
				markers += strings.Count(a, "<redacted:")
			}
			if was := func() int {
				k := 0
				for _, a := range tt.in {
					k += strings.Count(a, "<redacted:")
				}
				return k
			}(); markers-was != n {
				t.Errorf("%d markers added, count %d", markers-was, n)
			}
			if len(tt.in) > 0 && &got[0] == &tt.in[0] && n > 0 {
				t.Error("the input was changed in place")
			}
		})
	}
}

// TestWordSep: each component's flag names are read as its parser reads
// them. The Kubernetes components normalise "_" to "-" (--log_dir is
// --log-dir); etcd and the distributions' parsers do not, so for them an
// underscore spelling is an unknown flag, whose value is redacted.
func TestWordSep(t *testing.T) {
	tests := []struct {
		name      string
		component string
		in, want  []string
	}{
		{"kube-apiserver reads --log_dir as --log-dir", "kube-apiserver",
			[]string{"kube-apiserver", "--log_dir=/var/log/k", "--anonymous_auth=false", "--tls_cipher_suites", "TLS_AES_128_GCM_SHA256", "--audit_log_maxage=abc"},
			[]string{"kube-apiserver", "--log_dir=/var/log/k", "--anonymous_auth=false", "--tls_cipher_suites", "TLS_AES_128_GCM_SHA256", "--audit_log_maxage=<redacted:3>"}},
		{"kubelet: a secret is a secret in either spelling", "kubelet",
			[]string{"kubelet", "--storage_driver_password=pw", "--storage-driver-password", "pw2", "--read_only_port", "0"},
			[]string{"kubelet", "--storage_driver_password=<redacted:2>", "--storage-driver-password", "<redacted:3>", "--read_only_port", "0"}},
		{"kube-proxy and the scheduler too", "kube-proxy",
			[]string{"kube-proxy", "--hostname_override=node-1", "--proxy_mode=ipvs"},
			[]string{"kube-proxy", "--hostname_override=node-1", "--proxy_mode=ipvs"}},
		{"etcd does not normalise: --data_dir is unknown", "etcd",
			[]string{"etcd", "--data_dir=/var/lib/etcd", "--data-dir=/var/lib/etcd", "-initial_cluster_token", "tok"},
			[]string{"etcd", "--data_dir=<redacted:13>", "--data-dir=/var/lib/etcd", "-initial_cluster_token", "<redacted:3>"}},
		{"k3s does not normalise its own flags, the API server does its", "k3s-server",
			[]string{"k3s", "server", "--data_dir=/var/lib/rancher", "--kube-apiserver-arg=log_dir=/var/log/k", "--kubelet-arg=storage_driver_password=pw", "--etcd-arg=data_dir=/x"},
			[]string{"k3s", "server", "--data_dir=<redacted:16>", "--kube-apiserver-arg=log_dir=/var/log/k", "--kubelet-arg=storage_driver_password=<redacted:2>", "--etcd-arg=data_dir=<redacted:2>"}},
		{"rke2 agent", "rke2-agent",
			[]string{"rke2", "agent", "--node_name=n1", "--kubelet-arg=max_pods=110"},
			[]string{"rke2", "agent", "--node_name=<redacted:2>", "--kubelet-arg=max_pods=110"}},
	}
	r := New(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := r.Argv(tt.component, tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Argv(%s)\n got %q\nwant %q", tt.component, got, tt.want)
			}
		})
	}
	flags := []struct {
		component, flag string
		known, secret   bool
	}{
		{"kube-apiserver", "anonymous_auth", true, false},
		{"kube-apiserver", "anonymous-auth", true, false},
		{"kube-controller-manager", "use_service_account_credentials", true, false},
		{"kube-scheduler", "bind_address", true, false},
		{"kubernetes", "log_dir", true, false}, // /etc/kubernetes/config: KUBE_LOGTOSTDERR="--logtostderr=true"
		{"kubelet", "storage_driver_password", true, true},
		{"kubelet", "read_only_port", true, false},
		{"etcd", "data_dir", false, false},
		{"etcd", "initial-cluster-token", true, true},
		{"k3s-server", "data_dir", false, false},
		{"k3s-server", "t", true, true}, // -t is --token
		{"rke2-server", "etcd-s3-secret-key", true, true},
		{"containerd", "log_level", false, false},
	}
	for _, f := range flags {
		if known, secret := Flag(f.component, f.flag); known != f.known || secret != f.secret {
			t.Errorf("%s --%s: known %v, secret %v; want %v, %v", f.component, f.flag, known, secret, f.known, f.secret)
		}
	}
}

func TestEnv(t *testing.T) {
	r := New(nil)
	in := []string{
		"PATH=/usr/bin:/bin", "HOME=/root", "ETCD_DATA_DIR=/var/lib/etcd", "ETCD_INITIAL_CLUSTER_TOKEN=tok",
		"ETCDCTL_USER=root:pw", "ETCDCTL_CACERT=/etc/ca.crt", "HTTPS_PROXY=http://u:pw@proxy:3128", "NO_PROXY=10.0.0.0/8",
		"KUBELET_KUBEADM_ARGS=--node-ip=10.0.0.5 --token=abc", "KUBE_API_ARGS=--profiling=false", "vip_password=pw",
		"K3S_TOKEN=K10x::server:y", "K3S_KUBECONFIG_MODE=644", "NOEQUALS", "EMPTY=",
		"NODEADM_KUBELET_ARGS=--node-ip=10.0.12.34 --config=/etc/kubernetes/kubelet/config.json --bootstrap-secret=s3",
		"KUBELET_NODE_LABELS=kubernetes.azure.com/role=agent,agentpool=nodepool1",
		"SNAP_DATA=/var/snap/microk8s/current", "SNAP_VERSION=v1.33.4",
	}
	want := []string{
		"PATH=/usr/bin:/bin", "HOME=/root", "ETCD_DATA_DIR=/var/lib/etcd", "ETCD_INITIAL_CLUSTER_TOKEN=<redacted:3>",
		"ETCDCTL_USER=<redacted:7>", "ETCDCTL_CACERT=/etc/ca.crt", "HTTPS_PROXY=http://<redacted:4>@proxy:3128", "NO_PROXY=10.0.0.0/8",
		"KUBELET_KUBEADM_ARGS=--node-ip=10.0.0.5 --token=<redacted:3>", "KUBE_API_ARGS=--profiling=false", "vip_password=<redacted:2>",
		"K3S_TOKEN=<redacted:14>", "K3S_KUBECONFIG_MODE=<redacted:3>", "<redacted:8>", "EMPTY=",
		"NODEADM_KUBELET_ARGS=--node-ip=10.0.12.34 --config=/etc/kubernetes/kubelet/config.json --bootstrap-secret=<redacted:2>",
		"KUBELET_NODE_LABELS=kubernetes.azure.com/role=agent,agentpool=nodepool1",
		"SNAP_DATA=/var/snap/microk8s/current", "SNAP_VERSION=v1.33.4",
	}
	got, n := r.Env("etcd", in)
	if !slices.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%q → %q, want %q", in[i], got[i], want[i])
			}
		}
	}
	if n != 9 {
		t.Errorf("%d redactions counted, want 9", n)
	}
}

func TestDecide(t *testing.T) {
	tests := []struct {
		k    kind
		v    string
		keep bool
	}{
		{setting, "Node,RBAC", true}, {setting, "", true}, {setting, "two\nlines", false},
		{setting, "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==", false}, // base64 of a key's armor
		{setting, "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==", true},      // base64 of a certificate's
		{boolean, "False", true}, {boolean, "1", true}, {boolean, "nope", false},
		{number, "6443", true}, {number, "128Mi", true}, {number, "1.5e3", true}, {number, "0x1F", true}, {number, "10%", true}, {number, "12ab", false},
		{duration, "1h30m", true}, {duration, "300ms", true}, {duration, "5", true}, {duration, "soon", false},
		{filePath, "/var/log/a\nb.log", true}, {unknown, "anything", false}, {unknown, "true", true}, {unknown, "null", true},
		{secret, "x", false}, {secret, "<redacted:3>", true},
		{urls, "https://10.0.0.1:2379,https://etcd-2:2379", true}, {urls, "/run/containerd/containerd.sock", true}, {urls, "10.0.0.1:6443", true},
		{urls, "user:pw@tcp(db:3306)/k3s", false}, {urls, "host=db user=k3s password=pw", false}, {urls, "https://h:2379,u:pw@h2:2379", false},
		{authToken, "simple", true}, {authToken, "jwt,priv-key=/k,sign-method=RS256", true}, {authToken, "jwt,key=x", false}, {authToken, "tok", false},
		{certData, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", true},
		{certData, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----\n", false},
		{certData, "not base64 at all", false},
	}
	for _, tt := range tests {
		if got := decide(tt.k, tt.v) == nil; got != tt.keep {
			t.Errorf("decide(%d, %q) keeps %v, want %v", tt.k, tt.v, got, tt.keep)
		}
	}
}

// TestFlagTables: the tables load, every component the collector
// identifies has one, and the flags the catalogs read are settings.
func TestFlagTables(t *testing.T) {
	for _, c := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "etcd",
		"k3s-server", "k3s-agent", "rke2-server", "rke2-agent", "kubelite", "containerd", "dockerd", "crio", "cri-dockerd"} {
		if tableOf(c) == nil || len(tableOf(c).flags) == 0 {
			t.Errorf("no flags for %s", c)
		}
	}
	for _, f := range []struct{ c, flag string }{
		{"kube-apiserver", "profiling"}, {"kube-apiserver", "insecure-port"}, {"kube-apiserver", "basic-auth-file"},
		{"kube-apiserver", "v"}, {"kubelet", "read-only-port"}, {"kubelet", "config-dir"}, {"etcd", "data-dir"},
	} {
		if known, sec := Flag(f.c, f.flag); !known || sec {
			t.Errorf("%s --%s: known %v, secret %v", f.c, f.flag, known, sec)
		}
	}
	if known, sec := Flag("etcd", "initial-cluster-token"); !known || !sec {
		t.Error("etcd --initial-cluster-token is a secret")
	}
}

// TestWordSepFiles: flag names that are keys of configuration files are
// read as the component that receives them reads them: kubeadm passes
// extraArgs to a Kubernetes component (which normalises "_"), k3s reads
// its config.yaml keys as its own flags (which it does not), and etcd's
// configuration file keys are its flag names exactly.
func TestWordSepFiles(t *testing.T) {
	tests := []struct {
		path, in, want string
		via            Via
	}{
		{"/etc/kubernetes/kubeadm-config.yaml",
			"apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    log_dir: /var/log/k\n    oidc_client_secret: s3cr3t\n",
			"apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    log_dir: /var/log/k\n    oidc_client_secret: <redacted:6>\n", Via{}},
		{"/etc/rancher/k3s/config.yaml",
			"data_dir: /var/lib/rancher\ndata-dir: /var/lib/rancher\nkube-apiserver-arg:\n  - log_dir=/var/log/k\n",
			"data_dir: <redacted:16>\ndata-dir: /var/lib/rancher\nkube-apiserver-arg:\n  - log_dir=/var/log/k\n", Via{}},
		{"/etc/etcd/etcd.yml",
			"data_dir: /var/lib/etcd\ndata-dir: /var/lib/etcd\n",
			"data_dir: <redacted:13>\ndata-dir: /var/lib/etcd\n", Via{Component: "etcd", Key: "config-file"}},
	}
	r := New(nil)
	for _, tt := range tests {
		f := r.File(tt.path, []byte(tt.in), tt.via)
		if string(f.Data) != tt.want {
			t.Errorf("%s (%s)\n got %q\nwant %q", tt.path, f.Type, f.Data, tt.want)
		}
	}
}
