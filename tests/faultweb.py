"""FaultWeb: the ways a web site goes wrong, installed on a TestWeb (issue 8).

Each :class:`Fault` is one way a site breaks, by accident or on purpose: where
it strikes (the source's feed, or an article page the feed links to), how to
install it on a TestWeb, and what the source's health should say afterwards.
tests/test_faults.py runs the real pipeline against every one of them.

Big bodies are generated while they are sent (Response.stream), never held in
memory: a 50 MB body or a gzip bomb costs the test process a few KB.

:class:`PublicFacade` is an httpx transport that lets the fetcher believe a
loopback TestWeb is a public site at PUBLIC_IP, so the fault tests run with
the SSRF guard ON (allow_private_addresses = false), as in production: a
redirect to 127.0.0.1 or to the cloud metadata address is then refused.
"""

from __future__ import annotations

import socket
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape

import httpx

from sites import INVESTMENT_EN, PRODUCT_EN, Page, article_html, rss
from webserver import Response, TestWeb

#: A public address (it was example.com's): the SSRF guard lets it through,
#: PublicFacade sends its requests to 127.0.0.1 on the same port.
PUBLIC_IP = "93.184.215.14"

RSS = "application/rss+xml"
HTML = "text/html; charset=utf-8"

#: Size of each generated piece of a streamed body.
PIECE = 64 * 1024


class PublicFacade(httpx.AsyncBaseTransport):
    """Requests for PUBLIC_IP:port go to 127.0.0.1:port over real sockets; others as addressed."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == PUBLIC_IP:
            request.url = request.url.copy_with(host="127.0.0.1")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def public_base(web: TestWeb) -> str:
    """The web's base URL under the public address."""
    return web.base.replace("127.0.0.1", PUBLIC_IP)


@dataclass(frozen=True)
class Fault:
    """One way a site breaks."""

    name: str
    #: "feed": the source's feed URL is faulty; "article": the feed is fine
    #: and links to one faulty article page.
    where: str
    #: install(web, path, base): make `path` on `web` answer with the fault;
    #: `base` is the public base URL (for links and redirects).
    install: Callable[[TestWeb, str, str], None]
    #: A regular expression the source's last_error must match after the poll,
    #: or None when the source must come out healthy (the fault is absorbed).
    error: str | None
    #: Links a healthy poll of this source must store (when error is None).
    stored: int | None = None
    #: The faulty source's kind: "feed", or "listing" (links chosen with the selector "a").
    kind: str = "feed"
    #: Trace Python allocations (tracemalloc): off where it slows feedparser
    #: tenfold (10,000 items), whose bound is then checked on the process's RSS.
    traced: bool = True


# -- body generators ----------------------------------------------------------------


def zeros(total: int) -> Callable[[], Iterator[bytes]]:
    """A body of `total` zero bytes, generated piece by piece."""

    def generate() -> Iterator[bytes]:
        left = total
        while left > 0:
            piece = min(PIECE, left)
            yield b"0" * piece
            left -= piece

    return generate


def bomb(wbits: int, total: int = 1 << 30) -> Callable[[], Iterator[bytes]]:
    """`total` zero bytes compressed as they are sent: about 1 MB on the wire per GB inflated.

    wbits 16+15 is gzip, 15 zlib ("deflate" as the RFC says), -15 raw deflate.
    """

    def generate() -> Iterator[bytes]:
        packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
        block = b"\0" * (1 << 20)
        for _ in range(total // len(block)):
            out = packer.compress(block)
            if out:
                yield out
        yield packer.flush()

    return generate


# -- fixtures of our own ------------------------------------------------------------


def item(base: str, n: int, *, title: str | None = None, guid: str | None = None, link: str | None = "",
         published: datetime | None = None) -> str:
    """One RSS item; link "" means the default article URL, None no <link> at all."""
    url = f"{base}/item?n={n}" if link == "" else link
    date = published or datetime(2024, 5, 14, 9, 0, tzinfo=timezone.utc)
    return (
        f"<item><title>{escape(title or f'Item number {n}')}</title>"
        + (f"<link>{escape(url)}</link>" if url is not None else "")
        + (f'<guid isPermaLink="false">{escape(guid)}</guid>' if guid else "")
        + f"<pubDate>{format_datetime(date)}</pubDate></item>"
    )


def channel(items: str, title: str = "Faulty Wire") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.org/</link><description>d</description>"
        f"{items}</channel></rss>"
    )


