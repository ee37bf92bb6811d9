import ArgumentParser
import LAPQCalibration

/// The flags that size the executors on this machine, shared by `calibrate` and `sensitivity`.
struct LocalWorkerOptions: ParsableArguments {
    @Option(help: "Executors run in parallel on this machine.")
    var localWorkers = 1

    @Option(help: "oneDNN threads per local worker (default: cores / workers).")
    var threads: Int?

    func validate() throws {
        guard localWorkers >= 1 else { throw ValidationError("--local-workers \(localWorkers): need at least one") }
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): need at least one") }
    }

    /// Sets the executor count and threads of `local`.
    func apply(to local: inout LocalWorkers) {
        local.count = localWorkers
        local.threadsEach = threads
    }
}
