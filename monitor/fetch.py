"""The fetch stage: one URL in, one Fetched out, politely and safely.

Owns every HTTP request the monitor makes to news sites (the Telegram Bot
API is notify's business). :class:`Fetcher` wraps one shared
``httpx.AsyncClient`` and adds what a crawler owes the sites and itself:

* politeness: at most ``per_host_concurrency`` requests in flight per
  scheme://host:port, ``host_delay`` seconds between two starts there (more
  when robots.txt asks for a Crawl-delay), robots.txt honoured;
* conditional GET: the caller's Validators become If-None-Match /
  If-Modified-Since, and a 304 comes back as ``Fetched(not_modified=True)``;
* retries with exponential backoff and jitter on network errors, 429 and
  5xx, honouring Retry-After up to ``max_retry_after``;
* a deadline per request (:func:`answer_deadline`), so a server trickling
  bytes just under ``read_timeout`` cannot hold a fetch for ever;
* safety: redirects followed one hop at a time so every hop is checked, the
  SSRF guard (no private, loopback, link-local or metadata addresses unless
  ``allow_private_addresses``), a body cap enforced while streaming and
  counted after decompression (a gzip bomb stops at the cap);
* the body decoded to text by :func:`monitor.charset.decode_body`.

Every failure is a :class:`monitor.errors.FetchError`; httpx's exceptions
never escape (they are the ``__cause__``).
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import math
import random
import socket
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx
from protego import Protego

from monitor import metrics
from monitor.charset import decode_body
from monitor.errors import (
    BlockedURL,
    BodyTooLarge,
    FetchError,
    HTTPStatusError,
    NetworkError,
    RobotsDisallowed,
    TooManyRedirects,
)
from monitor.types import Fetched, Settings, Validators

__all__ = ["DEFAULT_ACCEPT", "Fetcher", "answer_deadline", "is_public_address", "not_a_page", "parse_retry_after"]

#: What fetch() accepts unless told otherwise: pages and feeds.
DEFAULT_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.8"
)

#: Only the codings _Inflater can decode in bounded steps are advertised, so
#: that installing brotli one day does not silently bypass the size cap.
_ACCEPT_ENCODING = "gzip, deflate"

#: Connections in the shared pool. FACTS.md: 100 connections served 350
#: pages/s on loopback against 590/s for 20 (httpcore walks its pool on each
#: request); the monitor polls a few dozen hosts, two connections each at most.
_POOL = httpx.Limits(max_connections=20, max_keepalive_connections=20)

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

#: How long a fetched robots.txt is trusted.
_ROBOTS_TTL = 3600.0
#: How long "allow all" is kept after robots.txt could not be read (5xx,
#: network error): short, so the real rules are picked up soon.
_ROBOTS_RETRY_TTL = 600.0
#: Largest Crawl-delay obeyed: beyond it a site would be polled too rarely to be useful.
_MAX_CRAWL_DELAY = 30.0

#: Most decompressed bytes produced in one step, so a gzip bomb never
#: inflates more than this past the cap before it is stopped.
_INFLATE_STEP = 64 * 1024

#: Addresses of cloud instance-metadata services (AWS, GCP, Azure, and AWS's
#: IPv6 one), refused by name even though the ranges below already cover them.
_CLOUD_METADATA = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Fetcher:
    """Fetches URLs for the monitor: use one per process, as an async context manager.

    >>> async with Fetcher(settings) as fetcher:          # doctest: +SKIP
    ...     fetched = await fetcher.fetch(url, validators)

    ``transport`` replaces the network (tests may pass an httpx.MockTransport);
    ``clock`` and ``sleep`` are the time the politeness and retry rules use,
    ``rand`` the jitter source, so tests run without waiting.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self._hosts: dict[str, _Host] = {}
        self._client = httpx.AsyncClient(
            transport=transport,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": _ACCEPT_ENCODING},
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                # Waiting for a free connection of the pool.
                pool=settings.connect_timeout + settings.read_timeout,
            ),
            limits=_POOL,
            # Each hop is checked by _follow (SSRF guard, robots, loop).
            follow_redirects=False,
            # No proxy from the environment: a proxy would resolve the host
            # itself, behind the SSRF guard's back.
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, validators: Validators | None = None, *, accept: str = DEFAULT_ACCEPT) -> Fetched:
        """GET `url`, following redirects; a 2xx or a 304, or a FetchError.

        Raises BlockedURL, RobotsDisallowed, HTTPStatusError, BodyTooLarge,
        TooManyRedirects or NetworkError, all carrying `url`.
        """
        started = self._clock()
        old = validators or Validators()
        headers = {"Accept": accept}
        if old.etag:
            headers["If-None-Match"] = old.etag
        if old.last_modified:
            headers["If-Modified-Since"] = old.last_modified

        budget = _RetryBudget(self._settings.retries)
        try:
            answer = await self._follow(url, headers, budget, check_robots=self._settings.respect_robots)
        except FetchError as e:
            metrics.current().fetch(url, e)
            raise
        content_type = answer.headers.get("content-type", "")
        etag = answer.headers.get("etag")
        last_modified = answer.headers.get("last-modified")

        if answer.status == 304:
            metrics.current().fetch(url, not_modified=True)
            return Fetched(
                url=url,
                final_url=answer.url,
                status=304,
                content_type=content_type,
                body=b"",
                text="",
                encoding=None,
                # A 304 may omit the validators: the ones we sent still hold.
                validators=Validators(etag=etag or old.etag, last_modified=last_modified or old.last_modified),
                not_modified=True,
                elapsed=self._clock() - started,
                attempts=budget.attempts,
            )
        if not 200 <= answer.status < 300:
            error = HTTPStatusError(url, answer.status, _status_message(url, answer))
            metrics.current().fetch(url, error)
            raise error

        text, encoding = decode_body(answer.body, content_type)
        metrics.current().fetch(url)
        return Fetched(
            url=url,
            final_url=answer.url,
            status=answer.status,
            content_type=content_type,
            body=answer.body,
            text=text,
            encoding=encoding,
            # New content: the old validators describe something else.
            validators=Validators(etag=etag, last_modified=last_modified),
            elapsed=self._clock() - started,
            attempts=budget.attempts,
        )

    # -- redirects, one checked hop at a time --------------------------------

    async def _follow(self, url: str, headers: dict[str, str], budget: _RetryBudget, *, check_robots: bool) -> _Answer:
        """The first answer that is not a redirect; every hop passes the guards."""
        hop = url
        seen: set[str] = set()
        for _ in range(self._settings.max_redirects + 1):
            target = await self._check_target(url, hop)
            if str(target) in seen:
                raise TooManyRedirects(url, f"redirect loop back to {target}")
            seen.add(str(target))
            if check_robots:
                await self._check_robots(url, target)
            answer = await self._get(url, target, headers, budget)
            if answer.status not in _REDIRECT_STATUSES:
                return answer
            location = answer.headers.get("location")
            if not location:
                raise HTTPStatusError(url, answer.status, f"HTTP {answer.status} without a Location header at {hop}")
            try:
                # Location may be relative to the hop that sent it.
                hop = str(target.join(location).copy_with(fragment=None))
            except httpx.InvalidURL as e:
                raise FetchError(url, f"invalid redirect Location {location!r} at {target}") from e
        raise TooManyRedirects(url, f"more than {self._settings.max_redirects} redirects (last to {hop})")

    # -- one hop, with retries ----------------------------------------------

    async def _get(self, url: str, target: httpx.URL, headers: dict[str, str], budget: _RetryBudget) -> _Answer:
        """One hop's answer: retried on network errors, 429 and 5xx while the budget lasts."""
        while True:
            retry_after = None
            try:
                answer = await self._get_once(url, target, headers)
            except _TRANSIENT as e:
                failure: FetchError = NetworkError(url, _describe(e, target))
                cause: BaseException | None = e
            else:
                if not _retryable(answer.status):
                    return answer
                if answer.status in (429, 503):
                    retry_after = parse_retry_after(answer.headers.get("retry-after"), datetime.now(timezone.utc))
                if retry_after is not None and retry_after > self._settings.max_retry_after:
                    # Better to fail this poll than to hold a worker for hours.
                    raise HTTPStatusError(
                        url,
                        answer.status,
                        f"HTTP {answer.status} with Retry-After {retry_after:.0f} s, over the "
                        f"{self._settings.max_retry_after:.0f} s cap",
                    )
                failure, cause = HTTPStatusError(url, answer.status, _status_message(url, answer)), None
                if retry_after is not None:
                    # The whole host asked for a pause, not just this URL.
                    self._host(target).not_before(self._clock() + retry_after)

            if not budget.spend():
                raise failure from cause
            await self._sleep(retry_after if retry_after is not None else self._backoff(budget.retried))

    def _backoff(self, retry: int) -> float:
        """Seconds before retry number `retry` (1, 2, ...): base * 2^(retry-1), plus up to base of jitter."""
        base = self._settings.backoff
        return min(base * 2 ** (retry - 1) + base * self._rand(), self._settings.max_retry_after)

    async def _get_once(self, url: str, target: httpx.URL, headers: dict[str, str]) -> _Answer:
        """One request; the body is read (within the cap) only for a 2xx."""
        host = self._host(target)
        deadline = answer_deadline(self._settings)
        try:
            async with host.slots:
                await self._wait_turn(host)
                # read_timeout bounds each read, not the answer: a server sending a
                # byte just under it would hold this fetch for days (issue 8).
                async with asyncio.timeout(deadline):
                    async with self._client.stream("GET", target, headers=headers) as response:
                        body = b""
                        if 200 <= response.status_code < 300:
                            body = await self._read_capped(url, response)
                        # Other bodies (redirects, errors) are dropped unread.
                        return _Answer(str(target), response.status_code, response.headers, body)
        except TimeoutError as e:
            # Not retried: a server that slow will be as slow at once.
            raise NetworkError(url, f"no complete answer within the {deadline:g} s deadline at {target}") from e
        except _TRANSIENT:
            raise
        except httpx.HTTPError as e:
            raise NetworkError(url, _describe(e, target)) from e
        except (httpx.InvalidURL, httpx.StreamError) as e:
            raise FetchError(url, _describe(e, target)) from e

    async def _wait_turn(self, host: _Host) -> None:
        """Sleep until this host may see a new request, and book the next turn."""
        now = self._clock()
        wait = host.next_start - now
        host.next_start = max(now, host.next_start) + host.delay
        if wait > 0:
            await self._sleep(wait)

    async def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        """The decoded body, or BodyTooLarge as soon as it passes max_bytes."""
        cap = self._settings.max_bytes
        announced = response.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > cap:
            raise BodyTooLarge(url, f"Content-Length {announced} is over the {cap}-byte cap")
        if response.is_stream_consumed:
            # A transport answering from memory (httpx.MockTransport in tests):
            # httpx has already read and decoded the body.
            if len(response.content) > cap:
                raise BodyTooLarge(url, f"body over the {cap}-byte cap")
            return response.content
        inflater = _Inflater.for_coding(url, response.headers.get("content-encoding", ""))
        chunks: list[bytes] = []
        size = 0
        # aiter_raw, not aiter_bytes: httpx would inflate a whole network chunk
        # at once (64 KB of gzip can hold 60 MB); _Inflater goes step by step.
        async for raw in response.aiter_raw():
            for chunk in inflater.feed(raw):
                size += len(chunk)
                if size > cap:
                    raise BodyTooLarge(url, f"body over the {cap}-byte cap")
                chunks.append(chunk)
        return b"".join(chunks)

    # -- guards ---------------------------------------------------------------

    async def _check_target(self, url: str, hop: str) -> httpx.URL:
        """The hop as an httpx.URL, or BlockedURL (scheme, or a non-public address)."""
        via = "" if hop == url else f" (redirect to {hop})"
        try:
            target = httpx.URL(hop)
        except httpx.InvalidURL as e:
            raise FetchError(url, f"invalid URL {hop!r}") from e
        if target.scheme not in ("http", "https"):
            raise BlockedURL(url, f"scheme {target.scheme!r} refused{via}")
        if not target.host:
            raise BlockedURL(url, f"no host{via}")
        if self._settings.allow_private_addresses:
            return target
        for address in await self._resolve(url, target):
            if not is_public_address(address):
                raise BlockedURL(url, f"{target.host} is {address}, not a public address{via}")
        # Known limit: httpx resolves the name again when it connects, so a
        # DNS server answering differently the second time (DNS rebinding)
        # gets past this check. Pinning the address would break TLS SNI.
        return target

    async def _resolve(self, url: str, target: httpx.URL) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(target.host)]
        except ValueError:
            pass  # a name, or an odd IPv4 form like "127.1" that only the resolver reads
        loop = asyncio.get_running_loop()
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            # The system resolver has no deadline of its own worth waiting for.
            async with asyncio.timeout(self._settings.connect_timeout):
                infos = await loop.getaddrinfo(target.raw_host.decode("ascii"), port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError, TimeoutError) as e:
            raise NetworkError(url, f"cannot resolve {target.host}: {e}") from e
        # An IPv6 sockaddr may carry a zone ("fe80::1%eth0"), which ip_address refuses.
        return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]

    async def _check_robots(self, url: str, target: httpx.URL) -> None:
        host = self._host(target)
        robots = await self._robots(host, target)
        if robots is not None and not robots.can_fetch(str(target), self._settings.user_agent):
            raise RobotsDisallowed(url, f"robots.txt of {host.origin} disallows {target.raw_path.decode('ascii')}")

    async def _robots(self, host: _Host, target: httpx.URL) -> Protego | None:
        """The host's robots.txt rules, fetched once per TTL; None means allow all."""
        # The lock makes concurrent first requests to a host wait for one fetch.
        async with host.robots_lock:
            if self._clock() < host.robots_expires:
                return host.robots
            host.robots, ttl = await self._fetch_robots(target)
            host.robots_expires = self._clock() + ttl
            crawl_delay = host.robots.crawl_delay(self._settings.user_agent) if host.robots else None
            host.delay = max(self._settings.host_delay, min(crawl_delay or 0.0, _MAX_CRAWL_DELAY))
            return host.robots

    async def _fetch_robots(self, target: httpx.URL) -> tuple[Protego | None, float]:
        """(rules, seconds to keep them). Same guards, limits and cap as pages, no retries.

        The choice, after RFC 9309: a 4xx (404 above all) means there are no
        rules, so allow all. A 5xx or a network error would mean "disallow
        all" for Google and the RFC; the monitor allows instead but keeps that
        verdict only _ROBOTS_RETRY_TTL: it polls a few pages per host, and a
        flaky robots.txt should not silence a news source for an hour.
        """
        robots_url = str(target.copy_with(path="/robots.txt", query=None, fragment=None))
        try:
            answer = await self._follow(robots_url, {"Accept": "text/plain"}, _RetryBudget(0), check_robots=False)
        except FetchError:
            return None, _ROBOTS_RETRY_TTL
        if 200 <= answer.status < 300:
            text, _ = decode_body(answer.body, answer.headers.get("content-type"))
            return Protego.parse(text), _ROBOTS_TTL
        if 400 <= answer.status < 500:
            return None, _ROBOTS_TTL
        return None, _ROBOTS_RETRY_TTL

    def _host(self, target: httpx.URL) -> _Host:
        port = target.port or (443 if target.scheme == "https" else 80)
        origin = f"{target.scheme}://{target.host}:{port}"
        host = self._hosts.get(origin)
        if host is None:
            host = self._hosts[origin] = _Host(
                origin=origin,
                slots=asyncio.Semaphore(max(1, self._settings.per_host_concurrency)),
                delay=self._settings.host_delay,
            )
        return host


