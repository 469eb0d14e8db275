// Package waivers reads a waivers file — risk acceptances an auditor
// signs off: which checks on which nodes, why, who approved, under which
// ticket and until when — and applies it to a report.
//
// A waiver covers FAIL and WARN results only. Reports show a covered
// result as WAIVED, counted apart and never as a PASS; the verdict itself
// (Result.Status) is unchanged, so the JSON keeps kube-bench's status. A
// waiver whose expiry date is before the report's date no longer covers
// anything, and the reports say it expired. The file is read strictly:
// an unknown field, a missing one or a value of the wrong shape is an
// error that names its line.
package waivers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/kubeproof/kubeproof/results"
)

// File is a parsed waivers file.
type File struct {
	Name    string
	Digest  results.Digest
	Waivers []results.Waiver
}

// Error is a malformed waivers file: the file, the line (0 when the
// whole file is at fault) and what is wrong.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// MaxSize bounds a waivers file: a file of risk acceptances written by
// people is far smaller.
const MaxSize = 4 << 20

// Roles a waiver may select, and the node roles (as bundles record them)
// each one means.
var roleAliases = map[string]string{
	"master": "master", "control-plane": "master", "controlplane": "master",
	"etcd": "etcd",
	"node": "node", "worker": "node",
	"cluster": results.ScopeCluster,
}

const dateLayout = "2006-01-02"

// Parse reads a waivers file named name:
//
//	waivers:
//	  - check: "1.2.21"          # a check or group id, or a check's library name
//	    nodes: ["cp-*"]          # host names or globs ("*": all), and/or
//	    roles: [master]          # master, etcd, node (worker), cluster
//	    benchmark: cis-1.6       # optional: only on nodes analyzed against it (a glob)
//	    justification: "…"
//	    approver: "j.doe"
//	    ticket: "SEC-1234"       # optional
//	    expires: 2027-06-30      # the last day it holds
//
// A waiver with both nodes and roles selects the nodes that match both.
func Parse(name string, data []byte) (*File, error) {
	fail := func(line int, format string, args ...any) error {
		return &Error{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) > MaxSize {
		return nil, fail(0, "%d bytes, more than the %d a waivers file may have", len(data), MaxSize)
	}
	var doc yamlv3.Node
	dec := yamlv3.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, yamlError(name, err)
	}
	var extra yamlv3.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, fail(extra.Line, "a second YAML document; a waivers file is one document")
	}
	root := &doc
	if root.Kind == yamlv3.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yamlv3.MappingNode {
		return nil, fail(root.Line, "want a mapping with a waivers list at the top")
	}
	var list *yamlv3.Node
	if err := fields(name, root, func(key, val *yamlv3.Node) error {
		if key.Value != "waivers" {
			return fail(key.Line, "unknown field %q at the top (want waivers)", key.Value)
		}
		list = val
		return nil
	}); err != nil {
		return nil, err
	}
	if list == nil {
		return nil, fail(root.Line, "no waivers list")
	}
	if list.Kind != yamlv3.SequenceNode {
		return nil, fail(list.Line, "waivers: want a list")
	}
	f := &File{Name: name}
	sum := sha256.Sum256(data)
	f.Digest = results.Digest(hex.EncodeToString(sum[:]))
	for _, item := range list.Content {
		w, err := parseWaiver(name, item)
		if err != nil {
			return nil, err
		}
		f.Waivers = append(f.Waivers, w)
	}
	return f, nil
}

// yamlError turns a YAML syntax error into an Error with its line.
func yamlError(name string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		var n int
		if _, e := fmt.Sscanf(rest, "%d:", &n); e == nil {
			line = n
			_, msg, _ = strings.Cut(rest, ": ")
		}
	}
	if errors.Is(err, io.EOF) {
		msg = "empty file; want a waivers list"
	}
	return &Error{File: name, Line: line, Msg: "not valid YAML: " + msg}
}

