package evidence

import (
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
)

// testPlatform is a k3s-like platform: kube-apiserver embedded in the
// "dist-server" process through --kube-apiserver-arg, with defaults that
// hold by version, by a path and by a flag of the process; a config file
// read as flags with drop-ins; kube-scheduler from an args file.
func testPlatform() *catalog.Platform {
	from := func(v string) *catalog.VersionRange { return &catalog.VersionRange{From: v} }
	return &catalog.Platform{
		Name: "dist", Title: "Dist",
		Components: map[string][]catalog.ComponentSource{
			"kube-apiserver": {{Process: "dist-server", Arg: "kube-apiserver-arg", Defaults: []catalog.DefaultArg{
				{Arg: "profiling=false", Source: "https://example.org/a"},
				{Arg: "tls-min-version=VersionTLS13", Kubernetes: from("1.32"), Source: "https://example.org/b"},
				{Arg: "etcd-cafile=/var/lib/dist/etcd/ca.crt", Path: "/var/lib/dist/etcd", Source: "https://example.org/c"},
				{Arg: "encryption-provider-config=/var/lib/dist/enc.json", Flag: "secrets-encryption", Source: "https://example.org/d"},
			}}},
			"kube-scheduler": {{Process: "dist-server", ArgsFile: "/etc/dist/args/kube-scheduler"}},
		},
		Config:    &catalog.ProcessConfig{Processes: []string{"dist-server"}, File: "/etc/dist/config.yaml", Flag: "config", Env: "DIST_CONFIG_FILE", DropIns: "/etc/dist/config.yaml.d"},
		Variables: map[string]string{"SNAP_DATA": "/var/snap/dist/current", "SNAP": "/snap/dist/current"},
	}
}

