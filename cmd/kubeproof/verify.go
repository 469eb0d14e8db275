package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/bundle"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check bundles against their manifests and list every problem",
		ArgsUsage: "BUNDLE|DIR…",
		Action: func(c *cli.Context) error {
			files, err := bundleFiles(c.Args().Slice())
			if err != nil {
				return err
			}
			var failed []error
			for _, f := range files {
				b, err := bundle.Open(f, bundle.DefaultLimits)
				if err != nil {
					fmt.Fprintf(c.App.Writer, "FAIL %s\n", f)
					var ve *bundle.VerifyError
					if errors.As(err, &ve) {
						for _, p := range ve.Problems {
							fmt.Fprintf(c.App.Writer, "  %v\n", p)
						}
					} else {
						fmt.Fprintf(c.App.Writer, "  %v\n", err)
					}
					failed = append(failed, err)
					continue
				}
				fmt.Fprintf(c.App.Writer, "OK   %s  %s  %s, %d members\n", f, b.Digest.Prefixed(), b.Manifest.Host.Hostname, len(b.Manifest.Members))
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
	return fmt.Sprintf("%d of %d bundles failed verification", len(e.errs), e.total)
}

func (e *verifyFailed) Unwrap() []error { return e.errs }
