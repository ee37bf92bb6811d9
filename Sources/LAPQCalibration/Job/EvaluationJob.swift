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
        let graph: Graph, plan: QuantizationPlan, stepSizes: [Double]?
        if let steps {
            let run = try CalibratedRun(stepsFile: steps, model: model)
            (graph, plan, stepSizes) = (run.graph, run.plan, run.steps.stepSizes)
        } else {
            graph = try ONNXImporter.load(contentsOf: model)
            (plan, stepSizes) = (QuantizationPlan(graph: graph, settings: .float), nil)
        }
        let store = try ShardStore.opening(data, fitting: graph, modelPath: model.path)
        if dump.isEmpty {
            let oracle = try LocalLossOracle(graph: graph, plan: plan, shards: store, threadsPerWorker: threads)
            return try oracle.evaluate([stepSizes.map(StepVector.quantized) ?? .float])[0]
        }
        let executor = try Executor(graph: graph, plan: plan, options: .init(threads: threads))
        try executor.setStepSizes(stepSizes)
        return try dump.score(executor: executor, shards: store)
    }
}
