"""The extractor keeps an article's body and metadata and drops the rest of the page.

The pages under tests/data/pages/ are written for these tests, built like
real sites: a French WordPress blog, a French and an English news site, a
page of anonymous <div>s, a paywalled page with its body in JSON-LD.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from monitor.extract import Dropped, explain, extract
from monitor.types import Article

PAGES = Path(__file__).parent / "data" / "pages"
UTC = timezone.utc


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def html(body: str, head: str = "", lang: str | None = "en") -> str:
    """A small page around body."""
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<!doctype html><html{lang_attr}><head><meta charset=utf-8>{head}</head><body>{body}</body></html>"


FILLER = (
    "<p>The regional council said the money would come from its own budget and from a loan "
    "agreed with a public bank earlier this year, without raising local taxes.</p>"
    "<p>Work on the site is expected to start in the autumn and to last about eighteen months, "
    "according to the schedule presented to councillors at their meeting on Monday.</p>"
)


# ---------------------------------------------------------------------------
# A French WordPress tech blog: tags block, comment form and rules, latest
# articles, deals, search and price-comparator widgets.

FR_BLOG_URL = "https://www.geekhebdo.example/2024/05/13/altiserve-centres-de-donnees-france/?utm_source=rss"


@pytest.fixture(scope="module")
def fr_blog() -> Article:
    return extract(page("fr_wordpress_blog.html"), FR_BLOG_URL)


@pytest.mark.parametrize(
    "sentence",
    [
        "L'hébergeur néerlandais Altiserve a confirmé lundi un plan d'investissement de 3,2 milliards d'euros",
        "doit ouvrir ses portes à la fin de l'année 2026.",
        "l'ensemble représentera une capacité de 180 mégawatts",
        "Une électricité bas carbone qui attire les opérateurs",
        "La société affirme avoir déjà signé un contrat d'approvisionnement de quinze ans",
        "« une excellente nouvelle pour le territoire ».",
        "alors que la demande en puissance de calcul explose avec l'essor de l'intelligence artificielle générative.",
    ],
)
def test_french_blog_keeps_the_article_body(fr_blog, sentence):
    assert sentence in fr_blog.text


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Aller au contenu",  # skip link
        "Smartphones",  # menu
        "GeekHebdo ›",  # breadcrumbs
        "13 mai 2024 • 12:55",  # the date line under the title
        "Vue d'artiste",  # image caption
        "À lire aussi",
        "Les hébergeurs européens accélèrent",
        "Partager sur Facebook",
        "À propos de l'auteur",
        "Les sujets liés à ces tags",
        "Un commentaire",
        "Enfin une bonne nouvelle pour la région lyonnaise",  # a reader's comment
        "Laisser un commentaire",
        "Retenir mon pseudo",
        "Quelques règles à respecter",
        "Restez courtois",
        "Tout message qui ignore ces consignes",
        "Les derniers articles",
        "Un navigateur web intègre désormais",
        "[#BonPlan]",
        "notre sélection des meilleures réductions",
        "Recherchez des articles sur le site",
        "Comparer les prix",
        "Bons plans du jour",
        "Écouteurs sans fil",
        "Recevez chaque matin",
        "Tous droits réservés",
        "Mentions légales",
    ],
)
def test_french_blog_drops_its_boilerplate(fr_blog, boilerplate):
    assert boilerplate not in fr_blog.text


def test_paragraphs_are_separated_by_blank_lines_and_list_items_by_newlines(fr_blog):
    blocks = fr_blog.text.split("\n\n")
    assert blocks[0].startswith("L'hébergeur néerlandais Altiserve")
    assert blocks[0].endswith("à la fin de l'année 2026.")
    assert blocks[2] == "Une électricité bas carbone qui attire les opérateurs"
    assert blocks[4] == (
        "Saint-Priest (Rhône) : 60 MW, mise en service fin 2026\n"
        "Dunkerque (Nord) : 80 MW, mise en service en 2027\n"
        "Mérignac (Gironde) : 40 MW, mise en service en 2028"
    )
    assert len(blocks) == 7


def test_french_blog_metadata(fr_blog):
    assert fr_blog.title == "Altiserve va investir 3,2 milliards d'euros dans des centres de données en France"
    # Written "13 mai 2024 • 12:55" next to the title; naive, so UTC.
    assert fr_blog.published == datetime(2024, 5, 13, 12, 55, tzinfo=UTC)
    assert fr_blog.lang == "fr"
    assert fr_blog.canonical_url == "https://www.geekhebdo.example/2024/05/13/altiserve-centres-de-donnees-france/"
    assert fr_blog.author == "Camille Martin"
    assert fr_blog.image == "https://www.geekhebdo.example/wp-content/uploads/2024/05/altiserve-campus.jpg"
    assert fr_blog.description.startswith("L'hébergeur Altiserve prévoit trois campus")
    assert fr_blog.reason is None


# ---------------------------------------------------------------------------
# A French news site: cookie banner, most read, "À lire aussi", "Sur le même
# sujet", tags, share and follow buttons, newsletter, author bio.


@pytest.fixture(scope="module")
def fr_news() -> Article:
    return extract(page("fr_news_site.html"), "https://www.lqi.example/energie/voltea?xtor=RSS-1")


@pytest.mark.parametrize(
    "sentence",
    [
        "Voltéa a annoncé mercredi avoir bouclé un tour de table de 45 millions d'euros",
        "L'entreprise compte doubler ses effectifs, qui passeront de 80 à environ 160 salariés.",
        "« Nous visons d'abord le stockage stationnaire et les petits véhicules urbains », explique la fondatrice",
        "par la volonté de moins dépendre des fournisseurs asiatiques.",
    ],
)
def test_french_news_site_keeps_the_article_body(fr_news, sentence):
    assert sentence in fr_news.text


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Nous utilisons des cookies",
        "Tout accepter",
        "Les plus lus",
        "Une aciérie du Nord relance",
        "Par Julie Renaud",
        "Partager sur LinkedIn",
        "À lire aussi",
        "le point sur les gigafactories",
        "Lire aussi",
        "Comment le réseau électrique se prépare",
        "Tags :",
        "levée de fonds, Lyon",
        "Suivez-nous",
        "À propos de l'auteur",
        "Julie Renaud est journaliste",
        "Inscrivez-vous à notre newsletter",
        "Sur le même sujet",
        "un électrolyseur géant",
        "Toute reproduction",
    ],
)
def test_french_news_site_drops_its_boilerplate(fr_news, boilerplate):
    assert boilerplate not in fr_news.text


def test_french_news_site_metadata(fr_news):
    assert fr_news.title == "Voltéa, la start-up lyonnaise des batteries, lève 45 millions d'euros"
    # The <time> beside the title, not those of the "most read" list earlier in the page.
    assert fr_news.published == datetime(2024, 5, 15, 9, 20, tzinfo=timezone(timedelta(hours=2)))
    assert fr_news.lang == "fr"
    assert fr_news.canonical_url == "https://www.lqi.example/energie/voltea-leve-45-millions-euros-202405150920"
    assert fr_news.text.count("\n\n") == 3


# ---------------------------------------------------------------------------
# An English news site: cookie banner, share bar, related coverage, "Read
# more", newsletter box, tags, follow strip, author bio, more from, comments,
# most read, deals and a price checker.


@pytest.fixture(scope="module")
def en_news() -> Article:
    return extract(page("en_news_site.html"), "https://www.citywire.example/business/2024/05/13/corvane?ref=home")


@pytest.mark.parametrize(
    "sentence",
    [
        "Corvane Systems said on Monday it would invest €2 billion over the next four years",
        "A second, smaller facility near Amiens is expected to follow a year later.",
        "“We need power that is plentiful, predictable and clean, and this region offers all three,” she said.",
        "Jobs and training",
        "250 permanent positions once both sites are running",
        "as demand for artificial intelligence workloads keeps growing.",
    ],
)
def test_english_news_site_keeps_the_article_body(en_news, sentence):
    assert sentence in en_news.text


@pytest.mark.parametrize(
    "boilerplate",
    [
        "We use cookies",
        "Accept all",
        "Markets",  # navigation
        "Home",  # breadcrumbs
        "By Sam Okafor",
        "Share on Facebook",
        "Copy link",
        "Related coverage",
        "Europe's power grids strain",
        "Read more",
        "running out of power",
        "Sign up for our Tech Briefing newsletter",
        "in your inbox every weekday morning",
        "Tags:",
        "Cloud computing",
        "Follow us on X",
        "About the author",
        "Sam Okafor is The City Wire's technology correspondent",
        "More from Business",
        "Chipmaker beats forecasts",
        "Leave a reply",
        "Comment rules",
        "Most read",
        "Rail strike set to disrupt",
        "Deals of the day",
        "Save 25%",
        "Compare prices",
        "All rights reserved",
    ],
)
def test_english_news_site_drops_its_boilerplate(en_news, boilerplate):
    assert boilerplate not in en_news.text


def test_english_news_site_metadata(en_news):
    assert en_news.title == "Corvane commits €2 billion to new data centres in northern France"  # og:title
    assert en_news.published == datetime(2024, 5, 13, 7, 45, tzinfo=UTC)
    assert en_news.published.utcoffset() == timedelta(hours=1)  # as the page wrote it
    assert en_news.lang == "en"
    assert en_news.canonical_url == "https://www.citywire.example/business/2024/05/13/corvane-data-centres-france"
    assert en_news.author == "Sam Okafor"
    assert en_news.image == "https://img.citywire.example/2024/05/corvane-lille.jpg"


# ---------------------------------------------------------------------------
# No <article>, no semantic tags, no lang: scoring must find the body, split
# in two by an advertisement.


@pytest.fixture(scope="module")
def div_soup() -> Article:
    return extract(page("en_div_soup.html"), "https://midwestledger.example/business/2024/05/13/brightwater")


def test_scoring_finds_a_body_split_by_an_advertisement(div_soup):
    paragraphs = div_soup.text.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("Brightwater Foods will spend $300 million to build a frozen-meals plant")
    assert paragraphs[2].endswith("that the company must meet to keep the incentive.")
    assert paragraphs[3].startswith("Brightwater, which is based in Minneapolis,")
    assert paragraphs[4].endswith("on a property tax abatement for the site later this month.")


@pytest.mark.parametrize(
    "boilerplate",
    ["Obituaries", "Food industry", "Published May 13", "ADVERTISEMENT", "Reprints", "More stories",
     "Grain prices steady", "Farmers in the region", "Trending", "Local team clinches", "Copyright 2024"],
)  # fmt: skip
def test_div_soup_drops_its_boilerplate(div_soup, boilerplate):
    assert boilerplate not in div_soup.text


def test_div_soup_metadata(div_soup):
    assert div_soup.title == "Brightwater Foods to invest $300 million in Ohio plant"
    # "Published May 13, 2024 at 4:05 pm" under the title.
    assert div_soup.published == datetime(2024, 5, 13, 16, 5, tzinfo=UTC)
    assert div_soup.lang == "en"  # guessed: the page declares none
    assert div_soup.canonical_url is None


# ---------------------------------------------------------------------------
# JSON-LD articleBody.


def test_json_ld_article_body_replaces_a_paywalled_teaser():
    article = extract(page("en_jsonld_paywall.html"), "https://www.emdaily.example/hydrogen/brennock?src=feed")
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("Brennock Power intends to invest €850 million in an electrolysis plant")
    assert paragraphs[3].endswith("it was negotiating a long-term supply contract with a nuclear operator.")
    assert "reserved for subscribers" not in article.text
    assert article.title == "Brennock Power plans €850m hydrogen plant in Normandy"
    assert article.published == datetime(2024, 5, 14, 5, 30, tzinfo=UTC)
    assert article.author == "Priya Natarajan, Tom Keller"
    assert article.lang == "en"  # inLanguage
    assert article.image == "https://www.emdaily.example/media/brennock-site.jpg"
    assert article.canonical_url == "https://www.emdaily.example/hydrogen/brennock-normandy-plant"


def test_json_ld_article_body_of_another_article_is_ignored():
    other = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "A completely different story about football results",
        "articleBody": "The home side won three goals to nil on Saturday. " * 20,
    }
    page_html = html(
        "<h1>Town hall to be renovated for €4 million</h1>"
        "<div class=story><p>The town hall will be renovated for €4 million over two years, the mayor said.</p></div>",
        head=f'<title>Town hall to be renovated</title><script type="application/ld+json">{json.dumps(other)}</script>',
    )
    article = extract(page_html)
    assert article.text == "The town hall will be renovated for €4 million over two years, the mayor said."


def test_json_ld_article_body_points_at_the_paragraphs_to_keep():
    paragraphs = [
        "The port authority approved a €120 million plan to deepen the main channel for larger ships.",
        "Dredging will start next spring and should be finished before the end of the following year.",
        "Shipping companies had asked for the work for years, saying the current depth limited cargo.",
    ]
    teasers = "".join(f"<p>Another story, number {n}, whose summary is long enough to pass for a paragraph.</p>" for n in range(8))
    body = (
        "<h1>Port channel to be deepened</h1>"
        f"<div class=a><div class=b>{''.join(f'<p>{p}</p>' for p in paragraphs)}</div></div>"
        f"<div class=list>{teasers}</div>"
    )
    ld = {"@type": "NewsArticle", "headline": "Port channel to be deepened", "articleBody": " ".join(paragraphs)}
    assert extract(html(body)).text.startswith("Another story")  # the longer block wins without JSON-LD
    with_ld = html(body, head=f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert extract(with_ld).text == "\n\n".join(paragraphs)


# ---------------------------------------------------------------------------
# Title.


@pytest.mark.parametrize(
    "head, body, title",
    [
        ('<meta property="og:title" content="From og:title"><title>From title - Site</title>',
         "<h1>From the h1</h1>", "From og:title"),
        ('<script type="application/ld+json">{"@type": "Article", "headline": "From JSON-LD"}</script>'
         "<title>From title - Site</title>", "<h1>From the h1</h1>", "From JSON-LD"),
        ("<title>Daily Gazette | Home</title>", "<div class=logo><h1>Daily Gazette</h1></div>"
         "<div class=post><h1>From the h1 of the main block</h1>" + FILLER + "</div>", "From the h1 of the main block"),
        ("<title>Plant to open in Lyon next year - The Daily Gazette</title>", FILLER, "Plant to open in Lyon next year"),
        ("<title>Plant to open in Lyon next year | Gazette</title>", FILLER, "Plant to open in Lyon next year"),
        ('<meta property="og:site_name" content="Gazette"><title>Gazette | Plant to open in Lyon</title>', FILLER,
         "Plant to open in Lyon"),
        ("<title>Lyon: plant to open next year</title>", FILLER, "Lyon: plant to open next year"),
    ],
)  # fmt: skip
def test_title_comes_from_og_title_then_json_ld_then_the_h1_then_title_without_the_site_name(head, body, title):
    assert extract(html(body, head=head)).title == title


# ---------------------------------------------------------------------------
# Publication date.

TITLED = "<div class=post><h1>Plant to open in Lyon</h1><div class=meta>{}</div>" + FILLER + "</div>"


@pytest.mark.parametrize(
    "head, line, published",
    [
        ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-05-13T12:55:00+02:00"}'
         '</script><meta property="article:published_time" content="2024-01-01T00:00:00Z">', "",
         datetime(2024, 5, 13, 10, 55, tzinfo=UTC)),
        ('<meta property="article:published_time" content="2024-05-13T12:55:00Z">', "",
         datetime(2024, 5, 13, 12, 55, tzinfo=UTC)),
        ('<meta itemprop="datePublished" content="2024-05-13">', "", datetime(2024, 5, 13, tzinfo=UTC)),
        ('<meta name="pubdate" content="2024-05-13T12:55:00">', "", datetime(2024, 5, 13, 12, 55, tzinfo=UTC)),
        ("", '<time datetime="2024-05-13T12:55:00+02:00">Monday</time>', datetime(2024, 5, 13, 10, 55, tzinfo=UTC)),
        ("", "13 mai 2024 • 12:55", datetime(2024, 5, 13, 12, 55, tzinfo=UTC)),
        ("", "Publié le 13 Mai. 2024", datetime(2024, 5, 13, tzinfo=UTC)),
        ("", "le 1er mai 2024 à 9h05", datetime(2024, 5, 1, 9, 5, tzinfo=UTC)),
        ("", "Mis à jour le 3 décembre 2024", datetime(2024, 12, 3, tzinfo=UTC)),
        ("", "May 13, 2024", datetime(2024, 5, 13, tzinfo=UTC)),
        ("", "Sept. 3, 2024 at 4:05 p.m. ET", datetime(2024, 9, 3, 16, 5, tzinfo=UTC)),
        ("", "Published 13 May 2024, 08:30", datetime(2024, 5, 13, 8, 30, tzinfo=UTC)),
        ("", "Publié le 13/05/2024 à 14h02", datetime(2024, 5, 13, 14, 2, tzinfo=UTC)),
        ("", "Mis à jour : 03.12.2024", datetime(2024, 12, 3, tzinfo=UTC)),
        ("", "Posted 05/13/2024 4:05 pm", datetime(2024, 5, 13, 16, 5, tzinfo=UTC)),
        ("", "2024年5月13日 14:02", datetime(2024, 5, 13, 14, 2, tzinfo=UTC)),
        ("", "Опубликовано 13 мая 2024", datetime(2024, 5, 13, tzinfo=UTC)),
        ("", "Pubblicato il 13 maggio 2024", datetime(2024, 5, 13, tzinfo=UTC)),
        ("", "2024.05.13 09:30", datetime(2024, 5, 13, 9, 30, tzinfo=UTC)),
        ("", "By our reporter", None),
    ],
)  # fmt: skip
def test_published_comes_from_json_ld_then_meta_then_time_then_a_date_written_near_the_title(head, line, published):
    article = extract(html(TITLED.format(line), head=head))
    assert article.published == published
    assert article.published is None or article.published.tzinfo is not None


def test_the_time_of_a_comment_is_not_the_publication_date():
    page_html = html(
        "<div class=main><article><h1>Plant to open in Lyon</h1><div class=entry>" + FILLER + "</div></article>"
        '<div id=comments><div class=msg><time datetime="2024-06-01T10:00:00Z">June 1</time></div></div></div>'
    )
    assert extract(page_html).published is None


def test_the_time_of_a_teaser_far_from_the_body_is_not_the_publication_date():
    page_html = html(
        '<div class=top><ul><li><a href=/x>Other story</a> <time datetime="2024-06-01T10:00:00Z">June 1</time></li></ul></div>'
        "<div class=wrap><div class=col><div class=post><h1>Plant to open in Lyon</h1><div class=entry>"
        + FILLER + "</div></div></div></div>"
    )
    assert extract(page_html).published is None


# ---------------------------------------------------------------------------
# Language and canonical URL.


@pytest.mark.parametrize(
    "lang, head, lang_code",
    [
        ("fr-FR", "", "fr"),
        ("EN_us", "", "en"),
        (None, '<meta property="og:locale" content="de_DE">', "de"),
        (None, '<meta http-equiv="content-language" content="es, en">', "es"),
        ("x-klingon", '<meta property="og:locale" content="fr_FR">', "fr"),
    ],
)  # fmt: skip
def test_lang_is_read_from_the_page_as_a_two_letter_code(lang, head, lang_code):
    # Too little text for the detector to overrule what the page declares.
    assert extract(html("<p>Lyon, 13/05/2024: 180 MW.</p>", head=head, lang=lang)).lang == lang_code


FRENCH = (
    "<p>La société a indiqué qu'elle construirait la nouvelle usine dans le nord du pays et qu'elle "
    "prévoit les premières embauches avant la fin de l'année, avec d'autres au fur et à mesure.</p>"
    "<p>Le chantier doit commencer à l'automne et durer environ dix-huit mois, selon le calendrier "
    "présenté aux élus lors de leur réunion de lundi.</p>"
)


@pytest.mark.parametrize("declared", ["en", "en-US", "de"])
def test_a_declared_lang_that_the_text_plainly_contradicts_is_overruled(declared):
    """Templates declare the CMS's default: a French article on a site labelled en-US is French."""
    assert extract(html(FRENCH, lang=declared)).lang == "fr"


