import Foundation

/// The parts of a URL the manifest rules look at, and how hosts are classified. No name is resolved: a host name
/// is judged by its text only.
struct CheckedURL {
    var scheme: String
    var host: String
    var hasQueryOrFragment: Bool
    var hasUserInfo: Bool

    /// Splits `text`, or returns nil when it is not an absolute URL with a host.
    init?(_ text: String) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        hasQueryOrFragment = components.query != nil || components.fragment != nil
        hasUserInfo = components.user != nil || components.password != nil
    }

    /// True for `localhost`, `127.0.0.0/8` and `::1`: addresses that never leave the machine.
    var isLoopback: Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        return Self.ipv4(host).map { $0[0] == 127 } ?? false
    }

    /// True for loopback, private (RFC 1918, RFC 4193), shared (RFC 6598), link-local and unspecified addresses,
    /// and for `.local` names: addresses a provider's servers must not call back.
    var isInternal: Bool {
        if isLoopback || host.hasSuffix(".local") || host == "::" { return true }
        if let v4 = Self.ipv4(host) { return Self.isInternalIPv4(v4) }
        guard host.contains(":") else { return false }
        if let mapped = host.split(separator: ":").last, let v4 = Self.ipv4(String(mapped)) {
            return Self.isInternalIPv4(v4)
        }
        return host.hasPrefix("fc") || host.hasPrefix("fd") || host.hasPrefix("fe8") || host.hasPrefix("fe9")
            || host.hasPrefix("fea") || host.hasPrefix("feb")
    }

    private static func isInternalIPv4(_ octets: [Int]) -> Bool {
        switch (octets[0], octets[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): true
        case (172, 16...31), (100, 64...127): true
        default: false
        }
    }

    private static func ipv4(_ host: String) -> [Int]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { part -> Int? in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII) else { return nil }
            return Int(part).flatMap { (0...255).contains($0) ? $0 : nil }
        }
        return octets.count == 4 ? octets : nil
    }
}
