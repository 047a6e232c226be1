#!/usr/bin/env bash
# Crash test (issue 11): SIGKILL the miner and the validating nodes of a
# 3-node testnet at random moments under load, restart them, and check
# that nothing a node accepted was lost or included twice.
#
#   scripts/fault_crash.sh [--short] [--seed N] [--txs N] [--rate R]
#                          [--accounts K] [--kills K] [--keep]
#
#   1. up: 3 nodes, node 1 mining, nodes 2 and 3 validating
#   2. quarry-bench sends --txs transfers from --accounts fresh accounts at
#      --rate per second, spread over all three nodes; it resends to another
#      node whatever a dead node did not answer, and records each accepted
#      transaction as it is accepted (--accepted-out)
#   3. meanwhile, at moments drawn from --seed, SIGKILL node 2 or 3 (a
#      validator), then node 1 (the miner), then either or both together,
#      each for 1 to 4 seconds, and restart them
#   4. checks, on every node: every accepted transaction is in the chain
#      exactly once with a successful receipt, and the node's index finds it
#      there; every sender's nonce is one past its last accepted transaction
#      (nothing stalls behind a gap); all nodes are connected and mining goes
#      on; once mining stops, every node has the same head and state root and
#      an empty pool
#
# --short is the CI version: 400 transfers at 50/s, 2 kills (a validator,
# then the miner), about 30 s once Go's build cache is warm. The default:
# 6000 transfers at 60/s, 6 kills, about 2.5 minutes. Kills run one after
# another: one planned while the last is still down happens at its
# restart. The seed is printed first: --seed N replays the same kill plan
# (what the nodes do in between still varies). Exits 0 with "crash: PASS", or non-zero naming the failed
# check, with the nodes' status and log tails. Always stops the nodes and
# removes its temporary directory (--keep: keeps the directory, with the
# logs, the bench's report and the accepted list, and prints where).
# QUARRY_BIN as for testnet.sh; GO is the go command.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly TESTNET="$ROOT/scripts/testnet.sh"
readonly GO="${GO:-go}"

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-2}"
}

SHORT="" SEED="" TXS="" RATE="" ACCOUNTS="" KILLS="" KEEP=""
while (($#)); do
	case "$1" in
	--short) SHORT=1; shift ;;
	--seed) SEED="${2:?--seed needs a value}"; shift 2 ;;
	--txs) TXS="${2:?--txs needs a value}"; shift 2 ;;
	--rate) RATE="${2:?--rate needs a value}"; shift 2 ;;
	--accounts) ACCOUNTS="${2:?--accounts needs a value}"; shift 2 ;;
	--kills) KILLS="${2:?--kills needs a value}"; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) usage 0 ;;
	*) echo "fault_crash: unknown option $1" >&2; usage ;;
	esac
done
if [[ -n "$SHORT" ]]; then
	: "${TXS:=400}" "${RATE:=50}" "${ACCOUNTS:=40}" "${KILLS:=2}"
else
	: "${TXS:=6000}" "${RATE:=60}" "${ACCOUNTS:=200}" "${KILLS:=6}"
fi
: "${SEED:=$(((RANDOM << 15) | RANDOM))}"
for v in SEED TXS RATE ACCOUNTS KILLS; do
	[[ "${!v}" =~ ^[0-9]+$ ]] || { echo "fault_crash: --${v,,} ${!v}: want a number" >&2; exit 2; }
