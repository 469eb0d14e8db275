package redact

import (
	"bytes"
	"encoding/base64"
	"strings"
)

// kind is what a known setting holds, and so what of its value may be
// kept. The zero value, unknown, is redacted whole.
type kind uint8

const (
	unknown     kind = iota // not a known setting: redacted
	setting                 // a setting (a name, an address, a list or map of settings): kept on one line, unless it holds key material
	boolean                 // kept when it reads as a boolean
	number                  // kept when it reads as a number or quantity
	duration                // kept when it reads as a duration or a number
	filePath                // a path: kept on one line
	urls                    // a URL or a comma list of them: userinfo and query values redacted
	certData                // certificate data (PEM, or base64 of PEM): kept when it holds certificates only
	secret                  // a secret: redacted, whatever it looks like
	authToken               // etcd's --auth-token: "simple", or "jwt" with key paths and settings
	passThrough             // a flag passing "name=value" to an embedded component (k3s --kube-apiserver-arg)
)

var kindLetters = map[byte]kind{
	's': setting, 'b': boolean, 'n': number, 'd': duration, 'p': filePath,
	'u': urls, 'c': certData, 'x': secret, 't': authToken, 'a': passThrough,
}

// cut is a part of a value to replace by a marker: bytes [start, end).
type cut struct{ start, end int }

// whole is the decision to redact a value entirely.
func whole(v string) []cut { return []cut{{0, len(v)}} }

// harmless reports whether a value says nothing whatever its place:
// empty, YAML's null, a boolean, or already a marker.
func harmless(v string) bool {
	switch strings.ToLower(v) {
	case "", "~", "null", "true", "false":
		return true
	}
	return IsMarker(v)
}

// decide returns the parts of value v, of kind k, that must be redacted:
// none to keep it, whole(v) to redact it all.
func decide(k kind, v string) []cut {
	if harmless(v) {
		return nil
	}
	if strings.ContainsAny(v, "\n\r\x00") && k != certData && k != filePath {
		return whole(v) // settings are one line; free text is not kept
	}
	switch k {
	case setting:
		return scanSetting(v)
	case boolean:
		if isBool(v) {
			return nil
		}
	case number:
		if isNumber(v) {
			return nil
		}
	case duration:
		if isDuration(v) || isNumber(v) {
			return nil
		}
	case filePath:
		return scanSetting(v)
	case urls:
		if holdsKey(v) {
			return whole(v)
		}
		return mergeCuts(append(urlCuts(v, 0), notURLCuts(v)...))
	case certData:
		if onlyCertificates(v) {
			return nil
		}
	case authToken:
		if isAuthToken(v) {
			return nil
		}
	}
	return whole(v)
}

func isBool(v string) bool {
	switch strings.ToLower(v) {
	case "1", "t", "true", "0", "f", "false", "yes", "no", "on", "off", "y", "n":
		return true
	}
	return false
}

// isNumber accepts integers, decimals, exponents, hexadecimal and octal
// literals, resource quantities (128Mi, 1.5G, 100m) and percentages.
func isNumber(v string) bool {
	s := strings.TrimLeft(v, "+-")
	if s == "" || len(s) > 40 {
		return false
	}
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		return h != "" && isHex(h)
	}
	digits := 0
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '_') {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
		i++
	}
	if digits == 0 {
		return false
	}
	switch suffix := s[i:]; suffix {
	case "", "%", "k", "K", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "u", "n":
		return true
	default:
		if suffix[0] == 'e' || suffix[0] == 'E' {
			e := strings.TrimLeft(suffix[1:], "+-")
			return e != "" && strings.Trim(e, "0123456789") == ""
		}
	}
	return false
}

// isDuration accepts Go durations ("1h30m", "300ms", "-1.5h").
func isDuration(v string) bool {
	s := strings.TrimLeft(v, "+-")
	if s == "" || len(s) > 40 {
		return false
	}
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 {
			return false
		}
		s = s[i:]
		j := 0
		for j < len(s) && (s[j] < '0' || s[j] > '9') && s[j] != '.' {
			j++
		}
		switch s[:j] {
		case "ns", "us", "µs", "μs", "ms", "s", "m", "h":
		default:
			return false
		}
		s = s[j:]
	}
	return true
}

