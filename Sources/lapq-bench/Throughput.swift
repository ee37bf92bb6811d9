import ArgumentParser
import LAPQEngine

/// `lapq-bench throughput`: images/s of one batch, float or fake-quantized.
struct Throughput: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Images/s of repeated forward passes of one batch.")

    enum Precision: String, ExpressibleByArgument, CaseIterable {
        case fp32
        /// Quantized convolutions on int8 codes (the executor's default).
        case fakeQuant = "fake-quant"
        /// Every layer on fake-quantized f32 values (`integerConvolution` off).
        case fakeQuantF32 = "fake-quant-f32"
    }

    @OptionGroup var options: BenchOptions
    @OptionGroup var repeats: RepeatOptions

    @Option(help: "fp32, fake-quant (int8 convolutions), or fake-quant-f32 (all f32); the plan's default: first and last layer float, max-abs Δ.")
    var precision = Precision.fp32

    func run() throws {
        let setup = try BenchSetup(options)
        let executor = try Executor(graph: setup.graph, plan: setup.plan,
                                    options: .init(threads: options.threads, integerConvolution: precision != .fakeQuantF32))
        try executor.setStepSizes(precision == .fp32 ? nil : try setup.maxAbsStepSizes())
        let images = setup.images(batch: 0)
        let rates = try measure(warmup: repeats.warmup, runs: repeats.runs, images: options.batch) { _ = try executor.run(images) }
        // "+first" / "+last" name a plan that also quantizes the first / last layer (the set
        // onnxruntime's int8 model quantizes), so its column stays apart from the default plan's.
        let quantized = "lapq-w\(options.weightBits)a\(options.activationBits)"
            + (options.quantizeFirstLayer ? "+first" : "") + (options.quantizeLastLayer ? "+last" : "")
        let name = switch precision {
        case .fp32: "lapq-fp32"
        case .fakeQuant: quantized
        case .fakeQuantF32: quantized + "-f32"
        }
        print(report(name, options, rates))
    }
}
