/// Which numerics class computed which shards of a run: a class is the `NumericsFingerprint`
/// of the workers' CPUs (docs/protocol.md, "Mixed CPUs"), and a shard that two classes computed
/// moved under `--allow-mixed-numerics`. One type for the coordinator's bookkeeping, the oracle
/// protocol, the checkpoint and steps.json.
///
/// In JSON it is an object from the class label (16 lower-case hex digits) to the sorted shard
/// ids, e.g. `{"00000000000000ab": [0, 1, 2]}`; a label that is not a fingerprint is a
/// decoding error naming it.
public struct NumericsClasses: Equatable, Sendable, Codable, ExpressibleByDictionaryLiteral {
    /// Fingerprint → the shards that class computed.
    public private(set) var shardsByFingerprint: [UInt64: Set<Int>]

    public init(_ shardsByFingerprint: [UInt64: Set<Int>] = [:]) {
        self.shardsByFingerprint = shardsByFingerprint
    }

    /// `[0xA: [0, 1]]`: class 0xA computed shards 0 and 1.
    public init(dictionaryLiteral elements: (UInt64, Set<Int>)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { $0.union($1) }))
    }

    /// Records that the class `fingerprint` computed shard `id`.
    public mutating func insert(shard id: Int, fingerprint: UInt64) {
        shardsByFingerprint[fingerprint, default: []].insert(id)
    }

    /// The class's label: its fingerprint as 16 lower-case hex digits, as logs and files name it.
    public static func label(_ fingerprint: UInt64) -> String {
        let hex = String(fingerprint, radix: 16)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }

    public init(from decoder: any Decoder) throws {
        let labelled = try decoder.singleValueContainer().decode([String: [Int]].self)
        var classes: [UInt64: Set<Int>] = [:]
        for (label, shards) in labelled {
            guard let fingerprint = UInt64(label, radix: 16) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "numerics class '\(label)' is not a fingerprint"))
            }
            classes[fingerprint, default: []].formUnion(shards)
        }
        self.init(classes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Dictionary(uniqueKeysWithValues: shardsByFingerprint.map { (Self.label($0.key), $0.value.sorted()) }))
    }
}
