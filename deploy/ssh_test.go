package deploy

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/skips"
)

const playbook = "ansible/collect.yml"

// TestPlaybook reads the playbook for what deploy/README.md promises —
// the collector copied, the bundle fetched, the copies removed whatever
// happened, each digest checked here — then has ansible-playbook and
// ansible-lint check it where they are installed.
func TestPlaybook(t *testing.T) {
	data, err := os.ReadFile(playbook)
	if err != nil {
		t.Fatal(err)
	}
	var plays []struct {
		Hosts  string           `json:"hosts"`
		Become bool             `json:"become"`
		Vars   map[string]any   `json:"vars"`
		Tasks  []map[string]any `json:"tasks"`
	}
	if err := yaml.Unmarshal(data, &plays); err != nil {
		t.Fatal(err)
	}
	if len(plays) != 1 || !plays[0].Become {
		t.Fatalf("plays: %+v", plays)
	}
	var block, always []map[string]any
	var verify map[string]any
	for _, task := range plays[0].Tasks {
		if b, ok := task["block"].([]any); ok {
			for _, x := range b {
				block = append(block, x.(map[string]any))
			}
			for _, x := range task["always"].([]any) {
				always = append(always, x.(map[string]any))
			}
		}
		if _, ok := task["ansible.builtin.command"]; ok && task["delegate_to"] == "localhost" {
			verify = task
		}
	}
	modules := func(tasks []map[string]any) []string {
		var out []string
		for _, t := range tasks {
			for k := range t {
				if strings.HasPrefix(k, "ansible.builtin.") {
					out = append(out, strings.TrimPrefix(k, "ansible.builtin."))
				}
			}
		}
		return out
	}
	if got := strings.Join(modules(block), " "); got != "copy copy copy command fetch" {
		t.Errorf("the block runs %s", got)
	}
	if len(always) != 1 || get(always[0], "ansible.builtin.file", "state") != "absent" ||
		get(always[0], "ansible.builtin.file", "path") != "{{ kubeproof_tmp.path }}" {
		t.Errorf("the always section does not remove the working directory: %v", always)
	}
	for _, task := range block {
		if dest, ok := get(task, "ansible.builtin.copy", "dest").(string); ok && !strings.HasPrefix(dest, "{{ kubeproof_tmp.path }}/") {
			t.Errorf("a copy outside the working directory: %v", dest)
		}
		if src, _ := get(task, "ansible.builtin.copy", "src").(string); strings.Contains(src, "key") && task["no_log"] != true {
			t.Errorf("a key copied with logging: %v", task)
		}
	}
	if verify == nil || !strings.Contains(fmt.Sprint(get(verify, "ansible.builtin.command", "argv")), "verify") {
		t.Errorf("no kubeproof verify of the fetched bundle on this machine: %v", verify)
	}

	if _, err := exec.LookPath("ansible-playbook"); err != nil {
		skips.Skip(t, "no ansible-playbook here for --syntax-check (nor, then, ansible-lint); skipped")
	}
	inv := filepath.Join(t.TempDir(), "inventory.ini")
	os.WriteFile(inv, []byte("node-1 ansible_connection=local\n"), 0o644)
	if out, err := exec.Command("ansible-playbook", "--syntax-check", "-i", inv, playbook).CombinedOutput(); err != nil {
		t.Errorf("ansible-playbook --syntax-check: %v\n%s", err, out)
	}
	t.Run("run", func(t *testing.T) { runPlaybook(t) })
	if _, err := exec.LookPath("ansible-lint"); err != nil {
		skips.Skip(t, "no ansible-lint here; skipped (the syntax check passed)")
	}
	cmd := exec.Command("ansible-lint", "--offline", "--nocolor", playbook)
	cmd.Env = append(os.Environ(), "ANSIBLE_LOCAL_TEMP="+t.TempDir(), "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("ansible-lint: %v\n%s", err, out)
	}
}

