package reports

import (
	"fmt"

	"github.com/kubeproof/kubeproof/fleet"
	"github.com/kubeproof/kubeproof/results"
)

// inconsistencies draws the checks whose observed values differ between
// nodes that ran the same target: nodes that should be alike and are not
// are findings of their own, even where every value passes.
func (d *pdfDoc) inconsistencies(sum *fleet.Summary) {
	if sum.Nodes < 2 {
		return
	}
	d.newPage()
	d.section("Inconsistencies between nodes", 0)
	d.heading("Inconsistencies between nodes", 16, 0)
	differ := 0
	for _, inc := range sum.Inconsistencies {
		if inc.VerdictsDiffer {
			differ++
		}
	}
	intro := "Nodes that ran the same target (every control plane, every worker) should be configured alike. "
	if len(sum.Inconsistencies) == 0 {
		intro += "They are: no check observed different values on them (a node's own name in a value does not count)."
	} else {
		intro += fmt.Sprintf("%s observed different values on such nodes (a node's own name in a value does not count); "+
			"on %s of them the verdicts differ too, and those come first. Each value is listed with its nodes and where it was read.",
			firstUpper(countNoun(len(sum.Inconsistencies), "check")), thousands(differ))
	}
	d.paragraph(intro, style{size: 9, color: black}, marginL, contentW)
	d.y += 3
	titleSt := style{size: 8.5, bold: true, color: black}
	value := style{size: 7.5, color: black}
	small := style{size: 7, color: grey}
	for _, inc := range sum.Inconsistencies {
		nodes := 0
		for _, g := range inc.Groups {
			nodes += len(g.Nodes)
		}
		outcome := fmt.Sprintf("%d values on %s that ran the %s target", len(inc.Groups), countNoun(nodes, "node"), inc.Target)
		if sum.Clusters > 1 && inc.Cluster != "" {
			outcome += " in cluster " + inc.Cluster
		}
		if inc.VerdictsDiffer {
			outcome += " · the verdicts differ"
		}
		rows := []brow{d.textRow("Differs", outcome, style{size: 7.5, bold: true, color: black})}
		for i, g := range inc.Groups {
			if i == maxValues {
				rows = append(rows, d.textRow("", fmt.Sprintf("… and %d other values", len(inc.Groups)-i), small))
				break
			}
			label := ""
			if i == 0 {
				label = "Observed"
			}
			obs := g.Observed
			if obs == "" {
				obs = "(nothing)"
			}
			rows = append(rows, d.badgeRow(label, g.Status, shorten(obs, 300), value))
			detail := countNoun(len(g.Nodes), "node") + ": " + listNames(g.Nodes, maxNodesIn)
			if other := mixedStatuses(g); other != "" {
				detail += " · " + other
			}
			rows = append(rows, d.indentedRow("", detail, small))
			if c := g.Citation; c != nil {
				where := c.Member
				if c.Locator != "" {
					where += " · " + c.Locator
				}
				rows = append(rows, d.indentedRow("", "read from "+where+" (on "+c.Node+")", small))
			}
		}
		title := d.layout(inc.ID+"  "+inc.Title, titleSt, contentW-badgeW-2, 3)
		d.need(float64(len(title))*titleSt.lineH() + 4*value.lineH() + 2)
		d.section(inc.ID+" "+inc.Title, 1)
		fill := statusFill(results.Warn)
		if inc.VerdictsDiffer {
			fill = statusFill(results.Fail)
		}
		d.fill(fill, marginL, d.y+0.3, badgeW, titleSt.lineH()-0.6)
		tagSt := style{size: 6.5, bold: true, color: white}
		if !inc.VerdictsDiffer {
			tagSt.color = black
		}
		d.text("DIFFERS", tagSt, marginL, d.y+(titleSt.lineH()-tagSt.lineH())/2, badgeW, "C")
		for _, l := range title {
			d.draw(l, titleSt, marginL+badgeW+2, d.y, contentW-badgeW-2, "L")
			d.y += titleSt.lineH()
		}
		d.y += 0.5
		d.drawRows(rows, fmt.Sprintf("%s %s (continued)", inc.ID, inc.Title))
		d.y += 1.2
		d.hline(rule, marginL, marginL+contentW, d.y)
		d.y += 2
	}
}

// mixedStatuses says which other verdicts a value group holds: "also
// WARN on 2" when the same value was judged differently (other evidence
// differed).
func mixedStatuses(g fleet.ValueGroup) string {
	s := ""
	for _, st := range pdfStatuses {
		if st == g.Status {
			continue
		}
		if n := statusCount(g.Statuses, st); n > 0 {
			if s == "" {
				s = "also "
			} else {
				s += ", "
			}
			s += fmt.Sprintf("%s on %s", st, thousands(n))
		}
	}
	return s
}
