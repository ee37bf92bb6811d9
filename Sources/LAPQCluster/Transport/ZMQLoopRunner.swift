import Glibc

/// The body of a `ZMQLoop` thread: owns the sockets from creation to close.
struct ZMQLoopRunner {
    let shared: ZMQLoopShared
    let handler: ZMQLoop.Handler
    let tickInterval: Duration?

    /// Creates the sockets, reports the outcome through `started`, then polls until stopped.
    func run(
        context: ZMQContext, wakeEndpoint: String, makeSockets: () throws -> [ZMQSocket],
        started: (Error?) -> Void
    ) {
        let wakeReceiver: ZMQSocket
        let sockets: [ZMQSocket]
        do {
            wakeReceiver = try ZMQSocket(context: context, kind: .pair)
            try wakeReceiver.bind(wakeEndpoint)
            sockets = try makeSockets()
        } catch {
            started(error)
            return
        }
        started(nil)
        do throws(ZMQError) {
            try poll(wakeReceiver: wakeReceiver, sockets: sockets)
        } catch {
            _ = handler(.failed(error))
        }
    }

    private func poll(wakeReceiver: ZMQSocket, sockets: [ZMQSocket]) throws(ZMQError) {
        let clock = ContinuousClock()
        var nextTick = tickInterval.map { clock.now + $0 }
        let polled = [wakeReceiver] + sockets
        while true {
            let timeout = nextTick.map { max(.zero, $0 - clock.now) }
            let ready = try ZMQSocket.poll(polled, timeout: timeout)
            if ready[0].contains(.readable) {
                while try wakeReceiver.tryReceive() != nil {}
                let (messages, notified, stopping) = shared.takeQueue()
                carryOut(messages, on: sockets)
                if stopping { return }
                if notified { carryOut(handler(.woken), on: sockets) }
            }
            for (index, socket) in sockets.enumerated() where ready[index + 1].contains(.readable) {
                // One message per socket per round, so a flooded socket cannot starve the others.
                if let frames = try socket.tryReceive() {
                    carryOut(handler(.received(socket: index, frames: frames)), on: sockets)
                }
            }
            if let tick = nextTick, clock.now >= tick, let interval = tickInterval {
                nextTick = clock.now + interval  // after a slow handler: one tick, not a burst
                carryOut(handler(.tick), on: sockets)
            }
        }
    }

    /// Sends `messages` in order; a failure goes to the handler, whose answer is sent in turn.
    private func carryOut(_ messages: [ZMQLoop.Outgoing], on sockets: [ZMQSocket]) {
        var pending = messages[...]
        while let message = pending.popFirst() {
            precondition(sockets.indices.contains(message.socket), "ZMQLoop has no socket number \(message.socket)")
            let failure: ZMQError?
            do throws(ZMQError) {
                let queued = try sockets[message.socket].trySend(message.frames)
                failure = queued ? nil : ZMQError(call: "zmq_send", code: EAGAIN)
            } catch {
                failure = error
            }
            if let failure {
                pending.append(contentsOf: handler(.sendFailed(message, failure)))
            }
        }
    }
}
