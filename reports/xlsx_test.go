package reports

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/kubeproof/kubeproof/fleet"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/results"
)

// Values the report fixture holds and the tests look for.
const (
	hostileObserved = "=cmd|' /C calc'!A0"
	hostileNoise    = "+SUM(1,1) @here -x \x1b[31mred\x00 \xff 😀 \u202eevil " + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	chineseNode     = "工作节点-2"
	chineseTitle    = "确保 API 服务器的审计日志已启用"
	longTitle       = "Ensure that the --tls-cipher-suites argument is set to a strong, modern set of cipher suites that " +
		"excludes every CBC-mode, RC4 and 3DES suite, a title long enough to wrap in every table cell it is set in"
)

var fixtureTime = time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)

func digestOf(s string) results.Digest {
	sum := sha256.Sum256([]byte(s))
	return results.Digest(hex.EncodeToString(sum[:]))
}

type checkSpec struct {
	id, title, assessment string
}

// testCatalog builds two sections: master with a custom group whose check
// has a Chinese title, and node.
func testCatalog() (master, node *results.Section) {
	mk := func(target, id, title, component string, groups map[string]string, order []string, checks []checkSpec) *results.Section {
		s := &results.Section{Benchmark: "cis-1.6", Target: target, ID: id, Title: title}
		for _, gid := range order {
			g := &results.Group{ID: gid, Title: groups[gid]}
			for _, c := range checks {
				if strings.HasPrefix(c.id, gid+".") {
					g.Checks = append(g.Checks, &results.Check{
						ID: c.id, Title: c.title, Assessment: c.assessment, Scored: c.assessment == "automated",
						Component: component, Target: target, Group: gid,
						Remediation: "Edit the " + component + " configuration on the node and set the value the check expects.\n" +
							"Then restart the " + component + " and run the collector again.\n",
					})
				}
			}
			s.Groups = append(s.Groups, g)
		}
		return s
	}
	master = mk("master", "1", "Control Plane Security Configuration", "kube-apiserver",
		map[string]string{"1.1": "Control Plane Node Configuration Files", "1.2": "API Server", "1.9": "自定义检查 (custom checks)"},
		[]string{"1.1", "1.2", "1.9"},
		[]checkSpec{
			{"1.1.1", "Ensure that the API server pod specification file permissions are set to 600 or more restrictive", "automated"},
			{"1.1.12", "Ensure that the etcd data directory ownership is set to etcd:etcd", "automated"},
			{"1.2.1", "Ensure that the --anonymous-auth argument is set to false", "manual"},
			{"1.2.6", "Ensure that the --kubelet-certificate-authority argument is set as appropriate", "automated"},
			{"1.2.22", "Ensure that the --audit-log-path argument is set", "automated"},
			{"1.2.30", longTitle, "automated"},
			{"1.9.1", chineseTitle, "automated"},
		})
	node = mk("node", "4", "Worker Node Security Configuration", "kubelet",
		map[string]string{"4.1": "Worker Node Configuration Files", "4.2": "Kubelet"},
		[]string{"4.1", "4.2"},
		[]checkSpec{
			{"4.1.1", "Ensure that the kubelet service file permissions are set to 600 or more restrictive", "automated"},
			{"4.2.1", "Ensure that the --anonymous-auth argument is set to false", "automated"},
			{"4.2.6", "Ensure that the --protect-kernel-defaults argument is set to true", "automated"},
			{"4.2.10", "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate", "manual"},
		})
	return master, node
}

// testReport builds a realistic report: four nodes (one named in Chinese,
// one partial), every status, long titles, citations, and hostile observed
// values. Every call builds new values, equal to the last call's.
func testReport() *results.Report {
	master, node := testCatalog()
	statuses := []results.Status{results.Pass, results.Fail, results.Warn, results.Pass, results.Info, results.NA, results.Fail, results.Pass}
	type nodeSpec struct {
		name  string
		roles []string
		secs  []*results.Section
	}
	specs := []nodeSpec{
		{"control-plane-1", []string{"master", "node"}, []*results.Section{master, node}},
		{"worker-1", []string{"node"}, []*results.Section{node}},
		{chineseNode, []string{"node"}, []*results.Section{node}},
		{"worker-3", []string{"node"}, []*results.Section{node}},
	}
	rep := &results.Report{Benchmark: "cis-1.6", AnalyzerVersion: "v0.3.0-test", ReportTime: fixtureTime}
	k := 0
	for ni, sp := range specs {
		bd := digestOf("bundle " + sp.name)
		n := results.NodeResult{Node: sp.name, Benchmark: "cis-1.6", BenchmarkReason: "chosen with --benchmark cis-1.6", Bundle: results.BundleInfo{
			File:   "bundles/" + sp.name + ".kpb",
			Digest: bd,
			Host: results.Host{Hostname: sp.name, Roles: sp.roles, Components: []string{"kubelet"},
				Kubernetes: []results.Version{{Version: "v1.29.4", Component: "kubelet"}}},
			CollectedAt:      fixtureTime.Add(-time.Duration(ni+1) * time.Hour),
			CollectorVersion: "v0.3.0",
			FormatVersion:    1,
			Partial:          sp.name == "worker-3",
			Verification:     "unsigned",
			Signature:        results.SignatureUnsigned,
		}}
		switch ni {
		case 0:
			n.Bundle.Verification, n.Bundle.Signature, n.Bundle.SignerKeyID = "signed and verified (key 0123456789abcdef)", results.SignatureVerified, "0123456789abcdef"
		case 1:
			n.Bundle.Verification, n.Bundle.Signature, n.Bundle.SignerKeyID = "signed by an unknown key fedcba9876543210", results.SignatureUnknownKey, "fedcba9876543210"
		}
		for _, sec := range sp.secs {
			tr := results.TargetResult{Section: sec}
			for _, g := range sec.Groups {
				for _, c := range g.Checks {
					st := statuses[k%len(statuses)]
					k++
					r := results.Result{Check: c, Status: st, Expected: "'" + c.ID + "' is set to the recommended value"}
					member := "files/etc/kubernetes/manifests/kube-apiserver.yaml"
					if sec.Target == "node" {
						member = "files/var/lib/kubelet/config.yaml"
					}
					switch st {
					case results.NA:
						r.Reason = "kube-scheduler does not run on this node"
						r.Observed = "not running"
					default:
						r.Observed = "--flag-" + c.ID + "=value"
						r.Citations = []results.Citation{
							{Bundle: bd, Node: sp.name, Member: "facts/processes.json", MemberSHA256: digestOf(sp.name + c.ID + "processes"),
								Locator: fmt.Sprintf("pid %d %s argv[%d]", 1000+ni, c.Component, 3+k%9), Observed: r.Observed},
						}
						if st != results.Pass {
							r.Citations = append(r.Citations, results.Citation{Bundle: bd, Node: sp.name, Member: member,
								MemberSHA256: digestOf(sp.name + c.ID + member), Locator: "authentication.anonymous.enabled (line 7)", Observed: "true"})
						}
					}
					if st == results.Warn {
						r.Reason = "the value could not be read from the evidence"
					}
					tr.Results = append(tr.Results, r)
					tr.Totals.Add(st)
				}
			}
			n.Targets = append(n.Targets, tr)
			n.Totals.Merge(tr.Totals)
		}
		rep.Nodes = append(rep.Nodes, n)
		rep.Totals.Merge(n.Totals)
	}
	// Hostile values, as a compromised node could report them, on the first
	// FAIL and the first WARN.
	cp := &rep.Nodes[0].Targets[0]
	for _, h := range []struct {
		status   results.Status
		observed string
	}{{results.Fail, hostileObserved}, {results.Warn, hostileNoise}} {
		for i := range cp.Results {
			if r := &cp.Results[i]; r.Status == h.status {
				r.Observed = h.observed
				r.Citations[0].Observed = h.observed
				break
			}
		}
	}
	return rep
}

