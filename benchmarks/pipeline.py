"""Pipeline benchmark: the monitor end to end against a synthetic web, beside the limit and the alternative.

    .venv/bin/python benchmarks/pipeline.py                      # 50 sites x 40 articles, all parts
    .venv/bin/python benchmarks/pipeline.py --sites 50 --per-site 400 --skip history   # 20,000 articles
    .venv/bin/python benchmarks/pipeline.py --only history       # per-article cost with 1k and 100k stored
    .venv/bin/python benchmarks/pipeline.py --profile prof.txt   # pyinstrument over the pipeline part

The web (benchmarks/synthweb.py) is served by another process on 127.0.0.1,
one port per site (a port is a host to the monitor's politeness rules): RSS,
Atom and listing pages, article pages of about 44 KB with the boilerplate of
real news sites, in English and French, a quarter announcing investments, one
in twenty a copy of another site's article. Settings: allow_private_addresses
(loopback), host_delay 0, respect_robots (each site serves a robots.txt),
per_host_concurrency 2, max_articles_per_poll and backfill = articles per site.

Parts, in one run, over the same pages:

* pipeline: ``Pipeline.crawl_once`` over every site with a fresh database
  file: fetch, discover, extract, detect, dedup, store (and the alerts owed),
  exactly as ``monitor crawl --once``, with ``--workers`` reader processes
  (the ``workers`` setting; default: one per spare CPU, at most 4; 0 reads
  pages on the event loop). Articles per second end to end, the seconds of
  each stage (``Pipeline.timings``; extract, detect and fingerprint are the
  workers' CPU seconds), CPU here and in the workers, peak RSS of this
  process plus the workers' peaks.
* limit: the same feeds and article pages fetched by the Fetcher's own
  httpx client (same pool, headers, timeouts, streaming) at the same
  concurrency (PARALLEL_SOURCES sites at a time, per_host_concurrency
  requests per site), each body parsed by selectolax's Lexbor parser, nothing
  more. The headline is pipeline / limit.
* trafilatura: what a user would script instead: ``trafilatura.fetch_url``
  then ``trafilatura.extract(with_metadata=True)`` (title and date, which the
  monitor keeps too) for every article URL, in a pool of
  PARALLEL_SOURCES x per_host_concurrency threads, the same number of
  requests in flight. It is given the article URLs (no feed reading), does
  no dedup, detection or storage: every advantage is its own.
* history: the per-article cost of the pipeline over a small web when the
  database already holds 1,000 and then 100,000 articles (generated texts of
  the same kind, written through the store's own save_article with their
  dedup fingerprints, 300 a day and ending two days before the web's
  articles, so the 3-day story window holds the same ~300 either way and
  only the size of the database differs). "Cost" is this process's CPU time
  per article, and wall time too: on a machine shared with other jobs the
  wall time says more about the neighbours than about the database.

Trafilatura is thread-based and does less work; the pipeline is one asyncio
thread, with discover, extract, detect and fingerprint in the reader processes. Both are compared at the same number
of requests in flight. Pages are served without compression.

Targets (issue 9): pipeline >= 0.6 of the limit; >= 5x trafilatura;
per-article cost at 100k stored within 1.5x of 1k; peak RSS < 300 MB for
20,000 articles. Each figure is printed with its target.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from monitor import dedup  # noqa: E402
from monitor.config import Config  # noqa: E402
from monitor.discover import url_identity_key  # noqa: E402
from monitor.fetch import DEFAULT_ACCEPT, Fetcher  # noqa: E402
from monitor.notify import ConsoleNotifier  # noqa: E402
from monitor.pipeline import PARALLEL_SOURCES, Pipeline  # noqa: E402
from monitor.stagetimes import StageTimes  # noqa: E402
from monitor.workers import peak_rss_bytes as readers_peak_rss  # noqa: E402
from monitor.store import Store, iso  # noqa: E402
from monitor.types import Article, Settings  # noqa: E402
from synthweb import EPOCH, Plan, SynthWebServer, generated_text, measure_capacity  # noqa: E402

#: The stages Pipeline.timings records, in pipeline order.
STAGES = ("discover", "extract", "detect", "fingerprint", "dedup", "store")
#: Stages that read pages: in the reader processes when there are workers, else on the loop.
READING = ("extract", "detect", "fingerprint")
PARTS = ("pipeline", "limit", "trafilatura", "history")


def bench_settings(per_site: int, workers: int = 0) -> Settings:
    return Settings(
        workers=workers,
        allow_private_addresses=True,
        host_delay=0.0,
        respect_robots=True,
        per_host_concurrency=2,
        max_articles_per_poll=per_site,
    )


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def on_loop(workers: int) -> tuple[str, ...]:
    """The stages that run on the event loop's thread: their seconds never overlap and add up."""
    return ("dedup", "store") if workers else (*READING, "dedup", "store")


