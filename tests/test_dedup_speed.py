"""Dedup's fast paths give what the slow ones gave (issue 9), and a burst stays linear.

The fast paths (ASCII folding, the phrase prefilter, the word cache, the
normalised body shared by the exact hash and the shingles) must not change a
single fingerprint: stored fingerprints are compared with new ones. The story
lookup reads a bounded number of postings per key.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone

import pytest

from monitor import dedup, store as store_module
from monitor.dedup import Fingerprint, StoryFeatures, fingerprint
from monitor.store import Store
from monitor.types import Article

T0 = datetime(2024, 3, 4, 8, 0, tzinfo=timezone.utc)


def slow_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@pytest.mark.parametrize("text", [
    "Plain ASCII text, long enough to skip the per-word cache: Nordvale Cloud invests.",
    "Le suédois Nordvale Cloud a annoncé lundi un investissement de 2,5 milliards d'euros à Dunkerque.",
    "Ligatures ﬁnance and ½ fractions, “curly quotes” and a non-breaking\u00a0space, Straße and ÉTATS-UNIS.",
    "Combining marks written apart: e\u0301cole, n\u0303, and Vietnamese Việt Nam, Đà Nẵng, plus 東京 and Ωmega.",
])
def test_folding_long_text_gives_what_dropping_marks_one_by_one_gave(text):
    assert dedup.fold(text) == slow_fold(text)


@pytest.mark.parametrize("text", [
    "Nordvale will build in the United States and the United Kingdom, near New York.",
    "No phrase at all in this sentence about Lyon and Dunkirk.",
    "Les États-Unis et le Royaume-Uni, la Commission européenne et l'Afrique du Sud.",
    "Odd letters IGNORECASE still matches: UN\u0130TED STATES, un\u0131ted kingdom, \u017fan francisco, São Paulo.",
    "U.S. officials and the EU",
])
def test_gluing_phrases_with_the_prefilter_gives_what_the_full_pattern_gave(text):
    full = dedup._PHRASE_RE.sub(lambda m: dedup._PHRASES[int(m.lastgroup[1:])][1], text)
    assert dedup._glue_phrases(text) == full


def test_a_text_that_normalises_to_nothing_still_has_no_shingles_from_its_title():
    article = Article(title="A long enough title with many words in it for shingles here", text="... — !!", lang="en")
    fp = fingerprint(article)
    assert fp.shingles == len(dedup.shingle_hashes(article.text))
    assert fp.content_hash == dedup.content_hash(article.title, article.text)


def test_the_fingerprint_hashes_and_shingles_are_those_of_the_public_functions():
    text = "PARIS, March 4 (Wire) - Nordvale Cloud will invest 2.5 billion euros in France. " * 5
    fp = fingerprint(Article(title="Nordvale invests", text=text, lang="en"))
    assert fp.content_hash == dedup.content_hash("Nordvale invests", text)
    assert fp.shingles == len(dedup.shingle_hashes(text))
    assert fp.signature == dedup.minhash(dedup.shingle_hashes(text))


def _save(store: Store, number: int, keys: set[str], seen: datetime) -> int:
    features = StoryFeatures(lang="en", lead_terms=frozenset(), head_keys=frozenset(), core_keys=frozenset(keys),
                             keys=frozenset(keys))
    fp = Fingerprint(f"hash{number}", (), 0, (), features)
    return store.save_article(
        Article(title=f"Article {number}", text="text", lang="en", published=seen), url=f"https://x.example/{number}",
        source="x", content_hash=fp.content_hash, story_id=None, duplicate_of=None, announcements=[], fingerprint=fp,
    ).article_id


def test_a_key_shared_by_more_articles_than_it_reads_still_finds_the_one_sharing_a_rare_key(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "KEY_POSTINGS", 10)
    store = Store.open(tmp_path / "keys.db")
    target = _save(store, 0, {"e:capital", "m:EUR:2e+06"}, T0)
    for number in range(1, 40):  # a burst of articles that all name "Capital"
        _save(store, number, {"e:capital", f"e:other{number}"}, T0 + timedelta(minutes=number))
    found = store.story_candidates(["e:capital", "m:EUR:2e+06"], T0 + timedelta(hours=1), timedelta(hours=72))
    ids = [c.article_id for c in found]
    assert ids[0] == target  # shares the amount: the strongest
    # The common key read its 10 latest postings only: weak candidates are the closest in time.
    assert len(ids) == 1 + store_module.WEAK_CANDIDATES
    assert set(ids[1:]) <= {target + n for n in range(30, 40)}
    store.close()


def test_candidates_parsed_once_come_from_memory_and_the_rest_from_the_database(tmp_path):
    store = Store.open(tmp_path / "cache.db")
    first = _save(store, 1, {"m:EUR:2e+06", "e:nordvale"}, T0)
    assert [c.article_id for c in store.story_candidates(["m:EUR:2e+06"], T0, timedelta(hours=72))] == [first]
    second = _save(store, 2, {"m:EUR:2e+06", "e:nordvale"}, T0 + timedelta(minutes=5))
    found = store.story_candidates(["m:EUR:2e+06", "e:nordvale"], T0 + timedelta(minutes=6), timedelta(hours=72))
    assert [c.article_id for c in found] == [second, first]
    assert all(c.features is not None and c.story_id for c in found)
    store.close()


def test_the_capped_story_lookup_reads_the_key_index_without_scanning(tmp_path):
    store = Store.open(tmp_path / "plan.db")
    sql = ("SELECT * FROM (SELECT article_id, seen, ? AS w FROM article_keys"
           " WHERE key = ? AND seen BETWEEN ? AND ? ORDER BY seen DESC LIMIT ?)")
    plan = " ".join(str(row[-1]) for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", [1, "e:a", "a", "b", 5]))
    assert "SCAN" not in plan and "PRIMARY KEY" in plan and "TEMP B-TREE" not in plan, plan
    store.close()
