package catalog

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

const goodSection = `benchmark: b
target: master
id: "1"
title: Master
component: kube-apiserver
groups:
- id: "1.2"
  title: API Server
  checks:
  - id: "1.2.10"
    title: Ten
    assessment: manual
    review: true
    scored: false
    remediation: do it
  - id: "1.2.9"
    title: Nine
    assessment: automated
    scored: true
    test:
      flag: profiling
      op: eq
      value: "false"
    remediation: do it
`

func TestParseSectionGood(t *testing.T) {
	s, err := parseSectionV1("master.yaml", []byte(goodSection), "b")
	if err != nil {
		t.Fatal(err)
	}
	checks := s.Groups[0].Checks
	if checks[0].ID != "1.2.9" || checks[1].ID != "1.2.10" {
		t.Errorf("checks not sorted by numeric segment: %s, %s", checks[0].ID, checks[1].ID)
	}
	if checks[0].Component != "kube-apiserver" || checks[0].Target != "master" || checks[0].Group != "1.2" {
		t.Errorf("defaults not filled: %+v", checks[0])
	}
}

// TestMalformedCatalogs: one case per way a catalog can be wrong; each
// error names the file, the check and the field.
func TestMalformedCatalogs(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string
		wantCheck string
		wantMsg   string
	}{
		{"unknown key", "    remediation: do it\n  - id: \"1.2.9\"", "    remediation: do it\n    severity: high\n  - id: \"1.2.9\"", "", `unknown key "severity"`},
		{"unknown operator", "op: eq", "op: equals", "1.2.9", `unknown operator "equals"`},
		{"bad regex", "op: eq\n      value: \"false\"", "op: regex\n      value: \"(\"", "1.2.9", "bad regular expression"},
		{"bad mode", "flag: profiling\n      op: eq\n      value: \"false\"", "file: {paths: [/etc/x]}\n      op: mode\n      value: \"0999\"", "1.2.9", `bad octal mode "0999"`},
		{"bad owner", "flag: profiling\n      op: eq\n      value: \"false\"", "file: {paths: [/etc/x]}\n      op: owner\n      value: root", "1.2.9", `bad owner "root"`},
		{"duplicate id", `id: "1.2.10"`, `id: "1.2.9"`, "1.2.9", "duplicate id"},
		{"numeric id", `id: "1.2.9"`, `id: 1.2`, "", "want a string"},
		{"missing value", "      value: \"false\"\n", "", "1.2.9", "operator eq needs a value"},
		{"value on set", "op: eq", "op: set", "1.2.9", "operator set takes no value"},
		{"no test", "    test:\n      flag: profiling\n      op: eq\n      value: \"false\"\n", "", "1.2.9", "required unless review is true"},
		{"bad target", "target: master", "target: workers", "", `"workers"`},
		{"bad component", "component: kube-apiserver", "component: apiserver", "", `unknown component "apiserver"`},
		{"bad assessment", "assessment: automated", "assessment: auto", "1.2.9", `"auto"`},
		{"id outside group", `id: "1.2.9"`, `id: "1.3.9"`, "1.3.9", "under group 1.2"},
		{"file op on flag", "op: eq\n      value: \"false\"", "op: mode\n      value: \"644\"", "1.2.9", "applies to files only"},
		{"two evidence kinds", "flag: profiling", "flag: profiling\n      feature: X", "1.2.9", "more than one kind of evidence"},
		{"all and any", "      flag: profiling\n      op: eq\n      value: \"false\"\n", "      all: [{flag: a, op: set}]\n      any: [{flag: b, op: set}]\n", "1.2.9", "all and any"},
		{"not yaml", "groups:", "groups: [", "", "not valid YAML"},
		{"relative path", "flag: profiling\n      op: eq\n      value: \"false\"", "file: {paths: [etc/x]}\n      op: exists", "1.2.9", "not absolute"},
		{"missing remediation", "    remediation: do it\n", "", "1.2.10", "remediation: required"},
		{"config default alone", "flag: profiling\n      op: eq", "flag: profiling\n      config_default: \"false\"\n      op: eq", "1.2.9", "config_default: goes with config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := goodSection
			if tt.name == "duplicate id" || tt.name == "missing remediation" {
				src = strings.Replace(src, tt.old, tt.new, 1)
			} else {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("test bug: %q not in the good section", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			var err error
			if tt.name == "duplicate id" {
				_, err = Load(fstest.MapFS{"master.yaml": {Data: []byte(src)}}, "b", "dir")
			} else {
				_, err = parseSectionV1("master.yaml", []byte(src), "b")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *Error", err)
			}
			if !strings.Contains(ce.File, "master.yaml") || ce.Check != tt.wantCheck || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("got %q (file %q check %q), want check %q and %q", err, ce.File, ce.Check, tt.wantCheck, tt.wantMsg)
			}
		})
	}
}

func TestLoadDirProblems(t *testing.T) {
	other := strings.Replace(goodSection, "benchmark: b", "benchmark: other", 1)
	_, err := Load(fstest.MapFS{"master.yaml": {Data: []byte(other)}}, "b", "dir")
	if err == nil || !strings.Contains(err.Error(), `"other", but the catalog is "b"`) {
		t.Errorf("benchmark mismatch: %v", err)
	}
	_, err = Load(fstest.MapFS{"a.yaml": {Data: []byte(goodSection)}, "b.yaml": {Data: []byte(strings.ReplaceAll(goodSection, `"1.2`, `"1.3`))}}, "b", "dir")
	if err == nil || !strings.Contains(err.Error(), "also the target of") {
		t.Errorf("two files for one target: %v", err)
	}
	_, err = Load(fstest.MapFS{"README.md": {Data: []byte("x")}}, "b", "dir")
	if err == nil || !strings.Contains(err.Error(), "no b.yaml benchmark file") {
		t.Errorf("empty catalog: %v", err)
	}
	if _, err := LoadEmbedded("cis-9.9"); !errors.Is(err, ErrUnknownBenchmark) {
		t.Errorf("unknown benchmark: %v", err)
	}
}
