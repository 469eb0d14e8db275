package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// checkTotals counts a check's shown verdicts over the scopes that ran it.
func checkTotals(c *checkResults) results.Totals { return c.fleet.Totals }

// outcomeLine says how a check went across the scopes that ran it, as the
// fleet summary does: "FAIL on 312, PASS on 688 of 1,000 nodes".
func outcomeLine(c *checkResults) string {
	return strings.TrimPrefix(c.fleet.Line(), c.fleet.ID+" ")
}

// worst is the most severe shown verdict of a check's results.
func worst(c *checkResults) results.Status {
	w := results.NA
	for _, it := range c.items {
		if s := it.r.Shown(); severity(s) < severity(w) {
			w = s
		}
	}
	return w
}

// findingChecks are the automated checks with a FAIL, WARN or WAIVED
// verdict somewhere.
func findingChecks(checks []*checkResults) []*checkResults {
	var out []*checkResults
	for _, c := range checks {
		if !c.check.Review && isFinding(worst(c)) {
			out = append(out, c)
		}
	}
	return out
}

// fleetTable draws every check with its verdicts counted over the nodes:
// the whole audit in a few pages, whatever the number of nodes.
func (d *pdfDoc) fleetTable(checks []*checkResults) {
	d.newPage()
	what := "node"
	if len(d.rep.Nodes) != 1 {
		what = fmt.Sprintf("the %s", countNoun(len(d.rep.Nodes), "node"))
	}
	d.section("Checks across nodes", 0)
	d.heading("Checks across nodes", 16, 0)
	d.paragraph(fmt.Sprintf("Every check and how it went on %s: how many ran it, and their verdicts as shown (a waived "+
		"FAIL or WARN counts as WAIVED). Manual checks are in the review checklist; the findings section explains "+
		"every FAIL, WARN and WAIVED.", what), style{size: 9, color: black}, marginL, contentW)
	d.y += 3
	cols := []tcol{{"ID", 19, "L"}, {"Check", 77, "L"}, {"Ran", 12, "R"}}
	for _, s := range pdfStatuses {
		cols = append(cols, tcol{statusHeader(s), 12, "R"})
	}
	tb := &table{cols: cols, st: style{size: 7.5, color: black}, pad: 0.9, hsize: 6.2}
	target := ""
	group := ""
	for _, c := range checks {
		if c.target != target {
			if target != "" {
				d.tableEnd()
				d.y += 4
			}
			target, group = c.target, ""
			title := fmt.Sprintf("%s %s (%s)", c.section.ID, c.section.Title, c.target)
			d.heading(title, 10.5, 20)
			d.section(title, 1)
			d.tableStart(tb, title+" (continued)")
		}
		if c.check.Group != group {
			group = c.check.Group
			d.tableSpan(tb, group+" "+c.section.GroupTitle(group))
		}
		// Most checks are automated: only the others say what they are.
		title := c.check.Title
		if l := c.check.AssessmentLabel(); l != "Automated" && l != "Scored" {
			title += " (" + l + ")"
		}
		if c.check.Review {
			title += " · in the review checklist"
		}
		cells := []tcell{{text: c.id()}, {text: title}, {text: thousands(len(c.items))}}
		t := checkTotals(c)
		for _, s := range pdfStatuses {
			n := statusCount(t, s)
			cell := tcell{text: thousands(n)}
			if n == 0 {
				cell.color = &rule
			} else if s == results.Fail || s == results.Warn || s == results.Waived {
				cell.bold = true
				col := statusFill(s)
				if s == results.Warn {
					col = warnText
				}
				cell.color = &col
			}
			cells = append(cells, cell)
		}
		d.tableRow(tb, cells)
	}
	if target != "" {
		d.tableEnd()
	}
}

// warnText is WARN's colour for text on white: amber is too light.
var warnText = rgb{0xb2, 0x6a, 0x00}

// statusHeader is a status as a column title ("N/A" for NA).
func statusHeader(s results.Status) string {
	if s == results.NA {
		return "N/A"
	}
	return string(s)
}

