package evidence

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kubeproof/kubeproof/results"
)

// The policy rules decide section 5 from an API snapshot. Each is named
// by the check library (catalog.APIRules) and returns findings — the
// objects that break the recommendation — with citations of each.

// SystemNamespaces are the namespaces of the cluster's own components:
// the pod-security and network-policy rules report what they find there
// apart, and do not count it, as the benchmark's audits leave the
// control plane's own pods (host network, host paths) to section 1.
var SystemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}

// Finding is one object that breaks a rule.
type Finding struct {
	Object   *Object
	Field    string // where in the object: "spec.containers[0] (app) securityContext.privileged"
	Observed string
	// System: in a system namespace or of a system subject: shown, not
	// counted.
	System bool
}

// RuleResult is what a rule found.
type RuleResult struct {
	Findings []Finding
	// Examined says what was read ("312 Pod objects in 14 namespaces"),
	// cited when nothing is found.
	Examined []results.Citation
	// Unknown, when set, says why the rule cannot decide: a kind it needs
	// is not in the snapshot, or objects could not be read.
	Unknown string
	// Expected is what the rule wants, for the report.
	Expected string
	// Scope says what the rule left out and why ("system namespaces
	// kube-system, kube-public, kube-node-lease not counted").
	Scope string
}

// Counted returns the findings that count.
func (r RuleResult) Counted() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if !f.System {
			out = append(out, f)
		}
	}
	return out
}

// Cite returns the citation of a finding.
func (s *Snapshot) Cite(f Finding) results.Citation {
	return s.Citation(f.Object, f.Field, f.Observed)
}

type policyRule func(s *Snapshot) RuleResult

// podRule is a rule over every container (or pod) of every pod.
type podCheck func(o *Object, p *Pod) []Finding

