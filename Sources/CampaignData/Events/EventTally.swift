import Glibc

// Stage "aggregate events", per part of a file: validates one row at a time
// and folds it into per-(campaign, recipient) states and per-campaign totals.

/// The known campaigns, shared read-only by every part.
final class EventContext: @unchecked Sendable {
    // @unchecked: immutable after init; `index` is only read.
    /// Campaign ids by index (sorted, so indexes are deterministic).
    let ids: [String]
    let sentAt: [Timestamp?]
    /// `sentAt` in epoch seconds, NaN when absent (read on every open and click).
    let starts: UnsafeMutablePointer<Double>
    let index: ByteKeyIndex

    init(campaigns: [String: Timestamp?]) {
        ids = campaigns.keys.sorted()
        sentAt = ids.map { campaigns[$0] ?? nil }
        var index = ByteKeyIndex(capacity: ids.count)
        for var id in ids {
            _ = id.withUTF8 { index.intern($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count, seed: 0) }
        }
        self.index = index
        starts = .allocate(capacity: max(1, ids.count))
        for (c, at) in sentAt.enumerated() { starts[c] = at?.epochSeconds ?? .nan }
    }

    deinit {
        index.release()
        starts.deallocate()
    }
}

/// Per-campaign figures that count events rather than recipients.
struct CampaignTally {
    var eventCount = 0
    var totalOpens = 0
    var totalClicks = 0
    var sentEvents = 0
    var deliveredEvents = 0
    /// Earliest sent or delivered event (the send start when there is no `sent_at`).
    var firstSend = Double.infinity
    var firstSendOffset = 0
    /// 2 × 168 hourly counts (opens, then clicks) when the campaign has a `sent_at`.
    var hourly: UnsafeMutablePointer<Int>?
}

/// Open and click times of a campaign without `sent_at`, kept until its start
/// (the earliest sent or delivered event) is known. This is the one place that
/// grows with events, and only for such campaigns: 8 bytes per open or click.
struct PendingTimes {
    var opens: [Double] = []
    var clicks: [Double] = []
}

/// Everything one part of the event files contributes.
///
/// `@unchecked Sendable`: a tally is filled by one thread; the final merge only
/// reads the tallies it shares between threads (see `RecipientTable`).
struct EventTally: @unchecked Sendable {
    let context: EventContext
    var recipients = RecipientTable()
    /// (campaign, url) → link index.
    var links = ByteKeyIndex()
    var linkClicks: [Int] = []
    var linkUniqueClicks: [Int] = []
    /// (link index, recipient index) pairs seen.
    var clickPairs = PairSet()
    /// User agent → class code, so each distinct agent is classified once.
    var agents = ByteKeyIndex()
    var agentCodes: [UInt8] = []
    let campaigns: UnsafeMutablePointer<CampaignTally>
    var pending: [Int: PendingTimes] = [:]

    private var lastCampaign = -1
    private var lastRecipient = -1
    private var lastLink = -1
    private var lastAgent = -1
    private var dateCache = DateCache()
    /// Where `prefetch` puts what it loads, so the loads are not optimised away.
    private(set) var prefetchSink: UInt64 = 0

    /// Distinct agents cached at most; beyond, agents are classified each time.
    private static let maxCachedAgents = 100_000

    init(context: EventContext) {
        self.context = context
        campaigns = .allocate(capacity: max(1, context.ids.count))
        campaigns.initialize(repeating: CampaignTally(), count: max(1, context.ids.count))
    }

    func release() {
        recipients.release()
        links.release()
        clickPairs.release()
        agents.release()
        for c in 0..<context.ids.count { campaigns[c].hourly?.deallocate() }
        campaigns.deallocate()
    }

    // MARK: - Ingest

    /// The campaign index of a campaign id, if known.
    @inline(__always)
    private mutating func campaignIndex(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        let last = lastCampaign
        if last >= 0, context.index.keyLength(last) == n, bytesEqual(context.index.keyPointer(last), p, n) { return last }
        guard let found = context.index.find(p, n, seed: 0) else { return nil }
        lastCampaign = found
        return found
    }

