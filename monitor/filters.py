"""Filters: what a subscriber wants to hear about, parsed from what they type, and matched.

Pure: no I/O. The bot parses a chat's arguments into a `Filters` value (or a
`FilterError` that says what was wrong and how to write it), the store keeps
it as JSON, and the Telegram notifier asks `matches` for each new story.

Keywords, investors and places are plain words or phrases, never regular
expressions: text is folded (case, accents, ligatures) and cut into words, and
a phrase matches when its words appear one after another. That is a substring
search over a normalised string, linear in the text, so no input can make it
slow (no ReDoS).

Syntax, one clause per key, values separated by commas::

    include: data centre, cloud  exclude: rumour  min: 10m EUR
    country: France, Europe  investor: Microsoft  kind: capex, funding_round  lang: fr, en

A story matches when every key that is set agrees: some include phrase is in
its title or text and no exclude phrase is; one of its announcements meets the
minimum amount, the investor, the kind and the place; its language is listed;
and not every announcement comes from a muted investor (`skip:`).

It also owns how an amount is written back (`format_money`: "€4 bn", "4 Md€"),
for the alerts, the console and /filters alike, so what /filters shows can be
typed again.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation

from .money import currency_code
from .types import ANNOUNCEMENT_KINDS, Announcement, Article

#: Longest filter text accepted, in characters.
MAX_TEXT = 1000
#: Most values under one key.
MAX_VALUES = 30
#: Longest single value (a phrase), in characters.
MAX_VALUE = 80


class FilterError(ValueError):
    """What the user typed cannot be read; the message says why and how to write it."""


# --- text folding ------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l"})


def fold(text: str) -> str:
    """Lower-case, accent-free words joined by single spaces: "Data-Centre à Évry" -> "data centre a evry"."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(_WORD.findall(text))


def contains_phrase(folded_text: str, folded_phrase: str) -> bool:
    """True when the phrase's words occur one after another in the text (both folded)."""
    if not folded_phrase:
        return False
    return f" {folded_phrase} " in f" {folded_text} "


def clean_input(text: str) -> str:
    """Drop invisible format characters (RTL/LTR marks, zero-width joiners) and control characters."""
    return "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cs") else " " if ch in "\r" else ""
        for ch in text
    )


# --- places ---------------------------------------------------------------------------

#: Names people may type for a place -> the canonical name the detector writes in
#: Announcement.location (English).
_PLACE_ALIASES = {
    "france": "France", "hexagone": "France",
    "germany": "Germany", "allemagne": "Germany", "deutschland": "Germany",
    "united kingdom": "United Kingdom", "uk": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "royaume uni": "United Kingdom", "grande bretagne": "United Kingdom",
    "united states": "United States", "us": "United States", "usa": "United States", "america": "United States",
    "etats unis": "United States",
    "spain": "Spain", "espagne": "Spain", "italy": "Italy", "italie": "Italy",
    "belgium": "Belgium", "belgique": "Belgium", "netherlands": "Netherlands", "pays bas": "Netherlands",
    "switzerland": "Switzerland", "suisse": "Switzerland", "austria": "Austria", "autriche": "Austria",
    "ireland": "Ireland", "irlande": "Ireland", "poland": "Poland", "pologne": "Poland",
    "sweden": "Sweden", "suede": "Sweden", "norway": "Norway", "norvege": "Norway",
    "denmark": "Denmark", "danemark": "Denmark", "finland": "Finland", "finlande": "Finland",
    "china": "China", "chine": "China", "japan": "Japan", "japon": "Japan", "india": "India", "inde": "India",
    "south korea": "South Korea", "coree du sud": "South Korea", "canada": "Canada",
    "brazil": "Brazil", "bresil": "Brazil", "mexico": "Mexico", "mexique": "Mexico",
    "morocco": "Morocco", "maroc": "Morocco", "singapore": "Singapore", "singapour": "Singapore",
    "australia": "Australia", "australie": "Australia",
    "europe": "Europe", "eu": "European Union", "european union": "European Union",
    "union europeenne": "European Union", "ue": "European Union",
    "africa": "Africa", "afrique": "Africa", "asia": "Asia", "asie": "Asia",
    "north america": "North America", "amerique du nord": "North America",
    "latin america": "Latin America", "amerique latine": "Latin America",
    "middle east": "Middle East", "moyen orient": "Middle East",
}

