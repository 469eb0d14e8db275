package reports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/kubeproof/kubeproof/results"
)

// The workbook's sheets, in order.
const (
	sheetSummary  = "Summary"
	sheetResults  = "Results"
	sheetEvidence = "Evidence"
	sheetBundles  = "Bundles"
)

// chartNodeLimit is the most nodes the summary charts bar by bar; a larger
// cluster is charted per target.
const chartNodeLimit = 30

// Status colours shared by the workbook and the PDF (RGB hex).
var statusRGB = map[results.Status]string{
	results.Pass: "2E7D32", results.Fail: "C62828", results.Warn: "F9A825", results.Info: "1565C0", results.NA: "9E9E9E",
}

// chartStatuses are the verdicts charted (NA is not a finding).
var chartStatuses = []results.Status{results.Pass, results.Fail, results.Warn, results.Info}

var allStatuses = []results.Status{results.Pass, results.Fail, results.Warn, results.Info, results.NA}

func count(t results.Totals, s results.Status) int {
	switch s {
	case results.Pass:
		return t.Pass
	case results.Fail:
		return t.Fail
	case results.Warn:
		return t.Warn
	case results.Info:
		return t.Info
	case results.NA:
		return t.NA
	}
	return 0
}

func sum(t results.Totals) int { return t.Pass + t.Fail + t.Warn + t.Info + t.NA }

