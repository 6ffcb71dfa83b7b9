import CampaignData
import Mustache

/// Stage "render": Mustache (Markdown) → cmark → layout, for one page.
public struct PageRenderer: Sendable {
    public let store: TemplateStore
    let layout: Template
    let campaignPage: Template
    let indexPage: Template
    let monthPage: Template

    /// Values in Markdown templates: Markdown- and HTML-safe, even in `{{{ }}}`.
    static let markdownOptions: RenderOptions = {
        var o = RenderOptions(escape: MarkdownEscaping.escape, escapeUnescaped: MarkdownEscaping.escape, strict: false)
        o.missingPartialIsError = true
        return o
    }()

    /// Values in the HTML layout: HTML-escaped, even in `{{{ }}}`.
    static let htmlOptions: RenderOptions = {
        var o = RenderOptions(escape: HTML.escape, escapeUnescaped: HTML.escape, strict: false)
        o.missingPartialIsError = true
        return o
    }()

    public init(store: TemplateStore) throws {
        self.store = store
        layout = try store.page("layout")
        campaignPage = try store.page("campaign")
        indexPage = try store.page("index")
        monthPage = try store.page("month")
    }

    public func campaign(_ context: MustacheValue) throws -> String {
        try page(campaignPage, context)
    }

    public func index(_ context: MustacheValue) throws -> String {
        try page(indexPage, context)
    }

    public func month(_ context: MustacheValue) throws -> String {
        try page(monthPage, context)
    }

    /// Renders a Markdown page template and wraps it in the layout.
    func page(_ template: Template, _ context: MustacheValue) throws -> String {
        let markdown = try template.render(context, partials: store, options: Self.markdownOptions)
        let body = CommonMark.html(fromMarkdown: markdown)
        guard case var .object(fields) = context else { return body }
        fields["content"] = .trusted(body)
        return try layout.render(.object(fields), partials: store, options: Self.htmlOptions)
    }
}
