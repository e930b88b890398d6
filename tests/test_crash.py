"""Crashes (issue 8): `monitor run` killed at many points, restarted, and nothing owed is lost.

The service runs as a real subprocess against a loopback site of five
articles, three of them investment stories. A clean run passes a known list
of checkpoints (monitor/crashpoints.py: crawl, detection, store, delivery);
the test kills the service with SIGKILL at CRASH_POINTS of them chosen with a
fixed seed (the process kills itself there: MONITOR_TEST_CRASH_AFTER), and at
a few random moments from outside, restarts it on the same database and
checks the invariants:

* every alert owed is delivered (alerts.jsonl beside the database);
* none twice, except the one alert in the documented window (sent, not yet
  marked sent: checkpoint "deliver.sent"), which is sent exactly twice;
* no article lost: the five articles are stored, once each;
* ``PRAGMA integrity_check`` is ok after the kill and after the restart.

SIGTERM ends the service within 10 s, mid-crawl, and loses nothing. Scenarios
run a few at a time (each its own site, directory and database) to keep the
whole file near half a minute.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlite_utils

from monitor.config import Config
from monitor.errors import StoreError
from monitor.fetch import Fetcher
from monitor.notify import ConsoleNotifier, deliver_due
from monitor.service import Service
from monitor.store import Store
from monitor.types import Settings, Source
from sites import INVESTMENT_EN, OLD_EN, PRODUCT_EN, Page, article_html, rss
from webserver import Response, TestWeb

FERRIES = Page(
    "/news/harbourline-ferries.html",
    "Harbourline raises $40 million to electrify ferries",
    (
        "Harbourline, a Norwegian start-up, has raised $40 million in a Series B round led by Fjord Ventures "
        "to electrify coastal ferries, the company said on Monday.",
        "The money will fund two new shipyards and a charging network along the western coast.",
    ),
    datetime(2024, 5, 15, 9, 0, tzinfo=timezone.utc),
)
DATACENTRE = Page(
    "/news/orvane-marseille.html",
    "Orvane Data to spend €1.2 billion on a data centre in Marseille",
    (
        "Orvane Data will invest €1.2 billion in a new data centre near Marseille, France, the cloud company "
        "announced on Wednesday.",
        "The site should open in 2026 and employ 300 people, according to the regional council.",
    ),
    datetime(2024, 5, 16, 9, 0, tzinfo=timezone.utc),
)
PAGES = [DATACENTRE, FERRIES, INVESTMENT_EN, PRODUCT_EN, OLD_EN]
INVESTMENT_TITLES = {INVESTMENT_EN.title, FERRIES.title, DATACENTRE.title}

#: SIGKILLs at checkpoints, chosen with SEED among those of a clean run.
CRASH_POINTS = 20
#: SIGKILLs from outside at random moments of the first seconds.
OUTSIDE_KILLS = 3
SEED = 8
#: Scenarios at once: each mostly waits (start-up, the first poll's jitter).
PARALLEL = 5


def serve(web: TestWeb, slow: float = 0.0) -> None:
    """The feed (answering 304 to its ETag, like real feeds) and the five article pages."""
    feed = rss(web.base, PAGES)

    def answer_feed(request) -> Response:
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304, b"", {"ETag": '"v1"'})
        return Response(200, feed, {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    web.route("/feed.xml", handler=answer_feed)
    for page in PAGES:
        html = article_html(page)

        def answer_page(request, html=html) -> Response:
            time.sleep(slow)  # held in flight, so a signal lands mid-crawl
            return Response(200, html, {"Content-Type": "text/html; charset=utf-8"})

        web.route(page.path, handler=answer_page)


@dataclass
class Scenario:
    """One directory, one database, one site: a service started again and again on it."""

    root: Path
    web: TestWeb

    @property
    def db(self) -> Path:
        return self.root / "data" / "monitor.db"

    @property
    def alerts(self) -> Path:
        return self.root / "data" / "alerts.jsonl"

    @property
    def checkpoints(self) -> Path:
        return self.root / "checkpoints.log"

    def start(self, **env_extra: str) -> subprocess.Popen:
        config = self.root / "feeds.toml"
        config.write_text(
            '[settings]\nallow_private_addresses = true\nhost_delay = "0s"\nhttp_port = 0\nretries = 0\n'
            f'[[sources]]\nname = "Wire"\nurl = "{self.web.url("/feed.xml")}"\nbackfill = 10\ninterval = "1h"\n',
            encoding="utf-8",
        )
        env = {**os.environ, "MONITOR_CONFIG": str(config), "MONITOR_DB": str(self.db), "MONITOR_LOG_LEVEL": "INFO"}
        for name in ("TELEGRAM_BOT_TOKEN", "MONITOR_TEST_CRASH_AFTER", "MONITOR_TEST_CHECKPOINT_LOG"):
            env.pop(name, None)
        env.update(env_extra)
        runs = len(list(self.root.glob("run-*.log")))
        # Output to a file: an unread pipe would fill and block the service.
        log = open(self.root / f"run-{runs}.log", "w")
        try:
            return subprocess.Popen([sys.executable, "-m", "monitor", "run"], env=env, stdout=log,
                                    stderr=subprocess.STDOUT, cwd=self.root)
        finally:
            log.close()

    def state(self) -> tuple[set[str], list[str]]:
        """(article URLs stored, outbox states), read while the service may be writing."""
        if not self.db.exists():
            return set(), []
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
        try:
            urls = {row[0] for row in conn.execute("SELECT url FROM articles")}
            states = [row[0] for row in conn.execute("SELECT state FROM outbox ORDER BY id")]
            return urls, states
        except sqlite3.OperationalError:  # not created yet
            return set(), []
        finally:
            conn.close()

    def recovered(self) -> bool:
        urls, states = self.state()
        return len(urls) == len(PAGES) and states == ["sent"] * len(INVESTMENT_TITLES)

    def integrity(self) -> str:
        if not self.db.exists():
            return "ok"
        conn = sqlite3.connect(self.db, timeout=10)
        try:
            return conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()

    def sent_titles(self) -> Counter:
        if not self.alerts.exists():
            return Counter()
        records = [json.loads(line) for line in self.alerts.read_text(encoding="utf-8").splitlines() if line.strip()]
        return Counter(record["title"] for record in records if record["event"] == "alert")

    def run_until_recovered(self, seconds: float = 30.0, **env_extra: str) -> float:
        """Start the service, wait for its first poll and until everything owed is stored
        and sent, then SIGTERM it. Returns how long the stop took; asserts it exited 0.
        """
        process = self.start(**env_extra)
        try:
            deadline = time.monotonic() + seconds
            while "polled Wire" not in self.log_text() or not self.recovered():
                assert process.poll() is None, f"the service died: {self.log_tail()}"
                assert time.monotonic() < deadline, f"never recovered: {self.state()} {self.log_tail()}"
                time.sleep(0.05)
            return stop(process)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    def log_text(self) -> str:
        """The output of the latest run."""
        logs = sorted(self.root.glob("run-*.log"), key=lambda path: int(path.stem.split("-")[1]))
        return logs[-1].read_text() if logs else ""

    def log_tail(self) -> str:
        return self.log_text()[-2000:]

    def check_invariants(self, duplicates_allowed: int) -> None:
        assert self.integrity() == "ok"
        urls, states = self.state()
        assert urls == {self.web.url(page.path) for page in PAGES}, "an article was lost"
        assert states == ["sent"] * len(INVESTMENT_TITLES)
        sent = self.sent_titles()
        assert set(sent) == INVESTMENT_TITLES, "an alert owed was not delivered"
        assert sum(sent.values()) - len(sent) == duplicates_allowed, sent


def stop(process: subprocess.Popen) -> float:
    """SIGTERM; the service must exit 0 within 10 s. Returns the seconds it took."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    return time.monotonic() - started


