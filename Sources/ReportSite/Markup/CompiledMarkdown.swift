import Bytes
import Mustache

/// cmark's HTML for a page whose values were kept apart (placeholder tokens in the Markdown),
/// cut at the tokens so each page fills in its own values.
///
/// Pages of a build share a handful of structures (which sections show, how many insights,
/// links and evidence lines), so one cmark run per structure serves every page that has it.
/// A value is an inert word to cmark: it can never start a block, open emphasis, end a
/// heading or become a line break, whatever it holds; its text lands HTML-escaped. Tokens must
/// come out of cmark whole, once each and in order (in text, headings, code and raw HTML they
/// do); otherwise, in a link destination say, the structure cannot be compiled and the page
/// takes the plain path.
struct CompiledMarkdown: Sendable {
    /// The HTML without the tokens.
    let html: [UInt8]
    /// Where each token was in the HTML (offsets into `html`, ascending): value k goes at `slots[k]`.
    let slots: [Int]

    /// How many values the HTML expects.
    var valueCount: Int { slots.count }

    /// Compiles cmark's rendering of `markdown`, which holds `valueCount` tokens; nil if the
    /// tokens do not all come through (or the template's own text holds the token character).
    init?(markdown: [UInt8], valueCount: Int) {
        var tokens = 0
        markdown.withUnsafeBufferPointer { Self.forEachToken(in: $0) { _ in tokens += 1 } }
        guard tokens == valueCount else { return nil }
        let rendered = CommonMark.html(fromMarkdown: markdown)
        // The HTML between the tokens, copied from the rendering's memory (a slice of the
        // array per token cost a reference count and a generic copy each).
        var html: [UInt8] = []
        var slots: [Int] = []
        slots.reserveCapacity(valueCount)
        rendered.withUnsafeBufferPointer { r in
            html.reserveCapacity(max(r.count - 3 * valueCount, 0))
            var start = 0
            Self.forEachToken(in: r) { offset in
                html.append(contentsOf: UnsafeBufferPointer(rebasing: r[start..<offset]))
                slots.append(html.count)
                start = offset + 3
            }
            html.append(contentsOf: UnsafeBufferPointer(rebasing: r[start...]))
        }
        guard slots.count == valueCount else { return nil }
        self.html = html
        self.slots = slots
    }

    /// Appends the page's HTML with its values in place to `output`.
    func fill(_ values: SeparatedValues, into output: inout [UInt8]) {
        let filled = values.bytes.withUnsafeBufferPointer { fill(values: $0, ends: values.ends) }
        if output.isEmpty { output = filled } else { output += filled }
    }

    /// The page's HTML with value k, `values[ends[k-1]..<ends[k]]`, at slot k.
    func fill(values text: UnsafeBufferPointer<UInt8>, ends: [Int]) -> [UInt8] {
        precondition(ends.count == valueCount, "a compiled page filled with another page's values")
        let total = html.count + (ends.last ?? 0)
        return html.withUnsafeBufferPointer { html in
            // Written straight into the new array's storage: no zeros written first.
            [UInt8](unsafeUninitializedCapacity: total) { out, count in
                var at = 0
                var from = 0
                var valueFrom = 0
                func copy(_ source: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
                    guard !range.isEmpty else { return }
                    copyBytes(from: source.baseAddress! + range.lowerBound, to: out.baseAddress! + at, count: range.count)
                    at += range.count
                }
                for k in 0..<slots.count {
                    copy(html, from..<slots[k])
                    from = slots[k]
                    let valueEnd = ends[k]
                    copy(text, valueFrom..<valueEnd)
                    valueFrom = valueEnd
                }
                copy(html, from..<html.count)
                count = at
            }
        }
    }

