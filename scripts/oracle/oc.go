package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"

	"sigs.k8s.io/yaml"
)

// The fake oc (-oc). kube-bench's OpenShift benchmarks (rh-*) run every
// audit through oc: they stat files inside the control plane's pods
// (oc exec, oc rsh), on the node (oc debug node -- chroot /host), and read
// configuration maps and the kubelet's configz from the API. No API server
// runs in the namespace. With -oc, this fake answers what the node itself
// holds, and nothing else:
//
//   - oc get pod(s): the static pods of /etc/kubernetes/manifests, named
//     <name>-<host>, and the multus pod of the cluster network operator's
//     DaemonSet (bindata/network/multus/multus.yaml), which every node runs;
//   - oc exec / oc rsh: the command, in a private mount namespace where the
//     pod's hostPath volumes are bound at their mount paths (the container's
//     view of the node's files; its own image is this machine's);
//   - oc debug node/N -- chroot /host CMD: the command, on the node;
//   - oc get configmap config (and kube-apiserver-pod) in the API server's and
//     the controller manager's namespaces: the copy the node holds in the
//     running revision's directory (-o json, -o yaml, -o jsonpath of the data);
//   - oc get --raw /api/v1/nodes/N/proxy/configz: the kubelet's --config file
//     over the KubeletConfiguration v1beta1 defaults the rh checks read;
//   - anything else (cluster objects, operator status, endpoints, secrets,
//     security context constraints, oc version): an error, as from a cluster
//     that does not have it.
//
// Agreement on an oc audit so shows that kube-bench's test and kubeproof's
// judge the same node data alike; it says nothing of the cluster objects
// the fake cannot know.

const ocNotHere = "error: the oracle's fake oc answers only what the node holds"

func fakeOC(args []string) int {
	ns, container, output := "", "", ""
	var rest []string
	verb := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		// oc exec [flags] POD [flags] -- CMD…, oc rsh [flags] POD CMD…:
		// the command's arguments are its own, flags too.
		if verb == "exec" && a == "--" || verb == "rsh" && len(rest) == 2 {
			if a == "--" {
				i++
			}
			rest = append(rest, args[i:]...)
			break
		}
		take := func() string {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case a == "--":
			rest = append(rest, args[i:]...)
			i = len(args)
		case a == "-n" || a == "--namespace":
			ns = take()
		case strings.HasPrefix(a, "--namespace="):
			ns = strings.TrimPrefix(a, "--namespace=")
		case a == "-c" || a == "--container":
			container = take()
		case a == "-o":
			output = take()
		case strings.HasPrefix(a, "-o=") || strings.HasPrefix(a, "-o") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			output = strings.TrimPrefix(strings.TrimPrefix(a, "-o"), "=")
		case a == "-l" || a == "--selector" || a == "--field-selector":
			rest = append(rest, a, take())
		default:
			if verb == "" {
				verb = a
			}
			rest = append(rest, a)
		}
	}
	if len(rest) == 0 {
		return ocFail("")
	}
	switch rest[0] {
	case "get":
		return ocGet(ns, output, rest[1:])
	case "exec", "rsh":
		return ocExec(ns, container, rest[1:])
	case "debug":
		return ocDebug(rest[1:])
	}
	return ocFail(rest[0])
}

func ocFail(what string) int {
	fmt.Fprintln(os.Stderr, ocNotHere+": "+what)
	return 1
}

// ocPod is a pod the fake knows: its namespace, app label, containers'
// mounts (container path → node path).
type ocPod struct {
	name, ns, app string
	first         string                       // the default container: the first
	mounts        map[string]map[string]string // container → mount path → host path
}

func ocHost() string {
	h, _ := os.Hostname()
	return h
}

