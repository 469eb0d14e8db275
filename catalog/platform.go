package catalog

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Platform is a distribution's profile: how to recognise one of its nodes
// in a bundle, where its components' settings really come from, and what
// the collector must gather for it. Profiles are data
// (catalog/data/platforms/*.yaml), so that a newer analyzer re-reads an
// old bundle with newer knowledge.
type Platform struct {
	Name  string // "k3s"
	Title string // "K3s"
	File  string
	// Sources are the public documents the profile's facts come from.
	Sources []string
	// Recognise lists the signals of the platform; a node is the
	// platform's when the weights of the signals it shows add up to
	// DetectWeight or more.
	Recognise []Signal
	// Components says, per component, which process runs it when that is
	// not its own process, and how the component's arguments reach it.
	Components map[string][]ComponentSource
	// Config is the configuration file of the platform's own processes
	// (k3s and rke2 read theirs as command-line flags), or nil.
	Config *ProcessConfig
	// Benchmarks maps Kubernetes versions to the platform's benchmarks;
	// a version none holds is audited against the base CIS benchmark of
	// its version.
	Benchmarks []PlatformBenchmark
	// Collect lists paths the collector gathers for the platform.
	Collect []CollectPath
	// Variables are expanded in the platform's args files
	// (MicroK8s's ${SNAP_DATA}).
	Variables map[string]string
}

// DetectWeight is the sum of signal weights that makes a node a
// platform's.
const DetectWeight = 2

// Signal is one sign of a platform on a node. Exactly one of Process,
// Version, VersionPattern, Path, Image, Arg and OS is set.
type Signal struct {
	// Process: a process of this component name runs ("k3s-server").
	Process string `json:"process,omitempty"`
	// Version: a Kubernetes version the bundle records contains this
	// ("+k3s", "-eks-").
	Version string `json:"version,omitempty"`
	// VersionPattern: a Kubernetes version the bundle records matches
	// this regular expression (RE2), where a fixed text would also match
	// other builds (OpenShift's "+" and a commit, k3s's "+k3s1").
	VersionPattern string `json:"version_pattern,omitempty"`
	// OS: the node's /etc/os-release ID is this ("rhcos").
	OS string `json:"os,omitempty"`
	// Path: this path exists on the node.
	Path string `json:"path,omitempty"`
	// Image: a static pod's image starts with this ("registry.tke.com/").
	Image string `json:"image,omitempty"`
	// Arg: an argument of Component's command line contains this
	// ("platform.tkestack.io/" in the kubelet's --node-labels).
	Arg       string `json:"arg,omitempty"`
	Component string `json:"component,omitempty"`
	// Weight is 1 (a hint) or 2 (decides alone).
	Weight int `json:"weight"`
}

// Describe says what the signal looks for.
func (s Signal) Describe() string {
	switch {
	case s.Process != "":
		return "a " + s.Process + " process"
	case s.Version != "":
		return fmt.Sprintf("a Kubernetes version with %q", s.Version)
	case s.VersionPattern != "":
		return fmt.Sprintf("a Kubernetes version matching %q", s.VersionPattern)
	case s.OS != "":
		return "the operating system " + s.OS
	case s.Path != "":
		return s.Path
	case s.Arg != "":
		return fmt.Sprintf("%q in the %s's arguments", s.Arg, s.Component)
	}
	return "a static pod image from " + s.Image
}

// ComponentSource says where a component's arguments come from on a
// platform.
type ComponentSource struct {
	// Process is the component name of the process that runs the
	// component ("k3s-server" runs kube-apiserver).
	Process string `json:"process"`
	// Arg is the flag of that process that passes arguments to the
	// component, one key=value item each ("kube-apiserver-arg").
	Arg string `json:"arg,omitempty"`
	// ArgsFile is a file that holds the component's command-line flags,
	// one per line (MicroK8s's args files).
	ArgsFile string `json:"args_file,omitempty"`
	// Defaults are the arguments the process passes the component before
	// any the user gives ("profiling=false"), for the Kubernetes versions
	// given (all when none).
	Defaults []DefaultArg `json:"defaults,omitempty"`
	// Pod is the static pod manifest whose container of the component's
	// name runs it (OpenShift's /etc/kubernetes/manifests/kube-apiserver-pod.yaml):
	// the paths the component names are paths in that container, which
	// the manifest's volumes map to the node's.
	Pod string `json:"pod,omitempty"`
	// ConfigArgs: the component reads more arguments from a file that
	// one of its flags names (OpenShift's API server, --openshift-config).
	ConfigArgs *ConfigArgs `json:"config_args,omitempty"`
}

