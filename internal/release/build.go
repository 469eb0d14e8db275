// Package release makes and checks kubeproof's release artefacts: the
// reproducible builds of both binaries, their archives, SBOMs and
// licences, the collector's OCI image, and the SHA256SUMS file with its
// Ed25519 signature. scripts/release (make release) writes them;
// kubeproof verify-release checks them on the other side of an air gap.
//
// Reproducible means: the same source, Go toolchain and version give the
// same bytes, wherever the source lies and whatever the build cache holds.
// Builds are -trimpath, without VCS stamping, with an empty build id and
// no cgo; archives carry fixed times, owners and modes, in sorted order;
// no document holds a timestamp.
package release

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/kubeproof/kubeproof/internal/version"
)

// Binary is one of the two programs.
type Binary struct {
	Name    string // kubeproof, kubeproof-collect
	Package string // ./cmd/kubeproof
	// GCFlags are extra compiler flags: the collector is built without
	// inlining to stay within its size budget (cmd/kubeproof-collect).
	GCFlags string
}

var (
	Analyzer  = Binary{Name: "kubeproof", Package: "./cmd/kubeproof"}
	Collector = Binary{Name: "kubeproof-collect", Package: "./cmd/kubeproof-collect", GCFlags: "all=-l"}
)

// Target is a binary built for one platform.
type Target struct {
	Binary
	OS, Arch string
}

// Targets are what a release builds: the collector for the nodes (Linux),
// the analyzer for the auditors' machines.
func Targets() []Target {
	var ts []Target
	for _, arch := range []string{"amd64", "arm64"} {
		ts = append(ts, Target{Collector, "linux", arch})
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, arch := range []string{"amd64", "arm64"} {
			ts = append(ts, Target{Analyzer, goos, arch})
		}
	}
	return ts
}

// Exe is the file name of the target's executable.
func (t Target) Exe() string {
	if t.OS == "windows" {
		return t.Name + ".exe"
	}
	return t.Name
}

// Base is the name of the target's archive and SBOM without extension:
// kubeproof_0.2.0_linux_amd64.
func (t Target) Base(v string) string { return fmt.Sprintf("%s_%s_%s_%s", t.Name, v, t.OS, t.Arch) }

// versionRE is what a release version may be: semantic versioning's
// x.y.z with an optional pre-release, which is safe in file names and in
// the bundle manifest.
var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$`)

// CheckVersion refuses a version that is not x.y.z[-pre].
func CheckVersion(v string) error {
	if !versionRE.MatchString(v) {
		return fmt.Errorf("version %q: want x.y.z or x.y.z-pre, like 0.2.0 or 0.2.0-rc.1", v)
	}
	return nil
}

// LDFlags are the linker flags of a release build of version v: stripped,
// an empty build id (it would otherwise hash the inputs' paths and
// content ids), and the version stamped.
func LDFlags(v string) string { return "-s -w -buildid= -X " + version.Path + "=" + v }

// BuildArgs are the go build arguments of target t at version v, writing
// to out.
func BuildArgs(t Target, v, out string) []string {
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=" + LDFlags(v)}
	if t.GCFlags != "" {
		args = append(args, "-gcflags="+t.GCFlags)
	}
	return append(args, "-o", out, t.Package)
}

// BuildEnv is the environment of a release build: the caller's, with
// every variable that changes the output fixed (cgo off, the target, the
// architecture levels) and GOFLAGS emptied so that no local setting
// slips in.
func BuildEnv(t Target) []string {
	fixed := map[string]string{
		"CGO_ENABLED": "0", "GOOS": t.OS, "GOARCH": t.Arch, "GOFLAGS": "",
		"GOAMD64": "v1", "GOARM64": "v8.0", "GOEXPERIMENT": "",
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := fixed[k]; !ok {
			env = append(env, kv)
		}
	}
	for _, k := range []string{"CGO_ENABLED", "GOOS", "GOARCH", "GOFLAGS", "GOAMD64", "GOARM64", "GOEXPERIMENT"} {
		env = append(env, k+"="+fixed[k])
	}
	return env
}

// Build builds target t at version v from the module in dir into out.
// extraEnv (KEY=VALUE) comes last: a test gives GOCACHE.
func Build(ctx context.Context, dir string, t Target, v, out string, extraEnv ...string) error {
	cmd := exec.CommandContext(ctx, "go", BuildArgs(t, v, out)...)
	cmd.Dir = dir
	cmd.Env = append(BuildEnv(t), extraEnv...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building %s for %s/%s: %v\n%s", t.Name, t.OS, t.Arch, err, b)
	}
	return nil
}
