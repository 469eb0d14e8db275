package collector

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/redact"
)

// An API snapshot seals what kubectl printed about a cluster's objects
// (`kubectl get KINDS -A -o json`) into a bundle of kind api-snapshot, so
// that section 5 of the benchmarks (RBAC, pod security, network policies)
// can be decided offline and the evidence outlives the cluster. The
// collector reads kubectl's output; it never talks to the API server
// itself.
//
// Objects of the kinds the redactor has a schema for are kept, redacted
// field by field as closed-world as node files are (docs/redaction.md);
// every other kind — Secrets and ConfigMaps first of all — is dropped and
// only counted.

// SnapshotInput is one kubectl output: a List (`-o json` of several
// objects), a single object, or `kubectl version -o json`, or several of
// these one after the other.
type SnapshotInput struct {
	Name string // the file name, or "-" for standard input
	R    io.Reader
}

// SnapshotOptions configure Snapshot.
type SnapshotOptions struct {
	// Cluster names the cluster in the manifest (optional).
	Cluster string
	// Time is the capture time; zero means now.
	Time time.Time
	// Version is the collector's version.
	Version string
	// RedactionKey keys the markers' digests (redact.DeriveKey).
	RedactionKey []byte
	// MaxInput bounds the bytes read from each input (default
	// DefaultMaxSnapshotInput); MaxObject bounds one object's JSON
	// (default DefaultMaxSnapshotObject).
	MaxInput  int64
	MaxObject int64
	// Hostname and User describe where and as whom the capture ran.
	Hostname string
	User     bundle.Account
}

// Limits of one snapshot input and of one object in it.
const (
	DefaultMaxSnapshotInput  = 4 << 30
	DefaultMaxSnapshotObject = 4 << 20
)

// SnapshotResult is a sealed API snapshot.
type SnapshotResult struct {
	Bundle   []byte
	Manifest bundle.Manifest
	Digest   bundle.Digest
	// Kept and Dropped count objects.
	Kept, Dropped int
}

// SnapshotError is a malformed input: it names the input and what is
// wrong.
type SnapshotError struct {
	Input string
	Msg   string
	Err   error
}

func (e *SnapshotError) Error() string {
	name := e.Input
	if name == "-" {
		name = "standard input"
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", name, e.Msg, e.Err)
	}
	return name + ": " + e.Msg
}

func (e *SnapshotError) Unwrap() error { return e.Err }

// apiObject is one kept object, redacted.
type apiObject struct {
	namespace, name string
	data            []byte
	input           string
}

type kindKey struct{ kind, group string }

type objectID struct {
	kindKey
	namespace, name string
}

type snapshotter struct {
	opts     SnapshotOptions
	red      *redact.Redactor
	kept     map[kindKey][]apiObject
	index    map[objectID]int
	dropped  map[kindKey]int
	redacted map[kindKey]int
	versions []bundle.VersionEvidence
	sources  []bundle.SnapshotSource
}

