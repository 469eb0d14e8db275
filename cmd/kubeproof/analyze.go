package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/analyzer"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/internal/atomicfile"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/internal/version"
	"github.com/kubeproof/kubeproof/reports"
	"github.com/kubeproof/kubeproof/results"
	"github.com/kubeproof/kubeproof/waivers"
)

func analyzeCommand() *cli.Command {
	return &cli.Command{
		Name:      "analyze",
		Aliases:   []string{"run"},
		Usage:     "replay the CIS benchmark of each node's Kubernetes version against bundles and report every verdict with its evidence",
		ArgsUsage: "BUNDLE|DIR…",
		Flags: slices.Concat([]cli.Flag{
			&cli.StringFlag{Name: "benchmark", Usage: "analyze every node against benchmark `NAME` (embedded: " + strings.Join(catalog.Benchmarks(), ", ") + "); default: the benchmark of each node's Kubernetes version"},
			&cli.StringFlag{Name: "version", Usage: "pick the benchmark of Kubernetes `1.MINOR` for every node, as kube-bench's --version does"},
			&cli.BoolFlag{Name: "json", Usage: "the same as --format json"},
			&cli.StringFlag{Name: "checks-dir", Usage: "load the benchmark's catalog from `DIR` instead of the embedded one"},
			&cli.StringFlag{Name: "targets", Usage: "comma `LIST` of targets to run on every node (master, etcd, controlplane, node, policies); default: by each node's roles"},
			&cli.StringFlag{Name: "check", Usage: "comma list of check or group `IDS` to run, and no others"},
			&cli.StringFlag{Name: "skip", Usage: "comma list of check or group `IDS` to skip (reported as INFO)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "comma list of `FORMATS`: text, json, xlsx, pdf, junit (JUnit XML), sarif (SARIF 2.1.0)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report (one format) to `FILE`, atomically, instead of standard output"},
			&cli.StringFlag{Name: "output-dir", Usage: "write report.<format> for every format into `DIR`, atomically"},
			&cli.IntFlag{Name: "exit-code", Value: 0, Usage: "exit with `CODE` when any check fails"},
			&cli.StringFlag{Name: "report-time", Usage: "report date as `RFC3339` (default: the latest collection time among the bundles)"},
			&cli.BoolFlag{Name: "no-color", Usage: "no colours, even on a terminal"},
			&cli.BoolFlag{Name: "keep-going", Usage: "analyze the bundles that can be read, and list every refused one with its reason on the first page of each report (exit code 5), instead of stopping"},
			&cli.BoolFlag{Name: "all-bundles", Usage: "analyze every bundle of a host, each labelled with its collection time, instead of the newest only"},
			&cli.StringFlag{Name: "waivers", Usage: "apply the risk acceptances of waivers `FILE` (YAML): a FAIL or WARN it covers is shown as WAIVED, with its justification, until the waiver expires"},
			&cli.StringFlag{Name: "pdf-detail", Value: reports.PDFDetailFailures, Usage: "per-node detail in the PDF's appendix: none, failures (FAIL and WARN with their evidence) or all (the citations of every verdict too) `LEVEL`"},
			&cli.BoolFlag{Name: "allow-unverified", Usage: "analyze bundles whose members or signature fail verification, instead of refusing them; " +
				"the report says so on its first page and marks every verdict that rests on a failed member"},
		}, trustFlags(), limitFlags()),
		Action: runAnalyze,
	}
}

func runAnalyze(c *cli.Context) error {
	files, err := bundleFiles(c.Args().Slice())
	if err != nil {
		return err
	}
	stderr := c.App.ErrWriter
	cat, reason, err := fixedCatalog(c)
	if err != nil {
		return err
	}
	opts, err := analysisOptions(c, cat, reason)
	if err != nil {
		return err
	}
	ropts := renderOptions{pdf: reports.PDFOptions{Detail: c.String("pdf-detail")}}
	if !slices.Contains([]string{reports.PDFDetailNone, reports.PDFDetailFailures, reports.PDFDetailAll}, ropts.pdf.Detail) {
		return &exit.UsageError{Err: fmt.Errorf("--pdf-detail %q: want none, failures or all", ropts.pdf.Detail)}
	}
	var wf *waivers.File
	if name := c.String("waivers"); name != "" {
		if wf, err = readWaivers(name); err != nil {
			return err
		}
	}
	formats := splitList(c.String("format"))
	if c.Bool("json") {
		if c.IsSet("format") && c.String("format") != "json" {
			return &exit.UsageError{Err: errors.New("--json is --format json; give one of them")}
		}
		formats = []string{"json"}
	}
	if err := checkFormats(formats, slices.Collect(maps.Keys(renderers)), "text, json, xlsx, pdf, junit, sarif"); err != nil {
		return err
	}
	out, outDir := c.String("output"), c.String("output-dir")
	if err := checkOutputs(c.String("format"), formats, out, outDir); err != nil {
		return err
	}
	rep, err := analyzeFiles(c, files, opts)
	if err != nil {
		return err
	}
	if wf != nil {
		waivers.Apply(rep, wf)
	}
	warn := func(format string, args ...any) {
		fmt.Fprintln(stderr, display.Escape(fmt.Sprintf(format, args...)))
	}
	for _, w := range rep.Warnings {
		warn("warning: %s", w)
	}
	for _, r := range rep.Refused {
		warn("refused: %s: %s", r.File, r.Reason)
	}
	for _, l := range rep.LeftOut {
		warn("left out: %s: %s", l.File, l.Reason)
	}
	for _, n := range rep.Nodes {
		if n.Bundle.Failed() {
			warn("warning: %s: %s; analyzed anyway (--allow-unverified), verdicts resting on failed members are marked", n.Bundle.File, n.Bundle.Verification)
		}
	}
	ropts.color = out == "" && outDir == "" && !c.Bool("no-color") && isTerminal(os.Stdout) && os.Getenv("NO_COLOR") == ""
	if out == "" && outDir == "" {
		if err := renderers[formats[0]](c.App.Writer, rep, ropts); err != nil {
			return err
		}
	} else {
		written, err := writeFiles(formats, out, outDir, "report", func(w io.Writer, format string) error {
			return renderers[format](w, rep, renderOptions{pdf: ropts.pdf})
		})
		if err != nil {
			return err
		}
		t := rep.Totals
		waived := ""
		if rep.Waivers != nil {
			waived = fmt.Sprintf(", %d WAIVED", t.Waived)
		}
		fmt.Fprintf(stderr, "%s: %d PASS, %d FAIL, %d WARN%s, %d INFO, %d not applicable; report id %s\n",
			plural(len(rep.Nodes), "node"), t.Pass, t.Fail, t.Warn, waived, t.Info, t.NA, reports.ReportID(rep))
		for _, name := range written {
			warn("wrote %s", name)
		}
	}
	if len(rep.Refused) > 0 {
		return &exit.RefusedError{Refused: len(rep.Refused), Total: len(rep.Refused) + len(rep.Nodes) + len(rep.LeftOut)}
	}
	if code := c.Int("exit-code"); code != 0 && rep.Totals.Fail > 0 {
		return &exit.CodeError{Code: code, Msg: fmt.Sprintf("%d checks failed", rep.Totals.Fail)}
	}
	return nil
}

// renderOptions are the options of the formats that have some.
type renderOptions struct {
	color bool // text on a terminal
	pdf   reports.PDFOptions
}

// renderers write one format of the report; all take the same results.
var renderers = map[string]func(io.Writer, *results.Report, renderOptions) error{
	"text": func(w io.Writer, rep *results.Report, o renderOptions) error {
		return reports.Text(w, rep, reports.TextOptions{Color: o.color})
	},
	"json":  func(w io.Writer, rep *results.Report, _ renderOptions) error { return reports.JSON(w, rep) },
	"xlsx":  func(w io.Writer, rep *results.Report, _ renderOptions) error { return reports.XLSX(w, rep) },
	"pdf":   func(w io.Writer, rep *results.Report, o renderOptions) error { return reports.PDFWith(w, rep, o.pdf) },
	"junit": func(w io.Writer, rep *results.Report, _ renderOptions) error { return reports.JUnit(w, rep) },
	"sarif": func(w io.Writer, rep *results.Report, _ renderOptions) error { return reports.SARIF(w, rep) },
}

// readWaivers reads and parses the waivers file; a malformed one is a
// usage error naming its line.
func readWaivers(name string) (*waivers.File, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, &exit.UsageError{Err: fmt.Errorf("--waivers %s: %w", name, bareError(err))}
	}
	if !fi.Mode().IsRegular() || fi.Size() > waivers.MaxSize {
		return nil, &exit.UsageError{Err: fmt.Errorf("--waivers %s: not a regular file of at most %d bytes", name, waivers.MaxSize)}
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, &exit.UsageError{Err: fmt.Errorf("--waivers %s: %w", name, bareError(err))}
	}
	wf, err := waivers.Parse(name, data)
	if err != nil {
		return nil, &exit.UsageError{Err: fmt.Errorf("--waivers: %w", err)}
	}
	return wf, nil
}

