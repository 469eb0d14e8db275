package main

import (
	"errors"
	"fmt"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/display"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check bundles against their manifests and signatures, and list every problem",
		ArgsUsage: "BUNDLE|DIR…",
		Description: "Each bundle is OK or FAIL. An OK bundle is \"signed and verified (key ID)\" when a --trusted-key\n" +
			"signed it, \"signed by an unknown key ID\" when another key did, or \"unsigned\". A bad signature\n" +
			"fails, as does, with --require-signature, a bundle that no trusted key signed.",
		Flags: slices.Concat(trustFlags(), limitFlags()),
		Action: func(c *cli.Context) error {
			files, err := bundleFiles(c.Args().Slice())
			if err != nil {
				return err
			}
			keys, err := keyring(c)
			if err != nil {
				return err
			}
			lim, err := limits(c)
			if err != nil {
				return err
			}
			w := c.App.Writer
			var failed []error
			for _, f := range files {
				b, err := bundle.Open(f, lim)
				if err == nil && c.Bool("require-signature") {
					err = keys.Require(b)
				}
				// Every string from a bundle or a file name is escaped
				// (display.Escape): one line per bundle, one per problem.
				if err != nil {
					fmt.Fprintf(w, "FAIL %s\n", display.Escape(f))
					var ve *bundle.VerifyError
					if errors.As(err, &ve) {
						for _, p := range ve.Problems {
							fmt.Fprintf(w, "  %s\n", display.Escape(p.Error()))
						}
					} else {
						fmt.Fprintf(w, "  %s\n", display.Escape(err.Error()))
					}
					failed = append(failed, err)
					continue
				}
				fmt.Fprintf(w, "OK   %s  %s  %s, %s, %s\n", display.Escape(f), b.Digest.Prefixed(), display.Escape(b.Manifest.Host.Hostname),
					plural(len(b.Manifest.Members), "member"), display.Escape(keys.Describe(b)))
			}
			if len(failed) > 0 {
				return &verifyFailed{total: len(files), errs: failed}
			}
			return nil
		},
	}
}

// verifyFailed is a short message for main, while errors.Is and errors.As
// still see every problem (for the exit code).
type verifyFailed struct {
	total int
	errs  []error
}

func (e *verifyFailed) Error() string {
	return fmt.Sprintf("%d of %s failed verification", len(e.errs), plural(e.total, "bundle"))
}

func (e *verifyFailed) Unwrap() []error { return e.errs }
