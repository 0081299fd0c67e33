/// The pieces of JSON the hand-written writers emit as `JSONEncoder` would (the run checkpoint,
/// ``RunCheckpoint/recordJSON()``; label results, ``LabelJobResult/encodedCanonical()``): integers and arrays of
/// them, the parts whose per-element cost in `JSONEncoder` they avoid.
extension [UInt8] {
    /// `value` as `JSONEncoder` writes an `Int`: its decimal text (a small string, no allocation).
    mutating func appendJSON(_ value: Int) {
        append(contentsOf: String(value).utf8)
    }

    /// `[a,b,c]`.
    mutating func appendJSON(_ values: [Int]) {
        append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            appendJSON(value)
        }
        append(UInt8(ascii: "]"))
    }
}
