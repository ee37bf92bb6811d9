import LAPQKernels

/// The values live at one position of one batch's forward pass, and the step sizes they were
/// computed with: a later evaluation of the same batch may resume there when no quantization
/// point before that position has changed. See docs/engine.md, "Prefix reuse".
struct PrefixSnapshot {
    /// The step at which the run resumes.
    let position: Int
    /// Each point's step sizes (as Float, what the quantizers use; several for a per-channel
    /// weight) in force when the values were computed.
    let stepSizes: [[Float]]
    /// Tensor id → value, for every tensor live at `position`.
    let values: [Int: DNNLTensor]
    let byteCount: Int
}

/// Snapshots per batch key, within a memory budget.
///
/// Every evaluation runs the same batches in the same order, so when their snapshots do not
/// all fit, evicting the oldest would evict each batch's snapshot just before it comes round
/// again, and no batch would ever resume (`PrefixSnapshotStoreTests`; docs/benchmarks.md,
/// "Prefix reuse on large calibration sets"). Instead a snapshot may only displace snapshots of batches that were run
/// less recently than the new one's own batch ran before: under that cyclic order the batches
/// that hold snapshots keep them, and the others do without; a batch no longer run (its shard
/// moved to another worker) falls behind every batch that is, and makes room for them.
struct PrefixSnapshotStore {
    let budgetBytes: Int
    private var snapshots: [AnyHashable: PrefixSnapshot] = [:]
    /// When each batch key last began a run (`beginRun`), stored snapshot or not.
    private var lastRun: [AnyHashable: Int] = [:]
    private var clock = 0
    private(set) var storedBytes = 0

    init(budgetBytes: Int) { self.budgetBytes = budgetBytes }

    func snapshot(for key: AnyHashable) -> PrefixSnapshot? { snapshots[key] }

    /// Notes that `key`'s batch begins a run; returns when it last did (nil: never), which
    /// `store` needs to know what the new snapshot may displace.
    mutating func beginRun(_ key: AnyHashable) -> Int? {
        clock += 1
        defer { lastRun[key] = clock }
        return lastRun[key]
    }

    /// Keeps `snapshot` for `key` in place of its earlier one, displacing the least recently run
    /// batches' snapshots that were run before `previousRun` (the key's own run before this one)
    /// as far as the budget needs; if that does not make room, `key` keeps no snapshot.
    mutating func store(_ snapshot: PrefixSnapshot, for key: AnyHashable, previousRun: Int?) {
        remove(key)
        guard snapshot.byteCount <= budgetBytes else { return }
        let displaceable = snapshots.keys.filter { other in
            guard let previousRun, let otherRun = lastRun[other] else { return false }
            return otherRun < previousRun
        }.sorted { lastRun[$0]! < lastRun[$1]! }
        var excess = storedBytes + snapshot.byteCount - budgetBytes
        var freed: [AnyHashable] = []
        for other in displaceable where excess > 0 {
            freed.append(other)
            excess -= snapshots[other]!.byteCount
        }
        guard excess <= 0 else { return }
        for other in freed { remove(other) }
        snapshots[key] = snapshot
        storedBytes += snapshot.byteCount
    }

    mutating func remove(_ key: AnyHashable) {
        guard let existing = snapshots.removeValue(forKey: key) else { return }
        storedBytes -= existing.byteCount
    }

    mutating func removeAll() {
        snapshots.removeAll()
        lastRun.removeAll()
        storedBytes = 0
    }
}
