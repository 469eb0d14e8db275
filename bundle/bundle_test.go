package bundle_test

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/bundletest"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/small.txt from the Writer's output (and create testdata/vN/small.kpb for the current format N if it does not exist)")

// Paths of the committed test data shared by several tests.
const (
	goldenFile = "testdata/golden/small.txt"
	// smallV1 is a bundle of format v1 as the first release wrote it. It is
	// never regenerated: every later version must still read it.
	smallV1 = "testdata/v1/small.kpb"
	// smallCurrent is the released fixture of the format the Writer
	// writes, created once; every earlier one stays under testdata/vN/.
	smallCurrent = "testdata/v2/small.kpb"
)

var (
	t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	t1 = t0.Add(2*time.Second + 250*time.Millisecond)
)

func intp(v int) *int { return &v }

// sampleManifest is the manifest of the small fixed bundle, before Finish
// fills in the format and the members.
func sampleManifest() bundle.Manifest {
	return bundle.Manifest{
		Collector: bundle.Collector{Name: "kubeproof-collect", Version: "v0.1.0"},
		Host: bundle.Host{
			Hostname:     "master-1",
			OS:           bundle.OSRelease{ID: "ubuntu", VersionID: "22.04", PrettyName: "Ubuntu 22.04.4 LTS"},
			Kernel:       "5.15.0-97-generic",
			Architecture: "amd64",
			Roles:        []string{"master", "node"},
			Components:   []string{"kube-apiserver", "kubelet"},
			Runtimes:     []string{"containerd"},
			Kubernetes: []bundle.VersionEvidence{{
				Version: "v1.29.2", Component: "kube-apiserver", Source: "image-tag",
				Path: "/etc/kubernetes/manifests/kube-apiserver.yaml",
			}},
		},
		Collection: bundle.Collection{
			Started: t0, Finished: t1,
			User:     bundle.Account{UID: 0, GID: 0, Name: "root"},
			Mode:     "spec",
			Partial:  true,
			Problems: 1,
		},
	}
}

// sampleMembers are the members of the small fixed bundle: every fact
// document, a redacted kubeconfig and a static pod manifest.
func sampleMembers(t testing.TB) map[string][]byte {
	t.Helper()
	ca := bundle.Hash([]byte("ca.crt DER"))
	docs := map[string]any{
		bundle.ProcessesPath: bundle.Processes{Processes: []bundle.Process{
			{PID: 812, Component: "kube-apiserver", Kind: "component", Name: "kube-apiserver",
				Executable: "/usr/local/bin/kube-apiserver", UID: 0,
				Argv: []string{"kube-apiserver", "--anonymous-auth=false", "--profiling=false", "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt"}},
			{PID: 1044, Component: "kubelet", Kind: "component", Name: "kubelet",
				Executable: "/usr/bin/kubelet", UID: 0,
				Argv: []string{"/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml", "--kubeconfig=/etc/kubernetes/kubelet.conf"}},
		}},
		bundle.StatPath: bundle.Stats{Files: []bundle.Stat{
			{Path: "/etc/kubernetes/kubelet.conf", Type: bundle.TypeFile, Mode: "0600", UID: intp(0), GID: intp(0),
				User: "root", Group: "root", Size: 1875, Member: "files/etc/kubernetes/kubelet.conf", Redactions: 1,
				Content: "copy", Reasons: []string{"flag kubelet --kubeconfig"}},
			{Path: "/etc/kubernetes/pki/apiserver.key", Type: bundle.TypeFile, Mode: "0600", UID: intp(0), GID: intp(0),
				User: "root", Group: "root", Size: 1679, Content: "stat-only", Reasons: []string{"walk /etc/kubernetes/pki"}},
			{Path: "/var/lib/etcd", Reasons: []string{"well-known"}, Error: "stat /var/lib/etcd: no such file or directory", ErrorKind: "not-exist"},
		}},
		bundle.PKIPath: bundle.PKI{Certificates: []bundle.Certificate{{
			Path: "/etc/kubernetes/pki/apiserver.crt", Index: 0,
			Subject: "CN=kube-apiserver", Issuer: "CN=kubernetes", Serial: "4242",
			DNSNames: []string{"kubernetes", "kubernetes.default"}, IPAddresses: []string{"10.96.0.1"},
			NotBefore: t0.AddDate(0, -1, 0), NotAfter: t0.AddDate(1, -1, 0),
			KeyAlgorithm: "RSA", KeySize: 2048, SignatureAlgorithm: "SHA256-RSA",
			SHA256: bundle.Hash([]byte("apiserver.crt DER")), IssuerSHA256: &ca,
		}}},
		bundle.ProblemsPath: bundle.Problems{Problems: []bundle.Problem{
			{Path: "/proc/1/exe", Op: "readlink", Kind: "permission", Message: "readlink /proc/1/exe: permission denied"},
		}},
	}
	out := make(map[string][]byte)
	for name, v := range docs {
		data, err := bundle.EncodeJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = data
	}
	out[bundle.FileMember("/etc/kubernetes/kubelet.conf")] = []byte("apiVersion: v1\nkind: Config\nusers:\n- name: default-auth\n  user:\n    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n    token: <redacted: 42 bytes, sha256:3c9a5e0d1f2b4a67>\n")
	out[bundle.FileMember("/etc/kubernetes/manifests/kube-apiserver.yaml")] = []byte("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --profiling=false\n")
	return out
}

