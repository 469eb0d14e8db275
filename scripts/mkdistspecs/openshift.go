package main

// Red Hat OpenShift Container Platform 4.16 (Kubernetes v1.29.10 as
// OpenShift builds it): a control plane node and a worker of one cluster,
// on Red Hat Enterprise Linux CoreOS, CRI-O, OVN-Kubernetes. The layout
// follows the operators that write it (fixtures/specs/ocp-master/README.md
// cites each): the static pod installer of openshift/library-go writes
// every revision of a control plane pod, with its configuration maps and
// secrets, under /etc/kubernetes/static-pod-resources/<pod>-<revision>
// (files 0600 since 2023, directories 0755) and the pod itself into
// /etc/kubernetes/manifests; the certificate syncers keep
// <component>-certs (configuration maps 0644, secrets 0600); the Machine
// Config Operator writes the kubelet's unit, /etc/kubernetes/kubelet.conf
// and /etc/kubernetes/kubeconfig. Pods and configurations are compact JSON
// with sorted keys, as the operators marshal them.

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kubeproof/kubeproof/internal/goelf"
)

const (
	ocpRelease  = "4.16.21"
	ocpMasterIP = "10.50.0.10"
	ocpWorkerIP = "10.50.0.21"
	ocpMaster   = "ocp-master-0"
	ocpWorker   = "ocp-worker-0"
	ocpDomain   = "ocp4.example.internal"
	spr         = "/etc/kubernetes/static-pod-resources"
	// The revisions of the control plane pods on the master.
	kasRev, kcmRev, ksRev, etcdRev = "9", "6", "7", "4"
)

// ocpKube is the Kubernetes version of OpenShift's build: the release and
// the commit of openshift/kubernetes it was built from (illustrative).
var ocpKube = "v1.29.10+" + hexFiller("ocp-kube-commit", 7)

var ocpAt = time.Date(2026, 8, 11, 9, 14, 27, 0, time.UTC)

// ocpImage is a release image by digest, as OpenShift pins them: no tag,
// so no version in it.
func ocpImage(name string) string {
	return "quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:" + hexFiller("ocp-image-"+name, 64)
}

// ocpPKI is the cluster's signers. The operators make RSA 2048 keys; these
// are ECDSA P-256, which are quick to make: only the certificates'
// metadata matters to the checks.
type ocpPKI struct {
	kubeletSigner, controlPlaneSigner, serviceNetworkSigner, localhostSigner, lbSigner, aggregatorSigner,
	kubeletServingCA, etcdSigner, etcdMetricsSigner, serviceCA, adminKubeconfigSigner *authority
}

func ocpCA(name, cn string, years int) *authority {
	return issue(certReq{cn: cn, org: []string{"openshift"}, ca: true, notAfter: ocpAt.Add(time.Duration(years) * year), key: ecKey("ocp:" + name)}, nil, ocpAt)
}

var (
	ocpPKIOnce sync.Once
	ocpPKIs    *ocpPKI
)

// newOCPPKI returns the cluster's signers, made once for both nodes.
func newOCPPKI() *ocpPKI {
	ocpPKIOnce.Do(func() { ocpPKIs = makeOCPPKI() })
	return ocpPKIs
}

func makeOCPPKI() *ocpPKI {
	ts := fmt.Sprint(ocpAt.Unix())
	return &ocpPKI{
		kubeletSigner:         ocpCA("kube-apiserver-to-kubelet-signer", "kube-apiserver-to-kubelet-signer", 1),
		controlPlaneSigner:    ocpCA("kube-control-plane-signer", "kube-control-plane-signer", 1),
		serviceNetworkSigner:  ocpCA("service-network-serving-signer", "kube-apiserver-service-network-signer", 10),
		localhostSigner:       ocpCA("localhost-serving-signer", "kube-apiserver-localhost-signer", 10),
		lbSigner:              ocpCA("loadbalancer-serving-signer", "kube-apiserver-lb-signer", 10),
		aggregatorSigner:      ocpCA("aggregator-client-signer", "openshift-kube-apiserver-operator_aggregator-client-signer@"+ts, 1),
		kubeletServingCA:      ocpCA("csr-signer", "openshift-kube-controller-manager-operator_csr-signer-signer@"+ts, 1),
		etcdSigner:            ocpCA("etcd-signer", "etcd-signer", 10),
		etcdMetricsSigner:     ocpCA("etcd-metric-signer", "etcd-metric-signer", 10),
		serviceCA:             ocpCA("service-serving-signer", "openshift-service-serving-signer@"+ts, 2),
		adminKubeconfigSigner: ocpCA("admin-kubeconfig-signer", "admin-kubeconfig-signer", 10),
	}
}

// leaf issues a certificate (ECDSA P-256, see ocpPKI) and returns its PEM.
func (p *ocpPKI) leaf(parent *authority, seed, cn string, org, dns, ips []string, server, client bool) string {
	return issue(certReq{cn: cn, org: org, dns: dns, ips: ips, server: server, client: client, notAfter: ocpAt.Add(year), key: ecKey("ocp:" + seed)}, parent, ocpAt.Add(time.Hour)).pem()
}

// tls writes a secret's tls.crt and tls.key (0600, as both the installer
// and the certificate syncer write secrets).
func (s *spec) tls(dir, cert, canary string) {
	s.file(dir+"/tls.crt", "0600", cert)
	s.key(dir+"/tls.key", "RSA PRIVATE KEY", canary)
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b) + "\n"
}

type obj = map[string]any

// staticPodJSON is a control plane pod as the installer writes it:
// containers with their mounts, and hostPath volumes (the revision
// directory at /etc/kubernetes/static-pod-resources, the certificate
// directory at /etc/kubernetes/static-pod-certs, and more).
func staticPodJSON(name, ns, app, rev string, containers []obj, volumes []obj) string {
	return compactJSON(obj{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": obj{"name": name, "namespace": ns, "creationTimestamp": nil,
			"labels":      obj{"app": app, "revision": rev},
			"annotations": obj{"kubectl.kubernetes.io/default-container": containers[0]["name"], "target.workload.openshift.io/management": `{"effect": "PreferredDuringScheduling"}`}},
		"spec": obj{"containers": containers, "volumes": volumes, "hostNetwork": true, "priorityClassName": "system-node-critical",
			"tolerations": []obj{{"operator": "Exists"}}},
		"status": obj{},
	})
}

func mounts(pairs ...string) []obj {
	var out []obj
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, obj{"mountPath": pairs[i], "name": pairs[i+1]})
	}
	return out
}

func hostVolumes(pairs ...string) []obj {
	var out []obj
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, obj{"name": pairs[i], "hostPath": obj{"path": pairs[i+1]}})
	}
	return out
}

// shellContainer is a container whose command is a bash script that ends
// by exec-ing the component (the operators' pod templates).
func shellContainer(name, image, script string, ms []obj, env []obj) obj {
	c := obj{"name": name, "image": image, "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "FallbackToLogsOnError",
		"command": []string{"/bin/bash", "-ec"}, "args": []string{script}, "volumeMounts": ms,
		"resources": obj{"requests": obj{"cpu": "60m", "memory": "200Mi"}}}
	if env != nil {
		c["env"] = env
	}
	return c
}

var ocpFeatureGates = []string{"AdminNetworkPolicy=true", "AlibabaPlatform=true", "APIPriorityAndFairness=true", "AzureWorkloadIdentity=true",
	"BuildCSIVolumes=true", "CloudDualStackNodeIPs=true", "DisableKubeletCloudCredentialProviders=true", "ExternalCloudProviderAzure=true",
	"ExternalCloudProviderExternal=true", "ExternalCloudProviderGCP=true", "HardwareSpeed=true", "KMSv1=true", "MetricsServer=true",
	"NetworkDiagnosticsConfig=true", "NetworkLiveMigration=true", "PrivateHostedZoneAWS=true", "RotateKubeletServerCertificate=true",
	"VSphereControlPlaneMachineSet=true", "VSphereDriverConfiguration=true", "VSphereStaticIPs=true", "ValidatingAdmissionPolicy=true",
	"CloudProvider=false", "DynamicResourceAllocation=false", "GatewayAPI=false", "NodeSwap=false", "UserNamespacesSupport=false"}

