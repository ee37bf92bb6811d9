import XCTest
import LAPQMath
@testable import LAPQCluster

final class ZMQSocketTests: XCTestCase {
    func testRouterAndDealerExchangeMessagesByRoutingID() throws {
        let context = try ZMQContext()
        let router = try makeBoundedSocket(context, .router)
        let endpoint = try bindLoopback(router)
        XCTAssertTrue(endpoint.hasPrefix("tcp://127.0.0.1:"))
        XCTAssertFalse(endpoint.hasSuffix(":0") || endpoint.hasSuffix(":*"))
        let dealer = try makeBoundedSocket(context, .dealer)
        try dealer.setRoutingID(bytes("worker-7"))
        XCTAssertEqual(try dealer.routingID(), bytes("worker-7"))
        try dealer.connect(endpoint)

        try dealer.send([bytes("hello")])
        XCTAssertEqual(try receiveOrFail(router), [bytes("worker-7"), bytes("hello")])
        try router.send([bytes("worker-7"), bytes("job"), [0, 1, 2]])
        XCTAssertEqual(try receiveOrFail(dealer), [bytes("job"), [0, 1, 2]])
    }

    func testMultipartMessagesKeepEveryFrameIncludingEmptyAndLargeOnes() throws {
        let context = try ZMQContext()
        let sender = try makeBoundedSocket(context, .pair)
        let receiver = try makeBoundedSocket(context, .pair)
        try receiver.bind("inproc://multipart")
        try sender.connect("inproc://multipart")
        var random = SplitMix64(seed: 7)
        let large = (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let message: [[UInt8]] = [[], bytes("header"), large, [], [42]]
        try sender.send(message)
        try sender.send([[]])
        XCTAssertEqual(try receiveOrFail(receiver), message)
        XCTAssertEqual(try receiveOrFail(receiver), [[]])
    }

    func testPollReportsNothingOnTimeoutAndReadableOnceAMessageWaits() throws {
        let context = try ZMQContext()
        let quiet = try makeBoundedSocket(context, .pair)
        let receiver = try makeBoundedSocket(context, .pair)
        let sender = try makeBoundedSocket(context, .pair)
        try quiet.bind("inproc://quiet")
        try receiver.bind("inproc://poll")
        try sender.connect("inproc://poll")
        XCTAssertEqual(try ZMQSocket.poll([quiet, receiver], timeout: .milliseconds(20)), [[], []])

        try sender.send([bytes("wake")])
        XCTAssertEqual(try ZMQSocket.poll([quiet, receiver], timeout: testReceiveBound), [[], .readable])
        XCTAssertEqual(try receiver.tryReceive(), [bytes("wake")])
        XCTAssertNil(try receiver.tryReceive())
        XCTAssertEqual(try ZMQSocket.poll([sender], for: .writable, timeout: .zero), [.writable])
    }

    func testReceiveReturnsNilWhenTheTimeoutExpires() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, kind: .dealer)
        try socket.setReceiveTimeout(.milliseconds(10))
        try socket.bind("inproc://silent")
        XCTAssertNil(try socket.receive())
    }

    func testRouterMandatoryThrowsForAnUnknownPeer() throws {
        let context = try ZMQContext()
        let router = try makeBoundedSocket(context, .router)
        try router.setRouterMandatory(true)
        _ = try bindLoopback(router)
        XCTAssertThrowsError(try router.send([bytes("nobody"), bytes("job")])) { error in
            let zmqError = error as? ZMQError
            XCTAssertEqual(zmqError?.isHostUnreachable, true, "\(error)")
            XCTAssertEqual(zmqError?.call, "zmq_send")
        }
        XCTAssertThrowsError(try router.trySend([bytes("nobody"), bytes("job")])) { error in
            XCTAssertEqual((error as? ZMQError)?.isHostUnreachable, true, "\(error)")
        }
    }

    func testTrySendReturnsFalseAndSendTimesOutWhenNoPeerCanTakeTheMessage() throws {
        let context = try ZMQContext()
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        XCTAssertFalse(try dealer.trySend([bytes("nobody is connected")]))
        try dealer.setSendTimeout(.milliseconds(1))
        XCTAssertThrowsError(try dealer.send([bytes("nobody is connected")])) { error in
            XCTAssertEqual((error as? ZMQError)?.isWouldBlock, true, "\(error)")
        }
    }

    func testErrorsNameTheFailedCallAndCarryErrno() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, kind: .dealer)
        XCTAssertThrowsError(try socket.connect("bogus://nowhere")) { error in
            let zmqError = error as? ZMQError
            XCTAssertEqual(zmqError?.call, "zmq_connect(bogus://nowhere)")
            XCTAssertEqual(zmqError?.code, EPROTONOSUPPORT)
            XCTAssertEqual(zmqError?.description.hasPrefix("zmq_connect(bogus://nowhere) failed: "), true)
        }
        XCTAssertThrowsError(try socket.unbind("tcp://127.0.0.1:1")) { error in
            XCTAssertEqual((error as? ZMQError)?.call, "zmq_unbind(tcp://127.0.0.1:1)")
            XCTAssertEqual((error as? ZMQError)?.code, ENOENT)
        }
        XCTAssertThrowsError(try socket.setRoutingID([])) { error in
            XCTAssertEqual((error as? ZMQError)?.call, "zmq_setsockopt(ZMQ_ROUTING_ID)")
            XCTAssertEqual((error as? ZMQError)?.code, EINVAL)
        }
    }

    func testUnbindReleasesABoundEndpoint() throws {
        let context = try ZMQContext()
        let router = try makeBoundedSocket(context, .router)
        let endpoint = try bindLoopback(router)
        try router.unbind(endpoint)
        XCTAssertThrowsError(try router.unbind(endpoint)) { error in
            XCTAssertEqual((error as? ZMQError)?.code, ENOENT)
        }
    }

    func testContextShutdownEndsABlockingReceiveWithETERM() throws {
        let context = try ZMQContext()
        let socket = try makeBoundedSocket(context, .pair)
        try context.shutdown()
        XCTAssertThrowsError(try socket.receive()) { error in
            XCTAssertEqual((error as? ZMQError)?.isContextTerminated, true, "\(error)")
        }
    }

    func testDurationsBecomeClampedMilliseconds() {
        XCTAssertEqual(Duration.milliseconds(1500).zmqMilliseconds, 1500)
        XCTAssertEqual(Duration.microseconds(2999).zmqMilliseconds, 2)
        XCTAssertEqual(Duration.seconds(-3).zmqMilliseconds, 0)
        XCTAssertEqual(Duration.seconds(Int64.max / 2).zmqMilliseconds, Int32.max)
    }
}
