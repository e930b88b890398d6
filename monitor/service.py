"""Service: `monitor run`, the long-running process, and its /healthz endpoint.

Wires config, store, fetcher, notifier, pipeline and scheduler into one
asyncio process, serves /healthz over a tiny HTTP server, and on SIGTERM or
SIGINT stops within SHUTDOWN_BUDGET seconds: polls in flight are cancelled,
a delivery pass in flight is allowed to finish, everything is closed.

The HTTP endpoints, all GET:

    /healthz  readiness, JSON, 200 or 503: database writable, scheduler running,
              a successful poll younger than `stale_after`, notifier working
              (also /readyz)
    /livez    liveness, JSON, always 200 while the process answers
    /metrics  Prometheus text format (monitor/metrics.py)
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from . import metrics
from .config import Config
from .errors import MonitorError, StoreError
from .fetch import Fetcher
from .notify import Notifier
from .pipeline import Pipeline
from .schedule import Courier, Crawler
from .store import Store, iso

log = logging.getLogger(__name__)

#: Seconds between the stop signal and the process's exit, at most.
SHUTDOWN_BUDGET = 10.0


@dataclass(frozen=True)
class HealthReport:
    ok: bool
    checks: dict

    def json(self) -> str:
        # "live" is always true here: a process that can answer is alive.
        return json.dumps(
            {"status": "ok" if self.ok else "unhealthy", "live": True, "ready": self.ok, "checks": self.checks},
            default=str,
        )


class Service:
    def __init__(self, config: Config, store: Store, notifier: Notifier, *, fetcher: Fetcher | None = None):
        self.config = config
        self.store = store
        self.notifier = notifier
        self.fetcher = fetcher or Fetcher(config.settings)
        self.pipeline = Pipeline(config, store, self.fetcher, notifier)
        self.courier = Courier(store, notifier)
        self.crawler = Crawler(self.pipeline, self.courier, config.enabled_sources())
        self.started_at = time.monotonic()
        self.server: asyncio.base_events.Server | None = None
        self.stopping = asyncio.Event()

    @property
    def stale_after(self) -> float:
        """Seconds without any successful poll after which the service is not ready."""
        intervals = [source.interval for source in self.config.enabled_sources()] or [self.config.settings.interval]
        return max(3 * min(intervals), 3600.0)

    def health(self) -> HealthReport:
        checks: dict = {}
        try:
            self.store.check_writable()
            checks["database"] = "ok"
        except StoreError as e:
            checks["database"] = str(e)
        checks["scheduler"] = "ok" if self.crawler.is_running else "stopped"
        last = self.store.last_success()
        checks["last_success"] = iso(last)
        uptime = time.monotonic() - self.started_at
        if last is not None:
            age = (datetime.now(timezone.utc) - last).total_seconds()
            checks["crawl"] = "ok" if age <= self.stale_after else f"no successful poll for {age:.0f}s"
        else:
            checks["crawl"] = "ok" if uptime <= self.stale_after else "no successful poll yet"
        checks["notifier"] = notifier_state(self.notifier)
        checks["notifier_kind"] = type(self.notifier).__name__
        checks["outbox_pending"] = self.store.counts()["outbox_pending"]
        checks["uptime_seconds"] = round(uptime, 1)
        ok = all(checks[key] == "ok" for key in ("database", "scheduler", "crawl", "notifier"))
        return HealthReport(ok, checks)

    def liveness(self) -> str:
        return json.dumps({"status": "ok", "live": True, "uptime_seconds": round(time.monotonic() - self.started_at, 1)})

    def metrics_text(self) -> bytes:
        """The /metrics page: the process's counters plus the gauges read from the store now."""
        current = metrics.current()
        current.observe_store(self.store)
        return current.exposition()

    def answer(self, path: str) -> tuple[int, str, bytes]:
        """Status, content type and body of a GET of `path` (the HTTP server's whole logic)."""
        path = path.split("?")[0]
        if path in ("/healthz", "/readyz"):
            report = self.health()
            return (200 if report.ok else 503), "application/json", report.json().encode()
        if path == "/livez":
            return 200, "application/json", self.liveness().encode()
        if path == "/metrics":
            return 200, metrics.CONTENT_TYPE, self.metrics_text()
        body = json.dumps({"error": "not found", "endpoints": ["/healthz", "/readyz", "/livez", "/metrics"]})
        return 404, "application/json", body.encode()

    async def _handle_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await asyncio.wait_for(reader.readline(), timeout=5)
            parts = request_line.decode("latin-1").split()
            # Drain the headers; the endpoint needs none of them.
            while (await asyncio.wait_for(reader.readline(), timeout=5)) not in (b"\r\n", b"\n", b""):
                pass
            path = parts[1] if len(parts) >= 2 else ""
            try:
                status, content_type, payload = self.answer(path)
            except Exception as e:  # a broken check must still answer, and say what broke
                log.exception("answering %s failed", path)
                status, content_type = 503, "application/json"
                payload = json.dumps({"status": "unhealthy", "live": True, "ready": False, "error": repr(e)}).encode()
            reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[status]
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode() + payload
            )
            await writer.drain()
        except (asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    async def start(self) -> None:
        await self.notifier.start()
        self.store.sync_sources(self.config.sources)
        settings = self.config.settings
        try:
            self.server = await asyncio.start_server(self._handle_http, settings.http_host, settings.http_port)
        except OSError as e:
            raise MonitorError(
                f"cannot serve /healthz on {settings.http_host}:{settings.http_port}: {e.strerror or e}"
                " (set http_port in feeds.toml or MONITOR_HTTP_PORT)"
            ) from e
        port = self.server.sockets[0].getsockname()[1]
        log.info("health endpoint on http://%s:%d/healthz", settings.http_host, port)
        self.pipeline.readers.start()  # the workers load their models while the first polls fetch
        self.crawler.start()

    @property
    def http_port(self) -> int | None:
        return self.server.sockets[0].getsockname()[1] if self.server else None

    async def stop(self) -> None:
        log.info("stopping")
        # 3 s for the polls + 3 s for a message in flight + 2 s for the
        # notifier: 8 s, inside the 10 s promised, with room for the rest.
        await self.crawler.stop(timeout=3.0)
        await asyncio.to_thread(self.pipeline.close)
        if self.server:
            self.server.close()
        await self.fetcher.aclose()
        try:
            await asyncio.wait_for(self.notifier.aclose(), timeout=2.0)
        except asyncio.TimeoutError:
            log.warning("notifier did not close in time")
        self.store.close()
        log.info("stopped")

    async def run_until_signal(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        try:
            await self.start()
            await self.stopping.wait()
        finally:
            await self.stop()


def notifier_state(notifier: Notifier) -> str:
    """"ok", or why the notifier cannot deliver, from its optional ``health()`` method.

    A notifier that can lose its channel (Telegram: a revoked token, an
    unreachable Bot API) says so there; one without the method is ok.
    """
    check = getattr(notifier, "health", None)
    if check is None:
        return "ok"
    try:
        return str(check())
    except Exception as e:
        return f"{type(e).__name__}: {e}"
