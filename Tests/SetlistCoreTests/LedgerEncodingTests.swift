import Foundation
import SetlistCore
import Testing

/// The ledger's files as setlist wrote them before its own JSON writer: Foundation's `JSONEncoder` over the
/// `Codable` conformances, empty containers collapsed to `[]` and `{}`. Kept here only as the reference the writer
/// must match byte for byte.
enum FoundationLedgerEncoding {
    static func snapshot(_ ledger: Ledger) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return collapsingEmptyContainers(in: [UInt8](try encoder.encode(ledger))) + [UInt8(ascii: "\n")]
    }

    static func line(_ entry: LedgerJournalEntry) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(entry)) + [UInt8(ascii: "\n")]
    }

    /// Rewrites the pretty printer's empty containers (`[`, newlines and spaces, `]`) as `[]` and `{}`. A run of
    /// whitespace with a newline can only be formatting: JSON strings hold newlines escaped.
    static func collapsingEmptyContainers(in bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            output.append(byte)
            index += 1
            guard byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") else { continue }
            let closing = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            var end = index
            var sawNewline = false
            while end < bytes.count, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\n") {
                sawNewline = sawNewline || bytes[end] == UInt8(ascii: "\n")
                end += 1
            }
            if sawNewline, end < bytes.count, bytes[end] == closing {
                output.append(closing)
                index = end + 1
            }
        }
        return output
    }
}

