// Command mksnapshots writes the API snapshot fixtures
// fixtures/snapshots/{compliant,violations}: two kubeadm v1.33 clusters as
// `kubectl get KINDS -A -o json` prints them, one List per file, grouped
// as an operator captures them (fixtures/snapshots/README.md gives the
// commands). `compliant` is hardened per CIS 1.12 section 5; `violations`
// holds a planted violation of every section-5 check the objects decide.
// Run it from the repository root:
//
//	go run ./scripts/mksnapshots
//
// Beside the Lists it writes, per cluster:
//   - planted.tsv: every object that violates a check, as the judge
//     (judge.go) finds it by the rules in the README, with where the row
//     comes from (planted, or the default of a named component). The
//     generator refuses to write when the judge's rows and what the
//     builders meant to plant (cluster.expect) differ;
//   - canaries.tsv: the secrets planted for the capture to drop or
//     redact, in the format of internal/canary;
//   - NOT-SECRET.tsv: values the capture must keep;
//   - objects.tsv: the number of objects per kind.
//
// The output is deterministic: the same program writes the same bytes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func itoa(i int) string { return strconv.Itoa(i) }

func main() {
	out := flag.String("o", "fixtures/snapshots", "directory of the fixture clusters")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintln(os.Stderr, "mksnapshots:", err)
		os.Exit(1)
	}
}

// clusters are the fixture clusters, by directory name.
var clusters = []struct {
	name  string
	build func() *cluster
}{
	{"compliant", buildCompliant},
	{"violations", buildViolations},
}

func generate(out string) error {
	for _, cl := range clusters {
		files, err := render(cl.build())
		if err != nil {
			return fmt.Errorf("%s: %w", cl.name, err)
		}
		dir := filepath.Join(out, cl.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, name := range sortedKeys(files) {
			if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// render returns every file of a cluster's directory.
func render(c *cluster) (map[string][]byte, error) {
	c.aggregate()
	files := c.lists()
	rows, err := judge(files)
	if err != nil {
		return nil, err
	}
	sources, err := c.sources(rows)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("check\tobject\twhat\tsource\n")
	for i, r := range rows {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", r.check, r.object, r.what, sources[i])
	}
	out := map[string][]byte{}
	for k, v := range files {
		out[k] = v
	}
	out["planted.tsv"] = b.Bytes()
	b = bytes.Buffer{}
	b.WriteString("canary\tencoding\twhere\tform\n")
	cs := append([]canaryRow{}, c.canary...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].value < cs[j].value })
	for _, x := range cs {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", x.value, x.encoding, x.where, x.form)
	}
	out["canaries.tsv"] = b.Bytes()
	out["NOT-SECRET.tsv"] = c.notSecret()
	b = bytes.Buffer{}
	b.WriteString("kind\tfile\tobjects\n")
	count := map[string]int{}
	for _, o := range c.objs {
		count[o.kind]++
	}
	total := 0
	for _, f := range fileKinds {
		for _, k := range f.kinds {
			if count[k] > 0 {
				fmt.Fprintf(&b, "%s\t%s\t%d\n", k, f.file, count[k])
				total += count[k]
			}
		}
	}
	fmt.Fprintf(&b, "total\t\t%d\n", total)
	out["objects.tsv"] = b.Bytes()
	return out, nil
}

// sources says where each row comes from, and checks the rows against
// what the builders planted: every row of an object this generator made
// (not a default) must be expected, and every expectation found.
func (c *cluster) sources(rows []row) ([]string, error) {
	var problems []string
	found := map[string]bool{}
	out := make([]string, len(rows))
	for i, r := range rows {
		k := r.check + "\t" + r.object
		found[k] = true
		cause := c.byKey[r.cause]
		if cause == nil {
			return nil, fmt.Errorf("row %q: no object %q", k, r.cause)
		}
		switch {
		case c.planted[k] || (cause.origin == "" && c.expects[k]):
			out[i] = "planted"
		case cause.origin != "":
			out[i] = "default: " + cause.origin
		default:
			problems = append(problems, "not planted on purpose: "+strings.ReplaceAll(k, "\t", " ")+" ("+r.what+")")
		}
	}
	for _, k := range sortedKeys(c.expects) {
		if !found[k] {
			problems = append(problems, "planted but not found by the judge: "+strings.ReplaceAll(k, "\t", " "))
		}
	}
	if problems != nil {
		return nil, fmt.Errorf("the judge and the builders disagree:\n  %s", strings.Join(problems, "\n  "))
	}
	return out, nil
}

// notSecret lists values the capture must keep: every image, namespace
// name and host path, the users and groups bindings name, the CSR
// signers.
func (c *cluster) notSecret() []byte {
	keep := map[string]string{}
	for _, o := range c.objs {
		switch o.kind {
		case "Namespace":
			keep[o.name] = "Namespace name"
			if l, ok := o.m["metadata"].(obj)["labels"].(obj); ok {
				if v, ok := l["pod-security.kubernetes.io/enforce"].(string); ok {
					keep["pod-security.kubernetes.io/enforce: "+v] = "label of Namespace " + o.name + " (as printed in YAML; JSON holds the key and value)"
				}
			}
		case "ClusterRoleBinding", "RoleBinding":
			subs, _ := o.m["subjects"].([]any)
			for _, x := range subs {
				n := x.(obj)["name"].(string)
				if _, seen := keep[n]; !seen && x.(obj)["kind"] != "ServiceAccount" {
					keep[n] = "subject of " + o.kind + " " + strings.TrimPrefix(o.ns+"/", "/") + o.name
				}
			}
		case "CertificateSigningRequest":
			keep[o.m["spec"].(obj)["signerName"].(string)] = "signerName of CertificateSigningRequest " + o.name
		case "Pod":
			spec := o.m["spec"].(obj)
			for _, field := range []string{"containers", "initContainers", "ephemeralContainers"} {
				cs, _ := spec[field].([]any)
				for _, x := range cs {
					img := x.(obj)["image"].(string)
					if _, seen := keep[img]; !seen {
						keep[img] = "image of Pod " + o.ns + "/" + o.name
					}
				}
			}
			if vs, ok := spec["volumes"].([]any); ok {
				for _, v := range vs {
					if hp, ok := v.(obj)["hostPath"].(obj); ok {
						p := hp["path"].(string)
						if _, seen := keep[p]; !seen && len(p) > 4 {
							keep[p] = "hostPath of Pod " + o.ns + "/" + o.name
						}
					}
				}
			}
		}
	}
	var b bytes.Buffer
	b.WriteString("value\twhere\n")
	for _, k := range sortedKeys(keep) {
		if strings.Contains(k, ": ") {
			continue // label pairs are not one string in JSON
		}
		fmt.Fprintf(&b, "%s\t%s\n", k, keep[k])
	}
	return b.Bytes()
}
