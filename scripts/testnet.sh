#!/usr/bin/env bash
# A private Quarry testnet: several quarryd processes on this machine,
# connected over loopback, mining a fresh chain whose genesis funds the ten
# test-mnemonic accounts of the dev chain (anvil's).
#
#   up [-n 3] [--miners 1] [--port-base P] [--block-ms 1000] [--chain-id 31337]
#                         build quarryd, write a genesis, start the nodes (the
#                         first --miners mine), wait until they are connected
#                         and blocks flow, print RPC URLs and funded keys
#   status                each node's height, head, peers, hash rate; flags
#                         divergence (tips apart or a fork) and stopped nodes
#   accounts | urls       the summary of up again | "N=URL" per node
#   logs N [-n 100] [-f]  the last lines of node N's log; -f follows it
#   stop N [--graceful]   crash node N (SIGKILL), or stop it cleanly (SIGTERM)
#   start N               restart node N (it dials the others and catches up)
#   partition 1,2 3 ...   cut the links between groups (admin_blockPeer on both
#                         sides); a restarted node is cut off again
#   heal                  undo partition (admin_unblockPeer, then redial)
#   down                  stop every node and remove the testnet's directory
#
# Everything lives under $QUARRY_TESTNET_DIR (default ./testnet): binaries,
# genesis, each node's data directory, log and pid. Testnets in different
# directories run side by side: each picks free loopback ports (ports
# base+3(N-1) for p2p, the next for RPC, the next for Prometheus metrics and
# Go's profiler: http://127.0.0.1:PORT/metrics and /debug/pprof/). Needs only bash and Go: JSON-RPC
# goes through scripts/testnetkit, built with quarryd.
#
# Environment:
#   QUARRY_TESTNET_DIR  where the testnet lives (default ./testnet)
#   QUARRY_BIN          a quarryd binary to use instead of building one
#   GO                  the go command (default go)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
DIR="${QUARRY_TESTNET_DIR:-./testnet}"
readonly MARKER="testnet.env" # written by up; down removes only a directory holding it
readonly GO="${GO:-go}"
readonly STOP_TIMEOUT=30 # seconds a graceful stop may take before SIGKILL
readonly RPC_TIMEOUT=60  # seconds a starting node has to answer RPC

die() {
	echo "testnet: $*" >&2
	exit 1
}

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-2}"
}

# abs PATH: PATH made absolute (it need not exist yet).
abs() {
	case "$1" in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "${1#./}" ;;
	esac
}

# ---- state ---------------------------------------------------------------

# load reads the settings up wrote; every command but up needs them.
load() {
	[[ -f "$DIR/$MARKER" ]] || die "no testnet in $DIR (run: $0 up)"
	# shellcheck source=/dev/null
	. "$DIR/$MARKER"
	KIT="$DIR/bin/testnetkit"
	[[ "${NODES:-0}" != 0 && -x "$KIT" ]] || die "the testnet in $DIR never came up: remove it with $0 down, then up again"
	set_node_args
}

p2p_port() { echo $((PORT_BASE + 3 * ($1 - 1))); }
rpc_port() { echo $((PORT_BASE + 3 * ($1 - 1) + 1)); }
metrics_port() { echo $((PORT_BASE + 3 * ($1 - 1) + 2)); }
rpc_url() { echo "http://127.0.0.1:$(rpc_port "$1")"; }
node_dir() { echo "$DIR/node$1"; }
peer_addr() { echo "/ip4/127.0.0.1/tcp/$(p2p_port "$1")/p2p/$(cat "$(node_dir "$1")/peerid")"; }

# in_range X MIN MAX: X is a decimal number from MIN to MAX.
in_range() {
	[[ "$1" =~ ^(0|[1-9][0-9]{0,8})$ ]] && (($1 >= $2 && $1 <= $3))
}

# check_node N: N is a node number of this testnet.
check_node() {
	in_range "$1" 1 "$NODES" || die "no node '$1' (nodes are 1 to $NODES)"
}

# set_node_args fills NODE_ARGS with "1=url" "2=url" ... for testnetkit.
set_node_args() {
	local i
	NODE_ARGS=()
	for ((i = 1; i <= NODES; i++)); do
		NODE_ARGS+=("$i=$(rpc_url "$i")")
	done
}

