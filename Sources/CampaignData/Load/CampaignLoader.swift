#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stage "load": reads `campaigns.json` from a data folder into `Campaign`s,
/// rejecting anything DESIGN.md does not allow, with the file, line and column.
public enum CampaignLoader {
    /// The campaign file's name inside a data folder.
    public static let fileName = "campaigns.json"

    /// Reads and validates `DIR/campaigns.json`.
    public static func load(dataDirectory: String) throws(InputError) -> [Campaign] {
        var isDirectory = false
        guard fileExists(dataDirectory, isDirectory: &isDirectory) else {
            throw InputError(.missing, path: dataDirectory, "data folder does not exist; expected a folder holding \(fileName)")
        }
        guard isDirectory else {
            throw InputError(.missing, path: dataDirectory, "is a file; expected a data folder holding \(fileName)")
        }
        let path = joinPath(dataDirectory, fileName)
        guard let bytes = readFile(path) else {
            throw InputError(.missing, path: path, "file does not exist or cannot be read; expected the campaigns of the data folder")
        }
        return try parse(bytes: bytes, file: path)
    }

    /// Parses the text of a campaigns file; `file` names it in errors.
    ///
    /// Good input is read straight from the bytes (`CampaignByteReader`); anything else, and
    /// every error, goes through the JSON tree (`parseTree`), which words the errors.
    public static func parse(bytes: [UInt8], file: String) throws(InputError) -> [Campaign] {
        if let campaigns = bytes.withUnsafeBufferPointer({ CampaignByteReader.read($0, file: file) }) { return campaigns }
        return try parseTree(bytes: bytes, file: file)
    }

    /// Parses the text of a campaigns file through a JSON tree, reporting the first error in file order.
    static func parseTree(bytes: [UInt8], file: String) throws(InputError) -> [Campaign] {
        let root = try JSONParser.parse(bytes: bytes, file: file)
        let reader = FieldReader(file: file)
        let list: [JSONNode]
        switch root.value {
        case let .array(items):
            list = items
        case .object:
            guard let campaigns = root["campaigns"] else {
                throw reader.error(at: root, "object has no \"campaigns\" member; expected {\"campaigns\": [ … ]} or a top-level array")
            }
            guard case let .array(items) = campaigns.value else {
                throw reader.error(at: campaigns, "\"campaigns\" is \(campaigns.value.kindName); expected an array of campaign objects")
            }
            list = items
        default:
            throw reader.error(at: root, "top level is \(root.value.kindName); expected {\"campaigns\": [ … ]} or an array")
        }
        // Campaigns are read on every core; the first bad one in file order is reported.
        let read = parallelMap(list.count) { i -> Result<Campaign, InputError> in
            do throws(InputError) {
                var campaign = try reader.campaign(list[i])
                campaign.sourceDigest = bytes.withUnsafeBufferPointer { sourceDigest(UnsafeBufferPointer(rebasing: $0[list[i].span])) }
                return .success(campaign)
            } catch {
                return .failure(error)
            }
        }
        var seen: [String: SourceLocation] = [:]
        var campaigns: [Campaign] = []
        campaigns.reserveCapacity(list.count)
        for (node, result) in zip(list, read) {
            let campaign = try result.get()
            if let first = seen[campaign.id] {
                let idNode = node["id"] ?? node
                throw reader.error(at: idNode, "duplicate campaign id \(quoted(campaign.id)); first defined at line \(first.line); expected each id once")
            }
            seen[campaign.id] = campaign.location
            campaigns.append(campaign)
        }
        return campaigns
    }
}

// MARK: - Field reading

/// Reads typed fields out of JSON nodes, with errors that point at the value.
struct FieldReader {
    let file: String

    func location(_ node: JSONNode) -> SourceLocation {
        SourceLocation(file: file, line: node.position.line, column: node.position.column)
    }

    func error(at node: JSONNode, _ message: String) -> InputError {
        InputError(.invalid, at: location(node), message)
    }

    func describe(_ node: JSONNode) -> String { node.valueForMessage }

