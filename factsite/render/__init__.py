"""Rendering: Markdown (with our record syntax) and Jinja templates into each page's HTML."""
