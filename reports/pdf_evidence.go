package reports

import (
	"fmt"
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// evidence draws Appendix A: for each check, the evidence behind its
// verdicts, nodes that read alike grouped (the same values from the same
// members and places), so that a thousand nodes with one setting make one
// block. With Detail failures it covers the findings (FAIL, WARN,
// WAIVED); with all, every verdict with evidence.
func (d *pdfDoc) evidence(checks []*checkResults) {
	if d.opts.Detail == PDFDetailNone {
		return
	}
	keep := isFinding
	what := "the findings (FAIL, WARN and WAIVED verdicts of automated checks)"
	if d.opts.Detail == PDFDetailAll {
		keep = func(s results.Status) bool { return s != results.NA }
		what = "every verdict of every automated check but N/A"
	}
	d.newPage()
	d.section("Appendix A: evidence by check", 0)
	d.heading("Appendix A: evidence by check", 16, 0)
	d.paragraph(fmt.Sprintf("The evidence behind %s. Nodes whose results read alike (the same verdict and values, read from the same "+
		"bundle members at the same places) share one block. Each piece of evidence names the bundle member, where in it the value "+
		"was read, and the value; the member's SHA-256 is shown when it is the same on every node of the block, and is otherwise "+
		"in the JSON report; "+nodePlaceholder+" stands for each node's own name and "+pidPlaceholder+" for its process ids. Appendix B lists the bundles' digests.", what), style{size: 8.5, color: black}, marginL, contentW)
	d.y += 3
	titleSt := style{size: 8.5, bold: true, color: black}
	value := style{size: 7.5, color: black}
	small := style{size: 7, color: grey}
	for _, c := range checks {
		if c.check.Review {
			continue
		}
		groups := groupResults(c.items, keep, evidenceKey)
		if len(groups) == 0 {
			continue
		}
		title := d.layout(c.id()+"  "+c.check.DisplayTitle(), titleSt, contentW, 3)
		d.need(float64(len(title))*titleSt.lineH() + 5*value.lineH())
		d.bookmark(c.id()+" "+c.check.Title, 1)
		d.fill(groupBG, marginL, d.y, contentW, float64(len(title))*titleSt.lineH()+1)
		d.y += 0.5
		for _, l := range title {
			d.draw(l, titleSt, marginL+1, d.y, contentW-2, "L")
			d.y += titleSt.lineH()
		}
		d.y += 1.5
		cont := fmt.Sprintf("%s %s (continued)", c.id(), c.check.Title)
		for _, g := range groups {
			r := g.first
			var rows []brow
			// The count by the badge, the names (which may be many) under it.
			count, names, _ := strings.Cut(nodesText(g.items, c.items, 0), ": ")
			rows = append(rows, d.badgeRow("", g.status, count, style{size: 7, bold: true, color: black}))
			if names != "" {
				rows = append(rows, d.indentedRow("", names, style{size: 6.5, color: black}))
			}
			obs := g.show(r.Observed)
			if obs == "" {
				obs = "(nothing)"
			}
			rows = append(rows, d.textRow("Observed", shorten(obs, 400), value))
			if r.Reason != "" {
				rows = append(rows, d.textRow("Reason", r.Reason, value))
			}
			if note := r.WaiverNote(); note != "" {
				rows = append(rows, d.textRow("Waiver", note, value))
			}
			if r.Unverified {
				rows = append(rows, d.textRow("Warning", "this verdict rests on evidence that FAILED verification (marked UNVERIFIED): "+
					"it may have been changed after collection", style{size: 7.5, bold: true, color: statusFill(results.Fail)}))
			}
			for i := range r.Citations {
				l := ""
				if i == 0 {
					l = "Evidence"
				}
				rows = append(rows, d.bulletRow(l, citationText(g, i), small))
			}
			if len(r.Citations) == 0 {
				rows = append(rows, d.textRow("Evidence", "none: the verdict rests on the absence of evidence", small))
			}
			d.need(3 * value.lineH())
			d.drawRows(rows, cont)
			d.y += 1.5
		}
		d.y += 1
		d.hline(rule, marginL, marginL+contentW, d.y)
		d.y += 2
	}
}

// citationText is the i-th citation of a group's results: member, place,
// the member's digest when every node of the group has the same one, and
// the value read.
func citationText(g *resultGroup, i int) string {
	c := g.first.Citations[i]
	s := g.show(c.Member)
	if c.Unverified {
		s = "UNVERIFIED · " + s
	}
	if c.Locator != "" {
		loc := g.show(c.Locator)
		for _, it := range g.items[1:] {
			if i < len(it.r.Citations) && it.r.Citations[i].Locator != c.Locator {
				loc = pidless(loc)
				break
			}
		}
		s += " · " + loc
	}
	same := true
	for _, it := range g.items[1:] {
		if i >= len(it.r.Citations) || it.r.Citations[i].MemberSHA256 != c.MemberSHA256 {
			same = false
			break
		}
	}
	switch {
	case same && len(g.items) > 1:
		s += " · sha256:" + c.MemberSHA256.Short() + " on every node"
	case same:
		s += " · sha256:" + c.MemberSHA256.Short()
	default:
		s += " · sha256 differs by node"
	}
	return s + " · observed: " + shorten(g.show(c.Observed), 200)
}
