"""Deterministic synthetic explainer corpus in our content format.

    python bench/corpus.py N OUT_DIR

N Markdown pages of about 600 words (headings, lists, links, emphasis, a blockquote, a table),
with N/10 actors, N/2 quotes, N/2 timeline events and N/10 sources, all cross-referenced.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

WORDS = [
    "alliance",
    "border",
    "troops",
    "deterrence",
    "sanctions",
    "treaty",
    "minister",
    "summit",
    "talks",
    "buildup",
    "exercise",
    "ceasefire",
    "envoy",
    "analyst",
    "region",
    "defence",
    "security",
    "guarantee",
    "embassy",
    "briefing",
    "statement",
    "report",
    "agreement",
    "council",
    "pressure",
    "response",
    "deployment",
    "capital",
    "officials",
    "warning",
    "corridor",
    "flank",
]


def sentence(rng: random.Random, n: int = 12) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _two_actors(i: int, n_actors: int) -> str:
    """Two different actors for event i (one when there is only one)."""
    first = i % n_actors
    if n_actors == 1:
        return f"actor-{first}"
    second = (first + 1 + (i * 7) % (n_actors - 1)) % n_actors
    return f"actor-{first}, actor-{second}"


def make_corpus(n_pages: int, out: Path) -> None:
    """Write content/ for an N-page site into out (site.yaml, data files, pages/)."""
    rng = random.Random(n_pages)
    n_actors, n_quotes, n_events, n_sources = (
        max(n_pages // 10, 1),
        max(n_pages // 2, 1),
        max(n_pages // 2, 1),
        max(n_pages // 10, 1),
    )
    (out / "pages").mkdir(parents=True, exist_ok=True)
    (out / "site.yaml").write_text(f"title: Synthetic explainer ({n_pages} pages)\ndescription: Benchmark corpus.\n")
    (out / "sources.yaml").write_text(
        "".join(
            f"- id: source-{i}\n  title: Report number {i}\n  publisher: Wire {i % 7}\n  date: 2021-{i % 12 + 1:02d}\n"
            for i in range(n_sources)
        )
    )
    (out / "actors.yaml").write_text(
        "".join(
            f"- id: actor-{i}\n  name: Actor {i}\n  kind: {'person' if i % 3 else 'country'}\n"
            f"  role: Role {i}\n  summary: {sentence(rng)}\n"
            for i in range(n_actors)
        )
    )
    (out / "quotes.yaml").write_text(
        "".join(
            f"- id: quote-{i}\n  speaker: actor-{i % n_actors}\n  text: {sentence(rng, 16)}\n"
            f"  context: told reporters\n  source: source-{i % n_sources}\n"
            for i in range(n_quotes)
        )
    )
    (out / "timeline.yaml").write_text(
        "".join(
            f"- id: event-{i}\n  date: {2014 + i % 8}-{i % 12 + 1:02d}-{i % 28 + 1:02d}\n  title: Event {i}\n"
            f"  summary: {sentence(rng, 20)}\n  actors: [{_two_actors(i, n_actors)}]\n"
            f"  tags: [topic-{i % 5}]\n  sources: [source-{i % n_sources}]\n  quotes: [quote-{i % n_quotes}]\n"
            for i in range(n_events)
        )
    )
    (out / "glossary.yaml").write_text(
        "".join(f"- id: term-{i}\n  term: Term {i}\n  definition: {sentence(rng)}\n" for i in range(20))
    )
    for i in range(n_pages):
        paragraphs = []
        for section in range(4):
            paragraphs.append(f"## Section {section + 1}: {rng.choice(WORDS)}")
            paragraphs.append(
                f"{sentence(rng, 25)} See [an actor](actor:actor-{(i + section) % n_actors}) and "
                f"[the event](event:event-{(i * 3 + section) % n_events}), with *emphasis* and **strong** words, "
                f"the [term](term:term-{(i + section) % 20}) and [a source](source:source-{i % n_sources}). "
                f"{sentence(rng, 30)} {sentence(rng, 20)}"
            )
            paragraphs.append("\n".join(f"- {sentence(rng, 8)}" for _ in range(3)))
        paragraphs.append(f"> {sentence(rng, 20)}")
        paragraphs.append(
            "| Year | Figure | Note |\n|---|---|---|\n"
            + "\n".join(f"| {2014 + r} | {rng.randint(100, 9999)} | {rng.choice(WORDS)} |" for r in range(4))
        )
        paragraphs.append(f"::quote[quote-{i % n_quotes}]")
        paragraphs.append(f"Next: [page {(i + 1) % n_pages}](page:page-{(i + 1) % n_pages}).")
        body = "\n\n".join(paragraphs)
        (out / "pages" / f"page-{i}.md").write_text(
            f"---\ntitle: Page {i}\ndescription: {sentence(rng, 10)}\norder: {i}\n---\n\n{body}\n"
        )


if __name__ == "__main__":
    make_corpus(int(sys.argv[1]), Path(sys.argv[2]))