// Snapshot reads the inputs and seals the objects the checks need into an
// api-snapshot bundle.
func Snapshot(inputs []SnapshotInput, opts SnapshotOptions) (*SnapshotResult, error) {
	if opts.MaxInput <= 0 {
		opts.MaxInput = DefaultMaxSnapshotInput
	}
	if opts.MaxObject <= 0 {
		opts.MaxObject = DefaultMaxSnapshotObject
	}
	started := opts.Time
	if started.IsZero() {
		started = time.Now().UTC().Truncate(time.Second)
	}
	s := &snapshotter{opts: opts, red: redact.New(opts.RedactionKey),
		kept: map[kindKey][]apiObject{}, index: map[objectID]int{}, dropped: map[kindKey]int{}, redacted: map[kindKey]int{}}
	if err := CheckClusterName(opts.Cluster); err != nil {
		return nil, fmt.Errorf("cluster name %w", err)
	}
	if len(inputs) == 0 {
		return nil, errors.New("no input: pipe kubectl get KINDS -A -o json into it, or name the files")
	}
	for _, in := range inputs {
		if err := s.read(in); err != nil {
			return nil, err
		}
	}
	w := bundle.NewWriter()
	sn := &bundle.Snapshot{Cluster: opts.Cluster, Sources: s.sources}
	res := &SnapshotResult{}
	for _, k := range sortedKinds(s.kept) {
		objs := s.kept[k]
		slices.SortFunc(objs, func(a, b apiObject) int {
			if c := strings.Compare(a.namespace, b.namespace); c != 0 {
				return c
			}
			return strings.Compare(a.name, b.name)
		})
		kc := bundle.KindCount{Kind: k.kind, Group: k.group, Count: len(objs), Redactions: s.redacted[k]}
		base := APIMember(k.kind, k.group)
		for start := 0; start < len(objs); {
			end, size := start, 0
			for end < len(objs) && (end == start || size+len(objs[end].data) <= bundle.MaxAPIMember) {
				size += len(objs[end].data)
				end++
			}
			member := base
			if len(kc.Members) > 0 {
				member = fmt.Sprintf("%s.%d.json", strings.TrimSuffix(base, ".json"), len(kc.Members)+1)
			}
			if err := w.Add(member, apiDocument(k, objs[start:end])); err != nil {
				return nil, err
			}
			kc.Members = append(kc.Members, member)
			start = end
		}
		sn.Kinds = append(sn.Kinds, kc)
		res.Kept += len(objs)
	}
	for _, k := range sortedKinds(s.dropped) {
		sn.Dropped = append(sn.Dropped, bundle.KindCount{Kind: k.kind, Group: k.group, Count: s.dropped[k]})
		res.Dropped += s.dropped[k]
	}
	if res.Kept == 0 {
		return nil, fmt.Errorf("no object of a kind the checks need in %s (dropped %d): capture pods, roles, bindings, namespaces… (see docs/api-snapshot.md)", inputNames(inputs), res.Dropped)
	}
	finished := opts.Time
	if finished.IsZero() {
		finished = time.Now().UTC().Truncate(time.Second)
	}
	m := bundle.Manifest{
		Kind:       bundle.KindAPISnapshot,
		Collector:  bundle.Collector{Name: "kubeproof-collect", Version: opts.Version},
		Host:       bundle.Host{Hostname: opts.Hostname, Roles: []string{}, Components: []string{}, Kubernetes: s.versions},
		Collection: bundle.Collection{Started: started, Finished: finished, User: opts.User, Mode: "api"},
		Redaction:  &bundle.Redaction{Rules: "closed-world", KeyID: s.red.KeyID()},
		Snapshot:   sn,
	}
	data, man, digest, err := w.Finish(m)
	if err != nil {
		return nil, err
	}
	res.Bundle, res.Manifest, res.Digest = data, man, digest
	return res, nil
}

func inputNames(inputs []SnapshotInput) string {
	names := make([]string, len(inputs))
	for i, in := range inputs {
		names[i] = in.Name
		if in.Name == "-" {
			names[i] = "standard input"
		}
	}
	return strings.Join(names, ", ")
}

func sortedKinds[V any](m map[kindKey]V) []kindKey {
	keys := make([]kindKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b kindKey) int {
		if c := strings.Compare(a.group, b.group); c != 0 {
			return c
		}
		return strings.Compare(a.kind, b.kind)
	})
	return keys
}

// APIMember is the member of an API snapshot that holds the objects of
// kind in group: "api/pods.json", "api/clusterroles.rbac.authorization.k8s.io.json"
// (the resource name kubectl accepts).
func APIMember(kind, group string) string {
	name := strings.ToLower(kind)
	switch {
	case strings.HasSuffix(name, "policy"):
		name = strings.TrimSuffix(name, "y") + "ies"
	case strings.HasSuffix(name, "s"):
		name += "es"
	default:
		name += "s"
	}
	if group != "" {
		name += "." + group
	}
	return bundle.APIPrefix + name + ".json"
}

// read reads one input: JSON documents one after the other, each a List,
// an object or kubectl's version document.
func (s *snapshotter) read(in SnapshotInput) error {
	h := sha256.New()
	lr := &limitedReader{r: io.TeeReader(in.R, h), left: s.opts.MaxInput}
	dec := json.NewDecoder(lr)
	dec.UseNumber()
	src := bundle.SnapshotSource{Name: in.Name}
	docs := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.inputErr(in, lr, "not JSON as kubectl -o json prints it", err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return s.inputErr(in, lr, fmt.Sprintf("document %d is not a JSON object", docs+1), nil)
		}
		n, err := s.document(in, dec, lr)
		if err != nil {
			return err
		}
		src.Items += n
		docs++
	}
	if docs == 0 {
		return &SnapshotError{Input: in.Name, Msg: "empty: no JSON document"}
	}
	src.Size = lr.read
	src.SHA256 = bundle.Digest(h.Sum(nil))
	s.sources = append(s.sources, src)
	return nil
}

func (s *snapshotter) inputErr(in SnapshotInput, lr *limitedReader, msg string, err error) error {
	if lr.over {
		return &SnapshotError{Input: in.Name, Msg: fmt.Sprintf("larger than %d bytes", s.opts.MaxInput)}
	}
	return &SnapshotError{Input: in.Name, Msg: msg, Err: err}
}

