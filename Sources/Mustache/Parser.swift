// MARK: - Parser

/// Builds the node tree from tokens, applying the spec's standalone-line rules:
///
/// - A section, inverted, closing, comment, set-delimiter, partial or block tag alone on its
///   line (only spaces or tabs around it) is standalone: the whole line disappears. A standalone
///   partial's leading whitespace becomes the indentation of every line of the partial.
/// - A parent tag `{{<p}}` with only whitespace before it uses that whitespace as indentation;
///   when its `{{/p}}` has only whitespace after it, that line break goes too (the pair is
///   standalone even on one line: `  {{<p}}{{/p}}`).
/// - Inside a parent, a block tag `{{$b}}` followed only by whitespace is standalone (what
///   precedes it in a parent is ignored anyway).
/// - A block whose opening tag is standalone has intrinsic indentation: that of its first
///   content line, removed from every content line. An override is re-indented where it is
///   expanded: at the block's intrinsic indentation, or at the whitespace before a block tag
///   pair standing alone on its line.
struct Parser {
    private let bytes: [UInt8]
    private let info: SourceInfo
    private var tokens: [Token] = []
    private var stack: [Container] = []
    private var index = 0

    init(info: SourceInfo) {
        self.bytes = Array(info.source.utf8)
        self.info = info
    }

    /// An open section, parent or block whose nodes are being collected.
    private struct Container {
        enum Kind: Equatable { case root, section, inverted, parent, block }
        let kind: Kind
        let token: Token?
        /// What the closing tag must say.
        let key: String
        var nodes: [Node] = []
        var name: Name?
        var reference: PartialReference?
        /// Whitespace before the opening tag when only whitespace precedes it on its line.
        var openLeading: String?
        var openStandalone = false
        /// UTF-8 offset where the content begins (after a removed standalone line).
        var contentStart = 0
    }

    mutating func parse() throws(TemplateError) -> [Node] {
        var lexer = Lexer(bytes: bytes, info: info)
        tokens = try lexer.tokenize()
        stack = [Container(kind: .root, token: nil, key: "")]
        index = 0
        while index < tokens.count {
            let token = tokens[index]
            let tokenIndex = index
            index += 1
            if token.kind == .text {
                append(.text(token.content, startsLine: startsLine(token.start)))
            } else {
                try parseTag(token, at: tokenIndex)
            }
        }
        if let unclosed = stack.last, unclosed.kind != .root, let token = unclosed.token {
            let what = switch unclosed.kind {
            case .parent: "parent"
            case .block: "block"
            default: "section"
            }
            throw info.error(
                at: token.start,
                "unclosed \(what) '\(raw(token))': expected '\(expectedClose(for: unclosed))' "
                    + "before the end of the template")
        }
        return Self.mergingText(stack[0].nodes)
    }

    // MARK: - Tags

    private mutating func parseTag(_ token: Token, at tokenIndex: Int) throws(TemplateError) {
        let leading = leadingWhitespace(before: tokenIndex)
        let clearsRight = clearsRight(after: tokenIndex)
        let alone = leading != nil && clearsRight
        switch token.kind {
        case .text:
            break
        case .comment, .delimiters:
            if alone { removeLine(leading: leading, after: token) }
        case .variable, .unescaped:
            append(.variable(try name(token.content, in: token), escaped: token.kind == .variable, offset: token.start))
        case .partial:
            let (reference, _) = try partialReference(token)
            if alone { removeLine(leading: leading, after: token) }
            append(.partial(reference, indent: alone ? leading ?? "" : "", offset: token.start))
        case .section, .inverted:
            try checkNesting(token)
            let name = try name(token.content, in: token)
            if alone { removeLine(leading: leading, after: token) }
            var container = Container(
                kind: token.kind == .section ? .section : .inverted, token: token, key: token.content)
            container.name = name
            stack.append(container)
        case .parent:
            try checkNesting(token)
            let (reference, key) = try partialReference(token)
            if leading != nil { removeLeading(leading) }
            if alone { removeTrailing(after: token) }
            var container = Container(kind: .parent, token: token, key: key)
            container.reference = reference
            container.openLeading = leading
            stack.append(container)
        case .block:
            try checkNesting(token)
            guard !token.content.isEmpty, !token.content.contains(where: \.isWhitespace) else {
                throw info.error(
                    at: token.start, "invalid block name in '\(raw(token))': expected a name without spaces")
            }
            let standalone = stack.last?.kind == .parent ? clearsRight : alone
            var contentStart = token.end
            if standalone {
                removeLeading(leading)
                if removeTrailing(after: token) { contentStart = tokens[index - 1].end }
            }
            var container = Container(kind: .block, token: token, key: token.content)
            container.openLeading = leading
            container.openStandalone = standalone
            container.contentStart = contentStart
            stack.append(container)
        case .close:
            try closeContainer(token, leading: leading, clearsRight: clearsRight)
        }
    }

    /// Sections, parents and blocks may nest this deep in one template (the tree passes recurse).
    static let maxNesting = 100