# pid_of N: the pid of node N if it runs, else nothing. A pid file whose
# process is gone, a zombie, or some other program (pid reuse) counts as not
# running: the command line must name this node's data directory.
pid_of() {
	local f pid state
	f="$(node_dir "$1")/pid"
	[[ -f "$f" ]] || return 0
	pid="$(cat "$f")"
	[[ "$pid" =~ ^[0-9]+$ ]] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	if [[ -r "/proc/$pid/stat" ]]; then
		state="$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)"
		[[ "$state" != Z ]] || return 0
		tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$(node_dir "$1")/data" || return 0
	fi
	echo "$pid"
}

# ---- starting and stopping nodes -----------------------------------------

# launch N: starts node N in the background, dialling every other node
# whose peer id is known, and waits until its RPC answers.
launch() {
	local n="$1" dir boot="" i args pid deadline id
	dir="$(node_dir "$n")"
	[[ -z "$(pid_of "$n")" ]] || die "node $n already runs (pid $(pid_of "$n"))"
	for ((i = 1; i <= NODES; i++)); do
		if ((i != n)) && [[ -s "$(node_dir "$i")/peerid" ]]; then
			boot="${boot:+$boot,}$(peer_addr "$i")"
		fi
	done
	args=(run --datadir "$dir/data" --genesis "$DIR/genesis.json" --networkid "$CHAIN_ID"
		--p2p.listen "/ip4/127.0.0.1/tcp/$(p2p_port "$n")"
		--rpc.addr 127.0.0.1 --rpc.port "$(rpc_port "$n")"
		--metrics "127.0.0.1:$(metrics_port "$n")" --pprof
		--log.level info --log.format text --nosync)
	[[ -z "$boot" ]] || args+=(--bootnodes "$boot")
	if ((n <= MINERS)); then
		args+=(--mine --miner.threads 1 --miner.coinbase "$(printf '0x%040x' $((0xc0ffee00 + n)))")
	fi
	echo "=== $(date -u +%FT%TZ) start: ${args[*]}" >>"$dir/log"
	# setsid: a Ctrl-C in the terminal that ran "up" must not reach the
	# nodes; only stop and down end them.
	if command -v setsid >/dev/null; then
		setsid "$QUARRYD" "${args[@]}" >>"$dir/log" 2>&1 </dev/null &
	else
		nohup "$QUARRYD" "${args[@]}" >>"$dir/log" 2>&1 </dev/null &
	fi
	pid=$!
	echo "$pid" >"$dir/pid"
	deadline=$((SECONDS + RPC_TIMEOUT))
	until id="$("$KIT" call -get id "$(rpc_url "$n")" admin_nodeInfo 2>/dev/null)"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$dir/log" >&2
			die "node $n exited at start (log: $dir/log)"
		fi
		((SECONDS < deadline)) || die "node $n did not answer RPC within ${RPC_TIMEOUT}s (log: $dir/log)"
		sleep 0.2
	done
	if [[ -s "$dir/peerid" && "$(cat "$dir/peerid")" != "$id" ]]; then
		die "node $n came back with peer id $id, not $(cat "$dir/peerid"): its p2p key was lost"
	fi
	echo "$id" >"$dir/peerid"
	echo "node $n started: pid $pid, rpc $(rpc_url "$n"), peer $id" >&2
	reapply_partition "$n"
}

# halt N SIGNAL: sends SIGNAL to node N and waits for it to exit (SIGKILL
# after STOP_TIMEOUT seconds).
halt() {
	local n="$1" sig="$2" pid deadline
	pid="$(pid_of "$n")"
	if [[ -z "$pid" ]]; then
		echo "node $n is not running" >&2
		rm -f "$(node_dir "$n")/pid"
		return 0
	fi
	kill -s "$sig" "$pid" 2>/dev/null || true
	deadline=$((SECONDS + STOP_TIMEOUT))
	while [[ -n "$(pid_of "$n")" ]]; do
		if ((SECONDS >= deadline)); then
			echo "node $n did not stop within ${STOP_TIMEOUT}s of SIG$sig: killing it" >&2
			kill -s KILL "$pid" 2>/dev/null || true
			deadline=$((SECONDS + STOP_TIMEOUT))
		fi
		sleep 0.1
	done
	rm -f "$(node_dir "$n")/pid"
	echo "=== $(date -u +%FT%TZ) stopped with SIG$sig" >>"$(node_dir "$n")/log"
	echo "node $n stopped (SIG$sig)" >&2
}

