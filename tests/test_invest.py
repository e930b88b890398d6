"""Investment announcements: what counts, who invests, how much, where, and what does not count.

The articles here are written for these tests; they imitate the shape of real
stories (a French and an English telling of two companies' commitments to
France) without copying any.
"""

import re
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from monitor.invest import find_announcements
from monitor.types import ANNOUNCEMENT_KINDS, Announcement

PUBLISHED = datetime(2024, 5, 13, 12, 0, tzinfo=timezone.utc)

FRENCH_ARTICLE_TITLE = "Microsoft va investir 4 milliards d'euros en France pour l'IA"
FRENCH_ARTICLE = """\
Le groupe américain a annoncé lundi un investissement de 4 milliards d'euros dans l'Hexagone, \
destiné surtout à de nouveaux centres de données pour le cloud et l'intelligence artificielle.

Son président, Brad Smith, rappelle que la firme n'avait jamais engagé une telle somme dans le pays. \
On reste loin des 15 millions de dollars injectés récemment dans la start-up Mistral AI.

Un nouveau centre de données sortira de terre près de Mulhouse. Les 4 milliards d'euros serviront \
aussi à former un million de personnes d'ici 2027, et 2 500 jeunes pousses en profiteront.
"""

ENGLISH_ARTICLE_TITLE = "Microsoft and Amazon pledge $5.6 billion for France's cloud and AI push"
ENGLISH_ARTICLE = """\
Microsoft said on Monday it will invest 4 billion euros ($4.3 billion) in France to expand its \
cloud and AI infrastructure, including a new data center near Mulhouse.

Amazon committed 1.2 billion euros to grow its logistics network in the country, which should \
create 3,000 jobs. Together, the two companies' commitments amount to $5.6 billion, part of a \
record 15 billion euros pledged by foreign groups at the summit.

Microsoft's recent moves in France also include a 15 million euro stake in Mistral AI, taken last year. \
The U.S. group will also bring up to 25,000 GPUs to the country by 2025.
"""


def one(title: str, text: str = "", lang: str | None = None) -> Announcement:
    found = find_announcements(title, text, lang, PUBLISHED)
    assert len(found) == 1, found
    return found[0]


# --- the two stories ----------------------------------------------------------


def test_the_french_story_is_one_announcement_and_the_passing_mention_of_mistral_is_not():
    (found,) = find_announcements(FRENCH_ARTICLE_TITLE, FRENCH_ARTICLE, "fr", PUBLISHED)
    assert found.investor == "Microsoft"
    assert (found.amount, found.currency) == (Decimal("4000000000"), "EUR")
    assert found.location == "France"
    assert found.kind == "capex"
    assert "data centre" in found.purpose and "AI" in found.purpose
    assert "4 milliards" in found.evidence


def test_the_english_story_has_exactly_two_announcements_and_no_total():
    found = find_announcements(ENGLISH_ARTICLE_TITLE, ENGLISH_ARTICLE, "en", PUBLISHED)
    summary = [(a.investor, a.amount, a.currency, a.location) for a in found]
    assert summary == [
        ("Microsoft", Decimal("4000000000"), "EUR", "France"),
        ("Amazon", Decimal("1200000000"), "EUR", "France"),
    ]
    assert found[0].amount_text == "4 billion euros"  # the original currency, not the conversion
    assert found[1].purpose == "logistics"


def test_a_vague_headline_merges_with_the_figure_in_the_body():
    title = "Microsoft investit plusieurs milliards d'euros en France"
    (found,) = find_announcements(title, FRENCH_ARTICLE, "fr", PUBLISHED)
    assert (found.investor, found.amount) == ("Microsoft", Decimal("4000000000"))


def test_a_headline_alone_is_enough():
    found = one("Microsoft investit plusieurs milliards d'euros en France", "", "fr")
    assert found.investor == "Microsoft" and found.amount is None and found.currency == "EUR"
    found = one("Nvidia to invest $2 billion in British AI start-ups", "", "en")
    assert (found.investor, found.amount, found.location) == ("Nvidia", Decimal("2000000000"), "United Kingdom")


