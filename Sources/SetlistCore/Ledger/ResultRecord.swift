/// A file a run downloaded for one result.
public struct DownloadedFile: Sendable, Hashable, Codable {
    /// What the file holds.
    public var kind: MediaKind
    /// Where it was written, as the engine wrote it (relative to the manifest's directory unless absolute).
    public var path: String
    /// The SHA-256 of the file's bytes, lowercase hex.
    public var sha256: String
    /// The file's size in bytes.
    public var bytes: Int64

    /// Creates a downloaded-file record.
    public init(kind: MediaKind, path: String, sha256: String, bytes: Int64) {
        self.kind = kind
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind
        case path
        case sha256
        case bytes
    }
}

/// One take: a generated song variation with the files downloaded for it.
public struct ResultRecord: Sendable, Hashable, Codable {
    /// The provider's result (clip) id; nil when the provider's answer gave only the take's URL.
    public var resultID: String?
    /// The generated title.
    public var title: String?
    /// Length in seconds.
    public var duration: Double?
    /// The style tags the provider reports.
    public var tags: String?
    /// Download URL of the audio (the provider keeps it for a limited time).
    public var audioURL: String?
    /// Streaming URL of the audio.
    public var streamAudioURL: String?
    /// URL of the cover image.
    public var imageURL: String?
    /// The text of generated lyrics (a lyrics job's take).
    public var text: String?
    /// Files downloaded for this result, at most one per kind, ordered by kind.
    public var files: [DownloadedFile]

    /// Creates a result record.
    public init(
        resultID: String?, title: String? = nil, duration: Double? = nil, tags: String? = nil,
        audioURL: String? = nil, streamAudioURL: String? = nil, imageURL: String? = nil, text: String? = nil,
        files: [DownloadedFile] = []
    ) {
        self.text = text
        self.resultID = resultID
        self.title = title
        self.duration = duration
        self.tags = tags
        self.audioURL = audioURL
        self.streamAudioURL = streamAudioURL
        self.imageURL = imageURL
        self.files = files
    }

    /// Records a provider result with no files downloaded yet.
    public init(_ result: TaskResult) {
        self.init(
            resultID: result.resultID, title: result.title, duration: result.duration, tags: result.tags,
            audioURL: result.audioURL, streamAudioURL: result.streamAudioURL, imageURL: result.imageURL,
            text: result.text
        )
    }

    /// The downloaded file of `kind`, if any.
    public func file(_ kind: MediaKind) -> DownloadedFile? {
        files.first { $0.kind == kind }
    }

    /// Where the file of `kind` is fetched from: the audio URL (else the stream URL), the cover's, or for a WAV
    /// job's take the WAV's URL, which the provider answers as its audio URL; nil when the provider gave none.
    public func downloadURL(for kind: MediaKind) -> String? {
        switch kind {
        case .audio: audioURL ?? streamAudioURL
        case .cover: imageURL
        case .wav: audioURL
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case resultID = "result_id"
        case title
        case duration
        case tags
        case audioURL = "audio_url"
        case streamAudioURL = "stream_audio_url"
        case imageURL = "image_url"
        case text
        case files
    }
}
