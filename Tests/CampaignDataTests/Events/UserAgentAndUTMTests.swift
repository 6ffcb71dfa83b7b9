import Testing
@testable import CampaignData

@Suite("User agents")
struct UserAgentTests {
    static let table: [(String?, String, String, String)] = [
        (nil, "Unknown", "Unknown", "Unknown"),
        ("", "Unknown", "Unknown", "Unknown"),
        ("   ", "Unknown", "Unknown", "Unknown"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)", "Apple Mail", "Mobile", "iOS"),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", "Apple Mail", "Tablet", "iOS"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)", "Apple Mail", "Desktop", "macOS"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
         "Other", "Desktop", "macOS"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0 Mobile/15E148 Safari/604.1",
         "Other", "Mobile", "iOS"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Other", "Desktop", "Windows"),
        ("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)", "Outlook", "Desktop", "Windows"),
        ("Mozilla/4.0 (compatible; ms-office; MSOffice 16)", "Outlook", "Desktop", "Unknown"),
        ("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", "Gmail", "Unknown", "Unknown"),
        ("YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", "Yahoo Mail", "Unknown", "Unknown"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.3.1", "Thunderbird", "Desktop", "Linux"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:115.0) Gecko/20100101 Thunderbird/115.0", "Thunderbird", "Desktop", "macOS"),
        ("Mozilla/5.0 (Linux; Android 14)", "Other", "Tablet", "Android"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
         "Other", "Mobile", "Android"),
        ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0)", "Other", "Desktop", "Linux"),
        ("curl/8.4.0", "Other", "Unknown", "Unknown"),
    ]

    @Test("classification table", arguments: table)
    func classify(_ agent: String?, _ client: String, _ device: String, _ platform: String) {
        #expect(classifyUserAgent(agent) == UserAgentClass(client: client, device: device, platform: platform))
    }

    @Test("every class code decodes to the names it encodes")
    func codes() {
        for c in UserAgentRules.clients.indices {
            for d in UserAgentRules.devices.indices {
                for p in UserAgentRules.platforms.indices {
                    let code = UserAgentRules.encode(client: c, device: d, platform: p)
                    #expect(code < 255)
                    #expect(UserAgentRules.split(code) == (c, d, p))
                }
            }
        }
    }
}

@Suite("UTM parameters")
struct UTMParsingTests {
    @Test("all five, percent-decoded, + as space")
    func allFive() {
        let utm = utmParameters(of: "https://x.com/p?utm_source=news%20letter&utm_medium=email&utm_campaign=spring+sale&utm_term=shoes%2Fred&utm_content=hero#top")
        #expect(utm == UTMParameters(source: "news letter", medium: "email", campaign: "spring sale", term: "shoes/red", content: "hero"))
    }

    @Test("none, empty, repeated, fragment-only and malformed escapes", arguments: [
        ("https://x.com/p", UTMParameters()),
        ("https://x.com/p?", UTMParameters()),
        ("https://x.com/p?a=1&utm_source=&utm_medium", UTMParameters()),
        ("https://x.com/p#utm_source=x", UTMParameters()),
        ("https://x.com/p?utm_source=a&utm_source=b", UTMParameters(source: "a")),
        ("https://x.com/p?UTM_SOURCE=a&utm_medium=100%&utm_term=%zz", UTMParameters(medium: "100%", term: "%zz")),
        ("https://x.com/p?utm_campaign=caf%C3%A9&&x", UTMParameters(campaign: "café")),
        ("https://x.com/p?utm%5Fsource=encoded-name", UTMParameters(source: "encoded-name")),
    ])
    func edgeCases(_ url: String, _ expected: UTMParameters) {
        #expect(utmParameters(of: url) == expected)
    }
}