def plain_article(n: int) -> str:
    """A short ordinary article page, different for each n."""
    page = Page(f"/item?n={n}", f"Harbour cranes report number {n}",
                (f"The port authority counted {n} cranes at work on the northern quay this week.",
                 "Dockers said the new shift plan made the evening crossings calmer than before."),
                datetime(2024, 5, 14, 9, 0, tzinfo=timezone.utc))
    return article_html(page)


def serve_items(web: TestWeb) -> None:
    """/item?n=N answers an ordinary article page for any N."""

    def answer(request) -> Response:
        n = int(request.path.rsplit("=", 1)[-1]) if "=" in request.path else 0
        return Response(200, plain_article(n), {"Content-Type": HTML})

    web.route("/item", handler=answer)


# A tiny valid PDF and PNG: what a feed URL sometimes turns into.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
) + bytes(range(256)) * 16


# -- installers ------------------------------------------------------------------------


def answer_with(response: Response) -> Callable[[TestWeb, str, str], None]:
    def install(web: TestWeb, path: str, base: str) -> None:
        web.route(path, handler=lambda request: response)

    return install


def feed_then_article(article: Response) -> Callable[[TestWeb, str, str], None]:
    """A good feed whose one item links to `path`/page, which answers `article`."""

    def install(web: TestWeb, path: str, base: str) -> None:
        page = f"{path}/page"
        web.route(path, channel(item(base, 1, link=f"{base}{page}", title="The faulty page")),
                  headers={"Content-Type": RSS})
        web.route(page, handler=lambda request: article)

    return install


def feed_linking_to(url: str) -> Callable[[TestWeb, str, str], None]:
    def install(web: TestWeb, path: str, base: str) -> None:
        web.route(path, channel(item(base, 1, link=url.format(port=base.rsplit(":", 1)[1]), title="A trap")),
                  headers={"Content-Type": RSS})

    return install


def redirect_to(location: str) -> Callable[[TestWeb, str, str], None]:
    def install(web: TestWeb, path: str, base: str) -> None:
        target = location.format(port=base.rsplit(":", 1)[1])
        web.route(path, status=302, headers={"Location": target})

    return install


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redirect_to_closed_port(web: TestWeb, path: str, base: str) -> None:
    web.route(path, status=302, headers={"Location": f"http://{PUBLIC_IP}:{closed_port()}/feed.xml"})


def redirect_loop(web: TestWeb, path: str, base: str) -> None:
    web.route(path, status=302, headers={"Location": f"{path}/b"})
    web.route(f"{path}/b", status=301, headers={"Location": path})


def retry_after_then_feed(web: TestWeb, path: str, base: str) -> None:
    web.sequence(path, [
        Response(429, b"slow down", {"Retry-After": "1"}),
        Response(200, channel(item(base, 1)), {"Content-Type": RSS}),
    ])
    serve_items(web)


def feed_of(items: Callable[[str], str], content_type: str = RSS) -> Callable[[TestWeb, str, str], None]:
    """A feed of these items, answered 304 to a conditional GET, as most feeds are."""

    def install(web: TestWeb, path: str, base: str) -> None:
        body = channel(items(base)).encode()

        def answer(request) -> Response:
            if request.headers.get("if-none-match") == '"v1"':
                return Response(304, b"", {"ETag": '"v1"'})
            return Response(200, body, {"Content-Type": content_type, "ETag": '"v1"'})

        web.route(path, handler=answer)
        serve_items(web)

    return install


def feed_bytes(body: bytes, content_type: str = RSS) -> Callable[[TestWeb, str, str], None]:
    def install(web: TestWeb, path: str, base: str) -> None:
        web.route(path, body, headers={"Content-Type": content_type})
        serve_items(web)

    return install


def invalid_utf8_feed(base: str) -> bytes:
    # Declared UTF-8; one title carries Latin-1 bytes, another a lone continuation byte.
    return (
        channel(item(base, 1, title="Caf\udce9 ouvert") + item(base, 2, title="Valid \u00e9t\u00e9") + item(base, 3))
        .encode("utf-8", "surrogateescape")
        .replace(b"Valid", b"Valid \x80\xbf")
    )


