#!/usr/bin/env bash
# Smoke test of the private testnet (CI): 3 nodes, nodes 1 and 2 mining.
#
#   1. up; 9 transfers signed here and sent through RPC, spread over all
#      nodes; each has a successful receipt on every node
#   2. crash node 3 (SIGKILL); 9 more through nodes 1 and 2; restart node 3
#   3. partition {1} | {2,3} (each side mines); 9 more through all nodes;
#      heal: the lighter branch is reorganised away and its transfers mined
#      again
#   4. every one of the 27 transfers has a successful receipt on every node
#      and the tips agree within 2 blocks; mining stops; every node has the
#      same head and every transfer in the same block; down
#
# About 30 seconds once Go's build cache is warm. Exits non-zero naming the
# failed step, with the testnet's status and the tail of each node's log;
# always stops the nodes and removes its directory (a fresh temporary one,
# so it never touches a testnet of yours in ./testnet). QUARRY_BIN as for
# testnet.sh.
set -euo pipefail

NAME=smoke
# shellcheck source=lib/testlib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/testlib.sh"
testlib_start
readonly WAVE=9 # transfers per wave: one from each of test accounts 1 to 9

step "starting 3 nodes, 2 mining"
testnet_up 3 2

# send FIRST NODE... : a wave of WAVE transfers numbered from FIRST,
# appended to $WORK/txs.
send() {
	local first="$1"
	shift
	"$KIT" transfers -first "$first" -count "$WAVE" "$@" >>"$WORK/txs"
}

step "wave 1: $WAVE transfers through all 3 nodes, receipts on every node"
send 0 "${NODES[@]}"
"$KIT" receipts -hashes "$WORK/txs" -timeout 60s "${NODES[@]}"

step "crash node 3; wave 2 through nodes 1 and 2"
"$TESTNET" stop 3 2>/dev/null
send "$WAVE" "${NODES[@]:0:2}"
"$KIT" receipts -hashes "$WORK/txs" -timeout 60s "${NODES[@]:0:2}"

step "restart node 3: it catches up"
"$TESTNET" start 3 2>/dev/null
"$KIT" receipts -hashes "$WORK/txs" -timeout 60s "${NODES[@]}"

step "partition {1} | {2,3}; wave 3 through all 3 nodes; wait for a fork"
"$TESTNET" partition 1 2,3 2>/dev/null
send $((2 * WAVE)) "${NODES[@]}"
deadline=$((SECONDS + 30))
until ! "$KIT" status -strict -lag 1000 "${NODES[@]}" >/dev/null 2>&1; do
	((SECONDS < deadline)) || fail "no fork within 30s of the partition: both sides should mine"
	sleep 0.5
done

step "heal; all $((3 * WAVE)) transfers' receipts on every node, tips within 2 blocks"
"$TESTNET" heal 2>/dev/null
"$KIT" receipts -hashes "$WORK/txs" -timeout 60s "${NODES[@]}"
"$KIT" agree -lag 2 -timeout 30s "${NODES[@]}"
reorgs=0
for node in "${NODES[@]}"; do
	reorgs=$((reorgs + $("$KIT" call -get '#' "${node#*=}" quarry_reorgs 0x64)))
done
((reorgs > 0)) || fail "no node reorganised after the heal: the partition did not fork the chain"
echo "$reorgs reorganisations after the heal" >&2

step "stop mining; every node has the same head, every transfer in the same block"
for node in "${NODES[@]:0:2}"; do
	"$KIT" call "${node#*=}" miner_stop >/dev/null
done
"$KIT" agree -exact -stable 4 -timeout 30s "${NODES[@]}"
"$KIT" receipts -hashes "$WORK/txs" -same-block -timeout 10s "${NODES[@]}"
(($(wc -l <"$WORK/txs") == 3 * WAVE)) || fail "$(wc -l <"$WORK/txs") transfers sent, want $((3 * WAVE))"

step "tearing down"
"$TESTNET" down >/dev/null 2>&1
echo "smoke: PASS in $((SECONDS - START))s" >&2
