package reports

import (
	"time"

	"github.com/kubeproof/kubeproof/results"
)

// Values the PDF fixture adds to testReport and the tests look for.
const (
	fixtureCluster  = "prod-eu-1"
	fixtureEndpoint = "https://10.0.0.1:6443"
	waiverTicket    = "SEC-1234"
	expiredTicket   = "SEC-999"
	reviewFound     = "3 cluster role bindings grant cluster-admin"
	codeRemediation = "Set `--protect-kernel-defaults=true` on the kubelet:\n\n" +
		"- edit `/var/lib/kubelet/config.yaml` and set `protectKernelDefaults: true`,\n" +
		"- restart the kubelet.\n"
)

// pdfReport is testReport with what the PDF shows beyond it: the cluster
// the nodes name, how the bundles were collected, manual checks with what
// kubeproof found, a remediation in the catalog's markup, a waiver in force,
// an expired waiver and one that matches nothing, and a worker whose
// kubelet differs from the others'.
func pdfReport() *results.Report {
	rep := testReport()
	waiver := &results.Waiver{Line: 3, Check: "4.2.6", Nodes: []string{"worker-*"}, Justification: "kernel defaults are set by the node image",
		Approver: "j.doe", Ticket: waiverTicket, Expires: "2027-06-30"}
	expired := &results.Waiver{Line: 10, Check: "1.1.12", Nodes: []string{"*"}, Justification: "etcd moved to its own nodes",
		Approver: "a.smith", Ticket: expiredTicket, Expires: "2024-01-31", Expired: true}
	reviewWaiver := &results.Waiver{Line: 24, Check: "4.2.10", Nodes: []string{"worker-1"}, Justification: "certificates come from the node's TPM",
		Approver: "j.doe", Ticket: "SEC-77", Expires: "2027-01-01"}
	unmatched := results.Waiver{Line: 17, Check: "9.9.9", Roles: []string{"master"}, Justification: "a check no benchmark has",
		Approver: "j.doe", Expires: "2027-01-01"}
	applied := map[*results.Waiver]int{}
	matched := map[*results.Waiver]int{}
	for ni := range rep.Nodes {
		n := &rep.Nodes[ni]
		n.Cluster = results.ClusterInfo{Name: fixtureCluster, Endpoint: fixtureEndpoint}
		n.KubeVersion = "v1.29.4"
		n.Bundle.Mode, n.Bundle.User = "live", "root (uid 0)"
		n.Bundle.CollectionStarted = n.Bundle.CollectedAt.Add(-2 * time.Minute)
		for ti := range n.Targets {
			for ri := range n.Targets[ti].Results {
				r := &n.Targets[ti].Results[ri]
				switch r.Check.ID {
				case "1.2.1", "4.2.10":
					r.Check.Review = true
					r.Status = results.Warn
					r.Reason = "Test marked as a manual test"
					r.Explanation = reviewFound
					if r.Check.ID == "4.2.10" && n.Node == "worker-1" {
						r.Waiver = reviewWaiver
					}
				case "4.2.6":
					r.Check.Remediation = codeRemediation
					if n.Node != "control-plane-1" {
						matched[waiver]++
						if r.Status == results.Fail || r.Status == results.Warn {
							r.Waiver = waiver
							applied[waiver]++
						}
					}
				case "1.1.12":
					matched[expired]++
					if r.Status == results.Fail || r.Status == results.Warn {
						r.Waiver = expired
						applied[expired]++
					}
				case "4.2.1":
					if n.Node == "worker-3" {
						r.Observed = "--anonymous-auth=true"
						r.Status = results.Fail
						r.Citations[0].Observed = r.Observed
					}
				}
			}
		}
	}
	rep.Waivers = &results.WaiverSet{File: "waivers.yaml", Digest: digestOf("waivers.yaml"), Entries: []results.WaiverEntry{
		{Waiver: *waiver, Matched: matched[waiver], Applied: applied[waiver]},
		{Waiver: *expired, Matched: matched[expired], Applied: applied[expired]},
		{Waiver: *reviewWaiver, Matched: 1, Applied: 1},
		{Waiver: unmatched},
	}}
	rep.Warnings = append(rep.Warnings, "waiver at waivers.yaml:17 (9.9.9) matches no result")
	rep.Recount()
	return rep
}
