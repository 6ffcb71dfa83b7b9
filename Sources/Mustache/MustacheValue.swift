// MARK: - MustacheValue

/// The data a template renders: a JSON-like tree, plus `trusted` text that is never escaped.
///
/// Truthiness (what a `{{#name}}` section tests): `null`, `false`, `0`, `0.0`, the empty
/// string and the empty list are falsey; everything else, including every object, is truthy.
public enum MustacheValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    /// Text that must never be escaped (already-safe markup made by the caller).
    case trusted(String)
    /// Like `trusted`, as UTF-8 bytes: a large fragment (a page body) goes into the output
    /// without being turned into a string and validated again.
    case trustedBytes([UInt8])
    case array([MustacheValue])
    case object(MustacheObject)
}

// MARK: - Truthiness and text

extension MustacheValue {
    /// Whether a section over this value renders (and an inverted section does not).
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .double(let value): value != 0
        case .string(let text), .trusted(let text): !text.isEmpty
        case .trustedBytes(let bytes): !bytes.isEmpty
        case .array(let items): !items.isEmpty
        case .object: true
        }
    }

    /// The text a scalar interpolates as, before any escaping: integers without a
    /// fraction, decimals in their shortest exact form (`1.21`), integral decimals
    /// without `.0`, booleans as `true`/`false`, `null` as nothing.
    var scalarText: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): Self.format(value)
        case .string(let text), .trusted(let text): text
        case .trustedBytes(let bytes): String(decoding: bytes, as: UTF8.self)
        case .array, .object: ""
        }
    }

    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return value.description
    }
}

// MARK: - Literals

extension MustacheValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension MustacheValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension MustacheValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension MustacheValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension MustacheValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: MustacheValue...) { self = .array(elements) }
}

extension MustacheValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, MustacheValue)...) {
        self = .object(MustacheObject(elements))
    }
}

extension MustacheValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

// MARK: - MustacheObject

/// The fields of an object value: keys and values in insertion order.
///
/// A page's context holds hundreds of small objects, each made once and read a few times, so
/// they are kept as arrays scanned by a precomputed key hash rather than as hash tables: a
/// lookup compares integers until a hash matches. Objects that always have the same fields
/// share one `Keys` made once, so making one hashes nothing and copies only its values.
/// Equality ignores order, as a dictionary's does. Setting a key that exists replaces its value.
public struct MustacheObject: Sendable, Equatable, ExpressibleByDictionaryLiteral, Sequence {
    /// Field names in order, each with its `hash(_:)`: made once (a `static let`) for objects
    /// that always have these fields, and shared by every object made from it.
    public struct Keys: Sendable, ExpressibleByArrayLiteral {
        /// Shared by copies; changed in place only while one object holds it (copy on write),
        /// so no two threads ever reach the same storage while it changes: the runtime's
        /// exclusivity checks, which would cost more than the lookups, are left out.
        final class Storage: @unchecked Sendable {
            @exclusivity(unchecked) var names: [String]
            @exclusivity(unchecked) var hashes: [UInt64]

            init(names: [String], hashes: [UInt64]) {
                self.names = names
                self.hashes = hashes
            }
        }

        var storage: Storage

        /// The names must differ from one another.
        public init(_ names: [String]) {
            precondition(Set(names).count == names.count, "MustacheObject.Keys: a name is repeated in \(names)")
            self.init(names: names, hashes: names.map(MustacheObject.hash))
        }

        init(names: [String], hashes: [UInt64]) {
            storage = Storage(names: names, hashes: hashes)
        }

        public init(arrayLiteral names: String...) { self.init(names) }

        /// No names: what an empty object starts from, shared until a key is set.
        static let none = Keys([])

        public var count: Int { storage.hashes.count }

        /// The position of `key`, whose `hash(_:)` is `hash`.
        func index(of key: String, hash: UInt64) -> Int? {
            Self.index(of: key, hash: hash, names: storage.names, hashes: storage.hashes)
        }

        static func index(of key: String, hash: UInt64, names: [String], hashes: [UInt64]) -> Int? {
            hashes.indices.first { hashes[$0] == hash && names[$0] == key }
        }

        /// Makes `storage` this value's own before it changes.
        mutating func makeUnique() {
            if !isKnownUniquelyReferenced(&storage) {
                storage = Storage(names: storage.names, hashes: storage.hashes)
            }
        }
    }

    var fieldKeys: Keys
    /// `values[i]` is the value of `fieldKeys`' name `i`.
    var values: [MustacheValue]

    public init() { self.init(Keys.none, []) }

    /// The fields named by `keys`, with `values` in the same order.
    public init(_ keys: Keys, _ values: [MustacheValue]) {
        precondition(keys.count == values.count, "MustacheObject: \(keys.count) keys for \(values.count) values")
        fieldKeys = keys
        self.values = values
    }

    /// Fields from (key, value) pairs; a repeated key keeps its last value.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, MustacheValue) {
        var names: [String] = [], hashes: [UInt64] = [], values: [MustacheValue] = []
        names.reserveCapacity(pairs.underestimatedCount)
        hashes.reserveCapacity(pairs.underestimatedCount)
        values.reserveCapacity(pairs.underestimatedCount)
        for (key, value) in pairs {
            let hash = Self.hash(key)
            if let index = Keys.index(of: key, hash: hash, names: names, hashes: hashes) {
                values[index] = value
            } else {
                names.append(key)
                hashes.append(hash)
                values.append(value)
            }
        }
        self.init(Keys(names: names, hashes: hashes), values)
    }

    /// Fields from a dictionary (in key order, so equal dictionaries give equal objects).
    public init(_ dictionary: [String: MustacheValue]) {
        self.init(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    public init(dictionaryLiteral elements: (String, MustacheValue)...) {
        self.init(elements)
    }

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    public var keys: [String] { fieldKeys.storage.names }

    public subscript(key: String) -> MustacheValue? {
        get { value(forKey: key, hash: Self.hash(key)) }
        set {
            let hash = Self.hash(key)
            if let index = fieldKeys.index(of: key, hash: hash) {
                if let newValue {
                    values[index] = newValue
                } else {
                    fieldKeys.makeUnique()
                    fieldKeys.storage.names.remove(at: index)
                    fieldKeys.storage.hashes.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                fieldKeys.makeUnique()
                fieldKeys.storage.names.append(key)
                fieldKeys.storage.hashes.append(hash)
                values.append(newValue)
            }
        }
    }

    /// The value of `key`, whose `hash(_:)` the caller has already computed.
    func value(forKey key: String, hash: UInt64) -> MustacheValue? {
        fieldKeys.index(of: key, hash: hash).map { values[$0] }
    }

    public func makeIterator() -> AnyIterator<(key: String, value: MustacheValue)> {
        var position = 0
        let names = keys
        return AnyIterator {
            guard position < values.count else { return nil }
            defer { position += 1 }
            return (names[position], values[position])
        }
    }

    public static func == (lhs: MustacheObject, rhs: MustacheObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        let names = lhs.keys, hashes = lhs.fieldKeys.storage.hashes
        return lhs.values.indices.allSatisfy { rhs.value(forKey: names[$0], hash: hashes[$0]) == lhs.values[$0] }
    }

    /// A hash of the key's UTF-8 bytes, eight at a time: cheap for the short keys templates use.
    static func hash(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { bytes -> UInt64 in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
            var i = 0
            while i + 8 <= bytes.count {
                h = (h ^ UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 31
                i += 8
            }
            var last: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count {
                last |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ last) &* 0x9E37_79B9_7F4A_7C15
            return h ^ (h >> 29)
        }
    }
}
