"""The album every drill runs: a manifest in its own directory, pointed at a simulator."""
import json
import os
import shutil

from .harness import KEY_ENV, REPO


ALBUM_SONGS = [
    {"id": "salt-and-sun", "title": "Salt and Sun", "style": "indie pop, bright guitars, female vocals, 110 bpm",
     "lyrics": "[Verse]\nMorning breaks on the boardwalk boards\nCoffee steam and the ocean roars\n[Chorus]\n"
               "Salt and sun, salt and sun\nEvery road leads back to the one\n", "style_weight": 0.7},
    {"id": "tidewater",
     "prompt": "A slow acoustic ballad about waiting for someone on a tidal island, cello and piano"},
    {"id": "harbor-lights", "title": "Harbor Lights", "style": "dream pop, reverb guitars, warm pads",
     "lyrics_file": "lyrics/harbor-lights.txt", "persona": "coast-voice", "persona_model": "voice_persona"},
    {"id": "undertow", "title": "Undertow", "style": "synth pop, driving bass, moody",
     "lyrics": "[Verse]\nFeet in the sand but my heart's out at sea\n[Chorus]\n"
               "Undertow, undertow, don't let go of me\n", "persona": "coast-voice", "weirdness": 0.4},
    {"id": "lighthouse-keeper",
     "prompt": "An upbeat folk-rock song about a lighthouse keeper who throws a party for passing ships",
     "after": ["tidewater"]},
    {"id": "driftwood", "title": "Driftwood", "style": "ambient, field recordings, soft piano", "instrumental": True,
     "negative_tags": "drums, heavy bass"},
    {"id": "last-ferry", "title": "The Last Ferry", "style": "indie folk, choir, big finish",
     "lyrics": "[Verse]\nOne more crossing before the night\n[Chorus]\n"
               "Hold the rail, hold on tight, the last ferry's leaving tonight\n",
     "persona": "coast-voice", "persona_model": "style_persona", "audio_weight": 0.6},
]
ALBUM_PERSONAS = [
    {"id": "coast-voice", "from": "salt-and-sun", "take": 1, "name": "Coast Singer",
     "description": "Bright, breathy female indie-pop vocals with a warm low register", "vocal_window": [12, 34],
     "style": "indie pop"},
]
# The larger album adds a second persona derived from a song that itself uses the first one, so a run has a
# four-step chain (song, persona, song, persona) before its last songs can start.
EXTRA_SONGS = [
    {"id": "breakwater", "title": "Breakwater", "style": "indie rock, wide drums",
     "lyrics": "[Verse]\nStone on stone against the swell\n[Chorus]\nBreakwater, hold the line\n",
     "persona": "harbor-voice"},
    {"id": "sea-glass", "title": "Sea Glass", "style": "lo-fi pop, soft keys",
     "lyrics": "[Verse]\nGreen and blue in the morning light\n[Chorus]\nSea glass, smooth and bright\n",
     "persona": "harbor-voice", "after": ["driftwood"]},
    {"id": "low-tide", "prompt": "A playful surf-rock instrumental about low tide and rock pools"},
    {"id": "gull-song", "title": "Gull Song", "style": "folk pop, whistling, ukulele",
     "lyrics": "[Verse]\nWheeling high above the pier\n[Chorus]\nGull song, summer's here\n",
     "persona": "coast-voice"},
    {"id": "night-swim", "title": "Night Swim", "style": "dream pop, slow, shimmering",
     "lyrics": "[Verse]\nMoonlight on the water line\n[Chorus]\nNight swim, you and I\n",
     "persona": "harbor-voice", "persona_model": "voice_persona"},
]
EXTRA_PERSONAS = [
    {"id": "harbor-voice", "from": "harbor-lights", "take": 2, "name": "Harbor Singer",
     "description": "Hazy, reverb-soaked dream-pop vocals", "vocal_window": [30, 50]},
]
# The whole-song album (Suno proxy only, issue 16) adds a lyrics job, a song that sings the written lyrics, and a
# song extended twice and joined; every song also gets a WAV master. Each part is a paid job of its own.
WHOLE_LYRICS = [
    {"id": "tide-words", "prompt": "A hopeful song about the tide coming back in after a long summer"},
]
WHOLE_SONGS = [
    {"id": "tide-song", "style": "indie folk, warm guitars", "lyrics_from": "tide-words"},
    {"id": "long-shore", "title": "Long Shore", "style": "post-rock, slow build, strings",
     "lyrics": "[Verse]\nThe shore goes on and on\n",
     "extend": [{"at": 60, "lyrics": "[Verse 2]\nFurther than the eye can see\n"},
                {"at": 120, "lyrics": "[Outro]\nAnd home again to me\n"}]},
]
HARBOR_LYRICS = ("[Verse]\nRed light, green light, the harbor's awake\nRopes on the bollards and gulls in the wake\n"
                 "[Chorus]\nHarbor lights, bring me home\n")


