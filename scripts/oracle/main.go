// Command oracle runs kube-bench as a differential oracle for kubeproof.
// It lays a node spec out on this machine inside private mount, PID, UTS
// and network namespaces, starts fake component processes with the spec's
// command lines and environments, runs kube-bench there, and compares its
// verdicts, check by check, with those kubeproof gives for a bundle
// collected from the same spec:
//
//	go run ./scripts/oracle -kube-bench /path/to/kube-bench \
//	    -spec fixtures/specs/kubeadm-master -benchmark cis-1.6 \
//	    [-targets master,node] [-o out.tsv] [-keep DIR]
//
// It needs root, unshare(1) from util-linux, and a kube-bench binary with
// its cfg directory (README.md says how to build one). It is a tool to run
// by hand: it has no tests, and nothing in go test or CI runs it. It talks to
// kube-bench and to kubeproof only through their command lines and JSON
// reports, so it imports nothing of this module.
//
// The binary plays three parts, chosen when it starts:
//   - the command the user runs (run): builds kubeproof-collect and
//     kubeproof from the module at hand, collects and analyzes the spec,
//     starts the driver, compares, writes the table;
//   - the driver, inside the namespaces (environment variable
//     KUBEPROOF_ORACLE_DRIVER names its configuration): lays the spec out,
//     starts the fakes, runs kube-bench and a live collection (driver.go);
//   - a fake, when its executable lies in the fakes directory the driver
//     makes: a component process that only waits, or the kubelet kube-bench
//     asks for its version (fake.go).
//
// Exit codes: 0 the table was written (disagreements are data, not errors),
// 2 usage, 1 anything else.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if role, dir := fakeRole(); role != "" {
		os.Exit(fake(role, dir, os.Args[1:]))
	}
	if conf := os.Getenv(driverEnv); conf != "" {
		if err := drive(conf); err != nil {
			fmt.Fprintln(os.Stderr, "oracle driver:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil:
		os.Exit(0)
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, new(*usageError)):
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

const usage = `Usage: go run ./scripts/oracle -kube-bench BIN -spec DIR [flags]

Lays the node spec DIR out in private namespaces with fake component
processes, runs kube-bench there and kubeproof on a bundle of the same spec,
and writes one TSV row per target and check:

    target  id  kube-bench  kubeproof  agree  title  note

with a summary on standard error. Needs root and unshare(1). Run it from
the kubeproof module (it builds kubeproof-collect and kubeproof from it).

Flags:
`

// options are the command's flags.
type options struct {
	kubeBench, kubeBenchCfg string
	spec, benchmark         string
	targets                 string
	out, keep               string
	rev                     string
	// kubeBenchOnly, when set, is the Kubernetes version to tell
	// kube-bench: kubeproof is not run (for a benchmark it does not
	// have yet) and the table lists kube-bench's verdicts alone.
	kubeBenchOnly string
	// oc: a fake oc answers kube-bench's OpenShift audits from the node's
	// own state (oc.go).
	oc bool
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("oracle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	var o options
	fs.StringVar(&o.kubeBench, "kube-bench", "", "the kube-bench `BINARY` to run (required)")
	fs.StringVar(&o.kubeBenchCfg, "kube-bench-cfg", "", "kube-bench's cfg `DIR` (default: cfg or src/cfg beside the binary)")
	fs.StringVar(&o.spec, "spec", "", "the node spec `DIR` (required)")
	fs.StringVar(&o.benchmark, "benchmark", "cis-1.6", "benchmark `NAME`, given to both tools")
	fs.StringVar(&o.targets, "targets", "", "comma `LIST` of targets for both tools (default: each tool picks from what runs)")
	fs.StringVar(&o.out, "o", "", "write the table to `FILE` instead of standard output")
	fs.StringVar(&o.rev, "rev", "HEAD", "build kubeproof from commit `REV`, or from the work tree as it is with worktree")
	fs.StringVar(&o.keep, "keep", "", "keep the work files (bundles, both JSON reports, logs) in `DIR`")
	fs.BoolVar(&o.oc, "oc", false, "give kube-bench a fake oc that answers from the node's own state: the static pods' views of its files, the configuration maps and kubelet configuration it holds (for the rh-* benchmarks; see oc.go)")
	fs.StringVar(&o.kubeBenchOnly, "kube-bench-only", "", "run kube-bench alone, telling it Kubernetes `VERSION` (e.g. 1.33.4), for a benchmark kubeproof does not have yet; the table lists its verdicts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if o.kubeBench == "" || o.spec == "" {
		fs.Usage()
		return &usageError{"-kube-bench and -spec are required"}
	}
	if err := o.resolve(); err != nil {
		return err
	}
	if err := preflight(); err != nil {
		return err
	}

	work, err := o.workDir()
	if err != nil {
		return err
	}
	if o.keep == "" {
		defer os.RemoveAll(work)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()

	collectBin, kubeproofBin, built, err := buildKubeproof(ctx, work, o.rev)
	if err != nil {
		return err
	}
	if o.kubeBenchOnly != "" {
		return kubeBenchAlone(ctx, o, work, collectBin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "oracle: spec %s, benchmark %s, kube-bench %s (cfg %s), kubeproof built from %s\n",
		o.spec, o.benchmark, o.kubeBench, o.kubeBenchCfg, built)

	// kubeproof on the spec, as its tests see it.
	specBundle := filepath.Join(work, "spec.kpb")
	if err := command(ctx, collectBin, "--spec", o.spec, "-o", specBundle, "-q"); err != nil {
		return fmt.Errorf("collecting the spec: %w", err)
	}
	specReport, err := analyze(ctx, kubeproofBin, o, specBundle, filepath.Join(work, "kubeproof-spec.json"))
	if err != nil {
		return err
	}

	// kube-bench on the live layout, and a live collection beside it.
	conf := o.driverConfig(work, collectBin, specReport.detectedVersion())
	kb, lay, err := runKubeBench(ctx, conf, work, stderr)
	if err != nil {
		return err
	}
	liveReport, err := analyze(ctx, kubeproofBin, o, filepath.Join(work, liveBundleFile), filepath.Join(work, "kubeproof-live.json"))
	if err != nil {
		return fmt.Errorf("analyzing the live collection: %w", err)
	}

	rows := compare(&kb, specReport, liveReport, lay.Skipped)
	if err := output(o.out, stdout, rows); err != nil {
		return err
	}
	s := summarize(rows)
	fmt.Fprintf(stderr, "oracle: %s %s: %d checks, %d agree, %d disagree, %d on one side only\n",
		filepath.Base(o.spec), o.benchmark, s.checks, s.agree, s.disagree, s.oneSided)
	if o.keep != "" {
		fmt.Fprintf(stderr, "oracle: work files kept in %s\n", work)
	}
	return nil
}

// output writes the table to file, or to stdout when file is "".
func output(file string, stdout io.Writer, rows []row) error {
	if file == "" {
		return writeTSV(stdout, rows)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := writeTSV(f, rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// resolve makes every path absolute and finds kube-bench's cfg directory.
// None may lie below a directory the driver hides under a tmpfs.
func (o *options) resolve() error {
	var err error
	for _, p := range []*string{&o.kubeBench, &o.spec} {
		if *p, err = filepath.Abs(*p); err != nil {
			return err
		}
	}
	if fi, err := os.Stat(o.kubeBench); err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return &usageError{fmt.Sprintf("-kube-bench %q is not an executable file (README.md says how to build one)", o.kubeBench)}
	}
	if fi, err := os.Stat(filepath.Join(o.spec, "files")); err != nil || !fi.IsDir() {
		return &usageError{fmt.Sprintf("-spec %q is not a node spec (no files/ directory)", o.spec)}
	}
	if o.kubeBenchCfg == "" {
		for _, c := range []string{"cfg", filepath.Join("src", "cfg")} {
			c = filepath.Join(filepath.Dir(o.kubeBench), c)
			if _, err := os.Stat(filepath.Join(c, "config.yaml")); err == nil {
				o.kubeBenchCfg = c
				break
			}
		}
		if o.kubeBenchCfg == "" {
			return &usageError{fmt.Sprintf("no kube-bench cfg directory beside %s: give -kube-bench-cfg (the cfg/ of kube-bench's source)", o.kubeBench)}
		}
	}
	if o.kubeBenchCfg, err = filepath.Abs(o.kubeBenchCfg); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(o.kubeBenchCfg, o.benchmark)); err != nil {
		return &usageError{fmt.Sprintf("kube-bench's cfg %s has no benchmark %q", o.kubeBenchCfg, o.benchmark)}
	}
	for _, p := range []string{o.kubeBench, o.kubeBenchCfg, o.spec} {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return err
		}
		if m := hiddenBy(real); m != "" {
			return &usageError{fmt.Sprintf("%s lies below %s, which the driver hides under a tmpfs: move it", p, m)}
		}
	}
	return nil
}

// workDir makes the directory for bundles, reports and fakes: -keep, or a
// temporary directory. Either must stay visible inside the namespaces.
func (o *options) workDir() (string, error) {
	var dir string
	var err error
	if o.keep != "" {
		if err = os.MkdirAll(o.keep, 0o700); err == nil {
			dir, err = filepath.Abs(o.keep)
		}
	} else {
		dir, err = os.MkdirTemp("", "kubeproof-oracle-")
	}
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	if m := hiddenBy(dir); m != "" {
		return "", &usageError{fmt.Sprintf("work directory %s lies below %s, which the driver hides under a tmpfs: give -keep elsewhere or set TMPDIR", dir, m)}
	}
	return dir, nil
}

// preflight checks what the driver needs before building anything.
func preflight() error {
	if os.Geteuid() != 0 {
		return errors.New("needs root: the driver mounts tmpfs, changes owners and sets the host name in private namespaces")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return errors.New("needs unshare(1) from util-linux")
	}
	if out, err := exec.Command(unshare, "--mount", "--pid", "--fork", "--uts", "--net", "--mount-proc", "true").CombinedOutput(); err != nil {
		return fmt.Errorf("this machine does not allow private namespaces (%v: %s)", err, strings.TrimSpace(string(out)))
	}
	for _, tool := range []string{"/bin/sh", "/bin/ps"} {
		if _, err := os.Stat(tool); err != nil {
			return fmt.Errorf("kube-bench's audits need %s: %w", tool, err)
		}
	}
	return nil
}

// buildKubeproof builds the collector (static, as it ships) and the
// analyzer from commit rev of the module in the current directory, or from
// its work tree as it is when rev is "worktree". The repository is shared:
// a commit is what a result can be traced back to, a work tree is not.
func buildKubeproof(ctx context.Context, work, rev string) (collect, kubeproof, built string, err error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "go.mod") {
		return "", "", "", &usageError{"run it from the kubeproof module: it builds kubeproof-collect and kubeproof from there"}
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	src := root
	built = "the work tree of " + root
	if rev != "worktree" {
		out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--verify", rev+"^{commit}").Output()
		if err != nil {
			return "", "", "", &usageError{fmt.Sprintf("-rev %q is not a commit of %s", rev, root)}
		}
		commit := strings.TrimSpace(string(out))
		src = filepath.Join(work, "src")
		if err := os.RemoveAll(src); err != nil {
			return "", "", "", err
		}
		if err := os.MkdirAll(src, 0o755); err != nil {
			return "", "", "", err
		}
		archive := filepath.Join(work, "src.tar")
		if err := command(ctx, "git", "-C", root, "archive", "--format=tar", "-o", archive, commit); err != nil {
			return "", "", "", err
		}
		if err := command(ctx, "tar", "-x", "-f", archive, "-C", src); err != nil {
			return "", "", "", err
		}
		built = "commit " + commit
	}
	bin := filepath.Join(work, "bin")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin+string(filepath.Separator), "./cmd/kubeproof-collect", "./cmd/kubeproof")
	build.Dir = src
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return "", "", "", fmt.Errorf("building kubeproof (%s): %v\n%s", built, err, out)
	}
	return filepath.Join(bin, "kubeproof-collect"), filepath.Join(bin, "kubeproof"), built, nil
}

// analyze runs kubeproof analyze on one bundle with the options' benchmark
// and targets, keeps the JSON report in file and decodes it.
func analyze(ctx context.Context, kubeproof string, o options, bundle, file string) (*report, error) {
	args := []string{"analyze", "--benchmark", o.benchmark, "--format", "json", "-o", file, "--report-time", "2000-01-01T00:00:00Z"}
	if o.targets != "" {
		args = append(args, "--targets", o.targets)
	}
	if err := command(ctx, kubeproof, append(args, bundle)...); err != nil {
		return nil, fmt.Errorf("kubeproof analyze: %w", err)
	}
	var r report
	if err := readJSON(file, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// command runs a program and returns its output in the error when it fails.
func command(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return nil
}

// startDriver re-executes this binary inside new mount, PID, UTS and network
// namespaces; the host sees neither the layout nor the fake processes, and
// every fake dies with the driver (it is the namespace's init).
func startDriver(ctx context.Context, conf driverConfig) error {
	file := filepath.Join(conf.Work, "driver.json")
	data, err := json.Marshal(conf)
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return err
	}
	// The driver's own command line is only the binary's path: it shows in
	// kube-bench's ps output and must match none of its greps.
	cmd := exec.CommandContext(ctx, unshare, "--mount", "--pid", "--fork", "--uts", "--net", "--mount-proc", "--propagation", "private", self)
	cmd.Env = append(os.Environ(), driverEnv+"="+file)
	out, err := cmd.CombinedOutput()
	if werr := os.WriteFile(filepath.Join(conf.Work, "driver.log"), out, 0o600); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return fmt.Errorf("driver: %v\n%s", err, out)
	}
	return nil
}

func readJSON(file string, v any) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// kubeBenchAlone runs kube-bench on the laid-out spec without kubeproof's
// analysis (-kube-bench-only) and writes its verdicts: check, target,
// status, type, scored, text.
func kubeBenchAlone(ctx context.Context, o options, work, collectBin string, stdout, stderr io.Writer) error {
	conf := o.driverConfig(work, collectBin, o.kubeBenchOnly)
	fmt.Fprintf(stderr, "oracle: spec %s, benchmark %s, kube-bench %s (cfg %s), kube-bench only, Kubernetes %s\n",
		o.spec, o.benchmark, o.kubeBench, o.kubeBenchCfg, o.kubeBenchOnly)
	kb, _, err := runKubeBench(ctx, conf, work, stderr)
	if err != nil {
		return err
	}
	w := stdout
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	fmt.Fprintln(w, "check\ttarget\tkube-bench\ttype\tdescription")
	counts := map[string]int{}
	for _, c := range kb.Controls {
		for _, t := range c.Tests {
			for _, r := range t.Results {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, c.NodeType, r.Status, r.Type, r.Desc)
				counts[r.Status]++
			}
		}
	}
	fmt.Fprintf(stderr, "oracle: %s %s (kube-bench only): %d PASS, %d FAIL, %d WARN, %d INFO\n",
		filepath.Base(o.spec), o.benchmark, counts["PASS"], counts["FAIL"], counts["WARN"], counts["INFO"])
	if o.keep != "" {
		fmt.Fprintf(stderr, "oracle: work files kept in %s\n", work)
	}
	return nil
}

// runKubeBench runs the driver (the spec laid out, kube-bench run on it),
// says what could not be laid out, and reads kube-bench's report.
func runKubeBench(ctx context.Context, conf driverConfig, work string, stderr io.Writer) (report, layoutRecord, error) {
	var lay layoutRecord
	if err := startDriver(ctx, conf); err != nil {
		return report{}, lay, err
	}
	if err := readJSON(filepath.Join(work, layoutFile), &lay); err != nil {
		return report{}, lay, err
	}
	for _, p := range lay.Skipped {
		fmt.Fprintf(stderr, "oracle: not laid out (outside the private mounts): %s\n", p)
	}
	for _, w := range lay.Warnings {
		fmt.Fprintf(stderr, "oracle: warning: %s\n", w)
	}
	var kb report
	if err := readJSON(filepath.Join(work, kubeBenchFile), &kb); err != nil {
		log, _ := os.ReadFile(filepath.Join(work, kubeBenchLog))
		return report{}, lay, fmt.Errorf("kube-bench's report is not the JSON of --json: %w\nkube-bench's standard error:\n%s", err, log)
	}
	return kb, lay, nil
}

// driverConfig is what the driver needs to lay the spec out and run
// kube-bench on it; kubeVersion is what kube-bench is told the node runs.
func (o options) driverConfig(work, collectBin, kubeVersion string) driverConfig {
	return driverConfig{
		Spec: o.spec, KubeBench: o.kubeBench, KubeBenchCfg: o.kubeBenchCfg, Benchmark: o.benchmark,
		Targets: o.targets, Collector: collectBin, Work: work, KubeVersion: kubeVersion, OC: o.oc,
	}
}
