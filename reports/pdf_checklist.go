package reports

import (
	"fmt"
	"math"
	"strings"
)

// reviewChecks are the checks whose verdict is a person's (Check.Review).
func reviewChecks(checks []*checkResults) []*checkResults {
	var out []*checkResults
	for _, c := range checks {
		if c.check.Review {
			out = append(out, c)
		}
	}
	return out
}

// checklist draws the manual checks as a list to work through: what to
// verify, and empty cells for the reviewer's verdict and initials. Their
// WARN verdicts are not findings, and evidence cannot decide them.
func (d *pdfDoc) checklist(checks []*checkResults) {
	review := reviewChecks(checks)
	if len(review) == 0 {
		return
	}
	d.newPage()
	d.section("Review checklist", 0)
	d.heading("Review checklist", 16, 0)
	d.paragraph(fmt.Sprintf("%s need a person's judgement: the benchmark marks them manual, or what they ask is not in "+
		"the evidence a bundle holds. They are WARN in the results and count neither for nor against the compliance score. "+
		"Verify each as described, then record the verdict (met, not met or not applicable) and your initials; "+
		"note exceptions on the sign-off page.", firstUpper(countNoun(len(review), "check"))),
		style{size: 9, color: black}, marginL, contentW)
	d.y += 3

	cols := []tcol{{"ID", 14, "L"}, {"Check and what to verify", 104, "L"}, {"Scope", 18, "L"}, {"Verdict", 24, "C"}, {"Initials", 20, "C"}}
	tb := &table{cols: cols, st: style{size: 8, color: black}}
	d.tableStart(tb, "Review checklist (continued)")
	const pad, minH = 1.4, 13.0
	title := style{size: 8, bold: true, color: black}
	body := style{size: 7.5, color: black}
	note := style{size: 7, color: grey}
	textW := cols[1].w - 2*pad
	maxH := contentBottom - marginT - 20
	group := ""
	for _, c := range review {
		if g := c.target + " " + c.check.Group; g != group {
			group = g
			d.tableSpan(tb, c.check.Group+" "+c.section.GroupTitle(c.check.Group)+" ("+c.target+")")
		}
		tl := d.layout(c.check.DisplayTitle(), title, textW, 3)
		what := d.layoutMarkup(firstSentences(c.check.Remediation, 420), body, textW)
		var ex []line
		if e := explanation(c.items); e != "" {
			ex = d.layout(e, note, textW, 3)
		}
		for _, w := range waiverNotes(c.items) {
			ex = append(ex, d.layout(w, note, textW, 2)...)
		}
		h := float64(len(tl))*title.lineH() + 0.6 + markupHeight(what, body) + float64(len(ex))*note.lineH() + 2*pad
		if len(ex) > 0 {
			h += 0.6
		}
		h = math.Min(math.Max(h, minH), maxH)
		d.need(h)
		top := d.y
		x := marginL
		d.text(c.id(), style{size: 8, bold: true, color: black}, x+pad, top+pad, cols[0].w-2*pad, "L")
		x += cols[0].w
		d.y = top + pad
		for _, l := range tl {
			d.draw(l, title, x+pad, d.y, textW, "L")
			d.y += title.lineH()
		}
		d.y += 0.6
		for _, l := range what {
			if d.y+l.gap+body.lineH() > top+h {
				break
			}
			d.y += l.gap
			if l.marker != nil {
				d.draw(*l.marker, body, x+pad, d.y, textW, "L")
			}
			d.draw(l.line, body, x+pad+l.dx, d.y, textW-l.dx, "L")
			d.y += body.lineH()
		}
		if len(ex) > 0 {
			d.y += 0.6
			for _, l := range ex {
				if d.y+note.lineH() > top+h {
					break
				}
				d.draw(l, note, x+pad, d.y, textW, "L")
				d.y += note.lineH()
			}
		}
		x += cols[1].w
		sy := top + pad
		for _, l := range d.layout(scopeCountText(c.items), body, cols[2].w-2*pad, 3) {
			d.draw(l, body, x+pad, sy, cols[2].w-2*pad, "L")
			sy += body.lineH()
		}
		d.checklistGrid(cols, top, h)
	}
	d.tableEnd()
}

// explanation is what kubeproof found for a manual check, when every scope
// that ran it found the same.
func explanation(items []scopedResult) string {
	e := ""
	for i, it := range items {
		if i == 0 {
			e = it.r.Explanation
		} else if it.r.Explanation != e {
			return ""
		}
	}
	if e == "" {
		return ""
	}
	return "Found: " + strings.TrimSpace(e)
}

// waiverNotes are the distinct waiver notes of items, each with how many
// scopes it covers: a waived manual check is shown WAIVED.
func waiverNotes(items []scopedResult) []string {
	var notes []string
	count := map[string]int{}
	for _, it := range items {
		n := it.r.WaiverNote()
		if n == "" {
			continue
		}
		if count[n] == 0 {
			notes = append(notes, n)
		}
		count[n]++
	}
	for i, n := range notes {
		notes[i] = firstUpper(n) + " (" + countNoun(count[n], scopeWord(items)) + ")"
	}
	return notes
}

// checklistGrid draws the cell borders of a checklist row from top, h
// high, and moves below it.
func (d *pdfDoc) checklistGrid(cols []tcol, top, h float64) {
	x := marginL
	d.f.SetDrawColor(rule.r, rule.g, rule.b)
	for i, c := range cols {
		if i > 0 {
			d.f.Line(x, top, x, top+h)
		}
		x += c.w
	}
	d.y = top + h
	d.hline(rule, marginL, marginL+contentW, d.y)
}
