// Package deploy holds the tests of the collector's deployment files:
// the Kubernetes manifests (rendered by kubectl kustomize where it is
// installed, and by the small renderer below always), the image build
// file, the Ansible playbook and scripts/collect-ssh.sh.
package deploy

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kubeproof/kubeproof/collector"
	"github.com/kubeproof/kubeproof/internal/release"
	"github.com/kubeproof/kubeproof/internal/skips"
)

// kustomization is the part of the format the manifests use.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Images     []struct {
		Name    string `json:"name"`
		NewName string `json:"newName"`
		NewTag  string `json:"newTag"`
		Digest  string `json:"digest"`
	} `json:"images"`
}

// render builds a kustomization directory the way kubectl kustomize does
// for what these files use: resources (files and directories), and images
// renamed, tagged or pinned. Objects are decoded as JSON values.
func render(t *testing.T, dir string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k kustomization
	if err := yaml.UnmarshalStrict(data, &k); err != nil {
		t.Fatalf("%s/kustomization.yaml: %v", dir, err)
	}
	var objs []map[string]any
	for _, r := range k.Resources {
		p := filepath.Join(dir, r)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			objs = append(objs, render(t, p)...)
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, decodeAll(t, data)...)
	}
	for _, o := range objs {
		for _, c := range containers(o) {
			img, _ := c["image"].(string)
			for _, i := range k.Images {
				name, _, _ := strings.Cut(img, "@")
				name, _, _ = strings.Cut(name, ":")
				if name != i.Name {
					continue
				}
				if i.NewName != "" {
					name = i.NewName
				}
				switch {
				case i.Digest != "":
					img = name + "@" + i.Digest
				case i.NewTag != "":
					img = name + ":" + i.NewTag
				default:
					img = name
				}
				c["image"] = img
			}
		}
	}
	return objs
}

func decodeAll(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for _, doc := range strings.Split("\n"+string(data), "\n---") {
		if strings.TrimSpace(strings.ReplaceAll(doc, "\n#", "\n")) == "" {
			continue
		}
		var o map[string]any
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			t.Fatal(err)
		}
		if o != nil {
			objs = append(objs, o)
		}
	}
	return objs
}

// get walks a decoded object: get(o, "spec", "template", "spec").
func get(o any, keys ...string) any {
	for _, k := range keys {
		m, ok := o.(map[string]any)
		if !ok {
			return nil
		}
		o = m[k]
	}
	return o
}

func podSpec(o map[string]any) map[string]any {
	spec, _ := get(o, "spec", "template", "spec").(map[string]any)
	return spec
}

