/// A fuzz input's first byte: the state machine under test and the state it starts in
/// (`ProtocolFuzzScenario` builds it). Bit 0: 0 coordinator, 1 worker. Coordinator: bits 1–2
/// the work of its evaluations, bit 3 whether its first worker holds the model and every
/// shard, bit 4 whether the first evaluation waits for a second worker. Worker: bit 1 whether
/// it holds the model and every shard, bit 2 whether it is registered (WELCOME received).
/// Other bits are ignored.
public enum ProtocolFuzzSetup: Equatable, Sendable {
    case coordinator(work: CoordinatorWork, firstWorkerHoldsItems: Bool, waitsForSecondWorker: Bool)
    case worker(holdsItems: Bool, registered: Bool)

    public enum CoordinatorWork: UInt8, CaseIterable, Sendable {
        /// Three step vectors, one of them the float network (`ProtocolSamples.vectors`).
        case evaluate
        /// The float network alone.
        case floatNetwork
        case maxima
        case histograms
    }

    public static var allCases: [ProtocolFuzzSetup] {
        let flags = [false, true]
        let coordinators = CoordinatorWork.allCases.flatMap { work in
            flags.flatMap { holds in flags.map { waits in ProtocolFuzzSetup.coordinator(work: work, firstWorkerHoldsItems: holds, waitsForSecondWorker: waits) } }
        }
        return coordinators + flags.flatMap { holds in flags.map { ProtocolFuzzSetup.worker(holdsItems: holds, registered: $0) } }
    }

    public init(byte: UInt8) {
        if byte & 1 == 0 {
            self = .coordinator(work: CoordinatorWork(rawValue: (byte >> 1) & 3) ?? .evaluate,
                                firstWorkerHoldsItems: byte & 8 != 0, waitsForSecondWorker: byte & 16 != 0)
        } else {
            self = .worker(holdsItems: byte & 2 != 0, registered: byte & 4 != 0)
        }
    }

    public var byte: UInt8 {
        switch self {
        case let .coordinator(work, holds, waits):
            return work.rawValue << 1 | (holds ? 8 : 0) | (waits ? 16 : 0)
        case let .worker(holds, registered):
            return 1 | (holds ? 2 : 0) | (registered ? 4 : 0)
        }
    }
}

/// A record's control byte: what happens around its frame. Coordinator: bits 0–1 the peer the
/// frame comes from (peer 0 is the first worker), bits 2–4 the time step before it, bit 5 a
/// tick after it. Worker: bits 0–2 the time step, bit 3 a tick after the frame, bit 4 the
/// running job progresses and finishes after it, bit 5 that job fails instead, bit 6 the
/// items the worker was told to store are stored, bit 7 their storing fails instead.
public struct ProtocolFuzzControl: Equatable, Sendable {
    public var byte: UInt8

    /// Milliseconds the clock advances before the frame: around the 1 s heartbeat, the 5 s
    /// silence limit and the scenario's 20 s stall limit.
    public static let timeSteps: [UInt64] = [0, 1, 20, 500, 1000, 4000, 6000, 30_000]

    public init(byte: UInt8) { self.byte = byte }

    public static func coordinator(peer: Int = 0, step: Int = 0, tick: Bool = false) -> ProtocolFuzzControl {
        precondition((0..<4).contains(peer) && timeSteps.indices.contains(step), "peer \(peer), step \(step)")
        return ProtocolFuzzControl(byte: UInt8(peer) | UInt8(step) << 2 | (tick ? 32 : 0))
    }

    public static func worker(step: Int = 0, tick: Bool = false, finishJob: Bool = false, jobFails: Bool = false,
                              storeItems: Bool = false, storingFails: Bool = false) -> ProtocolFuzzControl {
        precondition(timeSteps.indices.contains(step), "step \(step)")
        return ProtocolFuzzControl(byte: UInt8(step) | (tick ? 8 : 0) | (finishJob ? 16 : 0) | (jobFails ? 32 : 0)
                                   | (storeItems ? 64 : 0) | (storingFails ? 128 : 0))
    }

    public var peer: Int { Int(byte & 3) }
    public var coordinatorTimeStep: UInt64 { Self.timeSteps[Int(byte >> 2) & 7] }
    public var coordinatorTicks: Bool { byte & 32 != 0 }
    /// After the frame, the peer's connection closes: the monitor's `connectionClosed`, then
    /// the failed send's `unreachable`.
    public var coordinatorPeerDisconnects: Bool { byte & 64 != 0 }

    public var workerTimeStep: UInt64 { Self.timeSteps[Int(byte & 7)] }
    public var workerTicks: Bool { byte & 8 != 0 }
    public var finishesJob: Bool { byte & 16 != 0 }
    public var jobFails: Bool { byte & 32 != 0 }
    public var storesItems: Bool { byte & 64 != 0 }
    public var storingFails: Bool { byte & 128 != 0 }
}
