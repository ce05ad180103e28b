"""Every internal URL goes through here, so the base URL's path is honoured everywhere."""

from __future__ import annotations

from urllib.parse import urlsplit


class Urls:
    """Turns site paths ('actors/ivo-daalder/') into URLs under the base path ('/repo/actors/...')."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        path = parts.path or "/"
        if not path.startswith("/"):
            path = "/" + path
        if not path.endswith("/"):
            path += "/"
        self.base_path = path
        """Always starts and ends with '/'."""
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        """'https://user.github.io', or '' when the base URL has no host."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Urls) and (self.base_path, self.origin) == (other.base_path, other.origin)

    def __hash__(self) -> int:
        return hash((self.base_path, self.origin))

    def url(self, site_path: str) -> str:
        """Root-relative URL of a site path; '' is the home page."""
        return self.base_path + site_path.lstrip("/")

    def absolute(self, site_path: str) -> str:
        """Full URL when the base URL names a host, else the root-relative URL."""
        return self.origin + self.url(site_path)

    def site_path(self, url_path: str) -> str | None:
        """Inverse of `url`: the site path of a root-relative URL, or None if it escapes the base."""
        if not url_path.startswith(self.base_path):
            return None
        return url_path[len(self.base_path) :]


def output_file(site_path: str) -> str:
    """Where a site path is written: directories get index.html."""
    if site_path == "" or site_path.endswith("/"):
        return site_path + "index.html"
    return site_path
