package main

import (
	"time"
)

// buildViolations is the same kind of kubeadm v1.33 cluster, left at its
// defaults where hardening would change them, with violations of every
// section-5 check planted. Every c.expect names a row the judge must find.
func buildViolations() *cluster {
	c := newCluster("violations", time.Time{}, linuxNodes(true))
	c.bootstrap(false)
	c.at(c.nodes[0].initAt().Add(4 * time.Minute))
	c.calico()
	c.at(day1)
	c.metricsServer()
	c.ingressNginx(false)
	c.at(day1.Add(20 * time.Minute))
	c.certManager(false)
	c.at(day1.Add(45 * time.Minute))
	c.gatekeeper()
	// Gatekeeper is told to leave kube-system alone (its documented
	// exemption).
	c.get("Namespace", "", "kube-system").m["metadata"].(obj)["labels"].(obj)["admission.gatekeeper.sh/ignore"] = "true"
	c.monitoring(day2)
	c.csr("kubelet", "csr-"+suffix(5, c.name, "kubelet-rotation"), "kubernetes.io/kube-apiserver-client-kubelet", "system:node:kp-worker-1",
		[]string{"system:nodes"}, "system:node:kp-worker-1", []string{"system:nodes"}, []string{"digital signature", "client auth"}, true,
		time.Date(2025, 6, 24, 8, 12, 0, 0, time.UTC))

	c.at(day2.Add(2 * time.Hour))
	c.plantRBAC()
	c.teamA()
	c.teamB()
	c.legacy()
	c.defaultNamespace()
	c.kubeSystemPlants()
	c.at(day4)
	c.namespace("", "scratch", nil, nil)
	c.get("ServiceAccount", "scratch", "default").origin = "service account controller"
	c.expect("5.3.2", "Namespace scratch")
	return c
}

// crbTo binds a ClusterRole cluster-wide and expects its rows.
func (c *cluster) crbTo(name, role string, s subject, checks ...string) {
	c.addBinding("", bindingDef{name: name, roleKind: "ClusterRole", role: role, subjects: []subject{s}})
	for _, k := range checks {
		c.expect(k, "ClusterRoleBinding "+name+" subject "+s.String())
	}
}

func (c *cluster) rbTo(ns, name, roleKind, role string, s subject, checks ...string) {
	c.addBinding("", bindingDef{ns: ns, name: name, roleKind: roleKind, role: role, subjects: []subject{s}})
	for _, k := range checks {
		c.expect(k, "RoleBinding "+ns+"/"+name+" subject "+s.String())
	}
}

// allAccess are the access checks cluster-admin answers.
var allAccess = []string{"5.1.1", "5.1.2", "5.1.4", "5.1.8", "5.1.9", "5.1.10", "5.1.11", "5.1.12", "5.1.13"}

// editAccess are those the aggregated edit (and admin) role answers.
var editAccess = []string{"5.1.2", "5.1.4", "5.1.8", "5.1.13"}