/// Ledger values full of what JSON writers get wrong: every control character, quotes, backslashes, slashes,
/// non-ASCII text, keys that sort differently by bytes than by meaning, extreme and fractional numbers, and empty
/// containers.
enum TrickyLedger {
    static let strings: [String] = [
        "",
        "plain",
        String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init))),
        "quote \" backslash \\ slash / both \\/ \"\\\"",
        "https://files.evolink.ai/a/b?c=d&e=f#g",
        "</script><!-- -->",
        "tab\tnewline\ncarriage\rform\u{0C}backspace\u{08}nul\u{0}unit\u{1F}del\u{7F}",
        "Café déjà vu, naïve façade",
        "漢字とかなカナ",
        "🎸🥁 rock 👩🏽‍🎤 singer 🇫🇷",
        "e\u{301} combining, \u{200B}zero width, \u{FEFF}bom, \u{FFFD}replacement",
        "line\u{2028}separator\u{2029}paragraph",
        "\u{10FFFF}\u{E000}",
        "  leading and trailing spaces  ",
        "[{\n  \n}]",
    ]

    static let doubles: [Double] = [
        0, -0.0, 1, 8, 8.5, -1.5, 187.4, 0.1 + 0.2, 1.0 / 3, 100, 1e15, 1e16, 1e21, 1.234_567_890_123_456_8e20,
        1e-7, 0.000_123, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, 9_007_199_254_740_994,
    ]

    static let times: [Int64] = [0, -1, 1_763_723_346_120, .max, .min]

    /// Job ids whose order by UTF-8 bytes differs from numeric or case-insensitive order.
    static let jobIDs: [String] = [
        "song-9", "song-10", "song-1", "song_1", "song-1a", "Song-2", "a", "A", "_", "-", "0", "z", "é", "漢", "🎸",
        "", "a b", "a\"b", "a\\b", "a/b", "a\nb", "\u{1}",
    ]

    static let error = RecordedError(kind: .rateLimited, httpStatus: 429, code: "rate_limited", message: strings[2])

    static func file(_ kind: MediaKind, _ index: Int) -> DownloadedFile {
        DownloadedFile(
            kind: kind, path: "out/\(strings[index % strings.count]).mp3", sha256: String(repeating: "e", count: 64),
            bytes: index.isMultiple(of: 2) ? .max : 0
        )
    }

    /// A result with every field set.
    static func result(_ index: Int) -> ResultRecord {
        ResultRecord(
            resultID: "result-\(index)-" + strings[index % strings.count],
            title: strings[(index + 1) % strings.count], duration: doubles[index % doubles.count],
            tags: strings[(index + 2) % strings.count], audioURL: strings[4], streamAudioURL: strings[5],
            imageURL: strings[(index + 3) % strings.count], text: strings[(index + 4) % strings.count],
            files: [file(.audio, index), file(.cover, index + 1), file(.wav, index + 2)]
        )
    }

    /// An attempt with every field set.
    static func attempt(_ number: Int) -> AttemptRecord {
        let results = [result(number), result(number + 1)]
        return AttemptRecord(
            number: number, fingerprint: strings[number % strings.count], idempotencyKey: strings[3],
            submissions: Int.max, taskID: strings[(number + 5) % strings.count], submittedAtMs: times[3],
            acceptedAtMs: times[4], finishedAtMs: times[1], outcome: .superseded, providerStatus: .cancelled,
            progress: -1, creditsReserved: doubles[number % doubles.count], error: error, generation: number,
            results: results, personaID: strings[(number + 4) % strings.count]
        )
    }

    /// A job with every field set.
    static func job(_ index: Int) -> JobRecord {
        JobRecord(
            kind: index.isMultiple(of: 2) ? .song : .persona, fingerprint: strings[index % strings.count],
            state: JobState.allCases[index % JobState.allCases.count], attempts: [attempt(1), attempt(index + 2)],
            pick: TakeRef(generation: index + 1, take: 2), personaID: strings[(index + 4) % strings.count],
            chainedInputs: ChainedInputs(
                personaID: strings[6], personaModel: .voicePersona, sourceTaskID: strings[7],
                sourceResultID: strings[8], artistClipID: strings[9], lyrics: strings[10 % strings.count],
                lyricsTitle: strings[11 % strings.count]
            ),
            lastError: error, blockedBy: strings[10]
        )
    }

    /// A run with every field set.
    static func run(_ index: Int) -> RunRecord {
        RunRecord(
            id: "run-\(index) " + strings[index % strings.count], setlistVersion: strings[(index + 2) % strings.count],
            startedAtMs: times[index % times.count],
            endedAtMs: times[(index + 1) % times.count],
            outcome: RunOutcome.allCases[index % RunOutcome.allCases.count],
            exitCode: index.isMultiple(of: 2) ? .max : .min,
            counts: RunCounts(
                submitted: 1, completed: 2, failed: 3, blocked: 4, skipped: 5, polls: .max, requests: .min
            ),
            creditsReserved: doubles[index % doubles.count]
        )
    }

    /// A ledger with every field set, tricky job ids, and each kind of job, attempt and result.
    static func ledger() -> Ledger {
        var jobs: [String: JobRecord] = [:]
        for (index, id) in jobIDs.enumerated() { jobs[id] = job(index) }
        jobs["minimal"] = JobRecord(kind: .song, fingerprint: "f")
        jobs["empty-inputs"] = JobRecord(kind: .persona, fingerprint: "g", chainedInputs: ChainedInputs())
        return Ledger(
            album: strings[9], manifest: strings[12], provider: LedgerProvider(api: .sunoProxy, baseURL: strings[4]),
            sequence: .max, jobs: jobs, runs: (0..<6).map(run) + [RunRecord(id: "bare", startedAtMs: 0)]
        )
    }

    /// Every kind of event, with its optional fields set and left out, over the tricky strings and numbers.
    static func events() -> [LedgerEvent] {
        var events: [LedgerEvent] = []
        for (index, text) in strings.enumerated() {
            let number = doubles[index % doubles.count]
            let time = times[index % times.count]
            let inputs = ChainedInputs(
                personaID: text, personaModel: .stylePersona, sourceTaskID: text, sourceResultID: text,
                artistClipID: text
            )
            events += [
                .runStarted(
                    run: text, at: time, album: text, manifest: text,
                    provider: LedgerProvider(api: .evolink, baseURL: text)),
                .runFinished(
                    run: text, at: time, outcome: .ledgerUnwritable, exitCode: .min, skipped: index,
                    polls: .max, requests: -index),
                .jobPlanned(job: text, kind: .persona, fingerprint: text),
                .jobRequeued(job: text),
                .submitIntent(job: text, attempt: index, idempotencyKey: text, inputs: inputs, at: time),
                .submitIntent(job: text, attempt: .max, idempotencyKey: text, inputs: nil, at: time),
                .submitIntent(job: text, attempt: 1, idempotencyKey: text, inputs: ChainedInputs(), at: time),
                .submitAccepted(job: text, attempt: index, taskID: text, creditsReserved: number, at: time),
                .submitAccepted(job: text, attempt: index, taskID: text, creditsReserved: nil, at: time),
                .submitFailed(
                    job: text, attempt: index, error: RecordedError(message: text), willRetry: true,
                    at: time),
                .submitFailed(job: text, attempt: index, error: error, willRetry: false, at: time),
                .taskProgress(job: text, attempt: index, status: .processing, progress: index, at: time),
                .taskProgress(job: text, attempt: index, status: .pending, progress: nil, at: time),
                .taskCompleted(
                    job: text, attempt: index, results: [result(index), result(index + 1)],
                    personaID: text, at: time),
                .taskCompleted(job: text, attempt: index, results: [], personaID: nil, at: time),
                .taskFailed(job: text, attempt: index, error: error, willRetry: index.isMultiple(of: 2), at: time),
                .jobBlocked(job: text, by: text, at: time),
                .jobMarkedUnknown(job: text, at: time),
                .downloadRecorded(job: text, take: nil, resultID: text, file: file(.cover, index)),
            ]
        }
        return events
    }

    /// A random ledger: random ids, strings and numbers drawn from the tricky ones and random bytes.
    static func randomLedger(_ random: inout SeededRandom) -> Ledger {
        var jobs: [String: JobRecord] = [:]
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            var record = job(Int.random(in: 0...1000, using: &random))
            record.fingerprint = randomString(&random)
            record.attempts[0].creditsReserved = Double(bitPattern: random.next())
            if !record.attempts[0].creditsReserved!.isFinite { record.attempts[0].creditsReserved = nil }
            if Bool.random(using: &random) { record.attempts[1].results = [] }
            if Bool.random(using: &random) { record.chainedInputs = nil }
            jobs[randomString(&random)] = record
        }
        return Ledger(
            album: Bool.random(using: &random) ? randomString(&random) : nil, manifest: randomString(&random),
            provider: nil, sequence: Int.random(in: 0...Int.max, using: &random), jobs: jobs,
            runs: (0..<Int.random(in: 0...3, using: &random)).map(run)
        )
    }

    static func randomString(_ random: inout SeededRandom) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...24, using: &random) {
            let pick = Int.random(in: 0...9, using: &random)
            let value: UInt32 =
                switch pick {
                case 0...3: UInt32.random(in: 0x20...0x7E, using: &random)
                case 4: UInt32.random(in: 0...0x1F, using: &random)
                case 5: [0x22, 0x5C, 0x2F, 0x7F].randomElement(using: &random)!
                case 6: UInt32.random(in: 0x80...0x7FF, using: &random)
                case 7: UInt32.random(in: 0x800...0xD7FF, using: &random)
                default: UInt32.random(in: 0x1_0000...0x10_FFFF, using: &random)
                }
            scalars.append(Unicode.Scalar(value)!)
        }
        return String(scalars)
    }
}

