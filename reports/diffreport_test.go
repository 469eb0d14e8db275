package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/diff"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// testDiff compares the report fixture with a later one: on worker-1 a
// check that passed fails and one that did not apply fails (regressed),
// one that failed passes (fixed); on the Chinese-named node a FAIL became
// a WARN (another change); worker-3 is gone and worker-4 is new;
// control-plane-1 regressed with a hostile value, the waiver of its FAIL
// of 4.2.6 expired (a waiver ended) and a new waiver covers its FAIL of
// 1.9.1 (waived). Every call builds new values, equal to the last call's.
func testDiff() *diff.Diff {
	old := testReport()
	new := testReport()
	new.ReportTime = old.ReportTime.Add(180 * 24 * time.Hour)
	set := func(node, id string, s results.Status, observed string) {
		for ni := range new.Nodes {
			n := &new.Nodes[ni]
			if n.Node != node {
				continue
			}
			for ti := range n.Targets {
				for ri := range n.Targets[ti].Results {
					if r := &n.Targets[ti].Results[ri]; r.Check.ID == id {
						r.Status, r.Observed = s, observed
						if len(r.Citations) == 0 {
							r.Citations = []results.Citation{{Bundle: n.Bundle.Digest, Node: node, Member: "facts/processes.json",
								MemberSHA256: digestOf(node + id), Locator: "pid 2000 kubelet argv[4]"}}
						}
						r.Citations[0].Observed = observed
						return
					}
				}
			}
		}
		panic(fmt.Sprintf("no check %s on %s", id, node))
	}
	set("worker-1", "4.1.1", results.Fail, "permissions=666")                 // PASS → FAIL
	set("worker-1", "4.2.10", results.Pass, "--tls-cert-file=/x.crt")         // FAIL → PASS
	set("worker-1", "4.2.6", results.Fail, "--protect-kernel-defaults=false") // NA → FAIL
	set(chineseNode, "4.2.1", results.Pass, "--anonymous-auth=false")         // PASS, unchanged verdict, other evidence
	set(chineseNode, "4.2.6", results.Warn, "--protect-kernel-defaults unreadable")
	set("worker-3", "4.2.6", results.Fail, "--protect-kernel-defaults=false")
	set("control-plane-1", "1.1.1", results.Fail, "=cmd|' /C calc'!B1 \u202eevil") // PASS → FAIL
	new.Nodes[3].Node = "worker-4"
	ended := results.Waiver{Line: 2, Check: "4.2.6", Roles: []string{"master"}, Justification: "the node image sets the kernel parameters",
		Approver: "a.smith", Ticket: "SEC-77", Expires: "2024-06-30"}
	waiveResult(old, "control-plane-1", "4.2.6", ended)
	ended.Expired = true
	waiveResult(new, "control-plane-1", "4.2.6", ended)
	waiveResult(new, "control-plane-1", "1.9.1", results.Waiver{Line: 9, Check: "1.9.1", Nodes: []string{"control-plane-*"},
		Justification: "audit logs go to the SIEM \u202eagent", Approver: "j.doe", Ticket: "SEC-1234", Expires: "2027-06-30"})
	old.Waivers = &results.WaiverSet{File: "waivers.yaml", Digest: digestOf("waivers 1")}
	new.Waivers = &results.WaiverSet{File: "waivers.yaml", Digest: digestOf("waivers 2")}
	old.Recount()
	new.Recount()
	return diff.Compare(old, new)
}

// waiveResult sets w on a check's result on node.
func waiveResult(rep *results.Report, node, id string, w results.Waiver) {
	for ni := range rep.Nodes {
		for ti := range rep.Nodes[ni].Targets {
			for ri := range rep.Nodes[ni].Targets[ti].Results {
				if r := &rep.Nodes[ni].Targets[ti].Results[ri]; rep.Nodes[ni].Node == node && r.Check.ID == id {
					r.Waiver = &w
					return
				}
			}
		}
	}
	panic(fmt.Sprintf("no check %s on %s", id, node))
}

