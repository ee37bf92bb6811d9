import LAPQData
import LAPQEngine

/// RESULT and STATS-RESULT: first valid answer per shard wins; completion, retries, speculation.
extension CoordinatorStateMachine {
    mutating func handleAnswer(_ message: Message, result: JobResult, from peer: PeerID, at now: Milliseconds) -> [Action] {
        guard let evaluation = open, message.evaluationID == evaluation.request.id else {
            counters.closedEvaluation += 1
            return []
        }
        guard message.stepHash == evaluation.request.stepHash else {
            counters.wrongHash += 1
            return []
        }
        guard evaluation.request.work.isScores != result.isStatistics else {
            counters.unexpected += 1
            return []
        }
        return accept(result.outcome, from: peer, at: now)
    }

    private mutating func accept(_ outcome: ShardOutcomes<ShardAnswer>, from peer: PeerID, at now: Milliseconds) -> [Action] {
        workers[peer]?.lastProgressAt = now
        var actions: [Action] = []
        switch outcome {
        case let .completed(values):
            for (id, answer) in values.sorted(by: { $0.key < $1.key }) { actions += record(answer, shard: id, from: peer, at: now) }
        case let .failed(ids, reason):
            for id in ids {
                guard open?.shards[id]?.isDone == false, open?.shards[id]?.placements[peer] != nil else {
                    counters.unexpected += 1
                    continue
                }
                let name = workers[peer]?.name ?? "?"
                actions += lose(shard: id, on: peer, reason: "worker \(name) reported: \(reason)")
                guard open != nil else { return actions }
                replace(shard: id, avoiding: peer)
            }
        case let .rejected(ids, reason):
            // The input is at fault: any other worker would answer the same, so no retry.
            guard let evaluation = open,
                  let id = ids.first(where: { evaluation.shards[$0]?.isDone == false && evaluation.shards[$0]?.placements[peer] != nil }) else {
                counters.unexpected += 1
                break
            }
            counters.failedShardAttempts += 1
            let failure = EvaluationFailure(evaluationID: evaluation.request.id, shardID: id, attempts: 1,
                                            reasons: ["worker \(workers[peer]?.name ?? "?") reported: \(reason)"], inputRejected: true)
            return actions + close() + [.evaluationFailed(failure)]
        }
        guard open != nil else { return actions }
        if let complete = completeIfDone() { return actions + complete }
        // Accepted values change no placement: only new copies or re-placed failures need a
        // dispatch, which walks every shard — per answer, that was the coordinator's main cost
        // at 64 workers (docs/scaling.md).
        speculate(at: now)
        guard self.open?.placementsChanged == true else { return actions }
        return actions + dispatch(at: now)
    }

    /// Stores one shard's answer unless it was answered already or does not fit the request
    /// (`ShardAnswer.misfit`); an answer that does not fit counts as a failed attempt of that worker.
    private mutating func record(_ answer: ShardAnswer, shard id: Int, from peer: PeerID, at now: Milliseconds) -> [Action] {
        guard let progress = open?.shards[id], let request = open?.request else {
            counters.unexpected += 1
            return []
        }
        guard !progress.isDone else {
            counters.duplicate += 1
            return []
        }
        if let misfit = answer.misfit(for: request.work, pointCount: configuration.pointCount) {
            counters.unexpected += 1
            guard progress.placements[peer] != nil else { return [] }
            let actions = lose(shard: id, on: peer, reason: misfit)
            if open != nil { replace(shard: id, avoiding: peer) }
            return actions
        }
        guard mayCompute(peer, shard: id) else {
            counters.unexpected += 1   // a copy computed in another numerics class: not used
            open?.shards[id]?.placements[peer] = nil
            return []
        }
        bindClass(shard: id, to: peer)
        open?.shards[id]?.answer = answer
        open?.peers[peer, default: PeerWork()].answered += 1
        open?.peers[peer, default: PeerWork()].lastAnswerAt = now
        open?.shards[id]?.placements[peer] = nil   // other copies stay listed, so `close` can cancel them
        return []
    }

    /// When every shard has its answer: CANCEL leftover copies and hand out the answers.
    private mutating func completeIfDone() -> [Action]? {
        guard let evaluation = open, evaluation.shards.values.allSatisfy(\.isDone) else { return nil }
        let answers = evaluation.shards.compactMapValues(\.answer)
        recordThroughput(of: evaluation)
        return close() + [.evaluationComplete(EvaluationResult(evaluationID: evaluation.request.id, answers: answers))]
    }

    /// Once `speculationFraction` of the shards are answered, also sends each open shard (once)
    /// to an idle live worker; whichever answers first wins, the other copy is a duplicate. A
    /// shard whose worker has a measured throughput is copied only once that worker is late —
    /// busy more than twice the time its rate predicts for its shards of this evaluation (plus
    /// 10 ms) —, so a healthy cluster computes nothing twice; the tick re-checks the deadline.
    /// Returns whether it placed a copy.
    @discardableResult
    mutating func speculate(at now: Milliseconds) -> Bool {
        guard let evaluation = open else { return false }
        let total = Double(evaluation.shards.count)
        guard Double(evaluation.doneCount) >= configuration.speculationFraction * total else { return false }
        let idle = alivePeers.filter { peer in
            workers[peer]?.hasModel == true && !evaluation.shards.values.contains { !$0.isDone && $0.placements[peer] != nil }
        }
        guard !idle.isEmpty else { return false }
        var copied = false
        let open = evaluation.shards.filter { !$0.value.isDone && !$0.value.speculated && isLate($0.value, in: evaluation, at: now) }
            .keys.sorted()
        for (index, id) in open.enumerated() {
            let peer = idle[index % idle.count]
            guard mayCompute(peer, shard: id) else { continue }
            guard self.open?.shards[id]?.placements[peer] == nil else { continue }
            self.open?.shards[id]?.placements[peer] = .awaitingLoad
            self.open?.shards[id]?.speculated = true
            counters.speculativeSends += 1
            self.open?.placementsChanged = true
            copied = true
        }
        return copied
    }

    /// Whether the workers computing `progress`'s shard are overdue by their measured rate (or
    /// not measured, or not computing it yet: then it may be copied as soon as the fraction is met).
    private func isLate(_ progress: ShardProgress, in evaluation: OpenEvaluation, at now: Milliseconds) -> Bool {
        let computing = progress.placements.filter { $0.value == .running }.keys
        guard !computing.isEmpty else { return true }
        return computing.allSatisfy { peer in
            guard let rate = workers[peer]?.throughput.shardsPerSecond, let since = evaluation.peers[peer]?.busySince else { return true }
            let shards = Double((evaluation.peers[peer]?.answered ?? 0) + runningCount(peer))
            return Double(now) >= Double(since) + 2 * shards / rate * 1000 + 10
        }
    }
}
