import Foundation
import Testing
@testable import CampaignData

/// One bad input and the exact error a strict load reports.
struct EventErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var file = "events.csv"
    var text: String
    var line: Int
    var column: Int
    var message: String

    var testDescription: String { name }
}

private let h = EventFixtures.header
private let eventsExpected = "one of sent, delivered, deferred, bounce, open, click, unsubscribe, complaint, dropped"
private let timestampExpected = "RFC 3339 (e.g. 2026-06-01T09:00:00Z or 2026-06-01T11:00:00+02:00) or Unix epoch seconds (e.g. 1780304400)"

private let csvCases: [EventErrorCase] = [
    EventErrorCase(name: "unknown event type", text: h + "c1,a@x.com,opne,2026-06-01T09:00:00Z,,,,\n", line: 2, column: 12,
                   message: "unknown event type \"opne\": expected \(eventsExpected)"),
    EventErrorCase(name: "bad timestamp", text: h + "c1,a@x.com,open,2026-13-01T09:00:00Z,,,,\n", line: 2, column: 17,
                   message: "bad timestamp \"2026-13-01T09:00:00Z\": expected \(timestampExpected)"),
    EventErrorCase(name: "bad epoch timestamp", text: h + "c1,a@x.com,open,17803O4400,,,,\n", line: 2, column: 17,
                   message: "bad timestamp \"17803O4400\": expected \(timestampExpected)"),
    EventErrorCase(name: "empty campaign_id", text: h + ",a@x.com,open,2026-06-01T09:00:00Z,,,,\n", line: 2, column: 1,
                   message: "campaign_id is empty: expected the id of a campaign in campaigns.json"),
    EventErrorCase(name: "empty recipient", text: h + "c1,,open,2026-06-01T09:00:00Z,,,,\n", line: 2, column: 4,
                   message: "recipient is empty: expected an email address or opaque recipient id"),
    EventErrorCase(name: "empty event", text: h + "c1,a@x.com,,2026-06-01T09:00:00Z,,,,\n", line: 2, column: 12,
                   message: "event is empty: expected \(eventsExpected)"),
    EventErrorCase(name: "empty timestamp", text: h + "c1,a@x.com,open,,,,,\n", line: 2, column: 17,
                   message: "timestamp is empty: expected \(timestampExpected)"),
    EventErrorCase(name: "click with an empty url", text: h + "c1,a@x.com,click,2026-06-01T09:00:00Z,,,,\n", line: 2, column: 39,
                   message: "url is empty: expected the clicked link (required for click events)"),
    EventErrorCase(name: "click without a url column", text: "campaign_id,recipient,event,timestamp\nc1,a@x.com,click,2026-06-01T09:00:00Z\n",
                   line: 2, column: 12, message: "click event without a url: expected the clicked link (required for click events)"),
    EventErrorCase(name: "unterminated quote", text: h + "c1,a@x.com,open,2026-06-01T09:00:00Z,,,\"Mozilla,\nmore\n", line: 2, column: 40,
                   message: "unterminated quoted field: the quote opened here is never closed"),
    EventErrorCase(name: "bad bounce_type", text: h + "c1,a@x.com,bounce,2026-06-01T09:00:00Z,,medium,,\n", line: 2, column: 41,
                   message: "bad bounce_type \"medium\": expected hard, soft or empty (empty means hard)"),
    EventErrorCase(name: "bad machine value", text: h + "c1,a@x.com,open,2026-06-01T09:00:00Z,,,,yes\n", line: 2, column: 41,
                   message: "bad machine value \"yes\": expected true, false, 1, 0 or empty"),
    EventErrorCase(name: "unknown campaign", text: h + "c9,a@x.com,open,2026-06-01T09:00:00Z,,,,\n", line: 2, column: 1,
                   message: "unknown campaign id \"c9\": expected the id of a campaign in campaigns.json"),
    EventErrorCase(name: "too many fields", text: h + "c1,a@x.com,open,2026-06-01T09:00:00Z,,,,,extra\n", line: 2, column: 42,
                   message: "row has 9 fields but the header has 8: expected 8 comma-separated values (quote a value that contains a comma)"),
    EventErrorCase(name: "too few fields", text: h + "c1,a@x.com,open,2026-06-01T09:00:00Z\r\n", line: 2, column: 37,
                   message: "row has 4 fields but the header has 8: expected 8 comma-separated values"),
    EventErrorCase(name: "text after a closing quote", text: h + "c1,\"a@x.com\"x,open,2026-06-01T09:00:00Z,,,,\n", line: 2, column: 13,
                   message: "unexpected \"x\" after a closing quote: expected a comma or the end of the line (write a quote inside a quoted field as \"\")"),
    EventErrorCase(name: "header without a required column", text: "campaign_id,recipient,timestamp\nc1,a@x.com,2026-06-01T09:00:00Z\n",
                   line: 1, column: 1,
                   message: "header has no \"event\" column (found \"campaign_id\", \"recipient\", \"timestamp\"): expected the columns campaign_id, recipient, event and timestamp, and optionally url, bounce_type, user_agent and machine"),
    EventErrorCase(name: "duplicate column", text: "\u{FEFF}campaign_id,recipient,event,timestamp,recipient\n", line: 1, column: 39,
                   message: "duplicate column \"recipient\" (also column 2 of the header): expected each column once"),
    EventErrorCase(name: "line numbers count line breaks inside quotes; columns count characters",
                   text: h + "c1,a@x.com,open,2026-06-01T09:00:00Z,,,\"line1\nline2\",\nc1,é@x.com,opne,2026-06-01T09:00:00Z,,,,\n",
                   line: 4, column: 12, message: "unknown event type \"opne\": expected \(eventsExpected)"),
    EventErrorCase(name: "a field that starts on the second line of its row",
                   text: h + "c1,a@x.com,open,2026-06-01T09:00:00Z,,,\"ua\nua2\",maybe\n",
                   line: 3, column: 6, message: "bad machine value \"maybe\": expected true, false, 1, 0 or empty"),
    EventErrorCase(name: "the first bad row wins", text: h + "c1,a@x.com,sent,2026-06-01T09:00:00Z,,,,\nc1,a@x.com,x,y,,,,\nc9,,,,,,,\n",
                   line: 3, column: 12, message: "unknown event type \"x\": expected \(eventsExpected)"),
]

