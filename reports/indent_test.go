package reports

import (
	"bytes"
	"encoding/json"
	"testing"
)

var indentSeeds = []string{
	`{}`, `[]`, `""`, `0`, `null`, `true`,
	`{"a":1}`, `[1,2,3]`, `{"a":{},"b":[],"c":[{}],"d":[[]]}`,
	`{"k":"a,b:c{d}[e]"}`, `{"q":"say \"hi\", {ok}"}`, `{"bs":"a\\","n":1}`,
	`{"u":"\u2028 \u00e9 é \\\" \\\\"}`, `[{"a":[1,{"b":[2,[3,{}]]}]},-1.5e+10]`,
	` { "spaced" : [ 1 , 2 ] } `,
}

// TestIndentJSON: the indenter gives, byte for byte, what json.Indent
// gives for the compact form of each input.
func TestIndentJSON(t *testing.T) {
	for _, s := range indentSeeds {
		checkIndent(t, []byte(s))
	}
}

func checkIndent(t *testing.T, in []byte) {
	t.Helper()
	var compact bytes.Buffer
	if err := json.Compact(&compact, in); err != nil {
		return // not JSON: the indenter is only given encoding/json's output
	}
	for _, prefix := range []string{"", "    "} {
		var want bytes.Buffer
		if err := json.Indent(&want, compact.Bytes(), prefix, "  "); err != nil {
			t.Fatal(err)
		}
		if got := indentJSON(nil, compact.Bytes(), prefix, "  "); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("indent %q (prefix %q):\n got %q\nwant %q", compact.Bytes(), prefix, got, want.Bytes())
		}
	}
}

func FuzzIndentJSON(f *testing.F) {
	for _, s := range indentSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkIndent(t, in) })
}