// document reads the rest of one top-level object, whose '{' was read.
// A List's items are read one by one, so that a large List is never held
// whole.
func (s *snapshotter) document(in SnapshotInput, dec *json.Decoder, lr *limitedReader) (int, error) {
	fields := map[string]json.RawMessage{}
	items := -1
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return 0, s.inputErr(in, lr, "reading a document", err)
		}
		key, _ := tok.(string)
		if _, dup := fields[key]; dup || key == "items" && items >= 0 {
			return 0, &SnapshotError{Input: in.Name, Msg: fmt.Sprintf("key %q twice in one document", key)}
		}
		if key == "items" {
			n, err := s.items(in, dec, lr)
			if err != nil {
				return 0, err
			}
			items = n
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return 0, s.inputErr(in, lr, fmt.Sprintf("reading %q", key), err)
		}
		if int64(len(raw)) > s.opts.MaxObject {
			return 0, &SnapshotError{Input: in.Name, Msg: fmt.Sprintf("field %q larger than %d bytes", key, s.opts.MaxObject)}
		}
		fields[key] = raw
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return 0, s.inputErr(in, lr, "reading a document", err)
	}
	switch {
	case items >= 0:
		return items, nil
	case fields["serverVersion"] != nil:
		return 0, s.version(in, fields["serverVersion"])
	case fields["kind"] != nil:
		obj, err := json.Marshal(fields)
		if err != nil {
			return 0, err
		}
		return 1, s.object(in, obj, 0)
	}
	return 0, &SnapshotError{Input: in.Name, Msg: "a JSON object that is neither a List, an API object nor kubectl's version document"}
}

func (s *snapshotter) items(in SnapshotInput, dec *json.Decoder, lr *limitedReader) (int, error) {
	tok, err := dec.Token()
	if err != nil {
		return 0, s.inputErr(in, lr, "reading items", err)
	}
	if tok == nil {
		return 0, nil // "items": null
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return 0, &SnapshotError{Input: in.Name, Msg: "items is not a list"}
	}
	n := 0
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return 0, s.inputErr(in, lr, fmt.Sprintf("reading item %d", n), err)
		}
		if int64(len(raw)) > s.opts.MaxObject {
			return 0, &SnapshotError{Input: in.Name, Msg: fmt.Sprintf("item %d is larger than %d bytes", n, s.opts.MaxObject)}
		}
		if err := s.object(in, raw, n); err != nil {
			return 0, err
		}
		n++
	}
	if _, err := dec.Token(); err != nil {
		return 0, s.inputErr(in, lr, "reading items", err)
	}
	return n, nil
}

