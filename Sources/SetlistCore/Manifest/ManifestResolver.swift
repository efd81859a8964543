import Foundation

/// Checks a `RawManifest` against every rule of DESIGN §2 and the provider limits, and builds the
/// `ResolvedManifest` when nothing is wrong. Each rule adds to `diagnostics`; none stops the others.
struct ManifestResolver {
    private(set) var diagnostics: [Diagnostic] = []
    let raw: RawManifest
    let manifestFileName: String
    let readLyrics: (String) throws -> String
    var lyricsCache: [String: Result<String, any Error>] = [:]
    /// Every job id with its kind and the location of its first definition.
    var jobs: [String: (kind: JobKind, location: SourceLocation)] = [:]
    /// The location of each dependency reference, to point at when it closes a cycle.
    var edgeLocations: [DependencyEdge: SourceLocation] = [:]
    /// Unknown references that still get a "did you mean" search; past this many, a manifest that is mostly
    /// dangling references would cost O(references × ids) to report.
    var suggestionsLeft = 100
    var candidateCache: [Set<JobKind>: [String]] = [:]

    /// The kinds of job a manifest writes; the raw value is how messages name one.
    enum JobKind: String {
        case song, persona
        case lyrics = "lyrics job"
    }

    struct DependencyEdge: Hashable {
        var from: String
        var to: String
    }

    init(raw: RawManifest, manifestFileName: String, readLyrics: @escaping (String) throws -> String) {
        self.raw = raw
        self.manifestFileName = manifestFileName
        self.readLyrics = readLyrics
    }

    mutating func resolve() -> ResolvedManifest? {
        let album = resolveHeader()
        let credits = resolveCredits()
        let provider = resolveProvider()
        let limits = resolveLimits()
        let retry = resolveRetry()
        let slug = Self.slug(album ?? "")
        let output = resolveOutput(albumSlug: slug)
        registerJobs()
        let songs = resolveSongs(api: provider?.api)
        let personas = resolvePersonas(api: provider?.api ?? raw.provider.api?.value ?? .evolink, songs: songs)
        let lyrics = resolveLyricsJobs()
        checkWAVProvider()
        checkCycles()
        guard !diagnostics.containsErrors, let album, let provider, let retry else { return nil }
        return ResolvedManifest(
            album: album, albumSlug: slug, provider: provider, limits: limits, retry: retry, output: output,
            songs: songs, personas: personas,
            outputLocations: OutputLocations(
                directory: raw.output.dir?.location ?? raw.album?.location ?? raw.location,
                ledger: raw.output.ledger?.location ?? raw.location),
            credits: credits, lyrics: lyrics
        )
    }

    /// The album's artist, year and genre, each checked: text not blank and of a bounded length, the year a
    /// four-digit year a release can have.
    private mutating func resolveCredits() -> AlbumCredits {
        var credits = AlbumCredits(
            artist: checkedCredit(raw.artist, owner: nil, field: "artist"),
            genre: checkedCredit(raw.genre, owner: nil, field: "genre"))
        if let year = raw.year {
            if Self.plausibleYears.contains(year.value) {
                credits.year = year.value
            } else {
                error(
                    at: year.location,
                    "year \(year.value) is not a release year; write the album's year with four digits, "
                        + "from \(Self.plausibleYears.lowerBound) to \(Self.plausibleYears.upperBound).")
            }
        }
        return credits
    }

    /// The years `year:` accepts.
    static let plausibleYears = 1900...2100

    /// The most characters an artist or genre may have: enough for any credit, short enough for every tag reader.
    static let creditLengthLimit = 200