    private func checkNesting(_ token: Token) throws(TemplateError) {
        guard stack.count <= Self.maxNesting else {
            throw info.error(
                at: token.start,
                "'\(raw(token))' is nested too deeply: more than \(Self.maxNesting) open sections, parents and blocks")
        }
    }

    private mutating func closeContainer(_ token: Token, leading: String?, clearsRight: Bool) throws(TemplateError) {
        guard stack.count > 1, let container = stack.last, let openToken = container.token else {
            throw info.error(at: token.start, "unexpected closing tag '\(raw(token))': no section is open")
        }
        guard Self.normalizedKey(token.content) == container.key else {
            let opened = info.error(at: openToken.start, "")
            throw info.error(
                at: token.start,
                "closing tag '\(raw(token))' does not match '\(raw(openToken))' opened at line \(opened.line), "
                    + "column \(opened.column): expected '\(expectedClose(for: container))'")
        }
        let alone = leading != nil && clearsRight
        switch container.kind {
        case .root:
            break
        case .section, .inverted:
            if alone { removeLine(leading: leading, after: token) }
            let closed = stack.removeLast()
            guard let name = closed.name else { return }
            append(.section(name, inverted: closed.kind == .inverted, body: closed.nodes, offset: openToken.start))
        case .block:
            if alone { removeLine(leading: leading, after: token) }
            let closed = stack.removeLast()
            var body = closed.nodes
            var intrinsic: String?
            if closed.openStandalone, let found = intrinsicIndent(from: closed.contentStart, to: token.start) {
                intrinsic = found
                Self.strip(&body, indent: found)
            }
            let pairIndent = clearsRight ? closed.openLeading : nil
            append(.block(Block(
                name: closed.key, body: body, intrinsicIndent: intrinsic,
                siteIndent: intrinsic ?? pairIndent ?? "", offset: openToken.start, source: info)))
        case .parent:
            if alone || (container.openLeading != nil && clearsRight) { removeTrailing(after: token) }
            let closed = stack.removeLast()
            var overrides: [String: Block] = [:]
            for case .block(let block) in closed.nodes { overrides[block.name] = block }
            guard let reference = closed.reference else { return }
            append(.parent(reference, indent: closed.openLeading ?? "", overrides: overrides, offset: openToken.start))
        }
    }

    // MARK: - Names

    private func name(_ text: String, in token: Token) throws(TemplateError) -> Name {
        guard !text.isEmpty else {
            throw info.error(at: token.start, "empty tag '\(raw(token))': expected a name")
        }
        guard !text.contains(where: \.isWhitespace) else {
            throw info.error(at: token.start, "invalid name '\(text)' in '\(raw(token))': a name cannot contain spaces")
        }
        if text == "." { return Name(text: text, parts: []) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else {
            throw info.error(
                at: token.start,
                "invalid name '\(text)' in '\(raw(token))': expected '.' or keys joined by single dots, like 'a.b'")
        }
        return Name(text: text, parts: parts)
    }

    /// The template a partial or parent tag names, and the key its closing tag must repeat.
    private func partialReference(_ token: Token) throws(TemplateError) -> (PartialReference, String) {
        let key = Self.normalizedKey(token.content)
        if key.hasPrefix("*") {
            return (.dynamic(try name(String(key.dropFirst()), in: token)), key)
        }
        guard !key.isEmpty, !key.contains(where: \.isWhitespace) else {
            throw info.error(at: token.start, "invalid partial name in '\(raw(token))': expected a name without spaces")
        }
        return (.fixed(key), key)
    }

    /// `* name` (a dynamic name written with spaces) as `*name`; other content unchanged.
    private static func normalizedKey(_ content: String) -> String {
        guard content.hasPrefix("*") else { return content }
        return "*" + content.dropFirst().trimmingPrefix(while: { $0 == " " || $0 == "\t" })
    }

    private func raw(_ token: Token) -> String {
        String(decoding: bytes[token.start..<token.end], as: UTF8.self)
    }

    private func expectedClose(for container: Container) -> String {
        guard let token = container.token else { return "" }
        return "\(token.openDelimiter)/\(container.key)\(token.closeDelimiter)"
    }

    // MARK: - Standalone lines

    private mutating func append(_ node: Node) {
        stack[stack.count - 1].nodes.append(node)
    }

    /// The whitespace between the start of the line and the tag at `tokenIndex`, or nil when
    /// something else (text or another tag) precedes it on its line.
    private func leadingWhitespace(before tokenIndex: Int) -> String? {
        guard tokenIndex > 0 else { return "" }
        let previous = tokens[tokenIndex - 1]
        guard previous.kind == .text else { return nil }
        if previous.content.utf8.last == UInt8(ascii: "\n") { return "" }
        guard previous.content.utf8.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else {
            return nil
        }
        // Text tokens split only at line breaks and tags, so text before this one ends a line.
        guard tokenIndex == 1 || tokens[tokenIndex - 2].kind == .text else { return nil }
        return previous.content
    }

    /// Whether only whitespace follows the tag at `tokenIndex` up to the end of its line.
    private func clearsRight(after tokenIndex: Int) -> Bool {
        guard tokenIndex + 1 < tokens.count else { return true }
        let next = tokens[tokenIndex + 1]
        guard next.kind == .text else { return false }
        var rest = Substring(next.content)
        while let first = rest.utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            rest = rest.dropFirst()
        }
        if rest.isEmpty { return tokenIndex + 2 == tokens.count }
        return rest == "\n" || rest == "\r\n"
    }