func TestDiffXLSX(t *testing.T) {
	d := testDiff()
	if d.Counts.Regressed == 0 || d.Counts.Fixed == 0 || d.Counts.NewNodes != 1 || d.Counts.RemovedNodes != 1 {
		t.Fatalf("the fixture's diff counts %+v", d.Counts)
	}
	data := rendered(t, func(w io.Writer) error { return DiffXLSX(w, d) })
	if !bytes.Equal(data, rendered(t, func(w io.Writer) error { return DiffXLSX(w, testDiff()) })) {
		t.Error("the same diff gives another workbook")
	}
	f := openBook(t, data)
	if got := strings.Join(f.GetSheetList(), ","); got != "Summary,Changes,Scopes" {
		t.Fatalf("sheets %s", got)
	}
	rows := sheetRows(t, f, sheetChanges)
	wantHeader := "Scope|Node|Target|Check|Old ID|New ID|Title|Change|Old status|New status|Cause|Old waiver|New waiver|Benchmark changes|Expected|" +
		"Old observed|New observed|Old evidence|New evidence"
	if got := strings.Join(rows[0], "|"); got != wantHeader {
		t.Errorf("changes header %s, want %s", got, wantHeader)
	}
	// Every change once, regressions first, then by kind as the text lists them.
	var want []string
	for _, k := range diff.Kinds {
		for _, s := range d.Scopes {
			for _, c := range s.Changes {
				if c.Kind != k {
					continue
				}
				var o, n string
				if c.Old != nil {
					o = string(c.Old.Shown())
				}
				if c.New != nil {
					n = string(c.New.Shown())
				}
				want = append(want, strings.Join([]string{s.Node, c.ID(), string(c.Kind), o, n, string(c.Cause)}, "|"))
			}
		}
	}
	var got []string
	for _, r := range rows[1:] {
		r = append(r, make([]string, 19)...)
		id := r[5]
		if id == "" {
			id = r[4]
		}
		got = append(got, strings.Join([]string{r[1], id, r[7], r[8], r[9], r[10]}, "|"))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(got) < 6 || got[0] != "control-plane-1|1.1.1|regressed|PASS|FAIL|node" || got[1] != "worker-1|4.1.1|regressed|PASS|FAIL|node" ||
		got[2] != "worker-1|4.2.6|regressed|NA|FAIL|node" || got[3] != "control-plane-1|4.2.6|waiver-ended|WAIVED|FAIL|waiver" ||
		got[4] != "worker-1|4.2.10|fixed|FAIL|PASS|node" || got[5] != "control-plane-1|1.9.1|waived|FAIL|WAIVED|waiver" {
		t.Errorf("first changes %q, want the regressions, the waiver ended, the fix, the new waiver", got[:min(6, len(got))])
	}
	// The evidence of both sides, and hostile values escaped as text.
	found := false
	for _, r := range rows[1:] {
		r = append(r, make([]string, 19)...)
		if r[1] == "worker-1" && r[5] == "4.1.1" {
			found = true
			if r[15] != "--flag-4.1.1=value" || r[16] != "permissions=666" ||
				!strings.Contains(r[17], "= --flag-4.1.1=value") || !strings.Contains(r[18], "= permissions=666") {
				t.Errorf("worker-1 4.1.1: observed %q → %q, evidence %q → %q", r[15], r[16], r[17], r[18])
			}
		}
		if r[1] == "control-plane-1" && r[5] == "1.1.1" && !strings.Contains(r[16], `\u202e`) {
			t.Errorf("the hostile value is not escaped: %q", r[16])
		}
		// The waivers of each side.
		if r[1] == "control-plane-1" && r[5] == "4.2.6" && (r[11] != "FAIL waived until 2024-06-30 by a.smith (SEC-77): the node image sets the kernel parameters" ||
			r[12] != "waiver SEC-77 (approved by a.smith) expired 2024-06-30; the FAIL stands") {
			t.Errorf("the waiver that ended: %q → %q", r[11], r[12])
		}
		if r[1] == "control-plane-1" && r[5] == "1.9.1" && (r[11] != "" || r[12] != `FAIL waived until 2027-06-30 by j.doe (SEC-1234): audit logs go to the SIEM \u202eagent`) {
			t.Errorf("the new waiver: %q → %q", r[11], r[12])
		}
	}
	if !found {
		t.Error("no row of worker-1's regression")
	}
	cf, err := f.GetConditionalFormats(sheetChanges)
	if err != nil || len(cf[fmt.Sprintf("I2:J%d", len(rows))]) != len(bookStatuses) || len(cf[fmt.Sprintf("H2:H%d", len(rows))]) != 4 {
		t.Errorf("changes conditional formats %v (%v)", cf, err)
	}

	// The summary counts, the scopes each once.
	summary := sheetRows(t, f, sheetDiffSummary)
	var text strings.Builder
	for _, r := range summary {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, want := range []string{"|OLD|NEW", "Report time|2024-05-01 10:30:00 UTC|2024-10-28 10:30:00 UTC",
		fmt.Sprintf("Regressions|%d", d.Counts.Regressed), fmt.Sprintf("Fixed|%d", d.Counts.Fixed),
		"Nodes or clusters only in NEW|1", "Nodes or clusters only in OLD|1",
		fmt.Sprintf("FAIL|%d|%d", d.Old.Totals.Fail, d.New.Totals.Fail), "Waivers ended|1", "Waived|1",
		fmt.Sprintf("Waivers|waivers.yaml (sha256:%s)|waivers.yaml (sha256:%s)", digestOf("waivers 1").Short(), digestOf("waivers 2").Short())} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, text.String())
		}
	}
	scopes := sheetRows(t, f, sheetScopes)
	if len(scopes)-1 != len(d.Scopes) {
		t.Fatalf("scopes sheet has %d rows, want %d", len(scopes)-1, len(d.Scopes))
	}
	for i, s := range d.Scopes {
		in := map[diff.Presence]string{diff.InBoth: "both", diff.NewScope: "NEW only", diff.RemovedNode: "OLD only"}[s.Presence]
		if got := scopes[i+1][1] + "|" + scopes[i+1][2]; got != s.Node+"|"+in {
			t.Errorf("scope row %d = %s, want %s|%s", i+2, got, s.Node, in)
		}
	}
}

