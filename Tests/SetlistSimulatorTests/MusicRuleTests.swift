import Foundation
import Testing

@testable import SetlistSimulator

/// Music requests are checked server-side against the documented rules (api-contract §A.1, §C-6/C-7).
@Suite struct MusicRuleTests {
    private func expectRejected(
        _ body: String, containing fragment: String, configuration: SimulatorConfiguration = SimulatorConfiguration(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await Harness.with(configuration) { sim in
            let reply = try await sim.generate(body)
            #expect(reply.status == 400, sourceLocation: sourceLocation)
            #expect(reply.errorCode == "invalid_request", sourceLocation: sourceLocation)
            #expect(
                reply.json["error"]?["type"]?.stringValue == "invalid_request_error", sourceLocation: sourceLocation)
            #expect(reply.errorMessage.contains(fragment), "\(reply.errorMessage)", sourceLocation: sourceLocation)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 0, sourceLocation: sourceLocation)
        }
    }

    private func expectAccepted(
        _ body: String, configuration: SimulatorConfiguration = SimulatorConfiguration(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await Harness.with(configuration) { sim in
            let reply = try await sim.generate(body)
            #expect(reply.status == 200, "\(reply.errorMessage)", sourceLocation: sourceLocation)
        }
    }

    private static func text(_ count: Int) -> String { String(repeating: "a", count: count) }

    @Test func bodyMustBeAJSONObject() async throws {
        try await expectRejected("[1, 2]", containing: "JSON object")
        try await expectRejected("{not json", containing: "JSON object")
    }

    @Test func modelIsRequiredAndMustBeKnown() async throws {
        try await expectRejected(#"{"prompt": "a song"}"#, containing: "model is required")
        try await expectRejected(
            #"{"model": "suno-v3.5", "custom_mode": false, "instrumental": false, "prompt": "a song"}"#,
            containing: "not supported")
    }

    @Test(arguments: [
        ("suno-v4", "suno-v4-beta"), ("suno-v4.5", "suno-v4.5-beta"), ("suno-v4.5plus", "suno-v4.5plus-beta"),
        ("suno-v4.5all", "suno-v4.5all-beta"), ("suno-v5", "suno-v5-beta"), ("suno-v5-beta", "suno-v5-beta"),
        ("suno-v5.5", "suno-v5.5-beta"), ("suno-v6-beta", "suno-v6-beta"), ("suno-v6-mini", "suno-v6-mini-beta"),
        ("suno-v6-wild-beta", "suno-v6-wild-beta"),
    ])
    func modelNamesMapToTheirBetaNames(requested: String, echoed: String) async throws {
        try await Harness.with { sim in
            let reply = try await sim.generate(
                #"{"model": "\#(requested)", "custom_mode": false, "instrumental": false, "prompt": "a song"}"#)
            #expect(reply.status == 200)
            #expect(reply.string("model") == echoed)
        }
    }

    @Test func simpleModeNeedsAPrompt() async throws {
        let flags = #""custom_mode": false, "instrumental": false"#
        try await expectRejected(
            #"{"model": "suno-v5", \#(flags)}"#, containing: "prompt is required when custom_mode is false")
        try await expectRejected(
            #"{"model": "suno-v5", "custom_mode": false, "instrumental": false, "prompt": ""}"#,
            containing: "prompt is required")
    }

    @Test func customModeNeedsStyleTitleAndLyricsUnlessInstrumental() async throws {
        let base = #""model": "suno-v5", "custom_mode": true"#
        let sung = #"\#(base), "instrumental": false"#
        try await expectRejected(#"{\#(sung), "title": "T", "prompt": "la"}"#, containing: "style is required")
        try await expectRejected(#"{\#(sung), "style": "pop", "prompt": "la"}"#, containing: "title is required")
        try await expectRejected(#"{\#(sung), "style": "pop", "title": "T"}"#, containing: "prompt (the lyrics)")
        try await expectAccepted(#"{\#(base), "style": "pop", "title": "T", "instrumental": true}"#)
    }

    /// Seeds 001/003 mark both flags required ("erforderlich", "필수"), so by default a body without one is the
    /// documented 400, worded like seed 002's `model_params.source_task_id is required`; even the seeds' own curl
    /// example, which leaves them out. `requireModeFlags: false` is the G3 behaviour: both default to false.
    @Test func modeFlagsAreRequiredByDefaultAndDefaultToFalseOnG3() async throws {
        try await Harness.with { sim in
            let reply = try await sim.generate(Seeds.curlMusicBody)
            #expect(reply.status == 400)
            #expect(
                reply.json
                    == .object([
                        "error": .object([
                            "code": "invalid_request", "message": "custom_mode is required",
                            "type": "invalid_request_error",
                        ])
                    ]))
        }
        try await expectRejected(
            #"{"model": "suno-v5", "custom_mode": false, "prompt": "x"}"#, containing: "instrumental is required")
        try await expectRejected(
            #"{"model": "suno-v5", "instrumental": false, "prompt": "x"}"#, containing: "custom_mode is required")
        try await expectAccepted(Seeds.musicBody)
        let g3 = SimulatorConfiguration(requireModeFlags: false)
        try await expectAccepted(Seeds.curlMusicBody, configuration: g3)
        try await expectAccepted(#"{"model": "suno-v5", "custom_mode": false, "prompt": "x"}"#, configuration: g3)
    }

    @Test func fieldTypesAreChecked() async throws {
        try await expectRejected(
            #"{"model": "suno-v5", "custom_mode": false, "instrumental": false, "prompt": 5}"#,
            containing: "prompt must be a string")
        try await expectRejected(#"{"model": "suno-v5", "prompt": "x", "custom_mode": "yes"}"#, containing: "boolean")
        try await expectRejected(
            #"{"model": "suno-v5", "custom_mode": false, "instrumental": false, "prompt": "x", "vocal_gender": "x"}"#,
            containing: "vocal_gender")
    }

    @Test func simplePromptIs500OnG2ModelsAnd3000OnG3Models() async throws {
        try await expectAccepted(
            #"{"model": "suno-v5", "custom_mode": false, "instrumental": false, "prompt": "\#(Self.text(500))"}"#)
        try await expectRejected(
            #"{"model": "suno-v5", "custom_mode": false, "instrumental": false, "prompt": "\#(Self.text(501))"}"#,
            containing: "at most 500")
        try await expectRejected(
            #"{"model": "suno-v4", "custom_mode": false, "instrumental": false, "prompt": "\#(Self.text(501))"}"#,
            containing: "at most 500")
        try await expectAccepted(
            #"{"model": "suno-v6", "custom_mode": false, "instrumental": false, "prompt": "\#(Self.text(3000))"}"#)
        try await expectRejected(
            #"{"model": "suno-v6-beta", "custom_mode": false, "instrumental": false, "prompt": "\#(Self.text(3001))"}"#,
            containing: "3000")
    }

    @Test func customPromptIs3000OnV4And5000Later() async throws {
        try await expectAccepted(Seeds.customSongBody(model: "suno-v4").replacingPrompt(Self.text(3000)))
        try await expectRejected(
            Seeds.customSongBody(model: "suno-v4").replacingPrompt(Self.text(3001)), containing: "at most 3000"
        )
        try await expectAccepted(Seeds.customSongBody(model: "suno-v4.5").replacingPrompt(Self.text(5000)))
        try await expectRejected(
            Seeds.customSongBody(model: "suno-v6").replacingPrompt(Self.text(5001)), containing: "at most 5000"
        )
    }

    @Test func styleIs200OnV4And1000Later() async throws {
        let v4 = #"{"model": "suno-v4", "custom_mode": true, "instrumental": true, "title": "T", "style": "#
        try await expectAccepted(v4 + #""\#(Self.text(200))"}"#)
        try await expectRejected(v4 + #""\#(Self.text(201))"}"#, containing: "style is 201 characters")
        let v5 = #"{"model": "suno-v5", "custom_mode": true, "instrumental": true, "title": "T", "style": "#
        try await expectAccepted(v5 + #""\#(Self.text(1000))"}"#)
        try await expectRejected(v5 + #""\#(Self.text(1001))"}"#, containing: "at most 1000")
    }

    @Test func titleIs80AndNegativeTags200() async throws {
        let head = #"{"model": "suno-v5", "custom_mode": true, "instrumental": true, "style": "pop", "#
        try await expectAccepted(head + #""title": "\#(Self.text(80))"}"#)
        try await expectRejected(head + #""title": "\#(Self.text(81))"}"#, containing: "title is 81 characters")
        try await expectAccepted(head + #""title": "T", "negative_tags": "\#(Self.text(200))"}"#)
        try await expectRejected(
            head + #""title": "T", "negative_tags": "\#(Self.text(201))"}"#, containing: "negative_tags")
    }

    @Test(arguments: ["style_weight", "weirdness_constraint", "audio_weight"])
    func weightsAreBetweenZeroAndOne(field: String) async throws {
        try await expectAccepted(Seeds.customSongBody(extra: #", "\#(field)": 0"#))
        try await expectAccepted(Seeds.customSongBody(extra: #", "\#(field)": 1"#))
        try await expectRejected(Seeds.customSongBody(extra: #", "\#(field)": 1.01"#), containing: "between 0 and 1")
        try await expectRejected(Seeds.customSongBody(extra: #", "\#(field)": -0.1"#), containing: field)
        try await expectRejected(Seeds.customSongBody(extra: #", "\#(field)": "0.5""#), containing: "must be a number")
    }

    @Test func durationOnlyOnV55AndV6InCustomModeFrom10To360() async throws {
        try await expectAccepted(Seeds.customSongBody(model: "suno-v6", extra: #", "duration": 10"#))
        try await expectAccepted(Seeds.customSongBody(model: "suno-v5.5-beta", extra: #", "duration": 360"#))
        try await expectRejected(
            Seeds.customSongBody(model: "suno-v6", extra: #", "duration": 9"#), containing: "from 10 to 360"
        )
        try await expectRejected(
            Seeds.customSongBody(model: "suno-v6", extra: #", "duration": 361"#), containing: "from 10 to 360"
        )
        try await expectRejected(
            Seeds.customSongBody(model: "suno-v6", extra: #", "duration": 60.5"#), containing: "whole number"
        )
        try await expectRejected(
            Seeds.customSongBody(model: "suno-v5", extra: #", "duration": 60"#),
            containing: "not supported by suno-v5-beta"
        )
        try await expectRejected(
            #"{"model": "suno-v6", "custom_mode": false, "instrumental": false, "prompt": "a song", "duration": 60}"#,
            containing: "requires custom_mode"
        )
    }

    @Test func durationShapesTheResultLengths() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedSong(Seeds.customSongBody(model: "suno-v6", extra: #", "duration": 60"#))
            for result in song["result_data"]?.arrayValue ?? [] {
                let seconds = try #require(result["duration"]?.numberValue)
                #expect((57...63).contains(seconds))
            }
        }
    }

    @Test func callbackURLMustBeHTTPSAndPublic() async throws {
        try await expectAccepted(Seeds.customSongBody(extra: #", "callback_url": "https://example.com/hook""#))
        try await expectRejected(
            Seeds.customSongBody(extra: #", "callback_url": "http://example.com/hook""#), containing: "https"
        )
        try await expectRejected(
            Seeds.customSongBody(extra: #", "callback_url": "https://192.168.1.4/hook""#), containing: "internal"
        )
    }
}

extension String {
    /// A custom song body whose lyrics are replaced by `prompt`.
    func replacingPrompt(_ prompt: String) -> String {
        replacingOccurrences(of: #""[Verse]\nDriving down the open road""#, with: "\"\(prompt)\"")
    }
}
