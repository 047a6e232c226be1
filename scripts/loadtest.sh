#!/usr/bin/env bash
# Issue 11's load targets, measured on a fresh 3-node testnet of real
# quarryd processes (node 1 mines with one thread, nodes 2 and 3 validate):
#
#   0. warm-up: --warmup transfers (default 10,000) at the half-load rate,
#      not measured: ASERT sets the difficulty for the hash rate the miner
#      keeps under load (half-life 20 blocks); a fresh chain's first blocks
#      come faster or slower than the target while it does
#   1. half load: --rate R transfers/s (default 500) for --half-txs
#      transfers; target: p95 send-to-receipt latency <= 3 block times
#   2. full load: --txs N transfers (default 50,000) as fast as the nodes
#      take them, spread over the three nodes; targets: >= 1,000 tx/s of
#      inclusion throughput, zero lost, zero included twice
#   3. the miner stops; all three nodes must reach the same head (so the
#      same state root, which the head commits to)
#
# Throughout, each node's resident memory is sampled every second; the
# peak per node is reported against the 300 MB target. Prints a summary
# table and exits 0 if every run completed with nothing lost or included
# twice and the nodes agree (the speed targets are reported, not
# enforced: they depend on the machine), 1 otherwise. Reports and samples
# are kept in --out DIR (default: a fresh temporary directory).
#
#   scripts/loadtest.sh [--txs 50000] [--accounts 1000] [--clients 32]
#                       [--rate 500] [--half-txs 15000] [--warmup 10000]
#                       [--block-ms 1000] [--out DIR]
#
# Takes about 4 minutes with the defaults once Go's build cache is warm.
# Run it on an otherwise idle machine: the figures are the machine's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly TESTNET="$ROOT/scripts/testnet.sh"
TXS=50000 ACCOUNTS=1000 CLIENTS=32 RATE=500 HALF_TXS=15000 WARMUP=10000 BLOCK_MS=1000 OUT=""
while (($#)); do
	case "$1" in
	--txs) TXS="${2:?}"; shift 2 ;;
	--accounts) ACCOUNTS="${2:?}"; shift 2 ;;
	--clients) CLIENTS="${2:?}"; shift 2 ;;
	--rate) RATE="${2:?}"; shift 2 ;;
	--half-txs) HALF_TXS="${2:?}"; shift 2 ;;
	--warmup) WARMUP="${2:?}"; shift 2 ;;
	--block-ms) BLOCK_MS="${2:?}"; shift 2 ;;
	--out) OUT="${2:?}"; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "loadtest: unknown option $1" >&2; exit 2 ;;
	esac
done
[[ -n "$OUT" ]] || OUT="$(mktemp -d "${TMPDIR:-/tmp}/quarry-load.XXXXXX")"
mkdir -p "$OUT"
export QUARRY_TESTNET_DIR="$OUT/testnet"
readonly KIT="$QUARRY_TESTNET_DIR/bin/testnetkit"
readonly BENCH="$OUT/quarry-bench"
SAMPLER=""

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	[[ -z "$SAMPLER" ]] || kill "$SAMPLER" 2>/dev/null || true
	"$TESTNET" down >/dev/null 2>&1 || true
	exit "$status"
}
trap cleanup EXIT INT TERM

log() { echo "loadtest [$SECONDS s]: $*" >&2; }

# json_num FIELD FILE: a number field of quarry-bench's --json report.
json_num() {
	grep -o "\"$1\": *[0-9.e+-]*" "$2" | head -n 1 | sed 's/.*: *//' | awk '{printf "%.0f", $1}'
}

# sample_rss: every second, append "time node rss_kB" for each node.
sample_rss() {
	local i pid rss
	while sleep 1; do
		for i in 1 2 3; do
			pid="$(cat "$QUARRY_TESTNET_DIR/node$i/pid" 2>/dev/null)" || continue
			rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" || continue
			[[ -z "$rss" ]] || echo "$SECONDS $i $rss"
		done
	done >>"$OUT/rss.log"
}