def test_the_same_investment_in_title_and_body_is_returned_once():
    title = "Siemens to invest €1 billion in Bavaria"
    text = "Siemens will invest €1 billion in new factories in Bavaria, the company said. " \
           "The €1 billion programme runs until 2030."
    found = one(title, text, "en")
    assert (found.investor, found.amount, found.location) == ("Siemens", Decimal("1000000000"), "Bavaria")
    assert found.purpose == "factory"


def test_a_converted_amount_in_parentheses_is_the_same_announcement():
    found = one("", "Orange will invest 3 billion euros ($3.2 billion) in fibre networks in Poland.", "en")
    assert (found.amount, found.currency, found.location) == (Decimal("3000000000"), "EUR", "Poland")


# --- kinds --------------------------------------------------------------------


def test_a_funding_round_in_english_names_the_raiser_as_recipient_and_the_lead_as_investor():
    found = one("", "Lumora, a Lyon-based robotics startup, raises €40 million in a Series B led by Northwind Capital.")
    assert found.kind == "funding_round"
    assert (found.recipient, found.investor) == ("Lumora", "Northwind Capital")
    assert (found.amount, found.currency) == (Decimal("40000000"), "EUR")


def test_a_funding_round_in_french_names_the_raiser_and_the_fund():
    found = one("", "La start-up bordelaise Veltis lève 12 millions d'euros auprès du fonds Aurelia Ventures.", "fr")
    assert found.kind == "funding_round"
    assert (found.recipient, found.investor) == ("Veltis", "Aurelia Ventures")
    assert found.amount == Decimal("12000000")


def test_a_round_without_a_named_lead_has_no_investor():
    found = one("Quantix boucle un tour de table de 8 M€", "", "fr")
    assert found.kind == "funding_round"
    assert (found.recipient, found.investor, found.amount) == ("Quantix", None, Decimal("8000000"))


def test_an_acquisition_names_the_buyer_and_the_target():
    found = one("", "Globex agreed to acquire the Danish software maker Tivra for $2.1 billion.", "en")
    assert found.kind == "acquisition"
    assert (found.investor, found.recipient) == ("Globex", "Tivra")
    assert found.location == "Denmark"
    found = one("", "Le groupe Valmer rachète l'éditeur nantais Softéo pour 350 millions d'euros.", "fr")
    assert found.kind == "acquisition"
    assert (found.investor, found.recipient, found.amount) == ("Valmer", "Softéo", Decimal("350000000"))


def test_a_stake_is_an_equity_stake():
    found = one("", "Helvia Energy takes a 20% stake in Baltic Wind for €300 million.", "en")
    assert found.kind == "equity_stake"
    assert (found.investor, found.recipient) == ("Helvia Energy", "Baltic Wind")
    found = one("", "Le fonds Arvel prend une participation de 15 % dans Ondine pour 60 millions d'euros.", "fr")
    assert found.kind == "equity_stake" and found.recipient == "Ondine"


def test_a_state_or_region_programme_is_a_public_programme():
    found = one("", "The German government will invest €5 billion in a new programme for chip plants in Saxony.", "en")
    assert found.kind == "public_programme"
    assert (found.investor, found.location) == ("German government", "Saxony")
    assert "chips" in found.purpose
    found = one("", "L'État débloque 500 millions d'euros pour la filière hydrogène en Normandie.", "fr")
    assert found.kind == "public_programme"
    assert (found.investor, found.location, found.purpose) == ("État", "Normandy", "energy")
    found = one("", "La région Grand Est va investir 120 millions d'euros dans un plan pour ses usines.", "fr")
    assert found.kind == "public_programme" and found.location == "Grand Est"


def test_an_upper_bound_is_kept():
    found = one("", "Vantor could invest up to $2 billion in a battery plant in Texas.", "en")
    assert found.upper_bound and found.amount == Decimal("2000000000")
    assert found.amount_text == "up to $2 billion"
    assert (found.location, found.purpose) == ("Texas", "batteries, factory")


def test_the_company_is_resolved_to_the_subject_of_the_title():
    found = one("Airbus renforce sa présence à Toulouse",
                "Le groupe va investir 900 millions d'euros dans une nouvelle chaîne.", "fr")
    assert found.investor == "Airbus" and found.location == "Toulouse"