def test_a_declared_lang_that_the_text_confirms_is_kept():
    assert extract(html(FRENCH, lang="fr-CA")).lang == "fr"
    assert extract(html(FILLER, lang="en-GB")).lang == "en"


def test_a_declared_lang_close_to_the_detected_one_stands():
    """Detectors confuse Malay and Indonesian; the site knows which it writes."""
    text = (
        "<p>Pemerintah mengumumkan pada hari Senin bahwa pembangunan pabrik baru di wilayah utara akan "
        "dimulai tahun depan dan diperkirakan membuka ribuan lapangan kerja bagi masyarakat setempat.</p>"
    )
    assert extract(html(text, lang="ms")).lang == "ms"


@pytest.mark.parametrize(
    "text, lang_code",
    [
        ("The company said it would build the new plant in the north of the country and that it expects "
         "the first workers to be hired by the end of the year, with more to come as the site grows.", "en"),
        ("La société a indiqué qu'elle construirait la nouvelle usine dans le nord du pays et qu'elle "
         "prévoit les premières embauches avant la fin de l'année, avec d'autres au fur et à mesure.", "fr"),
        ("Das Unternehmen teilte mit, dass es die neue Fabrik im Norden des Landes bauen wird und dass "
         "die ersten Mitarbeiter bis zum Ende des Jahres eingestellt werden sollen, weitere folgen.", "de"),
        ("La empresa dijo que construirá la nueva planta en el norte del país y que espera contratar a "
         "los primeros trabajadores antes de fin de año, con más puestos a medida que crezca el sitio.", "es"),
    ],
)  # fmt: skip
def test_lang_is_detected_when_the_page_declares_none(text, lang_code):
    assert extract(html(f"<p>{text}</p><p>{text}</p>", lang=None)).lang == lang_code


