"""Health and metrics endpoints of `monitor run`: liveness, readiness, /metrics (issue 7).

Readiness (/healthz, also /readyz) is 200 only when the database takes a
write, the scheduler runs, a poll succeeded recently and the notifier can
deliver; otherwise 503, with the failing check named. Liveness (/livez) is 200
whenever the process answers.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from monitor import metrics
from monitor.config import Config
from monitor.metrics import Metrics
from monitor.notify import ConsoleNotifier
from monitor.service import Service, notifier_state
from monitor.store import Store
from monitor.types import Settings, Source
from sites import INVESTMENT_EN, serve_site

SETTINGS = Settings(allow_private_addresses=True, host_delay=0, backoff=0, retries=0, http_port=0)


class BrokenChannel(ConsoleNotifier):
    """A notifier whose channel is gone, as a revoked bot token leaves Telegram."""

    def health(self) -> str:
        return "telegram: 401 Unauthorized (token revoked?)"


class CrashingCheck(ConsoleNotifier):
    def health(self) -> str:
        raise RuntimeError("state unknown")


def make_service(store, web, notifier=None, interval=3600.0) -> Service:
    source = Source(name="Wire", url=web.url("/feed.xml"), backfill=5, interval=interval)
    config = Config(SETTINGS, (source,))
    return Service(config, store, notifier or ConsoleNotifier(None, stream=io.StringIO()))


async def get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    """A GET on the service's own loop (a blocking client would stall the server)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


@pytest.fixture
async def running(store, web):
    """A started service (scheduler, crawler, HTTP server) on a free port."""
    serve_site(web, [INVESTMENT_EN])
    with metrics.use(Metrics()):
        service = make_service(store, web)
        await service.start()
        try:
            yield service
        finally:
            await service.stop()


async def test_a_started_service_is_live_and_ready_with_every_check_named(running):
    status, headers, body = await get(running.http_port, "/healthz")
    report = json.loads(body)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert (report["status"], report["live"], report["ready"]) == ("ok", True, True)
    checks = report["checks"]
    assert [checks[key] for key in ("database", "scheduler", "crawl", "notifier")] == ["ok"] * 4
    assert checks["notifier_kind"] == "ConsoleNotifier" and "outbox_pending" in checks
    status, _, body = await get(running.http_port, "/readyz")
    assert status == 200 and json.loads(body)["ready"] is True


async def test_livez_answers_200_while_the_process_answers(running):
    status, _, body = await get(running.http_port, "/livez")
    assert status == 200 and json.loads(body)["live"] is True


async def test_metrics_are_served_in_the_prometheus_text_format(running):
    # Wait for the first poll to be counted (it starts within about a second).
    for _ in range(100):
        if metrics.current().value("monitor_job_duration_seconds_count", job="poll"):
            break
        await asyncio.sleep(0.05)
    status, headers, body = await get(running.http_port, "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    families = {family.name: family for family in text_string_to_metric_families(body.decode())}
    assert {"monitor_fetches", "monitor_outbox_pending", "monitor_source_consecutive_failures"} <= set(families)
    failures = {s.labels["source"]: s.value for s in families["monitor_source_consecutive_failures"].samples}
    assert failures == {"Wire": 0}
    assert metrics.current().value("monitor_articles_total", outcome="new") == 1


async def test_an_unknown_path_is_a_404_that_lists_the_endpoints(running):
    status, _, body = await get(running.http_port, "/nope")
    assert status == 404 and "/metrics" in json.loads(body)["endpoints"]


def test_a_service_whose_scheduler_is_not_running_is_not_ready(store, web):
    status, _, body = make_service(store, web).answer("/healthz")
    report = json.loads(body)
    assert status == 503 and report["checks"]["scheduler"] == "stopped"
    assert (report["status"], report["live"], report["ready"]) == ("unhealthy", True, False)
    assert make_service(store, web).answer("/livez")[0] == 200


async def test_a_database_that_refuses_writes_makes_the_service_unready(running):
    running.store.db.execute("PRAGMA query_only = ON")
    try:
        status, _, body = running.answer("/healthz")
    finally:
        running.store.db.execute("PRAGMA query_only = OFF")
    assert status == 503 and json.loads(body)["checks"]["database"].startswith("database not writable")


async def test_no_successful_poll_for_longer_than_the_threshold_makes_the_service_unready(tmp_path, web):
    long_ago = datetime.now(timezone.utc) - timedelta(days=2)
    old = Store.open(tmp_path / "old.db", clock=lambda: long_ago)
    service = make_service(old, web, interval=600)
    old.sync_sources(service.config.sources)
    old.record_poll("Wire", None)
    service.crawler.scheduler.start(paused=True)  # the scheduler runs; only the crawl is stale
    try:
        status, _, body = service.answer("/healthz")
    finally:
        service.crawler.scheduler.shutdown(wait=False)
        old.close()
    checks = json.loads(body)["checks"]
    assert service.stale_after == 3600  # 3 x 10 min, but at least an hour
    assert status == 503 and checks["crawl"].startswith("no successful poll for")
    assert checks["last_success"].startswith(long_ago.date().isoformat())


async def test_a_notifier_that_cannot_deliver_makes_the_service_unready(store, web):
    service = make_service(store, web, notifier=BrokenChannel(None))
    service.crawler.scheduler.start(paused=True)
    try:
        status, _, body = service.answer("/healthz")
    finally:
        service.crawler.scheduler.shutdown(wait=False)
    assert status == 503 and json.loads(body)["checks"]["notifier"].startswith("telegram: 401")


def test_a_notifier_without_a_health_method_is_ok_and_a_crashing_one_is_not():
    assert notifier_state(ConsoleNotifier(None)) == "ok"
    assert notifier_state(CrashingCheck(None)) == "RuntimeError: state unknown"


# --- the container's files -----------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def dockerfile_healthcheck() -> list[str]:
    """The exec-form command of the Dockerfile's HEALTHCHECK."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("HEALTHCHECK"))
    return json.loads(line[line.index("CMD") + 3:].strip())


@pytest.mark.parametrize("status, passes", [(200, True), (503, False)])
def test_the_images_healthcheck_passes_on_200_and_fails_on_503(web, status, passes):
    web.route("/healthz", '{"status": "x"}', status=status)
    command = dockerfile_healthcheck()
    assert command[0] == "python"
    port = web.base.rsplit(":", 1)[1]
    done = subprocess.run([sys.executable, *command[1:]], env={**os.environ, "MONITOR_HTTP_PORT": port},
                          capture_output=True, timeout=30)
    assert (done.returncode == 0) == passes
    assert web.hits("/healthz") == 1


def test_env_example_names_only_variables_the_monitor_reads():
    names = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    source = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "monitor").glob("*.py"))
    assert {"TELEGRAM_BOT_TOKEN", "MONITOR_LOG_LEVEL", "MONITOR_LOG_FORMAT"} <= names
    assert sorted(name for name in names if f'"{name}"' not in source) == []
