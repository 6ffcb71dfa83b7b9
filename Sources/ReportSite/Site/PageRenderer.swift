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
    let markdownOptions: RenderOptions
    /// Values in the HTML layout: HTML-escaped, even in `{{{ }}}`.
    let htmlOptions: RenderOptions

    /// - Parameter strict: a name the context does not have is an error (`--strict-templates`),
    ///   which catches typos in custom templates; optional values are present as null, so
    ///   `{{#campaign.subject}}` stays legal.
    public init(store: TemplateStore, strict: Bool = false) throws {
        self.store = store
        markdownOptions = RenderOptions(escape: MarkdownEscaping.escape, escapeUnescaped: MarkdownEscaping.escape,
                                        strict: strict, missingPartialIsError: true)
        htmlOptions = RenderOptions(escape: HTML.escape, escapeUnescaped: HTML.escape, strict: strict, missingPartialIsError: true)
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
        let markdown = try template.render(context, partials: store, options: markdownOptions)
        let body = CommonMark.html(fromMarkdown: markdown)
        guard case var .object(fields) = context else { return body }
        fields["content"] = .trusted(body)
        return try layout.render(.object(fields), partials: store, options: htmlOptions)
    }
}
