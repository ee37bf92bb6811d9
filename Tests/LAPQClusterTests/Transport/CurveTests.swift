import XCTest
@testable import LAPQCluster

/// CURVE end to end: a ROUTER server with a `ZAPHandler` allow-list and DEALER clients.
final class CurveTests: XCTestCase {
    private struct Server {
        let handler: ZAPHandler
        let router: ZMQSocket
        let monitor: ZMQSocket
        let endpoint: String
        let keys: CurveKeyPair
    }

    private func startServer(_ context: ZMQContext, allowing clientKeys: Set<String>) throws -> Server {
        let keys = try CurveKeyPair.generate()
        let handler = try ZAPHandler(context: context, allowedClientKeys: clientKeys, domain: "lapq")
        let router = try makeBoundedSocket(context, .router)
        try router.setCurveServer(secretKey: keys.secretKey)
        try router.setZAPDomain("lapq")
        let monitor = try router.startMonitor(events: [.handshakeSucceeded, .handshakeFailed])
        try monitor.setReceiveTimeout(testReceiveBound)
        let endpoint = try bindLoopback(router)
        return Server(handler: handler, router: router, monitor: monitor, endpoint: endpoint, keys: keys)
    }

    private func connectClient(_ context: ZMQContext, to server: Server, keys: CurveKeyPair) throws -> ZMQSocket {
        let dealer = try makeBoundedSocket(context, .dealer)
        try dealer.setRoutingID(bytes("curve-worker"))
        try dealer.setCurveClient(serverPublicKey: server.keys.publicKey, keyPair: keys)
        try dealer.connect(server.endpoint)
        return dealer
    }

    func testAnAllowedClientConnectsAndExchangesMessages() throws {
        let context = try ZMQContext()
        let clientKeys = try CurveKeyPair.generate()
        let server = try startServer(context, allowing: [clientKeys.publicKey])
        let dealer = try connectClient(context, to: server, keys: clientKeys)

        try dealer.send([bytes("hello over curve")])
        XCTAssertEqual(try receiveOrFail(server.router), [bytes("curve-worker"), bytes("hello over curve")])
        try server.router.send([bytes("curve-worker"), bytes("welcome")])
        XCTAssertEqual(try receiveOrFail(dealer), [bytes("welcome")])
        XCTAssertEqual(try awaitMonitorEvent(server.monitor, .all).kind, .handshakeSucceeded)
        XCTAssertEqual(server.handler.decisions, ZAPHandler.Decisions(accepted: 1))
        server.handler.stop()
        server.handler.stop()
    }

    func testAClientNotOnTheAllowListGetsNothingThrough() throws {
        let context = try ZMQContext()
        let allowedKeys = try CurveKeyPair.generate()
        let strangerKeys = try CurveKeyPair.generate()
        let server = try startServer(context, allowing: [allowedKeys.publicKey])
        let stranger = try connectClient(context, to: server, keys: strangerKeys)
        try stranger.send([bytes("let me in")])

        let failure = try awaitMonitorEvent(server.monitor, .all)
        XCTAssertEqual(failure.kind, .handshakeFailedAuth)
        XCTAssertEqual(failure.value, 400)
        XCTAssertNil(try server.router.tryReceive())
        XCTAssertGreaterThanOrEqual(server.handler.decisions.rejected, 1)
        XCTAssertEqual(server.handler.decisions.accepted, 0)
    }

    func testAClientWithTheWrongServerKeyFailsTheHandshake() throws {
        let context = try ZMQContext()
        let clientKeys = try CurveKeyPair.generate()
        let server = try startServer(context, allowing: [clientKeys.publicKey])
        let impostor = Server(
            handler: server.handler, router: server.router, monitor: server.monitor,
            endpoint: server.endpoint, keys: try CurveKeyPair.generate())
        let dealer = try connectClient(context, to: impostor, keys: clientKeys)
        try dealer.send([bytes("hello")])

        let failure = try awaitMonitorEvent(server.monitor, .all)
        XCTAssertTrue(ZMQMonitorEvent.Kinds.handshakeFailed.contains(failure.kind), "\(failure)")
        XCTAssertNil(try server.router.tryReceive())
        XCTAssertEqual(server.handler.decisions.accepted, 0)
    }

    func testAHandlerRejectsKeysThatAreNotZ85() {
        XCTAssertThrowsError(try ZAPHandler(context: ZMQContext(), allowedClientKeys: ["not a key"])) { error in
            XCTAssertEqual((error as? ZMQError)?.code, EINVAL, "\(error)")
        }
    }

    func testOnlyOneHandlerServesAContextAtATimeAndStopReleasesIt() throws {
        let context = try ZMQContext()
        let first = try ZAPHandler(context: context, allowedClientKeys: [])
        XCTAssertThrowsError(try ZAPHandler(context: context, allowedClientKeys: [])) { error in
            XCTAssertEqual((error as? ZMQError)?.call, "zmq_bind(inproc://zeromq.zap.01)")
            XCTAssertEqual((error as? ZMQError)?.code, EADDRINUSE)
        }
        first.stop()
        let second = try ZAPHandler(context: context, allowedClientKeys: [])
        second.stop()
    }
}
