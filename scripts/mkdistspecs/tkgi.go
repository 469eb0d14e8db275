package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/internal/goelf"
)

// TKGI (VMware Tanzu Kubernetes Grid Integrated Edition) nodes of one
// cluster with a default plan: a master (tkgi-master: kube-apiserver,
// kube-controller-manager, kube-scheduler, etcd, flanneld) and a worker
// (tkgi-worker: kubelet, kube-proxy, flanneld, Docker), Kubernetes
// v1.21.14+vmware.1 on the Ubuntu Xenial stemcell. Every component is a
// BOSH job: its rendered templates under /var/vcap/jobs/<job> (bosh-agent's
// FixPermissions: root:vcap, files 0640, directories and bin/ 0750), its
// binary under /var/vcap/packages. Monit supervises each job: the control
// plane and etcd through bpm (bpm.yml's executable and args), the kubelet
// and kube-proxy through bash control scripts that run them as children.
// The arguments are kubo-release's templates filled with its CFCR
// manifest's properties, changed where kube-bench's tkgi-1.2.53 notes say
// what TKGI does (fixtures/specs/tkgi-master/README.md names each source).

const (
	tkgiK8sVersion = "v1.21.14+vmware.1"
	tkgiGo         = "go1.16.15"
	tkgiMasterIP   = "10.0.11.10"
	tkgiWorkerIP   = "10.0.11.12"
	tkgiMasterID   = "4a5c2f0e-7b1d-4e8a-9c3f-2d6b8e1a0f57" // BOSH names a VM by its instance ID
	tkgiWorkerID   = "9e1b7c44-2f3a-4d5e-8b6c-71a0d3e5f2c8"
	tkgiJobs       = "/var/vcap/jobs"
	tkgiK8sBin     = "/var/vcap/packages/kubernetes/bin"
)

var tkgiAt = time.Date(2026, 8, 3, 14, 12, 40, 0, time.UTC)

// tkgiPKI is the deployment's CredHub-generated certificates: kubo_ca
// signs the Kubernetes certificates, etcd has a CA of its own.
type tkgiPKI struct {
	ca, etcdCA                         *authority
	kubernetes, kubelet, kubeletClient string
	controllerManager, etcd, etcdPeer  string
	etcdClient                         string
}

func tkgiCluster() *tkgiPKI {
	ca := func(cn string) *authority {
		return issue(certReq{cn: cn, ca: true, notAfter: tkgiAt.Add(4 * year), key: rsaKey("tkgi:"+cn, 2048)}, nil, tkgiAt)
	}
	p := &tkgiPKI{ca: ca("ca"), etcdCA: ca("etcd-ca")}
	leaf := func(parent *authority, cn string, org []string, dns, ips []string, server bool) string {
		return issue(certReq{cn: cn, org: org, dns: dns, ips: ips, server: server, client: true, notAfter: tkgiAt.Add(year), key: rsaKey("tkgi:"+cn, 2048)}, parent, tkgiAt).pem()
	}
	p.kubernetes = leaf(p.ca, "master.cfcr.internal", nil, []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "master.cfcr.internal"}, []string{"10.100.200.1", tkgiMasterIP}, true)
	p.kubelet = leaf(p.ca, "kubelet.cfcr.internal", []string{"system:nodes"}, nil, []string{tkgiWorkerIP}, true)
	p.kubeletClient = leaf(p.ca, "kube-apiserver.cfcr.internal", []string{"system:masters"}, nil, nil, false)
	p.controllerManager = leaf(p.ca, "kube-controller-manager", nil, nil, nil, true)
	p.etcd = leaf(p.etcdCA, "master-0.etcd.cfcr.internal", nil, []string{"master-0.etcd.cfcr.internal", "*.etcd.cfcr.internal"}, []string{tkgiMasterIP}, true)
	p.etcdPeer = p.etcd
	p.etcdClient = leaf(p.etcdCA, "etcdClient", nil, nil, nil, false)
	return p
}

