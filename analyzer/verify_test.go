package analyzer

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"github.com/kubeproof/kubeproof/results"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/fixturegen"
)

const (
	workerBundle = bundlesDir + "/tkestack-worker.kpb"
	kubeletCopy  = "files/var/lib/kubelet/config.yaml"
)

// variant writes data into dir as name and returns its path.
func variant(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestAnalyzeSignatures(t *testing.T) {
	dir := t.TempDir()
	unsignedData := readFile(t, workerBundle)
	signedData, err := bundle.Sign(unsignedData, fixturegen.TestKey())
	if err != nil {
		t.Fatal(err)
	}
	// The signature's bytes changed: the frame is sound, the signature not.
	bad := bytes.Clone(signedData)
	i := bytes.LastIndex(bad, []byte(`"signature": "`)) + len(`"signature": "`)
	if bad[i] == 'A' {
		bad[i] = 'B'
	} else {
		bad[i] = 'A'
	}
	unsigned := variant(t, dir, "unsigned.kpb", unsignedData)
	signed := variant(t, dir, "signed.kpb", signedData)
	badSig := variant(t, dir, "bad.kpb", bad)

	testPub := fixturegen.TestKey().Public().(ed25519.PublicKey)
	otherPub := fixturegen.OtherKey().Public().(ed25519.PublicKey)
	id := bundle.KeyID(testPub)
	trusted := bundle.NewKeyring(testPub)
	for _, tt := range []struct {
		name         string
		file         string
		opts         Options
		verification string
		signature    string
		err          error
	}{
		{"unsigned", unsigned, Options{Trusted: trusted}, "unsigned", results.SignatureUnsigned, nil},
		{"signed, no key trusted", signed, Options{}, "signed by an unknown key " + id, results.SignatureUnknownKey, nil},
		{"signed, another key trusted", signed, Options{Trusted: bundle.NewKeyring(otherPub)}, "signed by an unknown key " + id, results.SignatureUnknownKey, nil},
		{"signed and trusted", signed, Options{Trusted: trusted}, "signed and verified (key " + id + ")", results.SignatureVerified, nil},
		{"signature required and trusted", signed, Options{Trusted: trusted, RequireSignature: true}, "signed and verified (key " + id + ")", results.SignatureVerified, nil},
		{"signature required, unsigned", unsigned, Options{Trusted: trusted, RequireSignature: true}, "", "", bundle.ErrUntrusted},
		{"signature required, unknown key", signed, Options{Trusted: bundle.NewKeyring(otherPub), RequireSignature: true}, "", "", bundle.ErrUntrusted},
		{"bad signature", badSig, Options{Trusted: trusted}, "", "", bundle.ErrSignature},
		{"bad signature, allowed", badSig, Options{Trusted: trusted, AllowUnverified: true}, "FAILED verification: bad signature (key " + id + ")", results.SignatureBad, nil},
		{"bad signature, allowed but a signature required", badSig, Options{Trusted: trusted, AllowUnverified: true, RequireSignature: true}, "", "", bundle.ErrSignature},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Catalog, opts.Checks = cis16(t), []string{"4.2.6"}
			rep, err := Analyze([]string{tt.file}, opts)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.file) {
					t.Fatalf("error %v, want %v naming the file", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b := rep.Nodes[0].Bundle
			if b.Verification != tt.verification || b.Signature != tt.signature {
				t.Errorf("verification %q, signature %q; want %q, %q", b.Verification, b.Signature, tt.verification, tt.signature)
			}
			if want := tt.signature != results.SignatureUnsigned; (b.SignerKeyID == id) != want {
				t.Errorf("signer key id %q", b.SignerKeyID)
			}
			if b.Failed() != (tt.signature == results.SignatureBad) {
				t.Errorf("failed %v, problems %q", b.Failed(), b.Problems)
			}
			// A signature problem taints no evidence: the members verified.
			for _, r := range rep.Nodes[0].Targets[0].Results {
				if r.Unverified {
					t.Errorf("%s marked unverified", r.Check.ID)
				}
			}
		})
	}
}

