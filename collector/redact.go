package collector

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Redaction of copied files.
//
// Redact works on text, line by line, with no YAML or JSON parser: the
// collector stays small, and a file that does not parse is redacted all
// the same. Every rule errs on the side of redacting. The guarantees:
//
//   - line k of the output is line k of the input: a secret spanning lines
//     (a PEM key, a block scalar) becomes the marker on its first line and
//     empty lines for the rest, so the analyzer's line citations hold;
//   - a line holding no secret is copied byte for byte;
//   - redacting the output again changes nothing;
//   - the work is linear in the size of the data.
//
// A marker records the length of the value as it stood and the first 16
// hex digits of its SHA-256, so that two copies of the same key can be
// recognised: <redacted: 1675 bytes, sha256:0123456789abcdef>. Passwords,
// docker "auth" values, URL passwords, the secret column of token and
// basic-auth CSV files and the data of a Secret manifest get no hash: a
// hash of a low-entropy value could be brute-forced.
//
// Which bytes a value is: for a PEM block, its trimmed lines from BEGIN to
// END joined by newlines with a final newline (a key file's sha256sum);
// for a base64 PEM, the base64 text; for a block scalar, its lines less
// the block's indentation (a literal reading, with clip or strip
// chomping); for a quoted value, the bytes between the quotes; otherwise
// the bytes replaced.

// Redact returns data with every secret value replaced by a marker, and the
// number of values replaced. name is the file's absolute path on the node,
// used only as a hint for the file kind. When nothing is replaced, out is
// data itself.
func Redact(name string, data []byte) (out []byte, n int) {
	r := &redactor{data: data, kind: kindOf(name, data), consumed: -1}
	if r.kind == kindYAML {
		r.secretDocs = secretDocuments(data)
	}
	for off := 0; off < len(data); {
		ln := r.lineAt(off)
		off = ln.next
		if ln.start >= r.consumed {
			r.scanLine(ln)
			continue
		}
		if ln.end <= r.consumed {
			continue // inside a multi-line secret already found
		}
		// The last line of a multi-line secret is read whole, so that a
		// broken quote cannot hide a secret, and as the line it becomes
		// once the secret is replaced, so that redacting the output
		// finds nothing new.
		rest := ln
		rest.start = r.consumed
		r.scanLine(ln)
		if r.consumed < rest.end {
			rest.start = max(rest.start, r.consumed)
			r.scanLine(rest)
		}
	}
	return r.apply()
}

// redactKind is how a file's lines are read.
type redactKind int

const (
	kindYAML  redactKind = iota // YAML, kubeconfigs, PEM and unknown text
	kindJSON                    // JSON: CNI configs, docker config.json
	kindShell                   // systemd units, env files, TOML and INI, flag files
	kindCSV                     // token and basic-auth CSV: the first column is the secret
)

var shellExts = map[string]bool{
	".service": true, ".socket": true, ".timer": true, ".mount": true, ".path": true,
	".env": true, ".toml": true, ".ini": true, ".cfg": true, ".sh": true,
}

var shellDirs = []string{"/etc/default/", "/etc/sysconfig/", "/var/snap/microk8s/current/args/"}

// kindOf guesses a file's kind from its name, then from its first
// meaningful line: .conf is a kubeconfig, a systemd drop-in, a CNI config
// or a TOML file depending on the distribution.
func kindOf(name string, data []byte) redactKind {
	base := strings.ToLower(path.Base(name))
	ext := path.Ext(base)
	switch {
	case ext == ".csv":
		for _, w := range []string{"token", "auth", "passw", "secret", "cred"} {
			if strings.Contains(base, w) {
				return kindCSV
			}
		}
		return kindShell
	case ext == ".json" || ext == ".conflist":
		return kindJSON
	case shellExts[ext]:
		return kindShell
	}
	for _, d := range shellDirs {
		if strings.HasPrefix(name, d) {
			return kindShell
		}
	}
	if strings.Contains(name, "/systemd/") {
		return kindShell
	}
	// The first line that is neither blank nor a comment.
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		t := bytes.TrimSpace(data[off:end])
		off = end + 1
		// Skip the lines whose start redaction may rewrite, so that the
		// output is read as the input was: PEM armor, markers, keys in
		// base64, bootstrap tokens.
		if len(t) == 0 || t[0] == '#' || t[0] == ';' || bytes.HasPrefix(t, dashes) || markerAt(t, 0) > 0 ||
			bytes.Contains(t, b64PEM) || nextBootstrapToken(t, 0) >= 0 {
			continue
		}
		switch {
		case t[0] == '{':
			return kindJSON
		case ext != ".yaml" && ext != ".yml" && isSection(t):
			return kindShell // [Service], [plugins."io.containerd.grpc.v1.cri"]
		case bytes.HasPrefix(t, []byte("--")):
			return kindShell
		}
		i := 0
		for i < len(t) && isIdentChar(t[i]) && t[i] != '.' {
			i++
		}
		if i > 0 && i < len(t) && t[i] == '=' {
			return kindShell
		}
		return kindYAML
	}
	return kindYAML
}

// isSection reports whether t is an INI or TOML section header.
func isSection(t []byte) bool {
	if len(t) < 3 || t[0] != '[' || t[len(t)-1] != ']' {
		return false
	}
	for _, c := range t[1 : len(t)-1] {
		if !isAlnum(c) && !strings.ContainsRune(`_-."'/ []`, rune(c)) {
			return false
		}
	}
	return true
}

// secretClass is what a value is, for redaction.
type secretClass uint8

const (
	notSecret secretClass = iota
	secretHashed
	secretPassword // no hash in the marker
)

// exactNames are key, flag and variable names (normalized: lower case, no
// "-", "_", "." or space) whose value is a secret whatever it looks like.
var exactNames = map[string]secretClass{
	"password": secretPassword, "passwd": secretPassword, "pwd": secretPassword,
	"auth": secretPassword, // docker config: base64 of user:password

	"token": secretHashed, "secret": secretHashed, "clientkeydata": secretHashed,
	"privatekey": secretHashed, "apikey": secretHashed, "bearertoken": secretHashed,
	"bootstraptoken": secretHashed, "certificatekey": secretHashed, "tlskey": secretHashed,
	"sslkey": secretHashed, "identitytoken": secretHashed, "registrytoken": secretHashed,
	"accesstoken": secretHashed, "refreshtoken": secretHashed, "idtoken": secretHashed,
	"clientsecret": secretHashed, "secretkey": secretHashed,
}

