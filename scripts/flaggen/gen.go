package main

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A section of flags.txt that the generator writes.
type section struct {
	name    string
	family  string // whose rules apply: kubernetes, etcd, dist
	include string // a section whose flags it also has
	wordSep bool   // its parser reads "_" in a flag name as "-"
	sub     string // a positional subcommand word that is a setting
}

// sections, in the order written. The flags common to the five
// Kubernetes components (with the same kind) go to a section of their own,
// "kubernetes", which the five include.
var sections = []section{
	{name: "kube-apiserver", family: "kubernetes", include: "kubernetes", wordSep: true},
	{name: "kube-controller-manager", family: "kubernetes", include: "kubernetes", wordSep: true},
	{name: "kube-scheduler", family: "kubernetes", include: "kubernetes", wordSep: true},
	{name: "kubelet", family: "kubernetes", include: "kubernetes", wordSep: true},
	{name: "kube-proxy", family: "kubernetes", include: "kubernetes", wordSep: true},
	{name: "etcd", family: "etcd"},
	{name: "k3s-server", family: "dist", sub: "server"},
	{name: "k3s-agent", family: "dist", sub: "agent"},
	{name: "rke2-server", family: "dist", sub: "server"},
	{name: "rke2-agent", family: "dist", sub: "agent"},
}

// rule is a reviewed decision on one flag: its kind (a flags.txt kind
// letter, "" for a setting, "-" to leave it out) and why.
type rule struct{ kind, why string }

// rules decide the flags whose name or usage suggests a secret (every
// such flag must have one: the generator refuses to guess), and the few
// whose type says too little. Keys are "family/flag".
var rules = map[string]rule{
	// Kubernetes.
	"kubernetes/storage-driver-password":                 {"x", "cAdvisor's storage database password"},
	"kubernetes/storage-driver-user":                     {"", "a database user name, as the hand-reviewed table had it; the password is its own flag"},
	"kubernetes/kubelet-client-key":                      {"p", "the path of the API server's client key file for kubelets"},
	"kubernetes/docker-tls-key":                          {"p", "the path of a key file"},
	"kubernetes/tls-sni-cert-key":                        {"p", "certificate and key file paths, and domain patterns"},
	"kubernetes/api-audiences":                           {"", "audience identifiers that tokens must hold, not tokens"},
	"kubernetes/service-account-api-audiences":           {"", "audience identifiers that tokens must hold, not tokens"},
	"kubernetes/service-account-issuer":                  {"", "the issuer identifier (a URL) of service account tokens"},
	"kubernetes/authentication-token-webhook-version":    {"", "an API version"},
	"kubernetes/oidc-issuer-url":                         {"u", "the OIDC issuer's URL"},
	"kubernetes/oidc-required-claim":                     {"", "claim=value pairs an ID token must hold, not a token"},
	"kubernetes/ssh-user":                                {"", "an SSH user name; the key is a file (--ssh-keyfile)"},
	"kubernetes/authentication-config":                   {"p", "the path of the authentication configuration"},
	"kubernetes/authentication-kubeconfig":               {"p", "the path of a kubeconfig"},
	"kubernetes/encryption-provider-config":              {"p", "the path of the encryption configuration"},
	"kubernetes/experimental-encryption-provider-config": {"p", "the path of the encryption configuration"},
	"kubernetes/image-credential-provider-config":        {"p", "the path of the credential provider configuration"},
	"kubernetes/manifest-url-header":                     {"x", "HTTP headers sent with --manifest-url: an Authorization header is a credential (kubelet-config's staticPodURLHeader is redacted too)"},
	"kubernetes/requestheader-group-headers":             {"", "the names of request headers, not their values"},
	"kubernetes/requestheader-uid-headers":               {"", "the names of request headers, not their values"},
	"kubernetes/requestheader-username-headers":          {"", "the names of request headers, not their values"},

	// etcd.
	"etcd/auth-token":            {"t", "simple, or jwt with key paths and settings (kind t checks which)"},
	"etcd/discovery":             {"x", "a discovery URL holds the cluster's discovery token in its path"},
	"etcd/discovery-token":       {"x", "the v3 discovery token"},
	"etcd/discovery-password":    {"x", "the v3 discovery password"},
	"etcd/discovery-user":        {"x", "username[:password]"},
	"etcd/initial-cluster-token": {"x", "the bootstrap token of the cluster"},
	"etcd/discovery-key":         {"p", "the path of a TLS key file"},

	// k3s and rke2.
	"dist/token":                            {"x", "the cluster's join token"},
	"dist/agent-token":                      {"x", "the agents' join token"},
	"dist/cluster-secret":                   {"x", "the old name of --token"},
	"dist/vpn-auth":                         {"x", "VPN credentials (a join key)"},
	"dist/etcd-s3-access-key":               {"x", "S3 credentials"},
	"dist/etcd-s3-secret-key":               {"x", "S3 credentials"},
	"dist/etcd-s3-session-token":            {"x", "S3 credentials"},
	"dist/etcd-s3-config-secret":            {"x", "the name of the Secret holding S3 credentials; redacted as its name suggests"},
	"dist/secrets-encryption-provider":      {"", "an encryption provider's name (aescbc, secretbox), not a key"},
	"dist/private-registry":                 {"p", "the path of registries.yaml"},
	"dist/image-credential-provider-config": {"p", "the path of the credential provider configuration"},
	"dist/helm-controller-arg":              {"x", "flags of the helm controller, whose flags are not known"},
	"dist/disable-apiserver-lb":             {"b", "its type is not known; a toggle, so only booleans are kept"},
	// The flags passing name=value to an embedded component.
	"dist/kube-apiserver-arg":                {"a=kube-apiserver", "passed to the API server"},
	"dist/kube-controller-manager-arg":       {"a=kube-controller-manager", "passed to the controller manager"},
	"dist/kube-controller-arg":               {"a=kube-controller-manager", "the alias of --kube-controller-manager-arg"},
	"dist/kube-cloud-controller-manager-arg": {"a=kube-controller-manager", "passed to the cloud controller manager, whose flags are among the controller manager's"},
	"dist/kube-cloud-controller-arg":         {"a=kube-controller-manager", "the alias of --kube-cloud-controller-manager-arg"},
	"dist/kube-scheduler-arg":                {"a=kube-scheduler", "passed to the scheduler"},
	"dist/kubelet-arg":                       {"a=kubelet", "passed to the kubelet"},
	"dist/kube-proxy-arg":                    {"a=kube-proxy", "passed to kube-proxy"},
	"dist/etcd-arg":                          {"a=etcd", "passed to etcd"},
	// rke2's static pods: NAME=VALUE environments may hold credentials.
	"dist/kube-apiserver-extra-env":           {"x", "a static pod's environment"},
	"dist/kube-controller-manager-extra-env":  {"x", "a static pod's environment"},
	"dist/kube-scheduler-extra-env":           {"x", "a static pod's environment"},
	"dist/kube-proxy-extra-env":               {"x", "a static pod's environment"},
	"dist/etcd-extra-env":                     {"x", "a static pod's environment"},
	"dist/cloud-controller-manager-extra-env": {"x", "a static pod's environment"},
}

