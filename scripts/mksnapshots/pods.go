package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ctr is a container as a manifest writes it; the builder adds what the
// API server defaults.
type ctr struct {
	name, image      string
	command, args    []string
	env              []obj
	envFrom          []obj
	ports            []obj
	sc               obj // securityContext; nil: none
	mounts           []obj
	resources        obj
	liveness, ready  obj
	startup          obj
	lifecycle        obj
	workingDir       string
	pullPolicy       string
	targetContainer  string // ephemeral containers: kubectl debug --target
	restartAlways    bool   // native sidecar init container
	stdin, tty       bool
	terminationPath  string
	terminationPolic string
}

// podTmpl is a pod template as a manifest writes it.
type podTmpl struct {
	labels, ann     map[string]string
	sa              string // serviceAccountName as written ("" none)
	automount       *bool
	hostNetwork     bool
	hostPID         bool
	hostIPC         bool
	sc              obj // pod securityContext as written
	init            []ctr
	containers      []ctr
	ephemeral       []ctr // only ever on Pods (kubectl debug)
	volumes         []obj
	nodeSelector    map[string]string
	tolerations     []obj
	affinity        obj
	priorityClass   string
	dnsPolicy       string
	restartPolicy   string
	grace           *int
	os              string // "windows" for HostProcess pods
	hostname        string
	subdomain       string
	enableLinks     *bool
	shareProcessNS  bool
	runtimeClass    string
	topologySpread  []any
	imagePullSecret string
}

// volume helpers.
func hostPathVol(name, path, typ string) obj {
	return obj{"name": name, "hostPath": kv("path", path, "type", typ)}
}
func configMapVol(name, cm string) obj {
	return obj{"name": name, "configMap": obj{"name": cm, "defaultMode": 420}}
}
func secretVol(name, secret string) obj {
	return obj{"name": name, "secret": obj{"secretName": secret, "defaultMode": 420}}
}
func emptyDirVol(name string) obj { return obj{"name": name, "emptyDir": obj{}} }
func pvcVol(name, claim string) obj {
	return obj{"name": name, "persistentVolumeClaim": obj{"claimName": claim}}
}
func mount(name, path string, ro bool) obj {
	m := obj{"name": name, "mountPath": path}
	if ro {
		m["readOnly"] = true
	}
	return m
}
func port(name string, p int, proto string) obj {
	if proto == "" {
		proto = "TCP"
	}
	return kv("name", name, "containerPort", p, "protocol", proto)
}
func hostPortOf(name string, p, hp int) obj {
	o := port(name, p, "TCP")
	o["hostPort"] = hp
	return o
}
func env(name, value string) obj { return obj{"name": name, "value": value} }
func envField(name, path string) obj {
	return obj{"name": name, "valueFrom": obj{"fieldRef": obj{"apiVersion": "v1", "fieldPath": path}}}
}
func envSecret(name, secret, key string) obj {
	return obj{"name": name, "valueFrom": obj{"secretKeyRef": obj{"name": secret, "key": key}}}
}
func envConfigMap(name, cm, key string) obj {
	return obj{"name": name, "valueFrom": obj{"configMapKeyRef": obj{"name": cm, "key": key}}}
}
func httpProbe(path string, p any, scheme string, extra ...any) obj {
	o := obj{"httpGet": obj{"path": path, "port": p, "scheme": scheme}}
	fillProbe(o, extra...)
	return o
}
func execProbe(cmd []string, extra ...any) obj {
	o := obj{"exec": obj{"command": list(cmd...)}}
	fillProbe(o, extra...)
	return o
}

// fillProbe sets a probe's timings (pairs) and the API's defaults.
func fillProbe(o obj, extra ...any) {
	o["failureThreshold"] = 3
	o["periodSeconds"] = 10
	o["successThreshold"] = 1
	o["timeoutSeconds"] = 1
	for i := 0; i+1 < len(extra); i += 2 {
		o[extra[i].(string)] = extra[i+1]
	}
}
func res(reqCPU, reqMem, limCPU, limMem string) obj {
	return kv("requests", strmap(merge(kvs("cpu", reqCPU), kvs("memory", reqMem))),
		"limits", strmap(merge(kvs("cpu", limCPU), kvs("memory", limMem))))
}
func kvs(k, v string) map[string]string {
	if v == "" {
		return nil
	}
	return map[string]string{k: v}
}

