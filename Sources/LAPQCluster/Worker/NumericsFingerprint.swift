import LAPQEngine
import LAPQMath

/// How a worker's CPU computes the model: the exact bit patterns of the partial sums it gets
/// on a fixed input (docs/protocol.md, "Mixed CPUs"). Workers with equal fingerprints compute
/// every shard bit-identically; the coordinator keeps each shard within one such class.
///
/// The input is synthetic — a seeded Gaussian batch of the model's input shape, labels 0, 1, … —
/// rather than a shard, so a worker can compute it as soon as it has the model, with no data
/// shipped. Scored at the float network and at one fixed step vector (max-abs steps from the
/// weights and from this batch's activations), so both the float kernels and the quantized
/// path (int8 kernels, fake quantization) are covered. The value is FNV-1a over the Float64 bit
/// patterns of both scores, as `StepVectorHash` hashes step vectors.
public enum NumericsFingerprint {
    static let batchSize = 4
    static let seed: UInt64 = 0x4C41_5051   // "LAPQ"

    /// The fingerprint of `executor`'s numerics on this machine. Runs two forward passes of a
    /// 4-sample batch (and one statistics pass), O(model).
    public static func of(executor: Executor) throws -> UInt64 {
        let graph = executor.graph
        var random = SplitMix64(seed: seed)
        let shape = graph.input.shape(batchSize: batchSize)
        let input = Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(random.gaussian()) })
        let classes = try executor.run(input).shape.last ?? 1
        let labels = (0..<batchSize).map { $0 % max(classes, 1) }
        let steps = try ActivationStatistics.maxAbsStepSizes(of: input, executor: executor)
        try executor.setStepSizes(nil)
        let float = try executor.evaluate(input, labels: labels)
        try executor.setStepSizes(steps)
        let quantized = try executor.evaluate(input, labels: labels)
        try executor.setStepSizes(nil)
        return StepVectorHash.of([float, quantized].map { [$0.lossSum, Double($0.top1), Double($0.count)] })
    }
}
