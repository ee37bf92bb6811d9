/// Placement by measured throughput: each worker's shards per second, from the evaluations it
/// took part in, sets its share of the shards at the next evaluation's start (docs/scaling.md).
extension CoordinatorStateMachine {
    /// Per peer, the weight of its share: its measured shards per second, or — not measured
    /// yet — its threads times the mean measured rate per thread (its threads alone when
    /// nobody is measured).
    func placementWeights(_ peers: [PeerID]) -> [Double] {
        let threads = peers.map { Double(workers[$0]?.threads ?? 1) }
        let rates = peers.map { workers[$0]?.throughput.shardsPerSecond }
        let perThread = zip(rates, threads).compactMap { rate, threads in rate.map { $0 / threads } }
        guard !perThread.isEmpty else { return threads }
        let meanPerThread = perThread.reduce(0, +) / Double(perThread.count)
        return zip(rates, threads).map { rate, threads in rate ?? meanPerThread * threads }
    }

    /// At an evaluation's end: every worker that answered shards of it adds what it did — its
    /// accepted answers over the time from its first JOB to its last answer — to its throughput.
    mutating func recordThroughput(of evaluation: OpenEvaluation) {
        for (peer, work) in evaluation.peers where work.answered > 0 {
            guard let since = work.busySince, let last = work.lastAnswerAt, last >= since else { continue }
            workers[peer]?.throughput.add(shards: work.answered, milliseconds: last - since)
        }
    }
}

/// A worker's measured speed: shards answered and milliseconds busy, both decayed so that
/// recent evaluations count most (a worker slowed by a neighbour's load is noticed).
public struct Throughput: Equatable, Sendable {
    /// Weight of the past at each new sample.
    static let decay = 0.7
    var shards = 0.0
    var milliseconds = 0.0

    /// Shards per second, nil before the first sample.
    public var shardsPerSecond: Double? {
        shards > 0 ? shards / milliseconds * 1000 : nil
    }

    mutating func add(shards count: Int, milliseconds elapsed: Milliseconds) {
        shards = shards * Self.decay + Double(count)
        // The clock counts whole milliseconds: half a tick is the expected truncation.
        milliseconds = milliseconds * Self.decay + Double(elapsed) + 0.5
    }
}
