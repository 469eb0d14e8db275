package reports

import (
	"fmt"
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// waiverScope says which nodes a waiver selects.
func waiverScope(w results.Waiver) string {
	var parts []string
	if len(w.Nodes) > 0 {
		parts = append(parts, "nodes "+strings.Join(w.Nodes, ", "))
	}
	if len(w.Roles) > 0 {
		parts = append(parts, "roles "+strings.Join(w.Roles, ", "))
	}
	if len(parts) == 0 {
		return "every node"
	}
	return strings.Join(parts, "; ")
}

// waivers draws the waivers given with --waivers: each with what it
// selects, why, who approved it, until when, and how many results it
// matched and waived.
func (d *pdfDoc) waivers() {
	ws := d.rep.Waivers
	if ws == nil {
		return
	}
	d.newPage()
	d.section("Waivers", 0)
	d.heading("Waivers", 16, 0)
	expired := 0
	for _, e := range ws.Entries {
		if e.Waiver.Expired {
			expired++
		}
	}
	intro := fmt.Sprintf("%s from %s (sha256:%s, part of the report ID). A waiver accepts the risk of a FAIL or WARN: "+
		"the result is shown as WAIVED, counted apart and never as PASS. Matched counts the results a waiver selects, "+
		"whatever their verdict; waived, the FAIL and WARN results it accepts.",
		firstUpper(countNoun(len(ws.Entries), "waiver")), ws.File, ws.Digest.Short())
	switch {
	case expired == 1:
		intro += " 1 waiver had expired by the report date: it no longer applies, and the results it would waive are shown " +
			"as FAIL or WARN with the expiry noted."
	case expired > 1:
		intro += fmt.Sprintf(" %s had expired by the report date: they no longer apply, and the results they would waive are shown "+
			"as FAIL or WARN with the expiry noted.", countNoun(expired, "waiver"))
	}
	d.paragraph(intro, style{size: 9, color: black}, marginL, contentW)
	d.y += 3
	if len(ws.Entries) == 0 {
		d.paragraph("The file holds no waiver.", style{size: 9, color: grey}, marginL, contentW)
		return
	}
	cols := []tcol{{"Check", 15, "L"}, {"Applies to", 24, "L"}, {"Justification", 54, "L"}, {"Approver", 18, "L"},
		{"Ticket", 17, "L"}, {"Expires", 20, "L"}, {"Matched", 16, "R"}, {"Waived", 16, "R"}}
	tb := &table{cols: cols, st: style{size: 7.5, color: black}, pad: 1, hsize: 7}
	d.tableStart(tb, "Waivers (continued)")
	for _, e := range ws.Entries {
		w := e.Waiver
		expires := tcell{text: w.Expires}
		if w.Expires == "" {
			expires.text = "never"
		}
		if w.Expired {
			expires.text += " EXPIRED"
			col := statusFill(results.Fail)
			expires.color, expires.bold = &col, true
		}
		matched := tcell{text: thousands(e.Matched)}
		if e.Matched == 0 {
			col := warnText
			matched.color, matched.bold = &col, true
		}
		applied := tcell{text: thousands(e.Applied)}
		if w.Expired {
			// An expired waiver waives nothing; Applied counts what it would.
			applied = tcell{text: "none", color: &grey}
		}
		check := w.Check
		if w.Line > 0 {
			check += fmt.Sprintf("\nline %d", w.Line)
		}
		d.tableRow(tb, []tcell{{text: check, bold: true}, {text: waiverScope(w)}, {text: w.Justification}, {text: w.Approver},
			{text: w.Ticket}, expires, matched, applied})
	}
	d.tableEnd()
}
