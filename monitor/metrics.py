"""Metrics: the service's Prometheus counters, gauges and histograms, and their text.

Owns one prometheus-client registry per Metrics object (never the library's
global one, so a test can make its own and read it), the names and help texts
of every metric, and the small vocabulary of outcomes they are labelled with.

The stages count with one-line calls on ``current()``, the process's Metrics:
fetch counts each fetch by host and outcome, pipeline each article, story,
announcement and owed alert, notify each delivery, the Telegram notifier each
429 (``record_telegram_429()``). Values that live in the database (outbox
depth, consecutive failures per source, time of the last good poll) are read
from the store when /metrics is scraped (``observe_store``), so they are true
after a restart too. ``use(Metrics())`` swaps in a fresh object, for tests.

    monitor_fetches_total{host,outcome}         ok, not_modified, http_error, network_error, blocked,
                                                robots, too_large, redirects, error
    monitor_articles_total{outcome}             new, duplicate
    monitor_stories_total                       stories created
    monitor_announcements_total                 investment announcements found
    monitor_alerts_total{event}                 queued, sent, edited, retried, failed
    monitor_telegram_rate_limited_total         429 answers from the Telegram Bot API
    monitor_outbox_pending                      alerts (or edits) not delivered yet
    monitor_source_consecutive_failures{source} 0 once a source works again
    monitor_last_success_timestamp_seconds      end of the last successful poll (Unix time)
    monitor_job_duration_seconds{job}           histogram: poll, deliver
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator
from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

if TYPE_CHECKING:
    from .store import Store

__all__ = ["CONTENT_TYPE", "Metrics", "current", "fetch_outcome", "record_telegram_429", "use"]

#: The Content-Type of the text exposition format served on /metrics.
CONTENT_TYPE = CONTENT_TYPE_LATEST

#: FetchError subclass name -> outcome label; anything else is "error".
_FETCH_OUTCOMES = {
    "HTTPStatusError": "http_error",
    "NetworkError": "network_error",
    "BlockedURL": "blocked",
    "RobotsDisallowed": "robots",
    "BodyTooLarge": "too_large",
    "TooManyRedirects": "redirects",
}

ARTICLE_OUTCOMES = ("new", "duplicate")
ALERT_EVENTS = ("queued", "sent", "edited", "retried", "failed")
JOBS = ("poll", "deliver")

#: Job durations: a delivery pass takes milliseconds, a poll up to minutes.
_JOB_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, float("inf"))


def fetch_outcome(error: BaseException | None) -> str:
    """The outcome label of a fetch that raised `error` (None: it worked)."""
    if error is None:
        return "ok"
    for cls in type(error).__mro__:
        if cls.__name__ in _FETCH_OUTCOMES:
            return _FETCH_OUTCOMES[cls.__name__]
    return "error"


def host_of(url: str) -> str:
    """The host label of a URL: its lowercased hostname, with the port when it has one."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return "invalid"
    if not host:
        return "invalid"
    return f"{host}:{port}" if port else host


class Metrics:
    """Every metric of the monitor, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.fetches = Counter(
            "monitor_fetches", "HTTP fetches (feeds, listings, articles) by host and outcome",
            ["host", "outcome"], registry=registry,
        )
        self.articles = Counter(
            "monitor_articles", "Articles processed, by outcome: new, or a duplicate of a stored one",
            ["outcome"], registry=registry,
        )
        self.stories = Counter("monitor_stories", "Stories created (a story groups the articles that tell it)",
                               registry=registry)
        self.announcements = Counter("monitor_announcements", "Investment announcements found in new articles",
                                     registry=registry)
        self.alerts = Counter(
            "monitor_alerts", "Alerts by event: queued (owed in the outbox), sent, edited, retried, failed for good",
            ["event"], registry=registry,
        )
        self.telegram_429 = Counter("monitor_telegram_rate_limited",
                                    "Answers 429 Too Many Requests from the Telegram Bot API", registry=registry)
        self.outbox_pending = Gauge("monitor_outbox_pending", "Alerts or edits in the outbox, not delivered yet",
                                    registry=registry)
        self.source_failures = Gauge("monitor_source_consecutive_failures",
                                     "Failed polls in a row, per source (0 once it works again)",
                                     ["source"], registry=registry)
        self.last_success = Gauge("monitor_last_success_timestamp_seconds",
                                  "When the last successful poll of any source ended (Unix time)", registry=registry)
        self.job_seconds = Histogram("monitor_job_duration_seconds", "Duration of scheduled jobs: poll, deliver",
                                     ["job"], buckets=_JOB_BUCKETS, registry=registry)
        # Label values known in advance are shown from the start, at 0, so a
        # rate() over them works before the first event.
        for outcome in ARTICLE_OUTCOMES:
            self.articles.labels(outcome)
        for event in ALERT_EVENTS:
            self.alerts.labels(event)
        for job in JOBS:
            self.job_seconds.labels(job)

    # --- one-line calls from the stages ------------------------------------------------

    def fetch(self, url: str, error: BaseException | None = None, *, not_modified: bool = False) -> None:
        """Count one fetch of `url`: it worked, answered 304, or raised `error`."""
        outcome = "not_modified" if not_modified and error is None else fetch_outcome(error)
        self.fetches.labels(host_of(url), outcome).inc()

    def article(self, *, duplicate: bool, new_story: bool = False, announcements: int = 0, alerts_owed: int = 0) -> None:
        """Count one processed article and what it made: a story, announcements, owed alerts."""
        self.articles.labels("duplicate" if duplicate else "new").inc()
        if new_story:
            self.stories.inc()
        if announcements:
            self.announcements.inc(announcements)
        if alerts_owed:
            self.alerts.labels("queued").inc(alerts_owed)

    def alert(self, event: str) -> None:
        """Count one delivery event: sent, edited, retried or failed."""
        self.alerts.labels(event).inc()

    def telegram_rate_limited(self) -> None:
        self.telegram_429.inc()

    @contextmanager
    def time_job(self, job: str) -> Iterator[None]:
        """Observe how long the body takes, as one run of `job`."""
        with self.job_seconds.labels(job).time():
            yield

    def observe_job(self, job: str, seconds: float) -> None:
        self.job_seconds.labels(job).observe(seconds)

    # --- read at scrape time -----------------------------------------------------------

    def observe_store(self, store: Store) -> None:
        """Set the gauges whose truth is in the database."""
        self.outbox_pending.set(store.counts()["outbox_pending"])
        # Cleared first, so a source removed from feeds.toml disappears.
        self.source_failures.clear()
        for health in store.all_source_health():
            self.source_failures.labels(health.name).set(health.consecutive_failures)
        last = store.last_success()
        if last is not None:
            self.last_success.set(last.timestamp())

    def exposition(self) -> bytes:
        """Every metric in the Prometheus text format (version 0.0.4)."""
        return generate_latest(self.registry)

    def value(self, name: str, **labels: str) -> float:
        """The current value of one sample (0.0 when absent): for tests and the CLI."""
        found = self.registry.get_sample_value(name, labels)
        return 0.0 if found is None else found


_current = Metrics()


def current() -> Metrics:
    """The process's Metrics, the one /metrics serves."""
    return _current


@contextmanager
def use(metrics: Metrics) -> Iterator[Metrics]:
    """Make `metrics` the process's Metrics inside the block (tests), then restore the old one."""
    global _current
    previous, _current = _current, metrics
    try:
        yield metrics
    finally:
        _current = previous


def record_telegram_429() -> None:
    """Count one 429 from the Telegram Bot API: for the Telegram notifier."""
    _current.telegram_rate_limited()
