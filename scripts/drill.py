#!/usr/bin/env python3
"""Runs the reliability drills of the package beside this file (scripts/drill/); `--help` lists them."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from drill.__main__ import main  # noqa: E402  (the package is found through the path set above)

if __name__ == "__main__":
    main()