// writeSample encodes the small fixed bundle, adding its members in order.
func writeSample(t testing.TB, order []string) ([]byte, bundle.Manifest, bundle.Digest) {
	t.Helper()
	members := sampleMembers(t)
	w := bundle.NewWriter()
	for _, name := range order {
		if err := w.Add(name, members[name]); err != nil {
			t.Fatal(err)
		}
	}
	data, m, d, err := w.Finish(sampleManifest())
	if err != nil {
		t.Fatal(err)
	}
	return data, m, d
}

func sortedNames(m map[string][]byte) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func mustRead(t testing.TB, data []byte) *bundle.Bundle {
	t.Helper()
	b, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return b
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (regenerate test data with -update or -update-hostile)", err)
	}
	return data
}

func TestRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 1<<20)
	for i := range random {
		random[i] = byte(rnd.Uint32())
	}
	long := "files/" + strings.Repeat("very-long-directory-name/", 12) + "config.yaml" // > 256 bytes: needs a PAX header
	tests := []struct {
		name    string
		members map[string][]byte
	}{
		{"empty", map[string][]byte{}},
		{"sample", sampleMembers(t)},
		{"empty member", map[string][]byte{"files/etc/empty.conf": {}}},
		{"binary", map[string][]byte{"files/bin": {0, 1, 2, 0xff, 0xfe, '\n', 0}}},
		{"random 1 MiB", map[string][]byte{"files/random": random}},
		{"long name", map[string][]byte{long: []byte("x: 1\n")}},
		{"name of 100 bytes", map[string][]byte{"files/" + strings.Repeat("n", 94): []byte("x")}},
		{"non-ASCII name", map[string][]byte{"files/etc/kubernetes/конфиг-日本.yaml": []byte("a: b\n")}},
		{"spaces and specials", map[string][]byte{"files/etc/a b/c'd\"e$f.conf": []byte("ok")}},
		{"deep", map[string][]byte{"files/" + strings.Repeat("d/", 60) + "f": []byte("deep")}},
		{"file and directory of the same prefix", map[string][]byte{"files/a": []byte("1"), "files/a.b": []byte("2"), "files/a/b": []byte("3")}},
		{"many", func() map[string][]byte {
			m := make(map[string][]byte)
			for i := range 1000 {
				m[fmt.Sprintf("files/many/%04d.conf", i)] = []byte(fmt.Sprintf("n: %d\n", i))
			}
			return m
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := bundle.NewWriter()
			for name, data := range tt.members {
				if err := w.Add(name, data); err != nil {
					t.Fatal(err)
				}
			}
			data, m, d, err := w.Finish(sampleManifest())
			if err != nil {
				t.Fatal(err)
			}
			b := mustRead(t, data)
			if b.Digest != d || bundle.Hash(b.ManifestBytes) != d {
				t.Errorf("digest %s, Finish said %s, manifest bytes hash to %s", b.Digest, d, bundle.Hash(b.ManifestBytes))
			}
			if !reflect.DeepEqual(b.Manifest, m) {
				t.Errorf("manifest read back differs:\n got %+v\nwant %+v", b.Manifest, m)
			}
			if m.Format != bundle.NodeFormat {
				t.Errorf("format %d, want %d", m.Format, bundle.NodeFormat)
			}
			if len(m.Members) != len(tt.members) {
				t.Fatalf("%d members listed, want %d", len(m.Members), len(tt.members))
			}
			if !slices.IsSortedFunc(m.Members, func(a, b bundle.Member) int { return strings.Compare(a.Path, b.Path) }) {
				t.Error("members are not sorted by path")
			}
			for _, mem := range m.Members {
				want := tt.members[mem.Path]
				got, ok := b.Member(mem.Path)
				if !ok || !bytes.Equal(got, want) {
					t.Errorf("member %q: got %d bytes (present %v), want %d", mem.Path, len(got), ok, len(want))
				}
				if mem.Size != int64(len(want)) || mem.SHA256 != bundle.Hash(want) {
					t.Errorf("member %q listed as %d bytes %s", mem.Path, mem.Size, mem.SHA256)
				}
				if dg, ok := b.MemberDigest(mem.Path); !ok || dg != bundle.Hash(want) {
					t.Errorf("MemberDigest(%q) = %s, %v", mem.Path, dg, ok)
				}
			}
			if _, ok := b.Member(bundle.ManifestPath); ok {
				t.Error("the manifest is returned as a member")
			}
			if _, ok := b.Member("files/not-there"); ok {
				t.Error("Member of an absent name reports ok")
			}
			if _, ok := b.MemberDigest("files/not-there"); ok {
				t.Error("MemberDigest of an absent name reports ok")
			}
		})
	}
}