// runPlaybook runs the playbook on this machine, as two inventory hosts
// reached by Ansible's local connection: each bundle fetched, signed, its
// digest checked, and nothing left behind.
func runPlaybook(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: collects this machine twice")
	}
	if os.Geteuid() != 0 {
		skips.Skip(t, "the playbook becomes root: run locally, only as root; skipped")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	for pkg, out := range map[string]string{"./cmd/kubeproof-collect": filepath.Join(bin, "kubeproof-collect-linux-"+runtime.GOARCH), "./cmd/kubeproof": filepath.Join(dir, "kubeproof")} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Dir = ".."
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, 32))
	keyFile := filepath.Join(dir, "site.key")
	os.WriteFile(keyFile, bundle.MarshalPrivateKey(key), 0o600)
	inv := filepath.Join(dir, "inventory.ini")
	os.WriteFile(inv, []byte("node-1 ansible_connection=local\nnode-2 ansible_connection=local\n"), 0o644)
	before, _ := filepath.Glob("/tmp/kubeproof.*")
	out := filepath.Join(dir, "bundles")
	cmd := exec.Command("ansible-playbook", "-i", inv, playbook, "-e", "kubeproof_collector_dir="+bin, "-e", "kubeproof_bundles_dir="+out,
		"-e", "kubeproof_bin="+filepath.Join(dir, "kubeproof"), "-e", "kubeproof_sign_key="+keyFile)
	cmd.Env = append(os.Environ(), "ANSIBLE_LOCAL_TEMP="+filepath.Join(dir, "ansible-tmp"), "ANSIBLE_NOCOLOR=1")
	report, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ansible-playbook: %v\n%s", err, report)
	}
	for _, host := range []string{"node-1", "node-2"} {
		b, err := bundle.Open(filepath.Join(out, host+".kpb"), bundle.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		if b.Signature == nil || !key.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(b.Signature.PublicKey)) {
			t.Errorf("%s: not signed with the key given", host)
		}
		if !strings.Contains(string(report), host+": "+b.Digest.Prefixed()) {
			t.Errorf("%s: no digest check in the report:\n%s", host, report)
		}
	}
	if after, _ := filepath.Glob("/tmp/kubeproof.*"); len(after) != len(before) {
		t.Errorf("working directories left behind: %q, before %q", after, before)
	}
}

const (
	sshScript = "../scripts/collect-ssh.sh"
	k8sScript = "../scripts/collect-k8s.sh"
)

// TestScripts: bash parses the collection scripts and shellcheck finds
// nothing, where it is installed; their usage errors are exit code 2, and
// -h prints their header.
func TestScripts(t *testing.T) {
	usage := map[string][][]string{
		sshScript: {{}, {"-j", "0", "h"}, {"-c", t.TempDir(), "h"}, {"-x"}, {"-c", "../bin-none", "h"}},
		k8sScript: {{}, {"a", "b"}, {"-x", "a"}},
	}
	for _, script := range []string{sshScript, k8sScript} {
		if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
			t.Fatalf("bash -n %s: %v\n%s", script, err, out)
		}
		for _, args := range usage[script] {
			out, err := exec.Command("bash", append([]string{script}, args...)...).CombinedOutput()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
				t.Errorf("%s %q: %v, want exit code 2\n%s", script, args, err, out)
			}
		}
		out, err := exec.Command("bash", script, "-h").Output()
		if name := filepath.Base(script); err != nil || !strings.HasPrefix(string(out), name+": ") {
			t.Errorf("%s -h: %v\n%s", script, err, out)
		}
	}
	if _, err := exec.LookPath("shellcheck"); err != nil {
		skips.Skip(t, "no shellcheck here; skipped")
	}
	// scripts/capture-api.sh (the API snapshot's capture) is linted too.
	if out, err := exec.Command("shellcheck", sshScript, k8sScript, "../scripts/capture-api.sh").CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}

