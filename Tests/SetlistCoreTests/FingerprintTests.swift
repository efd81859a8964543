import Testing

@testable import SetlistCore

@Suite struct FingerprintCanonicalJSONTests {
    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-2.5, "-2.5"), (0.5, "0.5"), (0.1, "0.1"), (4.35, "4.35"),
        (0.1 + 0.2, "0.30000000000000004"), (123.456, "123.456"), (1e20, "100000000000000000000"),
        (1e21, "1e+21"), (1.5e22, "1.5e+22"), (0.000001, "0.000001"), (1e-7, "1e-7"), (-1.25e-8, "-1.25e-8"),
        (Double.leastNonzeroMagnitude, "5e-324"), (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
        (9_007_199_254_740_992, "9007199254740992"),
    ])
    func numbersUseTheShortestECMAScriptForm(value: Double, expected: String) {
        #expect(JSONValue.number(value).canonical == expected)
    }

    @Test func integersHaveNoFraction() {
        #expect(JSONValue.integer(-42).canonical == "-42")
        #expect(JSONValue.number(180).canonical == "180")
    }

    @Test func stringsAreEscapedAsRFC8785Requires() {
        let value = JSONValue.string("a\"b\\c/\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é😀\u{2028}")
        #expect(value.canonical == #""a\"b\\c/\n\r\t\b\f\u0001\u001f"# + "\u{7f}é😀\u{2028}\"")
    }

    @Test func keysSortByUTF16CodeUnits() {
        let keys = ["\u{20ac}", "\r", "\u{1F600}", "1", "\u{80}", "\u{f6}", "\u{fb33}"]
        let object = JSONValue.object(.init(uniqueKeysWithValues: keys.enumerated().map { ($1, .integer($0)) }))
        #expect(
            object.canonical == "{\"\\r\":1,\"1\":3,\"\u{80}\":4,\"\u{f6}\":5,"
                + "\"\u{20ac}\":0,\"\u{1F600}\":2,\"\u{fb33}\":6}")
    }

    @Test func nullMembersAreOmittedButNullElementsKept() {
        let value = JSONValue.object(["b": .null, "a": .array([.null, .bool(true)]), "c": .object([:])])
        #expect(value.canonical == #"{"a":[null,true],"c":{}}"#)
    }

    @Test func prettyFormIndentsAndSorts() {
        let value = JSONValue.object([
            "z": .array([.integer(1), .string("x")]), "a": .object(["k": .bool(false), "n": .null]), "e": .array([]),
        ])
        #expect(
            value.pretty == """
                {
                  "a": {
                    "k": false
                  },
                  "e": [],
                  "z": [
                    1,
                    "x"
                  ]
                }
                """)
    }
}

@Suite struct FingerprintJobTests {
    private func fingerprints(
        _ manifest: ResolvedManifest, scheme: JobFingerprint.Scheme = .current
    ) throws -> [String: String] {
        let graph = try JobGraph(manifest: manifest)
        let values = JobFingerprint.fingerprints(of: graph, api: manifest.provider.api, scheme: scheme)
        return Dictionary(uniqueKeysWithValues: zip(graph.jobs.map(\.id), values))
    }

    @Test func sha256IsLowercaseHex() {
        #expect(JobFingerprint.hexSHA256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(JobFingerprint.hexSHA256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func documentOfASimpleSongIsTheCanonicalRequest() throws {
        let sunset = PlanFixtures.album().songs[1]
        let document = JobFingerprint.document(for: .song(sunset), api: .evolink) { _ in
            Issue.record()
            return ""
        }
        #expect(
            document.canonical == #"{"api":"evolink","kind":"song","request":{"custom_mode":false,"#
                + #""instrumental":false,"model":"suno-v5-beta","prompt":"A slow acoustic ballad about sunsets"},"#
                + #""version":1}"#)
    }

    @Test func documentNamesChainedValuesByTheJobTheyComeFrom() throws {
        let album = PlanFixtures.album()
        let persona = JobFingerprint.document(for: .persona(album.personas[0]), api: .sunoProxy) { _ in
            Issue.record("the current scheme names no upstream fingerprint")
            return ""
        }
        #expect(
            persona.canonical == #"{"api":"suno-proxy","kind":"persona","request":{"#
                + #""description":"Warm female pop vocals","name":"Road Singer","#
                + #""result_id":"source:open-road/result_id","source_task_id":"source:open-road/task_id","#
                + #""style":"electronic pop","vocal_end":34,"vocal_start":12},"version":1}"#)
        let song = JobFingerprint.document(for: .song(album.songs[2]), api: .evolink)
        guard case .object(let top) = song, case .object(let request) = top["request"] else {
            Issue.record("not an object")
            return
        }
        #expect(request["persona_id"] == .string("persona:road-voice/persona_id"))
        #expect(request["artist_clip_id"] == .string("persona:road-voice/artist_clip_id"))
    }

    @Test func formatOneDocumentReplacesChainedValuesByUpstreamFingerprints() throws {
        let album = PlanFixtures.album()
        let persona = JobFingerprint.document(
            for: .persona(album.personas[0]), api: .sunoProxy, scheme: .formatOne
        ) { id in
            #expect(id == "open-road")
            return "f00d"
        }
        #expect(
            persona.canonical == #"{"api":"suno-proxy","kind":"persona","request":{"#
                + #""description":"Warm female pop vocals","name":"Road Singer","#
                + #""result_id":"fingerprint:f00d/results[1]/result_id","source_task_id":"fingerprint:f00d/task_id","#
                + #""style":"electronic pop","vocal_end":34,"vocal_start":12},"version":1}"#)
        let song = JobFingerprint.document(for: .song(album.songs[2]), api: .evolink, scheme: .formatOne) { _ in
            "beef"
        }
        guard case .object(let top) = song, case .object(let request) = top["request"] else {
            Issue.record("not an object")
            return
        }
        #expect(request["persona_id"] == .string("fingerprint:beef/persona_id"))
        #expect(request["artist_clip_id"] == .string("fingerprint:beef/artist_clip_id"))
        #expect(request["persona_model"] == .string("voice_persona"))
    }

