package reports

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/kubeproof/kubeproof/internal/fuzzseed"
	"github.com/kubeproof/kubeproof/internal/skips"
	"github.com/kubeproof/kubeproof/results"
)

func renderPDF(t testing.TB, rep *results.Report) []byte {
	t.Helper()
	return rendered(t, func(w io.Writer) error { return PDF(w, rep) })
}

// pdfText extracts the text of a PDF with poppler's pdftotext, keeping
// the physical layout (a row of a table stays one line), one string per
// page, with runs of white space made one space.
func pdfText(t *testing.T, data []byte) []string {
	t.Helper()
	pages := pdfPages(t, data)
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ")
	}
	return pages
}

// pdfPages is the text of each page of a PDF as pdftotext -layout gives
// it, lines kept.
func pdfPages(t *testing.T, data []byte) []string {
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
	return strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
}

// section returns the pages from the one that starts with title to the
// next one that starts with another section's title.
func sectionText(pages []string, title string) string {
	start := -1
	for i, p := range pages {
		if strings.HasPrefix(p, title) {
			start = i
			break
		}
	}
	if start < 0 {
		return ""
	}
	end := start + 1
	for end < len(pages) && (strings.HasPrefix(pages[end], title+" (continued)") || !startsSection(pages[end])) {
		end++
	}
	return strings.Join(pages[start:end], " ")
}

var sectionTitles = []string{"Contents", "Summary", "Checks across nodes", "Findings", "Inconsistencies between nodes",
	"Review checklist", "Waivers", "Sign-off", "Appendix A", "Appendix B"}

func startsSection(p string) bool {
	for _, s := range sectionTitles {
		if strings.HasPrefix(p, s+" ") || strings.HasPrefix(p, s+":") {
			return true
		}
	}
	return false
}

