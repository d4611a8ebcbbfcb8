public import StemmaCore

/// Collects spans that arrive over time (`stemma posture serve`) into traces, and says when a trace is ready to be
/// judged. Shared by every request handler, so its state sits behind one lock.
///
/// When a trace is judged:
/// - `quiet`: a span without a parent (the trace's root, which OpenTelemetry exports only once it has ended, and
///   which ends after its children) has arrived, and no span of the trace arrived for `quietNanos`;
/// - `timeout`: no root has arrived, and no span of the trace arrived for `maxWaitNanos` (the root was lost or
///   is exported elsewhere: the spans whose parent is missing then show as an incomplete tree, AP-MON-2);
/// - `evicted`: the pending spans or traces exceed their bounds, so the oldest traces are judged at once with
///   what has arrived;
/// - `shutdown`: the server stops, and every pending trace is judged.
///
/// Spans of a trace that arrive after it was judged start a new pending trace, judged in turn (a run without its
/// root shows its missing agent span and parents), so a late tool call is never dropped unseen.
public final class LiveRunAssembler: Sendable {
    /// Bounds and timing.
    public struct Limits: Sendable {
        /// Most spans held across all pending traces.
        public var maxPendingSpans = 200_000
        /// Most pending traces.
        public var maxPendingTraces = 10_000
        /// Quiet time after the root span before a trace is judged.
        public var quietNanos: UInt64 = 2_000_000_000
        /// Longest wait for a trace whose root span never arrives.
        public var maxWaitNanos: UInt64 = 60_000_000_000

        /// The defaults.
        public init() {}
    }

    /// Why a trace was handed out for judging.
    public enum Trigger: String, Sendable {
        case quiet, timeout, evicted, shutdown
    }

    /// A trace ready to be judged: its spans and the tool decisions recorded on them, in arrival order.
    public struct ReadyTrace: Sendable {
        /// The trace id.
        public var traceID: String
        /// Its spans.
        public var spans: [TraceSpan]
        /// Tool decisions (span events) of the trace.
        public var decisions: [ToolDecisionRecord]
        /// Why it is ready.
        public var trigger: Trigger
    }

    private struct Pending {
        var spans: [TraceSpan] = []
        var decisions: [ToolDecisionRecord] = []
        var hasRoot = false
        var arrival: UInt64
        var lastSeen: UInt64
    }

    private struct State {
        var pending: [String: Pending] = [:]
        var spanCount = 0
        var arrivals: UInt64 = 0
    }

    /// The bounds in force.
    public let limits: Limits
    private let state = LockedValue(State())

    /// An empty assembler.
    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Spans held now.
    public var pendingSpans: Int { state.withLock { $0.spanCount } }

    /// Traces held now.
    public var pendingTraces: Int { state.withLock { $0.pending.count } }

    /// Adds the spans and decisions of one request, received at `now` (monotonic nanoseconds). Returns the traces
    /// evicted to stay within the bounds, oldest first; the caller judges them at once.
    public func add(spans: [TraceSpan], decisions: [ToolDecisionRecord], now: UInt64) -> [ReadyTrace] {
        state.withLock { state in
            for span in spans {
                if state.pending[span.traceID] == nil {
                    state.arrivals += 1
                    state.pending[span.traceID] = Pending(arrival: state.arrivals, lastSeen: now)
                }
                state.pending[span.traceID]?.spans.append(span)
                state.pending[span.traceID]?.lastSeen = now
                if span.parentSpanID == nil { state.pending[span.traceID]?.hasRoot = true }
                state.spanCount += 1
            }
            for decision in decisions {
                guard let trace = decision.traceID, state.pending[trace] != nil else { continue }
                state.pending[trace]?.decisions.append(decision)
            }
            var evicted: [ReadyTrace] = []
            if state.spanCount > limits.maxPendingSpans || state.pending.count > limits.maxPendingTraces {
                // Oldest first: one sort per overflowing request, not per span.
                let order = state.pending.sorted { $0.value.arrival < $1.value.arrival }.map(\.key)
                for trace in order
                where state.spanCount > limits.maxPendingSpans || state.pending.count > limits.maxPendingTraces {
                    if let ready = Self.take(trace, from: &state, trigger: .evicted) { evicted.append(ready) }
                }
            }
            return evicted
        }
    }

    /// The traces due at `now`: quiet after their root, or waited for too long without one; oldest first.
    public func due(now: UInt64) -> [ReadyTrace] {
        state.withLock { state in
            let due = state.pending.filter { _, pending in
                let idle = now >= pending.lastSeen ? now - pending.lastSeen : 0
                return pending.hasRoot ? idle >= limits.quietNanos : idle >= limits.maxWaitNanos
            }
            return due.sorted { $0.value.arrival < $1.value.arrival }.compactMap { trace, pending in
                Self.take(trace, from: &state, trigger: pending.hasRoot ? .quiet : .timeout)
            }
        }
    }

    /// Every pending trace, oldest first, leaving the assembler empty (at shutdown).
    public func drain() -> [ReadyTrace] {
        state.withLock { state in
            state.pending.sorted { $0.value.arrival < $1.value.arrival }.compactMap { trace, _ in
                Self.take(trace, from: &state, trigger: .shutdown)
            }
        }
    }

    private static func take(_ trace: String, from state: inout State, trigger: Trigger) -> ReadyTrace? {
        guard let pending = state.pending.removeValue(forKey: trace) else { return nil }
        state.spanCount -= pending.spans.count
        return ReadyTrace(traceID: trace, spans: pending.spans, decisions: pending.decisions, trigger: trigger)
    }
}
