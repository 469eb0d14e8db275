package reports

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/results"
)

func TestParseMarkup(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []mblock
	}{
		{"", nil},
		{"one line\nwrapped by YAML\n", []mblock{{kind: blockPara, text: "one line wrapped by YAML"}}},
		{"first\n\nsecond", []mblock{{kind: blockPara, text: "first"}, {kind: blockPara, text: "second"}}},
		{"Do this:\n- edit `a`\n  and more\n* restart\n1. one\n12) twelve",
			[]mblock{{kind: blockPara, text: "Do this:"}, {kind: blockItem, marker: "•", text: "edit `a` and more"},
				{kind: blockItem, marker: "•", text: "restart"}, {kind: blockItem, marker: "1.", text: "one"},
				{kind: blockItem, marker: "12.", text: "twelve"}}},
		{"Run:\n```\nkubectl get   pods\n  -A\n```\nthen", []mblock{{kind: blockPara, text: "Run:"},
			{kind: blockCode, text: "kubectl get   pods"}, {kind: blockCode, text: "  -A"}, {kind: blockPara, text: "then"}}},
		{"-not a list\n2024. not one either", []mblock{{kind: blockPara, text: "-not a list 2024. not one either"}}},
	} {
		if got := parseMarkup(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseMarkup(%q) =\n%+v\nwant\n%+v", tc.in, got, tc.want)
		}
	}
}