// findings draws one block per check that failed, needs attention or was
// waived somewhere: what it expects, the values the nodes showed (each
// with how many and which nodes), the waivers, and the remediation, once.
func (d *pdfDoc) findings(checks []*checkResults) {
	found := findingChecks(checks)
	d.newPage()
	d.section("Findings", 0)
	d.heading("Findings", 16, 0)
	intro := fmt.Sprintf("%s failed, could not be decided (WARN) or were waived on at least one node. Each is listed "+
		"once, with the values the nodes showed and which nodes showed them (a value that names its node shows "+nodePlaceholder+
		" in its place); the remediation follows. ", firstUpper(countNoun(len(found), "automated check")))
	switch d.opts.Detail {
	case PDFDetailNone:
		intro += "This report leaves out the evidence of each node (--pdf-detail none): the JSON report has it."
	default:
		intro += "Appendix A has the evidence: the bundle member, where in it, and the value read, for every node."
	}
	if len(found) == 0 {
		intro = "No automated check failed, none was undecided and none was waived."
	}
	d.paragraph(intro, style{size: 9, color: black}, marginL, contentW)
	d.y += 3
	for _, c := range found {
		d.findingBlock(c)
	}
}

// Geometry of finding blocks.
const (
	badgeW     = 15.0
	rowLabelW  = 22.0
	rowValueX  = marginL + badgeW + 2 + rowLabelW
	rowValueW  = contentW - badgeW - 2 - rowLabelW
	maxNodesIn = 6  // node names in a findings block; Appendix A lists all
	maxValues  = 15 // distinct values in a findings block
)

// brow is a labelled row of a block: text, marked-up text, or a badge.
type brow struct {
	label string
	lines []mline
	st    style
	badge results.Status // drawn in the label column
	link  int            // the row's text links here
}

func (d *pdfDoc) textRow(label, text string, st style) brow {
	var ls []mline
	for _, l := range d.layout(text, st, rowValueW, 0) {
		ls = append(ls, mline{line: l})
	}
	return brow{label: label, lines: ls, st: st}
}

// inlineBadgeW is the width of a status badge in front of a row's text.
const inlineBadgeW = 14.0

// badgeRow is a row whose text follows a status badge.
func (d *pdfDoc) badgeRow(label string, s results.Status, text string, st style) brow {
	var ls []mline
	for _, l := range d.layout(text, st, rowValueW-inlineBadgeW-1.5, 0) {
		ls = append(ls, mline{line: l, dx: inlineBadgeW + 1.5})
	}
	return brow{label: label, lines: ls, st: st, badge: s}
}

// bulletRow is a row of text after a bullet, wrapped lines indented.
func (d *pdfDoc) bulletRow(label, text string, st style) brow {
	indent := d.width("• ", st)
	var ls []mline
	for i, l := range d.layout(text, st, rowValueW-indent, 0) {
		ml := mline{line: l, dx: indent}
		if i == 0 {
			m := toLine(d.shape("•", st))
			ml.marker = &m
		}
		ls = append(ls, ml)
	}
	return brow{label: label, lines: ls, st: st}
}