    /// Loads the hash-table slots a batch of rows will probe (then the states
    /// and keys they point at) before the rows are applied, so the cache misses
    /// of new recipients overlap instead of queueing one by one. For each row,
    /// stores its campaign index (-1: not resolved) and recipient hash for `ingest`.
    mutating func prefetch(_ batch: UnsafeMutablePointer<FieldSlice>, count: Int, buffer: UnsafeMutablePointer<UInt8>,
                           scratch: UnsafeMutablePointer<UInt8>, campaigns hints: UnsafeMutablePointer<Int>,
                           hashes: UnsafeMutablePointer<UInt64>) {
        var sink: UInt64 = 0
        for i in 0..<count {
            hints[i] = -1
            let r = RecordView(fields: batch + i * EventField.recordWidth, buffer: buffer, scratch: scratch)
            let cf = r[.campaignID], rf = r[.recipient]
            guard cf.present, cf.count > 0, rf.present, rf.count > 0, rf.count <= maxRecipientBytes,
                  let c = campaignIndex(r.pointer(cf), cf.count) else { continue }
            hints[i] = c
            hashes[i] = RecipientTable.hash(campaign: UInt32(c), r.pointer(rf), rf.count)
        }
        // A tight loop of independent loads: the misses overlap.
        for i in 0..<count where hints[i] >= 0 { sink &+= recipients.homeSlot(hashes[i]) }
        for i in 0..<count where hints[i] >= 0 {
            let s = recipients.homeSlot(hashes[i])
            if s != 0, s & RecipientTable.tagMask == hashes[i] & RecipientTable.tagMask {
                sink &+= recipients.entry(Int(s & 0xFFFF_FFFF) - 1).pointee.keyRef
            }
        }
        for i in 0..<count where hints[i] >= 0 {
            let s = recipients.homeSlot(hashes[i])
            if s != 0, s & RecipientTable.tagMask == hashes[i] & RecipientTable.tagMask {
                sink &+= UInt64(recipients.keyPointer(recipients.entry(Int(s & 0xFFFF_FFFF) - 1).pointee.keyRef).pointee)
            }
        }
        prefetchSink = sink
    }

