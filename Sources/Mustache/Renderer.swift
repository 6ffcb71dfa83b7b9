// MARK: - Renderer

/// Renders a node tree against a context stack into one output string. One renderer per
/// `Template.render` call. (A struct, so that its state needs no runtime exclusivity checks.)
///
/// Rendering is a loop over an explicit work stack rather than native recursion, so no
/// template or data, however deep, can exhaust the thread's stack; runaway recursion through
/// partials, parents and blocks stops at `RenderOptions.maxPartialDepth`.
struct Renderer {
    private let options: RenderOptions
    private let partials: any PartialResolver
    private var output: [UInt8] = []
    /// Whether the output is at the start of a line of template text (where indentation goes).
    private var atLineStart = true
    private var contextStack: [MustacheValue]
    /// Block overrides of the parents being expanded, outermost (highest precedence) first.
    private var overrideStack: [[String: Block]] = []
    /// Partials, parents and overrides being expanded.
    private var partialDepth = 0
    /// Node lists being rendered, innermost last.
    private var work: [Pending] = []
    /// When `separating`, values go to `separated` and the output gets a placeholder token for each.
    private var separating = false
    private var separated = SeparatedValues()

    /// Where nodes being rendered come from, and the indentation their lines get.
    struct Frame {
        var indent: String
        var source: SourceInfo
    }

    /// A list of nodes being rendered, and what to undo when it is done.
    private struct Pending {
        let nodes: [Node]
        var index = 0
        let frame: Frame
        let exit: Exit
    }

    private enum Exit {
        case nothing
        /// A section over one value: pop it off the context stack.
        case popContext
        /// A section over a list: pop the item, then render the body again for item `next`.
        case nextItem(items: [MustacheValue], next: Int)
        /// A partial, parent or override: leave it, and pop a parent's overrides.
        case leavePartial(popsOverrides: Bool)
    }

    init(context: MustacheValue, partials: any PartialResolver, options: RenderOptions) {
        self.contextStack = [context]
        self.partials = partials
        self.options = options
    }

    /// Renders `nodes` onto the end of `buffer` (which holds what was rendered so far if this throws).
    mutating func render(_ nodes: [Node], source: SourceInfo, into buffer: inout [UInt8]) throws(TemplateError) {
        swap(&output, &buffer)
        defer { swap(&output, &buffer) }
        try run(nodes, source: source)
    }

    /// Renders `nodes` onto the end of `buffer` with each value's text in `values` instead,
    /// and a placeholder token in its place.
    mutating func render(
        _ nodes: [Node], source: SourceInfo, into buffer: inout [UInt8], separating values: inout SeparatedValues
    ) throws(TemplateError) {
        swap(&output, &buffer)
        swap(&separated, &values)
        separating = true
        defer {
            swap(&output, &buffer)
            swap(&separated, &values)
            separating = false
        }
        try run(nodes, source: source)
    }

    private mutating func run(_ nodes: [Node], source: SourceInfo) throws(TemplateError) {
        work.append(Pending(nodes: nodes, frame: Frame(indent: "", source: source), exit: .nothing))
        while var current = work.popLast() {
            var child: Pending?
            while child == nil, current.index < current.nodes.count {
                let position = current.index
                current.index += 1
                switch current.nodes[position] {
                case .literal(let literal):
                    emitText(literal, indent: current.frame.indent)
                case .text(let text, _):
                    emitText(Literal(text), indent: current.frame.indent)
                case .variable(let name, let escaped, let offset):
                    try renderVariable(name, escaped: escaped, at: offset, in: current.frame)
                case .section(let name, let inverted, let body, let offset):
                    child = try enterSection(name, inverted: inverted, body: body, at: offset, in: current.frame)
                case .partial(let reference, let indent, let offset):
                    child = try enterPartial(reference, indent: indent, overrides: nil, at: offset, in: current.frame)
                case .parent(let reference, let indent, let overrides, let offset):
                    child = try enterPartial(
                        reference, indent: indent, overrides: overrides, at: offset, in: current.frame)
                case .block(let block):
                    child = try enterBlock(block, in: current.frame)
                }
            }
            if let child {
                work.append(current)
                work.append(child)
            } else {
                finish(current)
            }
        }
    }

    // MARK: - Nodes

    private mutating func renderVariable(
        _ name: Name, escaped: Bool, at offset: Int, in frame: Frame
    ) throws(TemplateError) {
        guard let value = try resolve(name, at: offset, in: frame) else { return }
        guard separating else {
            try emit(value, escaped: escaped, name: name, at: offset, in: frame)
            return
        }
        // The value's text goes to `separated`; a token takes its place (indented like the text would be).
        swap(&output, &separated.bytes)
        let valueStart = output.count
        let lineStart = atLineStart
        do {
            try emit(value, escaped: escaped, name: name, at: offset, in: Frame(indent: "", source: frame.source))
        } catch {
            swap(&output, &separated.bytes)
            throw error
        }
        let produced = output.count > valueStart
        swap(&output, &separated.bytes)
        atLineStart = lineStart
        guard produced else { return }
        separated.ends.append(separated.bytes.count)
        let mark = output.count
        output.append(0xEE)  // U+E000, SeparatedValues.token
        output.append(0x80)
        output.append(0x80)
        finishValue(from: mark, indent: frame.indent)
    }

