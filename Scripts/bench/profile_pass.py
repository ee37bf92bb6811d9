"""Where one lapq forward pass spends its time, from two `ONEDNN_VERBOSE=1 lapq-bench throughput`
logs of the same command that differ only in --runs (docs/benchmarks.md, "Where a W4/A4 pass spends
its time"):

  ONEDNN_VERBOSE=1 lapq-bench throughput --model M ... --warmup 1 --runs 5  > short.log
  ONEDNN_VERBOSE=1 lapq-bench throughput --model M ... --warmup 1 --runs 15 > long.log
  python3 Scripts/bench/profile_pass.py short.log long.log

Set-up (import, the max-abs statistics pass, primitive creation) is the same in both logs, so the
difference of their execution counts, per primitive and problem shape, divided by the difference of
their runs is how often a pass runs it; times the median time of its executions (robust to one slow
set-up call) that is its time per pass, summed per kind (convolution int8 / f32, depthwise,
reorders, …). The pass's wall time
is batch / the long run's median img/s; what oneDNN does not account for is lapq's own work between
the primitives (encode, fake-quant, Add, ReLU, plain kernels) and OpenMP hand-offs.
"""
import re
import statistics
import sys
from collections import defaultdict


def read(path):
    """({(kind, shape): [ms of each execution]}, runs, batch, median img/s) of one log."""
    executions = defaultdict(list)
    result = None
    with open(path) as log:
        for line in log:
            fields = line.rstrip("\n").split(",")
            if len(fields) > 10 and fields[0] == "onednn_verbose" and fields[1] == "exec":
                executions[(kind(fields), fields[-2])].append(float(fields[-1]))
            elif line.startswith("lapq-"):
                result = dict(pair.split("=", 1) for pair in line.split()[1:])
    if result is None:
        sys.exit(f"{path}: no lapq-bench result line")
    rates = [float(rate) for rate in result["runs"].split(",")]
    return executions, len(rates), int(result["batch"]), statistics.median(rates)


def kind(fields):
    """"convolution int8 (brgconv)", "convolution f32 depthwise (brdgmm_dw)", "reorder f32→f32 (jit)", …"""
    primitive, implementation = fields[3], fields[4].split(":")[0]
    if primitive == "reorder":
        source, destination = (part.split(":")[0].split("_", 1)[1] for part in fields[6].split()[:2])
        return f"reorder {source}→{destination} ({implementation})"
    precision = "int8" if re.search(r"src_[us]8", fields[6]) else "f32"
    depthwise = " depthwise" if primitive == "convolution" and fields[-2].startswith("g") else ""
    return f"{primitive} {precision}{depthwise} ({implementation})"


def main():
    short, long_ = read(sys.argv[1]), read(sys.argv[2])
    passes = long_[1] - short[1]
    if passes <= 0:
        sys.exit("the second log needs more --runs than the first")
    batch, rate = long_[2], long_[3]
    wall = 1000 * batch / rate
    per_kind = defaultdict(lambda: [0.0, 0.0])
    for key, times in long_[0].items():
        extra = len(times) - len(short[0].get(key, []))
        if extra > 0:
            per_kind[key[0]][0] += extra / passes
            per_kind[key[0]][1] += extra / passes * statistics.median(times)
    rows = [(milliseconds, name, count) for name, (count, milliseconds) in per_kind.items()]
    rows.sort(reverse=True)
    onednn = sum(row[0] for row in rows)
    print(f"pass: {wall:.2f} ms (batch {batch}, median {rate:.1f} img/s over {long_[1]} runs); "
          f"per-pass figures from {passes} passes")
    print("| part | executions per pass | ms per pass | share of the pass |")
    print("|---|---|---|---|")
    for milliseconds, kind, count in rows:
        print(f"| {kind} | {count:g} | {milliseconds:.2f} | {100 * milliseconds / wall:.1f} % |")
    print(f"| **outside oneDNN** (lapq's elementwise and plain kernels, hand-offs) | | {wall - onednn:.2f} | "
          f"{100 * (wall - onednn) / wall:.1f} % |")


if __name__ == "__main__":
    main()
