#!/usr/bin/env bash
# Hostile-input fault test (issue 11): a fresh 3-node testnet, nodes 1 and 2
# mining, transfers flowing through all three; against node 1, at once:
#
#   faultkit hostile-peer  libp2p attacks, each phase from a fresh identity:
#                          garbage and oversized frames, garbage gossip, bad and
#                          trivial proofs of work, invalid-signature and
#                          wrong-chain transactions, gossip and sync floods
#   faultkit hostile-rpc   malformed JSON, huge bodies and batches, deep
#                          nesting, slowloris heads and bodies, HTTP and
#                          WebSocket clients that never read
#
# then checks that
#   1. every phase and case ended as an honest node must end it, and the
#      well-behaved RPC client (and the transfers) were unaffected;
#   2. node 1 has banned every identity the hostile peer saw banned (its
#      ban list, through admin_addPeer, and a "peer banned" line in its log);
#   3. every node's height advanced during the attacks and node 1 itself
#      mined some of those blocks; once mining stops all three are on the
#      same head and every transfer has a receipt on every node;
#   4. every node's peak resident memory (VmHWM) stayed under the bound.
#
#   --short            the CI version: about 20 s of attacks, well under a
#                      minute once built
#   --rss-limit-mb N   the memory bound per node (default 1024)
#
# Default: 60 s of attacks (several rounds of peer phases; the slow RPC
# clients outlast the node's 40 s read and write timeouts). Exits non-zero
# naming the failed step, with the reports and the tail of each node's log;
# always stops what it started and removes its directory (a fresh temporary
# one). QUARRY_BIN as for testnet.sh.
set -euo pipefail

NAME=hostile
# shellcheck source=lib/testlib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/testlib.sh"

DURATION=60
RSS_LIMIT_MB=1024
while (($#)); do
	case "$1" in
	--short) DURATION=20; shift ;;
	--rss-limit-mb) RSS_LIMIT_MB="${2:?$1 needs a value}"; shift 2 ;;
	-h | --help) usage 0 ;;
	*) usage_error "unknown option $1 (try --help)" ;;
	esac
done
[[ "$RSS_LIMIT_MB" =~ ^[1-9][0-9]*$ ]] || usage_error "--rss-limit-mb wants a number of MiB"
readonly DURATION RSS_LIMIT_MB
# Least blocks each node must gain during the attacks: a third of the
# expected one a second, so a loaded CI machine does not fail it.
readonly MIN_BLOCKS=$((DURATION / 3))

testlib_start
readonly FAULTKIT="$WORK/faultkit"

# on_failure: the attack kits' reports.
on_failure() {
	local f
	for f in "$WORK"/peer.out "$WORK"/rpc.out; do
		[[ -s "$f" ]] || continue
		echo "--- $f" >&2
		cat "$f" >&2
	done
}

step "building faultkit; starting 3 nodes, 2 mining"
(cd "$ROOT" && "$GO" build -o "$FAULTKIT" ./scripts/faultkit)
testnet_up 3 2
URL1="${NODES[0]#*=}"
P2P1="$("$KIT" call -get listenAddrs.0 "$URL1" admin_nodeInfo)"
PID1="$(cat "$QUARRY_TESTNET_DIR/node1/pid")"
COINBASE1="$(printf '0x%040x' $((0xc0ffee00 + 1)))" # as testnet.sh gives node 1

