import Ccmark

/// The one file that talks to libcmark. C types stay `fileprivate`.
public enum CommonMark {
    /// Options of the cmark renderer, mapped to `CMARK_OPT_*` here only.
    public struct Options: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// Pass raw HTML through. Funnelmark needs it for its own charts and
        /// components; data reaching the Markdown is escaped beforehand, so
        /// the only raw HTML is ours (see `MarkdownEscaping`).
        public static let unsafe = Options(rawValue: CMARK_OPT_UNSAFE)
        /// Straight quotes to curly, `--` to dashes.
        public static let smart = Options(rawValue: CMARK_OPT_SMART)
        /// Replace invalid UTF-8 with U+FFFD.
        public static let validateUTF8 = Options(rawValue: CMARK_OPT_VALIDATE_UTF8)
    }

    /// Renders CommonMark to an HTML fragment.
    public static func html(fromMarkdown markdown: String, options: Options = [.unsafe, .validateUTF8]) -> String {
        var text = markdown
        return text.withUTF8 { bytes -> String in
            guard let base = bytes.baseAddress else { return "" }
            let rendered = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                cmark_markdown_to_html($0, bytes.count, options.rawValue)
            }
            guard let rendered else { return "" }
            defer { free(rendered) }
            return String(cString: rendered)
        }
    }

    /// Renders CommonMark given as UTF-8 bytes to an HTML fragment, as UTF-8 bytes.
    /// The bytes must be valid UTF-8 (as text rendered from Swift strings is), so cmark is not
    /// asked to validate them again unless `options` say so.
    public static func html(fromMarkdown markdown: [UInt8], options: Options = [.unsafe]) -> [UInt8] {
        markdown.withUnsafeBufferPointer { bytes -> [UInt8] in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return [] }
            let rendered = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                cmark_markdown_to_html($0, bytes.count, options.rawValue)
            }
            guard let rendered else { return [] }
            defer { free(rendered) }
            let length = strlen(rendered)
            return rendered.withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }
        }
    }

    /// The version of the linked libcmark, e.g. "0.30.2".
    public static var version: String { String(cString: cmark_version_string()) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
