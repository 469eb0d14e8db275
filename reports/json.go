package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// The JSON report follows kube-bench's --json output (Controls, tests,
// results with test_number, test_desc, status, actual_value,
// expected_result, remediation, scored, type …) so that existing importers
// read it unchanged. Each control adds the node and bundle it is about;
// each result adds its citations.

type jsonReport struct {
	Controls  []jsonControls `json:"Controls"`
	Totals    jsonSummary    `json:"Totals"`
	KubeProof jsonMeta       `json:"kubeproof"`
}

type jsonMeta struct {
	AnalyzerVersion string               `json:"analyzer_version"`
	Benchmark       string               `json:"benchmark"`
	Benchmarks      []string             `json:"benchmarks,omitempty"`
	ReportTime      time.Time            `json:"report_time"`
	Bundles         []results.BundleInfo `json:"bundles"`
	NotApplicable   int                  `json:"total_not_applicable"`
	// VerificationFailed: some bundles failed verification and were
	// analyzed anyway; their citations say which evidence is unverified.
	VerificationFailed bool `json:"verification_failed,omitempty"`
	// Refused bundles could not be read (--keep-going); LeftOut bundles
	// were duplicates or older bundles of a host; Warnings come first.
	Refused  []results.RefusedBundle `json:"refused,omitempty"`
	LeftOut  []results.LeftOutBundle `json:"left_out,omitempty"`
	Warnings []string                `json:"warnings,omitempty"`
	// Waivers is the waivers file the report was made with.
	Waivers *results.WaiverSet `json:"waivers,omitempty"`
}

// jsonSummary counts as kube-bench does, by each result's status (a
// waived FAIL counts as a FAIL), and adds two counts importers ignore:
// the results not applicable, and the FAIL and WARN results a waiver
// covers.
type jsonSummary struct {
	Pass   int `json:"total_pass"`
	Fail   int `json:"total_fail"`
	Warn   int `json:"total_warn"`
	Info   int `json:"total_info"`
	NA     int `json:"total_not_applicable"`
	Waived int `json:"total_waived"`
}

func (s *jsonSummary) add(r *results.Result) {
	switch r.Status {
	case results.Pass:
		s.Pass++
	case results.Fail:
		s.Fail++
	case results.Warn:
		s.Warn++
	case results.Info:
		s.Info++
	case results.NA:
		s.NA++
	}
	if r.Shown() == results.Waived {
		s.Waived++
	}
}

func (s *jsonSummary) merge(o jsonSummary) {
	s.Pass += o.Pass
	s.Fail += o.Fail
	s.Warn += o.Warn
	s.Info += o.Info
	s.NA += o.NA
	s.Waived += o.Waived
}

type jsonControls struct {
	ID              string      `json:"id"`
	Version         string      `json:"version"`
	DetectedVersion string      `json:"detected_version,omitempty"`
	Text            string      `json:"text"`
	NodeType        string      `json:"node_type"`
	Tests           []jsonGroup `json:"tests"`
	jsonSummary
	Node string `json:"node"`
	// Scope is "cluster" for the policies of a cluster, decided once from
	// its API snapshot (Bundle is then the snapshot's, or empty without
	// one); absent for a node.
	Scope  string         `json:"scope,omitempty"`
	Bundle results.Digest `json:"bundle"`
	// Benchmark and BenchmarkReason: which benchmark the node got, and why.
	Benchmark       string `json:"benchmark"`
	BenchmarkReason string `json:"benchmark_reason"`
	// Platform and PlatformReason: the distribution the node was
	// recognised as, and from what; absent for none.
	Platform       string `json:"platform,omitempty"`
	PlatformReason string `json:"platform_reason,omitempty"`
}

type jsonGroup struct {
	Section string       `json:"section"`
	Type    string       `json:"type"`
	Pass    int          `json:"pass"`
	Fail    int          `json:"fail"`
	Warn    int          `json:"warn"`
	Info    int          `json:"info"`
	Desc    string       `json:"desc"`
	Results []jsonResult `json:"results"`
}

type jsonResult struct {
	TestNumber     string             `json:"test_number"`
	TestDesc       string             `json:"test_desc"`
	Audit          string             `json:"audit"`
	AuditEnv       string             `json:"AuditEnv"`
	AuditConfig    string             `json:"AuditConfig"`
	Type           string             `json:"type"`
	Remediation    string             `json:"remediation"`
	TestInfo       []string           `json:"test_info"`
	Status         string             `json:"status"`
	ActualValue    string             `json:"actual_value"`
	Scored         bool               `json:"scored"`
	IsMultiple     bool               `json:"IsMultiple"`
	ExpectedResult string             `json:"expected_result"`
	Reason         string             `json:"reason,omitempty"`
	Explanation    string             `json:"explanation,omitempty"`
	Citations      []results.Citation `json:"citations"`
	Unverified     bool               `json:"unverified,omitempty"`
	// Waiver is the waiver that covers a FAIL or WARN (status keeps
	// the verdict, for importers), or that covered it and expired.
	Waiver *results.Waiver `json:"waiver,omitempty"`
	// Check is the check's stable name in the check library, the same in
	// every benchmark that has it: kubeproof diff matches checks by it
	// across benchmarks.
	Check string `json:"check,omitempty"`
}

