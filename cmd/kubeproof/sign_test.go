package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/fixturegen"
	"github.com/kubeproof/kubeproof/internal/skips"
)

// Committed bundles made from fixtures/bundles/tkestack-worker.kpb once,
// with -update if they do not exist, and never again: signedWorker was
// signed with fixtures/keys/test.key (so every run verifies a signature
// made on another machine, in another process), and tamperedWorker had
// its kubelet config changed after collection, so that check 4.2.6 passes.
const (
	signedWorker   = "testdata/signed-worker.kpb"
	tamperedWorker = "testdata/tampered-worker.kpb"
	keys           = "../../fixtures/keys/"
	testKeyID      = "861e14f0b0981c7c"
)

func ensureFixture(t *testing.T, name string, make func([]byte) ([]byte, error)) {
	t.Helper()
	if _, err := os.Stat(name); err == nil || !*update {
		return
	}
	src, err := os.ReadFile("../../fixtures/bundles/tkestack-worker.kpb")
	if err != nil {
		t.Fatal(err)
	}
	data, err := make(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func signingFixtures(t *testing.T) {
	t.Helper()
	ensureFixture(t, signedWorker, func(src []byte) ([]byte, error) { return bundle.Sign(src, fixturegen.TestKey()) })
	ensureFixture(t, tamperedWorker, func(src []byte) ([]byte, error) {
		return fixturegen.Tamper(src, "files/var/lib/kubelet/config.yaml", func(b []byte) []byte {
			return append(b, "protectKernelDefaults: true\n"...)
		})
	})
}

// TestCLISignatures covers signatures, tamper evidence and limits from the
// command line.
func TestCLISignatures(t *testing.T) {
	signingFixtures(t)
	const fx = "../../fixtures/bundles/"
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string // compared with standard output
		stdout string // substring
		stderr string // substring
	}{
		{name: "verify signed and unsigned", args: []string{"verify", "--trusted-key", keys + "test.pub", signedWorker, fx + "tkestack-master.kpb"},
			golden: "verify-signed.txt"},
		{name: "verify with no key trusted", args: []string{"verify", signedWorker},
			stdout: "signed by an unknown key " + testKeyID},
		{name: "verify with another key trusted", args: []string{"verify", "--trusted-key", keys + "other.pub", signedWorker},
			stdout: "signed by an unknown key " + testKeyID},
		{name: "verify with keys after the bundle", args: []string{"verify", signedWorker, "--trusted-key", keys + "other.pub", "--trusted-key", keys + "test.pub"},
			stdout: "signed and verified (key " + testKeyID + ")"},
		{name: "signature required", args: []string{"verify", "--require-signature", "--trusted-key", keys + "test.pub", signedWorker, fx + "tkestack-master.kpb"},
			code: 4, stdout: "FAIL " + fx + "tkestack-master.kpb\n  unsigned, and a signature by a trusted key is required", stderr: "1 of 2 bundles failed verification"},
		{name: "signature required, unknown key", args: []string{"verify", "--require-signature", "--trusted-key", keys + "other.pub", signedWorker},
			code: 4, stdout: "signed by an unknown key " + testKeyID + ", and a signature by a trusted key is required", stderr: "hint: give the public key"},
		{name: "signature required, no key", args: []string{"verify", "--require-signature", signedWorker}, code: 2, stderr: "--require-signature needs the keys to trust"},
		{name: "trusted key missing", args: []string{"verify", "--trusted-key", "nope.pub", signedWorker}, code: 4, stderr: "nope.pub"},
		{name: "trusted key is a private key", args: []string{"verify", "--trusted-key", keys + "test.key", signedWorker}, code: 4,
			stderr: "this is a private key"},
		{name: "inspect shows the signature", args: []string{"inspect", signedWorker}, stdout: "Signature   ed25519, key " + testKeyID + " (valid;"},

		{name: "verify names the tampered member", args: []string{"verify", tamperedWorker}, code: 4,
			stdout: `member "files/var/lib/kubelet/config.yaml": size 1034, manifest says 1006`, stderr: "--allow-unverified"},
		{name: "analyze refuses the tampered bundle", args: []string{"analyze", "--benchmark", "cis-1.6", tamperedWorker}, code: 4,
			stderr: `member "files/var/lib/kubelet/config.yaml": size 1034, manifest says 1006`},
		{name: "analyze the tampered bundle anyway", args: []string{"analyze", "--benchmark", "cis-1.6", "--allow-unverified", "--targets", "node", "--check", "4.2", tamperedWorker},
			golden: "analyze-unverified.txt", stderr: "warning: " + tamperedWorker + ": FAILED verification: 1 member; unsigned; analyzed anyway"},
		{name: "analyze the tampered bundle anyway, json", args: []string{"analyze", "--benchmark", "cis-1.6", "--allow-unverified", "--format", "json", "--targets", "node", "--check", "4.2.6", tamperedWorker},
			golden: "analyze-unverified.json"},
		{name: "allow-unverified does not read a broken stream", args: []string{"analyze", "--benchmark", "cis-1.6", "--allow-unverified", "main.go"}, code: 4, stderr: "not a zstd stream"},
		{name: "analyze signed and unsigned", args: []string{"analyze", "--benchmark", "cis-1.6", "--trusted-key", keys + "test.pub", "--targets", "node", "--check", "4.2.6", signedWorker, fx + "tkestack-master.kpb"},
			golden: "analyze-signed.txt"},
		{name: "analyze requires a signature", args: []string{"analyze", "--benchmark", "cis-1.6", "--trusted-key", keys + "test.pub", "--require-signature", signedWorker, fx + "tkestack-master.kpb"},
			code: 4, stderr: fx + "tkestack-master.kpb: unsigned, and a signature by a trusted key is required"},

		{name: "member size limit", args: []string{"verify", "--max-member-size", "1KiB", fx + "tkestack-worker.kpb"}, code: 4,
			stdout: "member size exceeds the limit of 1024"},
		{name: "member count limit", args: []string{"verify", "--max-members", "5", fx + "tkestack-worker.kpb"}, code: 4,
			stdout: "member count exceeds the limit of 5"},
		{name: "total size limit", args: []string{"verify", "--max-total-size", "20KiB", fx + "tkestack-worker.kpb"}, code: 4,
			stdout: "exceeds the limit of 20480"},
		{name: "limits on inspect", args: []string{"inspect", "--max-member-size", "1024", fx + "tkestack-worker.kpb"}, code: 4,
			stderr: "member size exceeds the limit of 1024"},
		{name: "limits on analyze", args: []string{"analyze", "--benchmark", "cis-1.6", "--max-total-size", "20KiB", fx + "tkestack-worker.kpb"}, code: 4,
			stderr: "exceeds the limit of 20480"},
		{name: "generous limits", args: []string{"verify", "--max-member-size", "1GiB", "--max-total-size", "2GiB", "--max-members", "100000", fx}},
		{name: "limit not a size", args: []string{"verify", "--max-member-size", "12XB", fx}, code: 2, stderr: `--max-member-size: "12XB": want a positive number of bytes`},
		{name: "limit zero", args: []string{"verify", "--max-members", "0", fx}, code: 2, stderr: "--max-members 0: want at least 1"},
		{name: "limit negative", args: []string{"analyze", "--benchmark", "cis-1.6", "--max-total-size", "-1", fx}, code: 2, stderr: "--max-total-size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"kubeproof"}, tt.args...), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout.String(), stderr.String())
			}
			if tt.stdout != "" && !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tt.stdout)
			}
			if tt.stderr != "" && !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.stderr)
			}
			if tt.golden != "" {
				golden(t, filepath.Join("testdata", tt.golden), stdout.Bytes())
			}
		})
	}
}

