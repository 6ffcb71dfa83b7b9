import Dispatch
import Foundation

// Stage "aggregate events", final step: merges the tables of parallel parts
// and turns recipient states into the exact figures of DESIGN.md.

enum EventTallyMerge {
    /// Folds recipient state `b` into `a` (the same recipient, `a` earlier in file order).
    @inline(__always)
    static func mergeState(into a: UnsafeMutablePointer<RecipientState>, from b: UnsafeMutablePointer<RecipientState>) {
        let fa = a.pointee.flags, fb = b.pointee.flags & ~RecipientFlags.merged
        // Baseline: earliest delivered time, else earliest sent time.
        if fb & RecipientFlags.delivered != 0 {
            a.pointee.baseline = fa & RecipientFlags.delivered != 0 ? min(a.pointee.baseline, b.pointee.baseline) : b.pointee.baseline
        } else if fb & RecipientFlags.sent != 0, fa & RecipientFlags.delivered == 0 {
            a.pointee.baseline = fa & RecipientFlags.sent != 0 ? min(a.pointee.baseline, b.pointee.baseline) : b.pointee.baseline
        }
        // First open or click: on a tie the earlier row (a) wins, as in a sequential read.
        if fb & RecipientFlags.engaged != 0, fa & RecipientFlags.engaged == 0 || b.pointee.firstEngage < a.pointee.firstEngage {
            a.pointee.firstEngage = b.pointee.firstEngage
            a.pointee.agent = b.pointee.agent
        }
        a.pointee.flags = fa | fb
    }

    /// Adds campaign `c`'s event-level figures of `b` to `a` (`a` earlier in file order).
    static func mergeCampaign(_ a: inout CampaignTally, _ b: CampaignTally) {
        a.eventCount += b.eventCount
        a.totalOpens += b.totalOpens
        a.totalClicks += b.totalClicks
        a.sentEvents += b.sentEvents
        a.deliveredEvents += b.deliveredEvents
        if b.firstSend < a.firstSend {
            a.firstSend = b.firstSend
            a.firstSendOffset = b.firstSendOffset
        }
        if let hb = b.hourly {
            if a.hourly == nil {
                let counts = UnsafeMutablePointer<Int>.allocate(capacity: 2 * EngagementTimeline.hours)
                counts.initialize(repeating: 0, count: 2 * EngagementTimeline.hours)
                a.hourly = counts
            }
            for i in 0..<2 * EngagementTimeline.hours { a.hourly![i] += hb[i] }
        }
    }

    // MARK: - Finish

    /// The figures of every campaign with events. `tables[0]` holds the earliest rows;
    /// each later table holds a later part of the last file.
    static func finish(tables boxes: [TallyBox], context: EventContext) -> [String: CampaignEvents] {
        let tables = boxes.map(\.tally)
        let merged = mergeRecipients(tables)
        let links = mergeLinks(tables, merged: merged)

        // Event-level figures per campaign.
        let campaignCount = context.ids.count
        var campaigns = [CampaignTally](repeating: CampaignTally(), count: campaignCount)
        var pending: [Int: PendingTimes] = [:]
        for t in tables {
            for c in 0..<campaignCount where t.campaigns[c].eventCount > 0 { mergeCampaign(&campaigns[c], t.campaigns[c]) }
            for (c, times) in t.pending {
                pending[c, default: PendingTimes()].opens += times.opens
                pending[c, default: PendingTimes()].clicks += times.clicks
            }
        }
        defer { for c in 0..<campaignCount { campaigns[c].hourly?.deallocate() } }

        // Recipient-level figures: one pass over each table's states, tables in parallel.
        let totals = (0..<tables.count).map { _ in RecipientTotals(campaignCount: campaignCount) }
        DispatchQueue.concurrentPerform(iterations: tables.count) { k in
            totals[k].count(tables[k].recipients)
        }
        for k in 1..<max(1, totals.count) { totals[0].add(totals[k]) }
        let sum = totals[0]

        var result: [String: CampaignEvents] = [:]
        for c in 0..<campaignCount where campaigns[c].eventCount > 0 {
            let tally = campaigns[c]
            let r = sum.row(c)
            var counts = Counts()
            counts.sent = tally.sentEvents > 0 ? r[Totals.sent] : r[Totals.deliveredOrBounced]
            counts.bounced = r[Totals.bouncedNotDelivered]
            counts.hardBounced = r[Totals.hardNotDelivered]
            counts.softBounced = counts.bounced - counts.hardBounced
            // Without delivered events: sent − bounced, never below zero.
            counts.delivered = tally.deliveredEvents > 0 ? r[Totals.delivered] : max(0, counts.sent - counts.bounced)
            counts.uniqueOpens = r[Totals.opened]
            counts.totalOpens = tally.totalOpens
            counts.humanUniqueOpens = r[Totals.human]
            counts.uniqueClicks = r[Totals.clicked]
            counts.totalClicks = tally.totalClicks
            counts.unsubscribed = r[Totals.unsubscribed]
            counts.complaints = r[Totals.complained]
            counts.dropped = r[Totals.dropped]

            var diffs = sum.diffs[c]
            result[context.ids[c]] = CampaignEvents(
                counts: counts,
                links: links[c] ?? [],
                timeline: timeline(c, tally, pending[c], context),
                medianSecondsToFirstOpen: median(&diffs),
                clients: breakdown(r),
                clickersWithoutOpen: r[Totals.clickedNotOpened],
                eventCount: tally.eventCount)
        }
        return result
    }

