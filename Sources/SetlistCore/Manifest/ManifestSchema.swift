/// The JSON Schema (2020-12) of manifest version 1, for editors' completion and hover help. `setlist schema
/// manifest` prints it, and `schemas/manifest.schema.json` holds the same bytes. It checks structure, types and
/// the limits that hold on every model; `ManifestLoader` checks the rest (per-model lengths, references, cycles).
/// Long lines are split with `\#` continuations, which the string does not contain.
public enum ManifestSchema {
    /// The schema text, ending with a newline.
    public static let text = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "https://github.com/setlist/setlist/schemas/manifest.schema.json",
      "title": "setlist manifest, version 1",
      "description": "An album spec for setlist: songs and persona derivations generated through AI music APIs. Run\#
     `setlist validate` for the checks a schema cannot express (per-model lengths, references, cycles).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "setlist",
        "album",
        "songs"
      ],
      "properties": {
        "setlist": {
          "const": 1,
          "description": "The manifest format version. Required; this setlist reads version 1."
        },
        "album": {
          "type": "string",
          "minLength": 1,
          "description": "The album's display name. Its slug names the default output directory."
        },
        "provider": {
          "type": "object",
          "additionalProperties": false,
          "description": "Where and how to reach the provider.",
          "properties": {
            "api": {
              "type": "string",
              "enum": [
                "evolink",
                "suno-proxy"
              ],
              "default": "evolink",
              "description": "The API format: evolink (Evolink's unified task API) or suno-proxy (new-api /\#
     Suno-API aggregators)."
            },
            "base_url": {
              "type": "string",
              "pattern": "^(https://[^/?#@]+|http://(localhost|127\\.[0-9.]+|\\[::1\\])(:[0-9]+)?)(/[^?#]*)?$",
              "description": "The provider's address. https, except loopback hosts (127.0.0.1, localhost, [::1]).\#
     Default https://api.evolink.ai for evolink; required for suno-proxy."
            },
            "api_key_env": {
              "type": "string",
              "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
              "description": "The environment variable that holds the API key. Default EVOLINK_API_KEY (evolink) or\#
     SUNO_PROXY_API_KEY (suno-proxy). Never write the key itself."
            },
            "idempotency_keys": {
              "type": "boolean",
              "description": "Whether the provider replays a paid POST that repeats an Idempotency-Key. Default\#
     true for evolink, false for suno-proxy."
            }
          },
          "if": {
            "properties": {
              "api": {
                "const": "suno-proxy"
              }
            },
            "required": [
              "api"
            ]
          },
          "then": {
            "required": [
              "base_url"
            ]
          }
        },
        "limits": {
          "type": "object",
          "additionalProperties": false,
          "description": "Rate, concurrency, budget and time limits.",
          "properties": {
            "concurrency": {
              "type": "integer",
              "minimum": 1,
              "default": 4,
              "description": "Provider tasks in flight at once."
            },
            "requests_per_minute": {
              "type": "integer",
              "minimum": 1,
              "default": 60,
              "description": "Every HTTP call to the provider (submissions and polls) per minute."
            },
            "submits_per_minute": {
              "type": "integer",
              "minimum": 1,
              "description": "Paid submissions per minute. Default: requests_per_minute."
            },
            "max_credits": {
              "type": "number",
              "exclusiveMinimum": 0,
              "description": "Optional budget on reserved credits; new submissions stop when it is reached."
            },
            "task_timeout": {
              "type": "string",
              "pattern": "^(?=[0-9])([0-9]+h)?([0-9]+m)?([0-9]+s)?$",
              "description": "A task still unfinished after this long is failed. Default 15m. Written as a whole\#
     number with a unit: 90s, 15m, 2h, or combined from the largest unit down, 1h30m.",
              "default": "15m"
            },
            "deadline": {
              "type": "string",
              "pattern": "^(?=[0-9])([0-9]+h)?([0-9]+m)?([0-9]+s)?$",
              "description": "Optional: stop submitting after this long; the run exits 75 and the next run resumes.\#
     Written as a whole number with a unit: 90s, 15m, 2h, or combined from the largest unit down, 1h30m."
            }
          }
        },
        "retry": {
          "type": "object",
          "additionalProperties": false,
          "description": "How retriable failures are retried.",
          "properties": {
            "attempts": {
              "type": "integer",
              "minimum": 1,
              "default": 3,
              "description": "Tries per job for retriable failures, the first one included."
            },
            "backoff": {
              "type": "object",
              "additionalProperties": false,
              "description": "Exponential backoff with jitter between tries.",
              "properties": {
                "initial": {
                  "type": "string",
                  "pattern": "^(?=[0-9])([0-9]+h)?([0-9]+m)?([0-9]+s)?$",
                  "description": "The first delay. Default 5s. Written as a whole number with a unit: 90s, 15m, 2h,\#
     or combined from the largest unit down, 1h30m.",
                  "default": "5s"
                },
                "max": {
                  "type": "string",
                  "pattern": "^(?=[0-9])([0-9]+h)?([0-9]+m)?([0-9]+s)?$",
                  "description": "The longest delay. Default 2m. Written as a whole number with a unit: 90s, 15m,\#
     2h, or combined from the largest unit down, 1h30m.",
                  "default": "2m"
                }
              }
            }
          }
        },
        "defaults": {
          "type": "object",
          "additionalProperties": false,
          "description": "Values for every song; a song's own values win. Any song field except id, after and pick.",
          "properties": {
            "title": {
              "$ref": "#/$defs/song/properties/title"
            },
            "style": {
              "$ref": "#/$defs/song/properties/style"
            },
            "prompt": {
              "$ref": "#/$defs/song/properties/prompt"
            },
            "lyrics": {
              "$ref": "#/$defs/song/properties/lyrics"
            },
            "lyrics_file": {
              "$ref": "#/$defs/song/properties/lyrics_file"
            },
            "instrumental": {
              "$ref": "#/$defs/song/properties/instrumental"
            },
            "model": {
              "$ref": "#/$defs/song/properties/model"
            },
            "negative_tags": {
              "$ref": "#/$defs/song/properties/negative_tags"
            },
            "vocal_gender": {
              "$ref": "#/$defs/song/properties/vocal_gender"
            },
            "style_weight": {
              "$ref": "#/$defs/song/properties/style_weight"
            },
            "weirdness": {
              "$ref": "#/$defs/song/properties/weirdness"
            },
            "audio_weight": {
              "$ref": "#/$defs/song/properties/audio_weight"
            },
            "duration": {
              "$ref": "#/$defs/song/properties/duration"
            },
            "persona": {
              "$ref": "#/$defs/song/properties/persona"
            },
            "persona_id": {
              "$ref": "#/$defs/song/properties/persona_id"
            },
            "persona_model": {
              "$ref": "#/$defs/song/properties/persona_model"
            },
            "callback_url": {
              "$ref": "#/$defs/song/properties/callback_url"
            }
          },
          "allOf": [
            {
              "not": {
                "required": [
                  "prompt",
                  "lyrics"
                ]
              }
            },
            {
              "not": {
                "required": [
                  "prompt",
                  "lyrics_file"
                ]
              }
            },
            {
              "not": {
                "required": [
                  "lyrics",
                  "lyrics_file"
                ]
              }
            },
            {
              "not": {
                "required": [
                  "persona",
                  "persona_id"
                ]
              }
            }
          ]
        },
        "output": {
          "type": "object",
          "additionalProperties": false,
          "description": "Where a run writes its files.",
          "properties": {
            "dir": {
              "type": "string",
              "minLength": 1,
              "description": "The download directory, relative to the manifest. Default out/<album-slug>."
            },
            "download": {
              "type": "array",
              "uniqueItems": true,
              "items": {
                "type": "string",
                "enum": [
                  "audio",
                  "cover"
                ]
              },
              "default": [
                "audio"
              ],
              "description": "Which media to download: audio, cover. [] downloads nothing."
            },
            "ledger": {
              "type": "string",
              "minLength": 1,
              "pattern": "\\.ledger\\.json$",
              "description": "The ledger file, relative to the manifest; its name ends in .ledger.json, so that the\#
     ledger, its .journal and its .lock never take the name of another file. Default <manifest-stem>.ledger.json."
            }
          }
        },
        "songs": {
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/$defs/song"
          },
          "description": "The songs, in track order."
        },
        "personas": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/persona"
          },
          "description": "Persona derivations: a voice taken from a song's result, usable by later songs through\#
     persona."
        }
      },
      "$defs": {
        "song": {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "id"
          ],
          "description": "One song. Custom mode when title, style, lyrics or lyrics_file is set (title and style\#
     required, lyrics unless instrumental); simple mode otherwise (prompt required).",
          "properties": {
            "id": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$",
              "description": "The job id: 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or\#
     digit. Unique across songs and personas; used by persona, from and after."
            },
            "title": {
              "type": "string",
              "minLength": 1,
              "maxLength": 80,
              "description": "Custom mode: the song title, at most 80 characters. Setting title, style, lyrics or\#
     lyrics_file makes the song custom mode."
            },
            "style": {
              "type": "string",
              "minLength": 1,
              "maxLength": 1000,
              "description": "Custom mode: style tags, comma separated (\"pop, upbeat, female vocals\"). At most\#
     200 characters on suno-v4-beta, 1000 on later models."
            },
            "prompt": {
              "type": "string",
              "minLength": 1,
              "maxLength": 3000,
              "description": "Simple mode: a description of the song; the provider writes lyrics, style and title.\#
     At most 500 characters on V4 to V5 models, 3000 on V5.5 and V6. Not together with lyrics."
            },
            "lyrics": {
              "type": "string",
              "minLength": 1,
              "maxLength": 5000,
              "description": "Custom mode: the exact lyrics, sent as the prompt. Tags such as [Verse] and [Chorus]\#
     help. At most 3000 characters on suno-v4-beta, 5000 on later models."
            },
            "lyrics_file": {
              "type": "string",
              "minLength": 1,
              "description": "Custom mode: a text file holding the lyrics, relative to the manifest's directory.\#
     Instead of lyrics."
            },
            "instrumental": {
              "type": "boolean",
              "default": false,
              "description": "Generate without vocals. In custom mode, lyrics become optional."
            },
            "model": {
              "type": "string",
              "enum": [
                "suno-v4-beta",
                "suno-v4.5-beta",
                "suno-v4.5plus-beta",
                "suno-v4.5all-beta",
                "suno-v5-beta",
                "suno-v5.5-beta",
                "suno-v6-beta",
                "suno-v6-mini-beta",
                "suno-v6-wild-beta",
                "suno-v4",
                "suno-v4.5",
                "suno-v4.5plus",
                "suno-v4.5all",
                "suno-v5",
                "suno-v5.5",
                "suno-v6",
                "suno-v6-mini",
                "suno-v6-wild"
              ],
              "default": "suno-v5-beta",
              "description": "The provider model. Names without -beta are mapped to their -beta model. Personas\#
     need a V5 or V6 model; duration needs V5.5 or V6."
            },
            "negative_tags": {
              "type": "string",
              "maxLength": 200,
              "description": "Custom mode: styles to avoid, at most 200 characters."
            },
            "vocal_gender": {
              "type": "string",
              "enum": [
                "m",
                "f"
              ],
              "description": "Custom mode: preferred vocal gender, m or f. Raises the odds; not guaranteed."
            },
            "style_weight": {
              "type": "number",
              "minimum": 0,
              "maximum": 1,
              "description": "Adherence to the style, 0 to 1 (sent as style_weight). The provider keeps two\#
     decimals; more give a warning and are rounded. Custom mode only."
            },
            "weirdness": {
              "type": "number",
              "minimum": 0,
              "maximum": 1,
              "description": "Creativity, 0 to 1 (sent as weirdness_constraint). The provider keeps two decimals;\#
     more give a warning and are rounded. Custom mode only."
            },
            "audio_weight": {
              "type": "number",
              "minimum": 0,
              "maximum": 1,
              "description": "Weight of audio features, 0 to 1 (sent as audio_weight). The provider keeps two\#
     decimals; more give a warning and are rounded. Custom mode only."
            },
            "duration": {
              "type": "integer",
              "minimum": 10,
              "maximum": 360,
              "description": "Custom mode, V5.5 and V6 models only: requested length in seconds, 10 to 360. Best\#
     effort; suno-v6-mini-beta ignores it."
            },
            "persona": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$",
              "description": "The id of a persona of this manifest; its persona_id is chained in at run time.\#
     Custom mode, V5 or V6 models. Not together with persona_id."
            },
            "persona_id": {
              "type": "string",
              "minLength": 1,
              "description": "A persona id made elsewhere, sent as is. Custom mode, V5 or V6 models. Not together\#
     with persona."
            },
            "persona_model": {
              "type": "string",
              "enum": [
                "style_persona",
                "voice_persona"
              ],
              "default": "style_persona",
              "description": "How the persona shapes the song: style_persona (arrangement, rhythm, timbre) or\#
     voice_persona (vocal timbre and singing style)."
            },
            "after": {
              "type": "array",
              "items": {
                "type": "string",
                "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"
              },
              "description": "Ids of songs or personas that must complete before this song starts (extra ordering\#
     edges)."
            },
            "callback_url": {
              "type": "string",
              "pattern": "^https://",
              "maxLength": 2048,
              "description": "The provider calls this https URL when the task finishes. Not a loopback, private or\#
     link-local address; at most 2048 characters."
            },
            "pick": {
              "$ref": "#/$defs/take",
              "description": "The song's chosen take: the one the album folder uses, and the one a persona without\#
     take is derived from. 2 is take 2 of the newest generation (a re-roll moves it to the new generation);\#
     {generation: 1, take: 2} pins one take for good. Default: take 1 of the newest generation. Changing it never\#
     regenerates the song; it re-derives only personas that follow the pick, and the songs sung with them. Not\#
     allowed in defaults."
            }
          },
          "allOf": [
            {
              "not": {
                "required": [
                  "prompt",
                  "lyrics"
                ]
              }
            },
            {
              "not": {
                "required": [
                  "prompt",
                  "lyrics_file"
                ]
              }
            },
            {
              "not": {
                "required": [
                  "lyrics",
                  "lyrics_file"
                ]
              }
            },
            {
              "not": {
                "required": [
                  "persona",
                  "persona_id"
                ]
              }
            }
          ]
        },
        "persona": {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "id",
            "from",
            "name",
            "description"
          ],
          "description": "A persona derivation: a voice and style taken from one result of a song.",
          "properties": {
            "id": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$",
              "description": "The job id: 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or\#
     digit. Unique across songs and personas; used by persona, from and after."
            },
            "from": {
              "description": "The song the persona comes from: a song id of this manifest, or {task_id, result_id}\#
     of a song generated earlier.",
              "oneOf": [
                {
                  "type": "string",
                  "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"
                },
                {
                  "type": "object",
                  "additionalProperties": false,
                  "required": [
                    "task_id",
                    "result_id"
                  ],
                  "properties": {
                    "task_id": {
                      "type": "string",
                      "minLength": 1,
                      "description": "The task that made the song (on Evolink it starts with task-unified-)."
                    },
                    "result_id": {
                      "type": "string",
                      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
                      "description": "The UUID of the song result."
                    }
                  }
                }
              ]
            },
            "take": {
              "$ref": "#/$defs/take",
              "description": "The take of the source song the persona is derived from. 2 follows take 2 of the\#
     newest generation, so a re-roll of the song (--force) derives the persona again and regenerates the songs sung\#
     with it; {generation: 1, take: 2} pins one take, keeping the persona and its songs through any re-roll.\#
     Default: the source song's pick. Only with from: a song id."
            },
            "name": {
              "type": "string",
              "minLength": 1,
              "maxLength": 100,
              "description": "The persona's name, at most 100 characters."
            },
            "description": {
              "type": "string",
              "minLength": 1,
              "maxLength": 1000,
              "description": "A description of the musical style, at most 1000 characters."
            },
            "vocal_window": {
              "type": "array",
              "minItems": 2,
              "maxItems": 2,
              "items": {
                "type": "number",
                "minimum": 0
              },
              "description": "Optional [start, end] in seconds of clean vocals in the source song; 10 to 30 seconds\#
     wide."
            },
            "style": {
              "type": "string",
              "maxLength": 1000,
              "description": "Optional style text, at most 1000 characters."
            },
            "after": {
              "type": "array",
              "items": {
                "type": "string",
                "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"
              },
              "description": "Ids of songs or personas that must complete before this song starts (extra ordering\#
     edges)."
            }
          },
          "if": {
            "properties": {
              "from": {
                "type": "object"
              }
            },
            "required": [
              "from"
            ]
          },
          "then": {
            "not": {
              "required": [
                "take"
              ]
            }
          }
        },
        "take": {
          "description": "A take of a song: a take number alone follows the song's newest generation; {generation,\#
     take} names one take of one generation. A generation is one completed run of the song, and the provider\#
     answers each with two takes.",
          "oneOf": [
            {
              "type": "integer",
              "minimum": 1,
              "maximum": 2,
              "description": "Take 1 or 2 of the song's newest generation."
            },
            {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "generation",
                "take"
              ],
              "description": "One take of one generation, fixed whatever later re-rolls bring.",
              "properties": {
                "generation": {
                  "type": "integer",
                  "minimum": 1,
                  "description": "The generation: the song's completed runs, oldest first, numbered from 1, as the\#
     ledger numbers them."
                },
                "take": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 2,
                  "description": "Take 1 or 2 of that generation, in the provider's order."
                }
              }
            }
          ]
        }
      }
    }

    """#
}
