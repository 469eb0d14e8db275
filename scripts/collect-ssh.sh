#!/usr/bin/env bash
# shellcheck disable=SC2029 # the remote commands are made here, on purpose
# collect-ssh.sh: collect kubeproof bundles from hosts over SSH, for sites
# without Ansible (deploy/ansible/collect.yml does the same).
#
#   scripts/collect-ssh.sh [-c DIR] [-o DIR] [-j N] [-k KEY] [-r KEY] [-s SUDO] [-J JUMP] HOST...
#
# For each HOST, at most N at a time: make a private temporary directory on
# it, copy the static collector for its architecture there (and the signing
# and redaction keys, when given), collect as root with the bundle streamed
# back over SSH into DIR/HOST.kpb, and remove the directory whatever
# happened. Then check the bundle with kubeproof verify, where kubeproof is
# on the PATH, and that its digest is the one the host printed. The hosts'
# messages are in DIR/HOST.log. Exit status: 0 if every host gave a bundle
# whose digest matches, 1 otherwise.
#
#   -c DIR   the collectors, kubeproof-collect-linux-{amd64,arm64} (default: bin, make static's)
#   -o DIR   where the bundles go (default: bundles)
#   -j N     hosts at once (default: 10)
#   -k KEY   sign the bundles with KEY (kubeproof keygen's NAME.key)
#   -r KEY   key the redaction markers with KEY (see the README)
#   -s SUDO  how to become root on the hosts (default: "sudo -n"; "" when logging in as root)
#   -J JUMP  reach the hosts through the jump host JUMP (ssh -J)
# SSH_OPTS adds options to every ssh and scp (say, "-i ~/.ssh/audit -o User=audit -o Port=2222").
set -euo pipefail

collectors=bin out=bundles jobs=10 sign_key="" redaction_key="" sudo="sudo -n" jump=""
usage() { sed -n '3,/^set -euo/{/^set/d;s/^# \{0,1\}//;p}' "$0"; }
while getopts "c:o:j:k:r:s:J:h" opt; do
	case $opt in
	c) collectors=$OPTARG ;;
	o) out=$OPTARG ;;
	j) jobs=$OPTARG ;;
	k) sign_key=$OPTARG ;;
	r) redaction_key=$OPTARG ;;
	s) sudo=$OPTARG ;;
	J) jump=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
	usage >&2
	exit 2
fi
case $jobs in '' | *[!0-9]* | 0) echo "collect-ssh.sh: -j $jobs: want a number of hosts" >&2; exit 2 ;; esac
if [ ! -f "$collectors/kubeproof-collect-linux-amd64" ] && [ ! -f "$collectors/kubeproof-collect-linux-arm64" ]; then
	echo "collect-ssh.sh: no $collectors/kubeproof-collect-linux-amd64 or -arm64 (make static writes them into bin/)" >&2
	exit 2
fi
for f in ${sign_key:+"$sign_key"} ${redaction_key:+"$redaction_key"}; do
	[ -f "$f" ] || { echo "collect-ssh.sh: $f: no such file" >&2; exit 2; }
done
mkdir -p "$out"

# shellcheck disable=SC2206 # SSH_OPTS is split on purpose
ssh_opts=(-o BatchMode=yes ${SSH_OPTS:-})
[ -n "$jump" ] && ssh_opts+=(-J "$jump")

# collect HOST: one host, in a subshell of its own, its messages in
# $out/HOST.log.
collect() {
	host=$1 bundle="$out/$1.kpb" tmp="" rc=0
	exec >"$out/$host.log" 2>&1
	# Whatever happens once the directory exists, it goes.
	# shellcheck disable=SC2317 # called by the trap
	cleanup() {
		if [ -n "$tmp" ]; then
			ssh "${ssh_opts[@]}" "$host" "rm -rf $tmp" || echo "warning: could not remove $tmp from $host"
		fi
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	local machine arch
	machine=$(ssh "${ssh_opts[@]}" "$host" uname -m) || { echo "cannot run commands on $host over ssh"; return 1; }
	case $machine in
	x86_64 | amd64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) echo "no collector for the architecture $machine"; return 1 ;;
	esac
	[ -f "$collectors/kubeproof-collect-linux-$arch" ] || { echo "no $collectors/kubeproof-collect-linux-$arch for this $machine host"; return 1; }
	tmp=$(ssh "${ssh_opts[@]}" "$host" 'umask 077 && mktemp -d /tmp/kubeproof.XXXXXXXX') || { echo "mktemp failed on $host"; return 1; }
	case $tmp in /tmp/kubeproof.????????) ;; *) echo "mktemp on $host gave '$tmp'"; tmp=""; return 1 ;; esac
	local args="-o - -q"
	scp -q "${ssh_opts[@]}" "$collectors/kubeproof-collect-linux-$arch" "$host:$tmp/kubeproof-collect" || { echo "could not copy the collector"; return 1; }
	if [ -n "$sign_key" ]; then
		scp -q "${ssh_opts[@]}" "$sign_key" "$host:$tmp/sign.key" || { echo "could not copy the signing key"; return 1; }
		args="$args --sign-key $tmp/sign.key"
	fi
	if [ -n "$redaction_key" ]; then
		scp -q "${ssh_opts[@]}" "$redaction_key" "$host:$tmp/redaction.key" || { echo "could not copy the redaction key"; return 1; }
		args="$args --redaction-key $tmp/redaction.key"
	fi
	# The bundle comes back on standard output; the messages, with the
	# digest, on standard error (into the log).
	ssh "${ssh_opts[@]}" "$host" "$sudo $tmp/kubeproof-collect $args" >"$bundle" || rc=$?
	case $rc in
	0) ;;
	3) echo "partial collection: the problems are recorded in the bundle" ;;
	*) echo "collection failed (exit code $rc)"; rm -f "$bundle"; return 1 ;;
	esac
	local printed verified
	printed=$(sed -n 's/^bundle digest \(sha256:[0-9a-f]\{64\}\)$/\1/p' "$out/$host.log" | tail -n 1)
	[ -n "$printed" ] || { echo "$host printed no bundle digest"; return 1; }
	if command -v kubeproof >/dev/null 2>&1; then
		verified=$(kubeproof verify "$bundle") || { echo "$verified"; return 1; }
		case $verified in
		*" $printed "*) echo "verified: $printed" ;;
		*) echo "the bundle received is not the one $host wrote ($printed): $verified"; return 1 ;;
		esac
	else
		echo "kubeproof is not on the PATH: compare $printed with what kubeproof verify $bundle prints"
	fi
}

# Run the hosts, at most $jobs at once, and report each.
failed=0
pids=() hosts=()
report() {
	if wait "$1"; then
		echo "ok     $2: $(tail -n 1 "$out/$2.log")"
	else
		echo "FAILED $2: $(tail -n 1 "$out/$2.log")"
		failed=$((failed + 1))
	fi
}
for host in "$@"; do
	case $host in */* | .* | '') echo "collect-ssh.sh: '$host': not a host name" >&2; exit 2 ;; esac
	collect "$host" &
	pids+=($!) hosts+=("$host")
	if [ ${#pids[@]} -ge "$jobs" ]; then
		report "${pids[0]}" "${hosts[0]}"
		pids=("${pids[@]:1}") hosts=("${hosts[@]:1}")
	fi
done
for i in "${!pids[@]}"; do
	report "${pids[$i]}" "${hosts[$i]}"
done
echo "$(($# - failed)) of $# hosts collected into $out/"
[ "$failed" -eq 0 ]
