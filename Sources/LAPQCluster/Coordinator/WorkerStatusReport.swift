/// The coordinator's periodic view of its workers: per live worker its shards, how fast its
/// progress counter (one step per shard evaluated) moves, and how long ago it was last heard.
struct WorkerStatusReport {
    /// How often a status line is logged.
    static let intervalMilliseconds: Milliseconds = 10_000

    private var lastReport: Milliseconds?
    private var lastProgress: [PeerID: UInt64] = [:]

    /// The status line, when one is due at `now`.
    mutating func line(workers: [PeerID: WorkerRecord], assignment: [Int: PeerID], at now: Milliseconds) -> String? {
        guard let previous = lastReport else {
            lastReport = now
            return nil
        }
        guard now >= previous + Self.intervalMilliseconds else { return nil }
        lastReport = now
        let seconds = Double(now - previous) / 1000
        let live = workers.values.filter(\.alive).sorted { $0.workerID < $1.workerID }
        let parts = live.map { worker -> String in
            let shards = assignment.values.filter { $0 == worker.peer }.count
            let rate = Double(worker.progress - min(worker.progress, lastProgress[worker.peer] ?? 0)) / seconds
            lastProgress[worker.peer] = worker.progress
            let heard = Double(now - min(now, worker.lastHeard)) / 1000
            return "\(worker.name): \(shards) shards, \((rate * 10).rounded() / 10) shard-evals/s, heard \((heard * 10).rounded() / 10)s ago"
        }
        return "workers (\(live.count) live): " + (parts.isEmpty ? "none" : parts.joined(separator: "; "))
    }
}
