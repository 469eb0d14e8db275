package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/internal/release"
)

func verifyReleaseCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify-release",
		Usage:     "check a release directory against its SHA256SUMS and the signature of SHA256SUMS",
		ArgsUsage: "DIR",
		Description: "Every file SHA256SUMS lists must be in DIR with its SHA-256, and DIR may hold no other file but\n" +
			"SHA256SUMS.sig: what crosses the air gap is all covered. The signature is \"signed and verified (key ID)\"\n" +
			"by a --trusted-key, \"signed by an unknown key ID\", or \"unsigned\"; a bad signature fails, as does, with\n" +
			"--require-signature, a release no trusted key signed. The same checks without kubeproof: docs/release.md.",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "trusted-key", Usage: "trust release signatures by the public key in `FILE` (NAME.pub of kubeproof keygen); repeat for several keys"},
			&cli.BoolFlag{Name: "require-signature", Usage: "fail unless a trusted key signed SHA256SUMS"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return &exit.UsageError{Err: errors.New("verify-release takes one directory")}
			}
			dir := c.Args().First()
			if fi, err := os.Stat(dir); err != nil {
				return &exit.UsageError{Err: err}
			} else if !fi.IsDir() {
				return &exit.UsageError{Err: fmt.Errorf("%s: not a directory; give the directory holding SHA256SUMS", dir)}
			}
			files := c.StringSlice("trusted-key")
			if c.Bool("require-signature") && len(files) == 0 {
				return &exit.UsageError{Err: errors.New("--require-signature needs the keys to trust: give --trusted-key FILE")}
			}
			var trusted []ed25519.PublicKey
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					return &exit.InputError{Err: fmt.Errorf("--trusted-key: %w", err)}
				}
				pub, err := bundle.ParsePublicKey(data)
				if err != nil {
					return &exit.InputError{Err: fmt.Errorf("--trusted-key %s: %w", f, err)}
				}
				trusted = append(trusted, pub)
			}
			chk, err := release.CheckDir(dir)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return &exit.InputError{Err: &releaseFailed{fmt.Sprintf("%s: no %s: a release directory holds one", dir, release.SumsFile)}}
				}
				return &exit.InputError{Err: &releaseFailed{fmt.Sprintf("%s: %v", dir, err)}}
			}
			w := c.App.Writer
			for _, name := range chk.Verified {
				fmt.Fprintf(w, "OK   %s\n", display.Escape(name))
			}
			for _, p := range chk.Problems {
				fmt.Fprintf(w, "FAIL %s: %s\n", display.Escape(p.Name), display.Escape(p.Reason))
			}
			status, signedByTrusted := "unsigned", false
			if s := chk.Signature; s != nil {
				status = "signed by an unknown key " + s.KeyID()
				for _, k := range trusted {
					if k.Equal(s.PublicKey) {
						status, signedByTrusted = "signed and verified (key "+s.KeyID()+")", true
					}
				}
			}
			fmt.Fprintf(w, "%s: %d of %d files verified; %s\n", filepath.Join(dir, release.SumsFile), len(chk.Verified), len(chk.Verified)+len(chk.Problems), status)
			switch {
			case len(chk.Problems) > 0:
				return &exit.InputError{Err: &releaseFailed{fmt.Sprintf("%d files of %s failed verification", len(chk.Problems), dir)}}
			case c.Bool("require-signature") && !signedByTrusted:
				return &exit.InputError{Err: &releaseFailed{fmt.Sprintf("%s: %s, and --require-signature asks for a trusted key's signature", dir, status)}}
			}
			return nil
		},
	}
}

// releaseFailed is a release directory that failed verification, for the
// hint.
type releaseFailed struct{ msg string }

func (e *releaseFailed) Error() string { return e.msg }