// ReportID identifies a report by its inputs and options: the first 16 hex
// digits of the SHA-256 of the sorted bundle digests, the benchmark, the
// analyzer version, the report time and the targets. The PDF prints it on
// every page and the workbook on its summary, so a printout can be matched
// to the run that made it.
func ReportID(rep *results.Report) string {
	h := sha256.New()
	fmt.Fprintf(h, "kubeproof report id v1\nbenchmark %q\nanalyzer %q\ntime %s\ntargets %q\nchecks %q\nskip %q\n",
		rep.BenchmarkNames(), rep.AnalyzerVersion, rep.ReportTime.UTC().Format(time.RFC3339Nano), rep.Targets, rep.Checks, rep.Skip)
	for _, d := range bundleDigests(rep) {
		fmt.Fprintf(h, "bundle %s\n", d)
	}
	// The waivers are an input: the same bundles with other waivers give
	// another report. (Absent without waivers, so that such reports keep
	// their ids.)
	if rep.Waivers != nil {
		fmt.Fprintf(h, "waivers %s\n", rep.Waivers.Digest)
	}
	// How each bundle verified is an input too: the same bundles with
	// other trusted keys give another report.
	var verifications []string
	for _, b := range bundles(rep) {
		verifications = append(verifications, b.Digest.String()+" "+b.Verification)
	}
	sort.Strings(verifications)
	for _, v := range verifications {
		fmt.Fprintf(h, "verification %s\n", v)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// bundleDigests returns the distinct bundle digests of rep, sorted.
func bundleDigests(rep *results.Report) []string {
	seen := map[results.Digest]bool{}
	var out []string
	for _, n := range rep.Scopes() {
		if !seen[n.Bundle.Digest] && !(n.IsCluster() && n.Bundle.Digest == "") {
			seen[n.Bundle.Digest] = true
			out = append(out, n.Bundle.Digest.String())
		}
	}
	sort.Strings(out)
	return out
}

// bundles returns the bundle of each node, each digest once, in node order.
func bundles(rep *results.Report) []results.BundleInfo {
	seen := map[results.Digest]bool{}
	var out []results.BundleInfo
	for _, n := range rep.Scopes() {
		if !seen[n.Bundle.Digest] && !(n.IsCluster() && n.Bundle.Digest == "") {
			seen[n.Bundle.Digest] = true
			out = append(out, n.Bundle)
		}
	}
	return out
}

// targetTotal is one target's verdicts summed over the cluster.
type targetTotal struct {
	Section *results.Section
	Nodes   int
	Totals  results.Totals
}

// targetTotals sums each target over the nodes, in catalog order.
func targetTotals(rep *results.Report) []targetTotal {
	var out []targetTotal
	index := map[string]int{}
	for _, n := range rep.Scopes() {
		for _, tr := range n.Targets {
			i, ok := index[tr.Section.Target]
			if !ok {
				i = len(out)
				index[tr.Section.Target] = i
				out = append(out, targetTotal{Section: tr.Section})
			}
			out[i].Nodes++
			out[i].Totals.Merge(tr.Totals)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return results.CompareIDs(out[i].Section.ID, out[j].Section.ID) < 0 })
	return out
}

func scope(rep *results.Report) string {
	return fmt.Sprintf("%s, %s", plural(len(rep.Nodes), "node"), plural(len(bundleDigests(rep)), "bundle"))
}

// benchmarksText names the report's benchmarks and how the nodes got
// them: "cis-1.6: chosen with --benchmark cis-1.6", or, when each node got
// the benchmark of its version, "cis-1.20 (2 nodes), cis-1.24 (1 node), by
// each node's Kubernetes version".
func benchmarksText(rep *results.Report) string {
	if len(rep.Nodes) == 0 {
		return rep.BenchmarkNames()
	}
	count := map[string]int{}
	reasons := map[string]bool{}
	for _, n := range rep.Nodes {
		count[n.Benchmark]++
		reasons[n.BenchmarkReason] = true
	}
	if len(count) == 1 && len(reasons) == 1 && strings.HasPrefix(rep.Nodes[0].BenchmarkReason, "chosen") {
		return rep.Nodes[0].Benchmark + ": " + rep.Nodes[0].BenchmarkReason
	}
	names := rep.Benchmarks
	if len(names) == 0 {
		names = []string{rep.Benchmark}
	}
	var parts []string
	for _, b := range names {
		parts = append(parts, fmt.Sprintf("%s (%s)", b, plural(count[b], "node")))
	}
	return strings.Join(parts, ", ") + ", by each node's Kubernetes version"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func targetsText(rep *results.Report) string {
	if len(rep.Targets) == 0 {
		return "by node role"
	}
	return strings.Join(rep.Targets, ", ")
}

func reportTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func yesOrEmpty(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func assessment(c *results.Check) string { return c.AssessmentLabel() }

// cellText makes s safe for a cell. Cells are always written as strings,
// so s is never read as a formula; XML 1.0 cannot hold invalid UTF-8 or
// most control characters; bidirectional controls could make a hostile
// value read backwards ("Trojan Source"); all of these become U+FFFD. And
// Excel holds at most 32,767 characters in a cell.
func cellText(s string) string {
	const max = 32000
	bad := func(r rune) bool { return notXMLChar(r) || bidiControl(r) }
	if !utf8.ValidString(s) || strings.IndexFunc(s, bad) >= 0 {
		s = strings.Map(func(r rune) rune {
			if bad(r) {
				return '\uFFFD'
			}
			return r
		}, strings.ToValidUTF8(s, "\uFFFD"))
	}
	if len(s) > max && utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "… (truncated)"
	}
	return s
}

func notXMLChar(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff || r >= 0xd800 && r < 0xe000
}

// bidiControl reports the characters that reorder the text around them.
func bidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

func citationLines(cs []results.Citation) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c.Member)
		if c.Locator != "" {
			b.WriteString(" " + c.Locator)
		}
		b.WriteString(" = " + c.Observed)
		if c.Unverified {
			b.WriteString(" (UNVERIFIED)")
		}
	}
	return b.String()
}

