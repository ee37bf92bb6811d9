import LAPQData

/// The bytes behind each LOAD item: the model package, and each shard's stored bytes with the
/// facts a worker needs to decode them (read from the manifest's arrays, hash-verified).
///
/// A run may evaluate more than one data set (the calibration set, then a validation set):
/// their shards share one id space, the sets' shards numbered on from the previous set's
/// (set 0's ids are its manifest's), so a JOB names a shard without saying which set it
/// belongs to and the wire protocol does not change. Shard order within a set is kept, so a
/// set's loss reduced in id order is its local loss.
struct LoadItems: Sendable {
    let model: [UInt8]
    let modelDigest: SHA256Digest
    /// The data sets, in the order `shardSets` numbers them.
    let stores: [ShardStore]
    /// The first run-wide shard id of each store.
    private let firstIDs: [Int]

    init(model: [UInt8], stores: [ShardStore]) {
        precondition(!stores.isEmpty, "at least the calibration set")
        self.model = model
        self.modelDigest = SHA256Digest(of: model)
        self.stores = stores
        self.firstIDs = stores.indices.map { index in stores[..<index].reduce(0) { $0 + $1.manifest.shards.count } }
    }

    /// The run-wide shard ids of each data set, in reduction order.
    var shardSets: [[Int]] {
        zip(stores, firstIDs).map { store, first in store.manifest.shards.map { first + $0.id } }
    }

    /// Every set's shards as jobs name them: run-wide id and the manifest's SHA-256.
    func jobShards() throws -> [JobShard] {
        try zip(stores, firstIDs).flatMap { store, first in
            try store.manifest.shards.map { JobShard(id: first + $0.id, sha256: try Self.digest(of: $0.id, in: store)) }
        }
    }

    func payload(_ item: LoadItem) throws -> (bytes: [UInt8], sha256: SHA256Digest, facts: ShardFacts?) {
        switch item {
        case .model:
            return (model, modelDigest, nil)
        case let .shard(id):
            guard let index = firstIDs.lastIndex(where: { $0 <= id }), id - firstIDs[index] < stores[index].manifest.shards.count else {
                throw ClusterError.evaluationFailed("no data set of this run has shard \(id)")
            }
            let store = stores[index], local = id - firstIDs[index]
            // Verified against the manifest's SHA-256, which is the digest of exactly these bytes,
            // so that digest names them without hashing them a second time.
            let bytes = try store.verifiedBytes(shard: local)
            return (bytes.images + bytes.labels, try Self.digest(of: local, in: store), ShardFacts(store: store, shard: local))
        }
    }

    private static func digest(of shard: Int, in store: ShardStore) throws -> SHA256Digest {
        guard let digest = SHA256Digest(hex: store.manifest.shards[shard].sha256) else {
            throw ClusterError.evaluationFailed("\(store.manifestPath): shard \(shard) has a malformed SHA-256")
        }
        return digest
    }
}
