#!/usr/bin/env bash
# Mutation testing with gremlins (github.com/go-gremlins/gremlins, v0.6.0;
# not run in CI): plants small bugs in the packages whose tests must hold
# the redesigns — the bundle format, the catalog, evidence resolution and
# the evaluation core, the collector's redaction and discovery — one at a
# time, and reports for each whether the package's own tests caught it.
#
#   scripts/mutate/mutate.sh [-b BASE] [-o DIR] [PKG...]
#
# With -b BASE only the lines changed since BASE are mutated (gremlins
# --diff); without it every covered line of each package is: a baseline.
# PKG is one of the names below (default: all; eval is analyzer/eval.go
# alone). Each package runs alone,
# one worker at a time (the machines this runs on are small); a report per
# package lands in DIR (default mutate-out/), and a summary at the end:
# efficacy = killed / (killed + lived), mutant coverage = (killed + lived)
# / all mutants found.
#
# gremlins runs only the mutated package's tests, so a package is only as
# well defended as its own tests: that is the point.
set -euo pipefail
cd "$(dirname "$0")/../.."

GREMLINS=${GREMLINS:-$(command -v gremlins || echo "$(go env GOPATH)/bin/gremlins")}
BASE=""
OUT=mutate-out
while getopts "b:o:" opt; do
	case $opt in
	b) BASE=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ ! -x "$GREMLINS" ]; then
	echo "gremlins not found; install it with:" >&2
	echo "  go install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0" >&2
	exit 2
fi

# name → directory and the files of it that are left out (regexps).
declare -A DIR EXCL
DIR[bundle]=bundle
DIR[catalog]=catalog
DIR[evidence]=evidence
DIR[analyzer]=analyzer
DIR[redact]=redact
DIR[rbac]=evidence/rbac
# The collector's discovery only: its probes of the live host are tested
# end to end, by the spec-built fixtures and cmd/kubeproof-collect.
DIR[discovery]=collector
EXCL[discovery]='^(accounts|buildinfo|collect|pki|procs|source|spec|version|x509)\.go$'
# The evaluation core's operators alone: analyzer/eval.go (with evidence,
# the core the issue-15 targets name).
DIR[eval]=analyzer
EXCL[eval]="^($(cd analyzer && ls *.go | grep -v -e '_test\.go$' -e '^eval\.go$' | sed 's/\.go$//' | paste -sd'|'))\.go\$"
ALL="bundle catalog evidence rbac analyzer redact discovery"

pkgs=${*:-$ALL}
mkdir -p "$OUT"
for p in $pkgs; do
	dir=${DIR[$p]:-}
	if [ -z "$dir" ]; then
		echo "unknown package $p (one of: $ALL eval)" >&2
		exit 2
	fi
	args=(unleash --workers 1 --timeout-coefficient "${TIMEOUT_COEFFICIENT:-5}" -o "$OUT/$p.json")
	[ -n "$BASE" ] && args+=(--diff "$BASE")
	[ -n "${EXCL[$p]:-}" ] && args+=(-E "${EXCL[$p]}")
	echo "== $p: $GREMLINS ${args[*]} ./$dir"
	nice -n 10 "$GREMLINS" "${args[@]}" "./$dir" >"$OUT/$p.log" 2>&1 || true
	tail -n 8 "$OUT/$p.log"
done
reports=()
for p in $pkgs; do
	# gremlins writes no report when it finds no mutant (a diff that
	# changes no code of the package).
	[ -s "$OUT/$p.json" ] && reports+=("$OUT/$p.json")
done
if [ ${#reports[@]} -gt 0 ]; then
	go run ./scripts/mutate/summary -files "${reports[@]}"
else
	echo "no mutants"
fi
