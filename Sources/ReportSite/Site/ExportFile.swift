import CampaignData
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A previous build's export, mapped into memory: an unchanged campaign's bytes are checked
/// and copied from here without reading them into strings. Read-only; safe across threads.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    /// Open for giving copied pages back to the kernel (`dropCached`).
    let fd: Int32
    private let length: Int
    /// Whether `release()` has run (under `lock`).
    private var released = false
    private let lock = Lock()

    /// - Parameter populate: map every page now (one call, rather than a fault per page on first
    ///   read): for a file about to be read all over, mapped on a thread that has time.
    init?(_ path: String, populate: Bool = false) {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0,
              let base = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0),
              base != MAP_FAILED else {
            close(fd)
            return nil
        }
        length = Int(info.st_size)
        bytes = UnsafeRawBufferPointer(start: base, count: length)
    }

    deinit { release() }

    /// Unmaps and closes the file now (once): nothing may read `bytes` after it. Closing the
    /// last descriptor of a file already unlinked frees its blocks, which on a file system
    /// mounted with `discard` waits for the disk (15-18 ms for a 52 MB export here).
    func release() {
        let first = lock.withLock {
            defer { released = true }
            return !released
        }
        guard first else { return }
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), length)
        close(fd)
    }

    /// Whether `range` is in the file, starts with `prefix` and (unless empty) ends with `suffix`.
    func holds(_ range: Range<Int>, prefix: [UInt8], suffix: [UInt8] = []) -> Bool {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return false }
        guard range.count >= prefix.count + suffix.count else { return false }
        for (k, b) in prefix.enumerated() where bytes[range.lowerBound + k] != b { return false }
        for (k, b) in suffix.enumerated() where bytes[range.upperBound - suffix.count + k] != b { return false }
        return true
    }

    /// Tells the kernel this build is done with the cached pages wholly inside `range` (copied
    /// already): they leave this process's mapping and the page cache. The file is untouched (a
    /// failed build leaves it as it was; a later read goes to the disk). Freed as the copy goes,
    /// they are the warm pages the kernel hands out for the new export's next pages, rather than
    /// pages a virtual machine may first have to fetch from its host (about 5 µs each here,
    /// where an incremental rebuild of 10,000 campaigns took 124 ms instead of 177 ms, medians
    /// of alternating runs made after the host had taken the free memory back).
    ///
    /// Only for clean pages (see `ExportWriter.recycles`): the kernel would start writing out
    /// dirty ones of a file about to be deleted, and the delete would wait for them.
    func dropCached(_ range: Range<Int>) {
        let page = 4096
        let start = (max(0, range.lowerBound) + page - 1) / page * page
        let end = min(range.upperBound, bytes.count) / page * page
        guard end > start, let base = bytes.baseAddress else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
        _ = posix_fadvise(fd, off_t(start), off_t(end - start), POSIX_FADV_DONTNEED)
    }

    /// Whether `range` is in the file and is `head`, `id`, `tail`, anything, then `end`.
    func holds(_ range: Range<Int>, head: StaticString, id: UnsafeBufferPointer<UInt8>, tail: StaticString,
               end: StaticString = "") -> Bool {
        let fixed = head.utf8CodeUnitCount + id.count + tail.utf8CodeUnitCount
        guard range.lowerBound >= 0, range.upperBound <= bytes.count, range.count >= fixed + end.utf8CodeUnitCount,
              let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        func equal(_ at: Int, _ piece: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let start = piece.baseAddress, !piece.isEmpty else { return true }
            return memcmp(base + at, start, piece.count) == 0
        }
        func buffer(_ s: StaticString) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)
        }
        let start = range.lowerBound
        return equal(start, buffer(head)) && equal(start + head.utf8CodeUnitCount, id)
            && equal(start + head.utf8CodeUnitCount + id.count, buffer(tail))
            && equal(range.upperBound - end.utf8CodeUnitCount, buffer(end))
    }

    /// Whether the file holds `text` at `offset`.
    func matches(_ text: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard offset >= 0, offset + text.count <= bytes.count, let start = text.baseAddress,
              let base = bytes.baseAddress else { return text.isEmpty }
        return memcmp(base + offset, start, text.count) == 0
    }
}