    func object(_ node: JSONNode, _ what: String) throws(InputError) -> [(key: String, keyPosition: JSONPosition, value: JSONNode)] {
        guard case let .object(members) = node.value else {
            throw error(at: node, "\(what) is \(describe(node)); expected an object")
        }
        // Objects here are small: comparing pairs is cheaper than hashing.
        for j in members.indices.dropFirst() where members[..<j].contains(where: { $0.key == members[j].key }) {
            let member = members[j]
            throw InputError(.invalid, at: SourceLocation(file: file, line: member.keyPosition.line, column: member.keyPosition.column),
                             "member \(quoted(member.key)) appears twice in \(what); expected it once")
        }
        return members
    }

    func string(_ node: JSONNode?, _ field: @autoclosure () -> String) throws(InputError) -> String? {
        guard let node else { return nil }
        switch node.value {
        case .null: return nil
        case let .string(s): return s
        default: throw error(at: node, "\(field()) is \(describe(node)); expected a string")
        }
    }

    func count(_ node: JSONNode?, _ field: @autoclosure () -> String) throws(InputError) -> Int? {
        guard let node else { return nil }
        switch node.value {
        case .null: return nil
        case let .number(value, text):
            // A whole number is written without a fraction or exponent ("5", not "5.0" or "5e0").
            let plain = !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
            guard value.isFinite, plain, value >= 0 else {
                throw error(at: node, "\(field()) is \(text); expected a whole number ≥ 0")
            }
            guard value < 1e15 else { throw error(at: node, "\(field()) is \(text); expected a whole number below 10^15") }
            return Int(value)
        default:
            throw error(at: node, "\(field()) is \(describe(node)); expected a whole number ≥ 0")
        }
    }

    func timestamp(_ node: JSONNode?, _ field: @autoclosure () -> String) throws(InputError) -> Timestamp? {
        guard let text = try string(node, field()), let node else { return nil }
        guard let value = Timestamp(parsing: text) else {
            throw error(at: node, "\(field()) is \(quoted(text)); expected an RFC 3339 time such as \"2026-06-01T09:00:00Z\"")
        }
        return value
    }

    func campaign(_ node: JSONNode) throws(InputError) -> Campaign {
        let members = try object(node, "campaign")
        func field(_ key: String) -> JSONNode? { members.first { $0.key == key }?.value }

        guard let idNode = field("id") else { throw error(at: node, "campaign has no \"id\"; expected a unique string id") }
        guard let id = try string(idNode, "id"), !id.trimmingWhitespace.isEmpty else {
            throw error(at: idNode, "id is \(describe(idNode)); expected a non-empty string")
        }
        guard let statusNode = field("status") else {
            throw error(at: node, "campaign \(quoted(id)) has no \"status\"; expected one of draft, scheduled, sending, sent")
        }
        let statusText = try string(statusNode, "status") ?? ""
        guard let status = CampaignStatus(rawValue: statusText) else {
            throw error(at: statusNode, "status is \(describe(statusNode)); expected one of draft, scheduled, sending, sent")
        }

        var campaign = Campaign(id: id, status: status, location: location(node))
        campaign.name = try string(field("name"), "name")
        campaign.subject = try string(field("subject"), "subject")
        campaign.preheader = try string(field("preheader"), "preheader")
        campaign.fromName = try string(field("from_name"), "from_name")
        campaign.fromEmail = try string(field("from_email"), "from_email")
        campaign.scheduledAt = try timestamp(field("scheduled_at"), "scheduled_at")
        campaign.sentAt = try timestamp(field("sent_at"), "sent_at")
        campaign.completedAt = try timestamp(field("completed_at"), "completed_at")

        if let audienceNode = field("audience"), audienceNode.value != .null {
            let audience = try object(audienceNode, "audience")
            let a = { (key: String) in audience.first { $0.key == key }?.value }
            campaign.audience = Audience(name: try string(a("name"), "audience.name"), size: try count(a("size"), "audience.size"))
        }
        if let tagsNode = field("tags"), tagsNode.value != .null {
            guard case let .array(items) = tagsNode.value else {
                throw error(at: tagsNode, "tags is \(describe(tagsNode)); expected an array of strings")
            }
            for item in items {
                guard case let .string(tag) = item.value else {
                    throw error(at: item, "tag is \(describe(item)); expected a string")
                }
                campaign.tags.append(tag)
            }
        }
        if let utmNode = field("utm"), utmNode.value != .null {
            let utm = try object(utmNode, "utm")
            let u = { (key: String) in utm.first { $0.key == key }?.value }
            for member in utm where !["source", "medium", "campaign", "term", "content"].contains(member.key) {
                throw InputError(.invalid, at: SourceLocation(file: file, line: member.keyPosition.line, column: member.keyPosition.column),
                                 "unknown utm field \(quoted(member.key)); expected source, medium, campaign, term or content")
            }
            campaign.utm = UTMParameters(source: try string(u("source"), "utm.source"), medium: try string(u("medium"), "utm.medium"),
                                         campaign: try string(u("campaign"), "utm.campaign"), term: try string(u("term"), "utm.term"),
                                         content: try string(u("content"), "utm.content"))
        }
        if let countsNode = field("counts"), countsNode.value != .null {
            campaign.counts = try counts(countsNode, id: id)
        }
        if let linksNode = field("links"), linksNode.value != .null {
            campaign.links = try links(linksNode)
        }
        return campaign
    }