    /// These are the values setlist recorded in format 1 ledgers; they must never change, or an upgrade would
    /// pay for every chained job again.
    @Test func formatOneFingerprintsNeverDrift() throws {
        let values = try fingerprints(PlanFixtures.album(), scheme: .formatOne)
        #expect(values["open-road"] == "7e0db29531ffb18953ce127ea74f455afd5ef8eeaec4f50ff917b90a9dcfdbb6")
        #expect(values["road-voice"] == "5dd4f9c3fceff3383a611b30f945d4b7516d12022db3b75dc062f4d4b660e3b3")
        #expect(values["homecoming"] == "9d40ba7c1663f6b9c887488e65a2591e1acdf19d4b4e9c4e4117b7aef4224ce0")
    }

    @Test func currentFingerprintsNeverDrift() throws {
        let values = try fingerprints(PlanFixtures.album())
        #expect(values["open-road"] == "7e0db29531ffb18953ce127ea74f455afd5ef8eeaec4f50ff917b90a9dcfdbb6")
        #expect(values["road-voice"] == "5c66d6f69e4e1dd84d999c1faa39118d5e4c7f22d36371c0de2a7bb7f901f6bc")
        #expect(values["homecoming"] == "8b0a642daff46c8780b031f3b3c1fb2f6cea3585336bbc455936f071d120ad2b")
    }

    @Test func editingASongChangesItsOwnFingerprintOnly() throws {
        let before = try fingerprints(PlanFixtures.album())
        var edited = PlanFixtures.album()
        edited.songs[0].style = "pop, upbeat"
        let after = try fingerprints(edited)
        #expect(after["open-road"] != before["open-road"])
        for id in ["road-voice", "homecoming", "sunset"] {
            #expect(after[id] == before[id], "\(id): the planner, not the fingerprint, runs what the edit reaches")
        }
    }

    @Test func formatOneFingerprintsCarriedEditsDownstream() throws {
        let before = try fingerprints(PlanFixtures.album(), scheme: .formatOne)
        var edited = PlanFixtures.album()
        edited.songs[0].style = "pop, upbeat"
        let after = try fingerprints(edited, scheme: .formatOne)
        for id in ["open-road", "road-voice", "homecoming"] { #expect(after[id] != before[id], "\(id)") }
        #expect(after["sunset"] == before["sunset"])
    }

    @Test func formatOneEditsPropagatedAlongAPersonaChainAndNoFurther() throws {
        func chain(firstStyle: String) -> ResolvedManifest {
            var first = PlanFixtures.song("s1", track: 1)
            first.style = firstStyle
            return PlanFixtures.manifest(
                songs: [
                    first, PlanFixtures.song("s2", track: 2, persona: .job("p1")),
                    PlanFixtures.song("s3", track: 3, persona: .job("p2")), PlanFixtures.song("solo", track: 4),
                    PlanFixtures.song("s4", track: 5, persona: .literal("abc"), after: ["s3"]),
                ],
                personas: [PlanFixtures.persona("p1", from: "s1"), PlanFixtures.persona("p2", from: "s2")]
            )
        }
        let before = try fingerprints(chain(firstStyle: "pop"), scheme: .formatOne)
        let after = try fingerprints(chain(firstStyle: "jazz"), scheme: .formatOne)
        for id in ["s1", "p1", "s2", "p2", "s3"] { #expect(after[id] != before[id], "\(id)") }
        for id in ["solo", "s4"] { #expect(after[id] == before[id], "\(id)") }
        #expect(Set(before.values).count == before.count)
    }

    @Test func afterEdgesOrderJobsButDoNotPropagateFingerprints() throws {
        let before = try fingerprints(PlanFixtures.album())
        var edited = PlanFixtures.album()
        edited.songs[1].prompt = "A fast song about sunrises"
        let after = try fingerprints(edited)
        #expect(after["sunset"] != before["sunset"])
        for id in ["open-road", "road-voice", "homecoming"] { #expect(after[id] == before[id]) }
    }

    @Test func changingTheTakeChangedTheFormatOneFingerprintsOfThePersonaAndItsSongs() throws {
        let before = try fingerprints(PlanFixtures.album(), scheme: .formatOne)
        var edited = PlanFixtures.album()
        edited.personas[0].source = .song(id: "open-road", take: .newest(take: 2))
        let after = try fingerprints(edited, scheme: .formatOne)
        #expect(after["open-road"] == before["open-road"])
        #expect(after["road-voice"] != before["road-voice"])
        #expect(after["homecoming"] != before["homecoming"])
    }

    @Test func providerAPIIsPartOfEveryFingerprint() throws {
        let evolink = try fingerprints(PlanFixtures.album())
        var proxy = PlanFixtures.album()
        proxy.provider.api = .sunoProxy
        let other = try fingerprints(proxy)
        for (id, value) in evolink { #expect(other[id] != value) }
    }

    @Test func fingerprintHashesTheRequestNotTheJobID() throws {
        let one = PlanFixtures.song("a", track: 1)
        var renamed = one
        renamed.id = "b"
        let first = JobFingerprint.fingerprint(of: .song(one), api: .evolink) { _ in "" }
        #expect(JobFingerprint.fingerprint(of: .song(renamed), api: .evolink) { _ in "" } == first)
        #expect(first.count == 64 && first.allSatisfy { "0123456789abcdef".contains($0) })
    }
}
