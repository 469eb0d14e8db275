package redact

import "strings"

// Environment variables. A variable's value is kept when its name is a
// known setting: the process basics (PATH, HOME, proxies without their
// userinfo…), etcd's ETCD_* (each the twin of a flag), etcdctl's,
// k3s's and rke2's, and the variables that carry a component's flags
// (KUBELET_KUBEADM_ARGS, KUBE_API_ARGS…), whose values are command lines
// redacted as such. Every other value is redacted.

// envBasics are variables of any process whose values are settings.
var envBasics = map[string]kind{
	"PATH": filePath, "HOME": filePath, "PWD": filePath, "OLDPWD": filePath, "SHELL": filePath, "TMPDIR": filePath,
	"HOSTNAME": setting, "LANG": setting, "LANGUAGE": setting, "TZ": setting, "TERM": setting,
	"USER": setting, "LOGNAME": setting, "SHLVL": number, "container": setting,
	"GODEBUG": setting, "GOGC": setting, "GOMAXPROCS": number, "GOMEMLIMIT": setting, "GOTRACEBACK": setting,
	"NOTIFY_SOCKET": filePath, "INVOCATION_ID": setting, "JOURNAL_STREAM": setting, "SYSTEMD_EXEC_PID": number,
	"LISTEN_PID": number, "LISTEN_FDS": number, "LISTEN_FDNAMES": setting, "MAINPID": number,
	"KUBECONFIG": filePath, "SSL_CERT_FILE": filePath, "SSL_CERT_DIR": filePath,
	"HTTP_PROXY": urls, "HTTPS_PROXY": urls, "ALL_PROXY": urls, "NO_PROXY": setting,
	"http_proxy": urls, "https_proxy": urls, "all_proxy": urls, "no_proxy": setting,
	"KUBERNETES_SERVICE_HOST": setting, "KUBERNETES_SERVICE_PORT": number, "KUBERNETES_SERVICE_PORT_HTTPS": number,
	"ETCDCTL_API": number, "ETCDCTL_ENDPOINTS": urls, "ETCDCTL_CACERT": filePath, "ETCDCTL_CERT": filePath,
	"ETCDCTL_KEY": filePath, "ETCDCTL_DIAL_TIMEOUT": duration, "ETCDCTL_COMMAND_TIMEOUT": duration,
	"ETCDCTL_INSECURE_SKIP_TLS_VERIFY": boolean, "ETCDCTL_INSECURE_TRANSPORT": boolean, "ETCDCTL_WRITE_OUT": setting,
	// snapd's, for snapped components (MicroK8s's kubelite expands its
	// args files' ${SNAP_DATA} from these).
	"SNAP": filePath, "SNAP_DATA": filePath, "SNAP_COMMON": filePath, "SNAP_USER_DATA": filePath, "SNAP_USER_COMMON": filePath,
	"SNAP_NAME": setting, "SNAP_INSTANCE_NAME": setting, "SNAP_REVISION": setting, "SNAP_VERSION": setting, "SNAP_ARCH": setting,
}

// argsVars name the variables whose values are a component's flags, by
// prefix and suffix.
var argsVars = []struct{ prefix, component string }{
	{"KUBELET_", "kubelet"},
	{"NODEADM_KUBELET_", "kubelet"}, // EKS's nodeadm: /etc/eks/kubelet/environment
	{"KUBE_APISERVER_", "kube-apiserver"},
	{"KUBE_API_", "kube-apiserver"},
	{"KUBE_CONTROLLER_MANAGER_", "kube-controller-manager"},
	{"KUBE_SCHEDULER_", "kube-scheduler"},
	{"KUBE_PROXY_", "kube-proxy"},
	{"KUBE_", "kubernetes"}, // /etc/kubernetes/config: flags every component takes
	{"ETCD_", "etcd"},
	{"DOCKER_", "dockerd"},
	{"CONTAINERD_", "containerd"},
	{"CRIO_", "crio"},
}

