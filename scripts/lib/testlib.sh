# shellcheck shell=bash
# testlib.sh: the skeleton the testnet test scripts share (fault_crash.sh,
# fault_partition.sh, fault_hostile.sh, testnet_smoke.sh). Sourced, not run:
#
#   set -euo pipefail                    # ends the script's --help text
#   NAME=crash                           # before sourcing
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/testlib.sh"
#   ... parse the options ...
#   testlib_start                        # work directory, traps
#
# The sourcing script must set NAME, the word its messages begin with
# ("crash" logs "crash [12s]: ..."). It may set, after sourcing:
#   KEEP         non-empty (--keep): on exit stop the nodes but keep $WORK
#   KEPT         what --keep keeps, for the line naming $WORK
#   FAIL_PREFIX  words between "NAME: " and the reason in fail's line
#   FAIL_NOTE    words after the exit status in the FAILED line (", seed 7")
#   TAIL_LINES   lines of each node's log a failure prints (default 25)
#   BG_PIDS      background processes to kill and wait for on exit
# and may define on_failure, which prints its own details after the FAILED
# line and before the nodes' status and logs.
#
# It provides:
#   ROOT TESTNET GO   the checkout, scripts/testnet.sh, the go command
#   PROG              the script's file name without .sh, for usage errors
#   usage [STATUS]    the script's header comment on stdout; exit STATUS (2)
#   usage_error MSG   "PROG: MSG" on stderr; exit 2
#   need_numbers VAR...  each a whole number, else a usage error (--var)
#   testlib_start     WORK (a fresh temporary directory, removed on exit),
#                     QUARRY_TESTNET_DIR in it, KIT, BENCH, ACCEPTED, START,
#                     STEP, and the exit trap (Ctrl-C exits 130)
#   log MSG, step MSG (sets STEP), fail MSG (exit 1)
#   testnet_up N MINERS  up, NODES=("1=URL" ...), fail unless N came up
#   node_log_sum PATTERN  the sum of the numbers ending PATTERN's matches
#                     in the nodes' logs
#   rng_seed N, rand N   seeded choices: REPLY from 0 to N-1
#   bench_start ARG..., bench_wait, bench_field NAME, bench_tail N
#                     quarry-bench in the background (BENCH_PID, BENCH_STATUS)
#
# On exit, in this order: quarry-bench and BG_PIDS are stopped; on failure
# the FAILED line, on_failure, the testnet's status with the tail of each
# node's log, and the tail of quarry-bench's log; then either the nodes
# stop and $WORK stays (KEEP) or the testnet goes down and $WORK is removed.

: "${NAME:?set NAME before sourcing testlib.sh}"

# The bottom of the source stack is the script that was run.
readonly SCRIPT="${BASH_SOURCE[-1]}"
PROG="${SCRIPT##*/}"
readonly PROG="${PROG%.sh}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly TESTNET="$ROOT/scripts/testnet.sh"
readonly GO="${GO:-go}"

# Settings the script may change after sourcing; set here so that none
# comes in from the environment.
KEEP="" KEPT="" FAIL_PREFIX="" FAIL_NOTE="" TAIL_LINES=25
BG_PIDS=()
BENCH_PID="" BENCH_STATUS=""

usage() {
	sed -n '2,/^set -euo/p' "$SCRIPT" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-2}"
}

usage_error() {
	echo "$PROG: $*" >&2
	exit 2
}

need_numbers() {
	local v
	for v; do
		[[ "${!v}" =~ ^[0-9]+$ ]] || usage_error "--${v,,} ${!v}: want a number"
	done
}

log() { echo "$NAME [$((SECONDS - START))s]: $*" >&2; }

step() {
	STEP="$1"
	log "$STEP"
}

fail() {
	echo "$NAME: $FAIL_PREFIX$*" >&2
	exit 1
}

testlib_start() {
	WORK="$(mktemp -d "${TMPDIR:-/tmp}/quarry-$NAME.XXXXXX")"
	declare -gr WORK
	export QUARRY_TESTNET_DIR="$WORK/testnet"
	declare -gr KIT="$QUARRY_TESTNET_DIR/bin/testnetkit"
	declare -gr BENCH="$WORK/quarry-bench"
	declare -gr ACCEPTED="$WORK/accepted.txt"
	START=$SECONDS
	STEP="setting up"
	trap testlib_cleanup EXIT
	trap 'exit 130' INT TERM
}

