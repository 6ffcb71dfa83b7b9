// MARK: - What templates can read

/// What a template's tags name: the keys a render can look up, and the templates it can include.
///
/// A render looks a name up key by key (`a.b` is `a`, then `b` in what `a` found), and only the
/// names written in tags are ever looked up (there are no lambdas), so a field whose key is in
/// no template a render can reach is never read: a context may leave it out without changing
/// any output, in strict mode too.
public struct TemplateReads: Sendable, Equatable {
    /// Every key of every name in a variable, section, inverted-section or dynamic-partial tag,
    /// and every block name.
    public internal(set) var keys: Set<String> = []
    /// The names of the partials and parents the template includes by name.
    public internal(set) var partials: Set<String> = []
    /// Whether a tag names its partial or parent through the context (`{{>*name}}`): then any
    /// template the partial resolver has may be included.
    public internal(set) var hasDynamicPartials = false
}

extension Template {
    /// What this template's tags name (its overrides and blocks included).
    public var reads: TemplateReads {
        var reads = TemplateReads()
        for name in program.names { reads.keys.formUnion(name.parts) }
        for reference in program.references {
            switch reference {
            case .fixed(let name):
                reads.partials.insert(name)
            case .dynamic(let name):
                reads.keys.formUnion(name.parts)
                reads.hasDynamicPartials = true
            }
        }
        for block in program.blocks { reads.keys.insert(block.name) }
        for table in program.overrides { reads.keys.formUnion(table.keys) }
        return reads
    }
}

/// The keys some set of templates can look up, or every key.
public struct ReadableKeys: Sendable, Equatable {
    /// nil: any key may be read.
    let keys: Set<String>?

    /// Every key may be read: contexts keep all their fields.
    public static let all = ReadableKeys(keys: nil)

    /// Only `keys` may be read.
    public init(_ keys: Set<String>) { self.keys = keys }

    private init(keys: Set<String>?) { self.keys = keys }

    /// Whether a template may read a field called `key`.
    public func contains(_ key: String) -> Bool { keys?.contains(key) ?? true }
}

// MARK: - Objects with the fields templates read

extension MustacheObject {
    /// The fields of a `Keys` that templates can read: made once per set of templates, so that a
    /// context object is made with only those fields (`Builder`), and the values of the others
    /// are not even worked out.
    public struct ReadFields: Sendable {
        /// The kept keys, in their order.
        @usableFromInline let keys: Keys
        /// Bit i: field i of the full keys is kept.
        @usableFromInline let kept: UInt64
        /// How many keys the full list has.
        @usableFromInline let fullCount: Int
        /// How many keys are kept.
        @usableFromInline let keptCount: Int

        /// The fields of `keys` that `readable` contains (all of them for more than 64 keys).
        public init(_ keys: Keys, reading readable: ReadableKeys) {
            var kept: UInt64 = ~0
            var names = keys.names
            if keys.count <= 64 {
                kept = 0
                names = []
                for (i, name) in keys.names.enumerated() where readable.contains(name.name) {
                    kept |= 1 << UInt64(i)
                    names.append(name)
                }
            }
            self.keys = Keys(hashed: names)
            self.kept = kept
            self.fullCount = keys.count
            self.keptCount = names.count
        }

        /// Every field of `keys`.
        public init(all keys: Keys) { self.init(keys, reading: .all) }

        /// Whether field `index` of the full keys is kept.
        @inlinable @inline(__always)
        public func reads(_ index: Int) -> Bool { index >= 64 || kept & (1 << UInt64(index)) != 0 }

        /// Whether the field called `name` is kept.
        public func reads(_ name: String) -> Bool { keys.names.contains { $0.name == name } }

        /// How many fields are kept.
        @inlinable
        public var count: Int { keptCount }
    }

    /// Makes an object field by field, in the order of the full keys, keeping only the fields
    /// its `ReadFields` reads: a value that is left out is never computed.
    ///
    /// Inlinable, so that each field's test and the computing of its value are compiled where
    /// the object is made (a call per field, with its value as a closure, cost more than the
    /// fields it leaves out).
    /// The values go straight into the object's storage.
    @frozen
    public struct Builder {
        @usableFromInline let kept: UInt64
        @usableFromInline let fullCount: Int
        @usableFromInline let storage: Fields
        @usableFromInline var position = 0

        @inlinable
        public init(_ fields: ReadFields) {
            kept = fields.kept
            fullCount = fields.fullCount
            storage = Fields.make(keys: fields.keys.list, capacity: fields.keptCount)
        }

        /// The value of the next field, computed only when the field is kept.
        @inlinable @inline(__always)
        public mutating func add(_ value: @autoclosure () -> MustacheValue) {
            if position >= 64 || kept & (1 << UInt64(position)) != 0 { storage.append(value()) }
            position += 1
        }

        /// The object as a value, once a value has been given for every key.
        @inlinable
        public consuming func value() -> MustacheValue {
            precondition(position == fullCount, "MustacheObject.Builder: \(position) values for \(fullCount) keys")
            return .object(MustacheObject(fields: storage))
        }
    }
}
