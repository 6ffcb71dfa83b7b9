import Foundation
import Testing
@testable import CampaignData

// An independent check of the whole event path: generate events full of edge
// cases from a seeded generator, write them as messy CSV and JSON Lines, load
// them, and compare every figure with a plain computation over the generated
// events using Sets and Dictionaries (DESIGN.md's definitions, written again).

/// One generated event, as the test knows it (not as the files spell it).
private struct GeneratedEvent {
    var campaign: String
    var recipient: String
    var kind: String
    var time: Double
    /// The UTC offset the file spells the time in; 0 for epoch seconds.
    var offset: Int
    /// Written as Unix epoch seconds (a JSON number when whole).
    var epochText: Bool
    var url: String?
    var bounceType: String?
    var userAgent: String?
    var machine: Bool
}

/// What the generator wrote: the events in file order, the files, and the bad rows it slipped in.
private struct GeneratedData {
    var events: [GeneratedEvent] = []
    var files: [String: String] = [:]
    var badRowLines: [(file: String, line: Int)] = []
}

private let campaignStarts: [String: Timestamp?] = [
    "c-sent-at": Timestamp(epochSeconds: 1_780_304_400, utcOffsetSeconds: 7200),
    "c-mixed": nil,
    "c-no-sent": Timestamp(epochSeconds: 1_780_390_800),
    "c-no-delivered": nil,
    "c-opens-only": nil,
    "c-deferred": nil,
    "c-unused": Timestamp(epochSeconds: 1_780_304_400),
    "c,\"quoted\" é": Timestamp(epochSeconds: 1_780_300_000),
]

