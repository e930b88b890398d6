"""Dedup, the pure part: fingerprints, signatures, the language-independent story fingerprint, verdicts.

Issue 5: one story, one alert. The articles here are short ones we wrote; the
labelled set of benchmarks/dedup.py holds the long ones.
"""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from monitor import dedup
from monitor.dedup import (
    Candidate,
    StoryFeatures,
    content_hash,
    decide,
    fingerprint,
    is_near_copy,
    minhash,
    normalise_text,
    resemblance,
    shingle_hashes,
    story_features,
    story_similarity,
)
from monitor.discover import url_identity_key
from monitor.store import StoredMatch
from monitor.types import Announcement, Article

T0 = datetime(2024, 3, 4, 8, 0, tzinfo=timezone.utc)

WIRE = (
    "PARIS, March 4 (Wire) - Nordvale Cloud will invest 2.5 billion euros ($2.7 billion) over three years "
    "to build two data centres in France, the Swedish company said on Monday.\n\n"
    "The sites, near Dunkirk and Lyon, will host about 18,000 graphics processors and create 600 jobs, "
    "chief executive Ingrid Halvorsen told reporters. Construction starts this summer."
)
WIRE_FR = (
    "Le suédois Nordvale Cloud a annoncé lundi un investissement de 2,5 milliards d'euros sur trois ans "
    "pour construire deux centres de données en France, près de Dunkerque et de Lyon.\n\n"
    "Les sites accueilleront environ 18 000 processeurs graphiques et 600 emplois, selon sa directrice "
    "générale, Ingrid Halvorsen."
)
GERMANY = (
    "FRANKFURT, March 6 (Wire) - Nordvale Cloud said on Wednesday it would spend 1.8 billion euros on a "
    "data centre campus near Frankfurt, two days after announcing a larger investment in France.\n\n"
    "The German campus will employ about 400 people, chief executive Ingrid Halvorsen said."
)


def ann(investor, amount, currency="EUR", location=None, kind="capex", recipient=None):
    return Announcement(investor=investor, amount=Decimal(amount), currency=currency, amount_text=None,
                        location=location, kind=kind, recipient=recipient)


def features(title, text, lang="en", announcements=()):
    return story_features(title, text, lang, announcements)


# --- layers 1 and 2 -----------------------------------------------------------------


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


def test_url_variants_of_one_page_share_an_identity_key():
    key = url_identity_key("https://news.example.com/a/story")
    for variant in (
        "http://www.news.example.com/a/story/",
        "https://m.news.example.com/a/story",
        "https://news.example.com/amp/a/story",
        "https://news.example.com/a/story/amp",
        "https://news.example.com/a/story?amp",
        "https://news.example.com/a/story?outputType=amp&utm_source=x",
        "https://NEWS.example.com/a/story#comments",
    ):
        assert url_identity_key(variant) == key, variant


def test_url_identity_keeps_different_pages_apart():
    assert url_identity_key("https://example.com/?p=12") != url_identity_key("https://example.com/?p=13")
    assert url_identity_key("https://example.com/a/story") != url_identity_key("https://example.com/a/other")


# --- layer 3 --------------------------------------------------------------------------


def test_a_lightly_edited_copy_resembles_its_original_and_shares_a_band():
    edited = WIRE.replace("said on Monday", "announced on Monday").replace("Construction starts this summer.", "")
    a, b = minhash(shingle_hashes(WIRE)), minhash(shingle_hashes(edited))
    assert resemblance(a, b) >= dedup.NEAR_COPY_RESEMBLANCE
    assert set(dedup.band_keys(a)) & set(dedup.band_keys(b))


def test_a_rewrite_of_the_same_story_is_not_a_near_copy():
    a, b = shingle_hashes(WIRE), shingle_hashes(WIRE_FR)
    copy, _ = is_near_copy(minhash(a), len(a), minhash(b), len(b))
    assert not copy


def test_an_excerpt_of_a_longer_text_is_a_copy_by_containment():
    long_text = WIRE + "\n\n" + (
        "Nordvale opened its first French office in 2019 and employs 140 people in Paris. The company is backed "
        "by the Wallberg family and reported revenue of 1.1 billion euros last year, up a fifth.\n\n"
        "Rivals from the United States have announced larger plans in Europe this year, and the French "
        "government has promised faster grid connections for new data centres in the north of the country."
    )
    a, b = shingle_hashes(WIRE), shingle_hashes(long_text)
    copy, j = is_near_copy(minhash(a), len(a), minhash(b), len(b))
    assert copy and j < dedup.NEAR_COPY_RESEMBLANCE


def test_signatures_survive_the_database_round_trip():
    sig = minhash(shingle_hashes(WIRE))
    assert dedup.unpack_signature(dedup.pack_signature(sig)) == sig


