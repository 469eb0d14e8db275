package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/results"
)

const tamperedMember = "files/var/lib/kubelet/config.yaml"

// tamperedReport is testReport with worker-1's bundle analyzed although
// one member failed verification (analyze --allow-unverified): the
// citations of that member and the verdicts that rest on them are marked.
func tamperedReport() (rep *results.Report, marked int) {
	rep = testReport()
	n := &rep.Nodes[1]
	n.Bundle.Problems = []string{fmt.Sprintf(`member %q: sha256 %s, manifest says %s`, tamperedMember, digestOf("new"), digestOf("old"))}
	n.Bundle.UnverifiedMembers = []string{tamperedMember}
	n.Bundle.Verification = "FAILED verification: 1 member; " + n.Bundle.Verification
	for ti := range n.Targets {
		for ri := range n.Targets[ti].Results {
			r := &n.Targets[ti].Results[ri]
			for ci := range r.Citations {
				if r.Citations[ci].Member == tamperedMember {
					r.Citations[ci].Unverified, r.Unverified = true, true
				}
			}
			if r.Unverified {
				marked++
			}
		}
	}
	return rep, marked
}

func TestSignatureSummary(t *testing.T) {
	tampered, _ := tamperedReport()
	for _, tt := range []struct {
		rep  *results.Report
		want string
	}{
		{testReport(), "4 bundles: 1 signed and verified, 1 signed by an unknown key, 2 unsigned"},
		{tampered, "4 bundles: 1 signed and verified, 1 signed by an unknown key, 2 unsigned; 1 FAILED verification"},
		{&results.Report{}, "0 bundles"},
		{&results.Report{Nodes: []results.NodeResult{{Bundle: results.BundleInfo{Signature: results.SignatureBad, Problems: []string{"bad signature"}}}}},
			"1 bundle: 1 with a bad signature; 1 FAILED verification"},
	} {
		if got := signatureSummary(tt.rep); got != tt.want {
			t.Errorf("signatureSummary = %q, want %q", got, tt.want)
		}
	}
}

