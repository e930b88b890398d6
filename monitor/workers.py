"""Readers: the CPU-bound reading of pages, in worker processes beside the event loop.

Owns :func:`read_page` (extract a page, fill in what the feed said, detect
announcements, fingerprint it for dedup: pure, no I/O) and :class:`Readers`,
which runs it and feed/listing discovery either in this process or in a pool
of ``workers`` processes (the ``workers`` setting).

Why processes: reading a page costs a few milliseconds of pure Python, which
holds the GIL; on the event loop it stalls every fetch, /healthz and the
Telegram bot, and a thread would not run it beside them. A worker process
uses another core while the loop fetches, looks up and stores. What crosses
the pipe is the page's text out and the Reading back (tens of kilobytes).

A worker that dies (killed, out of memory) loses nothing: the pool is
replaced and the page is read here instead.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable, TypeVar

from . import dedup
from .discover import discover_links
from .extract import extract
from .invest import find_announcements
from .types import Announcement, Article, Fetched, Link, Source

__all__ = ["PageToRead", "Reading", "Readers", "read_page"]

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class PageToRead:
    """One fetched article page, and what its feed said about it."""

    html: str
    url: str
    content_selector: str | None = None
    drop_selectors: tuple[str, ...] = ()
    #: The feed's title, the source's language and the feed's date: used where the page says nothing.
    title: str | None = None
    lang: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class Reading:
    """What reading one page found: everything the pipeline needs before it looks at the database."""

    article: Article
    announcements: tuple[Announcement, ...]
    fingerprint: dedup.Fingerprint
    #: CPU seconds spent extracting, detecting and fingerprinting (for benchmarks).
    seconds: tuple[float, float, float] = (0.0, 0.0, 0.0)


def read_page(page: PageToRead) -> Reading:
    """Extract, complete from the feed's hints, detect, fingerprint. Never touches I/O."""
    clock = time.process_time
    started = clock()
    article = extract(
        page.html, page.url, content_selector=page.content_selector, drop_selectors=page.drop_selectors
    )
    if not article.title and page.title:
        article = replace(article, title=page.title)
    if article.lang is None and page.lang:
        article = replace(article, lang=page.lang)
    if article.published is None and page.published:
        article = replace(article, published=page.published)
    extracted = clock()
    announcements = tuple(find_announcements(article.title, article.text, article.lang, article.published))
    detected = clock()
    fingerprint = dedup.fingerprint(article, announcements)
    return Reading(
        article, announcements, fingerprint, (extracted - started, detected - extracted, clock() - detected)
    )


def _in_worker(function: Callable[..., T], *args) -> T:
    """Run function in a reader process; an error that pickle cannot carry back comes back as a RuntimeError.

    (An answer the main process cannot unpickle would break the whole pool.)
    """
    try:
        return function(*args)
    except Exception as e:
        try:
            pickle.loads(pickle.dumps(e))
        except Exception:
            raise RuntimeError(f"{type(e).__name__}: {e}") from None
        raise


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C in a terminal reaches the whole process group, but stopping is the
    main process's decision (it finishes or cancels the pages in flight, then closes the pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _warm_up() -> None:
    """Load what a first page would (the language model, compiled patterns) before one waits for it."""
    read_page(PageToRead("<html lang=fr><body><p>Une page pour que le lecteur soit prêt.</p></body></html>", "http://x/"))


class Readers:
    """Runs read_page and discover_links in `workers` processes, or here when workers is 0."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = max(0, workers)
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the worker processes now (they load the extractor's model in the background)."""
        if self.workers and self._pool is None:
            # spawn, not fork: this process runs threads (the scheduler, the bot) that a fork would copy mid-step.
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_interrupts
            )
            log.info("reading pages in %d worker process(es)", self.workers)
            for _ in range(self.workers):
                self._pool.submit(_warm_up)

    def wait_until_ready(self) -> None:
        """Block until every worker has started and warmed up (for benchmarks timing the steady state)."""
        if self._pool is not None:
            self._pool.submit(int).result()  # queued behind the warm-ups

    async def read(self, page: PageToRead) -> Reading:
        """Read one article page (in a worker when there are workers)."""
        if not self.workers:
            return read_page(page)
        return await self._in_pool(read_page, page, fallback=read_page)

    async def discover(self, source: Source, fetched: Fetched) -> list[Link]:
        """The links of a feed or listing page: feedparser takes seconds on a big feed, never on the loop."""
        if not self.workers:
            return await asyncio.to_thread(discover_links, source, fetched)
        return await self._in_pool(discover_links, source, fetched, fallback=None)

    async def _in_pool(self, function: Callable[..., T], *args, fallback: Callable[..., T] | None) -> T:
        self.start()
        pool = self._pool
        assert pool is not None
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, _in_worker, function, *args)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): a new pool for the next page; this one is read here.
            log.warning("a reader process died; starting new ones and reading this page in the main process")
            if self._pool is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
            if fallback is not None:
                return fallback(*args)
            return await asyncio.to_thread(function, *args)

    def pids(self) -> list[int]:
        """The worker processes' ids (for benchmarks measuring their memory)."""
        pool = self._pool
        return list(getattr(pool, "_processes", None) or {}) if pool is not None else []

    def close(self) -> None:
        """Stop the workers; pages in flight are not waited for (their links stay pending)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def peak_rss_bytes(pid: int) -> int | None:
    """A process's peak resident memory (Linux /proc), None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None

