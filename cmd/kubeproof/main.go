// Command kubeproof verifies, inspects and analyzes kubeproof evidence
// bundles. It never touches the network and needs nothing but its own
// binary and the bundles.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/internal/version"
)

// softMemoryLimit keeps the garbage collector's headroom in check on large
// clusters: the PDF writer keeps every page until the end, and without a
// limit the heap doubles between collections (1,000 nodes to XLSX and PDF:
// 720 MiB peak without, 410 MiB with 384 MiB). At 320 MiB, 1,000 nodes to
// all four formats peak at 362 MiB with GOMAXPROCS=16 (403 MiB at 384),
// for more time spent collecting. It is soft: a run that needs more gets
// more. GOMEMLIMIT overrides it.
const softMemoryLimit = 320 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// run runs the command line and returns the exit code; errors are
// printed here, once, with a hint for the human.
func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.Run(interspersed(app, args))
	if err != nil {
		// Errors quote bundles, file names and catalogs: escaped, as
		// every report is, so that none acts on the terminal.
		fmt.Fprintf(stderr, "kubeproof: %s\n", display.EscapeLines(err.Error()))
		if h := hint(err); h != "" {
			fmt.Fprintf(stderr, "hint: %s\n", h)
		}
	}
	return exit.Code(err)
}

func newApp(stdout, stderr io.Writer) *cli.App {
	onUsage := func(_ *cli.Context, err error, _ bool) error { return &exit.UsageError{Err: err} }
	app := &cli.App{
		Name:      "kubeproof",
		Usage:     "offline CIS Kubernetes benchmark audits from evidence bundles",
		Version:   version.Version,
		Writer:    stdout,
		ErrWriter: stderr,
		// Errors are printed once, by main, with the exit code mapped there.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   onUsage,
		Commands: []*cli.Command{
			verifyCommand(),
			inspectCommand(),
			analyzeCommand(),
			diffCommand(),
			keygenCommand(),
			versionCommand(),
			verifyReleaseCommand(),
			completionCommand(),
			manCommand(),
		},
		// An unknown command is a usage error, exit code 2: the action
		// below runs only when no command matched.
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return &exit.UsageError{Err: fmt.Errorf("unknown command %q", c.Args().First())}
			}
			return cli.ShowAppHelp(c)
		},
	}
	for _, c := range app.Commands {
		c.OnUsageError = onUsage
	}
	return app
}

// hint adds advice for a human to an error.
func hint(err error) string {
	var ue *exit.UsageError
	var ce *catalog.Error
	var ke *bundle.KeyError
	var nr *bundle.NotRegularError
	var ne *exit.NothingError
	var che *exit.ChoiceError
	switch {
	case errors.As(err, &ue) && errors.Is(err, fs.ErrNotExist):
		return "" // the message names the path; nothing to add
	case errors.As(err, &ue):
		return "run 'kubeproof help' for the commands and their flags"
	case errors.As(err, &ne):
		return ne.Hint
	case errors.As(err, &che) && exit.Code(err) == exit.Usage:
		return "analyze such bundles with the bundle of a control plane node of their cluster, or name the benchmark: --benchmark " + newestBenchmark() + ", or --version 1.MINOR as kube-bench takes it"
	case errors.As(err, &nr):
		return ""
	case errors.As(err, &ce):
		return "fix the catalog file named above; docs/catalog-format.md specifies the format"
	case errors.Is(err, bundle.ErrUntrusted):
		return "give the public key of the collector's signing key with --trusted-key NAME.pub, or leave out --require-signature to analyze unsigned bundles, marked as such"
	case errors.Is(err, bundle.ErrSignature):
		return "the bundle's signature does not match its manifest: the manifest or the signature was changed after collection; collect again"
	case errors.Is(err, bundle.ErrIntegrity):
		return "a member was changed, lost or damaged after collection: collect again; 'kubeproof analyze --allow-unverified' reports on the bundle anyway, marking every verdict that rests on such a member"
	case errors.As(err, &ke):
		return "key files are written by kubeproof keygen: NAME.key is the private key, NAME.pub the public key"
	case errors.As(err, new(*releaseFailed)):
		return "copy the release again from where it was published, and check it there first; a file SHA256SUMS does not list does not belong in the directory"
	case exit.Code(err) == exit.BadInput:
		return "the bundle is damaged or was changed after collection: compare its digest with the one the collector printed, and collect again if they differ"
	}
	return ""
}

// newestBenchmark is the newest CIS benchmark, for hints.
func newestBenchmark() string {
	b := catalog.Benchmarks()
	for i := len(b) - 1; i >= 0; i-- {
		if pl, err := catalog.PlatformOf(b[i]); err == nil && pl == "" {
			return b[i]
		}
	}
	return "NAME"
}

// minors writes a range of Kubernetes minor versions ("1.29–1.31").
func minors(r catalog.VersionRange) string {
	if r.To == "" || r.To == r.From {
		return r.From
	}
	return r.From + "–" + r.To
}

// versionCommand prints the analyzer's version and the benchmarks it
// embeds, with the Kubernetes versions each is picked for.
func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print kubeproof's version and its embedded benchmarks",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return &exit.UsageError{Err: fmt.Errorf("version takes no arguments")}
			}
			w := c.App.Writer
			fmt.Fprintf(w, "kubeproof %s\n", version.Version)
			fmt.Fprintf(w, "bundle formats read: %d to %d; catalog formats read: 1 and %d\n", bundle.MinFormatVersion, bundle.FormatVersion, catalog.FormatVersion)
			fmt.Fprintln(w, "embedded benchmarks:")
			pls, err := catalog.Platforms()
			if err != nil {
				return err
			}
			var platform []string
			for _, b := range catalog.Benchmarks() {
				if pl, err := catalog.PlatformOf(b); err != nil {
					return err
				} else if pl != "" {
					platform = append(platform, b)
					continue
				}
				cat, err := catalog.LoadEmbedded(b)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "  %-10s %-40s Kubernetes %s\n", b, cat.Title, minors(cat.Kubernetes))
			}
			if len(platform) > 0 {
				fmt.Fprintln(w, "platform benchmarks (picked for a node detected as the platform):")
			}
			for _, p := range pls {
				for _, b := range platform {
					var ranges []string
					for _, pb := range p.Benchmarks {
						if pb.Benchmark == b {
							ranges = append(ranges, minors(pb.Kubernetes))
						}
					}
					if len(ranges) == 0 {
						continue
					}
					cat, err := catalog.LoadEmbedded(b)
					if err != nil {
						return err
					}
					fmt.Fprintf(w, "  %-10s %-62s Kubernetes %s on %s\n", b, cat.Title, strings.Join(ranges, ", "), p.Title)
				}
			}
			return nil
		},
	}
}