@pytest.mark.parametrize(
    "text, lang_code",
    [
        ("A empresa afirmou que vai construir a nova fábrica no norte do país e que espera contratar os "
         "primeiros trabalhadores até ao fim do ano, com mais vagas à medida que o projeto crescer.", "pt"),
        ("L'azienda ha dichiarato che costruirà il nuovo stabilimento nel nord del paese e che prevede di "
         "assumere i primi lavoratori entro la fine dell'anno, con altri posti man mano che il sito cresce.", "it"),
        ("Het bedrijf zei dat het de nieuwe fabriek in het noorden van het land zal bouwen en dat het de "
         "eerste werknemers voor het einde van het jaar verwacht aan te nemen, met meer banen daarna.", "nl"),
        ("Компания заявила, что построит новый завод на севере страны и рассчитывает нанять первых "
         "работников до конца года, а по мере роста площадки появятся и другие рабочие места.", "ru"),
    ],
)  # fmt: skip
def test_lang_detection_is_not_limited_to_english_and_french(text, lang_code):
    assert extract(html(f"<p>{text}</p>", lang=None)).lang == lang_code


@pytest.mark.parametrize(
    "head, url, canonical",
    [
        ('<link rel="canonical" href="/news/plant-lyon">', "https://gazette.example/news/plant-lyon?utm_medium=rss",
         "https://gazette.example/news/plant-lyon"),
        ('<link rel="canonical" href="https://gazette.example/a"><meta property="og:url" content="https://gazette.example/b">',
         None, "https://gazette.example/a"),
        ('<meta property="og:url" content="https://gazette.example/b">', None, "https://gazette.example/b"),
        ('<base href="https://cdn.gazette.example/news/"><link rel="canonical" href="plant-lyon">',
         "https://gazette.example/x", "https://cdn.gazette.example/news/plant-lyon"),
        ('<link rel="canonical" href="/news/plant-lyon">', None, None),  # nothing to resolve it against
        ('<link rel="canonical" href="javascript:void(0)">', "https://gazette.example/x", None),
        ("", "https://gazette.example/x", None),
    ],
)  # fmt: skip
def test_canonical_url_comes_from_link_rel_canonical_then_og_url_resolved_against_the_url(head, url, canonical):
    assert extract(html(FILLER, head=head), url).canonical_url == canonical