// ConfigArgs is a YAML or JSON file, named by a flag of the component,
// that holds more of its arguments: a map of flag names to lists of
// values, each value one --flag=value read after the command line (as
// OpenShift's kube-apiserver reads apiServerArguments of its
// KubeAPIServerConfig).
type ConfigArgs struct {
	// Flag is the component's flag that names the file.
	Flag string `json:"flag"`
	// Field is the dotted path of the map of flags.
	Field string `json:"field"`
	// Unset maps a flag to another field of the file (dotted; a scalar or
	// a list) that gives its values when the map leaves the flag out.
	Unset map[string]string `json:"unset,omitempty"`
}

// DefaultArg is an argument a platform's process passes an embedded
// component by default.
type DefaultArg struct {
	Arg        string        `json:"arg"`
	Kubernetes *VersionRange `json:"kubernetes,omitempty"`
	// Path, when set, makes the default hold only on a node where this
	// path exists (k3s passes the API server etcd's client certificates
	// only when it runs embedded etcd, whose data directory is then there).
	Path string `json:"path,omitempty"`
	// Flag, when set, makes the default hold only where the platform's
	// process has this setting of its own true (k3s passes
	// --encryption-provider-config only with secrets-encryption).
	Flag string `json:"flag,omitempty"`
	// Source is the public document that states it.
	Source string `json:"source"`
}

// Holds reports whether the default applies to Kubernetes minor version
// minor (a minor of -1, unknown, holds only for defaults of every
// version).
func (d DefaultArg) Holds(minor int) bool {
	if d.Kubernetes == nil {
		return true
	}
	from, to := minorOf(d.Kubernetes.From), minorOf(d.Kubernetes.To)
	if d.Kubernetes.To == "" {
		to = 1 << 30
	}
	return minor >= 0 && minor >= from && minor <= to
}

// ProcessConfig is a configuration file whose keys are the command-line
// flags of a platform's processes (k3s's and rke2's config.yaml): the
// process reads the file's keys as flags placed before its own
// arguments, so an argument overrides the file and list flags add up.
type ProcessConfig struct {
	// Processes are the component names of the processes that read it.
	Processes []string `json:"processes"`
	// File is the file read by default.
	File string `json:"file"`
	// Flag and Env name another file to read instead.
	Flag string `json:"flag,omitempty"`
	Env  string `json:"env,omitempty"`
	// DropIns is a directory whose *.yaml files are read after File, in
	// name order; a later file's key replaces an earlier one's, and a key
	// ending in "+" adds to a list instead.
	DropIns string `json:"dropins,omitempty"`
}

// CollectPath is a path the collector gathers: a file (stat'ed, and
// copied or read by its kind), or a directory whose entries are gathered
// to Depth levels (1 when not given; 0: the directory's record alone).
type CollectPath struct {
	Path  string `json:"path"`
	Depth *int   `json:"depth,omitempty"`
	// As names the component and flag that read the file, when nothing on
	// the node names it (k3s's etcd reads server/db/etcd/config as its
	// --config-file): the collector reads it as that flag's file.
	As *ReadAs `json:"as,omitempty"`
}

// ReadAs is a component's flag whose value a file is.
type ReadAs struct {
	Component string `json:"component"`
	Flag      string `json:"flag"`
}

// Levels is the depth to walk the path to.
func (c CollectPath) Levels() int {
	if c.Depth == nil {
		return 1
	}
	return *c.Depth
}

// Paths lists every path the platform's profile names, with the depth to
// gather it to: what it collects, the paths its signals look for, its
// configuration file and drop-ins, and its components' args files. The
// collector gathers them all (a test keeps its list in step).
func (p *Platform) Paths() []CollectPath {
	zero, one := 0, 1
	out := append([]CollectPath{}, p.Collect...)
	for _, s := range p.Recognise {
		if s.Path != "" {
			out = append(out, CollectPath{Path: s.Path, Depth: &zero})
		}
	}
	if c := p.Config; c != nil {
		out = append(out, CollectPath{Path: c.File, Depth: &zero})
		if c.DropIns != "" {
			out = append(out, CollectPath{Path: c.DropIns, Depth: &one})
		}
	}
	for _, srcs := range p.Components {
		for _, s := range srcs {
			if s.ArgsFile != "" {
				out = append(out, CollectPath{Path: s.ArgsFile, Depth: &zero})
			}
			for _, d := range s.Defaults {
				if d.Path != "" {
					out = append(out, CollectPath{Path: d.Path, Depth: &zero})
				}
			}
			if s.Pod != "" {
				out = append(out, CollectPath{Path: s.Pod, Depth: &zero})
			}
		}
	}
	return out
}

// PlatformBenchmark is the benchmark of a platform for a range of
// Kubernetes versions.
type PlatformBenchmark struct {
	Kubernetes VersionRange `json:"kubernetes"`
	Benchmark  string       `json:"benchmark"`
}

