package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/fleet"
	"github.com/kubeproof/kubeproof/results"
)

// namedNodes is how many nodes a fleet cell names before "and N more".
const namedNodes = 20

// nodeList names the first namedNodes of nodes, then how many more.
func nodeList(nodes []string) string {
	if len(nodes) <= namedNodes+1 {
		return strings.Join(nodes, ", ")
	}
	return strings.Join(nodes[:namedNodes], ", ") + fmt.Sprintf(" and %s more", fleet.Thousands(len(nodes)-namedNodes))
}

// fleet writes each check across the nodes: its verdicts counted, the
// nodes it fails on and those a waiver covers.
func (x *workbook) fleet(fl *fleet.Summary) error {
	cols := []column{
		{"Target", 12, kText, ""}, {"ID", 10, kText, ""}, {"Title", 50, kWrap, "the benchmark has it"},
		{"Assessment", 12, kText, ""}, {"Ran on", 8, kNumber, ""},
	}
	for _, s := range bookStatuses {
		cols = append(cols, column{string(s), 8, kNumber, ""})
	}
	cols = append(cols,
		column{"Fleet line", 40, kWrap, ""},
		column{"Failing nodes", 50, kWrap, "the Results sheet lists every node"},
		column{"Waived on", 40, kWrap, "the Results sheet lists every node"},
		column{"Inconsistent", 12, kText, ""})
	inconsistent := map[string]bool{}
	for _, inc := range fl.Inconsistencies {
		inconsistent[inc.Target+"\x00"+inc.Name+"\x00"+inc.ID] = true
	}
	return x.stream(sheetFleet, cols, len(fl.Checks), 0, nil, func(add func(...any) error) error {
		for _, c := range fl.Checks {
			assessment := "Automated"
			if c.Review {
				assessment = "Manual"
			}
			values := []any{c.Target, c.ID, c.Title, assessment, c.Ran}
			for _, s := range bookStatuses {
				values = append(values, count(c.Totals, s))
			}
			values = append(values, c.Line(), nodeList(c.Failing), nodeList(c.Waived),
				yesOrEmpty(inconsistent[c.Target+"\x00"+c.Name+"\x00"+c.ID]))
			if err := add(values...); err != nil {
				return err
			}
		}
		return nil
	})
}

// inconsistencies writes the checks whose observed value differs between
// nodes of one target, a row per value: which nodes observed it, with
// what verdict, and where the first node's evidence is.
func (x *workbook) inconsistencies(fl *fleet.Summary) error {
	cols := []column{
		{"Cluster", 24, kWrap, ""}, {"Target", 12, kText, ""}, {"ID", 10, kText, ""}, {"Title", 40, kWrap, "the benchmark has it"},
		{"Verdicts differ", 10, kText, ""}, {"Observed value", 40, kWrap, "the Evidence sheet has it whole"},
		{"Status", 10, kText, ""}, {"Nodes", 8, kNumber, ""},
		{"Node names", 50, kWrap, "the Results sheet lists every node"},
		{"Evidence of the first node", 50, kWrap, "the Evidence sheet has it whole"},
	}
	rows := 0
	for _, inc := range fl.Inconsistencies {
		rows += len(inc.Groups)
	}
	return x.stream(sheetInconsistencies, cols, rows, 6, nil, func(add func(...any) error) error {
		for _, inc := range fl.Inconsistencies {
			for _, g := range inc.Groups {
				var cite string
				if g.Citation != nil {
					cite = citationLines([]results.Citation{*g.Citation})
				}
				if err := add(inc.Cluster, inc.Target, inc.ID, inc.Title, yesOrEmpty(inc.VerdictsDiffer), g.Observed, string(g.Status),
					len(g.Nodes), nodeList(g.Nodes), cite); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// waiverText names what a waiver selects: "nodes cp-*, worker-1; roles master".
func waiverNodes(w *results.Waiver) string {
	var parts []string
	if len(w.Nodes) > 0 {
		parts = append(parts, "nodes "+strings.Join(w.Nodes, ", "))
	}
	if len(w.Roles) > 0 {
		parts = append(parts, "roles "+strings.Join(w.Roles, ", "))
	}
	if w.Benchmark != "" {
		parts = append(parts, "benchmark "+w.Benchmark)
	}
	return strings.Join(parts, "; ")
}

// waivers writes the waivers file's entries: what each selects, who
// accepted the risk and why, until when, and what it did in this report.
func (x *workbook) waivers() error {
	ws := x.rep.Waivers
	cols := []column{
		{"Line", 6, kNumber, ""}, {"Check", 14, kText, ""}, {"Nodes and roles", 30, kWrap, "the waivers file has it"},
		{"Justification", 50, kWrap, "the waivers file has it"}, {"Approver", 16, kText, ""}, {"Ticket", 14, kText, ""},
		{"Expires", 12, kDay, ""}, {"Expired", 9, kText, ""}, {"Results matched", 10, kNumber, ""},
		{"FAIL and WARN waived", 10, kNumber, ""}, {"Note", 40, kWrap, ""},
	}
	return x.stream(sheetWaivers, cols, len(ws.Entries), 0, nil, func(add func(...any) error) error {
		for _, e := range ws.Entries {
			w := e.Waiver
			var expires any = w.Expires // a date, or the text as written
			if t, err := time.Parse(time.DateOnly, w.Expires); err == nil {
				expires = t
			}
			var note string
			switch {
			case e.Matched == 0:
				note = "matches no result of this report"
			case w.Expired && e.Applied > 0:
				note = fmt.Sprintf("expired %s: the %s it selects stand", w.Expires, plural(e.Applied, "FAIL or WARN result"))
			case w.Expired:
				note = "expired " + w.Expires
			case e.Applied == 0:
				note = "the results it matches pass or do not apply: nothing to waive"
			}
			if err := add(w.Line, w.Check, waiverNodes(&w), w.Justification, w.Approver, w.Ticket, expires,
				yesOrEmpty(w.Expired), e.Matched, e.Applied, note); err != nil {
				return err
			}
		}
		return nil
	})
}
