"""SynthWeb: a synthetic news web for the pipeline benchmark, served fast from another process.

Owns three things:

* the plan: N sites, each with M articles, all derived from (seed, site,
  article number) so that the benchmark process and the server process agree
  on every URL, title and date without talking (:class:`Plan`);
* the pages: realistic article pages in English and French, with the
  boilerplate real news sites carry (inline CSS and scripts, JSON-LD, a
  navigation bar, a cookie banner, a newsletter box, related links, comments,
  a long footer), RSS and Atom feeds, listing pages and robots.txt. Some
  articles announce investments; a share of them are syndicated copies of
  another site's article (same text, other page), as wire stories are;
* the server: one asyncio process on 127.0.0.1 answering HTTP/1.1 keep-alive
  requests from pages rendered in memory before it says it is ready, one
  listening port per site (a site is a scheme://host:port to the monitor, so
  each port is a host with its own politeness limits). It parses only the
  request line and answers pre-built bytes: its cost per request is a few
  microseconds, far below a client's, so it is never the bottleneck
  (:func:`measure_capacity` checks that and the benchmark prints it).

Every sentence here is generated from our own templates and made-up names.

    with SynthWebServer(Plan(sites=50, per_site=40)) as web:
        web.sources()        # [[sources]] for the monitor, one per site
        web.article_urls()   # every article page, per site

Run the server alone: ``python benchmarks/synthweb.py serve --sites 50 --per-site 40``.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import random
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import cached_property, lru_cache
from pathlib import Path

__all__ = ["Plan", "SiteSpec", "ArticleSpec", "SynthWebServer", "render_site", "measure_capacity", "generated_text"]

#: All articles are published in the days before this moment, minutes apart.
EPOCH = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)

# --- vocabulary (made up) ---------------------------------------------------------------

_SYL = ("ka lo ri ven tor sa mi del bra no vi quin zel har pol ost mar lin dor fen ga tu rev sol "
        "ber nix tal cor dan el fy gor hem ix jun kel mon nor ped qua rus sen tyr ul vex wyn").split()
_SUFFIX_EN = ["Systems", "Labs", "Energy", "Robotics", "Networks", "Bio", "Capital", "Semiconductors", "Motors", "Cloud"]
_SUFFIX_FR = ["Technologies", "Énergie", "Industries", "Santé", "Réseaux", "Mobilité", "Logiciels", "Agro", "Spatial", "Data"]
_PLACES_EN = ["Leeds", "Ohio", "Bavaria", "Catalonia", "Ontario", "Bristol", "Texas", "Gdansk", "Porto", "Aarhus",
              "Tampere", "Galway", "Brno", "Utrecht", "Malmo", "Oregon", "Quebec", "Navarre", "Silesia", "Kent"]
_PLACES_FR = ["Lyon", "Grenoble", "Dunkerque", "Rennes", "Toulouse", "Nantes", "Lille", "Bordeaux", "Metz", "Caen",
              "Valence", "Brest", "Pau", "Reims", "Tours", "Annecy", "Nancy", "Amiens", "Limoges", "Besançon"]
_FACILITY_EN = ["battery plant", "data centre", "chip foundry", "research campus", "logistics hub", "wind farm",
                "hydrogen electrolyser", "vaccine factory", "satellite assembly line", "recycling site"]
_FACILITY_FR = ["usine de batteries", "centre de données", "fonderie de puces", "campus de recherche",
                "plateforme logistique", "parc éolien", "électrolyseur", "usine de vaccins", "ligne d'assemblage",
                "site de recyclage"]
_NOUN_EN = ("customers engineers regulators suppliers analysts investors unions partners rivals startups "
            "shareholders hospitals farmers drivers retailers universities cities ministers lenders teams").split()
_NOUN_FR = ("clients ingénieurs régulateurs fournisseurs analystes investisseurs syndicats partenaires rivaux "
            "jeunes-pousses actionnaires hôpitaux agriculteurs conducteurs commerçants universités villes "
            "ministres banques équipes").split()
_TOPIC_EN = ("pricing software margins exports latency storage batteries sensors licences payments chips "
             "subscriptions tariffs hiring recycling cooling robotics fibre satellites vaccines").split()
_TOPIC_FR = ("tarifs logiciels marges exportations latence stockage batteries capteurs licences paiements "
             "puces abonnements droits recrutements recyclage refroidissement robotique fibre satellites "
             "vaccins").split()
_ADJ_EN = ("slower faster cheaper larger smaller riskier steadier louder quieter broader").split()
_ADJ_FR = ("plus lente,plus rapide,moins chère,plus grande,plus petite,plus risquée,plus stable,plus bruyante,"
           "plus discrète,plus large").split(",")
_DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
_DAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]

# Sentence templates: {C} company, {O} another company, {P} person, {L} place, {N} noun, {T} topic,
# {A} adjective, {D} day, {X} a number, {Y} a percentage, {F} facility, {M} amount.
_SENTENCES_EN = [
    "{C} said on {D} that demand from {N} had been {A} than expected in the last quarter.",
    "The company, which employs about {X} people, expects its {T} business to grow by {Y} next year.",
    "{P}, who joined {C} from {O} in the spring, described the {T} market as crowded but open.",
    "Analysts at {O} noted that {T} revenue rose {Y} while costs for {N} stayed flat.",
    "According to people familiar with the plan, {C} has been talking to {N} in {L} for months.",
    "{P} told reporters that the {T} project would not change the group's targets.",
    "Shares of {C} closed {Y} higher after the announcement, while {O} fell slightly.",
    "Local officials in {L} welcomed the news and said {X} jobs could follow within three years.",
    "The deal still needs approval from {N}, which could take until the end of the year.",
    "Critics argue that {T} spending by {C} has been {A} than promised to {N}.",
    "{O} declined to comment on the talks, citing a quiet period before its results.",
    "In a note to {N}, {P} wrote that {T} would be the priority for the next {X} days.",
    "The market for {T} in {L} is worth roughly {X} million a year, according to {O}.",
    "Earlier this year {C} cut {X} roles in its {T} unit and sold a stake in {O}.",
    "{P} said the first customers in {L} would see the change before the summer.",
    "Competition from {O} has pushed {C} to rethink how it sells {T} to {N}.",
    "Engineers in {L} have tested the {T} system on {X} sites since the autumn.",
    "The board of {C} approved the plan on {D} after a {A} review than usual.",
    "{N} in {L} have asked for clearer rules on {T}, a request {P} called reasonable.",
    "The group reported an operating margin of {Y}, up from last year, helped by {T}.",
]
_SENTENCES_FR = [
    "{C} a indiqué {D} que la demande des {N} avait été {A} que prévu au dernier trimestre.",
    "L'entreprise, qui emploie environ {X} personnes, prévoit une hausse de {Y} de son activité de {T}.",
    "{P}, arrivé chez {C} en provenance de {O} au printemps, juge le marché des {T} encombré mais ouvert.",
    "Selon les analystes de {O}, le chiffre d'affaires lié aux {T} a progressé de {Y}.",
    "D'après des sources proches du dossier, {C} discute depuis des mois avec des {N} de {L}.",
    "{P} a assuré que le projet de {T} ne modifierait pas les objectifs du groupe.",
    "L'action {C} a terminé en hausse de {Y} après l'annonce, tandis que {O} reculait légèrement.",
    "Les élus de {L} ont salué la nouvelle et évoqué la création de {X} emplois d'ici trois ans.",
    "L'opération doit encore être validée par les {N}, ce qui pourrait prendre jusqu'à la fin de l'année.",
    "Des critiques estiment que les dépenses de {C} en {T} ont été {A} que promis aux {N}.",
    "{O} n'a pas souhaité commenter ces discussions avant la publication de ses résultats.",
    "Dans une note aux {N}, {P} écrit que les {T} seront la priorité des {X} prochains jours.",
    "Le marché des {T} à {L} pèse environ {X} millions d'euros par an, selon {O}.",
    "Plus tôt cette année, {C} a supprimé {X} postes dans sa division {T} et cédé une part de {O}.",
    "{P} a précisé que les premiers clients de {L} verraient le changement avant l'été.",
    "La concurrence de {O} pousse {C} à revoir sa manière de vendre des {T} aux {N}.",
    "Des ingénieurs de {L} testent le système de {T} sur {X} sites depuis l'automne.",
    "Le conseil d'administration de {C} a approuvé le plan {D} après un examen {A} que d'habitude.",
    "Les {N} de {L} réclament des règles plus claires sur les {T}, une demande jugée légitime par {P}.",
    "Le groupe affiche une marge opérationnelle de {Y}, en hausse sur un an, grâce aux {T}.",
]
_LEAD_INVEST_EN = [
    "{C} will invest {M} in a new {F} in {L}, the company said on {D}.",
    "{C} has raised {M} in a funding round led by {O} to expand its {T} business.",
    "{C} plans to spend {M} building a {F} near {L} over the next four years.",
]
_LEAD_INVEST_FR = [
    "{C} va investir {M} dans une nouvelle {F} à {L}, a annoncé l'entreprise {D}.",
    "{C} a levé {M} lors d'un tour de table mené par {O} pour développer son activité de {T}.",
    "{C} prévoit de consacrer {M} à la construction d'une {F} près de {L} d'ici quatre ans.",
]
_LEAD_PLAIN_EN = [
    "{C} said on {D} it would change how it prices {T} for {N} in {L}.",
    "{P} is leaving {C} after six years to run the {T} unit of {O}.",
    "{C} and {O} have ended their {T} partnership, both companies said on {D}.",
]
_LEAD_PLAIN_FR = [
    "{C} a annoncé {D} une refonte de ses tarifs de {T} pour les {N} de {L}.",
    "{P} quitte {C} après six ans pour diriger l'activité de {T} de {O}.",
    "{C} et {O} mettent fin à leur partenariat dans les {T}, ont indiqué les deux groupes {D}.",
]
_SECTIONS_EN = ["Technology", "Business", "Startups", "Markets", "Energy", "Science", "Policy", "Opinion"]
_SECTIONS_FR = ["Tech", "Économie", "Start-up", "Marchés", "Énergie", "Sciences", "Politique", "Tribunes"]


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYL) for _ in range(parts)).capitalize()


def _company(rng: random.Random, lang: str) -> str:
    return f"{_name(rng, rng.randint(2, 3))} {rng.choice(_SUFFIX_FR if lang == 'fr' else _SUFFIX_EN)}"


def _person(rng: random.Random) -> str:
    return f"{_name(rng, 2)} {_name(rng, 3)}"


def _amount(rng: random.Random, lang: str) -> str:
    value = rng.choice([rng.randint(2, 95) * 10, rng.randint(11, 99)])
    if lang == "fr":
        return f"{value} millions d'euros" if rng.random() < 0.7 else f"{value / 10:.1f} milliard d'euros".replace(".", ",")
    currency = rng.choice(["$", "€", "£"])
    return f"{currency}{value} million" if rng.random() < 0.7 else f"{currency}{value / 10:.1f} billion"


def _fill(template: str, rng: random.Random, lang: str, cast: dict[str, str]) -> str:
    fr = lang == "fr"

    def slot(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in cast:
            return cast[key]
        return {
            "P": lambda: _person(rng),
            "O": lambda: _company(rng, lang),
            "C": lambda: _company(rng, lang),
            "L": lambda: rng.choice(_PLACES_FR if fr else _PLACES_EN),
            "N": lambda: rng.choice(_NOUN_FR if fr else _NOUN_EN),
            "T": lambda: rng.choice(_TOPIC_FR if fr else _TOPIC_EN),
            "A": lambda: rng.choice(_ADJ_FR if fr else _ADJ_EN),
            "D": lambda: rng.choice(_DAYS_FR if fr else _DAYS_EN),
            "X": lambda: f"{rng.randint(12, 9800):,}".replace(",", "\u202f" if fr else ","),
            "Y": lambda: f"{rng.randint(2, 40)}{',' if fr else '.'}{rng.randint(0, 9)}{' %' if fr else '%'}",
            "F": lambda: rng.choice(_FACILITY_FR if fr else _FACILITY_EN),
            "M": lambda: _amount(rng, lang),
        }[key]()

    return re.sub(r"\{([A-Z])\}", slot, template)


def generated_text(rng: random.Random, lang: str, investment: bool) -> tuple[str, list[str]]:
    """(title, paragraphs) of one made-up news article."""
    cast = {"C": _company(rng, lang), "P": _person(rng), "L": rng.choice(_PLACES_FR if lang == "fr" else _PLACES_EN)}
    if investment:
        cast["M"] = _amount(rng, lang)
        cast["F"] = rng.choice(_FACILITY_FR if lang == "fr" else _FACILITY_EN)
        leads = _LEAD_INVEST_FR if lang == "fr" else _LEAD_INVEST_EN
    else:
        leads = _LEAD_PLAIN_FR if lang == "fr" else _LEAD_PLAIN_EN
    lead = _fill(rng.choice(leads), rng, lang, cast)
    title = lead.split(",")[0].rstrip(".")
    sentences = _SENTENCES_FR if lang == "fr" else _SENTENCES_EN
    paragraphs = [lead + " " + _fill(rng.choice(sentences), rng, lang, cast)]
    for _ in range(rng.randint(5, 10)):
        paragraphs.append(" ".join(_fill(rng.choice(sentences), rng, lang, cast) for _ in range(rng.randint(2, 4))))
    return title, paragraphs


# --- the plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleSpec:
    """One article page: where it lives and what it says (its body is rendered by the server)."""

    site: int
    number: int
    path: str
    title: str
    published: datetime
    lang: str
    investment: bool
    #: (site, number) of the article whose text this page republishes, or None.
    copy_of: tuple[int, int] | None


@dataclass(frozen=True)
class SiteSpec:
    index: int
    name: str
    lang: str
    #: "rss", "atom" or "listing".
    kind: str
    section: str

    @property
    def feed_path(self) -> str:
        return {"rss": "/feed/", "atom": "/atom.xml", "listing": "/latest/"}[self.kind]


@dataclass(frozen=True)
class Plan:
    """What the synthetic web holds: `sites` sites of `per_site` articles each."""

    sites: int = 50
    per_site: int = 40
    seed: int = 1
    #: Share of articles that republish another site's article text.
    copies: float = 0.05
    #: Share of articles that announce an investment.
    investments: float = 0.25

    def site(self, index: int) -> SiteSpec:
        rng = random.Random(f"{self.seed}:site:{index}")
        lang = "fr" if index % 3 == 1 else "en"
        kind = "listing" if index % 5 == 4 else ("atom" if index % 2 else "rss")
        stem = _name(rng, 2)
        name = f"{stem} {'Actu' if lang == 'fr' else 'Wire'} {index}"
        return SiteSpec(index, name, lang, kind, rng.choice(_SECTIONS_FR if lang == "fr" else _SECTIONS_EN))

    def article(self, site: int, number: int) -> ArticleSpec:
        return _article(self, site, number)

    def _make_article(self, site: int, number: int) -> ArticleSpec:
        spec = self.site(site)
        rng = random.Random(f"{self.seed}:article:{site}:{number}")
        copy_of = None
        if site >= 3 and rng.random() < self.copies:
            # Three sites back has the same language (see site()).
            copy_of = (site - 3, number)
        investment = rng.random() < self.investments
        text_rng = random.Random(f"{self.seed}:text:{copy_of[0]}:{copy_of[1]}" if copy_of else f"{self.seed}:text:{site}:{number}")
        if copy_of:
            investment = self.article(*copy_of).investment
        title, _ = generated_text(text_rng, spec.lang, investment)
        # Newest article has the highest number; sites interleave minute by minute.
        published = EPOCH - timedelta(minutes=(self.per_site - number) * 7 + site % 7)
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower().encode("ascii", "ignore").decode()).strip("-")[:60]
        path = f"/{published:%Y/%m/%d}/{slug}-{number}.html"
        return ArticleSpec(site, number, path, title, published, spec.lang, investment, copy_of)

    def articles(self, site: int) -> list[ArticleSpec]:
        """The site's articles, newest first."""
        return [self.article(site, n) for n in range(self.per_site - 1, -1, -1)]

    def body(self, article: ArticleSpec) -> tuple[str, list[str]]:
        """The article's title and paragraphs (a copy gets its original's)."""
        key = article.copy_of or (article.site, article.number)
        rng = random.Random(f"{self.seed}:text:{key[0]}:{key[1]}")
        return generated_text(rng, article.lang, article.investment)