var policyRules = map[string]policyRule{
	"pod-privileged": podsRule("no container runs privileged", func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			sc := c.SecurityContext
			if sc != nil && sc.Privileged != nil && *sc.Privileged {
				return "securityContext.privileged", "true", true
			}
			return "", "", false
		})
	}),
	"pod-host-pid":     hostNamespaceRule("hostPID", func(p *Pod) bool { return p.Spec.HostPID }),
	"pod-host-ipc":     hostNamespaceRule("hostIPC", func(p *Pod) bool { return p.Spec.HostIPC }),
	"pod-host-network": hostNamespaceRule("hostNetwork", func(p *Pod) bool { return p.Spec.HostNetwork }),
	"pod-privilege-escalation": podsRule("no container sets allowPrivilegeEscalation: true", func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			sc := c.SecurityContext
			if sc != nil && sc.AllowPrivilegeEscalation != nil && *sc.AllowPrivilegeEscalation {
				return "securityContext.allowPrivilegeEscalation", "true", true
			}
			return "", "", false
		})
	}),
	"pod-root": podsRule("every container runs as a non-root user (runAsNonRoot: true or runAsUser > 0, in the container or the pod)", func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			user, nonRoot := effectiveUser(p, c)
			switch {
			case user != nil && *user == 0:
				return "securityContext.runAsUser", "0", true
			case user != nil && *user > 0:
				return "", "", false
			case nonRoot != nil && *nonRoot:
				return "", "", false
			}
			return "securityContext", "neither runAsNonRoot: true nor a non-zero runAsUser (the image's user decides)", true
		})
	}),
	"pod-net-raw": podsRule("every container drops NET_RAW (or ALL) and does not add it", func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			var caps *Capabilities
			if c.SecurityContext != nil {
				caps = c.SecurityContext.Capabilities
			}
			if caps != nil && hasCap(caps.Add, "NET_RAW") {
				return "securityContext.capabilities.add", "NET_RAW", true
			}
			if caps == nil || !hasCap(caps.Drop, "NET_RAW") && !hasCap(caps.Drop, "ALL") {
				return "securityContext.capabilities.drop", "NET_RAW not dropped", true
			}
			return "", "", false
		})
	}),
	"pod-added-capabilities": podsRule("no container adds capabilities", func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			if c.SecurityContext != nil && c.SecurityContext.Capabilities != nil && len(c.SecurityContext.Capabilities.Add) > 0 {
				return "securityContext.capabilities.add", strings.Join(c.SecurityContext.Capabilities.Add, ","), true
			}
			return "", "", false
		})
	}),
	"pod-capabilities": podsRule("every container drops ALL capabilities and adds none", func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			var caps *Capabilities
			if c.SecurityContext != nil {
				caps = c.SecurityContext.Capabilities
			}
			switch {
			case caps != nil && len(caps.Add) > 0:
				return "securityContext.capabilities.add", strings.Join(caps.Add, ","), true
			case caps == nil || !hasCap(caps.Drop, "ALL"):
				return "securityContext.capabilities.drop", "ALL not dropped", true
			}
			return "", "", false
		})
	}),
	"pod-windows-host-process": podsRule("no pod or container is a Windows HostProcess container", func(o *Object, p *Pod) []Finding {
		var out []Finding
		if sc := p.Spec.SecurityContext; sc != nil && sc.WindowsOptions != nil && isTrue(sc.WindowsOptions.HostProcess) {
			out = append(out, Finding{Object: o, Field: "spec.securityContext.windowsOptions.hostProcess", Observed: "true"})
		}
		return append(out, containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			if sc := c.SecurityContext; sc != nil && sc.WindowsOptions != nil && isTrue(sc.WindowsOptions.HostProcess) {
				return "securityContext.windowsOptions.hostProcess", "true", true
			}
			return "", "", false
		})...)
	}),
	"pod-host-path": podsRule("no pod mounts a hostPath volume", func(o *Object, p *Pod) []Finding {
		var out []Finding
		for i, v := range p.Spec.Volumes {
			if v.HostPath != nil {
				out = append(out, Finding{Object: o, Field: fmt.Sprintf("spec.volumes[%d] (%s) hostPath.path", i, v.Name), Observed: v.HostPath.Path})
			}
		}
		return out
	}),
	"pod-host-ports": podsRule("no container uses a host port", func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			var ports []string
			for _, pt := range c.Ports {
				if pt.HostPort > 0 {
					ports = append(ports, strconv.Itoa(int(pt.HostPort)))
				}
			}
			if len(ports) > 0 {
				return "ports[].hostPort", strings.Join(ports, ","), true
			}
			return "", "", false
		})
	}),
	"pod-seccomp": podsRule("every container runs with seccomp profile RuntimeDefault or Localhost (its own or the pod's)", func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			t := ""
			if sc := p.Spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
				t = sc.SeccompProfile.Type
			}
			if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil {
				t = sc.SeccompProfile.Type
			}
			switch t {
			case "RuntimeDefault", "Localhost":
				return "", "", false
			case "":
				return "securityContext.seccompProfile", "not set (Unconfined unless the kubelet's seccompDefault is on)", true
			}
			return "securityContext.seccompProfile.type", t, true
		})
	}),
	"pod-security-context": podsRule("every container has a security context (its own or the pod's)", func(o *Object, p *Pod) []Finding {
		if p.Spec.SecurityContext != nil {
			return nil
		}
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			if c.SecurityContext == nil {
				return "securityContext", "not set, nor the pod's", true
			}
			return "", "", false
		})
	}),
	"secret-env": podsRule("no container takes a secret as an environment variable", func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			var from []string
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					from = append(from, e.Name+" ← secret "+e.ValueFrom.SecretKeyRef.Name)
				}
			}
			for _, e := range c.EnvFrom {
				if e.SecretRef != nil {
					from = append(from, "envFrom secret "+e.SecretRef.Name)
				}
			}
			if len(from) > 0 {
				return "env", strings.Join(from, ", "), true
			}
			return "", "", false
		})
	}),
	"default-namespace":        defaultNamespaceRule,
	"namespace-network-policy": networkPolicyRule,
	"namespace-policy-control": policyControlRule,
	"default-service-account":  defaultServiceAccountRule,
	"pod-token-mount":          tokenMountRule,
}