    /// A credit (`artist`, `genre`) as written, or nil with an error when it is blank or too long.
    mutating func checkedCredit(_ value: Located<String>?, owner: String?, field: String) -> String? {
        guard let value else { return nil }
        let subject = owner.map { "\($0): \(field)" } ?? field
        if Self.isBlank(value.value) {
            error(at: value.location, "\(subject) is empty; write a name, or leave the key out.")
            return nil
        }
        if value.value.count > Self.creditLengthLimit {
            error(
                at: value.location,
                "\(subject) is \(value.value.count) characters long; credits are at most "
                    + "\(Self.creditLengthLimit), so shorten it.")
            return nil
        }
        if value.value.contains(where: \.isNewline) {
            error(at: value.location, "\(subject) spans several lines; write it on one line.")
            return nil
        }
        return value.value.trimmingCharacters(in: .whitespaces)
    }

    mutating func error(at location: SourceLocation?, _ message: String) {
        diagnostics.append(.error(at: location ?? raw.location, message))
    }

    mutating func warning(at location: SourceLocation?, _ message: String) {
        diagnostics.append(.warning(at: location ?? raw.location, message))
    }

    // MARK: Top level

    /// Checks `setlist`, `album` and that `songs` exists; returns the album name.
    private mutating func resolveHeader() -> String? {
        if let version = raw.setlist {
            if version.value != 1 {
                error(
                    at: version.location,
                    "manifest format version \(version.value) is not supported; "
                        + "this setlist reads version 1, so write setlist: 1.")
            }
        } else if raw.keys["setlist"] == nil {
            error(at: raw.location, "the manifest must say which format it uses; add setlist: 1 at the top.")
        }
        if raw.keys["songs"] == nil {
            error(at: raw.location, "the manifest has no songs; add a songs: list with at least one song.")
        }
        guard let album = raw.album else {
            if raw.keys["album"] == nil {
                error(at: raw.location, "the manifest has no album name; add album: followed by the album's name.")
            }
            return nil
        }
        guard !Self.isBlank(album.value) else {
            error(at: album.location, "album is empty; give the album a name.")
            return nil
        }
        return album.value
    }

    private mutating func resolveProvider() -> ProviderSettings? {
        let settings = raw.provider
        let api = settings.api?.value ?? .evolink
        let baseURL: String
        if let written = settings.baseURL {
            guard let checked = checkBaseURL(written) else { return nil }
            baseURL = checked
        } else if api == .sunoProxy {
            error(
                at: raw.keys["provider"],
                "provider: base_url is required with api: suno-proxy, because each "
                    + "vendor has its own address; add base_url: https://...")
            return nil
        } else {
            baseURL = "https://api.evolink.ai"
        }
        let defaultKeyName = api == .evolink ? "EVOLINK_API_KEY" : "SUNO_PROXY_API_KEY"
        let keyName = settings.apiKeyEnv?.value ?? defaultKeyName
        if let written = settings.apiKeyEnv, !Self.isEnvironmentVariableName(written.value) {
            error(
                at: written.location,
                "provider: api_key_env must name an environment variable, such as "
                    + "\(defaultKeyName), that holds the key; never write the key itself in the manifest.")
            return nil
        }
        return ProviderSettings(
            api: api, baseURL: baseURL, apiKeyEnvironmentVariable: keyName,
            idempotencyKeys: settings.idempotencyKeys?.value ?? (api == .evolink)
        )
    }