# ---- partitions -------------------------------------------------------------

# block_between GROUP_A GROUP_B METHOD: calls METHOD (admin_blockPeer or
# admin_unblockPeer) on every running node of each group for every node of
# the other. Stopped nodes are skipped (start N applies the partition).
block_between() {
	local a b method="$3"
	for a in ${1//,/ }; do
		for b in ${2//,/ }; do
			call_peer "$a" "$b" "$method"
			call_peer "$b" "$a" "$method"
		done
	done
}

# call_peer ON OTHER METHOD: METHOD(peer id of OTHER) on node ON if it runs.
call_peer() {
	[[ -n "$(pid_of "$1")" ]] || return 0
	"$KIT" call "$(rpc_url "$1")" "$3" "$(cat "$(node_dir "$2")/peerid")" >/dev/null ||
		die "node $1: $3 node $2 failed"
}

# reapply_partition N: a restarted node has forgotten its blocks; cut it
# off again from the nodes outside its group.
reapply_partition() {
	local n="$1" groups g other mine=""
	[[ -f "$DIR/partition" ]] || return 0
	read -r -a groups <"$DIR/partition"
	for g in "${groups[@]}"; do
		[[ ",$g," == *",$n,"* ]] && mine="$g"
	done
	[[ -n "$mine" ]] || return 0
	for g in "${groups[@]}"; do
		[[ "$g" == "$mine" ]] && continue
		for other in ${g//,/ }; do
			call_peer "$n" "$other" admin_blockPeer
			call_peer "$other" "$n" admin_blockPeer
		done
	done
	echo "node $n: partition ${groups[*]} applied again" >&2
}

# ---- commands -----------------------------------------------------------------

cmd_up() {
	local nodes=3 miners=1 port_base="" block_ms=1000 chain_id=31337 i
	while (($#)); do
		case "$1" in
		-n | --nodes) nodes="${2:?$1 needs a value}"; shift 2 ;;
		--miners) miners="${2:?$1 needs a value}"; shift 2 ;;
		--port-base) port_base="${2:?$1 needs a value}"; shift 2 ;;
		--block-ms) block_ms="${2:?$1 needs a value}"; shift 2 ;;
		--chain-id) chain_id="${2:?$1 needs a value}"; shift 2 ;;
		*) die "up: unknown option $1" ;;
		esac
	done
	in_range "$nodes" 1 64 || die "up: -n $nodes: want 1 to 64 nodes"
	in_range "$miners" 0 "$nodes" || die "up: --miners $miners: want 0 to $nodes"
	in_range "$block_ms" 100 86400000 || die "up: --block-ms $block_ms: want 100 to 86400000"
	in_range "$chain_id" 1 999999999 || die "up: --chain-id $chain_id: want 1 to 999999999"
	if [[ -e "$DIR" ]] && [[ -n "$(ls -A "$DIR")" ]]; then
		die "$DIR is not empty: a testnet exists there (run: $0 down), or choose another QUARRY_TESTNET_DIR"
	fi
	mkdir -p "$DIR/bin"
	# A marker at once, so that down can clean up after any failure below.
	echo "NODES=0" >"$DIR/$MARKER"
	trap 'up_failed $?' EXIT
	local t0=$SECONDS
	echo "building quarryd and testnetkit into $DIR/bin ..." >&2
	if [[ -n "${QUARRY_BIN:-}" ]]; then
		[[ -x "$QUARRY_BIN" ]] || die "QUARRY_BIN=$QUARRY_BIN is not an executable"
		(cd "$ROOT" && "$GO" build -o "$DIR/bin/" ./scripts/testnetkit)
		QUARRYD="$(abs "$QUARRY_BIN")"
	else
		(cd "$ROOT" && "$GO" build -o "$DIR/bin/" ./cmd/quarryd ./scripts/testnetkit)
		QUARRYD="$DIR/bin/quarryd"
	fi
	KIT="$DIR/bin/testnetkit"
	echo "built in $((SECONDS - t0))s" >&2
	if [[ -z "$port_base" ]]; then
		port_base="$("$KIT" ports -count $((3 * nodes)))"
	fi
	in_range "$port_base" 1024 $((65535 - 3 * nodes)) ||
		die "up: --port-base $port_base: want 1024 to $((65535 - 3 * nodes))"

	"$KIT" genesis -chain-id "$chain_id" -block-ms "$block_ms" "$DIR/genesis.json"
	"$QUARRYD" dumpgenesis --genesis "$DIR/genesis.json" >/dev/null 2>"$DIR/genesis.hash" ||
		die "quarryd rejects the genesis: $(cat "$DIR/genesis.hash")"
	NODES="$nodes" MINERS="$miners" PORT_BASE="$port_base" CHAIN_ID="$chain_id"
	cat >"$DIR/$MARKER" <<-EOF
		# written by scripts/testnet.sh up; read by its other commands
		NODES=$NODES
		MINERS=$MINERS
		PORT_BASE=$PORT_BASE
		CHAIN_ID=$CHAIN_ID
		QUARRYD=$QUARRYD
	EOF
	set_node_args

	for ((i = 1; i <= NODES; i++)); do
		mkdir -p "$(node_dir "$i")"
		"$QUARRYD" init --datadir "$(node_dir "$i")/data" --genesis "$DIR/genesis.json" >>"$(node_dir "$i")/log" 2>&1 ||
			{ tail -n 20 "$(node_dir "$i")/log" >&2; die "quarryd init failed for node $i"; }
	done
	# Sequential: each node dials all those before it, so every pair is
	# connected once all are up.
	for ((i = 1; i <= NODES; i++)); do
		launch "$i"
	done
	local blocks=2
	((MINERS > 0)) || blocks=0
	echo "waiting for the nodes to connect and blocks to flow ..." >&2
	"$KIT" wait -blocks "$blocks" -timeout 120s "${NODE_ARGS[@]}" ||
		die "the testnet did not come up (see: $0 status, $0 logs N)"
	trap - EXIT
	summary
	echo "up in $((SECONDS - t0))s" >&2
}

