package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/internal/skips"
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
		skips.Skip(t, "cannot make a FIFO here (%v); skipped", err)
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
			return []string{"analyze", "--benchmark", "cis-1.6", dir}
		}, code: 4, stderr: []string{"fifo.kpb: not a regular file (a FIFO)"}},
		cliCase{name: "analyze -o a device", setup: func(t *testing.T, dir string) []string {
			null := filepath.Join(dir, "null")
			if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
				skips.Skip(t, "cannot make a device node here (%v): needs root or CAP_MKNOD; skipped", err)
			}
			return []string{"analyze", "--benchmark", "cis-1.6", "--format", "pdf", "-o", null, fx + "tkestack-worker.kpb"}
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
			return []string{"analyze", "--benchmark", "cis-1.6", "--format", "json", "-o", f, fx + "tkestack-worker.kpb"}
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
		cliCase{name: "analyze empty directory", setup: func(t *testing.T, dir string) []string { return []string{"analyze", "--benchmark", "cis-1.6", dir} },
			code: 6, stderr: []string{"no bundle in this directory"}, not: []string{"damaged"}},
		cliCase{name: "inspect a directory", setup: func(t *testing.T, dir string) []string { return []string{"inspect", dir} },
			code: 2, stderr: []string{"is a directory: inspect takes one bundle file"}},
		cliCase{name: "output dir is a file", setup: func(t *testing.T, dir string) []string {
			os.WriteFile(filepath.Join(dir, "out"), nil, 0o644)
			return []string{"analyze", "--benchmark", "cis-1.6", "--format", "pdf", "--output-dir", filepath.Join(dir, "out"), fx + "tkestack-worker.kpb"}
		}, code: 1, stderr: []string{"--output-dir " + "", "/out: not a directory"}, not: []string{".tmp-", "mkdir"}},
		cliCase{name: "output under a file", setup: func(t *testing.T, dir string) []string {
			os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
			return []string{"analyze", "--benchmark", "cis-1.6", "--format", "pdf", "-o", filepath.Join(dir, "file", "x.pdf"), fx + "tkestack-worker.kpb"}
		}, code: 1, stderr: []string{"file/x.pdf: not a directory"}, not: []string{".tmp-"}},
	)
	runCases(t, cases)
}

const hx = hostileDir + "/"

// noControl fails if s holds a control character other than newlines, or
// a bidirectional control.
func noControl(t *testing.T, what, s string) {
	t.Helper()
	for i, r := range s {
		if r != '\n' && display.Unsafe(r) {
			t.Errorf("%s holds %U at byte %d: %q", what, r, i, s[max(0, i-40):min(len(s), i+40)])
			return
		}
	}
}

// TestSpoofing (issue 11): control characters from a bundle reach no
// terminal and no report raw; a host name that holds one is refused.
func TestSpoofing(t *testing.T) {
	plain := func(t *testing.T, _ string, stdout, stderr string) {
		noControl(t, "stdout", stdout)
		noControl(t, "stderr", stderr)
		if strings.Contains(stdout, "\n[PASS] 1.1.1 forged") {
			t.Error("a forged verdict line")
		}
	}
	runCases(t, []cliCase{
		{name: "verify", setup: func(*testing.T, string) []string { return []string{"verify", hx + "control-characters.kpb"} }, check: plain},
		{name: "inspect", setup: func(*testing.T, string) []string { return []string{"inspect", hx + "control-characters.kpb"} },
			stdout: []string{`\x1b[2J\x1b[H\n[PASS] 1.1.1 forged\r\u009b31m\u202egnp.exe\x7f`}, check: plain},
		{name: "analyze text", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", hx + "control-characters.kpb"}
		},
			stdout: []string{`--protect-kernel-defaults=\x1b[2J`}, check: plain},
		{name: "analyze json", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", "--format", "json", hx + "control-characters.kpb"}
		}, stdout: []string{`\u001b[2J\u001b[H\n[PASS] 1.1.1 forged\r\u009b31m\u202egnp.exe\u007f`}, check: plain},
		{name: "host name refused", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", "../../bundle/testdata/hostile/manifest-control-hostname.kpb"}
		}, code: 4, stderr: []string{`host.hostname "\x1b[2J\n[PASS] 1.1.1 forged`}, check: plain},
		{name: "bundle file name", setup: func(t *testing.T, dir string) []string {
			copyFile(t, fx+"tkestack-worker.kpb", filepath.Join(dir, "\x1b[2J.kpb"))
			return []string{"verify", dir}
		}, stdout: []string{`/\x1b[2J.kpb`}, check: plain},
	})
}

