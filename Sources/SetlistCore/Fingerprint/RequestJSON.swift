extension SongRequest {
    /// The request as a JSON value with Evolink's wire names (`custom_mode`, `weirdness_constraint`, ...),
    /// absent fields as `null`. Fingerprints hash its canonical form, so the names must never change.
    public var jsonValue: JSONValue {
        .object([
            "model": .string(model),
            "custom_mode": .bool(customMode),
            "instrumental": .bool(instrumental),
            "prompt": .optional(prompt),
            "style": .optional(style),
            "title": .optional(title),
            "negative_tags": .optional(negativeTags),
            "vocal_gender": .optional(vocalGender?.rawValue),
            "style_weight": .optional(styleWeight),
            "weirdness_constraint": .optional(weirdnessConstraint),
            "audio_weight": .optional(audioWeight),
            "persona_id": .optional(personaID),
            "persona_model": .optional(personaModel?.rawValue),
            "artist_clip_id": .optional(artistClipID),
            "duration": .optional(duration),
            "callback_url": .optional(callbackURL),
        ])
    }
}

extension PersonaRequest {
    /// The request as a JSON value with Evolink's `model_params` names, absent fields as `null`.
    /// Fingerprints hash its canonical form, so the names must never change.
    public var jsonValue: JSONValue {
        .object([
            "source_task_id": .string(sourceTaskID),
            "result_id": .string(resultID),
            "name": .string(name),
            "description": .string(description),
            "vocal_start": .optional(vocalStart),
            "vocal_end": .optional(vocalEnd),
            "style": .optional(style),
        ])
    }
}

extension LyricsRequest {
    /// The request as a JSON value with the Suno proxy's wire name. Fingerprints hash its canonical form.
    public var jsonValue: JSONValue { .object(["prompt": .string(prompt)]) }
}

extension ExtensionRequest {
    /// The request as a JSON value with the Suno proxy's extend names (the model by its manifest name), absent
    /// fields as `null`. Fingerprints hash
    /// its canonical form, so the names must never change.
    public var jsonValue: JSONValue {
        .object([
            "task": .string("extend"),
            "model": .string(model),
            "persona_version": .bool(personaVersion),
            "task_id": .string(taskID),
            "continue_clip_id": .string(clipID),
            "continue_at": .number(continueAt),
            "prompt": .string(prompt),
            "title": .optional(title),
            "tags": .optional(style),
            "negative_tags": .optional(negativeTags),
            "make_instrumental": .bool(instrumental),
        ])
    }
}

extension JoinRequest {
    /// The request as a JSON value with the Suno proxy's concat names. Fingerprints hash its canonical form.
    public var jsonValue: JSONValue { .object(["clip_id": .string(clipID), "is_infill": .bool(isInfill)]) }
}

extension WAVRequest {
    /// The request as a JSON value: the clip whose WAV is fetched. Fingerprints hash its canonical form.
    public var jsonValue: JSONValue { .object(["clip_id": .string(clipID)]) }
}