# -- pure helpers, tested directly ---------------------------------------------


def is_public_address(address: IPAddress) -> bool:
    """False for loopback, private, link-local, multicast, reserved, unspecified and metadata addresses."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            # ::ffff:127.0.0.1 reaches 127.0.0.1, and 6to4's 2002:7f00:1:: wraps it:
            # Python calls the latter global, so judge the IPv4 address inside.
            address = embedded
    if address in _CLOUD_METADATA:
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


#: Media types that are never an article page, whatever the link said.
_NOT_PAGES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip", "application/octet-stream",
              "application/msword", "application/vnd.", "application/x-")
#: How binary files start (PDF, PNG, GIF, JPEG, ZIP/Office, gzip), for servers that mislabel them.
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")


def not_a_page(content_type: str, body: bytes) -> str | None:
    """Why a body cannot be an HTML page (a PDF, an image...), or None when it may be one."""
    media = content_type.split(";", 1)[0].strip().lower()
    head = body[:1024].lstrip()
    # UTF-16 text is full of NUL bytes; its byte-order mark says so.
    binary = head.startswith(_BINARY_MAGIC) or (b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")))
    if media.startswith(_NOT_PAGES) or binary:
        return f"not an HTML page ({media or 'no Content-Type'})"
    return None


def answer_deadline(settings: Settings) -> float:
    """Seconds one request may take from connecting to its last body byte: connect_timeout + 2 x read_timeout."""
    return settings.connect_timeout + 2 * settings.read_timeout


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP-date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())


# -- internals --------------------------------------------------------------------

#: httpx errors worth another attempt: the server or the network may do better next time.
_TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def _retryable(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def _describe(error: Exception, target: httpx.URL) -> str:
    detail = str(error)
    return f"{type(error).__name__} at {target}" + (f": {detail}" if detail else "")


def _status_message(url: str, answer: _Answer) -> str:
    return f"HTTP {answer.status}" + ("" if answer.url == url else f" at {answer.url}")


@dataclass(frozen=True)
class _Answer:
    """One response, its body read only when it is a 2xx."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes


