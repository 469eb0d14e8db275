package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// row is one flag of one component, as the table of flags gives it.
type row struct {
	component, flag string
	// types are every Value type the flag had over the versions sampled
	// (pflag's Value.Type(), etcd's Go type, urfave/cli's flag struct);
	// a shorthand has the single type "shorthand:LONG".
	types       []string
	first, last string // the first and last version that has it
	method      string // how it was found (compiled dump, source scan, …)
	// hints are the words of secretUsage that its usage text holds. The
	// committed table keeps these, not the text.
	hints []string
}

// columns are those of the committed (trimmed) table, in order.
var columns = []string{"component", "flag", "types", "first", "last", "method", "hints"}

// secretUsage finds what in a flag's usage text suggests that its value
// is a secret.
var secretUsage = regexp.MustCompile(`(?i)passw|secret|token|credential|private key|api key|access key|bearer`)

// readRows reads a table of flags: the committed one (columns above), or
// a full one with the columns type, type_history and usage, which it
// trims to what the generator needs.
func readRows(r io.Reader) ([]row, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("empty table")
	}
	col := map[string]int{}
	for i, name := range strings.Split(sc.Text(), "\t") {
		col[name] = i
	}
	for _, need := range []string{"component", "flag", "first", "last", "method"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("no column %q", need)
		}
	}
	_, trimmed := col["types"]
	if _, full := col["type"]; !trimmed && !full {
		return nil, fmt.Errorf(`no column "types" or "type"`)
	}
	var rows []row
	line := 1
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if len(f) != len(col) {
			return nil, fmt.Errorf("line %d: %d fields, want %d", line, len(f), len(col))
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return f[i]
			}
			return ""
		}
		r := row{component: get("component"), flag: get("flag"), first: get("first"), last: get("last"), method: get("method")}
		if trimmed {
			r.types = splitList(get("types"), ";")
			r.hints = splitList(get("hints"), ",")
		} else {
			r.types = []string{get("type")}
			// "mapStringBool@1.15.12..1.30.14;colonSeparated…@1.34.12..1.37.2"
			for _, h := range splitList(get("type_history"), ";") {
				t, _, _ := strings.Cut(h, "@")
				if !slices.Contains(r.types, t) {
					r.types = append(r.types, t)
				}
			}
			for _, w := range secretUsage.FindAllString(get("usage"), -1) {
				if w = strings.ToLower(w); !slices.Contains(r.hints, w) {
					r.hints = append(r.hints, w)
				}
			}
			slices.Sort(r.hints)
		}
		if r.component == "" || r.flag == "" || len(r.types) == 0 {
			return nil, fmt.Errorf("line %d: no component, flag or type", line)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

func splitList(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}

// writeRows writes the committed table.
func writeRows(w io.Writer, rows []row) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, strings.Join(columns, "\t"))
	for _, r := range rows {
		fmt.Fprintln(bw, strings.Join([]string{r.component, r.flag, strings.Join(r.types, ";"),
			r.first, r.last, r.method, strings.Join(r.hints, ",")}, "\t"))
	}
	return bw.Flush()
}
