package analyzer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/evidence"
	"github.com/kubeproof/kubeproof/results"
)

// clusterCAs are the digests of the CA certificates a bundle holds, but
// the kubelets' self-signed serving CAs (one per node): the nodes of one
// cluster share at least the cluster's CA (/etc/kubernetes/pki/ca.crt,
// the kubelet's --client-ca-file).
func clusterCAs(n *evidence.Node) []results.Digest {
	var pki bundle.PKI
	if err := n.Bundle().DecodeJSON(bundle.PKIPath, &pki); err != nil {
		return nil
	}
	var out []results.Digest
	for _, c := range pki.Certificates {
		d := results.Digest(c.SHA256.String())
		if c.IsCA && !strings.HasPrefix(c.Path, "/var/lib/kubelet/") && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// clusterWarnings warns when the nodes are of different clusters: groups
// of nodes that share no CA certificate. Nodes whose bundles hold no CA
// are not counted. (Clusters under one shared root CA look like one.)
func clusterWarnings(nodes []results.NodeResult) []string {
	group, n := results.CAGroups(nodes)
	groups := make([][]string, n)
	roots := make([]int, n)
	for i, node := range nodes {
		if g := group[i]; g >= 0 {
			groups[g] = append(groups[g], node.Node)
			roots[g] = g
		}
	}
	if len(roots) < 2 {
		return nil
	}
	var parts []string
	for k, r := range roots {
		names := groups[r]
		list := strings.Join(names[:min(len(names), 5)], ", ")
		if len(names) > 5 {
			list += fmt.Sprintf(" and %d more", len(names)-5)
		}
		parts = append(parts, fmt.Sprintf("cluster %d: %s", k+1, list))
	}
	return []string{fmt.Sprintf("these bundles are of %d different clusters (their nodes share no CA certificate): %s", len(roots), strings.Join(parts, "; "))}
}
