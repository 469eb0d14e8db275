package collector

import (
	"bytes"
	"path"
	"strings"
)

// hint tells how a path's content is to be kept, from how it was found.
type hint int

const (
	hintNone   hint = iota // decided by the file's name
	hintConfig             // a configuration file: copied, redacted
	hintSecret             // a key, token or password file: stat only
)

// configKeys are flags and config fields whose value names a configuration
// file to copy, whatever its name.
var configKeys = map[string]bool{
	"config":                                   true,
	"config-file":                              true,
	"kubeconfig":                               true,
	"bootstrap-kubeconfig":                     true,
	"authentication-kubeconfig":                true,
	"authorization-kubeconfig":                 true,
	"encryption-provider-config":               true,
	"admission-control-config-file":            true,
	"audit-policy-file":                        true,
	"audit-webhook-config-file":                true,
	"authentication-token-webhook-config-file": true,
	"authorization-webhook-config-file":        true,
	"authentication-config":                    true,
	"authorization-config":                     true,
	"egress-selector-config-file":              true,
	"tracing-config-file":                      true,
	"resolv-conf":                              true,
	"EnvironmentFile":                          true,
	"kubeconfigFile":                           true,
	"kubeConfigFile":                           true,
	"configFile":                               true,
	"path":                                     true, // admission plugin configurations
}

// secretKey reports whether a flag or field name says its file holds a
// secret: private keys, tokens, passwords.
func secretKey(key string) bool {
	k := strings.ToLower(key)
	if configKeys[key] || strings.Contains(k, "kubeconfig") {
		return false
	}
	return strings.Contains(k, "key") || strings.Contains(k, "token") ||
		strings.Contains(k, "password") || strings.Contains(k, "basic-auth") || strings.Contains(k, "secret")
}

// secretName reports whether a file's name says it holds a secret.
func secretName(p string) bool {
	base := strings.ToLower(path.Base(p))
	switch {
	case strings.HasSuffix(base, ".key"), strings.HasSuffix(base, "key.pem"),
		strings.HasSuffix(base, "_key"), strings.HasSuffix(base, "-key"),
		strings.HasSuffix(base, ".p12"), strings.HasSuffix(base, ".pfx"),
		strings.HasSuffix(base, ".jks"), strings.HasSuffix(base, ".token"),
		strings.Contains(base, "token"), strings.Contains(base, "passw"),
		strings.Contains(base, "basic_auth"), strings.Contains(base, "basic-auth"),
		strings.Contains(base, "secret"):
		return true
	}
	// kubelet-client-current.pem and friends hold the key beside the
	// certificate; they are parsed for certificates only, never copied.
	return false
}

var certExts = []string{".crt", ".cert", ".cer", ".pem"}

func certName(p string) bool {
	base := strings.ToLower(path.Base(p))
	for _, ext := range certExts {
		if strings.HasSuffix(base, ext) {
			return true
		}
	}
	return false
}

var configExts = []string{".yaml", ".yml", ".conf", ".json", ".conflist", ".kubeconfig", ".config", ".service", ".toml", ".env", ".cfg", ".ini", ".manifest"}

var configDirs = []string{"/etc/default/", "/etc/sysconfig/", "/var/snap/microk8s/current/args/"}

func configName(p string) bool {
	if strings.HasPrefix(p, "/opt/cni/bin/") || strings.Contains(p, "/bin/") {
		return false
	}
	base := strings.ToLower(path.Base(p))
	if base == "kubeconfig" || base == "config" {
		return true
	}
	for _, ext := range configExts {
		if strings.HasSuffix(base, ext) {
			return true
		}
	}
	for _, d := range configDirs {
		if strings.HasPrefix(p, d) && !strings.Contains(p[len(d):], "/") {
			return true
		}
	}
	return false
}

// flagPath is an absolute path found in a command line or a file.
type flagPath struct {
	key  string // the flag or field name that gave it, without dashes
	path string
}

// pathsInArgs returns the absolute paths in a command line: values of
// --flag=value and --flag value, every element of comma lists, and
// key=value items (k3s's --kube-apiserver-arg=tls-cert-file=/x).
func pathsInArgs(argv []string) []flagPath {
	var out []flagPath
	for i := 1; i < len(argv); i++ {
		arg := argv[i]
		if !strings.HasPrefix(arg, "-") {
			continue
		}
		name, val, ok := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !ok {
			if i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "-") {
				val = argv[i+1]
			} else {
				continue
			}
		}
		for _, item := range strings.Split(val, ",") {
			key := name
			if k, v, ok := strings.Cut(item, "="); ok && strings.HasPrefix(v, "/") {
				// k3s's --kube-apiserver-arg=--tls-cert-file=/x names the
				// flag with its dashes, as the analyzer reads it too.
				key, item = strings.TrimLeft(k, "-"), v
			}
			if p, ok := cleanAbs(item); ok {
				out = append(out, flagPath{key: key, path: p})
			}
		}
	}
	return out
}

