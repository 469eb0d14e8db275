package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kubeproof/kubeproof/internal/speclayout"
)

// The driver's part: it runs as init of private mount, PID, UTS and network
// namespaces (unshare --mount --pid --fork --uts --net --mount-proc), so
// that nothing it mounts or starts is seen by the host, nothing in it
// reaches the network, and every process it starts dies with it.

const (
	driverEnv      = "KUBEPROOF_ORACLE_DRIVER"
	layoutFile     = "layout.json"
	kubeBenchFile  = "kube-bench.json"
	kubeBenchLog   = "kube-bench.stderr"
	liveBundleFile = "live.kpb"
)

// driverConfig is what the command passes to the driver, as a JSON file.
type driverConfig struct {
	Spec, KubeBench, KubeBenchCfg string
	Benchmark, Targets            string
	Collector                     string
	Work                          string // visible on both sides: fakes, reports, bundle
	KubeVersion                   string // what the fake kubelet tells kube-bench, from kubeproof's detection
}

// layoutRecord is what the driver tells the command about the layout.
type layoutRecord struct {
	Skipped   []string // spec paths outside the private mounts, not laid out
	Processes []string // the fake processes started: comm, then argv
	Warnings  []string
}

// mountPoints are replaced by empty tmpfs before the spec is laid out. A
// spec path below none of them is not laid out (it would be written to this
// machine's own file system) and is reported. /lib/systemd and /var/run are
// links to /usr/lib/systemd and /run on merged-/usr hosts: a mount point
// that resolves to one already mounted is mounted once. /home holds GKE's
// node configuration (/home/kubernetes/kubelet-config.yaml, kube-env),
// /var/vcap TKGI's BOSH jobs (made in an overlay of /var where this
// machine has none).
var mountPoints = []string{
	"/etc", "/var/lib", "/opt", "/usr/lib/systemd", "/lib/systemd", "/usr/local/lib",
	"/usr/libexec", "/var/log", "/var/backups", "/run", "/var/run", "/home", "/var/vcap",
}

// hiddenBy returns the mount point p lies at or below, or "".
func hiddenBy(p string) string {
	for _, m := range mountPoints {
		if p == m || strings.HasPrefix(p, m+"/") {
			return m
		}
	}
	return ""
}