func TestPDFText(t *testing.T) {
	rep := pdfReport()
	for _, s := range pdfStatuses {
		if statusCount(rep.Totals, s) == 0 {
			t.Fatalf("fixture has no %s result", s)
		}
	}
	data := renderPDF(t, rep)
	pages := pdfText(t, data)
	all := strings.Join(pages, " ")
	has := func(where, text string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q", where, w)
			}
		}
	}
	lacks := func(where, text string, not ...string) {
		t.Helper()
		for _, w := range not {
			if strings.Contains(text, w) {
				t.Errorf("%s has %q", where, w)
			}
		}
	}

	// Every page has its footer, with the page count.
	for i, p := range pages {
		has(fmt.Sprintf("page %d", i+1), p, fmt.Sprintf("page %d of %d", i+1, len(pages)), "report "+ReportID(rep))
	}

	// The cover: one page, what was audited, how, when, and the score.
	cover := pages[0]
	passed, applicable := rep.Score()
	tot := rep.Totals
	has("the cover", cover, "CIS Kubernetes Benchmark audit", "Cluster "+fixtureCluster+" · API "+fixtureEndpoint,
		"Kubernetes v1.29.4", "Distribution generic Kubernetes", "Benchmark cis-1.6, chosen with --benchmark cis-1.6",
		"Nodes 4 nodes · by role: master 1, node 4",
		"Collected 2024-05-01 06:28:00 → 2024-05-01 09:30:00 UTC (3 h 2 min)", "Collected by root (uid 0), live on the node",
		"Report ID "+ReportID(rep), "Detail failures", "Waivers 4 waivers, waivers.yaml",
		"Compliance score", percent(passed, applicable), fmt.Sprintf("%d of %d automated checks passed", passed, applicable),
		results.ScoreRule[:40],
		fmt.Sprintf("%d %d %d %d %d %d PASS FAIL WARN WAIVED INFO N/A", tot.Pass, tot.Fail, tot.Warn, tot.Waived, tot.Info, tot.NA),
		"WARNING waiver at waivers.yaml:17")
	if !strings.HasPrefix(pages[1], "Contents") {
		t.Errorf("page 2 is not the contents: %.80q", pages[1])
	}

	summary := sectionText(pages, "Summary")
	has("the summary", summary, fmt.Sprintf("Verdicts: %d PASS, %d FAIL, %d WARN (to review), %d WAIVED, %d INFO and %d not applicable",
		tot.Pass, tot.Fail, tot.Warn, tot.Waived, tot.Info, tot.NA), "Verdicts per node", "Most widespread findings")
	// The chart's legend names every verdict it draws, WAIVED and N/A too.
	has("the chart's legend", summary, "Verdicts per node PASS FAIL WARN WAIVED INFO N/A Node")
	for _, n := range rep.Nodes {
		c := n.Totals
		has("the summary", summary, fmt.Sprintf("%s %s cis-1.6 v1.29.4 %d %d %d %d %d %d %d", n.Node, strings.Join(n.Bundle.Host.Roles, ", "),
			statusSum(c), c.Pass, c.Fail, c.Warn, c.Waived, c.Info, c.NA))
	}

	// Every check once, counted over the nodes as the fleet summary does.
	fleetText := sectionText(pages, "Checks across nodes")
	has("the checks across nodes", fleetText, "ID Check Ran PASS FAIL WARN WAIVED INFO N/A")
	// A row: the id, the title's first line, then ran and the counts.
	for _, row := range []string{`4\.2\.6 Ensure that the --protect-kernel-defaults[a-z -]* 4 0 1 0 1 0 2 `,
		`4\.2\.1 Ensure that the --anonymous-auth[a-z -]* 4 2 1 0 0 1 0 `} {
		if !regexp.MustCompile(row).MatchString(fleetText) {
			t.Errorf("the checks across nodes lack a row %s", row)
		}
	}

	// The findings: one block per automated check with a FAIL, WARN or
	// WAIVED, its values with their nodes, waivers, the remediation once.
	findings := sectionText(pages, "Findings")
	has("the findings", findings,
		"FAIL 1.1.12 Ensure that the etcd data directory ownership is set to etcd:etcd (Automated) Outcome FAIL on 1 of 1 node",
		"waiver "+expiredTicket+" (approved by a.smith) expired 2024-01-31; the FAIL stands",
		"Outcome FAIL on 1, WAIVED on 1, NA on 2 of 4 nodes",
		"WAIVED --flag-4.2.6=value 1 node: "+chineseNode+" waived until 2027-06-30 by j.doe ("+waiverTicket+"): kernel defaults are set by the node image",
		"Observed FAIL --anonymous-auth=true 1 node: worker-3",
		"FAIL 1.9.1 "+chineseTitle,
		"Observed FAIL "+hostileObserved)
	// Manual checks are not findings: they are in the checklist.
	lacks("the findings", findings, "1.2.1 Ensure", "4.2.10 Ensure")

	incons := sectionText(pages, "Inconsistencies between nodes")
	has("the inconsistencies", incons, "4.2.1 Ensure that the --anonymous-auth argument is set to false",
		"2 values on 3 nodes that ran the node target · the verdicts differ",
		"PASS --flag-4.2.1=value 2 nodes: control-plane-1, "+chineseNode, "FAIL --anonymous-auth=true 1 node: worker-3",
		"read from facts/processes.json · pid 1003 kubelet")

	checklist := sectionText(pages, "Review checklist")
	has("the checklist", checklist, "2 checks need a person's judgement", "ID Check and what to verify Scope Verdict Initials",
		"1.2.1 Ensure that the --anonymous-auth argument is set to false 1 node", "4.2.10 Ensure that the --tls-cert-file",
		"Found: "+reviewFound, "Waived until 2027-01-01 by j.doe (SEC-77): certificates come from the node's TPM (1 node)")
	lacks("the checklist", checklist, "Evidence")

	waivers := sectionText(pages, "Waivers")
	has("the waivers", waivers, "4 waivers from waivers.yaml (sha256:"+digestOf("waivers.yaml").Short(),
		"Check Applies to Justification Approver Ticket Expires Matched Waived",
		"4.2.6 nodes worker-* kernel defaults are set by the node j.doe "+waiverTicket+" 2027-06-30 3 1",
		"1.1.12 nodes * etcd moved to its own nodes a.smith "+expiredTicket+" 2024-01-31 1 none", "EXPIRED",
		"9.9.9 roles master a check no benchmark has j.doe 2027-01-01 0 0")

	signoff := sectionText(pages, "Sign-off")
	has("the sign-off page", signoff, "Report ID "+ReportID(rep), "Prepared by Reviewed by", "Name Name", "Role Role",
		"Date Date", "Signature Signature", "Exceptions and remarks")

	// Appendix A: the evidence of every finding.
	evidence := sectionText(pages, "Appendix A")
	for _, n := range rep.Nodes {
		for _, tr := range n.Targets {
			for _, r := range tr.Results {
				if r.Check.Review || !isFinding(r.Shown()) {
					continue
				}
				for _, c := range r.Citations {
					has("appendix A", evidence, c.Member+" · "+c.Locator+" · sha256:"+c.MemberSHA256.Short())
				}
			}
		}
	}
	// Appendix B: every bundle's full digest.
	appendix := sectionText(pages, "Appendix B")
	for _, n := range rep.Nodes {
		has("appendix B", appendix, n.Bundle.Digest.String())
	}
	has("the report", all, chineseNode)
}