// secretWords make a name secret when it contains them and does not end in
// one of nonSecretSuffixes.
var secretWords = []struct {
	word string
	cls  secretClass
}{
	{"password", secretPassword}, {"passwd", secretPassword},
	{"secret", secretHashed}, {"token", secretHashed}, {"privatekey", secretHashed},
	{"apikey", secretHashed}, {"keydata", secretHashed},
}

// nonSecretSuffixes end names that say something about a secret without
// holding one: a path to it (--token-auth-file, tlsPrivateKeyFile,
// tokenFile), a name or reference (secretName), a setting
// (--enable-bootstrap-token-auth, --service-account-max-token-expiration,
// --discovery-token-ca-cert-hash, tokenTTL).
var nonSecretSuffixes = []string{
	"file", "files", "path", "paths", "dir", "directory", "name", "names", "ref",
	"ttl", "expiration", "lifetime", "hash", "hashes", "url", "uri", "endpoint",
	"verification", "auth", "enabled", "type", "mode", "provider", "providers",
	"namespace", "usages", "groups", "audience", "audiences", "secrets", "tokens",
	"webhook", "issuer", "length", "policy", "duration", "period", "request",
}

// classifyName tells whether the value of a key, flag or variable of this name
// is secret; exact is set when the name is one of exactNames, whose values
// are redacted even when they look like booleans.
func classifyName(name []byte) (cls secretClass, exact bool) {
	var buf [64]byte
	n := buf[:0]
	for _, c := range name {
		switch {
		case c == '-' || c == '_' || c == '.' || c == ' ':
		case 'A' <= c && c <= 'Z':
			n = append(n, c-'A'+'a')
		default:
			n = append(n, c)
		}
	}
	if cls, ok := exactNames[string(n)]; ok {
		return cls, true
	}
	for _, sfx := range nonSecretSuffixes {
		if len(n) >= len(sfx) && string(n[len(n)-len(sfx):]) == sfx {
			return notSecret, false
		}
	}
	for _, w := range secretWords {
		if strings.Contains(string(n), w.word) {
			return w.cls, false
		}
	}
	return notSecret, false
}

// redactable reports whether a value found under a secret name is worth a
// marker: not empty, not null, not already a marker, and not a boolean
// under a name that only contains a secret word (automountServiceAccountToken: false).
func redactable(v []byte, exact bool) bool {
	switch strings.ToLower(string(v)) {
	case "", "~", "null", `""`, "''":
		return false
	case "true", "false", "yes", "no", "on", "off":
		return exact
	}
	return !isMarker(v)
}

// span is a secret found in the data: bytes [start, end) are replaced by a
// marker, inside quote when it is not 0, then as many line breaks as the
// span held.
type secretSpan struct {
	start, end int
	value      []byte // what the marker describes; nil: data[start:end]
	password   bool   // the marker has no hash
	quote      byte
	syntax     bool // found by a rule that knows the file's syntax: wins a tie
}

type textLine struct{ start, end, next int } // end excludes "\n" and a "\r" before it

type redactor struct {
	data     []byte
	kind     redactKind
	spans    []secretSpan
	regions  [][2]int // plain YAML scalars, quoted whole if a secret inside them is redacted
	consumed int      // lines ending before this offset are inside a multi-line secret

	// YAML state
	secretDocs []bool // documents of kind Secret
	doc        int
	inData     bool // under the data: or stringData: of a Secret
	dataCol    int
	podEnv     pendingValue // "- name: SOME_TOKEN" was seen: its "value:" is secret
	seqFlag    pendingValue // "- --token" was seen: the next item is its value

	wordFlag pendingValue // a flag ended a line ("--token \"): the next line's first word is its value
	pairEnv  secretClass  // a JSON "name" of a secret variable was seen: the next "value" is secret
}

type pendingValue struct {
	col   int
	cls   secretClass
	exact bool
	set   bool
}

func (r *redactor) add(s secretSpan) {
	if s.start < s.end {
		r.spans = append(r.spans, s)
	}
}

// addValue adds the secret value data[start:end] of class cls.
func (r *redactor) addValue(start, end int, cls secretClass, quote byte, syntax bool) {
	r.add(secretSpan{start: start, end: end, password: cls == secretPassword, quote: quote, syntax: syntax})
}

func (r *redactor) lineAt(off int) textLine {
	l := textLine{start: off, end: len(r.data), next: len(r.data)}
	if i := bytes.IndexByte(r.data[off:], '\n'); i >= 0 {
		l.end, l.next = off+i, off+i+1
	}
	if l.end > l.start && r.data[l.end-1] == '\r' {
		l.end--
	}
	return l
}

func (r *redactor) text(l textLine) []byte { return r.data[l.start:l.end] }

// indentOf returns the width of a line's leading blanks, and whether the
// line is blank.
func indentOf(t []byte) (int, bool) {
	i := 0
	for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
		i++
	}
	return i, i == len(t)
}

func (r *redactor) scanLine(ln textLine) {
	t := r.text(ln)
	ind, blank := indentOf(t)
	if blank {
		return
	}
	if t[ind] != '#' {
		r.takePending(ln)
	}
	// In YAML, the key of a line is structure: the rules for values in
	// free text read what follows it.
	vl := ln
	if r.kind == kindYAML {
		r.yamlLine(ln)
		y := parseYAML(t)
		if y.isKey {
			vl.start += y.val
		}
		if y.val < len(t) && (t[y.val] == '{' || t[y.val] == '[') {
			// In YAML, pairs are read in flow collections only:
			// elsewhere `"k": v` is the text of a plain scalar.
			r.pairs(ln, y.val)
		}
	} else {
		r.pairs(ln, 0)
	}
	if vl.start == ln.start && r.kind != kindJSON && r.kind != kindCSV {
		r.assignment(ln)
	}
	if r.kind == kindCSV {
		r.csvLine(ln)
	}
	r.pem(vl)
	r.base64Key(vl)
	r.words(vl)
	r.urls(vl)
	r.bootstrapTokens(vl)
}

