package evidence

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kubeproof/kubeproof/evidence/rbac"
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
	"pod-privilege-escalation": podsRule("every container sets allowPrivilegeEscalation: false (unset, the runtime allows it)", linuxOnly(func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			sc := c.SecurityContext
			switch {
			case sc != nil && sc.AllowPrivilegeEscalation != nil && *sc.AllowPrivilegeEscalation:
				return "securityContext.allowPrivilegeEscalation", "true", true
			case sc != nil && sc.AllowPrivilegeEscalation != nil:
				return "", "", false
			case sc != nil && isTrue(sc.Privileged):
				return "securityContext.allowPrivilegeEscalation", "not set; privileged implies it", true
			}
			return "securityContext.allowPrivilegeEscalation", "not set (defaults to true)", true
		})
	})),
	"pod-root": podsRule("every container runs as a non-root user (runAsNonRoot: true or runAsUser > 0, in the container or the pod)", linuxOnly(func(o *Object, p *Pod) []Finding {
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
	})),
	"pod-net-raw": podsRule("every container drops NET_RAW (or ALL) and does not add it", linuxOnly(func(o *Object, p *Pod) []Finding {
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
	})),
	"pod-added-capabilities": podsRule("no container adds capabilities", linuxOnly(func(o *Object, p *Pod) []Finding {
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			if c.SecurityContext != nil && c.SecurityContext.Capabilities != nil && len(c.SecurityContext.Capabilities.Add) > 0 {
				return "securityContext.capabilities.add", strings.Join(c.SecurityContext.Capabilities.Add, ","), true
			}
			return "", "", false
		})
	})),
	"pod-capabilities": podsRule("every container drops ALL capabilities and adds none", linuxOnly(func(o *Object, p *Pod) []Finding {
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
	})),
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
	"pod-seccomp": podsRule("every container runs with seccomp profile RuntimeDefault or Localhost (its own or the pod's)", linuxOnly(func(o *Object, p *Pod) []Finding {
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
	})),
	"pod-security-context": podsRule("every container has a security context (its own or the pod's; {} is none)", func(o *Object, p *Pod) []Finding {
		if sc := p.Spec.SecurityContext; sc != nil && !sc.Empty {
			return nil
		}
		return containerFindings(o, p, func(c ContainerRef) (string, string, bool) {
			if c.SecurityContext == nil || c.SecurityContext.Empty {
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
		if s.missing(&r, "Pod", "", "pods (kubectl get pods -A -o json)") {
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

// missing says, in r, that the snapshot holds no objects of kind and
// which capture would give them (why: what their absence cannot tell),
// and reports whether they are missing: a rule cannot decide without them.
func (s *Snapshot) missing(r *RuleResult, kind, why, capture string) bool {
	if s.Has(kind) {
		return false
	}
	r.Unknown = "the snapshot holds no " + kind + " objects" + why + ": capture " + capture
	r.Examined = []results.Citation{s.ManifestCitation("no " + kind + " objects")}
	return true
}

// linuxOnly exempts Windows pods from a rule of Linux-only settings, as
// Pod Security Admission does.
func linuxOnly(check podCheck) podCheck {
	return func(o *Object, p *Pod) []Finding {
		if p.Windows() {
			return nil
		}
		return check(o, p)
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
	if s.missing(&r, "Pod", "", "pods (kubectl get pods -A -o json)") {
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
	if s.missing(&r, "Pod", "", "pods (kubectl get pods -A -o json)") {
		return r
	}
	if s.missing(&r, "NetworkPolicy", ", and cannot tell a cluster without any from a capture that did not ask for them", "networkpolicies (kubectl get networkpolicies -A -o json)") {
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

func policyControlRule(s *Snapshot) RuleResult {
	r := RuleResult{Expected: "every namespace that runs pods enforces a Pod Security Standard (label pod-security.kubernetes.io/enforce: baseline or restricted), or a validating admission webhook that reviews pod creation selects it, or a ValidatingAdmissionPolicy is bound",
		Scope: "system namespaces are listed apart and not counted; a mutating webhook is no policy"}
	nss := s.Objects("Namespace")
	if s.missing(&r, "Namespace", "", "namespaces (kubectl get namespaces -o json)") {
		return r
	}
	// A bound ValidatingAdmissionPolicy counts for every namespace (its
	// CEL is not evaluated here); it is cited.
	if vap := s.Objects("ValidatingAdmissionPolicyBinding"); len(vap) > 0 {
		r.Examined = []results.Citation{s.Citation(vap[0], "", "a ValidatingAdmissionPolicy is bound")}
		return r
	}
	hooks := podWebhooks(s)
	byNS := workloadNamespaces(s)
	for _, o := range nss {
		if len(byNS[o.Name]) == 0 {
			continue
		}
		level := o.Labels["pod-security.kubernetes.io/enforce"]
		if level == "baseline" || level == "restricted" || hooks.selects(o.Labels) {
			continue
		}
		what := "no pod-security.kubernetes.io/enforce label"
		if level != "" {
			what = "enforce level " + level + " (admits what the benchmark asks to refuse)"
		}
		r.Findings = append(r.Findings, Finding{Object: o, Field: "metadata.labels", Observed: what + "; no validating webhook for pods selects it", System: isSystemNamespace(o.Name)})
	}
	r.Examined = []results.Citation{s.KindCitation("Namespace", fmt.Sprintf("%d Namespace objects; %d validating webhooks review pod creation", len(nss), len(hooks)))}
	return r
}

// webhookSelectors are the namespace selectors of the validating webhooks
// that review pod creation.
type webhookSelectors []*rbac.Selector

func (w webhookSelectors) selects(labels map[string]string) bool {
	for _, sel := range w {
		if sel == nil || sel.Matches(labels) {
			return true
		}
	}
	return false
}

// podWebhooks finds the validating webhooks whose rules cover creating
// pods (API group "" or *, resource pods, * or */*, operation CREATE or
// *).
func podWebhooks(s *Snapshot) webhookSelectors {
	var out webhookSelectors
	for _, o := range s.Objects("ValidatingWebhookConfiguration") {
		var cfg struct {
			Webhooks []struct {
				Rules []struct {
					APIGroups  []string `json:"apiGroups"`
					Operations []string `json:"operations"`
					Resources  []string `json:"resources"`
				} `json:"rules"`
				NamespaceSelector *rbac.Selector `json:"namespaceSelector"`
			} `json:"webhooks"`
		}
		if json.Unmarshal(o.Raw, &cfg) != nil {
			continue
		}
		for _, h := range cfg.Webhooks {
			for _, rule := range h.Rules {
				core := slices.ContainsFunc(rule.APIGroups, func(g string) bool { return g == "" || g == "*" })
				pods := core && slices.ContainsFunc(rule.Resources, func(r string) bool { return r == "pods" || r == "*" || r == "*/*" })
				create := slices.ContainsFunc(rule.Operations, func(op string) bool { return op == "CREATE" || op == "*" })
				if pods && create {
					out = append(out, h.NamespaceSelector)
					break
				}
			}
		}
	}
	return out
}

func defaultServiceAccountRule(s *Snapshot) RuleResult {
	r := RuleResult{Expected: "every namespace's default service account sets automountServiceAccountToken: false"}
	sas := s.Objects("ServiceAccount")
	if s.missing(&r, "ServiceAccount", "", "serviceaccounts (kubectl get serviceaccounts -A -o json)") {
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
	r := RuleResult{Expected: "no pod mounts a service account token unless it says it needs one (automountServiceAccountToken: true in its spec)", Scope: systemScope}
	pods := s.Objects("Pod")
	if s.missing(&r, "Pod", "", "pods (kubectl get pods -A -o json)") {
		return r
	}
	for _, o := range pods {
		if o.Err != nil {
			r.Unknown = o.Ref() + " could not be read"
			continue
		}
		spec := o.Pod.Spec
		vol := o.Pod.TokenVolume()
		if vol == "" || isTrue(spec.AutomountServiceAccountToken) {
			// No token, or one the pod declares it needs.
			continue
		}
		name := spec.ServiceAccountName
		if name == "" {
			name = spec.ServiceAccount
		}
		r.Findings = append(r.Findings, Finding{Object: o, Field: "spec.volumes (" + vol + ")",
			Observed: "the token of service account " + name + " is mounted; the pod does not say it needs it", System: isSystemNamespace(o.Namespace)})
	}
	r.Examined = []results.Citation{s.KindCitation("Pod", fmt.Sprintf("%d Pod objects", len(pods)))}
	return r
}
