import LAPQData

/// The STATS and STATS-RESULT payloads: statistics work (`EvaluationWork.maxima` or
/// `.histograms`) and the shards' answers to it.
extension Job {
    /// The kind byte (0 maxima, 1 histograms), then for histograms the bin count and the maxima.
    func encodeStatistics(into writer: inout WireWriter) {
        switch work {
        case .maxima:
            writer.u8(0)
        case let .histograms(binCount, maxima):
            writer.u8(1)
            writer.count(binCount)
            writer.array(maxima) { $0.f64($1) }
        case .scores:
            preconditionFailure("score work travels as JOB")
        }
    }

    static func decodeStatistics(from reader: inout WireReader) throws(ProtocolError) -> EvaluationWork {
        switch try reader.u8("stats kind") {
        case 0:
            return .maxima
        case 1:
            let binCount = Int(try reader.u32("bin count"))
            guard binCount > 0, binCount <= ProtocolConstants.maxHistogramBins else {
                throw .inconsistent(message: "STATS", reason: "bin count \(binCount)")
            }
            let maxima = try reader.array("maxima", minimumElementSize: 8) { (reader) throws(ProtocolError) in try reader.f64("maximum") }
            // What the worker would allocate per shard: bounded before it sees the request.
            guard binCount * maxima.count <= ProtocolConstants.maxHistogramBins else {
                throw .inconsistent(message: "STATS", reason: "\(binCount) bins for each of \(maxima.count) points exceed "
                                    + "\(ProtocolConstants.maxHistogramBins) bins in all")
            }
            guard maxima.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw .inconsistent(message: "STATS", reason: "a maximum is negative or not finite") }
            return .histograms(binCount: binCount, maxima: maxima)
        case let other:
            throw .inconsistent(message: "STATS", reason: "stats kind \(other)")
        }
    }
}

extension JobResult {
    /// Per shard: a kind byte, then the maxima, or per point a bin count (0: no histogram) and the counts.
    func encodeStatistics(into writer: inout WireWriter) {
        writer.outcomes(outcome) { writer, answer in
            switch answer {
            case let .maxima(values):
                writer.u8(0)
                writer.array(values) { $0.f64($1) }
            case let .histograms(points):
                writer.u8(1)
                writer.array(points) { writer, counts in
                    precondition(counts.map { !$0.isEmpty } ?? true, "a histogram has at least one bin")
                    writer.array(counts ?? []) { $0.i64(Int64($1)) }
                }
            case .scores:
                preconditionFailure("scores travel as RESULT")
            }
        }
    }

    static func decodeStatistics(from reader: inout WireReader) throws(ProtocolError) -> ShardOutcomes<ShardAnswer> {
        try reader.outcomes("STATS-RESULT", minimumValueSize: 5) { (reader) throws(ProtocolError) -> ShardAnswer in
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
        }
    }
}
