package reports

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/internal/fuzzseed"
	"github.com/kubeproof/kubeproof/internal/skips"
	"github.com/kubeproof/kubeproof/results"
)

func renderPDF(t testing.TB, rep *results.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := PDF(&buf, rep); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pdfText extracts the text of a PDF with poppler's pdftotext, keeping
// the physical layout (a row of a table stays one line), one string per
// page, with runs of white space made one space.
func pdfText(t *testing.T, data []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		skips.Skip(t, "pdftotext is not on PATH (Debian: apt-get install poppler-utils); skipping the PDF text checks")
	}
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ")
	}
	return pages
}

func TestPDFText(t *testing.T) {
	rep := testReport()
	mustStatus(t, rep, results.Pass, results.Fail, results.Warn, results.Info, results.NA)
	data := renderPDF(t, rep)
	pages := pdfText(t, data)
	all := strings.Join(pages, " ")
	has := func(where, text, want string) {
		t.Helper()
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q", where, want)
		}
	}

	// Every page has its footer, with the page count.
	for i, p := range pages {
		has(fmt.Sprintf("page %d", i+1), p, fmt.Sprintf("page %d of %d", i+1, len(pages)))
		has(fmt.Sprintf("page %d", i+1), p, "report "+ReportID(rep))
	}

	cover := pages[0]
	for _, want := range []string{"CIS Kubernetes Benchmark audit", "cis-1.6", "4 nodes, 4 bundles", "2024-05-01 10:30:00 UTC",
		"v0.3.0-test", "Report ID " + ReportID(rep), chineseNode} {
		has("the cover", cover, want)
	}
	tot := rep.Totals
	has("the cover", cover, fmt.Sprintf("%d %d %d %d %d PASS FAIL WARN INFO NA", tot.Pass, tot.Fail, tot.Warn, tot.Info, tot.NA))

	summary := pages[1]
	has("the summary", summary, fmt.Sprintf("%d checks passed, %d failed, %d need review (WARN), %d are informational and %d do not apply",
		tot.Pass, tot.Fail, tot.Warn, tot.Info, tot.NA))
	has("the summary", summary, "Verdicts per node")
	for _, n := range rep.Nodes {
		c := n.Totals
		has("the summary", summary, fmt.Sprintf("%s %s %d %d %d %d %d %d", n.Node, strings.Join(n.Bundle.Host.Roles, ", "),
			sum(c), c.Pass, c.Fail, c.Warn, c.Info, c.NA))
	}

	// The failures section: every FAIL and WARN with its evidence.
	start := -1
	for i, p := range pages {
		if strings.Contains(p, "Failures and warnings") {
			start = i
			break
		}
	}
	if start < 0 {
		t.Fatal("no failures section")
	}
	findings := strings.Join(pages[start:], " ")
	fails := 0
	for _, n := range rep.Nodes {
		for _, tr := range n.Targets {
			for _, r := range tr.Results {
				if r.Status != results.Fail && r.Status != results.Warn {
					continue
				}
				fails++
				title := r.Check.DisplayTitle()
				if len(title) > 40 {
					title = title[:strings.LastIndex(title[:40], " ")]
				}
				has("the failures", findings, string(r.Status)+" "+r.Check.ID+" "+title)
				for _, c := range r.Citations {
					has("the failures", findings, "sha256:"+c.MemberSHA256.Short())
				}
			}
		}
	}
	if fails == 0 {
		t.Fatal("fixture has no FAIL or WARN")
	}
	has("the failures", findings, "observed: "+hostileObserved)

	// A remediation longer than a line is printed in full once per check
	// and referred to by page after that.
	refs := regexp.MustCompile(`as for (\S+) on page (\d+)`).FindAllStringSubmatch(findings, -1)
	if len(refs) == 0 {
		t.Error("no remediation is referred to")
	}
	for _, m := range refs {
		if p, _ := strconv.Atoi(m[2]); p < start+1 || p > len(pages) || !strings.Contains(pages[p-1], m[1]+" ") ||
			!strings.Contains(pages[p-1], "Then restart the") {
			t.Errorf("%q: page %s does not hold that remediation", m[0], m[2])
		}
	}

	// The Chinese node name and check title, in the tables and findings.
	has("the report", all, "Node "+chineseNode)
	has("the report", all, "1.9.1 "+chineseTitle+" (Automated)")
	has("the failures", findings, "FAIL 1.9.1 "+chineseTitle)

	// The appendix: every bundle's full digest.
	appendix := pages[len(pages)-1]
	for _, n := range rep.Nodes {
		has("the appendix", appendix, n.Bundle.Digest.String())
	}
}

