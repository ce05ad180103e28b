#!/usr/bin/env python3
"""Build, check or preview the explainer site. Run `python build.py --help`."""

from factsite.cli import run

if __name__ == "__main__":
    run()