// Value types by what their values are.
var typeKinds = map[string]string{
	// Booleans. etcd's IgnoredFlag is bool-style (IsBoolFlag) and its
	// value is ignored.
	"bool": "b", "cli.BoolFlag": "b", "cli.BoolTFlag": "b", "flags.IgnoredFlag": "b",
	// Numbers and quantities.
	"int": "n", "int32": "n", "int64": "n", "uint": "n", "uint32": "n", "uint64": "n",
	"float32": "n", "float64": "n", "Level": "n", "quantity": "n", "flags.uint32Value": "n",
	"cli.IntFlag": "n", "cli.Int64Flag": "n", "cli.UintFlag": "n", "cli.Float64Flag": "n",
	"duration": "d", "cli.DurationFlag": "d",
	"flags.UniqueURLs": "u", "flags.URLsValue": "u",
	// Text: a setting, or by its name a path or URLs.
	"string": "", "stringArray": "", "stringSlice": "", "namedCertKey": "",
	"cli.StringFlag": "", "cli.StringSliceFlag": "",
	"mapStringString": "", "mapStringBool": "", "colonSeparatedMultimapStringString": "", "stringToString": "",
	"cidrs": "", "ip": "", "ipport": "", "ipNet": "", "int32Slice": "", "portRange": "", "port-range": "",
	"[]v1.Taint": "", "[]api.Taint": "", "reserved-memory": "", "LocalMode": "", "ProxyMode": "",
	"traceLocation": "", "severity": "", "pattern=N,...": "", "moduleSpec": "",
	"version":            "", // --version[=raw|vX.Y.Z]
	"flags.StringsValue": "", "flags.StringsValueV2": "", "flags.UniqueStringsValue": "",
	"flags.SelectiveStringValue": "", "flags.SelectiveStringsValue": "", "flags.StringsFlag": "",
	"cors.CORSInfo": "", "featuregate.featureGate": "",
}

