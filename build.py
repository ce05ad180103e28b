#!/usr/bin/env python3
"""Build, check or preview the explainer site. Run `python build.py --help`."""

import sys

from factsite.cli import main

if __name__ == "__main__":
    sys.exit(main())
