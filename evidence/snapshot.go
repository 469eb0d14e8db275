package evidence

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/results"
)

// Snapshot is an API snapshot bundle, read: the cluster's objects by
// kind, each with where it sits in the bundle, so that a citation can
// point at it.
type Snapshot struct {
	// Name names the cluster: the name given at capture, or the bundle
	// file's base name.
	Name      string
	File      string
	Digest    bundle.Digest
	Manifest  bundle.Manifest
	b         *bundle.Bundle
	hexSelf   results.Digest
	hex       map[string]results.Digest // member → its SHA-256, for citations
	objects   map[string][]*Object      // by kind
	rbacOnce  sync.Once
	rbacState *rbacState
	// Unreadable lists objects that could not be decoded as their kind
	// (a value where the schema has none): the checks that read their
	// kind cannot pass.
	Unreadable []*Object
}

// Object is one API object of a snapshot.
type Object struct {
	Kind, Group     string
	Namespace, Name string
	// Member is the bundle member holding it and Index its position in
	// the member's items.
	Member string
	Index  int
	Raw    json.RawMessage
	Labels map[string]string
	// Typed views, for the kinds the checks read.
	Pod            *Pod
	ServiceAccount *ServiceAccount
	Err            error
}

// Ref is how reports name the object: "Pod team-a/web".
func (o *Object) Ref() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// Pod is what the checks read of a pod spec (core/v1).
type Pod struct {
	Spec PodSpec `json:"spec"`
}

// PodSpec is the part of a pod spec the checks read.
type PodSpec struct {
	HostPID                      bool                `json:"hostPID"`
	HostIPC                      bool                `json:"hostIPC"`
	HostNetwork                  bool                `json:"hostNetwork"`
	AutomountServiceAccountToken *bool               `json:"automountServiceAccountToken"`
	ServiceAccountName           string              `json:"serviceAccountName"`
	ServiceAccount               string              `json:"serviceAccount"`
	NodeName                     string              `json:"nodeName"`
	SecurityContext              *PodSecurityContext `json:"securityContext"`
	OS                           *struct {
		Name string `json:"name"`
	} `json:"os"`
	Containers          []Container `json:"containers"`
	InitContainers      []Container `json:"initContainers"`
	EphemeralContainers []Container `json:"ephemeralContainers"`
	Volumes             []Volume    `json:"volumes"`
}

// PodSecurityContext holds the pod-level security settings the checks read.
// Empty is true when the pod's securityContext is written but holds no
// field ({}, as the API server prints it by default).
type PodSecurityContext struct {
	Empty          bool            `json:"-"`
	RunAsNonRoot   *bool           `json:"runAsNonRoot"`
	RunAsUser      *int64          `json:"runAsUser"`
	SeccompProfile *SeccompProfile `json:"seccompProfile"`
	WindowsOptions *WindowsOptions `json:"windowsOptions"`
}

// SeccompProfile is a pod's or container's seccomp profile.
type SeccompProfile struct {
	Type string `json:"type"`
}

// WindowsOptions holds hostProcess.
type WindowsOptions struct {
	HostProcess *bool `json:"hostProcess"`
}

// Container is what the checks read of a container.
type Container struct {
	Name            string           `json:"name"`
	Image           string           `json:"image"`
	SecurityContext *SecurityContext `json:"securityContext"`
	Ports           []struct {
		HostPort int32 `json:"hostPort"`
	} `json:"ports"`
	Env []struct {
		Name      string `json:"name"`
		ValueFrom *struct {
			SecretKeyRef *struct {
				Name string `json:"name"`
				Key  string `json:"key"`
			} `json:"secretKeyRef"`
		} `json:"valueFrom"`
	} `json:"env"`
	EnvFrom []struct {
		SecretRef *struct {
			Name string `json:"name"`
		} `json:"secretRef"`
	} `json:"envFrom"`
}

// SecurityContext is a container's security context; Empty as for a pod.
type SecurityContext struct {
	Empty                    bool            `json:"-"`
	Privileged               *bool           `json:"privileged"`
	AllowPrivilegeEscalation *bool           `json:"allowPrivilegeEscalation"`
	RunAsNonRoot             *bool           `json:"runAsNonRoot"`
	RunAsUser                *int64          `json:"runAsUser"`
	Capabilities             *Capabilities   `json:"capabilities"`
	SeccompProfile           *SeccompProfile `json:"seccompProfile"`
	WindowsOptions           *WindowsOptions `json:"windowsOptions"`
}

// Capabilities are a container's added and dropped capabilities.
type Capabilities struct {
	Add  []string `json:"add"`
	Drop []string `json:"drop"`
}