// ocpCipherSuites are the Intermediate TLS profile's, OpenShift's default.
var ocpCipherSuites = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}

// kasConfig is the API server's KubeAPIServerConfig of revision kasRev:
// the operator's defaults, what it observed of the cluster, and one
// unsupported override (min-request-timeout, deviation 1).
func kasConfig() string {
	a := map[string][]string{
		"allow-privileged":                         {"true"},
		"anonymous-auth":                           {"true"},
		"api-audiences":                            {"https://kubernetes.default.svc"},
		"audit-log-format":                         {"json"},
		"audit-log-maxbackup":                      {"10"},
		"audit-log-maxsize":                        {"100"},
		"audit-log-path":                           {"/var/log/kube-apiserver/audit.log"},
		"audit-policy-file":                        {"/etc/kubernetes/static-pod-resources/configmaps/kube-apiserver-audit-policies/policy.yaml"},
		"authentication-token-webhook-config-file": {"/etc/kubernetes/static-pod-resources/secrets/webhook-authenticator/kubeConfig"},
		"authentication-token-webhook-version":     {"v1"},
		"authorization-mode":                       {"Scope", "SystemMasters", "RBAC", "Node"},
		"client-ca-file":                           {"/etc/kubernetes/static-pod-certs/configmaps/client-ca/ca-bundle.crt"},
		"enable-admission-plugins": {"CertificateApproval", "CertificateSigning", "CertificateSubjectRestriction", "DefaultIngressClass",
			"DefaultStorageClass", "DefaultTolerationSeconds", "LimitRanger", "MutatingAdmissionWebhook", "NamespaceLifecycle",
			"NodeRestriction", "OwnerReferencesPermissionEnforcement", "PersistentVolumeClaimResize", "PodNodeSelector",
			"PodTolerationRestriction", "Priority", "ResourceQuota", "RuntimeClass", "ServiceAccount", "StorageObjectInUseProtection",
			"TaintNodesByCondition", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "authorization.openshift.io/RestrictSubjectBindings",
			"authorization.openshift.io/ValidateRoleBindingRestriction", "config.openshift.io/DenyDeleteClusterConfiguration",
			"config.openshift.io/ValidateAPIServer", "config.openshift.io/ValidateAuthentication", "config.openshift.io/ValidateConsole",
			"config.openshift.io/ValidateFeatureGate", "config.openshift.io/ValidateImage", "config.openshift.io/ValidateOAuth",
			"config.openshift.io/ValidateProject", "config.openshift.io/ValidateScheduler", "image.openshift.io/ImagePolicy",
			"network.openshift.io/ExternalIPRanger", "network.openshift.io/RestrictedEndpointsAdmission", "quota.openshift.io/ClusterResourceQuota",
			"quota.openshift.io/ValidateClusterResourceQuota", "route.openshift.io/IngressAdmission", "scheduling.openshift.io/OriginPodNodeEnvironment",
			"security.openshift.io/DefaultSecurityContextConstraints", "security.openshift.io/SCCExecRestrictions",
			"security.openshift.io/SecurityContextConstraint", "security.openshift.io/ValidateSecurityContextConstraints",
			"storage.openshift.io/CSIInlineVolumeSecurity"},
		"enable-aggregator-routing":        {"true"},
		"enable-logs-handler":              {"false"},
		"encryption-provider-config":       {"/etc/kubernetes/static-pod-resources/secrets/encryption-config/encryption-config"},
		"endpoint-reconciler-type":         {"lease"},
		"etcd-cafile":                      {"/etc/kubernetes/static-pod-resources/configmaps/etcd-serving-ca/ca-bundle.crt"},
		"etcd-certfile":                    {"/etc/kubernetes/static-pod-resources/secrets/etcd-client/tls.crt"},
		"etcd-keyfile":                     {"/etc/kubernetes/static-pod-resources/secrets/etcd-client/tls.key"},
		"etcd-prefix":                      {"kubernetes.io"},
		"etcd-servers":                     {"https://10.50.0.10:2379", "https://10.50.0.11:2379", "https://10.50.0.12:2379", "https://localhost:2379"},
		"event-ttl":                        {"3h"},
		"feature-gates":                    ocpFeatureGates,
		"goaway-chance":                    {"0"},
		"http2-max-streams-per-connection": {"2000"},
		"kubelet-certificate-authority":    {"/etc/kubernetes/static-pod-resources/configmaps/kubelet-serving-ca/ca-bundle.crt"},
		"kubelet-client-certificate":       {"/etc/kubernetes/static-pod-certs/secrets/kubelet-client/tls.crt"},
		"kubelet-client-key":               {"/etc/kubernetes/static-pod-certs/secrets/kubelet-client/tls.key"},
		"kubelet-preferred-address-types":  {"InternalIP"},
		"kubelet-read-only-port":           {"0"},
		"kubernetes-service-node-port":     {"0"},
		"max-mutating-requests-inflight":   {"1000"},
		"max-requests-inflight":            {"3000"},
		// Deviation 1: spec.unsupportedConfigOverrides of kubeapiserver/cluster
		// lowers the operator's 3600.
		"min-request-timeout":                   {"1800"},
		"proxy-client-cert-file":                {"/etc/kubernetes/static-pod-certs/secrets/aggregator-client/tls.crt"},
		"proxy-client-key-file":                 {"/etc/kubernetes/static-pod-certs/secrets/aggregator-client/tls.key"},
		"requestheader-allowed-names":           {"kube-apiserver-proxy", "system:kube-apiserver-proxy", "system:openshift-aggregator"},
		"requestheader-client-ca-file":          {"/etc/kubernetes/static-pod-certs/configmaps/aggregator-client-ca/ca-bundle.crt"},
		"requestheader-extra-headers-prefix":    {"X-Remote-Extra-"},
		"requestheader-group-headers":           {"X-Remote-Group"},
		"requestheader-username-headers":        {"X-Remote-User"},
		"send-retry-after-while-not-ready-once": {"true"},
		"service-account-issuer":                {"https://kubernetes.default.svc"},
		"service-account-jwks-uri":              {"https://api-int." + ocpDomain + ":6443/openid/v1/jwks"},
		"service-account-lookup":                {"true"},
		"service-account-signing-key-file":      {"/etc/kubernetes/static-pod-certs/secrets/bound-service-account-signing-key/service-account.key"},
		"service-node-port-range":               {"30000-32767"},
		"shutdown-delay-duration":               {"70s"},
		"shutdown-send-retry-after":             {"true"},
		"storage-backend":                       {"etcd3"},
		"storage-media-type":                    {"application/vnd.kubernetes.protobuf"},
		"strict-transport-security-directives":  {"max-age=31536000,includeSubDomains,preload"},
		"tls-cert-file":                         {"/etc/kubernetes/static-pod-certs/secrets/service-network-serving-certkey/tls.crt"},
		"tls-private-key-file":                  {"/etc/kubernetes/static-pod-certs/secrets/service-network-serving-certkey/tls.key"},
	}
	named := func(dir string, names ...string) obj {
		return obj{"certFile": "/etc/kubernetes/static-pod-certs/secrets/" + dir + "/tls.crt", "keyFile": "/etc/kubernetes/static-pod-certs/secrets/" + dir + "/tls.key", "names": names}
	}
	return compactJSON(obj{
		"apiVersion": "kubecontrolplane.config.openshift.io/v1", "kind": "KubeAPIServerConfig",
		"admission": obj{"pluginConfig": obj{
			"network.openshift.io/ExternalIPRanger":             obj{"configuration": obj{"allowIngressIP": false, "apiVersion": "network.openshift.io/v1", "externalIPNetworkCIDRs": nil, "kind": "ExternalIPRangerAdmissionConfig"}, "location": ""},
			"network.openshift.io/RestrictedEndpointsAdmission": obj{"configuration": obj{"apiVersion": "network.openshift.io/v1", "kind": "RestrictedEndpointsAdmissionConfig", "restrictedCIDRs": []string{"10.128.0.0/14", "172.30.0.0/16"}}},
		}},
		"apiServerArguments": a,
		"authConfig": obj{"oauthMetadataFile": "/etc/kubernetes/static-pod-resources/configmaps/oauth-metadata/oauthMetadata",
			"requestHeader": obj{"clientCA": "/etc/kubernetes/static-pod-certs/configmaps/aggregator-client-ca/ca-bundle.crt"}},
		"consolePublicURL":            "",
		"corsAllowedOrigins":          []string{`//127\.0\.0\.1(:|$)`, "//localhost(:|$)"},
		"gracefulTerminationDuration": "135",
		"imagePolicyConfig":           obj{"internalRegistryHostname": "image-registry.openshift-image-registry.svc:5000"},
		"projectConfig":               obj{"defaultNodeSelector": ""},
		"serviceAccountPublicKeyFiles": []string{"/etc/kubernetes/static-pod-resources/configmaps/sa-token-signing-certs",
			"/etc/kubernetes/static-pod-resources/configmaps/bound-sa-token-signing-certs"},
		"servicesSubnet": "172.30.0.0/16",
		"servingInfo": obj{"bindAddress": "0.0.0.0:6443", "bindNetwork": "tcp4", "cipherSuites": ocpCipherSuites, "minTLSVersion": "VersionTLS12",
			"namedCertificates": []obj{
				named("localhost-serving-cert-certkey", "localhost", "127.0.0.1"),
				named("service-network-serving-certkey", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "openshift", "openshift.default", "openshift.default.svc", "openshift.default.svc.cluster.local", "172.30.0.1"),
				named("external-loadbalancer-serving-certkey", "api."+ocpDomain),
				named("internal-loadbalancer-serving-certkey", "api-int."+ocpDomain),
			}},
	})
}

