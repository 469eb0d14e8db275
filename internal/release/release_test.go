package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/skips"
)

func testFiles() []File {
	return []File{
		{Name: "kubeproof", Exec: true, Data: []byte("\x7fELF binary")},
		{Name: "README.md", Data: []byte("# kubeproof\n")},
		{Name: "man/man1/kubeproof.1", Data: []byte(".TH KUBEPROOF 1\n")},
		{Name: "licenses/github.com/a/b/LICENSE", Data: []byte("MIT\n")},
		{Name: "licenses/go/LICENSE", Data: []byte("BSD\n")},
	}
}

// TestTarGz: the same files, in any order, give the same bytes, with
// fixed times, owners and modes, each directory before its files.
func TestTarGz(t *testing.T) {
	a, err := TarGz("top", testFiles())
	if err != nil {
		t.Fatal(err)
	}
	rev := testFiles()
	slices.Reverse(rev)
	b, err := TarGz("top", rev)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the order of the files changes the tarball")
	}
	zr, err := gzip.NewReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" {
		t.Errorf("gzip header: time %v, name %q", zr.ModTime, zr.Name)
	}
	tr := tar.NewReader(zr)
	var names []string
	seen := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if !h.ModTime.Equal(epoch) || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: time %v, owner %d:%d %q:%q", h.Name, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		if dir := filepath.Dir(strings.TrimSuffix(h.Name, "/")); dir != "." && !seen[dir] {
			t.Errorf("%s before its directory %s", h.Name, dir)
		}
		seen[strings.TrimSuffix(h.Name, "/")] = true
		want := int64(0o644)
		if h.Typeflag == tar.TypeDir || h.Name == "top/kubeproof" {
			want = 0o755
		}
		if h.Mode != want {
			t.Errorf("%s: mode %o, want %o", h.Name, h.Mode, want)
		}
	}
	wantNames := []string{"top/", "top/README.md", "top/kubeproof", "top/licenses/", "top/licenses/github.com/", "top/licenses/github.com/a/",
		"top/licenses/github.com/a/b/", "top/licenses/github.com/a/b/LICENSE", "top/licenses/go/", "top/licenses/go/LICENSE", "top/man/", "top/man/man1/", "top/man/man1/kubeproof.1"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("entries %q,\nwant %q", names, wantNames)
	}
	for _, bad := range [][]File{{{Name: "../x"}}, {{Name: "/etc/x"}}, {{Name: "a//b"}}, {{Name: "a"}, {Name: "a"}}, {{Name: ""}}} {
		if _, err := TarGz("top", bad); err == nil {
			t.Errorf("files %+v: no error", bad)
		}
	}
}

func TestZip(t *testing.T) {
	a, err := Zip("top", testFiles())
	if err != nil {
		t.Fatal(err)
	}
	rev := testFiles()
	slices.Reverse(rev)
	b, err := Zip("top", rev)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the order of the files changes the zip")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	for _, f := range zr.File {
		if len(f.Extra) > 0 {
			t.Errorf("%s: extra fields %x", f.Name, f.Extra)
		}
		if y := f.Modified.Year(); y != 1980 {
			t.Errorf("%s: modified %v", f.Name, f.Modified)
		}
		if f.Name == "top/kubeproof" && f.Mode().Perm() != 0o755 {
			t.Errorf("%s: mode %v", f.Name, f.Mode())
		}
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	for _, f := range testFiles() {
		if !bytes.Equal(got["top/"+f.Name], f.Data) {
			t.Errorf("%s: %q", f.Name, got["top/"+f.Name])
		}
	}
}

