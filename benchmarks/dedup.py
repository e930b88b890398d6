"""Dedup benchmark: one story, one alert, scored on our labelled set; and its cost at scale.

    .venv/bin/python benchmarks/dedup.py [--errors]      # quality on benchmarks/data/dedup/
    .venv/bin/python benchmarks/dedup.py --scale         # time per new article at 1k, 10k, 100k stored

Quality: every article of articles.jsonl (the replay input format, in publication
order) goes through the real pipeline (`Pipeline.save`: detection, dedup, the
store) over a fresh in-memory database with default settings. Then, over all
pairs of articles: precision, recall and F1 of "same story" against labels.json,
the recall on pairs in two languages, and how many near-miss pairs (articles of
two stories labelled as look-alikes) were merged. Targets: F1 >= 0.95,
cross-language recall >= 0.9, no near miss merged.

Scale: generated articles (made-up companies, people, places, amounts, 300 a
day) fill a database file to 1k, 10k and 100k articles through the store's own
writes (fingerprint + save_article, as the pipeline does, without fetching or
detection); at each size 200 more go through Pipeline.save and the time per
new article is printed. The lookups are index range scans, so the figure at
100k should stay within 2x of the one at 1k.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor import dedup  # noqa: E402
from monitor.config import Config  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from monitor.replay import parse_line  # noqa: E402
from monitor.store import Store  # noqa: E402
from monitor.types import Article, Settings  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "dedup"  # --data DIR reads another labelled set


def quality(show_errors: bool, data: Path = DATA) -> dict:
    store = Store.open(":memory:")
    pipeline = Pipeline(Config(Settings(), ()), store, fetcher=None, notifier=None)
    story_of: dict[str, int] = {}
    lang_of: dict[str, str] = {}
    reasons: Counter = Counter()
    details: dict[str, str] = {}
    lines = (data / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    started = time.perf_counter()
    for number, line in enumerate(lines, start=1):
        item = parse_line(number, line)
        if item is None:
            continue
        outcome = pipeline.save(item.article, url=item.url, source=item.source, external_id=item.id)
        story_of[item.id] = outcome.story_id
        lang_of[item.id] = item.article.lang or "?"
        reasons[outcome.decision.reason] += 1
        details[item.id] = f"{outcome.decision.reason} {outcome.decision.detail}".strip()
    seconds = time.perf_counter() - started
    labels = json.loads((data / "labels.json").read_text(encoding="utf-8"))
    cluster_of = {article: cluster for cluster, articles in labels["clusters"].items() for article in articles}
    ids = [i for i in story_of if i in cluster_of]
    tp = fp = fn = 0
    cross_total = cross_found = 0
    false_merges, misses = [], []
    for a, b in itertools.combinations(ids, 2):
        truth = cluster_of[a] == cluster_of[b]
        said = story_of[a] == story_of[b]
        if truth and said:
            tp += 1
        elif said:
            fp += 1
            false_merges.append((a, b))
        elif truth:
            fn += 1
            misses.append((a, b))
        if truth and lang_of[a] != lang_of[b]:
            cross_total += 1
            cross_found += said
    near_pairs = merged_near = 0
    merged_near_pairs = []
    for left, right in labels["near_misses"]:
        for a in labels["clusters"][left]:
            for b in labels["clusters"][right]:
                near_pairs += 1
                if story_of.get(a) is not None and story_of.get(a) == story_of.get(b):
                    merged_near += 1
                    merged_near_pairs.append((a, b))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    bilingual = sum(1 for arts in labels["clusters"].values() if len({lang_of.get(a) for a in arts}) > 1)
    print(f"labelled set: {len(ids)} articles, {len(labels['clusters'])} stories "
          f"({bilingual} in English and French), {near_pairs} near-miss pairs in {len(labels['near_misses'])} look-alike story pairs")
    print(f"decisions: {dict(sorted(reasons.items()))}; {1000 * seconds / max(1, len(ids)):.1f} ms per article")
    print(f"pairwise precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  (same-story pairs: {tp + fn})")
    print(f"cross-language recall {cross_found / cross_total if cross_total else 1.0:.3f} ({cross_found}/{cross_total} pairs)")
    print(f"near-miss pairs merged: {merged_near} of {near_pairs}")
    if show_errors:
        for title, pairs in (("false merges", false_merges), ("missed pairs", misses), ("near misses merged", merged_near_pairs)):
            print(f"\n{title}: {len(pairs)}")
            for a, b in pairs[:60]:
                print(f"  {a} ({cluster_of[a]}) ~ {b} ({cluster_of[b]}): {details[a]} | {details[b]}")
    store.close()
    return {"precision": precision, "recall": recall, "f1": f1, "near_merged": merged_near}


# --- scale ---------------------------------------------------------------------------

_SYLLABLES = "ka lo ri ven tor sa mi del bra no vi quin zel har pol ost mar lin dor fen ga tu rev sol".split()
_PLACES = ["Paris", "Lyon", "Berlin", "Munich", "Madrid", "Milan", "Warsaw", "Lisbon", "Dublin", "Austin",
           "Ohio", "Texas", "Osaka", "Seoul", "Pune", "Toronto", "Oslo", "Prague", "Vienna", "Porto"]
_VERBS = ["will invest", "is raising", "agreed to buy", "plans to spend", "won a contract worth", "was fined"]
_CURRENCIES = ["$", "€", "£"]


def _name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


@dataclass(frozen=True)
class Generated:
    """A generated article and what it is made of."""

    article: Article
    company: str
    other: str
    person: str
    place: str
    currency: str
    millions: int
    employees: int


def generated_article(rng: random.Random, companies: list[str], people: list[str], words: list[str],
                      published: datetime) -> Generated:
    company, other = rng.sample(companies, 2)
    person = rng.choice(people)
    place = rng.choice(_PLACES)
    symbol = rng.choice(_CURRENCIES)
    millions = rng.randint(2, 990)
    employees = rng.randint(100, 90000)
    amount = f"{symbol}{millions} million"
    filler = lambda n: " ".join(rng.choice(words) for _ in range(n))  # noqa: E731
    title = f"{company} {rng.choice(_VERBS)} {amount} in {place}"
    text = (
        f"{company} {rng.choice(_VERBS)} {amount} in {place}, chief executive {person} said on Tuesday, "
        f"{filler(12)}. The company has {employees:,} employees and works with {other}.\n\n"
        f"{filler(25)}. {person} said {filler(15)}.\n\n{filler(30)}."
    )
    currency = {"$": "USD", "€": "EUR", "£": "GBP"}[symbol]
    return Generated(Article(title=title, text=text, lang="en", published=published), company, other, person,
                     place, currency, millions, employees)


def assembled_fingerprint(g: Generated, rng: random.Random) -> dedup.Fingerprint:
    """The fingerprint dedup.fingerprint computes for a generated article, assembled from its parts.

    Parsing 100k articles would take most of the run; the fill only needs the
    tables to hold what real fingerprints would put there (checked on a sample
    before the run). The timed articles are fingerprinted for real.
    """
    def name(word: str) -> str:
        return "e:" + dedup.fold(word)

    city = dedup._CITY.get(dedup.fold(g.place))
    names = {name(g.company), name(g.other), *(name(part) for part in g.person.split())}
    names.add("e:" + city[0] if city else name(g.place))
    money = (g.currency, float(g.millions * 1_000_000))
    numbers = {dedup._money_key(*money), "n:" + dedup._num_key(g.employees)}
    countries = {"c:" + city[1]} if city else set()
    head = frozenset({name(g.company), "e:" + city[0] if city else name(g.place), dedup._money_key(*money)} | countries)
    keys = frozenset(names | numbers | countries)
    features = dedup.StoryFeatures(
        lang="en", lead_terms=frozenset(), head_keys=head, core_keys=keys, keys=keys,
        head_money=(money,), money=(money,), country=city[1] if city else None,
    )
    signature = tuple(rng.getrandbits(58) for _ in range(dedup.SIGNATURE_BINS))
    return dedup.Fingerprint(dedup.content_hash(g.article.title, g.article.text), signature, 90,
                             dedup.band_keys(signature), features)


def scale() -> None:
    rng = random.Random(5)
    companies = [_name(rng, 3) for _ in range(5000)]
    people = [f"{_name(rng)} {_name(rng, 3)}" for _ in range(3000)]
    words = ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(4000)]
    per_day = 300
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    sample = [generated_article(rng, companies, people, words, start) for _ in range(100)]
    same = sum(
        set(dedup.fingerprint(g.article).features.index_keys()) == set(assembled_fingerprint(g, rng).features.index_keys())
        for g in sample
    )
    print(f"assembled fingerprints index the same keys as real ones for {same} of {len(sample)} sampled articles")
    with tempfile.TemporaryDirectory(prefix="dedup-scale-") as workdir:
        store = Store.open(Path(workdir) / "scale.db")
        pipeline = Pipeline(Config(Settings(), ()), store, fetcher=None, notifier=None)
        stored = 0
        print("stored articles   fill s   per new article (200 through Pipeline.save): CPU ms, wall ms")
        figures = {}
        for size in (1_000, 10_000, 100_000):
            began = time.perf_counter()
            with store.db.atomic():
                while stored < size:
                    moment = start + timedelta(days=stored / per_day)
                    g = generated_article(rng, companies, people, words, moment)
                    fp = assembled_fingerprint(g, rng)
                    store.save_article(
                        g.article, url=f"https://gen.example/{stored}", source="gen", content_hash=fp.content_hash,
                        story_id=None, duplicate_of=None, announcements=[], fingerprint=fp,
                    )
                    stored += 1
            fill = time.perf_counter() - began
            now = start + timedelta(days=stored / per_day)
            new = [generated_article(rng, companies, people, words, now + timedelta(minutes=i)).article
                   for i in range(200)]
            wall, cpu = time.perf_counter(), time.process_time()
            for i, article in enumerate(new):
                pipeline.save(article, url=f"https://new.example/{size}/{i}", source="new")
            cpu = 1000 * (time.process_time() - cpu) / len(new)
            wall = 1000 * (time.perf_counter() - wall) / len(new)
            stored += len(new)
            figures[size] = cpu
            print(f"{size:>15,}   {fill:6.1f}   {cpu:6.2f}   {wall:6.2f}")
        store.close()
    print(f"100k / 1k (CPU time): {figures[100_000] / figures[1_000]:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", action="store_true", help="time per new article at 1k, 10k and 100k stored")
    parser.add_argument("--errors", action="store_true", help="list the false merges and missed pairs")
    parser.add_argument("--data", type=Path, default=DATA, help="directory with articles.jsonl and labels.json")
    args = parser.parse_args(argv)
    if args.scale:
        scale()
        return 0
    quality(args.errors, args.data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
