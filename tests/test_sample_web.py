"""The bundled sample web through the real pipeline: what `monitor demo` shows a newcomer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import monitor
from monitor.config import parse_config
from monitor.fetch import Fetcher
from monitor.notify import ConsoleNotifier, deliver_due
from monitor.pipeline import Pipeline
from monitor.sampleweb import SampleWeb

ROOT = Path(monitor.__file__).parent / "sample_web"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    import asyncio

    from monitor.store import Store

    store = Store.open(tmp_path_factory.mktemp("sample") / "monitor.db")
    notifier = ConsoleNotifier(None, io.StringIO())
    with SampleWeb(ROOT).start() as web:
        config = parse_config(web.render((ROOT / "feeds.toml").read_text(encoding="utf-8")))

        async def crawl():
            store.sync_sources(config.sources)
            async with Fetcher(config.settings) as fetcher:
                results = await Pipeline(config, store, fetcher, notifier).crawl_once(config.enabled_sources())
            await deliver_due(store, notifier)
            return results

        results = asyncio.run(crawl())
    yield store, results, notifier
    store.close()


def article(store, title_part):
    rows = list(store.db.query("SELECT * FROM articles WHERE title LIKE ?", [f"%{title_part}%"]))
    assert len(rows) == 1, title_part
    return rows[0]


def test_every_source_of_the_sample_web_works_feeds_and_listing_alike(crawled):
    store, results, _ = crawled
    assert all(result.ok for result in results), results
    assert {r.source: r.new for r in results} == {"PommeGeek": 4, "Meridian Business Wire": 4, "SeedStage": 3}


def test_the_french_page_keeps_its_article_and_drops_the_sites_boilerplate(crawled):
    store, _, _ = crawled
    row = article(store, "Microsoft va investir 4 milliards")
    text = row["text"]
    assert "Microsoft va investir 4 milliards d’euros en France" in text
    assert "Mulhouse" in text
    for leak in ("Laisser un commentaire", "Quelques règles à respecter", "Les derniers articles",
                 "Les sujets liés à ces tags", "Comparer les prix", "#BonPlan", "Sauvegarder mon pseudo"):
        assert leak not in text, leak
    assert row["lang"] == "fr" and row["published"].startswith("2024-05-13")


def test_a_windows_1252_page_comes_out_with_correct_accents(crawled):
    store, _, _ = crawled
    row = article(store, "amende")
    assert "condamné" in row["title"].lower() or "condamné" in row["text"]
    assert "Ã" not in row["text"] and "\ufffd" not in row["text"]


def test_the_fine_and_the_product_news_are_not_investments_but_the_round_is(crawled):
    store, _, _ = crawled
    assert not article(store, "amende")["is_investment"]
    assert article(store, "Néoscribe")["is_investment"]
    assert article(store, "Voltaro")["is_investment"]


def test_each_alert_is_sent_once_and_a_second_pass_sends_nothing(crawled):
    import asyncio

    store, _, notifier = crawled
    sent = len(notifier.sent)
    assert sent >= 5
    assert len({alert.story_id for alert in notifier.sent}) == sent
    asyncio.run(deliver_due(store, notifier))
    assert len(notifier.sent) == sent