// takePending redacts the first word of a line that follows a flag given
// without its value at the end of the previous line.
func (r *redactor) takePending(ln textLine) {
	t := r.text(ln)
	if r.seqFlag.set {
		p := r.seqFlag
		r.seqFlag.set = false
		y := parseYAML(t)
		v := y.val
		if v < len(t) && (t[v] == '"' || t[v] == '\'') {
			v++ // the value is what is inside the quotes
		}
		if y.dash == p.col && !y.isKey && v < len(t) && t[v] != '-' {
			r.yamlScalar(ln, y.val, y.dash, p, false)
		}
	}
	if r.wordFlag.set {
		p := r.wordFlag
		r.wordFlag.set = false
		v, _ := indentOf(t)
		if t[v] != '-' && t[v] != '\\' && t[v] != ']' && t[v] != '}' {
			r.wordValue(ln, v, 0, p.cls, p.exact, false)
		}
	}
}

// --- PEM private keys ---

// pem redacts every PEM block whose type says PRIVATE KEY starting on this
// line, through its END line (or up to the next BEGIN, or the end of the
// data, when the END line is missing).
func (r *redactor) pem(ln textLine) {
	t := r.text(ln)
	for from := 0; ; {
		i := bytes.Index(t[from:], pemBegin)
		if i < 0 {
			return
		}
		i += from
		h := i + len(pemBegin)
		hdrEnd := len(t)
		if j := bytes.Index(t[h:], dashes); j >= 0 {
			hdrEnd = h + j + len(dashes)
		}
		if !containsFold(t[h:hdrEnd], privateKey) {
			from = hdrEnd
			continue
		}
		if j := bytes.Index(t[hdrEnd:], pemEnd); j >= 0 {
			// The whole block is on this line (JSON "\n" escapes).
			end := hdrEnd + j + len(pemEnd)
			if k := bytes.Index(t[end:], dashes); k >= 0 {
				end += k + len(dashes)
			} else {
				end = len(t)
			}
			r.addValue(ln.start+i, ln.start+end, secretHashed, 0, false)
			from = end
			continue
		}
		r.pemLines(ln, i)
		return
	}
}

// pemLines redacts a key block that starts at offset i of line ln and
// ends on a later line.
func (r *redactor) pemLines(ln textLine, i int) {
	var canon bytes.Buffer
	canon.Write(bytes.TrimSpace(r.text(ln)[i:]))
	canon.WriteByte('\n')
	end := ln.end
	for off := ln.next; off < len(r.data); {
		l := r.lineAt(off)
		t := r.text(l)
		if j := bytes.Index(t, pemEnd); j >= 0 {
			e := j + len(pemEnd)
			if k := bytes.Index(t[e:], dashes); k >= 0 {
				e += k + len(dashes)
			} else {
				e = len(t)
			}
			canon.Write(bytes.TrimSpace(t[:e]))
			canon.WriteByte('\n')
			end = l.start + e
			break
		}
		if bytes.Contains(t, pemBegin) {
			break // the END line is missing: stop before the next block
		}
		canon.Write(bytes.TrimSpace(t))
		canon.WriteByte('\n')
		end = l.end
		off = l.next
	}
	r.add(secretSpan{start: ln.start + i, end: end, value: canon.Bytes()})
	r.consumed = max(r.consumed, end)
}

// --- base64 PEM private keys (client-key-data, Secret data) ---

var b64PEM = []byte("LS0tLS1CRUdJTi") // base64 of "-----BEGIN "

func isB64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '='
}

// base64Key redacts base64 text that decodes to a PEM private key, whatever
// the key it is found under, with the lines it is wrapped onto.
func (r *redactor) base64Key(ln textLine) {
	t := r.text(ln)
	for from := 0; ; {
		i := bytes.Index(t[from:], b64PEM)
		if i < 0 {
			return
		}
		i += from
		j := i
		for j < len(t) && isB64(t[j]) {
			j++
		}
		from = j
		if i > 0 && isB64(t[i-1]) {
			continue
		}
		run := t[i:j]
		rest, _ := indentOf(t[j:])
		wrapped := j+rest == len(t) && !bytes.HasSuffix(run, []byte("="))
		// Decide on the whole run if it is on one line, else on the
		// header, which the first few lines hold.
		probe := append([]byte(nil), run...)
		off := ln.next
		last := !wrapped
		for k := 0; !last && k < 4 && off < len(r.data); k++ {
			w, l, ok := r.b64Line(off, len(run))
			if !ok {
				break
			}
			probe = append(probe, w...)
			last = len(w) < len(run) || bytes.HasSuffix(w, []byte("="))
			off = l.next
		}
		dec := make([]byte, base64.StdEncoding.DecodedLen(len(probe)))
		n, _ := base64.StdEncoding.Decode(dec, probe[:len(probe)&^3])
		if !HasPrivateKey(dec[:n]) {
			continue
		}
		// A key: take every line it is wrapped onto.
		value := probe[:len(run)]
		end := ln.start + j
		for off := ln.next; wrapped && off < len(r.data); {
			w, l, ok := r.b64Line(off, len(run))
			if !ok {
				break
			}
			value = append(value, w...)
			end = l.start + bytes.Index(r.text(l), w) + len(w)
			if len(w) < len(run) || bytes.HasSuffix(w, []byte("=")) {
				break
			}
			off = l.next
		}
		r.add(secretSpan{start: ln.start + i, end: end, value: value})
		if end > ln.end {
			r.consumed = max(r.consumed, end)
			return
		}
	}
}

// b64Line returns the line at off, trimmed, if it is base64 text no longer
// than width: the continuation of a wrapped base64 value.
func (r *redactor) b64Line(off, width int) ([]byte, textLine, bool) {
	l := r.lineAt(off)
	w := bytes.TrimSpace(r.text(l))
	if len(w) == 0 || len(w) > width || !allB64(w) {
		return nil, l, false
	}
	return w, l, true
}

func allB64(b []byte) bool {
	for _, c := range b {
		if !isB64(c) {
			return false
		}
	}
	return true
}

// --- YAML ---

// yamlShape is what the start of a YAML line says.
type yamlShape struct {
	dash   int    // column of the last "- " of a sequence entry, -1 if none
	keyCol int    // column where the key or entry starts
	key    []byte // the key, unquoted; nil if the line is not "key: …"
	isKey  bool
	val    int // column of the value, after any tag or anchor; len(t) if none
}

