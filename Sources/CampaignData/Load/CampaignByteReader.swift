import Dispatch

/// Reads campaigns straight from the bytes of campaigns.json, without a JSON tree: the fast
/// path of `CampaignLoader.parse`.
///
/// It accepts only what the tree reader (`JSONParser` and `FieldReader`) accepts, and gives the
/// same campaigns, digests and locations. On anything it does not take in its stride (any
/// error, an escaped or non-ASCII member name, a duplicate id, a negative zero…) it returns nil
/// and the tree reader reads the file again, so every error message has one implementation and
/// stays as it was; this reader only has to be right about input that is good.
///
/// A large file is read on every core: the campaign array is cut at guessed element boundaries
/// (text like `}, {"id"` near evenly spaced offsets, found without knowing where strings are),
/// each piece is read on its own, and a piece is used only if the piece before it ended exactly
/// where it starts. A wrong guess (inside a string, between nested objects) costs time, never
/// correctness.
enum CampaignByteReader {
    /// Pieces are at least this long (below twice this, the file is read on one core).
    static let minimumPieceBytes = 256 * 1024

    /// The campaigns of `bytes`, or nil when the tree reader must read them (see the type's comment).
    /// - Parameters:
    ///   - pieces: how many pieces to cut the array into; nil picks by size and core count.
    ///   - splitAt: byte offsets to start pieces at instead of searching for boundaries (for tests).
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, file: String, pieces: Int? = nil, splitAt: [Int]? = nil) -> [Campaign]? {
        do {
            return try readOrGiveUp(bytes, file: file, pieces: pieces, splitAt: splitAt)
        } catch {
            return nil
        }
    }

    private static func readOrGiveUp(_ bytes: UnsafeBufferPointer<UInt8>, file: String, pieces: Int?,
                                     splitAt: [Int]?) throws(GiveUp) -> [Campaign] {
        // The document up to the first campaign, on this thread.
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        var head = ByteCursor(bytes, at: bom ? 3 : 0, depth: 0)
        head.skipWhitespace()
        let rootIsObject: Bool
        switch head.current {
        case UInt8(ascii: "["):
            rootIsObject = false
        case UInt8(ascii: "{"):
            rootIsObject = true
            try head.findCampaignsMember()
        default:
            throw GiveUp()
        }
        try head.enter()
        head.index += 1
        head.skipWhitespace()
        if head.current == UInt8(ascii: "]") {
            head.index += 1
            head.leave()
            try head.finishDocument(rootIsObject: rootIsObject)
            return []
        }
        let first = head.index
        // The head cursor started at the top of the file: its position is absolute but for 1-based lines.
        let firstPosition = RelativePosition(lines: head.relativePosition.lines + 1, column: head.relativePosition.column)
        let arrayDepth = head.depth

        // Where pieces start: the first campaign, then guessed boundaries in increasing order.
        var starts = [first]
        // A few pieces a core: a core that is busy with something else then holds up less.
        let count = pieces ?? min(4 * activeProcessorCount, 32, max(1, (bytes.count - first) / minimumPieceBytes))
        if let splitAt {
            for offset in splitAt.sorted() where offset > starts[starts.count - 1] && offset < bytes.count { starts.append(offset) }
        } else if count > 1, let signature = firstMemberSignature(bytes, at: first) {
            let length = bytes.count - first
            for k in 1..<count {
                let from = max(first + length / count * k, starts[starts.count - 1] + 1)
                let to = k + 1 < count ? first + length / count * (k + 1) : bytes.count
                if let boundary = elementBoundary(bytes, signature: signature, from: from, to: to) { starts.append(boundary) }
            }
        }

        let context = PieceContext(bytes: UncheckedBytes(bytes), file: file, starts: starts, arrayDepth: arrayDepth,
                                   rootIsObject: rootIsObject, firstPosition: firstPosition)
        var results: [Piece?]
        if starts.count == 1 {
            results = [try? context.read(piece: 0)]
        } else {
            results = parallelMap(starts.count, grain: 1) { k in try? context.read(piece: k) }
        }

        // Follow the chain of pieces that end where the next one starts. (Taken out of `results`,
        // a piece's campaigns are referenced once, so they are relocated in place.)
        var piece = try take(&results, 0)
        var campaigns = piece.campaigns
        var idHashes = piece.idHashes
        var base = piece.base
        while let next = piece.landed {
            base = base.advanced(by: piece.end)
            piece = try take(&results, next)
            for i in piece.campaigns.indices {
                if let at = piece.campaigns[i].location {
                    let absolute = base.advanced(by: RelativePosition(lines: at.line, column: at.column))
                    piece.campaigns[i].location = SourceLocation(file: file, line: absolute.lines, column: absolute.column)
                }
            }
            campaigns += piece.campaigns
            idHashes += piece.idHashes
        }

        // A duplicate id is an error: the tree reader words it.
        if hasDuplicateIds(campaigns, hashes: idHashes) { throw GiveUp() }
        return campaigns
    }

    /// Moves piece `k` out of `results` (nil: it gave up).
    private static func take(_ results: inout [Piece?], _ k: Int) throws(GiveUp) -> Piece {
        guard let piece = results[k].take() else { throw GiveUp() }
        return piece
    }

    /// Whether two campaigns have equal ids (as strings compare), given each id's hash value.
    static func hasDuplicateIds(_ campaigns: [Campaign], hashes: [Int]) -> Bool {
        guard hashes.count == campaigns.count else { return true }
        // Open addressing over campaign indexes; strings are compared only when hashes are equal.
        var capacity = 16
        while capacity < 2 * campaigns.count { capacity <<= 1 }
        let mask = capacity - 1
        var slots = [Int](repeating: -1, count: capacity)
        for i in campaigns.indices {
            var slot = hashes[i] & mask
            while slots[slot] >= 0 {
                let j = slots[slot]
                if hashes[j] == hashes[i], campaigns[j].id == campaigns[i].id { return true }
                slot = (slot + 1) & mask
            }
            slots[slot] = i
        }
        return false
    }

    // MARK: - Boundaries

    /// The bytes from the first campaign's `{` through its first member name's closing quote
    /// (`{"id"`): a later element starting with the same bytes is likely a campaign.
    static func firstMemberSignature(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> ArraySlice<UInt8>? {
        var i = start + 1
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        while i < bytes.count, i - start < 64, bytes[i] != UInt8(ascii: "\"") {
            if bytes[i] == UInt8(ascii: "\\") || bytes[i] < 0x20 { return nil }
            i += 1
        }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        return ArraySlice(bytes[start...i])
    }

    /// The first offset in `from..<to` that starts `signature` and follows `}` `,` (with any
    /// whitespace around the comma): a guess at the start of a top-level array element.
    static func elementBoundary(_ bytes: UnsafeBufferPointer<UInt8>, signature: ArraySlice<UInt8>, from: Int, to: Int) -> Int? {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        var i = from
        while i < to, i + signature.count <= bytes.count {
            if bytes[i] == UInt8(ascii: "{"), bytes[i..<(i + signature.count)].elementsEqual(signature) {
                var j = i - 1
                while j > 0, isSpace(bytes[j]) { j -= 1 }
                if j > 0, bytes[j] == UInt8(ascii: ",") {
                    j -= 1
                    while j > 0, isSpace(bytes[j]) { j -= 1 }
                    if j >= 0, bytes[j] == UInt8(ascii: "}") { return i }
                }
            }
            i += 1
        }
        return nil
    }
}

