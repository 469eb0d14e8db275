package catalog

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
	"sync"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kubeproof/kubeproof/results"
)

// FormatVersion is the catalog format this package reads and its
// embedded files use. Format 1 (one file per target, every check written
// out in full) is still read, from --checks-dir.
const FormatVersion = 2

//go:embed data
var embedded embed.FS

// Error names the file, check and field of a catalog problem.
type Error struct {
	File  string
	Check string
	Field string
	Msg   string
}

func (e *Error) Error() string {
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

// The files of the format, as decoded. Every key is checked against
// these, exactly (case included): an unknown key is an error.
type (
	rawLibrary struct {
		Format int                 `json:"format"`
		Files  map[string][]string `json:"files,omitempty"`
		Checks []*rawCheck         `json:"checks"`
	}
	rawCheck struct {
		Name       string            `json:"name"`
		Title      string            `json:"title"`
		Assessment string            `json:"assessment,omitempty"`
		Review     *bool             `json:"review,omitempty"`
		Scored     *bool             `json:"scored,omitempty"`
		Component  string            `json:"component"`
		Params     map[string]string `json:"params,omitempty"`
		Test       *rawTest          `json:"test,omitempty"`
		// API names the policy rule that decides the check from an API
		// snapshot (APIRules).
		API         string   `json:"api,omitempty"`
		Remediation string   `json:"remediation"`
		References  []string `json:"references,omitempty"`
	}
	rawTest struct {
		All       []*rawTest `json:"all,omitempty"`
		Any       []*rawTest `json:"any,omitempty"`
		Flag      string     `json:"flag,omitempty"`
		Config    string     `json:"config,omitempty"`
		Env       string     `json:"env,omitempty"`
		Feature   string     `json:"feature,omitempty"`
		File      *rawFile   `json:"file,omitempty"`
		Field     *rawField  `json:"field,omitempty"`
		Component string     `json:"component,omitempty"`
		Op        string     `json:"op,omitempty"`
		Value     string     `json:"value,omitempty"`
		Param     string     `json:"param,omitempty"`
		Unset     string     `json:"unset,omitempty"`
		// ConfigDefault: see Setting.ConfigDefault.
		ConfigDefault string `json:"config_default,omitempty"`
		Absent        string `json:"absent,omitempty"`
	}
	rawFile struct {
		Flag        string   `json:"flag,omitempty"`
		Config      string   `json:"config,omitempty"`
		Env         string   `json:"env,omitempty"`
		Files       string   `json:"files,omitempty"` // a named list of the library
		Paths       []string `json:"paths,omitempty"`
		Every       bool     `json:"every,omitempty"`
		Default     string   `json:"default,omitempty"`
		Under       string   `json:"under,omitempty"`
		UnderFlag   string   `json:"under_flag,omitempty"`
		UnderConfig string   `json:"under_config,omitempty"`
		Name        string   `json:"name,omitempty"`
		Self        bool     `json:"self,omitempty"`
		Type        string   `json:"type,omitempty"`
	}
	rawField struct {
		Flag   string `json:"flag,omitempty"`
		Config string `json:"config,omitempty"`
		Path   string `json:"path"`
	}
	rawBenchmark struct {
		Format     int          `json:"format"`
		Benchmark  string       `json:"benchmark"`
		Title      string       `json:"title"`
		Version    string       `json:"version"`
		Kubernetes VersionRange `json:"kubernetes"`
		// Extends names an embedded benchmark whose sections this one
		// starts from; Drop removes ids of it, and Sections replace its
		// entries of the same id and add the others.
		Extends  string        `json:"extends,omitempty"`
		Drop     []string      `json:"drop,omitempty"`
		Sections []*rawSection `json:"sections,omitempty"`
	}
	rawSection struct {
		ID     string      `json:"id"`
		Target string      `json:"target"`
		Title  string      `json:"title"`
		Groups []*rawGroup `json:"groups"`
	}
	rawGroup struct {
		ID     string      `json:"id"`
		Title  string      `json:"title"`
		Checks []*rawEntry `json:"checks"`
	}
	// rawEntry is a check of a benchmark: a library check by name with
	// what differs, or (custom catalogs) a check defined in place.
	rawEntry struct {
		ID          string            `json:"id"`
		Check       string            `json:"check,omitempty"`
		Title       string            `json:"title,omitempty"`
		Assessment  string            `json:"assessment,omitempty"`
		Review      *bool             `json:"review,omitempty"`
		Scored      *bool             `json:"scored,omitempty"`
		Skip        string            `json:"skip,omitempty"`
		Component   string            `json:"component,omitempty"`
		Params      map[string]string `json:"params,omitempty"`
		Test        *rawTest          `json:"test,omitempty"`
		Remediation string            `json:"remediation,omitempty"`
		References  []string          `json:"references,omitempty"`
	}
	// Format 1: one file per target.
	rawSectionV1 struct {
		Benchmark string       `json:"benchmark"`
		Target    string       `json:"target"`
		ID        string       `json:"id"`
		Title     string       `json:"title"`
		Component string       `json:"component,omitempty"`
		Groups    []*rawGroup1 `json:"groups"`
	}
	rawGroup1 struct {
		ID        string   `json:"id"`
		Title     string   `json:"title"`
		Component string   `json:"component,omitempty"`
		Checks    []*rawV1 `json:"checks"`
	}
	rawV1 struct {
		ID          string   `json:"id"`
		Title       string   `json:"title"`
		Assessment  string   `json:"assessment"`
		Review      bool     `json:"review,omitempty"`
		Scored      bool     `json:"scored"`
		Component   string   `json:"component,omitempty"`
		Test        *rawTest `json:"test,omitempty"`
		Remediation string   `json:"remediation"`
		References  []string `json:"references,omitempty"`
	}
)

// Library is the check library: every check once, by name, and named
// lists of paths.
type Library struct {
	checks map[string]*rawCheck
	files  map[string][]string
	where  map[string]string // check name → file
}

// decodeStrict decodes YAML data into v, refusing unknown keys and keys
// that differ from a field's name in case only.
func decodeStrict(file string, data []byte, v any) error {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return &Error{File: file, Msg: "not valid YAML: " + err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &Error{File: file, Msg: describeJSONError(err)}
	}
	// encoding/json matches keys without regard to case: "Benchmark" or a
	// second "BENCHMARK" would pass unnoticed.
	var raw any
	if err := json.Unmarshal(js, &raw); err == nil {
		if msg := exactKeys(raw, reflect.TypeOf(v), ""); msg != "" {
			return &Error{File: file, Msg: msg}
		}
	}
	return nil
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
		f, ok := fieldByTag(t, key)
		if !ok {
			return fmt.Sprintf("unknown key %q at %s (keys are case-sensitive)", key, strings.TrimPrefix(at+".", "."))
		}
		if msg := exactKeys(m[key], f.Type, strings.TrimPrefix(at+"."+key, ".")); msg != "" {
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

// formatOf reads a file's "format" key (0 when there is none).
func formatOf(file string, data []byte) (int, error) {
	var probe struct {
		Format int `json:"format"`
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return 0, &Error{File: file, Msg: "not valid YAML: " + err.Error()}
	}
	if err := json.Unmarshal(js, &probe); err != nil {
		return 0, &Error{File: file, Msg: describeJSONError(err)}
	}
	return probe.Format, nil
}

// LoadLibrary reads every *.yaml file of fsys as check library files.
// name is how errors name the directory.
func LoadLibrary(fsys fs.FS, name string) (*Library, error) {
	lib := &Library{checks: map[string]*rawCheck{}, files: map[string][]string{}, where: map[string]string{}}
	if err := lib.add(fsys, name); err != nil {
		return nil, err
	}
	return lib, nil
}

func (lib *Library) add(fsys fs.FS, name string) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return &Error{File: name, Msg: err.Error()}
	}
	for _, e := range entries {
		if e.IsDir() || !isYAML(e.Name()) {
			continue
		}
		file := path.Join(name, e.Name())
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return &Error{File: file, Msg: err.Error()}
		}
		if err := lib.addFile(file, data); err != nil {
			return err
		}
	}
	return nil
}

