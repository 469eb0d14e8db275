package main

import (
	"time"
)

var (
	day1 = time.Date(2025, 5, 21, 9, 30, 0, 0, time.UTC)
	day2 = time.Date(2025, 5, 22, 14, 0, 0, 0, time.UTC)
	day3 = time.Date(2025, 6, 3, 10, 15, 0, 0, time.UTC)
	day4 = time.Date(2025, 6, 16, 16, 40, 0, 0, time.UTC)
	// lastRun is when the CronJobs last ran, shortly before the capture.
	lastRun = time.Date(2025, 6, 24, 2, 0, 0, 0, time.UTC)
)

func linuxNodes(win bool) []node {
	ns := []node{
		{name: "kp-cp-1", ip: "192.168.33.10", os: "linux", cp: true, podCIDR: 0},
		{name: "kp-worker-1", ip: "192.168.33.11", os: "linux", podCIDR: 1},
		{name: "kp-worker-2", ip: "192.168.33.12", os: "linux", podCIDR: 2},
	}
	if win {
		ns = append(ns, node{name: "kp-win-1", ip: "192.168.33.21", os: "windows", podCIDR: 3})
	}
	return ns
}

// Pod and container security contexts of the Pod Security Standards'
// restricted profile.
func podRestricted(uid int) obj {
	return obj{"runAsNonRoot": true, "runAsUser": uid, "runAsGroup": uid, "fsGroup": uid, "seccompProfile": obj{"type": "RuntimeDefault"}}
}

var ctrRestricted = obj{"allowPrivilegeEscalation": false, "capabilities": obj{"drop": list("ALL")}, "readOnlyRootFilesystem": true}

func ctrRestrictedRW() obj {
	return obj{"allowPrivilegeEscalation": false, "capabilities": obj{"drop": list("ALL")}, "readOnlyRootFilesystem": false}
}

// np adds a NetworkPolicy.
func (c *cluster) np(ns, name string, podSel map[string]string, types []string, ingress, egress []any) {
	spec := obj{"podSelector": obj{}, "policyTypes": list(types...)}
	if len(podSel) > 0 {
		spec["podSelector"] = obj{"matchLabels": strmap(podSel)}
	}
	if ingress != nil {
		spec["ingress"] = ingress
	}
	if egress != nil {
		spec["egress"] = egress
	}
	c.add("", obj{"kind": "NetworkPolicy", "metadata": meta(ns, name, nil, nil), "spec": spec})
}

func nsSel(name string) obj {
	return obj{"namespaceSelector": obj{"matchLabels": obj{"kubernetes.io/metadata.name": name}}}
}
func podSel(l map[string]string) obj { return obj{"podSelector": obj{"matchLabels": strmap(l)}} }
func tcp(p any) obj                  { return obj{"port": p, "protocol": "TCP"} }

// defaultDeny adds the deny-all policy and the DNS egress every
// namespace of the hardened cluster starts from.
func (c *cluster) defaultDeny(ns string) {
	c.np(ns, "default-deny-all", nil, []string{"Ingress", "Egress"}, nil, nil)
	c.np(ns, "allow-dns-egress", nil, []string{"Egress"}, nil, []any{obj{
		"to":    []any{obj{"namespaceSelector": obj{"matchLabels": obj{"kubernetes.io/metadata.name": "kube-system"}}, "podSelector": obj{"matchLabels": obj{"k8s-app": "kube-dns"}}}},
		"ports": []any{obj{"port": 53, "protocol": "UDP"}, obj{"port": 53, "protocol": "TCP"}}}})
}

// secret adds an Opaque Secret; values are stored base64 as the API does.
func (c *cluster) secret(origin, ns, name, typ string, data map[string]string, ann map[string]string) *object {
	d := obj{}
	for k, v := range data {
		d[k] = b64(v)
	}
	if typ == "" {
		typ = "Opaque"
	}
	return c.add(origin, obj{"kind": "Secret", "type": typ, "metadata": meta(ns, name, nil, ann), "data": d})
}