    func counts(_ node: JSONNode, id: String) throws(InputError) -> Counts {
        let members = try object(node, "counts")
        for member in members where !Counts.fieldNames.contains(member.key) {
            throw InputError(.invalid, at: SourceLocation(file: file, line: member.keyPosition.line, column: member.keyPosition.column),
                             "unknown counts field \(quoted(member.key)); expected one of \(Counts.fieldNames.joined(separator: ", "))")
        }
        func value(_ key: String) throws(InputError) -> Int? {
            try count(members.first { $0.key == key }?.value, "counts.\(key)")
        }
        var c = Counts()
        c.sent = try value("sent") ?? 0
        c.delivered = try value("delivered") ?? 0
        c.bounced = try value("bounced") ?? 0
        c.hardBounced = try value("hard_bounced") ?? 0
        let soft = try value("soft_bounced")
        c.softBounced = soft ?? max(0, c.bounced - c.hardBounced)
        c.uniqueOpens = try value("unique_opens") ?? 0
        // An absent total is taken as the unique figure (each counted recipient did it at least once).
        c.totalOpens = try value("total_opens") ?? c.uniqueOpens
        c.humanUniqueOpens = try value("human_unique_opens")
        c.uniqueClicks = try value("unique_clicks") ?? 0
        c.totalClicks = try value("total_clicks") ?? c.uniqueClicks
        c.unsubscribed = try value("unsubscribed") ?? 0
        c.complaints = try value("complaints") ?? 0
        c.dropped = try value("dropped") ?? 0

        // Relations that hold by definition; anything else is a data error.
        func member(_ key: String) -> JSONNode { members.first { $0.key == key }?.value ?? node }
        func require(_ holds: Bool, _ key: String, _ message: @autoclosure () -> String) throws(InputError) {
            if !holds { throw error(at: member(key), "campaign \(quoted(id)): \(message())") }
        }
        try require(c.delivered <= c.sent,
                    "delivered", "delivered (\(c.delivered)) is above sent (\(c.sent)); expected delivered ≤ sent")
        try require(c.bounced <= c.sent, "bounced", "bounced (\(c.bounced)) is above sent (\(c.sent)); expected bounced ≤ sent")
        try require(c.hardBounced <= c.bounced, "hard_bounced", "hard_bounced (\(c.hardBounced)) is above bounced (\(c.bounced)); expected hard_bounced ≤ bounced")
        try require(c.hardBounced + c.softBounced == c.bounced || soft == nil, "soft_bounced",
                    "hard_bounced (\(c.hardBounced)) + soft_bounced (\(c.softBounced)) is not bounced (\(c.bounced)); expected them to add up")
        try require(c.uniqueClicks <= c.totalClicks, "unique_clicks",
                    "unique_clicks (\(c.uniqueClicks)) is above total_clicks (\(c.totalClicks)); expected unique ≤ total")
        try require((c.humanUniqueOpens ?? 0) <= c.uniqueOpens, "human_unique_opens",
                    "human_unique_opens (\(c.humanUniqueOpens ?? 0)) is above unique_opens (\(c.uniqueOpens)); expected human ≤ all opens")
        return c
    }

