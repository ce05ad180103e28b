"""`check --external`: every link to another site (sources' addresses and archive copies, links in
pages) requested once, a few at a time, and each dead one reported where it is written. Only this
command touches the network; answers that were fine are remembered for a day."""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from ..content.model import Site
from ..content.pages import page_body
from ..errors import Problem, UsageError
from ..render.python_markdown import links_to_other_sites

WORKERS = 8
"""Requests in flight at once, over all hosts."""
PER_HOST = 2
"""Requests in flight at once to one host."""
LONGEST_RETRY_AFTER = 60.0
"""The longest a `429 Too Many Requests` answer's Retry-After is waited for; longer, the link is
left unchecked this time."""
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class ExternalLink:
    """A link to another site, where it is written."""

    url: str
    path: str
    line: int
    archive_url: str | None = None
    """A web archive's copy of what it links to (from its source record), to suggest."""


@dataclass(frozen=True)
class Answer:
    """What requesting a URL gave: fine, dead (with why), or not checked this time (with why)."""

    verdict: str
    """'fine', 'dead', 'moved' (redirected to another site) or 'unchecked'."""
    detail: str = ""
    reached: bool = True
    """Whether the site answered at all (not: no such host, refused, no answer in time)."""


@dataclass(frozen=True)
class ExternalReport:
    problems: list[Problem]
    """Each place a dead or moved link is written."""
    requested: int
    cached: int
    """URLs found fine in the last day, not requested again."""
    dead: int
    unchecked: list[tuple[str, str]]
    """URLs that could not be checked this time, and why."""

    def summary(self) -> str:
        urls = self.requested + self.cached
        fine = urls - self.dead - len(self.unchecked)
        line = f"{urls} external link{'s' if urls != 1 else ''} checked: {fine} fine, {self.dead} dead or moved"
        if self.cached:
            line += f" ({self.cached} found fine in the last day, not requested again)"
        if self.unchecked:
            reasons = ", ".join(f"{url} ({why})" for url, why in self.unchecked)
            line += f"; {len(self.unchecked)} not checked: {reasons}"
        return line


def external_links(site: Site) -> list[ExternalLink]:
    """Every http(s) link of the site to elsewhere: sources' addresses and archive copies, and
    links and images in pages' Markdown."""
    links = []
    archive_of_url = {source.url: source.archive_url for source in site.sources if source.url}
    for source in site.sources:
        for field_name in ("url", "archive_url"):
            url = getattr(source, field_name)
            if url:
                suggestion = source.archive_url if field_name == "url" else None
                links.append(ExternalLink(url, source.origin.path, source.origin.line_of(field_name), suggestion))
    for page in site.pages:
        for url, line in links_to_other_sites(page_body(page)):
            links.append(ExternalLink(url, page.origin.path, page.body_line + line - 1, archive_of_url.get(url)))
    return links


def check_external(
    links: list[ExternalLink], cache_file: Path, timeout: float = 10.0, now: Callable[[], float] = time.time
) -> ExternalReport:
    """Request each link's URL once (bounded, with a retry), and report each place a dead one is
    written. URLs found fine in the last day (`cache_file`) are not requested again."""
    cache = _read_cache(cache_file, now())
    urls = sorted({link.url for link in links})
    to_request = [url for url in urls if url not in cache]
    requester = _Requester(timeout)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        answers = dict(zip(to_request, pool.map(requester.answer, to_request), strict=True))
    if answers and not any(answer.reached for answer in answers.values()):
        first = next(iter(answers.items()))
        raise UsageError(
            f"no site answered ({first[0]}: {first[1].detail}); is this machine offline? Nothing was checked"
        )
    for url, answer in answers.items():
        if answer.verdict == "fine":
            cache[url] = now()
    _write_cache(cache_file, cache)
    problems = []
    for link in links:
        answer = answers.get(link.url, Answer("fine"))
        if answer.verdict in ("dead", "moved"):
            problems.append(Problem(link.path, link.line, _message(link, answer), "external-link"))
    unchecked = [(url, answer.detail) for url, answer in answers.items() if answer.verdict == "unchecked"]
    dead = sum(1 for answer in answers.values() if answer.verdict in ("dead", "moved"))
    return ExternalReport(sorted(problems), len(to_request), len(urls) - len(to_request), dead, unchecked)


