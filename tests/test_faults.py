"""The crawler against a hostile web (issue 8): every fault of tests/faultweb.py.

For each fault, one crawl pass over two sources, a healthy one and the faulty
one, through the real fetcher (SSRF guard on, thanks to PublicFacade), the
real pipeline and a real SQLite file. The rules: the pass ends (the crawler
keeps running), the faulty source's health records what happened, the
healthy source is unaffected, and memory stays bounded.
"""

from __future__ import annotations

import asyncio
import io
import re
import resource
import tracemalloc

import pytest

from faultweb import FAULTS, Fault, PublicFacade, good_site, public_base
from monitor.config import Config
from monitor.fetch import Fetcher
from monitor.notify import ConsoleNotifier, deliver_due
from monitor.pipeline import Pipeline
from monitor.types import Settings, Source

#: Short timeouts so the slow faults end in about a second; the guard stays on.
SETTINGS = Settings(
    allow_private_addresses=False,
    host_delay=0.0,
    connect_timeout=0.3,
    read_timeout=0.3,
    retries=1,
    backoff=0.01,
    max_bytes=3_000_000,
    max_retry_after=60.0,
)

#: Generous bounds: a fault may cost some memory, never its own size (50 MB, 1 GB).
MAX_RSS_GROWTH = 150 * 1024 * 1024
MAX_TRACED_PEAK = 80 * 1024 * 1024


class Waits:
    """The fetcher's sleep: records each backoff or Retry-After wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture(scope="module", autouse=True)
def warm_caches():
    """Load what loads once per process (the language model of extract: 85 MB) before measuring."""
    from faultweb import plain_article

    from monitor.extract import extract

    extract(plain_article(0), "http://example.org/item?n=0")


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@pytest.mark.parametrize("fault", FAULTS, ids=lambda fault: fault.name)
async def test_a_fault_is_recorded_on_its_source_and_spares_the_others(web, store, fault: Fault):
    base = public_base(web)
    fault.install(web, "/bad", base)
    good = Source(name="Good", url=base + good_site(web, base), backfill=10, lang="en")
    bad = Source(name="Bad", url=base + "/bad", backfill=10, lang="en", kind=fault.kind,
                 link_selector="a" if fault.kind == "listing" else None)
    config = Config(SETTINGS, (good, bad))
    store.sync_sources(config.sources)
    notifier = ConsoleNotifier(None, stream=io.StringIO())
    waits = Waits()

    async with Fetcher(SETTINGS, transport=PublicFacade(), sleep=waits) as fetcher:
        pipeline = Pipeline(config, store, fetcher, notifier)
        # The healthy source alone first: imports and caches are not the fault's memory.
        await pipeline.crawl_once((good,))
        good_site(web, base, news=True)  # then news, to be found while the other source fails
        rss_before = peak_rss()
        if fault.traced:
            tracemalloc.start()
        try:
            results = {result.source: result for result in await pipeline.crawl_once(config.sources)}
            # The crawler keeps running: a second pass works as well.
            again = {result.source: result for result in await pipeline.crawl_once(config.sources)}
            await deliver_due(store, notifier)
            _, traced_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    rss_growth = peak_rss() - rss_before
    # Shown with -s: the figures behind the bounds below.
    print(f"\n{fault.name}: peak RSS +{rss_growth / 2**20:.1f} MB, traced peak {traced_peak / 2**20:.1f} MB")

    # The healthy source is unaffected.
    assert results["Good"].ok and results["Good"].new == 1, results["Good"]
    assert again["Good"].ok
    assert store.db.execute("SELECT count(*) FROM articles WHERE source = 'Good'").fetchone()[0] == 2
    assert store.source_health("Good").consecutive_failures == 0
    assert [alert.title for alert in notifier.sent][:1] == ["Northwind Energy to build a battery plant near Lyon"]

    # The faulty source's health says what happened.
    health = store.source_health("Bad")
    assert health.polls == 2
    if fault.where == "article":
        # The feed itself was fine: the faulty page was fetched on its own.
        assert web.hits("/bad/page") >= 1
    if fault.error is None:
        assert results["Bad"].ok, results["Bad"]
        assert health.consecutive_failures == 0 and health.last_error is None
        links = store.db.execute("SELECT count(*) FROM links WHERE source = 'Bad'").fetchone()[0]
        assert links == fault.stored
    else:
        assert not results["Bad"].ok
        assert health.consecutive_failures == 2
        assert re.search(fault.error, health.last_error), health.last_error

    # Memory stays bounded.
    assert rss_growth < MAX_RSS_GROWTH, f"peak RSS grew by {rss_growth / 2**20:.0f} MB"
    assert traced_peak < MAX_TRACED_PEAK, f"traced peak {traced_peak / 2**20:.0f} MB"