// parseYAML reads the start of a line of block YAML.
func parseYAML(t []byte) yamlShape {
	y := yamlShape{dash: -1}
	p, _ := indentOf(t)
	for p < len(t) && t[p] == '-' && (p+1 == len(t) || t[p+1] == ' ' || t[p+1] == '\t') {
		y.dash = p
		p++
		for p < len(t) && (t[p] == ' ' || t[p] == '\t') {
			p++
		}
	}
	y.keyCol = p
	y.val = p
	if p < len(t) {
		colon := -1
		switch c := t[p]; c {
		case '"', '\'':
			if e := quoteEnd(t, p); e > 0 {
				k := skipBlanks(t, e)
				if k < len(t) && t[k] == ':' {
					y.key = t[p+1 : e-1]
					colon = k
				}
			}
		case '#', '{', '[', '|', '>', '&', '*', '!', '%', '@', '`', '?', ',', ']', '}':
		default:
			for k := p; k < len(t); k++ {
				if t[k] == '#' && k > p && (t[k-1] == ' ' || t[k-1] == '\t') {
					break
				}
				if m := markerAt(t, k); m > 0 {
					k += m - 1 // a marker's ": " is not YAML
					continue
				}
				if t[k] == ':' && (k+1 == len(t) || t[k+1] == ' ' || t[k+1] == '\t') {
					y.key = bytes.TrimRight(t[p:k], " \t")
					colon = k
					break
				}
			}
		}
		if colon >= 0 && (colon+1 == len(t) || t[colon+1] == ' ' || t[colon+1] == '\t') {
			y.isKey = true
			y.val = skipBlanks(t, colon+1)
		} else {
			y.key = nil
		}
	}
	// Tags and anchors are not the value.
	for y.val < len(t) && (t[y.val] == '!' || t[y.val] == '&') {
		v := y.val
		for v < len(t) && t[v] != ' ' && t[v] != '\t' {
			v += max(1, markerAt(t, v))
		}
		y.val = skipBlanks(t, min(v, len(t)))
	}
	return y
}

func skipBlanks(t []byte, i int) int {
	for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
		i++
	}
	return i
}

// quoteEnd returns the index after the quote closing the string that opens
// at t[i], or -1 if the line does not close it. Double quotes take
// backslash escapes; single quotes are escaped by doubling them.
func quoteEnd(t []byte, i int) int {
	q := t[i]
	for k := i + 1; k < len(t); k++ {
		switch {
		case q == '"' && t[k] == '\\':
			k++
		case t[k] == q && q == '\'' && k+1 < len(t) && t[k+1] == '\'':
			k++
		case t[k] == q:
			return k + 1
		}
	}
	return -1
}

// plainEnd returns the end of a plain scalar starting at v: before a
// comment, trailing blanks trimmed.
func plainEnd(t []byte, v int) int {
	e := len(t)
	for k := v; k < len(t); k++ {
		if t[k] == '#' && k > v && (t[k-1] == ' ' || t[k-1] == '\t') {
			e = k
			break
		}
	}
	for e > v && (t[e-1] == ' ' || t[e-1] == '\t') {
		e--
	}
	return e
}

func (r *redactor) yamlLine(ln textLine) {
	t := r.text(ln)
	if (bytes.HasPrefix(t, []byte("---")) || bytes.HasPrefix(t, []byte("..."))) && (len(t) == 3 || t[3] == ' ' || t[3] == '\t') {
		r.doc++
		r.inData = false
		r.podEnv.set, r.seqFlag.set = false, false
		return
	}
	y := parseYAML(t)
	if y.keyCol >= len(t) || t[y.keyCol] == '#' {
		return
	}
	if r.podEnv.set && (y.keyCol < r.podEnv.col || y.dash >= 0 && y.dash < r.podEnv.col) {
		r.podEnv.set = false
	}
	if !y.isKey {
		if y.dash < 0 {
			return // a continuation line: nothing to learn
		}
		// A sequence entry: "- --token" waits for its value in the next entry.
		if v := scalarAt(t, y.val); v != nil && bytes.HasPrefix(v, []byte("--")) && !bytes.Contains(v, []byte("=")) {
			if cls, exact := classifyName(v[2:]); cls != notSecret {
				r.seqFlag = pendingValue{col: y.dash, cls: cls, exact: exact, set: true}
			}
		}
		r.plainRegion(ln, y.val)
		return
	}
	p := pendingValue{col: y.keyCol}
	// The data of a Secret manifest.
	if y.dash < 0 && y.keyCol == 0 {
		k := string(y.key)
		r.inData = (k == "data" || k == "stringData") && r.doc < len(r.secretDocs) && r.secretDocs[r.doc]
		r.dataCol = -1
	} else if r.inData && y.dash < 0 {
		if r.dataCol < 0 {
			r.dataCol = y.keyCol
		}
		if y.keyCol == r.dataCol {
			p.cls, p.exact = secretPassword, true
		}
	}
	// A container's environment: "- name: ETCD_PASSWORD" then "value: …".
	switch string(y.key) {
	case "value":
		if r.podEnv.set && y.keyCol == r.podEnv.col && p.cls == notSecret {
			p.cls, p.exact = r.podEnv.cls, r.podEnv.exact
		}
		r.podEnv.set = false
	case "name":
		r.podEnv.set = false
		if v := scalarAt(t, y.val); v != nil {
			if cls, exact := classifyName(v); cls != notSecret {
				r.podEnv = pendingValue{col: y.keyCol, cls: cls, exact: exact, set: true}
			}
		}
	}
	if p.cls == notSecret {
		p.cls, p.exact = classifyName(y.key)
	}
	if p.cls == notSecret {
		r.plainRegion(ln, y.val)
		return
	}
	r.yamlScalar(ln, y.val, y.keyCol, p, true)
}

// scalarAt returns the single-line scalar at t[v] without its quotes, or
// nil if there is none.
func scalarAt(t []byte, v int) []byte {
	if v >= len(t) {
		return nil
	}
	switch t[v] {
	case '"', '\'':
		if e := quoteEnd(t, v); e > 0 && skipBlanks(t, e) == len(t) {
			return t[v+1 : e-1]
		}
		return nil
	case '#', '{', '[', '|', '>', '*':
		return nil
	}
	return t[v:plainEnd(t, v)]
}

