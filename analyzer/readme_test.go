package analyzer

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The node specs' README states, in words and tables, what each spec's
// verdicts must be (cis-1.6). TestSpecREADMEVerdicts holds those words to
// the expected-verdict tables (which TestExpectedVerdicts holds to the
// analyzer): the README cannot drift from what is tested (issue 15).

// readmeSections returns the README's "## " sections by title.
func readmeSections(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../fixtures/specs/README.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, sec := range strings.Split(string(data), "\n## ")[1:] {
		title, body, _ := strings.Cut(sec, "\n")
		out[title] = body
	}
	return out
}

// expectedTable reads fixtures/expected/BENCHMARK/SPEC.tsv: "target id" → status.
func expectedTable(t *testing.T, benchmark, spec string) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../fixtures/expected/" + benchmark + "/" + spec + ".tsv")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Split(line, "\t"); len(f) >= 3 && !strings.HasPrefix(line, "#") {
			out[f[0]+" "+f[1]] = f[2]
		}
	}
	return out
}

var verdictRow = regexp.MustCompile(`^\| ([0-9.]+) \| (PASS|FAIL|WARN|INFO) \|`)

func TestSpecREADMEVerdicts(t *testing.T) {
	secs := readmeSections(t)
	// The TKEStack tables: one row per check, the master target's (1.x)
	// and the node target's (4.x).
	for _, spec := range []string{"tkestack-master", "tkestack-worker"} {
		body, ok := secs[spec]
		if !ok {
			t.Fatalf("README: no section %q", spec)
		}
		table := expectedTable(t, "cis-1.6", spec)
		rows := 0
		for _, line := range strings.Split(body, "\n") {
			m := verdictRow.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			rows++
			target := "master"
			if strings.HasPrefix(m[1], "4.") {
				target = "node"
			}
			if got := table[target+" "+m[1]]; got != m[2] {
				t.Errorf("README %s: %s %s, the expected table says %q", spec, m[1], m[2], got)
			}
		}
		if rows < 20 {
			t.Errorf("README %s: only %d verdict rows", spec, rows)
		}
	}
	// kubeadm: the failures of a default cluster, in words.
	body, ok := secs["kubeadm-master and kubeadm-worker"]
	if !ok {
		t.Fatal("README: no kubeadm section")
	}
	var fails string
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, "- FAIL: "); ok {
			fails = rest
			// The sentence goes on to the next item.
			i := strings.Index(body, line) + len(line)
			more, _, _ := strings.Cut(body[i:], "\n- ")
			fails += more
		}
	}
	stated := readmeIDs(t, fails)
	if len(stated) < 10 {
		t.Fatalf("README kubeadm: only %v stated as failures in %q", stated, fails)
	}
	for _, spec := range []string{"kubeadm-master", "kubeadm-worker"} {
		table := expectedTable(t, "cis-1.6", spec)
		got := map[string]bool{}
		for key, status := range table {
			target, id, _ := strings.Cut(key, " ")
			if status == "FAIL" && (target == "master" || target == "node") {
				got[id] = true
			}
		}
		for id := range stated {
			present := table["master "+id] != "" || table["node "+id] != ""
			if present && !got[id] {
				t.Errorf("README: %s fails on a default kubeadm node; the table of %s says %s", id, spec, table["master "+id]+table["node "+id])
			}
		}
		for id := range got {
			if !stated[id] {
				t.Errorf("%s: %s FAILs in the table, not in the README's failures", spec, id)
			}
		}
	}
}

// readmeIDs reads check ids from prose: "1.1.12 (...), 1.2.6, 1.2.21 to
// 1.2.25, 1.3.2 and 4.2.6".
func readmeIDs(t *testing.T, s string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	id := `\d+\.\d+\.\d+`
	for _, m := range regexp.MustCompile(`(`+id+`)(?: to (`+id+`))?`).FindAllStringSubmatch(s, -1) {
		if m[2] == "" {
			ids[m[1]] = true
			continue
		}
		from, to := strings.Split(m[1], "."), strings.Split(m[2], ".")
		a, _ := strconv.Atoi(from[2])
		b, _ := strconv.Atoi(to[2])
		if from[0] != to[0] || from[1] != to[1] || a > b {
			t.Fatalf("README: range %s to %s", m[1], m[2])
		}
		for i := a; i <= b; i++ {
			ids[from[0]+"."+from[1]+"."+strconv.Itoa(i)] = true
		}
	}
	return ids
}
