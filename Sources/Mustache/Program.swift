// MARK: - Program

/// A parsed template compiled to what the renderer runs: flat lists of plain instructions.
///
/// The node tree holds strings, arrays and dictionaries, so walking it costs a reference-count
/// operation at every step; a page of a few hundred values and literals spent a quarter of its
/// render time on them. Here every node list of the tree (the template, each section body,
/// block body and override) is a contiguous range of `ops`, an instruction is a few integers,
/// literal text is a range of one byte array, and the names, partial references, indentations
/// and blocks an instruction needs are indices into tables made once per template.
final class Program: @unchecked Sendable {
    // @unchecked: the instructions and text are written once, in init, and only read after.

    /// Every node list's instructions, each list a contiguous range (owned by the program).
    let opsBase: UnsafePointer<Op>
    let opCount: Int
    /// The instructions of the template itself.
    let root: Range<Int>
    /// All literal text, one piece after another (owned by the program).
    let textBase: UnsafePointer<UInt8>
    let names: [Name]
    /// Each name's keys, for lookups that copy nothing: `nameBase[i]` says where name i's keys
    /// are in `keyBase` and `keyHashBase` (owned by the program).
    let nameBase: UnsafePointer<NameKeys>
    let keyBase: UnsafePointer<String>
    let keyHashBase: UnsafePointer<UInt64>
    let references: [PartialReference]
    /// Indentation strings as UTF-8 (index 0 is the empty one).
    let indents: [[UInt8]]
    let blocks: [BlockSite]
    /// For each parent tag, its overrides: block name → index into `blocks`.
    let overrides: [[String: Int]]
    /// The template's source, where errors in it point.
    let info: SourceInfo

    /// One instruction. Which fields mean what depends on `code` (see `Code`).
    struct Op: Sendable {
        var code: Code
        /// `literal`: whether the text ends a line; `variable`: whether it is escaped;
        /// `section`: whether it is inverted.
        var flag: Bool
        var a: Int32
        var b: Int32
        var c: Int32
        /// UTF-8 offset of the tag in the template (for errors).
        var offset: Int32
    }

    /// Where a name's keys are in `keyBase` and `keyHashBase`; no keys for `.`.
    struct NameKeys: Sendable {
        var start: Int32
        var count: Int32
    }

    enum Code: UInt8, Sendable {
        /// Text `a..<a+b` of `text`.
        case literal
        /// The value of name `a`.
        case variable
        /// The body `b..<c` for name `a`.
        case section
        /// Partial `references[a]`, indented by `indents[b]`.
        case partial
        /// Parent `references[a]`, indented by `indents[b]`, with `overrides[c]`.
        case parent
        /// `blocks[a]`.
        case block
    }

    /// A `{{$name}}` block where it is written: its content's range in `ops`.
    struct BlockSite: Sendable {
        let name: String
        let body: Range<Int>
        /// Indentation index (into `indents`) of the block's own content, where it renders.
        let intrinsicIndent: Int
        /// Indentation index an override gets where this block is expanded.
        let siteIndent: Int
        let offset: Int
    }

    init(nodes: [Node], info: SourceInfo) {
        var compiler = Compiler()
        root = compiler.compile(nodes)
        opCount = compiler.ops.count
        opsBase = UnsafePointer(Self.copy(compiler.ops))
        textBase = UnsafePointer(Self.copy(compiler.text))
        names = compiler.names
        var spans: [NameKeys] = []
        var keys: [String] = []
        for name in names {
            spans.append(NameKeys(start: Int32(keys.count), count: Int32(name.parts.count)))
            keys += name.parts
        }
        nameBase = UnsafePointer(Self.copy(spans))
        keyBase = UnsafePointer(Self.copy(keys))
        keyHashBase = UnsafePointer(Self.copy(keys.map(MustacheObject.hash)))
        keyCount = keys.count
        references = compiler.references
        indents = compiler.indents
        blocks = compiler.blocks
        overrides = compiler.overrides
        self.info = info
    }

    /// How many keys `keyBase` holds.
    private let keyCount: Int

    deinit {
        for memory in [UnsafeMutableRawPointer(mutating: opsBase), UnsafeMutableRawPointer(mutating: textBase),
                       UnsafeMutableRawPointer(mutating: nameBase), UnsafeMutableRawPointer(mutating: keyHashBase)] {
            memory.deallocate()
        }
        UnsafeMutablePointer(mutating: keyBase).deinitialize(count: keyCount).deallocate()
    }