func TestPDFMetadata(t *testing.T) {
	data := renderPDF(t, testReport())
	for _, want := range []string{"/CreationDate (D:20240501103000)", "/ModDate (D:20240501103000)", "/Type /Outlines"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("PDF lacks %s", want)
		}
	}
	// No trailer /ID: nothing random in the file.
	if bytes.Contains(data, []byte("/ID [")) {
		t.Error("PDF has a trailer /ID")
	}
	// Fonts are subset: the embedded fonts are 5.5 MB.
	if len(data) > 400<<10 {
		t.Errorf("PDF is %d bytes: are the fonts subset?", len(data))
	}
}

func TestPDFDeterministic(t *testing.T) {
	a := renderPDF(t, testReport())
	for i := 0; i < 5; i++ {
		if b := renderPDF(t, testReport()); !bytes.Equal(a, b) {
			t.Fatalf("render %d differs from the first (%d and %d bytes)", i+2, len(a), len(b))
		}
	}
	rep := testReport()
	if b := renderPDF(t, rep); !bytes.Equal(renderPDF(t, rep), b) {
		t.Fatal("the same report rendered twice differs")
	}
	// The report time is the only time in the file: another one changes it.
	other := testReport()
	other.ReportTime = other.ReportTime.Add(time.Hour)
	if bytes.Equal(a, renderPDF(t, other)) {
		t.Fatal("the report time does not reach the PDF")
	}
}

func TestPDFWriteError(t *testing.T) {
	for _, n := range []int{0, 100, 5000} {
		if err := PDF(&failWriter{n: n}, testReport()); !errors.Is(err, errWrite) {
			t.Errorf("after %d bytes: error %v, want %v", n, err, errWrite)
		}
	}
}

func TestPDFEmptyReport(t *testing.T) {
	rep := &results.Report{Benchmark: "cis-1.6", AnalyzerVersion: "v0", ReportTime: fixtureTime}
	pages := pdfText(t, renderPDF(t, rep))
	if !strings.Contains(strings.Join(pages, " "), "No check failed and none needs review.") {
		t.Error("an empty report should say that nothing failed")
	}
}

// TestPDFTablesBreak checks that a node's table that does not fit on one
// page goes on with its header on the next.
func TestPDFTablesBreak(t *testing.T) {
	rep := bigReport(1, 120, 1)
	pages := pdfText(t, renderPDF(t, rep))
	continued := 0
	for _, p := range pages {
		if strings.Contains(p, "(continued) ID Title Status") {
			continued++
		}
	}
	if continued < 2 {
		t.Errorf("%d pages continue a check table with its header, want at least 2", continued)
	}
}

func TestPDFManyNodesChartsTargets(t *testing.T) {
	pages := pdfText(t, renderPDF(t, bigReport(chartNodeLimit+5, 10, 1)))
	if want := fmt.Sprintf("Verdicts per target (%d nodes)", chartNodeLimit+5); !strings.Contains(pages[1], want) {
		t.Errorf("the summary of a large cluster lacks %q", want)
	}
}

func FuzzLayout(f *testing.F) {
	for _, s := range []string{"", "short", hostileNoise, hostileObserved, chineseTitle, longTitle, "\xff\xfe\x00", "a\u0301\u202e\U0001F600\ufffd"} {
		f.Add(s, 30.0)
	}
	adv, err := metrics()
	if err != nil {
		f.Fatal(err)
	}
	d := &pdfDoc{adv: adv}
	f.Fuzz(func(t *testing.T, s string, width float64) {
		if width < 5 || width > 500 || len(s) > 5000 {
			fuzzseed.Unexercised(t, fmt.Sprintf("width %g or %d bytes out of range", width, len(s)))
			return
		}
		for _, l := range d.layoutNew(s, style{size: 8}, width, 0) {
			if l.w > width+1e-9 {
				t.Fatalf("line of %gmm in %gmm", l.w, width)
			}
			for _, r := range l.runs {
				for _, c := range r.text {
					if c > 0xffff || c < 0x20 || d.adv[r.face][c] < 0 {
						t.Fatalf("sets %U, which %s cannot draw", c, faces[r.face].family)
					}
				}
			}
		}
	})
}

