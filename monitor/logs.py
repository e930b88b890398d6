"""Logs: how the monitor's log lines look and which ones are written.

Owns the logging setup of every command: the level (MONITOR_LOG_LEVEL, else
the command's verbosity), the format (MONITOR_LOG_FORMAT: ``plain`` lines for
a person, ``json`` objects one per line for a log collector such as Docker's
json-file driver, Loki or journald), and quieting the chatty libraries.

Plain:  2026-11-23 17:40:02,113 INFO monitor.schedule: polled Wire: fetched 3, new 2 ...
JSON:   {"time": "2026-11-23T17:40:02.113Z", "level": "INFO", "logger": "monitor.schedule",
         "message": "polled Wire: fetched 3, new 2 ...", "exception": "Traceback ..." (when one)}
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime, timezone
from typing import Mapping, TextIO

from .errors import ConfigError

__all__ = ["FORMATS", "JsonFormatter", "log_level", "setup_logging"]

FORMATS = ("plain", "json")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: Libraries that log every request or job run at INFO: too much for our INFO.
_CHATTY = ("httpx", "httpcore", "apscheduler")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line, with a UTC timestamp."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_level(verbosity: int, environ: Mapping[str, str] = os.environ) -> int:
    """MONITOR_LOG_LEVEL when set, else WARNING, INFO (-v) or DEBUG (-vv)."""
    name = environ.get("MONITOR_LOG_LEVEL", "").strip()
    if name:
        if name.upper() not in _LEVELS:
            raise ConfigError(f"MONITOR_LOG_LEVEL: unknown level {name!r} (use DEBUG, INFO, WARNING or ERROR)")
        return getattr(logging, name.upper())
    return {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)


def log_format(environ: Mapping[str, str] = os.environ) -> str:
    """MONITOR_LOG_FORMAT: plain (the default) or json."""
    name = environ.get("MONITOR_LOG_FORMAT", "").strip().lower() or "plain"
    if name not in FORMATS:
        raise ConfigError(f"MONITOR_LOG_FORMAT: unknown format {name!r} (use plain or json)")
    return name


def setup_logging(verbosity: int = 0, environ: Mapping[str, str] = os.environ, stream: TextIO | None = None) -> None:
    """Configure the root logger from the environment; calling it again replaces the setup.

    Like logging.basicConfig, it leaves alone a root logger that someone else
    configured (an application embedding the monitor, pytest's capture),
    unless `stream` is given. The settings are checked either way.
    """
    level = log_level(verbosity, environ)
    formatter = JsonFormatter() if log_format(environ) == "json" else logging.Formatter(PLAIN_FORMAT)
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_monitor_handler", False):
            root.removeHandler(old)
    if root.handlers and stream is None:
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    handler._monitor_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