// flagVars are variables whose value is the value of one flag of a
// component (AKS's KUBELET_NODE_LABELS is the kubelet's --node-labels).
var flagVars = map[string][2]string{
	"KUBELET_NODE_LABELS": {"kubelet", "node-labels"},
}

// envDef returns how the value of variable name is kept, for a process of
// (or a file for) component: its kind, or args naming the component
// whose command line the value is.
func envDef(component, name string) (k kind, args string) {
	if k, ok := envBasics[name]; ok {
		return k, ""
	}
	if strings.HasPrefix(name, "LC_") || strings.HasPrefix(name, "KUBERNETES_PORT") {
		return setting, ""
	}
	if f, ok := flagVars[name]; ok {
		if d, ok := lookup(f[0], f[1]); ok {
			return d.kind, ""
		}
	}
	// ETCD_DATA_DIR is --data-dir: etcd reads every flag from ETCD_*.
	if rest, ok := strings.CutPrefix(name, "ETCD_"); ok {
		if d, ok := lookup("etcd", envFlagName(rest)); ok {
			return d.kind, ""
		}
	}
	for _, dist := range [...]string{"k3s", "rke2"} {
		if rest, ok := strings.CutPrefix(name, strings.ToUpper(dist)+"_"); ok {
			if d, ok := lookup(dist+"-server", envFlagName(rest)); ok {
				return d.kind, ""
			}
			if d, ok := lookup(dist+"-agent", envFlagName(rest)); ok {
				return d.kind, ""
			}
		}
	}
	if strings.HasSuffix(name, "ARGS") || strings.HasSuffix(name, "OPTS") || strings.HasSuffix(name, "OPTIONS") || strings.HasPrefix(name, "KUBE") {
		for _, a := range argsVars {
			if strings.HasPrefix(name, a.prefix) {
				if a.component == "kubernetes" && component != "" {
					return unknown, component
				}
				return unknown, a.component
			}
		}
	}
	return unknown, ""
}

// envFlagName turns the rest of ETCD_DATA_DIR into data-dir.
func envFlagName(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "-") }

// lookup returns a flag of a component as the component's parser reads
// its name.
func lookup(component, flag string) (flagDef, bool) {
	return tableOf(component).lookup(flag)
}

// envValueCuts decides the value of variable name.
func envValueCuts(component, name, value string) []cut {
	k, args := envDef(component, name)
	if args != "" {
		if strings.TrimSpace(value) == "" || strings.HasPrefix(strings.TrimSpace(value), "-") {
			return argsStringCuts(args, value)
		}
		return decide(unknown, value)
	}
	return decide(k, value)
}

// argsStringCuts redacts a string that holds a component's flags
// separated by blanks, as a shell or systemd splits an unquoted variable.
func argsStringCuts(component, s string) []cut {
	type word struct{ start, end int }
	var words []word
	for i := 0; i < len(s); {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			i++
		}
		if i == len(s) {
			break
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' {
			j++
		}
		words = append(words, word{i, j})
		i = j
	}
	args := []string{component}
	for _, w := range words {
		args = append(args, s[w.start:w.end])
	}
	var out []cut
	for _, c := range planArgs(component, args) {
		w := words[c.arg-1]
		out = append(out, cut{w.start + c.start, w.start + c.end})
	}
	return out
}

// Env returns a process's environment ("NAME=VALUE" entries) with every
// value that is not a known setting replaced by a marker, and the number
// of markers.
func (r *Redactor) Env(component string, env []string) ([]string, int) {
	out := make([]string, len(env))
	n := 0
	for i, e := range env {
		name, value, ok := strings.Cut(e, "=")
		if !ok {
			out[i] = r.apply(e, whole(e))
			n++
			continue
		}
		cs := envValueCuts(component, name, value)
		if len(cs) == 0 {
			out[i] = e
			continue
		}
		out[i] = name + "=" + r.apply(value, cs)
		n += len(cs)
	}
	return out, n
}
