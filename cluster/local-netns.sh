#!/usr/bin/env bash
# A multi-host lapq run on one machine: a coordinator and (by default) three workers, each in its
# own network namespace, talking over a private bridge. It exercises the real TCP + CURVE path
# between "hosts" without needing more than one computer, optionally with a delay on every packet.
#
#   sudo cluster/local-netns.sh                  # calibrate examples/digits through 3 workers
#   sudo cluster/local-netns.sh --check-network  # only build the network, ping across it, tear down
#   sudo LAPQ_NETNS_DELAY=0.5ms cluster/local-netns.sh   # every packet 0.5 ms late: 1 ms round trip
#
# Topology (all of it inside namespaces this script creates; the host's own network namespace
# never gets an interface, an address or a route, so no packet can leave them):
#
#   lapqnet-coord  10.231.0.1 ─┐
#   lapqnet-w1     10.231.0.11 ├─ veth ── bridge lapqbr0 in namespace lapqnet-sw
#   lapqnet-w2     10.231.0.12 │
#   lapqnet-w3     10.231.0.13 ┘   (LAPQ_NETNS_WORKERS=N: w1…wN at .11….10+N)
#
# The bridge sits in a namespace of its own rather than in the host's so that the host never
# sees the test subnet. No namespace has a default route: anything not for 10.231.0.0/24 fails
# with "Network is unreachable".
#
# LAPQ_NETNS_DELAY=D delays every packet by D once on its way between two hosts, so a round
# trip (a JOB out, its RESULT back) costs 2·D more. With the default delayer, netem, that is
# `tc qdisc add dev eth0 root netem delay D` on each host's eth0 (a packet is delayed when it
# leaves its sender). Kernels built without netem (CONFIG_NET_SCH_NETEM unset: tc says
# "Specified qdisc kind is unknown") can use LAPQ_NETNS_DELAYER=nfqueue: an iptables rule in the
# switch namespace queues every bridged packet to cluster/netns-delay.py, which releases it D
# later (user space, so it adds its own ~0.1-0.3 ms; the pings show the real round trip).
#
# At the end it prints the run's wall time and, from steps.json, the evaluations and the
# calibration and search times.
#
# Everything is torn down on exit (normal, error, Ctrl-C, timeout). A lock makes concurrent runs
# refuse instead of fighting; leftovers of a killed run (kill -9) are removed on the next start.
#
# Settings (environment variables):
#   LAPQ_COORD, LAPQ_WORKER   the binaries (default: .build/release/lapq-coord, lapq-worker)
#   LAPQ_EXAMPLE              example directory (default: examples/digits)
#   LAPQ_BITS, LAPQ_METHOD    default 3/3 and lapq, as Scripts/run-example
#   LAPQ_NETNS_OUT            output directory (default: out/netns/<method>; owned by the sudo user)
#   LAPQ_COORD_ARGS           extra coordinator options, split on spaces (e.g. "--max-evals 50")
#   LAPQ_WORKER_ARGS          extra worker options, split on spaces
#   LAPQ_WORKER_THREADS       --threads per worker (default 1)
#   LAPQ_NETNS_TIMEOUT        seconds the whole calibration may take (default 900)
#   LAPQ_NETNS_WORKERS        number of workers, 1-64 (default 3)
#   LAPQ_NETNS_DELAY          one-way delay per packet, e.g. 0.5ms or 500us (default: none)
#   LAPQ_NETNS_DELAYER        netem (default) or nfqueue (needs iptables and a python3 with the
#                             NetfilterQueue module: pip install NetfilterQueue)
#   LAPQ_NETNS_PYTHON         python3 for the nfqueue delayer (default python3)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
readonly subnet_prefix="10.231.0"
readonly prefix_length=24
readonly port=5555
readonly switch_ns="lapqnet-sw"
readonly bridge="lapqbr0"
readonly coord_ns="lapqnet-coord"
readonly lock_file="/run/lapq-netns.lock"
readonly delay_queue=0

lapq_coord="${LAPQ_COORD:-$repo_root/.build/release/lapq-coord}"
lapq_worker="${LAPQ_WORKER:-$repo_root/.build/release/lapq-worker}"
example="${LAPQ_EXAMPLE:-$repo_root/examples/digits}"
bits="${LAPQ_BITS:-3/3}"
method="${LAPQ_METHOD:-lapq}"
worker_threads="${LAPQ_WORKER_THREADS:-1}"
run_timeout="${LAPQ_NETNS_TIMEOUT:-900}"
out_dir="${LAPQ_NETNS_OUT:-$repo_root/out/netns/$method}"
worker_count="${LAPQ_NETNS_WORKERS:-3}"
delay="${LAPQ_NETNS_DELAY:-}"
delayer="${LAPQ_NETNS_DELAYER:-netem}"
delay_python="${LAPQ_NETNS_PYTHON:-python3}"
read -r -a coord_extra <<<"${LAPQ_COORD_ARGS:-}"
read -r -a worker_extra <<<"${LAPQ_WORKER_ARGS:-}"

