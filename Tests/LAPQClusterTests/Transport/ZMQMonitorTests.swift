import XCTest
@testable import LAPQCluster

final class ZMQMonitorTests: XCTestCase {
    func testMonitorsSeeConnectAcceptAndDisconnect() throws {
        let context = try ZMQContext()
        let router = try makeBoundedSocket(context, .router)
        let endpoint = try bindLoopback(router)
        let routerMonitor = try router.startMonitor(events: [.accepted, .disconnected])
        try routerMonitor.setReceiveTimeout(testReceiveBound)
        var dealer: ZMQSocket? = try makeBoundedSocket(context, .dealer)
        let dealerMonitor = try XCTUnwrap(dealer).startMonitor(events: [.connected, .monitorStopped])
        try dealerMonitor.setReceiveTimeout(testReceiveBound)
        try XCTUnwrap(dealer).connect(endpoint)

        let connected = try awaitMonitorEvent(dealerMonitor, .connected)
        XCTAssertEqual(connected.endpoint, endpoint)
        let accepted = try awaitMonitorEvent(routerMonitor, .accepted)
        XCTAssertEqual(accepted.kind, .accepted)

        dealer = nil  // closing the dealer drops its connection
        let disconnected = try awaitMonitorEvent(routerMonitor, .disconnected)
        XCTAssertEqual(disconnected.kind, .disconnected)
        XCTAssertEqual(try dealerMonitor.receiveMonitorEvent()?.kind, .monitorStopped)
    }

    func testStopMonitorEndsTheEventStream() throws {
        let context = try ZMQContext()
        let router = try makeBoundedSocket(context, .router)
        let monitor = try router.startMonitor()
        try monitor.setReceiveTimeout(testReceiveBound)
        try router.stopMonitor()
        XCTAssertEqual(try awaitMonitorEvent(monitor, .monitorStopped).kind, .monitorStopped)
    }

    func testDecodesEventFramesInHostByteOrder() {
        var header: [UInt8] = []
        withUnsafeBytes(of: UInt16(0x4000)) { header += $0 }
        withUnsafeBytes(of: UInt32(400)) { header += $0 }
        let event = ZMQMonitorEvent(frames: [header, bytes("tcp://127.0.0.1:5555")])
        XCTAssertEqual(event, ZMQMonitorEvent(kind: .handshakeFailedAuth, value: 400, endpoint: "tcp://127.0.0.1:5555"))
        XCTAssertTrue(ZMQMonitorEvent.Kinds.handshakeFailed.contains(event?.kind ?? []))
    }

    func testRejectsFramesThatAreNotAMonitorEvent() {
        let twoBits: [UInt8] = [0x03, 0x00, 0, 0, 0, 0]
        XCTAssertNil(ZMQMonitorEvent(frames: [twoBits, []]))
        XCTAssertNil(ZMQMonitorEvent(frames: [[0x01, 0x00, 0, 0, 0], []]))
        XCTAssertNil(ZMQMonitorEvent(frames: [[0x01, 0x00, 0, 0, 0, 0]]))
        XCTAssertNil(ZMQMonitorEvent(frames: [[0, 0, 0, 0, 0, 0], []]))
    }
}
