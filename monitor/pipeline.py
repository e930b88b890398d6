"""Pipeline: run the stages in order for a source or an article, and count outcomes.

It decides nothing itself: fetch fetches, discover finds links, extract reads
pages, dedup and invest decide, the store records, and the notifier's
audience says who is owed an alert. Every expected outcome (not modified,
duplicate, failed page) is a counted value, so one bad source or page never
stops the others.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta, timezone
from typing import Callable

from . import dedup, metrics
from .crashpoints import checkpoint
from .config import Config
from .discover import canonical_url, url_identity_key
from .errors import DiscoverError, FetchError, MonitorError, StoreError, UnsupportedContent
from .fetch import Fetcher, not_a_page
from .invest import find_announcements
from .notify import Notifier
from .stagetimes import NO_TIMING, StageTimes
from .store import Store
from .types import Announcement, Article, DedupDecision, Link, Source
from .workers import PageToRead, Readers, Reading

log = logging.getLogger(__name__)

#: Attempts at one article page before it is left alone (kept as 'failed' in links).
MAX_ARTICLE_ATTEMPTS = 3
#: Sources polled at once by crawl_once; per-host limits apply inside the fetcher.
PARALLEL_SOURCES = 8


@dataclass(frozen=True)
class ArticleOutcome:
    """What became of one article."""

    decision: DedupDecision
    #: The stored article, or None when it was not stored (a copy of a stored URL).
    article_id: int | None
    story_id: int | None
    announcements: tuple[Announcement, ...] = ()
    #: Outbox rows this article made owed or marked for an edit.
    alerts_owed: int = 0

    @property
    def is_duplicate(self) -> bool:
        return self.decision.duplicate_of is not None


@dataclass(frozen=True)
class PollResult:
    """One poll of one source: the row of `monitor crawl --once`'s summary."""

    source: str
    #: Pages fetched: the feed or listing page plus article pages.
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    errors: int = 0
    seconds: float = 0.0
    #: Why the source itself failed (feed unreachable, not a feed...), else None.
    error: str | None = None
    not_modified: bool = False
    alerts_owed: int = 0
    page_errors: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.error is None