func (c *cluster) plantRBAC() {
	// 5.1.1: cluster-admin bound to people, a pipeline, system:masters.
	c.crbTo("ops-team-admin", "cluster-admin", group("oidc:ops-team"), allAccess...)
	c.crbTo("ci-deployer", "cluster-admin", sa("team-b", "deployer"), allAccess...)
	c.crbTo("break-glass", "cluster-admin", group("system:masters"), append([]string{"5.1.7"}, allAccess...)...)
	// An extra subject on the bootstrap binding itself, which the API
	// server's reconciliation keeps.
	crb := c.get("ClusterRoleBinding", "", "cluster-admin")
	crb.m["subjects"] = append(crb.m["subjects"].([]any), user("alice@example.com").obj())
	for _, k := range allAccess {
		c.expectOnDefault(k, "ClusterRoleBinding cluster-admin subject User alice@example.com")
	}

	// 5.1.2: every authenticated user reads every Secret (granted with
	// explicit verbs, not "*").
	c.addRole("", roleDef{name: "secret-reader", rules: []rule{r("", "secrets", "get,list,watch")}})
	c.crbTo("authenticated-secret-reader", "secret-reader", group("system:authenticated"), "5.1.2")

	// 5.1.3: a read-everything ClusterRole (wildcards alone in their lists).
	c.addRole("", roleDef{name: "ops-readonly-all", rules: []rule{r("*", "*", "get,list,watch"), nr("*", "get")}})
	c.expect("5.1.3", "ClusterRole ops-readonly-all")
	c.crbTo("ops-readonly", "ops-readonly-all", group("oidc:ops-readonly"), "5.1.2", "5.1.10")

	// 5.1.4: every authenticated user creates pods; a CI service account too.
	c.addRole("", roleDef{name: "pod-launcher", rules: []rule{r("", "pods", "create,delete,get,list,watch"), r("", "pods/log", "get")}})
	c.crbTo("ci-runners", "pod-launcher", group("system:authenticated"), "5.1.4")
	c.crbTo("jenkins", "pod-launcher", sa("team-b", "jenkins"), "5.1.4")

	// 5.1.8: bind and escalate; impersonation.
	c.addRole("", roleDef{name: "rbac-manager", rules: []rule{
		r("rbac.authorization.k8s.io", "roles,clusterroles", "bind,escalate,get,list,watch"),
		r("rbac.authorization.k8s.io", "rolebindings,clusterrolebindings", "create,delete,get,list,watch,update")}})
	c.crbTo("rbac-operator", "rbac-manager", sa("team-b", "rbac-operator"), "5.1.8")
	c.addRole("", roleDef{name: "impersonator", rules: []rule{
		r("", "users,groups", "impersonate"), r("authentication.k8s.io", "userextras/scopes,uids", "impersonate")}})
	c.crbTo("support-impersonation", "impersonator", group("oidc:support"), "5.1.8")

	// 5.1.9: PersistentVolumes.
	c.addRole("", roleDef{name: "pv-admin", rules: []rule{r("", "persistentvolumes", "create,delete,get,list,watch,update")}})
	c.crbTo("storage-admins", "pv-admin", user("storage-admin@example.com"), "5.1.9")

	// 5.1.10: the kubelet API through nodes/proxy.
	c.addRole("", roleDef{name: "kubelet-debug", rules: []rule{r("", "nodes", "get,list"), r("", "nodes/proxy", "get,create")}})
	c.crbTo("sre-kubelet-debug", "kubelet-debug", group("oidc:sre"), "5.1.10")

	// 5.1.11: approving CSRs.
	c.addRole("", roleDef{name: "csr-approver", rules: []rule{
		r("certificates.k8s.io", "certificatesigningrequests", "get,list,watch"),
		r("certificates.k8s.io", "certificatesigningrequests/approval", "update"),
		rn("certificates.k8s.io", "signers", "approve", "kubernetes.io/kube-apiserver-client")}})
	c.crbTo("cert-bot", "csr-approver", sa("team-b", "cert-bot"), "5.1.11")

	// 5.1.12: webhook configurations.
	c.addRole("", roleDef{name: "webhook-admin", rules: []rule{
		r("admissionregistration.k8s.io", "validatingwebhookconfigurations,mutatingwebhookconfigurations", "create,update,patch,delete,get,list,watch")}})
	c.crbTo("platform-webhooks", "webhook-admin", group("oidc:platform"), "5.1.12")

	// 5.1.13: minting tokens.
	c.addRole("", roleDef{name: "token-minter", rules: []rule{r("", "serviceaccounts/token", "create"), r("", "serviceaccounts", "get,list")}})
	c.crbTo("ci-token-minter", "token-minter", sa("team-b", "ci-token-minter"), "5.1.13")

	// 5.1.7: a client certificate for system:masters, approved.
	c.csr("", "alice-admin", "kubernetes.io/kube-apiserver-client", "alice@example.com", []string{"oidc:ops-team"},
		"alice", []string{"system:masters"}, []string{"client auth"}, true, time.Date(2025, 6, 12, 15, 4, 0, 0, time.UTC))
	c.expect("5.1.7", "CertificateSigningRequest alice-admin")
	c.csr("", "build-bot", "kubernetes.io/kube-apiserver-client", "system:serviceaccount:team-b:cert-bot", []string{"system:serviceaccounts", "system:serviceaccounts:team-b"},
		"build-bot", []string{"team-b"}, []string{"client auth"}, false, time.Date(2025, 6, 23, 11, 30, 0, 0, time.UTC))
}