// TestCollectSSH runs the script against this machine, through an sshd of
// its own on a free port of 127.0.0.1: two hosts at once (127.0.0.1 and
// localhost), one signed collection, the digests checked with a
// kubeproof built here, and no working directory left behind.
func TestCollectSSH(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: runs an sshd and collects this machine twice")
	}
	sshd, err := exec.LookPath("sshd")
	if err != nil {
		if _, err = os.Stat("/usr/sbin/sshd"); err != nil {
			skips.Skip(t, "no sshd here (openssh-server) to collect over SSH from localhost; skipped")
		}
		sshd = "/usr/sbin/sshd"
	}
	for _, tool := range []string{"ssh", "scp", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			skips.Skip(t, "no %s here; skipped", tool)
		}
	}
	if os.Geteuid() != 0 {
		skips.Skip(t, "an sshd of the test's own runs as root only; skipped")
	}
	dir := t.TempDir()
	keygen := func(name string) {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, name)).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	keygen("host_key")
	keygen("user_key")
	pub, _ := os.ReadFile(filepath.Join(dir, "user_key.pub"))
	os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o600)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	os.MkdirAll("/run/sshd", 0o755) // sshd's privilege separation directory
	cfg := filepath.Join(dir, "sshd_config")
	os.WriteFile(cfg, fmt.Appendf(nil, `Port %d
ListenAddress 127.0.0.1
HostKey %s/host_key
AuthorizedKeysFile %s/authorized_keys
PidFile %s/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
`, port, dir, dir, dir), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	daemon := exec.CommandContext(ctx, sshd, "-D", "-e", "-f", cfg)
	var daemonLog bytes.Buffer
	daemon.Stderr = &daemonLog
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { daemon.Process.Kill(); daemon.Wait() }()
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			break
		}
		if i == 50 {
			t.Fatalf("sshd does not listen: %s", daemonLog.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The collector for this machine's architecture, and kubeproof on the
	// PATH for the digests.
	bin, path := filepath.Join(dir, "bin"), filepath.Join(dir, "path")
	build := func(pkg, out string) {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Dir = ".."
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	build("./cmd/kubeproof-collect", filepath.Join(bin, "kubeproof-collect-linux-"+runtime.GOARCH))
	build("./cmd/kubeproof", filepath.Join(path, "kubeproof"))
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	keyFile := filepath.Join(dir, "site.key")
	os.WriteFile(keyFile, bundle.MarshalPrivateKey(key), 0o600)

	before, _ := filepath.Glob("/tmp/kubeproof.????????")
	out := filepath.Join(dir, "bundles")
	cmd := exec.CommandContext(ctx, "bash", sshScript, "-c", bin, "-o", out, "-s", "", "-k", keyFile, "127.0.0.1", "localhost")
	cmd.Env = append(os.Environ(),
		"PATH="+path+string(os.PathListSeparator)+os.Getenv("PATH"),
		fmt.Sprintf("SSH_OPTS=-F none -i %s/user_key -o Port=%d -o User=root -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR", dir, port))
	report, err := cmd.CombinedOutput()
	if err != nil {
		logs, _ := filepath.Glob(filepath.Join(out, "*.log"))
		var all []string
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			all = append(all, l+":\n"+string(b))
		}
		t.Fatalf("collect-ssh.sh: %v\n%s\n%s\nsshd: %s", err, report, strings.Join(all, "\n"), daemonLog.String())
	}
	if !strings.Contains(string(report), "2 of 2 hosts collected") {
		t.Errorf("report:\n%s", report)
	}
	for _, host := range []string{"127.0.0.1", "localhost"} {
		b, err := bundle.Open(filepath.Join(out, host+".kpb"), bundle.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		if b.Signature == nil || !key.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(b.Signature.PublicKey)) {
			t.Errorf("%s: the bundle is not signed with the key given", host)
		}
		log, _ := os.ReadFile(filepath.Join(out, host+".log"))
		if !strings.Contains(string(log), "verified: "+b.Digest.Prefixed()) {
			t.Errorf("%s: log\n%s", host, log)
		}
	}
	after, _ := filepath.Glob("/tmp/kubeproof.????????")
	if len(after) != len(before) {
		t.Errorf("working directories left behind: %q, before %q", after, before)
	}
}
