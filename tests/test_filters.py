"""Filters: parsing what subscribers type, and matching stories (issue 6)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from monitor.filters import (
    Filters, FilterError, amount_at_least, clean_input, contains_phrase, describe, fold, matches, parse_amount,
    parse_filters,
)
from monitor.types import Announcement, Article

PLANT = Announcement(
    investor="Northwind Energy", amount=Decimal("2000000000"), currency="EUR", amount_text="€2 billion",
    location="France", kind="capex", evidence="Northwind Energy will invest €2 billion near Lyon.",
)
ROUND = Announcement(
    investor="Sequoia", amount=Decimal("15000000"), currency="USD", amount_text="$15m",
    recipient="Neoscribe", location="Germany", kind="funding_round", evidence="Neoscribe raised $15m.",
)
ARTICLE = Article(
    title="Northwind Energy to build a battery plant near Lyon",
    text="The Swedish group will build a gigafactory for électriques batteries. Data-Centre plans were dropped.",
    lang="en",
)


def test_folding_ignores_case_accents_ligatures_and_punctuation():
    assert fold("Data-Centre à ÉVRY, cœur") == "data centre a evry coeur"
    assert fold("😀 !!") == ""


def test_a_phrase_matches_whole_words_in_order_only():
    text = fold("A new data centre in Marseille")
    assert contains_phrase(text, "data centre")
    assert not contains_phrase(text, "centre data")
    assert not contains_phrase(text, "data cent")  # words, not prefixes
    assert not contains_phrase(text, "")


def test_keywords_match_without_regard_to_case_or_accents():
    assert matches(parse_filters("include: ELECTRIQUES"), ARTICLE, [PLANT])
    assert matches(parse_filters("include: data centre"), ARTICLE, [PLANT])
    assert not matches(parse_filters("include: hydrogen"), ARTICLE, [PLANT])
    assert not matches(parse_filters("exclude: gigafactory"), ARTICLE, [PLANT])


def test_user_keywords_are_never_regular_expressions():
    # Regex metacharacters are just non-letters: no error, no catastrophic backtracking.
    assert parse_filters("include: (a+)+$").include == ("a",)
    with pytest.raises(FilterError, match="no letters"):
        parse_filters("include: .*")
    evil = Article(title="x", text="a" * 50_000 + "!", lang="en")
    started = time.perf_counter()
    matches(parse_filters("include: " + ", ".join(["a a a a a b"] * 30)), evil, [PLANT])
    assert time.perf_counter() - started < 1.0


def test_minimum_amount_compares_in_the_same_currency_and_roughly_across_currencies():
    assert parse_amount("10m EUR") == (Decimal("10000000"), "EUR")
    assert parse_amount("€500k") == (Decimal("500000"), "EUR")
    assert parse_amount("1.5bn USD") == (Decimal("1500000000"), "USD")
    assert parse_amount("2 Md€") == (Decimal("2000000000"), "EUR")
    assert parse_amount("100 millions de dollars") == (Decimal("100000000"), "USD")
    assert amount_at_least(Decimal("2000000000"), "EUR", Decimal("1000000000"), "EUR")
    assert amount_at_least(Decimal("2000000000"), "USD", Decimal("1000000000"), "EUR")
    assert not amount_at_least(Decimal("15000000"), "USD", Decimal("20000000"), "EUR")
    assert not amount_at_least(None, None, Decimal("1"), "EUR")  # unknown amounts do not pass a minimum
    assert matches(parse_filters("min: 1bn EUR"), ARTICLE, [PLANT])
    assert not matches(parse_filters("min: 3bn EUR"), ARTICLE, [PLANT])


@pytest.mark.parametrize("text, says", [
    ("min: 10m", "needs one currency"),
    ("min: lots", "not an amount"),
    ("min: 10m XYZ", "not a currency"),
    ("min: 0 EUR", "above zero"),
])
def test_a_bad_amount_says_how_to_write_one(text, says):
    with pytest.raises(FilterError, match=says) as caught:
        parse_filters(text)
    assert "10m EUR" in str(caught.value) or "EUR" in str(caught.value)


def test_countries_and_regions_match_the_announcements_location():
    assert matches(parse_filters("country: France"), ARTICLE, [PLANT])
    assert matches(parse_filters("country: Europe"), ARTICLE, [PLANT])
    assert matches(parse_filters("pays: allemagne"), ARTICLE, [ROUND])
    assert not matches(parse_filters("country: Asia"), ARTICLE, [PLANT, ROUND])
    region = Announcement(investor="X", amount=None, currency=None, amount_text=None, location="Île-de-France")
    assert matches(parse_filters("country: France"), ARTICLE, [region])


def test_one_announcement_must_meet_every_per_announcement_filter():
    # The plant is in France and capex; the round is in Germany and a funding round.
    assert matches(parse_filters("country: France kind: capex"), ARTICLE, [PLANT, ROUND])
    assert not matches(parse_filters("country: France kind: funding_round"), ARTICLE, [PLANT, ROUND])
    assert matches(parse_filters("investor: sequoia min: 10m USD"), ARTICLE, [PLANT, ROUND])


def test_languages_and_muted_investors():
    assert matches(parse_filters("lang: english"), ARTICLE, [PLANT])
    assert not matches(parse_filters("lang: fr"), ARTICLE, [PLANT])
    assert not matches(parse_filters("skip: northwind energy"), ARTICLE, [PLANT])
    assert matches(parse_filters("skip: northwind energy"), ARTICLE, [PLANT, ROUND])


def test_empty_filters_match_every_investment_story():
    assert Filters().empty and describe(Filters()).startswith("none")
    assert matches(Filters(), ARTICLE, [PLANT])


def test_later_clauses_change_only_their_keys_and_an_empty_value_clears_one():
    base = parse_filters("include: cloud min: 10m EUR")
    changed = parse_filters("country: France, Europe", base=base)
    assert changed.include == ("cloud",) and changed.countries == ("France", "Europe")
    cleared = parse_filters("min:", base=changed)
    assert cleared.min_amount is None and cleared.include == ("cloud",)


def test_filters_round_trip_through_json_and_describe_reads_back():
    filters = parse_filters('include: "data centre", cloud exclude: rumour min: 1.5bn USD country: Europe '
                            "investor: Microsoft kind: capex, acquisition lang: fr")
    assert Filters.from_json(filters.to_json()) == filters
    assert parse_filters(describe(filters).replace("\n", " ")) == filters
    assert Filters.from_json("not json") == Filters()


@pytest.mark.parametrize("text, says", [
    ("cloud", "each filter starts with a key"),
    ("colour: red", "is not a filter I know"),
    ("kind: party", "is not a kind"),
    ("lang: klingon", "not a language code"),
    ("include: 😀😀", "no letters or digits"),
    ("include: a include: b", "given twice"),
    ("include: " + "x" * 2000, "at most 1000"),
    ("include: " + ", ".join(str(i) for i in range(40)), "at most 30 values"),
])
def test_every_mistake_gets_a_message_saying_what_and_how(text, says):
    with pytest.raises(FilterError, match=says):
        parse_filters(text)


def test_invisible_marks_are_dropped_before_reading():
    # An RTL mark pasted in front of a key must not make the key unknown.
    assert clean_input("\u200fcountry:\u200e France\u200b") == "country: France"
    assert parse_filters("\u200fcountry: France").countries == ("France",)
    assert parse_filters("include: مرحبا").include == ("مرحبا",)
