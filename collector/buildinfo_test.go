package collector

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kubeproof/kubeproof/internal/skips"
)

func TestVersionFromModInfo(t *testing.T) {
	tests := []struct{ info, want string }{
		{"path\tk8s.io/kubernetes/cmd/kubelet\nbuild\t-ldflags=\"-X 'k8s.io/component-base/version.gitVersion=v1.27.3' -X 'k8s.io/component-base/version.gitCommit=abc'\"\n", "v1.27.3"},
		{"build\t-ldflags=-X k8s.io/client-go/pkg/version.gitVersion=v1.20.4-tke.1 -s -w\n", "v1.20.4-tke.1"},
		{"build\t-ldflags=\"-X \\\"k8s.io/component-base/version.gitVersion=v1.30.0\\\"\"\n", "v1.30.0"},
		{"build\t-ldflags=\"-X github.com/k3s-io/k3s/pkg/version.Version=v1.33.4+k3s1 -X github.com/k3s-io/k3s/pkg/version.GitCommit=abc\"\n", "v1.33.4+k3s1"},
		{"build\t-ldflags=\"-X github.com/rancher/rke2/pkg/version.Version=v1.33.4+rke2r1\"\n", "v1.33.4+rke2r1"},
		{"build\t-ldflags=-s -w\n", ""},
		{"mod\tk8s.io/component-base/version.gitVersion=v9\n", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := versionFromModInfo(tt.info); got != tt.want {
			t.Errorf("versionFromModInfo(%q) = %q, want %q", tt.info, got, tt.want)
		}
	}
}

// TestGoModInfo builds a small program the way Kubernetes stamps its
// version and reads the version back from the ELF binary.
func TestGoModInfo(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: builds a binary")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "kubelet")
	cmd := exec.Command("go", "build", "-o", bin, "-ldflags=-s -w -X 'k8s.io/component-base/version.gitVersion=v1.20.4'", src)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GO111MODULE=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := os.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := goModInfo(f)
	if err != nil {
		t.Fatal(err)
	}
	if v := versionFromModInfo(info); v != "v1.20.4" {
		t.Errorf("version %q from build info:\n%s", v, info)
	}
	if _, err := goModInfo(bytes.NewReader([]byte("#!/bin/sh\necho not elf\n"))); err != errNotELF {
		t.Errorf("shell script: %v, want errNotELF", err)
	}
}

func FuzzGoModInfo(f *testing.F) {
	self, err := os.Executable()
	if err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		f.Fatal(err)
	}
	// Seeds: the head of a real ELF file (headers, no sections), and junk.
	f.Add(data[:4096])
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		goModInfo(bytes.NewReader(b)) // must not panic or allocate without bound
	})
}

func TestVersionsInManifest(t *testing.T) {
	text := []byte(`spec:
  containers:
  - image: registry.tke.com/library/kube-apiserver:v1.20.4
    name: kube-apiserver
  - name: x
    image: "k8s.gcr.io/kube-proxy-amd64:v1.18.20-rc.1+abc"
  - image: k8s.gcr.io/etcd:3.4.13-0
  - image: kube-scheduler:latest
  - image: example.com/kube-controller-manager-arm64:v1.2
`)
	got := versionsInManifest("/m.yaml", text)
	if len(got) != 2 || got[0].Version != "v1.20.4" || got[0].Component != "kube-apiserver" ||
		got[1].Version != "v1.18.20-rc.1+abc" || got[1].Component != "kube-proxy" {
		t.Errorf("versionsInManifest = %+v", got)
	}
}

// TestVersionsInRKE2Manifest: RKE2 runs every component from its
// hardened-kubernetes image; the manifest's name says which.
func TestVersionsInRKE2Manifest(t *testing.T) {
	text := []byte("spec:\n  containers:\n  - image: index.docker.io/rancher/hardened-kubernetes:v1.33.4-rke2r1-build20250814\n")
	for _, tt := range []struct{ path, component string }{
		{"/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml", "kube-apiserver"},
		{"/var/lib/rancher/rke2/agent/pod-manifests/kube-proxy.yaml", "kube-proxy"},
		{"/var/lib/rancher/rke2/agent/pod-manifests/cloud-controller-manager.yaml", ""},
	} {
		got := versionsInManifest(tt.path, text)
		if tt.component == "" {
			if len(got) != 0 {
				t.Errorf("%s: %+v, want none (not a Kubernetes component)", tt.path, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Version != "v1.33.4-rke2r1-build20250814" || got[0].Component != tt.component {
			t.Errorf("%s: %+v, want %s v1.33.4-rke2r1-build20250814", tt.path, got, tt.component)
		}
	}
}