// XLSX writes the Excel report of rep to w.
func XLSX(w io.Writer, rep *results.Report) error {
	x, err := newWorkbook(safeReport(rep))
	if err != nil {
		return fmt.Errorf("xlsx report: %w", err)
	}
	defer x.f.Close()
	for _, step := range []func() error{x.summary, x.results, x.evidence, x.bundles} {
		if err := step(); err != nil {
			return fmt.Errorf("xlsx report: %w", err)
		}
	}
	var buf bytes.Buffer
	if err := x.f.Write(&buf); err != nil {
		return fmt.Errorf("xlsx report: %w", err)
	}
	return normalizeZip(w, buf.Bytes(), rep.ReportTime)
}

// normalizeZip copies the zip archive data to w with its entries sorted by
// name and stamped with the report time, and the defaults of its content
// types sorted: excelize writes stream-written sheets and image content
// types in map order, so its archives differ from run to run. Other
// entries' compressed bytes are copied as they are.
func normalizeZip(w io.Writer, data []byte, t time.Time) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("xlsx report: rereading the workbook: %w", err)
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	date, clock := msDosTime(t)
	zw := zip.NewWriter(w)
	for _, f := range files {
		h := &zip.FileHeader{
			Name:               f.Name,
			Method:             f.Method,
			CRC32:              f.CRC32,
			CompressedSize64:   f.CompressedSize64,
			UncompressedSize64: f.UncompressedSize64,
			// CreateRaw takes the MS-DOS fields as they are.
			ModifiedDate: date,
			ModifiedTime: clock,
		}
		h.SetMode(0o644)
		if f.Name == "[Content_Types].xml" {
			if err := copySortedContentTypes(zw, f, h); err != nil {
				return fmt.Errorf("xlsx report: %w", err)
			}
			continue
		}
		raw, err := f.OpenRaw()
		if err != nil {
			return fmt.Errorf("xlsx report: %w", err)
		}
		out, err := zw.CreateRaw(h)
		if err != nil {
			return fmt.Errorf("xlsx report: %w", err)
		}
		if _, err := io.Copy(out, raw); err != nil {
			return fmt.Errorf("xlsx report: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("xlsx report: %w", err)
	}
	return nil
}

var contentTypeDefault = regexp.MustCompile(`<Default [^>]*(/>|></Default>)`)

// copySortedContentTypes writes the content types with their Default
// elements in order of extension; the Overrides stay where they are.
func copySortedContentTypes(zw *zip.Writer, f *zip.File, h *zip.FileHeader) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	defaults := contentTypeDefault.FindAll(data, -1)
	sorted := append([][]byte(nil), defaults...)
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i], sorted[j]) < 0 })
	i := 0
	data = contentTypeDefault.ReplaceAllFunc(data, func([]byte) []byte { i++; return sorted[i-1] })
	h.Method, h.CRC32, h.CompressedSize64, h.UncompressedSize64 = zip.Deflate, 0, 0, 0
	out, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = out.Write(data)
	return err
}