// plainText are the text types that may name a file.
var plainText = map[string]bool{
	"string": true, "stringArray": true, "stringSlice": true, "namedCertKey": true,
	"cli.StringFlag": true, "cli.StringSliceFlag": true,
}

var (
	urlName  = regexp.MustCompile(`(^|-)(urls?|servers?|endpoints?|master|api-servers)$|-url$|-proxy$`)
	pathName = regexp.MustCompile(`(-file|-dir|-path|-directory|kubeconfig|-keyfile|-certfile|-cafile|-cert|-cacert|-ca|-socket|-config)$|^config$`)
	// fileName: the value names a file or directory; key material is in
	// the file, not in the flag.
	fileName = regexp.MustCompile(`(-file|-dir|-path|-directory|-keyfile|-certfile|-cafile)$`)
	// secretName: a name that suggests the value may be a secret.
	secretName = regexp.MustCompile(`pass(word|wd)?($|-)|secret|token|credential|(^|-)keys?($|-)|auth($|-)|private|cookie|bearer|salt|hmac|(^|-)user(name)?$|dsn|-headers?$|-arg$|-env$`)
)

// derive returns a flag's kind from its types and name, before rules.
func derive(r row) (string, error) {
	kinds := map[string]bool{}
	text := true
	for _, t := range r.types {
		k, ok := typeKinds[t]
		if !ok {
			return "", fmt.Errorf("%s --%s: unknown type %q: add it to typeKinds", r.component, r.flag, t)
		}
		kinds[k] = true
		text = text && plainText[t]
	}
	switch {
	case len(kinds) == 1 && !kinds[""]:
		for k := range kinds {
			return k, nil
		}
	case len(kinds) == 1: // text
		if urlName.MatchString(r.flag) {
			return "u", nil
		}
		if text && pathName.MatchString(r.flag) {
			return "p", nil
		}
		return "", nil
	case len(kinds) == 2 && kinds[""] && kinds["u"]: // text in one version, URLs in another
		return "u", nil
	}
	return "", fmt.Errorf("%s --%s: its types %v are of different kinds: add a rule", r.component, r.flag, r.types)
}

// needsReview reports whether a flag's name or usage suggests a secret
// where its value would be kept as text.
func needsReview(r row, k string) bool {
	if k != "" && k != "u" && k != "p" {
		return false // booleans, numbers, durations hold no secret
	}
	if fileName.MatchString(r.flag) {
		return false
	}
	return secretName.MatchString(r.flag) || len(r.hints) > 0
}

// table is the decided flags of the generated sections.
type table struct {
	kinds map[string]map[string]string // section → flag → kind
	span  map[string][2]string         // section → first and last version
	used  map[string]bool              // rules applied
}

// decide gives every flag of every section its kind.
func decide(rows []row) (*table, error) {
	t := &table{kinds: map[string]map[string]string{}, span: map[string][2]string{}, used: map[string]bool{}}
	family := map[string]string{}
	for _, s := range sections {
		family[s.name] = s.family
		t.kinds[s.name] = map[string]string{}
	}
	set := func(comp, flag, k string) error {
		if old, ok := t.kinds[comp][flag]; ok && old != k {
			return fmt.Errorf("%s --%s: kinds %q and %q", comp, flag, old, k)
		}
		t.kinds[comp][flag] = k
		return nil
	}
	var short []row
	var errs []string
	for _, r := range rows {
		fam, ok := family[r.component]
		if !ok {
			return nil, fmt.Errorf("unknown component %q", r.component)
		}
		sp := t.span[r.component]
		if sp[0] == "" || versionLess(r.first, sp[0]) {
			sp[0] = r.first
		}
		if sp[1] == "" || versionLess(sp[1], r.last) {
			sp[1] = r.last
		}
		t.span[r.component] = sp
		if len(r.types) == 1 && strings.HasPrefix(r.types[0], "shorthand:") {
			short = append(short, r)
			continue
		}
		key := fam + "/" + r.flag
		if ru, ok := rules[key]; ok {
			t.used[key] = true
			if ru.kind == "-" {
				continue
			}
			if err := set(r.component, r.flag, ru.kind); err != nil {
				errs = append(errs, err.Error())
			}
			continue
		}
		k, err := derive(r)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if needsReview(r, k) {
			errs = append(errs, fmt.Sprintf("%s --%s: its name or usage (%s) suggests a secret: add a rule %q", r.component, r.flag, strings.Join(r.hints, ","), key))
			continue
		}
		if err := set(r.component, r.flag, k); err != nil {
			errs = append(errs, err.Error())
		}
	}
	// A shorthand is its long flag.
	for _, r := range short {
		long := strings.TrimPrefix(r.types[0], "shorthand:")
		k, ok := t.kinds[r.component][long]
		if !ok {
			errs = append(errs, fmt.Sprintf("%s -%s: shorthand of --%s, which is not in the table", r.component, r.flag, long))
			continue
		}
		if err := set(r.component, r.flag, k); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return t, nil
}

// versionLess compares dotted versions numerically.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.Atoi(as[i])
		y, _ := strconv.Atoi(bs[i])
		if x != y {
			return x < y
		}
	}
	return len(as) < len(bs)
}

