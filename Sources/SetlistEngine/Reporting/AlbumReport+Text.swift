extension AlbumReport {
    /// Escapes text for HTML content and attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The URL of `file` relative to the directory `base`, both absolute, normalised paths; each segment is
    /// percent-encoded so that spaces, `#` and `?` in file names survive.
    public static func relativeURL(from base: String, to file: String) -> String {
        let from = base.split(separator: "/").map(String.init)
        let to = file.split(separator: "/").map(String.init)
        var common = 0
        while common < min(from.count, to.count - 1), from[common] == to[common] { common += 1 }
        let segments = Array(repeating: "..", count: from.count - common) + to[common...].map(percentEncode)
        return segments.joined(separator: "/")
    }

    static func percentEncode(_ segment: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@".utf8)
        var encoded = ""
        for byte in segment.utf8 {
            if unreserved.contains(byte) {
                encoded.append(Character(UnicodeScalar(byte)))
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    static func hue(_ seed: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in seed.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % 360)
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let time = "\(total / 60 % 60):" + String(total % 60).leftPadded(to: 2)
        return total >= 3600 ? "\(total / 3600):" + time.leftPadded(to: 5) : time
    }

    static func twoDigits(_ value: Int) -> String {
        String(value).leftPadded(to: 2)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String((value * 10).rounded() / 10)
    }

    static func clip(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
