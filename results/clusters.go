package results

// CAGroups tells which nodes are of one cluster: nodes whose bundles
// share a CA certificate (BundleInfo.ClusterCAs), directly or through
// other nodes, are one group. It returns each node's group, numbered in
// the order the groups first appear, or -1 for a node whose bundle holds
// no CA, and the number of groups. (Clusters under one shared root CA
// look like one.)
func CAGroups(nodes []NodeResult) (group []int, groups int) {
	parent := make([]int, len(nodes))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[Digest]int{}
	for i, n := range nodes {
		for _, ca := range n.Bundle.ClusterCAs {
			if j, ok := owner[ca]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[ca] = i
			}
		}
	}
	group = make([]int, len(nodes))
	number := map[int]int{}
	for i, n := range nodes {
		if len(n.Bundle.ClusterCAs) == 0 {
			group[i] = -1
			continue
		}
		r := find(i)
		g, ok := number[r]
		if !ok {
			g = len(number)
			number[r] = g
		}
		group[i] = g
	}
	return group, len(number)
}