# ---------------------------------------------------------------------------
# Site overrides: content_selector and drop_selectors.


def test_content_selector_overrides_the_heuristics():
    page_html = html(
        "<div class=summary><p>In short: the council backs the solar farm.</p></div>"
        "<div class=body>" + FILLER + "</div>"
    )
    assert extract(page_html).text.startswith("The regional council said")
    assert extract(page_html, content_selector=".summary").text == "In short: the council backs the solar farm."


def test_content_selector_still_has_boilerplate_removed_inside_it():
    article = extract(page("en_news_site.html"), content_selector="article.story")
    # The standfirst, above the body's block, is in because the site says so.
    assert article.text.startswith("The US cloud provider says its sites near Lille and Amiens will open from 2026")
    for boilerplate in ("By Sam Okafor", "Share on Facebook", "Related coverage", "Tags:", "About the author"):
        assert boilerplate not in article.text
    assert article.text.endswith("as demand for artificial intelligence workloads keeps growing.")


@pytest.mark.parametrize("selector", ["div.nothing-like-this", "div[", ""])
def test_a_content_selector_that_matches_nothing_or_is_invalid_falls_back_to_the_heuristics(selector):
    article = extract(page("en_news_site.html"), content_selector=selector)
    assert "Corvane Systems said on Monday" in article.text
    assert article.reason is None


