package collector

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
)

const snapPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"team-a","managedFields":[{"manager":"kubectl"}],
 "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"token\":\"KPCANARY-last-applied\"}","team/note":"KPCANARY-annotation"},
 "labels":{"app":"web"}},
 "spec":{"nodeName":"node-1","containers":[{"name":"app","image":"nginx:1.25","args":["--db-password=KPCANARY-arg","-v"],
  "command":["sh","-c","curl -H 'Authorization: Bearer KPCANARY-command'"],
  "env":[{"name":"PASSWORD","value":"KPCANARY-env"},{"name":"DB","valueFrom":{"secretKeyRef":{"name":"db","key":"pw"}}}],
  "securityContext":{"privileged":true}}]},
 "status":{"phase":"Running","podIP":"10.0.0.7","containerStatuses":[{"imageID":"KPCANARY-status"}]}}`

const snapSecret = `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"team-a"},"data":{"pw":"S1BDQU5BUlktc2VjcmV0"},"stringData":{"x":"KPCANARY-secret"}}`
const snapConfigMap = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"team-a"},"data":{"app.conf":"password=KPCANARY-configmap"}}`
const snapRole = `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"reader","labels":{"x":"y"}},"rules":[{"verbs":["get"],"apiGroups":[""],"resources":["secrets"]}]}`

func list(items ...string) string {
	return `{"apiVersion":"v1","kind":"List","items":[` + strings.Join(items, ",") + `],"metadata":{"resourceVersion":""}}`
}

func snap(t *testing.T, inputs ...string) (*SnapshotResult, error) {
	t.Helper()
	var in []SnapshotInput
	for i, s := range inputs {
		in = append(in, SnapshotInput{Name: "in" + string(rune('0'+i)) + ".json", R: strings.NewReader(s)})
	}
	return Snapshot(in, SnapshotOptions{Time: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Version: "test", Hostname: "capture"})
}