def default_workers() -> int:
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def child_cpu(pid: int | None) -> float:
    """CPU seconds used so far by a process (Linux /proc), 0.0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, TypeError):
        return 0.0


@dataclass
class Run:
    """One part's figures."""

    name: str
    articles: int = 0
    pages: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    server_cpu: float = 0.0
    errors: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


class _Clock:
    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid
        #: CPU seconds and peak RSS (MB) of the reader processes, when there are some.
        self.workers = 0.0
        self.workers_rss = 0.0

    def __enter__(self) -> _Clock:
        self.wall, self.cpu, self.server = time.perf_counter(), time.process_time(), child_cpu(self.server_pid)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.server = child_cpu(self.server_pid) - self.server


# --- the parts ------------------------------------------------------------------------------


async def crawl(web: SynthWebServer, store: Store, settings: Settings, clock: _Clock) -> tuple[Pipeline, list]:
    sources = web.sources()
    config = Config(settings, sources)
    store.sync_sources(sources)
    notifier = ConsoleNotifier(None, stream=io.StringIO())
    async with Fetcher(settings) as fetcher:
        pipeline = Pipeline(config, store, fetcher, notifier)
        pipeline.timings = StageTimes()
        pipeline.readers.start()
        # Like `monitor run`, which starts its readers before the first poll: their start-up is not timed.
        await asyncio.get_running_loop().run_in_executor(None, pipeline.readers.wait_until_ready)
        workers_cpu = sum(child_cpu(pid) for pid in pipeline.readers.pids())
        with clock:
            results = await pipeline.crawl_once(sources)
            clock.workers = sum(child_cpu(pid) for pid in pipeline.readers.pids()) - workers_cpu
        clock.workers_rss = sum(readers_peak_rss(pid) or 0 for pid in pipeline.readers.pids()) / 2**20
        pipeline.close()
    return pipeline, results


def run_pipeline(web: SynthWebServer, workdir: Path, profile: str | None, workers: int) -> Run:
    settings = bench_settings(web.plan.per_site, workers)
    store = Store.open(workdir / "pipeline.db")
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(async_mode="enabled", interval=0.0005)
        profiler.start()
    clock = _Clock(web.pid)
    pipeline, results = asyncio.run(crawl(web, store, settings, clock))
    if profiler is not None:
        profiler.stop()
        Path(profile).write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    run = Run("pipeline", seconds=clock.wall, cpu=clock.cpu + clock.workers, server_cpu=clock.server)
    run.articles = sum(r.new + r.duplicates for r in results)
    run.pages = sum(r.fetched for r in results)
    run.errors = sum(r.errors for r in results)
    run.stages = dict(pipeline.timings.seconds)
    counts = store.counts()
    run.extra = {
        "new": sum(r.new for r in results),
        "duplicates": sum(r.duplicates for r in results),
        "stories": counts["stories"],
        "announcements": counts["announcements"],
        "alerts_owed": counts["outbox"],
        "failed_sources": [r.source for r in results if not r.ok],
        "page_errors": [e for r in results for e in r.page_errors][:3],
        "peak_rss_mb": peak_rss_mb() + clock.workers_rss,
        "main_rss_mb": peak_rss_mb(),
        "workers": workers,
        "workers_cpu": clock.workers,
    }
    store.close()
    return run