// EvaluateRule runs the named rule on the snapshot.
func (s *Snapshot) EvaluateRule(name string) (RuleResult, error) {
	rule, ok := policyRules[name]
	if !ok {
		return RuleResult{}, fmt.Errorf("no policy rule %q", name)
	}
	return rule(s), nil
}

// PolicyRules lists the rules this package implements.
func PolicyRules() []string {
	out := make([]string, 0, len(policyRules))
	for name := range policyRules {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func isTrue(b *bool) bool { return b != nil && *b }

func hasCap(list []string, c string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimPrefix(strings.ToUpper(x), "CAP_"), c) {
			return true
		}
	}
	return false
}

func effectiveUser(p *Pod, c ContainerRef) (user *int64, nonRoot *bool) {
	if sc := p.Spec.SecurityContext; sc != nil {
		user, nonRoot = sc.RunAsUser, sc.RunAsNonRoot
	}
	if sc := c.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			user = sc.RunAsUser
		}
		if sc.RunAsNonRoot != nil {
			nonRoot = sc.RunAsNonRoot
		}
	}
	return user, nonRoot
}

func isSystemNamespace(ns string) bool { return slices.Contains(SystemNamespaces, ns) }

const systemScope = "pods in the system namespaces kube-system, kube-public and kube-node-lease are listed apart and not counted; init and ephemeral containers count"

// podsRule runs check on every pod.
func podsRule(expected string, check podCheck) policyRule {
	return func(s *Snapshot) RuleResult {
		r := RuleResult{Expected: expected, Scope: systemScope}
		pods := s.Objects("Pod")
		if len(pods) == 0 {
			r.Unknown = "the snapshot holds no Pod objects: capture pods (kubectl get pods -A -o json)"
			r.Examined = []results.Citation{s.ManifestCitation("no Pod objects")}
			return r
		}
		var bad []string
		namespaces := map[string]bool{}
		for _, o := range pods {
			if o.Err != nil {
				bad = append(bad, o.Ref())
				continue
			}
			namespaces[o.Namespace] = true
			for _, f := range check(o, o.Pod) {
				f.System = isSystemNamespace(o.Namespace)
				r.Findings = append(r.Findings, f)
			}
		}
		if len(bad) > 0 {
			r.Unknown = fmt.Sprintf("%d Pod objects could not be read (%s)", len(bad), strings.Join(bad[:min(3, len(bad))], ", "))
		}
		r.Examined = []results.Citation{s.KindCitation("Pod", fmt.Sprintf("%d Pod objects in %d namespaces", len(pods), len(namespaces)))}
		return r
	}
}

func hostNamespaceRule(field string, get func(*Pod) bool) policyRule {
	return podsRule("no pod sets "+field+": true", func(o *Object, p *Pod) []Finding {
		if get(p) {
			return []Finding{{Object: o, Field: "spec." + field, Observed: "true"}}
		}
		return nil
	})
}

// containerFindings runs test on every container of a pod.
func containerFindings(o *Object, p *Pod, test func(ContainerRef) (field, observed string, bad bool)) []Finding {
	var out []Finding
	for _, c := range p.AllContainers() {
		if field, observed, bad := test(c); bad {
			out = append(out, Finding{Object: o, Field: fmt.Sprintf("%s (%s) %s", c.Path(), c.Name, field), Observed: observed})
		}
	}
	return out
}

// workloadNamespaces are the namespaces that run pods.
func workloadNamespaces(s *Snapshot) map[string][]*Object {
	out := map[string][]*Object{}
	for _, o := range s.Objects("Pod") {
		out[o.Namespace] = append(out[o.Namespace], o)
	}
	return out
}

