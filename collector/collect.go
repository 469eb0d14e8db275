// Package collector gathers the evidence that the CIS Kubernetes checks
// need from one node into a bundle.
//
// Invariants: the collector only reads (it never writes anything but the
// bundle, which the caller writes); it never runs another program; it never
// opens a FIFO, socket or device; it reads at most Options.MaxFileSize bytes
// of any file; it never puts a secret into the bundle (key, token and
// password files are kept as stat records only, and every copied file goes
// through the closed-world redactor of package redact, as do command
// lines and environments); and every problem met is recorded as evidence
// rather than stopping the collection.
package collector

import (
	"context"
	"errors"
	"fmt"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/redact"
)

// Options configure a collection. The zero value collects the live host.
type Options struct {
	Root string // collect from this directory as the node's root ("/" when empty)
	Spec string // collect from this node spec instead of a host

	Version string // the collector's version, recorded in the manifest
	// Hostname, when set, is recorded as the host's name instead of the
	// one the node gives: in a container, whose own name is the pod's,
	// the Kubernetes node name.
	Hostname string
	// Time, when set, is recorded as the collection's start and end instead
	// of the clock: for reproducible fixtures.
	Time time.Time

	// RedactionKey, when set, makes markers and the stat records of files
	// with no copy carry keyed digests (package redact): the key must not
	// leave the collecting hosts.
	RedactionKey []byte

	MaxFileSize int64         // bytes read of one file (default 1 MiB)
	MaxCopied   int64         // bytes of copies in the bundle (default 32 MiB)
	MaxPaths    int           // paths examined (default 20,000)
	Timeout     time.Duration // wall time for discovery (default 2 minutes)
}

// Defaults for Options.
const (
	DefaultMaxFileSize = 1 << 20
	DefaultMaxCopied   = 32 << 20
	DefaultMaxPaths    = 20000
	DefaultTimeout     = 2 * time.Minute
)

// Result is a finished collection.
type Result struct {
	Bundle   []byte // the encoded bundle
	Manifest bundle.Manifest
	Digest   bundle.Digest
	Problems []bundle.Problem
	// Counts for the operator's summary.
	Processes, Files, Copies, Certificates int
}

// Partial reports whether some evidence could not be collected.
func (r *Result) Partial() bool { return r.Manifest.Collection.Partial }

// Collect gathers a node's evidence and encodes it as a bundle. An error
// means no bundle could be made (bad options, a malformed node spec);
// problems with single pieces of evidence are recorded in the bundle.
func Collect(ctx context.Context, opts Options) (*Result, error) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.MaxCopied <= 0 {
		opts.MaxCopied = DefaultMaxCopied
	}
	if opts.MaxPaths <= 0 {
		opts.MaxPaths = DefaultMaxPaths
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Spec != "" && opts.Root != "" {
		return nil, errors.New("--spec and --root exclude each other")
	}
	started := now(opts)
	var src source
	var err error
	if opts.Spec != "" {
		src, err = loadSpec(opts.Spec)
	} else {
		src, err = newHostSource(opts.Root)
	}
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	c := &collector{
		src:    src,
		red:    redact.New(opts.RedactionKey),
		opts:   opts,
		ctx:    ctx,
		stats:  map[string]*entry{},
		copies: map[string][]byte{},
	}
	c.users, c.groups = src.accounts()
	c.run()
	return c.finish(started)
}

func now(opts Options) time.Time {
	if !opts.Time.IsZero() {
		return opts.Time.UTC().Truncate(time.Second)
	}
	return time.Now().UTC().Truncate(time.Second)
}

type collector struct {
	src    source
	red    *redact.Redactor
	opts   Options
	ctx    context.Context
	users  map[int]string
	groups map[int]string

	procs    []bundle.Process
	stats    map[string]*entry
	queue    []visit
	copies   map[string][]byte // member path → redacted content
	copied   int64
	certs    []parsedCert
	versions []bundle.VersionEvidence
	problems []problem
	stopped  bool
}

type entry struct {
	stat   bundle.Stat
	walked int // depth to which a directory's entries were queued
}

type visit struct {
	path   string
	reason string
	depth  int
	hint   hint
	via    redact.Via // the component and flag or field that named the path
}