func TestPlatformSettings(t *testing.T) {
	version := func(v string) bundle.Host {
		return bundle.Host{Hostname: "n", Kubernetes: []bundle.VersionEvidence{{Version: v, Component: "dist-server", Source: "go-buildinfo", Path: "/usr/bin/dist"}}}
	}
	noConfig := []bundle.Stat{gone("/etc/dist/config.yaml"), gone("/etc/dist/config.yaml.d")}
	withConfig := []bundle.Stat{reg("/etc/dist/config.yaml", "0600"), dirst("/etc/dist/config.yaml.d"), reg("/etc/dist/config.yaml.d/10-a.yaml", "0600"), reg("/etc/dist/config.yaml.d/20-b.yaml", "0600")}
	configFiles := map[string]string{
		"/etc/dist/config.yaml":             "kube-apiserver-arg:\n  - audit-log-maxage=30\n  - audit-log-path=/var/log/a.log\nsecrets-encryption: true\n",
		"/etc/dist/config.yaml.d/10-a.yaml": "kube-apiserver-arg:\n  - audit-log-maxage=10\n",
		"/etc/dist/config.yaml.d/20-b.yaml": "kube-apiserver-arg+:\n  - audit-log-maxbackup=5\n",
	}
	server := func(args ...string) bundle.Process {
		return pr(7, "dist-server", append([]string{"server"}, args...)...)
	}
	for _, tt := range []struct {
		name      string
		f         fx
		component string
		flag      string
		want      string // state and value, or a piece of the reason
	}{
		{"a default", fx{procs: []bundle.Process{server()}, stats: noConfig, host: version("v1.30.1")}, "kube-apiserver", "profiling", "set false"},
		{"the user's item beats the default", fx{procs: []bundle.Process{server("--kube-apiserver-arg=profiling=true")}, stats: noConfig, host: version("v1.30.1")}, "kube-apiserver", "profiling", "set true"},
		{"a default from 1.32, on 1.32", fx{procs: []bundle.Process{server()}, stats: noConfig, host: version("v1.32.0")}, "kube-apiserver", "tls-min-version", "set VersionTLS13"},
		{"a default from 1.32, on 1.31", fx{procs: []bundle.Process{server()}, stats: noConfig, host: version("v1.31.9")}, "kube-apiserver", "tls-min-version", "unset"},
		{"a default from 1.32, no version", fx{procs: []bundle.Process{server()}, stats: noConfig}, "kube-apiserver", "tls-min-version", "unset"},
		{"a default where a path exists", fx{procs: []bundle.Process{server()}, stats: append(noConfig[:2:2], dirst("/var/lib/dist/etcd")), host: version("v1.30.1")}, "kube-apiserver", "etcd-cafile", "set /var/lib/dist/etcd/ca.crt"},
		{"a default where the path is gone", fx{procs: []bundle.Process{server()}, stats: append(noConfig[:2:2], gone("/var/lib/dist/etcd")), host: version("v1.30.1")}, "kube-apiserver", "etcd-cafile", "unset"},
		{"a default by the process's flag", fx{procs: []bundle.Process{server("--secrets-encryption")}, stats: noConfig, host: version("v1.30.1")}, "kube-apiserver", "encryption-provider-config", "set /var/lib/dist/enc.json"},
		{"not without it", fx{procs: []bundle.Process{server("--secrets-encryption=false")}, stats: noConfig, host: version("v1.30.1")}, "kube-apiserver", "encryption-provider-config", "unset"},
		{"by the config file's flag", fx{procs: []bundle.Process{server()}, stats: withConfig, files: configFiles, host: version("v1.30.1")}, "kube-apiserver", "encryption-provider-config", "set /var/lib/dist/enc.json"},
		{"a drop-in replaces the list", fx{procs: []bundle.Process{server()}, stats: withConfig, files: configFiles}, "kube-apiserver", "audit-log-maxage", "set 10"},
		{"the replaced list is gone", fx{procs: []bundle.Process{server()}, stats: withConfig, files: configFiles}, "kube-apiserver", "audit-log-path", "unset"},
		{"key+ adds", fx{procs: []bundle.Process{server()}, stats: withConfig, files: configFiles}, "kube-apiserver", "audit-log-maxbackup", "set 5"},
		{"the command line comes last", fx{procs: []bundle.Process{server("--kube-apiserver-arg", "audit-log-maxage=99")}, stats: withConfig, files: configFiles}, "kube-apiserver", "audit-log-maxage", "set 99"},
		{"another file by --config", fx{procs: []bundle.Process{server("--config=/srv/d.yaml")}, stats: []bundle.Stat{reg("/srv/d.yaml", "0600"), gone("/srv/d.yaml.d")}, files: map[string]string{"/srv/d.yaml": "kube-apiserver-arg: [audit-log-maxage=7]\n"}}, "kube-apiserver", "audit-log-maxage", "set 7"},
		{"another file by the environment", fx{procs: []bundle.Process{withEnv(server(), "DIST_CONFIG_FILE=/srv/e.yaml")}, stats: []bundle.Stat{reg("/srv/e.yaml", "0600"), gone("/srv/e.yaml.d")}, files: map[string]string{"/srv/e.yaml": "kube-apiserver-arg: [audit-log-maxage=8]\n"}}, "kube-apiserver", "audit-log-maxage", "set 8"},
		{"a relative config path", fx{procs: []bundle.Process{server("--config=d.yaml")}}, "kube-apiserver", "audit-log-maxage", "unknown"},
		{"the config file not recorded", fx{procs: []bundle.Process{server()}}, "kube-apiserver", "audit-log-maxage", "unknown"},
		{"the drop-ins not recorded", fx{procs: []bundle.Process{server()}, stats: []bundle.Stat{gone("/etc/dist/config.yaml")}}, "kube-apiserver", "audit-log-maxage", "unknown"},
		{"a config file that is not a mapping", fx{procs: []bundle.Process{server()}, stats: []bundle.Stat{reg("/etc/dist/config.yaml", "0600"), gone("/etc/dist/config.yaml.d")}, files: map[string]string{"/etc/dist/config.yaml": "- a\n- b\n"}}, "kube-apiserver", "audit-log-maxage", "not a mapping"},
		{"an unreadable item", fx{procs: []bundle.Process{server("--kube-apiserver-arg=<redacted:12>")}, stats: noConfig}, "kube-apiserver", "audit-log-maxage", "names no flag"},
		{"the args file", fx{procs: []bundle.Process{server()}, stats: append(noConfig[:2:2], reg("/etc/dist/args/kube-scheduler", "0600")), files: map[string]string{"/etc/dist/args/kube-scheduler": "# scheduler\n--profiling=false\n\n--kubeconfig=${SNAP_DATA}/cred/s.conf --bind-address 127.0.0.1\n"}}, "kube-scheduler", "kubeconfig", "set /var/snap/dist/current/cred/s.conf"},
		{"the args file, a flag and its value", fx{procs: []bundle.Process{server()}, stats: append(noConfig[:2:2], reg("/etc/dist/args/kube-scheduler", "0600")), files: map[string]string{"/etc/dist/args/kube-scheduler": "--profiling=false\n--bind-address 127.0.0.1\n"}}, "kube-scheduler", "bind-address", "set 127.0.0.1"},
		{"the args file is gone", fx{procs: []bundle.Process{server()}, stats: append(noConfig[:2:2], gone("/etc/dist/args/kube-scheduler"))}, "kube-scheduler", "profiling", "does not exist"},
		{"the args file was not collected", fx{procs: []bundle.Process{server()}, stats: noConfig}, "kube-scheduler", "profiling", "could not be read"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.f.node(t)
			n.SetPlatform(testPlatform())
			if n.Platform() == nil {
				t.Fatal("no platform set")
			}
			o := n.Setting(tt.component, &catalog.Setting{Flag: tt.flag})
			got := map[State]string{Set: "set " + o.Value, Unset: "unset", Unknown: "unknown " + o.Reason}[o.State]
			if !strings.HasPrefix(got, tt.want) && !(o.State == Unknown && strings.Contains(got, tt.want)) {
				t.Errorf("--%s of %s: %q, want %q", tt.flag, tt.component, got, tt.want)
			}
			if o.State != Unknown && len(o.Citations) == 0 {
				t.Error("no citation")
			}
		})
	}
}

