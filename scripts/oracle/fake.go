package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The fakes' part. The driver links this binary into
// <work>/kubeproof-oracle-fakes/proc/<component> (the component processes)
// and <work>/kubeproof-oracle-fakes/path/{kubectl,kubelet} (first on
// kube-bench's PATH), and with -oc path/oc (oc.go).
// A fake knows its part from where its executable lies, not from an
// environment variable, so that its environment is exactly the spec's:
// kube-bench and the collector both read /proc/<pid>/environ.

const (
	fakesDirName = "kubeproof-oracle-fakes"
	versionFile  = "kubernetes-version"
)

// fakeRole returns "proc" or "path" and the executable's directory when this
// binary runs as a fake, else "".
func fakeRole() (role, dir string) {
	exe, err := os.Executable()
	if err != nil {
		return "", ""
	}
	dir = filepath.Dir(exe)
	if filepath.Base(filepath.Dir(dir)) != fakesDirName {
		return "", ""
	}
	return filepath.Base(dir), dir
}

func fake(role, dir string, args []string) int {
	if role == "path" && filepath.Base(os.Args[0]) == "oc" {
		return fakeOC(args)
	}
	if role == "path" {
		// kube-bench asks "kubectl version -o json", else "kubelet
		// --version", for the Kubernetes version; nothing else should
		// ever run these.
		v, _ := os.ReadFile(filepath.Join(dir, versionFile))
		version := strings.TrimPrefix(strings.TrimSpace(string(v)), "v")
		name := filepath.Base(os.Args[0])
		switch {
		case version == "":
		case name == "kubelet" && len(args) == 1 && args[0] == "--version":
			fmt.Printf("Kubernetes v%s\n", version)
			return 0
		case name == "kubectl" && len(args) > 0 && args[0] == "version":
			major, minor, _ := strings.Cut(version, ".")
			minor, _, _ = strings.Cut(minor, ".")
			out, _ := json.Marshal(map[string]any{"serverVersion": map[string]string{"major": major, "minor": minor, "gitVersion": "v" + version}})
			fmt.Println(string(out))
			return 0
		}
		fmt.Fprintf(os.Stderr, "%s: a fake of the kubeproof oracle; it only tells the Kubernetes version the spec was detected as (%q)\n", name, version)
		return 1
	}
	// A component process: it only has to exist. The driver kills it, and
	// the PID namespace ends with the driver in any case.
	for {
		time.Sleep(time.Hour)
	}
}
