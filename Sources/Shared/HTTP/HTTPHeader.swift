/// One HTTP header field. Values may be secrets (`Authorization`), so nothing in this layer prints them.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