// version records kubectl version's serverVersion.
func (s *snapshotter) version(in SnapshotInput, raw json.RawMessage) error {
	var v struct {
		GitVersion string `json:"gitVersion"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || !isVersion(v.GitVersion) || len(v.GitVersion) > 128 || hasControlChars(v.GitVersion) {
		return &SnapshotError{Input: in.Name, Msg: "serverVersion without a gitVersion such as v1.33.4", Err: err}
	}
	s.versions = append(s.versions, bundle.VersionEvidence{Version: v.GitVersion, Component: "kube-apiserver", Source: "kubectl-version", Path: in.Name})
	return nil
}

// metaFields are the bookkeeping fields of metadata that no check reads
// and that change with every write: not kept.
var metaFields = []string{"managedFields", "resourceVersion", "selfLink", "generation"}

// statusKept are the status fields kept per kind; other kinds' status is
// not kept.
var statusKept = map[string][]string{
	"Pod":                       {"phase", "qosClass"},
	"Namespace":                 {"phase"},
	"CertificateSigningRequest": {"conditions"},
}

// object keeps or drops one object.
func (s *snapshotter) object(in SnapshotInput, raw json.RawMessage, index int) error {
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return &SnapshotError{Input: in.Name, Msg: fmt.Sprintf("item %d is not a JSON object", index), Err: err}
	}
	kind, _ := obj["kind"].(string)
	apiVersion, _ := obj["apiVersion"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	if kind == "" || apiVersion == "" || name == "" {
		return &SnapshotError{Input: in.Name, Msg: fmt.Sprintf("item %d has no kind, apiVersion or metadata.name (is this kubectl's -o json?)", index)}
	}
	group, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group = ""
	}
	k := kindKey{kind, group}
	if _, known := redact.APIKind(kind, group); !known {
		s.dropped[k]++
		return nil
	}
	for _, f := range metaFields {
		delete(meta, f)
	}
	if st, ok := obj["status"].(map[string]any); ok {
		keep := map[string]any{}
		for _, f := range statusKept[kind] {
			if v, ok := st[f]; ok {
				keep[f] = v
			}
		}
		if len(keep) == 0 {
			delete(obj, "status")
		} else {
			obj["status"] = keep
		}
	}
	if kind == "CertificateSigningRequest" {
		csrSubject(obj)
	}
	clean, err := json.Marshal(obj)
	if err != nil {
		return &SnapshotError{Input: in.Name, Msg: fmt.Sprintf("%s %s", kind, name), Err: err}
	}
	f := s.red.Object(clean)
	if f.Skipped != "" || f.Data == nil {
		return &SnapshotError{Input: in.Name, Msg: fmt.Sprintf("%s %s: %s", kind, objName(ns, name), f.Skipped)}
	}
	id := objectID{k, ns, name}
	if i, dup := s.index[id]; dup {
		if o := s.kept[k][i]; !bytes.Equal(o.data, f.Data) {
			return &SnapshotError{Input: in.Name, Msg: fmt.Sprintf("%s %s is also in %s, with other content: give each object once (one capture)", kind, objName(ns, name), o.input)}
		}
		return nil
	}
	s.index[id] = len(s.kept[k])
	s.kept[k] = append(s.kept[k], apiObject{namespace: ns, name: name, data: f.Data, input: in.Name})
	s.redacted[k] += f.Redactions
	return nil
}

func objName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

// limitedReader fails once more than left bytes are read.
type limitedReader struct {
	r    io.Reader
	left int64
	read int64
	over bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		l.over = true
		return 0, errors.New("input too large")
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	l.read += int64(n)
	return n, err
}

// CheckClusterName checks a cluster's name for a snapshot's manifest: no
// control character (the bundle reader refuses one), at most 253 bytes.
func CheckClusterName(name string) error {
	if hasControlChars(name) || len(name) > 253 {
		return fmt.Errorf("%q: a name without control characters, at most 253 bytes", name)
	}
	return nil
}

func hasControlChars(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// apiDocument encodes an API member: a bundle.APIObjects document with
// each item compact on a line of its own (an object's JSON as the
// redactor left it), so that the member stays as small as kubectl's own
// output and a line is an object.
func apiDocument(k kindKey, objs []apiObject) []byte {
	var b bytes.Buffer
	head, _ := json.Marshal(struct {
		Kind  string `json:"kind"`
		Group string `json:"group,omitempty"`
	}{k.kind, k.group})
	b.Write(head[:len(head)-1])
	b.WriteString(`,"items":[`)
	for i, o := range objs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n")
		b.Write(o.data)
	}
	b.WriteString("\n]}\n")
	return b.Bytes()
}

// csrSubject replaces a CertificateSigningRequest's request (base64 of a
// PEM PKCS#10 request: a public key and a subject) by the subject it asks
// for, spec.requestSubject {commonName, organization}, which 5.1.7 reads
// (O=system:masters is a credential that bypasses RBAC). The request
// itself is not kept. A request that does not parse leaves no subject.
func csrSubject(obj map[string]any) {
	spec, _ := obj["spec"].(map[string]any)
	if spec == nil {
		return
	}
	req, _ := spec["request"].(string)
	delete(spec, "request")
	data, err := base64.StdEncoding.DecodeString(req)
	if err != nil {
		return
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE REQUEST" {
		return
	}
	cn, orgs, ok := requestSubject(block.Bytes)
	if !ok {
		return
	}
	list := make([]any, len(orgs))
	for i, o := range orgs {
		list[i] = o
	}
	spec["requestSubject"] = map[string]any{"commonName": cn, "organization": list}
}

// requestSubject reads the subject's common name and organisations from a
// DER PKCS#10 CertificationRequest (RFC 2986), with the collector's own
// DER reader (crypto/x509 would cost the static binary 300 KiB):
// SEQUENCE { SEQUENCE { version INTEGER, subject Name, … }, … }.
func requestSubject(der []byte) (cn string, orgs []string, ok bool) {
	top := derString(der)
	req, ok := top.read(tagSequence)
	if !ok {
		return "", nil, false
	}
	info, ok := req.read(tagSequence)
	if !ok {
		return "", nil, false
	}
	if _, ok := info.readInteger(tagInteger); !ok {
		return "", nil, false
	}
	name, ok := info.read(tagSequence)
	if !ok {
		return "", nil, false
	}
	for !name.empty() {
		set, ok := name.read(tagSet)
		if !ok {
			return "", nil, false
		}
		for !set.empty() {
			atv, ok := set.read(tagSequence)
			if !ok {
				return "", nil, false
			}
			oid, ok := atv.readOID()
			if !ok {
				return "", nil, false
			}
			tag, value, ok := atv.readAny()
			if !ok {
				return "", nil, false
			}
			v, err := decodeString(tag, value)
			if err != nil {
				return "", nil, false
			}
			switch nameAttribute(oid) {
			case 3:
				cn = v
			case 10:
				orgs = append(orgs, v)
			}
		}
	}
	return cn, orgs, true
}