// kasPod is the API server's static pod (cluster-kube-apiserver-operator's
// bindata/assets/kube-apiserver/pod.yaml, rendered for revision kasRev).
func kasPod() string {
	script := `LOCK=/var/log/kube-apiserver/.lock
# We should be able to acquire the lock immediatelly. If not, it means the init container has not released it yet and kubelet or CRI-O started container prematurely.
exec {LOCK_FD}>${LOCK} && flock --verbose -w 30 "${LOCK_FD}" || {
  echo "Failed to acquire lock for kube-apiserver. Please check setup container for details. This is likely kubelet or CRI-O bug."
  exit 1
}
if [ -f /etc/kubernetes/static-pod-certs/configmaps/trusted-ca-bundle/ca-bundle.crt ]; then
  echo "Copying system trust bundle ..."
  cp -f /etc/kubernetes/static-pod-certs/configmaps/trusted-ca-bundle/ca-bundle.crt /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem
fi

exec watch-termination --termination-touch-file=/var/log/kube-apiserver/.terminating --termination-log-file=/var/log/kube-apiserver/termination.log --graceful-termination-duration=135s --kubeconfig=/etc/kubernetes/static-pod-resources/configmaps/kube-apiserver-cert-syncer-kubeconfig/kubeconfig -- hyperkube kube-apiserver --openshift-config=/etc/kubernetes/static-pod-resources/configmaps/config/config.yaml --advertise-address=${HOST_IP} -v=2 --permit-address-sharing
`
	ms := mounts("/etc/kubernetes/static-pod-resources", "resource-dir", "/etc/kubernetes/static-pod-certs", "cert-dir", "/var/log/kube-apiserver", "audit-dir")
	env := []obj{{"name": "STATIC_POD_VERSION", "value": kasRev}, {"name": "HOST_IP", "valueFrom": obj{"fieldRef": obj{"fieldPath": "status.hostIP"}}}}
	c := shellContainer("kube-apiserver", ocpImage("hyperkube"), script, ms, env)
	c["ports"] = []obj{{"containerPort": 6443}}
	c["securityContext"] = obj{"privileged": true}
	syncer := obj{"name": "kube-apiserver-cert-syncer", "image": ocpImage("cluster-kube-apiserver-operator"), "command": []string{"cluster-kube-apiserver-operator", "cert-syncer"},
		"args":         []string{"--kubeconfig=/etc/kubernetes/static-pod-resources/configmaps/kube-apiserver-cert-syncer-kubeconfig/kubeconfig", "--namespace=$(POD_NAMESPACE)", "--destination-dir=/etc/kubernetes/static-pod-certs"},
		"volumeMounts": mounts("/etc/kubernetes/static-pod-resources", "resource-dir", "/etc/kubernetes/static-pod-certs", "cert-dir")}
	return staticPodJSON("kube-apiserver", "openshift-kube-apiserver", "openshift-kube-apiserver", kasRev, []obj{c, syncer},
		hostVolumes("resource-dir", spr+"/kube-apiserver-pod-"+kasRev, "cert-dir", spr+"/kube-apiserver-certs", "audit-dir", "/var/log/kube-apiserver"))
}

var kcmCommand = []string{
	"--openshift-config=/etc/kubernetes/static-pod-resources/configmaps/config/config.yaml",
	"--kubeconfig=/etc/kubernetes/static-pod-resources/configmaps/controller-manager-kubeconfig/kubeconfig",
	"--authentication-kubeconfig=/etc/kubernetes/static-pod-resources/configmaps/controller-manager-kubeconfig/kubeconfig",
	"--authorization-kubeconfig=/etc/kubernetes/static-pod-resources/configmaps/controller-manager-kubeconfig/kubeconfig",
	"--client-ca-file=/etc/kubernetes/static-pod-certs/configmaps/client-ca/ca-bundle.crt",
	"--requestheader-client-ca-file=/etc/kubernetes/static-pod-certs/configmaps/aggregator-client-ca/ca-bundle.crt",
}

// kcmExtended are the extendedArguments of the controller manager's
// KubeControllerManagerConfig; the operator writes them, sorted, onto its
// command line (GetKubeControllerManagerArgs).
var kcmExtended = map[string][]string{
	"allocate-node-cidrs":              {"false"},
	"cert-dir":                         {"/var/run/kubernetes"},
	"cluster-cidr":                     {"10.128.0.0/14"},
	"cluster-name":                     {"ocp4-" + hexFiller("ocp-infra-id", 5)},
	"cluster-signing-cert-file":        {"/etc/kubernetes/static-pod-certs/secrets/csr-signer/tls.crt"},
	"cluster-signing-duration":         {"720h"},
	"cluster-signing-key-file":         {"/etc/kubernetes/static-pod-certs/secrets/csr-signer/tls.key"},
	"configure-cloud-routes":           {"false"},
	"controllers":                      {"*", "-bootstrapsigner", "-tokencleaner", "-ttl", "selinux-warning-controller"},
	"enable-dynamic-provisioning":      {"true"},
	"feature-gates":                    ocpFeatureGates,
	"flex-volume-plugin-dir":           {"/etc/kubernetes/kubelet-plugins/volume/exec"},
	"kube-api-burst":                   {"300"},
	"kube-api-qps":                     {"150"},
	"leader-elect":                     {"true"},
	"leader-elect-renew-deadline":      {"12s"},
	"leader-elect-resource-lock":       {"leases"},
	"leader-elect-retry-period":        {"3s"},
	"root-ca-file":                     {"/etc/kubernetes/static-pod-resources/configmaps/serviceaccount-ca/ca-bundle.crt"},
	"secure-port":                      {"10257"},
	"service-account-private-key-file": {"/etc/kubernetes/static-pod-resources/secrets/service-account-private-key/service-account.key"},
	"service-cluster-ip-range":         {"172.30.0.0/16"},
	"use-service-account-credentials":  {"true"},
}

// kcmArgs is the controller manager's command line: the template's
// flags, then the extended arguments sorted, then the serving and TLS
// flags the operator observed.
func kcmArgs() []string {
	args := append([]string{}, kcmCommand...)
	var ext []string
	for k, vs := range kcmExtended {
		for _, v := range vs {
			ext = append(ext, "--"+k+"="+v)
		}
	}
	sort.Strings(ext)
	args = append(args, ext...)
	args = append(args, "-v=2",
		"--tls-cert-file=/etc/kubernetes/static-pod-resources/secrets/serving-cert/tls.crt",
		"--tls-private-key-file=/etc/kubernetes/static-pod-resources/secrets/serving-cert/tls.key",
		"--tls-cipher-suites="+strings.Join(ocpCipherSuites[3:], ","), "--tls-min-version=VersionTLS12")
	return args
}

