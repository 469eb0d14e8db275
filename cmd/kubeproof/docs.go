package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/internal/clidoc"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/internal/version"
)

// The manual pages and completion scripts are generated from the app's
// own definition (internal/clidoc): urfave/cli's generators write no bash
// or zsh script, and its manual page drops the commands' descriptions and
// arguments.

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "Load it in the running shell:\n\n" +
			"\tsource <(kubeproof completion bash)\n\tsource <(kubeproof completion zsh)\n\tkubeproof completion fish | source\n\n" +
			"or install it where the shell looks for completions (the release archives carry the three scripts under completion/).",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return &exit.UsageError{Err: errors.New("completion takes one shell: bash, zsh or fish")}
			}
			script, err := clidoc.Completion(describe(c.App), c.Args().First())
			if err != nil {
				return &exit.UsageError{Err: err}
			}
			_, err = c.App.Writer.Write(script)
			return err
		},
	}
}

func manCommand() *cli.Command {
	return &cli.Command{
		Name:      "man",
		Usage:     "write the manual pages, kubeproof.1 and one per command, into a directory",
		ArgsUsage: "DIR",
		Description: "The release archives carry them under man/man1. To read one without installing it:\n\n" +
			"\tkubeproof man /tmp/man && man -l /tmp/man/kubeproof-analyze.1",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return &exit.UsageError{Err: errors.New("man takes the directory to write into")}
			}
			dir := c.Args().First()
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return &exit.UsageError{Err: fmt.Errorf("%s: not a directory", dir)}
			}
			for _, p := range clidoc.Man(describe(c.App)) {
				if err := os.WriteFile(filepath.Join(dir, p.Name), p.Text, 0o644); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// placeholderKinds say what a flag's value is by its placeholder.
var placeholderKinds = map[string]clidoc.Kind{"FILE": clidoc.File, "DIR": clidoc.Dir, "NAME": clidoc.File}

// argKinds say what a command's arguments are by its ArgsUsage.
var argKinds = map[string]clidoc.Kind{"BUNDLE|DIR…": clidoc.File, "BUNDLE": clidoc.File, "DIR": clidoc.Dir}

// flagValues are the values of the flags that take one of a fixed list.
func flagValues(name string) (values []string, list bool) {
	switch name {
	case "format":
		for f := range renderers {
			values = append(values, f)
		}
		sort.Strings(values)
		return values, true
	case "targets":
		return []string{"controlplane", "etcd", "master", "node", "policies"}, true
	case "benchmark":
		return catalog.Benchmarks(), false
	}
	return nil, false
}

// describe turns the app's definition into clidoc's.
func describe(app *cli.App) *clidoc.Program {
	p := &clidoc.Program{
		Name:    app.Name,
		Version: version.Version,
		Summary: app.Usage,
		Description: "kubeproof reads the evidence bundles that kubeproof-collect writes on Kubernetes nodes, " +
			"checks them against their manifests and signatures, and replays the CIS Kubernetes benchmark " +
			"against them, on a machine with no access to the cluster. Every verdict cites the evidence that decided it. " +
			"It never touches the network.",
		Flags: []clidoc.Flag{
			{Names: []string{"help", "h"}, Usage: "show help"},
			{Names: []string{"version", "v"}, Usage: "print the version"},
		},
		SeeAlso: []string{"kubeproof-collect(1)"},
		ExitCodes: []clidoc.ExitCode{
			{Code: "0", Meaning: "done (analyze --allow-unverified included: the report says what failed)"},
			{Code: "1", Meaning: "another error (an output that cannot be written, a key keygen will not overwrite); analyze --exit-code 1 when checks fail"},
			{Code: "2", Meaning: "usage: a bad flag or argument, an unknown check id, a path that does not exist"},
			{Code: "4", Meaning: "a bundle, catalog, key or release file is malformed, tampered with, over a limit, of an unknown version, or badly signed; or, with --require-signature, not signed by a trusted key"},
			{Code: "5", Meaning: "analyze --keep-going: the reports were written without the bundles refused, listed on their first page"},
			{Code: "6", Meaning: "nothing to audit: no bundle, or no check applies to any node"},
			{Code: "N", Meaning: "analyze --exit-code N when any check fails"},
		},
	}
	for _, c := range app.Commands {
		if c.Hidden || c.Name == "help" { // help: added by urfave/cli, and -h on every command
			continue
		}
		cmd := clidoc.Command{
			Name: c.Name, Aliases: c.Aliases, Summary: c.Usage, Description: c.Description,
			Args: c.ArgsUsage, ArgKind: argKinds[c.ArgsUsage],
		}
		if c.Name == "completion" {
			cmd.ArgValues = clidoc.Shells
		}
		for _, f := range c.Flags {
			cmd.Flags = append(cmd.Flags, describeFlag(f))
		}
		p.Commands = append(p.Commands, cmd)
	}
	return p
}

func describeFlag(f cli.Flag) clidoc.Flag {
	d := clidoc.Flag{Names: f.Names()}
	df, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return d
	}
	arg, usage := clidoc.Unquote(df.GetUsage())
	d.Usage = usage
	if df.TakesValue() {
		if arg == "" {
			arg = "VALUE"
		}
		d.Arg = arg
		d.Kind = placeholderKinds[arg]
		if v := df.GetValue(); v != "" && v != "0" {
			d.Default = strings.Trim(v, `"`)
		}
	}
	d.Values, d.List = flagValues(d.Names[0])
	_, d.Repeat = f.(*cli.StringSliceFlag)
	return d
}
