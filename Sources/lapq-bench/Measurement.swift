import Foundation

/// Runs `body` `warmup` times untimed, then `runs` times timed; returns images/s per timed run.
func measure(warmup: Int, runs: Int, images: Int, _ body: () throws -> Void) rethrows -> [Double] {
    for _ in 0..<warmup { try body() }
    return try (0..<runs).map { _ in
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(images) / seconds
    }
}

/// The middle value (mean of the two middle values for an even count).
func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of no values")
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// One result line, `name threads=T batch=B img/s=<median> runs=<r1,r2,…>`, the format
/// Scripts/bench/bench-engine parses (and Scripts/bench/bench_engine.py prints for onnxruntime).
func report(_ name: String, _ options: BenchOptions, _ rates: [Double], extra: String = "") -> String {
    let runs = rates.map { String(format: "%.2f", $0) }.joined(separator: ",")
    return "\(name) threads=\(options.threads) batch=\(options.batch) img/s=\(String(format: "%.2f", median(rates)))"
        + " runs=\(runs)\(extra.isEmpty ? "" : " " + extra)"
}