    /// Merges each later table's states into the earliest table holding the same
    /// recipient, and marks them merged (pointing at where they went). Both
    /// tables' slots are in hash order, so sweeping the later table's slots in
    /// order probes the earlier one almost sequentially. Returns, per table, the
    /// indexes of its merged states (few: recipients whose rows straddle a cut).
    private static func mergeRecipients(_ tables: [EventTally]) -> [Set<Int>] {
        var merged = [Set<Int>](repeating: [], count: tables.count)
        guard tables.count > 1 else { return merged }
        let chunks = max(1, ProcessInfo.processInfo.activeProcessorCount) * 4
        // @unchecked: each chunk writes only its own element.
        struct ChunkResults: @unchecked Sendable { let found: UnsafeMutablePointer<[Int]> }
        let results = ChunkResults(found: .allocate(capacity: chunks))
        let found = results.found
        defer { found.deallocate() }
        for k in 1..<tables.count {
            let later = tables[k].recipients
            let earlier = tables[0..<k].map(\.recipients)
            let n = later.slotCount
            found.initialize(repeating: [], count: chunks)
            // Distinct states of `later` merge into distinct targets, so chunks never touch the same
            // state; each chunk writes only its own element of `found`.
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for slot in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) {
                    let s = later.slots[slot]
                    if s == 0 { continue }
                    for j in 0..<k {
                        if let target = earlier[j].indexMatching(slot: s, of: later) {
                            let index = Int(s & 0xFFFF_FFFF) - 1
                            let e = later.entry(index)
                            mergeState(into: earlier[j].entry(target), from: e)
                            e.pointee.flags |= RecipientFlags.merged
                            e.pointee.firstEngage = Double(bitPattern: RecipientRef(table: j, index: target).bits)
                            results.found[chunk].append(index)
                            break
                        }
                    }
                }
            }
            for chunk in 0..<chunks { merged[k].formUnion(found[chunk]) }
            found.deinitialize(count: chunks)
        }
        return merged
    }

    private struct MergedClick: Hashable {
        var link: Int
        var recipient: UInt64
    }

    /// Clicks and unique clicks per (campaign, url), sorted for display, by campaign index.
    private static func mergeLinks(_ tables: [EventTally], merged: [Set<Int>]) -> [Int: [LinkStat]] {
        var global = ByteKeyIndex()
        defer { global.release() }
        var clicks: [Int] = []
        var unique: [Int] = []
        var remaps: [[Int]] = []
        for t in tables {
            var remap: [Int] = []
            remap.reserveCapacity(t.links.count)
            for l in 0..<t.links.count {
                let g = global.intern(t.links.keyPointer(l), t.links.keyLength(l), seed: t.links.seed(l))
                if g == clicks.count { clicks.append(0); unique.append(0) }
                clicks[g] += t.linkClicks[l]
                remap.append(g)
            }
            remaps.append(remap)
        }
        // A (link, recipient) pair whose recipient state is not merged is unique across
        // tables; a merged one counts only if its canonical pair was not seen in the
        // target table or before.
        var localLink: [[Int]] = []
        if merged.contains(where: { !$0.isEmpty }) {
            localLink = [[Int]](repeating: [Int](repeating: -1, count: clicks.count), count: tables.count)
            for (k, remap) in remaps.enumerated() { for (l, g) in remap.enumerated() { localLink[k][g] = l } }
        }
        var seen = Set<MergedClick>()
        for (k, t) in tables.enumerated() {
            if merged[k].isEmpty {
                for (l, g) in remaps[k].enumerated() { unique[g] += t.linkUniqueClicks[l] }
            } else {
                t.clickPairs.forEach { key in
                    let g = remaps[k][Int(key >> 32)]
                    let index = Int(key & 0xFFFF_FFFF)
                    guard merged[k].contains(index) else {
                        unique[g] += 1
                        return
                    }
                    let e = t.recipients.entry(index)
                    let ref = RecipientRef(bits: e.pointee.firstEngage.bitPattern)
                    let l = localLink[ref.table][g]
                    if l >= 0, tables[ref.table].clickPairs.contains(PairSet.key(l, ref.index)) { return }
                    if seen.insert(MergedClick(link: g, recipient: ref.bits)).inserted { unique[g] += 1 }
                }
            }
        }
        var byCampaign: [Int: [LinkStat]] = [:]
        for g in 0..<global.count {
            byCampaign[Int(global.seed(g)), default: []].append(LinkStat(url: global.key(g), clicks: clicks[g], uniqueClicks: unique[g]))
        }
        for (c, stats) in byCampaign {
            byCampaign[c] = stats.sorted {
                ($0.uniqueClicks, $0.clicks) != ($1.uniqueClicks, $1.clicks)
                    ? ($0.uniqueClicks, $0.clicks) > ($1.uniqueClicks, $1.clicks)
                    : $0.url.utf8.lexicographicallyPrecedes($1.url.utf8)
            }
        }
        return byCampaign
    }

    private static func timeline(_ c: Int, _ tally: CampaignTally, _ pending: PendingTimes?, _ context: EventContext) -> EngagementTimeline? {
        let hours = EngagementTimeline.hours
        if let start = context.sentAt[c] {
            var opens = [Int](repeating: 0, count: hours), clicks = opens
            if let hourly = tally.hourly {
                for i in 0..<hours {
                    opens[i] = hourly[i]
                    clicks[i] = hourly[hours + i]
                }
            }
            return EngagementTimeline(start: start, hourlyOpens: opens, hourlyClicks: clicks)
        }
        guard tally.firstSend.isFinite else { return nil }
        let start = Timestamp(epochSeconds: tally.firstSend, utcOffsetSeconds: tally.firstSendOffset)
        var opens = [Int](repeating: 0, count: hours), clicks = opens
        for t in pending?.opens ?? [] { if let b = EventTally.hourBucket(t, start: tally.firstSend) { opens[b] += 1 } }
        for t in pending?.clicks ?? [] { if let b = EventTally.hourBucket(t, start: tally.firstSend) { clicks[b] += 1 } }
        return EngagementTimeline(start: start, hourlyOpens: opens, hourlyClicks: clicks)
    }

    private static func breakdown(_ r: UnsafeMutablePointer<Int>) -> ClientBreakdown {
        func shares(_ names: [String], from offset: Int) -> [ClientBreakdown.Share] {
            names.indices.compactMap { i in r[offset + i] > 0 ? ClientBreakdown.Share(name: names[i], recipients: r[offset + i]) : nil }
                .sorted { $0.recipients != $1.recipients ? $0.recipients > $1.recipients : $0.name < $1.name }
        }
        return ClientBreakdown(clients: shares(UserAgentRules.clients, from: Totals.clients),
                               devices: shares(UserAgentRules.devices, from: Totals.devices),
                               platforms: shares(UserAgentRules.platforms, from: Totals.platforms))
    }

    /// The median (mean of the two middle values for an even count), by selection; reorders `values`.
    static func median(_ values: inout [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let n = values.count
        return values.withUnsafeMutableBufferPointer { v -> Double in
            let upper = select(v, n / 2)
            if n % 2 == 1 { return upper }
            // After selection everything before n/2 is ≤ upper: the lower middle is their maximum.
            var lower = v[0]
            for i in 1..<(n / 2) where v[i] > lower { lower = v[i] }
            return (lower + upper) / 2
        }
    }

    /// The k-th smallest value (0-based), partially ordering `v` around it (Hoare-style quickselect).
    private static func select(_ v: UnsafeMutableBufferPointer<Double>, _ k: Int) -> Double {
        var lo = 0, hi = v.count - 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            // Median of three as the pivot.
            let a = v[lo], b = v[mid], c = v[hi]
            let pivot = max(min(a, b), min(max(a, b), c))
            var i = lo, j = hi
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j {
                    v.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return v[k] }
        }
        return v[k]
    }
}