def scenario(tmp_path: Path, name: str, slow: float = 0.0) -> Scenario:
    root = tmp_path / name
    root.mkdir()
    web = TestWeb().start()
    serve(web, slow)
    return Scenario(root, web)


def checkpoint_names(path: Path) -> list[str]:
    return [line.split(" ", 1)[1] for line in path.read_text().splitlines()] if path.exists() else []


# -- the runs ---------------------------------------------------------------------------


def crash_at_checkpoint(tmp_path: Path, number: int) -> str:
    """Kill the service at checkpoint `number`, restart, check; returns the checkpoint's name."""
    run = scenario(tmp_path, f"crash-{number}")
    try:
        process = run.start(MONITOR_TEST_CRASH_AFTER=str(number), MONITOR_TEST_CHECKPOINT_LOG=str(run.checkpoints))
        try:
            assert process.wait(timeout=30) == -signal.SIGKILL, run.log_tail()
        finally:
            if process.poll() is None:
                process.kill()
        name = checkpoint_names(run.checkpoints)[-1]
        assert run.integrity() == "ok", f"after a kill at {name}"
        run.run_until_recovered()
        # Only a kill between delivery and its mark re-sends, and only that alert.
        run.check_invariants(duplicates_allowed=1 if name == "deliver.sent" else 0)
        return name
    finally:
        run.web.stop()


