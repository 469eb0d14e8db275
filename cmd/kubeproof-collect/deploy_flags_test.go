package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/internal/skips"
	"github.com/kubeproof/kubeproof/internal/version"
)

// collectSpec runs the collector on the worker's node spec with args.
func collectSpec(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = run(append([]string{"-spec", workerDir, "-time", "2021-09-15T08:00:00Z"}, args...), &o, &e)
	return o.String(), e.String(), err
}

// unarmor decodes what -base64 wrote, as deploy/README.md tells a human
// to: the lines between the markers, in base64.
func unarmor(t *testing.T, log string) (name string, data []byte) {
	t.Helper()
	lines := strings.Split(log, "\n")
	var b64 strings.Builder
	in := false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, armorBegin):
			name = strings.TrimSuffix(strings.TrimPrefix(l, armorBegin), "-----")
			in = true
		case l == armorEnd:
			in = false
		case in:
			if len(l) > armorWidth {
				t.Errorf("a base64 line of %d characters", len(l))
			}
			b64.WriteString(l)
		}
	}
	data, err := base64.StdEncoding.DecodeString(b64.String())
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	return name, data
}

// TestBase64: -o - -base64 writes the bundle as base64 lines between
// markers naming the file, for kubectl logs; decoded, it is the very
// bundle -o FILE writes, with the digest printed.
func TestBase64(t *testing.T) {
	log, stderr, err := collectSpec(t, "-o", "-", "-base64")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	name, data := unarmor(t, log)
	if name != "VM-0-14-centos-20210915T080000Z.kpb" {
		t.Errorf("name %q", name)
	}
	raw, _, err := collectSpec(t, "-o", "-")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, []byte(raw)) {
		t.Error("the decoded bundle is not the one -o - writes")
	}
	b, err := bundle.Read(bytes.NewReader(data), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "bundle digest "+b.Digest.Prefixed()) {
		t.Errorf("digest %s not printed:\n%s", b.Digest.Prefixed(), stderr)
	}
	// The shell pipeline of deploy/README.md, where its tools are.
	if _, err := exec.LookPath("base64"); err != nil {
		skips.Skip(t, "no base64(1) here to decode as the README does; skipped")
	}
	cmd := exec.Command("sh", "-c", `sed -n '/^-----BEGIN KUBEPROOF BUNDLE/,/^-----END KUBEPROOF BUNDLE/{//!p}' | base64 -d`)
	cmd.Stdin = strings.NewReader("kubeproof-collect 0.1.0: a line of the log before\n" + log + "a line after\n")
	out, err := cmd.Output()
	if err != nil || !bytes.Equal(out, data) {
		t.Errorf("the README's decoding gives another bundle (%v)", err)
	}
}

func TestBase64NeedsStdout(t *testing.T) {
	_, _, err := collectSpec(t, "-o", t.TempDir(), "-base64")
	var ue *exit.UsageError
	if !errors.As(err, &ue) {
		t.Errorf("-base64 without -o -: %v, want a usage error", err)
	}
}

// TestHostname: -hostname names the node in the bundle (a container's own
// name is the pod's); a name with a space or a control character is a
// usage error.
func TestHostname(t *testing.T) {
	out := t.TempDir() + "/b.kpb"
	if _, stderr, err := collectSpec(t, "-o", out, "-hostname", "node-7.example"); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	b, err := bundle.Open(out, bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if h := b.Manifest.Host.Hostname; h != "node-7.example" {
		t.Errorf("hostname %q", h)
	}
	for _, bad := range []string{"a b", "node\x1b[2J", "nöde"} {
		_, _, err := collectSpec(t, "-o", t.TempDir(), "-hostname", bad)
		var ue *exit.UsageError
		if !errors.As(err, &ue) {
			t.Errorf("-hostname %q: %v, want a usage error", bad, err)
		}
	}
}

// TestVersionInBundle: the version a release stamps (-X, scripts/release)
// is the one -version prints and every bundle records.
func TestVersionInBundle(t *testing.T) {
	defer func(v string) { version.Version = v }(version.Version)
	version.Version = "9.8.7-test"
	var o, e bytes.Buffer
	if err := run([]string{"-version"}, &o, &e); err != nil || o.String() != "kubeproof-collect 9.8.7-test\n" {
		t.Errorf("-version: %q %v", o.String(), err)
	}
	raw, stderr, err := collectSpec(t, "-o", "-")
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Read(strings.NewReader(raw), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if v := b.Manifest.Collector.Version; v != "9.8.7-test" {
		t.Errorf("collector.version %q", v)
	}
	if !strings.Contains(stderr, "kubeproof-collect 9.8.7-test:") {
		t.Errorf("summary: %s", stderr)
	}
}

// TestWait: -wait returns once terminated, with the collection's outcome.
func TestWait(t *testing.T) {
	go func() {
		time.Sleep(500 * time.Millisecond)
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
	}()
	start := time.Now()
	_, stderr, err := collectSpec(t, "-o", t.TempDir(), "-wait")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if time.Since(start) < 400*time.Millisecond || !strings.Contains(stderr, "waiting until terminated") {
		t.Errorf("did not wait:\n%s", stderr)
	}
}

// TestManPage: -man prints a manual page of every flag; groff reads it
// without a warning where it is installed.
func TestManPage(t *testing.T) {
	var o, e bytes.Buffer
	if err := run([]string{"-man"}, &o, &e); err != nil {
		t.Fatal(err)
	}
	page := o.String()
	for _, want := range []string{".TH \"KUBEPROOF-COLLECT\" 1", `\fB\-\-output\fR \fIFILE\fR, \fB\-o\fR \fIFILE\fR`, `\fB\-\-base64\fR`, `\fB\-\-hostname\fR \fINAME\fR`, ".SH EXIT STATUS",
		// the collector runs without a command; api is the one it has
		"\\fBkubeproof\\-collect\\fR [\\fIOPTIONS\\fR]\n.br\n", ".SH COMMANDS", `\fBkubeproof\-collect\-api\fR(1)`} {
		if !strings.Contains(page, want) {
			t.Errorf("no %q in the page:\n%s", want, page)
		}
	}
	var api bytes.Buffer
	if err := run([]string{"api", "-man"}, &api, &e); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".TH \"KUBEPROOF-COLLECT-API\" 1", `\fB\-\-cluster\fR \fINAME\fR`, `\fB\-\-max\-input\fR \fIBYTES\fR`, "Secrets and\nConfigMaps first of all"} {
		if !strings.Contains(api.String(), want) {
			t.Errorf("no %q in the api page:\n%s", want, api.String())
		}
	}
	if _, err := exec.LookPath("groff"); err != nil {
		skips.Skip(t, "no groff here to check the page's roff; skipped")
	}
	for _, p := range []string{page, api.String()} {
		cmd := exec.Command("groff", "-man", "-ww", "-z")
		cmd.Stdin = strings.NewReader(p)
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("groff: %v\n%s", err, out)
		}
	}
}