def yaml_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {yaml_scalar(item)}" for key, item in value.items()) + "}"
    return json.dumps(value)


class Album:
    """A manifest in its own directory, pointed at a simulator, with the key in the environment."""

    def __init__(self, ctx, directory, base_url, shape="album", name="album", ledger=None, rpm=600, spm=300,
                 concurrency=4, attempts=3, backoff=("1s", "4s"), album_title="Coastline Stories", api="evolink",
                 task_timeout="15m"):
        self.ctx = ctx
        self.dir = directory
        os.makedirs(os.path.join(directory, "lyrics"), exist_ok=True)
        source = os.path.join(REPO, "manifests", "lyrics", "harbor-lights.txt")
        target = os.path.join(directory, "lyrics", "harbor-lights.txt")
        if os.path.exists(source):
            shutil.copyfile(source, target)
        else:
            with open(target, "w") as handle:
                handle.write(HARBOR_LYRICS)
        self.songs = list(ALBUM_SONGS) + (EXTRA_SONGS if shape == "large" else []) + (
            WHOLE_SONGS if shape == "whole" else [])
        self.personas = list(ALBUM_PERSONAS) + (EXTRA_PERSONAS if shape == "large" else [])
        self.lyrics = list(WHOLE_LYRICS) if shape == "whole" else []
        self.wav = shape == "whole"
        self.attempts = attempts
        self.manifest = os.path.join(directory, f"{name}.yaml")
        self.ledger = ledger or os.path.join(directory, f"{name}.ledger.json")
        lines = [
            "setlist: 1",
            f"album: {album_title}",
            "provider:",
            f"  api: {api}",
            f"  base_url: {base_url}",
            f"  api_key_env: {KEY_ENV}",
            "limits:",
            f"  concurrency: {concurrency}",
            f"  requests_per_minute: {rpm}",
            f"  submits_per_minute: {spm}",
            f"  task_timeout: {task_timeout}",
            "retry:",
            f"  attempts: {attempts}",
            f"  backoff: {{initial: {backoff[0]}, max: {backoff[1]}}}",
            "defaults:",
            "  model: suno-v5-beta",
            "  vocal_gender: f",
            "output:",
            "  download: [audio, cover, wav]" if self.wav else "  download: [audio, cover]",
        ]
        if ledger:
            lines.append(f"  ledger: {ledger}")
        for section, entries in (("songs", self.songs), ("personas", self.personas), ("lyrics", self.lyrics)):
            if not entries:
                continue
            lines.append(f"{section}:")
            for entry in entries:
                lines.append(f"  - id: {entry['id']}")
                for field, value in entry.items():
                    if field != "id":
                        lines.append(f"    {field}: {yaml_scalar(value)}")
        self.text = "\n".join(lines) + "\n"
        with open(self.manifest, "w") as handle:
            handle.write(self.text)

    @property
    def journal(self):
        return self.ledger + ".journal"

    @property
    def lock(self):
        return self.ledger + ".lock"

    @property
    def job_ids(self):
        """Every job a run of the album makes, the generated parts (`<song>.extend-<n>`, `.join`, `.wav`) too."""
        ids = [song["id"] for song in self.songs] + [persona["id"] for persona in self.personas]
        ids += [entry["id"] for entry in self.lyrics]
        for song in self.songs:
            parts = len(song.get("extend", []))
            ids += [f"{song['id']}.extend-{number}" for number in range(1, parts + 1)]
            ids += [f"{song['id']}.join"] if parts else []
        ids += [f"{song['id']}.wav" for song in self.songs] if self.wav else []
        return ids

    @property
    def persona_ids(self):
        return {persona["id"] for persona in self.personas}

    @property
    def expected_files(self):
        return len(self.songs) * 2 * 2  # two results per song, audio and cover each

    def status(self, name="status"):
        """`setlist status --json`: (result, parsed object or None)."""
        result = self.ctx.run(["status", self.manifest, "--json"], self.dir, name, timeout=60)
        try:
            return result, json.loads(result.out)
        except ValueError:
            return result, None