private let jsonCases: [EventErrorCase] = [
    EventErrorCase(name: "JSON: missing key", file: "events.jsonl",
                   text: #"{"campaign_id":"c1","recipient":"a@x.com","event":"open"}"# + "\n", line: 1, column: 1,
                   message: "missing timestamp: expected \(timestampExpected)"),
    EventErrorCase(name: "JSON: not an object", file: "events.jsonl", text: "\n[1,2]\n", line: 2, column: 1,
                   message: "found \"[1,2]\": expected a JSON object ({…}) on each line"),
    EventErrorCase(name: "JSON: a number where a string belongs", file: "events.jsonl",
                   text: #"{"campaign_id":17,"recipient":"a@x.com","event":"open","timestamp":1}"#, line: 1, column: 16,
                   message: "campaign_id is the number 17: expected a string (the id of a campaign in campaigns.json)"),
    EventErrorCase(name: "JSON: an object where a value belongs", file: "events.jsonl",
                   text: #"{"campaign_id":"c1","recipient":{"a":1},"event":"open","timestamp":1}"#, line: 1, column: 33,
                   message: "recipient is an object: expected a string (an email address or opaque recipient id)"),
    EventErrorCase(name: "JSON: unclosed object", file: "events.jsonl",
                   text: #"{"campaign_id":"c1","recipient":"a@x.com""#, line: 1, column: 42,
                   message: "found the end of the line: expected \",\" or \"}\""),
    EventErrorCase(name: "JSON: unknown event", file: "events.jsonl",
                   text: #"{"campaign_id":"c1", "recipient":"é@x.com", "event":"opne", "timestamp":"2026-06-01T09:00:00Z"}"#,
                   line: 1, column: 53, message: "unknown event type \"opne\": expected \(eventsExpected)"),
    EventErrorCase(name: "JSON: bad escape", file: "events.jsonl",
                   text: #"{"campaign_id":"c\q1"}"#, line: 1, column: 18,
                   message: #"bad escape \q: expected one of \" \\ \/ \b \f \n \r \t \uXXXX"#),
    EventErrorCase(name: "JSON: bad machine value", file: "events.jsonl",
                   text: #"{"campaign_id":"c1","recipient":"a","event":"open","timestamp":1,"machine":2}"#, line: 1, column: 76,
                   message: "bad machine value \"2\": expected true, false, 1, 0 or empty"),
]

@Suite("Event files: strict errors")
struct EventErrorTests {
    @Test("each bad input stops the load at its exact FILE:LINE:COL", arguments: csvCases + jsonCases)
    func strictError(_ c: EventErrorCase) throws {
        let error = try #require(try EventFixtures.csvError(c.text, file: c.file))
        #expect(error.kind == .invalid)
        #expect(error.location == SourceLocation(file: c.file, line: c.line, column: c.column))
        #expect(error.message == c.message)
    }

    @Test("the same errors from a part read in parallel keep their exact location", arguments: csvCases)
    func strictErrorInLaterPart(_ c: EventErrorCase) throws {
        guard c.line > 1 else { return }
        // Many valid rows first, so the bad row falls in a later part.
        let lines = c.text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let columns = lines[0].split(separator: ",", omittingEmptySubsequences: false).count
        let good = String(repeating: "c1,a@x.com,sent,2026-06-01T09:00:00Z" + String(repeating: ",", count: columns - 4) + "\n", count: 200)
        let text = String(lines[0]) + "\n" + good + String(lines[1])
        var options = EventLoadOptions()
        options.partSize = 1000
        options.bufferSize = 97
        let folder = try EventDataFolder([c.file: text])
        do {
            _ = try folder.load(options: options)
            Issue.record("no error")
        } catch let error as InputError {
            #expect(error.location == SourceLocation(file: folder.path + "/" + c.file, line: c.line + 200, column: c.column))
            #expect(error.message == c.message)
        }
    }

    @Test("skipping: bad rows are counted, the first few kept with locations, good rows still count")
    func skipping() throws {
        let text = h + """
        c1,a@x.com,sent,2026-06-01T09:00:00Z,,,,
        c1,a@x.com,opne,2026-06-01T09:00:00Z,,,,
        c1,b@x.com,sent,never,,,,
        c9,c@x.com,sent,2026-06-01T09:00:00Z,,,,
        c1,a@x.com,open,2026-06-01T09:10:00Z,,,,true
        c1,a@x.com,open,2026-06-01T09:10:00Z,,,

        """
        var options = EventLoadOptions()
        options.skipBadRows = true
        options.maxReportedBadRows = 2
        let folder = try EventDataFolder(["events.csv": text])
        let data = try folder.load(options: options)
        #expect(data.skippedRowCount == 4)
        #expect(data.badRows.map(\.location) == [SourceLocation(file: folder.path + "/events.csv", line: 3, column: 12),
                                                 SourceLocation(file: folder.path + "/events.csv", line: 4, column: 17)])
        #expect(data.badRows.first?.message == "unknown event type \"opne\": expected \(eventsExpected)")
        let c1 = try #require(data.campaigns["c1"])
        #expect(c1.eventCount == 2)
        #expect(c1.counts.sent == 1)
        #expect(c1.counts.uniqueOpens == 1)
        #expect(c1.counts.humanUniqueOpens == 0)
    }

    @Test("skipping: an unterminated quote skips the rest of its file as one row, then the next file is read")
    func skippingUnterminatedQuote() throws {
        var options = EventLoadOptions()
        options.skipBadRows = true
        let folder = try EventDataFolder([
            "events.csv": h + "c1,a@x.com,sent,2026-06-01T09:00:00Z,,,,\nc1,\"b@x.com,sent,2026-06-01T09:00:00Z,,,,\nc1,c@x.com,sent,2026-06-01T09:00:00Z,,,,\n",
            "events_2.csv": h + "c1,d@x.com,sent,2026-06-01T09:00:00Z,,,,\n",
        ])
        let data = try folder.load(options: options)
        #expect(data.skippedRowCount == 1)
        #expect(data.badRows.map(\.location.line) == [3])
        #expect(data.badRows.map(\.location.column) == [4])
        #expect(data.campaigns["c1"]?.counts.sent == 2)
    }

    @Test("header problems stop the load even when skipping bad rows")
    func headerErrorsAreFatal() throws {
        var options = EventLoadOptions()
        options.skipBadRows = true
        let folder = try EventDataFolder(["events.csv": "recipient,event\n"])
        #expect(throws: InputError.self) { try folder.load(options: options) }
    }
}