type rawPlatform struct {
	Format     int                          `json:"format"`
	Platform   string                       `json:"platform"`
	Title      string                       `json:"title"`
	Sources    []string                     `json:"sources"`
	Recognise  []Signal                     `json:"recognise"`
	Components map[string][]ComponentSource `json:"components,omitempty"`
	Config     *ProcessConfig               `json:"config,omitempty"`
	Benchmarks []PlatformBenchmark          `json:"benchmarks,omitempty"`
	Collect    []CollectPath                `json:"collect,omitempty"`
	Variables  map[string]string            `json:"variables,omitempty"`
}

// ParsePlatform reads a platform profile.
func ParsePlatform(file string, data []byte) (*Platform, error) {
	var raw rawPlatform
	if err := decodeStrict(file, data, &raw); err != nil {
		return nil, err
	}
	bad := func(field, format string, args ...any) error {
		return &Error{File: file, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case raw.Format != FormatVersion:
		return nil, bad("format", "%d: want %d", raw.Format, FormatVersion)
	case !validName(raw.Platform):
		return nil, bad("platform", "%q: want a lower-case name", raw.Platform)
	case raw.Title == "":
		return nil, bad("title", "required")
	case len(raw.Sources) == 0:
		return nil, bad("sources", "name the public documents the profile's facts come from")
	case len(raw.Recognise) == 0:
		return nil, bad("recognise", "no signal")
	}
	for i, s := range raw.Recognise {
		set := 0
		for _, v := range []string{s.Process, s.Version, s.VersionPattern, s.Path, s.Image, s.Arg, s.OS} {
			if v != "" {
				set++
			}
		}
		if s.VersionPattern != "" {
			if _, err := regexp.Compile(s.VersionPattern); err != nil {
				return nil, bad(fmt.Sprintf("recognise[%d].version_pattern", i), "%q: %v", s.VersionPattern, err)
			}
		}
		switch {
		case set != 1:
			return nil, bad(fmt.Sprintf("recognise[%d]", i), "want exactly one of process, version, version_pattern, path, image, arg, os")
		case (s.Arg != "") != (s.Component != ""):
			return nil, bad(fmt.Sprintf("recognise[%d]", i), "arg and component go together")
		case s.Weight != 1 && s.Weight != 2:
			return nil, bad(fmt.Sprintf("recognise[%d].weight", i), "%d: want 1 (a hint) or 2 (decides alone)", s.Weight)
		case s.Path != "" && !path.IsAbs(s.Path):
			return nil, bad(fmt.Sprintf("recognise[%d].path", i), "%q: want an absolute path", s.Path)
		}
	}
	for _, c := range slices.Sorted(mapKeys(raw.Components)) {
		if c == "none" || !slices.Contains(Components, c) {
			return nil, bad("components", "%q: want one of %s", c, strings.Join(Components[:len(Components)-1], ", "))
		}
		for i, src := range raw.Components[c] {
			at := fmt.Sprintf("components.%s[%d]", c, i)
			switch {
			case src.Process == "":
				return nil, bad(at+".process", "required")
			case src.Arg != "" && src.ArgsFile != "":
				return nil, bad(at, "arg or args_file, not both")
			case src.ArgsFile != "" && !path.IsAbs(src.ArgsFile):
				return nil, bad(at+".args_file", "%q: want an absolute path", src.ArgsFile)
			case len(src.Defaults) > 0 && src.Arg == "":
				return nil, bad(at+".defaults", "defaults go with arg (the flag that passes them)")
			case src.Pod != "" && (!path.IsAbs(src.Pod) || path.Clean(src.Pod) != src.Pod):
				return nil, bad(at+".pod", "%q: want a clean absolute path", src.Pod)
			case (src.Pod != "" || src.ConfigArgs != nil) && (src.Process != c || src.Arg != "" || src.ArgsFile != ""):
				return nil, bad(at, "pod and config_args describe the component's own process (process: %s), with neither arg nor args_file", c)
			}
			if ca := src.ConfigArgs; ca != nil {
				switch {
				case ca.Flag == "" || strings.HasPrefix(ca.Flag, "-"):
					return nil, bad(at+".config_args.flag", "%q: want the name of the flag that names the file", ca.Flag)
				case ca.Field == "":
					return nil, bad(at+".config_args.field", "required: the field that maps flags to their values")
				}
				for _, k := range slices.Sorted(mapKeys(ca.Unset)) {
					if k == "" || strings.HasPrefix(k, "-") || ca.Unset[k] == "" {
						return nil, bad(at+".config_args.unset", "%q: %q: want a flag name and a field", k, ca.Unset[k])
					}
				}
			}
			for j, d := range src.Defaults {
				k, _, ok := strings.Cut(d.Arg, "=")
				switch {
				case !ok || k == "" || strings.HasPrefix(k, "-"):
					return nil, bad(fmt.Sprintf("%s.defaults[%d].arg", at, j), "%q: want name=value", d.Arg)
				case !strings.HasPrefix(d.Source, "https://"):
					return nil, bad(fmt.Sprintf("%s.defaults[%d].source", at, j), "name the public document that states it (https://…)")
				case d.Path != "" && (!path.IsAbs(d.Path) || path.Clean(d.Path) != d.Path):
					return nil, bad(fmt.Sprintf("%s.defaults[%d].path", at, j), "%q: want a clean absolute path", d.Path)
				case d.Kubernetes != nil && minorOf(d.Kubernetes.From) == 1<<30:
					return nil, bad(fmt.Sprintf("%s.defaults[%d].kubernetes", at, j), "want from (and to) as minor versions (\"1.24\")")
				}
			}
		}
	}
	if c := raw.Config; c != nil {
		switch {
		case len(c.Processes) == 0:
			return nil, bad("config.processes", "required")
		case !path.IsAbs(c.File):
			return nil, bad("config.file", "%q: want an absolute path", c.File)
		case c.DropIns != "" && !path.IsAbs(c.DropIns):
			return nil, bad("config.dropins", "%q: want an absolute path", c.DropIns)
		}
	}
	for i, b := range raw.Benchmarks {
		if !slices.Contains(Benchmarks(), b.Benchmark) {
			return nil, bad(fmt.Sprintf("benchmarks[%d].benchmark", i), "%q: no such embedded benchmark", b.Benchmark)
		}
		if minorOf(b.Kubernetes.From) == 1<<30 {
			return nil, bad(fmt.Sprintf("benchmarks[%d].kubernetes", i), "want from and to as minor versions (\"1.24\")")
		}
	}
	for i, c := range raw.Collect {
		if !path.IsAbs(c.Path) || path.Clean(c.Path) != c.Path {
			return nil, bad(fmt.Sprintf("collect[%d].path", i), "%q: want a clean absolute path", c.Path)
		}
		if c.Depth != nil && (*c.Depth < 0 || *c.Depth > 4) {
			return nil, bad(fmt.Sprintf("collect[%d].depth", i), "%d: want 0 to 4", *c.Depth)
		}
		if c.As != nil && (c.As.Component == "none" || !slices.Contains(Components, c.As.Component) || c.As.Flag == "") {
			return nil, bad(fmt.Sprintf("collect[%d].as", i), "want a component (%s) and its flag", strings.Join(Components[:len(Components)-1], ", "))
		}
	}
	return &Platform{
		Name: raw.Platform, Title: raw.Title, File: file, Sources: raw.Sources, Recognise: raw.Recognise,
		Components: raw.Components, Config: raw.Config, Benchmarks: raw.Benchmarks, Collect: raw.Collect, Variables: raw.Variables,
	}, nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

var (
	platformsOnce sync.Once
	platforms     []*Platform
	platformsErr  error
)

// Platforms returns the embedded platform profiles, by name.
func Platforms() ([]*Platform, error) {
	platformsOnce.Do(func() {
		entries, err := embedded.ReadDir("data/platforms")
		if err != nil {
			platformsErr = err
			return
		}
		for _, e := range entries {
			if !isYAML(e.Name()) {
				continue
			}
			file := "catalog/data/platforms/" + e.Name()
			data, err := embedded.ReadFile("data/platforms/" + e.Name())
			if err != nil {
				platformsErr = err
				return
			}
			p, err := ParsePlatform(file, data)
			if err != nil {
				platformsErr = err
				return
			}
			if want := strings.TrimSuffix(e.Name(), ".yaml"); p.Name != want {
				platformsErr = &Error{File: file, Field: "platform", Msg: fmt.Sprintf("%q, but the file is for %q", p.Name, want)}
				return
			}
			platforms = append(platforms, p)
		}
		sort.Slice(platforms, func(i, j int) bool { return platforms[i].Name < platforms[j].Name })
	})
	return platforms, platformsErr
}

// BenchmarkFor returns the platform's benchmark for a Kubernetes minor
// version, or "" when it has none for it.
func (p *Platform) BenchmarkFor(minor int) string {
	for _, b := range p.Benchmarks {
		from, to := minorOf(b.Kubernetes.From), minorOf(b.Kubernetes.To)
		if b.Kubernetes.To == "" {
			to = from
		}
		if minor >= from && minor <= to {
			return b.Benchmark
		}
	}
	return ""
}
