// Command oracle-policies runs kube-bench's section-5 (policies) checks
// against a fixture cluster of fixtures/snapshots: a fake kubectl first on
// kube-bench's PATH answers its audits from the cluster's List files. It
// writes kube-bench's verdict per check, compared with the cluster's
// planted.tsv. A tool to run by hand (README.md); no test or CI runs it.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	if filepath.Base(os.Args[0]) == "kubectl" {
		os.Exit(fakeKubectl(os.Args[1:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "-as-sh-driver" {
		os.Exit(shDriver(os.Args[2:]))
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "oracle-policies:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

func run() error {
	kb := flag.String("kube-bench", "", "the kube-bench binary (required)")
	cfg := flag.String("kube-bench-cfg", "", "kube-bench's cfg directory (default: cfg/ or src/cfg/ beside the binary)")
	cluster := flag.String("cluster", "", "a fixture cluster directory, e.g. fixtures/snapshots/violations (required)")
	benchmarks := flag.String("benchmarks", "cis-1.10,cis-1.11,cis-1.12", "kube-bench benchmarks to run, comma separated")
	sh := flag.String("sh", "bash", "the /bin/sh kube-bench's audits run with: bash or busybox (bound over /bin/sh in a private mount namespace; needs root), or host (this machine's)")
	out := flag.String("o", "", "directory for kube-bench-BENCHMARK.tsv (default: the cluster directory)")
	keep := flag.String("keep", "", "keep the work files (kube-bench's JSON, the kubectl log) in this directory")
	reuse := flag.Bool("reuse", false, "with -keep: compare kube-bench's JSON reports already there instead of running kube-bench again")
	flag.Parse()
	if *kb == "" || *cluster == "" {
		return usageError{errors.New("-kube-bench and -cluster are required")}
	}
	if *reuse && *keep == "" {
		return usageError{errors.New("-reuse needs -keep")}
	}
	if *sh != "bash" && *sh != "busybox" && *sh != "host" {
		return usageError{fmt.Errorf("-sh %q: want bash, busybox or host", *sh)}
	}
	kbPath, err := filepath.Abs(*kb)
	if err != nil {
		return err
	}
	clusterDir, err := filepath.Abs(*cluster)
	if err != nil {
		return err
	}
	cfgDir := *cfg
	if cfgDir == "" {
		for _, c := range []string{"cfg", "src/cfg"} {
			d := filepath.Join(filepath.Dir(kbPath), c)
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				cfgDir = d
				break
			}
		}
		if cfgDir == "" {
			return usageError{errors.New("no cfg/ or src/cfg/ beside the kube-bench binary: give -kube-bench-cfg")}
		}
	}
	cfgDir, _ = filepath.Abs(cfgDir)
	outDir := *out
	if outDir == "" {
		outDir = clusterDir
	}
	s, err := loadStore(clusterDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	work := *keep
	if work == "" {
		work, err = os.MkdirTemp("", "oracle-policies-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	work, _ = filepath.Abs(work)
	bin := filepath.Join(work, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	link := filepath.Join(bin, "kubectl")
	os.Remove(link)
	if err := os.Symlink(self, link); err != nil {
		return err
	}
	rows, err := readPlanted(filepath.Join(clusterDir, "planted.tsv"))
	if err != nil {
		return err
	}
	index := filepath.Join(work, "index")
	os.RemoveAll(index)
	if err := os.MkdirAll(index, 0o755); err != nil {
		return err
	}
	if err := s.writeIndex(index); err != nil {
		return err
	}
	shName := *sh
	if *sh == "host" {
		target, _ := filepath.EvalSymlinks("/bin/sh")
		shName = filepath.Base(target)
	}
	for _, b := range strings.Split(*benchmarks, ",") {
		jsonOut := filepath.Join(work, "kube-bench-"+b+"."+shName+".json")
		logFile := filepath.Join(work, "kubectl-"+b+"."+shName+".log")
		if !*reuse {
			os.Remove(logFile)
		}
		args := []string{"run", "--targets", "policies", "--benchmark", b, "--json", "--include-test-output",
			"--config-dir", cfgDir, "--config", filepath.Join(cfgDir, "config.yaml"), "--outputfile", jsonOut}
		env := append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), envCluster+"="+index, envLog+"="+logFile)
		var cmd *exec.Cmd
		if *sh != "host" {
			// A private mount namespace in which /bin/sh is the shell asked for.
			cmd = exec.Command("unshare", append([]string{"--mount", "--propagation", "private", self, "-as-sh-driver", *sh, kbPath}, args...)...)
		} else {
			cmd = exec.Command(kbPath, args...)
		}
		cmd.Env = env
		cmd.Dir = work
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if _, err := os.Stat(jsonOut); !*reuse || err != nil {
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("kube-bench %s: %v: %s", b, err, stderr.String())
			}
		}
		results, err := readKubeBench(jsonOut)
		if err != nil {
			return err
		}
		name := "kube-bench-" + b + ".tsv"
		if *sh != "bash" {
			name = "kube-bench-" + b + "." + shName + ".tsv"
		}
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "# Oracle output, not an expectation: kube-bench v0.15.6 `run --targets policies --benchmark %s`\n", b)
		fmt.Fprintf(&buf, "# on this cluster's Lists through scripts/oracle-policies, /bin/sh = %s. planted: rows of planted.tsv\n", shName)
		fmt.Fprintf(&buf, "# kube-bench's condition is about (cis-1.12 ids); agree: kube-bench fails the check iff planted > 0.\n")
		buf.WriteString("id\tstatus\ttype\tfailing\tplanted\tagree\tnote\n")
		for _, v := range compare(b, results, rows, s) {
			fmt.Fprintf(&buf, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.id, v.status, v.kind, v.failing, v.planted, v.agree, v.note)
		}
		if err := os.WriteFile(filepath.Join(outDir, name), buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: %s\n", b, filepath.Join(outDir, name))
	}
	return nil
}

// shDriver runs in a private mount namespace: it binds the shell named
// by args[0] over /bin/sh (kube-bench runs every audit with /bin/sh; a
// BusyBox binary run as /bin/sh is its sh) and runs the rest of args.
func shDriver(args []string) int {
	shell, err := exec.LookPath(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "oracle-policies:", err)
		return 1
	}
	if err := syscall.Mount(shell, "/bin/sh", "", syscall.MS_BIND, ""); err != nil {
		fmt.Fprintf(os.Stderr, "oracle-policies: binding %s over /bin/sh: %v\n", shell, err)
		return 1
	}
	args = args[1:]
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr, cmd.Stdin = os.Stdout, os.Stderr, os.Stdin
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "oracle-policies:", err)
		return 1
	}
	return 0
}