def test_several_investors_in_one_article_are_kept_apart():
    text = ("Vertex Cloud will invest €2 billion in Spain. "
            "Separately, Nordhaus committed €700 million to a warehouse network in Portugal.")
    found = find_announcements("", text, "en", PUBLISHED)
    assert [(a.investor, a.amount, a.location) for a in found] == [
        ("Vertex Cloud", Decimal("2000000000"), "Spain"),
        ("Nordhaus", Decimal("700000000"), "Portugal"),
    ]


def test_a_range_keeps_its_high_end_and_its_wording():
    found = one("", "Le fonds Aldara s'engage à investir entre 30 et 50 milliards d'euros dans un campus IA en France.", "fr")
    assert (found.investor, found.amount, found.location) == ("Aldara", Decimal("50000000000"), "France")
    assert found.amount_text == "entre 30 et 50 milliards d'euros"


def test_joint_investors_stay_together_when_they_announce_together():
    found = one("", "Valtra et Norsk Cells construiront une usine de batteries de 2,5 milliards de dollars dans l'Indiana.",
                "fr")
    assert (found.investor, found.location, found.kind) == ("Valtra et Norsk Cells", "Indiana", "capex")


def test_it_and_the_company_point_back_at_the_company_named_before():
    text = ("Quorvia told reporters it will invest €600 million in Ireland. "
            "The company will also spend €90 million on a research lab in Cork.")
    found = find_announcements("", text, "en", PUBLISHED)
    assert [(a.investor, a.amount, a.purpose) for a in found] == [
        ("Quorvia", Decimal("600000000"), None),
        ("Quorvia", Decimal("90000000"), "R&D"),
    ]
    found = one("", "Kestrel told reporters that it plans to invest $3 billion in Arizona.", "en")
    assert found.investor == "Kestrel"


def test_the_parts_of_an_investment_told_after_it_are_not_new_announcements():
    text = ("Brightwell has agreed to invest up to $2 billion in the chip designer Lumen Logic. "
            "Brightwell invested $500 million upfront and will add $1.5 billion over time.")
    found = one("", text, "en")
    assert (found.investor, found.recipient, found.amount, found.upper_bound) == (
        "Brightwell", "Lumen Logic", Decimal("2000000000"), True)


def test_a_valuation_in_a_funding_sentence_is_not_a_second_announcement():
    found = one("", "Orbitale raised $300 million in a Series C led by Halcyon Partners, valuing it at $4 billion.")
    assert (found.amount, found.investor, found.recipient) == (Decimal("300000000"), "Halcyon Partners", "Orbitale")