func kcmPod() string {
	script := "timeout 3m /bin/bash -exuo pipefail -c 'while [ -n \"$(ss -Htanop \\( sport = 10257 \\))\" ]; do sleep 1; done'\n\n" +
		"exec hyperkube kube-controller-manager " + strings.Join(kcmArgs(), " \\\n  ") + "\n"
	ms := mounts("/etc/kubernetes/static-pod-resources", "resource-dir", "/etc/kubernetes/static-pod-certs", "cert-dir")
	c := shellContainer("kube-controller-manager", ocpImage("hyperkube"), script, ms, nil)
	c["ports"] = []obj{{"containerPort": 10257}}
	return staticPodJSON("kube-controller-manager", "openshift-kube-controller-manager", "kube-controller-manager", kcmRev, []obj{c},
		hostVolumes("resource-dir", spr+"/kube-controller-manager-pod-"+kcmRev, "cert-dir", spr+"/kube-controller-manager-certs"))
}

var ksArgs = []string{
	"--config=/etc/kubernetes/static-pod-resources/configmaps/config/config.yaml",
	"--cert-dir=/var/run/kubernetes",
	"--authentication-kubeconfig=/etc/kubernetes/static-pod-resources/configmaps/scheduler-kubeconfig/kubeconfig",
	"--authorization-kubeconfig=/etc/kubernetes/static-pod-resources/configmaps/scheduler-kubeconfig/kubeconfig",
	"--feature-gates=" + strings.Join(ocpFeatureGates, ","),
	"-v=2",
	"--tls-cert-file=/etc/kubernetes/static-pod-resources/secrets/serving-cert/tls.crt",
	"--tls-private-key-file=/etc/kubernetes/static-pod-resources/secrets/serving-cert/tls.key",
	"--tls-cipher-suites=" + strings.Join(ocpCipherSuites[3:], ","),
	"--tls-min-version=VersionTLS12",
}

func ksPod() string {
	c := obj{"name": "kube-scheduler", "image": ocpImage("hyperkube"), "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "FallbackToLogsOnError",
		"command": []string{"hyperkube", "kube-scheduler"}, "args": ksArgs, "ports": []obj{{"containerPort": 10259}},
		"volumeMounts": mounts("/etc/kubernetes/static-pod-resources", "resource-dir", "/etc/kubernetes/static-pod-certs", "cert-dir"),
		"resources":    obj{"requests": obj{"cpu": "15m", "memory": "50Mi"}}}
	return staticPodJSON("openshift-kube-scheduler", "openshift-kube-scheduler", "openshift-kube-scheduler", ksRev, []obj{c},
		hostVolumes("resource-dir", spr+"/kube-scheduler-pod-"+ksRev, "cert-dir", spr+"/kube-scheduler-certs"))
}

func etcdArgs(node, ip string) []string {
	certs := "/etc/kubernetes/static-pod-certs/secrets/etcd-all-certs/"
	bundle := "/etc/kubernetes/static-pod-certs/configmaps/etcd-all-bundles/server-ca-bundle.crt"
	return []string{"--logger=zap", "--log-level=info", "--experimental-initial-corrupt-check=true", "--snapshot-count=10000",
		"--initial-advertise-peer-urls=https://" + ip + ":2380",
		"--cert-file=" + certs + "etcd-serving-" + node + ".crt", "--key-file=" + certs + "etcd-serving-" + node + ".key",
		"--trusted-ca-file=" + bundle, "--client-cert-auth=true",
		"--peer-cert-file=" + certs + "etcd-peer-" + node + ".crt", "--peer-key-file=" + certs + "etcd-peer-" + node + ".key",
		"--peer-trusted-ca-file=" + bundle, "--peer-client-cert-auth=true",
		"--advertise-client-urls=https://" + ip + ":2379", "--listen-client-urls=https://0.0.0.0:2379,unixs://" + ip + ":0",
		"--listen-peer-urls=https://0.0.0.0:2380", "--metrics=extensive", "--listen-metrics-urls=https://0.0.0.0:9978"}
}

// etcdEnv is the etcd container's environment that the etcd operator
// renders (pkg/etcdenvvar): the ETCD_* settings etcd reads.
var etcdEnv = [][2]string{
	{"ETCD_DATA_DIR", "/var/lib/etcd"},
	{"ETCD_ELECTION_TIMEOUT", "1000"},
	{"ETCD_ENABLE_PPROF", "true"},
	{"ETCD_EXPERIMENTAL_MAX_LEARNERS", "3"},
	{"ETCD_EXPERIMENTAL_WARNING_APPLY_DURATION", "200ms"},
	{"ETCD_EXPERIMENTAL_WATCH_PROGRESS_NOTIFY_INTERVAL", "5s"},
	{"ETCD_HEARTBEAT_INTERVAL", "100"},
	{"ETCD_INITIAL_CLUSTER_STATE", "existing"},
	{"ETCD_QUOTA_BACKEND_BYTES", "8589934592"},
	{"ETCD_SOCKET_REUSE_ADDRESS", "true"},
}

func etcdPod(node, ip string) string {
	var env []obj
	for _, e := range etcdEnv {
		env = append(env, obj{"name": e[0], "value": e[1]})
	}
	env = append(env, obj{"name": "ETCD_STATIC_POD_VERSION", "value": etcdRev})
	script := "set -euo pipefail\n\netcdctl member list || true\n\nexport ETCD_NAME=${NODE_" + strings.ReplaceAll(node, "-", "_") + "_ETCD_NAME}\nenv | grep ETCD | grep -v NODE\n\nset -x\nexec nice -n -19 ionice -c2 -n0 etcd " +
		strings.Join(etcdArgs(node, ip), " \\\n  ") + "\n"
	ms := mounts("/etc/kubernetes/manifests", "static-pod-dir", "/etc/kubernetes/static-pod-resources", "resource-dir", "/etc/kubernetes/static-pod-certs", "cert-dir", "/var/lib/etcd/", "data-dir")
	c := shellContainer("etcd", ocpImage("etcd"), script, ms, env)
	c["command"] = []string{"/bin/sh", "-c"}
	c["securityContext"] = obj{"privileged": true}
	return staticPodJSON("etcd", "openshift-etcd", "etcd", etcdRev, []obj{c},
		hostVolumes("static-pod-dir", "/etc/kubernetes/manifests", "resource-dir", spr+"/etcd-pod-"+etcdRev, "cert-dir", spr+"/etcd-certs", "data-dir", "/var/lib/etcd"))
}

// kubeconfigFile is a kubeconfig that names its client pair by path (the
// control plane components' configuration maps).
func kubeconfigFile(server, ca, cert, key string) string {
	return fmt.Sprintf(`apiVersion: v1
clusters:
  - cluster:
      certificate-authority: %s
      server: %s
    name: loopback
contexts:
  - context:
      cluster: loopback
      user: user
    name: user
current-context: user
kind: Config
preferences: {}
users:
  - name: user
    user:
      client-certificate: %s
      client-key: %s
`, ca, server, cert, key)
}

var rhcosRelease = `NAME="Red Hat Enterprise Linux CoreOS"
ID="rhcos"
ID_LIKE="rhel fedora"
VERSION="416.94.202410211619-0"
VERSION_ID="4.16"
VARIANT="CoreOS"
VARIANT_ID=coreos
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux CoreOS 416.94.202410211619-0"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::coreos"
HOME_URL="https://www.redhat.com/"
DOCUMENTATION_URL="https://docs.openshift.com/container-platform/4.16/"
BUG_REPORT_URL="https://issues.redhat.com/"
REDHAT_BUGZILLA_PRODUCT="OpenShift Container Platform"
REDHAT_BUGZILLA_PRODUCT_VERSION="4.16"
REDHAT_SUPPORT_PRODUCT="OpenShift Container Platform"
REDHAT_SUPPORT_PRODUCT_VERSION="4.16"
OPENSHIFT_VERSION="4.16"
RHEL_VERSION="9.4"
OSTREE_VERSION="416.94.202410211619-0"
`

