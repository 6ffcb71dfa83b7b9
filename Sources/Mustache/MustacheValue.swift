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

    /// The value of `key` (whose `MustacheObject.hash(_:)` is `hash`) when this is an object
    /// that has it.
    @inline(__always)
    func member(_ key: String, hash: UInt64) -> MustacheValue? {
        guard case .object(let object) = self else { return nil }
        return object.value(forKey: key, hash: hash)
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
/// are made from `Keys` made once, so making one hashes nothing and searches for no
/// duplicate. Equality ignores order, as a dictionary's does. Setting a key that exists
/// replaces its value.
public struct MustacheObject: @unchecked Sendable, Equatable, ExpressibleByDictionaryLiteral, Sequence {
    // @unchecked: `Fields` (a ManagedBuffer, which cannot be Sendable) is changed only while
    // one object holds it.
    /// Field names in order, each with its `hash(_:)`: made once (a `static let`) for objects
    /// that always have these fields, and shared by every object made from it.
    public struct Keys: Sendable, ExpressibleByArrayLiteral {
        @usableFromInline let list: KeyList

        /// The names must differ from one another.
        ///
        /// Keys are made once (a `static let`, or once per build) and their list is never freed:
        /// objects made from them hold it without a reference count, so that the threads making
        /// objects of the same shape share no counter (two threads retaining and releasing one
        /// list made every object's making, lookups and freeing contend for its cache line).
        public init(_ names: [String]) {
            precondition(Set(names).count == names.count, "MustacheObject.Keys: a name is repeated in \(names)")
            list = KeyList(names.map { HashedName(hash: MustacheObject.hash($0), name: $0) }, lasting: true)
        }

        public init(arrayLiteral names: String...) { self.init(names) }

        /// Keys already hashed, in order, that differ from one another.
        init(hashed names: [HashedName]) { list = KeyList(names, lasting: true) }

        var names: [HashedName] { list.names }

        public var count: Int { list.names.count }
    }

    /// Names in order with their hashes, and a table from a hash to the name's position, so
    /// that finding a name, or finding that it is not there, takes a probe or two rather than a
    /// scan of the list: a lookup in a page's template tests the objects of every section it is
    /// in, from the innermost, and most of them do not have the name. Shared by every object
    /// made from the same `Keys`, never changed.
    @usableFromInline
    final class KeyList: Sendable {
        let names: [HashedName]
        /// Open addressing over the hash's low bits: slot → position + 1, or 0 for an empty slot.
        /// Empty for more than 255 names (then `index` scans).
        let slots: [UInt8]
        let mask: Int
        /// Whether the list lives as long as the process (a list of `Keys`): objects do not count
        /// their references to it.
        @usableFromInline let lasting: Bool

        /// - Parameter lasting: the list is never freed (see `Keys.init(_:)`).
        init(_ names: [HashedName], lasting: Bool = false) {
            self.names = names
            self.lasting = lasting
            defer { if lasting { _ = Unmanaged.passRetained(self) } }
            guard names.count <= 255 else {
                slots = []
                mask = 0
                return
            }
            // At most half full.
            var size = 4
            while size < 2 * names.count { size *= 2 }
            var slots = [UInt8](repeating: 0, count: size)
            for (position, name) in names.enumerated() {
                var slot = Int(truncatingIfNeeded: name.hash) & (size - 1)
                while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
                slots[slot] = UInt8(position + 1)
            }
            self.slots = slots
            mask = size - 1
        }

        /// The position of `key`, whose `hash(_:)` is `hash`.
        @inline(__always)
        func index(of key: String, hash: UInt64) -> Int? {
            guard !slots.isEmpty else { return names.firstIndex { $0.hash == hash && $0.name == key } }
            return slots.withUnsafeBufferPointer { slots in
                names.withUnsafeBufferPointer { names in
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let entry = Int(slots[slot])
                        if entry == 0 { return nil }
                        if names[entry - 1].hash == hash && names[entry - 1].name == key { return entry - 1 }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }

        /// The list with `name` added at the end.
        func adding(_ name: HashedName) -> KeyList { KeyList(names + [name]) }

        /// The list without the name at `index`.
        func removing(at index: Int) -> KeyList {
            var names = names
            names.remove(at: index)
            return KeyList(names)
        }

        static let none = KeyList([], lasting: true)
    }

    /// A key with its `hash(_:)`.
    @usableFromInline
    struct HashedName: Sendable {
        let hash: UInt64
        let name: String
    }

    /// An object's keys and values, in one order: the values in the same allocation as the
    /// header. One reference per object, so an object value is as cheap to copy as an array: a
    /// renderer copies them as it enters sections, and an object holding its keys and values
    /// apart cost the renderer a tenth more. A page's context has dozens of objects, each made
    /// and freed once: the values in an array of their own cost each object a second
    /// allocation and a generic, element-by-element destruction. Shared by copies and changed
    /// in place only while one object holds it (copy on write).
    @usableFromInline
    final class Fields: ManagedBuffer<FieldsHeader, MustacheValue> {
        /// Room for `capacity` values of `keys`, none set yet.
        @inlinable
        static func make(keys: KeyList, capacity: Int) -> Fields {
            unsafeDowncast(create(minimumCapacity: capacity) { _ in FieldsHeader(keys: keys, count: 0) }, to: Fields.self)
        }

        /// The fields `keys` with `values`, moved out of the array (which is left holding nulls).
        static func make(keys: KeyList, moving values: inout [MustacheValue]) -> Fields {
            let fields = make(keys: keys, capacity: values.count)
            values.withUnsafeMutableBufferPointer { source in
                guard let from = source.baseAddress, !source.isEmpty else { return }
                fields.withUnsafeMutablePointers { header, elements in
                    elements.moveInitialize(from: from, count: source.count)
                    header.pointee.count = source.count
                }
                from.initialize(repeating: .null, count: source.count)
            }
            return fields
        }

        /// A copy of `keys` and `values`.
        static func make(keys: KeyList, copying values: UnsafeBufferPointer<MustacheValue>) -> Fields {
            let fields = make(keys: keys, capacity: values.count)
            fields.withUnsafeMutablePointers { header, elements in
                if let from = values.baseAddress { elements.initialize(from: from, count: values.count) }
                header.pointee.count = values.count
            }
            return fields
        }

        deinit {
            _ = withUnsafeMutablePointers { header, elements in elements.deinitialize(count: header.pointee.count) }
        }

        @inlinable
        var keys: KeyList { withUnsafeMutablePointerToHeader { $0.pointee.keys.takeUnretainedValue() } }

        @inlinable
        var count: Int { withUnsafeMutablePointerToHeader { $0.pointee.count } }

        /// Sets the value after the last one set (within the capacity it was made with).
        @inlinable
        func append(_ value: __owned MustacheValue) {
            withUnsafeMutablePointers { header, elements in
                (elements + header.pointee.count).initialize(to: value)
                header.pointee.count += 1
            }
        }

        /// The values, read in place.
        func withValues<R>(_ body: (UnsafeMutableBufferPointer<MustacheValue>) -> R) -> R {
            withUnsafeMutablePointers { header, elements in body(UnsafeMutableBufferPointer(start: elements, count: header.pointee.count)) }
        }

        /// The value at `index`.
        @inline(__always)
        func value(at index: Int) -> MustacheValue { withUnsafeMutablePointerToElements { $0[index] } }

        /// The position of `key`, whose `hash(_:)` is `hash` (the list read without a reference count).
        @inline(__always)
        func index(of key: String, hash: UInt64) -> Int? {
            withUnsafeMutablePointerToHeader { $0.pointee.keys._withUnsafeGuaranteedRef { $0.index(of: key, hash: hash) } }
        }

        /// No fields: what every empty object shares until a key is set.
        nonisolated(unsafe) static let none = Fields.make(keys: .none, capacity: 0)
    }

    /// What `Fields` holds besides the values.
    @usableFromInline
    struct FieldsHeader {
        /// The object's key list, unretained: `owner` holds it unless it lasts (`KeyList.lasting`).
        @usableFromInline let keys: Unmanaged<KeyList>
        @usableFromInline let owner: KeyList?
        /// How many values are set (`keys.names.count` once the object is made).
        @usableFromInline var count: Int

        @inlinable
        init(keys: KeyList, count: Int) {
            self.keys = Unmanaged.passUnretained(keys)
            owner = keys.lasting ? nil : keys
            self.count = count
        }
    }

    @usableFromInline var fields: Fields

    public init() { fields = Fields.none }

    @inlinable
    init(fields: Fields) { self.fields = fields }

    /// The fields named by `keys`, with `values` in the same order.
    public init(_ keys: Keys, _ values: __owned [MustacheValue]) {
        precondition(keys.count == values.count, "MustacheObject: \(keys.count) keys for \(values.count) values")
        var values = values
        fields = Fields.make(keys: keys.list, moving: &values)
    }

    /// Fields from (key, value) pairs; a repeated key keeps its last value.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, MustacheValue) {
        // Collected first, so that the key list (with its table) is made once.
        var names: [HashedName] = []
        var values: [MustacheValue] = []
        names.reserveCapacity(pairs.underestimatedCount)
        values.reserveCapacity(pairs.underestimatedCount)
        for (key, value) in pairs {
            let hash = Self.hash(key)
            if let index = names.firstIndex(where: { $0.hash == hash && $0.name == key }) {
                values[index] = value
            } else {
                names.append(HashedName(hash: hash, name: key))
                values.append(value)
            }
        }
        fields = Fields.make(keys: KeyList(names), moving: &values)
    }

    /// Fields from a dictionary (in key order, so equal dictionaries give equal objects).
    public init(_ dictionary: [String: MustacheValue]) {
        self.init(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    public init(dictionaryLiteral elements: (String, MustacheValue)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.count == 0 }
    public var keys: [String] { fields.keys.names.map(\.name) }

    public subscript(key: String) -> MustacheValue? {
        get { value(forKey: key, hash: Self.hash(key)) }
        set {
            let hash = Self.hash(key)
            let index = fields.index(of: key, hash: hash)
            guard index != nil || newValue != nil else { return }
            if let index, let newValue {
                if !isKnownUniquelyReferenced(&fields) {
                    fields = fields.withValues { Fields.make(keys: fields.keys, copying: UnsafeBufferPointer($0)) }
                }
                fields.withValues { $0[index] = newValue }
                return
            }
            // A key added or removed: new fields (objects are made whole far more often than changed).
            var values = fields.withValues { Array($0) }
            let keys: KeyList
            if let index {
                keys = fields.keys.removing(at: index)
                values.remove(at: index)
            } else {
                keys = fields.keys.adding(HashedName(hash: hash, name: key))
                values.append(newValue!)
            }
            fields = Fields.make(keys: keys, moving: &values)
        }
    }

    /// The value of `key`, whose `hash(_:)` the caller has already computed.
    func value(forKey key: String, hash: UInt64) -> MustacheValue? {
        guard let index = fields.index(of: key, hash: hash) else { return nil }
        return fields.value(at: index)
    }

    public func makeIterator() -> AnyIterator<(key: String, value: MustacheValue)> {
        var position = 0
        let keys = fields.keys.names, values = fields.withValues { Array($0) }
        return AnyIterator {
            guard position < values.count else { return nil }
            defer { position += 1 }
            return (keys[position].name, values[position])
        }
    }

    public static func == (lhs: MustacheObject, rhs: MustacheObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        let keys = lhs.fields.keys.names, values = lhs.fields.withValues { Array($0) }
        return values.indices.allSatisfy { rhs.value(forKey: keys[$0].name, hash: keys[$0].hash) == values[$0] }
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