    /// The section's body to render next, if it renders.
    private mutating func enterSection(
        _ name: Name, inverted: Bool, body: [Node], at offset: Int, in frame: Frame
    ) throws(TemplateError) -> Pending? {
        let value = try resolve(name, at: offset, in: frame) ?? .null
        if inverted {
            return value.isTruthy ? nil : Pending(nodes: body, frame: frame, exit: .nothing)
        }
        if case .array(let items) = value {
            guard let first = items.first else { return nil }
            contextStack.append(first)
            return Pending(nodes: body, frame: frame, exit: .nextItem(items: items, next: 1))
        }
        guard value.isTruthy else { return nil }
        contextStack.append(value)
        return Pending(nodes: body, frame: frame, exit: .popContext)
    }

    /// The partial (`overrides` nil) or parent (with its block overrides) to render next.
    private mutating func enterPartial(
        _ reference: PartialReference, indent: String, overrides: [String: Block]?, at offset: Int, in frame: Frame
    ) throws(TemplateError) -> Pending? {
        guard let (name, template) = try load(reference, at: offset, in: frame) else { return nil }
        try checkDepth(name, at: offset, in: frame)
        partialDepth += 1
        if let overrides { overrideStack.append(overrides) }
        return Pending(
            nodes: template.nodes, frame: Frame(indent: frame.indent + indent, source: template.info),
            exit: .leavePartial(popsOverrides: overrides != nil))
    }

    /// The block's content to render next: the override from the outermost parent that has
    /// one, else its own.
    private mutating func enterBlock(_ block: Block, in frame: Frame) throws(TemplateError) -> Pending {
        guard let override = override(named: block.name) else {
            let indent = frame.indent + (block.intrinsicIndent ?? "")
            return Pending(nodes: block.body, frame: Frame(indent: indent, source: frame.source), exit: .nothing)
        }
        try checkDepth(block.name, at: block.offset, in: frame)
        partialDepth += 1
        return Pending(
            nodes: override.body, frame: Frame(indent: frame.indent + block.siteIndent, source: override.source),
            exit: .leavePartial(popsOverrides: false))
    }

    /// Undoes what entering `done` did; for a list section, starts the next item.
    private mutating func finish(_ done: Pending) {
        switch done.exit {
        case .nothing:
            break
        case .popContext:
            contextStack.removeLast()
        case .nextItem(let items, let next):
            contextStack.removeLast()
            guard next < items.count else { return }
            contextStack.append(items[next])
            work.append(Pending(nodes: done.nodes, frame: done.frame, exit: .nextItem(items: items, next: next + 1)))
        case .leavePartial(let popsOverrides):
            partialDepth -= 1
            if popsOverrides { overrideStack.removeLast() }
        }
    }

    private func checkDepth(_ name: String, at offset: Int, in frame: Frame) throws(TemplateError) {
        guard partialDepth < options.maxPartialDepth else {
            throw frame.source.error(
                at: offset,
                "partial recursion too deep: more than \(options.maxPartialDepth) nested partials, parents or blocks "
                    + "(does '\(name)' include itself without a stopping condition?)")
        }
    }

    private func override(named name: String) -> Block? {
        for overrides in overrideStack {
            if let block = overrides[name] { return block }
        }
        return nil
    }

    // MARK: - Output

