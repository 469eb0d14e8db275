// Command release writes a kubeproof release into a directory (make
// release VERSION=x.y.z runs it, into dist/):
//
//	kubeproof-collect_V_linux_{amd64,arm64}.tar.gz      the collector, for the nodes
//	kubeproof_V_{linux,darwin}_{amd64,arm64}.tar.gz     the analyzer
//	kubeproof_V_windows_{amd64,arm64}.zip
//	<each of the above>.cdx.json                        its SBOM (CycloneDX), from the binary's build information
//	kubeproof-collect_V_image.oci.tar                   the collector's image (OCI layout, amd64 and arm64)
//	kubeproof-collect_V_image.digest                    the digest to pin it by
//	kubeproof-deploy_V.tar.gz                           deploy/ (manifests pinned to that digest, Ansible), scripts/collect-{ssh,k8s}.sh
//	SHA256SUMS, and SHA256SUMS.sig with -sign-key
//
// Each archive holds the binary, README.md, the licences of Go and of every
// module linked (licenses/), the manual pages (man/man1/) and, for the
// analyzer, the shell completion scripts (completion/). The same source,
// Go toolchain and version give the same bytes (internal/release).
//
//	go run ./scripts/release -version 0.2.0 -out dist [-sign-key release.key]
package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/release"
)

func main() {
	version := flag.String("version", "", "the release `VERSION`, x.y.z")
	out := flag.String("out", "dist", "write the release into `DIR` (replaced)")
	signKey := flag.String("sign-key", "", "sign SHA256SUMS with the private key in `FILE` (kubeproof keygen)")
	flag.Parse()
	if err := run(context.Background(), *version, *out, *signKey); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, version, out, signKey string) error {
	if err := release.CheckVersion(version); err != nil {
		return err
	}
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run it from the module's root (make release)")
	}
	var key ed25519.PrivateKey
	if signKey != "" {
		data, err := os.ReadFile(signKey)
		if err != nil {
			return err
		}
		k, err := bundle.ParsePrivateKey(data)
		if err != nil {
			return fmt.Errorf("-sign-key %s: %w", signKey, err)
		}
		key = k
	}
	goroot, err := goEnv("GOROOT")
	if err != nil {
		return err
	}
	modcache, err := goEnv("GOMODCACHE")
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "kubeproof-release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	docs, err := makeDocs(ctx, tmp, version)
	if err != nil {
		return err
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		return err
	}
	common := []release.File{{Name: "README.md", Data: readme}}
	// The project's own licence, when it has one; the third-party ones
	// always (licenses/).
	for _, name := range []string{"LICENSE", "LICENCE", "COPYING", "NOTICE"} {
		if data, err := os.ReadFile(name); err == nil {
			common = append(common, release.File{Name: name, Data: data})
		}
	}

	artefacts := map[string][]byte{}
	var summary []string
	var image []release.ImagePlatform
	for _, t := range release.Targets() {
		exePath := filepath.Join(tmp, "bin", t.Base(version), t.Exe())
		fmt.Fprintf(os.Stderr, "building %s %s/%s\n", t.Name, t.OS, t.Arch)
		if err := release.Build(ctx, ".", t, version, exePath); err != nil {
			return err
		}
		exe, err := os.ReadFile(exePath)
		if err != nil {
			return err
		}
		lic, err := release.Licences(exe, goroot, modcache)
		if err != nil {
			return err
		}
		files := append([]release.File{{Name: t.Exe(), Exec: true, Data: exe}}, common...)
		files = append(files, lic...)
		files = append(files, docs[t.Name]...)
		var archive []byte
		name := t.Base(version)
		if t.OS == "windows" {
			name += ".zip"
			archive, err = release.Zip(t.Base(version), files)
		} else {
			name += ".tar.gz"
			archive, err = release.TarGz(t.Base(version), files)
		}
		if err != nil {
			return err
		}
		sbom, modules, err := release.SBOM(exe, t.Name, version)
		if err != nil {
			return err
		}
		artefacts[name] = archive
		artefacts[t.Base(version)+".cdx.json"] = sbom
		summary = append(summary, fmt.Sprintf("%-44s %9d bytes  binary %9d bytes  SBOM: %d modules + the standard library", name, len(archive), len(exe), modules))
		if t.Binary == release.Collector {
			image = append(image, release.ImagePlatform{Arch: t.Arch, Exe: exe, Licences: lic})
		}
	}

	img, digest, err := release.Image(version, image)
	if err != nil {
		return err
	}
	imageName := fmt.Sprintf("kubeproof-collect_%s_image.oci.tar", version)
	artefacts[imageName] = img
	artefacts[fmt.Sprintf("kubeproof-collect_%s_image.digest", version)] = []byte(digest + "\n")
	summary = append(summary, fmt.Sprintf("%-44s %9d bytes  image %s", imageName, len(img), digest))

	deploy, err := deployFiles(digest)
	if err != nil {
		return err
	}
	deployName := fmt.Sprintf("kubeproof-deploy_%s", version)
	if artefacts[deployName+".tar.gz"], err = release.TarGz(deployName, append(deploy, common...)); err != nil {
		return err
	}
	summary = append(summary, fmt.Sprintf("%-44s %9d bytes", deployName+".tar.gz", len(artefacts[deployName+".tar.gz"])))

	sums := release.Sums(artefacts)
	artefacts[release.SumsFile] = sums
	if key != nil {
		artefacts[release.SignatureFile] = release.Sign(sums, key)
	}
	if err := writeDir(out, artefacts); err != nil {
		return err
	}
	sort.Strings(summary)
	fmt.Fprintf(os.Stderr, "kubeproof %s in %s/:\n  %s\n", version, out, strings.Join(summary, "\n  "))
	if key == nil {
		fmt.Fprintf(os.Stderr, "  SHA256SUMS is not signed (make release SIGN_KEY=NAME.key signs it)\n")
	}
	return nil
}