func (lib *Library) addFile(file string, data []byte) error {
	var raw rawLibrary
	if err := decodeStrict(file, data, &raw); err != nil {
		return err
	}
	if raw.Format != FormatVersion {
		return &Error{File: file, Field: "format", Msg: fmt.Sprintf("%d: a library file is format %d", raw.Format, FormatVersion)}
	}
	for k, v := range raw.Files {
		if _, dup := lib.files[k]; dup {
			return &Error{File: file, Field: "files", Msg: fmt.Sprintf("%q is defined twice", k)}
		}
		for _, p := range v {
			if !path.IsAbs(p) {
				return &Error{File: file, Field: "files." + k, Msg: fmt.Sprintf("path %q is not absolute", p)}
			}
		}
		lib.files[k] = v
	}
	for i, c := range raw.Checks {
		if c == nil || !validName(c.Name) {
			return &Error{File: file, Field: fmt.Sprintf("checks[%d].name", i), Msg: "want a name of lowercase letters, digits and '-'"}
		}
		if other, dup := lib.where[c.Name]; dup {
			return &Error{File: file, Check: c.Name, Field: "name", Msg: "defined twice, also in " + other}
		}
		lib.checks[c.Name], lib.where[c.Name] = c, file
	}
	return nil
}

// Names lists the library's check names, sorted.
func (lib *Library) Names() []string { return slices.Sorted(maps.Keys(lib.checks)) }

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func isYAML(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

var (
	embeddedLibrary    *Library
	embeddedLibraryErr error
	embeddedLoaded     bool
)

// Embedded returns the embedded check library.
func Embedded() (*Library, error) {
	if !embeddedLoaded {
		sub, _ := fs.Sub(embedded, "data/library")
		embeddedLibrary, embeddedLibraryErr = LoadLibrary(sub, "catalog/data/library")
		embeddedLoaded = true
	}
	return embeddedLibrary, embeddedLibraryErr
}

func init() {
	// Load once at start-up, so that concurrent callers share it.
	Embedded()
}

// Benchmarks lists the embedded benchmarks, in version order.
func Benchmarks() []string {
	return slices.Clone(embeddedIndex().names)
}

// benchIndex is the embedded benchmarks' names and Kubernetes ranges,
// read once.
type benchIndex struct {
	names  []string
	ranges map[string]VersionRange
	err    error
}

var (
	indexOnce sync.Once
	index     benchIndex
)

func embeddedIndex() *benchIndex {
	indexOnce.Do(func() {
		index.ranges = map[string]VersionRange{}
		entries, _ := embedded.ReadDir("data/benchmarks")
		for _, e := range entries {
			if !isYAML(e.Name()) {
				continue
			}
			name := strings.TrimSuffix(strings.TrimSuffix(e.Name(), ".yaml"), ".yml")
			data, err := embedded.ReadFile("data/benchmarks/" + e.Name())
			var raw struct {
				Kubernetes VersionRange `json:"kubernetes"`
			}
			if err == nil {
				err = yamlHead(data, &raw)
			}
			if err != nil && index.err == nil {
				index.err = fmt.Errorf("catalog/data/benchmarks/%s: %v", e.Name(), err)
			}
			index.names = append(index.names, name)
			index.ranges[name] = raw.Kubernetes
		}
		// By the Kubernetes versions they are for, which their names do
		// not sort (cis-1.5 < cis-1.20 < cis-1.23 < cis-1.7).
		sort.Slice(index.names, func(i, j int) bool {
			a, b := index.names[i], index.names[j]
			if ra, rb := minorOf(index.ranges[a].From), minorOf(index.ranges[b].From); ra != rb {
				return ra < rb
			}
			return a < b
		})
	})
	return &index
}

// yamlHead decodes the keys of YAML data that v has, ignoring the others.
func yamlHead(data []byte, v any) error {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return err
	}
	return json.Unmarshal(js, v)
}