func mustStatus(t *testing.T, rep *results.Report, want ...results.Status) {
	t.Helper()
	for _, s := range want {
		if count(rep.Totals, s) == 0 {
			t.Fatalf("fixture has no %s result", s)
		}
	}
}

func renderXLSX(t testing.TB, rep *results.Report) []byte {
	t.Helper()
	return rendered(t, func(w io.Writer) error { return XLSX(w, rep) })
}

// rendered is what render writes.
func rendered(t testing.TB, render func(io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// waive gives rep a waivers file: one waiver over the first FAIL of
// worker-1, one expired over the first FAIL of control-plane-1, one that
// matches nothing.
func waive(rep *results.Report) (active, expired *results.Waiver) {
	active = &results.Waiver{Line: 2, Check: "4.2.10", Nodes: []string{"worker-*"}, Justification: "the kubelet serves a certificate the platform team rotates",
		Approver: "j.doe", Ticket: "SEC-1234", Expires: "2027-06-30"}
	expired = &results.Waiver{Line: 9, Check: "1.1.12", Roles: []string{"master"}, Justification: "etcd runs as root on this distribution",
		Approver: "a.smith", Ticket: "SEC-99", Expires: "2024-01-31", Expired: true}
	unmatched := results.Waiver{Line: 16, Check: "9.9.9", Nodes: []string{"*"}, Justification: "nothing", Approver: "x", Expires: "2030-01-01"}
	set := func(node string, w *results.Waiver) {
		for i := range rep.Nodes {
			if rep.Nodes[i].Node != node {
				continue
			}
			for ti := range rep.Nodes[i].Targets {
				for ri := range rep.Nodes[i].Targets[ti].Results {
					if r := &rep.Nodes[i].Targets[ti].Results[ri]; r.Check.ID == w.Check && r.Status == results.Fail {
						r.Waiver = w
						return
					}
				}
			}
		}
		panic("no FAIL of " + w.Check + " on " + node)
	}
	set("worker-1", active)
	set("control-plane-1", expired)
	rep.Waivers = &results.WaiverSet{File: "waivers.yaml", Digest: digestOf("waivers"), Entries: []results.WaiverEntry{
		{Waiver: *active, Matched: 2, Applied: 1}, {Waiver: *expired, Matched: 1, Applied: 1}, {Waiver: unmatched}}}
	rep.Recount()
	return active, expired
}

func TestXLSXContents(t *testing.T) {
	rep := testReport()
	mustStatus(t, rep, results.Pass, results.Fail, results.Warn, results.Info, results.NA)
	active, expired := waive(rep)
	rep.Nodes[0].Platform, rep.Nodes[0].PlatformTitle, rep.Nodes[0].PlatformReason = "k3s", "K3s", "K3s: a k3s-server process (pid 812)"
	rep.Nodes[0].KubeVersion = "v1.29.4"
	rep.Nodes[0].Bundle.Host.OS = results.OSRelease{ID: "ubuntu", VersionID: "22.04", PrettyName: "Ubuntu 22.04.4 LTS"}
	rep.Nodes[0].Bundle.Host.Kernel, rep.Nodes[0].Bundle.Host.Architecture = "5.15.0-105-generic", "amd64"
	rep.Nodes[0].Cluster = results.ClusterInfo{Name: "prod-eu", Endpoint: "https://10.0.0.1:6443"}
	rep.Nodes[0].Bundle.Mode, rep.Nodes[0].Bundle.User = "live", "root (uid 0)"
	rep.Nodes[0].Bundle.CollectionStarted = rep.Nodes[0].Bundle.CollectedAt.Add(-3 * time.Second)
	// Remediation text in the catalog's markup.
	marked := rep.Nodes[0].Targets[0].Results[0].Check
	marked.Remediation = "Add `--profiling=false` to\nthe API server:\n\n- edit `kube-apiserver.yaml`\n- wait for the pod\n"
	data := renderXLSX(t, rep)
	f := openBook(t, data)

	if got, want := strings.Join(f.GetSheetList(), ","), "Summary,Fleet,Inconsistencies,Results,Waivers,Evidence,Bundles"; got != want {
		t.Fatalf("sheets %s, want %s", got, want)
	}

	rows := sheetRows(t, f, sheetResults)
	wantHeader := "Node|Benchmark|Target|Section|ID|Title|Assessment|Status|Expected|Observed|Reason|Waiver|Remediation|Citations|" +
		"Unverified evidence|Owner|Remediation status|Due date|Comment"
	if got := strings.Join(rows[0], "|"); got != wantHeader {
		t.Errorf("results header %s, want %s", got, wantHeader)
	}
	header := rows[0]
	col := func(name string) int { return colOf(t, header, name) }
	var all []results.Result
	var nodes []string
	var citations int
	for _, n := range rep.Nodes {
		for _, tr := range n.Targets {
			for _, r := range tr.Results {
				all = append(all, r)
				nodes = append(nodes, n.Node)
				citations += len(r.Citations)
			}
		}
	}
	if len(rows)-1 != len(all) {
		t.Fatalf("results sheet has %d rows, want %d", len(rows)-1, len(all))
	}
	hostileRow, waivedRows, expiredRows := 0, 0, 0
	for i, r := range all {
		row := append(rows[i+1], make([]string, len(header))...)
		if row[0] != nodes[i] || row[1] != "cis-1.6" || row[col("ID")] != r.Check.ID || row[col("Title")] != r.Check.Title ||
			row[col("Assessment")] != r.Check.AssessmentLabel() || row[col("Status")] != string(r.Shown()) {
			t.Errorf("row %d = %q, want node %s benchmark cis-1.6 check %s %s status %s", i+2, row[:8], nodes[i], r.Check.ID, r.Check.Title, r.Shown())
		}
		if strings.Contains(row[col("Title")], "(Automated)") || strings.Contains(row[col("Title")], "(Manual)") {
			t.Errorf("row %d: title %q carries the assessment", i+2, row[col("Title")])
		}
		if want := cellText(citationLines(escapedCitations(r.Citations))); row[col("Citations")] != want {
			t.Errorf("row %d citations %.200q, want %.200q", i+2, row[col("Citations")], want)
		}
		if got := row[col("Remediation")]; got != markupText(r.Check.Remediation) || strings.Contains(got, "`") {
			t.Errorf("row %d remediation %q, want %q", i+2, got, markupText(r.Check.Remediation))
		}
		if r.Check == marked && row[col("Remediation")] != "Add --profiling=false to the API server:\n\n• edit kube-apiserver.yaml\n• wait for the pod" {
			t.Errorf("row %d: marked-up remediation reads %q", i+2, row[col("Remediation")])
		}
		if row[col("Unverified evidence")] != yesOrEmpty(r.Unverified) {
			t.Errorf("row %d unverified evidence %q, want %q", i+2, row[col("Unverified evidence")], yesOrEmpty(r.Unverified))
		}
		switch r.Waiver {
		case nil:
			if row[col("Waiver")] != "" {
				t.Errorf("row %d: waiver %q without a waiver", i+2, row[col("Waiver")])
			}
		case active:
			waivedRows++
			if want := "FAIL waived until 2027-06-30 by j.doe (SEC-1234): " + active.Justification; row[col("Waiver")] != want || row[col("Status")] != "WAIVED" {
				t.Errorf("waived row %d: status %s, waiver %q, want WAIVED, %q", i+2, row[col("Status")], row[col("Waiver")], want)
			}
		case expired:
			expiredRows++
			if want := "waiver SEC-99 (approved by a.smith) expired 2024-01-31; the FAIL stands"; row[col("Waiver")] != want || row[col("Status")] != "FAIL" {
				t.Errorf("expired row %d: status %s, waiver %q, want FAIL, %q", i+2, row[col("Status")], row[col("Waiver")], want)
			}
		}
		for _, c := range []string{"Owner", "Remediation status", "Due date", "Comment"} {
			if row[col(c)] != "" {
				t.Errorf("row %d: the auditor's column %s holds %q", i+2, c, row[col(c)])
			}
		}
		if r.Observed == hostileObserved {
			hostileRow = i + 2
			if row[col("Observed")] != hostileObserved {
				t.Errorf("hostile observed value read back as %q", row[col("Observed")])
			}
		}
	}
	if waivedRows != 1 || expiredRows != 1 {
		t.Errorf("%d waived and %d expired rows, want 1 and 1", waivedRows, expiredRows)
	}
	if hostileRow == 0 {
		t.Fatal("the hostile value is not in the results sheet")
	}
	for _, c := range []string{cell(col("Expected")+1, hostileRow), cell(col("Observed")+1, hostileRow)} {
		if formula, err := f.GetCellFormula(sheetResults, c); err != nil || formula != "" {
			t.Errorf("cell %s holds formula %q (%v), want a string", c, formula, err)
		}
		if typ, _ := f.GetCellType(sheetResults, c); typ != excelize.CellTypeInlineString {
			t.Errorf("cell %s has type %v, want an inline string", c, typ)
		}
	}
	// The auditor's columns: a list of remediation states, a date.
	dvs, err := f.GetDataValidations(sheetResults)
	if err != nil {
		t.Fatal(err)
	}
	last := len(all) + 1
	wantDV := map[string]string{
		fmt.Sprintf("%s2:%s%d", colName(col("Remediation status")+1), colName(col("Remediation status")+1), last): "list",
		fmt.Sprintf("%s2:%s%d", colName(col("Due date")+1), colName(col("Due date")+1), last):                     "date",
	}
	for _, dv := range dvs {
		if wantDV[dv.Sqref] != dv.Type {
			t.Errorf("data validation %s of type %s", dv.Sqref, dv.Type)
		}
		if dv.Type == "list" && dv.Formula1 != `"`+strings.Join(remediationStates, ",")+`"` {
			t.Errorf("remediation states %s", dv.Formula1)
		}
		delete(wantDV, dv.Sqref)
	}
	if len(wantDV) > 0 {
		t.Errorf("no data validation on %v", wantDV)
	}

	ev := sheetRows(t, f, sheetEvidence)
	if got, want := strings.Join(ev[0], "|"), "Node|Check|Status|Bundle digest|Member|Member SHA-256|Locator|Observed|Unverified"; got != want {
		t.Errorf("evidence header %s, want %s", got, want)
	}
	if len(ev)-1 != citations {
		t.Fatalf("evidence sheet has %d rows, want %d citations", len(ev)-1, citations)
	}
	i := 1
	for _, n := range rep.Nodes {
		for _, tr := range n.Targets {
			for _, r := range tr.Results {
				for _, c := range r.Citations {
					row := append(ev[i], make([]string, 9)...)
					want := []string{n.Node, r.Check.ID, string(r.Shown()), c.Bundle.String(), c.Member, c.MemberSHA256.String(), c.Locator, cellText(display.Escape(c.Observed)), yesOrEmpty(c.Unverified)}
					if got, want := strings.Join(row[:9], "|"), strings.Join(want, "|"); got != want {
						t.Errorf("evidence row %d = %.300q, want %.300q", i+1, got, want)
					}
					i++
				}
			}
		}
	}

	bs := sheetRows(t, f, sheetBundles)
	if len(bs)-1 != len(rep.Nodes) {
		t.Fatalf("bundles sheet has %d rows, want %d", len(bs)-1, len(rep.Nodes))
	}
	wantBundles := "File|Digest|Host|Roles|Kubernetes version|Distribution|Recognised by|OS|Cluster|API endpoint|Collection started|Collected at|" +
		"Mode|User|Collector version|Format version|Partial|Verification|Signature|Signer key|Problems"
	if got := strings.Join(bs[0], "|"); got != wantBundles {
		t.Errorf("bundles header %s, want %s", got, wantBundles)
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02 15:04:05 UTC")
	}
	for i, n := range rep.Nodes {
		row := bs[i+1]
		row = append(row, make([]string, 21)...)
		b := n.Bundle
		want := []string{b.File, b.Digest.String(), b.Host.Hostname, strings.Join(b.Host.Roles, ", "),
			kubeVersion(&n), distribution(&n), n.PlatformReason, osText(b.Host), n.Cluster.Name, n.Cluster.Endpoint,
			when(b.CollectionStarted), when(b.CollectedAt), b.Mode, b.User,
			b.CollectorVersion, "1", yesNo(b.Partial), b.Verification, b.Signature, b.SignerKeyID, ""}
		if got, want := strings.Join(row[:21], "|"), strings.Join(want, "|"); got != want {
			t.Errorf("bundle row %d = %s, want %s", i+2, got, want)
		}
	}
	if got := strings.Join([]string{bs[1][4], bs[1][5], bs[1][7], bs[1][8], bs[1][9], bs[1][12], bs[1][13]}, "|"); got !=
		"v1.29.4|K3s|Ubuntu 22.04.4 LTS (kernel 5.15.0-105-generic, amd64)|prod-eu|https://10.0.0.1:6443|live|root (uid 0)" {
		t.Errorf("bundle row 2: Kubernetes, distribution, OS, cluster, endpoint, mode, user = %s", got)
	}

	// Waivers: one row per waiver, the expiry a date.
	wv := sheetRows(t, f, sheetWaivers)
	wantWaivers := []string{
		"Line|Check|Nodes and roles|Justification|Approver|Ticket|Expires|Expired|Results matched|FAIL and WARN waived|Note",
		"2|4.2.10|nodes worker-*|" + active.Justification + "|j.doe|SEC-1234|2027-06-30||2|1",
		"9|1.1.12|roles master|" + expired.Justification + "|a.smith|SEC-99|2024-01-31|yes|1|1|expired 2024-01-31: the 1 FAIL or WARN result it selects stand",
		"16|9.9.9|nodes *|nothing|x||2030-01-01||0|0|matches no result of this report",
	}
	for i, want := range wantWaivers {
		if i >= len(wv) {
			t.Fatalf("waivers sheet has %d rows, want %d", len(wv), len(wantWaivers))
		}
		if got := strings.Join(wv[i], "|"); got != want {
			t.Errorf("waivers row %d = %s, want %s", i+1, got, want)
		}
	}

	// Summary: metadata, and the per-node counts.
	summaryRows := sheetRows(t, f, sheetSummary)
	text := func(rows [][]string) string {
		var b strings.Builder
		for _, r := range rows {
			b.WriteString(strings.Join(r, "|") + "\n")
		}
		return b.String()
	}(summaryRows)
	passed, applicable := rep.Score()
	for _, want := range []string{"Benchmark|cis-1.6", "Scope|4 nodes, 4 bundles", "Report time|2024-05-01 10:30:00 UTC",
		"Bundles|4 bundles: 1 signed and verified, 1 signed by an unknown key, 2 unsigned",
		"Cluster|prod-eu (https://10.0.0.1:6443) (1 node), unknown (3 nodes)",
		"Kubernetes|v1.29.4", "Distribution|K3s (1 node), none recognised (3 nodes)",
		"Collection|live, by root (uid 0) (1 node), unknown (3 nodes)",
		"First collection|2024-05-01 06:30:00 UTC", "Last collection|2024-05-01 09:30:00 UTC",
		"Waivers|waivers.yaml (sha256:" + digestOf("waivers").Short() + "): 3 waivers; 1 results WAIVED, 1 expired, 1 matching nothing",
		fmt.Sprintf("Compliance score|%.1f%% (%d of %d automated checks pass)", 100*float64(passed)/float64(applicable), passed, applicable),
		"|Score: " + results.ScoreRule,
		"Analyzer version|v0.3.0-test", "Report ID|" + ReportID(rep),
		"Node|Roles|Bundle|PASS|FAIL|WARN|WAIVED|INFO|NA|Total"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	for _, n := range rep.Nodes {
		c := n.Totals
		want := fmt.Sprintf("%s|%s|%s|%d|%d|%d|%d|%d|%d|%d", n.Node, strings.Join(n.Bundle.Host.Roles, ", "), n.Bundle.Digest.Short(),
			c.Pass, c.Fail, c.Warn, c.Waived, c.Info, c.NA, sum(c))
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	if rep.Nodes[1].Totals.Waived != 1 {
		t.Errorf("worker-1 has %d waived results, want 1", rep.Nodes[1].Totals.Waived)
	}

	// Dates are dates: numbers with a date format, not text.
	dates := []struct{ sheet, col, format string }{
		{sheetSummary, "Report time", timeFormat}, {sheetBundles, "Collected at", timeFormat},
		{sheetBundles, "Collection started", timeFormat}, {sheetWaivers, "Expires", dayFormat},
	}
	for _, d := range dates {
		var ref string
		if d.sheet == sheetSummary {
			for r, row := range summaryRows {
				if len(row) > 0 && row[0] == d.col {
					ref = cell(2, r+1)
				}
			}
		} else {
			sheetRows, _ := f.GetRows(d.sheet)
			ref = cell(colOf(t, sheetRows[0], d.col)+1, 2)
		}
		raw, err := f.GetCellValue(d.sheet, ref, excelize.Options{RawCellValue: true})
		if v, perr := strconv.ParseFloat(raw, 64); err != nil || perr != nil || v < 45000 || v > 48000 {
			t.Errorf("%s!%s (%s) holds %q, want the serial number of a day", d.sheet, ref, d.col, raw)
		}
		style, err := f.GetCellStyle(d.sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(style)
		if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != d.format {
			t.Errorf("%s!%s (%s): number format %v, want %q", d.sheet, ref, d.col, st.CustomNumFmt, d.format)
		}
	}

	// Frozen headers, filters, status colours.
	for _, sh := range []string{sheetResults, sheetEvidence, sheetBundles, sheetWaivers, sheetFleet, sheetInconsistencies} {
		panes, err := f.GetPanes(sh)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: panes %+v (%v), want the header row frozen", sh, panes, err)
		}
	}
	cf, err := f.GetConditionalFormats(sheetResults)
	if err != nil {
		t.Fatal(err)
	}
	ref := fmt.Sprintf("H2:H%d", len(all)+1)
	if len(cf[ref]) != len(bookStatuses) {
		t.Errorf("results conditional formats %v, want %d on %s", cf, len(bookStatuses), ref)
	}

	// The raw parts: the chart, the filter, and no formula anywhere.
	parts := unzip(t, data)
	chart := parts["xl/charts/chart1.xml"]
	if !strings.Contains(chart, "<barChart><barDir val=\"bar\"></barDir><grouping val=\"stacked\">") ||
		!strings.Contains(chart, "Summary!$D$") {
		t.Errorf("no stacked bar chart of the summary: %.300s", chart)
	}
	if !strings.Contains(parts["xl/worksheets/sheet4.xml"], fmt.Sprintf(`<autoFilter ref="$A$1:$S$%d"`, len(all)+1)) {
		t.Error("results sheet has no autofilter over all rows")
	}
	for name, p := range parts {
		if strings.HasPrefix(name, "xl/worksheets/") && (strings.Contains(p, "<f>") || strings.Contains(p, "<f ")) {
			t.Errorf("%s holds a formula", name)
		}
	}
	props, err := f.GetDocProps()
	if err != nil || props.Created != "2024-05-01T10:30:00Z" || props.Modified != "2024-05-01T10:30:00Z" {
		t.Errorf("document properties %+v (%v)", props, err)
	}
}

// colOf is the index of the column named name in a header row.
func colOf(t *testing.T, header []string, name string) int {
	t.Helper()
	i := slices.Index(header, name)
	if i < 0 {
		t.Fatalf("no column %q in %q", name, header)
	}
	return i
}

func unzip(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	prev := ""
	for _, f := range zr.File {
		if f.Name <= prev {
			t.Errorf("zip entry %s after %s: entries are not sorted", f.Name, prev)
		}
		prev = f.Name
		if !f.Modified.Equal(fixtureTime) {
			t.Errorf("zip entry %s modified %s, want the report time", f.Name, f.Modified)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		parts[f.Name] = string(b)
	}
	return parts
}

func TestCellText(t *testing.T) {
	for in, want := range map[string]string{
		hostileObserved:     hostileObserved,
		"+SUM(1,1)":         "+SUM(1,1)",
		"a\x00b\x1bc":       "a\uFFFDb\uFFFDc",
		"\xff":              "\uFFFD",
		"x\u202eevil\u2066": "x\uFFFDevil\uFFFD",
		"tab\tnl\ncr\r":     "tab\tnl\ncr\r",
		chineseTitle:        chineseTitle,
	} {
		if got := cellText(in); got != want {
			t.Errorf("cellText(%q) = %q, want %q", in, got, want)
		}
	}
	long := cellText(strings.Repeat("é", 40000))
	if !strings.HasSuffix(long, "… (truncated)") || utf8.RuneCountInString(long) > 32767 {
		t.Errorf("a long value is not cut to fit a cell: %d characters", utf8.RuneCountInString(long))
	}
}

func TestXLSXManyNodesChartsTargets(t *testing.T) {
	rep := bigReport(chartNodeLimit+5, 10, 1)
	data := renderXLSX(t, rep)
	if !bytes.Equal(data, renderXLSX(t, rep)) {
		t.Error("a larger workbook differs from one render to the next")
	}
	parts := unzip(t, data)
	chart := parts["xl/charts/chart1.xml"]
	if !strings.Contains(chart, "Verdicts per target") || !strings.Contains(chart, "Summary!$B$") {
		t.Errorf("a large cluster should be charted per target: %.400s", chart)
	}
}

func TestXLSXDeterministic(t *testing.T) {
	waived := func() *results.Report {
		rep := testReport()
		waive(rep)
		return rep
	}
	a := renderXLSX(t, waived())
	for i := 0; i < 5; i++ {
		if b := renderXLSX(t, waived()); !bytes.Equal(a, b) {
			t.Fatalf("render %d differs from the first (%d and %d bytes)", i+2, len(a), len(b))
		}
	}
	rep := testReport()
	if b := renderXLSX(t, rep); !bytes.Equal(renderXLSX(t, rep), b) {
		t.Fatal("the same report rendered twice differs")
	}
}

// failWriter fails once more than n bytes were written.
type failWriter struct{ n int }

var errWrite = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errWrite
	}
	w.n -= len(p)
	return len(p), nil
}

// TestWriteError: every binary format returns the writer's error.
func TestWriteError(t *testing.T) {
	for name, render := range map[string]func(*failWriter) error{
		"xlsx":      func(w *failWriter) error { return XLSX(w, testReport()) },
		"pdf":       func(w *failWriter) error { return PDF(w, testReport()) },
		"diff xlsx": func(w *failWriter) error { return DiffXLSX(w, testDiff()) },
		"diff pdf":  func(w *failWriter) error { return DiffPDF(w, testDiff()) },
	} {
		for _, n := range []int{0, 100, 5000} {
			if err := render(&failWriter{n: n}); !errors.Is(err, errWrite) {
				t.Errorf("%s after %d bytes: error %v, want %v", name, n, err, errWrite)
			}
		}
	}
}

func TestXLSXEmptyReport(t *testing.T) {
	rep := &results.Report{Benchmark: "cis-1.6", AnalyzerVersion: "v0", ReportTime: fixtureTime}
	f := openBook(t, renderXLSX(t, rep))
	rows, _ := f.GetRows(sheetResults)
	if len(rows) != 1 {
		t.Errorf("empty report: %d result rows, want the header only", len(rows))
	}
}

// bigReport builds nodes nodes with checks checks each (half master, half
// node) and cites citations pieces of evidence per result.
func bigReport(nodes, checks, citations int) *results.Report {
	var secs []*results.Section
	for si, target := range []string{"master", "node"} {
		sid := fmt.Sprint(1 + 3*si)
		s := &results.Section{Benchmark: "cis-1.6", Target: target, ID: sid, Title: target + " security configuration"}
		per := checks / 2
		for gi := 0; gi < 4; gi++ {
			g := &results.Group{ID: fmt.Sprintf("%s.%d", sid, gi+1), Title: fmt.Sprintf("Group %d of %s", gi+1, target)}
			for ci := 0; ci < per/4+boolInt(gi < per%4); ci++ {
				id := fmt.Sprintf("%s.%d", g.ID, ci+1)
				g.Checks = append(g.Checks, &results.Check{ID: id, Title: "Ensure that the --setting-" + id +
					" argument is set to a value that the benchmark recommends for production clusters",
					Assessment: "automated", Target: target, Group: g.ID, Component: "kubelet",
					Remediation: "Edit /var/lib/kubelet/config.yaml and set the setting, then restart the kubelet."})
			}
			s.Groups = append(s.Groups, g)
		}
		secs = append(secs, s)
	}
	mix := []results.Status{results.Pass, results.Pass, results.Pass, results.Fail, results.Pass, results.Pass,
		results.Warn, results.Pass, results.Info, results.Pass, results.NA, results.Pass, results.Pass, results.Fail, results.Pass}
	rep := &results.Report{Benchmark: "cis-1.6", AnalyzerVersion: "v0.3.0-bench", ReportTime: fixtureTime}
	k := 0
	for i := 0; i < nodes; i++ {
		name := fmt.Sprintf("node-%04d.cluster.example.com", i)
		bd := digestOf(name)
		n := results.NodeResult{Node: name, Bundle: results.BundleInfo{File: name + ".kpb", Digest: bd,
			Host: results.Host{Hostname: name, Roles: []string{"master", "node"}}, CollectedAt: fixtureTime,
			CollectorVersion: "v0.3.0", FormatVersion: 1, Verification: "unsigned", Signature: results.SignatureUnsigned}}
		for _, s := range secs {
			tr := results.TargetResult{Section: s}
			for _, g := range s.Groups {
				for _, c := range g.Checks {
					st := mix[k%len(mix)]
					k++
					r := results.Result{Check: c, Status: st, Expected: "'--setting' is 'true'", Observed: "--setting=false"}
					for j := 0; j < citations; j++ {
						r.Citations = append(r.Citations, results.Citation{Bundle: bd, Node: name, Member: "facts/processes.json",
							MemberSHA256: digestOf(fmt.Sprint(name, c.ID, j)), Locator: fmt.Sprintf("pid 1010 kubelet argv[%d]", j+3),
							Observed: "--setting=false"})
					}
					tr.Results = append(tr.Results, r)
					tr.Totals.Add(st)
				}
			}
			n.Targets = append(n.Targets, tr)
			n.Totals.Merge(tr.Totals)
		}
		rep.Nodes = append(rep.Nodes, n)
		rep.Totals.Merge(n.Totals)
	}
	return rep
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// escapedCitations are citations as the reports show them (safeReport).
func escapedCitations(cs []results.Citation) []results.Citation {
	out := slices.Clone(cs)
	for i := range out {
		for _, p := range []*string{&out[i].Node, &out[i].Member, &out[i].Locator, &out[i].Observed} {
			*p = display.Escape(*p)
		}
	}
	return out
}

// TestXLSXPrinting: every sheet prints landscape A4 fit to the page's
// width, with the report id and page numbers in its footer, and every
// table repeats its header row on each page.
func TestXLSXPrinting(t *testing.T) {
	rep := testReport()
	waive(rep)
	data := renderXLSX(t, rep)
	f := openBook(t, data)
	titles := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles[dn.Scope] = dn.RefersTo
		}
	}
	for _, sh := range f.GetSheetList() {
		layout, err := f.GetPageLayout(sh)
		if err != nil {
			t.Fatal(err)
		}
		if layout.Orientation == nil || *layout.Orientation != "landscape" || layout.Size == nil || *layout.Size != 9 ||
			layout.FitToWidth == nil || *layout.FitToWidth != 1 || layout.FitToHeight == nil || *layout.FitToHeight != 0 {
			t.Errorf("%s: page layout %+v, want A4 landscape, one page wide", sh, layout)
		}
		props, err := f.GetSheetProps(sh)
		if err != nil || props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: sheet properties %+v (%v), want fit to page", sh, props, err)
		}
		hf, err := f.GetHeaderFooter(sh)
		if err != nil || !strings.Contains(hf.OddFooter, "kubeproof report "+ReportID(rep)) || !strings.Contains(hf.OddFooter, "page &P of &N") {
			t.Errorf("%s: footer %+v (%v)", sh, hf, err)
		}
		if sh == sheetSummary {
			continue
		}
		if want := "'" + sh + "'!$1:$1"; titles[sh] != want {
			t.Errorf("%s: print titles %q, want %q", sh, titles[sh], want)
		}
	}
}

// TestXLSXChartCaches: the chart holds the values it draws, read from the
// summary's cells, so that viewers that do not recalculate show it.
func TestXLSXChartCaches(t *testing.T) {
	for _, tt := range []struct {
		name string
		rep  *results.Report
	}{{"per node", testReport()}, {"per target", bigReport(chartNodeLimit+5, 10, 1)}} {
		t.Run(tt.name, func(t *testing.T) {
			data := renderXLSX(t, tt.rep)
			f := openBook(t, data)
			chart := unzip(t, data)["xl/charts/chart1.xml"]
			refs := regexp.MustCompile(`<(strRef|numRef)><f>([^<]*)</f>(.*?)</(?:strRef|numRef)>`).FindAllStringSubmatch(chart, -1)
			if len(refs) != 4*3 { // PASS, FAIL, WARN, INFO: name, categories, values
				t.Fatalf("%d references in the chart, want 12", len(refs))
			}
			for _, m := range refs {
				want, err := refValues(f, m[2])
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, pt := range regexp.MustCompile(`<pt idx="(\d+)"><v>([^<]*)</v></pt>`).FindAllStringSubmatch(m[3], -1) {
					if pt[1] != strconv.Itoa(len(got)) {
						t.Errorf("%s: point %s out of order", m[2], pt[1])
					}
					got = append(got, html(pt[2]))
				}
				if len(want) == 0 || strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("%s caches %q, the cells hold %q", m[2], got, want)
				}
				if !strings.Contains(m[3], fmt.Sprintf(`<ptCount val="%d">`, len(want))) {
					t.Errorf("%s: no point count in %s", m[2], m[3])
				}
				if m[1] == "numRef" && !strings.HasPrefix(m[3], "<numCache><formatCode>General</formatCode>") {
					t.Errorf("%s: numbers cached as %.80s", m[2], m[3])
				}
			}
		})
	}
}