// TestPDFContents checks the page numbers of the contents against the
// pages the sections start on.
func TestPDFContents(t *testing.T) {
	rep := pdfReport()
	pages := pdfPages(t, renderPDF(t, rep))
	entry := regexp.MustCompile(`^\s*(\S.*?)\s+[. ]{3,}\s*(\d+)\s*$`)
	var titles []string
	for _, l := range strings.Split(pages[1], "\n") {
		m := entry.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		titles = append(titles, m[1])
		p, _ := strconv.Atoi(m[2])
		if m[1] == "Cover" {
			if p != 1 {
				t.Errorf("contents: the cover on page %d", p)
			}
			continue
		}
		if p < 1 || p > len(pages) {
			t.Errorf("contents: %q on page %d of %d", m[1], p, len(pages))
			continue
		}
		if text := strings.Join(strings.Fields(pages[p-1]), " "); !strings.Contains(text, strings.Join(strings.Fields(m[1]), " ")) {
			t.Errorf("contents: %q is on page %d, which lacks it", m[1], p)
		}
	}
	want := []string{"Cover", "Summary", "Checks across nodes", "Findings", "Inconsistencies between nodes", "Review checklist",
		"Waivers", "Sign-off", "Appendix A: evidence by check", "Appendix B: nodes and bundles"}
	for _, w := range want {
		if !slices.Contains(titles, w) {
			t.Errorf("the contents lack %q: %q", w, titles)
		}
	}
	if !slices.ContainsFunc(titles, func(s string) bool { return strings.HasPrefix(s, "4.2.6 Ensure") }) {
		t.Errorf("the contents lack the finding 4.2.6: %q", titles)
	}
}

// TestPDFOutline checks that every section is a bookmark.
func TestPDFOutline(t *testing.T) {
	data := renderPDF(t, pdfReport())
	got := outline(t, data)
	for _, w := range []string{"Cover", "Contents", "Summary", "Checks across nodes", "1 Control Plane Security Configuration (master)",
		"Findings", "1.1.12 Ensure that the etcd data directory ownership is set to etcd:etcd", "4.2.6 Ensure that the --protect-kernel-defaults argument is set to true",
		"Inconsistencies between nodes", "Review checklist", "Waivers", "Sign-off", "Appendix A: evidence by check",
		"Appendix B: nodes and bundles", "Evidence bundles", "1.9.1 " + chineseTitle} {
		if !slices.Contains(got, w) {
			t.Errorf("the outline lacks %q", w)
		}
	}
}

