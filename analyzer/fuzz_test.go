package analyzer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/results"
)

// catalogSeeds returns every embedded catalog file, the test catalog, and
// YAML meant to hurt a parser. It fails if the embedded catalogs are not
// found.
func catalogSeeds(t testing.TB) [][]byte {
	t.Helper()
	var seeds [][]byte
	err := fs.WalkDir(embedded, "catalogs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := embedded.ReadFile(p)
		seeds = append(seeds, data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seeds) < len(Targets) {
		t.Fatalf("%d embedded catalog files, want at least %d", len(seeds), len(Targets))
	}
	return append(seeds,
		[]byte(goodSection),
		[]byte("a: &a [*a, *a]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"), // aliases
		[]byte(strings.Repeat("[", 500)+strings.Repeat("]", 500)),                       // nesting
		[]byte("benchmark: b\ntarget: master\nid: \"1\"\ntitle: T\ngroups:\n- id: \"1.1\"\n  title: G\n  checks:\n  - id: \"1.1.1\"\n    title: C\n    assessment: automated\n    component: none\n    remediation: r\n    test: {any: [{all: [{flag: x, op: regex, value: \"(a+)+$\"}]}, {file: {under: /etc, name: \"*.crt\", self: true}, op: mode, value: \"0644\", absent: warn}]}\n"),
		[]byte("id: 1.10\nbenchmark: 1e400\n"),
		[]byte("benchmark: b\nbenchmark: c\n"), // duplicate keys
		[]byte("\xff\xfe"),
	)
}

// FuzzParseSection feeds the strict catalog loader arbitrary files. It
// must never panic; every error is a *CatalogError naming the file; and a
// section it accepts is valid: it validates again, and written back as
// YAML it parses to the same section.
func FuzzParseSection(f *testing.F) {
	for _, s := range catalogSeeds(f) {
		f.Add(s)
	}
	const file = "fuzz/master.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		sec, err := ParseSection(file, data)
		if err != nil {
			var ce *CatalogError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T %q is not a *CatalogError", err, err)
			}
			if ce.File != file || !strings.Contains(err.Error(), file) {
				t.Fatalf("error %q does not name the file", err)
			}
			if sec != nil {
				t.Fatal("a section returned with an error")
			}
			return
		}
		if err := sec.validate(); err != nil {
			t.Fatalf("an accepted section does not validate again: %v", err)
		}
		for _, g := range sec.Groups {
			for i, c := range g.Checks {
				if c.Target != sec.Target || c.Section != g.ID || !slices.Contains(Components, c.Component) {
					t.Fatalf("check %s not filled in: target %q section %q component %q", c.ID, c.Target, c.Section, c.Component)
				}
				if i > 0 && results.CompareIDs(g.Checks[i-1].ID, c.ID) > 0 {
					t.Fatalf("checks not sorted: %s before %s", g.Checks[i-1].ID, c.ID)
				}
			}
		}
		out, err := yaml.Marshal(sec)
		if err != nil {
			t.Fatalf("an accepted section does not marshal: %v", err)
		}
		again, err := ParseSection(file, out)
		if err != nil {
			t.Fatalf("an accepted section, written back, is refused: %v\n%s", err, out)
		}
		a, _ := json.Marshal(sec)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Fatalf("the section changes through YAML:\n%s\n%s", a, b)
		}
	})
}

// flagSeeds returns the command lines of the fixtures' node specs, NUL
// separated, with a flag name each; it fails if there are none.
func flagSeeds(t testing.TB) (cmdlines [][]byte, names []string) {
	t.Helper()
	files, err := filepath.Glob("../fixtures/specs/*/procs.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("%d node specs with procs.tsv, want at least 4", len(files))
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			argv0, args, _ := strings.Cut(line, "\t")
			argv := append([]string{argv0}, strings.Fields(args)...)
			cmdlines = append(cmdlines, []byte(strings.Join(argv, "\x00")))
			name := "profiling"
			if len(argv) > 1 {
				name, _, _ = strings.Cut(strings.TrimLeft(argv[1], "-"), "=")
			}
			names = append(names, name)
		}
	}
	if len(cmdlines) < 8 {
		t.Fatalf("only %d command lines in the node specs", len(cmdlines))
	}
	return cmdlines, names
}

