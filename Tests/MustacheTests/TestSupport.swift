import Mustache
import Testing

// MARK: - Helpers

/// Renders `source` and expects `expected`, reporting failures at the caller's line.
func expectRender(
    _ source: String,
    _ data: MustacheValue = [:],
    partials: [String: String] = [:],
    options: RenderOptions = .html,
    equals expected: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let rendered = try Template(source: source, name: "test.mustache")
            .render(data, partials: DictionaryPartials(partials), options: options)
        #expect(rendered == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
    }
}

/// The error parsing `source` throws, or nil (recorded as a failure) when it parses.
func parseError(
    _ source: String, name: String = "test.mustache", sourceLocation: SourceLocation = #_sourceLocation
) -> TemplateError? {
    do {
        _ = try Template(source: source, name: name)
        Issue.record("expected a parse error for \(source.debugDescription)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The error rendering `source` throws, or nil (recorded as a failure) when it renders.
func renderError(
    _ source: String,
    _ data: MustacheValue = [:],
    partials: any PartialResolver = DictionaryPartials([:]),
    options: RenderOptions = .html,
    sourceLocation: SourceLocation = #_sourceLocation
) -> TemplateError? {
    do {
        let template = try Template(source: source, name: "page.mustache")
        let rendered = try template.render(data, partials: partials, options: options)
        Issue.record("expected a render error, got \(rendered.debugDescription)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

extension RenderOptions {
    static let strict = RenderOptions(strict: true)
}
