"""Shared fixtures: a fresh database file, and the scriptable loopback web server."""

from __future__ import annotations

import pytest

from monitor.store import Store


@pytest.fixture(autouse=True)
def restore_monitor_logger():
    """Commands run in-process (benchmarks, CLI) may set the "monitor" logger's level: undo it."""
    import logging

    logger = logging.getLogger("monitor")
    level, disabled = logger.level, logger.disabled
    yield
    logger.setLevel(level)
    logger.disabled = disabled


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "monitor.db"


@pytest.fixture
def store(db_path):
    opened = Store.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def web():
    from webserver import TestWeb

    with TestWeb() as server:
        yield server


@pytest.fixture
def api():
    """A fake Telegram Bot API server on 127.0.0.1 (tests/fakebotapi.py)."""
    from fakebotapi import FakeBotAPI

    with FakeBotAPI() as server:
        yield server
