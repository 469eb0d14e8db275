// Package clidoc writes manual pages and shell completion scripts (bash,
// zsh, fish) from a description of a command line: the program, its
// commands, their flags and arguments. Each binary turns its own CLI
// definition into a Program (the analyzer from its urfave/cli app, the
// collector from its flag set), so that the pages and scripts follow the
// flags as they change and never need writing by hand.
//
// The scripts are static: they complete commands, flags, flag values that
// are files, directories or one of a fixed list, and file arguments,
// without running the program.
package clidoc

import (
	"flag"
	"sort"
	"strings"
)

// Kind is what a flag's value or a positional argument is, for completion.
type Kind int

const (
	None Kind = iota // nothing to complete: free text, a number
	File             // a file name
	Dir              // a directory name
)

// Flag is one flag.
type Flag struct {
	Names   []string // without dashes; the first is the main one
	Arg     string   // the value's placeholder (FILE); "" for a switch
	Usage   string
	Default string // shown in the manual page when not ""
	Kind    Kind
	Values  []string // the values it takes, when a fixed list
	List    bool     // a comma list of Values
	Repeat  bool     // may be given more than once
}

// Command is a subcommand.
type Command struct {
	Name        string
	Aliases     []string
	Summary     string // one line
	Description string // paragraphs separated by blank lines
	Args        string // synopsis of the arguments (BUNDLE|DIR…)
	ArgKind     Kind   // what the arguments are, for completion
	ArgValues   []string
	Flags       []Flag
}

// ExitCode is one line of the EXIT STATUS section.
type ExitCode struct {
	Code    string
	Meaning string
}

// Program is a command line to document.
type Program struct {
	Name        string
	Version     string
	Summary     string
	Description string
	Args        string // synopsis of the arguments, for a program without commands
	ArgKind     Kind
	Flags       []Flag // before any command
	Commands    []Command
	// CommandOptional: the program does its main work without a command
	// (the collector), and its commands are extra.
	CommandOptional bool
	ExitCodes       []ExitCode
	SeeAlso         []string // name(section)
}

// commandNames are every name of the commands, aliases included, sorted.
func (p *Program) commandNames() []string {
	var names []string
	for _, c := range p.Commands {
		names = append(names, c.Name)
		names = append(names, c.Aliases...)
	}
	sort.Strings(names)
	return names
}

// dashed is a flag name as typed: -o, --output.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// FromFlagSet describes the flags of a standard library flag set. The
// placeholder is the name in back quotes in a flag's usage, as flag's
// PrintDefaults reads it; kinds gives the Kind of a flag by name (a flag
// not named there takes no completion). Flags that are the same variable
// under two names are one flag with both names.
func FromFlagSet(fs *flag.FlagSet, kinds map[string]Kind) []Flag {
	var out []Flag
	index := map[string]int{} // usage without placeholder → flag, to join aliases
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			arg = ""
		}
		key := usage + "\x00" + f.DefValue
		// "(same as -o)": an alias documents itself by its usage.
		if base, _, ok := strings.Cut(usage, " (same as -"); ok {
			key = base + "\x00" + f.DefValue
			usage = base
		}
		if i, ok := index[key]; ok {
			out[i].Names = append(out[i].Names, f.Name)
			sort.Slice(out[i].Names, func(a, b int) bool { return len(out[i].Names[a]) > len(out[i].Names[b]) })
			return
		}
		def := f.DefValue
		if def == "false" || def == "0" {
			def = "" // a switch off, a number unset: nothing to say
		}
		index[key] = len(out)
		out = append(out, Flag{Names: []string{f.Name}, Arg: arg, Usage: usage, Default: def, Kind: kinds[f.Name]})
	})
	return out
}

// Unquote splits a usage text into the placeholder named in back quotes
// and the text without the quotes, as the flag package reads usages:
// ("FILE", "write to FILE") from "write to `FILE`".
func Unquote(usage string) (placeholder, text string) {
	before, rest, ok := strings.Cut(usage, "`")
	if !ok {
		return "", usage
	}
	name, after, ok := strings.Cut(rest, "`")
	if !ok {
		return "", usage
	}
	return name, before + name + after
}