done
((TXS > 0 && RATE > 0 && ACCOUNTS > 0)) || { echo "fault_crash: --txs, --rate and --accounts must be above 0" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/quarry-crash.XXXXXX")"
readonly WORK
export QUARRY_TESTNET_DIR="$WORK/testnet"
readonly KIT="$QUARRY_TESTNET_DIR/bin/testnetkit"
readonly BENCH="$WORK/quarry-bench"
readonly ACCEPTED="$WORK/accepted.txt"
START=$SECONDS
STEP="setting up"
BENCH_PID=""

log() { echo "crash [$((SECONDS - START))s]: $*" >&2; }

step() {
	STEP="$1"
	log "$STEP"
}

fail() {
	echo "crash: FAILED check: $*" >&2
	exit 1
}

cleanup() {
	local status=$? f
	trap - EXIT INT TERM
	if [[ -n "$BENCH_PID" ]] && kill -0 "$BENCH_PID" 2>/dev/null; then
		kill "$BENCH_PID" 2>/dev/null || true
		wait "$BENCH_PID" 2>/dev/null || true
	fi
	if ((status != 0)); then
		echo "crash: FAILED while $STEP (exit $status, seed $SEED, after $((SECONDS - START))s)" >&2
		echo "crash: replay the kill plan with: $0 ${SHORT:+--short }--seed $SEED" >&2
		if [[ -x "$KIT" ]]; then
			"$TESTNET" status >&2 || true
			for f in "$QUARRY_TESTNET_DIR"/node*/log; do
				[[ -f "$f" ]] || continue
				echo "--- last lines of $f" >&2
				tail -n 15 "$f" >&2
			done
		fi
		[[ ! -f "$WORK/bench.log" ]] || { echo "--- quarry-bench" >&2; tr '\r' '\n' <"$WORK/bench.log" | tail -n 4 >&2; }
	fi
	if [[ -n "$KEEP" ]]; then
		# Stop the nodes, keep their files: down would remove them.
		for f in "$QUARRY_TESTNET_DIR"/node*; do
			[[ -d "$f" ]] && "$TESTNET" stop "${f##*node}" --graceful >/dev/null 2>&1 || true
		done
		echo "crash: kept $WORK (logs, bench.json, accepted.txt)" >&2
	else
		"$TESTNET" down >/dev/null 2>&1 || echo "crash: warning: testnet down failed" >&2
		rm -rf -- "$WORK"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the kill plan -----------------------------------------------------------
# Drawn from the seed alone, before anything runs: offsets (tenths of a
# second after the first transaction was accepted) spread over the sending
# window, targets and downtimes. The first kill is a validator, the
# second the miner; each later one a validator, the miner, or both at once.

# A seeded xorshift32 generator: the same choices for a seed on any bash
# (RANDOM's algorithm differs between bash versions, and its low bit
# alternates). rand N sets REPLY to a number from 0 to N-1.
RNG=$((SEED & 0xffffffff))
((RNG != 0)) || RNG=0x9e3779b9
rand() {
	RNG=$(((RNG ^ (RNG << 13)) & 0xffffffff))
	RNG=$((RNG ^ (RNG >> 17)))
	RNG=$(((RNG ^ (RNG << 5)) & 0xffffffff))
	REPLY=$((RNG % $1))
}
WINDOW_DS=$((TXS * 10 / RATE)) # the sending window, in tenths of a second
PLAN=()
plan_kills() {
	local k offset targets down kind last=0
	for ((k = 0; k < KILLS; k++)); do
		# Evenly spread slots, each kill at a random point of its slot.
		rand $((WINDOW_DS / KILLS + 1))
		offset=$((WINDOW_DS * k / KILLS + REPLY))
		((offset > last)) || offset=$((last + 1))
		last=$offset
		rand 3
		kind=$REPLY
		((k >= 2)) || kind=$k
		rand 2
		case $kind in
		0) targets=$((2 + REPLY)) ;;
		1) targets=1 ;;
		2) targets="1,$((2 + REPLY))" ;;
		esac
		rand 31
		down=$((10 + REPLY))
		PLAN+=("$offset:$targets:$down")
	done
}
plan_kills

describe_plan() {
	local p offset targets down out=()
	for p in "${PLAN[@]}"; do
		IFS=: read -r offset targets down <<<"$p"
		out+=("+$((offset / 10)).$((offset % 10))s node ${targets/,/+} for $((down / 10)).$((down % 10))s")
	done
	local IFS=';'
	echo "${out[*]}"
}

# now_ds: the time in tenths of a second.
now_ds() {
	local ns
	ns=$(date +%s%N)
	echo $((ns / 100000000))
}

# ---- run --------------------------------------------------------------------
log "seed $SEED: $TXS transfers from $ACCOUNTS accounts at $RATE/s; kill plan: $(describe_plan)"