var extensions = map[string]string{"text": "txt", "json": "json", "xlsx": "xlsx", "pdf": "pdf", "junit": "junit.xml", "sarif": "sarif"}

// checkFormats refuses an empty list of formats and a format not known.
func checkFormats(formats, known []string, want string) error {
	if len(formats) == 0 {
		return &exit.UsageError{Err: errors.New("--format: no format given")}
	}
	for _, f := range formats {
		if !slices.Contains(known, f) {
			return &exit.UsageError{Err: fmt.Errorf("--format %q: want some of %s", f, want)}
		}
	}
	return nil
}

// checkOutputs checks where the formats go: standard output takes one
// format and no binary one, --output one format, --output-dir any.
func checkOutputs(flag string, formats []string, out, outDir string) error {
	switch {
	case out != "" && outDir != "":
		return &exit.UsageError{Err: errors.New("--output and --output-dir exclude each other")}
	case out != "" && len(formats) > 1:
		return &exit.UsageError{Err: errors.New("--output takes one format; use --output-dir for several")}
	case out == "" && outDir == "" && (len(formats) > 1 || formats[0] == "xlsx" || formats[0] == "pdf"):
		return &exit.UsageError{Err: fmt.Errorf("--format %s: give --output-dir DIR (or --output FILE for one format)", flag)}
	}
	return nil
}