// MARK: - Pieces

/// Gave up: the tree reader reads the file instead.
struct GiveUp: Error {}

/// A line and column relative to a piece's start: on the piece's first line (`lines` 0) the
/// column counts from the piece's start, so it must be added to the start's own column.
struct RelativePosition: Equatable {
    var lines: Int
    var column: Int

    /// The position `relative` (measured from this one) as measured from where this one is measured.
    func advanced(by relative: RelativePosition) -> RelativePosition {
        relative.lines == 0 ? RelativePosition(lines: lines, column: column + relative.column - 1)
            : RelativePosition(lines: lines + relative.lines, column: relative.column)
    }
}

/// The result of reading one piece of the campaign array.
struct Piece {
    /// Its campaigns, located relative to the piece's start (the first piece: absolutely).
    var campaigns: [Campaign]
    /// Where the first piece's start is, absolutely (the other pieces: unused).
    var base: RelativePosition
    /// The piece whose start this piece reached, after a comma, at `end`; nil when this piece
    /// read to the end of the document.
    var landed: Int?
    var end: RelativePosition
    /// Each campaign's `id.hashValue`, computed here rather than on the thread that joins the pieces.
    var idHashes: [Int]
}

/// Lets the file's bytes be read from several threads (nothing writes them).
struct UncheckedBytes: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
    init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }
}