# --- what is not an announcement ----------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [
        # fines and penalties
        ("The European Commission fined Alphabet €2.4 billion for abusing its dominance.", "en"),
        ("La CNIL a infligé une amende de 150 millions d'euros à l'éditeur.", "fr"),
        # settlements and payouts
        ("Meta agreed to pay $725 million to settle the privacy lawsuit.", "en"),
        ("Le groupe s'engage à verser 300 millions d'euros d'indemnisation aux clients lésés.", "fr"),
        # revenue and profit
        ("Apple's revenue rose to $90 billion in the quarter while it keeps investing in research.", "en"),
        ("Le chiffre d'affaires du groupe a atteint 12 milliards d'euros, et il continue d'investir.", "fr"),
        ("Nvidia's net income reached $19 billion as it invests in new chips.", "en"),
        ("Le bénéfice net s'élève à 2 milliards d'euros malgré les investissements.", "fr"),
        # market-size forecasts
        ("The AI chip market is expected to reach $400 billion by 2030 as companies invest heavily.", "en"),
        ("Le marché du cloud devrait atteindre 100 milliards d'euros d'ici 2030 grâce aux investissements.", "fr"),
        # prices
        ("Apple invests heavily in the headset, which costs $3,499.", "en"),
        ("Samsung investit dans son nouveau modèle, qui coûte 1 229 euros.", "fr"),
        ("Netflix raises the price of its premium plan to $22.99.", "en"),
        # valuation and share moves
        ("Mistral is now valued at €6 billion after investors poured money into it.", "en"),
        ("La start-up, qui vient de lever des fonds, est désormais valorisée 6 milliards d'euros.", "fr"),
        ("Shares rose 8%, wiping out $40 billion of losses, as it invests in chips.", "en"),
        # job cuts and savings
        ("Intel will invest less and cut 15,000 jobs to save $10 billion next year.", "en"),
        ("Le groupe va supprimer 2 000 postes dans un plan d'économies de 500 millions d'euros.", "fr"),
        ("The carmaker announced a plan to cut costs by €4 billion.", "en"),
        # damages
        ("Epic sued the company for $1 billion in damages over its investments.", "en"),
        ("L'entreprise réclame 50 millions d'euros de dommages et intérêts à son ancien investisseur.", "fr"),
        # loans between states and institutions
        ("The World Bank approved a $500 million loan to Kenya to finance roads.", "en"),
        ("La BEI accorde un prêt de 400 millions d'euros à l'Italie pour financer ses réseaux.", "fr"),
        # donations
        ("The founder pledged $100 million to charity.", "en"),
        ("Le milliardaire a fait un don de 100 millions d'euros pour financer la restauration.", "fr"),
        # older investments mentioned in passing
        ("Microsoft invested $10 billion in OpenAI last year.", "en"),
        ("Amazon avait déjà injecté 4 milliards de dollars dans Anthropic en 2023.", "fr"),
        ("Its earlier bet, a €15 million stake in a Paris start-up acquired in 2023, is doing well.", "en"),
        ("On est loin des 15 millions de dollars injectés récemment dans la start-up.", "fr"),
        # aggregates
        ("Collectively, the foreign groups' commitments amount to $20 billion.", "en"),
        ("Au total, les investissements étrangers annoncés atteignent 15 milliards d'euros.", "fr"),
        # descriptions of the investor, cumulative and habitual amounts
        ("Corvane, which manages $900 billion in assets, said it would invest more in AI.", "en"),
        ("The fund, which manages €50 billion, invests in infrastructure.", "en"),
        ("The startup has raised $300 million to date.", "en"),
        ("La jeune pousse a levé 40 millions d'euros depuis sa création.", "fr"),
        ("Le groupe investit chaque année près d'un milliard d'euros en recherche.", "fr"),
        ("The firm, which raised $20 million in March, is hiring.", "en"),
        # share buybacks and dividends
        ("The company plans a $10 billion share buyback.", "en"),
        ("Le groupe a racheté pour 1 milliard d'euros de ses propres actions.", "fr"),
        # a currency amount with no commitment at all
        ("The company was founded in 2015 and employs 3,000 people.", "en"),
        ("Le nouveau téléphone est vendu 999 euros.", "fr"),
    ],
)
def test_hard_negatives_are_not_announcements(text, lang):
    assert find_announcements("", text, lang, PUBLISHED) == []


@pytest.mark.parametrize(
    "title, text",
    [
        ("", ""),
        ("   ", "\n\n\n"),
        ("€€€ $$$", "4.3. U.S. M. ... ,,, 1,2,3,4 €"),
        ("invests", "raises $"),
        ("Investit 4 milliards", "x" * 5000),
        ("Title", "9" * 2000 + " €"),
        ("\x00\ufeff", "\u202f\u00a0€ 4 \u202f milliards"),
        ("De 1 à à 2 milliards", "between and $"),
    ],
    ids=range(8),
)
def test_find_announcements_never_raises_on_empty_or_odd_input(title, text):
    for lang in (None, "fr", "en", "xx", ""):
        found = find_announcements(title, text, lang)
        assert isinstance(found, list)
        assert all(isinstance(a, Announcement) for a in found)


def test_every_announcement_has_a_known_kind_and_a_bounded_confidence():
    found = find_announcements(ENGLISH_ARTICLE_TITLE, ENGLISH_ARTICLE, "en", PUBLISHED)
    found += find_announcements(FRENCH_ARTICLE_TITLE, FRENCH_ARTICLE, "fr", PUBLISHED)
    assert found
    for a in found:
        assert a.kind in ANNOUNCEMENT_KINDS
        assert 0.0 <= a.confidence <= 1.0
        assert a.evidence


def test_sentences_do_not_break_inside_numbers_or_abbreviations():
    text = "The U.S. group Corvane Inc. said on Monday it will invest $4.3 billion in Ohio."
    found = one("", text, "en")
    assert found.evidence == text
    assert (found.amount, found.location) == (Decimal("4300000000"), "Ohio")


# --- rules added from the labelled set (benchmarks/data/invest) -----------------------


