/// Runs `body` over `0..<count` split into at most `threads` contiguous ranges, concurrently.
///
/// Interior boundaries are multiples of 64 elements (whole cache lines and whole 16-lane
/// vectors), so a kernel that treats its last count mod 16 elements differently sees the same
/// split as one call over everything: results do not depend on `threads`. Below
/// `minimumPerThread` elements per range the work stays on the calling thread, where waking
/// the thread team would cost more than it saves. The ranges run on libgomp's team, the
/// threads oneDNN runs on (`onOpenMPTeam`).
public func inParallelChunks(_ count: Int, threads: Int, minimumPerThread: Int = 1 << 15,
                             _ body: (Range<Int>) -> Void) {
    precondition(count >= 0 && threads >= 1, "count \(count), threads \(threads)")
    let alignment = 64
    let parts = min(threads, max(1, count / max(minimumPerThread, alignment)))
    guard parts > 1 else {
        body(0..<count)
        return
    }
    let perPart = (count + parts - 1) / parts
    let chunk = (perPart + alignment - 1) / alignment * alignment
    // The ranges are disjoint and `body` returns before this function does, so sharing it (and
    // the buffers it captures) with the team's threads is safe although its type is not Sendable.
    onOpenMPTeam(parts: parts) { part in
        let start = min(part * chunk, count), end = min(start + chunk, count)
        if start < end { body(start..<end) }
    }
}