// Volume is a pod volume: its host path, and whether it projects a
// service account token (the kube-api-access-… volume the ServiceAccount
// admission plugin adds).
type Volume struct {
	Name     string `json:"name"`
	HostPath *struct {
		Path string `json:"path"`
	} `json:"hostPath"`
	Projected *struct {
		Sources []struct {
			ServiceAccountToken *struct {
				Path string `json:"path"`
			} `json:"serviceAccountToken"`
		} `json:"sources"`
	} `json:"projected"`
}

// TokenVolume returns the name of the pod's volume that projects a
// service account token, or "".
func (p *Pod) TokenVolume() string {
	for _, v := range p.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ServiceAccountToken != nil {
				return v.Name
			}
		}
	}
	return ""
}

// Windows reports whether the pod runs on Windows (spec.os.name), where
// the Linux-only settings do not apply.
func (p *Pod) Windows() bool { return p.Spec.OS != nil && p.Spec.OS.Name == "windows" }

// isEmptyObject reports whether raw JSON is an object with no field.
func isEmptyObject(raw []byte) bool { return string(bytes.Join(bytes.Fields(raw), nil)) == "{}" }

// UnmarshalJSON records whether the context is empty.
func (c *PodSecurityContext) UnmarshalJSON(raw []byte) error {
	type plain PodSecurityContext
	if err := json.Unmarshal(raw, (*plain)(c)); err != nil {
		return err
	}
	c.Empty = isEmptyObject(raw)
	return nil
}

// UnmarshalJSON records whether the context is empty.
func (c *SecurityContext) UnmarshalJSON(raw []byte) error {
	type plain SecurityContext
	if err := json.Unmarshal(raw, (*plain)(c)); err != nil {
		return err
	}
	c.Empty = isEmptyObject(raw)
	return nil
}

// ServiceAccount is what the checks read of a service account.
type ServiceAccount struct {
	AutomountServiceAccountToken *bool `json:"automountServiceAccountToken"`
}

// ContainerRef is one container of a pod with where it is in the spec.
type ContainerRef struct {
	*Container
	Field string // "containers", "initContainers", "ephemeralContainers"
	Index int
}

// Path is the container's path in the object: "spec.containers[0]".
func (c ContainerRef) Path() string { return fmt.Sprintf("spec.%s[%d]", c.Field, c.Index) }

// AllContainers lists a pod's containers, init containers and ephemeral
// containers, in that order.
func (p *Pod) AllContainers() []ContainerRef {
	var out []ContainerRef
	for _, f := range []struct {
		name string
		cs   []Container
	}{{"containers", p.Spec.Containers}, {"initContainers", p.Spec.InitContainers}, {"ephemeralContainers", p.Spec.EphemeralContainers}} {
		for i := range f.cs {
			out = append(out, ContainerRef{Container: &f.cs[i], Field: f.name, Index: i})
		}
	}
	return out
}

// NewSnapshot reads an API snapshot bundle.
func NewSnapshot(file string, b *bundle.Bundle) (*Snapshot, error) {
	m := b.Manifest
	if m.Kind != bundle.KindAPISnapshot || m.Snapshot == nil {
		return nil, fmt.Errorf("%s: not an API snapshot", file)
	}
	s := &Snapshot{Name: m.Snapshot.Cluster, File: file, Digest: b.Digest, Manifest: m, b: b,
		hexSelf: results.Digest(b.Digest.String()), objects: map[string][]*Object{}, hex: map[string]results.Digest{}}
	for _, mem := range m.Members {
		s.hex[mem.Path] = results.Digest(mem.SHA256.String())
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(path.Base(file), path.Ext(file))
	}
	for _, k := range m.Snapshot.Kinds {
		objs := make([]*Object, 0, k.Count)
		for _, member := range k.Members {
			var doc bundle.APIObjects
			if err := b.DecodeJSON(member, &doc); err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			if doc.Kind != k.Kind || doc.Group != k.Group {
				return nil, fmt.Errorf("%s: %s holds %s objects, the manifest says %s", file, member, doc.Kind, k.Kind)
			}
			for i, raw := range doc.Items {
				o, err := s.object(k, member, i, raw)
				if err != nil {
					return nil, err
				}
				objs = append(objs, o)
			}
		}
		if len(objs) != k.Count {
			return nil, fmt.Errorf("%s: %d %s objects, the manifest says %d", file, len(objs), k.Kind, k.Count)
		}
		s.objects[k.Kind] = objs
	}
	return s, nil
}

