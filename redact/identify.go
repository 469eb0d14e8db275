package redact

import "path"

// components maps the names under which a program runs to its canonical
// component name. Hyperkube's subcommands use the short forms.
var components = map[string]string{
	"kube-apiserver":          "kube-apiserver",
	"apiserver":               "kube-apiserver",
	"kube-controller-manager": "kube-controller-manager",
	"controller-manager":      "kube-controller-manager",
	"kube-scheduler":          "kube-scheduler",
	"scheduler":               "kube-scheduler",
	"etcd":                    "etcd",
	"kubelet":                 "kubelet",
	"kube-proxy":              "kube-proxy",
	"proxy":                   "kube-proxy",
	"kubelite":                "kubelite", // microk8s: every component in one process
}

var runtimes = map[string]bool{
	"containerd":  true,
	"dockerd":     true,
	"crio":        true,
	"cri-dockerd": true,
}

// Identify names the Kubernetes component or container runtime that a
// process runs, from its first argument, then its executable, then its
// kernel name (comm); kind is "component" or "runtime". Both are "" for
// any other program.
func Identify(argv []string, exe, comm string) (component, kind string) {
	if len(argv) == 0 {
		return "", ""
	}
	for _, base := range [...]string{path.Base(argv[0]), path.Base(exe), comm} {
		switch base {
		case "hyperkube":
			if len(argv) > 1 {
				if c, ok := components[argv[1]]; ok && c != "kubelite" {
					return c, "component"
				}
			}
			return "", ""
		case "k3s", "rke2":
			if len(argv) > 1 && (argv[1] == "server" || argv[1] == "agent") {
				return base + "-" + argv[1], "component"
			}
			return "", ""
		case "k3s-server", "k3s-agent", "rke2-server", "rke2-agent":
			return base, "component"
		case "etcd":
			// etcd grpc-proxy (OpenShift's etcd pod runs one beside the
			// server, for metrics) is a proxy, not the etcd server: its
			// flags are not the server's.
			if len(argv) > 1 && argv[1] == "grpc-proxy" {
				return "", ""
			}
		}
		if c, ok := components[base]; ok && base != "apiserver" && base != "scheduler" && base != "proxy" && base != "controller-manager" {
			return c, "component"
		}
		if runtimes[base] {
			return base, "runtime"
		}
	}
	return "", ""
}

// Program names the component whose flags a command line holds, from its
// first argument (and a hyperkube, k3s or rke2 subcommand): a component
// or runtime name as Identify gives, the name of another program, or ""
// when args is empty.
func Program(args []string) string {
	if len(args) == 0 {
		return ""
	}
	if c, _ := Identify(args, "", ""); c != "" {
		return c
	}
	return path.Base(args[0])
}
