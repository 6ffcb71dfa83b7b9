// MARK: - Parsed template tree

/// A name in a tag: `.` (the top of the context stack) or dot-separated keys.
struct Name: Sendable {
    /// The name as written, for messages.
    let text: String
    /// The keys to look up in turn; empty for `.`.
    let parts: [String]
    /// `MustacheObject.hash` of each part, computed once when the template is parsed.
    let hashes: [UInt64]

    init(text: String, parts: [String]) {
        self.text = text
        self.parts = parts
        self.hashes = parts.map(MustacheObject.hash)
    }
}

/// The template a partial or parent tag names: fixed, or (`{{>*name}}`) read from the context.
enum PartialReference: Sendable {
    case fixed(String)
    case dynamic(Name)
}

/// A `{{$name}}…{{/name}}` block: a site that a parent's caller may override, or an override.
struct Block: Sendable {
    let name: String
    var body: [Node]
    /// The indentation of the block's first content line, removed from every content line,
    /// when the opening tag is standalone; nil otherwise.
    var intrinsicIndent: String?
    /// The indentation an override's content gets where this block is expanded.
    var siteIndent: String
    /// UTF-8 offset of the opening tag.
    let offset: Int
    /// The template the block is written in (errors in its content point there).
    let source: SourceInfo
}

/// Literal template text as it is written out: UTF-8 bytes, and whether it ends a line.
final class Literal: Sendable {
    let bytes: [UInt8]
    let endsLine: Bool

    init(_ text: String) {
        bytes = Array(text.utf8)
        endsLine = bytes.last == UInt8(ascii: "\n")
    }
}

/// One piece of a parsed template. Offsets are UTF-8 offsets of the tag in its template.
enum Node: Sendable {
    /// Literal text. `startsLine` is true when the text begins a source line (parse-time only).
    case text(String, startsLine: Bool)
    /// Literal text of a parsed template, ready to write (what `text` nodes become once parsed).
    case literal(Literal)
    case variable(Name, escaped: Bool, offset: Int)
    case section(Name, inverted: Bool, body: [Node], offset: Int)
    /// `indent` is the whitespace before a standalone partial tag, prepended to each of its lines.
    case partial(PartialReference, indent: String, offset: Int)
    case parent(PartialReference, indent: String, overrides: [String: Block], offset: Int)
    case block(Block)
}
