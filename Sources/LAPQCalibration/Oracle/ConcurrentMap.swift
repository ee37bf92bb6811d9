import Dispatch
import Foundation
import LAPQData

/// body(0) … body(count − 1), run concurrently, results in index order; rethrows the error of
/// the lowest failing index. The caller guarantees that different indices touch disjoint state
/// (e.g. one executor each), which is why `body` need not be `Sendable`. A body that cannot
/// throw makes a call that cannot throw.
func concurrentMap<T, E: Error>(count: Int, _ body: (Int) throws(E) -> T) throws(E) -> [T] {
    let slots = ResultSlots<T, E>(count: count)
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedBody(body: body)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            slots.set(index, Result { () throws(E) -> T in try shared.body(index) })
        }
    }
    var results: [T] = []
    for slot in slots.values { results.append(try slot.get()) }
    return results
}

/// The body handed to the concurrent tasks; see `concurrentMap`'s contract.
private struct UncheckedBody<T, E: Error>: @unchecked Sendable {
    let body: (Int) throws(E) -> T
}

/// One result slot per concurrent task; each task writes only its own slot.
private final class ResultSlots<T, E: Error>: @unchecked Sendable {
    private var slots: [Result<T, E>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<T, E>) {
        lock.withLock { slots[index] = result }
    }

    /// Every slot's result; `concurrentPerform` returns only after all tasks ran.
    var values: [Result<T, E>] {
        lock.withLock { slots.compactMap { $0 } }
    }
}
