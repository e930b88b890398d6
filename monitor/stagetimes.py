"""StageTimes: where the pipeline's time goes, stage by stage (for benchmarks and profiling).

Owns a per-stage accumulator of seconds and calls. The pipeline wraps each
stage in ``with self.timed("extract"):``; with no accumulator attached that
is one shared do-nothing context manager, so production pays a method call
and nothing else.

The stages that run on the event loop's thread (extract, detect, dedup,
store) never overlap, so their seconds add up to the time spent in them;
discover runs in a worker thread, so its seconds are wall time that may
overlap the others'.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext

__all__ = ["NO_TIMING", "StageTimes"]

#: What Pipeline.timed returns when nobody is measuring.
NO_TIMING = nullcontext()


class StageTimes:
    """Seconds and calls per stage name, accumulated over a run."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def stage(self, name: str) -> _Span:
        return _Span(self, name)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.calls[name] = self.calls.get(name, 0) + 1


class _Span:
    __slots__ = ("times", "name", "started")

    def __init__(self, times: StageTimes, name: str) -> None:
        self.times = times
        self.name = name

    def __enter__(self) -> None:
        self.started = self.times.clock()

    def __exit__(self, *exc_info: object) -> None:
        # Time spent in a stage that failed is still time spent.
        self.times.add(self.name, self.times.clock() - self.started)