log "building quarry-bench; starting a 3-node testnet (1 miner thread) in $QUARRY_TESTNET_DIR"
(cd "$ROOT" && go build -o "$BENCH" ./cmd/quarry-bench)
"$TESTNET" up -n 3 --miners 1 --block-ms "$BLOCK_MS" >"$OUT/up.log" 2>&1 || { cat "$OUT/up.log" >&2; exit 1; }
URLS="$("$TESTNET" urls | sed 's/^[0-9]*=//' | paste -sd, -)"
sample_rss &
SAMPLER=$!

run_bench() { # NAME, then quarry-bench flags
	local name="$1" status=0
	shift
	log "$name: quarry-bench $*"
	"$BENCH" --rpc "$URLS" --accounts "$ACCOUNTS" --clients "$CLIENTS" --json "$@" \
		>"$OUT/$name.json" 2>"$OUT/$name.err" || status=$?
	if ((status != 0)) && ! [[ -s "$OUT/$name.json" ]]; then
		cat "$OUT/$name.err" >&2
		log "$name: quarry-bench failed (exit $status)"
		exit 1
	fi
	return 0
}

if ((WARMUP > 0)); then
	run_bench warmup --txs "$WARMUP" --rate "$RATE" --timeout 10m
fi
run_bench half --txs "$HALF_TXS" --rate "$RATE" --timeout 10m
run_bench full --txs "$TXS" --timeout 15m

log "stopping the miner; waiting for the nodes to agree on one head"
"$KIT" call "$(echo "$URLS" | cut -d, -f1)" miner_stop >/dev/null
mapfile -t NODE_URLS < <("$TESTNET" urls)
"$KIT" agree -exact -stable 4 -timeout 60s "${NODE_URLS[@]}" >"$OUT/agree.log" 2>&1 ||
	log "the nodes did not reach one head within 60 s (see $OUT/agree.log)"
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=""

verdict=0
echo
echo "node  head                                                                state root                                                          peak RSS"
heads=()
for i in 1 2 3; do
	url="$(echo "$URLS" | cut -d, -f"$i")"
	head="$("$KIT" call -get hash "$url" eth_getBlockByNumber latest false)"
	root="$("$KIT" call -get stateRoot "$url" eth_getBlockByNumber latest false)"
	peak="$(awk -v n="$i" '$2 == n && $3 > m {m = $3} END {printf "%.0f", m / 1024}' "$OUT/rss.log")"
	printf '%-5s %s  %s  %s MB\n' "$i" "$head" "$root" "$peak"
	heads+=("$head/$root")
done
if [[ "${heads[0]}" != "${heads[1]}" || "${heads[0]}" != "${heads[2]}" ]]; then
	echo "FAIL: the nodes do not share one head and state root" >&2
	verdict=1
fi
echo
printf '%-6s %8s %8s %6s %7s %12s %12s %9s %9s %11s\n' run txs included lost twice "accept tx/s" "incl. tx/s" "p50 ms" "p95 ms" "block ms"
for name in half full; do
	f="$OUT/$name.json"
	lost="$(json_num lost "$f")" twice="$(json_num includedTwice "$f")"
	# the mean block interval while the run's transactions were mined
	blocks=$(($(json_num lastBlock "$f") - $(json_num firstBlock "$f") + 1))
	interval="$(awk -v s="$(grep -o '"inclusionSeconds": *[0-9.e+-]*' "$f" | sed 's/.*: *//')" -v b="$blocks" 'BEGIN {printf "%.0f", s * 1000 / b}')"
	printf '%-6s %8s %8s %6s %7s %12s %12s %9s %9s %11s\n' "$name" "$(json_num txs "$f")" "$(json_num included "$f")" \
		"$lost" "$twice" "$(json_num acceptRateTxPerSec "$f")" "$(json_num inclusionThroughputTxPerSec "$f")" \
		"$(json_num latencyP50Ms "$f")" "$(json_num latencyP95Ms "$f")" "$interval"
	if [[ "$lost" != 0 || "$twice" != 0 ]]; then
		echo "FAIL: $name run: $lost lost, $twice included twice" >&2
		verdict=1
	fi
done
echo
echo "targets: full-load inclusion >= 1000 tx/s; half-load p95 <= $((3 * BLOCK_MS)) ms; peak RSS < 300 MB per node"
echo "reports, RSS samples and node logs: $OUT"
for i in 1 2 3; do cp "$QUARRY_TESTNET_DIR/node$i/log" "$OUT/node$i.log" 2>/dev/null || true; done
exit "$verdict"
