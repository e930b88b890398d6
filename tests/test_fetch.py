"""monitor.fetch: the Fetcher against real loopback servers, and SampleWeb.

Time is a FakeTime: the Fetcher's clock, and a sleep that records each wait
and moves the clock instead of sleeping, so retry and politeness rules are
asserted as the waits they cause, without waiting.
"""

from __future__ import annotations

import asyncio
import gzip
import http.client
import socket
import threading
import zlib
from dataclasses import replace
from datetime import datetime, timezone
from ipaddress import ip_address
from pathlib import Path

import httpx
import pytest
from webserver import RecordedRequest, Response, TestWeb

from monitor.errors import (
    BlockedURL,
    BodyTooLarge,
    FetchError,
    HTTPStatusError,
    NetworkError,
    RobotsDisallowed,
    TooManyRedirects,
)
from monitor.fetch import Fetcher, is_public_address, parse_retry_after
from monitor.sampleweb import SampleWeb
from monitor.types import Settings, Validators

HTML = "text/html; charset=utf-8"

#: Loopback servers need allow_private_addresses; no delay, quick backoff.
TEST_SETTINGS = Settings(
    user_agent="monitor-test/1.0 (+https://example.org/bot)",
    allow_private_addresses=True,
    host_delay=0.0,
    backoff=0.5,
    retries=3,
    connect_timeout=2.0,
    read_timeout=2.0,
    max_bytes=100_000,
)