func TestPDFLayout(t *testing.T) {
	adv, err := metrics()
	if err != nil {
		t.Fatal(err)
	}
	d := &pdfDoc{adv: adv}
	st := style{size: 8}
	for _, tc := range []struct {
		text  string
		width float64
		lines int
	}{
		{"", 50, 1},
		{"short", 50, 1},
		{"one\ntwo\n\nfour", 50, 4},
		{strings.Repeat("x", 500), 20, 0}, // a word wider than the line breaks anywhere
		{strings.Repeat("确保审计日志已启用", 20), 30, 0},
		{"--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 40, 0},
		{hostileNoise, 60, 0},
		{"\xff\xfe\x00\x01 \U0001F600 \u202e\t\r\n", 60, 2},
	} {
		lines := d.layout(tc.text, st, tc.width, 0)
		if tc.lines > 0 && len(lines) != tc.lines {
			t.Errorf("%.30q in %gmm: %d lines, want %d", tc.text, tc.width, len(lines), tc.lines)
		}
		for i, l := range lines {
			if l.w > tc.width+1e-9 {
				t.Errorf("%.30q in %gmm: line %d is %gmm wide", tc.text, tc.width, i, l.w)
			}
			for _, r := range l.runs {
				for _, c := range r.text {
					if c > 0xffff || c < 0x20 || d.adv[r.face][c] < 0 {
						t.Errorf("%.30q: line %d sets %U, which %s cannot draw", tc.text, i, c, faces[r.face].family)
					}
				}
			}
		}
	}
	if lines := d.layout(strings.Repeat("word ", 200), st, 40, 3); len(lines) != 3 || !strings.HasSuffix(lines[2].runs[len(lines[2].runs)-1].text, "…") {
		t.Errorf("a cut text should end its last line with an ellipsis: %+v", lines)
	}
}

func TestReportID(t *testing.T) {
	rep := testReport()
	id := ReportID(rep)
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
		t.Fatalf("report id %q", id)
	}
	// The node order does not matter; the inputs and options do.
	swapped := testReport()
	swapped.Nodes[0], swapped.Nodes[1] = swapped.Nodes[1], swapped.Nodes[0]
	if ReportID(swapped) != id {
		t.Error("the report id depends on the node order")
	}
	for name, change := range map[string]func(*results.Report){
		"benchmark": func(r *results.Report) { r.Benchmark = "cis-1.7" },
		"version":   func(r *results.Report) { r.AnalyzerVersion = "v9" },
		"time":      func(r *results.Report) { r.ReportTime = r.ReportTime.Add(time.Second) },
		"targets":   func(r *results.Report) { r.Targets = []string{"node"} },
		"bundles":   func(r *results.Report) { r.Nodes = r.Nodes[1:] },
		"checks":    func(r *results.Report) { r.Checks = []string{"1.2"} },
		"skip":      func(r *results.Report) { r.Skip = []string{"1.2.1"} },
		"verification": func(r *results.Report) {
			r.Nodes[0].Bundle.Verification = "unsigned"
		},
	} {
		r := testReport()
		change(r)
		if ReportID(r) == id {
			t.Errorf("changing the %s keeps the report id", name)
		}
	}
}

// BenchmarkReports1000Nodes renders the workbook and the PDF of a
// 1,000-node cluster (120 results per node, 2 citations each). It reports
// the process's peak resident set (VmHWM) as peak-RSS-MiB.
func BenchmarkReports1000Nodes(b *testing.B) {
	rep := bigReport(1000, 120, 2)
	b.ReportAllocs()
	b.ResetTimer()
	var xlsxSize, pdfSize int
	for i := 0; i < b.N; i++ {
		var x, p countWriter
		if err := XLSX(&x, rep); err != nil {
			b.Fatal(err)
		}
		if err := PDF(&p, rep); err != nil {
			b.Fatal(err)
		}
		xlsxSize, pdfSize = x.n, p.n
	}
	b.StopTimer()
	b.ReportMetric(float64(xlsxSize)/(1<<20), "xlsx-MiB")
	b.ReportMetric(float64(pdfSize)/(1<<20), "pdf-MiB")
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MiB")
	}
}

type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// peakRSS reads VmHWM from /proc/self/status (Linux only), in bytes.
func peakRSS() int64 {
	if runtime.GOOS != "linux" {
		return 0
	}
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