// teamA is a namespace at the baseline Pod Security level, with network
// policies: what it holds breaks the restricted profile only.
func (c *cluster) teamA() {
	ns := "team-a"
	c.namespace("", ns, map[string]string{"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "latest",
		"pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/warn-version": "latest"}, bptr(false))
	c.get("ServiceAccount", ns, "default").origin = "service account controller"
	c.defaultDeny(ns)
	c.np(ns, "allow-web-from-ingress", map[string]string{"app": "web"}, []string{"Ingress"}, []any{obj{"from": []any{nsSel("ingress-nginx")}, "ports": []any{tcp(8080)}}}, nil)
	c.serviceAccount("", ns, "web", nil, nil, nil)
	c.serviceAccount("", ns, "api", bptr(false), nil, nil)
	c.serviceAccount("", ns, "ci", nil, nil, nil)
	// 5.1.2 in a namespace; 5.1.3 with a wildcard beside other groups.
	c.addRole("", roleDef{ns: ns, name: "secret-reader", rules: []rule{r("", "secrets", "get,list")}})
	c.rbTo(ns, "app-reads-secrets", "Role", "secret-reader", sa(ns, "api"), "5.1.2")
	c.addRole("", roleDef{ns: ns, name: "ci-deployer", rules: []rule{r("apps,batch,*", "deployments,jobs", "get,list,watch,create,update,patch")}})
	c.expect("5.1.3", "Role team-a/ci-deployer")
	c.rbTo(ns, "ci-deployer", "Role", "ci-deployer", sa(ns, "ci"))
	// 5.1.1 through a RoleBinding (cluster-admin's rules in one namespace).
	c.rbTo(ns, "team-a-admins", "ClusterRole", "cluster-admin", group("oidc:team-a-leads"), "5.1.1", "5.1.2", "5.1.4", "5.1.8", "5.1.13")

	// web: root, added capabilities, no seccomp; a token it does not need.
	wl := map[string]string{"app": "web"}
	web := c.deployment("", ns, "web", 2, podTmpl{labels: wl, sa: "web",
		containers: []ctr{{name: "web", image: "docker.io/library/nginx:1.27.3",
			ports: []obj{port("http", 8080, "TCP")}, resources: res("50m", "64Mi", "", "128Mi"),
			sc: obj{"runAsUser": 0, "capabilities": obj{"add": list("CHOWN", "SETUID", "SETGID")}}}}})
	for check, rest := range map[string]string{"5.2.6": "container web", "5.2.7": "container web", "5.2.8": "container web",
		"5.2.9": "container web", "5.6.2": "container web", "5.1.6": ""} {
		c.expectPods(web, check, rest)
	}
	c.service("", ns, "web", wl, wl, []obj{{"name": "http", "port": 80, "targetPort": "http"}}, "")

	// api: the database password from a Secret in env; a debug
	// container added with kubectl debug that allows privilege escalation.
	al := map[string]string{"app": "api"}
	t := podTmpl{labels: al, sa: "api", sc: obj{"runAsNonRoot": true, "runAsUser": 1000, "seccompProfile": obj{"type": "RuntimeDefault"}},
		containers: []ctr{{name: "api", image: "ghcr.io/example/team-a-api:0.9.3",
			env:   []obj{env("DB_HOST", "db.team-a.svc"), envSecret("DB_PASSWORD", "api-db", "password")},
			ports: []obj{port("http", 8080, "TCP")}, sc: ctrRestricted}}}
	api := c.deployment("", ns, "api", 1, t)
	c.expectPods(api, "5.4.1", "container api")
	// kubectl debug: an ephemeral container on the running pod.
	p := api.pods[0].o
	dbg := ctr{name: "debugger-" + suffix(5, c.name, "team-a-debug"), image: "docker.io/library/busybox:1.37", stdin: true, tty: true,
		targetContainer: "api",
		sc:              obj{"allowPrivilegeEscalation": true, "runAsNonRoot": true, "runAsUser": 1000, "capabilities": obj{"drop": list("ALL")}}}
	c.addEphemeral(p, t, dbg)
	rest := "ephemeralContainer " + dbg.name
	c.expect("5.2.6", "Pod "+p.ns+"/"+p.name+" "+rest)
	// (the pod's RuntimeDefault seccomp profile covers it: no 5.6.2)

	// report-gen: the pod asks for a token its ServiceAccount turns off.
	rl := map[string]string{"app": "report-gen"}
	rg := c.deployment("", ns, "report-gen", 1, podTmpl{labels: rl, automount: bptr(true), sc: podRestricted(1000),
		containers: []ctr{{name: "report-gen", image: "ghcr.io/example/report-gen:2.1.0", sc: ctrRestricted}}})
	c.expectPods(rg, "5.1.6", "")
	for _, p := range rg.pods {
		c.expect("5.1.5", "ServiceAccount team-a/default")
		_ = p
	}
	dbpw := c.plantCanary("TeamADbPassword", "base64", "Secret team-a/api-db data.password", "Secret data (base64)")
	c.secret("", ns, "api-db", "", map[string]string{"password": dbpw}, nil)
}

