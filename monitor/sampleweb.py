"""SampleWeb: the bundled sample news sites, served on 127.0.0.1.

Owns serving a directory of static sites (``root/<site>/...``, one
directory per site) for the demo and the tests: one ThreadingHTTPServer per
site, each on its own free port, in daemon threads. The monitor then
fetches them like any news site, with ``allow_private_addresses`` on.

Files may not know the ports they will be served on, so text files
(.html .htm .xml .rss .atom .txt .toml .json) may write ``{{BASE}}`` for
their own site's base URL and ``{{BASE:other}}`` for another site's; a
config is rendered the same way with :meth:`SampleWeb.render`.

A file whose name contains ``.cp1252.`` is announced as windows-1252, to
exercise the charset code; the others are announced as UTF-8. Answers carry
an ETag and a fixed Last-Modified and honour conditional GET, like a real
server, so polls after the first get 304s.

    with SampleWeb(Path("monitor/sample_web")) as web:
        config_text = web.render(template)   # {{BASE:site}} -> http://127.0.0.1:PORT
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["SampleWeb"]

_TEXT_SUFFIXES = frozenset({".html", ".htm", ".xml", ".rss", ".atom", ".txt", ".toml", ".json"})

_CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain",
    ".toml": "application/toml",
    ".json": "application/json",
}

#: Every file claims this modification time, so answers never depend on checkout dates.
_LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"
_LAST_MODIFIED_TIME = email.utils.parsedate_to_datetime(_LAST_MODIFIED)

_PLACEHOLDER = re.compile(r"\{\{BASE(?::([A-Za-z0-9_.-]+))?\}\}")


class SampleWeb:
    """Static sites from ``root/<site>/``, each on its own loopback port."""

    def __init__(self, root: Path, sites: list[str] | None = None) -> None:
        self.root = Path(root)
        if sites is None:
            sites = sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
        missing = [site for site in sites if not (self.root / site).is_dir()]
        if missing:
            raise ValueError(f"no such site under {self.root}: {', '.join(missing)}")
        self.sites = list(sites)
        self._servers: dict[str, _QuietServer] = {}
        self._threads: list[threading.Thread] = []

    def start(self) -> SampleWeb:
        """Serve every site; calling it again (``with SampleWeb(root).start()``) changes nothing."""
        if self._servers:
            return self
        # Bind every port first: a page of one site may name another's base.
        for site in self.sites:
            handler = type("SiteHandler", (_SiteHandler,), {"web": self, "site": site})
            self._servers[site] = _QuietServer(("127.0.0.1", 0), handler)
        for site, server in self._servers.items():
            thread = threading.Thread(
                # A short poll interval: stop() waits up to one interval for the loop to notice.
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"SampleWeb {site}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> SampleWeb:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def base(self, site: str) -> str:
        """The site's base URL, "http://127.0.0.1:PORT" (no trailing slash)."""
        try:
            server = self._servers[site]
        except KeyError:
            raise ValueError(f"site {site!r} is not served (serving: {', '.join(self._servers) or 'none'})") from None
        return f"http://127.0.0.1:{server.server_address[1]}"

    def render(self, text: str) -> str:
        """`text` with every ``{{BASE:site}}`` replaced by that site's base URL."""
        return _PLACEHOLDER.sub(lambda m: self.base(m.group(1)) if m.group(1) else m.group(0), text)

    def _fill(self, body: bytes, own_site: str) -> bytes:
        """Placeholders replaced in a served file; unknown sites are left as written."""

        def base_of(match: re.Match[bytes]) -> bytes:
            site = match.group(1).decode("ascii") if match.group(1) else own_site
            if site not in self._servers:
                return match.group(0)
            return self.base(site).encode("ascii")

        # On bytes: the placeholders are ASCII, so windows-1252 files work too.
        return re.sub(_PLACEHOLDER.pattern.encode("ascii"), base_of, body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet about clients that hang up mid-answer; other errors still print."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _SiteHandler(BaseHTTPRequestHandler):
    web: SampleWeb
    site: str
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm
    # and delayed ACKs add about 40 ms to each keep-alive request.
    disable_nagle_algorithm = True
    # Close idle keep-alive connections instead of holding a thread forever.
    timeout = 10

    def do_GET(self) -> None:
        self._serve(with_body=True)

    def do_HEAD(self) -> None:
        self._serve(with_body=False)

    def _serve(self, *, with_body: bool) -> None:
        path = self._resolve()
        if path is None:
            self._send(404, b"not found\n", {"Content-Type": "text/plain; charset=utf-8"}, with_body)
            return
        if path.is_dir():
            # Like any web server: relative links in dir/index.html need the slash.
            location = urlsplit(self.path)._replace(path=urlsplit(self.path).path + "/").geturl()
            self._send(301, b"", {"Location": location}, with_body)
            return

        body = path.read_bytes()
        if path.suffix in _TEXT_SUFFIXES:
            body = self.web._fill(body, self.site)
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        headers = {"Content-Type": _content_type(path), "ETag": etag, "Last-Modified": _LAST_MODIFIED}
        if self._not_modified(etag):
            self._send(304, b"", headers, with_body=False)
            return
        self._send(200, body, headers, with_body)

    def _resolve(self) -> Path | None:
        """The file (or directory) a request names, None if missing or outside the site."""
        site_dir = (self.web.root / self.site).resolve()
        relative = unquote(urlsplit(self.path).path).lstrip("/")
        try:
            path = (site_dir / relative).resolve()
        except (OSError, ValueError):  # a NUL byte, a symlink loop
            return None
        if not path.is_relative_to(site_dir):
            return None  # "../" or a symlink out of the site
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if not path.exists():
            return None
        return path

    def _not_modified(self, etag: str) -> bool:
        """Conditional GET: If-None-Match when sent, else If-Modified-Since (RFC 9110)."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                return email.utils.parsedate_to_datetime(if_modified_since) >= _LAST_MODIFIED_TIME
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, body: bytes, headers: dict[str, str], with_body: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body and status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo's output is the monitor's, not an access log."""


def _content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    mime = _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if ".cp1252." in path.name:
        return f"{mime}; charset=windows-1252"
    # XML types carry their charset in the <?xml?> declaration; text types need it here.
    if mime.startswith("text/") or mime in ("application/json", "application/toml"):
        return f"{mime}; charset=utf-8"
    return mime
