package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const fx = "../../fixtures/bundles/"

// cliCase is one command line of the issue-11 regression tests: setup
// lays out its fixture in a directory of its own (special files cannot be
// committed) and returns the arguments.
type cliCase struct {
	name   string
	setup  func(t *testing.T, dir string) []string
	code   int
	stderr []string // substrings of standard error
	not    []string // substrings standard error must not hold
	stdout []string // substrings of standard output
	check  func(t *testing.T, dir string, stdout, stderr string)
}

func runCases(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := tt.setup(t, dir)
			var stdout, stderr bytes.Buffer
			done := make(chan int, 1)
			go func() { done <- run(append([]string{"kubeproof"}, args...), &stdout, &stderr) }()
			var code int
			select {
			case code = <-done:
			case <-time.After(60 * time.Second):
				t.Fatalf("kubeproof %s hangs", strings.Join(args, " "))
			}
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstderr: %s", code, tt.code, stderr.String())
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr does not say %q:\n%s", s, stderr.String())
				}
			}
			for _, s := range tt.not {
				if strings.Contains(stderr.String(), s) {
					t.Errorf("stderr says %q:\n%s", s, stderr.String())
				}
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout does not say %q:\n%s", s, stdout.String())
				}
			}
			if tt.check != nil {
				tt.check(t, dir, stdout.String(), stderr.String())
			}
		})
	}
}

func mkfifo(t *testing.T, name string) {
	t.Helper()
	if err := syscall.Mkfifo(name, 0o644); err != nil {
		t.Skipf("cannot make a FIFO here (%v); skipped", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSpecialPaths (issue 11): FIFOs as bundles, directly, through a link
// or in a bundle directory, are refused without blocking, by every
// subcommand; reports written to a device stream to it.
func TestSpecialPaths(t *testing.T) {
	fifo := func(t *testing.T, dir string) string {
		f := filepath.Join(dir, "fifo.kpb")
		mkfifo(t, f)
		return f
	}
	link := func(t *testing.T, dir string) string {
		f := fifo(t, dir)
		l := filepath.Join(dir, "link.kpb")
		os.Symlink(f, l)
		return l
	}
	var cases []cliCase
	for _, cmd := range []string{"verify", "inspect", "analyze"} {
		c1 := cliCase{name: cmd + " fifo", setup: func(t *testing.T, dir string) []string { return []string{cmd, fifo(t, dir)} },
			code: 4, stderr: []string{"fifo.kpb: not a regular file (a FIFO)"}, not: []string{"damaged"}}
		c2 := cliCase{name: cmd + " link to a fifo", setup: func(t *testing.T, dir string) []string { return []string{cmd, link(t, dir)} },
			code: 4, stderr: []string{"link.kpb: not a regular file (a FIFO)"}}
		if cmd == "verify" { // verify lists each bundle's problems on standard output
			c1.stdout, c1.stderr = c1.stderr, nil
			c2.stdout, c2.stderr = c2.stderr, nil
		}
		cases = append(cases, c1, c2)
	}
	cases = append(cases,
		cliCase{name: "verify fifo in a directory", setup: func(t *testing.T, dir string) []string {
			fifo(t, dir)
			copyFile(t, fx+"tkestack-worker.kpb", filepath.Join(dir, "worker.kpb"))
			return []string{"verify", dir}
		}, code: 4, stdout: []string{"fifo.kpb: not a regular file (a FIFO)", "/worker.kpb  sha256:"}},
		cliCase{name: "analyze fifo in a directory", setup: func(t *testing.T, dir string) []string {
			fifo(t, dir)
			copyFile(t, fx+"tkestack-worker.kpb", filepath.Join(dir, "worker.kpb"))
			return []string{"analyze", dir}
		}, code: 4, stderr: []string{"fifo.kpb: not a regular file (a FIFO)"}},
		cliCase{name: "analyze -o a device", setup: func(t *testing.T, dir string) []string {
			null := filepath.Join(dir, "null")
			if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
				t.Skipf("cannot make a device node here (%v): needs root or CAP_MKNOD; skipped", err)
			}
			return []string{"analyze", "--format", "pdf", "-o", null, fx + "tkestack-worker.kpb"}
		}, code: 0, check: func(t *testing.T, dir string, _, _ string) {
			if fi, err := os.Lstat(filepath.Join(dir, "null")); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
				t.Errorf("the device was replaced: %v", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("left in the directory: %v", entries)
			}
		}},
		cliCase{name: "analyze -o a FIFO", setup: func(t *testing.T, dir string) []string {
			f := filepath.Join(dir, "out")
			mkfifo(t, f)
			go func() {
				data, _ := os.ReadFile(f)
				os.WriteFile(filepath.Join(dir, "got.json"), data, 0o644)
			}()
			return []string{"analyze", "--format", "json", "-o", f, fx + "tkestack-worker.kpb"}
		}, code: 0, check: func(t *testing.T, dir string, _, _ string) {
			if fi, _ := os.Lstat(filepath.Join(dir, "out")); fi.Mode()&os.ModeNamedPipe == 0 {
				t.Errorf("the FIFO was replaced")
			}
			for range 100 {
				if data, _ := os.ReadFile(filepath.Join(dir, "got.json")); bytes.Contains(data, []byte(`"Controls"`)) {
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Errorf("the reader of the FIFO got no report")
		}},
	)
	runCases(t, cases)
}

// TestPaths (issue 11): one exit code per situation in every subcommand,
// and messages that name the user's path once, never a temporary file.
func TestPaths(t *testing.T) {
	var cases []cliCase
	for _, cmd := range []string{"verify", "inspect", "analyze"} {
		cases = append(cases,
			cliCase{name: cmd + " missing path", setup: func(t *testing.T, dir string) []string { return []string{cmd, filepath.Join(dir, "nope.kpb")} },
				code: 2, stderr: []string{"nope.kpb: no such file or directory\n"}, not: []string{"stat ", "open ", "hint"}},
		)
	}
	cases = append(cases,
		cliCase{name: "verify empty directory", setup: func(t *testing.T, dir string) []string { return []string{"verify", dir} },
			code: 6, stderr: []string{"no bundle in this directory"}, not: []string{"damaged"}},
		cliCase{name: "analyze empty directory", setup: func(t *testing.T, dir string) []string { return []string{"analyze", dir} },
			code: 6, stderr: []string{"no bundle in this directory"}, not: []string{"damaged"}},
		cliCase{name: "inspect a directory", setup: func(t *testing.T, dir string) []string { return []string{"inspect", dir} },
			code: 2, stderr: []string{"is a directory: inspect takes one bundle file"}},
		cliCase{name: "output dir is a file", setup: func(t *testing.T, dir string) []string {
			os.WriteFile(filepath.Join(dir, "out"), nil, 0o644)
			return []string{"analyze", "--format", "pdf", "--output-dir", filepath.Join(dir, "out"), fx + "tkestack-worker.kpb"}
		}, code: 1, stderr: []string{"--output-dir " + "", "/out: not a directory"}, not: []string{".tmp-", "mkdir"}},
		cliCase{name: "output under a file", setup: func(t *testing.T, dir string) []string {
			os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
			return []string{"analyze", "--format", "pdf", "-o", filepath.Join(dir, "file", "x.pdf"), fx + "tkestack-worker.kpb"}
		}, code: 1, stderr: []string{"file/x.pdf: not a directory"}, not: []string{".tmp-"}},
	)
	runCases(t, cases)
}