// TestSBOM: the SBOM of a binary lists the modules its build information
// names, each with its package URL, and the binary with its SHA-256; the
// same binary gives the same bytes.
func TestSBOM(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	info, err := buildinfo.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	doc, n, err := SBOM(exe, "release.test", "1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	again, _, _ := SBOM(exe, "release.test", "1.2.3")
	if !bytes.Equal(doc, again) {
		t.Error("the SBOM of one binary differs between two runs")
	}
	if n != len(info.Deps) {
		t.Errorf("%d modules, the build information names %d", n, len(info.Deps))
	}
	var bom struct {
		BOMFormat, SpecVersion string
		Metadata               struct {
			Timestamp string
			Component struct {
				Name, Version string
				Hashes        []struct{ Alg, Content string }
			}
		}
		Components []struct {
			Type, Name, Version, PURL string
		}
		Dependencies []struct {
			Ref       string
			DependsOn []string
		}
	}
	if err := json.Unmarshal(doc, &bom); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(exe)
	m := bom.Metadata.Component
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.5" || m.Name != "release.test" || m.Version != "1.2.3" ||
		len(m.Hashes) != 1 || m.Hashes[0].Alg != "SHA-256" || m.Hashes[0].Content != hex.EncodeToString(sum[:]) {
		t.Errorf("header: %s %s %+v", bom.BOMFormat, bom.SpecVersion, m)
	}
	if bom.Metadata.Timestamp != "" || strings.Contains(string(doc), "serialNumber") {
		t.Error("the SBOM holds a timestamp or a serial number")
	}
	if len(bom.Components) != n+1 || bom.Components[0].Name != "stdlib" || bom.Components[0].Version != info.GoVersion {
		t.Fatalf("components: %+v", bom.Components)
	}
	for i, d := range info.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		found := false
		for _, c := range bom.Components {
			found = found || c.Name == d.Path && c.Version == d.Version && c.PURL == "pkg:golang/"+d.Path+"@"+d.Version
		}
		if !found {
			t.Errorf("module %d, %s %s, not in the SBOM", i, d.Path, d.Version)
		}
	}
	if len(bom.Dependencies) != 1 || len(bom.Dependencies[0].DependsOn) != n+1 {
		t.Errorf("dependencies: %+v", bom.Dependencies)
	}
	if _, _, err := SBOM([]byte("not a binary"), "x", "1.2.3"); err == nil {
		t.Error("an SBOM of something that is no Go binary")
	}
}

// TestLicences: every module linked into this test binary has its licence
// in the module cache, and Go's is there too.
func TestLicences(t *testing.T) {
	self, _ := os.Executable()
	exe, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	goroot, modcache := goEnv(t, "GOROOT"), goEnv(t, "GOMODCACHE")
	files, err := Licences(exe, goroot, modcache)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := buildinfo.Read(bytes.NewReader(exe))
	for _, want := range append([]string{"go"}, depPaths(info)...) {
		if !slices.ContainsFunc(files, func(f File) bool { return strings.HasPrefix(f.Name, "licenses/"+want+"/") }) {
			t.Errorf("no licence of %s", want)
		}
	}
	if _, err := Licences(exe, t.TempDir(), modcache); err == nil {
		t.Error("no error without Go's licence")
	}
	if escapeModule("github.com/BurntSushi/toml") != "github.com/!burnt!sushi/toml" {
		t.Error(escapeModule("github.com/BurntSushi/toml"))
	}
}

func depPaths(info *buildinfo.BuildInfo) []string {
	var out []string
	for _, d := range info.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		out = append(out, d.Path)
	}
	return out
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func TestParseSums(t *testing.T) {
	h := strings.Repeat("ab", 32)
	tests := []struct {
		name, in string
		want     []string // names; nil: an error
	}{
		{"two files", h + "  a.tar.gz\n" + h + "  b.zip\n", []string{"a.tar.gz", "b.zip"}},
		{"binary marker", h + " *a.tar.gz\n", []string{"a.tar.gz"}},
		{"no final newline", h + "  a.tar.gz", nil},
		{"empty", "", nil},
		{"upper-case hex", strings.ToUpper(h) + "  a\n", nil},
		{"short hash", h[:62] + "  a\n", nil},
		{"one space", h + " a\n", nil},
		{"a directory", h + "  sub/a\n", nil},
		{"dot dot", h + "  ..\n", nil},
		{"backslash", h + `  sub\a` + "\n", nil},
		{"control character", h + "  a\x1b[2J\n", nil},
		{"twice", h + "  a\n" + h + "  a\n", nil},
		{"itself", h + "  SHA256SUMS\n", nil},
		{"its signature", h + "  SHA256SUMS.sig\n", nil},
		{"blank line", h + "  a\n\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSums([]byte(tt.in))
			if tt.want == nil {
				if err == nil {
					t.Errorf("no error, got %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range got {
				names = append(names, e.Name)
				if hex.EncodeToString(e.Sum[:]) != h {
					t.Errorf("%s: sum %x", e.Name, e.Sum)
				}
			}
			if !reflect.DeepEqual(names, tt.want) {
				t.Errorf("names %q, want %q", names, tt.want)
			}
		})
	}
	// What Sums writes, ParseSums reads, and sha256sum -c checks.
	arts := map[string][]byte{"b.zip": []byte("zip"), "a.tar.gz": []byte("tar")}
	entries, err := ParseSums(Sums(arts))
	if err != nil || len(entries) != 2 || entries[0].Name != "a.tar.gz" || entries[0].Sum != sha256.Sum256([]byte("tar")) {
		t.Errorf("round trip: %+v %v", entries, err)
	}
}

func testKey(t *testing.T) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
}

