#if canImport(Glibc)
import Glibc
#endif

/// CPU time spent per stage of a build, summed over threads (for `FUNNELMARK_TIMINGS`).
/// Reads each thread's own CPU clock, so time waiting for a core does not count.
public final class StageMeter: @unchecked Sendable {
    private let lock = Lock()
    private var totals: [String: Double] = [:]
    private var order: [String] = []

    public init() {}

    /// Runs `body`, adding the CPU time it takes on this thread to `stage`.
    @inline(__always)
    func measure<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = Self.threadCPUTime()
        defer { add(stage, Self.threadCPUTime() - start) }
        return try body()
    }

    func add(_ stage: String, _ seconds: Double) {
        lock.withLock {
            if totals[stage] == nil { order.append(stage) }
            totals[stage, default: 0] += seconds
        }
    }

    /// Stage name and CPU seconds, in the order the stages first ran.
    public var report: [(stage: String, seconds: Double)] {
        lock.withLock { order.map { ($0, totals[$0] ?? 0) } }
    }

    static func threadCPUTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// Runs `body`, timed under `stage` when there is a meter.
@inline(__always)
func metered<T>(_ meter: StageMeter?, _ stage: String, _ body: () throws -> T) rethrows -> T {
    guard let meter else { return try body() }
    return try meter.measure(stage, body)
}