// outline returns the titles of a PDF's bookmarks, which gofpdf writes
// as UTF-16 strings in /Title entries.
func outline(t *testing.T, data []byte) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`(?s)/Title \((.*?[^\\])\)\n`).FindAllSubmatch(data, -1) {
		raw := m[1]
		var b []byte
		for i := 0; i < len(raw); i++ {
			if raw[i] == '\\' && i+1 < len(raw) {
				i++
				switch raw[i] {
				case 'r':
					b = append(b, '\r')
					continue
				case 'n':
					b = append(b, '\n')
					continue
				}
			}
			b = append(b, raw[i])
		}
		if len(b) < 2 || b[0] != 0xfe || b[1] != 0xff {
			continue // the document's title, in PDFDocEncoding
		}
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		out = append(out, string(utf16.Decode(u)))
	}
	if len(out) == 0 {
		t.Fatal("no bookmark found")
	}
	return out
}

// TestPDFDetail checks what each --pdf-detail level puts in Appendix A.
func TestPDFDetail(t *testing.T) {
	rep := pdfReport()
	render := func(detail string) string {
		var buf bytes.Buffer
		if err := PDFWith(&buf, rep, PDFOptions{Detail: detail}); err != nil {
			t.Fatal(err)
		}
		return strings.Join(pdfText(t, buf.Bytes()), " ")
	}
	none, failures, all := render(PDFDetailNone), render(PDFDetailFailures), render(PDFDetailAll)
	if def := render(""); def != failures {
		t.Error("the default detail is not failures")
	}
	// The citation of a PASS: 4.1.1 passes on every node.
	var pass results.Citation
	for _, r := range rep.Nodes[1].Targets[0].Results {
		if r.Check.ID == "4.1.1" {
			pass = r.Citations[0]
		}
	}
	passCite := pass.Locator + " · sha256:" + pass.MemberSHA256.Short()
	for _, tc := range []struct {
		name, text string
		has, lacks []string
	}{
		{"none", none, []string{"Detail none", "leaves out the evidence of each node (--pdf-detail none)"},
			[]string{"Appendix A", "Verdicts per node (continued)", passCite}},
		{"failures", failures, []string{"Appendix A: evidence by check", "The evidence behind the findings"}, []string{passCite}},
		{"all", all, []string{"Appendix A: evidence by check", "every verdict of every automated check but N/A", passCite}, nil},
	} {
		for _, w := range tc.has {
			if !strings.Contains(tc.text, w) {
				t.Errorf("detail %s: the report lacks %q", tc.name, w)
			}
		}
		for _, w := range tc.lacks {
			if strings.Contains(tc.text, w) {
				t.Errorf("detail %s: the report has %q", tc.name, w)
			}
		}
	}
	if err := PDFWith(io.Discard, rep, PDFOptions{Detail: "some"}); err == nil || !strings.Contains(err.Error(), `"some"`) {
		t.Errorf("detail some: error %v", err)
	}
}

// TestPDFRemediationMarkup checks that remediation text is set, not
// printed: no backtick, code in Courier, list items on their own lines.
func TestPDFRemediationMarkup(t *testing.T) {
	var drawn []string
	pdfTextHook = func(s string) { drawn = append(drawn, s) }
	data := renderPDF(t, pdfReport())
	pdfTextHook = nil
	for _, s := range drawn {
		if strings.Contains(s, "`") {
			t.Errorf("the PDF draws a backtick: %q", s)
		}
	}
	for _, code := range []string{"--protect-kernel-defaults=true", "/var/lib/kubelet/config.yaml", "protectKernelDefaults: true"} {
		if !slices.Contains(drawn, code) {
			t.Errorf("the code span %q is not drawn as a run of its own", code)
		}
	}
	if !bytes.Contains(data, []byte("/BaseFont /Courier")) {
		t.Error("no Courier in the PDF")
	}
	findings := sectionText(pdfText(t, data), "Findings")
	for _, want := range []string{"Remediation Set --protect-kernel-defaults=true on the kubelet: • edit /var/lib/kubelet/config.yaml",
		"• restart the kubelet."} {
		if !strings.Contains(findings, want) {
			t.Errorf("the findings lack %q", want)
		}
	}
}