def test_a_wire_dateline_is_neither_the_investor_nor_the_place():
    text = "OSLO, March 3 (Reuters) - Halvard Energi will invest NOK 12 billion in a new grid link, it said."
    found = one("", text, "en")
    assert (found.investor, found.amount, found.currency) == ("Halvard Energi", Decimal("12000000000"), "NOK")
    assert found.location is None


def test_the_owner_before_a_possessive_is_not_the_investor():
    found = one("", "Norway's Pellor Fund will invest $2 billion in data centres in Texas.", "en")
    assert (found.investor, found.location) == ("Pellor Fund", "Texas")


def test_an_appositive_between_subject_and_verb_is_skipped():
    text = "Tallworth, a Leeds startup that sells scheduling software, has raised £6m led by Kestrel Capital."
    found = one("", text, "en")
    assert (found.recipient, found.investor, found.location, found.kind) == (
        "Tallworth", "Kestrel Capital", "Leeds", "funding_round")


def test_the_lead_investor_named_in_the_next_sentence_is_found():
    text = "Quillon, a Nantes startup, has raised €9 million. Partech led the round, joined by angels."
    found = one("", text, "fr")
    assert (found.investor, found.recipient, found.location) == ("Partech", "Quillon", "Nantes")


def test_a_city_adjective_places_a_french_startup():
    found = one("", "La start-up bordelaise Volteo lève 5 millions d'euros auprès de Kima Ventures.", "fr")
    assert (found.location, found.investor) == ("Bordeaux", "Kima Ventures")


def test_money_into_a_named_company_is_a_stake_and_into_a_plant_is_capex():
    stake = one("", "Corvane will invest $10 billion in Lumen Logic.", "en")
    plant = one("", "Corvane will invest $10 billion in a new factory in Ohio.", "en")
    assert (stake.kind, stake.recipient) == ("equity_stake", "Lumen Logic")
    assert (plant.kind, plant.recipient, plant.location) == ("capex", None, "Ohio")


def test_a_majority_stake_is_an_acquisition_and_a_minority_one_a_stake():
    major = one("", "Fenwick agreed to buy a 60% stake in Portan for €900 million.", "en")
    minor = one("", "Fenwick agreed to buy a 20% stake in Portan for €300 million.", "en")
    assert (major.kind, minor.kind) == ("acquisition", "equity_stake")


def test_a_seller_sentence_names_the_buyer_as_investor():
    found = one("", "Marbella Energy sells 25% of its grid unit Redline to KKR for 2.9 billion euros.", "en")
    assert (found.investor, found.kind, found.amount) == ("KKR", "equity_stake", Decimal("2900000000"))


def test_reported_speech_in_the_past_perfect_is_news_but_a_plain_past_perfect_is_not():
    news = "Vantor said on Monday it had invested $25 million in the fintech Kredo."
    background = "Vantor had pledged $12 billion to the region before the war."
    assert one("", news, "en").amount == Decimal("25000000")
    assert find_announcements("", background, "en", PUBLISHED) == []


def test_a_french_amount_without_currency_takes_the_articles_currency():
    title = "Free va investir 3 milliards dans la fibre"
    text = "L'opérateur a dévoilé un plan de 3 milliards d'euros pour achever la fibre d'ici 2027."
    found = one(title, text, "fr")
    assert (found.amount, found.currency) == (Decimal("3000000000"), "EUR")
    (alone,) = find_announcements("Kering rachète Creed pour 3,5 milliards", "Le groupe y met 3,5 milliards d'euros.", "fr")
    assert alone.amount == Decimal("3500000000")


def test_in_the_country_points_back_at_the_country_named_before():
    text = ("Corvane will invest 2 billion euros in Spain. "
            "Halden committed 500 million euros to expand its warehouses in the country.")
    found = find_announcements("", text, "en", PUBLISHED)
    assert [(a.investor, a.location) for a in found] == [("Corvane", "Spain"), ("Halden", "Spain")]


