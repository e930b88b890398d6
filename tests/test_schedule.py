"""Schedule: real APScheduler jobs poll sources, deliver alerts, and back off failing sources."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, timedelta, timezone

from monitor.config import Config
from monitor.fetch import Fetcher
from monitor.notify import ConsoleNotifier
from monitor.pipeline import Pipeline
from monitor.schedule import MAX_BACKOFF, Courier, Crawler, backoff_delay
from monitor.types import Settings, Source
from sites import INVESTMENT_EN, serve_site

SETTINGS = Settings(allow_private_addresses=True, host_delay=0, backoff=0, retries=0)


def test_backoff_doubles_per_failure_and_is_capped():
    assert backoff_delay(600, 0) == timedelta(seconds=600)
    assert backoff_delay(600, 1) == timedelta(seconds=600)
    assert backoff_delay(600, 3) == timedelta(seconds=2400)
    assert backoff_delay(600, 50) == MAX_BACKOFF


async def wait_for(predicate, seconds=10.0):
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_the_scheduler_polls_each_source_and_delivers_its_alert(web, store):
    serve_site(web, [INVESTMENT_EN])
    source = Source(name="Wire", url=web.url("/feed.xml"), backfill=5, interval=3600)
    config = Config(SETTINGS, (source,))
    store.sync_sources(config.sources)
    notifier = ConsoleNotifier(None, io.StringIO())
    async with Fetcher(SETTINGS) as fetcher:
        pipeline = Pipeline(config, store, fetcher, notifier)
        crawler = Crawler(pipeline, Courier(store, notifier), config.sources)
        crawler.start()
        try:
            assert await wait_for(lambda: len(notifier.sent) == 1)
            job = crawler.scheduler.get_job("poll:Wire")
            assert job.max_instances == 1 and job.coalesce
        finally:
            await crawler.stop()
    assert crawler.last_results["Wire"].new == 1
    assert not crawler.is_running


async def test_a_failing_source_backs_off_but_stays_scheduled(web, store):
    web.route("/feed.xml", "down", status=503)
    source = Source(name="Down", url=web.url("/feed.xml"), interval=60)
    config = Config(SETTINGS, (source,))
    store.sync_sources(config.sources)
    store.record_poll("Down", "HTTP 503")  # it already failed once before this run
    notifier = ConsoleNotifier(None, io.StringIO())
    async with Fetcher(SETTINGS) as fetcher:
        crawler = Crawler(Pipeline(config, store, fetcher, notifier), Courier(store, notifier), config.sources)
        crawler.start()
        try:
            assert await wait_for(lambda: "Down" in crawler.last_results)
            await asyncio.sleep(0.1)
            job = crawler.scheduler.get_job("poll:Down")
            assert job is not None  # never dropped
            delay = job.next_run_time - datetime.now(timezone.utc)
            assert timedelta(seconds=100) < delay <= timedelta(seconds=121)  # 2 failures: 2 x interval
        finally:
            await crawler.stop()
    assert store.source_health("Down").consecutive_failures == 2


async def test_two_delivery_passes_at_once_send_each_alert_once(store):
    from decimal import Decimal

    from monitor.types import Announcement, Article

    found = Announcement(investor="X", amount=Decimal(1000000), currency="EUR", amount_text="1 M€")
    for n in range(5):
        store.save_article(Article(title=f"t{n}", text=f"x{n}"), url=f"https://a.example/{n}", source="s",
                           content_hash=str(n), story_id=None, duplicate_of=None, announcements=[found],
                           audience=["console"])

    class SlowNotifier(ConsoleNotifier):
        async def send(self, alert):
            await asyncio.sleep(0.01)
            return await super().send(alert)

    notifier = SlowNotifier(None, io.StringIO())
    courier = Courier(store, notifier)
    await asyncio.gather(courier.deliver(), courier.deliver(), courier.deliver())
    assert sorted(alert.story_id for alert in notifier.sent) == [1, 2, 3, 4, 5]


async def test_a_stop_lets_the_message_in_flight_finish_and_starts_no_other(store):
    from decimal import Decimal

    from monitor.types import Announcement, Article

    found = Announcement(investor="X", amount=Decimal(1000000), currency="EUR", amount_text="1 M€")
    for n in range(3):
        store.save_article(Article(title=f"t{n}", text=f"x{n}"), url=f"https://a.example/{n}", source="s",
                           content_hash=str(n), story_id=None, duplicate_of=None, announcements=[found],
                           audience=["console"])
    started = asyncio.Event()

    class SlowNotifier(ConsoleNotifier):
        async def send(self, alert):
            started.set()
            await asyncio.sleep(0.3)
            return await super().send(alert)

    notifier = SlowNotifier(None, io.StringIO())
    config = Config(SETTINGS, ())
    crawler = Crawler(Pipeline(config, store, None, notifier), Courier(store, notifier), ())
    crawler.start()
    await asyncio.wait_for(started.wait(), 5)
    await crawler.stop()
    assert len(notifier.sent) == 1
    states = [row["state"] for row in store.outbox_rows()]
    assert states == ["sent", "pending", "pending"]  # the one sent is marked: no duplicate on restart
