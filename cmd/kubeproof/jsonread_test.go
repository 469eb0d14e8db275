package main

import (
	"bytes"
	"slices"
	"testing"

	"github.com/kubeproof/kubeproof/reports"
)

// TestReadJSONRoundTrip reads back JSON reports of every fixture bundle
// (nodes of several clusters, cluster scopes, benchmarks per node) and
// writes them again: the bytes must not change.
func TestReadJSONRoundTrip(t *testing.T) {
	for _, args := range [][]string{
		{"analyze", "--format", "json", "--report-time", "2025-01-02T03:04:05Z", fx},
		{"analyze", "--benchmark", "cis-1.6", "--format", "json", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"},
		{"analyze", "--benchmark", "cis-1.6", "--format", "json", "--skip", "1.2", fx + "kubeadm-master.kpb"},
		{"analyze", "--benchmark", "cis-1.6", "--format", "json", "--waivers", "testdata/waivers-tkestack.yaml", fx + "tkestack-master.kpb", fx + "tkestack-worker.kpb"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"kubeproof"}, args...), &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		rep, err := reports.ReadJSON(bytes.NewReader(stdout.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		if err := reports.JSON(&again, rep); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(args, "--waivers") && (rep.Waivers == nil || rep.Totals.Waived != 1 || reports.ReportID(rep) == "") {
			t.Errorf("%v: waivers not read back: %+v, totals %+v", args, rep.Waivers, rep.Totals)
		}
		if !bytes.Equal(stdout.Bytes(), again.Bytes()) {
			t.Errorf("%v: JSON → ReadJSON → JSON changed the report\n%s", args, firstDiff(stdout.Bytes(), again.Bytes()))
		}
	}
}