/// What every piece needs to know about the document.
struct PieceContext: Sendable {
    let bytes: UncheckedBytes
    let file: String
    /// Where each piece starts: the first campaign, then guessed boundaries, increasing.
    let starts: [Int]
    let arrayDepth: Int
    let rootIsObject: Bool
    let firstPosition: RelativePosition

    /// Reads the campaigns from `starts[k]` until the start of a later piece (right after a
    /// comma) or the end of the document.
    func read(piece k: Int) throws(GiveUp) -> Piece {
        var cursor = ByteCursor(bytes.buffer, at: starts[k], depth: arrayDepth)
        let base = k == 0 ? firstPosition : RelativePosition(lines: 0, column: 1)
        var campaigns: [Campaign] = []
        var spans: [Range<Int>] = []
        func digested() -> [Campaign] {
            for (i, span) in spans.enumerated() { campaigns[i].sourceDigest = sourceDigest(UnsafeBufferPointer(rebasing: bytes.buffer[span])) }
            return campaigns
        }
        var next = k + 1
        while true {
            guard cursor.current == UInt8(ascii: "{") else { throw GiveUp() }
            var campaign = try cursor.campaign()
            let at = base.advanced(by: campaign.relativeStart)
            campaign.value.location = SourceLocation(file: file, line: at.lines, column: at.column)
            campaigns.append(campaign.value)
            spans.append(campaign.span)
            cursor.skipWhitespace()
            switch cursor.current {
            case UInt8(ascii: ","):
                cursor.index += 1
                cursor.skipWhitespace()
                while next < starts.count, starts[next] < cursor.index { next += 1 }
                if next < starts.count, starts[next] == cursor.index {
                    return Piece(campaigns: digested(), base: base, landed: next, end: cursor.relativePosition,
                                 idHashes: campaigns.map(\.id.hashValue))
                }
            case UInt8(ascii: "]"):
                cursor.index += 1
                cursor.leave()
                try cursor.finishDocument(rootIsObject: rootIsObject)
                return Piece(campaigns: digested(), base: base, landed: nil, end: cursor.relativePosition,
                             idHashes: campaigns.map(\.id.hashValue))
            default:
                throw GiveUp()
            }
        }
    }
}

// MARK: - Cursor

