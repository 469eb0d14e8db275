package reports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/kubeproof/kubeproof/fleet"
	"github.com/kubeproof/kubeproof/results"
)

// The workbook's sheets, in order.
const (
	sheetSummary         = "Summary"
	sheetFleet           = "Fleet"
	sheetInconsistencies = "Inconsistencies"
	sheetResults         = "Results"
	sheetWaivers         = "Waivers"
	sheetEvidence        = "Evidence"
	sheetBundles         = "Bundles"
)

// chartNodeLimit is the most nodes the summary charts bar by bar; a larger
// cluster is charted per target.
const chartNodeLimit = 30

// Status colours shared by the workbook and the PDF (RGB hex).
var statusRGB = map[results.Status]string{
	results.Pass: "2E7D32", results.Fail: "C62828", results.Warn: "F9A825", results.Info: "1565C0", results.NA: "9E9E9E",
	results.Waived: "6A1B9A",
}

// bookStatuses are the statuses the workbooks count and colour, in the
// order of their columns: WAIVED, a FAIL or WARN a waiver accepts, beside
// the verdicts it is not.
var bookStatuses = []results.Status{results.Pass, results.Fail, results.Warn, results.Waived, results.Info, results.NA}

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
	case results.Waived:
		return t.Waived
	}
	return 0
}

func sum(t results.Totals) int { return t.Pass + t.Fail + t.Warn + t.Info + t.NA + t.Waived }

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
	rep = safeReport(rep)
	// The sheets: the fleet's when there is a fleet, the waivers' when
	// there are waivers.
	type sheet struct {
		name string
		fill func(*workbook) error
	}
	sheets := []sheet{{sheetSummary, (*workbook).summary}}
	if len(rep.Nodes) > 1 {
		fl := fleet.Summarize(rep)
		sheets = append(sheets,
			sheet{sheetFleet, func(x *workbook) error { return x.fleet(fl) }},
			sheet{sheetInconsistencies, func(x *workbook) error { return x.inconsistencies(fl) }})
	}
	sheets = append(sheets, sheet{sheetResults, (*workbook).results})
	if rep.Waivers != nil {
		sheets = append(sheets, sheet{sheetWaivers, (*workbook).waivers})
	}
	sheets = append(sheets, sheet{sheetEvidence, (*workbook).evidence}, sheet{sheetBundles, (*workbook).bundles})
	var names []string
	for _, s := range sheets {
		names = append(names, s.name)
	}
	x, err := newWorkbook(reportInfo(rep), names...)
	if err != nil {
		return fmt.Errorf("xlsx report: %w", err)
	}
	defer x.f.Close()
	x.rep = rep
	for _, s := range sheets {
		if err := s.fill(x); err != nil {
			return fmt.Errorf("xlsx report: %w", err)
		}
	}
	if err := x.write(w, rep.ReportTime); err != nil {
		return fmt.Errorf("xlsx report: %w", err)
	}
	return nil
}

// write writes the workbook to w, its charts' caches filled in, its zip
// archive made the same for the same workbook (normalizeZip).
func (x *workbook) write(w io.Writer, t time.Time) error {
	var buf bytes.Buffer
	if err := x.f.Write(&buf); err != nil {
		return err
	}
	return normalizeZip(w, buf.Bytes(), t, func(name string) func([]byte) ([]byte, error) {
		if strings.HasPrefix(name, "xl/charts/chart") {
			return func(data []byte) ([]byte, error) { return chartCaches(x.f, data) }
		}
		return nil
	})
}

// normalizeZip copies the zip archive data to w with its entries sorted by
// name and stamped with the report time, and the defaults of its content
// types sorted: excelize writes stream-written sheets and image content
// types in map order, so its archives differ from run to run. rewrite, if
// not nil, returns for an entry's name what rewrites its contents, or nil.
// Other entries' compressed bytes are copied as they are.
func normalizeZip(w io.Writer, data []byte, t time.Time, rewrite func(name string) func([]byte) ([]byte, error)) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("rereading the workbook: %w", err)
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
				return err
			}
			continue
		}
		if rewrite != nil {
			if fn := rewrite(f.Name); fn != nil {
				content, err := readEntry(f)
				if err != nil {
					return err
				}
				if content, err = fn(content); err != nil {
					return fmt.Errorf("%s: %w", f.Name, err)
				}
				if err := writeEntry(zw, h, content); err != nil {
					return err
				}
				continue
			}
		}
		raw, err := f.OpenRaw()
		if err != nil {
			return err
		}
		out, err := zw.CreateRaw(h)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, raw); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return nil
}