@lru_cache(maxsize=65536)
def _article(plan: Plan, site: int, number: int) -> ArticleSpec:
    return plan._make_article(site, number)


# --- rendering --------------------------------------------------------------------------

_CSS = "".join(
    f".c{i}{{margin:{i % 7}px {i % 5}px;padding:{i % 3}px;color:#{(i * 2654435761) % 0xFFFFFF:06x};"
    f"font:{12 + i % 6}px/1.{i % 9} sans-serif}}\n"
    for i in range(320)
)
_SCRIPT = "".join(
    f"window.__cfg{i}=window.__cfg{i}||{{slot:'ad-{i}',sizes:[[300,250],[728,90]],lazy:{str(i % 2 == 0).lower()}}};\n"
    for i in range(130)
) + "(function(){var q=[];function t(e){q.push([e,Date.now()])}document.addEventListener('click',t);})();\n"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _nav(base: str, lang: str) -> str:
    sections = _SECTIONS_FR if lang == "fr" else _SECTIONS_EN
    items = "".join(f'<li class="menu-item"><a href="{base}/section/{s.lower()}/">{_e(s)}</a></li>' for s in sections)
    extra = "".join(f'<li class="menu-item sub"><a href="{base}/tag/{t}/">{t}</a></li>'
                    for t in (_TOPIC_FR if lang == "fr" else _TOPIC_EN)[:14])
    return f'<nav class="main-nav" role="navigation"><ul class="menu">{items}{extra}</ul></nav>'