def test_drop_selectors_remove_blocks_first():
    selectors = (".story-body > p:nth-of-type(2)", ".story-body h2", "div[")
    article, dropped = explain(page("en_news_site.html"), drop_selectors=selectors)
    assert "The first campus, on a former industrial site outside Lille" not in article.text
    assert "Jobs and training" not in article.text
    assert "Corvane Systems said on Monday" in article.text
    reasons = {item.reason: item.text for item in dropped}
    assert reasons["drop_selectors '.story-body > p:nth-of-type(2)'"].startswith("The first campus, on a former")
    assert reasons["drop_selectors '.story-body h2'"] == "Jobs and training"


# ---------------------------------------------------------------------------
# explain()


def test_explain_returns_the_same_article_as_extract_and_the_blocks_it_dropped():
    article, dropped = explain(page("fr_wordpress_blog.html"), FR_BLOG_URL)
    assert article == extract(page("fr_wordpress_blog.html"), FR_BLOG_URL)
    by_reason = {item.reason: item for item in dropped}
    assert by_reason["heading 'Les derniers articles'"].path.endswith("section.block-home")
    assert by_reason["heading 'Les derniers articles'"].text.startswith("Les derniers articles Un navigateur web")
    assert by_reason["class/id 'share'"].text.startswith("Partager : Partager sur Facebook")
    assert by_reason["class/id 'comment'"].path.endswith("div#comments")
    assert by_reason["<aside>"].text.startswith("Recherche Recherchez des articles sur le site")
    assert by_reason["class/id 'breadcrumb'"].text.startswith("GeekHebdo › Internet")
    assert all(len(item.text) <= 80 for item in dropped)