// TestBoundedOutput (issue 11): outputs grow with what a bundle holds,
// not with what it repeats.
func TestBoundedOutput(t *testing.T) {
	runCases(t, []cliCase{
		{name: "flag repeated 20,000 times", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", "--format", "json", hx + "repeated-flag.kpb"}
		}, stdout: []string{`given 20000 times; 19992 occurrences between these are not cited`}, check: func(t *testing.T, _, stdout, _ string) {
			if len(stdout) > 1<<20 {
				t.Errorf("a JSON report of %d bytes", len(stdout))
			}
		}},
		{name: "inspect a 100,000-character path", setup: func(*testing.T, string) []string { return []string{"inspect", hx + "long-path.kpb"} },
			check: func(t *testing.T, _, stdout, _ string) {
				if len(stdout) > 200<<10 {
					t.Errorf("inspect printed %d bytes", len(stdout))
				}
			}},
	})
}

// TestCounting (issue 11): one node per bundle digest, the newest bundle
// of a host, a warning for bundles of different clusters.
func TestCounting(t *testing.T) {
	worker := fx + "tkestack-worker.kpb"
	nodes := func(n int) func(t *testing.T, _, stdout, stderr string) {
		return func(t *testing.T, _, stdout, stderr string) {
			if got := strings.Count(stdout, "== Node "); got != n {
				t.Errorf("%d nodes in the report, want %d", got, n)
			}
		}
	}
	runCases(t, []cliCase{
		{name: "one bundle under three paths", setup: func(t *testing.T, dir string) []string {
			copyFile(t, worker, filepath.Join(dir, "a.kpb"))
			return []string{"analyze", "--benchmark", "cis-1.6", filepath.Join(dir, "a.kpb"), dir + "/./a.kpb", dir + "//a.kpb"}
		}, check: nodes(1)},
		{name: "500 copies", setup: func(t *testing.T, dir string) []string {
			for i := range 500 {
				copyFile(t, worker, filepath.Join(dir, fmt.Sprintf("copy-%03d.kpb", i)))
			}
			return []string{"analyze", "--benchmark", "cis-1.6", dir}
		}, stderr: []string{"left out: " + "", "copy-499.kpb: the same bundle as "}, stdout: []string{"!! BUNDLES LEFT OUT: 499 bundles not analyzed"}, check: nodes(1)},
		{name: "two bundles of one host", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", hx + "worker-older.kpb", worker}
		}, stdout: []string{"worker-older.kpb (VM-0-14-centos, collected 2021-09-15 07:00:00 UTC): an older bundle of VM-0-14-centos; the newest, " + worker}, check: nodes(1)},
		{name: "two bundles of one host, --all-bundles", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", "--all-bundles", hx + "worker-older.kpb", worker}
		}, stdout: []string{"== Node VM-0-14-centos @ 2021-09-15T07:00:00Z ", "== Node VM-0-14-centos @ 2021-09-15T08:00:00Z "}, check: nodes(2)},
		{name: "bundles of two clusters", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", worker, fx + "kubeadm-master.kpb"}
		}, stderr: []string{"warning: these bundles are of 2 different clusters"}, stdout: []string{"!! WARNING: these bundles are of 2 different clusters (their nodes share no CA certificate): cluster 1: "}, check: nodes(2)},
		{name: "one cluster, no warning", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", worker, fx + "tkestack-master.kpb"}
		}, not: []string{"different clusters"}, check: nodes(2)},
	})
}

// TestUsage (issue 11): command lines that used to surprise.
func TestUsage(t *testing.T) {
	worker := fx + "tkestack-worker.kpb"
	runCases(t, []cliCase{
		{name: "unknown --check id", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", "--check", "9.9", worker}
		},
			code: 2, stderr: []string{`--check "9.9": no check, group or section of cis-1.6 has this id (the nearest is `}},
		{name: "unknown --skip id", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", "--skip", "1.2.99", worker}
		},
			code: 2, stderr: []string{`--skip "1.2.99": no check, group or section of cis-1.6 has this id (the nearest is 1.2.9)`}},
		{name: "known group id", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", "--check", "4.2", worker}
		}},
		{name: "no Kubernetes on the host", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", hx + "no-kubernetes.kpb"}
		},
			code: 6, stderr: []string{"nothing to audit: no check applies to any node; no Kubernetes component runs on plain-vm", "hint: collect on the nodes"}},
		{name: "no Kubernetes on one host of two", setup: func(*testing.T, string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", hx + "no-kubernetes.kpb", worker}
		}, stderr: []string{"warning: no check applies to 1 node: plain-vm"}},
		{name: "one node, singular", setup: func(t *testing.T, dir string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", "--format", "json", "--output-dir", dir, worker}
		}, stderr: []string{"1 node: "}, not: []string{"1 nodes"}},
		{name: "help placeholders", setup: func(*testing.T, string) []string { return []string{"analyze", "--help"} },
			stdout: []string{"--targets LIST", "--check IDS"}, check: func(t *testing.T, _, stdout, _ string) {
				if strings.Contains(stdout, " value ") {
					t.Errorf("a placeholder says value:\n%s", stdout)
				}
			}},
	})
	for _, cmd := range []string{"verify", "inspect", "keygen"} {
		var stdout, stderr bytes.Buffer
		run([]string{"kubeproof", cmd, "--help"}, &stdout, &stderr)
		if strings.Contains(stdout.String(), " value ") {
			t.Errorf("%s --help: a placeholder says value:\n%s", cmd, stdout.String())
		}
	}
}