_EU = (
    "Austria Belgium Bulgaria Croatia Cyprus Czech Republic Denmark Estonia Finland France Germany Greece "
    "Hungary Ireland Italy Latvia Lithuania Luxembourg Malta Netherlands Poland Portugal Romania Slovakia "
    "Slovenia Spain Sweden"
)
_TWO_WORDS = ("Czech Republic", "United Kingdom", "United States", "South Korea", "South Africa", "Saudi Arabia",
              "United Arab Emirates", "Ivory Coast", "New Zealand", "Hong Kong", "European Union")


def _names(text: str) -> tuple[str, ...]:
    names = []
    for two in _TWO_WORDS:
        if two in text:
            names.append(two)
            text = text.replace(two, "")
    return tuple(names + text.split())


#: A region -> the places inside it, so "country: Europe" catches a plant in Spain.
REGIONS: dict[str, tuple[str, ...]] = {
    "European Union": _names(_EU),
    "Europe": _names(_EU + " European Union United Kingdom Switzerland Norway Iceland Serbia Ukraine"),
    "Africa": _names("Morocco Algeria Tunisia Egypt Nigeria Kenya Senegal Ivory Coast Ghana Ethiopia Rwanda South Africa"),
    "Asia": _names("China Japan South Korea Taiwan Hong Kong Singapore Malaysia Indonesia Thailand Vietnam "
                   "Philippines India Pakistan Bangladesh Kazakhstan Uzbekistan"),
    "North America": _names("United States Canada Mexico"),
    "Latin America": _names("Mexico Brazil Argentina Chile Colombia Peru"),
    "Middle East": _names("Saudi Arabia United Arab Emirates Qatar Kuwait Israel Lebanon Turkey Egypt"),
}
#: Regions of a country the detector may name instead of the country.
SUBREGIONS = {
    "Île-de-France": "France", "Grand Est": "France", "Hauts-de-France": "France",
    "Auvergne-Rhône-Alpes": "France", "Occitania": "France", "Nouvelle-Aquitaine": "France",
}


def canonical_place(name: str) -> str:
    return _PLACE_ALIASES.get(fold(name), name.strip())


def place_matches(wanted: str, location: str | None) -> bool:
    """Is `location` (as the detector wrote it) inside the place the subscriber wants?"""
    if not location:
        return False
    place = fold(location)
    parent = SUBREGIONS.get(location)
    inside = {fold(wanted)} | {fold(member) for member in REGIONS.get(wanted, ())}
    if place in inside or (parent and fold(parent) in inside):
        return True
    # A city or region the detector wrote out in full ("Lyon, France").
    return any(contains_phrase(place, name) for name in inside)


# --- amounts ----------------------------------------------------------------------------

_SCALE_WORDS = {
    "": 0, "k": 3, "thousand": 3, "mille": 3,
    "m": 6, "mn": 6, "mio": 6, "million": 6, "millions": 6, "millions de": 6,
    "b": 9, "bn": 9, "billion": 9, "billions": 9, "md": 9, "mds": 9, "mrd": 9, "milliard": 9, "milliards": 9,
}
_AMOUNT = re.compile(
    r"^(?P<pre>[^\d\s.,]{1,4})?\s*(?P<num>\d+(?:[.,]\d+)?)\s*(?P<scale>[a-z]+(?: de)?)?\s*(?P<post>\S.*)?$",
    re.IGNORECASE,
)

