// MARK: - RenderOptions

/// How a template renders values: escaping, strictness, and limits.
public struct RenderOptions: Sendable {
    /// Applied to the text of `{{name}}` when the value is not `.trusted`.
    /// Default: HTML escape of `& < > " '`.
    public var escape: @Sendable (String) -> String
    /// If non-nil, applied to `{{{name}}}` / `{{& name}}` values that are not `.trusted`
    /// (lets a caller refuse raw data). Default nil = spec behaviour (verbatim).
    public var escapeUnescaped: (@Sendable (String) -> String)?
    /// When true, a variable, section or dynamic partial name that resolves to nothing
    /// is an error (a `TemplateError` at the tag) instead of empty.
    public var strict: Bool
    /// When true, a partial or parent the resolver cannot find is an error instead of
    /// rendering empty (the spec's behaviour).
    public var missingPartialIsError: Bool
    /// How deep partials, parents and overridden blocks may nest before rendering stops
    /// with "partial recursion too deep".
    public var maxPartialDepth: Int

    /// Makes options; every argument has the spec's behaviour as its default.
    public init(
        escape: @escaping @Sendable (String) -> String = RenderOptions.escapeHTML,
        escapeUnescaped: (@Sendable (String) -> String)? = nil,
        strict: Bool = false,
        missingPartialIsError: Bool = false,
        maxPartialDepth: Int = 100
    ) {
        self.escape = escape
        self.escapeUnescaped = escapeUnescaped
        self.strict = strict
        self.missingPartialIsError = missingPartialIsError
        self.maxPartialDepth = maxPartialDepth
    }

    /// The spec's behaviour: HTML-escaped `{{name}}`, verbatim `{{{name}}}`, lenient lookups.
    public static let html = RenderOptions()

    // MARK: - HTML escaping

    /// Escapes the five HTML-significant characters `& < > " '` as entities.
    @Sendable public static func escapeHTML(_ text: String) -> String {
        var text = text
        let escapedBytes: [UInt8]? = text.withUTF8 { bytes in
            guard let first = bytes.firstIndex(where: needsEscape) else { return nil }
            var escaped = [UInt8]()
            escaped.reserveCapacity(bytes.count + 16)
            escaped.append(contentsOf: bytes[..<first])
            for byte in bytes[first...] {
                switch byte {
                case UInt8(ascii: "&"): escaped.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "<"): escaped.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): escaped.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "\""): escaped.append(contentsOf: "&quot;".utf8)
                case UInt8(ascii: "'"): escaped.append(contentsOf: "&#39;".utf8)
                default: escaped.append(byte)
                }
            }
            return escaped
        }
        return escapedBytes.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