def _footer(base: str, site: SiteSpec) -> str:
    fr = site.lang == "fr"
    labels = (["Mentions légales", "Confidentialité", "Cookies", "Contact", "Publicité", "Plan du site", "Emplois",
               "Abonnement", "Archives", "Newsletter"] if fr else
              ["Legal notice", "Privacy", "Cookies", "Contact", "Advertise", "Sitemap", "Careers", "Subscribe",
               "Archive", "Newsletter"])
    cols = "".join(
        f'<div class="footer-col c{k}"><h4>{_e(labels[k])}</h4><ul>'
        + "".join(f'<li><a href="{base}/p/{k}-{j}">{_e(labels[(k + j) % 10])} {j}</a></li>' for j in range(6))
        + "</ul></div>"
        for k in range(5)
    )
    rights = "Tous droits réservés" if fr else "All rights reserved"
    return f'<footer class="site-footer">{cols}<p class="copyright">© 2026 {_e(site.name)}. {rights}.</p></footer>'


def _head(title: str, site: SiteSpec, extra: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{site.lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} | {_e(site.name)}</title>{extra}"
        f"<style>{_CSS}</style><script>{_SCRIPT}</script></head>"
    )


def _banner(base: str, site: SiteSpec) -> str:
    fr = site.lang == "fr"
    cookie = ("Nous utilisons des cookies pour mesurer l'audience et personnaliser les publicités. "
              "Vous pouvez accepter ou refuser à tout moment." if fr else
              "We use cookies to measure our audience and personalise advertising. "
              "You can accept or refuse at any time.")
    return (
        f'<header class="site-header"><a class="logo" href="{base}/">{_e(site.name)}</a>{_nav(base, site.lang)}'
        f'<form class="search" action="{base}/search"><input name="q"><button>OK</button></form></header>'
        f'<div id="cookie-banner" class="cookie-consent"><p>{cookie}</p><button>OK</button></div>'
    )


