"""The `monitor` command line: thin wrappers that parse, build, call, and report.

Each command calls into the library and maps MonitorError to one line on
stderr and exit status 1; nothing here decides anything the library could.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from . import config as config_module
from .config import Config, config_path, db_path, load_config, parse_config
from .errors import ConfigError, FetchError, MonitorError
from .notify import ConsoleNotifier
from .pipeline import Pipeline, PollResult
from .progress import StatusLine
from .store import Store
from .types import Settings

log = logging.getLogger("monitor")


# --- commands -------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    """Run the service: scheduler, crawler, notifier and /healthz, until SIGTERM/SIGINT.

    Example: monitor --config feeds.toml --db data/monitor.db run
    """
    from .service import Service

    config = _load(args)
    store = Store.open(_db(args))
    notifier = make_notifier(_db(args), store)
    service = Service(config, store, notifier)
    asyncio.run(service.run_until_signal())
    return 0


def cmd_crawl(args: argparse.Namespace) -> int:
    """Poll every enabled source once, print a summary; exit 0 if at least one source worked.

    Example: monitor crawl --once --source "Numerama"
    """
    if not args.once:
        raise ConfigError("crawl runs one pass only: write `monitor crawl --once` (or `monitor run` for the service)")
    config = _load(args)
    sources = config.enabled_sources()
    if args.source:
        sources = tuple(config.source(name) for name in args.source)
    if not sources:
        raise ConfigError(f"{config.path}: no enabled source to crawl")
    store = Store.open(_db(args))
    notifier = make_notifier(_db(args), store, polling=False)
    try:
        results = asyncio.run(crawl(config, store, notifier, sources))
    finally:
        store.close()
    print(format_summary(results))
    return 0 if any(result.ok for result in results) else 1


def cmd_extract(args: argparse.Namespace) -> int:
    """Show what the extractor keeps from one page (a URL or a file).

    Example: monitor extract https://example.org/article.html --json
    """
    from .extract import explain, extract

    target = args.target
    if target.startswith(("http://", "https://")):
        settings = _settings_or_default(args)
        fetched = asyncio.run(_fetch_one(settings, target))
        html, url = fetched.body, fetched.final_url
    else:
        path = Path(target)
        try:
            html = path.read_bytes()
        except OSError as e:
            raise MonitorError(f"cannot read {target}: {e.strerror}") from e
        url = None
    dropped = []
    if args.explain:
        article, dropped = explain(html, url)
    else:
        article = extract(html, url)
    if args.json:
        record = {
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "lang": article.lang,
            "canonical_url": article.canonical_url,
            "author": article.author,
            "description": article.description,
            "image": article.image,
            "reason": article.reason,
            "text": article.text,
        }
        if args.explain:
            record["dropped"] = [_dropped_json(item) for item in dropped]
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return 0
    print(f"title:     {article.title}")
    print(f"published: {article.published.isoformat() if article.published else '-'}")
    print(f"lang:      {article.lang or '-'}")
    print(f"canonical: {article.canonical_url or '-'}")
    if article.reason:
        print(f"note:      {article.reason}")
    print()
    print(article.text)
    if args.explain:
        print(f"\n--- {len(dropped)} dropped blocks: reason — where — text ---")
        for item in dropped:
            print(f"{item.reason} — {item.path} — {item.text or '(no text)'}")
    return 0


def cmd_feeds_check(args: argparse.Namespace) -> int:
    """Validate feeds.toml and probe each source: HTTP status, items found, three sample titles.

    Example: monitor --config feeds.toml feeds check
    """
    config = _load(args)
    print(f"{config.path}: valid, {len(config.sources)} sources ({len(config.enabled_sources())} enabled)")
    if args.no_probe:
        return 0
    sources = config.enabled_sources()
    results = asyncio.run(_probe_all(config.settings, sources))
    failed = 0
    for source, (status, links, error) in zip(sources, results):
        if error:
            failed += 1
            print(f"FAIL {source.name}: {source.url}\n     {error}")
            continue
        print(f"ok   {source.name}: HTTP {status}, {len(links)} items")
        for link in links[:3]:
            print(f"     - {link.title or link.url}")
    print(f"{len(sources) - failed} of {len(sources)} sources answered")
    return 1 if failed else 0


def cmd_feeds_import(args: argparse.Namespace) -> int:
    """Add the feeds of an OPML file (from any feed reader) to feeds.toml.

    Example: monitor feeds import subscriptions.opml
    """
    from .opml import append_sources, parse_opml

    path = config_path(args.config)
    try:
        opml_text = Path(args.file).read_bytes()
    except OSError as e:
        raise MonitorError(f"cannot read {args.file}: {e.strerror}") from e
    if path.exists():
        text = path.read_text(encoding="utf-8")
        existing = load_config(path)
    else:
        text, existing = "", parse_config("", str(path))
    new_sources = parse_opml(opml_text, args.file, defaults=existing.settings)
    new_text, added, skipped = append_sources(text, existing, new_sources)
    for source, reason in skipped:
        print(f"skipped {source.name} <{source.url}>: {reason}")
    if added:
        parse_config(new_text, str(path))  # never write a file we could not load back
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(new_text, encoding="utf-8")
        os.replace(temporary, path)
    print(f"added {len(added)} sources to {path}")
    return 0


def cmd_feeds_export(args: argparse.Namespace) -> int:
    """Write the sources of feeds.toml as OPML, for any feed reader.

    Example: monitor feeds export --out sources.opml
    """
    from .opml import export_opml

    config = _load(args)
    text = export_opml(config.sources)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the real pipeline against a bundled sample web on 127.0.0.1 and print the alerts.

    Example: monitor demo
    """
    from .sampleweb import SampleWeb

    root = Path(__file__).parent / "sample_web"
    with SampleWeb(root).start() as web, tempfile.TemporaryDirectory(prefix="monitor-demo-") as workdir:
        config_text = web.render((root / "feeds.toml").read_text(encoding="utf-8"))
        config = parse_config(config_text, "sample_web/feeds.toml")
        print(f"Sample web: {len(config.sources)} sources served on 127.0.0.1; temporary database in {workdir}\n")
        store = Store.open(Path(workdir) / "demo.db")
        notifier = ConsoleNotifier(Path(workdir) / "alerts.jsonl", stream=sys.stdout)
        try:
            results = asyncio.run(crawl(config, store, notifier, config.enabled_sources()))
            print()
            print(format_summary(results))
            again = asyncio.run(crawl(config, store, notifier, config.enabled_sources(), quiet=True))
            counts = store.counts()
        finally:
            store.close()
        print(
            f"\nSecond pass: {sum(r.new for r in again)} new articles, {len(notifier.sent)} alerts in all "
            f"(none sent twice). Stored: {counts['articles']} articles in {counts['stories']} stories."
        )
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """Run JSONL articles through dedup, detection and the store, offline; write JSONL results.

    Example: monitor replay articles.jsonl --out results.jsonl
    """
    from .replay import replay

    database = args.db or ":memory:"
    store = Store.open(database)
    pipeline = Pipeline(_settings_only_config(args), store, fetcher=None, notifier=None)
    errors = []

    def report(error: MonitorError) -> None:
        errors.append(error)
        print(f"{args.input}:{error}", file=sys.stderr)

    try:
        source = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8", errors="replace")
    except OSError as e:
        raise MonitorError(f"cannot read {args.input}: {e.strerror}") from e
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    total = None if args.input == "-" else _count_lines(args.input)
    status = StatusLine(total, "replay")
    written = 0
    try:
        with source:
            for record in replay(pipeline, source, on_error=report):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
                status.step(str(record["id"]))
    finally:
        status.close()
        if args.out:
            out.close()
        store.close()
    print(f"replay: {written} articles written, {len(errors)} bad lines skipped", file=sys.stderr)
    return 1 if errors else 0