// kubeletUnit is the Machine Config Operator's kubelet.service
// (templates/<role>/01-<role>-kubelet/_base/units/kubelet.service.yaml),
// as rendered for OpenShift 4.16.
func kubeletUnit(role string) string {
	labels := "node-role.kubernetes.io/worker,node.openshift.io/os_id=${ID}"
	taints := ""
	if role == "master" {
		labels = "node-role.kubernetes.io/control-plane,node-role.kubernetes.io/master,node.openshift.io/os_id=${ID}"
		taints = "        --register-with-taints=node-role.kubernetes.io/master=:NoSchedule \\\n"
	}
	return `[Unit]
Description=Kubernetes Kubelet
Requires=crio.service kubelet-dependencies.target
After=kubelet-dependencies.target
After=ostree-finalize-staged.service

[Service]
Type=notify
ExecStartPre=/bin/mkdir --parents /etc/kubernetes/manifests
ExecStartPre=-/usr/sbin/restorecon -ri /var/lib/kubelet/pod-resources /usr/local/bin/kubenswrapper /usr/bin/kubensenter
Environment="KUBELET_NODE_IP=0.0.0.0"
EnvironmentFile=/etc/os-release
EnvironmentFile=-/etc/kubernetes/kubelet-workaround
EnvironmentFile=-/etc/kubernetes/kubelet-env
EnvironmentFile=/etc/node-sizing.env

ExecStart=/usr/local/bin/kubenswrapper \
    /usr/bin/kubelet \
      --config=/etc/kubernetes/kubelet.conf \
      --bootstrap-kubeconfig=/etc/kubernetes/kubeconfig \
      --kubeconfig=/var/lib/kubelet/kubeconfig \
      --container-runtime-endpoint=/var/run/crio/crio.sock \
      --runtime-cgroups=/system.slice/crio.service \
      --node-labels=` + labels + ` \
      --node-ip=${KUBELET_NODE_IP} \
      --minimum-container-ttl-duration=6m0s \
      --cloud-provider= \
      --volume-plugin-dir=/etc/kubernetes/kubelet-plugins/volume/exec \
      --hostname-override=${KUBELET_NODE_NAME} \
      --provider-id=${KUBELET_PROVIDERID} \
` + taints + `      --pod-infra-container-image=` + ocpImage("pod") + ` \
      --system-reserved=cpu=${SYSTEM_RESERVED_CPU},memory=${SYSTEM_RESERVED_MEMORY},ephemeral-storage=${SYSTEM_RESERVED_ES} \
      --v=${KUBELET_LOG_LEVEL}

Restart=always
RestartSec=10

[Install]
WantedBy=multi-user.target
`
}

func kubeletArgs(role, ip string) []string {
	labels := "node-role.kubernetes.io/worker,node.openshift.io/os_id=rhcos"
	if role == "master" {
		labels = "node-role.kubernetes.io/control-plane,node-role.kubernetes.io/master,node.openshift.io/os_id=rhcos"
	}
	args := []string{"--config=/etc/kubernetes/kubelet.conf", "--bootstrap-kubeconfig=/etc/kubernetes/kubeconfig", "--kubeconfig=/var/lib/kubelet/kubeconfig",
		"--container-runtime-endpoint=/var/run/crio/crio.sock", "--runtime-cgroups=/system.slice/crio.service", "--node-labels=" + labels,
		"--node-ip=" + ip, "--minimum-container-ttl-duration=6m0s", "--cloud-provider=", "--volume-plugin-dir=/etc/kubernetes/kubelet-plugins/volume/exec",
		"--hostname-override=", "--provider-id="}
	if role == "master" {
		args = append(args, "--register-with-taints=node-role.kubernetes.io/master=:NoSchedule")
	}
	return append(args, "--pod-infra-container-image="+ocpImage("pod"), "--system-reserved=cpu=500m,memory=1Gi,ephemeral-storage=1Gi", "--v=2")
}

// kubeletConf is the Machine Config Operator's /etc/kubernetes/kubelet.conf
// (templates/*/01-*-kubelet/_base/files/kubelet.yaml at commit 9942c40 of
// April 2024, OpenShift 4.16), with the feature gates it renders from the
// cluster's.
const kubeletConf = `kind: KubeletConfiguration
apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  x509:
    clientCAFile: /etc/kubernetes/kubelet-ca.crt
  anonymous:
    enabled: false
cgroupDriver: systemd
cgroupRoot: /
clusterDNS:
  - 172.30.0.10
clusterDomain: cluster.local
containerLogMaxSize: 50Mi
enableSystemLogQuery: true
maxPods: 250
kubeAPIQPS: 50
kubeAPIBurst: 100
podPidsLimit: 4096
protectKernelDefaults: true
rotateCertificates: true
serializeImagePulls: false
staticPodPath: /etc/kubernetes/manifests
systemCgroups: /system.slice
nodeStatusUpdateFrequency: 10s
nodeStatusReportFrequency: 5m
systemReserved:
  ephemeral-storage: 1Gi
featureGates:
  APIPriorityAndFairness: true
  DisableKubeletCloudCredentialProviders: true
  RotateKubeletServerCertificate: true
  ValidatingAdmissionPolicy: true
serverTLSBootstrap: true
tlsMinVersion: VersionTLS12
tlsCipherSuites:
  - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
  - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
  - TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
  - TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
`

