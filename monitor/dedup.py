"""Dedup: decide whether a new article copies a stored one or joins a known story (pure).

Six layers, cheapest first; the store finds the candidates through indexes,
this module only computes fingerprints and decides:

1. URL identity: the same canonical URL, or the same page under a www./m./AMP
   variant (discover.url_identity_key), or the page's own rel=canonical/og:url.
2. Exact copies: a hash of the normalised text (content_hash).
3. Near copies (syndicated or lightly edited text): a one-permutation MinHash
   of word 4-gram shingles (SIGNATURE_BINS bins), cut into LSH bands; the
   store keeps the band keys in an indexed table, so finding the articles that
   share a band is an index lookup, not a scan. A candidate is a copy when the
   estimated resemblance (or containment, for an excerpt) is high enough.
4. The same story from another outlet, same language: title and lead terms
   plus shared names and numbers, within the story window (72 h by default).
5. The same story in another language: a language-independent fingerprint
   (names of organisations, people and places; amounts normalised with their
   currency; other numbers, percentages, dates; countries under one code
   whatever the language) plus the investment fields when present (investor,
   amount, currency, place).
6. Near misses stay apart: vetoes, checked before any evidence counts. Two
   articles whose headline amounts differ, whose headline countries differ, or
   whose announcements name the same investor with another amount or place (or
   two different investors for the same amount) are different stories.

Everything here is pure: `fingerprint` turns an article into features (the
store keeps them), `story_similarity` compares two, and `decide` takes the
candidates the store found and returns a DedupDecision with its reason.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from .money import find_money
from .types import Announcement, Article, DedupDecision

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Lower-case words without accents, punctuation or spacing differences.

    Two pages whose bodies differ only in typography (curly quotes, non-breaking
    spaces, accents dropped by a CMS) normalise to the same string.
    """
    return _NON_WORD.sub(" ", fold(text)).strip()


def fold(text: str) -> str:
    """Case-folded text without accents (ligatures and ‘’ kept apart from letters)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised body; the title stands in when there is no body."""
    basis = normalise_text(text) or "title:" + normalise_text(title)
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=16).hexdigest()


# --- layer 3: MinHash signatures and LSH bands ------------------------------------

#: Bins of the one-permutation MinHash: one hash per shingle, so the cost is linear in the text.
SIGNATURE_BINS = 64
#: LSH: BANDS bands of ROWS bins. Two texts of resemblance J share a band with
#: probability 1-(1-J^4)^16: 0.64 at J=0.5, 0.98 at J=0.7, 0.03 at J=0.2.
BANDS, ROWS = 16, 4
#: Words per shingle.
SHINGLE_WORDS = 4
#: Fewer shingles than this and the text is too short to call a near copy.
MIN_SHINGLES = 12
#: Estimated resemblance from which a text is a near copy of another.
NEAR_COPY_RESEMBLANCE = 0.5
#: An excerpt (a feed's first paragraphs, a shortened syndication) is a copy when
#: this share of its shingles is in the longer text, at a lower resemblance.
NEAR_COPY_CONTAINMENT, MIN_CONTAINED_RESEMBLANCE = 0.85, 0.25
_BIN_MASK = SIGNATURE_BINS - 1
_EMPTY = (1 << 64) - 1


def _h64(data: str) -> int:
    return int.from_bytes(hashlib.blake2b(data.encode("utf-8"), digest_size=8).digest(), "big")


def shingle_hashes(text: str) -> set[int]:
    """64-bit hashes of the word 4-grams of the normalised text."""
    words = normalise_text(text).split()
    if len(words) < SHINGLE_WORDS:
        return {_h64(" ".join(words))} if words else set()
    return {_h64(" ".join(words[i : i + SHINGLE_WORDS])) for i in range(len(words) - SHINGLE_WORDS + 1)}


def minhash(hashes: Iterable[int]) -> tuple[int, ...]:
    """One-permutation MinHash with rotation densification (Shrivastava and Li, 2014).

    Each shingle hash falls in one of SIGNATURE_BINS bins by its low bits and
    the bin keeps the smallest of the remaining bits; an empty bin borrows the
    next non-empty bin's value (shifted, so borrowed values stay distinct).
    """
    bins = [_EMPTY] * SIGNATURE_BINS
    for h in hashes:
        b = h & _BIN_MASK
        v = h >> 6
        if v < bins[b]:
            bins[b] = v
    if all(v == _EMPTY for v in bins):
        return tuple(bins)
    out = list(bins)
    for i, v in enumerate(bins):
        if v == _EMPTY:
            step = 1
            while bins[(i + step) & _BIN_MASK] == _EMPTY:
                step += 1
            out[i] = (bins[(i + step) & _BIN_MASK] + step * (1 << 58)) & ((1 << 64) - 1)
    return tuple(out)


