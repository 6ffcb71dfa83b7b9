// MARK: - copyBytes

/// Copies `count` bytes from `source` to `target` (the ranges must not overlap).
///
/// Pages and exports are put together from thousands of short pieces (a literal between two
/// tags, a number, a key): up to 16 bytes they are moved as two overlapping words (or halves,
/// quarters), without a call into the C library, which cost a sixth of a page's copying time
/// in calls alone.
@inlinable @inline(__always)
public func copyBytes(from source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count n: Int) {
    let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
    switch n {
    case 8...16:
        let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        to.storeBytes(of: head, as: UInt64.self)
        to.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
    case 4..<8:
        let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        to.storeBytes(of: head, as: UInt32.self)
        to.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
    case 2..<4:
        let head = from.loadUnaligned(as: UInt16.self), tail = from.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)
        to.storeBytes(of: head, as: UInt16.self)
        to.storeBytes(of: tail, toByteOffset: n - 2, as: UInt16.self)
    case 1:
        target.pointee = source.pointee
    case 0:
        break
    default:
        target.update(from: source, count: n)
    }
}
