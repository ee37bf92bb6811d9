/// The protocol fuzz target: one input (`ProtocolFuzzInput`) played against the state machine
/// its setup byte picks. libFuzzer's entry point (`lapq-fuzz-protocol`) and the seeded test
/// (`ProtocolFuzzTests`) both call `run`; a trap inside it, or a thrown violation, is a bug.
public enum ProtocolFuzzTarget {
    @discardableResult
    public static func run(_ bytes: [UInt8]) throws(ProtocolFuzzViolation) -> ProtocolFuzzReport {
        let input = ProtocolFuzzInput(parsing: bytes)
        switch ProtocolFuzzSetup(byte: input.setup) {
        case let .coordinator(work, holds, waits):
            var driver = try CoordinatorFuzzDriver(work: work, firstWorkerHoldsItems: holds, waitsForSecondWorker: waits)
            for record in input.records { try driver.play(record) }
            return driver.report
        case let .worker(holds, registered):
            var driver = try WorkerFuzzDriver(holdsItems: holds, registered: registered)
            for record in input.records { try driver.play(record) }
            return driver.report
        }
    }
}