def test_dropped_is_a_frozen_value():
    item = Dropped("div.share", "class/id 'share'", "Partager")
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.reason = "other"  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Hidden and non-text elements.


@pytest.mark.parametrize(
    "hidden",
    [
        "<div hidden><p>{}</p></div>",
        '<div aria-hidden="true"><p>{}</p></div>',
        '<div style="color: red; DISPLAY : None"><p>{}</p></div>',
        "<noscript><div><p>{}</p></div></noscript>",
        "<template><p>{}</p></template>",
        "<button><span>{}</span></button>",
        "<svg><text>{}</text></svg>",
    ],
)
def test_hidden_and_non_text_elements_never_leak_and_the_text_after_them_is_kept(hidden):
    secret = "Subscribers get three more stories every single week for free"
    after = "<p>The harbour authority said repairs to the northern pier would take two more years.</p>"
    article = extract(html("<article>" + FILLER + hidden.format(secret) + after + "</article>"))
    assert secret not in article.text
    assert article.text.startswith("The regional council said")
    assert article.text.endswith("would take two more years.")


def test_metadata_in_a_hidden_block_is_still_read():
    ld = json.dumps({"@type": "NewsArticle", "headline": "Pier repairs to take two more years", "author": {"name": "Ana Ruiz"},
                     "datePublished": "2024-05-13T09:30:00+02:00"})  # fmt: skip
    body = f'<div hidden><script type="application/ld+json">{ld}</script></div><article>{FILLER}</article>'
    article = extract(html(body))
    assert (article.title, article.author) == ("Pier repairs to take two more years", "Ana Ruiz")
    assert article.published == datetime(2024, 5, 13, 7, 30, tzinfo=UTC)


def test_an_author_link_marked_rel_author_names_the_author():
    body = f'<article><h1>Pier repairs</h1><p class=meta>By <a rel="author" href="/a/ana">Ana Ruiz</a></p>{FILLER}</article>'
    assert extract(html(body)).author == "Ana Ruiz"


# ---------------------------------------------------------------------------
# Text layout.


def test_br_breaks_a_line_and_two_br_a_paragraph():
    text = "The council approved the plan on Monday evening"
    page_html = html(f"<div class=story>{text}, by a large majority.<br>It was the third vote.<br><br>{text} again.</div>")
    assert extract(page_html).text == f"{text}, by a large majority.\nIt was the third vote.\n\n{text} again."


def test_a_page_without_paragraphs_still_gives_its_text():
    sentence = "The mayor confirmed that the new tram line will open in the spring of next year"
    page_html = html(f"<div class=nav><a href=/>Home</a></div><div class=txt>{sentence}.<br><br>{sentence}, again.</div>")
    assert extract(page_html).text == f"{sentence}.\n\n{sentence}, again."


@pytest.mark.parametrize(
    "sentence",
    [
        "À lire les chiffres publiés lundi, la croissance ralentit.",
        "Les derniers chiffres de l'Insee confirment la tendance.",
        "Recherche et développement : 40 millions d'euros.",
        "Share prices rose 4% after the announcement.",
        "Latest figures show a rise in orders.",
        "Comments from the minister were welcomed by unions.",
    ],
)
def test_a_body_sentence_that_starts_like_a_label_is_kept(sentence):
    page_html = html(f"<div class=story>{FILLER}<p>{sentence}</p><h3>{sentence}</h3>{FILLER}</div>")
    assert extract(page_html).text.count(sentence) == 2


# ---------------------------------------------------------------------------
# Robustness: never raise, say why the text is empty.

GARBAGE = random.Random(7).randbytes(20_000)


