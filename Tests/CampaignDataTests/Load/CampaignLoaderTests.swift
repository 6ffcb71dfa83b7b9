import Testing
@testable import CampaignData

@Suite("campaigns.json loader")
struct CampaignLoaderTests {
    func load(_ text: String) throws(InputError) -> [Campaign] {
        try CampaignLoader.parse(bytes: Array(text.utf8), file: "data/campaigns.json")
    }

    @Test("every field of DESIGN.md is read")
    func allFields() throws {
        let campaigns = try load("""
        {"campaigns": [{"id": "c1", "name": "N", "subject": "S", "preheader": "P", "from_name": "F", "from_email": "f@x.example",
          "status": "sent", "audience": {"name": "All", "size": 100},
          "scheduled_at": "2026-01-01T08:00:00Z", "sent_at": "2026-01-01T09:00:00+02:00", "completed_at": "2026-01-01T10:00:00.5Z",
          "tags": ["a", "b"], "utm": {"source": "s", "medium": "m", "campaign": "c", "term": "t", "content": "x"},
          "counts": {"sent": 100, "delivered": 90, "bounced": 10, "hard_bounced": 4, "unique_opens": 40, "total_opens": 60,
                     "human_unique_opens": 30, "unique_clicks": 9, "total_clicks": 12, "unsubscribed": 1, "complaints": 0, "dropped": 2},
          "links": [{"url": "https://x.example/a", "clicks": 5, "unique_clicks": 4}]}]}
        """)
        let c = try #require(campaigns.first)
        #expect(c.id == "c1" && c.name == "N" && c.subject == "S" && c.preheader == "P" && c.fromName == "F" && c.fromEmail == "f@x.example")
        #expect(c.status == .sent)
        #expect(c.audience == Audience(name: "All", size: 100))
        #expect(c.sentAt == Timestamp(epochSeconds: 1_767_250_800, utcOffsetSeconds: 7200))
        #expect(c.completedAt?.epochSeconds == 1_767_261_600.5)
        #expect(c.tags == ["a", "b"])
        #expect(c.utm == UTMParameters(source: "s", medium: "m", campaign: "c", term: "t", content: "x"))
        #expect(c.counts == Counts(sent: 100, delivered: 90, bounced: 10, hardBounced: 4, softBounced: 6, uniqueOpens: 40, totalOpens: 60,
                                   humanUniqueOpens: 30, uniqueClicks: 9, totalClicks: 12, unsubscribed: 1, complaints: 0, dropped: 2))
        #expect(c.links == [LinkStat(url: "https://x.example/a", clicks: 5, uniqueClicks: 4)])
        #expect(c.location == SourceLocation(file: "data/campaigns.json", line: 1, column: 16))
    }

    @Test("a top-level array works too; absent optional counts get their documented defaults")
    func topLevelArray() throws {
        let campaigns = try load(#"[{"id": "a", "status": "draft"}, {"id": "b", "status": "sent", "counts": {"sent": 5, "unique_opens": 2, "unique_clicks": 1}}]"#)
        #expect(campaigns.map(\.id) == ["a", "b"])
        #expect(campaigns[0].counts == nil)
        let counts = try #require(campaigns[1].counts)
        #expect(counts.humanUniqueOpens == nil)
        #expect(counts.totalOpens == 2 && counts.totalClicks == 1)
    }

    @Test("bad input: one error naming file, line, column, the value and what was expected", arguments: [
        (#"{"campaigns": [{"status": "sent"}]}"#, "1:16", "has no \"id\""),
        (#"{"campaigns": [{"id": "a", "status": "sent"}, {"id": "a", "status": "draft"}]}"#, "1:54", "duplicate campaign id \"a\""),
        (#"{"campaigns": [{"id": "a", "status": "done"}]}"#, "1:38", "status is \"done\"; expected one of draft, scheduled, sending, sent"),
        (#"{"campaigns": [{"id": "a"}]}"#, "1:16", "has no \"status\""),
        (#"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": -3}}]}"#, "1:65", "counts.sent is -3; expected a whole number ≥ 0"),
        (#"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": 2.5}}]}"#, "1:65", "counts.sent is 2.5; expected a whole number"),
        (#"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": "7"}}]}"#, "1:65", "counts.sent is \"7\"; expected a whole number"),
        (#"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": 5, "delivered": 6}}]}"#, "1:81", "delivered (6) is above sent (5)"),
        (#"{"campaigns": [{"id": "a", "status": "sent", "counts": {"snt": 5}}]}"#, "1:57", "unknown counts field \"snt\""),
        (#"{"campaigns": [{"id": "a", "status": "sent", "sent_at": "yesterday"}]}"#, "1:57", "sent_at is \"yesterday\"; expected an RFC 3339 time"),
        (#"{"campaigns": [{"id": 7, "status": "sent"}]}"#, "1:23", "id is 7; expected a string"),
        (#"{"campaigns": {"id": "a"}}"#, "1:15", "expected an array of campaign objects"),
        (#"{"campaigns": [{"id": "a", "status": "sent",}]}"#, "1:45", "invalid JSON"),
        ("{\"campaigns\": [\n  {\"id\": \"a\", \"status\": \"sent\", \"audience\": {\"size\": -1}}]}", "2:54", "audience.size is -1"),
    ])
    func badInput(text: String, position: String, fragment: String) {
        do {
            _ = try load(text)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.description.hasPrefix("data/campaigns.json:\(position): "), "\(error.description)")
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test("a missing folder or file is 'missing', not 'invalid'")
    func missing() {
        #expect(throws: InputError.self) { try CampaignLoader.load(dataDirectory: "/nonexistent/funnelmark") }
        do {
            _ = try CampaignLoader.load(dataDirectory: "/nonexistent/funnelmark")
        } catch {
            #expect(error.kind == .missing)
            #expect(error.description == "/nonexistent/funnelmark: data folder does not exist; expected a folder holding campaigns.json")
        }
    }
}
