/// A tensor import knows without the pixels: its value, or — when it depends on the batch
/// size N, through the Shape of a batched tensor — its value at each of the probe batch sizes
/// `KnownValues.probeBatchSizes` (docs/engine.md, "Import-time folding").
enum ProbedValue: Equatable {
    case fixed(StoredTensor)
    case perBatch([StoredTensor])

    /// The value at probe `index`.
    func at(_ index: Int) -> StoredTensor {
        switch self {
        case .fixed(let value): return value
        case .perBatch(let values): return values[index]
        }
    }

    var dependsOnBatch: Bool {
        if case .perBatch = self { return true }
        return false
    }

    /// The value from one evaluation per probe; `.fixed` when every probe gave the same.
    init(probes: [StoredTensor]) {
        let first = probes[0]
        self = probes.allSatisfy { $0 == first } ? .fixed(first) : .perBatch(probes)
    }

    /// The integer tensor as `a·N + b` per element, when every probe has the same shape and
    /// each element is affine in N at every probe; nil otherwise. (Two probes fix a and b;
    /// the others must agree, so a value like min(N, 8) is refused rather than misread.)
    func folded(batchSizes: [Int]) -> FoldedInteger? {
        switch self {
        case .fixed(let value):
            guard let values = value.integerValues else { return nil }
            return FoldedInteger(shape: value.shape, values: values.map(BatchAffine.fixed))
        case .perBatch(let probes):
            guard let shape = probes.first?.shape, probes.allSatisfy({ $0.shape == shape }) else { return nil }
            let columns = probes.compactMap(\.integerValues)
            guard columns.count == probes.count, batchSizes.count >= 3 else { return nil }
            var values: [BatchAffine] = []
            for element in 0..<shape.reduce(1, *) {
                let (n0, n1) = (Int64(batchSizes[0]), Int64(batchSizes[1]))
                let (v0, v1) = (columns[0][element], columns[1][element])
                guard (v1 - v0) % (n1 - n0) == 0 else { return nil }
                let affine = BatchAffine(batchFactor: (v1 - v0) / (n1 - n0), offset: v0 - (v1 - v0) / (n1 - n0) * n0)
                for (probe, size) in batchSizes.enumerated()
                where affine.batchFactor * Int64(size) + affine.offset != columns[probe][element] {
                    return nil
                }
                values.append(affine)
            }
            return FoldedInteger(shape: shape, values: values)
        }
    }
}
