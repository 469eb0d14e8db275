package evidence

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/catalog"
	"github.com/kubeproof/kubeproof/results"
)

// State says what is known of a piece of evidence.
type State int

const (
	// Unknown: the evidence could not be read (not collected, unreadable,
	// redacted, not parseable). Never the same as Unset, never a pass.
	Unknown State = iota
	// Unset: the evidence shows that the setting is not set.
	Unset
	// Set: the setting has Value.
	Set
)

// Observation is what the evidence says of one setting, with the
// citations that show it.
type Observation struct {
	State State
	Value string
	// Desc names the setting as it reads in verdicts: "--profiling",
	// "--read-only-port or readOnlyPort".
	Desc string
	// Reason says why the state is Unknown.
	Reason    string
	Citations []results.Citation
}

func (o *Observation) cite(c ...results.Citation) { o.Citations = append(o.Citations, c...) }

func (o *Observation) unknown(format string, args ...any) Observation {
	o.State, o.Reason = Unknown, fmt.Sprintf(format, args...)
	return *o
}

// describe names a setting by its flag, field and variable.
func describe(s *catalog.Setting) string {
	var parts []string
	if s.Flag != "" {
		parts = append(parts, "--"+s.Flag)
	}
	if s.Field != "" {
		parts = append(parts, s.Field)
	}
	if s.Env != "" {
		parts = append(parts, "$"+s.Env)
	}
	return strings.Join(parts, " or ")
}

// Setting resolves a setting of a component the way the component does:
//
//   - etcd: with --config-file (or ETCD_CONFIG_FILE), the file's key of
//     the flag's name is the setting and the flags and environment are
//     ignored; else the flag, else the ETCD_* variable of its name;
//   - kubelet: the flag, else the last --config-dir drop-in (*.conf, in
//     name order) that sets the field, else the --config file;
//   - kube-proxy and kube-scheduler: the flag, else their --config file;
//   - other components: the flag (and a variable the setting names).
//
// Unset is returned only when every place the component reads the
// setting from was read; a place that could not be read makes the
// setting Unknown.
func (n *Node) Setting(component string, s *catalog.Setting) Observation {
	o := Observation{Desc: describe(s)}
	p, _ := n.process(component)
	if p == nil {
		return o.unknown("%s does not run on this node", component)
	}
	if component == "etcd" {
		return n.etcdSetting(p, s, o)
	}
	if s.Flag != "" {
		if val, occ, _ := n.flag(component, s.Flag); len(occ) > 0 {
			o.State, o.Value = Set, val
			n.citeOccurrences(&o, p, s.Flag, occ)
			return o
		}
		if why := n.ArgsUnknown(component); why != "" {
			return o.unknown("--%s: %s", s.Flag, why)
		}
	}
	if s.Env != "" {
		if ob, done := n.envSetting(p, s.Env, &o); done {
			return ob
		}
	}
	if s.Field == "" {
		if s.Flag != "" {
			o.cite(n.flagAbsent(component, p, s.Flag, ""))
		}
		o.State = Unset
		return o
	}
	files, ob, ok := n.configFiles(component, p, s, &o)
	if !ok {
		return ob
	}
	// The last file that sets the field wins (drop-ins come after the
	// --config file, in name order).
	for i := len(files) - 1; i >= 0; i-- {
		val, line, present := files[i].lookup(s.Field)
		if present {
			o.State, o.Value = Set, val
			o.cite(n.fieldCitation(files[i], fmt.Sprintf("%s (line %d)", s.Field, line), val))
			return o
		}
	}
	for _, d := range files {
		o.cite(n.fieldCitation(d, s.Field, "not present in "+d.path))
	}
	if s.ConfigDefault != "" && len(files) > 0 {
		// The component read a configuration file without the field: the
		// file's API default applies, not the flag's.
		o.State, o.Value = Set, s.ConfigDefault
		o.cite(n.fieldCitation(files[0], s.Field, fmt.Sprintf("not set in any configuration file %s reads: the configuration's default, %s, applies", component, s.ConfigDefault)))
		return o
	}
	o.State = Unset
	return o
}