func (c *collector) problem(p problem) { c.problems = append(c.problems, p) }

func (c *collector) run() {
	raws, probs := c.src.processes()
	c.problems = append(c.problems, probs...)
	for _, rp := range raws {
		comp, kind := redact.Identify(rp.argv, rp.exe, rp.comm)
		argv, n := c.red.Argv(comp, rp.argv)
		p := bundle.Process{PID: rp.pid, Component: comp, Kind: kind, Name: rp.comm, Executable: rp.exe, UID: rp.uid, Argv: argv, Redactions: n}
		if rp.env != nil {
			p.Env, n = c.red.Env(comp, rp.env)
			p.Redactions += n
			for i, e := range p.Env {
				if !utf8.ValidString(e) {
					p.Env[i] = strings.ToValidUTF8(e, "\uFFFD")
				}
			}
		}
		for _, a := range argv {
			if !utf8.ValidString(a) {
				p.ArgvB64 = make([][]byte, len(argv))
				for i, a := range argv {
					p.ArgvB64[i] = []byte(a)
				}
				break
			}
		}
		c.procs = append(c.procs, p)
	}
	sort.Slice(c.procs, func(i, j int) bool {
		a, b := c.procs[i], c.procs[j]
		if a.Component != b.Component {
			return a.Component < b.Component
		}
		return a.PID < b.PID
	})
	for _, p := range wellKnownFiles {
		c.push(visit{path: p, reason: "well-known"})
	}
	for _, d := range wellKnownDirs {
		c.push(visit{path: d.path, reason: "well-known", depth: d.depth})
	}
	for _, d := range platformPaths {
		v := visit{path: d.path, reason: "platform " + d.platform, depth: d.depth}
		if d.key != "" {
			v = c.visitFor(flagPath{key: d.key, path: d.path}, "platform "+d.platform+" ("+d.component+" --"+d.key+")")
			v.via.Component, v.depth = d.component, d.depth
		}
		c.push(v)
	}
	for _, p := range c.procs {
		if p.Executable != "" {
			c.push(visit{path: p.Executable, reason: "process " + p.Component})
		} else if path.IsAbs(p.Argv[0]) {
			c.push(visit{path: p.Argv[0], reason: "process " + p.Component})
		}
		// Paths are found in the redacted command line: a value that is
		// not a known setting never becomes a path name in the bundle.
		for _, fp := range pathsInArgs(p.Argv) {
			v := c.visitFor(fp, "flag "+p.Component+" --"+fp.key)
			v.via.Component = p.Component
			c.push(v)
		}
		c.buildVersion(p)
	}
	for len(c.queue) > 0 {
		if c.ctx.Err() != nil {
			c.problem(problem{Op: "collect", Kind: "limit", Message: fmt.Sprintf("time limit of %s reached: %d paths were not examined", c.opts.Timeout, len(c.queue))})
			return
		}
		v := c.queue[0]
		c.queue = c.queue[1:]
		c.examine(v)
	}
}

// visitFor makes the visit of a path named by a flag or a field.
func (c *collector) visitFor(fp flagPath, reason string) visit {
	v := visit{path: fp.path, reason: reason, via: redact.Via{Key: fp.key}}
	switch {
	case configKeys[fp.key]:
		v.hint = hintConfig
	case secretKey(fp.key):
		v.hint = hintSecret
	}
	if d, ok := walkFlags[fp.key]; ok {
		v.depth = d
	} else if d, ok := walkFields[fp.key]; ok {
		v.depth = d
	}
	return v
}

func (c *collector) push(v visit) { c.queue = append(c.queue, v) }