// plainRegion records the plain scalar at t[v], which must be quoted whole
// if a secret inside it is redacted: a marker holds ": ", which ends a plain
// scalar.
func (r *redactor) plainRegion(ln textLine, v int) {
	t := r.text(ln)
	if v >= len(t) {
		return
	}
	switch t[v] {
	case '"', '\'', '#', '{', '[', '|', '>', '*', '&', '!', '%', '@', '`':
		return
	}
	if e := plainEnd(t, v); e > v {
		r.regions = append(r.regions, [2]int{ln.start + v, ln.start + e})
	}
}

// yamlScalar redacts the YAML value at column v of line ln, a secret of
// p.cls under a key at column col: a plain, quoted or block scalar, on
// this line, on the following more indented lines, or (key lines only)
// starting on the next line.
func (r *redactor) yamlScalar(ln textLine, v, col int, p pendingValue, keyLine bool) {
	t := r.text(ln)
	if v >= len(t) || t[v] == '#' {
		if keyLine {
			r.nextLineScalar(ln, col, p)
		}
		return
	}
	switch t[v] {
	case '|', '>':
		h := v + 1
		for h < len(t) && (t[h] == '-' || t[h] == '+' || '0' <= t[h] && t[h] <= '9') {
			h++
		}
		if e := skipBlanks(t, h); e == len(t) || t[e] == '#' && e > h {
			r.blockScalar(ln, col, p, bytes.IndexByte(t[v:h], '-') >= 0)
			return
		}
	case '"', '\'':
		r.quoted(ln.start+v, ln, p)
		return
	case '{', '[', '*':
		return // a collection (its pairs are read on their own) or an alias
	}
	e := plainEnd(t, v)
	if !redactable(t[v:e], p.exact) {
		return
	}
	end := ln.start + e
	if r.kind == kindYAML {
		if last := r.continuation(ln.next, col); last >= 0 {
			end = last
			r.consumed = max(r.consumed, end)
		}
	}
	r.addValue(ln.start+v, end, p.cls, '"', true)
}

// continuation returns the end of the last non-blank line from off on that
// is indented more than col (the lines continuing a scalar), or -1.
func (r *redactor) continuation(off, col int) int {
	last := -1
	for off < len(r.data) {
		l := r.lineAt(off)
		ind, blank := indentOf(r.text(l))
		if !blank && ind <= col {
			break
		}
		if !blank {
			last = l.end
		}
		off = l.next
	}
	return last
}

// nextLineScalar redacts the value of "key:" when it is a scalar on the
// following, more indented lines rather than a nested collection.
func (r *redactor) nextLineScalar(ln textLine, col int, p pendingValue) {
	for off := ln.next; off < len(r.data); {
		l := r.lineAt(off)
		t := r.text(l)
		ind, blank := indentOf(t)
		if blank {
			off = l.next
			continue
		}
		if ind <= col {
			return
		}
		y := parseYAML(t)
		if y.isKey || y.dash >= 0 {
			return
		}
		switch t[ind] {
		case '#', '{', '[', '|', '>', '?', '&', '!', '*':
			return
		case '"', '\'':
			r.quoted(l.start+ind, l, p)
			return
		}
		if !redactable(t[ind:plainEnd(t, ind)], p.exact) {
			return
		}
		end := l.end
		if last := r.continuation(l.next, col); last >= 0 {
			end = last
		}
		r.addValue(l.start+ind, end, p.cls, '"', true)
		r.consumed = max(r.consumed, end)
		return
	}
}

// blockScalar redacts the content of a "|" or ">" block scalar whose
// header ends line ln.
func (r *redactor) blockScalar(ln textLine, col int, p pendingValue, strip bool) {
	// The content: from the first to the last non-blank line indented
	// more than the key.
	first, last, contentIndent := -1, -1, 0
	for off := ln.next; off < len(r.data); {
		l := r.lineAt(off)
		ind, blank := indentOf(r.text(l))
		if !blank && ind <= col {
			break
		}
		if !blank {
			if first < 0 {
				first, contentIndent = l.start, ind
			}
			last = l.end
		}
		off = l.next
	}
	if first < 0 {
		return
	}
	var value bytes.Buffer
	for off := first; off < last; {
		l := r.lineAt(off)
		if off > first {
			value.WriteByte('\n')
		}
		if t := r.text(l); len(t) > contentIndent {
			value.Write(t[contentIndent:])
		}
		off = l.next
	}
	if !strip {
		value.WriteByte('\n')
	}
	if !redactable(bytes.TrimSpace(value.Bytes()), true) {
		return
	}
	r.add(secretSpan{start: first + contentIndent, end: last, value: value.Bytes(), password: p.cls == secretPassword, syntax: true})
	r.consumed = max(r.consumed, last)
}

// quoted redacts the quoted value opening at offset o; in YAML it may run
// over several lines, elsewhere it ends with its line.
func (r *redactor) quoted(o int, ln textLine, p pendingValue) {
	q := r.data[o]
	limit := ln.end
	if r.kind == kindYAML {
		limit = len(r.data)
	}
	end := -1
	for k := o + 1; k < limit; k++ {
		c := r.data[k]
		if q == '"' && c == '\\' {
			k++
			continue
		}
		if c == q {
			if q == '\'' && k+1 < limit && r.data[k+1] == '\'' {
				k++
				continue
			}
			end = k
			break
		}
	}
	spanEnd := end + 1
	if end < 0 {
		// Never closed: the rest of the line, or of the file.
		end, spanEnd = limit, limit
		if limit == len(r.data) {
			end, spanEnd = r.lastLineEnd(), r.lastLineEnd()
		}
	}
	inner := r.data[o+1 : end]
	if !redactable(inner, p.exact) {
		return
	}
	r.add(secretSpan{start: o, end: spanEnd, value: inner, password: p.cls == secretPassword, quote: q, syntax: true})
	if spanEnd > ln.end {
		r.consumed = max(r.consumed, spanEnd)
	}
}

// lastLineEnd is the end of the data less a final line break.
func (r *redactor) lastLineEnd() int {
	e := len(r.data)
	if e > 0 && r.data[e-1] == '\n' {
		e--
		if e > 0 && r.data[e-1] == '\r' {
			e--
		}
	}
	return e
}

