package evidence_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/collector"
	"github.com/kubeproof/kubeproof/evidence"
)

// snapshotOf seals objects (JSON) into an API snapshot and reads it back.
func snapshotOf(t *testing.T, objects ...string) *evidence.Snapshot {
	t.Helper()
	in := `{"apiVersion":"v1","kind":"List","items":[` + strings.Join(objects, ",") + `]}`
	res, err := collector.Snapshot([]collector.SnapshotInput{{Name: "test.json", R: strings.NewReader(in)}},
		collector.SnapshotOptions{Time: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Version: "test", Cluster: "test"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Read(bytes.NewReader(res.Bundle), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := evidence.NewSnapshot("test.kpb", b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pod(ns, name, spec string) string {
	return fmt.Sprintf(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":%q,"namespace":%q},"spec":%s}`, name, ns, spec)
}

func container(sc string) string {
	return `{"containers":[{"name":"app","image":"app:1","securityContext":` + sc + `}]}`
}

const hardened = `{"privileged":false,"allowPrivilegeEscalation":false,"runAsNonRoot":true,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}}`

func sa(ns, name, automount string) string {
	a := ""
	if automount != "" {
		a = `,"automountServiceAccountToken":` + automount
	}
	return fmt.Sprintf(`{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":%q,"namespace":%q}%s}`, name, ns, a)
}

func ns(name string, labels string) string {
	return fmt.Sprintf(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":%q,"labels":{%s}}}`, name, labels)
}

func clusterRole(name, rules string, labels string) string {
	return fmt.Sprintf(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":%q,"labels":{%s}},"rules":%s}`, name, labels, rules)
}

func crb(name, role, subjects string) string {
	return fmt.Sprintf(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":%q},"subjects":%s,"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":%q}}`, name, subjects, role)
}

func rb(ns, name, kind, role, subjects string) string {
	return fmt.Sprintf(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":%q,"namespace":%q},"subjects":%s,"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":%q,"name":%q}}`, name, ns, subjects, kind, role)
}

const tokenVolume = `,"volumes":[{"name":"kube-api-access-x","projected":{"sources":[{"serviceAccountToken":{"path":"token","expirationSeconds":3607}}]}}]`

const bootstrap = `"kubernetes.io/bootstrapping":"rbac-defaults"`

var rbacBase = []string{
	clusterRole("cluster-admin", `[{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}]`, bootstrap),
	`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"cluster-admin","labels":{` + bootstrap + `}},"subjects":[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:masters"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"}}`,
}

func withRBAC(objs ...string) []string { return append(append([]string{}, rbacBase...), objs...) }

const user = `[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"}]`

// t0 is a placeholder for csr's testing.T: the table is built before t.
var t0 *testing.T

// csr is a CertificateSigningRequest whose PKCS#10 request asks for a
// certificate for cn in the group org.
func csr(_ *testing.T, name, cn, org string) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn, Organization: []string{org}}}, key)
	if err != nil {
		panic(err)
	}
	req := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	return fmt.Sprintf(`{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":%q},"spec":{"request":%q,"signerName":"kubernetes.io/kube-apiserver-client","usages":["client auth"]}}`, name, req)
}

// TestPolicyRules: each rule on a snapshot that breaks it and on one that
// does not. counted is the number of findings that count; field, a part
// of the first counted finding's field or observed value.
func TestPolicyRules(t *testing.T) {
	for _, tt := range []struct {
		name, rule string
		objects    []string
		counted    int
		excluded   int
		want       string
		unknown    string
	}{
		{"privileged", "pod-privileged", []string{pod("a", "p", container(`{"privileged":true}`))}, 1, 0, "securityContext.privileged", ""},
		{"privileged in an init container", "pod-privileged", []string{pod("a", "p", `{"containers":[{"name":"c","image":"x"}],"initContainers":[{"name":"i","image":"x","securityContext":{"privileged":true}}]}`)}, 1, 0, "spec.initContainers[0] (i)", ""},
		{"privileged in an ephemeral container", "pod-privileged", []string{pod("a", "p", `{"containers":[{"name":"c","image":"x"}],"ephemeralContainers":[{"name":"e","image":"x","securityContext":{"privileged":true}}]}`)}, 1, 0, "ephemeralContainers", ""},
		{"privileged in kube-system", "pod-privileged", []string{pod("kube-system", "p", container(`{"privileged":true}`))}, 0, 1, "", ""},
		{"not privileged", "pod-privileged", []string{pod("a", "p", container(hardened))}, 0, 0, "", ""},
		{"no pods", "pod-privileged", []string{sa("a", "default", "false")}, 0, 0, "", "no Pod objects"},
		{"hostPID", "pod-host-pid", []string{pod("a", "p", `{"hostPID":true,"containers":[{"name":"c","image":"x"}]}`)}, 1, 0, "spec.hostPID", ""},
		{"hostPID false", "pod-host-pid", []string{pod("a", "p", `{"hostPID":false,"containers":[{"name":"c","image":"x"}]}`)}, 0, 0, "", ""},
		{"hostIPC", "pod-host-ipc", []string{pod("a", "p", `{"hostIPC":true,"containers":[{"name":"c","image":"x"}]}`)}, 1, 0, "spec.hostIPC", ""},
		{"hostNetwork", "pod-host-network", []string{pod("a", "p", `{"hostNetwork":true,"containers":[{"name":"c","image":"x"}]}`)}, 1, 0, "spec.hostNetwork", ""},
		{"escalation", "pod-privilege-escalation", []string{pod("a", "p", container(`{"allowPrivilegeEscalation":true}`))}, 1, 0, "allowPrivilegeEscalation", ""},
		{"escalation unset", "pod-privilege-escalation", []string{pod("a", "p", container(`{}`))}, 1, 0, "not set (defaults to true)", ""},
		{"escalation unset, privileged", "pod-privilege-escalation", []string{pod("a", "p", container(`{"privileged":true}`))}, 1, 0, "privileged implies it", ""},
		{"escalation false", "pod-privilege-escalation", []string{pod("a", "p", container(`{"allowPrivilegeEscalation":false}`))}, 0, 0, "", ""},
		{"escalation on Windows", "pod-privilege-escalation", []string{pod("a", "p", `{"os":{"name":"windows"},"containers":[{"name":"c","image":"x"}]}`)}, 0, 0, "", ""},
		{"root on Windows", "pod-root", []string{pod("a", "p", `{"os":{"name":"windows"},"containers":[{"name":"c","image":"x"}]}`)}, 0, 0, "", ""},
		{"root by default", "pod-root", []string{pod("a", "p", container(`{}`))}, 1, 0, "the image's user decides", ""},
		{"root explicit", "pod-root", []string{pod("a", "p", container(`{"runAsUser":0,"runAsNonRoot":true}`))}, 1, 0, "runAsUser", ""},
		{"non-root from the pod", "pod-root", []string{pod("a", "p", `{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"c","image":"x"}]}`)}, 0, 0, "", ""},
		{"non-root by uid", "pod-root", []string{pod("a", "p", container(`{"runAsUser":1000}`))}, 0, 0, "", ""},
		{"container overrides the pod", "pod-root", []string{pod("a", "p", `{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"c","image":"x","securityContext":{"runAsNonRoot":false}}]}`)}, 1, 0, "", ""},
		{"NET_RAW kept", "pod-net-raw", []string{pod("a", "p", container(`{"capabilities":{"drop":["CHOWN"]}}`))}, 1, 0, "NET_RAW not dropped", ""},
		{"NET_RAW added", "pod-net-raw", []string{pod("a", "p", container(`{"capabilities":{"drop":["ALL"],"add":["CAP_NET_RAW"]}}`))}, 1, 0, "capabilities.add", ""},
		{"NET_RAW dropped", "pod-net-raw", []string{pod("a", "p", container(`{"capabilities":{"drop":["NET_RAW"]}}`))}, 0, 0, "", ""},
		{"ALL dropped", "pod-net-raw", []string{pod("a", "p", container(hardened))}, 0, 0, "", ""},
		{"added capabilities", "pod-added-capabilities", []string{pod("a", "p", container(`{"capabilities":{"add":["SYS_ADMIN"]}}`))}, 1, 0, "SYS_ADMIN", ""},
		{"no added capabilities", "pod-added-capabilities", []string{pod("a", "p", container(`{"capabilities":{"drop":["ALL"]}}`))}, 0, 0, "", ""},
		{"ALL not dropped", "pod-capabilities", []string{pod("a", "p", container(`{}`))}, 1, 0, "ALL not dropped", ""},
		{"ALL dropped, one added", "pod-capabilities", []string{pod("a", "p", container(`{"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}}`))}, 1, 0, "NET_BIND_SERVICE", ""},
		{"capabilities hardened", "pod-capabilities", []string{pod("a", "p", container(hardened))}, 0, 0, "", ""},
		{"HostProcess pod", "pod-windows-host-process", []string{pod("a", "p", `{"securityContext":{"windowsOptions":{"hostProcess":true}},"containers":[{"name":"c","image":"x"}]}`)}, 1, 0, "windowsOptions.hostProcess", ""},
		{"HostProcess container", "pod-windows-host-process", []string{pod("a", "p", container(`{"windowsOptions":{"hostProcess":true}}`))}, 1, 0, "windowsOptions.hostProcess", ""},
		{"no HostProcess", "pod-windows-host-process", []string{pod("a", "p", container(`{"windowsOptions":{"hostProcess":false}}`))}, 0, 0, "", ""},
		{"hostPath", "pod-host-path", []string{pod("a", "p", `{"containers":[{"name":"c","image":"x"}],"volumes":[{"name":"v","hostPath":{"path":"/var/run"}}]}`)}, 1, 0, "/var/run", ""},
		{"emptyDir", "pod-host-path", []string{pod("a", "p", `{"containers":[{"name":"c","image":"x"}],"volumes":[{"name":"v","emptyDir":{}}]}`)}, 0, 0, "", ""},
		{"hostPort", "pod-host-ports", []string{pod("a", "p", `{"containers":[{"name":"c","image":"x","ports":[{"containerPort":80,"hostPort":8080}]}]}`)}, 1, 0, "8080", ""},
		{"containerPort only", "pod-host-ports", []string{pod("a", "p", `{"containers":[{"name":"c","image":"x","ports":[{"containerPort":80}]}]}`)}, 0, 0, "", ""},
		{"seccomp unset", "pod-seccomp", []string{pod("a", "p", container(`{}`))}, 1, 0, "not set", ""},
		{"seccomp Unconfined", "pod-seccomp", []string{pod("a", "p", `{"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"c","image":"x","securityContext":{"seccompProfile":{"type":"Unconfined"}}}]}`)}, 1, 0, "Unconfined", ""},
		{"seccomp from the pod", "pod-seccomp", []string{pod("a", "p", `{"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"c","image":"x"}]}`)}, 0, 0, "", ""},
		{"no security context", "pod-security-context", []string{pod("a", "p", `{"containers":[{"name":"c","image":"x"}]}`)}, 1, 0, "not set", ""},
		{"empty security contexts", "pod-security-context", []string{pod("a", "p", `{"securityContext":{},"containers":[{"name":"c","image":"x","securityContext":{}}]}`)}, 1, 0, "not set", ""},
		{"pod security context", "pod-security-context", []string{pod("a", "p", `{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"c","image":"x"}]}`)}, 0, 0, "", ""},
		{"secret as env", "secret-env", []string{pod("a", "p", `{"containers":[{"name":"c","image":"x","env":[{"name":"PW","valueFrom":{"secretKeyRef":{"name":"db","key":"pw"}}}]}]}`)}, 1, 0, "secret db", ""},
		{"secret as envFrom", "secret-env", []string{pod("a", "p", `{"containers":[{"name":"c","image":"x","envFrom":[{"secretRef":{"name":"db"}}]}]}`)}, 1, 0, "envFrom secret db", ""},
		{"configmap as env", "secret-env", []string{pod("a", "p", `{"containers":[{"name":"c","image":"x","env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"c","key":"k"}}}]}]}`)}, 0, 0, "", ""},
		{"default namespace", "default-namespace", []string{pod("default", "p", container(hardened))}, 1, 0, "default", ""},
		{"other namespace", "default-namespace", []string{pod("a", "p", container(hardened))}, 0, 0, "", ""},
		{"no network policy", "namespace-network-policy", []string{pod("a", "p", container(hardened)), `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"d","namespace":"b"},"spec":{"podSelector":{}}}`}, 1, 0, "has no NetworkPolicy", ""},
		{"network policy", "namespace-network-policy", []string{pod("a", "p", container(hardened)), `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"d","namespace":"a"},"spec":{"podSelector":{}}}`}, 0, 0, "", ""},
		{"no network policies captured", "namespace-network-policy", []string{pod("a", "p", container(hardened))}, 0, 0, "", "cannot tell a cluster without any"},
		{"no PSA label", "namespace-policy-control", []string{ns("a", ``), pod("a", "p", container(hardened))}, 1, 0, "no pod-security.kubernetes.io/enforce", ""},
		{"PSA privileged", "namespace-policy-control", []string{ns("a", `"pod-security.kubernetes.io/enforce":"privileged"`), pod("a", "p", container(hardened))}, 1, 0, "privileged", ""},
		{"PSA restricted", "namespace-policy-control", []string{ns("a", `"pod-security.kubernetes.io/enforce":"restricted"`), pod("a", "p", container(hardened))}, 0, 0, "", ""},
		{"empty namespace without label", "namespace-policy-control", []string{ns("a", ``), pod("b", "p", container(hardened)), ns("b", `"pod-security.kubernetes.io/enforce":"baseline"`)}, 0, 0, "", ""},
		{"webhook does not select the namespace", "namespace-policy-control", []string{ns("a", `"team":"x"`), pod("a", "p", container(hardened)),
			`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"gk"},"webhooks":[{"name":"v","namespaceSelector":{"matchExpressions":[{"key":"team","operator":"NotIn","values":["x"]}]},"rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}]}]}`}, 1, 0, "no validating webhook", ""},
		{"mutating webhook is no policy", "namespace-policy-control", []string{ns("a", ``), pod("a", "p", container(hardened)),
			`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"m"},"webhooks":[{"name":"v","rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}]}]}`}, 1, 0, "", ""},
		{"webhook of another API group", "namespace-policy-control", []string{ns("a", ``), pod("a", "p", container(hardened)),
			`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"cm"},"webhooks":[{"name":"v","rules":[{"apiGroups":["cert-manager.io"],"apiVersions":["v1"],"operations":["CREATE"],"resources":["*/*"]}]}]}`}, 1, 0, "", ""},
		{"webhook for deletes only", "namespace-policy-control", []string{ns("a", ``), pod("a", "p", container(hardened)),
			`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"gk"},"webhooks":[{"name":"v","rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["DELETE"],"resources":["pods"]}]}]}`}, 1, 0, "", ""},
		{"webhook for every resource", "namespace-policy-control", []string{ns("a", ``), pod("a", "p", container(hardened)), fmt.Sprintf(`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"gk"},"webhooks":[{"name":"v","rules":[{"apiGroups":["*"],"apiVersions":["*"],"operations":["*"],"resources":[%q]}]}]}`, "*")}, 0, 0, "", ""},
		{"webhook for every resource and subresource", "namespace-policy-control", []string{ns("a", ``), pod("a", "p", container(hardened)), fmt.Sprintf(`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"gk"},"webhooks":[{"name":"v","rules":[{"apiGroups":["*"],"apiVersions":["*"],"operations":["*"],"resources":[%q]}]}]}`, "*/*")}, 0, 0, "", ""},
		{"webhook for configmaps", "namespace-policy-control", []string{ns("a", ``), pod("a", "p", container(hardened)), fmt.Sprintf(`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"gk"},"webhooks":[{"name":"v","rules":[{"apiGroups":["*"],"apiVersions":["*"],"operations":["*"],"resources":[%q]}]}]}`, "configmaps")}, 1, 0, "", ""},
		{"webhook reviews pods", "namespace-policy-control", []string{ns("a", ``), pod("a", "p", container(hardened)),
			`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"gk"},"webhooks":[{"name":"v","rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}]}]}`}, 0, 0, "", ""},
		{"default SA automounts", "default-service-account", []string{sa("a", "default", "")}, 1, 0, "not set", ""},
		{"default SA automount true", "default-service-account", []string{sa("a", "default", "true")}, 1, 0, "true", ""},
		{"default SA off", "default-service-account", []string{sa("a", "default", "false"), sa("a", "app", "")}, 0, 0, "", ""},
		{"token mounted", "pod-token-mount", []string{pod("a", "p", `{"serviceAccountName":"app","containers":[{"name":"c","image":"x"}]`+tokenVolume+`}`)}, 1, 0, "kube-api-access-x", ""},
		{"token mounted in kube-system", "pod-token-mount", []string{pod("kube-system", "p", `{"serviceAccountName":"app","containers":[{"name":"c","image":"x"}]`+tokenVolume+`}`)}, 0, 1, "", ""},
		{"no token volume", "pod-token-mount", []string{pod("a", "p", `{"serviceAccountName":"app","automountServiceAccountToken":false,"containers":[{"name":"c","image":"x"}]}`)}, 0, 0, "", ""},
		{"token of the legacy serviceAccount field", "pod-token-mount", []string{pod("a", "p", `{"serviceAccount":"legacy","containers":[{"name":"c","image":"x"}]`+tokenVolume+`}`)}, 1, 0, "service account legacy", ""},
		{"token the pod asks for", "pod-token-mount", []string{pod("a", "p", `{"serviceAccountName":"app","automountServiceAccountToken":true,"containers":[{"name":"c","image":"x"}]`+tokenVolume+`}`)}, 0, 0, "", ""},

		{"cluster-admin bound", "rbac-cluster-admin", withRBAC(crb("ops", "cluster-admin", user)), 1, 1, "ClusterRoleBinding ops subjects[0] User alice holds cluster-admin", ""},
		{"cluster-admin in a namespace", "rbac-cluster-admin", withRBAC(rb("a", "x", "ClusterRole", "cluster-admin", user)), 1, 1, "User alice", ""},
		{"cluster-admin default only", "rbac-cluster-admin", withRBAC(), 0, 1, "", ""},
		{"no RBAC captured", "rbac-cluster-admin", []string{sa("a", "default", "false")}, 0, 0, "", "no ClusterRole"},
		{"system:masters bound", "rbac-system-masters", withRBAC(crb("break-glass", "cluster-admin", `[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:masters"}]`)), 1, 1, "ClusterRoleBinding break-glass subjects[0] Group system:masters", ""},
		{"cluster-admin to a kube-system account, namespace defaulted", "rbac-cluster-admin", withRBAC(rb("kube-system", "x", "ClusterRole", "cluster-admin", `[{"kind":"ServiceAccount","name":"ctl"}]`)), 0, 2, "", ""},
		{"cluster-admin to a team account, namespace defaulted", "rbac-cluster-admin", withRBAC(rb("team", "x", "ClusterRole", "cluster-admin", `[{"kind":"ServiceAccount","name":"ctl"}]`)), 1, 1, "RoleBinding team/x subjects[0] ServiceAccount team/ctl", ""},
		{"CSR for system:masters", "rbac-system-masters", withRBAC(csr(t0, "alice-admin", "alice", "system:masters")), 1, 1, "CertificateSigningRequest alice-admin spec.requestSubject.organization a certificate for alice in system:masters (pending)", ""},
		{"CSR for another group", "rbac-system-masters", withRBAC(csr(t0, "bot", "bot", "team-b")), 0, 1, "", ""},
		{"wildcard", "rbac-wildcards", withRBAC(clusterRole("w", `[{"verbs":["get"],"apiGroups":["*"],"resources":["pods"]}]`, "")), 1, 1, "apiGroups", ""},
		{"no wildcard", "rbac-wildcards", withRBAC(clusterRole("w", `[{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}]`, "")), 0, 1, "", ""},
		{"secrets to everyone", "rbac-secrets", withRBAC(clusterRole("s", `[{"verbs":["list"],"apiGroups":[""],"resources":["secrets"]}]`, ""),
			crb("s", "s", `[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:authenticated"}]`)), 1, 1, "system:authenticated can get, list or watch Secrets cluster-wide", ""},
		{"secrets to a controller", "rbac-secrets", withRBAC(clusterRole("s", `[{"verbs":["get"],"apiGroups":[""],"resources":["secrets"]}]`, ""),
			crb("s", "s", `[{"kind":"ServiceAccount","name":"c","namespace":"kube-system"}]`)), 0, 2, "", ""},
		{"pods create in a namespace", "rbac-pod-create", withRBAC(clusterRole("e", `[{"verbs":["create"],"apiGroups":[""],"resources":["pods"]}]`, ""),
			rb("a", "e", "ClusterRole", "e", user)), 1, 1, "in namespace a", ""},
		{"deployments create", "rbac-pod-create", withRBAC(clusterRole("e", `[{"verbs":["create"],"apiGroups":["apps"],"resources":["deployments"]}]`, ""),
			crb("e", "e", user)), 1, 1, "workloads", ""},
		{"impersonate", "rbac-bind-escalate-impersonate", withRBAC(clusterRole("i", `[{"verbs":["impersonate"],"apiGroups":[""],"resources":["users"]}]`, ""),
			crb("i", "i", user)), 1, 1, "impersonate", ""},
		{"PV create through a RoleBinding grants nothing", "rbac-pv-create", withRBAC(clusterRole("pv", `[{"verbs":["create"],"apiGroups":[""],"resources":["persistentvolumes"]}]`, ""),
			rb("a", "pv", "ClusterRole", "pv", user)), 0, 1, "", ""},
		{"PV create", "rbac-pv-create", withRBAC(clusterRole("pv", `[{"verbs":["create"],"apiGroups":[""],"resources":["persistentvolumes"]}]`, ""),
			crb("pv", "pv", user)), 1, 1, "PersistentVolumes", ""},
		{"nodes/proxy", "rbac-node-proxy", withRBAC(clusterRole("np", `[{"verbs":["get"],"apiGroups":[""],"resources":["nodes/proxy"]}]`, ""), crb("np", "np", user)), 1, 1, "nodes/proxy", ""},
		{"nodes only", "rbac-node-proxy", withRBAC(clusterRole("np", `[{"verbs":["get"],"apiGroups":[""],"resources":["nodes"]}]`, ""), crb("np", "np", user)), 0, 1, "", ""},
		{"CSR approval", "rbac-csr-approve", withRBAC(clusterRole("c", `[{"verbs":["update"],"apiGroups":["certificates.k8s.io"],"resources":["certificatesigningrequests/approval"]}]`, ""), crb("c", "c", user)), 1, 1, "approve", ""},
		{"webhooks", "rbac-webhooks", withRBAC(clusterRole("w", `[{"verbs":["patch"],"apiGroups":["admissionregistration.k8s.io"],"resources":["mutatingwebhookconfigurations"]}]`, ""), crb("w", "w", user)), 1, 1, "webhook", ""},
		{"tokens", "rbac-token-create", withRBAC(clusterRole("t", `[{"verbs":["create"],"apiGroups":[""],"resources":["serviceaccounts/token"]}]`, ""), rb("a", "t", "ClusterRole", "t", user)), 1, 1, "tokens in namespace a", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := snapshotOf(t, tt.objects...)
			r, err := s.EvaluateRule(tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			counted := r.Counted()
			if len(counted) != tt.counted || len(r.Findings)-len(counted) != tt.excluded {
				t.Fatalf("%d counted and %d excluded findings, want %d and %d: %+v", len(counted), len(r.Findings)-len(counted), tt.counted, tt.excluded, r.Findings)
			}
			if !strings.Contains(r.Unknown, tt.unknown) || tt.unknown == "" && r.Unknown != "" {
				t.Errorf("unknown %q, want %q", r.Unknown, tt.unknown)
			}
			if len(r.Examined) == 0 {
				t.Error("nothing examined is cited")
			}
			if tt.counted > 0 {
				f := counted[0]
				if got := f.Object.Ref() + " " + f.Field + " " + f.Observed; !strings.Contains(got, tt.want) {
					t.Errorf("first finding %q, want %q in it", got, tt.want)
				}
				c := s.Cite(f)
				if !strings.HasPrefix(c.Member, "api/") || c.MemberSHA256 == "" || !strings.Contains(c.Locator, f.Object.Ref()) {
					t.Errorf("citation %+v", c)
				}
			}
		})
	}
}

// TestSnapshotReading: the snapshot's name defaults to the file's, the
// version comes from kubectl version or else the API server's pod, the
// node names from the pods, and the examined counts are what was read.
func TestSnapshotReading(t *testing.T) {
	in := `{"apiVersion":"v1","kind":"List","items":[` + strings.Join([]string{
		pod("kube-system", "kube-apiserver-cp1", `{"nodeName":"cp1","containers":[{"name":"kube-apiserver","image":"registry.k8s.io/kube-apiserver:v1.31.2"}]}`),
		pod("kube-system", "etcd-cp1", `{"nodeName":"cp1","containers":[{"name":"etcd","image":"registry.k8s.io/etcd:3.5.15-0"}]}`),
		pod("a", "w", `{"nodeName":"w1","containers":[{"name":"c","image":"x"}]}`),
		sa("a", "default", "false"), sa("b", "default", "false"), sa("b", "app", ""),
		pod("c", "odd", `{"containers":[{"name":"c","image":"x","securityContext":{"runAsUser":"1000"}}]}`),
	}, ",") + `]}`
	res, err := collector.Snapshot([]collector.SnapshotInput{{Name: "o.json", R: strings.NewReader(in)}}, collector.SnapshotOptions{Time: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Read(bytes.NewReader(res.Bundle), bundle.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := evidence.NewSnapshot("/tmp/prod-az1.kpb", b)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "prod-az1" {
		t.Errorf("name %q", s.Name)
	}
	v, ok := s.KubernetesVersion()
	if !ok || v.Version != "v1.31.2" || !strings.Contains(v.From, "Pod kube-system/kube-apiserver-cp1") {
		t.Errorf("version %+v %v", v, ok)
	}
	if got := s.NodeNames(); len(got) != 2 || !got["cp1"] || !got["w1"] {
		t.Errorf("node names %v", got)
	}
	r, _ := s.EvaluateRule("default-service-account")
	if len(r.Examined) != 1 || r.Examined[0].Observed != "2 default ServiceAccount objects" || len(r.Findings) != 0 ||
		r.Examined[0].Member != "api/serviceaccounts.json" {
		t.Errorf("%+v", r)
	}
	// A pod whose spec does not decode (a string where a number goes) is
	// unreadable: the pod rules cannot pass on it.
	if len(s.Unreadable) != 1 || s.Unreadable[0].Ref() != "Pod c/odd" {
		t.Errorf("unreadable %v", s.Unreadable)
	}
	if r, _ := s.EvaluateRule("pod-privileged"); !strings.Contains(r.Unknown, "1 Pod objects could not be read (Pod c/odd)") {
		t.Errorf("unknown %q", r.Unknown)
	}
	pods := s.Objects("Pod")
	if c := s.Citation(pods[0], "", "x"); c.Locator != "items[0] Pod a/w" || c.Member != "api/pods.json" || c.MemberSHA256 == "" {
		t.Errorf("citation %+v", c)
	}
}