// JSON writes the kube-bench compatible report with citations. It streams
// one control at a time, so a large cluster's report is never held twice.
func JSON(w io.Writer, rep *results.Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	meta := jsonMeta{AnalyzerVersion: rep.AnalyzerVersion, Benchmark: rep.Benchmark, Benchmarks: rep.Benchmarks, ReportTime: rep.ReportTime, Bundles: []results.BundleInfo{},
		Refused: rep.Refused, LeftOut: rep.LeftOut, Warnings: rep.Warnings, Waivers: rep.Waivers}
	var totals jsonSummary
	var enc indentedEncoder
	bw.WriteString("{\n  \"Controls\": [")
	first := true
	for _, n := range rep.Scopes() {
		if !n.IsCluster() || n.Bundle.Digest != "" {
			meta.Bundles = append(meta.Bundles, n.Bundle)
		}
		meta.VerificationFailed = meta.VerificationFailed || n.Bundle.Failed()
		meta.NotApplicable += n.Totals.NA
		for _, tr := range n.Targets {
			if first {
				bw.WriteString("\n    ")
			} else {
				bw.WriteString(",\n    ")
			}
			first = false
			c := control(rep, n, tr)
			totals.merge(c.jsonSummary)
			if err := enc.encode(bw, c, "    "); err != nil {
				return err
			}
		}
	}
	if !first {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n  \"Totals\": ")
	if err := encodeIndented(bw, totals, "  "); err != nil {
		return err
	}
	bw.WriteString(",\n  \"kubeproof\": ")
	if err := encodeIndented(bw, meta, "  "); err != nil {
		return err
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// encodeIndented writes v as indented JSON whose lines after the first
// start with prefix, without HTML escaping or a final newline.
func encodeIndented(w *bufio.Writer, v any, prefix string) error {
	var e indentedEncoder
	return e.encode(w, v, prefix)
}

// indentedEncoder is encodeIndented with buffers kept from one value to
// the next: a large report's controls reuse them instead of allocating
// twice each control's size.
type indentedEncoder struct {
	b   bytes.Buffer
	out []byte
}

func (e *indentedEncoder) encode(w *bufio.Writer, v any, prefix string) error {
	e.b.Reset()
	enc := json.NewEncoder(&e.b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	src := bytes.TrimSuffix(e.b.Bytes(), []byte("\n"))
	if cap(e.out) < 2*len(src) {
		e.out = make([]byte, 0, 2*len(src))
	}
	e.out = indentJSON(e.out[:0], src, prefix, "  ")
	// encoding/json leaves DEL, C1 and bidirectional controls raw.
	_, err := w.Write(display.JSON(e.out))
	return err
}

func control(rep *results.Report, n results.NodeResult, tr results.TargetResult) jsonControls {
	version := n.BenchmarkVersion
	if version == "" {
		version = n.Benchmark
	}
	c := jsonControls{
		ID: tr.Section.ID, Version: version, DetectedVersion: minorVersion(n.KubeVersion), Text: tr.Section.Title,
		NodeType: tr.Section.Target, Tests: []jsonGroup{}, Node: n.Node, Scope: n.Scope, Bundle: n.Bundle.Digest,
		Benchmark: n.Benchmark, BenchmarkReason: n.BenchmarkReason, Platform: n.Platform, PlatformReason: n.PlatformReason,
	}
	for i := range tr.Results {
		r := &tr.Results[i]
		c.add(r)
		if len(c.Tests) == 0 || c.Tests[len(c.Tests)-1].Section != r.Check.Group {
			c.Tests = append(c.Tests, jsonGroup{Section: r.Check.Group, Desc: tr.Section.GroupTitle(r.Check.Group), Results: []jsonResult{}})
		}
		g := &c.Tests[len(c.Tests)-1]
		switch r.Status {
		case results.Pass:
			g.Pass++
		case results.Fail:
			g.Fail++
		case results.Warn:
			g.Warn++
		case results.Info:
			g.Info++
		}
		typ := ""
		if r.Check.Review {
			typ = "manual"
		}
		if r.Status == results.Info && r.Reason == "skipped by --skip" {
			typ = "skip"
		}
		g.Results = append(g.Results, jsonResult{
			TestNumber: r.Check.ID, TestDesc: r.Check.DisplayTitle(), Type: typ,
			Remediation: r.Check.Remediation, TestInfo: []string{r.Check.Remediation}, Status: string(r.Status),
			ActualValue: r.Observed, Scored: r.Check.Scored, ExpectedResult: r.Expected, Reason: r.Reason, Explanation: r.Explanation,
			Citations: r.Citations, Unverified: r.Unverified, Check: r.Check.Name, Waiver: r.Waiver,
		})
	}
	return c
}

// minorVersion is a Kubernetes version as kube-bench writes the detected
// one: "1.32" of "v1.32.4"; "" if there is none.
func minorVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	major, rest, ok := strings.Cut(v, ".")
	if !ok {
		return ""
	}
	minor, _, _ := strings.Cut(rest, ".")
	end := 0
	for end < len(minor) && minor[end] >= '0' && minor[end] <= '9' {
		end++
	}
	if end == 0 {
		return ""
	}
	return major + "." + minor[:end]
}
