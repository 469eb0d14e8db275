// Command kubeproof verifies, inspects and analyzes kubeproof evidence
// bundles. It never touches the network and needs nothing but its own
// binary and the bundles.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/internal/version"
)

func main() {
	err := newApp(os.Stdout, os.Stderr).Run(os.Args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kubeproof: %v\n", err)
		if h := hint(err); h != "" {
			fmt.Fprintf(os.Stderr, "hint: %s\n", h)
		}
	}
	os.Exit(exit.Code(err))
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "kubeproof",
		Usage:     "offline CIS Kubernetes benchmark audits from evidence bundles",
		Version:   version.Version,
		Writer:    stdout,
		ErrWriter: stderr,
		// Errors are printed once, by main, with the exit code mapped there.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &exit.UsageError{Err: err}
		},
		Commands: []*cli.Command{
			verifyCommand(),
			inspectCommand(),
			analyzeCommand(),
		},
		CommandNotFound: func(c *cli.Context, name string) {
			fmt.Fprintf(stderr, "kubeproof: unknown command %q\n", name)
		},
	}
}

// hint adds advice for a human to an error.
func hint(err error) string {
	var ue *exit.UsageError
	switch {
	case errors.As(err, &ue):
		return "run 'kubeproof help' for the commands and their flags"
	case exit.Code(err) == exit.BadInput:
		return "the bundle is damaged or was changed after collection: compare its digest with the one the collector printed, and collect again if they differ"
	}
	return ""
}
