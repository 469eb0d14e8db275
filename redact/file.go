package redact

import (
	"path"
	"slices"
	"strings"
)

// Via tells how the collector came to a file: the component and the flag
// or field that named it (etcd --config-file), when one did.
type Via struct {
	Component string
	Key       string
}

// File is the redaction of one file.
type File struct {
	// Data is the redacted copy, line for line the file's: nil when the
	// file is not to be copied.
	Data []byte
	// Type names what the file was read as: document types joined by
	// "," (kubeconfig, pod, kubelet-config, …), or "systemd", "env",
	// "flags".
	Type string
	// Redactions counts the values replaced by markers.
	Redactions int
	// Skipped says why no copy is kept: the file's type is not one the
	// redactor knows, or it does not parse as its type.
	Skipped string
}

// envDirs hold environment files, one per service.
var envDirs = []string{"/etc/default/", "/etc/sysconfig/"}

// flagDirs hold flag files, one per component, named after it.
var flagDirs = []string{"/var/snap/microk8s/current/args/"}

// File redacts the file at node path name. Only files of a type it knows
// are copied: YAML and JSON documents of a known schema, systemd units,
// environment files and flag files. Any other file, whatever it holds,
// gets no copy: the collector keeps its stat record.
func (r *Redactor) File(name string, data []byte, via Via) File {
	base := path.Base(name)
	ext := path.Ext(base)
	l := &lineRedaction{r: r, src: data}
	switch {
	case strings.Contains(name, "/systemd/") || unitExts[ext]:
		l.systemd()
		return l.result("systemd")
	case via.Key == "EnvironmentFile" || ext == ".env" || inDirs(name, envDirs) && !docExts[ext] && via.Key != "config" ||
		name == "/etc/etcd/etcd.conf" || name == "/etc/etcd.env" || isLegacyKubeEnv(name):
		// A YAML or JSON file, or one a component reads with --config, in
		// /etc/default is a document (AKS keeps the kubelet's
		// configuration in /etc/default/kubeletconfig.json), not an
		// environment file.
		l.envFile(envComponent(name))
		return l.result("env")
	case inDirs(name, flagDirs) && ext == "" || strings.HasPrefix(name, "/var/snap/") && strings.HasSuffix(name, "/current/args"):
		// MicroK8s's args directory holds the components' flag files
		// (named after them, no extension) beside YAML documents they name
		// (admission, audit, event configuration), read as documents.
		l.flagFile(flagComponent(name))
		return l.result("flags")
	}
	switch ext {
	case ".toml", ".ini", ".cfg", ".csv", ".key", ".pem", ".crt", ".txt", ".sh":
		return File{Skipped: "not a file type the redactor knows (" + ext + ")"}
	}
	return r.yamlFile(name, data, via)
}

// docExts are the names of YAML and JSON documents.
var docExts = map[string]bool{".json": true, ".yaml": true, ".yml": true}

var unitExts = map[string]bool{".service": true, ".socket": true, ".timer": true, ".mount": true, ".path": true, ".slice": true, ".target": true}

func inDirs(name string, dirs []string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(name, d) && !strings.Contains(name[len(d):], "/") {
			return true
		}
	}
	return false
}

// isLegacyKubeEnv reports whether name is one of the environment files of
// the distribution packages of Kubernetes before kubeadm (Fedora, CentOS
// 7): /etc/kubernetes/config, apiserver, controller-manager, scheduler,
// kubelet, proxy.
func isLegacyKubeEnv(name string) bool {
	switch name {
	case "/etc/kubernetes/config", "/etc/kubernetes/apiserver", "/etc/kubernetes/controller-manager",
		"/etc/kubernetes/scheduler", "/etc/kubernetes/kubelet", "/etc/kubernetes/proxy":
		return true
	}
	return false
}

// envComponent names the component an environment file configures, from
// its name (/etc/default/kubelet, /etc/etcd.env, /etc/kubernetes/apiserver).
func envComponent(name string) string {
	base := strings.TrimSuffix(path.Base(name), ".env")
	switch {
	case strings.Contains(name, "etcd"):
		return "etcd"
	case base == "apiserver":
		return "kube-apiserver"
	case base == "controller-manager", base == "scheduler", base == "proxy":
		return "kube-" + base
	case base == "config" && strings.HasPrefix(name, "/etc/kubernetes/"):
		return "kubernetes"
	}
	if c, ok := components[base]; ok {
		return c
	}
	if strings.Contains(base, "kubelet") {
		return "kubelet"
	}
	return base
}

// flagComponent names the component a flag file is for, from its name
// (microk8s's args/kube-apiserver, a snap's kube-apiserver/current/args).
func flagComponent(name string) string {
	if strings.HasSuffix(name, "/current/args") {
		name = strings.TrimSuffix(name, "/current/args")
	}
	base := path.Base(name)
	if c, ok := components[base]; ok {
		return c
	}
	return base
}

func (l *lineRedaction) result(typ string) File {
	out := l.src
	if len(l.edits) > 0 {
		out = applyEdits(l.src, l.edits)
	}
	return File{Data: out, Type: typ, Redactions: l.n}
}

// yamlFile redacts a YAML or JSON file whose documents have known types.
func (r *Redactor) yamlFile(name string, data []byte, via Via) File {
	f, err := parseYAML(data)
	if err != nil {
		return File{Skipped: "does not parse as YAML or JSON (" + err.Error() + ")"}
	}
	loadSchemas()
	y := &yamlRedaction{r: r, src: data}
	var types []string
	known := false
	for _, d := range f.docs {
		if d.root == nil {
			continue
		}
		t := typeOf(d.root, name, via)
		if t == nil {
			t = docByName["object"]
		}
		if t.name != "object" {
			known = true
		}
		if !containsString(types, t.name) {
			types = append(types, t.name)
		}
		y.walk(d.root, t.root, "", "")
	}
	if !known {
		return File{Skipped: "not a document type the redactor knows"}
	}
	y.comments(f.comments)
	out := data
	if len(y.edits) > 0 {
		out = applyEdits(data, y.edits)
	}
	return File{Data: out, Type: strings.Join(types, ","), Redactions: y.n}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// apiObject is the Via.Key of an object of an API snapshot.
const apiObject = "api-object"

// Object redacts one object of an API snapshot, as kubectl prints it in
// JSON: its type is one of the schemas' "api-…" types, chosen by kind and
// API group, and only the fields those name are kept. An object of any
// other kind is not copied (Skipped says so).
func (r *Redactor) Object(data []byte) File {
	f := r.yamlFile("", data, Via{Key: apiObject})
	if f.Skipped == "" && !strings.HasPrefix(f.Type, "api-") {
		return File{Skipped: "not an API kind the redactor knows"}
	}
	return f
}

// APIKind reports whether the redactor keeps objects of kind in API group
// (the core group is ""), and the name of their schema.
func APIKind(kind, group string) (string, bool) {
	loadSchemas()
	for _, t := range docTypes {
		if t.kind == kind && strings.HasPrefix(t.name, "api-") && slices.Contains(t.groups, group) {
			return t.name, true
		}
	}
	return "", false
}