// fields calls fn for each key and value of mapping m, refusing a key
// given twice and a key that is not a string.
func fields(name string, m *yamlv3.Node, fn func(key, val *yamlv3.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yamlv3.ScalarNode {
			return &Error{File: name, Line: k.Line, Msg: "a key that is not a name"}
		}
		if seen[k.Value] {
			return &Error{File: name, Line: k.Line, Msg: fmt.Sprintf("%q given twice", k.Value)}
		}
		seen[k.Value] = true
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

func parseWaiver(name string, item *yamlv3.Node) (results.Waiver, error) {
	w := results.Waiver{Line: item.Line}
	fail := func(line int, format string, args ...any) error {
		return &Error{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if item.Kind != yamlv3.MappingNode {
		return w, fail(item.Line, "a waiver must be a mapping of check, nodes or roles, justification, approver, ticket, expires")
	}
	str := func(k, v *yamlv3.Node) (string, error) {
		if v.Kind != yamlv3.ScalarNode || v.Tag == "!!null" {
			return "", fail(v.Line, "%s: want a text", k.Value)
		}
		return strings.TrimSpace(v.Value), nil
	}
	list := func(k, v *yamlv3.Node) ([]string, error) {
		if v.Kind == yamlv3.ScalarNode && v.Tag != "!!null" {
			return []string{strings.TrimSpace(v.Value)}, nil
		}
		if v.Kind != yamlv3.SequenceNode {
			return nil, fail(v.Line, "%s: want a list of texts", k.Value)
		}
		if len(v.Content) == 0 {
			return nil, fail(v.Line, "%s: an empty list selects nothing", k.Value)
		}
		var out []string
		for _, e := range v.Content {
			if e.Kind != yamlv3.ScalarNode || strings.TrimSpace(e.Value) == "" {
				return nil, fail(e.Line, "%s: want a list of texts", k.Value)
			}
			out = append(out, strings.TrimSpace(e.Value))
		}
		return out, nil
	}
	err := fields(name, item, func(k, v *yamlv3.Node) error {
		var err error
		switch k.Value {
		case "check":
			if w.Check, err = str(k, v); err == nil && !validCheck(w.Check) {
				err = fail(v.Line, "check %q: want a check or group id (1.2.21, 1.2) or a check's library name (apiserver-profiling)", w.Check)
			}
		case "nodes":
			if w.Nodes, err = list(k, v); err == nil {
				for _, g := range w.Nodes {
					if _, e := path.Match(g, ""); e != nil {
						return fail(v.Line, "nodes: %q is not a valid glob", g)
					}
				}
			}
		case "roles":
			if w.Roles, err = list(k, v); err == nil {
				for i, r := range w.Roles {
					role, ok := roleAliases[strings.ToLower(r)]
					if !ok {
						return fail(v.Line, "roles: %q is not a role (want master, etcd, node, worker or cluster)", r)
					}
					w.Roles[i] = role
				}
			}
		case "benchmark":
			if w.Benchmark, err = str(k, v); err == nil {
				if _, e := path.Match(w.Benchmark, ""); e != nil || w.Benchmark == "" {
					err = fail(v.Line, "benchmark: %q is not a benchmark name or glob", w.Benchmark)
				}
			}
		case "justification":
			w.Justification, err = str(k, v)
		case "approver":
			w.Approver, err = str(k, v)
		case "ticket":
			w.Ticket, err = str(k, v)
		case "expires":
			if w.Expires, err = str(k, v); err == nil {
				if _, e := time.Parse(dateLayout, w.Expires); e != nil {
					err = fail(v.Line, "expires: %q is not a date (want YYYY-MM-DD)", w.Expires)
				}
			}
		default:
			err = fail(k.Line, "unknown field %q (want check, nodes, roles, benchmark, justification, approver, ticket, expires)", k.Value)
		}
		return err
	})
	if err != nil {
		return w, err
	}
	missing := func(field string) error {
		return fail(item.Line, "waiver without %s", field)
	}
	switch {
	case w.Check == "":
		return w, missing("check")
	case len(w.Nodes) == 0 && len(w.Roles) == 0:
		return w, fail(item.Line, "waiver of %s selects no node: give nodes (names or globs; [\"*\"] for all) or roles", w.Check)
	case w.Justification == "":
		return w, missing("justification")
	case w.Approver == "":
		return w, missing("approver")
	case w.Expires == "":
		return w, missing("expires (a waiver without an end date is not a risk acceptance)")
	}
	return w, nil
}

// validCheck accepts a dotted id or a library name (lowercase letters,
// digits and dashes).
func validCheck(s string) bool {
	if results.ValidID(s) {
		return true
	}
	if s == "" || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// Apply sets the waivers of f on rep's FAIL and WARN results, as of the
// report's date; recounts the totals; records the file in rep.Waivers and
// adds a warning for every waiver that matches nothing, waives nothing or
// has expired while covering results. Where several waivers select one
// result, the first in the file that has not expired covers it (or, if all
// have expired, the first, so that the report says it expired).
func Apply(rep *results.Report, f *File) {
	day := rep.ReportTime.UTC().Format(dateLayout)
	set := &results.WaiverSet{File: f.Name, Digest: f.Digest}
	for _, w := range f.Waivers {
		w.Expired = w.Expires < day // both are YYYY-MM-DD
		set.Entries = append(set.Entries, results.WaiverEntry{Waiver: w})
	}
	for _, scopes := range [][]results.NodeResult{rep.Nodes, rep.Clusters} {
		for si := range scopes {
			n := &scopes[si]
			var sel []int // the entries that select this node
			for i := range set.Entries {
				if selectsNode(&set.Entries[i].Waiver, n) {
					sel = append(sel, i)
				}
			}
			if len(sel) == 0 {
				continue
			}
			for ti := range n.Targets {
				tr := &n.Targets[ti]
				for ri := range tr.Results {
					applyTo(&tr.Results[ri], set, sel)
				}
			}
		}
	}
	for _, e := range set.Entries {
		w := e.Waiver
		at := fmt.Sprintf("waiver %s:%d (check %s%s)", f.Name, w.Line, w.Check, ticket(w))
		switch {
		case e.Matched == 0:
			rep.Warnings = append(rep.Warnings, at+" matches no result: no node of the report has that check")
		case e.Applied == 0:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s waives nothing: the %d results it selects neither fail nor warn", at, e.Matched))
		case w.Expired:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s expired %s: the %d results it covered are shown as they are", at, w.Expires, e.Applied))
		}
	}
	rep.Waivers = set
	rep.Recount()
}

func ticket(w results.Waiver) string {
	if w.Ticket == "" {
		return ""
	}
	return ", " + w.Ticket
}

// applyTo covers r with the first entry of sel that selects its check.
func applyTo(r *results.Result, set *results.WaiverSet, sel []int) {
	if r.Check == nil {
		return
	}
	chosen := -1
	for _, i := range sel {
		e := &set.Entries[i]
		if !selectsCheck(e.Waiver.Check, r.Check) {
			continue
		}
		e.Matched++
		if r.Status != results.Fail && r.Status != results.Warn {
			continue
		}
		if chosen < 0 || set.Entries[chosen].Waiver.Expired && !e.Waiver.Expired {
			chosen = i
		}
	}
	if chosen < 0 {
		return
	}
	set.Entries[chosen].Applied++
	w := set.Entries[chosen].Waiver
	r.Waiver = &w
}

// selectsCheck: the waiver's check is the check's id, a group or section
// id above it, or its library name.
func selectsCheck(sel string, c *results.Check) bool {
	return sel == c.ID || sel == c.Name || strings.HasPrefix(c.ID, sel+".")
}

// selectsNode: the node's name matches one of the globs (if given), it
// has one of the roles (if given), and its benchmark matches (if given).
func selectsNode(w *results.Waiver, n *results.NodeResult) bool {
	if w.Benchmark != "" {
		if ok, _ := path.Match(w.Benchmark, n.Benchmark); !ok {
			return false
		}
	}
	if len(w.Nodes) > 0 && !slices.ContainsFunc(w.Nodes, func(g string) bool {
		ok, _ := path.Match(g, n.Node)
		return ok
	}) {
		return false
	}
	if len(w.Roles) > 0 {
		roles := n.Bundle.Host.Roles
		if n.IsCluster() {
			roles = []string{results.ScopeCluster}
		}
		if !slices.ContainsFunc(w.Roles, func(r string) bool { return slices.Contains(roles, r) }) {
			return false
		}
	}
	return true
}
