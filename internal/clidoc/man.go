package clidoc

import (
	"fmt"
	"sort"
	"strings"
)

// Page is a manual page file.
type Page struct {
	Name string // kubeproof.1, kubeproof-analyze.1
	Text []byte
}

// Man writes the program's manual pages in section 1: one for the
// program, listing its commands, and one per command
// (kubeproof-analyze.1), as git's pages are laid out. They carry the
// version and no date, so that the same program gives the same pages.
func Man(p *Program) []Page {
	var pages []Page
	var b roff
	b.header(p.Name, p.Name+" "+p.Version)
	b.section("NAME")
	b.text(p.Name + ` \- ` + esc(p.Summary))
	b.section("SYNOPSIS")
	switch {
	case len(p.Commands) > 0 && p.CommandOptional:
		b.text(`\fB` + esc(p.Name) + `\fR [\fIOPTIONS\fR]` + argsSynopsis(p.Args))
		b.WriteString(".br\n")
		b.text(`\fB` + esc(p.Name) + `\fR \fICOMMAND\fR [\fICOMMAND OPTIONS\fR] [\fIARGUMENTS\fR]`)
	case len(p.Commands) > 0:
		b.text(`\fB` + esc(p.Name) + `\fR [\fIOPTIONS\fR] \fICOMMAND\fR [\fICOMMAND OPTIONS\fR] [\fIARGUMENTS\fR]`)
	default:
		b.text(`\fB` + esc(p.Name) + `\fR [\fIOPTIONS\fR]` + argsSynopsis(p.Args))
	}
	if p.Description != "" {
		b.section("DESCRIPTION")
		b.paragraphs(p.Description)
	}
	if len(p.Commands) > 0 {
		b.section("COMMANDS")
		for _, c := range p.Commands {
			names := `\fB` + esc(c.Name) + `\fR`
			for _, a := range c.Aliases {
				names += `, \fB` + esc(a) + `\fR`
			}
			b.item(names, esc(c.Summary)+` (see \fB`+esc(p.Name+"-"+c.Name)+`\fR(1))`)
		}
	}
	if len(p.Flags) > 0 {
		b.section("OPTIONS")
		b.flags(p.Flags)
	}
	b.exitCodes(p.ExitCodes)
	see := append([]string(nil), p.SeeAlso...)
	for _, c := range p.Commands {
		see = append(see, p.Name+"-"+c.Name+"(1)")
	}
	b.seeAlso(see)
	pages = append(pages, Page{p.Name + ".1", b.bytes()})

	for _, c := range p.Commands {
		var b roff
		full := p.Name + "-" + c.Name
		b.header(full, p.Name+" "+p.Version)
		b.section("NAME")
		b.text(esc(full) + ` \- ` + esc(c.Summary))
		b.section("SYNOPSIS")
		b.text(`\fB` + esc(p.Name+" "+c.Name) + `\fR [\fIOPTIONS\fR]` + argsSynopsis(c.Args))
		if len(c.Aliases) > 0 {
			b.WriteString(".br\n")
			b.text(`Also spelled \fB` + esc(p.Name+" "+strings.Join(c.Aliases, ", "+p.Name+" ")) + `\fR.`)
		}
		if c.Description != "" {
			b.section("DESCRIPTION")
			b.paragraphs(c.Description)
		}
		if len(c.Flags) > 0 {
			b.section("OPTIONS")
			b.flags(c.Flags)
		}
		if len(p.ExitCodes) > 0 {
			b.section("EXIT STATUS")
			b.text(`As for every command: see \fB` + esc(p.Name) + `\fR(1).`)
		}
		b.seeAlso(append([]string{p.Name + "(1)"}, p.SeeAlso...))
		pages = append(pages, Page{full + ".1", b.bytes()})
	}
	return pages
}

func argsSynopsis(args string) string {
	if args == "" {
		return ""
	}
	return ` \fI` + esc(args) + `\fR`
}

// roff builds a page in the man macro package.
type roff struct{ strings.Builder }

func (b *roff) bytes() []byte { return []byte(b.String()) }

func (b *roff) header(title, source string) {
	fmt.Fprintf(b, ".\\\" Generated from the command line definition; do not edit.\n")
	fmt.Fprintf(b, ".TH %s 1 \"\" %s \"User Commands\"\n", quoteArg(strings.ToUpper(title)), quoteArg(source))
	b.WriteString(".nh\n") // no hyphenation: names and flags stay whole
}

func (b *roff) section(name string) { fmt.Fprintf(b, ".SH %s\n", name) }

// text is a line of running text, already escaped.
func (b *roff) text(s string) { b.WriteString(lineSafe(s) + "\n") }

// paragraphs writes plain text: blank lines separate paragraphs; lines
// indented by a tab or spaces are kept as they are (examples).
func (b *roff) paragraphs(s string) {
	first := true
	inExample := false
	for _, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		lines := strings.Split(para, "\n")
		example := strings.HasPrefix(lines[0], "\t") || strings.HasPrefix(lines[0], "  ")
		if !first && !example {
			b.WriteString(".PP\n")
		}
		first = false
		if example {
			b.WriteString(".PP\n.RS 4\n.nf\n")
			inExample = true
		}
		for _, l := range lines {
			if example {
				l = strings.TrimLeft(l, " \t")
			}
			b.text(esc(l))
		}
		if inExample {
			b.WriteString(".fi\n.RE\n")
			inExample = false
		}
	}
}

func (b *roff) item(tag, body string) {
	b.WriteString(".TP\n")
	b.text(tag)
	b.text(body)
}

func (b *roff) flags(flags []Flag) {
	for _, f := range flags {
		var names []string
		for _, n := range f.Names {
			s := `\fB` + esc(dashed(n)) + `\fR`
			if f.Arg != "" {
				s += ` \fI` + esc(f.Arg) + `\fR`
			}
			names = append(names, s)
		}
		body := esc(f.Usage)
		if f.Default != "" {
			body += ` (default: ` + esc(f.Default) + `)`
		}
		b.item(strings.Join(names, ", "), body)
	}
}

func (b *roff) exitCodes(codes []ExitCode) {
	if len(codes) == 0 {
		return
	}
	b.section("EXIT STATUS")
	for _, c := range codes {
		b.item(`\fB`+esc(c.Code)+`\fR`, esc(c.Meaning))
	}
}

func (b *roff) seeAlso(refs []string) {
	if len(refs) == 0 {
		return
	}
	sort.Strings(refs)
	var out []string
	for _, r := range refs {
		name, sec, ok := strings.Cut(strings.TrimSuffix(r, ")"), "(")
		if !ok {
			out = append(out, esc(r))
			continue
		}
		out = append(out, `\fB`+esc(name)+`\fR(`+esc(sec)+`)`)
	}
	b.section("SEE ALSO")
	b.text(strings.Join(out, ", "))
}

// esc escapes text for roff: backslashes, and hyphens as \- so that
// flags can be searched for and copied.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r > 0x7e:
			// Not every formatter reads UTF-8: a character by its code.
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lineSafe keeps a line from being read as a request: a line starting
// with a dot or a quote is prefixed with the zero-width \&.
func lineSafe(s string) string {
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		return `\&` + s
	}
	return s
}

// quoteArg quotes a macro argument.
func quoteArg(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\(dq`) + `"`
}
