/// The email client, device type and platform a user agent suggests.
///
/// Heuristics, not truth: mail clients rarely announce themselves, and image
/// proxies (Gmail, Yahoo) hide the reader's device. The rules are the tables
/// in `UserAgentRules`, first match wins.
public struct UserAgentClass: Sendable, Equatable {
    public var client: String
    public var device: String
    public var platform: String

    public init(client: String, device: String, platform: String) {
        self.client = client
        self.device = device
        self.platform = platform
    }
}

/// Classifies a user agent with the documented heuristics (`UserAgentRules`).
/// A missing or blank agent is "Unknown" on all three axes; an agent no rule
/// recognises is client "Other".
public func classifyUserAgent(_ ua: String?) -> UserAgentClass {
    guard var text = ua else { return UserAgentRules.decode(UserAgentRules.unknownCode) }
    let code = text.withUTF8 { UserAgentRules.code(for: $0) }
    return UserAgentRules.decode(code)
}

/// One heuristic: the agent contains one of `anyOf` and none of `noneOf`
/// (case-sensitive, as agents spell their tokens).
struct UserAgentRule: Sendable {
    var anyOf: [String]
    var noneOf: [String]
    var value: Int
}

/// The user-agent heuristics, as tables. Order matters: the first matching row wins.
enum UserAgentRules {
    static let clients = ["Apple Mail", "Gmail", "Outlook", "Yahoo Mail", "Thunderbird", "Other", "Unknown"]
    static let devices = ["Desktop", "Mobile", "Tablet", "Unknown"]
    static let platforms = ["iOS", "Android", "macOS", "Windows", "Linux", "Unknown"]

    private static let proxies = ["GoogleImageProxy", "YahooMailProxy"]
    private static let browsers = ["Safari", "Chrome", "CriOS", "Firefox", "FxiOS", "Edg/", "OPR/"]

    /// Client rules; no match: "Other".
    static let clientRules: [UserAgentRule] = [
        UserAgentRule(anyOf: ["Thunderbird"], noneOf: [], value: 4),
        UserAgentRule(anyOf: ["Outlook", "Microsoft Office", "MSOffice", "ms-office"], noneOf: [], value: 2),
        UserAgentRule(anyOf: ["YahooMailProxy", "Yahoo"], noneOf: [], value: 3),
        UserAgentRule(anyOf: ["GoogleImageProxy", "Gmail", "ggpht.com"], noneOf: [], value: 1),
        // Apple's Mail app sends a WebKit agent without a browser token.
        UserAgentRule(anyOf: ["iPhone", "iPad", "iPod", "Macintosh", "Mac OS X", "AppleMail"], noneOf: browsers, value: 0),
    ]

    /// Device rules; no match: "Unknown".
    static let deviceRules: [UserAgentRule] = [
        UserAgentRule(anyOf: proxies, noneOf: [], value: 3),
        UserAgentRule(anyOf: ["iPad", "Tablet", "Kindle", "Silk/"], noneOf: [], value: 2),
        // Android phones say "Mobile"; Android without it is a tablet (Google's own advice).
        UserAgentRule(anyOf: ["Android"], noneOf: ["Mobile"], value: 2),
        UserAgentRule(anyOf: ["iPhone", "iPod", "Mobile", "Android", "Windows Phone", "BlackBerry"], noneOf: [], value: 1),
        UserAgentRule(anyOf: ["Windows", "Macintosh", "Mac OS X", "X11", "Linux", "CrOS", "Thunderbird", "Outlook", "Microsoft Office",
                              "MSOffice", "ms-office"], noneOf: [], value: 0),
    ]

    /// Platform rules; no match: "Unknown".
    static let platformRules: [UserAgentRule] = [
        UserAgentRule(anyOf: proxies, noneOf: [], value: 5),
        UserAgentRule(anyOf: ["iPhone", "iPad", "iPod", "iOS"], noneOf: [], value: 0),
        UserAgentRule(anyOf: ["Android"], noneOf: [], value: 1),
        UserAgentRule(anyOf: ["Macintosh", "Mac OS X"], noneOf: [], value: 2),
        UserAgentRule(anyOf: ["Windows"], noneOf: [], value: 3),
        UserAgentRule(anyOf: ["Linux", "X11", "CrOS", "Ubuntu"], noneOf: [], value: 4),
    ]

    static let unknownCode = encode(client: 6, device: 3, platform: 5)

    @inline(__always)
    static func encode(client: Int, device: Int, platform: Int) -> Int { client * 24 + device * 6 + platform }

    static func split(_ code: Int) -> (client: Int, device: Int, platform: Int) { (code / 24, code / 6 % 4, code % 6) }

    static func decode(_ code: Int) -> UserAgentClass {
        let (c, d, p) = split(code)
        return UserAgentClass(client: clients[c], device: devices[d], platform: platforms[p])
    }

    /// The class code of an agent given as UTF-8 bytes (no allocation per token).
    static func code(for agent: UnsafeBufferPointer<UInt8>) -> Int {
        var start = 0, end = agent.count
        while start < end, agent[start] == 0x20 || agent[start] == 0x09 { start += 1 }
        while end > start, agent[end - 1] == 0x20 || agent[end - 1] == 0x09 { end -= 1 }
        if start == end { return unknownCode }
        let text = UnsafeBufferPointer(rebasing: agent[start..<end])
        func first(_ rules: [UserAgentRule], otherwise: Int) -> Int {
            for rule in rules where rule.anyOf.contains(where: { contains(text, $0) })
                && !rule.noneOf.contains(where: { contains(text, $0) }) {
                return rule.value
            }
            return otherwise
        }
        return encode(client: first(clientRules, otherwise: 5), device: first(deviceRules, otherwise: 3),
                      platform: first(platformRules, otherwise: 5))
    }

    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: String) -> Bool {
        var needle = needle
        return needle.withUTF8 { n in
            guard n.count <= haystack.count, let first = n.first else { return n.isEmpty }
            var i = 0
            let last = haystack.count - n.count
            while i <= last {
                if haystack[i] == first {
                    var j = 1
                    while j < n.count, haystack[i + j] == n[j] { j += 1 }
                    if j == n.count { return true }
                }
                i += 1
            }
            return false
        }
    }
}