// msDosTime is t in the MS-DOS date and time fields of a zip header
// (two-second resolution, 1980 to 2107).
func msDosTime(t time.Time) (date, clock uint16) {
	t = t.UTC()
	switch {
	case t.Year() < 1980:
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	case t.Year() > 2107:
		t = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, clock
}

type workbook struct {
	f   *excelize.File
	rep *results.Report

	title, header, text, wrap, number, bold, alert, warn int
}

func newWorkbook(rep *results.Report) (*workbook, error) {
	f := excelize.NewFile()
	// Speed over size: a 1,000-node workbook compresses three times
	// faster for a fifth more bytes.
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	x := &workbook{f: f, rep: rep}
	if err := f.SetSheetName("Sheet1", sheetSummary); err != nil {
		return nil, err
	}
	for _, s := range []string{sheetResults, sheetEvidence, sheetBundles} {
		if _, err := f.NewSheet(s); err != nil {
			return nil, err
		}
	}
	// Printed, sheets are landscape A4, and the summary fits the page
	// width. (Stream sheets take their layout from the worksheet as it is
	// when their stream starts, so it is set first; they keep no sheet
	// properties, so they cannot fit to the page.)
	for _, s := range f.GetSheetList() {
		if err := f.SetPageLayout(s, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape")}); err != nil {
			return nil, err
		}
	}
	if err := f.SetPageLayout(sheetSummary, &excelize.PageLayoutOptions{FitToWidth: ptr(1), FitToHeight: ptr(0)}); err != nil {
		return nil, err
	}
	if err := f.SetSheetProps(sheetSummary, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return nil, err
	}
	t := rep.ReportTime.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:          "CIS Kubernetes Benchmark audit",
		Subject:        rep.BenchmarkNames(),
		Creator:        "kubeproof " + rep.AnalyzerVersion,
		LastModifiedBy: "kubeproof " + rep.AnalyzerVersion,
		Identifier:     ReportID(rep),
		Created:        t,
		Modified:       t,
		Language:       "en-US",
	}); err != nil {
		return nil, err
	}
	top := &excelize.Alignment{Vertical: "top"}
	styles := []struct {
		id *int
		s  *excelize.Style
	}{
		{&x.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}}},
		{&x.header, &excelize.Style{
			Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"37474F"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		}},
		{&x.text, &excelize.Style{Alignment: top}},
		{&x.wrap, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&x.number, &excelize.Style{Alignment: top, NumFmt: 1}},
		{&x.bold, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top}},
		{&x.alert, &excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{statusRGB[results.Fail]}},
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&x.warn, &excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{statusRGB[results.Warn]}},
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
	}
	for _, s := range styles {
		id, err := f.NewStyle(s.s)
		if err != nil {
			return nil, err
		}
		*s.id = id
	}
	return x, nil
}

func ptr[T any](v T) *T { return &v }

func (x *workbook) str(sheet, cell, v string, style int) error {
	if err := x.f.SetCellStr(sheet, cell, cellText(v)); err != nil {
		return err
	}
	return x.f.SetCellStyle(sheet, cell, cell, style)
}

func (x *workbook) int(sheet, cell string, v, style int) error {
	if err := x.f.SetCellInt(sheet, cell, int64(v)); err != nil {
		return err
	}
	return x.f.SetCellStyle(sheet, cell, cell, style)
}

func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

func colName(col int) string {
	c, _ := excelize.ColumnNumberToName(col)
	return c
}

// statusFormats colours a status column by conditional formatting, so the
// colour follows the value through sorting and filtering.
func (x *workbook) statusFormats(sheet, ref string) error {
	var opts []excelize.ConditionalFormatOptions
	for _, s := range allStatuses {
		font := "FFFFFF"
		if s == results.Warn {
			font = "000000"
		}
		id, err := x.f.NewConditionalStyle(&excelize.Style{
			Font: &excelize.Font{Bold: true, Color: font},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{statusRGB[s]}},
		})
		if err != nil {
			return err
		}
		opts = append(opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Value: `"` + string(s) + `"`, Format: &id})
	}
	return x.f.SetConditionalFormat(sheet, ref, opts)
}

