package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/internal/snapshottest"
)

// TestMachineFormats renders JUnit and SARIF for node bundles alone and
// with an API snapshot (a cluster scope), checks each against the
// required fields of its schema, and that two runs give the same bytes.
func TestMachineFormats(t *testing.T) {
	snap := snapshottest.Write(t, "prod", snapshottest.PrivilegedPod)
	cases := []struct {
		name    string
		args    []string
		cluster bool // a cluster scope with the snapshot's evidence
	}{
		{"tkestack", []string{"--benchmark", "cis-1.6", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, false},
		{"kubeadm-1.33 and a snapshot", []string{fx + "kubeadm-1.33-master.kpb", fx + "kubeadm-1.33-worker.kpb", snap}, true},
		{"tkestack with waivers", []string{"--benchmark", "cis-1.6", "--waivers", "testdata/waivers-tkestack.yaml", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var outs [2]map[string][]byte
			for i := range outs {
				dir := t.TempDir()
				var stdout, stderr bytes.Buffer
				args := append([]string{"kubeproof", "analyze", "--format", "junit,sarif", "--output-dir", dir}, tc.args...)
				if code := run(args, &stdout, &stderr); code != 0 {
					t.Fatalf("exit %d: %s", code, stderr.String())
				}
				outs[i] = map[string][]byte{
					"junit": mustReadFile(t, filepath.Join(dir, "report.junit.xml")),
					"sarif": mustReadFile(t, filepath.Join(dir, "report.sarif")),
				}
			}
			for k := range outs[0] {
				if !bytes.Equal(outs[0][k], outs[1][k]) {
					t.Errorf("%s differs between two runs", k)
				}
			}
			validateJUnit(t, outs[0]["junit"], tc.cluster)
			validateSARIF(t, outs[0]["sarif"], tc.cluster)
		})
	}
}

// xmlElement is any XML element, its attributes and children.
type xmlElement struct {
	XMLName  xml.Name
	Attrs    []xml.Attr   `xml:",any,attr"`
	Children []xmlElement `xml:",any"`
	Text     string       `xml:",chardata"`
}

func (e *xmlElement) attr(name string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (e *xmlElement) children(name string) []xmlElement {
	var out []xmlElement
	for _, c := range e.Children {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

// junitRequired lists, per element, the attributes and child elements the
// common JUnit XSD requires (Ant's JUnit.xsd as Jenkins and most CI
// systems read it, with Jenkins' <skipped>): a testsuite within
// testsuites must have name, timestamp, hostname, tests, failures,
// errors, time, package and id, and the elements properties, system-out
// and system-err; a property name and value; a testcase name, classname
// and time; a failure and an error their type. testsuites and skipped
// require nothing.
var junitRequired = map[string]struct{ attrs, elems []string }{
	"testsuites": {},
	"testsuite":  {[]string{"name", "timestamp", "hostname", "tests", "failures", "errors", "time", "package", "id"}, []string{"properties", "system-out", "system-err"}},
	"properties": {},
	"property":   {[]string{"name", "value"}, nil},
	"testcase":   {[]string{"name", "classname", "time"}, nil},
	"failure":    {[]string{"type"}, nil},
	"error":      {[]string{"type"}, nil},
	"skipped":    {},
	"system-out": {},
	"system-err": {},
}

// The XSD's types of the attributes it constrains.
var (
	xsdDateTime = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$`) // ISO8601_DATETIME_PATTERN: no zone
	xsdDecimal  = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
)

func validateJUnit(t *testing.T, data []byte, cluster bool) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(xml.Header)) {
		t.Error("junit: no XML declaration")
	}
	if i := bytes.IndexFunc(data, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 }); i >= 0 {
		t.Errorf("junit: control character at byte %d", i)
	}
	var root xmlElement
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatalf("junit: %v", err)
	}
	if root.XMLName.Local != "testsuites" {
		t.Fatalf("junit: root <%s>, want <testsuites>", root.XMLName.Local)
	}
	var walk func(e *xmlElement, path string)
	walk = func(e *xmlElement, path string) {
		path += "/" + e.XMLName.Local
		req, ok := junitRequired[e.XMLName.Local]
		if !ok {
			t.Errorf("junit: %s: element not in the schema", path)
			return
		}
		for _, a := range req.attrs {
			if _, ok := e.attr(a); !ok {
				t.Errorf("junit: %s: required attribute %s missing", path, a)
			}
		}
		for _, c := range req.elems {
			if n := len(e.children(c)); n != 1 {
				t.Errorf("junit: %s: %d <%s>, want 1", path, n, c)
			}
		}
		for i := range e.Children {
			walk(&e.Children[i], path)
		}
	}
	walk(&root, "")
	count := func(e *xmlElement, name string) int {
		v, ok := e.attr(name)
		if !ok {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Errorf("junit: <%s> %s=%q is not a count", e.XMLName.Local, name, v)
		}
		return n
	}
	var total [4]int
	sawCluster := false
	for i, s := range root.children("testsuite") {
		name, _ := s.attr("name")
		if ts, _ := s.attr("timestamp"); !xsdDateTime.MatchString(ts) {
			t.Errorf("junit: suite %s: timestamp %q", name, ts)
		}
		if id, _ := s.attr("id"); id != strconv.Itoa(i) {
			t.Errorf("junit: suite %s: id %q, want %d", name, id, i)
		}
		var got [4]int // tests, failures, errors, skipped
		for _, c := range s.children("testcase") {
			got[0]++
			if tm, _ := c.attr("time"); !xsdDecimal.MatchString(tm) {
				t.Errorf("junit: testcase time %q", tm)
			}
			outcomes := len(c.children("failure")) + len(c.children("error")) + len(c.children("skipped"))
			if outcomes > 1 {
				cn, _ := c.attr("name")
				t.Errorf("junit: testcase %s has %d outcomes", cn, outcomes)
			}
			got[1] += len(c.children("failure"))
			got[2] += len(c.children("error"))
			got[3] += len(c.children("skipped"))
			for _, f := range c.children("failure") {
				if typ, _ := f.attr("type"); typ != "FAIL" || !strings.Contains(f.Text, "remediation:") {
					t.Errorf("junit: failure type %q, body %q", typ, f.Text)
				}
			}
		}
		want := [4]int{count(&s, "tests"), count(&s, "failures"), count(&s, "errors"), count(&s, "skipped")}
		if got != want {
			t.Errorf("junit: suite %s: counted tests, failures, errors, skipped %v; attributes say %v", name, got, want)
		}
		if got[0] == 0 {
			t.Errorf("junit: suite %s has no testcase", name)
		}
		for k := range total {
			total[k] += got[k]
		}
		if strings.HasPrefix(name, "cluster prod policies") {
			sawCluster = true
		}
	}
	if want := [4]int{count(&root, "tests"), count(&root, "failures"), count(&root, "errors"), count(&root, "skipped")}; total != want {
		t.Errorf("junit: the suites add up to %v; <testsuites> says %v", total, want)
	}
	if total[1] == 0 || total[3] == 0 || total[2] != 0 {
		t.Errorf("junit: %v: want failures and skipped tests and no error", total)
	}
	if sawCluster != cluster {
		t.Errorf("junit: a suite for cluster prod: %v, want %v", sawCluster, cluster)
	}
}

// sarifRequired lists the required properties of the SARIF 2.1.0 schema
// (sarif-schema-2.1.0.json) for the objects the report writes: sarifLog
// requires version and runs; run tool; tool driver; toolComponent name;
// reportingDescriptor id; multiformatMessageString text; result message;
// artifactLocation, location, logicalLocation and region nothing.
// message requires text or id (anyOf), physicalLocation address or
// artifactLocation (anyOf), and a region one of startLine, charOffset or
// byteOffset (§3.30.2).
var sarifRequired = map[string][]string{
	"sarifLog":                 {"version", "runs"},
	"run":                      {"tool"},
	"tool":                     {"driver"},
	"toolComponent":            {"name"},
	"reportingDescriptor":      {"id"},
	"multiformatMessageString": {"text"},
	"result":                   {"message"},
	"location":                 {},
	"artifactLocation":         {},
	"logicalLocation":          {},
	"suppression":              {"kind"},
}

var sarifAnyOf = map[string][]string{
	"message":          {"text", "id"},
	"physicalLocation": {"address", "artifactLocation"},
	"region":           {"startLine", "charOffset", "byteOffset"},
}

func validateSARIF(t *testing.T, data []byte, cluster bool) {
	t.Helper()
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("sarif: %v", err)
	}
	need := func(kind, path string, v any) map[string]any {
		t.Helper()
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("sarif: %s (%s) is %T, not an object", path, kind, v)
		}
		for _, p := range sarifRequired[kind] {
			if _, ok := m[p]; !ok {
				t.Errorf("sarif: %s (%s): required property %s missing", path, kind, p)
			}
		}
		if any := sarifAnyOf[kind]; any != nil {
			found := false
			for _, p := range any {
				_, ok := m[p]
				found = found || ok
			}
			if !found {
				t.Errorf("sarif: %s (%s): none of %v", path, kind, any)
			}
		}
		return m
	}
	list := func(path string, v any) []any {
		t.Helper()
		l, ok := v.([]any)
		if !ok {
			t.Fatalf("sarif: %s is %T, not an array", path, v)
		}
		return l
	}
	need("sarifLog", "log", log)
	if log["version"] != "2.1.0" || log["$schema"] == nil {
		t.Errorf("sarif: version %v, $schema %v", log["version"], log["$schema"])
	}
	runs := list("runs", log["runs"])
	if len(runs) != 1 {
		t.Fatalf("sarif: %d runs, want 1", len(runs))
	}
	run := need("run", "runs[0]", runs[0])
	tool := need("tool", "tool", run["tool"])
	driver := need("toolComponent", "tool.driver", tool["driver"])
	if driver["name"] != "kubeproof" || driver["version"] == "" || driver["informationUri"] == nil {
		t.Errorf("sarif: driver %v %v %v", driver["name"], driver["version"], driver["informationUri"])
	}
	rules := list("rules", driver["rules"])
	ruleIDs := map[string]int{}
	for i, r := range rules {
		path := fmt.Sprintf("rules[%d]", i)
		rule := need("reportingDescriptor", path, r)
		id, _ := rule["id"].(string)
		if _, dup := ruleIDs[id]; dup {
			t.Errorf("sarif: rule %s twice", id)
		}
		ruleIDs[id] = i
		need("multiformatMessageString", path+".shortDescription", rule["shortDescription"])
		for _, k := range []string{"fullDescription", "help"} {
			if rule[k] != nil {
				need("multiformatMessageString", path+"."+k, rule[k])
			}
		}
		props, _ := rule["properties"].(map[string]any)
		for _, k := range []string{"target", "assessment", "scored"} {
			if _, ok := props[k]; !ok {
				t.Errorf("sarif: %s: no property %s", path, k)
			}
		}
	}
	bases, _ := run["originalUriBaseIds"].(map[string]any)
	fingerprints := map[string]bool{}
	levels := map[string]int{}
	sawCluster := false
	suppressed := 0
	defer func() {
		if want := bytes.Count(data, []byte(`"approver"`)); suppressed != want {
			t.Errorf("sarif: %d suppressions, want one per waived result (%d)", suppressed, want)
		}
	}()
	for i, r := range list("results", run["results"]) {
		path := fmt.Sprintf("results[%d]", i)
		res := need("result", path, r)
		need("message", path+".message", res["message"])
		id, _ := res["ruleId"].(string)
		idx, ok := ruleIDs[id]
		if ri, _ := res["ruleIndex"].(float64); !ok || int(ri) != idx {
			t.Errorf("sarif: %s: ruleId %q ruleIndex %v", path, id, res["ruleIndex"])
		}
		if sup, ok := res["suppressions"]; ok {
			for j, x := range list(path+".suppressions", sup) {
				m := need("suppression", fmt.Sprintf("%s.suppressions[%d]", path, j), x)
				if m["kind"] != "external" || m["status"] != "accepted" || m["justification"] == "" {
					t.Errorf("sarif: %s: suppression %v", path, m)
				}
				suppressed++
			}
		}
		level, _ := res["level"].(string)
		levels[level]++
		if level != "error" && level != "warning" {
			t.Errorf("sarif: %s: level %q", path, level)
		}
		fp, _ := res["partialFingerprints"].(map[string]any)
		if len(fp) == 0 {
			t.Errorf("sarif: %s: no partialFingerprints", path)
		}
		key := fmt.Sprint(fp)
		if fingerprints[key] {
			t.Errorf("sarif: %s: fingerprint %s twice", path, key)
		}
		fingerprints[key] = true
		props, _ := res["properties"].(map[string]any)
		for _, k := range []string{"node", "benchmark", "citations"} {
			if _, ok := props[k]; !ok {
				t.Errorf("sarif: %s: no property %s", path, k)
			}
		}
		if props["scope"] == "cluster" && props["node"] == "prod" {
			sawCluster = true
		}
		locs, _ := res["locations"].([]any)
		if cits, _ := props["citations"].([]any); len(cits) != len(locs) {
			t.Errorf("sarif: %s: %d locations for %d citations", path, len(locs), len(cits))
		}
		for j, l := range locs {
			lp := fmt.Sprintf("%s.locations[%d]", path, j)
			loc := need("location", lp, l)
			phys := need("physicalLocation", lp+".physicalLocation", loc["physicalLocation"])
			art := need("artifactLocation", lp+".artifactLocation", phys["artifactLocation"])
			if uri, _ := art["uri"].(string); uri == "" || strings.HasPrefix(uri, "/") {
				t.Errorf("sarif: %s: uri %q", lp, uri)
			}
			base, _ := art["uriBaseId"].(string)
			if b, ok := bases[base].(map[string]any); !ok || !strings.HasPrefix(fmt.Sprint(b["uri"]), "bundle:sha256:") || !strings.HasSuffix(fmt.Sprint(b["uri"]), "/") {
				t.Errorf("sarif: %s: uriBaseId %q not in originalUriBaseIds as bundle:sha256:…/", lp, base)
			}
			if phys["region"] != nil {
				need("region", lp+".region", phys["region"])
			}
			for k, ll := range list(lp+".logicalLocations", loc["logicalLocations"]) {
				need("logicalLocation", fmt.Sprintf("%s.logicalLocations[%d]", lp, k), ll)
			}
		}
	}
	if levels["error"] == 0 || levels["warning"] == 0 {
		t.Errorf("sarif: results by level %v: want errors and warnings", levels)
	}
	if sawCluster != cluster {
		t.Errorf("sarif: a result of cluster prod: %v, want %v", sawCluster, cluster)
	}
}