def run_limit(web: SynthWebServer) -> Run:
    """The same pages, the Fetcher's own httpx client, the same concurrency; selectolax parses; nothing more."""
    settings = bench_settings(web.plan.per_site)
    article_urls = web.article_urls()

    async def main() -> tuple[int, int]:
        fetcher = Fetcher(settings)
        # The very client the pipeline uses: same pool size, headers, timeouts.
        client = fetcher._client
        gate = asyncio.Semaphore(PARALLEL_SOURCES)
        pages = articles = 0

        async def get(url: str, slots: asyncio.Semaphore) -> None:
            nonlocal pages
            async with slots:
                async with client.stream("GET", url, headers={"Accept": DEFAULT_ACCEPT}) as response:
                    body = await response.aread()
            LexborHTMLParser(body)
            pages += 1

        async def site(index: int) -> None:
            nonlocal articles
            async with gate:
                slots = asyncio.Semaphore(settings.per_host_concurrency)
                await get(web.feed_url(index), slots)
                await asyncio.gather(*(get(url, slots) for url in article_urls[index]))
                articles += len(article_urls[index])

        await asyncio.gather(*(site(i) for i in range(web.plan.sites)))
        await fetcher.aclose()
        return pages, articles

    with _Clock(web.pid) as clock:
        pages, articles = asyncio.run(main())
    return Run("limit", articles=articles, pages=pages, seconds=clock.wall, cpu=clock.cpu, server_cpu=clock.server)


def run_trafilatura(web: SynthWebServer, limit_articles: int | None) -> Run:
    import trafilatura
    from trafilatura.settings import use_config

    # Round robin over the sites: the threads then work on different hosts at
    # once, as the pipeline does, and urllib3 keeps one connection per host.
    per_site = web.article_urls()
    urls = [site[n] for n in range(web.plan.per_site) for site in per_site if n < len(site)]
    if limit_articles and limit_articles < len(urls):
        urls = urls[:limit_articles]
    workers = PARALLEL_SOURCES * bench_settings(web.plan.per_site).per_host_concurrency
    config = use_config()
    # trafilatura refuses loopback addresses by default, as the monitor does
    # without allow_private_addresses.
    config.set("DEFAULT", "SSRF_PROTECTION", "off")

    def one(url: str) -> bool:
        page = trafilatura.fetch_url(url, config=config)
        if page is None:
            return False
        return trafilatura.extract(page, url=url, with_metadata=True, config=config) is not None

    # Warm its imports and caches outside the clock, as the pipeline's are.
    one(urls[0])
    with _Clock(web.pid) as clock:
        with ThreadPoolExecutor(workers) as pool:
            done = list(pool.map(one, urls))
    return Run("trafilatura", articles=sum(done), pages=len(urls), seconds=clock.wall, cpu=clock.cpu,
               server_cpu=clock.server, errors=done.count(False), extra={"workers": workers})


# --- history ------------------------------------------------------------------------------------