func ocPods() []ocPod {
	pods := []ocPod{{name: "multus-" + "x7k2p", ns: "openshift-multus", app: "multus", first: "kube-multus", mounts: map[string]map[string]string{
		"kube-multus": {"/host/etc/cni/net.d": "/etc/kubernetes/cni/net.d", "/host/run/multus/cni/net.d": "/var/run/multus/cni/net.d", "/etc/kubernetes": "/etc/kubernetes"},
	}}}
	files, _ := filepath.Glob("/etc/kubernetes/manifests/*")
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var pod struct {
			Metadata struct {
				Name, Namespace string
				Labels          map[string]string
			}
			Spec struct {
				Containers []struct {
					Name         string
					VolumeMounts []struct{ Name, MountPath string } `json:"volumeMounts"`
				}
				Volumes []struct {
					Name     string
					HostPath *struct{ Path string } `json:"hostPath"`
				}
			}
		}
		if yaml.Unmarshal(data, &pod) != nil || pod.Metadata.Namespace == "" {
			continue
		}
		p := ocPod{name: pod.Metadata.Name + "-" + ocHost(), ns: pod.Metadata.Namespace, app: pod.Metadata.Labels["app"], mounts: map[string]map[string]string{}}
		hosts := map[string]string{}
		for _, v := range pod.Spec.Volumes {
			if v.HostPath != nil {
				hosts[v.Name] = v.HostPath.Path
			}
		}
		for _, c := range pod.Spec.Containers {
			m := map[string]string{}
			for _, vm := range c.VolumeMounts {
				if h, ok := hosts[vm.Name]; ok {
					m[path.Clean(vm.MountPath)] = h
				}
			}
			p.mounts[c.Name] = m
			if p.first == "" {
				p.first = c.Name
			}
		}
		pods = append(pods, p)
	}
	return pods
}

func ocGet(ns, output string, args []string) int {
	if len(args) == 0 {
		return ocFail("get")
	}
	var app, raw string
	var names []string
	for i := 1; i < len(args); i++ {
		switch args[i] {
		case "-l", "--selector":
			if i+1 < len(args) {
				app = strings.TrimPrefix(args[i+1], "app=")
				i++
			}
		case "--field-selector":
			i++
		case "--raw":
			if i+1 < len(args) {
				raw = args[i+1]
				i++
			}
		default:
			names = append(names, args[i])
		}
	}
	if args[0] == "--raw" && len(args) > 1 {
		raw = args[1]
	}
	switch {
	case raw != "":
		if strings.HasPrefix(raw, "/api/v1/nodes/") && strings.HasSuffix(raw, "/proxy/configz") {
			return ocConfigz()
		}
		return ocFail("get --raw " + raw)
	case args[0] == "pod" && ns == "":
		// oc get pod $HOSTNAME -o=jsonpath='{.spec.nodeName}': the node kube-bench runs on.
		if strings.Contains(output, ".spec.nodeName") {
			fmt.Println(ocHost())
			return 0
		}
		return ocFail("get pod")
	case args[0] == "pods" || args[0] == "pod" || args[0] == "po":
		for _, p := range ocPods() {
			if p.ns != ns || app != "" && p.app != app {
				continue
			}
			switch {
			case strings.Contains(output, "metadata.name"):
				fmt.Print(p.name)
			case output == "name":
				fmt.Println("pod/" + p.name)
			default:
				return ocFail("get pods -o " + output)
			}
			return 0
		}
		return 0 // no such pod on this node: jsonpath prints nothing
	case args[0] == "configmap" || args[0] == "configmaps" || args[0] == "cm":
		return ocConfigMap(ns, output, names)
	}
	return ocFail("get " + args[0])
}

// ocConfigMap answers the configuration maps of the control plane's
// running revision that the node holds.
func ocConfigMap(ns, output string, names []string) int {
	if len(names) != 1 {
		return ocFail("get configmap")
	}
	var file, key string
	switch {
	case ns == "openshift-kube-apiserver" && names[0] == "config", ns == "openshift-kube-controller-manager" && names[0] == "config":
		file, key = "configmaps/config/config.yaml", "config.yaml"
	case ns == "openshift-kube-apiserver" && names[0] == "kube-apiserver-pod":
		file, key = "configmaps/kube-apiserver-pod/pod.yaml", "pod.yaml"
	default:
		return ocFail("get configmap " + names[0] + " -n " + ns)
	}
	dir := ""
	for _, p := range ocPods() {
		if p.ns != ns {
			continue
		}
		for _, m := range p.mounts {
			if h, ok := m["/etc/kubernetes/static-pod-resources"]; ok {
				dir = h
			}
		}
	}
	if dir == "" {
		return ocFail("get configmap " + names[0] + " -n " + ns)
	}
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return ocFail(err.Error())
	}
	if strings.HasPrefix(output, "jsonpath=") || strings.HasPrefix(output, "jsonpath") {
		fmt.Print(string(data))
		return 0
	}
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]string{"name": names[0], "namespace": ns}, "data": map[string]string{key: string(data)}}
	out, _ := json.MarshalIndent(cm, "", "    ")
	if output == "yaml" {
		out, _ = yaml.Marshal(cm)
	}
	fmt.Println(strings.TrimRight(string(out), "\n"))
	return 0
}

