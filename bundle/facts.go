package bundle

import (
	"encoding/json"
	"time"
)

// Member paths of the fact documents. Every bundle of format v1 holds all
// of them, even when empty, so that a reader can tell "nothing found" from
// "not collected".
const (
	ManifestPath  = "manifest.json"
	ProcessesPath = "facts/processes.json"
	StatPath      = "facts/stat.json"
	PKIPath       = "facts/pki.json"
	ProblemsPath  = "facts/problems.json"
	// FilesPrefix is the prefix of copied files: the copy of the node's
	// /etc/kubernetes/admin.conf is the member "files/etc/kubernetes/admin.conf".
	FilesPrefix = "files/"
)

// FileMember returns the member path under which a copy of the node file
// at the absolute path p is stored.
func FileMember(p string) string { return FilesPrefix + trimLeadingSlash(p) }

func trimLeadingSlash(p string) string {
	for len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	return p
}

// Manifest is the first member of every bundle. The bundle digest is the
// SHA-256 of its exact bytes.
type Manifest struct {
	Format int `json:"format"`
	// Kind is what the bundle holds: "" for a node's evidence (formats 1
	// to 2), KindAPISnapshot for the API objects of a cluster (format 3).
	Kind       string     `json:"kind,omitempty"`
	Collector  Collector  `json:"collector"`
	Host       Host       `json:"host"`
	Collection Collection `json:"collection"`
	// Redaction says how the bundle's values were redacted (format 2).
	Redaction *Redaction `json:"redaction,omitempty"`
	// Snapshot describes an API snapshot (Kind KindAPISnapshot).
	Snapshot *Snapshot `json:"snapshot,omitempty"`
	Members  []Member  `json:"members"`
}

// KindAPISnapshot is the Kind of a bundle sealing the API objects of a
// cluster as kubectl printed them (format 3).
const KindAPISnapshot = "api-snapshot"

// APIPrefix is the prefix of an API snapshot's object members: the
// cluster's pods are the member "api/pods.json", an APIObjects document.
const APIPrefix = "api/"

// Snapshot describes what an API snapshot holds and where it came from.
type Snapshot struct {
	// Cluster is the name given at capture (--cluster), if any.
	Cluster string `json:"cluster,omitempty"`
	// Sources are the kubectl outputs read, in the order given.
	Sources []SnapshotSource `json:"sources"`
	// Kinds counts the objects kept, per kind; Dropped those of kinds the
	// checks do not need (Secrets, ConfigMaps, Events, …), which are not
	// stored at all.
	Kinds   []KindCount `json:"kinds"`
	Dropped []KindCount `json:"dropped,omitempty"`
}

// SnapshotSource is one kubectl output an API snapshot was made from.
type SnapshotSource struct {
	// Name is the file name as given, or "-" for standard input.
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 Digest `json:"sha256"`
	Items  int    `json:"items"`
}

// KindCount counts the objects of one kind.
type KindCount struct {
	Kind string `json:"kind"`
	// Group is the API group ("" for the core group).
	Group string `json:"group,omitempty"`
	Count int    `json:"count"`
	// Members are the members holding them, in order (kept kinds only):
	// one, or more for a kind whose objects would make one member larger
	// than MaxAPIMember.
	Members []string `json:"members,omitempty"`
	// Redactions counts the values replaced by markers in them.
	Redactions int `json:"redactions,omitempty"`
}

// MaxAPIMember bounds the objects of one API member of a snapshot (its
// items' JSON), well under the reader's member size limit.
const MaxAPIMember = 8 << 20

// APIObjects is the document of an API snapshot's object member: every
// object of one kind, sorted by namespace and name, each redacted as the
// collector's schemas say (docs/redaction.md).
type APIObjects struct {
	Kind  string            `json:"kind"`
	Group string            `json:"group,omitempty"`
	Items []json.RawMessage `json:"items"`
}

// Redaction describes the redaction of a bundle's values.
type Redaction struct {
	// Rules is "closed-world": a value is kept only where it is known to
	// be a setting (docs/redaction.md).
	Rules string `json:"rules"`
	// KeyID names the redaction key whose keyed digests the markers and
	// stat records carry ("hmac-1a2b3c4d"); empty when the collection had
	// no key, and markers then carry lengths only.
	KeyID string `json:"key_id,omitempty"`
}

