package reports

import (
	"fmt"
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// nodeTable draws every scope with its verdicts, one row each.
func (d *pdfDoc) nodeTable(caption string) {
	cols := []tcol{{"Node", 41, "L"}, {"Roles", 22, "L"}, {"Benchmark", 17, "L"}, {"Kubernetes", 17, "L"}, {"Total", 11, "R"}}
	for _, s := range pdfStatuses {
		cols = append(cols, tcol{statusHeader(s), 12, "R"})
	}
	tb := &table{cols: cols, st: style{size: 7, color: black}, pad: 0.8, hsize: 6.2}
	d.tableStart(tb, caption)
	for _, n := range d.rep.Scopes() {
		roles := strings.Join(n.Bundle.Host.Roles, ", ")
		if n.IsCluster() {
			roles = "cluster: policies"
		}
		cells := []tcell{{text: n.Node}, {text: roles}, {text: nodeBenchmark(d.rep, &n)}, {text: kubeVersion(&n)}, {text: thousands(statusSum(n.Totals))}}
		d.tableRow(tb, append(cells, countCells(n.Totals)...))
	}
	d.tableEnd()
}

// countCells are the verdict counts of a totals row; non-zero failures,
// warnings and waivers stand out in their colour.
func countCells(t results.Totals) []tcell {
	var cs []tcell
	for _, s := range pdfStatuses {
		n := statusCount(t, s)
		c := tcell{text: thousands(n)}
		if (s == results.Fail || s == results.Warn || s == results.Waived) && n > 0 {
			c.bold = true
			col := statusFill(s)
			if s == results.Warn {
				col = warnText
			}
			c.color = &col
		}
		cs = append(cs, c)
	}
	return cs
}

// bundlesAppendix draws Appendix B: the nodes with their verdicts (when
// the summary did not list them), and every bundle with its digest.
func (d *pdfDoc) bundlesAppendix(nodesListed bool) {
	d.newPage()
	d.section("Appendix B: nodes and bundles", 0)
	d.heading("Appendix B: nodes and bundles", 16, 0)
	if !nodesListed && d.opts.Detail != PDFDetailNone {
		d.heading("Verdicts per node", 11, 12)
		d.section("Verdicts per node", 1)
		d.nodeTable("Verdicts per node (continued)")
		d.y += 6
	}
	d.heading("Evidence bundles", 11, 30)
	d.section("Evidence bundles", 1)
	d.paragraph("Every bundle this report was built from, with its digest (the SHA-256 of the bundle's manifest, which "+
		"lists the SHA-256 of every member) and its signature. Check a bundle with kubeproof verify, and its signer "+
		"with --trusted-key, before trusting a printout: the digest is what the citations in this report refer to, "+
		"and it is the same whether or not the bundle is signed. "+signatureSummary(d.rep)+".",
		style{size: 8.5, color: black}, marginL, contentW)
	d.y += 2
	cols := []tcol{{"Host", 42, "L"}, {"Collected (UTC)", 25, "L"}, {"Signature", 24, "L"}, {"Bundle SHA-256", 89, "L"}}
	tb := &table{cols: cols, st: style{size: 7, color: black}, pad: 0.8, hsize: 6.5}
	d.tableStart(tb, "Evidence bundles (continued)")
	for _, b := range bundles(d.rep) {
		host := b.Host.Hostname
		if len(b.Host.Roles) > 0 {
			host += " (" + strings.Join(b.Host.Roles, ", ") + ")"
		}
		sig := signatureWord(b)
		if b.Partial {
			sig += ", partial"
		}
		cells := []tcell{{text: host}, {text: b.CollectedAt.UTC().Format("2006-01-02 15:04")}, {text: sig}, {text: b.Digest.String(), mono: true, size: 6.4}}
		if b.Failed() {
			col := statusFill(results.Fail)
			cells[2].color, cells[2].bold = &col, true
		}
		d.tableRow(tb, cells)
		// The full verification names the signer's key and what failed.
		if b.Failed() || b.SignerKeyID != "" {
			notes := []string{b.Verification, "file " + b.File}
			for i, p := range b.Problems {
				if i == 10 {
					notes = append(notes, fmt.Sprintf("… and %d more problems (see the JSON report)", len(b.Problems)-10))
					break
				}
				notes = append(notes, "problem: "+p)
			}
			d.tableNote(tb, strings.Join(notes, " · "))
		}
	}
	d.tableEnd()
}

// signatureWord is a bundle's signature state in a word or two.
func signatureWord(b results.BundleInfo) string {
	s := "unsigned"
	switch b.Signature {
	case results.SignatureVerified:
		s = "verified"
	case results.SignatureUnknownKey:
		s = "unknown key"
	case results.SignatureBad:
		s = "BAD signature"
	}
	if b.Failed() {
		s = "FAILED, " + s
	}
	return s
}

// tableNote draws a grey note across the table under the last row.
func (d *pdfDoc) tableNote(t *table, s string) {
	st := style{size: 6.5, color: grey}
	ls := d.layout(s, st, contentW-2*t.padding()-t.cols[0].w, 4)
	h := float64(len(ls))*st.lineH() + t.padding()
	d.need(h)
	d.y -= t.padding() / 2
	for _, l := range ls {
		d.draw(l, st, marginL+t.cols[0].w+t.padding(), d.y, contentW-t.cols[0].w-2*t.padding(), "L")
		d.y += st.lineH()
	}
	d.y += t.padding()
	d.hline(rule, marginL, marginL+contentW, d.y)
}