    private mutating func removeLine(leading: String?, after token: Token) {
        removeLeading(leading)
        removeTrailing(after: token)
    }

    /// Drops the whitespace text just appended before a standalone tag.
    private mutating func removeLeading(_ leading: String?) {
        guard let leading, !leading.isEmpty, case .text = stack[stack.count - 1].nodes.last else { return }
        stack[stack.count - 1].nodes.removeLast()
    }

    /// Skips the whitespace and line break after a standalone tag; returns whether there was any.
    @discardableResult
    private mutating func removeTrailing(after token: Token) -> Bool {
        guard index < tokens.count, tokens[index].kind == .text, tokens[index].start == token.end else { return false }
        index += 1
        return true
    }

    private func startsLine(_ offset: Int) -> Bool {
        offset == 0 || bytes[offset - 1] == UInt8(ascii: "\n")
    }

    // MARK: - Block indentation

    /// The leading whitespace of the first non-blank line between `start` (a line start) and
    /// `end` (the closing tag), or nil when the block has no content line.
    private func intrinsicIndent(from start: Int, to end: Int) -> String? {
        var lineStart = start
        while lineStart < end {
            var position = lineStart
            while position < end, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") {
                position += 1
            }
            if position >= end { return nil }
            if bytes[position] != UInt8(ascii: "\n") && bytes[position] != UInt8(ascii: "\r") {
                return String(decoding: bytes[lineStart..<position], as: UTF8.self)
            }
            while position < end, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            lineStart = position + 1
        }
        return nil
    }

    /// Removes `indent` from the start of every source line in `nodes`, so that content is
    /// relative to its block. Blocks with their own intrinsic indentation keep their content
    /// (already relative to themselves) and only have that indentation made relative.
    private static func strip(_ nodes: inout [Node], indent: String) {
        for position in nodes.indices {
            switch nodes[position] {
            case .text(let text, let startsLine) where startsLine:
                nodes[position] = .text(removingIndent(indent, from: text), startsLine: true)
            case .section(let name, let inverted, var body, let offset):
                strip(&body, indent: indent)
                nodes[position] = .section(name, inverted: inverted, body: body, offset: offset)
            case .partial(let reference, let partialIndent, let offset):
                nodes[position] = .partial(
                    reference, indent: removingIndent(indent, from: partialIndent), offset: offset)
            case .parent(let reference, let parentIndent, var overrides, let offset):
                for key in Array(overrides.keys) {
                    if var block = overrides[key] {
                        strip(&block, indent: indent)
                        overrides[key] = block
                    }
                }
                nodes[position] = .parent(
                    reference, indent: removingIndent(indent, from: parentIndent), overrides: overrides,
                    offset: offset)
            case .block(var block):
                strip(&block, indent: indent)
                nodes[position] = .block(block)
            case .text, .literal, .variable:
                break
            }
        }
    }

    private static func strip(_ block: inout Block, indent: String) {
        if let own = block.intrinsicIndent {
            block.intrinsicIndent = removingIndent(indent, from: own)
        } else {
            strip(&block.body, indent: indent)
        }
        block.siteIndent = removingIndent(indent, from: block.siteIndent)
    }

    /// `text` without the longest common prefix it shares with the whitespace `indent`.
    private static func removingIndent(_ indent: String, from text: String) -> String {
        let shared = zip(indent.utf8, text.utf8).prefix(while: { $0 == $1 }).count
        return shared == 0 ? text : String(decoding: text.utf8.dropFirst(shared), as: UTF8.self)
    }

    // MARK: - Finishing

    /// Joins adjacent text nodes and drops empty ones, everywhere in the tree.
    private static func mergingText(_ nodes: [Node]) -> [Node] {
        var merged: [Node] = []
        merged.reserveCapacity(nodes.count)
        var pending = ""
        func flush() {
            if !pending.isEmpty { merged.append(.literal(Literal(pending))) }
            pending = ""
        }
        for node in nodes {
            switch node {
            case .text(let text, _):
                pending += text
            case .literal(let literal):
                pending += String(decoding: literal.bytes, as: UTF8.self)
            case .section(let name, let inverted, let body, let offset):
                flush()
                merged.append(.section(name, inverted: inverted, body: mergingText(body), offset: offset))
            case .parent(let reference, let indent, let overrides, let offset):
                flush()
                merged.append(.parent(
                    reference, indent: indent, overrides: overrides.mapValues(mergingText), offset: offset))
            case .block(let block):
                flush()
                merged.append(.block(mergingText(block)))
            case .variable, .partial:
                flush()
                merged.append(node)
            }
        }
        flush()
        return merged
    }

    private static func mergingText(_ block: Block) -> Block {
        var block = block
        block.body = mergingText(block.body)
        return block
    }
}
