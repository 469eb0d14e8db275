package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

// The fake kubectl: it answers the commands kube-bench's section-5
// audits run, from a fixture cluster's List files, the way kubectl and
// an API server would answer them. Anything else is refused loudly, so
// that a new audit form shows up as an error rather than as data.

const (
	envCluster = "KUBEPROOF_ORACLE_POLICIES_CLUSTER" // the fixture cluster's directory
	envLog     = "KUBEPROOF_ORACLE_POLICIES_LOG"     // where each invocation is logged
	k8sVersion = "1.33.13"
)

// store holds a cluster's objects: read from its List files, or from an
// index the driver writes (one List per kind, one file per object), so
// that each of the hundreds of kubectl calls of a kube-bench run reads
// only what it needs.
type store struct {
	dir     string
	indexed bool
	byKind  map[string][]map[string]any
}

const indexMark = ".oracle-policies-index"

func loadStore(dir string) (*store, error) {
	s := &store{dir: dir, byKind: map[string][]map[string]any{}}
	if _, err := os.Stat(filepath.Join(dir, indexMark)); err == nil {
		s.indexed = true
		return s, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.json List files in %s", dir)
	}
	sort.Strings(files)
	for _, f := range files {
		items, err := readList(f)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			s.byKind[kindOf(it)] = append(s.byKind[kindOf(it)], it)
		}
	}
	return s, nil
}

func readList(f string) ([]map[string]any, error) {
	data, err := os.ReadFile(f)
	if err != nil {
		return nil, err
	}
	var l struct {
		Kind  string
		Items []map[string]any
	}
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	if l.Kind != "List" {
		return nil, fmt.Errorf("%s: kind %q, want List", f, l.Kind)
	}
	return l.Items, nil
}

// kind returns the objects of a kind.
func (s *store) kind(k string) []map[string]any {
	if l, ok := s.byKind[k]; ok || !s.indexed {
		return l
	}
	l, err := readList(filepath.Join(s.dir, k+".json"))
	if err != nil && !os.IsNotExist(errors.Unwrap(err)) && !os.IsNotExist(err) {
		fmt.Fprintln(os.Stderr, "kubectl (kubeproof oracle fake):", err)
	}
	s.byKind[k] = l
	return l
}

// one returns the object of a kind with a namespace and name, or nil.
func (s *store) one(k, ns, name string) map[string]any {
	if clusterScopedKinds[k] {
		ns = ""
	}
	if s.indexed {
		data, err := os.ReadFile(filepath.Join(s.dir, k, nsDir(ns), name+".json"))
		if err != nil {
			return nil
		}
		var o map[string]any
		if json.Unmarshal(data, &o) != nil {
			return nil
		}
		return o
	}
	for _, it := range s.kind(k) {
		ins, iname := metaOf(it)
		if ins == ns && iname == name {
			return it
		}
	}
	return nil
}

func nsDir(ns string) string {
	if ns == "" {
		return "_"
	}
	return ns
}

// writeIndex writes the index of s in dir.
func (s *store) writeIndex(dir string) error {
	for k, items := range s.byKind {
		data, _ := json.Marshal(map[string]any{"kind": "List", "items": items})
		if err := os.WriteFile(filepath.Join(dir, k+".json"), data, 0o644); err != nil {
			return err
		}
		for _, it := range items {
			ns, name := metaOf(it)
			if strings.ContainsAny(name, "/\x00") || strings.Contains(ns, "/") || name == "" {
				return fmt.Errorf("%s %s/%s: a name the index cannot hold", k, ns, name)
			}
			d := filepath.Join(dir, k, nsDir(ns))
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			data, _ := json.Marshal(it)
			if err := os.WriteFile(filepath.Join(d, name+".json"), data, 0o644); err != nil {
				return err
			}
		}
	}
	return os.WriteFile(filepath.Join(dir, indexMark), nil, 0o644)
}

func kindOf(o map[string]any) string { s, _ := o["kind"].(string); return s }

func metaOf(o map[string]any) (ns, name string) {
	md, _ := o["metadata"].(map[string]any)
	ns, _ = md["namespace"].(string)
	name, _ = md["name"].(string)
	return ns, name
}

// resources kubectl resolves, by every name the audits may use.
var resourceKinds = map[string]string{}