func (x *workbook) summary() error {
	const sh = sheetSummary
	rep := x.rep
	if err := x.str(sh, "A1", "CIS Kubernetes Benchmark audit", x.title); err != nil {
		return err
	}
	row := 3
	for _, nt := range notices(rep) {
		st := x.alert
		if !nt.alert {
			st = x.warn
		}
		msg := noticeText(nt, 50)
		if err := x.str(sh, cell(1, row), nt.title, st); err != nil {
			return err
		}
		if err := x.str(sh, cell(2, row), msg, st); err != nil {
			return err
		}
		if err := x.f.SetRowHeight(sh, row, min(409, 15*float64(wrappedLines(msg, 44)))); err != nil {
			return err
		}
		row += 2
	}
	if failed := failedBundles(rep); len(failed) > 0 {
		// The first thing the workbook says, in red.
		if err := x.str(sh, cell(1, row), "VERIFICATION FAILED", x.alert); err != nil {
			return err
		}
		msg := failureWarning(rep, len(failed))
		if err := x.str(sh, cell(2, row), msg, x.alert); err != nil {
			return err
		}
		if err := x.f.SetRowHeight(sh, row, 15*float64(wrappedLines(msg, 44))); err != nil {
			return err
		}
		row += 2
	}
	meta := [][2]string{
		{"Benchmark", benchmarksText(rep)},
		{"Scope", scope(rep)},
		{"Bundles", signatureSummary(rep)},
		{"Targets", targetsText(rep)},
		{"Report time", reportTime(rep.ReportTime)},
		{"Analyzer version", rep.AnalyzerVersion},
		{"Report ID", ReportID(rep)},
	}
	for _, m := range meta {
		if err := x.str(sh, cell(1, row), m[0], x.bold); err != nil {
			return err
		}
		if err := x.str(sh, cell(2, row), m[1], x.text); err != nil {
			return err
		}
		row++
	}
	row++

	counts := func(row, col int, t results.Totals) error {
		for i, s := range allStatuses {
			if err := x.int(sh, cell(col+i, row), count(t, s), x.number); err != nil {
				return err
			}
		}
		return x.int(sh, cell(col+len(allStatuses), row), sum(t), x.number)
	}
	header := func(row int, names ...string) error {
		for i, n := range names {
			if err := x.str(sh, cell(1+i, row), n, x.header); err != nil {
				return err
			}
		}
		return nil
	}
	statusNames := []string{"PASS", "FAIL", "WARN", "INFO", "NA", "Total"}

	// Per target, over the cluster.
	if err := x.str(sh, cell(1, row), "Per target", x.bold); err != nil {
		return err
	}
	row++
	if err := header(row, append([]string{"Target", "Section", "Nodes"}, statusNames...)...); err != nil {
		return err
	}
	row++
	tts := targetTotals(rep)
	targetFirst := row
	for _, tt := range tts {
		if err := x.str(sh, cell(1, row), tt.Section.Target, x.text); err != nil {
			return err
		}
		if err := x.str(sh, cell(2, row), tt.Section.ID+" "+tt.Section.Title, x.wrap); err != nil {
			return err
		}
		if err := x.int(sh, cell(3, row), tt.Nodes, x.number); err != nil {
			return err
		}
		if err := counts(row, 4, tt.Totals); err != nil {
			return err
		}
		row++
	}
	if err := x.str(sh, cell(1, row), "Cluster", x.bold); err != nil {
		return err
	}
	if err := x.int(sh, cell(3, row), len(rep.Nodes), x.number); err != nil {
		return err
	}
	if err := counts(row, 4, rep.Totals); err != nil {
		return err
	}
	targetLast := row - 1
	row += 2

	// Per node.
	if err := x.str(sh, cell(1, row), "Per node", x.bold); err != nil {
		return err
	}
	row++
	if err := header(row, append([]string{"Node", "Roles", "Bundle"}, statusNames...)...); err != nil {
		return err
	}
	row++
	nodeFirst := row
	for _, n := range rep.Scopes() {
		if err := x.str(sh, cell(1, row), n.Node, x.text); err != nil {
			return err
		}
		roles := strings.Join(n.Bundle.Host.Roles, ", ")
		if n.IsCluster() {
			roles = "cluster: policies"
		}
		if err := x.str(sh, cell(2, row), roles, x.text); err != nil {
			return err
		}
		if err := x.str(sh, cell(3, row), n.Bundle.Digest.Short(), x.text); err != nil {
			return err
		}
		if err := counts(row, 4, n.Totals); err != nil {
			return err
		}
		row++
	}
	nodeLast := row - 1

	for col, w := range []float64{24, 44, 14, 9, 9, 9, 9, 9, 9} {
		if err := x.f.SetColWidth(sh, colName(col+1), colName(col+1), w); err != nil {
			return err
		}
	}
	if len(rep.Nodes) == 0 {
		return nil
	}

	// The chart: the status columns are D..G in both tables.
	first, last, cats, what := nodeFirst, nodeLast, "A", "node"
	if len(rep.Nodes) > chartNodeLimit {
		first, last, cats, what = targetFirst, targetLast, "B", "target"
	}
	if last < first {
		return nil
	}
	var series []excelize.ChartSeries
	for i, s := range chartStatuses {
		col := colName(4 + i)
		series = append(series, excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$%d", sh, col, first-1),
			Categories: fmt.Sprintf("%s!$%s$%d:$%s$%d", sh, cats, first, cats, last),
			Values:     fmt.Sprintf("%s!$%s$%d:$%s$%d", sh, col, first, col, last),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{statusRGB[s]}},
		})
	}
	axisFont := excelize.Font{Color: "404040", Size: 9}
	bars := last - first + 1
	height := uint(120 + 22*bars)
	if height < 260 {
		height = 260
	}
	gap := uint(60)
	return x.f.AddChart(sh, "L3", &excelize.Chart{
		Type:      excelize.BarStacked,
		Series:    series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Verdicts per " + what}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 640, Height: height},
		GapWidth:  &gap,
		XAxis: excelize.ChartAxis{Font: axisFont,
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: strings.ToUpper(what[:1]) + what[1:], Font: &axisFont}}}},
		YAxis: excelize.ChartAxis{MajorGridLines: true, Font: axisFont,
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Checks", Font: &axisFont}}}},
		Format: excelize.GraphicOptions{AltText: "PASS, FAIL, WARN and INFO verdicts per " + what},
	})
}

