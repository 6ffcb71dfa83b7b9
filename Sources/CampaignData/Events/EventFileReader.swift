import Glibc

// Stage "load", for event files: reads a byte range of a file through one
// reusable buffer (pread, so parts of one file can be read at once), hands
// each record to the tally, and turns problems into exact FILE:LINE:COL
// locations. No String is made per field or per line on the way.

enum EventFileFormat {
    case csv, jsonLines

    init?(path: String) {
        if path.hasSuffix(".csv") { self = .csv }
        else if path.hasSuffix(".jsonl") { self = .jsonLines }
        else { return nil }
    }
}

/// An open event file.
final class EventFile: @unchecked Sendable {
    // @unchecked: immutable after init; pread does not move a shared offset.
    let path: String
    let size: Int
    let format: EventFileFormat
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        format = EventFileFormat(path: path) ?? .csv
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw InputError(errno == ENOENT ? .missing : .invalid, path: path, "cannot open the event file: \(reason)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw InputError(.invalid, path: path, "cannot read the event file: \(reason)")
        }
        size = Int(info.st_size)
    }

    deinit { close(fd) }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int) throws -> Int {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(.invalid, path: path, "cannot read the event file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }
}

/// A problem in one part of a file, at a line counted from the part's first line (0-based).
struct PartProblem {
    var lineInPart: Int
    var column: Int
    var message: String
}

/// What reading one part of a file produced, besides its tally.
struct PartOutcome {
    var start: Int
    /// File offset after the last record read: where the next part must start.
    var end: Int
    /// Line breaks consumed, so the next part can number its lines.
    var newlines = 0
    var badRows: [PartProblem] = []
    var skipped = 0
    /// In strict mode, the bad row that stopped the part.
    var failure: PartProblem?
}

/// The header row of a CSV event file.
struct CSVHeader {
    var columns: [EventField?]
    /// File offset of the first data record.
    var dataStart: Int
    /// Line number (1-based) of the first data record.
    var firstDataLine: Int
}

enum EventFileReader {
    /// The longest record read; longer means a quote that is never closed (or not an event file).
    static let maxRecordBytes = 64 << 20

    // MARK: - Parts

    /// Records scanned before they are applied together (see `EventTally.prefetch`).
    static let batchSize = 32

    /// Reads the records that start in `start..<limit` (the last one may run past `limit`).
    static func readPart<S: EventRecordScanner>(_ scanner: inout S, file: EventFile, start: Int, limit: Int,
                                                tally: inout EventTally, options: EventLoadOptions) throws -> PartOutcome {
        var capacity = max(64, options.bufferSize)
        var buf = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buf.deallocate() }
        var base = start
        var filled = 0
        var pos = 0
        var eof = start >= file.size
        var line = 0
        var outcome = PartOutcome(start: start, end: start)

        // The batch: each record's fields, start (buffer index) and line (in the part).
        let width = EventField.recordWidth
        let batch = UnsafeMutablePointer<FieldSlice>.allocate(capacity: batchSize * width)
        batch.initialize(repeating: FieldSlice(), count: batchSize * width)
        let batchStarts = UnsafeMutablePointer<Int>.allocate(capacity: batchSize)
        let batchLines = UnsafeMutablePointer<Int>.allocate(capacity: batchSize)
        let hints = UnsafeMutablePointer<Int>.allocate(capacity: batchSize)
        let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: batchSize)
        defer {
            batch.deallocate()
            batchStarts.deallocate()
            batchLines.deallocate()
            hints.deallocate()
            hashes.deallocate()
        }
        var batchCount = 0
        // After the first sixteenth of a large part, size the recipient table for the whole part.
        var sizingPoint = limit - start >= 16 << 20 ? start + (limit - start) / 16 : Int.max
        let countAtStart = tally.recipients.count

        /// Records a problem at buffer index `at` in the record starting at `recordStart`
        /// on part line `recordLine`; false: stop (strict).
        func problem(at: Int, recordStart: Int, recordLine: Int, _ message: String) -> Bool {
            var lineInPart = recordLine
            var lineStart = recordStart
            var column = 1
            var i = recordStart
            let stop = min(at, filled)
            while i < stop {
                if buf[i] == UInt8(ascii: "\n") {
                    lineInPart += 1
                    lineStart = i + 1
                }
                i += 1
            }
            for j in lineStart..<stop where buf[j] & 0xC0 != 0x80 { column += 1 }
            let found = PartProblem(lineInPart: lineInPart, column: column, message: message)
            if options.skipBadRows {
                outcome.skipped += 1
                if outcome.badRows.count < options.maxReportedBadRows { outcome.badRows.append(found) }
                return true
            }
            outcome.failure = found
            return false
        }

        /// Applies the batched records; false: stopped at a bad row (strict).
        func flush() -> Bool {
            defer { batchCount = 0 }
            guard batchCount > 0 else { return true }
            tally.prefetch(batch, count: batchCount, buffer: buf, scratch: scanner.scratch, campaigns: hints, hashes: hashes)
            for i in 0..<batchCount {
                let fields = batch + i * width
                do {
                    try tally.ingest(RecordView(fields: fields, buffer: buf, scratch: scanner.scratch),
                                     campaignHint: hints[i], hash: hashes[i])
                } catch {
                    let slice = fields[error.field.rawValue]
                    if !problem(at: slice.present ? slice.position : batchStarts[i], recordStart: batchStarts[i],
                                recordLine: batchLines[i], error.message) {
                        // Strict: the part ends before the bad row.
                        pos = batchStarts[i]
                        line = batchLines[i]
                        return false
                    }
                }
            }
            return true
        }

        func refill() throws {
            if pos > 0 {
                if filled > pos { memmove(buf, buf + pos, filled - pos) }
                base += pos
                filled -= pos
                pos = 0
            }
            if filled == capacity {
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                grown.update(from: buf, count: filled)
                buf.deallocate()
                buf = grown
                capacity *= 2
            }
            let n = try file.read(into: buf + filled, count: capacity - filled, at: base + filled)
            filled += n
            if n == 0 || base + filled >= file.size { eof = true }
        }

        reading: while true {
            if base + pos >= limit { break }
            if base + pos >= sizingPoint {
                let read = base + pos - start
                let added = tally.recipients.count - countAtStart
                tally.recipients.reserve(countAtStart + added / 16 * 17 * (limit - start) / read)
                sizingPoint = .max
            }
            if pos == filled {
                if eof { break }
                guard flush() else { break reading }
                try refill()
                continue
            }
            switch scanner.scan(buf, from: pos, to: filled, atEOF: eof, into: batch + batchCount * width) {
            case .record(let end, let newlines):
                batchStarts[batchCount] = pos
                batchLines[batchCount] = line
                batchCount += 1
                pos = end
                line += newlines
                // Unescaped values live in the scanner's scratch until the next scan.
                if batchCount == batchSize || scanner.usedScratch {
                    guard flush() else { break reading }
                }
            case .blank(let end, let newlines):
                pos = end
                line += newlines
            case .needMore:
                guard flush() else { break reading }
                if eof { break reading }  // scanners decide at EOF; defensive
                if filled - pos >= maxRecordBytes {
                    let message = scanner.openQuote != nil
                        ? "quoted field not closed within \(maxRecordBytes >> 20) MiB: expected a closing quote"
                        : "row longer than \(maxRecordBytes >> 20) MiB: expected one event per line"
                    _ = problem(at: scanner.openQuote ?? pos, recordStart: pos, recordLine: line, message)
                    // The rest of the file cannot be split into rows reliably: stop here.
                    pos = filled
                    base = file.size - pos
                    break reading
                }
                try refill()
            case .bad(let end, let newlines, let at):
                guard flush() else { break reading }
                if !problem(at: at, recordStart: pos, recordLine: line, scanner.problem) { break reading }
                pos = end
                line += newlines
            case .fatal(let at):
                guard flush() else { break reading }
                _ = problem(at: at, recordStart: pos, recordLine: line, scanner.problem)
                if options.skipBadRows {
                    // The row runs to the end of the file: skipped as one row.
                    pos = filled
                    base = file.size - pos
                }
                break reading
            }
        }
        _ = flush()
        outcome.end = base + pos
        outcome.newlines = line
        return outcome
    }

    // MARK: - Header

    /// The CSV header (after an optional BOM and blank lines); nil when the file has no rows.
    static func readCSVHeader(_ file: EventFile) throws -> CSVHeader? {
        var bytes: [UInt8] = []
        var chunk = 1 << 16
        var eof = file.size == 0
        func more() throws {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: chunk))
            let n = try bytes.withUnsafeMutableBufferPointer { try file.read(into: $0.baseAddress! + start, count: chunk, at: start) }
            bytes.removeLast(chunk - n)
            if n < chunk || bytes.count >= file.size { eof = true }
            chunk = min(chunk * 2, maxRecordBytes)
        }
        if !eof { try more() }
        var pos = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let bomEnd = pos
        var line = 1
        while true {
            // Skip blank lines.
            var q = pos
            while q < bytes.count, bytes[q] == 0x20 || bytes[q] == 0x09 || bytes[q] == 0x0D { q += 1 }
            if q == bytes.count {
                if eof { return nil }
                try more()
                continue
            }
            if bytes[q] == 0x0A {
                pos = q + 1
                line += 1
                continue
            }
            break
        }
        while true {
            switch splitHeader(bytes, from: pos, atEOF: eof) {
            case .needMore:
                guard bytes.count - pos < maxRecordBytes else {
                    throw InputError(.invalid, at: SourceLocation(file: file.path, line: line, column: 1),
                                     "header row longer than \(maxRecordBytes >> 20) MiB: expected one line of column names")
                }
                try more()
            case .bad(let at, let message):
                throw InputError(.invalid, at: location(bytes, file: file.path, line: line, lineStart: pos, at: at, bomEnd: bomEnd), message)
            case .header(let names, let end, let newlines):
                var columns: [EventField?] = []
                var seen: [EventField: Int] = [:]
                for (i, name) in names.enumerated() {
                    var text = trimmingSpaces(name.text)
                    let field = text.withUTF8 { EventField.named($0) }
                    if let field {
                        if let first = seen[field] {
                            throw InputError(.invalid, at: location(bytes, file: file.path, line: line, lineStart: pos, at: name.position, bomEnd: bomEnd),
                                             "duplicate column \(quoted(field.name)) (also column \(first + 1) of the header): expected each column once")
                        }
                        seen[field] = i
                    }
                    columns.append(field)
                }
                if let absent = EventField.required.first(where: { seen[$0] == nil }) {
                    let found = names.map { quoted($0.text) }.joined(separator: ", ")
                    throw InputError(.invalid, at: SourceLocation(file: file.path, line: line, column: 1),
                                     "header has no \(quoted(absent.name)) column (found \(found)): expected the columns campaign_id, recipient, event and timestamp, and optionally url, bounce_type, user_agent and machine")
                }
                return CSVHeader(columns: columns, dataStart: end, firstDataLine: line + newlines)
            }
        }
    }

    private enum HeaderScan {
        case header([(text: String, position: Int)], end: Int, newlines: Int)
        case needMore
        case bad(at: Int, message: String)
    }

    private static func splitHeader(_ b: [UInt8], from start: Int, atEOF: Bool) -> HeaderScan {
        var names: [(text: String, position: Int)] = []
        var p = start
        var newlines = 0
        while true {
            let fieldStart = p
            var value: [UInt8] = []
            if p < b.count, b[p] == UInt8(ascii: "\"") {
                p += 1
                while true {
                    guard p < b.count else {
                        return atEOF ? .bad(at: fieldStart, message: "unterminated quoted field: the quote opened here is never closed") : .needMore
                    }
                    if b[p] == UInt8(ascii: "\"") {
                        if p + 1 < b.count, b[p + 1] == UInt8(ascii: "\"") { value.append(b[p]); p += 2; continue }
                        if p + 1 == b.count, !atEOF { return .needMore }
                        p += 1
                        break
                    }
                    if b[p] == 0x0A { newlines += 1 }
                    value.append(b[p])
                    p += 1
                }
                if p < b.count, b[p] != UInt8(ascii: ","), b[p] != 0x0A, !(b[p] == 0x0D && p + 1 < b.count && b[p + 1] == 0x0A) {
                    return .bad(at: p, message: "unexpected \(quoted(String(decoding: [b[p]], as: UTF8.self))) after a closing quote: expected a comma or the end of the line")
                }
            } else {
                while p < b.count, b[p] != UInt8(ascii: ","), b[p] != 0x0A, !(b[p] == 0x0D && p + 1 < b.count && b[p + 1] == 0x0A) {
                    value.append(b[p])
                    p += 1
                }
            }
            if p == b.count, !atEOF { return .needMore }
            if p == b.count, value.last == 0x0D { value.removeLast() }
            names.append((String(decoding: value, as: UTF8.self), fieldStart))
            if p == b.count { return .header(names, end: p, newlines: newlines) }
            if b[p] == UInt8(ascii: ",") { p += 1; continue }
            p += b[p] == 0x0D ? 2 : 1
            return .header(names, end: p, newlines: newlines + 1)
        }
    }

    /// FILE:LINE:COL of byte `at`, counting from `lineStart` on line `line`; the BOM is not a column.
    private static func location(_ b: [UInt8], file: String, line: Int, lineStart: Int, at: Int, bomEnd: Int) -> SourceLocation {
        var line = line
        var start = max(lineStart, bomEnd)
        for i in lineStart..<at where b[i] == 0x0A {
            line += 1
            start = i + 1
        }
        let column = 1 + b[start..<at].filter { $0 & 0xC0 != 0x80 }.count
        return SourceLocation(file: file, line: line, column: column)
    }

    private static func trimmingSpaces(_ text: String) -> String {
        var rest = Substring(text)
        while let first = rest.first, first == " " || first == "\t" { rest.removeFirst() }
        while let last = rest.last, last == " " || last == "\t" { rest.removeLast() }
        return String(rest)
    }

    // MARK: - Splitting

    /// Offsets where parts start: `from`, then just after the first line break at or
    /// after each equal share of the file, then the file size. A break inside a
    /// quoted field makes a wrong guess; `EventLoader` detects it (the part before
    /// does not end where the guess starts) and rereads that part from the right place.
    static func splitPoints(_ file: EventFile, from start: Int, parts: Int) throws -> [Int] {
        var points = [start]
        guard parts > 1, start < file.size else { return [start, max(start, file.size)] }
        let window = 1 << 16
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: window)
        defer { buffer.deallocate() }
        for k in 1..<parts {
            var offset = max(start + (file.size - start) * k / parts - 1, points.last!)
            var point = file.size
            search: while offset < file.size {
                let n = try file.read(into: buffer, count: window, at: offset)
                if n == 0 { break }
                if let found = memchr(buffer, 0x0A, n) {
                    point = offset + buffer.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                    break search
                }
                offset += n
            }
            if point > points.last!, point < file.size { points.append(point) }
        }
        points.append(file.size)
        return points
    }
}
