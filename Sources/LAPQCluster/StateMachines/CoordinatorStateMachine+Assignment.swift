/// Shard ownership and job dispatch.
extension CoordinatorStateMachine {
    /// The data set being balanced: the open or waiting evaluation's, else the calibration set.
    var balancedShardSet: [Int] {
        configuration.shardSets[open?.request.shardSet ?? pending?.shardSet ?? 0]
    }

    /// Each live worker's share of `shardCount` shards, in proportion to its `placementWeights`
    /// (largest remainder, ties to the older worker), so the shares add up to the count exactly.
    func targets(for peers: [PeerID], shardCount: Int) -> [PeerID: Int] {
        let weights = placementWeights(peers)
        let total = weights.reduce(0, +)
        let exact = weights.map { Double(shardCount) * $0 / total }
        var shares = exact.map { Int($0.rounded(.down)) }
        let remainders = exact.map { $0 - $0.rounded(.down) }
        let byRemainder = peers.indices.sorted { remainders[$0] > remainders[$1] || (remainders[$0] == remainders[$1] && $0 < $1) }
        for index in byRemainder.prefix(shardCount - shares.reduce(0, +)) { shares[index] += 1 }
        return Dictionary(uniqueKeysWithValues: zip(peers, shares))
    }

    /// Gives every shard of the balanced data set (`balancedShardSet`) without a live owner to a
    /// live worker below its share of that set, preferring one that already holds the shard's
    /// bytes. With `releasingExcess` (at an evaluation's start, so late joiners get work and
    /// measured throughput takes effect) workers more than 10% above their share first give up
    /// their highest shards. Assignments are otherwise sticky, so caches stay useful. Each set is
    /// balanced on its own, so a worker's share of the validation set does not depend on how
    /// many calibration shards it owns.
    mutating func rebalance(releasingExcess: Bool) {
        let peers = alivePeers
        guard !peers.isEmpty else { return }
        let set = balancedShardSet
        let targets = targets(for: peers, shardCount: set.count)
        var owned = Dictionary(grouping: set.sorted().filter { assignment[$0] != nil }, by: { assignment[$0] ?? [] })
        if releasingExcess {
            for peer in peers {
                let shards = owned[peer] ?? [], target = targets[peer] ?? 0
                // A share measured a little high is not worth moving shards (and caches) for.
                guard shards.count > target + target / 10 else { continue }
                for id in shards.suffix(shards.count - target) { assignment[id] = nil }
                owned[peer] = Array(shards.prefix(target))
            }
        }
        let orphans = set.filter { id in assignment[id].map { workers[$0]?.alive != true } ?? true }
        for id in orphans {
            let eligible = peers.indices.filter { mayCompute(peers[$0], shard: id) }
            let digest = shardsByID[id]?.sha256
            func rank(_ index: Int) -> (Int, Int, Int) {
                let peer = peers[index], deficit = (targets[peer] ?? 0) - (owned[peer]?.count ?? 0)
                let holds = digest.map { workers[peer]?.heldShards.contains($0) == true } ?? false
                return (deficit > 0 && holds ? 1 : 0, deficit, -index)
            }
            guard let chosen = eligible.max(by: { rank($0) < rank($1) }).map({ peers[$0] }) else { continue }
            assignment[id] = chosen
            owned[chosen, default: []].append(id)
        }
    }

