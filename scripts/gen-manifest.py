#!/usr/bin/env python3
"""Writes a large, valid setlist manifest to stdout, for benchmarks.

Every tenth song derives a persona that the next nine songs use, and every fifth song waits for the one
before it, so the DAG has depth as well as width.
"""
import argparse

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--songs", type=int, default=10000, help="number of songs")
parser.add_argument("--album", default="Benchmark Album", help="album name")
parser.add_argument("--base-url", default=None, help="provider.base_url (for a running simulator)")
parser.add_argument("--rpm", type=int, default=60, help="limits.requests_per_minute")
parser.add_argument("--concurrency", type=int, default=4, help="limits.concurrency")
args = parser.parse_args()

lines = [
    "# yaml-language-server: $schema=../schemas/manifest.schema.json",
    "setlist: 1",
    f"album: {args.album}",
    "provider:",
    "  api: evolink",
]
if args.base_url:
    lines += [f"  base_url: {args.base_url}", "  api_key_env: SETLIST_BENCH_KEY"]
lines += [
    "limits:",
    f"  concurrency: {args.concurrency}",
    f"  requests_per_minute: {args.rpm}",
    "defaults:",
    "  model: suno-v5-beta",
    "output:",
    "  download: []",
    "songs:",
]
personas = []
for index in range(args.songs):
    song = f"song-{index:05d}"
    lines += [
        f"  - id: {song}",
        f"    title: Song {index}",
        "    style: \"pop, upbeat, female vocals\"",
        f"    lyrics: \"[Verse] line {index} [Chorus] hook {index}\"",
    ]
    if index % 10 == 0:
        personas.append((f"voice-{index:05d}", song))
    elif personas:
        lines += [f"    persona: {personas[-1][0]}", "    persona_model: voice_persona"]
    if index % 5 == 4:
        lines.append(f"    after: [song-{index - 1:05d}]")
lines.append("personas:")
for persona, source in personas:
    lines += [
        f"  - id: {persona}",
        f"    from: {source}",
        f"    name: Voice of {source}",
        "    description: A generated persona for the benchmark",
    ]
print("\n".join(lines))