func TestKeygen(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "site")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"kubeproof", "keygen", "-o", name}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	keyData, err := os.ReadFile(name + ".key")
	if err != nil {
		t.Fatal(err)
	}
	pubData, err := os.ReadFile(name + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	key, err := bundle.ParsePrivateKey(keyData)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := bundle.ParsePublicKey(pubData)
	if err != nil || !pub.Equal(key.Public()) {
		t.Fatalf("the public key is not that of the private key (%v)", err)
	}
	id := bundle.KeyID(pub)
	if !strings.HasPrefix(stdout.String(), "key id "+id+"\n") || !strings.Contains(stdout.String(), "kubeproof-collect --sign-key "+name+".key") {
		t.Errorf("keygen says %q", stdout.String())
	}
	if fi, _ := os.Stat(name + ".key"); fi.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v, want 0600", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(name + ".pub"); fi.Mode().Perm()&0o022 != 0 {
		t.Errorf("public key mode %v: writable by others", fi.Mode().Perm())
	}

	// Never overwritten, either file.
	for _, existing := range []string{"", ".key only"} {
		n := name
		if existing != "" {
			n = filepath.Join(dir, "half")
			if err := os.WriteFile(n+".pub", []byte("mine"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		stderr.Reset()
		if code := run([]string{"kubeproof", "keygen", "-o", n}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "refusing to overwrite") {
			t.Errorf("keygen over %s: exit %d, %s", n, code, stderr.String())
		}
	}
	if again, _ := os.ReadFile(name + ".key"); !bytes.Equal(again, keyData) {
		t.Error("the private key was overwritten")
	}
	if _, err := os.Stat(filepath.Join(dir, "half.key")); err == nil {
		t.Error("a private key was written beside an existing public key")
	}
	for _, args := range [][]string{{"keygen"}, {"keygen", "-o", name + "2.key"}, {"keygen", "-o", name + "3", "extra"}} {
		if code := run(append([]string{"kubeproof"}, args...), &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}

	// The new key signs, and its public key verifies.
	src, err := os.ReadFile("../../fixtures/bundles/tkestack-worker.kpb")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := bundle.Sign(src, key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "signed.kpb")
	if err := os.WriteFile(file, signed, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := run([]string{"kubeproof", "verify", "--require-signature", "--trusted-key", name + ".pub", file}, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), "signed and verified (key "+id+")") {
		t.Errorf("verify: exit %d, %s", code, stdout.String())
	}
}

// TestVerifyEveryByte changes every byte of a small committed signed
// bundle in turn and runs `kubeproof verify --trusted-key
// --require-signature` on it: each must fail with the integrity exit code,
// except a change that leaves every decompressed byte as it was (bits of
// the zstd encoding that decoding does not use; see bundle.TestByteFlips),
// and never a change to the signature frame. (bundle.TestByteFlipsSigned
// flips every bit of the same file.)
func TestVerifyEveryByte(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: thousands of runs")
	}
	data, err := os.ReadFile("../../bundle/testdata/v1/small-signed.kpb")
	if err != nil {
		t.Fatal(err)
	}
	frameAt := bytes.LastIndex(data, []byte{0x5b, 0x2a, 0x4d, 0x18})
	if frameAt < 0 {
		t.Fatal("no signature frame")
	}
	dec, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	orig, err := dec.DecodeAll(data[:frameAt], nil)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "flipped.kpb")
	failed, unchanged := 0, 0
	for i := range data {
		c := bytes.Clone(data)
		c[i] ^= 0xff
		if err := os.WriteFile(file, c, 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		switch code := run([]string{"kubeproof", "verify", "--require-signature", "--trusted-key", keys + "test.pub", file}, &stdout, &stderr); code {
		case 4:
			failed++
		case 0:
			raw, err := dec.DecodeAll(c[:frameAt], nil)
			if i >= frameAt || err != nil || !bytes.Equal(raw, orig) {
				t.Errorf("byte %d changed: verified, and the content changed", i)
			}
			unchanged++
		default:
			t.Errorf("byte %d changed: exit %d\n%s", i, code, stderr.String())
		}
	}
	t.Logf("%d bytes changed one at a time: %d failed verification, %d decompressed to the same bytes", len(data), failed, unchanged)
}