// The fact documents decode back to the values written.
func TestDecodeJSON(t *testing.T) {
	data, _, _ := writeSample(t, sortedNames(sampleMembers(t)))
	b := mustRead(t, data)
	members := sampleMembers(t)
	for _, tt := range []struct {
		name string
		v    any
	}{
		{bundle.ProcessesPath, new(bundle.Processes)},
		{bundle.StatPath, new(bundle.Stats)},
		{bundle.PKIPath, new(bundle.PKI)},
		{bundle.ProblemsPath, new(bundle.Problems)},
	} {
		if err := b.DecodeJSON(tt.name, tt.v); err != nil {
			t.Fatalf("DecodeJSON(%s): %v", tt.name, err)
		}
		again, err := bundle.EncodeJSON(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, members[tt.name]) {
			t.Errorf("%s: decode and encode changed the document:\n%s\nwant\n%s", tt.name, again, members[tt.name])
		}
	}
	var pki bundle.PKI
	if err := b.DecodeJSON(bundle.PKIPath, &pki); err != nil {
		t.Fatal(err)
	}
	if c := pki.Certificates[0]; c.IssuerSHA256 == nil || *c.IssuerSHA256 != bundle.Hash([]byte("ca.crt DER")) || !c.NotAfter.Equal(t0.AddDate(1, -1, 0)) {
		t.Errorf("certificate decoded as %+v", c)
	}

	err := b.DecodeJSON("facts/nope.json", new(any))
	if err == nil || !strings.Contains(err.Error(), `"facts/nope.json" is missing`) {
		t.Errorf("DecodeJSON of an absent member: %v", err)
	}
	err = b.DecodeJSON(bundle.FileMember("/etc/kubernetes/kubelet.conf"), new(any))
	if !errors.Is(err, bundle.ErrFormat) {
		t.Errorf("DecodeJSON of YAML: %v, want ErrFormat", err)
	}
}