// writeRelease writes a release directory of two artefacts, signed with
// key when not nil.
func writeRelease(t *testing.T, key ed25519.PrivateKey) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	arts := map[string][]byte{"kubeproof_1.0.0_linux_amd64.tar.gz": []byte("analyzer"), "kubeproof_1.0.0_linux_amd64.cdx.json": []byte("{}\n")}
	sums := Sums(arts)
	arts[SumsFile] = sums
	if key != nil {
		arts[SignatureFile] = Sign(sums, key)
	}
	for n, d := range arts {
		if err := os.WriteFile(filepath.Join(dir, n), d, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, sums
}

func TestCheckDir(t *testing.T) {
	key := testKey(t)
	t.Run("signed and intact", func(t *testing.T) {
		dir, _ := writeRelease(t, key)
		c, err := CheckDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Verified) != 2 || len(c.Problems) != 0 || c.Signature == nil || !c.Signature.PublicKey.Equal(key.Public()) {
			t.Errorf("%+v", c)
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		dir, _ := writeRelease(t, nil)
		c, err := CheckDir(dir)
		if err != nil || c.Signature != nil || len(c.Problems) != 0 {
			t.Errorf("%+v %v", c, err)
		}
	})
	problems := []struct {
		name   string
		change func(dir string)
		want   string
	}{
		{"a changed file", func(dir string) {
			os.WriteFile(filepath.Join(dir, "kubeproof_1.0.0_linux_amd64.tar.gz"), []byte("analyzeR"), 0o644)
		}, "kubeproof_1.0.0_linux_amd64.tar.gz: SHA-256"},
		{"a missing file", func(dir string) { os.Remove(filepath.Join(dir, "kubeproof_1.0.0_linux_amd64.cdx.json")) }, "kubeproof_1.0.0_linux_amd64.cdx.json: missing"},
		{"a file not listed", func(dir string) { os.WriteFile(filepath.Join(dir, "extra.sh"), nil, 0o755) }, "extra.sh: not listed"},
		{"a directory in the way", func(dir string) {
			p := filepath.Join(dir, "kubeproof_1.0.0_linux_amd64.cdx.json")
			os.Remove(p)
			os.Mkdir(p, 0o755)
		}, "not a regular file"},
	}
	for _, tt := range problems {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := writeRelease(t, key)
			tt.change(dir)
			c, err := CheckDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Error(), tt.want) {
				t.Errorf("problems %v, want one with %q", c.Problems, tt.want)
			}
		})
	}
	fatal := []struct {
		name   string
		change func(dir string, sums []byte)
	}{
		{"SHA256SUMS changed", func(dir string, sums []byte) {
			os.WriteFile(filepath.Join(dir, SumsFile), append(sums, []byte(strings.Repeat("0", 64)+"  x\n")...), 0o644)
		}},
		{"signature of another SHA256SUMS", func(dir string, sums []byte) {
			os.WriteFile(filepath.Join(dir, SignatureFile), Sign([]byte("other\n"), key), 0o644)
		}},
		{"signature cut", func(dir string, sums []byte) {
			sig := Sign(sums, key)
			os.WriteFile(filepath.Join(dir, SignatureFile), sig[:len(sig)-10], 0o644)
		}},
		{"a bundle signature's context", func(dir string, sums []byte) {
			h := sha256.Sum256(sums)
			msg := append([]byte("kubeproof bundle signature v1\x00"), h[:]...)
			sig := ed25519.Sign(key, msg)
			line := SignatureLabel + " " + b64(key.Public().(ed25519.PublicKey)) + " " + b64(sig) + "\n"
			os.WriteFile(filepath.Join(dir, SignatureFile), []byte(line), 0o644)
		}},
		{"two signature lines", func(dir string, sums []byte) {
			sig := Sign(sums, key)
			os.WriteFile(filepath.Join(dir, SignatureFile), append(sig, sig...), 0o644)
		}},
		{"malformed SHA256SUMS", func(dir string, sums []byte) {
			os.WriteFile(filepath.Join(dir, SumsFile), []byte("nonsense\n"), 0o644)
			os.Remove(filepath.Join(dir, SignatureFile))
		}},
	}
	for _, tt := range fatal {
		t.Run(tt.name, func(t *testing.T) {
			dir, sums := writeRelease(t, key)
			tt.change(dir, sums)
			if c, err := CheckDir(dir); err == nil {
				t.Errorf("no error: %+v", c)
			}
		})
	}
	if _, err := CheckDir(t.TempDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a directory without SHA256SUMS: %v", err)
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// TestSignatureOpenSSL checks a release signature without kubeproof, as
// docs/release.md tells: openssl verifies it over the context string and
// the SHA-256 of SHA256SUMS, with the public key file made PEM.
func TestSignatureOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		skips.Skip(t, "no openssl here to check the signature independently; skipped")
	}
	key := testKey(t)
	dir, sums := writeRelease(t, key)
	pubFile := filepath.Join(dir, "..", "release.pub")
	if err := os.WriteFile(pubFile, bundle.MarshalPublicKey(key.Public().(ed25519.PublicKey)), 0o644); err != nil {
		t.Fatal(err)
	}
	script := strings.Join(opensslRecipe, "\n")
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PUB="+pubFile, "OPENSSL="+openssl)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature Verified Successfully") {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	// And it fails once SHA256SUMS changes.
	os.WriteFile(filepath.Join(dir, SumsFile), append(sums, '\n'), 0o644)
	cmd = exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PUB="+pubFile, "OPENSSL="+openssl)
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("openssl verified a changed SHA256SUMS:\n%s", out)
	}
}

