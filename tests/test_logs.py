"""Logs: level from MONITOR_LOG_LEVEL, plain or JSON lines from MONITOR_LOG_FORMAT (issue 7)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from monitor.cli import main
from monitor.errors import ConfigError
from monitor.logs import log_format, log_level, setup_logging


@pytest.fixture
def root_logger():
    """The root logger, restored after the test: setup_logging changes it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


def test_the_level_comes_from_the_environment_before_the_verbosity():
    assert log_level(0, {}) == logging.WARNING
    assert log_level(1, {}) == logging.INFO
    assert log_level(2, {}) == logging.DEBUG
    assert log_level(0, {"MONITOR_LOG_LEVEL": "debug"}) == logging.DEBUG
    assert log_level(2, {"MONITOR_LOG_LEVEL": "ERROR"}) == logging.ERROR
    assert log_level(1, {"MONITOR_LOG_LEVEL": ""}) == logging.INFO  # `VAR=` in an env file: unset


def test_an_unknown_level_or_format_is_a_config_error_naming_the_variable():
    with pytest.raises(ConfigError, match="MONITOR_LOG_LEVEL: unknown level 'LOUD'"):
        log_level(0, {"MONITOR_LOG_LEVEL": "LOUD"})
    with pytest.raises(ConfigError, match="MONITOR_LOG_FORMAT: unknown format 'xml'"):
        log_format({"MONITOR_LOG_FORMAT": "xml"})
    assert log_format({}) == "plain" and log_format({"MONITOR_LOG_FORMAT": "JSON"}) == "json"


def test_json_format_writes_one_object_per_line_with_time_level_logger_and_message(root_logger):
    out = io.StringIO()
    setup_logging(1, {"MONITOR_LOG_FORMAT": "json"}, stream=out)
    logging.getLogger("monitor.schedule").info("polled %s: new %d", "Wire", 2)
    try:
        raise ValueError("bad page")
    except ValueError:
        logging.getLogger("monitor.pipeline").exception("processing failed")
    logging.getLogger("monitor.pipeline").debug("not shown at INFO")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert (first["level"], first["logger"], first["message"]) == ("INFO", "monitor.schedule", "polled Wire: new 2")
    assert first["time"].endswith("Z")
    assert second["level"] == "ERROR" and "ValueError: bad page" in second["exception"]


def test_plain_format_writes_readable_lines(root_logger):
    out = io.StringIO()
    setup_logging(0, {"MONITOR_LOG_LEVEL": "INFO"}, stream=out)
    logging.getLogger("monitor.service").info("health endpoint on http://127.0.0.1:1/healthz")
    assert out.getvalue().rstrip().endswith("INFO monitor.service: health endpoint on http://127.0.0.1:1/healthz")


def test_setting_up_twice_replaces_the_handler_instead_of_doubling_lines(root_logger):
    out = io.StringIO()
    setup_logging(1, {}, stream=out)
    setup_logging(1, {}, stream=out)
    logging.getLogger("monitor").info("once")
    assert out.getvalue().count("once") == 1


def test_chatty_libraries_stay_quiet_at_info(root_logger):
    setup_logging(1, {}, stream=io.StringIO())
    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("apscheduler").level == logging.WARNING


def test_the_command_line_logs_json_when_asked(tmp_path, web):
    web.route("/feed.xml", "gone", status=410)
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[settings]\nallow_private_addresses = true\nretries = 0\n[[sources]]\nname = "Gone"\nurl = "{web.url("/feed.xml")}"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "MONITOR_LOG_FORMAT": "json", "MONITOR_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "--db", str(tmp_path / "m.db"), "crawl", "--once"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    records = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert any(r["level"] == "WARNING" and "Gone" in r["message"] for r in records), done.stderr


def test_a_bad_log_format_stops_the_command_with_one_line(monkeypatch, capsys):
    monkeypatch.setenv("MONITOR_LOG_FORMAT", "yaml")
    assert main(["feeds", "export", "--config", "/nonexistent"]) == 1
    assert capsys.readouterr().err == "monitor: error: MONITOR_LOG_FORMAT: unknown format 'yaml' (use plain or json)\n"