/// A strict (RFC 8259, as `JSONParser`) reader over the file's bytes that builds nothing it is
/// not asked for and counts lines, so that a position can be known where it is wanted.
struct ByteCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    var depth: Int
    /// Line breaks passed since the start.
    private var lines = 0
    /// Where the current line starts (the cursor's start while on its first line).
    private var lineStart: Int
    /// UTF-8 continuation bytes passed (all in strings: they are not characters of a column).
    private var continuations = 0
    private var continuationsAtLineStart = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, depth: Int) {
        self.bytes = bytes
        self.index = index
        self.depth = depth
        self.lineStart = index
    }

    /// Where the cursor is, relative to where it started; columns count characters, as `JSONParser`'s.
    var relativePosition: RelativePosition {
        RelativePosition(lines: lines, column: index - lineStart - (continuations - continuationsAtLineStart) + 1)
    }

    /// The byte at the cursor, or 0 at the end (never valid where a token is expected).
    @inline(__always) var current: UInt8 { index < bytes.count ? bytes[index] : 0 }

    @inline(__always) mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A:
                index += 1
                lines += 1
                lineStart = index
                continuationsAtLineStart = continuations
            default: return
            }
        }
    }

    @inline(__always) mutating func expect(_ byte: UInt8) throws(GiveUp) {
        guard current == byte else { throw GiveUp() }
        index += 1
    }

    mutating func enter() throws(GiveUp) {
        depth += 1
        if depth > 512 { throw GiveUp() }
    }

    mutating func leave() { depth -= 1 }

    // MARK: - Document

    /// From the root object's `{` to the value of its first "campaigns" member.
    mutating func findCampaignsMember() throws(GiveUp) {
        try enter()
        index += 1
        while true {
            skipWhitespace()
            // An escaped name could spell "campaigns" too: the tree reader decides which comes first.
            let key = try scanString()
            guard key.isPlain else { throw GiveUp() }
            let isCampaigns = matches(key.range, "campaigns")
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            if isCampaigns {
                guard current == UInt8(ascii: "[") else { throw GiveUp() }
                return
            }
            try skipValue()
            skipWhitespace()
            try expect(UInt8(ascii: ","))
        }
    }

    /// After the campaign array: the root object's other members and its `}`, then the end of the file.
    mutating func finishDocument(rootIsObject: Bool) throws(GiveUp) {
        if rootIsObject {
            skipWhitespace()
            while current == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                _ = try scanString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                try skipValue()
                skipWhitespace()
            }
            try expect(UInt8(ascii: "}"))
            leave()
        }
        skipWhitespace()
        guard index == bytes.count else { throw GiveUp() }
    }

    // MARK: - Tokens

    /// A string's content as it is in the file.
    struct RawString {
        var range: Range<Int>
        var escaped: Bool
        var ascii: Bool
        /// Neither escaped nor beyond ASCII: its bytes are its characters.
        var isPlain: Bool { !escaped && ascii }
    }

    /// Scans the string at the cursor and checks it as `JSONParser` does (escapes, surrogate
    /// pairs, UTF-8), without decoding it.
    mutating func scanString() throws(GiveUp) -> RawString {
        guard current == UInt8(ascii: "\""), let base = bytes.baseAddress else { throw GiveUp() }
        var i = index + 1
        var high: UInt8 = 0
        var escaped = false
        while true {
            // Eight bytes at a time while none is a quote, a backslash, a control character or beyond ASCII.
            while i + 8 <= bytes.count {
                let special = Self.specialBytes(UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)))
                if special == 0 { i += 8; continue }
                // The lowest flag is exact (only bytes above a flagged one can be flagged wrongly).
                i += special.trailingZeroBitCount / 8
                break
            }
            guard i < bytes.count else { throw GiveUp() }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 { throw GiveUp() }
            if b == UInt8(ascii: "\\") {
                escaped = true
                i = try checkEscape(at: i)
                continue
            }
            high |= b
            i += 1
        }
        let range = (index + 1)..<i
        index = i + 1
        if high & 0x80 != 0 {
            let content = UnsafeBufferPointer(rebasing: bytes[range])
            guard String(validating: content, as: UTF8.self) != nil else { throw GiveUp() }
            var n = 0
            for b in content where b & 0xC0 == 0x80 { n += 1 }
            continuations += n
        }
        return RawString(range: range, escaped: escaped, ascii: high & 0x80 == 0)
    }

    /// The high bit of each byte of `word` (little-endian) that may be `"`, `\\`, below 0x20 or
    /// above 0x7F; 0 when none is (the classic "has a zero byte" tests: exact about whether there
    /// is one, and about the lowest).
    @inline(__always) static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ 0x2222_2222_2222_2222, backslashes = word ^ 0x5C5C_5C5C_5C5C_5C5C
        let special = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
            | ((word &- 0x2020_2020_2020_2020) & ~word) | word
        return special & highs
    }

    /// Checks the escape at `i` (its backslash); returns the offset after it.
    private func checkEscape(at i: Int) throws(GiveUp) -> Int {
        guard i + 1 < bytes.count else { throw GiveUp() }
        switch bytes[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return i + 2
        case UInt8(ascii: "u"):
            let scalar = try hex4(at: i + 2)
            if (0xDC00...0xDFFF).contains(scalar) { throw GiveUp() }
            if (0xD800...0xDBFF).contains(scalar) {
                guard i + 7 < bytes.count, bytes[i + 6] == UInt8(ascii: "\\"), bytes[i + 7] == UInt8(ascii: "u") else { throw GiveUp() }
                let low = try hex4(at: i + 8)
                guard (0xDC00...0xDFFF).contains(low) else { throw GiveUp() }
                return i + 12
            }
            return i + 6
        default:
            throw GiveUp()
        }
    }

    private func hex4(at i: Int) throws(GiveUp) -> UInt32 {
        guard i + 4 <= bytes.count else { throw GiveUp() }
        var value: UInt32 = 0
        for b in bytes[i..<(i + 4)] {
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw GiveUp()
            }
            value = value * 16 + digit
        }
        return value
    }

    /// The text of a scanned string, as `JSONParser` decodes it.
    func text(_ raw: RawString) throws(GiveUp) -> String {
        if !raw.escaped {
            // Checked UTF-8 when scanned.
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[raw.range]), as: UTF8.self)
        }
        guard let text = String(validating: try decoded(raw), as: UTF8.self) else { throw GiveUp() }
        return text
    }

    /// The UTF-8 of a scanned string with its escapes decoded.
    func decoded(_ raw: RawString) throws(GiveUp) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.range.count)
        var i = raw.range.lowerBound
        while i < raw.range.upperBound {
            let b = bytes[i]
            guard b == UInt8(ascii: "\\"), i + 1 < raw.range.upperBound else {
                out.append(b)
                i += 1
                continue
            }
            let e = bytes[i + 1]
            i += 2
            if let simple = jsonSimpleEscape(e) {
                out.append(simple)
                continue
            }
            switch e {
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = try hex4(at: i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw GiveUp() }
                UTF8.encode(unicode) { out.append($0) }
            default:
                throw GiveUp()
            }
        }
        return out
    }

    /// Whether a plain string's bytes are `name`.
    @inline(__always) func matches(_ range: Range<Int>, _ name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let p = name.utf8Start
        var k = 0
        while k < range.count {
            if bytes[range.lowerBound + k] != p[k] { return false }
            k += 1
        }
        return true
    }

    /// Whether two plain strings have the same bytes.
    func same(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && bytes[a].elementsEqual(bytes[b])
    }

    mutating func literal(_ word: StaticString) throws(GiveUp) {
        let n = word.utf8CodeUnitCount
        guard index + n <= bytes.count else { throw GiveUp() }
        let p = word.utf8Start
        for k in 0..<n where bytes[index + k] != p[k] { throw GiveUp() }
        index += n
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// Skips a number, checking it as `JSONParser` does.
    mutating func skipNumber() throws(GiveUp) {
        if current == UInt8(ascii: "-") { index += 1 }
        guard Self.isDigit(current) else { throw GiveUp() }
        if current == UInt8(ascii: "0") {
            index += 1
            if Self.isDigit(current) { throw GiveUp() }
        } else {
            while Self.isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard Self.isDigit(current) else { throw GiveUp() }
            while Self.isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard Self.isDigit(current) else { throw GiveUp() }
            while Self.isDigit(current) { index += 1 }
        }
    }

    /// Skips any value, checking it as `JSONParser` does (nesting at most 512 deep).
    mutating func skipValue() throws(GiveUp) {
        switch current {
        case UInt8(ascii: "{"):
            try enter()
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") { index += 1; leave(); return }
            while true {
                skipWhitespace()
                _ = try scanString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                try skipValue()
                skipWhitespace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"))
                leave()
                return
            }
        case UInt8(ascii: "["):
            try enter()
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") { index += 1; leave(); return }
            while true {
                skipWhitespace()
                try skipValue()
                skipWhitespace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"))
                leave()
                return
            }
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw GiveUp()
        }
    }

    // MARK: - Fields

    /// A string or null (`FieldReader.string`).
    mutating func optionalString() throws(GiveUp) -> String? {
        if current == UInt8(ascii: "n") { try literal("null"); return nil }
        return try text(try scanString())
    }

    /// A whole number 0 ≤ n < 10^15 written without fraction, exponent or sign, or null
    /// (`FieldReader.count`, which also takes "-0": that case is left to it).
    mutating func count() throws(GiveUp) -> Int? {
        if current == UInt8(ascii: "n") { try literal("null"); return nil }
        guard Self.isDigit(current) else { throw GiveUp() }
        var value = 0
        if current == UInt8(ascii: "0") {
            index += 1
            if Self.isDigit(current) { throw GiveUp() }
        } else {
            let start = index
            while index < bytes.count, Self.isDigit(bytes[index]) {
                value = value &* 10 &+ Int(bytes[index] &- UInt8(ascii: "0"))
                index += 1
            }
            if index - start > 15 { throw GiveUp() }
        }
        let next = current
        if next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { throw GiveUp() }
        return value
    }

    /// A timestamp string or null (`FieldReader.timestamp`).
    mutating func timestamp() throws(GiveUp) -> Timestamp? {
        if current == UInt8(ascii: "n") { try literal("null"); return nil }
        let raw = try scanString()
        let value: Timestamp?
        if raw.escaped {
            value = try decoded(raw).withUnsafeBufferPointer { Timestamp.parse($0) }
        } else {
            value = Timestamp.parse(UnsafeBufferPointer(rebasing: bytes[raw.range]))
        }
        guard let value else { throw GiveUp() }
        return value
    }

    /// Reads the members of the object at the cursor: `member` gets each plain name's range
    /// with the cursor on its value, and must consume the value. Names that are not plain give up.
    @inline(__always)
    mutating func members(_ member: (inout ByteCursor, Range<Int>) throws(GiveUp) -> Void) throws(GiveUp) {
        guard current == UInt8(ascii: "{") else { throw GiveUp() }
        try enter()
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") { index += 1; leave(); return }
        while true {
            skipWhitespace()
            let key = try scanString()
            guard key.isPlain else { throw GiveUp() }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            try member(&self, key.range)
            skipWhitespace()
            if current == UInt8(ascii: ",") { index += 1; continue }
            try expect(UInt8(ascii: "}"))
            leave()
            return
        }
    }

    /// Reads the items of the array at the cursor: `item` must consume each one.
    @inline(__always)
    mutating func items(_ item: (inout ByteCursor) throws(GiveUp) -> Void) throws(GiveUp) {
        guard current == UInt8(ascii: "[") else { throw GiveUp() }
        try enter()
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") { index += 1; leave(); return }
        while true {
            skipWhitespace()
            try item(&self)
            skipWhitespace()
            if current == UInt8(ascii: ",") { index += 1; continue }
            try expect(UInt8(ascii: "]"))
            leave()
            return
        }
    }
}