func init() {
	for kind, names := range map[string][]string{
		"ClusterRoleBinding": {"clusterrolebindings", "clusterrolebinding"},
		"ClusterRole":        {"clusterroles", "clusterrole"},
		"RoleBinding":        {"rolebindings", "rolebinding"},
		"Role":               {"roles", "role"},
		"Pod":                {"pods", "pod", "po"},
		"ServiceAccount":     {"serviceaccounts", "serviceaccount", "sa"},
		"Namespace":          {"namespaces", "namespace", "ns"},
		"NetworkPolicy":      {"networkpolicies", "networkpolicy", "netpol"},
	} {
		for _, n := range names {
			resourceKinds[n] = kind
		}
	}
}

var clusterScopedKinds = map[string]bool{"ClusterRoleBinding": true, "ClusterRole": true, "Namespace": true}

// plural is how an API server names a kind in a NotFound error.
func plural(kind string) string {
	switch kind {
	case "NetworkPolicy":
		return "networkpolicies.networking.k8s.io"
	case "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding":
		return strings.ToLower(kind) + "s.rbac.authorization.k8s.io"
	}
	return strings.ToLower(kind) + "s"
}

// fakeKubectl runs as kubectl; it returns the exit code.
func fakeKubectl(args []string, stdout, stderr io.Writer) int {
	if p := os.Getenv(envLog); p != "" {
		if f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintln(f, strings.Join(args, " "))
			f.Close()
		}
	}
	dir := os.Getenv(envCluster)
	if dir == "" {
		fmt.Fprintln(stderr, "kubectl (kubeproof oracle fake): "+envCluster+" is not set")
		return 1
	}
	s, err := loadStore(dir)
	if err != nil {
		fmt.Fprintln(stderr, "kubectl (kubeproof oracle fake):", err)
		return 1
	}
	if len(args) == 0 {
		return refuse(args, stderr)
	}
	switch args[0] {
	case "version":
		out, _ := json.MarshalIndent(map[string]any{
			"clientVersion": map[string]string{"major": "1", "minor": "33", "gitVersion": "v" + k8sVersion},
			"serverVersion": map[string]string{"major": "1", "minor": "33", "gitVersion": "v" + k8sVersion},
		}, "", "  ")
		fmt.Fprintln(stdout, string(out))
		return 0
	case "get":
		return s.get(args[1:], stdout, stderr)
	case "auth":
		if len(args) > 1 && args[1] == "can-i" {
			return s.canI(args[2:], stdout, stderr)
		}
	}
	return refuse(args, stderr)
}

func refuse(args []string, stderr io.Writer) int {
	fmt.Fprintf(stderr, "kubectl (kubeproof oracle fake): unsupported command: %q\n", args)
	return 2
}

// getOpts are the flags of `kubectl get` the audits use.
type getOpts struct {
	types, names  []string
	ns            string
	all           bool
	output        string
	noHeaders     bool
	fieldSelector string
}

func parseGet(args []string) (getOpts, error) {
	var o getOpts
	val := func(i *int, a, flag string) (string, bool) {
		if a == flag && *i+1 < len(args) {
			*i++
			return args[*i], true
		}
		if strings.HasPrefix(a, flag+"=") {
			return strings.TrimPrefix(a, flag+"="), true
		}
		return "", false
	}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if v, ok := val(&i, a, "-n"); ok {
			o.ns = v
			continue
		}
		if v, ok := val(&i, a, "--namespace"); ok {
			o.ns = v
			continue
		}
		if v, ok := val(&i, a, "-o"); ok {
			o.output = v
			continue
		}
		if v, ok := val(&i, a, "--output"); ok {
			o.output = v
			continue
		}
		if v, ok := val(&i, a, "--field-selector"); ok {
			o.fieldSelector = v
			continue
		}
		switch a {
		case "-A", "--all-namespaces":
			o.all = true
		case "--no-headers":
			o.noHeaders = true
		default:
			if strings.HasPrefix(a, "-") {
				return o, fmt.Errorf("unsupported flag %q", a)
			}
			pos = append(pos, a)
		}
	}
	if len(pos) == 0 {
		return o, fmt.Errorf("no resource type")
	}
	o.types = strings.Split(pos[0], ",")
	o.names = pos[1:]
	if o.ns == "" {
		o.ns = "default"
	}
	return o, nil
}

