"""The dataclasses that pass between the pipeline's stages.

Each stage takes and returns these frozen values and nothing else, so a stage
can be tested and benchmarked alone:

    config  -> Settings, Source
    fetch   -> Fetched (with Validators for conditional GET)
    discover-> Link
    extract -> Article
    invest  -> Announcement
    dedup   -> DedupDecision
    notify  <- Alert
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

SourceKind = Literal["feed", "listing"]

#: The announcement kinds subscribers can choose between.
ANNOUNCEMENT_KINDS = ("capex", "funding_round", "equity_stake", "public_programme", "acquisition")


@dataclass(frozen=True)
class Settings:
    """The [settings] table of feeds.toml, after defaults and environment overrides."""

    #: User-Agent sent with every request, also the name matched in robots.txt.
    user_agent: str = "monitor/0.1 (+https://example.org/contact)"
    #: Default seconds between two polls of a source.
    interval: float = 900.0
    #: Fetch loopback/private/link-local addresses (tests and the demo only).
    allow_private_addresses: bool = False
    #: Requests in flight to one host (scheme://host:port) at once.
    per_host_concurrency: int = 2
    #: Minimum seconds between the starts of two requests to one host.
    host_delay: float = 1.0
    #: Seconds allowed to open a connection.
    connect_timeout: float = 10.0
    #: Seconds allowed between two reads of a response.
    read_timeout: float = 30.0
    #: Largest body accepted, in bytes; enforced while streaming.
    max_bytes: int = 5_000_000
    #: Redirects followed before giving up.
    max_redirects: int = 5
    #: Extra attempts after a connect error, a 429 or a 5xx.
    retries: int = 3
    #: Base of the exponential backoff between attempts, in seconds.
    backoff: float = 1.0
    #: Longest Retry-After honoured, in seconds; a longer one fails the fetch.
    max_retry_after: float = 120.0
    #: Honour robots.txt.
    respect_robots: bool = True
    #: Articles fetched per poll of one source, newest first; the rest wait for the next poll.
    max_articles_per_poll: int = 30
    #: Address and port of the /healthz endpoint of `monitor run` (port 0: any free port).
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    #: Seconds apart two articles may be and still join one story (dedup layers 4-5).
    story_window: float = 259200.0
    #: Processes that read article pages (extract, detect, fingerprint) beside the event loop; 0: read them in it.
    workers: int = 0


@dataclass(frozen=True)
class Source:
    """One [[sources]] entry of feeds.toml."""

    name: str
    url: str
    kind: SourceKind = "feed"
    #: Language hint (ISO 639-1) for the source's articles.
    lang: str | None = None
    #: Seconds between two polls.
    interval: float = 900.0
    #: CSS selector of the article links on a listing page.
    link_selector: str | None = None
    #: On the first poll, process the N newest items; the rest are marked seen.
    backfill: int = 0
    enabled: bool = True
    #: CSS selector of the article body on this site's pages (overrides the heuristics).
    content_selector: str | None = None
    #: CSS selectors of blocks to drop from this site's pages before extraction.
    drop_selectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Validators:
    """What a server told us to send back for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """One successful HTTP exchange (2xx, or 304 when not_modified)."""

    #: The URL asked for.
    url: str
    #: The URL answered, after redirects.
    final_url: str
    status: int
    #: The Content-Type header, "" when absent.
    content_type: str
    #: The raw body (empty on 304).
    body: bytes
    #: The body decoded to text ("" on 304); charset from header, BOM, <meta>, then detection.
    text: str
    #: The charset used to decode text.
    encoding: str | None
    #: Validators to send next time.
    validators: Validators
    not_modified: bool = False
    #: Seconds from the first request to the end of the body, retries included.
    elapsed: float = 0.0
    #: How many attempts it took.
    attempts: int = 1


@dataclass(frozen=True)
class Link:
    """An article link found on a feed or a listing page."""

    #: Absolute, canonical URL (fragment and tracking parameters dropped).
    url: str
    title: str | None = None
    #: The feed's id/guid for the item, when it has one.
    guid: str | None = None
    published: datetime | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Article:
    """What the extractor keeps from one page."""

    title: str
    #: The body only: paragraphs separated by blank lines.
    text: str
    #: Timezone-aware, or None.
    published: datetime | None = None
    #: ISO 639-1 code, or None when unknown.
    lang: str | None = None
    canonical_url: str | None = None
    author: str | None = None
    description: str | None = None
    image: str | None = None
    #: Why text is empty (or short), when it is.
    reason: str | None = None


@dataclass(frozen=True)
class Announcement:
    """A new investment announced in an article."""

    investor: str | None
    #: In units (4 billion -> Decimal("4000000000")), exact.
    amount: Decimal | None
    #: ISO 4217 code.
    currency: str | None
    #: The amount as written in the text.
    amount_text: str | None
    #: True for "up to" amounts.
    upper_bound: bool = False
    recipient: str | None = None
    location: str | None = None
    purpose: str | None = None
    #: One of ANNOUNCEMENT_KINDS.
    kind: str = "capex"
    #: The sentence that says it.
    evidence: str = ""
    confidence: float = 0.5


@dataclass(frozen=True)
class DedupDecision:
    """Where a new article goes: a copy of another, a known story, or a new story."""

    #: "new", "same-url", "same-text", "near-copy" or "same-story".
    reason: str
    #: The stored article this one copies (layers 1-3), or None.
    duplicate_of: int | None = None
    #: The story to join, or None to start a new one.
    story_id: int | None = None
    #: The evidence, for logs and benchmarks ("resemblance 0.82", "same headline amount and names").
    detail: str = ""


@dataclass(frozen=True)
class AlertSource:
    """One article of a story, as an alert lists it."""

    title: str
    url: str
    source: str
    lang: str | None


@dataclass(frozen=True)
class Alert:
    """One message owed to one chat about one story (an outbox row, filled in)."""

    outbox_id: int
    chat_id: str
    story_id: int
    title: str
    #: The story's articles, first seen first.
    sources: tuple[AlertSource, ...]
    announcements: tuple[Announcement, ...] = ()
    summary: str = ""
    first_seen: datetime | None = None
    #: Filled when the message was already sent and is to be edited (new sources joined).
    message_id: str | None = None