@Suite struct LedgerEncodingTests {
    @Test func aRichSnapshotMatchesFoundationsBytesAndDecodesBack() throws {
        let ledger = TrickyLedger.ledger()
        let bytes = try LedgerCoder().snapshot(ledger)
        #expect(bytes == (try FoundationLedgerEncoding.snapshot(ledger)))
        #expect(try LedgerCoder().ledger(fromSnapshot: bytes) == ledger)
    }

    @Test func emptyAndFoldedLedgersMatchFoundationsBytes() throws {
        var ledger = Ledger()
        #expect(try LedgerCoder().snapshot(ledger) == (try FoundationLedgerEncoding.snapshot(ledger)))
        for event in LedgerCodingTests.every.prefix(1) { try ledger.apply(event) }
        try ledger.apply(.jobPlanned(job: "j", kind: .song, fingerprint: "f"))
        #expect(try LedgerCoder().snapshot(ledger) == (try FoundationLedgerEncoding.snapshot(ledger)))
    }

    @Test func everyEventLineMatchesFoundationsBytesAndDecodesBack() throws {
        let coder = LedgerCoder()
        for (index, event) in (TrickyLedger.events() + LedgerCodingTests.every).enumerated() {
            let entry = LedgerJournalEntry(sequence: index.isMultiple(of: 3) ? Int.max : index, event: event)
            let line = try coder.line(entry)
            #expect(line == (try FoundationLedgerEncoding.line(entry)), "\(event.typeName) #\(index)")
            #expect(line.last == UInt8(ascii: "\n") && line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") })
            #expect(try coder.entry(fromLine: line.dropLast()) == entry)
        }
    }