def resemblance(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard resemblance of two signatures."""
    if not a or not b:
        return 0.0
    return sum(1 for x, y in zip(a, b) if x == y) / len(a)


def band_keys(signature: Sequence[int]) -> tuple[int, ...]:
    """One signed 64-bit key per band (SQLite's INTEGER), the band number mixed in."""
    keys = []
    for band in range(BANDS):
        rows = signature[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(repr((band, tuple(rows))).encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return tuple(keys)


def pack_signature(signature: Sequence[int]) -> bytes:
    return b"".join(v.to_bytes(8, "big") for v in signature)


def unpack_signature(blob: bytes | None) -> tuple[int, ...]:
    if not blob:
        return ()
    return tuple(int.from_bytes(blob[i : i + 8], "big") for i in range(0, len(blob), 8))


def is_near_copy(a: Sequence[int], a_size: int, b: Sequence[int], b_size: int) -> tuple[bool, float]:
    """Whether two texts are copies of one another, from their signatures and shingle counts."""
    if min(a_size, b_size) < MIN_SHINGLES:
        return False, 0.0
    j = resemblance(a, b)
    if j >= NEAR_COPY_RESEMBLANCE:
        return True, j
    # |A∩B| = J(|A|+|B|)/(1+J); containment of the smaller text in the larger.
    shared = j * (a_size + b_size) / (1 + j)
    contained = shared / min(a_size, b_size)
    return (j >= MIN_CONTAINED_RESEMBLANCE and contained >= NEAR_COPY_CONTAINMENT), j


# --- layers 4 and 5: the story fingerprint -----------------------------------------

_STOP = frozenset(
    """
    a about above after again against all also an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just more most no nor not now of off
    on once only or other our out over own same she should so some such than that the their them then there
    these they this those through to too under until up very was we were what when where which while who
    whom why will with would you your said says say told tell according new year years first last next
    week month months day days one two three four five six seven eight nine ten per cent percent million
    millions billion billions bn mln thousand including include includes plan plans company companies
    group firm firms its us u.s mr ms mrs inc corp co ltd plc llc sa sas ag nv se gmbh spa ceo cfo cto chief
    executive president chairman minister officer founder head director spokesperson spokesman spokeswoman
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    le la les l un une des du de d au aux et ou mais donc or ni car ce cet cette ces son sa ses leur leurs
    il elle ils elles on nous vous je tu qui que quoi dont ou en dans par pour sur sous avec sans chez vers
    entre selon est sont etait etaient sera seront a ont avait avaient aura auront ete etre avoir fait faire
    plus moins tres aussi ainsi deja encore apres avant depuis pendant lors comme si ne pas se s y n qu c j m t
    annee annees an ans mois jour jours semaine semaines premier premiere dernier derniere nouveau nouvelle
    nouveaux nouvelles milliard milliards millier milliers euros euro dollars dollar livres societe groupe
    entreprise entreprises directeur directrice general generale president presidente pdg fondateur ministre
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout
    septembre octobre novembre decembre selon afin notamment alors toutefois cependant
    """.split()
)

#: Countries under one code whatever the language: names, demonyms and a few cities.
_COUNTRY_WORDS = {
    "fr": "france french francais francaise francaises hexagone paris marseille lyon toulouse lille bordeaux nantes mulhouse strasbourg nice grenoble",
    "de": "germany german germans allemagne allemand allemande allemands allemandes berlin munich munchen frankfurt francfort hamburg hambourg cologne koln dresden dresde saxony saxe bavaria baviere stuttgart dusseldorf",
    "gb": "britain british uk u.k royaume-uni britannique britanniques england angleterre anglais london londres manchester scotland ecosse edinburgh",
    "us": "america american americans americain americaine americains etats-unis usa washington york new-york california californie texas san seattle boston chicago silicon",
    "es": "spain spanish espagne espagnol espagnole madrid barcelona barcelone",
    "it": "italy italian italie italien italienne rome milan milano turin",
    "nl": "netherlands dutch pays-bas neerlandais neerlandaise amsterdam rotterdam eindhoven holland hollande",
    "be": "belgium belgian belgique belge brussels bruxelles antwerp anvers",
    "ch": "switzerland swiss suisse zurich geneva geneve",
    "pl": "poland polish pologne polonais polonaise warsaw varsovie",
    "pt": "portugal portuguese portugais portugaise lisbon lisbonne porto",
    "ie": "ireland irish irlande irlandais irlandaise dublin",
    "se": "sweden swedish suede suedois suedoise stockholm",
    "no": "norway norwegian norvege norvegien norvegienne oslo",
    "dk": "denmark danish danemark danois danoise copenhagen copenhague",
    "fi": "finland finnish finlande finlandais finlandaise helsinki",
    "at": "austria austrian autriche autrichien autrichienne vienna vienne",
    "cz": "czech tcheque prague",
    "jp": "japan japanese japon japonais japonaise tokyo osaka",
    "cn": "china chinese chine chinois chinoise beijing pekin shanghai shenzhen",
    "kr": "korea korean coree coreen coreenne seoul",
    "tw": "taiwan taiwanese taiwanais taiwanaise taipei",
    "in": "india indian inde indien indienne bangalore bengaluru mumbai bombay delhi",
    "ca": "canada canadian canadien canadienne toronto montreal vancouver quebec",
    "br": "brazil brazilian bresil bresilien bresilienne sao",
    "mx": "mexico mexican mexique mexicain mexicaine",
    "au": "australia australian australie australien australienne sydney melbourne",
    "ma": "morocco moroccan maroc marocain marocaine casablanca rabat",
    "sa": "saudi saoudite riyadh riyad",
    "ae": "emirates emirati emirats dubai abu",
    "il": "israel israeli israelien israelienne tel-aviv",
    "sg": "singapore singapour singaporean",
    "ru": "russia russian russie russe moscow moscou",
    "ua": "ukraine ukrainian ukrainien ukrainienne kyiv kiev",
    "tr": "turkey turkish turquie turc turque istanbul",
    "eu": "eu europe european europeen europeenne europeens ue bruxelles brussels",
}
_COUNTRY = {word: code for code, words in _COUNTRY_WORDS.items() for word in words.split()}
# Brussels speaks for the EU more often than for Belgium.
_COUNTRY["brussels"] = _COUNTRY["bruxelles"] = "eu"
#: The same acronym in both languages (AI/IA, EU/UE...).
_ALIASES = {"ia": "ai", "ue": "eu", "bce": "ecb", "onu": "un", "otan": "nato", "fmi": "imf", "r&d": "rd",
            "etats": "us", "unis": "us"}

_MONTHS = {
    **{m: i for i, m in enumerate("january february march april may june july august september october november december".split(), 1)},
    **{m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)},
    **{m: i for i, m in enumerate("janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split(), 1)},
    "sept": 9,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_RE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b|(?P<d2>\d{{1,2}})(?:er)?\s+(?P<m2>{_MONTH_RE})\b)"
)
_NUMBER_RE = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:[ \u00a0\u202f,.’']\d{3})+(?![\d])|\d+(?:[.,]\d+)?)"
    r"(?:\s*(?P<pct>%|per\s?cent|pour\s?cent)|\s+(?P<scale>millions?|milliards?|billions?|bn|mln|thousand|mille))?"
)
_WORD_SCALE = re.compile(r"\b(?:one|a|un|une)\s+(?P<scale>million|milliard|billion)\b")
_SCALES = {"million": 10**6, "millions": 10**6, "mln": 10**6, "milliard": 10**9, "milliards": 10**9,
           "billion": 10**9, "billions": 10**9, "bn": 10**9, "thousand": 10**3, "mille": 10**3}
_WORD_RE = re.compile(r"[^\W\d_][\w'’&.-]*[^\W_]|[^\W\d_]", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…:;»\"“”]\s+|\n+")
#: "PARIS, May 13 (Meridian) -": a dateline says where the desk is, not where the story is.
_DATELINE = re.compile(r"^\s*[A-ZÀ-Ý][A-ZÀ-Ý .'’-]{1,40}(?:,[^-–—\n(]{0,30})?(?:\([^)\n]{1,40}\))?\s*[-–—]+\s+")
_ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t)['’]", re.IGNORECASE)
#: Words of a lead: the title plus this many words of the body.
LEAD_WORDS = 60

#: Weights of the kinds of keys, by prefix: how much sharing one says about sameness.
KEY_WEIGHTS = {"m": 3.0, "a": 3.0, "n": 2.0, "p": 1.5, "e": 1.0, "d": 1.0, "y": 0.5, "c": 0.5, "s": 0.25}
#: Keys worth indexing to find candidates (years, countries, small numbers are too common).
INDEXED_KINDS = frozenset({"m", "a", "n", "p", "e"})
#: Indexed keys per article, at most (the lead's come first).
MAX_INDEXED_KEYS = 40


@dataclass(frozen=True)
class StoryFeatures:
    """What layers 4-6 compare: the language-independent fingerprint of one article."""

    lang: str | None
    #: Prefix stems of the title and lead's content words (same-language lexical overlap).
    lead_terms: frozenset[str]
    #: Keys of the title and lead ("e:microsoft", "m:EUR:4e9", "n:25000", "c:fr"...).
    core_keys: frozenset[str]
    #: Keys of the whole article, core included.
    keys: frozenset[str]
    #: Amounts in the title and lead, as (currency, amount); and in the whole text.
    core_money: tuple[tuple[str, float], ...] = ()
    money: tuple[tuple[str, float], ...] = ()
    #: Country codes named in the title and first sentence (datelines excluded).
    core_countries: frozenset[str] = frozenset()
    #: The investment fields: (investor name words, currency, amount, country or place, kind).
    announcements: tuple[tuple[frozenset[str], str | None, float | None, str | None, str], ...] = ()

    def to_json(self) -> dict:
        return {
            "lang": self.lang,
            "lead": sorted(self.lead_terms),
            "core": sorted(self.core_keys),
            "keys": sorted(self.keys - self.core_keys),
            "core_money": [list(m) for m in self.core_money],
            "money": [list(m) for m in self.money],
            "countries": sorted(self.core_countries),
            "ann": [[sorted(a[0]), a[1], a[2], a[3], a[4]] for a in self.announcements],
        }

    @classmethod
    def from_json(cls, data: dict) -> "StoryFeatures":
        core = frozenset(data.get("core", ()))
        return cls(
            lang=data.get("lang"),
            lead_terms=frozenset(data.get("lead", ())),
            core_keys=core,
            keys=core | frozenset(data.get("keys", ())),
            core_money=tuple((c, float(a)) for c, a in data.get("core_money", ())),
            money=tuple((c, float(a)) for c, a in data.get("money", ())),
            core_countries=frozenset(data.get("countries", ())),
            announcements=tuple(
                (frozenset(a[0]), a[1], a[2], a[3], a[4]) for a in data.get("ann", ())
            ),
        )

    def index_keys(self) -> list[str]:
        """The keys the store indexes to find this article's story later: lead keys first."""
        ordered = sorted(k for k in self.core_keys if k[0] in INDEXED_KINDS)
        ordered += sorted(k for k in self.keys - self.core_keys if k[0] in INDEXED_KINDS)
        return ordered[:MAX_INDEXED_KEYS]


@dataclass(frozen=True)
class Fingerprint:
    """Everything dedup computes about one article, for the store to keep and look up."""

    content_hash: str
    signature: tuple[int, ...]
    #: Distinct shingles in the text (to estimate containment).
    shingles: int
    band_keys: tuple[int, ...]
    features: StoryFeatures


def fingerprint(article: Article, announcements: Sequence[Announcement] = ()) -> Fingerprint:
    """The fingerprints of every layer for one article (its announcements from invest)."""
    body = article.text or ""
    hashes = shingle_hashes(body or article.title)
    signature = minhash(hashes) if len(hashes) >= MIN_SHINGLES else ()
    return Fingerprint(
        content_hash=content_hash(article.title, body),
        signature=signature,
        shingles=len(hashes),
        band_keys=band_keys(signature) if signature else (),
        features=story_features(article.title, body, article.lang, announcements),
    )


def _stem(word: str) -> str:
    # A five-letter prefix is a crude stemmer that also meets cognates halfway:
    # invest/investit, infrastructure(s), intelligence, artificial/artificielle.
    return word[:5]


def lead_of(title: str, text: str) -> str:
    words = _DATELINE.sub("", text, count=1).split()
    return title + "\n" + " ".join(words[:LEAD_WORDS])


def lead_terms(title: str, text: str) -> frozenset[str]:
    terms = set()
    for word in normalise_text(lead_of(title, text)).split():
        if len(word) >= 3 and not word.isdigit() and word not in _STOP:
            terms.add(_stem(word))
    return frozenset(terms)


def _parse_number(raw: str) -> float | None:
    raw = raw.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    if re.fullmatch(r"\d{1,3}(?:[ ,.']\d{3})+", raw):
        return float(re.sub(r"[ ,.']", "", raw))
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def _num_key(value: float) -> str:
    return f"{float(f'{value:.3g}'):g}"


def _money_key(currency: str, amount: float) -> str:
    # Two significant digits, so 1.84bn and 1.8bn (the same fine, rounded) meet.
    return f"m:{currency}:{float(f'{amount:.2g}'):g}"


def _numbers(text: str, lang: str | None) -> tuple[set[str], list[tuple[str, float]]]:
    """Keys of the amounts, numbers, percentages and dates in text, and the amounts."""
    keys: set[str] = set()
    money = []
    blanked = list(text)
    for found in find_money(text, lang):
        if found.currency and found.amount:
            amount = float(found.amount)
            money.append((found.currency, amount))
            keys.add(_money_key(found.currency, amount))
        blanked[found.start : found.end] = " " * (found.end - found.start)
    rest = "".join(blanked)
    folded = fold(rest)
    for m in _DATE_RE.finditer(folded):
        month = _MONTHS.get(m.group("m1") or m.group("m2"))
        day = int(m.group("d1") or m.group("d2"))
        if month and 1 <= day <= 31:
            keys.add(f"d:{month:02d}-{day:02d}")
    folded = _DATE_RE.sub(" ", folded)
    for m in _WORD_SCALE.finditer(folded):
        keys.add("n:" + _num_key(_SCALES[m.group("scale")]))
    for m in _NUMBER_RE.finditer(folded):
        value = _parse_number(m.group("num"))
        if value is None:
            continue
        if m.group("pct"):
            keys.add("p:" + _num_key(value))
            continue
        if m.group("scale"):
            keys.add("n:" + _num_key(value * _SCALES[m.group("scale").strip()]))
            continue
        if value.is_integer() and 1900 <= value <= 2100 and re.fullmatch(r"\d{4}", m.group("num")):
            keys.add(f"y:{int(value)}")
        elif value >= 10:
            keys.add("n:" + _num_key(value))
        else:
            keys.add("s:" + _num_key(value))
    return keys, money


def _sentence_starts(text: str) -> set[int]:
    starts = {0}
    for m in _SENTENCE_END.finditer(text):
        starts.add(m.end())
    return starts


def _name_word(raw: str) -> str:
    word = _ELISION.sub("", raw)
    word = re.sub(r"['’]s$", "", word).strip(".-'’")
    return word


def _entities(title: str, text: str) -> tuple[set[str], set[str]]:
    """Name keys (e:...) and country keys (c:...) of the title and text.

    A capitalised word counts as a name inside a sentence; at the start of a
    sentence (or in a Title Case headline) only if the text also capitalises
    it elsewhere. Country names, demonyms and big cities of either language
    map to one code; demonyms count in lower case too (French writes them so).
    """
    names: set[str] = set()
    countries: set[str] = set()
    inner: set[str] = set()
    initial: set[str] = set()
    for part in (text,):
        starts = _sentence_starts(part)
        for m in _WORD_RE.finditer(part):
            raw = _name_word(m.group())
            if not raw:
                continue
            key = fold(raw)
            code = _COUNTRY.get(key)
            if code:
                countries.add(code)
                continue
            # Capitalised, or a camel-case brand (iPhone, eBay, xAI).
            if not (raw[0].isupper() or any(c.isupper() for c in raw[1:])):
                continue
            if key in _STOP or len(key) < 2:
                continue
            at_start = m.start() in starts or part[max(0, m.start() - 2) : m.start()].strip() in ("«", "\"", "“", "(", "'")
            (initial if at_start else inner).add(key)
    title_words = [_name_word(w) for w in _WORD_RE.findall(title)]
    capitalised = [w for w in title_words if w and w[0].isupper()]
    title_case = len(title_words) > 3 and len(capitalised) >= 0.6 * len(title_words)
    for index, raw in enumerate(title_words):
        if not raw:
            continue
        key = fold(raw)
        if key in _COUNTRY:
            countries.add(_COUNTRY[key])
            continue
        if not raw[0].isupper() or key in _STOP or len(key) < 2:
            continue
        if index == 0 or title_case:
            initial.add(key)
        else:
            inner.add(key)
    for key in inner | (initial & inner):
        names.add("e:" + _ALIASES.get(key, key))
    # A sentence-initial word seen nowhere else is a name only if it does not look like a word.
    for key in initial - inner:
        if any(c.isdigit() for c in key):
            names.add("e:" + key)
    for key in list(names):
        alias = _ALIASES.get(key[2:])
        if alias in _COUNTRY_WORDS:
            countries.add(alias)
    return names, {"c:" + c for c in countries}


def _countries_in(text: str) -> frozenset[str]:
    found = set()
    for raw in _WORD_RE.findall(text):
        code = _COUNTRY.get(fold(_name_word(raw)))
        if code and code != "eu":
            found.add(code)
    return frozenset(found)


def _first_sentence(text: str) -> str:
    body = _DATELINE.sub("", text, count=1)
    m = _SENTENCE_END.search(body)
    return body[: m.start()] if m else body[:300]


def _investor_words(name: str | None) -> frozenset[str]:
    if not name:
        return frozenset()
    return frozenset(w for w in normalise_text(name).split() if len(w) > 1 and w not in _STOP)


def _place(location: str | None) -> str | None:
    if not location:
        return None
    words = normalise_text(location).split()
    for word in words:
        if word in _COUNTRY:
            return _COUNTRY[word]
    return " ".join(words) or None


def story_features(
    title: str, text: str, lang: str | None = None, announcements: Sequence[Announcement] = ()
) -> StoryFeatures:
    """The language-independent fingerprint of an article (layers 4-5)."""
    lead = lead_of(title, text)
    core_numbers, core_money = _numbers(lead, lang)
    body_numbers, money = _numbers(text, lang)
    core_names, core_countries = _entities(title, lead.split("\n", 1)[1] if "\n" in lead else "")
    names, countries = _entities(title, text)
    # A name capitalised in the body counts in the lead too, where it may start a sentence.
    core_names |= {k for k in names if k[2:] in normalise_text(lead).split()}
    core = frozenset(core_numbers | core_names | core_countries)
    keys = frozenset(core | body_numbers | names | countries)
    anns = []
    for found in announcements:
        anns.append(
            (
                _investor_words(found.investor),
                found.currency,
                float(found.amount) if found.amount is not None else None,
                _place(found.location),
                found.kind,
            )
        )
    # Headline countries: the title and the first sentence, datelines aside.
    head_countries = _countries_in(title + " " + _first_sentence(text))
    return StoryFeatures(
        lang=lang,
        lead_terms=lead_terms(title, text),
        core_keys=core,
        keys=keys | frozenset(_announcement_keys(anns)),
        core_money=tuple(core_money),
        money=tuple(money),
        core_countries=head_countries,
        announcements=tuple(anns),
    )


def _announcement_keys(anns) -> list[str]:
    keys = []
    for investor, currency, amount, _place_, _kind in anns:
        if investor and currency and amount:
            for word in sorted(investor):
                keys.append(f"a:{word}:{_money_key(currency, amount)[2:]}")
    return keys


# --- comparing two fingerprints -----------------------------------------------------

#: Rough rates to a common unit: only to tell "€4bn ($4.3bn)" from a different amount.
_TO_USD = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CHF": 1.12, "JPY": 0.0066, "CNY": 0.14, "CAD": 0.73,
           "AUD": 0.66, "INR": 0.012, "SEK": 0.095, "NOK": 0.094, "DKK": 0.145, "PLN": 0.25, "KRW": 0.00073,
           "HKD": 0.128, "SGD": 0.74, "BRL": 0.19, "AED": 0.27, "SAR": 0.27}


def same_amount(a: tuple[str, float], b: tuple[str, float], tolerance: float = 0.03) -> bool:
    """The same amount in the same currency (rounding allowed)."""
    return a[0] == b[0] and abs(a[1] - b[1]) <= tolerance * max(a[1], b[1])


def close_amount(a: tuple[str, float], b: tuple[str, float]) -> bool:
    """Possibly the same amount, converted at a rough rate (for vetoes only, never as evidence)."""
    if a[0] == b[0]:
        return same_amount(a, b)
    ra, rb = _TO_USD.get(a[0]), _TO_USD.get(b[0])
    if ra is None or rb is None:
        return True  # unknown currency: cannot tell, so do not veto
    x, y = a[1] * ra, b[1] * rb
    return abs(x - y) <= 0.2 * max(x, y)


def _weight(key: str) -> float:
    return KEY_WEIGHTS.get(key[0], 1.0)


def _weigh(keys: Iterable[str]) -> float:
    return sum(_weight(k) for k in keys)


@dataclass(frozen=True)
class Similarity:
    """How two articles compare, with the evidence; `same_story` is the verdict."""

    same_story: bool
    score: float
    why: str
    shared: tuple[str, ...] = field(default=())


def _investors_match(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b and (a & b))


def _announcement_verdict(a: StoryFeatures, b: StoryFeatures) -> tuple[bool, str | None]:
    """(investment fields agree, why they conflict or None).

    They agree when some pair of announcements names the same investor with a
    compatible amount and place. They conflict when none does and either the
    same investor comes with another amount or place, or the headline
    announcements name two different investors for the same amount.
    """
    pa = [x for x in a.announcements if x[0]]
    pb = [x for x in b.announcements if x[0]]
    if not pa or not pb:
        return False, None
    agree, clash = False, None
    for inv_a, cur_a, amt_a, place_a, _ in pa:
        for inv_b, cur_b, amt_b, place_b, _ in pb:
            if not _investors_match(inv_a, inv_b):
                continue
            amounts_ok = amt_a is None or amt_b is None or not cur_a or not cur_b or close_amount((cur_a, amt_a), (cur_b, amt_b))
            places_ok = place_a is None or place_b is None or place_a == place_b or not (
                len(place_a) == 2 and len(place_b) == 2
            )
            if amounts_ok and places_ok:
                if amt_a and amt_b and cur_a == cur_b and same_amount((cur_a, amt_a), (cur_b, amt_b)):
                    agree = True
                elif amt_a is None or amt_b is None:
                    agree = agree or False
                else:
                    agree = True
            else:
                clash = clash or ("same investor, other amount" if not amounts_ok else "same investor, other place")
    if agree:
        return True, None
    if clash:
        return False, clash
    # Different investors: a conflict when the headline announcements carry the same amount.
    ia, ib = pa[0], pb[0]
    if ia[1] and ib[1] and ia[2] and ib[2] and same_amount((ia[1], ia[2]), (ib[1], ib[2])):
        if not (_investors_match(ia[0], ib[0])):
            return False, "same amount, other investor"
    return False, None


def _money_conflict(a: StoryFeatures, b: StoryFeatures) -> bool:
    """Both headlines carry amounts and none of either appears anywhere in the other."""
    if not a.core_money or not b.core_money:
        return False
    a_in_b = any(close_amount(x, y) for x in a.core_money for y in b.money)
    b_in_a = any(close_amount(y, x) for y in b.core_money for x in a.money)
    return not (a_in_b or b_in_a)


#: Thresholds of story_similarity (see benchmarks/dedup.py for how they score).
SHARED_NAMES_WITH_AMOUNT = 1
MIN_DICE = 0.34
MIN_SHARED_WEIGHT = 5.0
MIN_LEXICAL = 0.34
MIN_LEXICAL_SHARED_WEIGHT = 2.0


def story_similarity(a: StoryFeatures, b: StoryFeatures) -> Similarity:
    """Whether two articles tell the same story, and why (layers 4-6)."""
    shared = a.keys & b.keys
    shared_core = a.core_keys & b.core_keys
    weight_shared = _weigh(shared)
    dice = 2 * weight_shared / (_weigh(a.keys) + _weigh(b.keys) or 1.0)
    lexical = 0.0
    if a.lead_terms and b.lead_terms:
        lexical = len(a.lead_terms & b.lead_terms) / math.sqrt(len(a.lead_terms) * len(b.lead_terms))
    score = round(max(dice, lexical if (a.lang == b.lang) else 0.0), 3)
    shown = tuple(sorted(shared))
    # Layer 6 first: near misses.
    agree, clash = _announcement_verdict(a, b)
    if clash:
        return Similarity(False, score, clash, shown)
    if _money_conflict(a, b):
        return Similarity(False, score, "headline amounts differ", shown)
    if a.core_countries and b.core_countries and not (a.core_countries & b.core_countries):
        return Similarity(False, score, "headline countries differ", shown)
    names = {k for k in shared if k[0] == "e"}
    core_names = {k for k in shared_core if k[0] == "e"}
    core_amounts = any(same_amount(x, y) for x in a.core_money for y in b.core_money)
    specifics = {k for k in shared if k[0] in "mnp"}
    if agree and names:
        return Similarity(True, score, "same investment: investor and amount", shown)
    if core_amounts and len(core_names) >= SHARED_NAMES_WITH_AMOUNT:
        return Similarity(True, score, "same headline amount and names", shown)
    if dice >= MIN_DICE and weight_shared >= MIN_SHARED_WEIGHT and names and (specifics or len(names) >= 3):
        return Similarity(True, score, f"shared names and numbers (dice {dice:.2f})", shown)
    same_language = a.lang is None or b.lang is None or a.lang == b.lang
    if same_language and lexical >= MIN_LEXICAL and _weigh(shared_core) >= MIN_LEXICAL_SHARED_WEIGHT and core_names:
        return Similarity(True, score, f"same title and lead (lexical {lexical:.2f})", shown)
    return Similarity(False, score, "not enough in common", shown)


# --- deciding -------------------------------------------------------------------------

#: A late report (a re-post, a weekly round-up) joins its story this long after it,
#: but only on the same investment: the same investor, amount and place.
LATE_WINDOW = timedelta(days=30)


class Match(Protocol):
    """A stored article a new one matches (store.StoredMatch is one)."""

    article_id: int
    story_id: int


@dataclass(frozen=True)
class Candidate:
    """A stored article found by band keys or by shared keys in the time window."""

    article_id: int
    story_id: int
    #: When it was published (or first seen, when undated).
    seen: datetime | None
    signature: tuple[int, ...] = ()
    shingles: int = 0
    features: StoryFeatures | None = None


def decide(
    same_url: Match | None,
    same_text: Match | None,
    near: Sequence[Candidate] = (),
    related: Sequence[Candidate] = (),
    *,
    new: Fingerprint | None = None,
    seen: datetime | None = None,
    window: timedelta = timedelta(hours=72),
    late_window: timedelta | None = None,
) -> DedupDecision:
    """Where a new article goes, given the stored articles the store found for it.

    same_url/same_text: layers 1-2. near: candidates sharing an LSH band
    (layer 3). related: candidates sharing names or numbers (layers 4-6); one
    within `window` of `seen` may join its story, and one up to `late_window`
    away only on an identical investment (same investor, amount and place).
    """
    late_window = LATE_WINDOW if late_window is None else late_window
    if same_url is not None:
        return DedupDecision("same-url", duplicate_of=same_url.article_id, story_id=same_url.story_id)
    if same_text is not None:
        return DedupDecision("same-text", duplicate_of=same_text.article_id, story_id=same_text.story_id)
    if new is None:
        return DedupDecision("new")
    best: tuple[float, Candidate] | None = None
    for candidate in near:
        if not candidate.signature or not new.signature:
            continue
        copy, j = is_near_copy(new.signature, new.shingles, candidate.signature, candidate.shingles)
        if copy and (best is None or j > best[0]):
            best = (j, candidate)
    if best is not None:
        return DedupDecision(
            "near-copy", duplicate_of=best[1].article_id, story_id=best[1].story_id, detail=f"resemblance {best[0]:.2f}"
        )
    chosen: tuple[float, Candidate, Similarity] | None = None
    for candidate in related:
        if candidate.features is None:
            continue
        gap = abs((seen - candidate.seen).total_seconds()) if (seen and candidate.seen) else 0.0
        if gap > late_window.total_seconds():
            continue
        verdict = story_similarity(new.features, candidate.features)
        if not verdict.same_story:
            continue
        if gap > window.total_seconds() and not verdict.why.startswith("same investment"):
            continue
        if chosen is None or verdict.score > chosen[0]:
            chosen = (verdict.score, candidate, verdict)
    if chosen is not None:
        return DedupDecision("same-story", story_id=chosen[1].story_id, detail=chosen[2].why)
    return DedupDecision("new")
