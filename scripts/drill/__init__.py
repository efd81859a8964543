"""Reliability drills for setlist: `python3 scripts/drill.py --help` (or `python3 -m drill` from scripts/)."""
