package clidoc

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/internal/skips"
)

// toy is a program with commands, flags of every kind and an alias.
func toy() *Program {
	return &Program{
		Name: "toy", Version: "1.0", Summary: "a toy - with a dash",
		Description: "First paragraph, with a \\ backslash.\n.starts with a dot\n\n\ttoy run x\n\ttoy run y\n\nLast.",
		Flags:       []Flag{{Names: []string{"help", "h"}, Usage: "show help"}, {Names: []string{"config"}, Arg: "FILE", Usage: "read FILE", Kind: File}},
		Commands: []Command{
			{Name: "run", Aliases: []string{"go"}, Summary: "run things", Args: "BUNDLE|DIR…", ArgKind: File, Flags: []Flag{
				{Names: []string{"format"}, Arg: "FORMATS", Usage: "comma list of FORMATS; more", Values: []string{"json", "pdf", "text"}, List: true, Default: "text"},
				{Names: []string{"benchmark"}, Arg: "NAME", Usage: "a benchmark", Values: []string{"cis-1.6", "cis-1.7"}},
				{Names: []string{"output", "o"}, Arg: "FILE", Usage: "write to FILE", Kind: File},
				{Names: []string{"output-dir"}, Arg: "DIR", Usage: "write into DIR", Kind: Dir},
				{Names: []string{"trusted-key"}, Arg: "FILE", Usage: "trust 'FILE' [sic]: x", Kind: File, Repeat: true},
				{Names: []string{"exit-code"}, Arg: "CODE", Usage: "exit with CODE"},
				{Names: []string{"json"}, Usage: "the same as --format json"},
			}},
			{Name: "completion", Summary: "print a script", Args: "bash|zsh|fish", ArgValues: Shells},
		},
		ExitCodes: []ExitCode{{Code: "0", Meaning: "fine"}},
		SeeAlso:   []string{"other(1)"},
	}
}

// complete runs the bash script's completion function on the words (the
// last one being completed) in dir, and returns the candidates.
func complete(t *testing.T, script []byte, fn, dir string, words ...string) []string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "script.bash")
	if err := os.WriteFile(f, script, 0o644); err != nil {
		t.Fatal(err)
	}
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, shellQuote(w))
	}
	prog := "source " + shellQuote(f) + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) +
		"\n" + fn + "\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", prog)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			got = append(got, l)
		}
	}
	sort.Strings(got) // bash sorts them for display
	return got
}

func needBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		skips.Skip(t, "no bash here to run the completion script; skipped")
	}
}

