/// The JSON Schema (2020-12) of the ledger snapshot, format 2, the same bytes as `schemas/ledger.schema.json`, so
/// the executable can print it (`setlist schema ledger`) without reading files. Long lines are split with `\#`
/// continuations, which the string does not contain.
public enum LedgerSchema {
    /// The schema text, ending with a newline.
    public static let json = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "setlist ledger snapshot, format 2",
      "description": "The snapshot file <manifest-stem>.ledger.json written by setlist: what every run did for one\#
     manifest, so the next run resumes instead of paying twice. Events newer than the snapshot are in\#
     <ledger>.journal (JSON Lines, see docs/LEDGER.md). All times are Unix milliseconds (UTC). The file never holds\#
     an API key. This schema describes format 2, the only format setlist writes: every completed attempt of a job\#
     is a generation and keeps its own takes. A format 1 file (results per job) is read and migrated when a run\#
     next writes it; a file of a newer format is refused and left untouched.",
      "type": "object",
      "required": ["format", "journal_sequence", "jobs", "runs"],
      "additionalProperties": false,
      "properties": {
        "format": {
          "description": "The ledger format version: 2, the format this version of setlist writes. It reads formats\#
     1 and 2 and writes format 2; a file with a higher number was written by a newer setlist and is refused, never\#
     rewritten.",
          "const": 2
        },
        "album": {
          "description": "The album's display name, from the latest run.",
          "type": "string"
        },
        "manifest": {
          "description": "The manifest's path as the latest run was given it.",
          "type": "string"
        },
        "provider": {
          "$ref": "#/$defs/provider"
        },
        "journal_sequence": {
          "description": "The number of events folded into this snapshot. Journal lines with a 'seq' at or below it\#
     are already included and are skipped on replay.",
          "type": "integer",
          "minimum": 0
        },
        "jobs": {
          "description": "Every job ever planned, keyed by job id (the manifest's song or persona id).",
          "type": "object",
          "propertyNames": {
            "type": "string",
            "minLength": 1
          },
          "additionalProperties": {
            "$ref": "#/$defs/job"
          }
        },
        "runs": {
          "description": "Every run of this ledger, oldest first.",
          "type": "array",
          "items": {
            "$ref": "#/$defs/run"
          }
        }
      },
      "$defs": {
        "timestamp": {
          "description": "Unix time in milliseconds (UTC).",
          "type": "integer"
        },
        "take_ref": {
          "description": "One take of one generation of a song.",
          "type": "object",
          "required": ["generation", "take"],
          "additionalProperties": false,
          "properties": {
            "generation": {
              "description": "The generation: the song's completed attempts, oldest first, numbered from 1.",
              "type": "integer",
              "minimum": 1
            },
            "take": {
              "description": "The take within the generation, in the provider's order, from 1.",
              "type": "integer",
              "minimum": 1
            }
          }
        },
        "provider": {
          "description": "The provider the latest run talked to. No credentials.",
          "type": "object",
          "required": ["api", "base_url"],
          "additionalProperties": false,
          "properties": {
            "api": {
              "description": "The provider API format.",
              "enum": ["evolink", "suno-proxy"]
            },
            "base_url": {
              "description": "The base URL tasks were submitted to.",
              "type": "string"
            }
          }
        },
        "job": {
          "description": "Everything recorded about one job.",
          "type": "object",
          "required": ["kind", "fingerprint", "state", "attempts"],
          "additionalProperties": false,
          "properties": {
            "kind": {
              "description": "What the job generates.",
              "enum": ["song", "persona"]
            },
            "fingerprint": {
              "description": "SHA-256 (hex) of the canonical request the job currently stands for; a changed\#
     manifest entry changes it.",
              "type": "string"
            },
            "state": {
              "description": "pending: not submitted or waiting to retry; submitting: intent durable, no task id\#
     yet; running: task id recorded, being polled; completed; failed: failed for good; blocked: a dependency\#
     failed; unknown: an intent without a task id found on resume.",
              "enum": ["pending", "submitting", "running", "completed", "failed", "blocked", "unknown"]
            },
            "attempts": {
              "description": "Every paid submission, oldest first, including those made for earlier fingerprints.\#
     The completed ones are the job's generations and keep their takes for good.",
              "type": "array",
              "items": {
                "$ref": "#/$defs/attempt"
              }
            },
            "pick": {
              "$ref": "#/$defs/take_ref",
              "description": "Songs: the chosen take, the one that stands for the song, as the latest run resolved\#
     the manifest's pick (default: take 1 of the newest generation) against the generations recorded here. Absent\#
     until a run has resolved it against a generation."
            },
            "persona_id": {
              "description": "The persona id of the job's newest generation (persona jobs, once completed); each\#
     generation also keeps its own.",
              "type": "string"
            },
            "chained_inputs": {
              "$ref": "#/$defs/chained_inputs"
            },
            "last_error": {
              "$ref": "#/$defs/error"
            },
            "blocked_by": {
              "description": "The failed job that blocked this one (state blocked).",
              "type": "string"
            }
          },
          "if": {
            "properties": {
              "kind": {
                "const": "persona"
              }
            }
          },
          "then": {
            "properties": {
              "pick": false
            }
          }
        },
        "attempt": {
          "description": "One paid submission of a job, from its durable intent to the task's end.",
          "type": "object",
          "required": ["number", "fingerprint", "idempotency_key", "submissions", "submitted_at_ms", "outcome",\#
     "results"],
          "additionalProperties": false,
          "properties": {
            "number": {
              "description": "The attempt's number within the job, from 1, never reused.",
              "type": "integer",
              "minimum": 1
            },
            "fingerprint": {
              "description": "The job's fingerprint when this attempt was made.",
              "type": "string"
            },
            "idempotency_key": {
              "description": "The Idempotency-Key header every POST of this attempt carried.",
              "type": "string"
            },
            "submissions": {
              "description": "How many POSTs were intended with this key (more than 1 after resubmitting an unknown\#
     attempt).",
              "type": "integer",
              "minimum": 1
            },
            "task_id": {
              "description": "The provider's task id, once the submission was accepted.",
              "type": "string"
            },
            "submitted_at_ms": {
              "$ref": "#/$defs/timestamp",
              "description": "When the last intent to submit was recorded (Unix ms, UTC)."
            },
            "accepted_at_ms": {
              "$ref": "#/$defs/timestamp",
              "description": "When the task id was recorded (Unix ms, UTC)."
            },
            "finished_at_ms": {
              "$ref": "#/$defs/timestamp",
              "description": "When the task finished or the submission was refused (Unix ms, UTC)."
            },
            "outcome": {
              "description": "submitting: intent recorded, POST may or may not have reached the provider; running:\#
     task id known, not finished; completed; failed: the task failed; rejected: the provider refused the\#
     submission, no task exists; unknown: found unconfirmed on resume; superseded: the job's fingerprint changed\#
     while this attempt was unconfirmed or in flight, so it is no longer followed.",
              "enum": ["submitting", "running", "completed", "failed", "rejected", "unknown", "superseded"]
            },
            "provider_status": {
              "description": "The task's last status reported by the provider.",
              "enum": ["pending", "processing", "completed", "failed", "cancelled"]
            },
            "progress": {
              "description": "The task's last progress reported by the provider, 0 to 100.",
              "type": "integer",
              "minimum": 0,
              "maximum": 100
            },
            "credits_reserved": {
              "description": "Credits the provider reserved for the task.",
              "type": "number",
              "minimum": 0
            },
            "error": {
              "$ref": "#/$defs/error"
            },
            "generation": {
              "description": "Completed attempts only: the generation this attempt is, the job's completed attempts\#
     counted from 1, oldest first. Picks and persona takes name takes by it.",
              "type": "integer",
              "minimum": 1
            },
            "results": {
              "description": "The attempt's takes, in the provider's order: take n is element n. Written on every\#
     attempt; [] unless the attempt completed a song. Never removed: re-rolls and manifest edits add generations\#
     beside it.",
              "type": "array",
              "items": {
                "$ref": "#/$defs/result"
              }
            },
            "persona_id": {
              "description": "Completed persona attempts only: the persona id this generation derived.",
              "type": "string"
            }
          },
          "if": {
            "properties": {
              "outcome": {
                "const": "completed"
              }
            }
          },
          "then": {
            "required": ["generation"]
          },
          "else": {
            "properties": {
              "generation": false,
              "persona_id": false,
              "results": {
                "maxItems": 0
              }
            }
          }
        },
        "error": {
          "description": "A failure from a provider call or a finished task.",
          "type": "object",
          "required": ["message"],
          "additionalProperties": false,
          "properties": {
            "kind": {
              "description": "The classification of a failed provider call; absent for task failures.",
              "enum": ["transient", "rateLimited", "rejected", "authentication", "quota", "notFound"]
            },
            "http_status": {
              "description": "The HTTP status, when a response arrived.",
              "type": "integer"
            },
            "code": {
              "description": "The provider's error code, when given (e.g. content_policy_violation).",
              "type": "string"
            },
            "message": {
              "description": "What happened, as a full sentence.",
              "type": "string"
            }
          }
        },
        "chained_inputs": {
          "description": "The values chained into the job's latest submission from other jobs, as actually sent.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "persona_id": {
              "description": "The persona applied to a song.",
              "type": "string"
            },
            "persona_model": {
              "description": "How the persona was applied.",
              "enum": ["style_persona", "voice_persona"]
            },
            "source_task_id": {
              "description": "The task that generated a persona's source song.",
              "type": "string"
            },
            "source_result_id": {
              "description": "The source song's result (clip) id a persona was derived from.",
              "type": "string"
            },
            "artist_clip_id": {
              "description": "The clip a persona came from, as sent to providers that need it.",
              "type": "string"
            }
          }
        },
        "result": {
          "description": "One take: a generated song variation with the files downloaded for it.",
          "type": "object",
          "required": ["files"],
          "additionalProperties": false,
          "properties": {
            "result_id": {
              "description": "The provider's result (clip) id. Absent when the provider's answer listed the take\#
     only by its URLs; such a take is downloaded and can be picked, but no persona can be derived from it.",
              "type": "string"
            },
            "title": {
              "description": "The generated title.",
              "type": "string"
            },
            "duration": {
              "description": "Length in seconds.",
              "type": "number",
              "minimum": 0
            },
            "tags": {
              "description": "The style tags the provider reports.",
              "type": "string"
            },
            "audio_url": {
              "description": "Download URL of the audio; the provider keeps it for a limited time.",
              "type": "string"
            },
            "stream_audio_url": {
              "description": "Streaming URL of the audio.",
              "type": "string"
            },
            "image_url": {
              "description": "URL of the cover image.",
              "type": "string"
            },
            "files": {
              "description": "Files downloaded for this take, at most one per kind, ordered by kind.",
              "type": "array",
              "items": {
                "$ref": "#/$defs/file"
              }
            }
          }
        },
        "file": {
          "description": "A downloaded and verified file.",
          "type": "object",
          "required": ["kind", "path", "sha256", "bytes"],
          "additionalProperties": false,
          "properties": {
            "kind": {
              "description": "What the file holds.",
              "enum": ["audio", "cover"]
            },
            "path": {
              "description": "Where it was written, relative to the manifest's directory unless absolute:\#
     <output.dir>/takes/<NN>-<song-id>/g<generation>-t<take>.<ext>, or g<generation>-t<take>.<n>.<ext> when another\#
     file already had that name. Files adopted from a format 1 ledger keep the path they were saved at.",
              "type": "string"
            },
            "sha256": {
              "description": "SHA-256 of the file's bytes, lowercase hex.",
              "type": "string",
              "pattern": "^[0-9a-f]{64}$"
            },
            "bytes": {
              "description": "The file's size in bytes.",
              "type": "integer",
              "minimum": 0
            }
          }
        },
        "run": {
          "description": "One invocation of setlist run on this ledger.",
          "type": "object",
          "required": ["id", "started_at_ms", "counts", "credits_reserved"],
          "additionalProperties": false,
          "properties": {
            "id": {
              "description": "The run's id, unique within the ledger.",
              "type": "string"
            },
            "setlist_version": {
              "description": "The version of setlist that made the run (as setlist --version prints it). Absent in\#
     runs recorded before format 2.",
              "type": "string",
              "minLength": 1
            },
            "started_at_ms": {
              "$ref": "#/$defs/timestamp",
              "description": "When the run started (Unix ms, UTC)."
            },
            "ended_at_ms": {
              "$ref": "#/$defs/timestamp",
              "description": "When the run finished; absent while it runs or if it never finished (crash, kill -9)."
            },
            "outcome": {
              "description": "How the run ended; absent while it runs or if it never finished. downloads_pending:\#
     every job completed but files of paid takes are not saved yet; the next run fetches them without paying (exit 1).",
              "enum": [
                "completed", "jobs_failed", "downloads_pending", "authentication_rejected", "out_of_credits",\#
     "budget_reached",
                "deadline_reached", "interrupted", "provider_unreachable", "ledger_unwritable", "internal_error"
              ]
            },
            "exit_code": {
              "description": "The process exit code (DESIGN §5); absent while the run runs or if it never finished.",
              "type": "integer"
            },
            "counts": {
              "description": "The run's counters. submitted, completed, failed and blocked grow with each event, so\#
     they survive a crash; skipped, polls and requests are set when the run finishes.",
              "type": "object",
              "required": ["submitted", "completed", "failed", "blocked", "skipped", "polls", "requests"],
              "additionalProperties": false,
              "properties": {
                "submitted": {
                  "description": "Submissions the provider accepted (paid).",
                  "type": "integer",
                  "minimum": 0
                },
                "completed": {
                  "description": "Jobs that completed.",
                  "type": "integer",
                  "minimum": 0
                },
                "failed": {
                  "description": "Jobs that failed for good.",
                  "type": "integer",
                  "minimum": 0
                },
                "blocked": {
                  "description": "Jobs blocked by a failed dependency.",
                  "type": "integer",
                  "minimum": 0
                },
                "skipped": {
                  "description": "Jobs already up to date, left alone.",
                  "type": "integer",
                  "minimum": 0
                },
                "polls": {
                  "description": "Status requests sent.",
                  "type": "integer",
                  "minimum": 0
                },
                "requests": {
                  "description": "HTTP requests sent to the provider, submissions and polls together.",
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "credits_reserved": {
              "description": "Credits the provider reserved for this run's submissions.",
              "type": "number",
              "minimum": 0
            }
          }
        }
      }
    }

    """#
}
