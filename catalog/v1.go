package catalog

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// Format 1: a benchmark is a directory of files, one per target, each
// check written out in full (docs/catalog-format.md, "Format 1"). Custom
// catalogs of that format are still read.

// parseSectionV1 reads one format-1 target file.
func parseSectionV1(file string, data []byte, benchmark string) (*Section, error) {
	var raw rawSectionV1
	if err := decodeStrict(file, data, &raw); err != nil {
		return nil, err
	}
	bad := func(check, field, format string, args ...any) error {
		return &Error{File: file, Check: check, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case raw.Benchmark == "":
		return nil, bad("", "benchmark", "required")
	case raw.Benchmark != benchmark:
		return nil, bad("", "benchmark", "%q, but the catalog is %q", raw.Benchmark, benchmark)
	case !slices.Contains(Targets, raw.Target):
		return nil, bad("", "target", "%q: want one of %s", raw.Target, strings.Join(Targets, ", "))
	case !results.ValidID(raw.ID):
		return nil, bad("", "id", "%q: want a dotted number", raw.ID)
	case raw.Title == "":
		return nil, bad("", "title", "required")
	case raw.Component != "" && !slices.Contains(Components, raw.Component):
		return nil, bad("", "component", "unknown component %q", raw.Component)
	case len(raw.Groups) == 0:
		return nil, bad("", "groups", "no groups")
	}
	sec := &Section{Benchmark: raw.Benchmark, Target: raw.Target, ID: raw.ID, Title: raw.Title, File: file}
	lib := &Library{} // format 1 names no library checks
	for _, rg := range raw.Groups {
		if rg == nil {
			return nil, bad("", "groups", "an empty group")
		}
		// A section without subsections (etcd's "2") has one group of
		// the section's own id.
		if !results.ValidID(rg.ID) || rg.ID != raw.ID && !strings.HasPrefix(rg.ID, raw.ID+".") {
			return nil, bad("", "groups.id", "%q: want %s or a dotted number under it", rg.ID, raw.ID)
		}
		if rg.Title == "" {
			return nil, bad("", "groups.title", "group %s has no title", rg.ID)
		}
		if rg.Component != "" && !slices.Contains(Components, rg.Component) {
			return nil, bad("", "groups.component", "group %s: unknown component %q", rg.ID, rg.Component)
		}
		g := &Group{ID: rg.ID, Title: rg.Title}
		for _, rc := range rg.Checks {
			if rc == nil {
				return nil, bad("", "groups.checks", "group %s: an empty check", rg.ID)
			}
			if !results.ValidID(rc.ID) || !strings.HasPrefix(rc.ID, rg.ID+".") {
				return nil, bad(rc.ID, "id", "want a dotted number under group %s", rg.ID)
			}
			review, scored := rc.Review, rc.Scored
			e := &rawEntry{ID: rc.ID, Title: rc.Title, Assessment: rc.Assessment, Review: &review, Scored: &scored,
				Component: first(rc.Component, rg.Component, raw.Component), Test: rc.Test, Remediation: rc.Remediation, References: rc.References}
			if rc.Assessment == "" {
				return nil, bad(rc.ID, "assessment", `"": want automated or manual`)
			}
			if rc.Test == nil && !rc.Review {
				return nil, bad(rc.ID, "test", "required unless review is true")
			}
			c, err := resolveEntry(lib, file, e, raw.Target, rg.ID)
			if err != nil {
				return nil, err
			}
			g.Checks = append(g.Checks, c)
		}
		sort.SliceStable(g.Checks, func(i, j int) bool { return results.CompareIDs(g.Checks[i].ID, g.Checks[j].ID) < 0 })
		sec.Groups = append(sec.Groups, g)
	}
	sort.SliceStable(sec.Groups, func(i, j int) bool { return results.CompareIDs(sec.Groups[i].ID, sec.Groups[j].ID) < 0 })
	sec.view = sec.View()
	return sec, nil
}

// assembleV1 makes a catalog of format-1 target files.
func assembleV1(name, benchmark string, secs []*Section) (*Catalog, error) {
	cat := &Catalog{Benchmark: benchmark, Title: benchmark, Version: benchmark}
	ids := map[string]string{}
	for _, sec := range secs {
		for _, s := range cat.Sections {
			if s.Target == sec.Target {
				return nil, &Error{File: sec.File, Field: "target", Msg: fmt.Sprintf("%q is also the target of %s", sec.Target, s.File)}
			}
		}
		for _, g := range sec.Groups {
			for _, c := range g.Checks {
				if other, dup := ids[c.ID]; dup {
					return nil, &Error{File: sec.File, Check: c.ID, Field: "id", Msg: "duplicate id, also in " + other}
				}
				ids[c.ID] = sec.File
			}
		}
		cat.Sections = append(cat.Sections, sec)
	}
	sort.Slice(cat.Sections, func(i, j int) bool { return results.CompareIDs(cat.Sections[i].ID, cat.Sections[j].ID) < 0 })
	return cat, nil
}
