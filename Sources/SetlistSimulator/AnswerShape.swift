import Foundation

/// Which of the answer shapes the documents allow the simulator serves (DESIGN §6; api-contract §A.3, §C-1,
/// §C-2), so clients can be tested against each. The default is the shape of the documented examples: two
/// results, `result_data` as a flat array next to `results`, `result_data.persona_id`, and a `pending` task in
/// the answer to a submission.
///
/// Spec grammar (the same words as ``spec``): a comma-separated list of options; an empty spec is the default.
/// - `one-result`: music tasks yield one result instead of two (both formats).
/// - `songs-wrapper`: Evolink `result_data` is `{"songs": [...]}`, as the persona page describes.
/// - `first-song-only`: Evolink `result_data` lists only the first song while `results` lists every audio URL,
///   as the music page example does.
/// - `urls-only`: Evolink music tasks carry `results` (audio URLs) without `result_data`.
/// - `persona-id-on-task`: Evolink persona tasks carry `persona_id` on the task object instead of in
///   `result_data`.
/// - `completed-on-submit`: music and Evolink persona tasks are done when the submission is answered. Evolink's
///   answer to the POST is then the completed task with its results or persona id; the proxy's answer stays the
///   documented envelope with the task id, and the first fetch finds the task `SUCCESS` (as Suno-API's lyrics
///   handler behaves).
/// - `wav-bare`: the proxy's `GET /suno/act/wav/{clip_id}` answers a bare `{"wav_file_url": URL}`.
/// - `wav-nested`: it answers `{"code":"success","data":{"wav_file_url": URL}}`.
/// - `wav-pending`: its first answers for a clip carry an id instead of a URL (the conversion is still running),
///   so a client must ask again; later answers carry the URL (api-contract-proxy-extras §4).
///
/// At most one of `songs-wrapper`, `first-song-only` and `urls-only` may be given, and at most one `wav-` option.
public struct AnswerShape: Sendable, Equatable {
    /// How Evolink lists the songs of a completed music task.
    public enum SongList: String, Sendable, CaseIterable {
        /// `result_data` is a flat array of every song, next to `results` (the default).
        case flat
        /// `result_data` is `{"songs": [...]}`, next to `results`.
        case songsWrapper = "songs-wrapper"
        /// `result_data` holds only the first song; `results` lists every audio URL.
        case firstSongOnly = "first-song-only"
        /// Only `results`, the audio URLs; no `result_data`.
        case urlsOnly = "urls-only"
    }

    /// How the proxy's `GET /suno/act/wav/{clip_id}` answers (api-contract-proxy-extras §4).
    public enum WAVAnswer: String, Sendable, CaseIterable {
        /// `{"code":"success","message":"","data": URL}`, the simulator default of §7.
        case envelope
        /// `{"wav_file_url": URL}`.
        case bare = "wav-bare"
        /// `{"code":"success","data":{"wav_file_url": URL}}`.
        case nested = "wav-nested"
        /// The envelope with a UUID-like id in `data` for the first ``AnswerShape/wavPendingAnswers`` requests of a
        /// clip, then with the URL.
        case pending = "wav-pending"
    }

    /// Where Evolink puts the id a completed persona task yields.
    public enum PersonaIDPlace: Sendable {
        /// `result_data.persona_id`, as the G3 docs say (the default).
        case resultData
        /// `persona_id` on the task object, without `result_data`.
        case taskObject
    }

    /// How many results (songs) a music task yields: 2 (the default) or 1.
    public var resultsPerTask: Int
    /// How Evolink lists the songs of a completed music task.
    public var songList: SongList
    /// Where Evolink puts a persona task's `persona_id`.
    public var personaIDPlace: PersonaIDPlace
    /// Whether music and Evolink persona tasks are already completed when their submission is answered.
    public var completedOnSubmit: Bool
    /// How the proxy answers a WAV request.
    public var wavAnswer: WAVAnswer

    /// How many WAV requests for one clip answer an id before the URL, with ``WAVAnswer/pending``.
    public static let wavPendingAnswers = 2

    /// Creates a shape; the defaults are the documented examples.
    public init(
        resultsPerTask: Int = 2, songList: SongList = .flat, personaIDPlace: PersonaIDPlace = .resultData,
        completedOnSubmit: Bool = false, wavAnswer: WAVAnswer = .envelope
    ) {
        self.resultsPerTask = resultsPerTask
        self.songList = songList
        self.personaIDPlace = personaIDPlace
        self.completedOnSubmit = completedOnSubmit
        self.wavAnswer = wavAnswer
    }

    /// Parses a shape spec (see the type's documentation).
    public init(spec: String) throws(SimulatorConfigurationError) {
        self.init()
        var songLists: [SongList] = []
        var wavAnswers: [WAVAnswer] = []
        for item in spec.split(separator: ",") {
            let option = item.trimmingCharacters(in: .whitespaces)
            switch option {
            case "": continue
            case Self.oneResultOption: resultsPerTask = 1
            case Self.completedOnSubmitOption: completedOnSubmit = true
            case Self.personaIDOnTaskOption: personaIDPlace = .taskObject
            default:
                if let answer = WAVAnswer(rawValue: option), answer != .envelope {
                    wavAnswers.append(answer)
                    continue
                }
                guard let list = SongList(rawValue: option), list != .flat else {
                    let known = Self.optionNames.joined(separator: ", ")
                    throw SimulatorConfigurationError("Unknown answer shape '\(option)'; known shapes are \(known).")
                }
                songLists.append(list)
            }
        }
        guard songLists.count <= 1 else {
            throw SimulatorConfigurationError(
                "Answer shapes \(songLists.map(\.rawValue).joined(separator: " and ")) both say how result_data "
                    + "looks; choose one.")
        }
        guard wavAnswers.count <= 1 else {
            throw SimulatorConfigurationError(
                "Answer shapes \(wavAnswers.map(\.rawValue).joined(separator: " and ")) both say how a WAV request "
                    + "is answered; choose one.")
        }
        songList = songLists.first ?? .flat
        wavAnswer = wavAnswers.first ?? .envelope
    }

    /// The shape written back in the spec grammar; empty for the default.
    public var spec: String {
        var options: [String] = []
        if resultsPerTask == 1 { options.append(Self.oneResultOption) }
        if songList != .flat { options.append(songList.rawValue) }
        if personaIDPlace == .taskObject { options.append(Self.personaIDOnTaskOption) }
        if completedOnSubmit { options.append(Self.completedOnSubmitOption) }
        if wavAnswer != .envelope { options.append(wavAnswer.rawValue) }
        return options.joined(separator: ",")
    }

    /// Every option the spec grammar knows.
    public static var optionNames: [String] {
        [oneResultOption] + SongList.allCases.filter { $0 != .flat }.map(\.rawValue)
            + [personaIDOnTaskOption, completedOnSubmitOption]
            + WAVAnswer.allCases.filter { $0 != .envelope }.map(\.rawValue)
    }

    private static let oneResultOption = "one-result"
    private static let personaIDOnTaskOption = "persona-id-on-task"
    private static let completedOnSubmitOption = "completed-on-submit"
}
