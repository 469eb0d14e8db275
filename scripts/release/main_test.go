package main

import (
	"os"
	"strings"
	"testing"
)

// TestDeployFiles: the deploy archive holds deploy/ without its tests,
// with both kustomizations pinned to the image's digest, and the two
// collection scripts, executable.
func TestDeployFiles(t *testing.T) {
	wd, _ := os.Getwd()
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	digest := "sha256:" + strings.Repeat("5e", 32)
	files, err := deployFiles(digest)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range files {
		got[f.Name] = true
		if strings.HasSuffix(f.Name, "_test.go") {
			t.Errorf("%s in the deploy archive", f.Name)
		}
		if strings.HasSuffix(f.Name, "kustomization.yaml") && strings.Contains(string(f.Data), "newTag:") {
			t.Errorf("%s not pinned", f.Name)
		}
		if strings.HasSuffix(f.Name, ".sh") && !f.Exec {
			t.Errorf("%s not executable", f.Name)
		}
	}
	for _, want := range []string{"deploy/kustomization.yaml", "deploy/job/kustomization.yaml", "deploy/daemonset.yaml", "deploy/job/job.yaml",
		"deploy/common/networkpolicy.yaml", "deploy/image/Dockerfile", "deploy/ansible/collect.yml", "deploy/README.md",
		"scripts/collect-ssh.sh", "scripts/collect-k8s.sh"} {
		if !got[want] {
			t.Errorf("no %s in the deploy archive", want)
		}
	}
}

// TestMakefile: make release runs this program with the version given.
func TestMakefile(t *testing.T) {
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "\n\t$(GO) run ./scripts/release -version '$(VERSION)' -out dist") {
		t.Error("the Makefile's release target does not run scripts/release")
	}
}
