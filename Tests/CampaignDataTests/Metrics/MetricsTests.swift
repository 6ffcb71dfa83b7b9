import Testing
@testable import CampaignData

@Suite("rates and funnel")
struct MetricsTests {
    static let sample = Counts(sent: 1000, delivered: 950, bounced: 50, hardBounced: 20, softBounced: 30, uniqueOpens: 400,
                               totalOpens: 700, humanUniqueOpens: 250, uniqueClicks: 80, totalClicks: 120,
                               unsubscribed: 7, complaints: 1, dropped: 3)

    @Test("every rate is its documented fraction")
    func rates() {
        let r = Rates(Self.sample)
        #expect(r.delivery == 950.0 / 1000)
        #expect(r.open == 400.0 / 950)
        #expect(r.humanOpen == 250.0 / 950)
        #expect(r.click == 80.0 / 950)
        #expect(r.clickToOpen == 80.0 / 400)
        #expect(r.bounce == 50.0 / 1000)
        #expect(r.hardBounce == 20.0 / 1000)
        #expect(r.unsubscribe == 7.0 / 950)
        #expect(r.complaint == 1.0 / 950)
        #expect(r.fields.map(\.name) == ["delivery", "open", "human_open", "click", "click_to_open", "bounce", "hard_bounce", "unsubscribe", "complaint"])
    }

    @Test("zero denominators give nil, never NaN or infinity")
    func zeroDenominators() {
        let none = Rates(Counts())
        #expect(none.fields.allSatisfy { $0.value == nil })
        // Sent but nothing delivered: delivery and bounce defined, the rest not.
        let r = Rates(Counts(sent: 10, delivered: 0, bounced: 10, hardBounced: 10))
        #expect(r.delivery == 0 && r.bounce == 1 && r.hardBounce == 1)
        #expect(r.open == nil && r.click == nil && r.unsubscribe == nil && r.complaint == nil && r.clickToOpen == nil)
    }

    @Test("unknown human opens give an unknown human open rate")
    func unknownHumanOpens() {
        var c = Self.sample
        c.humanUniqueOpens = nil
        #expect(Rates(c).humanOpen == nil)
        #expect(Rates(c).open != nil)
    }

    @Test("funnel stages and percent of audience")
    func funnel() {
        let f = Funnel(counts: Self.sample, audienceSize: 1250)
        #expect(f.stages.map(\.stage) == [.audience, .sent, .delivered, .opened, .clicked])
        #expect(f.stages.map(\.count) == [1250, 1000, 950, 400, 80])
        #expect(f.stages.map(\.percentOfAudience) == [100, 80, 76, 32, 6.4])
        // The largest drop is Delivered → Opened (550 contacts).
        #expect(f.largestDropOff?.from.stage == .delivered)
        #expect(f.largestDropOff?.lost == 550)
    }

    @Test("audience falls back to sent; zero audience has no percentages")
    func audienceFallback() {
        #expect(Funnel(counts: Self.sample, audienceSize: nil).audience == 1000)
        let empty = Funnel(counts: Counts(), audienceSize: nil)
        #expect(empty.stages.allSatisfy { $0.percentOfAudience == nil })
        #expect(empty.largestDropOff == nil)
    }

    @Test("ties in drop-off go to the earlier stage; gains are not drops")
    func ties() {
        let f = Funnel(counts: Counts(sent: 100, delivered: 50, uniqueOpens: 0, uniqueClicks: 0), audienceSize: 150)
        #expect(f.largestDropOff?.from.stage == .audience)
        let grown = Funnel(counts: Counts(sent: 120, delivered: 120, uniqueOpens: 120, uniqueClicks: 120), audienceSize: 100)
        #expect(grown.dropOffs.first?.lost == 0)
        #expect(grown.largestDropOff == nil)
    }

    @Test("links sort by unique clicks, then clicks, then URL")
    func linkOrder() {
        let m = CampaignMetrics(counts: Counts(), audienceSize: nil, links: [
            LinkStat(url: "b", clicks: 5, uniqueClicks: 3), LinkStat(url: "a", clicks: 5, uniqueClicks: 3),
            LinkStat(url: "c", clicks: 9, uniqueClicks: 3), LinkStat(url: "d", clicks: 1, uniqueClicks: 4),
        ], source: .counts)
        #expect(m.links.map(\.url) == ["d", "c", "a", "b"])
    }
}
