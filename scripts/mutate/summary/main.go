// Command summary prints, from gremlins' JSON reports (one per package,
// written by scripts/mutate/mutate.sh), each package's efficacy and
// mutant coverage and the mutants that lived.
//
//	go run ./scripts/mutate/summary [-files] mutate-out/*.json
//
// With -files, each file's figures follow its package's. A gremlins log
// (NAME.log, its standard output) may stand for a report: the figures of
// a run stopped before its end.
//
// Efficacy is killed / (killed + lived); mutant coverage is (killed +
// lived) / every mutant found (not covered and not viable included).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type report struct {
	Files []fileReport `json:"files"`
}

type fileReport struct {
	Name      string     `json:"file_name"`
	Mutations []mutation `json:"mutations"`
}

type mutation struct {
	Type   string `json:"type"`
	Status string `json:"status"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
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

var perFile = flag.Bool("files", false, "print each file's figures too")

func main() {
	flag.Parse()
	if err := run(flag.Args(), os.Stdout); err != nil {
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
		if strings.HasSuffix(file, ".log") {
			r = parseLog(string(data))
		} else if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		var c counts
		files := map[string]*counts{}
		var names []string
		for _, f := range r.Files {
			fc := files[f.Name]
			if fc == nil {
				fc = &counts{}
				files[f.Name] = fc
				names = append(names, f.Name)
			}
			for _, m := range f.Mutations {
				for _, cc := range []*counts{&c, fc} {
					cc.total++
					switch m.Status {
					case "KILLED":
						cc.killed++
					case "LIVED":
						cc.lived++
					case "TIMED OUT":
						cc.timedOut++
					case "NOT COVERED":
						cc.notCovered++
					case "NOT VIABLE":
						cc.notViable++
					}
				}
				if m.Status == "LIVED" {
					lived = append(lived, fmt.Sprintf("%s:%d:%d %s", f.Name, m.Line, m.Column, m.Type))
				}
			}
		}
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(file), ".json"), ".log")
		fmt.Fprintf(w, "%-10s %7.2f%% %7.2f%% %6d %6d %6d %6d %6d\n", name, c.efficacy(), c.coverage(), c.killed, c.lived, c.timedOut, c.notCovered, c.notViable)
		if *perFile {
			sort.Strings(names)
			for _, n := range names {
				fc := files[n]
				fmt.Fprintf(w, "  %-24s %7.2f%% %7.2f%% %6d %6d %6d %6d %6d\n", n, fc.efficacy(), fc.coverage(), fc.killed, fc.lived, fc.timedOut, fc.notCovered, fc.notViable)
			}
		}
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

// logLine is a mutant as gremlins prints it: "      KILLED ARITHMETIC_BASE at
// frames.go:95:16".
var logLine = regexp.MustCompile(`^\s*(KILLED|LIVED|TIMED OUT|NOT COVERED|NOT VIABLE) (\S+) at (\S+):(\d+):(\d+)$`)

// parseLog reads the mutants a gremlins log reports.
func parseLog(text string) report {
	var r report
	index := map[string]int{}
	for _, line := range strings.Split(text, "\n") {
		m := logLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		i, ok := index[m[3]]
		if !ok {
			i = len(r.Files)
			index[m[3]] = i
			r.Files = append(r.Files, fileReport{Name: m[3]})
		}
		line, _ := strconv.Atoi(m[4])
		col, _ := strconv.Atoi(m[5])
		r.Files[i].Mutations = append(r.Files[i].Mutations, mutation{Type: m[2], Status: m[1], Line: line, Column: col})
	}
	return r
}
