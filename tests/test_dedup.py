"""Dedup, first layers: the same URL and the same text make a duplicate of the stored article."""

from monitor.dedup import content_hash, decide, normalise_text
from monitor.store import StoredMatch


def test_typography_does_not_change_the_content_hash():
    a = content_hash("T", "L’usine coûtera 4 milliards d’euros.\n\nFin.")
    b = content_hash("T", "L'usine   coutera 4 MILLIARDS d'euros. Fin")
    assert a == b


def test_different_text_gives_a_different_hash():
    assert content_hash("T", "Microsoft invests in France.") != content_hash("T", "Microsoft invests in Germany.")


def test_an_empty_body_hashes_the_title_so_two_empty_pages_do_not_collide():
    assert content_hash("First title", "") != content_hash("Second title", "")


def test_normalise_text_strips_accents_and_punctuation():
    assert normalise_text("Élysée, « Choose France » !") == "elysee choose france"


def test_decide_prefers_the_url_match_then_the_text_match():
    by_url, by_text = StoredMatch(1, 10, None), StoredMatch(2, 20, None)
    assert decide(by_url, by_text).reason == "same-url"
    text_decision = decide(None, by_text)
    assert (text_decision.reason, text_decision.duplicate_of, text_decision.story_id) == ("same-text", 2, 20)
    assert decide(None, None).reason == "new" and decide(None, None).story_id is None
