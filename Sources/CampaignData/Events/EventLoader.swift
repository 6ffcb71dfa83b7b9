import Dispatch
import Foundation

/// Stages "load" and "aggregate events": reads the event files of a data
/// folder and computes each campaign's figures (DESIGN.md, "Metric definitions").
///
/// How it stays fast and small: each file is read in large chunks and parsed
/// as bytes; campaign ids, URLs and user agents are interned; each (campaign,
/// recipient) pair gets one 32-byte state in an exact hash table, so memory
/// grows with distinct pairs, not with events. A large file is cut into one
/// part per core at line breaks; each part fills its own tables, and the
/// tables are merged at the end (recipient states OR-ed, earliest times kept).
///
/// Parallel parts and quoted line breaks: a cut is a guess that the line break
/// is not inside a quoted field. It is checked, not assumed: part k−1 reads
/// whole records until it passes the cut, so it ends exactly at the cut if and
/// only if the cut is a record boundary. If not, part k is thrown away and
/// reread from where part k−1 really ended. Results, line numbers and error
/// locations are therefore exactly those of a sequential read.
public enum EventLoader {
    /// Files smaller than this are read by one part: a second would not pay for its merge.
    static let minimumPartBytes = 8 << 20

    /// `events*.csv` and `events*.jsonl` in `dataDirectory`, and every `*.csv` and
    /// `*.jsonl` in `dataDirectory/events/`, as paths sorted by name.
    public static func eventFiles(in dataDirectory: String) throws -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: dataDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(.missing, path: dataDirectory, "data folder does not exist")
        }
        func isEventFile(_ name: String) -> Bool {
            !name.hasPrefix(".") && (name.hasSuffix(".csv") || name.hasSuffix(".jsonl"))
        }
        func regularFiles(in folder: String, _ accept: (String) -> Bool) throws -> [String] {
            let names: [String]
            do { names = try manager.contentsOfDirectory(atPath: folder) } catch {
                throw InputError(.invalid, path: folder, "cannot list the folder: \(error.localizedDescription)")
            }
            return names.filter(accept).map { folder + "/" + $0 }.filter { path in
                var dir: ObjCBool = false
                return manager.fileExists(atPath: path, isDirectory: &dir) && !dir.boolValue
            }
        }
        let base = dataDirectory.hasSuffix("/") && dataDirectory.count > 1 ? String(dataDirectory.dropLast()) : dataDirectory
        var files = try regularFiles(in: base) { $0.hasPrefix("events") && isEventFile($0) }
        let folder = base + "/events"
        if manager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue {
            files += try regularFiles(in: folder, isEventFile)
        }
        return files.sorted()
    }

    /// Loads and aggregates the event files of `dataDirectory`.
    /// `campaigns`: id → `sent_at` of the known campaigns; an event for any other id is a bad row.
    /// Throws `InputError` at the first bad row unless `options.skipBadRows`.
    public static func load(dataDirectory: String, campaigns: [String: Timestamp?],
                            options: EventLoadOptions = EventLoadOptions()) throws -> EventData {
        try load(files: eventFiles(in: dataDirectory), campaigns: campaigns, options: options)
    }

    /// How a load went, for tests and benchmarks.
    struct Statistics {
        /// Parts read (a file read in one piece is one part).
        var parts = 0
        /// Parts reread because their cut fell inside a quoted field.
        var rereadParts = 0
    }

    /// Loads and aggregates the given event files, in order.
    static func load(files: [String], campaigns: [String: Timestamp?], options: EventLoadOptions) throws -> EventData {
        var statistics = Statistics()
        return try load(files: files, campaigns: campaigns, options: options, statistics: &statistics)
    }

    static func load(files: [String], campaigns: [String: Timestamp?], options: EventLoadOptions,
                     statistics: inout Statistics) throws -> EventData {
        let context = EventContext(campaigns: campaigns)
        let main = TallyBox(context: context)
        var extras: [TallyBox] = []
        var result = EventData(files: files)
        for path in files {
            let file = try EventFile(path: path)
            // Keep the tables in file order: what an earlier file's parts found goes into the main table first.
            for extra in extras { main.tally.absorb(extra.tally) }
            extras.removeAll()
            extras = try readFile(file, context: context, main: main, options: options, into: &result, statistics: &statistics)
        }
        result.campaigns = EventTallyMerge.finish(tables: [main] + extras, context: context)
        return result
    }

    /// Reads one file; returns the tables of its parts after the first (which fills `main`).
    private static func readFile(_ file: EventFile, context: EventContext, main: TallyBox, options: EventLoadOptions,
                                 into result: inout EventData, statistics: inout Statistics) throws -> [TallyBox] {
        let columns: [EventField?]
        let dataStart: Int
        var firstLine: Int
        switch file.format {
        case .csv:
            guard let header = try EventFileReader.readCSVHeader(file) else { return [] }
            columns = header.columns
            dataStart = header.dataStart
            firstLine = header.firstDataLine
        case .jsonLines:
            columns = []
            var bom = [UInt8](repeating: 0, count: 3)
            let n = try bom.withUnsafeMutableBufferPointer { try file.read(into: $0.baseAddress!, count: 3, at: 0) }
            dataStart = n == 3 && bom == [0xEF, 0xBB, 0xBF] ? 3 : 0
            firstLine = 1
        }

        let workers = max(1, options.workerCount ?? ProcessInfo.processInfo.activeProcessorCount)
        let bytes = file.size - dataStart
        let wanted = options.partSize.map { max(1, (bytes + $0 - 1) / max(1, $0)) } ?? min(workers, max(1, bytes / minimumPartBytes))
        let points = try EventFileReader.splitPoints(file, from: dataStart, parts: min(wanted, 256))
        let partCount = points.count - 1
        statistics.parts += partCount

        var boxes = [main] + (1..<max(1, partCount)).map { _ in TallyBox(context: context) }
        let slots = PartSlots(count: partCount)
        if partCount == 1 {
            slots.set(0, Result { try readPart(file, columns: columns, start: points[0], limit: points[1], box: main, options: options) })
        } else {
            let queue = DispatchQueue(label: "funnelmark.events", attributes: .concurrent)
            let group = DispatchGroup()
            let gate = DispatchSemaphore(value: workers)
            for k in 0..<partCount {
                let box = boxes[k]
                gate.wait()
                queue.async(group: group) {
                    slots.set(k, Result { try readPart(file, columns: columns, start: points[k], limit: points[k + 1], box: box, options: options) })
                    gate.signal()
                }
            }
            group.wait()
        }

        var extras: [TallyBox] = []
        for k in 0..<partCount {
            let outcome: PartOutcome
            if k > 0, case let previousEnd = slots.end(k - 1), previousEnd != points[k] {
                // The cut fell inside a quoted field: whatever this part found is void;
                // reread it from the true record boundary.
                boxes[k] = TallyBox(context: context)
                statistics.rereadParts += 1
                outcome = try readPart(file, columns: columns, start: previousEnd, limit: max(points[k + 1], previousEnd),
                                       box: boxes[k], options: options)
                slots.set(k, .success(outcome))
            } else {
                outcome = try slots.get(k).get()
            }
            if k > 0 { extras.append(boxes[k]) }
            for problem in outcome.badRows where result.badRows.count < options.maxReportedBadRows {
                result.badRows.append(BadRow(location: SourceLocation(file: file.path, line: firstLine + problem.lineInPart, column: problem.column),
                                             message: problem.message))
            }
            result.skippedRowCount += outcome.skipped
            if let failure = outcome.failure {
                throw InputError(.invalid, at: SourceLocation(file: file.path, line: firstLine + failure.lineInPart, column: failure.column),
                                 failure.message)
            }
            firstLine += outcome.newlines
        }
        return extras
    }

    private static func readPart(_ file: EventFile, columns: [EventField?], start: Int, limit: Int, box: TallyBox,
                                 options: EventLoadOptions) throws -> PartOutcome {
        switch file.format {
        case .csv:
            var scanner = CSVRecordScanner(columns: columns)
            defer { scanner.release() }
            return try EventFileReader.readPart(&scanner, file: file, start: start, limit: limit, tally: &box.tally, options: options)
        case .jsonLines:
            var scanner = JSONLinesRecordScanner()
            defer { scanner.release() }
            return try EventFileReader.readPart(&scanner, file: file, start: start, limit: limit, tally: &box.tally, options: options)
        }
    }
}

/// The outcomes of a file's parts, written by the threads that read them.
private final class PartSlots: @unchecked Sendable {
    // @unchecked: every access holds the lock.
    private var results: [Result<PartOutcome, Error>?]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ k: Int, _ result: Result<PartOutcome, Error>) {
        lock.lock()
        results[k] = result
        lock.unlock()
    }

    func get(_ k: Int) -> Result<PartOutcome, Error> {
        lock.lock()
        defer { lock.unlock() }
        return results[k]!
    }

    /// Where part `k` ended; a part that failed ends nowhere a later part could start.
    func end(_ k: Int) -> Int {
        if case .success(let outcome) = get(k) { return outcome.end }
        return -1
    }
}
