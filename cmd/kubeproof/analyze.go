package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/analyzer"
	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/atomicfile"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/internal/version"
	"github.com/kubeproof/kubeproof/reports"
)

func analyzeCommand() *cli.Command {
	return &cli.Command{
		Name:      "analyze",
		Usage:     "replay a CIS benchmark against bundles and report every verdict with its evidence",
		ArgsUsage: "BUNDLE|DIR…",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "benchmark", Value: "cis-1.6", Usage: "benchmark `NAME` (embedded: " + strings.Join(analyzer.Benchmarks(), ", ") + ")"},
			&cli.StringFlag{Name: "checks-dir", Usage: "load the benchmark's catalog from `DIR` instead of the embedded one"},
			&cli.StringFlag{Name: "targets", Usage: "comma list of targets to run on every node (master, etcd, controlplane, node, policies); default: by each node's roles"},
			&cli.StringFlag{Name: "check", Usage: "comma list of check or group `IDS` to run, and no others"},
			&cli.StringFlag{Name: "skip", Usage: "comma list of check or group `IDS` to skip (reported as INFO)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or json"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` (atomically) instead of standard output"},
			&cli.IntFlag{Name: "exit-code", Value: 0, Usage: "exit with `CODE` when any check fails"},
			&cli.StringFlag{Name: "report-time", Usage: "report date as `RFC3339` (default: the latest collection time among the bundles)"},
			&cli.BoolFlag{Name: "no-color", Usage: "no colours, even on a terminal"},
		},
		Action: runAnalyze,
	}
}

func runAnalyze(c *cli.Context) error {
	files, err := bundleFiles(c.Args().Slice())
	if err != nil {
		return err
	}
	var cat *analyzer.Catalog
	if dir := c.String("checks-dir"); dir != "" {
		cat, err = analyzer.LoadDir(dir, c.String("benchmark"))
	} else {
		cat, err = analyzer.LoadEmbedded(c.String("benchmark"))
	}
	if err != nil {
		var ce *analyzer.CatalogError
		if errors.As(err, &ce) {
			return &exit.InputError{Err: err}
		}
		return &exit.UsageError{Err: err}
	}
	opts := analyzer.Options{
		Catalog: cat, Targets: splitList(c.String("targets")), Checks: splitList(c.String("check")),
		Skip: splitList(c.String("skip")), Limits: bundle.DefaultLimits, Version: version.Version,
	}
	for _, t := range opts.Targets {
		if !contains(analyzer.Targets, t) {
			return &exit.UsageError{Err: fmt.Errorf("--targets: unknown target %q (want %s)", t, strings.Join(analyzer.Targets, ", "))}
		}
	}
	if s := c.String("report-time"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return &exit.UsageError{Err: fmt.Errorf("--report-time %q: want RFC 3339, like 2021-09-15T08:00:00Z", s)}
		}
		opts.ReportTime = t
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return &exit.UsageError{Err: fmt.Errorf("--format %q: want text or json", format)}
	}
	stderr := c.App.ErrWriter
	if len(files) >= 20 && isTerminal(os.Stderr) {
		opts.Progress = progressBar(stderr)
	}
	rep, err := analyzer.Analyze(files, opts)
	if opts.Progress != nil {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		return err
	}
	out := c.String("output")
	color := out == "" && !c.Bool("no-color") && isTerminal(os.Stdout) && os.Getenv("NO_COLOR") == ""
	render := func(w io.Writer) error {
		if format == "json" {
			return reports.JSON(w, rep)
		}
		return reports.Text(w, rep, reports.TextOptions{Color: color})
	}
	if out != "" {
		f, err := atomicfile.Create(out, 0o644)
		if err != nil {
			return err
		}
		defer f.Abort()
		if err := render(f); err != nil {
			return fmt.Errorf("writing %s: %w", out, err)
		}
		if err := f.Commit(); err != nil {
			return err
		}
	} else if err := render(c.App.Writer); err != nil {
		return err
	}
	if code := c.Int("exit-code"); code != 0 && rep.Totals.Fail > 0 {
		return &exit.CodeError{Code: code, Msg: fmt.Sprintf("%d checks failed", rep.Totals.Fail)}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws "analyzing [#####     ] 412/1000" on one terminal line.
func progressBar(w io.Writer) func(done, total int) {
	last := -1
	return func(done, total int) {
		const width = 30
		filled := done * width / total
		if filled == last && done != total {
			return
		}
		last = filled
		fmt.Fprintf(w, "\ranalyzing [%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total)
	}
}
