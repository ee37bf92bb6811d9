import Dispatch

/// Milliseconds since boot, for the state machines' liveness rules (never wall-clock time).
func monotonicMilliseconds() -> Milliseconds {
    DispatchTime.now().uptimeNanoseconds / 1_000_000
}