class FakeTime:
    """A clock, and a sleep that moves it instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
def web():
    with TestWeb() as server:
        yield server


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
async def make_fetcher(fake_time):
    """make_fetcher(**settings) -> a Fetcher on fake time, no jitter; closed after the test."""
    fetchers: list[Fetcher] = []

    def make(transport: httpx.AsyncBaseTransport | None = None, **overrides) -> Fetcher:
        fetcher = Fetcher(
            replace(TEST_SETTINGS, **overrides),
            transport=transport,
            clock=fake_time.clock,
            sleep=fake_time.sleep,
            rand=lambda: 0.0,
        )
        fetchers.append(fetcher)
        return fetcher

    yield make
    for fetcher in fetchers:
        await fetcher.aclose()


# -- the plain case ---------------------------------------------------------------


async def test_a_page_comes_back_with_its_body_text_and_headers(web, make_fetcher):
    web.route("/a", "<p>Bonjour, ça va ?</p>", headers={"Content-Type": HTML})
    fetched = await make_fetcher().fetch(web.url("/a"))
    assert fetched.status == 200
    assert fetched.url == fetched.final_url == web.url("/a")
    assert fetched.body == "<p>Bonjour, ça va ?</p>".encode()
    assert fetched.text == "<p>Bonjour, ça va ?</p>"
    assert fetched.encoding == "utf-8"
    assert fetched.content_type == HTML
    assert fetched.not_modified is False
    assert fetched.attempts == 1
    assert fetched.validators == Validators()


async def test_user_agent_accept_and_accept_encoding_are_sent(web, make_fetcher):
    web.route("/feed", "<rss/>")
    await make_fetcher().fetch(web.url("/feed"), accept="application/rss+xml")
    [request] = [r for r in web.requests if r.path == "/feed"]
    assert request.headers["user-agent"] == TEST_SETTINGS.user_agent
    assert request.headers["accept"] == "application/rss+xml"
    assert request.headers["accept-encoding"] == "gzip, deflate"


async def test_windows_1252_page_is_decoded_with_its_accents(web, make_fetcher):
    text = "<p>L’État investit 4 milliards d’€ à Besançon</p>"
    web.route("/labelled", text.encode("cp1252"), headers={"Content-Type": "text/html; charset=windows-1252"})
    web.route("/mislabelled", text.encode("cp1252"), headers={"Content-Type": "text/html; charset=utf-8"})
    fetcher = make_fetcher()
    for path in ("/labelled", "/mislabelled"):
        fetched = await fetcher.fetch(web.url(path))
        assert (fetched.text, fetched.encoding) == (text, "cp1252")


# -- conditional GET ----------------------------------------------------------------


def conditional(etag: str, last_modified: str, body: str):
    """A handler answering 304 when the client sends back the validators."""

    def answer(request: RecordedRequest) -> Response:
        if request.headers.get("if-none-match") == etag:
            return Response(304)
        return Response(200, body, {"ETag": etag, "Last-Modified": last_modified, "Content-Type": HTML})

    return answer


async def test_conditional_get_sends_the_validators_and_a_304_keeps_them(web, make_fetcher):
    web.route("/page", handler=conditional('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT", "<p>one</p>"))
    fetcher = make_fetcher()

    first = await fetcher.fetch(web.url("/page"))
    assert first.validators == Validators(etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")

    second = await fetcher.fetch(web.url("/page"), first.validators)
    assert second.not_modified is True
    assert second.status == 304
    assert (second.body, second.text) == (b"", "")
    assert second.validators == first.validators
    sent = web.requests[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"


async def test_a_304_with_a_new_etag_returns_the_new_one(web, make_fetcher):
    web.route("/page", status=304, headers={"ETag": '"v2"'})
    fetched = await make_fetcher().fetch(web.url("/page"), Validators(etag='"v1"', last_modified="old date"))
    assert fetched.validators == Validators(etag='"v2"', last_modified="old date")


async def test_new_content_without_validators_drops_the_old_ones(web, make_fetcher):
    web.route("/page", "<p>changed</p>")
    fetched = await make_fetcher().fetch(web.url("/page"), Validators(etag='"v1"', last_modified="old date"))
    assert fetched.not_modified is False
    assert fetched.validators == Validators()


# -- retries --------------------------------------------------------------------


async def test_a_503_is_retried_after_a_backoff(web, make_fetcher, fake_time):
    web.sequence("/flaky", [Response(503), Response(200, "ok")])
    fetched = await make_fetcher().fetch(web.url("/flaky"))
    assert fetched.text == "ok"
    assert fetched.attempts == 2
    assert web.hits("/flaky") == 2
    assert fake_time.waits == [0.5]
    assert fetched.elapsed == 0.5


async def test_backoff_doubles_and_retries_exhausted_raise_http_status_error(web, make_fetcher, fake_time):
    web.route("/down", status=500)
    with pytest.raises(HTTPStatusError) as caught:
        await make_fetcher(retries=3).fetch(web.url("/down"))
    assert caught.value.status == 500
    assert caught.value.url == web.url("/down")
    assert web.hits("/down") == 4
    assert fake_time.waits == [0.5, 1.0, 2.0]


async def test_backoff_has_up_to_one_base_of_jitter(web, fake_time):
    web.sequence("/flaky", [Response(502), Response(502), Response(200)])
    settings = replace(TEST_SETTINGS, backoff=1.0)
    async with Fetcher(settings, clock=fake_time.clock, sleep=fake_time.sleep, rand=lambda: 0.75) as fetcher:
        await fetcher.fetch(web.url("/flaky"))
    assert fake_time.waits == [1.75, 2.75]


async def test_retry_after_in_seconds_is_waited_instead_of_the_backoff(web, make_fetcher, fake_time):
    web.sequence("/busy", [Response(503, headers={"Retry-After": "2"}), Response(200, "ok")])
    fetched = await make_fetcher().fetch(web.url("/busy"))
    assert fetched.text == "ok"
    assert fake_time.waits == [2.0]


async def test_a_429_is_retried_honouring_retry_after(web, make_fetcher, fake_time):
    web.sequence("/limited", [Response(429, headers={"Retry-After": "7"}), Response(200, "ok")])
    fetched = await make_fetcher().fetch(web.url("/limited"))
    assert fetched.attempts == 2
    assert fake_time.waits == [7.0]


async def test_a_retry_after_over_the_cap_fails_at_once(web, make_fetcher, fake_time):
    web.route("/later", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(HTTPStatusError) as caught:
        await make_fetcher(max_retry_after=120).fetch(web.url("/later"))
    assert caught.value.status == 429
    assert "Retry-After" in str(caught.value)
    assert web.hits("/later") == 1
    assert fake_time.waits == []


async def test_a_retry_after_date_far_ahead_fails_at_once(web, make_fetcher, fake_time):
    web.route("/later", status=503, headers={"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"})
    with pytest.raises(HTTPStatusError):
        await make_fetcher().fetch(web.url("/later"))
    assert fake_time.waits == []


async def test_a_retry_after_pauses_the_whole_host(web, make_fetcher, fake_time):
    web.route("/busy", status=503, headers={"Retry-After": "5"})
    web.route("/other", "ok")
    fetcher = make_fetcher(retries=0)
    with pytest.raises(HTTPStatusError):
        await fetcher.fetch(web.url("/busy"))
    await fetcher.fetch(web.url("/other"))
    assert fake_time.waits == [5.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
async def test_a_4xx_other_than_429_fails_at_once(web, make_fetcher, fake_time, status):
    web.route("/gone", status=status)
    with pytest.raises(HTTPStatusError) as caught:
        await make_fetcher().fetch(web.url("/gone"))
    assert caught.value.status == status
    assert web.hits("/gone") == 1
    assert fake_time.waits == []


async def test_a_refused_connection_is_retried_then_raises_network_error(make_fetcher, fake_time):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as caught:
        await make_fetcher(retries=2).fetch(f"http://127.0.0.1:{closed_port}/")
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert fake_time.waits == [0.5, 1.0]


async def test_a_read_timeout_is_a_network_error(web, make_fetcher):
    release = threading.Event()

    def stall(request: RecordedRequest) -> Response:
        release.wait(5)
        return Response(200, "too late")

    web.route("/slow", handler=stall)
    try:
        with pytest.raises(NetworkError) as caught:
            await make_fetcher(retries=0, read_timeout=0.1).fetch(web.url("/slow"))
    finally:
        release.set()
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


async def test_a_transport_failure_of_any_kind_becomes_a_fetch_error(make_fetcher):
    def explode(request: httpx.Request) -> httpx.Response:
        raise httpx.LocalProtocolError("broken request")

    fetcher = make_fetcher(transport=httpx.MockTransport(explode), respect_robots=False)
    with pytest.raises(NetworkError) as caught:
        await fetcher.fetch("http://example.test/")
    assert isinstance(caught.value.__cause__, httpx.LocalProtocolError)


# -- size cap and compression -----------------------------------------------------


async def test_a_content_length_over_the_cap_is_refused_before_reading(web, make_fetcher):
    web.route("/big", b"x" * 2000)
    with pytest.raises(BodyTooLarge) as caught:
        await make_fetcher(max_bytes=1000).fetch(web.url("/big"))
    assert "Content-Length 2000" in str(caught.value)


async def test_a_chunked_body_without_length_is_stopped_at_the_cap(web, make_fetcher):
    web.route("/stream", handler=lambda request: Response(200, b"x" * 50_000, chunked=True, chunk_size=1000))
    with pytest.raises(BodyTooLarge):
        await make_fetcher(max_bytes=10_000).fetch(web.url("/stream"))


async def test_a_body_exactly_at_the_cap_is_accepted(web, make_fetcher):
    web.route("/stream", handler=lambda request: Response(200, b"x" * 10_000, chunked=True, chunk_size=999))
    fetched = await make_fetcher(max_bytes=10_000).fetch(web.url("/stream"))
    assert len(fetched.body) == 10_000


@pytest.mark.parametrize(
    "coding, compress",
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        # Raw deflate without the zlib header, as many servers send it.
        ("deflate", lambda data: zlib.compress(data)[2:-4]),
    ],
)
async def test_a_compressed_body_is_decompressed(web, make_fetcher, coding, compress):
    page = "<p>Un article compressé.</p>" * 200
    web.route("/z", compress(page.encode()), headers={"Content-Encoding": coding, "Content-Type": HTML})
    fetched = await make_fetcher().fetch(web.url("/z"))
    assert fetched.text == page


async def test_a_gzip_bomb_is_stopped_at_the_decompressed_cap(web, make_fetcher):
    bomb = gzip.compress(b"\0" * 20_000_000)  # about 20 KB on the wire
    web.route("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(BodyTooLarge):
        await make_fetcher(max_bytes=1_000_000).fetch(web.url("/bomb"))


async def test_a_corrupt_gzip_body_is_a_fetch_error(web, make_fetcher):
    web.route("/bad", b"this is not gzip", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="corrupt gzip"):
        await make_fetcher().fetch(web.url("/bad"))


async def test_an_unasked_content_encoding_is_a_fetch_error(web, make_fetcher):
    web.route("/br", b"\x0b\x02\x80hello\x03", headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        await make_fetcher().fetch(web.url("/br"))


# -- redirects ----------------------------------------------------------------------


async def test_a_relative_redirect_is_followed(web, make_fetcher):
    web.route("/old", status=301, headers={"Location": "new?x=1#top"})
    web.route("/new", "<p>here</p>")
    fetched = await make_fetcher().fetch(web.url("/old"))
    assert fetched.url == web.url("/old")
    assert fetched.final_url == web.url("/new?x=1")
    assert fetched.text == "<p>here</p>"


async def test_more_redirects_than_the_cap_raise_too_many_redirects(web, make_fetcher):
    for n in range(5):
        web.route(f"/r{n}", status=302, headers={"Location": f"/r{n + 1}"})
    web.route("/r5", "end")
    with pytest.raises(TooManyRedirects):
        await make_fetcher(max_redirects=3).fetch(web.url("/r0"))
    assert web.hits("/r4") == 0
    fetched = await make_fetcher(max_redirects=5).fetch(web.url("/r0"))
    assert fetched.text == "end"


async def test_a_redirect_loop_is_detected(web, make_fetcher):
    web.route("/a", status=302, headers={"Location": "/b"})
    web.route("/b", status=307, headers={"Location": web.url("/a")})
    with pytest.raises(TooManyRedirects, match="loop"):
        await make_fetcher(max_redirects=10).fetch(web.url("/a"))
    assert web.hits("/a") == 1


async def test_a_redirect_without_location_is_an_http_status_error(web, make_fetcher):
    web.route("/nowhere", status=302)
    with pytest.raises(HTTPStatusError) as caught:
        await make_fetcher().fetch(web.url("/nowhere"))
    assert caught.value.status == 302


# -- robots.txt -----------------------------------------------------------------------


async def test_robots_txt_disallow_raises_and_robots_is_fetched_once_per_host(web, make_fetcher):
    web.route("/robots.txt", "User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
    web.route("/public", "ok")
    web.route("/private/page", "secret")
    fetcher = make_fetcher()
    with pytest.raises(RobotsDisallowed):
        await fetcher.fetch(web.url("/private/page"))
    await fetcher.fetch(web.url("/public"))
    await fetcher.fetch(web.url("/public"))
    assert web.hits("/private/page") == 0
    assert web.hits("/robots.txt") == 1


async def test_robots_txt_is_fetched_once_for_concurrent_first_requests(web, make_fetcher):
    web.route("/robots.txt", "User-agent: *\nDisallow:\n")
    web.route("/page", "ok")
    fetcher = make_fetcher()
    await asyncio.gather(*(fetcher.fetch(web.url("/page")) for _ in range(5)))
    assert web.hits("/robots.txt") == 1


async def test_robots_rules_for_our_user_agent_apply(web, make_fetcher):
    web.route("/robots.txt", "User-agent: monitor-test\nDisallow: /feeds\n\nUser-agent: *\nDisallow: /\n")
    web.route("/news", "ok")
    fetcher = make_fetcher()
    assert (await fetcher.fetch(web.url("/news"))).text == "ok"
    with pytest.raises(RobotsDisallowed):
        await fetcher.fetch(web.url("/feeds"))


async def test_robots_is_fetched_again_after_an_hour(web, make_fetcher, fake_time):
    web.route("/robots.txt", "User-agent: *\nDisallow:\n")
    web.route("/page", "ok")
    fetcher = make_fetcher()
    await fetcher.fetch(web.url("/page"))
    fake_time.now += 3601
    await fetcher.fetch(web.url("/page"))
    assert web.hits("/robots.txt") == 2


async def test_a_redirect_into_a_disallowed_path_is_refused(web, make_fetcher):
    web.route("/robots.txt", "User-agent: *\nDisallow: /private/\n")
    web.route("/go", status=302, headers={"Location": "/private/page"})
    with pytest.raises(RobotsDisallowed):
        await make_fetcher().fetch(web.url("/go"))
    assert web.hits("/private/page") == 0


@pytest.mark.parametrize("robots", [Response(404), Response(410), Response(500), Response(503)])
async def test_a_missing_or_failing_robots_txt_allows_all(web, make_fetcher, robots):
    web.route("/robots.txt", handler=lambda request: robots)
    web.route("/page", "ok")
    assert (await make_fetcher().fetch(web.url("/page"))).text == "ok"


async def test_a_robots_txt_over_the_size_cap_is_ignored(web, make_fetcher):
    web.route("/robots.txt", "User-agent: *\nDisallow: /\n" + "#" * 5000)
    web.route("/page", "ok")
    assert (await make_fetcher(max_bytes=1000).fetch(web.url("/page"))).text == "ok"


async def test_robots_txt_is_not_consulted_when_respect_robots_is_off(web, make_fetcher):
    web.route("/robots.txt", "User-agent: *\nDisallow: /\n")
    web.route("/page", "ok")
    assert (await make_fetcher(respect_robots=False).fetch(web.url("/page"))).text == "ok"
    assert web.hits("/robots.txt") == 0


async def test_crawl_delay_spaces_requests_to_the_host(web, make_fetcher, fake_time):
    web.route("/robots.txt", "User-agent: *\nCrawl-delay: 3\n")
    web.route("/page", "ok")
    fetcher = make_fetcher(host_delay=0.5)
    for _ in range(3):
        await fetcher.fetch(web.url("/page"))
    # robots.txt went first (host_delay after it), then one page every 3 s.
    assert fake_time.waits == [0.5, 3.0, 3.0]


async def test_crawl_delay_is_capped_at_30_seconds(web, make_fetcher, fake_time):
    web.route("/robots.txt", "User-agent: *\nCrawl-delay: 86400\n")
    web.route("/page", "ok")
    fetcher = make_fetcher()
    await fetcher.fetch(web.url("/page"))
    await fetcher.fetch(web.url("/page"))
    assert fake_time.waits == [30.0]


# -- politeness -------------------------------------------------------------------------


async def test_host_delay_separates_the_starts_of_requests_to_one_host(web, make_fetcher, fake_time):
    web.route("/page", "ok")
    fetcher = make_fetcher(host_delay=0.5, respect_robots=False)
    for _ in range(3):
        await fetcher.fetch(web.url("/page"))
    assert fake_time.waits == [0.5, 0.5]


async def test_requests_in_flight_to_one_host_never_exceed_the_limit(web, make_fetcher):
    lock = threading.Lock()
    in_flight = 0
    most = 0
    # Each request waits for a partner: two at once always get through, one alone would stall.
    pairs = threading.Barrier(2, timeout=5)

    def slow(request: RecordedRequest) -> Response:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        try:
            pairs.wait()
            threading.Event().wait(0.02)
        finally:
            with lock:
                in_flight -= 1
        return Response(200, "ok")

    web.route("/slow", handler=slow)
    fetcher = make_fetcher(per_host_concurrency=2, respect_robots=False)
    results = await asyncio.gather(*(fetcher.fetch(web.url(f"/slow?n={n}")) for n in range(8)))
    assert [r.text for r in results] == ["ok"] * 8
    assert most == 2


# -- the SSRF guard ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/page",
        "http://localhost:{port}/page",
        "http://127.1:{port}/page",
        "http://[::1]:{port}/page",
        "http://[::ffff:127.0.0.1]:{port}/page",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://0.0.0.0:{port}/",
    ],
)
async def test_non_public_addresses_are_refused(web, make_fetcher, url):
    web.route("/page", "ok")
    with pytest.raises(BlockedURL):
        await make_fetcher(allow_private_addresses=False).fetch(url.format(port=web.base.rsplit(":", 1)[1]))
    assert web.requests == []


def public_site_redirecting_to(location: str) -> httpx.MockTransport:
    """A fake public site (93.184.215.14) whose /start redirects to `location`."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/start":
            return httpx.Response(302, headers={"Location": location})
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, text="public page")

    return httpx.MockTransport(answer)


