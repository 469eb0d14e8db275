package main

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// report is the part of a kube-bench JSON report (--json) the comparison
// reads. kubeproof's JSON format is kube-bench compatible, so one type reads
// both; kubeproof adds citations.
type report struct {
	Controls []struct {
		ID              string `json:"id"`
		DetectedVersion string `json:"detected_version"`
		NodeType        string `json:"node_type"`
		Tests           []struct {
			Results []result `json:"results"`
		} `json:"tests"`
	} `json:"Controls"`
}

type result struct {
	ID          string `json:"test_number"`
	Desc        string `json:"test_desc"`
	Audit       string `json:"audit"`
	AuditEnv    string `json:"AuditEnv"`
	AuditConfig string `json:"AuditConfig"`
	Type        string `json:"type"`
	Status      string `json:"status"`
	Actual      string `json:"actual_value"`
	Reason      string `json:"reason"`
	Citations   []struct {
		Locator  string `json:"locator"`
		Observed string `json:"observed"`
	} `json:"citations"`
}

// detectedVersion is the Kubernetes version the report was made for, "" if
// none was detected.
func (r *report) detectedVersion() string {
	for _, c := range r.Controls {
		if v := c.DetectedVersion; v != "" && v != "none" {
			return v
		}
	}
	return ""
}

type key struct{ target, id string }

func (r *report) byKey() map[key]*result {
	m := map[key]*result{}
	for _, c := range r.Controls {
		for _, t := range c.Tests {
			for i := range t.Results {
				res := &t.Results[i]
				m[key{c.NodeType, res.ID}] = res
			}
		}
	}
	return m
}

// row is one line of the table.
type row struct {
	target, id         string
	kubeBench, kubepro string // status, or "-" when the tool did not run the check
	agree              string // yes, no, or - (one side only)
	title              string
	notes              []string
}

// compare pairs kube-bench's results with kubeproof's on the spec bundle,
// and notes what may explain a difference: an audit kube-bench could not
// run, an audit that needs what a spec cannot model, a spec path the driver
// could not lay out, a live collection kubeproof reads differently from
// the spec.
func compare(kb, spec, live *report, skipped []string) []row {
	kbm, specm, livem := kb.byKey(), spec.byKey(), live.byKey()
	keys := map[key]bool{}
	for k := range kbm {
		keys[k] = true
	}
	for k := range specm {
		keys[k] = true
	}
	sorted := make([]key, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.target != b.target {
			return targetRank(a.target) < targetRank(b.target) || targetRank(a.target) == targetRank(b.target) && a.target < b.target
		}
		return idLess(a.id, b.id)
	})
	var rows []row
	for _, k := range sorted {
		k1, k2, k3 := kbm[k], specm[k], livem[k]
		r := row{target: k.target, id: k.id, kubeBench: "-", kubepro: "-", agree: "-"}
		if k1 != nil {
			r.kubeBench, r.title = k1.Status, k1.Desc
		} else {
			r.notes = append(r.notes, "kube-bench did not run this check")
		}
		if k2 != nil {
			r.kubepro = k2.Status
			if r.title == "" {
				r.title = k2.Desc
			}
		} else {
			r.notes = append(r.notes, "kubeproof did not run this check")
		}
		if k1 != nil && k2 != nil {
			r.agree = "no"
			if k1.Status == k2.Status {
				r.agree = "yes"
			}
		}
		if k1 != nil {
			r.notes = append(r.notes, kubeBenchNotes(k1)...)
		}
		r.notes = append(r.notes, skippedNotes(skipped, k1, k2)...)
		switch {
		case k2 != nil && k3 == nil:
			r.notes = append(r.notes, "kubeproof did not run it on the live collection")
		case k2 != nil && k3.Status != k2.Status:
			r.notes = append(r.notes, fmt.Sprintf("kubeproof on the live collection: %s", k3.Status))
		}
		rows = append(rows, r)
	}
	return rows
}

// targetRank orders targets as both tools number them.
func targetRank(t string) int {
	for i, n := range []string{"master", "etcd", "controlplane", "node", "policies", "managedservices"} {
		if t == n {
			return i
		}
	}
	return 100
}

// idLess orders check ids numerically by segment: 1.2.10 after 1.2.9.
func idLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		x, err1 := strconv.Atoi(as[i])
		y, err2 := strconv.Atoi(bs[i])
		if err1 == nil && err2 == nil {
			return x < y
		}
		return as[i] < bs[i]
	}
	return len(as) < len(bs)
}