func TestSnapshotKeepsRedactsDrops(t *testing.T) {
	res, err := snap(t, list(snapPod, snapSecret, snapConfigMap, snapRole), `{"clientVersion":{},"serverVersion":{"gitVersion":"v1.33.4"}}`)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Read(bytes.NewReader(res.Bundle), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	m := b.Manifest
	if m.Format != 3 || m.Kind != bundle.KindAPISnapshot || res.Kept != 2 || res.Dropped != 2 {
		t.Fatalf("format %d kind %q kept %d dropped %d", m.Format, m.Kind, res.Kept, res.Dropped)
	}
	if len(m.Host.Kubernetes) != 1 || m.Host.Kubernetes[0].Version != "v1.33.4" {
		t.Errorf("versions %+v", m.Host.Kubernetes)
	}
	var kinds, dropped []string
	for _, k := range m.Snapshot.Kinds {
		kinds = append(kinds, k.Kind+"="+strings.Join(k.Members, ","))
	}
	for _, k := range m.Snapshot.Dropped {
		dropped = append(dropped, k.Kind)
	}
	if got := strings.Join(kinds, " "); got != "Pod=api/pods.json ClusterRole=api/clusterroles.rbac.authorization.k8s.io.json" {
		t.Errorf("kinds %s", got)
	}
	if got := strings.Join(dropped, " "); got != "ConfigMap Secret" {
		t.Errorf("dropped %s", got)
	}
	var all []byte
	for _, mem := range m.Members {
		data, _ := b.Member(mem.Path)
		var c bytes.Buffer
		if err := json.Compact(&c, data); err != nil {
			t.Fatal(err)
		}
		all = append(all, c.Bytes()...)
	}
	all = append(all, b.ManifestBytes...)
	if bytes.Contains(all, []byte("KPCANARY")) || bytes.Contains(all, []byte("S1BDQU5BUlkt")) {
		t.Errorf("a canary left in the snapshot:\n%s", all)
	}
	for _, keep := range []string{`"privileged":true`, `"nginx:1.25"`, `"secretKeyRef":{"key":"pw","name":"db"}`, `"nodeName":"node-1"`, `"phase":"Running"`, `"resources":["secrets"]`} {
		if !bytes.Contains(all, []byte(keep)) {
			t.Errorf("%s not kept:\n%s", keep, all)
		}
	}
	for _, gone := range []string{"managedFields", "podIP", "containerStatuses"} {
		if bytes.Contains(all, []byte(gone)) {
			t.Errorf("%s kept", gone)
		}
	}
}

// TestSnapshotDeterministic: the same objects in another order, split
// across other inputs, give the same members.
func TestSnapshotDeterministic(t *testing.T) {
	pod2 := strings.Replace(snapPod, `"name":"web"`, `"name":"api"`, 1)
	a, err := snap(t, list(snapPod, pod2, snapRole))
	if err != nil {
		t.Fatal(err)
	}
	b, err := snap(t, list(snapRole), list(pod2), snapPod)
	if err != nil {
		t.Fatal(err)
	}
	am, bm := a.Manifest.Members, b.Manifest.Members
	if len(am) != len(bm) {
		t.Fatalf("%d and %d members", len(am), len(bm))
	}
	for i := range am {
		if am[i] != bm[i] {
			t.Errorf("member %s differs: %s and %s", am[i].Path, am[i].SHA256, bm[i].SHA256)
		}
	}
}

func TestSnapshotBadInput(t *testing.T) {
	other := strings.Replace(snapPod, `"privileged":true`, `"privileged":false`, 1)
	for _, tt := range []struct {
		name   string
		inputs []string
		want   string
	}{
		{"not json", []string{"kind: List"}, "in0.json: not JSON"},
		{"empty", []string{""}, "in0.json: empty"},
		{"array", []string{"[]"}, "document 1 is not a JSON object"},
		{"item without kind", []string{list(`{"metadata":{"name":"x"}}`)}, "item 0 has no kind"},
		{"item not object", []string{list(`"x"`)}, "item 0 is not a JSON object"},
		{"items not list", []string{`{"kind":"List","items":{}}`}, "items is not a list"},
		{"duplicate key", []string{`{"kind":"List","items":[],"items":[]}`}, `key "items" twice`},
		{"truncated", []string{list(snapPod)[:200]}, "in0.json"},
		{"conflicting duplicate", []string{list(snapPod), list(other)}, "Pod team-a/web is also in in0.json, with other content"},
		{"nothing kept", []string{list(snapSecret)}, "no object of a kind the checks need"},
		{"bad version", []string{`{"serverVersion":{"gitVersion":"latest"}}`}, "serverVersion without a gitVersion"},
		{"neither", []string{`{"foo":1}`}, "neither a List, an API object"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := snap(t, tt.inputs...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	// The same object twice, unchanged, is kept once.
	res, err := snap(t, list(snapPod), list(snapPod))
	if err != nil || res.Kept != 1 {
		t.Errorf("kept %v, %v", res, err)
	}
}

func TestSnapshotInputLimit(t *testing.T) {
	_, err := Snapshot([]SnapshotInput{{Name: "big.json", R: strings.NewReader(list(snapPod, snapPod))}}, SnapshotOptions{MaxInput: 100})
	var se *SnapshotError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "larger than 100 bytes") {
		t.Errorf("error %v", err)
	}
}

func TestAPIMember(t *testing.T) {
	for kind, want := range map[string]string{
		"Pod/": "api/pods.json", "NetworkPolicy/networking.k8s.io": "api/networkpolicies.networking.k8s.io.json",
		"Ingress/networking.k8s.io": "api/ingresses.networking.k8s.io.json", "ClusterRole/rbac.authorization.k8s.io": "api/clusterroles.rbac.authorization.k8s.io.json",
	} {
		k, g, _ := strings.Cut(kind, "/")
		if got := APIMember(k, g); got != want {
			t.Errorf("APIMember(%s, %s) = %s, want %s", k, g, got, want)
		}
	}
}

// TestRequestSubject: the subject of a PKCS#10 request, read with the
// collector's own DER reader, is what crypto/x509 reads; anything else is
// no subject.
func TestRequestSubject(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{
		CommonName: "alice", Organization: []string{"system:masters", "ops"}, Country: []string{"DE"}}}, key)
	if err != nil {
		t.Fatal(err)
	}
	cn, orgs, ok := requestSubject(der)
	slices.Sort(orgs)
	if !ok || cn != "alice" || strings.Join(orgs, ",") != "ops,system:masters" {
		t.Errorf("%q %q %v", cn, orgs, ok)
	}
	for _, bad := range [][]byte{nil, {0x30}, der[:20], {0x30, 0x03, 0x30, 0x01, 0x00}} {
		if _, _, ok := requestSubject(bad); ok {
			t.Errorf("%x read as a request", bad)
		}
	}
	obj := map[string]any{"spec": map[string]any{"request": base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))}}
	csrSubject(obj)
	spec := obj["spec"].(map[string]any)
	if _, kept := spec["request"]; kept || spec["requestSubject"] == nil {
		t.Errorf("%v", spec)
	}
	obj = map[string]any{"spec": map[string]any{"request": "bm90IGEgcmVxdWVzdA=="}}
	csrSubject(obj)
	if spec := obj["spec"].(map[string]any); len(spec) != 0 {
		t.Errorf("%v", spec)
	}
}