// secretDocuments tells, for each YAML document of data, whether it is a
// Secret manifest (kind: Secret at the top level).
func secretDocuments(data []byte) []bool {
	docs := []bool{false}
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		t := bytes.TrimRight(data[off:end], " \t\r")
		off = end + 1
		switch {
		case (bytes.HasPrefix(t, []byte("---")) || bytes.HasPrefix(t, []byte("..."))) && (len(t) == 3 || t[3] == ' ' || t[3] == '\t'):
			docs = append(docs, false)
		case bytes.HasPrefix(t, []byte("kind:")):
			v := bytes.TrimSpace(t[len("kind:"):])
			if i := bytes.Index(v, []byte(" #")); i >= 0 {
				v = bytes.TrimSpace(v[:i])
			}
			v = bytes.Trim(v, `"'`)
			if string(v) == "Secret" {
				docs[len(docs)-1] = true
			}
		}
	}
	return docs
}

// --- KEY=value lines: env files, systemd, TOML, INI ---

// assignment redacts the value of a line "KEY=value", "KEY = value" or
// "export KEY=value" whose key names a secret. An unquoted value runs to
// the end of the line.
func (r *redactor) assignment(ln textLine) {
	t := r.text(ln)
	p := skipBlanks(t, 0)
	if bytes.HasPrefix(t[p:], []byte("export ")) {
		p = skipBlanks(t, p+len("export "))
	}
	var key []byte
	k := p
	if p < len(t) && t[p] == '"' {
		e := quoteEnd(t, p)
		if e < 0 {
			return
		}
		key, k = t[p+1:e-1], e
	} else {
		if p >= len(t) || !isIdentStart(t[p]) {
			return
		}
		for k < len(t) && isIdentChar(t[k]) {
			k++
		}
		key = t[p:k]
	}
	k = skipBlanks(t, k)
	if k >= len(t) || t[k] != '=' || k+1 < len(t) && t[k+1] == '=' {
		return
	}
	cls, exact := classifyName(key)
	if cls == notSecret {
		return
	}
	v := skipBlanks(t, k+1)
	if v < len(t) && (t[v] == '"' || t[v] == '\'') {
		r.quoted(ln.start+v, ln, pendingValue{cls: cls, exact: exact})
		return
	}
	e := len(t)
	for e > v && (t[e-1] == ' ' || t[e-1] == '\t') {
		e--
	}
	if !redactable(t[v:e], exact) {
		return
	}
	var quote byte
	if r.kind != kindYAML {
		quote = '"'
	}
	r.addValue(ln.start+v, ln.start+e, cls, quote, true)
}

func isIdentStart(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || '0' <= c && c <= '9' || c == '-' || c == '.'
}

// --- CSV token and basic-auth files ---

// csvLine redacts the first column of a token or basic-auth CSV line: the
// token or the password.
func (r *redactor) csvLine(ln textLine) {
	t := r.text(ln)
	p := skipBlanks(t, 0)
	if p >= len(t) || t[p] == '#' {
		return
	}
	if t[p] == '"' {
		e := p + 1
		for e < len(t) {
			if t[e] == '"' {
				if e+1 < len(t) && t[e+1] == '"' {
					e += 2
					continue
				}
				break
			}
			e++
		}
		if redactable(t[p+1:e], true) {
			r.add(secretSpan{start: ln.start + p + 1, end: ln.start + e, password: true, syntax: true})
		}
		return
	}
	e := p
	for e < len(t) && t[e] != ',' {
		e += max(1, markerAt(t, e))
	}
	if redactable(t[p:e], true) {
		r.add(secretSpan{start: ln.start + p, end: ln.start + e, password: true, syntax: true})
	}
}

// --- JSON and flow-mapping pairs ---

// pairs redacts the values of `"key": value` anywhere in a line from
// offset from, and of `key: value` right after "{" or "," (YAML flow
// mappings).
func (r *redactor) pairs(ln textLine, from int) {
	t := r.text(ln)
	for p := from; p < len(t); {
		switch t[p] {
		case '"':
			e := quoteEnd(t, p)
			if e < 0 {
				return
			}
			k := skipBlanks(t, e)
			if k < len(t) && t[k] == ':' {
				p = r.pairValue(ln, t[p+1:e-1], k+1)
				continue
			}
			p = e
		case '{', ',':
			k := skipBlanks(t, p+1)
			e := k
			for e < len(t) && isIdentChar(t[e]) {
				e++
			}
			c := skipBlanks(t, e)
			if e > k && isIdentStart(t[k]) && c < len(t) && t[c] == ':' && (c+1 == len(t) || t[c+1] == ' ' || t[c+1] == '"' || t[c+1] == '\'') {
				p = r.pairValue(ln, t[k:e], c+1)
				continue
			}
			p++
		default:
			p++
		}
	}
}

// pairValue handles the value after "key:" at t[v] and returns where the
// scan goes on.
func (r *redactor) pairValue(ln textLine, key []byte, v int) int {
	t := r.text(ln)
	v = skipBlanks(t, v)
	cls, exact := classifyName(key)
	if string(key) == "value" && r.pairEnv != notSecret && cls == notSecret {
		cls = r.pairEnv
	}
	r.pairEnv = notSecret
	if v >= len(t) {
		return v
	}
	if m := markerAt(t, v); m > 0 {
		return v + m
	}
	switch t[v] {
	case '{', '[':
		return v // a nested collection: its pairs are scanned in turn
	case '"', '\'':
		e, inner := quotedWord(t, v)
		if string(key) == "name" {
			r.pairEnv, _ = classifyName(inner)
		}
		if cls != notSecret && redactable(inner, exact) {
			r.add(secretSpan{start: ln.start + v, end: ln.start + e, value: inner, password: cls == secretPassword, quote: t[v], syntax: true})
		}
		return e
	}
	e := v
	for e < len(t) && t[e] != ',' && t[e] != '}' && t[e] != ']' {
		e += max(1, markerAt(t, e))
	}
	for e > v && (t[e-1] == ' ' || t[e-1] == '\t') {
		e--
	}
	if string(key) == "name" {
		r.pairEnv, _ = classifyName(t[v:e])
	}
	if cls != notSecret && redactable(t[v:e], exact) {
		r.addValue(ln.start+v, ln.start+e, cls, '"', true)
	}
	return e
}

// --- flags and variables anywhere: command lines, env lists ---

