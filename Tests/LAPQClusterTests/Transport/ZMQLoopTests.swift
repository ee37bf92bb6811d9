import Dispatch
import Synchronization
import XCTest
@testable import LAPQCluster

final class ZMQLoopTests: XCTestCase {
    /// A loop owning one ROUTER at `inproc://loop-router`; its handler echoes every message reversed.
    private func startEchoLoop(_ context: ZMQContext, tickInterval: Duration? = nil, events: EventLog) throws -> ZMQLoop {
        try ZMQLoop(
            context: context, tickInterval: tickInterval,
            makeSockets: {
                let router = try ZMQSocket(context: context, kind: .router)
                try router.setRouterMandatory(true)
                try router.bind("inproc://loop-router")
                return [router]
            },
            handler: { event in
                events.record(event)
                guard case .received(let socket, let frames) = event, frames.count == 2 else { return [] }
                return [ZMQLoop.Outgoing(socket: socket, frames: [frames[0], frames[1].reversed()])]
            })
    }

    private func connectDealer(_ context: ZMQContext, routingID: String) throws -> ZMQSocket {
        let dealer = try makeBoundedSocket(context, .dealer)
        try dealer.setRoutingID(bytes(routingID))
        try dealer.connect("inproc://loop-router")
        return dealer
    }

    func testHandlerRepliesAndOtherThreadsSendThroughTheLoop() throws {
        let context = try ZMQContext()
        let events = EventLog()
        let loop = try startEchoLoop(context, events: events)
        let dealer = try connectDealer(context, routingID: "w1")
        try dealer.send([bytes("abc")])
        XCTAssertEqual(try receiveOrFail(dealer), [bytes("cba")])

        DispatchQueue.global().sync { XCTAssertTrue(loop.send([bytes("w1"), bytes("pushed")])) }
        XCTAssertEqual(try receiveOrFail(dealer), [bytes("pushed")])
        loop.stop()
        XCTAssertEqual(events.receivedCount, 1)
    }

    func testMessagesFromManyThreadsArriveInEachThreadsOrder() throws {
        let context = try ZMQContext()
        let loop = try startEchoLoop(context, events: EventLog())
        let dealer = try connectDealer(context, routingID: "w1")
        try dealer.send([bytes("ready")])
        XCTAssertEqual(try receiveOrFail(dealer), [bytes("ydaer")])  // the route to w1 exists now

        let threads = 4, perThread = 250
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for sequence in 0..<perThread {
                loop.send([bytes("w1"), [UInt8(thread), UInt8(sequence >> 8), UInt8(sequence & 0xFF)]])
            }
        }
        var nextSequence = [Int](repeating: 0, count: threads)
        for _ in 0..<(threads * perThread) {
            let payload = try receiveOrFail(dealer)[0]
            let thread = Int(payload[0]), sequence = Int(payload[1]) << 8 | Int(payload[2])
            XCTAssertEqual(sequence, nextSequence[thread], "thread \(thread)")
            nextSequence[thread] = sequence + 1
        }
        XCTAssertEqual(nextSequence, [Int](repeating: perThread, count: threads))
    }

    func testASendThatFailsIsReportedToTheHandler() throws {
        let context = try ZMQContext()
        let events = EventLog()
        let loop = try startEchoLoop(context, events: events)
        loop.send([bytes("ghost"), bytes("job")])
        let failure = try XCTUnwrap(events.awaitSendFailure())
        XCTAssertEqual(failure.0, ZMQLoop.Outgoing(frames: [bytes("ghost"), bytes("job")]))
        XCTAssertTrue(failure.1.isHostUnreachable, "\(failure.1)")
    }

    func testTicksArriveWhileIdle() throws {
        let context = try ZMQContext()
        let events = EventLog()
        let loop = try startEchoLoop(context, tickInterval: .milliseconds(5), events: events)
        XCTAssertTrue(events.awaitTicks(3))
        loop.stop()
    }

    func testStopIsIdempotentAndLaterSendsAreRefused() throws {
        let context = try ZMQContext()
        let loop = try startEchoLoop(context, events: EventLog())
        let dealer = try connectDealer(context, routingID: "w1")
        try dealer.send([bytes("x")])
        XCTAssertEqual(try receiveOrFail(dealer), [bytes("x")])
        XCTAssertTrue(loop.send([bytes("w1"), bytes("last")]))
        loop.stop()
        loop.stop()
        XCTAssertEqual(try receiveOrFail(dealer), [bytes("last")], "messages handed over before stop are sent")
        XCTAssertFalse(loop.send([bytes("w1"), bytes("too late")]))
    }

    func testASetupFailureIsThrownFromInit() throws {
        let context = try ZMQContext()
        XCTAssertThrowsError(
            try ZMQLoop(
                context: context,
                makeSockets: {
                    let socket = try ZMQSocket(context: context, kind: .router)
                    try socket.bind("tcp://127.0.0.1:not-a-port")
                    return [socket]
                },
                handler: { _ in [] })
        ) { error in
            XCTAssertEqual((error as? ZMQError)?.call, "zmq_bind(tcp://127.0.0.1:not-a-port)", "\(error)")
        }
    }

    func testAShutDownContextEndsTheLoopWithAFailureEvent() throws {
        let context = try ZMQContext()
        let events = EventLog()
        let loop = try startEchoLoop(context, events: events)
        try context.shutdown()
        XCTAssertEqual(events.awaitFailure()?.isContextTerminated, true)
        loop.stop()
        XCTAssertFalse(loop.send([bytes("w1"), bytes("x")]))
    }
}

/// Records loop events from the loop thread and lets the test thread wait for them (bounded).
private final class EventLog: Sendable {
    private let events = Mutex<[ZMQLoop.Event]>([])
    private let arrived = DispatchSemaphore(value: 0)

    func record(_ event: ZMQLoop.Event) {
        events.withLock { $0.append(event) }
        arrived.signal()
    }

    var receivedCount: Int {
        events.withLock { $0.filter { if case .received = $0 { true } else { false } }.count }
    }

    func awaitSendFailure() -> (ZMQLoop.Outgoing, ZMQError)? {
        awaitCondition { events in
            events.lazy.compactMap { if case .sendFailed(let message, let error) = $0 { (message, error) } else { nil } }.first
        }
    }

    func awaitFailure() -> ZMQError? {
        awaitCondition { events in events.lazy.compactMap { if case .failed(let error) = $0 { error } else { nil } }.first }
    }

    func awaitTicks(_ count: Int) -> Bool {
        awaitCondition { events in
            events.filter { if case .tick = $0 { true } else { false } }.count >= count ? true : nil
        } ?? false
    }

    /// Waits until `condition` holds for the events so far; nil if `testReceiveBound` passes with no new event.
    private func awaitCondition<T>(_ condition: ([ZMQLoop.Event]) -> T?) -> T? {
        while true {
            if let found = condition(events.withLock { $0 }) { return found }
            let seconds = Double(testReceiveBound.components.seconds)
            guard arrived.wait(timeout: .now() + seconds) == .success else { return nil }
        }
    }
}