func TestSpans(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []span
	}{
		{"plain", []span{{text: "plain"}}},
		{"set `--a=b` now", []span{{text: "set "}, {text: "--a=b", code: true}, {text: " now"}}},
		{"`x``y`", []span{{text: "x", code: true}, {text: "y", code: true}}},
		{"an unpaired ` tick", []span{{text: "an unpaired "}, {text: " tick"}}},
		{"``", nil},
	} {
		if got := spans(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("spans(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

// TestMarkupText: the workbook's remediation text, without markup.
func TestMarkupText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Set `--a=b` on\nthe node.", "Set --a=b on the node."},
		{"Set `a`:\n\n- `b`\n- c\n\nThen restart.", "Set a:\n\n• b\n• c\n\nThen restart."},
		{"Steps:\n1. one\n2) two", "Steps:\n\n1. one\n2. two"},
		{"Run:\n```\nkubectl get `pods`\n  -A\n```\nthen", "Run:\n\nkubectl get `pods`\n  -A\n\nthen"},
		{"an unpaired ` tick\nfirst\n\nsecond", "an unpaired  tick first\n\nsecond"},
	} {
		if got := markupText(tc.in); got != tc.want {
			t.Errorf("markupText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFirstSentences(t *testing.T) {
	long := "Check the first thing on every node. Then check the second thing, which takes longer to explain, " +
		"and a third that no checklist cell has room for."
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"Short.", 100, "Short."},
		{"Wrapped\nby   YAML.", 100, "Wrapped by YAML."},
		{long, 60, "Check the first thing on every node. …"},
		{"A sentence without an end that goes on and on and on past the limit", 28, "A sentence without an end …"},
		// A cut inside a code span closes it.
		{"Run `kubectl get clusterrolebindings -o wide --all-namespaces` now", 30, "Run `kubectl get` …"},
	} {
		if got := firstSentences(tc.in, tc.n); got != tc.want {
			t.Errorf("firstSentences(%.30q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestPDFMarkupLayout(t *testing.T) {
	adv, err := metrics()
	if err != nil {
		t.Fatal(err)
	}
	d := &pdfDoc{adv: adv}
	st := style{size: 8}
	ls := d.layoutMarkup("Set `--a=b`:\n\n- one\n- two", st, 100)
	if len(ls) != 3 {
		t.Fatalf("%d lines, want 3: %+v", len(ls), ls)
	}
	if r := ls[0].runs; len(r) != 3 || r[1].face != faceMono || r[1].text != "--a=b" || r[0].face != faceRegular {
		t.Errorf("the code span is not a Courier run: %+v", r)
	}
	if ls[1].marker == nil || ls[1].dx == 0 || ls[1].gap == 0 || ls[2].gap != 0 {
		t.Errorf("list items: %+v", ls[1:])
	}
	// Courier has printable ASCII only: other characters fall back.
	if r := d.layoutMarkup("`é漢`", st, 100)[0].runs; r[0].face != faceRegular || r[1].face != faceCJK {
		t.Errorf("fallback from Courier: %+v", r)
	}
}

func TestThousandsDoNotBreak(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4000: "-4,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q", n, got)
		}
	}
	adv, _ := metrics()
	d := &pdfDoc{adv: adv}
	st := style{size: 8}
	w := d.width("passed: 80,000 of 96,000", st)
	for _, l := range d.layout("passed: 80,000 of 96,000", st, w*0.7, 0) {
		if s := l.runs[0].text; strings.HasSuffix(s, ",") || strings.HasPrefix(s, "000") {
			t.Errorf("a number broken across lines: %q", s)
		}
	}
	// Commas between words still break.
	if ls := d.layout("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", st, d.width("a,b,c,d,", st)+0.1, 0); len(ls) < 2 {
		t.Error("a list of words did not break at its commas")
	}
}

func scoped(names ...string) []scopedResult {
	var out []scopedResult
	for _, n := range names {
		out = append(out, scopedResult{scope: &results.NodeResult{Node: n}, r: &results.Result{}})
	}
	return out
}

func TestNodesText(t *testing.T) {
	ran := scoped("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")
	for _, tc := range []struct {
		group []scopedResult
		ran   []scopedResult
		max   int
		want  string
	}{
		{ran[:1], ran[:1], 0, "1 node: a"},
		{ran, ran, 0, "all 10 nodes that ran it"},
		{ran[:8], ran, 0, "8 of 10 nodes, all but i, j"},
		{ran[:3], ran, 0, "3 nodes: a, b, c"},
		{ran[:5], ran, 2, "5 nodes: a, b and 3 more"},
		{ran[:2], ran[:4], 0, "2 nodes: a, b"},
	} {
		if got := nodesText(tc.group, tc.ran, tc.max); got != tc.want {
			t.Errorf("nodesText(%d of %d) = %q, want %q", len(tc.group), len(tc.ran), got, tc.want)
		}
	}
	cluster := []scopedResult{{scope: &results.NodeResult{Node: "prod", Scope: results.ScopeCluster}, r: &results.Result{}}}
	if got := nodesText(cluster, cluster, 0); got != "1 cluster: prod" {
		t.Errorf("a cluster scope: %q", got)
	}
}

func TestTallyText(t *testing.T) {
	nodes := func(versions ...string) []results.NodeResult {
		var out []results.NodeResult
		for _, v := range versions {
			out = append(out, results.NodeResult{KubeVersion: v})
		}
		return out
	}
	for _, tc := range []struct {
		versions []string
		want     string
	}{
		{[]string{"v1.32.4", "v1.32.4"}, "v1.32.4"},
		{[]string{"v1.31.2", "v1.32.4", "v1.32.4"}, "v1.32.4 on 2 nodes, v1.31.2 on 1 node"},
		{[]string{"", "v1.32.4"}, "unknown on 1 node, v1.32.4 on 1 node"},
		{[]string{"a", "b", "b", "c", "c", "c", "d", "e"}, "5 versions: c on 3 nodes, b on 2 nodes, a on 1 node, and 2 more"},
	} {
		got := tallyText(tally(nodes(tc.versions...), kubeVersion), "version", "unknown", 3)
		if got != tc.want {
			t.Errorf("%q: %q, want %q", tc.versions, got, tc.want)
		}
	}
}

func TestWindowText(t *testing.T) {
	at := func(start, end time.Duration) results.NodeResult {
		b := results.BundleInfo{Digest: digestOf(fmt.Sprint(start, end)), CollectedAt: fixtureTime.Add(end)}
		if start >= 0 {
			b.CollectionStarted = fixtureTime.Add(start)
		}
		return results.NodeResult{Bundle: b}
	}
	for _, tc := range []struct {
		nodes []results.NodeResult
		want  string
	}{
		{nil, "unknown"},
		{[]results.NodeResult{at(-1, 0)}, "2024-05-01 10:30:00 UTC"},
		{[]results.NodeResult{at(0, 40*time.Second)}, "2024-05-01 10:30:00 → 2024-05-01 10:30:40 UTC (40 s)"},
		{[]results.NodeResult{at(time.Hour, time.Hour+time.Minute), at(0, 2*time.Minute), at(-1, 3*time.Hour)},
			"2024-05-01 10:30:00 → 2024-05-01 13:30:00 UTC (3 h 0 min)"},
		{[]results.NodeResult{at(0, time.Minute), at(-1, 50*time.Hour)}, "2024-05-01 10:30:00 → 2024-05-03 12:30:00 UTC (2 days 2 h)"},
	} {
		if got := windowText(&results.Report{Nodes: tc.nodes}); got != tc.want {
			t.Errorf("%d bundles: %q, want %q", len(tc.nodes), got, tc.want)
		}
	}
}

func TestContentsEntries(t *testing.T) {
	entries := func(level0, level1 int) []tocEntry {
		var out []tocEntry
		for i := 0; i < level0; i++ {
			out = append(out, tocEntry{title: fmt.Sprint("section ", i)})
			for j := 0; j < level1; j++ {
				out = append(out, tocEntry{title: fmt.Sprint("sub ", i, j), level: 1})
			}
		}
		return out
	}
	for _, tc := range []struct {
		level0, level1, want int
	}{
		{10, 0, 10},
		{10, 3, 40},                       // every subsection fits
		{10, 5, 45},                       // the subsections of the first seven sections fit
		{tocMaxLines + 5, 0, tocMaxLines}, // never more than a page
		{tocMaxLines + 5, 1, tocMaxLines},
	} {
		got := contentsEntries(entries(tc.level0, tc.level1))
		if len(got) != tc.want {
			t.Errorf("%d sections of %d subsections: %d entries, want %d", tc.level0, tc.level1, len(got), tc.want)
		}
		// Every section is listed (as long as the sections fit), each
		// with all of its subsections or none.
		sections := 0
		for i, e := range got {
			if e.level == 0 {
				sections++
				continue
			}
			if i+1 < len(got) && got[i+1].level == 1 && got[i+1].title[:5] != e.title[:5] {
				t.Errorf("subsections out of order: %q then %q", e.title, got[i+1].title)
			}
		}
		if sections != min(tc.level0, tocMaxLines) {
			t.Errorf("%d sections of %d subsections: %d sections listed", tc.level0, tc.level1, sections)
		}
	}
}

func TestLegendStatuses(t *testing.T) {
	for _, tc := range []struct {
		totals []results.Totals
		want   []results.Status
	}{
		{nil, nil},
		{[]results.Totals{{Pass: 1}, {Fail: 2}}, []results.Status{results.Pass, results.Fail}},
		{[]results.Totals{{Pass: 1, NA: 1}, {Waived: 1, Info: 3}}, []results.Status{results.Pass, results.Waived, results.Info, results.NA}},
		{[]results.Totals{{Pass: 1, Fail: 1, Warn: 1, Waived: 1, Info: 1, NA: 1}}, pdfStatuses},
	} {
		if got := legendStatuses(tc.totals); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("legend of %+v: %v, want %v", tc.totals, got, tc.want)
		}
	}
}

// TestGroupResults checks how findings are grouped: by shown verdict and
// value, the worst and largest first; a waiver in force and an expired
// one apart.
func TestGroupResults(t *testing.T) {
	waiver := &results.Waiver{Ticket: "T-1", Expires: "2099-01-01"}
	expired := &results.Waiver{Ticket: "T-2", Expires: "2000-01-01", Expired: true}
	var items []scopedResult
	for i, r := range []results.Result{
		{Status: results.Fail, Observed: "true"},
		{Status: results.Pass, Observed: "false"},
		{Status: results.Fail, Observed: "true"},
		{Status: results.Warn, Observed: ""},
		{Status: results.Fail, Observed: "true", Waiver: waiver},
		{Status: results.Fail, Observed: "true", Waiver: expired},
		{Status: results.Fail, Observed: "yes"},
	} {
		r := r
		items = append(items, scopedResult{scope: &results.NodeResult{Node: fmt.Sprint("n", i)}, r: &r})
	}
	var got []string
	for _, g := range groupResults(items, isFinding, observedKey) {
		got = append(got, fmt.Sprintf("%s %q %s", g.status, g.first.Observed, strings.Join(nodeNames(g.items), ",")))
	}
	want := []string{`FAIL "true" n0,n2`, `FAIL "true" n5`, `FAIL "yes" n6`, `WARN "" n3`, `WAIVED "true" n4`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups:\n%q\nwant\n%q", got, want)
	}
}

func TestPidless(t *testing.T) {
	for in, want := range map[string]string{
		"":                                  "",
		"pid 1010 kube-apiserver argv[12]":  "pid <pid> kube-apiserver argv[12]",
		"kubelet runs (pid 7, --a=b)":       "kubelet runs (pid <pid>, --a=b)",
		"pid 1 and pid 22":                  "pid <pid> and pid <pid>",
		"rapid 12":                          "rapid 12",
		"pid x":                             "pid x",
		"authentication.anonymous (line 7)": "authentication.anonymous (line 7)",
	} {
		if got := pidless(in); got != want {
			t.Errorf("pidless(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClustersText(t *testing.T) {
	node := func(name, endpoint string) results.NodeResult {
		return results.NodeResult{Cluster: results.ClusterInfo{Name: name, Endpoint: endpoint}}
	}
	const api = "https://10.0.0.1:6443"
	for _, tc := range []struct {
		nodes []results.NodeResult
		want  string
	}{
		{[]results.NodeResult{node("", "")}, "not named by the bundles"},
		{[]results.NodeResult{node("prod", api), node("prod", api)}, "prod · API " + api},
		// One endpoint, named two ways: one cluster.
		{[]results.NodeResult{node("kubernetes", api), node("default-cluster", api), node("default-cluster", api)},
			"default-cluster, kubernetes · API " + api},
		{[]results.NodeResult{node("", api)}, "API " + api},
		{[]results.NodeResult{node("a", api), node("b", "https://b:6443"), node("b", "https://b:6443"), node("", "")},
			"b · API https://b:6443 on 2 nodes, a · API " + api + " on 1 node, not named by the bundles on 1 node"},
	} {
		if got := clustersText(tc.nodes); got != tc.want {
			t.Errorf("%d nodes: %q, want %q", len(tc.nodes), got, tc.want)
		}
	}
}