def fill(store: Store, count: int, sites: list[str], seed: int = 7, pool_size: int = 1000) -> float:
    """Store `count` generated articles (300 a day, ending where the served web begins); returns seconds.

    Through Store.save_article, as the pipeline writes, with a 'done' link per
    article on the served sites' sources, so every table and index a new
    article touches is as big as in a monitor with this history. Computing
    100,000 real fingerprints would take longer than the rest of the benchmark,
    so `pool_size` generated articles are fingerprinted for real and reused
    in turn: the story keys (names, places, amounts) then recur as they do in
    real news; each row gets its own random LSH band keys and content hash, as
    distinct texts have.
    """
    began = time.perf_counter()
    rng = random.Random(seed)
    per_day = 300
    pool = []
    for n in range(min(pool_size, count)):
        lang = "fr" if n % 3 == 1 else "en"
        title, paragraphs = generated_text(random.Random(f"fill:{seed}:{n}"), lang, rng.random() < 0.25)
        article = Article(title=title, text="\n\n".join(paragraphs), lang=lang)
        pool.append((article, dedup.fingerprint(article)))
    with store.db.atomic():
        for n in range(count):
            article, fingerprint = pool[n % len(pool)]
            published = EPOCH - timedelta(days=2) - timedelta(days=(count - n) / per_day)
            article = replace(article, published=published)
            fingerprint = replace(
                fingerprint,
                content_hash=f"{rng.getrandbits(128):032x}",
                band_keys=tuple(rng.getrandbits(64) - 2**63 for _ in fingerprint.band_keys),
            )
            source = sites[n % len(sites)]
            url = f"http://history.invalid/{n}.html"
            store.save_article(
                article, url=url, source=source, content_hash=fingerprint.content_hash, story_id=None,
                duplicate_of=None, announcements=[], fingerprint=fingerprint, url_key=url_identity_key(url),
            )
            store.db.execute(
                """INSERT INTO links (source, url, guid, title, published, first_seen, state, attempts)
                VALUES (?, ?, ?, ?, ?, ?, 'done', 1)""",
                (source, url, f"history-{n}", article.title, iso(published), iso(published)),
            )
        store.db.execute("UPDATE sources SET baseline_done = 1")
    # One big transaction left a big WAL: fold it in now, not in the timed part.
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - began


def run_history(plan: Plan, sizes: tuple[int, ...], workdir: Path, workers: int) -> list[Run]:
    runs = []
    with SynthWebServer(plan) as web:
        settings = bench_settings(plan.per_site, workers)
        for size in sizes:
            store = Store.open(workdir / f"history-{size}.db")
            store.sync_sources(web.sources())
            filled = fill(store, size, [s.name for s in web.sources()])
            clock = _Clock(web.pid)
            pipeline, results = asyncio.run(crawl(web, store, settings, clock))
            run = Run(f"history {size:,}", seconds=clock.wall, cpu=clock.cpu + clock.workers,
                      server_cpu=clock.server, stages=dict(pipeline.timings.seconds))
            run.articles = sum(r.new + r.duplicates for r in results)
            run.errors = sum(r.errors for r in results)
            run.extra = {"fill_seconds": filled, "stored": store.counts()["articles"], "workers": workers}
            store.close()
            runs.append(run)
    return runs


# --- report ---------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report_pipeline(run: Run) -> None:
    x = run.extra
    print(f"\npipeline: {run.articles:,} articles ({x['new']:,} new, {x['duplicates']:,} duplicates; "
          f"{x['stories']:,} stories, {x['announcements']:,} announcements, {x['alerts_owed']:,} alerts owed), "
          f"{run.pages:,} pages, {run.errors} errors")
    if x["failed_sources"] or x["page_errors"]:
        print(f"  failed sources: {x['failed_sources'][:5]}; page errors: {x['page_errors']}")
    workers_cpu = x["workers_cpu"]
    print(f"  {x['workers']} reader process(es); {run.seconds:.2f} s wall, {run.cpu - workers_cpu:.2f} s CPU here, "
          f"{workers_cpu:.2f} s in the readers, {run.server_cpu:.2f} s CPU in the server: "
          f"{run.rate:,.0f} articles/s, {1000 * run.cpu / max(1, run.articles):.2f} ms CPU per article (all processes)")
    print_stages(run)
    print(f"  peak RSS: {x['peak_rss_mb']:.0f} MB ({x['main_rss_mb']:.0f} MB this process, the rest its readers)")