// column is one column of a streamed sheet.
type column struct {
	name  string
	width float64
	wrap  bool
}

// stream writes a sheet of rows through excelize's StreamWriter (a
// 1,000-node cluster has over 100,000 rows), with the header frozen, an
// autofilter and, when statusCol > 0, the status column coloured.
// Formats that live in the worksheet must be set before the stream starts.
func (x *workbook) stream(sheet string, cols []column, rows int, statusCol int, each func(add func(values ...string) error) error) error {
	lastCol := colName(len(cols))
	if err := x.f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", lastCol, rows+1), nil); err != nil {
		return err
	}
	if statusCol > 0 && rows > 0 {
		c := colName(statusCol)
		if err := x.statusFormats(sheet, fmt.Sprintf("%s2:%s%d", c, c, rows+1)); err != nil {
			return err
		}
	}
	sw, err := x.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: x.header, Value: c.name}
	}
	if err := sw.SetRow("A1", hdr, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	row := 1
	values := make([]any, len(cols))
	add := func(v ...string) error {
		row++
		lines := 1
		for i, s := range v {
			style := x.text
			if cols[i].wrap {
				style = x.wrap
				lines = max(lines, wrappedLines(s, cols[i].width))
			}
			values[i] = excelize.Cell{StyleID: style, Value: cellText(s)}
		}
		var opts []excelize.RowOpts
		if lines > 1 {
			// Spreadsheets do not all fit rows to wrapped text on opening.
			opts = append(opts, excelize.RowOpts{Height: 15 * float64(lines)})
		}
		return sw.SetRow(cell(1, row), values[:len(v)], opts...)
	}
	if err := each(add); err != nil {
		return err
	}
	if row != rows+1 {
		return fmt.Errorf("sheet %s: wrote %d rows, expected %d", sheet, row-1, rows)
	}
	return sw.Flush()
}

// wrappedLines estimates how many lines s takes in a wrapped column of
// width characters, at most 20 (Excel rows are at most 409 points high).
func wrappedLines(s string, width float64) int {
	per := width * 1.1 // column widths count digits; text is narrower
	lines := 0
	for _, p := range strings.Split(s, "\n") {
		w := 0.0
		for _, r := range p {
			if r >= 0x1100 && isWide(r) {
				w += 2
			} else {
				w++
			}
		}
		lines += max(1, int(math.Ceil(w/per)))
		if lines >= 20 {
			return 20
		}
	}
	return lines
}

