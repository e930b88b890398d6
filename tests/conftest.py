"""Shared fixtures: a fresh database file, and the scriptable loopback web server."""

from __future__ import annotations

import pytest

from monitor.store import Store


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