// Collector identifies the program that wrote the bundle.
type Collector struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Host holds the facts about the node as a whole.
type Host struct {
	Hostname     string    `json:"hostname"`
	OS           OSRelease `json:"os"`
	Kernel       string    `json:"kernel,omitempty"`
	Architecture string    `json:"architecture,omitempty"`
	// Roles are the node roles detected from the running components:
	// "master" (an API server, controller manager or scheduler runs),
	// "etcd" and "node" (a kubelet runs).
	Roles []string `json:"roles"`
	// Components are the Kubernetes components found running, sorted.
	Components []string `json:"components"`
	// Runtimes are the container runtimes found running, sorted.
	Runtimes []string `json:"runtimes,omitempty"`
	// Kubernetes lists every version found, with where it was found.
	Kubernetes []VersionEvidence `json:"kubernetes,omitempty"`
}

// OSRelease holds the fields of /etc/os-release that identify the system.
type OSRelease struct {
	ID         string `json:"id,omitempty"`
	VersionID  string `json:"version_id,omitempty"`
	PrettyName string `json:"pretty_name,omitempty"`
}

// VersionEvidence is one observation of a Kubernetes version.
type VersionEvidence struct {
	Version   string `json:"version"`
	Component string `json:"component,omitempty"`
	// Source is "image-tag" (a static pod manifest's image) or
	// "go-buildinfo" (the build settings of an executable).
	Source string `json:"source"`
	Path   string `json:"path"`
}

// Collection describes the run that made the bundle.
type Collection struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	User     Account   `json:"user"`
	// Mode is "live" (the running host), "root" (a root file system
	// mounted at a directory: a disk image, or a node's mounted into a
	// container) or "spec" (a node spec, for tests and demos).
	Mode string `json:"mode"`
	// Partial is true when some evidence could not be collected; the
	// problems are listed in facts/problems.json.
	Partial  bool `json:"partial"`
	Problems int  `json:"problems"`
}

// Account is a user as the collector ran.
type Account struct {
	UID  int    `json:"uid"`
	GID  int    `json:"gid"`
	Name string `json:"name,omitempty"`
}

// Member is one entry of the manifest.
type Member struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 Digest `json:"sha256"`
}

// Processes is the document at ProcessesPath.
type Processes struct {
	Processes []Process `json:"processes"`
}

// Process is a running Kubernetes component or container runtime.
type Process struct {
	PID int `json:"pid"`
	// Component is the canonical name: kube-apiserver, kube-controller-manager,
	// kube-scheduler, etcd, kubelet, kube-proxy, k3s-server, k3s-agent,
	// rke2-server, rke2-agent, or a runtime (containerd, dockerd, crio, cri-dockerd).
	Component string `json:"component"`
	// Kind is "component" or "runtime".
	Kind string `json:"kind"`
	// Name is the kernel's name for the process (comm).
	Name string `json:"name"`
	// Executable is the target of /proc/PID/exe, where readable.
	Executable string `json:"executable,omitempty"`
	UID        int    `json:"uid"`
	// Argv is the full command line exactly as given, element by element.
	// JSON holds only valid UTF-8: where an element is not, its invalid
	// bytes read here as U+FFFD, and ArgvB64 holds every element's bytes.
	Argv []string `json:"argv"`
	// ArgvB64 is the command line byte for byte (base64 in JSON), present
	// only when some element is not valid UTF-8.
	ArgvB64 [][]byte `json:"argv_b64,omitempty"`
	// Env is the process's environment, "NAME=VALUE" in the order the
	// process holds it (format 2); null when it could not be read, and in
	// format-1 bundles.
	Env []string `json:"env"`
	// Redactions counts the values of Argv and Env replaced by markers
	// (format 2: before, Argv was the command line as given).
	Redactions int `json:"redactions,omitempty"`
}

// Stats is the document at StatPath.
type Stats struct {
	Files []Stat `json:"files"`
}

// File types of a Stat record.
const (
	TypeFile    = "file"
	TypeDir     = "dir"
	TypeSymlink = "symlink"
	TypeFIFO    = "fifo"
	TypeSocket  = "socket"
	TypeDevice  = "device"
	TypeOther   = "other"
)

