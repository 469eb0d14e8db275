#!/bin/sh
# capture-api.sh — seal what a cluster's API server says about the objects
# section 5 of the CIS benchmark reads into an API snapshot bundle.
#
#   scripts/capture-api.sh [-o cluster.kpb] [-c CLUSTER] [-- kubectl flags…]
#
# Needs kubectl with read access (get, list) to the kinds below and
# kubeproof-collect on PATH (or KUBEPROOF_COLLECT=path). Only read-only
# verbs are used; Secrets and ConfigMaps are not asked for. Run it where
# kubectl reaches the API server (a bastion, an admin laptop); the bundle
# carries no network client, and the node collector stays offline.
set -eu

out="cluster-api.kpb"
cluster=
while [ $# -gt 0 ]; do
	case "$1" in
	-o) out=$2; shift 2 ;;
	-c) cluster=$2; shift 2 ;;
	--) shift; break ;;
	-h|--help) sed -n '2,11p' "$0"; exit 0 ;;
	*) echo "capture-api.sh: unknown argument $1 (see -h)" >&2; exit 2 ;;
	esac
done
collect=${KUBEPROOF_COLLECT:-kubeproof-collect}
kinds=pods,serviceaccounts,namespaces,roles,clusterroles,rolebindings,clusterrolebindings,networkpolicies
kinds=$kinds,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,replicationcontrollers,services
kinds=$kinds,certificatesigningrequests,validatingwebhookconfigurations,mutatingwebhookconfigurations
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kubectl "$@" version -o json >"$tmp/version.json"
kubectl "$@" get "$kinds" -A -o json >"$tmp/objects.json"
# Admission policies and PodSecurityPolicies exist only on some versions.
kubectl "$@" get validatingadmissionpolicies,validatingadmissionpolicybindings -o json >"$tmp/vap.json" 2>/dev/null || rm -f "$tmp/vap.json"
kubectl "$@" get podsecuritypolicies -o json >"$tmp/psp.json" 2>/dev/null || rm -f "$tmp/psp.json"
set -- "$tmp"/*.json
"$collect" api -o "$out" ${cluster:+-cluster "$cluster"} "$@"
