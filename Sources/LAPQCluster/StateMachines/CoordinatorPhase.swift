/// Where the coordinator is in its run: the one place that says whether an evaluation waits,
/// runs or none is asked for (in the style of swift-nio's state enums: each case carries what
/// is meaningful in it, so no combination of flags can contradict another).
///
///     idle(first) ─evaluate→ waitingForWorkers ─enough live workers→ evaluating ─complete/fail/abandon→ idle
///          ↑                        │ abandon                                         │
///          └────────────────────────┘                                                 ↓
///                                                                               idle(not first)
enum CoordinatorPhase: Sendable {
    /// No evaluation asked for. `beforeFirstEvaluation`: none has opened yet in this run, so
    /// the next waits for `minWorkers` and numerics classes may still be restored.
    case idle(beforeFirstEvaluation: Bool)
    /// `request` waits for live workers: `minWorkers` for the run's first evaluation, one
    /// afterwards (or a run that lost a worker would wait forever for a replacement).
    case waitingForWorkers(EvaluationRequest, firstEvaluation: Bool)
    /// One evaluation is open; its per-shard and per-worker bookkeeping.
    case evaluating(OpenEvaluation)

    /// Whether no evaluation has opened yet in this run.
    var isBeforeFirstEvaluation: Bool {
        switch self {
        case let .idle(first), let .waitingForWorkers(_, first): return first
        case .evaluating: return false
        }
    }
}

extension CoordinatorStateMachine {
    /// The open evaluation, when `phase` is `.evaluating`. Setting nil closes it (→ idle); the
    /// `_modify` accessor moves the evaluation out of `phase` while it is changed, so an
    /// in-place edit (`open?.shards[id]?.answer = …`) does not copy its dictionaries.
    var open: OpenEvaluation? {
        get {
            if case let .evaluating(evaluation) = phase { return evaluation }
            return nil
        }
        _modify {
            var evaluation: OpenEvaluation?
            if case let .evaluating(current) = phase {
                evaluation = current
                phase = .idle(beforeFirstEvaluation: false)
            }
            let wasOpen = evaluation != nil
            defer {
                if let evaluation {
                    phase = .evaluating(evaluation)
                } else if wasOpen {
                    phase = .idle(beforeFirstEvaluation: false)
                }
            }
            yield &evaluation
        }
    }

    /// The request waiting for workers, if any.
    var pending: EvaluationRequest? {
        if case let .waitingForWorkers(request, _) = phase { return request }
        return nil
    }
}
