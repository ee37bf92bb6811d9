import Foundation
import LAPQEngine
import LAPQMath

/// The model, its default fake-quant plan and seeded synthetic batches for a benchmark.
struct BenchSetup {
    let graph: Graph
    let plan: QuantizationPlan
    let options: BenchOptions

    init(_ options: BenchOptions) throws {
        graph = try ONNXImporter.load(contentsOf: URL(fileURLWithPath: options.model))
        plan = QuantizationPlan(graph: graph, settings: options.planSettings)
        self.options = options
    }

    /// Batch `index` of gaussian images (N, …sample shape), the same for one seed.
    func images(batch index: Int) -> Tensor {
        var generator = SplitMix64(seed: options.seed &+ UInt64(index) &* 0x9E37_79B9)
        let shape = graph.input.shape(batchSize: options.batch)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(generator.gaussian()) })
    }

    /// Labels of batch `index`, uniform over the classes of the graph's output.
    func labels(batch index: Int, classes: Int) -> [Int] {
        var generator = SplitMix64(seed: options.seed &+ UInt64(index) &* 0x9E37_79B9 &+ 1)
        return (0..<options.batch).map { _ in Int(generator.next() % UInt64(classes)) }
    }

    /// One Δ per plan point by the max-abs rule on batch 0 (`ActivationStatistics.maxAbsStepSizes`).
    func maxAbsStepSizes() throws -> [Double] {
        let executor = try Executor(graph: graph, plan: plan, options: .init(threads: options.threads))
        return try ActivationStatistics.maxAbsStepSizes(of: images(batch: 0), executor: executor)
    }
}
