package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/internal/display"
	"github.com/kubeproof/kubeproof/internal/exit"
)

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show what a bundle holds: host, components and their arguments, files, certificates",
		ArgsUsage: "BUNDLE",
		Flags: slices.Concat([]cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print the manifest and fact documents as one JSON document"},
		}, limitFlags()),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return &exit.UsageError{Err: fmt.Errorf("inspect takes one bundle, got %d arguments", c.NArg())}
			}
			lim, err := limits(c)
			if err != nil {
				return err
			}
			file, err := bundleFile(c.Args().First())
			if err != nil {
				return err
			}
			b, err := bundle.Open(file, lim)
			if err != nil {
				return err
			}
			if b.Manifest.Kind == bundle.KindAPISnapshot {
				return inspectSnapshot(c.App.Writer, b, c.Bool("json"))
			}
			facts, err := loadFacts(b)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				data, err := bundle.EncodeJSON(facts)
				if err != nil {
					return err
				}
				_, err = c.App.Writer.Write(data)
				return err
			}
			return printInspect(c.App.Writer, facts)
		},
	}
}

// inspection is the JSON form of inspect: the manifest and every fact document.
type inspection struct {
	Digest       bundle.Digest        `json:"digest"`
	Signature    *bundle.Signature    `json:"signature,omitempty"`
	Manifest     bundle.Manifest      `json:"manifest"`
	Processes    []bundle.Process     `json:"processes"`
	Files        []bundle.Stat        `json:"files"`
	Certificates []bundle.Certificate `json:"certificates"`
	Problems     []bundle.Problem     `json:"problems"`
}

func loadFacts(b *bundle.Bundle) (*inspection, error) {
	var (
		stats bundle.Stats
		pki   bundle.PKI
		probs bundle.Problems
	)
	for _, d := range []struct {
		name string
		v    any
	}{{bundle.StatPath, &stats}, {bundle.PKIPath, &pki}, {bundle.ProblemsPath, &probs}} {
		if err := b.DecodeJSON(d.name, d.v); err != nil {
			return nil, err
		}
	}
	// The command lines of a format-1 bundle are redacted as they are read.
	procs, err := evidence.Processes(b)
	if err != nil {
		return nil, err
	}
	return &inspection{Digest: b.Digest, Signature: b.Signature, Manifest: b.Manifest, Processes: procs, Files: stats.Files, Certificates: pki.Certificates, Problems: probs.Problems}, nil
}

func printInspect(w io.Writer, in *inspection) error {
	m := in.Manifest
	h := m.Host
	// Every string from the bundle is escaped (display.Escape): a host
	// name or an argument must not act on the terminal or forge a line.
	p := func(format string, args ...any) {
		for i, a := range args {
			if s, ok := a.(string); ok {
				args[i] = display.Escape(s)
			}
		}
		fmt.Fprintf(w, format, args...)
	}
	p("Bundle      %s\n", in.Digest.Prefixed())
	if in.Signature != nil {
		p("Signature   %s, key %s (valid; 'kubeproof verify --trusted-key' tells whether the key is trusted)\n", in.Signature.Algorithm, in.Signature.KeyID)
	} else {
		p("Signature   none (unsigned)\n")
	}
	p("Format      v%d, by %s %s\n", m.Format, m.Collector.Name, m.Collector.Version)
	switch r := m.Redaction; {
	case r == nil:
		p("Redaction   by patterns (format 1); command lines are redacted again as they are read\n")
	case r.KeyID != "":
		p("Redaction   %s, keyed digests with key %s\n", r.Rules, r.KeyID)
	default:
		p("Redaction   %s, no redaction key (markers carry lengths only)\n", r.Rules)
	}
	p("Host        %s\n", h.Hostname)
	p("OS          %s (kernel %s, %s)\n", orDash(h.OS.PrettyName), orDash(h.Kernel), orDash(h.Architecture))
	p("Roles       %s\n", orDash(strings.Join(h.Roles, ", ")))
	p("Components  %s\n", orDash(strings.Join(h.Components, ", ")))
	p("Runtimes    %s\n", orDash(strings.Join(h.Runtimes, ", ")))
	for _, v := range h.Kubernetes {
		p("Kubernetes  %s (%s, %s in %s)\n", v.Version, v.Component, v.Source, v.Path)
	}
	p("Collected   %s to %s as uid %d (%s), %s mode\n", m.Collection.Started.Format(time.RFC3339), m.Collection.Finished.Format(time.RFC3339),
		m.Collection.User.UID, orDash(m.Collection.User.Name), m.Collection.Mode)
	if m.Collection.Partial {
		p("Partial     yes: %d problems\n", m.Collection.Problems)
	}
	p("\nProcesses\n")
	for _, pr := range in.Processes {
		p("  %-24s pid %-6d uid %-5d %s\n", pr.Component, pr.PID, pr.UID, orDash(pr.Executable))
		for i, a := range pr.Argv {
			p("      [%d] %s\n", i, a)
		}
		for _, e := range pr.Env {
			p("      env %s\n", e)
		}
	}
	p("\nFiles\n")
	var rows [][]string
	for _, f := range in.Files {
		if f.Error != "" {
			rows = append(rows, []string{f.Path, f.ErrorKind, "", "", f.Error})
			continue
		}
		rows = append(rows, []string{f.Path, f.Type, f.Mode, orID(f.User, f.UID) + ":" + orID(f.Group, f.GID), contentNote(f)})
	}
	printTable(w, rows)
	p("\nCertificates (expiry relative to the collection)\n")
	rows = rows[:0]
	for _, c := range in.Certificates {
		days := int(c.NotAfter.Sub(m.Collection.Started).Hours() / 24)
		state := fmt.Sprintf("%d days left", days)
		if days < 0 {
			state = "EXPIRED"
		}
		ca := ""
		if c.IsCA {
			ca = " CA"
		}
		rows = append(rows, []string{fmt.Sprintf("%s[%d]", c.Path, c.Index), c.Subject, fmt.Sprintf("%s %d%s", c.KeyAlgorithm, c.KeySize, ca), "not after " + c.NotAfter.Format("2006-01-02"), state})
	}
	printTable(w, rows)
	if len(in.Problems) > 0 {
		p("\nProblems\n")
		for _, pr := range in.Problems {
			p("  %s %s: %s (%s)\n", pr.Op, pr.Path, pr.Message, pr.Kind)
		}
	}
	return nil
}

