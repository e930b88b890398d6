"""Pipeline: a source's polls end to end, against a loopback site and a real SQLite file."""

from __future__ import annotations

import io

import pytest

from monitor.config import Config
from monitor.fetch import Fetcher
from monitor.notify import ConsoleNotifier, deliver_due
from monitor.pipeline import Pipeline
from monitor.store import Store
from monitor.types import Settings, Source
from sites import INVESTMENT_EN, OLD_EN, PRODUCT_EN, article_html, rss, serve_site
from webserver import Response

SETTINGS = Settings(allow_private_addresses=True, host_delay=0, backoff=0, retries=1, respect_robots=True)


def make_source(web, name="Test Wire", backfill=10, path="/feed.xml"):
    return Source(name=name, url=web.url(path), backfill=backfill, lang="en")


async def poll(store, source, notifier=None, sources=None):
    config = Config(SETTINGS, tuple(sources or [source]))
    store.sync_sources(config.sources)
    notifier = notifier or ConsoleNotifier(None, stream=io.StringIO())
    async with Fetcher(SETTINGS) as fetcher:
        result = await Pipeline(config, store, fetcher, notifier).poll(source)
    await deliver_due(store, notifier)
    return result, notifier


async def test_first_poll_processes_only_the_backfill_newest_items(web, store):
    serve_site(web, [INVESTMENT_EN, PRODUCT_EN, OLD_EN])
    result, notifier = await poll(store, make_source(web, backfill=1))
    assert (result.ok, result.new, result.fetched) == (True, 1, 2)
    assert web.hits(INVESTMENT_EN.path) == 1
    assert web.hits(PRODUCT_EN.path) == 0 and web.hits(OLD_EN.path) == 0
    assert [alert.title for alert in notifier.sent] == [INVESTMENT_EN.title]


async def test_the_stored_article_has_its_text_without_boilerplate(web, store):
    serve_site(web, [INVESTMENT_EN])
    await poll(store, make_source(web))
    row = next(store.db.query("SELECT * FROM articles"))
    assert row["url"] == web.url(INVESTMENT_EN.path)  # tracking parameter dropped
    assert "battery cell plant near Lyon" in row["text"]
    assert "Related coverage" not in row["text"] and "All rights reserved" not in row["text"]
    assert row["lang"] == "en" and row["published"].startswith("2024-05-14")


