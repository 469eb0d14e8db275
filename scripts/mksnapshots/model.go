package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// obj is an API object as `kubectl get -o json` prints it: kubectl
// re-encodes what the API server sends as unstructured maps, so keys come
// out sorted, which encoding/json does for maps too.
type obj = map[string]any

// kv builds an obj from key, value pairs; a nil value (or an empty
// string, list or map) leaves the key out, as the API's omitempty does.
func kv(pairs ...any) obj {
	if len(pairs)%2 != 0 {
		panic("kv: odd number of arguments")
	}
	o := obj{}
	for i := 0; i < len(pairs); i += 2 {
		k := pairs[i].(string)
		if empty(pairs[i+1]) {
			continue
		}
		o[k] = pairs[i+1]
	}
	return o
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case obj:
		return x == nil
	case map[string]string:
		return len(x) == 0
	case *bool:
		return x == nil
	}
	return false
}

// list turns strings into the []any JSON arrays of an obj.
func list(s ...string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

// objs turns objs into a JSON array.
func objs(o ...obj) []any {
	out := make([]any, len(o))
	for i, x := range o {
		out[i] = x
	}
	return out
}

// strmap turns a string map into an obj (nil when empty, so kv drops it).
func strmap(m map[string]string) obj {
	if len(m) == 0 {
		return nil
	}
	o := obj{}
	for k, v := range m {
		o[k] = v
	}
	return o
}

func bptr(b bool) *bool { return &b }

// A *bool prints as its value.
func boolv(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// labels parses "k=v,k2=v2" into a map.
func labels(s string) map[string]string {
	if s == "" {
		return nil
	}
	m := map[string]string{}
	for _, p := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(p, "=")
		m[k] = v
	}
	return m
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// object is one object of a fixture cluster.
type object struct {
	kind, ns, name string
	file           string // the List file it is printed in
	// origin names where a default object comes from ("bootstrap
	// policy", "kubeadm", "chart cert-manager v1.16.3", ...); empty for
	// what this generator plants or adds as the cluster's own workloads.
	origin string
	m      obj
}

func (o *object) key() string { return objKey(o.kind, o.ns, o.name) }

func objKey(kind, ns, name string) string {
	if ns == "" {
		return kind + " " + name
	}
	return kind + " " + ns + "/" + name
}

// files and the kinds each holds, in kubectl's print order: the command
// an operator runs to capture it is in the README.
var fileKinds = []struct {
	file  string
	kinds []string
}{
	{"namespaces.json", []string{"Namespace"}},
	{"rbac.json", []string{"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}},
	{"workloads.json", []string{"Pod", "ReplicationController", "Service", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "HorizontalPodAutoscaler", "CronJob", "Job"}},
	{"policy.json", []string{"ServiceAccount", "NetworkPolicy", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "CertificateSigningRequest"}},
	{"secrets-configmaps.json", []string{"Secret", "ConfigMap"}},
}

func fileOf(kind string) string {
	for _, f := range fileKinds {
		for _, k := range f.kinds {
			if k == kind {
				return f.file
			}
		}
	}
	panic("no file holds kind " + kind)
}

var apiVersions = map[string]string{
	"Namespace": "v1", "Pod": "v1", "Service": "v1", "ServiceAccount": "v1", "Secret": "v1",
	"ConfigMap": "v1", "ReplicationController": "v1",
	"Role": "rbac.authorization.k8s.io/v1", "ClusterRole": "rbac.authorization.k8s.io/v1",
	"RoleBinding": "rbac.authorization.k8s.io/v1", "ClusterRoleBinding": "rbac.authorization.k8s.io/v1",
	"DaemonSet": "apps/v1", "Deployment": "apps/v1", "ReplicaSet": "apps/v1", "StatefulSet": "apps/v1",
	"HorizontalPodAutoscaler": "autoscaling/v2", "CronJob": "batch/v1", "Job": "batch/v1",
	"NetworkPolicy":                  "networking.k8s.io/v1",
	"ValidatingWebhookConfiguration": "admissionregistration.k8s.io/v1",
	"MutatingWebhookConfiguration":   "admissionregistration.k8s.io/v1",
	"CertificateSigningRequest":      "certificates.k8s.io/v1",
}

// hashOf returns hex digits of the SHA-256 of the parts, for names, uids
// and ids that must look random and stay the same from run to run.
func hashOf(parts ...string) string {
	s := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(s[:])
}

// uid formats a version-4 style UUID from a hash.
func uid(parts ...string) string {
	h := []byte(hashOf(parts...))
	h[12] = '4'
	h[16] = "89ab"[h[16]%4]
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

// suffix returns n characters of the alphabet Kubernetes uses for
// generated names (no vowels, no look-alikes).
func suffix(n int, parts ...string) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[int(h[i])%len(alphabet)]
	}
	return string(out)
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// row is one line of planted.tsv: an object that violates a check.
type row struct {
	check, object, what string
	cause               string // key of the object whose content makes the row
}

// canaryRow is one line of canaries.tsv (the internal/canary format).
type canaryRow struct{ value, encoding, where, form string }

// cluster accumulates one fixture cluster.
type cluster struct {
	name    string
	objs    []*object
	byKey   map[string]*object
	rv      int
	clock   time.Time
	nodes   []node
	expects map[string]bool // check + "\t" + object of the rows planted on purpose
	// planted marks expected rows whose cause is a default object changed
	// on purpose (a subject added to a bootstrap binding).
	planted map[string]bool
	canary  []canaryRow
	ips     map[string]int
	ca      string // the CA certificate, PEM
	caCert  *x509.Certificate
}

type node struct {
	name, ip string
	os       string // linux, windows
	cp       bool
	podCIDR  int // third octet of the node's pod addresses
}

func newCluster(name string, start time.Time, nodes []node) *cluster {
	return &cluster{name: name, byKey: map[string]*object{}, rv: 180, clock: start, nodes: nodes,
		expects: map[string]bool{}, planted: map[string]bool{}, ips: map[string]int{}}
}

// at moves the cluster's clock: what is added next was created then.
func (c *cluster) at(t time.Time) { c.clock = t }

func (c *cluster) tick() time.Time {
	t := c.clock
	c.clock = c.clock.Add(3 * time.Second)
	return t
}

// add registers an object: m must hold kind and metadata.name (and
// metadata.namespace for namespaced kinds). It fills apiVersion, uid,
// resourceVersion and creationTimestamp where m lacks them.
func (c *cluster) add(origin string, m obj) *object {
	kind := m["kind"].(string)
	md := m["metadata"].(obj)
	name := md["name"].(string)
	ns, _ := md["namespace"].(string)
	if _, ok := m["apiVersion"]; !ok {
		m["apiVersion"] = apiVersions[kind]
	}
	if _, ok := md["uid"]; !ok {
		md["uid"] = uid(c.name, kind, ns, name)
	}
	if _, ok := md["creationTimestamp"]; !ok {
		md["creationTimestamp"] = ts(c.tick())
	}
	if _, ok := md["resourceVersion"]; !ok {
		c.rv += 7 + int(hashOf(kind, ns, name)[0])%40
		md["resourceVersion"] = strconv.Itoa(c.rv)
	}
	o := &object{kind: kind, ns: ns, name: name, file: fileOf(kind), origin: origin, m: m}
	if _, dup := c.byKey[o.key()]; dup {
		panic("object added twice: " + o.key())
	}
	c.byKey[o.key()] = o
	c.objs = append(c.objs, o)
	return o
}

func (c *cluster) get(kind, ns, name string) *object { return c.byKey[objKey(kind, ns, name)] }

// expect records a row planted on purpose (check, object); the judge must
// find exactly these among the rows of objects that are not defaults.
func (c *cluster) expect(check, object string) { c.expects[check+"\t"+object] = true }

// expectOnDefault expects a row planted in a default object.
func (c *cluster) expectOnDefault(check, object string) {
	c.expect(check, object)
	c.planted[check+"\t"+object] = true
}

// meta builds metadata.
func meta(ns, name string, lbl, ann map[string]string) obj {
	return kv("name", name, "namespace", ns, "labels", strmap(lbl), "annotations", strmap(ann))
}

// kindOrder is the position of a kind in its file.
func kindOrder(kind string) int {
	for _, f := range fileKinds {
		for i, k := range f.kinds {
			if k == kind {
				return i
			}
		}
	}
	return 99
}

// lists renders the cluster's files: each a kubectl List, items by kind
// in the order of the command's KINDS, then by namespace and name as the
// API server lists them.
func (c *cluster) lists() map[string][]byte {
	byFile := map[string][]*object{}
	for _, o := range c.objs {
		byFile[o.file] = append(byFile[o.file], o)
	}
	out := map[string][]byte{}
	for _, f := range fileKinds {
		items := byFile[f.file]
		sort.SliceStable(items, func(i, j int) bool {
			a, b := items[i], items[j]
			if a.kind != b.kind {
				return kindOrder(a.kind) < kindOrder(b.kind)
			}
			if a.ns != b.ns {
				return a.ns < b.ns
			}
			return a.name < b.name
		})
		arr := make([]any, len(items))
		for i, o := range items {
			arr[i] = o.m
		}
		out[f.file] = printJSON(obj{"apiVersion": "v1", "kind": "List", "items": arr, "metadata": obj{"resourceVersion": ""}})
	}
	return out
}

// printJSON encodes as kubectl's JSON printer does: four-space indent,
// sorted keys, HTML characters escaped, a final newline.
func printJSON(v any) []byte {
	data, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		panic(err)
	}
	var b bytes.Buffer
	b.Write(data)
	b.WriteByte('\n')
	return b.Bytes()
}