/// An export written in pieces: new text, or byte ranges of the previous build's file. Runs of
/// old ranges that were adjacent in the old file (with the same bytes between them) are copied
/// with one write, so an incremental build copies an unchanged export in a few large writes.
///
/// The writes themselves run in order on a queue of the writer's own, so the kernel copies an
/// export while the caller goes on (fingerprinting, the overview, the other exports); a failed
/// write is reported by the next `append` or by `close`, which waits for every write.
///
/// A deferred writer (an incremental build's) writes nothing at first: it keeps the new file as
/// a list of pieces, so that the build can update the previous file in place when it commits
/// (`InPlaceEdit`), moving only what shifted. Once its new bytes pass a limit it starts
/// writing its file after all; `writeStaged()` does so when the file cannot be updated in place.
final class ExportWriter: @unchecked Sendable {
    let path: String
    /// The staged file, once writing has started.
    private var file: OpenFile?
    private let old: MappedFile?
    /// While deferred: the new file so far, as pieces not written anywhere.
    private(set) var plan: [ExportPiece]?
    private var planNewBytes = 0
    /// New bytes a deferred writer holds at most before it starts writing its file.
    private let planLimit: Int
    private let queue: DispatchQueue
    private let lock = Lock()
    /// The first failed write (set on the queue, read under `lock`).
    private var failure: Error?
    private var buffer: [UInt8] = []
    /// Old bytes not yet written, and new bytes after them that equal the old file's next bytes.
    private var run: Range<Int>?
    private var tail: [UInt8] = []
    /// A run this long is copied at once rather than when it ends, so copying starts early.
    private let runLimit: Int
    private static let bufferLimit = 1 << 20
    /// Bytes of the new file so far (written or pending).
    private(set) var position = 0

    /// Whether the previous file's pages are given back as they are copied (`MappedFile.dropCached`).
    private let recycle: Bool

    /// The previous build's file this export copies from, if any.
    var previousFile: MappedFile? { old }

    /// - Parameters:
    ///   - recycle: give the previous file's cached pages back as they are copied; only when
    ///     they are clean (`recycles`).
    ///   - deferred: keep the new file as pieces (see the type's notes); only with an `old` file.
    ///   - planLimit: the new bytes a deferred writer holds at most before it starts writing.
    init(_ path: String, old: MappedFile?, runLimit: Int = 8 << 20, recycle: Bool = false, deferred: Bool = false,
         planLimit: Int = 8 << 20) throws {
        self.path = path
        if deferred, old != nil {
            plan = []
        } else {
            file = try OpenFile(path)
        }
        self.old = old
        self.runLimit = max(1, runLimit)
        self.planLimit = planLimit
        self.recycle = recycle
        queue = DispatchQueue(label: "funnelmark.export")
        buffer.reserveCapacity(Self.bufferLimit)
    }

    /// Appends new text.
    func append(_ text: String) throws {
        var text = text
        try text.withUTF8 { try append(bytes: $0) }
    }

    func append(bytes: UnsafeBufferPointer<UInt8>) throws {
        guard !bytes.isEmpty else { return }
        position += bytes.count
        // The pending tail already equals the old bytes after the run; compare only what follows.
        if let run, let old, old.matches(bytes, at: run.upperBound + tail.count) {
            tail.append(contentsOf: bytes)
            return
        }
        try flushRun()
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferLimit { try flushBuffer() }
    }

    /// Appends the bytes of `range` of the old file.
    func appendOld(_ range: Range<Int>) throws {
        guard !range.isEmpty else { return }
        position += range.count
        if let current = run, range.lowerBound == current.upperBound + tail.count {
            run = current.lowerBound..<range.upperBound
            tail = []
            if range.upperBound - current.lowerBound >= runLimit {
                // Copy what the run holds now; it may go on from where it ends.
                try flushRun()
                run = range.upperBound..<range.upperBound
            }
            return
        }
        try flushRun()
        run = range
    }

    /// Writes what is pending and waits for every write; throws the first failure. A writer
    /// still deferred only completes its plan.
    func close() throws {
        try flushRun()
        try flushBuffer()
        guard plan == nil, let file else { return }
        queue.sync {}
        if let failure = lock.withLock({ failure }) { throw failure }
        try file.close()
    }

