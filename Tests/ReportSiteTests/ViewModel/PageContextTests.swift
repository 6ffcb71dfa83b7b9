import CampaignData
import Mustache
import Testing
@testable import ReportSite

@Suite("campaign page context")
struct PageContextTests {
    @Test("a link's short URL read by bytes agrees with the reading by characters", arguments: [
        "https://example.com/spring?utm_source=mail", "HTTP://Example.com/a#top", "https://http://x.io/p", "http://",
        "https://?q=1", "example.com/plain", "mailto:a@b.c", "", "?only", "HtTpS://x/y?z#w", "https:/x",
    ])
    func shortURL(url: String) {
        #expect(PageContext.shortURL(url) == PageContext.shortURLCharacters(url))
    }

    @Test("a funnel's figure texts are the ones its stages format")
    func funnelTexts() {
        let funnel = Funnel(counts: Counts(sent: 1200, delivered: 1150, uniqueOpens: 0, uniqueClicks: 0), audienceSize: 1500)
        var figures = FigureTexts()
        let texts = FunnelChart(funnel: funnel).stageTexts(&figures)
        #expect(texts.counts == funnel.stages.map { Format.count($0.count) })
        #expect(texts.percents == funnel.stages.map { $0.percentOfAudience.map(Format.percentValue) })
        #expect(texts.drops.map(\.lost) == funnel.dropOffs.map { Format.count($0.lost) })
        #expect(texts.drops.map(\.percent) == funnel.dropOffs.map { $0.lostFraction.map { Format.percent($0) } })
        #expect(texts.largestDrop == 3)
        let empty = FunnelChart(funnel: Funnel(counts: Counts(), audienceSize: nil)).stageTexts(&figures)
        #expect(empty.largestDrop == nil)
        #expect(empty.drops.allSatisfy { $0.percent == nil })
    }

    @Test("a page's figure texts are Format's, the first time and again")
    func figureTexts() {
        var figures = FigureTexts()
        for value in [0, 1_234, 999, 1_234, -4_200, 0] { #expect(figures.count(value) == Format.count(value)) }
        for fraction in [0.2345, nil, 0.0082, 0.2345, -0.0, 0.0, nil, .nan, .nan] as [Double?] {
            #expect(figures.percent(fraction) == Format.percent(fraction))
        }
    }
}