async def test_a_public_url_is_fetched_with_the_guard_on(make_fetcher):
    fetcher = make_fetcher(transport=public_site_redirecting_to("/elsewhere"), allow_private_addresses=False)
    fetched = await fetcher.fetch("http://93.184.215.14/start")
    assert fetched.final_url == "http://93.184.215.14/elsewhere"


@pytest.mark.parametrize("location", ["http://127.0.0.1/admin", "http://169.254.169.254/latest/", "file:///etc/passwd"])
async def test_a_redirect_to_a_refused_target_is_refused(make_fetcher, location):
    fetcher = make_fetcher(transport=public_site_redirecting_to(location), allow_private_addresses=False)
    with pytest.raises(BlockedURL, match="redirect to"):
        await fetcher.fetch("http://93.184.215.14/start")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1/", "data:text/html,hi"])
async def test_schemes_other_than_http_are_refused_even_on_the_loopback_setting(make_fetcher, url):
    with pytest.raises(BlockedURL, match="scheme"):
        await make_fetcher(allow_private_addresses=True).fetch(url)


async def test_an_unresolvable_host_is_a_network_error(make_fetcher):
    with pytest.raises(NetworkError, match="cannot resolve"):
        await make_fetcher(allow_private_addresses=False).fetch("http://no-such-host.invalid/")


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("fd00:ec2::254", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.215.14", True),
    ],
)
def test_is_public_address(address, public):
    assert is_public_address(ip_address(address)) is public


