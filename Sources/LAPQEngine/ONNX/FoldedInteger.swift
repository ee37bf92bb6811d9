/// An integer that import knows as a function of the batch size N: `batchFactor · N + offset`,
/// read off its values at the probe batch sizes (`ProbedValue.folded`). Reshape targets take
/// this form: every size of a tensor in lapq's graph is fixed or N itself.
struct BatchAffine: Hashable, Sendable {
    var batchFactor: Int64
    var offset: Int64

    static func fixed(_ value: Int64) -> BatchAffine { BatchAffine(batchFactor: 0, offset: value) }
    static let batch = BatchAffine(batchFactor: 1, offset: 0)

    var fixedValue: Int64? { batchFactor == 0 ? offset : nil }
}

/// A small integer tensor computed at import from constants and known shapes (the Shape →
/// Gather → Unsqueeze → Concat → Reshape chains exporters write), element by element as
/// `BatchAffine` values, row-major.
struct FoldedInteger: Equatable, Sendable {
    var shape: [Int]
    var values: [BatchAffine]

    init(shape: [Int], values: [BatchAffine]) {
        precondition(shape.reduce(1, *) == values.count, "folded shape \(shape) holds \(values.count) values")
        self.shape = shape
        self.values = values
    }

    /// A Reshape target whose batch-dependent entries ONNX's own markers can express: N in
    /// the leading position becomes 0 ("copy the input's axis") when the input's leading axis
    /// is the batch (`copiesLeadingBatch`), one other batch-dependent entry becomes −1
    /// ("inferred"). Nil when that does not cover them.
    func reshapeTarget(copiesLeadingBatch: Bool) -> [Int]? {
        var target: [Int] = []
        var inferred = values.contains(.fixed(-1))
        for (index, value) in values.enumerated() {
            if let fixed = value.fixedValue {
                target.append(Int(fixed))
            } else if index == 0, value == .batch, copiesLeadingBatch {
                target.append(0)
            } else if !inferred {
                inferred = true
                target.append(-1)
            } else {
                return nil
            }
        }
        return target
    }
}
