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