// maxPathsPerFile bounds what one file can add to the collection.
const maxPathsPerFile = 500

// pathsInText returns the absolute paths in a configuration file's text,
// each with the name of the flag or field it is the value of, if any: a
// --flag= or --flag value, a YAML or JSON key, an environment or systemd
// KEY= (also systemd's KEY=-/optional/path). A path must start a token:
// the slashes inside a URL or an image name are not paths.
func pathsInText(text []byte) []flagPath { return pathsInTextN(text, maxPathsPerFile) }

// pathsInTextN returns at most max of the paths of pathsInText.
func pathsInTextN(text []byte, max int) []flagPath {
	var out []flagPath
	for _, line := range bytes.Split(text, []byte{'\n'}) {
		for i := 0; i < len(line) && len(out) < max; i++ {
			if line[i] != '/' {
				continue
			}
			if i > 0 && !pathStart(line, i) {
				// Inside a token (a URL, an image name): skip the token.
				for i < len(line) && !isSpace(line[i]) {
					i++
				}
				continue
			}
			j := i + 1
			for j < len(line) && (isPathByte(line[j]) || line[j] == '/') {
				j++
			}
			if j == i+1 || line[i+1] == '/' {
				for i < len(line) && !isSpace(line[i]) {
					i++
				}
				continue
			}
			if p, ok := cleanAbs(string(line[i:j])); ok {
				out = append(out, flagPath{key: keyBefore(line[:i]), path: p})
			}
			i = j
		}
	}
	return out
}

// pathStart reports whether the '/' at line[i] may start a path.
func pathStart(line []byte, i int) bool {
	switch c := line[i-1]; {
	case isSpace(c), c == '"', c == '\'', c == '=', c == ',', c == '(', c == '[', c == ':':
		return true
	case c == '-':
		return i >= 2 && line[i-2] == '=' // systemd's EnvironmentFile=-/path
	}
	return false
}

// keyBefore names what the value starting at the end of s belongs to.
func keyBefore(s []byte) string {
	s = bytes.TrimRight(s, "\"'")
	switch {
	case bytes.HasSuffix(s, []byte("=-")):
		return identBefore(s[:len(s)-2])
	case bytes.HasSuffix(s, []byte("=")):
		return identBefore(s[:len(s)-1])
	case len(bytes.TrimRight(s, " \t")) < len(s):
		t := bytes.TrimRight(s, " \t")
		if bytes.HasSuffix(t, []byte(":")) {
			return identBefore(bytes.TrimRight(t[:len(t)-1], "\""))
		}
		// "--flag /path": the flag is the previous token.
		if k := identBefore(t); strings.HasPrefix(lastToken(t), "--") {
			return k
		}
	case bytes.HasSuffix(s, []byte(":")):
		return identBefore(bytes.TrimRight(s[:len(s)-1], "\""))
	}
	return ""
}

// identBefore returns the name that ends s: letters, digits, '_', '-'
// and '.', without leading dashes.
func identBefore(s []byte) string {
	i := len(s)
	for i > 0 {
		c := s[i-1]
		if c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
			i--
			continue
		}
		break
	}
	return strings.TrimLeft(string(s[i:]), "-")
}

func lastToken(s []byte) string {
	if i := bytes.LastIndexAny(s, " \t"); i >= 0 {
		return string(s[i+1:])
	}
	return string(s)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

func isPathByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._@+~-", c) >= 0
}

// cleanAbs accepts an absolute path worth a stat: not the root, not in a
// pseudo file system, no glob.
func cleanAbs(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "*?[]{}$\x00") {
		return "", false
	}
	p := path.Clean(s)
	if p == "/" || len(p) > 4096 {
		return "", false
	}
	for _, pre := range skipPrefixes {
		if strings.HasPrefix(p+"/", pre) {
			return "", false
		}
	}
	return p, true
}

// expandUnitSpecifiers replaces the systemd specifiers that name the unit
// (%n, %N, %p, %i) in the text of the unit or drop-in at p, so that the
// paths they build are followed: RKE2's units read
// EnvironmentFile=-/usr/local/lib/systemd/system/%N.env. A drop-in
// (NAME.service.d/x.conf) belongs to NAME.service. "%%" is a percent sign.
func expandUnitSpecifiers(p string, text []byte) []byte {
	if !bytes.ContainsRune(text, '%') {
		return text
	}
	unit := path.Base(p)
	if d := path.Base(path.Dir(p)); strings.HasSuffix(d, ".d") && strings.Contains(d, ".") {
		unit = strings.TrimSuffix(d, ".d")
	}
	name := unit
	if i := strings.LastIndexByte(unit, '.'); i > 0 {
		name = unit[:i]
	}
	prefix, instance, _ := strings.Cut(name, "@")
	r := strings.NewReplacer("%%", "%", "%n", unit, "%N", name, "%p", prefix, "%i", instance)
	return []byte(r.Replace(string(text)))
}