    /// Places every unanswered, unplaced shard on its owner, starts loads a placement waits
    /// for, and sends one JOB (or STATS) per worker with the shards it can compute now (more
    /// than one when the answer would not fit a frame: `ProtocolConstants.shardsPerJob`).
    mutating func dispatch(at now: Milliseconds) -> [Action] {
        let failed = enforceNumericsClasses()
        guard failed.isEmpty else { return failed }
        guard var evaluation = open else { return [] }
        evaluation.placementsChanged = false
        var ready: [PeerID: [Int]] = [:]
        var actions: [Action] = []
        for id in evaluation.shards.keys.sorted() {
            guard var progress = evaluation.shards[id], !progress.isDone else { continue }
            if progress.placements.isEmpty, let owner = assignment[id] { progress.placements[owner] = .awaitingLoad }
            for (peer, placement) in progress.placements where placement == .awaitingLoad {
                if holdsEverything(peer, shard: id) {
                    progress.placements[peer] = .running
                    ready[peer, default: []].append(id)
                } else {
                    actions += startLoads(peer, shard: id)
                }
            }
            evaluation.shards[id] = progress
        }
        open = evaluation
        // Usually one JOB per worker; a STATS for histograms is cut so that each answer fits a frame.
        let perJob = ProtocolConstants.shardsPerJob(for: evaluation.request.work, pointCount: configuration.pointCount)
        for peer in alivePeers {
            guard let ids = ready[peer] else { continue }
            for start in stride(from: 0, to: ids.count, by: perJob) {
                actions.append(.send(jobMessage(evaluation, shards: Array(ids[start..<min(start + perJob, ids.count)])), to: peer))
            }
            if open?.peers[peer]?.busySince == nil { open?.peers[peer, default: PeerWork()].busySince = now }
        }
        for peer in ready.keys where ready[peer]?.count == runningCount(peer) {
            workers[peer]?.lastProgressAt = now   // the stall clock starts when an idle worker gets work
        }
        return actions
    }

    func holdsEverything(_ peer: PeerID, shard id: Int) -> Bool {
        guard let record = workers[peer], record.alive, let shard = shardsByID[id] else { return false }
        return record.hasModel && record.heldShards.contains(shard.sha256) && mayCompute(peer, shard: id)
    }

    /// LOADs of the model and the shard, unless held or already on their way.
    mutating func startLoads(_ peer: PeerID, shard id: Int) -> [Action] {
        guard let record = workers[peer], record.alive, let shard = shardsByID[id] else { return [] }
        var actions: [Action] = []
        if !record.hasModel { actions += requestLoad(.model, for: peer) }
        if !record.heldShards.contains(shard.sha256) { actions += requestLoad(.shard(id), for: peer) }
        return actions
    }

    /// A LOAD of `item` now if the worker's window has room, else queued behind the others;
    /// nothing if it is already sent or queued.
    mutating func requestLoad(_ item: LoadItem, for peer: PeerID) -> [Action] {
        guard var record = workers[peer], record.alive, !record.loading.contains(item),
              !record.queuedLoads.contains(item) else { return [] }
        record.queuedLoads.append(item)
        workers[peer] = record
        return releaseQueuedLoads(peer)
    }

    /// Sends queued LOADs while the worker's window has room, oldest first. (A shard whose
    /// placement moved elsewhere meanwhile is still sent: the worker keeps it for later.)
    mutating func releaseQueuedLoads(_ peer: PeerID) -> [Action] {
        guard var record = workers[peer], record.alive else { return [] }
        var actions: [Action] = []
        while record.loading.count < configuration.loadWindow, !record.queuedLoads.isEmpty {
            let item = record.queuedLoads.removeFirst()
            record.loading.insert(item)
            actions.append(.load(item, to: peer))
        }
        workers[peer] = record
        return actions
    }

    func runningCount(_ peer: PeerID) -> Int {
        open?.shards.values.filter { !$0.isDone && $0.placements[peer] == .running }.count ?? 0
    }

    func jobMessage(_ evaluation: OpenEvaluation, shards ids: [Int]) -> Message {
        let shards = ids.compactMap { shardsByID[$0] }
        let attempt = UInt16(clamping: ids.compactMap { evaluation.shards[$0]?.attempt }.max() ?? 1)
        let request = evaluation.request
        return Message(runID: configuration.runID, evaluationID: request.id, attempt: attempt, stepHash: request.stepHash,
                       body: .job(Job(shards: shards, work: request.work)))
    }
}