// kubeletDefaults are the KubeletConfiguration v1beta1 defaults
// (pkg/kubelet/apis/config/v1beta1/defaults.go) of the fields kube-bench's
// rh benchmarks read through configz, which shows the effective
// configuration.
var kubeletDefaults = map[string]any{
	"authentication":                 map[string]any{"anonymous": map[string]any{"enabled": false}, "webhook": map[string]any{"enabled": true, "cacheTTL": "2m0s"}},
	"authorization":                  map[string]any{"mode": "Webhook"},
	"readOnlyPort":                   0,
	"streamingConnectionIdleTimeout": "4h0m0s",
	"makeIPTablesUtilChains":         true,
	"eventRecordQPS":                 50,
	"kubeAPIQPS":                     50,
	"kubeAPIBurst":                   100,
	"evictionHard":                   map[string]any{"imagefs.available": "15%", "memory.available": "100Mi", "nodefs.available": "10%", "nodefs.inodesFree": "5%"},
	"imageGCHighThresholdPercent":    85,
	"imageGCLowThresholdPercent":     80,
	"imageMinimumGCAge":              "2m0s",
}

func ocConfigz() int {
	data, err := os.ReadFile("/etc/kubernetes/kubelet.conf")
	if err != nil {
		return ocFail(err.Error())
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return ocFail(err.Error())
	}
	out, _ := json.Marshal(map[string]any{"kubeletconfig": merge(kubeletDefaults, cfg)})
	fmt.Println(string(out))
	return 0
}

func merge(def, over map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range def {
		out[k] = v
	}
	for k, v := range over {
		if dm, ok := out[k].(map[string]any); ok {
			if om, ok := v.(map[string]any); ok {
				out[k] = merge(dm, om)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// ocDebug runs `oc debug node/N -- chroot /host CMD…` on the node.
func ocDebug(args []string) int {
	if len(args) < 4 || !strings.HasPrefix(args[0], "node/") || args[1] != "--" || args[2] != "chroot" {
		return ocFail("debug")
	}
	// The debug pod's working directory is /: "chroot host" (rh-1.0
	// 4.2.11) reaches /host too.
	if args[3] != "/host" && args[3] != "host" {
		fmt.Fprintf(os.Stderr, "chroot: cannot change root directory to '%s': No such file or directory\n", args[3])
		return 125
	}
	return ocRun(nil, args[4:])
}

// ocExec runs `oc exec [-c C] POD -- CMD…` or `oc rsh POD CMD…` in the
// pod's view of the node's files.
func ocExec(ns, container string, args []string) int {
	if len(args) == 0 {
		return ocFail("exec: no pod")
	}
	podName, cmd := args[0], args[1:]
	for _, p := range ocPods() {
		if p.ns != ns || p.name != strings.TrimPrefix(podName, "pod/") {
			continue
		}
		c := container
		if c == "" {
			c = p.first
		}
		return ocRun(p.mounts[c], cmd)
	}
	fmt.Fprintf(os.Stderr, "Error from server (NotFound): pods %q not found\n", podName)
	return 1
}

// ocRun executes cmd with the given hostPath mounts bound at their mount
// paths, in a mount namespace of its own.
func ocRun(mounts map[string]string, cmd []string) int {
	if len(cmd) == 0 {
		return ocFail("no command")
	}
	runtime.LockOSThread()
	if len(mounts) > 0 {
		if err := syscall.Unshare(syscall.CLONE_NEWNS); err != nil {
			return ocFail(err.Error())
		}
		if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
			return ocFail(err.Error())
		}
		targets := make([]string, 0, len(mounts))
		for t := range mounts {
			targets = append(targets, t)
		}
		sort.Slice(targets, func(i, j int) bool { return len(targets[i]) < len(targets[j]) })
		for _, t := range targets {
			fi, err := os.Stat(mounts[t])
			if err != nil || !fi.IsDir() {
				continue
			}
			if err := os.MkdirAll(t, 0o755); err != nil {
				return ocFail(err.Error())
			}
			if err := syscall.Mount(mounts[t], t, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
				return ocFail(err.Error())
			}
		}
	}
	bin, err := exec.LookPath(cmd[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: command not found\n", cmd[0])
		return 127
	}
	err = syscall.Exec(bin, cmd, os.Environ())
	return ocFail(err.Error())
}
