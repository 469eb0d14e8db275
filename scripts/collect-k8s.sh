#!/usr/bin/env bash
# collect-k8s.sh: fetch the bundles that the collector's pods (deploy/: the
# DaemonSet, or the per-node Jobs) wrote to their logs, into a directory.
#
#   kubectl apply -k deploy/
#   scripts/collect-k8s.sh [-n NAMESPACE] [-t SECONDS] DIR
#   kubectl delete -k deploy/
#
# It waits until every pod of the collector has written its bundle (the
# END line and the digest in its log, -t SECONDS at most, default 600),
# decodes each bundle from base64 into DIR under the name the collector gave
# it, and checks it with kubeproof verify, where kubeproof is on the PATH,
# and that its digest is the one the pod printed. It needs nothing but
# kubectl's access to the API server: no access to the nodes.
# Exit status: 0 if every pod gave a bundle whose digest matches.
set -euo pipefail

ns=kubeproof timeout=600
usage() { sed -n '2,/^set -euo/{/^set/d;s/^# \{0,1\}//;p}' "$0"; }
while getopts "n:t:h" opt; do
	case $opt in
	n) ns=$OPTARG ;;
	t) timeout=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { usage >&2; exit 2; }
out=$1
mkdir -p "$out"
selector=app.kubernetes.io/name=kubeproof-collect

pods=$(kubectl -n "$ns" get pods -l "$selector" -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}')
[ -n "$pods" ] || { echo "collect-k8s.sh: no collector pod in namespace $ns (kubectl apply -k deploy/ first)" >&2; exit 1; }

deadline=$(($(date +%s) + timeout))
failed=0 total=0
for pod in $pods; do
	total=$((total + 1))
	log=$(mktemp)
	# The log is complete once the digest, printed after the bundle, is there.
	until kubectl -n "$ns" logs "$pod" >"$log" 2>/dev/null && grep -q '^bundle digest sha256:' "$log"; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "FAILED $pod: no bundle in its log after ${timeout}s (kubectl -n $ns describe pod $pod)"
			failed=$((failed + 1))
			continue 2
		fi
		sleep 5
	done
	name=$(sed -n 's/^-----BEGIN KUBEPROOF BUNDLE \([A-Za-z0-9._-]*\.kpb\)-----$/\1/p' "$log" | head -n 1)
	printed=$(sed -n 's/^bundle digest \(sha256:[0-9a-f]\{64\}\)$/\1/p' "$log" | tail -n 1)
	if [ -z "$name" ]; then
		echo "FAILED $pod: its log holds no bundle"
		failed=$((failed + 1))
		continue
	fi
	sed -n '/^-----BEGIN KUBEPROOF BUNDLE/,/^-----END KUBEPROOF BUNDLE/{//!p}' "$log" | base64 -d >"$out/$name"
	rm -f "$log"
	if command -v kubeproof >/dev/null 2>&1; then
		if verified=$(kubeproof verify "$out/$name") && case $verified in *" $printed "*) true ;; *) false ;; esac; then
			echo "ok     $pod: $out/$name $printed"
		else
			echo "FAILED $pod: $out/$name is not the bundle the pod wrote ($printed): $verified"
			failed=$((failed + 1))
		fi
	else
		echo "ok     $pod: $out/$name (kubeproof is not on the PATH: compare $printed with what kubeproof verify prints)"
	fi
done
echo "$((total - failed)) of $total pods' bundles in $out/"
[ "$failed" -eq 0 ]
