package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"
)

// checkKeys refuses what encoding/json lets through and another JSON
// parser may read differently: an object with the same key twice ("last
// one wins" here, "first one wins" elsewhere), and a key that is not
// spelled exactly as a field of t ("FORMAT" is "format" to encoding/json,
// and an unknown key to a case-sensitive reader). data must already have
// decoded into t without error (so that its nesting follows t's). Objects
// of types that are not structs (maps, interfaces) are checked for
// duplicates only.
func checkKeys(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return walkKeys(dec, t, "")
}

func walkKeys(dec *json.Decoder, t reflect.Type, at string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key := kt.(string)
			where := strings.TrimPrefix(at+"."+key, ".")
			if seen[key] {
				return fmt.Errorf("key %q twice", where)
			}
			seen[key] = true
			var elem reflect.Type
			switch {
			case t == nil:
			case t.Kind() == reflect.Struct:
				f, ok := jsonField(t, key)
				if !ok {
					return fmt.Errorf("unknown key %q (keys are case-sensitive)", where)
				}
				elem = f.Type
			case t.Kind() == reflect.Map:
				elem = t.Elem()
			}
			if err := walkKeys(dec, elem, where); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walkKeys(dec, elem, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	return nil
}

// jsonField finds the field of struct t whose JSON name is exactly key.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// hasControl reports whether s holds a control character (C0, DEL, C1)
// or a character that reorders the text around it: where the format says
// a field cannot hold them, the reader refuses them, so that no report
// or terminal is ever handed one from such a field.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == 0x061c || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == unicode.ReplacementChar
	}) >= 0
}

// checkIdentifiers refuses control characters in the manifest's fields
// that name things rather than quote the node (docs/bundle-format.md §3):
// the host name, roles, components, runtimes, architecture, versions and
// the collector. Free text the node provides (the kernel's and the OS's
// descriptions, the user name, file paths) may hold anything, and every
// report escapes it.
func checkIdentifiers(m Manifest) error {
	h := m.Host
	fields := []struct {
		name string
		vals []string
	}{
		{"host.hostname", []string{h.Hostname}},
		{"host.architecture", []string{h.Architecture}},
		{"host.roles", h.Roles},
		{"host.components", h.Components},
		{"host.runtimes", h.Runtimes},
		{"collector", []string{m.Collector.Name, m.Collector.Version}},
		{"collection.mode", []string{m.Collection.Mode}},
	}
	for _, v := range h.Kubernetes {
		fields = append(fields, struct {
			name string
			vals []string
		}{"host.kubernetes", []string{v.Version, v.Component, v.Source}})
	}
	if sn := m.Snapshot; sn != nil {
		fields = append(fields, struct {
			name string
			vals []string
		}{"snapshot.cluster", []string{sn.Cluster}})
		for _, k := range append(slices.Clone(sn.Kinds), sn.Dropped...) {
			fields = append(fields, struct {
				name string
				vals []string
			}{"snapshot kinds", []string{k.Kind, k.Group}})
		}
	}
	for _, f := range fields {
		for _, v := range f.vals {
			if hasControl(v) {
				return fmt.Errorf("%s %q holds a control character", f.name, v)
			}
		}
	}
	return nil
}

// checkKind checks that the manifest's kind fits its format: formats 1 and
// 2 are node bundles, format 3 adds API snapshots, whose manifest says
// what they hold and lists each kind's member.
func checkKind(m Manifest) error {
	switch {
	case m.Format < 3 && (m.Kind != "" || m.Snapshot != nil):
		return fmt.Errorf("format %d has no bundle kinds, but kind %q is given", m.Format, m.Kind)
	case m.Format < 3:
		return nil
	case m.Kind != KindAPISnapshot:
		return fmt.Errorf("unknown bundle kind %q (this kubeproof knows %q)", m.Kind, KindAPISnapshot)
	case m.Snapshot == nil:
		return errors.New("an api-snapshot bundle without its snapshot description")
	}
	listed := make(map[string]bool, len(m.Members))
	for _, mem := range m.Members {
		listed[mem.Path] = true
	}
	for _, k := range m.Snapshot.Kinds {
		if k.Kind == "" || k.Count < 0 || len(k.Members) == 0 {
			return fmt.Errorf("snapshot kind %q without members", k.Kind)
		}
		for _, mem := range k.Members {
			if !strings.HasPrefix(mem, APIPrefix) || !listed[mem] {
				return fmt.Errorf("snapshot kind %q: member %q is not an API member of the bundle", k.Kind, mem)
			}
		}
	}
	return nil
}
