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
    /// Values kept apart from a Markdown page's structure: HTML-escaped, line breaks folded.
    let separatedOptions: RenderOptions
    /// cmark's output per page structure.
    let compiled = MarkdownCache()

    /// - Parameter strict: a name the context does not have is an error (`--strict-templates`),
    ///   which catches typos in custom templates; optional values are present as null, so
    ///   `{{#campaign.subject}}` stays legal.
    public init(store: TemplateStore, strict: Bool = false) throws {
        self.store = store
        let markdown: ByteEscaper = { MarkdownEscaping.escape($0, into: &$1) }
        let html: ByteEscaper = { HTML.escape($0, into: &$1) }
        markdownOptions = RenderOptions(escapeBytes: markdown, escapeUnescapedBytes: markdown, strict: strict,
                                        missingPartialIsError: true)
        htmlOptions = RenderOptions(escapeBytes: html, escapeUnescapedBytes: html, strict: strict, missingPartialIsError: true)
        separatedOptions = RenderOptions(escapeBytes: HTML.escapeFolding, escapeUnescapedBytes: HTML.escapeFolding,
                                         strict: strict, missingPartialIsError: true)
        layout = try store.page("layout")
        campaignPage = try store.page("campaign")
        indexPage = try store.page("index")
        monthPage = try store.page("month")
    }

    /// The keys a campaign page's render can look up: those the campaign template and the
    /// layout read, with every partial and parent they include (`TemplateStore.readableKeys`).
    /// A campaign page's context needs no other field.
    public func campaignPageKeys() -> ReadableKeys {
        store.readableKeys(from: ["campaign", "layout"])
    }

    public func campaign(_ context: MustacheValue) throws -> String { try pageText(campaignPage, context) }

    public func index(_ context: MustacheValue) throws -> String { try pageText(indexPage, context) }

    public func month(_ context: MustacheValue) throws -> String { try pageText(monthPage, context) }

    /// A campaign page's Markdown with its values in it (escaped for Markdown): what cmark is
    /// given on the plain path. The benchmark gives the same Markdown to Hugo.
    public func campaignMarkdown(_ context: MustacheValue) throws -> [UInt8] {
        var markdown: [UInt8] = []
        try campaignPage.render(context, partials: store, options: markdownOptions, into: &markdown)
        return markdown
    }

    /// A campaign page as UTF-8 bytes, ready to write; `meter` times its stages.
    public func campaignBytes(_ context: MustacheValue, meter: StageMeter? = nil) throws -> ByteBuffer {
        try page(campaignPage, context, meter: meter)
    }

    /// Renders a Markdown page template and wraps it in the layout, as UTF-8 bytes.
    func page(_ template: Template, _ context: MustacheValue, meter: StageMeter? = nil) throws -> ByteBuffer {
        let body = try html(template, context, meter: meter)
        var page = ByteBuffer(capacity: body.count + 4096)
        guard case .object = context else {
            page.append(contentsOf: body)
            return page
        }
        try metered(meter, "layout") {
            // `content` on top of the page's context rather than set in a copy of it (the same
            // lookups, without copying the context's fields for every page).
            try layout.render(context, under: .object(MustacheObject(Self.contentKeys, [.trustedBytes(body)])),
                              partials: store, options: htmlOptions, into: &page)
        }
        return page
    }

    /// The one field the layout gets besides the page's context.
    static let contentKeys: MustacheObject.Keys = ["content"]

    /// A page as text.
    func pageText(_ template: Template, _ context: MustacheValue) throws -> String {
        try page(template, context).withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// A Markdown page template's HTML. The template renders with its values kept apart, cmark
    /// runs once per distinct structure (`CompiledMarkdown`), and the values fill the result;
    /// a structure whose placeholders do not come through cmark whole renders the values into
    /// the Markdown instead, escaped for it.
    func html(_ template: Template, _ context: MustacheValue, meter: StageMeter? = nil) throws -> [UInt8] {
        var markdown = ByteBuffer(capacity: 32 * 1024)
        var values = ByteBuffer(capacity: 16 * 1024)
        var ends: [Int] = []
        ends.reserveCapacity(512)
        try metered(meter, "markdown render") {
            try template.render(context, partials: store, options: separatedOptions, into: &markdown, separating: &values,
                                ends: &ends)
        }
        let page = metered(meter, "cmark (cached)") {
            markdown.withBytes { compiled.compiled($0, valueCount: ends.count) }
        }
        if let page {
            return metered(meter, "fill values") { values.withBytes { page.fill(values: $0, ends: ends) } }
        }
        var plain: [UInt8] = []
        try template.render(context, partials: store, options: markdownOptions, into: &plain)
        return CommonMark.html(fromMarkdown: plain)
    }
}