def render_article(plan: Plan, article: ArticleSpec, base: str, bases: list[str]) -> str:
    site = plan.site(article.site)
    fr = site.lang == "fr"
    title, paragraphs = plan.body(article)
    url = base + article.path
    published = article.published.isoformat()
    rng = random.Random(f"{plan.seed}:chrome:{article.site}:{article.number}")
    author = _person(rng)
    jsonld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "datePublished": published,
        "author": {"@type": "Person", "name": author}, "publisher": {"@type": "Organization", "name": site.name},
        "mainEntityOfPage": url,
    }, ensure_ascii=False)
    meta = (
        f'<link rel="canonical" href="{url}"><meta property="og:title" content="{_e(title)}">'
        f'<meta property="og:type" content="article"><meta property="og:url" content="{url}">'
        f'<meta property="article:published_time" content="{published}">'
        f'<meta name="description" content="{_e(paragraphs[0][:150])}">'
        f'<meta name="author" content="{_e(author)}">'
        f'<script type="application/ld+json">{jsonld}</script>'
    )
    related = []
    for k in range(1, 6):
        other = plan.article(article.site, (article.number + k * 3) % plan.per_site)
        related.append(f'<li class="related-item"><a href="{base}{other.path}">{_e(other.title)}</a></li>')
    elsewhere = rng.randrange(len(bases))
    related.append(f'<li class="related-item"><a href="{bases[elsewhere]}/">{_e(plan.site(elsewhere).name)}</a></li>')
    comments = "".join(
        f'<li class="comment"><p class="comment-author">{_e(_name(rng, 2))}</p><p>'
        + _e(_fill(rng.choice(_SENTENCES_FR if fr else _SENTENCES_EN), rng, site.lang, {}))
        + "</p></li>"
        for _ in range(rng.randint(0, 6))
    )
    newsletter = ("Recevez chaque matin l'essentiel de l'actualité tech et économie." if fr else
                  "Get the morning briefing on tech and business in your inbox.")
    read_more = "À lire aussi" if fr else "Read more"
    share = "Partager" if fr else "Share"
    body = "".join(f"<p>{_e(p)}</p>" for p in paragraphs)
    ad = '<div class="ad-slot c7" data-slot="mid"><script>window.__cfg1&&0;</script></div>'
    middle = len(paragraphs) // 2
    parts = body.split("</p>")
    body = "</p>".join(parts[:middle]) + "</p>" + ad + "</p>".join(parts[middle:])
    return (
        _head(title, site, meta)
        + f'<body class="single post-{article.number}">'
        + _banner(base, site)
        + f'<div class="breadcrumb"><a href="{base}/">{_e(site.name)}</a> › <a href="{base}/section/">{_e(site.section)}</a></div>'
        + '<main id="content"><article class="post">'
        + f'<h1 class="entry-title">{_e(title)}</h1>'
        + f'<div class="byline"><span class="author">{_e(author)}</span> · <time datetime="{published}">'
        + f"{article.published:%d/%m/%Y %H:%M}</time></div>"
        + f'<div class="share"><a href="#">{share}</a> <a href="#">X</a> <a href="#">LinkedIn</a></div>'
        + f'<div class="entry-content">{body}</div>'
        + "</article>"
        + f'<aside class="related"><h3>{read_more}</h3><ul>{"".join(related)}</ul></aside>'
        + f'<section class="newsletter"><h3>Newsletter</h3><p>{newsletter}</p><form><input type="email"></form></section>'
        + f'<section class="comments"><h3>{"Commentaires" if fr else "Comments"}</h3><ol>{comments}</ol></section>'
        + "</main>"
        + _footer(base, site)
        + "</body></html>"
    )


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def render_feed(plan: Plan, site: SiteSpec, base: str) -> tuple[str, str]:
    """(content type, text) of the site's feed or listing page: every article, newest first."""
    articles = plan.articles(site.index)
    if site.kind == "rss":
        items = "".join(
            f"<item><title>{_e(a.title)}</title><link>{base}{a.path}</link><guid isPermaLink=\"false\">"
            f"{site.index}-{a.number}</guid><pubDate>{_rfc822(a.published)}</pubDate>"
            f"<description>{_e(a.title)}.</description></item>"
            for a in articles
        )
        return "application/rss+xml", (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{_e(site.name)}</title>'
            f"<link>{base}/</link><description>{_e(site.section)}</description><language>{site.lang}</language>"
            f"{items}</channel></rss>"
        )
    if site.kind == "atom":
        entries = "".join(
            f'<entry><title>{_e(a.title)}</title><link rel="alternate" href="{base}{a.path}"/>'
            f"<id>tag:synth,2026:{site.index}-{a.number}</id><updated>{a.published.isoformat()}</updated>"
            f"<summary>{_e(a.title)}.</summary></entry>"
            for a in articles
        )
        updated = articles[0].published.isoformat() if articles else EPOCH.isoformat()
        return "application/atom+xml", (
            f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{_e(site.name)}</title><id>tag:synth,2026:{site.index}</id><updated>{updated}</updated>"
            f'<link href="{base}/"/>{entries}</feed>'
        )
    teasers = "".join(
        f'<div class="teaser"><h2 class="teaser-title"><a href="{a.path}">{_e(a.title)}</a></h2>'
        f'<p class="teaser-meta">{a.published:%d/%m %H:%M}</p></div>'
        for a in articles
    )
    return "text/html; charset=utf-8", (
        _head(site.section, site, "") + "<body>" + _banner(base, site)
        + f'<main><h1>{_e(site.section)}</h1><div class="teasers">{teasers}</div></main>'
        + _footer(base, site) + "</body></html>"
    )