// minorOf returns the minor number of "1.24" (or "v1.24.3"), or 1<<30.
func minorOf(v string) int {
	v = strings.TrimPrefix(v, "v")
	_, rest, ok := strings.Cut(v, ".")
	if !ok {
		return 1 << 30
	}
	minor, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(minor)
	if err != nil {
		return 1 << 30
	}
	return n
}

// LoadEmbedded loads an embedded benchmark.
func LoadEmbedded(benchmark string) (*Catalog, error) {
	data, err := embedded.ReadFile("data/benchmarks/" + benchmark + ".yaml")
	if err != nil || strings.ContainsAny(benchmark, "/\\") {
		return nil, fmt.Errorf("%w %q (embedded: %s)", ErrUnknownBenchmark, benchmark, strings.Join(Benchmarks(), ", "))
	}
	lib, err := Embedded()
	if err != nil {
		return nil, err
	}
	return loadBenchmark(lib, "catalog/data/benchmarks/"+benchmark+".yaml", data, benchmark)
}

// LoadDir loads a benchmark from a directory (--checks-dir): format 2 —
// a benchmark file named after it (BENCHMARK.yaml), with any other
// *.yaml files as library files adding to the embedded library — or
// format 1, one file per target with every check written out.
func LoadDir(dir, benchmark string) (*Catalog, error) {
	return Load(dirFS(dir), benchmark, dir)
}

