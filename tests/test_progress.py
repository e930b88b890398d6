"""Progress: a live line on a terminal, plain log lines elsewhere."""

import io
import logging

from monitor.progress import StatusLine


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_the_line_is_rewritten_in_place_and_cleared_at_the_end():
    terminal = FakeTerminal()
    status = StatusLine(2, "crawl", terminal)
    status.every = 0
    status.step("first source")
    status.step("second")
    status.close()
    written = terminal.getvalue()
    assert "\\rcrawl [1/2] first source" in written.replace("\r", "\\r")
    assert "crawl [2/2] second" in written and "\n" not in written
    assert written.endswith("\r")


def test_in_a_pipe_each_step_is_a_log_line_without_carriage_returns(caplog):
    pipe = io.StringIO()
    status = StatusLine(3, "replay", pipe)
    status.every = 0
    with caplog.at_level(logging.INFO, logger="monitor.progress"):
        for n in range(3):
            status.step(f"item {n}")
    status.close()
    assert pipe.getvalue() == ""
    assert [r.getMessage() for r in caplog.records] == ["replay [1/3] item 0", "replay [2/3] item 1", "replay [3/3] item 2"]


def test_steps_are_throttled_but_the_last_one_always_shows(caplog):
    status = StatusLine(1000, "replay", io.StringIO())
    status.every = 3600
    with caplog.at_level(logging.INFO, logger="monitor.progress"):
        for _ in range(1000):
            status.step()
    assert [r.getMessage() for r in caplog.records] == ["replay [1/1000]", "replay [1000/1000]"]
