import CampaignData
import Mustache

/// One campaign's page as a single self-contained HTML file, to attach or
/// archive: the site's own templates and layout, with the stylesheet inlined
/// in a `<style>` block, the favicon as a `data:` URI, charts as inline SVG,
/// and no link into a site that is not there. Opening it makes no request.
public enum StandaloneReport {
    /// Renders `report` with the site's templates, then detaches it from the site.
    public static func render(_ report: CampaignReport, slug: String, site: SiteInfo, renderer: PageRenderer) throws -> String {
        let context = self.context(report, slug: slug, site: site)
        return SiteLinks.detach(try renderer.campaign(context))
    }

    /// The campaign page's context, with every asset reference made inline.
    ///
    /// `site.inline_css` holds the stylesheet for layouts that inline it (the
    /// built-in one does); `site.stylesheet` also becomes a `data:` URI so an
    /// older custom layout that only links it stays self-contained.
    public static func context(_ report: CampaignReport, slug: String, site: SiteInfo) -> MustacheValue {
        let base = PageContext.campaign(report, slug: slug, site: site, root: "")
        guard case var .object(fields) = base, case var .object(siteFields)? = fields["site"] else { return base }
        let css = TemplateStore.asset("style.css") ?? ""
        let favicon = TemplateStore.asset("favicon.svg") ?? ""
        siteFields["inline_css"] = .trusted(styleElementSafe(css))
        siteFields["stylesheet"] = .trusted(DataURI.make(css, mediaType: "text/css"))
        siteFields["favicon"] = .trusted(DataURI.make(favicon, mediaType: "image/svg+xml"))
        siteFields["standalone"] = .bool(true)
        fields["site"] = .object(siteFields)
        return .object(fields)
    }

    /// CSS that cannot end its `<style>` element early: `</` becomes `<\/`,
    /// which CSS reads as the same characters.
    static func styleElementSafe(_ css: String) -> String {
        guard css.contains("</") else { return css }
        var out = ""
        var previous: Character = " "
        for ch in css {
            if previous == "<", ch == "/" { out += "\\/" } else { out.append(ch) }
            previous = ch
        }
        return out
    }
}

/// Rewrites a rendered page so it stands alone: links into the site (relative
/// `href`s such as `../index.html`) would be broken in a single file.
public enum SiteLinks {
    /// A `<nav>` whose every link points into the site is removed whole (it
    /// only navigates a site that is not there); any other link into the site
    /// becomes a `<span>` with the same attributes but no `href`, keeping its
    /// text and styling. Fragment links (`#main`) and links with a scheme stay.
    public static func detach(_ html: String) -> String {
        var bytes = Array(html.utf8)
        let tags = HTMLScanner.tags(in: html)
        // Edits as (range, replacement), applied from the end so offsets hold.
        var edits: [(Range<Int>, String)] = []
        var removed: [Range<Int>] = []

        // Site navigation: <nav> … </nav> with only site links inside.
        var navDepth = 0
        var navStart: (index: Int, offset: Int)?
        for (k, tag) in tags.enumerated() where tag.name == "nav" {
            if !tag.isEndTag {
                if navDepth == 0 { navStart = (k, tag.range.lowerBound) }
                navDepth += 1
            } else if navDepth > 0 {
                navDepth -= 1
                if navDepth == 0, let start = navStart {
                    let inner = tags[start.index...k].filter { $0.name == "a" && !$0.isEndTag }
                    if !inner.isEmpty, inner.allSatisfy({ isSiteLink($0.attribute("href")) }) {
                        removed.append(start.offset..<tag.range.upperBound)
                    }
                }
            }
        }
        func isRemoved(_ r: Range<Int>) -> Bool { removed.contains { $0.contains(r.lowerBound) } }

        // Other site links: <a href="relative"> … </a> → <span> … </span>.
        var openSpan = false
        for tag in tags where tag.name == "a" && !isRemoved(tag.range) {
            if !tag.isEndTag {
                openSpan = false
                guard isSiteLink(tag.attribute("href")) else { continue }
                let kept = tag.attributes.filter { $0.name != "href" && $0.name != "target" && $0.name != "rel" }
                let attributes = kept.map { " \($0.name)=\"\(HTML.escape($0.value))\"" }.joined()
                edits.append((tag.range, "<span\(attributes)>"))
                openSpan = true
            } else if openSpan {
                edits.append((tag.range, "</span>"))
                openSpan = false
            }
        }
        edits += removed.map { ($0, "") }
        for (range, replacement) in edits.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
            bytes.replaceSubrange(range, with: Array(replacement.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A link target inside the site: relative or root-relative, not a fragment.
    static func isSiteLink(_ href: String?) -> Bool {
        guard let href else { return false }
        switch HTMLScanner.classify(href) {
        case .relative, .rootRelative: return true
        case .fragment, .external: return false
        }
    }
}

/// `data:` URIs for inlined assets.
public enum DataURI {
    /// `data:<type>;base64,<bytes>` for a text asset (UTF-8).
    public static func make(_ text: String, mediaType: String) -> String {
        "data:\(mediaType);base64," + base64(Array(text.utf8))
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding (RFC 4648 §4).
    public static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)], alphabet[Int(v & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out += [alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