// render writes the generated sections.
func render(rows []row) (string, error) {
	t, err := decide(rows)
	if err != nil {
		return "", err
	}
	var unused []string
	for key := range rules {
		if !t.used[key] {
			unused = append(unused, fmt.Sprintf("rule %q decides no flag: remove it", key))
		}
	}
	if len(unused) > 0 {
		slices.Sort(unused)
		return "", fmt.Errorf("%s", strings.Join(unused, "\n"))
	}
	// Flags every Kubernetes component has, with one kind.
	common := map[string]string{}
	first := true
	for _, s := range sections {
		if s.include != "kubernetes" {
			continue
		}
		if first {
			for f, k := range t.kinds[s.name] {
				common[f] = k
			}
			first = false
			continue
		}
		for f, k := range common {
			if k2, ok := t.kinds[s.name][f]; !ok || k2 != k {
				delete(common, f)
			}
		}
	}
	var b strings.Builder
	word := func(f, k string) string {
		if k == "" {
			return f
		}
		return f + ":" + k
	}
	writeSection := func(head string, words []string) {
		b.WriteString(head + "\n")
		line := ""
		for _, w := range words {
			if line != "" && len(line)+1+len(w) > 100 {
				b.WriteString(line + "\n")
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			b.WriteString(line + "\n")
		}
		b.WriteString("\n")
	}
	sorted := func(m map[string]string, skip map[string]string) []string {
		var names []string
		for f := range m {
			if _, ok := skip[f]; !ok {
				names = append(names, f)
			}
		}
		slices.Sort(names)
		var words []string
		for _, f := range names {
			words = append(words, word(f, m[f]))
		}
		return words
	}
	fmt.Fprintf(&b, "# Shared by the five Kubernetes components (%d flags: logging, feature gates, help).\n", len(common))
	writeSection("@kubernetes !wordsep", sorted(common, nil))
	for _, s := range sections {
		sp := t.span[s.name]
		what := "Kubernetes"
		switch s.family {
		case "etcd":
			what = "etcd"
		case "dist":
			what = "releases for Kubernetes"
		}
		note := ""
		if s.family == "etcd" {
			note = "; every flag is also read from ETCD_<NAME>"
		}
		fmt.Fprintf(&b, "# %s: %d flags (%s %s-%s%s).\n", s.name, len(t.kinds[s.name]), what, sp[0], sp[1], note)
		head := "@" + s.name
		if s.include != "" {
			head += " " + s.include
		}
		if s.wordSep {
			head += " !wordsep"
		}
		var skip map[string]string
		if s.include == "kubernetes" {
			skip = common
		}
		words := sorted(t.kinds[s.name], skip)
		if s.sub != "" {
			words = append([]string{"+" + s.sub}, words...)
		}
		writeSection(head, words)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

const (
	beginMark = "# BEGIN generated by scripts/flaggen"
	endMark   = "# END generated by scripts/flaggen"
)

// splice replaces the generated part of flags.txt, from the line that
// starts with beginMark to the line that starts with endMark (both kept).
func splice(text, generated string) (string, error) {
	i := strings.Index(text, "\n"+beginMark)
	j := strings.Index(text, "\n"+endMark)
	if i < 0 || j < i {
		return "", fmt.Errorf("no %q … %q lines", beginMark, endMark)
	}
	begin := i + 1 + strings.IndexByte(text[i+1:], '\n') + 1 // after the begin line
	return text[:begin] + generated + "\n" + text[j+1:], nil
}