# --- layers 4 and 5: the fingerprint ---------------------------------------------------


def test_amounts_and_numbers_are_normalised_whatever_the_language():
    en = features("Nordvale to invest €2.5bn in France", WIRE)
    fr = features("Nordvale va investir 2,5 milliards d'euros en France", WIRE_FR, "fr")
    for key in ("m:EUR:2.5e+09", "n:18000", "n:600", "c:fr", "e:nordvale", "e:halvorsen", "e:lyon"):
        assert key in en.keys and key in fr.keys, key


def test_countries_and_cities_map_to_one_code_in_both_languages():
    fr = features("L'allemand Kaltbach s'installe près du Havre", "Le groupe allemand Kaltbach investit en Normandie.", "fr")
    en = features("German group Kaltbach picks Le Havre", "Kaltbach, the German engineering group, is building in Normandy.")
    for key in ("c:de", "c:fr", "e:havre", "e:normandy"):
        assert key in fr.keys and key in en.keys, key


def test_a_dateline_does_not_count_as_the_story_country():
    f = features("Orliac picks Sines for battery plant", "LONDON, April 16 (Wire) - Orliac will build a plant in Portugal, "
                 "its Portuguese partner said.")
    assert f.country == "pt" and "gb" not in f.head_countries


def test_figures_recalled_from_an_earlier_story_are_not_headline_figures():
    f = features("Kite Robotics picks Lyon for European site",
                 "Kite Robotics will open a site near Lyon with 60 staff, a day after raising $75 million.")
    assert not f.head_money and "m:USD:7.5e+07" not in f.head_keys


def test_story_features_survive_the_database_round_trip():
    f = features("Nordvale to invest €2.5bn in France", WIRE, announcements=[ann("Nordvale Cloud", 2_500_000_000, location="France")])
    assert StoryFeatures.from_json(f.to_json()) == f


# --- layers 4 to 6: verdicts ------------------------------------------------------------


def test_the_same_investment_in_english_and_french_is_one_story():
    en = features("Nordvale to invest €2.5bn in French data centres", WIRE,
                  announcements=[ann("Nordvale Cloud", 2_500_000_000, location="France")])
    fr = features("Le suédois Nordvale va investir 2,5 milliards d'euros en France", WIRE_FR, "fr",
                  announcements=[ann("Nordvale Cloud", 2_500_000_000, location="France")])
    verdict = story_similarity(fr, en)
    assert verdict.same_story, verdict


def test_the_same_story_without_detector_fields_still_matches_on_names_and_numbers():
    en = features("Nordvale to invest €2.5bn in French data centres", WIRE)
    fr = features("Nordvale va investir 2,5 milliards d'euros en France", WIRE_FR, "fr")
    assert story_similarity(en, fr).same_story


def test_the_same_company_investing_in_another_country_is_another_story():
    france = features("Nordvale to invest €2.5bn in French data centres", WIRE)
    germany = features("Nordvale plans €1.8bn German expansion", GERMANY)
    verdict = story_similarity(germany, france)
    assert not verdict.same_story and verdict.vetoed


def test_the_same_amount_from_two_companies_is_two_stories():
    a = features("Orliac Energy to build €500m battery plant in Portugal",
                 "Orliac Energy will invest 500 million euros in a battery plant near Sines, creating 1,200 jobs.",
                 announcements=[ann("Orliac Energy", 500_000_000, location="Portugal")])
    b = features("Brenner Werke to spend €500m on Porto plant",
                 "Brenner Werke will invest 500 million euros in a components plant near Porto, creating 900 jobs.",
                 announcements=[ann("Brenner Werke", 500_000_000, location="Portugal")])
    assert not story_similarity(a, b).same_story


def test_two_takeovers_of_the_same_value_are_two_stories():
    a = features("Halvard to buy Tessin Labs for $3.2 billion",
                 "Halvard Systems agreed to buy Tessin Labs for $3.2 billion in cash, paying $41 a share.",
                 announcements=[ann("Halvard Systems", 3_200_000_000, "USD", kind="acquisition", recipient="Tessin Labs")])
    b = features("Kestrel Pharma agrees $3.2 billion deal for Amberly Bio",
                 "Kestrel Pharma will acquire Amberly Bio for $3.2 billion, paying $18.50 a share.",
                 announcements=[ann("Kestrel Pharma", 3_200_000_000, "USD", kind="acquisition", recipient="Amberly Bio")])
    assert not story_similarity(a, b).same_story


