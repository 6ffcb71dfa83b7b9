import Dispatch
import Foundation
import Testing
@testable import ReportSite

@Suite("builds into one output folder take turns")
struct FolderLockTests {
    /// A lock taken on another thread, kept once taken.
    final class Taken: @unchecked Sendable {
        private let lock = NSLock()
        private var held: FolderLock?
        let done = DispatchSemaphore(value: 0)

        /// Starts taking the lock on a thread of its own (not a shared pool's, which may start it
        /// late), and returns once that thread is about to.
        init(_ path: String) {
            let started = DispatchSemaphore(value: 0)
            Thread {
                started.signal()
                let taken = FolderLock(path)
                self.lock.withLock { self.held = taken }
                self.done.signal()
            }.start()
            started.wait()
        }

        var lockTaken: Bool { lock.withLock { held != nil } }
        func release() { lock.withLock { held = nil } }
    }

    func folder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("folder-lock-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a second lock waits until the first is released; there is none on a missing folder")
    func waits() throws {
        let site = try folder("waits")
        defer { try? FileManager.default.removeItem(at: site) }
        var first = FolderLock(site.path)
        #expect(first != nil)
        let second = Taken(site.path)
        #expect(second.done.wait(timeout: .now() + 0.3) == .timedOut)
        first = nil
        #expect(second.done.wait(timeout: .now() + 10) == .success)
        #expect(second.lockTaken)
        #expect(FolderLock(site.path + "/missing") == nil)
    }

    @Test("a folder replaced while a lock waited (a full build's swap) is the one it locks")
    func replacedFolder() throws {
        let site = try folder("replaced")
        let old = site.deletingLastPathComponent().appendingPathComponent(site.lastPathComponent + ".old")
        try? FileManager.default.removeItem(at: old)
        defer {
            try? FileManager.default.removeItem(at: site)
            try? FileManager.default.removeItem(at: old)
        }
        var first = FolderLock(site.path)
        let waiting = Taken(site.path)
        #expect(waiting.done.wait(timeout: .now() + 0.3) == .timedOut)
        try FileManager.default.moveItem(at: site, to: old)
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        first = nil
        #expect(waiting.done.wait(timeout: .now() + 10) == .success)
        #expect(waiting.lockTaken)
        // It holds the new folder: a lock on that waits, one on the old folder does not.
        let third = Taken(site.path)
        #expect(third.done.wait(timeout: .now() + 0.3) == .timedOut)
        let onOld = Taken(old.path)
        #expect(onOld.done.wait(timeout: .now() + 10) == .success)
        waiting.release()
        #expect(third.done.wait(timeout: .now() + 10) == .success)
        _ = first
    }
}
