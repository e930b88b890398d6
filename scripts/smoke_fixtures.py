"""What scripts/docker-smoke.sh runs the container against, on the host's 127.0.0.1.

    python scripts/smoke_fixtures.py WORKDIR

Serves the bundled sample web (monitor/sample_web: three sites, one of them
announcing an investment), writes WORKDIR/feeds.toml pointing at it (private
addresses allowed: the sites are on loopback), picks a free port for the
container's HTTP endpoints, and writes the shell variables the script needs to
WORKDIR/fixtures.env last, so the file's presence means "ready".

With the tests' fake Bot API (tests/fakebotapi.py) and the Telegram notifier
at hand (CHANNEL=telegram, unless SMOKE_CHANNEL=console), it also serves the
fake Bot API, has chat SUBSCRIBER send /subscribe before the container
starts, and keeps WORKDIR/sent.count up to date: the alerts that chat
received. Otherwise (CHANNEL=console) alerts are checked in the console
notifier's /data/alerts.jsonl inside the volume. Runs until SIGTERM or SIGINT.
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

#: The chat that subscribes to alerts through the fake Bot API.
SUBSCRIBER = 4242


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def telegram_at_hand() -> bool:
    import os

    if os.environ.get("SMOKE_CHANNEL", "auto") == "console":
        return False
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import fakebotapi  # noqa: F401
        import monitor.bot  # noqa: F401
        import monitor.telegram  # noqa: F401
    except ImportError as e:
        print(f"no Telegram channel for the smoke test ({e}): alerts checked in alerts.jsonl", flush=True)
        return False
    return True


def count_alerts(api, path: Path, stop: threading.Event) -> None:
    """Keep `path` holding how many alerts the subscriber received (written atomically)."""
    from monitor.telegram import LABELS

    headings = tuple(labels["new"] for labels in LABELS.values())
    while not stop.wait(0.2):
        count = sum(1 for call in api.messages(SUBSCRIBER) if call.ok and any(h in call.text for h in headings))
        temporary = path.with_suffix(".tmp")
        temporary.write_text(f"{count}\n", encoding="utf-8")
        temporary.replace(path)


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
        api = None
        if telegram_at_hand():
            from fakebotapi import FakeBotAPI

            api = FakeBotAPI().start()
            api.command(SUBSCRIBER, "/subscribe")
            (work / "sent.count").write_text("0\n", encoding="utf-8")
            threading.Thread(target=count_alerts, args=(api, work / "sent.count", stop), daemon=True).start()
            env.update(CHANNEL="telegram", BOT_TOKEN=api.token, BOT_URL=api.url, SUBSCRIBER=SUBSCRIBER)
        temporary = work / "fixtures.env.tmp"
        temporary.write_text("".join(f"{key}={value}\n" for key, value in env.items()), encoding="utf-8")
        temporary.replace(work / "fixtures.env")
        print(f"sample web: {', '.join(web.base(site) for site in web.sites)}", flush=True)
        if api is not None:
            print(f"fake Bot API: {api.url}", flush=True)
        stop.wait()
        if api is not None:
            api.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