// jobFile writes a rendered template of a BOSH job: root:vcap 0640, or
// 0750 under bin/.
func (s *spec) jobFile(p, content string) {
	mode := "0640"
	if strings.Contains(p, "/bin/") {
		mode = "0750"
	}
	s.fileOwned(p, mode, "root", "vcap", content)
}

// jobDirs makes a job's directories (root:vcap 0750).
func (s *spec) jobDirs(job string, sub ...string) {
	s.dirOwned(tkgiJobs+"/"+job, "0750", "root", "vcap")
	for _, d := range sub {
		s.dirOwned(tkgiJobs+"/"+job+"/"+d, "0750", "root", "vcap")
	}
}

// jobKey writes a fake private key into a job's config directory.
func (s *spec) jobKey(p, canary string) {
	s.jobFile(p, fakeKey("RSA PRIVATE KEY", canary, 25))
	s.canary(canary, "plain", p, "PEM RSA PRIVATE KEY body")
}

// bpmMonit is the monit file of a job bpm runs.
func bpmMonit(job string) string {
	return fmt.Sprintf(`check process %[1]s
  with pidfile /var/vcap/sys/run/bpm/%[1]s/%[1]s.pid
  start program "/var/vcap/jobs/bpm/bin/bpm start %[1]s"
  stop program "/var/vcap/jobs/bpm/bin/bpm stop %[1]s"
  group vcap
`, job)
}

// bpmYAML is a job's bpm.yml: the executable and its arguments, one per
// line, as kubo-release's templates render them.
func bpmYAML(name, exe string, args []string, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\nprocesses:\n- name: %s\n  executable: %s\n", name, exe)
	b.WriteString(extra)
	b.WriteString("  args:\n")
	for _, a := range args {
		fmt.Fprintf(&b, "  - %q\n", a)
	}
	return b.String()
}

