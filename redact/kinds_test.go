package redact

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
)

// Tests of the value classifiers of kinds.go at the edges of their
// classes: the first and last character of a range, the longest value
// accepted, the alignments of base64 text (issue 15, make mutate).

func TestIsNumber(t *testing.T) {
	digits40 := strings.Repeat("1234567890", 4)
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"0", true}, {"9", true}, {"09", true}, {"90", true}, {"-9", true}, {"+9", true},
		{"1_000", true}, {".5", true}, {"9.", true}, {"._", false}, {"", false}, {"-", false},
		{digits40, true}, {"-" + digits40, true}, {digits40 + "1", false}, {digits40[:39] + "%", true},
		{"/9", false}, {":9", false}, {"9/", false}, {"9:", false}, // the bytes either side of '0'..'9'
		{"1e5", true}, {"1E5", true}, {"1e+5", true}, {"1E-05", true}, {"9e9", true},
		{"1x5", false}, {"1d5", false}, {"1F5", false}, {"1e", false}, {"1E+", false}, {"1e5x", false}, {"1E5.5", false},
		{"0x1F", true}, {"0X9a", true}, {"0x", false}, {"0xg", false},
		{"128Mi", true}, {"9Ki", true}, {"100m", true}, {"1.5G", true}, {"5%", true}, {"9mi", false}, {"9 Mi", false},
	} {
		if got := isNumber(tt.v); got != tt.want {
			t.Errorf("isNumber(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestIsDuration(t *testing.T) {
	long := strings.Repeat("1", 39) + "s" // 40 bytes: the longest accepted
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"0s", true}, {"9s", true}, {"90s", true}, {"1.5h", true}, {"-1.5h", true}, {"+3m", true},
		{"1h9m", true}, {"1h0m", true}, {"9h9m9s", true}, {"1m.5s", true},
		{"1h30m", true}, {"300ms", true}, {"1us", true}, {"1µs", true}, {"1μs", true}, {"1ns", true},
		{long, true}, {"-" + long, true}, {"1" + long, false},
		{"", false}, {"-", false}, {"s", false}, {"1", false}, {"1d", false}, {"1h/", false}, {"1h:", false},
		{"/1s", false}, {":1s", false}, {"1s1", false}, {"1 s", false}, {"1sm", false},
	} {
		if got := isDuration(tt.v); got != tt.want {
			t.Errorf("isDuration(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestIsB64: the base64 alphabet and its padding, and nothing else.
func TestIsB64(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
	for c := 0; c < 256; c++ {
		if got, want := isB64(byte(c)), strings.IndexByte(alphabet, byte(c)) >= 0; got != want {
			t.Errorf("isB64(%q) = %v, want %v", byte(c), got, want)
		}
	}
}

// TestB64Alignments: one string per alignment of the word in a 3-byte
// group, each found in the base64 of the word whatever precedes and
// follows it; an alignment whose fixed part is shorter than 9 characters
// gives none.
func TestB64Alignments(t *testing.T) {
	words := []string{"-----BEGIN ", "Bag Attributes", "---- BEGIN SSH2"}
	for _, w := range words {
		got := b64Alignments(w)
		if len(got) != 3 {
			t.Fatalf("b64Alignments(%q) = %q: want one string for each of 3 alignments", w, got)
		}
		for pad := 0; pad < 3; pad++ {
			for _, lead := range []byte{0x00, '\n', 'x', 0xff} {
				for _, tail := range []string{"", "\x00", "RSA PRIVATE KEY-----\n", "\xff\xff\xff"} {
					text := strings.Repeat(string([]byte{lead}), pad) + w + tail
					if enc := base64.StdEncoding.EncodeToString([]byte(text)); !strings.Contains(enc, got[pad]) {
						t.Errorf("%q: the base64 of %q (%s) lacks %q", w, text, enc, got[pad])
					}
				}
			}
		}
	}
	if got := b64Alignments(words...); len(got) != 9 {
		t.Errorf("b64Alignments(%q) gives %d strings, want 9", words, len(got))
	}
	// "ABCDEFGH": base64 QUJDREVGR0g= (9 fixed characters at offset 0),
	// AEFCQ0RFRkdI (8 at offset 1: too short), AABBQkNERUZHSA== (9 at 2).
	if got, want := b64Alignments("ABCDEFGH"), []string{"QUJDREVGR", "BQkNERUZH"}; !slices.Equal(got, want) {
		t.Errorf("b64Alignments(ABCDEFGH) = %q, want %q", got, want)
	}
	if got := b64Alignments("ABCDEFG"); got != nil {
		t.Errorf("b64Alignments(ABCDEFG) = %q, want none (8 fixed characters at most)", got)
	}
}

const (
	testCertPEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUFakeFakeFakeFakeFakeFakeFakeFakeFakeX\n-----END CERTIFICATE-----\n"
	testKeyPEM  = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAfakefakefakefakefakefakefakefakefake\n-----END RSA PRIVATE KEY-----\n"
)

// wrapB64 breaks base64 text into lines of n characters joined by sep.
func wrapB64(s string, n int, sep string) string {
	var parts []string
	for len(s) > n {
		parts = append(parts, s[:n])
		s = s[n:]
	}
	return strings.Join(append(parts, s), sep)
}

func TestHoldsKey(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	cert, key := b64(testCertPEM), b64(testKeyPEM)
	if !strings.HasSuffix(cert, "=") || !strings.HasSuffix(key, "=") {
		t.Fatalf("the test texts must give padded base64: %s %s", cert, key)
	}
	for _, tt := range []struct {
		name, v string
		want    bool
	}{
		{"PEM key", testKeyPEM, true},
		{"PEM certificate", testCertPEM, false},
		{"base64 key", key, true},
		{"base64 certificate", cert, false},
		// The key's armor at each offset of a 3-byte group.
		{"base64 key at offset 1", b64("\n" + testKeyPEM), true},
		{"base64 key at offset 2", b64("x\n" + testKeyPEM), true},
		{"base64 key at offset 3", b64("xy\n" + testKeyPEM), true},
		{"base64 OpenSSH key at offset 1", b64("#" + "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\n"), true},
		{"base64 of a PKCS#12 dump's key", b64("Bag Attributes\n    localKeyID: 01\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"), true},
		{"base64 of an SSH2 key", b64("x---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nAAAA\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n"), true},
		{"base64 key wrapped", wrapB64(key, 76, "\n"), true},
		{"base64 key wrapped CRLF", wrapB64(key, 20, "\r\n"), true},
		{"base64 key unpadded", strings.TrimRight(key, "="), true},
		// Base64 of certificates is no key material, wherever it stands
		// and however its run of base64 is delimited.
		{"base64 certificate after text", "cert: " + cert, false},
		// '=' is base64's: the run read holds "cert=", does not decode,
		// and may be a key.
		{"base64 certificate after '='", "cert=" + cert, true},
		{"base64 certificate in a sentence", "the CA is " + cert + " (ours)", false},
		{"base64 certificate before text", cert + " trailing", false},
		{"base64 certificate before a comma", cert + ",x", false},
		{"base64 certificate unpadded", strings.TrimRight(cert, "="), false},
		{"base64 certificate unpadded, after text", "data: " + strings.TrimRight(cert, "="), false},
		{"base64 certificate wrapped CRLF", wrapB64(cert, 20, "\r\n"), false},
		{"two base64 certificates", cert + " " + cert, false},
		{"a base64 certificate, then a key", cert + " " + key, true},
		{"base64 armor that does not decode", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tC", true},
	} {
		if got := holdsKey(tt.v); got != tt.want {
			t.Errorf("%s: holdsKey(%q) = %v, want %v", tt.name, tt.v, got, tt.want)
		}
	}
}

// TestOnlyCertificates: base64 of certificates is read whatever blanks
// break its lines.
func TestOnlyCertificates(t *testing.T) {
	cert := base64.StdEncoding.EncodeToString([]byte(testCertPEM))
	for _, tt := range []struct {
		name, v string
		want    bool
	}{
		{"PEM", testCertPEM, true},
		{"base64", cert, true},
		{"base64 in lines", wrapB64(cert, 76, "\n"), true},
		{"base64 in CRLF lines", wrapB64(cert, 64, "\r\n"), true},
		{"base64 broken by blanks", wrapB64(cert, 16, " \t"), true},
		{"base64 with another byte", wrapB64(cert, 16, "\x01"), false},
		{"a key", testKeyPEM, false},
		{"a public key and a CRL", "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n", true},
		{"another block", testCertPEM + "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n", false},
		{"a stray armor line", testCertPEM + "-----X-----\n", false},
	} {
		if got := onlyCertificates(tt.v); got != tt.want {
			t.Errorf("%s: onlyCertificates(%q) = %v, want %v", tt.name, tt.v, got, tt.want)
		}
	}
}

// TestURLCuts: what of a URL or a list of them is redacted, to the byte.
func TestURLCuts(t *testing.T) {
	r := New(nil)
	for _, tt := range []struct {
		k       kind
		v, want string
	}{
		{urls, "https://10.0.0.1:2379", "https://10.0.0.1:2379"},
		{urls, "https://h:2370,https://h:9", "https://h:2370,https://h:9"},
		{urls, "https://user:pw@h:2379", "https://<redacted:7>@h:2379"},
		{urls, "https://u:p@ss@h", "https://<redacted:6>@h"},
		{urls, "https://<redacted:7>@h", "https://<redacted:7>@h"},
		{urls, "https://@h:2379/", "https://@h:2379/"}, // no userinfo to redact
		{urls, "://user:pw@h", "://<redacted:7>@h"},    // no scheme name: still a URL
		{setting, "x ://u@h", "x ://<redacted:1>@h"},
		{urls, "https://:2379", "https://:2379"},
		{urls, "unix:///run/k3s.sock", "unix:///run/k3s.sock"},
		{urls, "https://[fd00::1]:2379", "https://[fd00::1]:2379"},
		{urls, "https://my_host.example~a%20:443", "https://my_host.example~a%20:443"},
		// A URL whose authority does not read as a host and port is
		// redacted whole, from the start of its scheme name.
		{setting, "see b+c.d-e1://h:port", "see <redacted:17>"},
		{setting, "see b+c.d-e1://h:port/x", "see <redacted:19>"},
		{urls, "https://h!st:1", "<redacted:14>"},
		{urls, "https://h:1x,https://ok:1", "<redacted:18>://ok:1"}, // to the next "://"
		{urls, "https://[::1", "<redacted:12>"},
		// Query and fragment values.
		{urls, "https://h/p?secret", "https://h/p?<redacted:6>"},
		{urls, "https://h/?=secret", "https://h/?=<redacted:6>"},
		{urls, "https://h/?a=", "https://h/?a="},
		{urls, "https://h/?a=&b=", "https://h/?a=&b="},
		{urls, "https://h/?a=1&", "https://h/?a=<redacted:1>&"},
		{urls, "https://h/?", "https://h/?"},
		{urls, "https://h/p?a=1&b=22;c#f", "https://h/p?a=<redacted:1>&b=<redacted:2>;<redacted:3>"},
		{urls, "https://h/p#frag", "https://h/p#<redacted:4>"},
		{urls, "https://h?a=1,https://g/?b=2", "https://h?a=<redacted:1>,https://g/?b=<redacted:1>"},
		{urls, "https://h?a=<redacted:3>", "https://h?a=<redacted:3>"},
		// Not URLs: a DSN's userinfo or key=value pairs.
		{urls, "h:1,u:pw@tcp(db:3306)/k3s", "h:1,<redacted:21>"},
		{urls, "host=db password=pw", "<redacted:7> <redacted:11>"},
	} {
		cs := decide(tt.k, tt.v)
		for _, c := range cs {
			if c.start < 0 || c.end > len(tt.v) || c.start >= c.end {
				t.Errorf("decide(%d, %q): cut %v out of the value or empty", tt.k, tt.v, c)
			}
		}
		if len(cs) > 0 && tt.v == tt.want {
			t.Errorf("decide(%d, %q) = %v, want none", tt.k, tt.v, cs)
			continue
		}
		if got := r.apply(tt.v, cs); got != tt.want {
			t.Errorf("decide(%d, %q) gives %q (cuts %v), want %q", tt.k, tt.v, got, cs, tt.want)
		}
	}
}

func TestMergeCuts(t *testing.T) {
	for _, tt := range []struct{ in, want []cut }{
		{nil, nil},
		{[]cut{{0, 2}, {2, 4}}, []cut{{0, 4}}},
		{[]cut{{0, 2}, {3, 4}}, []cut{{0, 2}, {3, 4}}},
		{[]cut{{5, 6}, {0, 3}, {1, 2}}, []cut{{0, 3}, {5, 6}}},
		{[]cut{{0, 5}, {1, 7}, {7, 8}, {9, 10}}, []cut{{0, 8}, {9, 10}}},
	} {
		if got := mergeCuts(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("mergeCuts(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidHostPort(t *testing.T) {
	for _, tt := range []struct {
		hp   string
		want bool
	}{
		{"", true}, {"h", true}, {"h:0", true}, {"h:9", true}, {"h:2370", true}, {":2379", true}, {"h:", true},
		{"h:/", false}, {"h::", false}, {"h:1a", false}, {"h: 1", false},
		{"my_host", true}, {"a%20b", true}, {"a~b", true}, {"a-b.c", true}, {"10.0.0.1:6443", true},
		{"h!st", false}, {"h st", false}, {"h/st", false}, {"h@st", false}, {"h,st", false},
		{"[::1]", true}, {"[::1]:2379", true}, {"[fe80::1%eth0]:1", true}, {"[::1]x", false}, {"[::1", false},
		{"[::1]:x", false}, {"[::/1]", false}, {"[::1]2379", false}, {"[FE80::A]", true},
		{"[\x10]", false}, {"[\x19]:1", false}, {"[::\x01]", false}, // control bytes are no hex digits, whatever their case bit
	} {
		if got := validHostPort(tt.hp); got != tt.want {
			t.Errorf("validHostPort(%q) = %v, want %v", tt.hp, got, tt.want)
		}
	}
}
