package redact

import (
	"slices"
	"testing"
)

// Tests of the line-oriented files (lines.go) to the byte: files that
// end without a line break or begin with an empty line, CRLF line ends,
// continuations, quotes and escapes at the edges of a line, comments,
// "export", and the count of redactions (issue 15, make mutate).

func TestLineFiles(t *testing.T) {
	const (
		env     = "/etc/default/x"
		kubelet = "/etc/default/kubelet"
		unit    = "/etc/systemd/system/k.service"
		flags   = "/var/snap/microk8s/current/args/kubelet"
	)
	for _, tt := range []struct {
		name, in, want string
		n              int
	}{
		// Line ends: none at the end of the file, an empty first line,
		// CRLF, a continuation that ends the file.
		{env, "A=1", "A=<redacted:1>", 1},
		{env, "PATH=/bin\nA=1", "PATH=/bin\nA=<redacted:1>", 1},
		{env, "\nA=1\n", "\nA=<redacted:1>\n", 1},
		{env, "\n\nA=1\n", "\n\nA=<redacted:1>\n", 1},
		{env, "# note\r\nA=1\r\n", "# <redacted:5>\r\nA=<redacted:1>\r\n", 2},
		{env, "A=1\\\nB=2\n", "A=<redacted:4>\n\n", 1}, // a continued word: A holds "1B=2"; the line keeps its number
		{env, "A=1\n# x\\\n", "A=<redacted:1>\n# <redacted:3>\n", 2},
		{env, "PATH=/bin\n  ", "PATH=/bin\n  ", 0},
		{env, "PATH=/bin\n#", "PATH=/bin\n#", 0},
		{env, "PATH=/bin\n  \t\n", "PATH=/bin\n  \t\n", 0},
		// Quotes and escapes.
		{env, "X='a\\b'\n", "X=<redacted:3>\n", 1},       // no escapes in single quotes
		{env, "X=\"a\\\"b\"\n", "X=<redacted:3>\n", 1},   // an escaped quote in double quotes
		{env, "X=\"a\\\nb\"\n", "X=<redacted:2>\n\n", 1}, // an escaped line break is removed
		{env, "X=\"unclosed\n", "<redacted:11>\n", 1},    // an unclosed quote: the rest is redacted
		{env, "X=\"unclosed", "<redacted:11>", 1},        // … also at the end of the file
		{env, "X=\"x\\", "<redacted:5>", 1},              // … after a backslash
		{env, "X='x", "<redacted:4>", 1},                 // … single
		{env, "X=a\\", "X=<redacted:1>", 1},              // a backslash escaping nothing
		{env, "\\#x=1\n", "\"#x=<redacted:1>\"\n", 1},    // an escaped "#" starts no comment
		{env, "PATH=/bin \\#x\n", "PATH=/bin <redacted:2>\n", 1},
		{env, "PATH=/bin \\\\x\n", "PATH=/bin <redacted:2>\n", 1},
		// Comments.
		{env, "  # secret note\nPATH=/bin\n", "  # <redacted:12>\nPATH=/bin\n", 1},
		{env, "\t# a\n", "\t# <redacted:2>\n", 1}, // the comment after its "#"
		{env, "# true\n#\n", "# true\n#\n", 0},    // harmless comments are kept
		{env, "PATH=/bin # note\n", "PATH=/bin # <redacted:5>\n", 1},
		{env, "PATH=/bin \"#\"x\n", "PATH=/bin <redacted:2>\n", 1}, // a quoted "#" starts no comment
		// export.
		{env, "export PATH=/bin\n", "export PATH=/bin\n", 0},
		{env, "  export PATH=/bin\n", "  export PATH=/bin\n", 0},
		{env, "export  X=\"x\n", "export  <redacted:4>\n", 1},
		{env, "export #x\n", "export <redacted:2>\n", 1},
		{env, "export ", "export ", 0},
		{env, "export   ", "export   ", 0},
		// Several words, and the variables that hold a component's
		// flags.
		{env, "PATH=/bin X=secret\n", "PATH=/bin X=<redacted:6>\n", 1},
		{env, "X=1 Y=22 PATH=/bin\n", "X=<redacted:1> Y=<redacted:2> PATH=/bin\n", 2},
		{env, "PATH=/bin word\n", "PATH=/bin <redacted:4>\n", 1},
		{env, "=x\n", "=<redacted:1>\n", 1},
		{env, "word\n", "<redacted:4>\n", 1},
		{env, "\"word\"\n", "<redacted:4>\n", 1},
		{env, "'A=1 2' B=3\n", "A=<redacted:3> B=<redacted:1>\n", 2},
		{env, "=x PATH=/bin\n", "=<redacted:1> PATH=/bin\n", 1},
		{kubelet, "KUBELET_ARGS=--v=2 --token=abc\n", "KUBELET_ARGS=--v=2 --token=<redacted:3>\n", 1},
		{kubelet, "KUBELET_ARGS=--token=abc\n", "KUBELET_ARGS=--token=<redacted:3>\n", 1},
		// An environment file names its variable bare; a value's
		// source is kept as it was, quoted or not.
		{kubelet, "KUBELET_ARGS=--a$b=abc\n", "KUBELET_ARGS=--a$b=<redacted:3>\n", 1},
		{kubelet, "KUBELET_ARGS=--a$b=abc --v=2\n", "KUBELET_ARGS=--a$b=<redacted:3> --v=2\n", 1},
		{kubelet, "KUBELET_ARGS=\"--v=2 --a$b=abc\"\n", "KUBELET_ARGS=\"--v=2 --a\\$b=<redacted:3>\"\n", 1},
		{env, "HTTP_PROXY=http://u:p@h/a;b\n", "HTTP_PROXY=http://<redacted:3>@h/a;b\n", 1},
		{env, "HTTP_PROXY='http://u:p@h/a b'\n", "HTTP_PROXY=\"http://<redacted:3>@h/a b\"\n", 1},
		{env, "\"HTTP_PROXY=http://u:p@h/a b\"\n", "HTTP_PROXY=\"http://<redacted:3>@h/a b\"\n", 1},
		// A lone backslash ending the file is a word of its own (an
		// escape of nothing): the line is read word by word, and a word
		// with no "=" is redacted.
		{kubelet, "KUBELET_ARGS=--v=2 --b \\\n", "KUBELET_ARGS=--v=2 <redacted:3> \\\n", 1},
		{kubelet, "KUBELET_ARGS=--v=2 --b\n", "KUBELET_ARGS=--v=2 --b\n", 0},
		// systemd units.
		{unit, "[Service]\nType=simple\n", "[Service]\nType=simple\n", 0},
		{unit, "=value\n", "=<redacted:5>\n", 1},
		{unit, "Foo= bar\n", "Foo= <redacted:3>\n", 1},
		{unit, "Foo=\t bar \n", "Foo=\t <redacted:3> \n", 1},
		{unit, "Type=", "Type=", 0},
		{unit, "Type= ", "Type= ", 0},
		{unit, "Documentation=https://h/?a=secret\n", "Documentation=https://h/?a=<redacted:6>\n", 1},
		{unit, "Documentation=https://h:1x,https://ok:1\n", "Documentation=<redacted:18>://ok:1\n", 1},
		{unit, "Documentation=https://u:p@h/?a=s\n", "Documentation=https://<redacted:3>@h/?a=<redacted:1>\n", 2},
		{unit, "Description=a\\\n  continued\n", "Description=<redacted:14>\n\n", 1},
		{unit, "garbage here\n", "<redacted:12>\n", 1},
		{unit, "True\n  \n", "True\n  \n", 0},
		{unit, "  ; note\n", "  ; <redacted:5>\n", 1},
		{unit, "Environment=\"A=1 2\" PATH=/bin\n", "Environment=A=<redacted:3> PATH=/bin\n", 1},
		{unit, "Environment=\"A=1\n", "Environment=<redacted:4>\n", 1},
		{unit, "ExecStart=/usr/bin/kubelet \"--token\n", "ExecStart=<redacted:25>\n", 1},
		{unit, "ExecStartPre=/bin/mkdir -p /var/lib/x ; /usr/bin/kubelet --v=2\n",
			"ExecStartPre=/bin/mkdir -p <redacted:10> ; /usr/bin/kubelet --v=2\n", 1},
		{unit, "ExecStartPre=/usr/bin/kubelet --v=2 ; /bin/mkdir -p /x\n",
			"ExecStartPre=/usr/bin/kubelet --v=2 ; /bin/mkdir -p <redacted:2>\n", 1},
		{unit, "ExecStart=/usr/bin/kubelet \";\" --v=2\n", "ExecStart=/usr/bin/kubelet <redacted:1> --v=2\n", 1},
		// A variable reference names a value redacted where it is defined.
		{unit, "ExecStart=/usr/bin/kubelet $KUBELET_ARGS ${A} \\$B \"$C\"\n", "ExecStart=/usr/bin/kubelet $KUBELET_ARGS ${A} <redacted:2> <redacted:2>\n", 2},
		{unit, "ExecStart=-$PROG $ARGS\n", "ExecStart=-$PROG $ARGS\n", 0},
		// Flag files.
		{flags, "--v=2 # note\n--token=x\n", "--v=2 # <redacted:5>\n--token=<redacted:1>\n", 2},
		{flags, "# all\n--v=2\n", "# <redacted:4>\n--v=2\n", 1},
		{flags, "--v=2 \"--token=x\n", "<redacted:16>\n", 1}, // an unclosed quote: the line is redacted
		{flags, "--v=2 \"#\" x\n", "--v=2 <redacted:1> <redacted:1>\n", 2},
		{flags, "--foo \\\n", "--foo \\\n", 0}, // an empty value is no value to hide
		{flags, "--foo x", "--foo <redacted:1>", 1},
	} {
		f := New(nil).File(tt.name, []byte(tt.in), Via{})
		if string(f.Data) != tt.want || f.Redactions != tt.n {
			t.Errorf("File(%s, %q)\n  = %q (%d redactions)\nwant %q (%d)", tt.name, tt.in, f.Data, f.Redactions, tt.want, tt.n)
		}
	}
}