func (s *store) get(args []string, stdout, stderr io.Writer) int {
	o, err := parseGet(args)
	if err != nil {
		fmt.Fprintf(stderr, "kubectl (kubeproof oracle fake): get %q: %v\n", args, err)
		return 2
	}
	var kinds []string
	for _, t := range o.types {
		k, ok := resourceKinds[t]
		if !ok {
			fmt.Fprintf(stderr, "error: the server doesn't have a resource type \"%s\"\n", t)
			return 1
		}
		kinds = append(kinds, k)
	}
	var found []map[string]any
	code := 0
	if len(o.names) > 0 {
		if len(kinds) != 1 {
			fmt.Fprintln(stderr, "error: names with more than one resource type")
			return 1
		}
		for _, n := range o.names {
			hit := s.one(kinds[0], o.ns, n)
			if hit == nil {
				fmt.Fprintf(stderr, "Error from server (NotFound): %s \"%s\" not found\n", plural(kinds[0]), n)
				code = 1
				continue
			}
			found = append(found, hit)
		}
	} else {
		for _, k := range kinds {
			// The API server lists by namespace and name.
			items := append([]map[string]any{}, s.kind(k)...)
			sort.SliceStable(items, func(i, j int) bool {
				ni, a := metaOf(items[i])
				nj, b := metaOf(items[j])
				if ni != nj {
					return ni < nj
				}
				return a < b
			})
			for _, it := range items {
				ns, name := metaOf(it)
				if !o.all && !clusterScopedKinds[k] && ns != o.ns {
					continue
				}
				if o.fieldSelector != "" {
					f, v, _ := strings.Cut(o.fieldSelector, "=")
					if f != "metadata.name" {
						fmt.Fprintf(stderr, "kubectl (kubeproof oracle fake): unsupported field selector %q\n", o.fieldSelector)
						return 2
					}
					if name != v {
						continue
					}
				}
				found = append(found, it)
			}
		}
	}
	single := len(o.names) == 1 && len(found) == 1
	switch {
	case o.output == "json":
		var v any = map[string]any{"apiVersion": "v1", "kind": "List", "items": orEmpty(found), "metadata": map[string]any{"resourceVersion": ""}}
		if single {
			v = found[0]
		}
		data, _ := json.MarshalIndent(v, "", "    ")
		if len(o.names) > 0 && len(found) == 0 {
			return code
		}
		fmt.Fprintln(stdout, string(data))
	case strings.HasPrefix(o.output, "jsonpath="):
		tmpl := strings.TrimPrefix(o.output, "jsonpath=")
		for _, it := range found {
			out, err := jsonpathTemplate(tmpl, it)
			if err != nil {
				fmt.Fprintf(stderr, "error: %v\n", err)
				return 1
			}
			fmt.Fprint(stdout, out)
		}
	case strings.HasPrefix(o.output, "custom-columns="):
		spec := strings.TrimPrefix(o.output, "custom-columns=")
		if err := customColumns(stdout, spec, found, o.noHeaders); err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
	default:
		fmt.Fprintf(stderr, "kubectl (kubeproof oracle fake): unsupported output %q\n", o.output)
		return 2
	}
	if !single && len(found) == 0 && len(o.names) == 0 && o.output != "json" {
		// kubectl says so on standard error when a list is empty.
		if o.all {
			fmt.Fprintln(stderr, "No resources found")
		} else {
			fmt.Fprintf(stderr, "No resources found in %s namespace.\n", o.ns)
		}
	}
	return code
}

func orEmpty(l []map[string]any) []map[string]any {
	if l == nil {
		return []map[string]any{}
	}
	return l
}

// customColumns prints as kubectl's custom-columns printer: a tabwriter
// with three spaces of padding, <none> for a missing field, several
// values comma separated.
func customColumns(w io.Writer, spec string, items []map[string]any, noHeaders bool) error {
	type col struct{ name, path string }
	var cols []col
	for _, c := range strings.Split(spec, ",") {
		name, path, ok := strings.Cut(c, ":")
		if !ok {
			return fmt.Errorf("unexpected custom-columns spec: %s, expected <header>:<json-path-expr>", c)
		}
		cols = append(cols, col{name, path})
	}
	tw := tabwriter.NewWriter(w, 10, 4, 3, ' ', 0)
	if !noHeaders {
		var h []string
		for _, c := range cols {
			h = append(h, c.name)
		}
		fmt.Fprintln(tw, strings.Join(h, "\t"))
	}
	for _, it := range items {
		var cells []string
		for _, c := range cols {
			vals, err := evalPath(c.path, it)
			if err != nil {
				return err
			}
			var parts []string
			for _, v := range vals {
				parts = append(parts, formatValue(v))
			}
			if len(parts) == 0 {
				cells = append(cells, "<none>")
			} else {
				cells = append(cells, strings.Join(parts, ","))
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}