// TestPDFCoverLargeFleet checks that the cover of a large, mixed fleet
// stays one page, its lists counted.
func TestPDFCoverLargeFleet(t *testing.T) {
	rep := bigReport(400, 20, 1)
	for i := range rep.Nodes {
		n := &rep.Nodes[i]
		n.KubeVersion = fmt.Sprintf("v1.%d.%d", 28+i%5, i%3)
		n.Benchmark = []string{"cis-1.9", "cis-1.10", "cis-1.11", "cis-1.12"}[i%4]
		n.BenchmarkReason = n.KubeVersion + " from the kubelet's build info → " + n.Benchmark
		n.Platform, n.PlatformTitle = "k3s", "K3s"
		if i%7 == 0 {
			n.Platform, n.PlatformTitle = "", ""
		}
		n.Cluster = results.ClusterInfo{Name: fmt.Sprintf("cluster-%d", i%6), Endpoint: fmt.Sprintf("https://10.0.%d.1:6443", i%6)}
		n.Bundle.Mode, n.Bundle.User = "live", "root (uid 0)"
	}
	rep.Benchmark, rep.Benchmarks = "", []string{"cis-1.9", "cis-1.10", "cis-1.11", "cis-1.12"}
	for i := 0; i < 30; i++ {
		rep.Refused = append(rep.Refused, results.RefusedBundle{File: fmt.Sprintf("bad-%d.kpb", i), Reason: "truncated"})
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("warning %d: bundles of different clusters are in this report", i))
	}
	pages := pdfText(t, renderPDF(t, rep))
	cover := pages[0]
	for _, want := range []string{"Kubernetes 15 versions: ", "and 12 more", "Distribution K3s on 342 nodes, generic Kubernetes on 58 nodes",
		"Benchmark cis-1.10 on 100 nodes, cis-1.11 on 100 nodes, cis-1.12 on 100 nodes, cis-1.9 on 100 nodes, by each node's Kubernetes version",
		"Cluster 6 clusters: ", "BUNDLES REFUSED"} {
		if !strings.Contains(cover, want) {
			t.Errorf("the cover lacks %q", want)
		}
	}
	if !strings.HasPrefix(pages[1], "Contents") {
		t.Errorf("the cover takes more than a page: page 2 is %.100q", pages[1])
	}
}

// TestPDFSize1000Nodes bounds the PDF of a 1,000-node fleet with the
// default detail.
func TestPDFSize1000Nodes(t *testing.T) {
	if testing.Short() {
		skips.Skip(t, "skipped with -short: renders a 1,000-node report")
	}
	var w countWriter
	if err := PDF(&w, bigReport(1000, 120, 2)); err != nil {
		t.Fatal(err)
	}
	if w.n > 3<<20 {
		t.Errorf("the PDF of 1,000 nodes is %d bytes, want under 3 MiB", w.n)
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
	// With waivers, inconsistencies, a checklist and every detail: the
	// contents page is filled in after the rest, the maps of groups are
	// never iterated.
	for _, detail := range []string{PDFDetailNone, PDFDetailAll} {
		var first []byte
		for i := 0; i < 3; i++ {
			var buf bytes.Buffer
			if err := PDFWith(&buf, pdfReport(), PDFOptions{Detail: detail}); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = buf.Bytes()
			} else if !bytes.Equal(first, buf.Bytes()) {
				t.Fatalf("detail %s: render %d differs from the first", detail, i+1)
			}
		}
	}
}