def print_stages(run: Run) -> None:
    workers = int(run.extra.get("workers", 0))
    loop_stages = on_loop(workers)
    total = sum(run.stages.get(s, 0.0) for s in loop_stages)
    per = 1000 / max(1, run.articles)
    print("  stage         seconds   ms/article   share of wall")
    for stage in STAGES:
        seconds = run.stages.get(stage, 0.0)
        if stage in loop_stages:
            note = ""
        elif stage == "discover":
            note = f"   (in {'the readers' if workers else 'a thread'} beside the loop: wall time, overlaps the others)"
        else:
            note = "   (CPU in the readers, beside the loop)"
        print(f"  {stage:<12} {seconds:8.2f}   {seconds * per:10.3f}   {100 * seconds / run.seconds:5.1f} %{note}")
    rest = run.seconds - total
    print(f"  {'fetch+loop':<12} {rest:8.2f}   {rest * per:10.3f}   {100 * rest / run.seconds:5.1f} %"
          f"   (httpx, robots, charset, asyncio, waiting: wall minus {', '.join(loop_stages)})")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=50, help="sites (hosts) in the synthetic web (default 50)")
    parser.add_argument("--per-site", type=int, default=40, help="articles per site (default 40)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    parser.add_argument("--skip", choices=PARTS, action="append", default=[], help="skip this part (repeatable)")
    parser.add_argument("--trafilatura-articles", type=int, default=2000,
                        help="articles for the trafilatura part, the newest of every site first (default 2000; 0: all)")
    parser.add_argument("--history-sizes", default="1000,100000", help="stored articles before the history runs")
    parser.add_argument("--history-web", default="20x25", help="SITESxARTICLES of the web crawled by the history runs")
    parser.add_argument("--capacity-seconds", type=float, default=1.5, help="how long to measure the server's capacity")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="reader processes (the workers setting; default: one per spare CPU, at most 4)")
    parser.add_argument("--profile", metavar="FILE", help="write a pyinstrument profile of the pipeline part to FILE")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the monitor's log (page failures)")
    return parser.parse_args(argv)


def benchmark(argv: list[str] | None = None) -> dict[str, Run]:
    """Run the parts asked for, print their figures and the summary; return the figures."""
    args = parse_args(argv)
    # A failed page is counted and three are shown in the report; the log would drown the figures.
    logging.getLogger("monitor").setLevel(logging.WARNING if args.verbose else logging.CRITICAL)
    parts = [p for p in (args.only or PARTS) if p not in args.skip]
    if "trafilatura" in parts:
        try:
            import trafilatura  # noqa: F401
        except ImportError:
            print("trafilatura is not installed (pip install -e '.[bench]'): its part is skipped")
            parts.remove("trafilatura")
    plan = Plan(sites=args.sites, per_site=args.per_site, seed=args.seed)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average "
          f"{os.getloadavg()[0]:.1f} (other processes share these CPUs: read the CPU figures too)")

    runs: dict[str, Run] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        workdir = Path(tmp)
        if set(parts) & {"pipeline", "limit", "trafilatura"}:
            began = time.perf_counter()
            with SynthWebServer(plan) as web:
                print(f"synthetic web: {plan.sites} sites x {plan.per_site} articles = {plan.sites * plan.per_site:,} "
                      f"articles; {web.pages:,} pages, {web.bytes / web.pages / 1024:.1f} KB a page on average; "
                      f"rendered in {web.render_seconds:.1f} s by the server (pid {web.pid}), "
                      f"ready after {time.perf_counter() - began:.1f} s")
                urls = [u for site in web.article_urls() for u in site[:5]]
                paths = ["/" + u.split("/", 3)[3] for u in urls]
                capacity = measure_capacity(web.bases, paths, seconds=args.capacity_seconds)
                runs["server"] = Run("server", pages=int(capacity))
                print(f"server capacity: {capacity:,.0f} requests/s of article pages to a bare keep-alive "
                      "client, 16 connections (a floor: the client is Python too)")
                if "pipeline" in parts:
                    runs["pipeline"] = run_pipeline(web, workdir, args.profile, args.workers)
                    report_pipeline(runs["pipeline"])
                if "limit" in parts:
                    runs["limit"] = limit = run_limit(web)
                    print(f"\nlimit (httpx + selectolax parse): {limit.articles:,} articles, {limit.pages:,} pages in "
                          f"{limit.seconds:.2f} s: {limit.rate:,.0f} articles/s, {limit.pages / limit.seconds:,.0f} "
                          f"pages/s; {limit.cpu:.2f} s CPU here ({1000 * limit.cpu / max(1, limit.pages):.2f} ms a "
                          f"page), {limit.server_cpu:.2f} s CPU in the server "
                          f"({100 * limit.server_cpu / limit.seconds:.0f} % of one core)")
                if "trafilatura" in parts:
                    runs["trafilatura"] = traf = run_trafilatura(web, args.trafilatura_articles or None)
                    print(f"\ntrafilatura fetch_url + extract(with_metadata=True), {traf.extra['workers']} threads: "
                          f"{traf.articles:,} of {traf.pages:,} articles in {traf.seconds:.2f} s: "
                          f"{traf.rate:,.1f} articles/s ({traf.cpu:.2f} s CPU here, "
                          f"{1000 * traf.cpu / max(1, traf.articles):.2f} ms an article)")
        if "history" in parts:
            sizes = tuple(int(s) for s in args.history_sizes.split(","))
            sites, per_site = (int(v) for v in args.history_web.split("x"))
            history_plan = Plan(sites=sites, per_site=per_site, seed=args.seed + 100)
            print(f"\nhistory: a web of {sites} sites x {per_site} articles, crawled over a database already holding "
                  f"{', '.join(f'{s:,}' for s in sizes)} articles")
            for run in run_history(history_plan, sizes, workdir, args.workers):
                print(f"\n{run.name} stored (filled in {run.extra['fill_seconds']:.1f} s): {run.articles} new articles "
                      f"in {run.seconds:.2f} s: {1000 * run.seconds / max(1, run.articles):.2f} ms wall, "
                      f"{1000 * run.cpu / max(1, run.articles):.2f} ms CPU per article, {run.errors} errors")
                print_stages(run)
                runs[run.name] = run
    summary(runs)
    return runs