func defaultNamespaceRule(s *Snapshot) RuleResult {
	r := RuleResult{Expected: "no workload runs in the default namespace"}
	pods := s.Objects("Pod")
	if len(pods) == 0 {
		r.Unknown = "the snapshot holds no Pod objects: capture pods (kubectl get pods -A -o json)"
		r.Examined = []results.Citation{s.ManifestCitation("no Pod objects")}
		return r
	}
	for _, kind := range []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"} {
		for _, o := range s.Objects(kind) {
			if o.Namespace == "default" {
				r.Findings = append(r.Findings, Finding{Object: o, Field: "metadata.namespace", Observed: "default"})
			}
		}
	}
	r.Examined = []results.Citation{s.KindCitation("Pod", fmt.Sprintf("%d Pod objects", len(pods)))}
	return r
}

func networkPolicyRule(s *Snapshot) RuleResult {
	r := RuleResult{Expected: "every namespace that runs pods has a NetworkPolicy", Scope: "system namespaces kube-system, kube-public and kube-node-lease are listed apart and not counted"}
	pods := s.Objects("Pod")
	if len(pods) == 0 {
		r.Unknown = "the snapshot holds no Pod objects: capture pods (kubectl get pods -A -o json)"
		r.Examined = []results.Citation{s.ManifestCitation("no Pod objects")}
		return r
	}
	if !capturedKind(s, "NetworkPolicy") {
		r.Unknown = "the snapshot holds no NetworkPolicy objects, and cannot tell a cluster without any from a capture that did not ask for them: capture networkpolicies (kubectl get networkpolicies -A -o json)"
		r.Examined = []results.Citation{s.ManifestCitation("no NetworkPolicy objects")}
		return r
	}
	with := map[string]bool{}
	for _, np := range s.Objects("NetworkPolicy") {
		with[np.Namespace] = true
	}
	byNS := workloadNamespaces(s)
	for _, ns := range slices.Sorted(maps.Keys(byNS)) {
		if !with[ns] {
			r.Findings = append(r.Findings, Finding{Object: byNS[ns][0], Field: "metadata.namespace", Observed: fmt.Sprintf("namespace %s runs %d pods and has no NetworkPolicy", ns, len(byNS[ns])), System: isSystemNamespace(ns)})
		}
	}
	r.Examined = []results.Citation{s.KindCitation("NetworkPolicy", fmt.Sprintf("%d NetworkPolicy objects in %d namespaces", len(s.Objects("NetworkPolicy")), len(with)))}
	return r
}

// capturedKind reports whether the snapshot has objects of kind, or the
// capture recorded none of it (a kind with no objects is not recorded).
func capturedKind(s *Snapshot, kind string) bool { return s.Has(kind) }

func policyControlRule(s *Snapshot) RuleResult {
	r := RuleResult{Expected: "every namespace that runs pods enforces a Pod Security Standard (label pod-security.kubernetes.io/enforce), or an admission webhook or ValidatingAdmissionPolicy reviews pods",
		Scope: "system namespaces are listed apart and not counted"}
	nss := s.Objects("Namespace")
	if len(nss) == 0 {
		r.Unknown = "the snapshot holds no Namespace objects: capture namespaces (kubectl get namespaces -o json)"
		r.Examined = []results.Citation{s.ManifestCitation("no Namespace objects")}
		return r
	}
	// An admission webhook or policy that reviews pods counts for every
	// namespace; it is cited.
	for _, kind := range []string{"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicyBinding"} {
		if objs := s.Objects(kind); len(objs) > 0 && reviewsPods(objs) {
			r.Examined = []results.Citation{s.KindCitation(kind, fmt.Sprintf("%d %s objects review pods", len(objs), kind))}
			return r
		}
	}
	byNS := workloadNamespaces(s)
	for _, o := range nss {
		level := o.Labels["pod-security.kubernetes.io/enforce"]
		if level == "" && len(byNS[o.Name]) > 0 {
			r.Findings = append(r.Findings, Finding{Object: o, Field: "metadata.labels", Observed: "no pod-security.kubernetes.io/enforce label", System: isSystemNamespace(o.Name)})
		} else if level == "privileged" && len(byNS[o.Name]) > 0 {
			r.Findings = append(r.Findings, Finding{Object: o, Field: "metadata.labels[pod-security.kubernetes.io/enforce]", Observed: "privileged (enforces nothing)", System: isSystemNamespace(o.Name)})
		}
	}
	r.Examined = []results.Citation{s.KindCitation("Namespace", fmt.Sprintf("%d Namespace objects; no admission webhook or policy reviews pods", len(nss)))}
	return r
}