func TestPDFEmptyReport(t *testing.T) {
	rep := &results.Report{Benchmark: "cis-1.6", AnalyzerVersion: "v0", ReportTime: fixtureTime}
	pages := pdfText(t, renderPDF(t, rep))
	if !strings.Contains(strings.Join(pages, " "), "No automated check failed, none was undecided and none was waived.") {
		t.Error("an empty report should say that nothing failed")
	}
}

// TestPDFTablesBreak checks that a table that does not fit on one page
// goes on with its header on the next.
func TestPDFTablesBreak(t *testing.T) {
	rep := bigReport(1, 120, 1)
	pages := pdfText(t, renderPDF(t, rep))
	continued := 0
	for _, p := range pages {
		if strings.Contains(p, "(continued) ID Check Ran PASS FAIL WARN WAIVED INFO N/A") {
			continued++
		}
	}
	if continued < 2 {
		t.Errorf("%d pages continue a check table with its header, want at least 2", continued)
	}
}

func TestPDFManyNodesChartsTargets(t *testing.T) {
	pages := pdfText(t, renderPDF(t, bigReport(chartNodeLimit+5, 10, 1)))
	summary := sectionText(pages, "Summary")
	if want := fmt.Sprintf("Verdicts per target (%d nodes)", chartNodeLimit+5); !strings.Contains(summary, want) {
		t.Errorf("the summary of a large cluster lacks %q", want)
	}
	// The nodes are listed in Appendix B, not in the summary.
	if strings.Contains(summary, "Verdicts per node") || !strings.Contains(sectionText(pages, "Appendix B"), "Verdicts per node") {
		t.Error("the verdicts per node of a large cluster are not in Appendix B")
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

// BenchmarkPDF1000Nodes renders the PDF of a 1,000-node cluster with the
// default detail, and reports its size.
func BenchmarkPDF1000Nodes(b *testing.B) {
	for _, bc := range []struct {
		name string
		rep  *results.Report
	}{{"alike", bigReport(1000, 120, 2)}, {"varied", variedReport(1000, 120)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for i := 0; i < b.N; i++ {
				var p countWriter
				if err := PDF(&p, bc.rep); err != nil {
					b.Fatal(err)
				}
				size = p.n
			}
			b.ReportMetric(float64(size)/(1<<20), "pdf-MiB")
		})
	}
}

// variedReport is bigReport with what makes a real fleet's findings harder
// to group: every ninth check fails with a value naming its node (a
// certificate path), every thirteenth differs on one node in fifty, and
// every seventeenth is waived on half the nodes.
func variedReport(nodes, checks int) *results.Report {
	rep := bigReport(nodes, checks, 2)
	waiver := &results.Waiver{Line: 1, Check: "x", Nodes: []string{"*"}, Justification: "accepted until the next upgrade",
		Approver: "j.doe", Ticket: "SEC-1", Expires: "2099-12-31"}
	for ni := range rep.Nodes {
		n := &rep.Nodes[ni]
		k := 0
		for ti := range n.Targets {
			for ri := range n.Targets[ti].Results {
				r := &n.Targets[ti].Results[ri]
				k++
				switch {
				case k%9 == 0:
					r.Status = results.Fail
					r.Observed = "--tls-cert-file=/var/lib/kubelet/pki/" + n.Node + ".crt"
					r.Citations = []results.Citation{{Bundle: n.Bundle.Digest, Node: n.Node, Member: "facts/processes.json",
						MemberSHA256: digestOf(n.Node), Locator: "pid 1010 kubelet argv[7]", Observed: r.Observed}}
				case k%13 == 0 && ni%50 == 7:
					r.Status = results.Fail
					r.Observed = "--setting=off"
				case k%17 == 0 && ni%2 == 0 && (r.Status == results.Fail || r.Status == results.Warn):
					r.Waiver = waiver
				}
			}
		}
	}
	rep.Recount()
	return rep
}