func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || r >= 0xff00 && r <= 0xff60 || r >= 0x3000 && r <= 0x303f
}

func (x *workbook) results() error {
	cols := []column{
		{"Node", 22, false}, {"Benchmark", 10, false}, {"Target", 12, false}, {"Section", 34, true}, {"ID", 8, false},
		{"Title", 60, true}, {"Assessment", 12, false}, {"Status", 9, false}, {"Expected", 30, true},
		{"Observed", 30, true}, {"Reason", 30, true}, {"Remediation", 60, true}, {"Citations", 70, true},
		{"Unverified evidence", 12, false},
	}
	rows := 0
	for _, n := range x.rep.Scopes() {
		for _, tr := range n.Targets {
			rows += len(tr.Results)
		}
	}
	return x.stream(sheetResults, cols, rows, 8, func(add func(...string) error) error {
		for _, n := range x.rep.Scopes() {
			for _, tr := range n.Targets {
				for _, r := range tr.Results {
					c := r.Check
					if err := add(n.Node, n.Benchmark, tr.Section.Target, c.Group+" "+tr.Section.GroupTitle(c.Group), c.ID,
						c.DisplayTitle(), assessment(c), string(r.Status), r.Expected, r.Observed, r.Reason,
						strings.TrimRight(c.Remediation, "\n"), citationLines(r.Citations), yesOrEmpty(r.Unverified)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

func (x *workbook) evidence() error {
	cols := []column{
		{"Node", 22, false}, {"Check", 8, false}, {"Status", 9, false}, {"Bundle digest", 68, false},
		{"Member", 40, true}, {"Member SHA-256", 68, false}, {"Locator", 40, true}, {"Observed", 60, true},
		{"Unverified", 11, false},
	}
	rows := 0
	for _, n := range x.rep.Scopes() {
		for _, tr := range n.Targets {
			for _, r := range tr.Results {
				rows += len(r.Citations)
			}
		}
	}
	return x.stream(sheetEvidence, cols, rows, 3, func(add func(...string) error) error {
		for _, n := range x.rep.Scopes() {
			for _, tr := range n.Targets {
				for _, r := range tr.Results {
					for _, c := range r.Citations {
						if err := add(n.Node, r.Check.ID, string(r.Status), c.Bundle.String(), c.Member,
							c.MemberSHA256.String(), c.Locator, c.Observed, yesOrEmpty(c.Unverified)); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	})
}

func (x *workbook) bundles() error {
	cols := []column{
		{"File", 36, true}, {"Digest", 68, false}, {"Host", 24, false}, {"Roles", 20, false}, {"Platform", 30, true},
		{"Collected at", 22, false}, {"Collector version", 18, false}, {"Format version", 14, false},
		{"Partial", 9, false}, {"Verification", 30, true}, {"Signature", 12, false}, {"Signer key", 18, false},
		{"Problems", 60, true},
	}
	bs := bundles(x.rep)
	platform := map[results.Digest]string{}
	for _, n := range x.rep.Nodes {
		platform[n.Bundle.Digest] = n.PlatformReason
	}
	return x.stream(sheetBundles, cols, len(bs), 0, func(add func(...string) error) error {
		for _, b := range bs {
			if err := add(b.File, b.Digest.String(), b.Host.Hostname, strings.Join(b.Host.Roles, ", "), platform[b.Digest],
				b.CollectedAt.UTC().Format(time.RFC3339), b.CollectorVersion, fmt.Sprint(b.FormatVersion),
				yesNo(b.Partial), b.Verification, b.Signature, b.SignerKeyID, strings.Join(b.Problems, "\n")); err != nil {
				return err
			}
		}
		return nil
	})
}
