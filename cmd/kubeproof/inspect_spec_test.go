package main

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestInspectAgainstSpec (issue 15): the inspect golden pins the output;
// this test says it is right. For each fixture bundle of a node spec, the
// facts inspect shows are compared with the spec's own files, read here
// without the collector: the host name, the OS, every process and its
// arguments in order, the mode and owner of every file the spec lays out
// (attrs.tsv, else the spec's defaults), every certificate as crypto/x509
// parses it, and the Kubernetes version of the static pods' image tags.
func TestInspectAgainstSpec(t *testing.T) {
	for _, spec := range []string{"tkestack-master", "tkestack-worker", "kubeadm-master", "kubeadm-worker"} {
		t.Run(spec, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run([]string{"kubeproof", "inspect", fx + spec + ".kpb"}, &stdout, &stderr); code != 0 {
				t.Fatalf("inspect: exit %d: %s", code, stderr.String())
			}
			checkInspect(t, filepath.Join("../../fixtures/specs", spec), stdout.String())
		})
	}
}

// inspectSections splits inspect's output into its header and sections.
func inspectSections(out string) map[string][]string {
	secs := map[string][]string{}
	name := "header"
	for _, line := range strings.Split(out, "\n") {
		if line != "" && !strings.HasPrefix(line, " ") && !strings.Contains(line, "  ") {
			name = strings.Fields(line)[0]
			continue
		}
		secs[name] = append(secs[name], line)
	}
	return secs
}

func checkInspect(t *testing.T, dir, out string) {
	secs := inspectSections(out)
	header := strings.Join(secs["header"], "\n")

	// Host and OS.
	host := strings.TrimSpace(readSpec(t, dir, "files/etc/hostname"))
	if !regexp.MustCompile(`(?m)^Host +` + regexp.QuoteMeta(host) + `$`).MatchString(header) {
		t.Errorf("host %q not shown:\n%s", host, header)
	}
	pretty := regexp.MustCompile(`(?m)^PRETTY_NAME="?([^"\n]*)"?$`).FindStringSubmatch(readSpec(t, dir, "files/etc/os-release"))
	if pretty == nil || !regexp.MustCompile(`(?m)^OS +`+regexp.QuoteMeta(pretty[1])+` `).MatchString(header) {
		t.Errorf("OS %v not shown:\n%s", pretty, header)
	}

	// The Kubernetes version: the static pods' image tags.
	manifests, _ := filepath.Glob(filepath.Join(dir, "files/etc/kubernetes/manifests/kube-*.yaml"))
	for _, m := range manifests {
		tag := regexp.MustCompile(`image: \S+/(kube-[a-z-]+):(v[0-9.]+)`).FindStringSubmatch(readSpec(t, dir, strings.TrimPrefix(m, dir+"/")))
		if tag == nil {
			t.Errorf("%s: no image tag", m)
			continue
		}
		want := fmt.Sprintf("Kubernetes  %s (%s, image-tag in /%s)", tag[2], tag[1], strings.TrimPrefix(m, dir+"/files/"))
		if !strings.Contains(header, want) {
			t.Errorf("%q not shown", want)
		}
	}

	checkInspectProcesses(t, dir, secs["Processes"])
	checkInspectFiles(t, dir, secs["Files"])
	checkInspectCertificates(t, dir, secs["Certificates"])
}

func readSpec(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// checkInspectProcesses: every process of procs.tsv is shown with each
// of its arguments at its index, the value of a setting the collector
// does not keep replaced by a marker of its length.
func checkInspectProcesses(t *testing.T, dir string, lines []string) {
	shown := map[string][]string{} // argv0 → argument lines
	var cur string
	for _, l := range lines {
		f := strings.Fields(l)
		switch {
		case len(f) >= 3 && f[1] == "pid":
			cur = f[0]
		case len(f) >= 2 && strings.HasPrefix(f[0], "["):
			shown[cur] = append(shown[cur], strings.TrimSpace(l))
		}
	}
	sc := bufio.NewScanner(strings.NewReader(readSpec(t, dir, "procs.tsv")))
	procs := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "+env") {
			continue
		}
		argv0, args, _ := strings.Cut(line, "\t")
		argv := append([]string{argv0}, strings.Fields(args)...)
		name := filepath.Base(argv0)
		got := shown[name]
		procs++
		if len(got) != len(argv) {
			t.Errorf("%s: %d arguments shown, the spec has %d:\n%s", name, len(got), len(argv), strings.Join(got, "\n"))
			continue
		}
		for i, a := range argv {
			prefix := fmt.Sprintf("[%d] ", i)
			if got[i] == prefix+a {
				continue
			}
			// Redacted: the flag kept, the value a marker of its length.
			flag, value, ok := strings.Cut(a, "=")
			if ok && got[i] == fmt.Sprintf("%s%s=<redacted:%d>", prefix, flag, len(value)) {
				continue
			}
			t.Errorf("%s argv[%d]: shown %q, the spec has %q", name, i, got[i], a)
		}
	}
	if procs == 0 || len(shown) != procs {
		t.Errorf("%d processes shown, the spec has %d", len(shown), procs)
	}
}