@dataclass
class _RetryBudget:
    """Extra attempts left for one fetch, all hops together."""

    left: int
    retried: int = 0

    @property
    def attempts(self) -> int:
        return self.retried + 1

    def spend(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        self.retried += 1
        return True


@dataclass
class _Host:
    """What the Fetcher remembers about one scheme://host:port."""

    origin: str
    slots: asyncio.Semaphore
    #: Seconds between two starts: host_delay, or the robots.txt Crawl-delay if longer.
    delay: float
    #: Clock value before which no request may start.
    next_start: float = -math.inf
    robots: Protego | None = None
    robots_expires: float = -math.inf
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def not_before(self, when: float) -> None:
        self.next_start = max(self.next_start, when)


class _Inflater:
    """Undoes a Content-Encoding in steps of at most _INFLATE_STEP bytes."""

    def __init__(self, url: str, coding: str) -> None:
        self._url = url
        self._coding = coding
        if coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            self._zlib = None
        self._started = False

    @classmethod
    def for_coding(cls, url: str, header: str) -> _Inflater:
        codings = [c.strip().lower() for c in header.split(",") if c.strip().lower() not in ("", "identity")]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(url, f"unsupported Content-Encoding {header!r}")
        return cls(url, codings[0] if codings else "identity")

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._zlib is None:
            if data:
                yield data
            return
        while True:
            try:
                out = self._zlib.decompress(data, _INFLATE_STEP)
            except zlib.error as e:
                if self._coding == "deflate" and not self._started:
                    # "deflate" is often sent raw, without the zlib header the
                    # RFC asks for; browsers (and httpx) accept both.
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise FetchError(self._url, f"corrupt {self._coding} body: {e}") from e
            self._started = True
            if out:
                yield out
            # The rest of the input waits in unconsumed_tail when a step is full;
            # a full step with no tail may still have output pending.
            data = self._zlib.unconsumed_tail
            if not data and len(out) < _INFLATE_STEP:
                return
