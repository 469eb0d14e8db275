package analyzer

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

//go:embed catalogs
var embedded embed.FS

// Targets, in the order kube-bench runs them.
var Targets = []string{"master", "etcd", "controlplane", "node", "policies"}

// Components a check can apply to; "none" applies everywhere.
var Components = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd", "kubelet", "kube-proxy", "none"}

// Catalog is one benchmark: its sections (one per target file), sorted.
type Catalog struct {
	Benchmark string
	Sections  []*Section
}

// Section is one catalog file: the checks of one target.
type Section struct {
	Benchmark string   `json:"benchmark"`
	Target    string   `json:"target"`
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Component string   `json:"component,omitempty"`
	Groups    []*Group `json:"groups"`
	File      string   `json:"-"`
}

// Group is a subsection of checks.
type Group struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Component string   `json:"component,omitempty"`
	Checks    []*Check `json:"checks"`
}

// Check is one recommendation. It is a definition only: evaluating it
// returns a Result and never changes the Check.
type Check struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Assessment  string   `json:"assessment"`
	Review      bool     `json:"review,omitempty"`
	Scored      bool     `json:"scored"`
	Component   string   `json:"component,omitempty"`
	Test        *Test    `json:"test,omitempty"`
	Remediation string   `json:"remediation"`
	References  []string `json:"references,omitempty"`

	// Filled by the loader.
	Target  string `json:"-"`
	Section string `json:"-"` // the group id
}

// DisplayTitle is the title as kube-bench prints it, with the assessment.
func (c *Check) DisplayTitle() string {
	a := "Automated"
	if c.Assessment == "manual" {
		a = "Manual"
	}
	return c.Title + " (" + a + ")"
}

// Test is a leaf (one evidence kind and an operator) or a composition.
type Test struct {
	All []*Test `json:"all,omitempty"`
	Any []*Test `json:"any,omitempty"`

	Flag      string    `json:"flag,omitempty"`
	Config    string    `json:"config,omitempty"`
	Feature   string    `json:"feature,omitempty"`
	File      *FileSpec `json:"file,omitempty"`
	Component string    `json:"component,omitempty"`

	Op     string `json:"op,omitempty"`
	Value  string `json:"value,omitempty"`
	Unset  string `json:"unset,omitempty"`  // "pass": unset evidence passes
	Absent string `json:"absent,omitempty"` // pass | fail | warn, for files

	re   *regexp.Regexp
	mode uint32
}

// FileSpec says which files a file leaf examines.
type FileSpec struct {
	Flag    string   `json:"flag,omitempty"`
	Config  string   `json:"config,omitempty"`
	Paths   []string `json:"paths,omitempty"`
	Default string   `json:"default,omitempty"`
	Under   string   `json:"under,omitempty"`
	Name    string   `json:"name,omitempty"`
	Self    bool     `json:"self,omitempty"`
}

// Operators, and whether each needs a value.
var operators = map[string]bool{
	"set": false, "notset": false, "exists": false,
	"eq": true, "noteq": true, "has": true, "nothave": true,
	"gt": true, "gte": true, "lt": true, "lte": true,
	"regex": true, "valid": true, "mode": true, "owner": true,
}

var fileOps = map[string]bool{"mode": true, "owner": true, "exists": true}

// CatalogError names the file, check and field of a catalog problem.
type CatalogError struct {
	File  string
	Check string
	Field string
	Msg   string
}

