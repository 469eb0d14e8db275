package catalog

import (
	"strings"
	"testing"
)

// TestEmbeddedPlatforms: every embedded profile loads, and can be
// recognised at all (its signals can reach the detection weight).
func TestEmbeddedPlatforms(t *testing.T) {
	ps, err := Platforms()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
		total := 0
		for _, s := range p.Recognise {
			total += s.Weight
		}
		if total < DetectWeight {
			t.Errorf("%s: its signals weigh %d in all; a node is recognised from %d", p.Name, total, DetectWeight)
		}
	}
	if got, want := strings.Join(names, " "), "ack aks eks gke k3s microk8s rke rke2 tkestack tkgi"; got != want {
		t.Errorf("platforms %q, want %q", got, want)
	}
}

func TestParsePlatformErrors(t *testing.T) {
	const head = "format: 2\nplatform: x\ntitle: X\nsources: [https://example.org]\n"
	for _, tt := range []struct{ name, file, want string }{
		{"no signal", head, "recognise: no signal"},
		{"two kinds", head + "recognise: [{process: a, path: /b, weight: 2}]\n", "exactly one of process"},
		{"arg alone", head + "recognise: [{arg: x, weight: 2}]\n", "arg and component go together"},
		{"weight", head + "recognise: [{process: a, weight: 3}]\n", "want 1 (a hint) or 2"},
		{"relative", head + "recognise: [{path: etc/x, weight: 1}]\n", "want an absolute path"},
		{"component", head + "recognise: [{process: a, weight: 2}]\ncomponents: {kubectl: [{process: a}]}\n", `"kubectl": want one of`},
		{"arg and file", head + "recognise: [{process: a, weight: 2}]\ncomponents: {kubelet: [{process: a, arg: b, args_file: /c}]}\n", "arg or args_file"},
		{"benchmark", head + "recognise: [{process: a, weight: 2}]\nbenchmarks: [{kubernetes: {from: \"1.24\"}, benchmark: k3s-cis-9}]\n", `"k3s-cis-9": no such embedded benchmark`},
		{"no sources", "format: 2\nplatform: x\ntitle: X\nrecognise: [{process: a, weight: 2}]\n", "sources: name the public documents"},
		{"unknown key", head + "recognise: [{process: a, weight: 2}]\nrecognize: []\n", `unknown key "recognize"`},
		{"collect", head + "recognise: [{process: a, weight: 2}]\ncollect: [{path: /etc/../x}]\n", "want a clean absolute path"},
		{"as", head + "recognise: [{process: a, weight: 2}]\ncollect: [{path: /x, as: {component: kubectl, flag: f}}]\n", "collect[0].as: want a component"},
		{"depth", head + "recognise: [{process: a, weight: 2}]\ncollect: [{path: /x, depth: 9}]\n", "collect[0].depth: 9: want 0 to 4"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePlatform("p.yaml", []byte(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "p.yaml") {
				t.Errorf("error %v, want one naming p.yaml with %q", err, tt.want)
			}
		})
	}
}
