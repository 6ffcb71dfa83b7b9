#if canImport(Glibc)
import Glibc
#endif

/// glibc's `fallocate`, a GNU extension the Glibc module does not declare; nil where there is none.
private let reserveSpace: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32)? = {
    guard let symbol = dlsym(nil, "fallocate") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32).self)
}()

/// `FALLOC_FL_KEEP_SIZE`: room is reserved past the end, the file's size stays.
private let keepSize: Int32 = 1

/// A piece of a new export: a range of the previous build's file, or new bytes.
enum ExportPiece: Sendable, Equatable {
    case old(Range<Int>)
    case new([UInt8])
}

/// The previous build's export turned into the new one where it lies: the ranges that kept
/// their place stay untouched, the ones that shifted are moved, the new bytes are written.
///
/// After one campaign of 10,000 changed, that moves the half of metrics.json after it (about
/// 26 MB) through pages already in memory, instead of writing a new 52 MB file into pages the
/// kernel must first find: 3.4-6.9 ms against 61-89 ms here (a C loop, each run right after a
/// full build and `sync`, as the benchmark runs it).
///
/// Only for a file that is the one the build mapped (same device and inode, same size) and has
/// no other name: a hard link elsewhere (a backup made with `cp -al`, say) must not change.
/// Elsewhere, and when the old ranges are out of order, the export is written whole instead.
final class InPlaceEdit {
    let path: String
    let pieces: [ExportPiece]
    /// Where each piece lands in the new file.
    private let positions: [Int]
    let oldLength: Int
    let newLength: Int
    private var fd: Int32

    /// Bytes moved per read and write.
    static let chunk = 256 << 10

    /// Opens `path` to be updated in place, or returns nil, having changed nothing, when it
    /// cannot be: not `old`'s file any more, linked elsewhere, a piece outside it, or no room
    /// for it to grow (the room is reserved now, so the edit itself cannot run out of space).
    init?(_ path: String, pieces: [ExportPiece], old: MappedFile) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var file = stat(), mapped = stat()
        let length = old.bytes.count
        var positions: [Int] = []
        positions.reserveCapacity(pieces.count)
        var newLength = 0
        for piece in pieces {
            positions.append(newLength)
            switch piece {
            case let .old(range): newLength += range.count
            case let .new(bytes): newLength += bytes.count
            }
        }
        // The old ranges must be in the file and in its order, none overlapping (see `apply`);
        // a campaign that moved in the list brings its range out of order.
        var end = 0
        let fits = pieces.allSatisfy { piece in
            guard case let .old(range) = piece else { return true }
            defer { end = range.upperBound }
            return range.lowerBound >= end && range.upperBound <= length
        }
        guard fits, fstat(fd, &file) == 0, fstat(old.fd, &mapped) == 0, (file.st_mode & S_IFMT) == S_IFREG,
              file.st_dev == mapped.st_dev, file.st_ino == mapped.st_ino, file.st_nlink == 1, Int(file.st_size) == length,
              newLength <= length || reserveSpace?(fd, keepSize, off_t(length), off_t(newLength - length)) == 0
        else {
            close(fd)
            return nil
        }
        self.path = path
        self.pieces = pieces
        self.positions = positions
        self.fd = fd
        oldLength = length
        self.newLength = newLength
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Makes the file the new export. A failure part way leaves it neither old nor new, so the
    /// build removes its manifest first (the next build is then a full one).
    ///
    /// The order makes every range read before anything lands on it. New positions follow
    /// the old ones' order and never overlap, so a range moving left can only land on ranges
    /// before it, and one moving right only on ranges after it; a range moving left cannot land
    /// on an earlier one moving right (that one's new place lies between them). So the ranges
    /// moving left go first, front to back; then the ones moving right, back to front; then the
    /// new bytes, whose places no range still to be read covers. Each range is moved a chunk at
    /// a time through a buffer, from the end that cannot overwrite what it has still to read.
    func apply() throws {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.chunk, alignment: 4096)
        defer { buffer.deallocate() }
        for (k, piece) in pieces.enumerated() {
            if case let .old(range) = piece, positions[k] < range.lowerBound {
                var done = 0
                while done < range.count {
                    let n = min(Self.chunk, range.count - done)
                    try move(n, from: range.lowerBound + done, to: positions[k] + done, through: buffer)
                    done += n
                }
            }
        }
        for (k, piece) in pieces.enumerated().reversed() {
            if case let .old(range) = piece, positions[k] > range.lowerBound {
                var left = range.count
                while left > 0 {
                    let n = min(Self.chunk, left)
                    left -= n
                    try move(n, from: range.lowerBound + left, to: positions[k] + left, through: buffer)
                }
            }
        }
        for (k, piece) in pieces.enumerated() {
            if case let .new(bytes) = piece {
                try bytes.withUnsafeBytes { try write($0, at: positions[k]) }
            }
        }
        if newLength < oldLength, ftruncate(fd, off_t(newLength)) != 0 { throw failure() }
        let result = close(fd)
        fd = -1
        if result != 0 { throw failure() }
    }

    private func move(_ count: Int, from source: Int, to target: Int, through buffer: UnsafeMutableRawPointer) throws {
        var read = 0
        while read < count {
            let n = pread(fd, buffer + read, count - read, off_t(source + read))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw n == 0 ? OutputError(path: path, message: "cannot update the file in place: it ended early") : failure() }
            read += n
        }
        try write(UnsafeRawBufferPointer(start: buffer, count: count), at: target)
    }

    private func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw failure() }
            done += n
        }
    }

    private func failure() -> OutputError {
        OutputError(path: path, message: "cannot update the file in place: \(String(cString: strerror(errno)))")
    }
}