    /// Validates the row completely, then applies it; a bad row changes nothing.
    /// `campaignHint` and `hash` come from `prefetch` (-1: compute here).
    @inline(__always)
    mutating func ingest(_ r: RecordView, campaignHint: Int = -1, hash: UInt64 = 0) throws(RowProblem) {
        // campaign_id
        let cf = r[.campaignID]
        let campaign: Int
        if campaignHint >= 0 {
            campaign = campaignHint
        } else {
            guard cf.present, cf.count > 0 else { throw Self.missing(.campaignID, cf) }
            guard let found = campaignIndex(r.pointer(cf), cf.count) else {
                throw RowProblem(field: .campaignID, message: "unknown campaign id \(quoted(r.text(cf))): expected \(EventField.campaignID.expected)")
            }
            campaign = found
        }
        // event
        let ef = r[.event]
        guard ef.present, ef.count > 0 else { throw Self.missing(.event, ef) }
        guard let kind = EventKind.parse(r.pointer(ef), ef.count) else {
            throw RowProblem(field: .event, message: "unknown event type \(quoted(r.text(ef))): expected one of \(EventKind.allowedList)")
        }
        // timestamp
        let tf = r[.timestamp]
        guard tf.present, tf.count > 0 else { throw Self.missing(.timestamp, tf) }
        guard let time = EventTimestamp.parse(r.pointer(tf), tf.count, cache: &dateCache) else {
            throw RowProblem(field: .timestamp, message: "bad timestamp \(quoted(r.text(tf))): expected \(EventField.timestamp.expected)")
        }
        // recipient
        let rf = r[.recipient]
        guard rf.present, rf.count > 0 else { throw Self.missing(.recipient, rf) }
        guard rf.count <= maxRecipientBytes else {
            throw RowProblem(field: .recipient, message: "recipient \(quoted(r.text(rf))) is \(rf.count) bytes long: expected at most \(maxRecipientBytes) bytes")
        }
        // machine
        var machine = false
        let mf = r[.machine]
        if mf.present, mf.count > 0 {
            let p = r.pointer(mf)
            if mf.count == 1, p[0] == UInt8(ascii: "1") { machine = true }
            else if mf.count == 1, p[0] == UInt8(ascii: "0") { machine = false }
            else if mf.count == 4, bytesEqual(p, ("true" as StaticString).utf8Start, 4) { machine = true }
            else if mf.count == 5, bytesEqual(p, ("false" as StaticString).utf8Start, 5) { machine = false }
            else { throw RowProblem(field: .machine, message: "bad machine value \(quoted(r.text(mf))): expected \(EventField.machine.expected)") }
        }
        // bounce_type, url
        var hard = true
        if kind == .bounce {
            let bf = r[.bounceType]
            if bf.present, bf.count > 0 {
                let p = r.pointer(bf)
                if bf.count == 4, bytesEqual(p, ("hard" as StaticString).utf8Start, 4) { hard = true }
                else if bf.count == 4, bytesEqual(p, ("soft" as StaticString).utf8Start, 4) { hard = false }
                else { throw RowProblem(field: .bounceType, message: "bad bounce_type \(quoted(r.text(bf))): expected \(EventField.bounceType.expected)") }
            }
        }
        if kind == .click {
            let uf = r[.url]
            guard uf.present, uf.count > 0 else {
                if !uf.present {
                    throw RowProblem(field: .event, message: "click event without a url: expected \(EventField.url.expected)")
                }
                throw Self.missing(.url, uf)
            }
        }

        // The row is valid: apply it.
        let c = campaign
        campaigns[c].eventCount += 1
        if kind == .deferred { return }
        let index = recipientIndex(campaign: UInt32(c), r.pointer(rf), rf.count, hash: campaignHint >= 0 ? hash : nil)
        let e = recipients.entry(index)
        let t = time.epochSeconds
        let flags = e.pointee.flags
        switch kind {
        case .sent:
            campaigns[c].sentEvents += 1
            noteSend(c, time)
            if flags & RecipientFlags.delivered == 0 {
                e.pointee.baseline = flags & RecipientFlags.sent == 0 ? t : min(e.pointee.baseline, t)
            }
            e.pointee.flags = flags | RecipientFlags.sent
        case .delivered:
            campaigns[c].deliveredEvents += 1
            noteSend(c, time)
            e.pointee.baseline = flags & RecipientFlags.delivered == 0 ? t : min(e.pointee.baseline, t)
            e.pointee.flags = flags | RecipientFlags.delivered
        case .bounce:
            e.pointee.flags = flags | RecipientFlags.bounced | (hard ? RecipientFlags.hardBounce : 0)
        case .open:
            campaigns[c].totalOpens += 1
            e.pointee.flags = flags | RecipientFlags.opened | (machine ? 0 : RecipientFlags.humanOpen)
            if flags & RecipientFlags.engaged == 0 || t < e.pointee.firstEngage {
                e.pointee.firstEngage = t
                e.pointee.agent = UInt8(agentCode(r) + 1)
            }
            countHour(c, t, click: false)
        case .click:
            campaigns[c].totalClicks += 1
            e.pointee.flags = flags | RecipientFlags.clicked
            if flags & RecipientFlags.engaged == 0 || t < e.pointee.firstEngage {
                e.pointee.firstEngage = t
                e.pointee.agent = UInt8(agentCode(r) + 1)
            }
            countHour(c, t, click: true)
            let uf = r[.url]
            let link = linkIndex(campaign: UInt32(c), r.pointer(uf), uf.count)
            linkClicks[link] += 1
            if clickPairs.insert(PairSet.key(link, index)) { linkUniqueClicks[link] += 1 }
        case .unsubscribe:
            e.pointee.flags = flags | RecipientFlags.unsubscribed
        case .complaint:
            e.pointee.flags = flags | RecipientFlags.complained
        case .dropped:
            e.pointee.flags = flags | RecipientFlags.dropped
        case .deferred:
            break
        }
    }