up_failed() {
	(($1 == 0)) || echo "testnet: up failed; what it made is left in $DIR for inspection (remove it: $0 down)" >&2
}

summary() {
	local i role
	echo "Quarry testnet in $DIR: $NODES nodes, $MINERS mining, chain id $CHAIN_ID, $(cat "$DIR/genesis.hash" 2>/dev/null)"
	for ((i = 1; i <= NODES; i++)); do
		role=""
		((i <= MINERS)) && role=" (miner)"
		echo "  node $i$role  RPC $(rpc_url "$i")  metrics http://127.0.0.1:$(metrics_port "$i")/metrics  p2p $(peer_addr "$i")"
	done
	echo
	echo "Funded accounts: the test mnemonic \"test test test test test test test test test test test junk\""
	echo "(m/44'/60'/0'/0/i), 10,000 coins each. These keys are public: never use them elsewhere."
	"$KIT" accounts
}

cmd_status() {
	local i pid
	"$KIT" status "${NODE_ARGS[@]}" || true
	for ((i = 1; i <= NODES; i++)); do
		pid="$(pid_of "$i")"
		[[ -n "$pid" ]] || echo "node $i: process not running (start it: $0 start $i)"
	done
	[[ ! -f "$DIR/partition" ]] || echo "partitioned: $(cat "$DIR/partition") (undo: $0 heal)"
}

cmd_logs() {
	local n="${1:-}" lines=100 follow=""
	[[ -n "$n" ]] || die "logs: which node?"
	check_node "$n"
	shift
	while (($#)); do
		case "$1" in
		-f | --follow) follow=1; shift ;;
		-n | --lines) lines="${2:?$1 needs a value}"; shift 2 ;;
		*) die "logs: unknown option $1" ;;
		esac
	done
	in_range "$lines" 0 999999999 || die "logs: -n $lines: want a number of lines"
	if [[ -n "$follow" ]]; then
		exec tail -n "$lines" -f "$(node_dir "$n")/log"
	fi
	tail -n "$lines" "$(node_dir "$n")/log"
}

