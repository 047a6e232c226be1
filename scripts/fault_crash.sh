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

NAME=crash
# shellcheck source=lib/testlib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/testlib.sh"
TAIL_LINES=15
FAIL_PREFIX="FAILED check: "
KEPT="logs, bench.json, accepted.txt"

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
	*) echo "$PROG: unknown option $1" >&2; usage ;;
	esac
done
if [[ -n "$SHORT" ]]; then
	: "${TXS:=400}" "${RATE:=50}" "${ACCOUNTS:=40}" "${KILLS:=2}"
else
	: "${TXS:=6000}" "${RATE:=60}" "${ACCOUNTS:=200}" "${KILLS:=6}"
fi
: "${SEED:=$(((RANDOM << 15) | RANDOM))}"
need_numbers SEED TXS RATE ACCOUNTS KILLS
((TXS > 0 && RATE > 0 && ACCOUNTS > 0)) || usage_error "--txs, --rate and --accounts must be above 0"
FAIL_NOTE=", seed $SEED"

testlib_start

# on_failure: how to replay this run.
on_failure() {
	echo "$NAME: replay the kill plan with: $0 ${SHORT:+--short }--seed $SEED" >&2
}

# ---- the kill plan -----------------------------------------------------------
# Drawn from the seed alone, before anything runs: offsets (tenths of a
# second after the first transaction was accepted) spread over the sending
# window, targets and downtimes. The first kill is a validator, the
# second the miner; each later one a validator, the miner, or both at once.

rng_seed "$SEED"
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
testnet_up 3 1
RPCS="$(printf '%s\n' "${NODES[@]}" | cut -d= -f2- | paste -sd, -)"

step "load: quarry-bench funds $ACCOUNTS accounts, then sends through all 3 nodes"
bench_start --rpc "$RPCS" --txs "$TXS" --accounts "$ACCOUNTS" --rate "$RATE" \
	--timeout $((WINDOW_DS / 10 + 120))s
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
bench_wait
case $BENCH_STATUS in
0) ;;
3) fail "quarry-bench saw accepted transactions lost or included twice: $(tr -d ' \n' <"$WORK/bench.json" | grep -o '"lost":[0-9]*,[^}]*"includedTwice":[0-9]*')" ;;
*) fail "quarry-bench failed (exit $BENCH_STATUS): $(bench_tail 2)" ;;
esac
accepted=$(wc -l <"$ACCEPTED")
[[ "$(bench_field accepted)" == "$accepted" ]] ||
	fail "quarry-bench reports $(bench_field accepted) accepted, but recorded $accepted in --accepted-out"
log "quarry-bench: $accepted of $TXS accepted, $(bench_field rejected) rejected $(tr -d ' \n' <"$WORK/bench.json" | grep -o '"rejectedBy":{[^}]*}'), $(bench_field failovers) resent to another node, $(bench_field alreadyKnown) already known there"
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

reloaded=$(node_log_sum 'msg="pending transactions reloaded" records=[0-9]*')
step "tearing down"
log "crash: PASS in $((SECONDS - START))s (seed $SEED): $accepted accepted transactions each included once on all 3 nodes after $RESTARTS SIGKILLed restarts (${reloaded} journal records reloaded)"