// configFiles returns the parsed configuration files of a component, the
// --config file first and then its drop-ins; ok is false when one could
// not be read, and the observation then says why.
func (n *Node) configFiles(component string, p *bundle.Process, s *catalog.Setting, o *Observation) ([]*configDoc, Observation, bool) {
	var paths []string
	cfgPath, occ, _ := n.flag(component, "config")
	switch {
	case len(occ) > 0:
		paths = append(paths, cfgPath)
		if s.Flag != "" {
			o.cite(n.flagAbsent(component, p, s.Flag, "; --config="+cfgPath))
		}
	default:
		what := "no --config"
		if s.Flag != "" {
			what = fmt.Sprintf("neither --%s nor --config", s.Flag)
		}
		o.cite(n.argvCitation(p, -1, fmt.Sprintf("%s among its %s", what, arguments(p))))
	}
	if component == "kubelet" {
		if dir, docc, _ := n.flag(component, "config-dir"); len(docc) > 0 {
			dropins, err := n.dropIns(dir)
			if err != "" {
				return nil, o.unknown("the kubelet's --config-dir %s: %s", dir, err), false
			}
			paths = append(paths, dropins...)
		}
	}
	var docs []*configDoc
	for _, cp := range paths {
		if host, mapped, why := n.NodePath(component, cp); why != "" {
			return nil, o.unknown("%s", why), false
		} else if mapped != nil {
			o.cite(*mapped)
			cp = host
		}
		d := n.config(cp)
		if st := n.stats[cp]; d.err == nil && st != nil && st.CopyType != "" && configCopyTypes[component] != "" &&
			!slices.Contains(strings.Split(st.CopyType, ","), configCopyTypes[component]) {
			// The redactor read the file as something else (an
			// environment file, another document): its copy says nothing
			// of the component's fields.
			o.cite(n.statCitation(st, "copy_type", st.CopyType))
			return nil, o.unknown("the copy of %s was read as %s, not as the %s's configuration: its settings cannot be read from it", cp, st.CopyType, component), false
		}
		if d.err != nil {
			if n.unverified[d.member] {
				o.cite(results.Citation{Bundle: n.hexSelf, Node: n.Name, Member: d.member, MemberSHA256: n.memberHex(d.member),
					Locator: "copy of " + cp, Observed: "failed verification, not read"})
			} else if pr := n.readProblem(cp); pr != nil {
				o.cite(n.problemCitation(pr))
			} else if st := n.stats[cp]; st != nil {
				o.cite(n.statCitation(st, "error", st.Error))
			}
			return nil, o.unknown("%s", d.err), false
		}
		docs = append(docs, d)
	}
	return docs, *o, true
}

// configCopyTypes are the document types of the components' --config
// files, as the redactor names them in a copy's copy_type.
var configCopyTypes = map[string]string{"kubelet": "kubelet-config", "kube-proxy": "kube-proxy-config", "kube-scheduler": "kube-scheduler-config"}

// ConfigDocType is the redactor's document type of the component's
// --config file ("kubelet-config"), or "" for a component without one.
func ConfigDocType(component string) string { return configCopyTypes[component] }

// dropIns lists the kubelet's drop-in files of dir, as the kubelet reads
// them: *.conf in lexical order. err says why the list is not known.
func (n *Node) dropIns(dir string) ([]string, string) {
	real, _ := n.resolve(dir)
	st := n.stats[real]
	switch {
	case st == nil:
		return nil, "not collected"
	case st.Error != "":
		return nil, st.Error
	case st.Type != bundle.TypeDir:
		return nil, "not a directory"
	}
	if reasons, _ := n.unseenUnder(real); len(reasons) > 0 {
		return nil, strings.Join(reasons, "; ")
	}
	var out []string
	for i := range n.statList {
		f := &n.statList[i]
		if path.Dir(f.Path) == real && strings.HasSuffix(f.Path, ".conf") && f.Error == "" {
			out = append(out, f.Path)
		}
	}
	sort.Strings(out)
	return out, ""
}

// envSetting resolves a setting from the process's environment; done is
// false when the variable is not set and the lookup should go on.
func (n *Node) envSetting(p *bundle.Process, name string, o *Observation) (Observation, bool) {
	if p.Env == nil {
		return o.unknown("no environment of %s in the bundle (bundles of format 1 hold none; a collection as non-root cannot read it): $%s may set it", p.Component, name), true
	}
	for i, e := range p.Env {
		if k, v, ok := strings.Cut(e, "="); ok && k == name {
			o.State, o.Value = Set, v
			o.cite(n.envCitation(p, i, e))
			return *o, true
		}
	}
	o.cite(n.envCitation(p, -1, fmt.Sprintf("$%s not set among its %d variables", name, len(p.Env))))
	return *o, false
}

