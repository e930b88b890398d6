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


#: The Telegram user id the `bot` fixture treats as an admin.
ADMIN = 900


@pytest.fixture
async def bot(store, api):
    """The real Telegram notifier and bot against the fake Bot API, on a fake clock."""
    from fakebotapi import FakeClock
    from monitor.bot import make_telegram
    from monitor.telegram import Pacer

    clock = FakeClock()
    notifier = make_telegram(
        store, api.token, api.url, admin_ids=(ADMIN,), poll_timeout=2,
        pacer=Pacer(clock=clock, sleep=clock.sleep), sleep=clock.sleep,
    )
    await notifier.start()
    yield notifier
    await notifier.aclose()