func (d *pdfDoc) findingBlock(c *checkResults) {
	titleSt := style{size: 8.5, bold: true, color: black}
	value := style{size: 7.5, color: black}
	small := style{size: 7, color: grey}
	w := worst(c)

	rows := []brow{d.textRow("Outcome", outcomeLine(c), style{size: 7.5, bold: true, color: black})}
	if e := c.items[0].r.Expected; e != "" {
		rows = append(rows, d.textRow("Expected", e, value))
	}
	groups := groupResults(c.items, isFinding, observedKey)
	for i, g := range groups {
		if i == maxValues {
			rest := 0
			for _, g := range groups[i:] {
				rest += len(g.items)
			}
			rows = append(rows, d.textRow("", fmt.Sprintf("… and %d other values on %s: see Appendix A", len(groups)-i,
				countNoun(rest, scopeWord(c.items))), small))
			break
		}
		obs := g.show(g.first.Observed)
		if obs == "" {
			obs = "(nothing)"
		}
		label := ""
		if i == 0 {
			label = "Observed"
		}
		obs = shorten(obs, 300)
		if slices.ContainsFunc(g.items, func(it scopedResult) bool { return it.r.Unverified }) {
			obs += " " + unverifiedMark
		}
		rows = append(rows, d.badgeRow(label, g.status, obs, value))
		detail := nodesText(g.items, c.items, maxNodesIn)
		if g.first.Reason != "" {
			detail = g.first.Reason + " · " + detail
		}
		rows = append(rows, d.indentedRow("", detail, small))
		if note := g.first.WaiverNote(); note != "" {
			col := statusFill(results.Waived)
			if g.first.Waiver.Expired {
				col = statusFill(results.Fail)
			}
			rows = append(rows, d.indentedRow("", note, style{size: 7, bold: true, color: col}))
		}
	}
	rem := strings.TrimSpace(c.check.Remediation)
	if rem != "" {
		rows = append(rows, brow{label: "Remediation", lines: d.layoutMarkup(rem, value, rowValueW), st: value})
	}
	if len(c.check.References) > 0 {
		rows = append(rows, d.textRow("References", strings.Join(c.check.References, " · "), small))
	}

	title := d.layout(c.id()+"  "+c.check.DisplayTitle(), titleSt, contentW-badgeW-2, 3)
	d.need(float64(len(title))*titleSt.lineH() + 4*value.lineH() + 2)
	d.f.SetLink(d.anchors[c], d.y, d.f.PageNo())
	d.section(c.id()+" "+c.check.Title, 1)
	d.badge(w, marginL, d.y, badgeW, titleSt.lineH())
	for _, l := range title {
		d.draw(l, titleSt, marginL+badgeW+2, d.y, contentW-badgeW-2, "L")
		d.y += titleSt.lineH()
	}
	d.y += 0.5
	d.drawRows(rows, fmt.Sprintf("%s %s (continued)", c.id(), c.check.Title))
	d.y += 1.2
	d.hline(rule, marginL, marginL+contentW, d.y)
	d.y += 2
}

// indentedRow is a row whose text lines up under the text of a badgeRow.
func (d *pdfDoc) indentedRow(label, text string, st style) brow {
	return d.badgeRow(label, "", text, st)
}

// badge draws a status in its colour, h high, with its top at y.
func (d *pdfDoc) badge(s results.Status, x, y, w, h float64) {
	st := style{size: 7, bold: true, color: statusText(s)}
	d.fill(statusFill(s), x, y+0.3, w, h-0.6)
	d.text(string(s), st, x, y+(h-st.lineH())/2, w, "C")
}

// drawRows draws labelled rows, breaking pages between lines, with a
// continuation line (cont) at the top of a new page.
func (d *pdfDoc) drawRows(rows []brow, cont string) {
	label := style{size: 7.5, bold: true, color: grey}
	for _, rw := range rows {
		for i, l := range rw.lines {
			if d.y+l.gap+rw.st.lineH() > contentBottom {
				d.newPage()
				d.text(cont, style{size: 7.5, color: grey}, marginL, d.y, contentW, "L")
				d.y += style{size: 7.5}.lineH() + 1
			} else {
				d.y += l.gap
			}
			if i == 0 {
				if rw.badge != "" {
					d.badge(rw.badge, rowValueX, d.y, inlineBadgeW, rw.st.lineH())
				}
				if rw.label != "" {
					d.text(rw.label, label, marginL+badgeW+2, d.y, rowLabelW, "L")
				}
				if rw.link != 0 {
					d.f.Link(rowValueX, d.y, l.w, rw.st.lineH(), rw.link)
				}
			}
			if l.marker != nil {
				d.draw(*l.marker, rw.st, rowValueX, d.y, rowValueW, "L")
			}
			d.draw(l.line, rw.st, rowValueX+l.dx, d.y, rowValueW-l.dx, "L")
			d.y += rw.st.lineH()
		}
	}
}

// percent is n of total as "87.5 %".
func percent(n, total int) string {
	if total == 0 {
		return "–"
	}
	return strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64) + " %"
}
