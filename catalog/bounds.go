package catalog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"
)

// Bounds of a catalog (a --checks-dir is input like any other: it may be
// a typo away from what was meant, or written by someone else). The
// embedded catalog files are under 50 KB, with titles under 110 bytes and
// remediations under 500.
const (
	MaxCatalogFileSize = 1 << 20 // bytes of one catalog file
	maxCatalogDirSize  = 8 << 20 // bytes of all the catalog files of a directory
	maxCatalogFiles    = 64      // *.yaml files in a directory
	// maxExpandedSize bounds a file's YAML with every alias expanded:
	// one large scalar aliased a thousand times must be refused before
	// it is expanded, not after.
	maxExpandedSize = 2 * MaxCatalogFileSize
	maxTitleLen     = 512      // a section's, group's or check's title
	maxTextLen      = 16 << 10 // a remediation, a reference, any other string
	maxIDLen        = 32
)

// dirFS is os.DirFS for catalog directories, opening with O_NONBLOCK: a
// FIFO named *.yaml (or a link to one) would otherwise block the loader
// until something writes to it. readCatalogFile refuses it by what the
// open file is.
type dirFS string

func (d dirFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := os.OpenFile(filepath.Join(string(d), filepath.FromSlash(name)), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// readCatalogFile reads one catalog file within the bounds: a regular
// file of at most MaxCatalogFileSize bytes, and at most *budget bytes
// over all the files of the catalog (which it lowers).
func readCatalogFile(fsys fs.FS, name, file string, budget *int64) ([]byte, error) {
	bad := func(format string, args ...any) error {
		return &Error{File: file, Msg: fmt.Sprintf(format, args...)}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, bad("%v", bareError(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, bad("%v", bareError(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, bad("not a regular file (%s); a catalog file is a regular file", describeFileMode(fi.Mode()))
	}
	limit := min(int64(MaxCatalogFileSize), *budget)
	if fi.Size() > limit {
		return nil, bad("%d bytes, over the limit of %d for a catalog file (%d for a whole catalog)", fi.Size(), MaxCatalogFileSize, maxCatalogDirSize)
	}
	// The size may lie (a file that grows, a link into /proc): read no
	// more than the limit whatever it says.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, bad("%v", bareError(err))
	}
	if int64(len(data)) > limit {
		return nil, bad("over the limit of %d bytes for a catalog file (%d for a whole catalog)", MaxCatalogFileSize, maxCatalogDirSize)
	}
	*budget -= int64(len(data))
	return data, nil
}

func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func describeFileMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m.IsDir():
		return "a directory"
	}
	return m.String()
}

// checkExpansion refuses YAML whose aliases expand past maxExpandedSize,
// measured on the parsed tree (where an alias is a pointer, not a copy)
// before anything expands them. Parse errors are left to the decoder.
func checkExpansion(file string, data []byte) error {
	if len(data) > MaxCatalogFileSize {
		return &Error{File: file, Msg: fmt.Sprintf("over the limit of %d bytes for a catalog file", MaxCatalogFileSize)}
	}
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(data, &doc); err != nil {
		return nil
	}
	sizes := map[*yamlv3.Node]int64{}
	const busy = -1
	var size func(n *yamlv3.Node) int64
	size = func(n *yamlv3.Node) int64 {
		if n == nil {
			return 0
		}
		if s, ok := sizes[n]; ok {
			if s == busy { // an alias inside its own anchor
				return maxExpandedSize + 1
			}
			return s
		}
		sizes[n] = busy
		s := int64(len(n.Value)) + 1
		if n.Kind == yamlv3.AliasNode {
			s = size(n.Alias)
		}
		for _, c := range n.Content {
			if s += size(c); s > maxExpandedSize {
				break
			}
		}
		s = min(s, maxExpandedSize+1)
		sizes[n] = s
		return s
	}
	if size(&doc) > maxExpandedSize {
		return &Error{File: file, Msg: fmt.Sprintf("aliases expand to more than %d bytes", maxExpandedSize)}
	}
	return nil
}

// checkLengths bounds every string of a catalog: a catalog is printed
// in every report, and a 100 MB title must not be.
func (cat *Catalog) checkLengths() error {
	long := func(file, check, field string, v string, max int) error {
		if len(v) <= max {
			return nil
		}
		return &Error{File: file, Check: check, Field: field, Msg: fmt.Sprintf("%d bytes, over the limit of %d", len(v), max)}
	}
	for _, s := range cat.Sections {
		errs := []error{long(s.File, "", "id", s.ID, maxIDLen), long(s.File, "", "title", s.Title, maxTitleLen), long(s.File, "", "benchmark", s.Benchmark, maxIDLen)}
		for _, g := range s.Groups {
			errs = append(errs, long(s.File, "", "groups.id", g.ID, maxIDLen), long(s.File, g.ID, "groups.title", g.Title, maxTitleLen))
			for _, c := range g.Checks {
				errs = append(errs, long(s.File, "", "id", c.ID, maxIDLen), long(s.File, c.ID, "title", c.Title, maxTitleLen),
					long(s.File, c.ID, "remediation", c.Remediation, maxTextLen))
				if len(c.References) > 100 {
					errs = append(errs, &Error{File: s.File, Check: c.ID, Field: "references", Msg: fmt.Sprintf("%d references, over the limit of 100", len(c.References))})
				}
				for _, r := range c.References {
					errs = append(errs, long(s.File, c.ID, "references", r, maxTextLen))
				}
				errs = append(errs, c.Test.checkLengths(s.File, c.ID, "test"))
			}
		}
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *Test) checkLengths(file, check, field string) error {
	if t == nil {
		return nil
	}
	if l := t.Leaf; l != nil {
		vals := []string{l.Component, string(l.Op), l.Value, l.Absent}
		switch e := l.Evidence.(type) {
		case *Setting:
			vals = append(vals, e.Flag, e.Field, e.Env)
		case *Feature:
			vals = append(vals, e.Name)
		case *Field:
			vals = append(vals, e.Path, e.File.Flag, e.File.Field)
		case *Files:
			vals = append(vals, e.Default, e.Under, e.Name)
			vals = append(vals, e.Paths...)
			for _, st := range []*Setting{e.Setting, e.UnderSetting} {
				if st != nil {
					vals = append(vals, st.Flag, st.Field, st.Env)
				}
			}
		}
		for _, v := range vals {
			if len(v) > maxTextLen {
				return &Error{File: file, Check: check, Field: field, Msg: fmt.Sprintf("a value of %d bytes, over the limit of %d", len(v), maxTextLen)}
			}
		}
	}
	for i, sub := range append(append([]*Test{}, t.All...), t.Any...) {
		if err := sub.checkLengths(file, check, fmt.Sprintf("%s[%d]", field, i)); err != nil {
			return err
		}
	}
	return nil
}