// restricted is the container securityContext the Pod Security
// Standards' restricted profile asks for.
func restrictedSC(uid int) obj {
	return kv("allowPrivilegeEscalation", false, "capabilities", obj{"drop": list("ALL")},
		"runAsNonRoot", true, "runAsUser", uidOrNil(uid), "readOnlyRootFilesystem", true,
		"seccompProfile", obj{"type": "RuntimeDefault"})
}
func uidOrNil(u int) any {
	if u == 0 {
		return nil
	}
	return u
}

// containerObj renders a container with the API's defaults.
func containerObj(x ctr, tokenMount obj) obj {
	pull := x.pullPolicy
	if pull == "" {
		pull = "IfNotPresent"
		if strings.HasSuffix(x.image, ":latest") || !strings.Contains(x.image[strings.LastIndex(x.image, "/")+1:], ":") {
			pull = "Always"
		}
	}
	mounts := append([]obj{}, x.mounts...)
	if tokenMount != nil {
		mounts = append(mounts, tokenMount)
	}
	tp, tpol := x.terminationPath, x.terminationPolic
	if tp == "" {
		tp = "/dev/termination-log"
	}
	if tpol == "" {
		tpol = "File"
	}
	rs := x.resources
	if rs == nil {
		rs = obj{}
	}
	o := kv("name", x.name, "image", x.image, "imagePullPolicy", pull,
		"command", list(x.command...), "args", list(x.args...),
		"env", objs(x.env...), "envFrom", objs(x.envFrom...), "ports", objs(x.ports...),
		"securityContext", x.sc, "volumeMounts", objs(mounts...),
		"livenessProbe", x.liveness, "readinessProbe", x.ready, "startupProbe", x.startup,
		"lifecycle", x.lifecycle, "workingDir", x.workingDir,
		"terminationMessagePath", tp, "terminationMessagePolicy", tpol,
		"targetContainerName", x.targetContainer)
	o["resources"] = rs
	if x.restartAlways {
		o["restartPolicy"] = "Always"
	}
	if x.stdin {
		o["stdin"] = true
	}
	if x.tty {
		o["tty"] = true
	}
	return o
}

// where a pod runs and what its controller is.
type placement struct {
	node     node
	owner    obj // ownerReference
	podIndex int
}

