import LAPQKernels

/// Element-type-independent rearrangements of a `StoredTensor`, so that the import-time
/// interpreter computes an index map once and applies it to float and integer data alike.
extension StoredTensor {
    var count: Int { shape.reduce(1, *) }

    /// The tensor of `shape` whose element `i` is this tensor's flat element `sources[i]`.
    func picking(_ sources: [Int], shape: [Int]) -> StoredTensor {
        precondition(sources.count == shape.reduce(1, *), "\(sources.count) sources for shape \(shape)")
        switch self {
        case .float(let tensor): return .float(Tensor(shape: shape, data: sources.map { tensor.data[$0] }))
        case .integer(_, let values): return .integer(shape: shape, values: sources.map { values[$0] })
        }
    }

    /// The same elements under another shape of the same count.
    func reshaped(_ shape: [Int]) -> StoredTensor {
        precondition(shape.reduce(1, *) == count, "reshape of \(self.shape) to \(shape)")
        switch self {
        case .float(let tensor): return .float(Tensor(shape: shape, data: tensor.data))
        case .integer(_, let values): return .integer(shape: shape, values: values)
        }
    }

    /// The integer values, or nil for float data.
    var integerValues: [Int64]? {
        if case .integer(_, let values) = self { return values }
        return nil
    }

    /// Every element as a Double (integers exactly up to 2^53), for comparisons and casts.
    var doubleValues: [Double] {
        switch self {
        case .float(let tensor): return tensor.data.map { Double($0) }
        case .integer(_, let values): return values.map { Double($0) }
        }
    }

    /// The elements joined along `axis` with those of `others` (shapes checked by the caller).
    static func concatenated(_ parts: [StoredTensor], axis: Int) -> StoredTensor {
        let first = parts[0]
        var shape = first.shape
        shape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        let outer = first.shape[..<axis].reduce(1, *)
        var pieces: [(part: Int, range: Range<Int>)] = []
        for block in 0..<outer {
            for (index, part) in parts.enumerated() {
                let run = part.shape[axis...].reduce(1, *)
                pieces.append((index, (block * run)..<((block + 1) * run)))
            }
        }
        if parts.allSatisfy({ $0.integerValues != nil }) {
            let values = pieces.flatMap { parts[$0.part].integerValues?[$0.range] ?? [] }
            return .integer(shape: shape, values: values)
        }
        let floats = parts.map { $0.doubleValues }
        return .float(Tensor(shape: shape, data: pieces.flatMap { floats[$0.part][$0.range].map { Float($0) } }))
    }
}
