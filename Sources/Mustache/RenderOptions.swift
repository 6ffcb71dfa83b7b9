// MARK: - RenderOptions

/// Escapes a value's UTF-8 bytes onto the end of the output. Works on bytes so that a page
/// renders into one buffer without a temporary string per value.
public typealias ByteEscaper = @Sendable (UnsafeBufferPointer<UInt8>, inout ByteBuffer) -> Void

/// How a template renders values: escaping, strictness, and limits.
public struct RenderOptions: Sendable {
    /// Applied to the text of `{{name}}` when the value is not trusted.
    /// Default: HTML escape of `& < > " '`.
    public var escape: ByteEscaper
    /// If non-nil, applied to `{{{name}}}` / `{{& name}}` values that are not trusted
    /// (lets a caller refuse raw data). Default nil = spec behaviour (verbatim).
    public var escapeUnescaped: ByteEscaper?
    /// When true, a variable, section or dynamic partial name that resolves to nothing
    /// is an error (a `TemplateError` at the tag) instead of empty.
    public var strict: Bool
    /// When true, a partial or parent the resolver cannot find is an error instead of
    /// rendering empty (the spec's behaviour).
    public var missingPartialIsError: Bool
    /// How deep partials, parents and overridden blocks may nest before rendering stops
    /// with "partial recursion too deep".
    public var maxPartialDepth: Int

    /// Makes options with byte-level escapers; every argument has the spec's behaviour as its default.
    public init(
        escapeBytes: @escaping ByteEscaper = { RenderOptions.escapeHTML($0, into: &$1) },
        escapeUnescapedBytes: ByteEscaper? = nil,
        strict: Bool = false,
        missingPartialIsError: Bool = false,
        maxPartialDepth: Int = 100
    ) {
        self.escape = escapeBytes
        self.escapeUnescaped = escapeUnescapedBytes
        self.strict = strict
        self.missingPartialIsError = missingPartialIsError
        self.maxPartialDepth = maxPartialDepth
    }

    /// Makes options with escapers that map text to text (simpler to write, slower to run).
    public init(
        escape: @escaping @Sendable (String) -> String,
        escapeUnescaped: (@Sendable (String) -> String)? = nil,
        strict: Bool = false,
        missingPartialIsError: Bool = false,
        maxPartialDepth: Int = 100
    ) {
        self.init(escapeBytes: Self.bytes(escape), escapeUnescapedBytes: escapeUnescaped.map(Self.bytes),
                  strict: strict, missingPartialIsError: missingPartialIsError, maxPartialDepth: maxPartialDepth)
    }

    /// Options with the default HTML escaping and a text-to-text escaper for `{{{ }}}` only.
    public init(escapeUnescaped: @escaping @Sendable (String) -> String) {
        self.init(escapeUnescapedBytes: Self.bytes(escapeUnescaped))
    }

    /// The spec's behaviour: HTML-escaped `{{name}}`, verbatim `{{{name}}}`, lenient lookups.
    public static let html = RenderOptions()

    private static func bytes(_ transform: @escaping @Sendable (String) -> String) -> ByteEscaper {
        { bytes, output in output.append(transform(String(decoding: bytes, as: UTF8.self))) }
    }

    // MARK: - HTML escaping

    /// One bit per byte below 0x40 that HTML escaping replaces (all five are below 0x40).
    @usableFromInline static let htmlSpecialBits: UInt64 = 1 << 0x22 | 1 << 0x26 | 1 << 0x27 | 1 << 0x3C | 1 << 0x3E

    @inlinable @inline(__always) static func isHTMLSpecial(_ byte: UInt8) -> Bool {
        byte < 0x40 && htmlSpecialBits >> UInt64(byte) & 1 != 0
    }

    /// The entity of one of the five HTML-significant characters (`'` for any other byte).
    @inlinable public static func appendEntity<Output: ByteOutput & ~Copyable>(for byte: UInt8, to output: inout Output) {
        let entity: StaticString = switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        default: "&#39;"
        }
        output.append(UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
    }

    /// Escapes the five HTML-significant characters `& < > " '` as entities, onto `output`.
    @inlinable public static func escapeHTML<Output: ByteOutput & ~Copyable>(
        _ bytes: UnsafeBufferPointer<UInt8>, into output: inout Output
    ) {
        var runStart = 0
        var i = 0
        while i < bytes.count {
            // Most text has none of the five: skip it eight bytes at a time.
            if i + 8 <= bytes.count, !wordHasHTMLSpecial(word(bytes, at: i)) {
                i += 8
                continue
            }
            if isHTMLSpecial(bytes[i]) {
                if runStart < i { output.append(UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                appendEntity(for: bytes[i], to: &output)
                runStart = i + 1
            }
            i += 1
        }
        if runStart == 0 {
            output.append(bytes)
        } else if runStart < bytes.count {
            output.append(UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }

    /// The eight bytes at `offset` as one word (the caller checks that there are eight).
    @inlinable @inline(__always) public static func word(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt64 {
        UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }

    /// Whether some byte of `word` is one of `& < > " '` (exact: bit tricks that test all
    /// eight bytes at once, without false positives).
    @inlinable @inline(__always) public static func wordHasHTMLSpecial(_ word: UInt64) -> Bool {
        (hasByte(word, 0x26) | hasByte(word, 0x3C) | hasByte(word, 0x3E) | hasByte(word, 0x22) | hasByte(word, 0x27)) != 0
    }

    /// Nonzero when some byte of `word` equals `byte`.
    @inlinable @inline(__always) public static func hasByte(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// Nonzero when some byte of `word` is below `limit` (at most 0x80).
    @inlinable @inline(__always) public static func hasByteBelow(_ word: UInt64, _ limit: UInt8) -> UInt64 {
        (word &- 0x0101_0101_0101_0101 &* UInt64(limit)) & ~word & 0x8080_8080_8080_8080
    }

    /// Escapes the five HTML-significant characters `& < > " '` as entities.
    @Sendable public static func escapeHTML(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.contains(where: isHTMLSpecial) else { return nil }
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 16)
            escapeHTML(bytes, into: &output)
            return String(decoding: output, as: UTF8.self)
        } ?? text
    }
}
