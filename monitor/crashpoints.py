"""Crash points: named places where the crash test may kill the process (tests only).

The crash test (tests/test_crash.py) kills `monitor run` with SIGKILL at many
points of a crawl, of detection and of delivery, restarts it and checks that
nothing owed was lost or sent twice. To hit those points exactly, the code
calls :func:`checkpoint` there. It is INERT unless an environment variable
below is set: one dictionary lookup on the first call, then one boolean test.

MONITOR_TEST_CRASH_AFTER=N
    At the Nth checkpoint passed, the process sends itself SIGKILL: no
    cleanup, no finally, no flush, as when the machine's OOM killer strikes.
MONITOR_TEST_CHECKPOINT_LOG=PATH
    Appends the name of every checkpoint passed to PATH, one a line, so a test
    can count them in an uninterrupted run and choose where to crash.

Never set them in production: they exist for the tests alone.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "MONITOR_TEST_CRASH_AFTER"
LOG_ENV = "MONITOR_TEST_CHECKPOINT_LOG"

_armed: bool | None = None
_crash_after = 0
_log_path: str | None = None
_passed = 0


def checkpoint(name: str) -> None:
    """Mark a place where a crash must be survivable; does nothing outside the crash test."""
    global _armed, _crash_after, _log_path, _passed
    if _armed is None:
        # Read on first use, not at import: nothing is read at import.
        _crash_after = int(os.environ.get(CRASH_ENV) or 0)
        _log_path = os.environ.get(LOG_ENV) or None
        _armed = bool(_crash_after or _log_path)
    if not _armed:
        return
    _passed += 1
    if _log_path:
        with open(_log_path, "a", encoding="utf-8") as log:
            log.write(f"{_passed} {name}\n")
    if _passed == _crash_after:
        os.kill(os.getpid(), signal.SIGKILL)
