// Command flaggen writes the generated sections of redact/flags.txt (the
// flags of the Kubernetes components, etcd, k3s and rke2, with the kind
// of value each carries) from a table of the components' flags,
// scripts/flaggen/testdata/flags.tsv. Run it from the repository root:
//
//	go run ./scripts/flaggen                 # rewrite redact/flags.txt
//	go run ./scripts/flaggen -check          # fail if redact/flags.txt is not what the table makes
//	go run ./scripts/flaggen -trim FULL.tsv  # replace the table by a full one, trimmed
//
// The table has a row per component and flag: component, flag, types
// (every Value type the flag had over the versions sampled, ";"
// separated; "shorthand:LONG" for a shorthand), first and last version,
// method (how the row was found), hints (words of its usage text that
// suggest a secret; the usage text itself is not kept). -trim reads a
// full table (columns component, flag, type, type_history, first, last,
// usage, method, …) and keeps those. The full table was made from flag
// dumps of the compiled components (each main with Execute replaced by a
// dump of the flag set it parses), a scan of the flag registrations in
// the sources of the versions not compiled, and, for k3s and rke2, rke2's
// exhaustive map of k3s's flags in each release; the header of
// redact/flags.txt says which versions.
//
// A flag's kind follows its type (booleans b, numbers n, durations d,
// etcd's URL lists u) and, for text, its name (URLs u, paths p, else a
// setting). A flag whose name or usage suggests a secret must have a
// reviewed rule in gen.go (rules): the generator stops rather than guess.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "flaggen:", err)
		os.Exit(1)
	}
}

func run() error {
	tablePath := flag.String("table", "scripts/flaggen/testdata/flags.tsv", "the table of flags")
	out := flag.String("out", "redact/flags.txt", "the flags file whose generated sections are rewritten")
	check := flag.Bool("check", false, "only check that -out is up to date")
	trim := flag.String("trim", "", "read this full table and write it, trimmed, to -table first")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", flag.Arg(0))
	}
	if *trim != "" {
		f, err := os.Open(*trim)
		if err != nil {
			return err
		}
		rows, err := readRows(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *trim, err)
		}
		var b bytes.Buffer
		if err := writeRows(&b, rows); err != nil {
			return err
		}
		if err := os.WriteFile(*tablePath, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	want, have, err := generate(*tablePath, *out)
	if err != nil {
		return err
	}
	if want == have {
		return nil
	}
	if *check {
		return fmt.Errorf("%s is not what %s makes: run go run ./scripts/flaggen", *out, *tablePath)
	}
	return os.WriteFile(*out, []byte(want), 0o644)
}

// generate returns the flags file as the table makes it, and as it is.
func generate(tablePath, flagsPath string) (want, have string, err error) {
	f, err := os.Open(tablePath)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	rows, err := readRows(f)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", tablePath, err)
	}
	gen, err := render(rows)
	if err != nil {
		return "", "", fmt.Errorf("%s:\n%w", tablePath, err)
	}
	old, err := os.ReadFile(flagsPath)
	if err != nil {
		return "", "", err
	}
	want, err = splice(string(old), gen)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", flagsPath, err)
	}
	return want, string(old), nil
}
