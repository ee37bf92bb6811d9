import Foundation
import LAPQData
import LAPQEngine

/// `lapq-coord evaluate` as a library call: the loss and top-1 of the float model, or of the
/// model quantized with a steps.json, over a data manifest.
public struct EvaluationJob {
    public var model: URL
    public var data: URL
    public var steps: URL?
    public var threads: Int?
    /// What to write besides the score (logits, activation values); empty: nothing.
    public var dump: EvaluationDump

    public init(model: URL, data: URL, steps: URL? = nil, threads: Int? = nil, dump: EvaluationDump = EvaluationDump()) {
        self.model = model
        self.data = data
        self.steps = steps
        self.threads = threads
        self.dump = dump
    }

    public func run() throws -> BatchScore {
        let graph = try ONNXImporter.load(contentsOf: model)
        var plan = QuantizationPlan(graph: graph, weightBits: 32, activationBits: 32)
        var stepSizes: [Double]?
        if let steps {
            let file = try StepsFile.read(from: steps)
            plan = QuantizationPlan(graph: graph, settings: file.plan)
            guard plan.points.map(\.name) == file.points.map(\.name) else {
                throw OutputError.mismatch(file: steps.path, reason: "its quantization points do not match \(model.path)'s; "
                    + "was it calibrated for another model?")
            }
            stepSizes = file.stepSizes
        }
        let store = try ShardStore(manifestAt: data)
        guard store.sampleShape == graph.input.sampleShape else {
            throw JobError.inputShapeMismatch(model: model.path, modelShape: graph.input.sampleShape,
                                              data: data.path, dataShape: store.sampleShape)
        }
        if dump.isEmpty {
            let oracle = try LocalLossOracle(graph: graph, plan: plan, shards: store, threadsPerWorker: threads)
            return try oracle.evaluate([stepSizes.map(StepVector.quantized) ?? .float])[0]
        }
        let executor = try Executor(graph: graph, plan: plan, options: .init(threads: threads))
        try executor.setStepSizes(stepSizes)
        return try dump.score(executor: executor, shards: store)
    }
}