// etcdTLS maps etcd's TLS flags to the keys of its configuration file.
var etcdTLS = map[string]string{
	"cert-file": "client-transport-security.cert-file", "key-file": "client-transport-security.key-file",
	"client-cert-auth": "client-transport-security.client-cert-auth", "trusted-ca-file": "client-transport-security.trusted-ca-file",
	"auto-tls":       "client-transport-security.auto-tls",
	"peer-cert-file": "peer-transport-security.cert-file", "peer-key-file": "peer-transport-security.key-file",
	"peer-client-cert-auth": "peer-transport-security.client-cert-auth", "peer-trusted-ca-file": "peer-transport-security.trusted-ca-file",
	"peer-auto-tls": "peer-transport-security.auto-tls",
}

// etcdSetting resolves a setting of etcd.
func (n *Node) etcdSetting(p *bundle.Process, s *catalog.Setting, o Observation) Observation {
	cfg := catalog.Setting{Flag: "config-file", Env: "ETCD_CONFIG_FILE"}
	cf := n.etcdFlagOrEnv(p, &cfg)
	if s.Flag == cfg.Flag && s.Field == "" {
		cf.Desc = o.Desc
		return cf
	}
	switch cf.State {
	case Unknown:
		o.cite(cf.Citations...)
		return o.unknown("%s", cf.Reason)
	case Set:
		// etcd reads the file and ignores its flags and environment.
		o.cite(cf.Citations...)
		field := s.Field
		if field == "" {
			field = s.Flag
			if k, ok := etcdTLS[s.Flag]; ok {
				field = k
			}
		}
		d := n.config(cf.Value)
		if d.err != nil {
			return o.unknown("etcd reads its settings from %s (--config-file), which could not be read: %s", cf.Value, d.err)
		}
		o.Desc += " (etcd --config-file " + cf.Value + ": " + field + ")"
		if val, line, present := d.lookup(field); present {
			o.State, o.Value = Set, val
			o.cite(n.fieldCitation(d, fmt.Sprintf("%s (line %d)", field, line), val))
			return o
		}
		o.cite(n.fieldCitation(d, field, "not present in "+d.path))
		o.State = Unset
		return o
	}
	env := s.Env
	if env == "" && s.Flag != "" {
		env = "ETCD_" + strings.ToUpper(strings.ReplaceAll(s.Flag, "-", "_"))
	}
	ob := n.etcdFlagOrEnv(p, &catalog.Setting{Flag: s.Flag, Env: env})
	ob.Desc = o.Desc
	return ob
}

// etcdFlagOrEnv resolves a flag of etcd, and the ETCD_* variable etcd
// reads when the flag is not given.
func (n *Node) etcdFlagOrEnv(p *bundle.Process, s *catalog.Setting) Observation {
	o := Observation{Desc: describe(s)}
	if s.Flag != "" {
		if val, occ, _ := n.flag("etcd", s.Flag); len(occ) > 0 {
			o.State, o.Value = Set, val
			n.citeOccurrences(&o, p, s.Flag, occ)
			return o
		}
		o.cite(n.argvCitation(p, -1, fmt.Sprintf("--%s not set among its %s", s.Flag, arguments(p))))
	}
	if s.Env != "" {
		if ob, done := n.envSetting(p, s.Env, &o); done {
			return ob
		}
	}
	o.State = Unset
	return o
}

// Feature resolves a feature gate: --feature-gates, else featureGates in
// the component's configuration files.
func (n *Node) Feature(component, name string) Observation {
	o := Observation{Desc: "feature gate " + name}
	_, occ, p := n.flag(component, "feature-gates")
	if p == nil {
		return o.unknown("%s does not run on this node", component)
	}
	var named []flagOcc
	for _, oc := range occ {
		for _, item := range strings.Split(oc.value, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(item), "=")
			if k == name {
				o.State, o.Value = Set, v
				if len(named) == 0 || named[len(named)-1] != oc {
					named = append(named, oc)
				}
			}
		}
	}
	if o.State == Set {
		n.citeOccurrences(&o, p, "feature-gates", named)
		return o
	}
	switch component {
	case "kubelet", "kube-proxy", "kube-scheduler":
	default:
		o.cite(n.argvCitation(p, -1, fmt.Sprintf("%s not in --feature-gates among its %s", name, arguments(p))))
		o.State = Unset
		return o
	}
	fo := n.Setting(component, &catalog.Setting{Field: "featureGates." + name})
	fo.Desc = o.Desc
	fo.Citations = append([]results.Citation{n.argvCitation(p, -1, fmt.Sprintf("%s not in --feature-gates among its %s", name, arguments(p)))}, fo.Citations...)
	return fo
}