// tokenKubeconfig is the kubeconfig kubo-release renders for a component:
// the CA by path, a static token (the API server's tokens.csv).
func tokenKubeconfig(job, user, caFile, token string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: "/var/vcap/jobs/%[1]s/config/%[4]s"
    server: https://master.cfcr.internal:8443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: %[2]s
  name: %[2]s
current-context: %[2]s
users:
- name: %[2]s
  user:
    token: "%[3]s"
`, job, user, token, caFile)
}

// tkgiBase lays out what every TKGI VM has: the stemcell, BOSH's
// directories and agent, monit, flanneld and its CNI configuration.
func tkgiBase(s *spec) {
	s.users = []string{"vcap 1000 1000 /home/vcap /bin/bash"}
	s.file("/etc/os-release", "0644", osReleaseXenial)
	s.dirOwned(tkgiJobs, "0750", "root", "vcap")
	s.dir("/var/vcap/packages", "0755")
	s.dir("/var/vcap/packages/kubernetes", "0755")
	s.dir(tkgiK8sBin, "0755")
	s.dir("/var/vcap/store", "0755")
	s.dir("/var/vcap/sys", "0755")
	s.dir("/var/vcap/sys/log", "0755")
	s.dir("/etc/cni", "0755")
	s.dir("/etc/cni/net.d", "0755")
	// flanneld_ctl writes the conflist with a here-document (umask 022).
	s.file("/etc/cni/net.d/50-flannel.conflist", "0644", `{
    "name": "flannel-network",
    "cniVersion": "0.3.1",
    "plugins": [
	    {
		    "type": "flannel",
		    "delegate": {
			    "hairpinMode": true,
			    "isDefaultGateway": true
		    }
	    },
	    {
		    "type": "portmap",
		    "capabilities": {
			    "portMappings": true
		    }
	    }
    ]
}
`)
	s.proc("/var/vcap/bosh/bin/bosh-agent", "-P", "ubuntu", "-C", "/var/vcap/bosh/agent.json")
	s.proc("/var/vcap/bosh/bin/monit", "-I")
	etcdURL := "https://master-0.etcd.cfcr.internal:2379"
	s.proc("/bin/bash", "-ex", "/var/vcap/jobs/flanneld/bin/flanneld_ctl", "start")
	s.proc("/var/vcap/packages/flanneld/flanneld", "-etcd-endpoints="+etcdURL, "--ip-masq",
		"--etcd-certfile=/var/vcap/jobs/flanneld/config/etcd-client.crt", "--etcd-keyfile=/var/vcap/jobs/flanneld/config/etcd-client.key",
		"--etcd-cafile=/var/vcap/jobs/flanneld/config/etcd-ca.crt")
	s.env("PATH=/var/vcap/packages/flanneld/:/usr/sbin:/usr/bin:/sbin:/bin")
}

// tkgiFlanneld writes the flanneld job's etcd client files.
func tkgiFlanneld(s *spec, p *tkgiPKI, c string) {
	s.jobDirs("flanneld", "bin", "config")
	s.jobFile(tkgiJobs+"/flanneld/monit", `check process flanneld
  with pidfile /var/vcap/sys/run/flanneld/flanneld.pid
  start program "/var/vcap/jobs/flanneld/bin/flanneld_ctl start"
  stop program "/var/vcap/jobs/flanneld/bin/flanneld_ctl stop"
  group vcap
`)
	s.jobFile(tkgiJobs+"/flanneld/config/etcd-ca.crt", p.etcdCA.pem())
	s.jobFile(tkgiJobs+"/flanneld/config/etcd-client.crt", p.etcdClient)
	s.jobKey(tkgiJobs+"/flanneld/config/etcd-client.key", c+"FlannelEtcdKey")
}

func tkgiMaster() *spec {
	const c = "KPCANARYtkgiM"
	s := newSpec("tkgi-master", tkgiMasterID, "Node "+tkgiMasterID+" ("+tkgiMasterIP+"), TKGI master, Kubernetes "+tkgiK8sVersion+", default plan")
	p := tkgiCluster()
	tkgiBase(s)
	tkgiFlanneld(s, p, c)
	for _, b := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"} {
		s.file(tkgiK8sBin+"/"+b, "0755", string(goelf.Binary(tkgiGo, goelf.KubernetesModInfo(b, tkgiK8sVersion))))
	}
	tokens := map[string]string{}
	for u, name := range map[string]string{"admin": "Admin", "kubelet": "Kubelet", "kubelet-drain": "KubeletDrain",
		"kube-proxy": "KubeProxy", "kube-controller-manager": "KubeControllerManager", "kube-scheduler": "KubeScheduler"} {
		tokens[u] = filler(c+"Token"+name, 32)
	}
	// Canaries in the file's order, so that canaries.tsv is stable.
	for _, name := range []string{"Admin", "Kubelet", "KubeletDrain", "KubeProxy", "KubeControllerManager", "KubeScheduler"} {
		s.canary(c+"Token"+name, "plain", tkgiJobs+"/kube-apiserver/config/tokens.csv", "static token (tokens.csv)")
	}

	// kube-apiserver
	api := tkgiJobs + "/kube-apiserver/config/"
	s.jobDirs("kube-apiserver", "bin", "config")
	s.jobFile(tkgiJobs+"/kube-apiserver/monit", bpmMonit("kube-apiserver"))
	apiArgs := []string{
		"--audit-log-maxage=0", "--audit-log-maxbackup=7", "--audit-log-maxsize=49",
		"--audit-log-path=/var/vcap/sys/log/kube-apiserver/audit.log", "--audit-policy-file=" + api + "audit_policy.yml",
		"--authorization-mode=RBAC", "--client-ca-file=" + api + "kubernetes-ca.pem",
		"--disable-admission-plugins=", "--enable-admission-plugins=",
		"--enable-aggregator-routing=true", "--enable-bootstrap-token-auth=true",
		"--etcd-cafile=" + api + "etcd-ca.crt", "--etcd-certfile=" + api + "etcd-client.crt", "--etcd-keyfile=" + api + "etcd-client.key",
		"--kubelet-client-certificate=" + api + "kubelet-client-cert.pem", "--kubelet-client-key=" + api + "kubelet-client-key.pem",
		"--profiling=false",
		"--proxy-client-cert-file=" + api + "kubernetes.pem", "--proxy-client-key-file=" + api + "kubernetes-key.pem",
		"--requestheader-allowed-names=aggregator", "--requestheader-client-ca-file=" + api + "kubernetes-ca.pem",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-", "--requestheader-group-headers=X-Remote-Group",
		"--requestheader-username-headers=X-Remote-User", "--runtime-config=api/v1", "--secure-port=8443",
		"--service-account-issuer=https://master.cfcr.internal:8443", "--service-account-key-file=" + api + "service-account-public-key.pem",
		"--service-account-lookup=true", "--service-account-signing-key-file=" + api + "service-account-private-key.pem",
		"--service-cluster-ip-range=10.100.200.0/24", "--storage-media-type=application/json",
		"--tls-cert-file=" + api + "kubernetes.pem", "--tls-private-key-file=" + api + "kubernetes-key.pem",
		"--token-auth-file=" + api + "tokens.csv", "--v=2",
		"--apiserver-count=1", "--cloud-provider=vsphere", "--cloud-config=" + api + "cloud-provider.ini",
		"--etcd-servers=https://master-0.etcd.cfcr.internal:2379",
	}
	s.jobFile(api+"bpm.yml", bpmYAML("kube-apiserver", tkgiK8sBin+"/kube-apiserver", apiArgs, "  limits:\n    open_files: 65535\n"))
	s.jobFile(api+"kubernetes-ca.pem", p.ca.pem())
	s.jobFile(api+"kubernetes.pem", p.kubernetes+p.ca.pem())
	s.jobKey(api+"kubernetes-key.pem", c+"KubernetesKey")
	s.jobFile(api+"etcd-ca.crt", p.etcdCA.pem())
	s.jobFile(api+"etcd-client.crt", p.etcdClient)
	s.jobKey(api+"etcd-client.key", c+"APIServerEtcdKey")
	s.jobFile(api+"kubelet-client-cert.pem", p.kubeletClient)
	s.jobKey(api+"kubelet-client-key.pem", c+"KubeletClientKey")
	s.jobFile(api+"service-account-public-key.pem", "-----BEGIN PUBLIC KEY-----\n"+filler("tkgi-sa-public", 64)+"\n-----END PUBLIC KEY-----\n")
	s.jobKey(api+"service-account-private-key.pem", c+"APIServerSAKey")
	s.jobFile(api+"cloud-provider.ini", "[Global]\nuser = \"tkgi-vcenter@vsphere.local\"\npassword = \""+c+"VCenterPassword\"\nport = \"443\"\ninsecure-flag = 1\ndatacenters = \"dc1\"\n\n[VirtualCenter \"vcenter.example.internal\"]\n\n[Workspace]\nserver = \"vcenter.example.internal\"\ndatacenter = \"dc1\"\nfolder = \"pcf_vms\"\ndefault-datastore = \"ds1\"\n")
	s.canary(c+"VCenterPassword", "plain", api+"cloud-provider.ini", "password = value")
	s.jobFile(api+"tokens.csv", fmt.Sprintf(`"%s","admin","admin","system:masters"
"%s",kubelet,kubelet
"%s",kubelet-drain,kubelet-drain
"%s",kube-proxy,kube-proxy
"%s",system:kube-controller-manager,system:kube-controller-manager
"%s",system:kube-scheduler,system:kube-scheduler
`, tokens["admin"], tokens["kubelet"], tokens["kubelet-drain"], tokens["kube-proxy"], tokens["kube-controller-manager"], tokens["kube-scheduler"]))
	s.jobFile(api+"audit_policy.yml", `---
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
  nonResourceURLs:
  - "/healthz*"
  - "/version"
- level: None
  resources:
  - group: ''
    resources:
    - events
- level: Metadata
  omitStages:
  - RequestReceived
  resources:
  - group: ''
    resources:
    - secrets
    - configmaps
  - group: authentication.k8s.io
    resources:
    - tokenreviews
- level: Request
  omitStages:
  - RequestReceived
`)
	s.jobFile(tkgiJobs+"/kube-apiserver/bin/post-start", "#!/bin/bash -e\n\n/var/vcap/jobs/kube-apiserver/bin/ensure_apiserver_healthy\n")
	s.dir("/var/vcap/sys/log/kube-apiserver", "0755")
	s.attrs = append(s.attrs, "/var/vcap/sys/log/kube-apiserver/audit.log 0600 vcap vcap file")

	// kube-controller-manager
	cm := tkgiJobs + "/kube-controller-manager/config/"
	s.jobDirs("kube-controller-manager", "bin", "config")
	s.jobFile(tkgiJobs+"/kube-controller-manager/monit", bpmMonit("kube-controller-manager"))
	cmArgs := []string{
		"--cluster-signing-cert-file=" + cm + "cluster-signing-ca.pem", "--cluster-signing-key-file=" + cm + "cluster-signing-key.pem",
		"--kubeconfig=" + cm + "kubeconfig", "--profiling=false", "--root-ca-file=" + cm + "ca.pem",
		"--service-account-private-key-file=" + cm + "service-account-private-key.pem", "--terminated-pod-gc-threshold=100",
		"--tls-cert-file=" + cm + "kube-controller-manager-cert.pem", "--tls-private-key-file=" + cm + "kube-controller-manager-private-key.pem",
		"--use-service-account-credentials=true", "--v=2",
		"--cloud-provider=vsphere", "--cloud-config=" + cm + "cloud-provider.ini",
	}
	s.jobFile(cm+"bpm.yml", bpmYAML("kube-controller-manager", tkgiK8sBin+"/kube-controller-manager", cmArgs,
		"  hooks:\n    pre_start: /var/vcap/jobs/kube-controller-manager/bin/chmod-product-serial\n"))
	s.jobFile(cm+"ca.pem", p.ca.pem())
	s.jobFile(cm+"cluster-signing-ca.pem", p.ca.pem())
	s.jobKey(cm+"cluster-signing-key.pem", c+"ClusterSigningKey")
	s.jobFile(cm+"kube-controller-manager-cert.pem", p.controllerManager)
	s.jobKey(cm+"kube-controller-manager-private-key.pem", c+"ControllerManagerKey")
	s.jobKey(cm+"service-account-private-key.pem", c+"CMSAKey")
	s.jobFile(cm+"kubeconfig", tokenKubeconfig("kube-controller-manager", "kube-controller-manager", "ca.pem", tokens["kube-controller-manager"]))
	s.jobFile(cm+"cloud-provider.ini", "[Global]\nuser = \"tkgi-vcenter@vsphere.local\"\npassword = \""+c+"VCenterPasswordCM\"\nport = \"443\"\ninsecure-flag = 1\ndatacenters = \"dc1\"\n")
	s.canary(c+"VCenterPasswordCM", "plain", cm+"cloud-provider.ini", "password = value")
	s.jobFile(tkgiJobs+"/kube-controller-manager/bin/chmod-product-serial", "#!/bin/bash\n\nchmod 0644 /sys/class/dmi/id/product_serial || true\n")

	// kube-scheduler
	sch := tkgiJobs + "/kube-scheduler/config/"
	s.jobDirs("kube-scheduler", "config")
	s.jobFile(tkgiJobs+"/kube-scheduler/monit", bpmMonit("kube-scheduler"))
	schArgs := []string{"--profiling=false", "--config=" + sch + "config.yml"}
	s.jobFile(sch+"bpm.yml", bpmYAML("kube-scheduler", tkgiK8sBin+"/kube-scheduler", schArgs, ""))
	s.jobFile(sch+"ca.pem", p.ca.pem())
	s.jobFile(sch+"kubeconfig", tokenKubeconfig("kube-scheduler", "kube-scheduler", "ca.pem", tokens["kube-scheduler"]))
	s.jobFile(sch+"config.yml", `---
apiVersion: kubescheduler.config.k8s.io/v1beta1
clientConnection:
  kubeconfig: "/var/vcap/jobs/kube-scheduler/config/kubeconfig"
kind: KubeSchedulerConfiguration
`)

	// etcd (cfcr-etcd-release): bpm runs the job's bin/etcd, a bash script
	// that starts /var/vcap/packages/etcd/bin/etcd as its child.
	ec := tkgiJobs + "/etcd/config/"
	s.jobDirs("etcd", "bin", "config")
	s.jobFile(tkgiJobs+"/etcd/monit", bpmMonit("etcd"))
	s.jobFile(ec+"bpm.yml", "---\nprocesses:\n- name: etcd\n  executable: /var/vcap/jobs/etcd/bin/etcd\n  persistent_disk: true\n  limits:\n    open_files: 100000\n")
	s.jobFile(ec+"etcd-ca.crt", p.etcdCA.pem())
	s.jobFile(ec+"etcd.crt", p.etcd)
	s.jobKey(ec+"etcd.key", c+"EtcdKey")
	s.jobFile(ec+"peer-ca.crt", p.etcdCA.pem())
	s.jobFile(ec+"peer.crt", p.etcdPeer)
	s.jobKey(ec+"peer.key", c+"EtcdPeerKey")
	s.jobFile(ec+"etcdctl-ca.crt", p.etcdCA.pem())
	s.jobFile(ec+"etcdctl.crt", p.etcdClient)
	s.jobKey(ec+"etcdctl.key", c+"EtcdctlKey")
	s.dirOwned("/var/vcap/store/etcd", "0700", "vcap", "vcap")
	s.dirOwned("/var/vcap/store/etcd/member", "0700", "vcap", "vcap")
	s.dirOwned("/var/vcap/store/etcd/member/snap", "0700", "vcap", "vcap")
	s.dirOwned("/var/vcap/store/etcd/member/wal", "0700", "vcap", "vcap")

	s.proc(tkgiK8sBin+"/kube-apiserver", apiArgs...)
	s.proc(tkgiK8sBin+"/kube-controller-manager", cmArgs...)
	s.proc(tkgiK8sBin+"/kube-scheduler", schArgs...)
	s.proc("/var/vcap/packages/etcd/bin/etcd", "--name="+tkgiMasterID, "--data-dir=/var/vcap/store/etcd",
		"--listen-peer-urls=https://0.0.0.0:2380", "--initial-advertise-peer-urls=https://master-0.etcd.cfcr.internal:2380",
		"--listen-client-urls=https://0.0.0.0:2379", "--advertise-client-urls=https://master-0.etcd.cfcr.internal:2379",
		"--initial-cluster="+tkgiMasterID+"=https://master-0.etcd.cfcr.internal:2380", "--initial-cluster-state=existing",
		"--client-cert-auth", "--trusted-ca-file="+ec+"etcd-ca.crt", "--cert-file="+ec+"etcd.crt", "--key-file="+ec+"etcd.key",
		"--peer-client-cert-auth", "--peer-trusted-ca-file="+ec+"peer-ca.crt", "--peer-cert-file="+ec+"peer.crt",
		"--peer-key-file="+ec+"peer.key", "--cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
	return s
}

func tkgiWorker() *spec {
	const c = "KPCANARYtkgiW"
	s := newSpec("tkgi-worker", tkgiWorkerID, "Node "+tkgiWorkerID+" ("+tkgiWorkerIP+"), TKGI worker, Kubernetes "+tkgiK8sVersion+", default plan")
	p := tkgiCluster()
	tkgiBase(s)
	tkgiFlanneld(s, p, c)
	for _, b := range []string{"kubelet", "kube-proxy", "kubectl"} {
		s.file(tkgiK8sBin+"/"+b, "0755", string(goelf.Binary(tkgiGo, goelf.KubernetesModInfo(b, tkgiK8sVersion))))
	}

	// kubelet
	kc := tkgiJobs + "/kubelet/config/"
	s.jobDirs("kubelet", "bin", "config")
	s.jobFile(tkgiJobs+"/kubelet/monit", `check process kubelet
  with pidfile /var/vcap/sys/run/kubernetes/kubelet.pid
  start program "/var/vcap/jobs/kubelet/bin/kubelet_ctl start"
  stop program "/var/vcap/jobs/kubelet/bin/kubelet_ctl stop"
  group vcap
  depends on docker
`)
	s.jobFile(kc+"kubeletconfig.yml", `---
apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: "/var/vcap/jobs/kubelet/config/kubelet-client-ca.pem"
authorization:
  mode: Webhook
clusterDNS:
- 10.100.200.10
clusterDomain: cluster.local
failSwapOn: false
kind: KubeletConfiguration
makeIPTablesUtilChains: true
protectKernelDefaults: true
readOnlyPort: 0
serializeImagePulls: false
streamingConnectionIdleTimeout: 5m0s
tlsCertFile: "/var/vcap/jobs/kubelet/config/kubelet.pem"
tlsPrivateKeyFile: "/var/vcap/jobs/kubelet/config/kubelet-key.pem"
`)
	s.jobFile(kc+"kubelet-client-ca.pem", p.ca.pem())
	s.jobFile(kc+"apiserver-ca.pem", p.ca.pem())
	s.jobFile(kc+"kubelet.pem", p.kubelet+p.ca.pem())
	s.jobKey(kc+"kubelet-key.pem", c+"KubeletKey")
	kubeletToken, drainToken := filler(c+"KubeletToken", 32), filler(c+"KubeletDrainToken", 32)
	s.jobFile(kc+"kubeconfig", tokenKubeconfig("kubelet", "kubelet", "apiserver-ca.pem", kubeletToken))
	s.canary(c+"KubeletToken", "plain", kc+"kubeconfig", "token: value (static token)")
	s.jobFile(kc+"kubeconfig-drain", tokenKubeconfig("kubelet", "kubelet-drain", "apiserver-ca.pem", drainToken))
	s.canary(c+"KubeletDrainToken", "plain", kc+"kubeconfig-drain", "token: value (static token)")
	s.jobFile(tkgiJobs+"/kubelet/bin/kubelet_ctl", "#!/bin/bash -ex\n\nNAME=\"${0##*/}\"\n\nexport PATH=/var/vcap/packages/kubernetes/bin/:/var/vcap/packages/docker/sbin/:/var/vcap/packages/socat/bin/:$PATH\n\nRUN_DIR=/var/vcap/sys/run/kubernetes\nPIDFILE=$RUN_DIR/kubelet.pid\nLOG_DIR=/var/vcap/sys/log/kubelet\n")
	s.dir("/var/vcap/data", "0755")
	s.dir("/var/vcap/data/kubelet", "0750")

	// kube-proxy
	pc := tkgiJobs + "/kube-proxy/config/"
	s.jobDirs("kube-proxy", "bin", "config")
	s.jobFile(tkgiJobs+"/kube-proxy/monit", `check process kube-proxy
  with pidfile /var/vcap/sys/run/kubernetes/kube-proxy.pid
  start program "/var/vcap/jobs/kube-proxy/bin/kube_proxy_ctl start"
  stop program "/var/vcap/jobs/kube-proxy/bin/kube_proxy_ctl stop"
  group vcap
`)
	proxyToken := filler(c+"KubeProxyToken", 32)
	s.jobFile(pc+"kubeconfig", tokenKubeconfig("kube-proxy", "kube-proxy", "ca.pem", proxyToken))
	s.canary(c+"KubeProxyToken", "plain", pc+"kubeconfig", "token: value (static token)")
	s.jobFile(pc+"ca.pem", p.ca.pem())
	s.jobFile(pc+"config.yml", `---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
clientConnection:
  kubeconfig: "/var/vcap/jobs/kube-proxy/config/kubeconfig"
clusterCIDR: 10.200.0.0/16
iptables:
  masqueradeAll: false
  masqueradeBit: 14
  minSyncPeriod: 0s
  syncPeriod: 30s
kind: KubeProxyConfiguration
mode: iptables
portRange: ''
hostnameOverride: `+tkgiWorkerIP+`
`)

	// Docker (docker-boshrelease)
	s.proc("/var/vcap/packages/docker/sbin/dockerd", "--bridge=cni0", "--default-ulimit", "nofile=1048576",
		"--group", "vcap", "--host", "unix:///var/vcap/sys/run/docker/docker.sock", "--iptables=false", "--ip-masq=false",
		"--live-restore", "--log-level=error", "--log-opt=max-size=128m", "--log-opt=max-file=2",
		"--pidfile", "/var/vcap/sys/run/docker/docker.pid", "--data-root", "/var/vcap/store/docker/docker", "--storage-driver=overlay2")
	s.proc("containerd", "--config", "/var/run/docker/containerd/containerd.toml", "--log-level", "error")
	s.procs = append(s.procs, "+exe\t/var/vcap/packages/docker/sbin/containerd")

	// The control scripts run the kubelet and kube-proxy as their children,
	// found on the PATH they export.
	path := "PATH=/var/vcap/packages/kubernetes/bin/:/var/vcap/packages/docker/sbin/:/var/vcap/packages/socat/bin/:/usr/sbin:/usr/bin:/sbin:/bin"
	s.proc("/bin/bash", "-ex", "/var/vcap/jobs/kubelet/bin/kubelet_ctl", "start")
	s.proc("kubelet", "--cni-bin-dir=/var/vcap/jobs/kubelet/packages/cni/bin", "--container-runtime=docker",
		"--docker=unix:///var/vcap/sys/run/docker/docker.sock", "--docker-endpoint=unix:///var/vcap/sys/run/docker/docker.sock",
		"--kubeconfig="+kc+"kubeconfig", "--network-plugin=cni", "--root-dir=/var/vcap/data/kubelet",
		"--cloud-provider=vsphere", "--hostname-override="+tkgiWorkerIP,
		"--node-labels=spec.ip="+tkgiWorkerIP+",bosh.id="+tkgiWorkerID+",bosh.zone=az1,failure-domain.beta.kubernetes.io/zone=az1",
		"--config="+kc+"kubeletconfig.yml")
	s.procs = append(s.procs, "+exe\t"+tkgiK8sBin+"/kubelet")
	s.env(path)
	s.proc("/bin/bash", "-ex", "/var/vcap/jobs/kube-proxy/bin/kube_proxy_ctl", "start")
	s.proc("kube-proxy", "--config="+pc+"config.yml")
	s.procs = append(s.procs, "+exe\t"+tkgiK8sBin+"/kube-proxy")
	s.env("PATH=/var/vcap/packages/kubernetes/bin/:/usr/sbin:/usr/bin:/sbin:/bin")
	return s
}

var osReleaseXenial = `NAME="Ubuntu"
VERSION="16.04.7 LTS (Xenial Xerus)"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu 16.04.7 LTS"
VERSION_ID="16.04"
HOME_URL="http://www.ubuntu.com/"
SUPPORT_URL="http://help.ubuntu.com/"
BUG_REPORT_URL="http://bugs.launchpad.net/ubuntu/"
VERSION_CODENAME=xenial
UBUNTU_CODENAME=xenial
`
