package analyzer_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/analyzer"
	"github.com/kubeproof/kubeproof/collector"
	"github.com/kubeproof/kubeproof/internal/peakrss"
	"github.com/kubeproof/kubeproof/reports"
)

// BenchmarkSnapshot50000Pods analyzes the API snapshot of a cluster of
// 50,000 pods in 500 namespaces, with its service accounts, roles and
// bindings, and renders text and JSON. The goal: under 5 s and 300 MiB
// (issue 12). Making the snapshot is not measured.
func BenchmarkSnapshot50000Pods(b *testing.B) {
	file := filepath.Join(b.TempDir(), "cluster.kpb")
	var sb strings.Builder
	sb.WriteString(`{"apiVersion":"v1","kind":"List","items":[`)
	for i := 0; i < 50000; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		ns := fmt.Sprintf("team-%03d", i%500)
		priv := i%997 == 0
		fmt.Fprintf(&sb, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"app-%d","namespace":"%s","labels":{"app":"a%d"}},`+
			`"spec":{"nodeName":"node-%d","serviceAccountName":"app","containers":[{"name":"app","image":"registry.example/app:1.%d",`+
			`"env":[{"name":"MODE","value":"prod"}],"ports":[{"containerPort":8080}],`+
			`"securityContext":{"privileged":%t,"allowPrivilegeEscalation":false,"runAsNonRoot":true,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}}}]},`+
			`"status":{"phase":"Running"}}`, i, ns, i%50, i%1000, i%7, priv)
	}
	for n := 0; n < 500; n++ {
		ns := fmt.Sprintf("team-%03d", n)
		fmt.Fprintf(&sb, `,{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s","labels":{"pod-security.kubernetes.io/enforce":"restricted"}}}`, ns)
		fmt.Fprintf(&sb, `,{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default","namespace":"%s"},"automountServiceAccountToken":false}`, ns)
		fmt.Fprintf(&sb, `,{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"app","namespace":"%s"},"automountServiceAccountToken":false}`, ns)
		fmt.Fprintf(&sb, `,{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny","namespace":"%s"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}`, ns)
		fmt.Fprintf(&sb, `,{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"dev","namespace":"%s"},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods","configmaps"]}]}`, ns)
		fmt.Fprintf(&sb, `,{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"dev","namespace":"%s"},"subjects":[{"kind":"Group","name":"dev-%d","apiGroup":"rbac.authorization.k8s.io"}],"roleRef":{"kind":"Role","name":"dev","apiGroup":"rbac.authorization.k8s.io"}}`, ns, n)
	}
	sb.WriteString(`,{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"cluster-admin","labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"rules":[{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}]}`)
	sb.WriteString(`,{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"cluster-admin","labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"subjects":[{"kind":"Group","name":"system:masters","apiGroup":"rbac.authorization.k8s.io"}],"roleRef":{"kind":"ClusterRole","name":"cluster-admin","apiGroup":"rbac.authorization.k8s.io"}}`)
	sb.WriteString(`]}`)
	res, err := collector.Snapshot([]collector.SnapshotInput{{Name: "objects.json", R: strings.NewReader(sb.String())},
		{Name: "version.json", R: strings.NewReader(`{"serverVersion":{"gitVersion":"v1.33.4"}}`)}},
		collector.SnapshotOptions{Time: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Version: "bench", Cluster: "big"})
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(file, res.Bundle, 0o600); err != nil {
		b.Fatal(err)
	}
	// The input and the capture are not the analysis's memory.
	sb, res = strings.Builder{}, nil
	runtime.GC()
	debug.FreeOSMemory()
	b.ReportAllocs()
	var peak int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		peakrss.Reset()
		rep, err := analyzer.Analyze([]string{file}, analyzer.Options{Version: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Clusters) != 1 || rep.Clusters[0].Totals.Pass == 0 {
			b.Fatalf("clusters %d", len(rep.Clusters))
		}
		if err := reports.Text(io.Discard, rep, reports.TextOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := reports.JSON(io.Discard, rep); err != nil {
			b.Fatal(err)
		}
		peak = max(peak, peakrss.Bytes())
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
}