// filesDir is a directory with two bundles and a subdirectory.
func filesDir(t *testing.T) string {
	dir := t.TempDir()
	for _, f := range []string{"a.kpb", "b.kpb"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	return dir
}

// TestBashCompletion runs the generated script in bash, as bash calls it
// on a tab.
func TestBashCompletion(t *testing.T) {
	needBash(t)
	script, err := Completion(toy(), "bash")
	if err != nil {
		t.Fatal(err)
	}
	dir := filesDir(t)
	tests := []struct {
		words []string
		want  []string
	}{
		{[]string{"toy", ""}, []string{"--config", "--help", "-h", "completion", "go", "run"}},
		{[]string{"toy", "r"}, []string{"run"}},
		{[]string{"toy", "--config", "a"}, []string{"a.kpb"}},
		{[]string{"toy", "run", "--f"}, []string{"--format"}},
		{[]string{"toy", "go", "--format", "j"}, []string{"json"}},
		{[]string{"toy", "run", "--format", "text,p"}, []string{"text,pdf"}},
		{[]string{"toy", "run", "--format", "=", "p"}, []string{"pdf"}}, // --format=p, as bash splits it
		{[]string{"toy", "run", "--format", "="}, []string{"json", "pdf", "text"}},
		{[]string{"toy", "run", "--benchmark", "cis-1."}, []string{"cis-1.6", "cis-1.7"}},
		{[]string{"toy", "run", "-o", ""}, []string{"a.kpb", "b.kpb", "sub"}},
		{[]string{"toy", "run", "--output-dir", ""}, []string{"sub"}},
		{[]string{"toy", "run", "--exit-code", ""}, nil},
		{[]string{"toy", "run", "--json", "b"}, []string{"b.kpb"}},
		{[]string{"toy", "run", "x.kpb", "--tr"}, []string{"--trusted-key"}},
		{[]string{"toy", "completion", ""}, []string{"bash", "fish", "zsh"}},
		{[]string{"toy", "--config", "c.yaml", "run", "--j"}, []string{"--json"}},
	}
	for _, tt := range tests {
		got := complete(t, script, "_toy", dir, tt.words...)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: %q, want %q", tt.words, got, tt.want)
		}
	}

	// A program without commands, as the collector's flag set makes it.
	fs := flag.NewFlagSet("tool", flag.ContinueOnError)
	out := fs.String("o", ".", "write to `FILE`")
	fs.StringVar(out, "output", ".", "write to `FILE` (same as -o)")
	fs.String("root", "", "collect `DIR`")
	fs.Bool("q", false, "quiet")
	p := &Program{Name: "tool", Version: "1", Summary: "s", Flags: FromFlagSet(fs, map[string]Kind{"o": File, "output": File, "root": Dir})}
	script, err = Completion(p, "bash")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		words, want []string
	}{
		{[]string{"tool", "-"}, []string{"--output", "--root", "-o", "-q"}},
		{[]string{"tool", "--root", ""}, []string{"sub"}},
		{[]string{"tool", "-o", "b"}, []string{"b.kpb"}},
	} {
		if got := complete(t, script, "_tool", dir, tt.words...); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: %q, want %q", tt.words, got, tt.want)
		}
	}
}