// opensslRecipe is docs/release.md's check with openssl (PUB: the public
// key file), run in the release directory. TestDocsRecipe keeps the two
// the same.
var opensslRecipe = []string{
	`# the public key as PEM: the DER prefix of an Ed25519 key, then its 32 bytes`,
	`{ printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'; grep -v '^#' "$PUB" | cut -d' ' -f2 | base64 -d; } | ${OPENSSL:-openssl} pkey -pubin -inform DER -out release.pem`,
	`# what was signed: the context string, a zero byte, the SHA-256 of SHA256SUMS`,
	`{ printf 'kubeproof release signature v1\0'; ${OPENSSL:-openssl} dgst -sha256 -binary SHA256SUMS; } > SHA256SUMS.msg`,
	`grep -v '^#' SHA256SUMS.sig | cut -d' ' -f3 | base64 -d > SHA256SUMS.bin`,
	`${OPENSSL:-openssl} pkeyutl -verify -pubin -inkey release.pem -rawin -in SHA256SUMS.msg -sigfile SHA256SUMS.bin`,
	`rm -f release.pem SHA256SUMS.msg SHA256SUMS.bin`,
}

// TestDocsRecipe: docs/release.md shows the openssl check this package
// tests.
func TestDocsRecipe(t *testing.T) {
	doc, err := os.ReadFile("../../docs/release.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range opensslRecipe {
		line = strings.ReplaceAll(line, "${OPENSSL:-openssl}", "openssl")
		line = strings.ReplaceAll(line, `"$PUB"`, "release.pub")
		if !strings.Contains(string(doc), line) {
			t.Errorf("docs/release.md lacks the line\n%s", line)
		}
	}
}

