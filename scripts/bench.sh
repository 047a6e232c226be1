#!/usr/bin/env bash
# Runs the benchmarks behind docs/benchmarks.md, -count 5 each, and prints
# the medians (benchstat). Run it on a quiet machine: every figure there is
# a ratio against a baseline measured in the same run.
#
#   scripts/bench.sh [OUTDIR]      (default: ./bench-out)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-out}
mkdir -p "$out"
count=${COUNT:-5}

run() { # name package pattern [extra go test flags...]
	local name=$1 pkg=$2 pattern=$3
	shift 3
	echo "== $name ($pkg $pattern)" >&2
	go test -run '^$' -bench "$pattern" -count "$count" "$@" "$pkg" | tee "$out/$name.txt" >/dev/null
}

run types ./chain/types 'BenchmarkRecoverCompactRaw|BenchmarkTxSender|BenchmarkHeaderHash$' -benchtime 2s
run mempool ./mempool 'BenchmarkAdmissionParallel|BenchmarkRawRecoverParallel|BenchmarkTemplate10k' -benchtime 2s
run miner ./miner 'BenchmarkSHA256Limit|BenchmarkHashRate|BenchmarkAbortLatency' -benchtime 2s
run vm ./vm 'BenchmarkArithmeticLoop|BenchmarkStorageLoop' -benchtime 2s
run tokens ./chain 'BenchmarkTokenTransfers' -benchtime 40x
run rpc ./node 'BenchmarkRPCReads|BenchmarkSendRawTransaction' -benchtime 5000x
if [ "${CONNECT:-1}" = 1 ]; then
	run connect ./chain 'BenchmarkConnectBlock' -benchtime 15x -timeout 60m
fi

if ! command -v benchstat >/dev/null 2>&1; then
	go install golang.org/x/perf/cmd/benchstat@latest
	PATH=$PATH:$(go env GOPATH)/bin
fi
for f in "$out"/*.txt; do
	echo "### $(basename "$f" .txt)"
	benchstat "$f"
done