// buildCompliant is a kubeadm v1.33 cluster hardened per CIS 1.12 section 5.
func buildCompliant() *cluster {
	c := newCluster("compliant", time.Time{}, linuxNodes(false))
	c.bootstrap(true)
	c.at(c.nodes[0].initAt().Add(4 * time.Minute))
	c.calico()
	c.at(day1)
	c.metricsServer()
	c.ingressNginx(true)
	c.at(day1.Add(20 * time.Minute))
	c.certManager(true)
	c.csr("kubelet", "csr-"+suffix(5, c.name, "kubelet-rotation"), "kubernetes.io/kube-apiserver-client-kubelet", "system:node:kp-worker-2",
		[]string{"system:nodes"}, "system:node:kp-worker-2", []string{"system:nodes"}, []string{"digital signature", "client auth"}, true,
		time.Date(2025, 6, 24, 9, 41, 0, 0, time.UTC))

	// Network policies for the system and add-on namespaces.
	for _, ns := range []string{"default", "kube-public", "kube-node-lease"} {
		c.np(ns, "default-deny-all", nil, []string{"Ingress", "Egress"}, nil, nil)
	}
	c.np("kube-system", "default-deny-ingress", nil, []string{"Ingress"}, nil, nil)
	c.np("kube-system", "allow-dns", map[string]string{"k8s-app": "kube-dns"}, []string{"Ingress"},
		[]any{obj{"ports": []any{obj{"port": 53, "protocol": "UDP"}, tcp(53), tcp(9153)}}}, nil)
	c.np("kube-system", "allow-metrics-server", map[string]string{"k8s-app": "metrics-server"}, []string{"Ingress"},
		[]any{obj{"ports": []any{tcp(10250)}}}, nil)
	c.np("ingress-nginx", "default-deny-ingress", nil, []string{"Ingress"}, nil, nil)
	c.np("ingress-nginx", "allow-http-https", map[string]string{"app.kubernetes.io/component": "controller"}, []string{"Ingress"},
		[]any{obj{"ports": []any{tcp(8080), tcp(8443), tcp(8444), tcp(10254)}}}, nil)
	c.np("cert-manager", "default-deny-ingress", nil, []string{"Ingress"}, nil, nil)
	c.np("cert-manager", "allow-webhook", map[string]string{"app.kubernetes.io/component": "webhook"}, []string{"Ingress"},
		[]any{obj{"ports": []any{tcp(10250)}}}, nil)

	// shop: a web shop.
	c.at(day2)
	ns := "shop"
	shop := c.namespace("", ns, psa("restricted"), bptr(false))
	contact := c.plantCanary("ShopPagerKey", "plain", "annotation shop.example.com/pager of Namespace shop", "free-form annotation")
	shop.m["metadata"].(obj)["annotations"] = obj{"shop.example.com/pager": "integration key " + contact}
	c.get("ServiceAccount", ns, "default").origin = "service account controller"
	c.defaultDeny(ns)
	for _, sa := range []string{"frontend", "api", "postgres", "orders-report"} {
		c.serviceAccount("", ns, sa, bptr(false), map[string]string{"app.kubernetes.io/part-of": "shop"}, nil)
	}
	fl := map[string]string{"app.kubernetes.io/name": "frontend", "app.kubernetes.io/part-of": "shop"}
	notes := c.plantCanary("FreeFormNote", "plain", "annotation shop.example.com/notes of Deployment shop/frontend", "free-form annotation")
	c.deployment("", ns, "frontend", 3, podTmpl{labels: fl, sa: "frontend", sc: podRestricted(10001),
		volumes: []obj{emptyDirVol("tmp"), emptyDirVol("cache")},
		containers: []ctr{{name: "frontend", image: "ghcr.io/example/shop-frontend:2.4.1",
			env:   []obj{env("API_URL", "http://api.shop.svc.cluster.local:8080"), env("NODE_ENV", "production")},
			ports: []obj{port("http", 8080, "TCP")}, sc: ctrRestricted, resources: res("100m", "128Mi", "500m", "256Mi"),
			liveness: httpProbe("/healthz", "http", "HTTP"), ready: httpProbe("/ready", "http", "HTTP"),
			mounts: []obj{mount("tmp", "/tmp", false), mount("cache", "/app/.cache", false)}}}},
		nil, map[string]string{"shop.example.com/notes": "rotate the CDN signing key " + notes + " before the September release"})
	al := map[string]string{"app.kubernetes.io/name": "api", "app.kubernetes.io/part-of": "shop"}
	signing := c.plantCanary("SessionSigningKey", "plain", "env SESSION_SIGNING_KEY of Deployment shop/api, its ReplicaSet and Pods", "env[].value of a secret-like variable")
	c.deployment("", ns, "api", 2, podTmpl{labels: al, sa: "api", sc: podRestricted(10001),
		volumes: []obj{secretVol("db", "postgres-credentials"), configMapVol("config", "api-config"), emptyDirVol("tmp")},
		containers: []ctr{{name: "api", image: "ghcr.io/example/shop-api:1.9.0",
			env: []obj{env("DATABASE_HOST", "postgres.shop.svc.cluster.local"), env("DATABASE_USER", "shop"),
				env("DATABASE_PASSWORD_FILE", "/var/run/secrets/db/password"), env("SESSION_SIGNING_KEY", signing)},
			ports: []obj{port("http", 8080, "TCP")}, sc: ctrRestricted, resources: res("200m", "256Mi", "1", "512Mi"),
			liveness: httpProbe("/healthz", "http", "HTTP"), ready: httpProbe("/ready", "http", "HTTP"),
			mounts: []obj{mount("db", "/var/run/secrets/db", true), mount("config", "/etc/shop", true), mount("tmp", "/tmp", false)}}}})
	pl := map[string]string{"app.kubernetes.io/name": "postgres", "app.kubernetes.io/part-of": "shop"}
	c.statefulSet("", ns, "postgres", "postgres", 1, podTmpl{labels: pl, sa: "postgres", sc: podRestricted(70),
		volumes: []obj{secretVol("credentials", "postgres-credentials"), emptyDirVol("run")},
		containers: []ctr{{name: "postgres", image: "docker.io/library/postgres:16.4-alpine",
			env:   []obj{env("POSTGRES_USER", "shop"), env("POSTGRES_PASSWORD_FILE", "/var/run/secrets/db/password"), env("PGDATA", "/var/lib/postgresql/data/pgdata")},
			ports: []obj{port("postgres", 5432, "TCP")}, sc: ctrRestrictedRW(), resources: res("250m", "512Mi", "1", "1Gi"),
			mounts: []obj{mount("data", "/var/lib/postgresql/data", false), mount("credentials", "/var/run/secrets/db", true), mount("run", "/var/run/postgresql", false)}}}},
		[]any{obj{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": obj{"name": "data", "creationTimestamp": nil},
			"spec":   obj{"accessModes": list("ReadWriteOnce"), "resources": obj{"requests": obj{"storage": "20Gi"}}, "volumeMode": "Filesystem"},
			"status": obj{"phase": "Pending"}}})
	smtp := c.plantCanary("SmtpPassword", "plain", "container arg --smtp-password of CronJob shop/orders-report, its Job and Pod", "container args")
	c.cronJob("", ns, "orders-report", "0 2 * * *", podTmpl{labels: map[string]string{"app.kubernetes.io/name": "orders-report", "app.kubernetes.io/part-of": "shop"},
		sa: "orders-report", sc: podRestricted(10001),
		containers: []ctr{{name: "report", image: "ghcr.io/example/shop-reports:1.2.0",
			args: []string{"--since=24h", "--mail-to=finance@example.com", "--smtp-host=smtp.example.com", "--smtp-password=" + smtp},
			sc:   ctrRestricted, resources: res("50m", "64Mi", "", "128Mi")}}}, lastRun)
	c.service("", ns, "frontend", fl, fl, []obj{{"name": "http", "port": 80, "targetPort": "http"}}, "")
	c.service("", ns, "api", al, al, []obj{{"name": "http", "port": 8080, "targetPort": "http"}}, "")
	c.service("", ns, "postgres", pl, pl, []obj{{"name": "postgres", "port": 5432, "targetPort": "postgres"}}, "", "clusterIP", "None", "clusterIPs", list("None"))
	c.np(ns, "allow-frontend-from-ingress", fl, []string{"Ingress"}, []any{obj{"from": []any{nsSel("ingress-nginx")}, "ports": []any{tcp(8080)}}}, nil)
	c.np(ns, "allow-api-from-frontend", al, []string{"Ingress"}, []any{obj{"from": []any{podSel(fl)}, "ports": []any{tcp(8080)}}}, nil)
	c.np(ns, "allow-frontend-to-api", fl, []string{"Egress"}, nil, []any{obj{"to": []any{podSel(al)}, "ports": []any{tcp(8080)}}})
	c.np(ns, "allow-postgres-from-api", pl, []string{"Ingress"}, []any{obj{"from": []any{podSel(al)}, "ports": []any{tcp(5432)}}}, nil)
	c.np(ns, "allow-api-to-postgres", al, []string{"Egress"}, nil, []any{obj{"to": []any{podSel(pl)}, "ports": []any{tcp(5432)}}})
	dbpw := c.plantCanary("PostgresPassword", "plain", "Secret shop/postgres-credentials data.password (base64) and its last-applied-configuration annotation (stringData, plain)", "Secret data; kubectl apply of stringData")
	pg := c.secret("", ns, "postgres-credentials", "", map[string]string{"username": "shop", "password": dbpw}, nil)
	lastApplied(pg, obj{"apiVersion": "v1", "kind": "Secret", "metadata": obj{"annotations": obj{}, "name": "postgres-credentials", "namespace": ns},
		"stringData": obj{"password": dbpw, "username": "shop"}, "type": "Opaque"})
	dsn := c.plantCanary("SentryKey", "plain", "ConfigMap shop/api-config data.SENTRY_DSN", "ConfigMap data")
	c.add("", obj{"kind": "ConfigMap", "metadata": meta(ns, "api-config", al, nil), "data": obj{
		"LOG_LEVEL": "info", "SENTRY_DSN": "https://" + dsn + "@o450912.ingest.sentry.io/5529", "FEATURE_FLAGS": "checkout-v2,gift-cards"}})
	tlsKey := c.plantCanary("FrontendTLSKey", "base64", "Secret shop/frontend-tls data.tls.key", "TLS private key (base64 in data)")
	c.secret("", ns, "frontend-tls", "kubernetes.io/tls", map[string]string{"tls.crt": c.caPEM(), "tls.key": fakePEM("PRIVATE KEY", tlsKey)}, nil)

	// payments.
	c.at(day3)
	ns = "payments"
	c.namespace("", ns, psa("restricted"), bptr(false))
	c.get("ServiceAccount", ns, "default").origin = "service account controller"
	c.defaultDeny(ns)
	c.serviceAccount("", ns, "payments-api", bptr(false), nil, nil)
	// The ledger worker elects a leader through a Lease: it needs its token.
	c.serviceAccount("", ns, "ledger-worker", bptr(true), nil, nil)
	c.addRole("", roleDef{ns: ns, name: "ledger-leader-election", rules: []rule{
		r("coordination.k8s.io", "leases", "get,create,update"), r("", "events", "create,patch")}})
	c.addBinding("", bindingDef{ns: ns, name: "ledger-leader-election", roleKind: "Role", role: "ledger-leader-election",
		subjects: []subject{sa(ns, "ledger-worker")}})
	yl := map[string]string{"app.kubernetes.io/name": "payments-api", "app.kubernetes.io/part-of": "payments"}
	stale := c.plantCanary("StaleStripeKey", "plain", "last-applied-configuration annotation of Deployment payments/payments-api (env STRIPE_API_KEY, since removed from the spec)", "kubectl.kubernetes.io/last-applied-configuration")
	pay := c.deployment("", ns, "payments-api", 2, podTmpl{labels: yl, sa: "payments-api", sc: podRestricted(10002),
		volumes: []obj{secretVol("stripe", "stripe-api")},
		containers: []ctr{{name: "payments-api", image: "ghcr.io/example/payments-api:3.0.2",
			env:   []obj{env("STRIPE_API_KEY_FILE", "/var/run/secrets/stripe/api-key"), env("LEDGER_URL", "http://ledger-worker.payments.svc:8080")},
			ports: []obj{port("http", 8443, "TCP")}, sc: ctrRestricted, resources: res("200m", "256Mi", "1", "512Mi"),
			mounts: []obj{mount("stripe", "/var/run/secrets/stripe", true)}}}})
	lastApplied(pay.ctl, obj{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": obj{"annotations": obj{}, "name": "payments-api", "namespace": ns},
		"spec": obj{"replicas": 2, "selector": obj{"matchLabels": strmap(yl)}, "template": obj{"metadata": obj{"labels": strmap(yl)},
			"spec": obj{"serviceAccountName": "payments-api", "containers": []any{obj{"name": "payments-api", "image": "ghcr.io/example/payments-api:3.0.1",
				"env": []any{obj{"name": "STRIPE_API_KEY", "value": stale}}}}}}}})
	ll := map[string]string{"app.kubernetes.io/name": "ledger-worker", "app.kubernetes.io/part-of": "payments"}
	upstream := c.plantCanary("LedgerUpstreamToken", "plain", "command of Deployment payments/ledger-worker, its ReplicaSet and Pod (inline token)", "container command")
	lw := c.deployment("", ns, "ledger-worker", 1, podTmpl{labels: ll, sa: "ledger-worker", sc: podRestricted(10002),
		containers: []ctr{{name: "ledger", image: "ghcr.io/example/ledger:0.14.0",
			command: []string{"/bin/sh", "-c", "exec /app/ledger --listen=:8080 --upstream-token=" + upstream},
			ports:   []obj{port("http", 8080, "TCP")}, sc: ctrRestricted, resources: res("100m", "128Mi", "500m", "256Mi")}}})
	c.expectPods(lw, "5.1.6", "")
	c.service("", ns, "payments-api", yl, yl, []obj{{"name": "https", "port": 443, "targetPort": "http"}}, "")
	c.service("", ns, "ledger-worker", ll, ll, []obj{{"name": "http", "port": 8080, "targetPort": "http"}}, "")
	c.add("", obj{"kind": "HorizontalPodAutoscaler", "metadata": meta(ns, "payments-api", nil, nil),
		"spec": obj{"minReplicas": 2, "maxReplicas": 6, "scaleTargetRef": obj{"apiVersion": "apps/v1", "kind": "Deployment", "name": "payments-api"},
			"metrics": []any{obj{"type": "Resource", "resource": obj{"name": "cpu", "target": obj{"type": "Utilization", "averageUtilization": 70}}}}},
		"status": obj{"currentReplicas": 2, "desiredReplicas": 2, "currentMetrics": []any{obj{"type": "Resource", "resource": obj{"name": "cpu",
			"current": obj{"averageUtilization": 12, "averageValue": "24m"}}}},
			"conditions": []any{obj{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size", "lastTransitionTime": ts(day3.Add(time.Hour))},
				obj{"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": ts(day3.Add(time.Hour))},
				obj{"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange", "message": "the desired count is within the acceptable range", "lastTransitionTime": ts(day3.Add(time.Hour))}}}})
	c.np(ns, "allow-payments-api-from-shop", yl, []string{"Ingress"}, []any{obj{"from": []any{nsSel("shop")}, "ports": []any{tcp(8443)}}}, nil)
	c.np(ns, "allow-ledger-from-payments-api", ll, []string{"Ingress"}, []any{obj{"from": []any{podSel(yl)}, "ports": []any{tcp(8080)}}}, nil)
	c.np(ns, "allow-ledger-to-apiserver", ll, []string{"Egress"}, nil, []any{obj{"to": []any{obj{"ipBlock": obj{"cidr": c.nodes[0].ip + "/32"}}}, "ports": []any{tcp(6443)}}})
	stripe := c.plantCanary("StripeApiKey", "base64", "Secret payments/stripe-api data.api-key", "Secret data (base64)")
	c.secret("", ns, "stripe-api", "", map[string]string{"api-key": stripe}, nil)
	return c
}