// Stat is the stat record of one path, taken without following a final
// symlink (the target of a link gets a record of its own).
type Stat struct {
	// Path is the node path; a path that is not valid UTF-8 reads with
	// U+FFFD in place of each invalid byte, and PathB64 holds its bytes.
	Path string `json:"path"`
	// PathB64 is the path byte for byte (base64 in JSON), present only when
	// it is not valid UTF-8.
	PathB64 []byte `json:"path_b64,omitempty"`
	// Type is one of the Type constants; empty when Error is set.
	Type string `json:"type,omitempty"`
	// Mode is the permission and special bits as four octal digits ("0644").
	Mode  string `json:"mode,omitempty"`
	UID   *int   `json:"uid,omitempty"`
	GID   *int   `json:"gid,omitempty"`
	User  string `json:"user,omitempty"`
	Group string `json:"group,omitempty"`
	Size  int64  `json:"size"`
	Link  string `json:"link,omitempty"`
	// Member is the bundle member holding the (redacted) copy of the file.
	Member string `json:"member,omitempty"`
	// Redactions counts the secret values replaced in the copy.
	Redactions int `json:"redactions,omitempty"`
	// Content says what was kept of the file: "copy", "pki" (certificate
	// metadata only), "stat-only" (secrets or not needed), "too-large",
	// "not-copied" (format 2: a file the redactor has no rules for, or
	// that does not parse as its type; NotCopied says which).
	Content string `json:"content,omitempty"`
	// NotCopied says why a file read for its content has no copy.
	NotCopied string `json:"not_copied,omitempty"`
	// CopyType is what the copy was read as by the redactor (format 2):
	// document types (kubeconfig, pod, kubelet-config…), "systemd", "env"
	// or "flags".
	CopyType string `json:"copy_type,omitempty"`
	// KeyedDigest is the keyed digest of the content of a file with no
	// copy ("hmac-1a2b3c4d:" and 64 hex digits): it tells whether the file
	// is the same on two nodes collected with one redaction key, and never
	// reveals its content. Empty without a redaction key.
	KeyedDigest string `json:"keyed_digest,omitempty"`
	// Reasons say why the path was collected: "well-known", "flag
	// kube-apiserver --tls-cert-file", "file /etc/kubernetes/kubelet.conf", "walk /etc/kubernetes/pki".
	Reasons []string `json:"reasons"`
	// Error is the error met; ErrorKind is "not-exist", "permission" or "other".
	Error     string `json:"error,omitempty"`
	ErrorKind string `json:"error_kind,omitempty"`
}

// PKI is the document at PKIPath.
type PKI struct {
	Certificates []Certificate `json:"certificates"`
}

// Certificate is the metadata of one X.509 certificate. Private keys are
// never read into the bundle.
type Certificate struct {
	Path string `json:"path"`
	// Index is the position of the certificate among the PEM blocks of its file.
	Index              int       `json:"index"`
	Subject            string    `json:"subject"`
	Issuer             string    `json:"issuer"`
	Serial             string    `json:"serial"`
	DNSNames           []string  `json:"dns_names,omitempty"`
	IPAddresses        []string  `json:"ip_addresses,omitempty"`
	EmailAddresses     []string  `json:"email_addresses,omitempty"`
	URIs               []string  `json:"uris,omitempty"`
	NotBefore          time.Time `json:"not_before"`
	NotAfter           time.Time `json:"not_after"`
	KeyAlgorithm       string    `json:"key_algorithm"`
	KeySize            int       `json:"key_size"`
	SignatureAlgorithm string    `json:"signature_algorithm"`
	IsCA               bool      `json:"is_ca"`
	// SHA256 is the fingerprint of the DER encoding.
	SHA256 Digest `json:"sha256"`
	// IssuerSHA256 is the fingerprint of the collected certificate that
	// signed this one, when one was found ("chain").
	IssuerSHA256 *Digest `json:"issuer_sha256,omitempty"`
}

// Problems is the document at ProblemsPath.
type Problems struct {
	Problems []Problem `json:"problems"`
}

// Problem is evidence that something could not be collected.
type Problem struct {
	// Path is the file or /proc entry concerned.
	Path string `json:"path"`
	// Op is what was attempted: "stat", "read", "readdir", "readlink", "proc", "parse".
	Op string `json:"op"`
	// Kind is "not-exist", "permission", "vanished", "special-file",
	// "too-large", "loop", "limit" or "other".
	Kind    string `json:"kind"`
	Message string `json:"message"`
}