func (e *CatalogError) Error() string {
	var b strings.Builder
	b.WriteString("catalog ")
	b.WriteString(e.File)
	if e.Check != "" {
		b.WriteString(": check " + e.Check)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// ErrUnknownBenchmark is returned for a benchmark with no catalog.
var ErrUnknownBenchmark = errors.New("unknown benchmark")

// Benchmarks lists the embedded benchmarks.
func Benchmarks() []string {
	entries, _ := embedded.ReadDir("catalogs")
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// LoadEmbedded loads an embedded benchmark.
func LoadEmbedded(benchmark string) (*Catalog, error) {
	sub, err := fs.Sub(embedded, "catalogs/"+benchmark)
	if err != nil || !strings.HasPrefix(benchmark, "cis-") && benchmark == "" {
		return nil, fmt.Errorf("%w %q", ErrUnknownBenchmark, benchmark)
	}
	if _, err := fs.Stat(sub, "."); err != nil {
		return nil, fmt.Errorf("%w %q (embedded: %s)", ErrUnknownBenchmark, benchmark, strings.Join(Benchmarks(), ", "))
	}
	return Load(sub, benchmark, "catalogs/"+benchmark)
}

// LoadDir loads a benchmark from a directory of YAML files (--checks-dir).
func LoadDir(dir, benchmark string) (*Catalog, error) {
	return Load(dirFS(dir), benchmark, dir)
}

// Load reads every *.yaml file of fsys as one benchmark. name is how
// errors name the directory.
func Load(fsys fs.FS, benchmark, name string) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, &CatalogError{File: name, Msg: err.Error()}
	}
	cat := &Catalog{Benchmark: benchmark}
	ids := map[string]string{} // check id → file
	budget, files := int64(maxCatalogDirSize), 0
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			continue
		}
		file := path.Join(name, e.Name())
		if files++; files > maxCatalogFiles {
			return nil, &CatalogError{File: name, Msg: fmt.Sprintf("more than %d catalog files", maxCatalogFiles)}
		}
		data, err := readCatalogFile(fsys, e.Name(), file, &budget)
		if err != nil {
			return nil, err
		}
		sec, err := ParseSection(file, data)
		if err != nil {
			return nil, err
		}
		if sec.Benchmark != benchmark {
			return nil, &CatalogError{File: file, Field: "benchmark", Msg: fmt.Sprintf("%q, but the catalog is %q", sec.Benchmark, benchmark)}
		}
		for _, s := range cat.Sections {
			if s.Target == sec.Target {
				return nil, &CatalogError{File: file, Field: "target", Msg: fmt.Sprintf("%q is also the target of %s", sec.Target, s.File)}
			}
		}
		for _, g := range sec.Groups {
			for _, c := range g.Checks {
				if other, dup := ids[c.ID]; dup {
					return nil, &CatalogError{File: file, Check: c.ID, Field: "id", Msg: "duplicate id, also in " + other}
				}
				ids[c.ID] = file
			}
		}
		cat.Sections = append(cat.Sections, sec)
	}
	if len(cat.Sections) == 0 {
		return nil, &CatalogError{File: name, Msg: "no *.yaml catalog files"}
	}
	sort.Slice(cat.Sections, func(i, j int) bool { return CompareIDs(cat.Sections[i].ID, cat.Sections[j].ID) < 0 })
	return cat, nil
}

// ParseSection parses and validates one catalog file strictly.
func ParseSection(file string, data []byte) (*Section, error) {
	if err := checkExpansion(file, data); err != nil {
		return nil, err
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, &CatalogError{File: file, Msg: "not valid YAML: " + err.Error()}
	}
	var sec Section
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sec); err != nil {
		return nil, &CatalogError{File: file, Msg: describeJSONError(err)}
	}
	// encoding/json matches keys without regard to case: "Benchmark" or
	// a second "BENCHMARK" would pass unnoticed.
	var raw any
	if err := json.Unmarshal(js, &raw); err == nil {
		if msg := exactKeys(raw, reflect.TypeFor[Section](), ""); msg != "" {
			return nil, &CatalogError{File: file, Msg: msg}
		}
	}
	sec.File = file
	if err := sec.checkLengths(); err != nil {
		return nil, err
	}
	if err := sec.validate(); err != nil {
		return nil, err
	}
	return &sec, nil
}

// exactKeys checks that every key of the decoded document v is spelled
// exactly as a JSON field of t; it describes the first that is not.
func exactKeys(v any, t reflect.Type, at string) string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if l, ok := v.([]any); ok && t.Kind() == reflect.Slice {
			for i, e := range l {
				if msg := exactKeys(e, t.Elem(), fmt.Sprintf("%s[%d]", at, i)); msg != "" {
					return msg
				}
			}
			return ""
		}
		t = t.Elem()
	}
	m, ok := v.(map[string]any)
	if !ok || t.Kind() != reflect.Struct {
		return ""
	}
	for _, key := range slices.Sorted(maps.Keys(m)) {
		val := m[key]
		f, ok := fieldByTag(t, key)
		if !ok {
			return fmt.Sprintf("unknown key %q at %s (keys are case-sensitive)", key, strings.TrimPrefix(at+".", "."))
		}
		if msg := exactKeys(val, f.Type, strings.TrimPrefix(at+"."+key, ".")); msg != "" {
			return msg
		}
	}
	return ""
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name == key && name != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q: want a %s, got a %s (ids and values are strings: quote them)", te.Field, te.Type, te.Value)
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return "unknown key " + strings.TrimPrefix(msg, "json: unknown field ")
	}
	return strings.TrimPrefix(msg, "json: ")
}