// TestKeepGoing (issue 11): one bundle that cannot be read among others
// stops the run (exit 4, every refused bundle named), or, with
// --keep-going, is listed on the first page of every report, exit 5.
func TestKeepGoing(t *testing.T) {
	mixed := func(t *testing.T, dir string) string {
		in := filepath.Join(dir, "in")
		os.Mkdir(in, 0o755)
		copyFile(t, fx+"tkestack-worker.kpb", filepath.Join(in, "worker.kpb"))
		copyFile(t, "../../bundle/testdata/hostile/truncated.kpb", filepath.Join(in, "truncated.kpb"))
		copyFile(t, "../../bundle/testdata/hostile/digest-mismatch.kpb", filepath.Join(in, "tampered.kpb"))
		return in
	}
	runCases(t, []cliCase{
		{name: "without --keep-going", setup: func(t *testing.T, dir string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", mixed(t, dir)}
		},
			code: 4, stderr: []string{"2 bundles refused", "truncated.kpb", "tampered.kpb"}},
		{name: "every report lists the refused bundles", setup: func(t *testing.T, dir string) []string {
			return []string{"analyze", "--benchmark", "cis-1.6", "--keep-going", "--format", "text,json,xlsx,pdf", "--output-dir", filepath.Join(dir, "out"), mixed(t, dir)}
		}, code: 5, stderr: []string{"refused: ", "truncated.kpb: ", "2 of 3 bundles refused and left out of the report"},
			check: func(t *testing.T, dir, _, _ string) {
				out := filepath.Join(dir, "out")
				text, _ := os.ReadFile(filepath.Join(out, "report.txt"))
				if !strings.HasPrefix(string(text), "!! BUNDLES REFUSED: 2 of 3 bundles could not be read") || !strings.Contains(string(text), "truncated.kpb: malformed bundle") {
					t.Errorf("the text report does not start with the refused bundles:\n%.600s", text)
				}
				js, _ := os.ReadFile(filepath.Join(out, "report.json"))
				if !bytes.Contains(js, []byte(`"refused": [`)) || !bytes.Contains(js, []byte(`tampered.kpb"`)) {
					t.Error("the JSON report does not list the refused bundles")
				}
				cells := xlsxSummaryText(t, filepath.Join(out, "report.xlsx"))
				if !strings.Contains(cells, "BUNDLES REFUSED") || !strings.Contains(cells, "truncated.kpb") {
					t.Errorf("the workbook's Summary does not list the refused bundles: %.400s", cells)
				}
				if page1 := pdfPage1(t, filepath.Join(out, "report.pdf")); page1 != "" && (!strings.Contains(page1, "BUNDLES REFUSED") || !strings.Contains(page1, "truncated.kpb")) {
					t.Errorf("the PDF's first page does not list the refused bundles:\n%s", page1)
				}
			}},
		{name: "every bundle refused", setup: func(t *testing.T, dir string) []string {
			copyFile(t, "../../bundle/testdata/hostile/truncated.kpb", filepath.Join(dir, "truncated.kpb"))
			return []string{"analyze", "--benchmark", "cis-1.6", "--keep-going", dir}
		}, code: 4, stderr: []string{"every bundle was refused (1 bundle), nothing analyzed"}},
	})
}

func xlsxSummaryText(t *testing.T, name string) string {
	t.Helper()
	f, err := excelize.OpenFile(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows[:min(len(rows), 12)] {
		b.WriteString(strings.Join(r, " | ") + "\n")
	}
	return b.String()
}

// pdfPage1 is the text of a PDF's first page, or "" where pdftotext is
// not installed.
func pdfPage1(t *testing.T, name string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext is not installed: the PDF's text is not checked")
		return ""
	}
	out, err := exec.Command("pdftotext", "-f", "1", "-l", "1", name, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