func TestWrappedLines(t *testing.T) {
	for _, tt := range []struct {
		s     string
		width float64
		want  int
	}{
		{"", 10, 1},
		{"PASS", 10, 1},
		{"one\ntwo\nthree", 30, 3},
		{"Ensure that the --anonymous-auth argument is set to false", 60, 1},
		{"Ensure that the --anonymous-auth argument is set to false", 30, 2},
		{"Ensure that the --anonymous-auth argument is set to false", 20, 4},
		{strings.Repeat("W", 50), 10, 10},          // a word wider than the line breaks anywhere
		{strings.Repeat("i", 50), 10, 3},           // narrow letters
		{strings.Repeat("确", 20), 20, 2},           // ideographs are nearly two digits wide
		{"aaaa " + strings.Repeat("b", 30), 20, 3}, // a long word starts a line
	} {
		if got := wrappedLines(tt.s, tt.width); got != tt.want {
			t.Errorf("wrappedLines(%q, %v) = %d, want %d", tt.s, tt.width, got, tt.want)
		}
	}
}

func TestFitCell(t *testing.T) {
	short := "a value that fits"
	if got, lines := fitCell(short, 30, "elsewhere"); got != short || lines != 1 {
		t.Errorf("fitCell cut %q to %q", short, got)
	}
	long := strings.Repeat("--flag=value ", 2000)
	got, n := fitCell(long, 30, "the Evidence sheet lists every citation whole")
	if lines := wrappedLines(got, 30); lines > maxLines || lines != n {
		t.Errorf("cut text takes %d lines, more than %d", lines, maxLines)
	}
	if lines := wrappedLines(got, 30); lines < maxLines-1 {
		t.Errorf("cut text takes %d lines: cut more than needed", lines)
	}
	if !strings.HasPrefix(long, strings.SplitN(got, "…", 2)[0]) ||
		!regexp.MustCompile(`… \(\d+ more characters cut to fit the cell; the Evidence sheet lists every citation whole\)$`).MatchString(got) {
		t.Errorf("cut text ends %q", got[max(0, len(got)-120):])
	}
}