func (s *Section) validate() error {
	bad := func(check, field, format string, args ...any) error {
		return &CatalogError{File: s.File, Check: check, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if s.Benchmark == "" {
		return bad("", "benchmark", "required")
	}
	if !slices.Contains(Targets, s.Target) {
		return bad("", "target", "%q: want one of %s", s.Target, strings.Join(Targets, ", "))
	}
	if !validID(s.ID) {
		return bad("", "id", "%q: want a dotted number", s.ID)
	}
	if s.Title == "" {
		return bad("", "title", "required")
	}
	if s.Component != "" && !slices.Contains(Components, s.Component) {
		return bad("", "component", "unknown component %q", s.Component)
	}
	if len(s.Groups) == 0 {
		return bad("", "groups", "no groups")
	}
	for _, g := range s.Groups {
		if g == nil {
			return bad("", "groups", "an empty group")
		}
		// A section without subsections (etcd's "2") has one group of
		// the section's own id.
		if !validID(g.ID) || g.ID != s.ID && !strings.HasPrefix(g.ID, s.ID+".") {
			return bad("", "groups.id", "%q: want %s or a dotted number under it", g.ID, s.ID)
		}
		if g.Title == "" {
			return bad("", "groups.title", "group %s has no title", g.ID)
		}
		if g.Component != "" && !slices.Contains(Components, g.Component) {
			return bad("", "groups.component", "group %s: unknown component %q", g.ID, g.Component)
		}
		for _, c := range g.Checks {
			if c == nil {
				return bad("", "groups.checks", "group %s: an empty check", g.ID)
			}
			if !validID(c.ID) || !strings.HasPrefix(c.ID, g.ID+".") {
				return bad(c.ID, "id", "want a dotted number under group %s", g.ID)
			}
			if c.Title == "" {
				return bad(c.ID, "title", "required")
			}
			if c.Assessment != "automated" && c.Assessment != "manual" {
				return bad(c.ID, "assessment", "%q: want automated or manual", c.Assessment)
			}
			if strings.TrimSpace(c.Remediation) == "" {
				return bad(c.ID, "remediation", "required")
			}
			if c.Component == "" {
				c.Component = g.Component
			}
			if c.Component == "" {
				c.Component = s.Component
			}
			if !slices.Contains(Components, c.Component) {
				return bad(c.ID, "component", "%q: want one of %s (set it on the check, group or file)", c.Component, strings.Join(Components, ", "))
			}
			if c.Test == nil && !c.Review {
				return bad(c.ID, "test", "required unless review is true")
			}
			if c.Test != nil {
				if err := c.Test.validate("test"); err != nil {
					var ce *CatalogError
					if errors.As(err, &ce) {
						ce.File, ce.Check = s.File, c.ID
					}
					return err
				}
			}
			c.Target, c.Section = s.Target, g.ID
		}
		sort.SliceStable(g.Checks, func(i, j int) bool { return CompareIDs(g.Checks[i].ID, g.Checks[j].ID) < 0 })
	}
	sort.SliceStable(s.Groups, func(i, j int) bool { return CompareIDs(s.Groups[i].ID, s.Groups[j].ID) < 0 })
	return nil
}

func (t *Test) validate(field string) error {
	bad := func(f, format string, args ...any) error {
		return &CatalogError{Field: f, Msg: fmt.Sprintf(format, args...)}
	}
	composed := len(t.All) > 0 || len(t.Any) > 0
	leaf := t.Flag != "" || t.Config != "" || t.Feature != "" || t.File != nil
	switch {
	case composed && leaf:
		return bad(field, "a test is either all/any or one piece of evidence, not both")
	case len(t.All) > 0 && len(t.Any) > 0:
		return bad(field, "all and any in the same test: nest one inside the other")
	case composed:
		list, name := t.All, "all"
		if len(t.Any) > 0 {
			list, name = t.Any, "any"
		}
		if t.Op != "" || t.Value != "" || t.Component != "" {
			return bad(field+"."+name, "op, value and component belong on the leaves")
		}
		for i, sub := range list {
			if sub == nil {
				return bad(fmt.Sprintf("%s.%s[%d]", field, name, i), "empty test")
			}
			if err := sub.validate(fmt.Sprintf("%s.%s[%d]", field, name, i)); err != nil {
				return err
			}
		}
		return nil
	case !leaf:
		return bad(field, "no evidence: want flag, config, feature, file, all or any")
	}
	kinds := 0
	if t.Flag != "" || t.Config != "" {
		kinds++
	}
	if t.Feature != "" {
		kinds++
	}
	if t.File != nil {
		kinds++
	}
	if kinds > 1 {
		return bad(field, "more than one kind of evidence in one leaf (flag/config, feature, file)")
	}
	if t.Component != "" && !slices.Contains(Components, t.Component) {
		return bad(field+".component", "unknown component %q", t.Component)
	}
	needsValue, ok := operators[t.Op]
	if !ok {
		return bad(field+".op", "unknown operator %q", t.Op)
	}
	if needsValue && t.Value == "" {
		return bad(field+".value", "operator %s needs a value", t.Op)
	}
	if !needsValue && t.Value != "" {
		return bad(field+".value", "operator %s takes no value", t.Op)
	}
	if t.File != nil && !fileOps[t.Op] {
		return bad(field+".op", "operator %q does not apply to files (use mode, owner or exists)", t.Op)
	}
	if t.File == nil && fileOps[t.Op] {
		return bad(field+".op", "operator %q applies to files only", t.Op)
	}
	if t.Unset != "" && t.Unset != "pass" {
		return bad(field+".unset", "%q: the only value is pass", t.Unset)
	}
	if t.Absent != "" {
		if t.File == nil {
			return bad(field+".absent", "applies to files only")
		}
		if t.Absent != "pass" && t.Absent != "fail" && t.Absent != "warn" {
			return bad(field+".absent", "%q: want pass, fail or warn", t.Absent)
		}
	}
	switch t.Op {
	case "regex":
		re, err := regexp.Compile(t.Value)
		if err != nil {
			return bad(field+".value", "bad regular expression %q: %v", t.Value, err)
		}
		t.re = re
	case "mode":
		m, err := strconv.ParseUint(t.Value, 8, 32)
		if err != nil || m > 0o7777 {
			return bad(field+".value", "bad octal mode %q", t.Value)
		}
		t.mode = uint32(m)
	case "owner":
		u, g, ok := strings.Cut(t.Value, ":")
		if !ok || u == "" || g == "" || strings.ContainsAny(t.Value, " \t") {
			return bad(field+".value", "bad owner %q: want user:group", t.Value)
		}
	case "gt", "gte", "lt", "lte":
		if _, ok := parseNumber(t.Value); !ok {
			return bad(field+".value", "%q is not a number or duration", t.Value)
		}
	}
	if f := t.File; f != nil {
		sources := 0
		for _, set := range []bool{f.Flag != "" || f.Config != "" || len(f.Paths) > 0 || f.Default != "", f.Under != ""} {
			if set {
				sources++
			}
		}
		if sources != 1 {
			return bad(field+".file", "name the file by flag/config/paths/default, or a directory by under, exactly one way")
		}
		if f.Name != "" || f.Self {
			if f.Under == "" {
				return bad(field+".file", "name and self go with under")
			}
			if f.Name != "" {
				if _, err := path.Match(f.Name, "x"); err != nil {
					return bad(field+".file.name", "bad pattern %q", f.Name)
				}
			}
		}
		for _, p := range append(append([]string{}, f.Paths...), f.Default, f.Under) {
			if p != "" && !path.IsAbs(p) {
				return bad(field+".file", "path %q is not absolute", p)
			}
		}
	}
	return nil
}