def _message(link: ExternalLink, answer: Answer) -> str:
    what = "is dead" if answer.verdict == "dead" else "now leads to another site"
    hint = (
        f"; readers can still reach the archived copy, {link.archive_url}: link that instead"
        if link.archive_url
        else "; replace it, or give its source an archive_url (a web archive's copy)"
    )
    return f"link {link.url} {what} ({answer.detail}){hint}"


class _Requester:
    """Requests URLs from several threads, no more than PER_HOST at a time to one host."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.hosts: dict[str, threading.BoundedSemaphore] = {}
        self.lock = threading.Lock()
        self.opener = urllib.request.build_opener()
        self.opener.addheaders = [("User-Agent", user_agent()), ("Accept", "text/html,*/*;q=0.8")]

    def answer(self, url: str) -> Answer:
        host = urlsplit(url).hostname or ""
        with self.lock:
            gate = self.hosts.setdefault(host, threading.BoundedSemaphore(PER_HOST))
        with gate:
            answer, wait = self.request(url)
            if answer.verdict == "retry":
                if wait > LONGEST_RETRY_AFTER:
                    return Answer("unchecked", f"the site asked to wait {wait:.0f} s")
                time.sleep(wait)
                answer, _ = self.request(url)
            if answer.verdict == "retry":
                verdict = "unchecked" if answer.detail.startswith("429") else "dead"
                return Answer(verdict, answer.detail, answer.reached)
            return answer

    def request(self, url: str) -> tuple[Answer, float]:
        """One request: its answer ('retry' when worth a second try) and how long to wait first."""
        try:
            with self.opener.open(urllib.request.Request(url), timeout=self.timeout) as response:
                final = response.geturl()
        except urllib.error.HTTPError as error:
            status = f"{error.code} {error.reason}"
            if error.code == 429:
                return Answer("retry", status), _retry_after(error.headers.get("Retry-After"))
            if error.code >= 500:
                return Answer("retry", status), 1.0
            if error.code in (401, 403):
                return Answer("unchecked", f"{status}: the site refuses automatic checks"), 0.0
            return Answer("dead", status), 0.0
        except (urllib.error.URLError, OSError) as error:
            return Answer("retry", self.why_unreached(getattr(error, "reason", error)), reached=False), 1.0
        except http.client.HTTPException as error:
            return Answer("retry", f"a broken answer ({type(error).__name__})"), 1.0
        except ValueError:
            return Answer("dead", "not a valid address"), 0.0
        if _site_of(final) != _site_of(url):
            return Answer("moved", f"redirected to {final}"), 0.0
        return Answer("fine"), 0.0

    def why_unreached(self, reason: object) -> str:
        if isinstance(reason, TimeoutError):
            return f"no answer within {self.timeout:g} s"
        if isinstance(reason, socket.gaierror):
            return "no such host"
        if isinstance(reason, ConnectionRefusedError):
            return "connection refused"
        return str(reason)


def _site_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _retry_after(value: str | None) -> float:
    """Seconds to wait, from a Retry-After header (seconds or an HTTP date); 1 if absent."""
    if not value:
        return 1.0
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return max(0.0, when.timestamp() - time.time())


def user_agent() -> str:
    """Says what is asking and why, as sites ask of automatic clients."""
    try:
        version = metadata.version("factsite")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"factsite/{version} (link checker of a fact-checked explainer; one request per link)"


def _read_cache(cache_file: Path, now: float) -> dict[str, float]:
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {url: when for url, when in data.items() if isinstance(when, (int, float)) and now - when < CACHE_SECONDS}


def _write_cache(cache_file: Path, cache: dict[str, float]) -> None:
    """Written whole to a temporary file, then renamed over the old: never half written."""
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=cache_file.parent, prefix=".external-links.")
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(dict(sorted(cache.items())), file, indent=0)
    os.replace(temporary, cache_file)