// reviewsPods reports whether one of the webhook configurations or policy
// bindings may review pods. It is read from the raw object: rules with
// resources "pods" or "*".
func reviewsPods(objs []*Object) bool {
	for _, o := range objs {
		raw := string(o.Raw)
		if strings.Contains(raw, `"pods"`) || strings.Contains(raw, `"*"`) || o.Kind == "ValidatingAdmissionPolicyBinding" {
			return true
		}
	}
	return false
}

func defaultServiceAccountRule(s *Snapshot) RuleResult {
	r := RuleResult{Expected: "every namespace's default service account sets automountServiceAccountToken: false"}
	sas := s.Objects("ServiceAccount")
	if len(sas) == 0 {
		r.Unknown = "the snapshot holds no ServiceAccount objects: capture serviceaccounts (kubectl get serviceaccounts -A -o json)"
		r.Examined = []results.Citation{s.ManifestCitation("no ServiceAccount objects")}
		return r
	}
	n := 0
	for _, o := range sas {
		if o.Name != "default" {
			continue
		}
		n++
		switch {
		case o.Err != nil:
			r.Unknown = o.Ref() + " could not be read"
		case o.ServiceAccount.AutomountServiceAccountToken == nil:
			r.Findings = append(r.Findings, Finding{Object: o, Field: "automountServiceAccountToken", Observed: "not set (tokens are mounted)"})
		case *o.ServiceAccount.AutomountServiceAccountToken:
			r.Findings = append(r.Findings, Finding{Object: o, Field: "automountServiceAccountToken", Observed: "true"})
		}
	}
	r.Examined = []results.Citation{s.KindCitation("ServiceAccount", fmt.Sprintf("%d default ServiceAccount objects", n))}
	return r
}

func tokenMountRule(s *Snapshot) RuleResult {
	r := RuleResult{Expected: "no pod mounts a service account token unless it sets automountServiceAccountToken: true itself", Scope: systemScope}
	pods := s.Objects("Pod")
	if len(pods) == 0 || len(s.Objects("ServiceAccount")) == 0 {
		r.Unknown = "the snapshot needs both Pod and ServiceAccount objects: capture pods and serviceaccounts"
		r.Examined = []results.Citation{s.ManifestCitation("no Pod or no ServiceAccount objects")}
		return r
	}
	sas := map[string]*Object{}
	for _, o := range s.Objects("ServiceAccount") {
		sas[o.Namespace+"/"+o.Name] = o
	}
	for _, o := range pods {
		if o.Err != nil {
			r.Unknown = o.Ref() + " could not be read"
			continue
		}
		spec := o.Pod.Spec
		name := spec.ServiceAccountName
		if name == "" {
			name = spec.ServiceAccount
		}
		if name == "" {
			name = "default"
		}
		if spec.AutomountServiceAccountToken != nil {
			// The pod's own choice: false mounts nothing; true is a
			// deliberate mount, which the recommendation allows where
			// needed.
			continue
		}
		sa := sas[o.Namespace+"/"+name]
		switch {
		case sa == nil:
			r.Findings = append(r.Findings, Finding{Object: o, Field: "spec.serviceAccountName", Observed: name + " (not in the snapshot; its token is mounted unless it says otherwise)", System: isSystemNamespace(o.Namespace)})
		case sa.Err != nil:
			r.Unknown = sa.Ref() + " could not be read"
		case sa.ServiceAccount.AutomountServiceAccountToken == nil || *sa.ServiceAccount.AutomountServiceAccountToken:
			r.Findings = append(r.Findings, Finding{Object: o, Field: "spec.automountServiceAccountToken", Observed: "not set; service account " + name + " mounts its token", System: isSystemNamespace(o.Namespace)})
		}
	}
	r.Examined = []results.Citation{s.KindCitation("Pod", fmt.Sprintf("%d Pod objects", len(pods)))}
	return r
}
