import Foundation
import SetlistCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test("reads every kind of value")
    func readsEveryKind() throws {
        let value = try parse(
            #" { "a": [1, -2, 0, 3.5, -0.25e2, 1E3, true, false, null], "b": {"c": "d"}, "e": "" } "#)
        #expect(
            value
                == .object([
                    "a": .array([
                        .integer(1), .integer(-2), .integer(0), .number(3.5), .number(-25), .number(1000),
                        .bool(true), .bool(false), .null,
                    ]),
                    "b": .object(["c": .string("d")]),
                    "e": .string(""),
                ]))
    }

    @Test("decodes escapes, surrogate pairs and raw UTF-8")
    func decodesEscapes() throws {
        let value = try parse(#""q\"b\\s\/n\nt\tr\rb\bf\f é\u00e9\ud83c\udfb5 🎵""#)
        #expect(value == .string("q\"b\\s/n\nt\tr\rb\u{08}f\u{0C} éé🎵 🎵"))
    }

    @Test("keeps the document's member order for the compact form; equality and hashing ignore it")
    func memberOrder() throws {
        let parsed = try parse(#"{"z": 1, "a": {"y": null, "b": [true]}, "m": "x"}"#)
        #expect(parsed.compact == #"{"z":1,"a":{"y":null,"b":[true]},"m":"x"}"#)
        #expect(parsed.canonical == #"{"a":{"b":[true]},"m":"x","z":1}"#)
        let reordered = try parse(#"{"m": "x", "a": {"b": [true], "y": null}, "z": 1}"#)
        #expect(parsed == reordered)
        #expect(parsed.hashValue == reordered.hashValue)
        #expect(parsed != (try parse(#"{"z": 1, "a": {"y": null, "b": [true]}}"#)))
    }

    @Test("keeps the last value of a repeated key")
    func repeatedKey() throws {
        #expect(try parse(#"{"a": 1, "a": 2}"#) == .object(["a": .integer(2)]))
    }

    @Test("integers beyond Int become numbers")
    func hugeIntegers() throws {
        #expect(try parse("123456789012345678901234567890") == .number(Double("123456789012345678901234567890")!))
    }

    @Test(
        "rejects what RFC 8259 does not allow",
        arguments: [
            "", " ", "[1,]", "{\"a\":1,}", "01", "-", "1.", "1e", ".5", "+1", "[1 2]", "{\"a\" 1}", "{a: 1}",
            "\"unterminated", "\"tab\there\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "nul", "truth",
            "[1] 2", "NaN", "1e999", "[", "{",
        ])
    func rejectsInvalid(_ text: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
    }

    @Test("rejects invalid UTF-8 inside strings")
    func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test("refuses nesting deeper than the limit instead of exhausting the stack")
    func depthLimit() throws {
        let depth = JSONParser.maximumDepth
        let allowed = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        _ = try parse(allowed)
        let tooDeep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        #expect(throws: JSONParseError.self) { try parse(tooDeep) }
    }

    @Test("agrees with Foundation on documents in the providers' shapes")
    func agreesWithFoundation() throws {
        let documents = [
            #"{"id":"task-unified-1","status":"completed","progress":100,"estimated_time":120,"#
                + #""result_data":[{"result_id":"r1","duration":198.4,"tags":"pop","audio_url":"https://a/b.mp3"}],"#
                + #""error":null,"usage":{"credits_reserved":8}}"#,
            #"{"code":200,"data":[{"task_id":"t1","status":"SUCCESS","data":[{"clip_id":"c"}]}],"message":"ok"}"#,
            #"[1.5e-3, -0, 42, "x\u0000y", {"nested": [[], {}]}]"#,
        ]
        for document in documents {
            let ours = try parse(document)
            let foundation = try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed])
            #expect(Self.plain(ours) == Self.plain(foundation), "\(document)")
        }
    }

    /// Both trees as one comparable text form (numbers as Doubles, keys sorted).
    private static func plain(_ value: Any) -> String {
        switch value {
        case let value as JSONValue:
            switch value {
            case .null: return "null"
            case .bool(let flag): return "\(flag)"
            case .integer(let integer): return "\(Double(integer))"
            case .number(let number): return "\(number)"
            case .string(let text): return "s:\(text)"
            case .array(let elements): return "[" + elements.map(plain).joined(separator: ",") + "]"
            case .object(let members):
                return "{"
                    + members.sorted { $0.key < $1.key }.map { "\($0.key):\(plain($0.value))" }
                    .joined(separator: ",") + "}"
            }
        case is NSNull: return "null"
        case let text as String: return "s:\(text)"
        case let array as [Any]: return "[" + array.map(plain).joined(separator: ",") + "]"
        case let object as [String: Any]:
            return "{"
                + object.sorted { $0.key < $1.key }.map { "\($0.key):\(plain($0.value))" }
                .joined(separator: ",") + "}"
        case let flag as Bool where type(of: value) == Bool.self: return "\(flag)"
        case let number as NSNumber: return "\(number.doubleValue)"
        default: return "?\(value)"
        }
    }
}