// specObj renders a pod spec. For a Pod (pod true) it applies what
// admission adds: the ServiceAccount and its token volume, the default
// tolerations, the priority. ns is the pod's namespace, c the cluster (to
// read the ServiceAccount's automountServiceAccountToken).
func (c *cluster) specObj(ns string, t podTmpl, pod bool, pl placement, seed string) obj {
	saName := t.sa
	var tokenVol, tokenMount obj
	if pod && !isStatic(t) {
		if saName == "" {
			saName = "default"
		}
		if c.tokenMounted(ns, saName, t.automount) {
			vname := "kube-api-access-" + suffix(5, c.name, ns, seed, "token")
			tokenVol = obj{"name": vname, "projected": obj{"defaultMode": 420, "sources": []any{
				obj{"serviceAccountToken": obj{"expirationSeconds": 3607, "path": "token"}},
				obj{"configMap": obj{"name": "kube-root-ca.crt", "items": []any{obj{"key": "ca.crt", "path": "ca.crt"}}}},
				obj{"downwardAPI": obj{"items": []any{obj{"path": "namespace", "fieldRef": obj{"apiVersion": "v1", "fieldPath": "metadata.namespace"}}}}},
			}}}
			tokenMount = obj{"name": vname, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}
		}
	}
	render := func(cs []ctr) []any {
		var out []any
		for _, x := range cs {
			out = append(out, containerObj(x, tokenMount))
		}
		return out
	}
	vols := append([]obj{}, t.volumes...)
	if tokenVol != nil {
		vols = append(vols, tokenVol)
	}
	sc := t.sc
	if sc == nil {
		sc = obj{} // the API defaults an absent pod securityContext to {}
	}
	dns := t.dnsPolicy
	if dns == "" {
		dns = "ClusterFirst"
	}
	restart := t.restartPolicy
	if restart == "" {
		restart = "Always"
	}
	grace := 30
	if t.grace != nil {
		grace = *t.grace
	}
	links := true
	if t.enableLinks != nil {
		links = *t.enableLinks
	}
	containers := render(t.containers)
	if t.hostNetwork {
		// Defaulting: on the host network a port's hostPort is its
		// containerPort.
		for _, list := range [][]any{containers} {
			for _, co := range list {
				if ps, ok := co.(obj)["ports"].([]any); ok {
					for _, p := range ps {
						if _, set := p.(obj)["hostPort"]; !set {
							p.(obj)["hostPort"] = p.(obj)["containerPort"]
						}
					}
				}
			}
		}
	}
	s := kv("containers", containers, "initContainers", render(t.init),
		"volumes", objs(vols...), "nodeSelector", strmap(t.nodeSelector),
		"tolerations", objs(t.tolerations...), "affinity", t.affinity,
		"priorityClassName", t.priorityClass, "hostname", t.hostname, "subdomain", t.subdomain,
		"runtimeClassName", t.runtimeClass, "topologySpreadConstraints", t.topologySpread)
	if t.imagePullSecret != "" {
		s["imagePullSecrets"] = []any{obj{"name": t.imagePullSecret}}
	}
	s["securityContext"] = sc
	s["dnsPolicy"] = dns
	s["restartPolicy"] = restart
	s["schedulerName"] = "default-scheduler"
	s["terminationGracePeriodSeconds"] = grace
	if t.hostNetwork {
		s["hostNetwork"] = true
	}
	if t.hostPID {
		s["hostPID"] = true
	}
	if t.hostIPC {
		s["hostIPC"] = true
	}
	if t.shareProcessNS {
		s["shareProcessNamespace"] = true
	}
	if t.os != "" {
		s["os"] = obj{"name": t.os}
	}
	if t.automount != nil {
		s["automountServiceAccountToken"] = *t.automount
	}
	if saName != "" {
		s["serviceAccountName"] = saName
		s["serviceAccount"] = saName // the deprecated alias the API still fills
	}
	if pod {
		s["enableServiceLinks"] = links
		s["preemptionPolicy"] = "PreemptLowerPriority"
		s["priority"] = priorityOf(t.priorityClass)
		s["nodeName"] = pl.node.name
		if !isStatic(t) {
			s["tolerations"] = objs(append(append([]obj{}, t.tolerations...), defaultTolerations(t, pl)...)...)
		}
		if len(t.ephemeral) > 0 {
			s["ephemeralContainers"] = render(t.ephemeral)
		}
	} else if t.enableLinks != nil {
		s["enableServiceLinks"] = links
	}
	return s
}

func isStatic(t podTmpl) bool { return t.ann["kubernetes.io/config.source"] == "file" }

func priorityOf(class string) int {
	switch class {
	case "system-node-critical":
		return 2000001000
	case "system-cluster-critical":
		return 2000000000
	}
	return 0
}

