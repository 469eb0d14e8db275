package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/collector"
	"github.com/kubeproof/kubeproof/internal/skips"

	"github.com/kubeproof/kubeproof/internal/speclayout"
)

// The end-to-end test lays a node spec out on this machine, inside a
// private mount, PID and UTS namespace (so the host sees nothing of it),
// starts fake component processes with the spec's command lines, runs the
// real static collector binary, and compares its bundle with a collection
// of the same spec through --spec.
//
// The test binary plays three parts, chosen by environment variables: the
// test itself; the driver inside the namespaces (KUBEPROOF_E2E_DRIVER); and
// a fake component process that only waits (KUBEPROOF_FAKEPROC).

func TestMain(m *testing.M) {
	switch {
	case os.Getenv("KUBEPROOF_FAKEPROC") == "1":
		time.Sleep(2 * time.Minute) // killed by the driver long before
		os.Exit(0)
	case os.Getenv("KUBEPROOF_E2E_DRIVER") != "":
		if err := drive(os.Getenv("KUBEPROOF_E2E_DRIVER"), os.Getenv("KUBEPROOF_E2E_COLLECTOR"), os.Getenv("KUBEPROOF_E2E_OUT")); err != nil {
			fmt.Fprintln(os.Stderr, "e2e driver:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// mountPoints are the directories replaced by empty tmpfs in the private
// namespace before the spec is laid out: every spec path lies below one.
var mountPoints = []string{"/etc", "/var/lib", "/opt", "/usr/lib/systemd", "/lib/systemd", "/usr/local/lib"}

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "end-to-end test skipped in -short mode")
	}
	if os.Geteuid() != 0 {
		skips.Skip(t, "end-to-end test needs root (private mount and PID namespaces); skipped")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		skips.Skip(t, "end-to-end test needs unshare(1) from util-linux; skipped")
	}
	if out, err := exec.Command(unshare, "--mount", "--pid", "--fork", "--uts", "--mount-proc", "true").CombinedOutput(); err != nil {
		skips.Skip(t, "this machine does not allow private namespaces (%v: %s); skipped", err, out)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kubeproof-collect")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the static collector: %v\n%s", err, out)
	}
	for _, name := range []string{"tkestack-master", "tkestack-worker"} {
		t.Run(name, func(t *testing.T) {
			spec, err := filepath.Abs(filepath.Join("..", "..", "fixtures", "specs", name))
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, name+".kpb")
			self, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, unshare, "--mount", "--pid", "--fork", "--uts", "--mount-proc", "--propagation", "private", self, "-test.run=^$")
			cmd.Env = append(os.Environ(), "KUBEPROOF_E2E_DRIVER="+spec, "KUBEPROOF_E2E_COLLECTOR="+bin, "KUBEPROOF_E2E_OUT="+out)
			if output, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("driver: %v\n%s", err, output)
			}
			live, err := bundle.Open(out, bundle.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := collector.Collect(context.Background(), collector.Options{Spec: spec})
			if err != nil {
				t.Fatal(err)
			}
			want, err := bundle.Read(bytes.NewReader(res.Bundle), bundle.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			compareBundles(t, live, want)
			// The same node collected through --root, as in a container
			// (deploy/), gives the same evidence.
			root, err := bundle.Open(out+".root", bundle.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			compareRootBundle(t, root, live)
		})
	}
}

// compareBundles checks that the live collection found what the spec
// describes: the same components with the same arguments, the same stat
// records for every file of the spec, the same redacted copies, the same
// certificates, and the same host name and roles.
func compareBundles(t *testing.T, live, spec *bundle.Bundle) {
	t.Helper()
	lh, sh := live.Manifest.Host, spec.Manifest.Host
	if lh.Hostname != sh.Hostname || !reflect.DeepEqual(lh.Roles, sh.Roles) || !reflect.DeepEqual(lh.Components, sh.Components) {
		t.Errorf("host: live %s %v %v, spec %s %v %v", lh.Hostname, lh.Roles, lh.Components, sh.Hostname, sh.Roles, sh.Components)
	}
	if live.Manifest.Collection.Mode != "live" {
		t.Errorf("mode %q, want live", live.Manifest.Collection.Mode)
	}
	var lp, sp bundle.Processes
	decode(t, live, bundle.ProcessesPath, &lp)
	decode(t, spec, bundle.ProcessesPath, &sp)
	argv := func(ps bundle.Processes) map[string][]string {
		m := map[string][]string{}
		for _, p := range ps.Processes {
			m[p.Component] = p.Argv
		}
		return m
	}
	if la, sa := argv(lp), argv(sp); !reflect.DeepEqual(la, sa) {
		t.Errorf("processes differ:\nlive %q\nspec %q", la, sa)
	}
	var ls, ss bundle.Stats
	decode(t, live, bundle.StatPath, &ls)
	decode(t, spec, bundle.StatPath, &ss)
	lstats := map[string]bundle.Stat{}
	for _, s := range ls.Files {
		lstats[s.Path] = s
	}
	compared := 0
	for _, s := range ss.Files {
		if s.Error != "" || !underMount(s.Path) {
			continue
		}
		l, ok := lstats[s.Path]
		if !ok {
			t.Errorf("%s: in the spec's bundle, not found live", s.Path)
			continue
		}
		compared++
		if l.Type != s.Type || l.Mode != s.Mode || *l.UID != *s.UID || *l.GID != *s.GID || l.User != s.User || l.Group != s.Group ||
			(s.Type == bundle.TypeFile && l.Size != s.Size) || l.Member != s.Member || l.Content != s.Content || l.Redactions != s.Redactions {
			t.Errorf("%s differs:\nlive %+v\nspec %+v", s.Path, l, s)
		}
		if s.Member != "" {
			ld, _ := live.Member(s.Member)
			sd, _ := spec.Member(s.Member)
			if !bytes.Equal(ld, sd) {
				t.Errorf("copy %s differs", s.Member)
			}
		}
	}
	if compared < 20 {
		t.Errorf("only %d stat records compared", compared)
	}
	var lc, sc bundle.PKI
	decode(t, live, bundle.PKIPath, &lc)
	decode(t, spec, bundle.PKIPath, &sc)
	if !reflect.DeepEqual(lc, sc) {
		t.Errorf("certificates differ: live %d, spec %d", len(lc.Certificates), len(sc.Certificates))
	}
}

