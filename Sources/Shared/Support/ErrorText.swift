import Foundation

/// Errors described for people: Foundation's `CocoaError` and `DecodingError` as one readable sentence instead
/// of their `Error Domain=NSCocoaErrorDomain Code=… UserInfo={…}` and `Swift.DecodingError.Context(…)` dumps,
/// every other error as its own description. Used where an error's text is stored or shown (dead letters,
/// persona files, result files).
public enum ErrorText {
    /// A readable one-line description of `error`.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? DecodingError { return decoding(error) }
        if let error = error as? CocoaError { return cocoa(error as NSError) }
        if type(of: error) is NSError.Type { return cocoa(error as NSError) }
        return String(describing: error)
    }

    /// `at <path>: <what is wrong>`, the path as `[2].description`, or `<entry> #3: …` when `entry` names what
    /// the top-level array holds (`persona #3: "name": …`).
    public static func decoding(_ error: DecodingError, entry: String? = nil) -> String {
        let (context, problem): (DecodingError.Context?, String) =
            switch error {
            case .keyNotFound(let key, let context): (context, "\"\(key.stringValue)\" is missing")
            case .valueNotFound(_, let context): (context, "a value is null or missing")
            case .typeMismatch(_, let context): (context, context.debugDescription)
            case .dataCorrupted(let context): (context, corruption(context))
            @unknown default: (nil, "cannot be decoded")
            }
        var path = context?.codingPath ?? []
        if case .keyNotFound(let key, _) = error, path.last?.stringValue == key.stringValue { path.removeLast() }
        var location = ""
        if let entry, let first = path.first?.intValue {
            location = "\(entry) #\(first + 1)"
            path.removeFirst()
        }
        for key in path {
            location += key.intValue.map { "[\($0)]" } ?? (location.isEmpty ? "" : ".") + key.stringValue
        }
        return location.isEmpty ? problem : "\(location): \(problem)"
    }

    /// The data-corrupted case: the JSON parser's own message ("Unexpected character … around line 1, column 2.")
    /// when there is one.
    private static func corruption(_ context: DecodingError.Context) -> String {
        guard let underlying = context.underlyingError else { return context.debugDescription }
        return context.debugDescription + " " + cocoa(underlying as NSError)
    }

    /// A Foundation error's message (`NSDebugDescription`, else its localized description), with the POSIX
    /// reason when it wraps one.
    private static func cocoa(_ error: NSError) -> String {
        if let debug = error.userInfo[NSDebugDescriptionErrorKey] as? String { return debug }
        var text = error.localizedDescription
        if let posix = error.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            text += " (\(String(cString: strerror(Int32(posix.code)))))"
        }
        return text
    }
}