// TestPlatformCitations: each place an argument comes from is cited where
// it is, and an unset flag says where it was looked for.
func TestPlatformCitations(t *testing.T) {
	f := fx{procs: []bundle.Process{pr(7, "dist-server", "server", "--secrets-encryption")},
		stats: []bundle.Stat{reg("/etc/dist/config.yaml", "0600"), gone("/etc/dist/config.yaml.d"), reg("/etc/dist/args/kube-scheduler", "0600")},
		files: map[string]string{"/etc/dist/config.yaml": "kube-apiserver-arg:\n  - audit-log-maxage=30\n", "/etc/dist/args/kube-scheduler": "\n--profiling=false\n"}}
	n := f.node(t)
	n.SetPlatform(testPlatform())
	for _, tt := range []struct{ component, flag, want string }{
		{"kube-apiserver", "audit-log-maxage", "files/etc/dist/config.yaml|kube-apiserver-arg[0] (line 2)|kube-apiserver-arg: audit-log-maxage=30"},
		{"kube-apiserver", "profiling", "facts/processes.json|pid 7 dist-server argv|dist-server passes profiling=false to it by default (dist profile: https://example.org/a); no argument of its 2 arguments overrides it"},
		{"kube-apiserver", "encryption-provider-config", "as its --secrets-encryption is true"},
		{"kube-scheduler", "profiling", "files/etc/dist/args/kube-scheduler|line 2|--profiling=false"},
		{"kube-apiserver", "anonymous-auth", "facts/processes.json|pid 7 dist-server argv|--anonymous-auth not set among the --kube-apiserver-arg items of dist-server's 2 arguments or its configuration"},
		{"kube-scheduler", "kubeconfig", "--kubeconfig not set in /etc/dist/args/kube-scheduler, the flags dist-server gives kube-scheduler"},
		{"dist-server", "anonymous-auth", "facts/processes.json|pid 7 dist-server argv|--anonymous-auth not set among its 2 arguments or in its configuration file"},
	} {
		o := n.Setting(tt.component, &catalog.Setting{Flag: tt.flag})
		if got := showCites(o.Citations); !strings.Contains(got, tt.want) {
			t.Errorf("--%s of %s cited as\n%s\nwant %q", tt.flag, tt.component, got, tt.want)
		}
	}
}