// Load reads a benchmark from fsys, as LoadDir does; name is how errors
// name the directory.
func Load(fsys fs.FS, benchmark, name string) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	var v1 []*Section
	var bench []byte
	benchFile := ""
	lib := &Library{checks: map[string]*rawCheck{}, files: map[string][]string{}, where: map[string]string{}}
	if emb, err := Embedded(); err == nil {
		maps.Copy(lib.checks, emb.checks)
		maps.Copy(lib.files, emb.files)
		maps.Copy(lib.where, emb.where)
	}
	budget, files := int64(maxCatalogDirSize), 0
	for _, e := range entries {
		if e.IsDir() || !isYAML(e.Name()) {
			continue
		}
		file := path.Join(name, e.Name())
		if files++; files > maxCatalogFiles {
			return nil, &Error{File: name, Msg: fmt.Sprintf("more than %d catalog files", maxCatalogFiles)}
		}
		data, err := readCatalogFile(fsys, e.Name(), file, &budget)
		if err != nil {
			return nil, err
		}
		if err := checkExpansion(file, data); err != nil {
			return nil, err
		}
		format, err := formatOf(file, data)
		if err != nil {
			return nil, err
		}
		switch {
		case format == 0:
			sec, err := parseSectionV1(file, data, benchmark)
			if err != nil {
				return nil, err
			}
			v1 = append(v1, sec)
		case format != FormatVersion:
			return nil, &Error{File: file, Field: "format", Msg: fmt.Sprintf("%d: this kubeproof reads formats 1 and %d (a newer kubeproof may read it)", format, FormatVersion)}
		case strings.TrimSuffix(strings.TrimSuffix(e.Name(), ".yaml"), ".yml") == benchmark:
			bench, benchFile = data, file
		default:
			if err := lib.addFile(file, data); err != nil {
				return nil, err
			}
		}
	}
	var cat *Catalog
	switch {
	case bench != nil && len(v1) > 0:
		return nil, &Error{File: name, Msg: "both a format-2 benchmark file and format-1 target files: use one format"}
	case bench != nil:
		cat, err = loadBenchmark(lib, benchFile, bench, benchmark)
	case len(v1) > 0:
		cat, err = assembleV1(name, benchmark, v1)
	default:
		return nil, &Error{File: name, Msg: fmt.Sprintf("no %s.yaml benchmark file and no format-1 target files", benchmark)}
	}
	if err != nil {
		return nil, err
	}
	if err := cat.checkLengths(); err != nil {
		return nil, err
	}
	return cat, nil
}