def mixed_encoding_page() -> bytes:
    # A UTF-8 page with a paragraph pasted in Windows-1252 (curly quotes, e acute).
    page = plain_article(7).encode("utf-8")
    return page.replace(b"</article>", "<p>Le quai \u201cnord\u201d a \u00e9t\u00e9 r\u00e9nov\u00e9.</p>".encode("cp1252")
                        + b"</article>")


def nested_html(depth: int = 100_000) -> bytes:
    return (
        b"<!doctype html><html><head><title>Deep page</title></head><body>"
        + b"<div>" * depth
        + b"<p>The deepest paragraph says the harbour reopened on Monday after the storm.</p>"
        + b"</div>" * depth
        + b"</body></html>"
    )


def nested_feed(depth: int = 100_000) -> bytes:
    return channel("<item><title>Deep</title>" + "<x>" * depth + "</x>" * depth + "</item>").encode()


def future_items(base: str) -> str:
    return (item(base, 1, published=datetime(2999, 1, 1, tzinfo=timezone.utc))
            + item(base, 2, published=datetime(9999, 12, 31, 23, 59, tzinfo=timezone.utc)))


def duplicate_guids(base: str) -> str:
    # Two different links under one guid, and one item listed twice.
    return item(base, 1, guid="same") + item(base, 2, guid="same") + item(base, 3, guid="g3") + item(base, 3, guid="g3")


def items_without_links(base: str) -> str:
    return (item(base, 1, link=None) + item(base, 2, link=None, guid="not-a-url")
            + item(base, 3) + "<item><description>no title, no link</description></item>")


def thousands(base: str) -> str:
    return "".join(item(base, n, guid=f"g{n}") for n in range(10_000))


def truncated_feed(web: TestWeb, path: str, base: str) -> None:
    body = channel(item(base, 1) + item(base, 2)).encode()
    web.route(path, body[: body.index(b"<item>", body.index(b"<item>") + 1) + 30], headers={"Content-Type": RSS})
    serve_items(web)


MB = 1 << 20