# --- shared pieces ----------------------------------------------------------------


async def crawl(config: Config, store: Store, notifier, sources, quiet: bool = False) -> list[PollResult]:
    """One pass over sources, then deliver the alerts it made owed."""
    from .fetch import Fetcher
    from .notify import deliver_due

    store.sync_sources(config.sources)
    await notifier.start()
    status = StatusLine(len(sources), "crawl")

    def done(result: PollResult) -> None:
        if not quiet:
            status.step(f"{result.source}: {'ok' if result.ok else 'failed'}, {result.new} new")

    try:
        async with Fetcher(config.settings) as fetcher:
            pipeline = Pipeline(config, store, fetcher, notifier)
            try:
                results = await pipeline.crawl_once(sources, on_done=done)
            finally:
                pipeline.close()
    finally:
        status.close()
    await deliver_due(store, notifier)
    await notifier.aclose()
    return results


def format_summary(results: Sequence[PollResult]) -> str:
    """The per-source table printed after a crawl."""
    header = ("source", "fetched", "new", "dupes", "errors", "time", "status")
    rows = [
        (
            r.source,
            str(r.fetched),
            str(r.new),
            str(r.duplicates),
            str(r.errors),
            f"{r.seconds:.1f}s",
            "not modified" if r.not_modified else ("ok" if r.ok else f"FAILED: {r.error}"),
        )
        for r in results
    ]
    rows.append(
        (
            "total",
            *(str(sum(getattr(r, key) for r in results)) for key in ("fetched", "new", "duplicates", "errors")),
            f"{max((r.seconds for r in results), default=0):.1f}s",
            f"{sum(r.ok for r in results)}/{len(results)} ok",
        )
    )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in range(1, len(widths))]
        lines.append("  ".join(cells) + "  " + row[-1][:100])
    return "\n".join(lines)


