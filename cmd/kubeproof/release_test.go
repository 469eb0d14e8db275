package main

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/clidoc"
	"github.com/kubeproof/kubeproof/internal/release"
	"github.com/kubeproof/kubeproof/internal/skips"
	"github.com/kubeproof/kubeproof/internal/version"
)

// releaseDir writes a small release directory, signed with key if given.
func releaseDir(t *testing.T, key ed25519.PrivateKey) string {
	t.Helper()
	dir := t.TempDir()
	arts := map[string][]byte{"kubeproof_1.0.0_linux_amd64.tar.gz": []byte("archive"), "kubeproof_1.0.0_linux_amd64.cdx.json": []byte("{}\n")}
	sums := release.Sums(arts)
	arts[release.SumsFile] = sums
	if key != nil {
		arts[release.SignatureFile] = release.Sign(sums, key)
	}
	for n, d := range arts {
		if err := os.WriteFile(filepath.Join(dir, n), d, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeKeys(t *testing.T, seed byte) (ed25519.PrivateKey, string) {
	t.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	pub := filepath.Join(t.TempDir(), "release.pub")
	if err := os.WriteFile(pub, bundle.MarshalPublicKey(key.Public().(ed25519.PublicKey)), 0o644); err != nil {
		t.Fatal(err)
	}
	return key, pub
}

func TestVerifyRelease(t *testing.T) {
	key, pub := writeKeys(t, 1)
	_, otherPub := writeKeys(t, 2)
	id := bundle.KeyID(key.Public().(ed25519.PublicKey))
	tests := []struct {
		name   string
		key    ed25519.PrivateKey
		change func(dir string)
		flags  []string
		code   int
		stdout []string
		stderr string
	}{
		{"unsigned", nil, nil, nil, 0, []string{"OK   kubeproof_1.0.0_linux_amd64.tar.gz\n", "2 of 2 files verified; unsigned\n"}, ""},
		{"signed and trusted", key, nil, []string{"--trusted-key", pub, "--require-signature"}, 0, []string{"2 of 2 files verified; signed and verified (key " + id + ")\n"}, ""},
		{"signed by another key", key, nil, []string{"--trusted-key", otherPub}, 0, []string{"signed by an unknown key " + id + "\n"}, ""},
		{"unsigned but required", nil, nil, []string{"--trusted-key", pub, "--require-signature"}, 4, nil, "unsigned, and --require-signature asks for a trusted key's signature"},
		{"untrusted but required", key, nil, []string{"--trusted-key", otherPub, "--require-signature"}, 4, nil, "--require-signature"},
		{"a changed archive", key, func(dir string) {
			os.WriteFile(filepath.Join(dir, "kubeproof_1.0.0_linux_amd64.tar.gz"), []byte("archivE"), 0o644)
		}, []string{"--trusted-key", pub}, 4, []string{"FAIL kubeproof_1.0.0_linux_amd64.tar.gz: SHA-256 "}, "hint: copy the release again"},
		{"a file not listed", nil, func(dir string) { os.WriteFile(filepath.Join(dir, "install.sh"), nil, 0o755) }, nil, 4, []string{"FAIL install.sh: not listed in SHA256SUMS\n", "2 of 3 files verified"}, "1 files of"},
		{"a changed SHA256SUMS", key, func(dir string) {
			f, _ := os.OpenFile(filepath.Join(dir, release.SumsFile), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString(strings.Repeat("0", 64) + "  more.tar.gz\n")
			f.Close()
			os.WriteFile(filepath.Join(dir, "more.tar.gz"), nil, 0o644)
		}, []string{"--trusted-key", pub}, 4, nil, "bad release signature"},
		{"no SHA256SUMS", nil, func(dir string) { os.Remove(filepath.Join(dir, release.SumsFile)) }, nil, 4, nil, "no SHA256SUMS"},
		{"--require-signature alone", key, nil, []string{"--require-signature"}, 2, nil, "give --trusted-key"},
		{"a bad key file", key, nil, []string{"--trusted-key", "main.go"}, 4, nil, "malformed key file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := releaseDir(t, tt.key)
			if tt.change != nil {
				tt.change(dir)
			}
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"kubeproof", "verify-release"}, tt.flags...), dir)
			if code := run(args, &stdout, &stderr); code != tt.code {
				t.Errorf("exit code %d, want %d\n%s%s", code, tt.code, stdout.String(), stderr.String())
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr.String())
			}
		})
	}
	for _, args := range [][]string{{"verify-release"}, {"verify-release", "nope"}, {"verify-release", "main.go"}, {"verify-release", "a", "b"}} {
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"kubeproof"}, args...), &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit code %d, want 2\n%s", args, code, stderr.String())
		}
	}
}