// writeFiles writes every format to out, or to DIR/<base>.<extension>
// with --output-dir, each file atomically; on an error none of the files
// of this run is left. It returns the names written.
func writeFiles(formats []string, out, outDir, base string, render func(w io.Writer, format string) error) ([]string, error) {
	var done []*atomicfile.File
	defer func() {
		for _, f := range done {
			f.Abort()
		}
	}()
	names := make([]string, len(formats))
	for i, format := range formats {
		names[i] = out
		if outDir != "" {
			if err := os.MkdirAll(outDir, 0o755); err != nil {
				return nil, fmt.Errorf("--output-dir %s: %w", outDir, bareError(err))
			}
			names[i] = filepath.Join(outDir, base+"."+extensions[format])
		}
		f, err := atomicfile.Create(names[i], 0o644)
		if err != nil {
			return nil, err
		}
		done = append(done, f)
	}
	// The formats are rendered side by side, as many at once as there
	// are CPUs: each reads the same results and writes its own file, so
	// the bytes are what one at a time would give. The slowest start
	// first.
	order := make([]int, len(formats))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return renderCost[formats[b]] - renderCost[formats[a]] })
	errs := make([]error, len(formats))
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for _, i := range order {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = render(done[i], formats[i])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			var we *atomicfile.Error
			if errors.As(err, &we) {
				return nil, we
			}
			return nil, fmt.Errorf("writing %s: %w", names[i], err)
		}
	}
	for i, f := range done {
		if err := f.Commit(); err != nil {
			return nil, err
		}
		names[i] = f.Name()
	}
	done = nil
	return names, nil
}

// renderCost orders the formats for writeFiles, the slowest first (a
// 1,000-node report: the workbook takes longest, then the JSON).
var renderCost = map[string]int{"xlsx": 5, "json": 4, "sarif": 3, "pdf": 2, "text": 1, "junit": 1}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws "analyzing [#####     ] 412/1000" on one terminal line.
func progressBar(w io.Writer) func(done, total int) {
	return progressBarClock(w, time.Now)
}

// progressBarClock draws the bar with the bundles read, the rate and the
// time left, redrawn at most once per cell of the bar or second. The
// clock is read for the terminal only: nothing of it reaches a report.
func progressBarClock(w io.Writer, now func() time.Time) func(done, total int) {
	start := now()
	last, lastAt := -1, start
	return func(done, total int) {
		const width = 30
		filled := done * width / total
		t := now()
		if filled == last && done != total && t.Sub(lastAt) < time.Second {
			return
		}
		last, lastAt = filled, t
		line := fmt.Sprintf("\ranalyzing [%s%s] %d/%d bundles", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total)
		if elapsed := t.Sub(start); done > 0 && elapsed > 0 {
			rate := float64(done) / elapsed.Seconds()
			line += fmt.Sprintf(", %.0f/s", rate)
			if done < total {
				left := time.Duration(float64(total-done) / rate * float64(time.Second))
				line += ", " + left.Round(time.Second).String() + " left"
			}
		}
		fmt.Fprint(w, line+"\x1b[K")
	}
}

