package reports

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// The JUnit report is for CI systems (Jenkins, GitLab, Azure DevOps …),
// which show test results and nothing else. It follows the common JUnit
// XSD (Ant's, as Jenkins publishes it): a <testsuites> root with the
// totals, one <testsuite> per node (or cluster) and target, one
// <testcase> per check.
//
// Verdicts map to JUnit outcomes this way:
//   - PASS is a plain testcase: the test passed.
//   - FAIL is a <failure type="FAIL">, its body the expected and observed
//     values, the remediation and every citation.
//   - WARN is <skipped>, its message saying a review is needed. JUnit has
//     no "needs a person" outcome: a failure would break every pipeline on
//     manual checks no evidence can pass, and a pass would hide them;
//     skipped is the outcome CI dashboards show as neither, counted apart.
//     Its body carries what a failure's does, for the reviewer.
//   - INFO and NA are <skipped> too: nothing was tested (a check skipped
//     with --skip, informational; a component that does not run here).
//
// Each suite's <properties> keep the counts per verdict (so WARN can be
// told from INFO and NA), the bundle, the benchmark and why.
//
// A bundle refused with --keep-going is an <error type="REFUSED"> in a
// last suite, "bundles not analyzed": the run could not test that node,
// which is what a JUnit error means. errors is 0 whenever every bundle
// was analyzed. That suite's <system-out> also holds the report's
// warnings and the bundles left out, which every format shows.
//
// No clock is read: time is 0 and timestamp is the report time, so the
// same report gives the same bytes. Every string from a bundle is escaped
// for display (internal/display) before encoding/xml escapes it for XML,
// so no control or bidirectional character reaches a CI page.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Hostname   string          `xml:"hostname,attr"`
	ID         int             `xml:"id,attr"`
	Package    string          `xml:"package,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out"`
	SystemErr  string          `xml:"system-err"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitOutcome `xml:"failure"`
	Error     *junitOutcome `xml:"error"`
	Skipped   *junitOutcome `xml:"skipped"`
}

type junitOutcome struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

// JUnit writes the report as JUnit XML: a testsuite per node or cluster
// and target, a testcase per check.
func JUnit(w io.Writer, rep *results.Report) error {
	root := junitSuites{Name: display.Escape("kubeproof " + rep.BenchmarkNames() + " report " + ReportID(rep)), Time: "0"}
	stamp := rep.ReportTime.UTC().Format("2006-01-02T15:04:05")
	for _, n := range rep.Scopes() {
		for _, tr := range n.Targets {
			s := junitSuite{
				Name:      display.Escape(suiteName(n, tr)),
				Time:      "0",
				Timestamp: stamp,
				Hostname:  display.Escape(n.Node),
				ID:        len(root.Suites),
				Package:   display.Escape(n.Benchmark + " " + tr.Section.Target),
			}
			s.Properties = suiteProperties(n, tr)
			for _, r := range tr.Results {
				s.Cases = append(s.Cases, junitTestcase(n, tr, r))
				s.Tests++
				switch r.Shown() {
				case results.Pass:
				case results.Fail:
					s.Failures++
				default:
					s.Skipped++
				}
			}
			root.Suites = append(root.Suites, s)
		}
	}
	if len(rep.Refused) > 0 || len(rep.LeftOut) > 0 || len(rep.Warnings) > 0 {
		s := junitSuite{Name: "bundles not analyzed", Time: "0", Timestamp: stamp, Hostname: "kubeproof", ID: len(root.Suites), Package: "kubeproof",
			Properties: []junitProperty{{"refused", strconv.Itoa(len(rep.Refused))}, {"left_out", strconv.Itoa(len(rep.LeftOut))}, {"warnings", strconv.Itoa(len(rep.Warnings))}}}
		for _, r := range rep.Refused {
			s.Cases = append(s.Cases, junitCase{Name: display.Escape(r.File), Classname: "kubeproof.refused", Time: "0",
				Error: &junitOutcome{Message: display.Escape(r.Reason), Type: "REFUSED", Body: display.EscapeLines(r.Reason)}})
			s.Tests++
			s.Errors++
		}
		// Bundles left out and warnings are no failures, but a suite
		// must hold a testcase for each thing it reports.
		for _, l := range rep.LeftOut {
			s.Cases = append(s.Cases, junitCase{Name: display.Escape(l.File), Classname: "kubeproof.left_out", Time: "0",
				Skipped: &junitOutcome{Message: display.Escape(shorten(l.Reason, 300))}})
			s.Tests++
			s.Skipped++
		}
		for i, w := range rep.Warnings {
			s.Cases = append(s.Cases, junitCase{Name: fmt.Sprintf("warning %d", i+1), Classname: "kubeproof.warning", Time: "0",
				Skipped: &junitOutcome{Message: display.Escape(shorten(w, 300)), Body: display.EscapeLines(w)}})
			s.Tests++
			s.Skipped++
		}
		var out strings.Builder
		for _, nt := range notices(rep) {
			out.WriteString(display.EscapeLines(noticeText(nt, 1000)) + "\n")
		}
		s.SystemOut = out.String()
		root.Suites = append(root.Suites, s)
	}
	for _, s := range root.Suites {
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Errors += s.Errors
		root.Skipped += s.Skipped
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	bw.WriteString("\n")
	return bw.Flush()
}

// suiteName is "k8s-master-1 master (cis-1.12)", or for a cluster
// "cluster prod policies (cis-1.12)".
func suiteName(n results.NodeResult, tr results.TargetResult) string {
	name := n.Node
	if n.IsCluster() {
		name = n.Title()
	}
	return name + " " + tr.Section.Target + " (" + n.Benchmark + ")"
}

func suiteProperties(n results.NodeResult, tr results.TargetResult) []junitProperty {
	p := []junitProperty{
		{"scope", n.ScopeLabel()},
		{"node", n.Node},
		{"benchmark", n.Benchmark},
		{"benchmark_reason", n.BenchmarkReason},
		{"target", tr.Section.Target},
		{"section", tr.Section.ID + " " + tr.Section.Title},
	}
	if n.Bundle.Digest != "" {
		p = append(p, junitProperty{"bundle", n.Bundle.Digest.Prefixed()}, junitProperty{"bundle_file", n.Bundle.File},
			junitProperty{"verification", n.Bundle.Verification})
	}
	if n.Platform != "" {
		p = append(p, junitProperty{"platform", n.Platform})
	}
	t := tr.Totals
	for _, c := range []struct {
		name string
		n    int
	}{{"pass", t.Pass}, {"fail", t.Fail}, {"warn", t.Warn}, {"info", t.Info}, {"na", t.NA}, {"waived", t.Waived}} {
		p = append(p, junitProperty{c.name, strconv.Itoa(c.n)})
	}
	for i := range p {
		p[i].Value = display.Escape(p[i].Value)
	}
	return p
}

func junitTestcase(n results.NodeResult, tr results.TargetResult, r results.Result) junitCase {
	c := r.Check
	class := c.Group
	if t := tr.Section.GroupTitle(c.Group); t != "" {
		class += " " + t
	}
	tc := junitCase{
		Name:      display.Escape(c.ID + " " + c.Title),
		Classname: display.Escape(n.Benchmark + " " + class),
		Time:      "0",
	}
	switch r.Shown() {
	case results.Pass:
	case results.Waived:
		// An accepted risk is no failure of the build, and no pass.
		tc.Skipped = &junitOutcome{Message: display.Escape(shorten(r.WaiverNote(), 300)), Body: outcomeBody(r)}
	case results.Fail:
		tc.Failure = &junitOutcome{Message: display.Escape(shorten(outcomeMessage(r), 300)), Type: "FAIL", Body: outcomeBody(r)}
	case results.Warn:
		tc.Skipped = &junitOutcome{Message: display.Escape(shorten("review needed: "+outcomeMessage(r), 300)), Body: outcomeBody(r)}
	case results.Info:
		tc.Skipped = &junitOutcome{Message: display.Escape(shorten("informational: "+outcomeMessage(r), 300))}
	default:
		tc.Skipped = &junitOutcome{Message: display.Escape(shorten("not applicable: "+outcomeMessage(r), 300))}
	}
	return tc
}

// outcomeMessage is the reason of a verdict, or its expected and
// observed values.
func outcomeMessage(r results.Result) string {
	if r.Reason != "" {
		return r.Reason
	}
	if r.Expected != "" || r.Observed != "" {
		return "expected " + r.Expected + ", observed " + r.Observed
	}
	return string(r.Status)
}

// outcomeBody is what a reader needs to act on a FAIL or WARN: the
// values, why, the remediation and the evidence.
func outcomeBody(r results.Result) string {
	var b strings.Builder
	line := func(label, s string) {
		if s != "" {
			b.WriteString(label + ": " + display.Escape(s) + "\n")
		}
	}
	line("status", string(r.Status))
	line("waiver", r.WaiverNote())
	line("expected", r.Expected)
	line("observed", r.Observed)
	line("reason", r.Reason)
	line("note", r.Explanation)
	if r.Unverified {
		b.WriteString("UNVERIFIED: some evidence comes from members that failed verification\n")
	}
	if rem := strings.TrimSpace(r.Check.Remediation); rem != "" {
		b.WriteString("remediation:\n" + display.EscapeLines(markupText(rem)) + "\n")
	}
	if len(r.Citations) > 0 {
		b.WriteString("evidence:\n")
	}
	for _, c := range r.Citations {
		mark := ""
		if c.Unverified {
			mark = " (UNVERIFIED)"
		}
		b.WriteString("  " + display.Escape(fmt.Sprintf("%s %s %s: %s = %s", c.Bundle.Prefixed(), c.Node, c.Member, c.Locator, shorten(c.Observed, 500))) + mark + "\n")
	}
	return b.String()
}
