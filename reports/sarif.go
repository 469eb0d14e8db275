package reports

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// The SARIF report is a SARIF 2.1.0 log for code-scanning dashboards: one
// run of the tool "kubeproof", one rule per check of each benchmark in
// the report (its id "cis-1.6/1.2.21"), and one result per finding.
//
// Findings only: a FAIL is a result of level "error", a WARN (a review is
// needed) one of level "warning"; both have kind "fail", the default, as
// SARIF requires of any level but "none". PASS, INFO and NA verdicts are
// left out: a dashboard closes an alert when its result is gone, and a
// thousand nodes' passing checks would make the log large and say
// nothing a dashboard shows. The run's properties carry the totals of
// every verdict, so that what is left out is counted.
//
// Locations point at bundle members: each citation is a location whose
// artifactLocation has the member's path as a relative uri and, as
// uriBaseId, "BUNDLE_" and the first 12 hex digits of the bundle's
// digest; run.originalUriBaseIds maps each such id to
// "bundle:sha256:<digest>/" and says which node's bundle it is. The
// citation's locator ("pid 1010 kube-apiserver argv[12]") is the
// location's logical location and its message; a locator that names a
// line ("… (line 7)") gives the region's startLine.
//
// partialFingerprints["kubeproof/v1"] is the SHA-256 of the check id, the
// node and the members cited, none of which changes between two
// collections of an unchanged node, so a dashboard tracks one finding
// across runs.
//
// Strings from bundles keep their values (JSON escapes them), but for
// DEL, C1 and bidirectional controls, written as \u escapes as in the
// JSON report. The same report gives the same bytes.

// SARIFSchema is the $schema of the log: the OASIS 2.1.0 schema.
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                    `json:"tool"`
	AutomationDetails  *sarifAutomation             `json:"automationDetails,omitempty"`
	OriginalURIBaseIDs map[string]sarifArtifactBase `json:"originalUriBaseIds,omitempty"`
	// Results are streamed (SARIF writes them one at a time); the field
	// is only ever null here, where they go.
	Results    []sarifResult      `json:"results"`
	Properties sarifRunProperties `json:"properties"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifArtifactBase struct {
	URI         string        `json:"uri"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifMessage struct {
	Text string `json:"text"`
	// Markdown is the same text with its markup, for viewers that
	// render it (SARIF's multiformatMessageString).
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name,omitempty"`
	ShortDescription     sarifMessage       `json:"shortDescription"`
	FullDescription      *sarifMessage      `json:"fullDescription,omitempty"`
	Help                 *sarifMessage      `json:"help,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	CheckID    string `json:"checkId"`
	Benchmark  string `json:"benchmark"`
	Target     string `json:"target"`
	Group      string `json:"group"`
	Assessment string `json:"assessment"`
	Scored     bool   `json:"scored"`
	Review     bool   `json:"review"`
	Component  string `json:"component,omitempty"`
	Name       string `json:"name,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	// Suppressions: a waived result is suppressed "externally" (by the
	// waivers file), its status "accepted" — code-scanning dashboards
	// list it apart from the open findings.
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	Properties   sarifResultProps   `json:"properties"`
}

type sarifSuppression struct {
	Kind          string              `json:"kind"`
	Status        string              `json:"status"`
	Justification string              `json:"justification"`
	Properties    sarifSuppressionFor `json:"properties"`
}

type sarifSuppressionFor struct {
	Approver string `json:"approver"`
	Ticket   string `json:"ticket,omitempty"`
	Expires  string `json:"expires"`
	Line     int    `json:"line"`
}