func TestFileMember(t *testing.T) {
	for in, want := range map[string]string{
		"/etc/kubernetes/admin.conf": "files/etc/kubernetes/admin.conf",
		"//etc/x":                    "files/etc/x",
		"etc/x":                      "files/etc/x",
	} {
		if got := bundle.FileMember(in); got != want {
			t.Errorf("FileMember(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeterminism(t *testing.T) {
	names := sortedNames(sampleMembers(t))
	want, _, wantDigest := writeSample(t, names)
	orders := [][]string{slices.Clone(names), slices.Clone(names)}
	slices.Reverse(orders[1])
	rnd := rand.New(rand.NewPCG(7, 7))
	for range 5 {
		o := slices.Clone(names)
		rnd.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
		orders = append(orders, o)
	}
	for _, order := range orders {
		got, _, d := writeSample(t, order)
		if !bytes.Equal(got, want) || d != wantDigest {
			t.Errorf("order %q: different bytes (%d vs %d) or digest (%s vs %s)", order, len(got), len(want), d, wantDigest)
		}
	}

	// Finish does not consume the Writer, and the caller's slices are copied.
	members := sampleMembers(t)
	w := bundle.NewWriter()
	for _, name := range names {
		if err := w.Add(name, members[name]); err != nil {
			t.Fatal(err)
		}
		members[name][0] ^= 0xff
	}
	for i := range 2 {
		got, _, _, err := w.Finish(sampleManifest())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Finish #%d differs after the caller changed its slices", i+1)
		}
	}

	// Finish sets the format and the members whatever the caller put there.
	m := sampleManifest()
	m.Format = 7
	m.Members = []bundle.Member{{Path: "files/bogus", Size: 3}}
	got, wm, _, err := w.Finish(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) || wm.Format != bundle.NodeFormat || len(wm.Members) != len(names) {
		t.Errorf("Finish kept the caller's format %d or members %v", wm.Format, wm.Members)
	}
}

// golden is the content of testdata/golden/small.txt.
func golden(d bundle.Digest, data []byte) string {
	return fmt.Sprintf(`# The small fixed bundle of bundle_test.go (sampleManifest, sampleMembers).
# A change here changes the bytes of every bundle written: regenerate with
#   go test ./bundle -run TestGolden -update
# and say why in the commit.
bundle %s
file   sha256:%x
size   %d
`, d.Prefixed(), sha256.Sum256(data), len(data))
}

// TestGolden pins the encoding: the bundle digest and the SHA-256 of the
// encoded bytes of a small fixed bundle.
func TestGolden(t *testing.T) {
	data, _, d := writeSample(t, sortedNames(sampleMembers(t)))
	got := golden(d, data)
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		// Released fixtures are never rewritten, only created.
		if _, err := os.Stat(smallCurrent); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(filepath.Dir(smallCurrent), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(smallCurrent, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := string(readTestdata(t, goldenFile))
	if got != want {
		t.Errorf("the Writer's output changed (regenerate with -update if that is intended):\n got:\n%s\nwant:\n%s", got, want)
	}
}

// TestContainerLayout checks the tar and zstd conventions that
// docs/bundle-format.md promises, on the Writer's output.
func TestContainerLayout(t *testing.T) {
	members := sampleMembers(t)
	long := "files/" + strings.Repeat("x", 300)
	members[long] = []byte("long")
	split := "files/" + strings.Repeat("d", 120) + "/" + strings.Repeat("f", 90) // fits ustar's prefix and name fields
	members[split] = []byte("split")
	utf := "files/etc/kubernetes/конфиг.yaml"
	members[utf] = []byte("utf")
	w := bundle.NewWriter()
	for name, data := range members {
		if err := w.Add(name, data); err != nil {
			t.Fatal(err)
		}
	}
	data, _, _, err := w.Finish(sampleManifest())
	if err != nil {
		t.Fatal(err)
	}

	// zstd: one frame, with a content checksum, no dictionary.
	if !bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		t.Fatalf("no zstd magic: % x", data[:4])
	}
	var fh zstd.Header
	if err := fh.Decode(data); err != nil {
		t.Fatal(err)
	}
	if !fh.HasCheckSum || fh.DictionaryID != 0 || fh.WindowSize > 16<<20 {
		t.Errorf("zstd frame header %+v: want a checksum, no dictionary, a window of at most 16 MiB", fh)
	}

	raw := bundletest.Unseal(t, data)
	tr := tar.NewReader(bytes.NewReader(raw))
	var names []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
		if hdr.Typeflag != tar.TypeReg || hdr.Mode != 0o644 || hdr.Uid != 0 || hdr.Gid != 0 ||
			hdr.Uname != "" || hdr.Gname != "" || !hdr.ModTime.Equal(time.Unix(0, 0)) ||
			!hdr.AccessTime.IsZero() || !hdr.ChangeTime.IsZero() || hdr.Linkname != "" {
			t.Errorf("header of %q: %+v", hdr.Name, hdr)
		}
		if hdr.Name == long || hdr.Name == utf {
			if hdr.PAXRecords["path"] != hdr.Name || len(hdr.PAXRecords) != 1 {
				t.Errorf("name %q not in a PAX record of its own: %v", hdr.Name, hdr.PAXRecords)
			}
		} else if len(hdr.PAXRecords) != 0 {
			t.Errorf("header of %q has PAX records %v", hdr.Name, hdr.PAXRecords)
		}
	}
	want := append([]string{bundle.ManifestPath}, sortedNames(members)...)
	if !slices.Equal(names, want) {
		t.Errorf("member order %q, want %q", names, want)
	}
	// The tar stream ends with the two zero blocks of its end-of-archive marker.
	if len(raw)%512 != 0 || !bytes.Equal(raw[len(raw)-1024:], make([]byte, 1024)) {
		t.Errorf("tar stream of %d bytes does not end with two zero blocks", len(raw))
	}
	// JSON documents use the one encoding: indented, final newline.
	b := mustRead(t, data)
	if !bytes.HasPrefix(b.ManifestBytes, fmt.Appendf(nil, "{\n  \"format\": %d,\n", bundle.NodeFormat)) || !bytes.HasSuffix(b.ManifestBytes, []byte("}\n")) {
		t.Errorf("manifest is not in the one JSON encoding:\n%s", b.ManifestBytes)
	}
}

// TestReadReleasedVersions reads the committed bundle of every supported
// format version: released versions stay readable forever.
func TestReadReleasedVersions(t *testing.T) {
	for v := bundle.MinFormatVersion; v <= bundle.FormatVersion; v++ {
		files, err := filepath.Glob(fmt.Sprintf("testdata/v%d/*.kpb", v))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Errorf("no committed bundle of format v%d under testdata/v%d/", v, v)
		}
		for _, f := range files {
			b, err := bundle.Open(f, bundle.Limits{})
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			if b.Manifest.Format != v {
				t.Errorf("%s: format %d, want %d", f, b.Manifest.Format, v)
			}
			want := []string{bundle.ProcessesPath, bundle.StatPath, bundle.PKIPath, bundle.ProblemsPath}
			if b.Manifest.Kind == bundle.KindAPISnapshot {
				want = nil
				for _, k := range b.Manifest.Snapshot.Kinds {
					want = append(want, k.Members...)
				}
				if len(want) == 0 {
					t.Errorf("%s: an API snapshot without objects", f)
				}
			}
			for _, name := range want {
				if _, ok := b.Member(name); !ok {
					t.Errorf("%s: no %s", f, name)
				}
			}
		}
	}
}

func TestDigest(t *testing.T) {
	empty := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	d := bundle.Hash(nil)
	if d.String() != empty || d.Prefixed() != "sha256:"+empty || d.Short() != empty[:12] {
		t.Errorf("Hash(nil) = %s / %s / %s", d, d.Prefixed(), d.Short())
	}
	if d.IsZero() || !(bundle.Digest{}).IsZero() {
		t.Error("IsZero is wrong")
	}
	for _, s := range []string{empty, "sha256:" + empty} {
		got, err := bundle.ParseDigest(s)
		if err != nil || got != d {
			t.Errorf("ParseDigest(%q) = %s, %v", s, got, err)
		}
	}

	bad := []struct{ in, msg string }{
		{"", "want 64 hex digits"},
		{"sha256:", "want 64 hex digits"},
		{empty[:63], "want 64 hex digits"},
		{empty + "0", "want 64 hex digits"},
		{empty[:62], "want 64 hex digits"},
		{strings.ToUpper(empty), "lowercase"},
		{"sha256:" + strings.ToUpper(empty[:1]) + empty[1:], "lowercase"},
		{"SHA256:" + empty, "want 64 hex digits"},
		{"sha512:" + empty, "want 64 hex digits"},
		{"sha256:sha256:" + empty, "want 64 hex digits"},
		{" " + empty[1:], "invalid byte"},
		{"g" + empty[1:], "invalid byte"},
		{empty[:63] + "\x00", "invalid byte"},
		{strings.Repeat("é", 32), "invalid byte"},
	}
	for _, tt := range bad {
		_, err := bundle.ParseDigest(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "bundle: invalid digest ") {
			t.Errorf("ParseDigest(%q) = %v, want an error with %q", tt.in, err, tt.msg)
		}
	}

	// JSON: 64 lowercase hex digits; a pointer may be omitted.
	type doc struct {
		D bundle.Digest  `json:"d"`
		P *bundle.Digest `json:"p,omitempty"`
	}
	out, err := bundle.EncodeJSON(doc{D: d})
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"d\": \"" + empty + "\"\n}\n"; string(out) != want {
		t.Errorf("EncodeJSON = %q, want %q", out, want)
	}
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{`{"d":"` + empty + `"}`, true},
		{`{"d":"sha256:` + empty + `","p":"` + empty + `"}`, true},
		{`{"d":"` + strings.ToUpper(empty) + `"}`, false},
		{`{"d":"abc"}`, false},
		{`{"d":42}`, false},
		{`{"d":null}`, true}, // null leaves the zero digest, as for any JSON value
		{`{"d":["` + empty + `"]}`, false},
	} {
		var v doc
		err := json.Unmarshal([]byte(tt.in), &v)
		if (err == nil) != tt.ok {
			t.Errorf("unmarshal %s: %v", tt.in, err)
		}
		if err == nil && tt.in != `{"d":null}` && v.D != d {
			t.Errorf("unmarshal %s: %s", tt.in, v.D)
		}
	}
}

