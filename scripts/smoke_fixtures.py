"""What scripts/docker-smoke.sh runs the container against, on the host's 127.0.0.1.

    python scripts/smoke_fixtures.py WORKDIR

Serves the bundled sample web (monitor/sample_web: three sites, one of them
announcing an investment), writes WORKDIR/feeds.toml pointing at it (private
addresses allowed: the sites are on loopback), picks a free port for the
container's HTTP endpoints, and writes the shell variables the script needs to
WORKDIR/fixtures.env last, so the file's presence means "ready". Alerts are
checked in the console notifier's /data/alerts.jsonl (CHANNEL=console).
Runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import signal
import socket
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.sampleweb import SampleWeb  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(workdir: str) -> int:
    work = Path(workdir)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    sample = ROOT / "monitor" / "sample_web"
    with SampleWeb(sample) as web:
        config = web.render((sample / "feeds.toml").read_text(encoding="utf-8"))
        (work / "feeds.toml").write_text(config, encoding="utf-8")
        (work / "feeds.toml").chmod(0o644)
        env = {"HTTP_PORT": free_port(), "CHANNEL": "console", "SOURCES": config.count("[[sources]]")}
        temporary = work / "fixtures.env.tmp"
        temporary.write_text("".join(f"{key}={value}\n" for key, value in env.items()), encoding="utf-8")
        temporary.replace(work / "fixtures.env")
        print(f"sample web: {', '.join(web.base(site) for site in web.sites)}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
