package collector

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/internal/fuzzseed"
	"github.com/kubeproof/kubeproof/internal/speclayout"
	"github.com/kubeproof/kubeproof/redact"
)

// checkFoundPath fails unless p is a path the collector may stat: clean,
// absolute, not the root, outside the pseudo file systems, no glob, no NUL.
func checkFoundPath(t *testing.T, p string) {
	t.Helper()
	switch {
	case !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//"):
		t.Fatalf("path %q is not absolute", p)
	case path.Clean(p) != p || p == "/":
		t.Fatalf("path %q is not clean", p)
	case len(p) > 4096:
		t.Fatalf("path of %d bytes", len(p))
	case strings.ContainsAny(p, "\x00*?[]{}$"):
		t.Fatalf("path %q holds a NUL or a glob", p)
	}
	for _, pre := range []string{"/proc", "/sys", "/dev"} {
		if p == pre || strings.HasPrefix(p, pre+"/") {
			t.Fatalf("path %q is in a pseudo file system", p)
		}
	}
}

// specCmdlines returns the command lines of the fixtures' node specs as
// /proc/PID/cmdline holds them; it fails if there are none.
func specCmdlines(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	for _, dir := range specDirs(t) {
		procs, err := speclayout.ReadProcs(filepath.Join(dir, "procs.tsv"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range procs {
			out = append(out, []byte(strings.Join(p.Argv, "\x00")+"\x00"))
		}
	}
	if len(out) < 8 {
		t.Fatalf("only %d command lines in the node specs", len(out))
	}
	return out
}

// FuzzPathsInArgs feeds raw /proc/PID/cmdline contents through what the
// collector does with them: split into argv (which joins back to the same
// bytes), identified, and searched for paths, every one of which is a
// clean absolute path outside /proc, /sys and /dev.
func FuzzPathsInArgs(f *testing.F) {
	for _, c := range specCmdlines(f) {
		f.Add(c)
	}
	f.Add([]byte("kube-apiserver\x00--a=/etc/x,/proc/1/root,k=/var/y\x00--b\x00/etc/../../z\x00-c\x00//host/x\x00--d=/a/*.conf\x00"))
	f.Add([]byte("/usr/local/bin/k3s\x00server\x00--kube-apiserver-arg=audit-policy-file=/etc/k3s/audit.yaml\x00--data-dir\x00 /var/lib/rancher/ \x00"))
	f.Add([]byte("etcd --data-dir=/var/lib/etcd\x00"))
	f.Add([]byte("\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		argv := splitCmdline(raw)
		if joined := strings.Join(argv, "\x00"); joined != string(bytes.TrimSuffix(raw, []byte{0})) {
			t.Fatalf("argv %q does not join back to %q", argv, raw)
		}
		redact.Identify(argv, "", "")
		if len(argv) == 0 {
			fuzzseed.Unexercised(t, fmt.Sprintf("no argument in %q", raw))
			return
		}
		for _, fp := range pathsInArgs(argv) {
			checkFoundPath(t, fp.path)
			if strings.HasPrefix(fp.key, "-") {
				t.Fatalf("key %q keeps its dashes", fp.key)
			}
		}
	})
}

// textSeeds returns the configuration files of the node specs and the
// redaction test inputs; it fails if there are none.
func textSeeds(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	for _, dir := range specDirs(t) {
		filepath.WalkDir(filepath.Join(dir, "files"), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !configName(filepath.ToSlash(p)) {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, data)
			return nil
		})
	}
	ins, err := filepath.Glob("testdata/redact/*.in")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	if len(out) < 20 {
		t.Fatalf("only %d configuration files to seed from", len(out))
	}
	return out
}

// FuzzPathsInText feeds configuration files to the path discovery: every
// path found is clean, absolute and outside the pseudo file systems; there
// are at most maxPathsPerFile; and a lower bound gives a prefix of the
// same list.
func FuzzPathsInText(f *testing.F) {
	for _, s := range textSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte("ExecStart=/usr/bin/kubelet $ARGS\nEnvironmentFile=-/etc/default/kubelet\nurl: https://h/x\nimage: k8s.gcr.io/a/b:1\n"))
	f.Add([]byte("a: \"/etc/x\" '/sys/y' [/dev/z] (/a) ,/b =/c :/d -/e =-/f //g /\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		all := pathsInTextN(text, maxPathsPerFile+1)
		got := pathsInText(text)
		if len(got) > maxPathsPerFile {
			t.Fatalf("%d paths from one file, more than %d", len(got), maxPathsPerFile)
		}
		if !slices.Equal(got, all[:min(len(all), maxPathsPerFile)]) {
			t.Fatal("the bounded list is not a prefix of the longer one")
		}
		for _, fp := range all {
			checkFoundPath(t, fp.path)
			if strings.ContainsAny(fp.path, "\n\r") {
				t.Fatalf("path %q spans lines", fp.path)
			}
		}
	})
}
