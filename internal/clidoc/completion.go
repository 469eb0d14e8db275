package clidoc

import (
	"fmt"
	"sort"
	"strings"
)

// Shells are the shells Completion writes scripts for.
var Shells = []string{"bash", "zsh", "fish"}

// Completion writes the completion script of the program for shell
// (bash, zsh or fish).
func Completion(p *Program, shell string) ([]byte, error) {
	switch shell {
	case "bash":
		return bash(p), nil
	case "zsh":
		return zsh(p), nil
	case "fish":
		return fish(p), nil
	}
	return nil, fmt.Errorf("unknown shell %q: want bash, zsh or fish", shell)
}

// shellQuote quotes s for a POSIX shell, in single quotes.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// funcName is a shell function name for the program: _kubeproof_collect.
func funcName(p *Program) string {
	return "_" + strings.NewReplacer("-", "_", ".", "_").Replace(p.Name)
}

// flagWords are every spelling of the flags, sorted.
func flagWords(flags []Flag) []string {
	var w []string
	for _, f := range flags {
		for _, n := range f.Names {
			w = append(w, dashed(n))
		}
	}
	sort.Strings(w)
	return w
}

// bashValueCases are the case arms that complete the value of each flag
// that takes one.
func bashValueCases(b *strings.Builder, flags []Flag, indent string) {
	if takesValue(flags) == "" {
		return
	}
	fmt.Fprintf(b, "%scase \"$prev\" in\n", indent)
	defer fmt.Fprintf(b, "%sesac\n", indent)
	for _, f := range flags {
		if f.Arg == "" {
			continue
		}
		var pats []string
		for _, n := range f.Names {
			pats = append(pats, dashed(n))
		}
		fmt.Fprintf(b, "%s%s)\n", indent, strings.Join(pats, "|"))
		switch {
		case len(f.Values) > 0 && f.List:
			fmt.Fprintf(b, "%s\t__kubeproof_list %s\n", indent, shellQuote(strings.Join(f.Values, " ")))
		case len(f.Values) > 0:
			fmt.Fprintf(b, "%s\t__kubeproof_words %s\n", indent, shellQuote(strings.Join(f.Values, " ")))
		case f.Kind == File:
			fmt.Fprintf(b, "%s\t__kubeproof_files\n", indent)
		case f.Kind == Dir:
			fmt.Fprintf(b, "%s\t__kubeproof_dirs\n", indent)
		}
		fmt.Fprintf(b, "%s\treturn ;;\n", indent)
	}
}

func bashArgs(b *strings.Builder, kind Kind, values []string, indent string) {
	switch {
	case len(values) > 0:
		fmt.Fprintf(b, "%s__kubeproof_words %s\n", indent, shellQuote(strings.Join(values, " ")))
	case kind == File:
		fmt.Fprintf(b, "%s__kubeproof_files\n", indent)
	case kind == Dir:
		fmt.Fprintf(b, "%s__kubeproof_dirs\n", indent)
	}
}

// takesValue are the flag spellings that take a value, as a case pattern.
func takesValue(flags []Flag) string {
	var w []string
	for _, f := range flags {
		if f.Arg != "" {
			for _, n := range f.Names {
				w = append(w, dashed(n))
			}
		}
	}
	return strings.Join(w, "|")
}

