"""Progress: a live status line for a person at a terminal, plain log lines otherwise."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

log = logging.getLogger("monitor.progress")


class StatusLine:
    """Counts steps of a long job and shows them.

    On a terminal it rewrites one line in place ("[3/12] ..."); when the
    output is a file or a pipe (cron, Docker logs) it logs each step instead,
    since carriage returns would only clutter a log.
    """

    def __init__(self, total: int, label: str, stream: TextIO | None = None):
        self.total = total
        self.label = label
        self.done = 0
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._width = 0

    def step(self, message: str) -> None:
        self.done += 1
        line = f"{self.label} [{self.done}/{self.total}] {message}"
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