    /// Calls `body` with the offset of every token in `b`, in order.
    static func forEachToken(in b: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        guard let base = b.baseAddress else { return }
        var i = 0
        while i + 3 <= b.count {
            // The next 0xEE (a token's first byte), found by the C library's word-at-a-time
            // search: a page is tens of kilobytes with a token every hundred bytes or so.
            guard let found = memchr(base + i, 0xEE, b.count - 2 - i) else { return }
            let at = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
            if b[at + 1] == 0x80 && b[at + 2] == 0x80 {
                body(at)
                i = at + 3
            } else {
                i = at + 1
            }
        }
    }
}

/// Compiled Markdown by the exact Markdown it came from; safe to share across threads.
/// Holds at most `limit` structures, so a data set where every page differs costs no memory.
final class MarkdownCache: @unchecked Sendable {
    private let lock = Lock()
    /// By the hash of the Markdown: each structure with that hash, its Markdown and compiled form.
    private var entries: [UInt64: [(markdown: [UInt8], compiled: CompiledMarkdown?)]] = [:]
    private var held = 0
    private let limit: Int

    init(limit: Int = 4096) { self.limit = limit }

    /// How many structures are held.
    var count: Int { lock.withLock { held } }

    /// The compiled form of `markdown` (nil if it cannot be compiled), from the cache or made now.
    func compiled(_ markdown: [UInt8], valueCount: Int) -> CompiledMarkdown? {
        markdown.withUnsafeBufferPointer { compiled($0, valueCount: valueCount) }
    }

    /// `compiled(_:valueCount:)` for Markdown in a buffer (copied only when it is new).
    func compiled(_ markdown: UnsafeBufferPointer<UInt8>, valueCount: Int) -> CompiledMarkdown? {
        let hash = Self.hash(markdown)
        let hit = lock.withLock { () -> CompiledMarkdown?? in
            guard let candidates = entries[hash] else { return nil }
            for candidate in candidates where Self.equal(candidate.markdown, markdown) { return .some(candidate.compiled) }
            return nil
        }
        if let hit { return hit }
        let copy = Array(markdown)
        let made = CompiledMarkdown(markdown: copy, valueCount: valueCount)
        lock.withLock {
            if held < limit {
                entries[hash, default: []].append((copy, made))
                held += 1
            }
        }
        return made
    }

    /// A hash of the bytes, thirty-two at a time.
    ///
    /// Every page's Markdown (tens of kilobytes) is hashed to find its structure, so the bulk is
    /// taken in four independent lanes of a multiply each, mixed together at the end. A match is
    /// always confirmed by comparing the bytes, so the hash only has to spread structures apart.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        var i = 0
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x243F_6A88_85A3_08D3, 0x1319_8A2E_0370_7344,
                                                       0xA409_3822_299F_31D0, 0x082E_FA98_EC4E_6C89)
        while i &+ 32 <= raw.count {
            lanes.0 = (lanes.0 ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            lanes.1 = (lanes.1 ^ raw.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
            lanes.2 = (lanes.2 ^ raw.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            lanes.3 = (lanes.3 ^ raw.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self)) &* 0xD6E8_FEB8_6659_FD93
            i &+= 32
        }
        // The lanes' high bits (where a multiply gathers its input) folded down and combined.
        func fold(_ x: UInt64) -> UInt64 { (x ^ (x >> 32)) &* 0x9E37_79B9_7F4A_7C15 }
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        h = (h ^ fold(lanes.0)) &* 0xFF51_AFD7_ED55_8CCD
        h = (h ^ fold(lanes.1)) &* 0xFF51_AFD7_ED55_8CCD
        h = (h ^ fold(lanes.2)) &* 0xFF51_AFD7_ED55_8CCD
        h = (h ^ fold(lanes.3)) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 29
        while i + 8 <= raw.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        while i < raw.count {
            h = (h ^ UInt64(raw[i])) &* 0x100_0000_01B3
            i += 1
        }
        return h
    }

    static func equal(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { x in memcmp(x.baseAddress!, b.baseAddress!, x.count) == 0 }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