func underMount(p string) bool {
	for _, m := range mountPoints {
		if strings.HasPrefix(p, m+"/") {
			return true
		}
	}
	return false
}

func decode(t *testing.T, b *bundle.Bundle, name string, v any) {
	t.Helper()
	if err := b.DecodeJSON(name, v); err != nil {
		t.Fatal(err)
	}
}

// drive runs inside the namespaces: it lays the spec out, starts the fake
// processes, runs the collector and stops the processes.
func drive(spec, collectorBin, out string) error {
	for _, m := range mountPoints {
		if fi, err := os.Stat(m); err != nil || !fi.IsDir() {
			continue
		}
		if err := syscall.Mount("tmpfs", m, "tmpfs", 0, "mode=0755"); err != nil {
			return fmt.Errorf("mounting tmpfs on %s: %w", m, err)
		}
	}
	if _, err := speclayout.LayOut(spec, underMount); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var procs []*exec.Cmd
	defer func() {
		for _, p := range procs {
			p.Process.Kill()
			p.Wait()
		}
	}()
	if err := speclayout.EachLine(filepath.Join(spec, "procs.tsv"), func(line string) error {
		argv0, args, _ := strings.Cut(line, "\t")
		cmd := &exec.Cmd{Path: self, Args: append([]string{strings.TrimSpace(argv0)}, strings.Fields(args)...), Env: []string{"KUBEPROOF_FAKEPROC=1"}}
		if err := cmd.Start(); err != nil {
			return err
		}
		procs = append(procs, cmd)
		return nil
	}); err != nil {
		return err
	}
	time.Sleep(200 * time.Millisecond) // let every process reach its wait
	col := exec.Command(collectorBin, "-o", out, "-q")
	output, err := col.CombinedOutput()
	if err != nil {
		return fmt.Errorf("collector: %v\n%s", err, output)
	}
	// Then as in a container of deploy/: the node's root file system
	// mounted read-only under a directory, its /proc with it, and the
	// host name given.
	host, err := os.MkdirTemp("", "kubeproof-host-")
	if err != nil {
		return err
	}
	if err := syscall.Mount("/", host, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return fmt.Errorf("bind-mounting / on %s: %w", host, err)
	}
	if err := syscall.Mount("", host, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		return fmt.Errorf("remounting %s read-only: %w", host, err)
	}
	name, err := os.ReadFile("/proc/sys/kernel/hostname")
	if err != nil {
		return err
	}
	col = exec.Command(collectorBin, "-o", out+".root", "-q", "-root", host, "-hostname", strings.TrimSpace(string(name)))
	if output, err := col.CombinedOutput(); err != nil {
		return fmt.Errorf("collector -root %s: %v\n%s", host, err, output)
	}
	return nil
}

// compareRootBundle checks that a collection through --root of the live
// host's root file system (with its /proc) holds the same evidence as the
// live collection: host facts, processes, every stat record, copy and
// certificate.
func compareRootBundle(t *testing.T, root, live *bundle.Bundle) {
	t.Helper()
	if m := root.Manifest.Collection.Mode; m != "root" {
		t.Errorf("mode %q, want root", m)
	}
	rh, lh := root.Manifest.Host, live.Manifest.Host
	if !reflect.DeepEqual(rh, lh) {
		t.Errorf("host facts differ:\nroot %+v\nlive %+v", rh, lh)
	}
	for _, name := range []string{bundle.ProcessesPath, bundle.StatPath, bundle.PKIPath} {
		r, _ := root.Member(name)
		l, _ := live.Member(name)
		if !bytes.Equal(r, l) {
			t.Errorf("%s differs between the --root and the live collections", name)
		}
	}
	var st bundle.Stats
	decode(t, root, bundle.StatPath, &st)
	for _, s := range st.Files {
		if s.Member != "" {
			r, _ := root.Member(s.Member)
			l, _ := live.Member(s.Member)
			if !bytes.Equal(r, l) {
				t.Errorf("copy %s differs", s.Member)
			}
		}
	}
}