@pytest.mark.parametrize(
    "document, reason",
    [
        ("", "empty document"),
        (b"", "empty document"),
        ("  \n\t ", "empty document"),
        (GARBAGE, "not html"),
        ("just a line of text, no markup at all", "not html"),
        (None, "not html"),
        ("<html><body></body></html>", "no text found"),
        ("<html><head><title>Only a title</title></head><body><script>var a = 1;</script></body></html>", "no text found"),
        ("<frameset><frame src=a.html></frameset>", "no text found (no <body>)"),
        ('<html><head><script type="application/ld+json">' + "[" * 100_000 + "</script></head><body></body></html>",
         "no text found"),
    ],
)  # fmt: skip
def test_documents_without_text_give_an_empty_article_and_a_reason(document, reason):
    article = extract(document)
    assert article.text == ""
    assert article.reason == reason


@pytest.mark.parametrize("url", ["", "not a url", "http://[::1", "ftp://files.example/a.html"])
def test_odd_urls_do_not_stop_extraction(url):
    article = extract(html(FILLER, head='<link rel="canonical" href="/a"><meta property="og:image" content="b.jpg">'), url)
    assert article.text.startswith("The regional council said")
    assert article.canonical_url is None and article.image is None


def test_a_truncated_page_keeps_what_arrived():
    data = page("fr_wordpress_blog.html")
    cut = data[: data.index("Une électricité bas carbone".encode()) + 10]
    article = extract(cut, FR_BLOG_URL)
    assert article.text.startswith("L'hébergeur néerlandais Altiserve a confirmé lundi")
    assert "Dunkerque" in article.text


@pytest.mark.parametrize("levels", [100_000, 200_000])
def test_megabytes_of_nested_divs_are_cut_instead_of_hanging_the_parser(levels):
    document = "<html><body>" + '<div class="wrapper">' * levels + "<p>deep</p>" + "</div>" * levels + "</body></html>"
    article = extract(document)
    assert article.text == ""
    assert article.reason.startswith("markup nested too deeply")


def test_text_before_runaway_nesting_is_kept():
    levels = 50_000
    document = html(FILLER * 40 + "<div>" * levels + "<p>lost in the depths</p>" + "</div>" * levels)
    article = extract(document)
    assert article.text.startswith("The regional council said")
    assert "lost in the depths" not in article.text
    assert article.reason.startswith("markup nested too deeply")


def test_ordinary_nesting_is_read_whole():
    document = html("<div>" * 400 + FILLER + "</div>" * 400)
    article = extract(document)
    assert article.text.startswith("The regional council said")
    assert article.reason is None


@pytest.mark.parametrize(
    "document",
    [
        # windows-1252 bytes in a page that says UTF-8
        html("<p>Le conseil régional a approuvé le projet de centrale solaire à l'unanimité lundi soir.</p>" * 3)
        .encode("cp1252", "replace"),
        # invalid UTF-8 sequences in the middle of the text
        html(FILLER).encode().replace(b"regional", b"regi\xc3\x28nal\xff"),
        # a lone surrogate in a str
        html(FILLER.replace("regional", "regi\ud800nal")),
    ],
)
def test_broken_encodings_do_not_stop_extraction(document):
    article = extract(document)
    assert "council said the money would come" in article.text or "conseil r" in article.text
    assert article.reason is None


def test_a_page_labelled_utf8_but_written_in_windows_1252_reads_its_accents():
    document = html("<p>Le conseil régional a approuvé le projet de centrale solaire à l'unanimité lundi soir.</p>" * 3)
    article = extract(document.encode("cp1252"))
    assert "Le conseil régional a approuvé le projet" in article.text


def test_megabytes_of_random_bytes_are_not_html():
    article = extract(random.Random(11).randbytes(5_000_000))
    assert (article.text, article.reason) == ("", "not html")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_a_page_in_utf16_or_utf32_with_a_byte_order_mark_is_read(codec):
    document = html(FRENCH, lang="fr")
    data = document.encode(codec)
    if codec == "utf-16-be":  # Python writes no BOM for an explicit byte order
        data = codecs.BOM_UTF16_BE + data
    article = extract(data)
    assert "La société a indiqué qu'elle construirait la nouvelle usine" in article.text


# ---------------------------------------------------------------------------
# Generalising: boilerplate in other languages, quoted posts, articles in parts,
# the title and byline repeated at the edges of the body.


@pytest.mark.parametrize(
    "label",
    [
        "Related", "You may also like", "Trending now", "More stories like this", "Don't miss",
        "Leia também", "Veja também", "Leggi anche", "Articoli correlati", "Lesen Sie auch",
        "Weitere Artikel", "Lees ook", "Meer nieuws", "Lee también", "Más noticias", "À découvrir aussi",
        "Czytaj także", "Читайте также", "Похожие статьи", "相关文章", "関連記事", "관련 기사", "اقرأ أيضا",
    ],
)  # fmt: skip
def test_a_heading_that_introduces_other_articles_goes_with_its_list_in_many_languages(label):
    teasers = "".join(f'<li><a href="/n/{i}">Another story number {i} about something else entirely</a></li>' for i in range(4))
    page_html = html(f"<article class=story>{FILLER}<h3>{label}</h3><ul>{teasers}</ul>{FILLER}</article>")
    text = extract(page_html).text
    assert label not in text
    assert "Another story number" not in text
    assert text.count("The regional council said") == 2