// TestShows: each kind of signal, shown and not shown.
func TestShows(t *testing.T) {
	f := fx{
		procs: []bundle.Process{pr(3, "dist-server", "server"), pr(4, "kubelet", "--node-labels=vendor.example/pool=a")},
		stats: []bundle.Stat{dirst("/var/lib/dist"), reg("/var/lib/dist2/x/y", "0600"), denied("/etc/denied"), reg("/etc/kubernetes/manifests/kube-apiserver.yaml", "0600")},
		files: map[string]string{"/etc/kubernetes/manifests/kube-apiserver.yaml": "spec:\n  containers:\n  - image: registry.example/kube-apiserver:v1.30.2\n"},
		host: bundle.Host{Hostname: "n", OS: bundle.OSRelease{ID: "distos", PrettyName: "Dist OS 1"}, Kubernetes: []bundle.VersionEvidence{
			{Version: "v1.30.2+dist1", Component: "kube-apiserver", Source: "image-tag", Path: "/etc/kubernetes/manifests/kube-apiserver.yaml"}}},
	}
	n := f.node(t)
	for _, tt := range []struct {
		s    catalog.Signal
		want string // "" when not shown
	}{
		{catalog.Signal{Process: "dist-server"}, "a dist-server process (pid 3)"},
		{catalog.Signal{Process: "other-server"}, ""},
		{catalog.Signal{Version: "+dist"}, "Kubernetes v1.30.2+dist1 from the kube-apiserver image tag"},
		{catalog.Signal{Version: "-eks-"}, ""},
		{catalog.Signal{Path: "/var/lib/dist"}, "/var/lib/dist exists (dir)"},
		{catalog.Signal{Path: "/var/lib/dist2"}, "/var/lib/dist2 exists (file /var/lib/dist2/x/y is in it)"},
		{catalog.Signal{Path: "/etc/denied"}, ""},
		{catalog.Signal{Path: "/var/lib/none"}, ""},
		{catalog.Signal{Image: "registry.example/"}, "static pod image registry.example/kube-apiserver:v1.30.2 (/etc/kubernetes/manifests/kube-apiserver.yaml)"},
		{catalog.Signal{Image: "registry.other/"}, ""},
		{catalog.Signal{Component: "kubelet", Arg: "vendor.example/"}, "kubelet --node-labels=vendor.example/pool=a"},
		{catalog.Signal{Component: "kubelet", Arg: "other.example/"}, ""},
		{catalog.Signal{Component: "kube-proxy", Arg: "vendor.example/"}, ""},
		{catalog.Signal{VersionPattern: `^v1\.[0-9]+\.[0-9]+\+dist[0-9]$`}, "Kubernetes v1.30.2+dist1 from the kube-apiserver image tag"},
		{catalog.Signal{VersionPattern: `^v1\.[0-9]+\.[0-9]+\+[0-9a-f]{7,}$`}, ""},
		{catalog.Signal{OS: "distos"}, "operating system Dist OS 1 (ID=distos in /etc/os-release)"},
		{catalog.Signal{OS: "rhcos"}, ""},
	} {
		c, ok := n.Shows(tt.s)
		if ok != (tt.want != "") || ok && !strings.Contains(c.Observed, tt.want) {
			t.Errorf("%s: shown %v (%q), want %q", tt.s.Describe(), ok, c.Observed, tt.want)
		}
		if ok && (c.Member == "" || c.Locator == "") {
			t.Errorf("%s: citation %+v names no member or locator", tt.s.Describe(), c)
		}
	}
	// Where: a process on its whole command line; an image at its line.
	for s, want := range map[catalog.Signal]string{
		{Process: "dist-server"}:                       "facts/processes.json|pid 3 dist-server argv",
		{Image: "registry.example/"}:                   "files/etc/kubernetes/manifests/kube-apiserver.yaml|line 3",
		{Component: "kubelet", Arg: "vendor.example/"}: "facts/processes.json|pid 4 kubelet argv[1]",
	} {
		if c, _ := n.Shows(s); c.Member+"|"+c.Locator != want {
			t.Errorf("%s: cited at %s|%s, want %s", s.Describe(), c.Member, c.Locator, want)
		}
	}
}

// podPlatform is an OpenShift-like platform: the API server runs in a
// static pod whose volumes map its container paths, and takes more flags
// from apiServerArguments of the file its --openshift-config names.
func podPlatform() *catalog.Platform {
	return &catalog.Platform{Name: "pods", Title: "Pods", Components: map[string][]catalog.ComponentSource{
		"kube-apiserver": {{Process: "kube-apiserver", Pod: "/etc/kubernetes/manifests/kube-apiserver-pod.yaml", ConfigArgs: &catalog.ConfigArgs{
			Flag: "openshift-config", Field: "apiServerArguments",
			Unset: map[string]string{"service-account-key-file": "serviceAccountPublicKeyFiles", "tls-min-version": "servingInfo.minTLSVersion"}}}},
	}}
}