// liveOnly are programs and places an audit may need that a node spec
// cannot stand for, with why.
var liveOnly = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`\b(systemctl|journalctl)\b`), "no systemd runs in the namespace"},
	{regexp.MustCompile(`\b(docker|crictl|ctr|podman)\b`), "no container runtime runs in the namespace"},
	{regexp.MustCompile(`\b(kubectl|curl|wget)\b`), "no API server or network service answers in the namespace"},
	{regexp.MustCompile(`\bsysctl\b|/proc/sys/`), "kernel settings are this machine's, not the spec's"},
	{regexp.MustCompile(`\boc\b`), "no cluster answers: with -oc a fake gives what the node holds (oc.go), and nothing else"},
}

// kubeBenchNotes explains a kube-bench result that may rest on what the
// harness cannot model: an audit that failed to run, or one that uses a
// live-only program.
func kubeBenchNotes(r *result) []string {
	var notes []string
	audit := r.Audit + "\n" + r.AuditEnv + "\n" + r.AuditConfig
	for _, l := range liveOnly {
		if m := l.re.FindString(audit); m != "" {
			notes = append(notes, fmt.Sprintf("kube-bench's audit uses %s: %s", m, l.why))
		}
	}
	if m := shellError.FindString(r.Actual); m != "" {
		notes = append(notes, "kube-bench's audit printed an error: "+strings.TrimSpace(m))
	}
	switch {
	case r.Type == "manual":
	case r.Reason != "" && strings.HasPrefix(r.Reason, "failed to run"):
		notes = append(notes, "kube-bench's audit failed: "+auditFailure(r.Reason))
	case strings.TrimSpace(r.Actual) == "" && r.AuditEnv == "":
		// kube-bench judges no output as "not present": the files or
		// flags its audit looks for are not where it looks, and its
		// verdict, pass or not, rests on nothing it saw. (With an
		// environment audit, the value shown is the environment's, empty
		// when the process has none: nothing to note.)
		notes = append(notes, "kube-bench's audit printed nothing")
	}
	return notes
}

// shellError finds the complaints of a shell or a tool in an audit's
// output, which kube-bench judges like any other line.
var shellError = regexp.MustCompile(`(?m)^.*(: not found|command not found|No such file or directory|Permission denied).*$`)

// auditFailure shortens kube-bench's `failed to run: "AUDIT", output:
// "OUT", error: ERR` to its output's first line and the error.
func auditFailure(reason string) string {
	errText := reason
	if i := strings.LastIndex(reason, ", error: "); i >= 0 {
		errText = reason[i+len(", error: "):]
		reason = reason[:i]
	}
	out := ""
	if i := strings.LastIndex(reason, ", output: "); i >= 0 {
		if s, err := strconv.Unquote(reason[i+len(", output: "):]); err == nil {
			out = strings.TrimSpace(strings.SplitN(strings.TrimSpace(s), "\n", 2)[0])
		}
	}
	if len(out) > 100 {
		out = out[:100] + "…"
	}
	if out == "" {
		return errText
	}
	return fmt.Sprintf("%s (%s)", errText, out)
}

// skippedNotes names the spec paths outside the private mounts that either
// tool's audit or evidence mentions.
func skippedNotes(skipped []string, kb, kp *result) []string {
	var text strings.Builder
	if kb != nil {
		text.WriteString(kb.Audit + "\n" + kb.AuditConfig + "\n" + kb.Actual + "\n")
	}
	if kp != nil {
		for _, c := range kp.Citations {
			text.WriteString(c.Locator + "\n")
		}
	}
	var notes []string
	for _, p := range skipped {
		if strings.Contains(text.String(), p) {
			notes = append(notes, "spec path not laid out: "+p)
		}
	}
	return notes
}

func writeTSV(w io.Writer, rows []row) error {
	clean := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")
	if _, err := fmt.Fprintln(w, "target\tid\tkube-bench\tkubeproof\tagree\ttitle\tnote"); err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.target, r.id, r.kubeBench, r.kubepro, r.agree,
			clean.Replace(r.title), clean.Replace(strings.Join(r.notes, "; "))); err != nil {
			return err
		}
	}
	return nil
}

type summary struct{ checks, agree, disagree, oneSided int }

func summarize(rows []row) summary {
	s := summary{checks: len(rows)}
	for _, r := range rows {
		switch r.agree {
		case "yes":
			s.agree++
		case "no":
			s.disagree++
		default:
			s.oneSided++
		}
	}
	return s
}