# node_report LINES: the testnet's status and the last LINES of each node's
# log, once the testnet's tools are built.
node_report() {
	local f
	[[ -x "$KIT" ]] || return 0
	"$TESTNET" status >&2 || true
	for f in "$QUARRY_TESTNET_DIR"/node*/log; do
		[[ -f "$f" ]] || continue
		echo "--- last lines of $f" >&2
		tail -n "$1" "$f" >&2
	done
}

testlib_cleanup() {
	local status=$? pid f
	trap - EXIT INT TERM
	if [[ -n "$BENCH_PID" ]] && kill -0 "$BENCH_PID" 2>/dev/null; then
		kill "$BENCH_PID" 2>/dev/null || true
		wait "$BENCH_PID" 2>/dev/null || true
	fi
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if ((status != 0)); then
		echo "$NAME: FAILED while $STEP (exit $status$FAIL_NOTE, after $((SECONDS - START))s)" >&2
		if declare -F on_failure >/dev/null; then
			on_failure
		fi
		node_report "$TAIL_LINES"
		[[ ! -f "$WORK/bench.log" ]] || { echo "--- quarry-bench" >&2; bench_tail 4 >&2; }
	fi
	if [[ -n "$KEEP" ]]; then
		# Stop the nodes, keep their files: down would remove them.
		for f in "$QUARRY_TESTNET_DIR"/node*; do
			[[ -d "$f" ]] && "$TESTNET" stop "${f##*node}" --graceful >/dev/null 2>&1 || true
		done
		echo "$NAME: kept $WORK ($KEPT)" >&2
	else
		"$TESTNET" down >/dev/null 2>&1 || echo "$NAME: warning: testnet down failed" >&2
		rm -rf -- "$WORK"
	fi
	exit "$status"
}

# node_log_sum PATTERN: the sum of the numbers that end the matches of
# PATTERN (grep -o) in every node's log.
node_log_sum() {
	local n sum=0
	for n in $(cat "$QUARRY_TESTNET_DIR"/node*/log | grep -o "$1" | grep -o '[0-9]*$'); do
		sum=$((sum + n))
	done
	echo "$sum"
}

# testnet_up N MINERS: a testnet of N nodes, the first MINERS mining; NODES
# gets testnet.sh's urls ("1=http://...").
testnet_up() {
	"$TESTNET" up -n "$1" --miners "$2" >/dev/null
	mapfile -t NODES < <("$TESTNET" urls)
	((${#NODES[@]} == $1)) || fail "testnet.sh urls gave ${#NODES[@]} nodes, want $1"
}

# A seeded xorshift32 generator: the same choices for a seed on any bash
# (RANDOM's algorithm differs between bash versions, and its low bit
# alternates). rng_seed N starts it; rand N sets REPLY to a number from 0
# to N-1.
rng_seed() {
	RNG=$(($1 & 0xffffffff))
	((RNG != 0)) || RNG=0x9e3779b9
}

rand() {
	RNG=$(((RNG ^ (RNG << 13)) & 0xffffffff))
	RNG=$((RNG ^ (RNG >> 17)))
	RNG=$(((RNG ^ (RNG << 5)) & 0xffffffff))
	REPLY=$((RNG % $1))
}

# bench_start ARG...: quarry-bench ($BENCH) with ARGs in the background,
# each transaction it has accepted in $ACCEPTED, its report in
# $WORK/bench.json, its log in $WORK/bench.log; returns once it has
# accepted one.
bench_start() {
	local deadline
	"$BENCH" "$@" --accepted-out "$ACCEPTED" --json >"$WORK/bench.json" 2>"$WORK/bench.log" &
	BENCH_PID=$!
	deadline=$((SECONDS + 120))
	until [[ -s "$ACCEPTED" ]]; do
		kill -0 "$BENCH_PID" 2>/dev/null || fail "quarry-bench ended before sending: $(bench_tail 2)"
		((SECONDS < deadline)) || fail "quarry-bench accepted nothing within 120s (funding stuck?)"
		sleep 0.1
	done
}

# bench_wait: until quarry-bench ends; its exit status in BENCH_STATUS.
bench_wait() {
	BENCH_STATUS=0
	wait "$BENCH_PID" || BENCH_STATUS=$?
	BENCH_PID=""
}

# bench_field NAME: a field of quarry-bench's report.
bench_field() { tr -d ' \n' <"$WORK/bench.json" | grep -o "\"$1\":[^,}]*" | cut -d: -f2; }

# bench_tail N: the last N lines of quarry-bench's log (progress lines end
# in a carriage return).
bench_tail() { tr '\r' '\n' <"$WORK/bench.log" | tail -n "$1"; }
