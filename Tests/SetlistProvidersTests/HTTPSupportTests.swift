import Foundation
import Testing

@testable import SetlistProviders

@Suite("Retry-After, HTTP dates, headers and error bodies")
struct HTTPSupportTests {
    @Test(
        arguments: [
            ("0", Duration.zero), ("7", .seconds(7)), (" 120 ", .seconds(120)), ("2.5", .seconds(3)),
            ("4.0", .seconds(4)),
            ("999999999999", .seconds(300)),
            ("Sat, 21 Nov 2026 12:01:30 GMT", .seconds(90)),
            ("Saturday, 21-Nov-26 12:00:10 GMT", .seconds(10)),
            ("Sat Nov 21 12:00:05 2026", .seconds(5)),
            ("Fri, 20 Nov 2026 12:00:00 GMT", .zero),
        ] as [(String, Duration)])
    func retryAfterReadsSecondsAndAllThreeDateFormats(value: String, expected: Duration) {
        #expect(RetryAfter.parse(value, now: fixedNow) == expected)
    }

    @Test(arguments: [nil, "", "-5", "soon", "1e3", "Sat, 32 Nov 2026 12:00:00 GMT", "Sat, 21 Foo 2026 12:00:00 GMT"])
    func retryAfterIgnoresUnreadableValues(value: String?) {
        #expect(RetryAfter.parse(value, now: fixedNow) == nil)
    }

    @Test func retryAfterCapIsConfigurable() {
        #expect(RetryAfter.parse("90", now: fixedNow, cap: .seconds(30)) == .seconds(30))
    }

    @Test func httpDateMatchesTheRFCExample() {
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == Date(timeIntervalSince1970: 784_111_777))
    }

    @Test func headerLookupIsCaseInsensitiveAndDescriptionsRedactCredentials() {
        var headers: HTTPHeaderFields = ["Authorization": "Bearer abc", "X-Trace": "1"]
        headers.add(name: "Cookie", value: "session=xyz")
        #expect(headers["authorization"] == "Bearer abc")
        #expect(headers["x-trace"] == "1")
        #expect(headers["missing"] == nil)
        #expect(headers.description == "[Authorization: <redacted>, X-Trace: 1, Cookie: <redacted>]")
        var dumped = ""
        dump(headers, to: &dumped)
        #expect(!dumped.contains("abc"))
        #expect(!dumped.contains("xyz"))
    }

    @Test func errorBodyShapes() {
        let nested = APIErrorBody.parse(Data(#"{"error":{"code":402,"message":"Pay","type":"t","param":"p"}}"#.utf8))
        #expect(nested == APIErrorBody(code: "402", message: "Pay", type: "t", param: "p"))
        let flat = APIErrorBody.parse(Data(#"{"code":"task_not_exist","message":"task not exist","data":null}"#.utf8))
        #expect(flat == APIErrorBody(code: "task_not_exist", message: "task not exist"))
        let bare = APIErrorBody.parse(Data(#"{"error":"bad gateway"}"#.utf8))
        #expect(bare == APIErrorBody(message: "bad gateway"))
        #expect(APIErrorBody.parse(Data("<html/>".utf8)) == nil)
        #expect(APIErrorBody.parse(Data(#"{"id":"task-unified-1"}"#.utf8)) == nil)
    }
}

@Suite("Key redaction")
struct RedactionTests {
    @Test func longKeyIsScrubbedEverywhere() {
        let credential = APICredential(testAPIKey)
        #expect(credential.redact("x\(testAPIKey)y and \(testAPIKey)") == "x<redacted>y and <redacted>")
        #expect(credential.description == "<redacted>")
    }

    @Test func shortKeyIsScrubbedOnlyWhereItStandsAlone() {
        let credential = APICredential("k")
        #expect(credential.redact("Invalid token k; check the key") == "Invalid token <redacted>; check the key")
        #expect(credential.redact("k") == "<redacted>")
        #expect(credential.redact("task k-1") == "task <redacted>-1")
    }
}
