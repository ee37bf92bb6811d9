import LAPQData

/// The bytes behind each LOAD item: the model package, and each shard's stored bytes with the
/// facts a worker needs to decode them (read from the manifest's arrays, hash-verified).
struct LoadItems: Sendable {
    let model: [UInt8]
    let modelDigest: SHA256Digest
    let store: ShardStore

    init(model: [UInt8], store: ShardStore) {
        self.model = model
        self.modelDigest = SHA256Digest(of: model)
        self.store = store
    }

    /// The shards as jobs name them: id and the manifest's SHA-256.
    func jobShards() throws -> [JobShard] {
        try store.manifest.shards.map { shard in
            guard let digest = SHA256Digest(hex: shard.sha256) else {
                throw ClusterError.evaluationFailed("\(store.manifestPath): shard \(shard.id) has a malformed SHA-256")
            }
            return JobShard(id: shard.id, sha256: digest)
        }
    }

    func payload(_ item: LoadItem) throws -> (bytes: [UInt8], sha256: SHA256Digest, facts: ShardFacts?) {
        switch item {
        case .model:
            return (model, modelDigest, nil)
        case let .shard(id):
            // Verified against the manifest's SHA-256, which is the digest of exactly these bytes,
            // so that digest names them without hashing them a second time.
            let bytes = try store.verifiedBytes(shard: id)
            guard let digest = SHA256Digest(hex: store.manifest.shards[id].sha256) else {
                throw ClusterError.evaluationFailed("\(store.manifestPath): shard \(id) has a malformed SHA-256")
            }
            return (bytes.images + bytes.labels, digest, ShardFacts(store: store, shard: id))
        }
    }
}