// checkInspectFiles: every file of the spec that inspect lists shows the
// spec's mode and owner, and inspect lists the files that the checks
// read.
func checkInspectFiles(t *testing.T, dir string, lines []string) {
	rows := map[string][]string{}
	for _, l := range lines {
		if f := strings.Fields(l); len(f) >= 2 {
			rows[f[0]] = f[1:]
		}
	}
	want := map[string][3]string{} // path → type, mode, owner
	root := filepath.Join(dir, "files")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel := "/" + filepath.ToSlash(strings.TrimPrefix(p, root+"/"))
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			want[rel] = [3]string{"dir", "0755", "root:root"}
		case fi.Mode()&0o111 != 0:
			want[rel] = [3]string{"file", "0755", "root:root"}
		default:
			want[rel] = [3]string{"file", "0644", "root:root"}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(readSpec(t, dir, "attrs.tsv")))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || strings.HasPrefix(f[0], "#") {
			continue
		}
		w := want[f[0]]
		if len(f) >= 5 {
			w[0] = f[4]
		}
		if f[1] != "-" {
			w[1] = f[1]
		}
		owner, group, _ := strings.Cut(w[2], ":")
		if f[2] != "-" {
			owner = f[2]
		}
		if f[3] != "-" {
			group = f[3]
		}
		w[2] = owner + ":" + group
		want[f[0]] = w
	}
	compared := 0
	var paths []string
	for p := range want {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		got, ok := rows[p]
		if !ok {
			continue
		}
		compared++
		w := want[p]
		if len(got) < 3 || got[0] != w[0] || got[1] != w[1] || got[2] != w[2] {
			t.Errorf("%s: shown %v, the spec lays out %s %s %s", p, got, w[0], w[1], w[2])
		}
	}
	// The files the checks read are all there.
	for _, p := range []string{"/etc/kubernetes/kubelet.conf", "/var/lib/kubelet/config.yaml", "/etc/kubernetes/pki/ca.crt"} {
		if _, ok := rows[p]; !ok {
			t.Errorf("%s not listed", p)
		}
	}
	t.Logf("%d files compared", compared)
	if compared < 20 {
		t.Errorf("only %d of the spec's files listed", compared)
	}
}

// checkInspectCertificates: every certificate of the spec, as crypto/x509
// reads it, is shown with its subject's common name, key, CA flag and
// expiry date.
func checkInspectCertificates(t *testing.T, dir string, lines []string) {
	rows := map[string]string{}
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 1 {
			rows[f[0]] = l
		}
	}
	root := filepath.Join(dir, "files")
	certs := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".crt") || strings.HasSuffix(p, ".pem")) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel := "/" + filepath.ToSlash(strings.TrimPrefix(p, root+"/"))
		for i := 0; ; i++ {
			var b *pem.Block
			b, data = pem.Decode(data)
			if b == nil {
				break
			}
			if b.Type != "CERTIFICATE" {
				i--
				continue
			}
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				t.Errorf("%s[%d]: %v", rel, i, err)
				continue
			}
			certs++
			key := fmt.Sprintf("%s[%d]", rel, i)
			row, ok := rows[key]
			if !ok {
				t.Errorf("%s not shown", key)
				continue
			}
			ca := ""
			if c.IsCA {
				ca = " CA"
			}
			for _, want := range []string{
				"CN=" + c.Subject.CommonName,
				fmt.Sprintf("RSA %d%s ", c.PublicKey.(interface{ Size() int }).Size()*8, ca),
				"not after " + c.NotAfter.UTC().Format("2006-01-02"),
			} {
				if !strings.Contains(row, want) {
					t.Errorf("%s: %q does not show %q", key, row, want)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if certs < 3 || len(rows) != certs {
		t.Errorf("%d certificates shown, %d in the spec", len(rows), certs)
	}
}