func (c *collector) examine(v visit) {
	e, seen := c.stats[v.path]
	if seen {
		if !slices.Contains(e.stat.Reasons, v.reason) {
			e.stat.Reasons = append(e.stat.Reasons, v.reason)
		}
		// A path first seen as an ordinary file and later named as a
		// secret must not keep a copy.
		if v.hint == hintSecret && e.stat.Member != "" {
			c.dropCopy(e)
		}
		// A file first seen on a walk, and named as configuration later
		// (calico-kubeconfig, by its CNI config), is read now.
		if v.hint == hintConfig && e.stat.Type == bundle.TypeFile && e.stat.Content == "" && !secretName(v.path) {
			c.content(e, v)
		}
		if e.stat.Type == bundle.TypeDir && v.depth > e.walked {
			c.walk(e, v)
		}
		return
	}
	if len(c.stats) >= c.opts.MaxPaths {
		if !c.stopped {
			c.problem(problem{Path: v.path, Op: "stat", Kind: "limit", Message: fmt.Sprintf("more than %d paths: the rest were not examined", c.opts.MaxPaths)})
			c.stopped = true
		}
		return
	}
	e = &entry{stat: bundle.Stat{Path: v.path, Reasons: []string{v.reason}}}
	c.stats[v.path] = e
	info, err := c.src.lstat(v.path)
	if err != nil {
		e.stat.Error = errorMessage(err)
		e.stat.ErrorKind = errorKind(err)
		if e.stat.ErrorKind != "not-exist" {
			c.problem(problemFor(v.path, "stat", err))
		}
		return
	}
	e.stat.Type = info.typ
	e.stat.Mode = fmt.Sprintf("%04o", info.mode)
	uid, gid := info.uid, info.gid
	e.stat.UID, e.stat.GID = &uid, &gid
	e.stat.User, e.stat.Group = c.users[uid], c.groups[gid]
	e.stat.Size = info.size
	e.stat.Link = info.link
	switch info.typ {
	case bundle.TypeSymlink:
		target := info.link
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(v.path), target)
		}
		if p, ok := cleanAbs(target); ok {
			c.push(visit{path: p, reason: "link " + v.path, depth: v.depth, hint: v.hint})
		}
		// Each link of a loop, or of a chain longer than the kernel
		// follows, gets a record of its own above; what makes the path
		// unusable is recorded here.
		if err := c.src.resolves(v.path); errorKind(err) == "loop" {
			c.problem(problemFor(v.path, "stat", err))
		}
	case bundle.TypeDir:
		c.walk(e, v)
	case bundle.TypeFile:
		c.content(e, v)
	default:
		// A FIFO, socket or device is never opened; where the collector
		// wanted the content of a file, its absence is a problem.
		if v.hint != hintSecret && !secretName(v.path) && (v.hint == hintConfig || configName(v.path) || certName(v.path)) {
			c.problem(problem{Path: v.path, Op: "read", Kind: "special-file", Message: "read: " + errNotRegular.Error() + " (" + info.typ + "): not opened"})
		}
	}
}

func (c *collector) walk(e *entry, v visit) {
	if v.depth <= 0 {
		return
	}
	e.walked = v.depth
	names, err := c.src.readDir(v.path)
	if err != nil {
		c.problem(problemFor(v.path, "readdir", err))
		return
	}
	for _, name := range names {
		c.push(visit{path: path.Join(v.path, name), reason: "walk " + v.path, depth: v.depth - 1, hint: v.hint})
	}
}

