"""Progress: a live status line for a person at a terminal, plain log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

log = logging.getLogger("monitor.progress")


class StatusLine:
    """Counts steps of a long job and shows them.

    On a terminal it rewrites one line in place ("[3/12] ..."); when the
    output is a file or a pipe (cron, Docker logs) it logs each step instead,
    since carriage returns would only clutter a log.
    """

    #: Seconds between two redraws or log lines: a 100,000-line job must not print 100,000 times.
    every = 0.2

    def __init__(self, total: int | None, label: str, stream: TextIO | None = None):
        self.total = total
        self.label = label
        self.done = 0
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._width = 0
        self._shown_at = float("-inf")

    def step(self, message: str = "") -> None:
        self.done += 1
        now = time.monotonic()
        if self.done != self.total and now - self._shown_at < self.every:
            return
        self._shown_at = now
        counter = f"{self.done}/{self.total}" if self.total is not None else str(self.done)
        line = f"{self.label} [{counter}] {message}".rstrip()
        if self.live:
            padded = line[:120].ljust(self._width)
            self._width = len(line[:120])
            self.stream.write("\r" + padded)
            self.stream.flush()
        else:
            log.info("%s", line)

    def close(self) -> None:
        if self.live and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
