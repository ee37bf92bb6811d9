/// What a statistics job computes, on the float network, for every activation point.
public enum StatsKind: Equatable, Sendable {
    /// max |x| per quantization point (weight points answer 0).
    case maxima
    /// Per activation point, `binCount` bins over the range `Histogram(maxMagnitude:isSigned:binCount:)`
    /// gives for `maxima[point]` (the merged result of a maxima job); weight points answer nil.
    case histograms(binCount: Int, maxima: [Double])
}

/// STATS (coordinator → worker): a statistics job over the listed shards.
public struct StatsRequest: Equatable, Sendable {
    public var shards: [JobShard]
    public var kind: StatsKind

    public init(shards: [JobShard], kind: StatsKind) {
        self.shards = shards
        self.kind = kind
    }
}

/// One shard's answer to a statistics job.
public enum ShardStatistics: Equatable, Sendable {
    case maxima([Double])
    /// Per quantization point, the bin counts, or nil for a point without a histogram.
    case histograms([[Int]?])
}

/// STATS-RESULT (worker → coordinator).
public struct StatsResult: Equatable, Sendable {
    public var outcome: ShardOutcomes<ShardStatistics>

    public init(outcome: ShardOutcomes<ShardStatistics>) { self.outcome = outcome }
}

extension StatsRequest {
    func encode(into writer: inout WireWriter) {
        writer.jobShards(shards)
        switch kind {
        case .maxima:
            writer.u8(0)
        case let .histograms(binCount, maxima):
            writer.u8(1)
            writer.count(binCount)
            writer.array(maxima) { $0.f64($1) }
        }
    }

    static func decode(from reader: inout WireReader) throws(ProtocolError) -> StatsRequest {
        let shards = try reader.jobShards("STATS")
        switch try reader.u8("stats kind") {
        case 0:
            return StatsRequest(shards: shards, kind: .maxima)
        case 1:
            let binCount = Int(try reader.u32("bin count"))
            guard binCount > 0, binCount <= 1 << 24 else { throw .inconsistent(message: "STATS", reason: "bin count \(binCount)") }
            let maxima = try reader.array("maxima", minimumElementSize: 8) { (reader) throws(ProtocolError) in try reader.f64("maximum") }
            guard maxima.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw .inconsistent(message: "STATS", reason: "a maximum is negative or not finite") }
            return StatsRequest(shards: shards, kind: .histograms(binCount: binCount, maxima: maxima))
        case let other:
            throw .inconsistent(message: "STATS", reason: "stats kind \(other)")
        }
    }
}

extension StatsResult {
    /// Per shard: a kind byte, then the maxima, or per point a bin count (0: no histogram) and the counts.
    func encode(into writer: inout WireWriter) {
        writer.outcomes(outcome) { writer, statistics in
            switch statistics {
            case let .maxima(values):
                writer.u8(0)
                writer.array(values) { $0.f64($1) }
            case let .histograms(points):
                writer.u8(1)
                writer.array(points) { writer, counts in
                    precondition(counts.map { !$0.isEmpty } ?? true, "a histogram has at least one bin")
                    writer.array(counts ?? []) { $0.i64(Int64($1)) }
                }
            }
        }
    }

    static func decode(from reader: inout WireReader) throws(ProtocolError) -> StatsResult {
        StatsResult(outcome: try reader.outcomes("STATS-RESULT", minimumValueSize: 5) { (reader) throws(ProtocolError) in
            switch try reader.u8("statistics kind") {
            case 0:
                return .maxima(try reader.array("maxima", minimumElementSize: 8) { (reader) throws(ProtocolError) in try reader.f64("maximum") })
            case 1:
                return .histograms(try reader.array("points", minimumElementSize: 4) { (reader) throws(ProtocolError) in
                    let counts = try reader.array("bins", minimumElementSize: 8) { (reader) throws(ProtocolError) -> Int in
                        let count = try reader.i64("bin count")
                        guard count >= 0 else { throw .inconsistent(message: "STATS-RESULT", reason: "bin count \(count)") }
                        return Int(count)
                    }
                    return counts.isEmpty ? nil : counts
                })
            case let other:
                throw .inconsistent(message: "STATS-RESULT", reason: "statistics kind \(other)")
            }
        })
    }
}
