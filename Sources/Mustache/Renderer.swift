// MARK: - Renderer

/// Runs a compiled template (`Program`) against a context stack, onto one output buffer. One
/// renderer per `Template.render` call. (A struct, so that its state needs no runtime
/// exclusivity checks.)
///
/// Rendering is a loop over an explicit work stack rather than native recursion, so no
/// template or data, however deep, can exhaust the thread's stack; runaway recursion through
/// partials, parents and blocks stops at `RenderOptions.maxPartialDepth`. The work stack holds
/// plain integers and pointers into the programs, which `programs` keeps alive.
struct Renderer: ~Copyable {
    private let options: RenderOptions
    private let partials: any PartialResolver
    private var output: ByteBuffer
    /// Whether the output is at the start of a line of template text (where indentation goes).
    private var atLineStart = true
    private var contextStack: [MustacheValue]
    /// The programs of the templates and partials rendered so far; `Pending.program` indexes it.
    private var programs: [Program] = []
    /// Indentations as UTF-8, made by nesting indented partials; index 0 is none.
    private var indents: [[UInt8]] = [[]]
    /// Block overrides of the parents being expanded, outermost (highest precedence) first:
    /// the program a parent tag is in, and the index of its override table there.
    private var overrideStack: [(program: Int, table: Int)] = []
    /// The items of the list sections being rendered, innermost last.
    private var lists: [[MustacheValue]] = []
    /// Partials, parents and overrides being expanded.
    private var partialDepth = 0
    /// Instruction ranges being rendered, innermost last.
    private var work: [Pending] = []
    /// When `separating`, values go to `values` and the output gets a placeholder token for each.
    private var separating = false
    private var values = ByteBuffer(capacity: 0)
    /// Where each value ends in `values`.
    private var valueEnds: [Int] = []

    /// A range of a program's instructions being rendered, and what to undo when it is done.
    private struct Pending {
        /// Index into `programs`: the template the instructions are in (errors point there).
        let program: Int
        let ops: UnsafePointer<Program.Op>
        let text: UnsafePointer<UInt8>
        let names: UnsafePointer<Program.NameKeys>
        let keys: UnsafePointer<String>
        let keyHashes: UnsafePointer<UInt64>
        let start: Int
        var index: Int
        let end: Int
        /// Index into `indents`: what each line of the output gets before it.
        let indent: Int
        let exit: Exit
        /// For `nextItem`: the index in `lists.last` of the item to render next.
        var next: Int = 0
    }

    private enum Exit {
        case nothing
        /// A section over one value: pop it off the context stack.
        case popContext
        /// A section over a list: pop the item, then render the body again for the next one.
        case nextItem
        /// A partial or override: leave it.
        case leavePartial
        /// A parent: leave it and pop its overrides.
        case leaveParent
    }

    /// `contexts` is the context stack to start with, bottom first.
    init(contexts: [MustacheValue], partials: any PartialResolver, options: RenderOptions) {
        self.contextStack = contexts
        self.partials = partials
        self.options = options
        // Room for a page's nesting from the start: growing these one step at a time cost
        // every render a handful of reallocations.
        contextStack.reserveCapacity(16)
        lists.reserveCapacity(8)
        work.reserveCapacity(16)
        // The caller's buffers are swapped in for the render.
        self.output = ByteBuffer(capacity: 0)
    }

    init(context: MustacheValue, partials: any PartialResolver, options: RenderOptions) {
        self.init(contexts: [context], partials: partials, options: options)
    }

    /// Renders `program` onto the end of `buffer` (which holds what was rendered so far if this throws).
    mutating func render(_ program: Program, into buffer: inout ByteBuffer) throws(TemplateError) {
        swap(&output, &buffer)
        defer { swap(&output, &buffer) }
        try run(program)
    }

    /// Renders `program` onto the end of `buffer` with each value's text onto the end of
    /// `values` instead (where it ends onto `ends`), and a placeholder token in its place.
    mutating func render(
        _ program: Program, into buffer: inout ByteBuffer, separating values: inout ByteBuffer, ends: inout [Int]
    ) throws(TemplateError) {
        swap(&output, &buffer)
        swap(&self.values, &values)
        swap(&valueEnds, &ends)
        separating = true
        defer {
            swap(&output, &buffer)
            swap(&self.values, &values)
            swap(&valueEnds, &ends)
            separating = false
        }
        try run(program)
    }

