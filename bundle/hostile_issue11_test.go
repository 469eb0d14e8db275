package bundle_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/kubeproof/kubeproof/bundle"
)

// editedManifest is the sample bundle with its manifest's bytes edited:
// each manifest case of issue 11 is a document another JSON parser may
// read differently from encoding/json.
func editedManifest(edit func(m []byte) []byte) func(t testing.TB) []byte {
	return func(t testing.TB) []byte {
		ents := sampleEntries(t)
		m := edit(sampleManifestBytes(t, bundle.NodeFormat, ents))
		return zstdFrame(t, tarOf(t, append([]entry{file(bundle.ManifestPath, m)}, ents...)...))
	}
}

func replaceOnce(old, new string) func([]byte) []byte {
	return func(m []byte) []byte {
		if !bytes.Contains(m, []byte(old)) {
			panic("the sample manifest has no " + old)
		}
		return bytes.Replace(m, []byte(old), []byte(new), 1)
	}
}

func init() {
	hostiles = append(hostiles,
		hostile{
			// encoding/json matches keys without regard to case.
			file:  "manifest-key-case.kpb",
			build: editedManifest(replaceOnce(`"format":`, `"FORMAT":`)),
			is:    []error{bundle.ErrFormat}, msg: `unknown key "FORMAT" (keys are case-sensitive)`,
		},
		hostile{
			// Last one wins in encoding/json, the first in other parsers.
			file:  "manifest-duplicate-key.kpb",
			build: editedManifest(replaceOnce(`"format": 2,`, `"format": 2, "format": 1,`)),
			is:    []error{bundle.ErrFormat}, msg: `key "format" twice`,
		},
		hostile{
			file:  "manifest-duplicate-key-case.kpb",
			build: editedManifest(replaceOnce(`"format": 2,`, `"format": 2, "Format": 1,`)),
			is:    []error{bundle.ErrFormat}, msg: `unknown key "Format" (keys are case-sensitive)`,
		},
		hostile{
			// A second members list, empty: the members this reader
			// would not check.
			file:  "manifest-two-member-lists.kpb",
			build: editedManifest(replaceOnce(`"members": [`, `"members": [], "members": [`)),
			is:    []error{bundle.ErrFormat}, msg: `key "members" twice`,
		},
		hostile{
			file:  "manifest-nested-duplicate.kpb",
			build: editedManifest(replaceOnce(`"hostname": `, `"hostname": "other", "hostname": `)),
			is:    []error{bundle.ErrFormat}, msg: `key "host.hostname" twice`,
		},
		hostile{
			// A host name that clears the screen and forges a verdict line.
			file:  "manifest-control-hostname.kpb",
			build: editedManifest(replaceOnce(`"hostname": "`, `"hostname": "\u001b[2J\n[PASS] 1.1.1 forged `)),
			is:    []error{bundle.ErrFormat}, msg: `host.hostname "\x1b[2J\n[PASS] 1.1.1 forged`,
		},
	)
}

// FuzzManifestStrict (issue 11): every manifest ParseManifest accepts
// reads the same to any JSON parser. Checked independently of the reader:
// a first-key-wins decoding equals encoding/json's last-key-wins one, and
// every key at every depth is spelled exactly as a field of Manifest. An
// accepted host name holds no control character.
func FuzzManifestStrict(f *testing.F) {
	seeds := seedManifests(f)
	for _, s := range seeds {
		f.Add(s)
	}
	for _, h := range hostiles {
		if len(h.file) > 9 && h.file[:9] == "manifest-" {
			raw, err := decompress(readTestdata(f, filepath.Join(hostileDir, h.file)))
			if err != nil {
				continue
			}
			if name, body := firstMember(f, raw); name == bundle.ManifestPath {
				f.Add(body)
			}
		}
	}
	f.Add([]byte(`{"format":2,"format":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := bundle.ParseManifest(data, bundle.Limits{})
		if err != nil {
			// Refused: the refusal is one of the reader's typed errors.
			checkProblems(t, &bundle.VerifyError{Problems: []error{err}})
			return
		}
		var last any
		if err := json.Unmarshal(data, &last); err != nil {
			t.Fatalf("accepted, but not JSON: %v", err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		first, err := firstWins(dec)
		if err != nil {
			t.Fatal(err)
		}
		var lastN any
		dn := json.NewDecoder(bytes.NewReader(data))
		dn.UseNumber()
		dn.Decode(&lastN)
		if !reflect.DeepEqual(first, lastN) {
			t.Fatalf("a first-key-wins parser reads another manifest:\n%v\n%v", first, lastN)
		}
		if where := inexactKey(last, reflect.TypeFor[bundle.Manifest](), ""); where != "" {
			t.Fatalf("accepted the key %q, not spelled as any field", where)
		}
		if strings.ContainsFunc(m.Host.Hostname, unicode.IsControl) {
			t.Fatalf("accepted the host name %q", m.Host.Hostname)
		}
	})
}

// firstWins decodes a JSON value keeping the first of duplicate keys.
func firstWins(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		m := map[string]any{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := firstWins(dec)
			if err != nil {
				return nil, err
			}
			if _, dup := m[k.(string)]; !dup {
				m[k.(string)] = v
			}
		}
		_, err := dec.Token()
		return m, err
	case json.Delim('['):
		l := []any{}
		for dec.More() {
			v, err := firstWins(dec)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		_, err := dec.Token()
		return l, err
	}
	return tok, nil
}

// inexactKey returns the path of the first key of v that is not exactly
// the JSON name of a field of t.
func inexactKey(v any, t reflect.Type, at string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := v.(type) {
	case []any:
		if t.Kind() != reflect.Slice {
			return ""
		}
		for _, e := range v {
			if w := inexactKey(e, t.Elem(), at+"[]"); w != "" {
				return w
			}
		}
	case map[string]any:
		if t.Kind() != reflect.Struct {
			return ""
		}
	keys:
		for k, e := range v {
			for i := range t.NumField() {
				if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name == k {
					if w := inexactKey(e, t.Field(i).Type, at+"."+k); w != "" {
						return w
					}
					continue keys
				}
			}
			return at + "." + k
		}
	}
	return ""
}
