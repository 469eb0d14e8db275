package bundle_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
)

// Issue 15: tampering with every kind of member, past the zstd checksum.
// Each fixture is the sample bundle with one member changed after its
// manifest was made, and the stream then compressed again: the zstd
// checksum holds, so only the member's size and SHA-256 in the manifest
// (or, for the manifest itself, the signature) can tell.

// tamperedEntries returns the sample entries with member's content edited.
func tamperedEntries(t testing.TB, member string, edit func([]byte) []byte) []entry {
	t.Helper()
	ents := sampleEntries(t)
	for i := range ents {
		if ents[i].hdr.Name == member {
			data := edit(bytes.Clone(ents[i].data))
			if bytes.Equal(data, ents[i].data) {
				t.Fatalf("the edit of %s changes nothing", member)
			}
			ents[i] = file(member, data)
			return ents
		}
	}
	t.Fatalf("the sample has no member %s", member)
	return nil
}

// sampleMember returns the sample's content of member.
func sampleMember(t testing.TB, member string) []byte {
	t.Helper()
	data, ok := sampleMembers(t)[member]
	if !ok {
		t.Fatalf("the sample has no member %s", member)
	}
	return data
}

// same replaces old, which must occur, by new of the same length: the
// member keeps its size, so only its digest differs.
func same(old, new string) func([]byte) []byte {
	if len(old) != len(new) {
		panic(fmt.Sprintf("%q and %q differ in length", old, new))
	}
	return replaceOnce(old, new)
}

// tamper is one member changed after the manifest was made.
type tamper struct {
	file, member string
	edit         func([]byte) []byte
}

// tampers change, keeping JSON and YAML valid, what a verdict would read:
// a flag's value, a file's mode, a key size, a collection problem, a
// kubeconfig's credentials, a static pod's flag. The last two change the
// size as well.
var tampers = []tamper{
	{"tamper-facts-processes.kpb", bundle.ProcessesPath, same(`"--profiling=false",`, `"--profiling=true" ,`)},
	{"tamper-facts-stat.kpb", bundle.StatPath, same(`"mode": "0600"`, `"mode": "0400"`)},
	{"tamper-facts-pki.kpb", bundle.PKIPath, same(`2048`, `4096`)},
	{"tamper-facts-problems.kpb", bundle.ProblemsPath, same(`permission denied"`, `permission grantd"`)},
	{"tamper-files-manifest.kpb", bundle.FileMember("/etc/kubernetes/manifests/kube-apiserver.yaml"), same("--profiling=false\n", "--profiling=true \n")},
	{"tamper-facts-size.kpb", bundle.ProcessesPath, replaceOnce(`"--profiling=false",`, `"--profiling=true", "--anonymous-auth=true",`)},
	{"tamper-files-size.kpb", bundle.FileMember("/etc/kubernetes/kubelet.conf"), replaceOnce("    token: ", "    password: x\n    token: ")},
}