async def test_an_unchanged_feed_is_answered_304_and_nothing_is_fetched_again(web, store):
    feed = rss(web.base, [PRODUCT_EN])

    def conditional(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304, b"", {"ETag": '"v1"'})
        return Response(200, feed, {"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    web.route("/feed.xml", handler=conditional)
    web.route(PRODUCT_EN.path, article_html(PRODUCT_EN))
    source = make_source(web)
    await poll(store, source)
    result, _ = await poll(store, source)
    assert result.not_modified and result.ok
    assert web.hits(PRODUCT_EN.path) == 1
    assert store.validators(source.url).etag == '"v1"'


async def test_a_restart_does_not_alert_again_and_a_new_item_alerts_once(web, db_path):
    serve_site(web, [PRODUCT_EN])
    source = make_source(web, backfill=0)
    first = Store.open(db_path)
    result, _ = await poll(first, source)
    assert result.new == 0  # baseline: the backlog is only marked seen
    first.close()

    serve_site(web, [INVESTMENT_EN, PRODUCT_EN])
    second = Store.open(db_path)
    result, notifier = await poll(second, source)
    assert result.new == 1 and len(notifier.sent) == 1
    second.close()

    third = Store.open(db_path)  # a restart: same database, new process state
    result, notifier = await poll(third, source)
    assert result.new == 0 and notifier.sent == []
    assert third.counts()["outbox"] == 1
    third.close()


async def test_a_failing_article_page_is_counted_and_retried_on_the_next_poll(web, store):
    serve_site(web, [INVESTMENT_EN, PRODUCT_EN])
    web.sequence(INVESTMENT_EN.path, [Response(500, "boom"), Response(500, "boom"), Response(200, article_html(INVESTMENT_EN))])
    source = make_source(web)
    result, _ = await poll(store, source)
    assert (result.ok, result.new, result.errors) == (True, 1, 1)
    assert "HTTP 500" in result.page_errors[0]
    result, notifier = await poll(store, source)
    assert (result.new, result.errors) == (1, 0)
    assert len(notifier.sent) == 1


async def test_robots_txt_disallow_keeps_the_page_unfetched(web, store):
    serve_site(web, [INVESTMENT_EN])
    web.route("/robots.txt", "User-agent: *\nDisallow: /news/\n", headers={"Content-Type": "text/plain"})
    result, _ = await poll(store, make_source(web))
    assert web.hits(INVESTMENT_EN.path) == 0
    assert result.errors == 1 and "robots" in result.page_errors[0].lower()
    assert not result.ok  # every article page failed: the source is unhealthy


async def test_an_unreachable_feed_fails_the_source_and_is_recorded_in_its_health(web, store):
    web.route("/feed.xml", "down", status=503)
    source = make_source(web)
    result, _ = await poll(store, source)
    assert not result.ok and "503" in result.error
    health = store.source_health(source.name)
    assert health.consecutive_failures == 1 and "503" in health.last_error


async def test_a_page_that_is_not_a_feed_fails_the_source_with_a_clear_error(web, store):
    web.route("/feed.xml", "<html><body><p>Maintenance</p></body></html>", headers={"Content-Type": "text/html"})
    result, _ = await poll(store, make_source(web))
    assert not result.ok and "not a feed" in result.error


async def test_the_same_url_from_a_second_source_is_a_duplicate_and_not_fetched_again(web, store):
    serve_site(web, [INVESTMENT_EN])
    web.route("/other-feed.xml", rss(web.base, [INVESTMENT_EN], "Other"), headers={"Content-Type": "application/rss+xml"})
    first, second = make_source(web), make_source(web, name="Other", path="/other-feed.xml")
    await poll(store, first, sources=[first, second])
    result, notifier = await poll(store, second, sources=[first, second])
    assert (result.new, result.duplicates) == (0, 1)
    assert web.hits(INVESTMENT_EN.path) == 1 and notifier.sent == []


async def test_the_same_text_at_another_url_joins_the_story_as_a_copy(web, store):
    serve_site(web, [INVESTMENT_EN])
    copy_path = "/syndicated/northwind.html"
    web.route(copy_path, article_html(INVESTMENT_EN))
    web.route("/copy-feed.xml", rss(web.base, [INVESTMENT_EN], "Copy").replace(INVESTMENT_EN.path, copy_path),
              headers={"Content-Type": "application/rss+xml"})
    first, copier = make_source(web), make_source(web, name="Copier", path="/copy-feed.xml")
    await poll(store, first, sources=[first, copier])
    result, notifier = await poll(store, copier, sources=[first, copier])
    assert result.duplicates == 1 and notifier.sent == []
    rows = list(store.db.query("SELECT id, story_id, duplicate_of FROM articles ORDER BY id"))
    assert rows[1]["duplicate_of"] == rows[0]["id"] and rows[1]["story_id"] == rows[0]["story_id"]


async def test_crawl_once_reports_each_source_even_when_one_fails(web, store):
    serve_site(web, [PRODUCT_EN])
    good, bad = make_source(web), make_source(web, name="Broken", path="/missing.xml")
    config = Config(SETTINGS, (good, bad))
    store.sync_sources(config.sources)
    async with Fetcher(SETTINGS) as fetcher:
        results = await Pipeline(config, store, fetcher, ConsoleNotifier(None, io.StringIO())).crawl_once((good, bad))
    assert [(r.source, r.ok) for r in results] == [("Test Wire", True), ("Broken", False)]
    assert "404" in results[1].error