// TestFromFlagSet: a flag and its alias (the same variable, "same as")
// are one flag; placeholders and defaults come from the flag set.
func TestFromFlagSet(t *testing.T) {
	fs := flag.NewFlagSet("tool", flag.ContinueOnError)
	out := fs.String("o", ".", "write to `FILE`")
	fs.StringVar(out, "output", ".", "write to `FILE` (same as -o)")
	fs.Int64("max", 1<<20, "read at most `BYTES`")
	fs.Bool("q", false, "quiet")
	got := FromFlagSet(fs, map[string]Kind{"o": File})
	want := []Flag{
		{Names: []string{"max"}, Arg: "BYTES", Usage: "read at most BYTES", Default: "1048576"},
		{Names: []string{"output", "o"}, Arg: "FILE", Usage: "write to FILE", Default: ".", Kind: File},
		{Names: []string{"q"}, Usage: "quiet"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if p, u := Unquote("a `FILE` b"); p != "FILE" || u != "a FILE b" {
		t.Errorf("Unquote: %q %q", p, u)
	}
	if p, u := Unquote("no `quote"); p != "" || u != "no `quote" {
		t.Errorf("Unquote: %q %q", p, u)
	}
}

// TestMan: one page for the program and one per command; roff's special
// characters escaped; groff reads every page without a warning.
func TestMan(t *testing.T) {
	pages := Man(toy())
	var names []string
	for _, p := range pages {
		names = append(names, p.Name)
	}
	if want := []string{"toy.1", "toy-run.1", "toy-completion.1"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("pages %q, want %q", names, want)
	}
	main := string(pages[0].Text)
	for _, want := range []string{
		`.TH "TOY" 1 "" "toy 1.0"`, `toy \- a toy \- with a dash`, `with a \e backslash`, "\n\\&.starts with a dot\n",
		".nf\ntoy run x\ntoy run y\n.fi", `\fBrun\fR, \fBgo\fR`, `\fB\-\-config\fR \fIFILE\fR`, ".SH EXIT STATUS", `\fBother\fR(1)`, `\fBtoy\-run\fR(1)`,
	} {
		if !strings.Contains(main, want) {
			t.Errorf("toy.1 lacks %q:\n%s", want, main)
		}
	}
	run := string(pages[1].Text)
	for _, want := range []string{`toy\-run \- run things`, `\fBtoy run\fR`, `BUNDLE|DIR\[u2026]`, `(default: text)`, `\fB\-\-output\fR \fIFILE\fR, \fB\-o\fR \fIFILE\fR`, `\fBtoy\fR(1)`} {
		if !strings.Contains(run, want) {
			t.Errorf("toy-run.1 lacks %q:\n%s", want, run)
		}
	}
	if _, err := exec.LookPath("groff"); err != nil {
		skips.Skip(t, "no groff here to check the pages' roff; skipped")
	}
	for _, p := range pages {
		cmd := exec.Command("groff", "-man", "-ww", "-z")
		cmd.Stdin = strings.NewReader(string(p.Text))
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("groff on %s: %v\n%s", p.Name, err, out)
		}
	}
}

// TestShellSyntax: each shell parses its script, where the shell is here.
func TestShellSyntax(t *testing.T) {
	for _, tt := range []struct{ shell, flag string }{{"bash", "-n"}, {"zsh", "-n"}, {"fish", "--no-execute"}} {
		t.Run(tt.shell, func(t *testing.T) {
			script, err := Completion(toy(), tt.shell)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := exec.LookPath(tt.shell); err != nil {
				skips.Skip(t, "no %s here to parse its completion script; skipped", tt.shell)
			}
			f := filepath.Join(t.TempDir(), "script")
			os.WriteFile(f, script, 0o644)
			if out, err := exec.Command(tt.shell, tt.flag, f).CombinedOutput(); err != nil {
				t.Errorf("%s %s: %v\n%s\n%s", tt.shell, tt.flag, err, out, script)
			}
		})
	}
	if _, err := Completion(toy(), "tcsh"); err == nil {
		t.Error("a script for tcsh")
	}
}

// TestZshAndFishScripts pins what the zsh and fish scripts say about each
// kind of flag, since this machine may have neither shell to run them.
func TestZshAndFishScripts(t *testing.T) {
	zsh, _ := Completion(toy(), "zsh")
	for _, want := range []string{
		"#compdef toy\n",
		`'--format=[comma list of FORMATS]:formats:_sequence compadd - json pdf text' \`,
		`'(--output -o)--output=[write to FILE]:file:_files' \`,
		`'(--output -o)-o+[write to FILE]:file:_files' \`,
		`'--output-dir=[write into DIR]:dir:_files -/' \`,
		`'*--trusted-key=[trust '\''FILE'\'' \[sic\]\: x]:file:_files' \`,
		`'--benchmark=[a benchmark]:name:(cis-1.6 cis-1.7)' \`,
		`'*:bundle:_files' \`,
		"\t\trun|go)\n",
		"compdef _toy toy",
	} {
		if !strings.Contains(string(zsh), want) {
			t.Errorf("zsh script lacks %q:\n%s", want, zsh)
		}
	}
	fish, _ := Completion(toy(), "fish")
	for _, want := range []string{
		"complete -c toy -f\n",
		"complete -c toy -n 'not __fish_seen_subcommand_from completion go run' -a run -d 'run things'\n",
		"complete -c toy -n '__fish_seen_subcommand_from run go' -l format -r -f -a 'json pdf text' -d 'comma list of FORMATS'\n",
		"complete -c toy -n '__fish_seen_subcommand_from run go' -l output -s o -r -F -d 'write to FILE'\n",
		"complete -c toy -n '__fish_seen_subcommand_from run go' -l output-dir -r -f -a '(__fish_complete_directories)' -d 'write into DIR'\n",
		"complete -c toy -n '__fish_seen_subcommand_from run go' -l trusted-key -r -F -d 'trust \\'FILE\\' [sic]: x'\n",
		"complete -c toy -n '__fish_seen_subcommand_from run go' -F\n",
		"complete -c toy -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n",
	} {
		if !strings.Contains(string(fish), want) {
			t.Errorf("fish script lacks %q:\n%s", want, fish)
		}
	}
}