def make_notifier(database: Path, store: Store | None = None, polling: bool = True):
    """The notifier for this environment: Telegram when a token is set, else the console.

    Telegram reads TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL (the Bot API server, default
    Telegram's) and TELEGRAM_ADMIN_IDS; polling False sends without answering commands.
    """
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if token and store is not None:
        from .bot import make_telegram, parse_admin_ids, parse_webhook
        from .telegram import install_token_filter

        install_token_filter(token)
        try:
            admin_ids = parse_admin_ids(os.environ.get("TELEGRAM_ADMIN_IDS"))
            webhook = parse_webhook(
                os.environ.get("TELEGRAM_WEBHOOK_URL", "").strip() or None,
                os.environ.get("TELEGRAM_WEBHOOK_LISTEN"),
                os.environ.get("TELEGRAM_WEBHOOK_SECRET"),
            )
        except ValueError as e:
            raise ConfigError(str(e)) from None
        if not re.fullmatch(r"\d{1,20}:[\w-]{10,100}", token):
            raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters)")
        api_url = os.environ.get("TELEGRAM_API_URL", "").strip() or None
        if api_url and not api_url.startswith(("http://", "https://")):
            raise ConfigError(f"TELEGRAM_API_URL: {api_url!r} is not an http(s) URL (e.g. http://127.0.0.1:8081)")
        return make_telegram(store, token, api_url, admin_ids, polling=polling, webhook=webhook)
    alerts_file = Path(database).parent / "alerts.jsonl" if str(database) != ":memory:" else None
    return ConsoleNotifier(alerts_file)


async def _fetch_one(settings: Settings, url: str):
    from .fetch import Fetcher

    async with Fetcher(settings) as fetcher:
        return await fetcher.fetch(url)


async def _probe_all(settings: Settings, sources):
    from .discover import discover_links
    from .fetch import Fetcher

    async with Fetcher(settings) as fetcher:

        async def probe(source):
            try:
                page = await fetcher.fetch(source.url)
                return page.status, discover_links(source, page), None
            except (FetchError, ValueError) as e:
                return None, [], str(e)

        return await asyncio.gather(*(probe(source) for source in sources))


def _count_lines(path: str) -> int:
    with open(path, "rb") as lines:
        return sum(1 for line in lines if line.strip())


def _dropped_json(item) -> dict:
    from dataclasses import asdict, is_dataclass

    return asdict(item) if is_dataclass(item) else {"dropped": str(item)}


