#!/usr/bin/env bash
# Partition test (issue 11): split a 4-node testnet in two with the nodes'
# admin controls, mine on both sides, spend one account's nonce twice (once
# on each side), heal, and check that every node converges on the branch
# with the most work and that exactly one of the two spends survives.
#
#   scripts/fault_partition.sh [--short] [--seed N] [--rounds R] [--txs N]
#                              [--rate R] [--keep]
#
#   1. up: 4 nodes, nodes 1 and 2 mining, 3 and 4 validating
#   2. each round: partition into two sides of a miner and a validator
#      ({1,3} | {2,4}, or {1,4} | {2,3}, as the seed says), both mining
#      apart for a while (2 s; 6 to 13 s under load); a test account sends nonce N, 6000 of its 10,000 coins, to a fresh
#      address A through one side's validator, and nonce N, 6000 coins, to
#      a fresh address B through the other's; each confirms on its side, and
#      neither side knows the other's spend
#   3. mining stops; the side the seed names mines on until its branch has
#      strictly more work; heal
#   4. checks, on every node: the head is that heavier side's tip; its spend
#      is in the chain exactly once with a successful receipt; the other is
#      in no chain and no pool and has no receipt; A and B hold 6000 coins
#      and 0 (or the reverse); the sender's nonce is N+1; mining resumes and
#      the lost spend stays gone
#   5. (default only) quarry-bench sends --txs transfers at --rate per second
#      through all nodes during every round: once the load ends, every
#      transaction it had accepted, on either side, is in every node's chain
#      exactly once, senders' nonces are complete, and with mining stopped
#      every node has the same head, the same state root and an empty pool
#
# --short is the CI version: one round, no load, 20 to 25 s once Go's build
# cache is warm. The default: 4 rounds under a load of 3000 transfers at
# 35/s, about 2 minutes. --seed N replays the same choices (sides, senders,
# which side wins). Exits 0 with "partition: PASS", or non-zero naming the
# failed check, with the nodes' status and log tails. Always stops the
# nodes and removes its temporary directory (--keep keeps the directory and
# prints where). QUARRY_BIN as for testnet.sh; GO is the go command.
set -euo pipefail

NAME=partition
# shellcheck source=lib/testlib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/testlib.sh"
TAIL_LINES=15
FAIL_PREFIX="FAILED check: "
KEPT="logs, spends, bench.json, accepted.txt"
readonly SPEND=6000ether # each of the two spends: together more than the 10,000 an account has

SHORT="" SEED="" ROUNDS="" TXS="" RATE="" KEEP=""
while (($#)); do
	case "$1" in
	--short) SHORT=1; shift ;;
	--seed) SEED="${2:?--seed needs a value}"; shift 2 ;;
	--rounds) ROUNDS="${2:?--rounds needs a value}"; shift 2 ;;
	--txs) TXS="${2:?--txs needs a value}"; shift 2 ;;
	--rate) RATE="${2:?--rate needs a value}"; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) usage 0 ;;
	*) echo "$PROG: unknown option $1" >&2; usage ;;
	esac
done
if [[ -n "$SHORT" ]]; then
	: "${ROUNDS:=1}" "${TXS:=0}" "${RATE:=25}"
else
	: "${ROUNDS:=4}" "${TXS:=3000}" "${RATE:=35}"
fi
: "${SEED:=$(((RANDOM << 15) | RANDOM))}"
need_numbers SEED ROUNDS TXS RATE
((ROUNDS >= 1 && ROUNDS <= 9 && RATE > 0)) || usage_error "--rounds 1 to 9 (one test account each), --rate above 0"
FAIL_NOTE=", seed $SEED"

testlib_start

# on_failure: how to replay this run.
on_failure() {
	echo "$NAME: replay the same choices with: $0 ${SHORT:+--short }--seed $SEED" >&2
}

# ---- helpers ------------------------------------------------------------------

url() { echo "${NODES[$1 - 1]#*=}"; }