/// Member names an object may have that it does not read, so a repeated one gives up (as
/// `FieldReader.object` rejects it).
struct OtherNames {
    private var names: [Range<Int>] = []

    mutating func add(_ name: Range<Int>, in cursor: ByteCursor) throws(GiveUp) {
        if names.contains(where: { cursor.same($0, name) }) { throw GiveUp() }
        names.append(name)
    }
}

// MARK: - Campaign

extension ByteCursor {
    /// The campaign object at the cursor (`FieldReader.campaign`), where it starts relative to the
    /// cursor's start, and its bytes (for its digest).
    mutating func campaign() throws(GiveUp) -> (value: Campaign, relativeStart: RelativePosition, span: Range<Int>) {
        let start = index
        let position = relativePosition
        var id: String?
        var idStartsVisible = false
        var status: CampaignStatus?
        var name: String?, subject: String?, preheader: String?, fromName: String?, fromEmail: String?
        var scheduledAt: Timestamp?, sentAt: Timestamp?, completedAt: Timestamp?
        var audience = Audience()
        var tags: [String] = []
        var utm = UTMParameters()
        var counts: Counts?
        var links: [LinkStat]?
        var seen: UInt32 = 0
        var others = OtherNames()
        try members { (c: inout ByteCursor, key: Range<Int>) throws(GiveUp) in
            let field: UInt32
            switch key.count {
            case 2 where c.matches(key, "id"): field = 0
            case 3 where c.matches(key, "utm"): field = 1
            case 4 where c.matches(key, "name"): field = 2
            case 4 where c.matches(key, "tags"): field = 3
            case 5 where c.matches(key, "links"): field = 4
            case 6 where c.matches(key, "status"): field = 5
            case 6 where c.matches(key, "counts"): field = 6
            case 7 where c.matches(key, "subject"): field = 7
            case 7 where c.matches(key, "sent_at"): field = 8
            case 8 where c.matches(key, "audience"): field = 9
            case 9 where c.matches(key, "preheader"): field = 10
            case 9 where c.matches(key, "from_name"): field = 11
            case 10 where c.matches(key, "from_email"): field = 12
            case 12 where c.matches(key, "scheduled_at"): field = 13
            case 12 where c.matches(key, "completed_at"): field = 14
            default:
                try others.add(key, in: c)
                try c.skipValue()
                return
            }
            if seen & (1 << field) != 0 { throw GiveUp() }
            seen |= 1 << field
            let isNull = c.current == UInt8(ascii: "n")
            switch field {
            case 0:
                // A non-empty string; null is an error.
                let raw = try c.scanString()
                if let first = raw.range.first, !raw.escaped { idStartsVisible = c.bytes[first] > 0x20 && c.bytes[first] < 0x7F }
                id = try c.text(raw)
            case 1:
                if isNull { try c.literal("null") } else { utm = try c.utm() }
            case 2: name = try c.optionalString()
            case 3:
                if isNull {
                    try c.literal("null")
                } else {
                    try c.items { (c: inout ByteCursor) throws(GiveUp) in
                        guard c.current == UInt8(ascii: "\"") else { throw GiveUp() }
                        tags.append(try c.text(try c.scanString()))
                    }
                }
            case 4:
                if isNull { try c.literal("null") } else { links = try c.links() }
            case 5:
                // One of the four statuses exactly; null is an error.
                let raw = try c.scanString()
                guard raw.isPlain else { throw GiveUp() }
                if c.matches(raw.range, "sent") { status = .sent }
                else if c.matches(raw.range, "draft") { status = .draft }
                else if c.matches(raw.range, "sending") { status = .sending }
                else if c.matches(raw.range, "scheduled") { status = .scheduled }
                else { throw GiveUp() }
            case 6:
                if isNull { try c.literal("null") } else { counts = try c.counts() }
            case 7: subject = try c.optionalString()
            case 8: sentAt = try c.timestamp()
            case 9:
                if isNull { try c.literal("null") } else { audience = try c.audience() }
            case 10: preheader = try c.optionalString()
            case 11: fromName = try c.optionalString()
            case 12: fromEmail = try c.optionalString()
            case 13: scheduledAt = try c.timestamp()
            default: completedAt = try c.timestamp()
            }
        }
        // Not all whitespace: plainly so when it starts with a visible ASCII character.
        guard let id, let status, idStartsVisible || !id.trimmingWhitespace.isEmpty else { throw GiveUp() }
        let campaign = Campaign(id: id, name: name, subject: subject, preheader: preheader, fromName: fromName, fromEmail: fromEmail,
                                status: status, audience: audience, scheduledAt: scheduledAt, sentAt: sentAt, completedAt: completedAt,
                                tags: tags, utm: utm, counts: counts, links: links)
        return (campaign, position, start..<index)
    }