    @Test func randomLedgersMatchFoundationsBytes() throws {
        var random = SeededRandom(seed: 0x5E7_1157)
        let coder = LedgerCoder()
        for round in 0..<200 {
            let ledger = TrickyLedger.randomLedger(&random)
            let bytes = try coder.snapshot(ledger, expectedSize: round)
            #expect(bytes == (try FoundationLedgerEncoding.snapshot(ledger)), "round \(round)")
            #expect(try coder.ledger(fromSnapshot: bytes) == ledger, "round \(round)")
            let text = TrickyLedger.randomString(&random)
            let entry = LedgerJournalEntry(
                sequence: round,
                event: .taskProgress(
                    job: text, attempt: round, status: .processing, progress: round,
                    at: Int64(bitPattern: random.next()))
            )
            #expect(try coder.line(entry) == (try FoundationLedgerEncoding.line(entry)), "round \(round)")
        }
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func aNumberJSONCannotHoldIsAnError(value: Double) throws {
        let event = LedgerEvent.submitAccepted(job: "j", attempt: 1, taskID: "t", creditsReserved: value, at: 1)
        #expect(throws: LedgerEncodingError.self) {
            try LedgerCoder().line(LedgerJournalEntry(sequence: 1, event: event))
        }
        #expect(throws: EncodingError.self) {
            try FoundationLedgerEncoding.line(LedgerJournalEntry(sequence: 1, event: event))
        }
        var ledger = Ledger()
        try ledger.apply(.jobPlanned(job: "j", kind: .song, fingerprint: "f"))
        try ledger.apply(.submitIntent(job: "j", attempt: 1, idempotencyKey: "k", inputs: nil, at: 1))
        try ledger.apply(event)
        #expect {
            try LedgerCoder().snapshot(ledger)
        } throws: { error in
            "\(error)".contains("'credits_reserved'") && "\(error)".contains("JSON cannot hold")
        }
    }

    /// The rich fixtures set every optional field, so that each field's key and position is compared above.
    @Test func theRichFixturesLeaveNoFieldOut() {
        let samples: [Any] = [
            TrickyLedger.ledger(), TrickyLedger.job(1), TrickyLedger.job(1).chainedInputs!, TrickyLedger.attempt(1),
            TrickyLedger.result(1), TrickyLedger.run(1), TrickyLedger.error,
        ]
        for sample in samples {
            for child in Mirror(reflecting: sample).children {
                let value = Mirror(reflecting: child.value)
                let isNil = value.displayStyle == .optional && value.children.isEmpty
                #expect(!isNil, "\(type(of: sample)).\(child.label ?? "?") is nil in the fixture")
            }
        }
    }
}