func init() {
	for _, tm := range tampers {
		hostiles = append(hostiles, hostile{
			file: tm.file,
			build: func(t testing.TB) []byte {
				return build(t, sampleEntries(t), tamperedEntries(t, tm.member, tm.edit))
			},
			is: []error{bundle.ErrIntegrity}, msg: fmt.Sprintf("member %q: ", tm.member), partial: true, tampered: tm.member,
			check: func(t *testing.T, b *bundle.Bundle, err error) {
				orig := sampleMember(t, tm.member)
				got := tm.edit(bytes.Clone(orig))
				checkOnlyTampered(t, b, err, tm.member, orig, got)
			},
		})
	}
	hostiles = append(hostiles,
		hostile{
			// A signed bundle whose facts were changed and whose manifest
			// was made to agree with them: every member verifies against
			// the manifest, and only the signature, of the manifest as it
			// was, can tell.
			file: "tamper-manifest-signed.kpb",
			build: func(t testing.TB) []byte {
				sig := signatureOf(t, validBundle(t))
				ents := tamperedEntries(t, bundle.ProcessesPath, tampers[0].edit)
				return append(build(t, ents, ents), sig...)
			},
			is: []error{bundle.ErrSignature}, msg: "not this bundle", partial: true, tampered: bundle.ProcessesPath,
			check: func(t *testing.T, b *bundle.Bundle, err error) {
				checkOnlySignature(t, b, err)
			},
		},
		hostile{
			// The manifest's host facts changed in a signed bundle.
			file: "tamper-manifest-host.kpb",
			build: func(t testing.TB) []byte {
				sig := signatureOf(t, validBundle(t))
				return append(editedManifest(same(`"hostname": "master-1"`, `"hostname": "master-2"`))(t), sig...)
			},
			is: []error{bundle.ErrSignature}, msg: "the signature was moved or the manifest changed", partial: true,
			check: func(t *testing.T, b *bundle.Bundle, err error) {
				checkOnlySignature(t, b, err)
				if b.Manifest.Host.Hostname != "master-2" {
					t.Errorf("host name %q, want the tampered one", b.Manifest.Host.Hostname)
				}
			},
		},
		hostile{
			// The signature document's digest rewritten to the digest of
			// the tampered manifest: the signature no longer verifies.
			file: "tamper-signature-digest.kpb",
			build: func(t testing.TB) []byte {
				orig := mustRead(t, validBundle(t))
				data := editedManifest(same(`"hostname": "master-1"`, `"hostname": "master-2"`))(t)
				forged := bundle.NewSignature(orig.Digest, testKey)
				forged.Digest = mustRead(t, data).Digest
				return append(data, signatureFrame(sigMagic, mustJSON(t, forged))...)
			},
			is: []error{bundle.ErrSignature}, msg: "the signature does not verify", partial: true,
			check: func(t *testing.T, b *bundle.Bundle, err error) {
				checkOnlySignature(t, b, err)
			},
		},
	)
}

// signatureOf returns the signature frame that signs data.
func signatureOf(t testing.TB, data []byte) []byte {
	t.Helper()
	signed, err := bundle.Sign(data, testKey)
	if err != nil {
		t.Fatal(err)
	}
	return signed[len(data):]
}

// checkOnlyTampered: the one problem is the tampered member's digest (so
// the stream itself read clean), the member is left out of the bundle and
// named unverified, every other member is returned, and a reading that
// keeps unverified members gets the tampered bytes, marked.
func checkOnlyTampered(t *testing.T, b *bundle.Bundle, err error, member string, orig, got []byte) {
	t.Helper()
	var ve *bundle.VerifyError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 {
		t.Fatalf("problems %v, want the tampered member's only", err)
	}
	var ie *bundle.IntegrityError
	if !errors.As(ve.Problems[0], &ie) || ie.Path != member || ie.Missing ||
		ie.Want != bundle.Hash(orig) || ie.Got != bundle.Hash(got) ||
		ie.WantSize != int64(len(orig)) || ie.GotSize != int64(len(got)) {
		t.Errorf("IntegrityError = %+v, want %s: size %d → %d, sha256 %s → %s", ie, member, len(orig), len(got), bundle.Hash(orig), bundle.Hash(got))
	}
	if _, ok := b.Member(member); ok || b.Verified(member) {
		t.Errorf("the tampered %s is returned", member)
	}
	if u := b.Unverified(); !slices.Equal(u, []string{member}) {
		t.Errorf("unverified %v, want [%s]", u, member)
	}
	for name, data := range sampleMembers(t) {
		if name == member {
			continue
		}
		if m, ok := b.Member(name); !ok || !bytes.Equal(m, data) || !b.Verified(name) {
			t.Errorf("good member %s not returned", name)
		}
	}
}

// checkOnlySignature: every member verifies, the one problem is the
// signature, and the bundle carries none.
func checkOnlySignature(t *testing.T, b *bundle.Bundle, err error) {
	t.Helper()
	var ve *bundle.VerifyError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || !errors.Is(ve.Problems[0], bundle.ErrSignature) {
		t.Fatalf("problems %v, want the signature's only", err)
	}
	if b.Signature != nil {
		t.Errorf("a refused signature is returned: %+v", b.Signature)
	}
	if u := b.Unverified(); len(u) != 0 {
		t.Errorf("unverified %v, want none", u)
	}
}

