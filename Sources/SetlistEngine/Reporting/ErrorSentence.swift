import Foundation

/// Words an error for a person (DESIGN §5). setlist's own errors are sentences already; Foundation's file errors
/// are reduced to the system's reason and the file they name, never shown as a raw `NSError` with its domain,
/// code and user info.
public enum ErrorSentence {
    /// A sentence fragment saying what went wrong, to follow "because" or a colon.
    public static func describe(_ error: any Error) -> String {
        if error is CancellationError { return "the run was interrupted before this finished" }
        guard isFoundationError(error) else { return String(describing: error) }
        let nsError = error as NSError
        let path = nsError.userInfo[NSFilePathErrorKey] as? String ?? (nsError.userInfo[NSURLErrorKey] as? URL)?.path
        let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError
        let code =
            nsError.domain == NSPOSIXErrorDomain
            ? nsError.code
            : underlying?.domain == NSPOSIXErrorDomain ? underlying?.code : nil
        let reason =
            code.map { String(cString: strerror(Int32($0))) } ?? nsError.localizedFailureReason
            ?? "the file system refused the operation"
        return path.map { "\($0): \(reason)" } ?? reason
    }

    private static func isFoundationError(_ error: any Error) -> Bool {
        let domain = (error as NSError).domain
        return domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
    }
}