class Pipeline:
    def __init__(self, config: Config, store: Store, fetcher: Fetcher | None, notifier: Notifier | None):
        self.config = config
        self.store = store
        self.fetcher = fetcher
        self.notifier = notifier
        #: Seconds per stage when a benchmark attaches a StageTimes; None costs nothing.
        self.timings: StageTimes | None = None
        #: Where pages are read: here, or in the `workers` processes.
        self.readers = Readers(config.settings.workers)
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def close(self) -> None:
        """Stop the reader processes, if any."""
        self.readers.close()

    def timed(self, stage: str):
        """A context manager that adds its time to `stage` in self.timings, if any."""
        return NO_TIMING if self.timings is None else self.timings.stage(stage)

    def mark(self) -> float:
        """A start time for lap(), when timing (0.0 otherwise): for a stage not shaped as a block."""
        return self.timings.clock() if self.timings is not None else 0.0

    def lap(self, stage: str, started: float) -> None:
        if self.timings is not None:
            self.timings.add(stage, self.timings.clock() - started)

    # --- crawling ---------------------------------------------------------------

    async def crawl_once(
        self, sources: tuple[Source, ...], on_done: Callable[[PollResult], None] | None = None
    ) -> list[PollResult]:
        """Poll every source once, several at a time; results in the sources' order."""
        gate = asyncio.Semaphore(PARALLEL_SOURCES)

        async def one(source: Source) -> PollResult:
            async with gate:
                result = await self.poll(source)
            if on_done:
                on_done(result)
            return result

        return list(await asyncio.gather(*(one(source) for source in sources)))

    async def poll(self, source: Source) -> PollResult:
        """Fetch a source, discover its links, process the new ones, record its health."""
        started = time.monotonic()
        result = await self._poll(source)
        result = replace(result, seconds=time.monotonic() - started)
        metrics.current().observe_job("poll", result.seconds)
        health = self.store.record_poll(source.name, result.error)
        checkpoint("crawl.poll_recorded")
        if result.error:
            log.warning("source %r failed (%d in a row): %s", source.name, health.consecutive_failures, result.error)
        return result

    async def _poll(self, source: Source) -> PollResult:
        assert self.fetcher is not None, "crawling needs a fetcher"
        try:
            page = await self.fetcher.fetch(source.url, self.store.validators(source.url))
        except FetchError as e:
            return PollResult(source.name, errors=1, error=e.reason)
        checkpoint("crawl.feed_fetched")
        if page.not_modified:
            self.store.save_validators(source.url, page.validators, page.status)
            # Links an interrupted poll left pending (a crash, a stop) would
            # otherwise wait until the feed changes, maybe for ever (issue 8).
            if not self.store.record_links(source, [], MAX_ARTICLE_ATTEMPTS):
                return PollResult(source.name, fetched=1, not_modified=True)
            links = []
        else:
            links = None
        try:
            if links is None:
                with self.timed("discover"):
                    # Off the loop: feedparser takes seconds on a big feed (10,000 items:
                    # 4 s), which would stall every other poll and /healthz.
                    links = await self.readers.discover(source, page)
        except (DiscoverError, ValueError) as e:
            return PollResult(source.name, fetched=1, errors=1, error=str(e))
        # Validators are kept only once the page was understood, so a page that
        # failed to parse is fetched in full next time rather than answered 304.
        with self.timed("store"):
            todo = self.store.record_links(source, links, MAX_ARTICLE_ATTEMPTS)
            # After the links: validators saved first and a crash in between would
            # answer the next poll 304 and lose these links for good (issue 8).
            if not page.not_modified:
                self.store.save_validators(source.url, page.validators, page.status)
        checkpoint("crawl.links_recorded")
        todo = todo[: self.config.settings.max_articles_per_poll]
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._article(source, link)) for link in todo]
        except ExceptionGroup as failure:
            # Only a database error escapes _article; the group cancelled the
            # other pages with it, so none runs on after the poll is over.
            raise failure.exceptions[0] from None
        outcomes = [task.result() for task in tasks]
        new = sum(1 for o in outcomes if isinstance(o, ArticleOutcome) and not o.is_duplicate)
        duplicates = sum(1 for o in outcomes if isinstance(o, ArticleOutcome) and o.is_duplicate)
        page_errors = tuple(o for o in outcomes if isinstance(o, str))
        fetched = 1 + sum(1 for o in outcomes if not (isinstance(o, ArticleOutcome) and o.decision.reason == "known-url"))
        error = None
        if todo and len(page_errors) == len(todo):
            error = f"all {len(todo)} article pages failed; last: {page_errors[-1]}"
        return PollResult(
            source.name,
            fetched=fetched,
            new=new,
            duplicates=duplicates,
            errors=len(page_errors),
            error=error,
            alerts_owed=sum(o.alerts_owed for o in outcomes if isinstance(o, ArticleOutcome)),
            page_errors=page_errors,
        )

    async def _article(self, source: Source, link: Link) -> ArticleOutcome | str:
        """Fetch, extract and save one linked article; a failure is returned as its message."""
        known = self.store.article_by_url(link.url)
        if known is None:
            # The same page under a www./m./AMP variant is not fetched again either.
            known = self.store.article_by_url_key(url_identity_key(link.url))
        if known is not None:
            # Another source already brought this URL: no need to fetch it again.
            self.store.link_done(source.name, link.url, known.article_id)
            decision = DedupDecision("known-url", duplicate_of=known.article_id, story_id=known.story_id)
            metrics.current().article(duplicate=True)
            return ArticleOutcome(decision, None, known.story_id)
        async with self._article_slots():
            return await self._fetch_and_save(source, link)

    def _article_slots(self) -> asyncio.Semaphore:
        """Articles between their fetch and their save, at most: when reader processes
        fall behind, fetching waits instead of piling pages up in memory (a 20,000-article
        burst held ~1,000 pages). One semaphore per event loop: a Pipeline may serve several."""
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            per_poll = self.config.settings.per_host_concurrency
            self._slots = (loop, asyncio.Semaphore(PARALLEL_SOURCES * per_poll + 4 * self.readers.workers))
        return self._slots[1]

    async def _fetch_and_save(self, source: Source, link: Link) -> ArticleOutcome | str:
        try:
            page = await self.fetcher.fetch(link.url)
            checkpoint("crawl.article_fetched")
            problem = not_a_page(page.content_type, page.body)
            if problem:  # a PDF or an image would be stored as an article of garbage
                raise UnsupportedContent(link.url, problem)
            reading = await self.readers.read(
                PageToRead(
                    page.text, page.final_url, source.content_selector, tuple(source.drop_selectors),
                    title=link.title, lang=source.lang, published=link.published,
                )
            )
            if self.timings is not None:
                for stage, seconds in zip(("extract", "detect", "fingerprint"), reading.seconds):
                    self.timings.add(stage, seconds)
            return self.save(
                reading.article, url=link.url, source=source.name, guid=link.guid, link_url=link.url, reading=reading
            )
        except (sqlite3.Error, StoreError):
            # The database failed, not the page (a full disk, a read-only file):
            # marking the link failed would spend its attempts and lose it.
            raise
        except MonitorError as e:
            message = getattr(e, "reason", None) or str(e)
        except Exception as e:  # a bug on one page must not stop the poll
            log.exception("processing %s failed", link.url)
            message = f"{type(e).__name__}: {e}"
        self.store.link_failed(source.name, link.url, message)
        return f"{link.url}: {message}"

    # --- one article, from any origin -------------------------------------------------

    def save(
        self,
        article: Article,
        *,
        url: str | None,
        source: str | None,
        guid: str | None = None,
        link_url: str | None = None,
        external_id: str | None = None,
        reading: Reading | None = None,
    ) -> ArticleOutcome:
        """Detect, dedup and store one extracted article, owing alerts if its story qualifies.

        Detection runs first: the story layers compare investment fields. A copy
        (same URL, same or nearly the same text) reports what it announces but
        stores no announcements: its original already did. A reading (read_page's
        answer for this article) brings its announcements and fingerprint along.
        """
        if reading is None:
            with self.timed("detect"):
                announcements = find_announcements(article.title, article.text, article.lang, article.published)
        else:
            announcements = list(reading.announcements)
        checkpoint("detect.done")
        dedup_started = self.mark()
        url = canonical_url(url) if url else None
        page_canonical = canonical_url(article.canonical_url) if article.canonical_url else None
        same_url = self.store.article_by_url(url) if url else None
        if same_url is None and page_canonical and page_canonical != url:
            same_url = self.store.article_by_url(page_canonical)
        url_key = url_identity_key(url) if url else None
        for candidate_url in (url, page_canonical):
            if same_url is None and candidate_url:
                same_url = self.store.article_by_url_key(url_identity_key(candidate_url))
        fingerprint = reading.fingerprint if reading is not None else dedup.fingerprint(article, announcements)
        digest = fingerprint.content_hash
        same_text = self.store.article_by_hash(digest) if same_url is None else None
        near, related = [], []
        seen = article.published or self.store.clock()
        if seen.tzinfo is None:  # a naive date is taken as UTC, like the store does
            seen = seen.replace(tzinfo=timezone.utc)
        window = timedelta(seconds=self.config.settings.story_window)
        if same_url is None and same_text is None:
            near = self.store.near_candidates(fingerprint.band_keys)
            features = fingerprint.features
            related = self.store.story_candidates(
                features.index_keys(), seen, window,
                late_keys=[key for key in features.keys if key.startswith("a:")], late_window=dedup.LATE_WINDOW,
            )
        decision = dedup.decide(same_url, same_text, near, related, new=fingerprint, seen=seen, window=window)
        self.lap("dedup", dedup_started)
        if decision.reason == "same-url":
            if link_url and source:
                self.store.link_done(source, link_url, decision.duplicate_of)
            metrics.current().article(duplicate=True)
            return ArticleOutcome(decision, None, decision.story_id, tuple(announcements))
        stored_announcements = announcements if decision.duplicate_of is None else []
        audience = self.notifier.audience(article, stored_announcements) if (self.notifier and stored_announcements) else []
        with self.timed("store"):
            stored = self.store.save_article(
                article,
                url=url,
                source=source,
                content_hash=digest,
                story_id=decision.story_id,
                duplicate_of=decision.duplicate_of,
                announcements=stored_announcements,
                audience=audience,
                guid=guid,
                external_id=external_id,
                link_url=link_url,
                fingerprint=fingerprint,
                url_key=url_key,
            )
        metrics.current().article(
            duplicate=decision.duplicate_of is not None, new_story=stored.new_story,
            announcements=len(announcements), alerts_owed=stored.alerts_owed,
        )
        return ArticleOutcome(decision, stored.article_id, stored.story_id, tuple(announcements), stored.alerts_owed)