// TestTamperEveryMember changes each member of the sample bundle in three
// ways — one byte flipped, one byte cut, one byte added — and compresses
// the stream again, so that the zstd checksum holds: the member's digest
// alone must catch each, naming the member, whichever directory it is in.
func TestTamperEveryMember(t *testing.T) {
	members := sampleMembers(t)
	edits := []struct {
		name string
		edit func([]byte) []byte
	}{
		{"first byte flipped", func(d []byte) []byte { d[0] ^= 0x20; return d }},
		{"middle byte flipped", func(d []byte) []byte { d[len(d)/2] ^= 0x01; return d }},
		{"last byte flipped", func(d []byte) []byte { d[len(d)-1] ^= 0x80; return d }},
		{"last byte cut", func(d []byte) []byte { return d[:len(d)-1] }},
		{"byte added", func(d []byte) []byte { return append(d, '\n') }},
	}
	kinds := map[string]bool{}
	for _, name := range sortedNames(members) {
		kinds[strings.SplitN(name, "/", 2)[0]] = true
		for _, e := range edits {
			t.Run(name+"/"+e.name, func(t *testing.T) {
				orig := members[name]
				got := e.edit(bytes.Clone(orig))
				data := build(t, sampleEntries(t), tamperedEntries(t, name, func([]byte) []byte { return got }))
				b, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
				if b == nil {
					t.Fatalf("no bundle: %v", err)
				}
				checkOnlyTampered(t, b, err, name, orig, got)
				// KeepUnverified: the tampered bytes, marked as such.
				b, err = bundle.ReadWith(bytes.NewReader(data), bundle.ReadOptions{KeepUnverified: true})
				if !errors.Is(err, bundle.ErrIntegrity) {
					t.Errorf("KeepUnverified: %v, want an integrity error", err)
				}
				if m, ok := b.Member(name); !ok || !bytes.Equal(m, got) || b.Verified(name) {
					t.Errorf("KeepUnverified: %s = %q %v verified %v, want the tampered bytes, unverified", name, m, ok, b.Verified(name))
				}
			})
		}
	}
	if !kinds["facts"] || !kinds["files"] {
		t.Errorf("the sample's members are of kinds %v, want facts and files", kinds)
	}
}

// TestTamperSignatureFrame flips bits of every byte of the signature
// document of a signed bundle (the lowest bit at the first byte, the next
// at the second, and so on, and the highest), the frame's length kept
// right: each flip must be refused as a bad signature, the members all
// verified.
func TestTamperSignatureFrame(t *testing.T) {
	data := validBundle(t)
	frame := signatureOf(t, data)
	const hdr = 8 // magic and length
	for i := hdr; i < len(frame); i++ {
		for _, bit := range []int{(i - hdr) % 8, 7} {
			f := bytes.Clone(frame)
			f[i] ^= 1 << bit
			b, err := bundle.Read(bytes.NewReader(slices.Concat(data, f)), bundle.Limits{})
			if !errors.Is(err, bundle.ErrSignature) {
				t.Fatalf("byte %d bit %d of the signature document: %v, want a bad signature", i-hdr, bit, err)
			}
			checkOnlySignature(t, b, err)
		}
	}
}

// TestTamperManifestSigned changes each member of a signed bundle and
// makes the manifest agree (size and digest), the stream compressed
// again: every member verifies, and the signature alone must refuse it.
func TestTamperManifestSigned(t *testing.T) {
	sig := signatureOf(t, validBundle(t))
	for _, name := range sortedNames(sampleMembers(t)) {
		ents := tamperedEntries(t, name, func(d []byte) []byte { return append(d, ' ') })
		b, err := bundle.Read(bytes.NewReader(append(build(t, ents, ents), sig...)), bundle.Limits{})
		if !errors.Is(err, bundle.ErrSignature) || !strings.Contains(err.Error(), "not this bundle") {
			t.Errorf("%s changed with the manifest: %v, want a signature of another bundle", name, err)
			continue
		}
		checkOnlySignature(t, b, err)
	}
}