// drive lays the spec out, starts the fakes, runs kube-bench and a live
// collection, and records what it did in the work directory.
func drive(confFile string) error {
	var conf driverConfig
	if err := readJSON(confFile, &conf); err != nil {
		return err
	}
	if os.Getpid() != 1 {
		return errors.New("the driver must run as init of a new PID namespace (unshare --pid --fork --mount-proc)")
	}
	var rec layoutRecord
	kept, err := snapshot(hostKeep)
	if err != nil {
		return err
	}
	if err := mountTmpfs(conf.Work); err != nil {
		return err
	}
	if err := restore(kept); err != nil {
		return err
	}
	skipped, err := speclayout.LayOut(conf.Spec, func(p string) bool { m := hiddenBy(p); return m != "" && p != m })
	if err != nil {
		return err
	}
	rec.Skipped = skipped

	fakes := filepath.Join(conf.Work, fakesDirName)
	if err := os.RemoveAll(fakes); err != nil {
		return err
	}
	procs, err := speclayout.ReadProcs(filepath.Join(conf.Spec, "procs.tsv"))
	if err != nil {
		return err
	}
	var started []*exec.Cmd
	defer func() {
		for _, c := range started {
			c.Process.Kill()
			c.Wait()
		}
	}()
	for _, p := range procs {
		exe, err := fakeExecutable(filepath.Join(fakes, "proc"), path.Base(p.Argv[0]))
		if err != nil {
			return err
		}
		// The fake's file name is the component's, so the kernel gives the
		// process that comm (ps -C matches it); argv and environment are the
		// spec's, nothing more.
		cmd := &exec.Cmd{Path: exe, Args: p.Argv, Env: p.Env, Dir: "/"}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("starting the fake %s: %w", p.Argv[0], err)
		}
		started = append(started, cmd)
		rec.Processes = append(rec.Processes, path.Base(exe)+"\t"+strings.Join(p.Argv, " "))
	}

	// kube-bench wants the Kubernetes version even with --benchmark: with
	// no API server it asks kubectl, then the kubelet on its PATH, then
	// runs the first kubelet find(1) meets anywhere. The fakes first on its
	// PATH answer with the version kubeproof detected, so that no program
	// of this machine is asked.
	pathDir := filepath.Join(fakes, "path")
	for _, name := range []string{"kubectl", "kubelet"} {
		if _, err := fakeExecutable(pathDir, name); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(pathDir, versionFile), []byte(conf.KubeVersion+"\n"), 0o644); err != nil {
		return err
	}

	kbPath := pathDir + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	// kube-bench's image puts its helper scripts on the PATH, executable
	// (its Dockerfile copies helper_scripts/ to /go/bin); the RKE
	// benchmarks' 1.1.19 runs check_files_owner_in_dir.sh. Beside a source
	// tree's cfg/ they are in helper_scripts/: copied beside the fakes.
	if err := copyHelpers(filepath.Join(filepath.Dir(conf.KubeBenchCfg), "helper_scripts"), pathDir); err != nil {
		return err
	}
	if err := checkTools(kbPath); err != nil {
		return err
	}

	args := []string{}
	if conf.Targets != "" {
		args = append(args, "run", "--targets", conf.Targets)
	}
	args = append(args, "--json", "--benchmark", conf.Benchmark, "--config-dir", conf.KubeBenchCfg)
	self, _ := os.Executable()
	for _, p := range procs {
		name := path.Base(p.Argv[0])
		for _, line := range []string{conf.KubeBench + " " + strings.Join(args, " "), self} {
			if strings.Contains(line, name) {
				rec.Warnings = append(rec.Warnings, fmt.Sprintf("the harness command line %q holds %q: kube-bench's ps | grep audits will match it", line, name))
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	kb := exec.CommandContext(ctx, conf.KubeBench, args...)
	kb.Dir = "/"
	kb.Env = []string{"PATH=" + kbPath, "HOME=/root"}
	var stdout, stderr bytes.Buffer
	kb.Stdout, kb.Stderr = &stdout, &stderr
	kbErr := kb.Run()
	if err := os.WriteFile(filepath.Join(conf.Work, kubeBenchFile), stdout.Bytes(), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(conf.Work, kubeBenchLog), stderr.Bytes(), 0o600); err != nil {
		return err
	}
	if kbErr != nil {
		return fmt.Errorf("kube-bench %s: %v\n%s%s", strings.Join(args, " "), kbErr, stdout.Bytes(), stderr.Bytes())
	}

	// The live collection: the same layout, seen through /proc and stat
	// rather than through the spec reader.
	col := exec.CommandContext(ctx, conf.Collector, "-o", filepath.Join(conf.Work, liveBundleFile), "-q")
	col.Dir = "/"
	if out, err := col.CombinedOutput(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 3 {
			return fmt.Errorf("live collection: %v\n%s", err, out)
		}
		rec.Warnings = append(rec.Warnings, "the live collection was partial: "+strings.TrimSpace(string(out)))
	}

	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(conf.Work, layoutFile), data, 0o600)
}

// hostKeep are this machine's files below the mount points that its own
// programs need: Debian-style hosts reach awk, editors and more through
// /etc/alternatives, and the dynamic loader reads /etc/ld.so.cache. They are
// copied back onto the tmpfs before the spec is laid out (a spec file of the
// same name wins).
var hostKeep = []string{"/etc/alternatives", "/etc/ld.so.cache"}

// keptFile is a file, directory or symbolic link of hostKeep.
type keptFile struct {
	path, link string
	mode       os.FileMode
	data       []byte
}

func snapshot(roots []string) ([]keptFile, error) {
	var kept []keptFile
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			k := keptFile{path: p, mode: info.Mode()}
			switch {
			case info.Mode()&os.ModeSymlink != 0:
				if k.link, err = os.Readlink(p); err != nil {
					return err
				}
			case info.Mode().IsRegular():
				if k.data, err = os.ReadFile(p); err != nil {
					return err
				}
			case !info.IsDir():
				return nil
			}
			kept = append(kept, k)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("keeping %s: %w", root, err)
		}
	}
	return kept, nil
}