func bash(p *Program) []byte {
	var b strings.Builder
	fn := funcName(p)
	fmt.Fprintf(&b, "# bash completion for %s %s; generated from its command line definition.\n", p.Name, p.Version)
	fmt.Fprintf(&b, "# Load it with: source <(%s completion bash), or copy it to\n# /etc/bash_completion.d/%s.\n\n", p.Name, p.Name)
	// Helpers, shared by both programs' scripts (the same definitions).
	b.WriteString(`__kubeproof_words() { mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur"); }
__kubeproof_list() {
	local prefix=""
	[[ $cur == *,* ]] && prefix="${cur%,*},"
	mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$1" -- "${cur##*,}")
	compopt -o nospace 2>/dev/null
}
__kubeproof_files() { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); }
__kubeproof_dirs() { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur"); }

`)
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString(`	local cur="${COMP_WORDS[COMP_CWORD]}" prev="" i cmd=""
	COMPREPLY=()
	((COMP_CWORD > 0)) && prev="${COMP_WORDS[COMP_CWORD-1]}"
	# --flag=value: bash splits the word at "=" (COMP_WORDBREAKS).
	if [[ $cur == "=" ]]; then
		cur=""
	elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
		prev="${COMP_WORDS[COMP_CWORD-2]}"
	fi
`)
	if len(p.Commands) > 0 {
		// The command is the first word that is neither a flag nor a
		// flag's value.
		b.WriteString("\tfor ((i = 1; i < COMP_CWORD; i++)); do\n\t\tcase \"${COMP_WORDS[i]}\" in\n")
		if tv := takesValue(p.Flags); tv != "" {
			fmt.Fprintf(&b, "\t\t%s) ((i++)); [[ ${COMP_WORDS[i]} == \"=\" ]] && ((i++)) ;;\n", tv)
		}
		b.WriteString("\t\t=) ((i++)) ;;\n\t\t-*) ;;\n\t\t*) cmd=\"${COMP_WORDS[i]}\"; break ;;\n\t\tesac\n\tdone\n")
		b.WriteString("\tcase \"$cmd\" in\n\t\"\")\n")
		bashValueCases(&b, p.Flags, "\t\t")
		global := append(flagWords(p.Flags), p.commandNames()...)
		fmt.Fprintf(&b, "\t\t__kubeproof_words %s ;;\n", shellQuote(strings.Join(global, " ")))
		for _, c := range p.Commands {
			pats := append([]string{c.Name}, c.Aliases...)
			fmt.Fprintf(&b, "\t%s)\n", strings.Join(pats, "|"))
			bashValueCases(&b, c.Flags, "\t\t")
			fmt.Fprintf(&b, "\t\tif [[ $cur == -* ]]; then\n\t\t\t__kubeproof_words %s\n\t\t\treturn\n\t\tfi\n", shellQuote(strings.Join(append(flagWords(c.Flags), "--help"), " ")))
			bashArgs(&b, c.ArgKind, c.ArgValues, "\t\t")
			b.WriteString("\t\t;;\n")
		}
		b.WriteString("\tesac\n")
	} else {
		bashValueCases(&b, p.Flags, "\t")
		fmt.Fprintf(&b, "\tif [[ $cur == -* ]]; then\n\t\t__kubeproof_words %s\n\t\treturn\n\tfi\n", shellQuote(strings.Join(flagWords(p.Flags), " ")))
		bashArgs(&b, p.ArgKind, nil, "\t")
	}
	b.WriteString("}\n")
	fmt.Fprintf(&b, "complete -F %s %s\n", fn, p.Name)
	return []byte(b.String())
}

// zshEsc escapes a description for an _arguments spec in single quotes.
func zshEsc(s string) string {
	s = strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, ":", `\:`).Replace(s)
	return strings.ReplaceAll(s, "'", `'\''`)
}

// zshAction is the completion action of a value or an argument.
func zshAction(kind Kind, values []string, list bool, name string) string {
	switch {
	case len(values) > 0 && list:
		return "_sequence compadd - " + strings.Join(values, " ")
	case len(values) > 0:
		return "(" + strings.Join(values, " ") + ")"
	case kind == File:
		return "_files"
	case kind == Dir:
		return "_files -/"
	}
	return " "
}

func zshFlagSpecs(b *strings.Builder, flags []Flag, indent string) {
	for _, f := range flags {
		desc := zshEsc(firstSentence(f.Usage))
		var excl string
		if len(f.Names) > 1 {
			var all []string
			for _, n := range f.Names {
				all = append(all, dashed(n))
			}
			excl = "(" + strings.Join(all, " ") + ")"
		}
		if f.Repeat {
			excl = "*"
		}
		for _, n := range f.Names {
			spec := excl + dashed(n)
			if f.Arg != "" {
				if len(n) == 1 {
					spec += "+"
				} else {
					spec += "="
				}
				spec += "[" + desc + "]:" + zshEsc(strings.ToLower(f.Arg)) + ":" + zshAction(f.Kind, f.Values, f.List, f.Arg)
			} else {
				spec += "[" + desc + "]"
			}
			fmt.Fprintf(b, "%s'%s' \\\n", indent, spec)
		}
	}
}

func zshArgSpec(kind Kind, values []string, args string) string {
	if kind == None && len(values) == 0 {
		return ""
	}
	name := strings.ToLower(strings.Trim(strings.SplitN(args, "|", 2)[0], "[]…. "))
	if name == "" {
		name = "argument"
	}
	return "'*:" + zshEsc(name) + ":" + zshAction(kind, values, false, "") + "'"
}

// firstSentence shortens a usage for a completion menu.
func firstSentence(s string) string {
	if i := strings.Index(s, "; "); i > 0 {
		s = s[:i]
	}
	return s
}

