#if canImport(Glibc)
import Glibc
#endif

/// A previous build's export, mapped into memory: an unchanged campaign's bytes are checked
/// and copied from here without reading them into strings. Read-only; safe across threads.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    /// Open for copying ranges in the kernel (`sendfile`).
    let fd: Int32
    private let length: Int

    init?(_ path: String) {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0,
              let base = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            close(fd)
            return nil
        }
        length = Int(info.st_size)
        bytes = UnsafeRawBufferPointer(start: base, count: length)
    }

    deinit {
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

    func matches(_ text: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + text.count <= bytes.count else { return false }
        for (k, b) in text.enumerated() where bytes[offset + k] != b { return false }
        return true
    }
}

/// An export written in pieces: new text, or byte ranges of the previous build's file. Runs of
/// old ranges that were adjacent in the old file (with the same bytes between them) are copied
/// with one write, so an incremental build copies an unchanged export in a few large writes.
final class ExportWriter {
    let file: OpenFile
    private let old: MappedFile?
    private var buffer: [UInt8] = []
    /// Old bytes not yet written, and new bytes after them that equal the old file's next bytes.
    private var run: Range<Int>?
    private var tail: [UInt8] = []
    /// Bytes of the new file so far (written or pending).
    private(set) var position = 0

    init(_ path: String, old: MappedFile?) throws {
        file = try OpenFile(path)
        self.old = old
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends new text.
    func append(_ text: String) throws {
        var text = text
        try text.withUTF8 { try append(bytes: $0) }
    }

    func append(bytes: UnsafeBufferPointer<UInt8>) throws {
        guard !bytes.isEmpty else { return }
        position += bytes.count
        if let run, let old, old.matches(tail + Array(bytes), at: run.upperBound) {
            tail.append(contentsOf: bytes)
            return
        }
        try flushRun()
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flushBuffer() }
    }

    /// Appends the bytes of `range` of the old file.
    func appendOld(_ range: Range<Int>) throws {
        guard !range.isEmpty else { return }
        position += range.count
        if let current = run, range.lowerBound == current.upperBound + tail.count {
            run = current.lowerBound..<range.upperBound
            tail = []
            return
        }
        try flushRun()
        run = range
    }

    func close() throws {
        try flushRun()
        try flushBuffer()
        try file.close()
    }

    private func flushRun() throws {
        guard let current = run, let old else { return }
        run = nil
        try flushBuffer()
        try file.copy(current, from: old)
        let pending = tail
        tail = []
        buffer.append(contentsOf: pending)
    }

    private func flushBuffer() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try file.write(raw: $0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