#: Rough value of one unit of each currency in euros, only to compare a story's amount
#: with a minimum written in another currency. Approximate on purpose: a threshold, not an invoice.
EUR_RATES = {
    "EUR": Decimal("1"), "USD": Decimal("0.92"), "GBP": Decimal("1.17"), "CHF": Decimal("1.04"),
    "JPY": Decimal("0.0061"), "CNY": Decimal("0.13"), "CAD": Decimal("0.68"), "AUD": Decimal("0.61"),
    "HKD": Decimal("0.12"), "SGD": Decimal("0.69"), "NZD": Decimal("0.56"), "INR": Decimal("0.011"),
    "KRW": Decimal("0.00068"), "SEK": Decimal("0.088"), "NOK": Decimal("0.086"), "DKK": Decimal("0.134"),
    "PLN": Decimal("0.23"), "BRL": Decimal("0.17"), "AED": Decimal("0.25"), "SAR": Decimal("0.245"),
    "ZAR": Decimal("0.05"), "MXN": Decimal("0.05"), "TRY": Decimal("0.028"),
}

_AMOUNT_HELP = 'write it as a number, a scale and a currency, e.g. "min: 10m EUR", "min: €500k", "min: 1.5bn USD"'


def parse_amount(text: str) -> tuple[Decimal, str]:
    """ "10m EUR" -> (Decimal("10000000"), "EUR"); raises FilterError with an example otherwise."""
    raw = text.strip()
    match = _AMOUNT.match(raw)
    if not match:
        raise FilterError(f'min: "{raw}" is not an amount: {_AMOUNT_HELP}')
    scale_word = (match["scale"] or "").lower()
    post = (match["post"] or "").strip()
    if scale_word not in _SCALE_WORDS:
        # "10 EUR": what looked like a scale is the currency.
        post, scale_word = f"{match['scale']} {post}".strip(), ""
    currencies = {code for code in (currency_code(match["pre"] or ""), currency_code(post)) if code}
    if match["pre"] and currency_code(match["pre"]) is None or post and currency_code(post) is None:
        unknown = match["pre"] if match["pre"] and currency_code(match["pre"]) is None else post
        raise FilterError(f'min: "{unknown}" is not a currency I know: write EUR, USD, GBP, CHF, € , $ or £')
    if len(currencies) != 1:
        raise FilterError(f'min: "{raw}" needs one currency: {_AMOUNT_HELP}')
    try:
        number = Decimal(match["num"].replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the regex allows only digits
        raise FilterError(f'min: "{raw}" is not an amount: {_AMOUNT_HELP}') from None
    amount = number * (Decimal(10) ** _SCALE_WORDS[scale_word])
    if amount <= 0:
        raise FilterError(f"min: the amount must be above zero ({_AMOUNT_HELP})")
    exact = amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount.normalize()
    return exact, currencies.pop()


_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}
_UNITS = {"en": ((9, "bn"), (6, "m"), (3, "k")), "fr": ((9, "Md"), (6, "M"), (3, "k"))}
_AMOUNT_WORDS = {"en": ("amount not stated", "up to"), "fr": ("montant non précisé", "jusqu'à")}


def chat_lang(lang: str | None) -> str:
    """The language amounts and alerts are written in: "fr" for any French code, else "en"."""
    return "fr" if (lang or "").lower().startswith("fr") else "en"


def format_money(amount: Decimal | None, currency: str | None, lang: str | None = "en", upper_bound: bool = False) -> str:
    """4000000000 EUR -> "€4 bn" (en) or "4 Md€" (fr); exact digits, the unit chosen.

    The one way the monitor writes an amount: Telegram alerts in the chat's
    language, the console and /filters in English. The English form is what
    parse_amount reads back ("€50 m", "$1.5 bn", "300 m CHF"), so /filters shows
    a minimum the way it can be typed again.
    """
    lang = chat_lang(lang)
    unknown, up_to = _AMOUNT_WORDS[lang]
    if amount is None:
        return unknown
    number, unit = amount, ""
    for power, name in _UNITS[lang]:
        if abs(amount) >= Decimal(10) ** power:
            number, unit = amount / Decimal(10) ** power, name
            break
    digits = f"{number.normalize():f}"
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    symbol = _SYMBOLS.get(currency or "")
    if lang == "fr":
        digits = digits.replace(".", ",")
        text = f"{digits} {unit}{symbol}" if symbol and unit else f"{digits} {unit} {symbol or currency or ''}"
    else:
        text = f"{symbol}{digits} {unit}" if symbol else f"{digits} {unit} {currency or ''}"
    text = " ".join(text.split())
    return f"{up_to} {text}" if upper_bound else text


