/// What fuzz inputs reached, so a seeded test can tell a pass from a run that never got past
/// the decoder.
public struct ProtocolFuzzReport: Equatable, Sendable {
    public var framesDecoded = 0
    public var framesRefused = 0
    public var evaluationsCompleted = 0
    public var evaluationsFailed = 0
    public var jobsRun = 0
    public var jobsAnswered = 0
    public var itemsStored = 0

    public init() {}

    mutating func count(frameDecoded: Bool) {
        if frameDecoded { framesDecoded += 1 } else { framesRefused += 1 }
    }

    public static func += (total: inout ProtocolFuzzReport, other: ProtocolFuzzReport) {
        total.framesDecoded += other.framesDecoded
        total.framesRefused += other.framesRefused
        total.evaluationsCompleted += other.evaluationsCompleted
        total.evaluationsFailed += other.evaluationsFailed
        total.jobsRun += other.jobsRun
        total.jobsAnswered += other.jobsAnswered
        total.itemsStored += other.itemsStored
    }
}
