import Bytes
/// UTF-8 text written into one growing byte buffer: strings are copied in as bytes and numbers
/// are written digit by digit, so building a sentence makes no intermediate strings.
///
/// A value type over one heap buffer: appending copies the bytes in place (the buffer is copied
/// first only when another value shares it), without the generic bookkeeping of `[UInt8]`.
struct TextBytes {
    /// Owns the buffer; shared by copies of this value until one of them writes. Nil while the
    /// text has no room (created empty), so empty texts share nothing, not even a reference count.
    private var owner: ByteBuffer?
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        if capacity > 0 {
            let buffer = ByteBuffer.make(capacity: capacity)
            owner = buffer
            base = buffer.bytes
            self.capacity = capacity
        } else {
            owner = nil
            base = ByteBuffer.nowhere
            self.capacity = 0
        }
    }

    /// A text over `stack`, a caller's buffer (see `onStack`): no owner, so never shared.
    private init(stack: UnsafeMutableBufferPointer<UInt8>) {
        owner = nil
        base = stack.baseAddress ?? ByteBuffer.nowhere
        capacity = stack.baseAddress == nil ? 0 : stack.count
    }

    /// Runs `body` with an empty text whose first `capacity` bytes are on the stack, so that a
    /// short figure's text (a count, a percentage, a date: dozens a page) takes no heap buffer;
    /// it moves to the heap if it grows beyond. The text must not outlive `body` (nor be
    /// copied and written twice): make its string there.
    static func onStack<R>(capacity: Int, _ body: (inout TextBytes) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(capacity, 1)) { buffer in
            var text = TextBytes(stack: buffer)
            return body(&text)
        }
    }

    var isEmpty: Bool { count == 0 }
    var last: UInt8? { count == 0 ? nil : base[count - 1] }

    mutating func removeLast() {
        precondition(count > 0, "removeLast on empty text")
        reserve(0)
        count -= 1
    }

    /// Empties the text, keeping its room.
    mutating func removeAll() {
        guard count > 0 else { return }
        reserve(0)
        count = 0
    }

    mutating func append(_ string: String) {
        // Native and small strings lend their bytes directly; anything else is copied the slow way.
        // The room is made first, so that the copy does not change `self` while it reads the
        // string (which made the compiler take a reference to the string around it).
        let length = string.utf8.count
        guard length > 0 else { return }
        reserve(length)
        let target = base + count
        let copied: Bool? = string.utf8.withContiguousStorageIfAvailable { source in
            guard let from = source.baseAddress else { return false }
            copyBytes(from: from, to: target, count: length)
            return true
        }
        if copied == true { count += length } else { append(Array(string.utf8)) }
    }

    mutating func append(_ string: Substring) {
        if string.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            append(Array(string.utf8))
        }
    }

    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append($0) }
    }

    mutating func append(_ other: TextBytes) {
        other.withBytes { append($0) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        copyBytes(from: source, to: base + count, count: bytes.count)
        count += bytes.count
    }

    mutating func append(byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// Appends `count` bytes produced right to left: `byteAt(0)` is the last of them.
    mutating func appendReversed(count length: Int, _ byteAt: (Int) -> UInt8) {
        reserve(length)
        let at = base + count
        for position in 0..<length { at[length - 1 - position] = byteAt(position) }
        count += length
    }

    /// The bytes written so far.
    func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        withExtendedLifetime(owner) { body(UnsafeBufferPointer(start: base, count: count)) }
    }

    /// The text (always valid UTF-8: only whole strings and ASCII bytes are ever appended).
    var string: String {
        withBytes { source in
            // ASCII text (most sentences) is copied without the full UTF-8 validation.
            if TextBytes.isASCII(source) { return String(decoding: source, as: Unicode.ASCII.self) }
            return String(unsafeUninitializedCapacity: source.count) { target in
                _ = target.initialize(fromContentsOf: source)
                return source.count
            }
        }
    }

    /// The text, for bytes known to be all ASCII.
    var asciiString: String {
        withBytes { String(decoding: $0, as: Unicode.ASCII.self) }
    }

    /// Whether every byte is below 0x80, eight at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var high: UInt64 = 0
        var i = 0
        while i + 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if high & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < bytes.count {
            high |= UInt64(bytes[i])
            i += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Makes the buffer this value's own, with room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        // No owner: an empty text (capacity 0, so any byte grows it) or one on the stack (its own).
        if count + extra > capacity || (owner != nil && !isKnownUniquelyReferenced(&owner)) { grow(extra) }
    }

    @inline(never)
    private mutating func grow(_ extra: Int) {
        let room = max(count + extra, capacity * 2, 16)
        let grown = ByteBuffer.make(capacity: room)
        grown.bytes.update(from: base, count: count)
        owner = grown
        base = grown.bytes
        capacity = room
    }
}

/// The heap buffer of `TextBytes`: one allocation holding the bytes after a small header. Its
/// bytes are written only through the one value that holds it alone (every other writer copies
/// it first), so sharing it across threads is safe.
final class ByteBuffer: ManagedBuffer<Void, UInt8> {
    /// Where an empty text's (zero) bytes are: never read or written.
    nonisolated(unsafe) static let nowhere = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    /// A buffer with room for at least `capacity` bytes.
    static func make(capacity: Int) -> ByteBuffer {
        unsafeDowncast(create(minimumCapacity: max(capacity, 1)) { _ in }, to: ByteBuffer.self)
    }

    /// Where the bytes start; fixed for the buffer's life.
    var bytes: UnsafeMutablePointer<UInt8> { withUnsafeMutablePointerToElements { $0 } }
}
