package evidence

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/internal/speclayout"
)

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
		procs, err := speclayout.ReadProcs(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range procs {
			cmdlines = append(cmdlines, []byte(strings.Join(p.Argv, "\x00")))
			name := "profiling"
			if len(p.Argv) > 1 {
				name, _, _ = strings.Cut(strings.TrimLeft(p.Argv[1], "-"), "=")
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
		if embedded {
			// k3s's profile, as far as the lookup of a flag goes.
			n.platform = &catalog.Platform{Name: "k3s", Components: map[string][]catalog.ComponentSource{
				component: {{Process: "k3s-server", Arg: "kube-apiserver-arg"}},
			}}
		}
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