ROBOTS = "User-agent: *\nDisallow: /search\nDisallow: /admin/\n\nUser-agent: BadBot\nDisallow: /\n"


def render_site(plan: Plan, index: int, bases: list[str]) -> dict[str, tuple[str, bytes]]:
    """Path -> (content type, body) for every page of one site."""
    base = bases[index]
    site = plan.site(index)
    pages: dict[str, tuple[str, bytes]] = {"/robots.txt": ("text/plain; charset=utf-8", ROBOTS.encode())}
    content_type, feed = render_feed(plan, site, base)
    pages[site.feed_path] = (content_type, feed.encode("utf-8"))
    for article in plan.articles(index):
        pages[article.path] = ("text/html; charset=utf-8", render_article(plan, article, base, bases).encode("utf-8"))
    return pages


# --- the server ---------------------------------------------------------------------------

_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nnot found\n"


def _response(content_type: str, body: bytes) -> tuple[bytes, bytes]:
    head = (
        f"HTTP/1.1 200 OK\r\nServer: synthweb\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        f"Last-Modified: {_rfc822(EPOCH)}\r\nCache-Control: max-age=60\r\n\r\n"
    ).encode("ascii")
    return head + body, head


class _Http(asyncio.Protocol):
    """HTTP/1.1 keep-alive, GET and HEAD, from a dict of pre-built answers; pipelining works too."""

    def __init__(self, pages: dict[bytes, tuple[bytes, bytes]]) -> None:
        self.pages = pages
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 65536:
                    self.transport.close()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            line, _, headers = head.partition(b"\r\n")
            parts = line.split(b" ")
            if len(parts) != 3:
                self.transport.close()
                return
            full, bare = self.pages.get(parts[1].split(b"?", 1)[0], (_NOT_FOUND, _NOT_FOUND))
            self.transport.write(bare if parts[0] == b"HEAD" else full)
            if b"connection: close" in headers.lower():
                self.transport.close()
                return