step "building quarry-bench; starting 3 nodes, node 1 mining"
(cd "$ROOT" && "$GO" build -o "$BENCH" ./cmd/quarry-bench)
"$TESTNET" up -n 3 --miners 1 >/dev/null
mapfile -t NODES < <("$TESTNET" urls)
((${#NODES[@]} == 3)) || fail "testnet.sh urls gave ${#NODES[@]} nodes, want 3"
RPCS="$(printf '%s\n' "${NODES[@]}" | cut -d= -f2- | paste -sd, -)"

step "load: quarry-bench funds $ACCOUNTS accounts, then sends through all 3 nodes"
"$BENCH" --rpc "$RPCS" --txs "$TXS" --accounts "$ACCOUNTS" --rate "$RATE" \
	--timeout $((WINDOW_DS / 10 + 120))s --accepted-out "$ACCEPTED" --json \
	>"$WORK/bench.json" 2>"$WORK/bench.log" &
BENCH_PID=$!
deadline=$((SECONDS + 120))
until [[ -s "$ACCEPTED" ]]; do
	kill -0 "$BENCH_PID" 2>/dev/null || fail "quarry-bench ended before sending: $(tr '\r' '\n' <"$WORK/bench.log" | tail -n 2)"
	((SECONDS < deadline)) || fail "quarry-bench accepted nothing within 120s (funding stuck?)"
	sleep 0.1
done
T0=$(now_ds)

step "kills under load: $(describe_plan)"
RESTARTS=0
for p in "${PLAN[@]}"; do
	IFS=: read -r offset targets down <<<"$p"
	while (($(now_ds) - T0 < offset)); do sleep 0.05; done
	kill -0 "$BENCH_PID" 2>/dev/null || log "note: the load already ended at this kill"
	at=$(($(now_ds) - T0))
	for n in ${targets//,/ }; do
		"$TESTNET" stop "$n" 2>/dev/null
	done
	log "  +$((at / 10)).$((at % 10))s: SIGKILL node ${targets/,/ and node } ($(wc -l <"$ACCEPTED") accepted so far)"
	sleep "$((down / 10)).$((down % 10))"
	for n in ${targets//,/ }; do
		"$TESTNET" start "$n" 2>/dev/null || fail "node $n did not restart after its SIGKILL"
		RESTARTS=$((RESTARTS + 1))
	done
done

step "waiting for the load to end"
set +e
wait "$BENCH_PID"
BENCH_STATUS=$?
set -e
BENCH_PID=""
case $BENCH_STATUS in
0) ;;
3) fail "quarry-bench saw accepted transactions lost or included twice: $(tr -d ' \n' <"$WORK/bench.json" | grep -o '"lost":[0-9]*,[^}]*"includedTwice":[0-9]*')" ;;
*) fail "quarry-bench failed (exit $BENCH_STATUS): $(tr '\r' '\n' <"$WORK/bench.log" | tail -n 2)" ;;
esac
accepted=$(wc -l <"$ACCEPTED")
field() { tr -d ' \n' <"$WORK/bench.json" | grep -o "\"$1\":[^,}]*" | cut -d: -f2; }
[[ "$(field accepted)" == "$accepted" ]] ||
	fail "quarry-bench reports $(field accepted) accepted, but recorded $accepted in --accepted-out"
log "quarry-bench: $accepted of $TXS accepted, $(field rejected) rejected $(tr -d ' \n' <"$WORK/bench.json" | grep -o '"rejectedBy":{[^}]*}'), $(field failovers) resent to another node, $(field alreadyKnown) already known there"
((accepted > 0)) || fail "no transaction was accepted"

step "every node: all $accepted accepted transactions included exactly once, senders' nonces complete"
"$KIT" included -hashes "$ACCEPTED" -nonces -timeout 180s "${NODES[@]}" ||
	fail "accepted transactions are missing, duplicated or failed on some node (above)"

step "the restarted nodes rejoined: all connected, all advancing"
"$KIT" wait -blocks 2 -timeout 60s "${NODES[@]}" || fail "the nodes did not reconnect and advance"

step "stop mining; same head and state root on every node, pools empty"
"$KIT" call "${NODES[0]#*=}" miner_stop >/dev/null
"$KIT" agree -exact -state-root -stable 4 -timeout 60s "${NODES[@]}" ||
	fail "the nodes did not converge on one head and state root"
"$KIT" included -hashes "$ACCEPTED" -nonces -empty-pool -timeout 60s "${NODES[@]}" ||
	fail "after convergence: transactions missing, duplicated, or left in a pool (above)"

reloaded=0
for r in $(cat "$QUARRY_TESTNET_DIR"/node*/log | grep -o 'msg="pending transactions reloaded" records=[0-9]*' | grep -o '[0-9]*$'); do
	reloaded=$((reloaded + r))
done
step "tearing down"
log "crash: PASS in $((SECONDS - START))s (seed $SEED): $accepted accepted transactions each included once on all 3 nodes after $RESTARTS SIGKILLed restarts (${reloaded} journal records reloaded)"
