internal import CDNNL

/// Runs `body(part)` for every part in 0..<parts on libgomp's thread team, the caller
/// included, and returns when all are done.
///
/// Why not GCD: oneDNN's primitives run on this OpenMP team, whose workers spin for a while
/// after each primitive (libgomp's wait policy) waiting for the next one. Swift elementwise
/// work run on GCD threads between primitives competed with those spinning workers for the
/// same cores (libgomp's spin was ~18 % of a MobileNetV2 W4A4 pass); run on the team itself,
/// the spinning workers take the work at once. Parts are dealt round-robin over the team, so
/// every part runs once even if libgomp grants fewer threads than asked.
func onOpenMPTeam(parts: Int, _ body: (Int) -> Void) {
    precondition(parts >= 1, "parts \(parts)")
    withoutActuallyEscaping(body) { work in
        var team = TeamWork(parts: parts, body: work)
        withUnsafeMutablePointer(to: &team) { pointer in
            GOMP_parallel({ raw in
                guard let team = raw?.assumingMemoryBound(to: TeamWork.self).pointee else { return }
                let size = max(Int(omp_get_num_threads()), 1)
                for part in stride(from: Int(omp_get_thread_num()), to: team.parts, by: size) { team.body(part) }
            }, pointer, UInt32(parts), 0)
        }
    }
}

/// What the team's threads share: the part count and the work.
private struct TeamWork {
    let parts: Int
    let body: (Int) -> Void
}
