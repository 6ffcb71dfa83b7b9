import CampaignData
import Foundation

/// A one-line progress report on a terminal's stderr: done of total, rate and time left.
final class ProgressLine: @unchecked Sendable {
    private let console: Console
    private let label: String
    private let start = Date()
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(console: Console, label: String) {
        self.console = console
        self.label = label
    }

    func update(_ done: Int, of total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(done) / elapsed
        let left = rate > 0 ? Double(total - done) / rate : 0
        let text = Self.line(done: done, total: total, label: label, rate: rate, left: left)
        console.err("\r\u{1B}[2K" + text)
        drawn = true
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { console.err("\r\u{1B}[2K") }
    }

    /// `8,192 of 10,000 pages · 12,270 pages/s · under 1 s left`; the last one ends `done`.
    static func line(done: Int, total: Int, label: String, rate: Double, left: Double) -> String {
        let ending = done >= total ? "done" : left < 1 ? "under 1 s left" : "\(clock(left)) left"
        return "\(grouped(done)) of \(grouped(total)) \(label) · \(grouped(Int(rate))) \(label)/s · \(ending)"
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        return s < 60 ? "\(s) s" : "\(s / 60) min \(s % 60) s"
    }

    /// `12,270`: grouped as the reports write counts (`FigureText.count`).
    static func grouped(_ value: Int) -> String { FigureText.count(value) }
}