func contentNote(f bundle.Stat) string {
	switch {
	case f.Member != "" && f.Redactions > 0:
		return fmt.Sprintf("copy, %d redacted", f.Redactions)
	case f.NotCopied != "":
		return "no copy: " + f.NotCopied
	case f.Link != "":
		return "-> " + f.Link
	}
	return f.Content
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orID(name string, id *int) string {
	if name != "" {
		return name
	}
	if id != nil {
		return fmt.Sprint(*id)
	}
	return "?"
}

// maxColumn is the widest a column of inspect's tables is padded to.
const maxColumn = 64

// printTable prints rows in columns two spaces apart, each cell escaped.
// A column is as wide as its widest cell, up to maxColumn: a longer cell
// overflows its own row only, so that one long path never pads every
// other row (a 33 KB bundle once printed as 113 MB). Trailing empty cells
// and spaces are left out.
func printTable(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			r[i] = display.Escape(c)
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], min(utf8.RuneCountInString(r[i]), maxColumn))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		b.WriteString("  ")
		last := len(r) - 1
		for last > 0 && r[last] == "" {
			last--
		}
		for i, c := range r[:last+1] {
			b.WriteString(c)
			if i < last {
				b.WriteString(strings.Repeat(" ", max(widths[i]-utf8.RuneCountInString(c), 0)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// inspectSnapshot shows an API snapshot: where it came from and the
// objects it keeps, kind by kind.
func inspectSnapshot(w io.Writer, b *bundle.Bundle, asJSON bool) error {
	m := b.Manifest
	if asJSON {
		data, err := bundle.EncodeJSON(struct {
			Digest    bundle.Digest     `json:"digest"`
			Signature *bundle.Signature `json:"signature,omitempty"`
			Manifest  bundle.Manifest   `json:"manifest"`
		}{b.Digest, b.Signature, m})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	p := func(format string, args ...any) {
		for i, a := range args {
			if s, ok := a.(string); ok {
				args[i] = display.Escape(s)
			}
		}
		fmt.Fprintf(w, format, args...)
	}
	sn := m.Snapshot
	p("Bundle      %s\n", b.Digest.Prefixed())
	if b.Signature != nil {
		p("Signature   %s, key %s (valid; 'kubeproof verify --trusted-key' tells whether the key is trusted)\n", b.Signature.Algorithm, b.Signature.KeyID)
	} else {
		p("Signature   none (unsigned)\n")
	}
	p("Format      v%d API snapshot, by %s %s\n", m.Format, m.Collector.Name, m.Collector.Version)
	if r := m.Redaction; r != nil {
		p("Redaction   %s%s\n", r.Rules, map[bool]string{true: ", keyed digests with key " + r.KeyID, false: ""}[r.KeyID != ""])
	}
	p("Cluster     %s\n", orDash(sn.Cluster))
	for _, v := range m.Host.Kubernetes {
		p("Kubernetes  %s (%s, %s in %s)\n", v.Version, v.Component, v.Source, v.Path)
	}
	p("Captured    %s on %s as uid %d (%s)\n", m.Collection.Finished.Format(time.RFC3339), orDash(m.Host.Hostname), m.Collection.User.UID, orDash(m.Collection.User.Name))
	for _, src := range sn.Sources {
		p("Source      %s: %d items, %d bytes, sha256:%s\n", src.Name, src.Items, src.Size, src.SHA256.String())
	}
	p("\nKept (redacted)\n")
	for _, k := range sn.Kinds {
		p("  %7d  %-36s %s (%d values redacted)\n", k.Count, k.Kind, strings.Join(k.Members, ", "), k.Redactions)
	}
	if len(sn.Dropped) > 0 {
		p("\nDropped (not stored)\n")
		for _, k := range sn.Dropped {
			p("  %7d  %s\n", k.Count, k.Kind)
		}
	}
	return nil
}