    private mutating func checkBaseURL(_ written: Located<String>) -> String? {
        guard let url = CheckedURL(written.value), url.scheme == "https" || url.scheme == "http" else {
            error(
                at: written.location,
                "provider: base_url '\(written.value)' is not an http(s) URL; "
                    + "write it like https://api.example.com.")
            return nil
        }
        if url.scheme == "http", !url.isLoopback {
            error(
                at: written.location,
                "provider: base_url must use https, so the API key never crosses a "
                    + "network in clear text; http is allowed only for loopback hosts (127.0.0.1, localhost, [::1]).")
            return nil
        }
        if url.hasQueryOrFragment || url.hasUserInfo {
            error(
                at: written.location,
                "provider: base_url must be a plain address without user, query or "
                    + "fragment, such as https://api.example.com.")
            return nil
        }
        var text = written.value
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    private mutating func resolveLimits() -> RunLimits {
        let limits = raw.limits
        let requests = limits.requestsPerMinute?.value ?? 60
        if let submits = limits.submitsPerMinute, submits.value > requests {
            warning(
                at: submits.location,
                "limits: submits_per_minute is \(submits.value), above "
                    + "requests_per_minute (\(requests)); every submission is also a request, so at most \(requests) "
                    + "are sent a minute. Lower submits_per_minute or raise requests_per_minute.")
        }
        return RunLimits(
            concurrency: limits.concurrency?.value ?? 4, requestsPerMinute: requests,
            submitsPerMinute: limits.submitsPerMinute?.value ?? requests, maxCredits: limits.maxCredits?.value,
            taskTimeout: limits.taskTimeout?.value ?? .seconds(15 * 60), deadline: limits.deadline?.value
        )
    }

    private mutating func resolveRetry() -> RetrySettings? {
        let retry = raw.retry
        let initial = retry.initialBackoff?.value ?? .seconds(5)
        let maximum = retry.maxBackoff?.value ?? .seconds(120)
        if initial > maximum {
            error(
                at: retry.initialBackoff?.location ?? retry.maxBackoff?.location,
                "retry: backoff initial "
                    + "must not be longer than max; backoff starts at initial and grows up to max.")
            return nil
        }
        return RetrySettings(attempts: retry.attempts?.value ?? 3, initialBackoff: initial, maxBackoff: maximum)
    }

    private mutating func resolveOutput(albumSlug: String) -> OutputSettings {
        let output = raw.output
        for path in [output.dir, output.ledger].compactMap({ $0 }) where Self.isBlank(path.value) {
            error(at: path.location, "output: a path is empty; give a path or remove the key to use the default.")
        }
        if let ledger = output.ledger, !Self.isBlank(ledger.value), !ledger.value.hasSuffix(".ledger.json") {
            error(
                at: ledger.location,
                "output: ledger '\(ledger.value)' must be a file name ending in .ledger.json, "
                    + "so that the ledger, its .journal and its .lock never take the name of another file; for "
                    + "example \(Self.stem(of: manifestFileName)).ledger.json.")
        }
        let stem = Self.stem(of: manifestFileName)
        return OutputSettings(
            directory: output.dir?.value ?? "out/\(albumSlug)",
            download: output.download?.map(\.value) ?? [.audio],
            ledger: output.ledger?.value ?? "\(stem).ledger.json"
        )
    }

    // MARK: Helpers

    /// The album name as a path-safe slug: transliterated to ASCII (`東京` -> `dong-jing`, `Ærø` -> `aero`),
    /// ASCII letters and digits lowercased, every other run of characters one `-`. A name with nothing
    /// transliterable (emoji only) gets `album-` and 8 hex digits of its SHA-256, so such albums stay apart.
    static func slug(_ album: String) -> String {
        let latin =
            album.applyingTransform(StringTransform("Any-Latin; Latin-ASCII"), reverse: false)
            ?? album.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var slug = ""
        var pendingDash = false
        for scalar in latin.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingDash, !slug.isEmpty { slug.append("-") }
                slug.unicodeScalars.append(scalar)
                pendingDash = false
            } else {
                pendingDash = true
            }
        }
        guard slug.isEmpty else { return slug.lowercased() }
        return "album-" + Digest.sha256Hex(Array(album.utf8)).prefix(8)
    }

    static func stem(of fileName: String) -> String {
        let name = fileName.split(separator: "/").last.map(String.init) ?? fileName
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) && name.count > suffix.count {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }

    static func isEnvironmentVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return text.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }

    /// True for ids of the form `[a-z0-9][a-z0-9_-]{0,63}`.
    static func isValidID(_ id: String) -> Bool {
        let bytes = id.utf8
        guard let first = bytes.first, bytes.count <= 64 else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return isAlphanumeric(first)
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// Length as the provider counts it: Unicode code points.
    static func length(_ text: String) -> Int { text.unicodeScalars.count }
}
