"""Schedule: APScheduler 3.x jobs that poll each source and empty the outbox (wiring only).

One job per enabled source, at its interval with jitter, max_instances=1 and
coalescing, so a slow source never piles up runs. A source that fails backs
off (its next run is pushed later, doubling per failure up to MAX_BACKOFF)
but is always polled again. A delivery job empties the outbox every few
seconds, and right after a poll that made alerts owed.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from . import metrics
from .errors import StoreError
from .notify import Notifier, deliver_due
from .pipeline import Pipeline, PollResult
from .store import Store
from .types import Source

log = logging.getLogger(__name__)

#: Longest pause after repeated failures of one source.
MAX_BACKOFF = timedelta(hours=6)
#: Seconds between two passes over the outbox.
DELIVERY_INTERVAL = 5.0
#: Failed polls in a row after which the admins hear about a source (and again when it recovers).
NOTICE_AFTER_FAILURES = 3
#: Seconds between two checks for due daily digests.
DIGEST_INTERVAL = 60.0


def source_notice(health, notified: bool, threshold: int = NOTICE_AFTER_FAILURES) -> tuple[str | None, bool]:
    """What to tell the admins after a poll, and whether a recovery notice is then owed.

    A notice when a source reaches `threshold` failures in a row (with its last
    error), one when it works again after that; nothing in between.
    """
    if health is None:
        return None, notified
    if health.consecutive_failures >= threshold and not notified:
        return (
            f"⚠️ Source {health.name} failed {health.consecutive_failures} polls in a row. "
            f"Last error: {health.last_error or 'unknown'}",
            True,
        )
    if health.consecutive_failures == 0 and notified:
        return f"✅ Source {health.name} works again.", False
    return None, notified


def backoff_delay(interval: float, consecutive_failures: int) -> timedelta:
    """How long to wait before polling a failing source again: interval x 2^(failures-1), capped."""
    if consecutive_failures <= 0:
        return timedelta(seconds=interval)
    seconds = interval * 2 ** min(consecutive_failures - 1, 16)
    return min(timedelta(seconds=seconds), max(MAX_BACKOFF, timedelta(seconds=interval)))


class Courier:
    """Empties the outbox, one pass at a time.

    The lock matters: two passes running at once would both read the same due
    rows and send them twice.
    """

    def __init__(self, store: Store, notifier: Notifier):
        self.store = store
        self.notifier = notifier
        self._lock = asyncio.Lock()
        #: Set at shutdown: the pass in progress ends after its current message.
        self.stopping = False

    async def deliver(self) -> int:
        """One pass over the outbox, shielded: cancelling the caller does not cut a message in flight."""
        if self.stopping:
            return 0
        return await asyncio.shield(self._pass())

    async def _pass(self) -> int:
        async with self._lock:
            with metrics.current().time_job("deliver"):
                return await deliver_due(self.store, self.notifier, should_stop=lambda: self.stopping)

    async def idle(self) -> None:
        """Wait until no delivery pass is running."""
        async with self._lock:
            pass


class Crawler:
    """Owns the scheduler and the jobs; tracks running polls so a stop can cancel them."""

    def __init__(self, pipeline: Pipeline, courier: Courier, sources: tuple[Source, ...], clock=None):
        self.pipeline = pipeline
        self.courier = courier
        self.sources = sources
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.scheduler = AsyncIOScheduler(timezone=timezone.utc)
        self.polls: set[asyncio.Task] = set()
        self.last_results: dict[str, PollResult] = {}

    def start(self) -> None:
        now = self.clock()
        for index, source in enumerate(self.sources):
            # Stagger the first polls over a few seconds so start-up is not a burst.
            first_run = now + timedelta(seconds=min(index * 0.5, 30) + random.random())
            self.scheduler.add_job(
                self._poll_job,
                IntervalTrigger(seconds=source.interval, jitter=min(source.interval * 0.1, 60)),
                args=[source],
                id=f"poll:{source.name}",
                name=f"poll {source.name}",
                next_run_time=first_run,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(source.interval)),
            )
        self.scheduler.add_job(
            self._deliver_job,
            IntervalTrigger(seconds=DELIVERY_INTERVAL),
            id="deliver",
            name="deliver alerts",
            next_run_time=now,
            max_instances=1,
            coalesce=True,
        )
        if hasattr(self.courier.notifier, "deliver_digests"):
            self.scheduler.add_job(
                self._digest_job,
                IntervalTrigger(seconds=DIGEST_INTERVAL),
                id="digests",
                name="daily digests",
                next_run_time=now + timedelta(seconds=DIGEST_INTERVAL),
                max_instances=1,
                coalesce=True,
            )
        self.scheduler.start()
        log.info("scheduler started: %d sources", len(self.sources))

    @property
    def is_running(self) -> bool:
        return self.scheduler.running

    async def stop(self, timeout: float = 3.0) -> None:
        """Stop scheduling, cancel polls in flight, let the message in flight go out.

        Polls are cancelled: they only lose a fetch, since the store writes
        whole transactions between awaits. A delivery pass is not: cancelling
        a message in flight would widen the duplicate window, so the pass is
        told to stop after its current message and awaited (up to timeout,
        and as much again for the polls).
        """
        self.courier.stopping = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        tasks = [task for task in self.polls if not task.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        try:
            await asyncio.wait_for(self.courier.idle(), timeout=timeout)
        except asyncio.TimeoutError:
            log.warning("a message was still in flight at shutdown")

    async def _poll_job(self, source: Source) -> None:
        task = asyncio.current_task()
        self.polls.add(task)
        try:
            result = await self.pipeline.poll(source)
            self.last_results[source.name] = result
            log.info(
                "polled %s: fetched %d, new %d, duplicates %d, errors %d in %.1fs",
                source.name, result.fetched, result.new, result.duplicates, result.errors, result.seconds,
            )
            if result.error:
                self._back_off(source)
            await self._watch(source)
            if result.alerts_owed and self.scheduler.running:
                # Deliver now rather than at the next tick; in the delivery job,
                # so that cancelling this poll never cuts a message in flight.
                self.scheduler.modify_job("deliver", next_run_time=self.clock())
        except asyncio.CancelledError:
            raise
        except (sqlite3.Error, StoreError) as e:
            # Nothing was marked done: the poll is redone once the database writes again.
            log.error("poll of %s could not write the database: %s", source.name, e)
        except Exception:
            log.exception("poll of %s crashed", source.name)
            self._back_off(source)
        finally:
            self.polls.discard(task)

    def _back_off(self, source: Source) -> None:
        health = self.pipeline.store.source_health(source.name)
        failures = health.consecutive_failures if health else 1
        delay = backoff_delay(source.interval, failures)
        job = self.scheduler.get_job(f"poll:{source.name}")
        if job is not None:
            job.modify(next_run_time=self.clock() + delay)
            log.info("source %s backs off: next poll in %s", source.name, delay)

    async def _watch(self, source: Source) -> None:
        """Tell the admins when a source starts failing for good, and when it recovers."""
        notify = getattr(self.courier.notifier, "notify_admins", None)
        if notify is None:
            return
        store = self.pipeline.store
        notice, notified = source_notice(store.source_health(source.name), store.source_notified(source.name))
        if notice is None:
            return
        store.set_source_notified(source.name, notified)
        try:
            await notify(notice)
        except Exception:
            log.exception("admin notice about %s failed", source.name)

    async def _digest_job(self) -> None:
        try:
            await self.courier.notifier.deliver_digests()
        except Exception:
            log.exception("digest pass crashed")

    async def _deliver_job(self) -> None:
        try:
            await self.courier.deliver()
        except Exception:
            log.exception("delivery pass crashed")