// makeDocs builds both binaries for this machine, at the release's
// version, and has them write their manual pages and completion scripts:
// the archive files of each binary, by name.
func makeDocs(ctx context.Context, tmp, version string) (map[string][]release.File, error) {
	docs := map[string][]release.File{}
	host := filepath.Join(tmp, "host")
	for _, b := range []release.Binary{release.Analyzer, release.Collector} {
		t := release.Target{Binary: b, OS: runtime.GOOS, Arch: runtime.GOARCH}
		if err := release.Build(ctx, ".", t, version, filepath.Join(host, t.Exe())); err != nil {
			return nil, err
		}
	}
	exe := func(name string) string {
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		return filepath.Join(host, name)
	}
	manDir := filepath.Join(tmp, "man")
	if err := os.MkdirAll(manDir, 0o755); err != nil {
		return nil, err
	}
	if _, err := output(ctx, exe("kubeproof"), "man", manDir); err != nil {
		return nil, err
	}
	pages, err := os.ReadDir(manDir)
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		data, err := os.ReadFile(filepath.Join(manDir, p.Name()))
		if err != nil {
			return nil, err
		}
		docs["kubeproof"] = append(docs["kubeproof"], release.File{Name: "man/man1/" + p.Name(), Data: data})
	}
	for shell, file := range map[string]string{"bash": "kubeproof.bash", "zsh": "_kubeproof", "fish": "kubeproof.fish"} {
		data, err := output(ctx, exe("kubeproof"), "completion", shell)
		if err != nil {
			return nil, err
		}
		docs["kubeproof"] = append(docs["kubeproof"], release.File{Name: "completion/" + file, Data: data})
	}
	page, err := output(ctx, exe("kubeproof-collect"), "-man")
	if err != nil {
		return nil, err
	}
	docs["kubeproof-collect"] = []release.File{{Name: "man/man1/kubeproof-collect.1", Data: page}}
	return docs, nil
}

// deployFiles are deploy/ and the collection scripts, with the
// kustomization pinning the collector's image to digest.
func deployFiles(digest string) ([]release.File, error) {
	var files []release.File
	err := filepath.WalkDir("deploy", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(p, "_test.go") {
			return nil // the tests of the manifests stay with the source
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		files = append(files, release.File{Name: filepath.ToSlash(p), Exec: fi.Mode()&0o111 != 0, Data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	pinned := 0
	for i, f := range files {
		if path.Base(f.Name) == "kustomization.yaml" && bytes.Contains(f.Data, []byte("newTag:")) {
			data, err := release.PinImage(f.Data, digest)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name, err)
			}
			files[i].Data = data
			pinned++
		}
	}
	if pinned < 2 {
		return nil, fmt.Errorf("deploy/: %d kustomizations name the collector's image, want the DaemonSet's and the Job's", pinned)
	}
	for _, s := range []string{"scripts/collect-ssh.sh", "scripts/collect-k8s.sh"} {
		data, err := os.ReadFile(s)
		if err != nil {
			return nil, err
		}
		files = append(files, release.File{Name: path.Clean(s), Exec: true, Data: data})
	}
	return files, nil
}

// writeDir replaces dir with the artefacts: written beside it, then
// renamed, so that a failed release leaves no half directory.
func writeDir(dir string, artefacts map[string][]byte) error {
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	for name, data := range artefacts {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}

func goEnv(name string) (string, error) {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func output(ctx context.Context, name string, args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}