// words redacts the values of secret flags (--token=v, --token v) and of
// secret variables (NAME=v) anywhere in a line, following shell quoting.
func (r *redactor) words(ln textLine) {
	t := r.text(ln)
	var q byte // the quote we are inside
	for p := 0; p < len(t); p++ {
		c := t[p]
		switch {
		case q == '"' && c == '\\':
			p++
		case c == '"' || c == '\'':
			if q == 0 {
				q = c
			} else if q == c {
				q = 0
			}
		case c == '-' && p+2 < len(t) && t[p+1] == '-' && isAlnum(t[p+2]) && (p == 0 || flagBoundary(t[p-1])):
			var next int
			next, q = r.flag(ln, p, q)
			p = next - 1
		case isIdentStart(c) && (p == 0 || varBoundary(t[p-1])):
			e := p
			for e < len(t) && isIdentChar(t[e]) {
				e++
			}
			if e >= len(t) || t[e] != '=' || e+1 < len(t) && t[e+1] == '=' {
				p = e - 1
				continue
			}
			if cls, exact := classifyName(t[p:e]); cls != notSecret {
				stopAmp := p > 0 && (t[p-1] == '?' || t[p-1] == '&')
				p = r.wordValue(ln, e+1, q, cls, exact, stopAmp) - 1
				continue
			}
			p = e // the value may hold flags: scan it
		}
	}
}

func isAlnum(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
}

func flagBoundary(c byte) bool {
	switch c {
	case ' ', '\t', '"', '\'', '[', ',', '=', '(', '{':
		return true
	}
	return false
}

func varBoundary(c byte) bool {
	switch c {
	case ' ', '\t', '"', '\'', '=', ';', ',', '?', '&', '{', '(', '[':
		return true
	}
	return false
}

// flag handles "--name" at t[p], inside quote q; it returns where the scan
// goes on and the quote it is then inside.
func (r *redactor) flag(ln textLine, p int, q byte) (int, byte) {
	t := r.text(ln)
	e := p + 2
	for e < len(t) && (isAlnum(t[e]) || t[e] == '-' || t[e] == '_') {
		e++
	}
	cls, exact := classifyName(t[p+2 : e])
	if cls == notSecret {
		return e, q
	}
	if e < len(t) && t[e] == '=' {
		return r.wordValue(ln, e+1, q, cls, exact, false), q
	}
	// "--token value", "--token" "value", "--token", "value"
	k := e
	if q != 0 && k < len(t) && t[k] == q {
		k++
		q = 0
	}
	k = skipBlanks(t, k)
	if k < len(t) && t[k] == ',' {
		k = skipBlanks(t, k+1)
	}
	switch {
	case k >= len(t):
		if r.kind == kindJSON {
			r.wordFlag = pendingValue{cls: cls, exact: exact, set: true}
		}
		return k, q
	case t[k] == '\\' && skipBlanks(t, k+1) == len(t):
		r.wordFlag = pendingValue{cls: cls, exact: exact, set: true}
		return len(t), q
	case t[k] == '-' || t[k] == ']' || t[k] == '}' || t[k] == '#':
		return k, q
	case t[k] == '"' || t[k] == '\'':
		if t[k] != q {
			return r.wordValue(ln, k, q, cls, exact, false), q
		}
		return k, q
	}
	return r.wordValue(ln, k, q, cls, exact, false), q
}

// wordValue redacts the unquoted or quoted word value at t[v], inside quote
// q, and returns its end.
func (r *redactor) wordValue(ln textLine, v int, q byte, cls secretClass, exact, stopAmp bool) int {
	t := r.text(ln)
	if v >= len(t) || q != 0 && t[v] == q {
		return v
	}
	if m := markerAt(t, v); m > 0 {
		return v + m
	}
	if (t[v] == '"' || t[v] == '\'') && t[v] != q {
		e, inner := quotedWord(t, v)
		if redactable(inner, exact) {
			r.add(secretSpan{start: ln.start + v, end: ln.start + e, value: inner, password: cls == secretPassword, quote: t[v]})
		}
		return e
	}
	e := v
	for e < len(t) {
		if m := markerAt(t, e); m > 0 {
			e += m // a marker stands for a word
			continue
		}
		c := t[e]
		if c == ' ' || c == '\t' || stopAmp && (c == '&' || c == ';') {
			break
		}
		if q == '"' && c == '\\' && e+1 < len(t) {
			e += 2
			continue
		}
		if q != 0 && c == q && (e+1 == len(t) || wordEnd(t[e+1])) {
			break
		}
		e++
	}
	if !redactable(t[v:e], exact) {
		return e
	}
	var quote byte
	if r.kind == kindShell && q == 0 {
		quote = '"'
	}
	r.addValue(ln.start+v, ln.start+e, cls, quote, false)
	return e
}

// quotedWord returns the end of the string quoted at t[v] (the end of the
// line if it is not closed) and its content.
func quotedWord(t []byte, v int) (int, []byte) {
	e := quoteEnd(t, v)
	if e < 0 {
		return len(t), t[v+1:]
	}
	return e, t[v+1 : e-1]
}

func wordEnd(c byte) bool {
	switch c {
	case ' ', '\t', ',', ';', ')', ']', '}', '"', '\'':
		return true
	}
	return false
}

// --- URLs with credentials ---

// urls redacts the password of scheme://user:password@host, or the whole
// user part when it has no password (a token used as the user name).
func (r *redactor) urls(ln textLine) {
	t := r.text(ln)
	for from := 0; ; {
		i := bytes.Index(t[from:], []byte("://"))
		if i < 0 {
			return
		}
		a := from + i + 3
		e := a
		for e < len(t) {
			if m := markerAt(t, e); m > 0 {
				e += m
				continue
			}
			if urlStop(t[e]) {
				break
			}
			e++
		}
		from = e
		at := bytes.LastIndexByte(t[a:e], '@')
		if at <= 0 {
			continue
		}
		ui := t[a : a+at]
		start, cls := a, secretHashed
		for c := 0; c < len(ui); c += max(1, markerAt(ui, c)) {
			if ui[c] == ':' {
				start, cls = a+c+1, secretPassword
				break
			}
		}
		if redactable(t[start:a+at], true) && markerAt(t, start) == 0 {
			r.addValue(ln.start+start, ln.start+a+at, cls, 0, false)
		}
	}
}

func urlStop(c byte) bool {
	switch c {
	case '/', '?', '#', ' ', '\t', '"', '\'', '<', '>', '`', ',', '\\':
		return true
	}
	return false
}

// --- kubeadm bootstrap tokens: [a-z0-9]{6}.[a-z0-9]{16} ---

