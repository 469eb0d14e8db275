package collector

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/fuzzseed"
)

// FuzzSnapshot feeds kubectl's output, as any bytes, to the API snapshot
// capture. It never panics; an input it refuses gets a *SnapshotError
// naming the input, or the error that nothing was kept; an input it
// accepts gives a bundle that reads back, whose every kept object is a
// JSON object with a kind and a name, counted in the manifest, and in
// which no planted canary survives.
func FuzzSnapshot(f *testing.F) {
	for _, seed := range []string{
		list(snapPod, snapSecret, snapRole),
		list(snapPod) + "\n" + `{"serverVersion":{"gitVersion":"v1.30.1"}}`,
		snapRole,
		list(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","labels":{"pod-security.kubernetes.io/enforce":"restricted"}}}`),
		list(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"a"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"i","env":[{"name":"P","value":"KPCANARY-fuzz-env"}]}]}}}}`),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Snapshot([]SnapshotInput{{Name: "in.json", R: bytes.NewReader(data)}}, SnapshotOptions{MaxInput: 1 << 20, MaxObject: 1 << 18})
		if err != nil {
			var se *SnapshotError
			if !errors.As(err, &se) && !strings.Contains(err.Error(), "no object of a kind the checks need") {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			fuzzseed.Unexercised(t, "refused: "+err.Error())
			return
		}
		b, err := bundle.Read(bytes.NewReader(res.Bundle), bundle.Limits{})
		if err != nil {
			t.Fatalf("the snapshot does not read back: %v", err)
		}
		n := 0
		for _, k := range b.Manifest.Snapshot.Kinds {
			for _, m := range k.Members {
				data, _ := b.Member(m)
				var doc bundle.APIObjects
				if err := json.Unmarshal(data, &doc); err != nil {
					t.Fatalf("%s: %v", m, err)
				}
				for _, item := range doc.Items {
					var o struct {
						Kind     string `json:"kind"`
						Metadata struct {
							Name string `json:"name"`
						} `json:"metadata"`
					}
					if err := json.Unmarshal(item, &o); err != nil || o.Kind != k.Kind || o.Metadata.Name == "" {
						t.Fatalf("%s: an item that is not a %s with a name: %s (%v)", m, k.Kind, item, err)
					}
					n++
				}
			}
			if bytes.Contains(b.ManifestBytes, []byte("KPCANARY")) {
				t.Fatal("a canary in the manifest")
			}
		}
		if n != res.Kept || n == 0 {
			t.Fatalf("%d objects in the members, %d kept", n, res.Kept)
		}
		for _, m := range b.Manifest.Members {
			data, _ := b.Member(m.Path)
			if bytes.Contains(data, []byte("KPCANARY-fuzz")) {
				t.Fatalf("the planted canary survived in %s", m.Path)
			}
		}
	})
}