/// Column offsets of the per-campaign recipient counters.
enum Totals {
    static let sent = 0, delivered = 1, deliveredOrBounced = 2, bouncedNotDelivered = 3, hardNotDelivered = 4
    static let opened = 5, human = 6, clicked = 7, unsubscribed = 8, complained = 9, dropped = 10, clickedNotOpened = 11
    static let clients = 12
    static let devices = clients + UserAgentRules.clients.count
    static let platforms = devices + UserAgentRules.devices.count
    static let width = platforms + UserAgentRules.platforms.count
}

/// Per-campaign recipient counters of one table, and the open delays for the median.
final class RecipientTotals: @unchecked Sendable {
    // @unchecked: each instance is filled by one thread, then read after the join.
    let rows: UnsafeMutablePointer<Int>
    var diffs: [[Double]]
    private let campaignCount: Int

    init(campaignCount: Int) {
        self.campaignCount = campaignCount
        rows = .allocate(capacity: max(1, campaignCount * Totals.width))
        rows.initialize(repeating: 0, count: max(1, campaignCount * Totals.width))
        diffs = Array(repeating: [], count: campaignCount)
    }

    deinit { rows.deallocate() }

    func row(_ c: Int) -> UnsafeMutablePointer<Int> { rows + c * Totals.width }

