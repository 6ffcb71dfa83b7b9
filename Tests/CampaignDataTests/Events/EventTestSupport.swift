import Foundation
import Testing
@testable import CampaignData

/// A temporary data folder holding event files, removed when released.
final class EventDataFolder {
    let path: String

    init(_ files: [String: String] = [:]) throws {
        path = NSTemporaryDirectory() + "funnelmark-events-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try write(name, text) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ text: String) throws {
        try write(name, Data(text.utf8))
    }

    func write(_ name: String, _ data: Data) throws {
        let full = path + "/" + name
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
    }

    func load(campaigns: [String: Timestamp?] = EventFixtures.campaigns, options: EventLoadOptions = EventLoadOptions()) throws -> EventData {
        try EventLoader.load(dataDirectory: path, campaigns: campaigns, options: options)
    }
}

enum EventFixtures {
    static let campaigns: [String: Timestamp?] = ["c1": Timestamp(epochSeconds: 1_780_304_400), "c2": nil]
    static let header = "campaign_id,recipient,event,timestamp,url,bounce_type,user_agent,machine\n"

    /// Loads one CSV file (after the canonical header unless `header` is given).
    static func loadCSV(_ rows: String, header: String = EventFixtures.header, options: EventLoadOptions = EventLoadOptions()) throws -> EventData {
        let folder = try EventDataFolder(["events.csv": header + rows])
        return try folder.load(options: options)
    }

    /// The `InputError` a strict load of `text` (as events.csv) throws, with the folder prefix cut from its file.
    static func csvError(_ text: String, file: String = "events.csv", campaigns: [String: Timestamp?] = EventFixtures.campaigns) throws -> InputError? {
        let folder = try EventDataFolder([file: text])
        do {
            _ = try folder.load(campaigns: campaigns)
            return nil
        } catch var error as InputError {
            if var location = error.location {
                location.file = String(location.file.dropFirst(folder.path.count + 1))
                error.location = location
            }
            return error
        }
    }
}

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct EventTestRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
