package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/diff"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/reports"
	"github.com/kubeproof/kubeproof/results"
	"github.com/kubeproof/kubeproof/waivers"
)

func diffCommand() *cli.Command {
	return &cli.Command{
		Name:  "diff",
		Usage: "compare two audits of a cluster: what was fixed, what regressed, and whether the benchmark or the node explains each change (exit 1 when a verdict regressed)",
		ArgsUsage: "OLD NEW\n\n" +
			"OLD and NEW are each a JSON report of kubeproof analyze (report.json), or bundles to analyze:\n" +
			"a bundle, a directory of bundles, or several of these joined with commas (a.kpb,b.kpb).\n" +
			"Bundles are analyzed as analyze does, with the flags below; --old-benchmark and\n" +
			"--new-benchmark name a benchmark for one side (an old bundle against a newer benchmark).\n" +
			"--waivers applies to the bundles of both sides, each as of its own report date; a JSON\n" +
			"report keeps the waivers it was made with. A finding a waiver starts to accept is\n" +
			"\"waived\", one whose waiver ended is \"waiver-ended\": neither counts as a regression.",
		Flags: slices.Concat([]cli.Flag{
			&cli.StringFlag{Name: "benchmark", Usage: "analyze the bundles of both sides against benchmark `NAME` (embedded: " + strings.Join(catalog.Benchmarks(), ", ") + "); default: the benchmark of each node's Kubernetes version"},
			&cli.StringFlag{Name: "old-benchmark", Usage: "analyze OLD's bundles against benchmark `NAME`"},
			&cli.StringFlag{Name: "new-benchmark", Usage: "analyze NEW's bundles against benchmark `NAME`"},
			&cli.StringFlag{Name: "version", Usage: "pick the benchmark of Kubernetes `1.MINOR` for every node, as kube-bench's --version does"},
			&cli.StringFlag{Name: "checks-dir", Usage: "load the benchmark's catalog from `DIR` instead of the embedded one"},
			&cli.StringFlag{Name: "targets", Usage: "comma `LIST` of targets to run on every node; default: by each node's roles"},
			&cli.StringFlag{Name: "check", Usage: "comma list of check or group `IDS` to run, and no others"},
			&cli.StringFlag{Name: "skip", Usage: "comma list of check or group `IDS` to skip (reported as INFO)"},
			&cli.StringFlag{Name: "waivers", Usage: "apply the risk acceptances of waivers `FILE` (YAML) to the bundles of both sides, as analyze does"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "comma list of `FORMATS` of the diff: text, json, xlsx, pdf"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the diff (one format) to `FILE`, atomically, instead of standard output"},
			&cli.StringFlag{Name: "output-dir", Usage: "write diff.<format> for every format into `DIR`, atomically"},
			&cli.StringFlag{Name: "report-time", Usage: "report date of analyzed bundles as `RFC3339` (default: the latest collection time among them)"},
			&cli.BoolFlag{Name: "all-bundles", Usage: "analyze every bundle of a host instead of the newest only"},
			&cli.BoolFlag{Name: "allow-unverified", Usage: "analyze bundles whose members or signature fail verification, marking the verdicts that rest on failed members"},
		}, trustFlags(), limitFlags()),
		Action: runDiff,
	}
}

// diffRenderers write a diff in one format.
var diffRenderers = map[string]func(io.Writer, *diff.Diff) error{
	"text": diff.Text,
	"json": diff.JSON,
	"xlsx": reports.DiffXLSX,
	"pdf":  reports.DiffPDF,
}

func runDiff(c *cli.Context) error {
	if c.NArg() != 2 {
		return &exit.UsageError{Err: fmt.Errorf("diff takes two arguments, OLD and NEW; %d given", c.NArg())}
	}
	formats := splitList(c.String("format"))
	if err := checkFormats(formats, slices.Collect(maps.Keys(diffRenderers)), "text, json, xlsx, pdf"); err != nil {
		return err
	}
	out, outDir := c.String("output"), c.String("output-dir")
	if err := checkOutputs(c.String("format"), formats, out, outDir); err != nil {
		return err
	}
	if c.String("benchmark") != "" && (c.String("old-benchmark") != "" || c.String("new-benchmark") != "") {
		return &exit.UsageError{Err: errors.New("--benchmark names the benchmark of both sides; --old-benchmark and --new-benchmark of one each: give one or the other")}
	}
	var wf *waivers.File
	if name := c.String("waivers"); name != "" {
		var err error
		if wf, err = readWaivers(name); err != nil {
			return err
		}
	}
	var reps [2]*results.Report
	for i, side := range []string{"old", "new"} {
		rep, err := diffSide(c, side, c.Args().Get(i), wf)
		if err != nil {
			return fmt.Errorf("%s: %w", strings.ToUpper(side), err)
		}
		reps[i] = rep
	}
	d := diff.Compare(reps[0], reps[1])
	if out == "" && outDir == "" {
		if err := diffRenderers[formats[0]](c.App.Writer, d); err != nil {
			return err
		}
	} else {
		written, err := writeFiles(formats, out, outDir, "diff", func(w io.Writer, format string) error {
			return diffRenderers[format](w, d)
		})
		if err != nil {
			return err
		}
		for _, name := range written {
			fmt.Fprintln(c.App.ErrWriter, display.Escape("wrote "+name))
		}
	}
	if d.Regressed() {
		return &exit.CodeError{Code: exit.Failed, Msg: fmt.Sprintf("%s regressed", plural(d.Counts.Regressed, "verdict"))}
	}
	return nil
}

// diffSide reads one side: a JSON report (with the waivers it was made
// with), or bundles analyzed with the side's benchmark and the waivers of
// wf, if given.
func diffSide(c *cli.Context, side, arg string, wf *waivers.File) (*results.Report, error) {
	paths := splitList(arg)
	if len(paths) == 0 {
		return nil, &exit.UsageError{Err: fmt.Errorf("no report or bundle given")}
	}
	label := strings.ToUpper(side)
	if len(paths) == 1 {
		if rep, ok, err := readReport(paths[0]); ok || err != nil {
			if err == nil && wf != nil {
				fmt.Fprintln(c.App.ErrWriter, display.Escape(fmt.Sprintf("warning: %s is a JSON report: it keeps the waivers it was made with; --waivers applies to bundles", label)))
			}
			return rep, err
		}
	}
	files, err := bundleFiles(paths)
	if err != nil {
		return nil, err
	}
	cat, reason, err := sideCatalog(c, side)
	if err != nil {
		return nil, err
	}
	opts, err := analysisOptions(c, cat, reason)
	if err != nil {
		return nil, err
	}
	rep, err := analyzeFiles(c, files, opts)
	if err != nil || wf == nil {
		return rep, err
	}
	// What the waivers did on this side: unmatched, expired.
	before := len(rep.Warnings)
	waivers.Apply(rep, wf)
	for _, w := range rep.Warnings[before:] {
		fmt.Fprintln(c.App.ErrWriter, display.Escape(fmt.Sprintf("warning: %s: %s", label, w)))
	}
	return rep, nil
}

// readReport reads path as a JSON report if it is a file that starts
// like one; ok is false for anything else (a bundle, a directory).
func readReport(path string) (rep *results.Report, ok bool, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, false, pathError(path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, false, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, pathError(path, err)
	}
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return nil, false, nil
	}
	rep, err = reports.ReadJSON(bytes.NewReader(data))
	if err != nil {
		return nil, true, &exit.InputError{Err: fmt.Errorf("%s: %w", path, err)}
	}
	return rep, true, nil
}

// sideCatalog is the benchmark fixed for one side's nodes: the side's own
// (--old-benchmark, --new-benchmark), or the one of both.
func sideCatalog(c *cli.Context, side string) (*catalog.Catalog, string, error) {
	flag := side + "-benchmark"
	name := c.String(flag)
	if name == "" {
		return fixedCatalog(c)
	}
	if c.IsSet("version") {
		return nil, "", &exit.UsageError{Err: fmt.Errorf("--%s and --version exclude each other: one names the benchmark, the other picks it", flag)}
	}
	if c.String("checks-dir") != "" {
		return nil, "", &exit.UsageError{Err: fmt.Errorf("--%s names an embedded benchmark; --checks-dir takes --benchmark", flag)}
	}
	cat, err := catalog.LoadEmbedded(name)
	if err != nil {
		var ce *catalog.Error
		if errors.As(err, &ce) {
			return nil, "", &exit.InputError{Err: err}
		}
		return nil, "", &exit.UsageError{Err: fmt.Errorf("--%s: %w", flag, err)}
	}
	return cat, "chosen with --" + flag + " " + name, nil
}