def _load(args: argparse.Namespace) -> Config:
    path = config_path(args.config)
    if not path.exists():
        raise ConfigError(f"{path}: no such file (give --config PATH or set MONITOR_CONFIG)")
    return load_config(path)


def _settings_or_default(args: argparse.Namespace) -> Settings:
    path = config_path(args.config)
    return load_config(path).settings if path.exists() else Settings()


def _settings_only_config(args: argparse.Namespace) -> Config:
    path = config_path(args.config)
    return load_config(path) if path.exists() else parse_config("", "<defaults>")


def _db(args: argparse.Namespace) -> Path:
    return db_path(args.db)


# --- parser ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help="feeds.toml path (env MONITOR_CONFIG; default feeds.toml)")
    common.add_argument("--db", default=argparse.SUPPRESS, help="database path (env MONITOR_DB; default data/monitor.db)")
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help="more log output (-vv: debug)")

    parser = argparse.ArgumentParser(
        prog="monitor",
        parents=[common],
        description="Self-hosted news monitor: crawls news sites and alerts on new investment announcements.",
        epilog="Settings (feeds.toml [settings], environment overrides):\n" + config_module.format_settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name, handler, help_text, parents=(common,)):
        sub = commands.add_parser(name, parents=list(parents), help=help_text, description=handler.__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.set_defaults(handler=handler)
        return sub

    add("run", cmd_run, "run the service until SIGTERM/SIGINT")
    crawl_parser = add("crawl", cmd_crawl, "poll every enabled source once and print a summary")
    crawl_parser.add_argument("--once", action="store_true", help="one pass, then exit (required)")
    crawl_parser.add_argument("--source", action="append", metavar="NAME", help="only this source (repeatable)")

    extract_parser = add("extract", cmd_extract, "show what the extractor keeps from a page")
    extract_parser.add_argument("target", metavar="URL|FILE")
    extract_parser.add_argument("--json", action="store_true", help="print JSON")
    extract_parser.add_argument("--explain", action="store_true", help="also list the dropped blocks and why")

    feeds = commands.add_parser("feeds", help="check, import and export sources", parents=[common])
    feeds_commands = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    check = feeds_commands.add_parser("check", parents=[common], help="validate feeds.toml and probe each source",
                                      description=cmd_feeds_check.__doc__)
    check.add_argument("--no-probe", action="store_true", help="validate only, fetch nothing")
    check.set_defaults(handler=cmd_feeds_check)
    import_parser = feeds_commands.add_parser("import", parents=[common], help="add the feeds of an OPML file",
                                              description=cmd_feeds_import.__doc__)
    import_parser.add_argument("file", metavar="FILE.opml")
    import_parser.set_defaults(handler=cmd_feeds_import)
    export_parser = feeds_commands.add_parser("export", parents=[common], help="write the sources as OPML",
                                              description=cmd_feeds_export.__doc__)
    export_parser.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    export_parser.set_defaults(handler=cmd_feeds_export)

    add("demo", cmd_demo, "run the pipeline on a bundled sample web, offline")
    replay_parser = add("replay", cmd_replay, "run JSONL articles through the pipeline offline")
    replay_parser.add_argument("input", metavar="INPUT.jsonl", help="input file, or - for stdin")
    replay_parser.add_argument("--out", metavar="FILE", help="write results to FILE instead of stdout")
    return parser


def setup_logging(verbosity: int) -> None:
    """Level from MONITOR_LOG_LEVEL (else -v), format from MONITOR_LOG_FORMAT: see monitor/logs.py."""
    from .logs import setup_logging as setup

    setup(verbosity)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, default in (("config", None), ("db", None), ("verbose", 0)):
        if not hasattr(args, name):
            setattr(args, name, default)
    try:
        # The service logs what it does at INFO; one-shot commands stay quiet unless asked.
        setup_logging(args.verbose + (1 if args.command == "run" else 0))
        return args.handler(args)
    except MonitorError as e:
        print(f"monitor: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