var contentTypeDefault = regexp.MustCompile(`<Default [^>]*(/>|></Default>)`)

// copySortedContentTypes writes the content types with their Default
// elements in order of extension; the Overrides stay where they are.
func copySortedContentTypes(zw *zip.Writer, f *zip.File, h *zip.FileHeader) error {
	data, err := readEntry(f)
	if err != nil {
		return err
	}
	defaults := contentTypeDefault.FindAll(data, -1)
	sorted := append([][]byte(nil), defaults...)
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i], sorted[j]) < 0 })
	i := 0
	data = contentTypeDefault.ReplaceAllFunc(data, func([]byte) []byte { i++; return sorted[i-1] })
	return writeEntry(zw, h, data)
}

func readEntry(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// writeEntry writes data, compressed anew, under the header h.
func writeEntry(zw *zip.Writer, h *zip.FileHeader, data []byte) error {
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
	rep *results.Report // nil for a diff's workbook
	id  string

	title, header, inputHeader, text, wrap, number, bold, alert, warn, date, day int
}

// Number formats of the date cells: a time, in UTC as every time of a
// report, and a day.
const (
	timeFormat = `yyyy-mm-dd hh:mm:ss "UTC"`
	dayFormat  = "yyyy-mm-dd"
)

// docInfo is what a document (a workbook, a PDF) says about itself: its
// properties and the footer of its printed pages.
type docInfo struct {
	title, subject, version, id, footer string
	time                                time.Time
}

func reportInfo(rep *results.Report) docInfo {
	id := ReportID(rep)
	return docInfo{title: "CIS Kubernetes Benchmark audit", subject: rep.BenchmarkNames(), version: rep.AnalyzerVersion,
		id: id, footer: "kubeproof report " + id, time: rep.ReportTime}
}

// newWorkbook creates the workbook and its sheets, each set up for
// printing: A4 landscape, fit to the page's width, the header row of a
// table repeated on every page (stream does that), the report id and page
// number in the footer.
func newWorkbook(info docInfo, sheets ...string) (*workbook, error) {
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
	x := &workbook{f: f, id: info.id}
	if err := f.SetSheetName("Sheet1", sheets[0]); err != nil {
		return nil, err
	}
	for _, s := range sheets[1:] {
		if _, err := f.NewSheet(s); err != nil {
			return nil, err
		}
	}
	// Stream sheets take their layout from the worksheet as it is when
	// their stream starts, so it is set first.
	for _, s := range sheets {
		if err := f.SetPageLayout(s, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape"),
			FitToWidth: ptr(1), FitToHeight: ptr(0)}); err != nil {
			return nil, err
		}
		if err := f.SetSheetProps(s, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
			return nil, err
		}
		// &A is the sheet's name, &P and &N the page and the pages.
		if err := f.SetHeaderFooter(s, &excelize.HeaderFooterOptions{
			OddFooter: "&L&8" + strings.ReplaceAll(info.footer, "&", "&&") + "&R&8&A, page &P of &N",
		}); err != nil {
			return nil, err
		}
	}
	t := info.time.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:          info.title,
		Subject:        info.subject,
		Creator:        "kubeproof " + info.version,
		LastModifiedBy: "kubeproof " + info.version,
		Identifier:     info.id,
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
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
		}},
		// The columns the auditor fills in.
		{&x.inputHeader, &excelize.Style{
			Font:      &excelize.Font{Bold: true, Color: "000000"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFE082"}},
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
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
		{&x.date, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}, CustomNumFmt: ptr(timeFormat)}},
		{&x.day, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}, CustomNumFmt: ptr(dayFormat)}},
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

// cellColour is how a cell holding value is coloured: its fill, and the
// colour of its bold text.
type cellColour struct{ value, fill, font string }

// colourOf colours value with fill, in black on WARN's amber, else white.
func colourOf(value, fill string) cellColour {
	if fill == statusRGB[results.Warn] {
		return cellColour{value, fill, "000000"}
	}
	return cellColour{value, fill, "FFFFFF"}
}