func restore(kept []keptFile) error {
	for _, k := range kept {
		if err := os.MkdirAll(path.Dir(k.path), 0o755); err != nil {
			return err
		}
		var err error
		switch {
		case k.mode&os.ModeSymlink != 0:
			err = os.Symlink(k.link, k.path)
		case k.mode.IsDir():
			err = os.MkdirAll(k.path, k.mode.Perm())
		default:
			err = os.WriteFile(k.path, k.data, k.mode.Perm())
		}
		if err != nil {
			return fmt.Errorf("restoring %s: %w", k.path, err)
		}
	}
	return nil
}

// auditTools are the programs kube-bench's audits run. One that is
// missing does not stop kube-bench: the audit prints "not found" and the
// check is judged on what is left, so the driver refuses to go on.
var auditTools = []string{"sh", "ps", "grep", "sed", "awk", "xargs", "find", "stat", "uniq", "tail", "head", "tr", "cut", "cat", "sort", "wc"}

func checkTools(pathList string) error {
	var missing []string
	for _, t := range auditTools {
		found := false
		for _, dir := range filepath.SplitList(pathList) {
			if fi, err := os.Stat(filepath.Join(dir, t)); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("kube-bench's audits need %s, not found on its PATH %s once the spec is laid out (a link into a hidden directory? see hostKeep)", strings.Join(missing, ", "), pathList)
	}
	return nil
}

// mountTmpfs hides every existing mount point under an empty tmpfs.
func mountTmpfs(work string) error {
	done := map[string]bool{}
	for _, m := range mountPoints {
		real, err := filepath.EvalSymlinks(m)
		if err != nil && path.Dir(m) == "/var" {
			// Not on this machine (TKGI's /var/vcap): made in an overlay
			// of /var, so that nothing is written to this machine's /var.
			if err := overlayVar(work); err != nil {
				return err
			}
			if err := os.MkdirAll(m, 0o755); err != nil {
				return err
			}
			real, err = m, nil
		}
		if err != nil {
			continue // not on this machine: spec paths below it are skipped
		}
		if fi, err := os.Stat(real); err != nil || !fi.IsDir() || done[real] {
			continue
		}
		if err := syscall.Mount("tmpfs", real, "tmpfs", 0, "mode=0755"); err != nil {
			return fmt.Errorf("mounting tmpfs on %s: %w", real, err)
		}
		done[real] = true
	}
	return nil
}

var varOverlaid bool

// overlayVar mounts an overlay on /var whose upper layer is a tmpfs below
// the work directory: directories made in /var then exist in this mount
// namespace only.
func overlayVar(work string) error {
	if varOverlaid {
		return nil
	}
	layers := filepath.Join(work, "var-overlay")
	if err := os.MkdirAll(layers, 0o700); err != nil {
		return err
	}
	if err := syscall.Mount("tmpfs", layers, "tmpfs", 0, "mode=0700"); err != nil {
		return fmt.Errorf("mounting tmpfs on %s: %w", layers, err)
	}
	upper, wdir := filepath.Join(layers, "upper"), filepath.Join(layers, "work")
	for _, d := range []string{upper, wdir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return err
		}
	}
	if err := syscall.Mount("overlay", "/var", "overlay", 0, "lowerdir=/var,upperdir="+upper+",workdir="+wdir); err != nil {
		return fmt.Errorf("mounting an overlay on /var: %w", err)
	}
	varOverlaid = true
	return nil
}

// layOut writes the spec's files, accounts, modes and owners, and host
// name, as collector.Collect reads them from a spec (design document,
// "Node specs"). It returns the spec paths it could not lay out.
// fakeExecutable makes dir/name a link to (or copy of) this binary, once.
func fakeExecutable(dir, name string) (string, error) {
	dst := filepath.Join(dir, name)
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	if err := os.Link(self, dst); err == nil {
		return dst, nil
	}
	src, err := os.Open(self)
	if err != nil {
		return "", err
	}
	defer src.Close()
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, src); err != nil {
		f.Close()
		return "", err
	}
	return dst, f.Close()
}

// copyHelpers copies kube-bench's helper scripts from dir (when there is
// one) into bin, executable.
func copyHelpers(dir, bin string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(bin, e.Name()), data, 0o755); err != nil {
			return err
		}
	}
	return nil
}