# -- Retry-After parsing ------------------------------------------------------------------


NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("1.5", 1.5),
        ("Sat, 01 Mar 2025 12:01:30 GMT", 90.0),
        ("Sat, 01 Mar 2025 11:00:00 GMT", 0.0),  # in the past: go now
        (None, None),
        ("", None),
        ("-5", None),
        ("nan", None),
        ("soon", None),
    ],
)
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, NOW) == seconds


# -- SampleWeb, the demo's server ------------------------------------------------------------


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    """Two tiny sites; one links to the other through {{BASE:...}}."""
    news = tmp_path / "news"
    (news / "articles").mkdir(parents=True)
    (news / "index.html").write_text('<a href="{{BASE}}/articles/one.html">one</a> <a href="{{BASE:blog}}/">blog</a>')
    (news / "articles" / "one.html").write_text("<p>Un article en français</p>", encoding="utf-8")
    (news / "articles" / "old.cp1252.html").write_bytes("<p>L’été à Besançon</p>".encode("cp1252"))
    (news / "feed.rss").write_text('<?xml version="1.0"?><rss><link>{{BASE}}/</link></rss>')
    (news / "logo.png").write_bytes(b"\x89PNG{{BASE}}")
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "index.html").write_text("<p>blog</p>")
    (blog / "2024").mkdir()
    (blog / "2024" / "index.html").write_text("<p>the 2024 posts</p>")
    (tmp_path / "secret.txt").write_text("outside every site")
    return tmp_path


