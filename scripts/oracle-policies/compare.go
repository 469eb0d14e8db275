package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// result is one check of kube-bench's JSON report.
type result struct {
	ID     string `json:"test_number"`
	Status string `json:"status"`
	Type   string `json:"type"`
	Actual string `json:"actual_value"`
	Reason string `json:"reason"`
}

func readKubeBench(path string) ([]result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r struct {
		Controls []struct {
			Tests []struct {
				Results []result `json:"results"`
			} `json:"tests"`
		} `json:"Controls"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []result
	for _, c := range r.Controls {
		for _, t := range c.Tests {
			out = append(out, t.Results...)
		}
	}
	return out, nil
}

// plantedRow is a line of planted.tsv.
type plantedRow struct{ check, object, what, source string }

func readPlanted(path string) ([]plantedRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []plantedRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 0; sc.Scan(); n++ {
		if n == 0 {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 4 {
			return nil, fmt.Errorf("%s:%d: want check, object, what, source", path, n+1)
		}
		out = append(out, plantedRow{c[0], c[1], c[2], c[3]})
	}
	return out, sc.Err()
}

// audited describes, for a check kube-bench runs an audit for, how to
// read the objects its audit fails, and which planted rows its condition
// is about (planted.tsv uses cis-1.12 ids; the name of a check is the
// same in the three versions but for 5.2.9).
type audited struct {
	// item reads the object a failing line names ("" for a line that is
	// not a failing item).
	item func(line string) string
	// rows picks the planted rows kube-bench's condition is about, and
	// says for the key of each.
	rows func(rs []plantedRow) map[string]plantedRow
	// single: the audit answers yes or no for the cluster as a whole.
	single bool
}

var (
	reCRB       = regexp.MustCompile(`role_name: (\S+) role_binding: (\S+) subject: (.*) is_compliant: false`)
	reRole      = regexp.MustCompile(`^\*\*role_name: (\S+) role_namespace: (\S+) .* role_is_compliant: false`)
	reCR        = regexp.MustCompile(`^\*\*clusterrole_name: (\S+) .* clusterrole_is_compliant: false`)
	reSA        = regexp.MustCompile(`namespace: ([^,]+), kind: ServiceAccount, name: default, automountServiceAccountToken: (\S+)`)
	rePodSA     = regexp.MustCompile(`namespace: (\S+) pod_name: (\S+) .* is_compliant: false`)
	reContainer = regexp.MustCompile(`pod_name: (\S+) container_name: (\S+) pod_namespace: (\S+) .* is_compliant: false`)
	rePod       = regexp.MustCompile(`pod_name: (\S+) pod_namespace: (\S+) .* is_compliant: false`)
)

// objectKey cuts a planted object to what kube-bench can name: the
// binding, the role, the pod, the container.
func objectKey(object string) string {
	if i := strings.Index(object, " subject "); i > 0 {
		return object[:i]
	}
	return object
}

func pick(check string, keep func(plantedRow) bool) func([]plantedRow) map[string]plantedRow {
	return func(rs []plantedRow) map[string]plantedRow {
		out := map[string]plantedRow{}
		for _, r := range rs {
			if r.check == check && keep(r) {
				out[objectKey(r.object)] = r
			}
		}
		return out
	}
}

func containerLine(line string) string {
	m := reContainer.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	return "Pod " + m[3] + "/" + m[1] + " container " + m[2]
}

func podLine(line string) string {
	m := rePod.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	return "Pod " + m[2] + "/" + m[1]
}

func auditedChecks(benchmark string) map[string]audited {
	always := func(plantedRow) bool { return true }
	authenticated := func(r plantedRow) bool {
		return strings.HasSuffix(r.object, " subject Group system:authenticated") && strings.Contains(r.what, "cluster-wide")
	}
	a := map[string]audited{
		"5.1.1": {item: func(l string) string {
			if m := reCRB.FindStringSubmatch(l); m != nil {
				return "ClusterRoleBinding " + m[1]
			}
			return ""
		}, rows: pick("5.1.1", always)},
		"5.1.2": {single: true, rows: pick("5.1.2", authenticated)},
		"5.1.3": {item: func(l string) string {
			if m := reRole.FindStringSubmatch(l); m != nil {
				return "Role " + m[2] + "/" + m[1]
			}
			if m := reCR.FindStringSubmatch(l); m != nil {
				return "ClusterRole " + m[1]
			}
			return ""
		}, rows: pick("5.1.3", always)},
		"5.1.4": {single: true, rows: pick("5.1.4", authenticated)},
		"5.1.5": {item: func(l string) string {
			if m := reSA.FindStringSubmatch(l); m != nil && m[2] != "false" {
				return "ServiceAccount " + m[1] + "/default"
			}
			return ""
		}, rows: pick("5.1.5", func(r plantedRow) bool { return strings.HasPrefix(r.what, "automountServiceAccountToken") })},
		"5.1.6": {item: func(l string) string {
			if m := rePodSA.FindStringSubmatch(l); m != nil {
				return "Pod " + m[1] + "/" + m[2]
			}
			return ""
		}, rows: pick("5.1.6", always)},
		"5.2.2": {item: containerLine, rows: pick("5.2.2", always)},
		"5.2.3": {item: podLine, rows: pick("5.2.3", always)},
		"5.2.4": {item: podLine, rows: pick("5.2.4", always)},
		"5.2.5": {item: podLine, rows: pick("5.2.5", always)},
		"5.2.6": {item: containerLine, rows: pick("5.2.6", func(r plantedRow) bool { return r.what == "allowPrivilegeEscalation: true" })},
	}
	if benchmark == "cis-1.10" || benchmark == "cis-1.11" {
		a["5.2.9"] = audited{item: containerLine, rows: pick("5.2.9", func(r plantedRow) bool { return strings.HasPrefix(r.what, "capabilities.add:") })}
	}
	return a
}

// verdictRow is a line of kube-bench-BENCHMARK.tsv.
type verdictRow struct {
	id, status, kind string
	failing, planted string
	agree, note      string
}

// compare reads kube-bench's results against the planted rows and the
// cluster's objects.
func compare(benchmark string, results []result, rows []plantedRow, s *store) []verdictRow {
	checks := auditedChecks(benchmark)
	var out []verdictRow
	for _, r := range results {
		v := verdictRow{id: r.ID, status: r.Status, kind: "audit", failing: "-", planted: "-", agree: "-"}
		if r.Type == "manual" {
			v.kind = "manual"
			out = append(out, v)
			continue
		}
		a, ok := checks[r.ID]
		if !ok {
			v.note = "no comparison defined"
			out = append(out, v)
			continue
		}
		want := a.rows(rows)
		v.planted = fmt.Sprint(len(want))
		kbFails := r.Status != "PASS"
		v.agree = yesNo(kbFails == (len(want) > 0))
		if a.single {
			v.failing = strings.TrimSpace(r.Actual)
			v.note = singleNote(r.ID, kbFails, want, rows)
			out = append(out, v)
			continue
		}
		got := map[string]bool{}
		var noise []string
		for _, line := range strings.Split(r.Actual, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if k := a.item(line); k != "" {
				got[k] = true
			} else if !strings.Contains(line, "is_compliant: true") && !reSA.MatchString(line) {
				noise = append(noise, strings.TrimSpace(line))
			}
		}
		v.failing = fmt.Sprint(len(got))
		var notes []string
		noBrackets := false
		for _, l := range noise {
			if strings.Contains(l, "[[: not found") {
				noBrackets = true
			}
		}
		missed := map[string][]string{}
		for k, pr := range want {
			if !got[k] {
				why := missReason(r.ID, k, pr)
				if why == "unexplained" && noBrackets {
					why = "this /bin/sh has no [[ … ]]: the test fails, the audit prints is_compliant: true for every binding"
				}
				missed[why] = append(missed[why], k)
			}
		}
		extra := map[string][]string{}
		for k := range got {
			if _, ok := want[k]; !ok {
				why := extraReason(r.ID, k, rows, s)
				extra[why] = append(extra[why], k)
			}
		}
		for _, why := range sortedKeys(missed) {
			notes = append(notes, fmt.Sprintf("kube-bench misses %d: %s (%s)", len(missed[why]), why, sample(missed[why])))
		}
		for _, why := range sortedKeys(extra) {
			notes = append(notes, fmt.Sprintf("kube-bench fails %d more: %s (%s)", len(extra[why]), why, sample(extra[why])))
		}
		if len(noise) > 0 {
			notes = append(notes, fmt.Sprintf("%d audit output lines without the flag, each failing the check: %q", len(noise), dedupe(noise)))
		}
		if n := inSystemNamespaces(want); n > 0 {
			notes = append(notes, fmt.Sprintf("%d of the %d planted in system namespaces", n, len(want)))
		}
		if len(missed) == 0 && len(extra) == 0 && len(noise) == 0 {
			notes = append(notes, "same objects")
		}
		v.note = strings.Join(notes, "; ")
		out = append(out, v)
	}
	return out
}

// inSystemNamespaces counts the pods and namespaces among the keys that
// lie in kube-system, kube-public or kube-node-lease.
func inSystemNamespaces(want map[string]plantedRow) int {
	n := 0
	for k := range want {
		for _, ns := range []string{"kube-system", "kube-public", "kube-node-lease"} {
			if strings.HasPrefix(k, "Pod "+ns+"/") || k == "Namespace "+ns || strings.HasPrefix(k, "ServiceAccount "+ns+"/") {
				n++
			}
		}
	}
	return n
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func sample(l []string) string {
	sort.Strings(l)
	if len(l) > 3 {
		return strings.Join(l[:3], ", ") + ", …"
	}
	return strings.Join(l, ", ")
}

func dedupe(l []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range l {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	if len(out) > 3 {
		out = append(out[:3], "…")
	}
	return out
}

func singleNote(id string, kbFails bool, want map[string]plantedRow, rows []plantedRow) string {
	var star []string
	for k, r := range want {
		if strings.HasPrefix(r.what, "* (") {
			star = append(star, k)
		}
	}
	switch {
	case id == "5.1.2" && !kbFails && len(want) > 0 && len(star) == 0:
		return fmt.Sprintf("planted: %d grants to system:authenticated (%s); kubectl sends the verb \"get,list,watch\" as one verb, which only a \"*\" in a rule's verbs matches, and no such rule is bound to system:authenticated", len(want), sample(keys(want)))
	case !kbFails && len(want) == 0:
		return "no planted grant to system:authenticated"
	case kbFails && len(want) > 0:
		return fmt.Sprintf("planted: %s", sample(keys(want)))
	}
	return ""
}

func keys(m map[string]plantedRow) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// missReason says why kube-bench's audit does not fail an object the
// planted rows say it should.
func missReason(id, key string, r plantedRow) string {
	switch {
	case strings.Contains(key, " initContainer "):
		return "an init container; kube-bench reads only .spec.containers"
	case strings.Contains(key, " ephemeralContainer "):
		return "an ephemeral container; kube-bench reads only .spec.containers"
	case id == "5.1.1" && strings.HasPrefix(key, "RoleBinding "):
		return "a RoleBinding; kube-bench lists only ClusterRoleBindings"
	case id == "5.1.1" && key == "ClusterRoleBinding cluster-admin":
		return "the binding named cluster-admin, which kube-bench passes whatever its subjects"
	case id == "5.1.3" && !strings.Contains(r.what, `["*"]`):
		return "a wildcard beside other values; kube-bench matches only a list that is exactly [\"*\"]"
	}
	return "unexplained"
}

// extraReason says why kube-bench fails an object no planted row names.
func extraReason(id, key string, rows []plantedRow, s *store) string {
	if id == "5.1.6" && strings.HasPrefix(key, "Pod ") {
		ns, name, _ := strings.Cut(strings.TrimPrefix(key, "Pod "), "/")
		if it := s.one("Pod", ns, name); it != nil {
			{
				spec, _ := it["spec"].(map[string]any)
				saName, ok := spec["serviceAccountName"].(string)
				if !ok {
					return "a mirror (static) pod: no ServiceAccount and no token; kube-bench's lookup of ServiceAccount \"<none>\" fails"
				}
				if v, ok := spec["automountServiceAccountToken"].(bool); ok && !v {
					if sa := s.one("ServiceAccount", ns, saName); sa != nil {
						if _, set := sa["automountServiceAccountToken"]; !set {
							return "no token (the pod's automountServiceAccountToken is false), but kube-bench passes a pod with false only when its ServiceAccount says true"
						}
					}
				}
			}
		}
	}
	return "unexplained"
}

// sortedKeys returns a map's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
