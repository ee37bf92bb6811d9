"""Per-layer time of lapq's int8 and f32 fake-quant paths, from oneDNN's verbose log.

  ONEDNN_VERBOSE=1 lapq-bench throughput --precision fake-quant     ... > int8.log
  ONEDNN_VERBOSE=1 lapq-bench throughput --precision fake-quant-f32 ... > f32.log
  python3 Scripts/bench/profile_layers.py int8.log f32.log

Joins the convolution and inner-product executions of the two runs on oneDNN's problem
descriptor (shape, strides, groups), takes the median time of each over all its executions,
and prints one Markdown row per layer shape: the implementation and milliseconds of each path,
their ratio, and the totals over the int8 run's executions (each at its shape's median). It answers "which layer shapes does int8 lose on, on this ISA"
(docs/engine.md, "Integer convolution"); a layer's encode and fake-quant work is outside
oneDNN and not counted here.
"""
import statistics
import sys
from collections import defaultdict


def executions(path, want_int8):
    """{problem: (implementation, [ms])} of the conv / inner-product lines of one precision."""
    found = defaultdict(lambda: ["", []])
    with open(path) as log:
        for line in log:
            fields = line.rstrip("\n").split(",")
            if len(fields) < 11 or fields[1] != "exec" or fields[3] not in ("convolution", "inner_product"):
                continue
            is_int8 = "src_u8" in fields[6] or "src_s8" in fields[6]
            if is_int8 != want_int8:
                continue
            entry = found[(fields[3], fields[-2])]
            entry[0] = fields[4] + (" s8" if "src_s8" in fields[6] else "")
            entry[1].append(float(fields[-1]))
    return found


def main():
    integer, floating = executions(sys.argv[1], True), executions(sys.argv[2], False)
    print("| layer | count | int8 kernel | int8 ms | f32 kernel | f32 ms | f32 / int8 |")
    print("|---|---|---|---|---|---|---|")
    totals = [0.0, 0.0]
    for problem in sorted(integer, key=lambda key: -statistics.median(integer[key][1])):
        name, times = integer[problem]
        other, other_times = floating.get(problem, ["-", []])
        a = statistics.median(times)
        b = statistics.median(other_times) if other_times else float("nan")
        totals[0] += a * len(times)
        totals[1] += b * len(times)
        print(f"| {problem[0]} {problem[1]} | {len(times)} | {name} | {a:.2f} | {other} | {b:.2f} | {b / a:.2f} |")
    print(f"| **all int8 executions** | | | {totals[0]:.1f} | | {totals[1]:.1f} | {totals[1] / totals[0]:.2f} |")


if __name__ == "__main__":
    main()
