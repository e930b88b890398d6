"""The investment benchmark: its scorer on a hand-made example, and its labelled set well-formed.

benchmarks/invest.py is a script, not a package module: it is loaded from its path.
"""

import importlib.util
import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from monitor.types import ANNOUNCEMENT_KINDS, Announcement

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "invest" / "dev.jsonl"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("invest_benchmark", ROOT / "benchmarks" / "invest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


def announcement(investor, amount, currency, location=None, kind="capex"):
    return Announcement(investor=investor, amount=None if amount is None else Decimal(amount), currency=currency,
                        amount_text="", location=location, kind=kind)


def label(investor, amount, currency, location=None, kind="capex", **alternatives):
    return {"investor": investor, "amount": amount, "currency": currency, "location": location, "kind": kind,
            **alternatives}


# --- the scorer -------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, compared",
    [
        ("The Alphabet Inc.", "alphabet"),
        ("L’Oréal SA", "l'oreal"),
        ("Siemens AG", "siemens"),
        ("Schneider Electric SE", "schneider electric"),
        ("le Groupe ADP", "groupe adp"),
        ("Tata Sons Ltd.", "tata sons"),
        ("  Bpifrance ", "bpifrance"),
        ("Société Générale S.A.", "societe generale"),
    ],
)
def test_investor_names_are_compared_without_case_accents_articles_or_legal_suffixes(written, compared):
    assert bench.normalise_name(written) == compared


def test_different_names_stay_different_after_normalisation():
    assert bench.normalise_name("Microsoft Corp") != bench.normalise_name("Microsoft Azure")
    assert bench.normalise_name("Google") != bench.normalise_name("Alphabet")
    assert bench.normalise_name(None) is None


def test_the_scorer_counts_decisions_and_fields_on_a_hand_made_example():
    items = [
        # a hit with every field right (investor written differently)
        {"id": "a", "is_investment": True, "announcements": [label("Microsoft", "4000000000", "EUR", "France")]},
        # a hit with the wrong amount and place, but the right investor
        {"id": "b", "is_investment": True, "announcements": [label("Amazon", "1200000000", "EUR", "France")]},
        # a miss
        {"id": "c", "is_investment": True, "announcements": [label("Iliad", "3000000000", "EUR")]},
        # a false alarm and a correct rejection
        {"id": "d", "is_investment": False, "announcements": []},
        {"id": "e", "is_investment": False, "announcements": []},
    ]
    predictions = {
        "a": [announcement("Microsoft Corp.", "4000000000", "EUR", "France")],
        "b": [announcement("Amazon", "1300000000", "USD", "Germany")],
        "c": [],
        "d": [announcement("Apple", "1800000000", "EUR")],
        "e": [],
    }
    tally = bench.Tally()
    for item in items:
        bench.score_item(item, predictions[item["id"]], tally)
    assert (tally.tp, tally.fp, tally.fn, tally.tn) == (2, 1, 1, 1)
    precision, recall, f1 = tally.decision()
    assert (precision, recall) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert f1 == pytest.approx(2 / 3)
    # Fields are scored over the 3 labelled announcements; the missed one is wrong on all of them.
    assert tally.labelled == 3
    assert (tally.investor, tally.amount, tally.location) == (2, 1, 1)


def test_labelled_alternatives_are_accepted_and_none_expects_none():
    item = {"id": "x", "is_investment": True, "announcements": [
        label("Tiger Global", "486000000", "EUR", None, investor_alt=["Tiger Global et TCV"]),
        label("Brookfield", "20000000000", "EUR", "France", location_alt=["Cambrai"]),
    ]}
    found = [announcement("Tiger Global et TCV", "486000000", "EUR"),
             announcement("Brookfield", "20000000000", "EUR", "Cambrai")]
    tally = bench.Tally()
    bench.score_item(item, found, tally)
    assert (tally.investor, tally.amount, tally.location) == (2, 2, 2)


def test_predictions_are_matched_to_labels_by_amount_first():
    labels = [label("A", "1", "EUR"), label("B", "2", "EUR")]
    found = [announcement("B", "2", "EUR"), announcement("A", "1", "EUR")]
    assert [a.investor for a in bench.align(labels, found)] == ["A", "B"]
    # Without a matching amount, the first prediction left is used.
    assert bench.align([label("C", "9", "EUR")], found)[0].investor == "B"


def test_an_extra_prediction_counts_as_spurious():
    item = {"id": "y", "is_investment": True, "announcements": [label("A", "1", "EUR")]}
    tally = bench.Tally()
    bench.score_item(item, [announcement("A", "1", "EUR"), announcement("Z", "7", "USD")], tally)
    assert tally.spurious == 1 and tally.amount == 1


# --- the labelled set -------------------------------------------------------------

ITEMS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
REQUIRED = {"id", "lang", "split", "style", "title", "text", "is_investment", "announcements", "tags"}
HARD_NEGATIVES = {
    "fine", "settlement", "revenue", "profit", "market_forecast", "price", "share_price", "job_cuts",
    "cost_savings", "lawsuit", "loan", "donation", "older_mention", "aggregate",
}


def test_the_set_has_at_least_250_articles_and_40_percent_french():
    assert len(ITEMS) >= 250
    langs = Counter(item["lang"] for item in ITEMS)
    assert set(langs) == {"en", "fr"}
    assert langs["fr"] / len(ITEMS) >= 0.40


def test_every_item_has_the_fields_and_a_unique_id():
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)
    for item in ITEMS:
        assert REQUIRED <= set(item), item["id"]
        assert item["split"] in ("dev", "held", "held2"), item["id"]
        assert item["title"].strip() and item["text"].strip(), item["id"]
        assert item["is_investment"] == bool(item["announcements"]), item["id"]


def test_every_announcement_label_is_well_formed():
    for item in ITEMS:
        for a in item["announcements"]:
            assert {"investor", "amount", "currency", "location", "kind"} <= set(a), item["id"]
            if a["amount"] is not None:
                assert Decimal(a["amount"]) > 0, item["id"]
            assert isinstance(a["currency"], str) and len(a["currency"]) == 3 and a["currency"].isupper()
            assert a["kind"] in ANNOUNCEMENT_KINDS, item["id"]
            for key in ("investor_alt", "location_alt"):
                assert isinstance(a.get(key, []), list), item["id"]


def test_the_set_holds_every_hard_negative_and_every_kind_of_positive():
    tags = Counter(tag for item in ITEMS if not item["is_investment"] for tag in item["tags"])
    assert HARD_NEGATIVES <= set(tags), HARD_NEGATIVES - set(tags)
    kinds = Counter(a["kind"] for item in ITEMS for a in item["announcements"])
    assert set(kinds) == set(ANNOUNCEMENT_KINDS)
    assert sum(len(item["announcements"]) > 1 for item in ITEMS) >= 10  # multi-announcement articles
    assert sum(a["upper_bound"] for item in ITEMS for a in item["announcements"]) >= 5


def test_a_held_back_part_of_each_language_is_kept_for_the_final_check():
    for lang in ("en", "fr"):
        own = [item for item in ITEMS if item["lang"] == lang and item["split"] in ("dev", "held")]
        held = [item for item in own if item["split"] == "held"]
        assert 0.25 <= len(held) / len(own) <= 0.35


def test_the_detector_meets_the_issue_targets_on_the_whole_set():
    tallies, _ = bench.run(bench.load(DATA, "all"))
    overall = tallies["all"]
    assert overall.decision()[2] >= 0.95
    assert overall.share(overall.amount) >= 0.95