    /// Appends a string's UTF-8 bytes (straight from its storage when it is contiguous).
    private mutating func append(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ output.append(contentsOf: $0) }) == nil {
            output.append(contentsOf: text.utf8)
        }
    }

    private mutating func emitText(_ literal: Literal, indent: String) {
        guard !literal.bytes.isEmpty else { return }
        guard !indent.isEmpty else {
            output.append(contentsOf: literal.bytes)
            atLineStart = literal.endsLine
            return
        }
        literal.bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
                if end < buffer.count { end += 1 }
                let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                // Empty lines stay empty: no trailing whitespace from indentation.
                let empty = (line.count == 1 && line[0] == UInt8(ascii: "\n"))
                    || (line.count == 2 && line[0] == UInt8(ascii: "\r") && line[1] == UInt8(ascii: "\n"))
                if atLineStart && !empty { append(indent) }
                output.append(contentsOf: line)
                atLineStart = line[line.count - 1] == UInt8(ascii: "\n")
                start = end
            }
        }
    }

    /// Puts the indentation before a value's text that starts a line; `mark` is where the
    /// value's bytes begin in the output.
    private mutating func finishValue(from mark: Int, indent: String) {
        guard output.count > mark else { return }
        if atLineStart && !indent.isEmpty { output.insert(contentsOf: indent.utf8, at: mark) }
        atLineStart = false
    }

    // MARK: - Values

    /// Writes the value's text, escaped as the tag asks, unless the value is trusted.
    private mutating func emit(
        _ value: MustacheValue, escaped: Bool, name: Name, at offset: Int, in frame: Frame
    ) throws(TemplateError) {
        let mark = output.count
        switch value {
        case .trusted(let text):
            append(text)
        case .trustedBytes(let bytes):
            output.append(contentsOf: bytes)
        case .null:
            return
        case .object:
            if options.strict {
                throw frame.source.error(
                    at: offset, "'\(name.text)' is an object, which cannot be inserted as text: name one of its keys")
            }
            return
        case .array(let items):
            // The items' texts joined by commas; indentation goes once, before the whole.
            let saved = atLineStart
            let flat = Frame(indent: "", source: frame.source)
            for (position, item) in items.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                try emit(item, escaped: escaped, name: name, at: offset, in: flat)
            }
            atLineStart = saved
        case .string(var text):
            escape(&text, escaped: escaped)
        case .bool, .int, .double:
            var text = value.scalarText
            escape(&text, escaped: escaped)
        }
        finishValue(from: mark, indent: frame.indent)
    }

    private mutating func escape(_ text: inout String, escaped: Bool) {
        let escaper = escaped ? options.escape : options.escapeUnescaped
        text.withUTF8 { bytes in
            if let escaper { escaper(bytes, &output) } else { output.append(contentsOf: bytes) }
        }
    }

    /// The value `name` refers to, or nil when nothing matches (an error when strict).
    private func resolve(_ name: Name, at offset: Int, in frame: Frame) throws(TemplateError) -> MustacheValue? {
        if let value = lookup(name) { return value }
        guard options.strict else { return nil }
        throw frame.source.error(at: offset, "unknown name '\(name.text)': \(missReason(name))")
    }

    private func lookup(_ name: Name) -> MustacheValue? {
        guard let first = name.parts.first else { return contextStack.last }
        let firstHash = name.hashes[0]
        var found: MustacheValue?
        for position in stride(from: contextStack.count - 1, through: 0, by: -1) {
            if case .object(let fields) = contextStack[position], let value = fields.value(forKey: first, hash: firstHash) {
                found = value
                break
            }
        }
        guard var current = found else { return nil }
        for k in 1..<name.parts.count {
            guard case .object(let fields) = current, let value = fields.value(forKey: name.parts[k], hash: name.hashes[k])
            else { return nil }
            current = value
        }
        return current
    }

    /// Why `name` did not resolve, for a strict-mode message.
    private func missReason(_ name: Name) -> String {
        guard let first = name.parts.first else { return "the context is empty" }
        guard var current = lookup(Name(text: first, parts: [first])) else {
            return "no key '\(first)' in the data here"
        }
        var path = first
        for part in name.parts.dropFirst() {
            guard case .object(let fields) = current else {
                return "'\(path)' is \(Self.kind(of: current)), not an object with key '\(part)'"
            }
            guard let value = fields[part] else { return "'\(path)' has no key '\(part)'" }
            current = value
            path += "." + part
        }
        return "not found"
    }

    private static func kind(of value: MustacheValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string, .trusted, .trustedBytes: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    // MARK: - Partials

    /// The partial or parent template a tag names, or nil when there is none (an error when
    /// `missingPartialIsError`, or for an unresolved dynamic name when strict).
    private func load(
        _ reference: PartialReference, at offset: Int, in frame: Frame
    ) throws(TemplateError) -> (String, Template)? {
        let name: String
        switch reference {
        case .fixed(let fixed):
            name = fixed
        case .dynamic(let dynamic):
            guard let value = try resolve(dynamic, at: offset, in: frame) else { return nil }
            switch value {
            case .string(let text), .trusted(let text):
                name = text
            case .trustedBytes(let bytes):
                name = String(decoding: bytes, as: UTF8.self)
            default:
                if options.strict {
                    throw frame.source.error(
                        at: offset,
                        "dynamic partial name '\(dynamic.text)' is \(Self.kind(of: value)): expected a string")
                }
                return nil
            }
        }
        let template: Template?
        do {
            template = try partials.template(named: name)
        } catch let error as TemplateError {
            throw error
        } catch {
            throw frame.source.error(at: offset, "cannot load partial '\(name)': \(error)")
        }
        guard let template else {
            if options.missingPartialIsError {
                throw frame.source.error(at: offset, "partial '\(name)' not found")
            }
            return nil
        }
        return (name, template)
    }
}