def test_a_post_quoted_in_the_article_is_kept_though_its_wrapper_is_classed_social():
    quote = "We are delighted to confirm the new plant will open in Lyon next spring, with 400 jobs."
    embed = (
        f'<div class="social-media-embed"><blockquote class="twitter-tweet"><p>{quote}</p>'
        '— Plant Co (@plantco) <a href="https://twitter.example/plantco/status/1">May 13, 2024</a></blockquote></div>'
    )
    share = '<div class="social-share"><a href="/s/fb">Facebook</a> <a href="/s/x">X</a></div>'
    text = extract(html(f"<article class=story>{FILLER}{embed}{share}{FILLER}</article>")).text
    assert quote in text
    assert "Facebook" not in text


def test_an_article_cut_into_sections_between_full_width_pictures_is_read_whole():
    part = '<div class="post-body">{}</div>'
    first = "<p>The first part explains why the council chose the northern site after two years of studies.</p>" * 3
    second = "<p>The second part describes the building work, which should last about eighteen months.</p>" * 3
    picture = '<section class="wide"><img src="a.jpg" alt=""></section>'
    body = (
        f'<div class="row"><div class="col">{part.format(first)}</div></div>{picture}'
        f'<div class="row"><div class="col">{part.format(second)}</div></div>'
        '<div class="teasers"><div class="teaser"><a href="/x">Another story</a></div></div>'
    )
    text = extract(html(body)).text
    assert text.index("The first part") < text.index("The second part")
    assert text.count("The second part") == 3
    assert "Another story" not in text


def test_the_title_byline_and_date_repeated_at_the_top_of_the_body_are_dropped():
    head = "<title>Council approves the tram line</title>"
    top = "<h2>Council approves the tram line</h2><p>By Jane Doe</p><p>13/05/2024 14:02</p>"
    text = extract(html(f"<article class=story>{top}{FILLER}<p>Updated May 14, 2024</p></article>", head=head)).text
    assert text.startswith("The regional council said")
    assert text.endswith("meeting on Monday.")


def test_a_short_first_sentence_with_a_date_is_body_text():
    lead = "<p>On May 13, 2024, the council approved the plan.</p>"
    text = extract(html(f"<article class=story>{lead}{FILLER}</article>")).text
    assert text.startswith("On May 13, 2024, the council approved the plan.")


def test_monitor_extract_explain_prints_one_line_per_dropped_block(tmp_path, capsys):
    from monitor.cli import main

    path = tmp_path / "page.html"
    path.write_bytes(page("fr_wordpress_blog.html"))
    assert main(["extract", str(path), "--explain"]) == 0
    out = capsys.readouterr().out
    listing = out.split("dropped blocks", 1)[1].splitlines()[1:]
    assert listing and all(line.count(" — ") >= 2 for line in listing)
    assert any(line.startswith("class/id 'comment' — ") and "#comments" in line for line in listing)
    assert any(line.startswith("heading 'Les derniers articles' — ") for line in listing)


def test_megabytes_of_tiny_elements_are_cut_to_a_bounded_number_of_tags():
    document = html(FILLER + "<p>" + "<b>x</b> " * 150_000 + "</p>")
    article = extract(document)
    assert article.text.startswith("The regional council said")
    assert article.reason.startswith("too many elements: read the first")


def test_a_huge_class_attribute_is_read_in_part():
    document = html(f'<div class="{"story " * 200_000}share">{FILLER}</div>')
    assert extract(document).text.startswith("The regional council said")


@pytest.mark.parametrize(
    "content_selector, drop_selectors, kept, gone",
    [
        # The footer is boilerplate to the heuristics: only the source's selector can pick it.
        ("footer", (), "All rights reserved", "battery cell plant near Lyon"),
        (None, ("article p:nth-of-type(2)",), "battery cell plant near Lyon", "employ about 1,500 people"),
    ],
)
async def test_a_sources_selectors_from_feeds_toml_reach_the_extractor_in_the_pipeline(
    web, store, content_selector, drop_selectors, kept, gone
):
    """content_selector and drop_selectors of a source apply to its article pages (issue 3)."""
    import io

    from monitor.config import Config
    from monitor.fetch import Fetcher
    from monitor.notify import ConsoleNotifier
    from monitor.pipeline import Pipeline
    from monitor.types import Settings, Source
    from sites import INVESTMENT_EN, serve_site

    settings = Settings(allow_private_addresses=True, host_delay=0, backoff=0, retries=1)
    serve_site(web, [INVESTMENT_EN])
    source = Source(
        name="Wire",
        url=web.url("/feed.xml"),
        backfill=10,
        content_selector=content_selector,
        drop_selectors=drop_selectors,
    )
    config = Config(settings, (source,))
    store.sync_sources(config.sources)
    async with Fetcher(settings) as fetcher:
        await Pipeline(config, store, fetcher, ConsoleNotifier(None, stream=io.StringIO())).poll(source)
    text = next(store.db.query("SELECT text FROM articles"))["text"]
    assert kept in text
    assert gone not in text


def test_a_live_blog_whose_entries_start_with_a_time_keeps_them():
    entries = "".join(f"<p>{hour}:05 The council session resumed</p>" for hour in (14, 15, 16))
    text = extract(html(f"<article class=story>{entries}{FILLER}</article>")).text
    assert text.startswith("14:05 The council session resumed")