func TestWriterRefusals(t *testing.T) {
	badNames := []string{
		"", "/etc/shadow", "//x", "../x", "files/../../x", "files/../x", "a/..", "..",
		".", "./a", "a/./b", "a//b", "a/", "files/", `files\x`, "a\x00b", "\xff\xfe",
	}
	for _, name := range badNames {
		w := bundle.NewWriter()
		err := w.Add(name, []byte("x"))
		var me *bundle.MemberError
		if !errors.Is(err, bundle.ErrInsecurePath) || !errors.As(err, &me) || me.Path != name {
			t.Errorf("Add(%q) = %v, want *MemberError with ErrInsecurePath", name, err)
		}
		if w.Has(name) {
			t.Errorf("Add(%q) failed but Has reports it", name)
		}
	}

	w := bundle.NewWriter()
	if err := w.Add("files/a", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if !w.Has("files/a") || w.Has("files/b") {
		t.Error("Has is wrong")
	}
	err := w.Add("files/a", []byte("2"))
	if !errors.Is(err, bundle.ErrDuplicate) || !strings.Contains(err.Error(), `"files/a"`) {
		t.Errorf("second Add: %v, want ErrDuplicate", err)
	}
	err = w.AddJSON("files/a", map[string]int{"a": 1})
	if !errors.Is(err, bundle.ErrDuplicate) {
		t.Errorf("AddJSON of a duplicate: %v", err)
	}
	err = w.Add(bundle.ManifestPath, []byte("{}"))
	if !errors.Is(err, bundle.ErrDuplicate) || !strings.Contains(err.Error(), "written by Finish") {
		t.Errorf("Add(manifest.json) = %v", err)
	}
	err = w.AddJSON("facts/chan.json", make(chan int))
	if err == nil || !strings.Contains(err.Error(), "facts/chan.json") || w.Has("facts/chan.json") {
		t.Errorf("AddJSON(chan) = %v", err)
	}

	// The first content of a refused duplicate is kept.
	data, _, _, err := w.Finish(sampleManifest())
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := mustRead(t, data).Member("files/a"); string(got) != "1" {
		t.Errorf("files/a = %q, want the first content", got)
	}
}

// jsonManifest returns the Writer's manifest of the sample bundle as a
// generic JSON object, for tests that break it.
func jsonManifest(t *testing.T) map[string]any {
	t.Helper()
	data, _, _ := writeSample(t, sortedNames(sampleMembers(t)))
	var m map[string]any
	if err := json.Unmarshal(mustRead(t, data).ManifestBytes, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseManifest(t *testing.T) {
	data, want, _ := writeSample(t, sortedNames(sampleMembers(t)))
	good := mustRead(t, data).ManifestBytes
	m, err := bundle.ParseManifest(good, bundle.Limits{})
	if err != nil || !reflect.DeepEqual(m, want) {
		t.Fatalf("ParseManifest(good) = %+v, %v", m, err)
	}

	edit := func(f func(m map[string]any)) []byte {
		m := jsonManifest(t)
		f(m)
		out, err := bundle.EncodeJSON(m)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	members := func(m map[string]any) []any { return m["members"].([]any) }
	member := func(m map[string]any, i int) map[string]any { return members(m)[i].(map[string]any) }
	isVersion := func(got int) func(*testing.T, error) {
		return func(t *testing.T, err error) {
			var ve *bundle.VersionError
			if !errors.As(err, &ve) || ve.Got != got || ve.Min != bundle.MinFormatVersion || ve.Max != bundle.FormatVersion {
				t.Errorf("want *VersionError{Got: %d}, got %#v", got, err)
			}
			if !strings.Contains(err.Error(), "a newer kubeproof may read it") {
				t.Errorf("no hint in %q", err)
			}
		}
	}
	isLimit := func(what, path string) func(*testing.T, error) {
		return func(t *testing.T, err error) {
			var le *bundle.LimitError
			if !errors.As(err, &le) || le.What != what || le.Path != path {
				t.Errorf("want *LimitError{What: %q, Path: %q}, got %#v", what, path, err)
			}
		}
	}
	tests := []struct {
		name  string
		data  []byte
		lim   bundle.Limits
		is    []error
		msg   string
		check func(*testing.T, error)
	}{
		{name: "not JSON", data: []byte("PK\x03\x04"), is: []error{bundle.ErrFormat}, msg: "decoding manifest.json"},
		{name: "empty", data: nil, is: []error{bundle.ErrFormat}},
		{name: "null", data: []byte("null"), is: []error{bundle.ErrFormat}, msg: "no format version"},
		{name: "array", data: []byte("[1]"), is: []error{bundle.ErrFormat}},
		{name: "missing format", data: edit(func(m map[string]any) { delete(m, "format") }), is: []error{bundle.ErrFormat}, msg: "no format version"},
		{name: "format as string", data: edit(func(m map[string]any) { m["format"] = "1" }), is: []error{bundle.ErrFormat}},
		{name: "format 1.5", data: edit(func(m map[string]any) { m["format"] = 1.5 }), is: []error{bundle.ErrFormat}},
		{name: "version 0", data: edit(func(m map[string]any) { m["format"] = 0 }), is: []error{bundle.ErrVersion}, msg: "version 0", check: isVersion(0)},
		{name: "next version", data: edit(func(m map[string]any) { m["format"] = bundle.FormatVersion + 1 }), is: []error{bundle.ErrVersion}, msg: fmt.Sprintf("version %d", bundle.FormatVersion+1), check: isVersion(bundle.FormatVersion + 1)},
		{name: "version -1", data: edit(func(m map[string]any) { m["format"] = -1 }), is: []error{bundle.ErrVersion}, check: isVersion(-1)},
		// A later format may add fields: its version is refused with the
		// hint, not reported as an unknown field.
		{name: "next version with new fields", data: edit(func(m map[string]any) { m["format"] = bundle.FormatVersion + 1; m["signature"] = "x" }), is: []error{bundle.ErrVersion}, check: isVersion(bundle.FormatVersion + 1)},
		{name: "unknown field", data: edit(func(m map[string]any) { m["extra"] = 1 }), is: []error{bundle.ErrFormat}, msg: `unknown field "extra"`},
		{name: "unknown nested field", data: edit(func(m map[string]any) { m["host"].(map[string]any)["uptime"] = 5 }), is: []error{bundle.ErrFormat}, msg: `unknown field "uptime"`},
		{name: "unknown member field", data: edit(func(m map[string]any) { member(m, 0)["mode"] = "0644" }), is: []error{bundle.ErrFormat}, msg: `unknown field "mode"`},
		{name: "data after the object", data: append(bytes.Clone(good), "{}"...), is: []error{bundle.ErrFormat}},
		{name: "bad time", data: edit(func(m map[string]any) { m["collection"].(map[string]any)["started"] = "yesterday" }), is: []error{bundle.ErrFormat}},
		{name: "uppercase digest", data: edit(func(m map[string]any) { member(m, 0)["sha256"] = strings.ToUpper(member(m, 0)["sha256"].(string)) }), is: []error{bundle.ErrFormat}, msg: "lowercase"},
		{name: "short digest", data: edit(func(m map[string]any) { member(m, 0)["sha256"] = "abc" }), is: []error{bundle.ErrFormat}, msg: "invalid digest"},
		{name: "duplicate listed member", data: edit(func(m map[string]any) { m["members"] = append(members(m), member(m, 1)) }), is: []error{bundle.ErrFormat, bundle.ErrDuplicate}, msg: "lists a member twice"},
		{name: "manifest listed", data: edit(func(m map[string]any) { member(m, 0)["path"] = bundle.ManifestPath }), is: []error{bundle.ErrFormat, bundle.ErrDuplicate}},
		{name: "traversal listed", data: edit(func(m map[string]any) { member(m, 0)["path"] = "../etc/passwd" }), is: []error{bundle.ErrFormat, bundle.ErrInsecurePath}, msg: "lists a bad member"},
		{name: "absolute listed", data: edit(func(m map[string]any) { member(m, 0)["path"] = "/etc/shadow" }), is: []error{bundle.ErrFormat, bundle.ErrInsecurePath}, msg: "absolute"},
		{name: "empty name listed", data: edit(func(m map[string]any) { member(m, 0)["path"] = "" }), is: []error{bundle.ErrFormat, bundle.ErrInsecurePath}},
		{name: "negative size", data: edit(func(m map[string]any) { member(m, 0)["size"] = -1 }), is: []error{bundle.ErrFormat}, msg: "negative size"},
		{name: "size above the limit", data: edit(func(m map[string]any) { member(m, 0)["size"] = bundle.DefaultLimits.MaxMemberSize + 1 }), is: []error{bundle.ErrLimit}, check: isLimit("member size", "facts/pki.json")},
		{name: "size above a custom limit", data: good, lim: bundle.Limits{MaxMemberSize: 10}, is: []error{bundle.ErrLimit}, msg: "exceeds the limit of 10"},
		{name: "too many members", data: good, lim: bundle.Limits{MaxMembers: 3}, is: []error{bundle.ErrLimit}, check: isLimit("member count", bundle.ManifestPath)},
		{name: "too large", data: good, lim: bundle.Limits{MaxManifestSize: 100}, is: []error{bundle.ErrLimit}, check: isLimit("manifest size", bundle.ManifestPath)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bundle.ParseManifest(tt.data, tt.lim)
			if err == nil {
				t.Fatal("no error")
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("%v: not %v", err, target)
				}
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%q does not say %q", err, tt.msg)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}

	// Limits at exactly the size are accepted.
	lim := bundle.Limits{MaxMembers: len(want.Members) + 1, MaxManifestSize: int64(len(good))}
	for _, mem := range want.Members {
		lim.MaxMemberSize = max(lim.MaxMemberSize, mem.Size)
	}
	if _, err := bundle.ParseManifest(good, lim); err != nil {
		t.Errorf("limits at the exact sizes: %v", err)
	}
	// Members may be absent (null) or empty.
	for _, v := range []any{nil, []any{}} {
		if _, err := bundle.ParseManifest(edit(func(m map[string]any) { m["members"] = v }), bundle.Limits{}); err != nil {
			t.Errorf("members %v: %v", v, err)
		}
	}
}

func TestLimits(t *testing.T) {
	members := sampleMembers(t)
	data, m, _ := writeSample(t, sortedNames(members))
	var largest int64
	for _, mem := range m.Members {
		largest = max(largest, mem.Size)
	}
	b := mustRead(t, data)
	// The same content as a stream without a frame content size and with
	// the smallest window, so that only the counting of decompressed bytes
	// can stop it.
	raw := tarOf(t, append([]entry{file(bundle.ManifestPath, b.ManifestBytes)}, sampleEntries(t)...)...)
	streamed := zstdStream(t, raw, zstd.WithWindowSize(zstd.MinWindowSize))

	// One member larger than the total limit, seen at its header, before
	// anything is allocated for it.
	big := file("files/big", bytes.Repeat([]byte("0123456789\n"), 600))
	bigStream := zstdStream(t, tarOf(t, file(bundle.ManifestPath, sampleManifestBytes(t, 1, []entry{big})), big), zstd.WithWindowSize(zstd.MinWindowSize))

	tests := []struct {
		name string
		data []byte
		lim  bundle.Limits
		what string
	}{
		{"total size of the members kept", bigStream, bundle.Limits{MaxTotalSize: 5000}, "total size"},
		{"member count", data, bundle.Limits{MaxMembers: 3}, "member count"},
		{"member count of the stream", unlistedExtras(t, 5), bundle.Limits{MaxMembers: len(m.Members) + 3}, "member count"},
		{"member size", data, bundle.Limits{MaxMemberSize: largest - 1}, "member size"},
		{"manifest size", data, bundle.Limits{MaxManifestSize: int64(len(b.ManifestBytes)) - 1}, "manifest size"},
		{"total size, frame with a size", data, bundle.Limits{MaxTotalSize: 4000}, ""},
		{"total size, streamed frame", streamed, bundle.Limits{MaxTotalSize: 4000}, "decompressed size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := bundle.Read(bytes.NewReader(tt.data), tt.lim)
			var le *bundle.LimitError
			if !errors.As(err, &le) || !errors.Is(err, bundle.ErrLimit) {
				t.Fatalf("Read = %v, want a *LimitError", err)
			}
			if tt.what != "" && le.What != tt.what {
				t.Errorf("LimitError.What = %q, want %q", le.What, tt.what)
			}
			if b != nil {
				t.Error("a bundle was returned past a limit")
			}
			var ve *bundle.VerifyError
			if !errors.As(err, &ve) {
				t.Errorf("%T is not a *VerifyError", err)
			}
		})
	}

	// Limits that exactly fit, and the zero and negative Limits (defaults), read the bundle.
	total := int64(len(raw))
	for _, lim := range []bundle.Limits{
		{MaxMembers: len(m.Members) + 1, MaxMemberSize: largest, MaxManifestSize: int64(len(b.ManifestBytes)), MaxTotalSize: total},
		{},
		{MaxMembers: -1, MaxMemberSize: -1, MaxManifestSize: -1, MaxTotalSize: -1},
	} {
		for _, in := range [][]byte{data, streamed} {
			if _, err := bundle.Read(bytes.NewReader(in), lim); err != nil {
				t.Errorf("limits %+v: %v", lim, err)
			}
		}
	}
}

// unlistedExtras returns the sample bundle with n unlisted members appended.
func unlistedExtras(t testing.TB, n int) []byte {
	ents := append([]entry{file(bundle.ManifestPath, sampleManifestBytes(t, 1, sampleEntries(t)))}, sampleEntries(t)...)
	for i := range n {
		ents = append(ents, file(fmt.Sprintf("files/extra/%d", i), []byte("x")))
	}
	return zstdFrame(t, tarOf(t, ents...))
}

// A bundle with member-level problems still returns its good members.
func TestPartialBundle(t *testing.T) {
	good := sampleEntries(t)
	tampered := file("files/etc/kubernetes/admin.conf", []byte("token: secret"))
	ents := append(slices.Clone(good), tampered, file("files/unlisted", []byte("?")), symlink("files/link", "/etc/shadow"))
	listed := append(slices.Clone(good), file("files/etc/kubernetes/admin.conf", []byte("token: <redacted>")), file("files/absent", []byte("gone")))
	data := zstdFrame(t, tarOf(t, append([]entry{file(bundle.ManifestPath, sampleManifestBytes(t, 1, listed))}, ents...)...))

	b, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
	var ve *bundle.VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("Read = %v, want a *VerifyError", err)
	}
	if b == nil {
		t.Fatal("no bundle returned for member-level problems")
	}
	if len(ve.Problems) != 4 || !strings.HasPrefix(err.Error(), "bundle: 4 problems\n  member ") {
		t.Errorf("problems: %v", err)
	}
	var ie *bundle.IntegrityError
	if !errors.As(err, &ie) || ie.Path != "files/etc/kubernetes/admin.conf" || ie.Missing {
		t.Errorf("IntegrityError: %+v", ie)
	}
	for _, target := range []error{bundle.ErrIntegrity, bundle.ErrUnlisted, bundle.ErrMemberType} {
		if !errors.Is(err, target) {
			t.Errorf("no %v among the problems", target)
		}
	}
	if !strings.Contains(err.Error(), `member "files/absent": listed in the manifest but missing`) {
		t.Errorf("missing member not reported: %v", err)
	}
	for _, e := range good {
		if got, ok := b.Member(e.hdr.Name); !ok || !bytes.Equal(got, e.data) {
			t.Errorf("good member %q not returned", e.hdr.Name)
		}
	}
	for _, name := range []string{"files/etc/kubernetes/admin.conf", "files/unlisted", "files/link", "files/absent"} {
		if _, ok := b.Member(name); ok {
			t.Errorf("bad member %q returned", name)
		}
	}
	// The manifest still lists what it listed.
	if _, ok := b.MemberDigest("files/absent"); !ok {
		t.Error("MemberDigest does not answer from the manifest")
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	data, _, d := writeSample(t, sortedNames(sampleMembers(t)))
	name := filepath.Join(dir, "node.kpb")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(name, bundle.Limits{})
	if err != nil || b.Digest != d {
		t.Fatalf("Open = %v, %v", b, err)
	}
	if _, err := bundle.Open(filepath.Join(dir, "absent.kpb"), bundle.Limits{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(absent) = %v", err)
	}
	if _, err := bundle.Open(dir, bundle.Limits{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Open(dir) = %v", err)
	}
	// Problems name the file.
	bad := filepath.Join(dir, "bad.kpb")
	if err := os.WriteFile(bad, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = bundle.Open(bad, bundle.Limits{})
	var ve *bundle.VerifyError
	if !errors.As(err, &ve) || ve.File != bad || !strings.HasPrefix(err.Error(), bad+": 1 problem\n") {
		t.Errorf("Open(truncated) = %v", err)
	}
}

func TestErrorMessages(t *testing.T) {
	d1, d2 := bundle.Hash([]byte("1")), bundle.Hash([]byte("2"))
	tests := []struct {
		err  error
		want string
		is   error
	}{
		{&bundle.FormatError{Reason: "truncated stream"}, "malformed bundle: truncated stream", bundle.ErrFormat},
		{&bundle.FormatError{Reason: "reading stream", Err: io.ErrUnexpectedEOF}, "malformed bundle: reading stream: unexpected EOF", io.ErrUnexpectedEOF},
		{&bundle.VersionError{Got: 9, Min: 1, Max: 1}, "unsupported bundle format version 9 (this program reads versions 1 to 1; a newer kubeproof may read it)", bundle.ErrVersion},
		{&bundle.IntegrityError{Path: "a", Missing: true}, `member "a": listed in the manifest but missing from the bundle`, bundle.ErrIntegrity},
		{&bundle.IntegrityError{Path: "a", WantSize: 1, GotSize: 2}, `member "a": size 2, manifest says 1`, bundle.ErrIntegrity},
		{&bundle.IntegrityError{Path: "a", WantSize: 1, GotSize: 1, Want: d1, Got: d2}, fmt.Sprintf(`member "a": sha256 %s, manifest says %s`, d2, d1), bundle.ErrIntegrity},
		{&bundle.MemberError{Path: "a", Err: bundle.ErrUnlisted}, `member "a": member not listed in manifest`, bundle.ErrUnlisted},
		{&bundle.MemberError{Path: "../a", Detail: "dot element", Err: bundle.ErrInsecurePath}, `member "../a": insecure member path (dot element)`, bundle.ErrInsecurePath},
		{&bundle.LimitError{What: "member count", Limit: 3}, "member count exceeds the limit of 3", bundle.ErrLimit},
		{&bundle.LimitError{What: "member size", Path: "a", Limit: 3}, `member "a": member size exceeds the limit of 3`, bundle.ErrLimit},
		{&bundle.VerifyError{Problems: []error{&bundle.MemberError{Path: "a", Err: bundle.ErrDuplicate}}}, "bundle: 1 problem\n  member \"a\": duplicate member", bundle.ErrDuplicate},
		{&bundle.VerifyError{File: "n.kpb", Problems: []error{bundle.ErrFormat, bundle.ErrLimit}}, "n.kpb: 2 problems\n  bundle: malformed bundle\n  bundle: limit exceeded", bundle.ErrLimit},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(tt.err, tt.is) {
			t.Errorf("%q is not %v", tt.err, tt.is)
		}
		var ie *bundle.IntegrityError
		_ = errors.As(tt.err, &ie) // must not panic on a nil wrapped error
	}
}