// TestAnalyzeAllowUnverified analyzes a bundle whose kubelet config was
// changed after collection so that check 4.2.6 passes: refused by
// default; with AllowUnverified, analyzed from the changed member, every
// verdict citing it marked, the others not.
func TestAnalyzeAllowUnverified(t *testing.T) {
	dir := t.TempDir()
	data := readFile(t, workerBundle)
	tampered, err := fixturegen.Tamper(data, kubeletCopy, func(b []byte) []byte {
		return append(b, "protectKernelDefaults: true\n"...)
	})
	if err != nil {
		t.Fatal(err)
	}
	dropped, err := fixturegen.Tamper(data, kubeletCopy, func([]byte) []byte { return nil })
	if err != nil {
		t.Fatal(err)
	}
	file := variant(t, dir, "tampered.kpb", tampered)
	droppedFile := variant(t, dir, "dropped.kpb", dropped)
	opts := Options{Catalog: cis16(t), Targets: []string{"node"}}

	if _, err := Analyze([]string{file}, opts); !errors.Is(err, bundle.ErrIntegrity) || !strings.Contains(err.Error(), kubeletCopy) {
		t.Fatalf("a tampered bundle analyzed by default: %v", err)
	}
	clean, err := Analyze([]string{workerBundle}, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.AllowUnverified = true
	rep, err := Analyze([]string{file}, opts)
	if err != nil {
		t.Fatal(err)
	}
	b := rep.Nodes[0].Bundle
	if b.Verification != "FAILED verification: 1 member; unsigned" || !b.Failed() || len(b.UnverifiedMembers) != 1 || b.UnverifiedMembers[0] != kubeletCopy ||
		len(b.Problems) != 1 || !strings.Contains(b.Problems[0], kubeletCopy) {
		t.Errorf("bundle info %+v", b)
	}
	marked := 0
	for ti, tr := range rep.Nodes[0].Targets {
		for ri, r := range tr.Results {
			cites := false
			for _, c := range r.Citations {
				if c.Unverified != (c.Member == kubeletCopy) {
					t.Errorf("%s: citation of %s unverified=%v", r.Check.ID, c.Member, c.Unverified)
				}
				cites = cites || c.Member == kubeletCopy
			}
			if r.Unverified != cites {
				t.Errorf("%s: unverified=%v, cites the changed member %v", r.Check.ID, r.Unverified, cites)
			}
			if r.Unverified {
				marked++
			}
			if r.Check.ID == "4.2.6" {
				before := clean.Nodes[0].Targets[ti].Results[ri]
				if before.Status != results.Fail || r.Status != results.Pass || !r.Unverified {
					t.Errorf("4.2.6: %s before, %s (unverified %v) after the change", before.Status, r.Status, r.Unverified)
				}
			}
			if !cites && r.Status != clean.Nodes[0].Targets[ti].Results[ri].Status {
				t.Errorf("%s changed verdict without citing the changed member", r.Check.ID)
			}
		}
	}
	if marked == 0 {
		t.Error("no verdict marked")
	}
	// The verdicts that cite the member are those that read the file: the
	// citations of the clean run name it as often.
	want := 0
	for _, tr := range clean.Nodes[0].Targets {
		for _, r := range tr.Results {
			for _, c := range r.Citations {
				if c.Member == kubeletCopy {
					want++
					break
				}
			}
		}
	}
	if marked != want {
		t.Errorf("%d verdicts marked, %d cite the member in the clean run", marked, want)
	}

	// A member missing altogether: the checks that needed it cannot
	// decide, and say why, citing the member that failed.
	rep, err = Analyze([]string{droppedFile}, opts)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tr := range rep.Nodes[0].Targets {
		for _, r := range tr.Results {
			if r.Check.ID != "4.2.6" {
				continue
			}
			found = true
			if r.Status != results.Warn || !r.Unverified || !strings.Contains(r.Reason, "failed verification") {
				t.Errorf("4.2.6 without its config: %s %q, unverified %v", r.Status, r.Reason, r.Unverified)
			}
		}
	}
	if !found {
		t.Error("4.2.6 not evaluated")
	}

	// Problems with the stream are never analyzable.
	trunc := variant(t, dir, "truncated.kpb", data[:len(data)/2])
	if _, err := Analyze([]string{trunc}, opts); !errors.Is(err, bundle.ErrFormat) {
		t.Errorf("a truncated bundle with AllowUnverified: %v", err)
	}
}