// isAuthToken accepts etcd's --auth-token values: "simple", or "jwt"
// followed by options whose names are known; the key options name files.
func isAuthToken(v string) bool {
	parts := strings.Split(v, ",")
	switch parts[0] {
	case "simple":
		return len(parts) == 1
	case "jwt":
	default:
		return false
	}
	for _, o := range parts[1:] {
		k, _, ok := strings.Cut(o, "=")
		if !ok {
			return false
		}
		switch k {
		case "pub-key", "priv-key", "sign-method", "ttl":
		default:
			return false
		}
	}
	return true
}

// scanSetting keeps a setting unless it carries what is secret wherever
// it stands: key material, or a password in a URL.
func scanSetting(v string) []cut {
	if holdsKey(v) {
		return whole(v)
	}
	return urlCuts(v, 0)
}

var (
	privateKeyWords = []string{"PRIVATE KEY", "SSH2 ENCRYPTED", "SSH2 PRIVATE", "PuTTY-User-Key-File"}
	// b64Prefixes are the base64 forms, at the three alignments, of the
	// starts of private key text: "-----BEGIN " and openssl's
	// "Bag Attributes" preamble.
	b64Prefixes = b64Alignments("-----BEGIN ", "Bag Attributes", "---- BEGIN SSH2")
)

// b64Alignments returns the base64 text that any string starting with
// one of words (at offset 0, 1 or 2 of a 3-byte group) must contain.
func b64Alignments(words ...string) []string {
	var out []string
	for _, w := range words {
		for pad := 0; pad < 3; pad++ {
			enc := base64.StdEncoding.EncodeToString(append(bytes.Repeat([]byte{0}, pad), w...))
			// Drop the characters that depend on the padding or on what
			// follows the word.
			from := (pad*8 + 5) / 6
			to := len(strings.TrimRight(enc, "=")) - 2
			if to > from+8 {
				out = append(out, enc[from:to])
			}
		}
	}
	return out
}

// holdsKey reports whether s holds private key material: PEM or SSH
// private key armor, or base64 text of it (base64 of certificates is
// not key material).
func holdsKey(s string) bool {
	for _, w := range privateKeyWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	for _, p := range b64Prefixes {
		for i := strings.Index(s, p); i >= 0; {
			// Decode the whole base64 run around it.
			a, e := i, i+len(p)
			for a > 0 && isB64(s[a-1]) {
				a--
			}
			for e < len(s) && (isB64(s[e]) || s[e] == '\n' || s[e] == '\r') {
				e++
			}
			run := strings.NewReplacer("\n", "", "\r", "").Replace(s[a:e])
			dec, err := base64.StdEncoding.DecodeString(run)
			if err != nil {
				dec, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(run, "="))
			}
			if err != nil || holdsKey(string(dec)) {
				return true // undecodable: it may be a key
			}
			j := strings.Index(s[e:], p)
			if j < 0 {
				break
			}
			i = e + j
		}
	}
	return false
}

func isB64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
}

// urlCuts returns the userinfo and the query and fragment values of
// every URL in v, a value or a comma list (offsets from base). Userinfo
// runs to the last '@' before the next URL: a password may hold ',', '/'
// or ':'. A URL whose host and port do not read as such is redacted
// whole.
func urlCuts(v string, base int) []cut {
	var cuts []cut
	schemes := []int{} // the index of each "://"
	for i := 0; ; {
		j := strings.Index(v[i:], "://")
		if j < 0 {
			break
		}
		schemes = append(schemes, i+j)
		i += j + 3
	}
	for n, sc := range schemes {
		segEnd := len(v)
		if n+1 < len(schemes) {
			segEnd = schemes[n+1]
		}
		s := sc // the scheme's start
		for s > 0 && (isAlnumByte(v[s-1]) || v[s-1] == '+' || v[s-1] == '.' || v[s-1] == '-') {
			s--
		}
		a := sc + 3
		if at := strings.LastIndexByte(v[a:segEnd], '@'); at >= 0 {
			// An empty userinfo ("https://@host") hides nothing.
			if at > 0 && !IsMarker(v[a:a+at]) {
				cuts = append(cuts, cut{base + a, base + a + at})
			}
			a += at + 1
		}
		e := a
		for e < segEnd && !strings.ContainsRune("/?#, ", rune(v[e])) {
			e++
		}
		end := e // the end of this item of a list
		for end < segEnd && v[end] != ',' && v[end] != ' ' {
			end++
		}
		if !validHostPort(v[a:e]) {
			// Malformed: what follows it up to the next URL may be the
			// rest of a password.
			cuts = append(cuts, cut{base + s, base + segEnd})
			continue
		}
		// Query and fragment values.
		if q := strings.IndexAny(v[e:end], "?#"); q >= 0 {
			k := e + q + 1
			for k < end {
				m := k
				for m < end && v[m] != '&' && v[m] != ';' {
					m++
				}
				vs := k
				if eq := strings.IndexByte(v[k:m], '='); eq >= 0 {
					vs = k + eq + 1
				}
				if vs < m && !IsMarker(v[vs:m]) {
					cuts = append(cuts, cut{base + vs, base + m})
				}
				k = m + 1
			}
		}
	}
	return mergeCuts(cuts)
}