    /// `FieldReader`'s "audience": name and size; other members are read past.
    mutating func audience() throws(GiveUp) -> Audience {
        var audience = Audience()
        var seen: UInt32 = 0
        var others = OtherNames()
        try members { (c: inout ByteCursor, key: Range<Int>) throws(GiveUp) in
            if c.matches(key, "name") {
                if seen & 1 != 0 { throw GiveUp() }
                seen |= 1
                audience.name = try c.optionalString()
            } else if c.matches(key, "size") {
                if seen & 2 != 0 { throw GiveUp() }
                seen |= 2
                audience.size = try c.count()
            } else {
                try others.add(key, in: c)
                try c.skipValue()
            }
        }
        return audience
    }

    /// `FieldReader`'s "utm": only the five parameters.
    mutating func utm() throws(GiveUp) -> UTMParameters {
        var utm = UTMParameters()
        var seen: UInt32 = 0
        try members { (c: inout ByteCursor, key: Range<Int>) throws(GiveUp) in
            let field: UInt32
            if c.matches(key, "source") { field = 0 }
            else if c.matches(key, "medium") { field = 1 }
            else if c.matches(key, "campaign") { field = 2 }
            else if c.matches(key, "term") { field = 3 }
            else if c.matches(key, "content") { field = 4 }
            else { throw GiveUp() }
            if seen & (1 << field) != 0 { throw GiveUp() }
            seen |= 1 << field
            let value = try c.optionalString()
            switch field {
            case 0: utm.source = value
            case 1: utm.medium = value
            case 2: utm.campaign = value
            case 3: utm.term = value
            default: utm.content = value
            }
        }
        return utm
    }