def kill_from_outside(tmp_path: Path, index: int, delay: float) -> int:
    """SIGKILL after `delay` seconds, wherever the service is; returns the alerts sent twice."""
    run = scenario(tmp_path, f"outside-{index}")
    try:
        process = run.start()
        time.sleep(delay)
        process.kill()
        process.wait()
        assert run.integrity() == "ok"
        run.run_until_recovered()
        sent = run.sent_titles()
        duplicates = sum(sent.values()) - len(sent)
        assert duplicates <= 1, sent  # at most the alert in flight
        run.check_invariants(duplicates_allowed=duplicates)
        return duplicates
    finally:
        run.web.stop()


def test_sigkill_at_any_checkpoint_loses_nothing_and_resends_at_most_the_alert_in_flight(tmp_path):
    # A clean run first: it alerts once per story, and lists the checkpoints to choose from.
    clean = scenario(tmp_path, "clean")
    try:
        clean.run_until_recovered(MONITOR_TEST_CHECKPOINT_LOG=str(clean.checkpoints))
        clean.check_invariants(duplicates_allowed=0)
    finally:
        clean.web.stop()
    counts = Counter(checkpoint_names(clean.checkpoints))
    # Each stage passes its checkpoints: 5 articles, 3 alerts.
    assert counts["crawl.article_fetched"] == 5 and counts["detect.done"] == 5 and counts["store.committed"] == 5
    assert counts["deliver.sent"] == 3
    total = sum(counts.values())
    assert total >= CRASH_POINTS
    rng = random.Random(SEED)
    numbers = sorted(rng.sample(range(1, total + 1), CRASH_POINTS))
    # After start-up (about a second), while the crawl or the delivery is running.
    delays = [round(rng.uniform(1.2, 2.6), 2) for _ in range(OUTSIDE_KILLS)]

    with ThreadPoolExecutor(PARALLEL) as pool:
        inside = list(pool.map(lambda number: crash_at_checkpoint(tmp_path, number), numbers))
        outside = list(pool.map(lambda args: kill_from_outside(tmp_path, *args), enumerate(delays)))

    stages = Counter(name.split(".")[0] for name in inside)
    print(f"\n{len(inside)} kills at checkpoints {numbers} of {total}: {dict(Counter(inside))}; "
          f"{len(outside)} kills from outside at {delays} s, alerts re-sent: {outside}")
    # The chosen points cover every stage of the work.
    assert {"crawl", "detect", "store", "deliver"} <= set(stages), stages


@pytest.mark.parametrize("delay", [0.0, 1.0])
def test_sigterm_mid_crawl_stops_within_10_s_and_loses_nothing(tmp_path, delay):
    """Article pages take a second each: the signal lands while polls are in flight."""
    run = scenario(tmp_path, f"term-{delay}", slow=1.0)
    try:
        process = run.start()
        # Wait until the crawl is under way (the feed was fetched), then some more.
        deadline = time.monotonic() + 20
        while run.web.hits("/feed.xml") == 0:
            assert time.monotonic() < deadline, run.log_tail()
            time.sleep(0.02)
        time.sleep(delay)
        try:
            seconds = stop(process)
        finally:
            if process.poll() is None:
                process.kill()
        assert seconds < 10
        assert run.integrity() == "ok"
        serve(run.web)  # the site is fast again
        run.run_until_recovered()
        run.check_invariants(duplicates_allowed=0)
    finally:
        run.web.stop()