// object decodes item i of member.
func (s *Snapshot) object(k bundle.KindCount, member string, i int, raw json.RawMessage) (*Object, error) {
	o := &Object{Kind: k.Kind, Group: k.Group, Member: member, Index: i, Raw: raw}
	var head struct {
		Metadata struct {
			Name      string            `json:"name"`
			Namespace string            `json:"namespace"`
			Labels    map[string]string `json:"labels"`
		} `json:"metadata"`
	}
	// A pod is decoded once, with its spec; a spec that does not decode
	// (a value redacted where a number was) leaves the pod unreadable,
	// never skipped.
	var typed any
	switch k.Kind {
	case "Pod":
		o.Pod = &Pod{}
		typed = o.Pod
	case "ServiceAccount":
		o.ServiceAccount = &ServiceAccount{}
		typed = o.ServiceAccount
	}
	if err := json.Unmarshal(raw, &head); err != nil || head.Metadata.Name == "" {
		return nil, fmt.Errorf("%s: %s item %d is not an API object: %v", s.File, member, i, err)
	}
	o.Name, o.Namespace, o.Labels = head.Metadata.Name, head.Metadata.Namespace, head.Metadata.Labels
	if typed != nil {
		o.Err = decodeTyped(raw, typed)
	}
	if o.Err != nil {
		s.Unreadable = append(s.Unreadable, o)
	}
	return o, nil
}

func decodeTyped(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	return dec.Decode(v)
}

// Objects returns the objects of a kind, sorted by namespace and name.
func (s *Snapshot) Objects(kind string) []*Object { return s.objects[kind] }

// Has reports whether the snapshot holds the kind at all (possibly none
// of it: a captured kind with no objects is listed with count 0 only when
// kubectl printed an empty List of it — which a capture cannot tell from
// not asking; so Has is true only for kinds with objects).
func (s *Snapshot) Has(kind string) bool { return len(s.objects[kind]) > 0 }

// Bundle returns the bundle.
func (s *Snapshot) Bundle() *bundle.Bundle { return s.b }

// Citation cites an object: locator "items[3] Pod team-a/web spec.hostPID".
func (s *Snapshot) Citation(o *Object, field, observed string) results.Citation {
	loc := fmt.Sprintf("items[%d] %s", o.Index, o.Ref())
	if field != "" {
		loc += " " + field
	}
	return results.Citation{Bundle: s.hexSelf, Node: s.Name, Member: o.Member, MemberSHA256: s.memberHex(o.Member), Locator: loc, Observed: observed}
}

// KindCitation cites the member of a kind as a whole ("312 Pod objects");
// a kind the snapshot has no objects of is cited from the manifest.
func (s *Snapshot) KindCitation(kind, observed string) results.Citation {
	for _, k := range s.Manifest.Snapshot.Kinds {
		if k.Kind == kind {
			return results.Citation{Bundle: s.hexSelf, Node: s.Name, Member: k.Members[0], MemberSHA256: s.memberHex(k.Members[0]), Locator: "items", Observed: observed}
		}
	}
	return s.ManifestCitation(observed)
}

// ManifestCitation cites the snapshot's manifest.
func (s *Snapshot) ManifestCitation(observed string) results.Citation {
	return results.Citation{Bundle: s.hexSelf, Node: s.Name, Member: bundle.ManifestPath, MemberSHA256: s.hexSelf, Locator: "snapshot", Observed: observed}
}

func (s *Snapshot) memberHex(member string) results.Digest { return s.hex[member] }

// KubernetesVersion is the cluster's version as the snapshot records it:
// kubectl version's serverVersion, else the image tag of a kube-apiserver
// pod in kube-system.
func (s *Snapshot) KubernetesVersion() (KubeVersion, bool) {
	for _, v := range s.Manifest.Host.Kubernetes {
		return KubeVersion{Version: v.Version, Component: "kube-apiserver", From: "kubectl version's serverVersion (" + v.Path + ")"}, true
	}
	for _, o := range s.Objects("Pod") {
		if o.Namespace != "kube-system" || o.Pod == nil || o.Err != nil || !strings.HasPrefix(o.Name, "kube-apiserver") {
			continue
		}
		for _, c := range o.Pod.Spec.Containers {
			_, tag, ok := strings.Cut(path.Base(c.Image), ":")
			if ok && strings.Contains(c.Image, "kube-apiserver") && strings.HasPrefix(tag, "v1.") {
				return KubeVersion{Version: tag, Component: "kube-apiserver", From: "the image of " + o.Ref()}, true
			}
		}
	}
	return KubeVersion{}, false
}

// NodeNames are the names of the nodes the snapshot's pods run on.
func (s *Snapshot) NodeNames() map[string]bool {
	out := map[string]bool{}
	for _, o := range s.Objects("Pod") {
		if o.Pod != nil && o.Pod.Spec.NodeName != "" {
			out[o.Pod.Spec.NodeName] = true
		}
	}
	return out
}