    /// `FieldReader.counts`: only the documented fields, with their defaults and relations.
    mutating func counts() throws(GiveUp) -> Counts {
        var values = (sent: Int?.none, delivered: Int?.none, bounced: Int?.none, hardBounced: Int?.none, softBounced: Int?.none,
                      uniqueOpens: Int?.none, totalOpens: Int?.none, humanUniqueOpens: Int?.none, uniqueClicks: Int?.none,
                      totalClicks: Int?.none, unsubscribed: Int?.none, complaints: Int?.none, dropped: Int?.none)
        var seen: UInt32 = 0
        try members { (c: inout ByteCursor, key: Range<Int>) throws(GiveUp) in
            let field: UInt32
            switch key.count {
            case 4 where c.matches(key, "sent"): field = 0
            case 9 where c.matches(key, "delivered"): field = 1
            case 7 where c.matches(key, "bounced"): field = 2
            case 12 where c.matches(key, "hard_bounced"): field = 3
            case 12 where c.matches(key, "soft_bounced"): field = 4
            case 12 where c.matches(key, "unique_opens"): field = 5
            case 11 where c.matches(key, "total_opens"): field = 6
            case 18 where c.matches(key, "human_unique_opens"): field = 7
            case 13 where c.matches(key, "unique_clicks"): field = 8
            case 12 where c.matches(key, "total_clicks"): field = 9
            case 12 where c.matches(key, "unsubscribed"): field = 10
            case 10 where c.matches(key, "complaints"): field = 11
            case 7 where c.matches(key, "dropped"): field = 12
            default: throw GiveUp()
            }
            if seen & (1 << field) != 0 { throw GiveUp() }
            seen |= 1 << field
            let value = try c.count()
            switch field {
            case 0: values.sent = value
            case 1: values.delivered = value
            case 2: values.bounced = value
            case 3: values.hardBounced = value
            case 4: values.softBounced = value
            case 5: values.uniqueOpens = value
            case 6: values.totalOpens = value
            case 7: values.humanUniqueOpens = value
            case 8: values.uniqueClicks = value
            case 9: values.totalClicks = value
            case 10: values.unsubscribed = value
            case 11: values.complaints = value
            default: values.dropped = value
            }
        }
        var c = Counts()
        c.sent = values.sent ?? 0
        c.delivered = values.delivered ?? 0
        c.bounced = values.bounced ?? 0
        c.hardBounced = values.hardBounced ?? 0
        c.softBounced = values.softBounced ?? max(0, c.bounced - c.hardBounced)
        c.uniqueOpens = values.uniqueOpens ?? 0
        c.totalOpens = values.totalOpens ?? c.uniqueOpens
        c.humanUniqueOpens = values.humanUniqueOpens
        c.uniqueClicks = values.uniqueClicks ?? 0
        c.totalClicks = values.totalClicks ?? c.uniqueClicks
        c.unsubscribed = values.unsubscribed ?? 0
        c.complaints = values.complaints ?? 0
        c.dropped = values.dropped ?? 0
        guard c.delivered <= c.sent, c.bounced <= c.sent, c.hardBounced <= c.bounced,
              c.hardBounced + c.softBounced == c.bounced || values.softBounced == nil,
              c.uniqueClicks <= c.totalClicks, (c.humanUniqueOpens ?? 0) <= c.uniqueOpens
        else { throw GiveUp() }
        return c
    }