    func count(_ table: RecipientTable) {
        for i in 0..<table.count {
            let e = table.entry(i)
            let f = e.pointee.flags
            if f & RecipientFlags.merged != 0 { continue }
            let c = Int(e.pointee.campaign)
            let r = row(c)
            if f & RecipientFlags.sent != 0 { r[Totals.sent] += 1 }
            if f & (RecipientFlags.delivered | RecipientFlags.bounced) != 0 { r[Totals.deliveredOrBounced] += 1 }
            if f & RecipientFlags.delivered != 0 {
                r[Totals.delivered] += 1
            } else if f & RecipientFlags.bounced != 0 {
                r[Totals.bouncedNotDelivered] += 1
                if f & RecipientFlags.hardBounce != 0 { r[Totals.hardNotDelivered] += 1 }
            }
            if f & RecipientFlags.engaged != 0 {
                r[Totals.opened] += 1
                let agent = e.pointee.agent
                let (client, device, platform) = UserAgentRules.split(agent > 0 ? Int(agent) - 1 : UserAgentRules.unknownCode)
                r[Totals.clients + client] += 1
                r[Totals.devices + device] += 1
                r[Totals.platforms + platform] += 1
                if f & (RecipientFlags.delivered | RecipientFlags.sent) != 0 {
                    diffs[c].append(e.pointee.firstEngage - e.pointee.baseline)
                }
            }
            if f & (RecipientFlags.humanOpen | RecipientFlags.clicked) != 0 { r[Totals.human] += 1 }
            if f & RecipientFlags.clicked != 0 {
                r[Totals.clicked] += 1
                if f & RecipientFlags.opened == 0 { r[Totals.clickedNotOpened] += 1 }
            }
            if f & RecipientFlags.unsubscribed != 0 { r[Totals.unsubscribed] += 1 }
            if f & RecipientFlags.complained != 0 { r[Totals.complained] += 1 }
            if f & RecipientFlags.dropped != 0 { r[Totals.dropped] += 1 }
        }
    }

    func add(_ other: RecipientTotals) {
        for i in 0..<campaignCount * Totals.width { rows[i] += other.rows[i] }
        for c in 0..<campaignCount where !other.diffs[c].isEmpty { diffs[c] += other.diffs[c] }
    }
}

extension EventTally {
    /// Folds a later part's tally into this one, inserting the recipients it lacks.
    mutating func absorb(_ other: EventTally) {
        var entryMap = [Int](repeating: 0, count: other.recipients.count)
        for slot in 0..<other.recipients.slotCount {
            let s = other.recipients.slots[slot]
            if s == 0 { continue }
            let i = Int(s & 0xFFFF_FFFF) - 1
            let target = recipients.findOrInsert(slot: s, of: other.recipients)
            EventTallyMerge.mergeState(into: recipients.entry(target), from: other.recipients.entry(i))
            entryMap[i] = target
        }
        var linkMap: [Int] = []
        for l in 0..<other.links.count {
            let g = links.intern(other.links.keyPointer(l), other.links.keyLength(l), seed: other.links.seed(l))
            if g == linkClicks.count { linkClicks.append(0); linkUniqueClicks.append(0) }
            linkClicks[g] += other.linkClicks[l]
            linkMap.append(g)
        }
        other.clickPairs.forEach { key in
            let g = linkMap[Int(key >> 32)]
            if clickPairs.insert(PairSet.key(g, entryMap[Int(key & 0xFFFF_FFFF)])) { linkUniqueClicks[g] += 1 }
        }
        for c in 0..<context.ids.count where other.campaigns[c].eventCount > 0 {
            EventTallyMerge.mergeCampaign(&campaigns[c], other.campaigns[c])
        }
        for (c, times) in other.pending {
            pending[c, default: PendingTimes()].opens += times.opens
            pending[c, default: PendingTimes()].clicks += times.clicks
        }
    }
}
