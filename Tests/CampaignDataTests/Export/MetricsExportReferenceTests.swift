import Testing
@testable import CampaignData

/// The exports write bytes field by field; these tests hold them to the plain string-building
/// version they replace (kept here as the reference) on many campaigns with awkward text.
@Suite("metrics exports against the string-building reference")
struct MetricsExportReferenceTests {
    // MARK: - Reference: the exports as first written

    enum Reference {
        /// `utmParameters(of:)` as it was written before the one-pass reader: the reference.
        static func utmParameters(of url: String) -> UTMParameters {
            var result = UTMParameters()
            let bytes = Array(url.utf8)
            guard let question = bytes.firstIndex(of: UInt8(ascii: "?")) else { return result }
            var end = bytes.count
            if let hash = bytes[(question + 1)...].firstIndex(of: UInt8(ascii: "#")) { end = hash }
            var start = question + 1
            while start < end {
                var stop = start
                while stop < end, bytes[stop] != UInt8(ascii: "&") { stop += 1 }
                let pair = bytes[start..<stop]
                start = stop + 1
                let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
                let name = percentDecoded(pair[pair.startIndex..<equals])
                let value = equals < pair.endIndex ? percentDecoded(pair[(equals + 1)...]) : ""
                guard !value.isEmpty else { continue }
                switch name {
                case "utm_source": if result.source == nil { result.source = value }
                case "utm_medium": if result.medium == nil { result.medium = value }
                case "utm_campaign": if result.campaign == nil { result.campaign = value }
                case "utm_term": if result.term == nil { result.term = value }
                case "utm_content": if result.content == nil { result.content = value }
                default: break
                }
            }
            return result
        }

        /// `%XX` → byte, `+` → space; a `%` not followed by two hex digits stays as it is.
        static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> String {
            func hex(_ b: UInt8) -> UInt8? {
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
                default: nil
                }
            }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var i = bytes.startIndex
            while i < bytes.endIndex {
                let b = bytes[i]
                if b == UInt8(ascii: "%"), i + 2 < bytes.endIndex, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) {
                    out.append(hi << 4 | lo)
                    i += 3
                } else {
                    out.append(b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        static func campaignJSON(_ r: CampaignReport) -> String {
            let c = r.campaign, m = r.metrics
            var o = "  {"
            o += "\"id\": \(jsonString(c.id)), \"name\": \(jsonString(c.displayName)), \"status\": \(jsonString(c.status.rawValue)),\n"
            o += "   \"audience\": \(m.audience), \"audience_name\": \(c.audience.name.map(jsonString) ?? "null"),\n"
            o += "   \"counts\": {" + m.counts.fields.map { "\(jsonString($0.name)): \($0.value.map(String.init) ?? "null")" }.joined(separator: ", ") + "},\n"
            o += "   \"rates\": {" + m.rates.fields.map { "\(jsonString($0.name)): \(jsonNumber($0.value))" }.joined(separator: ", ") + "},\n"
            o += "   \"funnel\": [" + m.funnel.stages.map {
                "{\"stage\": \(jsonString($0.stage.rawValue)), \"count\": \($0.count), \"percent_of_audience\": \(jsonNumber($0.percentOfAudience))}"
            }.joined(separator: ", ") + "],\n"
            o += "   \"links\": [" + m.links.map {
                "{\"url\": \(jsonString($0.url)), \"clicks\": \($0.clicks), \"unique_clicks\": \($0.uniqueClicks)}"
            }.joined(separator: ", ") + "],\n"
            o += "   \"insights\": [" + r.insights.map {
                "{\"id\": \(jsonString($0.id)), \"kind\": \(jsonString($0.kind.rawValue)), \"severity\": \(jsonString($0.severity.rawValue)), \"title\": \(jsonString($0.title)), \"detail\": \(jsonString($0.detail))}"
            }.joined(separator: ",\n     ") + "]}"
            return o
        }

        static func jsonNumber(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "null" }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
            return "\(value)"
        }

        static func jsonString(_ s: String) -> String {
            var s = s
            return s.withUTF8 { bytes -> String in
                var needs = false
                for b in bytes where b < 0x20 || b == 0x22 || b == 0x5C || b == 0xE2 {
                    needs = true
                    break
                }
                var out: [UInt8] = [0x22]
                if !needs {
                    out.append(contentsOf: bytes)
                } else {
                    let hex = Array("0123456789abcdef".utf8)
                    var i = 0
                    while i < bytes.count {
                        let b = bytes[i]
                        switch b {
                        case 0x22: out.append(contentsOf: [0x5C, 0x22])
                        case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                        case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                            out.append(contentsOf: Array((bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8))
                            i += 3
                            continue
                        case _ where b < 0x20:
                            out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
                        default: out.append(b)
                        }
                        i += 1
                    }
                }
                out.append(0x22)
                return String(decoding: out, as: UTF8.self)
            }
        }

        static func csvRow(_ r: CampaignReport) -> String {
            let c = r.campaign, m = r.metrics
            var row: [String] = [c.id, c.displayName, c.status.rawValue, c.audience.name ?? "", String(m.audience), c.sentAt?.rfc3339 ?? ""]
            row += m.counts.fields.map { $0.value.map(String.init) ?? "" }
            row += m.rates.fields.map { $0.value.map { jsonNumber($0) } ?? "" }
            row.append(r.insights.filter { $0.kind != .summary }.map(\.id).joined(separator: " "))
            return row.map(csvField).joined(separator: ",") + "\r\n"
        }

        static func linksCSVRows(_ report: CampaignReport) -> String {
            guard !report.metrics.links.isEmpty else { return "" }
            let id = csvField(report.campaign.id)
            var out = ""
            for link in report.metrics.links {
                let utm = utmParameters(of: link.url)
                out += id + "," + csvField(link.url) + "," + String(link.clicks) + "," + String(link.uniqueClicks)
                for value in [utm.source, utm.medium, utm.campaign, utm.term, utm.content] { out += "," + csvField(value ?? "") }
                out += "\r\n"
            }
            return out
        }

        static func csvField(_ value: String) -> String {
            var v = value
            if let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(v) == nil {
                v = "'" + v
            }
            if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                var quoted = "\""
                for ch in v { if ch == "\"" { quoted += "\"\"" } else { quoted.append(ch) } }
                return quoted + "\""
            }
            return v
        }
    }