func containers(o map[string]any) []map[string]any {
	var out []map[string]any
	for _, field := range []string{"initContainers", "containers"} {
		list, _ := get(podSpec(o), field).([]any)
		for _, c := range list {
			if m, ok := c.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func key(o map[string]any) string {
	return fmt.Sprintf("%v/%v/%v", o["kind"], get(o, "metadata", "namespace"), get(o, "metadata", "name"))
}

// manifests renders both kustomizations, the Job for node NODE_NAME as
// deploy/README.md fills it in. Where kubectl is installed, its rendering
// must be the same objects as this test's.
func manifests(t *testing.T) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	kubectl, kerr := exec.LookPath("kubectl")
	for _, dir := range []string{".", "job"} {
		own := render(t, dir)
		out[dir] = own
		if kerr != nil {
			continue
		}
		rendered, err := exec.Command(kubectl, "kustomize", dir).Output()
		if err != nil {
			t.Fatalf("kubectl kustomize %s: %v", dir, err)
		}
		theirs := decodeAll(t, rendered)
		sort.Slice(own, func(i, j int) bool { return key(own[i]) < key(own[j]) })
		sort.Slice(theirs, func(i, j int) bool { return key(theirs[i]) < key(theirs[j]) })
		if !reflect.DeepEqual(own, theirs) {
			t.Errorf("kubectl kustomize %s renders other objects than this test's renderer:\n%s", dir, rendered)
		}
	}
	return out
}

// TestManifests checks the security settings of every pod the manifests
// run, and that the objects around them are there: the namespace, the
// service account, the network policy.
func TestManifests(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		skips.Skip(t, "no kubectl here to render the manifests as kubectl kustomize does; rendered by the test's own reader only")
	}
	checkManifests(t, manifests(t))
}

// TestManifestsOwnRenderer runs the same checks on this test's own
// rendering, with or without kubectl.
func TestManifestsOwnRenderer(t *testing.T) {
	checkManifests(t, map[string][]map[string]any{".": render(t, "."), "job": render(t, "job")})
}

func checkManifests(t *testing.T, sets map[string][]map[string]any) {
	for dir, objs := range sets {
		byKind := map[string][]map[string]any{}
		for _, o := range objs {
			byKind[o["kind"].(string)] = append(byKind[o["kind"].(string)], o)
		}
		workload := map[string]string{".": "DaemonSet", "job": "Job"}[dir]
		if len(byKind[workload]) != 1 || len(byKind["Namespace"]) != 1 || len(byKind["ServiceAccount"]) != 1 || len(byKind["NetworkPolicy"]) != 1 || len(objs) != 4 {
			t.Fatalf("%s: objects %v", dir, keys(objs))
		}
		w := byKind[workload][0]
		checkPod(t, dir, w)
		labels := get(w, "spec", "template", "metadata", "labels").(map[string]any)

		ns := byKind["Namespace"][0]
		if get(ns, "metadata", "name") != "kubeproof" || get(ns, "metadata", "labels", "pod-security.kubernetes.io/enforce") != "privileged" {
			t.Errorf("%s: namespace %v", dir, ns)
		}
		for _, o := range objs {
			if o["kind"] != "Namespace" && get(o, "metadata", "namespace") != "kubeproof" {
				t.Errorf("%s: %s not in the kubeproof namespace", dir, key(o))
			}
		}
		sa := byKind["ServiceAccount"][0]
		if sa["automountServiceAccountToken"] != false || get(sa, "metadata", "name") != get(podSpec(w), "serviceAccountName") {
			t.Errorf("%s: service account %v", dir, sa)
		}
		// No traffic at all: both directions, no rule, and it selects
		// the pods.
		np := byKind["NetworkPolicy"][0]
		types, _ := get(np, "spec", "policyTypes").([]any)
		if !slices.Contains(types, any("Ingress")) || !slices.Contains(types, any("Egress")) || get(np, "spec", "ingress") != nil || get(np, "spec", "egress") != nil {
			t.Errorf("%s: network policy %v", dir, np)
		}
		sel, _ := get(np, "spec", "podSelector", "matchLabels").(map[string]any)
		if len(sel) == 0 {
			t.Errorf("%s: the network policy selects no pod", dir)
		}
		for k, v := range sel {
			if labels[k] != v {
				t.Errorf("%s: the network policy's %s=%v does not select the pods (%v)", dir, k, v, labels)
			}
		}
		switch workload {
		case "DaemonSet":
			if !tolerates(podSpec(w), "node-role.kubernetes.io/control-plane", "NoSchedule") || !tolerates(podSpec(w), "node-role.kubernetes.io/master", "NoSchedule") ||
				!tolerates(podSpec(w), "node-role.kubernetes.io/etcd", "NoExecute") {
				t.Errorf("the DaemonSet does not run on control plane and etcd nodes: %v", get(podSpec(w), "tolerations"))
			}
		case "Job":
			if get(w, "metadata", "name") != "kubeproof-collect-NODE_NAME" || get(podSpec(w), "nodeName") != "NODE_NAME" ||
				get(podSpec(w), "restartPolicy") != "Never" || get(w, "spec", "backoffLimit") != float64(0) {
				t.Errorf("the Job is not one run on node NODE_NAME: %v", w)
			}
		}
	}
}

func keys(objs []map[string]any) []string {
	var out []string
	for _, o := range objs {
		out = append(out, key(o))
	}
	return out
}

// tolerates reports whether a pod spec tolerates the taint key:effect.
func tolerates(spec map[string]any, k, effect string) bool {
	list, _ := spec["tolerations"].([]any)
	for _, x := range list {
		tl, _ := x.(map[string]any)
		op, _ := tl["operator"].(string)
		tk, _ := tl["key"].(string)
		te, _ := tl["effect"].(string)
		if (tk == "" && op == "Exists" || tk == k) && (te == "" || te == effect) {
			return true
		}
	}
	return false
}

// checkPod holds one pod template to what deploy/README.md promises:
// not privileged, no privilege escalation, every capability dropped but
// the two reading needs, root (for those capabilities to take effect),
// a read-only root file system, the runtime's seccomp profile, no token,
// none of the node's namespaces, and the node's root file system mounted
// read-only where --root looks, covering every path the collector reads.
func checkPod(t *testing.T, dir string, w map[string]any) {
	spec := podSpec(w)
	for _, f := range []string{"hostPID", "hostIPC", "hostNetwork", "automountServiceAccountToken", "enableServiceLinks"} {
		if spec[f] != false {
			t.Errorf("%s: pod %s is %v, want false", dir, f, spec[f])
		}
	}
	if spec["securityContext"] != nil {
		t.Errorf("%s: a pod security context %v: the container's says it all", dir, spec["securityContext"])
	}
	cs := containers(w)
	if len(cs) != 1 {
		t.Fatalf("%s: %d containers", dir, len(cs))
	}
	c := cs[0]
	sc, _ := c["securityContext"].(map[string]any)
	want := map[string]any{
		"runAsUser": float64(0), "runAsGroup": float64(0), "runAsNonRoot": false, "privileged": false,
		"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
		"capabilities":   map[string]any{"drop": []any{"ALL"}, "add": []any{"DAC_READ_SEARCH", "SYS_PTRACE"}},
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}
	if !reflect.DeepEqual(sc, want) {
		t.Errorf("%s: container security context\n%v\nwant\n%v", dir, sc, want)
	}
	if img, _ := c["image"].(string); img != "kubeproof-collect:0.1.0" {
		t.Errorf("%s: image %q", dir, img)
	}
	var args []string
	for _, a := range c["args"].([]any) {
		args = append(args, a.(string))
	}
	wantArgs := []string{"--root=/host", "--hostname=$(NODE_NAME)", "-o", "-", "--base64"}
	if dir == "." {
		wantArgs = append(wantArgs, "--wait")
	}
	if !reflect.DeepEqual(args, wantArgs) {
		t.Errorf("%s: args %q, want %q", dir, args, wantArgs)
	}
	env, _ := c["env"].([]any)
	if len(env) != 1 || get(env[0], "name") != "NODE_NAME" || get(env[0], "valueFrom", "fieldRef", "fieldPath") != "spec.nodeName" {
		t.Errorf("%s: env %v", dir, env)
	}
	if c["command"] != nil || c["ports"] != nil || c["lifecycle"] != nil {
		t.Errorf("%s: the container has a command, ports or hooks: %v", dir, c)
	}

	// Volumes: host paths only, never created (type Directory), mounted
	// read-only under /host at their own path.
	volumes := map[string]string{}
	for _, v := range spec["volumes"].([]any) {
		hp, _ := get(v, "hostPath").(map[string]any)
		if hp == nil || (hp["type"] != "Directory" && hp["type"] != "File") {
			t.Errorf("%s: volume %v: want a hostPath of type Directory or File (never DirectoryOrCreate, or no type: either creates what is missing on the node)", dir, v)
			continue
		}
		volumes[get(v, "name").(string)] = hp["path"].(string)
	}
	var mounted []string
	for _, m := range c["volumeMounts"].([]any) {
		name, _ := get(m, "name").(string)
		hostPath, ok := volumes[name]
		if !ok {
			t.Errorf("%s: mount of %q, not a host path", dir, name)
			continue
		}
		if get(m, "readOnly") != true {
			t.Errorf("%s: %s mounted read-write", dir, hostPath)
		}
		if mp := get(m, "mountPath"); mp != path.Join("/host", hostPath) {
			t.Errorf("%s: %s mounted at %v, want %s (--root=/host)", dir, hostPath, mp, path.Join("/host", hostPath))
		}
		mounted = append(mounted, hostPath)
	}
	// Every path the collector reads on every node lies in a mount, and
	// every mount holds one of them.
	used := map[string]bool{}
	for _, p := range collector.KnownPaths() {
		in := ""
		for _, m := range mounted {
			if m == "/" || p == m || strings.HasPrefix(p, m+"/") {
				in = m
			}
		}
		if in == "" {
			t.Errorf("%s: the collector reads %s, which no mount holds", dir, p)
		}
		used[in] = true
	}
	for _, m := range mounted {
		if !used[m] {
			t.Errorf("%s: %s is mounted, but the collector reads nothing there", dir, m)
		}
	}
}

// TestImagePinned: a release pins every kustomization's image to the
// digest of its image (internal/release.PinImage), and the rendering then
// names the image by digest.
func TestImagePinned(t *testing.T) {
	digest := "sha256:" + strings.Repeat("3c", 32)
	for _, dir := range []string{".", "job"} {
		tmp := t.TempDir()
		copyTree(t, ".", tmp)
		f := filepath.Join(tmp, dir, "kustomization.yaml")
		data, _ := os.ReadFile(f)
		pinned, err := release.PinImage(data, digest)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(f, pinned, 0o644)
		for _, o := range render(t, filepath.Join(tmp, dir)) {
			for _, c := range containers(o) {
				if c["image"] != "kubeproof-collect@"+digest {
					t.Errorf("%s: image %v", dir, c["image"])
				}
			}
		}
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDockerfile: the image build file is the image the release writes:
// FROM scratch, the static binary at the entrypoint, run as root.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("image/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	want := []string{
		"FROM scratch",
		"ARG TARGETARCH",
		"COPY kubeproof-collect-linux-${TARGETARCH} " + release.ImageEntrypoint,
		"USER 0:0",
		`ENTRYPOINT ["` + release.ImageEntrypoint + `"]`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("Dockerfile instructions\n%q\nwant\n%q", lines, want)
	}
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(mk, []byte("-o $(BIN)/kubeproof-collect-linux-amd64")) || !bytes.Contains(mk, []byte("-o $(BIN)/kubeproof-collect-linux-arm64")) {
		t.Error("make static no longer writes the binaries the Dockerfile copies")
	}
}
