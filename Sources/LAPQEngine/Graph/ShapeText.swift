/// A shape as messages and `lapq-coord inspect` print it: "1×3×8×8", or "scalar" for rank 0.
public func formatShape(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
}