// TestXLSXRowHeights: every row of a table is as high as the estimate of
// its tallest wrapped cell, and no cell needs more than the tallest row.
func TestXLSXRowHeights(t *testing.T) {
	rep := testReport()
	// Citations enough to overflow a row.
	r := &rep.Nodes[0].Targets[0].Results[1]
	for i := 0; i < 80; i++ {
		r.Citations = append(r.Citations, results.Citation{Bundle: r.Citations[0].Bundle, Member: "facts/processes.json",
			Locator: fmt.Sprintf("pid %d kube-apiserver argv[%d]", 1000+i, i), Observed: "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"})
	}
	f := openBook(t, renderXLSX(t, rep))
	rows := sheetRows(t, f, sheetResults)
	cut := 0
	for i := 1; i < len(rows); i++ {
		lines := 1
		for j, v := range rows[i] {
			w, err := f.GetColWidth(sheetResults, colName(j+1))
			if err != nil {
				t.Fatal(err)
			}
			style, _ := f.GetCellStyle(sheetResults, cell(j+1, i+1))
			if st, _ := f.GetStyle(style); st != nil && st.Alignment != nil && st.Alignment.WrapText {
				lines = max(lines, wrappedLines(v, w))
			}
			if strings.Contains(v, "cut to fit the cell") {
				cut++
			}
		}
		h, err := f.GetRowHeight(sheetResults, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if lines > maxLines {
			t.Errorf("row %d: a cell takes %d lines, more than a row holds", i+1, lines)
		}
		if want := rowHeight(lines); h != want && !(lines == 1 && h == 15) {
			t.Errorf("row %d: height %v, want %v for %d lines", i+1, h, want, lines)
		}
	}
	if cut == 0 {
		t.Error("no cell was cut to fit its row")
	}
}

// TestXLSXFleet: with more than one node, the Fleet sheet counts each
// check across them and names the failing nodes, the first ones and how
// many more; the Inconsistencies sheet lists each value of a check that
// differs between nodes of one target.
func TestXLSXFleet(t *testing.T) {
	rep := bigReport(3*namedNodes, 10, 1)
	// One node observes another value for the first check.
	odd := &rep.Nodes[3].Targets[0].Results[0]
	odd.Observed, odd.Citations[0].Observed = "--setting=odd", "--setting=odd"
	fl := fleet.Summarize(rep)
	f := openBook(t, renderXLSX(t, rep))
	rows := sheetRows(t, f, sheetFleet)
	wantHeader := "Target|ID|Title|Assessment|Ran on|PASS|FAIL|WARN|WAIVED|INFO|NA|Fleet line|Failing nodes|Waived on|Inconsistent"
	if got := strings.Join(rows[0], "|"); got != wantHeader {
		t.Errorf("fleet header %s, want %s", got, wantHeader)
	}
	if len(rows)-1 != len(fl.Checks) {
		t.Fatalf("fleet sheet has %d rows, want %d checks", len(rows)-1, len(fl.Checks))
	}
	manyFailing := false
	for i, c := range fl.Checks {
		row := append(rows[i+1], make([]string, 15)...)
		want := []string{c.Target, c.ID, c.Title, "Automated", strconv.Itoa(c.Ran)}
		for _, s := range bookStatuses {
			want = append(want, strconv.Itoa(count(c.Totals, s)))
		}
		want = append(want, c.Line())
		if got := strings.Join(row[:12], "|"); got != strings.Join(want, "|") {
			t.Errorf("fleet row %d = %s, want %s", i+2, got, strings.Join(want, "|"))
		}
		if len(c.Failing) > namedNodes+1 {
			manyFailing = true
			want := strings.Join(c.Failing[:namedNodes], ", ") + fmt.Sprintf(" and %d more", len(c.Failing)-namedNodes)
			if row[12] != want {
				t.Errorf("fleet row %d names the failing nodes %q, want %q", i+2, row[12], want)
			}
		} else if row[12] != strings.Join(c.Failing, ", ") {
			t.Errorf("fleet row %d names the failing nodes %q, want %q", i+2, row[12], strings.Join(c.Failing, ", "))
		}
	}
	if !manyFailing {
		t.Error("no check fails on more nodes than the sheet names")
	}
	inc := sheetRows(t, f, sheetInconsistencies)
	if len(fl.Inconsistencies) == 0 {
		t.Fatal("the fixture has no inconsistency")
	}
	var want []string
	for _, in := range fl.Inconsistencies {
		for _, g := range in.Groups {
			want = append(want, strings.Join([]string{in.Cluster, in.Target, in.ID, in.Title, yesOrEmpty(in.VerdictsDiffer), g.Observed,
				string(g.Status), strconv.Itoa(len(g.Nodes)), nodeList(g.Nodes)}, "|"))
		}
	}
	var got []string
	for _, r := range inc[1:] {
		got = append(got, strings.Join(r[:9], "|"))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("inconsistencies:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(strings.Join(got, "\n"), "--setting=odd|") {
		t.Error("the odd node's value is not listed")
	}

	// One node: no fleet.
	one := bigReport(1, 10, 1)
	f1 := openBook(t, renderXLSX(t, one))
	if got := strings.Join(f1.GetSheetList(), ","); got != "Summary,Results,Evidence,Bundles" {
		t.Errorf("one node without waivers: sheets %s", got)
	}
}

// openBook opens a workbook written to data, closed when the test ends.
func openBook(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// sheetRows are the rows of a sheet of f.
func sheetRows(t testing.TB, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