    private mutating func run(_ program: Program) throws(TemplateError) {
        programs.append(program)
        work.append(pending(0, program.root, indent: 0, exit: .nothing))
        while var current = work.popLast() {
            var child: Pending?
            while child == nil, current.index < current.end {
                let op = current.ops[current.index]
                current.index += 1
                switch op.code {
                case .literal:
                    emitText(UnsafeBufferPointer(start: current.text + Int(op.a), count: Int(op.b)), endsLine: op.flag,
                             indent: current.indent)
                case .variable:
                    try renderVariable(op, in: current)
                case .section:
                    child = try enterSection(op, in: current)
                case .partial, .parent:
                    child = try enterPartial(op, in: current)
                case .block:
                    child = try enterBlock(op, in: current)
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

    /// Instructions `range` of the program `frame` renders: its tables are the frame's (a section's
    /// body is in its own program), so the program itself is not fetched, with a reference
    /// count taken and dropped, at every section.
    private func pending(in frame: Pending, _ range: Range<Int>, indent: Int, exit: Exit) -> Pending {
        Pending(program: frame.program, ops: frame.ops, text: frame.text, names: frame.names, keys: frame.keys,
                keyHashes: frame.keyHashes, start: range.lowerBound, index: range.lowerBound, end: range.upperBound,
                indent: indent, exit: exit)
    }

    /// Instructions `range` of program `index` to render.
    private func pending(_ index: Int, _ range: Range<Int>, indent: Int, exit: Exit) -> Pending {
        let program = programs[index]
        return Pending(program: index, ops: program.opsBase, text: program.textBase, names: program.nameBase,
                       keys: program.keyBase, keyHashes: program.keyHashBase, start: range.lowerBound,
                       index: range.lowerBound, end: range.upperBound, indent: indent, exit: exit)
    }

    // MARK: - Instructions

    private mutating func renderVariable(_ op: Program.Op, in frame: Pending) throws(TemplateError) {
        guard let value = try resolve(op, in: frame) else { return }
        guard separating else {
            try emit(value, escaped: op.flag, name: op.a, at: op.offset, in: frame, indent: frame.indent)
            return
        }
        // The value's text goes to `values`; a token takes its place (indented like the text would be).
        swap(&output, &values)
        let valueStart = output.count
        let lineStart = atLineStart
        do {
            try emit(value, escaped: op.flag, name: op.a, at: op.offset, in: frame, indent: 0)
        } catch {
            swap(&output, &values)
            throw error
        }
        let produced = output.count > valueStart
        swap(&output, &values)
        atLineStart = lineStart
        guard produced else { return }
        valueEnds.append(values.count)
        let mark = output.count
        output.append(0xEE)  // U+E000, SeparatedValues.token
        output.append(0x80)
        output.append(0x80)
        finishValue(from: mark, indent: frame.indent)
    }

    /// The section's body to render next, if it renders.
    private mutating func enterSection(_ op: Program.Op, in frame: Pending) throws(TemplateError) -> Pending? {
        let body = Int(op.b)..<Int(op.c)
        // A missing value is falsey (as null is); a found one is moved onto the context stack,
        // not copied there and released here.
        guard let value = try resolve(op, in: frame) else {
            return op.flag ? pending(in: frame, body, indent: frame.indent, exit: .nothing) : nil
        }
        if op.flag {
            return value.isTruthy ? nil : pending(in: frame, body, indent: frame.indent, exit: .nothing)
        }
        if case .array(let items) = value {
            guard let first = items.first else { return nil }
            contextStack.append(first)
            lists.append(items)
            var child = pending(in: frame, body, indent: frame.indent, exit: .nextItem)
            child.next = 1
            return child
        }
        guard value.isTruthy else { return nil }
        contextStack.append(value)
        return pending(in: frame, body, indent: frame.indent, exit: .popContext)
    }

    /// The partial or parent (whose overrides then take effect) to render next.
    private mutating func enterPartial(_ op: Program.Op, in frame: Pending) throws(TemplateError) -> Pending? {
        let program = programs[frame.program]
        guard let (name, template) = try load(program.references[Int(op.a)], at: op.offset, in: frame) else { return nil }
        try checkDepth(name, at: op.offset, in: frame)
        partialDepth += 1
        let isParent = op.code == .parent
        if isParent { overrideStack.append((frame.program, Int(op.c))) }
        let index = programIndex(template.program)
        return pending(index, template.program.root, indent: indent(frame.indent, plus: program.indents[Int(op.b)]),
                       exit: isParent ? .leaveParent : .leavePartial)
    }

    /// The block's content to render next: the override from the outermost parent that has
    /// one, else its own.
    private mutating func enterBlock(_ op: Program.Op, in frame: Pending) throws(TemplateError) -> Pending {
        let program = programs[frame.program]
        let block = program.blocks[Int(op.a)]
        guard let (overrideProgram, override) = override(named: block.name) else {
            return pending(in: frame, block.body, indent: indent(frame.indent, plus: program.indents[block.intrinsicIndent]),
                           exit: .nothing)
        }
        try checkDepth(block.name, at: op.offset, in: frame)
        partialDepth += 1
        return pending(overrideProgram, override.body, indent: indent(frame.indent, plus: program.indents[block.siteIndent]),
                       exit: .leavePartial)
    }

    /// Undoes what entering `done` did; for a list section, starts the next item.
    private mutating func finish(_ done: Pending) {
        switch done.exit {
        case .nothing:
            break
        case .popContext:
            contextStack.removeLast()
        case .nextItem:
            contextStack.removeLast()
            let items = lists[lists.count - 1]
            guard done.next < items.count else {
                lists.removeLast()
                return
            }
            contextStack.append(items[done.next])
            var again = done
            again.index = done.start
            again.next = done.next + 1
            work.append(again)
        case .leavePartial:
            partialDepth -= 1
        case .leaveParent:
            partialDepth -= 1
            overrideStack.removeLast()
        }
    }

    private func checkDepth(_ name: String, at offset: Int32, in frame: Pending) throws(TemplateError) {
        guard partialDepth < options.maxPartialDepth else {
            throw error(
                at: offset, in: frame,
                "partial recursion too deep: more than \(options.maxPartialDepth) nested partials, parents or blocks "
                    + "(does '\(name)' include itself without a stopping condition?)")
        }
    }

    /// The override of block `name` from the outermost parent that has one: the program it
    /// is written in, and where.
    private func override(named name: String) -> (program: Int, site: Program.BlockSite)? {
        for (program, table) in overrideStack {
            if let slot = programs[program].overrides[table][name] { return (program, programs[program].blocks[slot]) }
        }
        return nil
    }

    /// The index of `program` in `programs`, adding it when it is not there yet.
    private mutating func programIndex(_ program: Program) -> Int {
        if let index = programs.firstIndex(where: { $0 === program }) { return index }
        programs.append(program)
        return programs.count - 1
    }

    // MARK: - Output

    private mutating func emitText(_ bytes: UnsafeBufferPointer<UInt8>, endsLine: Bool, indent: Int) {
        guard indent != 0 else {
            output.append(bytes)
            atLineStart = endsLine
            return
        }
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            if end < bytes.count { end += 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            // Empty lines stay empty: no trailing whitespace from indentation.
            let empty = (line.count == 1 && line[0] == UInt8(ascii: "\n"))
                || (line.count == 2 && line[0] == UInt8(ascii: "\r") && line[1] == UInt8(ascii: "\n"))
            if atLineStart && !empty { output.append(contentsOf: indents[indent]) }
            output.append(line)
            atLineStart = line[line.count - 1] == UInt8(ascii: "\n")
            start = end
        }
    }

    /// Puts the indentation before a value's text that starts a line; `mark` is where the
    /// value's bytes begin in the output.
    private mutating func finishValue(from mark: Int, indent: Int) {
        guard output.count > mark else { return }
        if atLineStart && indent != 0 { output.insert(indents[indent], at: mark) }
        atLineStart = false
    }

    /// The index in `indents` of `base`'s indentation followed by `extra`.
    private mutating func indent(_ base: Int, plus extra: [UInt8]) -> Int {
        guard !extra.isEmpty else { return base }
        let combined = indents[base] + extra
        if let index = indents.firstIndex(of: combined) { return index }
        indents.append(combined)
        return indents.count - 1
    }

    // MARK: - Values

    /// Writes the value's text, escaped as the tag asks, unless the value is trusted.
    private mutating func emit(
        _ value: MustacheValue, escaped: Bool, name: Int32, at offset: Int32, in frame: Pending, indent: Int
    ) throws(TemplateError) {
        let mark = output.count
        switch value {
        case .trusted(let text):
            output.append(text)
        case .trustedBytes(let bytes):
            output.append(contentsOf: bytes)
        case .null:
            return
        case .object:
            if options.strict {
                throw error(at: offset, in: frame, "'\(programs[frame.program].names[Int(name)].text)' is an object, which cannot be inserted as text: name one of its keys")
            }
            return
        case .array(let items):
            // The items' texts joined by commas; indentation goes once, before the whole.
            let saved = atLineStart
            for (position, item) in items.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                try emit(item, escaped: escaped, name: name, at: offset, in: frame, indent: 0)
            }
            atLineStart = saved
        case .string(let text):
            escape(text, escaped: escaped)
        case .bool, .int, .double:
            escape(value.scalarText, escaped: escaped)
        }
        finishValue(from: mark, indent: indent)
    }

    /// Writes `text` escaped as the tag asks. A native string's bytes are read where they are
    /// and the escaper is called where the options hold it: copying either (a reference count
    /// each, taken and dropped) cost a page hundreds of atomic operations.
    private mutating func escape(_ text: String, escaped: Bool) {
        let written: Void? = text.utf8.withContiguousStorageIfAvailable { escape($0, escaped: escaped) }
        if written == nil {
            var copy = text
            copy.withUTF8 { escape($0, escaped: escaped) }
        }
    }

    private mutating func escape(_ bytes: UnsafeBufferPointer<UInt8>, escaped: Bool) {
        if escaped {
            options.escape(bytes, &output)
        } else if let escaper = options.escapeUnescaped {
            escaper(bytes, &output)
        } else {
            output.append(bytes)
        }
    }

    /// An error at UTF-8 offset `offset` of the template `frame` renders.
    private func error(at offset: Int32, in frame: Pending, _ message: String) -> TemplateError {
        programs[frame.program].info.error(at: Int(offset), message)
    }

    /// The value of the name instruction `op` refers to, or nil when nothing matches (an error when strict).
    private func resolve(_ op: Program.Op, in frame: Pending) throws(TemplateError) -> MustacheValue? {
        let keys = frame.names[Int(op.a)]
        if let value = lookup(keys: frame.keys + Int(keys.start), hashes: frame.keyHashes + Int(keys.start),
                              count: Int(keys.count)) {
            return value
        }
        guard options.strict else { return nil }
        let name = programs[frame.program].names[Int(op.a)]
        throw error(at: op.offset, in: frame, "unknown name '\(name.text)': \(missReason(name))")
    }

    /// The value `name` refers to, or nil when nothing matches (an error when strict).
    private func resolve(_ name: Name, at offset: Int32, in frame: Pending) throws(TemplateError) -> MustacheValue? {
        if let value = lookup(name) { return value }
        guard options.strict else { return nil }
        throw error(at: offset, in: frame, "unknown name '\(name.text)': \(missReason(name))")
    }

    /// The value of the dotted name whose `count` keys and their hashes are at `keys` and `hashes`
    /// (`.` when there are none): the first key is looked up from the top of the context stack down.
    private func lookup(keys: UnsafePointer<String>?, hashes: UnsafePointer<UInt64>?, count: Int) -> MustacheValue? {
        guard count > 0, let keys, let hashes else { return contextStack.last }
        // The stack's values are read in place (through its buffer), not copied out one by one
        // to be tested: a copy and its release were a third of a lookup's cost.
        let found = contextStack.withUnsafeBufferPointer { stack -> MustacheValue? in
            var position = stack.count
            while position > 0 {
                position -= 1
                if let value = stack[position].member(keys[0], hash: hashes[0]) { return value }
            }
            return nil
        }
        // A plain name (most of them) is the value found, returned as it is.
        guard count > 1, var current = found else { return found }
        for k in 1..<count {
            guard let value = current.member(keys[k], hash: hashes[k]) else { return nil }
            current = value
        }
        return current
    }

    /// A name's value as `lookup` finds it.
    private func lookup(_ name: Name) -> MustacheValue? {
        name.parts.withUnsafeBufferPointer { keys in
            name.hashes.withUnsafeBufferPointer { hashes in
                lookup(keys: keys.baseAddress, hashes: hashes.baseAddress, count: keys.count)
            }
        }
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
        _ reference: PartialReference, at offset: Int32, in frame: Pending
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
                    throw error(
                        at: offset, in: frame,
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
            throw self.error(at: offset, in: frame, "cannot load partial '\(name)': \(error)")
        }
        guard let template else {
            if options.missingPartialIsError {
                throw error(at: offset, in: frame, "partial '\(name)' not found")
            }
            return nil
        }
        return (name, template)
    }
}