func zsh(p *Program) []byte {
	var b strings.Builder
	fn := funcName(p)
	fmt.Fprintf(&b, "#compdef %s\n# zsh completion for %s %s; generated from its command line definition.\n", p.Name, p.Name, p.Version)
	fmt.Fprintf(&b, "# Copy it as _%s into a directory of $fpath, or load it with:\n# source <(%s completion zsh)\n\n", p.Name, p.Name)
	fmt.Fprintf(&b, "%s() {\n", fn)
	if len(p.Commands) > 0 {
		b.WriteString("\tlocal curcontext=\"$curcontext\" state line ret=1\n\tlocal -a commands\n\tcommands=(\n")
		for _, c := range p.Commands {
			for _, n := range append([]string{c.Name}, c.Aliases...) {
				fmt.Fprintf(&b, "\t\t'%s:%s'\n", n, zshEsc(c.Summary))
			}
		}
		b.WriteString("\t)\n\t_arguments -C \\\n")
		zshFlagSpecs(&b, p.Flags, "\t\t")
		b.WriteString("\t\t'1: :->command' \\\n\t\t'*:: :->args' && ret=0\n")
		b.WriteString("\tcase $state in\n\tcommand)\n\t\t_describe -t commands 'command' commands && ret=0\n\t\t;;\n\targs)\n\t\tcase $words[1] in\n")
		for _, c := range p.Commands {
			fmt.Fprintf(&b, "\t\t%s)\n\t\t\t_arguments \\\n", strings.Join(append([]string{c.Name}, c.Aliases...), "|"))
			zshFlagSpecs(&b, c.Flags, "\t\t\t\t")
			if a := zshArgSpec(c.ArgKind, c.ArgValues, c.Args); a != "" {
				fmt.Fprintf(&b, "\t\t\t\t%s \\\n", a)
			}
			b.WriteString("\t\t\t\t'(- *)'{-h,--help}'[show help]' && ret=0\n\t\t\t;;\n")
		}
		b.WriteString("\t\tesac\n\t\t;;\n\tesac\n\treturn ret\n")
	} else {
		b.WriteString("\t_arguments \\\n")
		zshFlagSpecs(&b, p.Flags, "\t\t")
		if a := zshArgSpec(p.ArgKind, nil, p.Args); a != "" {
			fmt.Fprintf(&b, "\t\t%s \\\n", a)
		}
		b.WriteString("\t\t'(- *)'{-h,--help}'[show help]'\n")
	}
	b.WriteString("}\n\n")
	// Autoloaded from $fpath, the file is the function's body; sourced,
	// it defines the function and registers it.
	fmt.Fprintf(&b, "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n\t%s \"$@\"\nelse\n\tcompdef %s %s\nfi\n", fn, fn, p.Name)
	return []byte(b.String())
}

// fishEsc quotes a string for fish, in single quotes.
func fishEsc(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

func fishFlags(b *strings.Builder, prog, cond string, flags []Flag) {
	for _, f := range flags {
		fmt.Fprintf(b, "complete -c %s", prog)
		if cond != "" {
			fmt.Fprintf(b, " -n %s", fishEsc(cond))
		}
		for _, n := range f.Names {
			if len(n) == 1 {
				fmt.Fprintf(b, " -s %s", n)
			} else {
				fmt.Fprintf(b, " -l %s", n)
			}
		}
		if f.Arg != "" {
			b.WriteString(" -r")
			switch {
			case len(f.Values) > 0:
				fmt.Fprintf(b, " -f -a %s", fishEsc(strings.Join(f.Values, " ")))
			case f.Kind == File:
				b.WriteString(" -F")
			case f.Kind == Dir:
				b.WriteString(" -f -a '(__fish_complete_directories)'")
			default:
				b.WriteString(" -f")
			}
		}
		fmt.Fprintf(b, " -d %s\n", fishEsc(firstSentence(f.Usage)))
	}
}

func fish(p *Program) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# fish completion for %s %s; generated from its command line definition.\n", p.Name, p.Version)
	fmt.Fprintf(&b, "# Copy it to ~/.config/fish/completions/%s.fish, or load it with:\n# %s completion fish | source\n\n", p.Name, p.Name)
	fmt.Fprintf(&b, "complete -c %s -f\n", p.Name)
	if len(p.Commands) == 0 {
		fishFlags(&b, p.Name, "", p.Flags)
		if p.ArgKind == File {
			fmt.Fprintf(&b, "complete -c %s -F\n", p.Name)
		}
		return []byte(b.String())
	}
	names := strings.Join(p.commandNames(), " ")
	noCmd := "not __fish_seen_subcommand_from " + names
	fishFlags(&b, p.Name, noCmd, p.Flags)
	for _, c := range p.Commands {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			fmt.Fprintf(&b, "complete -c %s -n %s -a %s -d %s\n", p.Name, fishEsc(noCmd), n, fishEsc(c.Summary))
		}
	}
	for _, c := range p.Commands {
		cond := "__fish_seen_subcommand_from " + strings.Join(append([]string{c.Name}, c.Aliases...), " ")
		fishFlags(&b, p.Name, cond, c.Flags)
		switch {
		case len(c.ArgValues) > 0:
			fmt.Fprintf(&b, "complete -c %s -n %s -a %s\n", p.Name, fishEsc(cond), fishEsc(strings.Join(c.ArgValues, " ")))
		case c.ArgKind == File:
			fmt.Fprintf(&b, "complete -c %s -n %s -F\n", p.Name, fishEsc(cond))
		case c.ArgKind == Dir:
			fmt.Fprintf(&b, "complete -c %s -n %s -a '(__fish_complete_directories)'\n", p.Name, fishEsc(cond))
		}
	}
	return []byte(b.String())
}
