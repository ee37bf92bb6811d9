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

/// Snapshots per batch key, within a memory budget; the least recently stored go first.
struct PrefixSnapshotStore {
    let budgetBytes: Int
    private var snapshots: [AnyHashable: PrefixSnapshot] = [:]
    private var order: [AnyHashable] = []
    private(set) var storedBytes = 0

    init(budgetBytes: Int) { self.budgetBytes = budgetBytes }

    func snapshot(for key: AnyHashable) -> PrefixSnapshot? { snapshots[key] }

    mutating func store(_ snapshot: PrefixSnapshot, for key: AnyHashable) {
        remove(key)
        guard snapshot.byteCount <= budgetBytes else { return }
        while storedBytes + snapshot.byteCount > budgetBytes, let oldest = order.first { remove(oldest) }
        snapshots[key] = snapshot
        order.append(key)
        storedBytes += snapshot.byteCount
    }

    mutating func remove(_ key: AnyHashable) {
        guard let existing = snapshots.removeValue(forKey: key) else { return }
        storedBytes -= existing.byteCount
        order.removeAll { $0 == key }
    }

    mutating func removeAll() {
        snapshots.removeAll()
        order.removeAll()
        storedBytes = 0
    }
}
