"""The pipeline benchmark's machinery, on a tiny synthetic web: it runs, counts right and prints its figures.

Issue 9. Behaviour only: no figure is compared with a target here.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name: str):
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    # Registered first: dataclasses look their module up while it executes.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthweb():
    return load("synthweb")


def test_the_plan_is_the_same_in_every_process(synthweb):
    a, b = synthweb.Plan(sites=4, per_site=6), synthweb.Plan(sites=4, per_site=6)
    assert [x.path for x in a.articles(2)] == [x.path for x in b.articles(2)]
    assert len({x.path for site in range(4) for x in a.articles(site)}) == 24


def test_sites_come_in_english_and_french_with_feeds_and_listings(synthweb):
    plan = synthweb.Plan(sites=6, per_site=3)
    sites = [plan.site(i) for i in range(6)]
    assert {s.lang for s in sites} == {"en", "fr"}
    assert {s.kind for s in sites} == {"rss", "atom", "listing"}


def test_an_article_page_carries_boilerplate_around_its_text(synthweb):
    plan = synthweb.Plan(sites=2, per_site=3)
    article = plan.articles(0)[0]
    page = synthweb.render_article(plan, article, "http://127.0.0.1:1", ["http://127.0.0.1:1", "http://127.0.0.1:2"])
    title, paragraphs = plan.body(article)
    assert "cookie-banner" in page and "<footer" in page and "related" in page
    assert 'rel="canonical"' in page and "application/ld+json" in page
    assert len(page) > 20_000
    assert all(p[:40] in page or synthweb.html.escape(p[:40]) in page for p in paragraphs[:2])


def test_a_copy_republishes_the_text_of_an_article_three_sites_back(synthweb):
    plan = synthweb.Plan(sites=8, per_site=30, copies=0.5)
    copies = [a for site in range(8) for a in plan.articles(site) if a.copy_of]
    assert copies
    copy = copies[0]
    assert plan.body(copy) == plan.body(plan.article(*copy.copy_of))
    assert copy.copy_of[0] == copy.site - 3


def test_the_server_answers_every_page_keep_alive_and_404_otherwise(synthweb):
    import httpx

    with synthweb.SynthWebServer(synthweb.Plan(sites=2, per_site=3)) as web:
        assert web.pid is not None and len(web.bases) == 2
        with httpx.Client() as client:
            for url in [u for site in web.article_urls() for u in site]:
                response = client.get(url)
                assert response.status_code == 200 and "<article" in response.text
            assert "Disallow" in client.get(web.bases[0] + "/robots.txt").text
            assert client.get(web.feed_url(0)).headers["content-type"].startswith("application/rss+xml")
            assert client.get(web.bases[1] + "/nothing-here").status_code == 404
        assert synthweb.measure_capacity(web.bases, ["/robots.txt"], seconds=0.1, connections=2) > 0


def test_the_benchmark_counts_every_article_and_prints_its_figures(capsys):
    bench = load("pipeline")
    argv = ["--sites", "3", "--per-site", "5", "--capacity-seconds", "0.1", "--trafilatura-articles", "5",
            "--history-sizes", "5,10", "--history-web", "2x3", "--workers", "1"]
    runs = bench.benchmark(argv)
    out = capsys.readouterr().out

    pipeline = runs["pipeline"]
    assert pipeline.articles == 15 and pipeline.errors == 0
    assert pipeline.extra["new"] + pipeline.extra["duplicates"] == 15
    assert pipeline.pages == 3 + 15
    assert set(bench.STAGES) <= set(pipeline.stages)
    assert runs["limit"].articles == 15 and runs["limit"].pages == 18
    assert [runs[f"history {n}"].articles for n in (5, 10)] == [6, 6]
    assert runs["history 10"].extra["stored"] == 16

    assert re.search(r"pipeline: 15 articles", out)
    assert re.search(r"limit \(httpx \+ selectolax parse\): 15 articles", out)
    assert re.search(r"peak RSS: \d+ MB \(\d+ MB this process, the rest its readers\)", out)
    assert pipeline.extra["workers"] == 1 and pipeline.extra["workers_cpu"] > 0
    for line in ("pipeline / limit:", "peak RSS:", "per-article wall time at 10 stored / at 5"):
        assert line in out
    if "trafilatura" in runs:
        assert runs["trafilatura"].articles == 5
        assert "pipeline / trafilatura:" in out
