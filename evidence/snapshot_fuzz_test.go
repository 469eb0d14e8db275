package evidence_test

import (
	"bytes"
	"testing"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/internal/fuzzseed"
)

// FuzzSnapshotMember puts any bytes in an API snapshot's pods member (a
// bundle that verifies, as a hostile or damaged capture could write it)
// and runs every policy rule: reading it never panics, and either refuses
// the snapshot with an error naming the file or gives every rule a result
// that cites something.
func FuzzSnapshotMember(f *testing.F) {
	f.Add([]byte(`{"kind":"Pod","items":[` + "\n" + `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"a"},"spec":{"hostPID":true,"containers":[{"name":"c","image":"x"}]}}` + "\n]}\n"))
	f.Add([]byte(`{"kind":"Pod","items":[{"metadata":{"name":"p","namespace":"a"},"spec":{"containers":[{"name":"c","securityContext":{"runAsUser":"<redacted:4>"}}]}}]}`))
	f.Add([]byte(`{"kind":"Pod","items":[{"metadata":{"name":"p"},"spec":{"volumes":[{"hostPath":{"path":"/"}}],"initContainers":[{"ports":[{"hostPort":1}]}]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w := bundle.NewWriter()
		if err := w.Add("api/pods.json", data); err != nil {
			t.Fatal(err)
		}
		m := bundle.Manifest{Kind: bundle.KindAPISnapshot, Collector: bundle.Collector{Name: "fuzz", Version: "0"},
			Host: bundle.Host{Roles: []string{}, Components: []string{}}, Collection: bundle.Collection{Mode: "api"},
			Snapshot: &bundle.Snapshot{Kinds: []bundle.KindCount{{Kind: "Pod", Count: 1, Members: []string{"api/pods.json"}}}}}
		raw, _, _, err := w.Finish(m)
		if err != nil {
			t.Fatal(err)
		}
		b, err := bundle.Read(bytes.NewReader(raw), bundle.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := evidence.NewSnapshot("fuzz.kpb", b)
		if err != nil {
			if !bytes.Contains([]byte(err.Error()), []byte("fuzz.kpb")) {
				t.Fatalf("an error that does not name the file: %v", err)
			}
			fuzzseed.Unexercised(t, "refused: "+err.Error())
			return
		}
		for _, rule := range evidence.PolicyRules() {
			r, err := s.EvaluateRule(rule)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Examined) == 0 && len(r.Findings) == 0 {
				t.Fatalf("%s: a result that cites nothing", rule)
			}
			for _, f := range r.Findings {
				if c := s.Cite(f); c.Member == "" || c.Locator == "" {
					t.Fatalf("%s: a finding without a citation: %+v", rule, c)
				}
			}
		}
	})
}
