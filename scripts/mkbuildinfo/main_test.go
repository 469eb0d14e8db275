package main

import (
	"bytes"
	"debug/buildinfo"
	"strings"
	"testing"
)

// TestReadByGo: the standard library's reader, which `go version -m` uses,
// reads the stand-in and finds the version where the Kubernetes build puts
// it.
func TestReadByGo(t *testing.T) {
	for _, v := range []string{"v1.33.13-eks-3a1d7c2", "v1.33.3", "v1.33.5-gke.1080000", "v1.30.7+vmware.1"} {
		data := Generate("kubelet", v, "go1.24.4")
		info, err := buildinfo.Read(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if info.GoVersion != "go1.24.4" || info.Path != "k8s.io/kubernetes/cmd/kubelet" {
			t.Errorf("%s: go %q, path %q", v, info.GoVersion, info.Path)
		}
		found := false
		for _, s := range info.Settings {
			if s.Key == "-ldflags" && strings.Contains(s.Value, "k8s.io/component-base/version.gitVersion="+v+"'") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no -ldflags setting with the version in %+v", v, info.Settings)
		}
		if len(data) > 2048 {
			t.Errorf("%s: %d bytes, want a small file", v, len(data))
		}
	}
}

// TestDeterministic: the same arguments give the same bytes.
func TestDeterministic(t *testing.T) {
	a := Generate("kubelet", "v1.33.3", "go1.24.4")
	b := Generate("kubelet", "v1.33.3", "go1.24.4")
	if !bytes.Equal(a, b) {
		t.Fatal("two runs differ")
	}
}