func refusedList(rs []results.RefusedBundle) string {
	var b strings.Builder
	for i, r := range rs {
		if i == 20 {
			fmt.Fprintf(&b, "  … and %d more\n", len(rs)-20)
			break
		}
		fmt.Fprintf(&b, "  %s: %s\n", r.File, r.Reason)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// fixedCatalog loads the benchmark that --benchmark or --checks-dir fix
// for every node, with how it was chosen; none means a benchmark per
// node, by its Kubernetes version (or --version).
func fixedCatalog(c *cli.Context) (*catalog.Catalog, string, error) {
	name, dir := c.String("benchmark"), c.String("checks-dir")
	if name != "" && c.IsSet("version") {
		return nil, "", &exit.UsageError{Err: errors.New("--benchmark and --version exclude each other: one names the benchmark, the other picks it")}
	}
	var cat *catalog.Catalog
	var err error
	reason := "chosen with --benchmark " + name
	switch {
	case dir != "" && name == "":
		return nil, "", &exit.UsageError{Err: errors.New("--checks-dir needs --benchmark NAME: the benchmark file DIR/NAME.yaml, or the benchmark of format-1 files")}
	case dir != "":
		cat, err = catalog.LoadDir(dir, name)
		reason = "loaded from --checks-dir " + dir
	case name != "":
		cat, err = catalog.LoadEmbedded(name)
	default:
		return nil, "", nil
	}
	if err != nil {
		var ce *catalog.Error
		if errors.As(err, &ce) {
			return nil, "", &exit.InputError{Err: err}
		}
		return nil, "", &exit.UsageError{Err: err}
	}
	return cat, reason, nil
}

// analysisOptions reads the flags analyze and diff share into the
// analyzer's options; cat and reason are the benchmark fixed for every
// node, if any.
func analysisOptions(c *cli.Context, cat *catalog.Catalog, reason string) (analyzer.Options, error) {
	keys, err := keyring(c)
	if err != nil {
		return analyzer.Options{}, err
	}
	lim, err := limits(c)
	if err != nil {
		return analyzer.Options{}, err
	}
	opts := analyzer.Options{
		Catalog: cat, Targets: splitList(c.String("targets")), Checks: splitList(c.String("check")),
		Skip: splitList(c.String("skip")), Limits: lim, Version: version.Version,
		Trusted: keys, RequireSignature: c.Bool("require-signature"), AllowUnverified: c.Bool("allow-unverified"),
		KeepGoing: c.Bool("keep-going"), CatalogReason: reason, KubeVersion: c.String("version"),
	}
	if err := checkIDs(cat, "--check", opts.Checks); err != nil {
		return analyzer.Options{}, err
	}
	if err := checkIDs(cat, "--skip", opts.Skip); err != nil {
		return analyzer.Options{}, err
	}
	for _, t := range opts.Targets {
		if !slices.Contains(catalog.Targets, t) {
			return analyzer.Options{}, &exit.UsageError{Err: fmt.Errorf("--targets: unknown target %q (want %s)", t, strings.Join(catalog.Targets, ", "))}
		}
	}
	if s := c.String("report-time"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return analyzer.Options{}, &exit.UsageError{Err: fmt.Errorf("--report-time %q: want RFC 3339, like 2021-09-15T08:00:00Z", s)}
		}
		opts.ReportTime = t
	}
	return opts, nil
}

// analyzeFiles analyzes bundle files as analyze does: the newest bundle
// of each host (or all, --all-bundles), every bundle read so that a
// failing run names each one it refuses, and an error when nothing is
// left to audit.
func analyzeFiles(c *cli.Context, files []string, opts analyzer.Options) (*results.Report, error) {
	stderr := c.App.ErrWriter
	lim := opts.Limits
	sel := selectBundles(files, lim, c.Bool("all-bundles"))
	// Every bundle is read, so that a failing run names every bundle it
	// refuses, and a --keep-going one lists them in its reports.
	keepGoing := opts.KeepGoing
	opts.KeepGoing = true
	if len(sel.files) >= 20 && isTerminal(os.Stderr) {
		opts.Progress = progressBar(stderr)
	}
	var rep *results.Report
	var err error
	if len(sel.files) > 0 {
		rep, err = analyzer.Analyze(sel.files, opts)
	} else {
		rep = &results.Report{}
	}
	if opts.Progress != nil {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		return nil, err
	}
	applySelection(rep, sel)
	if len(rep.Refused) > 0 && !keepGoing {
		errs := make([]error, len(rep.Refused))
		for i, r := range rep.Refused {
			errs[i] = r.Err
		}
		return nil, &analyzer.BundleError{Errs: errs}
	}
	if len(rep.Nodes) == 0 && len(rep.Clusters) == 0 {
		return nil, &exit.InputError{Err: fmt.Errorf("every bundle was refused (%s), nothing analyzed:\n%s", plural(len(rep.Refused), "bundle"), refusedList(rep.Refused))}
	}
	if err := nothingToAudit(rep); err != nil {
		return nil, err
	}
	return rep, nil
}
