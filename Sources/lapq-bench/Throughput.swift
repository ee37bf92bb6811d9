import ArgumentParser
import LAPQEngine

/// `lapq-bench throughput`: images/s of one batch, float or fake-quantized.
struct Throughput: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Images/s of repeated forward passes of one batch.")

    enum Precision: String, ExpressibleByArgument, CaseIterable {
        case fp32
        case fakeQuant = "fake-quant"
    }

    @OptionGroup var options: BenchOptions
    @OptionGroup var repeats: RepeatOptions

    @Option(help: "fp32, or fake-quant (plan default: first and last layer float; max-abs Δ).")
    var precision = Precision.fp32

    func run() throws {
        let setup = try BenchSetup(options)
        let executor = try Executor(graph: setup.graph, plan: setup.plan,
                                    options: .init(threads: options.threads))
        try executor.setStepSizes(precision == .fp32 ? nil : try setup.maxAbsStepSizes())
        let images = setup.images(batch: 0)
        let rates = try measure(warmup: repeats.warmup, runs: repeats.runs, images: options.batch) { _ = try executor.run(images) }
        let name = precision == .fp32 ? "lapq-fp32" : "lapq-w\(options.weightBits)a\(options.activationBits)"
        print(report(name, options, rates))
    }
}