# heights: each node's height, space-separated.
heights() {
	local node out=()
	for node in "${NODES[@]}"; do
		out+=("$("$KIT" call "${node#*=}" eth_blockNumber | xargs printf '%d')")
	done
	echo "${out[*]}"
}

step "attacking node 1 for ${DURATION}s (peer ${P2P1##*/}, pid $PID1) while transfers flow"
read -r -a BEFORE <<<"$(heights)"
# Transfers: a wave of 9 (one per test account) every second, through all
# three nodes; a wave that fails to send counts against the attacks.
(
	first=0
	while :; do
		if "$KIT" transfers -first "$first" -count 9 "${NODES[@]}" >>"$WORK/txs" 2>>"$WORK/transfers.err"; then
			first=$((first + 9))
		else
			echo "wave from $first failed" >>"$WORK/transfers.failed"
		fi
		sleep 1
	done
) &
BG_PIDS+=($!)
TRANSFERS_PID=$!
# A kit that hangs fails the run (timeout's status 124) instead of holding
# it: each has twice its duration and two minutes more.
readonly KIT_LIMIT=$((2 * DURATION + 120))
timeout -k 10 "$KIT_LIMIT" "$FAULTKIT" hostile-peer -peer "$P2P1" -rpc "$URL1" -duration "${DURATION}s" -ids-out "$WORK/ids" \
	>"$WORK/peer.out" 2>"$WORK/peer.log" &
PEER_PID=$!
BG_PIDS+=("$PEER_PID")
timeout -k 10 "$KIT_LIMIT" "$FAULTKIT" hostile-rpc -rpc "$URL1" -duration "${DURATION}s" -pid "$PID1" \
	>"$WORK/rpc.out" 2>"$WORK/rpc.log" &
RPC_PID=$!
BG_PIDS+=("$RPC_PID")
peer_status=0 rpc_status=0
wait "$PEER_PID" || peer_status=$?
wait "$RPC_PID" || rpc_status=$?
kill "$TRANSFERS_PID" 2>/dev/null || true
wait "$TRANSFERS_PID" 2>/dev/null || true
read -r -a AFTER <<<"$(heights)"
cat "$WORK/peer.out" "$WORK/rpc.out"

step "1. every attack ended as it must, other clients unaffected"
((peer_status == 0)) || fail "faultkit hostile-peer exited $peer_status: $(tail -n 1 "$WORK/peer.log")"
((rpc_status == 0)) || fail "faultkit hostile-rpc exited $rpc_status: $(tail -n 1 "$WORK/rpc.log")"
[[ ! -s "$WORK/transfers.failed" ]] ||
	fail "$(wc -l <"$WORK/transfers.failed") transfer waves failed during the attacks: $(tail -n 3 "$WORK/transfers.err")"
sent=$(wc -l <"$WORK/txs")
((sent > 0)) || fail "no transfer was sent during the attacks"

step "2. node 1 has banned every identity the hostile peer saw banned"
mapfile -t BANNED < <(awk '$3 == "banned" { print $1 }' "$WORK/ids")
((${#BANNED[@]} > 0)) || fail "the hostile peer was never banned"
"$FAULTKIT" banned -rpc "$URL1" "${BANNED[@]}" >/dev/null
for id in "${BANNED[@]}"; do
	grep -q "msg=\"peer banned\".* peer=$id " "$QUARRY_TESTNET_DIR/node1/log" ||
		fail "node 1's log has no \"peer banned\" line for $id"
done
echo "${#BANNED[@]} hostile identities banned (of $(wc -l <"$WORK/ids")), each in node 1's ban list and log" >&2

step "3. every node kept mining; one head; every transfer on every node"
for i in 0 1 2; do
	gained=$((AFTER[i] - BEFORE[i]))
	((gained >= MIN_BLOCKS)) || fail "node $((i + 1)) gained $gained blocks during the attacks (${BEFORE[i]} -> ${AFTER[i]}), want >= $MIN_BLOCKS"
done
mined1=0
for ((h = BEFORE[0] + 1; h <= AFTER[0]; h++)); do
	miner="$("$KIT" call -get miner "$URL1" eth_getBlockByNumber "$(printf '0x%x' "$h")" false)"
	[[ "${miner,,}" != "$COINBASE1" ]] || mined1=$((mined1 + 1))
done
((mined1 > 0)) || fail "node 1 mined none of blocks $((BEFORE[0] + 1))-${AFTER[0]}"
echo "heights ${BEFORE[*]} -> ${AFTER[*]}; node 1 mined $mined1 of those blocks; $sent transfers sent" >&2
"$KIT" receipts -hashes "$WORK/txs" -timeout 60s "${NODES[@]}"
for node in "${NODES[@]:0:2}"; do
	"$KIT" call "${node#*=}" miner_stop >/dev/null
done
"$KIT" agree -exact -stable 4 -timeout 30s "${NODES[@]}"

step "4. every node's peak resident memory under ${RSS_LIMIT_MB} MiB"
for i in 1 2 3; do
	pid="$(cat "$QUARRY_TESTNET_DIR/node$i/pid")"
	hwm_kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")"
	rss_kb="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
	echo "node $i: peak RSS (VmHWM) $((hwm_kb / 1024)) MiB, now $((rss_kb / 1024)) MiB, bound ${RSS_LIMIT_MB} MiB" >&2
	((hwm_kb <= RSS_LIMIT_MB * 1024)) || fail "node $i peaked at $((hwm_kb / 1024)) MiB > ${RSS_LIMIT_MB} MiB"
done

step "tearing down"
"$TESTNET" down >/dev/null 2>&1
echo "hostile: PASS in $((SECONDS - START))s" >&2
