import LAPQData

/// Mixed CPUs (docs/protocol.md, "Mixed CPUs"): workers whose `NumericsFingerprint`s differ
/// compute a shard's partial sums with different bits, so which worker computed a shard would
/// change the loss and Powell's path. Each shard is bound to the class of the worker that
/// first answers it, and from then on only computed by workers of that class. When no live
/// worker of its class is left (and none whose class is still unknown), the run stops naming
/// the classes — or, with `allowMixedNumerics`, the shard moves to another class, and
/// `numericsClasses` records every class that computed it.
extension CoordinatorStateMachine {
    /// Whether `peer` may compute shard `id`: the shard is not bound yet, or the worker's
    /// class is not known yet (its model is loading), or its class is the shard's.
    func mayCompute(_ peer: PeerID, shard id: Int) -> Bool {
        guard let bound = shardClass[id], let fingerprint = workers[peer]?.fingerprint else { return true }
        return fingerprint == bound
    }

    /// Binds shards to classes as a run before a `--resume` did, so the resumed run computes
    /// each where its trajectory so far was computed. Only before the first evaluation.
    mutating func restoreNumericsClasses(_ bindings: NumericsClasses) throws {
        guard phase.isBeforeFirstEvaluation else { throw ClusterError.evaluationFailed("numerics classes are restored before the first evaluation") }
        var classesOfShard: [Int: [UInt64]] = [:]
        for (fingerprint, shards) in bindings.shardsByFingerprint {
            for id in shards {
                guard shardsByID[id] != nil else {
                    throw ClusterError.evaluationFailed("the checkpoint binds shard \(id) to numerics class "
                                                        + "\(NumericsClasses.label(fingerprint)); the calibration set has no such shard")
                }
                classesOfShard[id, default: []].append(fingerprint)
                numericsClasses.insert(shard: id, fingerprint: fingerprint)
            }
        }
        // A shard that several classes computed (--allow-mixed-numerics) is mixed already:
        // it stays free to move; the others stay where they were computed.
        for (id, classes) in classesOfShard where classes.count == 1 { shardClass[id] = classes[0] }
    }

    /// Binds shard `id` to the class of `peer`, whose answer is being accepted.
    mutating func bindClass(shard id: Int, to peer: PeerID) {
        guard let fingerprint = workers[peer]?.fingerprint else { return }
        shardClass[id] = fingerprint
        numericsClasses.insert(shard: id, fingerprint: fingerprint)
    }

    /// Drops owners and waiting placements whose class turned out (their model loaded) not to
    /// be the shard's, and re-places those shards; then, for every open shard whose class has
    /// no live worker left, moves it to another class (`allowMixedNumerics`) or fails the run.
    mutating func enforceNumericsClasses() -> [Action] {
        var moved = false
        for (id, owner) in assignment where !mayCompute(owner, shard: id) {
            assignment[id] = nil
            moved = true
        }
        if var evaluation = open {
            for (id, progress) in evaluation.shards where !progress.isDone {
                for (peer, placement) in progress.placements where placement == .awaitingLoad && !mayCompute(peer, shard: id) {
                    evaluation.shards[id]?.placements[peer] = nil
                    moved = true
                }
            }
            open = evaluation
        }
        let peers = alivePeers
        guard !peers.isEmpty, let evaluation = open else {
            if moved { rebalance(releasingExcess: false) }
            return []
        }
        let stranded = evaluation.shards.filter { id, progress in
            !progress.isDone && !peers.contains { mayCompute($0, shard: id) }
        }.keys.sorted()
        if let first = stranded.first {
            guard configuration.allowMixedNumerics else {
                let reason = strandedMessage(shard: first, bound: shardClass[first] ?? 0)
                return close() + [.runFailed(evaluationID: evaluation.request.id, reason: reason)]
            }
            for id in stranded { shardClass[id] = nil }
            counters.numericsClassMoves += stranded.count
            moved = true
        }
        if moved { rebalance(releasingExcess: false) }
        return []
    }

    private func strandedMessage(shard id: Int, bound: UInt64) -> String {
        let classes = Dictionary(grouping: workers.values.filter { $0.fingerprint != nil }, by: { $0.fingerprint ?? 0 })
        let described = classes.keys.sorted().map { fingerprint -> String in
            let members = (classes[fingerprint] ?? []).sorted { $0.workerID < $1.workerID }
                .map { "\($0.name)\($0.alive ? "" : " (gone)")" }
            return "class \(NumericsClasses.label(fingerprint)): \(members.joined(separator: ", "))"
        }
        return "shard \(id) was computed by numerics class \(NumericsClasses.label(bound)), which has no live worker; "
            + "workers of another class compute it with other bits, which would change the result "
            + "(\(described.joined(separator: "; "))). Start a worker on a CPU of that class, or allow it with --allow-mixed-numerics"
    }
}
