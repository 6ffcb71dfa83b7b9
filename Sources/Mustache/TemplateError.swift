// MARK: - TemplateError

/// A problem in a template, found while parsing or rendering it, with the place it happened.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template's name, e.g. `campaign.md` or a file path.
    public var templateName: String
    /// 1-based line of the problem.
    public var line: Int
    /// 1-based column of the problem, in characters.
    public var column: Int
    /// What is wrong and what was expected, quoting the bad tag.
    public var message: String
    /// The full source line holding the problem (without its line break).
    public var sourceLine: String

    /// Makes an error from its parts.
    public init(templateName: String, line: Int, column: Int, message: String, sourceLine: String) {
        self.templateName = templateName
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `NAME:LINE:COL: message`, then the source line, then a caret under the column.
    public var description: String {
        // Keep tabs in the caret line so the caret lines up under tab-indented source.
        let padding = String(sourceLine.prefix(max(column - 1, 0)).map { $0 == "\t" ? "\t" : " " })
        return "\(templateName):\(line):\(column): \(message)\n\(sourceLine)\n\(padding)^"
    }
}

// MARK: - Locating errors in source

/// A template's name and text, shared by its nodes so errors can point into it.
final class SourceInfo: Sendable {
    let name: String
    let source: String

    init(name: String, source: String) {
        self.name = name
        self.source = source
    }

    /// An error at the given UTF-8 offset of the source.
    func error(at offset: Int, _ message: String) -> TemplateError {
        let bytes = Array(source.utf8)
        let offset = min(max(offset, 0), bytes.count)
        var lineStart = 0
        var line = 1
        for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        var lineEnd = offset
        while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let prefix = String(decoding: bytes[lineStart..<min(offset, lineEnd)], as: UTF8.self)
        let sourceLine = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        return TemplateError(
            templateName: name, line: line, column: prefix.count + 1,
            message: message, sourceLine: sourceLine)
    }
}
