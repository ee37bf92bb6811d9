import XCTest
@testable import LAPQCluster

/// Every blocking receive in the transport tests gives up after this, so a broken test fails
/// instead of hanging. It bounds the test; no test asserts how long anything took.
let testReceiveBound: Duration = .seconds(10)

/// Thrown (after an `XCTFail`) when a test's wait reached `testReceiveBound`.
struct TestBoundExceeded: Error {}

/// A socket whose blocking receives and sends end after `testReceiveBound`.
func makeBoundedSocket(_ context: ZMQContext, _ kind: ZMQSocket.Kind) throws -> ZMQSocket {
    let socket = try ZMQSocket(context: context, kind: kind)
    try socket.setReceiveTimeout(testReceiveBound)
    try socket.setSendTimeout(testReceiveBound)
    return socket
}

/// Binds `socket` to an ephemeral loopback port and returns the resolved endpoint.
func bindLoopback(_ socket: ZMQSocket) throws -> String {
    try socket.bind("tcp://127.0.0.1:*")
    return try socket.lastEndpoint()
}

/// Receives one message or fails the test if none arrives within `testReceiveBound`.
func receiveOrFail(_ socket: ZMQSocket, file: StaticString = #filePath, line: UInt = #line) throws -> [[UInt8]] {
    guard let frames = try socket.receive() else {
        XCTFail("no message within \(testReceiveBound)", file: file, line: line)
        throw TestBoundExceeded()
    }
    return frames
}

/// Receives monitor events until one of `kinds` arrives; fails the test if the bound passes first.
func awaitMonitorEvent(
    _ monitor: ZMQSocket, _ kinds: ZMQMonitorEvent.Kinds, file: StaticString = #filePath, line: UInt = #line
) throws -> ZMQMonitorEvent {
    while let event = try monitor.receiveMonitorEvent() {
        if !kinds.intersection(event.kind).isEmpty { return event }
    }
    XCTFail("no monitor event \(kinds) within \(testReceiveBound)", file: file, line: line)
    throw TestBoundExceeded()
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
