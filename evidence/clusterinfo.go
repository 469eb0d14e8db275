package evidence

import (
	"slices"
	"strconv"
	"strings"

	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/results"
)

// kubeconfigComponents name the components whose --kubeconfig flag points
// at a kubeconfig that names the cluster, in the order asked: the
// kubelet's first, as every node has one.
var kubeconfigComponents = []string{"kubelet", "kube-proxy", "kube-controller-manager", "kube-scheduler"}

// wellKnownKubeconfigs are read after the components' own: kubeadm's,
// then any other copied file that is a kubeconfig.
var wellKnownKubeconfigs = []string{
	"/etc/kubernetes/admin.conf", "/etc/kubernetes/kubelet.conf",
	"/etc/kubernetes/controller-manager.conf", "/etc/kubernetes/scheduler.conf",
}

// ClusterInfo names the cluster the node belongs to: the cluster and API
// server of the current context of its kubeconfigs (the components'
// --kubeconfig files first, then kubeadm's, then any other copied
// kubeconfig), and the controller manager's --cluster-name when it is
// given. Each field cites where it was read; a field no evidence states
// is left empty (unknown).
func (n *Node) ClusterInfo() results.ClusterInfo {
	var info results.ClusterInfo
	if v, occ, p := n.flag("kube-controller-manager", "cluster-name"); p != nil && len(occ) > 0 && v != "" {
		info.Name = v
		info.Citations = append(info.Citations, n.occCitation(p, occ[len(occ)-1]))
	}
	for _, path := range n.kubeconfigPaths() {
		d := n.config(path)
		name, server, nameLine, serverLine := currentCluster(d.root)
		if server == "" && name == "" {
			continue
		}
		if info.Name == "" && name != "" {
			info.Name = name
			info.Citations = append(info.Citations, n.fieldCitation(d, "clusters[name="+name+"].name (line "+strconv.Itoa(nameLine)+")", name))
		}
		if info.Endpoint == "" && server != "" {
			info.Endpoint = server
			info.Citations = append(info.Citations, n.fieldCitation(d, "clusters[name="+name+"].cluster.server (line "+strconv.Itoa(serverLine)+")", server))
		}
		if info.Name != "" && info.Endpoint != "" {
			break
		}
	}
	return info
}

// occCitation cites one occurrence of a flag: its argument, or the file
// it was read from.
func (n *Node) occCitation(p *bundle.Process, o flagOcc) results.Citation {
	if o.cite != nil {
		return *o.cite
	}
	return n.argvCitation(p, o.index, occObserved(p, o))
}

// kubeconfigPaths lists the copied files that may be kubeconfigs, in the
// order ClusterInfo reads them, each once.
func (n *Node) kubeconfigPaths() []string {
	var paths []string
	add := func(p string) {
		if p != "" && !slices.Contains(paths, p) {
			if _, ok := n.b.Member(bundle.FileMember(p)); ok {
				paths = append(paths, p)
			}
		}
	}
	for _, c := range kubeconfigComponents {
		if v, occ, p := n.flag(c, "kubeconfig"); p != nil && len(occ) > 0 {
			add(v)
		}
	}
	for _, p := range wellKnownKubeconfigs {
		add(p)
	}
	var rest []string
	for _, m := range n.Manifest.Members {
		if p, ok := strings.CutPrefix(m.Path, strings.TrimSuffix(bundle.FilesPrefix, "/")); ok && (strings.HasSuffix(p, ".conf") || strings.HasSuffix(p, "kubeconfig") || strings.HasSuffix(p, ".kubeconfig") || strings.HasSuffix(p, ".yaml")) {
			rest = append(rest, p)
		}
	}
	slices.Sort(rest)
	for _, p := range rest {
		add(p)
	}
	return paths
}

// currentCluster reads a kubeconfig: the cluster of its current context
// (or its only cluster) and that cluster's server, with their lines.
func currentCluster(root *yamlv3.Node) (name, server string, nameLine, serverLine int) {
	doc := root
	if doc == nil {
		return
	}
	if doc.Kind == yamlv3.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	if doc.Kind != yamlv3.MappingNode || scalar(doc, "kind") != "Config" {
		return
	}
	clusters := child(doc, "clusters")
	if clusters == nil || clusters.Kind != yamlv3.SequenceNode {
		return
	}
	want := ""
	if cur := scalar(doc, "current-context"); cur != "" {
		if ctxs := child(doc, "contexts"); ctxs != nil && ctxs.Kind == yamlv3.SequenceNode {
			for _, c := range ctxs.Content {
				if scalar(c, "name") == cur {
					want = scalar(child(c, "context"), "cluster")
				}
			}
		}
	}
	for _, c := range clusters.Content {
		nm := scalar(c, "name")
		if want != "" && nm != want || want == "" && len(clusters.Content) != 1 {
			continue
		}
		name = nm
		if k := child(c, "name"); k != nil {
			nameLine = k.Line
		}
		if s := child(child(c, "cluster"), "server"); s != nil && s.Kind == yamlv3.ScalarNode {
			server, serverLine = s.Value, s.Line
		}
		return
	}
	return
}

// child is the value of key in mapping m, or nil.
func child(m *yamlv3.Node, key string) *yamlv3.Node {
	if m == nil || m.Kind != yamlv3.MappingNode {
		return nil
	}
	var v *yamlv3.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v = m.Content[i+1]
		}
	}
	return v
}

// scalar is the scalar value of key in mapping m, or "".
func scalar(m *yamlv3.Node, key string) string {
	if v := child(m, key); v != nil && v.Kind == yamlv3.ScalarNode {
		return v.Value
	}
	return ""
}