# -- a full disk, a read-only database ------------------------------------------------------


async def run_in_process(store: Store, web: TestWeb, tmp_path: Path):
    """A Service on `store` (not started: its pipeline and health are called directly)."""
    settings = Settings(allow_private_addresses=True, host_delay=0.0, retries=0)
    source = Source(name="Wire", url=web.url("/feed.xml"), backfill=10)
    config = Config(settings, (source,))
    notifier = ConsoleNotifier(tmp_path / "alerts.jsonl", stream=io.StringIO())
    return Service(config, store, notifier, fetcher=Fetcher(settings)), source, notifier


async def recover_and_check(db: Path, web: TestWeb, tmp_path: Path) -> None:
    """Reopened with room to write: everything arrives, each alert once."""
    store = Store.open(db)
    service, source, notifier = await run_in_process(store, web, tmp_path)
    try:
        assert service.health().checks["database"] == "ok"
        await service.pipeline.poll(source)
        await deliver_due(store, notifier)
        urls = {row[0] for row in store.db.execute("SELECT url FROM articles")}
        assert urls == {web.url(page.path) for page in PAGES}
        assert Counter(alert.title for alert in notifier.sent) == Counter(INVESTMENT_TITLES)
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        await service.fetcher.aclose()
        store.close()


def no_link_given_up(store: Store) -> None:
    # A failed write must not spend a link's attempts: none is failed, every done one is stored.
    rows = list(store.db.execute("SELECT state, attempts, article_id FROM links"))
    assert all(state in ("pending", "done") for state, _, _ in rows), rows
    assert all(article_id is not None for state, _, article_id in rows if state == "done")


async def test_a_full_database_fails_readiness_holds_alerts_and_loses_nothing(tmp_path, web):
    serve(web)
    db = tmp_path / "monitor.db"
    store = Store.open(db)
    store.check_writable()
    # The file may not grow any more: SQLite's page limit stands in for a full disk.
    store.db.execute(f"PRAGMA max_page_count = {store.db.execute('PRAGMA page_count').fetchone()[0]}")
    service, source, notifier = await run_in_process(store, web, tmp_path)
    try:
        store.sync_sources(service.config.sources)
        report = service.health()
        assert not report.ok and report.checks["database"].startswith("database full")
        status, _, body = service.answer("/healthz")
        assert status == 503 and b"database full" in body
        with pytest.raises((sqlite3.Error, StoreError), match="full"):
            await service.pipeline.poll(source)
        assert await deliver_due(store, notifier) == 0 and notifier.sent == []
        no_link_given_up(store)
    finally:
        await service.fetcher.aclose()
        store.close()
    await recover_and_check(db, web, tmp_path)


async def test_a_read_only_database_fails_readiness_and_loses_nothing(tmp_path, web):
    serve(web)
    db = tmp_path / "monitor.db"
    Store.open(db).close()
    # Read-only as a remounted disk would make it (chmod does not stop root).
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    store = Store(sqlite_utils.Database(connection))
    service, source, notifier = await run_in_process(store, web, tmp_path)
    try:
        report = service.health()
        assert not report.ok and "readonly" in report.checks["database"]
        assert service.answer("/healthz")[0] == 503
        with pytest.raises((sqlite3.Error, StoreError), match="readonly"):
            await service.pipeline.poll(source)
        assert await deliver_due(store, notifier) == 0 and notifier.sent == []
    finally:
        await service.fetcher.aclose()
        store.close()
    await recover_and_check(db, web, tmp_path)


def test_a_database_that_cannot_be_opened_stops_run_with_one_clear_line(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data directory should be")
    config = tmp_path / "feeds.toml"
    config.write_text('[[sources]]\nname = "Wire"\nurl = "http://example.org/feed"\n', encoding="utf-8")
    env = {**os.environ, "MONITOR_CONFIG": str(config), "MONITOR_DB": str(blocker / "monitor.db")}
    done = subprocess.run([sys.executable, "-m", "monitor", "run"], env=env, capture_output=True, text=True,
                          timeout=30, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("monitor: error: cannot open database"), done.stderr