// addEphemeral adds an ephemeral container to a pod as `kubectl debug`
// does (the token mount included, as the API adds it).
func (c *cluster) addEphemeral(p *object, t podTmpl, e ctr) {
	spec := p.m["spec"].(obj)
	var tokenMount obj
	vols, _ := spec["volumes"].([]any)
	for _, v := range vols {
		if v.(obj)["projected"] != nil {
			tokenMount = obj{"name": v.(obj)["name"], "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}
		}
	}
	spec["ephemeralContainers"] = []any{containerObj(e, tokenMount)}
	st := p.m["status"].(obj)
	cid := "containerd://" + hashOf(c.name, p.name, e.name)
	st["ephemeralContainerStatuses"] = []any{obj{"name": e.name, "image": e.image, "imageID": imageID(e.image), "containerID": cid,
		"ready": false, "restartCount": 0, "lastState": obj{},
		"state": obj{"running": obj{"startedAt": ts(day4.Add(3 * time.Hour))}}}}
}

// teamB has no Pod Security labels: Gatekeeper's webhook is its policy
// mechanism. It has no network policies.
func (c *cluster) teamB() {
	ns := "team-b"
	c.namespace("", ns, nil, bptr(true))
	c.expect("5.1.5", "ServiceAccount team-b/default")
	c.expect("5.3.2", "Namespace team-b")
	for _, n := range []string{"deployer", "jenkins", "rbac-operator", "cert-bot", "ci-token-minter", "build-agent", "search", "worker", "net-probe", "log-forwarder"} {
		c.serviceAccount("", ns, n, nil, nil, nil)
	}
	// 5.1.x: edit for the team's developers.
	c.rbTo(ns, "devs-edit", "ClusterRole", "edit", group("oidc:team-b-devs"), editAccess...)

	// build-agent: Docker in Docker.
	bl := map[string]string{"app": "build-agent"}
	ba := c.deployment("", ns, "build-agent", 1, podTmpl{labels: bl, sa: "build-agent",
		volumes: []obj{emptyDirVol("docker-graph")},
		containers: []ctr{{name: "dind", image: "docker.io/library/docker:27.4-dind",
			env:    []obj{env("DOCKER_TLS_CERTDIR", "")},
			sc:     obj{"privileged": true},
			mounts: []obj{mount("docker-graph", "/var/lib/docker", false)}}}})
	for _, k := range []string{"5.2.2", "5.2.6", "5.2.7", "5.2.8", "5.2.9", "5.6.2"} {
		c.expectPods(ba, k, "container dind")
	}
	c.expectPods(ba, "5.1.6", "")

	// search: an Elasticsearch-like StatefulSet whose init containers set
	// a sysctl (privileged) and fix data ownership (privilege escalation
	// allowed); its main container is restricted but for seccomp.
	sl := map[string]string{"app": "search"}
	sr := c.statefulSet("", ns, "search", "search", 1, podTmpl{labels: sl, sa: "search", automount: bptr(false),
		sc: obj{"fsGroup": 1000, "runAsNonRoot": true, "runAsUser": 1000},
		init: []ctr{
			{name: "sysctl", image: "docker.io/library/busybox:1.37", command: []string{"sysctl", "-w", "vm.max_map_count=262144"},
				sc: obj{"privileged": true, "runAsUser": 0, "runAsNonRoot": false}},
			{name: "fix-permissions", image: "docker.io/library/busybox:1.37", command: []string{"sh", "-c", "chown -R 1000:1000 /usr/share/search/data"},
				sc:     obj{"allowPrivilegeEscalation": true, "runAsUser": 0, "runAsNonRoot": false, "capabilities": obj{"add": list("CHOWN"), "drop": list("ALL")}},
				mounts: []obj{mount("data", "/usr/share/search/data", false)}},
		},
		containers: []ctr{{name: "search", image: "docker.elastic.co/elasticsearch/elasticsearch:8.17.0",
			env:       []obj{env("discovery.type", "single-node"), env("ES_JAVA_OPTS", "-Xms1g -Xmx1g")},
			ports:     []obj{port("http", 9200, "TCP"), port("transport", 9300, "TCP")},
			sc:        obj{"allowPrivilegeEscalation": false, "capabilities": obj{"drop": list("ALL")}},
			resources: res("500m", "2Gi", "", "2Gi"),
			mounts:    []obj{mount("data", "/usr/share/search/data", false)}}}},
		[]any{obj{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": obj{"name": "data", "creationTimestamp": nil},
			"spec":   obj{"accessModes": list("ReadWriteOnce"), "resources": obj{"requests": obj{"storage": "50Gi"}}, "volumeMode": "Filesystem"},
			"status": obj{"phase": "Pending"}}})
	for k, rest := range map[string][]string{
		"5.2.2": {"initContainer sysctl"},
		"5.2.6": {"initContainer sysctl", "initContainer fix-permissions"},
		"5.2.7": {"initContainer sysctl", "initContainer fix-permissions"},
		"5.2.8": {"initContainer sysctl"},
		"5.2.9": {"initContainer sysctl", "initContainer fix-permissions"},
		"5.6.2": {"initContainer sysctl", "initContainer fix-permissions", "container search"},
	} {
		for _, x := range rest {
			c.expectPods(sr, k, x)
		}
	}

	// worker: secrets through envFrom; a sysadmin debug container.
	wl := map[string]string{"app": "worker"}
	wt := podTmpl{labels: wl, sa: "worker", sc: podRestricted(1000),
		containers: []ctr{{name: "worker", image: "ghcr.io/example/team-b-worker:5.2.0", envFrom: []obj{{"secretRef": obj{"name": "worker-secrets"}}},
			sc: ctrRestricted, resources: res("100m", "128Mi", "", "256Mi")}}}
	wk := c.deployment("", ns, "worker", 2, wt)
	c.expectPods(wk, "5.4.1", "container worker")
	c.expectPods(wk, "5.1.6", "")
	p := wk.pods[0].o
	dbg := ctr{name: "debugger-" + suffix(5, c.name, "team-b-debug"), image: "docker.io/nicolaka/netshoot:v0.13", stdin: true, tty: true,
		targetContainer: "worker", sc: obj{"privileged": true}}
	c.addEphemeral(p, wt, dbg)
	for _, k := range []string{"5.2.2", "5.2.6", "5.2.8", "5.2.9"} {
		c.expect(k, "Pod "+p.ns+"/"+p.name+" ephemeralContainer "+dbg.name)
	}
	// The pod's runAsUser and RuntimeDefault profile cover the debug
	// container: no 5.2.7, no 5.6.2.

	// net-probe: raw sockets, and seccomp turned off for its container.
	nl := map[string]string{"app": "net-probe"}
	npb := c.deployment("", ns, "net-probe", 1, podTmpl{labels: nl, sa: "net-probe", automount: bptr(false),
		sc: obj{"runAsNonRoot": true, "runAsUser": 1000, "seccompProfile": obj{"type": "RuntimeDefault"}},
		containers: []ctr{{name: "probe", image: "ghcr.io/example/net-probe:1.4.0",
			args: []string{"--targets=db.team-b.svc,api.team-a.svc", "--interval=30s"},
			sc: obj{"allowPrivilegeEscalation": false, "capabilities": obj{"add": list("NET_RAW", "NET_ADMIN"), "drop": list("ALL")},
				"seccompProfile": obj{"type": "Unconfined"}}}}})
	for _, k := range []string{"5.2.8", "5.2.9", "5.6.2"} {
		c.expectPods(npb, k, "container probe")
	}

	// log-forwarder: node logs through hostPath, as root.
	ll := map[string]string{"app": "log-forwarder"}
	lf := c.daemonSet("", ns, "log-forwarder", podTmpl{labels: ll, sa: "log-forwarder", automount: bptr(false),
		volumes: []obj{hostPathVol("varlog", "/var/log", ""), hostPathVol("containers", "/var/lib/containerd", "")},
		containers: []ctr{{name: "fluent-bit", image: "cr.fluentbit.io/fluent/fluent-bit:3.2.4",
			sc:     obj{"readOnlyRootFilesystem": true, "allowPrivilegeEscalation": false},
			mounts: []obj{mount("varlog", "/var/log", true), mount("containers", "/var/lib/containerd", true)}}}})
	for _, k := range []string{"5.2.7", "5.2.8", "5.2.9", "5.6.2"} {
		c.expectPods(lf, k, "container fluent-bit")
	}
	c.expectPods(lf, "5.2.11", "volume varlog")
	c.expectPods(lf, "5.2.11", "volume containers")

	wsec := c.secret("", ns, "worker-secrets", "", map[string]string{"QUEUE_PASSWORD": c.plantCanary("WorkerQueuePassword", "base64", "Secret team-b/worker-secrets data.QUEUE_PASSWORD", "Secret data (base64)")}, nil)
	// kubectl never prints stringData (it is write-only); a List written
	// by hand may hold it.
	wsec.m["stringData"] = obj{"SMTP_PASSWORD": c.plantCanary("WorkerSmtpStringData", "plain", "Secret team-b/worker-secrets stringData.SMTP_PASSWORD", "Secret stringData (only in hand-made Lists)")}
}

// legacy is an old namespace Gatekeeper is told to ignore, without Pod
// Security labels or network policies.
func (c *cluster) legacy() {
	ns := "legacy"
	nso := c.namespace("", ns, map[string]string{"admission.gatekeeper.sh/ignore": "true"}, nil)
	c.get("ServiceAccount", ns, "default").origin = "service account controller"
	note := c.plantCanary("LegacyOwnerNote", "plain", "annotation legacy.example.com/owner-notes of Namespace legacy", "free-form annotation")
	nso.m["metadata"].(obj)["annotations"] = obj{"legacy.example.com/owner-notes": "migrated from the old cluster; vault token " + note + " until the move to external secrets"}
	c.expect("5.2.1", "Namespace legacy")
	c.expect("5.3.2", "Namespace legacy")
	// The default ServiceAccount gets admin and a wildcard Role.
	c.rbTo(ns, "default-sa-admin", "ClusterRole", "admin", sa(ns, "default"), editAccess...)
	c.expect("5.1.5", "ServiceAccount legacy/default")
	c.addRole("", roleDef{ns: ns, name: "legacy-app", rules: []rule{r("", "configmaps", "*")}})
	c.expect("5.1.3", "Role legacy/legacy-app")
	c.rbTo(ns, "legacy-app-config", "Role", "legacy-app", sa(ns, "default"))

	// node-tuner: privileged, host PID and network, the host's root.
	tl := map[string]string{"app": "node-tuner"}
	nt := c.daemonSet("", ns, "node-tuner", podTmpl{labels: tl, hostPID: true, hostNetwork: true,
		tolerations: []obj{{"operator": "Exists"}},
		volumes:     []obj{hostPathVol("host-root", "/", "Directory")},
		containers: []ctr{{name: "tuner", image: "ghcr.io/example/node-tuner:0.3.1", command: []string{"/usr/bin/tuner", "--apply=/host/etc/tuned"},
			sc:     obj{"privileged": true, "runAsUser": 0, "capabilities": obj{"add": list("SYS_ADMIN")}},
			mounts: []obj{mount("host-root", "/host", false)}}}})
	for _, k := range []string{"5.2.2", "5.2.6", "5.2.7", "5.2.8", "5.2.9", "5.6.2"} {
		c.expectPods(nt, k, "container tuner")
	}
	for _, k := range []string{"5.2.3", "5.2.5", "5.1.6"} {
		c.expectPods(nt, k, "")
	}
	c.expectPods(nt, "5.2.11", "volume host-root")
	for _, p := range nt.pods {
		c.expect("5.1.5", "ServiceAccount legacy/default")
		_ = p
	}

	// shm-cache: the host's IPC namespace; no security context at all.
	sl := map[string]string{"app": "shm-cache"}
	sc := c.deployment("", ns, "shm-cache", 1, podTmpl{labels: sl, hostIPC: true,
		containers: []ctr{{name: "cache", image: "ghcr.io/example/shm-cache:1.0.7", ports: []obj{port("cache", 11211, "TCP")}}}})
	c.expectPods(sc, "5.2.4", "")
	c.expectPods(sc, "5.1.6", "")
	for _, k := range []string{"5.2.6", "5.2.7", "5.2.8", "5.2.9", "5.6.2", "5.6.3"} {
		c.expectPods(sc, k, "container cache")
	}

	// legacy-proxy: a host port, a password on the command line.
	pl := map[string]string{"app": "legacy-proxy"}
	dbArg := c.plantCanary("ProxyDbPasswordArg", "plain", "container arg --db-password of Deployment legacy/legacy-proxy, its ReplicaSet and Pod", "container args")
	px := c.deployment("", ns, "legacy-proxy", 1, podTmpl{labels: pl,
		containers: []ctr{{name: "proxy", image: "ghcr.io/example/legacy-proxy:2.0",
			args:  []string{"--listen=:8080", "--db-host=db.legacy.svc", "--db-password=" + dbArg},
			ports: []obj{hostPortOf("http", 8080, 8080)}}}})
	c.expectPods(px, "5.2.12", "container proxy")
	c.expectPods(px, "5.1.6", "")
	for _, k := range []string{"5.2.6", "5.2.7", "5.2.8", "5.2.9", "5.6.2", "5.6.3"} {
		c.expectPods(px, k, "container proxy")
	}

	// legacy-app: applied with kubectl apply; a literal password in env,
	// a bearer token inline in its command; its init container reads a
	// Secret into env.
	al := map[string]string{"app": "legacy-app"}
	envPw := c.plantCanary("LegacyDbPasswordEnv", "plain", "env DB_PASSWORD of Deployment legacy/legacy-app, its ReplicaSet, Pod and last-applied annotation", "env[].value of DB_PASSWORD")
	bearer := c.plantCanary("LegacyBearerToken", "plain", "command of Deployment legacy/legacy-app, its ReplicaSet, Pod and last-applied annotation (curl -H Authorization: Bearer …)", "container command")
	la := c.deployment("", ns, "legacy-app", 1, podTmpl{labels: al,
		init: []ctr{{name: "migrate", image: "ghcr.io/example/legacy-app:4.4.2", command: []string{"/app/migrate", "up"},
			env: []obj{envSecret("DB_PASSWORD", "legacy-db", "password")}}},
		containers: []ctr{{name: "app", image: "ghcr.io/example/legacy-app:4.4.2",
			command: []string{"sh", "-c", "curl -fsS -H 'Authorization: Bearer " + bearer + "' https://config.example.com/v1/legacy > /tmp/app.json && exec /app/server --config /tmp/app.json"},
			env:     []obj{env("DB_HOST", "db.legacy.svc"), env("DB_PASSWORD", envPw)},
			ports:   []obj{port("http", 8080, "TCP")}}}})
	applied(la.ctl)
	c.expectPods(la, "5.4.1", "initContainer migrate")
	c.expectPods(la, "5.1.6", "")
	for _, k := range []string{"5.2.6", "5.2.7", "5.2.8", "5.2.9", "5.6.2", "5.6.3"} {
		c.expectPods(la, k, "container app")
		c.expectPods(la, k, "initContainer migrate")
	}
	for range la.pods {
		c.expect("5.1.5", "ServiceAccount legacy/default")
	}

	// win-exporter: a Windows HostProcess container.
	xl := map[string]string{"app": "windows-exporter"}
	we := c.daemonSet("", ns, "windows-exporter", podTmpl{labels: xl, hostNetwork: true, os: "windows", automount: bptr(false),
		nodeSelector: map[string]string{"kubernetes.io/os": "windows"},
		sc:           obj{"windowsOptions": obj{"hostProcess": true, "runAsUserName": "NT AUTHORITY\\system"}},
		containers: []ctr{{name: "exporter", image: "ghcr.io/prometheus-community/windows-exporter:0.29.2",
			args:  []string{"--config.file=%CONTAINER_SANDBOX_MOUNT_POINT%/config.yml"},
			ports: []obj{port("http", 9182, "TCP")}}}})
	c.expectPods(we, "5.2.10", "")
	c.expectPods(we, "5.2.5", "")
	c.expectPods(we, "5.2.12", "container exporter")
	c.expectPods(we, "5.6.3", "container exporter")

	cfg := c.plantCanary("LegacyDatasourcePassword", "plain", "ConfigMap legacy/legacy-config data.application.properties", "ConfigMap data")
	c.add("", obj{"kind": "ConfigMap", "metadata": meta(ns, "legacy-config", al, nil), "data": obj{
		"application.properties": "server.port=8080\nspring.datasource.url=jdbc:postgresql://db.legacy.svc:5432/legacy\nspring.datasource.username=legacy\nspring.datasource.password=" + cfg + "\n"}})
	c.secret("", ns, "legacy-db", "", map[string]string{"password": envPw}, nil)
}

// defaultNamespace puts workloads in default.
func (c *cluster) defaultNamespace() {
	ns := "default"
	c.expectOnDefault("5.3.2", "Namespace default") // the namespace is a default; its pods are not
	dl := map[string]string{"run": "debug-shell"}
	t := podTmpl{labels: dl, containers: []ctr{{name: "debug-shell", image: "docker.io/nicolaka/netshoot:v0.13",
		command: []string{"sleep", "infinity"}, stdin: true, tty: true}}, restartPolicy: "Always"}
	p := c.addPod("", ns, "debug-shell", t, placement{node: c.workerNodes()[0]}, day4.Add(time.Hour), false, nil, nil)
	po := "Pod default/debug-shell"
	for _, k := range []string{"5.2.6", "5.2.7", "5.2.8", "5.2.9", "5.6.2", "5.6.3"} {
		c.expect(k, po+" container debug-shell")
	}
	c.expect("5.1.6", po)
	c.expect("5.6.4", po)
	_ = p
	hl := map[string]string{"app": "hello"}
	h := c.deployment("", ns, "hello", 1, podTmpl{labels: hl, sc: podRestricted(1000),
		containers: []ctr{{name: "hello", image: "gcr.io/google-samples/hello-app:2.0", ports: []obj{port("http", 8080, "TCP")}, sc: ctrRestricted}}})
	c.service("", ns, "hello", hl, hl, []obj{{"name": "http", "port": 80, "targetPort": "http"}}, "")
	c.expectPods(h, "5.6.4", "")
	c.expectPods(h, "5.1.6", "")
	c.expect("5.6.4", "Deployment default/hello")
	c.expect("5.6.4", "ReplicaSet default/"+h.rs.name)
	c.expect("5.6.4", "Service default/hello")
	for range []int{0, 1} {
		c.expect("5.1.5", "ServiceAccount default/default")
	}
}

// kubeSystemPlants adds a violating DaemonSet to kube-system, where the
// benchmark's pod-security checks do not look (they ask about namespaces
// with user workloads) and kube-bench does.
func (c *cluster) kubeSystemPlants() {
	ns := "kube-system"
	c.serviceAccount("", ns, "crash-collector", bptr(false), nil, nil)
	cl := map[string]string{"k8s-app": "crash-collector"}
	cc := c.daemonSet("", ns, "crash-collector", podTmpl{labels: cl, sa: "crash-collector", hostPID: true, hostIPC: true,
		tolerations: []obj{{"operator": "Exists"}}, priorityClass: "system-node-critical",
		volumes: []obj{hostPathVol("crash", "/var/crash", "DirectoryOrCreate")},
		containers: []ctr{{name: "collector", image: "ghcr.io/example/crash-collector:1.1.0",
			sc:     obj{"privileged": true},
			mounts: []obj{mount("crash", "/var/crash", false)}}}})
	for _, k := range []string{"5.2.2", "5.2.6", "5.2.7", "5.2.8", "5.2.9", "5.6.2"} {
		c.expectPods(cc, k, "container collector")
	}
	c.expectPods(cc, "5.2.3", "")
	c.expectPods(cc, "5.2.4", "")
	c.expectPods(cc, "5.2.11", "volume crash")
}