@pytest.fixture
def sample_web(sample_root):
    with SampleWeb(sample_root) as served:
        yield served


async def test_sample_web_serves_each_site_on_its_own_port_with_placeholders_filled(sample_web, make_fetcher):
    news, blog = sample_web.base("news"), sample_web.base("blog")
    assert news != blog
    fetched = await make_fetcher().fetch(news + "/")
    assert fetched.text == f'<a href="{news}/articles/one.html">one</a> <a href="{blog}/">blog</a>'
    assert fetched.content_type == "text/html; charset=utf-8"


async def test_sample_web_redirects_a_directory_to_its_slash(sample_web, make_fetcher):
    fetched = await make_fetcher().fetch(sample_web.base("blog") + "/2024")
    assert fetched.final_url == sample_web.base("blog") + "/2024/"
    assert fetched.text == "<p>the 2024 posts</p>"


async def test_sample_web_content_types_and_binary_files_left_alone(sample_web, make_fetcher):
    fetcher = make_fetcher()
    news = sample_web.base("news")
    feed = await fetcher.fetch(news + "/feed.rss")
    assert feed.content_type == "application/rss+xml"
    assert feed.text == f'<?xml version="1.0"?><rss><link>{news}/</link></rss>'
    logo = await fetcher.fetch(news + "/logo.png")
    assert logo.content_type == "image/png"
    assert logo.body == b"\x89PNG{{BASE}}"


