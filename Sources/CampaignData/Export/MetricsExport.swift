/// The JSON of DESIGN.md ("JSON output") and the CSV export, written by hand
/// so key order and number formatting are fixed and output is byte-stable.
public enum MetricsExport {
    // MARK: - JSON

    public static func json(_ reports: [CampaignReport]) -> String {
        jsonChunks(reports).joined()
    }

    /// The same JSON in pieces of about 256 KB, so a large export is never one huge string.
    public static func jsonChunks(_ reports: [CampaignReport]) -> JSONChunks {
        JSONChunks(count: reports.count) { campaignJSON(reports[$0]) }
    }

    public struct JSONChunks: Sequence, IteratorProtocol {
        let count: Int
        let item: (Int) -> String
        var position = 0
        var done = false

        public mutating func next() -> String? {
            if done { return nil }
            var out = position == 0 ? "{\"campaigns\": [" : ""
            while position < count, out.utf8.count < 256 * 1024 {
                out += position == 0 ? "\n" : ",\n"
                out += item(position)
                position += 1
            }
            if position == count {
                out += count == 0 ? "]}\n" : "\n]}\n"
                done = true
            }
            return out
        }
    }

    /// One campaign's object of the JSON output.
    public static func campaignJSON(_ r: CampaignReport) -> String {
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

    /// A JSON number, or null; shortest round-trip form, never exponent-free garbage like "nan".
    public static func jsonNumber(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    /// A JSON string literal with the escapes RFC 8259 requires (and U+2028/U+2029 escaped for JavaScript).
    public static func jsonString(_ s: String) -> String {
        var s = s
        return s.withUTF8 { bytes -> String in
            var needs = false
            for b in bytes where b < 0x20 || b == 0x22 || b == 0x5C || b == 0xE2 {
                needs = true
                break
            }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 2 + (needs ? 16 : 0))
            out.append(0x22)
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

    // MARK: - CSV

    /// Columns of metrics.csv, in order (documented in README.md).
    public static let csvColumns: [String] = ["id", "name", "status", "audience_name", "audience", "sent_at"]
        + Counts.fieldNames + Rates().fields.map { "\($0.name)_rate" } + ["insights"]

    public static func csv(_ reports: [CampaignReport]) -> String {
        csvHeader + reports.map(csvRow).joined()
    }

    /// The header line of metrics.csv.
    public static var csvHeader: String { csvColumns.joined(separator: ",") + "\r\n" }

    /// One campaign's line of metrics.csv.
    public static func csvRow(_ r: CampaignReport) -> String {
        let c = r.campaign, m = r.metrics
        var row: [String] = [c.id, c.displayName, c.status.rawValue, c.audience.name ?? "", String(m.audience), c.sentAt?.rfc3339 ?? ""]
        row += m.counts.fields.map { $0.value.map(String.init) ?? "" }
        row += m.rates.fields.map { $0.value.map { jsonNumber($0) } ?? "" }
        row.append(r.insights.filter { $0.kind != .summary }.map(\.id).joined(separator: " "))
        return row.map(csvField).joined(separator: ",") + "\r\n"
    }

    /// Columns of links.csv: one row per link of every campaign, in campaign order.
    public static let linkColumns = ["campaign_id", "url", "clicks", "unique_clicks", "utm_source", "utm_medium", "utm_campaign",
                                     "utm_term", "utm_content"]

    public static var linksCSVHeader: String { linkColumns.joined(separator: ",") + "\r\n" }

    /// A campaign's rows of links.csv (none when it has no links).
    public static func linksCSVRows(_ report: CampaignReport) -> String {
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

    /// links.csv for these campaigns.
    public static func linksCSV(_ reports: [CampaignReport]) -> String {
        reports.reduce(linksCSVHeader) { $0 + linksCSVRows($1) }
    }

    /// RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets never run it as a formula.
    public static func csvField(_ value: String) -> String {
        var v = value
        if let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(v) == nil {
            v = "'" + v
        }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingAll("\"", with: "\"\"") + "\""
        }
        return v
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
