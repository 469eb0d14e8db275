package main

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/exit"
)

const (
	keysDir   = "../../fixtures/keys"
	workerDir = "../../fixtures/specs/tkestack-worker"
	testKeyID = "861e14f0b0981c7c"
)

// privateKeyCopy copies the test key to a file of mode perm.
func privateKeyCopy(t *testing.T, perm os.FileMode) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(keysDir, "test.key"))
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "site.key")
	if err := os.WriteFile(name, data, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, perm); err != nil {
		t.Fatal(err)
	}
	return name
}

// collect runs the collector on the worker spec; stderr ends with the
// error main would print, if any.
func collect(t *testing.T, args ...string) (code int, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(append([]string{"-spec", workerDir, "-time", "2021-09-15T08:00:00Z"}, args...), &out, &errOut)
	if err != nil {
		errOut.WriteString("kubeproof-collect: " + err.Error() + "\n")
	}
	return exit.Code(err), errOut.String()
}

// TestSignKey collects a node spec with --sign-key and checks the bundle
// in this process, then verifies it with the kubeproof binary in another.
func TestSignKey(t *testing.T) {
	dir := t.TempDir()
	signed, unsigned := filepath.Join(dir, "signed.kpb"), filepath.Join(dir, "unsigned.kpb")
	code, stderr := collect(t, "-o", signed, "--sign-key", privateKeyCopy(t, 0o600))
	if code != 0 || !strings.Contains(stderr, "  signed with key "+testKeyID+"\n") || strings.Contains(stderr, "warning") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	digestLine := stderr[strings.LastIndex(stderr, "bundle digest "):]
	if code, stderr := collect(t, "-o", unsigned, "-q"); code != 0 || stderr != digestLine {
		t.Fatalf("unsigned: exit %d, %q; want the same digest line %q", code, stderr, digestLine)
	}
	s, _ := os.ReadFile(signed)
	u, _ := os.ReadFile(unsigned)
	if !bytes.HasPrefix(s, u) || len(s) <= len(u) {
		t.Error("the signed bundle is not the unsigned one and a signature")
	}
	b, err := bundle.Open(signed, bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := bundle.ParsePublicKey(mustRead(t, filepath.Join(keysDir, "test.pub")))
	if err != nil {
		t.Fatal(err)
	}
	if err := bundle.NewKeyring(pub).Require(b); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(signed); fi.Mode().Perm() != 0o600 {
		t.Errorf("bundle mode %v", fi.Mode().Perm())
	}

	if testing.Short() {
		return
	}
	bin := filepath.Join(dir, "kubeproof")
	if out, err := exec.Command("go", "build", "-o", bin, "../kubeproof").CombinedOutput(); err != nil {
		t.Fatalf("building kubeproof: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "verify", "--require-signature", "--trusted-key", filepath.Join(keysDir, "test.pub"), signed).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "signed and verified (key "+testKeyID+")") {
		t.Errorf("kubeproof verify: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "verify", "--require-signature", "--trusted-key", filepath.Join(keysDir, "other.pub"), signed).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 4 || !strings.Contains(string(out), "signed by an unknown key "+testKeyID) {
		t.Errorf("kubeproof verify with another key: %v\n%s", err, out)
	}
}

func TestSignKeyProblems(t *testing.T) {
	pubFile := filepath.Join(keysDir, "test.pub")
	for _, tt := range []struct {
		name   string
		key    string
		code   int
		stderr string
	}{
		{"readable by others", privateKeyCopy(t, 0o644), 0, "warning: the key " + "%s" + " is readable by others (mode 0644)"},
		{"a public key", pubFile, 4, "-sign-key " + pubFile + ": malformed key file: this is a public key (signing takes the private key file, NAME.key)"},
		{"missing", "nope.key", 4, "-sign-key: open nope.key"},
		{"not a key", "main.go", 4, "malformed key file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			code, stderr := collect(t, "-o", dir, "-sign-key", tt.key)
			if code != tt.code || !strings.Contains(stderr, strings.ReplaceAll(tt.stderr, "%s", tt.key)) {
				t.Errorf("exit %d, %q; want %d and %q", code, stderr, tt.code, tt.stderr)
			}
			entries, _ := os.ReadDir(dir)
			if tt.code != 0 && len(entries) > 0 {
				t.Errorf("a bundle was written: %v", entries)
			}
			if tt.code == 0 {
				b, err := bundle.Open(filepath.Join(dir, entries[0].Name()), bundle.Limits{})
				if err != nil || b.Signature == nil || !bytes.Equal(b.Signature.PublicKey, mustPub(t)) {
					t.Errorf("the bundle is not signed: %v", err)
				}
			}
		})
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustPub(t *testing.T) ed25519.PublicKey {
	pub, err := bundle.ParsePublicKey(mustRead(t, filepath.Join(keysDir, "test.pub")))
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// TestRedactionKey: with --redaction-key the markers carry digests keyed
// with it, the manifest names the key, equal secrets give equal markers
// in two collections, and another key gives other markers.
func TestRedactionKey(t *testing.T) {
	ha := "../../fixtures/specs/kubeadm-ha-master"
	other := filepath.Join(t.TempDir(), "other.key")
	_, priv, _ := ed25519.GenerateKey(nil)
	if err := os.WriteFile(other, bundle.MarshalPrivateKey(priv), 0o600); err != nil {
		t.Fatal(err)
	}
	markers := func(key string) (string, []string) {
		t.Helper()
		out := filepath.Join(t.TempDir(), "b.kpb")
		var stdout, stderr bytes.Buffer
		args := []string{"-spec", ha, "-time", "2021-09-15T08:00:00Z", "-o", out}
		if key != "" {
			args = append(args, "--redaction-key", key)
		}
		if err := run(args, &stdout, &stderr); err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		b, err := bundle.Open(out, bundle.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		procs, _ := b.Member(bundle.ProcessesPath)
		id := ""
		if b.Manifest.Redaction != nil {
			id = b.Manifest.Redaction.KeyID
		}
		if key != "" && !strings.Contains(stderr.String(), "redaction markers keyed with "+id) {
			t.Errorf("the summary does not name the key: %s", stderr.String())
		}
		return id, regexp.MustCompile(`<redacted:[^>]*>`).FindAllString(string(procs), -1)
	}
	key := privateKeyCopy(t, 0o600)
	id1, m1 := markers(key)
	id2, m2 := markers(key)
	id3, m3 := markers(other)
	id0, m0 := markers("")
	if id1 == "" || id1 != id2 || id3 == id1 || id0 != "" {
		t.Fatalf("key ids %q %q %q %q", id1, id2, id3, id0)
	}
	if len(m1) < 10 || !slices.Equal(m1, m2) {
		t.Fatalf("markers of one key differ between collections: %d, %d", len(m1), len(m2))
	}
	for i := range m1 {
		if !strings.Contains(m1[i], ":"+id1+":") || m1[i] == m3[i] || strings.Contains(m0[i], "hmac") {
			t.Errorf("markers %q (key 1), %q (key 2), %q (no key)", m1[i], m3[i], m0[i])
		}
	}
}