// defaultTolerations are those admission (DefaultTolerationSeconds) and
// the DaemonSet controller add to a pod.
func defaultTolerations(t podTmpl, pl placement) []obj {
	exec := func(key string) obj {
		return obj{"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
	}
	if pl.owner != nil && pl.owner["kind"] == "DaemonSet" {
		out := []obj{
			{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
			{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
			{"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
			{"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
			{"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
			{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
		}
		if t.hostNetwork {
			out = append(out, obj{"key": "node.kubernetes.io/network-unavailable", "operator": "Exists", "effect": "NoSchedule"})
		}
		return out
	}
	for _, x := range t.tolerations {
		if x["operator"] == "Exists" && x["key"] == nil && x["effect"] == nil {
			return nil // tolerates everything already
		}
	}
	return []obj{exec("node.kubernetes.io/not-ready"), exec("node.kubernetes.io/unreachable")}
}

// tokenMounted says whether the ServiceAccount admission plugin mounts a
// token: the pod's automountServiceAccountToken wins, else the
// ServiceAccount's, else true.
func (c *cluster) tokenMounted(ns, sa string, pod *bool) bool {
	if pod != nil {
		return *pod
	}
	if o := c.get("ServiceAccount", ns, sa); o != nil {
		if v, ok := o.m["automountServiceAccountToken"].(bool); ok {
			return v
		}
	} else {
		panic(fmt.Sprintf("pod in %s uses ServiceAccount %s before it exists", ns, sa))
	}
	return true
}

// podIP hands out the next address of a node's pod range (the node's own
// address on the host network).
func (c *cluster) podIP(n node, hostNet bool) string {
	if hostNet {
		return n.ip
	}
	c.ips[n.name]++
	return fmt.Sprintf("10.244.%d.%d", n.podCIDR, 10+c.ips[n.name])
}

// imageID is what the runtime reports for an image: its digest.
func imageID(image string) string {
	repo := image
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		repo = image[:i]
	}
	if strings.Contains(image, "@sha256:") {
		return image
	}
	if !strings.Contains(repo, ".") || strings.Index(repo, ".") > strings.Index(repo, "/") {
		if !strings.Contains(strings.Split(repo, "/")[0], ".") {
			repo = "docker.io/" + repo
			if strings.Count(repo, "/") == 1 {
				repo = "docker.io/library/" + strings.TrimPrefix(repo, "docker.io/")
			}
		}
	}
	return repo + "@sha256:" + hashOf("image", image)
}

// podStatus is the status of a running (or completed) pod.
func (c *cluster) podStatus(t podTmpl, pl placement, started time.Time, completed bool, seed string) obj {
	ip := c.podIP(pl.node, t.hostNetwork)
	st := func(x ctr, ready bool, init bool) obj {
		cid := "containerd://" + hashOf(c.name, seed, x.name)
		s := obj{"name": x.name, "image": x.image, "imageID": imageID(x.image), "containerID": cid,
			"restartCount": 0, "ready": ready}
		at := ts(started.Add(4 * time.Second))
		switch {
		case (init && !x.restartAlways) || completed:
			s["state"] = obj{"terminated": obj{"exitCode": 0, "reason": "Completed", "containerID": cid,
				"startedAt": at, "finishedAt": ts(started.Add(9 * time.Second))}}
			s["started"] = false
			s["ready"] = false
			if init {
				s["ready"] = true
			}
		default:
			s["state"] = obj{"running": obj{"startedAt": at}}
			s["started"] = true
		}
		s["lastState"] = obj{}
		return s
	}
	var cs, is, es []any
	for _, x := range t.containers {
		cs = append(cs, st(x, !completed, false))
	}
	for _, x := range t.init {
		is = append(is, st(x, true, true))
	}
	for _, x := range t.ephemeral {
		e := st(x, false, false)
		delete(e, "ready")
		delete(e, "started")
		e["ready"] = false
		es = append(es, e)
	}
	phase, ready := "Running", "True"
	if completed {
		phase, ready = "Succeeded", "False"
	}
	cond := func(typ, status string, at time.Time) obj {
		o := obj{"type": typ, "status": status, "lastProbeTime": nil, "lastTransitionTime": ts(at)}
		if status == "False" && completed && (typ == "Ready" || typ == "ContainersReady") {
			o["reason"] = "PodCompleted"
		}
		return o
	}
	ready2 := "True"
	if completed {
		ready2 = "False"
	}
	s := kv("phase", phase, "hostIP", pl.node.ip, "hostIPs", []any{obj{"ip": pl.node.ip}},
		"podIP", ip, "podIPs", []any{obj{"ip": ip}}, "qosClass", qos(t), "startTime", ts(started),
		"containerStatuses", cs, "initContainerStatuses", is, "ephemeralContainerStatuses", es)
	s["conditions"] = []any{
		cond("PodReadyToStartContainers", ready2, started.Add(3*time.Second)),
		cond("Initialized", "True", started.Add(3*time.Second)),
		cond("Ready", ready, started.Add(12*time.Second)),
		cond("ContainersReady", ready, started.Add(12*time.Second)),
		cond("PodScheduled", "True", started),
	}
	return s
}

// qos is the pod's quality-of-service class.
func qos(t podTmpl) string {
	all := append(append([]ctr{}, t.init...), t.containers...)
	anySet, guaranteed := false, true
	for _, x := range all {
		req, _ := x.resources["requests"].(obj)
		lim, _ := x.resources["limits"].(obj)
		if len(req) > 0 || len(lim) > 0 {
			anySet = true
		}
		for _, r := range []string{"cpu", "memory"} {
			l, ok := lim[r]
			if !ok {
				guaranteed = false
				continue
			}
			if q, ok := req[r]; ok && q != l {
				guaranteed = false
			}
		}
	}
	switch {
	case !anySet:
		return "BestEffort"
	case guaranteed:
		return "Guaranteed"
	}
	return "Burstable"
}

// podOut is a pod the builder made, for the expectations.
type podOut struct {
	ns, name string
	o        *object
}

// addPod adds a Pod from a template.
func (c *cluster) addPod(origin, ns, name string, t podTmpl, pl placement, created time.Time, completed bool, extraLabels map[string]string, extraAnn map[string]string) podOut {
	md := meta(ns, name, merge(t.labels, extraLabels), merge(t.ann, extraAnn))
	md["creationTimestamp"] = ts(created)
	if pl.owner != nil {
		md["ownerReferences"] = []any{pl.owner}
	}
	if pl.owner != nil && pl.owner["kind"] != "Node" {
		md["generateName"] = strings.TrimSuffix(name, name[strings.LastIndex(name, "-")+1:])
		if pl.owner["kind"] == "StatefulSet" {
			md["generateName"] = pl.owner["name"].(string) + "-"
		}
	}
	m := obj{"kind": "Pod", "metadata": md,
		"spec":   c.specObj(ns, t, true, pl, name),
		"status": c.podStatus(t, pl, created.Add(2*time.Second), completed, ns+"/"+name)}
	return podOut{ns, name, c.add(origin, m)}
}

func ownerRef(c *cluster, kind, ns, name string, controller bool) obj {
	o := c.get(kind, ns, name)
	u := uid(c.name, kind, ns, name)
	if o != nil {
		u = o.m["metadata"].(obj)["uid"].(string)
	}
	ref := obj{"apiVersion": apiVersions[kind], "kind": kind, "name": name, "uid": u}
	if controller {
		ref["controller"] = true
		ref["blockOwnerDeletion"] = true
	}
	return ref
}

// templateObj renders a pod template of a controller.
func (c *cluster) templateObj(ns string, t podTmpl, extraLabels map[string]string) obj {
	tm := kv("labels", strmap(merge(t.labels, extraLabels)), "annotations", strmap(t.ann))
	tm["creationTimestamp"] = nil
	return obj{"metadata": tm, "spec": c.specObj(ns, t, false, placement{}, "")}
}

func selector(lbl map[string]string) obj { return obj{"matchLabels": strmap(lbl)} }

// workload is what a controller builder returns: the controller and its
// pods.
type workload struct {
	ctl  *object
	rs   *object // a Deployment's ReplicaSet
	pods []podOut
}

// expect plants a row on every pod of the workload: object is the pod
// plus rest ("container app", "" for the pod itself).
func (c *cluster) expectPods(w workload, check, rest string) {
	for _, p := range w.pods {
		obj := "Pod " + p.ns + "/" + p.name
		if rest != "" {
			obj += " " + rest
		}
		c.expect(check, obj)
	}
}

func (c *cluster) workerNodes() []node {
	var out []node
	for _, n := range c.nodes {
		if !n.cp && n.os == "linux" {
			out = append(out, n)
		}
	}
	return out
}

// deployment adds a Deployment, its current ReplicaSet and its pods,
// spread over the worker nodes.
func (c *cluster) deployment(origin, ns, name string, replicas int, t podTmpl, extraMeta ...map[string]string) workload {
	created := c.tick()
	var dl, dann map[string]string
	if len(extraMeta) > 0 {
		dl = extraMeta[0]
	}
	if len(extraMeta) > 1 {
		dann = extraMeta[1]
	}
	hash := suffix(10, c.name, ns, name, "template")
	sel := t.labels
	dmd := meta(ns, name, merge(t.labels, dl), merge(map[string]string{"deployment.kubernetes.io/revision": "1"}, dann))
	dmd["generation"] = 1
	dmd["creationTimestamp"] = ts(created)
	d := obj{"kind": "Deployment", "metadata": dmd,
		"spec": obj{"replicas": replicas, "selector": selector(sel), "template": c.templateObj(ns, t, nil),
			"strategy":             obj{"type": "RollingUpdate", "rollingUpdate": obj{"maxSurge": "25%", "maxUnavailable": "25%"}},
			"revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
		"status": deployStatus(replicas, created)}
	ctl := c.add(origin, d)
	rsName := name + "-" + hash
	rsLabels := merge(t.labels, map[string]string{"pod-template-hash": hash})
	rmd := meta(ns, rsName, rsLabels, map[string]string{"deployment.kubernetes.io/desired-replicas": strconv.Itoa(replicas),
		"deployment.kubernetes.io/max-replicas": strconv.Itoa(replicas + (replicas+3)/4), "deployment.kubernetes.io/revision": "1"})
	rmd["ownerReferences"] = []any{ownerRef(c, "Deployment", ns, name, true)}
	rmd["generation"] = 1
	rmd["creationTimestamp"] = ts(created.Add(time.Second))
	rs := obj{"kind": "ReplicaSet", "metadata": rmd,
		"spec": obj{"replicas": replicas, "selector": selector(merge(sel, map[string]string{"pod-template-hash": hash})),
			"template": c.templateObj(ns, t, map[string]string{"pod-template-hash": hash})},
		"status": obj{"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas, "fullyLabeledReplicas": replicas, "observedGeneration": 1}}
	if replicas == 0 {
		rs["status"] = obj{"replicas": 0, "observedGeneration": 1}
	}
	w := workload{ctl: ctl, rs: c.add(origin, rs)}
	workers := c.workerNodes()
	if t.nodeSelector["kubernetes.io/os"] == "windows" {
		workers = c.nodesFor(t)
	}
	for i := 0; i < replicas; i++ {
		pn := rsName + "-" + suffix(5, c.name, ns, rsName, strconv.Itoa(i))
		n := workers[(i+len(name))%len(workers)]
		w.pods = append(w.pods, c.addPod(origin, ns, pn, t, placement{node: n, owner: ownerRef(c, "ReplicaSet", ns, rsName, true)},
			created.Add(2*time.Second), false, map[string]string{"pod-template-hash": hash}, nil))
	}
	return w
}

func deployStatus(replicas int, created time.Time) obj {
	if replicas == 0 {
		return obj{"observedGeneration": 1, "conditions": []any{
			obj{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
				"lastUpdateTime": ts(created), "lastTransitionTime": ts(created)},
		}}
	}
	return obj{"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas, "updatedReplicas": replicas, "observedGeneration": 1,
		"conditions": []any{
			obj{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
				"lastUpdateTime": ts(created.Add(20 * time.Second)), "lastTransitionTime": ts(created.Add(20 * time.Second))},
			obj{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
				"message":        "ReplicaSet has successfully progressed.",
				"lastUpdateTime": ts(created.Add(20 * time.Second)), "lastTransitionTime": ts(created)},
		}}
}

// nodesFor returns the nodes a DaemonSet's pods land on: its
// nodeSelector's os (linux by default), and the control-plane node only
// where a toleration lets it.
func (c *cluster) nodesFor(t podTmpl) []node {
	os := t.nodeSelector["kubernetes.io/os"]
	if os == "" {
		os = "linux"
	}
	cpOK := false
	for _, x := range t.tolerations {
		if x["operator"] == "Exists" && (x["key"] == nil || x["key"] == "node-role.kubernetes.io/control-plane") {
			cpOK = true
		}
	}
	var out []node
	for _, n := range c.nodes {
		if n.os != os || (n.cp && !cpOK) {
			continue
		}
		out = append(out, n)
	}
	return out
}

// daemonSet adds a DaemonSet and one pod per node it schedules on.
func (c *cluster) daemonSet(origin, ns, name string, t podTmpl, extraMeta ...map[string]string) workload {
	created := c.tick()
	var dl map[string]string
	if len(extraMeta) > 0 {
		dl = extraMeta[0]
	}
	nodes := c.nodesFor(t)
	n := len(nodes)
	hash := suffix(10, c.name, ns, name, "revision")
	md := meta(ns, name, merge(t.labels, dl), map[string]string{"deprecated.daemonset.template.generation": "1"})
	md["generation"] = 1
	md["creationTimestamp"] = ts(created)
	d := obj{"kind": "DaemonSet", "metadata": md,
		"spec": obj{"selector": selector(t.labels), "template": c.templateObj(ns, t, nil), "revisionHistoryLimit": 10,
			"updateStrategy": obj{"type": "RollingUpdate", "rollingUpdate": obj{"maxSurge": 0, "maxUnavailable": 1}}},
		"status": obj{"currentNumberScheduled": n, "desiredNumberScheduled": n, "numberAvailable": n, "numberMisscheduled": 0,
			"numberReady": n, "observedGeneration": 1, "updatedNumberScheduled": n}}
	w := workload{ctl: c.add(origin, d)}
	for i, nd := range nodes {
		pn := name + "-" + suffix(5, c.name, ns, name, nd.name)
		tt := t
		tt.affinity = obj{"nodeAffinity": obj{"requiredDuringSchedulingIgnoredDuringExecution": obj{"nodeSelectorTerms": []any{
			obj{"matchFields": []any{obj{"key": "metadata.name", "operator": "In", "values": list(nd.name)}}}}}}}
		w.pods = append(w.pods, c.addPod(origin, ns, pn, tt, placement{node: nd, owner: ownerRef(c, "DaemonSet", ns, name, true), podIndex: i},
			created.Add(2*time.Second), false, map[string]string{"controller-revision-hash": hash, "pod-template-generation": "1"}, nil))
	}
	return w
}

// statefulSet adds a StatefulSet and its pods.
func (c *cluster) statefulSet(origin, ns, name, service string, replicas int, t podTmpl, claims []any) workload {
	created := c.tick()
	hash := name + "-" + suffix(10, c.name, ns, name, "revision")
	md := meta(ns, name, t.labels, nil)
	md["generation"] = 1
	md["creationTimestamp"] = ts(created)
	spec := obj{"replicas": replicas, "selector": selector(t.labels), "serviceName": service, "template": c.templateObj(ns, t, nil),
		"podManagementPolicy": "OrderedReady", "revisionHistoryLimit": 10,
		"updateStrategy":                       obj{"type": "RollingUpdate", "rollingUpdate": obj{"partition": 0}},
		"persistentVolumeClaimRetentionPolicy": obj{"whenDeleted": "Retain", "whenScaled": "Retain"}}
	if claims != nil {
		spec["volumeClaimTemplates"] = claims
	}
	d := obj{"kind": "StatefulSet", "metadata": md, "spec": spec,
		"status": obj{"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas, "currentReplicas": replicas,
			"updatedReplicas": replicas, "currentRevision": hash, "updateRevision": hash, "observedGeneration": 1, "collisionCount": 0}}
	w := workload{ctl: c.add(origin, d)}
	workers := c.workerNodes()
	for i := 0; i < replicas; i++ {
		pn := name + "-" + strconv.Itoa(i)
		tt := t
		tt.hostname = pn
		tt.subdomain = service
		if claims != nil {
			for _, cl := range claims {
				cn := cl.(obj)["metadata"].(obj)["name"].(string)
				tt.volumes = append([]obj{pvcVol(cn, cn+"-"+pn)}, t.volumes...)
			}
		}
		w.pods = append(w.pods, c.addPod(origin, ns, pn, tt, placement{node: workers[i%len(workers)], owner: ownerRef(c, "StatefulSet", ns, name, true)},
			created.Add(time.Duration(2+10*i)*time.Second), false,
			map[string]string{"controller-revision-hash": hash, "statefulset.kubernetes.io/pod-name": pn, "apps.kubernetes.io/pod-index": strconv.Itoa(i)}, nil))
	}
	return w
}

// job adds a completed Job (owned by a CronJob when cron is set) and its
// pod.
func (c *cluster) job(origin, ns, name string, t podTmpl, cron string, at time.Time, extraMeta ...map[string]string) workload {
	if t.restartPolicy == "" {
		t.restartPolicy = "Never"
	}
	var ann map[string]string
	var jl map[string]string
	if len(extraMeta) > 0 {
		jl = extraMeta[0]
	}
	if len(extraMeta) > 1 {
		ann = extraMeta[1]
	}
	ju := uid(c.name, "Job", ns, name)
	ctlLabels := map[string]string{"batch.kubernetes.io/controller-uid": ju, "batch.kubernetes.io/job-name": name, "controller-uid": ju, "job-name": name}
	md := meta(ns, name, merge(t.labels, jl, ctlLabels), ann)
	md["generation"] = 1
	md["creationTimestamp"] = ts(at)
	if cron != "" {
		md["ownerReferences"] = []any{ownerRef(c, "CronJob", ns, cron, true)}
		md["annotations"] = obj{"batch.kubernetes.io/cronjob-scheduled-timestamp": ts(at)}
	}
	tt := t
	tt.labels = merge(t.labels, ctlLabels)
	done := at.Add(14 * time.Second)
	d := obj{"kind": "Job", "metadata": md,
		"spec": obj{"backoffLimit": 6, "completionMode": "NonIndexed", "completions": 1, "parallelism": 1, "suspend": false,
			"manualSelector": false, "podReplacementPolicy": "TerminatingOrFailed",
			"selector": obj{"matchLabels": obj{"batch.kubernetes.io/controller-uid": ju}}, "template": c.templateObj(ns, tt, nil)},
		"status": obj{"active": 0, "ready": 0, "succeeded": 1, "terminating": 0, "startTime": ts(at), "completionTime": ts(done),
			"uncountedTerminatedPods": obj{},
			"conditions": []any{
				obj{"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": ts(done), "lastTransitionTime": ts(done)},
				obj{"type": "Complete", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": ts(done), "lastTransitionTime": ts(done)},
			}}}
	d["spec"].(obj)["template"].(obj)["metadata"].(obj)["labels"] = strmap(tt.labels)
	d["metadata"].(obj)["uid"] = ju
	w := workload{ctl: c.add(origin, d)}
	pn := name + "-" + suffix(5, c.name, ns, name, "pod")
	workers := c.workerNodes()
	w.pods = append(w.pods, c.addPod(origin, ns, pn, tt, placement{node: workers[len(name)%len(workers)], owner: ownerRef(c, "Job", ns, name, true)},
		at.Add(time.Second), true, nil, nil))
	return w
}

// cronJob adds a CronJob and its last Job (with its completed pod).
func (c *cluster) cronJob(origin, ns, name, schedule string, t podTmpl, last time.Time) workload {
	created := c.tick()
	md := meta(ns, name, t.labels, nil)
	md["generation"] = 1
	md["creationTimestamp"] = ts(created)
	tt := t
	if tt.restartPolicy == "" {
		tt.restartPolicy = "OnFailure"
	}
	d := obj{"kind": "CronJob", "metadata": md,
		"spec": obj{"schedule": schedule, "concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1, "successfulJobsHistoryLimit": 3, "suspend": false,
			"jobTemplate": obj{"metadata": obj{"creationTimestamp": nil},
				"spec": obj{"backoffLimit": 6, "template": c.templateObj(ns, tt, nil)}}},
		"status": obj{"lastScheduleTime": ts(last), "lastSuccessfulTime": ts(last.Add(14 * time.Second))}}
	ctl := c.add(origin, d)
	jn := name + "-" + strconv.FormatInt(last.Unix()/60, 10)
	j := c.job(origin, ns, jn, tt, name, last)
	return workload{ctl: ctl, pods: j.pods}
}

// service adds a ClusterIP Service (or the type given).
func (c *cluster) service(origin, ns, name string, lbl, sel map[string]string, ports []obj, typ string, extra ...any) *object {
	ip := c.serviceIP(ns, name)
	if typ == "" {
		typ = "ClusterIP"
	}
	var ps []any
	for _, p := range ports {
		q := obj{}
		for k, v := range p {
			q[k] = v
		}
		if q["protocol"] == nil {
			q["protocol"] = "TCP"
		}
		if q["targetPort"] == nil {
			q["targetPort"] = q["port"]
		}
		if typ == "NodePort" || typ == "LoadBalancer" {
			q["nodePort"] = 30000 + int(hashOf(ns, name, fmt.Sprint(q["port"]))[0])*40%2700
		}
		ps = append(ps, q)
	}
	spec := kv("clusterIP", ip, "clusterIPs", list(ip), "ipFamilies", list("IPv4"), "ipFamilyPolicy", "SingleStack",
		"internalTrafficPolicy", "Cluster", "ports", ps, "selector", strmap(sel), "sessionAffinity", "None", "type", typ)
	if typ == "LoadBalancer" || typ == "NodePort" {
		spec["externalTrafficPolicy"] = "Local"
		if typ == "LoadBalancer" {
			spec["allocateLoadBalancerNodePorts"] = true
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		spec[extra[i].(string)] = extra[i+1]
	}
	st := obj{"loadBalancer": obj{}}
	return c.add(origin, obj{"kind": "Service", "metadata": meta(ns, name, lbl, nil), "spec": spec, "status": st})
}

func (c *cluster) serviceIP(ns, name string) string {
	if ns == "default" && name == "kubernetes" {
		return "10.96.0.1"
	}
	if ns == "kube-system" && name == "kube-dns" {
		return "10.96.0.10"
	}
	h := hashOf(c.name, ns, name)
	a, _ := strconv.ParseUint(h[:4], 16, 32)
	return fmt.Sprintf("10.%d.%d.%d", 96+int(a%16), int(a>>4)%256, 2+int(a>>8)%250)
}

// names of a set, sorted.
func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