func TestImage(t *testing.T) {
	plats := []ImagePlatform{
		{Arch: "arm64", Exe: []byte("arm binary"), Licences: []File{{Name: "licenses/go/LICENSE", Data: []byte("BSD")}}},
		{Arch: "amd64", Exe: []byte("amd binary"), Licences: []File{{Name: "licenses/go/LICENSE", Data: []byte("BSD")}}},
	}
	archive, digest, err := Image("1.2.3", plats)
	if err != nil {
		t.Fatal(err)
	}
	again, digest2, _ := Image("1.2.3", []ImagePlatform{plats[1], plats[0]})
	if !bytes.Equal(archive, again) || digest != digest2 {
		t.Fatal("the image is not reproducible")
	}
	// Read the layout back: every descriptor's blob exists with its size
	// and digest, down to each layer's file.
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name], _ = io.ReadAll(tr)
	}
	if string(files["oci-layout"]) != `{"imageLayoutVersion":"1.0.0"}` {
		t.Errorf("oci-layout %q", files["oci-layout"])
	}
	blob := func(d ociDescriptor) []byte {
		t.Helper()
		b, ok := files["blobs/sha256/"+strings.TrimPrefix(d.Digest, "sha256:")]
		if !ok || int64(len(b)) != d.Size || digestOf(b) != d.Digest {
			t.Fatalf("blob %s: present %v, size %d want %d", d.Digest, ok, len(b), d.Size)
		}
		return b
	}
	var top ociIndex
	if err := json.Unmarshal(files["index.json"], &top); err != nil || len(top.Manifests) != 1 {
		t.Fatalf("index.json: %v %+v", err, top)
	}
	if top.Manifests[0].Digest != digest || top.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "1.2.3" {
		t.Errorf("top index: %+v, digest %s", top.Manifests[0], digest)
	}
	var idx ociIndex
	if err := json.Unmarshal(blob(top.Manifests[0]), &idx); err != nil || idx.MediaType != mediaIndex || len(idx.Manifests) != 2 {
		t.Fatalf("image index: %v %+v", err, idx)
	}
	for i, arch := range []string{"amd64", "arm64"} {
		d := idx.Manifests[i]
		if d.Platform == nil || d.Platform.Architecture != arch || d.Platform.OS != "linux" {
			t.Errorf("manifest %d: platform %+v", i, d.Platform)
		}
		var m ociManifest
		if err := json.Unmarshal(blob(d), &m); err != nil || len(m.Layers) != 1 {
			t.Fatalf("manifest %d: %v", i, err)
		}
		var cfg ociConfig
		if err := json.Unmarshal(blob(m.Config), &cfg); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(blob(m.Layers[0])))
		if err != nil {
			t.Fatal(err)
		}
		layer, _ := io.ReadAll(zr)
		if cfg.Architecture != arch || !reflect.DeepEqual(cfg.Config.Entrypoint, []string{ImageEntrypoint}) || cfg.Config.User != "0:0" ||
			len(cfg.RootFS.DiffIDs) != 1 || cfg.RootFS.DiffIDs[0] != digestOf(layer) {
			t.Errorf("config %d: %+v", i, cfg)
		}
		lr := tar.NewReader(bytes.NewReader(layer))
		h, err := lr.Next()
		if err != nil || h.Name != "kubeproof-collect" || h.Mode != 0o755 {
			t.Fatalf("first layer entry: %+v %v", h, err)
		}
		if exe, _ := io.ReadAll(lr); string(exe) != arch[:3]+" binary" {
			t.Errorf("layer %d holds %q", i, exe)
		}
	}
}

// TestPinImage: a release pins each kustomization's image to the digest.
func TestPinImage(t *testing.T) {
	d := "sha256:" + strings.Repeat("0a", 32)
	for _, f := range []string{"../../deploy/kustomization.yaml", "../../deploy/job/kustomization.yaml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pinned, err := PinImage(data, d)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !strings.Contains(string(pinned), "    digest: "+d+"\n") || strings.Contains(string(pinned), "newTag") {
			t.Errorf("%s pinned:\n%s", f, pinned)
		}
	}
	if _, err := PinImage([]byte("images: []\n"), d); err == nil {
		t.Error("no error without a newTag line")
	}
	if _, err := PinImage([]byte("newTag: 1\n"), "latest"); err == nil {
		t.Error("no error for a digest that is none")
	}
}

func TestTargets(t *testing.T) {
	var got []string
	for _, tg := range Targets() {
		got = append(got, tg.Base("0.2.0"))
	}
	want := []string{
		"kubeproof-collect_0.2.0_linux_amd64", "kubeproof-collect_0.2.0_linux_arm64",
		"kubeproof_0.2.0_linux_amd64", "kubeproof_0.2.0_linux_arm64",
		"kubeproof_0.2.0_darwin_amd64", "kubeproof_0.2.0_darwin_arm64",
		"kubeproof_0.2.0_windows_amd64", "kubeproof_0.2.0_windows_arm64",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("targets %q", got)
	}
	for v, ok := range map[string]bool{"0.2.0": true, "1.10.3-rc.1": true, "v0.2.0": false, "0.2": false, "0.2.0/x": false, "0.2.0 ": false, "0.2.0-": false} {
		if err := CheckVersion(v); (err == nil) != ok {
			t.Errorf("CheckVersion(%q): %v", v, err)
		}
	}
}