func (r *redactor) bootstrapTokens(ln textLine) {
	t := r.text(ln)
	for from := 0; ; from += 23 {
		from = nextBootstrapToken(t, from)
		if from < 0 {
			return
		}
		r.addValue(ln.start+from, ln.start+from+23, secretHashed, 0, false)
	}
}

// nextBootstrapToken returns the offset of the first bootstrap token in
// t[from:], or -1.
func nextBootstrapToken(t []byte, from int) int {
	for {
		i := bytes.IndexByte(t[from:], '.')
		if i < 0 {
			return -1
		}
		d := from + i
		from = d + 1
		s, e := d-6, d+17
		if s < 0 || e > len(t) || s > 0 && tokenChar(t[s-1]) || e < len(t) && tokenChar(t[e]) {
			continue
		}
		if lowerAlnum(t[s:d]) && lowerAlnum(t[d+1:e]) {
			return s
		}
	}
}

func lowerAlnum(b []byte) bool {
	for _, c := range b {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func tokenChar(c byte) bool { return isAlnum(c) || c == '.' || c == '_' || c == '-' }

// --- markers ---

const markerPrefix = "<redacted: "

// marker returns the marker of a secret value.
func redactionMarker(value []byte, password bool) string {
	m := markerPrefix + strconv.Itoa(len(value)) + " bytes"
	if !password {
		sum := sha256.Sum256(value)
		m += ", sha256:" + hexString(sum[:8])
	}
	return m + ">"
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// markerAt returns the length of the marker starting at t[i], or 0.
func markerAt(t []byte, i int) int {
	s := t[i:]
	if !bytes.HasPrefix(s, []byte(markerPrefix)) {
		return 0
	}
	k := len(markerPrefix)
	d := k
	for k < len(s) && '0' <= s[k] && s[k] <= '9' {
		k++
	}
	if k == d || !bytes.HasPrefix(s[k:], []byte(" bytes")) {
		return 0
	}
	k += len(" bytes")
	if bytes.HasPrefix(s[k:], []byte(", sha256:")) {
		k += len(", sha256:")
		if k+16 > len(s) {
			return 0
		}
		for _, c := range s[k : k+16] {
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return 0
			}
		}
		k += 16
	}
	if k >= len(s) || s[k] != '>' {
		return 0
	}
	return k + 1
}

func isMarker(v []byte) bool { return len(v) > 0 && markerAt(v, 0) == len(v) }

// --- applying the spans ---

type redaction struct {
	start, end int
	repl       string
}

// mergeSpans sorts the spans and resolves overlaps: where one span covers all
// the others it meets, it stands for them; otherwise their union is
// redacted as one value.
func mergeSpans(spans []secretSpan) []secretSpan {
	sort.Slice(spans, func(i, j int) bool {
		a, b := spans[i], spans[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if a.end != b.end {
			return a.end > b.end
		}
		return a.syntax && !b.syntax
	})
	var out []secretSpan
	for i := 0; i < len(spans); {
		g := spans[i]
		end, pw := g.end, g.password
		j := i + 1
		// Spans that touch are one value: two markers side by side
		// would read as one unknown value the next time.
		for ; j < len(spans) && spans[j].start <= end; j++ {
			end = max(end, spans[j].end)
			pw = pw || spans[j].password
		}
		if end != g.end {
			g = secretSpan{start: g.start, end: end}
		}
		g.password = pw
		out = append(out, g)
		i = j
	}
	return out
}

func (r *redactor) apply() ([]byte, int) {
	if len(r.spans) == 0 {
		return r.data, 0
	}
	spans := mergeSpans(r.spans)
	edits := make([]redaction, 0, len(spans))
	ri := 0
	for i := 0; i < len(spans); {
		s := spans[i]
		// Skip the plain YAML scalars that end before this span.
		for ri < len(r.regions) && r.regions[ri][1] <= s.start {
			ri++
		}
		if ri < len(r.regions) && r.regions[ri][0] <= s.start {
			e, n, ok := r.quoteRegion(r.regions[ri], spans[i:])
			ri++ // tried once
			if ok {
				edits = append(edits, e)
				i += n
				continue
			}
		}
		m := redactionMarker(r.valueOf(s), s.password)
		if s.quote != 0 {
			m = string(s.quote) + m + string(s.quote)
		}
		edits = append(edits, redaction{s.start, s.end, m})
		i++
	}
	var out bytes.Buffer
	out.Grow(len(r.data))
	prev := 0
	for _, e := range edits {
		out.Write(r.data[prev:e.start])
		out.WriteString(e.repl)
		seg := r.data[e.start:e.end]
		for k, c := range seg {
			if c == '\n' {
				if k > 0 && seg[k-1] == '\r' {
					out.WriteByte('\r')
				}
				out.WriteByte('\n')
			}
		}
		prev = e.end
	}
	out.Write(r.data[prev:])
	return out.Bytes(), len(spans)
}

func (r *redactor) valueOf(s secretSpan) []byte {
	if s.value != nil {
		return s.value
	}
	return r.data[s.start:s.end]
}

// quoteRegion rewrites the plain scalar reg, which holds spans, as a
// single-quoted scalar with the markers in it. It does nothing (ok false)
// when a span crosses the scalar's bounds, or when the one span is the
// whole scalar and brings its own quotes.
func (r *redactor) quoteRegion(reg [2]int, spans []secretSpan) (e redaction, n int, ok bool) {
	for n < len(spans) && spans[n].start < reg[1] {
		if spans[n].end > reg[1] {
			return e, 0, false
		}
		n++
	}
	if n == 1 && spans[0].start == reg[0] && spans[0].end == reg[1] {
		if spans[0].quote != 0 {
			return e, 0, false
		}
		return redaction{reg[0], reg[1], `"` + redactionMarker(r.valueOf(spans[0]), spans[0].password) + `"`}, 1, true
	}
	var b strings.Builder
	b.WriteByte('\'')
	prev := reg[0]
	for _, s := range spans[:n] {
		b.WriteString(strings.ReplaceAll(string(r.data[prev:s.start]), "'", "''"))
		b.WriteString(redactionMarker(r.valueOf(s), s.password))
		prev = s.end
	}
	b.WriteString(strings.ReplaceAll(string(r.data[prev:reg[1]]), "'", "''"))
	b.WriteByte('\'')
	return redaction{reg[0], reg[1], b.String()}, n, true
}