def summary(runs: dict[str, Run]) -> None:
    print("\nsummary")
    pipe, limit, traf = runs.get("pipeline"), runs.get("limit"), runs.get("trafilatura")
    if pipe and limit:
        ratio = pipe.rate / limit.rate
        cpu_ratio = (limit.cpu / max(1, limit.articles)) / (pipe.cpu / max(1, pipe.articles))
        print(f"  pipeline / limit: {pipe.rate:,.0f} / {limit.rate:,.0f} articles/s = {ratio:.2f} "
              f"(target >= 0.6: {verdict(ratio >= 0.6)}); in CPU per article: {cpu_ratio:.2f}")
    if pipe and traf:
        ratio = pipe.rate / traf.rate
        cpu_ratio = (traf.cpu / max(1, traf.articles)) / (pipe.cpu / max(1, pipe.articles))
        print(f"  pipeline / trafilatura: {pipe.rate:,.0f} / {traf.rate:,.1f} articles/s = {ratio:.1f}x "
              f"(target >= 5x: {verdict(ratio >= 5)}); in CPU per article: {cpu_ratio:.1f}x")
    if pipe:
        rss = pipe.extra["peak_rss_mb"]
        note = "" if pipe.articles >= 20_000 else f" (for {pipe.articles:,} articles; the target is for 20,000)"
        print(f"  peak RSS: {rss:.0f} MB{note} (target < 300 MB: {verdict(rss < 300)})")
    history = [r for name, r in runs.items() if name.startswith("history")]
    if len(history) >= 2:
        first, last = history[0], history[-1]
        for what, cost in (("wall", lambda r: r.seconds), ("CPU", lambda r: r.cpu)):
            a, b = cost(first) / max(1, first.articles), cost(last) / max(1, last.articles)
            print(f"  per-article {what} time at {last.name.split()[1]} stored / at {first.name.split()[1]}: "
                  f"{1000 * b:.2f} / {1000 * a:.2f} ms = {b / a:.2f} (target <= 1.5: {verdict(b / a <= 1.5)})")


def main(argv: list[str] | None = None) -> int:
    benchmark(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
