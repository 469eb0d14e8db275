package redact

import "testing"

func TestIdentify(t *testing.T) {
	tests := []struct {
		argv       []string
		exe, comm  string
		name, kind string
	}{
		{[]string{"kube-apiserver", "--advertise-address=10.0.0.1"}, "", "kube-apiserver", "kube-apiserver", "component"},
		{[]string{"/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml"}, "/usr/bin/kubelet", "kubelet", "kubelet", "component"},
		{[]string{"/hyperkube", "kubelet", "--v=2"}, "", "hyperkube", "kubelet", "component"},
		{[]string{"/hyperkube", "apiserver"}, "", "hyperkube", "kube-apiserver", "component"},
		{[]string{"/hyperkube", "kubectl"}, "", "hyperkube", "", ""},
		{[]string{"/usr/local/bin/k3s", "server"}, "", "k3s-server", "k3s-server", "component"},
		{[]string{"/usr/local/bin/rke2", "agent"}, "", "rke2", "rke2-agent", "component"},
		{[]string{"etcd", "--data-dir=/var/lib/etcd"}, "", "etcd", "etcd", "component"},
		{[]string{"/usr/bin/etcdctl", "get"}, "", "etcdctl", "", ""},
		{[]string{"etcd", "grpc-proxy", "start", "--endpoints", "https://10.0.0.1:9978"}, "", "etcd", "", ""},
		{[]string{"/usr/bin/containerd"}, "", "containerd", "containerd", "runtime"},
		{[]string{"/usr/bin/dockerd", "-H", "fd://"}, "", "dockerd", "dockerd", "runtime"},
		{[]string{"bash"}, "", "bash", "", ""},
		{[]string{"scheduler"}, "", "scheduler", "", ""}, // a bare short name is not hyperkube
		{[]string{"/snap/microk8s/1/kubelite", "--scheduler-args-file=/x"}, "", "kubelite", "kubelite", "component"},
		{nil, "", "", "", ""},
		// each short name alone, the subcommands' edges, and the executable
		// and kernel name when the first argument says nothing
		{[]string{"apiserver"}, "", "", "", ""},
		{[]string{"proxy"}, "", "", "", ""},
		{[]string{"controller-manager"}, "", "", "", ""},
		{[]string{"/hyperkube"}, "", "", "", ""},
		{[]string{"/hyperkube", "kubelite"}, "", "", "", ""},
		{[]string{"/hyperkube", "controller-manager"}, "", "", "kube-controller-manager", "component"},
		{[]string{"/usr/local/bin/k3s"}, "", "", "", ""},
		{[]string{"/usr/local/bin/k3s", "agent"}, "", "", "k3s-agent", "component"},
		{[]string{"/usr/local/bin/k3s", "etcd-snapshot"}, "", "", "", ""},
		{[]string{"/var/lib/rancher/rke2/bin/rke2-server"}, "", "", "rke2-server", "component"},
		{[]string{"k3s-agent"}, "", "", "k3s-agent", "component"},
		{[]string{"/proc/self/exe", "--v=2"}, "/usr/local/bin/kube-proxy", "", "kube-proxy", "component"},
		{[]string{"runc-wrapper"}, "", "crio", "crio", "runtime"},
		{[]string{"sh", "-c"}, "/bin/sh", "cri-dockerd", "cri-dockerd", "runtime"},
	}
	for _, tt := range tests {
		name, kind := Identify(tt.argv, tt.exe, tt.comm)
		if name != tt.name || kind != tt.kind {
			t.Errorf("Identify(%q, %q, %q) = %q, %q; want %q, %q", tt.argv, tt.exe, tt.comm, name, kind, tt.name, tt.kind)
		}
	}
}

func TestProgram(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"/usr/local/bin/k3s", "server", "--token=x"}, "k3s-server"},
		{[]string{"/usr/bin/kubelet"}, "kubelet"},
		{[]string{"/usr/bin/helper", "--x"}, "helper"},
		{[]string{"apiserver"}, "apiserver"},
	} {
		if got := Program(tt.args); got != tt.want {
			t.Errorf("Program(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}
