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
        plan = QuantizationPlan(graph: graph, weightBits: options.weightBits, activationBits: options.activationBits)
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

    /// One Δ per plan point by the max-abs rule: Δ = max|x| / qmax, with max|x| over the weight
    /// tensor, or over the activation in a float run of batch 0 (a simple, common baseline).
    func maxAbsStepSizes() throws -> [Double] {
        var maxima = [Float](repeating: 0, count: plan.points.count)
        let executor = try Executor(graph: graph, plan: plan, options: .init(threads: options.threads))
        _ = try executor.run(images(batch: 0)) { point, values in
            maxima[point] = values.data.reduce(0) { max($0, abs($1)) }
        }
        return plan.points.enumerated().map { index, point in
            let values = point.kind == .weight ? graph.initializers[point.tensor]?.data ?? [] : []
            let maximum = point.kind == .weight ? values.reduce(0) { max($0, abs($1)) } : maxima[index]
            let levels = UniformQuantizer.quantMax(bits: point.bits, isSigned: point.isSigned)
            return Double(max(maximum, .leastNormalMagnitude)) / Double(levels)
        }
    }
}