async def test_sample_web_serves_cp1252_files_as_windows_1252(sample_web, make_fetcher):
    fetched = await make_fetcher().fetch(sample_web.base("news") + "/articles/old.cp1252.html")
    assert fetched.content_type == "text/html; charset=windows-1252"
    assert fetched.body == "<p>L’été à Besançon</p>".encode("cp1252")
    assert fetched.text == "<p>L’été à Besançon</p>"


async def test_sample_web_answers_a_conditional_get_with_304(sample_web, make_fetcher):
    fetcher = make_fetcher()
    url = sample_web.base("news") + "/articles/one.html"
    first = await fetcher.fetch(url)
    assert first.validators.etag and first.validators.last_modified
    second = await fetcher.fetch(url, first.validators)
    assert second.not_modified is True
    assert second.validators == first.validators
    by_date = await fetcher.fetch(url, Validators(last_modified=first.validators.last_modified))
    assert by_date.not_modified is True


def raw_request(base: str, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """A request sent byte for byte (httpx would normalise "../" away)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/../secret.txt", "/articles/../../secret.txt", "/%2e%2e/secret.txt", "/nothing.html"])
def test_sample_web_answers_404_outside_the_site_or_for_missing_files(sample_web, path):
    status, _, _ = raw_request(sample_web.base("news"), "GET", path)
    assert status == 404


def test_sample_web_answers_head_without_a_body(sample_web):
    status, headers, body = raw_request(sample_web.base("news"), "HEAD", "/articles/one.html")
    assert status == 200
    assert int(headers["Content-Length"]) == len("<p>Un article en français</p>".encode())
    assert body == b""


def test_sample_web_is_quiet(sample_web, capfd):
    raw_request(sample_web.base("news"), "GET", "/")
    raw_request(sample_web.base("news"), "GET", "/missing")
    assert capfd.readouterr().err == ""


def test_sample_web_renders_configs_and_refuses_unknown_sites(sample_web):
    text = 'url = "{{BASE:news}}/feed.rss"\nother = "{{BASE:blog}}/"'
    assert sample_web.render(text) == f'url = "{sample_web.base("news")}/feed.rss"\nother = "{sample_web.base("blog")}/"'
    with pytest.raises(ValueError, match="nope"):
        sample_web.render("{{BASE:nope}}")


def test_sample_web_can_serve_a_subset_of_the_sites_and_start_twice(sample_root):
    with SampleWeb(sample_root, sites=["blog"]).start() as served:
        assert raw_request(served.base("blog"), "GET", "/")[0] == 200
        with pytest.raises(ValueError):
            served.base("news")
    with pytest.raises(ValueError, match="missing"):
        SampleWeb(sample_root, sites=["missing"])
