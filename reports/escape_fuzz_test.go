package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/kubeproof/kubeproof/analyzer"
	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/internal/fuzzseed"
	"github.com/kubeproof/kubeproof/results"
)

// fuzzBundle is the tkestack worker's bundle with s in every string field
// a node controls: OS and kernel descriptions, the kubelet's executable
// and flag values (among them flags the checks read), a stat record's
// path, owner names and reason, a problem's path and message. Where the
// format refuses control characters (the host name), s goes in with them
// taken out.
func fuzzBundle(t *testing.T, src *bundle.Bundle, s string) string {
	t.Helper()
	members := map[string][]byte{}
	for _, m := range src.Manifest.Members {
		data, _ := src.Member(m.Path)
		members[m.Path] = data
	}
	edit := func(name string, v any, f func()) {
		if err := json.Unmarshal(members[name], v); err != nil {
			t.Fatal(err)
		}
		f()
		data, err := bundle.EncodeJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		members[name] = data
	}
	var procs bundle.Processes
	edit(bundle.ProcessesPath, &procs, func() {
		for i := range procs.Processes {
			p := &procs.Processes[i]
			if p.Component == "kubelet" {
				p.Executable += s
				p.Argv = append(p.Argv, "--anonymous-auth="+s, "--protect-kernel-defaults", s, "--node-labels="+s, s)
			}
		}
	})
	var stats bundle.Stats
	edit(bundle.StatPath, &stats, func() {
		stats.Files = append(stats.Files, bundle.Stat{Path: "/etc/kubernetes/" + s, Type: "file", Mode: "0644", User: s, Group: s, Content: s, Reasons: []string{s}})
		slices.SortFunc(stats.Files, func(a, b bundle.Stat) int { return strings.Compare(a.Path, b.Path) })
	})
	var probs bundle.Problems
	edit(bundle.ProblemsPath, &probs, func() {
		probs.Problems = append(probs.Problems, bundle.Problem{Path: "/etc/kubernetes/kubelet.conf" + s, Op: "read", Kind: s, Message: s})
	})
	// The cluster's name and endpoint come from the kubelet's kubeconfig
	// (JSON is YAML); the collecting user's name from the manifest.
	q := yamlQuote(s)
	if _, ok := members["files/etc/kubernetes/kubelet.conf"]; ok {
		members["files/etc/kubernetes/kubelet.conf"] = []byte(`{"kind": "Config", "clusters": [{"name": ` + q + `, "cluster": {"server": ` + q + `}}]}`)
	}
	man := src.Manifest
	man.Host.OS.PrettyName, man.Host.OS.ID, man.Host.Kernel = s, s, s
	man.Collection.User.Name = s
	man.Host.Hostname = "node-" + strings.Map(func(r rune) rune {
		if display.Unsafe(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	w := bundle.NewWriter()
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range members {
			if !yield(k) {
				return
			}
		}
	}) {
		if err := w.Add(name, members[name]); err != nil {
			t.Fatal(err)
		}
	}
	data, _, _, err := w.Finish(man)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "fuzz.kpb")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// yamlQuote writes s as a YAML double-quoted string that holds only
// printable ASCII: every other character escaped (YAML forbids raw C1
// and DEL characters even inside quotes). Invalid UTF-8 becomes U+FFFD.
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString("\\" + string(r))
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r <= 0xffff:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			fmt.Fprintf(&b, "\\U%08X", r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// unsafeAt returns the first unsafe character of out other than a
// newline, and where.
func unsafeAt(out string) (rune, int) {
	for i, r := range out {
		if r != '\n' && display.Unsafe(r) {
			return r, i
		}
	}
	return 0, -1
}

// FuzzReportEscaping (issue 11): random bytes in every string field of a
// bundle; no control character reaches the text report, the PDF's text,
// the workbook's cells, the JSON, JUnit or SARIF unescaped, and a string that holds one
// never appears raw.
func FuzzReportEscaping(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J\x1b[H\n[PASS] 1.1.1 forged", "\r\u009b31m\u202egnp.exe\x7f", "\xff\xfe\x00 \t tab", "工作节点\u2028\u2066x", "true", "false"} {
		f.Add(s)
	}
	src, err := bundle.Open("../fixtures/bundles/tkestack-worker.kpb", bundle.Limits{})
	if err != nil {
		f.Fatal(err)
	}
	cat, err := catalog.LoadEmbedded("cis-1.6")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			fuzzseed.Unexercised(t, fmt.Sprintf("%d bytes, more than 4096", len(s)))
			return
		}
		file := fuzzBundle(t, src, s)
		rep, err := analyzer.Analyze([]string{file}, analyzer.Options{Catalog: cat, Version: "fuzz"})
		if err != nil {
			t.Fatalf("analyze: %v", err)
		}
		if got := rep.Nodes[0].Cluster; utf8.ValidString(s) && (got.Name != s || got.Endpoint != s) {
			t.Fatalf("the cluster read from the kubeconfig is %q at %q, want %q", got.Name, got.Endpoint, s)
		}
		hostile := strings.IndexFunc(s, display.Unsafe) >= 0 && len(s) > 1
		check := func(format, out string) {
			t.Helper()
			if r, i := unsafeAt(out); i >= 0 {
				t.Fatalf("%s: %U at byte %d: %q", format, r, i, out[max(0, i-60):min(len(out), i+60)])
			}
			if hostile && strings.Contains(out, s) {
				t.Fatalf("%s: the string %q appears raw", format, s)
			}
		}
		var text bytes.Buffer
		if err := Text(&text, rep, TextOptions{}); err != nil {
			t.Fatal(err)
		}
		check("text", text.String())

		var js bytes.Buffer
		if err := JSON(&js, rep); err != nil {
			t.Fatal(err)
		}
		check("json", js.String())
		var back struct {
			KubeProof struct {
				Bundles []results.BundleInfo `json:"bundles"`
			} `json:"kubeproof"`
		}
		if err := json.Unmarshal(js.Bytes(), &back); err != nil {
			t.Fatalf("json: %v", err)
		}
		if got, want := back.KubeProof.Bundles[0].Host.Kernel, strings.ToValidUTF8(s, "\uFFFD"); utf8.ValidString(s) && got != want {
			t.Fatalf("json: the kernel reads back as %q, want %q", got, want)
		}

		var ju bytes.Buffer
		if err := JUnit(&ju, rep); err != nil {
			t.Fatal(err)
		}
		check("junit", ju.String())
		if err := xml.Unmarshal(ju.Bytes(), new(struct{})); err != nil {
			t.Fatalf("junit: %v", err)
		}
		var sa bytes.Buffer
		if err := SARIF(&sa, rep); err != nil {
			t.Fatal(err)
		}
		check("sarif", sa.String())
		if !json.Valid(sa.Bytes()) {
			t.Fatal("sarif: not JSON")
		}

		var pdfText strings.Builder
		pdfTextHook = func(s string) { pdfText.WriteString(s + "\n") }
		err = PDF(io.Discard, rep)
		pdfTextHook = nil
		if err != nil {
			t.Fatal(err)
		}
		check("pdf", pdfText.String())

		var xl bytes.Buffer
		if err := XLSX(&xl, rep); err != nil {
			t.Fatal(err)
		}
		wb, err := excelize.OpenReader(&xl)
		if err != nil {
			t.Fatal(err)
		}
		defer wb.Close()
		for _, sheet := range wb.GetSheetList() {
			rows, err := wb.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				check("xlsx "+sheet, strings.Join(r, " | "))
			}
		}
	})
}