func TestDiffPDF(t *testing.T) {
	d := testDiff()
	data := rendered(t, func(w io.Writer) error { return DiffPDF(w, d) })
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", data)
	}
	if !bytes.Equal(data, rendered(t, func(w io.Writer) error { return DiffPDF(w, testDiff()) })) {
		t.Error("the same diff gives another PDF")
	}
	// Every string drawn is escaped, the diff itself left as it was.
	var drawn strings.Builder
	pdfTextHook = func(s string) { drawn.WriteString(s + " · ") }
	rendered(t, func(w io.Writer) error { return DiffPDF(w, d) })
	pdfTextHook = nil
	if i := strings.IndexFunc(drawn.String(), display.Unsafe); i >= 0 || !strings.Contains(drawn.String(), `calc'!B1 \u202eevil`) {
		t.Errorf("the PDF draws an unsafe character at %d, or not the escaped hostile value", i)
	}
	if !strings.Contains(testDiff().Scopes[0].Changes[0].New.Observed, "\u202e") {
		t.Error("the fixture lost its hostile value")
	}
	if n := d.Scopes[0].Changes[0].New.Observed; !strings.Contains(n, "\u202e") {
		t.Errorf("DiffPDF changed the diff: %q", n)
	}
	pages := pdfText(t, data)
	all := strings.Join(pages, " ")
	// The order the brief gives: counts, regressions, fixed, other
	// changes, nodes that came and went, checks added and removed.
	last := -1
	for _, want := range []string{
		"What changed between two audits",
		"3 verdicts regressed, on 2 nodes.",
		"Regressions (",
		"PASS → FAIL 4.1.1 Ensure that the kubelet service file permissions",
		"node worker-1",
		"OLD facts/processes.json @",
		"NEW facts/processes.json @",
		"NA → FAIL 4.2.6",
		"Waivers ended (1)",
		"WAIVED → FAIL 4.2.6",
		"Waiver OLD: FAIL waived until 2024-06-30 by a.smith (SEC-77)",
		"NEW: waiver SEC-77 (approved by a.smith) expired 2024-06-30; the FAIL stands",
		"Fixed (",
		"FAIL → PASS 4.2.10",
		"Waived (1)",
		"FAIL → WAIVED 1.9.1",
		"Waiver OLD: none",
		`NEW: FAIL waived until 2027-06-30 by j.doe (SEC-1234): audit logs go to the SIEM \u202eagent`,
		"Other changes of verdict (1)",
		"FAIL → WARN 4.2.6",
		"node " + chineseNode,
		"Nodes and clusters that came, went or changed benchmark (2)",
		"node worker-4 only in NEW",
		"node worker-3 only in OLD",
	} {
		i := strings.Index(all[last+1:], want)
		if i < 0 {
			t.Errorf("the PDF lacks %q after %q", want, all[max(0, last-40):last+1])
			continue
		}
		last += 1 + i
	}
	for _, want := range []string{`\u202eevil`, "page 1 of " + fmt.Sprint(len(pages))} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if strings.Contains(all, "\u202e") {
		t.Error("a bidirectional control reached the PDF")
	}
}

