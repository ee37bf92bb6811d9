import LAPQCalibration
import LAPQData
import LAPQEngine
import LAPQMath

/// A small random CNN and a labelled data set for it, built in code: conv-relu ×3, global
/// average pooling, a linear classifier. Labels are the float network's own predictions on
/// slightly perturbed inputs, so the float model is good and quantization visibly hurts.
enum TinyNetwork {
    /// - Parameters:
    ///   - classifierScale: multiplies the classifier's weights: a large scale makes the float
    ///     network confident, so a poor quantized start has a loss above ln 5.
    ///   - lastConvBias: false sets conv3's bias to 0, so conv3 with all-zero weights makes the
    ///     logits the classifier's bias alone: a constant output with a loss near ln 5.
    static func graph(seed: UInt64 = 1, classifierScale: Double = 1, lastConvBias: Bool = true) throws -> Graph {
        var generator = SplitMix64(seed: seed)
        func random(_ shape: [Int], scale: Double) -> Tensor {
            Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(generator.gaussian() * scale) })
        }
        func conv(_ name: String, _ input: String, _ inChannels: Int, _ outChannels: Int, stride: Int) -> Node {
            Node(name: name, op: .conv(ConvAttributes(kernelShape: [3, 3], strides: [stride, stride], dilations: [1, 1],
                                                      pads: [1, 1, 1, 1])),
                 inputs: [input, "\(name).w", "\(name).b"], outputs: ["\(name).out"])
        }
        let initializers: [String: Tensor] = [
            "conv1.w": random([8, 3, 3, 3], scale: 0.4), "conv1.b": random([8], scale: 0.1),
            "conv2.w": random([8, 8, 3, 3], scale: 0.25), "conv2.b": random([8], scale: 0.1),
            "conv3.w": random([16, 8, 3, 3], scale: 0.25), "conv3.b": random([16], scale: lastConvBias ? 0.1 : 0),
            "fc.w": random([5, 16], scale: 0.8 * classifierScale), "fc.b": random([5], scale: 0.1),
        ]
        let nodes = [
            conv("conv1", "x", 3, 8, stride: 1), relu("relu1", "conv1.out"),
            conv("conv2", "relu1.out", 8, 8, stride: 1), relu("relu2", "conv2.out"),
            conv("conv3", "relu2.out", 8, 16, stride: 2), relu("relu3", "conv3.out"),
            Node(name: "pool", op: .globalAveragePool, inputs: ["relu3.out"], outputs: ["pool.out"]),
            Node(name: "flatten", op: .flatten(axis: 1), inputs: ["pool.out"], outputs: ["flatten.out"]),
            Node(name: "fc", op: .gemm(GemmAttributes(transB: true)), inputs: ["flatten.out", "fc.w", "fc.b"],
                 outputs: ["logits"]),
        ]
        return try Graph(input: GraphInput(name: "x", sampleShape: [3, 8, 8]), initializers: initializers,
                         nodes: nodes, outputs: ["logits"])
    }

    private static func relu(_ name: String, _ input: String) -> Node {
        Node(name: name, op: .relu, inputs: [input], outputs: ["\(name).out"])
    }

    /// `shardCount` shards of `shardSize` samples, labelled by the float network.
    static func shards(graph: Graph, shardCount: Int, shardSize: Int, seed: UInt64 = 2) throws -> InMemoryShards {
        var generator = SplitMix64(seed: seed)
        let executor = try ReferenceExecutor(graph: graph, plan: QuantizationPlan(graph: graph, weightBits: 32, activationBits: 32))
        var shards: [(Tensor, [Int])] = []
        for _ in 0..<shardCount {
            let input = Tensor(shape: [shardSize, 3, 8, 8],
                               data: (0..<(shardSize * 192)).map { _ in Float(generator.gaussian()) })
            let logits = try executor.run(input)
            let labels = (0..<shardSize).map { sample -> Int in
                let row = logits.data[(sample * 5)..<((sample + 1) * 5)]
                let best = row.indices.max { row[$0] < row[$1] } ?? 0
                return generator.next() % 10 == 0 ? Int(generator.next() % 5) : best - sample * 5
            }
            shards.append((input, labels))
        }
        return InMemoryShards(shards)
    }
}

/// Shards held in memory, ids 0…n−1.
final class InMemoryShards: CalibrationShards, @unchecked Sendable {
    let shards: [(Tensor, [Int])]
    init(_ shards: [(Tensor, [Int])]) { self.shards = shards }
    var shardIDs: [Int] { Array(shards.indices) }
    func loadShard(_ id: Int) throws -> (input: Tensor, labels: [Int]) { shards[id] }
}
