"""Reader processes: pages read beside the event loop give the same results, and a dead worker loses nothing."""

from __future__ import annotations

import io
import os
import pickle
import signal
from datetime import datetime, timezone

import pytest

from monitor import errors
from monitor.config import Config, parse_config
from monitor.fetch import Fetcher
from monitor.notify import ConsoleNotifier, deliver_due
from monitor.pipeline import Pipeline
from monitor.types import Settings, Source
from monitor.workers import PageToRead, Readers, read_page
from sites import INVESTMENT_EN, OLD_EN, PRODUCT_EN, serve_site


def settings(workers: int) -> Settings:
    return Settings(allow_private_addresses=True, host_delay=0, backoff=0, retries=1, workers=workers)


async def crawl(web, store, workers: int, kill_a_worker: bool = False):
    source = Source(name="Test Wire", url=web.url("/feed.xml"), backfill=10, lang="en")
    config = Config(settings(workers), (source,))
    store.sync_sources(config.sources)
    notifier = ConsoleNotifier(None, stream=io.StringIO())
    async with Fetcher(config.settings) as fetcher:
        pipeline = Pipeline(config, store, fetcher, notifier)
        try:
            if kill_a_worker:
                pipeline.readers.start()
                pipeline.readers.wait_until_ready()
                (pid,) = pipeline.readers.pids()
                os.kill(pid, signal.SIGKILL)
            result = await pipeline.poll(source)
        finally:
            pipeline.close()
    await deliver_due(store, notifier)
    rows = [
        (row["url"], row["title"], row["text"], row["lang"], row["story_id"] is not None)
        for row in store.db.query("SELECT * FROM articles ORDER BY url")
    ]
    announcements = [
        (row["investor"], row["amount"], row["currency"])
        for row in store.db.query("SELECT * FROM announcements ORDER BY investor")
    ]
    return result, rows, announcements, [alert.title for alert in notifier.sent]


async def test_pages_read_in_a_worker_process_are_stored_exactly_as_pages_read_on_the_loop(web, tmp_path):
    from monitor.store import Store

    serve_site(web, [INVESTMENT_EN, PRODUCT_EN, OLD_EN])
    inline = await crawl(web, Store.open(tmp_path / "inline.db"), workers=0)
    pooled = await crawl(web, Store.open(tmp_path / "pooled.db"), workers=1)
    assert inline[0].new == pooled[0].new == 3
    assert inline[1:] == pooled[1:]
    assert pooled[2], "the investment page's announcement was found in the worker"
    assert pooled[3] == [INVESTMENT_EN.title]


async def test_a_killed_worker_loses_no_page(web, store, caplog):
    serve_site(web, [INVESTMENT_EN, PRODUCT_EN])
    with caplog.at_level("WARNING", logger="monitor.workers"):
        result, rows, announcements, alerts = await crawl(web, store, workers=1, kill_a_worker=True)
    assert "a reader process died" in caplog.text
    assert (result.ok, result.new, result.errors) == (True, 2, 0)
    assert len(rows) == 2 and announcements
    assert alerts == [INVESTMENT_EN.title]


@pytest.mark.parametrize(
    "error",
    [
        errors.FetchError("http://x/a", "refused"),
        errors.HTTPStatusError("http://x/a", 503, "HTTP 503"),
        errors.UnsupportedContent("http://x/a", "a PDF"),
        errors.DiscoverError("http://x/feed", "not a feed (no entries)"),
        errors.RetryLater("42", "flood control", after=3.0),
        errors.Undeliverable("42", "bot was blocked"),
        errors.ReplayError(7, "not JSON"),
        errors.ConfigError("feeds.toml:3: bad"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_every_monitor_error_crosses_the_process_boundary_whole(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error)
    assert copy.__dict__ == error.__dict__


async def test_a_feed_that_is_not_a_feed_fails_its_source_in_a_worker_without_breaking_the_pool(web, store, caplog):
    web.route("/feed.xml", "<html><body>no feed here</body></html>", headers={"Content-Type": "text/html"})
    with caplog.at_level("WARNING", logger="monitor.workers"):
        result, rows, _, _ = await crawl(web, store, workers=1)
    assert not result.ok and "not a feed" in result.error
    assert rows == []
    assert "a reader process died" not in caplog.text


def test_read_page_fills_in_what_the_feed_said_where_the_page_says_nothing():
    published = datetime(2024, 5, 14, 9, 30, tzinfo=timezone.utc)
    page = PageToRead(
        "<html><body><main><p>" + "Un texte d'article assez long pour compter comme un paragraphe. " * 5
        + "</p></main></body></html>",
        "https://example.fr/a",
        title="Le titre du flux",
        lang="fr",
        published=published,
    )
    reading = read_page(page)
    assert reading.article.title == "Le titre du flux"
    assert reading.article.published == published
    assert reading.article.lang == "fr"
    assert reading.fingerprint.content_hash and reading.announcements == ()


def test_read_page_keeps_what_the_page_says_over_the_feeds_hints():
    page = PageToRead(
        "<html lang=en><head><title>The page's own title</title></head><body><article><p>"
        + "A paragraph of the article that is long enough to count as body text here. " * 4
        + "</p></article></body></html>",
        "https://example.com/a",
        title="The feed's title",
        lang="fr",
    )
    reading = read_page(page)
    assert reading.article.title == "The page's own title"
    assert reading.article.lang == "en"


async def test_readers_without_workers_read_in_this_process():
    readers = Readers(0)
    readers.start()
    assert readers.pids() == []
    reading = await readers.read(PageToRead("<html><body><p>short</p></body></html>", "https://example.com/"))
    assert reading.article.reason == "no text found"
    readers.close()


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [("", {}, 0), ("[settings]\nworkers = 2\n", {}, 2), ("", {"MONITOR_WORKERS": "3"}, 3)],
)
def test_workers_is_a_setting_and_an_environment_variable(text, env, expected):
    assert parse_config(text, "feeds.toml", env=env).settings.workers == expected


def test_a_negative_worker_count_is_a_config_error_naming_the_key():
    from monitor.errors import ConfigError

    with pytest.raises(ConfigError, match="workers"):
        parse_config("[settings]\nworkers = -1\n", "feeds.toml", env={})


class _Unpicklable(Exception):
    def __init__(self, a, b):
        super().__init__(f"{a} and {b}")


def _raise_unpicklable() -> None:
    raise _Unpicklable("one", "two")


def test_an_error_pickle_cannot_carry_comes_back_as_a_runtime_error_naming_it():
    from monitor.workers import _in_worker

    with pytest.raises(RuntimeError, match="_Unpicklable: one and two"):
        _in_worker(_raise_unpicklable)


async def test_a_ctrl_c_sent_to_the_process_group_leaves_the_readers_working():
    readers = Readers(1)
    readers.start()
    readers.wait_until_ready()
    try:
        (pid,) = readers.pids()
        os.kill(pid, signal.SIGINT)  # what a terminal's Ctrl-C does to every process of the group
        reading = await readers.read(PageToRead("<html><body><p>short</p></body></html>", "https://example.com/"))
        assert reading.article.reason == "no text found"
        assert readers.pids() == [pid], "the same worker answered: it was not interrupted"
    finally:
        readers.close()