// FuzzNodeFlag feeds the flag lookup of the checks arbitrary command lines,
// as a component's own process or embedded in k3s (--kube-apiserver-arg).
// It must never panic, and what it returns must be what the command line
// says: each occurrence points at an argument that sets the flag, every
// such argument is found, in order, and the value is the last occurrence's
// (or all of them, comma-joined, for list flags).
func FuzzNodeFlag(f *testing.F) {
	cmdlines, names := flagSeeds(f)
	for i := range cmdlines {
		f.Add(cmdlines[i], names[i], false)
	}
	f.Add([]byte("k3s\x00server\x00--kube-apiserver-arg=profiling=false\x00--kube-apiserver-arg\x00authorization-mode=Node\x00--kube-apiserver-arg"), "profiling", true)
	f.Add([]byte("kube-apiserver\x00--enable-admission-plugins=A,B\x00--enable-admission-plugins\x00C\x00--profiling\x00--v\x00\x00---profiling=x=y"), "enable-admission-plugins", false)
	f.Add([]byte("kube-apiserver\x00-\x00--\x00-=\x00--=x"), "", false)
	f.Fuzz(func(t *testing.T, cmdline []byte, name string, embedded bool) {
		argv := strings.Split(string(cmdline), "\x00")
		const component = "kube-apiserver"
		proc := bundle.Process{PID: 1, Component: component, Kind: "component", Argv: argv}
		via := ""
		if embedded {
			proc.Component, via = "k3s-server", "kube-apiserver-arg"
		}
		n := &Node{procs: []bundle.Process{proc}}
		value, occ, p := n.flag(component, name)
		if p == nil {
			t.Fatal("the process was not found")
		}
		// The reference: every argument that sets the flag, in order.
		var want []flagOcc
		for i := 1; i < len(argv); i++ {
			arg := argv[i]
			if via != "" {
				v, ok := strings.CutPrefix(arg, "--"+via+"=")
				if !ok && arg == "--"+via && i+1 < len(argv) {
					v, ok = argv[i+1], true
				}
				if k, val, _ := strings.Cut(strings.TrimLeft(v, "-"), "="); ok && k == name {
					want = append(want, flagOcc{value: val, index: i})
				}
				continue
			}
			k, val, hasEq := strings.Cut(strings.TrimLeft(arg, "-"), "=")
			if !strings.HasPrefix(arg, "-") || k != name {
				continue
			}
			o := flagOcc{value: val, index: i}
			if !hasEq {
				if i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "-") {
					o.value = argv[i+1]
				} else {
					o.value, o.bare = "true", true
				}
			}
			want = append(want, o)
		}
		if len(occ) != len(want) {
			t.Fatalf("%d occurrences of %q found, want %d: %q", len(occ), name, len(want), argv)
		}
		for i := range occ {
			if occ[i] != want[i] {
				t.Fatalf("occurrence %d of %q: %+v, want %+v", i, name, occ[i], want[i])
			}
			if occ[i].index < 1 || occ[i].index >= len(argv) {
				t.Fatalf("occurrence at argv[%d] of %d", occ[i].index, len(argv))
			}
		}
		switch {
		case len(occ) == 0:
			if value != "" {
				t.Fatalf("value %q with no occurrence", value)
			}
		case listFlags[name]:
			vals := make([]string, len(occ))
			for i, o := range occ {
				vals[i] = o.value
			}
			if value != strings.Join(vals, ",") {
				t.Fatalf("list flag %q: value %q, want the occurrences joined", name, value)
			}
		default:
			if value != occ[len(occ)-1].value {
				t.Fatalf("flag %q: value %q, want the last occurrence's %q", name, value, occ[len(occ)-1].value)
			}
		}
	})
}

// TestCatalogHostile: files the fuzzer found or that a careless strict
// loader lets through. Each is refused with a *CatalogError, no panic.
func TestCatalogHostile(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		// testdata/fuzz/FuzzParseSection/e94d3d5bdd0977d9: a null group.
		{"null group", "groups:\n- id: \"1.2\"", "groups:\n-\n- id: \"1.2\"", "an empty group"},
		{"null check", "  checks:\n  - id: \"1.2.10\"", "  checks:\n  -\n  - id: \"1.2.10\"", "an empty check"},
		// encoding/json folds case: these were accepted, and the second
		// spelling silently overrode the first.
		{"key in another case", "benchmark: b", "Benchmark: b", `unknown key "Benchmark"`},
		{"key twice in two cases", "title: Master", "title: Master\nTITLE: Other", `unknown key "TITLE"`},
		{"nested key in another case", "      op: eq", "      Op: eq", `unknown key "Op" at groups[0].checks[1].test`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(goodSection, tt.old) {
				t.Fatalf("test bug: %q not in the good section", tt.old)
			}
			_, err := ParseSection("master.yaml", []byte(strings.Replace(goodSection, tt.old, tt.new, 1)))
			var ce *CatalogError
			if !errors.As(err, &ce) || ce.File != "master.yaml" || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a *CatalogError naming master.yaml and %q", err, tt.want)
			}
		})
	}
}