def amount_at_least(amount: Decimal | None, currency: str | None, minimum: Decimal, min_currency: str) -> bool:
    """Is an announced amount at least the minimum? Unknown amounts and unconvertible currencies are not."""
    if amount is None or not currency:
        return False
    if currency == min_currency:
        return amount >= minimum
    if currency in EUR_RATES and min_currency in EUR_RATES:
        return amount * EUR_RATES[currency] >= minimum * EUR_RATES[min_currency]
    return False


# --- the value ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """One chat's filters; every field empty means "every investment story"."""

    #: Folded phrases, at least one must occur in the title or text.
    include: tuple[str, ...] = ()
    #: Folded phrases, none may occur.
    exclude: tuple[str, ...] = ()
    #: Minimum amount (in units) and its currency.
    min_amount: Decimal | None = None
    min_currency: str | None = None
    #: Canonical place names (countries, regions).
    countries: tuple[str, ...] = ()
    #: Investor names as typed (matched folded).
    investors: tuple[str, ...] = ()
    #: Investors muted from the alert's button ("mute this investor").
    skip_investors: tuple[str, ...] = ()
    #: Announcement kinds (ANNOUNCEMENT_KINDS).
    kinds: tuple[str, ...] = ()
    #: ISO 639-1 codes of the source languages.
    langs: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self == Filters()

    def to_json(self) -> str:
        record = {f.name: getattr(self, f.name) for f in fields(self)}
        record = {k: (list(v) if isinstance(v, tuple) else v) for k, v in record.items() if v not in ((), None)}
        if self.min_amount is not None:
            record["min_amount"] = format(self.min_amount, "f")
        return json.dumps(record, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> "Filters":
        try:
            record = json.loads(text or "{}")
        except ValueError:
            return cls()
        if not isinstance(record, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        values = {}
        for key, value in record.items():
            if key not in known:
                continue
            if key == "min_amount":
                values[key] = Decimal(value) if value is not None else None
            elif isinstance(value, list):
                values[key] = tuple(str(item) for item in value)
            else:
                values[key] = value
        return cls(**values)


#: Keys people type (and their aliases, English and French) -> the field they set.
KEYS = {
    "include": "include", "keywords": "include", "keyword": "include", "kw": "include", "words": "include",
    "mots": "include",
    "exclude": "exclude", "not": "exclude", "without": "exclude", "sauf": "exclude",
    "min": "min", "minimum": "min", "amount": "min", "montant": "min",
    "country": "countries", "countries": "countries", "region": "countries", "regions": "countries",
    "where": "countries", "pays": "countries",
    "investor": "investors", "investors": "investors", "by": "investors", "investisseur": "investors",
    "skip": "skip_investors", "mute-investor": "skip_investors",
    "kind": "kinds", "kinds": "kinds", "type": "kinds", "types": "kinds",
    "lang": "langs", "langs": "langs", "language": "langs", "languages": "langs", "langue": "langs",
}
_KIND_ALIASES = {
    "capex": "capex", "plant": "capex", "factory": "capex", "site": "capex",
    "funding": "funding_round", "funding_round": "funding_round", "round": "funding_round",
    "fundraising": "funding_round", "levee": "funding_round", "raise": "funding_round",
    "equity_stake": "equity_stake", "stake": "equity_stake", "equity": "equity_stake",
    "public_programme": "public_programme", "public": "public_programme", "programme": "public_programme",
    "program": "public_programme", "government": "public_programme",
    "acquisition": "acquisition", "acquire": "acquisition", "takeover": "acquisition", "rachat": "acquisition",
}
_LANG_NAMES = {"english": "en", "anglais": "en", "french": "fr", "francais": "fr", "german": "de",
               "allemand": "de", "spanish": "es", "espagnol": "es", "italian": "it", "italien": "it"}

SYNTAX_HELP = (
    "Write one or more clauses key: value, value…\n"
    "  include: data centre, cloud   (any of these words or phrases)\n"
    "  exclude: rumour               (none of these)\n"
    "  min: 10m EUR                  (an amount at least this; €, $, £, EUR, USD…)\n"
    "  country: France, Europe       (countries or regions)\n"
    "  investor: Microsoft, Amazon\n"
    f"  kind: {', '.join(ANNOUNCEMENT_KINDS)}\n"
    "  lang: fr, en                  (languages of the sources)\n"
    'Example: include: cloud, "data centre" min: 100m EUR country: Europe'
)

_KEY_RE = re.compile(r"(?:(?<=\s)|^)([A-Za-z][\w-]*)\s*:", re.UNICODE)
_QUOTES = "\"'“”«»„‘’"


def parse_filters(text: str, base: Filters | None = None) -> Filters:
    """Read clauses into Filters; keys not written keep their value from `base`.

    An empty value clears its key ("exclude:"). Raises FilterError saying what
    was wrong and how to write it.
    """
    text = clean_input(text).strip()
    if len(text) > MAX_TEXT:
        raise FilterError(f"That is {len(text)} characters; filters take at most {MAX_TEXT}.")
    base = base or Filters()
    if not text:
        return base
    clauses = list(_KEY_RE.finditer(text))
    if not clauses or text[: clauses[0].start()].strip():
        head = text[: clauses[0].start()].strip() if clauses else text
        shown = head if len(head) <= 40 else head[:40] + "…"
        raise FilterError(f'I could not read "{shown}": each filter starts with a key and a colon.\n{SYNTAX_HELP}')
    values: dict[str, object] = {}
    seen: set[str] = set()
    for index, match in enumerate(clauses):
        key = match.group(1).lower()
        end = clauses[index + 1].start() if index + 1 < len(clauses) else len(text)
        body = text[match.end() : end].strip()
        target = KEYS.get(key)
        if target is None:
            raise FilterError(f'"{key}:" is not a filter I know. Keys: {", ".join(sorted(set(KEYS.values()) - {"skip_investors"} | {"skip"}))}.\n{SYNTAX_HELP}')
        if target in seen:
            raise FilterError(f'"{key}:" is given twice: put all its values in one clause, separated by commas.')
        seen.add(target)
        values.update(_clause(target, key, body))
    return replace(base, **values)


def _items(key: str, body: str) -> list[str]:
    items = [item.strip().strip(_QUOTES).strip() for item in body.split(",")]
    items = [item for item in items if item]
    if len(items) > MAX_VALUES:
        raise FilterError(f"{key}: at most {MAX_VALUES} values, you gave {len(items)}.")
    for item in items:
        if len(item) > MAX_VALUE:
            raise FilterError(f'{key}: "{item[:30]}…" is longer than {MAX_VALUE} characters.')
    return items


def _clause(target: str, key: str, body: str) -> dict[str, object]:
    if target == "min":
        if not body:
            return {"min_amount": None, "min_currency": None}
        amount, currency = parse_amount(body)
        return {"min_amount": amount, "min_currency": currency}
    items = _items(key, body)
    if target in ("include", "exclude"):
        phrases = []
        for item in items:
            folded = fold(item)
            if not folded:
                raise FilterError(f'{key}: "{item}" has no letters or digits; keywords are plain words or phrases.')
            if folded not in phrases:
                phrases.append(folded)
        return {target: tuple(phrases)}
    if target == "countries":
        places = []
        for item in items:
            if not fold(item):
                raise FilterError(f'{key}: "{item}" is not a place; write a country or region, e.g. France, Europe.')
            place = canonical_place(item)
            if place not in places:
                places.append(place)
        return {"countries": tuple(places)}
    if target in ("investors", "skip_investors"):
        names = []
        for item in items:
            if not fold(item):
                raise FilterError(f'{key}: "{item}" has no letters or digits; write an investor\'s name.')
            if fold(item) not in {fold(n) for n in names}:
                names.append(item)
        return {target: tuple(names)}
    if target == "kinds":
        kinds = []
        for item in items:
            kind = _KIND_ALIASES.get(fold(item).replace(" ", "_"))
            if kind is None:
                raise FilterError(f'{key}: "{item}" is not a kind; write one of {", ".join(ANNOUNCEMENT_KINDS)}.')
            if kind not in kinds:
                kinds.append(kind)
        return {"kinds": tuple(kinds)}
    if target == "langs":
        langs = []
        for item in items:
            code = _LANG_NAMES.get(fold(item), fold(item))
            if not re.fullmatch(r"[a-z]{2}", code):
                raise FilterError(f'{key}: "{item}" is not a language code; write two letters, e.g. fr, en.')
            if code not in langs:
                langs.append(code)
        return {"langs": tuple(langs)}
    raise AssertionError(target)  # pragma: no cover


def describe(filters: Filters) -> str:
    """The filters as the user would write them (what /filters shows)."""
    if filters.empty:
        return "none: every investment story"
    parts = []
    if filters.include:
        parts.append("include: " + ", ".join(filters.include))
    if filters.exclude:
        parts.append("exclude: " + ", ".join(filters.exclude))
    if filters.min_amount is not None:
        parts.append(f"min: {format_money(filters.min_amount, filters.min_currency, 'en')}")
    if filters.countries:
        parts.append("country: " + ", ".join(filters.countries))
    if filters.investors:
        parts.append("investor: " + ", ".join(filters.investors))
    if filters.skip_investors:
        parts.append("skip: " + ", ".join(filters.skip_investors))
    if filters.kinds:
        parts.append("kind: " + ", ".join(filters.kinds))
    if filters.langs:
        parts.append("lang: " + ", ".join(filters.langs))
    return "\n".join(parts)


# --- matching -----------------------------------------------------------------------------


def _announcement_matches(filters: Filters, found: Announcement, folded_title: str) -> bool:
    if filters.min_amount is not None and not amount_at_least(
        found.amount, found.currency, filters.min_amount, filters.min_currency or ""
    ):
        return False
    if filters.kinds and found.kind not in filters.kinds:
        return False
    if filters.investors:
        investor = fold(found.investor or "")
        if not any(contains_phrase(investor, fold(name)) for name in filters.investors):
            return False
    if filters.countries:
        located = any(place_matches(place, found.location) for place in filters.countries)
        # No location detected: the title may still name the place ("… in France").
        if not located and not (
            found.location is None and any(contains_phrase(folded_title, fold(p)) for p in filters.countries)
        ):
            return False
    return True


def matches(filters: Filters, article: Article, announcements: list[Announcement] | tuple[Announcement, ...]) -> bool:
    """Does a story (its first qualifying article and announcements) interest this chat?"""
    if filters.langs and (article.lang or "") not in filters.langs:
        return False
    if filters.include or filters.exclude:
        folded = fold(f"{article.title}\n{article.text}")
        if filters.include and not any(contains_phrase(folded, phrase) for phrase in filters.include):
            return False
        if any(contains_phrase(folded, phrase) for phrase in filters.exclude):
            return False
    if filters.skip_investors and announcements:
        skipped = [fold(name) for name in filters.skip_investors]
        if all(fold(found.investor or "") in skipped for found in announcements):
            return False
    folded_title = fold(article.title)
    return any(_announcement_matches(filters, found, folded_title) for found in announcements)