    private static func missing(_ field: EventField, _ slice: FieldSlice) -> RowProblem {
        RowProblem(field: field, message: slice.present
                   ? "\(field.name) is empty: expected \(field.expected)"
                   : "missing \(field.name): expected \(field.expected)")
    }

    @inline(__always)
    private mutating func recipientIndex(campaign: UInt32, _ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64?) -> Int {
        // Rows of one recipient often come together: check the last one first.
        if lastRecipient >= 0, recipients.matches(recipients.entry(lastRecipient), campaign: campaign, p, n) {
            return lastRecipient
        }
        let index = recipients.findOrInsert(campaign: campaign, p, n, hash: hash ?? RecipientTable.hash(campaign: campaign, p, n))
        lastRecipient = index
        return index
    }

    @inline(__always)
    private mutating func linkIndex(campaign: UInt32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        if lastLink >= 0, links.matches(lastLink, p, n, seed: campaign) { return lastLink }
        let link = links.intern(p, n, seed: campaign)
        if link == linkClicks.count {
            linkClicks.append(0)
            linkUniqueClicks.append(0)
        }
        lastLink = link
        return link
    }

    private mutating func agentCode(_ r: RecordView) -> Int {
        let af = r[.userAgent]
        guard af.present, af.count > 0 else { return UserAgentRules.unknownCode }
        let p = r.pointer(af)
        if lastAgent >= 0, agents.matches(lastAgent, p, af.count, seed: 0) { return Int(agentCodes[lastAgent]) }
        if let found = agents.find(p, af.count, seed: 0) {
            lastAgent = found
            return Int(agentCodes[found])
        }
        let code = UserAgentRules.code(for: UnsafeBufferPointer(start: p, count: af.count))
        if agents.count < Self.maxCachedAgents {
            lastAgent = agents.intern(p, af.count, seed: 0)
            agentCodes.append(UInt8(code))
        }
        return code
    }

    @inline(__always)
    private mutating func noteSend(_ c: Int, _ time: Timestamp) {
        if time.epochSeconds < campaigns[c].firstSend {
            campaigns[c].firstSend = time.epochSeconds
            campaigns[c].firstSendOffset = time.utcOffsetSeconds
        }
    }

    @inline(__always)
    private mutating func countHour(_ c: Int, _ t: Double, click: Bool) {
        let start = context.starts[c]
        if start.isNaN {
            if click { pending[c, default: PendingTimes()].clicks.append(t) }
            else { pending[c, default: PendingTimes()].opens.append(t) }
            return
        }
        guard let bucket = Self.hourBucket(t, start: start) else { return }
        if campaigns[c].hourly == nil {
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: 2 * EngagementTimeline.hours)
            counts.initialize(repeating: 0, count: 2 * EngagementTimeline.hours)
            campaigns[c].hourly = counts
        }
        campaigns[c].hourly![bucket + (click ? EngagementTimeline.hours : 0)] += 1
    }

    /// Hour `i` after `start` holds `start + i h ≤ t < start + (i + 1) h`; nil outside the first week.
    @inline(__always)
    static func hourBucket(_ t: Double, start: Double) -> Int? {
        let d = t - start
        guard d >= 0, d < Double(EngagementTimeline.hours * 3600) else { return nil }
        return min(Int(d / 3600), EngagementTimeline.hours - 1)
    }
}

/// Owns one tally's manually managed memory.
final class TallyBox: @unchecked Sendable {
    // @unchecked: a box is used by one thread at a time (one part, then the merge).
    var tally: EventTally

    init(context: EventContext) { tally = EventTally(context: context) }

    deinit { tally.release() }
}