def test_the_headline_does_not_lend_its_place_to_a_second_company():
    title = "Corvane to invest €1bn in Portugal"
    text = "Corvane will invest €1bn in Portugal. Separately, Halden said it would spend €200m on research."
    found = find_announcements(title, text, "en", PUBLISHED)
    assert [(a.investor, a.location) for a in found] == [("Corvane", "Portugal"), ("Halden", None)]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Ford scraps a planned $1.2 billion investment in a battery plant.", "en"),
        ("BP said it would spend $1.5bn less per year on renewables.", "en"),
        ("The Ashmore Foundation pledged $1.2 billion to fight malaria.", "en"),
        ("The Keller Earth Fund will give grants totalling $100 million to researchers.", "en"),
        ("Le milliardaire s'engage à verser 50 millions d'euros aux associations d'aide alimentaire.", "fr"),
        ("Nigeria has secured $2.25 billion in financing from the World Bank.", "en"),
        ("La BEI va prêter 500 millions d'euros à l'État grec.", "fr"),
        ("Sequoia Capital has closed two new funds worth a combined $950m.", "en"),
        ("European tech startups raised a combined €45bn in 2024.", "en"),
        ("Les start-up françaises ont levé 8,3 milliards d'euros en 2023.", "fr"),
        ("The launch comes after the company's $13 billion investment in OpenAI.", "en"),
        ("Klarna, the buy-now-pay-later group, is valued at $6.7bn.", "en"),
        ("Verkor a finalisé un financement de 2 milliards d'euros, combinant fonds propres et dette bancaire.", "fr"),
        ("H2 Steel has secured 4.5 billion euros in debt financing from 20 lenders.", "en"),
    ],
)
def test_more_hard_negatives_are_not_announcements(text, lang):
    assert find_announcements("", text, lang, PUBLISHED) == []


def test_a_price_including_debt_is_still_an_acquisition():
    text = "A consortium led by Corvane has agreed to acquire Portan in a deal worth $22.8bn including debt."
    found = one("", text, "en")
    assert (found.amount, found.kind) == (Decimal("22800000000"), "acquisition")


def test_each_splits_a_joint_commitment_into_one_per_investor():
    text = "Halden and Corvane will each invest $5 billion in a new fund for Indonesia."
    found = find_announcements("", text, "en", PUBLISHED)
    assert [(a.investor, a.amount) for a in found] == [
        ("Halden", Decimal("5000000000")), ("Corvane", Decimal("5000000000"))]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Apollo raised $6bn for its new infrastructure fund, the firm said.", "en"),
        ("BlackRock lève 12,5 milliards de dollars pour son nouveau fonds d'infrastructures.", "fr"),
        ("Shein is seeking to raise up to $2 billion in its London IPO.", "en"),
        ("ArcelorMittal suspend son projet d'investissement de 1,8 milliard d'euros à Dunkerque.", "fr"),
        ("The Wellcome Trust will give £50m in grants to climate researchers, the charity said.", "en"),
    ],
)
def test_fund_closes_listings_suspensions_and_charitable_grants_are_not_announcements(text, lang):
    assert find_announcements("", text, lang, PUBLISHED) == []


def test_grants_from_a_government_are_a_public_programme():
    found = one("", "The government said it would provide £500m of grants for new nuclear plants.", "en")
    assert (found.investor, found.kind, found.amount) == ("government", "public_programme", Decimal("500000000"))


def test_a_combined_network_is_no_aggregate():
    found = one("", "Vodafone and Three will invest £11bn in the combined network over ten years.", "en")
    assert (found.investor, found.amount) == ("Vodafone and Three", Decimal("11000000000"))


def test_the_investors_nationality_is_not_where_the_money_goes():
    found = one("", "Le groupe américain va injecter 1 milliard de dollars dans sa filiale française.", "fr")
    assert found.location == "France"
    assert one("", "Alphabet-owned Waymo raised $5.6 billion in a funding round.", "en").recipient == "Waymo"


def test_gathering_a_lexicon_by_first_letter_keeps_its_matches():
    from monitor.invest import _by_first_letter

    plain = re.compile(r"(?<![\w-])(?:fines?|fined|penalt(?:y|ies)|\brecord\b|(?:market|marché)\s+worth|[0-9]+\s+years"
                       r"|s|settle(?:d|ment)?)(?!\w)")
    grouped = _by_first_letter(plain)
    assert grouped.pattern != plain.pattern
    text = ("Fined twice, the firm paid penalties, a record fine; the market worth and marché worth 3 years s "
            "settled settlement settle 12 years.").lower()
    assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in plain.finditer(text)]