work_dir=""
keep_logs_on_failure=1

die() { echo "local-netns: $*" >&2; exit 1; }
log() { echo "== $*"; }

usage() {
    # The header: every comment line after the shebang, up to the first line of code.
    awk 'NR > 1 && !/^#/ { exit } NR > 1' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# Checked before anything is built, so a bad setting costs no namespace.
check_settings() {
    if [[ ! "$worker_count" =~ ^[0-9]+$ ]] || (( worker_count < 1 || worker_count > 64 )); then
        die "LAPQ_NETNS_WORKERS=$worker_count: must be a number from 1 to 64"
    fi
    worker_names=()
    local index
    for (( index = 1; index <= worker_count; index++ )); do worker_names+=("w$index"); done
    readonly worker_names
    [[ -z "$delay" ]] && return 0
    [[ "$delay" =~ ^[0-9]+(\.[0-9]+)?(us|ms|s)$ ]] ||
        die "LAPQ_NETNS_DELAY=$delay: must be a number with us, ms or s (e.g. 0.5ms)"
    case "$delayer" in
        netem) command -v tc >/dev/null || die "'tc' (iproute2) not found; install it: apt-get install iproute2" ;;
        nfqueue)
            command -v iptables >/dev/null || die "'iptables' not found; install it: apt-get install iptables"
            "$delay_python" -c 'import netfilterqueue' 2>/dev/null ||
                die "LAPQ_NETNS_PYTHON=$delay_python cannot import netfilterqueue; pip install NetfilterQueue (needs apt-get install libnetfilter-queue-dev)"
            ;;
        *) die "LAPQ_NETNS_DELAYER=$delayer: must be netem or nfqueue" ;;
    esac
}

# Namespace of host i: the coordinator is "coord", workers are w1…wN.
namespace_of() { echo "lapqnet-$1"; }
address_of() {
    case "$1" in
        coord) echo "$subnet_prefix.1" ;;
        w*) echo "$subnet_prefix.$((10 + ${1#w}))" ;;
    esac
}
all_hosts() { echo coord "${worker_names[@]}"; }

require_tools() {
    [[ $EUID -eq 0 ]] || die "must run as root (it creates network namespaces); try: sudo $0 $*"
    command -v ip >/dev/null || die "'ip' (iproute2) not found; install it: apt-get install iproute2"
    command -v flock >/dev/null || die "'flock' (util-linux) not found"
    command -v timeout >/dev/null || die "'timeout' (coreutils) not found"
}

