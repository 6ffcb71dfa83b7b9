// MARK: - Template

/// A parsed Mustache template: parse once, render many times.
///
/// Supports the whole Mustache specification except lambdas: variables, sections, inverted
/// sections, comments, set-delimiter tags, partials (with standalone indentation), dynamic
/// partial names (`{{>*name}}`), and inheritance (parents `{{<parent}}` and blocks `{{$block}}`).
public struct Template: Sendable {
    /// The name used in error messages, e.g. `campaign.md` or a file path.
    public let name: String
    /// The compiled template the renderer runs.
    let program: Program
    var info: SourceInfo { program.info }

    /// Parses `source`. Throws for an unclosed or mismatched section, an unclosed tag, a bad
    /// set-delimiter tag or an invalid name, with the line and column of the problem.
    public init(source: String, name: String) throws(TemplateError) {
        let info = SourceInfo(name: name, source: source)
        var parser = Parser(info: info)
        self.program = Program(nodes: try parser.parse(), info: info)
        self.name = name
    }

    /// Renders the template with `context` at the bottom of the context stack.
    ///
    /// Errors (strict-mode misses, missing partials when asked, recursion too deep, partials
    /// that fail to load or parse) point at the tag where they happened, in the template
    /// (or partial) that holds it.
    public func render(
        _ context: MustacheValue,
        partials: any PartialResolver = DictionaryPartials([:]),
        options: RenderOptions = .html
    ) throws(TemplateError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(info.source.utf8.count)
        try render(context, partials: partials, options: options, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Renders the template onto the end of `output`, as UTF-8. On an error, `output` holds
    /// what was rendered before it.
    public func render(
        _ context: MustacheValue,
        partials: any PartialResolver = DictionaryPartials([:]),
        options: RenderOptions = .html,
        into output: inout [UInt8]
    ) throws(TemplateError) {
        // Room for what the caller reserved, so that a page the size it expected needs no regrowth.
        var buffer = ByteBuffer(capacity: max(16 * 1024, output.capacity - output.count))
        defer { buffer.withBytes { output.append(contentsOf: $0) } }
        try render(context, partials: partials, options: options, into: &buffer)
    }

    /// Renders the template onto the end of `output`, as UTF-8 (the buffer a caller that
    /// writes the bytes out can keep, with no copy into an array). On an error, `output`
    /// holds what was rendered before it.
    public func render(
        _ context: MustacheValue,
        partials: any PartialResolver = DictionaryPartials([:]),
        options: RenderOptions = .html,
        into output: inout ByteBuffer
    ) throws(TemplateError) {
        var renderer = Renderer(context: context, partials: partials, options: options)
        try renderer.render(program, into: &output)
    }

    /// Renders the template onto the end of `output` with `context` at the bottom of the context
    /// stack and `top` above it, so names are looked up in `top` first: what rendering with
    /// `context` plus `top`'s fields would give, without copying a large context to add a
    /// field or two.
    public func render(
        _ context: MustacheValue,
        under top: MustacheValue,
        partials: any PartialResolver = DictionaryPartials([:]),
        options: RenderOptions = .html,
        into output: inout ByteBuffer
    ) throws(TemplateError) {
        var renderer = Renderer(contexts: [context, top], partials: partials, options: options)
        try renderer.render(program, into: &output)
    }

    /// Renders the template onto the end of `output` with every value's text kept apart: each
    /// value that renders non-empty text is appended to `values` (escaped as `options` say) and
    /// the output gets `SeparatedValues.token` in its place (the k-th token is value k). The output then
    /// depends only on the template's structure for this context (which sections render, how
    /// often, which values are empty), not on what the values say.
    public func render(
        _ context: MustacheValue,
        partials: any PartialResolver = DictionaryPartials([:]),
        options: RenderOptions = .html,
        into output: inout [UInt8],
        separating values: inout SeparatedValues
    ) throws(TemplateError) {
        var buffer = ByteBuffer(capacity: 16 * 1024)
        var valueBytes = ByteBuffer(capacity: 4 * 1024)
        var ends: [Int] = []
        defer {
            buffer.withBytes { output.append(contentsOf: $0) }
            let start = values.bytes.count
            valueBytes.withBytes { values.bytes.append(contentsOf: $0) }
            values.ends += ends.map { start + $0 }
        }
        try render(context, partials: partials, options: options, into: &buffer, separating: &valueBytes, ends: &ends)
    }

    /// `render(_:partials:options:into:separating:)` into buffers: the values' texts go onto the
    /// end of `values`, and where each ends there onto `ends`.
    public func render(
        _ context: MustacheValue,
        partials: any PartialResolver = DictionaryPartials([:]),
        options: RenderOptions = .html,
        into output: inout ByteBuffer,
        separating values: inout ByteBuffer,
        ends: inout [Int]
    ) throws(TemplateError) {
        var renderer = Renderer(context: context, partials: partials, options: options)
        try renderer.render(program, into: &output, separating: &values, ends: &ends)
    }
}

// MARK: - SeparatedValues

/// The values of a render whose output holds placeholder tokens instead (see
/// `Template.render(_:partials:options:into:separating:)`).
///
/// The token is U+E000, a private-use character that text processors such as CommonMark treat
/// as a letter and copy through unchanged. The k-th token of the output stands for value k.
public struct SeparatedValues: Sendable, Equatable {
    /// The values' texts, one after another.
    public internal(set) var bytes: [UInt8] = []
    /// Where each value's text ends in `bytes`.
    public internal(set) var ends: [Int] = []

    public init() {}

    /// How many values there are.
    public var count: Int { ends.count }

    /// Where the text of value `index` is in `bytes`.
    public func range(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// U+E000 in UTF-8: a value's place in the output.
    public static let token: [UInt8] = [0xEE, 0x80, 0x80]
}
