/// A dense float32 tensor in row-major (C) order; activations are NCHW.
///
/// Value semantics: `data` is a Swift array, so copies are copy-on-write. Kernels read and
/// write the storage through `withUnsafe…` closures and never retain pointers past them.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor that takes `data` as its storage; `data.count` must equal the product of `shape`.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) elements, got \(data.count)")
        self.shape = shape
        self.data = data
    }

    /// Gives the tensor `shape` for a kernel that then writes every element: the storage is
    /// kept when the element count matches (its old values stay until overwritten), else a
    /// zeroed one is allocated. Lets a kernel run every pass into the same array instead of
    /// allocating (and page-faulting) a new one.
    public mutating func prepareForOverwrite(shape: [Int]) {
        if data.count == shape.reduce(1, *) { self.shape = shape } else { self = Tensor(shape: shape) }
    }

    /// Number of elements.
    public var count: Int { data.count }

    /// Number of dimensions.
    public var rank: Int { shape.count }
}
