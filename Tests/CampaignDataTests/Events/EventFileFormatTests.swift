import Foundation
import Testing
@testable import CampaignData

@Suite("Event files: CSV and JSON Lines")
struct EventFileFormatTests {
    private func counts(_ data: EventData, _ id: String = "c1") throws -> Counts {
        try #require(data.campaigns[id]).counts
    }

    @Test("quoted fields keep commas, doubled quotes and line breaks", arguments: [1 << 20, 64, 7])
    func quotedFields(bufferSize: Int) throws {
        var options = EventLoadOptions()
        options.bufferSize = bufferSize
        let data = try EventFixtures.loadCSV(
            "c1,a@x.com,click,2026-06-01T10:00:00Z,\"https://x.com/?a=1,2\",,\"Mozilla \"\"quoted\"\"\nsecond line\",\n"
                + "c1,\"b@x.com\",click,2026-06-01T10:00:00Z,\"https://x.com/\"\"q\"\"\",,\"\",\n"
                + "c1,\"c@x.com\r\n\",open,2026-06-01T10:00:00Z,,,\"\",\n"
                + "c1,d@x.com,open,2026-06-01T10:00:00Z,,,Mozilla \"literal\" quotes,\n",
            options: options)
        let c1 = try #require(data.campaigns["c1"])
        #expect(c1.links.map(\.url).sorted() == ["https://x.com/\"q\"", "https://x.com/?a=1,2"])
        #expect(c1.counts.uniqueOpens == 4)
        #expect(c1.counts.uniqueClicks == 2)
        #expect(c1.eventCount == 4)
    }

    @Test("CRLF line endings, and a last line without a line break")
    func crlf() throws {
        let data = try EventFixtures.loadCSV(
            "c1,a@x.com,sent,2026-06-01T09:00:00Z,,,,\r\nc1,a@x.com,delivered,2026-06-01T09:00:05Z,,,,\r\nc1,b@x.com,sent,2026-06-01T09:00:00Z,,,,",
            header: EventFixtures.header.replacingOccurrences(of: "\n", with: "\r\n"))
        let c = try counts(data)
        #expect(c.sent == 2)
        #expect(c.delivered == 1)
    }

    @Test("a UTF-8 BOM, any column order, unknown columns ignored")
    func columnOrder() throws {
        let folder = try EventDataFolder()
        try folder.write("events.csv", Data([0xEF, 0xBB, 0xBF]) + Data("""
        note, timestamp ,event,recipient,campaign_id,extra
        x,2026-06-01T09:00:00Z,sent,a@x.com,c1,"y, z"
        ,2026-06-01T09:00:00Z,sent,b@x.com,c1,

        """.utf8))
        let c = try counts(folder.load())
        #expect(c.sent == 2)
        #expect(c.delivered == 2)  // no delivered events: sent − bounced
    }

    @Test("blank lines anywhere are ignored, and do not shift line numbers")
    func blankLines() throws {
        let text = "\n  \r\n" + EventFixtures.header + "\n\r\nc1,a@x.com,sent,2026-06-01T09:00:00Z,,,,\n \t\n"
            + "c1,a@x.com,bogus,2026-06-01T09:00:00Z,,,,\n"
        let error = try #require(try EventFixtures.csvError(text))
        #expect(error.location == SourceLocation(file: "events.csv", line: 8, column: 12))
        var options = EventLoadOptions()
        options.skipBadRows = true
        let folder = try EventDataFolder(["events.csv": text])
        let data = try folder.load(options: options)
        #expect(try counts(data).sent == 1)
        #expect(data.skippedRowCount == 1)
    }

    @Test("an empty file, or one with only a header, has no events")
    func emptyFiles() throws {
        let folder = try EventDataFolder(["events.csv": "", "events_b.csv": EventFixtures.header, "events_c.jsonl": "\n\n"])
        let data = try folder.load()
        #expect(data.campaigns.isEmpty)
        #expect(data.files.count == 3)
    }

    @Test("JSON Lines: any key order, unknown keys, typed values, escapes, null")
    func jsonLines() throws {
        let folder = try EventDataFolder(["events.jsonl": #"""
        {"event":"sent","campaign_id":"c1","recipient":"a@x.com","timestamp":1780304400,"meta":{"a":[1,{"b":"}"}]},"n":null}
        {"campaign_id":"c1","recipient":"a@x.com","event":"open","timestamp":"2026-06-01T09:30:00Z","machine":true,"user_agent":null}
        {"campaign_id":"c1","recipient":"b\u00e9@x.com","event":"open","timestamp":1780306200.5,"machine":0}

          {"campaign_id":"c1","recipient":"c@x.com","event":"click","timestamp":"2026-06-01T09:30:00Z","url":"https://x.com/\"\ud83d\ude00\"","machine":"false"}  
        {"campaign_id":"c1","recipient":"d@x.com","event":"bounce","timestamp":"1780304400","bounce_type":null}
        """# + "\r\n"])
        let c1 = try #require(try folder.load().campaigns["c1"])
        #expect(c1.counts.sent == 1)
        #expect(c1.counts.uniqueOpens == 3)
        #expect(c1.counts.totalOpens == 2)
        #expect(c1.counts.humanUniqueOpens == 2)
        #expect(c1.counts.hardBounced == 1)
        #expect(c1.links.map(\.url) == ["https://x.com/\"😀\""])
        #expect(c1.eventCount == 5)
    }

    @Test("event files: events*.csv and events*.jsonl at the top, every .csv and .jsonl in events/, sorted")
    func fileDiscovery() throws {
        let folder = try EventDataFolder([
            "events.csv": "", "events_2026.jsonl": "", "events.txt": "", "campaigns.json": "{}", "other.csv": "",
            "events/b.jsonl": "", "events/a.csv": "", "events/.hidden.csv": "", "events/readme.md": "",
        ])
        try FileManager.default.createDirectory(atPath: folder.path + "/events/sub.csv", withIntermediateDirectories: true)
        let files = try EventLoader.eventFiles(in: folder.path).map { String($0.dropFirst(folder.path.count + 1)) }
        #expect(files == ["events.csv", "events/a.csv", "events/b.jsonl", "events_2026.jsonl"])
    }

    @Test("a missing data folder is a missing input")
    func missingFolder() {
        #expect(throws: InputError(.missing, path: "/nonexistent/funnelmark", "data folder does not exist")) {
            try EventLoader.eventFiles(in: "/nonexistent/funnelmark")
        }
    }

    @Test("a folder without event files has no events")
    func noEventFiles() throws {
        let data = try EventDataFolder().load()
        #expect(data.files.isEmpty)
        #expect(data.campaigns.isEmpty)
    }
}