def test_one_buyer_with_two_deals_of_the_same_value_is_two_stories():
    a = features("Greystone Capital to acquire Lumen Dental for $900 million",
                 "Greystone Capital agreed to acquire Lumen Dental, a chain of dental clinics, for $900 million. "
                 "Lumen Dental has 320 clinics.",
                 announcements=[ann("Greystone Capital", 900_000_000, "USD", kind="acquisition", recipient="Lumen Dental")])
    b = features("Greystone sells Arbor Veterinary to Pawline for $900 million",
                 "Greystone Capital will sell Arbor Veterinary to Pawline for $900 million. Pawline runs pet shops and "
                 "Arbor Veterinary has 210 animal hospitals.")
    assert not story_similarity(a, b).same_story


def test_a_follow_up_about_another_event_of_the_same_company_is_another_story():
    funding = features("Solenne Mobility raises €120m for autonomous shuttles",
                       "Solenne Mobility has raised €120m in a Series C round led by Brightwater Capital. "
                       "The Lyon company runs driverless shuttles at airports.")
    accident = features("Solenne shuttle service halted at Nice airport after collision",
                        "Nice airport suspended a shuttle service run by Solenne Mobility after a vehicle hit a baggage "
                        "cart. The Lyon start-up, which raised €120m this week, said its software worked as designed.")
    assert not story_similarity(funding, accident).same_story


def test_quarterly_results_and_a_takeover_of_a_similar_amount_are_two_stories():
    results = features("Kallisto Software revenue rises 22%",
                       "Kallisto Software reported quarterly revenue of $1.42 billion, up 22% from a year earlier.")
    deal = features("Kallisto Software to buy Ferrum for $1.4 billion",
                    "Kallisto Software will buy data company Ferrum for $1.4 billion in cash and stock.")
    verdict = story_similarity(results, deal)
    assert not verdict.same_story and verdict.why == "different kinds of event"


# --- decide ---------------------------------------------------------------------------------


def test_decide_prefers_the_url_match_then_the_text_match():
    by_url, by_text = StoredMatch(1, 10, None), StoredMatch(2, 20, None)
    assert decide(by_url, by_text).reason == "same-url"
    text_decision = decide(None, by_text)
    assert (text_decision.reason, text_decision.duplicate_of, text_decision.story_id) == ("same-text", 2, 20)
    assert decide(None, None).reason == "new" and decide(None, None).story_id is None


def _candidate(article_id, story_id, article, seen, announcements=()):
    fp = fingerprint(article, announcements)
    return Candidate(article_id, story_id, seen, fp.signature, fp.shingles, fp.features)


def test_decide_calls_a_near_copy_a_duplicate_of_its_original():
    original = Article("Nordvale to invest €2.5bn in France", WIRE, lang="en")
    copy = Article("Nordvale commits 2.5 billion euros to France", WIRE.replace("(Wire)", "(Wire via Post)"), lang="en")
    decision = decide(None, None, near=[_candidate(7, 3, original, T0)], new=fingerprint(copy), seen=T0)
    assert (decision.reason, decision.duplicate_of, decision.story_id) == ("near-copy", 7, 3)


def test_decide_joins_the_story_within_the_window_and_not_beyond():
    en = Article("Nordvale to invest €2.5bn in French data centres", WIRE, lang="en")
    fr = Article("Nordvale va investir 2,5 milliards d'euros en France", WIRE_FR, lang="fr")
    related = [_candidate(1, 5, en, T0)]
    joined = decide(None, None, related=related, new=fingerprint(fr), seen=T0 + timedelta(hours=30))
    assert (joined.reason, joined.story_id, joined.duplicate_of) == ("same-story", 5, None)
    late = decide(None, None, related=related, new=fingerprint(fr), seen=T0 + timedelta(days=5))
    assert late.reason == "new"


def test_a_late_report_of_the_same_investment_joins_its_story_up_to_the_late_window():
    found = [ann("Nordvale Cloud", 2_500_000_000, location="France")]
    en = Article("Nordvale to invest €2.5bn in French data centres", WIRE, lang="en")
    fr = Article("Nordvale va investir 2,5 milliards d'euros en France", WIRE_FR, lang="fr")
    related = [_candidate(1, 5, en, T0, found)]
    assert decide(None, None, related=related, new=fingerprint(fr, found), seen=T0 + timedelta(days=12)).story_id == 5
    too_late = decide(None, None, related=related, new=fingerprint(fr, found), seen=T0 + timedelta(days=45))
    assert too_late.reason == "new"


def test_a_near_miss_of_any_article_of_a_story_keeps_the_new_article_out_of_it():
    # The new article is like story 5's first article but a near miss of its second one.
    fr = Article("Nordvale va investir 2,5 milliards d'euros en France", WIRE_FR, lang="fr")
    germany = Article("Nordvale plans €1.8bn German expansion", GERMANY, lang="en")
    en = Article("Nordvale to invest €2.5bn in French data centres", WIRE, lang="en")
    related = [_candidate(1, 5, fr, T0), _candidate(2, 5, germany, T0)]
    assert decide(None, None, related=related, new=fingerprint(en), seen=T0).reason == "new"