const podManifest = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"kube-apiserver","namespace":"openshift-kube-apiserver"},"spec":{` +
	`"containers":[{"name":"kube-apiserver","volumeMounts":[{"mountPath":"/etc/kubernetes/static-pod-resources","name":"resource-dir"},` +
	`{"mountPath":"/etc/kubernetes/static-pod-certs","name":"cert-dir"},{"mountPath":"/tmp","name":"tmp"}]},` +
	`{"name":"syncer","volumeMounts":[{"mountPath":"/srv","name":"resource-dir"}]}],` +
	`"volumes":[{"name":"resource-dir","hostPath":{"path":"/etc/kubernetes/static-pod-resources/kube-apiserver-pod-3"}},` +
	`{"name":"cert-dir","hostPath":{"path":"/etc/kubernetes/static-pod-resources/kube-apiserver-certs"}},{"name":"tmp","emptyDir":{}}]}}`

// TestPodConfigArgs: the API server's arguments are its command line, then
// the map of the file its --openshift-config names, found on the node
// through its pod's volumes; some fields stand for flags the map leaves
// out; each place that cannot be read makes a flag unknown, never unset.
func TestPodConfigArgs(t *testing.T) {
	const manifest, host = "/etc/kubernetes/manifests/kube-apiserver-pod.yaml", "/etc/kubernetes/static-pod-resources/kube-apiserver-pod-3/configmaps/config/config.yaml"
	const config = `{"apiServerArguments":{"anonymous-auth":["false"],"enable-admission-plugins":["NodeRestriction","ServiceAccount"],"v":["4"]},` +
		`"serviceAccountPublicKeyFiles":["/a","/b"],"servingInfo":{"minTLSVersion":"VersionTLS12"}}`
	api := func(args ...string) []bundle.Process {
		return []bundle.Process{pr(9, "kube-apiserver", append([]string{"--openshift-config=/etc/kubernetes/static-pod-resources/configmaps/config/config.yaml"}, args...)...)}
	}
	ok := fx{procs: api("-v=2", "--anonymous-auth=true", "--profiling=false"), stats: []bundle.Stat{reg(manifest, "0600"), reg(host, "0600")}, files: map[string]string{manifest: podManifest, host: config}}
	with := func(f fx, change func(*fx)) fx { change(&f); return f }
	for _, tt := range []struct {
		name string
		f    fx
		flag string
		want string
	}{
		{"the file wins over the command line", ok, "anonymous-auth", "set false"},
		{"the command line alone", ok, "profiling", "set false"},
		{"a list", ok, "enable-admission-plugins", "set NodeRestriction,ServiceAccount"},
		{"a field for a flag the map leaves out", ok, "service-account-key-file", "set /b"},
		{"a scalar field", ok, "tls-min-version", "set VersionTLS12"},
		{"neither", ok, "audit-log-path", "unset"},
		{"the map's flag, not the field", with(ok, func(f *fx) {
			f.files = map[string]string{manifest: podManifest, host: `{"apiServerArguments":{"tls-min-version":["VersionTLS13"]},"servingInfo":{"minTLSVersion":"VersionTLS12"}}`}
		}), "tls-min-version", "set VersionTLS13"},
		{"no --openshift-config: the command line is all", fx{procs: []bundle.Process{pr(9, "kube-apiserver", "--anonymous-auth=true")}}, "anonymous-auth", "set true"},
		{"the pod manifest not collected", with(ok, func(f *fx) { f.files = map[string]string{host: config} }), "audit-log-path", "whose mounts are in its pod manifest"},
		{"a path in the container's own file system", fx{procs: []bundle.Process{pr(9, "kube-apiserver", "--openshift-config=/opt/config.yaml")}, stats: []bundle.Stat{reg(manifest, "0600")}, files: map[string]string{manifest: podManifest}}, "audit-log-path", "not on the node"},
		{"a volume that is no node directory", fx{procs: []bundle.Process{pr(9, "kube-apiserver", "--openshift-config=/tmp/config.yaml")}, stats: []bundle.Stat{reg(manifest, "0600")}, files: map[string]string{manifest: podManifest}}, "audit-log-path", "not a directory of the node"},
		{"the file is gone", with(ok, func(f *fx) { f.stats = []bundle.Stat{reg(manifest, "0600"), gone(host)} }), "audit-log-path", "does not exist"},
		{"the file not recorded", with(ok, func(f *fx) { f.stats = []bundle.Stat{reg(manifest, "0600")} }), "audit-log-path", "could not be read"},
		{"the map is no map", with(ok, func(f *fx) { f.files = map[string]string{manifest: podManifest, host: `{"apiServerArguments":["x"]}`} }), "audit-log-path", "not a map of flags"},
		{"a redacted --openshift-config", fx{procs: []bundle.Process{pr(9, "kube-apiserver", "--openshift-config=<redacted:20>")}}, "audit-log-path", "redacted"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.f.node(t)
			n.SetPlatform(podPlatform())
			o := n.Setting("kube-apiserver", &catalog.Setting{Flag: tt.flag})
			got := map[State]string{Set: "set " + o.Value, Unset: "unset", Unknown: "unknown " + o.Reason}[o.State]
			if !strings.HasPrefix(got, tt.want) && !(o.State == Unknown && strings.Contains(got, tt.want)) {
				t.Errorf("--%s: %q, want %q", tt.flag, got, tt.want)
			}
		})
	}
}

// TestPodConfigArgsUnsetCitation: a flag neither the command line nor the
// config file sets is cited on the whole command line (no one argument).
func TestPodConfigArgsUnsetCitation(t *testing.T) {
	const manifest, host = "/etc/kubernetes/manifests/kube-apiserver-pod.yaml", "/etc/kubernetes/static-pod-resources/kube-apiserver-pod-3/configmaps/config/config.yaml"
	f := fx{procs: []bundle.Process{pr(9, "kube-apiserver", "--openshift-config=/etc/kubernetes/static-pod-resources/configmaps/config/config.yaml", "-v=2")},
		stats: []bundle.Stat{reg(manifest, "0600"), reg(host, "0600")}, files: map[string]string{manifest: podManifest, host: `{"apiServerArguments":{"v":["4"]}}`}}
	n := f.node(t)
	n.SetPlatform(podPlatform())
	o := n.Setting("kube-apiserver", &catalog.Setting{Flag: "audit-log-path"})
	want := "facts/processes.json|pid 9 kube-apiserver argv|--audit-log-path not set among its 2 arguments or in "
	if got := showCites(o.Citations); o.State != Unset || !strings.Contains(got, want) {
		t.Errorf("%v cited as\n%s\nwant %q", o.State, got, want)
	}
}

// TestPodPaths: a file a component names is judged at the node path its
// pod's volumes map it to, the longest mount first, with the mount cited;
// without a platform that names the pod, the path is the node's.
func TestPodPaths(t *testing.T) {
	const manifest = "/etc/kubernetes/manifests/kube-apiserver-pod.yaml"
	f := fx{procs: []bundle.Process{pr(9, "kube-apiserver", "--client-ca-file=/etc/kubernetes/static-pod-certs/configmaps/client-ca/ca-bundle.crt")},
		stats: []bundle.Stat{reg(manifest, "0600"), reg("/etc/kubernetes/static-pod-resources/kube-apiserver-certs/configmaps/client-ca/ca-bundle.crt", "0644")},
		files: map[string]string{manifest: podManifest}}
	n := f.node(t)
	leaf := &catalog.Files{Setting: &catalog.Setting{Flag: "client-ca-file"}}
	n.SetPlatform(podPlatform())
	fs := n.Files("kube-apiserver", leaf)
	if len(fs.Paths) != 1 || fs.Paths[0] != "/etc/kubernetes/static-pod-resources/kube-apiserver-certs/configmaps/client-ca/ca-bundle.crt" || fs.Unknown != "" {
		t.Errorf("mapped: %+v", fs)
	}
	if cites := showCites(fs.Citations); !strings.Contains(cites, "volume cert-dir hostPath.path") {
		t.Errorf("the mount is not cited:\n%s", cites)
	}
	n.SetPlatform(nil)
	if fs := n.Files("kube-apiserver", leaf); len(fs.Paths) != 1 || fs.Paths[0] != "/etc/kubernetes/static-pod-certs/configmaps/client-ca/ca-bundle.crt" {
		t.Errorf("no platform: %+v", fs)
	}
	// A pattern with a slash matches below the directory, one without the base name.
	m := fx{stats: []bundle.Stat{dirst("/srv"), reg("/srv/a-1/x/kubeconfig", "0600"), reg("/srv/b-1/x/kubeconfig", "0600"), reg("/srv/a-1/kubeconfig", "0600")}}.node(t)
	for _, tt := range []struct{ name, want string }{
		{"a-*/x/kubeconfig", "/srv/a-1/x/kubeconfig"},
		{"kubeconfig", "/srv/a-1/kubeconfig /srv/a-1/x/kubeconfig /srv/b-1/x/kubeconfig"},
		{"*/kubeconfig", "/srv/a-1/kubeconfig"},
	} {
		fs := m.Files("none", &catalog.Files{Under: "/srv", Name: tt.name, Type: "file"})
		if got := strings.Join(fs.Paths, " "); got != tt.want {
			t.Errorf("name %q: %q, want %q", tt.name, got, tt.want)
		}
	}
}