// ocpNode lays out what every OpenShift node has: RHCOS, the kubelet
// the Machine Config Operator configures, CRI-O, the OVN-Kubernetes and
// multus CNI files, and the kubelet's own credentials.
func ocpNode(s *spec, p *ocpPKI, role, node, ip, c, kubeconfigMode string) {
	s.file("/etc/os-release", "0644", rhcosRelease)
	s.file("/usr/bin/kubelet", "0755", string(goelf.Binary("go1.21.13", goelf.KubernetesModInfo("kubelet", ocpKube))))
	s.file("/usr/bin/hyperkube", "0755", "#!/usr/bin/env bash\n# hyperkube: runs the named Kubernetes command (openshift-hack/images/hyperkube); not modelled\n")
	s.file("/usr/bin/crio", "0755", "cri-o 1.29.10-3.rhaos4.16 (not modelled)\n")
	s.file("/usr/local/bin/kubenswrapper", "0755", "#!/bin/bash\n# runs the kubelet in the shared mount namespace of kubens.service; not modelled\n")
	s.file("/etc/systemd/system/kubelet.service", "0644", kubeletUnit(role))
	s.dir("/etc/systemd/system/kubelet.service.d", "0755")
	s.file("/etc/systemd/system/kubelet.service.d/10-mco-default-env.conf", "0644", "[Service]\nEnvironment=\"ENABLE_PROFILING_HANDLER=false\"\n")
	s.file("/etc/systemd/system/kubelet.service.d/20-logging.conf", "0644", "[Service]\nEnvironment=\"KUBELET_LOG_LEVEL=2\"\n")
	s.file("/etc/node-sizing.env", "0644", "SYSTEM_RESERVED_MEMORY=1Gi\nSYSTEM_RESERVED_CPU=500m\nSYSTEM_RESERVED_ES=1Gi\n")
	s.file("/etc/kubernetes/kubelet.conf", "0644", kubeletConf)
	s.file("/etc/kubernetes/kubelet-ca.crt", "0644", p.kubeletSigner.pem()+p.adminKubeconfigSigner.pem())
	// The node's bootstrap credentials (the installer's kubelet bootstrap
	// identity), 0600.
	boot := p.leaf(p.adminKubeconfigSigner, "bootstrap-"+node, "system:serviceaccount:openshift-machine-config-operator:node-bootstrapper", nil, nil, nil, false, true)
	s.file("/etc/kubernetes/kubeconfig", "0600", fmt.Sprintf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: %s
    server: https://api-int.%s:6443
  name: local
contexts:
- context:
    cluster: local
    user: kubelet
  name: kubelet
current-context: kubelet
kind: Config
preferences: {}
users:
- name: kubelet
  user:
    client-certificate-data: %s
    client-key-data: %s
`, b64(p.lbSigner.pem()), ocpDomain, b64(boot), b64(fakeKey("RSA PRIVATE KEY", c+"BootstrapKubeconfigKey", 25))))
	s.canary(c+"BootstrapKubeconfigKey", "base64", "/etc/kubernetes/kubeconfig", "client-key-data (base64 of a PEM RSA PRIVATE KEY)")
	s.dir("/var/lib/kubelet", "0755")
	s.file("/var/lib/kubelet/kubeconfig", kubeconfigMode, fmt.Sprintf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: %s
    server: https://api-int.%s:6443
  name: default-cluster
contexts:
- context:
    cluster: default-cluster
    namespace: default
    user: default-auth
  name: default-context
current-context: default-context
kind: Config
preferences: {}
users:
- name: default-auth
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
`, b64(p.lbSigner.pem()), ocpDomain))
	s.dir("/var/lib/kubelet/pki", "0700")
	stamp := ocpAt.Add(2 * time.Hour).Format("2006-01-02-15-04-05")
	client := p.leaf(p.kubeletServingCA, "kubelet-client-"+node, "system:node:"+node, []string{"system:nodes"}, nil, nil, false, true)
	serving := p.leaf(p.kubeletServingCA, "kubelet-server-"+node, "system:node:"+node, []string{"system:nodes"}, []string{node}, []string{ip}, true, false)
	for _, f := range []struct{ name, cert, k string }{{"kubelet-client", client, "KubeletClientKey"}, {"kubelet-server", serving, "KubeletServerKey"}} {
		body := f.cert + fakeKey("EC PRIVATE KEY", c+f.k, 3)
		s.file("/var/lib/kubelet/pki/"+f.name+"-"+stamp+".pem", "0600", body)
		s.file("/var/lib/kubelet/pki/"+f.name+"-current.pem", "0600", body)
		s.canary(c+f.k, "plain", "/var/lib/kubelet/pki/"+f.name+"-current.pem", "PEM EC PRIVATE KEY body after the certificate")
	}
	// The cluster's pull secret, which CRI-O and the kubelet read.
	s.file("/var/lib/kubelet/config.json", "0600", `{"auths":{"quay.io":{"auth":"`+b64("openshift-release-dev+ocm_access:"+filler(c+"PullSecret", 40))+`","email":"ops@example.com"}}}`+"\n")
	s.canary(c+"PullSecret", "base64", "/var/lib/kubelet/config.json", "auth (base64 of user:password)")
	// Multus's configuration directory and OVN-Kubernetes's, as the cluster
	// network operator lays them out (SystemCNIConfDir, MultusCNIConfDir).
	s.dir("/etc/kubernetes/cni", "0755")
	s.dir("/etc/kubernetes/cni/net.d", "0755")
	s.file("/etc/kubernetes/cni/net.d/00-multus.conf", "0600", `{ "cniVersion": "0.3.1", "name": "multus-cni-network", "type": "multus-shim", "logLevel": "verbose", "logToStderr": true, "clusterNetwork": "/host/run/multus/cni/net.d/10-ovn-kubernetes.conf", "daemonSocketDir": "/run/multus/socket" }`+"\n")
	s.dir("/var/run/multus", "0755")
	s.dir("/var/run/multus/cni", "0755")
	s.dir("/var/run/multus/cni/net.d", "0755")
	s.file("/var/run/multus/cni/net.d/10-ovn-kubernetes.conf", "0600", `{"cniVersion":"0.4.0","name":"ovn-kubernetes","type":"ovn-k8s-cni-overlay","ipam":{},"dns":{},"logFile":"/var/log/ovn-kubernetes/ovn-k8s-cni-overlay.log","logLevel":"4","logfile-maxsize":100,"logfile-maxbackups":5,"logfile-maxage":5}`+"\n")
}