// notURLCuts returns the items of a URL list that are not URLs and may
// hold credentials: userinfo with no scheme ("user:pw@tcp(db:3306)/k3s")
// or key=value pairs (a DSN's "password=…"). A host, a host and port or
// a path is kept.
func notURLCuts(v string) []cut {
	var cs []cut
	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != ',' && v[i] != ' ' {
			continue
		}
		if item := v[start:i]; !strings.Contains(item, "://") && strings.ContainsAny(item, "@=") {
			cs = append(cs, cut{start, i})
		}
		start = i + 1
	}
	return cs
}

// mergeCuts sorts cuts and joins those that overlap.
func mergeCuts(cs []cut) []cut {
	cs = sortCuts(cs)
	var out []cut
	for _, c := range cs {
		if n := len(out); n > 0 && c.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, c.end)
			continue
		}
		out = append(out, c)
	}
	return out
}

// validHostPort accepts what a URL's authority holds after any userinfo:
// a host name, an IPv4 or bracketed IPv6 address, or nothing (file:///,
// unix:///), and an optional numeric port.
func validHostPort(hp string) bool {
	host, port := hp, ""
	if strings.HasPrefix(hp, "[") {
		k := strings.IndexByte(hp, ']')
		if k < 0 {
			return false
		}
		host, port = hp[1:k], hp[k+1:]
		if port != "" && port[0] != ':' {
			return false
		}
		port = strings.TrimPrefix(port, ":")
		for i := 0; i < len(host); i++ {
			if c := host[i]; !(isAlnumByte(c) || c == ':' || c == '.' || c == '%') {
				return false
			}
		}
	} else {
		if k := strings.LastIndexByte(hp, ':'); k >= 0 {
			host, port = hp[:k], hp[k+1:]
		}
		for i := 0; i < len(host); i++ {
			if c := host[i]; !(isAlnumByte(c) || c == '.' || c == '-' || c == '_' || c == '%' || c == '~') {
				return false
			}
		}
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	return true
}

// onlyCertificates reports whether v is PEM text, or base64 of PEM text,
// holding certificates and public material only.
func onlyCertificates(v string) bool {
	t := strings.TrimSpace(v)
	if !strings.HasPrefix(t, "-----BEGIN ") {
		compact := strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, t)
		dec, err := base64.StdEncoding.DecodeString(compact)
		if err != nil {
			return false
		}
		t = strings.TrimSpace(string(dec))
	}
	if !strings.HasPrefix(t, "-----BEGIN ") || holdsKey(t) {
		return false
	}
	// Every block must be a certificate, a public key or a CRL.
	for _, line := range strings.Split(t, "\n") {
		line = strings.TrimSpace(line)
		if h, ok := strings.CutPrefix(line, "-----BEGIN "); ok {
			switch strings.TrimSuffix(h, "-----") {
			case "CERTIFICATE", "TRUSTED CERTIFICATE", "PUBLIC KEY", "X509 CRL", "RSA PUBLIC KEY":
			default:
				return false
			}
		} else if strings.HasPrefix(line, "-----") && !strings.HasPrefix(line, "-----END ") {
			return false
		}
	}
	return true
}
