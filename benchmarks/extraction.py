"""Extraction benchmark: our extractor against trafilatura, same pages, same run.

    .venv/bin/pip install -e '.[bench]'          # trafilatura, for this script only
    .venv/bin/python benchmarks/extraction.py [--repeat N] [--only ours] [--worst 10] [--dump DIR]

Reads the Scrapinghub/Zyte article-extraction benchmark from
../shared/benchmarks/article-extraction/ (beside the repository): 181 pages
(html/<id>.html.gz) with hand-made article bodies (ground-truth.json). Each
page is decoded as UTF-8 and given as ``str`` to each extractor, as the
upstream runs do; each page goes through both extractors in turn (so both
see the same machine load), each call timed alone (the best of --repeat).
Prints, for each extractor: F1, precision and recall as the benchmark's
README defines them (benchmarks/scoring.py), the median and p90 milliseconds
per page (wall clock), the median CPU milliseconds of this process (which
other processes on a busy machine do not inflate), then the ratios ours /
trafilatura. Targets: F1 >= 0.97 and a
median time at most 1/8 of trafilatura's.

When the data folder is absent it says so and exits 0; without trafilatura
it scores ours alone.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scoring import CorpusScore, PageScore, score_corpus, score_page  # noqa: E402

from monitor.extract import extract  # noqa: E402

DATA = ROOT.parent / "shared" / "benchmarks" / "article-extraction"


def ours(html: str, url: str | None) -> str:
    return extract(html, url).text


def _trafilatura() -> Callable[[str, str | None], str] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def run(html: str, url: str | None) -> str:
        # Its defaults but comments, which are not the article (FACTS.md: F1 0.960);
        # adding favor_precision=True measures 0.964.
        return trafilatura.extract(html, url=url, include_comments=False) or ""

    return run


def load() -> list[tuple[str, str, str | None, str]]:
    """(id, html, url, true body) for each page, in id order."""
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        raw = gzip.decompress((DATA / "html" / f"{key}.html.gz").read_bytes())
        pages.append((key, raw.decode("utf-8", errors="replace"), truth[key].get("url"), truth[key].get("articleBody") or ""))
    return pages


@dataclass
class Run:
    """One extractor's results: per page, in page order."""

    wall: list[float] = field(default_factory=list)  # ms, the best of --repeat calls
    cpu: list[float] = field(default_factory=list)  # ms of this process's CPU time, likewise
    scores: list[PageScore] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)


def run(extractors: dict[str, Callable], pages, repeat: int) -> dict[str, Run]:
    """Each page through each extractor in turn, so that both see the same machine load."""
    for extractor in extractors.values():
        for _, html, url, _ in pages[:5]:  # warm up: imports, models, caches, compiled regexes
            extractor(html, url)
    results = {name: Run() for name in extractors}
    gc.collect()
    for key, html, url, true in pages:
        for name, extractor in extractors.items():
            wall = cpu = float("inf")
            for _ in range(repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                text = extractor(html, url)
                wall = min(wall, time.perf_counter() - start)
                cpu = min(cpu, time.process_time() - start_cpu)
            result = results[name]
            result.wall.append(wall * 1000)
            result.cpu.append(cpu * 1000)
            result.scores.append(score_page(true, text))
            result.outputs[key] = text
    return results


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="time each call N times, keep the best")
    parser.add_argument("--only", choices=("ours", "trafilatura"), help="run one extractor only")
    parser.add_argument("--worst", type=int, default=0, help="list our N worst pages by F1")
    parser.add_argument("--dump", type=Path, help="write each extractor's output as DIR/<name>.json")
    args = parser.parse_args()

    if not DATA.is_dir():
        print(f"benchmark data not found at {DATA}: nothing to measure")
        return 0
    pages = load()
    extractors: dict[str, Callable] = {}
    if args.only != "trafilatura":
        extractors["ours"] = ours
    if args.only != "ours":
        found = _trafilatura()
        if found is None:
            print("trafilatura is not installed (pip install -e '.[bench]'): scoring ours alone")
        else:
            extractors["trafilatura"] = found

    print(f"{len(pages)} pages from {DATA}")
    print(f"{'extractor':<12} {'F1':>6} {'prec':>6} {'recall':>6} {'median ms':>10} {'p90 ms':>8} {'median cpu ms':>14}")
    results = run(extractors, pages, args.repeat)
    corpora = {}
    for name, result in results.items():
        corpus = corpora[name] = score_corpus(result.scores)
        print(
            f"{name:<12} {corpus.f1:>6.3f} {corpus.precision:>6.3f} {corpus.recall:>6.3f}"
            f" {statistics.median(result.wall):>10.2f} {p90(result.wall):>8.2f} {statistics.median(result.cpu):>14.2f}"
        )
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / f"{name}.json").write_text(
                json.dumps({key: {"articleBody": text} for key, text in result.outputs.items()}, ensure_ascii=False, indent=1)
            )
    if "ours" in results and "trafilatura" in results:
        a, b = corpora["ours"], corpora["trafilatura"]
        ours_, theirs = results["ours"], results["trafilatura"]
        median_ratio = statistics.median(ours_.wall) / statistics.median(theirs.wall)
        cpu_ratio = statistics.median(ours_.cpu) / statistics.median(theirs.cpu)
        print(
            f"ours/trafilatura: F1 {a.f1 / b.f1:.3f}x, precision {a.precision / b.precision:.3f}x,"
            f" recall {a.recall / b.recall:.3f}x, median time {median_ratio:.3f}x (1/{1 / median_ratio:.1f}),"
            f" p90 time {p90(ours_.wall) / p90(theirs.wall):.3f}x, median cpu time {cpu_ratio:.3f}x (1/{1 / cpu_ratio:.1f})"
        )
    if args.worst and "ours" in results:
        ranked = sorted(zip(pages, results["ours"].scores, results["ours"].wall), key=lambda item: _f1(item[1]))[: args.worst]
        print(f"\nour {args.worst} worst pages:")
        for (key, _, url, _), score, ms in ranked:
            print(f"  P {score.precision:.2f} R {score.recall:.2f} {ms:6.1f} ms  {key[:12]}  {url}")
    return 0


def _f1(score: PageScore) -> float:
    p, r = score.precision, score.recall
    return 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    sys.exit(main())
