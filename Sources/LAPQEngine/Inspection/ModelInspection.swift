import Foundation

/// What lapq will do with a model, gathered before any data is read (`lapq-coord inspect`):
/// the graph that runs after import folded and split the ONNX nodes, each node's output shape,
/// and the quantization points the settings make, with why each node that reads no quantized
/// value stays float. A user checks it before a long calibration.
///
/// Every shape is at batch size 1 (the leading 1 is the batch).
public struct ModelInspection: Sendable, Hashable, Encodable {
    /// A named tensor and its shape at batch size 1.
    public struct TensorShape: Sendable, Hashable, Encodable {
        public var name: String
        public var shape: [Int]
    }

    /// One node of the graph lapq runs.
    public struct NodeRow: Sendable, Hashable, Encodable {
        public var name: String
        /// The op as lapq runs it (`Operator.name`; a BatchNormalization kept unfolded is "ScaleShift").
        public var op: String
        public var inputs: [String]
        public var outputShape: [Int]
        /// The names of the plan's points this node reads quantized, in plan order ("weight:conv1.weight").
        public var quantizedInputs: [String]
        /// Why its weight or input stays float, each reason once: empty when the node reads
        /// every value it could quantized.
        public var floatReasons: [FloatReason]
    }

    /// The file as exported, before import.
    public var onnx: ONNXFileSummary
    public var input: TensorShape
    public var outputs: [TensorShape]
    /// The nodes lapq runs, by op.
    public var opCounts: [String: Int]
    /// The points, in plan order (the step vector's order), with the settings they follow from.
    public var plan: QuantizationPlan
    public var nodes: [NodeRow]

    /// Inspects `graph` (imported from the file `onnx` summarizes) under `settings`.
    ///
    /// - Throws: `PlanError` when a `keepFloat` pattern matches nothing, as `calibrate` would;
    ///   `GraphError` if shapes do not fit (import has already checked them).
    public init(graph: Graph, onnx: ONNXFileSummary, settings: PlanSettings) throws {
        let shapes = try graph.inferShapes(batchSize: 1)
        let shape = { (name: String) in TensorShape(name: name, shape: shapes[name] ?? []) }
        self.onnx = onnx
        input = shape(graph.input.name)
        outputs = graph.outputs.map(shape)
        opCounts = graph.nodes.reduce(into: [:]) { counts, node in counts[node.op.name, default: 0] += 1 }
        plan = try QuantizationPlan(validating: graph, settings: settings)
        let layers = Dictionary(uniqueKeysWithValues: QuantizationPlan.layerQuantization(of: graph, settings: settings)
            .map { ($0.layer, $0) })
        nodes = graph.nodes.map { [plan] node in
            let reasons = layers[node.name].map { [$0.weightFloatReason, $0.activationFloatReason] } ?? [.notQuantizable]
            return NodeRow(name: node.name, op: node.op.name, inputs: node.inputs, outputShape: shapes[node.output] ?? [],
                           quantizedInputs: plan.points.filter { $0.consumers.contains(node.name) }.map(\.name),
                           floatReasons: reasons.compactMap { $0 }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
        }
    }

    /// Imports the model at `url` (as `ONNXImporter.load(contentsOf:)` does, reading it once)
    /// and inspects it. Errors are `ONNXImportError`s naming the file as `url.relativePath`,
    /// or those of `init(graph:onnx:settings:)`.
    public init(contentsOf url: URL, settings: PlanSettings) throws {
        let files = try ONNXModelFiles(contentsOf: url)
        let file = url.relativePath
        try self.init(graph: files.graph(file: file), onnx: ONNXFileSummary(serialized: files.onnx, file: file),
                      settings: settings)
    }
}