    // MARK: - Awkward inputs

    /// Text that exercises every escape, quote and formula rule: control characters, quotes and
    /// backslashes, line and paragraph separators, CR LF pairs, combining marks after commas and
    /// quotes, leading formula characters, numbers, non-ASCII text.
    static let texts: [String] = [
        "", "plain", "Spring sale 2026", "a,b", "say \"hi\"", "back\\slash", "tab\there", "line\nbreak", "cr\ronly", "cr\r\nlf",
        "x\r\ny\nz", "\r\n", "\n\r", "\r", "ctl\u{1}\u{1f}\u{7f}", "\u{2028}sep\u{2029}", "\u{2027}\u{202A}", "café", "a,\u{301}b",
        "\"\u{301}q", ",\u{301}", "日本語, ok", "emoji 👍🏽, ok", "“curly”", "=SUM(A1)", "-12", "+1", "-inf", "-nan", "@x", "=", "-",
        "\tTab", "\rcr", "'quoted'", "-1e5", "+0x1p3", "İstanbul", "\u{212A}elvin", String(repeating: "long ascii text ", count: 40),
        String(repeating: "“mixed” ÷ text, ", count: 30), "\u{E2}", "end\\", "\"", "\"\"", "a\"b,c\nd",
    ]

    static let urls: [String] = [
        "https://shop.example.com/p/1", "https://x.example/?utm_source=news", "https://x.example/?utm_source=a&utm_medium=b&utm_campaign=c",
        "https://x.example/?utm_source=&utm_medium=x", "https://x.example/?utm_source=a+b&utm_medium=%41%42&utm_campaign=%zz&utm_term=t%2",
        "https://x.example/?utm%5Fsource=enc&utm_medium=m", "https://x.example/?utm_source=a&utm_source=b", "https://x.example/?x=1#utm_source=f",
        "https://x.example/#frag?utm_source=late", "https://x.example/?&&utm_source=s&=x&utm_medium", "https://x.example/?utm_source=%E2%80%A8",
        "https://x.example/?utm_source=%FF%FE&utm_campaign=%C3", "https://x.example/?utm_content=%0D%0Ay&utm_term=-1",
        "https://x.example/?UTM_SOURCE=upper&utm_source=lower", "https://x.example/?utm_source=a,b&utm_medium=\"q\"",
        "https://ex.example/ünï?utm_source=ü", "mailto:x@example.com?subject=utm_source", "?utm_source=only", "?", "??utm_source=x",
        "https://x.example/?utm_medium=%", "https://x.example/?utm_medium=%2", "https://x.example/?utm+source=plus&utm_source=+",
        "https://x.example/?utm_term=%75tm", "https://x.example/?%75tm_term=hex-name",
    ]

