/// The single data input of a `Graph`: a float32 tensor whose first dimension is the batch.
///
/// The batch size is chosen when the graph runs, so it is not stored; `sampleShape` is the
/// shape of one sample, e.g. `[3, 224, 224]` for an NCHW image network.
public struct GraphInput: Sendable, Hashable {
    public var name: String
    /// Shape of one sample: the input shape without its leading batch dimension.
    public var sampleShape: [Int]

    public init(name: String, sampleShape: [Int]) {
        precondition(sampleShape.allSatisfy { $0 > 0 }, "non-positive dimension in \(sampleShape)")
        self.name = name
        self.sampleShape = sampleShape
    }

    /// The full input shape for `batchSize` samples: `[batchSize] + sampleShape`.
    public func shape(batchSize: Int) -> [Int] {
        [batchSize] + sampleShape
    }
}