private enum Generator {
    static let agents: [String?] = [
        nil, "", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)", "Mozilla/5.0 (Linux; Android 14)",
        "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0; Pro)", "Mozilla/5.0 (via ggpht.com GoogleImageProxy)",
        "YahooMailProxy; https://help.yahoo.com", "Thunderbird/115 (X11; Linux, \"quoted\")", "multi\nline\r\nagent, with commas",
        "  Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)  ",
    ]

    static func urls(_ campaign: Int) -> [String] {
        ["https://shop.example.com/p/\(campaign)?utm_source=news&utm_medium=email",
         "https://shop.example.com/a,b?x=\"y\"", "https://example.com/café/\(campaign)", "https://example.com/😀",
         "https://x.com/line\nbreak", "https://shop.example.com/p/\(campaign)?utm_source=news&utm_medium=email#frag"]
    }

    static func recipients(_ campaign: Int, _ rng: inout EventTestRandom) -> [String] {
        var list = (0..<Int.random(in: 25...60, using: &rng)).map { "u\($0)@example.com" }
        list += ["o'neil,\"quoted\"@x.com", "ünïcödé@x.com", "line\nbreak@x.com", " spaced ", "u\(campaign)@example.com"]
        return list
    }

    static func generate(seed: UInt64, badRows: Bool) -> GeneratedData {
        var rng = EventTestRandom(seed: seed)
        var events: [GeneratedEvent] = []
        let ids = campaignStarts.keys.sorted().filter { $0 != "c-unused" }
        for (c, id) in ids.enumerated() {
            let kinds: [(String, Int)]
            switch id {
            case "c-no-sent": kinds = [("delivered", 20), ("bounce", 8), ("open", 25), ("click", 10), ("deferred", 3), ("dropped", 2)]
            case "c-no-delivered": kinds = [("sent", 25), ("bounce", 10), ("open", 10), ("click", 5), ("unsubscribe", 3)]
            case "c-opens-only": kinds = [("open", 20), ("click", 10)]
            case "c-deferred": kinds = [("deferred", 1)]
            default: kinds = [("sent", 20), ("delivered", 18), ("deferred", 3), ("bounce", 6), ("open", 25), ("click", 12),
                              ("unsubscribe", 3), ("complaint", 2), ("dropped", 2)]
            }
            let total = kinds.map(\.1).reduce(0, +)
            let people = recipients(c, &rng)
            let links = urls(c)
            let base = 1_780_304_400.0 + Double(c) * 86_400
            for _ in 0..<Int.random(in: 150...400, using: &rng) {
                var pick = Int.random(in: 0..<total, using: &rng)
                var kind = kinds[0].0
                for (k, w) in kinds { if pick < w { kind = k; break }; pick -= w }
                // Whole seconds or eighths (exact in binary), from a day before to nine days after the base.
                let time = base + Double(Int.random(in: -86_400...(9 * 86_400), using: &rng)) + Double(Int.random(in: 0...7, using: &rng)) / 8
                let epochText = Int.random(in: 0..<4, using: &rng) == 0
                var event = GeneratedEvent(
                    campaign: id, recipient: people.randomElement(using: &rng)!, kind: kind, time: time,
                    offset: epochText ? 0 : [0, 0, 7200, -16_200, 20_700].randomElement(using: &rng)!, epochText: epochText,
                    url: kind == "click" ? links.randomElement(using: &rng)! : (Bool.random(using: &rng) ? nil : links[0]),
                    bounceType: kind == "bounce" ? [nil, "hard", "soft", "soft"].randomElement(using: &rng)! : nil,
                    userAgent: agents.randomElement(using: &rng)!,
                    machine: kind == "open" && Int.random(in: 0..<3, using: &rng) == 0)
                events.append(event)
                // Exact duplicates, and same-instant twins with another agent (ties keep file order).
                if Int.random(in: 0..<10, using: &rng) == 0 { events.append(event) }
                if kind == "open" || kind == "click", Int.random(in: 0..<10, using: &rng) == 0 {
                    event.userAgent = agents.randomElement(using: &rng)!
                    events.append(event)
                }
            }
        }
        events.shuffle(using: &rng)

        var data = GeneratedData()
        let split = events.count * 3 / 5
        let (csv, csvBad) = writeCSV(Array(events[..<split]), badRows: badRows, &rng)
        let (jsonl, jsonBad) = writeJSONLines(Array(events[split...]), badRows: badRows, &rng)
        data.files["events.csv"] = csv
        data.files["events/more.jsonl"] = jsonl
        data.badRowLines = csvBad.map { ("events.csv", $0) } + jsonBad.map { ("events/more.jsonl", $0) }
        data.events = events
        return data
    }

    // MARK: Writing

    static func csvField(_ value: String, _ rng: inout EventTestRandom) -> String {
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            || Int.random(in: 0..<8, using: &rng) == 0 {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    static func writeCSV(_ events: [GeneratedEvent], badRows: Bool, _ rng: inout EventTestRandom) -> (String, [Int]) {
        var columns = ["campaign_id", "recipient", "event", "timestamp", "url", "bounce_type", "user_agent", "machine", "note", "extra"]
        columns.shuffle(using: &rng)
        var out = "\u{FEFF}" + columns.joined(separator: ",") + "\r\n"
        var line = 2
        var bad: [Int] = []
        func emit(_ values: [String: String]) {
            let ending = Bool.random(using: &rng) ? "\n" : "\r\n"
            let text = columns.map { csvField(values[$0] ?? "", &rng) }.joined(separator: ",")
            out += text + ending
            line += text.filter { $0 == "\n" || $0 == "\r\n" }.count + 1
        }
        for e in events {
            if Int.random(in: 0..<25, using: &rng) == 0 {
                out += ["\n", "  \n", "\r\n"].randomElement(using: &rng)!
                line += 1
            }
            if badRows, Int.random(in: 0..<30, using: &rng) == 0 {
                bad.append(line)
                emit(["campaign_id": e.campaign, "recipient": "bad@x.com", "event": "opened", "timestamp": "1780304400"])
            }
            var values = [
                "campaign_id": e.campaign, "recipient": e.recipient, "event": e.kind,
                "timestamp": timestampText(e, &rng), "url": e.url ?? "", "bounce_type": e.bounceType ?? "",
                "user_agent": e.userAgent ?? "",
                "machine": e.machine ? ["true", "1"].randomElement(using: &rng)! : ["", "", "false", "0"].randomElement(using: &rng)!,
                "note": ["", "x", "a \"note\",\nwith a line break", "é"].randomElement(using: &rng)!,
            ]
            if Int.random(in: 0..<6, using: &rng) == 0 { values["extra"] = "\r\n" }
            emit(values)
        }
        return (out, bad)
    }

    static func jsonString(_ value: String, _ rng: inout EventTestRandom) -> String {
        let escapeAll = Bool.random(using: &rng)
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "/" where escapeAll: out += "\\/"
            default:
                if scalar.value < 0x20 || (escapeAll && scalar.value > 0x7E) {
                    for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func writeJSONLines(_ events: [GeneratedEvent], badRows: Bool, _ rng: inout EventTestRandom) -> (String, [Int]) {
        var out = ""
        var line = 1
        var bad: [Int] = []
        for e in events {
            if Int.random(in: 0..<25, using: &rng) == 0 {
                out += ["\n", "  \n", "\r\n"].randomElement(using: &rng)!
                line += 1
            }
            if badRows, Int.random(in: 0..<30, using: &rng) == 0 {
                bad.append(line)
                out += #"{"campaign_id":"nope","recipient":"a","event":"open","timestamp":1}"# + "\n"
                line += 1
            }
            var pairs: [String] = [
                "\"campaign_id\":" + jsonString(e.campaign, &rng),
                "\"recipient\":" + jsonString(e.recipient, &rng),
                "\"event\":" + jsonString(e.kind, &rng),
                "\"timestamp\":" + (e.epochText && e.time == e.time.rounded() && Bool.random(using: &rng)
                                    ? String(Int(e.time)) : jsonString(timestampText(e, &rng), &rng)),
                "\"meta\":{\"nested\":[1,\"}\",{\"a\":null}]}",
            ]
            if let url = e.url { pairs.append("\"url\":" + jsonString(url, &rng)) } else if Bool.random(using: &rng) { pairs.append("\"url\":null") }
            if let bounce = e.bounceType { pairs.append("\"bounce_type\":" + jsonString(bounce, &rng)) }
            if let agent = e.userAgent { pairs.append("\"user_agent\":" + jsonString(agent, &rng)) }
            pairs.append("\"machine\":" + (e.machine ? ["true", "1", "\"true\"", "\"1\""] : ["false", "0", "\"\"", "null", "\"0\""])
                .randomElement(using: &rng)!)
            pairs.shuffle(using: &rng)
            out += (Bool.random(using: &rng) ? " " : "") + "{" + pairs.joined(separator: Bool.random(using: &rng) ? "," : " , ") + "}"
                + (Bool.random(using: &rng) ? "\n" : "\r\n")
            line += 1
        }
        return (out, bad)
    }

    /// The event's time in one of the accepted spellings.
    static func timestampText(_ e: GeneratedEvent, _ rng: inout EventTestRandom) -> String {
        let whole = e.time.rounded(.down)
        let eighths = Int((e.time - whole) * 8)
        let fraction = eighths == 0 ? "" : String(String(format: "%.3f", Double(eighths) / 8).dropFirst())
        if e.epochText { return String(Int(whole)) + fraction }
        let local = Int(whole) + e.offset
        let days = Int((Double(local) / 86_400).rounded(.down))
        let seconds = local - days * 86_400
        let (y, m, d) = civil(days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var zone = e.offset == 0 ? "Z" : ""
        if e.offset != 0 {
            let a = abs(e.offset)
            zone = (e.offset < 0 ? "-" : "+") + two(a / 3600) + ":" + two(a % 3600 / 60)
        }
        return "\(y)-\(two(m))-\(two(d))T\(two(seconds / 3600)):\(two(seconds % 3600 / 60)):\(two(seconds % 60))\(fraction)\(zone)"
    }

    /// Civil date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

// MARK: - The reference computation

private func reference(_ events: [GeneratedEvent]) -> [String: CampaignEvents] {
    struct Campaign {
        var sent = Set<String>(), delivered = Set<String>(), bounced = Set<String>(), hard = Set<String>()
        var opened = Set<String>(), human = Set<String>(), clicked = Set<String>()
        var unsubscribed = Set<String>(), complained = Set<String>(), dropped = Set<String>()
        var totalOpens = 0, totalClicks = 0, eventCount = 0
        var linkClicks: [String: Int] = [:], linkUsers: [String: Set<String>] = [:]
        var firstSend: (Double, Int)?
        var firstSent: [String: Double] = [:], firstDelivered: [String: Double] = [:]
        var firstEngage: [String: (Double, String?)] = [:]
        var opens: [Double] = [], clicks: [Double] = []
    }
    var all: [String: Campaign] = [:]
    for e in events {
        var c = all[e.campaign] ?? Campaign()
        c.eventCount += 1
        let r = e.recipient
        func engage() {
            if let first = c.firstEngage[r], first.0 <= e.time { return }
            c.firstEngage[r] = (e.time, e.userAgent)
        }
        func send() {
            if let first = c.firstSend, first.0 <= e.time { return }
            c.firstSend = (e.time, e.offset)
        }
        switch e.kind {
        case "sent": c.sent.insert(r); send(); c.firstSent[r] = min(c.firstSent[r] ?? .infinity, e.time)
        case "delivered": c.delivered.insert(r); send(); c.firstDelivered[r] = min(c.firstDelivered[r] ?? .infinity, e.time)
        case "bounce": c.bounced.insert(r); if e.bounceType != "soft" { c.hard.insert(r) }
        case "open": c.opened.insert(r); c.totalOpens += 1; if !e.machine { c.human.insert(r) }; engage(); c.opens.append(e.time)
        case "click":
            c.clicked.insert(r); c.totalClicks += 1; engage(); c.clicks.append(e.time)
            c.linkClicks[e.url!, default: 0] += 1
            c.linkUsers[e.url!, default: []].insert(r)
        case "unsubscribe": c.unsubscribed.insert(r)
        case "complaint": c.complained.insert(r)
        case "dropped": c.dropped.insert(r)
        default: break
        }
        all[e.campaign] = c
    }
    var result: [String: CampaignEvents] = [:]
    for (id, c) in all {
        var counts = Counts()
        counts.sent = c.sent.isEmpty ? c.delivered.union(c.bounced).count : c.sent.count
        counts.bounced = c.bounced.subtracting(c.delivered).count
        counts.hardBounced = c.hard.subtracting(c.delivered).count
        counts.softBounced = counts.bounced - counts.hardBounced
        counts.delivered = c.delivered.isEmpty ? max(0, counts.sent - counts.bounced) : c.delivered.count
        counts.uniqueOpens = c.opened.union(c.clicked).count
        counts.totalOpens = c.totalOpens
        counts.humanUniqueOpens = c.human.union(c.clicked).count
        counts.uniqueClicks = c.clicked.count
        counts.totalClicks = c.totalClicks
        counts.unsubscribed = c.unsubscribed.count
        counts.complaints = c.complained.count
        counts.dropped = c.dropped.count

        let links = c.linkClicks.map { LinkStat(url: $0.key, clicks: $0.value, uniqueClicks: c.linkUsers[$0.key]!.count) }
            .sorted { a, b in
                if a.uniqueClicks != b.uniqueClicks { return a.uniqueClicks > b.uniqueClicks }
                if a.clicks != b.clicks { return a.clicks > b.clicks }
                return Array(a.url.utf8).lexicographicallyPrecedes(Array(b.url.utf8))
            }

        var timeline: EngagementTimeline?
        let start: Timestamp? = campaignStarts[id]! ?? c.firstSend.map { Timestamp(epochSeconds: $0.0, utcOffsetSeconds: $0.1) }
        if let start {
            func hours(_ times: [Double]) -> [Int] {
                var buckets = [Int](repeating: 0, count: 168)
                for t in times where t >= start.epochSeconds && t < start.epochSeconds + 168 * 3600 {
                    buckets[Int(((t - start.epochSeconds) / 3600).rounded(.down))] += 1
                }
                return buckets
            }
            timeline = EngagementTimeline(start: start, hourlyOpens: hours(c.opens), hourlyClicks: hours(c.clicks))
        }

        var delays: [Double] = []
        var clients: [String: Int] = [:], devices: [String: Int] = [:], platforms: [String: Int] = [:]
        for (r, first) in c.firstEngage {
            if let base = c.firstDelivered[r] ?? c.firstSent[r] { delays.append(first.0 - base) }
            let cls = classifyUserAgent(first.1)
            clients[cls.client, default: 0] += 1
            devices[cls.device, default: 0] += 1
            platforms[cls.platform, default: 0] += 1
        }
        delays.sort()
        let median: Double? = delays.isEmpty ? nil
            : delays.count % 2 == 1 ? delays[delays.count / 2] : (delays[delays.count / 2 - 1] + delays[delays.count / 2]) / 2
        func shares(_ d: [String: Int]) -> [ClientBreakdown.Share] {
            d.map { ClientBreakdown.Share(name: $0.key, recipients: $0.value) }
                .sorted { $0.recipients != $1.recipients ? $0.recipients > $1.recipients : $0.name < $1.name }
        }
        result[id] = CampaignEvents(
            counts: counts, links: links, timeline: timeline, medianSecondsToFirstOpen: median,
            clients: ClientBreakdown(clients: shares(clients), devices: shares(devices), platforms: shares(platforms)),
            clickersWithoutOpen: c.clicked.subtracting(c.opened).count, eventCount: c.eventCount)
    }
    return result
}

// MARK: - Tests

@Suite("Event aggregation against an independent reference")
struct EventReferenceTests {
    private func load(_ data: GeneratedData, options: EventLoadOptions) throws -> (EventData, EventLoader.Statistics, String) {
        let folder = try EventDataFolder(data.files)
        var statistics = EventLoader.Statistics()
        let loaded = try EventLoader.load(files: try EventLoader.eventFiles(in: folder.path), campaigns: campaignStarts,
                                          options: options, statistics: &statistics)
        return (loaded, statistics, folder.path)
    }

    private func compare(_ loaded: EventData, _ expected: [String: CampaignEvents]) {
        #expect(Set(loaded.campaigns.keys) == Set(expected.keys))
        for (id, want) in expected.sorted(by: { $0.key < $1.key }) {
            guard let got = loaded.campaigns[id] else { Issue.record("missing \(id)"); continue }
            #expect(got.counts == want.counts, "\(id) counts")
            #expect(got.links == want.links, "\(id) links")
            #expect(got.timeline == want.timeline, "\(id) timeline")
            #expect(got.medianSecondsToFirstOpen == want.medianSecondsToFirstOpen, "\(id) median")
            #expect(got.clients == want.clients, "\(id) clients")
            #expect(got.clickersWithoutOpen == want.clickersWithoutOpen, "\(id) clickers without open")
            #expect(got.eventCount == want.eventCount, "\(id) event count")
        }
    }

    @Test("every figure equals the reference", arguments: [1, 2, 3] as [UInt64])
    func sequential(seed: UInt64) throws {
        let data = Generator.generate(seed: seed, badRows: false)
        let (loaded, statistics, _) = try load(data, options: EventLoadOptions())
        #expect(statistics.parts == 2)
        compare(loaded, reference(data.events))
        // The edge cases the generator is meant to produce are there.
        let expected = reference(data.events)
        #expect(expected["c-no-sent"]?.counts.sent ?? 0 > 0)
        #expect(expected["c-no-delivered"]?.counts.delivered ?? 0 > 0)
        #expect(expected["c-deferred"]?.counts == Counts())
        #expect(expected["c-opens-only"]?.timeline == nil)
        #expect(expected["c-opens-only"]?.medianSecondsToFirstOpen == nil)
        #expect(expected.values.contains { $0.clickersWithoutOpen > 0 })
    }

    @Test("parallel parts give the same figures as one sequential read", arguments: [1, 2, 3] as [UInt64])
    func parallel(seed: UInt64) throws {
        let data = Generator.generate(seed: seed, badRows: false)
        var options = EventLoadOptions()
        options.partSize = 700
        options.workerCount = 3
        options.bufferSize = 61
        let (loaded, statistics, _) = try load(data, options: options)
        #expect(statistics.parts > 20)
        #expect(statistics.rereadParts > 0, "no cut fell inside a quoted field: the reread path went untested")
        compare(loaded, reference(data.events))
        let (sequential, _, _) = try load(data, options: EventLoadOptions())
        #expect(loaded.campaigns == sequential.campaigns)
    }

    @Test("skipping bad rows: the rest equals the reference, bad rows are counted and located", arguments: [(4, 1 << 20), (4, 500)] as [(UInt64, Int)])
    func skipping(seed: UInt64, partSize: Int) throws {
        let data = Generator.generate(seed: seed, badRows: true)
        var options = EventLoadOptions()
        options.skipBadRows = true
        options.maxReportedBadRows = 1000
        options.partSize = partSize
        options.workerCount = 2
        let (loaded, _, path) = try load(data, options: options)
        compare(loaded, reference(data.events))
        #expect(data.badRowLines.count > 3)
        #expect(loaded.skippedRowCount == data.badRowLines.count)
        #expect(loaded.badRows.map { "\($0.location.file.dropFirst(path.count + 1)):\($0.location.line)" }
                == data.badRowLines.map { "\($0.file):\($0.line)" })
    }
}