    func links(_ node: JSONNode) throws(InputError) -> [LinkStat] {
        guard case let .array(items) = node.value else {
            throw error(at: node, "links is \(describe(node)); expected an array of {url, clicks, unique_clicks}")
        }
        var result: [LinkStat] = []
        for item in items {
            let members = try object(item, "link")
            let f = { (key: String) in members.first { $0.key == key }?.value }
            guard let url = try string(f("url"), "url"), !url.isEmpty else {
                throw error(at: f("url") ?? item, "link has no url; expected a non-empty string")
            }
            let clicks = try count(f("clicks"), "clicks") ?? 0
            let unique = try count(f("unique_clicks"), "unique_clicks") ?? 0
            if unique > clicks, f("clicks") != nil {
                throw error(at: f("unique_clicks") ?? item, "link \(quoted(url)): unique_clicks (\(unique)) is above clicks (\(clicks)); expected unique ≤ total")
            }
            result.append(LinkStat(url: url, clicks: max(clicks, unique), uniqueClicks: unique))
        }
        return result
    }
}

extension String {
    var trimmingWhitespace: Substring {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}

// MARK: - Files

/// Joins a folder and a name with one slash.
public func joinPath(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
}

/// Whether a path exists, and whether it is a folder.
public func fileExists(_ path: String, isDirectory: inout Bool) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
    return true
}

/// The bytes of a file, or nil if it cannot be read.
public func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    // A regular file's expected size is read in one go into storage of that size (a large one in
    // two halves side by side); then, should it have grown, on to its end.
    var info = stat()
    let expected = fstat(fileno(file), &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? max(0, Int(info.st_size)) : 0
    if expected >= parallelReadBytes, let whole = readInParts(fileno(file), count: expected) {
        var result = whole
        guard fseek(file, expected, SEEK_SET) == 0, readToEnd(file, appendingTo: &result) else { return nil }
        return result
    }
    var failed = false
    var result = [UInt8](unsafeUninitializedCapacity: expected + 1) { buffer, initialized in
        initialized = fread(buffer.baseAddress, 1, buffer.count, file)
        failed = initialized < buffer.count && ferror(file) != 0
    }
    if failed { return nil }
    if result.count <= expected { return result }
    return readToEnd(file, appendingTo: &result) ? result : nil
}

/// Files this large are read in parts side by side.
let parallelReadBytes = 4 << 20

/// The first `count` bytes of a file, read in parts at once (a few a core, each at least 1 MB);
/// nil if any part comes up short.
func readInParts(_ descriptor: Int32, count: Int) -> [UInt8]? {
    var complete = false
    let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        let out = UncheckedBuffer(buffer)
        let parts = max(1, min(4 * activeProcessorCount, count >> 20))
        let done = parallelMap(parts, grain: 1) { part -> Bool in
            guard let base = out.buffer.baseAddress else { return false }
            var offset = count / parts * part
            let end = part == parts - 1 ? count : count / parts * (part + 1)
            populate(UnsafeMutableRawPointer(base + offset), end - offset)
            while offset < end {
                let n = pread(descriptor, base + offset, end - offset, off_t(offset))
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        complete = done.allSatisfy { $0 }
        initialized = complete ? count : 0
    }
    return complete ? bytes : nil
}

/// Asks the kernel to provide the pages of fresh memory about to be written in one go rather than
/// one fault at a time (Linux's MADV_POPULATE_WRITE; elsewhere, or where unknown, nothing happens).
func populate(_ start: UnsafeMutableRawPointer, _ count: Int) {
    #if os(Linux)
    let page = 4096
    let first = (Int(bitPattern: start) + page - 1) & ~(page - 1)
    let end = (Int(bitPattern: start) + count) & ~(page - 1)
    guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
    let populateWrite: Int32 = 23
    _ = madvise(aligned, end - first, populateWrite)
    #endif
}

/// Reads the rest of `file` onto `result`; false on a read error.
func readToEnd(_ file: UnsafeMutablePointer<FILE>, appendingTo result: inout [UInt8]) -> Bool {
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n > 0 { result.append(contentsOf: buffer[0..<n]) }
        if n < buffer.count { return ferror(file) == 0 }
    }
}
