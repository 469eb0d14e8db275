package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// TestUpToDate: redact/flags.txt is what the committed table makes.
func TestUpToDate(t *testing.T) {
	want, have, err := generate("testdata/flags.tsv", "../../redact/flags.txt")
	if err != nil {
		t.Fatal(err)
	}
	if want != have {
		t.Error("redact/flags.txt is stale: run go run ./scripts/flaggen from the repository root")
	}
}

func TestKinds(t *testing.T) {
	tests := []struct {
		component, flag string
		types           []string
		hints           []string
		want            string // kind, or "error"
	}{
		{"kube-apiserver", "profiling", []string{"bool"}, nil, "b"},
		{"kube-apiserver", "secure-port", []string{"int"}, nil, "n"},
		{"kube-apiserver", "v", []string{"Level"}, nil, "n"},
		{"kube-apiserver", "request-timeout", []string{"duration"}, nil, "d"},
		{"kube-apiserver", "audit-log-path", []string{"string"}, nil, "p"},
		{"kube-apiserver", "service-account-key-file", []string{"stringArray"}, []string{"token"}, "p"}, // names a file
		{"kube-apiserver", "etcd-servers", []string{"stringSlice"}, nil, "u"},
		{"kube-apiserver", "authorization-mode", []string{"stringSlice"}, nil, ""},
		{"kube-apiserver", "runtime-config", []string{"mapStringString"}, nil, ""}, // a map is not a path
		{"kube-apiserver", "feature-gates", []string{"colonSeparatedMultimapStringString", "mapStringBool"}, nil, ""},
		{"kube-apiserver", "storage-driver-password", []string{"string"}, nil, "x"},       // rule
		{"kube-apiserver", "oidc-issuer-url", []string{"string"}, []string{"token"}, "u"}, // rule
		{"kube-apiserver", "oidc-client-secret", []string{"string"}, nil, "error"},        // a secret by its name: no rule, no guess
		{"kube-apiserver", "webhook-header", []string{"string"}, []string{"bearer"}, "error"},
		{"kube-apiserver", "enable-token-cache", []string{"bool"}, []string{"token"}, "b"}, // a boolean holds no secret
		{"kubelet", "manifest-url-header", []string{"string"}, nil, "x"},                   // rule: headers may carry credentials
		{"kube-apiserver", "webhook-headers", []string{"stringSlice"}, nil, "error"},       // headers: review
		{"kube-apiserver", "new-flag", []string{"someNewType"}, nil, "error"},
		{"kube-apiserver", "flip-flop", []string{"bool", "string"}, nil, "error"},
		{"etcd", "listen-metrics-urls", []string{"flags.UniqueURLs", "string"}, nil, "u"},
		{"etcd", "force", []string{"flags.IgnoredFlag"}, nil, "b"},
		{"etcd", "auth-token", []string{"string"}, []string{"token"}, "t"},
		{"etcd", "discovery", []string{"string"}, nil, "x"},
		{"k3s-server", "token", []string{"cli.StringFlag"}, nil, "x"},
		{"k3s-server", "etcd-s3-secret-key", []string{"cli.StringFlag"}, nil, "x"},
		{"k3s-server", "kubelet-arg", []string{"cli.StringSliceFlag"}, nil, "a=kubelet"},
		{"k3s-server", "some-new-arg", []string{"cli.StringSliceFlag"}, nil, "error"}, // passes flags to something: review it
		{"k3s-server", "datastore-endpoint", []string{"cli.StringFlag"}, nil, "u"},
		{"k3s-server", "write-kubeconfig", []string{"cli.StringFlag"}, nil, "p"},
		{"k3s-server", "disable-selinux", []string{"cli.BoolTFlag"}, nil, "b"},
		{"rke2-server", "kube-apiserver-extra-env", []string{"cli.StringSliceFlag"}, nil, "x"},
	}
	for _, tt := range tests {
		r := row{component: tt.component, flag: tt.flag, types: tt.types, hints: tt.hints, first: "1", last: "1"}
		tab, err := decide([]row{r})
		if tt.want == "error" {
			if err == nil {
				t.Errorf("%s --%s: kind %q, want an error", tt.component, tt.flag, tab.kinds[tt.component][tt.flag])
			}
			continue
		}
		if err != nil {
			t.Errorf("%s --%s: %v", tt.component, tt.flag, err)
			continue
		}
		if got := tab.kinds[tt.component][tt.flag]; got != tt.want {
			t.Errorf("%s --%s: kind %q, want %q", tt.component, tt.flag, got, tt.want)
		}
	}
}

// TestShorthands: a shorthand has its long flag's kind (k3s -t is --token).
func TestShorthands(t *testing.T) {
	rows := []row{
		{component: "k3s-server", flag: "token", types: []string{"cli.StringFlag"}},
		{component: "k3s-server", flag: "t", types: []string{"shorthand:token"}},
		{component: "kubelet", flag: "v", types: []string{"Level"}},
		{component: "kubelet", flag: "v", types: []string{"shorthand:v"}},
	}
	tab, err := decide(rows)
	if err != nil {
		t.Fatal(err)
	}
	if k := tab.kinds["k3s-server"]["t"]; k != "x" {
		t.Errorf("k3s -t: kind %q, want x", k)
	}
	if k := tab.kinds["kubelet"]["v"]; k != "n" {
		t.Errorf("kubelet -v: kind %q, want n", k)
	}
	if _, err := decide([]row{{component: "k3s-agent", flag: "q", types: []string{"shorthand:quiet"}}}); err == nil {
		t.Error("a shorthand of a flag not in the table was accepted")
	}
}

// TestTrim: a full table is trimmed to types (with their history) and
// the secret words of the usage text, and reads back the same.
func TestTrim(t *testing.T) {
	full := "component\tflag\ttype\tfirst\tlast\tdefault\tusage\tmethod\ttype_history\n" +
		"kube-apiserver\tfeature-gates\tcolonSeparatedMultimapStringString\t1.15.12\t1.37.2\t\tgates\tbuild\tmapStringBool@1.15.12..1.30.14;colonSeparatedMultimapStringString@1.34.12..1.37.2\n" +
		"etcd\tdiscovery-token\tstring\t3.6.16\t3.7.3\t\tV3 discovery: discovery Token; no Password\tbuild\t\n"
	rows, err := readRows(strings.NewReader(full))
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0].types; !slices.Equal(got, []string{"colonSeparatedMultimapStringString", "mapStringBool"}) {
		t.Errorf("types %q", got)
	}
	if got := rows[1].hints; !slices.Equal(got, []string{"passw", "token"}) {
		t.Errorf("hints %q", got)
	}
	var b bytes.Buffer
	if err := writeRows(&b, rows); err != nil {
		t.Fatal(err)
	}
	again, err := readRows(&b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if !slices.Equal(rows[i].types, again[i].types) || !slices.Equal(rows[i].hints, again[i].hints) || rows[i].method != again[i].method {
			t.Errorf("row %d: %+v read back as %+v", i, rows[i], again[i])
		}
	}
}

func TestSplice(t *testing.T) {
	in := "# head\n" + beginMark + ": note\nold\n\n" + endMark + "\n\n@hand\nx\n"
	got, err := splice(in, "new\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "# head\n" + beginMark + ": note\nnew\n\n" + endMark + "\n\n@hand\nx\n"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if _, err := splice("# no marks\n", "x"); err == nil {
		t.Error("no error without the marks")
	}
}
