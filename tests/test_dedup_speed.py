"""Dedup's fast paths give what the slow ones gave (issue 9), and a burst stays linear.

The fast paths (ASCII folding, the phrase prefilter, the word cache, the
normalised body shared by the exact hash and the shingles, words counted once
each, reordered patterns, shingles hashed from byte slices, per-article parts of
the verdict kept) must not change a single fingerprint or verdict: stored
fingerprints are compared with new ones. The story lookup reads a bounded
number of postings per key and ranks candidates as the grouped query did.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from monitor import dedup, store as store_module
from monitor.dedup import Fingerprint, StoryFeatures, fingerprint, normalise_text, story_features
from monitor.store import Store
from monitor.types import Article
from test_dedup import GERMANY, WIRE, WIRE_FR, _candidate

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
    sql = f"SELECT group_concat(article_id) FROM ({store_module._KEY_POSTINGS_SQL})"
    plan = " ".join(str(row[-1]) for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", ["e:a", "a", "b", 5]))
    assert "SCAN article_keys" not in plan and "PRIMARY KEY" in plan and "TEMP B-TREE" not in plan, plan
    store.close()


# --- fingerprints: the fast paths against the plain ones ----------------------------------

TRICKY = [
    "PARIS, March 4 (Wire) - Nordvale Cloud will invest 2.5 billion euros in France. Nordvale said so.\n\n"
    "U.S. Steel and A. Smith met Mr. Halvorsen on Sept. 12th; « Nordvale » (NVC) said: Lyon-based ACME wins.",
    "Le suédois Nordvale Cloud a annoncé le 4 mars un investissement de 2,5 milliards d'euros, soit 12 % de plus. "
    "L'américain ACME et l'IA d'OpenAI… Nordvale’s rivals: \"Ikea\" and iPhone maker. 1er mai, 1 200 000 emplois.",
    "One million people in New York and the United States; a billion in São Paulo. 7.5 per cent in 2024!",
    "",
    "Short.",
]


def plain_mentions(text: str, title: str) -> tuple:
    """_mentions as it was: every word visited where it stands."""
    names, inner, initial, shaped = set(), set(), set(), set()
    countries, counts, starts = Counter(), Counter(), Counter()

    def visit(raw: str, at_start: bool) -> None:
        kind, key, extra = dedup._word_kind(raw)
        if kind == "country":
            countries[key] += 1
        elif kind == "city":
            countries[extra] += 1
            names.add(key)
        elif kind == "name":
            (initial if at_start else inner).add(key)
            counts[key] += 1
            if extra:
                shaped.add(key)
            starts[key] += at_start

    text = dedup._glue_phrases(text)
    text_starts = dedup._sentence_starts(text)
    for m in dedup._WORD_RE.finditer(text):
        visit(m.group(), m.start() in text_starts)
    title = dedup._glue_phrases(title)
    words = dedup._WORD_RE.findall(title)
    title_case = len(words) > 3 and sum(1 for w in words if w[0].isupper()) >= 0.6 * len(words)
    title_starts = dedup._sentence_starts(title)
    for m in dedup._WORD_RE.finditer(title):
        visit(m.group(), title_case or m.start() in title_starts)
    names |= inner | {k for k in initial - inner if (len(k) >= 4 and starts[k] >= 2) or k in shaped}
    return names, +countries, +counts


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("title", ["Nordvale Cloud To Invest In France", "Nordvale invests: ACME waits", ""])
def test_counting_each_distinct_word_once_finds_the_names_a_word_by_word_scan_found(text, title):
    found = dedup._mentions(text, title)
    assert (found.names, +found.countries, +found.counts) == plain_mentions(text, title)


@pytest.mark.parametrize("text", TRICKY)
def test_the_reordered_patterns_match_where_the_original_ones_did(text):
    original_end = re.compile(r"(?<!\b[A-Z])(?<!\bU\.S)[.!?…;]\s+|\n+")
    assert [m.span() for m in dedup._SENTENCE_END.finditer(text)] == [m.span() for m in original_end.finditer(text)]
    folded = dedup.fold(text)
    for fast in (dedup._DATE_RE, dedup._NUMBER_RE, dedup._WORD_SCALE):
        original = re.compile(re.sub(r"^\(\?=[^)]*\)", "", fast.pattern))  # without the first-character check
        assert original.pattern != fast.pattern
        assert [(m.span(), m.groupdict()) for m in fast.finditer(folded)] == \
               [(m.span(), m.groupdict()) for m in original.finditer(folded)]


def test_the_phrase_pattern_first_letter_check_changes_no_match():
    original = re.compile("|".join(f"(?P<p{i}>{p.pattern})" for i, (p, _r) in enumerate(dedup._PHRASES)), re.IGNORECASE)
    text = ("UN\u0130TED STATES, \u017fan francisco, ſaudi arabia, ÉTATS-UNIS, Etats-Unis, la haye, The Hague, "
            "union européenne, European Commission, Tel Aviv, SÃO PAULO, Le Caire, south africa, u.s. and U.S.A")
    text += (", United Kingdom, New York, Silicon Valley, San José, New Delhi, Abu Dhabi, Le Havre, "
             "New Zealand, Royaume-Uni, Afrique du Sud, Arabie saoudite, Commission européenne")
    # Every phrase is in the text, so a phrase added later with another first letter fails here.
    assert [p.pattern for p, _r in dedup._PHRASES if not p.search(text)] == []
    for variant in (text, text.lower(), text.upper()):
        assert [(m.span(), m.lastgroup) for m in dedup._PHRASE_RE.finditer(variant)] == \
               [(m.span(), m.lastgroup) for m in original.finditer(variant)]


@pytest.mark.parametrize("text", TRICKY + ["Élysée à Zürich, ﬁnance ½ “quotes” " * 4])
def test_shingles_hashed_from_byte_slices_are_the_hashes_of_the_joined_words(text):
    words = normalise_text(text).split()
    plain = {
        int.from_bytes(hashlib.blake2b(" ".join(words[i : i + 4]).encode(), digest_size=8).digest(), "big")
        for i in range(len(words) - 3)
    } if len(words) >= 4 else ({dedup._h64(" ".join(words))} if words else set())
    assert dedup.shingle_hashes(text) == plain


def test_a_verdict_is_the_same_with_the_per_article_parts_kept_or_fresh():
    fr = story_features("Nordvale investit 2,5 milliards d'euros en France", TRICKY[1], "fr")
    en = story_features("Nordvale Cloud to invest 2.5 billion euros in France", TRICKY[0], "en")
    first = dedup.story_similarity(fr, en)
    fresh = [StoryFeatures.from_json(f.to_json()) for f in (fr, en)]
    assert dedup.story_similarity(*fresh) == first
    assert fresh[0] == fr  # the kept parts are not fields
    assert "derived" in fr.__dict__ and "derived" not in StoryFeatures.from_json(fr.to_json()).__dict__


# --- the story lookup's ranking -----------------------------------------------------------

def test_candidates_equally_close_and_sharing_as_much_come_in_id_order_window_ones_before_late_ones(tmp_path):
    store = Store.open(tmp_path / "rank.db")
    late_only = _save(store, 1, {"a:nordvale:EUR:2e+06"}, T0 - timedelta(hours=1))
    before = _save(store, 2, {"m:EUR:2e+06"}, T0 - timedelta(hours=1))
    after = _save(store, 3, {"m:EUR:2e+06"}, T0 + timedelta(hours=1))
    closer = _save(store, 4, {"e:nordvale"}, T0 + timedelta(minutes=5))
    farther = _save(store, 5, {"e:nordvale"}, T0 - timedelta(minutes=50))
    found = store.story_candidates(["m:EUR:2e+06", "e:nordvale"], T0, timedelta(hours=72),
                                   late_keys=["a:nordvale:EUR:2e+06"], late_window=timedelta(days=30))
    # Two shared (an amount weighs two): one hour away each, by id, the late find last; then one name, closest first.
    assert [c.article_id for c in found] == [before, after, late_only, closer, farther]
    store.close()


def test_the_ranking_is_the_same_when_the_moments_must_be_read_again(tmp_path, monkeypatch):
    store = Store.open(tmp_path / "evict.db")
    for number in range(12):
        _save(store, number, {"e:nordvale", f"n:{number % 3}"}, T0 + timedelta(minutes=7 * number - 40))
    ask = (["e:nordvale", "n:1", "n:2"], T0 + timedelta(seconds=0.5), timedelta(hours=72))
    first = [c.article_id for c in store.story_candidates(*ask)]
    monkeypatch.setattr(store_module, "SEEN_CACHE_SIZE", 1)
    store._seen_cache.clear()
    assert [c.article_id for c in store.story_candidates(*ask)] == first
    assert len(store._seen_cache) == 1
    store.close()


def test_a_just_saved_article_compared_from_memory_is_what_the_database_gives_back(tmp_path):
    path = tmp_path / "remember.db"
    store = Store.open(path)
    text = TRICKY[0] + " Nordvale will invest 2.5 billion euros near Lyon, its chief executive said."
    article = Article(title="Nordvale Cloud to invest 2.5 billion euros in France", text=text, lang="en", published=T0)
    fp = fingerprint(article)
    saved = store.save_article(article, url="https://x.example/1", source="x", content_hash=fp.content_hash,
                               story_id=None, duplicate_of=None, announcements=[], fingerprint=fp)
    ask = (fp.features.index_keys(), T0 + timedelta(minutes=1), timedelta(hours=72))
    remembered = store.story_candidates(*ask)
    store.close()
    reread = Store.open(path).story_candidates(*ask)
    assert [c.article_id for c in remembered] == [c.article_id for c in reread] == [saved.article_id]
    assert remembered[0].features is fp.features  # from memory, not parsed
    assert remembered == reread  # and the same as the database gives back


def test_an_article_saved_inside_a_transaction_that_rolls_back_is_not_remembered(tmp_path):
    store = Store.open(tmp_path / "rollback.db")
    article = Article(title="Nordvale invests", text=TRICKY[0], lang="en", published=T0)
    fp = fingerprint(article)
    with pytest.raises(RuntimeError):
        with store.db.atomic():
            store.save_article(article, url="https://x.example/1", source="x", content_hash=fp.content_hash,
                               story_id=None, duplicate_of=None, announcements=[], fingerprint=fp)
            raise RuntimeError("the caller gives up")
    assert store._features_cache == {} and store._seen_cache == {}
    assert store.story_candidates(fp.features.index_keys(), T0, timedelta(hours=72)) == []
    store.close()


def test_a_story_vetoed_by_an_earlier_candidate_stays_out_and_another_story_can_still_be_joined():
    # decide no longer judges the later articles of a story one article has already vetoed.
    fr = Article("Nordvale va investir 2,5 milliards d'euros en France", WIRE_FR, lang="fr")
    germany = Article("Nordvale plans €1.8bn German expansion", GERMANY, lang="en")
    en = Article("Nordvale to invest €2.5bn in French data centres", WIRE, lang="en")
    new = fingerprint(en)
    vetoed_first = [_candidate(2, 5, germany, T0), _candidate(1, 5, fr, T0)]
    assert dedup.decide(None, None, related=vetoed_first, new=new, seen=T0).reason == "new"
    elsewhere = vetoed_first + [_candidate(3, 7, fr, T0)]
    decision = dedup.decide(None, None, related=elsewhere, new=new, seen=T0)
    assert (decision.reason, decision.story_id) == ("same-story", 7)
