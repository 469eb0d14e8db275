// Command summary prints, from gremlins' JSON reports (one per package,
// written by scripts/mutate/mutate.sh), each package's efficacy and
// mutant coverage and the mutants that lived.
//
//	go run ./scripts/mutate/summary mutate-out/*.json
//
// Efficacy is killed / (killed + lived); mutant coverage is (killed +
// lived) / every mutant found (not covered and not viable included).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type report struct {
	Files []struct {
		Name      string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

type counts struct{ killed, lived, timedOut, notCovered, notViable, total int }

func (c counts) efficacy() float64 {
	if c.killed+c.lived == 0 {
		return 0
	}
	return 100 * float64(c.killed) / float64(c.killed+c.lived)
}

func (c counts) coverage() float64 {
	if c.total == 0 {
		return 0
	}
	return 100 * float64(c.killed+c.lived) / float64(c.total)
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "summary:", err)
		os.Exit(1)
	}
}

func run(files []string, w io.Writer) error {
	if len(files) == 0 {
		return fmt.Errorf("no gremlins report given")
	}
	var lived []string
	fmt.Fprintf(w, "%-10s %8s %8s %6s %6s %6s %6s %6s\n", "package", "efficacy", "coverage", "killed", "lived", "t/o", "uncov", "n/v")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		var r report
		if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		var c counts
		for _, f := range r.Files {
			for _, m := range f.Mutations {
				c.total++
				switch m.Status {
				case "KILLED":
					c.killed++
				case "LIVED":
					c.lived++
					lived = append(lived, fmt.Sprintf("%s:%d:%d %s", f.Name, m.Line, m.Column, m.Type))
				case "TIMED OUT":
					c.timedOut++
				case "NOT COVERED":
					c.notCovered++
				case "NOT VIABLE":
					c.notViable++
				}
			}
		}
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		fmt.Fprintf(w, "%-10s %7.2f%% %7.2f%% %6d %6d %6d %6d %6d\n", name, c.efficacy(), c.coverage(), c.killed, c.lived, c.timedOut, c.notCovered, c.notViable)
	}
	if len(lived) > 0 {
		sort.Strings(lived)
		fmt.Fprintf(w, "\nlived (%d):\n", len(lived))
		for _, l := range lived {
			fmt.Fprintln(w, "  "+l)
		}
	}
	return nil
}
