/// The keys each part of a manifest accepts. The JSON Schema lists the same keys; a test keeps them in step.
enum ManifestKeys {
    static let top = [
        "setlist", "album", "artist", "year", "genre", "provider", "limits", "retry", "defaults", "output", "songs",
        "personas", "lyrics",
    ]
    static let provider = ["api", "base_url", "api_key_env", "idempotency_keys"]
    static let limits = [
        "concurrency", "requests_per_minute", "submits_per_minute", "max_credits", "task_timeout", "deadline",
    ]
    static let retry = ["attempts", "backoff"]
    static let backoff = ["initial", "max"]
    static let output = ["dir", "download", "ledger"]
    static let song = [
        "id", "title", "style", "prompt", "lyrics", "lyrics_file", "instrumental", "model", "negative_tags",
        "vocal_gender", "style_weight", "weirdness", "audio_weight", "duration", "persona", "persona_id",
        "persona_model", "after", "callback_url", "pick", "artist", "lyrics_from", "extend",
    ]
    /// Song keys that name one song alone, so `defaults` cannot hold them.
    static let perSongOnly = ["id", "after", "pick", "artist", "lyrics_from", "extend"]
    static let defaults = song.filter { !perSongOnly.contains($0) }
    static let persona = ["id", "from", "take", "name", "description", "vocal_window", "style", "after"]
    static let personaSource = ["task_id", "result_id"]
    static let takeReference = ["generation", "take"]
    static let lyricsJob = ["id", "prompt", "after"]
    static let songExtension = ["at", "lyrics", "lyrics_file", "pick"]

    /// Provider request names people copy from the API docs, with what to write instead.
    static let hints: [String: String] = [
        "weirdness_constraint": "write weirdness; setlist sends it as weirdness_constraint",
        "custom_mode": "the mode is inferred: custom when title, style, lyrics or lyrics_file is set, else simple",
        "tags": "write style",
        "make_instrumental": "write instrumental",
        "notify_hook": "write callback_url",
        "vocal_start": "write vocal_window: [start, end]",
        "vocal_end": "write vocal_window: [start, end]",
        "source_task_id": "write from: {task_id: ..., result_id: ...}",
        "continue_at":
            "write at: in an extend entry, the second of the whole song where the part starts; setlist sends continue_at",
        "continue_clip_id": "setlist chains in the clip of the part before; write extend: entries with at: and lyrics:",
    ]
}