# Kills every process still running inside our namespaces (only those: `ip netns pids` lists the
# processes whose network namespace is that one), then deletes namespaces; deleting a namespace
# deletes its veth ends and the bridge with it. Every lapqnet-* namespace goes, not only this
# run's hosts: a killed run may have had more workers.
teardown() {
    local path ns
    local -a pids
    for path in /run/netns/lapqnet-*; do
        [[ -e "$path" ]] || continue
        ns="$(basename "$path")"
        mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null || true)
        if [[ ${#pids[@]} -gt 0 ]]; then
            kill -TERM "${pids[@]}" 2>/dev/null || true
            sleep 1
            mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null || true)
            [[ ${#pids[@]} -eq 0 ]] || kill -KILL "${pids[@]}" 2>/dev/null || true
        fi
        ip netns delete "$ns" 2>/dev/null || true
    done
}

on_exit() {
    local status=$?
    trap - EXIT INT TERM
    teardown
    if [[ -n "$work_dir" && -d "$work_dir" ]]; then
        if [[ $status -ne 0 && $keep_logs_on_failure -eq 1 ]]; then
            rm -rf "$work_dir/keys"
            echo "local-netns: failed (exit $status); logs kept in $work_dir" >&2
        else
            rm -rf "$work_dir"
        fi
    fi
    exit "$status"
}

# One veth pair per host: the host end (eth0) goes into the host's namespace, the port end into
# the switch namespace, enslaved to the bridge. Both ends are created directly in their
# namespaces, so neither ever exists in the host's network namespace.
setup_network() {
    ip netns add "$switch_ns"
    ip -n "$switch_ns" link set lo up
    ip -n "$switch_ns" link add "$bridge" type bridge
    ip -n "$switch_ns" link set "$bridge" up
    local host ns
    for host in $(all_hosts); do
        ns="$(namespace_of "$host")"
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        ip link add eth0 netns "$ns" type veth peer name "port-$host" netns "$switch_ns"
        ip -n "$switch_ns" link set "port-$host" master "$bridge" up
        ip -n "$ns" addr add "$(address_of "$host")/$prefix_length" dev eth0
        ip -n "$ns" link set eth0 up
    done
}

# Delays every packet by $delay once between two hosts (see the header). A failure here is the
# kernel or the tools, not the run, so it names what is missing.
add_delay() {
    [[ -n "$delay" ]] || return 0
    local host error
    if [[ "$delayer" == netem ]]; then
        for host in $(all_hosts); do
            error="$(ip netns exec "$(namespace_of "$host")" tc qdisc add dev eth0 root netem delay "$delay" 2>&1)" ||
                die "tc netem on $host's eth0 failed: $error (a kernel without CONFIG_NET_SCH_NETEM says 'Specified qdisc kind is unknown'; try LAPQ_NETNS_DELAYER=nfqueue)"
        done
    else
        # br_netfilter shows bridged IPv4 packets to the switch namespace's FORWARD chain.
        ip netns exec "$switch_ns" sysctl -q -w net.bridge.bridge-nf-call-iptables=1 ||
            die "cannot enable net.bridge.bridge-nf-call-iptables in $switch_ns (br_netfilter missing?)"
        ip netns exec "$switch_ns" iptables -A FORWARD -j NFQUEUE --queue-num "$delay_queue" ||
            die "iptables NFQUEUE rule in $switch_ns failed (kernel without NETFILTER_XT_TARGET_NFQUEUE?)"
        # Real-time priority: on a busy machine a delayer that waits for a CPU at every packet
        # would add that wait (milliseconds) to the delay it is asked for.
        ip netns exec "$switch_ns" chrt --fifo 10 \
            "$delay_python" "$repo_root/cluster/netns-delay.py" "$delay_queue" "$delay" \
            >"$work_dir/delay.log" 2>&1 9>&- &
        sleep 1   # until it has bound the queue: before that, queued packets are dropped
        kill -0 $! 2>/dev/null || die "the nfqueue delayer exited: $(cat "$work_dir/delay.log")"
    fi
    log "every packet between two hosts delayed $delay ($delayer)"
}

# Pings the coordinator from every worker and back (the workers never talk to each other), printing
# the mean round trip, and checks that nothing outside the subnet is routable from the
# coordinator's namespace.
check_network() {
    command -v ping >/dev/null || die "'ping' not found; install it: apt-get install iputils-ping"
    local from to failures=0 summary
    for from in $(all_hosts); do
        for to in $(all_hosts); do
            [[ "$from" != "$to" && ( "$from" == coord || "$to" == coord ) ]] || continue
            if summary="$(ip netns exec "$(namespace_of "$from")" ping -n -q -c 5 -i 0.2 -w 5 "$(address_of "$to")" | tail -n 1)"; then
                # "rtt min/avg/max/mdev = 0.061/0.077/0.125/0.024 ms" -> the average
                echo "ping $from ($(address_of "$from")) -> $to ($(address_of "$to")): ok, mean round trip $(echo "$summary" | cut -d/ -f5) ms"
            else
                echo "ping $from ($(address_of "$from")) -> $to ($(address_of "$to")): FAILED"
                failures=$((failures + 1))
            fi
        done
    done
    if ip -n "$coord_ns" route get 192.0.2.1 >/dev/null 2>&1; then
        echo "isolation: $coord_ns can route outside $subnet_prefix.0/$prefix_length: FAILED"
        failures=$((failures + 1))
    else
        echo "isolation: $coord_ns has no route outside $subnet_prefix.0/$prefix_length: ok"
    fi
    [[ $failures -eq 0 ]] || die "$failures network check(s) failed"
    log "network ok: $(all_hosts | wc -w) namespaces on $bridge"
}

# Coordinator key pair plus one pair per worker; the allow-list is the workers' public keys.
make_keys() {
    local keys="$work_dir/keys" name
    mkdir -m 700 "$keys"
    "$lapq_coord" keygen --out "$keys/coord"
    for name in "${worker_names[@]}"; do
        "$lapq_coord" keygen --out "$keys/$name"
        cat "$keys/$name.pub" >>"$keys/allowed-workers"
        echo >>"$keys/allowed-workers"
    done
}

# Background processes close the lock (9>&-): if this script is killed with -9 they would
# otherwise hold it, and the next run could not get in to clean up after them.
start_coordinator() {
    local keys="$work_dir/keys"
    ip netns exec "$coord_ns" timeout --kill-after=10 "$run_timeout" \
        "$lapq_coord" calibrate --model "$example/digits.onnx" --calib "$example/calib.json" \
        --val "$example/val.json" --bits "$bits" --method "$method" --out "$out_dir" \
        --bind "tcp://$(address_of coord):$port" --min-workers "${#worker_names[@]}" \
        --curve-secret-key "$keys/coord.key" --curve-allowed-keys "$keys/allowed-workers" \
        "${coord_extra[@]}" >"$work_dir/coord.log" 2>&1 9>&- &
    coord_pid=$!
}

start_workers() {
    local keys="$work_dir/keys" name
    for name in "${worker_names[@]}"; do
        ip netns exec "$(namespace_of "$name")" timeout --kill-after=10 "$((run_timeout + 30))" \
            "$lapq_worker" --connect "tcp://$(address_of coord):$port" --threads "$worker_threads" \
            --name "$name" --curve-server-key "$keys/coord.pub" \
            --curve-public-key "$keys/$name.pub" --curve-secret-key "$keys/$name.key" \
            "${worker_extra[@]}" >"$work_dir/$name.log" 2>&1 9>&- &
    done
}

print_logs() {
    local file
    for file in "$work_dir"/*.log; do
        echo "---- $(basename "$file") (last 20 lines)"
        tail -n 20 "$file"
    done
}

run_example() {
    [[ -x "$lapq_coord" ]] || die "lapq-coord not found at $lapq_coord (swift build -c release, or set LAPQ_COORD)"
    [[ -x "$lapq_worker" ]] || die "lapq-worker not found at $lapq_worker (swift build -c release, or set LAPQ_WORKER)"
    [[ -f "$example/digits.onnx" ]] || die "example not found in $example (set LAPQ_EXAMPLE)"
    command -v jq >/dev/null || die "'jq' not found (it reads steps.json for the summary); install it: apt-get install jq"
    make_keys
    log "coordinator in $coord_ns on tcp://$(address_of coord):$port; workers ${worker_names[*]}"
    local started finished status=0
    started="$(date +%s.%N)"
    start_coordinator
    start_workers
    wait "$coord_pid" || status=$?
    finished="$(date +%s.%N)"
    if [[ $status -ne 0 ]]; then
        print_logs
        [[ $status -ne 124 ]] || die "coordinator did not finish within ${run_timeout}s (LAPQ_NETNS_TIMEOUT)"
        die "coordinator exited with status $status"
    fi
    # Run with sudo, the results belong to the user who asked for them, not to root.
    if [[ -n "${SUDO_UID:-}" && -d "$out_dir" ]]; then chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$out_dir"; fi
    log "result of $method at W/A $bits through ${#worker_names[@]} workers (files in $out_dir)"
    cat "$work_dir/coord.log"
    print_summary "$started" "$finished"
}

# Wall time from starting the coordinator to its exit (model and shards sent, the calibration,
# validation, files written), and steps.json's own account: search per evaluation is the
# figure a network delay adds to.
print_summary() {
    local steps="$out_dir/steps.json"
    jq -r --arg wall "$(( ${2/./} - ${1/./} ))e-9" --arg delay "${delay:-none}" --arg workers "$worker_count" '
        "summary: workers \($workers), delay \($delay), wall \($wall | tonumber * 100 | round / 100) s, " +
        "evaluations \(.evaluations), calibration \(.timings.calibration * 100 | round / 100) s, " +
        "search \(.timings.search * 100 | round / 100) s = " +
        "\(.timings.search / .evaluations * 1e4 | round / 10) ms per evaluation"' "$steps" ||
        die "cannot read the summary from $steps"
}

main() {
    local mode=run
    case "${1:-}" in
        "") ;;
        --check-network) mode=check ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument '$1' (use --check-network, or --help)" ;;
    esac
    require_tools "$@"
    check_settings
    exec 9>"$lock_file"
    flock -n 9 || die "another local-netns.sh is running (lock $lock_file)"
    trap on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    teardown   # leftovers of a run that was killed before its trap could run
    work_dir="$(mktemp -d /tmp/lapq-netns.XXXXXX)"
    setup_network
    add_delay
    check_network
    [[ $mode == check ]] || run_example
}

main "$@"
