#!/usr/bin/env bash
# A one-machine Slurm cluster (slurmctld + slurmd on this host) from Debian's packages, to run
# cluster/slurm/lapq.sbatch for real without a cluster.
#
#   sudo apt-get install -y slurm-wlm munge
#   sudo cluster/slurm/start-single-node.sh           # configure and start; safe to run again
#   sbatch --nodes=1 --ntasks=3 --overcommit cluster/slurm/lapq.sbatch
#   sudo cluster/slurm/start-single-node.sh --stop    # stop slurmd, slurmctld and munged
#
# It writes /etc/slurm/slurm.conf for this host only (its name, CPUs, sockets, cores, threads
# and memory as `slurmd -C` reports them) and refuses to replace a slurm.conf it did not write,
# so it cannot clobber a real cluster's configuration. The munge key is made if there is none.
# Process tracking is by process list (proctrack/linuxproc) rather than cgroups, so it needs
# neither systemd nor a particular cgroup layout (containers and small VMs often have neither).
# Daemons run without systemd, each started only if it is not running already.
set -euo pipefail

readonly slurm_conf="/etc/slurm/slurm.conf"
readonly conf_marker="# written by lapq cluster/slurm/start-single-node.sh"
readonly munge_key="/etc/munge/munge.key"
readonly state_dir="/var/lib/slurm"
readonly log_dir="/var/log/slurm"
readonly ctld_pid_file="/run/slurmctld.pid"
readonly slurmd_pid_file="/run/slurmd.pid"
readonly munged_pid_file="/run/munge/munged.pid"

die() { echo "start-single-node: $*" >&2; exit 1; }
log() { echo "== $*"; }

require_tools() {
    [[ $EUID -eq 0 ]] || die "must run as root (it writes $slurm_conf and starts daemons); try: sudo $0 $*"
    local tool
    for tool in munged munge unmunge slurmctld slurmd scontrol sinfo; do
        command -v "$tool" >/dev/null || die "'$tool' not found; install the packages: apt-get install -y slurm-wlm munge"
    done
}

# True if the pid file names a live process.
running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the daemon whose pid file is $1, waiting up to 10 s for it to go.
stop_daemon() {
    local pid_file="$1" name="$2" pid waited
    running "$pid_file" || return 0
    pid="$(cat "$pid_file")"
    kill -TERM "$pid"
    for (( waited = 0; waited < 100; waited++ )); do
        kill -0 "$pid" 2>/dev/null || { log "stopped $name ($pid)"; return 0; }
        sleep 0.1
    done
    die "$name ($pid) did not stop within 10 s of SIGTERM"
}

# `slurmd -C` prints this machine's line for slurm.conf ("NodeName=vm CPUs=2 Boards=1 …
# RealMemory=24105"); it is taken as it is, so the node is described by what it really has.
write_config() {
    local node_line node_name
    node_line="$(slurmd -C | head -n 1)"
    [[ "$node_line" == NodeName=* ]] || die "unexpected 'slurmd -C' output: $node_line"
    node_name="${node_line%% *}"
    node_name="${node_name#NodeName=}"
    if [[ -f "$slurm_conf" ]] && ! grep -qxF "$conf_marker" "$slurm_conf"; then
        die "$slurm_conf exists and was not written by this script; move it away to use a single-node Slurm here"
    fi
    mkdir -p "$(dirname "$slurm_conf")" "$state_dir/slurmctld" "$state_dir/slurmd" "$log_dir"
    chown slurm:slurm "$state_dir/slurmctld" "$log_dir"
    cat >"$slurm_conf" <<EOF
$conf_marker
# A single-node cluster: this host is both controller and compute node.
ClusterName=lapq-single
SlurmctldHost=$node_name
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=$state_dir/slurmctld
SlurmdSpoolDir=$state_dir/slurmd
SlurmctldPidFile=$ctld_pid_file
SlurmdPidFile=$slurmd_pid_file
SlurmctldLogFile=$log_dir/slurmctld.log
SlurmdLogFile=$log_dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
$node_line State=UNKNOWN
PartitionName=main Nodes=$node_name Default=YES MaxTime=INFINITE State=UP
EOF
    log "wrote $slurm_conf for node $node_name (${node_line#* })"
}

# munged runs as the munge user; the key must be that user's and unreadable by others.
start_munge() {
    if [[ ! -f "$munge_key" ]]; then
        ( umask 077 && dd if=/dev/urandom of="$munge_key" bs=1 count=1024 status=none )
        log "made a munge key in $munge_key"
    fi
    chown munge:munge "$munge_key"
    chmod 0400 "$munge_key"
    install -d -o munge -g munge -m 0755 /run/munge
    if running "$munged_pid_file"; then
        log "munged already running"
    else
        runuser -u munge -- munged
        log "started munged"
    fi
    munge -n | unmunge >/dev/null || die "munge does not work (munge -n | unmunge failed); see /var/log/munge/munged.log"
}

start_slurm() {
    if running "$ctld_pid_file"; then log "slurmctld already running"; else slurmctld; log "started slurmctld"; fi
    if running "$slurmd_pid_file"; then log "slurmd already running"; else slurmd; log "started slurmd"; fi
    local waited
    for (( waited = 0; waited < 30; waited++ )); do
        if sinfo --noheader --states=idle,mixed,allocated --format=%N 2>/dev/null | grep -q .; then
            sinfo
            return 0
        fi
        sleep 1
    done
    sinfo || true
    die "the node did not become idle within 30 s; see $log_dir/slurmctld.log and $log_dir/slurmd.log"
}

main() {
    case "${1:-}" in
        "")
            require_tools "$@"
            write_config
            start_munge
            start_slurm
            ;;
        --stop)
            require_tools "$@"
            stop_daemon "$slurmd_pid_file" slurmd
            stop_daemon "$ctld_pid_file" slurmctld
            stop_daemon "$munged_pid_file" munged
            ;;
        -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
        *) die "unknown argument '$1' (use --stop, or --help)" ;;
    esac
}

main "$@"