    /// `FieldReader.links`: an array of {url, clicks, unique_clicks}.
    mutating func links() throws(GiveUp) -> [LinkStat] {
        var result: [LinkStat] = []
        try items { (c: inout ByteCursor) throws(GiveUp) in
            var url: String?
            var clicks: Int?, unique: Int?
            var seen: UInt32 = 0
            var others = OtherNames()
            try c.members { (c: inout ByteCursor, key: Range<Int>) throws(GiveUp) in
                let field: UInt32
                if c.matches(key, "url") { field = 0 }
                else if c.matches(key, "clicks") { field = 1 }
                else if c.matches(key, "unique_clicks") { field = 2 }
                else {
                    try others.add(key, in: c)
                    try c.skipValue()
                    return
                }
                if seen & (1 << field) != 0 { throw GiveUp() }
                seen |= 1 << field
                switch field {
                case 0: url = try c.optionalString()
                case 1: clicks = try c.count()
                default: unique = try c.count()
                }
            }
            guard let url, !url.isEmpty else { throw GiveUp() }
            let clickCount = clicks ?? 0, uniqueCount = unique ?? 0
            // As FieldReader: a present "clicks", even null, must not be below unique_clicks.
            if uniqueCount > clickCount, seen & 2 != 0 { throw GiveUp() }
            result.append(LinkStat(url: url, clicks: max(clickCount, uniqueCount), uniqueClicks: uniqueCount))
        }
        return result
    }
}