    /// The elements in memory of their own (at least one element's worth, so never empty).
    private static func copy<T>(_ elements: [T]) -> UnsafeMutablePointer<T> {
        let memory = UnsafeMutablePointer<T>.allocate(capacity: max(elements.count, 1))
        _ = UnsafeMutableBufferPointer(start: memory, count: elements.count).initialize(from: elements)
        return memory
    }

    /// Builds the tables. A node list's instructions are written first, with each section,
    /// block and override body compiled after it (so that every list stays contiguous), and
    /// the ranges patched in.
    private struct Compiler {
        var ops: [Op] = []
        var text: [UInt8] = []
        var names: [Name] = []
        var references: [PartialReference] = []
        var indents: [[UInt8]] = [[]]
        var blocks: [BlockSite] = []
        var overrides: [[String: Int]] = []

        mutating func compile(_ nodes: [Node]) -> Range<Int> {
            let start = ops.count
            /// Bodies to compile once this list is done: the instruction to patch, and the nodes.
            var bodies: [(op: Int, nodes: [Node])] = []
            /// Blocks (of this list, or overrides of its parents) to compile once this list is done.
            var pendingBlocks: [(slot: Int, block: Block)] = []
            for node in nodes {
                switch node {
                case .text(let string, _):
                    appendLiteral(Array(string.utf8))
                case .literal(let literal):
                    appendLiteral(literal.bytes)
                case .variable(let name, let escaped, let offset):
                    ops.append(Op(code: .variable, flag: escaped, a: intern(name), b: 0, c: 0, offset: Int32(offset)))
                case .section(let name, let inverted, let body, let offset):
                    bodies.append((ops.count, body))
                    ops.append(Op(code: .section, flag: inverted, a: intern(name), b: 0, c: 0, offset: Int32(offset)))
                case .partial(let reference, let indent, let offset):
                    references.append(reference)
                    ops.append(Op(code: .partial, flag: false, a: Int32(references.count - 1), b: indentIndex(indent),
                                  c: 0, offset: Int32(offset)))
                case .parent(let reference, let indent, let blockOverrides, let offset):
                    references.append(reference)
                    var table: [String: Int] = [:]
                    for (name, block) in blockOverrides.sorted(by: { $0.key < $1.key }) {
                        table[name] = reserveBlock(block, into: &pendingBlocks)
                    }
                    overrides.append(table)
                    ops.append(Op(code: .parent, flag: false, a: Int32(references.count - 1), b: indentIndex(indent),
                                  c: Int32(overrides.count - 1), offset: Int32(offset)))
                case .block(let block):
                    let slot = reserveBlock(block, into: &pendingBlocks)
                    ops.append(Op(code: .block, flag: false, a: Int32(slot), b: 0, c: 0, offset: Int32(block.offset)))
                }
            }
            let range = start..<ops.count
            for (op, body) in bodies {
                let compiled = compile(body)
                ops[op].b = Int32(compiled.lowerBound)
                ops[op].c = Int32(compiled.upperBound)
            }
            for (slot, block) in pendingBlocks {
                let body = compile(block.body)
                blocks[slot] = BlockSite(
                    name: block.name, body: body, intrinsicIndent: Int(indentIndex(block.intrinsicIndent ?? "")),
                    siteIndent: Int(indentIndex(block.siteIndent)), offset: block.offset)
            }
            return range
        }

        /// A slot in `blocks` for `block`, filled once its body is compiled.
        private mutating func reserveBlock(_ block: Block, into pending: inout [(slot: Int, block: Block)]) -> Int {
            blocks.append(BlockSite(name: block.name, body: 0..<0, intrinsicIndent: 0, siteIndent: 0, offset: block.offset))
            pending.append((blocks.count - 1, block))
            return blocks.count - 1
        }

        private mutating func appendLiteral(_ bytes: [UInt8]) {
            guard !bytes.isEmpty else { return }
            ops.append(Op(code: .literal, flag: bytes.last == UInt8(ascii: "\n"), a: Int32(text.count),
                          b: Int32(bytes.count), c: 0, offset: 0))
            text.append(contentsOf: bytes)
        }

        private mutating func intern(_ name: Name) -> Int32 {
            if let index = names.firstIndex(where: { $0.text == name.text }) { return Int32(index) }
            names.append(name)
            return Int32(names.count - 1)
        }

        private mutating func indentIndex(_ indent: String) -> Int32 {
            let bytes = Array(indent.utf8)
            if let index = indents.firstIndex(of: bytes) { return Int32(index) }
            indents.append(bytes)
            return Int32(indents.count - 1)
        }
    }
}
