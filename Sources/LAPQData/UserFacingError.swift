import Foundation

/// One line for a person: what went wrong and where, without Foundation's debug noise
/// (`Error Domain=NSCocoaErrorDomain Code=516 "…" UserInfo={…}`) or a stack of Swift type names.
/// lapq's own errors already describe themselves; a decoding error becomes its JSON path and
/// reason; a Foundation file error its localized sentence, with the path when it has one.
public func userFacingDescription(of error: any Error) -> String {
    if let decoding = error as? DecodingError { return describe(decoding) }
    // Swift errors bridge to an NSError whose domain is their type's name; only Foundation's own
    // domains carry the debug dump as their description.
    let bridged = error as NSError
    guard bridged.domain == NSCocoaErrorDomain || bridged.domain == NSPOSIXErrorDomain else {
        return String(describing: error)
    }
    // The generic "could not be completed (… error 512)" hides the system's reason, which the
    // underlying POSIX error carries ("Is a directory").
    let underlying = (bridged.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
    let reason = underlying.map { $0.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32($0.code))) : $0.localizedDescription }
        ?? bridged.localizedDescription
    let path = bridged.userInfo[NSFilePathErrorKey] as? String ?? (bridged.userInfo[NSURLErrorKey] as? URL)?.path
    guard let path, !reason.contains(path) else { return reason }
    return "\(path): \(reason)"
}

/// "at images.layout: …" — the JSON path and Foundation's reason.
private func describe(_ error: DecodingError) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
            .joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
    switch error {
    case let .keyNotFound(key, context):
        return "at \(path(context.codingPath)): missing key '\(key.stringValue)'"
    case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
        return "at \(path(context.codingPath)): \(context.debugDescription)"
    @unknown default:
        return "\(error)"
    }
}