// statusColours colour each status the workbooks count.
func statusColours() []cellColour {
	var out []cellColour
	for _, s := range bookStatuses {
		out = append(out, colourOf(string(s), statusRGB[s]))
	}
	return out
}

// colourFormats colours the cells of ref by their value, by conditional
// formatting, so the colour follows the value through sorting and
// filtering.
func (x *workbook) colourFormats(sheet, ref string, colours []cellColour) error {
	var opts []excelize.ConditionalFormatOptions
	for _, c := range colours {
		id, err := x.f.NewConditionalStyle(&excelize.Style{
			Font: &excelize.Font{Bold: true, Color: c.font},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.fill}},
		})
		if err != nil {
			return err
		}
		opts = append(opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Value: `"` + c.value + `"`, Format: &id})
	}
	return x.f.SetConditionalFormat(sheet, ref, opts)
}

// summaryWidths are the widths of the summary's columns.
var summaryWidths = []float64{24, 44, 14, 9, 9, 9, 9, 9, 9, 9, 9}

// collectionWindow is when the first bundle of the report was collected
// and when the last one was.
func collectionWindow(rep *results.Report) (first, last time.Time) {
	for _, b := range bundles(rep) {
		t := b.CollectedAt
		if t.IsZero() {
			continue
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return first, last
}

// clusterText names a node's cluster: "prod-eu (https://10.0.0.1:6443)".
func clusterText(n *results.NodeResult) string {
	c := n.Cluster
	switch {
	case c.Name != "" && c.Endpoint != "":
		return c.Name + " (" + c.Endpoint + ")"
	case c.Name != "":
		return c.Name
	}
	return c.Endpoint
}

// collectionText says how a node's bundle was collected: "live, by root
// (uid 0)".
func collectionText(n *results.NodeResult) string {
	b := n.Bundle
	switch {
	case b.Mode != "" && b.User != "":
		return b.Mode + ", by " + b.User
	case b.Mode != "":
		return b.Mode
	}
	return b.User
}

// waiversText names the waivers file and sums up what its waivers did,
// or "" without one.
func waiversText(rep *results.Report) string {
	ws := rep.Waivers
	if ws == nil {
		return ""
	}
	var expired, unmatched int
	for _, e := range ws.Entries {
		if e.Waiver.Expired {
			expired++
		}
		if e.Matched == 0 {
			unmatched++
		}
	}
	return fmt.Sprintf("%s (sha256:%s): %s; %d results WAIVED, %d expired, %d matching nothing (the Waivers sheet lists them)",
		ws.File, ws.Digest.Short(), plural(len(ws.Entries), "waiver"), rep.Totals.Waived, expired, unmatched)
}

// scoreText is the compliance score: "85.0% (68 of 80 automated checks)".
func scoreText(rep *results.Report) string {
	passed, applicable := rep.Score()
	if applicable == 0 {
		return "no automated check applies"
	}
	return fmt.Sprintf("%.1f%% (%d of %d automated checks pass)", 100*float64(passed)/float64(applicable), passed, applicable)
}

// countedText lists the values of what over the nodes, each with how many
// nodes have it: "v1.29.4 (3 nodes), v1.30.1 (1 node)"; none stands for
// the empty value.
func countedText(rep *results.Report, what func(*results.NodeResult) string, none string) string {
	count := map[string]int{}
	var order []string
	for i := range rep.Nodes {
		v := what(&rep.Nodes[i])
		if v == "" {
			v = none
		}
		if count[v] == 0 {
			order = append(order, v)
		}
		count[v]++
	}
	if len(order) == 1 {
		return order[0]
	}
	slices.Sort(order)
	var parts []string
	for _, v := range order {
		parts = append(parts, fmt.Sprintf("%s (%s)", v, plural(count[v], "node")))
	}
	return strings.Join(parts, ", ")
}

func (x *workbook) summary() error {
	const sh = sheetSummary
	rep := x.rep
	if err := x.str(sh, "A1", "CIS Kubernetes Benchmark audit", x.title); err != nil {
		return err
	}
	row := 3
	// A notice or a value in column B, wrapped, its row as high as it.
	long := func(label, msg string, style, labelStyle int) error {
		msg, lines := fitCell(cellText(msg), summaryWidths[1], "the text report has it whole")
		if err := x.str(sh, cell(1, row), label, labelStyle); err != nil {
			return err
		}
		if err := x.str(sh, cell(2, row), msg, style); err != nil {
			return err
		}
		if lines > 1 {
			return x.f.SetRowHeight(sh, row, rowHeight(lines))
		}
		return nil
	}
	for _, nt := range notices(rep) {
		st := x.alert
		if !nt.alert {
			st = x.warn
		}
		if err := long(nt.title, noticeText(nt, 50), st, st); err != nil {
			return err
		}
		row += 2
	}
	if failed := failedBundles(rep); len(failed) > 0 {
		// The first thing the workbook says, in red.
		if err := long("VERIFICATION FAILED", failureWarning(rep, len(failed)), x.alert, x.alert); err != nil {
			return err
		}
		row += 2
	}
	firstCollected, lastCollected := collectionWindow(rep)
	meta := []struct {
		label string
		value any // a string or a time
	}{
		{"Benchmark", benchmarksText(rep)},
		{"Scope", scope(rep)},
		{"Cluster", countedText(rep, clusterText, "unknown")},
		{"Kubernetes", countedText(rep, kubeVersion, "unknown")},
		{"Distribution", countedText(rep, distribution, "none recognised")},
		{"Bundles", signatureSummary(rep)},
		{"Collection", countedText(rep, collectionText, "unknown")},
		{"First collection", firstCollected},
		{"Last collection", lastCollected},
		{"Targets", targetsText(rep)},
		{"Waivers", waiversText(rep)},
		{"Compliance score", scoreText(rep)},
		{"", "Score: " + results.ScoreRule + "."},
		{"Report time", rep.ReportTime},
		{"Analyzer version", rep.AnalyzerVersion},
		{"Report ID", x.id},
	}
	for _, m := range meta {
		switch v := m.value.(type) {
		case string:
			if v == "" {
				continue
			}
			if err := long(m.label, v, x.wrap, x.bold); err != nil {
				return err
			}
		case time.Time:
			if v.IsZero() {
				continue
			}
			if err := x.str(sh, cell(1, row), m.label, x.bold); err != nil {
				return err
			}
			if err := x.f.SetCellValue(sh, cell(2, row), v.UTC().Truncate(time.Second)); err != nil {
				return err
			}
			if err := x.f.SetCellStyle(sh, cell(2, row), cell(2, row), x.date); err != nil {
				return err
			}
		}
		row++
	}
	row++

	counts := func(row, col int, t results.Totals) error {
		for i, s := range bookStatuses {
			if err := x.int(sh, cell(col+i, row), count(t, s), x.number); err != nil {
				return err
			}
		}
		return x.int(sh, cell(col+len(bookStatuses), row), sum(t), x.number)
	}
	header := func(row int, names ...string) error {
		for i, n := range names {
			if err := x.str(sh, cell(1+i, row), n, x.header); err != nil {
				return err
			}
		}
		return nil
	}
	var statusNames []string
	for _, s := range bookStatuses {
		statusNames = append(statusNames, string(s))
	}
	statusNames = append(statusNames, "Total")

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
		section := cellText(tt.Section.ID + " " + tt.Section.Title)
		if err := x.str(sh, cell(2, row), section, x.wrap); err != nil {
			return err
		}
		if lines := wrappedLines(section, summaryWidths[1]); lines > 1 {
			if err := x.f.SetRowHeight(sh, row, rowHeight(lines)); err != nil {
				return err
			}
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

	for col, w := range summaryWidths {
		if err := x.f.SetColWidth(sh, colName(col+1), colName(col+1), w); err != nil {
			return err
		}
	}
	if len(rep.Nodes) == 0 {
		return nil
	}

	// The chart: the status columns start at D in both tables. NA is no
	// finding; WAIVED is charted when there are waivers.
	first, last, cats, what := nodeFirst, nodeLast, "A", "node"
	if len(rep.Nodes) > chartNodeLimit {
		first, last, cats, what = targetFirst, targetLast, "B", "target"
	}
	if last < first {
		return nil
	}
	var series []excelize.ChartSeries
	var charted []string
	for i, s := range bookStatuses {
		if s == results.NA || s == results.Waived && rep.Waivers == nil {
			continue
		}
		charted = append(charted, string(s))
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
		Format: excelize.GraphicOptions{AltText: strings.Join(charted, ", ") + " per " + what},
	})
}

// kind is what a column of a streamed sheet holds.
type kind uint8

const (
	kText     kind = iota // one line
	kWrap                 // wrapped text
	kNumber               // an int
	kTime                 // a time.Time, shown in UTC to the second
	kDay                  // a time.Time, shown as its day
	kInput                // wrapped text the auditor writes: empty, marked in the header
	kInputDay             // a day the auditor writes
)

// column is one column of a streamed sheet. where, for a wrapped column,
// says where the whole text of a cell cut to fit is.
type column struct {
	name  string
	width float64
	kind  kind
	where string
}

// stream writes a sheet of rows through excelize's StreamWriter (a
// 1,000-node cluster has over 100,000 rows), with the header frozen and
// repeated on every printed page, an autofilter and, when statusCol > 0,
// the status column coloured. Each row gives one value per column: a
// string, an int, a time.Time (the zero time is an empty cell) or nil.
// Formats that live in the worksheet must be set before the stream
// starts: setup, if not nil, sets them.
func (x *workbook) stream(sheet string, cols []column, rows int, statusCol int, setup func() error, each func(add func(values ...any) error) error) error {
	lastCol := colName(len(cols))
	if err := x.f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", lastCol, rows+1), nil); err != nil {
		return err
	}
	// AutoFilter replaces the sheet's properties.
	if err := x.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	if statusCol > 0 && rows > 0 {
		c := colName(statusCol)
		if err := x.colourFormats(sheet, fmt.Sprintf("%s2:%s%d", c, c, rows+1), statusColours()); err != nil {
			return err
		}
	}
	if err := x.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: quoteSheet(sheet) + "!$1:$1", Scope: sheet}); err != nil {
		return err
	}
	if setup != nil {
		if err := setup(); err != nil {
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
		// What the auditor types takes the column's style.
		switch c.kind {
		case kInput:
			err = sw.SetColStyle(i+1, i+1, x.wrap)
		case kInputDay:
			err = sw.SetColStyle(i+1, i+1, x.day)
		}
		if err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	hdr := make([]any, len(cols))
	lines := 1
	for i, c := range cols {
		style := x.header
		if c.kind == kInput || c.kind == kInputDay {
			style = x.inputHeader
		}
		hdr[i] = excelize.Cell{StyleID: style, Value: c.name}
		lines = max(lines, wrappedLines(c.name, c.width-1)) // bold
	}
	if err := sw.SetRow("A1", hdr, excelize.RowOpts{Height: rowHeight(lines)}); err != nil {
		return err
	}
	row := 1
	values := make([]any, len(cols))
	add := func(v ...any) error {
		if len(v) > len(cols) {
			return fmt.Errorf("sheet %s: %d values for %d columns", sheet, len(v), len(cols))
		}
		row++
		lines := 1
		for i, val := range v {
			c := cols[i]
			switch val := val.(type) {
			case string:
				if val == "" {
					values[i] = nil
					continue
				}
				style := x.text
				text := cellText(val)
				if c.kind == kWrap || c.kind == kInput {
					style = x.wrap
					var n int
					text, n = fitCell(text, c.width, c.where)
					lines = max(lines, n)
				}
				values[i] = excelize.Cell{StyleID: style, Value: text}
			case int:
				values[i] = excelize.Cell{StyleID: x.number, Value: val}
			case time.Time:
				values[i] = nil
				if !val.IsZero() {
					style := x.date
					if c.kind == kDay || c.kind == kInputDay {
						style = x.day
					}
					values[i] = excelize.Cell{StyleID: style, Value: val.UTC().Truncate(time.Second)}
				}
			case nil:
				values[i] = nil
			default:
				return fmt.Errorf("sheet %s: column %s: unexpected %T", sheet, c.name, val)
			}
		}
		var opts []excelize.RowOpts
		if lines > 1 {
			opts = append(opts, excelize.RowOpts{Height: rowHeight(lines)})
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

// quoteSheet quotes a sheet name for a formula.
func quoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

// The auditor's columns of the results sheet, and the remediation states
// the status column offers.
var (
	auditColumns = []column{
		{"Owner", 16, kInput, ""}, {"Remediation status", 16, kInput, ""}, {"Due date", 12, kInputDay, ""},
		{"Comment", 40, kInput, ""},
	}
	remediationStates = []string{"Open", "In progress", "Remediated", "Risk accepted", "False positive", "Not applicable"}
)

const everyCitation = "the Evidence sheet lists every citation whole"

func (x *workbook) results() error {
	cols := append([]column{
		{"Node", 22, kText, ""}, {"Benchmark", 11, kText, ""}, {"Target", 12, kText, ""}, {"Section", 26, kWrap, "the benchmark has it"},
		{"ID", 8, kText, ""}, {"Title", 50, kWrap, "the benchmark has it"}, {"Assessment", 12, kText, ""}, {"Status", 10, kText, ""},
		{"Expected", 28, kWrap, "the JSON report has it whole"}, {"Observed", 30, kWrap, everyCitation},
		{"Reason", 28, kWrap, "the JSON report has it whole"}, {"Waiver", 36, kWrap, "the Waivers sheet has it whole"},
		{"Remediation", 50, kWrap, "the benchmark has it"}, {"Citations", 60, kWrap, everyCitation},
		{"Unverified evidence", 12, kText, ""},
	}, auditColumns...)
	rows := 0
	for _, n := range x.rep.Scopes() {
		for _, tr := range n.Targets {
			rows += len(tr.Results)
		}
	}
	first := len(cols) - len(auditColumns) + 1 // the owner's column
	setup := func() error {
		if rows == 0 {
			return nil
		}
		status := excelize.NewDataValidation(true)
		status.SetSqref(fmt.Sprintf("%s2:%s%d", colName(first+1), colName(first+1), rows+1))
		if err := status.SetDropList(remediationStates); err != nil {
			return err
		}
		status.SetInput("Remediation status", "Pick one, or type your own.")
		// Entries other than the list's are allowed (an information
		// message, not an error): teams have their own words.
		status.SetError(excelize.DataValidationErrorStyleInformation, "Remediation status", "Not one of the listed states.")
		if err := x.f.AddDataValidation(sheetResults, status); err != nil {
			return err
		}
		due := excelize.NewDataValidation(true)
		due.SetSqref(fmt.Sprintf("%s2:%s%d", colName(first+2), colName(first+2), rows+1))
		if err := due.SetRange(excelSerial(2000, 1, 1), excelSerial(2199, 12, 31), excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		due.SetError(excelize.DataValidationErrorStyleStop, "Due date", "Enter a date, like 2027-06-30.")
		return x.f.AddDataValidation(sheetResults, due)
	}
	return x.stream(sheetResults, cols, rows, 8, setup, func(add func(...any) error) error {
		for _, n := range x.rep.Scopes() {
			for _, tr := range n.Targets {
				for _, r := range tr.Results {
					c := r.Check
					if err := add(n.Node, n.Benchmark, tr.Section.Target, c.Group+" "+tr.Section.GroupTitle(c.Group), c.ID,
						c.Title, assessment(c), string(r.Shown()), r.Expected, r.Observed, r.Reason, waiverText(&r),
						markupText(c.Remediation), citationLines(r.Citations), yesOrEmpty(r.Unverified)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

// waiverText is the waiver of a result as the results sheet says it: a
// waived result's verdict, and the waiver's note ("FAIL waived until
// 2027-06-30 by j.doe (SEC-1234): …"), or that the waiver expired.
func waiverText(r *results.Result) string {
	note := r.WaiverNote()
	if note == "" || r.Waiver.Expired {
		return note
	}
	return string(r.Status) + " " + note
}

// excelSerial is the spreadsheet serial number of a day (1900 date system).
func excelSerial(y int, m time.Month, d int) float64 {
	return float64(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
}

func (x *workbook) evidence() error {
	cols := []column{
		{"Node", 22, kText, ""}, {"Check", 8, kText, ""}, {"Status", 10, kText, ""}, {"Bundle digest", 68, kText, ""},
		{"Member", 40, kWrap, "the bundle's manifest has it"}, {"Member SHA-256", 68, kText, ""},
		{"Locator", 40, kWrap, "the JSON report has it whole"}, {"Observed", 60, kWrap, "the JSON report has it whole"},
		{"Unverified", 11, kText, ""},
	}
	rows := 0
	for _, n := range x.rep.Scopes() {
		for _, tr := range n.Targets {
			for _, r := range tr.Results {
				rows += len(r.Citations)
			}
		}
	}
	return x.stream(sheetEvidence, cols, rows, 3, nil, func(add func(...any) error) error {
		for _, n := range x.rep.Scopes() {
			for _, tr := range n.Targets {
				for _, r := range tr.Results {
					for _, c := range r.Citations {
						if err := add(n.Node, r.Check.ID, string(r.Shown()), c.Bundle.String(), c.Member,
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

// osText names a host's system: "Ubuntu 22.04.4 LTS (kernel 5.15.0-105, amd64)".
func osText(h results.Host) string {
	s := h.OS.PrettyName
	if s == "" {
		s = strings.TrimSpace(h.OS.ID + " " + h.OS.VersionID)
	}
	var more []string
	if h.Kernel != "" {
		more = append(more, "kernel "+h.Kernel)
	}
	if h.Architecture != "" {
		more = append(more, h.Architecture)
	}
	if len(more) > 0 {
		s = strings.TrimSpace(s + " (" + strings.Join(more, ", ") + ")")
	}
	return s
}

// kubeVersion is the node's Kubernetes version, or those its bundle
// records when the node has none of its own.
func kubeVersion(n *results.NodeResult) string {
	if n.KubeVersion != "" {
		return n.KubeVersion
	}
	var vs []string
	for _, v := range n.Bundle.Host.Kubernetes {
		if !slices.Contains(vs, v.Version) {
			vs = append(vs, v.Version)
		}
	}
	return strings.Join(vs, ", ")
}

// distribution names the distribution a node was recognised as.
func distribution(n *results.NodeResult) string {
	switch {
	case n.PlatformTitle != "":
		return n.PlatformTitle
	case n.Platform != "":
		return n.Platform
	}
	return ""
}

func (x *workbook) bundles() error {
	cols := []column{
		{"File", 36, kWrap, "the JSON report has it whole"}, {"Digest", 68, kText, ""}, {"Host", 24, kText, ""},
		{"Roles", 20, kText, ""}, {"Kubernetes version", 14, kText, ""}, {"Distribution", 18, kWrap, "the JSON report has it whole"},
		{"Recognised by", 30, kWrap, "the JSON report has it whole"}, {"OS", 30, kWrap, "the JSON report has it whole"},
		{"Cluster", 20, kWrap, "the JSON report has it whole"}, {"API endpoint", 28, kWrap, "the JSON report has it whole"},
		{"Collection started", 22, kTime, ""}, {"Collected at", 22, kTime, ""}, {"Mode", 8, kText, ""}, {"User", 14, kText, ""},
		{"Collector version", 18, kText, ""}, {"Format version", 10, kNumber, ""},
		{"Partial", 9, kText, ""}, {"Verification", 30, kWrap, "the JSON report has it whole"}, {"Signature", 12, kText, ""},
		{"Signer key", 18, kText, ""}, {"Problems", 60, kWrap, "the JSON report lists them all"},
	}
	bs := bundles(x.rep)
	node := map[results.Digest]*results.NodeResult{}
	for i := range x.rep.Nodes {
		if n := &x.rep.Nodes[i]; node[n.Bundle.Digest] == nil {
			node[n.Bundle.Digest] = n
		}
	}
	return x.stream(sheetBundles, cols, len(bs), 0, nil, func(add func(...any) error) error {
		for _, b := range bs {
			var version, dist, reason string
			var cluster results.ClusterInfo
			if n := node[b.Digest]; n != nil {
				version, dist, reason, cluster = kubeVersion(n), distribution(n), n.PlatformReason, n.Cluster
			}
			if err := add(b.File, b.Digest.String(), b.Host.Hostname, strings.Join(b.Host.Roles, ", "), version, dist, reason,
				osText(b.Host), cluster.Name, cluster.Endpoint, b.CollectionStarted, b.CollectedAt, b.Mode, b.User,
				b.CollectorVersion, b.FormatVersion,
				yesNo(b.Partial), b.Verification, b.Signature, b.SignerKeyID, strings.Join(b.Problems, "\n")); err != nil {
				return err
			}
		}
		return nil
	})
}