// TestDiffPDFGroups: a change many nodes share is listed once, naming
// the first nodes and how many more.
func TestDiffPDFGroups(t *testing.T) {
	old := bigReport(40, 10, 1)
	new := bigReport(40, 10, 1)
	for ni := range old.Nodes {
		old.Nodes[ni].Targets[0].Results[0].Status = results.Pass
	}
	old.Recount()
	for ni := range new.Nodes {
		r := &new.Nodes[ni].Targets[0].Results[0]
		r.Status, r.Observed = results.Fail, "--setting=broken"
		r.Citations[0].Observed = r.Observed
	}
	new.Recount()
	d := diff.Compare(old, new)
	groups := groupChanges(d)
	if len(groups[diff.Regressed]) != 1 {
		t.Fatalf("%d groups of regressions, want 1", len(groups[diff.Regressed]))
	}
	g := groups[diff.Regressed][0]
	if len(g.scopes) != d.Counts.Regressed {
		t.Errorf("the group has %d nodes, want %d", len(g.scopes), d.Counts.Regressed)
	}
	names := g.scopeNames()
	if !strings.HasSuffix(names, fmt.Sprintf(", and %d more", len(g.scopes)-groupNamesMax)) || strings.Count(names, "node ") != groupNamesMax {
		t.Errorf("group names %q", names)
	}
	data := rendered(t, func(w io.Writer) error { return DiffPDF(w, d) })
	all := strings.Join(pdfText(t, data), " ")
	if n := strings.Count(all, "PASS → FAIL 1.1.1"); n != 1 {
		t.Errorf("the shared regression is listed %d times, want once", n)
	}
	if !strings.Contains(all, fmt.Sprintf("%d nodes node node-0000.cluster.example.com", len(g.scopes))) {
		t.Errorf("the shared regression does not count its nodes")
	}
}

func TestDiffEmpty(t *testing.T) {
	d := diff.Compare(&results.Report{ReportTime: fixtureTime}, &results.Report{ReportTime: fixtureTime})
	for name, render := range map[string]func(io.Writer) error{
		"xlsx": func(w io.Writer) error { return DiffXLSX(w, d) },
		"pdf":  func(w io.Writer) error { return DiffPDF(w, d) },
	} {
		if data := rendered(t, render); len(data) == 0 {
			t.Errorf("%s: nothing written", name)
		}
	}
}
