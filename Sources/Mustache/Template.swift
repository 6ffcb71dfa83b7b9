// MARK: - Template

/// A parsed Mustache template: parse once, render many times.
///
/// Supports the whole Mustache specification except lambdas: variables, sections, inverted
/// sections, comments, set-delimiter tags, partials (with standalone indentation), dynamic
/// partial names (`{{>*name}}`), and inheritance (parents `{{<parent}}` and blocks `{{$block}}`).
public struct Template: Sendable {
    /// The name used in error messages, e.g. `campaign.md` or a file path.
    public let name: String
    let nodes: [Node]
    let info: SourceInfo

    /// Parses `source`. Throws for an unclosed or mismatched section, an unclosed tag, a bad
    /// set-delimiter tag or an invalid name, with the line and column of the problem.
    public init(source: String, name: String) throws(TemplateError) {
        let info = SourceInfo(name: name, source: source)
        var parser = Parser(info: info)
        self.nodes = try parser.parse()
        self.name = name
        self.info = info
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
        var renderer = Renderer(context: context, partials: partials, options: options)
        try renderer.render(nodes, source: info, into: &output)
    }
}
