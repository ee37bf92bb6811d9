"""What the scripts that run the distributed path share (Scripts/bench/chaos, Scripts/bench/bench-scale,
Scripts/bench/bench-calibration-size): the release build, steps.json comparison, a free loopback port,
one-thread workers on 127.0.0.1, and processes measured from outside (wall time, CPU time, peak
RSS, and the CPU time of one named thread)."""
import json
import os
import resource
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "digits")
BIN = os.path.join(ROOT, ".build", "release")
WORKER = os.path.join(BIN, "lapq-worker")


def build():
    env = dict(os.environ, PATH=os.environ.get("PATH", "") + ":/opt/swift/usr/bin")
    for product in ("lapq-coord", "lapq-worker"):
        subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)


def comparable(path):
    """steps.json without what legitimately differs between runs: wall-clock times, the paths
    of identical inputs (the digests stay), and the record of numerics classes (a local run has
    none; the workers of one machine are one class, which is checked)."""
    with open(path) as handle:
        steps = json.load(handle)
    steps.pop("timings", None)
    classes = steps.pop("numericsClasses", None) or {}
    if len(classes) > 1:
        steps["numericsClasses"] = classes   # mixed numerics on one machine: never equal
    for digest in (steps.get("inputs") or {}).values():
        digest.pop("path", None)
    return steps


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def thread_cpu_seconds(pid, name):
    """User + system CPU seconds of the threads of `pid` whose name starts with `name`
    (/proc/PID/task/*/stat), or None once the process is gone."""
    tick = os.sysconf("SC_CLK_TCK")
    total, found = 0.0, False
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return None
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as handle:
                stat = handle.read()
        except FileNotFoundError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        if comm.startswith(name):
            fields = stat[stat.rindex(")") + 2:].split()
            total += (int(fields[11]) + int(fields[12])) / tick   # utime, stime
            found = True
    return total if found else None


def run_measured(arguments, log_path, thread_name=None, poll=0.2):
    """Runs a command to its end; returns (exit status, wall seconds, CPU seconds, peak RSS in
    MiB, the last CPU seconds seen for `thread_name`'s threads)."""
    started = time.monotonic()
    with open(log_path, "w") as log:
        process = subprocess.Popen(arguments, stdout=log, stderr=subprocess.STDOUT)
    thread_cpu = None
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if thread_name:
            thread_cpu = thread_cpu_seconds(process.pid, thread_name) or thread_cpu
        time.sleep(poll)
    wall = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    return code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, thread_cpu


class LocalWorkers:
    """`count` one-thread lapq-workers connected to `endpoint`, worker i pinned to core
    pin_cores[i] when given, logs in `log_dir`. A context manager: it stops them on exit and then
    holds their summed CPU time (start-up, model import and fingerprint included) in cpu_seconds."""

    def __init__(self, endpoint, count, log_dir, pin_cores=None):
        self.endpoint, self.count, self.log_dir, self.pin_cores = endpoint, count, log_dir, pin_cores
        self.processes, self.cpu_seconds = [], None

    def __enter__(self):
        os.makedirs(self.log_dir, exist_ok=True)
        for index in range(self.count):
            command = [WORKER, "--connect", self.endpoint, "--threads", "1", "--name", f"w{index}"]
            if self.pin_cores:
                command = ["taskset", "-c", str(self.pin_cores[index])] + command
            with open(os.path.join(self.log_dir, f"w{index}.log"), "w") as log:
                self.processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
        return self

    def __exit__(self, *exception):
        for process in self.processes:
            process.terminate()
        self.cpu_seconds = 0.0
        for process in self.processes:
            _, _, usage = os.wait4(process.pid, 0)
            self.cpu_seconds += usage.ru_utime + usage.ru_stime
        return False
