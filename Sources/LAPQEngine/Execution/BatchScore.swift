import RealModule

/// The sums a loss evaluation reduces: Σ cross-entropy, Σ top-1 hits and the sample count,
/// accumulated in Float64. Adding scores in a fixed order (shard order) gives the same value
/// however the batches were distributed.
public struct BatchScore: Sendable, Equatable, Hashable, Codable {
    public var lossSum: Double
    public var top1: Int
    public var count: Int

    public init(lossSum: Double = 0, top1: Int = 0, count: Int = 0) {
        self.lossSum = lossSum
        self.top1 = top1
        self.count = count
    }

    public static func + (lhs: BatchScore, rhs: BatchScore) -> BatchScore {
        BatchScore(lossSum: lhs.lossSum + rhs.lossSum, top1: lhs.top1 + rhs.top1, count: lhs.count + rhs.count)
    }

    public var meanLoss: Double { count == 0 ? .nan : lossSum / Double(count) }
    public var accuracy: Double { count == 0 ? .nan : Double(top1) / Double(count) }

    /// Scores a batch of logits (N, classes) against labels.
    ///
    /// Cross-entropy per sample is log Σ_j exp(z_j) − z_label (computed stably around max z),
    /// or −log p_label when `logitsAreProbabilities` (a network ending in Softmax). Top-1 takes
    /// the first maximal index, as numpy.argmax. All sums in Double, in sample order.
    public init(logits: Tensor, labels: [Int], logitsAreProbabilities: Bool = false) throws {
        guard logits.rank == 2 else { throw ExecutionError.labels("logits have shape \(logits.shape); expected (batch, classes)") }
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        guard labels.count == batch else {
            throw ExecutionError.labels("\(labels.count) labels for a batch of \(batch)")
        }
        self.init()
        for (sample, label) in labels.enumerated() {
            guard (0..<classes).contains(label) else {
                throw ExecutionError.labels("label \(label) of sample \(sample) is outside 0..<\(classes)")
            }
            let row = logits.data[(sample * classes)..<((sample + 1) * classes)].map(Double.init)
            lossSum += logitsAreProbabilities ? -Double.log(row[label]) : Self.crossEntropy(row, label)
            // max(by:) keeps the first of equal elements, as numpy.argmax does.
            let best = row.indices.max { row[$0] < row[$1] } ?? 0
            if best == label { top1 += 1 }
            count += 1
        }
    }

    private static func crossEntropy(_ logits: [Double], _ label: Int) -> Double {
        let top = logits.max() ?? 0
        let sum = logits.reduce(0.0) { $0 + Double.exp($1 - top) }
        return top + Double.log(sum) - logits[label]
    }
}