// content keeps what the checks need of a regular file: a redacted copy of
// configuration, the metadata of certificates, nothing of secrets.
func (c *collector) content(e *entry, v visit) {
	p := v.path
	switch {
	case v.hint == hintSecret || secretName(p):
		e.stat.Content = "stat-only"
	case certName(p):
		data, ok := c.read(e, p)
		if !ok {
			return
		}
		certs, err := parseCerts(p, data)
		if err != nil {
			c.problem(problem{Path: p, Op: "parse", Kind: "other", Message: err.Error()})
		}
		c.certs = append(c.certs, certs...)
		e.stat.Content = "pki"
	case (v.hint == hintConfig || configName(p)) && !utf8.ValidString(p):
		// Member names are UTF-8: such a file is kept as its stat record
		// (whose path_b64 has the name byte for byte), and the gap is evidence.
		e.stat.Content = "stat-only"
		c.problem(problem{Path: p, Op: "read", Kind: "other", Message: "file name is not valid UTF-8: no copy kept"})
	case v.hint == hintConfig || configName(p):
		data, ok := c.read(e, p)
		if !ok {
			return
		}
		f := c.red.File(p, data, v.via)
		if f.Data == nil {
			// Not a file the redactor has rules for: no copy, whatever it
			// holds; a keyed digest tells whether it is the same file
			// elsewhere.
			e.stat.Content, e.stat.NotCopied = "not-copied", f.Skipped
			if d := c.red.Digest(string(data)); d != "" {
				e.stat.KeyedDigest = c.red.KeyID() + ":" + d
			}
			return
		}
		if c.copied+int64(len(f.Data)) > c.opts.MaxCopied {
			e.stat.Content = "stat-only"
			c.problem(problem{Path: p, Op: "read", Kind: "limit", Message: fmt.Sprintf("copies would exceed %d bytes", c.opts.MaxCopied)})
			return
		}
		out := f.Data
		member := bundle.FileMember(p)
		c.copies[member] = out
		c.copied += int64(len(out))
		e.stat.Member, e.stat.Redactions, e.stat.Content, e.stat.CopyType = member, f.Redactions, "copy", f.Type
		text := out
		if f.Type == "systemd" {
			text = expandUnitSpecifiers(p, out)
		}
		fps := pathsInTextN(text, maxPathsPerFile+1)
		if len(fps) > maxPathsPerFile {
			fps = fps[:maxPathsPerFile]
			c.problem(problem{Path: p, Op: "parse", Kind: "limit", Message: fmt.Sprintf("more than %d paths in the file: the rest were not followed", maxPathsPerFile)})
		}
		for _, fp := range fps {
			c.push(c.visitFor(fp, "file "+p))
		}
		c.versions = append(c.versions, versionsInManifest(p, out)...)
	}
}

func (c *collector) read(e *entry, p string) ([]byte, bool) {
	data, err := c.src.readFile(p, c.opts.MaxFileSize)
	if err != nil {
		pr := problemFor(p, "read", err)
		switch {
		case errors.Is(err, errTooLarge):
			e.stat.Content = "too-large"
		case pr.Kind == "not-exist":
			pr.Kind = "vanished" // its stat has just found it
		}
		c.problem(pr)
		return nil, false
	}
	return data, true
}

func (c *collector) dropCopy(e *entry) {
	c.copied -= int64(len(c.copies[e.stat.Member]))
	delete(c.copies, e.stat.Member)
	e.stat.Member, e.stat.Redactions, e.stat.Content, e.stat.CopyType = "", 0, "stat-only", ""
}

// buildVersion reads the Kubernetes version from a component's executable,
// where the source can open it: Go build info is data in the binary, so
// nothing is run.
func (c *collector) buildVersion(p bundle.Process) {
	if p.Kind != "component" {
		return
	}
	ra, closer, err := c.src.executable(p.PID)
	if err != nil {
		if !errors.Is(err, syscall.ENOENT) {
			c.problem(problemFor(fmt.Sprintf("/proc/%d/exe", p.PID), "read", err))
		}
		return
	}
	if ra == nil {
		return
	}
	defer closer.Close()
	info, err := goModInfo(ra)
	if err != nil {
		return // not a Go ELF binary, or no build info: no evidence either way
	}
	if v := versionFromModInfo(info); v != "" {
		where := p.Executable
		if where == "" {
			where = fmt.Sprintf("/proc/%d/exe", p.PID)
		}
		c.versions = append(c.versions, bundle.VersionEvidence{Version: v, Component: p.Component, Source: "go-buildinfo", Path: where})
	}
}