#: Every fault the fault tests try; names are test ids.
FAULTS: tuple[Fault, ...] = (
    # Slow servers: one byte a second times out a read; a trickle under the read
    # timeout is stopped by the fetch deadline.
    Fault("slow-body", "feed", answer_with(Response(200, channel(""), {"Content-Type": RSS}, pause=1.0)),
          "ReadTimeout|deadline"),
    Fault("trickle-under-read-timeout", "feed",
          answer_with(Response(200, channel(item("http://x", 1) * 40), {"Content-Type": RSS}, pause=0.02)),
          "deadline"),
    Fault("reset-before-answer", "feed", answer_with(Response(200, reset_after=-1)), "ReadError|RemoteProtocolError"),
    Fault("reset-mid-body", "feed",
          answer_with(Response(200, channel(item("http://x", 1) * 50), {"Content-Type": RSS}, reset_after=500)),
          "Error"),
    Fault("http-500", "feed", answer_with(Response(500, b"oops")), "HTTP 500"),
    Fault("http-502", "feed", answer_with(Response(502, b"bad gateway")), "HTTP 502"),
    Fault("http-503", "feed", answer_with(Response(503, b"maintenance")), "HTTP 503"),
    Fault("429-retry-after-then-ok", "feed", retry_after_then_feed, None, stored=1),
    Fault("429-retry-after-too-long", "feed", answer_with(Response(429, b"", {"Retry-After": "7200"})),
          "Retry-After 7200 s, over the"),
    Fault("redirect-loop", "feed", redirect_loop, "redirect loop"),
    Fault("connection-refused", "feed", redirect_to_closed_port, "ConnectError"),
    Fault("unresolvable-host", "feed", redirect_to("http://no-such-host.invalid/feed.xml"), "cannot resolve"),
    Fault("redirect-to-file-scheme", "feed", redirect_to("file:///etc/passwd"), "scheme 'file' refused"),
    Fault("redirect-to-loopback", "feed", redirect_to("http://127.0.0.1:{port}/feed.xml"), "not a public address"),
    Fault("redirect-to-metadata", "feed", redirect_to("http://169.254.169.254/latest/meta-data/"),
          "not a public address"),
    Fault("redirect-to-decimal-loopback", "feed", redirect_to("http://2130706433:{port}/feed.xml"),
          "not a public address"),
    Fault("feed-links-to-metadata", "feed", feed_linking_to("http://169.254.169.254/latest/meta-data/"),
          "not a public address"),
    Fault("gzip-bomb", "feed",
          answer_with(Response(200, headers={"Content-Type": RSS, "Content-Encoding": "gzip"}, stream=bomb(16 + 15))),
          "cap"),
    Fault("deflate-bomb", "feed",
          answer_with(Response(200, headers={"Content-Type": RSS, "Content-Encoding": "deflate"}, stream=bomb(15))),
          "cap"),
    Fault("raw-deflate-bomb-article", "article",
          feed_then_article(Response(200, headers={"Content-Type": HTML, "Content-Encoding": "deflate"},
                                     stream=bomb(-15))),
          "cap"),
    Fault("50mb-chunked-body", "feed", answer_with(Response(200, headers={"Content-Type": RSS}, stream=zeros(50 * MB))),
          "cap"),
    Fault("50mb-announced-body", "article",
          feed_then_article(Response(200, headers={"Content-Type": HTML, "Content-Length": str(50 * MB)},
                                     stream=zeros(50 * MB))),
          "Content-Length"),
    Fault("pdf-as-feed", "feed", feed_bytes(PDF, "application/pdf"), "not a feed"),
    Fault("image-as-feed", "feed", feed_bytes(PNG, "image/png"), "not a feed"),
    Fault("pdf-article", "article", feed_then_article(Response(200, PDF, {"Content-Type": "application/pdf"})),
          "not an HTML page"),
    Fault("image-article", "article", feed_then_article(Response(200, PNG, {"Content-Type": "image/png"})),
          "not an HTML page"),
    Fault("html-page-as-feed", "feed", feed_bytes(plain_article(1).encode(), HTML), "not a feed"),
    Fault("invalid-utf8-feed", "feed",
          lambda web, path, base: feed_bytes(invalid_utf8_feed(base))(web, path, base), None, stored=3),
    Fault("mixed-encoding-article", "article",
          feed_then_article(Response(200, mixed_encoding_page(), {"Content-Type": HTML})), None, stored=1),
    Fault("truncated-feed", "feed", truncated_feed, None, stored=1),
    Fault("empty-body", "feed", feed_bytes(b""), "not a feed"),
    Fault("empty-feed", "feed", feed_of(lambda base: ""), None, stored=0),
    Fault("garbage-feed", "feed", feed_bytes(b"<rss><channel><item><title>\x00\x01\x02&&&<<<"), "not a feed"),
    Fault("10000-items", "feed", feed_of(thousands), None, stored=10_000, traced=False),
    Fault("html-100000-deep", "article",
          feed_then_article(Response(200, nested_html(), {"Content-Type": HTML})), None, stored=1),
    Fault("xml-100000-deep", "feed", feed_bytes(nested_feed()), "nested more than"),
    # Nesting is cut where it runs away: the link below 100,000 levels is not read.
    Fault("listing-100000-deep", "feed",
          answer_with(Response(200, nested_html().replace(b"<p>", b'<p><a href="/item?n=1">deep</a>'),
                               {"Content-Type": HTML})), None, stored=0, kind="listing"),
    # One guid on two links keeps both (a feed that gives every item its home
    # page as guid must not lose its articles; dedup catches a real repeat);
    # the item listed twice is stored once.
    Fault("duplicate-guids", "feed", feed_of(duplicate_guids), None, stored=3),
    Fault("dates-in-the-future", "feed", feed_of(future_items), None, stored=2),
    Fault("items-without-links", "feed", feed_of(items_without_links), None, stored=1),
)


def good_site(web: TestWeb, base: str, prefix: str = "/good", *, news: bool = False) -> str:
    """A healthy source beside the faulty one; returns its feed path.

    Its feed lists a product review; with `news`, an investment story above it too.
    """
    pages = [Page(prefix + p.path, p.title, p.paragraphs, p.published) for p in (INVESTMENT_EN, PRODUCT_EN)]
    web.route(f"{prefix}/feed.xml", rss(base, pages if news else pages[1:]), headers={"Content-Type": RSS})
    for page in pages:
        web.route(page.path, article_html(page), headers={"Content-Type": HTML})
    return f"{prefix}/feed.xml"


__all__ = ["FAULTS", "Fault", "PUBLIC_IP", "PublicFacade", "good_site", "public_base"]
