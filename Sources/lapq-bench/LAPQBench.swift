import ArgumentParser
import LAPQEngine

/// Times lapq's fast executor on a model: float and fake-quantized forward passes, and a
/// coordinate sweep with and without prefix reuse. Scripts/bench/bench-engine drives it and prints
/// the table of docs/benchmarks.md.
@main
struct LAPQBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lapq-bench",
        abstract: "Benchmark lapq's executor (images/s, prefix reuse).",
        subcommands: [Throughput.self, Sweep.self]
    )
}

/// Options every benchmark shares: the model, the batch and the threads.
struct BenchOptions: ParsableArguments {
    @Option(help: "The ONNX model to run.")
    var model: String

    @Option(help: "Images per batch.")
    var batch = 32

    @Option(help: "oneDNN (OpenMP) threads.")
    var threads = 1

    @Option(help: "Seed of the synthetic images, labels and nothing else.")
    var seed: UInt64 = 1

    @Option(help: "Weight bits of the fake-quantized network (2…8).")
    var weightBits = 4

    @Option(help: "Activation bits of the fake-quantized network (2…8).")
    var activationBits = 4

    @Flag(help: "Quantize the first weighted layer too (lapq-coord's flag of the same name).")
    var quantizeFirstLayer = false

    @Flag(help: "Quantize the last weighted layer too (lapq-coord's flag of the same name).")
    var quantizeLastLayer = false

    /// The plan settings these options choose.
    var planSettings: PlanSettings {
        PlanSettings(weightBits: weightBits, activationBits: activationBits,
                     quantizeFirstLayer: quantizeFirstLayer, quantizeLastLayer: quantizeLastLayer)
    }

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch \(batch): must be ≥ 1") }
        guard threads >= 1 else { throw ValidationError("--threads \(threads): must be ≥ 1") }
        for (flag, bits) in [("--weight-bits", weightBits), ("--activation-bits", activationBits)]
        where !(2...8).contains(bits) {
            throw ValidationError("\(flag) \(bits): lapq fake-quantizes to 2…8 bits")
        }
    }
}

/// How many untimed and timed repetitions a measurement takes.
struct RepeatOptions: ParsableArguments {
    @Option(help: "Untimed runs before timing.")
    var warmup = 2

    @Option(help: "Timed runs; the median is reported.")
    var runs = 5

    func validate() throws {
        guard warmup >= 0, runs >= 1 else {
            throw ValidationError("--warmup \(warmup) --runs \(runs): need warmup ≥ 0 and runs ≥ 1")
        }
    }
}
