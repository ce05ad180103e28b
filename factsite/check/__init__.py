"""Checking: every internal link, anchor and asset of the rendered pages resolves."""