def serve(plan: Plan) -> None:
    """Bind a port per site, render every page, print one JSON line, then serve until stdin closes."""
    sockets = []
    for _ in range(plan.sites):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(1024)
        sockets.append(sock)
    bases = [f"http://127.0.0.1:{s.getsockname()[1]}" for s in sockets]
    began = time.perf_counter()
    tables, pages, size = [], 0, 0
    for index in range(plan.sites):
        table = {}
        for path, (content_type, body) in render_site(plan, index, bases).items():
            table[path.encode("ascii")] = _response(content_type, body)
            pages += 1
            size += len(body)
        tables.append(table)
    rendered = time.perf_counter() - began

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sock, table in zip(sockets, tables):
            await loop.create_server(lambda table=table: _Http(table), sock=sock, backlog=1024)
        print(json.dumps({"bases": bases, "pages": pages, "bytes": size, "render_seconds": rendered}), flush=True)
        # The parent closes our stdin (or dies): then we stop.
        await loop.run_in_executor(None, sys.stdin.read)

    asyncio.run(main())


class SynthWebServer:
    """The synthetic web served by a child process; a context manager."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.bases: list[str] = []
        self.pages = 0
        self.bytes = 0
        self.render_seconds = 0.0
        self._process: subprocess.Popen | None = None

    def start(self) -> SynthWebServer:
        plan = self.plan
        self._process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "serve", "--sites", str(plan.sites),
             "--per-site", str(plan.per_site), "--seed", str(plan.seed), "--copies", str(plan.copies),
             "--investments", str(plan.investments)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        line = self._process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("the synthetic web server did not start")
        ready = json.loads(line)
        self.bases, self.pages, self.bytes = ready["bases"], ready["pages"], ready["bytes"]
        self.render_seconds = ready["render_seconds"]
        return self

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self) -> None:
        if self._process is not None:
            try:
                self._process.stdin.close()
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def __enter__(self) -> SynthWebServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def feed_url(self, index: int) -> str:
        return self.bases[index] + self.plan.site(index).feed_path

    @cached_property
    def _articles(self) -> list[list[ArticleSpec]]:
        return [self.plan.articles(index) for index in range(self.plan.sites)]

    def article_urls(self) -> list[list[str]]:
        """Every article page, per site, newest first."""
        return [[self.bases[i] + a.path for a in articles] for i, articles in enumerate(self._articles)]

    def sources(self, backfill: int | None = None):
        """The sites as monitor Sources: feeds, and listing pages with their link selector."""
        from monitor.types import Source

        out = []
        for index in range(self.plan.sites):
            site = self.plan.site(index)
            out.append(Source(
                name=site.name, url=self.feed_url(index), kind="listing" if site.kind == "listing" else "feed",
                lang=site.lang, link_selector="h2.teaser-title a" if site.kind == "listing" else None,
                backfill=self.plan.per_site if backfill is None else backfill,
            ))
        return tuple(out)


def measure_capacity(bases: list[str], paths: list[str], seconds: float = 1.5, connections: int = 16) -> float:
    """Requests per second the server answers to a bare keep-alive client: its capacity, roughly.

    The client is as thin as asyncio allows (one request in flight per
    connection, the answer read by its Content-Length), so the figure is a
    floor of what the server can do, and a ceiling of what any client sees.
    """

    async def worker(base: str, path: str, deadline: float) -> int:
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
        done = 0
        while time.perf_counter() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
            await reader.readexactly(length)
            done += 1
        writer.close()
        return done

    async def run() -> float:
        began = time.perf_counter()
        deadline = began + seconds
        counts = await asyncio.gather(*(worker(bases[i % len(bases)], paths[i % len(paths)], deadline)
                                        for i in range(connections)))
        return sum(counts) / (time.perf_counter() - began)

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="serve the synthetic web until stdin closes")
    run.add_argument("--sites", type=int, default=50)
    run.add_argument("--per-site", type=int, default=40)
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--copies", type=float, default=0.05)
    run.add_argument("--investments", type=float, default=0.25)
    args = parser.parse_args(argv)
    serve(Plan(args.sites, args.per_site, args.seed, args.copies, args.investments))
    return 0


if __name__ == "__main__":
    sys.exit(main())
