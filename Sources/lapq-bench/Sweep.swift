import ArgumentParser
import LAPQEngine

/// `lapq-bench sweep`: one coordinate sweep as Powell's first iteration makes it, for each
/// plan point in order a few evaluations that change only that point's Δ, over a few
/// batches; reports images/s, the multiply-accumulates prefix reuse saved and a checksum of
/// the losses (equal with and without reuse when reuse is exact).
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Images/s and saved work of a coordinate sweep, with or without prefix reuse.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Batches (cache keys) evaluated per step vector.")
    var batches = 2

    @Option(help: "Evaluations per point; evaluation k sets Δ = (1 + 0.1·k)·Δ₀.")
    var evaluations = 2

    @Option(name: .customLong("cache-mib"), help: "Prefix cache budget in MiB; 0 disables prefix reuse.")
    var cacheMiB = 8192

    func validate() throws {
        guard batches >= 1, evaluations >= 1, cacheMiB >= 0 else {
            throw ValidationError("--batches \(batches) --evaluations \(evaluations) --cache-mib \(cacheMiB): need ≥ 1, ≥ 1, ≥ 0")
        }
    }

    func run() throws {
        let setup = try BenchSetup(options)
        var stepSizes = try setup.maxAbsStepSizes()
        let executor = try Executor(graph: setup.graph, plan: setup.plan,
                                    options: .init(threads: options.threads, prefixCacheBytes: cacheMiB << 20))
        let classes = try executor.run(setup.images(batch: 0)).shape[1]
        let data = (0..<batches).map { (setup.images(batch: $0), setup.labels(batch: $0, classes: classes)) }
        try executor.setStepSizes(stepSizes)
        var lossChecksum = 0.0
        // The sweep's starting point: evaluated once per batch, untimed, filling the cache.
        for (key, batch) in data.enumerated() { _ = try executor.evaluate(batch.0, labels: batch.1, cacheKey: key) }
        let before = executor.reuseStatistics
        let evaluationCount = setup.plan.points.count * evaluations
        let rates = try measure(warmup: 0, runs: 1, images: evaluationCount * batches * options.batch) {
            for point in setup.plan.points.indices {
                let initial = stepSizes[point]
                for k in 1...evaluations {
                    stepSizes[point] = initial * (1 + 0.1 * Double(k))
                    try executor.setStepSizes(stepSizes)
                    for (key, batch) in data.enumerated() {
                        lossChecksum += try executor.evaluate(batch.0, labels: batch.1, cacheKey: key).lossSum
                    }
                }
            }
        }
        let after = executor.reuseStatistics
        let computed = after.computedMACs - before.computedMACs, skipped = after.skippedMACs - before.skippedMACs
        let saved = Double(skipped) / Double(max(computed + skipped, 1))
        let name = cacheMiB > 0 ? "sweep-reuse" : "sweep-no-reuse"
        print(report(name, options, rates, extra: "points=\(setup.plan.points.count) evaluations=\(evaluationCount)"
                     + " batches=\(batches) saved-macs=\(String(format: "%.4f", saved)) loss-checksum=\(lossChecksum)"))
    }
}
