"""`monitor run` as a real subprocess: /healthz, an alert delivered, a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sites import INVESTMENT_EN, PRODUCT_EN, serve_site


def start_service(tmp_path, web, **extra_env: str) -> tuple[subprocess.Popen, Path]:
    config = tmp_path / "feeds.toml"
    config.write_text(
        '[settings]\nallow_private_addresses = true\nhost_delay = "0s"\nhttp_port = 0\n'
        f'[[sources]]\nname = "Wire"\nurl = "{web.url("/feed.xml")}"\nbackfill = 5\ninterval = "1h"\n',
        encoding="utf-8",
    )
    db = tmp_path / "data" / "monitor.db"
    env = {**os.environ, "MONITOR_CONFIG": str(config), "MONITOR_DB": str(db), "MONITOR_LOG_LEVEL": "INFO", **extra_env}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=tmp_path,
    )
    return process, db


def read_port(process) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        match = re.search(r"health endpoint on http://127\.0\.0\.1:(\d+)/healthz", line)
        if match:
            return int(match.group(1))
    raise AssertionError("the service never announced its health endpoint")


def wait_for_file_lines(path: Path, count: int, seconds: float = 20) -> list[dict]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            if len(lines) >= count:
                return lines
        time.sleep(0.1)
    raise AssertionError(f"{path} never had {count} lines")


def test_run_serves_health_delivers_once_and_stops_cleanly_on_sigterm(tmp_path, web):
    serve_site(web, [INVESTMENT_EN, PRODUCT_EN])
    process, db = start_service(tmp_path, web)
    try:
        port = read_port(process)
        alerts = wait_for_file_lines(db.parent / "alerts.jsonl", 1)
        assert alerts[0]["title"] == INVESTMENT_EN.title
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            health = json.loads(response.read())
            assert response.status == 200
        assert health["status"] == "ok" and health["checks"]["database"] == "ok"
        assert health["checks"]["scheduler"] == "ok"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0  # stops within 10 s, cleanly
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()

    # A restart on the same database sends nothing again.
    process, db = start_service(tmp_path, web)
    try:
        read_port(process)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and web.hits("/feed.xml") < 2:
            time.sleep(0.1)
        assert web.hits("/feed.xml") >= 2
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
    assert len(wait_for_file_lines(db.parent / "alerts.jsonl", 1)) == 1


def children_of(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in path.read_text().split()} if path.exists() else set()


def test_run_with_a_reader_process_delivers_and_leaves_no_process_behind(tmp_path, web):
    serve_site(web, [INVESTMENT_EN, PRODUCT_EN])
    process, db = start_service(tmp_path, web, MONITOR_WORKERS="1")
    try:
        read_port(process)
        alerts = wait_for_file_lines(db.parent / "alerts.jsonl", 1)
        assert [alert["title"] for alert in alerts] == [INVESTMENT_EN.title]
        readers = children_of(process.pid)
        assert readers, "MONITOR_WORKERS=1 started a reader process"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in readers):
        time.sleep(0.1)
    assert not [pid for pid in readers if Path(f"/proc/{pid}").exists()], "a reader outlived the service"


def test_a_health_port_already_taken_is_one_clear_error_line(tmp_path):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    config = tmp_path / "feeds.toml"
    config.write_text(f'[settings]\nhttp_port = {port}\n[[sources]]\nname = "A"\nurl = "https://a.example/feed"\n')
    env = {**os.environ, "MONITOR_CONFIG": str(config), "MONITOR_DB": str(tmp_path / "m.db")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    try:
        done = subprocess.run([sys.executable, "-m", "monitor", "run"], env=env, capture_output=True, text=True,
                              timeout=30, cwd=tmp_path)
    finally:
        taken.close()
    assert done.returncode == 1
    assert f"monitor: error: cannot serve /healthz on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