func TestIsVarRef(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"$A", true}, {"$Z", true}, {"$a", true}, {"$z", true}, {"$_", true}, {"${A}", true}, {"${KUBELET_ARGS}", true},
		{"$A0", true}, {"$a9", true}, {"$_1", true}, {"$ABC_def_09", true},
		{"$", false}, {"", false}, {"A", false}, {"AB", false}, {"${}", false}, {"${A", false}, {"$0", false}, {"$9a", false},
		{"$@", false}, {"$[", false}, {"$`", false}, {"${", false}, {"$A/", false}, {"$A:", false}, {"$A-", false}, {"$A$", false},
		{"$A@", false}, {"$A[", false}, {"$A`", false}, {"$A{", false}, {"$Ä", false},
	} {
		if got := isVarRef(tt.v); got != tt.want {
			t.Errorf("isVarRef(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestLogicalLines: the spans of lines, continuations joined, line ends
// excluded.
func TestLogicalLines(t *testing.T) {
	for _, tt := range []struct {
		in   string
		join bool
		want []logicalLine
	}{
		{"", true, nil},
		{"a", true, []logicalLine{{0, 1}}},
		{"\n", true, []logicalLine{{0, 0}}},
		{"\na\n", true, []logicalLine{{0, 0}, {1, 2}}},
		{"a\r\nb\r\n", true, []logicalLine{{0, 1}, {3, 4}}},
		{"\r\n", true, []logicalLine{{0, 0}}},
		{"a\\\nb\n", true, []logicalLine{{0, 4}}},
		{"a\\\nb\n", false, []logicalLine{{0, 2}, {3, 4}}},
		{"a\\\r\nb", true, []logicalLine{{0, 5}}},
		{"a\\\n", true, []logicalLine{{0, 2}}},
		{"a\\", true, []logicalLine{{0, 2}}},
		{"\\\n\\\n", true, []logicalLine{{0, 3}}},
	} {
		if got := logicalLines([]byte(tt.in), tt.join); !slices.Equal(got, tt.want) {
			t.Errorf("logicalLines(%q, %v) = %v, want %v", tt.in, tt.join, got, tt.want)
		}
	}
}

// TestSplitWords: words, their spans and values, as systemd and the
// shell read them.
func TestSplitWords(t *testing.T) {
	type w struct {
		s, e int
		v    string
		q    bool
	}
	for _, tt := range []struct {
		in   string
		want []w
		ok   bool
	}{
		{"a b", []w{{0, 1, "a", false}, {2, 3, "b", false}}, true},
		{" \ta\t ", []w{{2, 3, "a", false}}, true},
		{"a \\\nb", []w{{0, 1, "a", false}, {4, 5, "b", false}}, true},
		{"a \\\r\nb", []w{{0, 1, "a", false}, {5, 6, "b", false}}, true},
		{"\\x", []w{{0, 2, "x", true}}, true},
		{"a\\", []w{{0, 2, "a", true}}, true},
		{"a \\", []w{{0, 1, "a", false}, {2, 3, "", true}}, true},
		{"\"a b\"c", []w{{0, 6, "a bc", true}}, true},
		{"'a\\b'", []w{{0, 5, "a\\b", true}}, true},
		{"\"a\\\"b\"", []w{{0, 6, "a\"b", true}}, true},
		{"\"a\\\\\"", []w{{0, 5, "a\\", true}}, true},
		{"\"a\\\nb\"", []w{{0, 6, "ab", true}}, true},
		{"\"a", nil, false},
		{"x \"a\\", []w{{0, 1, "x", false}}, false},
		{"'a", nil, false},
	} {
		ws, ok := splitWords([]byte(tt.in), 0, len(tt.in))
		var got []w
		for _, x := range ws {
			got = append(got, w{x.start, x.end, x.value, x.quoted})
		}
		if !slices.Equal(got, tt.want) || ok != tt.ok {
			t.Errorf("splitWords(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestArgvEmptyValue: an empty argument after an unknown flag hides
// nothing and is not counted.
func TestArgvEmptyValue(t *testing.T) {
	in := []string{"/usr/bin/kubelet", "--no-such-flag", "", "--other", "x"}
	want := []string{"/usr/bin/kubelet", "--no-such-flag", "", "--other", "<redacted:1>"}
	if got, n := New(nil).Argv("kubelet", in); !slices.Equal(got, want) || n != 1 {
		t.Errorf("Argv = %q (%d), want %q (1)", got, n, want)
	}
}