// TestCompletionCommand runs the bash script of the real command line in
// bash, as bash calls it on a tab.
func TestCompletionCommand(t *testing.T) {
	for _, shell := range clidoc.Shells {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"kubeproof", "completion", shell}, &stdout, &stderr); code != 0 || stdout.Len() == 0 {
			t.Errorf("completion %s: exit %d\n%s", shell, code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"kubeproof", "completion", "tcsh"}, &stdout, &stderr); code != 2 {
		t.Errorf("completion tcsh: exit %d", code)
	}
	if _, err := exec.LookPath("bash"); err != nil {
		skips.Skip(t, "no bash here to run the completion script; skipped")
	}
	stdout.Reset()
	run([]string{"kubeproof", "completion", "bash"}, &stdout, &stderr)
	script := filepath.Join(t.TempDir(), "kubeproof.bash")
	os.WriteFile(script, stdout.Bytes(), 0o644)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "node.kpb"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "site.pub"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	tests := []struct {
		words []string
		want  string
	}{
		{[]string{"kubeproof", "an"}, "analyze"},
		{[]string{"kubeproof", "verify-r"}, "verify-release"},
		{[]string{"kubeproof", "analyze", "--format", "text,x"}, "text,xlsx"},
		{[]string{"kubeproof", "run", "--targets", "master,n"}, "master,node"},
		{[]string{"kubeproof", "analyze", "--benchmark", "cis-1.1"}, "cis-1.10 cis-1.11 cis-1.12"},
		{[]string{"kubeproof", "analyze", "--output-dir", ""}, "out"},
		{[]string{"kubeproof", "analyze", "n"}, "node.kpb"},
		{[]string{"kubeproof", "verify", "--trusted-key", "s"}, "site.pub"},
		{[]string{"kubeproof", "verify-release", "--require"}, "--require-signature"},
		{[]string{"kubeproof", "completion", ""}, "bash fish zsh"},
		{[]string{"kubeproof", "inspect", "--j"}, "--json"},
	}
	for _, tt := range tests {
		var quoted []string
		for _, w := range tt.words {
			quoted = append(quoted, "'"+w+"'")
		}
		prog := "source " + script + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(tt.words)-1) + "\n_kubeproof\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", prog)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		got := strings.Fields(string(out))
		sort.Strings(got)
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%q: %q, want %q", tt.words, got, tt.want)
		}
	}
}

// TestManCommand: kubeproof man writes a page for the program and one per
// command, each readable by groff without a warning.
func TestManCommand(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"kubeproof", "man", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := []string{"kubeproof.1"}
	for _, c := range newApp(io.Discard, io.Discard).Commands {
		want = append(want, "kubeproof-"+c.Name+".1")
	}
	sort.Strings(want)
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("pages %q, want %q", got, want)
	}
	analyze, _ := os.ReadFile(filepath.Join(dir, "kubeproof-analyze.1"))
	for _, w := range []string{`\fB\-\-format\fR \fIFORMATS\fR`, "(default: text)", `Also spelled \fBkubeproof run\fR`, `\fB\-\-trusted\-key\fR \fIFILE\fR`} {
		if !strings.Contains(string(analyze), w) {
			t.Errorf("kubeproof-analyze.1 lacks %q", w)
		}
	}
	for _, args := range [][]string{{"man"}, {"man", filepath.Join(dir, "kubeproof.1")}} {
		if code := run(append([]string{"kubeproof"}, args...), &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if _, err := exec.LookPath("groff"); err != nil {
		skips.Skip(t, "no groff here to check the pages' roff; skipped")
	}
	for _, name := range got {
		out, err := exec.Command("groff", "-man", "-ww", "-z", filepath.Join(dir, name)).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("groff on %s: %v\n%s", name, err, out)
		}
	}
}

// TestVersionInEveryReport: the version a release stamps is the one
// --version prints and every report format carries.
func TestVersionInEveryReport(t *testing.T) {
	defer func(v string) { version.Version = v }(version.Version)
	const v = "9.8.7-test"
	version.Version = v
	var stdout, stderr bytes.Buffer
	if code := run([]string{"kubeproof", "--version"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), v) {
		t.Errorf("--version: %q", stdout.String())
	}
	stdout.Reset()
	if run([]string{"kubeproof", "version"}, &stdout, &stderr); !strings.HasPrefix(stdout.String(), "kubeproof "+v+"\n") {
		t.Errorf("version: %q", stdout.String())
	}
	dir := t.TempDir()
	if code := run([]string{"kubeproof", "analyze", "--benchmark", "cis-1.6", "--format", "text,json,xlsx,pdf", "--output-dir", dir, fx + "tkestack-worker.kpb"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	if text := string(read("report.txt")); !strings.HasSuffix(text, "\n== Analyzed by kubeproof "+v+" ==\n") {
		t.Errorf("the text report does not end with the version:\n%s", text[max(0, len(text)-200):])
	}
	var js struct {
		Kubeproof struct {
			AnalyzerVersion string `json:"analyzer_version"`
		} `json:"kubeproof"`
	}
	if err := json.Unmarshal(read("report.json"), &js); err != nil || js.Kubeproof.AnalyzerVersion != v {
		t.Errorf("JSON analyzer_version %q (%v)", js.Kubeproof.AnalyzerVersion, err)
	}
	x := read("report.xlsx")
	zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		found = found || bytes.Contains(data, []byte(v))
	}
	if !found {
		t.Error("the workbook does not carry the version")
	}
	pdf := read("report.pdf")
	var u16 []byte
	for _, r := range utf16.Encode([]rune(v)) {
		u16 = append(u16, byte(r>>8), byte(r))
	}
	if !bytes.Contains(pdf, []byte(v)) && !bytes.Contains(pdf, u16) {
		t.Error("the PDF does not carry the version")
	}
}