    /// Writes a deferred writer's file after all (when it cannot be updated in place).
    func writeStaged() throws {
        guard plan != nil else { return }
        try startWriting()
        try close()
    }

    /// Opens the staged file and queues the plan's pieces into it; the writer writes as it goes from now on.
    private func startWriting() throws {
        guard let pieces = plan, let old else { return }
        let file = try OpenFile(path)
        self.file = file
        plan = nil
        for piece in pieces {
            switch piece {
            case let .old(range):
                // A plan's range can be most of the file: copied in runs, as it would have been.
                for start in stride(from: range.lowerBound, to: range.upperBound, by: runLimit) {
                    try submitCopy(start..<min(range.upperBound, start + runLimit), from: old, into: file)
                }
            case let .new(bytes):
                try submit { try bytes.withUnsafeBytes { try file.write(raw: $0) } }
            }
        }
    }

    /// Queues the copy of `range` of the old file, its cached pages given back after if `recycle`.
    private func submitCopy(_ range: Range<Int>, from old: MappedFile, into file: OpenFile) throws {
        try submit { [recycle] in
            try file.copy(range, from: old)
            if recycle { old.dropCached(range) }
        }
    }

    private func flushRun() throws {
        guard let current = run, let old else { return }
        run = nil
        try flushBuffer()
        if !current.isEmpty {
            if plan != nil {
                // Pieces the run limit split are one piece here.
                if case let .old(last)? = plan?.last, last.upperBound == current.lowerBound {
                    plan![plan!.count - 1] = .old(last.lowerBound..<current.upperBound)
                } else {
                    plan!.append(.old(current))
                }
            } else if let file {
                try submitCopy(current, from: old, into: file)
            }
        }
        let pending = tail
        tail = []
        buffer.append(contentsOf: pending)
    }

    private func flushBuffer() throws {
        guard !buffer.isEmpty else { return }
        if plan != nil {
            // Exactly sized: the buffer keeps its capacity for what comes next.
            plan!.append(.new(Array(buffer)))
            planNewBytes += buffer.count
            buffer.removeAll(keepingCapacity: true)
            if planNewBytes > planLimit { try startWriting() }
            return
        }
        let bytes = buffer
        buffer = []
        buffer.reserveCapacity(Self.bufferLimit)
        guard let file else { return }
        try submit { try bytes.withUnsafeBytes { try file.write(raw: $0) } }
    }

    /// Queues a write after the earlier ones; a failure so far is thrown here.
    private func submit(_ write: @escaping @Sendable () throws -> Void) throws {
        if let failure = lock.withLock({ failure }) { throw failure }
        queue.async {
            guard self.lock.withLock({ self.failure == nil }) else { return }
            do { try write() } catch { self.lock.withLock { self.failure = error } }
        }
    }
}

/// How a campaign id appears in the exports.
enum ExportSpan {
    /// Whether `id` is written as it is in metrics.json (between quotes) and in CSV (no quotes,
    /// no `'` guard): printable ASCII without a quote, backslash or comma, not starting with `= + - @`.
    static func isPlain(_ id: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = id.first, first != UInt8(ascii: "="), first != UInt8(ascii: "+"),
              first != UInt8(ascii: "-"), first != UInt8(ascii: "@") else { return false }
        for b in id where b < 0x20 || b > 0x7E || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == UInt8(ascii: ",") {
            return false
        }
        return true
    }
}

extension ExportWriter {
    /// Whether copied pages of the previous exports may be given back: when the system holds
    /// almost no dirty or in-flight pages (read from /proc/meminfo), so the previous build's
    /// files have been written out (a rebuild right after a build leaves them alone).
    static var recycles: Bool {
        guard let bytes = readFile("/proc/meminfo") else { return false }
        let text = String(decoding: bytes, as: UTF8.self)
        var pending = 0, seen = 0
        for line in text.split(separator: "\n") where line.hasPrefix("Dirty:") || line.hasPrefix("Writeback:") {
            guard let kB = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) })
            else { return false }
            pending += kB
            seen += 1
        }
        return seen == 2 && pending < 8 << 10
    }
}