# args_of "1,3": the testnetkit node arguments of those nodes.
args_of() {
	local n out=()
	for n in ${1//,/ }; do
		out+=("${NODES[n - 1]}")
	done
	echo "${out[@]}"
}

# head_of N FIELD: a field of node N's head block.
head_of() { "$KIT" call -get "$2" "$(url "$1")" eth_getBlockByNumber latest false; }

# height N: node N's height.
height() { echo $(($("$KIT" call "$(url "$1")" eth_blockNumber | tr -d '"'))); }

# work N: node N's total work at its head, as a decimal number.
work() {
	local td
	td="$(head_of "$1" totalDifficulty)"
	[[ "$td" =~ ^0x[0-9a-f]{1,15}$ ]] || fail "node $1: total work $td does not fit this script's arithmetic"
	echo $((16#${td#0x}))
}

# wait_height N H SECS: until node N is at height H or above.
wait_height() {
	local deadline=$((SECONDS + $3))
	until (($(height "$1") >= $2)); do
		((SECONDS < deadline)) || fail "node $1 did not reach height $2 within $3s (it is at $(height "$1"))"
		sleep 0.1
	done
}

# recipient ROUND SIDE: a fresh address nobody has the key of.
recipient() { printf '0x%024x%08x%08x\n' 0 "$((0x9a27 + $1))" "$2"; }

# ---- run ------------------------------------------------------------------------

# Every choice comes from the seed, drawn up front.
rng_seed "$SEED"
declare -a GROUP1 GROUP2 WINNER SENDER HOLD
for ((r = 1; r <= ROUNDS; r++)); do
	rand 2
	if ((REPLY)); then
		GROUP1[r]="1,3" GROUP2[r]="2,4"
	else
		GROUP1[r]="1,4" GROUP2[r]="2,3"
	fi
	rand 2
	WINNER[r]=$((1 + REPLY))
	SENDER[r]=$r # test accounts 1 to 9, one per round: each has its 10,000 coins
	# How long the sides mine apart before the spends, in seconds: under
	# load, long enough for both branches to take many transactions.
	rand 8
	HOLD[r]=$((TXS > 0 ? 6 + REPLY : 2))
done
plan=""
for ((r = 1; r <= ROUNDS; r++)); do
	plan+="${plan:+; }round $r: {${GROUP1[r]}} | {${GROUP2[r]}} for ${HOLD[r]}s, account ${SENDER[r]}, side ${WINNER[r]} wins"
done
LOAD=""
((TXS == 0)) || LOAD=", with $TXS transfers of load at $RATE/s"
log "seed $SEED: $plan$LOAD"

step "starting 4 nodes, nodes 1 and 2 mining"
if ((TXS > 0)); then
	(cd "$ROOT" && "$GO" build -o "$BENCH" ./cmd/quarry-bench)
fi
testnet_up 4 2
# shellcheck disable=SC2046
ALL=($(args_of 1,2,3,4))

if ((TXS > 0)); then
	step "load: quarry-bench funds 100 accounts, then sends $TXS transfers at $RATE/s through all 4 nodes"
	bench_start --rpc "$(printf '%s\n' "${NODES[@]}" | cut -d= -f2- | paste -sd, -)" --txs "$TXS" --accounts 100 \
		--rate "$RATE" --timeout $((TXS / RATE + 240))s
fi

: >"$WORK/survivors"
: >"$WORK/gone"
for ((r = 1; r <= ROUNDS; r++)); do
	g1="${GROUP1[r]}" g2="${GROUP2[r]}" acct="${SENDER[r]}"
	m1="${g1%,*}" v1="${g1#*,}" m2="${g2%,*}" v2="${g2#*,}" # miner, validator of each side
	step "round $r: partition {$g1} | {$g2}; both sides mine apart for ${HOLD[r]}s"
	"$TESTNET" partition "$g1" "$g2" 2>/dev/null
	h1=$(height "$m1") h2=$(height "$m2")
	sleep "${HOLD[r]}"
	wait_height "$m1" $((h1 + 2)) 60
	wait_height "$m2" $((h2 + 2)) 60
	[[ "$(head_of "$m1" hash)" != "$(head_of "$m2" hash)" ]] || fail "round $r: both sides have the same head: the partition did not split the chain"

	addr="$("$KIT" accounts | sed -n "s/^($acct) \(0x[0-9a-fA-F]*\) .*/\1/p")"
	[[ -n "$addr" ]] || fail "no address for test account $acct"
	nonce=$(($("$KIT" call "$(url "$v1")" eth_getTransactionCount "$addr" latest | tr -d '"')))
	other=$(($("$KIT" call "$(url "$v2")" eth_getTransactionCount "$addr" latest | tr -d '"')))
	((nonce == other)) || fail "round $r: account $acct is at nonce $nonce on one side and $other on the other before spending"
	A="$(recipient "$r" 1)" B="$(recipient "$r" 2)"
	step "round $r: account $acct spends nonce $nonce twice: $SPEND to $A via node $v1, $SPEND to $B via node $v2"
	"$KIT" send -from "$acct" -nonce "$nonce" -to "$A" -value "$SPEND" "$(url "$v1")" >"$WORK/spend$r.1" ||
		fail "round $r: node $v1 refused the spend to A"
	"$KIT" send -from "$acct" -nonce "$nonce" -to "$B" -value "$SPEND" "$(url "$v2")" >"$WORK/spend$r.2" ||
		fail "round $r: node $v2 refused the spend to B"
	# shellcheck disable=SC2046
	"$KIT" receipts -hashes "$WORK/spend$r.1" -timeout 60s $(args_of "$g1") >/dev/null 2>&1 ||
		fail "round $r: the spend to A did not confirm on side {$g1}"
	# shellcheck disable=SC2046
	"$KIT" receipts -hashes "$WORK/spend$r.2" -timeout 60s $(args_of "$g2") >/dev/null 2>&1 ||
		fail "round $r: the spend to B did not confirm on side {$g2}"
	# shellcheck disable=SC2046
	"$KIT" included -absent "$WORK/spend$r.2" -timeout 5s $(args_of "$g1") 2>/dev/null ||
		fail "round $r: side {$g1} knows the spend to B: the partition leaked"
	# shellcheck disable=SC2046
	"$KIT" included -absent "$WORK/spend$r.1" -timeout 5s $(args_of "$g2") 2>/dev/null ||
		fail "round $r: side {$g2} knows the spend to A: the partition leaked"
	log "  both spends confirmed, each on its side only (heights $(height "$m1") and $(height "$m2"))"

	if ((WINNER[r] == 1)); then
		win="$g1" wm="$m1" lose="$g2" lm="$m2" wtx="$WORK/spend$r.1" ltx="$WORK/spend$r.2" wto="$A" lto="$B"
	else
		win="$g2" wm="$m2" lose="$g1" lm="$m1" wtx="$WORK/spend$r.2" ltx="$WORK/spend$r.1" wto="$B" lto="$A"
	fi
	step "round $r: mining stops; side {$win} mines on until its branch has more work"
	"$KIT" call "$(url "$m1")" miner_stop >/dev/null
	"$KIT" call "$(url "$m2")" miner_stop >/dev/null
	# shellcheck disable=SC2046
	"$KIT" agree -exact -stable 3 -timeout 30s $(args_of "$g1") 2>/dev/null || fail "round $r: side {$g1} did not settle"
	# shellcheck disable=SC2046
	"$KIT" agree -exact -stable 3 -timeout 30s $(args_of "$g2") 2>/dev/null || fail "round $r: side {$g2} did not settle"
	extra=0
	while (($(work "$wm") <= $(work "$lm"))) || ((extra == 0)); do
		h=$(height "$wm")
		"$KIT" call "$(url "$wm")" miner_start >/dev/null
		wait_height "$wm" $((h + 1)) 60
		"$KIT" call "$(url "$wm")" miner_stop >/dev/null
		extra=$((extra + 1))
	done
	# shellcheck disable=SC2046
	"$KIT" agree -exact -stable 3 -timeout 30s $(args_of "$win") 2>/dev/null || fail "round $r: side {$win} did not settle"
	tip="$(head_of "$wm" hash)" tipwork=$(work "$wm") losework=$(work "$lm")
	log "  side {$win} tip $tip, work $tipwork > $losework of side {$lose} ($extra more blocks)"

	step "round $r: heal; every node converges on side {$win}'s tip"
	"$TESTNET" heal 2>/dev/null
	"$KIT" agree -exact -stable 4 -timeout 60s "${ALL[@]}" 2>/dev/null ||
		fail "round $r: the nodes did not converge after the heal"
	for n in 1 2 3 4; do
		got="$(head_of "$n" hash)"
		[[ "$got" == "$tip" ]] || fail "round $r: node $n converged on $got, not on the most-work tip $tip of side {$win}"
	done
	step "round $r: one spend survives: side {$win}'s in every chain once, the other in no chain or pool"
	"$KIT" included -hashes "$wtx" -nonces -absent "$ltx" -balance "$wto=$SPEND" -balance "$lto=0" -timeout 30s "${ALL[@]}" ||
		fail "round $r: the double spend did not resolve to exactly the heavier side's spend"
	cat "$wtx" >>"$WORK/survivors"
	cat "$ltx" >>"$WORK/gone"
	reorged=0
	for n in ${lose//,/ }; do
		reorged=$((reorged + $("$KIT" call -get '#' "$(url "$n")" quarry_reorgs 0x64)))
	done
	((reorged > 0)) || fail "round $r: no node of the losing side {$lose} reports a reorganisation"

	step "round $r: mining resumes on both miners; the lost spend stays gone"
	"$KIT" call "$(url "$m1")" miner_start >/dev/null
	"$KIT" call "$(url "$m2")" miner_start >/dev/null
	"$KIT" wait -blocks 2 -timeout 60s "${ALL[@]}" 2>/dev/null || fail "round $r: the healed network does not advance"
	"$KIT" included -hashes "$WORK/survivors" -absent "$WORK/gone" -timeout 30s "${ALL[@]}" ||
		fail "round $r: after mining resumed, a surviving spend went or a lost one came back"
done

if [[ -n "$BENCH_PID" ]]; then
	step "waiting for the load to end"
	bench_wait
	((BENCH_STATUS == 0)) || fail "quarry-bench failed (exit $BENCH_STATUS: 3 is a lost or twice-included transaction): $(bench_tail 2)"
	accepted=$(wc -l <"$ACCEPTED")
	[[ "$(bench_field accepted)" == "$accepted" ]] || fail "quarry-bench reports $(bench_field accepted) accepted, but recorded $accepted"
	log "quarry-bench: $accepted of $TXS accepted, $(bench_field rejected) rejected"
	step "every node: all $accepted accepted transactions of the load included exactly once"
	"$KIT" included -hashes "$ACCEPTED" -nonces -timeout 180s "${ALL[@]}" ||
		fail "load transactions are missing, duplicated or failed on some node (above)"
fi

step "stop mining; same head and state root on every node, pools empty, the spends as they were"
"$KIT" call "$(url 1)" miner_stop >/dev/null
"$KIT" call "$(url 2)" miner_stop >/dev/null
"$KIT" agree -exact -state-root -stable 4 -timeout 60s "${ALL[@]}" ||
	fail "the nodes did not converge on one head and state root"
"$KIT" included -hashes "$WORK/survivors" -absent "$WORK/gone" -empty-pool -timeout 30s "${ALL[@]}" ||
	fail "after the last round: a spend changed, or a pool is not empty"

returned=$(node_log_sum 'msg="mempool: reorganisation".*transactions_returned=[0-9]*')
step "tearing down"
log "partition: PASS in $((SECONDS - START))s (seed $SEED): $ROUNDS double spends, each resolved to the most-work side's, on all 4 nodes$LOAD ($returned transactions of lost branches returned to pools)"
