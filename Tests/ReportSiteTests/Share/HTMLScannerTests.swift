import Testing
@testable import ReportSite

@Suite("HTML scanner: tags, attributes and references")
struct HTMLScannerTests {
    @Test("tags with quoted, unquoted and bare attributes; entities decoded")
    func attributes() {
        let tags = HTMLScanner.tags(in: #"<a HREF="x.html?a=1&amp;b=2" class='c d' data-x=y hidden>t</a><img src=p.png alt=x/>"#)
        #expect(tags.map(\.name) == ["a", "a", "img"])
        #expect(tags[0].attribute("href") == "x.html?a=1&b=2")
        #expect(tags[0].attribute("class") == "c d")
        #expect(tags[0].attribute("data-x") == "y")
        #expect(tags[0].attribute("hidden") == "")
        #expect(tags[1].isEndTag)
        #expect(tags[2].attribute("src") == "p.png")
        #expect(tags[2].attribute("alt") == "x/", "an unquoted value runs to the space or >, as in HTML")
    }

    @Test("comments, doctype and the text of script and style are not tags")
    func rawText() {
        let html = "<!DOCTYPE html><!-- <a href=\"no.html\"> --><style>a::after{content:\"<a href='no'>\"}</style><script>if (a<b) {}</script><p>x</p>"
        let tags = HTMLScanner.tags(in: html)
        #expect(tags.map { ($0.isEndTag ? "/" : "") + $0.name } == ["style", "/style", "script", "/script", "p", "/p"])
        #expect(tags[0].rawText == "a::after{content:\"<a href='no'>\"}")
        #expect(tags[2].rawText == "if (a<b) {}")
        #expect(HTMLScanner.references(in: html).isEmpty)
    }

    @Test("references: every URL-valued attribute, srcset split")
    func references() {
        let refs = HTMLScanner.references(in: #"<link rel="icon" href="a.svg"><img src="b.png" srcset="c.png 1x, d.png 2x"><form action="/post"></form>"#)
        #expect(refs.map(\.value) == ["a.svg", "b.png", "c.png", "d.png", "/post"])
        #expect(refs.map(\.tag) == ["link", "img", "img", "img", "form"])
    }

    @Test("what a reference points at", arguments: [
        ("#main", HTMLScanner.Target.fragment), ("index.html", .relative), ("../assets/style.css", .relative),
        ("campaigns/a.html#x", .relative), ("a:b/c", .external(scheme: "a")), ("./x:y", .relative),
        ("/assets/style.css", .rootRelative), ("//cdn.example/x.js", .external(scheme: "")),
        ("https://example.com", .external(scheme: "https")), ("MAILTO:x@y", .external(scheme: "mailto")),
        ("data:image/svg+xml;base64,AA==", .external(scheme: "data")), ("javascript:alert(1)", .external(scheme: "javascript")),
        ("", .relative),
    ])
    func classify(url: String, target: HTMLScanner.Target) {
        #expect(HTMLScanner.classify(url) == target)
    }

    @Test("entities: named ones Funnelmark writes and numeric ones", arguments: [
        ("a &amp; b", "a & b"), ("&lt;&gt;&quot;&#39;", "<>\"'"), ("&#x2F;&#47;", "//"), ("&unknown; & alone", "&unknown; & alone"),
        ("trailing &", "trailing &"),
    ])
    func entities(text: String, decoded: String) {
        #expect(HTMLScanner.decodeEntities(text) == decoded)
    }
}
