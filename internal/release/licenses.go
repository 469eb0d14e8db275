package release

import (
	"bytes"
	"debug/buildinfo"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

// licenceFile reports whether a file at a module's root is one of its
// licence or notice files.
func licenceFile(name string) bool {
	up := strings.ToUpper(name)
	for _, p := range []string{"LICENSE", "LICENCE", "COPYING", "NOTICE", "PATENTS"} {
		if strings.HasPrefix(up, p) {
			return true
		}
	}
	return false
}

// escapeModule is the module cache's spelling of a module path or
// version: each upper-case letter as "!" and its lower case.
func escapeModule(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Licences returns the licence files of everything linked into exe: Go's
// (from goroot) and each module's (from the module cache modcache), as
// archive files under licenses/: licenses/go/LICENSE,
// licenses/github.com/klauspost/compress/LICENSE. A linked module without
// a licence file is an error: a release does not ship code whose terms it
// cannot carry.
func Licences(exe []byte, goroot, modcache string) ([]File, error) {
	info, err := buildinfo.Read(bytes.NewReader(exe))
	if err != nil {
		return nil, err
	}
	var files []File
	add := func(dir, prefix string) (int, error) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return 0, err
		}
		n := 0
		for _, e := range entries {
			if !e.Type().IsRegular() || !licenceFile(e.Name()) {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				return 0, err
			}
			files = append(files, File{Name: path.Join("licenses", prefix, e.Name()), Data: data})
			n++
		}
		return n, nil
	}
	if n, err := add(goroot, "go"); err != nil || n == 0 {
		return nil, fmt.Errorf("no licence file of Go in %s (%v)", goroot, err)
	}
	for _, d := range info.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		dir := filepath.Join(modcache, filepath.FromSlash(escapeModule(d.Path))+"@"+escapeModule(d.Version))
		if n, err := add(dir, d.Path); err != nil || n == 0 {
			return nil, fmt.Errorf("no licence file of module %s %s in %s (%v)", d.Path, d.Version, dir, err)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}