    /// Reports from the awkward inputs, with insights of every kind and figures of every shape.
    static func reports() -> [CampaignReport] {
        var reports: [CampaignReport] = []
        var x: UInt64 = 42
        func next(_ n: Int) -> Int {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((x >> 33) % UInt64(n))
        }
        for i in 0..<400 {
            let text = { texts[next(texts.count)] }
            let statuses: [CampaignStatus] = [.draft, .scheduled, .sending, .sent]
            var counts: Counts? = nil
            if next(5) > 0 {
                let sent = [0, 1, 7, 1000, 123_456, 999_999_999_999][next(6)]
                let delivered = sent == 0 ? 0 : sent - next(max(1, sent / 10 + 1))
                let bounced = sent - delivered
                let hard = bounced == 0 ? 0 : next(bounced + 1)
                let opens = delivered == 0 ? 0 : next(delivered + 1)
                let clicks = opens == 0 ? 0 : next(opens + 1)
                counts = Counts(sent: sent, delivered: delivered, bounced: bounced, hardBounced: hard, softBounced: bounced - hard,
                                uniqueOpens: opens, totalOpens: opens + next(10), humanUniqueOpens: next(3) == 0 ? nil : opens / 2,
                                uniqueClicks: clicks, totalClicks: clicks + next(5), unsubscribed: next(50), complaints: next(5), dropped: next(3))
            }
            let links = (0..<next(5)).map { _ in LinkStat(url: urls[next(urls.count)], clicks: next(1000) + 5, uniqueClicks: next(5)) }
            let sentAt = next(4) == 0 ? nil : Timestamp(epochSeconds: Double(1_700_000_000 + next(100_000_000) - 50_000_000),
                                                        utcOffsetSeconds: [0, 3600, -18_000, 19_800][next(4)])
            let campaign = Campaign(id: i % 7 == 0 ? text() + "\(i)" : "c\(i)", name: next(3) == 0 ? nil : text(),
                                    status: statuses[next(4)], audience: Audience(name: next(3) == 0 ? nil : text(), size: next(2) == 0 ? nil : next(200_000)),
                                    sentAt: i == 3 ? Timestamp(epochSeconds: -70_000_000_000) : sentAt, counts: counts, links: links)
            let metrics = CampaignMetrics.fromCounts(campaign)
            var insights: [Insight] = []
            for k in 0..<next(6) {
                insights.append(Insight(id: k == 0 ? "summary" : ["high-bounce-rate", "missing-utm", text()][next(3)],
                                        kind: [.summary, .anomaly, .recommendation][next(3)], severity: [.info, .notice, .warning, .critical][next(4)],
                                        title: text(), detail: text() + " " + text()))
            }
            reports.append(CampaignReport(campaign: campaign, metrics: metrics, events: nil, insights: insights))
        }
        return reports
    }

    // MARK: - Tests

    @Test("metrics.json objects, metrics.csv rows and links.csv rows are byte for byte the reference's")
    func exports() {
        for report in Self.reports() {
            #expect(MetricsExport.campaignJSON(report) == Reference.campaignJSON(report), "\(report.campaign.id)")
            #expect(MetricsExport.csvRow(report) == Reference.csvRow(report), "\(report.campaign.id)")
            #expect(MetricsExport.linksCSVRows(report) == Reference.linksCSVRows(report), "\(report.campaign.id)")
            // The byte forms the site build writes: the same text, never through a string.
            #expect(MetricsExport.campaignJSONBytes(report) == Array(Reference.campaignJSON(report).utf8), "\(report.campaign.id)")
            #expect(MetricsExport.csvRowBytes(report) == Array(Reference.csvRow(report).utf8), "\(report.campaign.id)")
            #expect(MetricsExport.linksCSVRowsBytes(report) == Array(Reference.linksCSVRows(report).utf8), "\(report.campaign.id)")
        }
    }

    @Test("JSON strings and CSV fields equal the reference for every awkward text")
    func fields() {
        let texts = Self.texts + Self.urls + Self.texts.flatMap { a in ["x" + a, a + a, a + "\u{301}", "12345678" + a + "12345678"] }
        for text in texts {
            #expect(MetricsExport.jsonString(text) == Reference.jsonString(text), "\(text.debugDescription)")
            #expect(MetricsExport.csvField(text) == Reference.csvField(text), "\(text.debugDescription)")
        }
        for value in [nil, 0, -0.0, 1, 0.5, 1e-5, 123.456, 1e15, 1e16, -2.5, .nan, .infinity, 0.1 + 0.2, 1.0 / 3] as [Double?] {
            #expect(MetricsExport.jsonNumber(value) == Reference.jsonNumber(value), "\(String(describing: value))")
        }
    }

    @Test("UTM parameters read in one pass equal utmParameters(of:)")
    func utm() {
        let urls = Self.urls + Self.texts.map { "https://x.example/?utm_source=" + $0 + "&utm_medium=" + $0 }
        for url in urls {
            let fast = LinkUTM(url: url), reference = Reference.utmParameters(of: url)
            #expect(fast.source == reference.source && fast.medium == reference.medium && fast.campaign == reference.campaign
                        && fast.term == reference.term && fast.content == reference.content, "\(url.debugDescription)")
        }
    }

    @Test("the word-at-a-time scan agrees with a byte-by-byte one")
    func scan() {
        var samples = Self.texts + Self.urls
        for n in 0..<40 { samples.append(String(repeating: "a", count: n) + "\"" + String(repeating: "b", count: 40 - n)) }
        for n in 0..<20 { samples.append(String(repeating: "z", count: n) + "\u{1F}") }
        for text in samples {
            let label = text.debugDescription
            let separators = text.unicodeScalars.contains("\u{2028}") || text.unicodeScalars.contains("\u{2029}")
            var bytes = text
            bytes.withUTF8 { bytes in
                let scan = ExportText.scan(bytes)
                #expect(scan.ascii == bytes.allSatisfy { $0 < 0x80 }, "\(label)")
                #expect(scan.jsonSpecial == bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }, "\(label)")
                #expect(ExportText.containsLineSeparator(bytes) == separators, "\(label)")
            }
        }
    }
}
