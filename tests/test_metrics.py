"""Metrics: what the stages count, read back from a registry of the test's own (issue 7)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client.parser import text_string_to_metric_families

from monitor import metrics
from monitor.config import Config
from monitor.errors import BlockedURL, BodyTooLarge, FetchError, HTTPStatusError, NetworkError, RobotsDisallowed
from monitor.fetch import Fetcher
from monitor.metrics import Metrics, fetch_outcome, host_of
from monitor.notify import ConsoleNotifier, deliver_due
from monitor.pipeline import Pipeline
from monitor.store import Store
from monitor.types import Settings, Source
from sites import INVESTMENT_EN, PRODUCT_EN, serve_site
from webserver import Response

SETTINGS = Settings(allow_private_addresses=True, host_delay=0, backoff=0, retries=0, respect_robots=False)

#: Every metric the issue asks for, by its exposed name.
EXPOSED = {
    "monitor_fetches",
    "monitor_articles",
    "monitor_stories",
    "monitor_announcements",
    "monitor_alerts",
    "monitor_telegram_rate_limited",
    "monitor_outbox_pending",
    "monitor_source_consecutive_failures",
    "monitor_last_success_timestamp_seconds",
    "monitor_job_duration_seconds",
}


@pytest.fixture
def counted():
    """A fresh Metrics as the process's one, for the test's duration."""
    with metrics.use(Metrics()) as fresh:
        yield fresh


class FailingNotifier(ConsoleNotifier):
    """Says who is owed alerts, then fails every send: a channel that is down."""

    async def send(self, alert):
        raise ConnectionError("channel down")


def test_two_metrics_objects_share_nothing():
    first, second = Metrics(), Metrics()
    first.fetch("https://a.example/feed")
    assert first.value("monitor_fetches_total", host="a.example", outcome="ok") == 1
    assert second.value("monitor_fetches_total", host="a.example", outcome="ok") == 0


def test_use_swaps_the_process_metrics_and_restores_them():
    before = metrics.current()
    with metrics.use(Metrics()) as fresh:
        assert metrics.current() is fresh
    assert metrics.current() is before


@pytest.mark.parametrize(
    "error, outcome",
    [
        (None, "ok"),
        (HTTPStatusError("u", 500), "http_error"),
        (NetworkError("u", "refused"), "network_error"),
        (BlockedURL("u", "private"), "blocked"),
        (RobotsDisallowed("u", "no"), "robots"),
        (BodyTooLarge("u", "big"), "too_large"),
        (FetchError("u", "odd"), "error"),
    ],
)
def test_each_fetch_error_has_its_outcome_label(error, outcome):
    assert fetch_outcome(error) == outcome


def test_the_host_label_is_the_lowercased_host_with_its_port():
    assert host_of("https://Example.ORG/feed") == "example.org"
    assert host_of("http://127.0.0.1:8081/a") == "127.0.0.1:8081"
    assert host_of("not a url") == "invalid"


async def test_the_fetcher_counts_fetches_by_host_and_outcome(web, counted):
    web.route("/ok", "hello", headers={"Content-Type": "text/plain", "ETag": '"v1"'})
    web.route("/missing", "no", status=404)
    web.route(
        "/same",
        handler=lambda request: Response(304, b"")
        if request.headers.get("if-none-match") == '"v1"'
        else Response(200, b"x", {"ETag": '"v1"'}),
    )
    host = host_of(web.base)
    async with Fetcher(SETTINGS) as fetcher:
        await fetcher.fetch(web.url("/ok"))
        first = await fetcher.fetch(web.url("/same"))
        await fetcher.fetch(web.url("/same"), first.validators)
        with pytest.raises(HTTPStatusError):
            await fetcher.fetch(web.url("/missing"))
    async with Fetcher(Settings(allow_private_addresses=False)) as guarded:
        with pytest.raises(BlockedURL):
            await guarded.fetch(web.url("/ok"))
    assert counted.value("monitor_fetches_total", host=host, outcome="ok") == 2
    assert counted.value("monitor_fetches_total", host=host, outcome="not_modified") == 1
    assert counted.value("monitor_fetches_total", host=host, outcome="http_error") == 1
    assert counted.value("monitor_fetches_total", host=host, outcome="blocked") == 1


async def test_a_poll_counts_new_articles_stories_announcements_queued_alerts_and_its_duration(web, store, counted):
    serve_site(web, [INVESTMENT_EN, PRODUCT_EN])
    source = Source(name="Wire", url=web.url("/feed.xml"), backfill=10, lang="en")
    config = Config(SETTINGS, (source,))
    store.sync_sources(config.sources)
    notifier = ConsoleNotifier(None, stream=io.StringIO())
    async with Fetcher(SETTINGS) as fetcher:
        await Pipeline(config, store, fetcher, notifier).poll(source)
    assert counted.value("monitor_articles_total", outcome="new") == 2
    assert counted.value("monitor_articles_total", outcome="duplicate") == 0
    assert counted.value("monitor_stories_total") == 2
    assert counted.value("monitor_announcements_total") >= 1
    assert counted.value("monitor_alerts_total", event="queued") == 1
    assert counted.value("monitor_job_duration_seconds_count", job="poll") == 1

    await deliver_due(store, notifier)
    assert counted.value("monitor_alerts_total", event="sent") == 1


async def test_an_article_seen_again_from_a_second_source_counts_as_a_duplicate(web, store, counted):
    serve_site(web, [INVESTMENT_EN])
    serve_site(web, [INVESTMENT_EN], feed_path="/other.xml")
    first = Source(name="Wire", url=web.url("/feed.xml"), backfill=10)
    second = Source(name="Mirror", url=web.url("/other.xml"), backfill=10)
    config = Config(SETTINGS, (first, second))
    store.sync_sources(config.sources)
    async with Fetcher(SETTINGS) as fetcher:
        pipeline = Pipeline(config, store, fetcher, ConsoleNotifier(None, stream=io.StringIO()))
        await pipeline.poll(first)
        await pipeline.poll(second)
    assert counted.value("monitor_articles_total", outcome="new") == 1
    assert counted.value("monitor_articles_total", outcome="duplicate") == 1
    assert counted.value("monitor_stories_total") == 1


async def test_a_failed_delivery_counts_as_retried(web, store, counted):
    serve_site(web, [INVESTMENT_EN])
    source = Source(name="Wire", url=web.url("/feed.xml"), backfill=10)
    config = Config(SETTINGS, (source,))
    store.sync_sources(config.sources)
    notifier = FailingNotifier(None)
    async with Fetcher(SETTINGS) as fetcher:
        await Pipeline(config, store, fetcher, notifier).poll(source)
    assert await deliver_due(store, notifier) == 0
    assert counted.value("monitor_alerts_total", event="retried") == 1
    assert counted.value("monitor_alerts_total", event="sent") == 0


def test_telegram_429s_are_counted_by_the_function_the_notifier_imports(counted):
    metrics.record_telegram_429()
    metrics.record_telegram_429()
    assert counted.value("monitor_telegram_rate_limited_total") == 2


def test_the_store_gauges_show_outbox_depth_failures_per_source_and_last_success(tmp_path):
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    store = Store.open(tmp_path / "m.db", clock=lambda: moment)
    try:
        store.sync_sources([Source(name="Good", url="https://good.example/feed"),
                            Source(name="Bad", url="https://bad.example/feed")])
        store.record_poll("Good", None)
        store.record_poll("Bad", "HTTP 500")
        store.record_poll("Bad", "HTTP 500")
        gauges = Metrics()
        gauges.observe_store(store)
    finally:
        store.close()
    assert gauges.value("monitor_source_consecutive_failures", source="Bad") == 2
    assert gauges.value("monitor_source_consecutive_failures", source="Good") == 0
    assert gauges.value("monitor_outbox_pending") == 0
    assert gauges.value("monitor_last_success_timestamp_seconds") == moment.timestamp()


def test_the_exposition_is_prometheus_text_with_every_metric_the_issue_lists(counted):
    counted.fetch("https://a.example/x", NetworkError("https://a.example/x", "refused"))
    counted.observe_job("deliver", timedelta(milliseconds=20).total_seconds())
    families = {family.name: family for family in text_string_to_metric_families(counted.exposition().decode())}
    assert EXPOSED <= set(families)
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for s in families["monitor_fetches"].samples}
    assert samples[("monitor_fetches_total", (("host", "a.example"), ("outcome", "network_error")))] == 1
    # Known label values are there from the start, at zero.
    assert counted.value("monitor_alerts_total", event="failed") == 0
    assert {s.labels.get("event") for s in families["monitor_alerts"].samples} >= {"queued", "sent", "failed"}