func (c *collector) finish(started time.Time) (*Result, error) {
	w := bundle.NewWriter()
	stats := make([]bundle.Stat, 0, len(c.stats))
	for _, e := range c.stats {
		if !utf8.ValidString(e.stat.Path) {
			e.stat.PathB64 = []byte(e.stat.Path)
		}
		stats = append(stats, e.stat)
	}
	sort.Slice(stats, func(i, j int) bool { return stats[i].Path < stats[j].Path })
	linkIssuers(c.certs)
	certs := make([]bundle.Certificate, len(c.certs))
	for i, pc := range c.certs {
		certs[i] = pc.Certificate
	}
	sort.SliceStable(certs, func(i, j int) bool {
		if certs[i].Path != certs[j].Path {
			return certs[i].Path < certs[j].Path
		}
		return certs[i].Index < certs[j].Index
	})
	sort.SliceStable(c.problems, func(i, j int) bool {
		a, b := c.problems[i], c.problems[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Op != b.Op {
			return a.Op < b.Op
		}
		return a.Message < b.Message
	})
	c.problems = slices.Compact(c.problems)
	docs := []struct {
		name string
		v    any
	}{
		{bundle.ProcessesPath, bundle.Processes{Processes: nonNil(c.procs)}},
		{bundle.StatPath, bundle.Stats{Files: stats}},
		{bundle.PKIPath, bundle.PKI{Certificates: certs}},
		{bundle.ProblemsPath, bundle.Problems{Problems: nonNil(c.problems)}},
	}
	for _, d := range docs {
		if err := w.AddJSON(d.name, d.v); err != nil {
			return nil, err
		}
	}
	for member, data := range c.copies {
		if err := w.Add(member, data); err != nil {
			return nil, fmt.Errorf("adding the copy %s: %w", member, err)
		}
	}
	m := bundle.Manifest{
		Collector:  bundle.Collector{Name: "kubeproof-collect", Version: c.opts.Version},
		Host:       c.hostFacts(),
		Collection: bundle.Collection{Started: started, Finished: now(c.opts), Mode: c.src.mode()},
		Redaction:  &bundle.Redaction{Rules: "closed-world", KeyID: c.red.KeyID()},
	}
	uid, gid := c.src.effectiveUser()
	m.Collection.User = bundle.Account{UID: uid, GID: gid, Name: c.users[uid]}
	m.Collection.Problems = len(c.problems)
	m.Collection.Partial = len(c.problems) > 0
	data, m, digest, err := w.Finish(m)
	if err != nil {
		return nil, err
	}
	return &Result{
		Bundle: data, Manifest: m, Digest: digest, Problems: c.problems,
		Processes: len(c.procs), Files: len(stats), Copies: len(c.copies), Certificates: len(certs),
	}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (c *collector) hostFacts() bundle.Host {
	h := bundle.Host{Roles: []string{}, Components: []string{}}
	first := func(paths ...string) string {
		for _, p := range paths {
			if data, err := c.src.readFile(p, 4096); err == nil {
				if s := strings.TrimSpace(string(data)); s != "" {
					return s
				}
			}
		}
		return ""
	}
	switch {
	case c.opts.Hostname != "":
		h.Hostname = c.opts.Hostname
	case c.src.mode() == "live":
		h.Hostname = first("/proc/sys/kernel/hostname", "/etc/hostname")
	default:
		h.Hostname = first("/etc/hostname", "/proc/sys/kernel/hostname")
	}
	h.Kernel = first("/proc/sys/kernel/osrelease")
	h.Architecture = first("/proc/sys/kernel/arch")
	if h.Architecture == "" && c.src.mode() == "live" {
		h.Architecture = unameMachine()
	}
	if data, err := c.src.readFile("/etc/os-release", 64<<10); err == nil {
		h.OS = parseOSRelease(string(data))
	} else if data, err := c.src.readFile("/usr/lib/os-release", 64<<10); err == nil {
		h.OS = parseOSRelease(string(data))
	}
	var found []string
	for _, p := range c.procs {
		if p.Kind == "runtime" {
			if !slices.Contains(h.Runtimes, p.Component) {
				h.Runtimes = append(h.Runtimes, p.Component)
			}
		} else if !slices.Contains(found, p.Component) {
			found = append(found, p.Component)
		}
	}
	sort.Strings(found)
	sort.Strings(h.Runtimes)
	h.Components = nonNil(found)
	h.Roles = roles(found)
	vs := slices.Clone(c.versions)
	sort.Slice(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Component != b.Component {
			return a.Component < b.Component
		}
		return a.Version < b.Version
	})
	h.Kubernetes = slices.Compact(vs)
	return h
}

func parseOSRelease(s string) bundle.OSRelease {
	var o bundle.OSRelease
	for _, line := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"'`)
		switch k {
		case "ID":
			o.ID = v
		case "VERSION_ID":
			o.VersionID = v
		case "PRETTY_NAME":
			o.PrettyName = v
		}
	}
	return o
}

func unameMachine() string {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return runtime.GOARCH
	}
	var b strings.Builder
	for _, c := range u.Machine {
		if c == 0 {
			break
		}
		b.WriteByte(byte(c))
	}
	return b.String()
}