// loadBenchmark resolves a benchmark file against the library.
func loadBenchmark(lib *Library, file string, data []byte, benchmark string) (*Catalog, error) {
	var raw rawBenchmark
	if err := decodeStrict(file, data, &raw); err != nil {
		return nil, err
	}
	bad := func(check, field, format string, args ...any) error {
		return &Error{File: file, Check: check, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if err := resolveExtends(file, &raw, nil); err != nil {
		return nil, err
	}
	switch {
	case raw.Format != FormatVersion:
		return nil, bad("", "format", "%d: want %d", raw.Format, FormatVersion)
	case raw.Benchmark != benchmark:
		return nil, bad("", "benchmark", "%q, but the file is for %q", raw.Benchmark, benchmark)
	case raw.Title == "":
		return nil, bad("", "title", "required")
	case raw.Version == "":
		return nil, bad("", "version", "required (as kube-bench writes it in its JSON: cis-1.6)")
	case minorOf(raw.Kubernetes.From) == 1<<30 || raw.Kubernetes.To != "" && minorOf(raw.Kubernetes.To) == 1<<30:
		return nil, bad("", "kubernetes", "want from and to as minor versions (\"1.16\")")
	case len(raw.Sections) == 0:
		return nil, bad("", "sections", "no sections")
	}
	cat := &Catalog{Benchmark: raw.Benchmark, Title: raw.Title, Version: raw.Version, Kubernetes: raw.Kubernetes}
	ids := map[string]bool{}
	for _, rs := range raw.Sections {
		if rs == nil {
			return nil, bad("", "sections", "an empty section")
		}
		if !slices.Contains(Targets, rs.Target) {
			return nil, bad("", "sections.target", "%q: want one of %s", rs.Target, strings.Join(Targets, ", "))
		}
		for _, s := range cat.Sections {
			if s.Target == rs.Target {
				return nil, bad("", "sections.target", "%q appears twice", rs.Target)
			}
		}
		if !results.ValidID(rs.ID) || rs.Title == "" {
			return nil, bad("", "sections", "section %q: want a dotted-number id and a title", rs.ID)
		}
		sec := &Section{Benchmark: raw.Benchmark, Target: rs.Target, ID: rs.ID, Title: rs.Title, File: file}
		for _, rg := range rs.Groups {
			if rg == nil || !results.ValidID(rg.ID) || rg.ID != rs.ID && !strings.HasPrefix(rg.ID, rs.ID+".") || rg.Title == "" {
				return nil, bad("", "groups", "in section %s: want groups with an id under %s and a title", rs.ID, rs.ID)
			}
			g := &Group{ID: rg.ID, Title: rg.Title}
			for _, re := range rg.Checks {
				if re == nil || !results.ValidID(re.ID) || !strings.HasPrefix(re.ID, rg.ID+".") {
					return nil, bad("", "checks.id", "in group %s: want dotted-number ids under it", rg.ID)
				}
				if ids[re.ID] {
					return nil, bad(re.ID, "id", "duplicate id")
				}
				ids[re.ID] = true
				c, err := resolveEntry(lib, file, re, rs.Target, rg.ID)
				if err != nil {
					return nil, err
				}
				g.Checks = append(g.Checks, c)
			}
			sort.SliceStable(g.Checks, func(i, j int) bool { return results.CompareIDs(g.Checks[i].ID, g.Checks[j].ID) < 0 })
			sec.Groups = append(sec.Groups, g)
		}
		if len(sec.Groups) == 0 {
			return nil, bad("", "groups", "section %s has no groups", rs.ID)
		}
		sort.SliceStable(sec.Groups, func(i, j int) bool { return results.CompareIDs(sec.Groups[i].ID, sec.Groups[j].ID) < 0 })
		sec.view = sec.View()
		cat.Sections = append(cat.Sections, sec)
	}
	sort.SliceStable(cat.Sections, func(i, j int) bool { return results.CompareIDs(cat.Sections[i].ID, cat.Sections[j].ID) < 0 })
	return cat, nil
}

// maxExtends bounds a chain of benchmarks extending one another.
const maxExtends = 4

// resolveExtends gives raw the sections of the embedded benchmark it
// extends (itself resolved first), less the ids it drops, with its own
// entries replacing the base's of the same id and its other entries,
// groups and sections added. A section or group that only adds to the
// base's may leave out its title. seen holds the benchmarks of the chain
// so far.
func resolveExtends(file string, raw *rawBenchmark, seen []string) error {
	bad := func(field, format string, args ...any) error {
		return &Error{File: file, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if raw.Extends == "" {
		if len(raw.Drop) > 0 {
			return bad("drop", "drop goes with extends")
		}
		return nil
	}
	seen = append(seen, raw.Benchmark)
	switch {
	case slices.Contains(seen, raw.Extends):
		return bad("extends", "%q: a cycle (%s → %s)", raw.Extends, strings.Join(seen, " → "), raw.Extends)
	case len(seen) > maxExtends:
		return bad("extends", "more than %d benchmarks extend one another (%s)", maxExtends, strings.Join(seen, " → "))
	case !slices.Contains(Benchmarks(), raw.Extends):
		return bad("extends", "%q: no such embedded benchmark (embedded: %s)", raw.Extends, strings.Join(Benchmarks(), ", "))
	}
	baseFile := "catalog/data/benchmarks/" + raw.Extends + ".yaml"
	data, err := embedded.ReadFile("data/benchmarks/" + raw.Extends + ".yaml")
	if err != nil {
		return bad("extends", "%q: %v", raw.Extends, err)
	}
	var base rawBenchmark
	if err := decodeStrict(baseFile, data, &base); err != nil {
		return err
	}
	if err := resolveExtends(baseFile, &base, seen); err != nil {
		return err
	}
	for _, id := range raw.Drop {
		if !dropEntry(base.Sections, id) {
			return bad("drop", "%q: %s has no such check", id, raw.Extends)
		}
	}
	for _, rs := range raw.Sections {
		if rs == nil {
			return bad("sections", "an empty section")
		}
		bs := findSection(base.Sections, rs.Target)
		if bs == nil {
			base.Sections = append(base.Sections, rs)
			continue
		}
		if rs.ID != "" && rs.ID != bs.ID {
			return bad("sections", "section %q of target %s: %s numbers it %s", rs.ID, rs.Target, raw.Extends, bs.ID)
		}
		if rs.Title != "" {
			bs.Title = rs.Title
		}
		for _, rg := range rs.Groups {
			if rg == nil {
				return bad("groups", "an empty group")
			}
			bg := findGroup(bs.Groups, rg.ID)
			if bg == nil {
				bs.Groups = append(bs.Groups, rg)
				continue
			}
			if rg.Title != "" {
				bg.Title = rg.Title
			}
			for _, re := range rg.Checks {
				if re == nil {
					return bad("checks", "an empty entry")
				}
				if i := slices.IndexFunc(bg.Checks, func(e *rawEntry) bool { return e != nil && e.ID == re.ID }); i >= 0 {
					bg.Checks[i] = re
				} else {
					bg.Checks = append(bg.Checks, re)
				}
			}
		}
	}
	raw.Sections = base.Sections
	return nil
}

func findSection(ss []*rawSection, target string) *rawSection {
	for _, s := range ss {
		if s != nil && s.Target == target {
			return s
		}
	}
	return nil
}

func findGroup(gs []*rawGroup, id string) *rawGroup {
	for _, g := range gs {
		if g != nil && g.ID == id {
			return g
		}
	}
	return nil
}

// dropEntry removes the entry of the id from the sections, and reports
// whether there was one.
func dropEntry(ss []*rawSection, id string) bool {
	for _, s := range ss {
		for _, g := range s.Groups {
			if g == nil {
				continue
			}
			for i, e := range g.Checks {
				if e != nil && e.ID == id {
					g.Checks = slices.Delete(g.Checks, i, i+1)
					if len(g.Checks) == 0 {
						s.Groups = slices.DeleteFunc(s.Groups, func(x *rawGroup) bool { return x == g })
					}
					return true
				}
			}
		}
	}
	return false
}

// resolveEntry makes the check of a benchmark entry: the library's check
// with the entry's overrides, or the entry's own definition.
func resolveEntry(lib *Library, file string, re *rawEntry, target, group string) (*Check, error) {
	bad := func(field, format string, args ...any) error {
		return &Error{File: file, Check: re.ID, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	def := &rawCheck{}
	if re.Check != "" {
		lc, ok := lib.checks[re.Check]
		if !ok {
			return nil, bad("check", "no check %q in the library", re.Check)
		}
		if re.Test != nil || re.Remediation != "" {
			return nil, bad("check", "a library check's test and remediation are the library's: give them, or name a check, not both")
		}
		def = lc
	} else if re.Test == nil && (re.Review == nil || !*re.Review) {
		return nil, bad("check", "name a library check, or give a test (or review: true)")
	}
	c := &Check{
		ID: re.ID, Name: re.Check, Title: first(re.Title, def.Title), Assessment: first(re.Assessment, def.Assessment, "automated"),
		Component: first(re.Component, def.Component), Remediation: first(re.Remediation, def.Remediation),
		References: def.References, Target: target, Group: group, Scored: true, Skip: strings.TrimSpace(re.Skip),
		API: def.API,
	}
	if re.References != nil {
		c.References = re.References
	}
	if def.Review != nil {
		c.Review = *def.Review
	}
	if re.Review != nil {
		c.Review = *re.Review
	}
	if def.Scored != nil {
		c.Scored = *def.Scored
	}
	if re.Scored != nil {
		c.Scored = *re.Scored
	}
	switch {
	case c.Title == "":
		return nil, bad("title", "required")
	case !slices.Contains(Assessments, c.Assessment):
		return nil, bad("assessment", "%q: want one of %s", c.Assessment, strings.Join(Assessments, ", "))
	case strings.TrimSpace(c.Remediation) == "":
		return nil, bad("remediation", "required")
	case !slices.Contains(Components, c.Component):
		return nil, bad("component", "%q: want one of %s", c.Component, strings.Join(Components, ", "))
	case c.API != "" && !slices.Contains(APIRules, c.API):
		return nil, bad("api", "%q: want one of %s", c.API, strings.Join(APIRules, ", "))
	case c.API != "" && c.Target != "policies":
		return nil, bad("api", "an API snapshot decides checks of the policies target only, not %s", c.Target)
	case re.Skip != "" && c.Skip == "":
		return nil, bad("skip", "say why the check is skipped")
	case c.Skip != "" && re.Review != nil && *re.Review:
		return nil, bad("skip", "a skipped check is not also reviewed")
	}
	params := maps.Clone(def.Params)
	for k, v := range re.Params {
		if _, ok := def.Params[k]; !ok {
			return nil, bad("params", "%q is not a parameter of %s (it has %s)", k, re.Check, strings.Join(slices.Sorted(maps.Keys(def.Params)), ", "))
		}
		params[k] = v
	}
	test := def.Test
	if re.Test != nil {
		test = re.Test
	}
	if test == nil && !c.Review && c.API == "" {
		return nil, bad("test", "required unless review is true or an API rule decides the check")
	}
	if test != nil {
		t, err := buildTest(lib, test, "test", params)
		if err != nil {
			var ce *Error
			if errors.As(err, &ce) {
				ce.File, ce.Check = file, re.ID
			}
			return nil, err
		}
		c.Test = t
	}
	c.view = c.describe()
	return c, nil
}

func first(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// buildTest makes a Test of a decoded one, checking it.
func buildTest(lib *Library, t *rawTest, field string, params map[string]string) (*Test, error) {
	bad := func(f, format string, args ...any) error {
		return &Error{Field: f, Msg: fmt.Sprintf(format, args...)}
	}
	composed := len(t.All) > 0 || len(t.Any) > 0
	kinds := 0
	for _, set := range []bool{t.Flag != "" || t.Config != "" || t.Env != "", t.Feature != "", t.File != nil, t.Field != nil} {
		if set {
			kinds++
		}
	}
	switch {
	case composed && kinds > 0:
		return nil, bad(field, "a test is either all/any or one piece of evidence, not both")
	case len(t.All) > 0 && len(t.Any) > 0:
		return nil, bad(field, "all and any in the same test: nest one inside the other")
	case composed:
		list, name := t.All, "all"
		if len(t.Any) > 0 {
			list, name = t.Any, "any"
		}
		if t.Op != "" || t.Value != "" || t.Param != "" || t.Component != "" {
			return nil, bad(field+"."+name, "op, value, param and component belong on the leaves")
		}
		out := &Test{}
		for i, sub := range list {
			f := fmt.Sprintf("%s.%s[%d]", field, name, i)
			if sub == nil {
				return nil, bad(f, "empty test")
			}
			st, err := buildTest(lib, sub, f, params)
			if err != nil {
				return nil, err
			}
			if name == "all" {
				out.All = append(out.All, st)
			} else {
				out.Any = append(out.Any, st)
			}
		}
		return out, nil
	case kinds == 0:
		return nil, bad(field, "no evidence: want flag/config/env, feature, file, field, all or any")
	case kinds > 1:
		return nil, bad(field, "more than one kind of evidence in one leaf (flag/config/env, feature, file, field)")
	}
	leaf := &Leaf{Op: Op(t.Op), Value: t.Value, Component: t.Component, Absent: t.Absent}
	if t.Param != "" {
		if t.Value != "" {
			return nil, bad(field+".param", "value and param exclude each other")
		}
		v, ok := params[t.Param]
		if !ok {
			return nil, bad(field+".param", "no parameter %q (declare it in the check's params)", t.Param)
		}
		leaf.Value = v
	}
	if t.Component != "" && !slices.Contains(Components, t.Component) {
		return nil, bad(field+".component", "unknown component %q", t.Component)
	}
	nv, ok := needsValue[leaf.Op]
	switch {
	case !ok:
		return nil, bad(field+".op", "unknown operator %q", t.Op)
	case nv && leaf.Value == "":
		return nil, bad(field+".value", "operator %s needs a value", t.Op)
	case !nv && leaf.Value != "":
		return nil, bad(field+".value", "operator %s takes no value", t.Op)
	case t.File != nil && !fileOps[leaf.Op]:
		return nil, bad(field+".op", "operator %q does not apply to files (use mode, owner or exists)", t.Op)
	case t.File == nil && fileOps[leaf.Op]:
		return nil, bad(field+".op", "operator %q applies to files only", t.Op)
	}
	switch t.Unset {
	case "":
	case "pass":
		leaf.UnsetPasses = true
	default:
		return nil, bad(field+".unset", "%q: the only value is pass", t.Unset)
	}
	if t.Absent != "" {
		if t.File == nil {
			return nil, bad(field+".absent", "applies to files only")
		}
		if t.Absent != "pass" && t.Absent != "fail" && t.Absent != "warn" {
			return nil, bad(field+".absent", "%q: want pass, fail or warn", t.Absent)
		}
	}
	switch leaf.Op {
	case OpRegex:
		re, err := regexp.Compile(leaf.Value)
		if err != nil {
			return nil, bad(field+".value", "bad regular expression %q: %v", leaf.Value, err)
		}
		leaf.Regexp = re
	case OpMode:
		m, err := strconv.ParseUint(leaf.Value, 8, 32)
		if err != nil || m > 0o7777 {
			return nil, bad(field+".value", "bad octal mode %q", leaf.Value)
		}
		leaf.Mode = uint32(m)
	case OpOwner:
		u, g, ok := strings.Cut(leaf.Value, ":")
		if !ok || u == "" || g == "" || strings.ContainsAny(leaf.Value, " \t") {
			return nil, bad(field+".value", "bad owner %q: want user:group", leaf.Value)
		}
	case OpGt, OpGte, OpLt, OpLte:
		if _, ok := ParseNumber(leaf.Value); !ok {
			return nil, bad(field+".value", "%q is not a number or duration", leaf.Value)
		}
	}
	if t.ConfigDefault != "" && t.Config == "" {
		return nil, bad(field+".config_default", "goes with config (the field whose default it is)")
	}
	switch {
	case t.Flag != "" || t.Config != "" || t.Env != "":
		leaf.Evidence = &Setting{Flag: t.Flag, Field: t.Config, Env: t.Env, ConfigDefault: t.ConfigDefault}
	case t.Feature != "":
		leaf.Evidence = &Feature{Name: t.Feature}
	case t.Field != nil:
		if t.Field.Path == "" || (t.Field.Flag == "") == (t.Field.Config == "") {
			return nil, bad(field+".field", "name the file by a flag or a config field, and give a path")
		}
		leaf.Evidence = &Field{File: &Setting{Flag: t.Field.Flag, Field: t.Field.Config}, Path: t.Field.Path}
	default:
		f, err := buildFiles(lib, t.File, field+".file")
		if err != nil {
			return nil, err
		}
		leaf.Evidence = f
	}
	return &Test{Leaf: leaf}, nil
}

func buildFiles(lib *Library, f *rawFile, field string) (*Files, error) {
	bad := func(format string, args ...any) error {
		return &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	out := &Files{Paths: f.Paths, Every: f.Every, Default: f.Default, Under: f.Under, Name: f.Name, Self: f.Self, Type: f.Type}
	if f.Type != "" && f.Type != "file" && f.Type != "dir" {
		return nil, bad("type %q: want file or dir", f.Type)
	}
	if f.Files != "" {
		if len(f.Paths) > 0 {
			return nil, bad("files and paths exclude each other")
		}
		list, ok := lib.files[f.Files]
		if !ok {
			return nil, bad("no list of files %q in the library", f.Files)
		}
		out.Paths = list
	}
	if f.Flag != "" || f.Config != "" || f.Env != "" {
		out.Setting = &Setting{Flag: f.Flag, Field: f.Config, Env: f.Env}
	}
	if f.UnderFlag != "" || f.UnderConfig != "" {
		if f.Under == "" {
			return nil, bad("under_flag and under_config need under, the default directory")
		}
		out.UnderSetting = &Setting{Flag: f.UnderFlag, Field: f.UnderConfig}
	}
	single := out.Setting != nil || len(out.Paths) > 0 || out.Default != ""
	if single == (out.Under != "") {
		return nil, bad("name the file by flag/config/env/files/paths/default, or a directory by under, exactly one way")
	}
	if out.Every && (len(out.Paths) == 0 || out.Setting != nil || out.Default != "") {
		return nil, bad("every goes with files or paths alone")
	}
	if (out.Name != "" || out.Self || out.Type != "") && out.Under == "" {
		return nil, bad("name, self and type go with under")
	}
	if out.Name != "" {
		if _, err := path.Match(out.Name, "x"); err != nil {
			return nil, bad("bad pattern %q", out.Name)
		}
	}
	for _, p := range append(append([]string{}, out.Paths...), out.Default, out.Under) {
		if p != "" && !path.IsAbs(p) {
			return nil, bad("path %q is not absolute", p)
		}
	}
	return out, nil
}

// ParseNumber reads an integer, a decimal or a Go duration (as seconds).
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, true
	}
	if d, err := time.ParseDuration(s); err == nil {
		return d.Seconds(), true
	}
	return 0, false
}