// ocpMasterSpec is a control plane node: the kubelet, CRI-O, and the
// static pods of the API server, controller manager, scheduler and etcd.
func ocpMasterSpec() *spec {
	const c = "KPCANARYocpM"
	node, ip := ocpMaster, ocpMasterIP
	s := newSpec("ocp-master", node, "Node "+node+" ("+ip+"), OpenShift Container Platform "+ocpRelease+" control plane (Kubernetes "+ocpKube+")")
	p := newOCPPKI()
	ocpNode(s, p, "master", node, ip, c, "0600")
	s.dir("/etc/kubernetes/manifests", "0755")
	s.dir(spr, "0755")

	// The API server: its certificate directory (cert syncer) and revision.
	kc := spr + "/kube-apiserver-certs"
	for _, d := range []string{kc, kc + "/configmaps", kc + "/secrets"} {
		s.dir(d, "0755")
	}
	clientCA := p.adminKubeconfigSigner.pem() + p.controlPlaneSigner.pem() + p.kubeletServingCA.pem()
	for _, cm := range [][2]string{{"client-ca", clientCA}, {"aggregator-client-ca", p.aggregatorSigner.pem()}, {"trusted-ca-bundle", p.serviceCA.pem()}} {
		s.dir(kc+"/configmaps/"+cm[0], "0755")
		s.file(kc+"/configmaps/"+cm[0]+"/ca-bundle.crt", "0644", cm[1])
	}
	s.dir(kc+"/configmaps/check-endpoints-kubeconfig", "0755")
	s.file(kc+"/configmaps/check-endpoints-kubeconfig/kubeconfig", "0644", kubeconfigFile("https://localhost:6443", "/etc/kubernetes/static-pod-certs/configmaps/client-ca/ca-bundle.crt",
		"/etc/kubernetes/static-pod-certs/secrets/check-endpoints-client-cert-key/tls.crt", "/etc/kubernetes/static-pod-certs/secrets/check-endpoints-client-cert-key/tls.key"))
	for _, sec := range []struct{ name, cert, k string }{
		{"aggregator-client", p.leaf(p.aggregatorSigner, "aggregator-client", "system:openshift-aggregator", nil, nil, nil, false, true), "AggregatorClientKey"},
		{"kubelet-client", p.leaf(p.kubeletSigner, "kubelet-client", "system:kube-apiserver", []string{"kube-master"}, nil, nil, false, true), "KubeletClientKey"},
		{"check-endpoints-client-cert-key", p.leaf(p.controlPlaneSigner, "check-endpoints", "system:serviceaccount:openshift-kube-apiserver:check-endpoints", nil, nil, nil, false, true), "CheckEndpointsKey"},
		{"service-network-serving-certkey", p.leaf(p.serviceNetworkSigner, "service-network-serving", "172.30.0.1", nil, []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "openshift", "openshift.default", "openshift.default.svc", "openshift.default.svc.cluster.local"}, []string{"172.30.0.1"}, true, false), "ServiceNetworkServingKey"},
		{"localhost-serving-cert-certkey", p.leaf(p.localhostSigner, "localhost-serving", "127.0.0.1", nil, []string{"localhost"}, []string{"127.0.0.1", "::1"}, true, false), "LocalhostServingKey"},
		{"external-loadbalancer-serving-certkey", p.leaf(p.lbSigner, "lb-ext-serving", "api."+ocpDomain, nil, []string{"api." + ocpDomain}, nil, true, false), "ExternalLBServingKey"},
		{"internal-loadbalancer-serving-certkey", p.leaf(p.lbSigner, "lb-int-serving", "api-int."+ocpDomain, nil, []string{"api-int." + ocpDomain}, nil, true, false), "InternalLBServingKey"},
	} {
		s.dir(kc+"/secrets/"+sec.name, "0755")
		s.tls(kc+"/secrets/"+sec.name, sec.cert, c+sec.k)
	}
	s.dir(kc+"/secrets/bound-service-account-signing-key", "0755")
	s.key(kc+"/secrets/bound-service-account-signing-key/service-account.key", "RSA PRIVATE KEY", c+"BoundSASigningKey")
	s.file(kc+"/secrets/bound-service-account-signing-key/service-account.pub", "0600", ocpPublicKey("bound-sa"))
	s.dir(kc+"/secrets/node-kubeconfigs", "0755")
	admin := p.leaf(p.adminKubeconfigSigner, "node-admin", "system:admin", []string{"system:masters"}, nil, nil, false, true)
	for _, kcf := range []struct{ name, server, k string }{{"localhost.kubeconfig", "https://localhost:6443", "NodeKubeconfigLocalhostKey"}, {"lb-int.kubeconfig", "https://api-int." + ocpDomain + ":6443", "NodeKubeconfigLBIntKey"}} {
		body := strings.Replace(kubeconfigData(kcf.server, p.localhostSigner.pem()+p.lbSigner.pem(), admin, fakeKey("RSA PRIVATE KEY", c+kcf.k, 25)), "name: default\n  user:", "name: system:admin\n  user:", 1)
		s.file(kc+"/secrets/node-kubeconfigs/"+kcf.name, "0600", body)
		s.canary(c+kcf.k, "base64", kc+"/secrets/node-kubeconfigs/"+kcf.name, "client-key-data (base64 of a PEM RSA PRIVATE KEY)")
	}

	kr := spr + "/kube-apiserver-pod-" + kasRev
	for _, d := range []string{kr, kr + "/configmaps", kr + "/secrets"} {
		s.dir(d, "0755")
	}
	pod := kasPod()
	s.file(kr+"/kube-apiserver-pod.yaml", "0600", pod)
	s.file("/etc/kubernetes/manifests/kube-apiserver-pod.yaml", "0600", pod)
	cm := func(name, file, content string) {
		s.dir(kr+"/configmaps/"+name, "0755")
		s.file(kr+"/configmaps/"+name+"/"+file, "0600", content)
	}
	cm("config", "config.yaml", kasConfig())
	cm("kube-apiserver-pod", "pod.yaml", pod)
	s.file(kr+"/configmaps/kube-apiserver-pod/version", "0600", ocpRelease)
	cm("etcd-serving-ca", "ca-bundle.crt", p.etcdSigner.pem())
	cm("kubelet-serving-ca", "ca-bundle.crt", p.kubeletServingCA.pem())
	cm("sa-token-signing-certs", "service-account-001.pub", ocpPublicKey("sa-token"))
	cm("bound-sa-token-signing-certs", "service-account-001.pub", ocpPublicKey("bound-sa"))
	cm("kube-apiserver-audit-policies", "policy.yaml", `apiVersion: audit.k8s.io/v1
kind: Policy
metadata:
  name: policy
omitStages:
- RequestReceived
rules:
- level: None
  nonResourceURLs:
  - /api*
  - /version
  - /healthz
  - /readyz
  - /livez
  userGroups:
  - system:authenticated
  - system:unauthenticated
- level: Metadata
  resources:
  - group: ""
    resources:
    - secrets
    - configmaps
    - serviceaccounts/token
  - group: oauth.openshift.io
    resources:
    - oauthaccesstokens
    - oauthauthorizetokens
- level: Metadata
  omitStages:
  - RequestReceived
`)
	cm("kube-apiserver-cert-syncer-kubeconfig", "kubeconfig", `apiVersion: v1
clusters:
  - cluster:
      certificate-authority: /etc/kubernetes/static-pod-resources/secrets/localhost-recovery-client-token/ca.crt
      server: https://localhost:6443
      tls-server-name: localhost-recovery
    name: loopback
contexts:
  - context:
      cluster: loopback
      user: kube-apiserver-cert-syncer
    name: kube-apiserver-cert-syncer
current-context: kube-apiserver-cert-syncer
kind: Config
preferences: {}
users:
  - name: kube-apiserver-cert-syncer
    user:
      tokenFile: /etc/kubernetes/static-pod-resources/secrets/localhost-recovery-client-token/token
`)
	cm("oauth-metadata", "oauthMetadata", `{"issuer":"https://oauth-openshift.apps.`+ocpDomain+`","authorization_endpoint":"https://oauth-openshift.apps.`+ocpDomain+`/oauth/authorize","token_endpoint":"https://oauth-openshift.apps.`+ocpDomain+`/oauth/token"}`+"\n")
	s.dir(kr+"/secrets/etcd-client", "0755")
	s.tls(kr+"/secrets/etcd-client", p.leaf(p.etcdSigner, "etcd-client", "etcd", []string{"etcd"}, nil, nil, false, true), c+"EtcdClientKey")
	s.dir(kr+"/secrets/localhost-recovery-client-token", "0755")
	s.file(kr+"/secrets/localhost-recovery-client-token/ca.crt", "0600", p.localhostSigner.pem())
	s.file(kr+"/secrets/localhost-recovery-client-token/namespace", "0600", "openshift-kube-apiserver")
	s.file(kr+"/secrets/localhost-recovery-client-token/token", "0600", "eyJhbGciOiJSUzI1NiIsImtpZCI6I"+filler(c+"RecoveryToken", 120))
	s.canary(c+"RecoveryToken", "plain", kr+"/secrets/localhost-recovery-client-token/token", "whole file (service account JWT)")
	s.dir(kr+"/secrets/encryption-config", "0755")
	s.file(kr+"/secrets/encryption-config/encryption-config", "0600", encryptionConfig(c+"EncryptionKey"))
	s.canary(c+"EncryptionKey", "base64", kr+"/secrets/encryption-config/encryption-config", "aescbc secret (base64 of 32 bytes)")
	s.dir(kr+"/secrets/webhook-authenticator", "0755")
	s.file(kr+"/secrets/webhook-authenticator/kubeConfig", "0600", `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: `+b64(p.serviceCA.pem())+`
    server: https://oauth-openshift.openshift-authentication.svc:443/oauth/token/review
  name: oauth-openshift
contexts:
- context:
    cluster: oauth-openshift
    user: kube-apiserver
  name: kube-apiserver
current-context: kube-apiserver
kind: Config
preferences: {}
users:
- name: kube-apiserver
  user: {}
`)

	// The controller manager.
	mc := spr + "/kube-controller-manager-certs"
	for _, d := range []string{mc, mc + "/configmaps", mc + "/configmaps/client-ca", mc + "/configmaps/aggregator-client-ca", mc + "/secrets", mc + "/secrets/csr-signer", mc + "/secrets/kube-controller-manager-client-cert-key"} {
		s.dir(d, "0755")
	}
	s.file(mc+"/configmaps/client-ca/ca-bundle.crt", "0644", clientCA)
	s.file(mc+"/configmaps/aggregator-client-ca/ca-bundle.crt", "0644", p.aggregatorSigner.pem())
	s.tls(mc+"/secrets/csr-signer", p.kubeletServingCA.pem(), c+"CSRSignerKey")
	s.tls(mc+"/secrets/kube-controller-manager-client-cert-key", p.leaf(p.controlPlaneSigner, "kcm-client", "system:kube-controller-manager", nil, nil, nil, false, true), c+"KCMClientKey")
	mr := spr + "/kube-controller-manager-pod-" + kcmRev
	for _, d := range []string{mr, mr + "/configmaps", mr + "/secrets"} {
		s.dir(d, "0755")
	}
	kpod := kcmPod()
	s.file(mr+"/kube-controller-manager-pod.yaml", "0600", kpod)
	s.file("/etc/kubernetes/manifests/kube-controller-manager-pod.yaml", "0600", kpod)
	kcmcm := func(name, file, content string) {
		s.dir(mr+"/configmaps/"+name, "0755")
		s.file(mr+"/configmaps/"+name+"/"+file, "0600", content)
	}
	kcmcm("config", "config.yaml", compactJSON(obj{"apiVersion": "kubecontrolplane.config.openshift.io/v1", "kind": "KubeControllerManagerConfig",
		"extendedArguments": kcmExtended, "projectConfig": obj{"defaultNodeSelector": ""},
		"serviceServingCert": obj{"certFile": "/etc/kubernetes/static-pod-resources/configmaps/service-ca/ca-bundle.crt"}}))
	kcmcm("controller-manager-kubeconfig", "kubeconfig", kubeconfigFile("https://localhost:6443", "/etc/kubernetes/static-pod-resources/configmaps/serviceaccount-ca/ca-bundle.crt",
		"/etc/kubernetes/static-pod-certs/secrets/kube-controller-manager-client-cert-key/tls.crt", "/etc/kubernetes/static-pod-certs/secrets/kube-controller-manager-client-cert-key/tls.key"))
	kcmcm("serviceaccount-ca", "ca-bundle.crt", p.localhostSigner.pem()+p.serviceNetworkSigner.pem()+p.lbSigner.pem())
	kcmcm("service-ca", "ca-bundle.crt", p.serviceCA.pem())
	s.dir(mr+"/secrets/service-account-private-key", "0755")
	s.key(mr+"/secrets/service-account-private-key/service-account.key", "RSA PRIVATE KEY", c+"SAPrivateKey")
	s.file(mr+"/secrets/service-account-private-key/service-account.pub", "0600", ocpPublicKey("sa-token"))
	s.dir(mr+"/secrets/serving-cert", "0755")
	s.tls(mr+"/secrets/serving-cert", p.leaf(p.serviceCA, "kcm-serving", "kube-controller-manager.openshift-kube-controller-manager.svc", nil, []string{"kube-controller-manager.openshift-kube-controller-manager.svc", "kube-controller-manager.openshift-kube-controller-manager.svc.cluster.local"}, nil, true, false), c+"KCMServingKey")

	// The scheduler.
	sc := spr + "/kube-scheduler-certs"
	for _, d := range []string{sc, sc + "/secrets", sc + "/secrets/kube-scheduler-client-cert-key"} {
		s.dir(d, "0755")
	}
	s.tls(sc+"/secrets/kube-scheduler-client-cert-key", p.leaf(p.controlPlaneSigner, "ks-client", "system:kube-scheduler", nil, nil, nil, false, true), c+"SchedulerClientKey")
	sr := spr + "/kube-scheduler-pod-" + ksRev
	for _, d := range []string{sr, sr + "/configmaps", sr + "/configmaps/config", sr + "/configmaps/scheduler-kubeconfig", sr + "/configmaps/serviceaccount-ca", sr + "/secrets", sr + "/secrets/serving-cert"} {
		s.dir(d, "0755")
	}
	spod := ksPod()
	s.file(sr+"/kube-scheduler-pod.yaml", "0600", spod)
	s.file("/etc/kubernetes/manifests/kube-scheduler-pod.yaml", "0600", spod)
	s.file(sr+"/configmaps/config/config.yaml", "0600", compactJSON(obj{"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
		"clientConnection": obj{"kubeconfig": "/etc/kubernetes/static-pod-resources/configmaps/scheduler-kubeconfig/kubeconfig"},
		"leaderElection":   obj{"leaderElect": true, "leaseDuration": "137s", "renewDeadline": "107s", "retryPeriod": "26s", "resourceLock": "leases", "resourceNamespace": "openshift-kube-scheduler"},
		"profiles":         []obj{{"schedulerName": "default-scheduler"}}}))
	s.file(sr+"/configmaps/scheduler-kubeconfig/kubeconfig", "0600", kubeconfigFile("https://localhost:6443", "/etc/kubernetes/static-pod-resources/configmaps/serviceaccount-ca/ca-bundle.crt",
		"/etc/kubernetes/static-pod-certs/secrets/kube-scheduler-client-cert-key/tls.crt", "/etc/kubernetes/static-pod-certs/secrets/kube-scheduler-client-cert-key/tls.key"))
	s.file(sr+"/configmaps/serviceaccount-ca/ca-bundle.crt", "0600", p.localhostSigner.pem()+p.serviceNetworkSigner.pem()+p.lbSigner.pem())
	s.tls(sr+"/secrets/serving-cert", p.leaf(p.serviceCA, "ks-serving", "scheduler.openshift-kube-scheduler.svc", nil, []string{"scheduler.openshift-kube-scheduler.svc", "scheduler.openshift-kube-scheduler.svc.cluster.local"}, nil, true, false), c+"SchedulerServingKey")

	// etcd.
	ec := spr + "/etcd-certs"
	for _, d := range []string{ec, ec + "/configmaps", ec + "/configmaps/etcd-all-bundles", ec + "/secrets", ec + "/secrets/etcd-all-certs"} {
		s.dir(d, "0755")
	}
	s.file(ec+"/configmaps/etcd-all-bundles/server-ca-bundle.crt", "0644", p.etcdSigner.pem())
	s.file(ec+"/configmaps/etcd-all-bundles/metrics-ca-bundle.crt", "0644", p.etcdMetricsSigner.pem())
	allCerts := ec + "/secrets/etcd-all-certs/"
	for _, e := range []struct{ name, cert, k string }{
		{"etcd-peer-" + node, p.leaf(p.etcdSigner, "etcd-peer", "system:etcd-peer:"+node, []string{"system:etcd-peers"}, []string{"localhost", node}, []string{ip}, true, true), "EtcdPeerKey"},
		{"etcd-serving-" + node, p.leaf(p.etcdSigner, "etcd-serving", "system:etcd-server:"+node, []string{"system:etcd-servers"}, []string{"localhost", node}, []string{ip, "127.0.0.1"}, true, true), "EtcdServingKey"},
		{"etcd-serving-metrics-" + node, p.leaf(p.etcdMetricsSigner, "etcd-metrics", "system:etcd-metric:"+node, []string{"system:etcd-metrics"}, []string{"localhost", node}, []string{ip}, true, true), "EtcdMetricsKey"},
	} {
		s.file(allCerts+e.name+".crt", "0600", e.cert)
		s.key(allCerts+e.name+".key", "RSA PRIVATE KEY", c+e.k)
	}
	er := spr + "/etcd-pod-" + etcdRev
	for _, d := range []string{er, er + "/configmaps", er + "/configmaps/etcd-serving-ca", er + "/configmaps/etcd-peer-client-ca"} {
		s.dir(d, "0755")
	}
	epod := etcdPod(node, ip)
	s.file(er+"/etcd-pod.yaml", "0600", epod)
	s.file("/etc/kubernetes/manifests/etcd-pod.yaml", "0600", epod)
	s.file(er+"/configmaps/etcd-serving-ca/ca-bundle.crt", "0600", p.etcdSigner.pem())
	s.file(er+"/configmaps/etcd-peer-client-ca/ca-bundle.crt", "0600", p.etcdSigner.pem())
	s.dir("/var/lib/etcd", "0700")
	s.dir("/var/lib/etcd/member", "0700")
	s.dir("/var/lib/etcd/member/snap", "0700")
	s.dir("/var/lib/etcd/member/wal", "0700")
	s.empty("/var/lib/etcd/member/snap/db", "0600")
	s.empty("/var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal", "0600")
	s.dir("/var/log/kube-apiserver", "0700")
	s.empty("/var/log/kube-apiserver/audit.log", "0600")

	s.proc("/usr/bin/kubelet", kubeletArgs("master", ip)...)
	s.proc("/usr/bin/crio")
	s.proc("kube-apiserver", "--openshift-config=/etc/kubernetes/static-pod-resources/configmaps/config/config.yaml", "--advertise-address="+ip, "-v=2", "--permit-address-sharing")
	s.env("STATIC_POD_VERSION=" + kasRev)
	s.proc("kube-controller-manager", kcmArgs()...)
	s.proc("kube-scheduler", ksArgs...)
	s.proc("etcd", etcdArgs(node, ip)...)
	for _, e := range etcdEnv {
		s.env(e[0] + "=" + e[1])
	}
	return s
}

// ocpWorkerSpec is a worker of the same cluster: the kubelet and CRI-O.
// Deviation 2: the kubelet's kubeconfig was restored with mode 0644.
func ocpWorkerSpec() *spec {
	const c = "KPCANARYocpW"
	node, ip := ocpWorker, ocpWorkerIP
	s := newSpec("ocp-worker", node, "Node "+node+" ("+ip+"), OpenShift Container Platform "+ocpRelease+" worker (Kubernetes "+ocpKube+")")
	p := newOCPPKI()
	ocpNode(s, p, "worker", node, ip, c, "0644")
	s.dir("/etc/kubernetes/manifests", "0755")
	s.proc("/usr/bin/kubelet", kubeletArgs("worker", ip)...)
	s.proc("/usr/bin/crio")
	return s
}

// ocpPublicKey is a service account token signing public key (a
// "-----BEGIN PUBLIC KEY-----" block; ECDSA, see ocpPKI).
func ocpPublicKey(seed string) string {
	der, err := x509.MarshalPKIXPublicKey(&ecKey("ocp:pub:" + seed).PublicKey)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