type sarifResultProps struct {
	Status      string             `json:"status"`
	Scope       string             `json:"scope"`
	Node        string             `json:"node"`
	Bundle      results.Digest     `json:"bundle,omitempty"`
	Benchmark   string             `json:"benchmark"`
	Expected    string             `json:"expected"`
	Observed    string             `json:"observed"`
	Reason      string             `json:"reason,omitempty"`
	Explanation string             `json:"explanation,omitempty"`
	Waiver      string             `json:"waiver,omitempty"`
	Unverified  bool               `json:"unverified,omitempty"`
	Citations   []results.Citation `json:"citations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical          `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	Message          *sarifMessage          `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
}

type sarifRunProperties struct {
	ReportID   string                  `json:"reportId"`
	ReportTime string                  `json:"reportTime"`
	Benchmarks []string                `json:"benchmarks"`
	Totals     results.Totals          `json:"totals"`
	Refused    []results.RefusedBundle `json:"refused,omitempty"`
	LeftOut    []results.LeftOutBundle `json:"leftOut,omitempty"`
	Warnings   []string                `json:"warnings,omitempty"`
}

// SARIFInformationURI is the tool's informationUri.
const SARIFInformationURI = "https://github.com/kubeproof/kubeproof"

// SARIF writes the report as a SARIF 2.1.0 log. The rules and the uri
// base ids come first in the log and are found in a first pass; the
// results are then written one at a time, so that a large fleet's log is
// never held in memory.
func SARIF(w io.Writer, rep *results.Report) error {
	run := sarifRun{
		Tool:              sarifTool{Driver: sarifDriver{Name: "kubeproof", Version: rep.AnalyzerVersion, InformationURI: SARIFInformationURI, Rules: []sarifRule{}}},
		AutomationDetails: &sarifAutomation{ID: "kubeproof/" + ReportID(rep)},
		Properties: sarifRunProperties{ReportID: ReportID(rep), ReportTime: rep.ReportTime.UTC().Format("2006-01-02T15:04:05Z"),
			Benchmarks: sarifBenchmarks(rep), Totals: rep.Totals, Refused: rep.Refused, LeftOut: rep.LeftOut, Warnings: rep.Warnings},
	}
	// Which node's bundle each digest is, to describe the uri base ids.
	owners := map[results.Digest]string{}
	for _, n := range rep.Scopes() {
		if n.Bundle.Digest != "" {
			what := "bundle of node " + n.Node
			if n.IsCluster() {
				what = "API snapshot of cluster " + n.Node
			}
			if n.Bundle.File != "" {
				what += " (" + n.Bundle.File + ")"
			}
			owners[n.Bundle.Digest] = what
		}
	}
	bases := map[string]sarifArtifactBase{}
	ruleIndex := map[string]int{}
	// each calls fn for every finding with its rule's id and index.
	each := func(fn func(n *results.NodeResult, r *results.Result, id string, idx int) error) error {
		scopes := rep.Scopes()
		for ni := range scopes {
			n := &scopes[ni]
			for _, tr := range n.Targets {
				for ri := range tr.Results {
					r := &tr.Results[ri]
					id := n.Benchmark + "/" + r.Check.ID
					if r.Status != results.Fail && r.Status != results.Warn {
						continue
					}
					if err := fn(n, r, id, ruleIndex[id]); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	// First pass: the rules (one per check of each benchmark, findings
	// or not) and the uri base ids of every citation.
	for _, n := range rep.Scopes() {
		for _, tr := range n.Targets {
			for _, r := range tr.Results {
				id := n.Benchmark + "/" + r.Check.ID
				if _, ok := ruleIndex[id]; !ok {
					ruleIndex[id] = len(run.Tool.Driver.Rules)
					run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(n.Benchmark, id, r.Check))
				}
			}
		}
	}
	each(func(n *results.NodeResult, r *results.Result, _ string, _ int) error {
		for _, cit := range r.Citations {
			base := "BUNDLE_" + cit.Bundle.Short()
			if _, ok := bases[base]; !ok {
				desc := owners[cit.Bundle]
				if desc == "" {
					desc = "bundle of node " + cit.Node
				}
				bases[base] = sarifArtifactBase{URI: "bundle:" + cit.Bundle.Prefixed() + "/", Description: &sarifMessage{Text: desc}}
			}
		}
		return nil
	})
	if len(bases) > 0 {
		run.OriginalURIBaseIDs = bases // encoding/json sorts the keys
	}
	// The log around the results: everything of the run but its results
	// and properties, written with the results left empty, then cut
	// before them.
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		return fmt.Errorf("sarif report: %w", err)
	}
	const marker = "\n      \"results\": null,\n"
	before, after, ok := bytes.Cut(head.Bytes(), []byte(marker))
	if !ok {
		return fmt.Errorf("sarif report: the log's layout is not the one expected")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(display.JSON(before))
	bw.WriteString("\n      \"results\": [")
	first := true
	var ie indentedEncoder
	err := each(func(n *results.NodeResult, r *results.Result, id string, idx int) error {
		if first {
			bw.WriteString("\n        ")
		} else {
			bw.WriteString(",\n        ")
		}
		first = false
		return ie.encode(bw, sarifResultOf(n, r, id, idx), "        ")
	})
	if err != nil {
		return fmt.Errorf("sarif report: %w", err)
	}
	if !first {
		bw.WriteString("\n      ")
	}
	bw.WriteString("],\n")
	bw.Write(display.JSON(after))
	return bw.Flush()
}

// sarifResultOf is the SARIF result of a FAIL or WARN.
func sarifResultOf(n *results.NodeResult, r *results.Result, id string, idx int) sarifResult {
	c := r.Check
	level := "error"
	if r.Status == results.Warn {
		level = "warning"
	}
	res := sarifResult{
		RuleID: id, RuleIndex: idx, Level: level,
		Message:             sarifMessage{Text: sarifResultMessage(*n, *r)},
		PartialFingerprints: map[string]string{"kubeproof/v1": fingerprint(c.ID, n.Node, r.Citations)},
		Properties: sarifResultProps{Status: string(r.Status), Scope: n.ScopeLabel(), Node: n.Node, Bundle: n.Bundle.Digest,
			Benchmark: n.Benchmark, Expected: r.Expected, Observed: r.Observed, Reason: r.Reason, Explanation: r.Explanation,
			Unverified: r.Unverified, Citations: r.Citations, Waiver: r.WaiverNote()},
	}
	if res.Properties.Citations == nil {
		res.Properties.Citations = []results.Citation{}
	}
	if w := r.Waiver; w != nil && !w.Expired {
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: display.Escape(w.Justification),
			Properties: sarifSuppressionFor{Approver: display.Escape(w.Approver), Ticket: display.Escape(w.Ticket), Expires: w.Expires, Line: w.Line}}}
	}
	for _, cit := range r.Citations {
		loc := sarifLocation{
			PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifactLocation{URI: memberURI(cit.Member), URIBaseID: "BUNDLE_" + cit.Bundle.Short()}},
		}
		if line := locatorLine(cit.Locator); line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: line}
		}
		if cit.Locator != "" {
			loc.LogicalLocations = []sarifLogicalLocation{{Name: cit.Locator, FullyQualifiedName: cit.Node + ":" + cit.Member + ":" + cit.Locator}}
		}
		msg := cit.Locator
		if msg != "" {
			msg += " = "
		}
		msg += shorten(cit.Observed, 500)
		if cit.Unverified {
			msg += " (UNVERIFIED: the member failed verification)"
		}
		loc.Message = &sarifMessage{Text: msg}
		res.Locations = append(res.Locations, loc)
	}
	return res
}

func sarifBenchmarks(rep *results.Report) []string {
	if len(rep.Benchmarks) > 0 {
		return rep.Benchmarks
	}
	if rep.Benchmark != "" {
		return []string{rep.Benchmark}
	}
	return []string{}
}

func sarifRuleOf(benchmark, id string, c *results.Check) sarifRule {
	level := "error"
	if c.Review {
		level = "warning"
	}
	r := sarifRule{
		ID: id, Name: c.Name, ShortDescription: sarifMessage{Text: c.Title},
		DefaultConfiguration: sarifConfiguration{Level: level},
		Properties: sarifRuleProps{CheckID: c.ID, Benchmark: benchmark, Target: c.Target, Group: c.Group, Assessment: c.AssessmentLabel(),
			Scored: c.Scored, Review: c.Review, Component: c.Component, Name: c.Name},
	}
	if rem := strings.TrimSpace(c.Remediation); rem != "" {
		plain := markupText(rem)
		r.FullDescription = &sarifMessage{Text: plain}
		r.Help = &sarifMessage{Text: plain, Markdown: rem}
	}
	return r
}

func sarifResultMessage(n results.NodeResult, r results.Result) string {
	where := n.Title()
	s := fmt.Sprintf("%s %s on %s: %s", r.Check.ID, r.Status, where, r.Check.Title)
	if r.Status == results.Warn {
		s += " — review needed"
	}
	if r.Reason != "" {
		s += ". " + r.Reason
	}
	if r.Expected != "" || r.Observed != "" {
		s += ". Expected " + r.Expected + "; observed " + shorten(r.Observed, 300)
	}
	return s
}

// memberURI writes a member path as a relative URI reference: each
// segment percent-encoded as a path segment needs.
func memberURI(member string) string {
	segs := strings.Split(strings.TrimPrefix(member, "/"), "/")
	for i, s := range segs {
		segs[i] = escapeSegment(s)
	}
	return strings.Join(segs, "/")
}

func escapeSegment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=@", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

var lineRE = regexp.MustCompile(`\(line (\d+)\)`)

// locatorLine is the line a locator names ("… (line 7)"), or 0.
func locatorLine(loc string) int {
	m := lineRE.FindStringSubmatch(loc)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// fingerprint identifies a finding across runs: the check id, the node
// and the members cited (sorted, each once), hashed.
func fingerprint(id, node string, cs []results.Citation) string {
	var members []string
	for _, c := range cs {
		members = append(members, c.Member)
	}
	slices.Sort(members)
	members = slices.Compact(members)
	h := sha256.New()
	fmt.Fprintf(h, "%q\n%q\n%q\n", id, node, members)
	return hex.EncodeToString(h.Sum(nil))
}