func TestTextVerification(t *testing.T) {
	render := func(rep *results.Report) string {
		var b bytes.Buffer
		if err := Text(&b, rep, TextOptions{}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	clean := render(testReport())
	if strings.Contains(clean, "!!") || strings.Contains(clean, unverifiedMark) || strings.Contains(clean, "UNVERIFIED") {
		t.Error("a report of bundles that verified has failure marks")
	}
	rep, marked := tamperedReport()
	out := render(rep)
	lines := strings.Split(out, "\n")
	if want := "!! WARNING: 1 of 4 bundles FAILED verification and was analyzed anyway (--allow-unverified)"; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line %q, want it to start with %q", lines[0], want)
	}
	if want := "!!   worker-1 (bundles/worker-1.kpb): FAILED verification: 1 member; signed by an unknown key fedcba9876543210"; lines[1] != want {
		t.Errorf("second line %q, want %q", lines[1], want)
	}
	for _, n := range rep.Nodes {
		header := fmt.Sprintf("== Node %s (%s) · bundle %s", n.Node, strings.Join(n.Bundle.Host.Roles, ", "), n.Bundle.Digest.Prefixed())
		i := strings.Index(out, header)
		if i < 0 {
			t.Fatalf("no header for %s", n.Node)
		}
		next := strings.SplitN(out[i:], "\n", 3)[1]
		if next != "bundle: "+n.Bundle.Verification {
			t.Errorf("%s: line after the header %q, want the verification", n.Node, next)
		}
	}
	if !strings.Contains(out, "bundle problem: "+rep.Nodes[1].Bundle.Problems[0]) {
		t.Error("the problem is not listed under its node")
	}
	if got := strings.Count(out, " "+unverifiedMark+"\n"); got != marked || marked == 0 {
		t.Errorf("%d verdict lines marked, want %d", got, marked)
	}
	if !strings.Contains(out, "  evidence (UNVERIFIED: the member failed verification): "+tamperedMember) {
		t.Error("no unverified evidence line")
	}
	if !strings.Contains(out, "4 bundles: 1 signed and verified, 1 signed by an unknown key, 2 unsigned; 1 FAILED verification\n") {
		t.Error("the cluster summary does not count the bundles by signature")
	}
}

func TestJSONVerification(t *testing.T) {
	type doc struct {
		Controls []struct {
			Tests []struct {
				Results []struct {
					Unverified *bool `json:"unverified"`
					Citations  []struct {
						Member     string `json:"member"`
						Unverified *bool  `json:"unverified"`
					} `json:"citations"`
				} `json:"results"`
			} `json:"tests"`
		} `json:"Controls"`
		KubeProof struct {
			VerificationFailed *bool                `json:"verification_failed"`
			Bundles            []results.BundleInfo `json:"bundles"`
		} `json:"kubeproof"`
	}
	render := func(rep *results.Report) (doc, string) {
		var b bytes.Buffer
		if err := JSON(&b, rep); err != nil {
			t.Fatal(err)
		}
		var d doc
		if err := json.Unmarshal(b.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		return d, b.String()
	}
	clean := testReport()
	_, text := render(clean)
	if strings.Contains(text, `"unverified"`) || strings.Contains(text, `"verification_failed"`) || strings.Contains(text, `"problems"`) {
		t.Error("a report of bundles that verified mentions unverified evidence")
	}
	for _, want := range []string{`"verification": "signed and verified (key 0123456789abcdef)"`, `"signature": "verified"`,
		`"signer_key_id": "0123456789abcdef"`, `"signature": "unknown-key"`, `"signature": "unsigned"`} {
		if !strings.Contains(text, want) {
			t.Errorf("the JSON report lacks %s", want)
		}
	}

	rep, marked := tamperedReport()
	d, _ := render(rep)
	if d.KubeProof.VerificationFailed == nil || !*d.KubeProof.VerificationFailed {
		t.Error("kubeproof.verification_failed is not true")
	}
	b := d.KubeProof.Bundles[1]
	if b.Verification != rep.Nodes[1].Bundle.Verification || len(b.Problems) != 1 || b.UnverifiedMembers[0] != tamperedMember {
		t.Errorf("bundle %+v", b)
	}
	results, cites := 0, 0
	for _, c := range d.Controls {
		for _, g := range c.Tests {
			for _, r := range g.Results {
				if r.Unverified != nil && *r.Unverified {
					results++
				}
				for _, ct := range r.Citations {
					if ct.Unverified != nil && *ct.Unverified {
						cites++
						if ct.Member != tamperedMember {
							t.Errorf("citation of %s marked unverified", ct.Member)
						}
					}
				}
			}
		}
	}
	if results != marked || cites == 0 {
		t.Errorf("%d results and %d citations marked unverified, want %d results", results, cites, marked)
	}
}

func TestXLSXVerification(t *testing.T) {
	rep, marked := tamperedReport()
	f := openBook(t, renderXLSX(t, rep))
	// The summary says it first.
	if a, _ := f.GetCellValue(sheetSummary, "A3"); a != "VERIFICATION FAILED" {
		t.Errorf("Summary!A3 = %q", a)
	}
	if b, _ := f.GetCellValue(sheetSummary, "B3"); b != failureWarning(rep, 1) {
		t.Errorf("Summary!B3 = %q", b)
	}
	rows := sheetRows(t, f, sheetResults)
	yes := 0
	unverified, citations := colOf(t, rows[0], "Unverified evidence"), colOf(t, rows[0], "Citations")
	for _, r := range rows[1:] {
		r = append(r, make([]string, len(rows[0]))...)
		if r[unverified] == "yes" {
			yes++
			if r[0] != "worker-1" || !strings.Contains(r[citations], tamperedMember+" authentication.anonymous.enabled (line 7) = true (UNVERIFIED)") {
				t.Errorf("marked row %q", r)
			}
		}
	}
	if yes != marked {
		t.Errorf("%d results marked, want %d", yes, marked)
	}
	bs := sheetRows(t, f, sheetBundles)
	if got := strings.Join(bs[2][colOf(t, bs[0], "Verification"):], "|"); got != rep.Nodes[1].Bundle.Verification+"|unknown-key|fedcba9876543210|"+rep.Nodes[1].Bundle.Problems[0] {
		t.Errorf("bundles row of worker-1: %q", got)
	}

	// Without failures, the summary starts with its metadata.
	f2 := openBook(t, renderXLSX(t, testReport()))
	if a, _ := f2.GetCellValue(sheetSummary, "A3"); a != "Benchmark" {
		t.Errorf("Summary!A3 = %q, want Benchmark", a)
	}
}

func TestPDFVerification(t *testing.T) {
	rep, _ := tamperedReport()
	pages := pdfText(t, renderPDF(t, rep))
	cover := pages[0]
	for _, want := range []string{"VERIFICATION FAILED", "1 of 4 bundles FAILED verification and was analyzed anyway",
		"• worker-1 (bundles/worker-1.kpb): FAILED verification: 1 member; signed by an unknown key fedcba9876543210",
		"Bundles 4 bundles: 1 signed and verified, 1 signed by an unknown key, 2 unsigned; 1 FAILED verification"} {
		if !strings.Contains(cover, want) {
			t.Errorf("the cover lacks %q", want)
		}
	}
	all := strings.Join(pages, " ")
	for _, want := range []string{"UNVERIFIED · " + tamperedMember, "rests on evidence that FAILED verification", unverifiedMark,
		"problem: " + rep.Nodes[1].Bundle.Problems[0][:60], "signed and verified (key 0123456789abcdef)"} {
		if !strings.Contains(all, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	clean := pdfText(t, renderPDF(t, testReport()))
	if strings.Contains(strings.Join(clean, " "), "VERIFICATION FAILED") || strings.Contains(strings.Join(clean, " "), "UNVERIFIED") {
		t.Error("a report of bundles that verified has failure marks")
	}
}