cmd_stop() {
	local n="${1:-}" sig=KILL
	[[ -n "$n" ]] || die "stop: which node?"
	check_node "$n"
	case "${2:-}" in
	"") ;;
	--graceful) sig=TERM ;;
	*) die "stop: unknown option $2" ;;
	esac
	halt "$n" "$sig"
}

cmd_start() {
	local n="${1:-}"
	[[ -n "$n" ]] || die "start: which node?"
	check_node "$n"
	launch "$n"
}

cmd_partition() {
	local g n i j seen=","
	(($# >= 2)) || die "partition: want two or more groups, e.g. partition 1,2 3"
	for g in "$@"; do
		[[ "$g" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "partition: bad group '$g' (want node numbers joined by commas)"
		for n in ${g//,/ }; do
			check_node "$n"
			[[ "$seen" != *",$n,"* ]] || die "partition: node $n is in two groups"
			seen="$seen$n,"
		done
	done
	[[ ! -f "$DIR/partition" ]] || die "already partitioned ($(cat "$DIR/partition")): heal first"
	for ((n = 1; n <= NODES; n++)); do
		[[ "$seen" == *",$n,"* ]] ||
			echo "warning: node $n is in no group and still connects every group" >&2
	done
	echo "$*" >"$DIR/partition"
	local groups=("$@")
	for ((i = 0; i < ${#groups[@]}; i++)); do
		for ((j = i + 1; j < ${#groups[@]}; j++)); do
			block_between "${groups[i]}" "${groups[j]}" admin_blockPeer
		done
	done
	echo "partitioned: $*" >&2
}

cmd_heal() {
	local i j
	for ((i = 1; i <= NODES; i++)); do
		for ((j = 1; j <= NODES; j++)); do
			((i == j)) || call_peer "$i" "$j" admin_unblockPeer
		done
	done
	# Every node now admits every other; dial them all so that the links
	# come back at once, whichever side held the bootnode entry.
	for ((i = 1; i <= NODES; i++)); do
		[[ -n "$(pid_of "$i")" ]] || continue
		for ((j = 1; j <= NODES; j++)); do
			if ((i != j)) && [[ -n "$(pid_of "$j")" ]]; then
				"$KIT" call "$(rpc_url "$i")" admin_addPeer "$(peer_addr "$j")" >/dev/null ||
					echo "warning: node $i could not dial node $j" >&2
			fi
		done
	done
	rm -f "$DIR/partition"
	echo "healed" >&2
}

cmd_down() {
	local i
	if [[ ! -e "$DIR" ]]; then
		echo "no testnet in $DIR" >&2
		return 0
	fi
	[[ -f "$DIR/$MARKER" ]] || die "$DIR holds no $MARKER: not removing a directory this script did not create"
	# shellcheck source=/dev/null
	. "$DIR/$MARKER"
	for ((i = 1; i <= NODES; i++)); do
		[[ -z "$(pid_of "$i")" ]] || halt "$i" TERM
	done
	rm -rf -- "$DIR"
	echo "testnet in $DIR removed" >&2
}

main() {
	(($#)) || usage
	local cmd="$1"
	shift
	DIR="$(abs "$DIR")"
	case "$cmd" in
	up) cmd_up "$@" ;;
	down) cmd_down "$@" ;;
	status) load && cmd_status "$@" ;;
	accounts) load && summary ;;
	urls) load && printf '%s\n' "${NODE_ARGS[@]}" ;;
	logs) load && cmd_logs "$@" ;;
	stop) load && cmd_stop "$@" ;;
	start) load && cmd_start "$@" ;;
	partition) load && cmd_partition "$@" ;;
	heal) load && cmd_heal "$@" ;;
	-h | --help | help) usage 0 ;;
	*) die "unknown command '$cmd' (try: $0 help)" ;;
	esac
}

main "$@"
